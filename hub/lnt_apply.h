/*  lnt_apply.h - the hub's side of replication, without sockets: HELLO
    decisions and the group commit of batches, with per-office checkpoints
    advanced in the same transaction as the changes they cover.

    Everything an office sends is checked before it touches the store: the
    office is the connection's (never the message's), the section is the
    office section, the body decodes and passes validation against the
    hub's reference data. A change that fails goes to the dead-letter store
    with the reason, and the stream goes on.                               */
#ifndef LNT_APPLY_H
#define LNT_APPLY_H

#include "lnt_msg.h"
#include "lnt_node.h"

/*  Where an office stands, kept in LNT_DB_CHECKPOINTS under its code.     */
typedef struct {
    uint64_t incarnation;     /* the office store whose log is followed    */
    uint64_t acked;           /* highest sequence applied and committed   */
    int64_t last_contact;     /* ms UTC of its last message                */
    uint64_t log_head;        /* its log head as of its last HELLO or batch */
    uint64_t hub_incarnation; /* the hub incarnation down_acked refers to  */
    uint64_t down_acked;      /* hub log sequence it has applied           */
    uint64_t dead;            /* its changes sent to the dead letters      */
    uint64_t conflicts;       /* conflicts its changes made                */
    uint64_t restores;        /* times it was sent its records back        */
} lnt_checkpoint_t;

/*  Reads an office's checkpoint: 0, LNT_ENOTFOUND, or a store error.     */
int lnt_checkpoint_get (lnt_txn_t *txn, const char *office,
                        lnt_checkpoint_t *cp);
int lnt_checkpoint_put (lnt_txn_t *txn, const char *office,
                        const lnt_checkpoint_t *cp);

/*  What the hub answers a HELLO.                                          */
typedef struct {
    uint8_t verdict;      /* LNT_WELCOME_OK or LNT_WELCOME_REINCARNATE     */
    uint64_t acked;       /* stream from acked + 1                         */
    uint64_t down_from;   /* send hub changes from this sequence           */
    bool restore;         /* send the office all its records first         */
    bool refused;         /* refuse the HELLO (code, why)                  */
    uint16_t code;        /* LNT_REFUSE_*                                  */
    char why[200];        /* reason for a refusal                          */
} lnt_hello_t;

/*  Decides and records the answer to a HELLO from office (the connection's
    office, already checked against the message) at now. May take a new
    hub incarnation when an agent has applied more of the hub's log than
    the hub holds (the hub was restored from an older backup).
    0 or a store error.                                                    */
int lnt_apply_hello (lnt_node_t *hub, const lnt_msg_t *hello, int64_t now,
                     lnt_hello_t *out);

/*  One batch to apply in a group.                                         */
typedef struct {
    const char *office;   /* in: the connection's office                  */
    uint64_t incarnation; /* in: the incarnation its HELLO gave            */
    const lnt_msg_t *msg; /* in: the BATCH                                 */
    bool refused;         /* out: answer REFUSE (code, expected)           */
    uint16_t code;        /* out: LNT_REFUSE_*                             */
    uint64_t acked;       /* out: ACK this, or REFUSE expecting acked + 1  */
} lnt_apply_item_t;

typedef struct {
    uint64_t applied;     /* changes that won or were new                 */
    uint64_t duplicates;  /* changes already there                        */
    uint64_t lost;        /* changes that lost to a greater version       */
    uint64_t conflicts;   /* conflicts kept                               */
    uint64_t dead;        /* changes sent to the dead letters             */
    uint64_t skipped;     /* changes at or below the checkpoint (resent)  */
} lnt_apply_stats_t;

/*  Applies every batch of items in ONE write transaction and commits it:
    per batch, skips what the checkpoint covers, refuses a gap, merges the
    rest, and advances the checkpoint. Answers go out only after this
    returns 0. stats accumulates. 0 or a store error (nothing applied).    */
int lnt_apply_batches (lnt_node_t *hub, lnt_apply_item_t *items, size_t n,
                       int64_t now, lnt_apply_stats_t *stats);

/*  Dead letters: LNT_DB_DEAD, key office (8 bytes, NUL-padded),
    incarnation and sequence (8 bytes each, big-endian); value the reason,
    a NUL, and the change as it came.                                      */
size_t lnt_apply_dead_key (const char *office, uint64_t incarnation,
                           uint64_t seq, unsigned char key[24]);

#endif
