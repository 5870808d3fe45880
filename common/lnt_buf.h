/*  lnt_buf.h - a growable byte buffer, for encoded records and frames.     */
#ifndef LNT_BUF_H
#define LNT_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct {
    char *data; /* the bytes; owned; NULL until the first append          */
    size_t len; /* bytes in use                                            */
    size_t cap; /* bytes allocated                                         */
} lnt_buf_t;

/*  Makes room for len more bytes (doubling). 0 or LNT_ENOMEM (the buffer
    is unchanged then). lnt_buf_append calls it when it must grow.        */
int lnt_buf_reserve (lnt_buf_t *self, size_t len);

/*  Appends len bytes. 0 or LNT_ENOMEM (the buffer is unchanged then).
    Inline: the encoders append a few bytes at a time, many times for
    every record, and a call each would cost more than the copy.          */
inline int
lnt_buf_append (lnt_buf_t *self, const void *bytes, size_t len)
{
    if (len > self->cap - self->len) {
        int rc = lnt_buf_reserve (self, len);
        if (rc)
            return rc;
    }
    if (len)
        memcpy (self->data + self->len, bytes, len);
    self->len += len;
    return 0;
}

/*  Empties the buffer and keeps its memory.                               */
void lnt_buf_reset (lnt_buf_t *self);

/*  Frees the memory; the buffer is empty and usable again.                */
void lnt_buf_free (lnt_buf_t *self);

#endif
