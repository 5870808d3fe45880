/*  lnt_apply.c - HELLO decisions and group commit of batches at the hub.  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_apply.h"
#include "lnt_log.h"
#include "lnt_replica.h"

#define LNT_CP_FIELDS 11
#define LNT_CP_FIELDS_OLD 9 /* before version and flags, which read as 0 */

int
lnt_checkpoint_get (lnt_txn_t *txn, const char *office, lnt_checkpoint_t *cp)
{
    const void *val;
    size_t len;
    int rc = lnt_txn_get (txn, LNT_DB_CHECKPOINTS, office, strlen (office),
                          &val, &len);
    if (rc)
        return rc;
    if (len != LNT_CP_FIELDS * 8 && len != LNT_CP_FIELDS_OLD * 8)
        return LNT_ESTORE;
    const unsigned char *p = val;
    uint64_t f[LNT_CP_FIELDS] = {0};
    for (size_t i = 0; i < len / 8; i++)
        f[i] = lnt_store_u64_key (p + 8 * i);
    *cp = (lnt_checkpoint_t){f[0], f[1], (int64_t) f[2], f[3], f[4],
                             f[5], f[6], f[7], f[8], f[9], f[10]};
    return 0;
}

int
lnt_checkpoint_put (lnt_txn_t *txn, const char *office,
                    const lnt_checkpoint_t *cp)
{
    uint64_t f[LNT_CP_FIELDS] = {cp->incarnation, cp->acked,
                                 (uint64_t) cp->last_contact, cp->log_head,
                                 cp->hub_incarnation, cp->down_acked,
                                 cp->dead, cp->conflicts, cp->restores,
                                 cp->version, cp->flags};
    unsigned char buf[LNT_CP_FIELDS * 8];
    for (int i = 0; i < LNT_CP_FIELDS; i++)
        lnt_store_key_u64 (f[i], buf + 8 * i);
    return lnt_txn_put (txn, LNT_DB_CHECKPOINTS, office, strlen (office), buf,
                        sizeof buf);
}

size_t
lnt_apply_dead_key (const char *office, uint64_t incarnation, uint64_t seq,
                    unsigned char key[24])
{
    memset (key, 0, 8);
    memcpy (key, office, strnlen (office, 8));
    lnt_store_key_u64 (incarnation, key + 8);
    lnt_store_key_u64 (seq, key + 16);
    return 24;
}

/*  ---- HELLO ---------------------------------------------------------------- */

typedef struct {
    lnt_node_t *hub;        /* the hub                                      */
    const lnt_msg_t *hello; /* the HELLO                                    */
    int64_t now;            /* when                                         */
    lnt_hello_t *out;       /* the answer                                   */
} s_hello_t;

/*  Does the hub's log hold, at seq, the change of that version?           */
static bool
s_log_has (lnt_txn_t *txn, uint64_t seq, uint64_t version)
{
    unsigned char key[8];
    const void *v;
    size_t vl;
    lnt_change_t c;
    lnt_store_key_u64 (seq, key);
    if (lnt_txn_get (txn, LNT_DB_LOG, key, 8, &v, &vl) != 0
        || lnt_codec_change_decode (v, vl, &c, NULL) != 0)
        return false;
    return version == 0 || c.state.version == version;
}

