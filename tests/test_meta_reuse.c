/* The seam's reuse (core/meta/eval.c): evaluations on one worker's net,
 * reset per evaluation, in a scrambled order and at other points in
 * between, give bit for bit the loss, accuracy and gradient of an
 * evaluation on a net of its own (mp_x_evaluate), for a spiking target-rate
 * experiment, rate nway_kshot ones (with and without exact gradients, cross
 * entropy and mse) and a PCA one (a data set drawn per evaluation). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "meta/meta_int.h"

static mp_experiment *load(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", getenv("MP_SOURCE_DIR"), rel);
    mp_experiment *x = NULL;
    mp_error e;
    mp_error_clear(&e);
    if (mp_x_load(path, &x, &e) != MP_OK) {
        char buf[1024];
        fprintf(stderr, "%s: %s\n", rel, mp_error_format(&e, buf, sizeof buf));
        return NULL;
    }
    return x;
}

static int same_d(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* theta of evaluation k: the experiment's start, moved per k */
static void point(const mp_experiment *x, size_t k, double *theta)
{
    for (size_t f = 0; f < x->n_free; f++)
        theta[f] = x->free[f].init * (1.0 + 0.01 * (double)k);
}

static void check_reuse(const char *rel, int with_grad)
{
    mp_experiment *x = load(rel);
    CHECK(x != NULL);
    if (!x)
        return;
    enum { N = 4 };
    const size_t order[N] = {2, 0, 3, 1};
    size_t nf = x->n_free;
    double *theta = calloc(nf + 1, sizeof *theta), *g_fresh = calloc(nf + 1, sizeof *theta),
           *g_reused = calloc(nf + 1, sizeof *theta);
    mp_x_slots *ws = NULL;
    mp_error e;
    mp_error_clear(&e);
    CHECK_OK(mp_x_slots_new(x, 1, &ws, &e));
    size_t same = 0;
    for (size_t q = 0; ws && q < N; q++) {
        size_t k = order[q];
        point(x, k, theta);
        mp_x_result a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        a.grad = with_grad ? g_fresh : NULL;
        b.grad = with_grad ? g_reused : NULL;
        CHECK_OK(mp_x_evaluate(x, theta, 1, k, &a, &e));
        CHECK_OK(mp_x_evaluate_on(x, ws, 0, theta, 1, k, &b, &e));
        int ok = same_d(a.loss, b.loss) && a.blown == b.blown &&
                 (isnan(a.accuracy) ? isnan(b.accuracy) : same_d(a.accuracy, b.accuracy));
        for (size_t f = 0; with_grad && f < nf; f++)
            ok = ok && same_d(g_fresh[f], g_reused[f]);
        CHECK_(ok, "%s: evaluation %zu: loss %.17g reused vs %.17g fresh", rel, k,
               b.loss, a.loss);
        same += ok;
        if (q == 0)
            printf("%s: task %zu loss %.17g%s\n", rel, k, a.loss,
                   a.blown ? " (blown)" : "");
    }
    printf("%s: %zu of %d reused evaluations equal fresh ones%s\n", rel, same, N,
           with_grad ? " (with gradients)" : "");
    mp_x_slots_free(ws);
    mp_x_free_experiment(x);
    free(theta);
    free(g_fresh);
    free(g_reused);
}

int main(void)
{
    if (!getenv("MP_SOURCE_DIR") || !getenv("METAPLAST_PLUGIN_PATH")) {
        fprintf(stderr, "run through ctest (MP_SOURCE_DIR, METAPLAST_PLUGIN_PATH unset)\n");
        return 1;
    }
    check_reuse("tests/experiments/valid/vogels_fd/experiment.json", 0);
    check_reuse("tests/experiments/valid/fashion_fd/experiment.json", 0);
    check_reuse("examples/shervani-fig3/fa.json", 1);
    check_reuse("tests/experiments/valid/mse_exact/experiment.json", 1);
    check_reuse("examples/confavreux-fig1-oja3/experiment.json", 0);
    return CHECK_DONE();
}
