/*  lnt_codec.c - msgpack encoders and strict decoders for records,
    changes and section bodies.                                            */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "lnt_codec.h"
#include "lnt_codec_object.h"
#include "lnt_pack.h"

/*  Decoding context: the array being read, and which record it is.        */
typedef struct {
    const msgpack_object_array *a; /* the fields                           */
    const char *what;              /* "suggestion", for messages           */
    lnt_why_t *why;                /* where to say what is wrong           */
} s_in_t;

static int
s_bad (s_in_t *in, uint32_t i, const char *field, const char *problem)
{
    return lnt_why (in->why, LNT_EINVAL, "%s: field %u (%s) %s", in->what,
                    i, field, problem);
}

static int
s_get_str (s_in_t *in, uint32_t i, const char *field, char *buf, size_t max)
{
    const msgpack_object *o = &in->a->ptr[i];
    if (o->type != MSGPACK_OBJECT_STR)
        return s_bad (in, i, field, "is not a string");
    if (o->via.str.size > max)
        return s_bad (in, i, field, "is too long");
    /* msgpack-c gives an empty string a NULL ptr; memchr and memcpy must
       not see it, even with a length of 0 (C11 7.24.1).                  */
    if (o->via.str.size && memchr (o->via.str.ptr, 0, o->via.str.size))
        return s_bad (in, i, field, "holds a NUL byte");
    if (o->via.str.size)
        memcpy (buf, o->via.str.ptr, o->via.str.size);
    buf[o->via.str.size] = 0;
    return 0;
}

static int
s_get_i64 (s_in_t *in, uint32_t i, const char *field, int64_t lo, int64_t hi,
           int64_t *value)
{
    const msgpack_object *o = &in->a->ptr[i];
    int64_t v = 0;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (o->via.u64 > (uint64_t) INT64_MAX)
            return s_bad (in, i, field, "is out of range");
        v = (int64_t) o->via.u64;
    }
    else if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        v = o->via.i64;
    else
        return s_bad (in, i, field, "is not an integer");
    if (v < lo || v > hi)
        return s_bad (in, i, field, "is out of range");
    *value = v;
    return 0;
}

static int
s_get_u64 (s_in_t *in, uint32_t i, const char *field, uint64_t *value)
{
    const msgpack_object *o = &in->a->ptr[i];
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return s_bad (in, i, field, "is not a non-negative integer");
    *value = o->via.u64;
    return 0;
}

static int
s_get_small (s_in_t *in, uint32_t i, const char *field, int hi,
             uint8_t *value)
{
    int64_t v = 0;
    int rc = s_get_i64 (in, i, field, 0, hi, &v);
    if (!rc)
        *value = (uint8_t) v;
    return rc;
}

static int
s_get_int (s_in_t *in, uint32_t i, const char *field, int lo, int hi,
           int *value)
{
    int64_t v = 0;
    int rc = s_get_i64 (in, i, field, lo, hi, &v);
    if (!rc)
        *value = (int) v;
    return rc;
}

static int
s_get_bool (s_in_t *in, uint32_t i, const char *field, bool *value)
{
    const msgpack_object *o = &in->a->ptr[i];
    if (o->type != MSGPACK_OBJECT_BOOLEAN)
        return s_bad (in, i, field, "is not a boolean");
    *value = o->via.boolean;
    return 0;
}

/*  An unpacked document: its root object and the zone holding its tree.
    Strings and bins point into the data that was unpacked.               */
typedef struct {
    msgpack_object data; /* the root                                      */
    msgpack_zone *zone;  /* the tree; NULL when nothing was unpacked      */
    bool shared;         /* the zone is the thread's, not to be freed     */
} s_doc_t;

/*  Documents up to this size (every body and record) unpack into a zone
    kept by the thread, emptied before each: no allocation for each, and
    at most one zone of about 16 objects a byte of this per thread.       */
#define S_SHARED_MAX 4096

static tss_t s_zone_key;
static once_flag s_zone_once = ONCE_FLAG_INIT;
static bool s_zone_ready;

static void
s_zone_free (void *zone)
{
    msgpack_zone_free (zone);
}

static void
s_zone_setup (void)
{
    s_zone_ready = tss_create (&s_zone_key, s_zone_free) == thrd_success;
}

