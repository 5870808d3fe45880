/*  lnt_csv.c - a streaming CSV reader and writer, and UTF-8 checks.

    The reader takes the file in chunks of 64 KiB with fread and parses
    from its own buffer: imports read files of hundreds of MB, and a call
    per byte (even getc_unlocked) costs more than the parsing. Runs of
    ordinary bytes inside a field are found with a table and copied with
    memcpy. Each record is built in one buffer that holds all its fields
    back to back, each NUL-terminated; the buffer only grows, and never
    past what the bounds allow, so a long file makes no allocation after
    its first few records. The reader reads ahead of the record it returns:
    the caller must not read the FILE itself meanwhile.

    Outside quotes, a CR must be followed by LF. A lone CR is refused as
    malformed rather than taken as a line end: nothing staff use writes
    old Mac line ends, and guessing would hide a damaged file. Inside
    quotes a CR is data like any other byte. Line numbers count LFs.      */
#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_csv.h"
#include "lnt_error.h"

//  What s_get_outside returns for a CR that no LF follows
#define S_LONE_CR (-2)

//  Bytes read from the file at a time
#define S_CHUNK 65536

struct lnt_csv_t {
    FILE *file;           //  the stream we read; borrowed
    size_t max_field;     //  longest field allowed, in bytes
    size_t max_fields;    //  most fields a record may have
    char *buf;            //  the current record's fields, each NUL-ended
    size_t buf_size;      //  bytes allocated at buf
    size_t buf_cap;       //  most bytes buf can need under the bounds
    size_t used;          //  bytes of buf holding the current record
    size_t *starts;       //  offset in buf of each field, max_fields long
    size_t count;         //  fields in the current record; 0 after an error
    size_t line;          //  line of the next byte to be read
    size_t record_line;   //  line on which the current record starts
    unsigned char *in;    //  bytes read from the file, S_CHUNK and a NUL
    size_t in_pos;        //  the next byte to parse in in
    size_t in_len;        //  bytes of in that hold data
    bool begun;           //  true once we looked for a byte-order mark
    unsigned high;        //  the current field's bytes or'ed together
    char error [80];      //  what was wrong with the last record, or ""
};

lnt_csv_t *
lnt_csv_new (FILE *file, size_t max_field, size_t max_fields)
{
    assert (file);
    assert (max_fields >= 1 && max_fields <= INT_MAX);
    lnt_csv_t *self = calloc (1, sizeof (lnt_csv_t));
    if (!self)
        return NULL;
    self->file = file;
    self->max_field = max_field;
    self->max_fields = max_fields;
    self->line = 1;
    //  Each field takes at most max_field bytes and its NUL
    self->buf_cap = max_field < SIZE_MAX / max_fields
                        ? max_fields * (max_field + 1)
                        : SIZE_MAX;
    self->buf_size = self->buf_cap < 256 ? self->buf_cap : 256;
    self->buf = malloc (self->buf_size);
    //  A few bytes per field: not worth growing
    self->starts = calloc (max_fields, sizeof (size_t));
    self->in = malloc (S_CHUNK + 1);
    if (!self->buf || !self->starts || !self->in)
        lnt_csv_destroy (&self);
    return self;
}

void
lnt_csv_destroy (lnt_csv_t **self_p)
{
    assert (self_p);
    lnt_csv_t *self = *self_p;
    if (self) {
        free (self->buf);
        free (self->starts);
        free (self->in);
        free (self);
        *self_p = NULL;
    }
}

//  Moves the bytes not yet parsed to the front of in and reads more after
//  them. Returns how many bytes wait now; 0 at the end of the file or
//  after a read error (ferror tells which).
static size_t
s_fill (lnt_csv_t *self)
{
    size_t left = self->in_len - self->in_pos;
    memmove (self->in, self->in + self->in_pos, left);
    self->in_pos = 0;
    self->in_len = left + fread (self->in + left, 1, S_CHUNK - left,
                                 self->file);
    self->in [self->in_len] = 0; //  for s_run's strcspn
    return self->in_len;
}

//  The next byte, or EOF; counts lines as LFs go by
static inline int
s_get (lnt_csv_t *self)
{
    if (self->in_pos == self->in_len && s_fill (self) == 0)
        return EOF;
    int c = self->in [self->in_pos++];
    if (c == '\n')
        self->line++;
    return c;
}

