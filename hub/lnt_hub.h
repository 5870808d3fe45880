/*  lnt_hub.h - the provincial hub's daemon: one zloop that serves the
    offices' replication (ROUTER), queries (ROUTER) and local nudges, and
    applies every turn's batches in one transaction.

    Connections: the hub learns a connection's office from its first HELLO
    (insecure mode; with CURVE it will be the key's), never from a later
    message, and refuses anything for another office. Batches from all
    offices that arrive in one turn of the loop are applied together and
    acknowledged only after the commit. What the hub originates (its own
    log) and, for a store that was restored, the office's own records flow
    down each connection within a window of messages in flight.          */
#ifndef LNT_HUB_H
#define LNT_HUB_H

#include <stdbool.h>

#include "lnt_node.h"

typedef struct {
    const char *data;   /* the data folder                                 */
    const char *bind;   /* replication endpoint, tcp://127.0.0.1:7450      */
    const char *query;  /* query endpoint, tcp://127.0.0.1:7451            */
    bool insecure;      /* plain TCP (loopback only) until CURVE lands     */
    int window;         /* batches in flight per connection, each way      */
    int heartbeat_ms;   /* ZMQ heartbeat interval; dead after 3 missed     */
    int catchup_window; /* window of an office with a backlog, 4 at most  */
} lnt_hub_config_t;

/*  Checks the settings as run does before it starts: a data folder, and
    --insecure with loopback endpoints (CURVE is not built in yet). 0, or
    LNT_ECONFIG with why.                                                 */
int lnt_hub_check (const lnt_hub_config_t *config, lnt_why_t *why);

/*  Runs the hub until SIGTERM or SIGINT. Tells systemd READY=1 once the
    store is open and the sockets bound, WATCHDOG=1 from the loop and
    STOPPING=1 at the end. Returns 0, or an error with why (a bind that
    failed, a store that is not a hub's).                                  */
int lnt_hub_run (const lnt_hub_config_t *config, lnt_why_t *why);

#endif