/*  The calling thread's zone, emptied; NULL when it cannot be had.       */
static msgpack_zone *
s_zone_shared (void)
{
    call_once (&s_zone_once, s_zone_setup);
    if (!s_zone_ready)
        return NULL;
    msgpack_zone *zone = tss_get (s_zone_key);
    if (zone) {
        msgpack_zone_clear (zone);
        return zone;
    }
    zone = msgpack_zone_new (MSGPACK_ZONE_CHUNK_SIZE);
    if (zone && tss_set (s_zone_key, zone) != thrd_success) {
        msgpack_zone_free (zone);
        zone = NULL;
    }
    return zone;
}

static void
s_doc_release (s_doc_t *doc)
{
    if (doc->zone && !doc->shared)
        msgpack_zone_free (doc->zone);
    doc->zone = NULL;
}

/*  Unpacks data as one array of at least min fields, with nothing after
    it. The caller must release *un whatever this returns.                 */
static int
s_unpack (s_doc_t *un, const void *data, size_t len, uint32_t min,
          s_in_t *in)
{
    size_t off = 0;
    memset (un, 0, sizeof *un);
    if (!data || len == 0)
        return lnt_why (in->why, LNT_EINVAL, "%s: empty", in->what);
    if (!lnt_pack_sane (data, len))
        return lnt_why (in->why, LNT_EINVAL, "%s: not valid msgpack (a "
                        "length or count runs past the end)", in->what);
    un->zone = len <= S_SHARED_MAX ? s_zone_shared () : NULL;
    un->shared = un->zone != NULL;
    if (!un->zone && !(un->zone = msgpack_zone_new (MSGPACK_ZONE_CHUNK_SIZE)))
        return lnt_why (in->why, LNT_ENOMEM, "%s: out of memory", in->what);
    msgpack_unpack_return r = msgpack_unpack (data, len, &off, un->zone,
                                              &un->data);
    if (r != MSGPACK_UNPACK_SUCCESS && r != MSGPACK_UNPACK_EXTRA_BYTES)
        return lnt_why (in->why, LNT_EINVAL, "%s: not valid msgpack",
                        in->what);
    if (off != len)
        return lnt_why (in->why, LNT_EINVAL, "%s: %zu stray bytes at the end",
                        in->what, len - off);
    if (un->data.type != MSGPACK_OBJECT_ARRAY)
        return lnt_why (in->why, LNT_EINVAL, "%s: not an array", in->what);
    if (un->data.via.array.size < min)
        return lnt_why (in->why, LNT_EINVAL, "%s: %u fields, expected %u",
                        in->what, un->data.via.array.size, min);
    in->a = &un->data.via.array;
    return 0;
}

/*  ---- packing by hand ---------------------------------------------------- */

/*  The record, the change and the suggestion body are packed for every
    write (an import packs all three for each row). msgpack-c's packer
    calls back for every few bytes, and the callback appends to the buffer
    with its own checks; here the encoder reserves what the message can
    take at most and writes straight into the buffer. The forms are
    msgpack-c's (the smallest that holds the value, str 8 for strings of
    32-255 bytes), so the bytes are the same; test_codec checks them
    against a digest taken from msgpack-c's packer.                        */
typedef struct {
    unsigned char *p; /* the next byte to write                            */
} s_w_t;

/*  Most bytes an integer, or an array's or string's or bin's head, takes.  */
#define S_W_HEAD 9

/*  The low n bytes of v (n is 2, 4 or 8), big-endian. Written out byte
    by byte with constant shifts, which the compiler merges into one
    byte swap and one store.                                               */
static inline void
s_w_be (s_w_t *w, uint64_t v, int n)
{
    unsigned char *p = w->p;
    if (n == 8) {
        p[0] = (unsigned char) (v >> 56);
        p[1] = (unsigned char) (v >> 48);
        p[2] = (unsigned char) (v >> 40);
        p[3] = (unsigned char) (v >> 32);
        p += 4;
    }
    if (n >= 4) {
        p[0] = (unsigned char) (v >> 24);
        p[1] = (unsigned char) (v >> 16);
        p += 2;
    }
    p[0] = (unsigned char) (v >> 8);
    p[1] = (unsigned char) v;
    w->p = p + 2;
}

static inline void
s_w_uint (s_w_t *w, uint64_t v)
{
    if (v < 128)
        *w->p++ = (unsigned char) v;
    else if (v < 256) {
        *w->p++ = 0xcc;
        *w->p++ = (unsigned char) v;
    }
    else if (v < 65536) {
        *w->p++ = 0xcd;
        s_w_be (w, v, 2);
    }
    else if (v < (UINT64_C (1) << 32)) {
        *w->p++ = 0xce;
        s_w_be (w, v, 4);
    }
    else {
        *w->p++ = 0xcf;
        s_w_be (w, v, 8);
    }
}

