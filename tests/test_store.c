/*  test_store.c - unit test for lnt_store over a real LMDB environment in a
    temporary folder: create and open, put/get/del/count on the named
    databases, the u64 and text helpers, appends to the log with cursors,
    aborted writes, map growth (in one write, across many writes, and seen
    by a second process that opened the store before the growth), readonly
    stores, hot backups, the stock mdb_stat and mdb_dump reading it, and
    the records' trees (one per kind and office) seen as one database:
    key order across them, keys of no shape refused, trees made by a
    failed write, by another process, by another thread, and again after
    the map grew.

    Usage: test_store [data-folder]. The data folder is not used.         */
#include "lnt_error.h"
#include "lnt_store.h"
#include "lnt_test.h"

#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

//  A map small enough that a megabyte must grow it (LMDB needs a few pages)
#define SMALL_MAP ((size_t) 256 << 10)

//  ---- helpers -----------------------------------------------------------

static int
s_rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove (path);
}

//  Removes a folder and everything in it
static void
s_rmtree (const char *dir)
{
    nftw (dir, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

//  Makes a fresh temporary folder; the caller frees the name
static char *
s_tmpdir (void)
{
    char *dir = strdup ("/tmp/lnt-test-store-XXXXXX");
    if (!dir || !mkdtemp (dir)) {
        perror ("mkdtemp");
        exit (1);
    }
    return dir;
}

//  dir/name in buf
static const char *
s_path (char *buf, size_t size, const char *dir, const char *name)
{
    snprintf (buf, size, "%s/%s", dir, name);
    return buf;
}

static bool
s_exists (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0;
}

//  Runs a shell command; returns its exit status (-1 if it did not exit)
//  and, when out is given, its standard output (the caller frees).
static int
s_run (const char *command, char **out)
{
    FILE *pipe = popen (command, "r");
    if (!pipe)
        return -1;
    char *text = NULL;
    size_t len = 0, cap = 0;
    char chunk[4096];
    size_t got;
    while ((got = fread (chunk, 1, sizeof chunk, pipe)) > 0) {
        if (len + got + 1 > cap) {
            cap = (len + got + 1) * 2;
            char *grown = realloc (text, cap);
            if (!grown) {
                free (text);
                pclose (pipe);
                return -1;
            }
            text = grown;
        }
        memcpy (text + len, chunk, got);
        len += got;
        text[len] = 0;
    }
    int status = pclose (pipe);
    if (out)
        *out = text ? text : strdup ("");
    else
        free (text);
    return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

//  One operation of a batch: put key -> val in db, or delete key when val
//  is NULL.
typedef struct {
    lnt_db_t db;     //  where
    const char *key; //  the key (text, without its NUL)
    const char *val; //  the value, or NULL to delete
} s_op_t;

//  A batch of operations for s_batch_write
typedef struct {
    const s_op_t *ops; //  the operations, in order
    size_t count;      //  how many
    int result;        //  returned when every operation succeeded
    int calls;         //  how often the write function ran
} s_batch_t;

static int
s_batch_write (lnt_txn_t *txn, void *arg)
{
    s_batch_t *batch = arg;
    batch->calls++;
    for (size_t i = 0; i < batch->count; i++) {
        const s_op_t *op = &batch->ops[i];
        int rc = op->val
                   ? lnt_txn_put (txn, op->db, op->key, strlen (op->key),
                                  op->val, strlen (op->val))
                   : lnt_txn_del (txn, op->db, op->key, strlen (op->key));
        if (rc)
            return rc;
    }
    return batch->result;
}

//  Runs ops in one write; returns what lnt_store_write returned
static int
s_apply (lnt_store_t *store, const s_op_t *ops, size_t count, int result)
{
    s_batch_t batch = {ops, count, result, 0};
    return lnt_store_write (store, s_batch_write, &batch);
}

//  Reads key from db as text in buf: 0, or the error of lnt_txn_get
static int
s_read (lnt_store_t *store, lnt_db_t db, const char *key, char *buf,
        size_t size)
{
    lnt_txn_t *txn = NULL;
    int rc = lnt_store_read (store, &txn);
    if (rc)
        return rc;
    const void *val;
    size_t len;
    rc = lnt_txn_get (txn, db, key, strlen (key), &val, &len);
    if (!rc)
        snprintf (buf, size, "%.*s", (int) len, (const char *) val);
    lnt_txn_end (&txn);
    return rc;
}

//  The number of entries in db, from a fresh read transaction
static size_t
s_count (lnt_store_t *store, lnt_db_t db)
{
    lnt_txn_t *txn = NULL;
    if (lnt_store_read (store, &txn))
        return (size_t) -1;
    size_t count = lnt_txn_count (txn, db);
    lnt_txn_end (&txn);
    return count;
}

//  ---- filling the map ----------------------------------------------------

//  Values for the growth tests: entry i is vlen bytes of a pattern that
//  depends on i, under the key "fill-NNNNNN" in LNT_DB_PRIVATE.
typedef struct {
    size_t first;  //  first entry to write
    size_t count;  //  how many
    size_t vlen;   //  bytes in each value
    int calls;     //  how often the write function ran
} s_fill_t;

static unsigned char
s_pattern (size_t entry, size_t byte)
{
    return (unsigned char) ((entry * 131 + byte * 7) & 0xff);
}

static int
s_fill_write (lnt_txn_t *txn, void *arg)
{
    s_fill_t *fill = arg;
    fill->calls++;
    unsigned char *val = malloc (fill->vlen);
    if (!val)
        return LNT_ENOMEM;
    int rc = 0;
    for (size_t i = fill->first; !rc && i < fill->first + fill->count; i++) {
        char key[32];
        snprintf (key, sizeof key, "fill-%06zu", i);
        for (size_t b = 0; b < fill->vlen; b++)
            val[b] = s_pattern (i, b);
        rc = lnt_txn_put (txn, LNT_DB_PRIVATE, key, strlen (key), val,
                          fill->vlen);
    }
    free (val);
    return rc;
}

//  How many of entries [first, first + count) are missing or wrong
static size_t
s_fill_bad (lnt_store_t *store, size_t first, size_t count, size_t vlen)
{
    lnt_txn_t *txn = NULL;
    if (lnt_store_read (store, &txn))
        return count;
    size_t bad = 0;
    for (size_t i = first; i < first + count; i++) {
        char key[32];
        snprintf (key, sizeof key, "fill-%06zu", i);
        const void *val;
        size_t len;
        if (lnt_txn_get (txn, LNT_DB_PRIVATE, key, strlen (key), &val, &len)
            || len != vlen) {
            bad++;
            continue;
        }
        const unsigned char *v = val;
        for (size_t b = 0; b < vlen; b++)
            if (v[b] != s_pattern (i, b)) {
                bad++;
                break;
            }
    }
    lnt_txn_end (&txn);
    return bad;
}

//  ---- the tests -----------------------------------------------------------

static void
s_test_create_open (void)
{
    char *tmp = s_tmpdir ();
    char dir[512], path[600];
    s_path (dir, sizeof dir, tmp, "store");
    lnt_store_t *store = NULL;

    //  Opening where nothing is: no store, and nothing made
    CHECK_INT (lnt_store_open (dir, 0, 0, &store), LNT_ENOTFOUND);
    CHECK (store == NULL);
    CHECK (!s_exists (dir));
    //  ... nor in an empty folder
    CHECK_INT (lnt_store_open (tmp, 0, 0, &store), LNT_ENOTFOUND);
    CHECK (!s_exists (s_path (path, sizeof path, tmp, "data.mdb")));

    //  Creating in a folder that does not exist yet makes it
    CHECK_INT (lnt_store_open (dir, LNT_STORE_CREATE, 0, &store), 0);
    CHECK (store != NULL);
    if (!store)
        goto done;
    CHECK_STR (lnt_store_dir (store), dir);
    CHECK (s_exists (s_path (path, sizeof path, dir, "data.mdb")));
    //  0 means the default map of 1 GiB
    CHECK_INT (lnt_store_map_size (store), (size_t) 1 << 30);
    const s_op_t ops[] = {{LNT_DB_META, "role", "agent"},
                          {LNT_DB_RECORDS, "office:3503", "Trenggalek"}};
    CHECK_INT (s_apply (store, ops, 2, 0), 0);

    //  Creating again, with the store open or closed, is refused and the
    //  data stays
    lnt_store_t *again = NULL;
    CHECK_INT (lnt_store_open (dir, LNT_STORE_CREATE, 0, &again), LNT_EEXIST);
    CHECK (again == NULL);
    lnt_store_destroy (&store);
    CHECK (store == NULL);
    lnt_store_destroy (&store); //  safe twice
    CHECK_INT (lnt_store_open (dir, LNT_STORE_CREATE, SMALL_MAP, &again),
               LNT_EEXIST);
    CHECK (again == NULL);

    CHECK_INT (lnt_store_open (dir, 0, 0, &store), 0);
    if (!store)
        goto done;
    char buf[64];
    CHECK_INT (s_read (store, LNT_DB_META, "role", buf, sizeof buf), 0);
    CHECK_STR (buf, "agent");
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "office:3503", buf, sizeof buf),
               0);
    CHECK_STR (buf, "Trenggalek");
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 1);
    CHECK_INT (s_count (store, LNT_DB_META), 1);
    lnt_store_destroy (&store);

    //  Missing parent folders are made (init creates the folder)
    s_path (path, sizeof path, tmp, "no/such/parent");
    CHECK_INT (lnt_store_open (path, LNT_STORE_CREATE, 0, &store), 0);
    CHECK (store != NULL);
    lnt_store_destroy (&store);

    //  A folder that cannot be made: its parent is a plain file
    char file[1024], under[1024];
    s_path (file, sizeof file, tmp, "plain");
    FILE *f = fopen (file, "w");
    CHECK (f != NULL);
    if (f)
        fclose (f);
    s_path (under, sizeof under, tmp, "plain/store");
    CHECK_INT (lnt_store_open (under, LNT_STORE_CREATE, 0, &store),
               LNT_ECANTCREAT);
    CHECK (store == NULL);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

static void
s_test_put_get_del (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;

    //  The same key in different databases holds different values
    const s_op_t ops[] = {
        {LNT_DB_RECORDS, "k1", "records-1"}, {LNT_DB_RECORDS, "k2", "records-2"},
        {LNT_DB_RECORDS, "k3", "records-3"}, {LNT_DB_PRIVATE, "k1", "private-1"},
        {LNT_DB_REF, "offices", "code,name"}, {LNT_DB_CONFLICTS, "k1", "c"},
        {LNT_DB_ROLLUPS, "3503", "r"}};
    CHECK_INT (s_apply (store, ops, sizeof ops / sizeof ops[0], 0), 0);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 3);
    CHECK_INT (s_count (store, LNT_DB_PRIVATE), 1);
    CHECK_INT (s_count (store, LNT_DB_REF), 1);
    CHECK_INT (s_count (store, LNT_DB_CONFLICTS), 1);
    CHECK_INT (s_count (store, LNT_DB_ROLLUPS), 1);
    CHECK_INT (s_count (store, LNT_DB_LOG), 0);
    CHECK_INT (s_count (store, LNT_DB_DEAD), 0);

    char buf[64];
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k1", buf, sizeof buf), 0);
    CHECK_STR (buf, "records-1");
    CHECK_INT (s_read (store, LNT_DB_PRIVATE, "k1", buf, sizeof buf), 0);
    CHECK_STR (buf, "private-1");
    CHECK_INT (s_read (store, LNT_DB_PRIVATE, "k2", buf, sizeof buf),
               LNT_ENOTFOUND);
    CHECK_INT (s_read (store, LNT_DB_CHECKPOINTS, "k1", buf, sizeof buf),
               LNT_ENOTFOUND);

    //  Put replaces; delete removes from one database only
    const s_op_t change[] = {{LNT_DB_RECORDS, "k2", "records-2b"},
                             {LNT_DB_RECORDS, "k1", NULL}};
    CHECK_INT (s_apply (store, change, 2, 0), 0);
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k2", buf, sizeof buf), 0);
    CHECK_STR (buf, "records-2b");
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k1", buf, sizeof buf),
               LNT_ENOTFOUND);
    CHECK_INT (s_read (store, LNT_DB_PRIVATE, "k1", buf, sizeof buf), 0);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 2);

    //  Deleting what is not there is LNT_ENOTFOUND, and that error aborts
    //  the write it happened in
    const s_op_t missing[] = {{LNT_DB_RECORDS, "k9", "new"},
                              {LNT_DB_RECORDS, "k1", NULL}};
    CHECK_INT (s_apply (store, missing, 2, 0), LNT_ENOTFOUND);
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k9", buf, sizeof buf),
               LNT_ENOTFOUND);

    //  A value from get lives as long as its read transaction, even when
    //  a writer replaces it meanwhile (a snapshot)
    lnt_txn_t *txn = NULL;
    CHECK_INT (lnt_store_read (store, &txn), 0);
    const void *val = NULL;
    size_t len = 0;
    CHECK_INT (lnt_txn_get (txn, LNT_DB_RECORDS, "k3", 2, &val, &len), 0);
    const s_op_t replace[] = {{LNT_DB_RECORDS, "k3", "records-3b"}};
    CHECK_INT (s_apply (store, replace, 1, 0), 0);
    CHECK (len == 9 && val && memcmp (val, "records-3", 9) == 0);
    CHECK_INT (lnt_txn_get (txn, LNT_DB_RECORDS, "k3", 2, &val, &len), 0);
    CHECK (len == 9 && memcmp (val, "records-3", 9) == 0);
    //  A write through a read transaction is refused
    CHECK_INT (lnt_txn_put (txn, LNT_DB_RECORDS, "k4", 2, "v", 1),
               LNT_ESTORE);
    lnt_txn_end (&txn);
    CHECK (txn == NULL);
    lnt_txn_end (&txn); //  safe twice
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k3", buf, sizeof buf), 0);
    CHECK_STR (buf, "records-3b");
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k4", buf, sizeof buf),
               LNT_ENOTFOUND);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

