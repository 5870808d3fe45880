/*  lnt_query.c - answers to provincial staff's queries: offices,
    conflicts, dead-letters.                                               */
#include <string.h>

#include "lnt_apply.h"
#include "lnt_out.h"
#include "lnt_query.h"
#include "lnt_replica.h"

/*  The value of a query argument, or NULL.                                */
static const char *
s_arg (const lnt_msg_t *q, const char *key)
{
    for (int i = 0; i < q->arg_count; i++)
        if (strcmp (q->args[i].key, key) == 0)
            return q->args[i].value;
    return NULL;
}

static void
s_time (lnt_out_t *out, int64_t ms, int offset)
{
    if (ms <= 0) {
        lnt_out_null (out);
        return;
    }
    char buf[17];
    lnt_time_format_local (ms, offset, buf);
    lnt_out_str (out, buf);
}

static void
s_hex (lnt_out_t *out, uint64_t value)
{
    char buf[17];
    snprintf (buf, sizeof buf, "%016llx", (unsigned long long) value);
    lnt_out_str (out, value ? buf : NULL);
}

static int
s_offices (lnt_node_t *hub, lnt_txn_t *txn, const lnt_msg_t *q,
           lnt_out_t *out, lnt_query_connected_fn *connected, void *arg)
{
    const lnt_ref_t *ref = lnt_node_ref (hub);
    const char *only = s_arg (q, "office");
    lnt_out_column (out, "office", "Office");
    lnt_out_column (out, "name", "Name");
    lnt_out_column (out, "connected", "Connected");
    lnt_out_column (out, "last_contact", "Last contact");
    lnt_out_column (out, "incarnation", "Incarnation");
    lnt_out_column (out, "acked", "Acked");
    lnt_out_column (out, "backlog", "Backlog");
    lnt_out_column (out, "conflicts", "Conflicts");
    lnt_out_column (out, "dead_letters", "Dead letters");
    lnt_out_column (out, "restores", "Restores");
    for (size_t i = 0; i < lnt_ref_office_count (ref); i++) {
        const lnt_ref_office_t *o = lnt_ref_office_at (ref, i);
        if (strcmp (o->province, lnt_node_code (hub)) != 0
            || (only && strcmp (only, o->code) != 0))
            continue;
        lnt_checkpoint_t cp;
        int rc = lnt_checkpoint_get (txn, o->code, &cp);
        if (rc && rc != LNT_ENOTFOUND)
            return rc;
        bool known = rc == 0;
        bool up = connected (o->code, arg);
        lnt_out_row (out);
        lnt_out_str (out, o->code);
        lnt_out_str (out, o->name);
        if (lnt_out_format (out) == LNT_OUT_JSON)
            lnt_out_bool (out, up);
        else
            lnt_out_str (out, up ? "yes" : "no");
        s_time (out, known ? cp.last_contact : 0,
                lnt_ref_utc_offset (ref, o->code));
        s_hex (out, known ? cp.incarnation : 0);
        lnt_out_int (out, known ? (int64_t) cp.acked : 0);
        lnt_out_int (out, known && cp.log_head > cp.acked
                              ? (int64_t) (cp.log_head - cp.acked)
                              : 0);
        lnt_out_int (out, known ? (int64_t) cp.conflicts : 0);
        lnt_out_int (out, known ? (int64_t) cp.dead : 0);
        lnt_out_int (out, known ? (int64_t) cp.restores : 0);
    }
    return 0;
}

static int
s_conflicts (lnt_node_t *hub, lnt_txn_t *txn, const lnt_msg_t *q,
             lnt_out_t *out)
{
    const lnt_ref_t *ref = lnt_node_ref (hub);
    const char *only = s_arg (q, "office");
    lnt_out_column (out, "id", "ID");
    lnt_out_column (out, "office", "Office");
    lnt_out_column (out, "section", "Section");
    lnt_out_column (out, "node", "Node");
    lnt_out_column (out, "version_time", "Written");
    lnt_out_column (out, "deleted", "Deleted");
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    int rc = lnt_cursor_open (txn, LNT_DB_CONFLICTS, &cur);
    if (rc)
        return rc;
    for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        lnt_change_t c;
        if (lnt_codec_change_decode (v, vl, &c, NULL) != 0
            || (only && strcmp (only, c.office) != 0))
            continue;
        lnt_out_row (out);
        lnt_out_str (out, c.id);
        lnt_out_str (out, c.office);
        lnt_out_str (out, c.section == LNT_SECTION_OFFICE ? "office"
                                                          : "province");
        s_hex (out, c.state.node);
        s_time (out, lnt_clock_ms (c.state.version),
                lnt_ref_utc_offset (ref, c.office));
        if (lnt_out_format (out) == LNT_OUT_JSON)
            lnt_out_bool (out, c.state.deleted);
        else
            lnt_out_str (out, c.state.deleted ? "yes" : "no");
    }
    lnt_cursor_close (&cur);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

static int
s_dead_letters (lnt_txn_t *txn, const lnt_msg_t *q, lnt_out_t *out)
{
    const char *only = s_arg (q, "office");
    lnt_out_column (out, "office", "Office");
    lnt_out_column (out, "incarnation", "Incarnation");
    lnt_out_column (out, "seq", "Seq");
    lnt_out_column (out, "id", "ID");
    lnt_out_column (out, "reason", "Reason");
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    int rc = lnt_cursor_open (txn, LNT_DB_DEAD, &cur);
    if (rc)
        return rc;
    for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        if (kl != 24)
            continue;
        const unsigned char *key = k;
        char office[9];
        memcpy (office, key, 8);
        office[8] = 0;
        if (only && strcmp (only, office) != 0)
            continue;
        const char *reason = v;
        size_t rlen = strnlen (reason, vl);
        lnt_change_t c;
        bool decoded = rlen < vl
                       && lnt_codec_change_decode (reason + rlen + 1,
                                                   vl - rlen - 1, &c, NULL)
                              == 0;
        char why[512];
        snprintf (why, sizeof why, "%.*s", (int) rlen, reason);
        lnt_out_row (out);
        lnt_out_str (out, office);
        s_hex (out, lnt_store_u64_key (key + 8));
        lnt_out_int (out, (int64_t) lnt_store_u64_key (key + 16));
        lnt_out_str (out, decoded ? c.id : NULL);
        lnt_out_str (out, why);
    }
    lnt_cursor_close (&cur);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

int
lnt_query_answer (lnt_node_t *hub, const lnt_msg_t *q,
                  lnt_query_connected_fn *connected, void *arg, FILE *out)
{
    lnt_out_t *listing = lnt_out_new ((lnt_out_format_t) q->format);
    lnt_txn_t *txn = NULL;
    int rc = listing ? lnt_store_read (lnt_node_store (hub), &txn)
                     : LNT_ENOMEM;
    int status = 0;
    if (rc)
        ;
    else if (strcmp (q->text, "offices") == 0)
        rc = s_offices (hub, txn, q, listing, connected, arg);
    else if (strcmp (q->text, "conflicts") == 0)
        rc = s_conflicts (hub, txn, q, listing);
    else if (strcmp (q->text, "dead-letters") == 0)
        rc = s_dead_letters (txn, q, listing);
    else {
        fprintf (out, "unknown query \"%s\"\n", q->text);
        status = 64;
    }
    lnt_txn_end (&txn);
    if (rc) {
        fprintf (out, "the hub's store failed: %s\n", lnt_strerror (rc));
        status = 74;
    }
    else if (!status)
        lnt_out_print (listing, out);
    lnt_out_destroy (&listing);
    return status;
}
