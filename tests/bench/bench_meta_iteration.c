/* Seconds per meta-iteration: one episode of Shervani-Tabar & Rosenbaum
 * (2023) Algorithm 1 and its exact gradient w.r.t. the plasticity
 * coefficients (mp_r_episode_grad), and the dump PyTorch recomputes it from.
 *
 *   bench_meta_iteration MODEL.json DUMP_DIR [REPEATS] [TASK_SEED]
 *
 * The task: from the model's training data, a fixed-seed permutation
 * (splitmix64-driven Fisher-Yates, TASK_SEED, default 1); its first
 * training.samples entries are the online samples in that order, the next
 * 50 the query set. init_seed 1: W and B as mp_r_net_new(model, 1) draws
 * them. Times REPEATS (default 7) calls with the gradient and as many
 * without (the forward episode alone) and reports the medians.
 *
 * DUMP_DIR receives (little-endian float64 row-major, .bin; labels int32):
 *   meta.json     sizes, beta, n_train, n_query, thetas, loss, grad, files
 *   W<j>.bin B<j>.bin   projection j's initial W and B (n_post x n_pre)
 *   x_train.bin x_query.bin   the inputs in order (n x 784)
 *   y_train.bin y_query.bin   the labels (int32)
 *   grad.bin      dL/dtheta (n_proj x 10)
 * Prints one JSON object. Built by the target bench_meta_iteration (not
 * part of `all`): cmake --build build --target bench_meta_iteration
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "rate/episode_int.h"
#include "metaplast/metaplast.h"
#include "model/model_int.h"
#include "rate/rate_int.h"
#include "util/util_int.h"

enum { NQ = 50, MAXP = 16 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int dump(const char *dir, const char *name, const void *p, size_t bytes)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, bytes, f) != bytes) {
        fprintf(stderr, "cannot write %s\n", path);
        if (f)
            fclose(f);
        return 1;
    }
    return fclose(f) != 0;
}

static void die(const mp_error *err)
{
    char buf[2048];
    fprintf(stderr, "%s\n", mp_error_format(err, buf, sizeof buf));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_meta_iteration MODEL.json DUMP_DIR [REPEATS] "
                        "[TASK_SEED]\n");
        return 2;
    }
    const char *dir = argv[2];
    int repeats = argc > 3 ? atoi(argv[3]) : 7;
    uint64_t tseed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    if (repeats < 1)
        repeats = 1;
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    if (mp_model_load(argv[1], NULL, 0, &m, &err) != MP_OK)
        die(&err);
    const mp_dataset *ds = m->data.train;
    const size_t T = m->training.samples, nP = m->n_projections;
    if (nP > MAXP || T + NQ > ds->n) {
        fprintf(stderr, "model too large for this bench\n");
        return 2;
    }
    /* the task */
    size_t *perm = malloc(ds->n * sizeof *perm);
    for (size_t i = 0; i < ds->n; i++)
        perm[i] = i;
    uint64_t st = tseed;
    for (size_t i = ds->n - 1; i > 0; i--) {
        size_t j = (size_t)(splitmix(&st) % (i + 1));
        size_t t = perm[i];
        perm[i] = perm[j], perm[j] = t;
    }
    size_t *ti = perm, *qi = perm + T;
    int32_t *tl = malloc(T * sizeof *tl), ql[NQ];
    for (size_t i = 0; i < T; i++)
        tl[i] = ds->label[ti[i]];
    for (size_t i = 0; i < NQ; i++)
        ql[i] = ds->label[qi[i]];
    const uint64_t init_seed = 1;
    mp_r_episode ep = {ds, ti, tl, T, qi, ql, NQ, init_seed};
    double *grad[MAXP], gbuf[MAXP][16];
    for (size_t j = 0; j < nP; j++)
        grad[j] = gbuf[j];

    /* timing: loss only, then loss + gradient, interleaved */
    double *tf = malloc((size_t)repeats * sizeof *tf), *tg = malloc((size_t)repeats * sizeof *tg);
    double loss = 0.0, loss0 = 0.0, acc = 0.0;
    mp_r_grad_stats gs;
    for (int r = 0; r < repeats; r++) {
        double t0 = mp_u_wall_seconds();
        if (mp_r_episode_grad(m, NULL, &ep, &loss0, NULL, NULL, &err) != MP_OK)
            die(&err);
        double t1 = mp_u_wall_seconds();
        if (mp_r_episode_grad_ex(m, NULL, &ep, &loss, &acc, grad, 0, &gs, &err) != MP_OK)
            die(&err);
        double t2 = mp_u_wall_seconds();
        tf[r] = t1 - t0;
        tg[r] = t2 - t1;
    }
    qsort(tf, (size_t)repeats, sizeof *tf, cmp_double);
    qsort(tg, (size_t)repeats, sizeof *tg, cmp_double);

    /* the dump: the initial W and B exactly as the engine draws them */
    mp_r_net *net = NULL;
    if (mp_r_net_new(m, init_seed, &net, &err) != MP_OK)
        die(&err);
    int bad = 0;
    char name[64];
    for (size_t j = 0; j < nP; j++) {
        const mp_r_proj *p = &net->P[j];
        size_t nw = (size_t)p->n_post * p->n_pre;
        snprintf(name, sizeof name, "W%zu.bin", j);
        bad |= dump(dir, name, p->W, nw * sizeof(double));
        if (p->m->feedback != MP_FB_FIXED_RANDOM || !p->B) {
            fprintf(stderr, "projection %zu: the bench needs fixed_random feedback\n", j);
            return 2;
        }
        snprintf(name, sizeof name, "B%zu.bin", j);
        bad |= dump(dir, name, p->B, nw * sizeof(double));
    }
    double *xs = malloc((T > NQ ? T : NQ) * ds->dim * sizeof *xs);
    for (size_t i = 0; i < T; i++)
        memcpy(xs + i * ds->dim, ds->x + ti[i] * ds->dim, ds->dim * sizeof *xs);
    bad |= dump(dir, "x_train.bin", xs, T * ds->dim * sizeof *xs);
    for (size_t i = 0; i < NQ; i++)
        memcpy(xs + i * ds->dim, ds->x + qi[i] * ds->dim, ds->dim * sizeof *xs);
    bad |= dump(dir, "x_query.bin", xs, NQ * ds->dim * sizeof *xs);
    bad |= dump(dir, "y_train.bin", tl, T * sizeof *tl);
    bad |= dump(dir, "y_query.bin", ql, NQ * sizeof *ql);
    double gflat[MAXP * 10];
    for (size_t j = 0; j < nP; j++)
        memcpy(gflat + j * 10, grad[j], 10 * sizeof(double));
    bad |= dump(dir, "grad.bin", gflat, nP * 10 * sizeof(double));

    char path[4096];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    fprintf(f, "{\"sizes\": [");
    for (size_t k = 0; k < net->nL; k++)
        fprintf(f, "%s%u", k ? ", " : "", net->L[k].n);
    fprintf(f, "],\n \"beta\": %.17g, \"n_train\": %zu, \"n_query\": %d,\n"
               " \"init_seed\": %llu, \"task_seed\": %llu,\n \"theta\": [",
            net->L[1].m->beta, T, NQ, (unsigned long long)init_seed,
            (unsigned long long)tseed);
    for (size_t j = 0; j < nP; j++) {
        const double *th = m->projections[j].plasticity->params;
        fprintf(f, "%s[", j ? ", " : "");
        for (int k = 0; k < 10; k++)
            fprintf(f, "%s%.17g", k ? ", " : "", th[k]);
        fprintf(f, "]");
    }
    fprintf(f, "],\n \"loss\": %.17g, \"accuracy\": %.17g,\n \"grad\": [", loss, acc);
    for (size_t j = 0; j < nP; j++) {
        fprintf(f, "%s[", j ? ", " : "");
        for (int k = 0; k < 10; k++)
            fprintf(f, "%s%.17g", k ? ", " : "", grad[j][k]);
        fprintf(f, "]");
    }
    fprintf(f, "]}\n");
    bad |= fclose(f) != 0;
    mp_r_net_free(net);
    if (bad)
        return 1;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"simulator\": \"metaplast\", \"model\": \"%s\", \"n_train\": %zu, "
           "\"n_query\": %d, \"weights\": %zu, \"repeats\": %d, "
           "\"seconds_per_iteration\": %.6f, \"seconds_min\": %.6f, "
           "\"forward_seconds\": %.6f, \"forward_seconds_min\": %.6f, "
           "\"grad_over_forward\": %.3f, \"checkpoint_every\": %zu, "
           "\"engine_bytes\": %zu, \"max_rss_kb\": %ld, \"loss\": %.17g, "
           "\"loss_only\": %.17g, \"accuracy\": %.6f}\n",
           mp_model_name(m), T, NQ, gs.weight_doubles, repeats, tg[repeats / 2], tg[0],
           tf[repeats / 2], tf[0], tg[repeats / 2] / tf[repeats / 2],
           gs.checkpoint_every, gs.engine_bytes, ru.ru_maxrss, loss, loss0, acc);
    free(tf);
    free(tg);
    free(xs);
    free(tl);
    free(perm);
    mp_model_free(m);
    return 0;
}
