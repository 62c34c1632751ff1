/* The mat-vec loops of rate networks. -ffp-contract=off is global and the
 * summation order is written out (8 partial sums combined pairwise, rows in
 * order for W^T e), so the vectorized clones give bit-identical results. */
#include <stddef.h>
#include <stdint.h>

#include "rate/rate_int.h"

__attribute__((target_clones("avx512f", "avx2", "default")))
void mp_r_gemv(const double *restrict W, const double *restrict x,
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

__attribute__((target_clones("avx512f", "avx2", "default")))
void mp_r_gemv_t(const double *restrict W, const double *restrict e,
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

__attribute__((target_clones("avx512f", "avx2", "default")))
long mp_r_scan(const double *restrict w, size_t n, double lo, double hi)
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
