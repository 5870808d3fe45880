/*  lnt_listing.c - columns and rows of suggestions, action-plan items and
    LKE answers.                                                           */
#include <string.h>

#include "lnt_listing.h"

/*  A local time cell, or null for 0 (none).                                */
static void
s_time (lnt_out_t *out, int64_t ms, const lnt_ref_t *ref, const char *office)
{
    if (!ms) {
        lnt_out_null (out);
        return;
    }
    char buf[17];
    lnt_time_format_local (ms, lnt_ref_utc_offset (ref, office), buf);
    lnt_out_str (out, buf);
}

static void
s_date (lnt_out_t *out, int32_t day)
{
    if (day == LNT_NONE_DAY) {
        lnt_out_null (out);
        return;
    }
    char buf[11];
    lnt_date_format (day, buf);
    lnt_out_str (out, buf);
}

/*  A value in thousandths, as a number with no more decimals than it
    needs ("2", "2.5", "0.125").                                           */
static void
s_milli (lnt_out_t *out, int64_t value)
{
    int decimals = 3;
    while (decimals > 0 && value % 10 == 0) {
        value /= 10;
        decimals--;
    }
    double v = (double) value;
    for (int i = 0; i < decimals; i++)
        v /= 10;
    lnt_out_num (out, v, decimals);
}

/*  A yes/no: true/false in JSON, "yes" or "no" elsewhere.                */
static void
s_flag (lnt_out_t *out, lnt_out_format_t format, bool value)
{
    if (format == LNT_OUT_JSON)
        lnt_out_bool (out, value);
    else
        lnt_out_str (out, value ? "yes" : "no");
}

bool
lnt_listing_suggestion_overdue (const lnt_suggestion_t *s,
                                const lnt_ref_t *ref, int64_t now)
{
    int32_t verify_due, resolve_due;
    if (!lnt_status_is_open (s->status)
        || lnt_suggestion_due (s, ref, &verify_due, &resolve_due))
        return false;
    return lnt_time_local_day (now, lnt_ref_utc_offset (ref, s->office))
           > resolve_due;
}

void
lnt_listing_suggestion_columns (lnt_out_t *out, lnt_out_format_t format)
{
    lnt_out_column (out, "id", format == LNT_OUT_TABLE ? "ID" : NULL);
    if (format == LNT_OUT_TABLE) {
        lnt_out_column (out, "received", "Received");
        lnt_out_column (out, "class", "Class");
        lnt_out_column (out, "channel", "Channel");
        lnt_out_column (out, "status", "Status");
        lnt_out_column (out, "resolve_due", "Due");
        lnt_out_column (out, "overdue", "Overdue");
        lnt_out_column (out, "subject", "Subject");
        return;
    }
    lnt_out_column (out, "office", NULL);
    lnt_out_column (out, "year", NULL);
    lnt_out_column (out, "received", NULL);
    lnt_out_column (out, "channel", NULL);
    lnt_out_column (out, "class", NULL);
    lnt_out_column (out, "field_check", NULL);
    lnt_out_column (out, "category", NULL);
    lnt_out_column (out, "privacy", NULL);
    lnt_out_column (out, "subject", NULL);
    lnt_out_column (out, "text", NULL);
    lnt_out_column (out, "status", NULL);
    lnt_out_column (out, "verify_due", NULL);
    lnt_out_column (out, "resolve_due", NULL);
    lnt_out_column (out, "overdue", NULL);
    lnt_out_column (out, "responded", NULL);
    lnt_out_column (out, "response", NULL);
}

