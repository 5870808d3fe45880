/*  lnt_hub.c - the hub daemon: sockets, connections, group commit, the
    down and restore streams, and housekeeping.                            */
#include <assert.h>
#include <czmq.h>
#include <systemd/sd-daemon.h>

#include "lnt_apply.h"
#include "lnt_control.h"
#include "lnt_hub.h"
#include "lnt_log.h"
#include "lnt_query.h"
#include "lnt_worker.h"

#define LNT_TURNS 3             /* one committing, one queued behind it,
                                   one gathering                         */
#define LNT_TURN_MAX 512        /* messages read in one turn of the loop  */
#define LNT_TURN_CHANGES 16384  /* changes gathered for one group commit:
                                   bounds its memory and how long the loop
                                   is away from queries and heartbeats   */
#define LNT_CONN_EXPIRY_MS (24 * 3600 * 1000LL) /* forget one silent a day */
#define LNT_CHUNK_BYTES (1 << 20) /* a DOWN or RESTORE stops growing here  */

/*  One agent connection, keyed by its routing id.                         */
typedef struct {
    zframe_t *routing;          /* routing id frame; owned                 */
    char office[LNT_OFFICE_MAX + 1]; /* its office, from its first HELLO   */
    uint64_t incarnation;       /* its store's incarnation                 */
    bool welcomed;              /* HELLO answered with OK                  */
    int64_t last_seen;          /* ms of its last message                  */
    uint64_t down_next;         /* next hub log sequence to send           */
    uint64_t down_acked;        /* last hub log sequence it applied        */
    int inflight;               /* DOWN and RESTORE messages unacked       */
    int restore_kind;           /* record kind being restored; 0 when done */
    char restore_after[LNT_ID_MAX + 1]; /* last id restored of that kind   */
    bool restoring;             /* a restore is owed until all is acked    */
    bool restore_end;           /* the empty RESTORE that ends it is due   */
    uint64_t down_saved;        /* down_acked as last written to the store */
    int window;                 /* messages in flight it was granted, each
                                   way (WELCOME)                           */
    int fd;                     /* its TCP or ipc socket (ZMQ_SRCFD), or -1 */
    bool gone;                  /* libzmq closed that socket (the peer died
                                   or missed its heartbeats)               */
} s_conn_t;

/*  The batches of one group commit and what they borrow from.           */
typedef struct {
    lnt_work_t work;            /* for the writer: s_commit_run            */
    zmsg_t *held[LNT_TURN_MAX]; /* messages whose batches await commit     */
    lnt_msg_t msgs[LNT_TURN_MAX]; /* their decoded batches                 */
    lnt_apply_item_t items[LNT_TURN_MAX]; /* the group                     */
    s_conn_t *item_conn[LNT_TURN_MAX]; /* the connection of each item      */
    size_t pending;             /* items in the group                      */
    size_t pending_changes;     /* changes in those items                  */
    lnt_apply_group_t *group;   /* its decoded and validated changes       */
    lnt_apply_stats_t stats;    /* what its commit did (the writer's)      */
    int64_t now;                /* when it was handed to the writer        */
} s_turn_t;

typedef struct {
    const lnt_hub_config_t *config; /* settings                            */
    lnt_node_t *node;           /* the hub's store                         */
    zsock_t *router;            /* replication socket                      */
    zsock_t *query;             /* query socket                            */
    zsock_t *control;           /* local status (and old nudges)           */
    int nudges;                 /* the nudge socket, or -1                 */
    zactor_t *monitor;          /* the replication socket's disconnections */
    zhashx_t *owed;             /* fd (text) -> DISCONNECTED events still
                                   due for connections already marked gone */
    int frame_fd;               /* the socket the frame in hand came by    */
    zloop_t *loop;              /* the one loop                            */
    zhashx_t *conns;            /* routing id (hex) -> s_conn_t            */
    lnt_apply_stats_t stats;    /* changes applied since start             */
    uint64_t malformed;         /* frames dropped as malformed             */
    uint64_t refused;           /* messages refused                        */
    uint64_t turns;             /* group commits made                      */
    lnt_buf_t buf;              /* scratch for frames                      */
    s_turn_t *turn[LNT_TURNS];  /* a ring of groups                        */
    int head;                   /* the oldest group handed to the writer   */
    int handed;                 /* groups handed to it and not answered;
                                   turn[(head + handed) % LNT_TURNS]
                                   gathers                               */
    bool idle_owed;             /* the loop has work with the store (an
                                   office said HELLO or acknowledged down
                                   messages, or the timer's): the writer
                                   goes idle for it at the next hand-over
                                   (s_idle)                              */
    bool tick_owed;             /* the timer or a local command asks
                                   s_idle to save the offices' down
                                   positions and check the reference
                                   data                                  */
    zactor_t *writer;           /* commits groups while the loop reads     */
    uint64_t ref_version;       /* of the reference data loaded            */
    bool failed;                /* the store failed: stop the loop         */
    int lock;                   /* the data folder's daemon.lock, or -1    */
} s_hub_t;

static void
s_conn_destroy (void **item)
{
    s_conn_t *conn = *item;
    if (conn) {
        zframe_destroy (&conn->routing);
        free (conn);
    }
    *item = NULL;
}

/*  Sends a frame to a peer. Returns -1 when the peer is gone (ROUTER
    mandatory); the housekeeping timer forgets such a connection.        */
static int
s_send (zsock_t *sock, zframe_t *routing, const lnt_buf_t *buf)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_append (msg, &(zframe_t *){zframe_dup (routing)});
    zmsg_addmem (msg, buf->data, buf->len);
    if (zmsg_send (&msg, sock) == 0)
        return 0;
    zmsg_destroy (&msg);
    return -1;
}

static void
s_send_msg (s_hub_t *hub, zframe_t *routing, const lnt_msg_t *m)
{
    lnt_buf_reset (&hub->buf);
    if (lnt_msg_encode (m, &hub->buf) == 0)
        s_send (hub->router, routing, &hub->buf);
}

