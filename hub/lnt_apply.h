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
    uint64_t version;         /* version of its change at acked, so a store
                                 that went back in time can tell           */
    uint64_t flags;           /* LNT_CP_RESTORING while its records are
                                 still to be sent back in full             */
} lnt_checkpoint_t;

#define LNT_CP_RESTORING 1 /* a restore stream is owed to the office       */

/*  Reads an office's checkpoint: 0, LNT_ENOTFOUND, or a store error.     */
int lnt_checkpoint_get (lnt_txn_t *txn, const char *office,
                        lnt_checkpoint_t *cp);
int lnt_checkpoint_put (lnt_txn_t *txn, const char *office,
                        const lnt_checkpoint_t *cp);

/*  What the hub answers a HELLO.                                          */
typedef struct {
    uint8_t verdict;      /* LNT_WELCOME_OK or LNT_WELCOME_REINCARNATE     */
    uint64_t acked;       /* stream from acked + 1                         */
    uint64_t version;     /* version of the office's change at acked       */
    uint64_t down_from;   /* send hub changes from this sequence           */
    bool restore;         /* send the office all its records first         */
    bool refused;         /* refuse the HELLO (code, why)                  */
    uint16_t code;        /* LNT_REFUSE_*                                  */
    char why[200];        /* reason for a refusal                          */
} lnt_hello_t;

/*  Decides and records the answer to a HELLO from office (the connection's
    office, already checked against the message) at now, and moves the
    hub's clock past the agent's. The down stream starts after the agent's
    down_applied only when the hub's log still has, at that sequence, the
    change the agent applied (same version); otherwise (the hub was
    restored from an older backup, or is another hub) from 1.
    0 or a store error.                                                    */
int lnt_apply_hello (lnt_node_t *hub, const lnt_msg_t *hello, int64_t now,
                     lnt_hello_t *out);

/*  Records that office's restore stream was sent in full and acknowledged
    (for incarnation; a later HELLO of another store keeps it owed).
    0 or a store error.                                                    */
int lnt_apply_restored (lnt_node_t *hub, const char *office,
                        uint64_t incarnation);

/*  Records how far each office has applied the hub's log (from DOWN_ACKs)
    for the offices query. offices and down_acked have n entries.
    0 or a store error.                                                    */
int lnt_apply_down_acked (lnt_node_t *hub, const char *const *offices,
                          const uint64_t *down_acked, size_t n);

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

/*  Adds each count of from to to's.                                       */
void lnt_apply_stats_add (lnt_apply_stats_t *to,
                          const lnt_apply_stats_t *from);

/*  Applies every batch of items in ONE write transaction and commits it:
    per batch, skips what the checkpoint covers, refuses a gap, merges the
    rest, and advances the checkpoint. Answers go out only after this
    returns 0. stats accumulates. 0 or a store error (nothing applied).
    Refreshes the reference data, prepares and commits (below).           */
int lnt_apply_batches (lnt_node_t *hub, lnt_apply_item_t *items, size_t n,
                       int64_t now, lnt_apply_stats_t *stats);

/*  A group commit in two steps, so that one group can be decoded and
    validated while the one before commits in another thread: prepare
    (no store access: decodes and validates every change against the
    hub's reference data), then commit (one write transaction). The
    reference data must not be reloaded between the two; it may be read
    by both threads at once.                                              */
typedef struct lnt_apply_group_t lnt_apply_group_t;

/*  A group of hub's; NULL when out of memory.                            */
lnt_apply_group_t *lnt_apply_group_new (lnt_node_t *hub);
void lnt_apply_group_destroy (lnt_apply_group_t **self_p);

/*  Reloads the hub's reference data when a command changed it in the
    store, and gives the version of the store's reference data: what
    lnt_apply_prepare validates against from now on. Opens a read
    transaction. 0 or a store error.                                      */
int lnt_apply_refresh (lnt_node_t *hub, uint64_t *ref_version);

/*  Decodes and validates every change of items (n of them) with the
    hub's reference data, which is of ref_version, and encodes the record
    each makes when new. Again with more items (the same array, n grown,
    the same ref_version), prepares only those added; with other items or
    another ref_version, starts over. items and their messages are
    borrowed until the commit returned. Touches no store. 0 or
    LNT_ENOMEM (nothing stays prepared).                                  */
int lnt_apply_prepare (lnt_apply_group_t *g, lnt_apply_item_t *items,
                       size_t n, uint64_t ref_version);

/*  Applies the prepared group in ONE write transaction and commits it, as
    lnt_apply_batches. LNT_APPLY_AGAIN (nothing applied) when the store's
    reference data is no longer of the version prepared with: refresh,
    prepare and commit again. stats accumulates. Whatever it returns, the
    group is empty afterwards. 0 or a store error.                        */
#define LNT_APPLY_AGAIN 1
int lnt_apply_commit (lnt_apply_group_t *g, int64_t now,
                      lnt_apply_stats_t *stats);

/*  Refreshes, prepares and commits items (n of them) with g until the
    commit is not LNT_APPLY_AGAIN; ref_version gets the version of the
    reference data last refreshed. What lnt_apply_batches does with a
    group of its own. 0 or a store error, as lnt_apply_commit.            */
int lnt_apply_settle (lnt_apply_group_t *g, lnt_apply_item_t *items,
                      size_t n, int64_t now, lnt_apply_stats_t *stats,
                      uint64_t *ref_version);

/*  Dead letters: LNT_DB_DEAD, key office (8 bytes, NUL-padded),
    incarnation and sequence (8 bytes each, big-endian); value the reason,
    a NUL, and the change re-encoded from what was decoded (nothing when it
    did not decode).                                                       */
size_t lnt_apply_dead_key (const char *office, uint64_t incarnation,
                           uint64_t seq, unsigned char key[24]);

#endif
