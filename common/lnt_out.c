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

/*  What a cell holds: S_NUM is a number with a fixed count of decimals,
    S_FIXED an integer count of 10^-decimals.                              */
typedef enum { S_NULL, S_STR, S_INT, S_NUM, S_BOOL, S_FIXED } s_kind_t;

typedef struct {
    s_kind_t kind;       /* which member of v holds the value               */
    int decimals;        /* digits after the point, for S_NUM and S_FIXED   */
    char *shown;         /* S_INT: the table's text for it, owned; or NULL  */
    union {
        char *text;      /* S_STR: a copy the listing owns                  */
        int64_t integer; /* S_INT; S_FIXED: the value in 10^-decimals       */
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

/*  A group of columns ("lke." of "lke.score"): the first len bytes of the
    name of column, up to and including a dot.                             */
typedef struct {
    size_t column; /* a column of the group                                */
    size_t len;    /* bytes of its name that name the group                 */
} s_group_t;

struct lnt_out_t {
    lnt_out_format_t format; /* what lnt_out_print writes                  */
    s_column_t *columns;     /* the columns, in order                       */
    size_t ncols;            /* columns in use                              */
    size_t maxcols;          /* columns allocated                           */
    s_cell_t *cells;         /* every row's cells, row after row            */
    size_t ncells;           /* cells in use                                */
    size_t maxcells;         /* cells allocated                             */
    size_t nrows;            /* rows started                                */
    s_group_t *closed;       /* the groups closed so far (JSON nesting)     */
    size_t nclosed;          /* groups in closed                            */
    size_t maxclosed;        /* groups allocated                            */
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
    for (size_t i = 0; i < self->ncells; i++) {
        if (self->cells [i].kind == S_STR)
            free (self->cells [i].v.text);
        free (self->cells [i].shown);
    }
    free (self->columns);
    free (self->cells);
    free (self->closed);
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
        after another column would be written twice: insist on adjacency.
        The previous column's groups that this one lacks close here; the
        groups this one adds must not have closed before.                 */
    const char *prev = self->ncols ? self->columns [self->ncols - 1].name : "";
    size_t shared = s_shared_groups (prev, name);
    for (size_t i = shared; prev [i]; i++)
        if (prev [i] == '.') {
            s_grow ((void **) &self->closed, &self->maxclosed, self->nclosed,
                    sizeof (s_group_t));
            self->closed [self->nclosed++] = (s_group_t) {self->ncols - 1, i + 1};
        }
    for (size_t i = shared; name [i]; i++)
        for (size_t g = 0; name [i] == '.' && g < self->nclosed; g++)
            assert (self->closed [g].len != i + 1
                    || memcmp (self->columns [self->closed [g].column].name,
                               name, i + 1) != 0);

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
lnt_out_int_as (lnt_out_t *self, int64_t value, const char *text)
{
    assert (text);
    s_cell_t *cell = s_cell_add (self, S_INT);
    cell->v.integer = value;
    cell->shown = s_need (strdup (text));
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
lnt_out_fixed (lnt_out_t *self, int64_t value, int decimals)
{
    assert (decimals >= 0 && decimals <= 20);
    s_cell_t *cell = s_cell_add (self, S_FIXED);
    cell->v.integer = value;
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

/*  Writes value / 10^decimals with that many digits after the point (none
    and no point for 0) into buf (at least 44 bytes), as "%.*f" would print
    the exact quotient, with a NUL; returns the length. By hand: snprintf
    costs more than the rest of a rollup row.                              */
static size_t
s_format_fixed (char *buf, int64_t value, int decimals)
{
    uint64_t u = value < 0 ? 0 - (uint64_t) value : (uint64_t) value;
    char digits [42];
    size_t n = 0, len = 0;
    for (int i = 0; i < decimals; i++) {
        digits [n++] = (char) ('0' + u % 10);
        u /= 10;
    }
    if (decimals)
        digits [n++] = '.';
    do {
        digits [n++] = (char) ('0' + u % 10);
        u /= 10;
    } while (u);
    if (value < 0)
        buf [len++] = '-';
    while (n)
        buf [len++] = digits [--n];
    buf [len] = '\0';
    return len;
}

/*  The cell as text, formatted into buf when it is a number, its length in
    *len; NULL for null, and for NaN and infinity, which JSON cannot hold
    either, so all three formats agree.                                     */
static const char *
s_cell_text_len (const s_cell_t *cell, char *buf, size_t size, size_t *len)
{
    int n;
    switch (cell->kind) {
        case S_STR:
            *len = strlen (cell->v.text);
            return cell->v.text;
        case S_INT:
            *len = s_format_fixed (buf, cell->v.integer, 0);
            return buf;
        case S_FIXED:
            *len = s_format_fixed (buf, cell->v.integer, cell->decimals);
            return buf;
        case S_NUM:
            if (!isfinite (cell->v.number))
                break;
            n = snprintf (buf, size, "%.*f", cell->decimals, cell->v.number);
            assert (n > 0 && (size_t) n < size);
            *len = (size_t) n;
            return buf;
        case S_BOOL:
            *len = cell->v.flag ? 4 : 5;
            return cell->v.flag ? "true" : "false";
        default: break;
    }
    *len = 0;
    return NULL;
}

/*  The cell as text for the table and CSV (see s_cell_text_len).          */
static const char *
s_cell_text (const s_cell_t *cell, char *buf, size_t size)
{
    size_t len;
    return s_cell_text_len (cell, buf, size, &len);
}

/*  The table and JSON writers go through a sink: bytes gathered in a
    buffer and written with one fwrite when it fills, instead of a locked
    putc for every byte (a rollup answer is some 48 KB).                   */

typedef struct {
    FILE *out;       /* where the bytes go                                 */
    size_t flushed;  /* bytes written to out so far                        */
    size_t len;      /* bytes waiting in buf                               */
    char buf [4096]; /* the bytes not yet written                          */
} s_sink_t;

static void
s_sink_flush (s_sink_t *sink)
{
    if (sink->len)
        fwrite (sink->buf, 1, sink->len, sink->out);
    sink->flushed += sink->len;
    sink->len = 0;
}

static void
s_sink_put (s_sink_t *sink, const char *data, size_t len)
{
    if (len > sizeof (sink->buf) - sink->len) {
        s_sink_flush (sink);
        if (len > sizeof (sink->buf)) {
            fwrite (data, 1, len, sink->out);
            sink->flushed += len;
            return;
        }
    }
    memcpy (sink->buf + sink->len, data, len);
    sink->len += len;
}

static void
s_sink_text (s_sink_t *sink, const char *text)
{
    s_sink_put (sink, text, strlen (text));
}

/*  Writes text to a table line, holding spaces back until something
    visible follows so that no line ends in spaces. Control characters (a
    line break in a suggestion) become spaces to keep a row on one line;
    each is one code point, so the widths still hold.                       */
static void
s_put (s_sink_t *sink, const char *text, size_t *pending)
{
    static const char spaces [] = "                                ";
    while (*text) {
        const char *run = text; /* visible bytes, written in one piece     */
        while ((unsigned char) *text > ' ' && *text != 0x7f)
            text++;
        if (text > run) {
            for (; *pending > 32; *pending -= 32)
                s_sink_put (sink, spaces, 32);
            s_sink_put (sink, spaces, *pending);
            *pending = 0;
            s_sink_put (sink, run, (size_t) (text - run));
        }
        for (; *text && ((unsigned char) *text <= ' ' || *text == 0x7f); text++)
            (*pending)++;
    }
}

/*  Writes one table line: the header when texts is NULL, else the row's
    cells as text.                                                          */
static void
s_table_line (lnt_out_t *self, s_sink_t *sink, const char *const *texts)
{
    size_t pending = 0;
    for (size_t c = 0; c < self->ncols; c++) {
        s_column_t *column = &self->columns [c];
        const char *text = texts ? texts [c] : column->title;
        size_t pad = column->width - lnt_utf8_width (text);
        pending += c ? 2 : 0;
        pending += column->right ? pad : 0;
        s_put (sink, text, &pending);
        pending += column->right ? 0 : pad;
    }
    s_sink_put (sink, "\n", 1);
}

/*  Sets texts [i] to cell i's text ("-" for null), each cell formatted
    once: numbers go into *arena, which the caller frees.                   */
static void
s_table_texts (lnt_out_t *self, const char **texts, char **arena)
{
    char buf [S_NUMBER_MAX];
    size_t *at = s_need (malloc ((self->ncells + 1) * sizeof (size_t)));
    size_t used = 0, max = 0;
    *arena = NULL;
    for (size_t i = 0; i < self->ncells; i++) {
        size_t len;
        const char *text = self->cells [i].shown;
        if (!text)
            text = s_cell_text_len (&self->cells [i], buf, sizeof (buf), &len);
        at [i] = SIZE_MAX;
        texts [i] = text ? text : "-";
        if (text != buf)
            continue;
        while (used + len + 1 > max)
            s_grow ((void **) arena, &max, max, 1);
        memcpy (*arena + used, buf, len + 1);
        at [i] = used;
        used += len + 1;
    }
    for (size_t i = 0; i < self->ncells; i++)
        if (at [i] != SIZE_MAX)
            texts [i] = *arena + at [i];
    free (at);
}

static void
s_print_table (lnt_out_t *self, FILE *out)
{
    char *arena;
    const char **texts = s_need (malloc ((self->ncells + 1) * sizeof (char *)));
    s_table_texts (self, texts, &arena);
    for (size_t c = 0; c < self->ncols; c++) {
        s_column_t *column = &self->columns [c];
        bool numbers = false, others = false;
        column->width = lnt_utf8_width (column->title);
        for (size_t r = 0; r < self->nrows; r++) {
            const s_cell_t *cell = &self->cells [r * self->ncols + c];
            size_t width = lnt_utf8_width (texts [r * self->ncols + c]);
            if (width > column->width)
                column->width = width;
            numbers |= cell->kind == S_INT || cell->kind == S_NUM
                       || cell->kind == S_FIXED;
            others |= cell->kind == S_STR || cell->kind == S_BOOL;
        }
        column->right = numbers && !others;
    }
    s_sink_t sink = {.out = out};
    s_table_line (self, &sink, NULL);
    for (size_t c = 0; c < self->ncols; c++) {
        if (c)
            s_sink_put (&sink, "  ", 2);
        for (size_t i = 0; i < self->columns [c].width; i++)
            s_sink_put (&sink, "-", 1);
    }
    s_sink_put (&sink, "\n", 1);
    for (size_t r = 0; r < self->nrows; r++)
        s_table_line (self, &sink, texts + r * self->ncols);
    if (self->nrows == 0)
        s_sink_text (&sink, "(none)\n");
    s_sink_flush (&sink);
    free (texts);
    free (arena);
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
    s_sink_t sink = {.out = out};
    for (size_t c = 0; c < self->ncols; c++) {
        const char *title = self->columns [c].title;
        const char *text = self->cells [c].shown;
        if (!text)
            text = s_cell_text (&self->cells [c], buf, sizeof (buf));
        size_t pending = width - lnt_utf8_width (title);
        s_put (&sink, title, &pending);
        s_put (&sink, ":", &pending);
        pending++;
        s_put (&sink, text ? text : "-", &pending);
        s_sink_put (&sink, "\n", 1);
    }
    s_sink_flush (&sink);
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

/*  ---- JSON -------------------------------------------------------------- */

/*  Writes the len bytes at text as a JSON string: the runs that need no
    escape in one piece. UTF-8 passes through; the text is expected to be
    valid, as everything lontar stores is.                                 */
static void
s_sink_json (s_sink_t *sink, const char *text, size_t len)
{
    s_sink_put (sink, "\"", 1);
    size_t run = 0; /* start of the bytes not yet written                  */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) text [i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        s_sink_put (sink, text + run, i - run);
        run = i + 1;
        char escape [7] = {'\\', (char) c};
        size_t n = 2;
        if (c == '\n')
            escape [1] = 'n';
        else if (c == '\r')
            escape [1] = 'r';
        else if (c == '\t')
            escape [1] = 't';
        else if (c < 0x20) {
            static const char hex [] = "0123456789abcdef";
            memcpy (escape + 1, "u00", 3);
            escape [4] = hex [c >> 4];
            escape [5] = hex [c & 15];
            n = 6;
        }
        s_sink_put (sink, escape, n);
    }
    s_sink_put (sink, text + run, len - run);
    s_sink_put (sink, "\"", 1);
}

void
lnt_out_json_string (FILE *out, const char *text)
{
    s_sink_t sink = {.out = out};
    if (text)
        s_sink_json (&sink, text, strlen (text));
    else
        s_sink_text (&sink, "null");
    s_sink_flush (&sink);
}

/*  What the JSON objects of a listing write around their values, the same
    for every row and so built once per print: before column c's value,
    the groups the previous name had that this one lacks closed, ", ", the
    groups this one adds opened and its key; after the last value, every
    group closed and the object too.                                       */
typedef struct {
    char *text;  /* the pieces, one after another; owned                   */
    size_t *at;  /* piece c starts at text + at [c]; at [ncols + 1] is the
                    end; owned                                             */
} s_keys_t;

static size_t
s_count_dots (const char *text, size_t len)
{
    size_t dots = 0;
    for (size_t i = 0; i < len; i++)
        dots += text [i] == '.';
    return dots;
}

static void
s_repeat (s_sink_t *sink, char c, size_t n)
{
    for (; n; n--)
        s_sink_put (sink, &c, 1);
}

/*  Builds the pieces: for each column the groups closed and opened and its
    key, then the closing of the object (lnt_out_column made sure that the
    columns of a group are adjacent).                                      */
static void
s_keys_build (const lnt_out_t *self, s_keys_t *keys)
{
    size_t size = 0;
    keys->text = NULL;
    keys->at = s_need (malloc ((self->ncols + 2) * sizeof (size_t)));
    FILE *memory = s_need (open_memstream (&keys->text, &size));
    s_sink_t sink = {.out = memory};
    const char *prev = "";
    size_t open = 0; /* bytes of prev up to its last dot: its groups       */
    for (size_t c = 0; c < self->ncols; c++) {
        keys->at [c] = sink.flushed + sink.len;
        const char *name = self->columns [c].name;
        size_t keep = s_shared_groups (prev, name);
        s_repeat (&sink, '}', s_count_dots (prev + keep, open - keep));
        if (c)
            s_sink_put (&sink, ", ", 2);
        const char *key = name + keep, *dot;
        while ((dot = strchr (key, '.'))) {
            s_sink_json (&sink, key, (size_t) (dot - key));
            s_sink_put (&sink, ": {", 3);
            key = dot + 1;
        }
        s_sink_json (&sink, key, strlen (key));
        s_sink_put (&sink, ": ", 2);
        prev = name;
        open = (size_t) (key - name);
    }
    keys->at [self->ncols] = sink.flushed + sink.len;
    s_repeat (&sink, '}', s_count_dots (prev, open));
    s_sink_put (&sink, "}", 1);
    keys->at [self->ncols + 1] = sink.flushed + sink.len;
    s_sink_flush (&sink);
    if (fclose (memory) != 0)
        s_need (NULL);
    s_need (keys->text);
}

static void
s_keys_free (s_keys_t *keys)
{
    free (keys->text);
    free (keys->at);
}

/*  Writes piece i of keys.                                                */
static void
s_keys_put (s_sink_t *sink, const s_keys_t *keys, size_t i)
{
    s_sink_put (sink, keys->text + keys->at [i], keys->at [i + 1] - keys->at [i]);
}

/*  Writes row as one object.                                              */
static void
s_print_json_object (lnt_out_t *self, s_sink_t *sink, const s_keys_t *keys,
                     size_t row)
{
    char buf [S_NUMBER_MAX];
    s_sink_put (sink, "{", 1);
    const s_cell_t *cells = &self->cells [row * self->ncols];
    for (size_t c = 0; c < self->ncols; c++) {
        s_keys_put (sink, keys, c);
        const s_cell_t *cell = &cells [c];
        if (cell->kind == S_STR)
            s_sink_json (sink, cell->v.text, strlen (cell->v.text));
        else {
            size_t len;
            const char *text = s_cell_text_len (cell, buf, sizeof (buf), &len);
            if (text)
                s_sink_put (sink, text, len);
            else
                s_sink_put (sink, "null", 4);
        }
    }
    s_keys_put (sink, keys, self->ncols);
}

/*  Writes the rows as a JSON array.                                        */
static void
s_print_json (lnt_out_t *self, FILE *out)
{
    if (self->nrows == 0) {
        fputs ("[]\n", out);
        return;
    }
    s_keys_t keys;
    s_keys_build (self, &keys);
    s_sink_t sink = {.out = out};
    s_sink_put (&sink, "[\n", 2);
    for (size_t r = 0; r < self->nrows; r++) {
        s_sink_put (&sink, "  ", 2);
        s_print_json_object (self, &sink, &keys, r);
        s_sink_text (&sink, r + 1 < self->nrows ? ",\n" : "\n");
    }
    s_sink_put (&sink, "]\n", 2);
    s_sink_flush (&sink);
    s_keys_free (&keys);
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
    else
        s_print_json (self, out);
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
    else if (self->nrows == 0)
        fputs ("null\n", out);
    else {
        s_keys_t keys;
        s_keys_build (self, &keys);
        s_sink_t sink = {.out = out};
        s_print_json_object (self, &sink, &keys, 0);
        s_sink_put (&sink, "\n", 1);
        s_sink_flush (&sink);
        s_keys_free (&keys);
    }
}

lnt_out_format_t
lnt_out_format (const lnt_out_t *self)
{
    return self->format;
}
