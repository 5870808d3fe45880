/*  test_record.c - unit test for lnt_record: the words of DESIGN section 11,
    every status transition against a table written from the DESIGN text,
    validation of each record kind (a valid record, then each field broken
    on its own, refused with a message naming that field), due dates from
    the shipped SLA table and holidays, and record ids.

    Usage: test_record [data-folder]. The folder defaults to $LONTAR_REF,
    then common/data (run from the top of the tree).                      */
#include "lnt_error.h"
#include "lnt_record.h"
#include "lnt_ref.h"
#include "lnt_test.h"
#include "lnt_time.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  True if why holds word; otherwise prints the message, so the failing
//  CHECK's line and the message appear together
static bool
s_says (const lnt_why_t *why, const char *word)
{
    if (strstr (why->text, word))
        return true;
    fprintf (stderr, "  message \"%s\" lacks \"%s\"\n", why->text, word);
    return false;
}

//  The shipped reference data, every part
static lnt_ref_t *
s_ref_load (const char *dir)
{
    lnt_ref_t *ref = lnt_ref_new ();
    if (!ref)
        return NULL;
    for (size_t i = 0; i < lnt_ref_part_count; i++) {
        char path[1024];
        snprintf (path, sizeof path, "%s/%s", dir, lnt_ref_parts[i].file);
        char *text;
        size_t len;
        lnt_why_t why = {""};
        if (lnt_ref_read_file (path, &text, &len)
            || lnt_ref_load (ref, lnt_ref_parts[i].name, text, len, &why)) {
            fprintf (stderr, "cannot load %s: %s\n", path, why.text);
            lnt_ref_destroy (&ref);
            return NULL;
        }
        free (text);
    }
    return ref;
}

//  A local time in WIB (UTC+7) as ms UTC
static int64_t
s_wib (const char *text)
{
    int64_t ms = 0;
    if (lnt_time_parse_local (text, 420, &ms))
        fprintf (stderr, "  bad time in test: %s\n", text);
    return ms;
}

static int32_t
s_day (const char *text)
{
    int32_t day = 0;
    if (lnt_date_parse (text, &day))
        fprintf (stderr, "  bad date in test: %s\n", text);
    return day;
}

//  ---- words ---------------------------------------------------------------

static void
s_test_words_of (lnt_word_set_t set, const char *set_name,
                 const char *const *words, int count)
{
    char allowed[256] = "";
    for (int i = 0; i < count; i++) {
        CHECK_STR (lnt_word (set, i), words[i]);
        int value = -1;
        lnt_why_t why = {""};
        CHECK_INT (lnt_word_parse (set, words[i], &value, &why), 0);
        CHECK_INT (value, i);
        snprintf (allowed + strlen (allowed), sizeof allowed - strlen (allowed),
                  "%s%s", i ? ", " : "", words[i]);
    }
    CHECK (lnt_word (set, count) == NULL);
    CHECK (lnt_word (set, -1) == NULL);

    //  A bad word: refused, *value untouched, the message names the set,
    //  the word and every allowed word in order
    static const char *bad[] = {"fax", "", "Website", "received ", "0"};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        int value = -1;
        lnt_why_t why = {""};
        CHECK_INT (lnt_word_parse (set, bad[b], &value, &why), LNT_EINVAL);
        CHECK_INT (value, -1);
        char want[320];
        snprintf (want, sizeof want, "%s \"%s\" is not one of: %s", set_name,
                  bad[b], allowed);
        CHECK_STR (why.text, want);
    }
    int value = -1;
    CHECK_INT (lnt_word_parse (set, NULL, &value, NULL), LNT_EINVAL);
}

static void
s_test_words (void)
{
    static const char *channels[] = {"website", "suggestion_box", "letter",
                                     "in_person", "phone", "lapor",
                                     "social_media"};
    static const char *classes[] = {"suggestion", "complaint",
                                    "information_request", "whistleblowing"};
    static const char *privacies[] = {"public", "anonymous", "confidential"};
    static const char *statuses[] = {"received", "verified", "on_hold",
                                     "not_our_authority", "referred",
                                     "in_progress", "done", "archived"};
    static const char *rb_statuses[] = {"planned", "in_progress", "done",
                                        "cancelled"};
    CHECK_INT (LNT_CH_COUNT, 7);
    CHECK_INT (LNT_CL_COUNT, 4);
    CHECK_INT (LNT_PR_COUNT, 3);
    CHECK_INT (LNT_ST_COUNT, 8);
    CHECK_INT (LNT_RB_COUNT, 4);
    s_test_words_of (LNT_WORD_CHANNEL, "channel", channels, 7);
    s_test_words_of (LNT_WORD_CLASS, "class", classes, 4);
    s_test_words_of (LNT_WORD_PRIVACY, "privacy", privacies, 3);
    s_test_words_of (LNT_WORD_STATUS, "status", statuses, 8);
    s_test_words_of (LNT_WORD_RB_STATUS, "status", rb_statuses, 4);
    //  The enum names and the words agree
    CHECK_STR (lnt_word (LNT_WORD_CHANNEL, LNT_CH_LAPOR), "lapor");
    CHECK_STR (lnt_word (LNT_WORD_CLASS, LNT_CL_WHISTLEBLOWING), "whistleblowing");
    CHECK_STR (lnt_word (LNT_WORD_STATUS, LNT_ST_NOT_OUR_AUTHORITY),
               "not_our_authority");
    CHECK_STR (lnt_word (LNT_WORD_STATUS, LNT_ST_IN_PROGRESS), "in_progress");
    CHECK_STR (lnt_word (LNT_WORD_RB_STATUS, LNT_RB_CANCELLED), "cancelled");
}

//  ---- transitions ---------------------------------------------------------

