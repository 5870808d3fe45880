/*  lnt_out.h - listing output for people and programs: an aligned table,
    CSV (RFC 4180, UTF-8, header row) or JSON.

    A listing is a set of named columns and rows of typed cells. Build it
    with lnt_out_new, add columns, then for each row lnt_out_row and one
    lnt_out_* cell per column in order, and print it once. Column names are
    the JSON field names (DESIGN section 11); a name with a dot, such as
    "suggestions.received", becomes a nested object in JSON
    ({"suggestions": {"received": 3}}) and stays a flat column in the table
    and in CSV. Columns of one nested object must be adjacent ("lke.score",
    "lke.grade", "id", not "lke.score", "id", "lke.grade"); lnt_out_column
    asserts it. Cells are copied; the caller keeps its strings. Misuse (a
    cell too many, a row left short) is an assert; running out of memory
    while adding aborts, as these functions return nothing.                */
#ifndef LNT_OUT_H
#define LNT_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    LNT_OUT_TABLE, /* aligned columns for people, header underlined       */
    LNT_OUT_CSV,   /* RFC 4180, header row, CRLF                            */
    LNT_OUT_JSON   /* an array of objects, one per row                      */
} lnt_out_format_t;

typedef struct lnt_out_t lnt_out_t;

/*  Parses "table", "csv" or "json". 0 or LNT_EINVAL.                       */
int lnt_out_format_parse (const char *name, lnt_out_format_t *format);

/*  A new listing in format, or NULL when out of memory.                    */
lnt_out_t *lnt_out_new (lnt_out_format_t format);

/*  Frees the listing; sets *self_p to NULL; safe on NULL.                  */
void lnt_out_destroy (lnt_out_t **self_p);

/*  The format the listing was made for.                                   */
lnt_out_format_t lnt_out_format (const lnt_out_t *self);

/*  Adds a column. name is its JSON name (dots nest); title is the header
    shown in the table and CSV (NULL: use name). Numbers are right-aligned
    in the table. All columns come before the first row.                   */
void lnt_out_column (lnt_out_t *self, const char *name, const char *title);

/*  Starts a new row.                                                       */
void lnt_out_row (lnt_out_t *self);

/*  Cells of the current row, one per column in column order. A string
    cell is a JSON string; NULL is JSON null, "-" in the table and an empty
    field in CSV.                                                           */
void lnt_out_str (lnt_out_t *self, const char *text);
void lnt_out_int (lnt_out_t *self, int64_t value);
/*  An integer that the table shows as text (">365" for a count of days
    that stands for a year or more): the number in CSV and JSON, text
    right-aligned in the table as a number is. text is copied.            */
void lnt_out_int_as (lnt_out_t *self, int64_t value, const char *text);
/*  A number with the given digits after the point (0..20), printed with
    "%.*f", a JSON number too; NaN and infinity print as null.             */
void lnt_out_num (lnt_out_t *self, double value, int decimals);
/*  A fixed-point number: value / 10^decimals (0..20), printed exactly with
    that many digits after the point, as lnt_out_num would print the exact
    quotient, but without floating point: for counts of hundredths.       */
void lnt_out_fixed (lnt_out_t *self, int64_t value, int decimals);
void lnt_out_bool (lnt_out_t *self, bool value);
void lnt_out_null (lnt_out_t *self);

/*  Prints the listing to out. JSON is one array, even for one row or
    none; a table with no rows prints its header and "(none)".             */
void lnt_out_print (lnt_out_t *self, FILE *out);

/*  Prints a single object (the first row) instead of an array: for
    commands that show one record. Table format prints "title: value"
    lines, titles right-aligned so the colons line up; CSV prints the header
    and one row. With no row, JSON prints null and the table "(none)".     */
void lnt_out_print_one (lnt_out_t *self, FILE *out);

/*  Writes text as a JSON string with quotes and escapes; NULL as null.    */
void lnt_out_json_string (FILE *out, const char *text);

#endif
