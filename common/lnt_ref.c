/*  lnt_ref.c - parsing and looking up reference data.                      */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lnt_csv.h"
#include "lnt_ref.h"

#ifndef LNT_REF_DIR
#define LNT_REF_DIR "/usr/share/lontar"
#endif

#define LNT_REF_MAX_INSTRUMENTS 16
#define LNT_REF_MAX_ROWS 4096

const lnt_ref_part_t lnt_ref_parts[] = {
    {"provinces", "provinces.csv"},
    {"offices", "offices.csv"},
    {"areas", "rb-areas.csv"},
    {"answer-types", "answer-types.csv"},
    {"grade-bands", "grade-bands.csv"},
    {"sla", "sla-defaults.csv"},
    {"holidays", "holidays.csv"},
    {"instrument/permenpanrb-14-2014", "instrument-permenpanrb-14-2014.csv"},
    {"instrument/" LNT_REF_DEFAULT_INSTRUMENT,
     "instrument-" LNT_REF_DEFAULT_INSTRUMENT ".csv"},
};
const size_t lnt_ref_part_count
    = sizeof lnt_ref_parts / sizeof lnt_ref_parts[0];

typedef struct {
    char type[8];    /* YT, ABC, ABCD or PCT                                */
    char answer[8];  /* the letter, or "0..100" for a percentage            */
    int64_t value;   /* in 1/LNT_REF_UNIT; -1 means answer/100              */
} s_answer_t;

typedef struct {
    char code[4];  /* province code                                         */
    int offset;    /* minutes east of UTC                                   */
} s_province_t;

typedef struct {
    int year;            /* the year assigned                               */
    char office[8];      /* an office code, or "*" for every office         */
    char instrument[64]; /* the instrument's id                             */
    size_t line;         /* its line in the part, for messages              */
} s_assign_t;

struct lnt_ref_t {
    s_province_t *provinces;        /* province time zones                */
    int offset_by_code[100];        /* offset of province NN; INT_MIN none */
    size_t province_count;          /* how many                             */
    lnt_ref_office_t *offices;      /* the office list                      */
    size_t office_count;            /* how many                             */
    char areas[8][96];              /* names of areas 1-8; "" if unknown    */
    bool have_areas;                /* areas loaded                         */
    s_answer_t *answers;            /* answer-type rows                     */
    size_t answer_count;            /* how many                             */
    lnt_ref_band_t *bands;          /* grade bands, best first              */
    size_t band_count;              /* how many                             */
    lnt_ref_sla_t *slas;            /* SLA rows                             */
    size_t sla_count;               /* how many                             */
    lnt_calendar_t *calendar;       /* holidays                             */
    bool have_holidays;             /* holidays loaded                      */
    lnt_ref_instrument_t instruments[LNT_REF_MAX_INSTRUMENTS]; /* loaded  */
    size_t instrument_count;        /* how many                             */
    s_assign_t *assigns;            /* instrument-years, in file order      */
    size_t assign_count;            /* how many                             */
};

static int
s_office_cmp (const void *a, const void *b)
{
    return strcmp (((const lnt_ref_office_t *) a)->code,
                   ((const lnt_ref_office_t *) b)->code);
}

lnt_ref_t *
lnt_ref_new (void)
{
    lnt_ref_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    for (int i = 0; i < 100; i++)
        self->offset_by_code[i] = INT_MIN;
    self->calendar = lnt_calendar_new ();
    if (!self->calendar) {
        free (self);
        return NULL;
    }
    return self;
}

void
lnt_ref_destroy (lnt_ref_t **self_p)
{
    lnt_ref_t *self = *self_p;
    if (!self)
        return;
    free (self->provinces);
    free (self->offices);
    free (self->answers);
    free (self->bands);
    free (self->slas);
    free (self->assigns);
    lnt_calendar_destroy (&self->calendar);
    for (size_t i = 0; i < self->instrument_count; i++)
        free (self->instruments[i].nodes);
    free (self);
    *self_p = NULL;
}