//  DESIGN section 11, written out by hand: "received -> verified,
//  not_our_authority, archived; verified -> in_progress, on_hold, referred,
//  done; in_progress -> on_hold, referred, done; on_hold -> in_progress,
//  done; referred -> done; done -> archived." Nothing else; not_our_authority
//  and archived are final. A status does not move to itself.
enum { R, V, H, N, F, P, D, A }; //  in the order of lnt_status_t
static const bool s_design[8][8] = {
    //            R  V  H  N  F  P  D  A
    [R] = {0, 1, 0, 1, 0, 0, 0, 1},
    [V] = {0, 0, 1, 0, 1, 1, 1, 0},
    [H] = {0, 0, 0, 0, 0, 1, 1, 0},
    [N] = {0, 0, 0, 0, 0, 0, 0, 0},
    [F] = {0, 0, 0, 0, 0, 0, 1, 0},
    [P] = {0, 0, 1, 0, 1, 0, 1, 0},
    [D] = {0, 0, 0, 0, 0, 0, 0, 1},
    [A] = {0, 0, 0, 0, 0, 0, 0, 0},
};
//  Open: "any but done, archived, not_our_authority"
static const bool s_open[8] = {[R] = 1, [V] = 1, [H] = 1, [F] = 1, [P] = 1};

static void
s_test_transitions (void)
{
    CHECK_INT (R, LNT_ST_RECEIVED);
    CHECK_INT (V, LNT_ST_VERIFIED);
    CHECK_INT (H, LNT_ST_ON_HOLD);
    CHECK_INT (N, LNT_ST_NOT_OUR_AUTHORITY);
    CHECK_INT (F, LNT_ST_REFERRED);
    CHECK_INT (P, LNT_ST_IN_PROGRESS);
    CHECK_INT (D, LNT_ST_DONE);
    CHECK_INT (A, LNT_ST_ARCHIVED);
    int wrong = 0, allowed = 0;
    for (int from = 0; from < 8; from++)
        for (int to = 0; to < 8; to++) {
            bool got = lnt_status_can_move (from, to);
            allowed += got;
            if (got != s_design[from][to]) {
                wrong++;
                fprintf (stderr, "  %s -> %s: %d, DESIGN says %d\n",
                         lnt_word (LNT_WORD_STATUS, from),
                         lnt_word (LNT_WORD_STATUS, to), got,
                         s_design[from][to]);
            }
        }
    CHECK_INT (wrong, 0);
    CHECK_INT (allowed, 14);
    //  A few spelled out, so a reader sees the table is the right way round
    CHECK (lnt_status_can_move (LNT_ST_RECEIVED, LNT_ST_VERIFIED));
    CHECK (!lnt_status_can_move (LNT_ST_VERIFIED, LNT_ST_RECEIVED));
    CHECK (!lnt_status_can_move (LNT_ST_RECEIVED, LNT_ST_DONE));
    CHECK (lnt_status_can_move (LNT_ST_DONE, LNT_ST_ARCHIVED));
    CHECK (!lnt_status_can_move (LNT_ST_ARCHIVED, LNT_ST_DONE));
    CHECK (!lnt_status_can_move (LNT_ST_COUNT, LNT_ST_DONE));
    CHECK (!lnt_status_can_move (LNT_ST_RECEIVED, LNT_ST_COUNT));

    for (int s = 0; s < 8; s++)
        CHECK_INT (lnt_status_is_open (s), s_open[s]);

    //  Action plan: "start planned; planned -> in_progress -> done; any ->
    //  cancelled". Nothing goes back, nothing skips in_progress.
    enum { PL, IP, DN, CA };
    static const bool rb[4][4] = {
        //          PL IP DN CA
        [PL] = {0, 1, 0, 1},
        [IP] = {0, 0, 1, 1},
        [DN] = {0, 0, 0, 1},
        [CA] = {0, 0, 0, 0},
    };
    wrong = 0;
    for (int from = 0; from < 4; from++)
        for (int to = 0; to < 4; to++)
            if (lnt_rb_status_can_move (from, to) != rb[from][to]) {
                wrong++;
                fprintf (stderr, "  rb %s -> %s is wrong\n",
                         lnt_word (LNT_WORD_RB_STATUS, from),
                         lnt_word (LNT_WORD_RB_STATUS, to));
            }
    CHECK_INT (wrong, 0);
    CHECK (lnt_rb_status_can_move (LNT_RB_PLANNED, LNT_RB_IN_PROGRESS));
    CHECK (lnt_rb_status_can_move (LNT_RB_DONE, LNT_RB_CANCELLED));
    CHECK (!lnt_rb_status_can_move (LNT_RB_DONE, LNT_RB_PLANNED));
    CHECK (!lnt_rb_status_can_move (LNT_RB_IN_PROGRESS, LNT_RB_PLANNED));
    CHECK (!lnt_rb_status_can_move (LNT_RB_PLANNED, LNT_RB_DONE));
    CHECK (!lnt_rb_status_can_move (LNT_RB_CANCELLED, LNT_RB_PLANNED));
    CHECK (!lnt_rb_status_can_move (LNT_RB_COUNT, LNT_RB_CANCELLED));
}

//  ---- suggestions ---------------------------------------------------------

static lnt_ref_t *s_ref;

//  A valid suggestion: Trenggalek, received Monday 2026-03-02 09:00 WIB
static void
s_suggestion (lnt_suggestion_t *s)
{
    memset (s, 0, sizeof *s);
    strcpy (s->id, "3503-2026-000001");
    strcpy (s->office, "3503");
    s->received = s_wib ("2026-03-02 09:00");
    s->channel = LNT_CH_SUGGESTION_BOX;
    s->class_ = LNT_CL_SUGGESTION;
    s->privacy = LNT_PR_PUBLIC;
    strcpy (s->category, "fasilitas");
    strcpy (s->subject, "Ruang tunggu");
    strcpy (s->text, "Ruang tunggu sebaiknya diberi kursi tambahan.");
    s->status = LNT_ST_RECEIVED;
    s->history_len = 1;
    s->history[0].status = LNT_ST_RECEIVED;
    s->history[0].at = s->received;
}