void
lnt_listing_suggestion_row (lnt_out_t *out, lnt_out_format_t format,
                            const lnt_suggestion_t *s, const lnt_ref_t *ref,
                            int64_t now)
{
    int32_t verify_due = LNT_NONE_DAY, resolve_due = LNT_NONE_DAY;
    lnt_suggestion_due (s, ref, &verify_due, &resolve_due);
    bool overdue = lnt_listing_suggestion_overdue (s, ref, now);
    const char *status = lnt_word (LNT_WORD_STATUS, s->status);
    lnt_out_row (out);
    lnt_out_str (out, s->id);
    if (format == LNT_OUT_TABLE) {
        s_time (out, s->received, ref, s->office);
        lnt_out_str (out, lnt_word (LNT_WORD_CLASS, s->class_));
        lnt_out_str (out, lnt_word (LNT_WORD_CHANNEL, s->channel));
        lnt_out_str (out, status);
        s_date (out, resolve_due);
        s_flag (out, format, overdue);
        lnt_out_str (out, s->subject);
        return;
    }
    int year, mon, day;
    lnt_date_to_ymd (lnt_time_local_day (s->received,
                                         lnt_ref_utc_offset (ref, s->office)),
                     &year, &mon, &day);
    lnt_out_str (out, s->office);
    lnt_out_int (out, year);
    s_time (out, s->received, ref, s->office);
    lnt_out_str (out, lnt_word (LNT_WORD_CHANNEL, s->channel));
    lnt_out_str (out, lnt_word (LNT_WORD_CLASS, s->class_));
    s_flag (out, format, s->field_check);
    lnt_out_str (out, s->category);
    lnt_out_str (out, lnt_word (LNT_WORD_PRIVACY, s->privacy));
    lnt_out_str (out, s->subject);
    lnt_out_str (out, s->text);
    lnt_out_str (out, status);
    s_date (out, verify_due);
    s_date (out, resolve_due);
    s_flag (out, format, overdue);
    s_time (out, s->responded, ref, s->office);
    lnt_out_str (out, s->response);
}

void
lnt_listing_history (lnt_out_t *out, const lnt_suggestion_t *s,
                     const lnt_ref_t *ref)
{
    lnt_out_column (out, "status", "Status");
    lnt_out_column (out, "at", "At");
    lnt_out_column (out, "note", "Note");
    for (int i = 0; i < s->history_len; i++) {
        lnt_out_row (out);
        lnt_out_str (out, lnt_word (LNT_WORD_STATUS, s->history[i].status));
        s_time (out, s->history[i].at, ref, s->office);
        lnt_out_str (out, s->history[i].note);
    }
}

bool
lnt_listing_rb_overdue (const lnt_rb_item_t *r, const lnt_ref_t *ref,
                        int64_t now)
{
    if (r->due == LNT_NONE_DAY || r->status == LNT_RB_DONE
        || r->status == LNT_RB_CANCELLED)
        return false;
    return lnt_time_local_day (now, lnt_ref_utc_offset (ref, r->office))
           > r->due;
}

/*  Progress: realisation over target, capped at 100 %, in percent.       */
static double
s_progress (const lnt_rb_item_t *r)
{
    if (r->target <= 0)
        return 0;
    double p = 100.0 * (double) r->realisation / (double) r->target;
    return p > 100 ? 100 : p;
}

void
lnt_listing_rb_columns (lnt_out_t *out, lnt_out_format_t format)
{
    lnt_out_column (out, "id", format == LNT_OUT_TABLE ? "ID" : NULL);
    if (format == LNT_OUT_TABLE) {
        lnt_out_column (out, "area", "Area");
        lnt_out_column (out, "status", "Status");
        lnt_out_column (out, "realisation", "Done");
        lnt_out_column (out, "target", "Target");
        lnt_out_column (out, "unit", "Unit");
        lnt_out_column (out, "progress", "%");
        lnt_out_column (out, "due", "Due");
        lnt_out_column (out, "overdue", "Overdue");
        lnt_out_column (out, "activity", "Activity");
        return;
    }
    lnt_out_column (out, "office", NULL);
    lnt_out_column (out, "year", NULL);
    lnt_out_column (out, "area", NULL);
    lnt_out_column (out, "programme", NULL);
    lnt_out_column (out, "activity", NULL);
    lnt_out_column (out, "sub_activity", NULL);
    lnt_out_column (out, "indicator", NULL);
    lnt_out_column (out, "target", NULL);
    lnt_out_column (out, "unit", NULL);
    lnt_out_column (out, "realisation", NULL);
    lnt_out_column (out, "progress", NULL);
    lnt_out_column (out, "status", NULL);
    lnt_out_column (out, "due", NULL);
    lnt_out_column (out, "overdue", NULL);
    lnt_out_column (out, "person", NULL);
    lnt_out_column (out, "evidence", NULL);
    lnt_out_column (out, "updated", NULL);
}