int
lnt_decimal_parse (const char *text, int decimals, int64_t *value)
{
    int64_t whole = 0, frac = 0;
    int digits = 0, frac_digits = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        whole = whole * 10 + (*p - '0');
        if (whole >= 1000000000000000LL)
            return LNT_EINVAL;
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, frac_digits++) {
            if (frac_digits >= decimals)
                return LNT_EINVAL;
            frac = frac * 10 + (*p - '0');
        }
        if (frac_digits == 0)
            return LNT_EINVAL;
    }
    if (*p || digits == 0)
        return LNT_EINVAL;
    for (int i = frac_digits; i < decimals; i++)
        frac *= 10;
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    if (whole >= 1000000000000000LL / scale)
        return LNT_EINVAL;
    *value = whole * scale + frac;
    return 0;
}

void
lnt_decimal_format (int64_t value, int decimals, char *buf, size_t size)
{
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    const char *sign = value < 0 ? "-" : "";
    if (value < 0)
        value = -value;
    int64_t frac = value % scale;
    int n = snprintf (buf, size, "%s%lld", sign, (long long) (value / scale));
    if (frac && n > 0 && (size_t) n < size) {
        int width = decimals;
        while (frac % 10 == 0) {
            frac /= 10;
            width--;
        }
        snprintf (buf + n, size - (size_t) n, ".%0*lld", width,
                  (long long) frac);
    }
}

/*  Copies a field into a fixed buffer, refusing what does not fit.        */
static int
s_copy (char *dst, size_t size, const char *src, const char *part,
        size_t line, const char *field, lnt_why_t *why)
{
    if (strlen (src) >= size)
        return lnt_why (why, LNT_EINVAL,
                        "reference %s line %zu: %s is longer than %zu bytes",
                        part, line, field, size - 1);
    strcpy (dst, src);
    return 0;
}

static int
s_int (const char *text, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol (text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi)
        return LNT_EINVAL;
    *out = (int) v;
    return 0;
}

/*  One parsed CSV part: rows of fields, each row with its line.            */
typedef struct {
    lnt_csv_t *csv;  /* the reader                                          */
    FILE *file;      /* the text as a stream                                */
    const char *part; /* its name, for messages                             */
} s_reader_t;

static int
s_open (s_reader_t *r, const char *part, const char *text, size_t len)
{
    r->part = part;
    r->file = fmemopen ((void *) text, len ? len : 1, "r");
    if (!r->file)
        return LNT_ENOMEM;
    if (!len)
        fgetc (r->file); /* fmemopen cannot open an empty buffer          */
    r->csv = lnt_csv_new (r->file, 512, 16);
    if (!r->csv) {
        fclose (r->file);
        return LNT_ENOMEM;
    }
    return 0;
}

static void
s_close (s_reader_t *r)
{
    lnt_csv_destroy (&r->csv);
    if (r->file)
        fclose (r->file);
    r->file = NULL;
}

/*  Next data row with at least want fields, skipping a header row that
    starts with header. Returns field count, 0 at end, or LNT_EINVAL.      */
static int
s_next (s_reader_t *r, int want, const char *header, lnt_why_t *why)
{
    for (;;) {
        int n = lnt_csv_next (r->csv);
        if (n == 0)
            return 0;
        if (n < 0)
            return lnt_why (why, LNT_EINVAL, "reference %s line %zu: %s",
                            r->part, lnt_csv_line (r->csv),
                            lnt_csv_error (r->csv));
        if (header && strcmp (lnt_csv_field (r->csv, 0), header) == 0)
            continue;
        if (n < want)
            return lnt_why (why, LNT_EINVAL,
                            "reference %s line %zu: %d fields, expected %d",
                            r->part, lnt_csv_line (r->csv), n, want);
        return n;
    }
}

#define F(i) lnt_csv_field (r.csv, (i))
#define LINE lnt_csv_line (r.csv)

/*  The rows a loader has read so far, in an array grown one at a time.    */
typedef struct {
    void *items;
    size_t count;
} s_rows_t;

/*  Appends a row of SIZE bytes: LNT_ENOMEM when memory runs out or the
    part has more than LNT_REF_MAX_ROWS rows.                              */
static int
s_rows_push (s_rows_t *rows, const void *row, size_t size)
{
    if (rows->count >= LNT_REF_MAX_ROWS)
        return LNT_ENOMEM;
    char *grown = realloc (rows->items, (rows->count + 1) * size);
    if (!grown)
        return LNT_ENOMEM;
    memcpy (grown + rows->count * size, row, size);
    rows->items = grown;
    rows->count++;
    return 0;
}

