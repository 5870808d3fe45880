/*  test_listing.c - unit test for lnt_listing: the JSON, CSV and table rows
    of suggestions, action-plan items and LKE answers as lnt_out prints
    them; local times in the office's zone; due dates from the SLA table and
    the working-day calendar; overdue as of a given now (not on the due
    date, only after it, and never once closed); progress capped at 100.

    Usage: test_listing DATA-FOLDER (the reference data, common/data).
    The reference data comes from a store made in a temporary folder.      */
#include "lnt_error.h"
#include "lnt_listing.h"
#include "lnt_node.h"
#include "lnt_out.h"
#include "lnt_test.h"

#include <assert.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WIB 420 /* Java's offset from UTC, in minutes                      */

static const lnt_ref_t *s_ref; /* the reference data of the test store   */

//  ---- helpers -----------------------------------------------------------

static int
s_rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove (path);
}

static int64_t
s_local (const char *text)
{
    int64_t ms = 0;
    if (lnt_time_parse_local (text, WIB, &ms)) {
        fprintf (stderr, "bad time in the test: %s\n", text);
        exit (1);
    }
    return ms;
}

static int32_t
s_day (const char *text)
{
    int32_t day = 0;
    if (lnt_date_parse (text, &day)) {
        fprintf (stderr, "bad date in the test: %s\n", text);
        exit (1);
    }
    return day;
}

//  What out prints; the caller frees. Destroys out.
static char *
s_print (lnt_out_t **out)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream (&text, &size);
    assert (f);
    lnt_out_print (*out, f);
    fclose (f);
    lnt_out_destroy (out);
    return text;
}

//  Does json hold "key": value, ended by ',' or '}' (value is JSON text)
static bool
s_json_has (const char *json, const char *key, const char *value)
{
    char needle[600];
    snprintf (needle, sizeof needle, "\"%s\": %s", key, value);
    for (const char *at = json ? strstr (json, needle) : NULL; at;
         at = strstr (at + 1, needle)) {
        char next = at[strlen (needle)];
        if (next == ',' || next == '}')
            return true;
    }
    return false;
}

#define CHECK_JSON(json, key, value)                                        \
    do {                                                                    \
        bool has_ = s_json_has (json, key, value);                          \
        CHECK (has_);                                                       \
        if (!has_)                                                          \
            fprintf (stderr, "  wanted \"%s\": %s in %s\n", key, value,     \
                     json);                                                 \
    } while (0)

static lnt_suggestion_t *
s_suggestion (const char *received, lnt_class_t class_, lnt_status_t status)
{
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    assert (s);
    s->received = s_local (received);
    snprintf (s->office, sizeof s->office, "3503");
    int year, mon, day;
    lnt_date_to_ymd (lnt_time_local_day (s->received, WIB), &year, &mon,
                     &day);
    snprintf (s->id, sizeof s->id, "3503-%d-000001", year);
    s->channel = LNT_CH_LAPOR;
    s->class_ = (uint8_t) class_;
    s->privacy = LNT_PR_ANONYMOUS;
    snprintf (s->category, sizeof s->category, "layanan");
    snprintf (s->subject, sizeof s->subject, "Antrian \"panjang\"");
    snprintf (s->text, sizeof s->text, "Antrian terlalu lama.");
    s->status = (uint8_t) status;
    s->history_len = 1;
    s->history[0].status = LNT_ST_RECEIVED;
    s->history[0].at = s->received;
    return s;
}

//  One suggestion as a JSON listing, as of now; the caller frees
static char *
s_suggestion_json (const lnt_suggestion_t *s, int64_t now)
{
    lnt_out_t *out = lnt_out_new (LNT_OUT_JSON);
    assert (out);
    lnt_listing_suggestion_columns (out, LNT_OUT_JSON);
    lnt_listing_suggestion_row (out, LNT_OUT_JSON, s, s_ref, now);
    return s_print (&out);
}

//  ---- suggestions -----------------------------------------------------------

