/*  lnt_record.c - words, validation, transitions, due dates and ids.       */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lnt_csv.h"
#include "lnt_record.h"

/*  "suggestion 3503-2026-000042": the record's name for messages. Built
    with copies, not snprintf: it is made for every record checked, and
    the hub checks every change it receives.                              */
static void
s_name (char *buf, size_t size, const char *kind, const char *id)
{
    size_t klen = strlen (kind), ilen = strnlen (id, LNT_ID_MAX);
    if (klen + 1 + ilen >= size)
        ilen = size - klen - 2;
    memcpy (buf, kind, klen);
    buf[klen] = ' ';
    memcpy (buf + klen + 1, id, ilen);
    buf[klen + 1 + ilen] = 0;
}

static const char *s_channels[] = {"website", "suggestion_box", "letter",
                                   "in_person", "phone", "lapor",
                                   "social_media", NULL};
static const char *s_classes[] = {"suggestion", "complaint",
                                  "information_request", "whistleblowing",
                                  NULL};
static const char *s_privacies[] = {"public", "anonymous", "confidential",
                                    NULL};
static const char *s_statuses[] = {"received", "verified", "on_hold",
                                   "not_our_authority", "referred",
                                   "in_progress", "done", "archived", NULL};
static const char *s_rb_statuses[] = {"planned", "in_progress", "done",
                                      "cancelled", NULL};

static const char **s_sets[] = {s_channels, s_classes, s_privacies,
                                s_statuses, s_rb_statuses};
static const char *s_set_names[] = {"channel", "class", "privacy", "status",
                                    "status"};

const char *
lnt_word (lnt_word_set_t set, int value)
{
    const char **words = s_sets[set];
    for (int i = 0; words[i]; i++)
        if (i == value)
            return words[i];
    return NULL;
}

int
lnt_word_parse (lnt_word_set_t set, const char *word, int *value,
                lnt_why_t *why)
{
    const char **words = s_sets[set];
    /* The first byte first: an import parses three words a row.         */
    for (int i = 0; word && words[i]; i++)
        if (words[i][0] == word[0] && strcmp (words[i], word) == 0) {
            *value = i;
            return 0;
        }
    char allowed[256] = "";
    size_t used = 0;
    for (int i = 0; words[i]; i++) {
        int n = snprintf (allowed + used, sizeof allowed - used, "%s%s",
                          i ? ", " : "", words[i]);
        if (n > 0 && used + (size_t) n < sizeof allowed)
            used += (size_t) n;
    }
    return lnt_why (why, LNT_EINVAL, "%s \"%s\" is not one of: %s",
                    s_set_names[set], word ? word : "", allowed);
}

/*  lnt_text_check, without the UTF-8 test when utf8_known: the caller
    knows the text passed lnt_utf8_valid already (a CSV field).            */
static int
s_text_check (const char *text, size_t max, bool required, bool utf8_known,
              const char *record, const char *field, lnt_why_t *why)
{
    size_t len = strnlen (text, max + 1);
    if (len > max)
        return lnt_why (why, LNT_EINVAL, "%s: %s is longer than %zu bytes",
                        record, field, max);
    if (!utf8_known && !lnt_utf8_valid (text, len))
        return lnt_why (why, LNT_EINVAL, "%s: %s is not valid UTF-8 text",
                        record, field);
    if (required && len == 0)
        return lnt_why (why, LNT_EINVAL, "%s: %s is empty; it is required",
                        record, field);
    return 0;
}

int
lnt_text_check (const char *text, size_t max, bool required,
                const char *record, const char *field, lnt_why_t *why)
{
    return s_text_check (text, max, required, false, record, field, why);
}

/*  "3503-2026-000042": the office, a year and a number, for the message
    when the id itself is wrong.                                            */
static int
s_id_check (const char *id, const char *office, const char *kind,
            lnt_why_t *why)
{
    /* Digits, capitals, '-' and '.': one pass over the id, which is
       checked for every record written.                                 */
    static const bool allowed[256] = {
        ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
        ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['-'] = 1, ['.'] = 1,
        ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
        ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
        ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
        ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
        ['Y'] = 1, ['Z'] = 1};
    size_t len = 0;
    while (len < LNT_ID_MAX && allowed[(unsigned char) id[len]])
        len++;
    /* Only those bytes are UTF-8 too, so the text checks hold when the
       id ends there; anything else takes the way that words the error. */
    if (id[len] != 0 || len == 0) {
        int rc = lnt_text_check (id, LNT_ID_MAX, true, kind, "id", why);
        if (rc)
            return rc;
    }
    size_t olen = strlen (office);
    if (strncmp (id, office, olen) != 0 || id[olen] != '-' || id[len] != 0)
        return lnt_why (why, LNT_EINVAL, "%s %s: id must start with its "
                        "office %s and hold only digits, capitals, '-' and '.'",
                        kind, id, office);
    return 0;
}

