/*  bench_mqtt.c - bench_repl's comparison with MQTT: the office's log sent
    through Mosquitto with QoS 1 into an LMDB subscriber.

    What is the same as lontar's catch-up: the records (the office store's
    log values, read from its LMDB store), three processes on loopback
    (publisher, broker, subscriber; lontar has agent and hub), and a
    durable LMDB commit at the receiving end before the run counts as
    done.

    Choices, and why they are fair (or favour MQTT):
      - One MQTT message per change, the natural MQTT design (a record per
        message); the payload is the change's sequence (8 bytes) and its
        log value.
      - QoS 1 both ways; the publisher keeps up to `window` messages
        unacknowledged (4 x 1,000, lontar's window in changes) and the
        broker lets as many go to the subscriber at once.
      - The subscriber commits in groups: every message that arrived while
        it committed the previous group goes into the next transaction (a
        group commit, as the hub does), not one fsync per message.
      - libmosquitto acknowledges (PUBACK) a message as it arrives, before
        the subscriber has committed it; the hub acknowledges only after
        its commit. The broker runs without persistence (Mosquitto's
        persistence is a periodic snapshot, never an fsync per message).
        Both favour MQTT.
      - No validation or merge at the subscriber: the values are put as
        they come, by sequence. That favours MQTT too.

    This file includes lmdb.h for the subscriber's store and the
    publisher's read of the office's log (the floors' exception, see
    bench_repl.c).                                                        */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_floor.h"
#include "bench_mqtt.h"
#include "bench_proc.h"

#define S_TOPIC "lontar/3503/log" /* the one topic                        */

static int
s_fail (bench_mqtt_t *m, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (m->why, sizeof m->why, format, args);
    va_end (args);
    return -1;
}

static bool
s_port_open (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons ((uint16_t) port),
                            .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    bool open = fd >= 0 && connect (fd, (struct sockaddr *) &a, sizeof a) == 0;
    if (fd >= 0)
        close (fd);
    return open;
}

/*  ---- the subscriber (a forked child) ----------------------------------- */

typedef struct {
    pthread_mutex_t lock;   /* guards what follows                         */
    pthread_cond_t cond;    /* signalled when messages arrive               */
    unsigned char *buf;     /* arrived, not yet committed: length (4 bytes)
                               and payload, one after another               */
    size_t len;             /* bytes in buf                                 */
    size_t cap;             /* its size                                     */
    size_t count;           /* messages in buf                              */
    bool failed;            /* out of memory                                */
    int pipe_fd;            /* to the publisher: 'R' ready, 'D' done        */
} s_sub_t;

static void
s_sub_on_connect (struct mosquitto *mosq, void *arg, int rc)
{
    (void) arg;
    if (rc == 0)
        mosquitto_subscribe (mosq, NULL, S_TOPIC, 1);
}

static void
s_sub_on_subscribe (struct mosquitto *mosq, void *arg, int mid, int count,
                    const int *granted)
{
    (void) mosq;
    (void) mid;
    s_sub_t *sub = arg;
    if (count == 1 && granted[0] == 1
        && write (sub->pipe_fd, "R", 1) != 1)
        sub->failed = true;
}

static void
s_sub_on_message (struct mosquitto *mosq, void *arg,
                  const struct mosquitto_message *msg)
{
    (void) mosq;
    s_sub_t *sub = arg;
    size_t need = 4 + (size_t) msg->payloadlen;
    pthread_mutex_lock (&sub->lock);
    if (sub->len + need > sub->cap) {
        size_t cap = (sub->len + need) * 2;
        unsigned char *grown = realloc (sub->buf, cap);
        if (!grown)
            sub->failed = true;
        else {
            sub->buf = grown;
            sub->cap = cap;
        }
    }
    if (!sub->failed) {
        uint32_t n = (uint32_t) msg->payloadlen;
        memcpy (sub->buf + sub->len, &n, 4);
        memcpy (sub->buf + sub->len + 4, msg->payload, n);
        sub->len += need;
        sub->count++;
    }
    pthread_cond_signal (&sub->cond);
    pthread_mutex_unlock (&sub->lock);
}

