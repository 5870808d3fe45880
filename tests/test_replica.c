/*  test_replica.c - unit and property test for lnt_replica over real
    stores in temporary folders.

    The property (DESIGN section 4): the merge is idempotent, commutative
    and associative over the records and the conflicts together. Each round
    makes random changes (several records of several kinds, both sections,
    several nodes, versions drawn from a small range so that different
    nodes often write the same version, tombstones, real encoded bodies),
    then delivers them to several fresh hub stores, each in its own random
    order, with duplicates and with deliveries that are lost and made again
    later, in random groups of several changes per write transaction (as
    the hub's group commit does). Every change arrives at least once. Then
    LNT_DB_RECORDS and LNT_DB_CONFLICTS must be byte-for-byte the same in
    every store, and equal to an expectation the test computes on its own:
    per section, the record holds the greatest (version, node); per section
    and node other than the winner's, the conflict is that node's greatest
    version. A store that keeps no conflicts holds the same records and no
    conflicts. Each verdict agrees with the rule too: a section's final
    winner is NEW or WIN when it first arrives and DUP after, and what
    arrives after it LOSEs. Also: lnt_replica_observe moves the stored
    clock only forward (and the node's next write orders after what it
    observed), and the conflict key's layout.

    Usage: test_replica DATA-FOLDER [SEED [ROUNDS]]. Without SEED, a seed
    is drawn and printed, and ROUNDS (50) rounds run with seeds SEED,
    SEED + 1, ...; with SEED, one round (or ROUNDS) replays it.            */
#include "lnt_codec.h"
#include "lnt_error.h"
#include "lnt_node.h"
#include "lnt_replica.h"
#include "lnt_store.h"
#include "lnt_test.h"

#include <ftw.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define N_STORES 4     /* stores that keep conflicts, compared            */
#define N_NODES 4      /* writers per round                               */
#define N_VERSIONS 6   /* versions are drawn from base + 1 .. N_VERSIONS  */
#define MAX_CHANGES 90 /* changes per round, at most                     */
#define MAX_DELIVERIES (MAX_CHANGES * 4) /* deliveries per store, at most */
#define BASE_VERSION ((uint64_t) 1767225600000ULL << 16) /* 2026-01-01    */

static const char *s_ref_dir; /* the reference data folder (argv[1])    */
static char *s_root;          /* this run's temporary folder            */
static int s_stores;          /* stores made so far, for their names    */

//  ---- helpers -----------------------------------------------------------

static int
s_rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove (path);
}

//  A small random number generator, the same everywhere (splitmix64)
static uint64_t s_rng;