//  Appends a step an hour after the last and makes it the status
static void
s_step (lnt_suggestion_t *s, lnt_status_t status)
{
    lnt_step_t *step = &s->history[s->history_len];
    step->status = status;
    step->at = s->history[s->history_len - 1].at + 3600000;
    snprintf (step->note, sizeof step->note, "ke %s",
              lnt_word (LNT_WORD_STATUS, status));
    s->history_len++;
    s->status = status;
}

//  True if s is refused with word (and word2, unless NULL) in a message
//  that names the suggestion
static bool
s_refused (const lnt_suggestion_t *s, const char *word, const char *word2)
{
    lnt_why_t why = {""};
    int rc = lnt_suggestion_check (s, s_ref, &why);
    if (rc != LNT_EINVAL) {
        fprintf (stderr, "  accepted, expected a refusal naming %s\n", word);
        return false;
    }
    bool ok = s_says (&why, word) && (!word2 || s_says (&why, word2));
    //  Every message names the record
    return ok && s_says (&why, "suggestion");
}

static bool
s_accepted (const lnt_suggestion_t *s)
{
    lnt_why_t why = {""};
    int rc = lnt_suggestion_check (s, s_ref, &why);
    if (rc)
        fprintf (stderr, "  refused: %s\n", why.text);
    return rc == 0;
}

static void
s_test_suggestion_fields (void)
{
    lnt_suggestion_t *s = malloc (sizeof *s);
    if (!s)
        return;
    s_suggestion (s);
    CHECK (s_accepted (s));

    //  Office and id
    s_suggestion (s);
    strcpy (s->office, "3599");
    strcpy (s->id, "3599-2026-000001");
    CHECK (s_refused (s, "office", "3599"));
    s_suggestion (s);
    strcpy (s->id, "3320-2026-000001"); //  Jepara's number on Trenggalek's record
    CHECK (s_refused (s, "id", "3503"));
    s_suggestion (s);
    strcpy (s->id, "35030-2026-000001");
    CHECK (s_refused (s, "id", NULL));
    s_suggestion (s);
    strcpy (s->id, "3503-2025-000001"); //  received in 2026
    CHECK (s_refused (s, "tracking number", "3503-2026-"));
    s_suggestion (s);
    strcpy (s->id, "3503-2026-00000a");
    CHECK (s_refused (s, "id", NULL));
    s_suggestion (s);
    s->id[0] = 0;
    CHECK (s_refused (s, "id", NULL));

    //  Subject: required, at most 200 bytes, UTF-8
    s_suggestion (s);
    s->subject[0] = 0;
    CHECK (s_refused (s, "subject", "required"));
    s_suggestion (s);
    memset (s->subject, 'a', LNT_SUBJECT_MAX);
    CHECK (s_accepted (s));
    memset (s->subject, 'a', LNT_SUBJECT_MAX + 1); //  no room for a NUL
    CHECK (s_refused (s, "subject", "200"));
    s_suggestion (s);
    strcpy (s->subject, "\xff");
    CHECK (s_refused (s, "subject", "UTF-8"));
    s_suggestion (s);
    strcpy (s->subject, "Kursi \xc3\xa9 \xe2\x82\xac"); //  é, €
    CHECK (s_accepted (s));
    strcpy (s->subject, "\xc0\xaf"); //  overlong '/'
    CHECK (s_refused (s, "subject", "UTF-8"));

    //  Text: required when public or anonymous, absent when confidential
    s_suggestion (s);
    s->text[0] = 0;
    CHECK (s_refused (s, "text", "required"));
    s->privacy = LNT_PR_ANONYMOUS;
    CHECK (s_refused (s, "text", "required"));
    s->privacy = LNT_PR_CONFIDENTIAL;
    CHECK (s_accepted (s));
    strcpy (s->text, "rahasia");
    CHECK (s_refused (s, "text", "confidential"));
    s_suggestion (s);
    memset (s->text, 'a', LNT_TEXT_MAX + 1);
    CHECK (s_refused (s, "text", "4000"));
    s_suggestion (s);
    strcpy (s->text, "a\xed\xa0\x80z"); //  a surrogate
    CHECK (s_refused (s, "text", "UTF-8"));

    //  Category: optional, at most 64 bytes
    s_suggestion (s);
    s->category[0] = 0;
    CHECK (s_accepted (s));
    memset (s->category, 'c', LNT_CATEGORY_MAX);
    CHECK (s_accepted (s));
    memset (s->category, 'c', LNT_CATEGORY_MAX + 1);
    CHECK (s_refused (s, "category", "64"));

    //  Response: optional, at most 4000 bytes
    s_suggestion (s);
    memset (s->response, 'r', LNT_TEXT_MAX + 1);
    CHECK (s_refused (s, "response", NULL));

    //  Words out of range: each message names its own field
    s_suggestion (s);
    s->channel = LNT_CH_COUNT;
    CHECK (s_refused (s, "channel 7", NULL));
    s_suggestion (s);
    s->class_ = LNT_CL_COUNT;
    CHECK (s_refused (s, "class 4", NULL));
    s_suggestion (s);
    s->privacy = LNT_PR_COUNT;
    CHECK (s_refused (s, "privacy 3", NULL));
    s_suggestion (s);
    s->status = LNT_ST_COUNT;
    CHECK (s_refused (s, "status 8", NULL));
    s_suggestion (s);
    s->channel = LNT_CH_SOCIAL_MEDIA;
    s->class_ = LNT_CL_WHISTLEBLOWING;
    CHECK (s_accepted (s));

    //  Field check: only for a complaint
    s_suggestion (s);
    s->field_check = true;
    CHECK (s_refused (s, "field check", NULL));
    s->class_ = LNT_CL_INFORMATION_REQUEST;
    CHECK (s_refused (s, "field check", NULL));
    s->class_ = LNT_CL_COMPLAINT;
    CHECK (s_accepted (s));

    //  Received: its local year must be 2000-2100
    s_suggestion (s);
    s->received = s->history[0].at = s_wib ("1999-12-31 23:59");
    strcpy (s->id, "3503-1999-000001");
    CHECK (s_refused (s, "received year", "1999"));
    s->received = s->history[0].at = s_wib ("2000-01-01 00:00");
    strcpy (s->id, "3503-2000-000001");
    CHECK (s_accepted (s));
    //  The tracking number takes the local year: 1 January 2026 05:00 WIB
    //  is still 31 December 2025 in UTC
    s_suggestion (s);
    s->received = s->history[0].at = s_wib ("2026-01-01 05:00");
    CHECK (s_accepted (s));
    strcpy (s->id, "3503-2025-000001");
    CHECK (s_refused (s, "tracking number", NULL));

    //  History: 1-32 steps, starting with received at the received time
    s_suggestion (s);
    s->history_len = 0;
    CHECK (s_refused (s, "history", NULL));
    s_suggestion (s);
    s->history[0].status = LNT_ST_VERIFIED;
    s->status = LNT_ST_VERIFIED;
    CHECK (s_refused (s, "history must start with received", NULL));
    s_suggestion (s);
    s->history[0].at = s->received + 1;
    CHECK (s_refused (s, "received time", NULL));
    s_suggestion (s);
    s->history[0].status = LNT_ST_COUNT;
    CHECK (s_refused (s, "history", NULL));
    s_suggestion (s);
    s_step (s, LNT_ST_VERIFIED);
    s->history[1].status = LNT_ST_COUNT;
    CHECK (s_refused (s, "history step 2", "unknown status"));

    //  The longest life a suggestion can have in 32 steps: verified, then
    //  on hold and back 13 times, then referred, done and archived
    s_suggestion (s);
    s_step (s, LNT_ST_VERIFIED);
    s_step (s, LNT_ST_IN_PROGRESS);
    while (s->history_len < LNT_HISTORY_MAX - 3) {
        s_step (s, LNT_ST_ON_HOLD);
        s_step (s, LNT_ST_IN_PROGRESS);
    }
    s_step (s, LNT_ST_REFERRED);
    s_step (s, LNT_ST_DONE);
    s_step (s, LNT_ST_ARCHIVED);
    CHECK_INT (s->history_len, LNT_HISTORY_MAX);
    CHECK (s_accepted (s));
    s->history_len = LNT_HISTORY_MAX + 1; //  a length no codec can give
    CHECK (s_refused (s, "history", "32"));

    //  Status must be the last step
    s_suggestion (s);
    s_step (s, LNT_ST_VERIFIED);
    s->status = LNT_ST_RECEIVED;
    CHECK (s_refused (s, "status is not the last step", NULL));
    s->status = LNT_ST_IN_PROGRESS;
    CHECK (s_refused (s, "status is not the last step", NULL));

    //  Steps in time order; two at the same instant are fine
    s_suggestion (s);
    s_step (s, LNT_ST_VERIFIED);
    s_step (s, LNT_ST_IN_PROGRESS);
    s->history[2].at = s->history[1].at;
    CHECK (s_accepted (s));
    s->history[2].at = s->history[1].at - 1;
    CHECK (s_refused (s, "step 3", "before"));

    //  Notes: optional, at most 500 bytes, UTF-8
    s_suggestion (s);
    s_step (s, LNT_ST_VERIFIED);
    memset (s->history[1].note, 'n', LNT_NOTE_MAX);
    CHECK (s_accepted (s));
    memset (s->history[1].note, 'n', LNT_NOTE_MAX + 1);
    CHECK (s_refused (s, "history note", "500"));
    s_suggestion (s);
    strcpy (s->history[0].note, "\xe2\x82");
    CHECK (s_refused (s, "history note", "UTF-8"));
    free (s);
}

