/*  bench_proc.c - children, folders and /proc readings for the benchmarks. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_proc.h"

#define BENCH_PROCS 64 /* children at most                                 */

static pid_t s_procs[BENCH_PROCS];     /* children still to stop           */
volatile sig_atomic_t bench_stop;      /* SIGINT or SIGTERM came           */

void
bench_on_signal (int sig)
{
    (void) sig;
    bench_stop = 1;
}

void
bench_proc_stop_all (void)
{
    for (int i = 0; i < BENCH_PROCS; i++)
        if (s_procs[i])
            bench_proc_stop (s_procs[i], 5);
}

static void
s_proc_add (pid_t pid)
{
    for (int i = 0; i < BENCH_PROCS; i++)
        if (!s_procs[i]) {
            s_procs[i] = pid;
            return;
        }
}

void
bench_proc_forget (pid_t pid)
{
    for (int i = 0; i < BENCH_PROCS; i++)
        if (s_procs[i] == pid)
            s_procs[i] = 0;
}

double
bench_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

void
bench_sleep_us (long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep (&ts, NULL);
}

/*  Whether pid still runs (reaps it when it ended; *status then).        */
bool
bench_alive (pid_t pid, int *status)
{
    int st = 0;
    pid_t r = waitpid (pid, &st, WNOHANG);
    if (r == pid) {
        bench_proc_forget (pid);
        if (status)
            *status = st;
        return false;
    }
    return r == 0;
}

/*  Stops a child: SIGTERM, up to timeout_s to go, then SIGKILL. Returns
    its wait status.                                                       */
int
bench_proc_stop (pid_t pid, double timeout_s)
{
    int status = 0;
    if (pid <= 0)
        return 0;
    kill (pid, SIGTERM);
    double until = bench_now () + timeout_s;
    while (bench_now () < until) {
        if (waitpid (pid, &status, WNOHANG) == pid) {
            bench_proc_forget (pid);
            return status;
        }
        bench_sleep_us (2000);
    }
    kill (pid, SIGKILL);
    waitpid (pid, &status, 0);
    bench_proc_forget (pid);
    return status;
}

void
bench_cleanup (char *root, bool keep)
{
    bench_proc_stop_all ();
    if (root[0] && !keep)
        bench_remove_tree (root);
    else if (root[0])
        fprintf (stderr, "%s: kept %s\n", BENCH_PROG, root);
    root[0] = 0;
}

bool
bench_wait_file (pid_t pid, const char *path, double timeout_s)
{
    for (double until = bench_now () + timeout_s;
         bench_now () < until && !bench_stop;) {
        struct stat st;
        if (stat (path, &st) == 0)
            return true;
        if (!bench_alive (pid, NULL))
            break;
        bench_sleep_us (2000);
    }
    return false;
}

static int
s_remove_one (const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove (path) == 0 || errno == ENOENT ? 0 : -1;
}