/*  Sends a stream message to a connection; a connection whose peer is
    gone stops streaming and is forgotten by the timer.                   */
static bool
s_stream (s_hub_t *hub, s_conn_t *conn)
{
    if (s_send (hub->router, conn->routing, &hub->buf) == 0) {
        conn->inflight++;
        return true;
    }
    conn->welcomed = false;
    conn->last_seen = 0;
    return false;
}

/*  Counts the DISCONNECTED events due for socket fd of connections marked
    gone already (delta +1), or takes one (delta -1: returns whether one
    was due).                                                             */
static bool
s_disconnect_owed (s_hub_t *hub, int fd, int delta)
{
    char key[16];
    snprintf (key, sizeof key, "%d", fd);
    intptr_t n = (intptr_t) zhashx_lookup (hub->owed, key);
    if (delta < 0 && n == 0)
        return false;
    n += delta;
    if (n > 0)
        zhashx_update (hub->owed, key, (void *) n);
    else
        zhashx_delete (hub->owed, key);
    return true;
}

static void
s_refuse (s_hub_t *hub, zframe_t *routing, uint16_t code, uint64_t expected,
          const char *why)
{
    lnt_msg_t m = {.type = LNT_MSG_REFUSE, .code = code, .seq = expected};
    snprintf (m.text, sizeof m.text, "%s", why);
    hub->refused++;
    s_send_msg (hub, routing, &m);
}

/*  ---- down and restore streams -------------------------------------------- */

/*  Sends the next chunk of an office's own records (a RESTORE), or ends
    the restore. Returns true when it sent something.                     */
static bool
s_restore_chunk (s_hub_t *hub, s_conn_t *conn, lnt_txn_t *txn)
{
    lnt_buf_t body = {0};
    uint32_t count = 0;
    size_t olen = strlen (conn->office);
    /* A record adds up to two changes (its sections): stop while both
       still fit, and before the frame grows past LNT_CHUNK_BYTES.       */
    while (conn->restore_kind && conn->restore_kind <= LNT_KIND_LKE_ANSWER
           && count + 2 <= LNT_BATCH_MAX && body.len < LNT_CHUNK_BYTES) {
        char start[LNT_ID_MAX + 3];
        size_t slen;
        if (conn->restore_after[0]) {
            slen = lnt_node_key ((uint8_t) conn->restore_kind,
                                 conn->restore_after, start);
            start[slen++] = 0; /* the key right after the last one sent  */
        }
        else {
            start[0] = (char) conn->restore_kind;
            memcpy (start + 1, conn->office, olen);
            start[olen + 1] = '-';
            slen = olen + 2;
        }
        lnt_cursor_t *cur;
        const void *k, *v;
        size_t kl, vl;
        if (lnt_cursor_open (txn, LNT_DB_RECORDS, &cur))
            break;
        int rc = lnt_cursor_seek (cur, start, slen, &k, &kl, &v, &vl);
        bool kind_done = true;
        for (; rc == 0; rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
            const char *key = k;
            if (kl < olen + 2 || key[0] != (char) conn->restore_kind
                || memcmp (key + 1, conn->office, olen) != 0
                || key[olen + 1] != '-')
                break;
            if (count + 2 > LNT_BATCH_MAX || body.len >= LNT_CHUNK_BYTES) {
                kind_done = false; /* this record goes in the next chunk */
                break;
            }
            lnt_record_t rec;
            if (lnt_codec_record_decode (v, vl, &rec, NULL) != 0)
                continue;
            for (int s = 0; s < 2; s++) {
                if (!rec.sec[s].present)
                    continue;
                lnt_change_t c = {rec.kind, "", "", (uint8_t) s, rec.sec[s]};
                memcpy (c.id, rec.id, sizeof c.id);
                memcpy (c.office, rec.office, sizeof c.office);
                lnt_codec_change_encode (&c, &body);
                count++;
            }
            memcpy (conn->restore_after, rec.id, sizeof rec.id);
        }
        lnt_cursor_close (&cur);
        if (kind_done) {
            conn->restore_kind++;
            conn->restore_after[0] = 0;
        }
    }
    if (conn->restore_kind > LNT_KIND_LKE_ANSWER) {
        conn->restore_kind = 0;
        conn->restore_end = true;
        lnt_log_info ("office=%s - restore stream sent", conn->office);
    }
    bool sent = false;
    if (count > 0) {
        lnt_buf_reset (&hub->buf);
        lnt_msg_batch_begin (&hub->buf, LNT_MSG_RESTORE, 0, 0, count);
        lnt_buf_append (&hub->buf, body.data, body.len);
        sent = s_stream (hub, conn);
    }
    lnt_buf_free (&body);
    return sent;
}

/*  Sends the next chunk of the hub's log that concerns this office:
    reference data for all, province sections of its own records.        */
static bool
s_down_chunk (s_hub_t *hub, s_conn_t *conn, lnt_txn_t *txn, uint64_t head)
{
    while (conn->down_next <= head) {
        uint64_t first = conn->down_next, last = first - 1, last_version = 0;
        uint32_t count = 0;
        lnt_buf_t body = {0};
        unsigned char key[8];
        lnt_store_key_u64 (first, key);
        lnt_cursor_t *cur;
        const void *k, *v;
        size_t kl, vl;
        if (lnt_cursor_open (txn, LNT_DB_LOG, &cur))
            return false;
        for (int rc = lnt_cursor_seek (cur, key, 8, &k, &kl, &v, &vl);
             rc == 0 && last - first + 1 < LNT_BATCH_MAX
             && body.len < LNT_CHUNK_BYTES;
             rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
            last = lnt_store_u64_key (k);
            lnt_change_t c;
            last_version = 0;
            if (lnt_codec_change_decode (v, vl, &c, NULL) != 0)
                continue;
            last_version = c.state.version;
            if (c.kind == LNT_KIND_REF || strcmp (c.office, conn->office) == 0) {
                lnt_buf_append (&body, v, vl);
                count++;
            }
        }
        lnt_cursor_close (&cur);
        if (last < first) {
            lnt_buf_free (&body);
            return false;
        }
        conn->down_next = last + 1;
        if (count) {
            lnt_buf_reset (&hub->buf);
            lnt_msg_batch_begin (&hub->buf, LNT_MSG_DOWN, first, last, count);
            lnt_buf_append (&hub->buf, body.data, body.len);
            lnt_msg_batch_end (&hub->buf, LNT_MSG_DOWN, last_version);
        }
        lnt_buf_free (&body);
        if (count)
            return s_stream (hub, conn);
    }
    return false;
}