//  A history reaching status from, by the shortest legal path
static void
s_reach (lnt_suggestion_t *s, int status)
{
    static const int paths[8][3] = {
        [R] = {-1},         [V] = {V, -1},    [H] = {V, H, -1},
        [N] = {N, -1},      [F] = {V, F, -1}, [P] = {V, P, -1},
        [D] = {V, D, -1},   [A] = {A, -1},
    };
    s_suggestion (s);
    for (int i = 0; paths[status][i] >= 0; i++)
        s_step (s, paths[status][i]);
}

//  Inside a history, a step is legal when the status may move there
//  (DESIGN's table), or when it is done and the step before is open:
//  "respond moves any open suggestion to done". So received -> done is not
//  a move (lnt_status_can_move refuses it) but is a legal history: the
//  suggestion was answered straight away. Checked for all 64 pairs.
static void
s_test_suggestion_history (void)
{
    lnt_suggestion_t *s = malloc (sizeof *s);
    if (!s)
        return;
    int wrong = 0;
    for (int from = 0; from < 8; from++)
        for (int to = 0; to < 8; to++) {
            s_reach (s, from);
            s_step (s, to);
            bool legal = s_design[from][to] || (to == D && s_open[from]);
            lnt_why_t why = {""};
            int rc = lnt_suggestion_check (s, s_ref, &why);
            bool named = legal || strstr (why.text, "history step");
            if ((rc == 0) != legal || !named) {
                wrong++;
                fprintf (stderr, "  history ... %s -> %s: rc %d \"%s\"\n",
                         lnt_word (LNT_WORD_STATUS, from),
                         lnt_word (LNT_WORD_STATUS, to), rc, why.text);
            }
        }
    CHECK_INT (wrong, 0);

    //  The cases spelled out
    s_suggestion (s);
    s_step (s, LNT_ST_DONE); //  respond to a fresh suggestion
    CHECK (s_accepted (s));
    s_step (s, LNT_ST_ARCHIVED);
    CHECK (s_accepted (s));
    s_suggestion (s);
    s_step (s, LNT_ST_IN_PROGRESS); //  not verified first
    CHECK (s_refused (s, "received to in_progress", "not an allowed"));
    s_suggestion (s);
    s_step (s, LNT_ST_NOT_OUR_AUTHORITY);
    s_step (s, LNT_ST_DONE); //  closed: cannot be responded to
    CHECK (s_refused (s, "only an open suggestion", "step 3"));
    s_suggestion (s);
    s_step (s, LNT_ST_VERIFIED);
    s_step (s, LNT_ST_DONE);
    s_step (s, LNT_ST_DONE); //  done twice
    CHECK (s_refused (s, "only an open suggestion", "step 4"));
    s_suggestion (s);
    s_step (s, LNT_ST_RECEIVED);
    CHECK (s_refused (s, "received to received", NULL));
    free (s);
}

