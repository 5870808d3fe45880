/*  agent_cmd.h - the staff commands of lontar-agent, one function each
    group, and what they share.                                            */
#ifndef AGENT_CMD_H
#define AGENT_CMD_H

#include <getopt.h>

#include "lnt_cli.h"
#include "lnt_office.h"

#define AGENT_PROG "lontar-agent"

/*  Options every command takes.                                            */
typedef struct {
    const char *data;         /* --data DIR, or NULL                       */
    lnt_out_format_t format;  /* --format, table by default                */
} agent_common_t;

/*  Long options shared by all commands; their short letters: d f h.       */
#define AGENT_COMMON_OPTIONS                                                 \
    {"data", required_argument, NULL, 'd'},                                  \
    {"format", required_argument, NULL, 'f'},                                \
    {"help", no_argument, NULL, 'h'}

/*  Handles a shared option. Returns 0 when handled, 1 when help was
    printed (exit 0), 64 on a bad value, -1 when c is not shared.         */
int agent_common_option (agent_common_t *common, int c, const char *usage);

/*  Opens the office store; prints why not and returns the exit code.    */
int agent_open (const agent_common_t *common, int flags, lnt_node_t **node);

/*  Prints usage for an unknown option or missing argument; returns 64.   */
int agent_bad_option (const char *usage);

/*  Parses a command that takes only the shared options (its arguments
    start at optind). Returns 0, 1 when help was printed (exit 0), or 64. */
int agent_parse_common (agent_common_t *common, int argc, char **argv,
                        const char *usage);

/*  Says what a delete removed: {"id": ID, "deleted": true} with --format
    json, else "deleted " and the rest as printf formats it.              */
void agent_print_deleted (lnt_out_format_t format, const char *id,
                          const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

int agent_init (int argc, char **argv);
int agent_suggestion (int argc, char **argv);
int agent_rb (int argc, char **argv);
int agent_lke (int argc, char **argv);
int agent_import (int argc, char **argv);
int agent_export (int argc, char **argv);
int agent_backup (int argc, char **argv);
int agent_run (int argc, char **argv);
int agent_status (int argc, char **argv);

/*  The data folder a command wrote to, or NULL: main nudges the daemon
    there after the command succeeded.                                     */
extern const char *agent_written_dir;

#endif
