/*  test_csv.c - unit test for lnt_csv: the reference files, RFC 4180
    quoting, line ends and numbers, every malformed case followed by the
    good line after it, the bounds at and past their limits, UTF-8 checks
    and a write-then-read round trip.

    Usage: test_csv [data-folder [seed]]. The data folder defaults to
    common/data, so run it from the top of the tree. The random round trip
    prints its seed; give that seed to replay a failure.                  */
#include "lnt_csv.h"
#include "lnt_error.h"
#include "lnt_test.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

//  A temporary file holding the len bytes at text, ready to read
static FILE *
s_file (const char *text, size_t len)
{
    FILE *file = tmpfile ();
    if (!file) {
        perror ("tmpfile");
        exit (1);
    }
    fwrite (text, 1, len, file);
    rewind (file);
    return file;
}

//  String literals may hold NULs, so their length comes from sizeof
#define S_FILE(literal) s_file ((literal), sizeof (literal) - 1)

//  True if the next record starts on line and holds exactly the fields
//  listed (ended by NULL); otherwise says on stderr what came instead, so
//  CHECK (s_record (...)) names the caller's line and the difference.
static bool
s_record (lnt_csv_t *csv, size_t line, ...)
{
    int rc = lnt_csv_next (csv);
    bool same = rc > 0 && lnt_csv_line (csv) == line
                && lnt_csv_error (csv) [0] == '\0';
    va_list args;
    va_start (args, line);
    int count = 0;
    for (const char *want; (want = va_arg (args, const char *)); count++) {
        const char *got = lnt_csv_field (csv, (size_t) count);
        if (!got || strcmp (got, want) != 0)
            same = false;
    }
    va_end (args);
    if (rc != count || lnt_csv_field (csv, (size_t) count))
        same = false;
    if (!same)
        fprintf (stderr, "  got rc=%d line=%zu error=\"%s\" first=\"%s\"\n", rc,
                 lnt_csv_line (csv), lnt_csv_error (csv),
                 lnt_csv_field (csv, 0) ? lnt_csv_field (csv, 0) : "(none)");
    return same;
}

//  True if the next record, starting on line, is refused with error
static bool
s_refused (lnt_csv_t *csv, size_t line, const char *error)
{
    int rc = lnt_csv_next (csv);
    bool same = rc == LNT_EINVAL && lnt_csv_line (csv) == line
                && strcmp (lnt_csv_error (csv), error) == 0
                && lnt_csv_field (csv, 0) == NULL;
    if (!same)
        fprintf (stderr, "  got rc=%d line=%zu error=\"%s\"\n", rc,
                 lnt_csv_line (csv), lnt_csv_error (csv));
    return same;
}

static void
s_test_reference_files (const char *data)
{
    char path [1024];
    snprintf (path, sizeof (path), "%s/sample-suggestions.csv", data);
    FILE *file = fopen (path, "rb");
    CHECK (file);
    if (file) {
        lnt_csv_t *csv = lnt_csv_new (file, 2000, 16);
        //  Two comment lines, then one record a line
        CHECK (s_record (csv, 3, "3320", "2020-09-01 09:12", "suggestion_box",
                         "suggestion", "facilities", "public", "Ruang tunggu",
                         "Ruang tunggu pelayanan sebaiknya diberi kursi "
                         "tambahan dan papan informasi tahapan pemilihan.",
                         NULL));
        int records = 1, rc, bad_shape = 0;
        while ((rc = lnt_csv_next (csv)) > 0) {
            records++;
            if (rc != 8 || lnt_csv_line (csv) != (size_t) records + 2)
                bad_shape++;
        }
        CHECK_INT (rc, 0);
        CHECK_INT (records, 9);
        CHECK_INT (bad_shape, 0);
        CHECK_INT (lnt_csv_line (csv), 11);
        lnt_csv_destroy (&csv);
        fclose (file);
    }

    snprintf (path, sizeof (path), "%s/offices.csv", data);
    file = fopen (path, "rb");
    CHECK (file);
    if (file) {
        lnt_csv_t *csv = lnt_csv_new (file, 200, 8);
        CHECK (s_record (csv, 1, "code", "province_code", "kind", "name", NULL));
        CHECK (s_record (csv, 2, "3301", "33", "kabupaten", "Cilacap", NULL));
        int offices = 1, rc, bad_shape = 0;
        while ((rc = lnt_csv_next (csv)) > 0) {
            offices++;
            const char *kind = lnt_csv_field (csv, 2);
            if (rc != 4 || lnt_csv_line (csv) != (size_t) offices + 1
                || strlen (lnt_csv_field (csv, 0)) != 4
                || (strcmp (kind, "kabupaten") != 0 && strcmp (kind, "kota") != 0))
                bad_shape++;
        }
        CHECK_INT (rc, 0);
        CHECK_INT (offices, 73);
        CHECK_INT (bad_shape, 0);
        CHECK_INT (lnt_csv_line (csv), 74);
        lnt_csv_destroy (&csv);
        fclose (file);
    }
}

