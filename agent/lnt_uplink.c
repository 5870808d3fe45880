/*  lnt_uplink.c - the agent daemon's loop: HELLO, batches up, changes
    down, restore, status.                                                 */
#include <czmq.h>
#include <systemd/sd-daemon.h>

#include "lnt_control.h"
#include "lnt_log.h"
#include "lnt_msg.h"
#include "lnt_node.h"
#include "lnt_replica.h"
#include "lnt_uplink.h"

#define LNT_BATCH_BYTES (1 << 20) /* a batch stops growing past this       */
#define LNT_HELLO_RETRY_MS 5000   /* HELLO again when unanswered this long */

typedef struct {
    const lnt_uplink_config_t *config; /* settings                         */
    lnt_node_t *node;        /* the office's store                         */
    zsock_t *dealer;         /* to the hub                                 */
    zsock_t *control;        /* status (and old nudges) from commands      */
    int nudges;              /* the nudge socket, or -1                    */
    zactor_t *monitor;       /* the DEALER's connect/disconnect events     */
    zloop_t *loop;           /* the one loop                               */
    bool connected;          /* a TCP connection to the hub is up          */
    bool welcomed;           /* the hub answered HELLO with OK             */
    int64_t link_since;      /* ms of the last change of connected         */
    int64_t hello_at;        /* ms the last HELLO went out                 */
    int64_t retry_at;        /* after a refusal: HELLO again from this ms  */
    uint64_t acked;          /* the hub has applied our log up to here     */
    uint64_t acked_saved;    /* acked as last written to the store         */
    uint64_t sent;           /* highest sequence sent                      */
    int inflight;            /* batches sent and not acknowledged          */
    uint32_t window;         /* batches in flight the hub allows           */
    uint64_t hub_incarnation; /* the hub's incarnation, from WELCOME       */
    uint64_t down_applied;   /* the hub's log applied up to here           */
    uint64_t changes_sent;   /* changes sent since start                   */
    uint64_t down_changes;   /* changes applied from the hub since start   */
    uint64_t restored;       /* own records received back since start     */
    bool failed;             /* the store failed: stop                     */
    int lock;                /* the data folder's daemon.lock, held; or -1 */
    char refused[256];       /* the hub's last refusal, till a WELCOME OK  */
    lnt_buf_t buf;           /* scratch frame                              */
} s_agent_t;

static int
s_send (s_agent_t *a, const lnt_buf_t *buf)
{
    return zmq_send (zsock_resolve (a->dealer), buf->data, buf->len,
                     ZMQ_DONTWAIT) < 0 ? -1 : 0;
}

static void
s_send_msg (s_agent_t *a, const lnt_msg_t *m)
{
    lnt_buf_reset (&a->buf);
    if (lnt_msg_encode (m, &a->buf) == 0)
        s_send (a, &a->buf);
}

/*  Reads what HELLO reports: log head, down position.                     */
static void
s_hello (s_agent_t *a)
{
    lnt_txn_t *txn = NULL;
    lnt_msg_t m = {.type = LNT_MSG_HELLO};
    snprintf (m.office, sizeof m.office, "%s", lnt_node_code (a->node));
    if (lnt_store_read (lnt_node_store (a->node), &txn) == 0) {
        m.incarnation = lnt_txn_get_u64 (txn, LNT_DB_META, "node", 0);
        m.log_head = lnt_node_log_head (txn);
        m.hub_incarnation = lnt_txn_get_u64 (txn, LNT_DB_META,
                                             "hub_incarnation", 0);
        m.down_applied = lnt_txn_get_u64 (txn, LNT_DB_META, "down_applied",
                                          0);
        m.down_version = lnt_txn_get_u64 (txn, LNT_DB_META, "down_version",
                                          0);
        m.clock = lnt_node_clock (txn);
        lnt_txn_end (&txn);
    }
    m.acked = a->acked;
    a->welcomed = false;
    a->inflight = 0;
    a->hello_at = lnt_time_now_ms ();
    lnt_buf_reset (&a->buf);
    if (lnt_msg_encode (&m, &a->buf) == 0 && s_send (a, &a->buf) != 0)
        a->hello_at = 0; /* not sent: the timer tries again at once       */
}

