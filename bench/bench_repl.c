/*  bench_repl.c - how fast lontar replicates, against a floor of LMDB and
    ZeroMQ alone measured in the same run on the same machine.

    Every commit is durable (fsync), in lontar and in the floors. Figures:
      catch-up   one office (3503) with N pending changes; the real
                 `lontar-hub run` and `lontar-agent run`; records/s from
                 the agent's start until the hub has applied them all.
      fan-in     the 38 offices of province 35 at once, M pending each.
      latency    one write at a time at the office, at a steady rate, as a
                 staff command makes it (lnt_office_suggestion_add, then
                 lnt_control_nudge), to durably applied at the hub.
      memory     the agent's peak RSS during the catch-up (anonymous, and
                 LMDB's file pages apart); the hub's RSS with 1,000
                 offices connected (a made-up province 99).
      wire       bytes of BATCH frames per change, against the record as
                 the hub stores it (msgpack).
      MQTT       the same catch-up through Mosquitto, QoS 1, into an LMDB
                 subscriber (bench_mqtt.c, built with libmosquitto only).

    The floor (bench_floor.c) is LMDB and ZeroMQ alone: the same records
    from the offices' LMDB logs (one office for catch-up, the 38 at once
    for fan-in), batches of 1,000 with 4 in flight per office, one durable
    commit per batch at a fresh LMDB environment, no validation or merge;
    for latency, one record with a durable commit at each end.

    The goals are printed, never enforced: the exit status is 0 unless
    something failed to run. Stores come from a seeded generator. All lives
    in a temporary folder under $TMPDIR (or /tmp), removed at the end; the
    daemons and children are stopped on every path (and die with this
    process: PR_SET_PDEATHSIG). The daemons run from copies taken at the
    start, so a build going on beside the run cannot change them.
    zmq.h is used directly here for the 1,000 connections of the hub
    memory test (many DEALERs in one context, without CZMQ's actors).   */
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_floor.h"
#include "bench_gen.h"
#include "bench_proc.h"

#include "lnt_apply.h"
#include "lnt_control.h"
#include "lnt_log.h"
#include "lnt_msg.h"
#include "lnt_office.h"
#include "lnt_time.h"
#ifdef BENCH_MQTT
#include "bench_mqtt.h"
#endif

#define BENCH_OFFICE "3503"     /* the catch-up and latency office        */
#define BENCH_PROVINCE "35"     /* its province                            */
#define BENCH_CHUNK 25000       /* suggestions per transaction when making */
#define BENCH_WARMUP 50         /* untimed latency writes first            */
#define BENCH_BLOCK 250         /* latency: lontar and floor take turns    */
#define BENCH_POLL_US 20        /* latency: checkpoint poll period         */
#define BENCH_FAR 99            /* the made-up province of the hub test    */
#define BENCH_FAR_BASE 9000     /* its first office code                   */
#define BENCH_GOAL_RATE 0.5     /* catch-up and fan-in: x floor            */
#define BENCH_GOAL_P99_MS 5.0   /* latency p99                             */
#define BENCH_GOAL_AGENT_MIB 16 /* agent peak RSS, LMDB pages apart        */
#define BENCH_GOAL_ANON_MIB 4   /* agent peak anonymous                    */
#define BENCH_GOAL_HUB_MIB 64   /* hub RSS with 1,000 offices              */
#define BENCH_GOAL_WIRE 1.2     /* wire bytes / record bytes               */
#define BENCH_GOAL_MQTT 8.0     /* lontar / MQTT                           */

static const char *s_usage =
    "Usage: bench_repl [OPTIONS]\n"
    "\n"
    "Measures lontar's replication (the real lontar-hub and lontar-agent)\n"
    "against a floor of LMDB and ZeroMQ alone, on this machine in this run,\n"
    "and prints one table: figure, lontar, floor, ratio, goal.\n"
    "\n"
    "  --records N      catch-up: pending changes of one office (1000000)\n"
    "  --agents N       fan-in: offices of province 35, at most 38 (38)\n"
    "  --per-agent N    fan-in: pending changes of each (50000)\n"
    "  --writes N       latency: timed writes (5000)\n"
    "  --rate N         latency: writes per second (500)\n"
    "  --connections N  hub memory: offices connected, at most 1000 (1000)\n"
    "  --mqtt-records N MQTT catch-up: changes (default --records)\n"
    "  --quick          100000 records, 38 x 5000, 1000 writes, 200\n"
    "                   connections: a run of a minute or so\n"
    "  --only LIST      run only these, comma-separated: catchup, fanin,\n"
    "                   latency, hubmem, mqtt (catchup also gives memory\n"
    "                   and wire; mqtt needs catchup's store, made anyway)\n"
    "  --bin DIR        folder of lontar-hub and lontar-agent (the build's)\n"
    "  --ref DIR        reference data (default $LONTAR_REF, then the\n"
    "                   source tree's common/data)\n"
    "  --mosquitto PATH the broker (/usr/sbin/mosquitto)\n"
    "  --seed N         seed of the generator (1)\n"
    "  --order ORDER    time: suggestions received in the order of the log,\n"
    "                   as an office writes them (default); random: on any\n"
    "                   day of five years, a history imported out of order\n"
    "  --keep           keep the temporary folder (its path is printed)\n"
    "  --wrap-hub CMD   run the hub under CMD, split at spaces, to profile\n"
    "                   it: --wrap-hub 'valgrind --tool=callgrind\n"
    "                   --callgrind-out-file=/tmp/hub.%p'\n"
    "                   (figures from such a run are not comparable)\n"
    "  --wrap-agent CMD the same for the agents\n"
    "  -h, --help       this help\n"
    "  -V, --version    the version\n"
    "\n"
    "The goals are for reading only: the exit status is 0 unless something\n"
    "failed to run (64 usage, 69 a daemon did not start or died, 70\n"
    "internal, 73/74 store or I/O).\n";

static char s_root[4096];  /* the temporary folder, or ""                   */
static bool s_keep;        /* --keep                                        */

/*  At exit: every child stopped, the temporary folder removed.          */
static void
s_cleanup (void)
{
    bench_cleanup (s_root, s_keep);
}

/*  ---- a seeded generator of suggestions --------------------------------- */

/*  The day the k-th of an office's n suggestions was received, within
    2021-2025. In time order (the default), as an office writes them: the
    days move forward through the five years, and staff type each one in
    up to three days after it came (paper forms), so neighbours in the log
    may be a few days apart, across a year's end too. In random order,
    any day of the five years: a history imported out of order, the worst
    case for the hub's trees (see docs/PERFORMANCE.md).                  */
static int32_t
s_received_day (uint64_t *state, bool random_order, size_t k, size_t n)
{
    int32_t first = lnt_date_from_ymd (2021, 1, 1), days = 5 * 365;
    if (random_order)
        return first + (int32_t) (bench_rand (state) % (uint64_t) days);
    int32_t day = first + (int32_t) ((double) k / (double) (n ? n : 1) * days);
    day -= (int32_t) (bench_rand (state) % 4);
    return day < first ? first : day;
}

/*  Fills the fields staff type of a new suggestion (received on day, a
    channel, class, category, privacy - one in ten confidential -,
    subject and a text of 100-200 bytes); the add fills in the rest.     */
static void
s_suggestion_make (uint64_t *state, int utc_offset, int32_t day,
                   lnt_suggestion_t *s)
{
    int64_t minute = 7 * 60 + (int64_t) (bench_rand (state) % 600);
    s->received = ((int64_t) day * 1440 + minute - utc_offset) * 60000;
    s->channel = (uint8_t) (bench_rand (state) % LNT_CH_COUNT);
    s->class_ = (uint8_t) (bench_rand (state) % 3);
    s->field_check = false;
    uint64_t p = bench_rand (state) % 10;
    s->privacy = p == 9 ? LNT_PR_CONFIDENTIAL : p >= 6 ? LNT_PR_ANONYMOUS
                                                       : LNT_PR_PUBLIC;
    bench_gen_words (state, s);
}

