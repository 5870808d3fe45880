/*  lnt_query.c - answers to provincial staff's queries: offices,
    conflicts, dead-letters, rollup, and the record listings suggestions,
    rb and lke.                                                            */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_apply.h"
#include "lnt_csv.h"
#include "lnt_listing.h"
#include "lnt_out.h"
#include "lnt_record.h"
#include "lnt_rollup.h"
#include "lnt_score.h"
#include "lnt_query.h"
#include "lnt_replica.h"

/*  The value of a query argument, or NULL.                                */
static const char *
s_arg (const lnt_msg_t *q, const char *key)
{
    for (int i = 0; i < q->arg_count; i++)
        if (strcmp (q->args[i].key, key) == 0)
            return q->args[i].value;
    return NULL;
}

static void
s_time (lnt_out_t *out, int64_t ms, int offset)
{
    if (ms <= 0) {
        lnt_out_null (out);
        return;
    }
    char buf[17];
    lnt_time_format_local (ms, offset, buf);
    lnt_out_str (out, buf);
}

static void
s_hex (lnt_out_t *out, uint64_t value)
{
    char buf[17];
    snprintf (buf, sizeof buf, "%016llx", (unsigned long long) value);
    lnt_out_str (out, value ? buf : NULL);
}

static int
s_offices (lnt_node_t *hub, lnt_txn_t *txn, const lnt_msg_t *q,
           lnt_out_t *out, lnt_query_connected_fn *connected, void *arg)
{
    const lnt_ref_t *ref = lnt_node_ref (hub);
    const char *only = s_arg (q, "office");
    lnt_out_column (out, "office", "Office");
    lnt_out_column (out, "name", "Name");
    lnt_out_column (out, "connected", "Connected");
    lnt_out_column (out, "last_contact", "Last contact");
    lnt_out_column (out, "incarnation", "Incarnation");
    lnt_out_column (out, "acked", "Acked");
    lnt_out_column (out, "backlog", "Backlog");
    lnt_out_column (out, "conflicts", "Conflicts");
    lnt_out_column (out, "dead_letters", "Dead letters");
    lnt_out_column (out, "restores", "Restores");
    for (size_t i = 0; i < lnt_ref_office_count (ref); i++) {
        const lnt_ref_office_t *o = lnt_ref_office_at (ref, i);
        if (strcmp (o->province, lnt_node_code (hub)) != 0
            || (only && strcmp (only, o->code) != 0))
            continue;
        lnt_checkpoint_t cp;
        int rc = lnt_checkpoint_get (txn, o->code, &cp);
        if (rc && rc != LNT_ENOTFOUND)
            return rc;
        bool known = rc == 0;
        bool up = connected (o->code, arg);
        lnt_out_row (out);
        lnt_out_str (out, o->code);
        lnt_out_str (out, o->name);
        if (lnt_out_format (out) == LNT_OUT_JSON)
            lnt_out_bool (out, up);
        else
            lnt_out_str (out, up ? "yes" : "no");
        s_time (out, known ? cp.last_contact : 0,
                lnt_ref_utc_offset (ref, o->code));
        s_hex (out, known ? cp.incarnation : 0);
        lnt_out_int (out, known ? (int64_t) cp.acked : 0);
        lnt_out_int (out, known && cp.log_head > cp.acked
                              ? (int64_t) (cp.log_head - cp.acked)
                              : 0);
        lnt_out_int (out, known ? (int64_t) cp.conflicts : 0);
        lnt_out_int (out, known ? (int64_t) cp.dead : 0);
        lnt_out_int (out, known ? (int64_t) cp.restores : 0);
    }
    return 0;
}

/*  The office text names, when it is one of the hub's province; else
    NULL, having said so on out as the answer of query name (status 64).  */
static const lnt_ref_office_t *
s_province_office (lnt_node_t *hub, const char *name, const char *text,
                   FILE *out)
{
    const lnt_ref_office_t *o = lnt_node_province_office (hub, text);
    if (o)
        return o;
    fprintf (out, "%s: office \"%s\" is not an office of province %s "
             "(lontar-hub offices lists them)\n", name, text,
             lnt_node_code (hub));
    return NULL;
}

/*  A few words of a section's state, for a reader to tell two versions
    apart: a suggestion's subject, an item's activity, an answer or a
    verdict, or "(deleted)". Into buf; empty when it does not decode.     */
static const char *
s_summary (uint8_t kind, int section, const lnt_section_t *sec, char *buf,
           size_t size)
{
    static _Thread_local lnt_suggestion_t s;
    buf[0] = 0;
    if (sec->present && sec->deleted)
        snprintf (buf, size, "(deleted)");
    if (!sec->present || sec->deleted)
        return buf;
    if (section == LNT_SECTION_PROVINCE && kind == LNT_KIND_LKE_ANSWER) {
        lnt_lke_verdict_t v;
        if (lnt_codec_lke_verdict_decode (sec->body, sec->body_len, &v,
                                          NULL) == 0)
            snprintf (buf, size, "verified %s", v.answer);
    }
    else if (section != LNT_SECTION_OFFICE)
        ;
    else if (kind == LNT_KIND_SUGGESTION) {
        if (lnt_codec_suggestion_decode (sec->body, sec->body_len, &s,
                                         NULL) == 0)
            snprintf (buf, size, "%s", s.subject);
    }
    else if (kind == LNT_KIND_RB_ITEM) {
        lnt_rb_item_t r;
        if (lnt_codec_rb_item_decode (sec->body, sec->body_len, &r, NULL) == 0)
            snprintf (buf, size, "%s", r.activity);
    }
    else if (kind == LNT_KIND_LKE_ANSWER) {
        lnt_lke_answer_t a;
        if (lnt_codec_lke_answer_decode (sec->body, sec->body_len, &a,
                                         NULL) == 0)
            snprintf (buf, size, "answer %s", a.answer);
    }
    return buf;
}