/*  Ends a loader's reading loop: N is s_next's last answer (negative on a
    bad line), RC the loop's own. On any error the rows are freed.         */
static int
s_rows_end (s_rows_t *rows, int n, int rc)
{
    if (n < 0)
        rc = n;
    if (rc) {
        free (rows->items);
        *rows = (s_rows_t) {NULL, 0};
    }
    return rc;
}

static int
s_load_provinces (lnt_ref_t *self, s_reader_t r, lnt_why_t *why)
{
    s_rows_t rows = {NULL, 0};
    int n, rc = 0;
    while ((n = s_next (&r, 3, "code", why)) > 0) {
        s_province_t p;
        if (strlen (F (0)) != 2 || strspn (F (0), "0123456789") != 2
            || s_int (F (2), -720, 840, &p.offset)) {
            rc = lnt_why (why, LNT_EINVAL,
                          "reference provinces line %zu: bad code or offset",
                          LINE);
            break;
        }
        strcpy (p.code, F (0));
        if ((rc = s_rows_push (&rows, &p, sizeof p)))
            break;
    }
    if ((rc = s_rows_end (&rows, n, rc)))
        return rc;
    free (self->provinces);
    self->provinces = rows.items;
    self->province_count = rows.count;
    for (int i = 0; i < 100; i++)
        self->offset_by_code[i] = INT_MIN;
    for (size_t i = 0; i < rows.count; i++)
        self->offset_by_code[atoi (self->provinces[i].code) % 100]
            = self->provinces[i].offset;
    return 0;
}

static int
s_load_offices (lnt_ref_t *self, s_reader_t r, lnt_why_t *why)
{
    s_rows_t rows = {NULL, 0};
    int n, rc = 0;
    while ((n = s_next (&r, 4, "code", why)) > 0) {
        lnt_ref_office_t o;
        const char *code = F (0);
        size_t len = strlen (code);
        bool digits = len >= 2 && len <= 4 && strspn (code, "0123456789") == len;
        if (!digits) {
            rc = lnt_why (why, LNT_EINVAL,
                          "reference offices line %zu: code \"%s\" is not a "
                          "region code of 2-4 digits", LINE, code);
            break;
        }
        if ((rc = s_copy (o.code, sizeof o.code, code, r.part, LINE, "code", why))
            || (rc = s_copy (o.province, sizeof o.province, F (1), r.part,
                             LINE, "province_code", why))
            || (rc = s_copy (o.kind, sizeof o.kind, F (2), r.part, LINE,
                             "kind", why))
            || (rc = s_copy (o.name, sizeof o.name, F (3), r.part, LINE,
                             "name", why)))
            break;
        const lnt_ref_office_t *have = rows.items;
        for (size_t i = 0; i < rows.count; i++)
            if (strcmp (have[i].code, o.code) == 0)
                rc = lnt_why (why, LNT_EINVAL,
                              "reference offices line %zu: office %s listed "
                              "twice", LINE, o.code);
        if (rc)
            break;
        if ((rc = s_rows_push (&rows, &o, sizeof o)))
            break;
    }
    if ((rc = s_rows_end (&rows, n, rc)))
        return rc;
    if (rows.count) /* qsort takes no NULL array, even of 0 elements */
        qsort (rows.items, rows.count, sizeof (lnt_ref_office_t), s_office_cmp);
    free (self->offices);
    self->offices = rows.items;
    self->office_count = rows.count;
    return 0;
}

static int
s_load_areas (lnt_ref_t *self, s_reader_t r, lnt_why_t *why)
{
    char areas[8][96] = {{0}};
    int n, area;
    while ((n = s_next (&r, 2, "area", why)) > 0) {
        if (s_int (F (0), 1, 8, &area))
            return lnt_why (why, LNT_EINVAL,
                            "reference areas line %zu: area must be 1-8", LINE);
        int rc = s_copy (areas[area - 1], sizeof areas[0], F (1), r.part,
                         LINE, "name_id", why);
        if (rc)
            return rc;
    }
    if (n < 0)
        return n;
    memcpy (self->areas, areas, sizeof areas);
    self->have_areas = true;
    return 0;
}