void
lnt_listing_rb_row (lnt_out_t *out, lnt_out_format_t format,
                    const lnt_rb_item_t *r, const lnt_ref_t *ref, int64_t now)
{
    bool overdue = lnt_listing_rb_overdue (r, ref, now);
    const char *status = lnt_word (LNT_WORD_RB_STATUS, r->status);
    lnt_out_row (out);
    lnt_out_str (out, r->id);
    if (format == LNT_OUT_TABLE) {
        lnt_out_int (out, r->area);
        lnt_out_str (out, status);
        s_milli (out, r->realisation);
        s_milli (out, r->target);
        lnt_out_str (out, r->unit);
        lnt_out_num (out, s_progress (r), 0);
        s_date (out, r->due);
        s_flag (out, format, overdue);
        lnt_out_str (out, r->activity);
        return;
    }
    lnt_out_str (out, r->office);
    lnt_out_int (out, r->year);
    lnt_out_int (out, r->area);
    lnt_out_str (out, r->programme);
    lnt_out_str (out, r->activity);
    lnt_out_str (out, r->sub_activity);
    lnt_out_str (out, r->indicator);
    s_milli (out, r->target);
    lnt_out_str (out, r->unit);
    s_milli (out, r->realisation);
    lnt_out_num (out, s_progress (r), 1);
    lnt_out_str (out, status);
    s_date (out, r->due);
    s_flag (out, format, overdue);
    lnt_out_str (out, r->person);
    lnt_out_str (out, r->evidence);
    s_time (out, r->updated, ref, r->office);
}

void
lnt_listing_lke_columns (lnt_out_t *out, lnt_out_format_t format)
{
    lnt_out_column (out, "id", format == LNT_OUT_TABLE ? "ID" : NULL);
    if (format == LNT_OUT_TABLE) {
        lnt_out_column (out, "year", "Year");
        lnt_out_column (out, "item", "Item");
        lnt_out_column (out, "answer", "Answer");
        lnt_out_column (out, "verified_answer", "Verified");
        lnt_out_column (out, "evidence", "Evidence");
        lnt_out_column (out, "title", "Title");
        return;
    }
    lnt_out_column (out, "office", NULL);
    lnt_out_column (out, "year", NULL);
    lnt_out_column (out, "instrument", NULL);
    lnt_out_column (out, "item", NULL);
    lnt_out_column (out, "area", NULL);
    lnt_out_column (out, "title", NULL);
    lnt_out_column (out, "answer", NULL);
    lnt_out_column (out, "justification", NULL);
    lnt_out_column (out, "evidence", NULL);
    lnt_out_column (out, "answered", NULL);
    lnt_out_column (out, "verified_answer", NULL);
    lnt_out_column (out, "verified_note", NULL);
    lnt_out_column (out, "verified", NULL);
}

void
lnt_listing_lke_row (lnt_out_t *out, lnt_out_format_t format,
                     const lnt_lke_answer_t *a,
                     const lnt_lke_verdict_t *verdict, const lnt_ref_t *ref)
{
    const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, a->instrument);
    const lnt_ref_node_t *item = in ? lnt_ref_item (in, a->item) : NULL;
    lnt_out_row (out);
    lnt_out_str (out, a->id);
    if (format == LNT_OUT_TABLE) {
        lnt_out_int (out, a->year);
        lnt_out_str (out, a->item);
        lnt_out_str (out, a->answer);
        lnt_out_str (out, verdict ? verdict->answer : NULL);
        lnt_out_str (out, a->evidence[0] ? "yes" : "");
        lnt_out_str (out, item ? item->title : NULL);
        return;
    }
    lnt_out_str (out, a->office);
    lnt_out_int (out, a->year);
    lnt_out_str (out, a->instrument);
    lnt_out_str (out, a->item);
    if (item)
        lnt_out_int (out, item->area);
    else
        lnt_out_null (out);
    lnt_out_str (out, item ? item->title : NULL);
    lnt_out_str (out, a->answer);
    lnt_out_str (out, a->justification);
    lnt_out_str (out, a->evidence);
    s_time (out, a->answered, ref, a->office);
    lnt_out_str (out, verdict ? verdict->answer : NULL);
    lnt_out_str (out, verdict ? verdict->note : NULL);
    s_time (out, verdict ? verdict->verified : 0, ref, a->office);
}