static void
s_test_quoting (void)
{
    FILE *file = S_FILE ("a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\n"
                         "\"x\",\"a\r\nb\",\"\"\"\",\"#\n# not a comment\"\n"
                         "after,\"\"\"q\"\"\"\n");
    lnt_csv_t *csv = lnt_csv_new (file, 100, 10);
    CHECK (s_record (csv, 1, "a", "b,c", "say \"hi\"", "two\nlines", "", NULL));
    //  A quoted field spanning lines moves the line count on
    CHECK (s_record (csv, 3, "x", "a\r\nb", "\"", "#\n# not a comment", NULL));
    CHECK (s_record (csv, 6, "after", "\"q\"", NULL));
    CHECK_INT (lnt_csv_next (csv), 0);
    CHECK_INT (lnt_csv_next (csv), 0);   //  and stays at the end
    lnt_csv_destroy (&csv);
    fclose (file);
}

static void
s_test_lines (void)
{
    //  CRLF, blank lines (LF and CRLF), comments, spaces kept, '#' kept
    //  when it is not the first character, empty fields, no final newline
    FILE *file = S_FILE ("a,b\r\n\r\n\n# comment, \"with a quote\r\n"
                         "c,d\r\n  , x ,\n #no,\n,\n#\nlast,\"q\"");
    lnt_csv_t *csv = lnt_csv_new (file, 100, 10);
    CHECK (s_record (csv, 1, "a", "b", NULL));
    CHECK (s_record (csv, 5, "c", "d", NULL));
    CHECK (s_record (csv, 6, "  ", " x ", "", NULL));
    CHECK (s_record (csv, 7, " #no", "", NULL));
    CHECK (s_record (csv, 8, "", "", NULL));
    CHECK (s_record (csv, 10, "last", "q", NULL));
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);

    file = S_FILE ("one\ntwo");
    csv = lnt_csv_new (file, 100, 10);
    CHECK (s_record (csv, 1, "one", NULL));
    CHECK (s_record (csv, 2, "two", NULL));
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);

    file = S_FILE ("a,");   //  a trailing comma at the end of the file
    csv = lnt_csv_new (file, 100, 10);
    CHECK (s_record (csv, 1, "a", "", NULL));
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);

    file = S_FILE ("");
    csv = lnt_csv_new (file, 100, 10);
    CHECK_INT (lnt_csv_next (csv), 0);
    CHECK_INT (lnt_csv_line (csv), 0);
    CHECK_STR (lnt_csv_error (csv), "");
    CHECK (lnt_csv_field (csv, 0) == NULL);
    lnt_csv_destroy (&csv);
    fclose (file);

    file = S_FILE ("# only comments\n\n\r\n#\n");
    csv = lnt_csv_new (file, 100, 10);
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);
}

