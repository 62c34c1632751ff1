/* Seconds per online episode of a rate model, and the arithmetic bound.
 *
 *   bench_rate_episode MODEL.json [REPEATS]
 *
 * Loads the model once (as the meta-layer will), then per repeat
 * instantiates a fresh net (new W and B from seed 1 + repeat) and trains it
 * on the model's training.samples; reports the median training time per
 * episode and, separately, the instantiation time.
 *
 * The bound: the multiply-adds an episode needs at the least, over the
 * single-core rate this machine reaches on the same working set. Per weight
 * and sample the pool episode needs 8: forward W y (1), backward B^T e (1),
 * the pool's two mat-vecs W^T y_post and W^T e_post (2) — read-only passes,
 * timed at the rate of dot products over an array the size of all weights —
 * and the fused update with three outer products and the decay term (4 in
 * one read-modify-write pass, timed as one y += a x pass per weight). Both
 * rates are measured here, compiled like the kernel (vectorized, no FMA),
 * best of several sweeps. For context it also reports the register-resident
 * compute peak, which ignores memory traffic (a bound no mat-vec reaches).
 *
 * Prints one JSON object. Built by the target bench_rate_episode (not part
 * of `all`): cmake --build build --target bench_rate_episode
 */
#include <stdio.h>
#include <stdlib.h>

#include "metaplast/metaplast.h"
#include "model/model_int.h"
#include "util/util_int.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

