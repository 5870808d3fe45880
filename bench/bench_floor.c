/*  bench_floor.c - the floor of bench_repl: LMDB and ZeroMQ alone.

    A forked child holds a ROUTER and a fresh LMDB environment; this
    process, with a DEALER, reads the office's log from its LMDB store (the
    same records lontar sends) and sends batches of up to LNT_BATCH_MAX
    with BENCH_WINDOW in flight; the child puts them with append-ordered
    keys, no validation or merge, commits each batch durably and answers
    with its last sequence. The latency floor sends one record at a time,
    after a durable commit of its own.

    With bench_store.c and common/lnt_store.c, a place that includes
    lmdb.h, and with the library the one that uses zmq.h directly: a floor
    must be LMDB and ZeroMQ with nothing of lontar in between.            */
#include <errno.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "bench_floor.h"
#include "bench_proc.h"
#include "lnt_error.h"
#include "lnt_msg.h"

/*  Floor frames. Up: "HI" (answered "OK" when the child is ready), "BY"
    (the child ends), or a batch: first sequence (8 bytes, big-endian),
    count (4 bytes), then each value as its length (4 bytes) and bytes.
    Down: the last sequence of the batch committed (8 bytes).          */

static void
s_be64 (uint64_t v, unsigned char *p)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char) v;
}

