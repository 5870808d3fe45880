/*  lnt_merge.h - how a change merges into a record: the rule of DESIGN
    section 4, as a pure function with no I/O.

    A section carries (version, node). The greater pair wins (version
    first, then node, so that two nodes can never tie); an equal pair is a
    duplicate and changes nothing; a lesser pair loses. Conflicts: for each
    section the store keeps, per node other than the winner's, the greatest
    version that node wrote and lost with. That set does not depend on the
    order changes arrive in, which the plain "keep each loser" rule would:
    a version superseded by a later version of the same node is history,
    not a conflict, and a node that becomes the winner has no conflict
    left. So the merge is idempotent, commutative and associative over the
    records and the conflicts together.                                   */
#ifndef LNT_MERGE_H
#define LNT_MERGE_H

#include <stdbool.h>

#include "lnt_codec.h"

typedef enum {
    LNT_MERGE_NEW,  /* the section did not exist: the change is applied    */
    LNT_MERGE_WIN,  /* the change is greater: it replaces the section      */
    LNT_MERGE_DUP,  /* the same version: nothing changes                   */
    LNT_MERGE_LOSE  /* the change is lesser: the section stays             */
} lnt_merge_verdict_t;

typedef struct {
    lnt_merge_verdict_t verdict; /* what happened to the record            */
    bool conflict;               /* put conflict_state in the conflicts,
                                    keeping the greater per node           */
    lnt_section_t conflict_state; /* the losing state (borrowed)           */
    bool clear;                  /* remove the conflict of clear_node      */
    uint64_t clear_node;         /* the node that now wins                 */
} lnt_merge_t;

/*  Orders two section states by (version, node): <0, 0 or >0.            */
int lnt_merge_compare (const lnt_section_t *a, const lnt_section_t *b);

/*  Decides how change merges into record (NULL when there is none yet).
    On NEW or WIN, *out is the new record (it borrows from record and
    change); otherwise *out is untouched.                                  */
void lnt_merge_decide (const lnt_record_t *record, const lnt_change_t *change,
                       lnt_record_t *out, lnt_merge_t *merge);

#endif
