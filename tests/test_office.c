/*  test_office.c - unit test for lnt_office over real stores in temporary
    folders: tracking numbers per received year, the private data of a
    confidential suggestion and of every reporter (never in the log), refused
    writes that change nothing, status transitions and their history (in
    order, at most LNT_HISTORY_MAX steps), respond, action-plan ids and
    updates, LKE answers and re-answers, one log change per section written,
    deletes (a tombstone, the private data gone, refused twice, an LKE
    answer given again after its delete), and lnt_office_each.

    Usage: test_office DATA-FOLDER (the reference data, common/data).      */
#include "lnt_error.h"
#include "lnt_node.h"
#include "lnt_office.h"
#include "lnt_store.h"
#include "lnt_test.h"

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WIB 420 /* Java's offset from UTC, in minutes                      */

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

//  A new agent store of office in a fresh folder under s_root, opened
static lnt_node_t *
s_node_new (const char *office)
{
    char dir[4096];
    snprintf (dir, sizeof dir, "%s/store-%d", s_root, ++s_stores);
    lnt_why_t why = {""};
    lnt_node_t *node = NULL;
    if (lnt_node_init (dir, LNT_ROLE_AGENT, office, s_ref_dir, 0, &why)
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

//  What a write may change: compared before and after a refused one
typedef struct {
    uint64_t head;     /* log head                                          */
    size_t log;        /* entries in the log                                */
    size_t records;    /* records                                           */
    size_t counters;   /* counters                                          */
    size_t private_;   /* private entries                                   */
    uint64_t n2026;    /* the last of 2026's tracking numbers               */
    uint64_t rb2026;   /* the last of 2026's action-plan item numbers       */
} s_state_t;

/*  The last number taken under prefix: the next one, less one.           */
static uint64_t
s_last_number (lnt_node_t *node, lnt_txn_t *txn, uint8_t kind,
               const char *prefix, int width)
{
    uint64_t n = 0;
    CHECK_INT (lnt_node_next_number (node, txn, kind, prefix, width, &n), 0);
    return n - 1;
}

static s_state_t
s_state (lnt_node_t *node)
{
    lnt_txn_t *txn = s_read (node);
    s_state_t st = {lnt_node_log_head (txn),
                    lnt_txn_count (txn, LNT_DB_LOG),
                    lnt_txn_count (txn, LNT_DB_RECORDS),
                    lnt_txn_count (txn, LNT_DB_COUNTERS),
                    lnt_txn_count (txn, LNT_DB_PRIVATE),
                    s_last_number (node, txn, LNT_KIND_SUGGESTION,
                                   "3503-2026-", LNT_ID_SUGGESTION_DIGITS),
                    s_last_number (node, txn, LNT_KIND_RB_ITEM,
                                   "3503-RB-2026-", LNT_ID_RB_DIGITS)};
    lnt_txn_end (&txn);
    return st;
}

#define CHECK_SAME_STATE(a, b)                                              \
    do {                                                                    \
        CHECK_INT ((a).head, (b).head);                                     \
        CHECK_INT ((a).log, (b).log);                                       \
        CHECK_INT ((a).records, (b).records);                               \
        CHECK_INT ((a).counters, (b).counters);                             \
        CHECK_INT ((a).private_, (b).private_);                             \
        CHECK_INT ((a).n2026, (b).n2026);                                   \
        CHECK_INT ((a).rb2026, (b).rb2026);                                 \
    } while (0)

//  Entries in the log, and that the head is the last of them
static size_t
s_log_count (lnt_node_t *node)
{
    lnt_txn_t *txn = s_read (node);
    size_t n = lnt_txn_count (txn, LNT_DB_LOG);
    CHECK_INT (lnt_node_log_head (txn), n);
    lnt_txn_end (&txn);
    return n;
}

//  How many entries of db hold the len bytes at needle
static int
s_db_holds (lnt_node_t *node, lnt_db_t db, const void *needle, size_t len)
{
    lnt_txn_t *txn = s_read (node);
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    int hits = 0;
    if (lnt_cursor_open (txn, db, &cur) == 0) {
        for (int rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl);
             rc == 0; rc = lnt_cursor_next (cur, &k, &kl, &v, &vl))
            if (memmem (v, vl, needle, len) || memmem (k, kl, needle, len))
                hits++;
        lnt_cursor_close (&cur);
    }
    lnt_txn_end (&txn);
    return hits;
}

static int
s_log_holds (lnt_node_t *node, const char *text)
{
    return s_db_holds (node, LNT_DB_LOG, text, strlen (text));
}

//  How many changes in the log are of record id
static int
s_log_changes_of (lnt_node_t *node, const char *id)
{
    lnt_txn_t *txn = s_read (node);
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    int n = 0;
    if (lnt_cursor_open (txn, LNT_DB_LOG, &cur) == 0) {
        for (int rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl);
             rc == 0; rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
            lnt_change_t change;
            CHECK_INT (lnt_codec_change_decode (v, vl, &change, NULL), 0);
            if (strcmp (change.id, id) == 0)
                n++;
        }
        lnt_cursor_close (&cur);
    }
    lnt_txn_end (&txn);
    return n;
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

//  A suggestion as staff would type it
static lnt_suggestion_t *
s_suggestion (const char *received, lnt_privacy_t privacy, const char *subject,
              const char *text)
{
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    if (!s)
        exit (1);
    s->received = s_local (received);
    s->channel = LNT_CH_WEBSITE;
    s->class_ = LNT_CL_SUGGESTION;
    s->privacy = (uint8_t) privacy;
    snprintf (s->category, sizeof s->category, "%s", "facilities");
    snprintf (s->subject, sizeof s->subject, "%s", subject);
    snprintf (s->text, sizeof s->text, "%s", text);
    return s;
}

//  Adds a public suggestion received at received; its id into id
static void
s_add (lnt_node_t *node, const char *received, char *id)
{
    lnt_suggestion_t *s = s_suggestion (received, LNT_PR_PUBLIC, "Ruang tunggu",
                                        "Kursi tambahan di ruang tunggu.");
    lnt_why_t why = {""};
    CHECK_INT (lnt_office_suggestion_add (node, s, NULL, &why), 0);
    snprintf (id, LNT_ID_MAX + 1, "%s", s->id);
    free (s);
}

static int
s_move (lnt_node_t *node, const char *id, lnt_status_t status,
        lnt_why_t *why)
{
    lnt_suggestion_t *out = malloc (sizeof *out);
    int rc = lnt_office_suggestion_move (node, id, status, "", out, why);
    free (out);
    return rc;
}

//  The stored office section of a suggestion, decoded as it is (no
//  private data put back)
static int
s_stored (lnt_node_t *node, const char *id, lnt_suggestion_t *s)
{
    lnt_txn_t *txn = s_read (node);
    lnt_record_t rec;
    int rc = lnt_node_get (txn, LNT_KIND_SUGGESTION, id, &rec, NULL);
    memset (s, 0, sizeof *s);
    if (!rc)
        rc = lnt_codec_suggestion_decode (rec.sec[0].body, rec.sec[0].body_len,
                                          s, NULL);
    lnt_txn_end (&txn);
    return rc;
}

//  A suggestion read back through lnt_office_suggestion_get
static int
s_get (lnt_node_t *node, const char *id, lnt_suggestion_t *s, lnt_private_t *p)
{
    lnt_txn_t *txn = s_read (node);
    lnt_why_t why = {""};
    int rc = lnt_office_suggestion_get (node, txn, id, s, p, &why);
    lnt_txn_end (&txn);
    return rc;
}

//  ---- suggestions ---------------------------------------------------------

static void
s_test_tracking_numbers (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_suggestion_t *got = malloc (sizeof *got);
    char id[LNT_ID_MAX + 1];

    //  Numbers count per received year, from 1, six digits
    lnt_suggestion_t *s = s_suggestion ("2026-03-02 09:12", LNT_PR_PUBLIC,
                                        "Ruang tunggu", "Kursi tambahan.");
    lnt_why_t why = {""};
    size_t log = s_log_count (node);
    CHECK_INT (lnt_office_suggestion_add (node, s, NULL, &why), 0);
    CHECK_STR (s->id, "3503-2026-000001");
    CHECK_STR (s->office, "3503");
    CHECK_INT (s->status, LNT_ST_RECEIVED);
    CHECK_INT (s->history_len, 1);
    CHECK_INT (s->history[0].status, LNT_ST_RECEIVED);
    CHECK_INT (s->history[0].at, s_local ("2026-03-02 09:12"));
    CHECK_INT (s->received, s_local ("2026-03-02 09:12"));
    CHECK_STR (s->history[0].note, "");
    CHECK_INT (s->responded, 0);
    CHECK_INT (s_log_count (node), log + 1);
    free (s);

    s_add (node, "2026-04-10 10:00", id);
    CHECK_STR (id, "3503-2026-000002");
    s_add (node, "2025-06-02 08:00", id);
    CHECK_STR (id, "3503-2025-000001");
    //  The year is the office's local year: 05:00 WIB on 1 January 2026
    //  is still 2025 in UTC
    s_add (node, "2026-01-01 05:00", id);
    CHECK_STR (id, "3503-2026-000003");
    //  and 23:30 WIB on 31 December 2025 is 2025, though it is 16:30 UTC
    s_add (node, "2025-12-31 23:30", id);
    CHECK_STR (id, "3503-2025-000002");
    CHECK_INT (s_log_count (node), log + 5);

    //  What was stored is what get returns
    CHECK_INT (s_get (node, "3503-2026-000002", got, NULL), 0);
    CHECK_STR (got->id, "3503-2026-000002");
    CHECK_STR (got->office, "3503");
    CHECK_STR (got->subject, "Ruang tunggu");
    CHECK_STR (got->text, "Kursi tambahan di ruang tunggu.");
    CHECK_STR (got->category, "facilities");
    CHECK_INT (got->channel, LNT_CH_WEBSITE);
    CHECK_INT (got->status, LNT_ST_RECEIVED);
    CHECK_INT (got->history_len, 1);
    CHECK_INT (got->history[0].at, s_local ("2026-04-10 10:00"));
    CHECK_INT (s_get (node, "3503-2026-000009", got, NULL), LNT_ENOTFOUND);
    free (got);
    lnt_node_destroy (&node);
}

static void
s_test_confidential (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_suggestion_t *got = malloc (sizeof *got);
    lnt_private_t *p = malloc (sizeof *p);
    const char *text = "Petugas meja tiga meminta uang rahasia-7781.";
    const char *name = "Siti Rahayu Pelapor";
    const char *contact = "0812-5550-1234";

    lnt_suggestion_t *s = s_suggestion ("2026-03-03 10:00", LNT_PR_CONFIDENTIAL,
                                        "Sikap petugas", text);
    s->class_ = LNT_CL_COMPLAINT;
    lnt_private_t reporter = {"", "", ""};
    snprintf (reporter.reporter_name, sizeof reporter.reporter_name, "%s",
              name);
    snprintf (reporter.reporter_contact, sizeof reporter.reporter_contact,
              "%s", contact);
    lnt_why_t why = {""};
    size_t log = s_log_count (node);
    CHECK_INT (lnt_office_suggestion_add (node, s, &reporter, &why), 0);
    //  One section written: one change; the private data is no section
    CHECK_INT (s_log_count (node), log + 1);
    char id[LNT_ID_MAX + 1];
    snprintf (id, sizeof id, "%s", s->id);
    CHECK_STR (id, "3503-2026-000001");
    //  The record as stored has no text, as the caller's copy says
    CHECK_STR (s->text, "");
    CHECK_INT (s_stored (node, id, got), 0);
    CHECK_STR (got->text, "");
    CHECK_STR (got->subject, "Sikap petugas");
    CHECK_INT (got->privacy, LNT_PR_CONFIDENTIAL);

    //  The office's own view puts it back, with the reporter
    CHECK_INT (s_get (node, id, got, p), 0);
    CHECK_STR (got->text, text);
    CHECK_STR (p->reporter_name, name);
    CHECK_STR (p->reporter_contact, contact);
    CHECK_STR (p->text, text);
    //  Without p, get gives the stored body
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_STR (got->text, "");

    //  A public suggestion keeps its text in the record, its reporter out
    const char *name2 = "Budi Santoso Warga";
    lnt_suggestion_t *pub = s_suggestion ("2026-03-04 10:00", LNT_PR_PUBLIC,
                                          "Papan informasi",
                                          "Papan informasi tahapan kurang.");
    lnt_private_t reporter2 = {"", "", ""};
    snprintf (reporter2.reporter_name, sizeof reporter2.reporter_name, "%s",
              name2);
    CHECK_INT (lnt_office_suggestion_add (node, pub, &reporter2, &why), 0);
    CHECK_INT (s_stored (node, pub->id, got), 0);
    CHECK_STR (got->text, "Papan informasi tahapan kurang.");
    CHECK_INT (s_get (node, pub->id, got, p), 0);
    CHECK_STR (p->reporter_name, name2);
    CHECK_STR (p->text, "");

    //  Both reporters are in the private data, under the ids
    lnt_txn_t *txn = s_read (node);
    const void *val;
    size_t len;
    CHECK_INT (lnt_txn_count (txn, LNT_DB_PRIVATE), 2);
    CHECK_INT (lnt_txn_get (txn, LNT_DB_PRIVATE, id, strlen (id), &val, &len),
               0);
    CHECK (val && memmem (val, len, name, strlen (name)) != NULL);
    lnt_txn_end (&txn);

    //  A move and a response rewrite the section: still no text
    lnt_suggestion_t *out = malloc (sizeof *out);
    CHECK_INT (lnt_office_suggestion_move (node, id, LNT_ST_VERIFIED, "cek",
                                           out, &why), 0);
    CHECK_STR (out->text, "");
    CHECK_INT (lnt_office_suggestion_respond (node, id, "Sudah ditegur.", out,
                                              &why), 0);
    CHECK_INT (s_stored (node, id, got), 0);
    CHECK_STR (got->text, "");
    CHECK_INT (got->status, LNT_ST_DONE);
    CHECK_INT (s_get (node, id, got, p), 0);
    CHECK_STR (got->text, text);

    //  Nothing private is in any change of the log, nor in any record;
    //  the scan itself finds what is there (the subjects)
    CHECK_INT (s_log_count (node), log + 4);
    CHECK_INT (s_log_holds (node, "Sikap petugas"), 3);
    CHECK_INT (s_log_holds (node, "Papan informasi tahapan kurang."), 1);
    CHECK_INT (s_log_holds (node, text), 0);
    CHECK_INT (s_log_holds (node, "rahasia-7781"), 0);
    CHECK_INT (s_log_holds (node, name), 0);
    CHECK_INT (s_log_holds (node, contact), 0);
    CHECK_INT (s_log_holds (node, name2), 0);
    CHECK_INT (s_db_holds (node, LNT_DB_RECORDS, text, strlen (text)), 0);
    CHECK_INT (s_db_holds (node, LNT_DB_RECORDS, name, strlen (name)), 0);
    CHECK_INT (s_db_holds (node, LNT_DB_RECORDS, name2, strlen (name2)), 0);
    CHECK_INT (s_db_holds (node, LNT_DB_PRIVATE, text, strlen (text)), 1);

    //  Confidential with no text at all is refused
    lnt_suggestion_t *empty = s_suggestion ("2026-03-05 10:00",
                                            LNT_PR_CONFIDENTIAL, "Kosong", "");
    s_state_t before = s_state (node);
    CHECK_INT (lnt_office_suggestion_add (node, empty, NULL, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "text") != NULL);
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);

    free (empty);
    free (out);
    free (pub);
    free (s);
    free (p);
    free (got);
    lnt_node_destroy (&node);
}