/*  ---- stores ------------------------------------------------------------ */

typedef struct {
    const char *ref;          /* reference data folder                     */
    const char *bin;          /* folder of lontar-hub and lontar-agent     */
    const char *mosquitto;    /* the MQTT broker                           */
    const char *wrap_hub;     /* runs the hub under this (a profiler)      */
    const char *wrap_agent;   /* and the agents                            */
    size_t records;           /* catch-up changes                          */
    size_t agents;            /* fan-in offices                            */
    size_t per_agent;         /* fan-in changes of each                    */
    size_t writes;            /* latency writes                            */
    size_t rate;              /* latency writes per second                 */
    size_t connections;       /* hub memory: offices connected             */
    size_t mqtt_records;      /* MQTT catch-up changes                     */
    uint64_t seed;            /* generator seed                            */
    bool random_order;        /* suggestions received in random order      */
    unsigned only;            /* S_RUN_* to run                            */
} s_bench_t;

#define S_RUN_CATCHUP 1u
#define S_RUN_FANIN 2u
#define S_RUN_LATENCY 4u
#define S_RUN_HUBMEM 8u
#define S_RUN_MQTT 16u

/*  A chunk of suggestions written in one transaction. lnt_store_write
    runs the function again after growing a full map, so it starts from
    the generator state it was given each time.                          */
typedef struct {
    lnt_node_t *node;       /* the office                                  */
    uint64_t state;         /* generator state at the chunk's start        */
    uint64_t after;         /* the state after it, once it ran through     */
    size_t count;           /* suggestions in the chunk                    */
    size_t first;           /* the index of its first among the office's   */
    size_t total;           /* of the office's suggestions                 */
    bool random_order;      /* s_received_day's order                      */
    int utc_offset;         /* the office's minutes east of UTC            */
    lnt_suggestion_t *s;    /* scratch (some 25 KiB)                       */
    lnt_why_t why;          /* why a suggestion was refused                */
} s_chunk_t;

static int
s_chunk_fn (lnt_txn_t *txn, void *arg)
{
    s_chunk_t *c = arg;
    uint64_t state = c->state;
    for (size_t i = 0; i < c->count; i++) {
        int32_t day = s_received_day (&state, c->random_order, c->first + i,
                                      c->total);
        s_suggestion_make (&state, c->utc_offset, day, c->s);
        int rc = lnt_office_suggestion_add_txn (c->node, txn, c->s, NULL,
                                                &c->why);
        if (rc)
            return rc;
    }
    c->after = state;
    return 0;
}

/*  Makes the store of office in dir with n pending suggestions, the way
    an import does (big transactions). The map is sized up front so that
    making it never grows the map; the daemons grow theirs as they go.  */
static int
s_office_make (const s_bench_t *b, const char *dir, const char *office,
               size_t n, uint64_t seed)
{
    lnt_why_t why = {""};
    lnt_node_t *node = NULL;
    s_chunk_t c = {0};
    int rc = lnt_node_init (dir, LNT_ROLE_AGENT, office, b->ref,
                            n * 3072 + ((size_t) 64 << 20), &why);
    if (!rc)
        rc = lnt_node_open (dir, 0, &node, &why);
    if (!rc && !(c.s = malloc (sizeof *c.s)))
        rc = LNT_ENOMEM;
    if (!rc) {
        c.node = node;
        c.state = seed;
        c.total = n;
        c.random_order = b->random_order;
        c.utc_offset = lnt_ref_utc_offset (lnt_node_ref (node), office);
    }
    for (size_t done = 0; !rc && done < n && !bench_stop; done += c.count) {
        c.count = n - done < BENCH_CHUNK ? n - done : BENCH_CHUNK;
        c.first = done;
        rc = lnt_store_write (lnt_node_store (node), s_chunk_fn, &c);
        if (rc && c.why.text[0])
            why = c.why;
        c.state = c.after;
    }
    if (!rc && bench_stop)
        rc = LNT_EINTERNAL;
    if (rc)
        fprintf (stderr, "%s: making office %s in %s: %s\n", BENCH_PROG,
                 office, dir, why.text[0] ? why.text : lnt_strerror (rc));
    free (c.s);
    lnt_node_destroy (&node);
    return rc;
}

/*  Makes count office stores, two at a time (one per core).              */
static int
s_offices_make (const s_bench_t *b, char dirs[][4200], char codes[][8],
                size_t count, size_t n)
{
    pid_t workers[2] = {0, 0};
    for (int w = 0; w < 2; w++) {
        if ((workers[w] = bench_fork ()) < 0)
            return LNT_EINTERNAL;
        if (workers[w] == 0) {
            int rc = 0;
            for (size_t i = (size_t) w; !rc && i < count; i += 2)
                rc = s_office_make (b, dirs[i], codes[i], n,
                                    b->seed + 1000 * (i + 1));
            _exit (rc ? 1 : 0);
        }
    }
    int rc = 0;
    for (int w = 0; w < 2; w++) {
        int status = 0;
        while (waitpid (workers[w], &status, 0) < 0 && errno == EINTR)
            if (bench_stop)
                kill (workers[w], SIGTERM);
        bench_proc_forget (workers[w]);
        if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
            rc = LNT_ESTORE;
    }
    return rc;
}

static int
s_hub_make (const char *ref, const char *dir, const char *province)
{
    lnt_why_t why = {""};
    int rc = lnt_node_init (dir, LNT_ROLE_HUB, province, ref, 0, &why);
    if (rc)
        fprintf (stderr, "%s: making the hub in %s: %s\n", BENCH_PROG, dir,
                 why.text[0] ? why.text : lnt_strerror (rc));
    return rc;
}

static int
s_node_open (const char *dir, int flags, lnt_node_t **node)
{
    lnt_why_t why = {""};
    int rc = lnt_node_open (dir, flags, node, &why);
    if (rc)
        fprintf (stderr, "%s: opening %s: %s\n", BENCH_PROG, dir,
                 why.text[0] ? why.text : lnt_strerror (rc));
    return rc;
}

/*  How far the hub has durably applied office's log: its checkpoint,
    which the hub advances in the transaction that applies the batch and
    commits before it sends the ACK. 0 before the office's first HELLO. */