static int
s_load_answers (lnt_ref_t *self, s_reader_t r, lnt_why_t *why)
{
    s_rows_t rows = {NULL, 0};
    int n, rc = 0;
    while ((n = s_next (&r, 3, "answer_type", why)) > 0) {
        s_answer_t a;
        if ((rc = s_copy (a.type, sizeof a.type, F (0), r.part, LINE,
                          "answer_type", why))
            || (rc = s_copy (a.answer, sizeof a.answer, F (1), r.part, LINE,
                             "answer", why)))
            break;
        if (strcmp (F (2), "answer/100") == 0)
            a.value = -1;
        else if (lnt_decimal_parse (F (2), 4, &a.value) || a.value > LNT_REF_UNIT) {
            rc = lnt_why (why, LNT_EINVAL,
                          "reference answer-types line %zu: value \"%s\" is "
                          "not a number from 0 to 1", LINE, F (2));
            break;
        }
        if ((rc = s_rows_push (&rows, &a, sizeof a)))
            break;
    }
    if ((rc = s_rows_end (&rows, n, rc)))
        return rc;
    free (self->answers);
    self->answers = rows.items;
    self->answer_count = rows.count;
    return 0;
}

static int
s_load_bands (lnt_ref_t *self, s_reader_t r, lnt_why_t *why)
{
    s_rows_t rows = {NULL, 0};
    int n, rc = 0;
    while ((n = s_next (&r, 3, "grade", why)) > 0) {
        lnt_ref_band_t b;
        memset (&b, 0, sizeof b);
        int64_t above, up_to;
        if ((rc = s_copy (b.grade, sizeof b.grade, F (0), r.part, LINE,
                          "grade", why))
            || (n > 3 && (rc = s_copy (b.label, sizeof b.label, F (3),
                                       r.part, LINE, "label_id", why))))
            break;
        if (lnt_decimal_parse (F (1), 2, &above) || lnt_decimal_parse (F (2), 2, &up_to)
            || above >= up_to || up_to > 10000) {
            rc = lnt_why (why, LNT_EINVAL,
                          "reference grade-bands line %zu: bounds must be "
                          "0-100 with above < up_to", LINE);
            break;
        }
        b.above = (int) above;
        b.up_to = (int) up_to;
        if ((rc = s_rows_push (&rows, &b, sizeof b)))
            break;
    }
    if ((rc = s_rows_end (&rows, n, rc)))
        return rc;
    free (self->bands);
    self->bands = rows.items;
    self->band_count = rows.count;
    return 0;
}

static int
s_day_kind (const char *text, bool *working)
{
    if (strcmp (text, "working") == 0)
        *working = true;
    else if (strcmp (text, "calendar") == 0)
        *working = false;
    else
        return LNT_EINVAL;
    return 0;
}

static int
s_load_slas (lnt_ref_t *self, s_reader_t r, lnt_why_t *why)
{
    s_rows_t rows = {NULL, 0};
    int n, rc = 0;
    while ((n = s_next (&r, 5, "class", why)) > 0) {
        lnt_ref_sla_t s;
        if ((rc = s_copy (s.class_name, sizeof s.class_name, F (0), r.part,
                          LINE, "class", why)))
            break;
        if (s_int (F (1), 0, 365, &s.verify_days)
            || s_day_kind (F (2), &s.verify_working)
            || s_int (F (3), 0, 365, &s.resolve_days)
            || s_day_kind (F (4), &s.resolve_working)) {
            rc = lnt_why (why, LNT_EINVAL,
                          "reference sla line %zu: days must be 0-365 and "
                          "day kinds working or calendar", LINE);
            break;
        }
        if ((rc = s_rows_push (&rows, &s, sizeof s)))
            break;
    }
    if ((rc = s_rows_end (&rows, n, rc)))
        return rc;
    free (self->slas);
    self->slas = rows.items;
    self->sla_count = rows.count;
    return 0;
}