//  The next byte outside quotes, where CRLF reads as LF
static inline int
s_get_outside (lnt_csv_t *self)
{
    int c = s_get (self);
    if (c != '\r')
        return c;
    return s_get (self) == '\n' ? '\n' : S_LONE_CR;
}

//  Skips a UTF-8 byte-order mark at the start of the file
static void
s_skip_bom (lnt_csv_t *self)
{
    while (self->in_len - self->in_pos < 3) {
        size_t had = self->in_len - self->in_pos;
        if (s_fill (self) == had)
            break;
    }
    if (self->in_len - self->in_pos >= 3
        && memcmp (self->in + self->in_pos, "\xEF\xBB\xBF", 3) == 0)
        self->in_pos += 3;
}

//  Consumes the rest of the physical line, up to and including its LF
static void
s_skip_line (lnt_csv_t *self)
{
    int c;
    do
        c = s_get (self);
    while (c != '\n' && c != EOF);
}

//  Refuses the current record. c is the last byte read: unless it ended
//  the line, the rest of the line is skipped so the next call starts on
//  a fresh line. An EOF that is really a read error is reported as such.
static int
s_fail (lnt_csv_t *self, int c, const char *format, ...)
{
    self->count = 0;
    if (c == EOF && ferror (self->file)) {
        snprintf (self->error, sizeof (self->error), "cannot read the file");
        return LNT_EIO;
    }
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof (self->error), format, args);
    va_end (args);
    if (c != '\n' && c != EOF)
        s_skip_line (self);
    return LNT_EINVAL;
}

//  Makes room in buf for n more bytes, doubling it up to buf_cap. The
//  field checks keep a record within buf_cap, NULs included. Returns 0 or
//  LNT_ENOMEM; c is the last byte read, for s_fail.
static int
s_room_for (lnt_csv_t *self, size_t n, int c)
{
    if (self->buf_size - self->used >= n)
        return 0;
    size_t size = self->buf_size;
    while (size - self->used < n && size < self->buf_cap)
        size = size <= self->buf_cap / 2 ? size * 2 : self->buf_cap;
    assert (size - self->used >= n);
    char *buf = realloc (self->buf, size);
    if (!buf) {
        s_fail (self, c, "out of memory");
        return LNT_ENOMEM;
    }
    self->buf = buf;
    self->buf_size = size;
    return 0;
}

static inline int
s_room (lnt_csv_t *self, int c)
{
    return self->used < self->buf_size ? 0 : s_room_for (self, 1, c);
}

//  The bytes that end a run of plain field bytes, besides NUL: outside
//  quotes LF, CR, comma and quote; inside quotes the quote and LF (for
//  the line count). in always holds a NUL after its data, so strcspn
//  (which looks at many bytes at a time) stops at the end of the data.
static const char *s_stops [2] = {"\n\r,\"", "\"\n"};

//  The n bytes at from (n >= 1) or'ed together, 8 at a time: bit 7 says
//  whether any is not ASCII. A tail under 8 bytes is the last 8 of the run
//  (bytes before it were or'ed already, which changes nothing).
static inline unsigned
s_or (const char *from, size_t n)
{
    if (n < 8) {
        unsigned acc = 0;
        for (size_t i = 0; i < n; i++)
            acc |= (unsigned char) from [i];
        return acc;
    }
    uint64_t acc = 0, word;
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        memcpy (&word, from + i, 8);
        acc |= word;
    }
    if (i < n) {
        memcpy (&word, from + n - 8, 8);
        acc |= word;
    }
    return (acc & 0x8080808080808080ULL) ? 0x80 : 0;
}