static int
s_conflicts (lnt_node_t *hub, lnt_txn_t *txn, const lnt_msg_t *q,
             lnt_out_t *out)
{
    const lnt_ref_t *ref = lnt_node_ref (hub);
    const char *only = s_arg (q, "office");
    lnt_out_column (out, "id", "ID");
    lnt_out_column (out, "office", "Office");
    lnt_out_column (out, "section", "Section");
    lnt_out_column (out, "node", "Node");
    lnt_out_column (out, "version_time", "Written");
    lnt_out_column (out, "deleted", "Deleted");
    /* What the losing version said, and what the record holds instead:
       two suggestions that took the same number read apart here.       */
    lnt_out_column (out, "summary", "Lost version");
    lnt_out_column (out, "kept_summary", "Kept version");
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    int rc = lnt_cursor_open (txn, LNT_DB_CONFLICTS, &cur);
    if (rc)
        return rc;
    for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        lnt_change_t c;
        if (lnt_codec_change_decode (v, vl, &c, NULL) != 0
            || (only && strcmp (only, c.office) != 0))
            continue;
        lnt_out_row (out);
        lnt_out_str (out, c.id);
        lnt_out_str (out, c.office);
        lnt_out_str (out, c.section == LNT_SECTION_OFFICE ? "office"
                                                          : "province");
        s_hex (out, c.state.node);
        s_time (out, lnt_clock_ms (c.state.version),
                lnt_ref_utc_offset (ref, c.office));
        if (lnt_out_format (out) == LNT_OUT_JSON)
            lnt_out_bool (out, c.state.deleted);
        else
            lnt_out_str (out, c.state.deleted ? "yes" : "no");
        char lost[LNT_SHORT_MAX + 1], kept[LNT_SHORT_MAX + 1] = "";
        lnt_out_str (out, s_summary (c.kind, c.section, &c.state, lost,
                                     sizeof lost));
        lnt_record_t rec;
        if (lnt_node_get (txn, c.kind, c.id, &rec, NULL) == 0)
            s_summary (c.kind, c.section, &rec.sec[c.section], kept,
                       sizeof kept);
        lnt_out_str (out, kept);
    }
    lnt_cursor_close (&cur);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

static int
s_dead_letters (lnt_txn_t *txn, const lnt_msg_t *q, lnt_out_t *out)
{
    const char *only = s_arg (q, "office");
    lnt_out_column (out, "office", "Office");
    lnt_out_column (out, "incarnation", "Incarnation");
    lnt_out_column (out, "seq", "Seq");
    lnt_out_column (out, "id", "ID");
    lnt_out_column (out, "reason", "Reason");
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    int rc = lnt_cursor_open (txn, LNT_DB_DEAD, &cur);
    if (rc)
        return rc;
    for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        if (kl != 24)
            continue;
        const unsigned char *key = k;
        char office[9];
        memcpy (office, key, 8);
        office[8] = 0;
        if (only && strcmp (only, office) != 0)
            continue;
        const char *reason = v;
        size_t rlen = strnlen (reason, vl);
        lnt_change_t c;
        bool decoded = rlen < vl
                       && lnt_codec_change_decode (reason + rlen + 1,
                                                   vl - rlen - 1, &c, NULL)
                              == 0;
        char why[512];
        snprintf (why, sizeof why, "%.*s", (int) rlen, reason);
        lnt_out_row (out);
        lnt_out_str (out, office);
        s_hex (out, lnt_store_u64_key (key + 8));
        lnt_out_int (out, (int64_t) lnt_store_u64_key (key + 16));
        lnt_out_str (out, decoded ? c.id : NULL);
        lnt_out_str (out, why);
    }
    lnt_cursor_close (&cur);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}


/*  ---- rollup ---------------------------------------------------------------- */

/*  One row of the province table: an office, or the total.                */
typedef struct {
    int64_t s[LNT_ROLLUP_S_COUNT]; /* suggestion counters                   */
    int64_t s_overdue;             /* open and past the resolve due date    */
    int64_t r[LNT_ROLLUP_R_COUNT]; /* action-plan counters                  */
    int64_t r_overdue;             /* not done and past due                 */
    int64_t answers;               /* LKE answers                           */
    int64_t evidence;              /* of which with evidence                */
    int64_t verified;              /* answers the province verified         */
    lnt_score_sum_t score;         /* self-assessed scores (mean in total)  */
    lnt_score_sum_t checked;       /* verified scores                       */
    lnt_score_sum_t percent;       /* score / max * 100, for the grade      */
    int64_t max_points;            /* instrument's points, 1/10,000         */
    lnt_score_frac_t exact[3];     /* an office's exact score, percent and
                                      verified score, for the total (with
                                      --area: the area's score and
                                      verified score, 0 and 2)             */
    lnt_score_sum_t area_score;    /* --area: the area's self-assessed
                                      score (mean in total)                */
    lnt_score_sum_t area_checked;  /* --area: its verified score           */
    int64_t area_max;              /* --area: the area's points under the
                                      instrument, 1/10,000; 0 when it has
                                      no items there                      */
} s_row_t;

/*  The score plan of the last instrument asked for: the offices of a
    province mostly share one, and working a plan out is not free.       */
typedef struct {
    const lnt_ref_instrument_t *in; /* the instrument planned, or NULL    */
    int rc;                         /* lnt_score_plan's answer for it     */
    lnt_score_plan_t plan;          /* the plan when rc is 0              */
} s_plans_t;

/*  The plan of in, or NULL when it cannot be scored.                     */
static const lnt_score_plan_t *
s_plan (s_plans_t *plans, const lnt_ref_instrument_t *in)
{
    if (!in)
        return NULL;
    if (plans->in != in) {
        plans->in = in;
        plans->rc = lnt_score_plan (in, &plans->plan, NULL);
    }
    return plans->rc == 0 ? &plans->plan : NULL;
}

static void
s_row_init (s_row_t *row)
{
    memset (row, 0, sizeof *row);
    lnt_score_sum_init (&row->score);
    lnt_score_sum_init (&row->checked);
    lnt_score_sum_init (&row->percent);
    lnt_score_sum_init (&row->area_score);
    lnt_score_sum_init (&row->area_checked);
}

/*  A number of hundredths as a number with two decimals, or null.        */
static void
s_hundredths (lnt_out_t *out, bool have, int64_t value)
{
    if (have)
        lnt_out_fixed (out, value, 2);
    else
        lnt_out_null (out);
}

/*  The mean of items' progress (sum in LNT_ROLLUP_PROGRESS_UNIT per item)
    as hundredths of a percent, rounded half up; 0 with no items.         */
static int64_t
s_mean_percent (int64_t sum, int64_t items)
{
    if (items <= 0)
        return 0;
    __extension__ __int128 den = (__int128) items
                                 * (LNT_ROLLUP_PROGRESS_UNIT / 10000);
    return (int64_t) (((__int128) sum * 2 + den) / (2 * den));
}