__attribute__((target_clones("avx512f", "avx2", "default"), noinline))
static void axpy(double *restrict y, const double *restrict x, double a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

__attribute__((target_clones("avx512f", "avx2", "default"), noinline))
static double dot(const double *restrict y, const double *restrict x, size_t n)
{
    /* 8 partial sums, so the loop is not bound by the latency of one add
     * chain (the kernel's mat-vecs accumulate per output row likewise) */
    double acc[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += y[i + k] * x[i + k];
    for (; i < n; i++)
        acc[0] += y[i] * x[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* Register-resident multiply-adds (no memory traffic): the core's compute
 * rate with the build's flags (mul and add separate: -ffp-contract=off). */
__attribute__((target_clones("avx512f", "avx2", "default"), noinline))
static void peak_kernel(double *restrict v, long iters)
{
    double a[32];
    for (int k = 0; k < 32; k++)
        a[k] = v[k];
    for (long it = 0; it < iters; it++)
        for (int k = 0; k < 32; k++)
            a[k] = a[k] * 0.999999 + 1e-9;
    for (int k = 0; k < 32; k++)
        v[k] = a[k];
}

static double peak_rate(void)
{
    double v[32];
    for (int k = 0; k < 32; k++)
        v[k] = 1.0 + k;
    const long iters = 2000000;
    double best = 0.0;
    for (int r = 0; r < 5; r++) {
        double t0 = mp_u_wall_seconds();
        peak_kernel(v, iters);
        double t = mp_u_wall_seconds() - t0;
        best = 32.0 * iters / t > best ? 32.0 * iters / t : best;
    }
    volatile double sink = v[3];
    (void)sink;
    return best;
}

/* Multiply-adds per second of dot products over n doubles (read only, as
 * the forward and transposed mat-vecs). */
static double dot_rate(size_t n)
{
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        x[i] = 1e-9 * (double)(i % 97);
        y[i] = 1e-3 * (double)(i % 89);
    }
    const int sweeps = 200;
    double best = 0.0, sum = 0.0;
    for (int r = 0; r < 7; r++) {
        double t0 = mp_u_wall_seconds();
        for (int s = 0; s < sweeps; s++)
            sum += dot(y, x, n);
        double t = mp_u_wall_seconds() - t0;
        double rate = (double)n * sweeps / t;
        best = rate > best ? rate : best;
    }
    volatile double sink = sum;
    (void)sink;
    free(x);
    free(y);
    return best;
}

/* Multiply-adds per second of y += a x over n doubles. */
static double mac_rate(size_t n)
{
    double *x = malloc(n * sizeof *x), *y = calloc(n, sizeof *y);
    for (size_t i = 0; i < n; i++)
        x[i] = 1e-9 * (double)(i % 97);
    const int sweeps = 200;
    double best = 0.0;
    for (int r = 0; r < 7; r++) {
        double t0 = mp_u_wall_seconds();
        for (int s = 0; s < sweeps; s++)
            axpy(y, x, 1e-3 * (double)(s + 1), n);
        double t = mp_u_wall_seconds() - t0;
        double rate = (double)n * sweeps / t;
        best = rate > best ? rate : best;
    }
    volatile double sink = y[n / 2];
    (void)sink;
    free(x);
    free(y);
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_rate_episode MODEL.json [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 9;
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    char buf[2048];
    double tl = mp_u_wall_seconds();
    if (mp_model_load(argv[1], NULL, 0, &m, &err) != MP_OK) {
        fprintf(stderr, "%s\n", mp_error_format(&err, buf, sizeof buf));
        return 2;
    }
    tl = mp_u_wall_seconds() - tl;
    size_t weights = 0;
    for (size_t j = 0; j < m->n_projections; j++) {
        const mp_m_projection *p = &m->projections[j];
        weights += m->sources[p->source].size * m->populations[p->target].size;
    }
    double *train = malloc((size_t)repeats * sizeof *train);
    double *inst = malloc((size_t)repeats * sizeof *inst);
    long long samples = 0;
    for (int r = 0; r < repeats; r++) {
        mp_net *net = NULL;
        double t0 = mp_u_wall_seconds();
        if (mp_net_new(m, 1 + (uint64_t)r, &net, &err) != MP_OK) {
            fprintf(stderr, "%s\n", mp_error_format(&err, buf, sizeof buf));
            return 1;
        }
        double t1 = mp_u_wall_seconds();
        if (mp_net_run(net, 0.0, NULL, NULL, &err) != MP_OK) {
            fprintf(stderr, "%s\n", mp_error_format(&err, buf, sizeof buf));
            return 1;
        }
        double t2 = mp_u_wall_seconds();
        samples = mp_net_samples(net);
        inst[r] = t1 - t0;
        train[r] = t2 - t1;
        mp_net_free(net);
    }
    qsort(train, (size_t)repeats, sizeof *train, cmp_double);
    qsort(inst, (size_t)repeats, sizeof *inst, cmp_double);
    /* per weight and sample: 4 read-only multiply-adds (forward, backward,
     * the pool's two mat-vecs) at the dot-product rate, and the fused update
     * (4 multiply-adds in one read-modify-write pass) at the axpy rate */
    double macs_read = 4.0 * (double)weights * (double)samples;
    double macs_rmw = 4.0 * (double)weights * (double)samples;
    double macs = macs_read + macs_rmw;
    double r_axpy = mac_rate(weights), r_dot = dot_rate(weights), r_peak = peak_rate();
    double bound = macs_read / r_dot + macs_rmw / (4.0 * r_axpy);
    double bound_peak = macs / r_peak;
    printf("{\"simulator\": \"metaplast\", \"model\": \"%s\", \"samples\": %lld, "
           "\"weights\": %zu, \"seconds_per_episode\": %.6f, \"seconds_min\": %.6f, "
           "\"instantiate_seconds\": %.6f, \"model_load_seconds\": %.3f, "
           "\"macs_per_episode\": %.0f, \"dot_rate_per_s\": %.4g, "
           "\"axpy_rate_per_s\": %.4g, \"peak_rate_per_s\": %.4g, "
           "\"bound_seconds\": %.6f, \"ratio_to_bound\": %.3f, "
           "\"peak_bound_seconds\": %.6f, \"ratio_to_peak_bound\": %.3f}\n",
           mp_model_name(m), samples, weights, train[repeats / 2], train[0],
           inst[repeats / 2], tl, macs, r_dot, r_axpy, r_peak, bound,
           train[repeats / 2] / bound, bound_peak, train[repeats / 2] / bound_peak);
    free(train);
    free(inst);
    mp_model_free(m);
    return 0;
}