//  ---- due dates -----------------------------------------------------------

static void
s_test_due (void)
{
    lnt_suggestion_t *s = malloc (sizeof *s);
    if (!s)
        return;
    int32_t verify = 0, resolve = 0;

    //  Friday 2026-08-14 10:00 WIB, an information request. sla-defaults:
    //  information_request,3,working,5,calendar. The period starts the day
    //  after: Sat 15 and Sun 16 are weekend, Mon 17 is Hari Kemerdekaan
    //  (holidays.csv), so the working days are Tue 18, Wed 19, Thu 20:
    //  verify by 2026-08-20. Resolve: 14 + 5 calendar days = 2026-08-19
    //  (the table really does give the final answer an earlier date).
    s_suggestion (s);
    strcpy (s->id, "3503-2026-000002");
    s->received = s->history[0].at = s_wib ("2026-08-14 10:00");
    s->class_ = LNT_CL_INFORMATION_REQUEST;
    CHECK (s_accepted (s));
    CHECK_INT (lnt_date_weekday (s_day ("2026-08-14")), 5);
    CHECK_INT (lnt_suggestion_due (s, s_ref, &verify, &resolve), 0);
    CHECK_INT (verify, s_day ("2026-08-20"));
    CHECK_INT (resolve, s_day ("2026-08-19"));
    CHECK_STR (lnt_suggestion_sla_class (s), "information_request");

    //  A complaint: complaint,3,working,14,calendar -> 20 and 2026-08-28
    s->class_ = LNT_CL_COMPLAINT;
    CHECK_STR (lnt_suggestion_sla_class (s), "complaint");
    CHECK_INT (lnt_suggestion_due (s, s_ref, &verify, &resolve), 0);
    CHECK_INT (verify, s_day ("2026-08-20"));
    CHECK_INT (resolve, s_day ("2026-08-28"));

    //  With a field check: complaint_field_check,3,working,60,calendar.
    //  14 August + 60 days: 17 to the end of August, 30 in September, 13
    //  in October -> 2026-10-13.
    s->field_check = true;
    CHECK_STR (lnt_suggestion_sla_class (s), "complaint_field_check");
    CHECK_INT (lnt_suggestion_due (s, s_ref, &verify, &resolve), 0);
    CHECK_INT (verify, s_day ("2026-08-20"));
    CHECK_INT (resolve, s_day ("2026-10-13"));
    s->field_check = false;

    //  Whistle-blowing: 60 calendar days as well
    s->class_ = LNT_CL_WHISTLEBLOWING;
    CHECK_INT (lnt_suggestion_due (s, s_ref, &verify, &resolve), 0);
    CHECK_INT (resolve, s_day ("2026-10-13"));

    //  The clock runs from the local date. 23:30 WIB on Friday is 16:30
    //  UTC, the same date; but 06:30 WIB on Friday is 23:30 UTC on
    //  Thursday 13. Counted from the local Friday, as above (verify 20,
    //  resolve 19); counted from the UTC Thursday it would be verify 19
    //  (Fri 14, Tue 18, Wed 19) and resolve 18.
    s->class_ = LNT_CL_INFORMATION_REQUEST;
    s->received = s_wib ("2026-08-14 23:30");
    CHECK_INT (lnt_suggestion_due (s, s_ref, &verify, &resolve), 0);
    CHECK_INT (verify, s_day ("2026-08-20"));
    CHECK_INT (resolve, s_day ("2026-08-19"));
    s->received = s_wib ("2026-08-14 06:30");
    CHECK_INT (lnt_time_local_day (s->received, 0), s_day ("2026-08-13"));
    CHECK_INT (lnt_suggestion_due (s, s_ref, &verify, &resolve), 0);
    CHECK_INT (verify, s_day ("2026-08-20"));
    CHECK_INT (resolve, s_day ("2026-08-19"));
    //  The office's own time zone: for a Papua office (WIT, +9) the same
    //  instant, 15:30 UTC on the 13th, is 00:30 on Friday 14; in WIB it
    //  would be 22:30 on Thursday
    strcpy (s->office, "9101");
    s->received = s_wib ("2026-08-13 22:30");
    CHECK_INT (lnt_suggestion_due (s, s_ref, &verify, &resolve), 0);
    CHECK_INT (verify, s_day ("2026-08-20"));
    CHECK_INT (resolve, s_day ("2026-08-19"));
    strcpy (s->office, "3503");
    CHECK_INT (lnt_suggestion_due (s, s_ref, &verify, &resolve), 0);
    CHECK_INT (verify, s_day ("2026-08-19"));
    CHECK_INT (resolve, s_day ("2026-08-18"));

    //  No SLA row for the class: LNT_ENOTFOUND
    lnt_ref_t *bare = lnt_ref_new ();
    if (bare) {
        verify = resolve = 7;
        CHECK_INT (lnt_suggestion_due (s, bare, &verify, &resolve),
                   LNT_ENOTFOUND);
        CHECK_INT (verify, 7);
        lnt_ref_destroy (&bare);
    }
    free (s);
}

