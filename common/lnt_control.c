/*  lnt_control.c - nudges and status requests over a daemon's local
    sockets.                                                               */
#include <czmq.h>
#include <sys/file.h>
#include <sys/un.h>

#include "lnt_control.h"
#include "lnt_error.h"

int
lnt_control_endpoint (const char *dir, char *buf, size_t size)
{
    /* An ipc path is bounded by sun_path (108 bytes with the NUL).      */
    int n = snprintf (buf, size, "ipc://%s/control.sock", dir);
    if (n < 0 || (size_t) n >= size || strlen (buf) - 6 >= 107)
        return LNT_EINVAL;
    return 0;
}

int
lnt_control_claim (const char *dir, const char *prog, int *fd,
                   lnt_why_t *why)
{
    char path[4200];
    *fd = -1;
    int n = snprintf (path, sizeof path, "%s/daemon.lock", dir);
    if (n < 0 || (size_t) n >= sizeof path)
        return lnt_why (why, LNT_EIO, "the data folder path %s is too long",
                        dir);
    /* Readable by all (it holds a pid): a lock file another user made
       (root ran the daemon once) still serves, as flock works on a
       read-only file too; only the pid is not written then.             */
    int f = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    bool readonly = f < 0 && errno == EACCES
                    && (f = open (path, O_RDONLY | O_CLOEXEC)) >= 0;
    if (f < 0)
        return lnt_why (why, LNT_EIO, "cannot open %s: %s; check the data "
                        "folder's owner and permissions", path,
                        strerror (errno));
    if (flock (f, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        char text[32] = "";
        ssize_t got = pread (f, text, sizeof text - 1, 0);
        long pid = got > 0 ? strtol (text, NULL, 10) : 0;
        close (f);
        if (err != EWOULDBLOCK)
            return lnt_why (why, LNT_EIO, "cannot lock %s: %s", path,
                            strerror (err));
        return lnt_why (why, LNT_EUNAVAIL, "another %s (pid %ld) is running "
                        "on the data folder %s; stop it first (systemctl "
                        "stop %s) or give another --data", prog, pid, dir,
                        prog);
    }
    char text[32];
    int len = snprintf (text, sizeof text, "%ld\n", (long) getpid ());
    if (!readonly && (ftruncate (f, 0) != 0
                      || pwrite (f, text, (size_t) len, 0) != len)) {
        int err = errno;
        close (f);
        return lnt_why (why, LNT_EIO, "cannot write %s: %s", path,
                        strerror (err));
    }
    *fd = f;
    return 0;
}

/*  A DEALER connected to the daemon of dir, or NULL.                      */
static zsock_t *
s_connect (const char *dir, int timeout_ms)
{
    char endpoint[300];
    if (lnt_control_endpoint (dir, endpoint, sizeof endpoint))
        return NULL;
    /* Only a daemon that is there should get the message: IMMEDIATE
       makes a send with no connection wait (sndtimeo), then give up.    */
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    if (!sock)
        return NULL;
    zsock_set_immediate (sock, 1);
    zsock_set_sndtimeo (sock, timeout_ms);
    zsock_set_rcvtimeo (sock, timeout_ms);
    zsock_set_linger (sock, 100);
    if (zsock_connect (sock, "%s", endpoint) != 0)
        zsock_destroy (&sock);
    return sock;
}

/*  The address of dir's nudge socket; false when the path is too long. */
static bool
s_nudge_address (const char *dir, struct sockaddr_un *addr)
{
    memset (addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    int n = snprintf (addr->sun_path, sizeof addr->sun_path, "%s/nudge.sock",
                      dir);
    return n > 0 && (size_t) n < sizeof addr->sun_path;
}

void
lnt_control_nudge (const char *dir)
{
    struct sockaddr_un addr;
    int fd = s_nudge_address (dir, &addr)
                 ? socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                           0)
                 : -1;
    if (fd < 0)
        return;
    /* No daemon, or one with nudges waiting already: nothing to do.     */
    (void) sendto (fd, "N", 1, 0, (struct sockaddr *) &addr, sizeof addr);
    close (fd);
}

int
lnt_control_nudge_open (const char *dir, int *fd, lnt_why_t *why)
{
    struct sockaddr_un addr;
    *fd = -1;
    if (!s_nudge_address (dir, &addr))
        return lnt_why (why, LNT_ECONFIG, "the data folder path %s is too "
                        "long for a local socket", dir);
    /* A socket file left by a daemon that was killed would refuse the
       bind; the caller holds the folder's lock (lnt_control_claim).     */
    unlink (addr.sun_path);
    int f = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (f < 0 || bind (f, (struct sockaddr *) &addr, sizeof addr) != 0) {
        int err = errno;
        if (f >= 0)
            close (f);
        return lnt_why (why, LNT_EUNAVAIL, "cannot bind the nudge socket %s: "
                        "%s; check the data folder's owner and permissions",
                        addr.sun_path, strerror (err));
    }
    *fd = f;
    return 0;
}

bool
lnt_control_nudged (int fd)
{
    char byte[16];
    bool any = false;
    while (recv (fd, byte, sizeof byte, MSG_DONTWAIT) >= 0)
        any = true;
    return any;
}

void
lnt_control_nudge_close (const char *dir, int *fd)
{
    struct sockaddr_un addr;
    if (*fd < 0)
        return;
    close (*fd);
    *fd = -1;
    if (s_nudge_address (dir, &addr))
        unlink (addr.sun_path);
}

char *
lnt_control_status (const char *dir, int timeout_ms)
{
    /* No socket file, no daemon: answer at once rather than wait.       */
    char path[300];
    snprintf (path, sizeof path, "%s/control.sock", dir);
    if (!zsys_file_exists (path))
        return NULL;
    zsock_t *sock = s_connect (dir, timeout_ms);
    if (!sock)
        return NULL;
    char *reply = NULL;
    if (zstr_send (sock, "STATUS") == 0)
        reply = zstr_recv (sock);
    zsock_destroy (&sock);
    return reply;
}

/*  "PORT" or "*": what may follow the host.                               */
static bool
s_port (const char *text)
{
    if (strcmp (text, "*") == 0)
        return true;
    size_t digits = strspn (text, "0123456789");
    return digits > 0 && digits <= 5 && text[digits] == 0;
}

bool
lnt_endpoint_is_loopback (const char *endpoint)
{
    if (strncmp (endpoint, "ipc://", 6) == 0)
        return endpoint[6] != 0;
    if (strncmp (endpoint, "tcp://", 6) != 0)
        return false;
    const char *host = endpoint + 6;
    if (strncmp (host, "localhost:", 10) == 0)
        return s_port (host + 10);
    if (strncmp (host, "[::1]:", 6) == 0)
        return s_port (host + 6);
    /* 127.a.b.c: four numbers of at most three digits, the first 127.   */
    int parts = 0;
    const char *p = host;
    while (parts < 4) {
        size_t digits = strspn (p, "0123456789");
        if (digits == 0 || digits > 3 || (parts == 0 && strncmp (p, "127", 3)))
            return false;
        p += digits;
        parts++;
        if (parts < 4 && *p++ != '.')
            return false;
    }
    return *p == ':' && s_port (p + 1);
}
