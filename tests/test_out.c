/*  test_out.c - unit test for lnt_out: the table, CSV and JSON listings,
    compared byte for byte with what staff and scripts will see.           */
#include <assert.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lnt_error.h"
#include "lnt_out.h"
#include "lnt_test.h"

/*  What print (or print_one, when one) writes for self; the caller frees. */
static char *
s_capture (lnt_out_t *self, bool one)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    if (one)
        lnt_out_print_one (self, out);
    else
        lnt_out_print (self, out);
    fclose (out);
    return text;
}

/*  Checks what self prints, then destroys it.                              */
#define CHECK_PRINT(self, one, expected)                                    \
    do {                                                                    \
        char *text_ = s_capture (self, one);                                \
        CHECK_STR (text_, expected);                                        \
        free (text_);                                                       \
        lnt_out_destroy (&self);                                            \
    } while (0)

static void
s_test_format_parse (void)
{
    lnt_out_format_t format = LNT_OUT_CSV;
    CHECK_INT (lnt_out_format_parse ("table", &format), 0);
    CHECK_INT (format, LNT_OUT_TABLE);
    CHECK_INT (lnt_out_format_parse ("json", &format), 0);
    CHECK_INT (format, LNT_OUT_JSON);
    CHECK_INT (lnt_out_format_parse ("csv", &format), 0);
    CHECK_INT (format, LNT_OUT_CSV);
    //  Refused names leave the format alone
    CHECK_INT (lnt_out_format_parse ("JSON", &format), LNT_EINVAL);
    CHECK_INT (lnt_out_format_parse ("xml", &format), LNT_EINVAL);
    CHECK_INT (lnt_out_format_parse ("", &format), LNT_EINVAL);
    CHECK_INT (lnt_out_format_parse ("tables", &format), LNT_EINVAL);
    CHECK_INT (lnt_out_format_parse (NULL, &format), LNT_EINVAL);
    CHECK_INT (format, LNT_OUT_CSV);
}

/*  Three suggestions: UTF-8 text (an em dash and curly quotes are one
    code point but three bytes), integers and numbers, and a null row.     */
static lnt_out_t *
s_new_suggestions (lnt_out_format_t format)
{
    lnt_out_t *self = lnt_out_new (format);
    assert (self);
    lnt_out_column (self, "subject", "Subjek");
    lnt_out_column (self, "id", "ID");
    lnt_out_column (self, "score", NULL);
    lnt_out_row (self);
    lnt_out_str (self, "Jalan rusak \xE2\x80\x94 Cipanas");
    lnt_out_int (self, 7);
    lnt_out_num (self, 80.5, 1);
    lnt_out_row (self);
    lnt_out_str (self, "Lampu \xE2\x80\x9Cmati\xE2\x80\x9D");
    lnt_out_int (self, 12345);
    lnt_out_num (self, 9.254, 2);
    lnt_out_row (self);
    lnt_out_null (self);
    lnt_out_int (self, -3);
    lnt_out_num (self, NAN, 1);
    return self;
}

