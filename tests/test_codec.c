/*  test_codec.c - unit test for proto/lnt_codec: round trips of every body,
    of records (no section, one, two, tombstones) and of changes, with
    re-encoding giving the same bytes; then malformed input, which every
    decoder must refuse with LNT_EINVAL and a reason and never crash on:
    empty input, every truncation of valid encodings, trailing bytes, each
    field with each wrong msgpack type, every integer one past its range,
    every string one byte past its bound or holding a NUL, too short
    arrays, maps instead of arrays; and longer arrays, which a newer peer
    may send, still decode.

    The malformed frames are written by a tiny msgpack writer here (tests
    do not include msgpack.h), driven by one table of fields per message.
    With LNT_CODEC_SEEDS=DIR set, the valid encodings are also written to
    DIR as a seed corpus for tests/fuzz_codec.

    Usage: test_codec [data-folder] (the folder is not used).             */
#include "lnt_buf.h"
#include "lnt_codec.h"
#include "lnt_error.h"
#include "lnt_record.h"
#include "lnt_test.h"
#include "lnt_time.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Instants on the wire are 2000-01-01 .. 2100-01-01 in ms (0: none)
#define MS_MIN INT64_C (946684800000)
#define MS_MAX INT64_C (4102444800000)
#define BIG INT64_C (1000000000000000) //  the largest target/realisation
#define DAY_MAX 2932896                //  9999-12-31 as a day number

//  ---- a minimal msgpack writer --------------------------------------------

static void
w_byte (lnt_buf_t *b, unsigned c)
{
    unsigned char x = (unsigned char) c;
    if (lnt_buf_append (b, &x, 1)) {
        fprintf (stderr, "out of memory\n");
        exit (1);
    }
}

static void
w_be (lnt_buf_t *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--)
        w_byte (b, (unsigned) (v >> (8 * i)) & 0xff);
}

static void
w_head (lnt_buf_t *b, unsigned fix, unsigned b16, uint32_t n)
{
    if (n < 16)
        w_byte (b, fix | n);
    else if (n < 65536) {
        w_byte (b, b16);
        w_be (b, n, 2);
    }
    else {
        w_byte (b, b16 + 1);
        w_be (b, n, 4);
    }
}

static void w_array (lnt_buf_t *b, uint32_t n) { w_head (b, 0x90, 0xdc, n); }
static void w_map (lnt_buf_t *b, uint32_t n) { w_head (b, 0x80, 0xde, n); }
static void w_nil (lnt_buf_t *b) { w_byte (b, 0xc0); }
static void w_bool (lnt_buf_t *b, bool v) { w_byte (b, v ? 0xc3 : 0xc2); }

static void
w_uint (lnt_buf_t *b, uint64_t u)
{
    if (u < 128)
        w_byte (b, (unsigned) u);
    else if (u <= 0xff) {
        w_byte (b, 0xcc);
        w_be (b, u, 1);
    }
    else if (u <= 0xffff) {
        w_byte (b, 0xcd);
        w_be (b, u, 2);
    }
    else if (u <= 0xffffffffu) {
        w_byte (b, 0xce);
        w_be (b, u, 4);
    }
    else {
        w_byte (b, 0xcf);
        w_be (b, u, 8);
    }
}

static void
w_int (lnt_buf_t *b, int64_t i)
{
    if (i >= 0)
        w_uint (b, (uint64_t) i);
    else if (i >= -32)
        w_byte (b, (unsigned) (i & 0xff));
    else {
        w_byte (b, 0xd3);
        w_be (b, (uint64_t) i, 8);
    }
}

static void
w_raw (lnt_buf_t *b, const void *p, size_t len)
{
    if (len && lnt_buf_append (b, p, len)) {
        fprintf (stderr, "out of memory\n");
        exit (1);
    }
}

static void
w_str (lnt_buf_t *b, const char *s, size_t len)
{
    if (len < 32)
        w_byte (b, 0xa0 | (unsigned) len);
    else if (len < 256) {
        w_byte (b, 0xd9);
        w_be (b, len, 1);
    }
    else if (len < 65536) {
        w_byte (b, 0xda);
        w_be (b, len, 2);
    }
    else {
        w_byte (b, 0xdb);
        w_be (b, len, 4);
    }
    w_raw (b, s, len);
}

static void w_cstr (lnt_buf_t *b, const char *s) { w_str (b, s, strlen (s)); }

//  A string of len copies of c
static void
w_fill (lnt_buf_t *b, char c, size_t len)
{
    char *s = malloc (len + 1);
    if (!s)
        exit (1);
    memset (s, c, len);
    w_str (b, s, len);
    free (s);
}

static void
w_bin (lnt_buf_t *b, const void *p, size_t len)
{
    if (len < 256) {
        w_byte (b, 0xc4);
        w_be (b, len, 1);
    }
    else if (len < 65536) {
        w_byte (b, 0xc5);
        w_be (b, len, 2);
    }
    else {
        w_byte (b, 0xc6);
        w_be (b, len, 4);
    }
    w_raw (b, p, len);
}

//  A bin of len zero bytes
static void
w_bin_len (lnt_buf_t *b, size_t len)
{
    void *p = calloc (1, len + 1);
    if (!p)
        exit (1);
    w_bin (b, p, len);
    free (p);
}

//  The msgpack types, to write one of each where another is expected
enum {
    M_NIL, M_BOOL, M_UINT, M_NEG, M_FLOAT, M_STR, M_BIN, M_ARRAY, M_MAP,
    M_EXT, M_COUNT
};
static const char *s_mtype_names[] = {"nil", "bool", "uint", "negative int",
                                      "float", "str", "bin", "array", "map",
                                      "ext"};

static void
w_of_type (lnt_buf_t *b, int mtype)
{
    switch (mtype) {
        case M_NIL: w_nil (b); break;
        case M_BOOL: w_bool (b, true); break;
        case M_UINT: w_uint (b, 1); break;
        case M_NEG: w_int (b, -1); break;
        case M_FLOAT: w_byte (b, 0xcb); w_be (b, UINT64_C (0x3ff0000000000000), 8); break;
        case M_STR: w_cstr (b, "1"); break;
        case M_BIN: w_bin (b, "1", 1); break;
        case M_ARRAY: w_array (b, 0); break;
        case M_MAP: w_map (b, 0); break;
        default: w_byte (b, 0xd4); w_byte (b, 1); w_byte (b, 0); break; //  fixext 1
    }
}

//  ---- messages as tables of fields ---------------------------------------

typedef enum {
    T_INT,     //  an integer in [lo, hi]
    T_UINT,    //  any non-negative integer
    T_BOOL,    //  true or false
    T_STR,     //  UTF-8 of at most max bytes, no NUL
    T_BIN,     //  a section body
    T_HISTORY, //  the steps of a suggestion
    T_DUE,     //  nil or a day number
    T_SECTION  //  nil or [version, node, deleted, body]
} s_type_t;

typedef struct {
    const char *name; //  as the codec names it in messages
    s_type_t type;    //  what it holds
    int64_t lo, hi;   //  T_INT, T_DUE: the accepted range
    int64_t def;      //  T_INT, T_UINT, T_BOOL, T_DUE: a valid value
    size_t max;       //  T_STR: the longest accepted
    const char *str;  //  T_STR: a valid value
    bool required;    //  T_STR: "" refused
} s_field_t;

typedef struct {
    const char *name;          //  for failure output
    const s_field_t *fields;   //  in wire order
    int count;                 //  how many
    int (*decode) (const void *data, size_t len, lnt_why_t *why);
} s_msg_t;

static int64_t s_received; //  a valid received time