static void
s_rollup_columns (lnt_out_t *out, bool wide)
{
    lnt_out_column (out, "office", wide ? NULL : "Office");
    lnt_out_column (out, "name", wide ? NULL : "Name");
    lnt_out_column (out, "suggestions.received", wide ? NULL : "Received");
    lnt_out_column (out, "suggestions.open", wide ? NULL : "Open");
    lnt_out_column (out, "suggestions.overdue", wide ? NULL : "Overdue");
    lnt_out_column (out, "suggestions.answered_in_time", wide ? NULL : "In time");
    lnt_out_column (out, "suggestions.median_days", wide ? NULL : "Median days");
    lnt_out_column (out, "suggestions.p90_days", wide ? NULL : "P90 days");
    if (wide) {
        for (int i = 0; i < LNT_ST_COUNT; i++) {
            char name[64];
            snprintf (name, sizeof name, "suggestions.by_status.%s",
                      lnt_word (LNT_WORD_STATUS, i));
            lnt_out_column (out, name, NULL);
        }
        for (int i = 0; i < LNT_CH_COUNT; i++) {
            char name[64];
            snprintf (name, sizeof name, "suggestions.by_channel.%s",
                      lnt_word (LNT_WORD_CHANNEL, i));
            lnt_out_column (out, name, NULL);
        }
        for (int i = 0; i < LNT_CL_COUNT; i++) {
            char name[64];
            snprintf (name, sizeof name, "suggestions.by_class.%s",
                      lnt_word (LNT_WORD_CLASS, i));
            lnt_out_column (out, name, NULL);
        }
    }
    lnt_out_column (out, "action_plan.items", wide ? NULL : "RB items");
    lnt_out_column (out, "action_plan.done", wide ? NULL : "Done");
    lnt_out_column (out, "action_plan.overdue", wide ? NULL : "Overdue");
    lnt_out_column (out, "action_plan.mean_progress", wide ? NULL : "Progress %");
    if (wide)
        for (int a = 1; a <= 8; a++) {
            char name[64];
            snprintf (name, sizeof name, "action_plan.areas.%d.items", a);
            lnt_out_column (out, name, NULL);
            snprintf (name, sizeof name, "action_plan.areas.%d.done", a);
            lnt_out_column (out, name, NULL);
            snprintf (name, sizeof name, "action_plan.areas.%d.mean_progress",
                      a);
            lnt_out_column (out, name, NULL);
        }
    lnt_out_column (out, "lke.answers", wide ? NULL : "LKE answers");
    lnt_out_column (out, "lke.score", wide ? NULL : "Score");
    lnt_out_column (out, "lke.verified_score", wide ? NULL : "Verified");
    lnt_out_column (out, "lke.max", wide ? NULL : "Max");
    lnt_out_column (out, "lke.grade", wide ? NULL : "Grade");
    lnt_out_column (out, "lke.evidence_share", wide ? NULL : "Evidence");
}

/*  Days to the first response, or null when negative (no response). The
    rollup counts a year or more as 366 days: the table says ">365".      */
static void
s_days (lnt_out_t *out, int days)
{
    if (days < 0)
        lnt_out_null (out);
    else if (days >= 366)
        lnt_out_int_as (out, days, ">365");
    else
        lnt_out_int (out, days);
}

static void
s_rollup_row (lnt_out_t *out, const lnt_ref_t *ref, const char *office,
              const char *name, const s_row_t *row, bool wide)
{
    lnt_out_row (out);
    lnt_out_str (out, office);
    lnt_out_str (out, name);
    const int64_t *s = row->s;
    lnt_out_int (out, s[LNT_ROLLUP_S_RECEIVED]);
    lnt_out_int (out, s[LNT_ROLLUP_S_OPEN]);
    lnt_out_int (out, row->s_overdue);
    lnt_out_int (out, s[LNT_ROLLUP_S_IN_TIME]);
    s_days (out, lnt_rollup_percentile (s + LNT_ROLLUP_S_DAYS, 50));
    s_days (out, lnt_rollup_percentile (s + LNT_ROLLUP_S_DAYS, 90));
    if (wide) {
        for (int i = 0; i < LNT_ST_COUNT; i++)
            lnt_out_int (out, s[LNT_ROLLUP_S_STATUS + i]);
        for (int i = 0; i < LNT_CH_COUNT; i++)
            lnt_out_int (out, s[LNT_ROLLUP_S_CHANNEL + i]);
        for (int i = 0; i < LNT_CL_COUNT; i++)
            lnt_out_int (out, s[LNT_ROLLUP_S_CLASS + i]);
    }
    const int64_t *r = row->r;
    lnt_out_int (out, r[LNT_ROLLUP_R_ITEMS]);
    lnt_out_int (out, r[LNT_ROLLUP_R_DONE]);
    lnt_out_int (out, row->r_overdue);
    s_hundredths (out, r[LNT_ROLLUP_R_ITEMS] > 0,
                  s_mean_percent (r[LNT_ROLLUP_R_PROGRESS],
                                  r[LNT_ROLLUP_R_ITEMS]));
    if (wide)
        for (int a = 0; a < 8; a++) {
            const int64_t *ar = r + LNT_ROLLUP_R_AREA + 3 * a;
            lnt_out_int (out, ar[0]);
            lnt_out_int (out, ar[1]);
            s_hundredths (out, ar[0] > 0, s_mean_percent (ar[2], ar[0]));
        }
    bool scored = row->score.count > 0;
    lnt_out_int (out, row->answers);
    s_hundredths (out, scored, lnt_score_sum_mean (&row->score));
    s_hundredths (out, row->checked.count > 0,
                  lnt_score_sum_mean (&row->checked));
    s_hundredths (out, row->max_points > 0, row->max_points / 100);
    const lnt_ref_band_t *band
        = scored ? lnt_ref_grade (ref, (int) lnt_score_sum_mean (&row->percent))
                 : NULL;
    lnt_out_str (out, band ? band->grade : NULL);
    /* Ten-thousandths, rounded half up in integers.                      */
    if (row->answers > 0)
        lnt_out_fixed (out, (20000 * row->evidence + row->answers)
                                / (2 * row->answers), 4);
    else
        lnt_out_null (out);
}

/*  The columns of the table for one area of change (--area): what the
    rollups keep per area. Overdue items and the share with evidence are
    kept per office and year only, and suggestions have no area.          */
