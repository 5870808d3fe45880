/*  lnt_apply.c - HELLO decisions and group commit of batches at the hub.  */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_apply.h"
#include "lnt_log.h"
#include "lnt_replica.h"
#include "lnt_worker.h"

#define LNT_CP_FIELDS 11
#define LNT_CP_FIELDS_OLD 9 /* before version and flags, which read as 0 */
#define LNT_SPLIT_CHANGES 1024 /* a prepare of more changes than this, in
                                  two batches or more, is shared with a
                                  helper thread                          */

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
    memset (out, 0, sizeof *out);
    if (!lnt_node_province_office (hub, hello->office)) {
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

/*  One change of a prepared group.                                        */
typedef struct {
    lnt_change_t change;    /* decoded; borrows from its message          */
    lnt_rollup_part_t part; /* what its office section adds (has_part)    */
    bool decoded;           /* it decoded                                 */
    bool valid;             /* and passed validation                      */
    bool has_part;          /* part is set                                */
    char *why;              /* not valid: the reason; owned               */
    size_t fresh;           /* valid: where its fresh record starts in
                               the group's fresh buffer                   */
    size_t fresh_len;       /* and its length                             */
} s_prep_t;

/*  What one thread prepares with: its scratch, and what its changes add
    to the group.                                                          */
typedef struct {
    union {
        lnt_suggestion_t s;   /* scratch for validation                     */
        lnt_rb_item_t r;      /* scratch                                    */
        lnt_lke_answer_t a;   /* scratch                                    */
    } u;                      /* scratch record                             */
    lnt_buf_t fresh;          /* the records of valid changes, encoded as
                                 their records are made when new          */
    lnt_rollup_t *pre;        /* the parts of the prepared changes, summed
                                 as they are prepared (off the writer's
                                 thread), as though every one were new     */
} s_lane_t;

struct lnt_apply_group_t {
    lnt_node_t *hub;          /* the hub                                    */
    lnt_apply_item_t *items;  /* the batches; borrowed                      */
    size_t n;                 /* how many are prepared                      */
    s_prep_t *preps;          /* their changes, batch after batch           */
    s_lane_t lane[2];         /* the group's (0), and the helper's (1),
                                 added to the group's when it is done     */
    zactor_t *helper;         /* prepares a share of a large prepare
                                 (an lnt_worker)                          */
    size_t count;             /* changes in preps                           */
    size_t cap;               /* room in preps                              */
    uint64_t ref_version;     /* the reference data validation used         */
    int64_t now;              /* when                                       */
    lnt_apply_stats_t stats;  /* what the last commit did                   */
    lnt_buf_t buf;            /* scratch for dead letters                   */
    lnt_rollup_t *rollup;     /* the commit's changes to the rollups: the
                                 group's pre, less the parts of changes
                                 not written, less what replaced records
                                 contributed                              */
};

/*  A share of a prepare: items from up to to, whose changes are prepared
    into preps from at on, with lane.                                      */
typedef struct {
    lnt_work_t work;          /* for the helper: s_share_run              */
    lnt_apply_group_t *g;
    s_lane_t *lane;
    size_t from, to, at;
} s_share_t;

lnt_apply_group_t *
lnt_apply_group_new (lnt_node_t *hub)
{
    lnt_apply_group_t *g = calloc (1, sizeof *g);
    if (!g)
        return NULL;
    g->hub = hub;
    g->lane[0].pre = lnt_rollup_new ();
    g->lane[1].pre = lnt_rollup_new ();
    g->rollup = lnt_rollup_new ();
    if (!g->lane[0].pre || !g->lane[1].pre || !g->rollup)
        lnt_apply_group_destroy (&g);
    return g;
}

static void
s_preps_clear (lnt_apply_group_t *g)
{
    for (size_t i = 0; i < g->count; i++)
        free (g->preps[i].why);
    g->count = 0;
    g->n = 0;
    for (int i = 0; i < 2; i++) {
        lnt_buf_reset (&g->lane[i].fresh);
        lnt_rollup_reset (g->lane[i].pre);
    }
}

void
lnt_apply_group_destroy (lnt_apply_group_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lnt_apply_group_t *g = *self_p;
    zactor_destroy (&g->helper);
    for (size_t i = 0; i < g->count; i++)
        free (g->preps[i].why);
    free (g->preps);
    for (int i = 0; i < 2; i++) {
        lnt_buf_free (&g->lane[i].fresh);
        lnt_rollup_destroy (&g->lane[i].pre);
    }
    lnt_buf_free (&g->buf);
    lnt_rollup_destroy (&g->rollup);
    free (g);
    *self_p = NULL;
}

/*  Is change acceptable from office? 0, or LNT_EINVAL with why.          */
static int
s_validate (const lnt_ref_t *ref, s_lane_t *lane, const char *office,
            const lnt_change_t *c, lnt_why_t *why)
{
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
            if ((rc = lnt_codec_suggestion_decode (body, len, &lane->u.s,
                                                   why)))
                return rc;
            memcpy (lane->u.s.id, c->id, sizeof lane->u.s.id);
            memcpy (lane->u.s.office, c->office, sizeof lane->u.s.office);
            return lnt_suggestion_check (&lane->u.s, ref, why);
        case LNT_KIND_RB_ITEM:
            if ((rc = lnt_codec_rb_item_decode (body, len, &lane->u.r, why)))
                return rc;
            memcpy (lane->u.r.id, c->id, sizeof lane->u.r.id);
            memcpy (lane->u.r.office, c->office, sizeof lane->u.r.office);
            return lnt_rb_item_check (&lane->u.r, ref, why);
        default:
            if ((rc = lnt_codec_lke_answer_decode (body, len, &lane->u.a,
                                                   why)))
                return rc;
            memcpy (lane->u.a.id, c->id, sizeof lane->u.a.id);
            memcpy (lane->u.a.office, c->office, sizeof lane->u.a.office);
            return lnt_lke_answer_check (&lane->u.a, ref, why);
    }
}