//  ---- private data --------------------------------------------------------

static void
s_test_private (void)
{
    lnt_private_t *p = calloc (1, sizeof *p);
    if (!p)
        return;
    lnt_why_t why = {""};
    strcpy (p->reporter_name, "Siti Aminah");
    strcpy (p->reporter_contact, "0812 3456 7890");
    strcpy (p->text, "Isi rahasia.");
    CHECK_INT (lnt_private_check (p, "3503-2026-000001", &why), 0);
    memset (p->reporter_name, 'x', LNT_NAME_MAX + 1);
    CHECK_INT (lnt_private_check (p, "3503-2026-000001", &why), LNT_EINVAL);
    CHECK (s_says (&why, "reporter name"));
    CHECK (s_says (&why, "3503-2026-000001"));
    strcpy (p->reporter_name, "");
    strcpy (p->reporter_contact, "\xff");
    CHECK_INT (lnt_private_check (p, "3503-2026-000001", &why), LNT_EINVAL);
    CHECK (s_says (&why, "reporter contact"));
    strcpy (p->reporter_contact, "");
    memset (p->text, 't', LNT_TEXT_MAX + 1);
    CHECK_INT (lnt_private_check (p, "3503-2026-000001", &why), LNT_EINVAL);
    CHECK (s_says (&why, "text"));
    free (p);
}

//  ---- action-plan items ---------------------------------------------------

static void
s_rb (lnt_rb_item_t *r)
{
    memset (r, 0, sizeof *r);
    strcpy (r->id, "3503-RB-2026-0001");
    strcpy (r->office, "3503");
    r->year = 2026;
    r->area = 5;
    strcpy (r->activity, "Penyusunan analisis jabatan");
    strcpy (r->indicator, "Dokumen anjab ditetapkan");
    r->target = 1000; //  1 document, in thousandths
    strcpy (r->unit, "dokumen");
    r->status = LNT_RB_PLANNED;
    r->due = LNT_NONE_DAY;
}

static bool
s_rb_says (const lnt_rb_item_t *r, int want, const char *word)
{
    lnt_why_t why = {""};
    int rc = lnt_rb_item_check (r, s_ref, &why);
    if (rc != want) {
        fprintf (stderr, "  rb check: rc %d, expected %d: %s\n", rc, want,
                 why.text);
        return false;
    }
    return !word || (s_says (&why, word) && s_says (&why, "action-plan item"));
}

static void
s_test_rb (void)
{
    lnt_rb_item_t *r = malloc (sizeof *r);
    if (!r)
        return;
    s_rb (r);
    CHECK (s_rb_says (r, 0, NULL));
    r->due = s_day ("2026-09-30");
    r->realisation = 2500;
    r->status = LNT_RB_DONE;
    strcpy (r->evidence, "https://kpu.example/anjab.pdf");
    CHECK (s_rb_says (r, 0, NULL));

    static const int areas[] = {0, 9, -1, 1, 8};
    for (int i = 0; i < 5; i++) {
        s_rb (r);
        r->area = areas[i];
        CHECK (s_rb_says (r, i < 3 ? LNT_EINVAL : 0, i < 3 ? "area" : NULL));
    }
    static const int years[] = {1999, 2101, 0, 2000, 2100};
    for (int i = 0; i < 5; i++) {
        s_rb (r);
        r->year = years[i];
        CHECK (s_rb_says (r, i < 3 ? LNT_EINVAL : 0, i < 3 ? "year" : NULL));
    }
    s_rb (r);
    r->target = 0;
    CHECK (s_rb_says (r, LNT_EINVAL, "target"));
    r->target = -1000;
    CHECK (s_rb_says (r, LNT_EINVAL, "target"));
    r->target = 1;
    CHECK (s_rb_says (r, 0, NULL));
    s_rb (r);
    r->realisation = -1;
    CHECK (s_rb_says (r, LNT_EINVAL, "realisation"));
    s_rb (r);
    r->activity[0] = 0;
    CHECK (s_rb_says (r, LNT_EINVAL, "activity"));
    s_rb (r);
    r->indicator[0] = 0;
    CHECK (s_rb_says (r, LNT_EINVAL, "indicator"));
    s_rb (r);
    r->unit[0] = 0;
    CHECK (s_rb_says (r, LNT_EINVAL, "unit"));
    s_rb (r);
    memset (r->unit, 'u', LNT_UNIT_MAX + 1);
    CHECK (s_rb_says (r, LNT_EINVAL, "unit"));
    s_rb (r);
    memset (r->evidence, 'e', LNT_EVIDENCE_MAX);
    CHECK (s_rb_says (r, 0, NULL));
    memset (r->evidence, 'e', LNT_EVIDENCE_MAX + 1);
    CHECK (s_rb_says (r, LNT_EINVAL, "evidence"));
    s_rb (r);
    memset (r->programme, 'p', LNT_SHORT_MAX + 1);
    CHECK (s_rb_says (r, LNT_EINVAL, "programme"));
    s_rb (r);
    memset (r->sub_activity, 's', LNT_SHORT_MAX + 1);
    CHECK (s_rb_says (r, LNT_EINVAL, "sub-activity"));
    s_rb (r);
    strcpy (r->person, "\xff\xfe");
    CHECK (s_rb_says (r, LNT_EINVAL, "person in charge"));
    s_rb (r);
    memset (r->activity, 'a', LNT_SHORT_MAX + 1);
    CHECK (s_rb_says (r, LNT_EINVAL, "activity"));
    s_rb (r);
    r->status = LNT_RB_COUNT;
    CHECK (s_rb_says (r, LNT_EINVAL, "status"));
    s_rb (r);
    strcpy (r->office, "3599");
    strcpy (r->id, "3599-RB-2026-0001");
    CHECK (s_rb_says (r, LNT_EINVAL, "office"));
    s_rb (r);
    strcpy (r->id, "3320-RB-2026-0001");
    CHECK (s_rb_says (r, LNT_EINVAL, "id"));
    s_rb (r);
    strcpy (r->id, "3503-rb-2026-0001");
    CHECK (s_rb_says (r, LNT_EINVAL, "id"));
    free (r);
}

