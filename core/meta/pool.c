/* Independent jobs on threads. Each job writes only its own result slot;
 * the caller reduces the slots in index order, so results do not depend on
 * the number of threads or on which thread ran which job. A job also gets
 * the index of the worker running it (0 .. mp_x_workers - 1), whose
 * resources (a reusable net) no other job uses at the same time. */
#include <pthread.h>
#include <stdlib.h>

#include "meta/meta_int.h"
#include "util/util_int.h"

typedef struct pool {
    size_t n, next;
    pthread_mutex_t lock;
    int (*fn)(void *ctx, size_t i, size_t worker, mp_error *e);
    void *ctx;
    int *rc;
    mp_error *errs;
} pool;

typedef struct worker_arg {
    pool *p;
    size_t id;
} worker_arg;

static void *worker(void *arg)
{
    pool *p = ((worker_arg *)arg)->p;
    const size_t id = ((worker_arg *)arg)->id;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        mp_error_clear(&p->errs[i]);
        p->rc[i] = p->fn(p->ctx, i, id, &p->errs[i]);
    }
}

size_t mp_x_workers(size_t n, int threads)
{
    size_t nt = threads < 1 ? 1 : (size_t)threads;
    return nt > n ? (n ? n : 1) : nt;
}

typedef struct plain {
    int (*fn)(void *ctx, size_t i, mp_error *e);
    void *ctx;
} plain;

static int plain_job(void *ctx, size_t i, size_t worker, mp_error *e)
{
    (void)worker;
    plain *q = ctx;
    return q->fn(q->ctx, i, e);
}

int mp_x_parallel(size_t n, int threads, int (*fn)(void *ctx, size_t i, mp_error *e),
                  void *ctx, mp_error *err)
{
    plain q = {fn, ctx};
    return mp_x_parallel_workers(n, threads, plain_job, &q, err);
}

int mp_x_parallel_workers(size_t n, int threads,
                          int (*fn)(void *ctx, size_t i, size_t worker, mp_error *e),
                          void *ctx, mp_error *err)
{
    if (n == 0)
        return MP_OK;
    pool p = {n, 0, PTHREAD_MUTEX_INITIALIZER, fn, ctx, mp_u_calloc(n, sizeof(int)),
              mp_u_calloc(n, sizeof(mp_error))};
    if (!p.rc || !p.errs) {
        mp_u_free(p.rc);
        mp_u_free(p.errs);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory for the results of %zu evaluations", n);
    }
    size_t nt = mp_x_workers(n, threads);
    pthread_t *tid = nt > 1 ? mp_u_calloc(nt - 1, sizeof *tid) : NULL;
    worker_arg *args = mp_u_calloc(nt, sizeof *args);
    size_t started = 0;
    for (size_t k = 0; args && k < nt; k++)
        args[k] = (worker_arg){&p, k};
    /* threads that fail to start leave their jobs to the others */
    for (size_t k = 0; tid && args && k + 1 < nt; k++)
        if (pthread_create(&tid[started], NULL, worker, &args[started + 1]) == 0)
            started++;
    worker_arg self = {&p, 0};
    worker(&self); /* the calling thread works too, as worker 0 */
    for (size_t k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    mp_u_free(tid);
    mp_u_free(args);
    int rc = MP_OK;
    for (size_t i = 0; i < n; i++)
        if (p.rc[i] != MP_OK) {
            rc = p.rc[i];
            if (err)
                *err = p.errs[i];
            break;
        }
    mp_u_free(p.rc);
    mp_u_free(p.errs);
    pthread_mutex_destroy(&p.lock);
    return rc;
}