static void s_join (s_hub_t *hub);
static void s_idle (s_hub_t *hub);

/*  Once every RESTORE of a connection was sent and acknowledged, the
    office no longer has a restore owed (a HELLO after a break before that
    starts it again).                                                      */
static void
s_check_restored (s_hub_t *hub, s_conn_t *conn)
{
    if (!conn->restoring || conn->restore_kind || conn->restore_end
        || conn->inflight > 0)
        return;
    s_join (hub); /* the store is the loop's again                       */
    if (lnt_apply_restored (hub->node, conn->office, conn->incarnation) == 0) {
        conn->restoring = false;
        lnt_log_info ("office=%s - restore acknowledged", conn->office);
    }
}

/*  Fills every connection's window with what it has not had yet.        */
static void
s_pump (s_hub_t *hub)
{
    assert (!hub->handed); /* the writer may grow the map: no reads   */
    lnt_txn_t *txn = NULL;
    if (lnt_store_read (lnt_node_store (hub->node), &txn))
        return;
    uint64_t head = lnt_node_log_head (txn);
    for (s_conn_t *conn = zhashx_first (hub->conns); conn;
         conn = zhashx_next (hub->conns)) {
        while (conn->welcomed && conn->inflight < conn->window) {
            if (conn->restore_kind) {
                /* Nothing sent and still restoring: try again later.   */
                if (!s_restore_chunk (hub, conn, txn) && conn->restore_kind)
                    break;
            }
            else if (conn->restore_end) {
                /* An empty RESTORE tells the office it has all back.    */
                lnt_buf_reset (&hub->buf);
                lnt_msg_batch_begin (&hub->buf, LNT_MSG_RESTORE, 0, 0, 0);
                if (!s_stream (hub, conn))
                    break;
                conn->restore_end = false;
            }
            else if (!s_down_chunk (hub, conn, txn, head))
                break;
        }
        s_check_restored (hub, conn);
    }
    lnt_txn_end (&txn);
}

/*  ---- replication socket ---------------------------------------------------- */

/*  Answers each batch of a committed turn (rc: how its commit went) and
    empties the turn.                                                      */
static void
s_answer (s_hub_t *hub, s_turn_t *t, int rc)
{
    hub->turns++;
    for (size_t i = 0; i < t->pending; i++) {
        lnt_apply_item_t *item = &t->items[i];
        s_conn_t *conn = t->item_conn[i];
        if (rc)
            s_refuse (hub, conn->routing, LNT_REFUSE_UNAVAILABLE, 0,
                      "the hub could not store the batch; it will be "
                      "asked for again");
        else if (item->refused) {
            lnt_log_warning ("office=%s first=%llu expected=%llu code=%u - "
                             "BATCH refused: %s", conn->office,
                             (unsigned long long) item->msg->seq,
                             (unsigned long long) item->acked + 1, item->code,
                             item->code == LNT_REFUSE_GAP
                                 ? "gap" : "another incarnation");
            s_refuse (hub, conn->routing, item->code, item->acked + 1,
                      item->code == LNT_REFUSE_GAP
                          ? "batch does not follow on; send from expected"
                          : "say HELLO again");
            if (item->code == LNT_REFUSE_NO_HELLO)
                conn->welcomed = false;
        }
        else {
            lnt_msg_t ack = {.type = LNT_MSG_ACK, .seq = item->acked};
            s_send_msg (hub, conn->routing, &ack);
        }
        lnt_msg_release (&t->msgs[i]);
        zmsg_destroy (&t->held[i]);
    }
    if (rc) {
        lnt_log_error ("hub error=\"%s\" - applying a group of %zu batches "
                       "failed", lnt_strerror (rc), t->pending);
        if (rc != LNT_EINVAL)
            hub->failed = true;
    }
    t->pending = 0;
    t->pending_changes = 0;
}

/*  Reloads the reference data when a command (reference or instrument
    load) changed it since the hub loaded it, so that queries and the
    checks of incoming changes use it. Only while the writer is idle: it
    reads the reference data too. A commit checks the version again in
    its own transaction (lnt_apply_commit).                               */
static void
s_refresh_ref (s_hub_t *hub)
{
    assert (!hub->handed);
    lnt_apply_refresh (hub->node, &hub->ref_version);
}

/*  Prepares (again, when the reference data changed meanwhile) and
    commits turn t in this thread; LNT_APPLY_AGAIN never comes out.        */
static int
s_commit_here (s_hub_t *hub, s_turn_t *t, int rc)
{
    if (rc != LNT_APPLY_AGAIN)
        return rc;
    assert (!hub->handed); /* the writer reads the reference data too   */
    return lnt_apply_settle (t->group, t->items, t->pending,
                             lnt_time_now_ms (), &hub->stats,
                             &hub->ref_version);
}

/*  The group gathering now.                                              */
static s_turn_t *
s_gathering (s_hub_t *hub)
{
    return hub->turn[(hub->head + hub->handed) % LNT_TURNS];
}

/*  Waits for the writer's commits of the n oldest groups handed to it
    and answers their batches, in order. A group the writer could not
    commit is settled here once the writer is idle, so the groups behind
    it wait for it too.                                                   */
