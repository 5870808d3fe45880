/*  lnt_import.c - CSV import (all or nothing, or keep going) and export
    in the same shapes.                                                    */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lnt_csv.h"
#include "lnt_import.h"
#include "lnt_office.h"

typedef struct {
    lnt_node_t *node;               /* the office                          */
    const char *path;               /* the file                            */
    bool keep_going;                /* store good rows despite bad ones    */
    bool again;                     /* import a file imported before       */
    lnt_import_progress_fn *progress; /* progress callback, or NULL        */
    void *arg;                      /* its argument                        */
    lnt_import_result_t *result;    /* what happened                       */
    lnt_why_t *why;                 /* why the file was refused            */
    lnt_suggestion_t s;             /* scratch suggestion                  */
    lnt_rb_item_t r;                /* scratch action-plan item            */
    lnt_lke_answer_t a;             /* scratch LKE answer                  */
} s_import_t;

static void
s_problems_clear (lnt_import_result_t *result)
{
    for (size_t i = 0; i < result->problem_count; i++)
        free (result->problems[i]);
    free (result->problems);
    result->problems = NULL;
    result->problem_count = 0;
}

void
lnt_import_result_free (lnt_import_result_t *result)
{
    s_problems_clear (result);
}

static void
s_problem (s_import_t *im, size_t line, const char *format, ...)
{
    lnt_import_result_t *res = im->result;
    res->bad++;
    if (res->problem_count >= LNT_IMPORT_PROBLEMS_MAX)
        return;
    char text[600];
    int n = snprintf (text, sizeof text, "%s line %zu: ", im->path, line);
    va_list args;
    va_start (args, format);
    vsnprintf (text + n, sizeof text - (size_t) n, format, args);
    va_end (args);
    char **grown = realloc (res->problems,
                            (res->problem_count + 1) * sizeof *grown);
    if (!grown)
        return;
    res->problems = grown;
    if ((grown[res->problem_count] = strdup (text)))
        res->problem_count++;
}

/*  Copies a CSV field into a bounded field; false when too long.          */
static bool
s_copy (char *dst, size_t size, const char *src)
{
    size_t len = strlen (src);
    if (len >= size)
        return false;
    memcpy (dst, src, len + 1);
    return true;
}

#define F(i) lnt_csv_field (csv, (i))

static int
s_row_suggestion (s_import_t *im, lnt_txn_t *txn, lnt_csv_t *csv,
                  size_t line, lnt_why_t *why)
{
    lnt_node_t *node = im->node;
    lnt_suggestion_t *s = &im->s;
    int v;
    /* Only what the row sets and the encoder reads: the whole struct is
       25 KiB, and clearing it for every row of a large file shows.      */
    s->field_check = false;
    s->category[0] = s->subject[0] = s->text[0] = 0;
    const char *received = F (1);
    if (lnt_time_parse_local (received,
                              lnt_ref_utc_offset (lnt_node_ref (node),
                                                  lnt_node_code (node)),
                              &s->received))
        return lnt_why (why, LNT_EINVAL, "received \"%s\" is not a local time "
                        "such as 2026-03-01 09:12", received);
    if (lnt_word_parse (LNT_WORD_CHANNEL, F (2), &v, why))
        return LNT_EINVAL;
    s->channel = (uint8_t) v;
    if (lnt_word_parse (LNT_WORD_CLASS, F (3), &v, why))
        return LNT_EINVAL;
    s->class_ = (uint8_t) v;
    const char *privacy = F (5);
    if (*privacy && lnt_word_parse (LNT_WORD_PRIVACY, privacy, &v, why))
        return LNT_EINVAL;
    s->privacy = *privacy ? (uint8_t) v : LNT_PR_PUBLIC;
    if (!s_copy (s->category, sizeof s->category, F (4))
        || !s_copy (s->subject, sizeof s->subject, F (6))
        || !s_copy (s->text, sizeof s->text, F (7)))
        return lnt_why (why, LNT_EINVAL, "category, subject or text is "
                        "longer than %d, %d or %d bytes", LNT_CATEGORY_MAX,
                        LNT_SUBJECT_MAX, LNT_TEXT_MAX);
    (void) line;
    /* The three texts are the row's fields, copied whole: lnt_csv checked
       them for UTF-8 already.                                           */
    return lnt_office_suggestion_import_txn (node, txn, s, why);
}