//  Writes the helpers' values
static int
s_helpers_write (lnt_txn_t *txn, void *arg)
{
    (void) arg;
    int rc;
    if ((rc = lnt_txn_put_u64 (txn, LNT_DB_META, "zero", 0))
        || (rc = lnt_txn_put_u64 (txn, LNT_DB_META, "big",
                                  UINT64_C (0x0102030405060708)))
        || (rc = lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, "max", UINT64_MAX))
        || (rc = lnt_txn_put_str (txn, LNT_DB_META, "code", "3503"))
        || (rc = lnt_txn_put_str (txn, LNT_DB_META, "empty", ""))
        //  Not 8 bytes: get_u64 must not take it for a number
        || (rc = lnt_txn_put_str (txn, LNT_DB_META, "short", "1234567")))
        return rc;
    //  Values written are visible later in the same transaction
    char buf[8];
    if (lnt_txn_get_u64 (txn, LNT_DB_META, "big", 0)
            != UINT64_C (0x0102030405060708)
        || lnt_txn_get_str (txn, LNT_DB_META, "code", buf, sizeof buf) != 0
        || strcmp (buf, "3503") != 0)
        return LNT_EINTERNAL;
    //  get_u64 keeps values it read or wrote; any other change to their
    //  database (a raw put, a delete, a drop) must show through
    unsigned char v[8];
    lnt_store_key_u64 (41, v);
    bool ok = lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, "max", 0) == UINT64_MAX
              && lnt_txn_put (txn, LNT_DB_COUNTERS, "max", 3, v, 8) == 0
              && lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, "max", 0) == 41
              && lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, "n", 7) == 0
              && lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, "n", 0) == 7
              && lnt_txn_del (txn, LNT_DB_COUNTERS, "n", 1) == 0
              && lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, "n", 9) == 9
              && lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, "n", 8) == 0
              && lnt_txn_put_str (txn, LNT_DB_COUNTERS, "n", "text") == 0
              && lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, "n", 9) == 9;
    //  More keys than are kept, read and written in turn
    char key[16];
    for (int round = 0; ok && round < 3; round++)
        for (int i = 0; ok && i < 10; i++) {
            snprintf (key, sizeof key, "k%d", i);
            uint64_t was = lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, key, 0);
            ok = was == (uint64_t) round
                 && lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, key, was + 1) == 0;
        }
    //  put_last: only past the last key; an equal or lesser one changes
    //  nothing
    const void *got = NULL;
    size_t got_len = 0;
    ok = ok && lnt_txn_put_last (txn, LNT_DB_RECORDS, "b", 1, "one", 3) == 0
         && lnt_txn_put_last (txn, LNT_DB_RECORDS, "b", 1, "two", 3)
                == LNT_EEXIST
         && lnt_txn_put_last (txn, LNT_DB_RECORDS, "a", 1, "two", 3)
                == LNT_EEXIST
         && lnt_txn_put_last (txn, LNT_DB_RECORDS, "c", 1, "three", 5) == 0
         && lnt_txn_get (txn, LNT_DB_RECORDS, "b", 1, &got, &got_len) == 0
         && got_len == 3 && memcmp (got, "one", 3) == 0
         && lnt_txn_get (txn, LNT_DB_RECORDS, "a", 1, &got, &got_len)
                == LNT_ENOTFOUND
         && lnt_txn_drop (txn, LNT_DB_RECORDS) == 0;
    //  A value put_u64 keeps back reaches LMDB before anything else
    //  looks at its database: a count, a cursor, a raw get
    const void *k, *vv;
    size_t kl, vl;
    lnt_cursor_t *cur = NULL;
    size_t before = lnt_txn_count (txn, LNT_DB_COUNTERS);
    ok = ok && lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, "fresh", 12) == 0
         && lnt_txn_count (txn, LNT_DB_COUNTERS) == before + 1
         && lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, "fresh", 13) == 0
         && lnt_txn_get (txn, LNT_DB_COUNTERS, "fresh", 5, &got, &got_len) == 0
         && got_len == 8 && lnt_store_u64_key (got) == 13
         && lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, "fresh", 14) == 0
         && lnt_cursor_open (txn, LNT_DB_COUNTERS, &cur) == 0
         && lnt_cursor_seek (cur, "fresh", 5, &k, &kl, &vv, &vl) == 0
         && kl == 5 && vl == 8 && lnt_store_u64_key (vv) == 14;
    lnt_cursor_close (&cur);
    //  A key too long to keep works as before
    const char *long_key = "a-key-longer-than-the-32-bytes-kept-for-values";
    ok = ok && lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, long_key, 5) == 0
         && lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, long_key, 0) == 5
         && lnt_txn_drop (txn, LNT_DB_COUNTERS) == 0
         && lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, long_key, 6) == 6
         && lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, "k1", 6) == 6
         && lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, "max", UINT64_MAX) == 0;
    return ok ? 0 : LNT_EINTERNAL;
}