static void
s_test_refused_add (void)
{
    lnt_node_t *node = s_node_new ("3503");
    char id[LNT_ID_MAX + 1];
    s_add (node, "2026-03-02 09:00", id);
    CHECK_STR (id, "3503-2026-000001");
    s_state_t before = s_state (node);
    CHECK_INT (before.n2026, 1);
    CHECK_INT (before.records, 1);

    //  An empty subject, with a reporter whose data would be written
    lnt_suggestion_t *s = s_suggestion ("2026-03-02 10:00", LNT_PR_PUBLIC, "",
                                        "Isi saran.");
    lnt_private_t reporter = {"Pelapor Ditolak", "0812", ""};
    lnt_why_t why = {""};
    CHECK_INT (lnt_office_suggestion_add (node, s, &reporter, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "subject") != NULL);
    CHECK (strstr (why.text, "empty") != NULL);
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);
    free (s);

    //  A subject that is not UTF-8
    s = s_suggestion ("2026-03-02 10:00", LNT_PR_PUBLIC, "Rusak \xff\xfe",
                      "Isi.");
    why.text[0] = 0;
    CHECK_INT (lnt_office_suggestion_add (node, s, &reporter, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "subject") != NULL);
    after = s_state (node);
    CHECK_SAME_STATE (before, after);
    free (s);

    //  A channel out of range, a field check on a suggestion, a received
    //  year out of range, a reporter name that is not UTF-8
    s = s_suggestion ("2026-03-02 10:00", LNT_PR_PUBLIC, "Subjek", "Isi.");
    s->channel = LNT_CH_COUNT;
    CHECK_INT (lnt_office_suggestion_add (node, s, NULL, &why), LNT_EINVAL);
    free (s);
    s = s_suggestion ("2026-03-02 10:00", LNT_PR_PUBLIC, "Subjek", "Isi.");
    s->field_check = true;
    CHECK_INT (lnt_office_suggestion_add (node, s, NULL, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "field check") != NULL);
    free (s);
    s = s_suggestion ("1999-03-02 10:00", LNT_PR_PUBLIC, "Subjek", "Isi.");
    CHECK_INT (lnt_office_suggestion_add (node, s, NULL, &why), LNT_EINVAL);
    free (s);
    s = s_suggestion ("2026-03-02 10:00", LNT_PR_PUBLIC, "Subjek", "Isi.");
    lnt_private_t bad = {"Nama \xc3", "", ""};
    CHECK_INT (lnt_office_suggestion_add (node, s, &bad, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "reporter name") != NULL);
    free (s);
    after = s_state (node);
    CHECK_SAME_STATE (before, after);
    CHECK_INT (s_log_holds (node, "Pelapor Ditolak"), 0);

    //  The next good one takes the next number: none was used up
    s_add (node, "2026-03-02 11:00", id);
    CHECK_STR (id, "3503-2026-000002");
    after = s_state (node);
    CHECK_INT (after.head, before.head + 1);
    CHECK_INT (after.records, before.records + 1);
    lnt_node_destroy (&node);
}