/*  Subscribes, then commits what arrives in groups until records came. */
static void
s_subscriber (bench_mqtt_t *m, int port, int pipe_fd, const char *dir,
              size_t map)
{
    s_sub_t sub = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL,
                   0, 0, 0, false, pipe_fd};
    MDB_env *env = NULL;
    MDB_txn *txn;
    MDB_dbi dbi;
    if (bench_floor_env_new (dir, map, (const char *[]) {NULL}, 1, &env,
                             &dbi))
        _exit (2);
    mosquitto_lib_init ();
    struct mosquitto *mosq = mosquitto_new ("lontar-bench-sub", true, &sub);
    if (!mosq)
        _exit (3);
    mosquitto_int_option (mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_callback_set (mosq, s_sub_on_connect);
    mosquitto_subscribe_callback_set (mosq, s_sub_on_subscribe);
    mosquitto_message_callback_set (mosq, s_sub_on_message);
    if (mosquitto_connect (mosq, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS
        || mosquitto_loop_start (mosq) != MOSQ_ERR_SUCCESS)
        _exit (4);
    unsigned char *spare = NULL;
    size_t spare_cap = 0, received = 0;
    uint64_t commits = 0;
    while (received < m->records) {
        pthread_mutex_lock (&sub.lock);
        while (sub.count == 0 && !sub.failed)
            pthread_cond_wait (&sub.cond, &sub.lock);
        if (sub.failed)
            _exit (5);
        /* Take the whole group; the network thread fills the spare.     */
        unsigned char *group = sub.buf;
        size_t len = sub.len, count = sub.count, group_cap = sub.cap;
        sub.buf = spare;
        sub.cap = spare_cap;
        sub.len = sub.count = 0;
        pthread_mutex_unlock (&sub.lock);
        int rc = mdb_txn_begin (env, NULL, 0, &txn);
        for (size_t off = 0; !rc && off < len;) {
            uint32_t n;
            memcpy (&n, group + off, 4);
            if (n < 8)
                _exit (6);
            MDB_val k = {8, group + off + 4}, v = {n - 8, group + off + 12};
            rc = mdb_put (txn, dbi, &k, &v, 0);
            off += 4 + n;
        }
        if (rc || mdb_txn_commit (txn))
            _exit (7);
        commits++;
        received += count;
        spare = group;
        spare_cap = group_cap;
    }
    unsigned char done[9] = {'D'};
    memcpy (done + 1, &commits, 8);
    if (write (pipe_fd, done, sizeof done) != sizeof done)
        _exit (8);
    mosquitto_disconnect (mosq);
    mosquitto_loop_stop (mosq, false);
    mosquitto_destroy (mosq);
    mosquitto_lib_cleanup ();
    mdb_env_close (env);
    _exit (0);
}

/*  ---- the publisher (this process) -------------------------------------- */

typedef struct {
    size_t acked;       /* PUBACKs received                                 */
    bool connected;     /* CONNACK received                                 */
    int connect_rc;     /* its code                                         */
} s_pub_t;

static void
s_pub_on_connect (struct mosquitto *mosq, void *arg, int rc)
{
    (void) mosq;
    s_pub_t *pub = arg;
    pub->connected = true;
    pub->connect_rc = rc;
}

static void
s_pub_on_publish (struct mosquitto *mosq, void *arg, int mid)
{
    (void) mosq;
    (void) mid;
    ((s_pub_t *) arg)->acked++;
}

/*  Reads from the subscriber's pipe within timeout_ms: 'R', 'D' (with
    *commits), 0 on timeout, -1 when it is gone.                          */
static int
s_pipe_read (int fd, int timeout_ms, uint64_t *commits)
{
    struct pollfd p = {fd, POLLIN, 0};
    if (poll (&p, 1, timeout_ms) <= 0)
        return 0;
    unsigned char c;
    if (read (fd, &c, 1) != 1)
        return -1;
    if (c == 'D') {
        unsigned char n[8];
        size_t got = 0;
        while (got < 8) {
            ssize_t r = read (fd, n + got, 8 - got);
            if (r <= 0)
                return -1;
            got += (size_t) r;
        }
        memcpy (commits, n, 8);
    }
    return c;
}

int
bench_mqtt_run (bench_mqtt_t *m)
{
    char conf[4300], log[4300], sub_dir[4300], data[4300], port_text[16];
    int port = bench_free_port (), fds[2] = {-1, -1}, rc = 0;
    pid_t broker = 0, subscriber = 0;
    struct mosquitto *mosq = NULL;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    unsigned char *payload = NULL;
    size_t payload_cap = 0;
    s_pub_t pub = {0, false, 0};
    struct stat st;
    snprintf (conf, sizeof conf, "%s/mosquitto.conf", m->root);
    snprintf (log, sizeof log, "%s/mosquitto.log", m->root);
    snprintf (sub_dir, sizeof sub_dir, "%s/subscriber", m->root);
    snprintf (data, sizeof data, "%s/data.mdb", m->agent_dir);
    snprintf (port_text, sizeof port_text, "%d", port);
    m->why[0] = 0;
    if (port < 0 || stat (data, &st) != 0)
        return s_fail (m, "no free port, or no office store in %s",
                       m->agent_dir);
    FILE *out = fopen (conf, "w");
    if (!out)
        return s_fail (m, "cannot write %s", conf);
    /* A broker of our own on loopback: no persistence (see above), no
       limit on the queue for a slow subscriber (QoS 1 must not drop),
       and the window in flight to the subscriber.                       */
    fprintf (out, "listener %d 127.0.0.1\nallow_anonymous true\n"
             "persistence false\nmax_inflight_messages %zu\n"
             "max_queued_messages 0\nset_tcp_nodelay true\n"
             "log_dest stderr\nlog_type error\nlog_type warning\n",
             port, m->window);
    if (fclose (out) != 0)
        return s_fail (m, "cannot write %s", conf);

    char *argv[] = {(char *) m->broker, "-c", conf, NULL};
    if ((broker = bench_spawn (argv, log)) < 0) {
        broker = 0;
        rc = s_fail (m, "cannot start the broker %s", m->broker);
        goto done;
    }
    for (double until = bench_now () + 10; !s_port_open (port);) {
        if (bench_stop || bench_now () > until
            || !bench_alive (broker, NULL)) {
            rc = s_fail (m, "the broker did not start; see %s", log);
            goto done;
        }
        usleep (2000);
    }
    if (pipe (fds) != 0) {
        rc = s_fail (m, "pipe: %s", strerror (errno));
        goto done;
    }
    if ((subscriber = bench_fork ()) == 0) {
        close (fds[0]);
        s_subscriber (m, port, fds[1], sub_dir,
                      (size_t) st.st_size * 2 + ((size_t) 64 << 20));
    }
    close (fds[1]);
    fds[1] = -1;
    if (subscriber < 0) {
        subscriber = 0;
        rc = s_fail (m, "fork: %s", strerror (errno));
        goto done;
    }
    uint64_t commits = 0;
    if (s_pipe_read (fds[0], 10000, &commits) != 'R') {
        rc = s_fail (m, "the subscriber did not subscribe");
        goto done;
    }

    mosquitto_lib_init ();
    if (!(mosq = mosquitto_new ("lontar-bench-pub", true, &pub))) {
        rc = s_fail (m, "mosquitto_new failed");
        goto done;
    }
    mosquitto_int_option (mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_max_inflight_messages_set (mosq, (unsigned) m->window);
    mosquitto_connect_callback_set (mosq, s_pub_on_connect);
    mosquitto_publish_callback_set (mosq, s_pub_on_publish);
    if (mosquitto_connect (mosq, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
        rc = s_fail (m, "the publisher cannot connect");
        goto done;
    }
    for (double until = bench_now () + 10;
         !pub.connected && bench_now () < until;)
        mosquitto_loop (mosq, 10, 1);
    if (!pub.connected || pub.connect_rc) {
        rc = s_fail (m, "the broker did not accept the publisher");
        goto done;
    }
    int mrc;
    if ((mrc = bench_floor_log_open (m->agent_dir, (size_t) st.st_size,
                                     &cur))) {
        rc = s_fail (m, "the office's log: %s", mdb_strerror (mrc));
        goto done;
    }
    size_t published = 0;
    int op = MDB_FIRST;
    bool finished = false;
    m->payload_bytes = 0;
    double t0 = bench_now ();
    while (!finished) {
        if (bench_stop) {
            rc = s_fail (m, "interrupted");
            goto done;
        }
        while (published < m->records
               && published - pub.acked < m->window) {
            if ((mrc = mdb_cursor_get (cur, &k, &v, (MDB_cursor_op) op))) {
                rc = s_fail (m, "the office's log ends at %zu changes",
                             published);
                goto done;
            }
            op = MDB_NEXT;
            size_t len = 8 + v.mv_size;
            if (len > payload_cap) {
                unsigned char *grown = realloc (payload, len * 2);
                if (!grown) {
                    rc = s_fail (m, "out of memory");
                    goto done;
                }
                payload = grown;
                payload_cap = len * 2;
            }
            memcpy (payload, k.mv_data, 8);
            memcpy (payload + 8, v.mv_data, v.mv_size);
            if (mosquitto_publish (mosq, NULL, S_TOPIC, (int) len, payload, 1,
                                   false) != MOSQ_ERR_SUCCESS) {
                rc = s_fail (m, "publish failed at %zu", published);
                goto done;
            }
            m->payload_bytes += len;
            published++;
        }
        /* Handles PUBACKs (and writes what is queued); waits a little
           only when the window is full or everything is out.            */
        int wait = published < m->records && published - pub.acked < m->window
                       ? 0 : 1;
        if ((mrc = mosquitto_loop (mosq, wait, 1)) != MOSQ_ERR_SUCCESS) {
            rc = s_fail (m, "the publisher's loop: %s",
                         mosquitto_strerror (mrc));
            goto done;
        }
        if (published == m->records) {
            int r = s_pipe_read (fds[0], 0, &commits);
            if (r == 'D')
                finished = true;
            else if (r < 0) {
                rc = s_fail (m, "the subscriber ended early");
                goto done;
            }
        }
        if (bench_now () - t0 > 600) {
            rc = s_fail (m, "timed out after 600 s");
            goto done;
        }
    }
    m->seconds = bench_now () - t0;
    m->commits = (size_t) commits;
done:
    bench_floor_log_close (&cur);
    if (mosq) {
        mosquitto_disconnect (mosq);
        mosquitto_destroy (mosq);
        mosquitto_lib_cleanup ();
    }
    free (payload);
    if (fds[0] >= 0)
        close (fds[0]);
    if (fds[1] >= 0)
        close (fds[1]);
    if (subscriber > 0)
        bench_proc_stop (subscriber, 10);
    if (broker > 0)
        bench_proc_stop (broker, 10);
    return rc;
}
