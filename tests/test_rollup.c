/*  test_rollup.c - unit test for lnt_rollup over a real hub store (province
    35) in a temporary folder. Records are built from the record structs,
    their bodies encoded with proto/lnt_codec, and each change is applied
    as the hub does: lnt_rollup_change from the old to the new state, the
    record written, lnt_rollup_flush, in one write transaction.

    Covered: every counter of a suggestion, an action-plan item and an LKE
    answer; status changes moving counts between statuses; a suggestion
    done on its due date (in time, no longer open, its 'D' key removed),
    done late (not in time), archived after done; the first response and
    the days histogram; a class with no SLA row (no due day, never
    overdue); the local year of an office in another time zone; progress
    (rounded down, capped at one item); cancelled items and tombstones
    leaving every count; verified LKE answers and verdicts the item does
    not allow; the 'D'/'P' sums before, on and after the due date;
    percentiles on hand-made histograms; flush deleting keys that return to
    zero and writing nothing for changes that cancel out; lnt_rollup_reset;
    and the core property: random changes of records of several offices,
    years and kinds, applied in random groups of transactions, verify
    against the records with no difference, while a corrupted, deleted or
    extra rollup value, or a record written without its rollup, is found
    and reported; lnt_rollup_rebuild mends them.

    Usage: test_rollup DATA-FOLDER [SEED]                                  */
#include "lnt_codec.h"
#include "lnt_error.h"
#include "lnt_node.h"
#include "lnt_record.h"
#include "lnt_ref.h"
#include "lnt_rollup.h"
#include "lnt_store.h"
#include "lnt_test.h"
#include "lnt_time.h"

#include <ftw.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define INSTRUMENT LNT_REF_DEFAULT_INSTRUMENT
#define OLD_INSTRUMENT "permenpanrb-14-2014" /* no items: scores nothing  */
#define WIB 420
#define WITA 480

static const char *s_ref_dir; /* the reference data folder (argv[1])      */
static char *s_root;          /* this run's temporary folder              */
static lnt_node_t *s_hub;     /* the hub of province 35                   */
static lnt_ref_t *s_ref;      /* the reference data, plus Makassar (WITA) */
static lnt_rollup_t *s_pending; /* the pending set the changes go through */
static uint64_t s_version;    /* versions of the sections written         */

static lnt_ref_t *s_ref_new (void);

//  ---- records ------------------------------------------------------------

//  A record with the bodies it points into
typedef struct {
    lnt_record_t rec;  /* the record; its bodies point into the buffers   */
    lnt_buf_t office;  /* the office section's body                        */
    lnt_buf_t province; /* the province section's body                     */
} s_rec_t;

static void
s_fail (const char *what)
{
    fprintf (stderr, "test_rollup: %s\n", what);
    exit (1);
}

static s_rec_t *
s_rec_new (uint8_t kind, const char *id, const char *office)
{
    s_rec_t *r = calloc (1, sizeof *r);
    if (!r)
        s_fail ("out of memory");
    r->rec.kind = kind;
    snprintf (r->rec.id, sizeof r->rec.id, "%s", id);
    snprintf (r->rec.office, sizeof r->rec.office, "%s", office);
    return r;
}

static void
s_rec_destroy (s_rec_t **r_p)
{
    if (*r_p) {
        lnt_buf_free (&(*r_p)->office);
        lnt_buf_free (&(*r_p)->province);
        free (*r_p);
        *r_p = NULL;
    }
}

static void
s_section (lnt_section_t *sec, const lnt_buf_t *body)
{
    *sec = (lnt_section_t){true, ++s_version, 0x35, false, body->data,
                           body->len};
}

static s_rec_t *
s_rec_suggestion (const lnt_suggestion_t *s)
{
    s_rec_t *r = s_rec_new (LNT_KIND_SUGGESTION, s->id, s->office);
    if (lnt_codec_suggestion_encode (s, &r->office))
        s_fail ("cannot encode a suggestion");
    s_section (&r->rec.sec[0], &r->office);
    return r;
}

static s_rec_t *
s_rec_rb (const lnt_rb_item_t *i)
{
    s_rec_t *r = s_rec_new (LNT_KIND_RB_ITEM, i->id, i->office);
    if (lnt_codec_rb_item_encode (i, &r->office))
        s_fail ("cannot encode an action-plan item");
    s_section (&r->rec.sec[0], &r->office);
    return r;
}

//  An LKE answer with the assessor's verdict (NULL: none)
static s_rec_t *
s_rec_lke (const lnt_lke_answer_t *a, const char *verdict)
{
    s_rec_t *r = s_rec_new (LNT_KIND_LKE_ANSWER, a->id, a->office);
    if (lnt_codec_lke_answer_encode (a, &r->office))
        s_fail ("cannot encode an LKE answer");
    s_section (&r->rec.sec[0], &r->office);
    if (verdict) {
        lnt_lke_verdict_t v = {{0}, "checked", 1772500000000LL};
        snprintf (v.answer, sizeof v.answer, "%s", verdict);
        if (lnt_codec_lke_verdict_encode (&v, &r->province))
            s_fail ("cannot encode a verdict");
        s_section (&r->rec.sec[1], &r->province);
    }
    return r;
}

//  A copy of r with section sec a tombstone
static s_rec_t *
s_rec_tomb (const s_rec_t *r, int sec)
{
    s_rec_t *t = s_rec_new (r->rec.kind, r->rec.id, r->rec.office);
    if (lnt_buf_append (&t->office, r->office.data, r->office.len)
        || lnt_buf_append (&t->province, r->province.data, r->province.len))
        s_fail ("out of memory");
    t->rec.sec[0] = r->rec.sec[0];
    t->rec.sec[1] = r->rec.sec[1];
    t->rec.sec[0].body = t->office.data;
    t->rec.sec[1].body = t->province.data;
    t->rec.sec[sec] = (lnt_section_t){true, ++s_version, 0x35, true, NULL, 0};
    return t;
}

//  A local time in ms UTC
static int64_t
s_ms (const char *text, int offset)
{
    int64_t ms = 0;
    if (lnt_time_parse_local (text, offset, &ms))
        s_fail ("bad time in the test");
    return ms;
}

static int32_t
s_day (const char *text)
{
    int32_t day = 0;
    if (lnt_date_parse (text, &day))
        s_fail ("bad date in the test");
    return day;
}

//  A suggestion received at received (local), status received
static lnt_suggestion_t *
s_sugg (const char *office, int n, const char *received, int offset,
        int channel, int class_)
{
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    if (!s)
        s_fail ("out of memory");
    s->received = s_ms (received, offset);
    int year, month, mday;
    lnt_date_to_ymd (lnt_time_local_day (s->received, offset), &year, &month,
                     &mday);
    lnt_id_suggestion (s->id, office, year, (uint64_t) n);
    snprintf (s->office, sizeof s->office, "%s", office);
    s->channel = (uint8_t) channel;
    s->class_ = (uint8_t) class_;
    snprintf (s->subject, sizeof s->subject, "Subject %d", n);
    snprintf (s->text, sizeof s->text, "Text %d", n);
    s->history_len = 1;
    s->history[0].status = LNT_ST_RECEIVED;
    s->history[0].at = s->received;
    return s;
}

static void
s_step (lnt_suggestion_t *s, int status, int64_t at)
{
    if (s->history_len >= LNT_HISTORY_MAX)
        s_fail ("history full");
    s->history[s->history_len].status = (uint8_t) status;
    s->history[s->history_len].at = at;
    s->history_len++;
    s->status = (uint8_t) status;
}

static lnt_rb_item_t
s_rb (const char *office, int n, int year, int area, int64_t target,
      int64_t realisation, int status, int32_t due)
{
    lnt_rb_item_t r;
    memset (&r, 0, sizeof r);
    lnt_id_rb_item (r.id, office, year, (uint64_t) n);
    snprintf (r.office, sizeof r.office, "%s", office);
    r.year = year;
    r.area = area;
    snprintf (r.activity, sizeof r.activity, "Activity %d", n);
    snprintf (r.indicator, sizeof r.indicator, "Indicator %d", n);
    snprintf (r.unit, sizeof r.unit, "dokumen");
    r.target = target;
    r.realisation = realisation;
    r.status = (uint8_t) status;
    r.due = due;
    r.updated = 1772417520000LL;
    return r;
}

