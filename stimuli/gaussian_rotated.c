/* Gaussian data sets with a random rotated diagonal covariance (Confavreux
 * et al. 2020, Figs. 1-2: "a covariance matrix originating from a single
 * diagonal matrix which is itself then randomly rotated"), the inputs of the
 * Oja / principal-subspace tasks.
 *
 * The rotation is Haar-distributed: the Q of the QR decomposition of a
 * matrix of independent N(0,1) entries, with each column's sign flipped so
 * that R's diagonal is positive. Without that fix Q inherits the sign
 * convention of the Householder QR and is not uniform on O(dim) (Mezzadri
 * 2007, "How to generate random matrices from the classical compact groups").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "stimuli/dataset_int.h"
#include "util/rng.h"
#include "util/util_int.h"

/* Fills rot (dim*dim, row-major) with a Haar-random orthogonal matrix. */
static int haar_orthogonal(gsl_rng *r, size_t dim, double *rot, mp_error *err)
{
    gsl_matrix *a = gsl_matrix_alloc(dim, dim);
    gsl_matrix *q = gsl_matrix_alloc(dim, dim);
    gsl_matrix *rr = gsl_matrix_alloc(dim, dim);
    gsl_vector *tau = gsl_vector_alloc(dim);
    int rc = MP_OK;
    if (!a || !q || !rr || !tau) {
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < dim; i++)
        for (size_t j = 0; j < dim; j++)
            gsl_matrix_set(a, i, j, gsl_ran_gaussian(r, 1.0));
    gsl_linalg_QR_decomp(a, tau);
    gsl_linalg_QR_unpack(a, tau, q, rr);
    for (size_t j = 0; j < dim; j++) {
        /* a Gaussian matrix is singular with probability 0; a zero diagonal
         * keeps its column as it is */
        double sign = gsl_matrix_get(rr, j, j) < 0.0 ? -1.0 : 1.0;
        for (size_t i = 0; i < dim; i++)
            rot[i * dim + j] = sign * gsl_matrix_get(q, i, j);
    }
done:
    gsl_matrix_free(a);
    gsl_matrix_free(q);
    gsl_matrix_free(rr);
    gsl_vector_free(tau);
    return rc;
}

int mp_ds_gaussian_rotated(size_t dim, size_t n, const double *variances,
                           uint64_t seed, mp_dataset **out, double *rotation,
                           mp_error *err)
{
    *out = NULL;
    if (dim == 0 || dim > 100000)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "dimension %zu outside 1..100000", dim);
    for (size_t k = 0; k < dim; k++) {
        if (!(variances[k] >= 0.0) || !isfinite(variances[k]))
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "variance %zu is %g: must be finite and >= 0", k,
                            variances[k]);
        /* descending, so that column k of the rotation is the k-th
         * principal axis */
        if (k > 0 && variances[k] > variances[k - 1])
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "variances must be in descending order: "
                            "variance %zu (%g) > variance %zu (%g)",
                            k, variances[k], k - 1, variances[k - 1]);
    }
    mp_dataset *ds = NULL;
    double *rot = mp_u_malloc(dim * dim * sizeof *rot);
    double *sd = mp_u_malloc(dim * sizeof *sd);
    double *z = mp_u_malloc(dim * sizeof *z);
    gsl_rng *r = mp_u_rng_new(MP_U_RNG_MT19937, seed);
    int rc = MP_OK;
    if (!rot || !sd || !z || !r)
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc == MP_OK)
        rc = haar_orthogonal(r, dim, rot, err);
    char source[96];
    snprintf(source, sizeof source, "gaussian_rotated(dim=%zu, seed=%llu)",
             dim, (unsigned long long)seed);
    if (rc == MP_OK)
        rc = mp_ds_new(n, dim, 0, source, &ds, err);
    if (rc == MP_OK) {
        for (size_t k = 0; k < dim; k++)
            sd[k] = sqrt(variances[k]);
        for (size_t s = 0; s < n; s++) {
            for (size_t k = 0; k < dim; k++)
                z[k] = sd[k] * gsl_ran_gaussian(r, 1.0);
            double *x = ds->x + s * dim;
            for (size_t i = 0; i < dim; i++) {
                const double *row = rot + i * dim;
                double acc = 0.0;
                for (size_t k = 0; k < dim; k++)
                    acc += row[k] * z[k];
                x[i] = acc;
            }
        }
        if (rotation)
            for (size_t i = 0; i < dim * dim; i++)
                rotation[i] = rot[i];
        *out = ds;
    }
    mp_u_free(rot);
    mp_u_free(sd);
    mp_u_free(z);
    if (r)
        mp_u_rng_free(r);
    return rc;
}

int mp_ds_spectrum(enum mp_ds_spectrum_kind kind, size_t dim, double top,
                   double ratio, double *variances, mp_error *err)
{
    if (dim == 0)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "spectrum of dimension 0");
    if (!(top > 0.0) || !isfinite(top))
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "largest variance %g: must be finite and > 0", top);
    if (!(ratio > 0.0 && ratio <= 1.0))
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "ratio smallest/largest variance %g: must be in (0, 1]",
                        ratio);
    for (size_t k = 0; k < dim; k++) {
        double t = dim > 1 ? (double)k / (double)(dim - 1) : 0.0;
        switch (kind) {
        case MP_DS_SPECTRUM_LINEAR:
            variances[k] = top * (1.0 - (1.0 - ratio) * t);
            break;
        case MP_DS_SPECTRUM_EXPONENTIAL:
            variances[k] = top * pow(ratio, t);
            break;
        default:
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "unknown spectrum kind %d", (int)kind);
        }
    }
    return MP_OK;
}
