/*  lnt_replica.h - applying a change that came from another node: merge it
    into the record (lnt_merge), keep conflicts, and move the clock past
    what was seen. Used by the hub for what offices send up and by the
    agent for what the hub sends down. Nothing here appends to the log:
    a replicated change is not this node's own write.

    Conflicts live in LNT_DB_CONFLICTS under kind, id, NUL, section and
    node (8 bytes, big-endian); the value is the losing change.           */
#ifndef LNT_REPLICA_H
#define LNT_REPLICA_H

#include "lnt_merge.h"
#include "lnt_ref.h"
#include "lnt_rollup.h"
#include "lnt_store.h"

/*  Merges change into its record in txn. With keep_conflicts, updates the
    conflict store as merge says. *merge (may be NULL) says what happened.
    0 or a store error.                                                     */
int lnt_replica_apply (lnt_txn_t *txn, const lnt_change_t *change,
                       bool keep_conflicts, lnt_merge_t *merge);

/*  The same, and when the record changes, adds the difference between
    its old and new state to rollup (under the reference data ref): the
    hub keeps its rollups in the transaction that merges.                 */
int lnt_replica_apply_rolled (lnt_txn_t *txn, const lnt_change_t *change,
                              bool keep_conflicts, lnt_merge_t *merge,
                              lnt_rollup_t *rollup, const lnt_ref_t *ref);

/*  Moves the node's stored clock past version (one put per batch, not per
    change). 0 or a store error.                                            */
int lnt_replica_observe (lnt_txn_t *txn, uint64_t version);

/*  The key of a conflict; key holds LNT_ID_MAX + 12 bytes. Returns its
    length.                                                                 */
size_t lnt_replica_conflict_key (uint8_t kind, const char *id, uint8_t section,
                                 uint64_t node, char *key);

/*  The record a change makes when its record is not there yet (its one
    section), encoded into out (appended): what lnt_replica_apply_fresh
    takes, made ahead (the hub makes it while it validates, in the thread
    that reads the network). 0 or LNT_ENOMEM.                             */
int lnt_replica_fresh (const lnt_change_t *change, lnt_buf_t *out);

/*  lnt_replica_apply_rolled with the change's fresh record given (fresh,
    fresh_len bytes, from lnt_replica_fresh; NULL: encoded here). last
    (may be NULL): while *last is true, a new record is first put as the
    last of its table (LMDB's append, which fills pages); when its key is
    not past every other, *last becomes false and it is put the usual way.
    Set it for a run of changes whose ids grow (a batch).                 */
int lnt_replica_apply_fresh (lnt_txn_t *txn, const lnt_change_t *change,
                             const void *fresh, size_t fresh_len, bool *last,
                             bool keep_conflicts, lnt_merge_t *merge,
                             lnt_rollup_t *rollup, const lnt_ref_t *ref);

#endif