static void
s_area_columns (lnt_out_t *out, bool wide)
{
    lnt_out_column (out, "office", wide ? NULL : "Office");
    lnt_out_column (out, "name", wide ? NULL : "Name");
    lnt_out_column (out, "action_plan.items", wide ? NULL : "RB items");
    lnt_out_column (out, "action_plan.done", wide ? NULL : "Done");
    lnt_out_column (out, "action_plan.mean_progress", wide ? NULL : "Progress %");
    lnt_out_column (out, "lke.score", wide ? NULL : "Score");
    lnt_out_column (out, "lke.verified_score", wide ? NULL : "Verified");
    lnt_out_column (out, "lke.max", wide ? NULL : "Max");
}

static void
s_area_row (lnt_out_t *out, const char *office, const char *name,
            const s_row_t *row, int area)
{
    lnt_out_row (out);
    lnt_out_str (out, office);
    lnt_out_str (out, name);
    const int64_t *ar = row->r + LNT_ROLLUP_R_AREA + 3 * (area - 1);
    lnt_out_int (out, ar[0]);
    lnt_out_int (out, ar[1]);
    s_hundredths (out, ar[0] > 0, s_mean_percent (ar[2], ar[0]));
    s_hundredths (out, row->area_score.count > 0,
                  lnt_score_sum_mean (&row->area_score));
    s_hundredths (out, row->area_checked.count > 0,
                  lnt_score_sum_mean (&row->area_checked));
    s_hundredths (out, row->area_max > 0, row->area_max / 100);
}

/*  Reads one office's row for a year, as of today (local day); with area
    1-8 also that area's LKE score (0: none).                            */
static int
s_rollup_office (lnt_txn_t *txn, const lnt_ref_t *ref, s_plans_t *plans,
                 const char *office, int year, int area, int32_t today,
                 s_row_t *row)
{
    s_row_init (row);
    int rc;
    if ((!area && (rc = lnt_rollup_read (txn, 'S', office, year, NULL, row->s,
                                         LNT_ROLLUP_S_COUNT)))
        || (rc = lnt_rollup_read (txn, 'R', office, year, NULL, row->r,
                                  LNT_ROLLUP_R_COUNT)))
        return rc;
    if (!area) {
        row->s_overdue = lnt_rollup_due_before (txn, 'D', office, year, today);
        row->r_overdue = lnt_rollup_due_before (txn, 'P', office, year, today);
        if (row->s_overdue < 0)
            return (int) row->s_overdue;
        if (row->r_overdue < 0)
            return (int) row->r_overdue;
    }
    /* The office-year's instrument: the one instrument-years assigns,
       else the 2020 'pemenuhan' one.                                    */
    const lnt_ref_instrument_t *in
        = lnt_ref_instrument (ref, lnt_ref_instrument_for (ref, office, year));
    const lnt_score_plan_t *plan = s_plan (plans, in);
    if (!plan)
        return 0;
    row->max_points = plan->max_points;
    int64_t l[LNT_ROLLUP_L_COUNT];
    if ((rc = lnt_rollup_read (txn, 'L', office, year, in->id, l,
                               LNT_ROLLUP_L_COUNT)))
        return rc;
    row->answers = l[LNT_ROLLUP_L_ANSWERS];
    row->evidence = l[LNT_ROLLUP_L_EVIDENCE];
    row->verified = l[LNT_ROLLUP_L_VERIFIED];
    if (area) {
        if (plan->area_rel_sum[area - 1] <= 0)
            return 0; /* no items of the area under this instrument      */
        row->area_max = plan->area_weight[area - 1];
        row->exact[0] = lnt_score_area_exact (plan, area,
                                              l[LNT_ROLLUP_L_SELF + area - 1]);
        row->exact[2] = lnt_score_area_exact (
            plan, area, l[LNT_ROLLUP_L_CHECKED + area - 1]);
        if (row->answers > 0)
            lnt_score_sum_add (&row->area_score, row->exact[0]);
        if (row->verified > 0)
            lnt_score_sum_add (&row->area_checked, row->exact[2]);
        return 0;
    }
    row->exact[0] = lnt_score_exact (plan, l + LNT_ROLLUP_L_SELF);
    row->exact[1] = lnt_score_percent_exact (plan, l + LNT_ROLLUP_L_SELF);
    row->exact[2] = lnt_score_exact (plan, l + LNT_ROLLUP_L_CHECKED);
    if (row->answers > 0) {
        lnt_score_sum_add (&row->score, row->exact[0]);
        lnt_score_sum_add (&row->percent, row->exact[1]);
    }
    if (row->verified > 0)
        lnt_score_sum_add (&row->checked, row->exact[2]);
    return 0;
}

/*  Adds an office's row to the total: counters summed, scores pooled
    into means over offices that answered, evidence pooled.              */
static void
s_rollup_total (s_row_t *total, const s_row_t *row)
{
    for (int i = 0; i < LNT_ROLLUP_S_COUNT; i++)
        total->s[i] += row->s[i];
    for (int i = 0; i < LNT_ROLLUP_R_COUNT; i++)
        total->r[i] += row->r[i];
    total->s_overdue += row->s_overdue;
    total->r_overdue += row->r_overdue;
    total->answers += row->answers;
    total->evidence += row->evidence;
    total->verified += row->verified;
    if (row->max_points > total->max_points)
        total->max_points = row->max_points;
    if (row->area_max > total->area_max)
        total->area_max = row->area_max;
    /* Means over the offices that answered (or were verified), each
       office's exact value counted once and rounded once at the end.  */
    if (row->score.count > 0) {
        lnt_score_sum_add (&total->score, row->exact[0]);
        lnt_score_sum_add (&total->percent, row->exact[1]);
    }
    if (row->checked.count > 0)
        lnt_score_sum_add (&total->checked, row->exact[2]);
    if (row->area_score.count > 0)
        lnt_score_sum_add (&total->area_score, row->exact[0]);
    if (row->area_checked.count > 0)
        lnt_score_sum_add (&total->area_checked, row->exact[2]);
}

/*  The province's name from the provinces part of the reference data in
    the store (lnt_ref keeps only its time zone) into name; its code when
    the part has no name for it.                                          */
