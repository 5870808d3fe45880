/*  lnt_msg.c - encoding and strict decoding of protocol messages.         */
#include <stdlib.h>
#include <string.h>

#include "lnt_codec_object.h"
#include "lnt_pack.h"
#include "lnt_msg.h"

/*  Fields of each type after [version, type], in order.                   */
static int
s_field_count (uint8_t type)
{
    switch (type) {
        case LNT_MSG_HELLO: return 6;  /* + clock, down_version (optional) */
        case LNT_MSG_BATCH:
        case LNT_MSG_DOWN:
        case LNT_MSG_RESTORE: return 4;
        case LNT_MSG_DOWN_ACK:
        case LNT_MSG_ACK: return 1;
        case LNT_MSG_QUERY: return 3;
        case LNT_MSG_WELCOME: return 4; /* + version, down_from, restore
                                           (optional)                    */
        case LNT_MSG_REFUSE: return 3;
        case LNT_MSG_ANSWER: return 2;
        default: return -1;
    }
}

int
lnt_msg_batch_begin (lnt_buf_t *out, uint8_t type, uint64_t seq,
                     uint64_t last, uint32_t count)
{
    lnt_pack_out_t o;
    msgpack_packer pk;
    lnt_pack_init (&pk, &o, out);
    /* A DOWN ends with the version of the hub's change at last, after the
       changes: lnt_msg_batch_end writes it.                              */
    msgpack_pack_array (&pk, type == LNT_MSG_DOWN ? 7 : 6);
    msgpack_pack_uint8 (&pk, LNT_PROTO_VERSION);
    msgpack_pack_uint8 (&pk, type);
    msgpack_pack_uint64 (&pk, seq);
    msgpack_pack_uint64 (&pk, last);
    msgpack_pack_uint32 (&pk, count);
    msgpack_pack_array (&pk, count);
    return lnt_pack_finish (&o);
}

int
lnt_msg_batch_end (lnt_buf_t *out, uint8_t type, uint64_t last_version)
{
    if (type != LNT_MSG_DOWN)
        return 0;
    lnt_pack_out_t o;
    msgpack_packer pk;
    lnt_pack_init (&pk, &o, out);
    msgpack_pack_uint64 (&pk, last_version);
    return lnt_pack_finish (&o);
}

int
lnt_msg_encode (const lnt_msg_t *m, lnt_buf_t *out)
{
    int fields = s_field_count (m->type);
    if (fields < 0 || m->type == LNT_MSG_BATCH || m->type == LNT_MSG_DOWN
        || m->type == LNT_MSG_RESTORE
        || (m->type == LNT_MSG_QUERY && m->arg_count > LNT_QUERY_ARGS_MAX))
        return LNT_EINVAL;
    lnt_pack_out_t o;
    msgpack_packer pk;
    lnt_pack_init (&pk, &o, out);
    /* Fields this version writes: the required ones and those a later
       version added at the end (optional for a decoder).                */
    int extra = m->type == LNT_MSG_HELLO ? 2 : m->type == LNT_MSG_WELCOME ? 3
                                                                          : 0;
    msgpack_pack_array (&pk, 2 + (size_t) fields + (size_t) extra);
    msgpack_pack_uint8 (&pk, LNT_PROTO_VERSION);
    msgpack_pack_uint8 (&pk, m->type);
    switch (m->type) {
        case LNT_MSG_HELLO:
            lnt_pack_str (&pk, m->office);
            msgpack_pack_uint64 (&pk, m->incarnation);
            msgpack_pack_uint64 (&pk, m->log_head);
            msgpack_pack_uint64 (&pk, m->acked);
            msgpack_pack_uint64 (&pk, m->hub_incarnation);
            msgpack_pack_uint64 (&pk, m->down_applied);
            msgpack_pack_uint64 (&pk, m->clock);
            msgpack_pack_uint64 (&pk, m->down_version);
            break;
        case LNT_MSG_DOWN_ACK:
        case LNT_MSG_ACK:
            msgpack_pack_uint64 (&pk, m->seq);
            break;
        case LNT_MSG_QUERY:
            lnt_pack_str (&pk, m->text);
            msgpack_pack_uint8 (&pk, m->format);
            msgpack_pack_array (&pk, m->arg_count);
            for (int i = 0; i < m->arg_count; i++) {
                msgpack_pack_array (&pk, 2);
                lnt_pack_str (&pk, m->args[i].key);
                lnt_pack_str (&pk, m->args[i].value);
            }
            break;
        case LNT_MSG_WELCOME:
            msgpack_pack_uint8 (&pk, m->verdict);
            msgpack_pack_uint64 (&pk, m->seq);
            msgpack_pack_uint64 (&pk, m->incarnation);
            msgpack_pack_uint32 (&pk, m->window);
            msgpack_pack_uint64 (&pk, m->version);
            msgpack_pack_uint64 (&pk, m->down_from);
            msgpack_pack_uint64 (&pk, m->restore);
            break;
        case LNT_MSG_REFUSE:
            msgpack_pack_uint16 (&pk, m->code);
            msgpack_pack_uint64 (&pk, m->seq);
            lnt_pack_str (&pk, m->text);
            break;
        case LNT_MSG_ANSWER:
            msgpack_pack_uint16 (&pk, m->code);
            msgpack_pack_str (&pk, m->body_len);
            msgpack_pack_str_body (&pk, m->body, m->body_len);
            break;
    }
    return lnt_pack_finish (&o);
}