static lnt_lke_answer_t
s_lke (const char *office, int year, const char *instrument, const char *item,
       const char *answer, const char *evidence)
{
    lnt_lke_answer_t a;
    memset (&a, 0, sizeof a);
    lnt_id_lke_answer (a.id, office, year, item);
    snprintf (a.office, sizeof a.office, "%s", office);
    a.year = year;
    snprintf (a.instrument, sizeof a.instrument, "%s", instrument);
    snprintf (a.item, sizeof a.item, "%s", item);
    snprintf (a.answer, sizeof a.answer, "%s", answer);
    snprintf (a.evidence, sizeof a.evidence, "%s", evidence);
    a.answered = 1772417520000LL;
    return a;
}

//  ---- applying changes ------------------------------------------------

//  One change of a record: old and new state (NULL: no record)
typedef struct {
    const s_rec_t *old_r; /* the state before                             */
    const s_rec_t *new_r; /* the state after                              */
} s_op_t;

typedef struct {
    const s_op_t *ops; /* the changes of one transaction                   */
    size_t count;      /* how many                                          */
    const lnt_ref_t *ref; /* reference data to count with                  */
    bool rollup;       /* false: write the records only                    */
} s_group_t;

static int
s_put_record (lnt_txn_t *txn, const lnt_record_t *old_rec,
              const lnt_record_t *new_rec)
{
    const lnt_record_t *r = new_rec ? new_rec : old_rec;
    if (!r)
        return 0; /* no record before or after                         */
    char key[LNT_ID_MAX + 2];
    size_t klen = lnt_node_key (r->kind, r->id, key);
    if (!new_rec) {
        int rc = lnt_txn_del (txn, LNT_DB_RECORDS, key, klen);
        return rc == LNT_ENOTFOUND ? 0 : rc;
    }
    lnt_buf_t buf = {0};
    int rc = lnt_codec_record_encode (new_rec, &buf);
    if (!rc)
        rc = lnt_txn_put (txn, LNT_DB_RECORDS, key, klen, buf.data, buf.len);
    lnt_buf_free (&buf);
    return rc;
}

//  The write transaction: computes everything from its argument, so the
//  store may run it again after growing the map
static int
s_group_fn (lnt_txn_t *txn, void *arg)
{
    const s_group_t *g = arg;
    lnt_rollup_reset (s_pending);
    int rc = 0;
    for (size_t i = 0; !rc && i < g->count; i++) {
        const lnt_record_t *o = g->ops[i].old_r ? &g->ops[i].old_r->rec : NULL;
        const lnt_record_t *n = g->ops[i].new_r ? &g->ops[i].new_r->rec : NULL;
        if (g->rollup)
            rc = lnt_rollup_change (s_pending, g->ref, o, n);
        if (!rc)
            rc = s_put_record (txn, o, n);
    }
    if (!rc && g->rollup)
        rc = lnt_rollup_flush (s_pending, txn);
    return rc;
}

static void
s_apply_ops (const s_op_t *ops, size_t count, const lnt_ref_t *ref,
             bool rollup)
{
    s_group_t g = {ops, count, ref, rollup};
    if (lnt_store_write (lnt_node_store (s_hub), s_group_fn, &g))
        s_fail ("a write failed");
}

//  One change in its own transaction
static void
s_apply (const s_rec_t *old_r, const s_rec_t *new_r)
{
    s_op_t op = {old_r, new_r};
    s_apply_ops (&op, 1, s_ref, true);
}

static lnt_txn_t *
s_read (void)
{
    lnt_txn_t *txn = NULL;
    if (lnt_store_read (lnt_node_store (s_hub), &txn))
        s_fail ("cannot read the store");
    return txn;
}

static size_t
s_rollup_keys (void)
{
    lnt_txn_t *txn = s_read ();
    size_t n = lnt_txn_count (txn, LNT_DB_ROLLUPS);
    lnt_txn_end (&txn);
    return n;
}

static int64_t
s_due_before (char letter, const char *office, int year, int32_t day)
{
    lnt_txn_t *txn = s_read ();
    int64_t n = lnt_rollup_due_before (txn, letter, office, year, day);
    lnt_txn_end (&txn);
    return n;
}

//  Checks every counter of a key against expected; names the index of a
//  counter that differs
static void
s_expect (int line, char letter, const char *office, int year,
          const char *instrument, const int64_t *expected, size_t count)
{
    int64_t got[LNT_ROLLUP_S_COUNT];
    lnt_txn_t *txn = s_read ();
    CHECK_INT (lnt_rollup_read (txn, letter, office, year, instrument, got,
                                count), 0);
    lnt_txn_end (&txn);
    bool same = true;
    for (size_t i = 0; i < count; i++)
        if (got[i] != expected[i]) {
            fprintf (stderr, "line %d: %c %s %d counter %zu is %lld, "
                     "expected %lld\n", line, letter, office, year, i,
                     (long long) got[i], (long long) expected[i]);
            same = false;
        }
    CHECK (same);
}

#define EXPECT(letter, office, year, instrument, expected, count)          \
    s_expect (__LINE__, letter, office, year, instrument, expected, count)

typedef struct {
    int count;       /* differences reported                                */
    char last[400];  /* the last sentence                                   */
} s_reports_t;

static void
s_report (const char *difference, void *arg)
{
    s_reports_t *r = arg;
    r->count++;
    snprintf (r->last, sizeof r->last, "%s", difference);
}

static int
s_verify (s_reports_t *reports)
{
    memset (reports, 0, sizeof *reports);
    lnt_txn_t *txn = s_read ();
    int rc = lnt_rollup_verify (txn, s_ref, s_report, reports);
    lnt_txn_end (&txn);
    return rc;
}

//  ---- suggestions -------------------------------------------------------