static void
s_test_helpers (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;
    CHECK_INT (lnt_store_write (store, s_helpers_write, NULL), 0);

    lnt_txn_t *txn = NULL;
    CHECK_INT (lnt_store_read (store, &txn), 0);
    if (!txn)
        goto done;
    CHECK (lnt_txn_get_u64 (txn, LNT_DB_META, "zero", 77) == 0);
    CHECK (lnt_txn_get_u64 (txn, LNT_DB_META, "big", 0)
           == UINT64_C (0x0102030405060708));
    CHECK (lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, "max", 0) == UINT64_MAX);
    CHECK (lnt_txn_get_u64 (txn, LNT_DB_META, "absent", 77) == 77);
    CHECK (lnt_txn_get_u64 (txn, LNT_DB_META, "short", 77) == 77);
    //  Under its own key in another database there is nothing
    CHECK (lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, "big", 5) == 5);
    //  Stored big-endian, 8 bytes
    const void *val = NULL;
    size_t len = 0;
    CHECK_INT (lnt_txn_get (txn, LNT_DB_META, "big", 3, &val, &len), 0);
    CHECK_INT (len, 8);
    CHECK (memcmp (val, "\x01\x02\x03\x04\x05\x06\x07\x08", 8) == 0);

    char buf[16];
    memset (buf, 'x', sizeof buf);
    CHECK_INT (lnt_txn_get_str (txn, LNT_DB_META, "code", buf, sizeof buf), 0);
    CHECK_STR (buf, "3503");
    //  Exactly big enough: four bytes and the NUL
    CHECK_INT (lnt_txn_get_str (txn, LNT_DB_META, "code", buf, 5), 0);
    CHECK_STR (buf, "3503");
    //  One byte short, and no room at all
    strcpy (buf, "keep");
    CHECK_INT (lnt_txn_get_str (txn, LNT_DB_META, "code", buf, 4), LNT_EINVAL);
    CHECK_INT (lnt_txn_get_str (txn, LNT_DB_META, "code", buf, 0), LNT_EINVAL);
    CHECK_STR (buf, "keep");
    CHECK_INT (lnt_txn_get_str (txn, LNT_DB_META, "empty", buf, 1), 0);
    CHECK_STR (buf, "");
    CHECK_INT (lnt_txn_get_str (txn, LNT_DB_META, "absent", buf, sizeof buf),
               LNT_ENOTFOUND);
    lnt_txn_end (&txn);

    //  The key helpers: big-endian, so byte order is number order
    unsigned char k1[8], k2[8];
    lnt_store_key_u64 (UINT64_C (0x0102030405060708), k1);
    CHECK (memcmp (k1, "\x01\x02\x03\x04\x05\x06\x07\x08", 8) == 0);
    CHECK (lnt_store_u64_key (k1) == UINT64_C (0x0102030405060708));
    lnt_store_key_u64 (255, k1);
    lnt_store_key_u64 (256, k2);
    CHECK (memcmp (k1, k2, 8) < 0);
    CHECK (lnt_store_u64_key (k2) == 256);
    lnt_store_key_u64 (UINT64_MAX, k1);
    CHECK (lnt_store_u64_key (k1) == UINT64_MAX);
done:
    lnt_txn_end (&txn);
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

//  Appends sequences [first, first + count) to the log, values "change-N"
typedef struct {
    uint64_t first; //  first sequence
    uint64_t count; //  how many
} s_append_t;

static int
s_append_write (lnt_txn_t *txn, void *arg)
{
    s_append_t *append = arg;
    for (uint64_t seq = append->first; seq < append->first + append->count;
         seq++) {
        unsigned char key[8];
        char val[32];
        lnt_store_key_u64 (seq, key);
        snprintf (val, sizeof val, "change-%llu", (unsigned long long) seq);
        int rc = lnt_txn_put_last (txn, LNT_DB_LOG, key, 8, val, strlen (val));
        if (rc)
            return rc;
    }
    return 0;
}

//  Does value v (vl bytes) say "change-seq"?
static bool
s_is_change (const void *v, size_t vl, uint64_t seq)
{
    char want[32];
    snprintf (want, sizeof want, "change-%llu", (unsigned long long) seq);
    return vl == strlen (want) && memcmp (v, want, vl) == 0;
}

static void
s_test_append_cursor (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    lnt_txn_t *txn = NULL;
    lnt_cursor_t *cursor = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;

    //  An empty log: no first, no last
    CHECK_INT (lnt_store_read (store, &txn), 0);
    CHECK_INT (lnt_cursor_open (txn, LNT_DB_LOG, &cursor), 0);
    const void *k, *v;
    size_t kl, vl;
    CHECK_INT (lnt_cursor_seek (cursor, NULL, 0, &k, &kl, &v, &vl),
               LNT_ENOTFOUND);
    CHECK_INT (lnt_cursor_last (cursor, &k, &kl, &v, &vl), LNT_ENOTFOUND);
    lnt_cursor_close (&cursor);
    CHECK (cursor == NULL);
    lnt_cursor_close (&cursor); //  safe twice
    lnt_txn_end (&txn);

    //  Sequences 1..300 in two writes: 255 -> 256 tests byte order
    s_append_t a1 = {1, 200}, a2 = {201, 100};
    CHECK_INT (lnt_store_write (store, s_append_write, &a1), 0);
    CHECK_INT (lnt_store_write (store, s_append_write, &a2), 0);
    //  An append that is not past the end is refused, and aborts its write
    s_append_t back = {150, 1}, next = {301, 5}, again = {303, 1};
    CHECK (lnt_store_write (store, s_append_write, &back) != 0);
    CHECK_INT (lnt_store_write (store, s_append_write, &next), 0);
    CHECK (lnt_store_write (store, s_append_write, &again) != 0);
    CHECK_INT (s_count (store, LNT_DB_LOG), 305);

    CHECK_INT (lnt_store_read (store, &txn), 0);
    CHECK_INT (lnt_cursor_open (txn, LNT_DB_LOG, &cursor), 0);
    if (!cursor)
        goto done;
    //  From the first key, in order, to the end
    uint64_t expect = 1;
    long bad = 0;
    int rc;
    for (rc = lnt_cursor_seek (cursor, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cursor, &k, &kl, &v, &vl)) {
        if (kl != 8 || lnt_store_u64_key (k) != expect
            || !s_is_change (v, vl, expect))
            bad++;
        expect++;
    }
    CHECK_INT (rc, LNT_ENOTFOUND);
    CHECK_INT (bad, 0);
    CHECK_INT (expect, 306);

    //  Seek to an existing key, with a shorter key, and past the end
    unsigned char key[8];
    lnt_store_key_u64 (256, key);
    CHECK_INT (lnt_cursor_seek (cursor, key, 8, &k, &kl, &v, &vl), 0);
    CHECK (kl == 8 && lnt_store_u64_key (k) == 256);
    CHECK (s_is_change (v, vl, 256));
    CHECK_INT (lnt_cursor_next (cursor, &k, &kl, &v, &vl), 0);
    CHECK (lnt_store_u64_key (k) == 257);
    //  A shorter key sorts before every 8-byte key that starts with it
    CHECK_INT (lnt_cursor_seek (cursor, key, 7, &k, &kl, &v, &vl), 0);
    CHECK (lnt_store_u64_key (k) == 256);
    lnt_store_key_u64 (306, key);
    CHECK_INT (lnt_cursor_seek (cursor, key, 8, &k, &kl, &v, &vl),
               LNT_ENOTFOUND);
    //  The last key, from anywhere, and nothing after it
    CHECK_INT (lnt_cursor_seek (cursor, NULL, 0, &k, &kl, &v, &vl), 0);
    CHECK (lnt_store_u64_key (k) == 1);
    CHECK_INT (lnt_cursor_last (cursor, &k, &kl, &v, &vl), 0);
    CHECK (kl == 8 && lnt_store_u64_key (k) == 305);
    CHECK (s_is_change (v, vl, 305));
    CHECK_INT (lnt_cursor_next (cursor, &k, &kl, &v, &vl), LNT_ENOTFOUND);
    lnt_cursor_close (&cursor);
    lnt_txn_end (&txn);

    //  A seek in text keys: the first key >= "k15" of k10..k19 is k15
    const s_op_t ops[] = {{LNT_DB_RECORDS, "k10", "a"}, {LNT_DB_RECORDS, "k19", "b"},
                          {LNT_DB_RECORDS, "k15", "c"}, {LNT_DB_RECORDS, "k17", "d"}};
    CHECK_INT (s_apply (store, ops, 4, 0), 0);
    CHECK_INT (lnt_store_read (store, &txn), 0);
    CHECK_INT (lnt_cursor_open (txn, LNT_DB_RECORDS, &cursor), 0);
    if (!cursor)
        goto done;
    CHECK_INT (lnt_cursor_seek (cursor, "k16", 3, &k, &kl, &v, &vl), 0);
    CHECK (kl == 3 && memcmp (k, "k17", 3) == 0);
    CHECK (vl == 1 && memcmp (v, "d", 1) == 0);
    CHECK_INT (lnt_cursor_next (cursor, &k, &kl, &v, &vl), 0);
    CHECK (kl == 3 && memcmp (k, "k19", 3) == 0);
done:
    lnt_cursor_close (&cursor);
    lnt_txn_end (&txn);
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

static void
s_test_abort (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;
    const s_op_t before[] = {{LNT_DB_RECORDS, "kept", "old"}};
    CHECK_INT (s_apply (store, before, 1, 0), 0);

    //  Everything the function wrote, in several databases, is undone
    //  when it returns an error, and that error is returned
    const s_op_t ops[] = {{LNT_DB_RECORDS, "kept", "new"},
                          {LNT_DB_RECORDS, "added", "x"},
                          {LNT_DB_META, "clock", "y"},
                          {LNT_DB_COUNTERS, "seq", "z"},
                          {LNT_DB_RECORDS, "kept", NULL}};
    s_batch_t batch = {ops, 4, LNT_EINVAL, 0};
    CHECK_INT (lnt_store_write (store, s_batch_write, &batch), LNT_EINVAL);
    CHECK_INT (batch.calls, 1);
    batch.ops = ops + 1;
    batch.result = LNT_EINTERNAL;
    CHECK_INT (lnt_store_write (store, s_batch_write, &batch), LNT_EINTERNAL);
    //  A positive value aborts too
    batch.result = 1;
    CHECK_INT (lnt_store_write (store, s_batch_write, &batch), 1);

    char buf[16];
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "kept", buf, sizeof buf), 0);
    CHECK_STR (buf, "old");
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "added", buf, sizeof buf),
               LNT_ENOTFOUND);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 1);
    CHECK_INT (s_count (store, LNT_DB_META), 0);
    CHECK_INT (s_count (store, LNT_DB_COUNTERS), 0);

    //  The same function committing shows the test above could see them
    batch.result = 0;
    batch.count = 3;
    CHECK_INT (lnt_store_write (store, s_batch_write, &batch), 0);
    CHECK_INT (s_count (store, LNT_DB_META), 1);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

