/*  lnt_msg.h - the messages of the replication and query protocol.

    Every message is one ZeroMQ frame holding one msgpack array whose first
    element is the protocol version (LNT_PROTO_VERSION) and whose second is
    the message type. proto/PROTOCOL.md is the normative description; this
    is its codec. Decoding checks every field and bound and returns 0, or
    LNT_EINVAL (malformed: drop and count it) with why.

    Batches (BATCH up, DOWN down) carry changes exactly as they are stored
    in a node's log, so the sender copies log values into the frame and the
    receiver decodes each change in place with lnt_msg_change.           */
#ifndef LNT_MSG_H
#define LNT_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lnt_buf.h"
#include "lnt_codec.h"
#include "lnt_error.h"

#define LNT_PROTO_VERSION 1
#define LNT_BATCH_MAX 1000      /* the most changes in one batch           */
#define LNT_FRAME_MAX (8 << 20) /* ZMQ_MAXMSGSIZE: larger frames dropped   */
#define LNT_QUERY_ARGS_MAX 8    /* the most arguments of a query           */
#define LNT_REPLY_MAX (64 << 20) /* the longest query answer              */

typedef enum {
    LNT_MSG_HELLO = 1,     /* agent -> hub: who I am, where I am          */
    LNT_MSG_BATCH = 2,     /* agent -> hub: changes of my log             */
    LNT_MSG_DOWN_ACK = 3,  /* agent -> hub: down changes applied          */
    LNT_MSG_QUERY = 4,     /* client -> hub: a query                      */
    LNT_MSG_WELCOME = 16,  /* hub -> agent: answer to HELLO               */
    LNT_MSG_ACK = 17,      /* hub -> agent: changes durably applied       */
    LNT_MSG_REFUSE = 18,   /* hub -> agent: a message refused, and why    */
    LNT_MSG_DOWN = 19,     /* hub -> agent: changes the hub originates    */
    LNT_MSG_ANSWER = 20,   /* hub -> client: the answer to a query        */
    LNT_MSG_RESTORE = 21   /* hub -> agent: its own records, sent back    */
} lnt_msg_type_t;

/*  WELCOME verdicts.                                                      */
#define LNT_WELCOME_OK 0          /* stream from acked + 1                  */
#define LNT_WELCOME_REINCARNATE 1 /* your store went back in time: take a
                                     new incarnation and say HELLO again   */

/*  REFUSE codes.                                                          */
#define LNT_REFUSE_VERSION 1    /* unknown protocol version                 */
#define LNT_REFUSE_MALFORMED 2  /* the frame did not decode                 */
#define LNT_REFUSE_OFFICE 3     /* unknown office, or not this connection's */
#define LNT_REFUSE_GAP 4        /* a batch does not follow on: see expected */
#define LNT_REFUSE_NO_HELLO 5   /* a batch before HELLO                     */
#define LNT_REFUSE_UNAVAILABLE 6 /* the hub cannot apply now (store error)  */

typedef struct {
    char key[32];    /* argument name, "year"                               */
    char value[128]; /* its value, "2026"                                   */
} lnt_msg_arg_t;

typedef struct {
    uint8_t type;                    /* lnt_msg_type_t                      */
    char office[LNT_OFFICE_MAX + 1]; /* HELLO: the office                   */
    uint64_t incarnation;            /* HELLO, WELCOME: the sender's store  */
    uint64_t log_head;               /* HELLO: last sequence in its log     */
    uint64_t acked;                  /* HELLO: what it believes is acked    */
    uint64_t hub_incarnation;        /* HELLO: hub incarnation of down_applied */
    uint64_t down_applied;           /* HELLO: hub changes applied          */
    uint64_t clock;                  /* HELLO: the agent's hybrid clock, so
                                        the hub's next versions order after
                                        everything the agent has seen      */
    uint64_t down_version;           /* HELLO: version of the hub's change
                                        at down_applied, as the agent got it
                                        (the hub checks its log still has it) */
    uint64_t version;                /* WELCOME: version of the change at
                                        acked, as the hub applied it (the
                                        agent checks its log still has it) */
    uint64_t down_from;              /* WELCOME: the first hub sequence the
                                        down stream sends (0: not said)    */
    uint64_t restore;                /* WELCOME: 1 when the office's records
                                        follow in RESTORE messages, ended by
                                        an empty RESTORE                   */
    uint64_t last_version;           /* DOWN: version of the hub's change at
                                        last                               */
    uint64_t seq;                    /* BATCH, DOWN: first sequence; ACK:
                                        acked; DOWN_ACK: applied; REFUSE:
                                        expected; WELCOME: acked           */
    uint64_t last;                   /* BATCH, DOWN: the last sequence the
                                        message covers (a DOWN may skip
                                        changes not for this office)       */
    uint32_t count;                  /* BATCH, DOWN, RESTORE: changes held  */
    uint8_t verdict;                 /* WELCOME: LNT_WELCOME_*              */
    uint32_t window;                 /* WELCOME: batches in flight allowed  */
    uint16_t code;                   /* REFUSE: LNT_REFUSE_*; ANSWER: exit
                                        status of the query (0 ok)         */
    char text[256];                  /* REFUSE: reason; QUERY: query name   */
    uint8_t format;                  /* QUERY: lnt_out_format_t             */
    uint8_t arg_count;               /* QUERY: arguments                    */
    lnt_msg_arg_t args[LNT_QUERY_ARGS_MAX]; /* QUERY: name=value pairs      */
    const char *body;                /* ANSWER: the text, borrowed          */
    size_t body_len;                 /* its length                          */
    void *impl;                      /* decoder state; lnt_msg_release      */
} lnt_msg_t;

/*  Decodes a frame. On 0 the message borrows from data and holds decoder
    state: call lnt_msg_release when done, whatever was returned. On a
    version mismatch, msg->code is LNT_REFUSE_VERSION (else 0), so the
    answer can say which refusal it is.                                    */
int lnt_msg_decode (const void *data, size_t len, lnt_msg_t *msg,
                    lnt_why_t *why);
void lnt_msg_release (lnt_msg_t *msg);

/*  Change i (0 <= i < msg->count) of a BATCH, DOWN or RESTORE. The change borrows
    from the frame. 0 or LNT_EINVAL.                                       */
int lnt_msg_change (const lnt_msg_t *msg, uint32_t i, lnt_change_t *change,
                    lnt_why_t *why);

/*  Encoders append one message to out: 0, LNT_ENOMEM, or LNT_EINVAL for a
    message this side cannot encode (a batch type, too many arguments).  */
int lnt_msg_encode (const lnt_msg_t *msg, lnt_buf_t *out);

/*  A BATCH, DOWN or RESTORE: the header for count changes covering the
    sequences seq to last (0 and 0 for RESTORE); then append each change's
    encoding (a log value) with lnt_buf_append; then lnt_msg_batch_end,
    which for a DOWN writes the version of the change at last.           */
int lnt_msg_batch_begin (lnt_buf_t *out, uint8_t type, uint64_t seq,
                         uint64_t last, uint32_t count);
int lnt_msg_batch_end (lnt_buf_t *out, uint8_t type, uint64_t last_version);

#endif
