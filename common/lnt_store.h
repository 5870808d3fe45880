/*  lnt_store.h - a node's store: one LMDB environment with named databases.

    This is the only module that includes lmdb.h. It knows nothing of what
    the bytes mean: keys and values are opaque, and the layers above decide.
    Several processes may open one store (staff commands beside the daemon);
    LMDB's write lock serialises writers.

    Writes go through lnt_store_write, which runs a caller's function inside
    one write transaction and commits it durably. When the map is full, it
    aborts, grows the map and runs the function again, so the write that hit
    the limit is not lost; the function must therefore compute everything it
    writes from the transaction and its argument, with no other side effect
    that cannot be repeated. The map cannot change while this process has
    a read transaction open (its values point into the map): a write that
    fills the map then fails with LNT_EMAPFULL, so end read transactions
    before writing.

    Values returned by get and the cursor live until the transaction ends;
    in a write transaction only until the next put or delete in any
    database (LMDB may spill and free a dirty page then).                  */
#ifndef LNT_STORE_H
#define LNT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  The named databases. Their names on disk (for mdb_stat -s and mdb_dump
    -s) are in lnt_store.c: "meta", "records", "log", ... LNT_DB_RECORDS is
    several on disk: the records of the offices' kinds (key: kind byte 1-3,
    office code of 1-8 letters or digits, '-', the rest) in one tree per
    kind and office, "records/<kind>/<office>" (records/1/3503), made by
    the first put of one, and every other key (first byte 4 or more) in
    "records". Calls see them as one database in key order.              */
typedef enum {
    LNT_DB_META,        /* node facts: role, office, node id, clock, heads */
    LNT_DB_RECORDS,     /* kind byte + id -> record (both sections)         */
    LNT_DB_LOG,         /* sequence (8 bytes, big-endian) -> change         */
    LNT_DB_PRIVATE,     /* id -> data that never replicates (reporters)     */
    LNT_DB_REF,         /* name -> reference data (CSV text)                */
    LNT_DB_COUNTERS,    /* name -> number (which files were imported)       */
    LNT_DB_CHECKPOINTS, /* hub: office -> replication checkpoint            */
    LNT_DB_CONFLICTS,   /* hub: losing versions kept for review             */
    LNT_DB_DEAD,        /* hub: changes it could not apply, with reasons    */
    LNT_DB_ROLLUPS,     /* hub: rollup counters                             */
    LNT_DB_COUNT        /* how many there are                               */
} lnt_db_t;

typedef struct lnt_store_t lnt_store_t;
typedef struct lnt_txn_t lnt_txn_t;
typedef struct lnt_cursor_t lnt_cursor_t;

#define LNT_STORE_CREATE 1   /* create the folder and store; refuse if one exists */
#define LNT_STORE_READONLY 2 /* open for reading only                      */
#define LNT_STORE_FEW_TREES 4 /* room for 64 records trees, not 4000: LMDB
                                 sets aside memory in every transaction for
                                 each database it may have, and an office's
                                 store has three (a store that has more than
                                 32 is opened with room for 4000)         */

/*  Opens (or with LNT_STORE_CREATE creates) the store in folder dir.
    map_size is the initial map size in bytes (0: 64 MiB, or the size the
    store already has if larger). Returns 0 and sets *store, or:
    LNT_ENOTFOUND no store in dir; LNT_EEXIST creating where one exists;
    LNT_ECANTCREAT the folder cannot be made; LNT_ESTORE LMDB failed (the
    reason is logged); LNT_ENOMEM.                                          */
int lnt_store_open (const char *dir, int flags, size_t map_size,
                    lnt_store_t **store);

/*  Closes the store; sets *self_p to NULL; safe on NULL. No transaction of
    this store may be open.                                                 */
void lnt_store_destroy (lnt_store_t **self_p);

/*  The folder the store lives in; borrowed, as long as the store.         */
const char *lnt_store_dir (const lnt_store_t *self);

/*  Which file holds the store: its device and inode, and its birth time
    where the file system keeps one, in one number (0: no file). A store
    restored from a backup, or copied, is another file, even when it got
    the old file's inode number back.                                      */
uint64_t lnt_store_file_id (const lnt_store_t *self);

/*  The current map size in bytes.                                          */
size_t lnt_store_map_size (const lnt_store_t *self);

/*  Function run inside a write transaction: return 0 to commit, anything
    else to abort (that value is returned by lnt_store_write).             */
typedef int (lnt_store_write_fn) (lnt_txn_t *txn, void *arg);

/*  Runs fn in one write transaction and commits it durably (fsync). When
    the map fills, grows it (doubling) and runs fn again. Returns fn's
    error, or LNT_ESTORE / LNT_ENOMEM, and then nothing was written.
    Growing the map needs this process to have no other transaction: reads
    are counted and refuse it (LNT_EMAPFULL), but a write begun by another
    thread at that moment makes it fail (LNT_ESTORE), so a process writes
    from one thread at a time (the hub's loop waits for its writer).       */
int lnt_store_write (lnt_store_t *self, lnt_store_write_fn *fn, void *arg);

/*  Begins a read transaction: a consistent snapshot. End it with
    lnt_txn_end. 0, LNT_ESTORE or LNT_ENOMEM.                               */
int lnt_store_read (lnt_store_t *self, lnt_txn_t **txn);

/*  The store a transaction belongs to.                                    */
lnt_store_t *lnt_txn_store (lnt_txn_t *txn);