static inline void
s_w_int (s_w_t *w, int64_t v)
{
    if (v >= -32) {
        if (v < 0)
            *w->p++ = (unsigned char) (v & 0xff);
        else
            s_w_uint (w, (uint64_t) v);
    }
    else if (v >= -128) {
        *w->p++ = 0xd0;
        *w->p++ = (unsigned char) (v & 0xff);
    }
    else if (v >= -32768) {
        *w->p++ = 0xd1;
        s_w_be (w, (uint64_t) v, 2);
    }
    else if (v >= INT64_C (-2147483648)) {
        *w->p++ = 0xd2;
        s_w_be (w, (uint64_t) v, 4);
    }
    else {
        *w->p++ = 0xd3;
        s_w_be (w, (uint64_t) v, 8);
    }
}

static inline void
s_w_bool (s_w_t *w, bool v)
{
    *w->p++ = v ? 0xc3 : 0xc2;
}

/*  The head of a str, bin or array of n: its 8-bit form c8 (0: the type
    has none), else 16-bit c16, else 32-bit c32. The fixed forms are the
    caller's.                                                              */
static inline void
s_w_head (s_w_t *w, size_t n, unsigned char c8, unsigned char c16,
          unsigned char c32)
{
    if (c8 && n < 256) {
        *w->p++ = c8;
        *w->p++ = (unsigned char) n;
    }
    else if (n < 65536) {
        *w->p++ = c16;
        s_w_be (w, n, 2);
    }
    else {
        *w->p++ = c32;
        s_w_be (w, n, 4);
    }
}

/*  len bytes of data, after their head.                                   */
static inline void
s_w_body (s_w_t *w, const void *data, size_t len)
{
    if (len)
        memcpy (w->p, data, len);
    w->p += len;
}

static inline void
s_w_array (s_w_t *w, size_t n)
{
    if (n < 16)
        *w->p++ = (unsigned char) (0x90 | n);
    else
        s_w_head (w, n, 0, 0xdc, 0xdd);
}

/*  A string of len bytes (its strlen, as msgpack-c's users give it).      */
static inline void
s_w_str (s_w_t *w, const char *text, size_t len)
{
    if (len < 32)
        *w->p++ = (unsigned char) (0xa0 | len);
    else
        s_w_head (w, len, 0xd9, 0xda, 0xdb);
    s_w_body (w, text, len);
}

static inline void
s_w_bin (s_w_t *w, const void *data, size_t len)
{
    s_w_head (w, len, 0xc4, 0xc5, 0xc6);
    s_w_body (w, data, len);
}

/*  Makes room for most bytes at the end of out and points w there.
    0 or LNT_ENOMEM (out unchanged).                                       */
static int
s_w_begin (s_w_t *w, lnt_buf_t *out, size_t most)
{
    int rc = lnt_buf_reserve (out, most);
    if (rc)
        return rc;
    w->p = (unsigned char *) out->data + out->len;
    return 0;
}

/*  Ends the writing begun at out's end: the bytes written are added.     */
static int
s_w_end (s_w_t *w, lnt_buf_t *out, size_t most)
{
    size_t len = (size_t) (w->p - ((unsigned char *) out->data + out->len));
    assert (len <= most);
    (void) most;
    out->len += len;
    return 0;
}

/*  The most bytes a section can take, with a body of body_len.            */
static size_t
s_w_section_most (const lnt_section_t *sec)
{
    return 4 * S_W_HEAD + (sec->present && !sec->deleted ? sec->body_len : 0);
}

static void
s_w_section (s_w_t *w, const lnt_section_t *sec)
{
    if (!sec->present) {
        *w->p++ = 0xc0;
        return;
    }
    s_w_array (w, 4);
    s_w_uint (w, sec->version);
    s_w_uint (w, sec->node);
    s_w_bool (w, sec->deleted);
    s_w_bin (w, sec->body, sec->deleted ? 0 : sec->body_len);
}

/*  ---- sections, records and changes ------------------------------------ */