static void
s_test_suggestions (void)
{
    int64_t e[LNT_ROLLUP_S_COUNT] = {0};
    //  A suggestion received Monday 2026-03-02 09:12: resolve due 14
    //  calendar days later, 2026-03-16
    lnt_suggestion_t *s = s_sugg ("3503", 1, "2026-03-02 09:12", WIB,
                                  LNT_CH_WEBSITE, LNT_CL_SUGGESTION);
    int32_t due = s_day ("2026-03-16");
    s_rec_t *r1 = s_rec_suggestion (s);
    s_apply (NULL, r1);
    e[LNT_ROLLUP_S_RECEIVED] = 1;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_RECEIVED] = 1;
    e[LNT_ROLLUP_S_CHANNEL + LNT_CH_WEBSITE] = 1;
    e[LNT_ROLLUP_S_CLASS + LNT_CL_SUGGESTION] = 1;
    e[LNT_ROLLUP_S_OPEN] = 1;
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT);
    CHECK_INT (s_rollup_keys (), 2); /* 'S' and 'D'                       */
    CHECK_INT (s_due_before ('D', "3503", 2026, due - 1), 0);
    CHECK_INT (s_due_before ('D', "3503", 2026, due), 0); /* on the day  */
    CHECK_INT (s_due_before ('D', "3503", 2026, due + 1), 1);
    CHECK_INT (s_due_before ('D', "3503", 2025, due + 1), 0);
    CHECK_INT (s_due_before ('D', "3512", 2026, due + 1), 0);
    CHECK_INT (s_due_before ('P', "3503", 2026, due + 1), 0);

    //  Verified two days later: the first response, after 2 days
    s_step (s, LNT_ST_VERIFIED, s_ms ("2026-03-04 08:00", WIB));
    s_rec_t *r2 = s_rec_suggestion (s);
    s_apply (r1, r2);
    e[LNT_ROLLUP_S_STATUS + LNT_ST_RECEIVED] = 0;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_VERIFIED] = 1;
    e[LNT_ROLLUP_S_RESPONDED] = 1;
    e[LNT_ROLLUP_S_DAYS + 2] = 1;
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT);
    CHECK_INT (s_due_before ('D', "3503", 2026, due + 1), 1);

    //  In progress, then done on the due date, late in the day: in time
    s_step (s, LNT_ST_IN_PROGRESS, s_ms ("2026-03-05 10:00", WIB));
    s_rec_t *r3 = s_rec_suggestion (s);
    s_apply (r2, r3);
    e[LNT_ROLLUP_S_STATUS + LNT_ST_VERIFIED] = 0;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_IN_PROGRESS] = 1;
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT);
    s_step (s, LNT_ST_DONE, s_ms ("2026-03-16 23:59", WIB));
    s_rec_t *r4 = s_rec_suggestion (s);
    s_apply (r3, r4);
    e[LNT_ROLLUP_S_STATUS + LNT_ST_IN_PROGRESS] = 0;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_DONE] = 1;
    e[LNT_ROLLUP_S_OPEN] = 0;
    e[LNT_ROLLUP_S_IN_TIME] = 1;
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT);
    CHECK_INT (s_due_before ('D', "3503", 2026, due + 100), 0);
    CHECK_INT (s_rollup_keys (), 1); /* the 'D' key is gone               */

    //  Archived after done: still answered in time (the first done counts)
    s_step (s, LNT_ST_ARCHIVED, s_ms ("2026-04-20 10:00", WIB));
    s_rec_t *r5 = s_rec_suggestion (s);
    s_apply (r4, r5);
    e[LNT_ROLLUP_S_STATUS + LNT_ST_DONE] = 0;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_ARCHIVED] = 1;
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT);

    //  Only the first done step counts (a history done twice, in time
    //  both times, is answered in time once)
    {
        lnt_suggestion_t *d = s_sugg ("3512", 7, "2026-03-02 09:00", WIB,
                                      LNT_CH_WEBSITE, LNT_CL_SUGGESTION);
        s_step (d, LNT_ST_DONE, s_ms ("2026-03-03 09:00", WIB));
        s_step (d, LNT_ST_DONE, s_ms ("2026-03-04 09:00", WIB));
        s_rec_t *d1 = s_rec_suggestion (d);
        s_apply (NULL, d1);
        int64_t got[LNT_ROLLUP_S_COUNT];
        lnt_txn_t *txn = s_read ();
        lnt_rollup_read (txn, 'S', "3512", 2026, NULL, got,
                         LNT_ROLLUP_S_COUNT);
        lnt_txn_end (&txn);
        CHECK_INT (got[LNT_ROLLUP_S_IN_TIME], 1);
        CHECK_INT (got[LNT_ROLLUP_S_DAYS + 1], 1);
        s_apply (d1, NULL);
        s_rec_destroy (&d1);
        free (d);
    }

    //  A second one, a letter, done the day after its due date: not in time
    //  (information request: 5 calendar days, due 2026-03-07)
    lnt_suggestion_t *t = s_sugg ("3503", 2, "2026-03-02 16:00", WIB,
                                  LNT_CH_LETTER, LNT_CL_INFORMATION_REQUEST);
    s_step (t, LNT_ST_VERIFIED, s_ms ("2026-03-02 16:30", WIB));
    s_rec_t *t1 = s_rec_suggestion (t);
    s_apply (NULL, t1);
    e[LNT_ROLLUP_S_RECEIVED] = 2;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_VERIFIED] = 1;
    e[LNT_ROLLUP_S_CHANNEL + LNT_CH_LETTER] = 1;
    e[LNT_ROLLUP_S_CLASS + LNT_CL_INFORMATION_REQUEST] = 1;
    e[LNT_ROLLUP_S_OPEN] = 1;
    e[LNT_ROLLUP_S_RESPONDED] = 2;
    e[LNT_ROLLUP_S_DAYS + 0] = 1;
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT);
    CHECK_INT (s_due_before ('D', "3503", 2026, s_day ("2026-03-07")), 0);
    CHECK_INT (s_due_before ('D', "3503", 2026, s_day ("2026-03-08")), 1);
    s_step (t, LNT_ST_DONE, s_ms ("2026-03-08 00:05", WIB));
    s_rec_t *t2 = s_rec_suggestion (t);
    s_apply (t1, t2);
    e[LNT_ROLLUP_S_STATUS + LNT_ST_VERIFIED] = 0;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_DONE] = 1;
    e[LNT_ROLLUP_S_OPEN] = 0;
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT); /* in time 1 */
    CHECK_INT (s_due_before ('D', "3503", 2026, s_day ("2026-12-31")), 0);

    //  Not our authority: not open, no response counted beyond step 1
    lnt_suggestion_t *u = s_sugg ("3503", 3, "2026-03-03 09:00", WIB,
                                  LNT_CH_SOCIAL_MEDIA, LNT_CL_COMPLAINT);
    u->field_check = true; /* 60 days: due 2026-05-02                    */
    s_rec_t *u1 = s_rec_suggestion (u);
    s_apply (NULL, u1);
    CHECK_INT (s_due_before ('D', "3503", 2026, s_day ("2026-05-02")), 0);
    CHECK_INT (s_due_before ('D', "3503", 2026, s_day ("2026-05-03")), 1);
    CHECK_INT (s_due_before ('D', "3503", 2026, s_day ("2026-04-18")), 0);
    s_step (u, LNT_ST_NOT_OUR_AUTHORITY, s_ms ("2027-06-01 09:00", WIB));
    s_rec_t *u2 = s_rec_suggestion (u);
    s_apply (u1, u2);
    e[LNT_ROLLUP_S_RECEIVED] = 3;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_NOT_OUR_AUTHORITY] = 1;
    e[LNT_ROLLUP_S_CHANNEL + LNT_CH_SOCIAL_MEDIA] = 1;
    e[LNT_ROLLUP_S_CLASS + LNT_CL_COMPLAINT] = 1;
    e[LNT_ROLLUP_S_RESPONDED] = 3;
    e[LNT_ROLLUP_S_DAYS + 366] = 1; /* more than a year: capped          */
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT);
    CHECK_INT (s_due_before ('D', "3503", 2026, s_day ("2030-01-01")), 0);
    {
        int64_t got[LNT_ROLLUP_S_COUNT];
        lnt_txn_t *txn = s_read ();
        lnt_rollup_read (txn, 'S', "3503", 2026, NULL, got,
                         LNT_ROLLUP_S_COUNT);
        lnt_txn_end (&txn);
        CHECK_INT (lnt_rollup_percentile (got + LNT_ROLLUP_S_DAYS, 50), 2);
        CHECK_INT (lnt_rollup_percentile (got + LNT_ROLLUP_S_DAYS, 90), 366);
    }

    //  The local year: 2027-01-01 00:30 WIB is 2026-12-31 in UTC; and in
    //  Makassar (WITA) 2027-01-01 00:30 is still 2026 in WIB
    lnt_suggestion_t *v = s_sugg ("3503", 4, "2027-01-01 00:30", WIB,
                                  LNT_CH_PHONE, LNT_CL_WHISTLEBLOWING);
    s_rec_t *v1 = s_rec_suggestion (v);
    s_apply (NULL, v1);
    lnt_suggestion_t *w = s_sugg ("7371", 1, "2027-01-01 00:30", WITA,
                                  LNT_CH_LAPOR, LNT_CL_SUGGESTION);
    s_rec_t *w1 = s_rec_suggestion (w);
    s_apply (NULL, w1);
    int64_t f[LNT_ROLLUP_S_COUNT] = {0};
    f[LNT_ROLLUP_S_RECEIVED] = 1;
    f[LNT_ROLLUP_S_STATUS + LNT_ST_RECEIVED] = 1;
    f[LNT_ROLLUP_S_CHANNEL + LNT_CH_PHONE] = 1;
    f[LNT_ROLLUP_S_CLASS + LNT_CL_WHISTLEBLOWING] = 1;
    f[LNT_ROLLUP_S_OPEN] = 1;
    EXPECT ('S', "3503", 2027, NULL, f, LNT_ROLLUP_S_COUNT);
    EXPECT ('S', "3503", 2026, NULL, e, LNT_ROLLUP_S_COUNT); /* unchanged */
    f[LNT_ROLLUP_S_CHANNEL + LNT_CH_PHONE] = 0;
    f[LNT_ROLLUP_S_CLASS + LNT_CL_WHISTLEBLOWING] = 0;
    f[LNT_ROLLUP_S_CHANNEL + LNT_CH_LAPOR] = 1;
    f[LNT_ROLLUP_S_CLASS + LNT_CL_SUGGESTION] = 1;
    EXPECT ('S', "7371", 2027, NULL, f, LNT_ROLLUP_S_COUNT);
    int64_t zero[LNT_ROLLUP_S_COUNT] = {0};
    EXPECT ('S', "7371", 2026, NULL, zero, LNT_ROLLUP_S_COUNT);
    //  Whistle-blowing: 60 calendar days from 2027-01-01; suggestion: 14
    CHECK_INT (s_due_before ('D', "3503", 2027, s_day ("2027-03-02")), 0);
    CHECK_INT (s_due_before ('D', "3503", 2027, s_day ("2027-03-03")), 1);
    CHECK_INT (s_due_before ('D', "7371", 2027, s_day ("2027-01-15")), 0);
    CHECK_INT (s_due_before ('D', "7371", 2027, s_day ("2027-01-16")), 1);

    //  A tombstone takes everything away; then the others' tombstones, in
    //  one transaction, leave no key at all
    s_rec_t *v2 = s_rec_tomb (v1, LNT_SECTION_OFFICE);
    s_apply (v1, v2);
    EXPECT ('S', "3503", 2027, NULL, zero, LNT_ROLLUP_S_COUNT);
    CHECK_INT (s_due_before ('D', "3503", 2027, s_day ("2030-01-01")), 0);
    s_rec_t *w2 = s_rec_tomb (w1, LNT_SECTION_OFFICE);
    s_rec_t *r6 = s_rec_tomb (r5, LNT_SECTION_OFFICE);
    s_rec_t *t3 = s_rec_tomb (t2, LNT_SECTION_OFFICE);
    s_rec_t *u3 = s_rec_tomb (u2, LNT_SECTION_OFFICE);
    s_op_t ops[] = {{w1, w2}, {r5, r6}, {t2, t3}, {u2, u3}};
    s_apply_ops (ops, 4, s_ref, true);
    EXPECT ('S', "3503", 2026, NULL, zero, LNT_ROLLUP_S_COUNT);
    CHECK_INT (s_rollup_keys (), 0);
    s_reports_t reports;
    CHECK_INT (s_verify (&reports), 0);
    CHECK_INT (reports.count, 0);
    //  Clean up: the records go
    s_op_t gone[] = {{v2, NULL}, {w2, NULL}, {r6, NULL}, {t3, NULL},
                     {u3, NULL}};
    s_apply_ops (gone, 5, s_ref, true);

    s_rec_t *recs[] = {r1, r2, r3, r4, r5, r6, t1, t2, t3, u1, u2, u3,
                       v1, v2, w1, w2};
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
        s_rec_destroy (&recs[i]);
    free (s);
    free (t);
    free (u);
    free (v);
    free (w);
}