static void
s_test_table (void)
{
    //  Subjek is 21 code points wide, ID 5 and score 5; numbers go right
    lnt_out_t *self = s_new_suggestions (LNT_OUT_TABLE);
    CHECK_PRINT (self, false,
                 "Subjek                    ID  score\n"
                 "---------------------  -----  -----\n"
                 "Jalan rusak \xE2\x80\x94 Cipanas      7   80.5\n"
                 "Lampu \xE2\x80\x9Cmati\xE2\x80\x9D           12345   9.25\n"
                 "-                         -3      -\n");

    //  A short or empty last cell leaves no trailing spaces; a line break
    //  inside a cell becomes a space so the row stays on one line
    self = lnt_out_new (LNT_OUT_TABLE);
    lnt_out_column (self, "name", NULL);
    lnt_out_column (self, "note", NULL);
    lnt_out_row (self);
    lnt_out_str (self, "Ani");
    lnt_out_str (self, "baris satu\nbaris dua");
    lnt_out_row (self);
    lnt_out_str (self, "Budi Santoso");
    lnt_out_str (self, "");
    lnt_out_row (self);
    lnt_out_str (self, "Citra");
    lnt_out_str (self, "ok  ");
    CHECK_PRINT (self, false,
                 "name          note\n"
                 "------------  --------------------\n"
                 "Ani           baris satu baris dua\n"
                 "Budi Santoso\n"
                 "Citra         ok\n");

    //  Padding longer than the writer's run of spaces (62 before the 7),
    //  a control character and DEL as spaces, and 300 rows
    const char *title = "A title of sixty-three characters, to pad a number "
                        "to the right";
    CHECK_INT ((int) strlen (title), 63);
    self = lnt_out_new (LNT_OUT_TABLE);
    lnt_out_column (self, "n", title);
    lnt_out_column (self, "s", "s");
    char *want = malloc (300 * 80 + 400), *at = want;
    assert (want);
    at += sprintf (at, "%s  s\n", title);
    for (int i = 0; i < 63; i++)
        *at++ = '-';
    at += sprintf (at, "  ---\n");
    for (int r = 0; r < 300; r++) {
        lnt_out_row (self);
        lnt_out_int (self, r % 2 ? 7 : -1234567);
        lnt_out_str (self, r % 2 ? "a\x01\x7f" : "b\tc");
        at += sprintf (at, "%63s  %s\n", r % 2 ? "7" : "-1234567",
                       r % 2 ? "a" : "b c");
    }
    CHECK_PRINT (self, false, want);
    free (want);
}

/*  Nulls in every column type, and booleans.                               */
static lnt_out_t *
s_new_nulls (lnt_out_format_t format)
{
    lnt_out_t *self = lnt_out_new (format);
    assert (self);
    lnt_out_column (self, "id", NULL);
    lnt_out_column (self, "note", NULL);
    lnt_out_column (self, "done", NULL);
    lnt_out_row (self);
    lnt_out_int (self, 1);
    lnt_out_str (self, NULL);
    lnt_out_bool (self, true);
    lnt_out_row (self);
    lnt_out_null (self);
    lnt_out_str (self, "ok");
    lnt_out_bool (self, false);
    lnt_out_row (self);
    lnt_out_int (self, 22);
    lnt_out_null (self);
    lnt_out_null (self);
    return self;
}

static void
s_test_nulls (void)
{
    lnt_out_t *self = s_new_nulls (LNT_OUT_TABLE);
    CHECK_PRINT (self, false,
                 "id  note  done\n"
                 "--  ----  -----\n"
                 " 1  -     true\n"
                 " -  ok    false\n"
                 "22  -     -\n");
    //  The reader would take a bare empty first field for a blank line,
    //  so lnt_csv quotes it
    self = s_new_nulls (LNT_OUT_CSV);
    CHECK_PRINT (self, false,
                 "id,note,done\r\n"
                 "1,,true\r\n"
                 "\"\",ok,false\r\n"
                 "22,,\r\n");
    self = s_new_nulls (LNT_OUT_JSON);
    CHECK_PRINT (self, false,
                 "[\n"
                 "  {\"id\": 1, \"note\": null, \"done\": true},\n"
                 "  {\"id\": null, \"note\": \"ok\", \"done\": false},\n"
                 "  {\"id\": 22, \"note\": null, \"done\": null}\n"
                 "]\n");
}

static lnt_out_t *
s_new_empty (lnt_out_format_t format)
{
    lnt_out_t *self = lnt_out_new (format);
    assert (self);
    lnt_out_column (self, "id", "ID");
    lnt_out_column (self, "name", "Nama");
    return self;
}

static void
s_test_empty (void)
{
    lnt_out_t *self = s_new_empty (LNT_OUT_TABLE);
    CHECK_PRINT (self, false, "ID  Nama\n--  ----\n(none)\n");
    self = s_new_empty (LNT_OUT_CSV);
    CHECK_PRINT (self, false, "ID,Nama\r\n");
    self = s_new_empty (LNT_OUT_JSON);
    CHECK_PRINT (self, false, "[]\n");
}

