/*  lnt_store.c - the store over LMDB: environment, transactions with map
    growth, named databases, the records' trees, cursors and hot backup.

    The records of the offices' kinds (suggestions, action-plan items, LKE
    answers) live in one LMDB database per kind and office, named
    "records/<kind>/<office>" (records/1/3503), made by the first write of
    one; everything else of LNT_DB_RECORDS (reference parts) lives in
    "records". An office's new records thus come at the end of a tree of
    their own, where LMDB fills its pages and takes MDB_APPEND; in one
    tree, 38 offices' records would grow at 38 places inside it, where
    LMDB splits full pages in the middle and leaves them half full. Calls
    on LNT_DB_RECORDS see the trees as one database in key order: each
    tree's keys start with the kind byte, the office and '-', which no
    other tree's keys do, and the rest start with a byte past the kinds.

    LMDB allows only one transaction of a process at a time to open
    databases, and a handle opened in a transaction is the transaction's
    own until it commits. So every mdb_dbi_open happens under the store's
    lock, and a write transaction that made a tree holds the lock until it
    ends; a transaction that sees more databases in LMDB's catalogue than
    this process has open (another process made them) first opens them in
    a short read transaction of its own (s_parts_sync), and one begun
    while handles changed begins again. Trees are never deleted, so the
    catalogue's count tells when one is new. Read transactions also begin
    under the lock, and a map change holds it, so that the map never moves
    under a read that is beginning.                                       */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
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

/*  The trees of the records: how many a store may have (kinds x offices),
    and the longest key prefix that names one (kind, office, '-').        */
#define S_PARTS_MAX 4000
#define S_PARTS_FEW 64 /* with LNT_STORE_FEW_TREES                      */
#define S_OFFICE_MAX 8 /* the longest office code in a key             */
#define S_PART_PREFIX (2 + S_OFFICE_MAX)

/*  One tree of the records: the prefix of its keys and its handle.       */
typedef struct {
    unsigned char prefix[S_PART_PREFIX]; /* kind byte, office, '-'         */
    uint8_t len;                         /* the prefix's length            */
    MDB_dbi dbi;                         /* its database                   */
} s_part_t;

struct lnt_store_t {
    MDB_env *env;              /* the LMDB environment                    */
    MDB_dbi dbi[LNT_DB_COUNT]; /* handles of the named databases          */
    MDB_dbi main;              /* LMDB's catalogue of named databases      */
    pthread_mutex_t lock;      /* guards parts and known, and every
                                  mdb_dbi_open (see the top of the file)  */
    s_part_t *parts;           /* the records' trees open here, by prefix  */
    size_t nparts;             /* how many                                 */
    size_t partcap;            /* room in parts                            */
    size_t known;              /* entries of the catalogue parts covers    */
    size_t parts_max;          /* trees it may have                        */
    uint64_t handles;          /* changes of LMDB's open handles: a
                                  transaction begun before one does not
                                  know the handles it added               */
    char *dir;                 /* the folder; owned                       */
    bool readonly;             /* opened with LNT_STORE_READONLY          */
    int readers;               /* read transactions open in this process
                                  (atomic; counted at their begin under
                                  the lock, which a map change holds)     */
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
    s_part_t last;      /* the records' tree used last (len 0: none)       */
    s_part_t *fresh;    /* trees this write transaction made, its own
                           until it commits                               */
    size_t nfresh;      /* how many                                        */
    bool locked;        /* holds the store's lock (it made a tree)         */
    bool write;         /* a write transaction                             */
    lnt_store_t *store; /* the store it belongs to                         */
    uint64_t serial;    /* this transaction's number in the process        */
    uint64_t changes[LNT_DB_COUNT]; /* puts, deletes, drops tried per db   */
    s_u64_t u64[S_U64_SLOTS]; /* u64 values known or not yet written     */
    unsigned u64_next;  /* the slot to use next                            */
};