//  A class with no SLA row: no due day, never overdue, still open
static void
s_test_no_sla (void)
{
    lnt_ref_t *ref = s_ref_new ();
    lnt_why_t why = {""};
    const char *sla = "class,verify_days,verify_day_kind,resolve_days,"
                      "resolve_day_kind\nsuggestion,3,working,14,calendar\n";
    if (lnt_ref_load (ref, "sla", sla, strlen (sla), &why))
        s_fail (why.text);
    lnt_suggestion_t *s = s_sugg ("3512", 1, "2026-03-02 09:12", WIB,
                                  LNT_CH_WEBSITE, LNT_CL_COMPLAINT);
    s_step (s, LNT_ST_VERIFIED, s_ms ("2026-03-03 09:12", WIB));
    s_step (s, LNT_ST_DONE, s_ms ("2026-03-04 09:12", WIB));
    s_rec_t *done = s_rec_suggestion (s);
    s->history_len = 2;
    s->status = LNT_ST_VERIFIED;
    s_rec_t *open = s_rec_suggestion (s);
    s_op_t op = {NULL, open};
    s_apply_ops (&op, 1, ref, true);
    int64_t e[LNT_ROLLUP_S_COUNT] = {0};
    e[LNT_ROLLUP_S_RECEIVED] = 1;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_VERIFIED] = 1;
    e[LNT_ROLLUP_S_CHANNEL + LNT_CH_WEBSITE] = 1;
    e[LNT_ROLLUP_S_CLASS + LNT_CL_COMPLAINT] = 1;
    e[LNT_ROLLUP_S_OPEN] = 1;
    e[LNT_ROLLUP_S_RESPONDED] = 1;
    e[LNT_ROLLUP_S_DAYS + 1] = 1;
    EXPECT ('S', "3512", 2026, NULL, e, LNT_ROLLUP_S_COUNT);
    CHECK_INT (s_due_before ('D', "3512", 2026, s_day ("2030-01-01")), 0);
    CHECK_INT (s_rollup_keys (), 1);
    //  Done with no due date: not answered in time (there is no time)
    s_op_t op2 = {open, done};
    s_apply_ops (&op2, 1, ref, true);
    e[LNT_ROLLUP_S_STATUS + LNT_ST_VERIFIED] = 0;
    e[LNT_ROLLUP_S_STATUS + LNT_ST_DONE] = 1;
    e[LNT_ROLLUP_S_OPEN] = 0;
    EXPECT ('S', "3512", 2026, NULL, e, LNT_ROLLUP_S_COUNT);
    //  With the default table the same record is in time: verify, which
    //  counts with it, sees the difference; rebuild mends it
    s_reports_t reports;
    CHECK (s_verify (&reports) == 1);
    CHECK (strstr (reports.last, "office 3512 year 2026 suggestions: "
                                 "answered in time is 0 in the rollup, 1 "
                                 "from the records") != NULL);
    {
        s_op_t gone = {done, NULL};
        s_apply_ops (&gone, 1, ref, true);
    }
    CHECK_INT (s_rollup_keys (), 0);
    s_rec_destroy (&open);
    s_rec_destroy (&done);
    free (s);
    lnt_ref_destroy (&ref);
}

//  ---- action plan -------------------------------------------------------

static void
s_test_action_plan (void)
{
    int64_t e[LNT_ROLLUP_R_COUNT] = {0}, zero[LNT_ROLLUP_R_COUNT] = {0};
    int32_t due = s_day ("2026-06-30");
    //  Target 3, realised 1: a third of an item, rounded down
    lnt_rb_item_t a = s_rb ("3503", 1, 2026, 3, 3000, 1000, LNT_RB_PLANNED,
                            due);
    s_rec_t *a1 = s_rec_rb (&a);
    s_apply (NULL, a1);
    int64_t *area3 = e + LNT_ROLLUP_R_AREA + 3 * 2;
    e[LNT_ROLLUP_R_ITEMS] = area3[0] = 1;
    e[LNT_ROLLUP_R_PROGRESS] = area3[2] = 333333333; /* 1/3, rounded down */
    EXPECT ('R', "3503", 2026, NULL, e, LNT_ROLLUP_R_COUNT);
    CHECK_INT (s_due_before ('P', "3503", 2026, due - 1), 0);
    CHECK_INT (s_due_before ('P', "3503", 2026, due), 0);
    CHECK_INT (s_due_before ('P', "3503", 2026, due + 1), 1);
    CHECK_INT (s_due_before ('D', "3503", 2026, due + 1), 0);

    //  In progress, 2 of 3 (0.666666666), then a second item in area 8, no due
    //  date, realised beyond its target: capped at one item
    a.status = LNT_RB_IN_PROGRESS;
    a.realisation = 2000;
    s_rec_t *a2 = s_rec_rb (&a);
    lnt_rb_item_t b = s_rb ("3503", 2, 2026, 8, 1000, 2500, LNT_RB_IN_PROGRESS,
                            LNT_NONE_DAY);
    s_rec_t *b1 = s_rec_rb (&b);
    s_op_t ops[] = {{a1, a2}, {NULL, b1}};
    s_apply_ops (ops, 2, s_ref, true);
    int64_t *area8 = e + LNT_ROLLUP_R_AREA + 3 * 7;
    e[LNT_ROLLUP_R_ITEMS] = 2;
    area8[0] = 1;
    area3[2] = 666666666;
    area8[2] = LNT_ROLLUP_PROGRESS_UNIT;
    e[LNT_ROLLUP_R_PROGRESS] = 1666666666;
    EXPECT ('R', "3503", 2026, NULL, e, LNT_ROLLUP_R_COUNT);
    CHECK_INT (s_due_before ('P', "3503", 2026, s_day ("2099-01-01")), 1);

    //  Done: counted done, no longer due
    a.status = LNT_RB_DONE;
    a.realisation = 3000;
    s_rec_t *a3 = s_rec_rb (&a);
    s_apply (a2, a3);
    e[LNT_ROLLUP_R_DONE] = area3[1] = 1;
    area3[2] = LNT_ROLLUP_PROGRESS_UNIT;
    e[LNT_ROLLUP_R_PROGRESS] = 2 * LNT_ROLLUP_PROGRESS_UNIT;
    EXPECT ('R', "3503", 2026, NULL, e, LNT_ROLLUP_R_COUNT);
    CHECK_INT (s_due_before ('P', "3503", 2026, s_day ("2099-01-01")), 0);
    CHECK_INT (s_rollup_keys (), 1);

    //  Another year, another office: their own keys
    lnt_rb_item_t c = s_rb ("3578", 1, 2025, 1, 4000, 1000, LNT_RB_PLANNED,
                            s_day ("2025-12-31"));
    s_rec_t *c1 = s_rec_rb (&c);
    s_apply (NULL, c1);
    int64_t g[LNT_ROLLUP_R_COUNT] = {0};
    g[LNT_ROLLUP_R_ITEMS] = g[LNT_ROLLUP_R_AREA] = 1;
    g[LNT_ROLLUP_R_PROGRESS] = g[LNT_ROLLUP_R_AREA + 2]
        = LNT_ROLLUP_PROGRESS_UNIT / 4;
    EXPECT ('R', "3578", 2025, NULL, g, LNT_ROLLUP_R_COUNT);
    EXPECT ('R', "3503", 2026, NULL, e, LNT_ROLLUP_R_COUNT);
    EXPECT ('R', "3578", 2026, NULL, zero, LNT_ROLLUP_R_COUNT);
    CHECK_INT (s_due_before ('P', "3578", 2025, s_day ("2026-01-01")), 1);

    //  Cancelled items count nowhere: not items, not due
    c.status = LNT_RB_CANCELLED;
    s_rec_t *c2 = s_rec_rb (&c);
    s_apply (c1, c2);
    EXPECT ('R', "3578", 2025, NULL, zero, LNT_ROLLUP_R_COUNT);
    CHECK_INT (s_due_before ('P', "3578", 2025, s_day ("2026-01-01")), 0);
    b.status = LNT_RB_CANCELLED;
    s_rec_t *b2 = s_rec_rb (&b);
    s_apply (b1, b2);
    area8[0] = area8[2] = 0;
    e[LNT_ROLLUP_R_ITEMS] = 1;
    e[LNT_ROLLUP_R_PROGRESS] = LNT_ROLLUP_PROGRESS_UNIT;
    EXPECT ('R', "3503", 2026, NULL, e, LNT_ROLLUP_R_COUNT);

    //  A tombstone of the last one leaves no key
    s_rec_t *a4 = s_rec_tomb (a3, LNT_SECTION_OFFICE);
    s_apply (a3, a4);
    EXPECT ('R', "3503", 2026, NULL, zero, LNT_ROLLUP_R_COUNT);
    CHECK_INT (s_rollup_keys (), 0);
    s_reports_t reports;
    CHECK_INT (s_verify (&reports), 0);
    s_op_t gone[] = {{a4, NULL}, {b2, NULL}, {c2, NULL}};
    s_apply_ops (gone, 3, s_ref, true);
    s_rec_t *recs[] = {a1, a2, a3, a4, b1, b2, c1, c2};
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
        s_rec_destroy (&recs[i]);
}