static void
s_test_growth (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, SMALL_MAP, &store), 0);
    if (!store)
        goto done;
    CHECK_INT (lnt_store_map_size (store), SMALL_MAP);

    //  One write of about a megabyte into a 256 KiB map: it must grow
    //  (several times) and the function run again each time
    s_fill_t big = {0, 500, 2000, 0};
    CHECK_INT (lnt_store_write (store, s_fill_write, &big), 0);
    CHECK (big.calls > 1);
    size_t grown = lnt_store_map_size (store);
    CHECK (grown >= (size_t) 1 << 20);
    CHECK_INT (s_fill_bad (store, 0, 500, 2000), 0);
    CHECK_INT (s_count (store, LNT_DB_PRIVATE), 500);

    //  Many small writes, each its own transaction, across more growth
    int calls = 0, failed = 0;
    for (size_t i = 500; i < 1100; i++) {
        s_fill_t one = {i, 1, 3000, 0};
        if (lnt_store_write (store, s_fill_write, &one) != 0)
            failed++;
        calls += one.calls;
    }
    CHECK_INT (failed, 0);
    CHECK (calls > 600);
    CHECK (lnt_store_map_size (store) > grown);
    CHECK_INT (s_fill_bad (store, 0, 500, 2000), 0);
    CHECK_INT (s_fill_bad (store, 500, 600, 3000), 0);
    CHECK_INT (s_count (store, LNT_DB_PRIVATE), 1100);
    size_t final = lnt_store_map_size (store);
    lnt_store_destroy (&store);

    //  Reopened with a small map asked for, the store keeps the size it
    //  has grown to
    struct stat st;
    char path[600];
    CHECK_INT (stat (s_path (path, sizeof path, tmp, "data.mdb"), &st), 0);
    CHECK ((size_t) st.st_size > SMALL_MAP);
    CHECK ((size_t) st.st_size <= final);
    CHECK_INT (lnt_store_open (tmp, 0, SMALL_MAP, &store), 0);
    if (!store)
        goto done;
    CHECK (lnt_store_map_size (store) >= (size_t) st.st_size);
    CHECK_INT (s_fill_bad (store, 0, 500, 2000), 0);
    CHECK_INT (s_fill_bad (store, 500, 600, 3000), 0);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

//  Growing the map moves it: values a read transaction of this process
//  holds would point into unmapped memory. The map must not move under
//  them; the write fails instead, and succeeds once the reader is done.
static void
s_test_growth_with_reader (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    lnt_txn_t *txn = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, SMALL_MAP, &store), 0);
    if (!store)
        goto done;
    const s_op_t ops[] = {{LNT_DB_RECORDS, "k", "held by a reader"}};
    CHECK_INT (s_apply (store, ops, 1, 0), 0);

    CHECK_INT (lnt_store_read (store, &txn), 0);
    const void *val = NULL;
    size_t len = 0;
    CHECK_INT (lnt_txn_get (txn, LNT_DB_RECORDS, "k", 1, &val, &len), 0);
    s_fill_t big = {0, 500, 2000, 0};
    CHECK_INT (lnt_store_write (store, s_fill_write, &big), LNT_EMAPFULL);
    CHECK_INT (lnt_store_map_size (store), SMALL_MAP);
    //  (this read would crash had the map moved)
    CHECK (len == 16 && val && memcmp (val, "held by a reader", 16) == 0);
    //  A write that fits still works beside the reader
    s_fill_t small = {1000, 2, 100, 0};
    CHECK_INT (lnt_store_write (store, s_fill_write, &small), 0);
    lnt_txn_end (&txn);
    CHECK_INT (s_count (store, LNT_DB_PRIVATE), 2);

    big.calls = 0;
    CHECK_INT (lnt_store_write (store, s_fill_write, &big), 0);
    CHECK (big.calls > 1);
    CHECK (lnt_store_map_size (store) > SMALL_MAP);
    CHECK_INT (s_fill_bad (store, 0, 500, 2000), 0);
done:
    lnt_txn_end (&txn);
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

//  Waits up to 30 s for one message on fd; 0, or -1 on timeout or EOF
static int
s_wait_message (int fd, void *buf, size_t len)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll (&pfd, 1, 30000) != 1)
        return -1;
    return read (fd, buf, len) == (ssize_t) len ? 0 : -1;
}

//  What the second process does first once the parent has grown the map
typedef enum {
    S_READ_FIRST,  //  reads what the parent wrote, then writes
    S_WRITE_FIRST, //  writes, then reads
    S_HOLD_READER  //  holds a read transaction from before the growth
} s_child_mode_t;

//  The second process: opens the store with a small map, says so, waits
//  until the parent has grown it, then reads and writes (in the order
//  mode says) and checks it sees everything. Returns its number of
//  failed checks.
static int
s_child (const char *dir, int from_parent, int to_parent, s_child_mode_t mode,
         const char *child_key)
{
    int failed_before = lnt_test_failed_;
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (dir, 0, SMALL_MAP, &store), 0);
    if (!store)
        return 1;
    //  Otherwise the test would prove nothing
    CHECK_INT (lnt_store_map_size (store), SMALL_MAP);
    lnt_txn_t *txn = NULL;
    const void *val = NULL;
    size_t len = 0;
    if (mode == S_HOLD_READER) {
        CHECK_INT (lnt_store_read (store, &txn), 0);
        if (txn)
            CHECK_INT (lnt_txn_get (txn, LNT_DB_RECORDS, "before", 6, &val,
                                    &len), 0);
    }
    char ready = 'r';
    CHECK (write (to_parent, &ready, 1) == 1);
    size_t parent_map = 0;
    CHECK_INT (s_wait_message (from_parent, &parent_map, sizeof parent_map),
               0);
    CHECK (parent_map > SMALL_MAP);

    const s_op_t ops[] = {{LNT_DB_RECORDS, child_key, "hello"}};
    if (mode == S_HOLD_READER) {
        //  The map must not move under the reader: a write is refused
        //  and the value still readable
        CHECK (s_apply (store, ops, 1, 0) != 0);
        CHECK_INT (lnt_store_map_size (store), SMALL_MAP);
        CHECK (len == 4 && val && memcmp (val, "fork", 4) == 0);
        lnt_txn_end (&txn);
        //  Without it, all is well
        CHECK_INT (s_apply (store, ops, 1, 0), 0);
        CHECK (lnt_store_map_size (store) >= parent_map);
        CHECK_INT (s_fill_bad (store, 0, 500, 2000), 0);
    }
    else if (mode == S_READ_FIRST) {
        CHECK_INT (s_fill_bad (store, 0, 500, 2000), 0);
        CHECK (lnt_store_map_size (store) >= parent_map);
        CHECK_INT (s_apply (store, ops, 1, 0), 0);
    }
    else {
        CHECK_INT (s_apply (store, ops, 1, 0), 0);
        CHECK (lnt_store_map_size (store) >= parent_map);
        CHECK_INT (s_fill_bad (store, 0, 500, 2000), 0);
    }
    //  And it can grow the map further itself
    s_fill_t more = {500, 1500, 4000, 0};
    CHECK_INT (lnt_store_write (store, s_fill_write, &more), 0);
    CHECK (more.calls > 1);
    CHECK (lnt_store_map_size (store) > parent_map);
    CHECK_INT (s_fill_bad (store, 500, 1500, 4000), 0);
    lnt_store_destroy (&store);
    return lnt_test_failed_ - failed_before;
}

