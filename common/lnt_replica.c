/*  lnt_replica.c - merge a replicated change into the store.              */
#include <string.h>

#include "lnt_node.h"
#include "lnt_replica.h"
#include "lnt_time.h"

size_t
lnt_replica_conflict_key (uint8_t kind, const char *id, uint8_t section,
                          uint64_t node, char *key)
{
    size_t len = lnt_node_key (kind, id, key);
    key[len++] = 0;
    key[len++] = (char) section;
    lnt_store_key_u64 (node, (unsigned char *) key + len);
    return len + 8;
}

/*  Keeps state as node's conflict on this section, unless a greater one
    is kept already.                                                       */
static int
s_keep_conflict (lnt_txn_t *txn, const lnt_change_t *change,
                 const lnt_section_t *state, lnt_buf_t *buf)
{
    char key[LNT_ID_MAX + 12];
    size_t klen = lnt_replica_conflict_key (change->kind, change->id,
                                            change->section, state->node, key);
    const void *val;
    size_t vlen;
    int rc = lnt_txn_get (txn, LNT_DB_CONFLICTS, key, klen, &val, &vlen);
    if (rc == 0) {
        lnt_change_t kept;
        if (lnt_codec_change_decode (val, vlen, &kept, NULL) == 0
            && lnt_merge_compare (&kept.state, state) >= 0)
            return 0;
    }
    else if (rc != LNT_ENOTFOUND)
        return rc;
    lnt_change_t loser = *change;
    loser.state = *state;
    lnt_buf_reset (buf);
    if ((rc = lnt_codec_change_encode (&loser, buf)))
        return rc;
    return lnt_txn_put (txn, LNT_DB_CONFLICTS, key, klen, buf->data, buf->len);
}

int
lnt_replica_apply (lnt_txn_t *txn, const lnt_change_t *change,
                   bool keep_conflicts, lnt_merge_t *merge)
{
    return lnt_replica_apply_rolled (txn, change, keep_conflicts, merge, NULL,
                                     NULL);
}

int
lnt_replica_apply_rolled (lnt_txn_t *txn, const lnt_change_t *change,
                          bool keep_conflicts, lnt_merge_t *merge,
                          lnt_rollup_t *rollup, const lnt_ref_t *ref)
{
    return lnt_replica_apply_fresh (txn, change, NULL, 0, NULL,
                                    keep_conflicts, merge, rollup, ref);
}

int
lnt_replica_fresh (const lnt_change_t *change, lnt_buf_t *out)
{
    lnt_record_t next;
    lnt_merge_t merge;
    lnt_merge_decide (NULL, change, &next, &merge);
    return lnt_codec_record_encode (&next, out);
}

int
lnt_replica_apply_fresh (lnt_txn_t *txn, const lnt_change_t *change,
                         const void *fresh, size_t fresh_len, bool *last,
                         bool keep_conflicts, lnt_merge_t *merge,
                         lnt_rollup_t *rollup, const lnt_ref_t *ref)
{
    lnt_record_t current, next;
    lnt_merge_t local;
    if (!merge)
        merge = &local;
    /* Most changes of a catch-up make new records: try the insert first,
       and merge only when the record is there.                          */
    lnt_merge_decide (NULL, change, &next, merge);
    lnt_buf_t own = {0};
    char fkey[LNT_ID_MAX + 2];
    int rc = 0;
    if (!fresh) {
        rc = lnt_codec_record_encode (&next, &own);
        fresh = own.data;
        fresh_len = own.len;
    }
    size_t flen = lnt_node_key (change->kind, change->id, fkey);
    /* Records that come in the order of their keys, past every other
       (a catch-up into a new store), fill their pages as they go.       */
    if (!rc && last && *last) {
        rc = lnt_txn_put_last (txn, LNT_DB_RECORDS, fkey, flen, fresh,
                               fresh_len);
        if (rc == LNT_EEXIST) { /* not past the last key: look it up     */
            *last = false;
            rc = lnt_txn_put_new (txn, LNT_DB_RECORDS, fkey, flen, fresh,
                                  fresh_len);
        }
    }
    else if (!rc)
        rc = lnt_txn_put_new (txn, LNT_DB_RECORDS, fkey, flen, fresh,
                              fresh_len);
    lnt_buf_free (&own);
    if (rc == 0 && rollup)
        rc = lnt_rollup_add (rollup, ref, &next, +1);
    if (rc != LNT_EEXIST)
        return rc; /* NEW (merge says so), or a store error               */
    rc = lnt_node_get (txn, change->kind, change->id, &current, NULL);
    if (rc && rc != LNT_ENOTFOUND)
        return rc == LNT_EINVAL ? LNT_ESTORE : rc;
    const lnt_record_t *old = rc == LNT_ENOTFOUND ? NULL : &current;
    lnt_merge_decide (old, change, &next, merge);
    lnt_buf_t buf = {0}, rbuf = {0};
    bool write = merge->verdict == LNT_MERGE_NEW
                 || merge->verdict == LNT_MERGE_WIN;
    /* Encode all that borrows from the record's page before the first
       write of this change: LMDB keeps a value valid only until the next
       update in the transaction, in any database (a put may spill the
       dirty page it lives on). So the new record is encoded here, and
       the displaced state is encoded by s_keep_conflict before its put. */
    rc = write ? lnt_codec_record_encode (&next, &rbuf) : 0;
    if (!rc && write && rollup)
        rc = lnt_rollup_change (rollup, ref, old, &next);
    if (!rc && keep_conflicts && merge->conflict)
        rc = s_keep_conflict (txn, change, &merge->conflict_state, &buf);
    if (!rc && keep_conflicts && merge->clear) {
        char key[LNT_ID_MAX + 12];
        size_t klen = lnt_replica_conflict_key (change->kind, change->id,
                                                change->section,
                                                merge->clear_node, key);
        rc = lnt_txn_del (txn, LNT_DB_CONFLICTS, key, klen);
        if (rc == LNT_ENOTFOUND)
            rc = 0;
    }
    if (!rc && write) {
        char key[LNT_ID_MAX + 2];
        rc = lnt_txn_put (txn, LNT_DB_RECORDS, key,
                          lnt_node_key (change->kind, change->id, key),
                          rbuf.data, rbuf.len);
    }
    lnt_buf_free (&buf);
    lnt_buf_free (&rbuf);
    return rc;
}

int
lnt_replica_observe (lnt_txn_t *txn, uint64_t version)
{
    /* A version more than a day ahead of this node's wall clock comes
       from a PC whose clock is wrong (or from a peer up to no good):
       following it would drag this node's versions along, up to the
       point where they overflow and lose every merge. Such versions are
       merged as they are, but the clock does not follow them.          */
    uint64_t horizon = (uint64_t) (lnt_time_now_ms () + LNT_CLOCK_HORIZON_MS)
                       << 16;
    uint64_t clock = lnt_txn_get_u64 (txn, LNT_DB_META, "clock", 0);
    if (version <= clock || version > horizon)
        return 0;
    return lnt_txn_put_u64 (txn, LNT_DB_META, "clock", version);
}
