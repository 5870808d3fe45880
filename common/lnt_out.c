/*  lnt_out.c - listing output for people and programs: an aligned table,
    CSV or JSON, built from typed cells and printed once.                  */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_csv.h"
#include "lnt_error.h"
#include "lnt_out.h"

/*  What a cell holds: S_NUM is a number with a fixed count of decimals. */
typedef enum { S_NULL, S_STR, S_INT, S_NUM, S_BOOL } s_kind_t;

typedef struct {
    s_kind_t kind;       /* which member of v holds the value               */
    int decimals;        /* digits after the point, for S_NUM               */
    union {
        char *text;      /* S_STR: a copy the listing owns                  */
        int64_t integer; /* S_INT                                           */
        double number;   /* S_NUM                                           */
        bool flag;       /* S_BOOL                                          */
    } v;
} s_cell_t;

typedef struct {
    char *name;   /* JSON name, dots nest; owned                            */
    char *title;  /* header in the table and CSV; owned                     */
    size_t width; /* table width in code points, set when printing          */
    bool right;   /* right-aligned: only numbers (and nulls) below it       */
} s_column_t;

struct lnt_out_t {
    lnt_out_format_t format; /* what lnt_out_print writes                  */
    s_column_t *columns;     /* the columns, in order                       */
    size_t ncols;            /* columns in use                              */
    size_t maxcols;          /* columns allocated                           */
    s_cell_t *cells;         /* every row's cells, row after row            */
    size_t ncells;           /* cells in use                                */
    size_t maxcells;         /* cells allocated                             */
    size_t nrows;            /* rows started                                */
};

/*  A double with 20 decimals needs at most 309 + 1 + 20 digits and a sign. */
#define S_NUMBER_MAX 400

/*  The add functions return nothing, so running out of memory there cannot
    be reported; a listing is small, and a half-built one must not print.  */
static void *
s_need (void *pointer)
{
    if (!pointer) {
        fputs ("lnt_out: out of memory\n", stderr);
        abort ();
    }
    return pointer;
}

/*  Makes room for one more item of size bytes in *array.                   */
static void
s_grow (void **array, size_t *max, size_t used, size_t size)
{
    if (used < *max)
        return;
    size_t max_new = *max ? *max * 2 : 16;
    *array = s_need (realloc (*array, max_new * size));
    *max = max_new;
}

int
lnt_out_format_parse (const char *name, lnt_out_format_t *format)
{
    static const char *names [] = {"table", "csv", "json"}; /* enum order */
    assert (format);
    for (int i = 0; name && i < 3; i++)
        if (strcmp (name, names [i]) == 0) {
            *format = (lnt_out_format_t) i;
            return 0;
        }
    return LNT_EINVAL;
}

lnt_out_t *
lnt_out_new (lnt_out_format_t format)
{
    lnt_out_t *self = calloc (1, sizeof (lnt_out_t));
    if (self)
        self->format = format;
    return self;
}

void
lnt_out_destroy (lnt_out_t **self_p)
{
    assert (self_p);
    lnt_out_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->ncols; i++) {
        free (self->columns [i].name);
        free (self->columns [i].title);
    }
    for (size_t i = 0; i < self->ncells; i++)
        if (self->cells [i].kind == S_STR)
            free (self->cells [i].v.text);
    free (self->columns);
    free (self->cells);
    free (self);
    *self_p = NULL;
}

/*  The bytes of the group path a and b share, up to and including their
    last common dot: "lke.score" and "lke.grade" share "lke.", 4.          */
static size_t
s_shared_groups (const char *a, const char *b)
{
    size_t shared = 0;
    for (size_t i = 0; a [i] && a [i] == b [i]; i++)
        if (a [i] == '.')
            shared = i + 1;
    return shared;
}

void
lnt_out_column (lnt_out_t *self, const char *name, const char *title)
{
    assert (self && name);
    assert (self->nrows == 0);
    /*  JSON writes nested objects as it goes, so a group that came back
        after another column would be written twice: insist on adjacency. */
    size_t shared = self->ncols
                      ? s_shared_groups (self->columns [self->ncols - 1].name, name)
                      : 0;
    for (size_t i = 0; i < self->ncols; i++)
        assert (s_shared_groups (self->columns [i].name, name) <= shared);
    (void) shared;

    s_grow ((void **) &self->columns, &self->maxcols, self->ncols,
            sizeof (s_column_t));
    self->columns [self->ncols++] = (s_column_t) {
        .name = s_need (strdup (name)),
        .title = s_need (strdup (title ? title : name))};
}

void
lnt_out_row (lnt_out_t *self)
{
    assert (self && self->ncols > 0);
    assert (self->ncells == self->nrows * self->ncols);
    self->nrows++;
}

