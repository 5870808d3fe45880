/*  test_import.c - unit test for lnt_import over real stores in temporary
    folders: the sample files of common/data, an LKE file, all or nothing
    and --keep-going, bad rows reported by line, rows of other and unknown
    offices, header rows, files refused whole (wrong shape, missing, empty),
    an export read back into a fresh store, and progress every 1,000 rows.

    Usage: test_import DATA-FOLDER (the reference data, common/data).      */
#include "lnt_error.h"
#include "lnt_import.h"
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
static int s_files;           /* files written so far, for their names  */

//  ---- helpers -----------------------------------------------------------

static int
s_rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove (path);
}

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

//  What an import may change
typedef struct {
    uint64_t head;   /* log head                                            */
    size_t log;      /* entries in the log                                  */
    size_t records;  /* records                                             */
    size_t counters; /* counters                                            */
} s_state_t;

static s_state_t
s_state (lnt_node_t *node)
{
    lnt_txn_t *txn = s_read (node);
    s_state_t st = {lnt_node_log_head (txn), lnt_txn_count (txn, LNT_DB_LOG),
                    lnt_txn_count (txn, LNT_DB_RECORDS),
                    lnt_txn_count (txn, LNT_DB_COUNTERS)};
    lnt_txn_end (&txn);
    return st;
}

#define CHECK_SAME_STATE(a, b)                                              \
    do {                                                                    \
        CHECK_INT ((a).head, (b).head);                                     \
        CHECK_INT ((a).log, (b).log);                                       \
        CHECK_INT ((a).records, (b).records);                               \
        CHECK_INT ((a).counters, (b).counters);                             \
    } while (0)

//  Writes text to a new file under s_root; returns its path (static)
static const char *
s_file (const char *text)
{
    static char path[4096];
    snprintf (path, sizeof path, "%s/file-%d.csv", s_root, ++s_files);
    FILE *f = fopen (path, "wb");
    if (!f || fputs (text, f) == EOF || fclose (f)) {
        perror (path);
        exit (1);
    }
    return path;
}

static const char *
s_sample (const char *name)
{
    static char path[4096];
    snprintf (path, sizeof path, "%s/%s", s_ref_dir, name);
    return path;
}

//  Does any problem hold text
static bool
s_problem_has (const lnt_import_result_t *res, const char *text)
{
    for (size_t i = 0; i < res->problem_count; i++)
        if (strstr (res->problems[i], text))
            return true;
    return false;
}

static int
s_get (lnt_node_t *node, const char *id, lnt_suggestion_t *s)
{
    lnt_txn_t *txn = s_read (node);
    int rc = lnt_office_suggestion_get (node, txn, id, s, NULL, NULL);
    lnt_txn_end (&txn);
    return rc;
}

static int
s_rb_get (lnt_node_t *node, const char *id, lnt_rb_item_t *r)
{
    lnt_txn_t *txn = s_read (node);
    int rc = lnt_office_rb_get (txn, id, r, NULL);
    lnt_txn_end (&txn);
    return rc;
}

//  ---- the sample files ----------------------------------------------------