//  One change to the valid message: field, what to write instead, a value
typedef enum {
    O_INT,     //  the integer v
    O_TYPE,    //  a value of msgpack type v
    O_STR,     //  a string of v bytes 's'
    O_NUL,     //  a string with a NUL inside
    O_BIN,     //  a bin of v bytes
    O_STEPS,   //  history: v valid steps
    O_STEP,    //  history: one odd step, variant v
    O_SECTION, //  section: variant v
    O_BOOL     //  the boolean v
} s_over_kind_t;

typedef struct {
    int field;          //  which field
    s_over_kind_t kind; //  what to write
    int64_t v;          //  with what
} s_over_t;

static void
w_step (lnt_buf_t *b, int i)
{
    w_array (b, 3);
    w_uint (b, (uint64_t) (i % LNT_ST_COUNT));
    w_int (b, s_received + i * 60000);
    w_cstr (b, "catatan");
}

//  Odd steps: 0 a string, 1 two fields, 2 status 8, 3 at 0, 4 note of 501
//  bytes, 5 a note with NUL, 6 four fields (accepted), 7 note of 500
//  bytes (accepted), 8 status as string
static void
w_odd_step (lnt_buf_t *b, int variant)
{
    w_array (b, 2);
    w_step (b, 0);
    switch (variant) {
        case 0: w_cstr (b, "received"); return;
        case 1: w_array (b, 2); w_uint (b, 1); w_int (b, s_received); return;
        case 6: w_array (b, 4); break;
        default: w_array (b, 3); break;
    }
    if (variant == 8)
        w_cstr (b, "1");
    else
        w_uint (b, variant == 2 ? LNT_ST_COUNT : 1);
    w_int (b, variant == 3 ? 0 : s_received);
    if (variant == 4 || variant == 7)
        w_fill (b, 'n', variant == 4 ? LNT_NOTE_MAX + 1 : LNT_NOTE_MAX);
    else if (variant == 5)
        w_str (b, "a\0b", 3);
    else
        w_cstr (b, "ok");
    if (variant == 6)
        w_cstr (b, "a field from the future");
}

//  Sections: 0 three fields, 1 five (accepted), 2 version -1, 3 node a
//  string, 4 deleted 1, 5 body a string, 6 tombstone with a body, 7 live
//  without body, 8 tombstone (accepted), 9 body of 65536 (accepted), 10
//  body of 65537, 11 version 2^64-1 (accepted), 12 body nil, 13 version
//  a float
static void
w_section (lnt_buf_t *b, int variant)
{
    w_array (b, variant == 0 ? 3 : variant == 1 ? 5 : 4);
    if (variant == 2)
        w_int (b, -1);
    else if (variant == 13)
        w_of_type (b, M_FLOAT);
    else
        w_uint (b, variant == 11 ? UINT64_MAX : UINT64_C (0x0001900000000007));
    if (variant == 3)
        w_cstr (b, "node");
    else
        w_uint (b, 42);
    bool tomb = variant == 6 || variant == 8;
    if (variant == 4)
        w_uint (b, 1);
    else
        w_bool (b, tomb);
    if (variant == 0)
        return; //  version, node, deleted: no body
    if (variant == 5)
        w_cstr (b, "body");
    else if (variant == 7 || variant == 8)
        w_bin (b, "", 0);
    else if (variant == 9 || variant == 10)
        w_bin_len (b, variant == 9 ? LNT_BODY_MAX : LNT_BODY_MAX + 1);
    else if (variant == 12)
        w_nil (b);
    else
        w_bin (b, "\x91\x01", 2);
    if (variant == 1)
        w_cstr (b, "a field from the future");
}

static void
w_default (lnt_buf_t *b, const s_field_t *f)
{
    switch (f->type) {
        case T_INT: case T_DUE: w_int (b, f->def); break;
        case T_UINT: w_uint (b, (uint64_t) f->def); break;
        case T_BOOL: w_bool (b, f->def != 0); break;
        case T_STR: w_cstr (b, f->str); break;
        case T_BIN: w_bin (b, "\x91\x01", 2); break;
        case T_HISTORY: w_array (b, 1); w_step (b, 0); break;
        case T_SECTION: w_section (b, 99); break;
    }
}

//  Writes msg as an array of `fields` fields (more than msg->count adds
//  fields from the future), applying the overrides
static void
s_build (lnt_buf_t *b, const s_msg_t *msg, int fields, const s_over_t *ov,
         int nov)
{
    lnt_buf_reset (b);
    w_array (b, (uint32_t) fields);
    for (int i = 0; i < fields; i++) {
        if (i >= msg->count) {
            w_cstr (b, "a field from the future");
            continue;
        }
        const s_over_t *o = NULL;
        for (int k = 0; k < nov; k++)
            if (ov[k].field == i)
                o = &ov[k];
        if (!o) {
            w_default (b, &msg->fields[i]);
            continue;
        }
        switch (o->kind) {
            case O_INT: w_int (b, o->v); break;
            case O_TYPE: w_of_type (b, (int) o->v); break;
            case O_STR: w_fill (b, 's', (size_t) o->v); break;
            case O_NUL: w_str (b, "ab\0cd", 5); break;
            case O_BIN: w_bin_len (b, (size_t) o->v); break;
            case O_STEPS:
                w_array (b, (uint32_t) o->v);
                for (int s = 0; s < o->v; s++)
                    w_step (b, s);
                break;
            case O_STEP: w_odd_step (b, (int) o->v); break;
            case O_SECTION: w_section (b, (int) o->v); break;
            case O_BOOL: w_bool (b, o->v != 0); break;
        }
    }
}

//  The default message, with one override (or none when field < 0)
static void
s_build1 (lnt_buf_t *b, const s_msg_t *msg, int field, s_over_kind_t kind,
          int64_t v)
{
    s_over_t o = {field, kind, v};
    s_build (b, msg, msg->count, &o, field < 0 ? 0 : 1);
}

//  ---- decoders with a common signature ------------------------------------

static lnt_suggestion_t s_sugg_out;
static lnt_private_t s_priv_out;
static lnt_rb_item_t s_rb_out;
static lnt_lke_answer_t s_lke_out;
static lnt_lke_verdict_t s_verdict_out;
static lnt_record_t s_record_out;
static lnt_change_t s_change_out;

static int
s_dec_suggestion (const void *d, size_t n, lnt_why_t *why)
{
    return lnt_codec_suggestion_decode (d, n, &s_sugg_out, why);
}
static int
s_dec_private (const void *d, size_t n, lnt_why_t *why)
{
    return lnt_codec_private_decode (d, n, &s_priv_out, why);
}
static int
s_dec_rb (const void *d, size_t n, lnt_why_t *why)
{
    return lnt_codec_rb_item_decode (d, n, &s_rb_out, why);
}
static int
s_dec_lke (const void *d, size_t n, lnt_why_t *why)
{
    return lnt_codec_lke_answer_decode (d, n, &s_lke_out, why);
}
static int
s_dec_verdict (const void *d, size_t n, lnt_why_t *why)
{
    return lnt_codec_lke_verdict_decode (d, n, &s_verdict_out, why);
}
static int
s_dec_record (const void *d, size_t n, lnt_why_t *why)
{
    return lnt_codec_record_decode (d, n, &s_record_out, why);
}
static int
s_dec_change (const void *d, size_t n, lnt_why_t *why)
{
    return lnt_codec_change_decode (d, n, &s_change_out, why);
}

//  ---- the tables ----------------------------------------------------------

#define INT(n, l, h, d) {n, T_INT, l, h, d, 0, NULL, false}
#define STR(n, m, s, r) {n, T_STR, 0, 0, 0, m, s, r}