static int
s_office_check (const char *office, const lnt_ref_t *ref, const char *record,
                lnt_why_t *why)
{
    if (!lnt_ref_office (ref, office))
        return lnt_why (why, LNT_EINVAL, "%s: office \"%s\" is not in the "
                        "office list", record, office);
    return 0;
}

/*  A year a record may belong to.                                          */
static bool
s_year_ok (int year)
{
    return year >= 2000 && year <= 2100;
}

int
lnt_suggestion_check (const lnt_suggestion_t *s, const lnt_ref_t *ref,
                      lnt_why_t *why)
{
    return lnt_suggestion_check_known (s, ref, 0, why);
}

int
lnt_suggestion_check_known (const lnt_suggestion_t *s, const lnt_ref_t *ref,
                            unsigned known, lnt_why_t *why)
{
    char rec[80];
    s_name (rec, sizeof rec, "suggestion", s->id);
    bool utf8 = (known & LNT_KNOWN_UTF8) != 0;
    int rc;
    if ((rc = s_office_check (s->office, ref, rec, why))
        || (rc = s_id_check (s->id, s->office, "suggestion", why))
        || (rc = s_text_check (s->category, LNT_CATEGORY_MAX, false, utf8,
                               rec, "category", why))
        || (rc = s_text_check (s->subject, LNT_SUBJECT_MAX, true, utf8, rec,
                               "subject", why))
        || (rc = s_text_check (s->text, LNT_TEXT_MAX,
                               s->privacy != LNT_PR_CONFIDENTIAL, utf8, rec,
                               "text", why))
        || (rc = lnt_text_check (s->response, LNT_TEXT_MAX, false, rec,
                                 "response", why)))
        return rc;
    /* One message per field, so it names the one that is wrong.          */
    if (s->channel >= LNT_CH_COUNT)
        return lnt_why (why, LNT_EINVAL, "%s: channel %d is out of range",
                        rec, s->channel);
    if (s->class_ >= LNT_CL_COUNT)
        return lnt_why (why, LNT_EINVAL, "%s: class %d is out of range", rec,
                        s->class_);
    if (s->privacy >= LNT_PR_COUNT)
        return lnt_why (why, LNT_EINVAL, "%s: privacy %d is out of range",
                        rec, s->privacy);
    if (s->status >= LNT_ST_COUNT)
        return lnt_why (why, LNT_EINVAL, "%s: status %d is out of range", rec,
                        s->status);
    if (s->privacy == LNT_PR_CONFIDENTIAL && s->text[0])
        return lnt_why (why, LNT_EINVAL, "%s: the text of a confidential "
                        "suggestion must not leave the office", rec);
    if (s->field_check && s->class_ != LNT_CL_COMPLAINT)
        return lnt_why (why, LNT_EINVAL, "%s: only a complaint can need a "
                        "field check", rec);
    int year = 0, mon, day;
    lnt_date_to_ymd (lnt_time_local_day (s->received,
                                         lnt_ref_utc_offset (ref, s->office)),
                     &year, &mon, &day);
    if (!s_year_ok (year))
        return lnt_why (why, LNT_EINVAL, "%s: received year %d is not "
                        "2000-2100", rec, year);
    /* "OFFICE-YEAR-": compared by hand, this runs for every change.    */
    size_t olen = strlen (s->office);
    const char *y = s->id + olen + 1;
    bool prefix_ok = strncmp (s->id, s->office, olen) == 0 && s->id[olen] == '-'
                     && y[0] == '0' + year / 1000 % 10
                     && y[1] == '0' + year / 100 % 10
                     && y[2] == '0' + year / 10 % 10 && y[3] == '0' + year % 10
                     && y[4] == '-';
    if (!prefix_ok)
        return lnt_why (why, LNT_EINVAL, "%s: a tracking number must begin "
                        "with office and received year, %s-%d-", rec,
                        s->office, year);
    if (s->history_len < 1 || s->history_len > LNT_HISTORY_MAX
        || s->history[0].status != LNT_ST_RECEIVED)
        return lnt_why (why, LNT_EINVAL, "%s: history must start with "
                        "received and hold 1-%d steps", rec, LNT_HISTORY_MAX);
    for (int i = 0; i < s->history_len; i++) {
        const lnt_step_t *st = &s->history[i];
        if ((rc = lnt_text_check (st->note, LNT_NOTE_MAX, false, rec,
                                  "history note", why)))
            return rc;
        if (st->status >= LNT_ST_COUNT)
            return lnt_why (why, LNT_EINVAL, "%s: history step %d has an "
                            "unknown status", rec, i + 1);
        if (i > 0 && st->status != LNT_ST_DONE
            && !lnt_status_can_move (s->history[i - 1].status, st->status))
            return lnt_why (why, LNT_EINVAL, "%s: history step %d, %s to "
                            "%s, is not an allowed transition", rec, i + 1,
                            s_statuses[s->history[i - 1].status],
                            s_statuses[st->status]);
        if (i > 0 && st->status == LNT_ST_DONE
            && !lnt_status_is_open (s->history[i - 1].status))
            return lnt_why (why, LNT_EINVAL, "%s: history step %d: only an "
                            "open suggestion can be done", rec, i + 1);
        if (i > 0 && st->at < s->history[i - 1].at)
            return lnt_why (why, LNT_EINVAL, "%s: history step %d is dated "
                            "before the step it follows", rec, i + 1);
    }
    if (s->history[s->history_len - 1].status != s->status)
        return lnt_why (why, LNT_EINVAL, "%s: status is not the last step of "
                        "its history", rec);
    if (s->history[0].at != s->received)
        return lnt_why (why, LNT_EINVAL, "%s: history must start at the "
                        "received time", rec);
    return 0;
}

