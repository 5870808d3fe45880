/*  lnt_worker.c - a thread that runs jobs one at a time and answers each. */
#include "lnt_error.h"
#include "lnt_worker.h"

static void
s_worker (zsock_t *pipe, void *arg)
{
    (void) arg;
    zsock_signal (pipe, 0);
    for (;;) {
        zmsg_t *msg = zmsg_recv (pipe);
        if (!msg && zmq_errno () == EINTR)
            continue; /* a signal: the giver still waits for an answer */
        if (!msg)
            break;
        zframe_t *frame = zmsg_first (msg);
        lnt_work_t *work = zmsg_size (msg) == 1
                                   && zframe_size (frame) == sizeof work
                               ? *(lnt_work_t **) zframe_data (frame)
                               : NULL;
        zmsg_destroy (&msg);
        if (!work)
            break; /* $TERM, from zactor_destroy                        */
        zsock_send (pipe, "i", work->run (work));
    }
}

zactor_t *
lnt_worker_new (void)
{
    return zactor_new (s_worker, NULL);
}

int
lnt_worker_give (zactor_t *worker, lnt_work_t *work)
{
    return zsock_send (worker, "p", work) == 0 ? 0 : LNT_EUNAVAIL;
}

int
lnt_worker_take (zactor_t *worker)
{
    int rc = LNT_EINTERNAL;
    while (zsock_recv (worker, "i", &rc) != 0)
        if (zmq_errno () != EINTR)
            return LNT_EINTERNAL;
    return rc;
}