static void
s_test_moves (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_suggestion_t *out = malloc (sizeof *out);
    lnt_suggestion_t *got = malloc (sizeof *got);
    char id[LNT_ID_MAX + 1];
    lnt_why_t why = {""};
    s_add (node, "2026-03-02 09:00", id);

    //  received cannot go straight to in_progress; the message names both
    s_state_t before = s_state (node);
    CHECK_INT (s_move (node, id, LNT_ST_IN_PROGRESS, &why), LNT_EINVAL);
    CHECK (strstr (why.text, id) != NULL);
    CHECK (strstr (why.text, "from received to in_progress") != NULL);
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_INT (got->status, LNT_ST_RECEIVED);
    CHECK_INT (got->history_len, 1);

    //  received, verified, in_progress, referred, done, archived
    size_t log = s_log_count (node);
    CHECK_INT (lnt_office_suggestion_move (node, id, LNT_ST_VERIFIED,
                                           "berkas lengkap", out, &why), 0);
    CHECK_STR (out->id, id);
    CHECK_INT (out->status, LNT_ST_VERIFIED);
    CHECK_INT (out->history_len, 2);
    CHECK_INT (out->history[1].status, LNT_ST_VERIFIED);
    CHECK_STR (out->history[1].note, "berkas lengkap");
    CHECK_INT (s_log_count (node), log + 1);
    CHECK_INT (s_move (node, id, LNT_ST_IN_PROGRESS, &why), 0);
    CHECK_INT (s_move (node, id, LNT_ST_REFERRED, &why), 0);
    CHECK_INT (s_log_count (node), log + 3);
    why.text[0] = 0;
    CHECK_INT (s_move (node, id, LNT_ST_ON_HOLD, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "from referred to on_hold") != NULL);
    CHECK_INT (s_move (node, id, LNT_ST_RECEIVED, &why), LNT_EINVAL);
    CHECK_INT (s_move (node, id, LNT_ST_REFERRED, &why), LNT_EINVAL);
    CHECK_INT (s_log_count (node), log + 3);
    CHECK_INT (s_move (node, id, LNT_ST_DONE, &why), 0);
    CHECK_INT (s_move (node, id, LNT_ST_ARCHIVED, &why), 0);
    CHECK_INT (s_log_count (node), log + 5);
    CHECK_INT (s_move (node, id, LNT_ST_DONE, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "from archived to done") != NULL);
    CHECK_INT (s_move (node, id, LNT_ST_VERIFIED, &why), LNT_EINVAL);
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_INT (got->status, LNT_ST_ARCHIVED);
    CHECK_INT (got->history_len, 6);
    static const lnt_status_t path[] = {
        LNT_ST_RECEIVED, LNT_ST_VERIFIED, LNT_ST_IN_PROGRESS,
        LNT_ST_REFERRED, LNT_ST_DONE,     LNT_ST_ARCHIVED};
    for (int i = 0; i < 6; i++)
        CHECK_INT (got->history[i].status, path[i]);
    CHECK_STR (got->history[1].note, "berkas lengkap");

    //  received, not_our_authority: closed for good
    s_add (node, "2026-03-02 10:00", id);
    CHECK_INT (s_move (node, id, LNT_ST_NOT_OUR_AUTHORITY, &why), 0);
    CHECK_INT (s_move (node, id, LNT_ST_VERIFIED, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "from not_our_authority to verified") != NULL);
    CHECK_INT (s_move (node, id, LNT_ST_DONE, &why), LNT_EINVAL);
    //  verified, on_hold, in_progress, on_hold, done
    s_add (node, "2026-03-02 11:00", id);
    CHECK_INT (s_move (node, id, LNT_ST_VERIFIED, &why), 0);
    CHECK_INT (s_move (node, id, LNT_ST_ON_HOLD, &why), 0);
    CHECK_INT (s_move (node, id, LNT_ST_REFERRED, &why), LNT_EINVAL);
    CHECK_INT (s_move (node, id, LNT_ST_IN_PROGRESS, &why), 0);
    CHECK_INT (s_move (node, id, LNT_ST_ON_HOLD, &why), 0);
    CHECK_INT (s_move (node, id, LNT_ST_DONE, &why), 0);
    //  received to archived directly
    s_add (node, "2026-03-02 12:00", id);
    CHECK_INT (s_move (node, id, LNT_ST_ARCHIVED, &why), 0);

    //  A note too long, an unknown status, an unknown id: refused
    s_add (node, "2026-03-02 13:00", id);
    before = s_state (node);
    char *note = malloc (LNT_NOTE_MAX + 2);
    memset (note, 'n', LNT_NOTE_MAX + 1);
    note[LNT_NOTE_MAX + 1] = 0;
    CHECK_INT (lnt_office_suggestion_move (node, id, LNT_ST_VERIFIED, note,
                                           out, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "note") != NULL);
    note[LNT_NOTE_MAX] = 0; // exactly the most allowed
    CHECK_INT (s_move (node, id, LNT_ST_COUNT, &why), LNT_EINVAL);
    CHECK_INT (s_move (node, "3503-2026-999999", LNT_ST_VERIFIED, &why),
               LNT_ENOTFOUND);
    CHECK (strstr (why.text, "3503-2026-999999") != NULL);
    after = s_state (node);
    CHECK_SAME_STATE (before, after);
    CHECK_INT (lnt_office_suggestion_move (node, id, LNT_ST_VERIFIED, note,
                                           out, &why), 0);
    CHECK_INT (strlen (out->history[1].note), LNT_NOTE_MAX);
    free (note);
    free (got);
    free (out);
    lnt_node_destroy (&node);
}