static int
s_acked (lnt_node_t *hub, const char *office, uint64_t *acked, bool *known)
{
    lnt_txn_t *txn = NULL;
    lnt_checkpoint_t cp;
    int rc = lnt_store_read (lnt_node_store (hub), &txn);
    if (rc)
        return rc;
    rc = lnt_checkpoint_get (txn, office, &cp);
    lnt_txn_end (&txn);
    if (known)
        *known = rc == 0;
    *acked = rc == 0 ? cp.acked : 0;
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

/*  ---- the daemons ------------------------------------------------------- */

typedef struct {
    pid_t pid;            /* the process                                  */
    char name[16];        /* "lontar-hub" or "lontar-agent"               */
    char log[4300];       /* its stderr                                   */
    char endpoint[64];    /* hub: its replication endpoint                */
} s_daemon_t;

/*  Starts `lontar-hub run` on dir and waits until it has bound its
    sockets (the control socket, bound last, appears).                  */
static int
s_hub_start (const s_bench_t *b, const char *dir, s_daemon_t *d)
{
    char bin[4200], query[64], sock[4300];
    int port = bench_free_port (), qport = bench_free_port ();
    memset (d, 0, sizeof *d);
    snprintf (d->name, sizeof d->name, "lontar-hub");
    snprintf (bin, sizeof bin, "%s/lontar-hub", b->bin);
    snprintf (d->log, sizeof d->log, "%s.log", dir);
    snprintf (d->endpoint, sizeof d->endpoint, "tcp://127.0.0.1:%d", port);
    snprintf (query, sizeof query, "tcp://127.0.0.1:%d", qport);
    snprintf (sock, sizeof sock, "%s/control.sock", dir);
    char *args[] = {bin, "run", "--insecure", "--bind", d->endpoint,
                    "--query", query, "--data", (char *) dir, NULL};
    char *argv[32], words[1024];
    bench_wrap (b->wrap_hub, words, sizeof words, args, argv, 32);
    if (port < 0 || qport < 0 || (d->pid = bench_spawn (argv, d->log)) < 0)
        return LNT_EUNAVAIL;
    if (bench_wait_file (d->pid, sock, b->wrap_hub ? 120 : 10))
        return 0;
    fprintf (stderr, "%s: lontar-hub did not start\n", BENCH_PROG);
    bench_log_tail (d->log);
    return LNT_EUNAVAIL;
}

static int
s_agent_start (const s_bench_t *b, const char *dir, const char *hub,
               s_daemon_t *d)
{
    char bin[4200];
    memset (d, 0, sizeof *d);
    snprintf (d->name, sizeof d->name, "lontar-agent");
    snprintf (bin, sizeof bin, "%s/lontar-agent", b->bin);
    snprintf (d->log, sizeof d->log, "%s.log", dir);
    char *args[] = {bin, "run", "--insecure", "--hub", (char *) hub, "--data",
                    (char *) dir, NULL};
    char *argv[32], words[1024];
    bench_wrap (b->wrap_agent, words, sizeof words, args, argv, 32);
    return (d->pid = bench_spawn (argv, d->log)) < 0 ? LNT_EUNAVAIL : 0;
}

/*  0 while the daemon runs; LNT_EUNAVAIL (with its log) when it ended.  */
static int
s_daemon_check (s_daemon_t *d)
{
    int status = 0;
    if (d->pid <= 0 || bench_alive (d->pid, &status))
        return 0;
    fprintf (stderr, "%s: %s ended (status %d)\n", BENCH_PROG, d->name,
             WIFEXITED (status) ? WEXITSTATUS (status) : -WTERMSIG (status));
    bench_log_tail (d->log);
    d->pid = 0;
    return LNT_EUNAVAIL;
}

static void
s_daemon_stop (s_daemon_t *d)
{
    if (d->pid > 0)
        bench_proc_stop (d->pid, 10);
    d->pid = 0;
}

/*  The hub's group commits, from the "turns=" of its last log line.     */
static long
s_hub_turns (const char *log)
{
    FILE *in = fopen (log, "r");
    char line[1024];
    long turns = -1;
    while (in && fgets (line, sizeof line, in)) {
        const char *t = strstr (line, " turns=");
        if (t)
            turns = strtol (t + 7, NULL, 10);
    }
    if (in)
        fclose (in);
    return turns;
}

/*  ---- results ----------------------------------------------------------- */

/*  What one replication run measured.                                     */
typedef struct {
    double seconds;        /* from starting the agents to all applied       */
    bench_peaks_t agent;   /* the (first) agent's memory, every 10 ms       */
    bench_peaks_t hub;     /* the hub's memory, every 10 ms                 */
    long turns;            /* the hub's group commits                       */
    double hub_cpu;        /* CPU seconds of the hub                        */
    double agents_cpu;     /* CPU seconds of all the agents                 */
    double hub_written;    /* bytes the hub wrote to storage                */
} s_run_t;

typedef struct {
    double floor;          /* floor catch-up records/s (best of runs)      */
    double floor_runs[2];  /* each floor run                               */
    double floor_written;  /* bytes the floor hub wrote to the disk        */
    double catchup;        /* lontar catch-up records/s                    */
    s_run_t catchup_run;   /* what it measured                             */
    double fanin;          /* lontar fan-in records/s                      */
    double fanin_floor;    /* the floor's with as many offices (best)      */
    double fanin_floor_runs[2]; /* each of its runs                        */
    double fanin_floor_written; /* bytes its hub wrote to the disk         */
    s_run_t fanin_run;     /* what it measured                             */
    double lat[3];         /* lontar latency p50, p99, p99.9, ms           */
    double lat_floor[3];   /* the floor's                                  */
    double lat_max[2];     /* the worst of each                            */
    double lat_add[2];     /* lontar: p50, p99 of the add alone (its commit) */
    double lat_nudge[2];   /* lontar: p50, p99 of the nudge alone          */
    size_t lat_vlen;       /* the floor's value size                       */
    bench_mem_t hub_conn;  /* the hub with all offices connected           */
    long hub_conn_lmdb;    /* of which LMDB's maps, KiB                    */
    long hub_idle_rss;     /* the hub before any connected, KiB            */
    size_t connected;      /* offices welcomed                             */
    double hello_s;        /* seconds until all were welcomed              */
    double wire;           /* wire bytes per change                        */
    double record;         /* mean record bytes at the hub                 */
    double log_entry;      /* mean log entry bytes at the agent            */
    double mqtt;           /* MQTT catch-up records/s                      */
    size_t mqtt_commits;   /* the subscriber's commits                     */
    double mqtt_payload;   /* mean payload bytes                           */
    bool mqtt_built;       /* built with libmosquitto                      */
    bool mqtt_ran;         /* it ran                                       */
} s_result_t;

/*  ---- catch-up, with the agent's memory and the wire size --------------- */

/*  Bytes the agent's BATCH frames take for the office's whole log, built
    as the agent builds them (up to LNT_BATCH_MAX changes, a batch stops
    growing past 1 MiB), plus ZMTP's frame header of 9 bytes each.      */
static int
s_wire_bytes (const char *agent_dir, size_t *frames_bytes, size_t *changes,
              double *log_entry)
{
    lnt_node_t *node = NULL;
    lnt_txn_t *txn = NULL;
    lnt_cursor_t *cur = NULL;
    lnt_buf_t frame = {0};
    const void *k, *v;
    size_t kl, vl, count = 0, body = 0, total = 0, n = 0, values = 0;
    int rc = s_node_open (agent_dir, LNT_STORE_READONLY, &node);
    if (!rc)
        rc = lnt_store_read (lnt_node_store (node), &txn);
    if (!rc)
        rc = lnt_cursor_open (txn, LNT_DB_LOG, &cur);
    if (rc)
        goto done;
    uint64_t first = 1;
    for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl);; ) {
        bool end = rc != 0;
        if (count && (end || count == LNT_BATCH_MAX || body >= (1 << 20))) {
            lnt_buf_reset (&frame);
            lnt_msg_batch_begin (&frame, LNT_MSG_BATCH, first,
                                 first + count - 1, (uint32_t) count);
            total += frame.len + body + 9;
            first += count;
            count = body = 0;
        }
        if (end)
            break;
        count++;
        n++;
        body += vl;
        values += vl;
        rc = lnt_cursor_next (cur, &k, &kl, &v, &vl);
    }
    if (rc == LNT_ENOTFOUND)
        rc = 0;
    *frames_bytes = total;
    *changes = n;
    *log_entry = n ? (double) values / (double) n : 0;
done:
    lnt_cursor_close (&cur);
    lnt_txn_end (&txn);
    lnt_node_destroy (&node);
    lnt_buf_free (&frame);
    return rc;
}

/*  The mean size of the values of db in node's store, and their bytes.  */
static int
s_mean_value (lnt_node_t *node, lnt_db_t db, double *mean, size_t *count)
{
    lnt_txn_t *txn = NULL;
    lnt_cursor_t *cur = NULL;
    const void *k, *v;
    size_t kl, vl, n = 0, sum = 0;
    int rc = lnt_store_read (lnt_node_store (node), &txn);
    if (!rc)
        rc = lnt_cursor_open (txn, db, &cur);
    for (int r = rc ? -1 : lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl);
         r == 0; r = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        n++;
        sum += vl;
    }
    lnt_cursor_close (&cur);
    lnt_txn_end (&txn);
    *mean = n ? (double) sum / (double) n : 0;
    if (count)
        *count = n;
    return rc;
}

/*  Runs the real daemons until the hub has applied n changes of each of
    the offices, sampling the memory of the hub and of the first agent
    every 10 ms (their LMDB part from smaps every 50 ms).                  */