/*  Reads version, node, deleted and body from four consecutive fields.     */
static int
s_get_state (s_in_t *in, uint32_t i, lnt_section_t *sec)
{
    int rc;
    if ((rc = s_get_u64 (in, i, "version", &sec->version))
        || (rc = s_get_u64 (in, i + 1, "node", &sec->node))
        || (rc = s_get_bool (in, i + 2, "deleted", &sec->deleted)))
        return rc;
    const msgpack_object *o = &in->a->ptr[i + 3];
    if (o->type != MSGPACK_OBJECT_BIN)
        return s_bad (in, i + 3, "body", "is not bin");
    if (o->via.bin.size > LNT_BODY_MAX)
        return s_bad (in, i + 3, "body", "is too long");
    if (sec->deleted && o->via.bin.size)
        return s_bad (in, i + 3, "body", "must be empty in a tombstone");
    if (!sec->deleted && !o->via.bin.size)
        return s_bad (in, i + 3, "body", "is empty");
    sec->body = o->via.bin.size ? o->via.bin.ptr : NULL;
    sec->body_len = o->via.bin.size;
    sec->present = true;
    return 0;
}

/*  Reads kind, id and office from the first three fields.                  */
static int
s_get_head (s_in_t *in, uint8_t *kind, char *id, char *office)
{
    int rc;
    if ((rc = s_get_small (in, 0, "kind", 255, kind))
        || (rc = s_get_str (in, 1, "id", id, LNT_ID_MAX))
        || (rc = s_get_str (in, 2, "office", office, LNT_OFFICE_MAX)))
        return rc;
    if (*kind < LNT_KIND_SUGGESTION || *kind > LNT_KIND_REF)
        return s_bad (in, 0, "kind", "is not a known kind");
    if (!*id)
        return s_bad (in, 1, "id", "is empty");
    return 0;
}

int
lnt_codec_record_encode (const lnt_record_t *record, lnt_buf_t *out)
{
    size_t id_len = strlen (record->id), office_len = strlen (record->office);
    size_t most = 3 * S_W_HEAD + id_len + office_len
                  + s_w_section_most (&record->sec[0])
                  + s_w_section_most (&record->sec[1]);
    s_w_t w;
    if (s_w_begin (&w, out, most))
        return LNT_ENOMEM;
    s_w_array (&w, 5);
    s_w_uint (&w, record->kind);
    s_w_str (&w, record->id, id_len);
    s_w_str (&w, record->office, office_len);
    s_w_section (&w, &record->sec[0]);
    s_w_section (&w, &record->sec[1]);
    return s_w_end (&w, out, most);
}

int
lnt_codec_record_decode (const void *data, size_t len, lnt_record_t *record,
                         lnt_why_t *why)
{
    s_doc_t un;
    s_in_t in = {NULL, "record", why};
    memset (record, 0, sizeof *record);
    int rc = s_unpack (&un, data, len, 5, &in);
    if (!rc)
        rc = s_get_head (&in, &record->kind, record->id, record->office);
    for (uint32_t s = 0; !rc && s < 2; s++) {
        const msgpack_object *o = &in.a->ptr[3 + s];
        if (o->type == MSGPACK_OBJECT_NIL)
            continue;
        if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 4) {
            rc = s_bad (&in, 3 + s, "section", "is not nil or an array of 4");
            break;
        }
        s_in_t sin = {&o->via.array, "record section", why};
        rc = s_get_state (&sin, 0, &record->sec[s]);
    }
    s_doc_release (&un);
    return rc;
}

int
lnt_codec_change_encode (const lnt_change_t *change, lnt_buf_t *out)
{
    const lnt_section_t *st = &change->state;
    size_t id_len = strlen (change->id), office_len = strlen (change->office);
    size_t body_len = st->deleted ? 0 : st->body_len;
    size_t most = 8 * S_W_HEAD + id_len + office_len + body_len;
    s_w_t w;
    if (s_w_begin (&w, out, most))
        return LNT_ENOMEM;
    s_w_array (&w, 8);
    s_w_uint (&w, change->kind);
    s_w_str (&w, change->id, id_len);
    s_w_str (&w, change->office, office_len);
    s_w_uint (&w, change->section);
    s_w_uint (&w, st->version);
    s_w_uint (&w, st->node);
    s_w_bool (&w, st->deleted);
    s_w_bin (&w, st->body, body_len);
    return s_w_end (&w, out, most);
}