static uint64_t
s_rand (void)
{
    uint64_t z = (s_rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

//  A number in 0 .. n - 1
static unsigned
s_below (unsigned n)
{
    return (unsigned) (s_rand () % n);
}

//  A new hub store of province 35 in a fresh folder under s_root; its
//  folder into dir
static lnt_node_t *
s_node_new (char *dir, size_t size)
{
    snprintf (dir, size, "%s/store-%d", s_root, ++s_stores);
    lnt_why_t why = {""};
    lnt_node_t *node = NULL;
    if (lnt_node_init (dir, LNT_ROLE_HUB, "35", s_ref_dir, 0, &why)
        || lnt_node_open (dir, 0, &node, &why)) {
        fprintf (stderr, "cannot make a store in %s: %s\n", dir, why.text);
        exit (1);
    }
    return node;
}

static lnt_txn_t *
s_read (lnt_node_t *node)
{
    lnt_txn_t *txn = NULL;
    if (lnt_store_read (lnt_node_store (node), &txn)) {
        fprintf (stderr, "cannot read the store\n");
        exit (1);
    }
    return txn;
}

//  One key and value, for the expectation
typedef struct {
    unsigned char key[64]; /* the key                                      */
    size_t klen;           /* its length                                   */
    lnt_buf_t val;         /* the value                                    */
} s_entry_t;

//  LMDB's default order: bytes, then the shorter first
static int
s_entry_cmp (const void *a, const void *b)
{
    const s_entry_t *x = a, *y = b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp (x->key, y->key, n);
    if (c)
        return c;
    return x->klen < y->klen ? -1 : x->klen > y->klen;
}

//  Appends one entry to a dump: key length, key, value length, value
static void
s_dump_put (lnt_buf_t *out, const void *k, size_t kl, const void *v, size_t vl)
{
    uint64_t n = kl;
    lnt_buf_append (out, &n, sizeof n);
    lnt_buf_append (out, k, kl);
    n = vl;
    lnt_buf_append (out, &n, sizeof n);
    lnt_buf_append (out, v, vl);
}

//  Every entry of db in key order, as one byte string; returns the count
static size_t
s_dump (lnt_node_t *node, lnt_db_t db, lnt_buf_t *out)
{
    lnt_buf_reset (out);
    lnt_txn_t *txn = s_read (node);
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl, n = 0;
    if (lnt_cursor_open (txn, db, &cur) == 0) {
        for (int rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl);
             rc == 0; rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
            s_dump_put (out, k, kl, v, vl);
            n++;
        }
        lnt_cursor_close (&cur);
    }
    lnt_txn_end (&txn);
    return n;
}

//  The expectation as a dump
static void
s_dump_expected (s_entry_t *e, size_t n, lnt_buf_t *out)
{
    qsort (e, n, sizeof *e, s_entry_cmp);
    lnt_buf_reset (out);
    for (size_t i = 0; i < n; i++)
        s_dump_put (out, e[i].key, e[i].klen, e[i].val.data, e[i].val.len);
}

static bool
s_same_buf (const lnt_buf_t *a, const lnt_buf_t *b)
{
    return a->len == b->len
           && (a->len == 0 || memcmp (a->data, b->data, a->len) == 0);
}

//  ---- the records of a round -------------------------------------------

typedef struct {
    uint8_t kind;     /* its kind                                          */
    const char *id;   /* its id                                            */
    const char *office; /* its owning office                               */
} s_rec_t;

//  The same id under two kinds makes two records
static const s_rec_t s_recs[] = {
    {LNT_KIND_SUGGESTION, "3503-2026-000001", "3503"},
    {LNT_KIND_SUGGESTION, "3503-2026-000002", "3503"},
    {LNT_KIND_SUGGESTION, "3512-2026-000001", "3512"},
    {LNT_KIND_RB_ITEM, "3503-RB-2026-0001", "3503"},
    {LNT_KIND_RB_ITEM, "3503-2026-000001", "3503"},
    {LNT_KIND_LKE_ANSWER, "3503-LKE-2026-A1.1", "3503"},
};
#define N_RECS (sizeof s_recs / sizeof s_recs[0])

typedef struct {
    unsigned rec;        /* index in s_recs                                 */
    int section;         /* its section                                     */
    unsigned node;       /* index in the round's nodes                      */
    lnt_change_t change; /* the change; its body is in body                 */
    lnt_buf_t body;      /* the encoded body                                */
} s_gen_t;

typedef struct {
    uint64_t nodes[N_NODES];    /* the writers' node ids                    */
    s_gen_t changes[MAX_CHANGES]; /* the changes                           */
    size_t n;                   /* how many                                 */
    uint64_t max_version;       /* the greatest version                     */
} s_round_t;

//  A real encoded body for a section of a record of kind
static void
s_body (uint8_t kind, int section, uint64_t version, uint64_t node,
        lnt_buf_t *out)
{
    char tag[80];
    snprintf (tag, sizeof tag, "v%" PRIu64 " n%016" PRIx64, version, node);
    if (section == LNT_SECTION_PROVINCE) {
        lnt_lke_verdict_t v = {"Y", "", 1767312000000LL};
        snprintf (v.note, sizeof v.note, "verified %s", tag);
        lnt_codec_lke_verdict_encode (&v, out);
    }
    else if (kind == LNT_KIND_SUGGESTION) {
        lnt_suggestion_t *s = calloc (1, sizeof *s);
        s->received = 1767312000000LL;
        s->channel = LNT_CH_LETTER;
        s->class_ = LNT_CL_COMPLAINT;
        s->privacy = LNT_PR_PUBLIC;
        snprintf (s->category, sizeof s->category, "facilities");
        snprintf (s->subject, sizeof s->subject, "Subject %s", tag);
        snprintf (s->text, sizeof s->text, "Text of %s", tag);
        s->status = LNT_ST_RECEIVED;
        s->history_len = 1;
        s->history[0].status = LNT_ST_RECEIVED;
        s->history[0].at = s->received;
        lnt_codec_suggestion_encode (s, out);
        free (s);
    }
    else if (kind == LNT_KIND_RB_ITEM) {
        lnt_rb_item_t *r = calloc (1, sizeof *r);
        r->year = 2026;
        r->area = 1 + (int) (version % 8);
        snprintf (r->programme, sizeof r->programme, "Programme %s", tag);
        snprintf (r->activity, sizeof r->activity, "Activity");
        snprintf (r->indicator, sizeof r->indicator, "Indicator");
        r->target = 100000;
        snprintf (r->unit, sizeof r->unit, "percent");
        r->due = LNT_NONE_DAY;
        r->updated = 1767312000000LL;
        lnt_codec_rb_item_encode (r, out);
        free (r);
    }
    else {
        lnt_lke_answer_t *a = calloc (1, sizeof *a);
        a->year = 2026;
        snprintf (a->item, sizeof a->item, "A1.1");
        snprintf (a->answer, sizeof a->answer, "Y");
        snprintf (a->justification, sizeof a->justification, "Because %s",
                  tag);
        a->answered = 1767312000000LL;
        lnt_codec_lke_answer_encode (a, out);
        free (a);
    }
}

//  Random changes; no two with the same record, section, node and version
//  (a node never writes one version twice)
static void
s_round_make (s_round_t *r)
{
    memset (r, 0, sizeof *r);
    for (unsigned i = 0; i < N_NODES; i++) {
        bool again;
        do {
            //  Sometimes small ids, sometimes large: both ends of the order
            r->nodes[i] = s_below (2) ? 1 + s_below (9) : s_rand () | 1;
            again = false;
            for (unsigned j = 0; j < i; j++)
                again |= r->nodes[j] == r->nodes[i];
        } while (again);
    }
    size_t want = 8 + s_below (MAX_CHANGES - 8 + 1);
    for (size_t tries = 0; r->n < want && tries < want * 20; tries++) {
        s_gen_t g = {s_below (N_RECS), (int) s_below (2), s_below (N_NODES),
                     {0}, {0}};
        uint64_t version = BASE_VERSION + 1 + s_below (N_VERSIONS);
        bool used = false;
        for (size_t j = 0; j < r->n; j++) {
            const s_gen_t *o = &r->changes[j];
            used |= o->rec == g.rec && o->section == g.section
                    && o->node == g.node && o->change.state.version == version;
        }
        if (used)
            continue;
        const s_rec_t *rec = &s_recs[g.rec];
        bool deleted = s_below (5) == 0;
        uint64_t node = r->nodes[g.node];
        if (!deleted)
            s_body (rec->kind, g.section, version, node, &g.body);
        lnt_change_t *c = &g.change;
        c->kind = rec->kind;
        snprintf (c->id, sizeof c->id, "%s", rec->id);
        snprintf (c->office, sizeof c->office, "%s", rec->office);
        c->section = (uint8_t) g.section;
        c->state = (lnt_section_t){true, version, node, deleted, NULL, 0};
        r->changes[r->n++] = g;
        if (version > r->max_version)
            r->max_version = version;
    }
    //  Point the bodies only now: the array no longer moves
    for (size_t j = 0; j < r->n; j++) {
        s_gen_t *g = &r->changes[j];
        if (!g->change.state.deleted) {
            g->change.state.body = g->body.data;
            g->change.state.body_len = g->body.len;
        }
    }
}

static void
s_round_free (s_round_t *r)
{
    for (size_t j = 0; j < r->n; j++)
        lnt_buf_free (&r->changes[j].body);
}

//  Is a greater than b in (version, node)? Written here, not taken from
//  lnt_merge, so the expectation does not share the code it checks.
static bool
s_greater (const lnt_section_t *a, const lnt_section_t *b)
{
    return a->version > b->version
           || (a->version == b->version && a->node > b->node);
}

//  Index of the winner of record rec's section, or -1 when none
static int
s_winner (const s_round_t *r, unsigned rec, int section)
{
    int w = -1;
    for (size_t j = 0; j < r->n; j++) {
        const s_gen_t *g = &r->changes[j];
        if (g->rec == rec && g->section == section
            && (w < 0 || s_greater (&g->change.state,
                                    &r->changes[w].change.state)))
            w = (int) j;
    }
    return w;
}

//  Builds the expected records and conflicts as dumps; returns in *nr and
//  *nc how many entries each has
static void
s_expect (const s_round_t *r, lnt_buf_t *records, lnt_buf_t *conflicts,
          size_t *nr, size_t *nc)
{
    s_entry_t *rec_e = calloc (N_RECS, sizeof *rec_e);
    s_entry_t *con_e = calloc (N_RECS * 2 * N_NODES, sizeof *con_e);
    *nr = *nc = 0;
    for (unsigned i = 0; i < N_RECS; i++) {
        const s_rec_t *rec = &s_recs[i];
        lnt_record_t out = {rec->kind, "", "", {{0}, {0}}};
        snprintf (out.id, sizeof out.id, "%s", rec->id);
        snprintf (out.office, sizeof out.office, "%s", rec->office);
        bool any = false;
        for (int s = 0; s < 2; s++) {
            int w = s_winner (r, i, s);
            if (w < 0)
                continue;
            any = true;
            const lnt_section_t *win = &r->changes[w].change.state;
            out.sec[s] = *win;
            //  Per other node, its greatest version
            for (unsigned n = 0; n < N_NODES; n++) {
                if (r->nodes[n] == win->node)
                    continue;
                int best = -1;
                for (size_t j = 0; j < r->n; j++) {
                    const s_gen_t *g = &r->changes[j];
                    if (g->rec == i && g->section == s && g->node == n
                        && (best < 0
                            || g->change.state.version
                                   > r->changes[best].change.state.version))
                        best = (int) j;
                }
                if (best < 0)
                    continue;
                s_entry_t *e = &con_e[(*nc)++];
                e->key[0] = rec->kind;
                size_t len = strlen (rec->id);
                memcpy (e->key + 1, rec->id, len);
                e->key[1 + len] = 0;
                e->key[2 + len] = (unsigned char) s;
                for (int b = 0; b < 8; b++)
                    e->key[3 + len + b] = (unsigned char) (r->nodes[n]
                                                           >> (56 - 8 * b));
                e->klen = 11 + len;
                lnt_codec_change_encode (&r->changes[best].change, &e->val);
            }
        }
        if (!any)
            continue;
        s_entry_t *e = &rec_e[(*nr)++];
        e->key[0] = rec->kind;
        memcpy (e->key + 1, rec->id, strlen (rec->id));
        e->klen = 1 + strlen (rec->id);
        lnt_codec_record_encode (&out, &e->val);
    }
    s_dump_expected (rec_e, *nr, records);
    s_dump_expected (con_e, *nc, conflicts);
    for (size_t i = 0; i < N_RECS; i++)
        lnt_buf_free (&rec_e[i].val);
    for (size_t i = 0; i < N_RECS * 2 * N_NODES; i++)
        lnt_buf_free (&con_e[i].val);
    free (rec_e);
    free (con_e);
}

//  ---- delivery ------------------------------------------------------------

typedef struct {
    int change;   /* index of the change                                   */
    bool dropped; /* lost on the way: not applied                          */
} s_delivery_t;

//  A random schedule: a random order; some deliveries lost and made again
//  at a later place; some changes delivered again anywhere
static size_t
s_schedule (const s_round_t *r, s_delivery_t *d)
{
    size_t n = 0;
    int perm[MAX_CHANGES];
    for (size_t i = 0; i < r->n; i++)
        perm[i] = (int) i;
    for (size_t i = r->n; i > 1; i--) {
        size_t j = s_below ((unsigned) i);
        int t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < r->n; i++)
        d[n++] = (s_delivery_t){perm[i], false};
    //  Insert at place at (shifting the rest)
#define S_INSERT(at, item)                                                   \
    do {                                                                     \
        memmove (&d[(at) + 1], &d[at], (n - (at)) * sizeof *d);             \
        d[at] = (item);                                                      \
        n++;                                                                 \
    } while (0)
    for (size_t i = 0; i < n && n < MAX_DELIVERIES - 2; i++) {
        if (d[i].dropped)
            continue;
        unsigned roll = s_below (100);
        if (roll < 15) {
            //  Lost: made again somewhere after this place
            d[i].dropped = true;
            size_t at = i + 1 + s_below ((unsigned) (n - i));
            S_INSERT (at, ((s_delivery_t){d[i].change, false}));
        }
        else if (roll < 35) {
            //  Delivered twice: the copy anywhere
            size_t at = s_below ((unsigned) (n + 1));
            S_INSERT (at, ((s_delivery_t){d[i].change, false}));
            if (at <= i)
                i++; // the current one moved on
        }
    }
#undef S_INSERT
    return n;
}

//  One group of deliveries, applied in one write transaction
typedef struct {
    const s_round_t *round;   /* the changes                                */
    const s_delivery_t *d;    /* the group's deliveries                     */
    size_t n;                 /* how many                                   */
    bool keep_conflicts;      /* as the hub does                            */
    lnt_merge_verdict_t *verdicts; /* out: the verdict of each delivery     */
} s_group_t;

static int
s_apply_group (lnt_txn_t *txn, void *arg)
{
    s_group_t *g = arg;
    uint64_t max = 0;
    for (size_t i = 0; i < g->n; i++) {
        g->verdicts[i] = (lnt_merge_verdict_t) -1;
        if (g->d[i].dropped)
            continue;
        const lnt_change_t *c = &g->round->changes[g->d[i].change].change;
        lnt_merge_t merge;
        int rc = lnt_replica_apply (txn, c, g->keep_conflicts, &merge);
        if (rc)
            return rc;
        g->verdicts[i] = merge.verdict;
        if (c->state.version > max)
            max = c->state.version;
    }
    return lnt_replica_observe (txn, max);
}

//  Delivers the schedule to node in random groups; counts verdicts that
//  contradict the rule: a section's final winner is NEW or WIN when it
//  first arrives and DUP after; another change arriving after the winner
//  is a LOSE, and a change arriving again is never NEW or WIN
static int
s_deliver (lnt_node_t *node, const s_round_t *r, const s_delivery_t *d,
           size_t n, bool keep_conflicts)
{
    int wrong = 0;
    bool seen[MAX_CHANGES] = {false};
    bool won[N_RECS][2] = {{false}};
    lnt_merge_verdict_t verdicts[16];
    for (size_t at = 0; at < n;) {
        size_t size = 1 + s_below (16);
        if (size > n - at)
            size = n - at;
        s_group_t g = {r, d + at, size, keep_conflicts, verdicts};
        int rc = lnt_store_write (lnt_node_store (node), s_apply_group, &g);
        CHECK_INT (rc, 0);
        for (size_t i = 0; i < size; i++) {
            if (d[at + i].dropped)
                continue;
            int c = d[at + i].change;
            const s_gen_t *gen = &r->changes[c];
            bool winner = s_winner (r, gen->rec, gen->section) == c;
            lnt_merge_verdict_t v = verdicts[i];
            bool ok;
            if (winner)
                ok = seen[c] ? v == LNT_MERGE_DUP
                             : v == LNT_MERGE_NEW || v == LNT_MERGE_WIN;
            else if (won[gen->rec][gen->section])
                ok = v == LNT_MERGE_LOSE;
            else
                ok = !seen[c] || v == LNT_MERGE_DUP || v == LNT_MERGE_LOSE;
            wrong += !ok;
            if (winner)
                won[gen->rec][gen->section] = true;
            seen[c] = true;
        }
        at += size;
    }
    return wrong;
}

//  ---- one round ------------------------------------------------------------

//  Runs one round with seed; returns whether it passed
static bool
s_round (uint64_t seed, bool verbose)
{
    int failed_before = lnt_test_failed_;
    s_rng = seed;
    s_round_t *r = malloc (sizeof *r);
    s_round_make (r);
    lnt_buf_t exp_rec = {0}, exp_con = {0}, got = {0}, first_rec = {0},
              first_con = {0};
    size_t nr, nc;
    s_expect (r, &exp_rec, &exp_con, &nr, &nc);
    s_delivery_t *d = malloc (MAX_DELIVERIES * sizeof *d);
    size_t deliveries = 0, dropped = 0, wrong = 0;

    for (int s = 0; s <= N_STORES; s++) {
        //  The last store keeps no conflicts
        bool keep = s < N_STORES;
        char dir[4096];
        lnt_node_t *node = s_node_new (dir, sizeof dir);
        size_t n = s_schedule (r, d);
        //  Every change is delivered at least once
        bool once[MAX_CHANGES] = {false};
        for (size_t i = 0; i < n; i++) {
            once[d[i].change] |= !d[i].dropped;
            dropped += d[i].dropped;
        }
        size_t missing = 0;
        for (size_t i = 0; i < r->n; i++)
            missing += !once[i];
        CHECK_INT (missing, 0);
        deliveries += n;
        wrong += (size_t) s_deliver (node, r, d, n, keep);

        //  The same records everywhere, and the expected ones
        size_t count = s_dump (node, LNT_DB_RECORDS, &got);
        CHECK_INT (count, nr);
        CHECK (s_same_buf (&got, &exp_rec));
        if (s == 0)
            lnt_buf_append (&first_rec, got.data, got.len);
        else
            CHECK (s_same_buf (&got, &first_rec));
        //  The same conflicts everywhere, and the expected ones
        count = s_dump (node, LNT_DB_CONFLICTS, &got);
        if (keep) {
            CHECK_INT (count, nc);
            CHECK (s_same_buf (&got, &exp_con));
            if (s == 0)
                lnt_buf_append (&first_con, got.data, got.len);
            else
                CHECK (s_same_buf (&got, &first_con));
        }
        else
            CHECK_INT (count, 0);
        //  The clock moved past everything seen, and no further
        lnt_txn_t *txn = s_read (node);
        CHECK_INT (lnt_txn_get_u64 (txn, LNT_DB_META, "clock", 0),
                   r->max_version);
        //  Nothing here writes the log: replicated changes are not ours
        CHECK_INT (lnt_txn_count (txn, LNT_DB_LOG), 0);
        lnt_txn_end (&txn);
        lnt_node_destroy (&node);
        nftw (dir, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    }
    CHECK_INT (wrong, 0);
    bool ok = lnt_test_failed_ == failed_before;
    if (verbose || !ok)
        printf ("seed %" PRIu64 ": %zu changes, %zu records, %zu conflicts, "
                "%zu deliveries (%zu lost) to %d stores%s\n", seed, r->n, nr,
                nc, deliveries, dropped, N_STORES + 1, ok ? "" : ": FAILED");
    free (d);
    s_round_free (r);
    free (r);
    lnt_buf_free (&exp_rec);
    lnt_buf_free (&exp_con);
    lnt_buf_free (&got);
    lnt_buf_free (&first_rec);
    lnt_buf_free (&first_con);
    return ok;
}

//  ---- plain tests ---------------------------------------------------------

typedef struct {
    uint64_t version; /* the version seen                                  */
} s_observe_t;

static int
s_observe_fn (lnt_txn_t *txn, void *arg)
{
    return lnt_replica_observe (txn, ((s_observe_t *) arg)->version);
}

typedef struct {
    lnt_node_t *node; /* the hub                                           */
    uint64_t seq;     /* out: the log sequence of the write                */
} s_write_t;

//  The hub writes a province section of its own
static int
s_write_fn (lnt_txn_t *txn, void *arg)
{
    s_write_t *w = arg;
    lnt_buf_t body = {0};
    s_body (LNT_KIND_LKE_ANSWER, LNT_SECTION_PROVINCE, 1, 1, &body);
    int rc = lnt_node_write_section (w->node, txn, LNT_KIND_LKE_ANSWER,
                                     "3503-LKE-2026-A1.1", "3503",
                                     LNT_SECTION_PROVINCE, body.data, body.len,
                                     false, &w->seq);
    lnt_buf_free (&body);
    return rc;
}

//  The stored clock moves only forward
static void
s_test_observe (void)
{
    char dir[4096];
    lnt_node_t *node = s_node_new (dir, sizeof dir);
    //  Up to a day ahead of the wall clock the clock follows; past that
    //  (a wrong PC clock, or a peer up to no good) it does not.
    uint64_t soon = (uint64_t) (lnt_time_now_ms () + 3600000LL) << 16;
    uint64_t seen[] = {100, 50, 100, 0, 150, 149, soon, 7, UINT64_MAX - 1,
                       UINT64_MAX};
    uint64_t want[] = {100, 100, 100, 100, 150, 150, soon, soon, soon, soon};
    lnt_txn_t *txn = s_read (node);
    CHECK_INT (lnt_txn_get_u64 (txn, LNT_DB_META, "clock", 1), 0);
    lnt_txn_end (&txn);
    for (size_t i = 0; i < sizeof seen / sizeof seen[0]; i++) {
        s_observe_t arg = {seen[i]};
        CHECK_INT (lnt_store_write (lnt_node_store (node), s_observe_fn, &arg),
                   0);
        txn = s_read (node);
        uint64_t clock = lnt_txn_get_u64 (txn, LNT_DB_META, "clock", 0);
        lnt_txn_end (&txn);
        if (clock != want[i])
            fprintf (stderr, "after observing %" PRIu64 ": clock %" PRIu64
                     ", expected %" PRIu64 "\n", seen[i], clock, want[i]);
        CHECK (clock == want[i]);
    }
    lnt_node_destroy (&node);
    nftw (dir, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);

    //  The node's next own write orders after what it observed, also a
    //  version ahead of its wall clock (within the day it follows)
    node = s_node_new (dir, sizeof dir);
    uint64_t ahead = (uint64_t) (lnt_time_now_ms () + 20 * 3600000LL) << 16;
    s_observe_t arg = {ahead};
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_observe_fn, &arg), 0);
    s_write_t w = {node, 0};
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_write_fn, &w), 0);
    CHECK_INT (w.seq, 1);
    txn = s_read (node);
    const void *val;
    size_t vlen;
    unsigned char key[8];
    lnt_store_key_u64 (1, key);
    lnt_change_t change;
    CHECK_INT (lnt_txn_get (txn, LNT_DB_LOG, key, 8, &val, &vlen), 0);
    CHECK_INT (lnt_codec_change_decode (val, vlen, &change, NULL), 0);
    CHECK (change.state.version > ahead);
    lnt_txn_end (&txn);
    lnt_node_destroy (&node);
    nftw (dir, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

//  The conflict key: kind, id, NUL, section, node big-endian
static void
s_test_conflict_key (void)
{
    char key[LNT_ID_MAX + 12];
    size_t len = lnt_replica_conflict_key (LNT_KIND_RB_ITEM,
                                           "3503-RB-2026-0001",
                                           LNT_SECTION_PROVINCE,
                                           0x0102030405060708ULL, key);
    const char want[] = "\x02" "3503-RB-2026-0001" "\x00" "\x01"
                        "\x01\x02\x03\x04\x05\x06\x07\x08";
    CHECK_INT (len, sizeof want - 1);
    CHECK (memcmp (key, want, sizeof want - 1) == 0);
    //  The longest id fits
    char id[LNT_ID_MAX + 1];
    memset (id, 'x', LNT_ID_MAX);
    id[LNT_ID_MAX] = 0;
    len = lnt_replica_conflict_key (LNT_KIND_SUGGESTION, id, 0, 1, key);
    CHECK_INT (len, LNT_ID_MAX + 11);
    CHECK_INT (key[len - 1], 1);
}

int
main (int argc, char **argv)
{
    s_ref_dir = argc > 1 ? argv[1] : getenv ("LONTAR_REF");
    if (!s_ref_dir) {
        fprintf (stderr, "usage: test_replica DATA-FOLDER [SEED [ROUNDS]]\n");
        return 64;
    }
    bool replay = argc > 2;
    uint64_t seed = replay ? strtoull (argv[2], NULL, 0)
                           : ((uint64_t) time (NULL) << 20)
                                 ^ (uint64_t) getpid ();
    int rounds = argc > 3 ? atoi (argv[3]) : replay ? 1 : 50;
    s_root = strdup ("/tmp/lnt-test-replica-XXXXXX");
    if (!s_root || !mkdtemp (s_root)) {
        perror ("mkdtemp");
        return 1;
    }
    s_test_observe ();
    s_test_conflict_key ();
    printf ("seed %" PRIu64 ", rounds %d (replay one: test_replica %s SEED)\n",
            seed, rounds, s_ref_dir);
    int bad = 0;
    for (int i = 0; i < rounds; i++)
        bad += !s_round (seed + (uint64_t) i, replay);
    if (bad)
        printf ("%d of %d rounds failed\n", bad, rounds);
    nftw (s_root, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free (s_root);
    return LNT_TEST_DONE ();
}