//  Copies the run of plain bytes that follows in the input to the field
//  that starts at offset start, up to the field's bound; the byte that
//  stops the run is left for s_get. quoted says which bytes stop it.
//  Returns 0 or LNT_ENOMEM.
static int
s_run (lnt_csv_t *self, size_t start, bool quoted)
{
    while (true) {
        if (self->in_pos == self->in_len && s_fill (self) == 0)
            return 0;
        const char *from = (const char *) self->in + self->in_pos;
        size_t n = strcspn (from, s_stops [quoted]);
        size_t room = self->max_field - (self->used - start);
        bool bound = n > room;
        if (bound)
            n = room;
        if (n) {
            int rc = self->buf_size - self->used >= n
                         ? 0
                         : s_room_for (self, n, (unsigned char) *from);
            if (rc)
                return rc;
            self->high |= s_or (from, n);
            memcpy (self->buf + self->used, from, n);
            self->used += n;
            self->in_pos += n;
        }
        //  Stopped by a byte the caller handles, or by the field's bound
        //  (the next s_put refuses the field), or at the end of the input
        //  read so far (read more and go on). A NUL in the data stops
        //  strcspn too, and s_put refuses it.
        if (bound || self->in_pos < self->in_len)
            return 0;
    }
}

//  Appends byte c to the field that starts at offset start in buf.
//  Returns 0, or the code of s_fail (the record is then refused).
static inline int
s_put (lnt_csv_t *self, int c, size_t start)
{
    if (c == '\0')
        return s_fail (self, c, "field %zu holds a NUL byte", self->count + 1);
    if (self->used - start == self->max_field)
        return s_fail (self, c, "field %zu is longer than %zu bytes",
                       self->count + 1, self->max_field);
    int rc = s_room (self, c);
    if (rc == 0)
        self->buf [self->used++] = (char) c;
    self->high |= (unsigned) c;
    return rc;
}

//  Ends the field that starts at offset start; c is the byte after it
static int
s_end_field (lnt_csv_t *self, int c, size_t start)
{
    int rc = s_room (self, c);
    if (rc)
        return rc;
    self->buf [self->used++] = '\0';
    //  Bytes 01-7F are UTF-8 as they are (s_put refuses a NUL, and a NUL
    //  ends a run): only a field with a byte past 7F needs the check.
    if ((self->high & 0x80)
        && !lnt_utf8_valid (self->buf + start, self->used - 1 - start))
        return s_fail (self, c, "field %zu is not valid UTF-8",
                       self->count + 1);
    self->count++;
    return 0;
}

int
lnt_csv_next (lnt_csv_t *self)
{
    assert (self);
    self->count = 0;
    self->used = 0;
    self->error [0] = '\0';
    if (!self->begun) {
        s_skip_bom (self);
        self->begun = true;
    }
    //  Blank lines and lines starting with '#' hold no record
    int c = s_get_outside (self);
    while (c == '\n' || c == '#') {
        if (c == '#')
            s_skip_line (self);
        c = s_get_outside (self);
    }
    if (c == EOF)
        return ferror (self->file) ? s_fail (self, c, "cannot read the file") : 0;
    self->record_line = self->line;

    //  Here c is always the first byte of a field
    int rc;
    while (true) {
        if (self->count == self->max_fields)
            return s_fail (self, c, "more than %zu fields", self->max_fields);
        size_t start = self->starts [self->count] = self->used;
        self->high = 0;
        if (c == '"') {
            while (true) {
                c = s_get (self);
                if (c == '"') {
                    //  A doubled quote is a quote; else the field ends
                    c = s_get_outside (self);
                    if (c != '"')
                        break;
                }
                else if (c == EOF)
                    return s_fail (self, c, "quote left open at end of file");
                if ((rc = s_put (self, c, start))
                    || (rc = s_run (self, start, true)))
                    return rc;
            }
            if (c != ',' && c != '\n' && c != EOF)
                return s_fail (self, c, "field %zu goes on after its "
                               "closing quote", self->count + 1);
        }
        else {
            while (c != ',' && c != '\n' && c != EOF) {
                if (c == '"')
                    return s_fail (self, c, "field %zu has a quote but does "
                                   "not start with one", self->count + 1);
                if (c == S_LONE_CR)
                    return s_fail (self, c, "field %zu holds a CR without LF",
                                   self->count + 1);
                if ((rc = s_put (self, c, start))
                    || (rc = s_run (self, start, false)))
                    return rc;
                c = s_get_outside (self);
            }
        }
        if ((rc = s_end_field (self, c, start)))
            return rc;
        if (c != ',')
            break;
        c = s_get_outside (self);
    }
    //  A record cut short by a read error is not a record
    if (c == EOF && ferror (self->file))
        return s_fail (self, c, "cannot read the file");
    return (int) self->count;
}