static void
s_test_samples (void)
{
    lnt_node_t *node = s_node_new ("3320");
    lnt_import_result_t res;
    lnt_why_t why = {""};
    s_state_t before = s_state (node);
    CHECK_INT (lnt_import_file (node, s_sample ("sample-suggestions.csv"),
                                false, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.kind, LNT_IMPORT_SUGGESTIONS);
    CHECK_INT (res.imported, 4);
    CHECK_INT (res.skipped, 5);
    CHECK_INT (res.bad, 0);
    CHECK_INT (res.problem_count, 0);
    lnt_import_result_free (&res);
    CHECK (res.problems == NULL);
    s_state_t after = s_state (node);
    CHECK_INT (after.records, before.records + 4);
    CHECK_INT (after.head, before.head + 4);
    lnt_suggestion_t *s = malloc (sizeof *s);
    CHECK_INT (s_get (node, "3320-2020-000001", s), 0);
    int64_t when = 0;
    lnt_time_parse_local ("2020-09-01 09:12", WIB, &when);
    CHECK_INT (s->received, when);
    CHECK_INT (s->channel, LNT_CH_SUGGESTION_BOX);
    CHECK_INT (s->class_, LNT_CL_SUGGESTION);
    CHECK_INT (s->privacy, LNT_PR_PUBLIC);
    CHECK_STR (s->category, "facilities");
    CHECK_STR (s->subject, "Ruang tunggu");
    CHECK_INT (s->status, LNT_ST_RECEIVED);
    CHECK_INT (s_get (node, "3320-2020-000004", s), 0);
    CHECK_INT (s->class_, LNT_CL_COMPLAINT);
    CHECK_STR (s->subject, "Antrian layanan");
    CHECK_INT (s_get (node, "3320-2020-000005", s), LNT_ENOTFOUND);
    free (s);
    lnt_node_destroy (&node);

    node = s_node_new ("3503");
    CHECK_INT (lnt_import_file (node, s_sample ("sample-action-plan.csv"),
                                false, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.kind, LNT_IMPORT_RB);
    CHECK_INT (res.imported, 5);
    CHECK_INT (res.skipped, 8);
    CHECK_INT (res.bad, 0);
    lnt_import_result_free (&res);
    lnt_rb_item_t r;
    CHECK_INT (s_rb_get (node, "3503-RB-2021-0003", &r), 0);
    CHECK_STR (r.activity, "Evaluasi internal dengan lembar kerja evaluasi");
    CHECK_INT (r.area, 6);
    CHECK_INT (r.target, 8000);
    CHECK_INT (r.realisation, 3000);
    CHECK_STR (r.unit, "area");
    CHECK_INT (r.due, lnt_date_from_ymd (2021, 11, 30));
    CHECK_INT (r.status, LNT_RB_IN_PROGRESS);
    CHECK_INT (s_rb_get (node, "3503-RB-2021-0001", &r), 0);
    CHECK_INT (r.status, LNT_RB_DONE);
    CHECK_INT (s_rb_get (node, "3503-RB-2021-0005", &r), 0);
    CHECK_INT (r.status, LNT_RB_PLANNED);
    CHECK_STR (r.activity, "Pembangunan zona integritas");
    CHECK_INT (s_rb_get (node, "3503-RB-2021-0006", &r), LNT_ENOTFOUND);
    CHECK_INT (s_rb_get (node, "3503-RB-2020-0001", &r), LNT_ENOTFOUND);

    //  The same file again is refused, naming it, and stores nothing
    why.text[0] = 0;
    CHECK_INT (lnt_import_file (node, s_sample ("sample-action-plan.csv"),
                                false, NULL, NULL, &res, &why), LNT_EEXIST);
    CHECK (strstr (why.text, "imported already") != NULL);
    CHECK (strstr (why.text, "sample-action-plan.csv") != NULL);
    CHECK_INT (res.imported, 0);
    lnt_import_result_free (&res);
    CHECK_INT (s_rb_get (node, "3503-RB-2021-0006", &r), LNT_ENOTFOUND);
    //  With LNT_IMPORT_AGAIN the rows are added again, under new ids
    CHECK_INT (lnt_import_file (node, s_sample ("sample-action-plan.csv"),
                                LNT_IMPORT_AGAIN, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.imported, 5);
    lnt_import_result_free (&res);
    CHECK_INT (s_rb_get (node, "3503-RB-2021-0010", &r), 0);
    lnt_node_destroy (&node);
}

static void
s_test_lke (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_import_result_t res;
    lnt_why_t why = {""};
    const char *path = s_file (
        "office,year,item,answer,evidence,justification\n"
        "3503,2026,A1.1,Y,SK Tim RB,\"Tim ada, lengkap\"\n"
        "3503,2026,A4.1,75,,\n"
        "3512,2026,A1.1,T,,\n"
        "3503,2026,A1.1,T,,Diganti\n");
    CHECK_INT (lnt_import_file (node, path, false, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.kind, LNT_IMPORT_LKE);
    CHECK_INT (res.imported, 3);
    CHECK_INT (res.skipped, 1);
    CHECK_INT (res.bad, 0);
    lnt_import_result_free (&res);
    lnt_txn_t *txn = s_read (node);
    CHECK_INT (lnt_txn_count (txn, LNT_DB_RECORDS), 2);
    CHECK_INT (lnt_node_log_head (txn), 3);
    lnt_record_t rec;
    lnt_lke_answer_t a;
    memset (&a, 0, sizeof a);
    CHECK_INT (lnt_node_get (txn, LNT_KIND_LKE_ANSWER, "3503-LKE-2026-A4.1",
                             &rec, NULL), 0);
    CHECK_INT (lnt_codec_lke_answer_decode (rec.sec[0].body,
                                            rec.sec[0].body_len, &a, NULL), 0);
    CHECK_STR (a.answer, "75");
    CHECK_STR (a.instrument, LNT_REF_DEFAULT_INSTRUMENT);
    //  The later row of the same item replaced the earlier
    CHECK_INT (lnt_node_get (txn, LNT_KIND_LKE_ANSWER, "3503-LKE-2026-A1.1",
                             &rec, NULL), 0);
    CHECK_INT (lnt_codec_lke_answer_decode (rec.sec[0].body,
                                            rec.sec[0].body_len, &a, NULL), 0);
    CHECK_STR (a.answer, "T");
    CHECK_STR (a.justification, "Diganti");
    CHECK_STR (a.evidence, "");
    lnt_txn_end (&txn);

    //  Exported in the shape import reads, one row an answer
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream (&text, &size);
    CHECK_INT (lnt_export_csv (node, LNT_IMPORT_LKE, f), 0);
    fclose (f);
    CHECK_STR (text, "# office,year,item,answer,evidence,justification\r\n"
                     "3503,2026,A1.1,T,,Diganti\r\n"
                     "3503,2026,A4.1,75,,\r\n");
    free (text);

    //  A bad answer is a bad row
    path = s_file ("3503,2026,A1.3,E,,\n");
    CHECK_INT (lnt_import_file (node, path, false, NULL, NULL, &res, &why),
               LNT_EINVAL);
    CHECK_INT (res.bad, 1);
    CHECK (s_problem_has (&res, "line 1"));
    CHECK (s_problem_has (&res, "\"E\""));
    lnt_import_result_free (&res);
    lnt_node_destroy (&node);
}

//  ---- bad rows --------------------------------------------------------------

//  Three good rows; a bad channel on line 3, a date that does not exist
//  on line 5
static const char *s_mixed =
    "3320,2026-03-02 09:00,website,suggestion,,public,Satu,Isi satu\n"
    "3320,2026-03-02 10:00,letter,complaint,,anonymous,Dua,Isi dua\n"
    "3320,2026-03-02 11:00,fax,suggestion,,public,Tiga,Isi tiga\n"
    "3320,2026-03-02 12:00,phone,suggestion,,public,Empat,Isi empat\n"
    "3320,2026-02-30 13:00,website,suggestion,,public,Lima,Isi lima\n";

static void
s_test_all_or_nothing (void)
{
    lnt_node_t *node = s_node_new ("3320");
    lnt_import_result_t res;
    lnt_why_t why = {""};
    //  Something in the store already
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    lnt_time_parse_local ("2026-03-01 08:00", WIB, &s->received);
    snprintf (s->subject, sizeof s->subject, "Awal");
    snprintf (s->text, sizeof s->text, "Isi awal");
    CHECK_INT (lnt_office_suggestion_add (node, s, NULL, &why), 0);
    CHECK_STR (s->id, "3320-2026-000001");

    const char *path = s_file (s_mixed);
    s_state_t before = s_state (node);
    CHECK_INT (lnt_import_file (node, path, false, NULL, NULL, &res, &why),
               LNT_EINVAL);
    CHECK_INT (res.imported, 0);
    CHECK_INT (res.bad, 2);
    CHECK_INT (res.problem_count, 2);
    CHECK (res.problem_count == 2 && strstr (res.problems[0], "line 3:")
           && strstr (res.problems[0], "fax"));
    CHECK (res.problem_count == 2 && strstr (res.problems[1], "line 5:")
           && strstr (res.problems[1], "2026-02-30"));
    CHECK (!s_problem_has (&res, "line 1:") && !s_problem_has (&res, "line 2:")
           && !s_problem_has (&res, "line 4:"));
    CHECK (strstr (why.text, "2 bad rows") != NULL);
    CHECK (strstr (why.text, "nothing was imported") != NULL);
    lnt_import_result_free (&res);
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);

    //  keep_going stores the good rows, numbered with no gaps
    why.text[0] = 0;
    CHECK_INT (lnt_import_file (node, path, true, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.imported, 3);
    CHECK_INT (res.bad, 2);
    CHECK (s_problem_has (&res, "line 3:"));
    CHECK (s_problem_has (&res, "line 5:"));
    lnt_import_result_free (&res);
    after = s_state (node);
    CHECK_INT (after.records, before.records + 3);
    CHECK_INT (after.head, before.head + 3);
    CHECK_INT (s_get (node, "3320-2026-000004", s), 0);
    CHECK_STR (s->subject, "Empat");
    CHECK_INT (s->channel, LNT_CH_PHONE);
    CHECK_INT (s_get (node, "3320-2026-000003", s), 0);
    CHECK_STR (s->subject, "Dua");
    CHECK_INT (s->privacy, LNT_PR_ANONYMOUS);

    //  A row refused by the record's own checks (an empty subject) uses up
    //  no tracking number either
    path = s_file (
        "3320,2026-03-03 09:00,website,suggestion,,public,Enam,Isi\n"
        "3320,2026-03-03 10:00,website,suggestion,,public,,Tanpa subjek\n"
        "3320,2026-03-03 11:00,website,suggestion,,public,Tujuh,Isi\n");
    CHECK_INT (lnt_import_file (node, path, true, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.imported, 2);
    CHECK_INT (res.bad, 1);
    CHECK (s_problem_has (&res, "line 2:") && s_problem_has (&res, "subject"));
    lnt_import_result_free (&res);
    CHECK_INT (s_get (node, "3320-2026-000005", s), 0);
    CHECK_STR (s->subject, "Enam");
    CHECK_INT (s_get (node, "3320-2026-000006", s), 0);
    CHECK_STR (s->subject, "Tujuh");
    //  The same for an action-plan row (a target of 0)
    lnt_node_t *rb = s_node_new ("3503");
    path = s_file ("3503,2026,1,Satu,Ind,1,dok,,,,\n"
                   "3503,2026,1,Dua,Ind,0,dok,,,,\n"
                   "3503,2026,1,Tiga,Ind,1,dok,,,,\n");
    CHECK_INT (lnt_import_file (rb, path, true, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.imported, 2);
    CHECK_INT (res.bad, 1);
    CHECK (s_problem_has (&res, "line 2:") && s_problem_has (&res, "target"));
    lnt_import_result_free (&res);
    lnt_rb_item_t r;
    CHECK_INT (s_rb_get (rb, "3503-RB-2026-0002", &r), 0);
    CHECK_STR (r.activity, "Tiga");
    CHECK_INT (r.status, LNT_RB_PLANNED);
    CHECK_INT (r.due, LNT_NONE_DAY);
    lnt_node_destroy (&rb);

    //  Rows of an office not in the list are bad, not skipped; rows of a
    //  listed office are skipped; a header row is neither
    before = s_state (node);
    path = s_file (
        "office,received,channel,class,category,privacy,subject,text\n"
        "9999,2026-03-04 09:00,website,suggestion,,public,Asing,Isi\n"
        "3503,2026-03-04 09:00,website,suggestion,,public,Lain,Isi\n"
        "3320,2026-03-04 09:00,website,suggestion,,,Tanpa privasi,Isi\n");
    CHECK_INT (lnt_import_file (node, path, false, NULL, NULL, &res, &why),
               LNT_EINVAL);
    CHECK_INT (res.bad, 1);
    CHECK_INT (res.skipped, 1);
    CHECK_INT (res.imported, 0);
    CHECK (s_problem_has (&res, "line 2:") && s_problem_has (&res, "9999"));
    lnt_import_result_free (&res);
    after = s_state (node);
    CHECK_SAME_STATE (before, after);
    CHECK_INT (lnt_import_file (node, path, true, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.imported, 1);
    CHECK_INT (res.skipped, 1);
    CHECK_INT (res.bad, 1);
    CHECK_INT (res.kind, LNT_IMPORT_SUGGESTIONS);
    lnt_import_result_free (&res);
    CHECK_INT (s_get (node, "3320-2026-000007", s), 0);
    CHECK_STR (s->subject, "Tanpa privasi");
    CHECK_INT (s->privacy, LNT_PR_PUBLIC);

    //  A row with another number of fields than the file's first, and a
    //  malformed CSV row, are bad rows
    before = s_state (node);
    path = s_file (
        "3320,2026-03-05 09:00,website,suggestion,,public,Baik,Isi\n"
        "3320,2026,1,Kegiatan,Ind,1,dok,,,,\n"
        "3320,2026-03-05 09:00,website,suggestion,,public,\"Kutip,Isi\n");
    CHECK_INT (lnt_import_file (node, path, false, NULL, NULL, &res, &why),
               LNT_EINVAL);
    CHECK_INT (res.bad, 2);
    CHECK (s_problem_has (&res, "line 2:") && s_problem_has (&res, "11 fields"));
    CHECK (s_problem_has (&res, "line 3:"));
    lnt_import_result_free (&res);
    after = s_state (node);
    CHECK_SAME_STATE (before, after);
    free (s);
    lnt_node_destroy (&node);
}

//  Files refused whole, with nothing read from them stored
static void
s_test_refused_files (void)
{
    lnt_node_t *node = s_node_new ("3320");
    lnt_import_result_t res;
    lnt_why_t why = {""};
    s_state_t before = s_state (node);

    //  Seven fields is no shape import knows
    const char *path = s_file ("3320,2026-03-02 09:00,website,suggestion,,"
                               "public,Subjek\n");
    CHECK_INT (lnt_import_file (node, path, false, NULL, NULL, &res, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "7 fields") != NULL);
    CHECK (strstr (why.text, "line 1") != NULL);
    CHECK (strstr (why.text, path) != NULL);
    CHECK_INT (res.imported, 0);
    lnt_import_result_free (&res);
    //  also with keep_going, and after good rows of a header
    path = s_file ("# a comment\noffice,x\n3320,a,b,c,d,e,f\n");
    why.text[0] = 0;
    CHECK_INT (lnt_import_file (node, path, true, NULL, NULL, &res, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "line 3") != NULL);
    lnt_import_result_free (&res);

    //  A missing file cannot be read: an I/O failure that names it
    char missing[4096];
    snprintf (missing, sizeof missing, "%s/no-such-file.csv", s_root);
    why.text[0] = 0;
    int rc = lnt_import_file (node, missing, false, NULL, NULL, &res, &why);
    CHECK_INT (rc, LNT_EIO);
    CHECK (strstr (why.text, missing) != NULL);
    CHECK_INT (res.imported, 0);
    lnt_import_result_free (&res);
    //  and neither can a folder
    rc = lnt_import_file (node, s_root, false, NULL, NULL, &res, &why);
    CHECK_INT (rc, LNT_EIO);
    lnt_import_result_free (&res);

    //  Files with no rows: empty, comments and blank lines, a header only
    const char *empty[] = {"", "# nothing here\n\n# or here\n",
                           "office,received,channel,class,category,privacy,"
                           "subject,text\n"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        path = s_file (empty[i]);
        why.text[0] = 0;
        CHECK_INT (lnt_import_file (node, path, true, NULL, NULL, &res, &why),
                   LNT_EINVAL);
        CHECK (strstr (why.text, "holds no rows") != NULL);
        CHECK_INT (res.imported, 0);
        CHECK_INT (res.bad, 0);
        lnt_import_result_free (&res);
    }
    s_state_t after = s_state (node);
    CHECK_SAME_STATE (before, after);
    lnt_node_destroy (&node);
}

//  ---- export and import ---------------------------------------------------

static lnt_rb_item_t
s_rb_item (int year, int area, const char *activity, int64_t target,
           int64_t realisation, int32_t due, const char *evidence)
{
    lnt_rb_item_t r;
    memset (&r, 0, sizeof r);
    r.year = year;
    r.area = area;
    snprintf (r.activity, sizeof r.activity, "%s", activity);
    snprintf (r.indicator, sizeof r.indicator, "Indikator %s", activity);
    snprintf (r.unit, sizeof r.unit, "%s", "dokumen");
    r.target = target;
    r.realisation = realisation;
    r.due = due;
    snprintf (r.evidence, sizeof r.evidence, "%s", evidence);
    return r;
}

typedef struct {
    lnt_rb_item_t items[16]; /* the items, in id order                      */
    int count;               /* how many                                    */
} s_items_t;

static int
s_collect (const lnt_record_t *rec, void *arg)
{
    s_items_t *items = arg;
    if (items->count >= 16)
        return -1;
    lnt_rb_item_t *r = &items->items[items->count++];
    memset (r, 0, sizeof *r);
    snprintf (r->id, sizeof r->id, "%s", rec->id);
    snprintf (r->office, sizeof r->office, "%s", rec->office);
    return lnt_codec_rb_item_decode (rec->sec[0].body, rec->sec[0].body_len, r,
                                     NULL);
}

static void
s_items (lnt_node_t *node, s_items_t *items)
{
    items->count = 0;
    lnt_txn_t *txn = s_read (node);
    CHECK_INT (lnt_office_each (txn, LNT_KIND_RB_ITEM, s_collect, items), 0);
    lnt_txn_end (&txn);
}

static void
s_test_export_import (void)
{
    lnt_node_t *node = s_node_new ("3503");
    lnt_why_t why = {""};
    lnt_rb_item_t items[] = {
        s_rb_item (2026, 1, "Tim RB, dengan koma", 2500, 125,
                   lnt_date_from_ymd (2026, 3, 31), "SK \"Tim\" RB"),
        s_rb_item (2026, 8, "# bukan komentar", 1000, 0, LNT_NONE_DAY, ""),
        s_rb_item (2026, 4, "Baris satu\nbaris dua", 100000, 60000,
                   lnt_date_from_ymd (2026, 12, 31),
                   "https://example.org/bukti?a=1,b=2"),
        s_rb_item (2025, 6, "Evaluasi \xE2\x80\x94 internal", 8000, 8000,
                   lnt_date_from_ymd (2025, 11, 30), "e3b0c44298fc1c149afb"),
        s_rb_item (2026, 2, "Dibatalkan", 1, 0, LNT_NONE_DAY, "")};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        CHECK_INT (lnt_office_rb_add (node, &items[i], &why), 0);
    lnt_rb_patch_t patch = {.has_status = true, .status = LNT_RB_IN_PROGRESS};
    lnt_rb_item_t out;
    CHECK_INT (lnt_office_rb_update (node, items[0].id, &patch, &out, &why),
               0);
    CHECK_INT (lnt_office_rb_update (node, items[3].id, &patch, &out, &why),
               0);
    patch.status = LNT_RB_DONE;
    CHECK_INT (lnt_office_rb_update (node, items[3].id, &patch, &out, &why),
               0);
    patch.status = LNT_RB_CANCELLED;
    CHECK_INT (lnt_office_rb_update (node, items[4].id, &patch, &out, &why),
               0);
    //  An LKE answer is of another kind: not exported with the items
    lnt_lke_answer_t a;
    memset (&a, 0, sizeof a);
    a.year = 2026;
    snprintf (a.item, sizeof a.item, "A1.1");
    snprintf (a.answer, sizeof a.answer, "Y");
    CHECK_INT (lnt_office_lke_answer (node, &a, &why), 0);

    char path[4096];
    snprintf (path, sizeof path, "%s/export-rb.csv", s_root);
    FILE *f = fopen (path, "wb");
    CHECK (f != NULL);
    if (!f)
        return;
    CHECK_INT (lnt_export_csv (node, LNT_IMPORT_RB, f), 0);
    fclose (f);
    CHECK_INT (lnt_export_csv (node, LNT_IMPORT_UNKNOWN, stdout), LNT_EINVAL);

    lnt_node_t *fresh = s_node_new ("3503");
    lnt_import_result_t res;
    CHECK_INT (lnt_import_file (fresh, path, false, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.kind, LNT_IMPORT_RB);
    CHECK_INT (res.imported, 5);
    CHECK_INT (res.bad, 0);
    for (size_t i = 0; i < res.problem_count; i++)
        fprintf (stderr, "%s\n", res.problems[i]);
    lnt_import_result_free (&res);

    s_items_t *was = malloc (sizeof *was), *now = malloc (sizeof *now);
    s_items (node, was);
    s_items (fresh, now);
    CHECK_INT (was->count, 5);
    CHECK_INT (now->count, 5);
    for (int i = 0; i < was->count && i < now->count; i++) {
        const lnt_rb_item_t *x = &was->items[i], *y = &now->items[i];
        CHECK_STR (y->id, x->id);
        CHECK_STR (y->office, x->office);
        CHECK_INT (y->year, x->year);
        CHECK_INT (y->area, x->area);
        CHECK_STR (y->activity, x->activity);
        CHECK_STR (y->indicator, x->indicator);
        CHECK_INT (y->target, x->target);
        CHECK_STR (y->unit, x->unit);
        CHECK_INT (y->realisation, x->realisation);
        CHECK_INT (y->due, x->due);
        CHECK_INT (y->status, x->status);
        CHECK_STR (y->evidence, x->evidence);
    }
    //  The ones that matter most, by name
    CHECK_STR (now->items[0].id, "3503-RB-2025-0001");
    CHECK_INT (now->items[0].status, LNT_RB_DONE);
    CHECK_STR (now->items[3].activity, "Baris satu\nbaris dua");
    CHECK_INT (now->items[4].status, LNT_RB_CANCELLED);
    CHECK_INT (now->items[1].realisation, 125);
    CHECK_INT (now->items[1].target, 2500);
    free (was);
    free (now);
    lnt_node_destroy (&fresh);
    lnt_node_destroy (&node);
}

//  Suggestions go out and come back too, a confidential one's text with
//  them (the export is the office's own file); the reporter stays out
static void
s_test_export_suggestions (void)
{
    lnt_node_t *node = s_node_new ("3320");
    lnt_import_result_t res;
    lnt_why_t why = {""};
    CHECK_INT (lnt_import_file (node, s_sample ("sample-suggestions.csv"),
                                false, NULL, NULL, &res, &why), 0);
    lnt_import_result_free (&res);
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    lnt_time_parse_local ("2026-03-02 09:00", WIB, &s->received);
    s->class_ = LNT_CL_WHISTLEBLOWING;
    s->privacy = LNT_PR_CONFIDENTIAL;
    snprintf (s->subject, sizeof s->subject, "Pungutan");
    snprintf (s->text, sizeof s->text, "Ada pungutan liar, di meja 3.");
    lnt_private_t reporter = {"Pelapor Rahasia", "0812-000", ""};
    CHECK_INT (lnt_office_suggestion_add (node, s, &reporter, &why), 0);

    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream (&text, &size);
    CHECK_INT (lnt_export_csv (node, LNT_IMPORT_SUGGESTIONS, f), 0);
    fclose (f);
    const char *header = "# office,received,channel,class,category,privacy,"
                         "subject,text\r\n";
    CHECK (strncmp (text, header, strlen (header)) == 0);
    CHECK (strstr (text, "3320,2020-09-01 09:12,suggestion_box,suggestion,"
                         "facilities,public,Ruang tunggu,") != NULL);
    CHECK (strstr (text, "Pelapor Rahasia") == NULL);
    CHECK (strstr (text, "0812-000") == NULL);
    const char *path = s_file (text);
    free (text);

    lnt_node_t *fresh = s_node_new ("3320");
    why.text[0] = 0;
    CHECK_INT (lnt_import_file (fresh, path, false, NULL, NULL, &res, &why), 0);
    CHECK_INT (res.imported, 5);
    CHECK_INT (res.bad, 0);
    for (size_t i = 0; i < res.problem_count; i++)
        fprintf (stderr, "%s\n", res.problems[i]);
    lnt_import_result_free (&res);
    lnt_suggestion_t *got = calloc (1, sizeof *got);
    lnt_private_t *p = calloc (1, sizeof *p);
    lnt_txn_t *txn = s_read (fresh);
    CHECK_INT (lnt_office_suggestion_get (fresh, txn, "3320-2026-000001", got,
                                          p, NULL), 0);
    lnt_txn_end (&txn);
    CHECK_STR (got->text, "Ada pungutan liar, di meja 3.");
    CHECK_INT (got->privacy, LNT_PR_CONFIDENTIAL);
    CHECK_INT (got->class_, LNT_CL_WHISTLEBLOWING);
    CHECK_INT (got->received, s->received);
    CHECK_STR (p->reporter_name, "");
    CHECK_INT (s_get (fresh, "3320-2020-000003", got), 0);
    CHECK_STR (got->subject, "Jadwal tahapan");
    CHECK_INT (got->privacy, LNT_PR_ANONYMOUS);
    free (p);
    free (got);
    free (s);
    lnt_node_destroy (&fresh);
    lnt_node_destroy (&node);
}

//  ---- progress --------------------------------------------------------------

typedef struct {
    int calls;        /* how many times progress was called                 */
    size_t rows[8];   /* with what                                          */
} s_progress_t;

static void
s_progress (size_t rows, void *arg)
{
    s_progress_t *p = arg;
    if (p->calls < 8)
        p->rows[p->calls] = rows;
    p->calls++;
}

static void
s_test_progress (void)
{
    lnt_node_t *node = s_node_new ("3503");
    char path[4096];
    snprintf (path, sizeof path, "%s/many.csv", s_root);
    FILE *f = fopen (path, "wb");
    CHECK (f != NULL);
    if (!f)
        return;
    fprintf (f, "# office,year,item,answer,evidence,justification\n");
    for (int i = 0; i < 2500; i++)
        fprintf (f, "3503,%d,A1.%d,%s,,\n", 2000 + i % 100, 1 + i / 100 % 2,
                 i % 3 ? "Y" : "T");
    fclose (f);
    s_progress_t p = {0};
    lnt_import_result_t res;
    lnt_why_t why = {""};
    CHECK_INT (lnt_import_file (node, path, false, s_progress, &p, &res, &why),
               0);
    CHECK_INT (res.imported, 2500);
    lnt_import_result_free (&res);
    CHECK_INT (p.calls, 2);
    CHECK_INT (p.rows[0], 1000);
    CHECK_INT (p.rows[1], 2000);
    lnt_txn_t *txn = s_read (node);
    //  100 years of two items; each later row replaced the earlier
    CHECK_INT (lnt_txn_count (txn, LNT_DB_RECORDS), 200);
    CHECK_INT (lnt_node_log_head (txn), 2500);
    lnt_txn_end (&txn);
    //  No callback is fine
    CHECK_INT (lnt_import_file (node, path, LNT_IMPORT_AGAIN, NULL, NULL, &res,
                                &why), 0);
    lnt_import_result_free (&res);
    lnt_node_destroy (&node);
}

int
main (int argc, char **argv)
{
    s_ref_dir = argc > 1 ? argv[1] : getenv ("LONTAR_REF");
    if (!s_ref_dir) {
        fprintf (stderr, "usage: test_import DATA-FOLDER\n");
        return 64;
    }
    s_root = strdup ("/tmp/lnt-test-import-XXXXXX");
    if (!s_root || !mkdtemp (s_root)) {
        perror ("mkdtemp");
        return 1;
    }
    s_test_samples ();
    s_test_lke ();
    s_test_all_or_nothing ();
    s_test_refused_files ();
    s_test_export_import ();
    s_test_export_suggestions ();
    s_test_progress ();
    nftw (s_root, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free (s_root);
    return LNT_TEST_DONE ();
}