//  ---- LKE answers and verdicts --------------------------------------------

static void
s_lke (lnt_lke_answer_t *a, const char *item, const char *answer)
{
    memset (a, 0, sizeof *a);
    strcpy (a->office, "3503");
    a->year = 2026;
    strcpy (a->instrument, LNT_REF_DEFAULT_INSTRUMENT);
    strcpy (a->item, item);
    strcpy (a->answer, answer);
    lnt_id_lke_answer (a->id, a->office, a->year, a->item);
    strcpy (a->justification, "Tim RB dibentuk dengan keputusan ketua.");
    a->answered = s_wib ("2026-03-02 09:00");
}

static bool
s_lke_says (const lnt_lke_answer_t *a, int want, const char *word)
{
    lnt_why_t why = {""};
    int rc = lnt_lke_answer_check (a, s_ref, &why);
    if (rc != want) {
        fprintf (stderr, "  LKE check: rc %d, expected %d: %s\n", rc, want,
                 why.text);
        return false;
    }
    return !word || (s_says (&why, word) && s_says (&why, "LKE answer"));
}

static bool
s_verdict_says (const lnt_lke_verdict_t *v, const lnt_lke_answer_t *a,
                int want, const char *word)
{
    lnt_why_t why = {""};
    int rc = lnt_lke_verdict_check (v, a, s_ref, &why);
    if (rc != want) {
        fprintf (stderr, "  verdict check: rc %d, expected %d: %s\n", rc,
                 want, why.text);
        return false;
    }
    return !word || s_says (&why, word);
}

static void
s_test_lke (void)
{
    lnt_lke_answer_t *a = malloc (sizeof *a);
    if (!a)
        return;
    s_lke (a, "A1.3", "B"); //  ABCD
    CHECK_STR (a->id, "3503-LKE-2026-A1.3");
    CHECK (s_lke_says (a, 0, NULL));
    s_lke (a, "A1.3", "E");
    CHECK (s_lke_says (a, LNT_EINVAL, "A, B, C, D"));
    s_lke (a, "A1.3", "Y");
    CHECK (s_lke_says (a, LNT_EINVAL, "\"Y\""));
    s_lke (a, "A1.1", "Y"); //  YT
    CHECK (s_lke_says (a, 0, NULL));
    s_lke (a, "A1.1", "A");
    CHECK (s_lke_says (a, LNT_EINVAL, "Y, T"));
    s_lke (a, "A1.4", "C"); //  ABC
    CHECK (s_lke_says (a, 0, NULL));
    s_lke (a, "A1.4", "D");
    CHECK (s_lke_says (a, LNT_EINVAL, "A, B, C"));
    //  PCT: a number 0-100
    static const char *pct_ok[] = {"0", "100", "55.5", "99.99"};
    for (int i = 0; i < 4; i++) {
        s_lke (a, "A4.1", pct_ok[i]);
        CHECK (s_lke_says (a, 0, NULL));
    }
    static const char *pct_bad[] = {"101", "100.01", "-1", "A", "", "5.555"};
    for (int i = 0; i < 6; i++) {
        s_lke (a, "A4.1", pct_bad[i]);
        CHECK (s_lke_says (a, LNT_EINVAL, "a number 0-100"));
    }

    //  The item must be an item of the instrument
    s_lke (a, "A9.9", "Y");
    CHECK (s_lke_says (a, LNT_EINVAL, "item \"A9.9\""));
    s_lke (a, "A1", "Y"); //  an area, not an item
    CHECK (s_lke_says (a, LNT_EINVAL, "item \"A1\""));
    s_lke (a, "A1.1", "Y");
    strcpy (a->instrument, "permenpanrb-14-2014"); //  loaded, but no items
    CHECK (s_lke_says (a, LNT_EINVAL, "item"));
    s_lke (a, "A1.1", "Y");
    strcpy (a->instrument, "permenpanrb-99-2099");
    CHECK (s_lke_says (a, LNT_EINVAL, "instrument \"permenpanrb-99-2099\""));

    //  The id is office, year and item
    s_lke (a, "A1.3", "B");
    strcpy (a->id, "3503-LKE-2025-A1.3");
    CHECK (s_lke_says (a, LNT_EINVAL, "id must be 3503-LKE-2026-A1.3"));
    s_lke (a, "A1.3", "B");
    strcpy (a->id, "3503-LKE-2026-A1.4");
    CHECK (s_lke_says (a, LNT_EINVAL, "id must be"));
    s_lke (a, "A1.3", "B");
    strcpy (a->id, "3320-LKE-2026-A1.3");
    CHECK (s_lke_says (a, LNT_EINVAL, "id"));
    s_lke (a, "A1.3", "B");
    strcpy (a->office, "3599");
    lnt_id_lke_answer (a->id, a->office, a->year, a->item);
    CHECK (s_lke_says (a, LNT_EINVAL, "office"));
    s_lke (a, "A1.3", "B");
    a->year = 1999;
    lnt_id_lke_answer (a->id, a->office, a->year, a->item);
    CHECK (s_lke_says (a, LNT_EINVAL, "year"));
    s_lke (a, "A1.3", "B");
    memset (a->justification, 'j', LNT_TEXT_MAX + 1);
    CHECK (s_lke_says (a, LNT_EINVAL, "justification"));
    s_lke (a, "A1.3", "B");
    memset (a->evidence, 'e', LNT_EVIDENCE_MAX + 1);
    CHECK (s_lke_says (a, LNT_EINVAL, "evidence"));
    s_lke (a, "A1.3", "B");
    strcpy (a->evidence, "\x80");
    CHECK (s_lke_says (a, LNT_EINVAL, "evidence"));

    //  Verdicts: the verified answer obeys the item's type
    lnt_lke_verdict_t v;
    memset (&v, 0, sizeof v);
    s_lke (a, "A1.3", "B");
    strcpy (v.answer, "A");
    strcpy (v.note, "Bukti lengkap.");
    v.verified = s_wib ("2026-04-01 10:00");
    CHECK (s_verdict_says (&v, a, 0, NULL));
    strcpy (v.answer, "E");
    CHECK (s_verdict_says (&v, a, LNT_EINVAL, "verified answer"));
    CHECK (s_verdict_says (&v, a, LNT_EINVAL, "A, B, C, D"));
    strcpy (v.answer, "");
    CHECK (s_verdict_says (&v, a, LNT_EINVAL, "verified"));
    strcpy (v.answer, "D");
    memset (v.note, 'n', LNT_NOTE_MAX + 1);
    CHECK (s_verdict_says (&v, a, LNT_EINVAL, "note"));
    memset (&v, 0, sizeof v);
    s_lke (a, "A4.1", "50");
    strcpy (v.answer, "62.5");
    CHECK (s_verdict_says (&v, a, 0, NULL));
    strcpy (v.answer, "B");
    CHECK (s_verdict_says (&v, a, LNT_EINVAL, "a number 0-100"));
    strcpy (v.answer, "62.5");
    strcpy (a->item, "A9.9");
    CHECK (s_verdict_says (&v, a, LNT_EINVAL, "A9.9"));
    s_lke (a, "A4.1", "50");
    strcpy (a->instrument, "permenpanrb-99-2099");
    CHECK (s_verdict_says (&v, a, LNT_EINVAL, "permenpanrb-99-2099"));
    free (a);
}

