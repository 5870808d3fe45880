/*  lnt_node.c - node identity, reference data and logged section writes.  */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lnt_log.h"
#include "lnt_node.h"
#include "lnt_replica.h"

#define LNT_STORE_FORMAT 2 /* bumped when the store's layout changes:
                              2, the records in a tree per kind and office */

/*  What a node remembers of the write transaction it last wrote a section
    in: the writes of one transaction (an import of many rows) then find
    the log's last entry once, not once each. It holds while the
    transaction is the same and the log has not changed since but through
    this node's own writes. The clock and the node id in meta are read
    each write: the store keeps those u64 values for the transaction.    */
typedef struct {
    uint64_t serial;       /* lnt_txn_serial of that transaction; 0: none */
    uint64_t log_changes;  /* lnt_txn_changes of the log after our write  */
    uint64_t head;         /* the log's last sequence                     */
    uint64_t last_version; /* the version of its change                   */
    bool no_append;        /* a new record's key was not the greatest     */
} s_written_t;

/*  What a node remembers of the last tracking number it handed out, so
    that the rows of an import do not search the records for each number.
    It holds in the transaction of serial while the records have changed
    since only by the write of the record numbered last + 1, which moves
    it on (lnt_node_write_section).                                       */
typedef struct {
    uint64_t serial;       /* lnt_txn_serial of that transaction; 0: none */
    uint64_t changes;      /* lnt_txn_changes of the records it holds at  */
    char base[LNT_ID_MAX + 2]; /* the kind byte and the ids' prefix       */
    size_t base_len;       /* its length                                  */
    int width;             /* digits a number is padded to                */
    uint64_t last;         /* the greatest number among the records       */
    char next[LNT_ID_MAX + 2]; /* the key of number last + 1              */
    size_t next_len;       /* its length; 0: not handed out               */
} s_numbers_t;

struct lnt_node_t {
    lnt_store_t *store;       /* the store                                 */
    s_written_t written;      /* the transaction last written in           */
    s_numbers_t numbers;      /* the tracking number last handed out       */
    lnt_buf_t record_buf;     /* encoded record, reused write to write     */
    lnt_buf_t change_buf;     /* encoded change, reused write to write     */
    lnt_buf_t body_buf;       /* a caller's encoded body, reused likewise  */
    lnt_role_t role;          /* agent or hub                              */
    char code[LNT_OFFICE_MAX + 1]; /* office or province code              */
    uint64_t id;              /* node id (incarnation)                     */
    lnt_ref_t *ref;           /* reference data from the store             */
    uint64_t ref_version;     /* the store's "ref_version" it was loaded at */
    lnt_clock_source_fn *clock_source; /* wall clock override, or NULL   */
    void *clock_arg;          /* its argument                              */
};

typedef struct {
    lnt_role_t role;      /* role of the new node                          */
    const char *code;     /* its code                                       */
    uint64_t id;          /* its node id                                    */
    char *texts[32];      /* reference texts, in lnt_ref_parts order        */
    size_t lens[32];      /* their lengths                                  */
} s_init_t;

/*  Only a store the hub has seen can be behind the hub.                  */
static bool
s_replicated (lnt_txn_t *txn)
{
    return lnt_txn_get_u64 (txn, LNT_DB_META, "acked", 0)
           || lnt_txn_get_u64 (txn, LNT_DB_META, "hub_incarnation", 0);
}

/*  Records which file the store is, so that a copy can tell it is one.    */
static int
s_mark_file (lnt_txn_t *txn, void *arg)
{
    (void) arg;
    return lnt_txn_put_u64 (txn, LNT_DB_META, "file",
                            lnt_store_file_id (lnt_txn_store (txn)));
}

/*  A copy of an office's store (restored from a backup, or moved to a new
    PC) may be behind the hub: its records must come back first, or its
    next numbers would be taken again (DESIGN section 5). So it is marked
    as restoring until its daemon has them back.                          */
static int
s_mark_copy (lnt_txn_t *txn, void *arg)
{
    (void) arg;
    int rc = s_mark_file (txn, NULL);
    return rc ? rc : lnt_txn_put_u64 (txn, LNT_DB_META, "restoring", 1);
}