/*  Prepares the changes of one share. 0 or LNT_ENOMEM.                   */
static int
s_prepare_share (const s_share_t *sh)
{
    lnt_apply_group_t *g = sh->g;
    s_lane_t *lane = sh->lane;
    const lnt_ref_t *ref = lnt_node_ref (g->hub);
    s_prep_t *p = &g->preps[sh->at];
    for (size_t i = sh->from; i < sh->to; i++) {
        const lnt_msg_t *m = g->items[i].msg;
        for (uint32_t j = 0; j < m->count; j++, p++) {
            lnt_why_t why = {""};
            p->has_part = false;
            p->decoded = lnt_msg_change (m, j, &p->change, &why) == 0;
            p->valid = p->decoded
                       && s_validate (ref, lane, g->items[i].office,
                                      &p->change, &why) == 0;
            if (!p->valid) {
                if (!(p->why = strdup (why.text)))
                    return LNT_ENOMEM;
            }
            else {
                p->fresh = lane->fresh.len;
                if (lnt_replica_fresh (&p->change, &lane->fresh))
                    return LNT_ENOMEM;
                p->fresh_len = lane->fresh.len - p->fresh;
            }
            /* The rollups take the part of the body decoded here.      */
            if (!p->valid || p->change.state.deleted)
                continue;
            if (p->change.kind == LNT_KIND_SUGGESTION)
                lnt_rollup_part_suggestion (ref, &lane->u.s, &p->part);
            else if (p->change.kind == LNT_KIND_RB_ITEM)
                lnt_rollup_part_rb_item (&lane->u.r, &p->part);
            else
                continue; /* an LKE answer's part needs its record      */
            p->has_part = true;
            /* Summed here, off the writer's thread; the commit takes
               away the parts of the few changes it does not write.     */
            if (lnt_rollup_add_part (lane->pre, &p->part, 1))
                return LNT_ENOMEM;
        }
    }
    return 0;
}

/*  The helper's work: one share.                                        */
static int
s_share_run (lnt_work_t *work)
{
    return s_prepare_share ((s_share_t *) work);
}

/*  Adds what the helper's share made (its changes from at to count) to
    the group's lane. 0 or LNT_ENOMEM.                                    */
static int
s_lanes_join (lnt_apply_group_t *g, size_t at, size_t count)
{
    s_lane_t *own = &g->lane[0], *side = &g->lane[1];
    size_t base = own->fresh.len;
    int rc = lnt_buf_append (&own->fresh, side->fresh.data, side->fresh.len);
    if (!rc)
        rc = lnt_rollup_add_all (own->pre, side->pre);
    for (size_t k = at; !rc && k < count; k++)
        if (g->preps[k].valid)
            g->preps[k].fresh += base;
    lnt_buf_reset (&side->fresh);
    lnt_rollup_reset (side->pre);
    return rc;
}