static void
s_test_csv (void)
{
    lnt_out_t *self = s_new_suggestions (LNT_OUT_CSV);
    CHECK_PRINT (self, false,
                 "Subjek,ID,score\r\n"
                 "Jalan rusak \xE2\x80\x94 Cipanas,7,80.5\r\n"
                 "Lampu \xE2\x80\x9Cmati\xE2\x80\x9D,12345,9.25\r\n"
                 "\"\",-3,\r\n");

    //  Commas, quotes and line breaks are quoted, in titles too
    self = lnt_out_new (LNT_OUT_CSV);
    lnt_out_column (self, "office", "Kantor");
    lnt_out_column (self, "text", "Isi, ringkas");
    lnt_out_column (self, "n", NULL);
    lnt_out_row (self);
    lnt_out_str (self, "Cianjur, Jawa Barat");
    lnt_out_str (self, "kata \"cepat\"\r\nbaris dua\nbaris tiga");
    lnt_out_num (self, -1.5, 0);
    lnt_out_row (self);
    lnt_out_str (self, "plain");
    lnt_out_str (self, "\"");
    lnt_out_num (self, 2.5, 3);
    CHECK_PRINT (self, false,
                 "Kantor,\"Isi, ringkas\",n\r\n"
                 "\"Cianjur, Jawa Barat\","
                 "\"kata \"\"cepat\"\"\r\nbaris dua\nbaris tiga\",-2\r\n"
                 "plain,\"\"\"\",2.500\r\n");
}

/*  Two nested groups of two, a group within a group, and plain columns
    around them.                                                            */
static lnt_out_t *
s_new_rollup (lnt_out_format_t format)
{
    lnt_out_t *self = lnt_out_new (format);
    assert (self);
    lnt_out_column (self, "office", "Kantor");
    lnt_out_column (self, "lke.score", "Skor LKE");
    lnt_out_column (self, "lke.grade", "Nilai LKE");
    lnt_out_column (self, "suggestions.received", "Diterima");
    lnt_out_column (self, "suggestions.open", "Terbuka");
    lnt_out_column (self, "rb.plan.done", "RB selesai");
    lnt_out_column (self, "rb.plan.total", "RB total");
    lnt_out_column (self, "rb.realised", "Realisasi");
    lnt_out_column (self, "year", "Tahun");
    lnt_out_row (self);
    lnt_out_str (self, "KAB-01");
    lnt_out_num (self, 81.25, 2);
    lnt_out_str (self, "BB");
    lnt_out_int (self, 12);
    lnt_out_int (self, 3);
    lnt_out_int (self, 4);
    lnt_out_int (self, 9);
    lnt_out_num (self, INFINITY, 1);
    lnt_out_int (self, 2024);
    lnt_out_row (self);
    lnt_out_str (self, "KAB-02");
    lnt_out_null (self);
    lnt_out_null (self);
    lnt_out_int (self, 0);
    lnt_out_int (self, INT64_MIN);
    lnt_out_int (self, INT64_MAX);
    lnt_out_null (self);
    lnt_out_num (self, 0.5, 0);
    lnt_out_int (self, 2025);
    return self;
}

static void
s_test_json (void)
{
    lnt_out_t *self = s_new_rollup (LNT_OUT_JSON);
    CHECK_PRINT (self, false,
                 "[\n"
                 "  {\"office\": \"KAB-01\", "
                 "\"lke\": {\"score\": 81.25, \"grade\": \"BB\"}, "
                 "\"suggestions\": {\"received\": 12, \"open\": 3}, "
                 "\"rb\": {\"plan\": {\"done\": 4, \"total\": 9}, "
                 "\"realised\": null}, \"year\": 2024},\n"
                 "  {\"office\": \"KAB-02\", "
                 "\"lke\": {\"score\": null, \"grade\": null}, "
                 "\"suggestions\": {\"received\": 0, "
                 "\"open\": -9223372036854775808}, "
                 "\"rb\": {\"plan\": {\"done\": 9223372036854775807, "
                 "\"total\": null}, \"realised\": 0}, \"year\": 2025}\n"
                 "]\n");

    //  A group that ends the row closes with the object
    self = lnt_out_new (LNT_OUT_JSON);
    lnt_out_column (self, "a.b.c", NULL);
    lnt_out_row (self);
    lnt_out_bool (self, true);
    CHECK_PRINT (self, false, "[\n  {\"a\": {\"b\": {\"c\": true}}}\n]\n");

    //  The table and CSV keep dotted columns flat
    self = s_new_rollup (LNT_OUT_CSV);
    char *text = s_capture (self, false);
    CHECK (strncmp (text, "Kantor,Skor LKE,Nilai LKE,Diterima,", 35) == 0);
    free (text);
    lnt_out_destroy (&self);
}