/*  Sends batches from the log while the window allows.                    */
static void
s_pump (s_agent_t *a)
{
    if (!a->connected || !a->welcomed)
        return;
    lnt_txn_t *txn = NULL;
    if (lnt_store_read (lnt_node_store (a->node), &txn))
        return;
    uint64_t head = lnt_node_log_head (txn);
    lnt_buf_t body = {0};
    while (a->inflight < (int) a->window && a->sent < head) {
        uint64_t first = a->sent + 1, last = a->sent;
        unsigned char key[8];
        lnt_store_key_u64 (first, key);
        lnt_cursor_t *cur;
        const void *k, *v;
        size_t kl, vl;
        lnt_buf_reset (&body);
        if (lnt_cursor_open (txn, LNT_DB_LOG, &cur))
            break;
        for (int rc = lnt_cursor_seek (cur, key, 8, &k, &kl, &v, &vl);
             rc == 0 && last - first + 1 < LNT_BATCH_MAX
             && body.len < LNT_BATCH_BYTES;
             rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
            if (lnt_store_u64_key (k) != last + 1)
                break; /* the log has a hole: never send past it          */
            lnt_buf_append (&body, v, vl);
            last++;
        }
        lnt_cursor_close (&cur);
        if (last < first)
            break;
        lnt_buf_reset (&a->buf);
        lnt_msg_batch_begin (&a->buf, LNT_MSG_BATCH, first, last,
                             (uint32_t) (last - first + 1));
        lnt_buf_append (&a->buf, body.data, body.len);
        if (s_send (a, &a->buf) != 0)
            break; /* no connection: HELLO starts again when there is one */
        a->changes_sent += last - first + 1;
        a->sent = last;
        a->inflight++;
    }
    lnt_buf_free (&body);
    lnt_txn_end (&txn);
}

/*  Writes acked to the store when it moved: cheap to lose (the hub skips
    what it has), so not on every ACK.                                    */
static int
s_save_acked_fn (lnt_txn_t *txn, void *arg)
{
    return lnt_txn_put_u64 (txn, LNT_DB_META, "acked", *(uint64_t *) arg);
}

static void
s_save_acked (s_agent_t *a)
{
    if (a->acked == a->acked_saved)
        return;
    uint64_t acked = a->acked;
    if (lnt_store_write (lnt_node_store (a->node), s_save_acked_fn, &acked) == 0)
        a->acked_saved = acked;
}

/*  ---- down -------------------------------------------------------------------- */

typedef struct {
    s_agent_t *agent;     /* the daemon                                     */
    const lnt_msg_t *msg; /* the DOWN or RESTORE                            */
    bool ref_changed;     /* reference data came down                       */
} s_down_t;