static const s_field_t s_suggestion_fields[] = {
    INT ("received", MS_MIN, MS_MAX, INT64_C (1772416800000)),
    INT ("channel", 0, LNT_CH_COUNT - 1, 1),
    INT ("class", 0, LNT_CL_COUNT - 1, 1),
    {"field_check", T_BOOL, 0, 0, 1, 0, NULL, false},
    INT ("privacy", 0, LNT_PR_COUNT - 1, 0),
    STR ("category", LNT_CATEGORY_MAX, "fasilitas", false),
    STR ("subject", LNT_SUBJECT_MAX, "Ruang tunggu", false),
    STR ("text", LNT_TEXT_MAX, "Kursi tambahan.", false),
    INT ("status", 0, LNT_ST_COUNT - 1, 0),
    {"history", T_HISTORY, 0, 0, 0, 0, NULL, false},
    STR ("response", LNT_TEXT_MAX, "", false),
    INT ("responded", 0, MS_MAX, 0),
};
static const s_field_t s_private_fields[] = {
    STR ("reporter_name", LNT_NAME_MAX, "Siti", false),
    STR ("reporter_contact", LNT_NAME_MAX, "0812", false),
    STR ("text", LNT_TEXT_MAX, "", false),
};
static const s_field_t s_rb_fields[] = {
    INT ("year", 0, 9999, 2026),
    INT ("area", 0, 99, 5),
    STR ("programme", LNT_SHORT_MAX, "Penataan SDM", false),
    STR ("activity", LNT_SHORT_MAX, "Analisis jabatan", false),
    STR ("sub_activity", LNT_SHORT_MAX, "", false),
    STR ("indicator", LNT_SHORT_MAX, "Dokumen ditetapkan", false),
    INT ("target", 0, BIG, 1000),
    STR ("unit", LNT_UNIT_MAX, "dokumen", false),
    INT ("realisation", 0, BIG, 0),
    INT ("status", 0, LNT_RB_COUNT - 1, 0),
    {"due", T_DUE, 0, DAY_MAX, 20726, 0, NULL, false},
    STR ("person", LNT_NAME_MAX, "Budi", false),
    STR ("evidence", LNT_EVIDENCE_MAX, "", false),
    INT ("updated", 0, MS_MAX, 0),
};
static const s_field_t s_lke_fields[] = {
    INT ("year", 0, 9999, 2026),
    STR ("instrument", LNT_INSTRUMENT_MAX, "permenpanrb-26-2020-pemenuhan", false),
    STR ("item", LNT_ITEM_MAX, "A1.3", false),
    STR ("answer", LNT_ANSWER_MAX, "B", false),
    STR ("justification", LNT_TEXT_MAX, "", false),
    STR ("evidence", LNT_EVIDENCE_MAX, "", false),
    INT ("answered", 0, MS_MAX, 0),
};
static const s_field_t s_verdict_fields[] = {
    STR ("answer", LNT_ANSWER_MAX, "A", false),
    STR ("note", LNT_NOTE_MAX, "", false),
    INT ("verified", 0, MS_MAX, 0),
};
static const s_field_t s_record_fields[] = {
    INT ("kind", LNT_KIND_SUGGESTION, LNT_KIND_REF, LNT_KIND_SUGGESTION),
    STR ("id", LNT_ID_MAX, "3503-2026-000001", true),
    STR ("office", LNT_OFFICE_MAX, "3503", false),
    {"section", T_SECTION, 0, 0, 0, 0, NULL, false},
    {"section", T_SECTION, 0, 0, 0, 0, NULL, false},
};
static const s_field_t s_change_fields[] = {
    INT ("kind", LNT_KIND_SUGGESTION, LNT_KIND_REF, LNT_KIND_RB_ITEM),
    STR ("id", LNT_ID_MAX, "3503-RB-2026-0001", true),
    STR ("office", LNT_OFFICE_MAX, "3503", false),
    INT ("section", 0, 1, 0),
    {"version", T_UINT, 0, 0, INT64_C (0x0001900000000007), 0, NULL, false},
    {"node", T_UINT, 0, 0, 42, 0, NULL, false},
    {"deleted", T_BOOL, 0, 0, 0, 0, NULL, false},
    {"body", T_BIN, 0, 0, 0, 0, NULL, false},
};

#define MSG(name, f, dec) {name, f, (int) (sizeof f / sizeof f[0]), dec}
static const s_msg_t s_msgs[] = {
    MSG ("suggestion", s_suggestion_fields, s_dec_suggestion),
    MSG ("private", s_private_fields, s_dec_private),
    MSG ("rb item", s_rb_fields, s_dec_rb),
    MSG ("LKE answer", s_lke_fields, s_dec_lke),
    MSG ("verdict", s_verdict_fields, s_dec_verdict),
    MSG ("record", s_record_fields, s_dec_record),
    MSG ("change", s_change_fields, s_dec_change),
};
#define S_MSG_SUGGESTION (&s_msgs[0])
#define S_MSG_RB (&s_msgs[2])
#define S_MSG_RECORD (&s_msgs[5])
#define S_MSG_CHANGE (&s_msgs[6])

//  ---- checking a decoder's answer -----------------------------------------

static const char *s_context = ""; //  what is being tried, for output

static bool
s_takes (const s_msg_t *msg, const lnt_buf_t *b)
{
    lnt_why_t why = {""};
    int rc = msg->decode (b->data, b->len, &why);
    if (rc)
        fprintf (stderr, "  %s %s: refused: %s\n", msg->name, s_context,
                 why.text);
    return rc == 0;
}

//  Refused with LNT_EINVAL, a reason, and word in the reason
static bool
s_refuses (const s_msg_t *msg, const lnt_buf_t *b, const char *word)
{
    lnt_why_t why = {""};
    int rc = msg->decode (b->data, b->len, &why);
    if (rc == LNT_EINVAL && why.text[0] && (!word || strstr (why.text, word)))
        return true;
    fprintf (stderr, "  %s %s: rc %d \"%s\", expected a refusal naming %s\n",
             msg->name, s_context, rc, why.text, word ? word : "anything");
    return false;
}

//  Every proper prefix of data refused (each in a buffer of exactly its
//  size, so ASan sees any read past it); data plus a byte refused too.
//  Returns how many answers were wrong.
static int
s_cut (int (*decode) (const void *, size_t, lnt_why_t *), const void *data,
       size_t len)
{
    int wrong = 0;
    for (size_t n = 0; n < len; n++) {
        void *copy = malloc (n ? n : 1);
        if (!copy)
            exit (1);
        memcpy (copy, data, n);
        lnt_why_t why = {""};
        int rc = decode (copy, n, &why);
        if (rc != LNT_EINVAL || !why.text[0]) {
            wrong++;
            fprintf (stderr, "  truncated to %zu of %zu bytes: rc %d\n", n,
                     len, rc);
        }
        free (copy);
    }
    lnt_why_t why = {""};
    if (decode (NULL, 0, &why) != LNT_EINVAL || !strstr (why.text, "empty"))
        wrong++;
    unsigned char *more = malloc (len + 1);
    if (!more)
        exit (1);
    memcpy (more, data, len);
    static const unsigned char tails[] = {0xc0, 0x00, 0xff, 0x91};
    for (size_t t = 0; t < sizeof tails; t++) {
        more[len] = tails[t];
        why.text[0] = 0;
        if (decode (more, len + 1, &why) != LNT_EINVAL
            || !strstr (why.text, "stray")) {
            wrong++;
            fprintf (stderr, "  a trailing 0x%02x: \"%s\"\n", tails[t],
                     why.text);
        }
    }
    free (more);
    return wrong;
}

//  ---- the seed corpus -----------------------------------------------------