static int
s_init_write (lnt_txn_t *txn, void *arg)
{
    s_init_t *init = arg;
    int rc;
    if ((rc = lnt_txn_put_u64 (txn, LNT_DB_META, "format", LNT_STORE_FORMAT))
        || (rc = lnt_txn_put_str (txn, LNT_DB_META, "role",
                                  init->role == LNT_ROLE_HUB ? "hub"
                                                             : "agent"))
        || (rc = lnt_txn_put_str (txn, LNT_DB_META, "code", init->code))
        || (rc = lnt_txn_put_u64 (txn, LNT_DB_META, "node", init->id))
        || (rc = lnt_txn_put_u64 (txn, LNT_DB_META, "clock", 0)))
        return rc;
    for (size_t i = 0; i < lnt_ref_part_count; i++) {
        const char *name = lnt_ref_parts[i].name;
        rc = lnt_txn_put (txn, LNT_DB_REF, name, strlen (name),
                          init->texts[i], init->lens[i]);
        if (rc)
            return rc;
    }
    return 0;
}

static uint64_t
s_random_id (void)
{
    uint64_t id = 0;
    while (id == 0)
        if (getrandom (&id, sizeof id, 0) != sizeof id)
            id = 0;
    return id;
}

/*  Is code valid for role under ref: an office in the list, or a province
    that has offices in it.                                                 */
static int
s_code_check (const lnt_ref_t *ref, lnt_role_t role, const char *code,
              lnt_why_t *why)
{
    if (role == LNT_ROLE_AGENT) {
        if (!lnt_ref_office (ref, code))
            return lnt_why (why, LNT_EINVAL, "office \"%s\" is not in the "
                            "office list; use a region code such as 3503 "
                            "(Trenggalek)", code);
        return 0;
    }
    for (size_t i = 0; i < lnt_ref_office_count (ref); i++)
        if (strcmp (lnt_ref_office_at (ref, i)->province, code) == 0)
            return 0;
    return lnt_why (why, LNT_EINVAL, "province \"%s\" has no offices in the "
                    "office list; use a province code such as 35 (Jawa "
                    "Timur)", code);
}

int
lnt_node_init (const char *dir, lnt_role_t role, const char *code,
               const char *ref_dir, size_t map_size, lnt_why_t *why)
{
    s_init_t init = {role, code, s_random_id (), {0}, {0}};
    lnt_ref_t *ref = lnt_ref_new ();
    lnt_store_t *store = NULL;
    int rc = ref ? 0 : LNT_ENOMEM;
    assert (lnt_ref_part_count <= 32);
    for (size_t i = 0; !rc && i < lnt_ref_part_count; i++) {
        char path[4096];
        snprintf (path, sizeof path, "%s/%s", ref_dir, lnt_ref_parts[i].file);
        rc = lnt_ref_read_file (path, &init.texts[i], &init.lens[i]);
        if (rc) {
            lnt_why (why, rc == LNT_ENOMEM ? rc : LNT_EIO,
                     "cannot read reference file %s (%s); set LONTAR_REF to "
                     "the folder of lontar's reference data", path,
                     lnt_strerror (rc));
            rc = rc == LNT_ENOMEM ? rc : LNT_EIO;
            break;
        }
        rc = lnt_ref_load (ref, lnt_ref_parts[i].name, init.texts[i],
                           init.lens[i], why);
    }
    if (!rc)
        rc = s_code_check (ref, role, code, why);
    if (!rc) {
        rc = lnt_store_open (dir, LNT_STORE_CREATE
                                      | (role == LNT_ROLE_AGENT
                                             ? LNT_STORE_FEW_TREES
                                             : 0),
                             map_size, &store);
        if (rc == LNT_EEXIST)
            lnt_why (why, rc, "a store already exists in %s; nothing was "
                     "changed", dir);
        else if (rc)
            lnt_why (why, LNT_ECANTCREAT, "cannot create a store in %s: %s",
                     dir, rc == LNT_ECANTCREAT ? strerror (errno)
                                               : lnt_strerror (rc));
        if (rc && rc != LNT_EEXIST)
            rc = LNT_ECANTCREAT;
    }
    if (!rc)
        rc = lnt_store_write (store, s_init_write, &init);
    if (!rc)
        rc = lnt_store_write (store, s_mark_file, NULL);
    lnt_store_destroy (&store);
    lnt_ref_destroy (&ref);
    for (size_t i = 0; i < lnt_ref_part_count; i++)
        free (init.texts[i]);
    return rc;
}