struct lnt_cursor_t {
    MDB_cursor *cursor; /* the LMDB cursor (NULL: none open)               */
    lnt_txn_t *txn;     /* its transaction                                 */
    s_part_t *segs;     /* the trees it walks in order, the last being the
                           database itself (len 0): one, or a copy       */
    s_part_t one;       /* the database itself                            */
    size_t nsegs;       /* how many                                        */
    size_t seg;         /* the one the cursor is on                        */
    bool placed;        /* positioned once: seg means something (with no
                           LMDB cursor, seg is a tree this transaction's
                           snapshot has not)                              */
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

/*  ---- the records' trees ---------------------------------------------- */

/*  The length of the prefix that names key's tree: the kind byte (1-3,
    the offices' kinds), the office (1-8 letters or digits) and '-'. 0 for
    a key of the database itself (first byte past the kinds); -1 for a key
    of neither shape, which may not be stored.                            */
static int
s_prefix (const void *key, size_t klen)
{
    const unsigned char *k = key;
    if (klen > 0 && k[0] > 3)
        return 0;
    if (klen < 3 || k[0] == 0)
        return -1;
    for (size_t i = 1; i < klen && i <= S_OFFICE_MAX + 1; i++) {
        if (k[i] == '-')
            return i > 1 ? (int) i + 1 : -1;
        if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'A' && k[i] <= 'Z')
              || (k[i] >= 'a' && k[i] <= 'z')))
            return -1;
    }
    return -1;
}