//  Steps never go back in time: a suggestion received in the future (a
//  PC clock that was ahead when it was typed) gets steps at its received
//  time, not at the earlier now
static void
s_test_history_order (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_suggestion_t *got = malloc (sizeof *got);
    lnt_suggestion_t *out = malloc (sizeof *out);
    lnt_why_t why = {""};

    int64_t future = lnt_time_now_ms () + 3LL * 86400 * 1000;
    char when[17];
    lnt_time_format_local (future, WIB, when);
    lnt_suggestion_t *s = s_suggestion (when, LNT_PR_PUBLIC, "Masa depan",
                                        "Jam komputer maju.");
    CHECK_INT (lnt_office_suggestion_add (node, s, NULL, &why), 0);
    int64_t received = s->received;
    CHECK (received > lnt_time_now_ms ());
    CHECK_INT (s_move (node, s->id, LNT_ST_VERIFIED, &why), 0);
    CHECK_INT (s_move (node, s->id, LNT_ST_IN_PROGRESS, &why), 0);
    CHECK_INT (lnt_office_suggestion_respond (node, s->id, "Selesai.", out,
                                              &why), 0);
    CHECK_INT (s_get (node, s->id, got, NULL), 0);
    CHECK_INT (got->history_len, 4);
    for (int i = 1; i < got->history_len; i++) {
        CHECK (got->history[i].at >= got->history[i - 1].at);
        CHECK_INT (got->history[i].at, received);
    }
    CHECK_INT (got->responded, received);

    //  In the ordinary case a step is taken now
    s_add (node, "2026-03-02 09:00", s->id);
    int64_t t0 = lnt_time_now_ms ();
    CHECK_INT (s_move (node, s->id, LNT_ST_VERIFIED, &why), 0);
    int64_t t1 = lnt_time_now_ms ();
    CHECK_INT (s_get (node, s->id, got, NULL), 0);
    CHECK (got->history[1].at >= t0 && got->history[1].at <= t1);
    free (s);
    free (out);
    free (got);
    lnt_node_destroy (&node);
}

//  A history holds LNT_HISTORY_MAX steps. The last two are kept for done
//  and archived: a working move into them is refused and changes nothing,
//  while respond (done) and archive still fit, and after those nothing.
static void
s_test_history_full (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_suggestion_t *got = malloc (sizeof *got);
    lnt_suggestion_t *out = malloc (sizeof *out);
    lnt_why_t why = {""};
    char id[LNT_ID_MAX + 1];
    s_add (node, "2026-03-02 09:00", id);
    CHECK_INT (s_move (node, id, LNT_ST_VERIFIED, &why), 0);
    int moved = 1;
    lnt_status_t next = LNT_ST_IN_PROGRESS;
    for (int i = 2; i < LNT_HISTORY_MAX; i++) {
        if (s_move (node, id, next, &why) == 0) {
            moved++;
            next = next == LNT_ST_IN_PROGRESS ? LNT_ST_ON_HOLD
                                              : LNT_ST_IN_PROGRESS;
        }
    }
    CHECK_INT (moved, LNT_HISTORY_MAX - 3);
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_INT (got->history_len, LNT_HISTORY_MAX - 2);
    lnt_status_t last = got->status;
    CHECK (lnt_status_can_move (last, next));

    s_state_t before = s_state (node);
    why.text[0] = 0;
    CHECK_INT (s_move (node, id, next, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "30") != NULL);
    CHECK (strstr (why.text, id) != NULL);
    CHECK (strstr (why.text, "done and archived") != NULL);
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_INT (got->history_len, LNT_HISTORY_MAX - 2);
    CHECK_INT (got->status, last);

    /* Closing still fits: respond (done), then archived; then it is full. */
    CHECK_INT (lnt_office_suggestion_respond (node, id, "Jawaban.", out, &why),
               0);
    CHECK_INT (out->status, LNT_ST_DONE);
    CHECK_INT (s_move (node, id, LNT_ST_ARCHIVED, &why), 0);
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_INT (got->history_len, LNT_HISTORY_MAX);
    CHECK_INT (got->status, LNT_ST_ARCHIVED);
    before = s_state (node);
    CHECK_INT (lnt_office_suggestion_respond (node, id, "Lagi.", out, &why),
               LNT_EINVAL);
    after = s_state (node);
    CHECK_SAME_STATE (before, after);
    free (out);
    free (got);
    lnt_node_destroy (&node);
}

static void
s_test_respond (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_suggestion_t *got = malloc (sizeof *got);
    lnt_suggestion_t *out = malloc (sizeof *out);
    lnt_why_t why = {""};
    char id[LNT_ID_MAX + 1];

    //  An open suggestion (verified) moves to done with the answer
    s_add (node, "2026-03-02 09:00", id);
    CHECK_INT (s_move (node, id, LNT_ST_VERIFIED, &why), 0);
    size_t log = s_log_count (node);
    int64_t t0 = lnt_time_now_ms ();
    CHECK_INT (lnt_office_suggestion_respond (node, id, "Kursi sudah ditambah.",
                                              out, &why), 0);
    int64_t t1 = lnt_time_now_ms ();
    CHECK_INT (s_log_count (node), log + 1);
    CHECK_INT (out->status, LNT_ST_DONE);
    CHECK_STR (out->response, "Kursi sudah ditambah.");
    CHECK (out->responded >= t0 && out->responded <= t1);
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_INT (got->status, LNT_ST_DONE);
    CHECK_STR (got->response, "Kursi sudah ditambah.");
    CHECK_INT (got->responded, out->responded);
    CHECK_INT (got->history_len, 3);
    CHECK_INT (got->history[2].status, LNT_ST_DONE);
    CHECK_INT (got->history[2].at, got->responded);
    //  Done: refused, and the message says why
    CHECK_INT (lnt_office_suggestion_respond (node, id, "Lagi.", out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "done") != NULL);
    CHECK (strstr (why.text, "open") != NULL);
    CHECK_INT (s_log_count (node), log + 1);
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_STR (got->response, "Kursi sudah ditambah.");

    //  received, on_hold and referred are open too
    static const lnt_status_t open_paths[][3] = {
        {LNT_ST_COUNT},
        {LNT_ST_VERIFIED, LNT_ST_ON_HOLD, LNT_ST_COUNT},
        {LNT_ST_VERIFIED, LNT_ST_REFERRED, LNT_ST_COUNT},
        {LNT_ST_VERIFIED, LNT_ST_IN_PROGRESS, LNT_ST_COUNT}};
    for (size_t i = 0; i < sizeof open_paths / sizeof open_paths[0]; i++) {
        s_add (node, "2026-03-03 09:00", id);
        for (int j = 0; open_paths[i][j] != LNT_ST_COUNT; j++)
            CHECK_INT (s_move (node, id, open_paths[i][j], &why), 0);
        CHECK_INT (lnt_office_suggestion_respond (node, id, "Dijawab.", out,
                                                  &why), 0);
        CHECK_INT (out->status, LNT_ST_DONE);
    }

    //  archived and not_our_authority are not open
    s_add (node, "2026-03-04 09:00", id);
    CHECK_INT (s_move (node, id, LNT_ST_ARCHIVED, &why), 0);
    log = s_log_count (node);
    CHECK_INT (lnt_office_suggestion_respond (node, id, "Dijawab.", out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "archived") != NULL);
    s_add (node, "2026-03-04 10:00", id);
    CHECK_INT (s_move (node, id, LNT_ST_NOT_OUR_AUTHORITY, &why), 0);
    log = s_log_count (node);
    CHECK_INT (lnt_office_suggestion_respond (node, id, "Dijawab.", out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "not_our_authority") != NULL);
    CHECK_INT (s_log_count (node), log);

    //  An empty or broken answer, an unknown id
    s_add (node, "2026-03-04 11:00", id);
    log = s_log_count (node);
    CHECK_INT (lnt_office_suggestion_respond (node, id, "", out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "empty") != NULL);
    CHECK_INT (lnt_office_suggestion_respond (node, id, "Oke \xc3", out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "UTF-8") != NULL);
    CHECK_INT (lnt_office_suggestion_respond (node, "3503-2026-777777", "Ya.",
                                              out, &why), LNT_ENOTFOUND);
    CHECK_INT (s_log_count (node), log);
    CHECK_INT (s_get (node, id, got, NULL), 0);
    CHECK_INT (got->status, LNT_ST_RECEIVED);
    CHECK_INT (got->responded, 0);
    free (out);
    free (got);
    lnt_node_destroy (&node);
}

//  ---- action plan ---------------------------------------------------------

