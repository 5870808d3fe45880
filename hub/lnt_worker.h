/*  lnt_worker.h - a thread (a CZMQ actor) that runs the jobs it is given,
    one at a time in the order given, and answers each with its result:
    the hub's writer, which commits groups, and the helper that prepares
    half of a large group.

    A job is a struct whose first member is an lnt_work_t; the giver
    keeps it alive and leaves it alone until it has taken the answer.    */
#ifndef LNT_WORKER_H
#define LNT_WORKER_H

#include <czmq.h>

typedef struct lnt_work_t lnt_work_t;
struct lnt_work_t {
    int (*run) (lnt_work_t *self); /* the job; its result is the answer */
};

/*  A worker thread, or NULL when none could be made.                    */
zactor_t *lnt_worker_new (void);

/*  Hands work to the worker: 0, or LNT_EUNAVAIL when it could not be
    sent (nothing will answer it).                                       */
int lnt_worker_give (zactor_t *worker, lnt_work_t *work);

/*  Waits for the answer to the oldest work given and not yet answered,
    through signals. Its result, or LNT_EINTERNAL when the worker can no
    longer answer (the work may still be running: end the worker with
    zactor_destroy before touching it).                                  */
int lnt_worker_take (zactor_t *worker);

#endif