int
lnt_node_read_ref (lnt_txn_t *txn, lnt_ref_t *ref, const char *skip,
                   lnt_why_t *why)
{
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    int rc = lnt_cursor_open (txn, LNT_DB_REF, &cur);
    if (rc)
        return rc;
    for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        char name[128];
        snprintf (name, sizeof name, "%.*s", (int) kl, (const char *) k);
        if (skip && strcmp (name, skip) == 0)
            continue;
        rc = lnt_ref_load (ref, name, v, vl, why);
        if (rc)
            break;
    }
    lnt_cursor_close (&cur);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

int
lnt_node_load_ref (lnt_node_t *self, lnt_txn_t *txn, lnt_why_t *why)
{
    /* Into a fresh set, which replaces the node's only when the whole
       of it loaded: a refused part leaves the node as it was.          */
    lnt_ref_t *ref = lnt_ref_new ();
    if (!ref)
        return LNT_ENOMEM;
    int rc = lnt_node_read_ref (txn, ref, NULL, why);
    if (!rc && !lnt_ref_complete (ref, why))
        rc = LNT_EINVAL;
    if (rc) {
        lnt_ref_destroy (&ref);
        return rc;
    }
    lnt_ref_destroy (&self->ref);
    self->ref = ref;
    self->ref_version = lnt_txn_get_u64 (txn, LNT_DB_META, "ref_version", 0);
    return 0;
}

int
lnt_node_refresh_ref (lnt_node_t *self, lnt_txn_t *txn, bool *reloaded,
                      lnt_why_t *why)
{
    if (reloaded)
        *reloaded = false;
    uint64_t version = lnt_txn_get_u64 (txn, LNT_DB_META, "ref_version", 0);
    if (version == self->ref_version)
        return 0;
    int rc = lnt_node_load_ref (self, txn, why);
    if (!rc && reloaded)
        *reloaded = true;
    /* A version that does not load is not tried again (nor reported
       again) until the store's reference data changes once more.       */
    self->ref_version = version;
    return rc;
}

int
lnt_node_ref_changed (lnt_txn_t *txn, uint64_t *version)
{
    uint64_t next = lnt_txn_get_u64 (txn, LNT_DB_META, "ref_version", 0) + 1;
    int rc = lnt_txn_put_u64 (txn, LNT_DB_META, "ref_version", next);
    if (!rc && version)
        *version = next;
    return rc;
}

/*  Opens the store in dir (flags as lnt_store_open) and begins a read in
    *txn; 0, or an error with why.                                        */
static int
s_store_open (const char *dir, int flags, lnt_store_t **store,
              lnt_txn_t **txn, lnt_why_t *why)
{
    int rc = lnt_store_open (dir, flags, 0, store);
    if (rc == LNT_ENOTFOUND || rc == LNT_EUNAVAIL)
        return lnt_why (why, LNT_EUNAVAIL, "no lontar store in %s (or no "
                        "access to it); create one with init, or give the "
                        "right --data", dir);
    if (rc)
        return lnt_why (why, rc, "cannot open the store in %s (%s)", dir,
                        lnt_strerror (rc));
    return lnt_store_read (*store, txn);
}