static void
s_test_growth_other_process (s_child_mode_t mode)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    const char *child_key = mode == S_READ_FIRST    ? "child-read-first"
                          : mode == S_WRITE_FIRST ? "child-write-first"
                                                  : "child-held-reader";
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, SMALL_MAP, &store), 0);
    if (!store)
        goto done;
    const s_op_t ops[] = {{LNT_DB_RECORDS, "before", "fork"}};
    CHECK_INT (s_apply (store, ops, 1, 0), 0);
    //  LMDB forbids using an environment across fork: each side opens its own
    lnt_store_destroy (&store);

    int down[2], up[2];
    if (pipe (down) || pipe (up)) {
        perror ("pipe");
        exit (1);
    }
    fflush (stdout);
    fflush (stderr);
    pid_t pid = fork ();
    if (pid < 0) {
        perror ("fork");
        exit (1);
    }
    if (pid == 0) {
        close (down[1]);
        close (up[0]);
        int failed = s_child (tmp, down[0], up[1], mode, child_key);
        _exit (failed > 100 ? 100 : failed);
    }
    close (down[0]);
    close (up[1]);
    char ready = 0;
    CHECK_INT (s_wait_message (up[0], &ready, 1), 0);
    CHECK_INT (ready, 'r');

    //  The child has the store open with a 256 KiB map; grow it well past
    size_t map = 0;
    CHECK_INT (lnt_store_open (tmp, 0, SMALL_MAP, &store), 0);
    if (store) {
        s_fill_t big = {0, 500, 2000, 0};
        CHECK_INT (lnt_store_write (store, s_fill_write, &big), 0);
        CHECK (big.calls > 1);
        map = lnt_store_map_size (store);
        CHECK (map > SMALL_MAP);
        CHECK (write (down[1], &map, sizeof map) == sizeof map);
    }
    //  Closed, so a child still waiting sees the end at once
    close (down[1]);
    int status = 0;
    CHECK (waitpid (pid, &status, 0) == pid);
    CHECK (WIFEXITED (status));
    CHECK_INT (WEXITSTATUS (status), 0);
    close (up[0]);

    //  What the child wrote, after its own growth, is here
    char buf[16];
    if (store) {
        CHECK_INT (s_read (store, LNT_DB_RECORDS, child_key, buf, sizeof buf), 0);
        CHECK_STR (buf, "hello");
        //  seen by the parent, whose map is now too small for it
        CHECK_INT (s_fill_bad (store, 500, 1500, 4000), 0);
        CHECK (lnt_store_map_size (store) > map);
        CHECK_INT (s_read (store, LNT_DB_RECORDS, "before", buf, sizeof buf), 0);
        CHECK_STR (buf, "fork");
    }
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

static void
s_test_readonly (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;
    const s_op_t ops[] = {{LNT_DB_RECORDS, "k", "v"}};
    CHECK_INT (s_apply (store, ops, 1, 0), 0);
    lnt_store_destroy (&store);

    CHECK_INT (lnt_store_open (tmp, LNT_STORE_READONLY, 0, &store), 0);
    if (!store)
        goto done;
    char buf[16];
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k", buf, sizeof buf), 0);
    CHECK_STR (buf, "v");
    const s_op_t change[] = {{LNT_DB_RECORDS, "k", "changed"},
                             {LNT_DB_RECORDS, "k2", "new"}};
    s_batch_t batch = {change, 2, 0, 0};
    CHECK (lnt_store_write (store, s_batch_write, &batch) != 0);
    lnt_txn_t *txn = NULL;
    CHECK_INT (lnt_store_read (store, &txn), 0);
    if (txn)
        CHECK (lnt_txn_put (txn, LNT_DB_RECORDS, "k", 1, "x", 1) != 0);
    lnt_txn_end (&txn);
    lnt_store_destroy (&store);

    //  Nothing changed, as a writable open shows
    CHECK_INT (lnt_store_open (tmp, 0, 0, &store), 0);
    if (!store)
        goto done;
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k", buf, sizeof buf), 0);
    CHECK_STR (buf, "v");
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "k2", buf, sizeof buf),
               LNT_ENOTFOUND);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 1);
    lnt_store_destroy (&store);

    //  A readonly open of nothing finds nothing
    char path[600];
    s_path (path, sizeof path, tmp, "none");
    CHECK_INT (lnt_store_open (path, LNT_STORE_READONLY, 0, &store),
               LNT_ENOTFOUND);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

//  Copies file from to file to; 0 or -1
static int
s_copy_file (const char *from, const char *to)
{
    FILE *in = fopen (from, "rb"), *out = fopen (to, "wb");
    int rc = in && out ? 0 : -1;
    char chunk[65536];
    size_t got;
    while (!rc && (got = fread (chunk, 1, sizeof chunk, in)) > 0)
        if (fwrite (chunk, 1, got, out) != got)
            rc = -1;
    if (in)
        fclose (in);
    if (out && fclose (out) != 0)
        rc = -1;
    return rc;
}