static int
s_replicate (const s_bench_t *b, const char *hub_dir, char dirs[][4200],
             char codes[][8], size_t offices, size_t n, s_run_t *run)
{
    s_daemon_t hub = {0}, *agents = calloc (offices, sizeof *agents);
    lnt_node_t *hub_node = NULL;
    int rc = agents ? 0 : LNT_ENOMEM;
    memset (run, 0, sizeof *run);
    if (!rc)
        rc = s_node_open (hub_dir, LNT_STORE_READONLY, &hub_node);
    if (!rc)
        rc = s_hub_start (b, hub_dir, &hub);
    double t0 = bench_now (), next_sample = t0;
    for (size_t i = 0; !rc && i < offices; i++)
        rc = s_agent_start (b, dirs[i], hub.endpoint, &agents[i]);
    size_t done = 0;
    unsigned tick = 0;
    double timeout = 120 + (double) (n * offices) / 2000;
    while (!rc && done < offices) {
        if (bench_stop || bench_now () - t0 > timeout) {
            fprintf (stderr, "%s: %s after %.0f s with %zu of %zu offices "
                     "done\n", BENCH_PROG, bench_stop ? "interrupted"
                                                    : "timed out",
                     bench_now () - t0, done, offices);
            rc = LNT_EUNAVAIL;
            break;
        }
        bench_sleep_us (2000);
        if (bench_now () >= next_sample) {
            bench_peaks_sample (agents[0].pid, &run->agent, tick % 5 == 0);
            bench_peaks_sample (hub.pid, &run->hub, tick % 5 == 0);
            tick++;
            next_sample += 0.010;
        }
        done = 0;
        for (size_t i = 0; !rc && i < offices; i++) {
            uint64_t acked;
            if (!(rc = s_acked (hub_node, codes[i], &acked, NULL)))
                done += acked >= n;
        }
        for (size_t i = 0; !rc && i < offices; i++)
            rc = s_daemon_check (&agents[i]);
        if (!rc)
            rc = s_daemon_check (&hub);
    }
    run->seconds = bench_now () - t0;
    if (!rc) {
        bench_peaks_sample (agents[0].pid, &run->agent, true);
        bench_peaks_sample (hub.pid, &run->hub, true);
        run->hub_cpu = bench_cpu_seconds (hub.pid);
        run->hub_written = bench_io_written (hub.pid);
        for (size_t i = 0; i < offices; i++)
            run->agents_cpu += bench_cpu_seconds (agents[i].pid);
    }
    for (size_t i = 0; agents && i < offices; i++)
        s_daemon_stop (&agents[i]);
    s_daemon_stop (&hub);
    run->turns = s_hub_turns (hub.log);
    lnt_node_destroy (&hub_node);
    free (agents);
    return rc;
}

static int
s_bench_catchup (const s_bench_t *b, s_result_t *r, const char *agent_dir)
{
    char hub_dir[4200], floor_dir[4200];
    char dirs[1][4200], codes[1][8] = {BENCH_OFFICE};
    snprintf (dirs[0], sizeof dirs[0], "%s", agent_dir);
    snprintf (hub_dir, sizeof hub_dir, "%s/catchup-hub", s_root);
    snprintf (floor_dir, sizeof floor_dir, "%s/floor-hub", s_root);
    int rc = s_hub_make (b->ref, hub_dir, BENCH_PROVINCE);
    double fs = 0;
    /* The floor runs before and after lontar, and the better counts: a
       shared or virtual disk's fsync times wander within a minute.      */
    const char *agents[1] = {agent_dir};
    if (!rc && !(rc = bench_floor_throughput (agents, 1, floor_dir,
                                              b->records, &fs,
                                              &r->floor_written)))
        r->floor_runs[0] = (double) b->records / fs;
    if (!rc)
        rc = s_replicate (b, hub_dir, dirs, codes, 1, b->records,
                          &r->catchup_run);
    if (!rc)
        r->catchup = (double) b->records / r->catchup_run.seconds;
    if (!rc && !(rc = bench_floor_throughput (agents, 1, floor_dir,
                                              b->records, &fs,
                                              &r->floor_written)))
        r->floor_runs[1] = (double) b->records / fs;
    r->floor = r->floor_runs[0] > r->floor_runs[1] ? r->floor_runs[0]
                                                   : r->floor_runs[1];
    size_t bytes = 0, changes = 0;
    lnt_node_t *hub = NULL;
    if (!rc)
        rc = s_wire_bytes (agent_dir, &bytes, &changes, &r->log_entry);
    if (!rc && changes)
        r->wire = (double) bytes / (double) changes;
    if (!rc && !(rc = s_node_open (hub_dir, LNT_STORE_READONLY, &hub)))
        rc = s_mean_value (hub, LNT_DB_RECORDS, &r->record, NULL);
    lnt_node_destroy (&hub);
    bench_remove_tree (hub_dir);
    return rc;
}

/*  ---- fan-in ------------------------------------------------------------ */

static const char *s_province_35[] = {
    "3501", "3502", "3503", "3504", "3505", "3506", "3507", "3508", "3509",
    "3510", "3511", "3512", "3513", "3514", "3515", "3516", "3517", "3518",
    "3519", "3520", "3521", "3522", "3523", "3524", "3525", "3526", "3527",
    "3528", "3529", "3571", "3572", "3573", "3574", "3575", "3576", "3577",
    "3578", "3579"};

static int
s_bench_fanin (const s_bench_t *b, s_result_t *r)
{
    char (*dirs)[4200] = calloc (b->agents, sizeof *dirs);
    char (*codes)[8] = calloc (b->agents, sizeof *codes);
    const char **agents = calloc (b->agents, sizeof *agents);
    char hub_dir[4200], floor_dir[4200];
    size_t total = b->agents * b->per_agent;
    double fs = 0;
    int rc = dirs && codes && agents ? 0 : LNT_ENOMEM;
    snprintf (hub_dir, sizeof hub_dir, "%s/fanin-hub", s_root);
    snprintf (floor_dir, sizeof floor_dir, "%s/fanin-floor-hub", s_root);
    for (size_t i = 0; !rc && i < b->agents; i++) {
        snprintf (codes[i], sizeof codes[i], "%s", s_province_35[i]);
        snprintf (dirs[i], sizeof dirs[i], "%s/fanin-%s", s_root, codes[i]);
        agents[i] = dirs[i];
    }
    if (!rc)
        rc = s_offices_make (b, dirs, codes, b->agents, b->per_agent);
    if (!rc)
        rc = s_hub_make (b->ref, hub_dir, BENCH_PROVINCE);
    /* The floor moves the same records from as many offices at once,
       before and after lontar; the better counts (as for catch-up).     */
    for (int run = 0; run < 2 && !rc; run++) {
        if (run == 1)
            rc = s_replicate (b, hub_dir, dirs, codes, b->agents,
                              b->per_agent, &r->fanin_run);
        if (!rc && !(rc = bench_floor_throughput (agents, b->agents,
                                                  floor_dir, b->per_agent,
                                                  &fs,
                                                  &r->fanin_floor_written)))
            r->fanin_floor_runs[run] = (double) total / fs;
    }
    if (!rc) {
        r->fanin = (double) total / r->fanin_run.seconds;
        r->fanin_floor = r->fanin_floor_runs[0] > r->fanin_floor_runs[1]
                             ? r->fanin_floor_runs[0]
                             : r->fanin_floor_runs[1];
    }
    for (size_t i = 0; dirs && i < b->agents; i++)
        bench_remove_tree (dirs[i]);
    bench_remove_tree (hub_dir);
    free (agents);
    free (dirs);
    free (codes);
    return rc;
}

/*  ---- latency ----------------------------------------------------------- */