static int
s_load_holidays (lnt_ref_t *self, s_reader_t r, lnt_why_t *why)
{
    lnt_calendar_t *calendar = lnt_calendar_new ();
    if (!calendar)
        return LNT_ENOMEM;
    int n, rc = 0;
    while ((n = s_next (&r, 1, "date", why)) > 0) {
        int32_t day;
        if (lnt_date_parse (F (0), &day)) {
            rc = lnt_why (why, LNT_EINVAL,
                          "reference holidays line %zu: \"%s\" is not a date "
                          "YYYY-MM-DD", LINE, F (0));
            break;
        }
        if ((rc = lnt_calendar_add_holiday (calendar, day)))
            break;
    }
    if (n < 0)
        rc = n;
    if (rc) {
        lnt_calendar_destroy (&calendar);
        return rc;
    }
    lnt_calendar_destroy (&self->calendar);
    self->calendar = calendar;
    self->have_holidays = true;
    return 0;
}

static int
s_load_instrument (lnt_ref_t *self, const char *id, s_reader_t r,
                   lnt_why_t *why)
{
    if (strlen (id) == 0 || strlen (id) >= sizeof self->instruments[0].id)
        return lnt_why (why, LNT_EINVAL, "instrument id \"%s\" must be 1-63 "
                        "bytes", id);
    s_rows_t rows = {NULL, 0};
    int n, rc = 0;
    while ((n = s_next (&r, 6, "node", why)) > 0) {
        lnt_ref_node_t node;
        memset (&node, 0, sizeof node);
        /* 6 fields: node,parent,kind,area,weight,title (no answer type);
           7 fields: node,parent,kind,area,weight,answer_type,title.      */
        bool typed = n >= 7;
        if ((rc = s_copy (node.code, sizeof node.code, F (0), r.part, LINE,
                          "node", why))
            || (rc = s_copy (node.parent, sizeof node.parent, F (1), r.part,
                             LINE, "parent", why))
            || (rc = s_copy (node.kind, sizeof node.kind, F (2), r.part,
                             LINE, "kind", why))
            || (typed && (rc = s_copy (node.answer_type,
                                       sizeof node.answer_type, F (5),
                                       r.part, LINE, "answer_type", why)))
            || (rc = s_copy (node.title, sizeof node.title,
                             F (typed ? 6 : 5), r.part, LINE, "title", why)))
            break;
        node.line = LINE;
        bool known_kind = strcmp (node.kind, "component") == 0
                          || strcmp (node.kind, "area") == 0
                          || strcmp (node.kind, "item") == 0
                          || strcmp (node.kind, "result") == 0;
        bool is_item = strcmp (node.kind, "item") == 0;
        /* Each field refused on its own, so the message names it.      */
        if (!known_kind)
            rc = lnt_why (why, LNT_EINVAL, "%s line %zu: kind \"%s\" of node "
                          "%s must be component, area, item or result",
                          r.part, LINE, node.kind, node.code);
        else if (*F (3) && s_int (F (3), 1, 8, &node.area))
            rc = lnt_why (why, LNT_EINVAL, "%s line %zu: area \"%s\" of node "
                          "%s must be 1-8", r.part, LINE, F (3), node.code);
        else if (lnt_decimal_parse (F (4), 4, &node.weight))
            rc = lnt_why (why, LNT_EINVAL, "%s line %zu: weight \"%s\" of node "
                          "%s is not a number (digits, at most 4 after the "
                          "point)", r.part, LINE, F (4), node.code);
        else if (is_item && node.area == 0)
            rc = lnt_why (why, LNT_EINVAL, "%s line %zu: item %s has no area; "
                          "an item needs an area 1-8", r.part, LINE,
                          node.code);
        else if (is_item && node.weight == 0)
            rc = lnt_why (why, LNT_EINVAL, "%s line %zu: item %s has weight 0; "
                          "an item needs a weight above 0", r.part, LINE,
                          node.code);
        else if (is_item && !*node.answer_type)
            rc = lnt_why (why, LNT_EINVAL, "%s line %zu: item %s has no "
                          "answer_type; an item needs an answer type such as "
                          "YT, ABC, ABCD or PCT", r.part, LINE, node.code);
        if (rc)
            break;
        bool parent_found = !*node.parent;
        const lnt_ref_node_t *have = rows.items;
        for (size_t i = 0; i < rows.count; i++) {
            if (strcmp (have[i].code, node.code) == 0) {
                rc = lnt_why (why, LNT_EINVAL, "%s line %zu: node %s listed "
                              "twice", r.part, LINE, node.code);
                break;
            }
            if (strcmp (have[i].code, node.parent) == 0)
                parent_found = true;
        }
        if (!rc && !parent_found)
            rc = lnt_why (why, LNT_EINVAL, "%s line %zu: parent %s of %s "
                          "comes later or not at all", r.part, LINE,
                          node.parent, node.code);
        if (rc)
            break;
        if ((rc = s_rows_push (&rows, &node, sizeof node)))
            break;
    }
    if (n >= 0 && !rc && rows.count == 0)
        rc = lnt_why (why, LNT_EINVAL, "%s has no nodes", r.part);
    size_t slot = self->instrument_count;
    for (size_t i = 0; i < self->instrument_count; i++)
        if (strcmp (self->instruments[i].id, id) == 0)
            slot = i;
    if (n >= 0 && !rc && slot == LNT_REF_MAX_INSTRUMENTS)
        rc = lnt_why (why, LNT_EINVAL, "more than %d instruments",
                      LNT_REF_MAX_INSTRUMENTS);
    if ((rc = s_rows_end (&rows, n, rc)))
        return rc;
    lnt_ref_instrument_t *in = &self->instruments[slot];
    if (slot == self->instrument_count)
        self->instrument_count++;
    else
        free (in->nodes);
    snprintf (in->id, sizeof in->id, "%s", id);
    in->nodes = rows.items;
    in->node_count = rows.count;
    return 0;
}