/*  ---- decoding ---------------------------------------------------------- */

typedef struct {
    const msgpack_object *f; /* the message's fields                       */
    lnt_why_t *why;          /* what is wrong                              */
    const char *name;        /* message name, for messages                 */
    uint32_t size;           /* how many fields there are                  */
} s_in_t;

static int
s_bad (s_in_t *in, int i, const char *problem)
{
    return lnt_why (in->why, LNT_EINVAL, "%s message: field %d %s", in->name,
                    i, problem);
}

static int
s_u64 (s_in_t *in, int i, uint64_t max, uint64_t *value)
{
    const msgpack_object *o = &in->f[i];
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > max)
        return s_bad (in, i, "is not an integer in range");
    *value = o->via.u64;
    return 0;
}

static int
s_strf (s_in_t *in, int i, char *buf, size_t max, bool nonempty)
{
    const msgpack_object *o = &in->f[i];
    if (o->type != MSGPACK_OBJECT_STR || o->via.str.size > max
        || (nonempty && o->via.str.size == 0))
        return s_bad (in, i, "is not a string of the right length");
    /* msgpack-c gives an empty string a NULL ptr; memchr and memcpy must
       not see it, even with a length of 0 (C11 7.24.1).                  */
    if (o->via.str.size && memchr (o->via.str.ptr, 0, o->via.str.size))
        return s_bad (in, i, "holds a NUL byte");
    if (o->via.str.size)
        memcpy (buf, o->via.str.ptr, o->via.str.size);
    buf[o->via.str.size] = 0;
    return 0;
}

/*  An optional field a later version added at the end: 0 when absent.   */
static int
s_opt_u64 (s_in_t *in, uint32_t i, uint64_t *value)
{
    *value = 0;
    return i < in->size ? s_u64 (in, (int) i, UINT64_MAX, value) : 0;
}

static const char *
s_name (uint8_t type)
{
    switch (type) {
        case LNT_MSG_HELLO: return "HELLO";
        case LNT_MSG_BATCH: return "BATCH";
        case LNT_MSG_DOWN_ACK: return "DOWN_ACK";
        case LNT_MSG_QUERY: return "QUERY";
        case LNT_MSG_WELCOME: return "WELCOME";
        case LNT_MSG_ACK: return "ACK";
        case LNT_MSG_REFUSE: return "REFUSE";
        case LNT_MSG_DOWN: return "DOWN";
        case LNT_MSG_ANSWER: return "ANSWER";
        case LNT_MSG_RESTORE: return "RESTORE";
        default: return "unknown";
    }
}