static void
s_test_bom (void)
{
    FILE *file = S_FILE ("\xEF\xBB\xBF" "code,name\n1,x\n");
    lnt_csv_t *csv = lnt_csv_new (file, 100, 10);
    CHECK (s_record (csv, 1, "code", "name", NULL));
    CHECK (s_record (csv, 2, "1", "x", NULL));
    lnt_csv_destroy (&csv);
    fclose (file);

    //  The first line after a BOM can still be a comment
    file = S_FILE ("\xEF\xBB\xBF# comment\n\"q\"\n");
    csv = lnt_csv_new (file, 100, 10);
    CHECK (s_record (csv, 2, "q", NULL));
    lnt_csv_destroy (&csv);
    fclose (file);

    file = S_FILE ("\xEF\xBB\xBF");
    csv = lnt_csv_new (file, 100, 10);
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);

    //  Only the first bytes of a BOM: given back, and refused as UTF-8
    file = S_FILE ("\xEF\xBBx\n\n\xEF\xBB\xBFy\n\xEF");
    csv = lnt_csv_new (file, 100, 10);
    CHECK (s_refused (csv, 1, "field 1 is not valid UTF-8"));
    //  A BOM past the start of the file is a character (U+FEFF) like any
    CHECK (s_record (csv, 3, "\xEF\xBB\xBFy", NULL));
    CHECK (s_refused (csv, 4, "field 1 is not valid UTF-8"));
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);

    //  A bad byte deep in a long field, unquoted or quoted, in the middle
    //  or among its last bytes, is found (fields of plain ASCII bytes are
    //  not checked byte by byte); good non-ASCII text still comes through
    file = S_FILE ("a,abcdefghijklmn\xC3\x28opqrstuvwxyz\n"
                   "a,\"abcdefghijklmn\xFFopq, \"\"rst\"\n"
                   "a,abcdefghijklmnopqrstuvwxy\xE2\x80\n"
                   "a,\"abcdefghijklmnopqrstuvwxyz\xED\xA0\x80\"\n"
                   "a,Ruang tunggu \xE2\x80\x94 kursi yang cukup\n");
    csv = lnt_csv_new (file, 100, 10);
    CHECK (s_refused (csv, 1, "field 2 is not valid UTF-8"));
    CHECK (s_refused (csv, 2, "field 2 is not valid UTF-8"));
    CHECK (s_refused (csv, 3, "field 2 is not valid UTF-8"));
    CHECK (s_refused (csv, 4, "field 2 is not valid UTF-8"));
    CHECK (s_record (csv, 5, "a", "Ruang tunggu \xE2\x80\x94 kursi yang cukup",
                     NULL));
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);

    //  A file whose first line is blank, read back through the BOM check
    file = S_FILE ("\n\nz");
    csv = lnt_csv_new (file, 100, 10);
    CHECK (s_record (csv, 3, "z", NULL));
    lnt_csv_destroy (&csv);
    fclose (file);
}