static void
s_test_json_escape (void)
{
    //  Quotes, backslash, line breaks and control characters are escaped;
    //  UTF-8 and DEL pass through
    const char *nasty = "say \"hi\" \\ back\nline\r\ttab\x01\x1f\x7f caf\xC3\xA9";
    const char *escaped = "\"say \\\"hi\\\" \\\\ back\\nline\\r\\ttab"
                          "\\u0001\\u001f\x7f caf\xC3\xA9\"";
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    lnt_out_json_string (out, nasty);
    fputc (' ', out);
    lnt_out_json_string (out, NULL);
    fputc (' ', out);
    lnt_out_json_string (out, "");
    fclose (out);
    char expected [200];
    snprintf (expected, sizeof (expected), "%s null \"\"", escaped);
    CHECK_STR (text, expected);
    free (text);

    //  The same through a cell, with the key escaped too
    lnt_out_t *self = lnt_out_new (LNT_OUT_JSON);
    lnt_out_column (self, "k\"ey", NULL);
    lnt_out_row (self);
    lnt_out_str (self, nasty);
    snprintf (expected, sizeof (expected), "{\"k\\\"ey\": %s}\n", escaped);
    CHECK_PRINT (self, true, expected);
}

/*  lnt_out_fixed prints value / 10^decimals exactly, as "%.*f" prints the
    quotient when the double holds it closely enough; in every format.   */
static void
s_test_fixed (void)
{
    //  Against printf over a range where the double is close enough
    static const double scale [] = {1, 10, 100, 1000, 10000};
    int differ = 0;
    for (int d = 0; d <= 4; d++)
        for (int64_t v = -20011; v <= 20011; v += 7) {
            lnt_out_t *self = lnt_out_new (LNT_OUT_CSV);
            lnt_out_column (self, "x", NULL);
            lnt_out_row (self);
            lnt_out_fixed (self, v, d);
            char *text = s_capture (self, false);
            char expected [64];
            snprintf (expected, sizeof (expected), "x\r\n%.*f\r\n", d,
                      (double) v / scale [d]);
            differ += strcmp (text, expected) != 0;
            free (text);
            lnt_out_destroy (&self);
        }
    CHECK_INT (differ, 0);

    //  The ends of int64, and decimals wider than the digits
    lnt_out_t *self = lnt_out_new (LNT_OUT_JSON);
    lnt_out_column (self, "min", NULL);
    lnt_out_column (self, "max", NULL);
    lnt_out_column (self, "small", NULL);
    lnt_out_column (self, "zero", NULL);
    lnt_out_column (self, "minus", NULL);
    lnt_out_row (self);
    lnt_out_fixed (self, INT64_MIN, 2);
    lnt_out_fixed (self, INT64_MAX, 20);
    lnt_out_fixed (self, 5, 4);
    lnt_out_fixed (self, 0, 2);
    lnt_out_fixed (self, -5, 2);
    CHECK_PRINT (self, true,
                 "{\"min\": -92233720368547758.08, "
                 "\"max\": 0.09223372036854775807, \"small\": 0.0005, "
                 "\"zero\": 0.00, \"minus\": -0.05}\n");

    //  Right-aligned in the table, like the other numbers
    self = lnt_out_new (LNT_OUT_TABLE);
    lnt_out_column (self, "score", "Score");
    lnt_out_row (self);
    lnt_out_fixed (self, 1625, 2);
    lnt_out_row (self);
    lnt_out_fixed (self, 5, 2);
    CHECK_PRINT (self, false,
                 "Score\n"
                 "-----\n"
                 "16.25\n"
                 " 0.05\n");
}