static int
s_decode_fields (s_in_t *in, lnt_msg_t *m)
{
    const msgpack_object *f = in->f;
    uint64_t v = 0;
    int rc = 0;
    switch (m->type) {
        case LNT_MSG_HELLO:
            if ((rc = s_strf (in, 2, m->office, LNT_OFFICE_MAX, true))
                || (rc = s_u64 (in, 3, UINT64_MAX, &m->incarnation))
                || (rc = s_u64 (in, 4, UINT64_MAX, &m->log_head))
                || (rc = s_u64 (in, 5, UINT64_MAX, &m->acked))
                || (rc = s_u64 (in, 6, UINT64_MAX, &m->hub_incarnation))
                || (rc = s_u64 (in, 7, UINT64_MAX, &m->down_applied))
                || (rc = s_opt_u64 (in, 8, &m->clock))
                || (rc = s_opt_u64 (in, 9, &m->down_version)))
                return rc;
            if (m->incarnation == 0)
                return s_bad (in, 3, "(incarnation) must not be 0");
            return 0;
        case LNT_MSG_BATCH:
        case LNT_MSG_DOWN:
        case LNT_MSG_RESTORE:
            if ((rc = s_u64 (in, 2, UINT64_MAX, &m->seq))
                || (rc = s_u64 (in, 3, UINT64_MAX, &m->last))
                || (rc = s_u64 (in, 4, LNT_BATCH_MAX, &v)))
                return rc;
            m->count = (uint32_t) v;
            if (f[5].type != MSGPACK_OBJECT_ARRAY
                || f[5].via.array.size != m->count)
                return s_bad (in, 5, "is not an array of count changes");
            if (m->type == LNT_MSG_RESTORE)
                return 0;
            if (m->type == LNT_MSG_DOWN
                && (rc = s_opt_u64 (in, 6, &m->last_version)))
                return rc;
            if (m->seq == 0 || m->last < m->seq)
                return s_bad (in, 2, "(first sequence) must be above 0 and "
                              "at most the last");
            if (m->type == LNT_MSG_BATCH
                && (m->count == 0 || m->last - m->seq + 1 != m->count))
                return s_bad (in, 4, "(count) must be last - first + 1");
            if (m->last - m->seq >= LNT_BATCH_MAX)
                return s_bad (in, 3, "(last) is too far from the first");
            /* A DOWN may skip sequences, never hold more than it covers. */
            if (m->count > m->last - m->seq + 1)
                return s_bad (in, 4, "(count) is more than last - first + 1");
            return 0;
        case LNT_MSG_DOWN_ACK:
        case LNT_MSG_ACK:
            return s_u64 (in, 2, UINT64_MAX, &m->seq);
        case LNT_MSG_QUERY:
            if ((rc = s_strf (in, 2, m->text, 31, true))
                || (rc = s_u64 (in, 3, 2, &v)))
                return rc;
            m->format = (uint8_t) v;
            if (f[4].type != MSGPACK_OBJECT_ARRAY
                || f[4].via.array.size > LNT_QUERY_ARGS_MAX)
                return s_bad (in, 4, "is not an array of at most 8 arguments");
            m->arg_count = (uint8_t) f[4].via.array.size;
            for (int i = 0; i < m->arg_count; i++) {
                const msgpack_object *a = &f[4].via.array.ptr[i];
                /* [name, value], and whatever a later version adds.     */
                if (a->type != MSGPACK_OBJECT_ARRAY || a->via.array.size < 2)
                    return s_bad (in, 4, "holds an argument that is not "
                                  "[name, value]");
                s_in_t ain = {a->via.array.ptr, in->why, in->name,
                              a->via.array.size};
                if ((rc = s_strf (&ain, 0, m->args[i].key, 31, true))
                    || (rc = s_strf (&ain, 1, m->args[i].value, 127, false)))
                    return rc;
            }
            return 0;
        case LNT_MSG_WELCOME:
            if ((rc = s_u64 (in, 2, 1, &v)))
                return rc;
            m->verdict = (uint8_t) v;
            if ((rc = s_u64 (in, 3, UINT64_MAX, &m->seq))
                || (rc = s_u64 (in, 4, UINT64_MAX, &m->incarnation))
                || (rc = s_u64 (in, 5, 1024, &v)))
                return rc;
            m->window = (uint32_t) v;
            if (!m->window)
                return s_bad (in, 5, "(window) must be above 0");
            if ((rc = s_opt_u64 (in, 6, &m->version)))
                return rc;
            if ((rc = s_opt_u64 (in, 7, &m->down_from)))
                return rc;
            return s_opt_u64 (in, 8, &m->restore);
        case LNT_MSG_REFUSE:
            if ((rc = s_u64 (in, 2, UINT16_MAX, &v)))
                return rc;
            m->code = (uint16_t) v;
            if ((rc = s_u64 (in, 3, UINT64_MAX, &m->seq)))
                return rc;
            return s_strf (in, 4, m->text, sizeof m->text - 1, false);
        case LNT_MSG_ANSWER:
            if ((rc = s_u64 (in, 2, 255, &v)))
                return rc;
            m->code = (uint16_t) v;
            if (f[3].type != MSGPACK_OBJECT_STR
                || f[3].via.str.size > LNT_REPLY_MAX)
                return s_bad (in, 3, "is not the answer's text");
            /* Never NULL, so callers may hand it to fwrite and memcpy.  */
            m->body = f[3].via.str.size ? f[3].via.str.ptr : "";
            m->body_len = f[3].via.str.size;
            return 0;
        default:
            return lnt_why (in->why, LNT_EINVAL, "unknown message type %u",
                            m->type);
    }
}

