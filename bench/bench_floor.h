/*  bench_floor.h - the floor bench_repl compares lontar's replication
    with: LMDB and ZeroMQ alone, measured in the same run (bench_floor.c
    says how). Every commit is durable.                                   */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <stddef.h>

#define BENCH_WINDOW 4 /* batches in flight: the hub's default window     */

/*  Moves the first records changes of each of the n office stores in
    agent_dirs (which nothing else in this process may have open) at once
    to one floor hub on a fresh environment in hub_dir. *seconds from the
    first batch sent to the last ACK; *written the bytes the floor hub
    wrote to storage. 0 or an LNT_E* code, with a message on stderr.      */
int bench_floor_throughput (const char *const *agent_dirs, size_t n,
                            const char *hub_dir, size_t records,
                            double *seconds, double *written);

/*  Makes the folder dir and a fresh environment in it with default
    (durable) flags and a map of map bytes, and opens n databases: names[i]
    a named one (made), or NULL for the main database; dbis[i] its handle.
    Returns 0, or -1 (errno from mkdir) or an LMDB error code, with *env
    NULL: a floor's receiving side has nothing to say but _exit on
    failure, the store benchmark says what failed.                        */
struct MDB_env;
int bench_floor_env_new (const char *dir, size_t map,
                         const char *const *names, size_t n,
                         struct MDB_env **env, unsigned int *dbis);

/*  Opens the office store in agent_dir (data.mdb of map bytes) read-only
    and puts in *cur a cursor on its log: the records lontar sends, read
    with nothing of lontar in between. Returns 0 or an LMDB error code
    (with *cur NULL). bench_floor_log_close ends the cursor, its read
    transaction and its environment, and sets *cur to NULL; safe on NULL. */
struct MDB_cursor;
int bench_floor_log_open (const char *agent_dir, size_t map,
                          struct MDB_cursor **cur);
void bench_floor_log_close (struct MDB_cursor **cur);

/*  The latency floor: a fresh office environment and floor hub under root
    ("floor-lat-agent", "floor-lat-hub"), values of vlen bytes.           */
typedef struct bench_floor_lat_t bench_floor_lat_t;
int bench_floor_lat_new (const char *root, size_t vlen,
                         bench_floor_lat_t **self_p);

/*  One write: a durable commit at the office, the record sent, a durable
    commit at the hub, the ACK back. 0 or an LNT_E* code.                 */
int bench_floor_lat_one (bench_floor_lat_t *self);
void bench_floor_lat_destroy (bench_floor_lat_t **self_p);

#endif