static int
s_load_assigns (lnt_ref_t *self, s_reader_t r, lnt_why_t *why)
{
    s_rows_t rows = {NULL, 0};
    int n, rc = 0;
    while ((n = s_next (&r, 3, "year", why)) > 0) {
        s_assign_t a;
        memset (&a, 0, sizeof a);
        a.line = LINE;
        const char *office = F (1);
        size_t len = strlen (office);
        bool code = len >= 2 && len <= 4
                    && strspn (office, "0123456789") == len;
        if (s_int (F (0), 2000, 2100, &a.year))
            rc = lnt_why (why, LNT_EINVAL, "reference instrument-years line "
                          "%zu: year \"%s\" is not 2000-2100", LINE, F (0));
        else if (!code && strcmp (office, "*") != 0)
            rc = lnt_why (why, LNT_EINVAL, "reference instrument-years line "
                          "%zu: office \"%s\" is not a region code of 2-4 "
                          "digits or *", LINE, office);
        else if (!*F (2))
            rc = lnt_why (why, LNT_EINVAL, "reference instrument-years line "
                          "%zu: instrument is empty", LINE);
        if (rc
            || (rc = s_copy (a.office, sizeof a.office, office, r.part, LINE,
                             "office", why))
            || (rc = s_copy (a.instrument, sizeof a.instrument, F (2),
                             r.part, LINE, "instrument", why)))
            break;
        if ((rc = s_rows_push (&rows, &a, sizeof a)))
            break;
    }
    if ((rc = s_rows_end (&rows, n, rc)))
        return rc;
    free (self->assigns);
    self->assigns = rows.items;
    self->assign_count = rows.count;
    return 0;
}

int
lnt_ref_load (lnt_ref_t *self, const char *name, const char *text,
              size_t len, lnt_why_t *why)
{
    s_reader_t r;
    int rc = s_open (&r, name, text, len);
    if (rc)
        return rc;
    if (strcmp (name, "provinces") == 0)
        rc = s_load_provinces (self, r, why);
    else if (strcmp (name, "offices") == 0)
        rc = s_load_offices (self, r, why);
    else if (strcmp (name, "areas") == 0)
        rc = s_load_areas (self, r, why);
    else if (strcmp (name, "answer-types") == 0)
        rc = s_load_answers (self, r, why);
    else if (strcmp (name, "grade-bands") == 0)
        rc = s_load_bands (self, r, why);
    else if (strcmp (name, "sla") == 0)
        rc = s_load_slas (self, r, why);
    else if (strcmp (name, "holidays") == 0)
        rc = s_load_holidays (self, r, why);
    else if (strncmp (name, "instrument/", 11) == 0)
        rc = s_load_instrument (self, name + 11, r, why);
    else if (strcmp (name, "instrument-years") == 0)
        rc = s_load_assigns (self, r, why);
    else
        rc = lnt_why (why, LNT_EINVAL, "unknown reference part \"%s\"", name);
    s_close (&r);
    return rc;
}