int
lnt_apply_prepare (lnt_apply_group_t *g, lnt_apply_item_t *items, size_t n,
                   uint64_t ref_version)
{
    if (g->n && (items != g->items || ref_version != g->ref_version
                 || n < g->n))
        s_preps_clear (g); /* another group, or other reference data     */
    g->items = items;
    g->ref_version = ref_version;
    size_t count = g->count;
    for (size_t i = g->n; i < n; i++)
        count += items[i].msg->count;
    if (count > g->cap) {
        size_t cap = g->cap ? g->cap : 1024;
        while (cap < count)
            cap *= 2;
        s_prep_t *preps = realloc (g->preps, cap * sizeof *preps);
        if (!preps) {
            s_preps_clear (g);
            return LNT_ENOMEM;
        }
        g->preps = preps;
        g->cap = cap;
    }
    size_t at = g->count;
    for (size_t k = at; k < count; k++)
        g->preps[k].why = NULL;
    g->count = count;
    /* Many changes in two batches or more: the helper prepares the
       batches of the second half of the changes meanwhile.              */
    s_share_t own = {{s_share_run}, g, &g->lane[0], g->n, n, at};
    s_share_t side = {{s_share_run}, g, &g->lane[1], n, n, count};
    if (count - at > LNT_SPLIT_CHANGES && n - g->n >= 2) {
        side.from = g->n;
        side.at = at;
        while (side.from < n - 1 && side.at - at < (count - at) / 2)
            side.at += items[side.from++].msg->count;
        if (!g->helper)
            g->helper = lnt_worker_new ();
        if (g->helper && lnt_worker_give (g->helper, &side.work) == 0)
            own.to = side.from;
    }
    int rc = s_prepare_share (&own);
    if (own.to < n) {
        int side_rc = lnt_worker_take (g->helper);
        if (side_rc == LNT_EINTERNAL)
            zactor_destroy (&g->helper); /* done with the share only once
                                            it has ended                 */
        if (!rc)
            rc = side_rc ? side_rc : s_lanes_join (g, side.at, count);
    }
    if (rc) {
        s_preps_clear (g);
        return rc;
    }
    g->n = n;
    return 0;
}

