/*  lnt_store.c - the store over LMDB: environment, transactions with map
    growth, named databases, cursors and hot backup.                       */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lnt_error.h"
#include "lnt_log.h"
#include "lnt_store.h"

/*  The map is address space, not disk: the file grows only as it is
    written. A large default spares imports the grow-and-redo of a full
    map.                                                                   */
#define LNT_MAP_DEFAULT ((size_t) 1 << 30)

/*  Names on disk, in lnt_db_t order.                                       */
static const char *s_db_names[LNT_DB_COUNT] = {
    "meta", "records", "log", "private", "ref", "counters",
    "checkpoints", "conflicts", "dead", "rollups"};

struct lnt_store_t {
    MDB_env *env;              /* the LMDB environment                    */
    MDB_dbi dbi[LNT_DB_COUNT]; /* handles of the named databases          */
    char *dir;                 /* the folder; owned                       */
    bool readonly;             /* opened with LNT_STORE_READONLY          */
    int readers;               /* read transactions open in this process  */
    uint64_t serial;           /* transactions begun in this process      */
};

/*  A 64-bit value under a text key, as lnt_txn_get_u64 last read it or
    lnt_txn_put_u64 last wrote it in this transaction. A value read holds
    while its database has not changed since (changes unmoved). A value
    written is dirty: LMDB has not got it yet, and it is written there
    before anything else reads or writes its database in this transaction,
    when its slot is needed for another, and before the commit. A counter
    taken row by row in an import is thus put into LMDB once, at the end. */
#define S_U64_KEY 32   /* the longest key kept, NUL included               */
#define S_U64_SLOTS 4  /* values kept per transaction                      */
typedef struct {
    lnt_db_t db;         /* the database; LNT_DB_COUNT: slot unused         */
    uint64_t changes;    /* the database's change count when it was known   */
    bool found;          /* a value of 8 bytes is there                     */
    bool dirty;          /* written here, not yet into LMDB                 */
    uint64_t value;      /* the value when found                            */
    char key[S_U64_KEY]; /* the key                                         */
} s_u64_t;

struct lnt_txn_t {
    MDB_txn *txn;       /* the LMDB transaction                            */
    lnt_store_t *store; /* the store it belongs to                         */
    uint64_t serial;    /* this transaction's number in the process        */
    uint64_t changes[LNT_DB_COUNT]; /* puts, deletes, drops tried per db   */
    s_u64_t u64[S_U64_SLOTS]; /* u64 values known or not yet written     */
    unsigned u64_next;  /* the slot to use next                            */
};

struct lnt_cursor_t {
    MDB_cursor *cursor; /* the LMDB cursor                                 */
};

static int
s_error (int rc, const char *what, const char *dir)
{
    if (rc == MDB_NOTFOUND)
        return LNT_ENOTFOUND;
    if (rc == MDB_MAP_FULL)
        return LNT_EMAPFULL;
    if (rc == ENOMEM)
        return LNT_ENOMEM;
    lnt_log_error ("store dir=%s op=%s error=\"%s\" - store operation failed",
                   dir ? dir : "?", what, mdb_strerror (rc));
    return LNT_ESTORE;
}

/*  Writes the dirty value of slot into LMDB. 0, LNT_EMAPFULL or
    LNT_ESTORE.                                                            */
static int
s_u64_write (lnt_txn_t *txn, s_u64_t *slot)
{
    unsigned char v[8];
    lnt_store_key_u64 (slot->value, v);
    MDB_val k = {strlen (slot->key), slot->key}, d = {8, v};
    int rc = mdb_put (txn->txn, txn->store->dbi[slot->db], &k, &d, 0);
    if (rc)
        return s_error (rc, "put", txn->store->dir);
    /* LMDB now holds what the slot says: it stays valid as long as its
       database does not change otherwise.                               */
    slot->dirty = false;
    slot->changes = txn->changes[slot->db];
    return 0;
}

/*  Writes the dirty u64 values of db (LNT_DB_COUNT: of every database)
    into LMDB. 0, LNT_EMAPFULL or LNT_ESTORE.                              */