//  ---- LKE ---------------------------------------------------------------

static void
s_test_lke (void)
{
    //  From the 2020 instrument: A5.4 has relative weight 6 (ABCD), A4.1
    //  1.5 (PCT); B is 0.67, A 1; contributions are rel * value, each in
    //  1/10,000
    int64_t e[LNT_ROLLUP_L_COUNT] = {0}, zero[LNT_ROLLUP_L_COUNT] = {0};
    lnt_lke_answer_t x = s_lke ("3503", 2026, INSTRUMENT, "A5.4", "B",
                                "SK Pansel terbuka");
    s_rec_t *x1 = s_rec_lke (&x, NULL);
    s_apply (NULL, x1);
    e[LNT_ROLLUP_L_ANSWERS] = 1;
    e[LNT_ROLLUP_L_EVIDENCE] = 1;
    e[LNT_ROLLUP_L_SELF + 4] = 60000LL * 6700;
    EXPECT ('L', "3503", 2026, INSTRUMENT, e, LNT_ROLLUP_L_COUNT);
    EXPECT ('L', "3503", 2026, OLD_INSTRUMENT, zero, LNT_ROLLUP_L_COUNT);
    EXPECT ('L', "3503", 2025, INSTRUMENT, zero, LNT_ROLLUP_L_COUNT);

    //  Verified as A
    s_rec_t *x2 = s_rec_lke (&x, "A");
    s_apply (x1, x2);
    e[LNT_ROLLUP_L_VERIFIED] = 1;
    e[LNT_ROLLUP_L_CHECKED + 4] = 60000LL * 10000;
    EXPECT ('L', "3503", 2026, INSTRUMENT, e, LNT_ROLLUP_L_COUNT);

    //  A second answer, PCT 50 without evidence; a verdict the item does
    //  not allow (Y for PCT) is not a verification
    lnt_lke_answer_t y = s_lke ("3503", 2026, INSTRUMENT, "A4.1", "50", "");
    s_rec_t *y1 = s_rec_lke (&y, "Y");
    s_apply (NULL, y1);
    e[LNT_ROLLUP_L_ANSWERS] = 2;
    e[LNT_ROLLUP_L_SELF + 3] = 15000LL * 5000;
    EXPECT ('L', "3503", 2026, INSTRUMENT, e, LNT_ROLLUP_L_COUNT);
    s_rec_t *y2 = s_rec_lke (&y, "100");
    s_apply (y1, y2);
    e[LNT_ROLLUP_L_VERIFIED] = 2;
    e[LNT_ROLLUP_L_CHECKED + 3] = 15000LL * 10000;
    EXPECT ('L', "3503", 2026, INSTRUMENT, e, LNT_ROLLUP_L_COUNT);

    //  The verdict deleted: no longer verified
    s_rec_t *x3 = s_rec_tomb (x2, LNT_SECTION_PROVINCE);
    s_apply (x2, x3);
    e[LNT_ROLLUP_L_VERIFIED] = 1;
    e[LNT_ROLLUP_L_CHECKED + 4] = 0;
    EXPECT ('L', "3503", 2026, INSTRUMENT, e, LNT_ROLLUP_L_COUNT);

    //  The re-answer replaces the whole office section, evidence included
    lnt_lke_answer_t x4a = s_lke ("3503", 2026, INSTRUMENT, "A5.4", "D", "");
    s_rec_t *x4 = s_rec_lke (&x4a, NULL);
    s_apply (x3, x4);
    e[LNT_ROLLUP_L_EVIDENCE] = 0;
    e[LNT_ROLLUP_L_SELF + 4] = 0;
    EXPECT ('L', "3503", 2026, INSTRUMENT, e, LNT_ROLLUP_L_COUNT);

    //  Under an instrument with no items: counted, scores nothing; an item
    //  the instrument does not know scores nothing either
    lnt_lke_answer_t z = s_lke ("3512", 2026, OLD_INSTRUMENT, "A1.1", "Y",
                                "ada");
    s_rec_t *z1 = s_rec_lke (&z, "Y");
    lnt_lke_answer_t q = s_lke ("3512", 2026, INSTRUMENT, "Z9.9", "Y", "");
    s_rec_t *q1 = s_rec_lke (&q, "Y");
    s_op_t ops[] = {{NULL, z1}, {NULL, q1}};
    s_apply_ops (ops, 2, s_ref, true);
    int64_t g[LNT_ROLLUP_L_COUNT] = {0};
    g[LNT_ROLLUP_L_ANSWERS] = 1;
    g[LNT_ROLLUP_L_EVIDENCE] = 1;
    EXPECT ('L', "3512", 2026, OLD_INSTRUMENT, g, LNT_ROLLUP_L_COUNT);
    g[LNT_ROLLUP_L_EVIDENCE] = 0;
    EXPECT ('L', "3512", 2026, INSTRUMENT, g, LNT_ROLLUP_L_COUNT);

    //  The office section deleted: nothing counts, the verdict neither
    s_rec_t *y3 = s_rec_tomb (y2, LNT_SECTION_OFFICE);
    s_apply (y2, y3);
    e[LNT_ROLLUP_L_ANSWERS] = 1;
    e[LNT_ROLLUP_L_VERIFIED] = 0;
    e[LNT_ROLLUP_L_SELF + 3] = 0;
    e[LNT_ROLLUP_L_CHECKED + 3] = 0;
    EXPECT ('L', "3503", 2026, INSTRUMENT, e, LNT_ROLLUP_L_COUNT);
    s_reports_t reports;
    CHECK_INT (s_verify (&reports), 0);

    s_op_t gone[] = {{x4, NULL}, {y3, NULL}, {z1, NULL}, {q1, NULL}};
    s_apply_ops (gone, 4, s_ref, true);
    CHECK_INT (s_rollup_keys (), 0);
    s_rec_t *recs[] = {x1, x2, x3, x4, y1, y2, y3, z1, q1};
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
        s_rec_destroy (&recs[i]);
}

//  ---- the pending set ---------------------------------------------------

static int
s_flush_fn (lnt_txn_t *txn, void *arg)
{
    return lnt_rollup_flush (arg, txn);
}