/*  A listing of one column "days" (title "Days") and a row of 366 shown
    as ">365", in format.                                                  */
static lnt_out_t *
s_days (lnt_out_format_t format)
{
    lnt_out_t *self = lnt_out_new (format);
    lnt_out_column (self, "days", "Days");
    lnt_out_row (self);
    lnt_out_int_as (self, 366, ">365");
    return self;
}

/*  A number the table shows as text: ">365" for 366 days (a year or
    more), still the number in CSV and JSON, right-aligned in the table. */
static void
s_test_int_as (void)
{
    lnt_out_t *self = s_days (LNT_OUT_TABLE);
    lnt_out_row (self);
    lnt_out_int (self, 7);
    CHECK_PRINT (self, false,
                 "Days\n"
                 "----\n"
                 ">365\n"
                 "   7\n");
    self = s_days (LNT_OUT_TABLE);
    CHECK_PRINT (self, true, "Days: >365\n");
    self = s_days (LNT_OUT_CSV);
    CHECK_PRINT (self, false, "Days\r\n366\r\n");
    self = s_days (LNT_OUT_JSON);
    CHECK_PRINT (self, true, "{\"days\": 366}\n");
}

/*  JSON longer than the writer's buffer: a string of 10,000 bytes with
    escapes in it and 300 rows, byte for byte as built here.               */
static void
s_test_json_long (void)
{
    size_t n = 10000;
    char *text = malloc (n + 1), *expected = malloc (2 * n + 100);
    assert (text && expected);
    size_t at = 0;
    at += (size_t) sprintf (expected, "{\"a\": {\"text\": \"");
    for (size_t i = 0; i < n; i++) {
        text [i] = i % 1000 == 999 ? '"' : i % 777 == 776 ? '\n'
                                          : (char) ('a' + i % 26);
        if (text [i] == '"')
            at += (size_t) sprintf (expected + at, "\\\"");
        else if (text [i] == '\n')
            at += (size_t) sprintf (expected + at, "\\n");
        else
            expected [at++] = text [i];
    }
    text [n] = '\0';
    sprintf (expected + at, "\"}, \"b\": 1}\n");
    lnt_out_t *self = lnt_out_new (LNT_OUT_JSON);
    lnt_out_column (self, "a.text", NULL);
    lnt_out_column (self, "b", NULL);
    lnt_out_row (self);
    lnt_out_str (self, text);
    lnt_out_int (self, 1);
    CHECK_PRINT (self, true, expected);
    free (text);
    free (expected);

    self = lnt_out_new (LNT_OUT_JSON);
    lnt_out_column (self, "row.number", NULL);
    lnt_out_column (self, "row.name", NULL);
    char *want = malloc (300 * 64 + 16);
    assert (want);
    at = (size_t) sprintf (want, "[\n");
    for (int r = 0; r < 300; r++) {
        lnt_out_row (self);
        lnt_out_int (self, r * 1000003LL - 150000000LL);
        lnt_out_str (self, "kantor");
        at += (size_t) sprintf (want + at,
                                "  {\"row\": {\"number\": %lld, \"name\": "
                                "\"kantor\"}}%s\n",
                                r * 1000003LL - 150000000LL,
                                r < 299 ? "," : "");
    }
    sprintf (want + at, "]\n");
    CHECK_PRINT (self, false, want);
    free (want);
}

/*  One suggestion shown with "show": a nested column among flat ones. The
    listing owns its cells, so the caller's buffer may change afterwards.  */
static lnt_out_t *
s_new_one (lnt_out_format_t format, int rows)
{
    lnt_out_t *self = lnt_out_new (format);
    assert (self);
    lnt_out_column (self, "id", "ID");
    lnt_out_column (self, "subject", "Subjek");
    lnt_out_column (self, "lke.grade", "Nilai LKE");
    lnt_out_column (self, "open", "Terbuka");
    for (int row = 0; row < rows; row++) {
        char subject [32] = "Jalan rusak, \"parah\"";
        lnt_out_row (self);
        lnt_out_int (self, 7 + row);
        lnt_out_str (self, subject);
        strcpy (subject, "overwritten");
        lnt_out_null (self);
        lnt_out_bool (self, true);
    }
    return self;
}