static int
s_hello (lnt_txn_t *txn, void *arg)
{
    s_hello_t *h = arg;
    const lnt_msg_t *m = h->hello;
    lnt_hello_t *out = h->out;
    memset (out, 0, sizeof *out);
    lnt_checkpoint_t cp;
    int rc = lnt_checkpoint_get (txn, m->office, &cp);
    if (rc == LNT_ENOTFOUND) {
        memset (&cp, 0, sizeof cp);
        cp.incarnation = m->incarnation;
    }
    else if (rc)
        return rc;
    else if (cp.incarnation == m->incarnation && m->log_head < cp.acked) {
        /* The office's store went back in time (an old backup): its new
           writes would reuse sequences the hub has applied.            */
        out->verdict = LNT_WELCOME_REINCARNATE;
    }
    else if (cp.incarnation != m->incarnation) {
        /* Another store for this office (restored, or a new PC): follow
           it from its start and send it everything the hub holds, until
           that is done, also across reconnects.                         */
        cp.incarnation = m->incarnation;
        cp.acked = 0;
        cp.version = 0;
        cp.restores++;
        cp.flags |= LNT_CP_RESTORING;
    }
    out->restore = out->verdict == LNT_WELCOME_OK
                   && (cp.flags & LNT_CP_RESTORING);
    out->acked = cp.acked;
    out->version = cp.version;
    /* Versions the hub makes from now on order after all the agent saw. */
    if ((rc = lnt_replica_observe (txn, m->clock)))
        return rc;
    uint64_t hub_id = lnt_txn_get_u64 (txn, LNT_DB_META, "node", 0);
    bool same_log = m->hub_incarnation == hub_id && m->down_applied > 0
                    && s_log_has (txn, m->down_applied, m->down_version);
    out->down_from = same_log ? m->down_applied + 1 : 1;
    cp.hub_incarnation = hub_id;
    cp.down_acked = out->down_from - 1;
    cp.last_contact = h->now;
    cp.log_head = m->log_head;
    return lnt_checkpoint_put (txn, m->office, &cp);
}

int
lnt_apply_hello (lnt_node_t *hub, const lnt_msg_t *hello, int64_t now,
                 lnt_hello_t *out)
{
    const lnt_ref_t *ref = lnt_node_ref (hub);
    const lnt_ref_office_t *office = lnt_ref_office (ref, hello->office);
    memset (out, 0, sizeof *out);
    if (!office || strcmp (office->province, lnt_node_code (hub)) != 0) {
        out->refused = true;
        out->code = LNT_REFUSE_OFFICE;
        snprintf (out->why, sizeof out->why, "office %s is not an office of "
                  "province %s", hello->office, lnt_node_code (hub));
        return 0;
    }
    s_hello_t h = {hub, hello, now, out};
    return lnt_store_write (lnt_node_store (hub), s_hello, &h);
}

typedef struct {
    const char *const *offices; /* which offices                           */
    const uint64_t *values;     /* restored: incarnation; else down_acked  */
    size_t n;                   /* how many                                 */
    bool restored;              /* clear the restore flag                   */
} s_mark_t;

static int
s_mark (lnt_txn_t *txn, void *arg)
{
    s_mark_t *mk = arg;
    for (size_t i = 0; i < mk->n; i++) {
        lnt_checkpoint_t cp;
        int rc = lnt_checkpoint_get (txn, mk->offices[i], &cp);
        if (rc == LNT_ENOTFOUND)
            continue;
        if (rc)
            return rc;
        if (mk->restored && cp.incarnation == mk->values[i])
            cp.flags &= ~(uint64_t) LNT_CP_RESTORING;
        else if (!mk->restored)
            cp.down_acked = mk->values[i];
        if ((rc = lnt_checkpoint_put (txn, mk->offices[i], &cp)))
            return rc;
    }
    return 0;
}

int
lnt_apply_restored (lnt_node_t *hub, const char *office, uint64_t incarnation)
{
    s_mark_t mk = {&office, &incarnation, 1, true};
    return lnt_store_write (lnt_node_store (hub), s_mark, &mk);
}

int
lnt_apply_down_acked (lnt_node_t *hub, const char *const *offices,
                      const uint64_t *down_acked, size_t n)
{
    s_mark_t mk = {offices, down_acked, n, false};
    return n ? lnt_store_write (lnt_node_store (hub), s_mark, &mk) : 0;
}

/*  ---- batches --------------------------------------------------------------- */

typedef struct {
    lnt_node_t *hub;          /* the hub                                    */
    lnt_apply_item_t *items;  /* the batches                                */
    size_t n;                 /* how many                                   */
    int64_t now;              /* when                                       */
    lnt_apply_stats_t stats;  /* what this group did                        */
    lnt_buf_t buf;            /* scratch for dead letters                   */
    lnt_rollup_t *rollup;     /* the group's changes to the rollups         */
    union {
        lnt_suggestion_t s;   /* scratch for validation                     */
        lnt_rb_item_t r;      /* scratch                                    */
        lnt_lke_answer_t a;   /* scratch                                    */
    } u;                      /* scratch record                             */
} s_group_t;