/*  A decimal in thousandths, for target and realisation.                  */
static int
s_milli (const char *text, const char *field, int64_t *value, lnt_why_t *why)
{
    if (lnt_decimal_parse (text, 3, value))
        return lnt_why (why, LNT_EINVAL, "%s \"%s\" is not a number such as "
                        "12 or 2.5", field, text);
    return 0;
}

static int
s_row_rb (s_import_t *im, lnt_txn_t *txn, lnt_csv_t *csv, size_t line,
          lnt_why_t *why)
{
    lnt_rb_item_t *r = &im->r;
    int v;
    memset (r, 0, sizeof *r);
    char *end;
    errno = 0;
    long year = strtol (F (1), &end, 10);
    if (errno || *end || end == F (1))
        return lnt_why (why, LNT_EINVAL, "year \"%s\" is not a year", F (1));
    r->year = (int) year;
    long area = strtol (F (2), &end, 10);
    if (*end || end == F (2) || area < 1 || area > 8)
        return lnt_why (why, LNT_EINVAL, "area \"%s\" is not an area of "
                        "change 1-8", F (2));
    r->area = (int) area;
    if (!s_copy (r->activity, sizeof r->activity, F (3))
        || !s_copy (r->indicator, sizeof r->indicator, F (4))
        || !s_copy (r->unit, sizeof r->unit, F (6))
        || !s_copy (r->evidence, sizeof r->evidence, F (10)))
        return lnt_why (why, LNT_EINVAL, "activity, indicator, unit or "
                        "evidence is too long");
    if (s_milli (F (5), "target", &r->target, why)
        || (*F (7) && s_milli (F (7), "realisation", &r->realisation, why)))
        return LNT_EINVAL;
    r->due = LNT_NONE_DAY;
    if (*F (8) && lnt_date_parse (F (8), &r->due))
        return lnt_why (why, LNT_EINVAL, "due \"%s\" is not a date "
                        "YYYY-MM-DD", F (8));
    r->status = LNT_RB_PLANNED;
    if (*F (9)) {
        if (lnt_word_parse (LNT_WORD_RB_STATUS, F (9), &v, why))
            return LNT_EINVAL;
        r->status = (uint8_t) v;
    }
    (void) line;
    return lnt_office_rb_add_txn (im->node, txn, r, why);
}

static int
s_row_lke (s_import_t *im, lnt_txn_t *txn, lnt_csv_t *csv, size_t line,
           lnt_why_t *why)
{
    lnt_lke_answer_t *a = &im->a;
    memset (a, 0, sizeof *a);
    char *end;
    long year = strtol (F (1), &end, 10);
    if (*end || end == F (1) || year < 2000 || year > 2100)
        return lnt_why (why, LNT_EINVAL, "year \"%s\" is not 2000-2100",
                        F (1));
    a->year = (int) year;
    if (!s_copy (a->item, sizeof a->item, F (2))
        || !s_copy (a->answer, sizeof a->answer, F (3))
        || !s_copy (a->evidence, sizeof a->evidence, F (4))
        || !s_copy (a->justification, sizeof a->justification, F (5)))
        return lnt_why (why, LNT_EINVAL, "item, answer, evidence or "
                        "justification is too long");
    (void) line;
    return lnt_office_lke_answer_txn (im->node, txn, a, why);
}

static lnt_import_kind_t
s_kind_of (int fields)
{
    return fields == 8    ? LNT_IMPORT_SUGGESTIONS
           : fields == 11 ? LNT_IMPORT_RB
           : fields == 6  ? LNT_IMPORT_LKE
                          : LNT_IMPORT_UNKNOWN;
}

/*  The hash that knows a file imported before: 8 bytes at a time (it
    reads every byte of files of hundreds of MB, and FNV-1a's multiply for
    each byte took a tenth of an import). Each step, h = mix (h ^ word),
    is a bijection of h for a given word, so two inputs of the same length
    that differ in one word never meet; the last partial word is padded
    with zeros and the length mixed in at the end, so "ab" and "ab\0"
    differ. Not for adversaries: a slip of staff, not an attack.         */
typedef struct {
    uint64_t h;               /* the state                                 */
    uint64_t len;             /* bytes added                               */
    unsigned char tail[8];    /* bytes of a word not yet complete          */
    size_t tail_len;          /* how many                                  */
} s_hash_t;

#define S_HASH_K 0x9E3779B97F4A7C15ULL