const char *
lnt_csv_field (const lnt_csv_t *self, size_t index)
{
    assert (self);
    return index < self->count ? self->buf + self->starts [index] : NULL;
}

size_t
lnt_csv_line (const lnt_csv_t *self)
{
    assert (self);
    return self->record_line;
}

const char *
lnt_csv_error (const lnt_csv_t *self)
{
    assert (self);
    return self->error;
}

void
lnt_csv_write_field (FILE *out, const char *text, bool first)
{
    assert (out);
    if (!text)
        text = "";
    if (!first)
        putc (',', out);
    //  A first field that is empty or starts with '#' or a byte-order mark
    //  is quoted too: bare, the reader would take it for a blank line, a
    //  comment or the file's BOM, and the record would not come back.
    bool quote = strpbrk (text, ",\"\r\n") != NULL
                 || (first && (text [0] == '\0' || text [0] == '#'
                               || strncmp (text, "\xEF\xBB\xBF", 3) == 0));
    if (!quote) {
        fputs (text, out);
        return;
    }
    putc ('"', out);
    for (const char *scan = text; *scan; scan++) {
        if (*scan == '"')
            putc ('"', out);
        putc (*scan, out);
    }
    putc ('"', out);
}

void
lnt_csv_end_record (FILE *out)
{
    assert (out);
    fputs ("\r\n", out);
}

bool
lnt_utf8_valid (const char *text, size_t len)
{
    assert (text || len == 0);
    const unsigned char *bytes = (const unsigned char *) text;
    size_t index = 0;
    while (index < len) {
        /* Most text is ASCII: take 16, then 8 bytes at a time while none
           has the high bit set and none is NUL (the NUL test may flag a
           byte that is not NUL only where a high bit is set, and then
           the bytes go one by one anyway).                               */
        while (len - index >= 16) {
            uint64_t a, b;
            memcpy (&a, bytes + index, 8);
            memcpy (&b, bytes + index + 8, 8);
            uint64_t nul = ((a - 0x0101010101010101ULL) & ~a)
                           | ((b - 0x0101010101010101ULL) & ~b);
            if ((a | b | nul) & 0x8080808080808080ULL)
                break;
            index += 16;
        }
        while (len - index >= 8) {
            uint64_t word;
            memcpy (&word, bytes + index, 8);
            uint64_t nul = (word - 0x0101010101010101ULL) & ~word
                           & 0x8080808080808080ULL;
            if ((word & 0x8080808080808080ULL) || nul)
                break;
            index += 8;
        }
        //  Fewer than 8 bytes left: the last 8 of the text hold them all
        //  (and bytes before them, valid already). Fields and texts end
        //  this way far more often than they hold a non-ASCII byte.
        if (index < len && len >= 8 && len - index < 8) {
            uint64_t word;
            memcpy (&word, bytes + len - 8, 8);
            uint64_t nul = (word - 0x0101010101010101ULL) & ~word
                           & 0x8080808080808080ULL;
            if (!((word & 0x8080808080808080ULL) || nul))
                break;
        }
        //  Bytes 1-7F one at a time (a short field, or what comes before
        //  the next non-ASCII byte), in one loop: a NUL or a high bit ends it
        while (index < len && (unsigned char) (bytes [index] - 1) < 0x7F)
            index++;
        if (index >= len)
            break;
        unsigned char lead = bytes [index];
        if (lead == 0)
            return false;
        //  Leads below C2 are continuation bytes or overlong (C0, C1); past
        //  F4 they go beyond U+10FFFF. The bounds on the second byte rule
        //  out the other overlong forms (E0, F0), the surrogates (ED) and
        //  the rest of what lies past U+10FFFF (F4).
        size_t more = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
        unsigned low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
        unsigned high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
        if (lead < 0xC2 || lead > 0xF4 || len - index <= more
            || bytes [index + 1] < low || bytes [index + 1] > high)
            return false;
        for (size_t next = 2; next <= more; next++)
            if ((bytes [index + next] & 0xC0) != 0x80)
                return false;
        index += more + 1;
    }
    return true;
}

size_t
lnt_utf8_width (const char *text)
{
    assert (text);
    size_t width = 0;
    for (const unsigned char *scan = (const unsigned char *) text; *scan; scan++)
        if ((*scan & 0xC0) != 0x80)
            width++;
    return width;
}