static void
s_test_pending (void)
{
    lnt_suggestion_t *s = s_sugg ("3503", 9, "2026-05-05 10:00", WIB,
                                  LNT_CH_IN_PERSON, LNT_CL_SUGGESTION);
    s_rec_t *r = s_rec_suggestion (s);
    lnt_rb_item_t i = s_rb ("3503", 9, 2026, 2, 1000, 0, LNT_RB_PLANNED,
                            s_day ("2026-07-01"));
    s_rec_t *p = s_rec_rb (&i);
    //  Added and taken away in one transaction: nothing is written
    s_op_t ops[] = {{NULL, r}, {NULL, p}, {r, NULL}, {p, NULL}};
    s_apply_ops (ops, 4, s_ref, true);
    CHECK_INT (s_rollup_keys (), 0);
    //  A change that leaves the counters as they were writes nothing new
    s_apply (NULL, r);
    CHECK_INT (s_rollup_keys (), 2);
    s_rec_t *r2 = s_rec_suggestion (s); /* a new version, the same body  */
    s_apply (r, r2);
    CHECK_INT (s_rollup_keys (), 2);
    s_reports_t reports;
    CHECK_INT (s_verify (&reports), 0);
    lnt_txn_t *txn;
    //  Flush deletes the keys that come back to zero
    s_apply (r2, NULL);
    CHECK_INT (s_rollup_keys (), 0);

    //  reset forgets what was pending; destroy is safe twice
    lnt_rollup_t *pending = lnt_rollup_new ();
    CHECK (pending != NULL);
    CHECK_INT (lnt_rollup_add (pending, s_ref, &r->rec, 1), 0);
    CHECK_INT (lnt_rollup_add (pending, s_ref, NULL, 1), 0);
    lnt_rollup_reset (pending);
    CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_flush_fn, pending),
               0);
    CHECK_INT (s_rollup_keys (), 0);
    //  and the same without the reset does write: the check can fail
    CHECK_INT (lnt_rollup_add (pending, s_ref, &r->rec, 1), 0);
    CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_flush_fn, pending),
               0);
    CHECK_INT (s_rollup_keys (), 2);
    //  flush emptied it: flushing again changes nothing
    CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_flush_fn, pending),
               0);
    int64_t got[LNT_ROLLUP_S_COUNT];
    txn = s_read ();
    CHECK_INT (lnt_rollup_read (txn, 'S', "3503", 2026, NULL, got,
                                LNT_ROLLUP_S_COUNT), 0);
    lnt_txn_end (&txn);
    CHECK_INT (got[LNT_ROLLUP_S_RECEIVED], 1);
    CHECK_INT (lnt_rollup_add (pending, s_ref, &r->rec, -1), 0);
    CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_flush_fn, pending),
               0);
    CHECK_INT (s_rollup_keys (), 0);

    //  Parts summed beforehand (as the hub's loop does): a counted hint
    //  skips the add of that body, a take-away still counts, and
    //  add_all carries the sums over with from unchanged
    lnt_rollup_part_t part;
    CHECK_INT (lnt_rollup_part_suggestion (s_ref, s, &part), 0);
    lnt_rollup_t *pre = lnt_rollup_new ();
    CHECK (pre != NULL);
    CHECK_INT (lnt_rollup_add_part (pre, &part, 1), 0);
    CHECK_INT (lnt_rollup_add_part (pre, &part, 1), 0); /* two of them     */
    const lnt_section_t *body = &r->rec.sec[LNT_SECTION_OFFICE];
    for (int round = 0; round < 2; round++) {
        CHECK_INT (lnt_rollup_add_all (pending, pre), 0);
        lnt_rollup_hint (pending, body->body, body->body_len, &part, true);
        CHECK_INT (lnt_rollup_add (pending, s_ref, &r->rec, 1), 0);
        lnt_rollup_hint (pending, NULL, 0, NULL, false);
        //  the second was not written: taken away
        CHECK_INT (lnt_rollup_add_part (pending, &part, -1), 0);
        CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_flush_fn,
                                    pending), 0);
        txn = s_read ();
        CHECK_INT (lnt_rollup_read (txn, 'S', "3503", 2026, NULL, got,
                                    LNT_ROLLUP_S_COUNT), 0);
        lnt_txn_end (&txn);
        CHECK_INT (got[LNT_ROLLUP_S_RECEIVED], round + 1);
        CHECK_INT (got[LNT_ROLLUP_S_CHANNEL + LNT_CH_IN_PERSON], round + 1);
    }
    //  an uncounted hint adds, and a counted one takes away
    lnt_rollup_hint (pending, body->body, body->body_len, &part, false);
    CHECK_INT (lnt_rollup_add (pending, s_ref, &r->rec, 1), 0);
    lnt_rollup_hint (pending, body->body, body->body_len, &part, true);
    CHECK_INT (lnt_rollup_add (pending, s_ref, &r->rec, -1), 0);
    CHECK_INT (lnt_rollup_add (pending, s_ref, &r->rec, -1), 0);
    CHECK_INT (lnt_rollup_add (pending, s_ref, &r->rec, -1), 0);
    lnt_rollup_hint (pending, NULL, 0, NULL, false);
    CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_flush_fn, pending),
               0);
    CHECK_INT (s_rollup_keys (), 0);
    CHECK_INT (s_verify (&reports), 0);
    lnt_rollup_destroy (&pre);
    lnt_rollup_destroy (&pending);
    lnt_rollup_destroy (&pending);
    CHECK (pending == NULL);
    s_rec_destroy (&r);
    s_rec_destroy (&r2);
    s_rec_destroy (&p);
    free (s);
}

//  Puts a raw rollup value of 'R' 3599 2030: two counters only (an older,
//  shorter layout), the first with every byte distinct
//  (arg non-NULL: deletes it again, as verify would call it no counter)
static int
s_put_short_fn (lnt_txn_t *txn, void *arg)
{
    unsigned char key[11] = {'R', '3', '5', '9', '9', 0, 0, 0, 0,
                             2030 >> 8, 2030 & 0xFF};
    unsigned char value[16] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                               0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE};
    if (arg)
        return lnt_txn_del (txn, LNT_DB_ROLLUPS, key, sizeof key);
    return lnt_txn_put (txn, LNT_DB_ROLLUPS, key, sizeof key, value,
                        sizeof value);
}

//  lnt_rollup_read: big-endian counters, a shorter value read as zeros past
//  its end, counters past the letter's count as zeros, absent keys as zeros
static void
s_test_read (void)
{
    CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_put_short_fn, NULL),
               0);
    int64_t got[LNT_ROLLUP_R_COUNT + 4];
    memset (got, 0x5A, sizeof got);
    lnt_txn_t *txn = s_read ();
    CHECK_INT (lnt_rollup_read (txn, 'R', "3599", 2030, NULL, got,
                                LNT_ROLLUP_R_COUNT + 4), 0);
    CHECK (got[0] == 0x0102030405060708LL);
    CHECK_INT (got[1], -2);
    int nonzero = 0;
    for (int i = 2; i < LNT_ROLLUP_R_COUNT + 4; i++)
        nonzero += got[i] != 0;
    CHECK_INT (nonzero, 0);
    //  Fewer counters asked than stored: only those are written
    memset (got, 0x5A, sizeof got);
    CHECK_INT (lnt_rollup_read (txn, 'R', "3599", 2030, NULL, got, 1), 0);
    CHECK (got[0] == 0x0102030405060708LL);
    CHECK (got[1] == 0x5A5A5A5A5A5A5A5ALL);
    //  Another year, and a year no key can hold: zeros
    memset (got, 0x5A, sizeof got);
    CHECK_INT (lnt_rollup_read (txn, 'R', "3599", 2031, NULL, got, 3), 0);
    CHECK (got[0] == 0 && got[1] == 0 && got[2] == 0);
    memset (got, 0x5A, sizeof got);
    CHECK_INT (lnt_rollup_read (txn, 'R', "3599", 70000, NULL, got, 3), 0);
    CHECK (got[0] == 0 && got[1] == 0 && got[2] == 0);
    lnt_txn_end (&txn);
    CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_put_short_fn, "del"),
               0);
    CHECK_INT (s_rollup_keys (), 0);
}

