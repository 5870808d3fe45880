/*  lnt_cli.c - shared command-line plumbing.                               */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lnt_cli.h"

const char *
lnt_cli_data_dir (const char *given, lnt_role_t role)
{
    if (given && *given)
        return given;
    const char *env = getenv ("LONTAR_DATA");
    if (env && *env)
        return env;
    return role == LNT_ROLE_HUB ? "/var/lib/lontar/hub"
                                : "/var/lib/lontar/agent";
}

int
lnt_cli_data (const char *prog, const char *text, const char **data)
{
    /* An empty --data (an unset shell variable, say) must not fall back
       to the default folder: that is another store than the one meant.  */
    if (!*text)
        return lnt_cli_usage (prog, "--data is empty; give the data folder, "
                              "or leave --data out for the default");
    *data = text;
    return 0;
}

int
lnt_cli_fail (const char *prog, int rc, const lnt_why_t *why)
{
    if (why && why->text[0])
        fprintf (stderr, "%s: %s\n", prog, why->text);
    else
        fprintf (stderr, "%s: %s\n", prog, lnt_strerror (rc));
    return lnt_exit_code (rc);
}

int
lnt_cli_usage (const char *prog, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    fprintf (stderr, "%s: ", prog);
    vfprintf (stderr, format, args);
    va_end (args);
    fprintf (stderr, "\nTry '%s --help'.\n", prog);
    return 64;
}

int
lnt_cli_format (const char *prog, const char *name, lnt_out_format_t *format)
{
    if (lnt_out_format_parse (name, format) == 0)
        return 0;
    return lnt_cli_usage (prog, "--format must be table, csv or json, not "
                          "\"%s\"", name);
}

int
lnt_cli_int (const char *prog, const char *option, const char *text, int lo,
             int hi, int *value)
{
    char *end;
    errno = 0;
    long v = strtol (text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi)
        return lnt_cli_usage (prog, "%s must be a whole number from %d to %d, "
                              "not \"%s\"", option, lo, hi, text);
    *value = (int) v;
    return 0;
}

/*  The error of the folder path would be created in, or 0 when we may
    create files there. lnt_store_backup's errno does not outlive its
    logging, so the usual reasons (a folder missing, read-only, closed to
    us) are asked again here.                                             */
static int
s_folder_error (const char *path)
{
    char dir[PATH_MAX];
    snprintf (dir, sizeof dir, "%s", path);
    char *slash = strrchr (dir, '/');
    if (!slash)
        snprintf (dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0'; /* "/x": the root                                 */
    else
        *slash = '\0';
    return access (dir, W_OK | X_OK) == 0 ? 0 : errno;
}

int
lnt_cli_backup (lnt_store_t *store, const char *path, lnt_why_t *why)
{
    int err = lnt_store_backup (store, path);
    if (err == LNT_EEXIST)
        return lnt_why (why, LNT_ECANTCREAT, "%s exists already; choose a new "
                        "file name", path);
    if (!err)
        return 0;
    int folder = s_folder_error (path);
    if (folder)
        return lnt_why (why, err, "cannot write the backup %s: %s; give a "
                        "file in a folder that exists and that you may write "
                        "to", path, strerror (folder));
    return lnt_why (why, err, "cannot write the backup %s: the copy failed "
                    "(the line above says why); check the room left on its "
                    "disk, or give a file on another", path);
}

/*  The reason of a failed write to stdout that went past the buffer, as
    lnt_cli_stdout_error was told it; 0 when not told.                    */
static int s_stdout_errno;

void
lnt_cli_stdout_error (int err)
{
    s_stdout_errno = err;
}

void
lnt_cli_std_fds (void)
{
    for (int fd = 0; fd < 3; fd++)
        if (fcntl (fd, F_GETFD) == -1 && errno == EBADF) {
            /* The lowest free number: fd itself.                         */
            int got = open ("/dev/null", O_RDWR);
            if (got >= 0 && got != fd)
                close (got);
        }
}

int
lnt_cli_close_stdout (const char *prog, int rc, const char *note)
{
    /* Output is buffered: a full disk or a closed pipe shows only now.
       Closing also reports what the flush cannot (NFS, say); EBADF after
       a good flush is a stdout closed before we ran, with nothing lost.  */
    int err = fflush (stdout) ? errno : 0;
    bool failed = err || ferror (stdout);
    if (!failed && fclose (stdout) != 0 && errno != EBADF) {
        err = errno;
        failed = true;
    }
    if (!failed)
        return rc;
    /* A write that failed earlier left the flag, not its errno.          */
    if (!err)
        err = s_stdout_errno;
    fprintf (stderr, "%s: writing to standard output failed%s%s%s%s\n", prog,
             err ? ": " : "", err ? strerror (err) : "", note ? "; " : "",
             note ? note : "");
    return rc ? rc : 74;
}
