/*  bench_floor.c - the floor of bench_repl: LMDB and ZeroMQ alone.

    A forked child holds a ROUTER and a fresh LMDB environment; this
    process, with a DEALER per office, reads each office's log from its
    LMDB store (the same records lontar sends) and sends batches of up to
    LNT_BATCH_MAX with BENCH_WINDOW in flight per office; the child puts
    them under keys it numbers in order of arrival (append-ordered), no
    validation or merge, commits each batch durably and answers with its
    last sequence. The latency floor sends one record at a time, after a
    durable commit of its own.

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
    uint64_t stored = 0; /* records put: the last key                    */
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
                s_be64 (++stored, key);
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
    char endpoint[64];  /* where the child listens                          */
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
    int port = bench_free_port (), linger = 0;
    unsigned char reply[8];
    memset (f, 0, sizeof *f);
    char *endpoint = f->endpoint;
    snprintf (endpoint, sizeof f->endpoint, "tcp://127.0.0.1:%d", port);
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

/*  One office's side of a floor run.                                   */
typedef struct {
    void *dealer;       /* to the floor hub                                 */
    MDB_cursor *cur;    /* on its log                                       */
    int op;             /* the next cursor operation                        */
    uint64_t sent;      /* records sent                                     */
    uint64_t acked;     /* the last sequence committed                      */
    int inflight;       /* batches sent and not answered                    */
} s_sender_t;

/*  Sends the next batch of up to LNT_BATCH_MAX of the office's records,
    never past records. 0 or an LNT_E* or LMDB code.                      */
static int
s_floor_send (s_floor_t *f, s_sender_t *o, size_t records)
{
    MDB_val k, v;
    size_t len = 12;
    uint32_t count = 0;
    int rc = s_floor_append (f, &len, "", 0);
    while (!rc && count < LNT_BATCH_MAX && o->sent + count < records
           && (rc = mdb_cursor_get (o->cur, &k, &v, (MDB_cursor_op) o->op))
                  == 0) {
        o->op = MDB_NEXT;
        unsigned char vl[4] = {(unsigned char) (v.mv_size >> 24),
                               (unsigned char) (v.mv_size >> 16),
                               (unsigned char) (v.mv_size >> 8),
                               (unsigned char) v.mv_size};
        if (!(rc = s_floor_append (f, &len, vl, 4)))
            rc = s_floor_append (f, &len, v.mv_data, v.mv_size);
        count++;
    }
    if (rc == MDB_NOTFOUND)
        rc = count > 0 ? 0 : LNT_ENOTFOUND;
    if (rc)
        return rc;
    s_be64 (o->sent + 1, f->buf);
    f->buf[8] = (unsigned char) (count >> 24);
    f->buf[9] = (unsigned char) (count >> 16);
    f->buf[10] = (unsigned char) (count >> 8);
    f->buf[11] = (unsigned char) count;
    if (zmq_send (o->dealer, f->buf, len, 0) != (int) len)
        return LNT_EUNAVAIL;
    o->sent += count;
    o->inflight++;
    return 0;
}

int
bench_floor_throughput (const char *const *agent_dirs, size_t n,
                        const char *hub_dir, size_t records, double *seconds,
                        double *written)
{
    char path[4300];
    struct stat st;
    size_t total = 0, map = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf (path, sizeof path, "%s/data.mdb", agent_dirs[i]);
        if (stat (path, &st) != 0)
            return LNT_EIO;
        total += (size_t) st.st_size;
        map = (size_t) st.st_size > map ? (size_t) st.st_size : map;
    }
    s_floor_t f;
    s_sender_t *offices = calloc (n, sizeof *offices);
    if (!offices)
        return LNT_ENOMEM;
    zmq_pollitem_t *items = calloc (n, sizeof *items);
    int rc = items ? s_floor_start (&f, hub_dir, total * 2
                                                  + ((size_t) 64 << 20))
                   : LNT_ENOMEM;
    if (rc) {
        free (items);
        free (offices);
        return rc;
    }
    int linger = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        s_sender_t *o = &offices[i];
        o->op = MDB_FIRST;
        o->dealer = i ? zmq_socket (f.ctx, ZMQ_DEALER) : f.dealer;
        if (!o->dealer
            || zmq_setsockopt (o->dealer, ZMQ_LINGER, &linger, sizeof linger)
            || (i && zmq_connect (o->dealer, f.endpoint) != 0))
            rc = LNT_EUNAVAIL;
        else if ((rc = bench_floor_log_open (agent_dirs[i], map, &o->cur)))
            rc = s_mdb_fail ("an office's log", rc);
        items[i] = (zmq_pollitem_t){o->dealer, 0, ZMQ_POLLIN, 0};
    }
    size_t done = 0; /* offices with all their records committed      */
    double t0 = bench_now (), last = t0;
    while (!rc && done < n && !bench_stop) {
        for (size_t i = 0; !rc && i < n; i++)
            while (!rc && offices[i].inflight < BENCH_WINDOW
                   && offices[i].sent < records)
                rc = s_floor_send (&f, &offices[i], records);
        int ready = rc ? 0 : zmq_poll (items, (int) n, 100);
        for (size_t i = 0; !rc && ready > 0 && i < n; i++) {
            unsigned char reply[8];
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            if (zmq_recv (offices[i].dealer, reply, 8, 0) != 8) {
                rc = LNT_EUNAVAIL;
                break;
            }
            offices[i].acked = s_get_be (reply, 8);
            offices[i].inflight--;
            done += offices[i].acked == records;
            last = bench_now ();
        }
        if (!rc && bench_now () - last > 60) {
            fprintf (stderr, "%s: the floor hub answered nothing for 60 s\n",
                     BENCH_PROG);
            rc = LNT_EUNAVAIL;
        }
    }
    *seconds = bench_now () - t0;
    *written = bench_io_written (f.child);
    if (rc)
        fprintf (stderr, "%s: the floor's run failed (%s)\n", BENCH_PROG,
                 lnt_strerror (rc < 0 ? rc : LNT_ESTORE));
    for (size_t i = 0; i < n; i++) {
        bench_floor_log_close (&offices[i].cur);
        if (i && offices[i].dealer)
            zmq_close (offices[i].dealer);
    }
    s_floor_end (&f);
    bench_remove_tree (hub_dir);
    free (items);
    free (offices);
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
