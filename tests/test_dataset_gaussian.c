/* Gaussian data sets with a random rotated diagonal covariance: R is
 * orthogonal, the sample covariance of 100k samples has the requested
 * eigenvalues and R's first column as its leading axis, a seed gives the
 * same set, the spectra helper, and argument errors. */
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include "check.h"
#include "stimuli/dataset_int.h"

#define D 5

static void check_orthogonal(const double *r, size_t dim)
{
    double worst = 0.0;
    for (size_t i = 0; i < dim; i++)
        for (size_t j = 0; j < dim; j++) {
            double dot = 0.0; /* (R^T R)_ij */
            for (size_t k = 0; k < dim; k++)
                dot += r[k * dim + i] * r[k * dim + j];
            double e = fabs(dot - (i == j ? 1.0 : 0.0));
            worst = e > worst ? e : worst;
        }
    CHECK_(worst < 1e-12, "R^T R - I: %g", worst);
}

static void check_covariance(void)
{
    const double var[D] = {5.0, 3.0, 2.0, 1.0, 0.5};
    const size_t n = 100000;
    double rot[D * D];
    mp_dataset *ds = NULL;
    mp_error err = {0};
    CHECK_OK(mp_ds_gaussian_rotated(D, n, var, 42, &ds, rot, &err));
    if (!ds)
        return;
    CHECK_EQ(ds->n, n);
    CHECK_EQ(ds->dim, D);
    CHECK(ds->label == NULL);
    CHECK_STR(ds->source, "gaussian_rotated(dim=5, seed=42)");
    check_orthogonal(rot, D);

    /* sample covariance (the mean is 0 by construction; estimate it anyway
     * to check it) */
    double mean[D] = {0}, cov[D * D] = {0};
    for (size_t s = 0; s < n; s++)
        for (size_t i = 0; i < D; i++)
            mean[i] += ds->x[s * D + i] / (double)n;
    for (size_t i = 0; i < D; i++)
        CHECK_NEAR(mean[i], 0.0, 0.0, 0.03); /* ~5 sd of sqrt(5/1e5) */
    for (size_t s = 0; s < n; s++)
        for (size_t i = 0; i < D; i++)
            for (size_t j = 0; j < D; j++)
                cov[i * D + j] += ds->x[s * D + i] * ds->x[s * D + j];
    for (size_t i = 0; i < D * D; i++)
        cov[i] /= (double)n;

    gsl_matrix_view cv = gsl_matrix_view_array(cov, D, D);
    gsl_vector *eval = gsl_vector_alloc(D);
    gsl_matrix *evec = gsl_matrix_alloc(D, D);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(D);
    gsl_eigen_symmv(&cv.matrix, eval, evec, w);
    gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC);
    /* relative sd of a sample variance is sqrt(2/n) = 0.45% */
    for (size_t k = 0; k < D; k++)
        CHECK_NEAR(gsl_vector_get(eval, k), var[k], 0.03, 0.0);
    /* leading eigenvector vs R's first column */
    double dot = 0.0;
    for (size_t i = 0; i < D; i++)
        dot += gsl_matrix_get(evec, i, 0) * rot[i * D + 0];
    double angle = acos(fmin(1.0, fabs(dot)));
    CHECK_(angle < 0.03, "angle of PC1 to R[:,0]: %g rad", angle);
    /* every principal axis, since the spectrum has gaps */
    for (size_t k = 1; k < D; k++) {
        double d2 = 0.0;
        for (size_t i = 0; i < D; i++)
            d2 += gsl_matrix_get(evec, i, k) * rot[i * D + k];
        CHECK_(fabs(d2) > 0.99, "axis %zu: |cos| %g", k, fabs(d2));
    }
    gsl_eigen_symmv_free(w);
    gsl_matrix_free(evec);
    gsl_vector_free(eval);
    mp_ds_free(ds);
}