int
lnt_private_check (const lnt_private_t *p, const char *id, lnt_why_t *why)
{
    char rec[80];
    s_name (rec, sizeof rec, "suggestion", id);
    int rc;
    if ((rc = lnt_text_check (p->reporter_name, LNT_NAME_MAX, false, rec,
                              "reporter name", why))
        || (rc = lnt_text_check (p->reporter_contact, LNT_NAME_MAX, false,
                                 rec, "reporter contact", why))
        || (rc = lnt_text_check (p->text, LNT_TEXT_MAX, false, rec, "text",
                                 why)))
        return rc;
    return 0;
}

int
lnt_rb_item_check (const lnt_rb_item_t *r, const lnt_ref_t *ref,
                   lnt_why_t *why)
{
    char rec[80];
    s_name (rec, sizeof rec, "action-plan item", r->id);
    int rc;
    if ((rc = s_office_check (r->office, ref, rec, why))
        || (rc = s_id_check (r->id, r->office, "action-plan item", why))
        || (rc = lnt_text_check (r->programme, LNT_SHORT_MAX, false, rec,
                                 "programme", why))
        || (rc = lnt_text_check (r->activity, LNT_SHORT_MAX, true, rec,
                                 "activity", why))
        || (rc = lnt_text_check (r->sub_activity, LNT_SHORT_MAX, false, rec,
                                 "sub-activity", why))
        || (rc = lnt_text_check (r->indicator, LNT_SHORT_MAX, true, rec,
                                 "indicator", why))
        || (rc = lnt_text_check (r->unit, LNT_UNIT_MAX, true, rec, "unit",
                                 why))
        || (rc = lnt_text_check (r->person, LNT_NAME_MAX, false, rec,
                                 "person in charge", why))
        || (rc = lnt_text_check (r->evidence, LNT_EVIDENCE_MAX, false, rec,
                                 "evidence", why)))
        return rc;
    if (!s_year_ok (r->year))
        return lnt_why (why, LNT_EINVAL, "%s: year %d is not 2000-2100", rec,
                        r->year);
    if (r->area < 1 || r->area > 8)
        return lnt_why (why, LNT_EINVAL, "%s: area %d is not an area of "
                        "change 1-8", rec, r->area);
    if (r->target <= 0)
        return lnt_why (why, LNT_EINVAL, "%s: target must be above 0", rec);
    if (r->realisation < 0)
        return lnt_why (why, LNT_EINVAL, "%s: realisation must not be "
                        "negative", rec);
    if (r->status >= LNT_RB_COUNT)
        return lnt_why (why, LNT_EINVAL, "%s: status out of range", rec);
    return 0;
}