static int
s_down_fn (lnt_txn_t *txn, void *arg)
{
    s_down_t *d = arg;
    const lnt_msg_t *m = d->msg;
    uint64_t max_version = 0;
    d->ref_changed = false;
    for (uint32_t i = 0; i < m->count; i++) {
        lnt_change_t c;
        lnt_why_t why = {""};
        if (lnt_msg_change (m, i, &c, &why)) {
            lnt_log_warning ("office=%s error=\"%s\" - a change from the hub "
                             "is malformed; skipped",
                             lnt_node_code (d->agent->node), why.text);
            continue;
        }
        lnt_merge_t merge;
        int rc = lnt_replica_apply (txn, &c, true, &merge);
        bool won = merge.verdict == LNT_MERGE_NEW
                   || merge.verdict == LNT_MERGE_WIN;
        if (!rc && won && c.kind == LNT_KIND_REF && !c.state.deleted) {
            rc = lnt_txn_put (txn, LNT_DB_REF, c.id, strlen (c.id),
                              c.state.body, c.state.body_len);
            d->ref_changed = true;
        }
        /* A suggestion deleted at the office, coming back to a store
           restored from an older backup: its reporter and confidential
           text go, as they went when staff deleted it.                   */
        if (!rc && won && c.kind == LNT_KIND_SUGGESTION && c.state.deleted
            && c.section == LNT_SECTION_OFFICE) {
            rc = lnt_txn_del (txn, LNT_DB_PRIVATE, c.id, strlen (c.id));
            if (rc == LNT_ENOTFOUND)
                rc = 0;
        }
        /* A record of our own that came back moves the office-year's
           next tracking number on by being in the records.              */
        if (rc)
            return rc;
        if (c.state.version > max_version)
            max_version = c.state.version;
    }
    int rc = lnt_replica_observe (txn, max_version);
    /* An empty RESTORE ends the restore: staff may write again.         */
    if (!rc && m->type == LNT_MSG_RESTORE && m->count == 0)
        rc = lnt_node_set_restoring (txn, false);
    if (!rc && m->type == LNT_MSG_DOWN) {
        if ((rc = lnt_txn_put_u64 (txn, LNT_DB_META, "down_applied", m->last))
            || (rc = lnt_txn_put_u64 (txn, LNT_DB_META, "down_version",
                                       m->last_version)))
            return rc;
        rc = lnt_txn_put_u64 (txn, LNT_DB_META, "hub_incarnation",
                              d->agent->hub_incarnation);
    }
    return rc;
}

static void
s_on_down (s_agent_t *a, const lnt_msg_t *m)
{
    if (m->type == LNT_MSG_DOWN && m->last <= a->down_applied) {
        lnt_msg_t ack = {.type = LNT_MSG_DOWN_ACK, .seq = a->down_applied};
        s_send_msg (a, &ack); /* already applied: a resend                */
        return;
    }
    s_down_t d = {a, m, false};
    int rc = lnt_store_write (lnt_node_store (a->node), s_down_fn, &d);
    if (rc) {
        lnt_log_error ("office=%s error=\"%s\" - applying changes from the "
                       "hub failed", lnt_node_code (a->node),
                       lnt_strerror (rc));
        a->failed = true;
        return;
    }
    if (m->type == LNT_MSG_DOWN) {
        a->down_applied = m->last;
        a->down_changes += m->count;
    }
    else
        a->restored += m->count;
    if (d.ref_changed) {
        lnt_txn_t *txn = NULL;
        lnt_why_t why = {""};
        if (lnt_store_read (lnt_node_store (a->node), &txn) == 0
            && lnt_node_load_ref (a->node, txn, &why) != 0)
            lnt_log_error ("office=%s error=\"%s\" - reference data from the "
                           "hub does not load", lnt_node_code (a->node),
                           why.text);
        lnt_txn_end (&txn);
    }
    lnt_msg_t ack = {.type = LNT_MSG_DOWN_ACK, .seq = a->down_applied};
    s_send_msg (a, &ack);
}

/*  ---- messages from the hub ------------------------------------------------ */

typedef struct {
    lnt_node_t *node;  /* the office                                       */
    uint64_t id;       /* the new incarnation                              */
} s_reincarnate_t;

static int
s_reincarnate_fn (lnt_txn_t *txn, void *arg)
{
    s_reincarnate_t *r = arg;
    int rc = lnt_node_reincarnate (r->node, txn, true, &r->id);
    if (!rc)
        rc = lnt_txn_put_u64 (txn, LNT_DB_META, "acked", 0);
    if (!rc) /* staff wait until the records are back                  */
        rc = lnt_node_set_restoring (txn, true);
    return rc;
}

/*  Does our log hold, at seq, the change the hub applied there (same
    version)? If not, our store is not the one the hub followed: it went
    back in time and was written again since.                             */
