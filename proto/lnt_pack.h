/*  lnt_pack.h - inside proto/ only: what the record codec and the message
    codec share: packing into an lnt_buf_t, and a check of a frame's
    msgpack framing before msgpack-c unpacks it.                           */
#ifndef LNT_PACK_H
#define LNT_PACK_H

#include <msgpack.h>
#include <stdbool.h>

#include "lnt_buf.h"

/*  The packer writes into an lnt_buf_t. The first failed append is kept
    and turns every later write into a no-op, so an encoder checks once at
    the end and never leaves bytes with a hole in the middle.             */
typedef struct {
    lnt_buf_t *buf; /* where the bytes go                                   */
    size_t before;  /* its length when the encoder started                  */
    int rc;         /* 0, or the first append's error                        */
} lnt_pack_out_t;

/*  Starts an encoding into buf: a packer writing through out.             */
void lnt_pack_init (msgpack_packer *pk, lnt_pack_out_t *out, lnt_buf_t *buf);

/*  Ends it: 0, or LNT_ENOMEM with the buffer back at its length before.  */
int lnt_pack_finish (lnt_pack_out_t *out);

void lnt_pack_str (msgpack_packer *pk, const char *text);
void lnt_pack_bin (msgpack_packer *pk, const void *data, size_t len);

/*  Walks the framing of the first msgpack object in data without building
    it. msgpack-c allocates an array's or map's slots from the count in its
    header before it reads one element, so a 5-byte frame claiming 2^32
    elements asks for ~100 GB. Every element takes at least one byte, so a
    frame is refused when more objects are owed than bytes are left, or a
    string, bin or ext runs past the end. True when it is sane.           */
bool lnt_pack_sane (const void *data, size_t len);

#endif