int
lnt_lke_answer_check (const lnt_lke_answer_t *a, const lnt_ref_t *ref,
                      lnt_why_t *why)
{
    char rec[80];
    s_name (rec, sizeof rec, "LKE answer", a->id);
    int rc;
    if ((rc = s_office_check (a->office, ref, rec, why))
        || (rc = s_id_check (a->id, a->office, "LKE answer", why))
        || (rc = lnt_text_check (a->justification, LNT_TEXT_MAX, false, rec,
                                 "justification", why))
        || (rc = lnt_text_check (a->evidence, LNT_EVIDENCE_MAX, false, rec,
                                 "evidence", why)))
        return rc;
    if (!s_year_ok (a->year))
        return lnt_why (why, LNT_EINVAL, "%s: year %d is not 2000-2100", rec,
                        a->year);
    const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, a->instrument);
    if (!in)
        return lnt_why (why, LNT_EINVAL, "%s: instrument \"%s\" is not "
                        "loaded", rec, a->instrument);
    const lnt_ref_node_t *item = lnt_ref_item (in, a->item);
    if (!item)
        return lnt_why (why, LNT_EINVAL, "%s: item \"%s\" is not an item of "
                        "instrument %s", rec, a->item, a->instrument);
    char expect[LNT_ID_MAX + 1];
    lnt_id_lke_answer (expect, a->office, a->year, a->item);
    if (strcmp (expect, a->id) != 0)
        return lnt_why (why, LNT_EINVAL, "%s: id must be %s", rec, expect);
    int64_t value;
    lnt_why_t inner;
    if (lnt_ref_answer_value (ref, item->answer_type, a->answer, &value,
                              &inner))
        return lnt_why (why, LNT_EINVAL, "%s: %s", rec, inner.text);
    return 0;
}

int
lnt_lke_verdict_check (const lnt_lke_verdict_t *v, const lnt_lke_answer_t *a,
                       const lnt_ref_t *ref, lnt_why_t *why)
{
    char rec[80];
    s_name (rec, sizeof rec, "LKE answer", a->id);
    int rc = lnt_text_check (v->note, LNT_NOTE_MAX, false, rec, "note", why);
    if (rc)
        return rc;
    const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, a->instrument);
    const lnt_ref_node_t *item = in ? lnt_ref_item (in, a->item) : NULL;
    if (!item)
        return lnt_why (why, LNT_EINVAL, "%s: item %s of instrument %s is not "
                        "loaded", rec, a->item, a->instrument);
    int64_t value;
    lnt_why_t inner;
    if (lnt_ref_answer_value (ref, item->answer_type, v->answer, &value,
                              &inner))
        return lnt_why (why, LNT_EINVAL, "%s: verified %s", rec, inner.text);
    return 0;
}

bool
lnt_status_can_move (lnt_status_t from, lnt_status_t to)
{
    /* Rows: from; bits: the statuses it may move to (DESIGN section 11). */
#define B(s) (1u << (s))
    static const unsigned allowed[LNT_ST_COUNT] = {
        [LNT_ST_RECEIVED] = B (LNT_ST_VERIFIED) | B (LNT_ST_NOT_OUR_AUTHORITY)
                            | B (LNT_ST_ARCHIVED),
        [LNT_ST_VERIFIED] = B (LNT_ST_IN_PROGRESS) | B (LNT_ST_ON_HOLD)
                            | B (LNT_ST_REFERRED) | B (LNT_ST_DONE),
        [LNT_ST_IN_PROGRESS] = B (LNT_ST_ON_HOLD) | B (LNT_ST_REFERRED)
                               | B (LNT_ST_DONE),
        [LNT_ST_ON_HOLD] = B (LNT_ST_IN_PROGRESS) | B (LNT_ST_DONE),
        [LNT_ST_REFERRED] = B (LNT_ST_DONE),
        [LNT_ST_DONE] = B (LNT_ST_ARCHIVED),
    };
#undef B
    if (from >= LNT_ST_COUNT || to >= LNT_ST_COUNT)
        return false;
    return (allowed[from] >> to) & 1u;
}

bool
lnt_rb_status_can_move (lnt_rb_status_t from, lnt_rb_status_t to)
{
    if (from >= LNT_RB_COUNT || to >= LNT_RB_COUNT || from == to)
        return false;
    if (to == LNT_RB_CANCELLED)
        return true;
    return (from == LNT_RB_PLANNED && to == LNT_RB_IN_PROGRESS)
           || (from == LNT_RB_IN_PROGRESS && to == LNT_RB_DONE);
}

bool
lnt_status_is_open (lnt_status_t status)
{
    return status != LNT_ST_DONE && status != LNT_ST_ARCHIVED
           && status != LNT_ST_NOT_OUR_AUTHORITY;
}

