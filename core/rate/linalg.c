/* The mat-vec loops of rate networks. -ffp-contract=off is global and the
 * summation order is written out (8 partial sums combined pairwise, rows in
 * order for W^T e), so the vectorized clones give bit-identical results. */
#include <stddef.h>
#include <stdint.h>

#include "rate/rate_int.h"

/* Each loop is a static target_clones function and its name in rate_int.h
 * a hidden alias of it: GCC 12 gives the ifunc and the resolver of a
 * non-static target_clones function default visibility whatever
 * -fvisibility=hidden or a visibility attribute says, so mp_r_gemv and
 * mp_r_gemv.resolver were exported from libmetaplast.so. The clones of a
 * static function stay local, and the alias is the same ifunc: callers
 * pay no extra call (tests/check_symbols.cmake checks the exports). */
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define LIBRARY_NAME(name, clones)                                             \
    extern __typeof__(clones) name                                             \
        __attribute__((visibility("hidden"), alias(#clones)))

CLONES
static void gemv_clones(const double *restrict W, const double *restrict x,
                        double *restrict z, uint32_t rows, uint32_t cols)
{
    for (uint32_t r = 0; r < rows; r++) {
        const double *restrict w = W + (size_t)r * cols;
        double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        uint32_t k = 0;
        for (; k + 8 <= cols; k += 8)
            for (int u = 0; u < 8; u++)
                a[u] += w[k + u] * x[k + u];
        double s = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
        for (; k < cols; k++)
            s += w[k] * x[k];
        z[r] = s;
    }
}
LIBRARY_NAME(mp_r_gemv, gemv_clones);

CLONES
static void gemv_t_clones(const double *restrict W, const double *restrict e,
                          double *restrict out, uint32_t rows, uint32_t cols)
{
    for (uint32_t k = 0; k < cols; k++)
        out[k] = 0.0;
    for (uint32_t r = 0; r < rows; r++) {
        const double *restrict w = W + (size_t)r * cols;
        const double er = e[r];
        if (er == 0.0)
            continue; /* exact: adds nothing (unless w holds Inf/NaN, which
                         the guard catches after every update) */
        for (uint32_t k = 0; k < cols; k++)
            out[k] += er * w[k];
    }
}
LIBRARY_NAME(mp_r_gemv_t, gemv_t_clones);

CLONES
static long scan_clones(const double *restrict w, size_t n, double lo, double hi)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++)
        bad |= !(w[k] >= lo) | !(w[k] <= hi); /* NaN fails both */
    if (!bad)
        return -1;
    for (size_t k = 0; k < n; k++)
        if (!(w[k] >= lo && w[k] <= hi))
            return (long)k;
    return -1;
}
LIBRARY_NAME(mp_r_scan, scan_clones);

/* The reverse-mode loops (core/rate/episode.c): the same summation
 * order as mp_r_gemv's rows (8 partial sums combined pairwise, then the
 * tail in order), written with 8-double vectors so that GCC keeps the
 * partial sums in registers; every ISA clone gives the same bits. */
typedef double v8d __attribute__((vector_size(64), aligned(8)));
#define V8(p) (*(const v8d *)(const void *)(p))
#define V8W(p) (*(v8d *)(void *)(p))
#define SUM8(a) ((((a)[0] + (a)[1]) + ((a)[2] + (a)[3])) + (((a)[4] + (a)[5]) + ((a)[6] + (a)[7])))

CLONES
static double dot_clones(const double *restrict a, const double *restrict b, uint32_t n)
{
    v8d s8 = {0, 0, 0, 0, 0, 0, 0, 0};
    uint32_t k = 0;
    for (; k + 8 <= n; k += 8)
        s8 += V8(a + k) * V8(b + k);
    double s = SUM8(s8);
    for (; k < n; k++)
        s += a[k] * b[k];
    return s;
}
LIBRARY_NAME(mp_r_dot, dot_clones);

CLONES
static void ger_clones(double *restrict A, const double *restrict a,
                       const double *restrict x, uint32_t rows, uint32_t cols)
{
    for (uint32_t r = 0; r < rows; r++) {
        const double ar = a[r];
        if (ar == 0.0)
            continue;
        double *restrict w = A + (size_t)r * cols;
        for (uint32_t k = 0; k < cols; k++)
            w[k] += ar * x[k];
    }
}
LIBRARY_NAME(mp_r_ger, ger_clones);

/* out_t = W^T e exactly as mp_r_gemv_t and out_n = W g exactly as mp_r_gemv,
 * in one pass over W. */
CLONES
static void gemv_tn_clones(const double *restrict W, const double *restrict e,
                           double *restrict out_t, const double *restrict g,
                           double *restrict out_n, uint32_t rows, uint32_t cols)
{
    for (uint32_t k = 0; k < cols; k++)
        out_t[k] = 0.0;
    for (uint32_t r = 0; r < rows; r++) {
        const double *restrict w = W + (size_t)r * cols;
        const double er = e[r];
        v8d a = {0, 0, 0, 0, 0, 0, 0, 0};
        uint32_t k = 0;
        if (er != 0.0) { /* mp_r_gemv_t skips zero rows */
            for (; k + 8 <= cols; k += 8) {
                const v8d wk = V8(w + k);
                V8W(out_t + k) = V8(out_t + k) + er * wk;
                a += wk * V8(g + k);
            }
            for (uint32_t i = k; i < cols; i++)
                out_t[i] += er * w[i];
        } else {
            for (; k + 8 <= cols; k += 8)
                a += V8(w + k) * V8(g + k);
        }
        double s = SUM8(a);
        for (; k < cols; k++)
            s += w[k] * g[k];
        out_n[r] = s;
    }
}
LIBRARY_NAME(mp_r_gemv_tn, gemv_tn_clones);