/*  The next cell of the current row, checked against the columns.         */
static s_cell_t *
s_cell_add (lnt_out_t *self, s_kind_t kind)
{
    assert (self && self->nrows > 0);
    assert (self->ncells < self->nrows * self->ncols);
    s_grow ((void **) &self->cells, &self->maxcells, self->ncells,
            sizeof (s_cell_t));
    self->cells [self->ncells] = (s_cell_t) {.kind = kind};
    return &self->cells [self->ncells++];
}

void
lnt_out_str (lnt_out_t *self, const char *text)
{
    if (!text)
        lnt_out_null (self);
    else
        s_cell_add (self, S_STR)->v.text = s_need (strdup (text));
}

void
lnt_out_int (lnt_out_t *self, int64_t value)
{
    s_cell_add (self, S_INT)->v.integer = value;
}

void
lnt_out_num (lnt_out_t *self, double value, int decimals)
{
    assert (decimals >= 0 && decimals <= 20);
    s_cell_t *cell = s_cell_add (self, S_NUM);
    cell->v.number = value;
    cell->decimals = decimals;
}

void
lnt_out_bool (lnt_out_t *self, bool value)
{
    s_cell_add (self, S_BOOL)->v.flag = value;
}

void
lnt_out_null (lnt_out_t *self)
{
    s_cell_add (self, S_NULL);
}

/*  The cell as text for the table and CSV, formatted into buf when it is a
    number; NULL for null, and for NaN and infinity, which JSON cannot hold
    either, so all three formats agree.                                     */
static const char *
s_cell_text (const s_cell_t *cell, char *buf, size_t size)
{
    switch (cell->kind) {
        case S_STR: return cell->v.text;
        case S_INT:
            snprintf (buf, size, "%" PRId64, cell->v.integer);
            return buf;
        case S_NUM:
            if (!isfinite (cell->v.number))
                return NULL;
            snprintf (buf, size, "%.*f", cell->decimals, cell->v.number);
            return buf;
        case S_BOOL: return cell->v.flag ? "true" : "false";
        default: return NULL;
    }
}

/*  Writes text to a table line, holding spaces back until something
    visible follows so that no line ends in spaces. Control characters (a
    line break in a suggestion) become spaces to keep a row on one line;
    each is one code point, so the widths still hold.                       */
static void
s_put (FILE *out, const char *text, size_t *pending)
{
    for (; *text; text++) {
        unsigned char c = (unsigned char) *text;
        if (c <= ' ' || c == 0x7f)
            (*pending)++;
        else {
            for (; *pending; (*pending)--)
                putc (' ', out);
            putc (c, out);
        }
    }
}

/*  Writes one table line: the header when row is SIZE_MAX.                 */
static void
s_table_line (lnt_out_t *self, FILE *out, size_t row)
{
    char buf [S_NUMBER_MAX];
    size_t pending = 0;
    for (size_t c = 0; c < self->ncols; c++) {
        s_column_t *column = &self->columns [c];
        const char *text = row == SIZE_MAX
                             ? column->title
                             : s_cell_text (&self->cells [row * self->ncols + c],
                                            buf, sizeof (buf));
        if (!text)
            text = "-";
        size_t pad = column->width - lnt_utf8_width (text);
        pending += c ? 2 : 0;
        pending += column->right ? pad : 0;
        s_put (out, text, &pending);
        pending += column->right ? 0 : pad;
    }
    putc ('\n', out);
}

static void
s_print_table (lnt_out_t *self, FILE *out)
{
    char buf [S_NUMBER_MAX];
    for (size_t c = 0; c < self->ncols; c++) {
        s_column_t *column = &self->columns [c];
        bool numbers = false, others = false;
        column->width = lnt_utf8_width (column->title);
        for (size_t r = 0; r < self->nrows; r++) {
            const s_cell_t *cell = &self->cells [r * self->ncols + c];
            const char *text = s_cell_text (cell, buf, sizeof (buf));
            size_t width = lnt_utf8_width (text ? text : "-");
            if (width > column->width)
                column->width = width;
            numbers |= cell->kind == S_INT || cell->kind == S_NUM;
            others |= cell->kind == S_STR || cell->kind == S_BOOL;
        }
        column->right = numbers && !others;
    }
    s_table_line (self, out, SIZE_MAX);
    for (size_t c = 0; c < self->ncols; c++) {
        if (c)
            fputs ("  ", out);
        for (size_t i = 0; i < self->columns [c].width; i++)
            putc ('-', out);
    }
    putc ('\n', out);
    for (size_t r = 0; r < self->nrows; r++)
        s_table_line (self, out, r);
    if (self->nrows == 0)
        fputs ("(none)\n", out);
}

/*  One record as "title: value" lines, titles right-aligned so the colons
    and the values line up.                                                 */