static void
s_seed (const char *name, const lnt_buf_t *b)
{
    static int n;
    const char *dir = getenv ("LNT_CODEC_SEEDS");
    if (!dir || !*dir)
        return;
    char path[1024];
    snprintf (path, sizeof path, "%s/%s-%03d", dir, name, n++);
    FILE *f = fopen (path, "wb");
    if (f) {
        fwrite (b->data, 1, b->len, f);
        fclose (f);
    }
}

//  ---- the table-driven malformed cases ------------------------------------

//  Types a field accepts
static bool
s_accepts_type (s_type_t t, int mtype)
{
    switch (t) {
        case T_INT: return mtype == M_UINT || mtype == M_NEG;
        case T_UINT: return mtype == M_UINT;
        case T_BOOL: return mtype == M_BOOL;
        case T_STR: return mtype == M_STR;
        case T_BIN: return mtype == M_BIN;
        case T_HISTORY: return mtype == M_ARRAY;
        case T_DUE: return mtype == M_NIL || mtype == M_UINT || mtype == M_NEG;
        case T_SECTION: return mtype == M_NIL;
    }
    return false;
}

static void
s_test_table (const s_msg_t *msg)
{
    lnt_buf_t b = {0};
    char ctx[160], named[64];
    s_context = "as built";
    s_build1 (&b, msg, -1, O_INT, 0);
    CHECK (s_takes (msg, &b));
    s_seed ("table", &b);
    CHECK_INT (s_cut (msg->decode, b.data, b.len), 0);

    //  Forward compatible: one and three more fields
    s_context = "with more fields";
    s_build (&b, msg, msg->count + 1, NULL, 0);
    CHECK (s_takes (msg, &b));
    s_build (&b, msg, msg->count + 3, NULL, 0);
    CHECK (s_takes (msg, &b));
    //  One field short; no fields; not an array
    s_context = "one field short";
    s_build (&b, msg, msg->count - 1, NULL, 0);
    CHECK (s_refuses (msg, &b, "fields"));
    s_build (&b, msg, 0, NULL, 0);
    CHECK (s_refuses (msg, &b, "fields"));
    s_context = "as a map";
    lnt_buf_reset (&b);
    w_map (&b, (uint32_t) msg->count);
    for (int i = 0; i < msg->count; i++) {
        w_uint (&b, (uint64_t) i);
        w_default (&b, &msg->fields[i]);
    }
    CHECK (s_refuses (msg, &b, "not an array"));
    for (int t = 0; t < M_COUNT; t++) {
        if (t == M_ARRAY)
            continue;
        lnt_buf_reset (&b);
        w_of_type (&b, t);
        s_context = s_mtype_names[t];
        CHECK (s_refuses (msg, &b, "not an array"));
    }

    for (int i = 0; i < msg->count; i++) {
        const s_field_t *f = &msg->fields[i];
        snprintf (named, sizeof named, "(%s)", f->name);
        //  Every msgpack type the field does not take
        for (int t = 0; t < M_COUNT; t++) {
            if (s_accepts_type (f->type, t))
                continue;
            if (f->type == T_SECTION && t == M_ARRAY)
                continue; //  sections have their own cases
            snprintf (ctx, sizeof ctx, "field %s as %s", f->name,
                      s_mtype_names[t]);
            s_context = ctx;
            s_build1 (&b, msg, i, O_TYPE, t);
            CHECK (s_refuses (msg, &b, named));
        }
        if (f->type == T_INT || f->type == T_DUE) {
            snprintf (ctx, sizeof ctx, "field %s at its bounds", f->name);
            s_context = ctx;
            s_build1 (&b, msg, i, O_INT, f->lo);
            CHECK (s_takes (msg, &b));
            s_build1 (&b, msg, i, O_INT, f->hi);
            CHECK (s_takes (msg, &b));
            snprintf (ctx, sizeof ctx, "field %s past its bounds", f->name);
            s_build1 (&b, msg, i, O_INT, f->lo - 1);
            CHECK (s_refuses (msg, &b, named));
            s_build1 (&b, msg, i, O_INT, f->hi + 1);
            CHECK (s_refuses (msg, &b, named));
            s_build1 (&b, msg, i, O_INT, INT64_MIN);
            CHECK (s_refuses (msg, &b, named));
        }
        if (f->type == T_STR) {
            snprintf (ctx, sizeof ctx, "field %s at its bound", f->name);
            s_context = ctx;
            s_build1 (&b, msg, i, O_STR, (int64_t) f->max);
            CHECK (s_takes (msg, &b));
            snprintf (ctx, sizeof ctx, "field %s one byte over", f->name);
            s_build1 (&b, msg, i, O_STR, (int64_t) f->max + 1);
            CHECK (s_refuses (msg, &b, "too long"));
            CHECK (s_refuses (msg, &b, named));
            snprintf (ctx, sizeof ctx, "field %s with a NUL", f->name);
            s_build1 (&b, msg, i, O_NUL, 0);
            CHECK (s_refuses (msg, &b, "NUL"));
            CHECK (s_refuses (msg, &b, named));
            snprintf (ctx, sizeof ctx, "field %s empty", f->name);
            s_build1 (&b, msg, i, O_STR, 0);
            if (f->required)
                CHECK (s_refuses (msg, &b, named));
            else
                CHECK (s_takes (msg, &b));
        }
        if (f->type == T_UINT) {
            snprintf (ctx, sizeof ctx, "field %s", f->name);
            s_context = ctx;
            s_build1 (&b, msg, i, O_INT, 0);
            CHECK (s_takes (msg, &b));
            s_build1 (&b, msg, i, O_INT, INT64_MAX);
            CHECK (s_takes (msg, &b));
            s_build1 (&b, msg, i, O_INT, -1);
            CHECK (s_refuses (msg, &b, named));
        }
    }
    lnt_buf_free (&b);
}

//  Integers beyond int64: a uint 64 of 2^64 - 1 where an int is wanted
static void
s_test_huge_ints (void)
{
    for (size_t m = 0; m < sizeof s_msgs / sizeof s_msgs[0]; m++) {
        const s_msg_t *msg = &s_msgs[m];
        for (int i = 0; i < msg->count; i++) {
            const s_field_t *f = &msg->fields[i];
            if (f->type != T_INT && f->type != T_DUE)
                continue;
            //  Build by hand: the default message, field i replaced
            lnt_buf_t b = {0};
            w_array (&b, (uint32_t) msg->count);
            for (int k = 0; k < msg->count; k++)
                if (k == i)
                    w_uint (&b, UINT64_MAX);
                else
                    w_default (&b, &msg->fields[k]);
            char named[64];
            snprintf (named, sizeof named, "(%s)", f->name);
            s_context = "with 2^64-1";
            CHECK (s_refuses (msg, &b, named));
            lnt_buf_free (&b);
        }
    }
}