int
lnt_node_open (const char *dir, int flags, lnt_node_t **node, lnt_why_t *why)
{
    lnt_node_t *self = calloc (1, sizeof *self);
    lnt_txn_t *txn = NULL;
    if (!self)
        return LNT_ENOMEM;
    /* An office's store has few trees; a hub's is opened again below
       with room for every office's.                                     */
    int rc = s_store_open (dir, (flags & LNT_STORE_READONLY)
                                    | LNT_STORE_FEW_TREES,
                           &self->store, &txn, why);
    if (rc)
        goto fail;
    char role[16];
    uint64_t format = lnt_txn_get_u64 (txn, LNT_DB_META, "format", 0);
    if (format && format != LNT_STORE_FORMAT) {
        rc = lnt_why (why, LNT_EINVAL, "the store in %s has format %d, and "
                      "this lontar reads format %d: make a new store with "
                      "init (an office gets its records back from the hub)",
                      dir, (int) format, LNT_STORE_FORMAT);
        goto fail;
    }
    if (format != LNT_STORE_FORMAT
        || lnt_txn_get_str (txn, LNT_DB_META, "role", role, sizeof role)
        || lnt_txn_get_str (txn, LNT_DB_META, "code", self->code,
                            sizeof self->code)) {
        rc = lnt_why (why, LNT_EINVAL, "the store in %s is not a lontar "
                      "store of format %d", dir, LNT_STORE_FORMAT);
        goto fail;
    }
    self->role = strcmp (role, "hub") == 0 ? LNT_ROLE_HUB : LNT_ROLE_AGENT;
    if (self->role == LNT_ROLE_HUB) {
        lnt_txn_end (&txn);
        lnt_store_destroy (&self->store);
        if ((rc = s_store_open (dir, flags & LNT_STORE_READONLY, &self->store,
                                &txn, why)))
            goto fail;
    }
    self->id = lnt_txn_get_u64 (txn, LNT_DB_META, "node", 0);
    if ((rc = lnt_node_load_ref (self, txn, why)))
        goto fail;
    uint64_t file = lnt_txn_get_u64 (txn, LNT_DB_META, "file", 0);
    bool replicated = s_replicated (txn);
    lnt_txn_end (&txn);
    if (!(flags & LNT_STORE_READONLY) && self->role == LNT_ROLE_AGENT
        && file != lnt_store_file_id (self->store)
        && (rc = lnt_store_write (self->store, replicated ? s_mark_copy
                                                          : s_mark_file,
                                  NULL)))
        goto fail;
    *node = self;
    return 0;
fail:
    lnt_txn_end (&txn);
    lnt_node_destroy (&self);
    return rc;
}

void
lnt_node_destroy (lnt_node_t **self_p)
{
    lnt_node_t *self = *self_p;
    if (!self)
        return;
    lnt_store_destroy (&self->store);
    lnt_ref_destroy (&self->ref);
    lnt_buf_free (&self->record_buf);
    lnt_buf_free (&self->change_buf);
    lnt_buf_free (&self->body_buf);
    free (self);
    *self_p = NULL;
}

lnt_role_t
lnt_node_role (const lnt_node_t *self)
{
    return self->role;
}

const char *
lnt_node_code (const lnt_node_t *self)
{
    return self->code;
}

uint64_t
lnt_node_id (const lnt_node_t *self)
{
    return self->id;
}

const lnt_ref_t *
lnt_node_ref (const lnt_node_t *self)
{
    return self->ref;
}

const lnt_ref_office_t *
lnt_node_province_office (const lnt_node_t *self, const char *code)
{
    const lnt_ref_office_t *o = lnt_ref_office (self->ref, code);
    return o && strcmp (o->province, self->code) == 0 ? o : NULL;
}

lnt_store_t *
lnt_node_store (lnt_node_t *self)
{
    return self->store;
}

void
lnt_node_set_clock_source (lnt_node_t *self, lnt_clock_source_fn *fn,
                           void *arg)
{
    self->clock_source = fn;
    self->clock_arg = arg;
}

size_t
lnt_node_key (uint8_t kind, const char *id, char *key)
{
    size_t len = strnlen (id, LNT_ID_MAX);
    key[0] = (char) kind;
    memcpy (key + 1, id, len);
    return len + 1;
}

int
lnt_node_get (lnt_txn_t *txn, uint8_t kind, const char *id,
              lnt_record_t *record, lnt_why_t *why)
{
    char key[LNT_ID_MAX + 2];
    const void *val;
    size_t len;
    int rc = lnt_txn_get (txn, LNT_DB_RECORDS, key, lnt_node_key (kind, id, key),
                          &val, &len);
    if (rc)
        return rc;
    return lnt_codec_record_decode (val, len, record, why);
}