static inline uint64_t
s_hash_mix (uint64_t h, uint64_t word)
{
    h = (h ^ word) * S_HASH_K;
    return h ^ (h >> 32);
}

/*  The 8 bytes at p as a little-endian number, whatever the machine.      */
static inline uint64_t
s_hash_word (const unsigned char *p)
{
    uint64_t w;
    memcpy (&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64 (w);
#endif
    return w;
}

static void
s_hash_init (s_hash_t *self)
{
    *self = (s_hash_t){.h = 14695981039346656037ULL};
}

static void
s_hash_add (s_hash_t *self, const unsigned char *data, size_t len)
{
    uint64_t h = self->h;
    self->len += len;
    if (self->tail_len) {
        size_t n = 8 - self->tail_len < len ? 8 - self->tail_len : len;
        memcpy (self->tail + self->tail_len, data, n);
        self->tail_len += n;
        data += n;
        len -= n;
        if (self->tail_len < 8) {
            self->h = h;
            return;
        }
        h = s_hash_mix (h, s_hash_word (self->tail));
        self->tail_len = 0;
    }
    for (; len >= 8; data += 8, len -= 8)
        h = s_hash_mix (h, s_hash_word (data));
    memcpy (self->tail, data, len);
    self->tail_len = len;
    self->h = h;
}

static uint64_t
s_hash_end (s_hash_t *self)
{
    uint64_t h = self->h;
    if (self->tail_len) {
        memset (self->tail + self->tail_len, 0, 8 - self->tail_len);
        h = s_hash_mix (h, s_hash_word (self->tail));
    }
    h = s_hash_mix (h, self->len);
    /* A last avalanche (murmur3's): every bit of the key moves.         */
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 33);
}

static int
s_import (lnt_txn_t *txn, void *arg)
{
    s_import_t *im = arg;
    lnt_import_result_t *res = im->result;
    lnt_import_kind_t kind = LNT_IMPORT_UNKNOWN;
    s_problems_clear (res);
    *res = (lnt_import_result_t){0};
    /* A file that cannot be read is an I/O failure (exit 74), not bad
       data: scripts take 65 to mean "fix the rows".                      */
    FILE *file = fopen (im->path, "rb");
    if (!file)
        return lnt_why (im->why, LNT_EIO, "cannot read %s: %s", im->path,
                        strerror (errno));
    struct stat st;
    if (fstat (fileno (file), &st) == 0 && S_ISDIR (st.st_mode)) {
        fclose (file);
        return lnt_why (im->why, LNT_EIO, "cannot read %s: it is a folder, "
                        "not a CSV file", im->path);
    }
    /* The same file imported twice would store every row twice, with new
       numbers: an easy slip for staff. Files are known by a hash of their
       bytes (64 bits), kept in the counters with the import time.       */
    s_hash_t hash;
    s_hash_init (&hash);
    unsigned char chunk[65536];
    size_t got;
    while ((got = fread (chunk, 1, sizeof chunk, file)) > 0)
        s_hash_add (&hash, chunk, got);
    rewind (file);
    char seen_key[32];
    snprintf (seen_key, sizeof seen_key, "import/%016llx",
              (unsigned long long) s_hash_end (&hash));
    uint64_t seen = lnt_txn_get_u64 (txn, LNT_DB_COUNTERS, seen_key, 0);
    if (seen && !im->again) {
        fclose (file);
        char when[17];
        lnt_time_format_local ((int64_t) seen,
                               lnt_ref_utc_offset (lnt_node_ref (im->node),
                                                   lnt_node_code (im->node)),
                               when);
        return lnt_why (im->why, LNT_EEXIST, "%s was imported already, on %s; "
                        "nothing was imported (use --again to import the same "
                        "rows once more)", im->path, when);
    }
    lnt_csv_t *csv = lnt_csv_new (file, LNT_TEXT_MAX, 16);
    if (!csv) {
        fclose (file);
        return LNT_ENOMEM;
    }
    int n, rc = 0;
    size_t rows = 0;
    while ((n = lnt_csv_next (csv)) != 0) {
        size_t line = lnt_csv_line (csv);
        if (n == LNT_EIO) {
            rc = lnt_why (im->why, LNT_EIO, "reading %s failed at line %zu",
                          im->path, line);
            break;
        }
        if (++rows % 1000 == 0 && im->progress)
            im->progress (rows, im->arg);
        if (n < 0) {
            s_problem (im, line, "%s", lnt_csv_error (csv));
            continue;
        }
        const char *office = F (0);
        if (strcmp (office, "office") == 0)
            continue; /* a header row                                    */
        if (kind == LNT_IMPORT_UNKNOWN) {
            kind = s_kind_of (n);
            if (kind == LNT_IMPORT_UNKNOWN) {
                rc = lnt_why (im->why, LNT_EINVAL, "%s line %zu: %d fields; "
                              "an import file has 8 (suggestions), 11 "
                              "(action plan) or 6 (LKE answers)", im->path,
                              line, n);
                break;
            }
            res->kind = kind;
        }
        if (s_kind_of (n) != kind) {
            s_problem (im, line, "%d fields, but this file's rows have %d", n,
                       kind == LNT_IMPORT_SUGGESTIONS ? 8
                       : kind == LNT_IMPORT_RB        ? 11
                                                      : 6);
            continue;
        }
        if (strcmp (office, lnt_node_code (im->node)) != 0) {
            if (!lnt_ref_office (lnt_node_ref (im->node), office))
                s_problem (im, line, "office \"%s\" is not in the office list",
                           office);
            else
                res->skipped++;
            continue;
        }
        lnt_why_t why = {""};
        int row_rc = kind == LNT_IMPORT_SUGGESTIONS
                         ? s_row_suggestion (im, txn, csv, line, &why)
                     : kind == LNT_IMPORT_RB ? s_row_rb (im, txn, csv, line, &why)
                                             : s_row_lke (im, txn, csv, line, &why);
        if (row_rc == LNT_EINVAL)
            s_problem (im, line, "%s", why.text);
        else if (row_rc) {
            rc = row_rc; /* the store failed: stop                        */
            break;
        }
        else
            res->imported++;
    }
    lnt_csv_destroy (&csv);
    fclose (file);
    if (!rc && res->bad && !im->keep_going)
        rc = lnt_why (im->why, LNT_EINVAL, "%s: %zu bad row%s; nothing was "
                      "imported (fix them, or use --keep-going to import the "
                      "good rows)", im->path, res->bad,
                      res->bad == 1 ? "" : "s");
    if (!rc && kind == LNT_IMPORT_UNKNOWN && !res->bad)
        rc = lnt_why (im->why, LNT_EINVAL, "%s holds no rows", im->path);
    if (!rc && res->imported)
        rc = lnt_txn_put_u64 (txn, LNT_DB_COUNTERS, seen_key,
                              (uint64_t) lnt_time_now_ms ());
    return rc;
}

