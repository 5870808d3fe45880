/*  lnt_pack.c - packing into buffers and checking frames, for the codecs. */
#include <string.h>

#include "lnt_error.h"
#include "lnt_pack.h"

static int
s_write (void *data, const char *bytes, size_t len)
{
    lnt_pack_out_t *out = data;
    if (!out->rc)
        out->rc = lnt_buf_append (out->buf, bytes, len);
    return out->rc;
}

void
lnt_pack_init (msgpack_packer *pk, lnt_pack_out_t *out, lnt_buf_t *buf)
{
    *out = (lnt_pack_out_t){buf, buf->len, 0};
    msgpack_packer_init (pk, out, s_write);
}

int
lnt_pack_finish (lnt_pack_out_t *out)
{
    if (out->rc)
        out->buf->len = out->before;
    return out->rc ? LNT_ENOMEM : 0;
}

void
lnt_pack_str (msgpack_packer *pk, const char *text)
{
    size_t len = strlen (text);
    msgpack_pack_str (pk, len);
    msgpack_pack_str_body (pk, text, len);
}

void
lnt_pack_bin (msgpack_packer *pk, const void *data, size_t len)
{
    msgpack_pack_bin (pk, len);
    msgpack_pack_bin_body (pk, data, len);
}

/*  Big-endian unsigned of n bytes at p.                                    */
static uint64_t
s_be (const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

bool
lnt_pack_sane (const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t pos = 0, owed = 1;
    while (owed > 0) {
        if (pos >= len)
            return false;
        unsigned b = p[pos++];
        owed--;
        uint64_t items = 0; /* objects that follow (a map: keys and values) */
        uint64_t skip = 0;  /* payload bytes after the header               */
        size_t head = 0;    /* length bytes after the type byte             */
        bool map = false;   /* items counts pairs                           */
        bool ext = false;   /* a type byte follows the length               */
        bool count = false; /* head holds an item count, not a length       */
        if (b <= 0x7f || b >= 0xe0 || (b >= 0xc0 && b <= 0xc3))
            ; /* fixint, nil, (never used: msgpack-c refuses it), bool     */
        else if (b <= 0x8f)
            items = 2u * (b & 0x0fu);
        else if (b <= 0x9f)
            items = b & 0x0fu;
        else if (b <= 0xbf)
            skip = b & 0x1fu;
        else if (b <= 0xc6) /* bin 8, 16, 32                               */
            head = (size_t) 1 << (b - 0xc4);
        else if (b <= 0xc9) { /* ext 8, 16, 32                             */
            head = (size_t) 1 << (b - 0xc7);
            ext = true;
        }
        else if (b <= 0xcb) /* float 32, 64                                */
            skip = b == 0xca ? 4 : 8;
        else if (b <= 0xd3) /* uint and int 8 to 64                        */
            skip = 1u << ((b - 0xcc) & 3);
        else if (b <= 0xd8) /* fixext 1 to 16 and its type byte            */
            skip = 1 + (1u << (b - 0xd4));
        else if (b <= 0xdb) /* str 8, 16, 32                               */
            head = (size_t) 1 << (b - 0xd9);
        else {              /* array 16, 32; map 16, 32                    */
            head = b == 0xdc || b == 0xde ? 2 : 4;
            map = b >= 0xde;
            count = true;
        }
        if (head) {
            if (head > len - pos)
                return false;
            uint64_t n = s_be (p + pos, head);
            pos += head;
            if (count)
                items = map ? 2 * n : n;
            else
                skip = n + ext;
        }
        if (skip > len - pos)
            return false;
        pos += (size_t) skip;
        size_t left = len - pos;
        if (owed > left || items > left - owed)
            return false;
        owed += (size_t) items;
    }
    return true;
}