static lnt_rb_item_t
s_rb_item (int year, int area, const char *activity)
{
    lnt_rb_item_t r;
    memset (&r, 0, sizeof r);
    r.year = year;
    r.area = area;
    snprintf (r.activity, sizeof r.activity, "%s", activity);
    snprintf (r.indicator, sizeof r.indicator, "%s", "Dokumen ditetapkan");
    snprintf (r.unit, sizeof r.unit, "%s", "dokumen");
    r.target = 4000;
    r.realisation = 0;
    r.status = LNT_RB_PLANNED;
    r.due = lnt_date_from_ymd (year, 12, 31);
    return r;
}

static int
s_rb_status (lnt_node_t *node, const char *id, lnt_rb_status_t status,
             lnt_why_t *why)
{
    lnt_rb_patch_t patch = {.has_status = true, .status = status};
    lnt_rb_item_t out;
    return lnt_office_rb_update (node, id, &patch, &out, why);
}

static int
s_rb_get (lnt_node_t *node, const char *id, lnt_rb_item_t *r)
{
    lnt_txn_t *txn = s_read (node);
    lnt_why_t why = {""};
    int rc = lnt_office_rb_get (txn, id, r, &why);
    lnt_txn_end (&txn);
    return rc;
}

static void
s_test_rb_add (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_why_t why = {""};
    lnt_rb_item_t r = s_rb_item (2026, 1, "Pembentukan tim RB");
    size_t log = s_log_count (node);
    int64_t t0 = lnt_time_now_ms ();
    CHECK_INT (lnt_office_rb_add (node, &r, &why), 0);
    CHECK_STR (r.id, "3503-RB-2026-0001");
    CHECK_STR (r.office, "3503");
    CHECK (r.updated >= t0 && r.updated <= lnt_time_now_ms ());
    CHECK_INT (s_log_count (node), log + 1);
    r = s_rb_item (2026, 8, "Kotak saran");
    CHECK_INT (lnt_office_rb_add (node, &r, &why), 0);
    CHECK_STR (r.id, "3503-RB-2026-0002");
    r = s_rb_item (2025, 2, "Deregulasi");
    CHECK_INT (lnt_office_rb_add (node, &r, &why), 0);
    CHECK_STR (r.id, "3503-RB-2025-0001");
    CHECK_INT (s_log_count (node), log + 3);

    lnt_rb_item_t got;
    CHECK_INT (s_rb_get (node, "3503-RB-2026-0002", &got), 0);
    CHECK_STR (got.id, "3503-RB-2026-0002");
    CHECK_STR (got.office, "3503");
    CHECK_STR (got.activity, "Kotak saran");
    CHECK_INT (got.area, 8);
    CHECK_INT (got.year, 2026);
    CHECK_INT (got.target, 4000);
    CHECK_INT (got.status, LNT_RB_PLANNED);
    CHECK_INT (got.due, lnt_date_from_ymd (2026, 12, 31));
    CHECK_INT (s_rb_get (node, "3503-RB-2026-0009", &got), LNT_ENOTFOUND);

    //  Refused adds use up no number and write nothing
    s_state_t before = s_state (node);
    struct {
        int year, area;    /* the item's year and area                 */
        int64_t target;    /* its target                               */
        const char *activity; /* its activity                          */
        const char *word;  /* a word the message must hold             */
    } bad[] = {{1999, 1, 1000, "Lama", "year"},
               {2026, 9, 1000, "Area sembilan", "area"},
               {2026, 0, 1000, "Area nol", "area"},
               {2026, 1, 0, "Tanpa target", "target"},
               {2026, 1, 1000, "", "activity"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = s_rb_item (bad[i].year, bad[i].area, bad[i].activity);
        r.target = bad[i].target;
        why.text[0] = 0;
        CHECK_INT (lnt_office_rb_add (node, &r, &why), LNT_EINVAL);
        CHECK (strstr (why.text, bad[i].word) != NULL);
        //  named by what staff typed, not by the number it did not take
        CHECK (strncmp (why.text, "new action-plan item \"", 22) == 0);
        CHECK (strstr (why.text, "3503-RB-") == NULL);
    }
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);
    r = s_rb_item (2026, 3, "Penataan organisasi");
    CHECK_INT (lnt_office_rb_add (node, &r, &why), 0);
    CHECK_STR (r.id, "3503-RB-2026-0003");
    lnt_node_destroy (&node);
}

static void
s_test_rb_update (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_why_t why = {""};
    lnt_rb_item_t r, got, out;
    char a[LNT_ID_MAX + 1], b[LNT_ID_MAX + 1], c[LNT_ID_MAX + 1];
    r = s_rb_item (2026, 1, "Satu");
    CHECK_INT (lnt_office_rb_add (node, &r, &why), 0);
    snprintf (a, sizeof a, "%s", r.id);
    r = s_rb_item (2026, 2, "Dua");
    CHECK_INT (lnt_office_rb_add (node, &r, &why), 0);
    snprintf (b, sizeof b, "%s", r.id);
    r = s_rb_item (2026, 3, "Tiga");
    CHECK_INT (lnt_office_rb_add (node, &r, &why), 0);
    snprintf (c, sizeof c, "%s", r.id);

    //  planned to done skips a step
    s_state_t before = s_state (node);
    CHECK_INT (s_rb_status (node, a, LNT_RB_DONE, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "from planned to done") != NULL);
    CHECK_INT (s_rb_status (node, a, LNT_RB_PLANNED, &why), LNT_EINVAL);
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);
    //  planned, in_progress, done, one change each
    size_t log = s_log_count (node);
    CHECK_INT (s_rb_status (node, a, LNT_RB_IN_PROGRESS, &why), 0);
    CHECK_INT (s_rb_status (node, a, LNT_RB_PLANNED, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "from in_progress to planned") != NULL);
    CHECK_INT (s_rb_status (node, a, LNT_RB_DONE, &why), 0);
    CHECK_INT (s_log_count (node), log + 2);
    CHECK_INT (s_rb_get (node, a, &got), 0);
    CHECK_INT (got.status, LNT_RB_DONE);
    CHECK_INT (s_rb_status (node, a, LNT_RB_IN_PROGRESS, &why), LNT_EINVAL);

    //  Realisation, evidence, due and person, in one update
    lnt_rb_patch_t patch = {.has_realisation = true, .realisation = 2500,
                            .evidence = "SK Tim RB 12/2026", .has_due = true,
                            .due = lnt_date_from_ymd (2026, 6, 30),
                            .person = "Kasubag Program"};
    log = s_log_count (node);
    int64_t t0 = lnt_time_now_ms ();
    CHECK_INT (lnt_office_rb_update (node, b, &patch, &out, &why), 0);
    CHECK_INT (s_log_count (node), log + 1);
    CHECK_INT (s_rb_get (node, b, &got), 0);
    CHECK_INT (got.realisation, 2500);
    CHECK_STR (got.evidence, "SK Tim RB 12/2026");
    CHECK_INT (got.due, lnt_date_from_ymd (2026, 6, 30));
    CHECK_STR (got.person, "Kasubag Program");
    CHECK_INT (got.status, LNT_RB_PLANNED);
    CHECK_STR (got.activity, "Dua");
    CHECK (got.updated >= t0);
    CHECK_INT (out.realisation, 2500);
    //  A patch that sets nothing else leaves the rest alone
    lnt_rb_patch_t only_due = {.has_due = true, .due = LNT_NONE_DAY};
    CHECK_INT (lnt_office_rb_update (node, b, &only_due, &out, &why), 0);
    CHECK_INT (s_rb_get (node, b, &got), 0);
    CHECK_INT (got.due, LNT_NONE_DAY);
    CHECK_INT (got.realisation, 2500);
    CHECK_STR (got.evidence, "SK Tim RB 12/2026");

    //  Refused updates: negative realisation, evidence too long, unknown id
    before = s_state (node);
    lnt_rb_patch_t negative = {.has_realisation = true, .realisation = -1};
    CHECK_INT (lnt_office_rb_update (node, b, &negative, &out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "realisation") != NULL);
    char *long_evidence = malloc (LNT_EVIDENCE_MAX + 2);
    memset (long_evidence, 'e', LNT_EVIDENCE_MAX + 1);
    long_evidence[LNT_EVIDENCE_MAX + 1] = 0;
    lnt_rb_patch_t too_long = {.evidence = long_evidence};
    CHECK_INT (lnt_office_rb_update (node, b, &too_long, &out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "evidence") != NULL);
    CHECK (strstr (why.text, "person") == NULL);
    //  a person too long is named alone
    lnt_rb_patch_t long_person = {.person = long_evidence};
    CHECK_INT (lnt_office_rb_update (node, b, &long_person, &out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "person in charge") != NULL);
    CHECK (strstr (why.text, "evidence") == NULL);
    free (long_evidence);
    CHECK_INT (lnt_office_rb_update (node, "3503-RB-2026-0099", &patch, &out,
                                     &why), LNT_ENOTFOUND);
    after = s_state (node);
    CHECK_SAME_STATE (before, after);
    CHECK_INT (s_rb_get (node, b, &got), 0);
    CHECK_INT (got.realisation, 2500);

    //  Any status may be cancelled: planned (c), in_progress (b), done (a)
    CHECK_INT (s_rb_status (node, c, LNT_RB_CANCELLED, &why), 0);
    CHECK_INT (s_rb_status (node, b, LNT_RB_IN_PROGRESS, &why), 0);
    CHECK_INT (s_rb_status (node, b, LNT_RB_CANCELLED, &why), 0);
    CHECK_INT (s_rb_status (node, a, LNT_RB_CANCELLED, &why), 0);
    //  and then nothing changes it
    before = s_state (node);
    CHECK_INT (s_rb_status (node, c, LNT_RB_IN_PROGRESS, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "cancelled") != NULL);
    CHECK_INT (s_rb_status (node, c, LNT_RB_CANCELLED, &why), LNT_EINVAL);
    lnt_rb_patch_t realise = {.has_realisation = true, .realisation = 1000};
    CHECK_INT (lnt_office_rb_update (node, b, &realise, &out, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "cancelled") != NULL);
    lnt_rb_patch_t evidence = {.evidence = "Bukti baru"};
    CHECK_INT (lnt_office_rb_update (node, a, &evidence, &out, &why),
               LNT_EINVAL);
    after = s_state (node);
    CHECK_SAME_STATE (before, after);
    CHECK_INT (s_rb_get (node, b, &got), 0);
    CHECK_INT (got.status, LNT_RB_CANCELLED);
    CHECK_INT (got.realisation, 2500);
    lnt_node_destroy (&node);
}

