/*  lnt_query.c - answers to provincial staff's queries: offices,
    conflicts, dead-letters.                                               */
#include <stdlib.h>
#include <string.h>

#include "lnt_apply.h"
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
                                      verified score, for the total        */
} s_row_t;

static void
s_row_init (s_row_t *row)
{
    memset (row, 0, sizeof *row);
    lnt_score_sum_init (&row->score);
    lnt_score_sum_init (&row->checked);
    lnt_score_sum_init (&row->percent);
}

/*  A number of hundredths as a number with two decimals, or null.        */
static void
s_hundredths (lnt_out_t *out, bool have, int64_t value)
{
    if (have)
        lnt_out_num (out, (double) value / 100.0, 2);
    else
        lnt_out_null (out);
}

static void
s_rollup_columns (lnt_out_t *out, bool wide)
{
    lnt_out_column (out, "office", "Office");
    lnt_out_column (out, "name", "Name");
    lnt_out_column (out, "suggestions.received", "Received");
    lnt_out_column (out, "suggestions.open", "Open");
    lnt_out_column (out, "suggestions.overdue", "Overdue");
    lnt_out_column (out, "suggestions.answered_in_time", "In time");
    lnt_out_column (out, "suggestions.median_days", "Median days");
    lnt_out_column (out, "suggestions.p90_days", "P90 days");
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
    lnt_out_column (out, "action_plan.items", "RB items");
    lnt_out_column (out, "action_plan.done", "Done");
    lnt_out_column (out, "action_plan.overdue", "Overdue");
    lnt_out_column (out, "action_plan.mean_progress", "Progress %");
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
    lnt_out_column (out, "lke.answers", "LKE answers");
    lnt_out_column (out, "lke.score", "Score");
    lnt_out_column (out, "lke.verified_score", "Verified");
    lnt_out_column (out, "lke.max", "Max");
    lnt_out_column (out, "lke.grade", "Grade");
    lnt_out_column (out, "lke.evidence_share", "Evidence");
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
    int median = lnt_rollup_percentile (s + LNT_ROLLUP_S_DAYS, 50);
    int p90 = lnt_rollup_percentile (s + LNT_ROLLUP_S_DAYS, 90);
    if (median >= 0)
        lnt_out_int (out, median);
    else
        lnt_out_null (out);
    if (p90 >= 0)
        lnt_out_int (out, p90);
    else
        lnt_out_null (out);
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
    /* Progress is kept in 1/10,000 of an item: the mean in percent.     */
    s_hundredths (out, r[LNT_ROLLUP_R_ITEMS] > 0,
                  r[LNT_ROLLUP_R_ITEMS] > 0
                      ? (r[LNT_ROLLUP_R_PROGRESS] + r[LNT_ROLLUP_R_ITEMS] / 2)
                            / r[LNT_ROLLUP_R_ITEMS]
                      : 0);
    if (wide)
        for (int a = 0; a < 8; a++) {
            const int64_t *ar = r + LNT_ROLLUP_R_AREA + 3 * a;
            lnt_out_int (out, ar[0]);
            lnt_out_int (out, ar[1]);
            s_hundredths (out, ar[0] > 0,
                          ar[0] > 0 ? (ar[2] + ar[0] / 2) / ar[0] : 0);
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
    if (row->answers > 0)
        lnt_out_num (out, (double) row->evidence / (double) row->answers, 4);
    else
        lnt_out_null (out);
}

/*  Reads one office's row for a year, as of today (local day).           */
static int
s_rollup_office (lnt_txn_t *txn, const lnt_ref_t *ref, const char *office,
                 int year, int32_t today, s_row_t *row)
{
    s_row_init (row);
    int rc;
    if ((rc = lnt_rollup_read (txn, 'S', office, year, NULL, row->s,
                               LNT_ROLLUP_S_COUNT))
        || (rc = lnt_rollup_read (txn, 'R', office, year, NULL, row->r,
                                  LNT_ROLLUP_R_COUNT)))
        return rc;
    row->s_overdue = lnt_rollup_due_before (txn, 'D', office, year, today);
    row->r_overdue = lnt_rollup_due_before (txn, 'P', office, year, today);
    /* The office-year's instrument: the 2020 'pemenuhan' one until the
       reference data assigns another.                                   */
    const lnt_ref_instrument_t *in
        = lnt_ref_instrument (ref, LNT_REF_DEFAULT_INSTRUMENT);
    lnt_score_plan_t plan;
    if (!in || lnt_score_plan (in, &plan, NULL) != 0)
        return 0;
    row->max_points = plan.max_points;
    int64_t l[LNT_ROLLUP_L_COUNT];
    if ((rc = lnt_rollup_read (txn, 'L', office, year, in->id, l,
                               LNT_ROLLUP_L_COUNT)))
        return rc;
    row->answers = l[LNT_ROLLUP_L_ANSWERS];
    row->evidence = l[LNT_ROLLUP_L_EVIDENCE];
    row->verified = l[LNT_ROLLUP_L_VERIFIED];
    row->exact[0] = lnt_score_exact (&plan, l + LNT_ROLLUP_L_SELF);
    row->exact[1] = lnt_score_percent_exact (&plan, l + LNT_ROLLUP_L_SELF);
    row->exact[2] = lnt_score_exact (&plan, l + LNT_ROLLUP_L_CHECKED);
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
    /* Means over the offices that answered (or were verified), each
       office's exact value counted once and rounded once at the end.  */
    if (row->answers > 0) {
        lnt_score_sum_add (&total->score, row->exact[0]);
        lnt_score_sum_add (&total->percent, row->exact[1]);
    }
    if (row->verified > 0)
        lnt_score_sum_add (&total->checked, row->exact[2]);
}

static int
s_rollup (lnt_node_t *hub, lnt_txn_t *txn, const lnt_msg_t *q,
          lnt_out_format_t format, FILE *stream)
{
    const lnt_ref_t *ref = lnt_node_ref (hub);
    const char *only = s_arg (q, "office");
    const char *year_text = s_arg (q, "year");
    int64_t now = lnt_time_now_ms ();
    int offset = lnt_ref_utc_offset (ref, lnt_node_code (hub));
    int32_t today = lnt_time_local_day (now, offset);
    int year, mon, mday;
    lnt_date_to_ymd (today, &year, &mon, &mday);
    if (year_text)
        year = atoi (year_text);
    bool wide = format != LNT_OUT_TABLE;
    lnt_out_t *offices = lnt_out_new (format);
    lnt_out_t *total = lnt_out_new (format);
    s_rollup_columns (offices, wide);
    s_rollup_columns (total, wide);
    s_row_t row, sum;
    s_row_init (&sum);
    int rc = 0;
    for (size_t i = 0; !rc && i < lnt_ref_office_count (ref); i++) {
        const lnt_ref_office_t *o = lnt_ref_office_at (ref, i);
        if (strcmp (o->province, lnt_node_code (hub)) != 0
            || (only && strcmp (only, o->code) != 0))
            continue;
        if ((rc = s_rollup_office (txn, ref, o->code, year, today, &row)))
            break;
        s_rollup_row (offices, ref, o->code, o->name, &row, wide);
        s_rollup_total (&sum, &row);
    }
    if (!rc) {
        s_rollup_row (total, ref, "total", lnt_node_code (hub), &sum, wide);
        if (format == LNT_OUT_JSON) {
            fprintf (stream, "{\"year\": %d, \"province\": ", year);
            lnt_out_json_string (stream, lnt_node_code (hub));
            fprintf (stream, ",\n\"offices\": ");
            lnt_out_print (offices, stream);
            fprintf (stream, ",\n\"total\": ");
            lnt_out_print_one (total, stream);
            fprintf (stream, "}\n");
        }
        else {
            /* One table: the offices, then the total as its last row.   */
            s_rollup_row (offices, ref, "total", "", &sum, wide);
            if (format == LNT_OUT_TABLE)
                fprintf (stream, "Province %s, year %d, as of today\n",
                         lnt_node_code (hub), year);
            lnt_out_print (offices, stream);
        }
    }
    lnt_out_destroy (&offices);
    lnt_out_destroy (&total);
    return rc;
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
    else if (strcmp (q->text, "offices") == 0)
        rc = s_offices (hub, txn, q, listing, connected, arg);
    else if (strcmp (q->text, "conflicts") == 0)
        rc = s_conflicts (hub, txn, q, listing);
    else if (strcmp (q->text, "dead-letters") == 0)
        rc = s_dead_letters (txn, q, listing);
    else if (strcmp (q->text, "rollup") == 0) {
        rc = s_rollup (hub, txn, q, (lnt_out_format_t) q->format, out);
        status = rc ? 0 : -1; /* printed already                          */
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