int
lnt_codec_change_from_object (const void *object, lnt_change_t *change,
                              lnt_why_t *why)
{
    const msgpack_object *o = object;
    memset (change, 0, sizeof *change);
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 8)
        return lnt_why (why, LNT_EINVAL, "change: not an array of 8 fields");
    s_in_t in = {&o->via.array, "change", why};
    int rc = s_get_head (&in, &change->kind, change->id, change->office);
    if (!rc)
        rc = s_get_small (&in, 3, "section", 1, &change->section);
    if (!rc)
        rc = s_get_state (&in, 4, &change->state);
    return rc;
}

int
lnt_codec_change_decode (const void *data, size_t len, lnt_change_t *change,
                         lnt_why_t *why)
{
    s_doc_t un;
    s_in_t in = {NULL, "change", why};
    memset (change, 0, sizeof *change);
    int rc = s_unpack (&un, data, len, 8, &in);
    if (!rc)
        rc = lnt_codec_change_from_object (&un.data, change, why);
    s_doc_release (&un);
    return rc;
}

/*  ---- bodies ------------------------------------------------------------ */

int
lnt_codec_suggestion_encode (const lnt_suggestion_t *s, lnt_buf_t *out)
{
    size_t category_len = strlen (s->category);
    size_t subject_len = strlen (s->subject);
    size_t text_len = strlen (s->text);
    size_t response_len = strlen (s->response);
    size_t history_len = s->history_len > 0 ? (size_t) s->history_len : 0;
    size_t note_len[LNT_HISTORY_MAX];
    size_t most = 13 * S_W_HEAD + category_len + subject_len + text_len
                  + response_len;
    assert (s->history_len >= 0 && history_len <= LNT_HISTORY_MAX);
    for (size_t i = 0; i < history_len; i++) {
        note_len[i] = strlen (s->history[i].note);
        most += 4 * S_W_HEAD + note_len[i];
    }
    s_w_t w;
    if (s_w_begin (&w, out, most))
        return LNT_ENOMEM;
    s_w_array (&w, 12);
    s_w_int (&w, s->received);
    s_w_uint (&w, s->channel);
    s_w_uint (&w, s->class_);
    s_w_bool (&w, s->field_check);
    s_w_uint (&w, s->privacy);
    s_w_str (&w, s->category, category_len);
    s_w_str (&w, s->subject, subject_len);
    s_w_str (&w, s->text, text_len);
    s_w_uint (&w, s->status);
    s_w_array (&w, history_len);
    for (size_t i = 0; i < history_len; i++) {
        s_w_array (&w, 3);
        s_w_uint (&w, s->history[i].status);
        s_w_int (&w, s->history[i].at);
        s_w_str (&w, s->history[i].note, note_len[i]);
    }
    s_w_str (&w, s->response, response_len);
    s_w_int (&w, s->responded);
    return s_w_end (&w, out, most);
}

/*  Instants on the wire: 2000-01-01 .. 2100-01-01 in ms, or 0 for none.   */
#define LNT_MS_MIN 946684800000LL
#define LNT_MS_MAX 4102444800000LL

static int
s_get_ms (s_in_t *in, uint32_t i, const char *field, bool optional,
          int64_t *value)
{
    int rc = s_get_i64 (in, i, field, optional ? 0 : LNT_MS_MIN, LNT_MS_MAX,
                        value);
    if (!rc && optional && *value && *value < LNT_MS_MIN)
        return s_bad (in, i, field, "is out of range");
    return rc;
}