static int
s_dead (lnt_apply_group_t *g, lnt_txn_t *txn, const lnt_apply_item_t *item,
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

/*  Takes the part of a prepared change the commit does not write out of
    the sums it started from (the group's pre). 0 or LNT_ENOMEM.          */
static int
s_unsum (lnt_apply_group_t *g, const s_prep_t *p)
{
    return p->has_part ? lnt_rollup_add_part (g->rollup, &p->part, -1) : 0;
}

/*  A batch refused whole: none of its changes is written.                */
static int
s_refuse (lnt_apply_group_t *g, lnt_apply_item_t *item, const s_prep_t *preps,
          uint16_t code, uint64_t acked)
{
    item->refused = true;
    item->code = code;
    item->acked = acked;
    int rc = 0;
    for (uint32_t i = 0; !rc && i < item->msg->count; i++)
        rc = s_unsum (g, &preps[i]);
    return rc;
}

static int
s_batch (lnt_apply_group_t *g, lnt_txn_t *txn, lnt_apply_item_t *item,
         const s_prep_t *preps, uint64_t *max_version)
{
    const lnt_msg_t *m = item->msg;
    lnt_checkpoint_t cp;
    int rc = lnt_checkpoint_get (txn, item->office, &cp);
    if (rc && rc != LNT_ENOTFOUND)
        return rc;
    if (rc == LNT_ENOTFOUND || cp.incarnation != item->incarnation)
        return s_refuse (g, item, preps, LNT_REFUSE_NO_HELLO,
                         rc ? 0 : cp.acked);
    if (m->seq > cp.acked + 1)
        return s_refuse (g, item, preps, LNT_REFUSE_GAP, cp.acked);
    uint64_t dead = 0, conflicts = 0, last_version = cp.version;
    bool append = true; /* while the batch's records come last        */
    for (uint32_t i = 0; i < m->count; i++) {
        uint64_t seq = m->seq + i;
        const s_prep_t *p = &preps[i];
        if (seq <= cp.acked) {
            g->stats.skipped++;
            if ((rc = s_unsum (g, p)))
                return rc;
            continue;
        }
        last_version = p->decoded ? p->change.state.version : 0;
        if (!p->valid) {
            if ((rc = s_dead (g, txn, item, seq,
                              p->decoded ? &p->change : NULL, p->why)))
                return rc;
            dead++;
            continue;
        }
        if (p->has_part)
            lnt_rollup_hint (g->rollup, p->change.state.body,
                             p->change.state.body_len, &p->part, true);
        lnt_merge_t merge;
        rc = lnt_replica_apply_fresh (txn, &p->change,
                                      g->lane[0].fresh.data + p->fresh,
                                      p->fresh_len,
                                      &append, true, &merge, g->rollup,
                                      lnt_node_ref (g->hub));
        lnt_rollup_hint (g->rollup, NULL, 0, NULL, false);
        if (rc)
            return rc;
        switch (merge.verdict) {
            case LNT_MERGE_NEW:
            case LNT_MERGE_WIN: g->stats.applied++; break;
            case LNT_MERGE_DUP: g->stats.duplicates++; break;
            case LNT_MERGE_LOSE: g->stats.lost++; break;
        }
        if (merge.verdict == LNT_MERGE_DUP || merge.verdict == LNT_MERGE_LOSE)
            if ((rc = s_unsum (g, p)))
                return rc;
        if (merge.conflict) {
            g->stats.conflicts++;
            conflicts++;
        }
        if (p->change.state.version > *max_version)
            *max_version = p->change.state.version;
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
    lnt_apply_group_t *g = arg;
    uint64_t max_version = 0;
    memset (&g->stats, 0, sizeof g->stats);
    lnt_rollup_reset (g->rollup); /* a rerun after map growth starts over */
    /* The parts summed while preparing, as though every change were
       new; s_batch takes out what it does not write.                    */
    int rc = lnt_rollup_add_all (g->rollup, g->lane[0].pre);
    if (rc)
        return rc;
    /* Reference data loaded by a command since the group was validated:
       validate and roll up again against what this transaction sees, as
       the command's rebuild of the rollups did.                         */
    if (lnt_txn_get_u64 (txn, LNT_DB_META, "ref_version", 0)
        != g->ref_version)
        return LNT_APPLY_AGAIN;
    const s_prep_t *preps = g->preps;
    for (size_t i = 0; i < g->n; i++) {
        lnt_apply_item_t *item = &g->items[i];
        item->refused = false;
        item->code = 0;
        item->acked = 0;
        if ((rc = s_batch (g, txn, item, preps, &max_version)))
            return rc;
        preps += item->msg->count;
    }
    rc = lnt_replica_observe (txn, max_version);
    /* The rollups move in the same transaction as the records.        */
    return rc ? rc : lnt_rollup_flush (g->rollup, txn);
}

int
lnt_apply_commit (lnt_apply_group_t *g, int64_t now, lnt_apply_stats_t *stats)
{
    g->now = now;
    int rc = lnt_store_write (lnt_node_store (g->hub), s_group, g);
    s_preps_clear (g);
    if (!rc && stats)
        lnt_apply_stats_add (stats, &g->stats);
    return rc;
}

void
lnt_apply_stats_add (lnt_apply_stats_t *to, const lnt_apply_stats_t *from)
{
    to->applied += from->applied;
    to->duplicates += from->duplicates;
    to->lost += from->lost;
    to->conflicts += from->conflicts;
    to->dead += from->dead;
    to->skipped += from->skipped;
}

int
lnt_apply_refresh (lnt_node_t *hub, uint64_t *ref_version)
{
    lnt_txn_t *txn = NULL;
    lnt_why_t why = {""};
    bool reloaded = false;
    int rc = lnt_store_read (lnt_node_store (hub), &txn);
    if (rc)
        return rc;
    if (lnt_node_refresh_ref (hub, txn, &reloaded, &why))
        lnt_log_error ("hub error=\"%s\" - the store's reference data does "
                       "not load; keeping the data loaded before", why.text);
    else if (reloaded)
        lnt_log_info ("hub - reference data reloaded");
    *ref_version = lnt_txn_get_u64 (txn, LNT_DB_META, "ref_version", 0);
    lnt_txn_end (&txn);
    return 0;
}

int
lnt_apply_batches (lnt_node_t *hub, lnt_apply_item_t *items, size_t n,
                   int64_t now, lnt_apply_stats_t *stats)
{
    lnt_apply_group_t *g = lnt_apply_group_new (hub);
    if (!g)
        return LNT_ENOMEM;
    uint64_t version;
    int rc = lnt_apply_settle (g, items, n, now, stats, &version);
    lnt_apply_group_destroy (&g);
    return rc;
}

int
lnt_apply_settle (lnt_apply_group_t *g, lnt_apply_item_t *items, size_t n,
                  int64_t now, lnt_apply_stats_t *stats,
                  uint64_t *ref_version)
{
    int rc;
    do {
        if (!(rc = lnt_apply_refresh (g->hub, ref_version))
            && !(rc = lnt_apply_prepare (g, items, n, *ref_version)))
            rc = lnt_apply_commit (g, now, stats);
    } while (rc == LNT_APPLY_AGAIN);
    return rc;
}