/*  A number that no other transaction of this store begun in this process
    has, read or write (a write run again after the map grew gets a new
    one): the key for what a layer above remembers about one transaction. */
uint64_t lnt_txn_serial (const lnt_txn_t *txn);

/*  How many puts, appends, deletes and drops of db this transaction has
    tried so far (failed ones count too). A layer above that remembers
    something read from db in this transaction knows it still holds when
    the count has not moved since.                                         */
uint64_t lnt_txn_changes (const lnt_txn_t *txn, lnt_db_t db);

/*  Ends a read transaction; sets *txn_p to NULL; safe on NULL.            */
void lnt_txn_end (lnt_txn_t **txn_p);

/*  Looks up key. 0 and sets *val and *vlen (borrowed), LNT_ENOTFOUND, or
    LNT_ESTORE.                                                             */
int lnt_txn_get (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen,
                 const void **val, size_t *vlen);

/*  Stores key -> val, replacing. 0, LNT_EMAPFULL (lnt_store_write handles
    it), or LNT_ESTORE. A key of LNT_DB_RECORDS of neither shape above (an
    office kind without an office code and '-', or first byte 0) is
    LNT_EINVAL, and so is it for put_new and put_last.                     */
int lnt_txn_put (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen,
                 const void *val, size_t vlen);

/*  Stores key -> val only when key is not there yet: 0, LNT_EEXIST (and
    nothing changed), LNT_EMAPFULL or LNT_ESTORE. One descent of the tree
    where a get then a put would take two.                                 */
int lnt_txn_put_new (lnt_txn_t *txn, lnt_db_t db, const void *key,
                     size_t klen, const void *val, size_t vlen);

/*  Stores key -> val when key is greater than every key in db, with
    LMDB's MDB_APPEND: the last page is taken without a search. 0;
    LNT_EEXIST when key is not greater than the last key (nothing
    changed: put it another way); LNT_EMAPFULL or LNT_ESTORE.              */
int lnt_txn_put_last (lnt_txn_t *txn, lnt_db_t db, const void *key,
                      size_t klen, const void *val, size_t vlen);


/*  Deletes key. 0, LNT_ENOTFOUND or LNT_ESTORE.                            */
int lnt_txn_del (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen);

/*  Empties db. 0 or LNT_ESTORE.                                            */
int lnt_txn_drop (lnt_txn_t *txn, lnt_db_t db);

/*  Number of entries in db, or 0 on error.                                 */
size_t lnt_txn_count (lnt_txn_t *txn, lnt_db_t db);

/*  Helpers for 64-bit values kept under a text key in LNT_DB_META or
    LNT_DB_COUNTERS, stored big-endian. get returns dflt when absent.
    The transaction keeps the last few such values (keys under 32 bytes)
    it read or wrote: reading one again while its database is unchanged
    costs no lookup, and a put reaches LMDB only before the next other
    access to its database, when its slot is reused, or at the commit, so
    put's 0 may be followed by LNT_EMAPFULL or LNT_ESTORE from that later
    call (or from lnt_store_write). Callers may lean on this to read a
    counter or meta's clock once per row of a long write.                 */
uint64_t lnt_txn_get_u64 (lnt_txn_t *txn, lnt_db_t db, const char *key,
                          uint64_t dflt);
int lnt_txn_put_u64 (lnt_txn_t *txn, lnt_db_t db, const char *key,
                     uint64_t value);

/*  Text values under a text key: get copies into buf (NUL-terminated) and
    returns 0, LNT_ENOTFOUND, or LNT_EINVAL when it does not fit.          */
int lnt_txn_get_str (lnt_txn_t *txn, lnt_db_t db, const char *key,
                     char *buf, size_t size);
int lnt_txn_put_str (lnt_txn_t *txn, lnt_db_t db, const char *key,
                     const char *value);

/*  Big-endian 8-byte keys, for the log.                                    */
void lnt_store_key_u64 (uint64_t value, unsigned char key[8]);
uint64_t lnt_store_u64_key (const void *key);

/*  A cursor over db, valid while its transaction is. 0 or LNT_ESTORE.
    Over LNT_DB_RECORDS it walks the trees there were when it was opened:
    a tree its own write transaction makes later is not walked (open
    another cursor).                                                     */
int lnt_cursor_open (lnt_txn_t *txn, lnt_db_t db, lnt_cursor_t **cursor);
void lnt_cursor_close (lnt_cursor_t **cursor_p);

/*  Positions at the first key >= key (klen 0: the first key), or moves to
    the next or the previous key, or to the last key. Each returns 0 and
    sets the borrowed key and value, LNT_ENOTFOUND past either end, or
    LNT_ESTORE.                                                            */
int lnt_cursor_seek (lnt_cursor_t *self, const void *key, size_t klen,
                     const void **k, size_t *kl, const void **v, size_t *vl);
int lnt_cursor_next (lnt_cursor_t *self, const void **k, size_t *kl,
                     const void **v, size_t *vl);
int lnt_cursor_prev (lnt_cursor_t *self, const void **k, size_t *kl,
                     const void **v, size_t *vl);
int lnt_cursor_last (lnt_cursor_t *self, const void **k, size_t *kl,
                     const void **v, size_t *vl);

/*  Writes a hot, compacted copy of the store to the file path (which must
    not exist), as mdb_env_copy2 does. 0, LNT_EEXIST, LNT_EIO.             */
int lnt_store_backup (lnt_store_t *self, const char *path);

#endif