static uint64_t
s_get_be (const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/*  The floor's hub, in a forked child: never returns.                    */
static void
s_floor_hub (const char *endpoint, const char *dir, size_t map)
{
    void *ctx = zmq_ctx_new ();
    void *router = zmq_socket (ctx, ZMQ_ROUTER);
    MDB_env *env = NULL;
    MDB_txn *txn;
    MDB_dbi dbi;
    int rc = 0, linger = 0;
    zmq_setsockopt (router, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind (router, endpoint) != 0
        || bench_floor_env_new (dir, map, (const char *[]) {NULL}, 1, &env,
                                &dbi))
        _exit (2);
    for (;;) {
        zmq_msg_t id, body;
        zmq_msg_init (&id);
        zmq_msg_init (&body);
        if (zmq_msg_recv (&id, router, 0) < 0
            || zmq_msg_recv (&body, router, 0) < 0)
            _exit (3);
        const unsigned char *p = zmq_msg_data (&body);
        size_t len = zmq_msg_size (&body);
        unsigned char reply[8];
        size_t reply_len = 8;
        if (len == 2 && memcmp (p, "BY", 2) == 0)
            break;
        if (len == 2 && memcmp (p, "HI", 2) == 0) {
            memcpy (reply, "OK", 2);
            reply_len = 2;
        }
        else if (len >= 12) {
            uint64_t seq = s_get_be (p, 8);
            uint32_t count = (uint32_t) s_get_be (p + 8, 4);
            size_t off = 12;
            if ((rc = mdb_txn_begin (env, NULL, 0, &txn)))
                _exit (4);
            for (uint32_t i = 0; !rc && i < count && off + 4 <= len; i++) {
                unsigned char key[8];
                size_t vlen = (size_t) s_get_be (p + off, 4);
                s_be64 (seq + i, key);
                MDB_val k = {8, key}, v = {vlen, (void *) (p + off + 4)};
                rc = mdb_put (txn, dbi, &k, &v, MDB_APPEND);
                off += 4 + vlen;
            }
            if (rc || (rc = mdb_txn_commit (txn)))
                _exit (5);
            s_be64 (seq + count - 1, reply);
        }
        else
            _exit (6);
        zmq_msg_send (&id, router, ZMQ_SNDMORE);
        zmq_send (router, reply, reply_len, 0);
        zmq_msg_close (&body);
    }
    mdb_env_close (env);
    zmq_close (router);
    zmq_ctx_term (ctx);
    _exit (0);
}

/*  The floor's agent side: a DEALER to a floor hub in a child.           */
typedef struct {
    pid_t child;        /* the floor hub                                   */
    void *ctx;          /* our own ZeroMQ context                           */
    void *dealer;       /* to the child                                     */
    unsigned char *buf; /* frame being built                                */
    size_t cap;         /* its size                                         */
} s_floor_t;

static void
s_floor_end (s_floor_t *f)
{
    if (f->dealer) {
        if (f->child > 0 && bench_alive (f->child, NULL))
            zmq_send (f->dealer, "BY", 2, 0);
        zmq_close (f->dealer);
    }
    if (f->ctx)
        zmq_ctx_term (f->ctx);
    if (f->child > 0)
        bench_proc_stop (f->child, 10);
    free (f->buf);
    memset (f, 0, sizeof *f);
}

/*  Receives one reply from the child within timeout_s. Returns its
    length, or -1 (timeout, child gone, interrupted).                     */
static int
s_floor_recv (s_floor_t *f, unsigned char *reply, double timeout_s)
{
    double until = bench_now () + timeout_s;
    while (!bench_stop && bench_now () < until) {
        zmq_pollitem_t item = {f->dealer, 0, ZMQ_POLLIN, 0};
        if (zmq_poll (&item, 1, 100) > 0)
            return zmq_recv (f->dealer, reply, 8, 0);
        if (!bench_alive (f->child, NULL)) {
            fprintf (stderr, "%s: the floor hub ended\n", BENCH_PROG);
            return -1;
        }
    }
    return -1;
}

/*  Forks the floor hub on a fresh environment in dir and waits for it. */
static int
s_floor_start (s_floor_t *f, const char *dir, size_t map)
{
    char endpoint[64];
    int port = bench_free_port (), linger = 0;
    unsigned char reply[8];
    memset (f, 0, sizeof *f);
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    if (port < 0 || (f->child = bench_fork ()) < 0)
        return LNT_EUNAVAIL;
    if (f->child == 0)
        s_floor_hub (endpoint, dir, map);
    f->ctx = zmq_ctx_new ();
    f->dealer = zmq_socket (f->ctx, ZMQ_DEALER);
    zmq_setsockopt (f->dealer, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect (f->dealer, endpoint) != 0
        || zmq_send (f->dealer, "HI", 2, 0) != 2
        || s_floor_recv (f, reply, 10) != 2) {
        fprintf (stderr, "%s: the floor hub did not start\n", BENCH_PROG);
        s_floor_end (f);
        return LNT_EUNAVAIL;
    }
    return 0;
}

static int
s_floor_append (s_floor_t *f, size_t *len, const void *bytes, size_t n)
{
    if (*len + n > f->cap) {
        size_t cap = (*len + n) * 2;
        unsigned char *grown = realloc (f->buf, cap);
        if (!grown)
            return LNT_ENOMEM;
        f->buf = grown;
        f->cap = cap;
    }
    memcpy (f->buf + *len, bytes, n);
    *len += n;
    return 0;
}

static int
s_mdb_fail (const char *what, int rc)
{
    fprintf (stderr, "%s: floor: %s: %s\n", BENCH_PROG, what,
             mdb_strerror (rc));
    return LNT_ESTORE;
}

int
bench_floor_env_new (const char *dir, size_t map, const char *const *names,
                     size_t n, MDB_env **env, MDB_dbi *dbis)
{
    MDB_txn *txn;
    int rc;
    *env = NULL;
    if (mkdir (dir, 0750) != 0)
        return -1;
    if ((rc = mdb_env_create (env)))
        return rc;
    if ((rc = mdb_env_set_maxdbs (*env, (MDB_dbi) n))
        || (rc = mdb_env_set_mapsize (*env, map))
        || (rc = mdb_env_open (*env, dir, 0, 0640))
        || (rc = mdb_txn_begin (*env, NULL, 0, &txn)))
        goto fail;
    for (size_t i = 0; !rc && i < n; i++)
        rc = mdb_dbi_open (txn, names[i], names[i] ? MDB_CREATE : 0,
                           &dbis[i]);
    if (rc) {
        mdb_txn_abort (txn);
        goto fail;
    }
    if ((rc = mdb_txn_commit (txn)))
        goto fail;
    return 0;
fail:
    mdb_env_close (*env);
    *env = NULL;
    return rc;
}

int
bench_floor_log_open (const char *agent_dir, size_t map, MDB_cursor **cur)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    int rc;
    *cur = NULL;
    if ((rc = mdb_env_create (&env)) || (rc = mdb_env_set_maxdbs (env, 16))
        || (rc = mdb_env_set_mapsize (env, map))
        || (rc = mdb_env_open (env, agent_dir, MDB_RDONLY | MDB_NOTLS, 0640))
        || (rc = mdb_txn_begin (env, NULL, MDB_RDONLY, &txn))
        || (rc = mdb_dbi_open (txn, "log", 0, &dbi))
        || (rc = mdb_cursor_open (txn, dbi, cur))) {
        if (txn)
            mdb_txn_abort (txn);
        if (env)
            mdb_env_close (env);
        *cur = NULL;
    }
    return rc;
}

