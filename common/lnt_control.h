/*  lnt_control.h - the local sockets of a daemon, in its data folder:
    commands that write to the store nudge the daemon so it ships at once,
    and `status` asks it how it stands.

    Nudges are datagrams on a UNIX socket at DATA/nudge.sock (one byte, no
    answer): a command's write is shipped without a handshake first. For
    status the daemon binds a ROUTER at ipc://DATA/control.sock and a
    command connects a DEALER. Messages there are single text frames:
    "STATUS" (answered with one frame of key=value lines) and "NUDGE" (no
    answer; what commands of earlier versions send).                      */
#ifndef LNT_CONTROL_H
#define LNT_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "lnt_error.h"

/*  Writes the control endpoint of the data folder dir into buf.
    0, or LNT_EINVAL when the path is too long for an ipc endpoint.       */
int lnt_control_endpoint (const char *dir, char *buf, size_t size);

/*  Claims the data folder dir for the daemon prog of this process: an
    exclusive lock (flock) on dir/daemon.lock, which holds this process's
    pid, kept until *fd is closed or the process ends (SIGKILL too). A
    second daemon on the same folder would take the control socket from
    the first and write the same store beside it. 0 and sets *fd;
    LNT_EUNAVAIL when another process holds it, or LNT_EIO when the file
    cannot be made, each with why saying so.                              */
int lnt_control_claim (const char *dir, const char *prog, int *fd,
                       lnt_why_t *why);

/*  Tells the daemon of dir that the store has new changes. Best effort:
    when no daemon listens it returns at once.                            */
void lnt_control_nudge (const char *dir);

/*  Binds the nudge socket of dir for the daemon that claimed it: *fd is
    non-blocking, for the daemon's loop to poll. 0, or LNT_ECONFIG (path
    too long) or LNT_EUNAVAIL, with why.                                  */
int lnt_control_nudge_open (const char *dir, int *fd, lnt_why_t *why);

/*  Reads every nudge waiting on fd: true when there was one.            */
bool lnt_control_nudged (int fd);

/*  Closes the nudge socket *fd (when open) and removes its file.        */
void lnt_control_nudge_close (const char *dir, int *fd);

/*  Asks the daemon of dir for its status, waiting up to timeout_ms.
    Returns a fresh string of key=value lines (the caller frees it), or
    NULL when no daemon answered.                                          */
char *lnt_control_status (const char *dir, int timeout_ms);

/*  True when endpoint stays on this machine: ipc://..., or tcp:// to
    127.x.y.z, localhost or [::1] with a port. --insecure allows only
    these.                                                                 */
bool lnt_endpoint_is_loopback (const char *endpoint);

#endif