static void
s_test_backup (void)
{
    char *tmp = s_tmpdir ();
    char dir[512], file[600], copy[512], path[600];
    s_path (dir, sizeof dir, tmp, "live");
    s_path (file, sizeof file, tmp, "backup.mdb");
    s_path (copy, sizeof copy, tmp, "restored");
    lnt_store_t *store = NULL, *restored = NULL;
    CHECK_INT (lnt_store_open (dir, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;
    const s_op_t ops[] = {{LNT_DB_META, "code", "3503"},
                          {LNT_DB_RECORDS, "office:3503", "Trenggalek"},
                          {LNT_DB_RECORDS, "gone", "soon"}};
    CHECK_INT (s_apply (store, ops, 3, 0), 0);
    s_append_t log = {1, 50};
    CHECK_INT (lnt_store_write (store, s_append_write, &log), 0);
    const s_op_t del[] = {{LNT_DB_RECORDS, "gone", NULL}};
    CHECK_INT (s_apply (store, del, 1, 0), 0);

    //  A hot copy, taken with a reader open
    lnt_txn_t *txn = NULL;
    CHECK_INT (lnt_store_read (store, &txn), 0);
    CHECK_INT (lnt_store_backup (store, file), 0);
    lnt_txn_end (&txn);
    CHECK (s_exists (file));

    //  Never over an existing file, which stays as it was
    struct stat before, after;
    CHECK_INT (stat (file, &before), 0);
    CHECK_INT (lnt_store_backup (store, file), LNT_EEXIST);
    CHECK_INT (stat (file, &after), 0);
    CHECK (before.st_size == after.st_size);
    CHECK (before.st_mtim.tv_sec == after.st_mtim.tv_sec
           && before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
    //  A folder that does not exist is an I/O error
    s_path (path, sizeof path, tmp, "no/such/backup.mdb");
    CHECK_INT (lnt_store_backup (store, path), LNT_EIO);

    //  A change after the backup is not in it
    const s_op_t later[] = {{LNT_DB_RECORDS, "later", "x"}};
    CHECK_INT (s_apply (store, later, 1, 0), 0);

    //  The copy, as data.mdb in a fresh folder, opens as a store
    CHECK_INT (mkdir (copy, 0750), 0);
    CHECK_INT (s_copy_file (file, s_path (path, sizeof path, copy, "data.mdb")),
               0);
    CHECK_INT (lnt_store_open (copy, 0, 0, &restored), 0);
    if (!restored)
        goto done;
    char buf[32];
    CHECK_INT (s_read (restored, LNT_DB_META, "code", buf, sizeof buf), 0);
    CHECK_STR (buf, "3503");
    CHECK_INT (s_read (restored, LNT_DB_RECORDS, "office:3503", buf, sizeof buf),
               0);
    CHECK_STR (buf, "Trenggalek");
    CHECK_INT (s_read (restored, LNT_DB_RECORDS, "gone", buf, sizeof buf),
               LNT_ENOTFOUND);
    CHECK_INT (s_read (restored, LNT_DB_RECORDS, "later", buf, sizeof buf),
               LNT_ENOTFOUND);
    CHECK_INT (s_count (restored, LNT_DB_LOG), 50);
    CHECK_INT (s_count (restored, LNT_DB_RECORDS), 1);
    //  and takes writes
    s_append_t more = {51, 1};
    CHECK_INT (lnt_store_write (restored, s_append_write, &more), 0);
    CHECK_INT (s_count (restored, LNT_DB_LOG), 51);
done:
    lnt_store_destroy (&restored);
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}


//  ---- the records' trees ---------------------------------------------------

static int
s_drop_records (lnt_txn_t *txn, void *arg)
{
    (void) arg;
    return lnt_txn_drop (txn, LNT_DB_RECORDS);
}

//  Record keys of the offices' kinds: kind byte, office, '-', the rest
#define K_PROV "\x01" "35-2026-000001"
#define K_A1 "\x01" "3503-2026-000001"
#define K_A2 "\x01" "3503-2026-000002"
#define K_B1 "\x01" "3512-2026-000001"
#define K_RB "\x02" "3503-RB-2026-0001"
#define K_LKE "\x03" "3503-LKE-2026-A1.1"
#define K_REF "\x04" "ref/offices"
#define K_OTHER "office:3503"

//  The keys a cursor over the records gives, walked forwards (from the
//  first, or from a seek to from) or backwards from the last, joined by
//  '|' (kind bytes as digits) into buf
static void
s_walk (lnt_store_t *store, const char *from, bool back, char *buf,
        size_t size)
{
    buf[0] = 0;
    lnt_txn_t *txn = NULL;
    lnt_cursor_t *cur = NULL;
    if (lnt_store_read (store, &txn)
        || lnt_cursor_open (txn, LNT_DB_RECORDS, &cur)) {
        snprintf (buf, size, "(no cursor)");
        lnt_txn_end (&txn);
        return;
    }
    const void *k, *v;
    size_t kl, vl, used = 0;
    int rc = back ? lnt_cursor_last (cur, &k, &kl, &v, &vl)
             : lnt_cursor_seek (cur, from, from ? strlen (from) : 0, &k, &kl,
                                &v, &vl);
    for (; rc == 0;
         rc = back ? lnt_cursor_prev (cur, &k, &kl, &v, &vl)
                   : lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        const unsigned char *key = k;
        used += (size_t) snprintf (buf + used, size - used, "%s%c%.*s",
                                   used ? "|" : "",
                                   key[0] < 10 ? '0' + key[0] : key[0],
                                   (int) kl - 1, (const char *) k + 1);
        if (used >= size)
            break;
    }
    if (rc != LNT_ENOTFOUND && rc != 0)
        snprintf (buf, size, "(cursor error %d)", rc);
    lnt_cursor_close (&cur);
    lnt_txn_end (&txn);
}

//  The first key a seek to key finds, then the one before it, as text
static void
s_seek_back (lnt_store_t *store, const char *key, char *buf, size_t size)
{
    lnt_txn_t *txn = NULL;
    lnt_cursor_t *cur = NULL;
    buf[0] = 0;
    if (lnt_store_read (store, &txn)
        || lnt_cursor_open (txn, LNT_DB_RECORDS, &cur)) {
        lnt_txn_end (&txn);
        return;
    }
    const void *k, *v;
    size_t kl, vl;
    int rc = lnt_cursor_seek (cur, key, strlen (key), &k, &kl, &v, &vl);
    if (rc == LNT_ENOTFOUND)
        rc = lnt_cursor_last (cur, &k, &kl, &v, &vl);
    else if (rc == 0)
        rc = lnt_cursor_prev (cur, &k, &kl, &v, &vl);
    if (rc == 0)
        snprintf (buf, size, "%.*s", (int) kl - 1, (const char *) k + 1);
    lnt_cursor_close (&cur);
    lnt_txn_end (&txn);
}

//  Is a database of that name in the store's catalogue (mdb_stat -a)?
static bool
s_has_db (const char *dir, const char *name)
{
    char command[1024], want[128];
    char *out = NULL;
    snprintf (command, sizeof command, "mdb_stat -a '%s' 2>&1", dir);
    snprintf (want, sizeof want, "Status of %s\n", name);
    bool has = s_run (command, &out) == 0 && out && strstr (out, want);
    free (out);
    return has;
}

//  A thread that makes a new office's tree in each of its writes
typedef struct {
    lnt_store_t *store; //  the store
    int trees;          //  how many to make
    int made;           //  made so far (read by the other thread)
} s_maker_t;

static void *
s_maker (void *arg)
{
    s_maker_t *m = arg;
    for (int i = 0; i < m->trees; i++) {
        char key[32];
        snprintf (key, sizeof key, "\x01%d-2026-000001", 6000 + i);
        const s_op_t ops[] = {{LNT_DB_RECORDS, key, "made"}};
        if (s_apply (m->store, ops, 1, 0) != 0)
            break;
        __atomic_store_n (&m->made, i + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void
s_test_trees (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    char buf[1024];
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;
    const s_op_t ops[] = {{LNT_DB_RECORDS, K_B1, "b1"},
                          {LNT_DB_RECORDS, K_A2, "a2"},
                          {LNT_DB_RECORDS, K_OTHER, "other"},
                          {LNT_DB_RECORDS, K_A1, "a1"},
                          {LNT_DB_RECORDS, K_LKE, "lke"},
                          {LNT_DB_RECORDS, K_REF, "ref"},
                          {LNT_DB_RECORDS, K_RB, "rb"},
                          {LNT_DB_RECORDS, K_PROV, "prov"}};
    CHECK_INT (s_apply (store, ops, 8, 0), 0);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 8);
    CHECK_INT (s_read (store, LNT_DB_RECORDS, K_A2, buf, sizeof buf), 0);
    CHECK_STR (buf, "a2");
    CHECK_INT (s_read (store, LNT_DB_RECORDS, K_REF, buf, sizeof buf), 0);
    CHECK_STR (buf, "ref");
    //  One tree per kind and office, the rest in "records" (mdb_stat)
    CHECK (s_has_db (tmp, "records/1/3503"));
    CHECK (s_has_db (tmp, "records/1/3512"));
    CHECK (s_has_db (tmp, "records/1/35"));
    CHECK (s_has_db (tmp, "records/2/3503"));
    CHECK (s_has_db (tmp, "records/3/3503"));
    CHECK (s_has_db (tmp, "records"));
    CHECK (!s_has_db (tmp, "records/2/3512"));

    //  A cursor sees them as one database, in key order
    const char *all = "135-2026-000001|13503-2026-000001|13503-2026-000002|"
                      "13512-2026-000001|23503-RB-2026-0001|"
                      "33503-LKE-2026-A1.1|4ref/offices|office:3503";
    s_walk (store, NULL, false, buf, sizeof buf);
    CHECK_STR (buf, all);
    s_walk (store, NULL, true, buf, sizeof buf);
    CHECK_STR (buf, "office:3503|4ref/offices|33503-LKE-2026-A1.1|"
                    "23503-RB-2026-0001|13512-2026-000001|"
                    "13503-2026-000002|13503-2026-000001|135-2026-000001");
    //  Seeks: a kind, between offices, past an office, into the rest
    s_walk (store, "\x02", false, buf, sizeof buf);
    CHECK_STR (buf, "23503-RB-2026-0001|33503-LKE-2026-A1.1|4ref/offices|"
                    "office:3503");
    s_walk (store, "\x01" "3504", false, buf, sizeof buf);
    CHECK (strncmp (buf, "13512-2026-000001|", 18) == 0);
    s_walk (store, K_A2, false, buf, sizeof buf);
    CHECK (strncmp (buf, "13503-2026-000002|13512", 23) == 0);
    s_walk (store, "\x01" "3503-2026-000003", false, buf, sizeof buf);
    CHECK (strncmp (buf, "13512-2026-000001|", 18) == 0);
    s_walk (store, "\x05", false, buf, sizeof buf);
    CHECK_STR (buf, "office:3503");
    s_walk (store, "zzz", false, buf, sizeof buf);
    CHECK_STR (buf, "");
    //  A seek past an office's last number, then back: its last (as the
    //  tracking number is found), across the trees
    s_seek_back (store, "\x01" "3503-2026-:", buf, sizeof buf);
    CHECK_STR (buf, "3503-2026-000002");
    s_seek_back (store, "\x01" "3503-2026-000001", buf, sizeof buf);
    CHECK_STR (buf, "35-2026-000001");
    s_seek_back (store, "\x03" "3503-LKE-2026-A9", buf, sizeof buf);
    CHECK_STR (buf, "3503-LKE-2026-A1.1");
    s_seek_back (store, "zzz", buf, sizeof buf);
    CHECK_STR (buf, "ffice:3503");

    //  Keys of an office's kind but of no office shape are refused, and
    //  nothing changes; reading them finds nothing
    const char *bad[] = {"\x01" "3503", "\x01" "-2026-1", "\x01" "123456789-1",
                         "\x02" "35 03-RB-1", "\x03" "3503_LKE"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const s_op_t put[] = {{LNT_DB_RECORDS, K_A1, "changed"},
                              {LNT_DB_RECORDS, bad[i], "x"}};
        CHECK_INT (s_apply (store, put, 2, 0), LNT_EINVAL);
        CHECK_INT (s_read (store, LNT_DB_RECORDS, bad[i], buf, sizeof buf),
                   LNT_ENOTFOUND);
    }
    CHECK_INT (s_read (store, LNT_DB_RECORDS, K_A1, buf, sizeof buf), 0);
    CHECK_STR (buf, "a1");
    s_walk (store, NULL, false, buf, sizeof buf);
    CHECK_STR (buf, all);

    //  A write that made a tree and then failed leaves no tree and no key;
    //  made again, it is there
    const s_op_t fresh[] = {{LNT_DB_RECORDS, "\x01" "3520-2026-000001", "n"}};
    CHECK_INT (s_apply (store, fresh, 1, LNT_EINVAL), LNT_EINVAL);
    CHECK (!s_has_db (tmp, "records/1/3520"));
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "\x01" "3520-2026-000001", buf,
                       sizeof buf), LNT_ENOTFOUND);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 8);
    CHECK_INT (s_apply (store, fresh, 1, 0), 0);
    CHECK (s_has_db (tmp, "records/1/3520"));
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 9);

    //  A reader from before a tree was made does not see it; a new one does
    lnt_txn_t *old = NULL;
    CHECK_INT (lnt_store_read (store, &old), 0);
    const s_op_t later[] = {{LNT_DB_RECORDS, "\x01" "3530-2026-000001", "l"}};
    CHECK_INT (s_apply (store, later, 1, 0), 0);
    if (old) {
        const void *v;
        size_t vl;
        CHECK_INT (lnt_txn_get (old, LNT_DB_RECORDS, "\x01" "3530-2026-000001",
                                17, &v, &vl), LNT_ENOTFOUND);
        CHECK_INT (lnt_txn_count (old, LNT_DB_RECORDS), 9);
        lnt_txn_end (&old);
    }
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 10);

    //  Another process makes a tree, and writes into one this process
    //  has open: both are seen here, in order
    fflush (stdout);
    fflush (stderr);
    pid_t pid = fork ();
    if (pid == 0) {
        lnt_store_t *other = NULL;
        int rc = lnt_store_open (tmp, 0, 0, &other);
        const s_op_t theirs[] = {{LNT_DB_RECORDS, "\x01" "3540-2026-000001", "o"},
                                 {LNT_DB_RECORDS, "\x01" "3512-2026-000002", "p"}};
        if (!rc)
            rc = s_apply (other, theirs, 2, 0);
        lnt_store_destroy (&other);
        _exit (rc ? 1 : 0);
    }
    int status = 0;
    CHECK (pid > 0 && waitpid (pid, &status, 0) == pid);
    CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    CHECK_INT (s_read (store, LNT_DB_RECORDS, "\x01" "3540-2026-000001", buf,
                       sizeof buf), 0);
    CHECK_STR (buf, "o");
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 12);
    s_walk (store, "\x01" "3512", false, buf, sizeof buf);
    CHECK (strncmp (buf, "13512-2026-000001|13512-2026-000002|"
                         "13520-2026-000001|13530-2026-000001|"
                         "13540-2026-000001|2", 91) == 0);
    //  and this process writes into the other's tree without making it
    const s_op_t into[] = {{LNT_DB_RECORDS, "\x01" "3540-2026-000002", "q"}};
    CHECK_INT (s_apply (store, into, 1, 0), 0);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 13);

    //  Trees made by one thread while another reads: every reader sees at
    //  least what was made before it began, and never fails
    s_maker_t maker = {store, 60, 0};
    pthread_t thread;
    CHECK_INT (pthread_create (&thread, NULL, s_maker, &maker), 0);
    int reads = 0, wrong = 0;
    while (__atomic_load_n (&maker.made, __ATOMIC_ACQUIRE) < maker.trees
           && reads < 100000) {
        int made = __atomic_load_n (&maker.made, __ATOMIC_ACQUIRE);
        size_t n = s_count (store, LNT_DB_RECORDS);
        char key[32];
        snprintf (key, sizeof key, "\x01%d-2026-000001", 6000 + made - 1);
        if (n < 13 + (size_t) made
            || (made && s_read (store, LNT_DB_RECORDS, key, buf, sizeof buf)))
            wrong++;
        reads++;
    }
    pthread_join (thread, NULL);
    CHECK_INT (maker.made, maker.trees);
    CHECK_INT (wrong, 0);
    CHECK (reads > 0);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 13 + maker.trees);

    //  Dropping the records empties every tree; they take keys again
    lnt_store_destroy (&store);
    CHECK_INT (lnt_store_open (tmp, 0, 0, &store), 0);
    if (!store)
        goto done;
    CHECK_INT (lnt_store_write (store, s_drop_records, NULL), 0);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 0);
    s_walk (store, NULL, false, buf, sizeof buf);
    CHECK_STR (buf, "");
    CHECK_INT (s_apply (store, ops, 8, 0), 0);
    s_walk (store, NULL, false, buf, sizeof buf);
    CHECK_STR (buf, all);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