static void
s_test_suggestion_json (void)
{
    lnt_suggestion_t *s = s_suggestion ("2026-03-02 09:12", LNT_CL_SUGGESTION,
                                        LNT_ST_RECEIVED);
    char *json = s_suggestion_json (s, s_local ("2026-03-03 10:00"));
    CHECK (json && json[0] == '[');
    CHECK_JSON (json, "id", "\"3503-2026-000001\"");
    CHECK_JSON (json, "office", "\"3503\"");
    CHECK_JSON (json, "year", "2026");
    CHECK_JSON (json, "received", "\"2026-03-02 09:12\"");
    CHECK_JSON (json, "channel", "\"lapor\"");
    CHECK_JSON (json, "class", "\"suggestion\"");
    CHECK_JSON (json, "field_check", "false");
    CHECK_JSON (json, "category", "\"layanan\"");
    CHECK_JSON (json, "privacy", "\"anonymous\"");
    CHECK_JSON (json, "subject", "\"Antrian \\\"panjang\\\"\"");
    CHECK_JSON (json, "text", "\"Antrian terlalu lama.\"");
    CHECK_JSON (json, "status", "\"received\"");
    //  Monday; 3 working days to verify, 14 calendar days to resolve
    CHECK_JSON (json, "verify_due", "\"2026-03-05\"");
    CHECK_JSON (json, "resolve_due", "\"2026-03-16\"");
    CHECK_JSON (json, "overdue", "false");
    CHECK_JSON (json, "responded", "null");
    free (json);

    //  Local, not UTC: 05:00 WIB on 1 January is 22:00 UTC the day before;
    //  the year and the received date are the office's
    free (s);
    s = s_suggestion ("2026-01-01 05:00", LNT_CL_INFORMATION_REQUEST,
                      LNT_ST_VERIFIED);
    json = s_suggestion_json (s, s_local ("2026-01-02 10:00"));
    CHECK_JSON (json, "year", "2026");
    CHECK_JSON (json, "received", "\"2026-01-01 05:00\"");
    CHECK_JSON (json, "class", "\"information_request\"");
    CHECK_JSON (json, "status", "\"verified\"");
    //  1 January is a holiday and a Thursday: Friday 2, Monday 5,
    //  Tuesday 6; 5 calendar days to resolve
    CHECK_JSON (json, "verify_due", "\"2026-01-06\"");
    CHECK_JSON (json, "resolve_due", "\"2026-01-06\"");
    free (json);

    //  A working-day period that skips a weekend and 1 May
    free (s);
    s = s_suggestion ("2026-04-29 16:00", LNT_CL_COMPLAINT, LNT_ST_RECEIVED);
    json = s_suggestion_json (s, s_local ("2026-04-30 10:00"));
    CHECK_JSON (json, "verify_due", "\"2026-05-05\"");
    CHECK_JSON (json, "resolve_due", "\"2026-05-13\"");
    free (json);
    //  A complaint that needs a field check takes its own SLA row
    s->field_check = true;
    json = s_suggestion_json (s, s_local ("2026-04-30 10:00"));
    CHECK_JSON (json, "field_check", "true");
    CHECK_JSON (json, "resolve_due", "\"2026-06-28\"");
    free (json);

    //  A response shows with its local time
    free (s);
    s = s_suggestion ("2026-03-02 09:12", LNT_CL_SUGGESTION, LNT_ST_DONE);
    s->responded = s_local ("2026-03-04 15:30");
    snprintf (s->response, sizeof s->response, "Sudah ditambah.");
    json = s_suggestion_json (s, s_local ("2026-04-01 10:00"));
    CHECK_JSON (json, "status", "\"done\"");
    CHECK_JSON (json, "responded", "\"2026-03-04 15:30\"");
    CHECK_JSON (json, "response", "\"Sudah ditambah.\"");
    CHECK_JSON (json, "overdue", "false");
    free (json);
    free (s);
}