//  Cases the table cannot say
static void
s_test_special (void)
{
    lnt_buf_t b = {0};
    const s_msg_t *sg = S_MSG_SUGGESTION;

    //  History: 32 steps, not 33; each step [status, at, note] checked
    s_context = "history";
    s_build1 (&b, sg, 9, O_STEPS, LNT_HISTORY_MAX);
    CHECK (s_takes (sg, &b));
    s_seed ("history", &b);
    s_build1 (&b, sg, 9, O_STEPS, LNT_HISTORY_MAX + 1);
    CHECK (s_refuses (sg, &b, "(history)"));
    s_build1 (&b, sg, 9, O_STEPS, 0); //  the codec allows it; the check not
    CHECK (s_takes (sg, &b));
    static const struct {
        const char *word; //  in the message; NULL: accepted
    } steps[] = {{"(history)"}, {"(history)"}, {"(status)"}, {"(at)"},
                 {"(note) is too long"}, {"(note) holds a NUL"}, {NULL},
                 {NULL}, {"(status) is not an integer"}};
    for (int v = 0; v < 9; v++) {
        s_build1 (&b, sg, 9, O_STEP, v);
        if (steps[v].word) {
            CHECK (s_refuses (sg, &b, steps[v].word));
            CHECK (s_refuses (sg, &b, v >= 2 ? "history step" : "history"));
        }
        else
            CHECK (s_takes (sg, &b));
    }
    //  Instants: 0 means none where optional, else 2000..2100
    s_context = "responded";
    s_build1 (&b, sg, 11, O_INT, 1);
    CHECK (s_refuses (sg, &b, "(responded)"));
    s_build1 (&b, sg, 11, O_INT, MS_MIN - 1);
    CHECK (s_refuses (sg, &b, "(responded)"));
    s_build1 (&b, sg, 11, O_INT, MS_MIN);
    CHECK (s_takes (sg, &b));
    s_context = "received";
    s_build1 (&b, sg, 0, O_INT, 0);
    CHECK (s_refuses (sg, &b, "(received)"));

    //  Action plan: due nil is "no due date"
    const s_msg_t *rb = S_MSG_RB;
    s_context = "due";
    s_build1 (&b, rb, 10, O_TYPE, M_NIL);
    memset (&s_rb_out, 0, sizeof s_rb_out);
    CHECK (s_takes (rb, &b));
    CHECK (s_rb_out.due == LNT_NONE_DAY);
    s_build1 (&b, rb, 10, O_INT, 20726);
    CHECK (s_takes (rb, &b));
    CHECK_INT (s_rb_out.due, 20726);
    s_build1 (&b, rb, 13, O_INT, 5);
    CHECK (s_refuses (rb, &b, "(updated)"));

    //  Records: kind 0 and 5, sections of every shape
    const s_msg_t *rec = S_MSG_RECORD;
    s_context = "kind";
    s_build1 (&b, rec, 0, O_INT, 0);
    CHECK (s_refuses (rec, &b, "not a known kind"));
    s_build1 (&b, rec, 0, O_INT, 5);
    CHECK (s_refuses (rec, &b, "not a known kind"));
    s_build1 (&b, rec, 0, O_INT, 256);
    CHECK (s_refuses (rec, &b, "(kind)"));
    static const struct {
        int variant;      //  of w_section
        const char *word; //  NULL: accepted
    } secs[] = {
        {0, "(section)"},       {1, NULL},           {2, "(version)"},
        {3, "(node)"},          {4, "(deleted)"},    {5, "(body) is not bin"},
        {6, "tombstone"},       {7, "(body) is empty"}, {8, NULL},
        {9, NULL},              {10, "(body) is too long"}, {11, NULL},
        {12, "(body)"},         {13, "(version)"},
    };
    for (size_t k = 0; k < sizeof secs / sizeof secs[0]; k++)
        for (int field = 3; field <= 4; field++) {
            char ctx[64];
            snprintf (ctx, sizeof ctx, "section %d variant %d", field - 3,
                      secs[k].variant);
            s_context = ctx;
            s_build1 (&b, rec, field, O_SECTION, secs[k].variant);
            if (secs[k].word)
                CHECK (s_refuses (rec, &b, secs[k].word));
            else
                CHECK (s_takes (rec, &b));
        }
    //  What an accepted section decodes to
    s_build1 (&b, rec, 4, O_SECTION, 8);
    CHECK (s_takes (rec, &b));
    CHECK (s_record_out.sec[1].present && s_record_out.sec[1].deleted);
    CHECK (s_record_out.sec[1].body == NULL);
    CHECK_INT (s_record_out.sec[1].body_len, 0);
    CHECK (s_record_out.sec[0].present && !s_record_out.sec[0].deleted);
    CHECK_INT (s_record_out.sec[0].body_len, 2);
    s_build1 (&b, rec, 3, O_TYPE, M_NIL);
    CHECK (s_takes (rec, &b));
    CHECK (!s_record_out.sec[0].present);
    s_build1 (&b, rec, 3, O_SECTION, 9);
    CHECK (s_takes (rec, &b));
    CHECK_INT (s_record_out.sec[0].body_len, LNT_BODY_MAX);

    //  Changes: section 0 or 1; the state's body rules
    const s_msg_t *ch = S_MSG_CHANGE;
    s_context = "change";
    s_build1 (&b, ch, 3, O_INT, 2);
    CHECK (s_refuses (ch, &b, "(section)"));
    s_build1 (&b, ch, 0, O_INT, 0);
    CHECK (s_refuses (ch, &b, "not a known kind"));
    s_build1 (&b, ch, 0, O_INT, 5);
    CHECK (s_refuses (ch, &b, "not a known kind"));
    s_build1 (&b, ch, 7, O_BIN, 0);
    CHECK (s_refuses (ch, &b, "(body) is empty"));
    s_build1 (&b, ch, 7, O_BIN, LNT_BODY_MAX + 1);
    CHECK (s_refuses (ch, &b, "(body) is too long"));
    s_build1 (&b, ch, 7, O_BIN, LNT_BODY_MAX);
    CHECK (s_takes (ch, &b));
    s_build1 (&b, ch, 6, O_BOOL, 1); //  a tombstone with the default body
    CHECK (s_refuses (ch, &b, "tombstone"));
    s_over_t tomb[] = {{6, O_BOOL, 1}, {7, O_BIN, 0}};
    s_build (&b, ch, ch->count, tomb, 2);
    CHECK (s_takes (ch, &b));
    CHECK (s_change_out.state.deleted && s_change_out.state.present);
    CHECK (s_change_out.state.body == NULL);
    s_seed ("change", &b);
    lnt_buf_free (&b);
}

//  ---- round trips ---------------------------------------------------------

static void
s_full_suggestion (lnt_suggestion_t *s, bool longest)
{
    memset (s, 0, sizeof *s);
    s->received = s_received;
    s->channel = LNT_CH_LAPOR;
    s->class_ = LNT_CL_COMPLAINT;
    s->field_check = true;
    s->privacy = LNT_PR_ANONYMOUS;
    s->status = LNT_ST_ARCHIVED;
    s->history_len = LNT_HISTORY_MAX;
    for (int i = 0; i < LNT_HISTORY_MAX; i++) {
        s->history[i].status = (uint8_t) (i % LNT_ST_COUNT);
        s->history[i].at = s_received + (int64_t) i * 3600000;
        if (longest)
            memset (s->history[i].note, 'n', LNT_NOTE_MAX);
        else
            snprintf (s->history[i].note, sizeof s->history[i].note,
                      "langkah %d \xe2\x80\x94 catatan", i + 1);
    }
    s->responded = s_received + 86400000;
    if (longest) {
        memset (s->category, 'c', LNT_CATEGORY_MAX);
        memset (s->subject, 's', LNT_SUBJECT_MAX);
        memset (s->text, 't', LNT_TEXT_MAX);
        memset (s->response, 'r', LNT_TEXT_MAX);
        return;
    }
    strcpy (s->category, "pelayanan");
    strcpy (s->subject, "Antrean panjang di loket \xc3\xa9");
    strcpy (s->text, "Antrean di loket pelayanan terlalu panjang.");
    strcpy (s->response, "Loket kedua sudah dibuka.");
}