/*  Is change acceptable from office? 0, or LNT_EINVAL with why.          */
static int
s_validate (s_group_t *g, const char *office, const lnt_change_t *c,
            lnt_why_t *why)
{
    const lnt_ref_t *ref = lnt_node_ref (g->hub);
    size_t olen = strlen (office);
    if (strcmp (c->office, office) != 0)
        return lnt_why (why, LNT_EINVAL, "change to %s of office %s sent by "
                        "office %s", c->id, c->office, office);
    if (c->section != LNT_SECTION_OFFICE)
        return lnt_why (why, LNT_EINVAL, "office %s may not write the "
                        "province section of %s", office, c->id);
    if (strncmp (c->id, office, olen) != 0 || c->id[olen] != '-')
        return lnt_why (why, LNT_EINVAL, "id %s is not an id of office %s",
                        c->id, office);
    if (c->kind < LNT_KIND_SUGGESTION || c->kind > LNT_KIND_LKE_ANSWER)
        return lnt_why (why, LNT_EINVAL, "kind %d of %s is not an office "
                        "record", c->kind, c->id);
    if (c->state.deleted)
        return 0;
    const void *body = c->state.body;
    size_t len = c->state.body_len;
    int rc;
    switch (c->kind) {
        case LNT_KIND_SUGGESTION:
            if ((rc = lnt_codec_suggestion_decode (body, len, &g->u.s, why)))
                return rc;
            memcpy (g->u.s.id, c->id, sizeof g->u.s.id);
            memcpy (g->u.s.office, c->office, sizeof g->u.s.office);
            return lnt_suggestion_check (&g->u.s, ref, why);
        case LNT_KIND_RB_ITEM:
            if ((rc = lnt_codec_rb_item_decode (body, len, &g->u.r, why)))
                return rc;
            memcpy (g->u.r.id, c->id, sizeof g->u.r.id);
            memcpy (g->u.r.office, c->office, sizeof g->u.r.office);
            return lnt_rb_item_check (&g->u.r, ref, why);
        default:
            if ((rc = lnt_codec_lke_answer_decode (body, len, &g->u.a, why)))
                return rc;
            memcpy (g->u.a.id, c->id, sizeof g->u.a.id);
            memcpy (g->u.a.office, c->office, sizeof g->u.a.office);
            return lnt_lke_answer_check (&g->u.a, ref, why);
    }
}

static int
s_dead (s_group_t *g, lnt_txn_t *txn, const lnt_apply_item_t *item,
        uint64_t seq, const lnt_change_t *change, const char *why)
{
    unsigned char key[24];
    lnt_apply_dead_key (item->office, item->incarnation, seq, key);
    lnt_buf_reset (&g->buf);
    int rc = lnt_buf_append (&g->buf, why, strlen (why) + 1);
    if (!rc && change)
        rc = lnt_codec_change_encode (change, &g->buf);
    if (!rc)
        rc = lnt_txn_put (txn, LNT_DB_DEAD, key, sizeof key, g->buf.data,
                          g->buf.len);
    g->stats.dead++;
    return rc;
}