static int
s_u64_flush (lnt_txn_t *txn, lnt_db_t db)
{
    for (int i = 0; i < S_U64_SLOTS; i++) {
        s_u64_t *slot = &txn->u64[i];
        if (slot->dirty && (db == LNT_DB_COUNT || slot->db == db)) {
            int rc = s_u64_write (txn, slot);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/*  Makes dir and any missing parents (mkdir -p). 0, or -1 with errno.    */
static int
s_mkdirs (const char *dir)
{
    char path[4096];
    if (snprintf (path, sizeof path, "%s", dir) >= (int) sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir (path, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir (path, 0750) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat (path, &st) != 0 || !S_ISDIR (st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int
lnt_store_open (const char *dir, int flags, size_t map_size,
                lnt_store_t **store)
{
    int rc;
    lnt_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return LNT_ENOMEM;
    self->dir = strdup (dir);
    self->readonly = (flags & LNT_STORE_READONLY) != 0;
    if (!self->dir) {
        free (self);
        return LNT_ENOMEM;
    }
    char path[4096];
    snprintf (path, sizeof path, "%s/data.mdb", dir);
    struct stat st;
    bool exists = stat (path, &st) == 0;
    if (flags & LNT_STORE_CREATE) {
        if (exists) {
            rc = LNT_EEXIST;
            goto fail;
        }
        if (s_mkdirs (dir) != 0) {
            /* The caller words the message, from errno.                  */
            rc = LNT_ECANTCREAT;
            goto fail;
        }
    }
    else if (!exists) {
        rc = LNT_ENOTFOUND;
        goto fail;
    }
    if ((rc = mdb_env_create (&self->env)) != 0)
        goto fail_mdb;
    mdb_env_set_maxdbs (self->env, LNT_DB_COUNT);
    mdb_env_set_maxreaders (self->env, 126);
    /* An existing store keeps at least the size its file has grown to. */
    if (!map_size)
        map_size = LNT_MAP_DEFAULT;
    if (exists && (size_t) st.st_size > map_size)
        map_size = (size_t) st.st_size;
    if ((rc = mdb_env_set_mapsize (self->env, map_size)) != 0)
        goto fail_mdb;
    unsigned int env_flags = MDB_NOTLS;
    if (self->readonly)
        env_flags |= MDB_RDONLY;
    if ((rc = mdb_env_open (self->env, dir, env_flags, 0640)) != 0) {
        if (rc == EACCES || rc == ENOENT) {
            lnt_log_error ("store dir=%s error=\"%s\" - cannot open store",
                           dir, mdb_strerror (rc));
            rc = (flags & LNT_STORE_CREATE) ? LNT_ECANTCREAT : LNT_EUNAVAIL;
            goto fail;
        }
        goto fail_mdb;
    }
    MDB_txn *txn;
    if ((rc = mdb_txn_begin (self->env, NULL, self->readonly ? MDB_RDONLY : 0,
                             &txn)) != 0)
        goto fail_mdb;
    /* Only a new store gets its databases: opening another program's
       LMDB environment must not write into it (a missing one is
       MDB_NOTFOUND, "no lontar store").                                  */
    for (int i = 0; i < LNT_DB_COUNT; i++) {
        rc = mdb_dbi_open (txn, s_db_names[i],
                           (flags & LNT_STORE_CREATE) ? MDB_CREATE : 0,
                           &self->dbi[i]);
        if (rc != 0) {
            mdb_txn_abort (txn);
            goto fail_mdb;
        }
    }
    if ((rc = mdb_txn_commit (txn)) != 0)
        goto fail_mdb;
    *store = self;
    return 0;

fail_mdb:
    rc = s_error (rc, "open", dir);
fail:
    if (self->env)
        mdb_env_close (self->env);
    free (self->dir);
    free (self);
    return rc;
}

void
lnt_store_destroy (lnt_store_t **self_p)
{
    assert (self_p);
    lnt_store_t *self = *self_p;
    if (!self)
        return;
    mdb_env_close (self->env);
    free (self->dir);
    free (self);
    *self_p = NULL;
}

const char *
lnt_store_dir (const lnt_store_t *self)
{
    return self->dir;
}

uint64_t
lnt_store_file_id (const lnt_store_t *self)
{
    char path[4096];
    struct stat st;
    struct statx stx;
    snprintf (path, sizeof path, "%s/data.mdb", self->dir);
    if (stat (path, &st) != 0)
        return 0;
    uint64_t id = (uint64_t) st.st_dev << 40 ^ (uint64_t) st.st_ino;
    /* A backup put back as data.mdb in an emptied folder often gets the
       inode number the old file had (ext4 reuses a freed inode at once);
       its birth time is new.                                             */
    if (statx (AT_FDCWD, path, 0, STATX_BTIME, &stx) == 0
        && (stx.stx_mask & STATX_BTIME)) {
        uint64_t born = (uint64_t) stx.stx_btime.tv_sec * 1000000000u
                        + stx.stx_btime.tv_nsec;
        id ^= (born + 1) * UINT64_C (0x9e3779b97f4a7c15);
    }
    return id;
}

size_t
lnt_store_map_size (const lnt_store_t *self)
{
    MDB_envinfo info;
    mdb_env_info (self->env, &info);
    return info.me_mapsize;
}

/*  Begins a transaction, adopting a map that another process grew. Changing
    the map unmaps the pages that values of open read transactions point
    into, so while this process has one open the map stays as it is, and
    the begin fails (LMDB allows mdb_env_set_mapsize only with no
    transaction active in the process).                                     */
static int
s_begin (lnt_store_t *self, unsigned int flags, MDB_txn **txn)
{
    int rc = mdb_txn_begin (self->env, NULL, flags, txn);
    if (rc == MDB_MAP_RESIZED && self->readers == 0) {
        mdb_env_set_mapsize (self->env, 0);
        rc = mdb_txn_begin (self->env, NULL, flags, txn);
    }
    return rc;
}

int
lnt_store_write (lnt_store_t *self, lnt_store_write_fn *fn, void *arg)
{
    if (self->readonly)
        return LNT_ESTORE;
    for (;;) {
        lnt_txn_t txn = {.store = self, .serial = ++self->serial};
        for (int i = 0; i < S_U64_SLOTS; i++)
            txn.u64[i].db = LNT_DB_COUNT;
        int rc = s_begin (self, 0, &txn.txn);
        if (rc != 0)
            return s_error (rc, "begin", self->dir);
        rc = fn (&txn, arg);
        if (rc == 0)
            rc = s_u64_flush (&txn, LNT_DB_COUNT);
        if (rc == 0) {
            rc = mdb_txn_commit (txn.txn);
            if (rc == 0)
                return 0;
            rc = s_error (rc, "commit", self->dir);
        }
        else
            mdb_txn_abort (txn.txn);
        if (rc != LNT_EMAPFULL)
            return rc;
        if (self->readers > 0) {
            lnt_log_error ("store dir=%s readers=%d - map full, and it "
                           "cannot grow while a read transaction is open",
                           self->dir, self->readers);
            return LNT_EMAPFULL;
        }
        size_t size = lnt_store_map_size (self) * 2;
        rc = mdb_env_set_mapsize (self->env, size);
        if (rc != 0)
            return s_error (rc, "grow", self->dir);
        lnt_log_info ("store dir=%s map_size=%zu - map grown", self->dir,
                      size);
    }
}

int
lnt_store_read (lnt_store_t *self, lnt_txn_t **txn)
{
    lnt_txn_t *t = calloc (1, sizeof *t);
    if (!t)
        return LNT_ENOMEM;
    int rc = s_begin (self, MDB_RDONLY, &t->txn);
    if (rc != 0) {
        free (t);
        return s_error (rc, "read", self->dir);
    }
    t->store = self;
    t->serial = ++self->serial;
    for (int i = 0; i < S_U64_SLOTS; i++)
        t->u64[i].db = LNT_DB_COUNT;
    self->readers++;
    *txn = t;
    return 0;
}

lnt_store_t *
lnt_txn_store (lnt_txn_t *txn)
{
    return txn->store;
}

uint64_t
lnt_txn_serial (const lnt_txn_t *txn)
{
    return txn->serial;
}

uint64_t
lnt_txn_changes (const lnt_txn_t *txn, lnt_db_t db)
{
    return txn->changes[db];
}

void
lnt_txn_end (lnt_txn_t **txn_p)
{
    if (!*txn_p)
        return;
    (*txn_p)->store->readers--;
    mdb_txn_abort ((*txn_p)->txn);
    free (*txn_p);
    *txn_p = NULL;
}

int
lnt_txn_get (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen,
             const void **val, size_t *vlen)
{
    int rc = s_u64_flush (txn, db);
    if (rc)
        return rc;
    MDB_val k = {klen, (void *) key}, v;
    rc = mdb_get (txn->txn, txn->store->dbi[db], &k, &v);
    if (rc != 0)
        return s_error (rc, "get", txn->store->dir);
    *val = v.mv_data;
    *vlen = v.mv_size;
    return 0;
}

static int
s_put (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen,
       const void *val, size_t vlen, unsigned int flags)
{
    MDB_val k = {klen, (void *) key}, v = {vlen, (void *) val};
    int rc = s_u64_flush (txn, db);
    if (rc)
        return rc;
    txn->changes[db]++;
    rc = mdb_put (txn->txn, txn->store->dbi[db], &k, &v, flags);
    if (rc == MDB_KEYEXIST) /* MDB_NOOVERWRITE or MDB_APPEND said no      */
        return LNT_EEXIST;
    return rc ? s_error (rc, "put", txn->store->dir) : 0;
}

int
lnt_txn_put (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen,
             const void *val, size_t vlen)
{
    return s_put (txn, db, key, klen, val, vlen, 0);
}

int
lnt_txn_put_new (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen,
                 const void *val, size_t vlen)
{
    return s_put (txn, db, key, klen, val, vlen, MDB_NOOVERWRITE);
}

int
lnt_txn_put_last (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen,
                  const void *val, size_t vlen)
{
    /* LMDB compares the key with the last one and, when it is not
       greater, returns MDB_KEYEXIST having changed nothing.              */
    return s_put (txn, db, key, klen, val, vlen, MDB_APPEND);
}

int
lnt_txn_del (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen)
{
    MDB_val k = {klen, (void *) key};
    int rc = s_u64_flush (txn, db);
    if (rc)
        return rc;
    txn->changes[db]++;
    rc = mdb_del (txn->txn, txn->store->dbi[db], &k, NULL);
    return rc ? s_error (rc, "del", txn->store->dir) : 0;
}

int
lnt_txn_drop (lnt_txn_t *txn, lnt_db_t db)
{
    int rc = s_u64_flush (txn, db);
    if (rc)
        return rc;
    txn->changes[db]++;
    rc = mdb_drop (txn->txn, txn->store->dbi[db], 0);
    return rc ? s_error (rc, "drop", txn->store->dir) : 0;
}

size_t
lnt_txn_count (lnt_txn_t *txn, lnt_db_t db)
{
    MDB_stat st;
    if (s_u64_flush (txn, db) != 0
        || mdb_stat (txn->txn, txn->store->dbi[db], &st) != 0)
        return 0;
    return st.ms_entries;
}

void
lnt_store_key_u64 (uint64_t value, unsigned char key[8])
{
    for (int i = 7; i >= 0; i--, value >>= 8)
        key[i] = (unsigned char) (value & 0xff);
}

uint64_t
lnt_store_u64_key (const void *key)
{
    const unsigned char *k = key;
    uint64_t value = 0;
    for (int i = 0; i < 8; i++)
        value = value << 8 | k[i];
    return value;
}

/*  The slot that holds key of db, still valid, or NULL.                   */
static s_u64_t *
s_u64_find (lnt_txn_t *txn, lnt_db_t db, const char *key, size_t klen)
{
    if (klen >= S_U64_KEY)
        return NULL;
    for (int i = 0; i < S_U64_SLOTS; i++) {
        s_u64_t *slot = &txn->u64[i];
        if (slot->db == db
            && (slot->dirty || slot->changes == txn->changes[db])
            && memcmp (slot->key, key, klen + 1) == 0)
            return slot;
    }
    return NULL;
}

/*  Notes what db holds under key now (dirty: only here, so far). A slot
    taken for it that holds a dirty value writes that into LMDB first.
    0, or as s_u64_flush; klen must be under S_U64_KEY.                   */
static int
s_u64_keep (lnt_txn_t *txn, lnt_db_t db, const char *key, size_t klen,
            bool found, uint64_t value, bool dirty)
{
    assert (klen < S_U64_KEY);
    s_u64_t *slot = s_u64_find (txn, db, key, klen);
    if (!slot) {
        slot = &txn->u64[txn->u64_next];
        int rc = slot->dirty ? s_u64_write (txn, slot) : 0;
        if (rc)
            return rc;
        txn->u64_next = (txn->u64_next + 1) % S_U64_SLOTS;
    }
    if (dirty)
        txn->changes[db]++; /* others watching db see it change           */
    slot->db = db;
    slot->changes = txn->changes[db];
    slot->found = found;
    slot->dirty = dirty;
    slot->value = value;
    memcpy (slot->key, key, klen + 1);
    return 0;
}

uint64_t
lnt_txn_get_u64 (lnt_txn_t *txn, lnt_db_t db, const char *key, uint64_t dflt)
{
    const void *val;
    size_t len, klen = strlen (key);
    const s_u64_t *slot = s_u64_find (txn, db, key, klen);
    if (slot)
        return slot->found ? slot->value : dflt;
    bool found = lnt_txn_get (txn, db, key, klen, &val, &len) == 0 && len == 8;
    uint64_t value = found ? lnt_store_u64_key (val) : 0;
    if (klen < S_U64_KEY)
        s_u64_keep (txn, db, key, klen, found, value, false);
    return found ? value : dflt;
}

int
lnt_txn_put_u64 (lnt_txn_t *txn, lnt_db_t db, const char *key, uint64_t value)
{
    size_t klen = strlen (key);
    if (klen < S_U64_KEY)
        return s_u64_keep (txn, db, key, klen, true, value, true);
    unsigned char v[8];
    lnt_store_key_u64 (value, v);
    return lnt_txn_put (txn, db, key, klen, v, 8);
}

int
lnt_txn_get_str (lnt_txn_t *txn, lnt_db_t db, const char *key, char *buf,
                 size_t size)
{
    const void *val;
    size_t len;
    int rc = lnt_txn_get (txn, db, key, strlen (key), &val, &len);
    if (rc != 0)
        return rc;
    if (len >= size)
        return LNT_EINVAL;
    memcpy (buf, val, len);
    buf[len] = 0;
    return 0;
}

int
lnt_txn_put_str (lnt_txn_t *txn, lnt_db_t db, const char *key,
                 const char *value)
{
    return lnt_txn_put (txn, db, key, strlen (key), value, strlen (value));
}

int
lnt_cursor_open (lnt_txn_t *txn, lnt_db_t db, lnt_cursor_t **cursor)
{
    int rc = s_u64_flush (txn, db);
    if (rc)
        return rc;
    lnt_cursor_t *self = calloc (1, sizeof *self);
    if (!self)
        return LNT_ENOMEM;
    rc = mdb_cursor_open (txn->txn, txn->store->dbi[db], &self->cursor);
    if (rc != 0) {
        free (self);
        return s_error (rc, "cursor", txn->store->dir);
    }
    *cursor = self;
    return 0;
}

void
lnt_cursor_close (lnt_cursor_t **cursor_p)
{
    if (!*cursor_p)
        return;
    mdb_cursor_close ((*cursor_p)->cursor);
    free (*cursor_p);
    *cursor_p = NULL;
}

static int
s_cursor_get (lnt_cursor_t *self, MDB_val *k, MDB_cursor_op op,
              const void **key, size_t *kl, const void **val, size_t *vl)
{
    MDB_val v;
    int rc = mdb_cursor_get (self->cursor, k, &v, op);
    if (rc != 0)
        return s_error (rc, "cursor", NULL);
    *key = k->mv_data;
    *kl = k->mv_size;
    *val = v.mv_data;
    *vl = v.mv_size;
    return 0;
}

int
lnt_cursor_seek (lnt_cursor_t *self, const void *key, size_t klen,
                 const void **k, size_t *kl, const void **v, size_t *vl)
{
    MDB_val mk = {klen, (void *) key};
    return s_cursor_get (self, &mk, klen ? MDB_SET_RANGE : MDB_FIRST, k, kl,
                         v, vl);
}

int
lnt_cursor_next (lnt_cursor_t *self, const void **k, size_t *kl,
                 const void **v, size_t *vl)
{
    MDB_val mk;
    return s_cursor_get (self, &mk, MDB_NEXT, k, kl, v, vl);
}

int
lnt_cursor_last (lnt_cursor_t *self, const void **k, size_t *kl,
                 const void **v, size_t *vl)
{
    MDB_val mk;
    return s_cursor_get (self, &mk, MDB_LAST, k, kl, v, vl);
}

int
lnt_cursor_prev (lnt_cursor_t *self, const void **k, size_t *kl,
                 const void **v, size_t *vl)
{
    MDB_val mk;
    return s_cursor_get (self, &mk, MDB_PREV, k, kl, v, vl);
}

int
lnt_store_backup (lnt_store_t *self, const char *path)
{
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL, 0640);
    if (fd < 0)
        return errno == EEXIST ? LNT_EEXIST : LNT_EIO;
    int rc = mdb_env_copyfd2 (self->env, fd, MDB_CP_COMPACT);
    if (rc == 0 && fsync (fd) != 0)
        rc = errno;
    if (close (fd) != 0 && rc == 0)
        rc = errno;
    if (rc != 0) {
        lnt_log_error ("store dir=%s file=%s error=\"%s\" - backup failed",
                       self->dir, path, mdb_strerror (rc));
        unlink (path);
        return LNT_EIO;
    }
    return 0;
}