static void
s_test_percentile (void)
{
    int64_t days[LNT_ROLLUP_S_COUNT - LNT_ROLLUP_S_DAYS] = {0};
    CHECK_INT (lnt_rollup_percentile (days, 50), -1);
    days[1] = days[2] = days[3] = days[10] = 1;
    CHECK_INT (lnt_rollup_percentile (days, 50), 2);
    CHECK_INT (lnt_rollup_percentile (days, 90), 10);
    CHECK_INT (lnt_rollup_percentile (days, 75), 3);
    CHECK_INT (lnt_rollup_percentile (days, 76), 10);
    CHECK_INT (lnt_rollup_percentile (days, 25), 1);
    CHECK_INT (lnt_rollup_percentile (days, 26), 2);
    CHECK_INT (lnt_rollup_percentile (days, 0), 1);
    CHECK_INT (lnt_rollup_percentile (days, 100), 10);
    memset (days, 0, sizeof days);
    days[0] = 9;
    days[366] = 1;
    CHECK_INT (lnt_rollup_percentile (days, 50), 0);
    CHECK_INT (lnt_rollup_percentile (days, 90), 0);
    CHECK_INT (lnt_rollup_percentile (days, 91), 366);
    memset (days, 0, sizeof days);
    days[4] = 3;
    CHECK_INT (lnt_rollup_percentile (days, 50), 4);
    CHECK_INT (lnt_rollup_percentile (days, 1), 4);
}

//  ---- the property: incremental equals recomputed ---------------------

static uint64_t s_rand_state; /* xorshift64* state                        */

static uint64_t
s_rand (void)
{
    s_rand_state ^= s_rand_state >> 12;
    s_rand_state ^= s_rand_state << 25;
    s_rand_state ^= s_rand_state >> 27;
    return s_rand_state * 2685821657736338717ULL;
}

//  0 .. n - 1
static int
s_pick (int n)
{
    return (int) (s_rand () % (uint64_t) n);
}

#define SLOTS 60     /* records changed at random                         */
#define CHANGES 1000 /* changes, in groups of 1-8 per transaction         */

static const char *s_offices[] = {"3503", "3512", "3578", "7371", "3599"};

static int
s_offset_of (const char *office)
{
    return strcmp (office, "7371") == 0 ? WITA : WIB;
}

//  A random day around the turn of 2025/2026 or in 2026
static int32_t
s_random_day (void)
{
    int32_t base = s_day ("2025-12-20");
    return s_pick (3) ? base + s_pick (25) : base + s_pick (400);
}

static s_rec_t *
s_random_suggestion (int slot, const char *office)
{
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    if (!s)
        s_fail ("out of memory");
    snprintf (s->id, sizeof s->id, "%s-S-%d", office, slot);
    snprintf (s->office, sizeof s->office, "%s", office);
    int offset = s_offset_of (office);
    //  Local midnight of a day, then a minute of that day
    int64_t day = s_random_day ();
    s->received = (day * 1440 + s_pick (1440) - offset) * 60000;
    s->channel = (uint8_t) s_pick (LNT_CH_COUNT);
    s->class_ = (uint8_t) s_pick (LNT_CL_COUNT);
    s->field_check = s_pick (2);
    s->history_len = 1;
    s->history[0].status = LNT_ST_RECEIVED;
    s->history[0].at = s->received;
    int steps = s_pick (6);
    int64_t at = s->received;
    for (int i = 0; i < steps; i++) {
        at += (int64_t) (s_pick (10) ? s_pick (30) : 380) * 86400000;
        at += s_pick (86400000);
        s_step (s, s_pick (LNT_ST_COUNT), at);
    }
    s_rec_t *r = s_rec_suggestion (s);
    free (s);
    return r;
}

static s_rec_t *
s_random_rb (int slot, const char *office)
{
    //  One draw a statement: the order of arguments is unspecified, and a
    //  seed must replay the same anywhere
    int year = 2025 + s_pick (3);
    int area = s_pick (12) ? 1 + s_pick (8) : 9;
    int64_t target = s_pick (10) ? 1 + s_pick (5000) : 0;
    int64_t realisation = s_pick (6000);
    int status = s_pick (LNT_RB_COUNT);
    int32_t due = s_pick (4) ? s_random_day () : LNT_NONE_DAY;
    lnt_rb_item_t i = s_rb (office, slot, year, area, target, realisation,
                            status, due);
    snprintf (i.id, sizeof i.id, "%s-R-%d", office, slot);
    return s_rec_rb (&i);
}

static s_rec_t *
s_random_lke (int slot, const char *office)
{
    static const char *items[] = {"A1.1", "A1.3", "A2.1", "A4.1", "A5.4",
                                  "A7.6", "A8.3", "Z9.9"};
    static const char *answers[] = {"Y", "T", "A", "B", "C", "D",
                                    "0", "50", "100", "X"};
    int year = 2025 + s_pick (3);
    const char *instrument = s_pick (6) ? INSTRUMENT : OLD_INSTRUMENT;
    const char *item = items[s_pick (8)];
    const char *answer = answers[s_pick (10)];
    const char *evidence = s_pick (2) ? "bukti" : "";
    lnt_lke_answer_t a = s_lke (office, year, instrument, item, answer,
                                evidence);
    snprintf (a.id, sizeof a.id, "%s-L-%d", office, slot);
    int verdict = s_pick (4);
    s_rec_t *r = s_rec_lke (&a, verdict ? answers[s_pick (10)] : NULL);
    if (verdict == 1) {
        s_rec_t *t = s_rec_tomb (r, LNT_SECTION_PROVINCE);
        s_rec_destroy (&r);
        return t;
    }
    return r;
}

//  A random next state of a slot's record: NULL (no record), a tombstone,
//  or a new body of its kind
static s_rec_t *
s_random_state (int slot, const s_rec_t *current)
{
    const char *office = s_offices[slot % 5];
    int kind = slot % 3;
    int what = s_pick (12);
    if (what == 0)
        return NULL;
    if (what == 1) {
        if (current)
            return s_rec_tomb (current, LNT_SECTION_OFFICE);
        s_rec_t *t = s_rec_new ((uint8_t) (kind + 1), "", office);
        snprintf (t->rec.id, sizeof t->rec.id, "%s-%c-%d", office,
                  "SRL"[kind], slot);
        t->rec.sec[0] = (lnt_section_t){true, ++s_version, 0x35, true, NULL,
                                        0};
        return t;
    }
    if (kind == 0)
        return s_random_suggestion (slot, office);
    if (kind == 1)
        return s_random_rb (slot, office);
    return s_random_lke (slot, office);
}

//  Applies a raw put (val) or delete (val NULL) in LNT_DB_ROLLUPS
typedef struct {
    const void *key; /* the key                                           */
    size_t klen;     /* its length                                         */
    const void *val; /* the value; NULL: delete                            */
    size_t vlen;     /* its length                                         */
} s_raw_t;

static int
s_raw_fn (lnt_txn_t *txn, void *arg)
{
    const s_raw_t *raw = arg;
    if (raw->val)
        return lnt_txn_put (txn, LNT_DB_ROLLUPS, raw->key, raw->klen,
                            raw->val, raw->vlen);
    return lnt_txn_del (txn, LNT_DB_ROLLUPS, raw->key, raw->klen);
}

static void
s_raw (const void *key, size_t klen, const void *val, size_t vlen)
{
    s_raw_t raw = {key, klen, val, vlen};
    if (lnt_store_write (lnt_node_store (s_hub), s_raw_fn, &raw))
        s_fail ("a raw write failed");
}

static int
s_rebuild_fn (lnt_txn_t *txn, void *arg)
{
    return lnt_rollup_rebuild (txn, arg);
}

//  Copies the n-th stored rollup key and value (n modulo their number)
static bool
s_stored_at (size_t n, unsigned char *key, size_t *klen, unsigned char *val,
             size_t *vlen)
{
    lnt_txn_t *txn = s_read ();
    size_t count = lnt_txn_count (txn, LNT_DB_ROLLUPS);
    bool found = false;
    lnt_cursor_t *cursor;
    if (count && lnt_cursor_open (txn, LNT_DB_ROLLUPS, &cursor) == 0) {
        const void *k, *v;
        size_t kl, vl;
        int rc = lnt_cursor_seek (cursor, NULL, 0, &k, &kl, &v, &vl);
        for (size_t i = 0; rc == 0 && i < n % count; i++)
            rc = lnt_cursor_next (cursor, &k, &kl, &v, &vl);
        if (rc == 0) {
            memcpy (key, k, kl);
            memcpy (val, v, vl);
            *klen = kl;
            *vlen = vl;
            found = true;
        }
        lnt_cursor_close (&cursor);
    }
    lnt_txn_end (&txn);
    return found;
}