static bool
s_answer_type_known (const lnt_ref_t *self, const char *type)
{
    for (size_t i = 0; i < self->answer_count; i++)
        if (strcmp (self->answers[i].type, type) == 0)
            return true;
    return false;
}

bool
lnt_ref_complete (const lnt_ref_t *self, lnt_why_t *why)
{
    const char *missing = !self->office_count ? "offices"
                        : !self->have_areas ? "areas"
                        : !self->answer_count ? "answer-types"
                        : !self->band_count ? "grade-bands"
                        : !self->sla_count ? "sla"
                        : !self->have_holidays ? "holidays"
                        : !lnt_ref_instrument (self, LNT_REF_DEFAULT_INSTRUMENT)
                            ? "instrument/" LNT_REF_DEFAULT_INSTRUMENT
                            : NULL;
    if (missing) {
        lnt_why (why, LNT_EINVAL, "reference data %s is missing", missing);
        return false;
    }
    /* The parts load one by one, in any order: whether they agree can
       only be told once all are in.                                      */
    for (size_t i = 0; i < self->instrument_count; i++) {
        const lnt_ref_instrument_t *in = &self->instruments[i];
        for (size_t j = 0; j < in->node_count; j++) {
            const lnt_ref_node_t *node = &in->nodes[j];
            if (!*node->answer_type || s_answer_type_known (self,
                                                            node->answer_type))
                continue;
            lnt_why (why, LNT_EINVAL, "instrument/%s line %zu: answer_type "
                     "\"%s\" of item %s is not one that answer-types "
                     "defines", in->id, node->line, node->answer_type,
                     node->code);
            return false;
        }
    }
    for (size_t i = 0; i < self->assign_count; i++) {
        const s_assign_t *a = &self->assigns[i];
        if (strcmp (a->office, "*") != 0 && !lnt_ref_office (self, a->office)) {
            lnt_why (why, LNT_EINVAL, "reference instrument-years line %zu: "
                     "office %s is not in the office list", a->line,
                     a->office);
            return false;
        }
        if (!lnt_ref_instrument (self, a->instrument)) {
            lnt_why (why, LNT_EINVAL, "reference instrument-years line %zu: "
                     "instrument %s is not loaded; load it first (lontar-hub "
                     "instrument load)", a->line, a->instrument);
            return false;
        }
    }
    return true;
}

const char *
lnt_ref_instrument_for (const lnt_ref_t *self, const char *office, int year)
{
    /* Later lines override earlier ones: the last match wins.           */
    for (size_t i = self->assign_count; i-- > 0;) {
        const s_assign_t *a = &self->assigns[i];
        if (a->year == year
            && (strcmp (a->office, "*") == 0 || strcmp (a->office, office) == 0))
            return a->instrument;
    }
    return LNT_REF_DEFAULT_INSTRUMENT;
}

int
lnt_ref_read_file (const char *path, char **text, size_t *len)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return errno == ENOENT ? LNT_ENOTFOUND : LNT_EIO;
    struct stat st;
    if (fstat (fileno (file), &st) != 0 || st.st_size > (16 << 20)) {
        fclose (file);
        return LNT_EIO;
    }
    char *buf = malloc ((size_t) st.st_size + 1);
    if (!buf) {
        fclose (file);
        return LNT_ENOMEM;
    }
    size_t got = fread (buf, 1, (size_t) st.st_size, file);
    int failed = ferror (file);
    fclose (file);
    if (failed || got != (size_t) st.st_size) {
        free (buf);
        return LNT_EIO;
    }
    buf[got] = 0;
    *text = buf;
    *len = got;
    return 0;
}

const char *
lnt_ref_default_dir (void)
{
    const char *dir = getenv ("LONTAR_REF");
    return dir && *dir ? dir : LNT_REF_DIR;
}

