/*  lnt_uplink.h - the office's daemon: keeps a DEALER connection to the
    hub, streams the office's log up and applies what the hub sends down.

    Up: after HELLO the hub says how far it has applied this store's log;
    the daemon sends batches of up to LNT_BATCH_MAX changes from there,
    with at most the hub's window of batches unacknowledged. Down: changes
    the hub originates (reference data, province sections such as verified
    LKE answers) and, for a store that was restored, the office's own
    records, each applied in one transaction that also records how far it
    got. ZeroMQ reconnects with backoff and heartbeats; every (re)connect
    starts with HELLO. Staff commands nudge it through the control socket
    so a write ships at once; it keeps working while the hub is away.     */
#ifndef LNT_UPLINK_H
#define LNT_UPLINK_H

#include <stdbool.h>

#include "lnt_error.h"

typedef struct {
    const char *data;   /* the data folder                                 */
    const char *hub;    /* the hub's replication endpoint                  */
    bool insecure;      /* plain TCP (loopback only) until CURVE lands     */
    int heartbeat_ms;   /* ZMQ heartbeat interval; dead after 3 missed     */
} lnt_uplink_config_t;

/*  Checks the settings as run does before it starts: a data folder, and
    --insecure with a loopback hub (CURVE is not built in yet). 0, or
    LNT_ECONFIG with why.                                                 */
int lnt_uplink_check (const lnt_uplink_config_t *config, lnt_why_t *why);

/*  Runs until SIGTERM or SIGINT (READY=1, WATCHDOG=1, STOPPING=1 to
    systemd). Returns 0, or an error with why.                            */
int lnt_uplink_run (const lnt_uplink_config_t *config, lnt_why_t *why);

#endif