const char *
lnt_suggestion_sla_class (const lnt_suggestion_t *s)
{
    if (s->class_ == LNT_CL_COMPLAINT && s->field_check)
        return "complaint_field_check";
    return lnt_word (LNT_WORD_CLASS, s->class_);
}

int
lnt_suggestion_due (const lnt_suggestion_t *s, const lnt_ref_t *ref,
                    int32_t *verify_due, int32_t *resolve_due)
{
    const lnt_ref_sla_t *sla = lnt_ref_sla (ref, lnt_suggestion_sla_class (s));
    if (!sla)
        return LNT_ENOTFOUND;
    const lnt_calendar_t *cal = lnt_ref_calendar (ref);
    int32_t day = lnt_time_local_day (s->received,
                                      lnt_ref_utc_offset (ref, s->office));
    *verify_due = lnt_calendar_add_days (cal, day, sla->verify_days,
                                         sla->verify_working);
    *resolve_due = lnt_calendar_add_days (cal, day, sla->resolve_days,
                                          sla->resolve_working);
    return 0;
}

/*  Ids are made for every record written (and imports write many), so
    they are built by hand rather than with snprintf: the same text, cut
    at LNT_ID_MAX bytes as snprintf would cut it.                          */
typedef struct {
    char *buf;   /* LNT_ID_MAX + 1 bytes                                   */
    size_t len;  /* bytes written so far, at most LNT_ID_MAX               */
} s_id_t;

static void
s_id_text (s_id_t *id, const char *text)
{
    size_t len = strnlen (text, LNT_ID_MAX - id->len);
    memcpy (id->buf + id->len, text, len);
    id->len += len;
    id->buf[id->len] = 0;
}

/*  value in decimal with at least width digits (zeros in front), with a
    minus sign before a negative one, as %0*lld would write it.          */
static void
s_id_number (s_id_t *id, int64_t value, int width)
{
    char digits[24], *p = digits + sizeof digits;
    uint64_t v = value < 0 ? 0 - (uint64_t) value : (uint64_t) value;
    *--p = 0;
    do {
        *--p = (char) ('0' + v % 10);
        v /= 10;
    } while (v);
    while (digits + sizeof digits - 1 - p < width)
        *--p = '0';
    if (value < 0)
        *--p = '-';
    s_id_text (id, p);
}

/*  The digits of v, width of them (v < 10^width), zeros in front.        */
static void
s_digits (char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char) ('0' + v % 10);
        v /= 10;
    }
}

void
lnt_id_suggestion (char *buf, const char *office, int year, uint64_t n)
{
    /* Every number an import hands out: a short office, a year of four
       digits and a number of at most six, which fit with no cut.        */
    size_t olen = strnlen (office, 9);
    if (olen <= 8 && year >= 1000 && year <= 9999 && n < 1000000) {
        memcpy (buf, office, olen);
        char *p = buf + olen;
        p[0] = '-';
        s_digits (p + 1, (unsigned) year, 4);
        p[5] = '-';
        s_digits (p + 6, (unsigned) n, 6);
        p[12] = 0;
        return;
    }
    s_id_t id = {buf, 0};
    s_id_text (&id, office);
    s_id_text (&id, "-");
    s_id_number (&id, year, 0);
    s_id_text (&id, "-");
    if (n > INT64_MAX) /* as snprintf would: not a number we hand out    */
        snprintf (buf + id.len, LNT_ID_MAX + 1 - id.len, "%06llu",
                  (unsigned long long) n);
    else
        s_id_number (&id, (int64_t) n, LNT_ID_SUGGESTION_DIGITS);
}

void
lnt_id_rb_item (char *buf, const char *office, int year, uint64_t n)
{
    s_id_t id = {buf, 0};
    s_id_text (&id, office);
    s_id_text (&id, "-RB-");
    s_id_number (&id, year, 0);
    s_id_text (&id, "-");
    if (n > INT64_MAX)
        snprintf (buf + id.len, LNT_ID_MAX + 1 - id.len, "%04llu",
                  (unsigned long long) n);
    else
        s_id_number (&id, (int64_t) n, LNT_ID_RB_DIGITS);
}

void
lnt_id_lke_answer (char *buf, const char *office, int year, const char *item)
{
    s_id_t id = {buf, 0};
    s_id_text (&id, office);
    s_id_text (&id, "-LKE-");
    s_id_number (&id, year, 0);
    s_id_text (&id, "-");
    s_id_text (&id, item);
}