static void
s_test_suggestion_overdue (void)
{
    //  Received Monday 2 March 2026; resolve due Monday 16 March
    lnt_suggestion_t *s = s_suggestion ("2026-03-02 09:12", LNT_CL_SUGGESTION,
                                        LNT_ST_IN_PROGRESS);
    struct {
        const char *now;  /* local time of now                           */
        bool overdue;     /* what an open suggestion is then              */
    } cases[] = {{"2026-03-15 12:00", false}, // the day before
                 {"2026-03-16 00:00", false}, // on the due date...
                 {"2026-03-16 23:59", false}, // ...all of it
                 {"2026-03-17 00:00", true},  // the day after
                 {"2026-04-30 10:00", true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t now = s_local (cases[i].now);
        CHECK_INT (lnt_listing_suggestion_overdue (s, s_ref, now),
                   cases[i].overdue);
        char *json = s_suggestion_json (s, now);
        CHECK_JSON (json, "overdue", cases[i].overdue ? "true" : "false");
        CHECK_JSON (json, "resolve_due", "\"2026-03-16\"");
        free (json);
    }
    //  The day is the office's: 16:59 UTC on the 16th is 23:59 WIB, 17:00
    //  UTC is already the 17th in WIB
    int64_t utc_1659 = s_local ("2026-03-16 23:59");
    CHECK (!lnt_listing_suggestion_overdue (s, s_ref, utc_1659));
    CHECK (lnt_listing_suggestion_overdue (s, s_ref, utc_1659 + 60 * 1000));

    //  Open statuses are overdue after the date; closed ones never
    int64_t late = s_local ("2026-05-01 10:00");
    static const struct {
        lnt_status_t status; /* the suggestion's status                   */
        bool overdue;        /* overdue at late                           */
    } statuses[] = {{LNT_ST_RECEIVED, true},     {LNT_ST_VERIFIED, true},
                    {LNT_ST_ON_HOLD, true},      {LNT_ST_REFERRED, true},
                    {LNT_ST_IN_PROGRESS, true},  {LNT_ST_DONE, false},
                    {LNT_ST_ARCHIVED, false},    {LNT_ST_NOT_OUR_AUTHORITY, false}};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        s->status = (uint8_t) statuses[i].status;
        CHECK_INT (lnt_listing_suggestion_overdue (s, s_ref, late),
                   statuses[i].overdue);
        char *json = s_suggestion_json (s, late);
        CHECK_JSON (json, "overdue", statuses[i].overdue ? "true" : "false");
        free (json);
    }
    //  Before it was received, nothing is overdue
    s->status = LNT_ST_RECEIVED;
    CHECK (!lnt_listing_suggestion_overdue (s, s_ref,
                                            s_local ("2026-03-01 10:00")));
    free (s);
}

static void
s_test_suggestion_table (void)
{
    lnt_suggestion_t *s = s_suggestion ("2026-03-02 09:12", LNT_CL_SUGGESTION,
                                        LNT_ST_ON_HOLD);
    lnt_out_t *out = lnt_out_new (LNT_OUT_TABLE);
    lnt_listing_suggestion_columns (out, LNT_OUT_TABLE);
    lnt_listing_suggestion_row (out, LNT_OUT_TABLE, s, s_ref,
                                s_local ("2026-03-20 10:00"));
    char *text = s_print (&out);
    char *nl = text ? strchr (text, '\n') : NULL;
    CHECK (nl != NULL);
    if (nl) {
        //  A header line of titles, underlined, then the row
        CHECK (strncmp (text, "ID ", 3) == 0);
        *nl = 0;
        CHECK (strstr (text, "Received") != NULL);
        CHECK (strstr (text, "Status") != NULL);
        CHECK (strstr (text, "Due") != NULL);
        CHECK (strstr (text, "Overdue") != NULL);
        CHECK (strstr (text, "Subject") != NULL);
        CHECK (strncmp (nl + 1, "----", 4) == 0);
        const char *row = strchr (nl + 1, '\n');
        CHECK (row && strncmp (row + 1, "3503-2026-000001", 16) == 0);
        CHECK (row && strstr (row, "2026-03-02 09:12") != NULL);
        CHECK (row && strstr (row, "on_hold") != NULL);
        CHECK (row && strstr (row, "2026-03-16") != NULL);
        CHECK (row && strstr (row, "yes") != NULL);
        CHECK (row && strstr (row, "\"panjang\"") != NULL);
    }
    free (text);

    //  CSV: the JSON names as a header, overdue as yes/no
    out = lnt_out_new (LNT_OUT_CSV);
    lnt_listing_suggestion_columns (out, LNT_OUT_CSV);
    lnt_listing_suggestion_row (out, LNT_OUT_CSV, s, s_ref,
                                s_local ("2026-03-10 10:00"));
    text = s_print (&out);
    const char *header = "id,office,year,received,channel,class,"
                         "field_check,category,privacy,subject,text,status,"
                         "verify_due,resolve_due,overdue,responded,response"
                         "\r\n";
    CHECK (text && strncmp (text, header, strlen (header)) == 0);
    CHECK (text && strstr (text, ",2026-03-05,2026-03-16,no,") != NULL);
    free (text);

    //  History: one row a step, in local time
    s->history_len = 3;
    s->history[1].status = LNT_ST_VERIFIED;
    s->history[1].at = s_local ("2026-03-03 08:00");
    snprintf (s->history[1].note, sizeof s->history[1].note, "lengkap");
    s->history[2].status = LNT_ST_ON_HOLD;
    s->history[2].at = s_local ("2026-03-04 13:45");
    out = lnt_out_new (LNT_OUT_JSON);
    lnt_listing_history (out, s, s_ref);
    text = s_print (&out);
    CHECK_STR (text, "[\n"
                     "  {\"status\": \"received\", \"at\": \"2026-03-02 09:12\", "
                     "\"note\": \"\"},\n"
                     "  {\"status\": \"verified\", \"at\": \"2026-03-03 08:00\", "
                     "\"note\": \"lengkap\"},\n"
                     "  {\"status\": \"on_hold\", \"at\": \"2026-03-04 13:45\", "
                     "\"note\": \"\"}\n"
                     "]\n");
    free (text);
    free (s);
}

