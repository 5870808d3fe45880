/*  lnt_control.h - the local control socket of a daemon, in its data
    folder: commands that write to the store nudge the daemon through it so
    it ships at once, and `status` asks it how it stands.

    The daemon binds a ROUTER at ipc://DATA/control.sock; a command
    connects a DEALER. Messages are single text frames: "NUDGE" (no
    answer) and "STATUS" (answered with one frame of key=value lines).   */
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
    when no daemon listens it returns after at most 50 ms.                 */
void lnt_control_nudge (const char *dir);

/*  Asks the daemon of dir for its status, waiting up to timeout_ms.
    Returns a fresh string of key=value lines (the caller frees it), or
    NULL when no daemon answered.                                          */
char *lnt_control_status (const char *dir, int timeout_ms);

/*  True when endpoint stays on this machine: ipc://..., or tcp:// to
    127.x.y.z, localhost or [::1] with a port. --insecure allows only
    these.                                                                 */
bool lnt_endpoint_is_loopback (const char *endpoint);

#endif