/*  Orders prefixes as their keys sort: bytes, then the shorter first.    */
static int
s_prefix_cmp (const unsigned char *a, size_t alen, const unsigned char *b,
              size_t blen)
{
    int c = memcmp (a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

/*  The tree's name in LMDB's catalogue: records/<kind>/<office>.        */
static void
s_part_name (const unsigned char *prefix, size_t len, char name[32])
{
    snprintf (name, 32, "records/%u/%.*s", prefix[0], (int) (len - 2),
              (const char *) prefix + 1);
}

/*  Reads a tree's name back into its prefix; false for another name.   */
static bool
s_part_parse (const void *name, size_t nlen, s_part_t *part)
{
    const char *n = name;
    if (nlen < 11 || nlen > 10 + S_OFFICE_MAX || memcmp (n, "records/", 8)
        || n[8] < '1' || n[8] > '3' || n[9] != '/')
        return false;
    part->prefix[0] = (unsigned char) (n[8] - '0');
    memcpy (part->prefix + 1, n + 10, nlen - 10);
    part->prefix[nlen - 9] = '-';
    part->len = (uint8_t) (nlen - 8);
    return s_prefix (part->prefix, part->len) == (int) part->len;
}

/*  Where prefix is, or would go, in the sorted parts; *found says which. */
static size_t
s_parts_find (const s_part_t *parts, size_t n, const unsigned char *prefix,
              size_t len, bool *found)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = s_prefix_cmp (parts[mid].prefix, parts[mid].len, prefix, len);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

/*  Puts part in its place in sorted parts (*n of them, with room for one
    more), unless it is there.                                            */
static void
s_parts_insert (s_part_t *parts, size_t *n, const s_part_t *part)
{
    bool found;
    size_t at = s_parts_find (parts, *n, part->prefix, part->len, &found);
    if (found)
        return;
    memmove (parts + at + 1, parts + at, (*n - at) * sizeof *parts);
    parts[at] = *part;
    (*n)++;
}

/*  Adds part to the store's sorted parts (under the lock).               */
static int
s_parts_add (lnt_store_t *self, const s_part_t *part)
{
    if (self->nparts == self->partcap) {
        size_t cap = self->partcap ? self->partcap * 2 : 64;
        s_part_t *parts = realloc (self->parts, cap * sizeof *parts);
        if (!parts)
            return LNT_ENOMEM;
        self->parts = parts;
        self->partcap = cap;
    }
    s_parts_insert (self->parts, &self->nparts, part);
    return 0;
}

static int s_begin (lnt_store_t *self, unsigned int flags, bool locked,
                    MDB_txn **txn);

/*  Takes the store's lock: 0, or LNT_ESTORE when this thread holds it
    already (a transaction that made a tree is open in this thread, and
    another would begin or read the trees: end the first).                */
static int
s_lock (lnt_store_t *self)
{
    if (pthread_mutex_lock (&self->lock) == 0)
        return 0;
    lnt_log_error ("store dir=%s - a transaction that made a records tree "
                   "is open in this thread: end it before another", self->dir);
    return LNT_ESTORE;
}

/*  Opens, in a read transaction of its own, the trees LMDB's catalogue
    has and this process has not open (made by another process, or here
    before a map change). 0 or a store error.                             */
static int
s_parts_sync (lnt_store_t *self)
{
    if (s_lock (self))
        return LNT_ESTORE;
    MDB_txn *txn;
    MDB_cursor *cur = NULL;
    int rc = s_begin (self, MDB_RDONLY, true, &txn);
    if (rc) {
        pthread_mutex_unlock (&self->lock);
        return s_error (rc, "open trees", self->dir);
    }
    MDB_stat st;
    MDB_val k = {8, "records/"}, v;
    s_part_t *opened = NULL; /* the trees opened here: the process's only
                                once the transaction has committed      */
    size_t nopened = 0, cap = 0;
    rc = mdb_stat (txn, self->main, &st);
    if (!rc)
        rc = mdb_cursor_open (txn, self->main, &cur);
    for (int op = MDB_SET_RANGE; !rc; op = MDB_NEXT) {
        if ((rc = mdb_cursor_get (cur, &k, &v, (MDB_cursor_op) op)))
            break;
        s_part_t part;
        if (k.mv_size < 8 || memcmp (k.mv_data, "records/", 8))
            break;
        if (!s_part_parse (k.mv_data, k.mv_size, &part))
            continue;
        bool found;
        s_parts_find (self->parts, self->nparts, part.prefix, part.len,
                      &found);
        if (found)
            continue;
        if (nopened == cap) {
            cap = cap ? cap * 2 : 16;
            s_part_t *more = realloc (opened, cap * sizeof *more);
            if (!more) {
                rc = ENOMEM;
                break;
            }
            opened = more;
        }
        char name[32];
        s_part_name (part.prefix, part.len, name);
        if ((rc = mdb_dbi_open (txn, name, 0, &part.dbi)))
            break;
        opened[nopened++] = part;
    }
    mdb_cursor_close (cur);
    if (rc == MDB_NOTFOUND)
        rc = 0;
    /* A read transaction's commit keeps the handles it opened; an abort
       closes them, and they must not stay in parts (their numbers are
       handed out again).                                               */
    if (rc == 0)
        rc = mdb_txn_commit (txn);
    else
        mdb_txn_abort (txn);
    bool all = true;
    for (size_t i = 0; rc == 0 && i < nopened; i++)
        if (s_parts_add (self, &opened[i]))
            all = false; /* out of memory: the next check opens it      */
    if (rc == 0 && all)
        self->known = st.ms_entries;
    if (nopened)
        self->handles++;
    pthread_mutex_unlock (&self->lock);
    free (opened);
    if (rc == MDB_DBS_FULL)
        lnt_log_error ("store dir=%s trees=%zu - the store has more "
                       "offices' record trees than this process has room "
                       "for: open it again", self->dir, self->parts_max);
    return rc ? s_error (rc, "open trees", self->dir) : 0;
}

/*  Begins a transaction (as s_begin) that knows every tree of its
    snapshot: one whose snapshot has trees this process has not open opens
    them (s_parts_sync) and begins again, and so does one begun while
    handles changed (LMDB gives a transaction the handles open at its
    start; a tree made with a handle number it does not know would take
    that number again). 0, LNT_ENOMEM or LNT_ESTORE (logged as op).       */
static int
s_begin_known (lnt_store_t *self, unsigned int flags, const char *op,
               MDB_txn **txn)
{
    bool reading = (flags & MDB_RDONLY) != 0;
    for (int tries = 0;; tries++) {
        if (s_lock (self))
            return LNT_ESTORE;
        uint64_t handles = self->handles;
        /* A read begins under the lock and is counted there, so that a
           map change (under the lock too) never meets one beginning. A
           write may wait for LMDB's writer, so it begins outside it.   */
        int rc = 0;
        if (reading) {
            rc = s_begin (self, flags, true, txn);
            if (!rc)
                __atomic_add_fetch (&self->readers, 1, __ATOMIC_SEQ_CST);
        }
        pthread_mutex_unlock (&self->lock);
        if (!reading)
            rc = s_begin (self, flags, false, txn);
        if (rc)
            return s_error (rc, op, self->dir);
        MDB_stat st;
        bool stale = false, moved = false;
        if ((rc = mdb_stat (*txn, self->main, &st)) == 0) {
            if (s_lock (self))
                rc = -1;
            else {
                stale = st.ms_entries > self->known;
                moved = handles != self->handles;
                pthread_mutex_unlock (&self->lock);
            }
        }
        if (!rc && !stale && !moved)
            return 0;
        mdb_txn_abort (*txn);
        if (reading)
            __atomic_sub_fetch (&self->readers, 1, __ATOMIC_SEQ_CST);
        if (rc)
            return rc < 0 ? LNT_ESTORE : s_error (rc, op, self->dir);
        if (tries == 100) {
            lnt_log_error ("store dir=%s - the trees kept changing while a "
                           "transaction began; try again", self->dir);
            return LNT_ESTORE;
        }
        if (stale && (rc = s_parts_sync (self)))
            return rc;
    }
}

/*  The tree of a records key that has one (plen, its prefix's length):
    in *dbi, or LNT_ENOTFOUND when it has none in this transaction. With
    make (a write transaction), makes it then, and keeps the store's lock
    until the transaction ends. 0, LNT_ENOTFOUND or a store error.        */
static int
s_part_dbi (lnt_txn_t *txn, const unsigned char *key, size_t plen,
            bool make, MDB_dbi *dbi)
{
    if (txn->last.len == plen && memcmp (txn->last.prefix, key, plen) == 0) {
        *dbi = txn->last.dbi;
        return 0;
    }
    lnt_store_t *self = txn->store;
    bool found = false;
    s_part_t part = {.len = (uint8_t) plen};
    memcpy (part.prefix, key, plen);
    for (size_t i = 0; !found && i < txn->nfresh; i++)
        if (txn->fresh[i].len == plen
            && memcmp (txn->fresh[i].prefix, key, plen) == 0) {
            part = txn->fresh[i];
            found = true;
        }
    if (!found) {
        if (!txn->locked && s_lock (self))
            return LNT_ESTORE;
        size_t at = s_parts_find (self->parts, self->nparts, key, plen,
                                  &found);
        if (found)
            part = self->parts[at];
        if (!txn->locked)
            pthread_mutex_unlock (&self->lock);
    }
    if (!found && (!make || !txn->write))
        return make ? LNT_ESTORE : LNT_ENOTFOUND; /* no tree in a read   */
    if (!found) {
        if (!txn->locked) {
            if (s_lock (self))
                return LNT_ESTORE;
            txn->locked = true;
        }
        s_part_t *fresh = realloc (txn->fresh,
                                   (txn->nfresh + 1) * sizeof *fresh);
        if (!fresh)
            return LNT_ENOMEM;
        txn->fresh = fresh;
        char name[32];
        s_part_name (key, plen, name);
        int rc = mdb_dbi_open (txn->txn, name, MDB_CREATE, &part.dbi);
        if (rc == MDB_DBS_FULL)
            lnt_log_error ("store dir=%s tree=%s trees=%zu - too many "
                           "offices' record trees in one store",
                           self->dir, name, self->parts_max);
        if (rc)
            return s_error (rc, "make tree", self->dir);
        txn->fresh[txn->nfresh++] = part;
    }
    txn->last = part;
    *dbi = part.dbi;
    return 0;
}

/*  The database of db that holds key (for a write with make: a records
    key of no shape is LNT_EINVAL). 0, LNT_ENOTFOUND (a records tree this
    transaction has not) or a store error.                                */
static int
s_dbi (lnt_txn_t *txn, lnt_db_t db, const void *key, size_t klen, bool make,
       MDB_dbi *dbi)
{
    *dbi = txn->store->dbi[db];
    if (db != LNT_DB_RECORDS)
        return 0;
    int plen = s_prefix (key, klen);
    if (plen < 0)
        return make ? LNT_EINVAL : LNT_ENOTFOUND;
    return plen ? s_part_dbi (txn, key, (size_t) plen, make, dbi) : 0;
}

/*  The trees of db this transaction may see, in key order: for the
    records every tree, then the database itself (len 0), in *trees, a
    copy to free; for another db the database alone, in one (and *trees
    points there). *n of them. 0, LNT_ENOMEM or LNT_ESTORE.               */
static int
s_trees (lnt_txn_t *txn, lnt_db_t db, s_part_t *one, s_part_t **trees,
         size_t *n)
{
    lnt_store_t *self = txn->store;
    *one = (s_part_t){.len = 0, .dbi = self->dbi[db]};
    *trees = one;
    *n = 1;
    if (db != LNT_DB_RECORDS)
        return 0;
    if (!txn->locked && s_lock (self))
        return LNT_ESTORE;
    size_t count = self->nparts;
    s_part_t *t = malloc ((count + txn->nfresh + 1) * sizeof *t);
    if (t) {
        if (count)
            memcpy (t, self->parts, count * sizeof *t);
        for (size_t i = 0; i < txn->nfresh; i++)
            s_parts_insert (t, &count, &txn->fresh[i]);
        t[count++] = *one;
        *trees = t;
        *n = count;
    }
    if (!txn->locked)
        pthread_mutex_unlock (&self->lock);
    return t ? 0 : LNT_ENOMEM;
}

/*  Ends a write transaction: commits it (commit) or aborts it; the trees
    it made become the process's, and the lock it held is let go. 0 or
    LMDB's error.                                                         */
static int
s_write_end (lnt_txn_t *txn, bool commit)
{
    lnt_store_t *self = txn->store;
    MDB_stat st = {0};
    int rc = 0;
    if (commit && txn->nfresh)
        rc = mdb_stat (txn->txn, self->main, &st);
    if (commit && !rc)
        rc = mdb_txn_commit (txn->txn);
    else
        mdb_txn_abort (txn->txn); /* closes the handles it opened        */
    bool all = true;
    for (size_t i = 0; !rc && commit && i < txn->nfresh; i++)
        if (s_parts_add (self, &txn->fresh[i]))
            all = false;
    /* Out of memory for one: the next transaction's check reopens it.   */
    if (!rc && commit && txn->nfresh)
        self->known = all ? st.ms_entries : 0;
    if (txn->nfresh)
        self->handles++; /* made, or closed by the abort                 */
    if (txn->locked)
        pthread_mutex_unlock (&self->lock);
    txn->locked = false;
    free (txn->fresh);
    txn->fresh = NULL;
    txn->nfresh = 0;
    return rc;
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
    self->parts_max = (flags & LNT_STORE_FEW_TREES) ? S_PARTS_FEW
                                                    : S_PARTS_MAX;
    mdb_env_set_maxdbs (self->env, (MDB_dbi) (LNT_DB_COUNT
                                              + self->parts_max));
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
    if ((rc = mdb_dbi_open (txn, NULL, 0, &self->main)) != 0) {
        mdb_txn_abort (txn);
        goto fail_mdb;
    }
    MDB_stat cat;
    if ((rc = mdb_stat (txn, self->main, &cat)) != 0) {
        mdb_txn_abort (txn);
        goto fail_mdb;
    }
    if ((rc = mdb_txn_commit (txn)) != 0)
        goto fail_mdb;
    /* An error-checking lock: a thread that takes it twice (a read begun
       inside a write that made a tree) gets an error, not a hang.       */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init (&attr);
    pthread_mutexattr_settype (&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init (&self->lock, &attr);
    pthread_mutexattr_destroy (&attr);
    /* A store with more trees than LNT_STORE_FEW_TREES makes room for is
       opened with room for them all.                                     */
    if ((flags & LNT_STORE_FEW_TREES)
        && cat.ms_entries > LNT_DB_COUNT + S_PARTS_FEW / 2) {
        lnt_store_destroy (&self);
        return lnt_store_open (dir, flags & ~LNT_STORE_FEW_TREES, map_size,
                               store);
    }
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
    pthread_mutex_destroy (&self->lock);
    free (self->parts);
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
s_begin (lnt_store_t *self, unsigned int flags, bool locked, MDB_txn **txn)
{
    int rc = mdb_txn_begin (self->env, NULL, flags, txn);
    if (rc != MDB_MAP_RESIZED || (!locked && s_lock (self)))
        return rc;
    /* Under the store's lock: no read of this process begins meanwhile. */
    bool adopted = __atomic_load_n (&self->readers, __ATOMIC_SEQ_CST) == 0;
    if (adopted)
        mdb_env_set_mapsize (self->env, 0);
    if (!locked)
        pthread_mutex_unlock (&self->lock);
    return adopted ? mdb_txn_begin (self->env, NULL, flags, txn) : rc;
}

int
lnt_store_write (lnt_store_t *self, lnt_store_write_fn *fn, void *arg)
{
    if (self->readonly)
        return LNT_ESTORE;
    for (;;) {
        lnt_txn_t txn = {.store = self,
                         .serial = __atomic_add_fetch (&self->serial, 1,
                                                       __ATOMIC_SEQ_CST),
                         .write = true};
        for (int i = 0; i < S_U64_SLOTS; i++)
            txn.u64[i].db = LNT_DB_COUNT;
        int rc = s_begin_known (self, 0, "begin", &txn.txn);
        if (rc != 0)
            return rc;
        rc = fn (&txn, arg);
        if (rc == 0)
            rc = s_u64_flush (&txn, LNT_DB_COUNT);
        if (rc == 0) {
            rc = s_write_end (&txn, true);
            if (rc == 0)
                return 0;
            rc = s_error (rc, "commit", self->dir);
        }
        else
            s_write_end (&txn, false);
        if (rc != LNT_EMAPFULL)
            return rc;
        if (s_lock (self))
            return LNT_ESTORE;
        int readers = __atomic_load_n (&self->readers, __ATOMIC_SEQ_CST);
        size_t size = lnt_store_map_size (self) * 2;
        rc = readers ? 0 : mdb_env_set_mapsize (self->env, size);
        pthread_mutex_unlock (&self->lock);
        if (readers) {
            lnt_log_error ("store dir=%s readers=%d - map full, and it "
                           "cannot grow while a read transaction is open",
                           self->dir, readers);
            return LNT_EMAPFULL;
        }
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
    int rc = s_begin_known (self, MDB_RDONLY, "read", &t->txn);
    if (rc != 0) {
        free (t);
        return rc;
    }
    t->store = self;
    t->serial = __atomic_add_fetch (&self->serial, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < S_U64_SLOTS; i++)
        t->u64[i].db = LNT_DB_COUNT;
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
    mdb_txn_abort ((*txn_p)->txn);
    __atomic_sub_fetch (&(*txn_p)->store->readers, 1, __ATOMIC_SEQ_CST);
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
    MDB_dbi dbi;
    if ((rc = s_dbi (txn, db, key, klen, false, &dbi)))
        return rc;
    rc = mdb_get (txn->txn, dbi, &k, &v);
    /* A tree made after this snapshot is not in it: nothing there.     */
    if (rc == EINVAL && dbi != txn->store->dbi[db])
        rc = MDB_NOTFOUND;
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
    MDB_dbi dbi;
    if ((rc = s_dbi (txn, db, key, klen, true, &dbi))) {
        if (rc == LNT_EINVAL)
            lnt_log_error ("store dir=%s key_len=%zu - a record key must "
                           "start with its kind and office code", txn->store->dir,
                           klen);
        return rc;
    }
    rc = mdb_put (txn->txn, dbi, &k, &v, flags);
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
    MDB_dbi dbi;
    if ((rc = s_dbi (txn, db, key, klen, false, &dbi)))
        return rc;
    rc = mdb_del (txn->txn, dbi, &k, NULL);
    return rc ? s_error (rc, "del", txn->store->dir) : 0;
}

int
lnt_txn_drop (lnt_txn_t *txn, lnt_db_t db)
{
    int rc = s_u64_flush (txn, db);
    if (rc)
        return rc;
    txn->changes[db]++;
    s_part_t one, *trees;
    size_t n;
    if ((rc = s_trees (txn, db, &one, &trees, &n)))
        return rc;
    /* The records' trees are emptied, not deleted: their handles stay. */
    for (size_t i = 0; !rc && i < n; i++)
        if ((rc = mdb_drop (txn->txn, trees[i].dbi, 0)) == EINVAL && trees[i].len)
            rc = 0; /* a tree made after this snapshot                   */
    if (trees != &one)
        free (trees);
    return rc ? s_error (rc, "drop", txn->store->dir) : 0;
}

size_t
lnt_txn_count (lnt_txn_t *txn, lnt_db_t db)
{
    if (s_u64_flush (txn, db) != 0)
        return 0;
    s_part_t one, *trees;
    size_t n, count = 0;
    if (s_trees (txn, db, &one, &trees, &n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        MDB_stat st;
        if (mdb_stat (txn->txn, trees[i].dbi, &st) == 0)
            count += st.ms_entries;
    }
    if (trees != &one)
        free (trees);
    return count;
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
    self->txn = txn;
    if ((rc = s_trees (txn, db, &self->one, &self->segs, &self->nsegs))) {
        free (self);
        return rc;
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
    if ((*cursor_p)->segs != &(*cursor_p)->one)
        free ((*cursor_p)->segs);
    free (*cursor_p);
    *cursor_p = NULL;
}

/*  Puts the LMDB cursor on tree i. 0, LNT_ENOTFOUND (a tree made after
    this transaction's snapshot: nothing there) or LNT_ESTORE.            */
static int
s_cursor_on (lnt_cursor_t *self, size_t i)
{
    if (self->cursor && self->seg == i)
        return 0;
    mdb_cursor_close (self->cursor);
    self->cursor = NULL;
    self->seg = i;
    int rc = mdb_cursor_open (self->txn->txn, self->segs[i].dbi,
                              &self->cursor);
    if (rc == EINVAL && self->segs[i].len)
        return LNT_ENOTFOUND;
    return rc ? s_error (rc, "cursor", self->txn->store->dir) : 0;
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

/*  The first key of tree i or of a tree after it (first), or the last of
    tree i or of one before it. 0, LNT_ENOTFOUND or LNT_ESTORE.           */
static int
s_cursor_edge (lnt_cursor_t *self, size_t i, bool first, const void **k,
               size_t *kl, const void **v, size_t *vl)
{
    self->placed = true;
    for (; i < self->nsegs; i = first ? i + 1 : i - 1) {
        int rc = s_cursor_on (self, i);
        MDB_val mk;
        if (rc == 0)
            rc = s_cursor_get (self, &mk, first ? MDB_FIRST : MDB_LAST, k,
                               kl, v, vl);
        if (rc != LNT_ENOTFOUND)
            return rc;
    }
    return LNT_ENOTFOUND; /* i wrapped past 0 going back: SIZE_MAX      */
}

int
lnt_cursor_seek (lnt_cursor_t *self, const void *key, size_t klen,
                 const void **k, size_t *kl, const void **v, size_t *vl)
{
    /* The first tree whose keys do not all come before key: a records
       tree's keys are those that start with its prefix; the last tree
       (the database itself) is searched as it is.                       */
    if (!klen)
        return s_cursor_edge (self, 0, true, k, kl, v, vl);
    size_t i = 0;
    self->placed = true;
    for (; i + 1 < self->nsegs; i++) {
        const s_part_t *t = &self->segs[i];
        int c = memcmp (key, t->prefix, klen < t->len ? klen : t->len);
        if (c < 0 || (c == 0 && klen < t->len))
            return s_cursor_edge (self, i, true, k, kl, v, vl);
        if (c == 0)
            break; /* key starts with the prefix: in this tree          */
    }
    int rc = s_cursor_on (self, i);
    MDB_val mk = {klen, (void *) key};
    if (rc == 0)
        rc = s_cursor_get (self, &mk, MDB_SET_RANGE, k, kl, v, vl);
    if (rc == LNT_ENOTFOUND && i + 1 < self->nsegs)
        rc = s_cursor_edge (self, i + 1, true, k, kl, v, vl);
    return rc;
}

int
lnt_cursor_next (lnt_cursor_t *self, const void **k, size_t *kl,
                 const void **v, size_t *vl)
{
    if (!self->placed)
        return s_cursor_edge (self, 0, true, k, kl, v, vl);
    if (!self->cursor) /* on a tree made after this snapshot            */
        return self->seg + 1 < self->nsegs
                   ? s_cursor_edge (self, self->seg + 1, true, k, kl, v, vl)
                   : LNT_ENOTFOUND;
    MDB_val mk;
    int rc = s_cursor_get (self, &mk, MDB_NEXT, k, kl, v, vl);
    if (rc == LNT_ENOTFOUND && self->seg + 1 < self->nsegs)
        rc = s_cursor_edge (self, self->seg + 1, true, k, kl, v, vl);
    return rc;
}

int
lnt_cursor_last (lnt_cursor_t *self, const void **k, size_t *kl,
                 const void **v, size_t *vl)
{
    return s_cursor_edge (self, self->nsegs - 1, false, k, kl, v, vl);
}

int
lnt_cursor_prev (lnt_cursor_t *self, const void **k, size_t *kl,
                 const void **v, size_t *vl)
{
    if (!self->placed)
        return lnt_cursor_last (self, k, kl, v, vl);
    if (!self->cursor) /* on a tree made after this snapshot            */
        return self->seg > 0
                   ? s_cursor_edge (self, self->seg - 1, false, k, kl, v, vl)
                   : LNT_ENOTFOUND;
    MDB_val mk;
    int rc = s_cursor_get (self, &mk, MDB_PREV, k, kl, v, vl);
    if (rc == LNT_ENOTFOUND && self->seg > 0)
        rc = s_cursor_edge (self, self->seg - 1, false, k, kl, v, vl);
    return rc;
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