int
lnt_import_file (lnt_node_t *node, const char *path, unsigned flags,
                 lnt_import_progress_fn *progress, void *arg,
                 lnt_import_result_t *result, lnt_why_t *why)
{
    s_import_t *im = calloc (1, sizeof *im);
    if (!im)
        return LNT_ENOMEM;
    *result = (lnt_import_result_t){0};
    im->node = node;
    im->path = path;
    im->keep_going = (flags & LNT_IMPORT_KEEP_GOING) != 0;
    im->again = (flags & LNT_IMPORT_AGAIN) != 0;
    im->progress = progress;
    im->arg = arg;
    im->result = result;
    im->why = why;
    int rc = lnt_store_write (lnt_node_store (node), s_import, im);
    if (rc && result->imported && !(why && why->text[0]))
        lnt_why (why, rc, "%s: storing failed (%s); nothing was imported",
                 path, lnt_strerror (rc));
    if (rc)
        result->imported = 0;
    free (im);
    return rc;
}

/*  ---- export --------------------------------------------------------- */

typedef struct {
    lnt_node_t *node;   /* the office                                       */
    lnt_txn_t *txn;     /* read transaction                                 */
    FILE *out;          /* where to                                         */
    lnt_suggestion_t s; /* scratch                                          */
    lnt_private_t p;    /* scratch: a confidential suggestion's text        */
    lnt_rb_item_t r;    /* scratch                                          */
} s_export_t;