/*  Waits until the hub has durably applied the office's log up to seq.
    Polls the hub's checkpoint on a read-only store: a read transaction of
    a few microseconds, every BENCH_POLL_US. The checkpoint moves in the
    hub's apply transaction, which commits just before the hub sends the
    ACK, so this sees what the ACK says within the poll period, without
    adding anything to the agent's or the hub's path (the agent keeps
    its acknowledged position in memory and saves it once a second).   */
static int
s_wait_acked (lnt_node_t *hub, const char *office, uint64_t seq,
              double timeout_s)
{
    double until = bench_now () + timeout_s;
    for (;;) {
        uint64_t acked;
        int rc = s_acked (hub, office, &acked, NULL);
        if (rc || acked >= seq)
            return rc;
        if (bench_stop || bench_now () > until)
            return LNT_EUNAVAIL;
        bench_sleep_us (BENCH_POLL_US);
    }
}

/*  p50, p99, p99.9 (nearest rank) of n values in ms; sorts them.        */
static void
s_percentiles (double *v, size_t n, double out[3], double *max)
{
    static const double q[3] = {0.50, 0.99, 0.999};
    bench_sort (v, n);
    for (int i = 0; i < 3; i++)
        out[i] = bench_quantile (v, n, q[i]);
    *max = n ? v[n - 1] : 0;
}

/*  One lontar write as staff make it, timed to durably applied at the
    hub: the add (a durable transaction at the office), the nudge, and
    the hub's group commit.                                             */
static int
s_lontar_one (lnt_node_t *agent, lnt_node_t *hub, const char *dir,
              uint64_t *state, int offset, lnt_suggestion_t *s, uint64_t seq,
              size_t total, double ms[3])
{
    lnt_why_t why = {""};
    /* Days in time order over the run's total writes, as staff make them. */
    int32_t day = s_received_day (state, false, seq, total);
    s_suggestion_make (state, offset, day, s);
    double t0 = bench_now (), t1 = t0, t2 = t0;
    int rc = lnt_office_suggestion_add (agent, s, NULL, &why);
    if (!rc) {
        t1 = bench_now ();
        lnt_control_nudge (dir);
        t2 = bench_now ();
        rc = s_wait_acked (hub, BENCH_OFFICE, seq, 5);
    }
    ms[0] = (bench_now () - t0) * 1000;
    ms[1] = (t1 - t0) * 1000;
    ms[2] = (t2 - t1) * 1000;
    if (rc)
        fprintf (stderr, "%s: latency write %" PRIu64 ": %s\n", BENCH_PROG,
                 seq, why.text[0] ? why.text : lnt_strerror (rc));
    return rc;
}

static int
s_bench_latency (const s_bench_t *b, s_result_t *r)
{
    char agent_dir[4200], hub_dir[4200];
    snprintf (agent_dir, sizeof agent_dir, "%s/lat-agent", s_root);
    snprintf (hub_dir, sizeof hub_dir, "%s/lat-hub", s_root);
    s_daemon_t hub = {0}, agent = {0};
    lnt_node_t *agent_node = NULL, *hub_node = NULL;
    bench_floor_lat_t *fl = NULL;
    lnt_suggestion_t *s = malloc (sizeof *s);
    double *lat = calloc (b->writes, sizeof *lat);
    double *flat = calloc (b->writes, sizeof *flat);
    double *parts = calloc (b->writes * 2, sizeof *parts);
    uint64_t state = b->seed ^ 0x1234567ULL, seq = 0;
    int rc = s && lat && flat && parts ? 0 : LNT_ENOMEM;
    if (!rc)
        rc = s_office_make (b, agent_dir, BENCH_OFFICE, 0, b->seed);
    if (!rc)
        rc = s_hub_make (b->ref, hub_dir, BENCH_PROVINCE);
    if (!rc)
        rc = s_node_open (hub_dir, LNT_STORE_READONLY, &hub_node);
    if (!rc)
        rc = s_node_open (agent_dir, 0, &agent_node);
    if (!rc)
        rc = s_hub_start (b, hub_dir, &hub);
    if (!rc)
        rc = s_agent_start (b, agent_dir, hub.endpoint, &agent);
    /* Wait for the agent's HELLO to be recorded.                         */
    for (double until = bench_now () + 10; !rc;) {
        bool known = false;
        uint64_t acked;
        if ((rc = s_acked (hub_node, BENCH_OFFICE, &acked, &known)) || known)
            break;
        if (bench_stop || bench_now () > until || s_daemon_check (&agent)
            || s_daemon_check (&hub))
            rc = LNT_EUNAVAIL;
        bench_sleep_us (1000);
    }
    int offset = rc ? 0 : lnt_ref_utc_offset (lnt_node_ref (agent_node),
                                              BENCH_OFFICE);
    double ignored[3];
    for (size_t i = 0; !rc && i < BENCH_WARMUP; i++)
        rc = s_lontar_one (agent_node, hub_node, agent_dir, &state, offset, s,
                           ++seq, BENCH_WARMUP + b->writes, ignored);
    /* The floor's value has the size of the office's log entries.        */
    double vlen = 0;
    if (!rc)
        rc = s_mean_value (agent_node, LNT_DB_LOG, &vlen, NULL);
    r->lat_vlen = (size_t) (vlen + 0.5);
    if (!rc)
        rc = bench_floor_lat_new (s_root, r->lat_vlen, &fl);
    for (size_t i = 0; !rc && i < BENCH_WARMUP; i++)
        rc = bench_floor_lat_one (fl);
    /* Both at the same rate, taking turns in blocks so that a change of
       the disk's pace falls on both alike.                               */
    double period = 1.0 / (double) b->rate;
    size_t done[2] = {0, 0};
    for (size_t blk = 0; !rc && (done[0] < b->writes || done[1] < b->writes);
         blk++) {
        for (int turn = 0; !rc && turn < 2; turn++) {
            int who = (int) ((blk + (size_t) turn) % 2);
            double next = bench_now ();
            for (size_t i = 0; !rc && i < BENCH_BLOCK && done[who] < b->writes;
                 i++) {
                double now = bench_now ();
                if (now < next)
                    bench_sleep_us ((long) ((next - now) * 1e6));
                next += period;
                if (who == 0) {
                    double ms[3];
                    rc = s_lontar_one (agent_node, hub_node, agent_dir, &state,
                                       offset, s, ++seq,
                                       BENCH_WARMUP + b->writes, ms);
                    lat[done[0]] = ms[0];
                    parts[done[0]] = ms[1];
                    parts[b->writes + done[0]] = ms[2];
                }
                else {
                    double t0 = bench_now ();
                    rc = bench_floor_lat_one (fl);
                    flat[done[1]] = (bench_now () - t0) * 1000;
                }
                done[who]++;
                if (!rc && bench_stop)
                    rc = LNT_EUNAVAIL;
            }
        }
    }
    if (!rc) {
        s_percentiles (lat, b->writes, r->lat, &r->lat_max[0]);
        s_percentiles (flat, b->writes, r->lat_floor, &r->lat_max[1]);
        double q[3], max;
        s_percentiles (parts, b->writes, q, &max);
        r->lat_add[0] = q[0];
        r->lat_add[1] = q[1];
        s_percentiles (parts + b->writes, b->writes, q, &max);
        r->lat_nudge[0] = q[0];
        r->lat_nudge[1] = q[1];
    }
    else
        s_daemon_check (&agent), s_daemon_check (&hub);
    bench_floor_lat_destroy (&fl);
    s_daemon_stop (&agent);
    s_daemon_stop (&hub);
    lnt_node_destroy (&agent_node);
    lnt_node_destroy (&hub_node);
    free (s);
    free (lat);
    free (flat);
    free (parts);
    return rc;
}

/*  ---- the hub with many offices connected ------------------------------- */

/*  Copies the reference folder to dir, with offices BENCH_FAR_BASE..
    + count - 1 of a made-up province BENCH_FAR added to offices.csv, and
    rows for the provinces their codes begin with added to provinces.csv
    (so each office finds its time zone).                                */