const lnt_ref_office_t *
lnt_ref_office (const lnt_ref_t *self, const char *code)
{
    /* The offices are kept sorted by code (s_office_cmp): the hub looks
       one up for every change it checks, an import for every row. The
       search is bsearch's, written out: no copy of the code into a key
       and no call through a pointer for each comparison.               */
    if (strnlen (code, sizeof self->offices[0].code)
        >= sizeof self->offices[0].code)
        return NULL;
    size_t lo = 0, hi = self->office_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp (code, self->offices[mid].code);
        if (cmp == 0)
            return &self->offices[mid];
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

size_t
lnt_ref_office_count (const lnt_ref_t *self)
{
    return self->office_count;
}

const lnt_ref_office_t *
lnt_ref_office_at (const lnt_ref_t *self, size_t i)
{
    return i < self->office_count ? &self->offices[i] : NULL;
}

int
lnt_ref_utc_offset (const lnt_ref_t *self, const char *office)
{
    /* Province codes are two digits: a table by code, not a search.    */
    if (office[0] >= '0' && office[0] <= '9' && office[1] >= '0'
        && office[1] <= '9') {
        int offset = self->offset_by_code[(office[0] - '0') * 10
                                          + office[1] - '0'];
        if (offset != INT_MIN)
            return offset;
    }
    return 420;
}

const char *
lnt_ref_area_name (const lnt_ref_t *self, int area)
{
    if (area < 1 || area > 8 || !self->areas[area - 1][0])
        return NULL;
    return self->areas[area - 1];
}

const lnt_ref_instrument_t *
lnt_ref_instrument (const lnt_ref_t *self, const char *id)
{
    for (size_t i = 0; i < self->instrument_count; i++)
        if (strcmp (self->instruments[i].id, id) == 0)
            return &self->instruments[i];
    return NULL;
}

const lnt_ref_node_t *
lnt_ref_item (const lnt_ref_instrument_t *instrument, const char *code)
{
    for (size_t i = 0; i < instrument->node_count; i++)
        if (strcmp (instrument->nodes[i].kind, "item") == 0
            && strcmp (instrument->nodes[i].code, code) == 0)
            return &instrument->nodes[i];
    return NULL;
}

int
lnt_ref_answer_value (const lnt_ref_t *self, const char *type,
                      const char *answer, int64_t *value, lnt_why_t *why)
{
    char allowed[128] = "";
    size_t used = 0;
    for (size_t i = 0; i < self->answer_count; i++) {
        const s_answer_t *a = &self->answers[i];
        if (strcmp (a->type, type) != 0)
            continue;
        if (a->value < 0) {
            int64_t pct;
            if (lnt_decimal_parse (answer, 2, &pct) == 0 && pct <= 10000) {
                *value = pct; /* hundredths of a percent = 1/10,000      */
                return 0;
            }
        }
        else if (strcmp (a->answer, answer) == 0) {
            *value = a->value;
            return 0;
        }
        int n = snprintf (allowed + used, sizeof allowed - used, "%s%s",
                          used ? ", " : "", a->value < 0 ? "a number 0-100"
                                                         : a->answer);
        if (n > 0 && used + (size_t) n < sizeof allowed)
            used += (size_t) n;
    }
    if (!used)
        return lnt_why (why, LNT_EINVAL, "answer type %s is not in the "
                        "reference data", type);
    return lnt_why (why, LNT_EINVAL, "answer \"%s\" is not allowed for "
                    "answer type %s; use %s", answer, type, allowed);
}

bool
lnt_ref_instrument_year (const lnt_ref_t *self, size_t i, int *year,
                         const char **office, const char **instrument)
{
    if (i >= self->assign_count)
        return false;
    if (year)
        *year = self->assigns[i].year;
    if (office)
        *office = self->assigns[i].office;
    if (instrument)
        *instrument = self->assigns[i].instrument;
    return true;
}

const lnt_ref_band_t *
lnt_ref_grade (const lnt_ref_t *self, int hundredths)
{
    const lnt_ref_band_t *lowest = NULL;
    for (size_t i = 0; i < self->band_count; i++) {
        const lnt_ref_band_t *b = &self->bands[i];
        if (hundredths > b->above && hundredths <= b->up_to)
            return b;
        if (!lowest || b->above < lowest->above)
            lowest = b;
    }
    return lowest; /* a score of 0 (or below every band) gets the lowest */
}

const lnt_ref_sla_t *
lnt_ref_sla (const lnt_ref_t *self, const char *class_name)
{
    for (size_t i = 0; i < self->sla_count; i++)
        if (strcmp (self->slas[i].class_name, class_name) == 0)
            return &self->slas[i];
    return NULL;
}

const lnt_calendar_t *
lnt_ref_calendar (const lnt_ref_t *self)
{
    return self->calendar;
}