static void
s_test_round_trips (void)
{
    lnt_buf_t one = {0}, two = {0};

    //  Suggestions: a full history of 32 steps; every string at its bound
    lnt_suggestion_t *s = malloc (sizeof *s), *back = malloc (sizeof *back);
    if (!s || !back)
        exit (1);
    for (int longest = 0; longest < 2; longest++) {
        s_full_suggestion (s, longest);
        lnt_buf_reset (&one);
        lnt_buf_reset (&two);
        CHECK_INT (lnt_codec_suggestion_encode (s, &one), 0);
        CHECK (one.len <= LNT_BODY_MAX); //  the largest still fits a section
        memset (back, 0, sizeof *back);
        lnt_why_t why = {""};
        CHECK_INT (lnt_codec_suggestion_decode (one.data, one.len, back, &why), 0);
        CHECK (memcmp (s, back, sizeof *s) == 0);
        CHECK_INT (back->history_len, 32);
        CHECK_INT (back->history[31].at, s_received + 31 * INT64_C (3600000));
        CHECK_STR (back->subject, s->subject);
        CHECK (back->field_check);
        CHECK_INT (lnt_codec_suggestion_encode (back, &two), 0);
        CHECK (one.len == two.len && memcmp (one.data, two.data, one.len) == 0);
        s_seed ("suggestion", &one);
        if (!longest)
            CHECK_INT (s_cut (s_dec_suggestion, one.data, one.len), 0);
    }
    //  The decoder leaves id and office alone: they come from the record
    memset (back, 0, sizeof *back);
    strcpy (back->id, "keep");
    strcpy (back->office, "3503");
    CHECK_INT (lnt_codec_suggestion_decode (one.data, one.len, back, NULL), 0);
    CHECK_STR (back->id, "keep");
    CHECK_STR (back->office, "3503");
    free (s);
    free (back);

    //  Private data
    lnt_private_t *p = calloc (1, sizeof *p), *pb = calloc (1, sizeof *pb);
    if (!p || !pb)
        exit (1);
    strcpy (p->reporter_name, "Siti Aminah");
    strcpy (p->reporter_contact, "siti@example.id, 0812 3456 7890");
    strcpy (p->text, "Teks rahasia yang tidak meninggalkan kantor.");
    lnt_buf_reset (&one);
    lnt_buf_reset (&two);
    CHECK_INT (lnt_codec_private_encode (p, &one), 0);
    CHECK_INT (lnt_codec_private_decode (one.data, one.len, pb, NULL), 0);
    CHECK (memcmp (p, pb, sizeof *p) == 0);
    CHECK_INT (lnt_codec_private_encode (pb, &two), 0);
    CHECK (one.len == two.len && memcmp (one.data, two.data, one.len) == 0);
    CHECK_INT (s_cut (s_dec_private, one.data, one.len), 0);
    s_seed ("private", &one);
    free (p);
    free (pb);

    //  Action-plan items, with and without a due date
    lnt_rb_item_t *r = calloc (1, sizeof *r), *rb = calloc (1, sizeof *rb);
    if (!r || !rb)
        exit (1);
    for (int with_due = 0; with_due < 2; with_due++) {
        memset (r, 0, sizeof *r);
        r->year = 2026;
        r->area = 8;
        strcpy (r->programme, "Peningkatan kualitas pelayanan publik");
        strcpy (r->activity, "Survei kepuasan masyarakat");
        strcpy (r->sub_activity, "Penyebaran kuesioner");
        strcpy (r->indicator, "Laporan survei");
        r->target = 2500;
        strcpy (r->unit, "laporan");
        r->realisation = 1250;
        r->status = LNT_RB_IN_PROGRESS;
        r->due = with_due ? lnt_date_from_ymd (2026, 9, 30) : LNT_NONE_DAY;
        strcpy (r->person, "Kasubag Umum");
        strcpy (r->evidence, "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"
                             "2b0b822cd15d6c15b0f00a08");
        r->updated = s_received + 1;
        lnt_buf_reset (&one);
        lnt_buf_reset (&two);
        CHECK_INT (lnt_codec_rb_item_encode (r, &one), 0);
        memset (rb, 0, sizeof *rb);
        CHECK_INT (lnt_codec_rb_item_decode (one.data, one.len, rb, NULL), 0);
        CHECK (memcmp (r, rb, sizeof *r) == 0);
        CHECK (rb->due == r->due);
        CHECK_INT (lnt_codec_rb_item_encode (rb, &two), 0);
        CHECK (one.len == two.len && memcmp (one.data, two.data, one.len) == 0);
        CHECK_INT (s_cut (s_dec_rb, one.data, one.len), 0);
        s_seed ("rb", &one);
    }
    free (r);
    free (rb);

    //  LKE answers and verdicts
    lnt_lke_answer_t *a = calloc (1, sizeof *a), *ab = calloc (1, sizeof *ab);
    if (!a || !ab)
        exit (1);
    a->year = 2026;
    strcpy (a->instrument, LNT_REF_DEFAULT_INSTRUMENT);
    strcpy (a->item, "A4.1");
    strcpy (a->answer, "87.5");
    strcpy (a->justification, "SOP sudah ditetapkan untuk 7 dari 8 proses.");
    strcpy (a->evidence, "https://jdih.kpu.go.id/sop-3503.pdf");
    a->answered = s_received;
    lnt_buf_reset (&one);
    lnt_buf_reset (&two);
    CHECK_INT (lnt_codec_lke_answer_encode (a, &one), 0);
    CHECK_INT (lnt_codec_lke_answer_decode (one.data, one.len, ab, NULL), 0);
    CHECK (memcmp (a, ab, sizeof *a) == 0);
    CHECK_INT (lnt_codec_lke_answer_encode (ab, &two), 0);
    CHECK (one.len == two.len && memcmp (one.data, two.data, one.len) == 0);
    CHECK_INT (s_cut (s_dec_lke, one.data, one.len), 0);
    s_seed ("lke", &one);
    free (a);
    free (ab);

    lnt_lke_verdict_t v, vb;
    memset (&v, 0, sizeof v);
    memset (&vb, 0, sizeof vb);
    strcpy (v.answer, "75");
    strcpy (v.note, "SOP pengaduan belum ditetapkan.");
    v.verified = s_received + 7 * INT64_C (86400000);
    lnt_buf_reset (&one);
    lnt_buf_reset (&two);
    CHECK_INT (lnt_codec_lke_verdict_encode (&v, &one), 0);
    CHECK_INT (lnt_codec_lke_verdict_decode (one.data, one.len, &vb, NULL), 0);
    CHECK (memcmp (&v, &vb, sizeof v) == 0);
    CHECK_INT (lnt_codec_lke_verdict_encode (&vb, &two), 0);
    CHECK (one.len == two.len && memcmp (one.data, two.data, one.len) == 0);
    CHECK_INT (s_cut (s_dec_verdict, one.data, one.len), 0);
    s_seed ("verdict", &one);

    //  Encoders append: a second value lands after the first
    size_t first = one.len;
    CHECK_INT (lnt_codec_lke_verdict_encode (&v, &one), 0);
    CHECK_INT (one.len, 2 * first);
    CHECK (memcmp (one.data, one.data + first, first) == 0);
    lnt_buf_free (&one);
    lnt_buf_free (&two);
}

static bool
s_same_section (const lnt_section_t *a, const lnt_section_t *b)
{
    return a->present == b->present && a->version == b->version
           && a->node == b->node && a->deleted == b->deleted
           && a->body_len == b->body_len
           && (!a->body_len || memcmp (a->body, b->body, a->body_len) == 0);
}

static bool
s_same_record (const lnt_record_t *a, const lnt_record_t *b)
{
    return a->kind == b->kind && strcmp (a->id, b->id) == 0
           && strcmp (a->office, b->office) == 0
           && s_same_section (&a->sec[0], &b->sec[0])
           && s_same_section (&a->sec[1], &b->sec[1]);
}