static void
s_province_name (lnt_txn_t *txn, const char *code, char *name, size_t size)
{
    snprintf (name, size, "%s", code);
    const void *text;
    size_t len;
    if (lnt_txn_get (txn, LNT_DB_REF, "provinces", 9, &text, &len) != 0)
        return;
    FILE *file = fmemopen ((void *) text, len, "r");
    lnt_csv_t *csv = file ? lnt_csv_new (file, 256, 8) : NULL;
    int n;
    while (csv && ((n = lnt_csv_next (csv)) > 0 || n == LNT_EINVAL))
        if (n >= 4 && strcmp (lnt_csv_field (csv, 0), code) == 0
            && *lnt_csv_field (csv, 3)) {
            snprintf (name, size, "%s", lnt_csv_field (csv, 3));
            break;
        }
    lnt_csv_destroy (&csv);
    if (file)
        fclose (file);
}

/*  Parses a query's number argument from lo to hi into *value; false when
    it is not one.                                                          */
static bool
s_arg_int (const char *text, long lo, long hi, int *value)
{
    char *end;
    long n = strtol (text, &end, 10);
    if (end == text || *end || n < lo || n > hi)
        return false;
    *value = (int) n;
    return true;
}

static int
s_rollup (lnt_node_t *hub, lnt_txn_t *txn, const lnt_msg_t *q,
          lnt_out_format_t format, FILE *stream)
{
    const lnt_ref_t *ref = lnt_node_ref (hub);
    const char *only = s_arg (q, "office");
    const char *year_text = s_arg (q, "year");
    const char *area_text = s_arg (q, "area");
    int64_t now = lnt_time_now_ms ();
    int offset = lnt_ref_utc_offset (ref, lnt_node_code (hub));
    int32_t today = lnt_time_local_day (now, offset);
    int year, mon, mday, area = 0;
    lnt_date_to_ymd (today, &year, &mon, &mday);
    if (year_text && !s_arg_int (year_text, 2000, 2100, &year)) {
        fprintf (stream, "year \"%s\" is not a year from 2000 to 2100\n",
                 year_text);
        return LNT_EUSAGE;
    }
    if (area_text && !s_arg_int (area_text, 1, 8, &area)) {
        fprintf (stream, "area \"%s\" is not an area of change from 1 to 8\n",
                 area_text);
        return LNT_EUSAGE;
    }
    const lnt_ref_office_t *one = only ? s_province_office (hub, "rollup",
                                                            only, stream)
                                       : NULL;
    if (only && !one)
        return LNT_EUSAGE;
    bool wide = format != LNT_OUT_TABLE;
    lnt_out_t *offices = lnt_out_new (format);
    lnt_out_t *total = lnt_out_new (format);
    if (!offices || !total) {
        lnt_out_destroy (&offices);
        lnt_out_destroy (&total);
        return LNT_ENOMEM;
    }
    if (area) {
        s_area_columns (offices, wide);
        s_area_columns (total, wide);
    }
    else {
        s_rollup_columns (offices, wide);
        s_rollup_columns (total, wide);
    }
    s_plans_t plans = {0};
    s_row_t row, sum;
    s_row_init (&sum);
    int rc = 0;
    for (size_t i = 0; !rc && i < lnt_ref_office_count (ref); i++) {
        const lnt_ref_office_t *o = lnt_ref_office_at (ref, i);
        if (strcmp (o->province, lnt_node_code (hub)) != 0
            || (only && strcmp (only, o->code) != 0))
            continue;
        if ((rc = s_rollup_office (txn, ref, &plans, o->code, year, area,
                                   today, &row)))
            break;
        if (area)
            s_area_row (offices, o->code, o->name, &row, area);
        else
            s_rollup_row (offices, ref, o->code, o->name, &row, wide);
        s_rollup_total (&sum, &row);
    }
    /* The total, in the listing of its own (json) or as the last row. Its
       name is the province's code for programs (docs/ROLLUP.md); the
       table names the province, or with --office the one office.      */
    lnt_out_t *last = format == LNT_OUT_JSON ? total : offices;
    char name[96];
    if (wide)
        snprintf (name, sizeof name, "%s", lnt_node_code (hub));
    else if (one)
        snprintf (name, sizeof name, "%s only", one->name);
    else
        s_province_name (txn, lnt_node_code (hub), name, sizeof name);
    if (!rc && area)
        s_area_row (last, "total", name, &sum, area);
    else if (!rc)
        s_rollup_row (last, ref, "total", name, &sum, wide);
    if (!rc && format == LNT_OUT_JSON) {
        fprintf (stream, "{\"year\": %d, \"province\": ", year);
        lnt_out_json_string (stream, lnt_node_code (hub));
        if (area)
            fprintf (stream, ", \"area\": %d", area);
        fprintf (stream, ",\n\"offices\": ");
        lnt_out_print (offices, stream);
        fprintf (stream, ",\n\"total\": ");
        lnt_out_print_one (total, stream);
        fprintf (stream, "}\n");
    }
    else if (!rc) {
        if (format == LNT_OUT_TABLE && area)
            fprintf (stream, "Province %s, year %d, area of change %d\n",
                     lnt_node_code (hub), year, area);
        else if (format == LNT_OUT_TABLE)
            fprintf (stream, "Province %s, year %d, as of today\n",
                     lnt_node_code (hub), year);
        lnt_out_print (offices, stream);
    }
    lnt_out_destroy (&offices);
    lnt_out_destroy (&total);
    return rc;
}


/*  ---- record listings: suggestions, rb, lke ----------------------------- */

/*  A yes/no filter: either, only "no", only "yes".                         */
#define S_ANY -1
#define S_NO 0
#define S_YES 1

/*  The filters of a record listing, parsed from the query's arguments.     */
typedef struct {
    const char *office; /* only this office's records, or NULL              */
    int year;           /* only this year, or 0                              */
    int status;         /* only this status (suggestion or rb word), or -1   */
    int class_;         /* suggestions: only this class, or -1               */
    int area;           /* rb: only this area of change, or 0                */
    const char *item;   /* lke: only this item code, or NULL                 */
    int overdue;        /* S_ANY, S_NO, S_YES: overdue as of now             */
    int open;           /* suggestions: S_ANY, S_NO (closed), S_YES (open)   */
    int verified;       /* lke: S_ANY, S_NO, S_YES: the province verified it */
    int32_t from;       /* suggestions: received on or after this local day  */
    int32_t to;         /* suggestions: received on or before this local day */
} s_filter_t;

/*  A record listing: its query name, kind, and the arguments it takes (in
    the order a refusal lists them).                                       */