void
bench_floor_log_close (MDB_cursor **cur)
{
    if (!*cur)
        return;
    MDB_txn *txn = mdb_cursor_txn (*cur);
    MDB_env *env = mdb_txn_env (txn);
    mdb_cursor_close (*cur);
    mdb_txn_abort (txn);
    mdb_env_close (env);
    *cur = NULL;
}

int
bench_floor_throughput (const char *agent_dir, const char *hub_dir,
                    size_t records, double *seconds, double *written)
{
    char path[4300];
    struct stat st;
    snprintf (path, sizeof path, "%s/data.mdb", agent_dir);
    if (stat (path, &st) != 0)
        return LNT_EIO;
    s_floor_t f;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    int rc = s_floor_start (&f, hub_dir, (size_t) st.st_size * 2
                                             + ((size_t) 64 << 20));
    if (rc)
        return rc;
    if ((rc = bench_floor_log_open (agent_dir, (size_t) st.st_size, &cur))) {
        rc = s_mdb_fail ("the office's log", rc);
        goto done;
    }
    uint64_t sent = 0, acked = 0;
    int inflight = 0, op = MDB_FIRST;
    double t0 = bench_now ();
    while (!rc && acked < records) {
        while (!rc && inflight < BENCH_WINDOW && sent < records) {
            size_t len = 12;
            uint32_t count = 0;
            if ((rc = s_floor_append (&f, &len, "", 0)))
                break;
            while (count < LNT_BATCH_MAX && sent + count < records
                   && (rc = mdb_cursor_get (cur, &k, &v, (MDB_cursor_op) op))
                          == 0) {
                op = MDB_NEXT;
                unsigned char vl[4] = {(unsigned char) (v.mv_size >> 24),
                                       (unsigned char) (v.mv_size >> 16),
                                       (unsigned char) (v.mv_size >> 8),
                                       (unsigned char) v.mv_size};
                if ((rc = s_floor_append (&f, &len, vl, 4))
                    || (rc = s_floor_append (&f, &len, v.mv_data, v.mv_size)))
                    break;
                count++;
            }
            if (rc == MDB_NOTFOUND && count > 0)
                rc = 0;
            if (rc) {
                rc = rc == MDB_NOTFOUND ? LNT_ENOTFOUND : rc;
                break;
            }
            s_be64 (sent + 1, f.buf);
            f.buf[8] = (unsigned char) (count >> 24);
            f.buf[9] = (unsigned char) (count >> 16);
            f.buf[10] = (unsigned char) (count >> 8);
            f.buf[11] = (unsigned char) count;
            if (zmq_send (f.dealer, f.buf, len, 0) != (int) len) {
                rc = LNT_EUNAVAIL;
                break;
            }
            sent += count;
            inflight++;
        }
        unsigned char reply[8];
        if (!rc && s_floor_recv (&f, reply, 60) != 8)
            rc = LNT_EUNAVAIL;
        if (!rc) {
            acked = s_get_be (reply, 8);
            inflight--;
        }
    }
    *seconds = bench_now () - t0;
    *written = bench_io_written (f.child);
    if (rc)
        fprintf (stderr, "%s: the floor's catch-up failed (%s)\n", BENCH_PROG,
                 lnt_strerror (rc < 0 ? rc : LNT_ESTORE));
done:
    bench_floor_log_close (&cur);
    s_floor_end (&f);
    bench_remove_tree (hub_dir);
    return rc < 0 ? rc : rc ? LNT_ESTORE : 0;
}