static void
s_print_table_one (lnt_out_t *self, FILE *out)
{
    if (self->nrows == 0) {
        fputs ("(none)\n", out);
        return;
    }
    char buf [S_NUMBER_MAX];
    size_t width = 0;
    for (size_t c = 0; c < self->ncols; c++) {
        size_t title_width = lnt_utf8_width (self->columns [c].title);
        width = title_width > width ? title_width : width;
    }
    for (size_t c = 0; c < self->ncols; c++) {
        const char *title = self->columns [c].title;
        const char *text = s_cell_text (&self->cells [c], buf, sizeof (buf));
        size_t pending = width - lnt_utf8_width (title);
        s_put (out, title, &pending);
        s_put (out, ":", &pending);
        pending++;
        s_put (out, text ? text : "-", &pending);
        putc ('\n', out);
    }
}

static void
s_print_csv (lnt_out_t *self, FILE *out, size_t rows)
{
    char buf [S_NUMBER_MAX];
    for (size_t c = 0; c < self->ncols; c++)
        lnt_csv_write_field (out, self->columns [c].title, c == 0);
    lnt_csv_end_record (out);
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < self->ncols; c++) {
            const s_cell_t *cell = &self->cells [r * self->ncols + c];
            lnt_csv_write_field (out, s_cell_text (cell, buf, sizeof (buf)),
                                 c == 0);
        }
        lnt_csv_end_record (out);
    }
}

/*  Writes the len bytes at text as a JSON string. UTF-8 passes through;
    the text is expected to be valid, as everything lontar stores is.       */
static void
s_json_write (FILE *out, const char *text, size_t len)
{
    putc ('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) text [i];
        if (c == '"' || c == '\\')
            fprintf (out, "\\%c", c);
        else if (c == '\n')
            fputs ("\\n", out);
        else if (c == '\r')
            fputs ("\\r", out);
        else if (c == '\t')
            fputs ("\\t", out);
        else if (c < 0x20)
            fprintf (out, "\\u%04x", c);
        else
            putc (c, out);
    }
    putc ('"', out);
}

void
lnt_out_json_string (FILE *out, const char *text)
{
    if (text)
        s_json_write (out, text, strlen (text));
    else
        fputs ("null", out);
}

static size_t
s_count_dots (const char *text, size_t len)
{
    size_t dots = 0;
    for (size_t i = 0; i < len; i++)
        dots += text [i] == '.';
    return dots;
}

/*  Writes row as one object. Going through the columns in order, it closes
    the groups the previous name had that this one lacks, then opens the
    groups this one adds; lnt_out_column made sure groups are adjacent.    */
static void
s_print_json_object (lnt_out_t *self, FILE *out, size_t row)
{
    char buf [S_NUMBER_MAX];
    const char *prev = "";
    size_t open = 0; /* bytes of prev up to its last dot: its groups */
    putc ('{', out);
    for (size_t c = 0; c < self->ncols; c++) {
        const char *name = self->columns [c].name;
        size_t keep = s_shared_groups (prev, name);
        for (size_t n = s_count_dots (prev + keep, open - keep); n; n--)
            putc ('}', out);
        if (c)
            fputs (", ", out);
        const char *key = name + keep, *dot;
        while ((dot = strchr (key, '.'))) {
            s_json_write (out, key, (size_t) (dot - key));
            fputs (": {", out);
            key = dot + 1;
        }
        s_json_write (out, key, strlen (key));
        fputs (": ", out);
        const s_cell_t *cell = &self->cells [row * self->ncols + c];
        const char *text = s_cell_text (cell, buf, sizeof (buf));
        if (cell->kind == S_STR)
            lnt_out_json_string (out, text);
        else
            fputs (text ? text : "null", out);
        prev = name;
        open = (size_t) (key - name);
    }
    for (size_t n = s_count_dots (prev, open); n; n--)
        putc ('}', out);
    putc ('}', out);
}

void
lnt_out_print (lnt_out_t *self, FILE *out)
{
    assert (self && out && self->ncols > 0);
    assert (self->ncells == self->nrows * self->ncols);
    if (self->format == LNT_OUT_TABLE)
        s_print_table (self, out);
    else if (self->format == LNT_OUT_CSV)
        s_print_csv (self, out, self->nrows);
    else if (self->nrows == 0)
        fputs ("[]\n", out);
    else {
        fputs ("[\n", out);
        for (size_t r = 0; r < self->nrows; r++) {
            fputs ("  ", out);
            s_print_json_object (self, out, r);
            fputs (r + 1 < self->nrows ? ",\n" : "\n", out);
        }
        fputs ("]\n", out);
    }
}

void
lnt_out_print_one (lnt_out_t *self, FILE *out)
{
    assert (self && out && self->ncols > 0);
    assert (self->ncells == self->nrows * self->ncols);
    if (self->format == LNT_OUT_TABLE)
        s_print_table_one (self, out);
    else if (self->format == LNT_OUT_CSV)
        s_print_csv (self, out, self->nrows ? 1 : 0);
    else {
        if (self->nrows)
            s_print_json_object (self, out, 0);
        else
            fputs ("null", out);
        putc ('\n', out);
    }
}

lnt_out_format_t
lnt_out_format (const lnt_out_t *self)
{
    return self->format;
}