static int
s_ref_far (const char *ref, const char *dir, size_t count)
{
    static const char *files[] = {
        "answer-types.csv", "grade-bands.csv", "holidays.csv",
        "instrument-permenpanrb-14-2014.csv",
        "instrument-permenpanrb-26-2020-pemenuhan.csv", "offices.csv",
        "provinces.csv", "rb-areas.csv", "sla-defaults.csv"};
    if (mkdir (dir, 0750) != 0)
        return LNT_ECANTCREAT;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char from[4300], to[4300], buf[65536];
        snprintf (from, sizeof from, "%s/%s", ref, files[i]);
        snprintf (to, sizeof to, "%s/%s", dir, files[i]);
        FILE *in = fopen (from, "rb"), *out = fopen (to, "wb");
        size_t n;
        int rc = in && out ? 0 : LNT_EIO;
        while (!rc && (n = fread (buf, 1, sizeof buf, in)) > 0)
            if (fwrite (buf, 1, n, out) != n)
                rc = LNT_EIO;
        if (!rc && strcmp (files[i], "offices.csv") == 0)
            for (size_t o = 0; o < count; o++)
                fprintf (out, "%zu,%d,kabupaten,Bench %zu\n",
                         BENCH_FAR_BASE + o, BENCH_FAR, o);
        if (!rc && strcmp (files[i], "provinces.csv") == 0)
            for (size_t p = BENCH_FAR_BASE / 100;
                 p <= (BENCH_FAR_BASE + count - 1) / 100; p++)
                if (p != BENCH_FAR)
                    fprintf (out, "%zu,WIB,420,Bench %zu\n", p, p);
        if (!rc && strcmp (files[i], "provinces.csv") == 0)
            fprintf (out, "%d,WIB,420,Bench\n", BENCH_FAR);
        if (in)
            fclose (in);
        if (out && fclose (out) != 0)
            rc = LNT_EIO;
        if (rc) {
            fprintf (stderr, "%s: copying %s to %s failed\n", BENCH_PROG,
                     from, dir);
            return rc;
        }
    }
    return 0;
}

static int
s_bench_hubmem (const s_bench_t *b, s_result_t *r)
{
    char ref[4200], hub_dir[4200], province[8];
    snprintf (ref, sizeof ref, "%s/ref-far", s_root);
    snprintf (hub_dir, sizeof hub_dir, "%s/far-hub", s_root);
    snprintf (province, sizeof province, "%d", BENCH_FAR);
    s_daemon_t hub = {0};
    size_t n = b->connections;
    void *ctx = NULL, **socks = calloc (n, sizeof *socks);
    zmq_pollitem_t *items = calloc (n, sizeof *items);
    uint64_t state = b->seed ^ 0xfeedULL;
    int rc = socks && items ? 0 : LNT_ENOMEM;
    if (!rc)
        rc = s_ref_far (b->ref, ref, n);
    if (!rc)
        rc = s_hub_make (ref, hub_dir, province);
    if (!rc)
        rc = s_hub_start (b, hub_dir, &hub);
    bench_mem_t m;
    if (!rc && bench_mem_read (hub.pid, &m) == 0)
        r->hub_idle_rss = m.rss;
    if (!rc) {
        ctx = zmq_ctx_new ();
        zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, (int) n + 64);
    }
    lnt_buf_t buf = {0};
    double t0 = bench_now ();
    for (size_t i = 0; !rc && i < n; i++) {
        int linger = 0;
        lnt_msg_t hello = {.type = LNT_MSG_HELLO};
        snprintf (hello.office, sizeof hello.office, "%hu",
                  (unsigned short) (BENCH_FAR_BASE + i));
        hello.incarnation = bench_rand (&state) | 1;
        socks[i] = zmq_socket (ctx, ZMQ_DEALER);
        if (!socks[i]) {
            fprintf (stderr, "%s: socket %zu: %s\n", BENCH_PROG, i,
                     zmq_strerror (zmq_errno ()));
            rc = LNT_EUNAVAIL;
            break;
        }
        zmq_setsockopt (socks[i], ZMQ_LINGER, &linger, sizeof linger);
        lnt_buf_reset (&buf);
        if (zmq_connect (socks[i], hub.endpoint) != 0
            || lnt_msg_encode (&hello, &buf) != 0
            || zmq_send (socks[i], buf.data, buf.len, ZMQ_DONTWAIT)
                   != (int) buf.len) {
            fprintf (stderr, "%s: HELLO %zu: %s\n", BENCH_PROG, i,
                     zmq_strerror (zmq_errno ()));
            rc = LNT_EUNAVAIL;
        }
        items[i] = (zmq_pollitem_t){socks[i], 0, ZMQ_POLLIN, 0};
    }
    while (!rc && r->connected < n) {
        if (bench_stop || bench_now () - t0 > 120
            || (rc = s_daemon_check (&hub))) {
            fprintf (stderr, "%s: %zu of %zu offices welcomed\n", BENCH_PROG,
                     r->connected, n);
            rc = LNT_EUNAVAIL;
            break;
        }
        if (zmq_poll (items, (int) n, 100) <= 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            unsigned char reply[512];
            int len = zmq_recv (socks[i], reply, sizeof reply, ZMQ_DONTWAIT);
            lnt_msg_t msg;
            lnt_why_t why = {""};
            if (len > 0 && len <= (int) sizeof reply
                && lnt_msg_decode (reply, (size_t) len, &msg, &why) == 0
                && msg.type == LNT_MSG_WELCOME
                && msg.verdict == LNT_WELCOME_OK) {
                r->connected++;
                items[i].events = 0;
            }
            else if (len > 0) {
                fprintf (stderr, "%s: office %zu got no WELCOME: %s %s\n",
                         BENCH_PROG, BENCH_FAR_BASE + i, why.text,
                         msg.type == LNT_MSG_REFUSE ? msg.text : "");
                rc = LNT_EUNAVAIL;
            }
            lnt_msg_release (&msg);
        }
    }
    r->hello_s = bench_now () - t0;
    /* Let the hub settle (heartbeats going) before reading its memory.  */
    for (double until = bench_now () + 1; !rc && bench_now () < until;)
        bench_sleep_us (10000);
    if (!rc && bench_mem_read (hub.pid, &r->hub_conn) == 0) {
        long all;
        bench_smaps_read (hub.pid, &r->hub_conn_lmdb, &all);
    }
    for (size_t i = 0; socks && i < n; i++)
        if (socks[i])
            zmq_close (socks[i]);
    if (ctx)
        zmq_ctx_term (ctx);
    s_daemon_stop (&hub);
    lnt_buf_free (&buf);
    free (socks);
    free (items);
    bench_remove_tree (hub_dir);
    return rc;
}

/*  ---- MQTT -------------------------------------------------------------- */

static int
s_bench_mqtt (const s_bench_t *b, s_result_t *r, const char *agent_dir)
{
#ifdef BENCH_MQTT
    char dir[4200];
    snprintf (dir, sizeof dir, "%s/mqtt", s_root);
    bench_mqtt_t m = {.broker = b->mosquitto, .root = dir,
                      .agent_dir = agent_dir, .records = b->mqtt_records,
                      .window = BENCH_WINDOW * LNT_BATCH_MAX};
    r->mqtt_built = true;
    if (access (b->mosquitto, X_OK) != 0) {
        fprintf (stderr, "%s: no MQTT broker at %s; MQTT not run\n",
                 BENCH_PROG, b->mosquitto);
        return 0;
    }
    if (mkdir (dir, 0750) != 0 || bench_mqtt_run (&m) != 0) {
        fprintf (stderr, "%s: MQTT: %s\n", BENCH_PROG,
                 m.why[0] ? m.why : strerror (errno));
        bench_remove_tree (dir);
        return LNT_EUNAVAIL;
    }
    bench_remove_tree (dir);
    r->mqtt_ran = true;
    r->mqtt = (double) b->mqtt_records / m.seconds;
    r->mqtt_commits = m.commits;
    r->mqtt_payload = (double) m.payload_bytes / (double) b->mqtt_records;
    return 0;
#else
    (void) b;
    (void) agent_dir;
    r->mqtt_built = false;
    return 0;
#endif
}