void
bench_remove_tree (const char *path)
{
    if (nftw (path, s_remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0
        && errno != ENOENT)
        fprintf (stderr, "%s: could not remove %s entirely: %s\n", BENCH_PROG,
                 path, strerror (errno));
}

const char *
bench_ref (const char *given, const char *fallback)
{
    if (!given)
        given = getenv ("LONTAR_REF");
    return given && *given ? given : fallback;
}

int
bench_mkdtemp (char *root, size_t size, const char *name)
{
    const char *tmp = getenv ("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    snprintf (root, size, "%s/%s-XXXXXX", tmp, name);
    if (mkdtemp (root))
        return 0;
    fprintf (stderr, "%s: cannot create a folder in %s: %s\n", BENCH_PROG,
             tmp, strerror (errno));
    root[0] = 0;
    return 73;
}

void
bench_wrap (const char *wrap, char *words, size_t size, char **args,
            char **argv, int max)
{
    int n = 0;
    snprintf (words, size, "%s", wrap ? wrap : "");
    for (char *w = strtok (words, " "); w && n < max / 2;
         w = strtok (NULL, " "))
        argv[n++] = w;
    for (int i = 0; args[i] && n < max - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
}

/*  Forks a child that dies with this process. Returns its pid (0 in the
    child), or -1.                                                        */
pid_t
bench_fork (void)
{
    /* SIGINT and SIGTERM wait until the child has its default handlers
       back: one sent right after the fork would otherwise only set the
       child's copy of bench_stop, and the child would go on.           */
    sigset_t block, old;
    sigemptyset (&block);
    sigaddset (&block, SIGINT);
    sigaddset (&block, SIGTERM);
    fflush (NULL);
    sigprocmask (SIG_BLOCK, &block, &old);
    pid_t pid = fork ();
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        signal (SIGINT, SIG_DFL);
        signal (SIGTERM, SIG_DFL);
        sigprocmask (SIG_SETMASK, &old, NULL);
        return 0;
    }
    sigprocmask (SIG_SETMASK, &old, NULL);
    if (pid > 0)
        s_proc_add (pid);
    else
        fprintf (stderr, "%s: fork: %s\n", BENCH_PROG, strerror (errno));
    return pid;
}

/*  Runs argv with stdout and stderr appended to log; -1 when it cannot.  */
pid_t
bench_spawn (char *const argv[], const char *log)
{
    /* Returns once the child runs argv[0] (or failed to): until its exec
       the child is a copy of this program, and a sample of its memory
       would be ours (20 MiB of anonymous memory, not the daemon's). The
       pipe closes at the exec.                                           */
    int ready[2];
    if (pipe2 (ready, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = bench_fork ();
    if (pid != 0) {
        close (ready[1]);
        char byte;
        while (pid > 0 && read (ready[0], &byte, 1) < 0 && errno == EINTR)
            ;
        close (ready[0]);
        return pid;
    }
    close (ready[0]);
    prctl (PR_SET_PDEATHSIG, SIGTERM); /* a daemon stops cleanly          */
    int fd = open (log, O_WRONLY | O_CREAT | O_APPEND, 0640);
    if (fd >= 0) {
        dup2 (fd, 1);
        dup2 (fd, 2);
        close (fd);
    }
    execvp (argv[0], argv);
    fprintf (stderr, "%s: cannot run %s: %s\n", BENCH_PROG, argv[0],
             strerror (errno));
    _exit (127);
}

/*  Prints the end of a log file to stderr, for a daemon that failed.    */
void
bench_log_tail (const char *path)
{
    FILE *in = fopen (path, "r");
    if (!in)
        return;
    char buf[2048];
    fseek (in, 0, SEEK_END);
    long size = ftell (in);
    fseek (in, size > (long) sizeof buf - 1 ? size - (long) sizeof buf + 1 : 0,
           SEEK_SET);
    size_t n = fread (buf, 1, sizeof buf - 1, in);
    buf[n] = 0;
    fclose (in);
    fprintf (stderr, "%s: end of %s:\n%s\n", BENCH_PROG, path, buf);
}

/*  A free TCP port on 127.0.0.1 (free when asked; the bind comes soon). */
int
bench_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind (fd, (struct sockaddr *) &a, sizeof a) == 0
        && getsockname (fd, (struct sockaddr *) &a, &len) == 0)
        port = ntohs (a.sin_port);
    if (fd >= 0)
        close (fd);
    return port;
}

/*  Copies the executable name from folder from to folder to.            */
int
bench_copy_file (const char *from, const char *to, const char *name)
{
    char src[4300], dst[4300], buf[65536];
    snprintf (src, sizeof src, "%s/%s", from, name);
    snprintf (dst, sizeof dst, "%s/%s", to, name);
    int in = open (src, O_RDONLY), out = open (dst, O_WRONLY | O_CREAT | O_EXCL,
                                                0750);
    ssize_t n = 0;
    int rc = in >= 0 && out >= 0 ? 0 : -1;
    while (!rc && (n = read (in, buf, sizeof buf)) > 0)
        if (write (out, buf, (size_t) n) != n)
            rc = -1;
    if (n < 0)
        rc = -1;
    if (in >= 0)
        close (in);
    if (out >= 0 && close (out) != 0)
        rc = -1;
    if (rc)
        fprintf (stderr, "%s: cannot copy %s to %s: %s\n", BENCH_PROG, src,
                 to, strerror (errno));
    return rc;
}

/*  ---- /proc: memory of a process ---------------------------------------- */


int
bench_mem_read (pid_t pid, bench_mem_t *m)
{
    char path[64], line[256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    FILE *in = fopen (path, "r");
    if (!in)
        return -1;
    memset (m, 0, sizeof *m);
    while (fgets (line, sizeof line, in)) {
        long *field = strncmp (line, "VmHWM:", 6) == 0      ? &m->hwm
                      : strncmp (line, "VmRSS:", 6) == 0    ? &m->rss
                      : strncmp (line, "RssAnon:", 8) == 0  ? &m->anon
                      : strncmp (line, "RssFile:", 8) == 0  ? &m->file
                      : strncmp (line, "RssShmem:", 9) == 0 ? &m->shmem
                                                            : NULL;
        if (field)
            *field = strtol (strchr (line, ':') + 1, NULL, 10);
    }
    fclose (in);
    return 0;
}

/*  Bytes pid has caused to be written to storage (/proc/PID/io), or -1. */
double
bench_io_written (pid_t pid)
{
    char path[64], line[128];
    snprintf (path, sizeof path, "/proc/%d/io", (int) pid);
    FILE *in = fopen (path, "r");
    double bytes = -1;
    while (in && fgets (line, sizeof line, in))
        if (strncmp (line, "write_bytes:", 12) == 0)
            bytes = strtod (line + 12, NULL);
    if (in)
        fclose (in);
    return bytes;
}

/*  CPU seconds (user and system) pid has used, or -1.                    */
double
bench_cpu_seconds (pid_t pid)
{
    char path[64], buf[1024];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *in = fopen (path, "r");
    size_t n = in ? fread (buf, 1, sizeof buf - 1, in) : 0;
    if (in)
        fclose (in);
    buf[n] = 0;
    /* Fields 14 and 15 (utime, stime), counted after the ")" of comm.  */
    char *p = strrchr (buf, ')');
    unsigned long long ut, st;
    if (!p || sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                      "%llu %llu", &ut, &st) != 2)
        return -1;
    return (double) (ut + st) / (double) sysconf (_SC_CLK_TCK);
}

/*  From /proc/PID/smaps: RSS of LMDB's maps (data.mdb, lock.mdb) and of
    everything, in KiB.                                                    */
int
bench_smaps_read (pid_t pid, long *lmdb, long *all)
{
    char path[64], line[512];
    snprintf (path, sizeof path, "/proc/%d/smaps", (int) pid);
    FILE *in = fopen (path, "r");
    if (!in)
        return -1;
    bool in_lmdb = false;
    *lmdb = *all = 0;
    while (fgets (line, sizeof line, in)) {
        char c = line[0];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
            /* A mapping's first line: address range ... path.            */
            size_t len = strcspn (line, "\n");
            line[len] = 0;
            in_lmdb = (len > 9 && strcmp (line + len - 9, "/data.mdb") == 0)
                      || (len > 9 && strcmp (line + len - 9, "/lock.mdb") == 0);
        }
        else if (strncmp (line, "Rss:", 4) == 0) {
            long kib = strtol (line + 4, NULL, 10);
            *all += kib;
            if (in_lmdb)
                *lmdb += kib;
        }
    }
    fclose (in);
    return 0;
}

/*  Peaks over samples of a process's memory.                             */

void
bench_peaks_sample (pid_t pid, bench_peaks_t *p, bool smaps)
{
    bench_mem_t m;
    long lmdb, all;
    if (bench_mem_read (pid, &m) == 0) {
        p->hwm = m.hwm > p->hwm ? m.hwm : p->hwm;
        p->anon = m.anon > p->anon ? m.anon : p->anon;
        p->file = m.file > p->file ? m.file : p->file;
        p->samples++;
    }
    if (smaps && bench_smaps_read (pid, &lmdb, &all) == 0) {
        p->lmdb = lmdb > p->lmdb ? lmdb : p->lmdb;
        p->not_lmdb = all - lmdb > p->not_lmdb ? all - lmdb : p->not_lmdb;
    }
}