static void
s_settle (s_hub_t *hub, int n)
{
    int rc[LNT_TURNS];
    for (int i = 0; i < n; i++)
        /* The writer borrows the turn until it answers: a signal that
           ends the wait early (SIGTERM) does not end that.              */
        if ((rc[i] = lnt_worker_take (hub->writer)) != 0)
            n = hub->handed;
    s_turn_t *done[LNT_TURNS];
    for (int i = 0; i < n; i++)
        done[i] = hub->turn[(hub->head + i) % LNT_TURNS];
    hub->head = (hub->head + n) % LNT_TURNS;
    hub->handed -= n;
    for (int i = 0; i < n; i++) {
        if (rc[i] == 0)
            lnt_apply_stats_add (&hub->stats, &done[i]->stats);
        s_answer (hub, done[i], s_commit_here (hub, done[i], rc[i]));
    }
}

/*  Waits until the writer is idle, answering what it committed. After
    this the loop alone uses the store.                                   */
static void
s_join (s_hub_t *hub)
{
    s_settle (hub, hub->handed);
}

/*  Applies the batches gathered so far in one transaction in this thread,
    then answers each: for what must follow them in order (a HELLO).      */
static void
s_flush (s_hub_t *hub)
{
    s_join (hub);
    s_turn_t *t = s_gathering (hub);
    if (!t->pending)
        return;
    s_answer (hub, t, s_commit_here (hub, t, LNT_APPLY_AGAIN));
}

/*  Decodes and validates what was gathered and is not yet (while the
    writer may be committing the group before). 0 or LNT_ENOMEM.          */
static int
s_prepare (s_hub_t *hub)
{
    s_turn_t *t = s_gathering (hub);
    return lnt_apply_prepare (t->group, t->items, t->pending,
                              hub->ref_version);
}

/*  Hands the batches gathered to the writer. While it commits one group,
    the next waits in its queue, so it goes from one commit to the next
    at once. When the loop has work with the store (idle_owed: an office
    said HELLO or acknowledged down messages, or the timer ticked), the
    group waits until the writer is idle and that work is done (s_idle).
    Answers go out as each commit is done (s_on_writer).                  */
static void
s_submit (s_hub_t *hub)
{
    s_turn_t *t = s_gathering (hub);
    if (!t->pending)
        return;
    uint64_t version = hub->ref_version;
    int rc = s_prepare (hub);
    if (hub->handed == LNT_TURNS - 1)
        s_settle (hub, 1); /* a place in the writer's queue              */
    if (rc || hub->idle_owed) {
        s_join (hub);
        s_idle (hub); /* the store is the loop's until the hand-over    */
    }
    if (!rc && version != hub->ref_version)
        rc = LNT_APPLY_AGAIN; /* validated against data now replaced     */
    if (!rc) {
        t->now = lnt_time_now_ms ();
        memset (&t->stats, 0, sizeof t->stats);
        rc = lnt_worker_give (hub->writer, &t->work) == 0 ? 0
                                                         : LNT_APPLY_AGAIN;
    }
    if (rc) {
        s_join (hub);
        s_answer (hub, t, s_commit_here (hub, t, LNT_APPLY_AGAIN));
        return;
    }
    hub->handed++;
}

/*  After a handler that needed the store: what was gathered meanwhile
    goes to the writer.                                                   */
static void
s_resume (s_hub_t *hub)
{
    if (!hub->handed && s_gathering (hub)->pending)
        s_submit (hub);
}

/*  The writer's work: one turn's group commit.                          */
static int
s_commit_run (lnt_work_t *work)
{
    s_turn_t *t = (s_turn_t *) work;
    return lnt_apply_commit (t->group, t->now, &t->stats);
}

static int
s_on_writer (zloop_t *loop, zsock_t *sock, void *arg)
{
    (void) loop;
    (void) sock;
    s_hub_t *hub = arg;
    /* Another handler may have taken the word already.                 */
    if (!hub->handed || !(zsock_events (zactor_sock (hub->writer))
                          & ZMQ_POLLIN))
        return 0;
    s_settle (hub, 1);
    if (!hub->handed && s_gathering (hub)->pending)
        s_submit (hub); /* gathered while the writer was busy           */
    else if (!hub->handed)
        s_idle (hub);
    return hub->failed ? -1 : 0;
}

/*  The window conn is granted at its HELLO: the catch-up window when the
    office reports more changes not yet applied than a window of batches
    of 1,000 holds and fewer than 4 other live connections hold it (so
    the hub holds at most 4 x catch-up window batches more than the base
    windows), else the base window. One office back after days offline
    then catches up with more in flight; many at once share the base.   */
static int
s_window (s_hub_t *hub, const s_conn_t *conn, uint64_t log_head,
          uint64_t acked)
{
    int base = hub->config->window, wide = hub->config->catchup_window;
    uint64_t backlog = log_head > acked ? log_head - acked : 0;
    if (wide <= base || backlog <= (uint64_t) base * LNT_BATCH_MAX)
        return base;
    int holding = 0;
    for (s_conn_t *c = zhashx_first (hub->conns); c;
         c = zhashx_next (hub->conns))
        if (c != conn && c->welcomed && !c->gone && c->window > base)
            holding++;
    return holding < 4 ? wide : base;
}

