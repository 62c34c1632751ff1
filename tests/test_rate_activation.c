/* The activation derivatives of core/rate/activation.c against central
 * finite differences of the functions they differentiate:
 *   mp_r_act_dz1(z, f(z))  vs  d/dz mp_r_act1(z)          (the reverse pass)
 *   mp_r_fp1(f(z))         vs  d/dz mp_r_act1(z)          (the errors' f')
 *   mp_r_fp_dy1(y)         vs  d/dy mp_r_act_deriv(y)     (the reverse pass)
 * for every activation, softplus at several beta and on both sides of its
 * beta z > 20 switch to the identity; softmax through its diagonal. Also:
 * mp_r_act_deriv is mp_r_fp1 element by element (bit for bit). */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "rate/rate_int.h"

#define RTOL 1e-7
#define ATOL 1e-8

static double fd_act1(mp_m_act a, double beta, double z, double h)
{
    return (mp_r_act1(a, beta, z + h) - mp_r_act1(a, beta, z - h)) / (2 * h);
}

static double fp_at(mp_m_act a, double beta, double y)
{
    double fp;
    mp_r_act_deriv(a, beta, &y, &fp, 1);
    return fp;
}

static double fd_fp(mp_m_act a, double beta, double y, double h)
{
    return (fp_at(a, beta, y + h) - fp_at(a, beta, y - h)) / (2 * h);
}

static const char *name(mp_m_act a)
{
    static const char *n[] = {"linear", "relu", "sigmoid", "tanh", "softmax", "softplus"};
    return (unsigned)a < sizeof n / sizeof *n ? n[a] : "?";
}

/* One point z of activation a: all three derivatives. Points closer than
 * 2h to a kink or switch are the caller's to avoid. */
static void check_point(mp_m_act a, double beta, double z)
{
    const double h = 1e-5 * (fabs(z) > 1 ? fabs(z) : 1.0);
    const double y = mp_r_act1(a, beta, z), d = fd_act1(a, beta, z, h);
    const double dz = mp_r_act_dz1(a, beta, z, y), fp = mp_r_fp1(a, beta, y);
    CHECK_(fabs(dz - d) <= ATOL + RTOL * fabs(d),
           "%s beta %g z %g: df/dz %.17g, finite differences %.17g", name(a), beta,
           z, dz, d);
    CHECK_(fabs(fp - d) <= ATOL + RTOL * fabs(d),
           "%s beta %g z %g: fp(y) %.17g, finite differences %.17g", name(a), beta,
           z, fp, d);
    CHECK_(fp_at(a, beta, y) == fp, "%s: mp_r_act_deriv == mp_r_fp1", name(a));
    if (a == MP_ACT_RELU && y == 0.0)
        return; /* the step of fp sits at y = 0 */
    const double hy = 1e-5 * (fabs(y) > 1 ? fabs(y) : 1.0);
    const double dy = mp_r_fp_dy1(a, beta, y), e = fd_fp(a, beta, y, hy);
    CHECK_(fabs(dy - e) <= ATOL + RTOL * fabs(e),
           "%s beta %g y %g: d fp/dy %.17g, finite differences %.17g", name(a),
           beta, y, dy, e);
}

static void elementwise(void)
{
    const mp_m_act acts[] = {MP_ACT_LINEAR, MP_ACT_RELU, MP_ACT_SIGMOID, MP_ACT_TANH};
    for (size_t i = 0; i < sizeof acts / sizeof *acts; i++)
        for (double z = -4.05; z < 4.1; z += 0.1) /* never 0: relu's kink */
            check_point(acts[i], 1.0, z);
}

static void softplus(void)
{
    const double betas[] = {1.0, 2.5, 10.0};
    for (size_t i = 0; i < 3; i++) {
        const double b = betas[i];
        for (double z = -4.05; z < 4.1; z += 0.1)
            check_point(MP_ACT_SOFTPLUS, b, z);
        /* both sides of the switch at beta z = 20 (log1p(exp) below, the
         * identity above), and far above it */
        const double bz[] = {15.0, 19.0, 19.9, 20.1, 21.0, 25.0, 40.0, 200.0};
        for (size_t k = 0; k < sizeof bz / sizeof *bz; k++) {
            const double z = bz[k] / b, h = 1e-5 * (z > 1 ? z : 1.0);
            check_point(MP_ACT_SOFTPLUS, b, z);
            /* tighter than exp(-20) = 2e-9, so that df/dz switches where
             * mp_r_act1 does (mp_r_fp1's 1 - exp(-beta y) does not) */
            const double dz = mp_r_act_dz1(MP_ACT_SOFTPLUS, b, z,
                                           mp_r_act1(MP_ACT_SOFTPLUS, b, z));
            CHECK_NEAR(dz, fd_act1(MP_ACT_SOFTPLUS, b, z, h), 0.0, 1e-10);
        }
        CHECK(mp_r_act_dz1(MP_ACT_SOFTPLUS, b, 20.5 / b, 20.5 / b) == 1.0);
        CHECK(mp_r_act1(MP_ACT_SOFTPLUS, b, 20.5 / b) == 20.5 / b);
    }
}

/* Softmax: fp is the diagonal of its Jacobian, dy_i/dz_i = y_i (1 - y_i). */
static void softmax(void)
{
    double z[4] = {0.3, -1.2, 2.0, 0.1}, y[4], yp[4], ym[4];
    mp_r_act(MP_ACT_SOFTMAX, 1.0, z, y, 4);
    for (int i = 0; i < 4; i++) {
        const double h = 1e-5, zi = z[i];
        z[i] = zi + h;
        mp_r_act(MP_ACT_SOFTMAX, 1.0, z, yp, 4);
        z[i] = zi - h;
        mp_r_act(MP_ACT_SOFTMAX, 1.0, z, ym, 4);
        z[i] = zi;
        const double d = (yp[i] - ym[i]) / (2 * h);
        CHECK_NEAR(mp_r_fp1(MP_ACT_SOFTMAX, 1.0, y[i]), d, RTOL, ATOL);
        CHECK_NEAR(mp_r_fp_dy1(MP_ACT_SOFTMAX, 1.0, y[i]),
                   fd_fp(MP_ACT_SOFTMAX, 1.0, y[i], 1e-5), RTOL, ATOL);
    }
}

int main(void)
{
    elementwise();
    softplus();
    softmax();
    return CHECK_DONE();
}