//  ---- ids -----------------------------------------------------------------

static void
s_test_ids (void)
{
    char id[LNT_ID_MAX + 1];
    lnt_id_suggestion (id, "3503", 2026, 42);
    CHECK_STR (id, "3503-2026-000042");
    lnt_id_suggestion (id, "3320", 2020, 1);
    CHECK_STR (id, "3320-2020-000001");
    lnt_id_suggestion (id, "3503", 2026, 1234567);
    CHECK_STR (id, "3503-2026-1234567");
    lnt_id_rb_item (id, "3503", 2026, 1);
    CHECK_STR (id, "3503-RB-2026-0001");
    lnt_id_rb_item (id, "3503", 2026, 12345);
    CHECK_STR (id, "3503-RB-2026-12345");
    lnt_id_lke_answer (id, "3503", 2026, "A1.3");
    CHECK_STR (id, "3503-LKE-2026-A1.3");
    //  The longest ids still fit, cut at the buffer (never past it)
    lnt_id_suggestion (id, "3503", 2026, UINT64_MAX);
    CHECK_STR (id, "3503-2026-18446744073709551615");
    lnt_id_lke_answer (id, "3503", 2026, "A1234567890.12345678901234567890XYZ");
    CHECK_INT (strlen (id), LNT_ID_MAX);
    //  Built by hand, ids read as snprintf would write them, cuts too
    static const char *offices[] = {"3503", "35", "", "12345678", "123456789",
                                    "OFFICE-CODE-LONGER-THAN-ANY-REAL-ONE-XXXX"};
    static const int years[] = {2026, 0, -7, 999, 1000, 9999, 10000, 12345,
                                2147483647};
    static const uint64_t numbers[] = {0, 1, 42, 99999, 999999, 1000000,
                                       INT64_MAX, (uint64_t) INT64_MAX + 1,
                                       UINT64_MAX};
    for (size_t o = 0; o < sizeof offices / sizeof offices[0]; o++)
        for (size_t y = 0; y < sizeof years / sizeof years[0]; y++)
            for (size_t n = 0; n < sizeof numbers / sizeof numbers[0]; n++) {
                char want[LNT_ID_MAX + 1];
                unsigned long long v = (unsigned long long) numbers[n];
                snprintf (want, sizeof want, "%s-%d-%06llu", offices[o],
                          years[y], v);
                lnt_id_suggestion (id, offices[o], years[y], numbers[n]);
                CHECK_STR (id, want);
                snprintf (want, sizeof want, "%s-RB-%d-%04llu", offices[o],
                          years[y], v);
                lnt_id_rb_item (id, offices[o], years[y], numbers[n]);
                CHECK_STR (id, want);
                snprintf (want, sizeof want, "%s-LKE-%d-%s", offices[o],
                          years[y], "B2.10");
                lnt_id_lke_answer (id, offices[o], years[y], "B2.10");
                CHECK_STR (id, want);
            }
}

int
main (int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv ("LONTAR_REF");
    s_ref = s_ref_load (dir ? dir : "common/data");
    if (!s_ref)
        return 1;
    CHECK (lnt_ref_complete (s_ref, NULL));
    s_test_words ();
    s_test_transitions ();
    s_test_suggestion_fields ();
    s_test_suggestion_history ();
    s_test_due ();
    s_test_private ();
    s_test_rb ();
    s_test_lke ();
    s_test_ids ();
    lnt_ref_destroy (&s_ref);
    return LNT_TEST_DONE ();
}