//  Trees made in a write that fills the map: made again when it runs again
typedef struct {
    int calls; //  how often it ran
} s_big_trees_t;

static int
s_big_trees (lnt_txn_t *txn, void *arg)
{
    s_big_trees_t *b = arg;
    b->calls++;
    static unsigned char val[3000];
    memset (val, 'v', sizeof val);
    int rc = 0;
    for (int o = 0; !rc && o < 30; o++)
        for (int i = 0; !rc && i < 20; i++) {
            char key[32];
            int kl = snprintf (key, sizeof key, "\x01%d-2026-%06d", 3500 + o,
                               i);
            rc = lnt_txn_put_last (txn, LNT_DB_RECORDS, key, (size_t) kl, val,
                                   sizeof val);
        }
    return rc;
}

static void
s_test_trees_growth (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, SMALL_MAP, &store), 0);
    if (store) {
        s_big_trees_t b = {0};
        CHECK_INT (lnt_store_write (store, s_big_trees, &b), 0);
        CHECK (b.calls > 1); //  the map grew: the trees were made again
        CHECK_INT (s_count (store, LNT_DB_RECORDS), 600);
        CHECK (s_has_db (tmp, "records/1/3529"));
        char buf[4096];
        CHECK_INT (s_read (store, LNT_DB_RECORDS, "\x01" "3529-2026-000019",
                           buf, sizeof buf), 0);
        CHECK_INT (strlen (buf), 3000);
    }
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}


//  Trees made at once by another process (which this process opens as it
//  reads) and by a thread here (which makes its own): a transaction begun
//  while handles were being opened must not take their numbers again
typedef struct {
    lnt_store_t *store; //  the store
    int base;           //  first office code
    int trees;          //  trees to make
    int failed;         //  writes or reads that failed
    volatile int *stop; //  set when the others are done
} s_racer_t;

static void *
s_race_writer (void *arg)
{
    s_racer_t *r = arg;
    for (int i = 0; i < r->trees; i++) {
        char key[32];
        snprintf (key, sizeof key, "\x01%d-2026-000001", r->base + i);
        const s_op_t ops[] = {{LNT_DB_RECORDS, key, "w"}};
        if (s_apply (r->store, ops, 1, 0) != 0)
            r->failed++;
    }
    return NULL;
}

static void *
s_race_reader (void *arg)
{
    s_racer_t *r = arg;
    char buf[64];
    while (!*r->stop) {
        if (s_count (r->store, LNT_DB_RECORDS) == (size_t) -1)
            r->failed++;
        if (s_read (r->store, LNT_DB_RECORDS, "\x01" "8000-2026-000001", buf,
                    sizeof buf) == LNT_ESTORE)
            r->failed++;
    }
    return NULL;
}

static void
s_test_trees_race (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;
    const s_op_t first[] = {{LNT_DB_RECORDS, "\x01" "8000-2026-000001", "w"}};
    CHECK_INT (s_apply (store, first, 1, 0), 0);
    fflush (stdout);
    fflush (stderr);
    pid_t pid = fork ();
    if (pid == 0) {
        lnt_store_t *other = NULL;
        int failed = lnt_store_open (tmp, 0, 0, &other) != 0;
        for (int i = 0; !failed && i < 150; i++) {
            char key[32];
            snprintf (key, sizeof key, "\x02%d-RB-2026-0001", 7000 + i);
            const s_op_t ops[] = {{LNT_DB_RECORDS, key, "p"}};
            failed = s_apply (other, ops, 1, 0) != 0;
        }
        lnt_store_destroy (&other);
        _exit (failed);
    }
    volatile int stop = 0;
    s_racer_t w = {store, 8001, 150, 0, &stop}, r = {store, 0, 0, 0, &stop};
    pthread_t tw, tr;
    CHECK_INT (pthread_create (&tw, NULL, s_race_writer, &w), 0);
    CHECK_INT (pthread_create (&tr, NULL, s_race_reader, &r), 0);
    int status = 0;
    CHECK (pid > 0 && waitpid (pid, &status, 0) == pid);
    CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    pthread_join (tw, NULL);
    stop = 1;
    pthread_join (tr, NULL);
    CHECK_INT (w.failed, 0);
    CHECK_INT (r.failed, 0);
    //  Every record in its own tree, each read back through this process
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 301);
    int missing = 0;
    for (int i = 0; i < 150; i++) {
        char key[32], buf[16];
        snprintf (key, sizeof key, "\x01%d-2026-000001", 8001 + i);
        if (s_read (store, LNT_DB_RECORDS, key, buf, sizeof buf)
            || strcmp (buf, "w"))
            missing++;
        snprintf (key, sizeof key, "\x02%d-RB-2026-0001", 7000 + i);
        if (s_read (store, LNT_DB_RECORDS, key, buf, sizeof buf)
            || strcmp (buf, "p"))
            missing++;
    }
    CHECK_INT (missing, 0);
    //  and so does a fresh process
    lnt_store_destroy (&store);
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_READONLY, 0, &store), 0);
    if (store)
        CHECK_INT (s_count (store, LNT_DB_RECORDS), 301);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}