static bool
s_log_matches (s_agent_t *a, uint64_t seq, uint64_t version)
{
    if (seq == 0 || version == 0)
        return true;
    lnt_txn_t *txn = NULL;
    /* A store that cannot be read now is not proof of anything: a new
       incarnation costs a full restore, so only a real mismatch counts. */
    if (lnt_store_read (lnt_node_store (a->node), &txn) != 0)
        return true;
    unsigned char key[8];
    const void *v;
    size_t vl;
    lnt_change_t c;
    lnt_store_key_u64 (seq, key);
    bool same = lnt_txn_get (txn, LNT_DB_LOG, key, 8, &v, &vl) == 0
                && lnt_codec_change_decode (v, vl, &c, NULL) == 0
                && c.state.version == version;
    lnt_txn_end (&txn);
    return same;
}

static int
s_restored_fn (lnt_txn_t *txn, void *arg)
{
    (void) arg;
    return lnt_node_restoring (txn) ? lnt_node_set_restoring (txn, false) : 0;
}

static void
s_on_welcome (s_agent_t *a, const lnt_msg_t *m)
{
    if (m->verdict == LNT_WELCOME_REINCARNATE
        || !s_log_matches (a, m->seq, m->version)) {
        /* Our store went back in time: new sequences would clash with
           what the hub holds. Take a new incarnation, log our state again
           from 1, and start over; the hub then sends our records back.  */
        s_reincarnate_t r = {a->node, 0};
        int rc = lnt_store_write (lnt_node_store (a->node), s_reincarnate_fn,
                                  &r);
        if (rc) {
            lnt_log_error ("office=%s error=\"%s\" - taking a new incarnation "
                           "failed", lnt_node_code (a->node),
                           lnt_strerror (rc));
            a->failed = true;
            return;
        }
        lnt_node_set_id (a->node, r.id);
        a->acked = a->acked_saved = a->sent = 0;
        lnt_log_warning ("office=%s incarnation=%016llx - the store went back "
                         "in time (an old backup?): new incarnation, records "
                         "come back from the hub", lnt_node_code (a->node),
                         (unsigned long long) r.id);
        s_hello (a);
        return;
    }
    a->welcomed = true;
    a->refused[0] = 0;
    a->acked = m->seq;
    a->sent = m->seq;
    a->inflight = 0;
    /* The hub follows this store as it is and sends nothing back: a
       store marked as restoring (a copy that was not behind) is done.   */
    if (!m->restore)
        lnt_store_write (lnt_node_store (a->node), s_restored_fn, NULL);
    a->window = m->window;
    /* The hub says where its down stream starts for us: after what we
       applied, or from 1 when its log no longer holds it.               */
    if (m->down_from)
        a->down_applied = m->down_from - 1;
    else if (m->incarnation != a->hub_incarnation)
        a->down_applied = 0;
    a->hub_incarnation = m->incarnation;
    lnt_log_info ("office=%s acked=%llu window=%u - welcomed by the hub",
                  lnt_node_code (a->node), (unsigned long long) m->seq,
                  m->window);
    s_pump (a);
}