static void
s_test_print_one (void)
{
    //  Titles right-aligned so the colons line up; the second row is ignored
    lnt_out_t *self = s_new_one (LNT_OUT_TABLE, 2);
    CHECK_PRINT (self, true,
                 "       ID: 7\n"
                 "   Subjek: Jalan rusak, \"parah\"\n"
                 "Nilai LKE: -\n"
                 "  Terbuka: true\n");
    self = s_new_one (LNT_OUT_CSV, 2);
    CHECK_PRINT (self, true,
                 "ID,Subjek,Nilai LKE,Terbuka\r\n"
                 "7,\"Jalan rusak, \"\"parah\"\"\",,true\r\n");
    self = s_new_one (LNT_OUT_JSON, 2);
    CHECK_PRINT (self, true,
                 "{\"id\": 7, \"subject\": \"Jalan rusak, \\\"parah\\\"\", "
                 "\"lke\": {\"grade\": null}, \"open\": true}\n");

    //  Nothing to show
    self = s_new_one (LNT_OUT_JSON, 0);
    CHECK_PRINT (self, true, "null\n");
    self = s_new_one (LNT_OUT_TABLE, 0);
    CHECK_PRINT (self, true, "(none)\n");
    self = s_new_one (LNT_OUT_CSV, 0);
    CHECK_PRINT (self, true, "ID,Subjek,Nilai LKE,Terbuka\r\n");
}

/*  Builds the columns in a child process: true when the child aborted
    (lnt_out_column's adjacency assert), false when it finished.           */
static bool
s_columns_abort (const char *const *names)
{
    fflush (NULL);
    pid_t pid = fork ();
    assert (pid >= 0);
    if (pid == 0) {
        //  The assert's message is expected: keep it out of the log
        if (!freopen ("/dev/null", "w", stderr))
            _exit (3);
        lnt_out_t *self = lnt_out_new (LNT_OUT_JSON);
        for (size_t i = 0; names [i]; i++)
            lnt_out_column (self, names [i], NULL);
        lnt_out_destroy (&self);
        _exit (0);
    }
    int status;
    assert (waitpid (pid, &status, 0) == pid);
    return WIFSIGNALED (status) && WTERMSIG (status) == SIGABRT;
}

/*  The columns of a group must be adjacent, at every depth.               */
static void
s_test_adjacent (void)
{
    const char *ok1 [] = {"office", "lke.score", "lke.grade", "id", NULL};
    const char *ok2 [] = {"a.b.c", "a.b.d", "a.e", "a.f.g", "h", "b.b.c", NULL};
    const char *ok3 [] = {"a.x", "ab.x", "a", NULL}; /* "a" is no group  */
    const char *bad1 [] = {"lke.score", "id", "lke.grade", NULL};
    const char *bad2 [] = {"a.b.c", "a.e", "a.b.d", NULL};
    const char *bad3 [] = {"a.b.c", "x", "a.y", NULL};
    const char *bad4 [] = {"s.by.x", "s.by.y", "s.n", "t", "s.by.z", NULL};
    CHECK (!s_columns_abort (ok1));
    CHECK (!s_columns_abort (ok2));
    CHECK (!s_columns_abort (ok3));
    CHECK (s_columns_abort (bad1));
    CHECK (s_columns_abort (bad2));
    CHECK (s_columns_abort (bad3));
    CHECK (s_columns_abort (bad4));
}

static void
s_test_destroy (void)
{
    lnt_out_t *self = lnt_out_new (LNT_OUT_TABLE);
    CHECK (self != NULL);
    lnt_out_destroy (&self);
    CHECK (self == NULL);
    lnt_out_destroy (&self);
    CHECK (self == NULL);
}

int
main (void)
{
    s_test_format_parse ();
    s_test_table ();
    s_test_nulls ();
    s_test_empty ();
    s_test_csv ();
    s_test_json ();
    s_test_json_escape ();
    s_test_fixed ();
    s_test_int_as ();
    s_test_json_long ();
    s_test_print_one ();
    s_test_adjacent ();
    s_test_destroy ();
    return LNT_TEST_DONE ();
}