//  ---- action plan -----------------------------------------------------------

static lnt_rb_item_t
s_rb (lnt_rb_status_t status, int64_t target, int64_t realisation,
      int32_t due)
{
    lnt_rb_item_t r;
    memset (&r, 0, sizeof r);
    snprintf (r.id, sizeof r.id, "3503-RB-2026-0001");
    snprintf (r.office, sizeof r.office, "3503");
    r.year = 2026;
    r.area = 6;
    snprintf (r.activity, sizeof r.activity, "Evaluasi internal");
    snprintf (r.indicator, sizeof r.indicator, "Area dinilai");
    snprintf (r.unit, sizeof r.unit, "area");
    r.target = target;
    r.realisation = realisation;
    r.status = (uint8_t) status;
    r.due = due;
    r.updated = s_local ("2026-02-10 14:05");
    return r;
}

static char *
s_rb_json (const lnt_rb_item_t *r, int64_t now)
{
    lnt_out_t *out = lnt_out_new (LNT_OUT_JSON);
    assert (out);
    lnt_listing_rb_columns (out, LNT_OUT_JSON);
    lnt_listing_rb_row (out, LNT_OUT_JSON, r, s_ref, now);
    return s_print (&out);
}

static void
s_test_rb (void)
{
    int32_t due = s_day ("2026-06-30");
    lnt_rb_item_t r = s_rb (LNT_RB_IN_PROGRESS, 8000, 3000, due);
    char *json = s_rb_json (&r, s_local ("2026-06-01 10:00"));
    CHECK_JSON (json, "id", "\"3503-RB-2026-0001\"");
    CHECK_JSON (json, "office", "\"3503\"");
    CHECK_JSON (json, "year", "2026");
    CHECK_JSON (json, "area", "6");
    CHECK_JSON (json, "activity", "\"Evaluasi internal\"");
    CHECK_JSON (json, "target", "8");
    CHECK_JSON (json, "realisation", "3");
    CHECK_JSON (json, "progress", "37.5");
    CHECK_JSON (json, "status", "\"in_progress\"");
    CHECK_JSON (json, "due", "\"2026-06-30\"");
    CHECK_JSON (json, "overdue", "false");
    CHECK_JSON (json, "updated", "\"2026-02-10 14:05\"");
    free (json);

    //  Decimals as needed; progress capped at 100
    r = s_rb (LNT_RB_IN_PROGRESS, 2500, 125, due);
    json = s_rb_json (&r, s_local ("2026-06-01 10:00"));
    CHECK_JSON (json, "target", "2.5");
    CHECK_JSON (json, "realisation", "0.125");
    CHECK_JSON (json, "progress", "5.0");
    free (json);
    r = s_rb (LNT_RB_DONE, 100000, 150000, due);
    json = s_rb_json (&r, s_local ("2026-06-01 10:00"));
    CHECK_JSON (json, "realisation", "150");
    CHECK_JSON (json, "progress", "100.0");
    free (json);
    r = s_rb (LNT_RB_PLANNED, 3000, 0, LNT_NONE_DAY);
    json = s_rb_json (&r, s_local ("2026-06-01 10:00"));
    CHECK_JSON (json, "progress", "0.0");
    CHECK_JSON (json, "due", "null");
    CHECK_JSON (json, "overdue", "false");
    free (json);

    //  Overdue: open and past the due date, in local time
    struct {
        lnt_rb_status_t status; /* the item's status                     */
        int32_t due;            /* its due date                          */
        const char *now;        /* local now                             */
        bool overdue;           /* what it is then                       */
    } cases[] = {
        {LNT_RB_PLANNED, due, "2026-06-29 12:00", false},
        {LNT_RB_PLANNED, due, "2026-06-30 23:59", false},
        {LNT_RB_PLANNED, due, "2026-07-01 00:00", true},
        {LNT_RB_IN_PROGRESS, due, "2026-06-30 12:00", false},
        {LNT_RB_IN_PROGRESS, due, "2026-07-01 00:00", true},
        {LNT_RB_DONE, due, "2026-07-01 00:00", false},
        {LNT_RB_DONE, due, "2027-01-01 00:00", false},
        {LNT_RB_CANCELLED, due, "2027-01-01 00:00", false},
        {LNT_RB_PLANNED, LNT_NONE_DAY, "2030-01-01 00:00", false},
        {LNT_RB_IN_PROGRESS, LNT_NONE_DAY, "2030-01-01 00:00", false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r = s_rb (cases[i].status, 8000, 3000, cases[i].due);
        int64_t now = s_local (cases[i].now);
        CHECK_INT (lnt_listing_rb_overdue (&r, s_ref, now), cases[i].overdue);
        json = s_rb_json (&r, now);
        CHECK_JSON (json, "overdue", cases[i].overdue ? "true" : "false");
        free (json);
    }

    //  The table: a header line, progress as a whole percent
    r = s_rb (LNT_RB_IN_PROGRESS, 4000, 9000, due);
    lnt_out_t *out = lnt_out_new (LNT_OUT_TABLE);
    lnt_listing_rb_columns (out, LNT_OUT_TABLE);
    lnt_listing_rb_row (out, LNT_OUT_TABLE, &r, s_ref,
                        s_local ("2026-07-02 10:00"));
    char *text = s_print (&out);
    CHECK (text && strncmp (text, "ID ", 3) == 0);
    char *nl = text ? strchr (text, '\n') : NULL;
    CHECK (nl != NULL);
    if (nl) {
        *nl = 0;
        CHECK (strstr (text, "Area") && strstr (text, "Status")
               && strstr (text, "Target") && strstr (text, "Overdue")
               && strstr (text, "Activity"));
        CHECK (strncmp (nl + 1, "----", 4) == 0);
        const char *row = strchr (nl + 1, '\n');
        CHECK (row && strstr (row, " 100 ") != NULL);
        CHECK (row && strstr (row, " yes ") != NULL);
        CHECK (row && strstr (row, "Evaluasi internal") != NULL);
    }
    free (text);
}

//  ---- LKE -------------------------------------------------------------------

static void
s_test_lke (void)
{
    lnt_lke_answer_t a;
    memset (&a, 0, sizeof a);
    snprintf (a.id, sizeof a.id, "3503-LKE-2026-A1.3");
    snprintf (a.office, sizeof a.office, "3503");
    a.year = 2026;
    snprintf (a.instrument, sizeof a.instrument, LNT_REF_DEFAULT_INSTRUMENT);
    snprintf (a.item, sizeof a.item, "A1.3");
    snprintf (a.answer, sizeof a.answer, "B");
    snprintf (a.evidence, sizeof a.evidence, "Laporan monev");
    snprintf (a.justification, sizeof a.justification, "Monev tiap triwulan");
    a.answered = s_local ("2026-02-01 10:30");

    //  Not verified yet
    lnt_out_t *out = lnt_out_new (LNT_OUT_JSON);
    lnt_listing_lke_columns (out, LNT_OUT_JSON);
    lnt_listing_lke_row (out, LNT_OUT_JSON, &a, NULL, s_ref);
    char *json = s_print (&out);
    CHECK_JSON (json, "id", "\"3503-LKE-2026-A1.3\"");
    CHECK_JSON (json, "office", "\"3503\"");
    CHECK_JSON (json, "year", "2026");
    CHECK_JSON (json, "instrument", "\"" LNT_REF_DEFAULT_INSTRUMENT "\"");
    CHECK_JSON (json, "item", "\"A1.3\"");
    CHECK_JSON (json, "area", "1");
    CHECK_JSON (json, "title",
                "\"Pemantauan dan Evaluasi Reformasi Birokrasi\"");
    CHECK_JSON (json, "answer", "\"B\"");
    CHECK_JSON (json, "evidence", "\"Laporan monev\"");
    CHECK_JSON (json, "justification", "\"Monev tiap triwulan\"");
    CHECK_JSON (json, "answered", "\"2026-02-01 10:30\"");
    CHECK_JSON (json, "verified_answer", "null");
    CHECK_JSON (json, "verified_note", "null");
    CHECK_JSON (json, "verified", "null");
    free (json);

    //  With the assessor's verdict
    lnt_lke_verdict_t v;
    memset (&v, 0, sizeof v);
    snprintf (v.answer, sizeof v.answer, "C");
    snprintf (v.note, sizeof v.note, "Bukti triwulan IV belum ada");
    v.verified = s_local ("2026-03-15 16:20");
    out = lnt_out_new (LNT_OUT_JSON);
    lnt_listing_lke_columns (out, LNT_OUT_JSON);
    lnt_listing_lke_row (out, LNT_OUT_JSON, &a, &v, s_ref);
    json = s_print (&out);
    CHECK_JSON (json, "answer", "\"B\"");
    CHECK_JSON (json, "verified_answer", "\"C\"");
    CHECK_JSON (json, "verified_note", "\"Bukti triwulan IV belum ada\"");
    CHECK_JSON (json, "verified", "\"2026-03-15 16:20\"");
    free (json);

    //  An item the instrument does not have: no area, no title
    lnt_lke_answer_t b = a;
    snprintf (b.item, sizeof b.item, "Z9.9");
    out = lnt_out_new (LNT_OUT_JSON);
    lnt_listing_lke_columns (out, LNT_OUT_JSON);
    lnt_listing_lke_row (out, LNT_OUT_JSON, &b, NULL, s_ref);
    json = s_print (&out);
    CHECK_JSON (json, "area", "null");
    CHECK_JSON (json, "title", "null");
    free (json);

    //  The table: verified shows "-" until there is a verdict
    out = lnt_out_new (LNT_OUT_TABLE);
    lnt_listing_lke_columns (out, LNT_OUT_TABLE);
    lnt_listing_lke_row (out, LNT_OUT_TABLE, &a, NULL, s_ref);
    lnt_listing_lke_row (out, LNT_OUT_TABLE, &a, &v, s_ref);
    char *text = s_print (&out);
    CHECK (text && strncmp (text, "ID ", 3) == 0);
    CHECK (text && strstr (text, "Verified") != NULL);
    //  the year has its column: the same item of two years tells apart
    CHECK (text && strstr (text, " Year ") != NULL);
    char *row1 = text ? strstr (text, "\n3503-LKE") : NULL;
    char *row2 = row1 ? strstr (row1 + 1, "\n3503-LKE") : NULL;
    CHECK (row1 && row2);
    if (row1 && row2) {
        *row2 = 0;
        CHECK (strstr (row1, " B ") && strstr (row1, " - "));
        char year[16];
        snprintf (year, sizeof year, " %d ", a.year);
        CHECK (strstr (row1, year) != NULL);
        CHECK (strstr (row2 + 1, " B ") && strstr (row2 + 1, " C "));
        CHECK (strstr (row2 + 1, "Pemantauan dan Evaluasi") != NULL);
    }
    free (text);
}

int
main (int argc, char **argv)
{
    const char *ref_dir = argc > 1 ? argv[1] : getenv ("LONTAR_REF");
    if (!ref_dir) {
        fprintf (stderr, "usage: test_listing DATA-FOLDER\n");
        return 64;
    }
    char *root = strdup ("/tmp/lnt-test-listing-XXXXXX");
    if (!root || !mkdtemp (root)) {
        perror ("mkdtemp");
        return 1;
    }
    char dir[4096];
    snprintf (dir, sizeof dir, "%s/store", root);
    lnt_why_t why = {""};
    lnt_node_t *node = NULL;
    if (lnt_node_init (dir, LNT_ROLE_AGENT, "3503", ref_dir, 0, &why)
        || lnt_node_open (dir, 0, &node, &why)) {
        fprintf (stderr, "cannot make a store in %s: %s\n", dir, why.text);
        return 1;
    }
    s_ref = lnt_node_ref (node);
    s_test_suggestion_json ();
    s_test_suggestion_overdue ();
    s_test_suggestion_table ();
    s_test_rb ();
    s_test_lke ();
    lnt_node_destroy (&node);
    nftw (root, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free (root);
    return LNT_TEST_DONE ();
}