typedef struct {
    const char *name;        /* query name                                 */
    uint8_t kind;            /* lnt_kind_t of its records                  */
    const char *args[9];     /* argument keys, NULL-terminated             */
} s_listing_t;

static const s_listing_t s_listings[] = {
    {"suggestions", LNT_KIND_SUGGESTION,
     {"office", "status", "class", "overdue", "open", "from", "to", "year",
      NULL}},
    {"rb", LNT_KIND_RB_ITEM, {"office", "year", "area", "status", "overdue",
                              NULL}},
    {"lke", LNT_KIND_LKE_ANSWER, {"office", "year", "item", "verified", NULL}},
};

/*  The listing named name, or NULL.                                        */
static const s_listing_t *
s_listing (const char *name)
{
    for (size_t i = 0; i < sizeof s_listings / sizeof s_listings[0]; i++)
        if (strcmp (s_listings[i].name, name) == 0)
            return &s_listings[i];
    return NULL;
}

/*  A whole number of digits only, in [lo, hi]: 0, or -1.                  */
static int
s_number (const char *text, int lo, int hi, int *value)
{
    size_t n = strlen (text);
    if (n < 1 || n > 9 || strspn (text, "0123456789") != n)
        return -1;
    int v = atoi (text);
    if (v < lo || v > hi)
        return -1;
    *value = v;
    return 0;
}

/*  "yes" or "no": 0, or -1.                                                */
static int
s_yes_no (const char *text, int *value)
{
    if (strcmp (text, "yes") == 0)
        *value = S_YES;
    else if (strcmp (text, "no") == 0)
        *value = S_NO;
    else
        return -1;
    return 0;
}

/*  Is code an item of an instrument the hub holds: every part
    "instrument/ID" of its store, as its reference data has parsed it.    */
static bool
s_item_known (lnt_txn_t *txn, const lnt_ref_t *ref, const char *code)
{
    static const char prefix[] = "instrument/";
    const size_t plen = sizeof prefix - 1;
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    bool known = false;
    if (lnt_cursor_open (txn, LNT_DB_REF, &cur) != 0)
        return false;
    for (int rc = lnt_cursor_seek (cur, prefix, plen, &k, &kl, &v, &vl);
         rc == 0 && !known && kl > plen && memcmp (k, prefix, plen) == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        char id[LNT_INSTRUMENT_MAX + 1];
        if (kl - plen > LNT_INSTRUMENT_MAX)
            continue;
        memcpy (id, (const char *) k + plen, kl - plen);
        id[kl - plen] = 0;
        const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, id);
        known = in && lnt_ref_item (in, code);
    }
    lnt_cursor_close (&cur);
    return known;
}

/*  Parses the query's arguments into f. Returns 0, or 64 with the reason
    written to stream: an argument the listing does not take, one given
    twice, or a bad value.                                                 */
static int
s_filter_parse (lnt_node_t *hub, lnt_txn_t *txn, const s_listing_t *listing,
                const lnt_msg_t *q, s_filter_t *f, FILE *stream)
{
    const lnt_ref_t *ref = lnt_node_ref (hub);
    *f = (s_filter_t) {NULL, 0, -1, -1, 0, NULL, S_ANY, S_ANY, S_ANY,
                       INT32_MIN, INT32_MAX};
    const char *name = listing->name;
    for (int i = 0; i < q->arg_count; i++) {
        const char *key = q->args[i].key, *value = q->args[i].value;
        bool takes = false;
        for (int j = 0; listing->args[j] && !takes; j++)
            takes = strcmp (listing->args[j], key) == 0;
        if (!takes) {
            fprintf (stream, "%s takes no argument \"%s\"; it takes ", name,
                     key);
            for (int j = 0; listing->args[j]; j++)
                fprintf (stream, "%s%s", j ? ", " : "", listing->args[j]);
            fprintf (stream, "\n");
            return 64;
        }
        for (int j = 0; j < i; j++)
            if (strcmp (q->args[j].key, key) == 0) {
                fprintf (stream, "%s: argument \"%s\" is given twice\n", name,
                         key);
                return 64;
            }
        lnt_why_t why = {""};
        int bad = 0;
        if (strcmp (key, "office") == 0) {
            const lnt_ref_office_t *o = s_province_office (hub, name, value,
                                                           stream);
            if (!o)
                return 64;
            f->office = o->code;
        }
        else if (strcmp (key, "year") == 0)
            bad = s_number (value, 2000, 2100, &f->year);
        else if (strcmp (key, "area") == 0)
            bad = s_number (value, 1, 8, &f->area);
        else if (strcmp (key, "status") == 0)
            bad = lnt_word_parse (listing->kind == LNT_KIND_RB_ITEM
                                      ? LNT_WORD_RB_STATUS
                                      : LNT_WORD_STATUS,
                                  value, &f->status, &why);
        else if (strcmp (key, "class") == 0)
            bad = lnt_word_parse (LNT_WORD_CLASS, value, &f->class_, &why);
        else if (strcmp (key, "overdue") == 0)
            bad = s_yes_no (value, &f->overdue);
        else if (strcmp (key, "open") == 0)
            bad = s_yes_no (value, &f->open);
        else if (strcmp (key, "verified") == 0)
            bad = s_yes_no (value, &f->verified);
        else if (strcmp (key, "from") == 0)
            bad = lnt_date_parse (value, &f->from);
        else if (strcmp (key, "to") == 0)
            bad = lnt_date_parse (value, &f->to);
        else if (strcmp (key, "item") == 0) {
            if (!s_item_known (txn, ref, value)) {
                fprintf (stream, "%s: item \"%s\" is not an item of any "
                         "instrument the hub holds (such as A1.3)\n", name,
                         value);
                return 64;
            }
            f->item = value;
        }
        if (bad) {
            if (why.text[0])
                fprintf (stream, "%s: %s\n", name, why.text);
            else
                fprintf (stream, "%s: %s \"%s\" is not %s\n", name, key, value,
                         strcmp (key, "year") == 0   ? "a year 2000-2100"
                         : strcmp (key, "area") == 0 ? "an area of change 1-8"
                         : strcmp (key, "from") == 0 || strcmp (key, "to") == 0
                             ? "a date YYYY-MM-DD"
                             : "yes or no");
            return 64;
        }
    }
    if (f->from > f->to) {
        char from[11], to[11];
        lnt_date_format (f->from, from);
        lnt_date_format (f->to, to);
        fprintf (stream, "%s: from %s is after to %s\n", name, from, to);
        return 64;
    }
    return 0;
}