static void
s_on_hello (s_hub_t *hub, s_conn_t *conn, zframe_t *routing, lnt_msg_t *m)
{
    if (conn && strcmp (conn->office, m->office) != 0) {
        lnt_log_warning ("office=%s claimed=%s - HELLO for another office on "
                         "this connection refused", conn->office, m->office);
        s_refuse (hub, routing, LNT_REFUSE_OFFICE, 0,
                  "this connection belongs to another office");
        return;
    }
    s_flush (hub); /* its earlier batches go first                        */
    lnt_hello_t out;
    int rc = lnt_apply_hello (hub->node, m, lnt_time_now_ms (), &out);
    if (rc) {
        lnt_log_error ("office=%s error=\"%s\" - recording the HELLO failed; "
                       "refused as unavailable", m->office, lnt_strerror (rc));
        s_refuse (hub, routing, LNT_REFUSE_UNAVAILABLE, 0,
                  "the hub cannot record the HELLO now; try again");
        return;
    }
    if (out.refused) {
        lnt_log_warning ("office=%s - HELLO refused: %s", m->office, out.why);
        s_refuse (hub, routing, out.code, 0, out.why);
        return;
    }
    if (!conn) {
        /* The office's earlier connections are over: ZeroMQ gives a
           reconnecting agent a new routing id.                          */
        zlist_t *stale = zlist_new ();
        for (s_conn_t *c = zhashx_first (hub->conns); c;
             c = zhashx_next (hub->conns))
            if (strcmp (c->office, m->office) == 0)
                zlist_append (stale, (void *) zhashx_cursor (hub->conns));
        for (const char *key = zlist_first (stale); key;
             key = zlist_next (stale))
            zhashx_delete (hub->conns, key);
        zlist_destroy (&stale);
        conn = calloc (1, sizeof *conn);
        conn->routing = zframe_dup (routing);
        conn->fd = hub->frame_fd;
        /* Another connection on this socket closed before: its number
           was taken again, and the monitor's DISCONNECTED for it, read
           after this HELLO, is not about this one.                       */
        for (s_conn_t *c = zhashx_first (hub->conns); c && conn->fd >= 0;
             c = zhashx_next (hub->conns))
            if (c != conn && c->fd == conn->fd) {
                c->fd = -1;
                c->gone = true;
                s_disconnect_owed (hub, conn->fd, +1);
            }
        snprintf (conn->office, sizeof conn->office, "%s", m->office);
        char *key = zframe_strhex (routing);
        zhashx_insert (hub->conns, key, conn);
        free (key);
        if (hub->config->insecure)
            lnt_log_info ("office=%s - insecure connection mapped to the "
                          "office of its first HELLO", conn->office);
    }
    conn->incarnation = m->incarnation;
    conn->window = s_window (hub, conn, m->log_head, out.acked);
    conn->last_seen = lnt_time_now_ms ();
    conn->welcomed = out.verdict == LNT_WELCOME_OK;
    conn->down_next = out.down_from;
    conn->down_acked = out.down_from - 1;
    conn->inflight = 0;
    conn->restore_kind = out.restore ? LNT_KIND_SUGGESTION : 0;
    conn->restoring = out.restore;
    conn->restore_end = false;
    conn->down_saved = conn->down_acked;
    conn->restore_after[0] = 0;
    lnt_msg_t w = {.type = LNT_MSG_WELCOME, .verdict = out.verdict,
                   .seq = out.acked, .incarnation = lnt_node_id (hub->node),
                   .window = (uint32_t) conn->window,
                   .version = out.version, .down_from = out.down_from,
                   .restore = out.restore};
    s_send_msg (hub, routing, &w);
    hub->idle_owed = true; /* its down or restore stream starts         */
    lnt_log_info ("office=%s incarnation=%016llx acked=%llu log_head=%llu "
                  "restore=%d window=%d verdict=%s - hello", m->office,
                  (unsigned long long) m->incarnation,
                  (unsigned long long) out.acked,
                  (unsigned long long) m->log_head, out.restore, conn->window,
                  out.verdict == LNT_WELCOME_OK ? "ok" : "reincarnate");
}

/*  Handles one frame from an agent. Returns true when msg was kept for
    the group commit (do not destroy it).                                 */
static bool
s_on_frame (s_hub_t *hub, zmsg_t *msg)
{
    zframe_t *routing = zmsg_first (msg);
    zframe_t *body = zmsg_next (msg);
    if (!routing || !body || zmsg_size (msg) != 2) {
        hub->malformed++;
        lnt_log_warning ("hub parts=%zu - multipart message dropped",
                         zmsg_size (msg) ? zmsg_size (msg) - 1 : 0);
        return false;
    }
    char *key = zframe_strhex (routing);
    s_conn_t *conn = zhashx_lookup (hub->conns, key);
    free (key);
    s_turn_t *t = s_gathering (hub);
    lnt_msg_t *m = &t->msgs[t->pending];
    lnt_why_t why = {""};
    if (lnt_msg_decode (zframe_data (body), zframe_size (body), m, &why)) {
        lnt_msg_release (m);
        hub->malformed++;
        lnt_log_warning ("office=%s bytes=%zu error=\"%s\" - malformed frame "
                         "dropped", conn ? conn->office : "?",
                         zframe_size (body), why.text);
        s_refuse (hub, routing, m->code == LNT_REFUSE_VERSION
                                    ? LNT_REFUSE_VERSION
                                    : LNT_REFUSE_MALFORMED, 0, why.text);
        return false;
    }
    if (conn)
        conn->last_seen = lnt_time_now_ms ();
    bool kept = false;
    switch (m->type) {
        case LNT_MSG_HELLO:
            s_on_hello (hub, conn, routing, m);
            break;
        case LNT_MSG_BATCH:
            if (!conn || !conn->welcomed) {
                lnt_log_warning ("office=%s first=%llu - BATCH before HELLO "
                                 "refused", conn ? conn->office : "?",
                                 (unsigned long long) m->seq);
                s_refuse (hub, routing, LNT_REFUSE_NO_HELLO, 0,
                          "say HELLO before sending batches");
                break;
            }
            t->items[t->pending] = (lnt_apply_item_t){
                .office = conn->office, .incarnation = conn->incarnation,
                .msg = m};
            t->item_conn[t->pending] = conn;
            t->held[t->pending] = msg;
            t->pending++;
            t->pending_changes += m->count;
            kept = true;
            break;
        case LNT_MSG_DOWN_ACK:
            if (conn) {
                if (m->seq > conn->down_acked)
                    conn->down_acked = m->seq;
                if (conn->inflight > 0)
                    conn->inflight--;
                hub->idle_owed = true;
                s_check_restored (hub, conn);
            }
            break;
        default:
            lnt_log_warning ("office=%s type=%u - message not for the "
                             "replication endpoint refused",
                             conn ? conn->office : "?", m->type);
            s_refuse (hub, routing, LNT_REFUSE_MALFORMED, 0,
                      "this message is not for the replication endpoint");
    }
    if (!kept)
        lnt_msg_release (m);
    return kept;
}