/*  The key of number n under base (base_len bytes: the kind byte and the
    prefix), n in decimal padded with zeros to width digits, into key
    (LNT_ID_MAX + 2 bytes). Its length, or 0 when it does not fit.        */
static size_t
s_number_key (const char *base, size_t base_len, uint64_t n, int width,
              char *key)
{
    char digits[24], *d = digits + sizeof digits;
    do
        *--d = (char) ('0' + n % 10);
    while ((n /= 10) != 0);
    while (digits + sizeof digits - d < width && d > digits)
        *--d = '0';
    size_t len = (size_t) (digits + sizeof digits - d);
    if (base_len + len > LNT_ID_MAX + 1)
        return 0;
    memcpy (key, base, base_len);
    memcpy (key + base_len, d, len);
    return base_len + len;
}

/*  Whether the records hold number n under base. 0 and sets *found, or a
    store error.                                                          */
static int
s_number_exists (lnt_txn_t *txn, const char *base, size_t base_len,
                 uint64_t n, int width, bool *found)
{
    char key[LNT_ID_MAX + 2];
    const void *v;
    size_t vl, len = s_number_key (base, base_len, n, width, key);
    int rc = len ? lnt_txn_get (txn, LNT_DB_RECORDS, key, len, &v, &vl)
                 : LNT_ENOTFOUND;
    *found = rc == 0;
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

/*  The number of key under base when key is one as lontar makes it: all
    digits, padded with zeros to width and no longer unless it starts
    with a digit other than zero (at most 18 digits). Else 0.             */
static uint64_t
s_number_of (const void *key, size_t klen, const char *base,
             size_t base_len, int width, bool *nines)
{
    const char *d = (const char *) key + base_len;
    size_t len = klen - base_len;
    *nines = false;
    if (klen <= base_len || memcmp (key, base, base_len) != 0
        || len < (size_t) width || len > 18 || (len > (size_t) width
                                                && d[0] == '0'))
        return 0;
    uint64_t n = 0;
    bool all = true;
    for (size_t i = 0; i < len; i++) {
        if (d[i] < '0' || d[i] > '9')
            return 0;
        n = n * 10 + (uint64_t) (d[i] - '0');
        all = all && d[i] == '9';
    }
    *nines = all;
    return n;
}

/*  The greatest number among the records' keys under base, into *last (0
    when there is none). Padded to width digits, numbers sort as numbers
    do until one needs more digits: 1000000 sorts before 999999. So the
    last well-made key under base (keys of another shape, which a hub
    could send down, are stepped over) is the greatest number unless it
    is all nines; then the numbers after it are looked for by doubling
    steps and halving, which finds a number whose next one is free: the
    greatest when the wide numbers have no gap. 0 or a store error.       */
static int
s_number_find (lnt_txn_t *txn, const char *base, size_t base_len, int width,
               uint64_t *last)
{
    char key[LNT_ID_MAX + 3];
    const void *k, *v;
    size_t kl, vl;
    lnt_cursor_t *cur;
    memcpy (key, base, base_len);
    key[base_len] = '9' + 1; /* just past every digit                     */
    int rc = lnt_cursor_open (txn, LNT_DB_RECORDS, &cur);
    if (rc)
        return rc;
    rc = lnt_cursor_seek (cur, key, base_len + 1, &k, &kl, &v, &vl);
    if (rc == 0)
        rc = lnt_cursor_prev (cur, &k, &kl, &v, &vl);
    else if (rc == LNT_ENOTFOUND)
        rc = lnt_cursor_last (cur, &k, &kl, &v, &vl);
    uint64_t n = 0;
    bool nines = false;
    while (rc == 0 && kl >= base_len && memcmp (k, base, base_len) == 0
           && (n = s_number_of (k, kl, base, base_len, width, &nines)) == 0)
        rc = lnt_cursor_prev (cur, &k, &kl, &v, &vl);
    lnt_cursor_close (&cur);
    if (rc && rc != LNT_ENOTFOUND)
        return rc;
    rc = 0;
    bool found = nines;
    uint64_t step = 1;
    /* n is there; find a step past it that is not, then halve.          */
    while (!rc && found && (rc = s_number_exists (txn, base, base_len,
                                                  n + step, width, &found))
                               == 0
           && found) {
        n += step;
        step *= 2;
    }
    for (uint64_t hi = n + step; !rc && nines && hi - n > 1;) {
        uint64_t mid = n + (hi - n) / 2;
        if ((rc = s_number_exists (txn, base, base_len, mid, width, &found)))
            break;
        if (found)
            n = mid;
        else
            hi = mid;
    }
    *last = n;
    return rc;
}

/*  10 to the power width: the first number wider than its padding.      */
static uint64_t
s_wide_from (int width)
{
    uint64_t p = 1;
    for (int i = 0; i < width && p < UINT64_MAX / 10; i++)
        p *= 10;
    return p;
}

int
lnt_node_next_number (lnt_node_t *self, lnt_txn_t *txn, uint8_t kind,
                      const char *prefix, int width, uint64_t *n)
{
    s_numbers_t *m = &self->numbers;
    size_t plen = strnlen (prefix, LNT_ID_MAX + 1);
    if (plen > LNT_ID_MAX)
        return LNT_EINVAL;
    uint64_t serial = lnt_txn_serial (txn);
    uint64_t changes = lnt_txn_changes (txn, LNT_DB_RECORDS);
    /* Past the padding the next number is looked for each time: the
       probe of s_number_find may have stopped below a gap.              */
    if (m->serial != serial || m->changes != changes
        || m->base_len != plen + 1 || m->width != width
        || m->base[0] != (char) kind
        || memcmp (m->base + 1, prefix, plen) != 0
        || m->last + 1 >= s_wide_from (width)) {
        m->serial = 0;
        m->base[0] = (char) kind;
        memcpy (m->base + 1, prefix, plen);
        m->base_len = plen + 1;
        m->width = width;
        int rc = s_number_find (txn, m->base, m->base_len, width, &m->last);
        if (rc)
            return rc;
        m->serial = serial;
        m->changes = changes;
    }
    m->next_len = s_number_key (m->base, m->base_len, m->last + 1, width,
                                m->next);
    if (!m->next_len)
        return LNT_EINVAL;
    *n = m->last + 1;
    return 0;
}

/*  After the record of kind and id was put in txn, the records having
    changed at before: when it is the number handed out last, the memo
    moves on to it.                                                       */
static void
s_numbers_wrote (lnt_node_t *self, lnt_txn_t *txn, uint64_t before,
                 uint8_t kind, const char *id)
{
    s_numbers_t *m = &self->numbers;
    if (m->serial != lnt_txn_serial (txn) || m->changes != before
        || !m->next_len || m->next[0] != (char) kind
        || strncmp (m->next + 1, id, m->next_len - 1) != 0
        || id[m->next_len - 1])
        return;
    m->last++;
    m->changes = lnt_txn_changes (txn, LNT_DB_RECORDS);
    m->next_len = 0;
}

/*  The last entry of the log: its sequence, and its change's version.
    Both are read from the log rather than kept beside it, so a write
    touches the records and the log and no page of meta.                  */
static uint64_t
s_log_last (lnt_txn_t *txn, uint64_t *version)
{
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    uint64_t head = 0;
    if (version)
        *version = 0;
    if (lnt_cursor_open (txn, LNT_DB_LOG, &cur) != 0)
        return 0;
    if (lnt_cursor_last (cur, &k, &kl, &v, &vl) == 0 && kl == 8) {
        head = lnt_store_u64_key (k);
        lnt_change_t change;
        if (version && lnt_codec_change_decode (v, vl, &change, NULL) == 0)
            *version = change.state.version;
    }
    lnt_cursor_close (&cur);
    return head;
}

uint64_t
lnt_node_log_head (lnt_txn_t *txn)
{
    return s_log_last (txn, NULL);
}

uint64_t
lnt_node_clock (lnt_txn_t *txn)
{
    uint64_t last;
    s_log_last (txn, &last);
    uint64_t seen = lnt_txn_get_u64 (txn, LNT_DB_META, "clock", 0);
    return seen > last ? seen : last;
}

/*  Copies the string src into dst of size bytes, cut to fit.             */
static void
s_copy (char *dst, size_t size, const char *src)
{
    size_t len = strnlen (src, size - 1);
    memcpy (dst, src, len);
    dst[len] = 0;
}

/*  Fills self->written for txn from the log's last entry, unless it
    already holds for txn.                                                 */
static void
s_written_load (lnt_node_t *self, lnt_txn_t *txn)
{
    s_written_t *w = &self->written;
    uint64_t serial = lnt_txn_serial (txn);
    if (w->serial == serial
        && w->log_changes == lnt_txn_changes (txn, LNT_DB_LOG))
        return;
    if (w->serial != serial)
        w->no_append = false;
    w->head = s_log_last (txn, &w->last_version);
    w->serial = serial;
    w->log_changes = lnt_txn_changes (txn, LNT_DB_LOG);
}

/*  Makes record the empty record that change is the first write to.     */
static void
s_record_fresh (lnt_record_t *record, const lnt_change_t *change)
{
    memset (record, 0, sizeof *record);
    record->kind = change->kind;
    memcpy (record->id, change->id, sizeof record->id);
    memcpy (record->office, change->office, sizeof record->office);
}

/*  Stores the record of change (its section's new state) in txn. A new
    record whose key is past every key in the records is appended: no
    lookup before the put, and no search in it. Otherwise, or when that
    turns out not to hold, the stored record (if any) is read and the
    section put into it.                                                   */
static int
s_record_put (lnt_node_t *self, lnt_txn_t *txn, const lnt_change_t *change)
{
    lnt_record_t record;
    lnt_buf_t *buf = &self->record_buf;
    char rkey[LNT_ID_MAX + 2];
    size_t rlen = lnt_node_key (change->kind, change->id, rkey);
    int rc;
    s_record_fresh (&record, change);
    record.sec[change->section] = change->state;
    if (!self->written.no_append) {
        lnt_buf_reset (buf);
        if ((rc = lnt_codec_record_encode (&record, buf)))
            return rc;
        rc = lnt_txn_put_last (txn, LNT_DB_RECORDS, rkey, rlen, buf->data,
                               buf->len);
        if (rc != LNT_EEXIST)
            return rc;
        /* Not the greatest key: the records are not being written in
           order, so this transaction stops trying.                     */
        self->written.no_append = true;
    }
    rc = lnt_node_get (txn, change->kind, change->id, &record, NULL);
    if (rc == LNT_ENOTFOUND)
        s_record_fresh (&record, change);
    else if (rc)
        return rc == LNT_EINVAL ? LNT_ESTORE : rc;
    record.sec[change->section] = change->state;
    /* Encode the record first: its body pointers may borrow from the
       store's page, which the put below may overwrite.                  */
    lnt_buf_reset (buf);
    if ((rc = lnt_codec_record_encode (&record, buf)))
        return rc;
    return lnt_txn_put (txn, LNT_DB_RECORDS, rkey, rlen, buf->data,
                        buf->len);
}

int
lnt_node_write_section (lnt_node_t *self, lnt_txn_t *txn, uint8_t kind,
                        const char *id, const char *office, int section,
                        const void *body, size_t len, bool deleted,
                        uint64_t *seq)
{
    assert (section == LNT_SECTION_OFFICE || section == LNT_SECTION_PROVINCE);
    s_written_load (self, txn);
    s_written_t *w = &self->written;
    /* The clock: past the last version this node wrote (its log's last
       entry) and every version it saw (meta, moved by replication).     */
    uint64_t seen = lnt_txn_get_u64 (txn, LNT_DB_META, "clock", 0);
    lnt_clock_t clock = {seen > w->last_version ? seen : w->last_version,
                         self->clock_source, self->clock_arg};
    /* The id is read in the transaction: another process (the daemon)
       may have taken a new incarnation since this node was opened.     */
    uint64_t node_id = lnt_txn_get_u64 (txn, LNT_DB_META, "node", self->id);
    lnt_change_t change = {kind, "", "", (uint8_t) section,
                           {true, lnt_clock_tick (&clock), node_id,
                            deleted, deleted ? NULL : body,
                            deleted ? 0 : len}};
    s_copy (change.id, sizeof change.id, id);
    s_copy (change.office, sizeof change.office, office);
    uint64_t head = w->head + 1;
    unsigned char key[8];
    lnt_store_key_u64 (head, key);
    lnt_buf_t *buf = &self->change_buf;
    lnt_buf_reset (buf);
    uint64_t before = lnt_txn_changes (txn, LNT_DB_RECORDS);
    int rc = s_record_put (self, txn, &change);
    if (!rc) {
        s_numbers_wrote (self, txn, before, kind, change.id);
        rc = lnt_codec_change_encode (&change, buf);
    }
    if (!rc)
        rc = lnt_txn_put_last (txn, LNT_DB_LOG, key, 8, buf->data, buf->len);
    if (rc) {
        w->serial = 0; /* the transaction will not commit as it is       */
        return rc;
    }
    w->head = head;
    w->last_version = clock.last;
    w->log_changes = lnt_txn_changes (txn, LNT_DB_LOG);
    if (seq)
        *seq = head;
    return 0;
}

lnt_buf_t *
lnt_node_body_buf (lnt_node_t *self)
{
    lnt_buf_reset (&self->body_buf);
    return &self->body_buf;
}

void
lnt_node_set_id (lnt_node_t *self, uint64_t id)
{
    self->id = id;
}

int
lnt_node_reincarnate (lnt_node_t *self, lnt_txn_t *txn, bool relog,
                      uint64_t *new_id)
{
    uint64_t id = s_random_id ();
    *new_id = id;
    int rc = lnt_txn_put_u64 (txn, LNT_DB_META, "node", id);
    if (rc || !relog)
        return rc;
    /* The log's last version keeps the clock ahead; it goes with the log. */
    if ((rc = lnt_replica_observe (txn, lnt_node_clock (txn)))
        || (rc = lnt_txn_drop (txn, LNT_DB_LOG)))
        return rc;
    int section = self->role == LNT_ROLE_HUB ? LNT_SECTION_PROVINCE
                                             : LNT_SECTION_OFFICE;
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    uint64_t head = 0;
    lnt_buf_t buf = {0};
    if ((rc = lnt_cursor_open (txn, LNT_DB_RECORDS, &cur)))
        return rc;
    for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        lnt_record_t rec;
        if (lnt_codec_record_decode (v, vl, &rec, NULL) != 0)
            continue;
        const lnt_section_t *sec = &rec.sec[section];
        bool mine = self->role == LNT_ROLE_HUB
                    || strcmp (rec.office, self->code) == 0;
        if (!sec->present || !mine)
            continue;
        lnt_change_t change = {rec.kind, "", "", (uint8_t) section, *sec};
        memcpy (change.id, rec.id, sizeof change.id);
        memcpy (change.office, rec.office, sizeof change.office);
        unsigned char key[8];
        lnt_store_key_u64 (++head, key);
        lnt_buf_reset (&buf);
        if ((rc = lnt_codec_change_encode (&change, &buf))
            || (rc = lnt_txn_put_last (txn, LNT_DB_LOG, key, 8, buf.data,
                                       buf.len)))
            break;
    }
    lnt_cursor_close (&cur);
    lnt_buf_free (&buf);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

bool
lnt_node_restoring (lnt_txn_t *txn)
{
    if (lnt_txn_get_u64 (txn, LNT_DB_META, "restoring", 0))
        return true;
    /* A copy that nothing has opened to write yet (a read-only open does
       not mark it) is marked by the first open that writes: say so now,
       as lnt_node_open decides it.                                       */
    char role[16] = "";
    lnt_txn_get_str (txn, LNT_DB_META, "role", role, sizeof role);
    return strcmp (role, "hub") != 0
           && lnt_txn_get_u64 (txn, LNT_DB_META, "file", 0)
                  != lnt_store_file_id (lnt_txn_store (txn))
           && s_replicated (txn);
}

int
lnt_node_set_restoring (lnt_txn_t *txn, bool on)
{
    return lnt_txn_put_u64 (txn, LNT_DB_META, "restoring", on);
}