/*  ---- the table --------------------------------------------------------- */

static void
s_row (const char *figure, const char *lontar, const char *floor,
       const char *ratio, const char *goal, const char *floor_is)
{
    printf ("  %-34s %11s %11s %7s  %-16s %s\n", figure, lontar, floor, ratio,
            goal, floor_is);
}

static void
s_num (char *buf, size_t size, double v, int decimals)
{
    snprintf (buf, size, "%.*f", decimals, v);
}

/*  The lines of detail of a replication run of n changes.                 */
static void
s_run_details (const char *name, const s_run_t *run, size_t n)
{
    double mib = 1024;
    printf ("  %s: %.2f s; CPU: hub %.2f s, agents %.2f s; %ld group commits "
            "(%.0f changes each); hub wrote %.0f B per change\n", name,
            run->seconds, run->hub_cpu, run->agents_cpu, run->turns,
            run->turns > 0 ? (double) n / (double) run->turns : 0,
            run->hub_written / (double) n);
    printf ("    hub peaks: anonymous %.1f MiB, LMDB %.1f MiB, all (VmHWM) "
            "%.1f MiB; %zu samples\n", (double) run->hub.anon / mib,
            (double) run->hub.lmdb / mib, (double) run->hub.hwm / mib,
            run->hub.samples);
}

static void
s_print (const s_bench_t *b, const s_result_t *r)
{
    char a[32], f[32], q[32], g[32], fig[64];
    printf ("%s %s: records=%zu agents=%zux%zu writes=%zu@%zu/s "
            "connections=%zu mqtt_records=%zu seed=%" PRIu64 " order=%s; "
            "every commit durable (fsync); batches of %d, %d in flight\n",
            BENCH_PROG, LNT_VERSION, b->records, b->agents, b->per_agent,
            b->writes, b->rate, b->connections, b->mqtt_records, b->seed,
            b->random_order ? "random" : "time", LNT_BATCH_MAX, BENCH_WINDOW);
    s_row ("figure", "lontar", "floor", "ratio", "goal", "floor is");
    if (b->only & S_RUN_CATCHUP) {
        s_num (a, sizeof a, r->catchup, 0);
        s_num (f, sizeof f, r->floor, 0);
        s_num (q, sizeof q, bench_ratio (r->catchup, r->floor), 2);
        snprintf (g, sizeof g, ">= %.1f", BENCH_GOAL_RATE);
        s_row ("catch-up records/s", a, f, q, g, "LMDB+ZeroMQ alone");
    }
    if (b->only & S_RUN_FANIN) {
        snprintf (fig, sizeof fig, "fan-in records/s (%zu agents)", b->agents);
        s_num (a, sizeof a, r->fanin, 0);
        s_num (f, sizeof f, r->fanin_floor, 0);
        s_num (q, sizeof q, bench_ratio (r->fanin, r->fanin_floor), 2);
        snprintf (g, sizeof g, ">= %.1f", BENCH_GOAL_RATE);
        s_row (fig, a, f, q, g, "as many offices");
    }
    if (b->only & S_RUN_LATENCY) {
        static const char *names[3] = {"latency p50 ms", "latency p99 ms",
                                       "latency p99.9 ms"};
        for (int i = 0; i < 3; i++) {
            s_num (a, sizeof a, r->lat[i], 2);
            s_num (f, sizeof f, r->lat_floor[i], 2);
            s_num (q, sizeof q, bench_ratio (r->lat[i], r->lat_floor[i]), 2);
            if (i == 1)
                snprintf (g, sizeof g, "< %.0f ms", BENCH_GOAL_P99_MS);
            s_row (names[i], a, f, q, i == 1 ? g : "",
                   "1 record, 2 commits");
        }
    }
    if (b->only & S_RUN_CATCHUP) {
        s_num (a, sizeof a, (double) r->catchup_run.agent.not_lmdb / 1024, 1);
        snprintf (g, sizeof g, "< %d MiB", BENCH_GOAL_AGENT_MIB);
        s_row ("agent peak RSS less LMDB, MiB", a, "-", "-", g, "");
        s_num (a, sizeof a, (double) r->catchup_run.agent.anon / 1024, 1);
        snprintf (g, sizeof g, "< %d MiB", BENCH_GOAL_ANON_MIB);
        s_row ("agent peak anonymous, MiB", a, "-", "-", g, "");
        s_num (a, sizeof a, (double) r->catchup_run.agent.lmdb / 1024, 1);
        s_row ("agent peak LMDB file pages, MiB", a, "-", "-", "(apart)", "");
        s_num (a, sizeof a, (double) r->catchup_run.agent.hwm / 1024, 1);
        s_row ("agent VmHWM (all), MiB", a, "-", "-", "", "");
    }
    if (b->only & S_RUN_HUBMEM) {
        snprintf (fig, sizeof fig, "hub RSS, %zu agents, MiB", r->connected);
        s_num (a, sizeof a, (double) r->hub_conn.rss / 1024, 1);
        snprintf (g, sizeof g, "< %d MiB", BENCH_GOAL_HUB_MIB);
        s_row (fig, a, "-", "-", g, "");
        s_num (a, sizeof a, (double) r->hub_conn.hwm / 1024, 1);
        s_row ("  hub VmHWM, MiB", a, "-", "-", "", "");
    }
    if (b->only & S_RUN_CATCHUP) {
        s_num (a, sizeof a, r->wire, 1);
        s_num (f, sizeof f, r->record, 1);
        s_num (q, sizeof q, bench_ratio (r->wire, r->record), 2);
        snprintf (g, sizeof g, "<= %.1f", BENCH_GOAL_WIRE);
        s_row ("wire bytes per change", a, f, q, g, "record at the hub");
    }
    if (b->only & S_RUN_MQTT) {
        if (r->mqtt_ran) {
            s_num (a, sizeof a, r->catchup, 0);
            s_num (f, sizeof f, r->mqtt, 0);
            s_num (q, sizeof q, bench_ratio (r->catchup, r->mqtt), 2);
            snprintf (g, sizeof g, ">= %.0f", BENCH_GOAL_MQTT);
            s_row ("catch-up vs MQTT QoS 1, records/s", a, f, q, g,
                   "Mosquitto+LMDB");
        }
        else
            s_row ("catch-up vs MQTT QoS 1, records/s", "-", "-", "-",
                   "not run", r->mqtt_built ? "no broker"
                                            : "built without libmosquitto");
    }
    printf ("details:\n");
    if (b->only & S_RUN_CATCHUP) {
        s_run_details ("catch-up", &r->catchup_run, b->records);
        printf ("    floor runs %.0f and %.0f records/s (the better counts); "
                "floor hub wrote %.0f B per change\n", r->floor_runs[0],
                r->floor_runs[1], r->floor_written / (double) b->records);
        printf ("    sizes: log entry %.1f B at the agent, record %.1f B at "
                "the hub\n", r->log_entry, r->record);
    }
    if (b->only & S_RUN_FANIN) {
        size_t total = b->agents * b->per_agent;
        s_run_details ("fan-in", &r->fanin_run, total);
        printf ("    floor runs %.0f and %.0f records/s (the better counts); "
                "floor hub wrote %.0f B per change\n", r->fanin_floor_runs[0],
                r->fanin_floor_runs[1],
                r->fanin_floor_written / (double) total);
        if (r->floor > 0)
            printf ("    against the floor of one office (catch-up): "
                    "%.2f\n", bench_ratio (r->fanin, r->floor));
    }
    if (b->only & S_RUN_LATENCY)
        printf ("  latency: max %.2f ms lontar, %.2f ms floor; floor record "
                "%zu B (the office's mean log entry); lontar's parts, p50 "
                "and p99: add %.2f and %.2f ms, nudge %.2f and %.2f ms\n",
                r->lat_max[0], r->lat_max[1], r->lat_vlen, r->lat_add[0],
                r->lat_add[1], r->lat_nudge[0], r->lat_nudge[1]);
    if (b->only & S_RUN_HUBMEM)
        printf ("  hub: %.1f MiB before any office, %.1f MiB anonymous and "
                "%.1f MiB LMDB with %zu; all welcomed in %.2f s\n",
                (double) r->hub_idle_rss / 1024,
                (double) r->hub_conn.anon / 1024,
                (double) r->hub_conn_lmdb / 1024, r->connected, r->hello_s);
    if ((b->only & S_RUN_MQTT) && r->mqtt_ran)
        printf ("  MQTT: %zu changes, one message each (%.1f B payload), "
                "%.0f records/s, %zu subscriber commits\n", b->mqtt_records,
                r->mqtt_payload, r->mqtt, r->mqtt_commits);
}

