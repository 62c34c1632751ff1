/* CMA-ES after Hansen, "The CMA Evolution Strategy: A Tutorial" (2016),
 * the (mu/mu_w, lambda) strategy with positive log-rank recombination
 * weights: cumulation paths p_sigma and p_c, rank-one + rank-mu covariance
 * update, cumulative step-size adaptation with h_sigma, and the
 * eigendecomposition C = B D^2 B^T (GSL gsl_eigen_symmv, sorted) redone
 * lazily, about every lambda / (c1 + cmu) / n / 10 evaluations.
 * (The Vogels lab's optimizer adds negative "active" weights; this one
 * does not.)
 *
 * Bounds: a candidate outside [lo, hi] is resampled (new z) up to 100
 * times, then clamped; the clamped point is what is evaluated and what the
 * update sees.
 *
 * ask draws its normal deviates from a GSL mt19937 seeded per generation
 * by the caller, so the state to checkpoint is just the fields of
 * mp_cmaes (no generator state).
 */
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_int.h"
#include "util/rng.h"
#include "util/util_int.h"

int mp_cmaes_init(mp_cmaes *es, size_t n, const double *mean, double sigma,
                  size_t lambda, mp_error *err)
{
    memset(es, 0, sizeof *es);
    if (n == 0 || !(sigma > 0))
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "CMA-ES needs n >= 1 and sigma > 0");
    if (lambda == 0)
        lambda = 4 + (size_t)floor(3.0 * log((double)n));
    if (lambda < 2)
        lambda = 2;
    es->n = n;
    es->lambda = lambda;
    es->mu = lambda / 2;
    es->w = mp_u_malloc(es->mu * sizeof *es->w);
    es->mean = mp_u_malloc(n * sizeof(double));
    es->C = mp_u_calloc(n * n, sizeof(double));
    es->B = mp_u_calloc(n * n, sizeof(double));
    es->D = mp_u_malloc(n * sizeof(double));
    es->pc = mp_u_calloc(n, sizeof(double));
    es->ps = mp_u_calloc(n, sizeof(double));
    es->tmp = mp_u_malloc(n * sizeof(double));
    es->tmp2 = mp_u_malloc(n * sizeof(double));
    es->idx = mp_u_malloc(lambda * sizeof *es->idx);
    if (!es->w || !es->mean || !es->C || !es->B || !es->D || !es->pc || !es->ps ||
        !es->tmp || !es->tmp2 || !es->idx) {
        mp_cmaes_release(es);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory for the CMA-ES state (%zu coefficients, "
                        "population %zu)", n, lambda);
    }
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < es->mu; i++) {
        es->w[i] = log(((double)lambda + 1.0) / 2.0) - log((double)i + 1.0);
        s += es->w[i];
    }
    for (size_t i = 0; i < es->mu; i++) {
        es->w[i] /= s;
        s2 += es->w[i] * es->w[i];
    }
    double nn = (double)n, mueff = 1.0 / s2;
    es->mueff = mueff;
    es->cc = (4.0 + mueff / nn) / (nn + 4.0 + 2.0 * mueff / nn);
    es->cs = (mueff + 2.0) / (nn + mueff + 5.0);
    es->c1 = 2.0 / ((nn + 1.3) * (nn + 1.3) + mueff);
    double cmu = 2.0 * (mueff - 2.0 + 1.0 / mueff) / ((nn + 2.0) * (nn + 2.0) + mueff);
    es->cmu = cmu < 1.0 - es->c1 ? cmu : 1.0 - es->c1;
    double d = sqrt((mueff - 1.0) / (nn + 1.0)) - 1.0;
    es->damps = 1.0 + 2.0 * (d > 0 ? d : 0.0) + es->cs;
    es->chiN = sqrt(nn) * (1.0 - 1.0 / (4.0 * nn) + 1.0 / (21.0 * nn * nn));
    memcpy(es->mean, mean, n * sizeof(double));
    es->sigma = sigma;
    for (size_t i = 0; i < n; i++) {
        es->C[i * n + i] = 1.0;
        es->B[i * n + i] = 1.0;
        es->D[i] = 1.0;
    }
    return MP_OK;
}

void mp_cmaes_release(mp_cmaes *es)
{
    mp_u_free(es->w);
    mp_u_free(es->mean);
    mp_u_free(es->C);
    mp_u_free(es->B);
    mp_u_free(es->D);
    mp_u_free(es->pc);
    mp_u_free(es->ps);
    mp_u_free(es->tmp);
    mp_u_free(es->tmp2);
    mp_u_free(es->idx);
    memset(es, 0, sizeof *es);
}

static int outside(const mp_cmaes *es, const double *x)
{
    if (!es->lo)
        return 0;
    for (size_t i = 0; i < es->n; i++)
        if (x[i] < es->lo[i] || x[i] > es->hi[i])
            return 1;
    return 0;
}

