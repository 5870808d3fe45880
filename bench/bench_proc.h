/*  bench_proc.h - what the benchmarks need of processes: children that die
    with it and are stopped on every path, free ports, folders, and the
    memory, CPU time and disk writes of a process, read from /proc.

    Not thread-safe: one thread of one process (a forked child that calls
    none of it excepted) keeps the list of children.                       */
#ifndef BENCH_PROC_H
#define BENCH_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifndef BENCH_PROG
#define BENCH_PROG "bench_repl" /* the name in messages; a benchmark may set
                                   its own with -DBENCH_PROG               */
#endif

/*  Set by bench_on_signal (SIGINT, SIGTERM): every wait gives up.         */
extern volatile sig_atomic_t bench_stop;
void bench_on_signal (int sig);

/*  Seconds on the monotonic clock; a sleep.                               */
double bench_now (void);
void bench_sleep_us (long us);

/*  Forks a child that dies with this process (PR_SET_PDEATHSIG) and is
    on the list bench_proc_stop_all stops. Returns its pid, 0 in the
    child (which must end with _exit), or -1 with a message.              */
pid_t bench_fork (void);

/*  Runs argv (a PATH search for argv[0]) with stdout and stderr appended
    to log, as a listed child that gets SIGTERM when this process dies.
    Returns its pid, or -1.                                                */
pid_t bench_spawn (char *const argv[], const char *log);

/*  Fills argv (max entries) with the words of wrap (a profiler's command
    line; may be NULL), split at spaces into words (size bytes; argv
    points into it), then args (NULL-terminated); argv ends with NULL.   */
void bench_wrap (const char *wrap, char *words, size_t size, char **args,
                 char **argv, int max);

/*  Whether pid still runs; reaps it (and sets *status) when it ended.    */
bool bench_alive (pid_t pid, int *status);

/*  Waits up to timeout_s for path to exist (a daemon's control socket:
    it is ready) while pid runs. False when pid ended, the time ran out
    or bench_stop was set.                                                 */
bool bench_wait_file (pid_t pid, const char *path, double timeout_s);

/*  Stops a child: SIGTERM, up to timeout_s to go, then SIGKILL. Returns
    its wait status; takes it off the list.                                */
int bench_proc_stop (pid_t pid, double timeout_s);

/*  Takes pid off the list (it was reaped elsewhere).                      */
void bench_proc_forget (pid_t pid);

/*  Stops every listed child (at exit).                                    */
void bench_proc_stop_all (void);

/*  At exit: every listed child stopped, then root (the run's temporary
    folder, "" for none) removed, or named on stderr when keep; root is
    then "".                                                               */
void bench_cleanup (char *root, bool keep);

/*  A TCP port on 127.0.0.1 that was free when asked, or -1.               */
int bench_free_port (void);

/*  Removes a folder and all in it; copies the file name from folder from
    to folder to (0 or -1 with a message).                                 */
void bench_remove_tree (const char *path);
int bench_copy_file (const char *from, const char *to, const char *name);

/*  The reference folder: given, else $LONTAR_REF when set and not empty,
    else fallback (the source tree's). Borrowed: lives as long as those. */
const char *bench_ref (const char *given, const char *fallback);

/*  Makes a fresh folder $TMPDIR/NAME-XXXXXX (or under /tmp) in root, of
    size bytes. Returns 0, or 73 with a message and root set to "".     */
int bench_mkdtemp (char *root, size_t size, const char *name);

/*  Prints the end of a log file to stderr (for a daemon that failed).    */
void bench_log_tail (const char *path);

typedef struct {
    long hwm;          /* VmHWM, KiB: the kernel's peak RSS                */
    long rss;          /* VmRSS now                                        */
    long anon;         /* RssAnon now                                      */
    long file;         /* RssFile now                                      */
    long shmem;        /* RssShmem now                                     */
} bench_mem_t;

typedef struct {
    long hwm;          /* VmHWM at the last sample                         */
    long anon;         /* peak RssAnon                                     */
    long file;         /* peak RssFile                                     */
    long lmdb;         /* peak RSS of LMDB's maps                          */
    long not_lmdb;     /* peak RSS less LMDB's maps (smaps samples)        */
    size_t samples;    /* status samples                                   */
} bench_peaks_t;

/*  /proc/PID/status now: 0 or -1.                                         */
int bench_mem_read (pid_t pid, bench_mem_t *m);

/*  RSS of LMDB's maps (data.mdb, lock.mdb) and of all, KiB, from
    /proc/PID/smaps: 0 or -1.                                              */
int bench_smaps_read (pid_t pid, long *lmdb, long *all);

/*  CPU seconds (user and system) pid has used, or -1.                     */
double bench_cpu_seconds (pid_t pid);

/*  Bytes pid has caused to be written to storage, or -1.                  */
double bench_io_written (pid_t pid);

/*  Samples pid's memory into the peaks; with smaps, its LMDB part too.   */
void bench_peaks_sample (pid_t pid, bench_peaks_t *p, bool smaps);

#endif
