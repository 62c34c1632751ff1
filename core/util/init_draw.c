/* Initial values: one draw of an initializer, and a matrix of them. */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "metaplast/error.h"
#include "util/init_draw.h"

double mp_u_init_draw(const mp_m_init *in, gsl_rng *r, size_t G)
{
    switch (in->kind) {
    case MP_INIT_CONST: return in->a;
    case MP_INIT_UNIFORM: return in->a + (in->b - in->a) * gsl_rng_uniform(r);
    case MP_INIT_NORMAL: return in->a + gsl_ran_gaussian(r, in->b);
    case MP_INIT_GROUP_TUNED: {
        double x = ((double)G - in->preferred) / in->width;
        double u = gsl_rng_uniform(r);
        return in->base + in->amplitude / (1.0 + pow(fabs(x), in->power)) +
               in->jitter_lo + (in->jitter_hi - in->jitter_lo) * u;
    }
    case MP_INIT_XAVIER_UNIFORM: break; /* needs the fans: mp_u_init_fill */
    }
    return in->a;
}

int mp_u_init_fill(double *A, uint32_t rows, uint32_t cols, const mp_m_init *in,
                   uint64_t seed)
{
    gsl_rng *r = mp_u_rng_new(MP_U_RNG_TAUS2, seed);
    if (!r)
        return MP_ENOMEM;
    size_t n = (size_t)rows * cols;
    if (in->kind == MP_INIT_XAVIER_UNIFORM) {
        double b = in->a * sqrt(6.0 / ((double)rows + (double)cols));
        for (size_t k = 0; k < n; k++)
            A[k] = -b + 2.0 * b * gsl_rng_uniform(r);
    } else {
        for (size_t k = 0; k < n; k++)
            A[k] = mp_u_init_draw(in, r, 1);
    }
    mp_u_rng_free(r);
    return MP_OK;
}
