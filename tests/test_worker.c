/*  test_worker.c - unit test for lnt_worker: jobs run in another thread,
    one at a time, and their answers come back in the order given.      */
#include <pthread.h>

#include "lnt_error.h"
#include "lnt_test.h"
#include "lnt_worker.h"

typedef struct {
    lnt_work_t work;
    int value;          /* what the job answers                           */
    pthread_t thread;   /* where it ran                                   */
    int *order;         /* the next slot to take, shared by the jobs      */
    int ran_as;         /* the slot it took                               */
} s_job_t;

static int
s_job_run (lnt_work_t *work)
{
    s_job_t *job = (s_job_t *) work;
    job->thread = pthread_self ();
    job->ran_as = (*job->order)++;
    zclock_sleep (job->value == 3 ? 20 : 0); //  a slow one keeps order
    return job->value;
}

int
main (void)
{
    zsys_init ();
    zactor_t *worker = lnt_worker_new ();
    CHECK (worker != NULL);
    int order = 0;
    s_job_t jobs[4];
    int values[4] = {3, 0, LNT_ESTORE, 7};
    for (int i = 0; i < 4; i++) {
        jobs[i] = (s_job_t){{s_job_run}, values[i], pthread_self (), &order,
                            -1};
        CHECK_INT (lnt_worker_give (worker, &jobs[i].work), 0);
    }
    for (int i = 0; i < 4; i++)
        CHECK_INT (lnt_worker_take (worker), values[i]);
    for (int i = 0; i < 4; i++) {
        CHECK_INT (jobs[i].ran_as, i);
        CHECK (!pthread_equal (jobs[i].thread, pthread_self ()));
    }
    //  Ended with nothing owed, and again with work given and not taken:
    //  zactor_destroy waits for the job to end
    zactor_destroy (&worker);
    CHECK (worker == NULL);
    worker = lnt_worker_new ();
    s_job_t last = {{s_job_run}, 3, pthread_self (), &order, -1};
    CHECK_INT (lnt_worker_give (worker, &last.work), 0);
    zactor_destroy (&worker);
    CHECK_INT (last.ran_as, 4);
    return LNT_TEST_DONE ();
}