//  Each bad record is followed by a good one, which must come back whole:
//  the reader resumes at the line after the point of error.
static void
s_test_errors (void)
{
    FILE *file = S_FILE ("abcdefghijk,x\ngood,1\n"
                         "\"ab\"c,d\ngood,2\n"
                         "\"ab\" ,d\ngood,3\n"
                         "ab\"c\ngood,4\n"
                         "a,\xC3\x28,b\ngood,5\n"
                         "a,b\xFF\ngood,6\n"
                         "a\0b,c\ngood,7\n"
                         "\"a\0b\",c\ngood,8\n"
                         "a\rb\ngood,9\n"
                         "\"a\"\rb\ngood,10\n"
                         "\r\ngood,11\n"
                         "\r\n\r"
                         "good,12\n"
                         "\"a\0\nb\"\ngood,13\n"
                         "a,b,c,d,e\ngood,14\n"
                         "good,15\n\"op,\nen");
    lnt_csv_t *csv = lnt_csv_new (file, 10, 4);
    CHECK (s_refused (csv, 1, "field 1 is longer than 10 bytes"));
    CHECK (s_record (csv, 2, "good", "1", NULL));
    CHECK (s_refused (csv, 3, "field 1 goes on after its closing quote"));
    CHECK (s_record (csv, 4, "good", "2", NULL));
    CHECK (s_refused (csv, 5, "field 1 goes on after its closing quote"));
    CHECK (s_record (csv, 6, "good", "3", NULL));
    CHECK (s_refused (csv, 7, "field 1 has a quote but does not start with one"));
    CHECK (s_record (csv, 8, "good", "4", NULL));
    CHECK (s_refused (csv, 9, "field 2 is not valid UTF-8"));
    CHECK (s_record (csv, 10, "good", "5", NULL));
    //  Found at the end of the line: the next line must not be skipped
    CHECK (s_refused (csv, 11, "field 2 is not valid UTF-8"));
    CHECK (s_record (csv, 12, "good", "6", NULL));
    CHECK (s_refused (csv, 13, "field 1 holds a NUL byte"));
    CHECK (s_record (csv, 14, "good", "7", NULL));
    CHECK (s_refused (csv, 15, "field 1 holds a NUL byte"));
    CHECK (s_record (csv, 16, "good", "8", NULL));
    CHECK (s_refused (csv, 17, "field 1 holds a CR without LF"));
    CHECK (s_record (csv, 18, "good", "9", NULL));
    CHECK (s_refused (csv, 19, "field 1 goes on after its closing quote"));
    CHECK (s_record (csv, 20, "good", "10", NULL));
    CHECK (s_record (csv, 22, "good", "11", NULL));   //  CRLF: a blank line
    //  A lone CR then "good,12": one bad line, as the CR does not end it
    CHECK (s_refused (csv, 24, "field 1 holds a CR without LF"));
    //  An error inside a quoted field spanning lines resumes on the next
    //  physical line, which here is the quoted field's second half
    CHECK (s_refused (csv, 25, "field 1 holds a NUL byte"));
    CHECK (s_refused (csv, 26, "field 1 has a quote but does not start with one"));
    CHECK (s_record (csv, 27, "good", "13", NULL));
    CHECK (s_refused (csv, 28, "more than 4 fields"));
    CHECK (s_record (csv, 29, "good", "14", NULL));
    CHECK (s_record (csv, 30, "good", "15", NULL));
    CHECK (s_refused (csv, 31, "quote left open at end of file"));
    CHECK_INT (lnt_csv_next (csv), 0);
    CHECK_STR (lnt_csv_error (csv), "");
    lnt_csv_destroy (&csv);
    fclose (file);

    //  A read error is LNT_EIO, not the end of the file
    file = fopen ("/dev/null", "w");
    CHECK (file);
    if (file) {
        csv = lnt_csv_new (file, 10, 4);
        CHECK_INT (lnt_csv_next (csv), LNT_EIO);
        lnt_csv_destroy (&csv);
        fclose (file);
    }
}

static void
s_test_bounds (void)
{
    //  Fields are counted in bytes, after quotes are undone
    FILE *file = S_FILE ("abcde,\"ab\"\"cd\",\xC3\xA9\xC3\xA9x\n"
                         "abcdef\n"
                         "\"ab\"\"cde\"\n"
                         "\xC3\xA9\xC3\xA9\xC3\xA9\n"
                         "a,b,c\n"
                         "a,b,c,d\n"
                         "a,b,c,\n"
                         ",,\n"
                         ",,,\n");
    lnt_csv_t *csv = lnt_csv_new (file, 5, 3);
    CHECK (s_record (csv, 1, "abcde", "ab\"cd", "\xC3\xA9\xC3\xA9x", NULL));
    CHECK (s_refused (csv, 2, "field 1 is longer than 5 bytes"));
    CHECK (s_refused (csv, 3, "field 1 is longer than 5 bytes"));
    CHECK (s_refused (csv, 4, "field 1 is longer than 5 bytes"));
    CHECK (s_record (csv, 5, "a", "b", "c", NULL));
    CHECK (s_refused (csv, 6, "more than 3 fields"));
    CHECK (s_refused (csv, 7, "more than 3 fields"));
    CHECK (s_record (csv, 8, "", "", "", NULL));
    CHECK (s_refused (csv, 9, "more than 3 fields"));
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);

    //  Large fields make the buffer grow to exactly its bound: three
    //  fields at the limit fill it, NULs included
    size_t limit = 70000;
    char *big = malloc (4 * (limit + 2));
    CHECK (big);
    if (!big)
        return;
    size_t len = 0;
    for (int field = 0; field < 3; field++) {
        memset (big + len, 'a' + field, limit);
        len += limit;
        big [len++] = field < 2 ? ',' : '\n';
    }
    memset (big + len, 'z', limit + 1);   //  one byte over
    len += limit + 1;
    memcpy (big + len, "\nok\n", 4);
    len += 4;
    file = s_file (big, len);
    csv = lnt_csv_new (file, limit, 3);
    CHECK_INT (lnt_csv_next (csv), 3);
    bool whole = true;
    for (size_t field = 0; field < 3; field++) {
        const char *text = lnt_csv_field (csv, field);
        if (!text || strlen (text) != limit || text [0] != (char) ('a' + field)
            || text [limit - 1] != (char) ('a' + field))
            whole = false;
    }
    CHECK (whole);
    CHECK (s_refused (csv, 2, "field 1 is longer than 70000 bytes"));
    CHECK (s_record (csv, 3, "ok", NULL));
    lnt_csv_destroy (&csv);
    fclose (file);
    free (big);
}