int mp_cmaes_ask(mp_cmaes *es, uint64_t seed, double *X)
{
    size_t n = es->n;
    gsl_rng *r = mp_u_rng_new(MP_U_RNG_MT19937, seed);
    if (!r)
        return MP_ENOMEM;
    for (size_t k = 0; k < es->lambda; k++) {
        double *x = X + k * n;
        for (int tries = 0; tries < 100; tries++) {
            for (size_t i = 0; i < n; i++) /* D z */
                es->tmp[i] = es->D[i] * gsl_ran_gaussian(r, 1.0);
            for (size_t i = 0; i < n; i++) { /* m + sigma B D z */
                double s = 0.0;
                for (size_t j = 0; j < n; j++)
                    s += es->B[i * n + j] * es->tmp[j];
                x[i] = es->mean[i] + es->sigma * s;
            }
            if (!outside(es, x))
                break;
        }
        if (es->lo)
            for (size_t i = 0; i < n; i++)
                x[i] = x[i] < es->lo[i] ? es->lo[i] : x[i] > es->hi[i] ? es->hi[i] : x[i];
    }
    mp_u_rng_free(r);
    return MP_OK;
}

/* f[i] before f[j]: smaller first, NaN last, ties by index (stable). */
static int before(const double *f, size_t i, size_t j)
{
    double fi = f[i], fj = f[j];
    if (fi < fj || (isnan(fj) && !isnan(fi)))
        return 1;
    if (fi > fj || (isnan(fi) && !isnan(fj)))
        return 0;
    return i < j;
}

static int eigen(mp_cmaes *es)
{
    size_t n = es->n;
    for (size_t i = 0; i < n; i++) /* enforce symmetry */
        for (size_t j = 0; j < i; j++)
            es->C[j * n + i] = es->C[i * n + j];
    gsl_matrix *A = gsl_matrix_alloc(n, n), *V = gsl_matrix_alloc(n, n);
    gsl_vector *ev = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
    int rc = A && V && ev && ws ? MP_OK : MP_ENOMEM;
    if (rc == MP_OK) {
        memcpy(A->data, es->C, n * n * sizeof(double)); /* tda == n */
        gsl_eigen_symmv(A, ev, V, ws);
        gsl_eigen_symmv_sort(ev, V, GSL_EIGEN_SORT_VAL_ASC);
        for (size_t i = 0; i < n; i++) {
            double l = gsl_vector_get(ev, i);
            es->D[i] = sqrt(l > 1e-300 ? l : 1e-300);
            for (size_t j = 0; j < n; j++)
                es->B[j * n + i] = gsl_matrix_get(V, j, i);
        }
    }
    if (ws)
        gsl_eigen_symmv_free(ws);
    gsl_vector_free(ev);
    gsl_matrix_free(V);
    gsl_matrix_free(A);
    return rc;
}

int mp_cmaes_tell(mp_cmaes *es, const double *X, const double *f)
{
    size_t n = es->n, lam = es->lambda;
    for (size_t k = 0; k < lam; k++) { /* insertion sort: lambda is small */
        size_t q = k;
        while (q > 0 && before(f, k, es->idx[q - 1])) {
            es->idx[q] = es->idx[q - 1];
            q--;
        }
        es->idx[q] = k;
    }
    es->counteval += (long long)lam;
    es->gen++;
    double *old = es->tmp2, *y = es->tmp;
    memcpy(old, es->mean, n * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t k = 0; k < es->mu; k++)
            s += es->w[k] * X[es->idx[k] * n + i];
        es->mean[i] = s;
    }
    /* y = (m - m_old) / sigma; C^{-1/2} y = B D^-1 B^T y */
    for (size_t i = 0; i < n; i++)
        y[i] = (es->mean[i] - old[i]) / es->sigma;
    double *bty = mp_u_malloc(n * sizeof(double));
    if (!bty)
        return MP_ENOMEM;
    for (size_t j = 0; j < n; j++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += es->B[i * n + j] * y[i];
        bty[j] = s / es->D[j];
    }
    double cs = es->cs, a = sqrt(cs * (2.0 - cs) * es->mueff), psn = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < n; j++)
            s += es->B[i * n + j] * bty[j];
        es->ps[i] = (1.0 - cs) * es->ps[i] + a * s;
        psn += es->ps[i] * es->ps[i];
    }
    mp_u_free(bty);
    psn = sqrt(psn);
    double gens = (double)es->counteval / (double)lam;
    double hsig = psn / sqrt(1.0 - pow(1.0 - cs, 2.0 * gens)) / es->chiN <
                          1.4 + 2.0 / ((double)n + 1.0)
                      ? 1.0
                      : 0.0;
    double cc = es->cc, b = sqrt(cc * (2.0 - cc) * es->mueff);
    for (size_t i = 0; i < n; i++)
        es->pc[i] = (1.0 - cc) * es->pc[i] + hsig * b * y[i];
    double c1 = es->c1, cmu = es->cmu;
    double keep = 1.0 - c1 - cmu;
    double dh = (1.0 - hsig) * cc * (2.0 - cc);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double rmu = 0.0;
            for (size_t k = 0; k < es->mu; k++) {
                const double *xk = X + es->idx[k] * n;
                rmu += es->w[k] * ((xk[i] - old[i]) / es->sigma) *
                       ((xk[j] - old[j]) / es->sigma);
            }
            double c = keep * es->C[i * n + j] +
                       c1 * (es->pc[i] * es->pc[j] + dh * es->C[i * n + j]) + cmu * rmu;
            es->C[i * n + j] = es->C[j * n + i] = c;
        }
    es->sigma *= exp((cs / es->damps) * (psn / es->chiN - 1.0));
    if ((double)(es->counteval - es->eigeneval) > (double)lam / (c1 + cmu) / (double)n / 10.0) {
        es->eigeneval = es->counteval;
        return eigen(es);
    }
    return MP_OK;
}