static void
s_record_trip (const lnt_record_t *rec)
{
    lnt_buf_t one = {0}, two = {0};
    lnt_record_t back;
    lnt_why_t why = {""};
    CHECK_INT (lnt_codec_record_encode (rec, &one), 0);
    CHECK_INT (lnt_codec_record_decode (one.data, one.len, &back, &why), 0);
    CHECK (s_same_record (rec, &back));
    CHECK_INT (lnt_codec_record_encode (&back, &two), 0);
    CHECK (one.len == two.len && memcmp (one.data, two.data, one.len) == 0);
    CHECK_INT (s_cut (s_dec_record, one.data, one.len), 0);
    s_seed ("record", &one);
    lnt_buf_free (&one);
    lnt_buf_free (&two);
}

static void
s_test_records (void)
{
    //  A real suggestion body for the sections
    lnt_suggestion_t *s = malloc (sizeof *s);
    if (!s)
        exit (1);
    s_full_suggestion (s, false);
    lnt_buf_t body = {0};
    CHECK_INT (lnt_codec_suggestion_encode (s, &body), 0);
    free (s);

    lnt_record_t rec;
    memset (&rec, 0, sizeof rec);
    rec.kind = LNT_KIND_SUGGESTION;
    strcpy (rec.id, "3503-2026-000042");
    strcpy (rec.office, "3503");
    s_record_trip (&rec); //  no sections

    rec.sec[0].present = true;
    rec.sec[0].version = UINT64_C (0x0001900000000001);
    rec.sec[0].node = UINT64_C (0xfedcba9876543210);
    rec.sec[0].body = body.data;
    rec.sec[0].body_len = body.len;
    s_record_trip (&rec); //  the office section

    //  The body read back out of a decoded record decodes again
    lnt_buf_t enc = {0};
    lnt_record_t back;
    CHECK_INT (lnt_codec_record_encode (&rec, &enc), 0);
    CHECK_INT (lnt_codec_record_decode (enc.data, enc.len, &back, NULL), 0);
    CHECK (back.sec[0].body >= (const void *) enc.data
           && back.sec[0].body < (const void *) (enc.data + enc.len));
    lnt_suggestion_t *again = malloc (sizeof *again);
    if (!again)
        exit (1);
    CHECK_INT (lnt_codec_suggestion_decode (back.sec[0].body,
                                            back.sec[0].body_len, again, NULL), 0);
    CHECK_INT (again->history_len, 32);
    free (again);
    CHECK (!back.sec[1].present);

    //  Both sections, the office one a tombstone; the province a verdict
    lnt_lke_verdict_t v;
    memset (&v, 0, sizeof v);
    strcpy (v.answer, "B");
    lnt_buf_t vbody = {0};
    CHECK_INT (lnt_codec_lke_verdict_encode (&v, &vbody), 0);
    rec.kind = LNT_KIND_LKE_ANSWER;
    strcpy (rec.id, "3503-LKE-2026-A1.3");
    rec.sec[0].deleted = true;
    rec.sec[0].body = NULL;
    rec.sec[0].body_len = 0;
    rec.sec[1].present = true;
    rec.sec[1].version = 7;
    rec.sec[1].node = 1;
    rec.sec[1].body = vbody.data;
    rec.sec[1].body_len = vbody.len;
    s_record_trip (&rec);
    //  A tombstone never carries a body, even if the caller left one
    rec.sec[0].body = body.data;
    rec.sec[0].body_len = body.len;
    lnt_buf_reset (&enc);
    CHECK_INT (lnt_codec_record_encode (&rec, &enc), 0);
    CHECK_INT (lnt_codec_record_decode (enc.data, enc.len, &back, NULL), 0);
    CHECK (back.sec[0].deleted && back.sec[0].body == NULL
           && back.sec[0].body_len == 0);
    CHECK (enc.len < body.len); //  the body was not written
    //  Kind 4 (reference data) and the longest id and office
    rec.kind = LNT_KIND_REF;
    memset (rec.id, 'I', LNT_ID_MAX);
    rec.id[LNT_ID_MAX] = 0;
    strcpy (rec.office, "1234567");
    rec.sec[0].body = NULL;
    rec.sec[0].body_len = 0;
    s_record_trip (&rec);

    //  Changes: a live one and a tombstone
    lnt_change_t c, cb;
    memset (&c, 0, sizeof c);
    c.kind = LNT_KIND_SUGGESTION;
    strcpy (c.id, "3503-2026-000042");
    strcpy (c.office, "3503");
    c.section = LNT_SECTION_OFFICE;
    c.state.present = true;
    c.state.version = UINT64_MAX;
    c.state.node = 0;
    c.state.body = body.data;
    c.state.body_len = body.len;
    for (int tomb = 0; tomb < 2; tomb++) {
        if (tomb) {
            c.kind = LNT_KIND_LKE_ANSWER;
            c.section = LNT_SECTION_PROVINCE;
            c.state.deleted = true;
            c.state.body = NULL;
            c.state.body_len = 0;
        }
        lnt_buf_t one = {0}, two = {0};
        lnt_why_t why = {""};
        CHECK_INT (lnt_codec_change_encode (&c, &one), 0);
        CHECK_INT (lnt_codec_change_decode (one.data, one.len, &cb, &why), 0);
        CHECK (cb.kind == c.kind && strcmp (cb.id, c.id) == 0
               && strcmp (cb.office, c.office) == 0 && cb.section == c.section
               && s_same_section (&c.state, &cb.state));
        CHECK_INT (lnt_codec_change_encode (&cb, &two), 0);
        CHECK (one.len == two.len && memcmp (one.data, two.data, one.len) == 0);
        CHECK_INT (s_cut (s_dec_change, one.data, one.len), 0);
        s_seed ("change", &one);
        lnt_buf_free (&one);
        lnt_buf_free (&two);
    }
    //  A body over 64 KiB encodes, but no decoder takes it
    c.state.deleted = false;
    void *huge = calloc (1, LNT_BODY_MAX + 1);
    if (!huge)
        exit (1);
    c.state.body = huge;
    c.state.body_len = LNT_BODY_MAX + 1;
    lnt_buf_reset (&enc);
    CHECK_INT (lnt_codec_change_encode (&c, &enc), 0);
    lnt_why_t why = {""};
    CHECK_INT (lnt_codec_change_decode (enc.data, enc.len, &cb, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "(body) is too long") != NULL);
    memset (&rec, 0, sizeof rec);
    rec.kind = LNT_KIND_RB_ITEM;
    strcpy (rec.id, "3503-RB-2026-0001");
    strcpy (rec.office, "3503");
    rec.sec[1].present = true;
    rec.sec[1].body = huge;
    rec.sec[1].body_len = LNT_BODY_MAX + 1;
    lnt_buf_reset (&enc);
    CHECK_INT (lnt_codec_record_encode (&rec, &enc), 0);
    CHECK_INT (lnt_codec_record_decode (enc.data, enc.len, &back, &why), LNT_EINVAL);
    CHECK (strstr (why.text, "(body) is too long") != NULL);
    rec.sec[1].body_len = LNT_BODY_MAX;
    lnt_buf_reset (&enc);
    CHECK_INT (lnt_codec_record_encode (&rec, &enc), 0);
    CHECK_INT (lnt_codec_record_decode (enc.data, enc.len, &back, &why), 0);
    free (huge);
    lnt_buf_free (&enc);
    lnt_buf_free (&body);
    lnt_buf_free (&vbody);
}