static void
s_test_property (uint64_t seed)
{
    printf ("test_rollup: property seed %" PRIu64 " (replay: test_rollup "
            "DATA-FOLDER %" PRIu64 ")\n", seed, seed);
    s_rand_state = seed ? seed : 1;
    s_rec_t *committed[SLOTS] = {0};
    int groups = 0, changes = 0;
    while (changes < CHANGES) {
        int n = 1 + s_pick (8);
        s_op_t ops[8];
        s_rec_t *olds[8];
        s_rec_t *current[SLOTS];
        memcpy (current, committed, sizeof current);
        for (int i = 0; i < n; i++) {
            int slot = s_pick (SLOTS);
            s_rec_t *next = s_random_state (slot, current[slot]);
            ops[i] = (s_op_t){current[slot], next};
            olds[i] = current[slot];
            current[slot] = next;
        }
        s_apply_ops (ops, (size_t) n, s_ref, true);
        for (int i = 0; i < n; i++)
            s_rec_destroy (&olds[i]);
        memcpy (committed, current, sizeof committed);
        groups++;
        changes += n;
        if (groups % 25 == 0) {
            s_reports_t r;
            int d = s_verify (&r);
            CHECK_INT (d, 0);
            if (d)
                fprintf (stderr, "after %d transactions: %s\n", groups,
                         r.last);
        }
    }
    size_t keys = s_rollup_keys ();
    printf ("test_rollup: %d changes in %d transactions, %zu rollup keys\n",
            changes, groups, keys);
    CHECK (keys > 20);
    s_reports_t reports;
    int differ = s_verify (&reports);
    CHECK_INT (differ, 0);
    CHECK_INT (reports.count, 0);
    if (reports.count)
        fprintf (stderr, "last difference: %s\n", reports.last);

    //  A corrupted counter is found, named, and only that one
    unsigned char key[128], val[8 * LNT_ROLLUP_S_COUNT], bad[sizeof val];
    size_t klen = 0, vlen = 0;
    CHECK (s_stored_at (s_rand (), key, &klen, val, &vlen));
    memcpy (bad, val, vlen);
    size_t at = 8 * (size_t) s_pick ((int) (vlen / 8)) + 7;
    bad[at] ^= 1;
    s_raw (key, klen, bad, vlen);
    CHECK_INT (s_verify (&reports), 1);
    CHECK_INT (reports.count, 1);
    CHECK (strstr (reports.last, " in the rollup, ") != NULL);
    CHECK (strstr (reports.last, " from the records") != NULL);
    printf ("test_rollup: corrupted: %s\n", reports.last);
    s_raw (key, klen, val, vlen);
    CHECK_INT (s_verify (&reports), 0);

    //  A key deleted is found
    s_raw (key, klen, NULL, 0);
    CHECK_INT (s_verify (&reports), 1);
    CHECK (reports.count >= 1);
    CHECK (strstr (reports.last, " is 0 in the rollup, ") != NULL);

    //  A key no record explains, and one that is no rollup key at all
    unsigned char extra[11] = {'S', '3', '5', '9', '8', 0, 0, 0, 0,
                               2030 >> 8, 2030 & 0xFF};
    unsigned char five[8 * LNT_ROLLUP_S_COUNT] = {0};
    five[7] = 5;
    s_raw (extra, sizeof extra, five, sizeof five);
    s_raw ("X", 1, "junk", 4);
    CHECK_INT (s_verify (&reports), 3);
    CHECK (reports.count >= 3);
    s_raw ("X", 1, NULL, 0);
    CHECK_INT (s_verify (&reports), 2);
    //  With the deleted key back, the extra key is the one difference
    s_raw (key, klen, val, vlen);
    CHECK_INT (s_verify (&reports), 1);
    CHECK_STR (reports.last, "office 3598 year 2030 suggestions: received is "
                             "5 in the rollup, 0 from the records");

    //  Rebuild mends it
    CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_rebuild_fn, s_ref),
               0);
    CHECK_INT (s_verify (&reports), 0);
    CHECK_INT (s_rollup_keys (), keys);

    //  A key of zeros only (flush never leaves one) is a difference too
    unsigned char zeros[8 * LNT_ROLLUP_R_COUNT] = {0};
    unsigned char zkey[11] = {'R', '3', '5', '9', '8', 0, 0, 0, 0,
                              2030 >> 8, 2030 & 0xFF};
    s_raw (zkey, sizeof zkey, zeros, sizeof zeros);
    CHECK_INT (s_verify (&reports), 1);
    CHECK_STR (reports.last, "office 3598 year 2030 action plan: all zeros, "
                             "kept in the rollup");
    s_raw (zkey, sizeof zkey, NULL, 0);
    CHECK_INT (s_verify (&reports), 0);

    //  A record written without its rollup is found
    int slot = 0;
    while (slot < SLOTS && (!committed[slot] || slot % 3 != 0
                            || committed[slot]->rec.sec[0].deleted))
        slot++;
    if (slot < SLOTS) {
        s_op_t op = {committed[slot], NULL};
        s_apply_ops (&op, 1, s_ref, false);
        differ = s_verify (&reports);
        CHECK (differ >= 1);
        printf ("test_rollup: record dropped without its rollup: %d keys "
                "differ, e.g. %s\n", differ, reports.last);
        CHECK_INT (lnt_store_write (lnt_node_store (s_hub), s_rebuild_fn,
                                    s_ref), 0);
        CHECK_INT (s_verify (&reports), 0);
        s_rec_destroy (&committed[slot]);
    }

    //  Everything taken away in one transaction leaves no key
    s_op_t all[SLOTS];
    size_t n = 0;
    for (int i = 0; i < SLOTS; i++)
        if (committed[i])
            all[n++] = (s_op_t){committed[i], NULL};
    s_apply_ops (all, n, s_ref, true);
    CHECK_INT (s_rollup_keys (), 0);
    CHECK_INT (s_verify (&reports), 0);
    for (int i = 0; i < SLOTS; i++)
        s_rec_destroy (&committed[i]);
}

//  ---- main --------------------------------------------------------------

static int
s_rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove (path);
}

//  The reference data of the data folder, and Makassar, a WITA office
static lnt_ref_t *
s_ref_new (void)
{
    lnt_ref_t *ref = lnt_ref_new ();
    if (!ref)
        s_fail ("out of memory");
    lnt_why_t why = {""};
    for (size_t i = 0; i < lnt_ref_part_count; i++) {
        char path[4096], *text;
        size_t len;
        snprintf (path, sizeof path, "%s/%s", s_ref_dir,
                  lnt_ref_parts[i].file);
        if (lnt_ref_read_file (path, &text, &len))
            s_fail (path);
        if (strcmp (lnt_ref_parts[i].name, "offices") == 0) {
            const char *more = "7371,73,kota,Makassar\n";
            char *longer = malloc (len + strlen (more) + 2);
            if (!longer)
                s_fail ("out of memory");
            len = (size_t) sprintf (longer, "%s%s%s", text,
                                    len && text[len - 1] != '\n' ? "\n" : "",
                                    more);
            free (text);
            text = longer;
        }
        if (lnt_ref_load (ref, lnt_ref_parts[i].name, text, len, &why))
            s_fail (why.text);
        free (text);
    }
    return ref;
}

int
main (int argc, char **argv)
{
    s_ref_dir = argc > 1 ? argv[1] : getenv ("LONTAR_REF");
    if (!s_ref_dir) {
        fprintf (stderr, "usage: test_rollup DATA-FOLDER [SEED]\n");
        return 64;
    }
    uint64_t seed = argc > 2 ? strtoull (argv[2], NULL, 10)
                             : (uint64_t) time (NULL) ^ (uint64_t) clock ();
    s_root = strdup ("/tmp/lnt-test-rollup-XXXXXX");
    if (!s_root || !mkdtemp (s_root)) {
        perror ("mkdtemp");
        return 1;
    }
    char dir[4096];
    snprintf (dir, sizeof dir, "%s/hub", s_root);
    lnt_why_t why = {""};
    if (lnt_node_init (dir, LNT_ROLE_HUB, "35", s_ref_dir, 0, &why)
        || lnt_node_open (dir, 0, &s_hub, &why)) {
        fprintf (stderr, "cannot make the hub's store: %s\n", why.text);
        return 1;
    }
    s_ref = s_ref_new ();
    CHECK_INT (lnt_ref_utc_offset (s_ref, "7371"), WITA);
    s_pending = lnt_rollup_new ();
    if (!s_pending)
        s_fail ("out of memory");

    s_test_percentile ();
    s_test_suggestions ();
    s_test_no_sla ();
    s_test_action_plan ();
    s_test_lke ();
    s_test_pending ();
    s_test_read ();
    s_test_property (seed);

    lnt_rollup_destroy (&s_pending);
    lnt_ref_destroy (&s_ref);
    lnt_node_destroy (&s_hub);
    nftw (s_root, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free (s_root);
    return LNT_TEST_DONE ();
}
