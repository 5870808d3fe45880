/*  lnt_merge.c - the merge rule: greatest (version, node) wins; the
    greatest losing version of every other node is a conflict.            */
#include <string.h>

#include "lnt_merge.h"

int
lnt_merge_compare (const lnt_section_t *a, const lnt_section_t *b)
{
    if (a->version != b->version)
        return a->version < b->version ? -1 : 1;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    return 0;
}

void
lnt_merge_decide (const lnt_record_t *record, const lnt_change_t *change,
                  lnt_record_t *out, lnt_merge_t *merge)
{
    memset (merge, 0, sizeof *merge);
    const lnt_section_t *incoming = &change->state;
    const lnt_section_t *current = record ? &record->sec[change->section]
                                          : NULL;
    if (!current || !current->present) {
        merge->verdict = LNT_MERGE_NEW;
        if (record)
            *out = *record;
        else {
            memset (out, 0, sizeof *out);
            out->kind = change->kind;
            memcpy (out->id, change->id, sizeof out->id);
            memcpy (out->office, change->office, sizeof out->office);
        }
        out->sec[change->section] = *incoming;
        return; /* no section, so no conflict to clear either           */
    }
    int order = lnt_merge_compare (incoming, current);
    if (order == 0) {
        merge->verdict = LNT_MERGE_DUP;
        return;
    }
    if (order < 0) {
        merge->verdict = LNT_MERGE_LOSE;
        /* A loser from the winner's own node is superseded history.      */
        if (incoming->node != current->node) {
            merge->conflict = true;
            merge->conflict_state = *incoming;
        }
        return;
    }
    merge->verdict = LNT_MERGE_WIN;
    *out = *record;
    out->sec[change->section] = *incoming;
    if (current->node != incoming->node) {
        merge->conflict = true;
        merge->conflict_state = *current;
        merge->clear = true;
        merge->clear_node = incoming->node;
    }
}