static void
s_on_refuse (s_agent_t *a, const lnt_msg_t *m)
{
    switch (m->code) {
        case LNT_REFUSE_GAP:
            /* The hub has applied up to expected - 1: go on from there.  */
            a->acked = a->sent = m->seq ? m->seq - 1 : 0;
            a->inflight = 0;
            s_pump (a);
            return;
        case LNT_REFUSE_NO_HELLO:
            s_hello (a);
            return;
        case LNT_REFUSE_UNAVAILABLE:
            a->sent = a->acked;
            a->inflight = 0;
            a->retry_at = lnt_time_now_ms () + 1000;
            a->welcomed = false;
            break;
        default:
            a->welcomed = false;
            a->retry_at = lnt_time_now_ms () + 30000;
    }
    lnt_log_warning ("office=%s code=%u reason=\"%s\" - the hub refused",
                     lnt_node_code (a->node), m->code, m->text);
    /* Kept for `status`: one line, whatever the hub wrote.             */
    snprintf (a->refused, sizeof a->refused, "%s", m->text);
    for (char *p = a->refused; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

static int
s_on_dealer (zloop_t *loop, zsock_t *sock, void *arg)
{
    (void) loop;
    s_agent_t *a = arg;
    for (int n = 0; n < 64 && (zsock_events (sock) & ZMQ_POLLIN); n++) {
        zframe_t *frame = zframe_recv (sock);
        if (!frame)
            break;
        lnt_msg_t m;
        lnt_why_t why = {""};
        if (lnt_msg_decode (zframe_data (frame), zframe_size (frame), &m, &why))
            lnt_log_warning ("office=%s error=\"%s\" - malformed frame from "
                             "the hub dropped", lnt_node_code (a->node),
                             why.text);
        else if (m.type == LNT_MSG_WELCOME)
            s_on_welcome (a, &m);
        else if (m.type == LNT_MSG_ACK) {
            if (m.seq > a->acked)
                a->acked = m.seq;
            if (a->sent < a->acked)
                a->sent = a->acked;
            if (a->inflight > 0)
                a->inflight--;
            s_pump (a);
        }
        else if (m.type == LNT_MSG_REFUSE)
            s_on_refuse (a, &m);
        else if ((m.type == LNT_MSG_DOWN || m.type == LNT_MSG_RESTORE)
                 && a->welcomed)
            s_on_down (a, &m);
        lnt_msg_release (&m);
        zframe_destroy (&frame);
    }
    return a->failed ? -1 : 0;
}

static int
s_on_monitor (zloop_t *loop, zsock_t *sock, void *arg)
{
    (void) loop;
    s_agent_t *a = arg;
    zmsg_t *msg = zmsg_recv (sock);
    char *event = msg ? zmsg_popstr (msg) : NULL;
    if (event && strncmp (event, "HANDSHAKE_FAILED", 16) == 0)
        lnt_log_warning ("office=%s hub=%s event=%s - the hub refused the "
                         "connection", lnt_node_code (a->node), a->config->hub,
                         event);
    else if (event && strcmp (event, "HANDSHAKE_SUCCEEDED") == 0) {
        a->connected = true;
        a->link_since = lnt_time_now_ms ();
        lnt_log_info ("office=%s hub=%s - connected", lnt_node_code (a->node),
                      a->config->hub);
        s_hello (a);
    }
    else if (event && strcmp (event, "DISCONNECTED") == 0 && a->connected) {
        a->connected = false;
        a->welcomed = false;
        a->inflight = 0;
        a->sent = a->acked;
        a->link_since = lnt_time_now_ms ();
        lnt_log_warning ("office=%s hub=%s - disconnected; writes are kept "
                         "and sent when the hub is back",
                         lnt_node_code (a->node), a->config->hub);
    }
    zstr_free (&event);
    zmsg_destroy (&msg);
    return 0;
}

/*  The status lines `lontar-agent status` shows.                          */
static char *
s_status (s_agent_t *a)
{
    lnt_txn_t *txn = NULL;
    uint64_t head = 0;
    int64_t oldest = 0;
    if (lnt_store_read (lnt_node_store (a->node), &txn) == 0) {
        head = lnt_node_log_head (txn);
        if (head > a->acked) {
            unsigned char key[8];
            const void *v;
            size_t vl;
            lnt_change_t c;
            lnt_store_key_u64 (a->acked + 1, key);
            if (lnt_txn_get (txn, LNT_DB_LOG, key, 8, &v, &vl) == 0
                && lnt_codec_change_decode (v, vl, &c, NULL) == 0)
                oldest = lnt_clock_ms (c.state.version);
        }
        lnt_txn_end (&txn);
    }
    return zsys_sprintf ("daemon=1\nhub=%s\nhub_reachable=%d\nsince=%lld\n"
                         "log_head=%llu\nacked=%llu\npending=%llu\n"
                         "oldest_pending=%lld\ndown_applied=%llu\n"
                         "changes_sent=%llu\ndown_changes=%llu\n"
                         "restored=%llu\nrefused=%s\n",
                         a->config->hub, a->connected && a->welcomed,
                         (long long) a->link_since, (unsigned long long) head,
                         (unsigned long long) a->acked,
                         (unsigned long long) (head > a->acked ? head - a->acked
                                                               : 0),
                         (long long) oldest,
                         (unsigned long long) a->down_applied,
                         (unsigned long long) a->changes_sent,
                         (unsigned long long) a->down_changes,
                         (unsigned long long) a->restored, a->refused);
}

static int
s_on_control (zloop_t *loop, zsock_t *sock, void *arg)
{
    (void) loop;
    s_agent_t *a = arg;
    zmsg_t *msg = zmsg_recv (sock);
    if (!msg)
        return 0;
    zframe_t *routing = zmsg_first (msg);
    char *word = zframe_strdup (zmsg_last (msg));
    if (word && strcmp (word, "STATUS") == 0 && zmsg_size (msg) == 2) {
        char *status = s_status (a);
        zmsg_t *reply = zmsg_new ();
        zmsg_append (reply, &(zframe_t *){zframe_dup (routing)});
        zmsg_addstr (reply, status);
        zmsg_send (&reply, sock);
        zstr_free (&status);
    }
    free (word);
    zmsg_destroy (&msg);
    s_pump (a); /* a NUDGE: staff wrote                                    */
    return 0;
}

static int
s_on_nudge (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    s_agent_t *a = arg;
    if (lnt_control_nudged (item->fd))
        s_pump (a); /* staff wrote                                     */
    return 0;
}

static int
s_on_timer (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_agent_t *a = arg;
    int64_t now = lnt_time_now_ms ();
    sd_notify (0, "WATCHDOG=1");
    if (a->connected && !a->welcomed && now >= a->retry_at
        && now - a->hello_at >= LNT_HELLO_RETRY_MS)
        s_hello (a);
    s_pump (a); /* writes made without a nudge                             */
    s_save_acked (a);
    return 0;
}

int
lnt_uplink_check (const lnt_uplink_config_t *config, lnt_why_t *why)
{
    if (!config->data || !config->data[0])
        return lnt_why (why, LNT_ECONFIG, "the data folder is empty; give "
                        "--data DIR or data = DIR in the config file");
    if (!config->insecure)
        return lnt_why (why, LNT_ECONFIG, "CURVE security is not available in "
                        "this version; run with --insecure and a loopback hub");
    if (!lnt_endpoint_is_loopback (config->hub))
        return lnt_why (why, LNT_ECONFIG, "--insecure allows only a loopback "
                        "hub (tcp://127.0.0.1:PORT or ipc://), not %s",
                        config->hub);
    return 0;
}

int
lnt_uplink_run (const lnt_uplink_config_t *config, lnt_why_t *why)
{
    int check = lnt_uplink_check (config, why);
    if (check)
        return check;
    s_agent_t *a = calloc (1, sizeof *a);
    if (!a)
        return LNT_ENOMEM;
    a->config = config;
    a->window = 1;
    a->lock = -1;
    a->nudges = -1;
    char control[300];
    lnt_txn_t *txn = NULL;
    int rc = lnt_node_open (config->data, 0, &a->node, why);
    if (!rc && lnt_node_role (a->node) != LNT_ROLE_AGENT)
        rc = lnt_why (why, LNT_EINVAL, "the store in %s is a hub's, not an "
                      "office's", config->data);
    if (!rc && lnt_control_endpoint (config->data, control, sizeof control))
        rc = lnt_why (why, LNT_ECONFIG, "the data folder path %s is too long "
                      "for a local socket", config->data);
    if (!rc)
        rc = lnt_control_claim (config->data, "lontar-agent", &a->lock, why);
    if (!rc && !(rc = lnt_store_read (lnt_node_store (a->node), &txn))) {
        a->acked = a->acked_saved = lnt_txn_get_u64 (txn, LNT_DB_META,
                                                     "acked", 0);
        a->hub_incarnation = lnt_txn_get_u64 (txn, LNT_DB_META,
                                              "hub_incarnation", 0);
        a->down_applied = lnt_txn_get_u64 (txn, LNT_DB_META, "down_applied",
                                           0);
        lnt_txn_end (&txn);
    }
    if (rc)
        goto done;
    if ((rc = lnt_control_nudge_open (config->data, &a->nudges, why)))
        goto done;
    a->control = zsock_new (ZMQ_ROUTER);
    zsock_set_linger (a->control, 0);
    if (zsock_bind (a->control, "%s", control) == -1) {
        rc = lnt_why (why, LNT_EUNAVAIL, "cannot bind %s (%s); is another "
                      "lontar-agent running on this data folder?", control,
                      zmq_strerror (zmq_errno ()));
        goto done;
    }
    a->dealer = zsock_new (ZMQ_DEALER);
    zsock_set_immediate (a->dealer, 1);
    zsock_set_linger (a->dealer, 0);
    zsock_set_maxmsgsize (a->dealer, LNT_FRAME_MAX);
    zsock_set_heartbeat_ivl (a->dealer, config->heartbeat_ms);
    zsock_set_heartbeat_timeout (a->dealer, 3 * config->heartbeat_ms);
    zsock_set_heartbeat_ttl (a->dealer, 3 * config->heartbeat_ms);
    zsock_set_reconnect_ivl (a->dealer, 100);
    zsock_set_reconnect_ivl_max (a->dealer, 10000);
    a->monitor = zactor_new (zmonitor, a->dealer);
    /* HANDSHAKE_SUCCEEDED, not CONNECTED: only after the ZMTP handshake
       does the socket take a message for the hub.                       */
    zstr_sendx (a->monitor, "LISTEN", "HANDSHAKE_SUCCEEDED", "DISCONNECTED",
                "HANDSHAKE_FAILED_PROTOCOL", "HANDSHAKE_FAILED_AUTH", NULL);
    zstr_sendx (a->monitor, "START", NULL);
    zsock_wait (a->monitor);
    if (zsock_connect (a->dealer, "%s", config->hub) != 0) {
        rc = lnt_why (why, LNT_ECONFIG, "the hub endpoint %s is not valid",
                      config->hub);
        goto done;
    }
    a->link_since = lnt_time_now_ms ();
    a->loop = zloop_new ();
    zloop_reader (a->loop, a->dealer, s_on_dealer, a);
    zloop_reader (a->loop, zactor_sock (a->monitor), s_on_monitor, a);
    zloop_reader (a->loop, a->control, s_on_control, a);
    zloop_poller (a->loop, &(zmq_pollitem_t){NULL, a->nudges, ZMQ_POLLIN, 0},
                  s_on_nudge, a);
    zloop_timer (a->loop, 1000, 0, s_on_timer, a);
    lnt_log_info ("office=%s hub=%s data=%s - agent ready",
                  lnt_node_code (a->node), config->hub, config->data);
    sd_notifyf (0, "READY=1\nSTATUS=office %s, hub %s",
                lnt_node_code (a->node), config->hub);
    zloop_start (a->loop);
    sd_notify (0, "STOPPING=1");
    s_save_acked (a);
    if (a->failed)
        rc = lnt_why (why, LNT_ESTORE, "the store failed; see the log above");
    lnt_log_info ("office=%s sent=%llu down=%llu restored=%llu - agent stopped",
                  lnt_node_code (a->node),
                  (unsigned long long) a->changes_sent,
                  (unsigned long long) a->down_changes,
                  (unsigned long long) a->restored);
done:
    zloop_destroy (&a->loop);
    zactor_destroy (&a->monitor);
    zsock_destroy (&a->dealer);
    zsock_destroy (&a->control);
    lnt_control_nudge_close (config->data, &a->nudges);
    lnt_buf_free (&a->buf);
    lnt_node_destroy (&a->node);
    if (a->lock >= 0)
        close (a->lock);
    free (a);
    return rc;
}