/*  Called for each record of a range; returns 0 to go on, anything else
    to stop (and s_each returns it).                                       */
typedef int (s_each_fn) (const lnt_record_t *rec, void *arg);

/*  Calls fn on each record of kind whose id begins with prefix, in key
    order: a cursor over that range of keys, nothing outside it read.    */
static int
s_each (lnt_txn_t *txn, uint8_t kind, const char *prefix, s_each_fn *fn,
        void *arg)
{
    char key[LNT_ID_MAX + 2];
    size_t plen = strlen (prefix);
    assert (plen <= LNT_ID_MAX);
    key[0] = (char) kind;
    memcpy (key + 1, prefix, plen);
    size_t klen = plen + 1;
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    int rc = lnt_cursor_open (txn, LNT_DB_RECORDS, &cur);
    if (rc)
        return rc;
    for (rc = lnt_cursor_seek (cur, key, klen, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        if (kl < klen || memcmp (k, key, klen) != 0) {
            rc = LNT_ENOTFOUND; /* past the range                         */
            break;
        }
        lnt_record_t rec;
        if ((rc = lnt_codec_record_decode (v, vl, &rec, NULL))
            || (rc = fn (&rec, arg)))
            break;
    }
    lnt_cursor_close (&cur);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

/*  A listing being built.                                                  */
typedef struct {
    const lnt_ref_t *ref;     /* the hub's reference data                   */
    const s_filter_t *f;      /* the filters                                */
    lnt_out_t *out;           /* the rows                                   */
    lnt_out_format_t format;  /* their format                               */
    int64_t now;              /* now, ms UTC: due dates and overdue         */
    size_t bytes;             /* a generous estimate of the answer so far   */
    bool too_big;             /* stopped: the answer would pass the limit   */
    lnt_suggestion_t s;       /* scratch: a suggestion                      */
    lnt_rb_item_t r;          /* scratch: an action-plan item               */
    lnt_lke_answer_t a;       /* scratch: an LKE answer                     */
    lnt_lke_verdict_t v;      /* scratch: its verdict                       */
} s_list_t;

#define S_STOP 1 /* s_each_fn: stop, the answer is too large               */

/*  Counts a row's bytes; false (and too_big) once past the answer's limit,
    so that a province-wide listing stops early instead of building rows
    that cannot be sent.                                                   */
static bool
s_room (s_list_t *l, size_t bytes)
{
    l->bytes += bytes + 512;
    l->too_big = l->bytes > LNT_REPLY_MAX;
    return !l->too_big;
}

static int
s_suggestion_one (const lnt_record_t *rec, void *arg)
{
    s_list_t *l = arg;
    const s_filter_t *f = l->f;
    lnt_suggestion_t *s = &l->s;
    if (!rec->sec[0].present || rec->sec[0].deleted)
        return 0;
    memset (s, 0, sizeof *s);
    int rc = lnt_codec_suggestion_decode (rec->sec[0].body,
                                          rec->sec[0].body_len, s, NULL);
    if (rc)
        return rc;
    snprintf (s->id, sizeof s->id, "%s", rec->id);
    snprintf (s->office, sizeof s->office, "%s", rec->office);
    /* The office never sends a confidential suggestion's text (the merge
       refuses one that has it); should a record hold it all the same,
       it does not leave the hub either.                                 */
    if (s->privacy == LNT_PR_CONFIDENTIAL)
        s->text[0] = 0;
    int32_t day = lnt_time_local_day (s->received,
                                      lnt_ref_utc_offset (l->ref, s->office));
    int year, mon, mday;
    lnt_date_to_ymd (day, &year, &mon, &mday);
    if ((f->year && year != f->year)
        || (f->status >= 0 && s->status != f->status)
        || (f->class_ >= 0 && s->class_ != f->class_) || day < f->from
        || day > f->to
        || (f->open != S_ANY
            && lnt_status_is_open (s->status) != (f->open == S_YES))
        || (f->overdue != S_ANY
            && lnt_listing_suggestion_overdue (s, l->ref, l->now)
                   != (f->overdue == S_YES)))
        return 0;
    size_t bytes = strlen (s->subject) + strlen (s->category);
    if (l->format != LNT_OUT_TABLE)
        bytes += strlen (s->text) + strlen (s->response);
    if (!s_room (l, bytes))
        return S_STOP;
    lnt_listing_suggestion_row (l->out, l->format, s, l->ref, l->now);
    return 0;
}

static int
s_rb_one (const lnt_record_t *rec, void *arg)
{
    s_list_t *l = arg;
    const s_filter_t *f = l->f;
    lnt_rb_item_t *r = &l->r;
    if (!rec->sec[0].present || rec->sec[0].deleted)
        return 0;
    memset (r, 0, sizeof *r);
    int rc = lnt_codec_rb_item_decode (rec->sec[0].body, rec->sec[0].body_len,
                                       r, NULL);
    if (rc)
        return rc;
    snprintf (r->id, sizeof r->id, "%s", rec->id);
    snprintf (r->office, sizeof r->office, "%s", rec->office);
    if ((f->year && r->year != f->year) || (f->area && r->area != f->area)
        || (f->status >= 0 && r->status != f->status)
        || (f->overdue != S_ANY
            && lnt_listing_rb_overdue (r, l->ref, l->now)
                   != (f->overdue == S_YES)))
        return 0;
    size_t bytes = strlen (r->activity) + strlen (r->unit);
    if (l->format != LNT_OUT_TABLE)
        bytes += strlen (r->programme) + strlen (r->sub_activity)
                 + strlen (r->indicator) + strlen (r->person)
                 + strlen (r->evidence);
    if (!s_room (l, bytes))
        return S_STOP;
    lnt_listing_rb_row (l->out, l->format, r, l->ref, l->now);
    return 0;
}

static int
s_lke_one (const lnt_record_t *rec, void *arg)
{
    s_list_t *l = arg;
    const s_filter_t *f = l->f;
    lnt_lke_answer_t *a = &l->a;
    if (!rec->sec[0].present || rec->sec[0].deleted)
        return 0;
    memset (a, 0, sizeof *a);
    int rc = lnt_codec_lke_answer_decode (rec->sec[0].body,
                                          rec->sec[0].body_len, a, NULL);
    if (rc)
        return rc;
    snprintf (a->id, sizeof a->id, "%s", rec->id);
    snprintf (a->office, sizeof a->office, "%s", rec->office);
    memset (&l->v, 0, sizeof l->v);
    bool verified = rec->sec[1].present && !rec->sec[1].deleted
                    && lnt_codec_lke_verdict_decode (rec->sec[1].body,
                                                     rec->sec[1].body_len,
                                                     &l->v, NULL)
                           == 0;
    if ((f->year && a->year != f->year)
        || (f->item && strcmp (a->item, f->item) != 0)
        || (f->verified != S_ANY && verified != (f->verified == S_YES)))
        return 0;
    size_t bytes = 128;
    if (l->format != LNT_OUT_TABLE)
        bytes += strlen (a->justification) + strlen (a->evidence)
                 + strlen (l->v.note);
    if (!s_room (l, bytes))
        return S_STOP;
    lnt_listing_lke_row (l->out, l->format, a, verified ? &l->v : NULL,
                         l->ref);
    return 0;
}

/*  Answers a record listing into stream. Returns a store error, or 0 and
    sets *status: 0 (the listing is printed) or 64 (the reason is).      */
static int
s_records (lnt_node_t *hub, lnt_txn_t *txn, const s_listing_t *listing,
           const lnt_msg_t *q, lnt_out_t *out, FILE *stream, int *status)
{
    s_filter_t f;
    if ((*status = s_filter_parse (hub, txn, listing, q, &f, stream)))
        return 0;
    s_list_t *l = calloc (1, sizeof *l);
    if (!l)
        return LNT_ENOMEM;
    l->ref = lnt_node_ref (hub);
    l->f = &f;
    l->out = out;
    l->format = lnt_out_format (out);
    l->now = lnt_time_now_ms ();
    /* The range of keys to read: ids begin with the office, and those of
       suggestions and LKE answers go on with the year (the merge checks
       both), so an office, or an office and a year, is a prefix. The
       filters are applied to each record all the same.                  */
    char prefix[LNT_ID_MAX + 1] = "";
    if (f.office && f.year && listing->kind == LNT_KIND_SUGGESTION)
        snprintf (prefix, sizeof prefix, "%s-%d-", f.office, f.year);
    else if (f.office && f.year && listing->kind == LNT_KIND_LKE_ANSWER)
        snprintf (prefix, sizeof prefix, "%s-LKE-%d-%s", f.office, f.year,
                  f.item ? f.item : "");
    else if (f.office)
        snprintf (prefix, sizeof prefix, "%s-", f.office);
    s_each_fn *fn = listing->kind == LNT_KIND_SUGGESTION ? s_suggestion_one
                    : listing->kind == LNT_KIND_RB_ITEM  ? s_rb_one
                                                         : s_lke_one;
    if (listing->kind == LNT_KIND_SUGGESTION)
        lnt_listing_suggestion_columns (out, l->format);
    else if (listing->kind == LNT_KIND_RB_ITEM)
        lnt_listing_rb_columns (out, l->format);
    else
        lnt_listing_lke_columns (out, l->format);
    int rc = s_each (txn, listing->kind, prefix, fn, l);
    if (rc == S_STOP)
        rc = 0;
    char *text = NULL;
    size_t size = 0;
    FILE *mem = NULL;
    if (!rc && !l->too_big) {
        mem = open_memstream (&text, &size);
        if (!mem)
            rc = LNT_ENOMEM;
        else {
            lnt_out_print (out, mem);
            if (fclose (mem) != 0)
                rc = LNT_ENOMEM;
            l->too_big = !rc && size > LNT_REPLY_MAX;
        }
    }
    if (!rc && l->too_big) {
        fprintf (stream, "%s: the answer would be larger than %d MiB; "
                 "narrow it with --office, --year or another filter\n",
                 listing->name, LNT_REPLY_MAX >> 20);
        *status = 64;
    }
    else if (!rc)
        fwrite (text, 1, size, stream);
    free (text);
    free (l);
    return rc;
}

/*  For the queries that take only an office: 0 when its office argument
    is absent or one of the hub's province, else 64 with a message, as
    the record listings answer.                                           */
static int
s_office_arg (lnt_node_t *hub, const lnt_msg_t *q, FILE *out)
{
    const char *only = s_arg (q, "office");
    return !only || s_province_office (hub, q->text, only, out) ? 0 : 64;
}

int
lnt_query_answer (lnt_node_t *hub, const lnt_msg_t *q,
                  lnt_query_connected_fn *connected, void *arg, FILE *out)
{
    lnt_out_t *listing = lnt_out_new ((lnt_out_format_t) q->format);
    lnt_txn_t *txn = NULL;
    int rc = listing ? lnt_store_read (lnt_node_store (hub), &txn)
                     : LNT_ENOMEM;
    int status = 0;
    if (rc)
        ;
    else if ((strcmp (q->text, "offices") == 0
              || strcmp (q->text, "conflicts") == 0
              || strcmp (q->text, "dead-letters") == 0)
             && (status = s_office_arg (hub, q, out)) != 0)
        ;
    else if (strcmp (q->text, "offices") == 0)
        rc = s_offices (hub, txn, q, listing, connected, arg);
    else if (strcmp (q->text, "conflicts") == 0)
        rc = s_conflicts (hub, txn, q, listing);
    else if (strcmp (q->text, "dead-letters") == 0)
        rc = s_dead_letters (txn, q, listing);
    else if (strcmp (q->text, "rollup") == 0) {
        rc = s_rollup (hub, txn, q, (lnt_out_format_t) q->format, out);
        /* printed already; a bad argument was explained there          */
        status = rc == LNT_EUSAGE ? 64 : rc ? 0 : -1;
        if (rc == LNT_EUSAGE)
            rc = 0;
    }
    else if (s_listing (q->text)) {
        rc = s_records (hub, txn, s_listing (q->text), q, listing, out,
                        &status);
        if (!rc && !status)
            status = -1; /* printed already                               */
    }
    else {
        fprintf (out, "unknown query \"%s\"\n", q->text);
        status = 64;
    }
    lnt_txn_end (&txn);
    if (rc) {
        fprintf (out, "the hub's store failed: %s\n", lnt_strerror (rc));
        status = 74;
    }
    else if (status == -1)
        status = 0;
    else if (!status)
        lnt_out_print (listing, out);
    lnt_out_destroy (&listing);
    return status;
}
