/*  lnt_codec.h - msgpack encoding of records, changes and their bodies.

    The only module that includes msgpack.h. Everything is a msgpack array
    with fields by position (no maps: fewer bytes on the wire); decoders
    accept longer arrays than they know, so a newer peer can add fields at
    the end. Every field is type- and bounds-checked; a decoder never
    trusts a length. proto/PROTOCOL.md is the normative description.

    Decoders return 0, or LNT_EINVAL with why naming the field. Bodies
    inside records and changes are msgpack bin fields; decoded sections and
    changes borrow them from the input bytes, so those must outlive them.  */
#ifndef LNT_CODEC_H
#define LNT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lnt_buf.h"
#include "lnt_error.h"
#include "lnt_record.h"

#define LNT_BODY_MAX 65536 /* the largest body of any section             */

typedef struct {
    bool present;     /* the section exists                                 */
    uint64_t version; /* hybrid-clock version                               */
    uint64_t node;    /* node id of its writer                              */
    bool deleted;     /* a tombstone: the record was deleted                */
    const void *body; /* encoded body, borrowed; NULL when deleted          */
    size_t body_len;  /* its length                                          */
} lnt_section_t;

typedef struct {
    uint8_t kind;                    /* lnt_kind_t                          */
    char id[LNT_ID_MAX + 1];         /* record id                           */
    char office[LNT_OFFICE_MAX + 1]; /* owning office                       */
    lnt_section_t sec[2];            /* office and province sections        */
} lnt_record_t;

/*  A change: the new state of one section of one record.                  */
typedef struct {
    uint8_t kind;                    /* lnt_kind_t                          */
    char id[LNT_ID_MAX + 1];         /* record id                           */
    char office[LNT_OFFICE_MAX + 1]; /* owning office                       */
    uint8_t section;                 /* LNT_SECTION_OFFICE or _PROVINCE     */
    lnt_section_t state;             /* the section's new state             */
} lnt_change_t;

/*  Records: [kind, id, office, office section, province section], each
    section nil or [version, node, deleted, body bin].                     */
int lnt_codec_record_encode (const lnt_record_t *record, lnt_buf_t *out);
int lnt_codec_record_decode (const void *data, size_t len,
                             lnt_record_t *record, lnt_why_t *why);

/*  Changes: [kind, id, office, section, version, node, deleted, body].    */
int lnt_codec_change_encode (const lnt_change_t *change, lnt_buf_t *out);
int lnt_codec_change_decode (const void *data, size_t len,
                             lnt_change_t *change, lnt_why_t *why);

/*  Bodies. Encoders append to out (0 or LNT_ENOMEM). Decoders fill every
    field but id and office, which come from the record.                   */
int lnt_codec_suggestion_encode (const lnt_suggestion_t *s, lnt_buf_t *out);
int lnt_codec_suggestion_decode (const void *data, size_t len,
                                 lnt_suggestion_t *s, lnt_why_t *why);
int lnt_codec_private_encode (const lnt_private_t *p, lnt_buf_t *out);
int lnt_codec_private_decode (const void *data, size_t len, lnt_private_t *p,
                              lnt_why_t *why);
int lnt_codec_rb_item_encode (const lnt_rb_item_t *r, lnt_buf_t *out);
int lnt_codec_rb_item_decode (const void *data, size_t len, lnt_rb_item_t *r,
                              lnt_why_t *why);
int lnt_codec_lke_answer_encode (const lnt_lke_answer_t *a, lnt_buf_t *out);
int lnt_codec_lke_answer_decode (const void *data, size_t len,
                                 lnt_lke_answer_t *a, lnt_why_t *why);
int lnt_codec_lke_verdict_encode (const lnt_lke_verdict_t *v, lnt_buf_t *out);
int lnt_codec_lke_verdict_decode (const void *data, size_t len,
                                  lnt_lke_verdict_t *v, lnt_why_t *why);

#endif