//  ---- LKE -----------------------------------------------------------------

static lnt_lke_answer_t
s_lke (int year, const char *item, const char *answer)
{
    lnt_lke_answer_t a;
    memset (&a, 0, sizeof a);
    a.year = year;
    snprintf (a.item, sizeof a.item, "%s", item);
    snprintf (a.answer, sizeof a.answer, "%s", answer);
    return a;
}

static void
s_test_lke (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_why_t why = {""};
    lnt_lke_answer_t a = s_lke (2026, "A1.1", "Y");
    snprintf (a.evidence, sizeof a.evidence, "%s", "SK Tim RB");
    snprintf (a.justification, sizeof a.justification, "%s", "Tim ada.");
    size_t log = s_log_count (node);
    int64_t t0 = lnt_time_now_ms ();
    CHECK_INT (lnt_office_lke_answer (node, &a, &why), 0);
    CHECK_STR (a.id, "3503-LKE-2026-A1.1");
    CHECK_STR (a.office, "3503");
    CHECK_STR (a.instrument, LNT_REF_DEFAULT_INSTRUMENT);
    CHECK (a.answered >= t0 && a.answered <= lnt_time_now_ms ());
    CHECK_INT (s_log_count (node), log + 1);

    //  A re-answer replaces the whole section under the same id
    lnt_lke_answer_t b = s_lke (2026, "A1.1", "T");
    snprintf (b.justification, sizeof b.justification, "%s", "Belum ada SK.");
    CHECK_INT (lnt_office_lke_answer (node, &b, &why), 0);
    CHECK_STR (b.id, "3503-LKE-2026-A1.1");
    CHECK_INT (s_log_count (node), log + 2);
    CHECK_INT (s_log_changes_of (node, "3503-LKE-2026-A1.1"), 2);
    lnt_txn_t *txn = s_read (node);
    CHECK_INT (lnt_txn_count (txn, LNT_DB_RECORDS), 1);
    lnt_record_t rec;
    lnt_lke_answer_t got;
    memset (&got, 0, sizeof got);
    CHECK_INT (lnt_node_get (txn, LNT_KIND_LKE_ANSWER, "3503-LKE-2026-A1.1",
                             &rec, NULL), 0);
    CHECK_INT (lnt_codec_lke_answer_decode (rec.sec[0].body,
                                            rec.sec[0].body_len, &got, NULL),
               0);
    lnt_txn_end (&txn);
    CHECK_STR (got.answer, "T");
    CHECK_STR (got.justification, "Belum ada SK.");
    CHECK_STR (got.evidence, ""); // the old evidence went with the old answer
    CHECK_STR (got.instrument, LNT_REF_DEFAULT_INSTRUMENT);
    CHECK_INT (got.year, 2026);
    CHECK_STR (got.item, "A1.1");

    //  The same item in another year is another record
    lnt_lke_answer_t c = s_lke (2025, "A1.1", "Y");
    CHECK_INT (lnt_office_lke_answer (node, &c, &why), 0);
    CHECK_STR (c.id, "3503-LKE-2025-A1.1");
    //  Each answer type takes its own answers
    struct {
        const char *item, *answer; /* an item and an answer             */
        int rc;                    /* what answering gives              */
    } cases[] = {{"A1.3", "D", 0},         {"A1.3", "E", LNT_EINVAL},
                 {"A1.3", "Y", LNT_EINVAL}, {"A1.4", "C", 0},
                 {"A1.4", "D", LNT_EINVAL}, {"A1.2", "A", LNT_EINVAL},
                 {"A1.2", "y", LNT_EINVAL}, {"A1.2", "", LNT_EINVAL},
                 {"A4.1", "55", 0},        {"A4.1", "100", 0},
                 {"A4.1", "0", 0},         {"A4.1", "101", LNT_EINVAL},
                 {"A4.1", "-1", LNT_EINVAL}, {"A4.1", "B", LNT_EINVAL}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_state_t before = s_state (node);
        lnt_lke_answer_t x = s_lke (2026, cases[i].item, cases[i].answer);
        why.text[0] = 0;
        int rc = lnt_office_lke_answer (node, &x, &why);
        CHECK_INT (rc, cases[i].rc);
        s_state_t after = s_state (node);
        if (rc) {
            CHECK (strstr (why.text, cases[i].item) != NULL);
            CHECK_SAME_STATE (before, after);
        }
        else
            CHECK_INT (after.head, before.head + 1);
    }
    //  Items and instruments that do not exist, a year out of range
    s_state_t before = s_state (node);
    lnt_lke_answer_t x = s_lke (2026, "Z9.9", "Y");
    CHECK_INT (lnt_office_lke_answer (node, &x, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "Z9.9") != NULL);
    x = s_lke (2026, "A1", "Y"); // an area, not an item
    CHECK_INT (lnt_office_lke_answer (node, &x, &why), LNT_EINVAL);
    x = s_lke (2026, "A1.1", "Y");
    snprintf (x.instrument, sizeof x.instrument, "%s", "tidak-ada");
    CHECK_INT (lnt_office_lke_answer (node, &x, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "tidak-ada") != NULL);
    x = s_lke (1999, "A1.1", "Y");
    CHECK_INT (lnt_office_lke_answer (node, &x, &why), LNT_EINVAL);
    x = s_lke (2026, "A1.1", "Y");
    memset (x.item, 'A', LNT_ITEM_MAX + 1);
    x.item[LNT_ITEM_MAX] = 0; // the longest the buffer holds: no such item
    CHECK_INT (lnt_office_lke_answer (node, &x, &why), LNT_EINVAL);
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);
    lnt_node_destroy (&node);
}

//  ---- deletes -----------------------------------------------------------

//  The office section of record id as stored: present, deleted, version
static lnt_section_t
s_section (lnt_node_t *node, uint8_t kind, const char *id)
{
    lnt_txn_t *txn = s_read (node);
    lnt_record_t rec;
    lnt_section_t sec = {0};
    if (lnt_node_get (txn, kind, id, &rec, NULL) == 0)
        sec = rec.sec[LNT_SECTION_OFFICE];
    sec.body = NULL; // borrowed from the transaction, gone at its end
    lnt_txn_end (&txn);
    return sec;
}