/*  Receives one message of the replication socket, and in hub->frame_fd
    the socket it came by: libzmq's monitor names a closed connection by
    that socket only (its DISCONNECTED event), not by routing id. The
    parts are copied out of libzmq's messages, as only those tell the
    socket (the routing id part does not, when ZMQ_EVENTS fetched the
    message ahead). NULL when nothing is there.                           */
static zmsg_t *
s_recv (s_hub_t *hub)
{
    void *handle = zsock_resolve (hub->router);
    zmsg_t *msg = zmsg_new ();
    bool more = true;
    hub->frame_fd = -1;
    while (msg && more) {
        zmq_msg_t part;
        zmq_msg_init (&part);
        if (zmq_msg_recv (&part, handle, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (&part);
            zmsg_destroy (&msg);
            break;
        }
        int fd = zmq_msg_get (&part, ZMQ_SRCFD);
        if (fd >= 0)
            hub->frame_fd = fd;
        zmsg_addmem (msg, zmq_msg_data (&part), zmq_msg_size (&part));
        more = zmq_msg_more (&part);
        zmq_msg_close (&part);
    }
    return msg;
}

static int
s_on_router (zloop_t *loop, zsock_t *sock, void *arg)
{
    (void) loop;
    s_hub_t *hub = arg;
    s_turn_t *t = s_gathering (hub);
    for (int n = 0; n < LNT_TURN_MAX && t->pending < LNT_TURN_MAX
                    && t->pending_changes < LNT_TURN_CHANGES
                    && (zsock_events (sock) & ZMQ_POLLIN);
         n++) {
        zmsg_t *msg = s_recv (hub);
        if (!msg)
            break;
        if (!s_on_frame (hub, msg))
            zmsg_destroy (&msg);
    }
    /* While the writer commits, the group grows (and is validated as
       it grows) up to its bounds; then it waits in the writer's queue,
       or the loop waits for a place there (s_submit).                  */
    bool full = t->pending >= LNT_TURN_MAX
                || t->pending_changes >= LNT_TURN_CHANGES;
    if (t->pending && (!hub->handed || full || s_prepare (hub) != 0))
        s_submit (hub);
    else if (!hub->handed)
        s_idle (hub);
    return hub->failed ? -1 : 0;
}

/*  ---- queries, control, housekeeping ---------------------------------------- */

static bool
s_connected (const char *office, void *arg)
{
    s_hub_t *hub = arg;
    for (s_conn_t *conn = zhashx_first (hub->conns); conn;
         conn = zhashx_next (hub->conns))
        if (conn->welcomed && !conn->gone
            && strcmp (conn->office, office) == 0)
            return true;
    return false;
}

/*  A connection libzmq closed (the agent stopped or died, or missed its
    heartbeats) is no longer shown as connected; a message that comes by
    it again (it cannot: a new connection has a new routing id) or the
    next HELLO of its office puts it right.                               */
static int
s_on_monitor (zloop_t *loop, zsock_t *sock, void *arg)
{
    (void) loop;
    s_hub_t *hub = arg;
    zmsg_t *msg = zmsg_recv (sock);
    char *event = msg ? zmsg_popstr (msg) : NULL;
    char *value = msg ? zmsg_popstr (msg) : NULL;
    if (event && value && strcmp (event, "DISCONNECTED") == 0) {
        int fd = atoi (value);
        /* A HELLO on the same number came first: this event is about the
           connection before it, already marked gone.                    */
        bool stale = s_disconnect_owed (hub, fd, -1);
        for (s_conn_t *conn = zhashx_first (hub->conns); conn && !stale;
             conn = zhashx_next (hub->conns))
            if (conn->fd == fd && !conn->gone) {
                conn->gone = true;
                conn->fd = -1;
                lnt_log_info ("office=%s - disconnected", conn->office);
            }
    }
    zstr_free (&event);
    zstr_free (&value);
    zmsg_destroy (&msg);
    return 0;
}

static int
s_on_query (zloop_t *loop, zsock_t *sock, void *arg)
{
    (void) loop;
    s_hub_t *hub = arg;
    s_join (hub); /* the store is the loop's again                   */
    zmsg_t *msg = zmsg_recv (sock);
    if (!msg)
        return 0;
    zframe_t *routing = zmsg_first (msg);
    zframe_t *body = zmsg_last (msg);
    lnt_msg_t q = {0};
    lnt_why_t why = {""};
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    int status;
    if (zmsg_size (msg) != 2
        || lnt_msg_decode (zframe_data (body), zframe_size (body), &q, &why)
        || q.type != LNT_MSG_QUERY) {
        hub->malformed++;
        fprintf (out, "not a query: %s\n", why.text[0] ? why.text : "bad frame");
        status = 64;
    }
    else
        status = lnt_query_answer (hub->node, &q, s_connected, hub, out);
    lnt_msg_release (&q);
    fclose (out);
    lnt_msg_t answer = {.type = LNT_MSG_ANSWER, .code = (uint16_t) status,
                        .body = text, .body_len = size};
    lnt_buf_reset (&hub->buf);
    if (routing && lnt_msg_encode (&answer, &hub->buf) == 0)
        s_send (sock, routing, &hub->buf);
    free (text);
    zmsg_destroy (&msg);
    s_resume (hub);
    return 0;
}

static int
s_on_control (zloop_t *loop, zsock_t *sock, void *arg)
{
    (void) loop;
    s_hub_t *hub = arg;
    s_join (hub); /* the store is the loop's again                   */
    zmsg_t *msg = zmsg_recv (sock);
    if (!msg)
        return 0;
    zframe_t *routing = zmsg_first (msg);
    char *word = zframe_strdup (zmsg_last (msg));
    if (word && strcmp (word, "STATUS") == 0) {
        char *status = zsys_sprintf (
            "role=hub\nprovince=%s\nconnections=%zu\napplied=%llu\n"
            "duplicates=%llu\nconflicts=%llu\ndead=%llu\nmalformed=%llu\n",
            lnt_node_code (hub->node), zhashx_size (hub->conns),
            (unsigned long long) hub->stats.applied,
            (unsigned long long) hub->stats.duplicates,
            (unsigned long long) hub->stats.conflicts,
            (unsigned long long) hub->stats.dead,
            (unsigned long long) hub->malformed);
        zmsg_t *reply = zmsg_new ();
        zmsg_append (reply, &(zframe_t *){zframe_dup (routing)});
        zmsg_addstr (reply, status);
        zmsg_send (&reply, sock);
        zstr_free (&status);
    }
    free (word);
    zmsg_destroy (&msg);
    hub->tick_owed = true; /* a NUDGE: reference data may have changed, */
    s_idle (hub);          /* or the hub's log has grown                */
    s_resume (hub);
    return 0;
}

/*  A local command wrote to the store: reference data may have changed,
    or the hub's log has grown.                                           */
static int
s_on_nudge (zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void) loop;
    s_hub_t *hub = arg;
    if (!lnt_control_nudged (item->fd))
        return 0;
    s_join (hub); /* the store is the loop's again                   */
    hub->tick_owed = true;
    s_idle (hub);
    s_resume (hub);
    return 0;
}

