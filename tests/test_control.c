/*  test_control.c - unit test for lnt_control: the data folder's lock,
    the nudge socket (datagrams a daemon drains), and the paths too long
    for a local socket.                                                   */
#include <czmq.h>
#include <ftw.h>

#include "lnt_control.h"
#include "lnt_test.h"

static char *s_root;

static int
s_rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove (path);
}

static void
s_test_nudge (void)
{
    char path[300];
    snprintf (path, sizeof path, "%s/nudge.sock", s_root);
    //  No daemon: the nudge returns at once and leaves nothing behind
    int64_t t0 = zclock_mono ();
    lnt_control_nudge (s_root);
    CHECK (zclock_mono () - t0 < 50);
    CHECK (!zsys_file_exists (path));

    //  A socket file left by a daemon that was killed does not stop the
    //  next one
    FILE *stale = fopen (path, "w");
    CHECK (stale != NULL);
    if (stale)
        fclose (stale);
    int fd = -1;
    lnt_why_t why = {""};
    CHECK_INT (lnt_control_nudge_open (s_root, &fd, &why), 0);
    CHECK (fd >= 0);
    CHECK (!lnt_control_nudged (fd)); //  nothing yet

    //  Nudges wait until drained, however many came
    lnt_control_nudge (s_root);
    CHECK (lnt_control_nudged (fd));
    CHECK (!lnt_control_nudged (fd));
    for (int i = 0; i < 500; i++) //  more than the socket's queue holds
        lnt_control_nudge (s_root);
    CHECK (lnt_control_nudged (fd));
    CHECK (!lnt_control_nudged (fd));

    //  Closed: the file is gone, a nudge still returns at once
    lnt_control_nudge_close (s_root, &fd);
    CHECK_INT (fd, -1);
    CHECK (!zsys_file_exists (path));
    lnt_control_nudge (s_root);
    lnt_control_nudge_close (s_root, &fd); //  twice is harmless
}

static void
s_test_too_long (void)
{
    char dir[200];
    memset (dir, 'd', sizeof dir - 1);
    dir[sizeof dir - 1] = 0;
    int fd = 7;
    lnt_why_t why = {""};
    CHECK_INT (lnt_control_nudge_open (dir, &fd, &why), LNT_ECONFIG);
    CHECK_INT (fd, -1);
    CHECK (strstr (why.text, "too long") != NULL);
    lnt_control_nudge (dir); //  nothing to send to: no crash, no wait
    char endpoint[300];
    CHECK_INT (lnt_control_endpoint (dir, endpoint, sizeof endpoint),
               LNT_EINVAL);
}

static void
s_test_claim (void)
{
    int first = -1, second = -1;
    lnt_why_t why = {""};
    CHECK_INT (lnt_control_claim (s_root, "lontar-agent", &first, &why), 0);
    CHECK (first >= 0);
    //  A second daemon on the same folder is told who holds it; a
    //  daemon's nudge socket stays its own
    CHECK_INT (lnt_control_nudge_open (s_root, &second, &why), 0);
    int third = -1;
    CHECK_INT (lnt_control_claim (s_root, "lontar-agent", &third, &why),
               LNT_EUNAVAIL);
    CHECK_INT (third, -1);
    char pid[32];
    snprintf (pid, sizeof pid, "pid %ld", (long) getpid ());
    CHECK (strstr (why.text, pid) != NULL);
    lnt_control_nudge (s_root);
    CHECK (lnt_control_nudged (second));
    lnt_control_nudge_close (s_root, &second);
    close (first);
}

int
main (void)
{
    zsys_init ();
    s_root = strdup ("/tmp/lnt-test-control-XXXXXX");
    if (!s_root || !mkdtemp (s_root)) {
        perror ("mkdtemp");
        return 1;
    }
    s_test_nudge ();
    s_test_too_long ();
    s_test_claim ();
    nftw (s_root, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free (s_root);
    return LNT_TEST_DONE ();
}