//  The last change in the log
static lnt_change_t
s_last_change (lnt_node_t *node)
{
    lnt_txn_t *txn = s_read (node);
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    lnt_change_t change;
    memset (&change, 0, sizeof change);
    if (lnt_cursor_open (txn, LNT_DB_LOG, &cur) == 0) {
        if (lnt_cursor_last (cur, &k, &kl, &v, &vl) == 0)
            CHECK_INT (lnt_codec_change_decode (v, vl, &change, NULL), 0);
        lnt_cursor_close (&cur);
    }
    change.state.body = NULL;
    lnt_txn_end (&txn);
    return change;
}

static void
s_test_delete (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_suggestion_t *got = malloc (sizeof *got);
    lnt_rb_item_t *r = calloc (1, sizeof *r);
    lnt_why_t why = {""};
    const char *name = "Pelapor Uji Hapus-4417";
    const char *text = "Teks rahasia uji hapus-9923";

    //  A confidential suggestion with its reporter, entered by mistake
    lnt_suggestion_t *s = s_suggestion ("2026-05-04 09:00",
                                        LNT_PR_CONFIDENTIAL, "Uji coba", text);
    lnt_private_t reporter = {"", "", ""};
    snprintf (reporter.reporter_name, sizeof reporter.reporter_name, "%s",
              name);
    CHECK_INT (lnt_office_suggestion_add (node, s, &reporter, &why), 0);
    char id[LNT_ID_MAX + 1];
    snprintf (id, sizeof id, "%s", s->id);
    CHECK (s_db_holds (node, LNT_DB_PRIVATE, name, strlen (name)) == 1);
    CHECK (s_db_holds (node, LNT_DB_PRIVATE, text, strlen (text)) == 1);
    lnt_section_t before_sec = s_section (node, LNT_KIND_SUGGESTION, id);
    s_state_t before = s_state (node);
    memset (got, 0, sizeof *got);
    CHECK_INT (lnt_office_suggestion_delete (node, id, got, &why), 0);
    //  out is the record as it was, with the office's own view of it
    CHECK_STR (got->id, id);
    CHECK_STR (got->subject, "Uji coba");
    CHECK_INT (got->status, LNT_ST_RECEIVED);
    //  One change, a tombstone with a greater version; the record stays
    //  (as a tombstone), its private data goes, its number is not freed
    s_state_t after = s_state (node);
    CHECK_INT (after.head, before.head + 1);
    CHECK_INT (after.records, before.records);
    CHECK_INT (after.private_, before.private_ - 1);
    CHECK_INT (after.n2026, before.n2026);
    CHECK_INT (s_db_holds (node, LNT_DB_PRIVATE, name, strlen (name)), 0);
    CHECK_INT (s_db_holds (node, LNT_DB_PRIVATE, text, strlen (text)), 0);
    lnt_section_t sec = s_section (node, LNT_KIND_SUGGESTION, id);
    CHECK (sec.present && sec.deleted);
    CHECK (sec.version > before_sec.version);
    CHECK_INT (sec.body_len, 0);
    lnt_change_t change = s_last_change (node);
    CHECK_STR (change.id, id);
    CHECK_INT (change.section, LNT_SECTION_OFFICE);
    CHECK (change.state.deleted);
    CHECK_INT (change.state.body_len, 0);
    CHECK_INT (change.state.version, sec.version);
    //  The log never held the private data, and still does not
    CHECK_INT (s_log_holds (node, name), 0);

    //  Gone for get, status, respond; a second delete is refused, saying
    //  it was deleted already; none of them changes anything
    before = s_state (node);
    why.text[0] = 0;
    CHECK_INT (s_get (node, id, got, NULL), LNT_ENOTFOUND);
    why.text[0] = 0;
    CHECK_INT (lnt_office_suggestion_move (node, id, LNT_ST_VERIFIED, "", got,
                                           &why), LNT_ENOTFOUND);
    CHECK (strstr (why.text, "deleted") != NULL);
    CHECK (strstr (why.text, id) != NULL);
    why.text[0] = 0;
    CHECK_INT (lnt_office_suggestion_respond (node, id, "jawaban", got, &why),
               LNT_ENOTFOUND);
    CHECK (strstr (why.text, "deleted") != NULL);
    why.text[0] = 0;
    CHECK_INT (lnt_office_suggestion_delete (node, id, got, &why),
               LNT_ENOTFOUND);
    CHECK (strstr (why.text, "deleted") != NULL);
    CHECK (strstr (why.text, "again") != NULL);
    why.text[0] = 0;
    CHECK_INT (lnt_office_suggestion_delete (node, "3503-2026-000099", got,
                                             &why), LNT_ENOTFOUND);
    CHECK (strstr (why.text, "no suggestion") != NULL);
    CHECK (strstr (why.text, "3503-2026-000099") != NULL);
    CHECK_SAME_STATE (before, s_state (node));
    CHECK (s_section (node, LNT_KIND_SUGGESTION, id).version == sec.version);

    //  An answered suggestion may be deleted too; the next number is new
    char id2[LNT_ID_MAX + 1], id3[LNT_ID_MAX + 1];
    s_add (node, "2026-05-05 10:00", id2);
    CHECK_STR (id2, "3503-2026-000002");
    CHECK_INT (lnt_office_suggestion_respond (node, id2, "sudah", got, &why),
               0);
    CHECK_INT (lnt_office_suggestion_delete (node, id2, got, &why), 0);
    CHECK_INT (got->status, LNT_ST_DONE);
    s_add (node, "2026-05-06 10:00", id3);
    CHECK_STR (id3, "3503-2026-000003");
    CHECK_INT (s_get (node, id3, got, NULL), 0);

    //  Action-plan items: any status, cancelled too
    r->year = 2026;
    r->area = 1;
    r->target = 1000;
    r->due = LNT_NONE_DAY;
    snprintf (r->activity, sizeof r->activity, "%s", "Duplikat");
    snprintf (r->indicator, sizeof r->indicator, "%s", "BA");
    snprintf (r->unit, sizeof r->unit, "%s", "dokumen");
    lnt_rb_item_t copy = *r;
    CHECK_INT (lnt_office_rb_add (node, r, &why), 0);
    char rid[LNT_ID_MAX + 1];
    snprintf (rid, sizeof rid, "%s", r->id);
    *r = copy;
    CHECK_INT (lnt_office_rb_add (node, r, &why), 0);
    char rid2[LNT_ID_MAX + 1];
    snprintf (rid2, sizeof rid2, "%s", r->id);
    lnt_rb_patch_t cancel = {.has_status = true, .status = LNT_RB_CANCELLED};
    CHECK_INT (lnt_office_rb_update (node, rid2, &cancel, r, &why), 0);
    before = s_state (node);
    memset (r, 0, sizeof *r);
    CHECK_INT (lnt_office_rb_delete (node, rid, r, &why), 0);
    CHECK_STR (r->id, rid);
    CHECK_STR (r->activity, "Duplikat");
    CHECK_INT (lnt_office_rb_delete (node, rid2, r, &why), 0);
    CHECK_INT (r->status, LNT_RB_CANCELLED);
    after = s_state (node);
    CHECK_INT (after.head, before.head + 2);
    CHECK_INT (after.rb2026, before.rb2026);
    CHECK (s_section (node, LNT_KIND_RB_ITEM, rid).deleted);
    before = after;
    lnt_txn_t *txn = s_read (node);
    why.text[0] = 0;
    CHECK_INT (lnt_office_rb_get (txn, rid, r, &why), LNT_ENOTFOUND);
    CHECK (strstr (why.text, "deleted") != NULL);
    lnt_txn_end (&txn);
    lnt_rb_patch_t done = {.has_status = true, .status = LNT_RB_IN_PROGRESS};
    why.text[0] = 0;
    CHECK_INT (lnt_office_rb_update (node, rid, &done, r, &why),
               LNT_ENOTFOUND);
    CHECK (strstr (why.text, "deleted") != NULL);
    CHECK (strstr (why.text, rid) != NULL);
    CHECK_INT (lnt_office_rb_delete (node, rid, r, &why), LNT_ENOTFOUND);
    CHECK (strstr (why.text, "again") != NULL);
    CHECK_INT (lnt_office_rb_delete (node, "3503-RB-2026-0099", r, &why),
               LNT_ENOTFOUND);
    CHECK (strstr (why.text, "no action-plan item") != NULL);
    //  A suggestion's id is not an action-plan item's
    CHECK_INT (lnt_office_rb_delete (node, id3, r, &why), LNT_ENOTFOUND);
    CHECK_SAME_STATE (before, s_state (node));

    //  LKE: withdraw an answer, then answer the item again: a new write
    //  with a greater version, not the old answer back
    lnt_lke_answer_t a = s_lke (2026, "A1.1", "Y");
    snprintf (a.evidence, sizeof a.evidence, "%s", "SK lama");
    CHECK_INT (lnt_office_lke_answer (node, &a, &why), 0);
    lnt_lke_answer_t out;
    memset (&out, 0, sizeof out);
    CHECK_INT (lnt_office_lke_delete (node, 2026, "A1.1", &out, &why), 0);
    CHECK_STR (out.id, "3503-LKE-2026-A1.1");
    CHECK_STR (out.answer, "Y");
    CHECK_STR (out.evidence, "SK lama");
    lnt_section_t tomb = s_section (node, LNT_KIND_LKE_ANSWER,
                                    "3503-LKE-2026-A1.1");
    CHECK (tomb.present && tomb.deleted);
    before = s_state (node);
    why.text[0] = 0;
    CHECK_INT (lnt_office_lke_delete (node, 2026, "A1.1", &out, &why),
               LNT_ENOTFOUND);
    CHECK (strstr (why.text, "deleted") != NULL);
    CHECK_INT (lnt_office_lke_delete (node, 2025, "A1.1", &out, &why),
               LNT_ENOTFOUND);
    CHECK (strstr (why.text, "3503-LKE-2025-A1.1") != NULL);
    CHECK_INT (lnt_office_lke_delete (node, 1999, "A1.1", &out, &why),
               LNT_EINVAL);
    CHECK_INT (lnt_office_lke_delete (node, 2026, "A1.1.AAAAAAAAAAAAAAAA",
                                      &out, &why), LNT_EINVAL);
    CHECK_SAME_STATE (before, s_state (node));
    lnt_lke_answer_t b = s_lke (2026, "A1.1", "T");
    CHECK_INT (lnt_office_lke_answer (node, &b, &why), 0);
    lnt_section_t again = s_section (node, LNT_KIND_LKE_ANSWER,
                                     "3503-LKE-2026-A1.1");
    CHECK (again.present && !again.deleted);
    CHECK (again.version > tomb.version);
    txn = s_read (node);
    lnt_record_t rec;
    CHECK_INT (lnt_node_get (txn, LNT_KIND_LKE_ANSWER, "3503-LKE-2026-A1.1",
                             &rec, NULL), 0);
    memset (&out, 0, sizeof out);
    CHECK_INT (lnt_codec_lke_answer_decode (rec.sec[0].body,
                                            rec.sec[0].body_len, &out, NULL),
               0);
    lnt_txn_end (&txn);
    CHECK_STR (out.answer, "T");
    CHECK_STR (out.evidence, "");
    //  and that one can be withdrawn in turn
    CHECK_INT (lnt_office_lke_delete (node, 2026, "A1.1", &out, &why), 0);
    CHECK_STR (out.answer, "T");

    free (s);
    free (r);
    free (got);
    lnt_node_destroy (&node);
}