int
lnt_msg_decode (const void *data, size_t len, lnt_msg_t *m, lnt_why_t *why)
{
    memset (m, 0, sizeof *m);
    msgpack_unpacked *un = malloc (sizeof *un);
    if (!un)
        return LNT_ENOMEM;
    msgpack_unpacked_init (un);
    m->impl = un;
    size_t off = 0;
    if (!data || !len || !lnt_pack_sane (data, len)
        || msgpack_unpack_next (un, data, len, &off) != MSGPACK_UNPACK_SUCCESS)
        return lnt_why (why, LNT_EINVAL, "frame of %zu bytes is not msgpack",
                        len);
    if (off != len)
        return lnt_why (why, LNT_EINVAL, "frame has %zu stray bytes after the "
                        "message", len - off);
    const msgpack_object *o = &un->data;
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 2
        || o->via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER
        || o->via.array.ptr[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return lnt_why (why, LNT_EINVAL, "frame is not [version, type, ...]");
    uint64_t version = o->via.array.ptr[0].via.u64;
    uint64_t type = o->via.array.ptr[1].via.u64;
    if (version != LNT_PROTO_VERSION) {
        m->code = LNT_REFUSE_VERSION; /* answer with the version refusal  */
        return lnt_why (why, LNT_EINVAL, "protocol version %llu, this side "
                        "speaks %d", (unsigned long long) version,
                        LNT_PROTO_VERSION);
    }
    m->type = type < 256 ? (uint8_t) type : 0;
    int fields = s_field_count (m->type);
    if (fields < 0)
        return lnt_why (why, LNT_EINVAL, "unknown message type %llu",
                        (unsigned long long) type);
    s_in_t in = {o->via.array.ptr, why, s_name (m->type), o->via.array.size};
    /* A newer peer may add fields at the end: more is fine, fewer not.   */
    if (o->via.array.size < 2 + (uint32_t) fields)
        return lnt_why (why, LNT_EINVAL, "%s message has %u fields, expected "
                        "%d", in.name, o->via.array.size, 2 + fields);
    int rc = s_decode_fields (&in, m);
    if (rc)
        m->code = 0; /* a REFUSE or ANSWER may have set it before failing:
                        only a version mismatch leaves LNT_REFUSE_VERSION */
    return rc;
}

void
lnt_msg_release (lnt_msg_t *m)
{
    msgpack_unpacked *un = m->impl;
    if (un) {
        msgpack_unpacked_destroy (un);
        free (un);
    }
    m->impl = NULL;
}

int
lnt_msg_change (const lnt_msg_t *m, uint32_t i, lnt_change_t *change,
                lnt_why_t *why)
{
    const msgpack_unpacked *un = m->impl;
    if (!un || (m->type != LNT_MSG_BATCH && m->type != LNT_MSG_DOWN
                && m->type != LNT_MSG_RESTORE)
        || i >= m->count)
        return lnt_why (why, LNT_EINVAL, "no change %u in this message", i);
    const msgpack_object *changes = &un->data.via.array.ptr[5];
    return lnt_codec_change_from_object (&changes->via.array.ptr[i], change,
                                         why);
}
