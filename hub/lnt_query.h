/*  lnt_query.h - the queries provincial staff run against the hub,
    answered as text in the format they asked for (table, csv or json).
    Reads the store in one read transaction; writes nothing.             */
#ifndef LNT_QUERY_H
#define LNT_QUERY_H

#include <stdbool.h>
#include <stdio.h>

#include "lnt_msg.h"
#include "lnt_node.h"

/*  What the daemon knows that the store does not: is an office connected
    now. arg is the daemon's.                                              */
typedef bool (lnt_query_connected_fn) (const char *office, void *arg);

/*  Answers query into out (a stream the caller owns). Returns the exit
    status the client should end with: 0, 64 for an unknown query or bad
    argument (the text says what), 74 on a store error.                   */
int lnt_query_answer (lnt_node_t *hub, const lnt_msg_t *query,
                      lnt_query_connected_fn *connected, void *arg, FILE *out);

#endif