//  Puts one record into each of n offices' trees, from office first
typedef struct {
    int first; //  the first office code
    int n;     //  how many offices
} s_offices_t;

static int
s_offices_write (lnt_txn_t *txn, void *arg)
{
    const s_offices_t *o = arg;
    int rc = 0;
    for (int i = 0; !rc && i < o->n; i++) {
        char key[32];
        int kl = snprintf (key, sizeof key, "\x01%d-2026-000001", o->first + i);
        rc = lnt_txn_put (txn, LNT_DB_RECORDS, key, (size_t) kl, "v", 1);
    }
    return rc;
}

//  An office's store (LNT_STORE_FEW_TREES) has room for 64 trees: more
//  are refused with nothing written; opened again with more than 32, it
//  gets room for them all
static void
s_test_few_trees (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE | LNT_STORE_FEW_TREES, 0,
                               &store), 0);
    if (!store)
        goto done;
    s_offices_t forty = {5000, 40}, thirty = {6000, 30};
    CHECK_INT (lnt_store_write (store, s_offices_write, &forty), 0);
    CHECK_INT (lnt_store_write (store, s_offices_write, &thirty), LNT_ESTORE);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 40);
    lnt_store_destroy (&store);
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_FEW_TREES, 0, &store), 0);
    if (!store)
        goto done;
    CHECK_INT (lnt_store_write (store, s_offices_write, &thirty), 0);
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 70);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}


//  A write that made a tree, then begins a read in the same thread: the
//  read is refused (it would take the tree's handle number again), not
//  left hanging on the store's lock
static int
s_read_inside (lnt_txn_t *txn, void *arg)
{
    int *got = arg;
    int rc = lnt_txn_put (txn, LNT_DB_RECORDS, "\x01" "3590-2026-000001", 17,
                          "v", 1);
    lnt_txn_t *inner = NULL;
    *got = lnt_store_read (lnt_txn_store (txn), &inner);
    lnt_txn_end (&inner);
    return rc;
}

static void
s_test_read_inside_write (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (store) {
        int got = -1;
        CHECK_INT (lnt_store_write (store, s_read_inside, &got), 0);
        CHECK_INT (got, LNT_ESTORE);
        //  and the store goes on
        CHECK_INT (s_count (store, LNT_DB_RECORDS), 1);
    }
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

//  A read that began before a tree was made: a cursor stopped on that
//  tree (not in its snapshot) goes on from there, without wrapping round
static void
s_test_cursor_unseen_tree (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;
    const s_op_t ops[] = {{LNT_DB_RECORDS, "\x01" "3512-2026-000001", "b"},
                          {LNT_DB_RECORDS, "x1", "x"}};
    CHECK_INT (s_apply (store, ops, 2, 0), 0);
    lnt_txn_t *txn = NULL;
    CHECK_INT (lnt_store_read (store, &txn), 0);
    const s_op_t before[] = {{LNT_DB_RECORDS, "\x01" "3501-2026-000001", "a"}};
    CHECK_INT (s_apply (store, before, 1, 0), 0);
    lnt_cursor_t *cur = NULL;
    if (txn)
        CHECK_INT (lnt_cursor_open (txn, LNT_DB_RECORDS, &cur), 0);
    if (cur) {
        const void *k, *v;
        size_t kl, vl;
        CHECK_INT (lnt_cursor_seek (cur, "\x01" "3512-2026-000001", 17, &k,
                                    &kl, &v, &vl), 0);
        CHECK_INT (lnt_cursor_prev (cur, &k, &kl, &v, &vl), LNT_ENOTFOUND);
        CHECK_INT (lnt_cursor_prev (cur, &k, &kl, &v, &vl), LNT_ENOTFOUND);
        CHECK_INT (lnt_cursor_next (cur, &k, &kl, &v, &vl), 0);
        CHECK (kl == 17 && memcmp (k, "\x01" "3512-2026-000001", 17) == 0);
        CHECK_INT (lnt_cursor_next (cur, &k, &kl, &v, &vl), 0);
        CHECK (kl == 2 && memcmp (k, "x1", 2) == 0);
        CHECK_INT (lnt_cursor_next (cur, &k, &kl, &v, &vl), LNT_ENOTFOUND);
    }
    lnt_cursor_close (&cur);
    lnt_txn_end (&txn);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

//  An office's store open here while another process gives it more trees
//  than this process has room for: reads fail, saying so, and nothing
//  lands in the wrong tree; opened again, it has room for them all
static void
s_test_trees_no_room (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE | LNT_STORE_FEW_TREES, 0,
                               &store), 0);
    if (!store)
        goto done;
    s_offices_t one = {5000, 1}, many = {5001, 70};
    CHECK_INT (lnt_store_write (store, s_offices_write, &one), 0);
    fflush (stdout);
    fflush (stderr);
    pid_t pid = fork ();
    if (pid == 0) {
        lnt_store_t *other = NULL;
        int rc = lnt_store_open (tmp, 0, 0, &other);
        if (!rc)
            rc = lnt_store_write (other, s_offices_write, &many);
        lnt_store_destroy (&other);
        _exit (rc ? 1 : 0);
    }
    int status = 0;
    CHECK (pid > 0 && waitpid (pid, &status, 0) == pid);
    CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    char buf[16];
    for (int i = 0; i < 2; i++)
        CHECK_INT (s_read (store, LNT_DB_RECORDS, "\x01" "5000-2026-000001",
                           buf, sizeof buf), LNT_ESTORE);
    const s_op_t put[] = {{LNT_DB_RECORDS, "\x01" "5001-2026-000002", "w"}};
    CHECK_INT (s_apply (store, put, 1, 0), LNT_ESTORE);
    lnt_store_destroy (&store);
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_FEW_TREES, 0, &store), 0);
    if (!store)
        goto done;
    CHECK_INT (s_count (store, LNT_DB_RECORDS), 71);
    CHECK_INT (s_apply (store, put, 1, 0), 0);
    //  every key in its own tree: in order, none twice
    char walk[4096];
    s_walk (store, NULL, false, walk, sizeof walk);
    CHECK (strncmp (walk, "15000-2026-000001|15001-2026-000001|"
                          "15001-2026-000002|15002-2026-000001|", 72) == 0);
    CHECK_INT (strlen (walk), 72 * 18 - 1);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

static void
s_test_stock_tools (void)
{
    char *tmp = s_tmpdir ();
    lnt_store_t *store = NULL;
    CHECK_INT (lnt_store_open (tmp, LNT_STORE_CREATE, 0, &store), 0);
    if (!store)
        goto done;
    const s_op_t ops[] = {{LNT_DB_RECORDS, "office:3503", "Trenggalek"},
                          {LNT_DB_META, "role", "agent"}};
    CHECK_INT (s_apply (store, ops, 2, 0), 0);

    //  While the store is open here, as the daemon would have it
    char command[1024];
    char *out = NULL;
    snprintf (command, sizeof command, "mdb_stat -a '%s' 2>&1", tmp);
    CHECK_INT (s_run (command, &out), 0);
    //  It lists the named databases by their names on disk
    CHECK (out && strstr (out, "Status of records"));
    CHECK (out && strstr (out, "Status of log"));
    CHECK (out && strstr (out, "Status of meta"));
    free (out);

    snprintf (command, sizeof command, "mdb_dump -p -s records '%s' 2>&1",
              tmp);
    CHECK_INT (s_run (command, &out), 0);
    CHECK (out && strstr (out, "office:3503"));
    CHECK (out && strstr (out, "Trenggalek"));
    //  Only that database
    CHECK (out && !strstr (out, "agent"));
    free (out);

    //  In hex, the default: "office:3503" is 6f66666963653a33353033
    snprintf (command, sizeof command, "mdb_dump -s records '%s' 2>&1", tmp);
    CHECK_INT (s_run (command, &out), 0);
    CHECK (out && strstr (out, "6f66666963653a33353033"));
    free (out);

    //  and the tools do fail on a database that is not there
    snprintf (command, sizeof command, "mdb_dump -s nosuch '%s' 2>&1", tmp);
    CHECK (s_run (command, NULL) != 0);
done:
    lnt_store_destroy (&store);
    s_rmtree (tmp);
    free (tmp);
}

int
main (int argc, char *argv[])
{
    (void) argc, (void) argv;
    s_test_create_open ();
    s_test_put_get_del ();
    s_test_helpers ();
    s_test_append_cursor ();
    s_test_abort ();
    s_test_growth ();
    s_test_growth_with_reader ();
    s_test_growth_other_process (S_READ_FIRST);
    s_test_growth_other_process (S_WRITE_FIRST);
    s_test_growth_other_process (S_HOLD_READER);
    s_test_readonly ();
    s_test_backup ();
    s_test_stock_tools ();
    s_test_trees ();
    s_test_trees_growth ();
    s_test_trees_race ();
    s_test_few_trees ();
    s_test_read_inside_write ();
    s_test_cursor_unseen_tree ();
    s_test_trees_no_room ();
    return LNT_TEST_DONE ();
}