/*  Records where each office stands in the hub's log, for the offices
    query: at most 64 a time, the rest follow the next times.            */
static void
s_save_down (s_hub_t *hub)
{
    const char *offices[64];
    uint64_t acked[64];
    s_conn_t *saving[64]; /* the connection of each office              */
    size_t n = 0;
    for (s_conn_t *conn = zhashx_first (hub->conns); conn && n < 64;
         conn = zhashx_next (hub->conns))
        if (conn->welcomed && conn->down_acked != conn->down_saved) {
            saving[n] = conn;
            offices[n] = conn->office;
            acked[n++] = conn->down_acked;
        }
    if (lnt_apply_down_acked (hub->node, offices, acked, n) != 0)
        lnt_log_warning ("hub - recording the offices' down positions failed");
    else
        for (size_t i = 0; i < n; i++)
            saving[i]->down_saved = acked[i];
}

/*  What the loop does with the store while the writer is idle: when the
    timer or a command asked, saves the down positions and reloads
    changed reference data; then fills the connections' windows.          */
static void
s_idle (s_hub_t *hub)
{
    assert (!hub->handed);
    hub->idle_owed = false;
    if (hub->tick_owed) {
        s_save_down (hub);
        s_refresh_ref (hub);
        hub->tick_owed = false;
    }
    s_pump (hub);
}

static int
s_on_timer (zloop_t *loop, int timer_id, void *arg)
{
    (void) loop;
    (void) timer_id;
    s_hub_t *hub = arg;
    sd_notify (0, "WATCHDOG=1");
    int64_t now = lnt_time_now_ms ();
    zlist_t *stale = zlist_new ();
    for (s_conn_t *conn = zhashx_first (hub->conns); conn;
         conn = zhashx_next (hub->conns))
        if (now - conn->last_seen > LNT_CONN_EXPIRY_MS)
            zlist_append (stale, (void *) zhashx_cursor (hub->conns));
    /* Batches held for a group commit point into their connections:
       those are committed and answered before any connection goes.     */
    if (zlist_size (stale))
        s_flush (hub);
    for (const char *key = zlist_first (stale); key; key = zlist_next (stale))
        zhashx_delete (hub->conns, key);
    zlist_destroy (&stale);
    /* While groups stream through the writer, its queue is not emptied
       for this: the next hand-over waits for it (s_submit).             */
    hub->tick_owed = true;
    if (hub->handed)
        hub->idle_owed = true;
    else
        s_idle (hub);
    sd_notifyf (0, "STATUS=%zu connections, %llu changes applied",
                zhashx_size (hub->conns),
                (unsigned long long) hub->stats.applied);
    s_resume (hub);
    return 0;
}

/*  ---- set-up ----------------------------------------------------------------- */

static zsock_t *
s_bind (const char *endpoint, int type, int heartbeat_ms, lnt_why_t *why)
{
    zsock_t *sock = zsock_new (type);
    if (!sock) {
        lnt_why (why, LNT_EUNAVAIL, "cannot make a socket");
        return NULL;
    }
    zsock_set_router_mandatory (sock, 1);
    zsock_set_maxmsgsize (sock, LNT_FRAME_MAX);
    zsock_set_heartbeat_ivl (sock, heartbeat_ms);
    zsock_set_heartbeat_timeout (sock, 3 * heartbeat_ms);
    zsock_set_heartbeat_ttl (sock, 3 * heartbeat_ms);
    zsock_set_linger (sock, 0);
    if (zsock_bind (sock, "%s", endpoint) == -1) {
        lnt_why (why, LNT_EUNAVAIL, "cannot bind %s: %s", endpoint,
                 zmq_strerror (zmq_errno ()));
        zsock_destroy (&sock);
    }
    return sock;
}