//  UTF-8 checked one byte at a time, the plain way, for comparison
static bool
s_utf8_slow (const char *text, size_t len)
{
    const unsigned char *b = (const unsigned char *) text;
    for (size_t i = 0; i < len;) {
        unsigned c = b [i];
        size_t more = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1
                      : c >= 0xE0 && c <= 0xEF             ? 2
                      : c >= 0xF0 && c <= 0xF4             ? 3
                                                           : 9;
        if (c == 0 || more == 9 || len - i <= more)
            return false;
        uint32_t cp = more == 0 ? c : c & (0x3Fu >> more);
        for (size_t j = 1; j <= more; j++) {
            if ((b [i + j] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (b [i + j] & 0x3F);
        }
        static const uint32_t least [] = {0, 0x80, 0x800, 0x10000};
        if (cp < least [more] || cp > 0x10FFFF
            || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += more + 1;
    }
    return true;
}

static void
s_test_utf8 (void)
{
    //  Well-formed, including the edges of each range
    CHECK (lnt_utf8_valid ("", 0));
    CHECK (lnt_utf8_valid ("abc", 3));
    CHECK (lnt_utf8_valid ("\x7F", 1));
    CHECK (lnt_utf8_valid ("\xC2\x80", 2));                 //  U+0080
    CHECK (lnt_utf8_valid ("\xC3\xA9", 2));                 //  é
    CHECK (lnt_utf8_valid ("\xDF\xBF", 2));                 //  U+07FF
    CHECK (lnt_utf8_valid ("\xE0\xA0\x80", 3));             //  U+0800
    CHECK (lnt_utf8_valid ("\xE2\x80\x94", 3));             //  em dash
    CHECK (lnt_utf8_valid ("\xED\x9F\xBF", 3));             //  U+D7FF
    CHECK (lnt_utf8_valid ("\xEE\x80\x80", 3));             //  U+E000
    CHECK (lnt_utf8_valid ("\xEF\xBF\xBF", 3));             //  U+FFFF
    CHECK (lnt_utf8_valid ("\xF0\x90\x80\x80", 4));         //  U+10000
    CHECK (lnt_utf8_valid ("\xF0\x9D\x84\x9E", 4));         //  musical G clef
    CHECK (lnt_utf8_valid ("\xF4\x8F\xBF\xBF", 4));         //  U+10FFFF
    //  len is what counts, not a NUL
    CHECK (lnt_utf8_valid ("ab\xC3\xA9zz", 4));

    //  Overlong forms
    CHECK (!lnt_utf8_valid ("\xC0\xAF", 2));
    CHECK (!lnt_utf8_valid ("\xC1\xBF", 2));
    CHECK (!lnt_utf8_valid ("\xC0\x80", 2));                //  "modified" NUL
    CHECK (!lnt_utf8_valid ("\xE0\x80\xAF", 3));
    CHECK (!lnt_utf8_valid ("\xE0\x9F\xBF", 3));
    CHECK (!lnt_utf8_valid ("\xF0\x80\x80\xAF", 4));
    CHECK (!lnt_utf8_valid ("\xF0\x8F\xBF\xBF", 4));
    //  Surrogates
    CHECK (!lnt_utf8_valid ("\xED\xA0\x80", 3));            //  U+D800
    CHECK (!lnt_utf8_valid ("\xED\xBF\xBF", 3));            //  U+DFFF
    CHECK (!lnt_utf8_valid ("\xED\xA0\xBD\xED\xB2\xA9", 6)); //  a CESU pair
    //  Past U+10FFFF
    CHECK (!lnt_utf8_valid ("\xF4\x90\x80\x80", 4));
    CHECK (!lnt_utf8_valid ("\xF5\x80\x80\x80", 4));
    CHECK (!lnt_utf8_valid ("\xF8\x88\x80\x80\x80", 5));
    CHECK (!lnt_utf8_valid ("\xFE", 1));
    CHECK (!lnt_utf8_valid ("\xFF", 1));
    //  Truncated, at the end and before another character
    CHECK (!lnt_utf8_valid ("\xC3", 1));
    CHECK (!lnt_utf8_valid ("\xE2\x80", 2));
    CHECK (!lnt_utf8_valid ("\xF0\x9D\x84", 3));
    CHECK (!lnt_utf8_valid ("ab\xC3\xA9", 3));
    CHECK (!lnt_utf8_valid ("\xE2\x28\xA1", 3));
    CHECK (!lnt_utf8_valid ("\xF0\x9D\x84x", 4));
    //  Stray continuation bytes
    CHECK (!lnt_utf8_valid ("\x80", 1));
    CHECK (!lnt_utf8_valid ("a\xBF", 2));
    CHECK (!lnt_utf8_valid ("\xC3\xA9\xA9", 3));
    //  NUL
    CHECK (!lnt_utf8_valid ("a\0b", 3));
    CHECK (!lnt_utf8_valid ("\0", 1));

    //  Every position of a few sequences in ASCII texts of 0-40 bytes,
    //  against a byte-by-byte check: the word-at-a-time paths and the
    //  last-8-bytes shortcut must neither miss nor invent an error.
    static const char *const seqs [] = {"\x80", "\0", "\xC3", "\xC3\xA9",
                                        "\xE2\x80", "\xE2\x80\x94", "\xFF",
                                        "\xF0\x9D\x84\x9E", "\xED\xA0\x80"};
    static const size_t seq_lens [] = {1, 1, 1, 2, 2, 3, 1, 4, 3};
    for (size_t k = 0; k < sizeof seqs / sizeof seqs [0]; k++)
        for (size_t len = seq_lens [k]; len <= 40; len++)
            for (size_t at = 0; at + seq_lens [k] <= len; at++) {
                char text [48];
                memset (text, 'a', len);
                memcpy (text + at, seqs [k], seq_lens [k]);
                if (lnt_utf8_valid (text, len) != s_utf8_slow (text, len)) {
                    CHECK (false);
                    fprintf (stderr, "  sequence %zu, length %zu, at %zu\n",
                             k, len, at);
                }
            }

    CHECK_INT (lnt_utf8_width (""), 0);
    CHECK_INT (lnt_utf8_width ("abc"), 3);
    CHECK_INT (lnt_utf8_width ("\xC3\xA9t\xC3\xA9"), 3);
    CHECK_INT (lnt_utf8_width ("Ruang tunggu \xE2\x80\x94 kursi"), 20);
    CHECK_INT (lnt_utf8_width ("\xF0\x9D\x84\x9E"), 1);
}

//  Writes records to a temporary file and reads them back; count fields
//  per record, NULL meaning an empty field. Returns true if all came back.
static bool
s_round_trip (const char *const *fields, const int *counts, int records)
{
    FILE *file = tmpfile ();
    if (!file)
        return false;
    const char *const *next = fields;
    for (int record = 0; record < records; record++) {
        for (int field = 0; field < counts [record]; field++)
            lnt_csv_write_field (file, *next++, field == 0);
        lnt_csv_end_record (file);
    }
    rewind (file);
    lnt_csv_t *csv = lnt_csv_new (file, 1000, 100);
    bool same = true;
    next = fields;
    for (int record = 0; record < records; record++) {
        int rc = lnt_csv_next (csv);
        if (rc != counts [record]) {
            fprintf (stderr, "  record %d: rc=%d, expected %d (%s)\n", record,
                     rc, counts [record], lnt_csv_error (csv));
            same = false;
            break;
        }
        for (int field = 0; field < rc; field++, next++) {
            const char *want = *next ? *next : "";
            if (strcmp (lnt_csv_field (csv, (size_t) field), want) != 0) {
                fprintf (stderr, "  record %d field %d: \"%s\", expected \"%s\"\n",
                         record, field, lnt_csv_field (csv, (size_t) field), want);
                same = false;
            }
        }
    }
    if (same && lnt_csv_next (csv) != 0)
        same = false;
    lnt_csv_destroy (&csv);
    fclose (file);
    return same;
}

static void
s_test_write (unsigned seed)
{
    //  The exact bytes: quotes only where needed, CRLF at the end
    FILE *file = tmpfile ();
    CHECK (file);
    if (!file)
        return;
    lnt_csv_write_field (file, "plain", true);
    lnt_csv_write_field (file, "a,b", false);
    lnt_csv_write_field (file, "say \"hi\"", false);
    lnt_csv_write_field (file, NULL, false);
    lnt_csv_write_field (file, "two\nlines", false);
    lnt_csv_write_field (file, "#not first", false);
    lnt_csv_end_record (file);
    lnt_csv_write_field (file, "#first", true);
    lnt_csv_end_record (file);
    lnt_csv_write_field (file, "", true);
    lnt_csv_end_record (file);
    char bytes [200] = "";
    rewind (file);
    size_t len = fread (bytes, 1, sizeof (bytes) - 1, file);
    bytes [len] = '\0';
    CHECK_STR (bytes, "plain,\"a,b\",\"say \"\"hi\"\"\",,\"two\nlines\",#not first\r\n"
                      "\"#first\"\r\n\"\"\r\n");
    fclose (file);

    static const char *const fields [] = {
        "plain", "with,comma", "say \"hi\"", "two\nlines", "cr\r\nlf", "lone\rcr",
        "", NULL, "Ruang tunggu \xE2\x80\x94 kursi", "#hash", " spaced ",
        "\"", "\"\"", ",",                                          //  14
        "",                                                         //  1
        NULL,                                                       //  1
        "#looks like a comment", "x",                               //  2
        "\xEF\xBB\xBF" "starts with a BOM",                         //  1
        "\n", "\r\n"                                                //  2
    };
    static const int counts [] = {14, 1, 1, 2, 1, 2};
    CHECK (s_round_trip (fields, counts, 6));

    //  Random records from an alphabet of the troublesome characters
    printf ("round-trip seed %u\n", seed);
    srand (seed);
    static const char *const pieces [] = {
        "a", "Z", "0", " ", ",", "\"", "\r", "\n", "\r\n", "#",
        "\xC3\xA9", "\xE2\x80\x94", "\xF0\x9D\x84\x9E", "\xEF\xBB\xBF"
    };
    size_t npieces = sizeof (pieces) / sizeof (pieces [0]);
    enum { RECORDS = 200, MAX_FIELDS = 6, MAX_PIECES = 8 };
    static char text [RECORDS * MAX_FIELDS] [MAX_PIECES * 4 + 1];
    static const char *random_fields [RECORDS * MAX_FIELDS];
    static int random_counts [RECORDS];
    size_t total = 0;
    for (int record = 0; record < RECORDS; record++) {
        random_counts [record] = 1 + rand () % MAX_FIELDS;
        for (int field = 0; field < random_counts [record]; field++) {
            char *into = text [total];
            into [0] = '\0';
            int length = rand () % (MAX_PIECES + 1);
            for (int piece = 0; piece < length; piece++)
                strcat (into, pieces [(size_t) rand () % npieces]);
            random_fields [total++] = into;
        }
    }
    CHECK (s_round_trip (random_fields, random_counts, RECORDS));
}

//  Files longer than the reader's 64 KiB chunks: fields, quotes, CRLFs and
//  multi-byte characters fall across the chunk boundaries, and a field
//  past its bound that straddles one is refused with the line after it
//  read whole.
static void
s_test_chunks (unsigned seed)
{
    static const char *const pieces [] = {
        "a", "Zz", "0", " ", ",", "\"", "\r\n", "\n", "#", "word ",
        "\xC3\xA9", "\xE2\x80\x94", "\xF0\x9D\x84\x9E", "plain text "
    };
    size_t npieces = sizeof (pieces) / sizeof (pieces [0]);
    enum { RECORDS = 4000, MAX_FIELDS = 8, MAX_PIECES = 60 };
    char *text = malloc ((size_t) RECORDS * MAX_FIELDS * (MAX_PIECES * 11 + 1));
    const char **fields = malloc (sizeof (char *) * RECORDS * MAX_FIELDS);
    int *counts = malloc (sizeof (int) * RECORDS);
    CHECK (text && fields && counts);
    if (text && fields && counts) {
        srand (seed);
        size_t total = 0;
        char *into = text;
        for (int record = 0; record < RECORDS; record++) {
            counts [record] = 1 + rand () % MAX_FIELDS;
            for (int field = 0; field < counts [record]; field++) {
                fields [total++] = into;
                *into = '\0';
                int length = rand () % (MAX_PIECES + 1);
                for (int piece = 0; piece < length; piece++) {
                    const char *add = pieces [(size_t) rand () % npieces];
                    size_t n = strlen (add);
                    //  The round trip reads with a bound of 1000 bytes
                    if (into + n - fields [total - 1] < 1000) {
                        memcpy (into, add, n + 1);
                        into += n;
                    }
                }
                into++;
            }
        }
        CHECK (s_round_trip (fields, counts, RECORDS));
    }
    free (text);
    free (fields);
    free (counts);

    //  A field of 70,000 bytes where 100 are allowed, across the first
    //  chunk boundary, then a good record
    size_t len = 70000;
    char *big = malloc (len + 32);
    CHECK (big);
    if (!big)
        return;
    memset (big, 'x', len);
    static const char tail [] = ",y\r\nnext,line\r\n";
    memcpy (big + len, tail, sizeof (tail) - 1);
    FILE *file = s_file (big, len + sizeof (tail) - 1);
    lnt_csv_t *csv = lnt_csv_new (file, 100, 10);
    CHECK (s_refused (csv, 1, "field 1 is longer than 100 bytes"));
    CHECK (s_record (csv, 2, "next", "line", NULL));
    CHECK_INT (lnt_csv_next (csv), 0);
    lnt_csv_destroy (&csv);
    fclose (file);
    free (big);
}

int
main (int argc, char *argv [])
{
    const char *data = argc > 1 ? argv [1] : "common/data";
    unsigned seed = argc > 2 ? (unsigned) strtoul (argv [2], NULL, 10)
                             : (unsigned) time (NULL);

    //  Safe on NULL and twice
    lnt_csv_t *csv = NULL;
    lnt_csv_destroy (&csv);
    FILE *file = S_FILE ("x\n");
    csv = lnt_csv_new (file, 10, 1);
    CHECK (csv);
    lnt_csv_destroy (&csv);
    CHECK (csv == NULL);
    lnt_csv_destroy (&csv);
    fclose (file);

    s_test_reference_files (data);
    s_test_quoting ();
    s_test_lines ();
    s_test_bom ();
    s_test_errors ();
    s_test_bounds ();
    s_test_utf8 ();
    s_test_write (seed);
    s_test_chunks (seed);
    return LNT_TEST_DONE ();
}