/*  The latency floor's office side: its own environment, one put and a
    durable commit per write, then the record to the floor hub.          */
struct bench_floor_lat_t {
    s_floor_t f;         /* the floor hub                                  */
    MDB_env *env;        /* the office's environment                       */
    MDB_dbi dbi;         /* its main database                              */
    uint64_t seq;        /* writes made                                    */
    char *val;           /* a value of the size of a log entry             */
    size_t vlen;         /* that size                                      */
};

int
bench_floor_lat_new (const char *root, size_t vlen, bench_floor_lat_t **self_p)
{
    char dir[4300], hub[4300];
    MDB_txn *txn;
    int rc;
    bench_floor_lat_t *l = calloc (1, sizeof *l);
    *self_p = l;
    if (!l || !(l->val = malloc (vlen)))
        return LNT_ENOMEM;
    snprintf (dir, sizeof dir, "%s/floor-lat-agent", root);
    snprintf (hub, sizeof hub, "%s/floor-lat-hub", root);
    l->vlen = vlen;
    for (size_t i = 0; i < vlen; i++)
        l->val[i] = (char) ('a' + (i * 7 + i / 26) % 26);
    if (mkdir (dir, 0750) != 0)
        return LNT_ECANTCREAT;
    if ((rc = mdb_env_create (&l->env))
        || (rc = mdb_env_set_mapsize (l->env, (size_t) 256 << 20))
        || (rc = mdb_env_open (l->env, dir, 0, 0640))
        || (rc = mdb_txn_begin (l->env, NULL, 0, &txn))
        || (rc = mdb_dbi_open (txn, NULL, 0, &l->dbi))
        || (rc = mdb_txn_commit (txn)))
        return s_mdb_fail ("latency office", rc);
    return s_floor_start (&l->f, hub, (size_t) 256 << 20);
}

int
bench_floor_lat_one (bench_floor_lat_t *l)
{
    MDB_txn *txn;
    unsigned char key[8], reply[8];
    size_t len = 12;
    l->seq++;
    s_be64 (l->seq, key);
    MDB_val k = {8, key}, v = {l->vlen, l->val};
    int rc = mdb_txn_begin (l->env, NULL, 0, &txn);
    if (!rc && (rc = mdb_put (txn, l->dbi, &k, &v, MDB_APPEND)))
        mdb_txn_abort (txn);
    else if (!rc)
        rc = mdb_txn_commit (txn);
    if (rc)
        return s_mdb_fail ("latency write", rc);
    unsigned char head[16];
    s_be64 (l->seq, head);
    head[8] = head[9] = head[10] = 0;
    head[11] = 1;
    head[12] = (unsigned char) (l->vlen >> 24);
    head[13] = (unsigned char) (l->vlen >> 16);
    head[14] = (unsigned char) (l->vlen >> 8);
    head[15] = (unsigned char) l->vlen;
    len = 0;
    if ((rc = s_floor_append (&l->f, &len, head, 16))
        || (rc = s_floor_append (&l->f, &len, l->val, l->vlen)))
        return rc;
    if (zmq_send (l->f.dealer, l->f.buf, len, 0) != (int) len
        || s_floor_recv (&l->f, reply, 5) != 8 || s_get_be (reply, 8) != l->seq)
        return LNT_EUNAVAIL;
    return 0;
}

void
bench_floor_lat_destroy (bench_floor_lat_t **self_p)
{
    bench_floor_lat_t *l = *self_p;
    if (!l)
        return;
    s_floor_end (&l->f);
    if (l->env)
        mdb_env_close (l->env);
    free (l->val);
    free (l);
    *self_p = NULL;
}
