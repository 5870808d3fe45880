/*  lnt_codec_object.h - inside proto/ only: decoding a change from an
    already unpacked msgpack object (a msgpack_object *), so a batch of
    changes is unpacked once and each change read in place.               */
#ifndef LNT_CODEC_OBJECT_H
#define LNT_CODEC_OBJECT_H

#include "lnt_codec.h"

/*  object is a const msgpack_object *. The change borrows from the frame
    the object was unpacked from. 0 or LNT_EINVAL.                        */
int lnt_codec_change_from_object (const void *object, lnt_change_t *change,
                                  lnt_why_t *why);

#endif