/*  ---- main -------------------------------------------------------------- */

static int
s_only (const char *text, unsigned *only)
{
    /* In the order of the S_RUN_ bits.                                   */
    static const char *const names[] = {"catchup", "fanin", "latency",
                                        "hubmem", "mqtt"};
    return bench_only (BENCH_PROG, text, names, 5, only);
}

int
main (int argc, char **argv)
{
    static const struct option options[] = {
        {"records", required_argument, NULL, 'n'},
        {"agents", required_argument, NULL, 'a'},
        {"per-agent", required_argument, NULL, 'p'},
        {"writes", required_argument, NULL, 'w'},
        {"rate", required_argument, NULL, 'r'},
        {"connections", required_argument, NULL, 'c'},
        {"mqtt-records", required_argument, NULL, 'm'},
        {"quick", no_argument, NULL, 'q'},
        {"only", required_argument, NULL, 'o'},
        {"bin", required_argument, NULL, 'b'},
        {"ref", required_argument, NULL, 'R'},
        {"mosquitto", required_argument, NULL, 'M'},
        {"seed", required_argument, NULL, 's'},
        {"order", required_argument, NULL, 'O'},
        {"keep", no_argument, NULL, 'k'},
        {"wrap-hub", required_argument, NULL, 'H'},
        {"wrap-agent", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    s_bench_t b = {NULL, LNT_BENCH_BIN, "/usr/sbin/mosquitto", NULL, NULL,
                   1000000, 38, 50000, 5000, 500, 1000, 0, 1, false, ~0u};
    size_t seed = 1;
    int c, rc;
    setlocale (LC_ALL, "C");
    while ((c = getopt_long (argc, argv, "hV", options, NULL)) != -1) {
        rc = 0;
        switch (c) {
            case 'n':
                rc = bench_count (BENCH_PROG, "--records", optarg, 1000, 100000000, &b.records);
                break;
            case 'a':
                rc = bench_count (BENCH_PROG, "--agents", optarg, 1, 38, &b.agents);
                break;
            case 'p':
                rc = bench_count (BENCH_PROG, "--per-agent", optarg, 1, 10000000, &b.per_agent);
                break;
            case 'w':
                rc = bench_count (BENCH_PROG, "--writes", optarg, 10, 10000000, &b.writes);
                break;
            case 'r':
                rc = bench_count (BENCH_PROG, "--rate", optarg, 1, 100000, &b.rate);
                break;
            case 'c':
                rc = bench_count (BENCH_PROG, "--connections", optarg, 1, 1000,
                              &b.connections);
                break;
            case 'm':
                rc = bench_count (BENCH_PROG, "--mqtt-records", optarg, 1, 100000000,
                              &b.mqtt_records);
                break;
            case 'q':
                b.records = 100000;
                b.per_agent = 5000;
                b.writes = 1000;
                b.connections = 200;
                break;
            case 'o': rc = s_only (optarg, &b.only); break;
            case 'b': b.bin = optarg; break;
            case 'R': b.ref = optarg; break;
            case 'M': b.mosquitto = optarg; break;
            case 's':
                rc = bench_count (BENCH_PROG, "--seed", optarg, 0, SIZE_MAX, &seed);
                b.seed = seed;
                break;
            case 'O':
                if (strcmp (optarg, "time") && strcmp (optarg, "random")) {
                    fprintf (stderr, "%s: --order is time or random, not "
                             "'%s'\n", BENCH_PROG, optarg);
                    return 64;
                }
                b.random_order = strcmp (optarg, "random") == 0;
                break;
            case 'k': s_keep = true; break;
            case 'H': b.wrap_hub = optarg; break;
            case 'A': b.wrap_agent = optarg; break;
            case 'h': fputs (s_usage, stdout); return 0;
            case 'V': printf ("%s %s\n", BENCH_PROG, LNT_VERSION); return 0;
            default: fputs (s_usage, stderr); return 64;
        }
        if (rc)
            return rc;
    }
    if (optind < argc) {
        fprintf (stderr, "%s: unexpected argument \"%s\"\n%s", BENCH_PROG,
                 argv[optind], s_usage);
        return 64;
    }
    if (!b.mqtt_records)
        b.mqtt_records = b.records;
    if (b.mqtt_records > b.records)
        b.mqtt_records = b.records;
    b.ref = bench_ref (b.ref, LNT_BENCH_REF);
    setenv ("LONTAR_REF", b.ref, 1);

    /* CZMQ would take SIGINT and SIGTERM for itself at its first socket
       (the nudges): they are ours, to stop the children and clean up.   */
    zsys_handler_set (NULL);
    lnt_log_init (BENCH_PROG);
    struct sigaction sa = {.sa_handler = bench_on_signal};
    sigaction (SIGINT, &sa, NULL);
    sigaction (SIGTERM, &sa, NULL);
    signal (SIGPIPE, SIG_IGN);
    prctl (PR_SET_TIMERSLACK, 1UL); /* the latency polls sleep 20 us     */

    if ((rc = bench_mkdtemp (s_root, sizeof s_root, "lontar-bench-repl")))
        return rc;
    atexit (s_cleanup);
    /* The run uses copies of the daemons: a build going on beside it may
       rewrite them at any moment.                                        */
    char bin[4200];
    snprintf (bin, sizeof bin, "%s/bin", s_root);
    if (mkdir (bin, 0750) != 0 || bench_copy_file (b.bin, bin, "lontar-hub")
        || bench_copy_file (b.bin, bin, "lontar-agent"))
        return 69;
    b.bin = bin;
    if (s_keep)
        fprintf (stderr, "%s: working in %s\n", BENCH_PROG, s_root);

    s_result_t r = {0};
    char agent_dir[4200];
    snprintf (agent_dir, sizeof agent_dir, "%s/catchup-agent", s_root);
    rc = 0;
    if (b.only & (S_RUN_CATCHUP | S_RUN_MQTT)) {
        double t0 = bench_now ();
        rc = s_office_make (&b, agent_dir, BENCH_OFFICE, b.records, b.seed);
        if (!rc)
            fprintf (stderr, "%s: made office %s with %zu pending changes in "
                     "%.1f s\n", BENCH_PROG, BENCH_OFFICE, b.records,
                     bench_now () - t0);
    }
    if (!rc && (b.only & S_RUN_CATCHUP))
        rc = s_bench_catchup (&b, &r, agent_dir);
    if (!rc && (b.only & S_RUN_MQTT))
        rc = s_bench_mqtt (&b, &r, agent_dir);
    bench_remove_tree (agent_dir);
    if (!rc && (b.only & S_RUN_FANIN))
        rc = s_bench_fanin (&b, &r);
    if (!rc && (b.only & S_RUN_LATENCY))
        rc = s_bench_latency (&b, &r);
    if (!rc && (b.only & S_RUN_HUBMEM))
        rc = s_bench_hubmem (&b, &r);
    if (rc) {
        fprintf (stderr, "%s: stopped: %s\n", BENCH_PROG,
                 bench_stop ? "interrupted" : lnt_strerror (rc));
        return lnt_exit_code (rc);
    }
    s_print (&b, &r);
    return 0;
}