int
lnt_codec_suggestion_decode (const void *data, size_t len,
                             lnt_suggestion_t *s, lnt_why_t *why)
{
    s_doc_t un;
    s_in_t in = {NULL, "suggestion body", why};
    int rc = s_unpack (&un, data, len, 12, &in);
    if (!rc
        && !(rc = s_get_ms (&in, 0, "received", false, &s->received))
        && !(rc = s_get_small (&in, 1, "channel", LNT_CH_COUNT - 1,
                               &s->channel))
        && !(rc = s_get_small (&in, 2, "class", LNT_CL_COUNT - 1, &s->class_))
        && !(rc = s_get_bool (&in, 3, "field_check", &s->field_check))
        && !(rc = s_get_small (&in, 4, "privacy", LNT_PR_COUNT - 1,
                               &s->privacy))
        && !(rc = s_get_str (&in, 5, "category", s->category,
                             LNT_CATEGORY_MAX))
        && !(rc = s_get_str (&in, 6, "subject", s->subject, LNT_SUBJECT_MAX))
        && !(rc = s_get_str (&in, 7, "text", s->text, LNT_TEXT_MAX))
        && !(rc = s_get_small (&in, 8, "status", LNT_ST_COUNT - 1,
                               &s->status))
        && !(rc = s_get_str (&in, 10, "response", s->response, LNT_TEXT_MAX))
        && !(rc = s_get_ms (&in, 11, "responded", true, &s->responded))) {
        const msgpack_object *h = &in.a->ptr[9];
        if (h->type != MSGPACK_OBJECT_ARRAY
            || h->via.array.size > LNT_HISTORY_MAX)
            rc = s_bad (&in, 9, "history", "is not an array of at most 32");
        else
            s->history_len = (uint8_t) h->via.array.size;
        for (uint32_t i = 0; !rc && i < s->history_len; i++) {
            const msgpack_object *step = &h->via.array.ptr[i];
            if (step->type != MSGPACK_OBJECT_ARRAY
                || step->via.array.size < 3) {
                rc = s_bad (&in, 9, "history", "has a step that is not "
                            "[status, at, note]");
                break;
            }
            s_in_t sin = {&step->via.array, "suggestion history step", why};
            if ((rc = s_get_small (&sin, 0, "status", LNT_ST_COUNT - 1,
                                   &s->history[i].status))
                || (rc = s_get_ms (&sin, 1, "at", false, &s->history[i].at)))
                break;
            rc = s_get_str (&sin, 2, "note", s->history[i].note, LNT_NOTE_MAX);
        }
    }
    s_doc_release (&un);
    return rc;
}

int
lnt_codec_private_encode (const lnt_private_t *p, lnt_buf_t *out)
{
    lnt_pack_out_t o;
    msgpack_packer pk;
    lnt_pack_init (&pk, &o, out);
    msgpack_pack_array (&pk, 3);
    lnt_pack_str (&pk, p->reporter_name);
    lnt_pack_str (&pk, p->reporter_contact);
    lnt_pack_str (&pk, p->text);
    return lnt_pack_finish (&o);
}

int
lnt_codec_private_decode (const void *data, size_t len, lnt_private_t *p,
                          lnt_why_t *why)
{
    s_doc_t un;
    s_in_t in = {NULL, "private data", why};
    int rc = s_unpack (&un, data, len, 3, &in);
    if (!rc
        && !(rc = s_get_str (&in, 0, "reporter_name", p->reporter_name,
                             LNT_NAME_MAX))
        && !(rc = s_get_str (&in, 1, "reporter_contact", p->reporter_contact,
                             LNT_NAME_MAX)))
        rc = s_get_str (&in, 2, "text", p->text, LNT_TEXT_MAX);
    s_doc_release (&un);
    return rc;
}

int
lnt_codec_rb_item_encode (const lnt_rb_item_t *r, lnt_buf_t *out)
{
    lnt_pack_out_t o;
    msgpack_packer pk;
    lnt_pack_init (&pk, &o, out);
    msgpack_pack_array (&pk, 14);
    msgpack_pack_int (&pk, r->year);
    msgpack_pack_int (&pk, r->area);
    lnt_pack_str (&pk, r->programme);
    lnt_pack_str (&pk, r->activity);
    lnt_pack_str (&pk, r->sub_activity);
    lnt_pack_str (&pk, r->indicator);
    msgpack_pack_int64 (&pk, r->target);
    lnt_pack_str (&pk, r->unit);
    msgpack_pack_int64 (&pk, r->realisation);
    msgpack_pack_uint8 (&pk, r->status);
    if (r->due == LNT_NONE_DAY)
        msgpack_pack_nil (&pk);
    else
        msgpack_pack_int32 (&pk, r->due);
    lnt_pack_str (&pk, r->person);
    lnt_pack_str (&pk, r->evidence);
    msgpack_pack_int64 (&pk, r->updated);
    return lnt_pack_finish (&o);
}