int
lnt_hub_check (const lnt_hub_config_t *config, lnt_why_t *why)
{
    if (!config->data || !config->data[0])
        return lnt_why (why, LNT_ECONFIG, "the data folder is empty; give "
                        "--data DIR or data = DIR in the config file");
    if (!config->insecure)
        return lnt_why (why, LNT_ECONFIG, "CURVE security is not available in "
                        "this version; run with --insecure on loopback");
    if (!lnt_endpoint_is_loopback (config->bind)
        || !lnt_endpoint_is_loopback (config->query))
        return lnt_why (why, LNT_ECONFIG, "--insecure allows only loopback "
                        "endpoints (tcp://127.0.0.1:PORT or ipc://), not %s",
                        lnt_endpoint_is_loopback (config->bind) ? config->query
                                                     : config->bind);
    return 0;
}

int
lnt_hub_run (const lnt_hub_config_t *config, lnt_why_t *why)
{
    int check = lnt_hub_check (config, why);
    if (check)
        return check;
    s_hub_t *hub = calloc (1, sizeof *hub);
    if (!hub)
        return LNT_ENOMEM;
    hub->config = config;
    hub->lock = -1;
    hub->nudges = -1;
    char control[300];
    int rc = lnt_node_open (config->data, 0, &hub->node, why);
    if (!rc && lnt_node_role (hub->node) != LNT_ROLE_HUB)
        rc = lnt_why (why, LNT_EINVAL, "the store in %s is an office's, not "
                      "a hub's", config->data);
    if (!rc && lnt_control_endpoint (config->data, control, sizeof control))
        rc = lnt_why (why, LNT_ECONFIG, "the data folder path %s is too long "
                      "for a local socket", config->data);
    if (!rc)
        rc = lnt_control_claim (config->data, "lontar-hub", &hub->lock, why);
    if (!rc)
        rc = lnt_control_nudge_open (config->data, &hub->nudges, why);
    if (rc)
        goto done;
    hub->router = s_bind (config->bind, ZMQ_ROUTER, config->heartbeat_ms, why);
    hub->query = hub->router ? s_bind (config->query, ZMQ_ROUTER,
                                       config->heartbeat_ms, why)
                             : NULL;
    /* A socket file left by a daemon that was killed would refuse the bind. */
    zsys_file_delete (control + 6);
    hub->control = hub->query ? s_bind (control, ZMQ_ROUTER,
                                        config->heartbeat_ms, why)
                              : NULL;
    if (!hub->control) {
        rc = LNT_EUNAVAIL;
        goto done;
    }
    for (int i = 0; i < LNT_TURNS; i++) {
        hub->turn[i] = calloc (1, sizeof *hub->turn[i]);
        if (!hub->turn[i]
            || !(hub->turn[i]->group = lnt_apply_group_new (hub->node))) {
            rc = LNT_ENOMEM;
            goto done;
        }
        hub->turn[i]->work.run = s_commit_run;
    }
    /* DISCONNECTED names the socket of a connection libzmq closed.      */
    if (!(hub->monitor = zactor_new (zmonitor, hub->router))) {
        rc = LNT_ENOMEM;
        goto done;
    }
    zstr_sendx (hub->monitor, "LISTEN", "DISCONNECTED", NULL);
    zstr_sendx (hub->monitor, "START", NULL);
    zsock_wait (hub->monitor);
    if (!(hub->writer = lnt_worker_new ())) {
        rc = LNT_ENOMEM;
        goto done;
    }
    s_refresh_ref (hub);
    hub->conns = zhashx_new ();
    zhashx_set_destructor (hub->conns, s_conn_destroy);
    hub->owed = zhashx_new (); /* values are counts, not pointers       */
    hub->loop = zloop_new ();
    zloop_reader (hub->loop, zactor_sock (hub->writer), s_on_writer, hub);
    zloop_reader (hub->loop, hub->router, s_on_router, hub);
    zloop_reader (hub->loop, zactor_sock (hub->monitor), s_on_monitor, hub);
    zloop_reader (hub->loop, hub->query, s_on_query, hub);
    zloop_reader (hub->loop, hub->control, s_on_control, hub);
    zloop_poller (hub->loop,
                  &(zmq_pollitem_t){NULL, hub->nudges, ZMQ_POLLIN, 0},
                  s_on_nudge, hub);
    zloop_timer (hub->loop, 1000, 0, s_on_timer, hub);
    lnt_log_info ("hub province=%s bind=%s query=%s data=%s - ready",
                  lnt_node_code (hub->node), config->bind, config->query,
                  config->data);
    sd_notifyf (0, "READY=1\nSTATUS=serving province %s",
                lnt_node_code (hub->node));
    zloop_start (hub->loop);
    sd_notify (0, "STOPPING=1");
    s_flush (hub);
    if (hub->failed)
        rc = lnt_why (why, LNT_ESTORE, "the store failed; see the log above");
    lnt_log_info ("hub applied=%llu duplicates=%llu conflicts=%llu dead=%llu "
                  "malformed=%llu turns=%llu - stopped",
                  (unsigned long long) hub->stats.applied,
                  (unsigned long long) hub->stats.duplicates,
                  (unsigned long long) hub->stats.conflicts,
                  (unsigned long long) hub->stats.dead,
                  (unsigned long long) hub->malformed,
                  (unsigned long long) hub->turns);
done:
    zactor_destroy (&hub->writer);
    zactor_destroy (&hub->monitor);
    for (int i = 0; i < LNT_TURNS; i++) {
        if (hub->turn[i])
            lnt_apply_group_destroy (&hub->turn[i]->group);
        free (hub->turn[i]);
    }
    zloop_destroy (&hub->loop);
    zhashx_destroy (&hub->conns);
    zhashx_destroy (&hub->owed);
    zsock_destroy (&hub->router);
    zsock_destroy (&hub->query);
    zsock_destroy (&hub->control);
    lnt_control_nudge_close (config->data, &hub->nudges);
    lnt_buf_free (&hub->buf);
    lnt_node_destroy (&hub->node);
    if (hub->lock >= 0)
        close (hub->lock);
    free (hub);
    return rc;
}
