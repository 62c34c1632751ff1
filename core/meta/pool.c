/* Independent jobs on threads. Each job writes only its own result slot;
 * the caller reduces the slots in index order, so results do not depend on
 * the number of threads or on which thread ran which job. */
#include <pthread.h>
#include <stdlib.h>

#include "meta/meta_int.h"
#include "util/util_int.h"

typedef struct pool {
    size_t n, next;
    pthread_mutex_t lock;
    int (*fn)(void *ctx, size_t i, mp_error *e);
    void *ctx;
    int *rc;
    mp_error *errs;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        mp_error_clear(&p->errs[i]);
        p->rc[i] = p->fn(p->ctx, i, &p->errs[i]);
    }
}

int mp_x_parallel(size_t n, int threads, int (*fn)(void *ctx, size_t i, mp_error *e),
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
    size_t nt = threads < 1 ? 1 : (size_t)threads;
    if (nt > n)
        nt = n;
    pthread_t *tid = nt > 1 ? mp_u_calloc(nt - 1, sizeof *tid) : NULL;
    size_t started = 0;
    for (size_t k = 0; tid && k + 1 < nt; k++)
        if (pthread_create(&tid[k], NULL, worker, &p) == 0)
            started++;
    worker(&p); /* the calling thread works too */
    for (size_t k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    mp_u_free(tid);
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
