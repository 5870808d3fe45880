/*  lnt_cli.h - what every lontar command shares: the data folder, the
    output format, and turning an error into a message and an exit code.  */
#ifndef LNT_CLI_H
#define LNT_CLI_H

#include "lnt_error.h"
#include "lnt_node.h"
#include "lnt_out.h"

/*  The data folder: given (from --data) if not NULL, else $LONTAR_DATA,
    else /var/lib/lontar/agent or /var/lib/lontar/hub. Borrowed.          */
const char *lnt_cli_data_dir (const char *given, lnt_role_t role);

/*  Takes text, given to --data, as the data folder. An empty text is
    refused: prints usage and returns 64 (0 when taken).                   */
int lnt_cli_data (const char *prog, const char *text, const char **data);

/*  Prints "prog: " and why's text (or the phrase of rc when why is empty)
    to stderr; returns the exit code of rc.                                */
int lnt_cli_fail (const char *prog, int rc, const lnt_why_t *why);

/*  Prints "prog: " and a message, then "Try 'prog --help'." to stderr;
    returns 64.                                                            */
int lnt_cli_usage (const char *prog, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

/*  Parses --format; on a bad name prints usage and returns 64.            */
int lnt_cli_format (const char *prog, const char *name,
                    lnt_out_format_t *format);

/*  Parses a whole number in [lo, hi] given for option; prints usage and
    returns 64 when it is not one.                                         */
int lnt_cli_int (const char *prog, const char *option, const char *text,
                 int lo, int hi, int *value);

/*  Writes a hot copy of store to path, a file that must not exist. 0, or
    (with why naming path, the reason and what to do) LNT_ECANTCREAT when
    path exists, LNT_EIO when it cannot be written.                        */
int lnt_cli_backup (lnt_store_t *store, const char *path, lnt_why_t *why);

/*  Remembers err (an errno value) as the reason a write to stdout failed,
    for lnt_cli_close_stdout: a write past the buffer loses its data and
    errno at once, and only the stream's error flag stays.                */
void lnt_cli_stdout_error (int err);

/*  Opens /dev/null on any of fds 0, 1 and 2 that is closed, as main's
    first step: else the first file or socket opened (libzmq's, say)
    takes the number, and output meant for stdout goes into it.           */
void lnt_cli_std_fds (void);

/*  Flushes and closes stdout, as main's last step. When that fails, or a
    write failed before, prints "prog: writing to standard output failed:
    REASON" (the reason when known) and "; " note (when not NULL) to
    stderr, and returns rc if not 0, else 74. Otherwise returns rc.        */
int lnt_cli_close_stdout (const char *prog, int rc, const char *note);

#endif