//  ---- each ----------------------------------------------------------------

typedef struct {
    int visits;                  /* records seen                            */
    int stop_after;              /* return non-zero after this many (0 no)  */
    uint8_t kind;                /* the kind asked for                      */
    int wrong_kind;              /* records of another kind seen            */
    int out_of_order;            /* ids not after the one before            */
    char last[LNT_ID_MAX + 1];   /* the id seen last                        */
    char first[LNT_ID_MAX + 1];  /* the id seen first                       */
} s_each_t;

static int
s_each_fn (const lnt_record_t *rec, void *arg)
{
    s_each_t *e = arg;
    if (rec->kind != e->kind)
        e->wrong_kind++;
    if (e->visits && strcmp (e->last, rec->id) >= 0)
        e->out_of_order++;
    if (!e->visits)
        snprintf (e->first, sizeof e->first, "%s", rec->id);
    snprintf (e->last, sizeof e->last, "%s", rec->id);
    e->visits++;
    return e->stop_after && e->visits >= e->stop_after ? 7 : 0;
}

static void
s_test_each (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_why_t why = {""};
    char id[LNT_ID_MAX + 1];
    //  Added out of id order: 2026 first, then 2025
    s_add (node, "2026-05-01 09:00", id);
    s_add (node, "2026-05-02 09:00", id);
    s_add (node, "2025-05-01 09:00", id);
    for (int i = 0; i < 3; i++) {
        lnt_rb_item_t r = s_rb_item (2027 - i, 1 + i, "Kegiatan");
        CHECK_INT (lnt_office_rb_add (node, &r, &why), 0);
    }
    lnt_lke_answer_t a = s_lke (2026, "A5.1", "Y");
    CHECK_INT (lnt_office_lke_answer (node, &a, &why), 0);
    a = s_lke (2026, "A1.1", "Y");
    CHECK_INT (lnt_office_lke_answer (node, &a, &why), 0);

    lnt_txn_t *txn = s_read (node);
    s_each_t e = {.kind = LNT_KIND_SUGGESTION};
    CHECK_INT (lnt_office_each (txn, LNT_KIND_SUGGESTION, s_each_fn, &e), 0);
    CHECK_INT (e.visits, 3);
    CHECK_INT (e.wrong_kind, 0);
    CHECK_INT (e.out_of_order, 0);
    CHECK_STR (e.first, "3503-2025-000001");
    CHECK_STR (e.last, "3503-2026-000002");
    e = (s_each_t){.kind = LNT_KIND_RB_ITEM};
    CHECK_INT (lnt_office_each (txn, LNT_KIND_RB_ITEM, s_each_fn, &e), 0);
    CHECK_INT (e.visits, 3);
    CHECK_INT (e.wrong_kind, 0);
    CHECK_INT (e.out_of_order, 0);
    CHECK_STR (e.first, "3503-RB-2025-0001");
    CHECK_STR (e.last, "3503-RB-2027-0001");
    e = (s_each_t){.kind = LNT_KIND_LKE_ANSWER};
    CHECK_INT (lnt_office_each (txn, LNT_KIND_LKE_ANSWER, s_each_fn, &e), 0);
    CHECK_INT (e.visits, 2);
    CHECK_INT (e.wrong_kind, 0);
    CHECK_STR (e.first, "3503-LKE-2026-A1.1");
    CHECK_STR (e.last, "3503-LKE-2026-A5.1");
    //  A kind with no records
    e = (s_each_t){.kind = LNT_KIND_REF};
    CHECK_INT (lnt_office_each (txn, LNT_KIND_REF, s_each_fn, &e), 0);
    CHECK_INT (e.visits, 0);
    //  fn stops the walk, and its value is returned
    e = (s_each_t){.kind = LNT_KIND_SUGGESTION, .stop_after = 2};
    CHECK_INT (lnt_office_each (txn, LNT_KIND_SUGGESTION, s_each_fn, &e), 7);
    CHECK_INT (e.visits, 2);
    lnt_txn_end (&txn);
    lnt_node_destroy (&node);
}

int
main (int argc, char **argv)
{
    s_ref_dir = argc > 1 ? argv[1] : getenv ("LONTAR_REF");
    if (!s_ref_dir) {
        fprintf (stderr, "usage: test_office DATA-FOLDER\n");
        return 64;
    }
    s_root = strdup ("/tmp/lnt-test-office-XXXXXX");
    if (!s_root || !mkdtemp (s_root)) {
        perror ("mkdtemp");
        return 1;
    }
    s_test_tracking_numbers ();
    s_test_confidential ();
    s_test_refused_add ();
    s_test_moves ();
    s_test_history_order ();
    s_test_history_full ();
    s_test_respond ();
    s_test_rb_add ();
    s_test_rb_update ();
    s_test_lke ();
    s_test_delete ();
    s_test_each ();
    nftw (s_root, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free (s_root);
    return LNT_TEST_DONE ();
}
