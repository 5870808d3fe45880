/*  lnt_csv.h - reading and writing CSV (RFC 4180) and checking UTF-8.

    The reader takes a FILE it does not own. Records are separated by LF or
    CRLF; fields by commas; a field may be quoted with "..." and then hold
    commas, doubled quotes ("") and line breaks. Blank lines, and lines whose
    first character is '#', are skipped (the reference files use them for
    comments). Every field is bounded, and the text must be valid UTF-8 with
    no NUL byte. A leading UTF-8 byte-order mark is skipped.               */
#ifndef LNT_CSV_H
#define LNT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct lnt_csv_t lnt_csv_t;

/*  A reader over file (borrowed; must outlive the reader). max_field is the
    longest field in bytes, max_fields the most fields a record may have.
    Returns NULL when out of memory.                                        */
lnt_csv_t *lnt_csv_new (FILE *file, size_t max_field, size_t max_fields);

/*  Frees the reader and sets *self_p to NULL; safe on NULL.               */
void lnt_csv_destroy (lnt_csv_t **self_p);

/*  Reads the next record. Returns its number of fields (1 or more), 0 at
    the end of the file, LNT_EINVAL when the record is malformed (a field
    too long, too many fields, a quote left open at the end of the file, a
    character after a closing quote, invalid UTF-8, a NUL byte), LNT_EIO
    when reading fails or LNT_ENOMEM when the record buffer cannot grow.
    After LNT_EINVAL, lnt_csv_error says what and the
    next call goes on with the line after the bad record, so a caller can
    report every bad line of a file.                                        */
int lnt_csv_next (lnt_csv_t *self);

/*  Field index of the current record, NUL-terminated, or NULL when index
    is past its last field. Valid until the next lnt_csv_next.             */
const char *lnt_csv_field (const lnt_csv_t *self, size_t index);

/*  The 1-based line on which the current (or the bad) record starts.      */
size_t lnt_csv_line (const lnt_csv_t *self);

/*  What was wrong with the last bad record ("field 3 is longer than 200
    bytes"); "" when nothing was wrong. Valid until the next call.         */
const char *lnt_csv_error (const lnt_csv_t *self);

/*  Writes one field to out, quoted only when it holds a comma, a quote, CR
    or LF (quotes doubled), preceded by a comma unless first. NULL is an
    empty field. A first field that is empty or starts with '#' or a BOM is
    quoted too, or the reader would skip its record as a blank or comment
    line (or strip the BOM).                                                */
void lnt_csv_write_field (FILE *out, const char *text, bool first);

/*  Ends a record: writes CRLF, as RFC 4180 asks.                          */
void lnt_csv_end_record (FILE *out);

/*  True if the len bytes at text are well-formed UTF-8 (no overlong forms,
    no surrogates, nothing past U+10FFFF) and hold no NUL.                  */
bool lnt_utf8_valid (const char *text, size_t len);

/*  The number of code points in a valid UTF-8 string (its display width
    for the scripts staff use).                                             */
size_t lnt_utf8_width (const char *text);

#endif
