/*  lnt_buf.c - a growable byte buffer.                                     */
#include <stdlib.h>
#include <string.h>

#include "lnt_buf.h"
#include "lnt_error.h"

/*  The one external definition of the inline function in lnt_buf.h.       */
extern inline int lnt_buf_append (lnt_buf_t *self, const void *bytes,
                                  size_t len);

int
lnt_buf_reserve (lnt_buf_t *self, size_t len)
{
    if (len <= self->cap - self->len)
        return 0;
    if (len > ((size_t) -1) / 2 - self->len)
        return LNT_ENOMEM;
    size_t cap = self->cap ? self->cap : 256;
    while (cap < self->len + len)
        cap *= 2;
    char *data = realloc (self->data, cap);
    if (!data)
        return LNT_ENOMEM;
    self->data = data;
    self->cap = cap;
    return 0;
}

void
lnt_buf_reset (lnt_buf_t *self)
{
    self->len = 0;
}

void
lnt_buf_free (lnt_buf_t *self)
{
    free (self->data);
    self->data = NULL;
    self->len = self->cap = 0;
}