static int
s_export_one (const lnt_record_t *rec, void *arg)
{
    s_export_t *ex = arg;
    const lnt_ref_t *ref = lnt_node_ref (ex->node);
    FILE *out = ex->out;
    if (!rec->sec[0].present || rec->sec[0].deleted)
        return 0;
    char buf[32];
    if (rec->kind == LNT_KIND_SUGGESTION) {
        lnt_suggestion_t *s = &ex->s;
        /* With the private data, for a confidential suggestion's text:
           import refuses one without (the reporter is not written).     */
        int rc = lnt_office_suggestion_get (ex->node, ex->txn, rec->id, s,
                                            &ex->p, NULL);
        if (rc)
            return rc;
        char when[17];
        lnt_time_format_local (s->received, lnt_ref_utc_offset (ref, s->office),
                               when);
        lnt_csv_write_field (out, s->office, true);
        lnt_csv_write_field (out, when, false);
        lnt_csv_write_field (out, lnt_word (LNT_WORD_CHANNEL, s->channel), false);
        lnt_csv_write_field (out, lnt_word (LNT_WORD_CLASS, s->class_), false);
        lnt_csv_write_field (out, s->category, false);
        lnt_csv_write_field (out, lnt_word (LNT_WORD_PRIVACY, s->privacy), false);
        lnt_csv_write_field (out, s->subject, false);
        lnt_csv_write_field (out, s->text, false);
    }
    else if (rec->kind == LNT_KIND_RB_ITEM) {
        lnt_rb_item_t *r = &ex->r;
        int rc = lnt_office_rb_get (ex->txn, rec->id, r, NULL);
        if (rc)
            return rc;
        lnt_csv_write_field (out, r->office, true);
        snprintf (buf, sizeof buf, "%d", r->year);
        lnt_csv_write_field (out, buf, false);
        snprintf (buf, sizeof buf, "%d", r->area);
        lnt_csv_write_field (out, buf, false);
        lnt_csv_write_field (out, r->activity, false);
        lnt_csv_write_field (out, r->indicator, false);
        lnt_decimal_format (r->target, 3, buf, sizeof buf);
        lnt_csv_write_field (out, buf, false);
        lnt_csv_write_field (out, r->unit, false);
        lnt_decimal_format (r->realisation, 3, buf, sizeof buf);
        lnt_csv_write_field (out, buf, false);
        char due[11] = "";
        if (r->due != LNT_NONE_DAY)
            lnt_date_format (r->due, due);
        lnt_csv_write_field (out, due, false);
        lnt_csv_write_field (out, lnt_word (LNT_WORD_RB_STATUS, r->status),
                             false);
        lnt_csv_write_field (out, r->evidence, false);
    }
    else {
        lnt_lke_answer_t a;
        memset (&a, 0, sizeof a);
        int rc = lnt_codec_lke_answer_decode (rec->sec[0].body,
                                              rec->sec[0].body_len, &a, NULL);
        if (rc)
            return rc;
        lnt_csv_write_field (out, rec->office, true);
        snprintf (buf, sizeof buf, "%d", a.year);
        lnt_csv_write_field (out, buf, false);
        lnt_csv_write_field (out, a.item, false);
        lnt_csv_write_field (out, a.answer, false);
        lnt_csv_write_field (out, a.evidence, false);
        lnt_csv_write_field (out, a.justification, false);
    }
    lnt_csv_end_record (out);
    return 0;
}

int
lnt_export_csv (lnt_node_t *node, lnt_import_kind_t kind, FILE *out)
{
    static const char *headers[] = {
        [LNT_IMPORT_SUGGESTIONS] = "# office,received,channel,class,category,"
                                   "privacy,subject,text",
        [LNT_IMPORT_RB] = "# office,year,area,activity,indicator,target,unit,"
                          "realisation,due,status,evidence",
        [LNT_IMPORT_LKE] = "# office,year,item,answer,evidence,justification"};
    static const uint8_t kinds[] = {
        [LNT_IMPORT_SUGGESTIONS] = LNT_KIND_SUGGESTION,
        [LNT_IMPORT_RB] = LNT_KIND_RB_ITEM,
        [LNT_IMPORT_LKE] = LNT_KIND_LKE_ANSWER};
    if (kind == LNT_IMPORT_UNKNOWN)
        return LNT_EINVAL;
    s_export_t *ex = calloc (1, sizeof *ex);
    if (!ex)
        return LNT_ENOMEM;
    ex->node = node;
    ex->out = out;
    fprintf (out, "%s\r\n", headers[kind]);
    int rc = lnt_store_read (lnt_node_store (node), &ex->txn);
    if (!rc)
        rc = lnt_office_each (ex->txn, kinds[kind], s_export_one, ex);
    lnt_txn_end (&ex->txn);
    free (ex);
    return rc;
}