static int
s_batch (s_group_t *g, lnt_txn_t *txn, lnt_apply_item_t *item,
         uint64_t *max_version)
{
    const lnt_msg_t *m = item->msg;
    lnt_checkpoint_t cp;
    int rc = lnt_checkpoint_get (txn, item->office, &cp);
    if (rc && rc != LNT_ENOTFOUND)
        return rc;
    if (rc == LNT_ENOTFOUND || cp.incarnation != item->incarnation) {
        item->refused = true;
        item->code = LNT_REFUSE_NO_HELLO;
        item->acked = rc ? 0 : cp.acked;
        return 0;
    }
    if (m->seq > cp.acked + 1) {
        item->refused = true;
        item->code = LNT_REFUSE_GAP;
        item->acked = cp.acked;
        return 0;
    }
    uint64_t dead = 0, conflicts = 0, last_version = cp.version;
    for (uint32_t i = 0; i < m->count; i++) {
        uint64_t seq = m->seq + i;
        if (seq <= cp.acked) {
            g->stats.skipped++;
            continue;
        }
        lnt_change_t change;
        lnt_why_t why = {""};
        bool decoded = lnt_msg_change (m, i, &change, &why) == 0;
        last_version = decoded ? change.state.version : 0;
        if (!decoded || s_validate (g, item->office, &change, &why)) {
            if ((rc = s_dead (g, txn, item, seq, decoded ? &change : NULL,
                              why.text)))
                return rc;
            dead++;
            continue;
        }
        lnt_merge_t merge;
        if ((rc = lnt_replica_apply_rolled (txn, &change, true, &merge,
                                            g->rollup, lnt_node_ref (g->hub))))
            return rc;
        switch (merge.verdict) {
            case LNT_MERGE_NEW:
            case LNT_MERGE_WIN: g->stats.applied++; break;
            case LNT_MERGE_DUP: g->stats.duplicates++; break;
            case LNT_MERGE_LOSE: g->stats.lost++; break;
        }
        if (merge.conflict) {
            g->stats.conflicts++;
            conflicts++;
        }
        if (change.state.version > *max_version)
            *max_version = change.state.version;
    }
    uint64_t last = m->seq + m->count - 1;
    if (last > cp.acked) {
        cp.acked = last;
        cp.version = last_version;
    }
    if (cp.acked > cp.log_head)
        cp.log_head = cp.acked;
    cp.last_contact = g->now;
    cp.dead += dead;
    cp.conflicts += conflicts;
    item->acked = cp.acked;
    return lnt_checkpoint_put (txn, item->office, &cp);
}

static int
s_group (lnt_txn_t *txn, void *arg)
{
    s_group_t *g = arg;
    uint64_t max_version = 0;
    memset (&g->stats, 0, sizeof g->stats);
    lnt_rollup_reset (g->rollup); /* a rerun after map growth starts over */
    /* Reference data loaded by a command since the last turn: validate
       and roll up against what this transaction sees, as the command's
       rebuild of the rollups did.                                       */
    lnt_why_t why = {""};
    bool reloaded;
    if (lnt_node_refresh_ref (g->hub, txn, &reloaded, &why))
        lnt_log_error ("hub error=\"%s\" - the store's reference data does "
                       "not load; keeping the data loaded before", why.text);
    else if (reloaded)
        lnt_log_info ("hub - reference data reloaded");
    for (size_t i = 0; i < g->n; i++) {
        lnt_apply_item_t *item = &g->items[i];
        item->refused = false;
        item->code = 0;
        item->acked = 0;
        int rc = s_batch (g, txn, item, &max_version);
        if (rc)
            return rc;
    }
    int rc = lnt_replica_observe (txn, max_version);
    /* The rollups move in the same transaction as the records.        */
    return rc ? rc : lnt_rollup_flush (g->rollup, txn);
}

int
lnt_apply_batches (lnt_node_t *hub, lnt_apply_item_t *items, size_t n,
                   int64_t now, lnt_apply_stats_t *stats)
{
    s_group_t *g = calloc (1, sizeof *g);
    if (!g)
        return LNT_ENOMEM;
    g->hub = hub;
    g->rollup = lnt_rollup_new ();
    if (!g->rollup) {
        free (g);
        return LNT_ENOMEM;
    }
    g->items = items;
    g->n = n;
    g->now = now;
    int rc = lnt_store_write (lnt_node_store (hub), s_group, g);
    if (!rc && stats) {
        stats->applied += g->stats.applied;
        stats->duplicates += g->stats.duplicates;
        stats->lost += g->stats.lost;
        stats->conflicts += g->stats.conflicts;
        stats->dead += g->stats.dead;
        stats->skipped += g->stats.skipped;
    }
    lnt_buf_free (&g->buf);
    lnt_rollup_destroy (&g->rollup);
    free (g);
    return rc;
}