int
lnt_codec_rb_item_decode (const void *data, size_t len, lnt_rb_item_t *r,
                          lnt_why_t *why)
{
    s_doc_t un;
    s_in_t in = {NULL, "action-plan body", why};
    int rc = s_unpack (&un, data, len, 14, &in);
    const int64_t big = 1000000000000000LL;
    if (!rc && !(rc = s_get_int (&in, 0, "year", 0, 9999, &r->year))
        && !(rc = s_get_int (&in, 1, "area", 0, 99, &r->area))
        && !(rc = s_get_str (&in, 2, "programme", r->programme, LNT_SHORT_MAX))
        && !(rc = s_get_str (&in, 3, "activity", r->activity, LNT_SHORT_MAX))
        && !(rc = s_get_str (&in, 4, "sub_activity", r->sub_activity,
                             LNT_SHORT_MAX))
        && !(rc = s_get_str (&in, 5, "indicator", r->indicator,
                             LNT_SHORT_MAX))
        && !(rc = s_get_i64 (&in, 6, "target", 0, big, &r->target))
        && !(rc = s_get_str (&in, 7, "unit", r->unit, LNT_UNIT_MAX))
        && !(rc = s_get_i64 (&in, 8, "realisation", 0, big, &r->realisation))
        && !(rc = s_get_small (&in, 9, "status", LNT_RB_COUNT - 1,
                               &r->status))
        && !(rc = s_get_str (&in, 11, "person", r->person, LNT_NAME_MAX))
        && !(rc = s_get_str (&in, 12, "evidence", r->evidence,
                             LNT_EVIDENCE_MAX))
        && !(rc = s_get_ms (&in, 13, "updated", true, &r->updated))) {
        int due;
        if (in.a->ptr[10].type == MSGPACK_OBJECT_NIL)
            r->due = LNT_NONE_DAY;
        else if (!(rc = s_get_int (&in, 10, "due", 0, 2932896, &due)))
            r->due = due;
    }
    s_doc_release (&un);
    return rc;
}

int
lnt_codec_lke_answer_encode (const lnt_lke_answer_t *a, lnt_buf_t *out)
{
    lnt_pack_out_t o;
    msgpack_packer pk;
    lnt_pack_init (&pk, &o, out);
    msgpack_pack_array (&pk, 7);
    msgpack_pack_int (&pk, a->year);
    lnt_pack_str (&pk, a->instrument);
    lnt_pack_str (&pk, a->item);
    lnt_pack_str (&pk, a->answer);
    lnt_pack_str (&pk, a->justification);
    lnt_pack_str (&pk, a->evidence);
    msgpack_pack_int64 (&pk, a->answered);
    return lnt_pack_finish (&o);
}

int
lnt_codec_lke_answer_decode (const void *data, size_t len,
                             lnt_lke_answer_t *a, lnt_why_t *why)
{
    s_doc_t un;
    s_in_t in = {NULL, "LKE answer body", why};
    int rc = s_unpack (&un, data, len, 7, &in);
    if (!rc && !(rc = s_get_int (&in, 0, "year", 0, 9999, &a->year))
        && !(rc = s_get_str (&in, 1, "instrument", a->instrument,
                             LNT_INSTRUMENT_MAX))
        && !(rc = s_get_str (&in, 2, "item", a->item, LNT_ITEM_MAX))
        && !(rc = s_get_str (&in, 3, "answer", a->answer, LNT_ANSWER_MAX))
        && !(rc = s_get_str (&in, 4, "justification", a->justification,
                             LNT_TEXT_MAX))
        && !(rc = s_get_str (&in, 5, "evidence", a->evidence,
                             LNT_EVIDENCE_MAX)))
        rc = s_get_ms (&in, 6, "answered", true, &a->answered);
    s_doc_release (&un);
    return rc;
}

int
lnt_codec_lke_verdict_encode (const lnt_lke_verdict_t *v, lnt_buf_t *out)
{
    lnt_pack_out_t o;
    msgpack_packer pk;
    lnt_pack_init (&pk, &o, out);
    msgpack_pack_array (&pk, 3);
    lnt_pack_str (&pk, v->answer);
    lnt_pack_str (&pk, v->note);
    msgpack_pack_int64 (&pk, v->verified);
    return lnt_pack_finish (&o);
}

int
lnt_codec_lke_verdict_decode (const void *data, size_t len,
                              lnt_lke_verdict_t *v, lnt_why_t *why)
{
    s_doc_t un;
    s_in_t in = {NULL, "LKE verdict body", why};
    int rc = s_unpack (&un, data, len, 3, &in);
    if (!rc && !(rc = s_get_str (&in, 0, "answer", v->answer, LNT_ANSWER_MAX))
        && !(rc = s_get_str (&in, 1, "note", v->note, LNT_NOTE_MAX)))
        rc = s_get_ms (&in, 2, "verified", true, &v->verified);
    s_doc_release (&un);
    return rc;
}