//  Frames whose headers claim more than they hold: each must be refused
//  at once, without msgpack-c allocating what the header claims
static void
s_test_lying_lengths (void)
{
    static const struct {
        const char *bytes;
        size_t len;
    } frames[] = {
        {"\xdd\xff\xff\xff\xff", 5},           //  array of 2^32 - 1
        {"\xdf\xff\xff\xff\xff", 5},           //  map of 2^32 - 1
        {"\xdf\x2b\x2b\x2b\x2b\x2b\x2b\x2b\x0a", 9}, //  found by fuzzing
        {"\x95\xdd\x7f\xff\xff\xff\x01\x02\x03\x04", 10}, //  nested
        {"\xdb\xff\xff\xff\xff" "abc", 8},     //  str of 4 GiB
        {"\xc6\x00\x01\x00\x00" "abc", 8},     //  bin of 64 KiB
        {"\xc9\x00\x00\x00\x10\x01" "ab", 8},  //  ext of 16
        {"\x92\xdc\x00\x03\x01\x02", 6},       //  array 16 of 3, 2 given
        {"\xc1", 1},                           //  never used
        {"\x91\xd8\x01" "0123456789", 13},     //  fixext 16, 10 given
    };
    for (size_t m = 0; m < sizeof s_msgs / sizeof s_msgs[0]; m++)
        for (size_t f = 0; f < sizeof frames / sizeof frames[0]; f++) {
            char ctx[48];
            snprintf (ctx, sizeof ctx, "lying frame %zu", f);
            s_context = ctx;
            lnt_buf_t b = {0};
            w_raw (&b, frames[f].bytes, frames[f].len);
            CHECK (s_refuses (&s_msgs[m], &b, NULL));
            lnt_buf_free (&b);
        }
    //  Deep nesting is refused, not a stack overflow
    lnt_buf_t b = {0};
    for (int i = 0; i < 10000; i++)
        w_array (&b, 1);
    w_nil (&b);
    s_context = "10000 nested arrays";
    CHECK (s_refuses (S_MSG_RECORD, &b, NULL));
    lnt_buf_free (&b);
}

//  ---- the same bytes as msgpack-c ------------------------------------------

//  The record, change and suggestion encoders write msgpack by hand (the
//  import runs them for every row). Stored records and log entries are
//  compared and replicated as bytes, so theirs must stay the bytes that
//  msgpack-c's packer wrote: every integer form at its edges, strings,
//  arrays and bins at each length where the form changes. The digest was
//  taken from the encoders when they still used msgpack-c's packer.

static uint64_t s_rng = 1;

static uint64_t
s_next (void)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return s_rng;
}

#define PICK(a) ((a)[s_next () % (sizeof (a) / sizeof (a)[0])])

static const int64_t s_edge_ints[] = {
    INT64_MIN, INT64_C (-2147483649), INT64_C (-2147483648), -32769, -32768,
    -129, -128, -33, -32, -1, 0, 1, 127, 128, 255, 256, 65535, 65536,
    INT64_C (4294967295), INT64_C (4294967296), INT64_MAX};
static const uint8_t s_edge_u8[] = {0, 1, 127, 128, 255};
static const size_t s_edge_lens[] = {0, 1, 15, 16, 31, 32, 255, 256, 500,
                                     4000, 65535, 65536};

//  Fills text (size bytes) with a string of an edge length that fits
static void
s_fill_text (char *text, size_t size)
{
    size_t len;
    do
        len = PICK (s_edge_lens);
    while (len >= size);
    for (size_t i = 0; i < len; i++)
        text[i] = (char) (1 + s_next () % 255);
    text[len] = 0;
}

static void
s_fill_section (lnt_section_t *sec, unsigned char *body)
{
    sec->present = s_next () % 4 != 0;
    sec->version = (uint64_t) PICK (s_edge_ints);
    sec->node = s_next () % 3 ? (uint64_t) PICK (s_edge_ints) : UINT64_MAX;
    sec->deleted = s_next () % 4 == 0;
    size_t len = PICK (s_edge_lens);
    for (size_t i = 0; i < len; i++)
        body[i] = (unsigned char) s_next ();
    sec->body = len ? body : NULL;
    sec->body_len = len;
}

//  FNV-1a over the bytes
static uint64_t
s_digest (uint64_t h, const lnt_buf_t *b)
{
    for (size_t i = 0; i < b->len; i++)
        h = (h ^ (unsigned char) b->data[i]) * 1099511628211ULL;
    return h;
}

static void
s_test_same_bytes (void)
{
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    lnt_record_t *rec = calloc (1, sizeof *rec);
    lnt_change_t *ch = calloc (1, sizeof *ch);
    unsigned char *bodies = malloc (3 * 65536);
    lnt_buf_t b = {0};
    uint64_t h = 14695981039346656037ULL;
    CHECK (s && rec && ch && bodies);
    if (!s || !rec || !ch || !bodies)
        goto done;
    for (int i = 0; i < 3000; i++) {
        s->received = PICK (s_edge_ints);
        s->channel = PICK (s_edge_u8);
        s->class_ = PICK (s_edge_u8);
        s->field_check = s_next () & 1;
        s->privacy = PICK (s_edge_u8);
        s_fill_text (s->category, sizeof s->category);
        s_fill_text (s->subject, sizeof s->subject);
        s_fill_text (s->text, sizeof s->text);
        s->status = PICK (s_edge_u8);
        static const int history_lens[] = {0, 1, 2, 15, 16, LNT_HISTORY_MAX};
        s->history_len = PICK (history_lens);
        for (int j = 0; j < s->history_len; j++) {
            s->history[j].status = PICK (s_edge_u8);
            s->history[j].at = PICK (s_edge_ints);
            if (j < 3)
                s_fill_text (s->history[j].note, sizeof s->history[j].note);
            else
                s->history[j].note[0] = 0;
        }
        s_fill_text (s->response, sizeof s->response);
        s->responded = PICK (s_edge_ints);
        lnt_buf_reset (&b);
        CHECK_INT (lnt_codec_suggestion_encode (s, &b), 0);
        h = s_digest (h, &b);

        rec->kind = PICK (s_edge_u8);
        s_fill_text (rec->id, sizeof rec->id);
        s_fill_text (rec->office, sizeof rec->office);
        s_fill_section (&rec->sec[0], bodies);
        s_fill_section (&rec->sec[1], bodies + 65536);
        lnt_buf_reset (&b);
        CHECK_INT (lnt_codec_record_encode (rec, &b), 0);
        h = s_digest (h, &b);

        ch->kind = PICK (s_edge_u8);
        s_fill_text (ch->id, sizeof ch->id);
        s_fill_text (ch->office, sizeof ch->office);
        ch->section = PICK (s_edge_u8);
        s_fill_section (&ch->state, bodies + 2 * 65536);
        lnt_buf_reset (&b);
        CHECK_INT (lnt_codec_change_encode (ch, &b), 0);
        h = s_digest (h, &b);
    }
    if (h != UINT64_C (0xd1c088bf2cd4eea9))
        fprintf (stderr, "same bytes: digest %016llx\n",
                 (unsigned long long) h);
    CHECK (h == UINT64_C (0xd1c088bf2cd4eea9));
done:
    lnt_buf_free (&b);
    free (bodies);
    free (ch);
    free (rec);
    free (s);
}

int
main (int argc, char **argv)
{
    (void) argc;
    (void) argv;
    s_received = INT64_C (1772416800000); //  2026-03-02 09:00 WIB
    int64_t check = 0;
    lnt_time_parse_local ("2026-03-02 09:00", 420, &check);
    CHECK_INT (check, s_received);
    for (size_t m = 0; m < sizeof s_msgs / sizeof s_msgs[0]; m++)
        s_test_table (&s_msgs[m]);
    s_test_huge_ints ();
    s_test_special ();
    s_test_round_trips ();
    s_test_records ();
    s_test_lying_lengths ();
    s_test_same_bytes ();
    return LNT_TEST_DONE ();
}
