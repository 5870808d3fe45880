/*  lnt_buf.h - a growable byte buffer, for encoded records and frames.     */
#ifndef LNT_BUF_H
#define LNT_BUF_H

#include <stddef.h>

typedef struct {
    char *data; /* the bytes; owned; NULL until the first append          */
    size_t len; /* bytes in use                                            */
    size_t cap; /* bytes allocated                                         */
} lnt_buf_t;

/*  Appends len bytes. 0 or LNT_ENOMEM (the buffer is unchanged then).     */
int lnt_buf_append (lnt_buf_t *self, const void *bytes, size_t len);

/*  Empties the buffer and keeps its memory.                               */
void lnt_buf_reset (lnt_buf_t *self);

/*  Frees the memory; the buffer is empty and usable again.                */
void lnt_buf_free (lnt_buf_t *self);

#endif