static void check_determinism(void)
{
    const double var[3] = {3.0, 2.0, 1.0};
    double r1[9], r2[9], r3[9];
    mp_dataset *a = NULL, *b = NULL, *c = NULL, *shortset = NULL;
    mp_error err = {0};
    CHECK_OK(mp_ds_gaussian_rotated(3, 1000, var, 7, &a, r1, &err));
    CHECK_OK(mp_ds_gaussian_rotated(3, 1000, var, 7, &b, r2, &err));
    CHECK_OK(mp_ds_gaussian_rotated(3, 1000, var, 8, &c, r3, &err));
    CHECK_OK(mp_ds_gaussian_rotated(3, 10, var, 7, &shortset, NULL, &err));
    if (!a || !b || !c || !shortset)
        return;
    CHECK(memcmp(r1, r2, sizeof r1) == 0);
    CHECK(memcmp(a->x, b->x, 3000 * sizeof(double)) == 0);
    CHECK(memcmp(r1, r3, sizeof r1) != 0);
    CHECK(memcmp(a->x, c->x, 3000 * sizeof(double)) != 0);
    /* the first samples do not depend on n */
    CHECK(memcmp(a->x, shortset->x, 30 * sizeof(double)) == 0);
    /* a 64-bit seed is folded, so seeds that differ only above bit 31
     * give different sets unless they fold to the same 32 bits */
    mp_dataset *hi = NULL;
    CHECK_OK(mp_ds_gaussian_rotated(3, 10, var, (7ull << 32) | 7u, &hi, NULL,
                                    &err));
    if (hi) {
        mp_dataset *zero = NULL; /* (7<<32 | 7) folds to 0 */
        CHECK_OK(mp_ds_gaussian_rotated(3, 10, var, 0, &zero, NULL, &err));
        CHECK(zero && memcmp(hi->x, zero->x, 30 * sizeof(double)) == 0);
        CHECK(memcmp(hi->x, shortset->x, 30 * sizeof(double)) != 0);
        mp_ds_free(zero);
    }
    mp_ds_free(hi);
    mp_ds_free(a);
    mp_ds_free(b);
    mp_ds_free(c);
    mp_ds_free(shortset);

    /* a larger rotation is orthogonal too */
    double *big = malloc(100 * 100 * sizeof *big), v[100];
    CHECK_OK(mp_ds_spectrum(MP_DS_SPECTRUM_EXPONENTIAL, 100, 1.0, 0.01, v,
                            &err));
    CHECK_OK(mp_ds_gaussian_rotated(100, 1, v, 3, &a, big, &err));
    check_orthogonal(big, 100);
    mp_ds_free(a);
    free(big);
}

static void check_spectrum(void)
{
    double v[5];
    mp_error err = {0};
    CHECK_OK(mp_ds_spectrum(MP_DS_SPECTRUM_LINEAR, 5, 2.0, 0.2, v, &err));
    CHECK_NEAR(v[0], 2.0, 1e-15, 0.0);
    CHECK_NEAR(v[2], 1.2, 1e-15, 0.0);
    CHECK_NEAR(v[4], 0.4, 1e-15, 0.0);
    CHECK_OK(mp_ds_spectrum(MP_DS_SPECTRUM_EXPONENTIAL, 5, 1.0, 0.0625, v,
                            &err));
    CHECK_NEAR(v[0], 1.0, 1e-15, 0.0);
    CHECK_NEAR(v[1], 0.5, 1e-15, 0.0);
    CHECK_NEAR(v[4], 0.0625, 1e-15, 0.0);
    CHECK_OK(mp_ds_spectrum(MP_DS_SPECTRUM_LINEAR, 1, 3.0, 0.5, v, &err));
    CHECK_EQ(v[0], 3.0);
    CHECK_EQ(mp_ds_spectrum(MP_DS_SPECTRUM_LINEAR, 5, 1.0, 0.0, v, &err),
             MP_EINVAL);
    mp_error e2 = {0};
    CHECK_EQ(mp_ds_spectrum(MP_DS_SPECTRUM_LINEAR, 5, -1.0, 0.5, v, &e2),
             MP_EINVAL);
    CHECK(strstr(e2.text, "largest variance") != NULL);
}

static void check_errors(void)
{
    mp_dataset *ds = NULL;
    mp_error err = {0};
    const double up[3] = {1.0, 2.0, 3.0};
    CHECK_EQ(mp_ds_gaussian_rotated(3, 10, up, 1, &ds, NULL, &err), MP_EINVAL);
    CHECK(strstr(err.text, "descending") != NULL);
    CHECK(ds == NULL);
    mp_error e2 = {0};
    const double neg[3] = {1.0, 0.5, -1.0};
    CHECK_EQ(mp_ds_gaussian_rotated(3, 10, neg, 1, &ds, NULL, &e2), MP_EINVAL);
    CHECK(strstr(e2.text, ">= 0") != NULL);
    mp_error e3 = {0};
    CHECK_EQ(mp_ds_gaussian_rotated(0, 10, neg, 1, &ds, NULL, &e3), MP_EINVAL);
}

int main(void)
{
    check_covariance();
    check_determinism();
    check_spectrum();
    check_errors();
    return CHECK_DONE();
}
