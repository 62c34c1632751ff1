/* Activation functions of rate layers and every derivative of them the
 * code uses, in one place: f' written through the activation y, as the
 * Shervani-Tabar & Rosenbaum code computes them (paper-code-facts §1.3:
 * the errors then need only y), and for the reverse pass (reverse.c) the
 * exact df/dz of mp_r_act1 and d fp / dy of that f'. tests/test_rate_activation.c
 * checks each against finite differences. */
#include <math.h>

#include "rate/rate_int.h"

double mp_r_act1(mp_m_act act, double beta, double z)
{
    switch (act) {
    case MP_ACT_RELU: return z > 0 ? z : 0.0;
    case MP_ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));
    case MP_ACT_TANH: return tanh(z);
    case MP_ACT_SOFTPLUS:
        /* PyTorch's Softplus: identity above beta z = 20 (no overflow) */
        return beta * z > 20.0 ? z : log1p(exp(beta * z)) / beta;
    case MP_ACT_LINEAR:
    case MP_ACT_SOFTMAX: break;
    }
    return z;
}

void mp_r_act(mp_m_act act, double beta, const double *z, double *y, uint32_t n)
{
    if (act != MP_ACT_SOFTMAX) {
        for (uint32_t i = 0; i < n; i++)
            y[i] = mp_r_act1(act, beta, z[i]);
        return;
    }
    double mx = z[0], s = 0.0;
    for (uint32_t i = 1; i < n; i++)
        mx = z[i] > mx ? z[i] : mx;
    for (uint32_t i = 0; i < n; i++) {
        y[i] = exp(z[i] - mx); /* shifted: no overflow */
        s += y[i];
    }
    for (uint32_t i = 0; i < n; i++)
        y[i] /= s;
}

/* f'(z) through y = f(z): the factor of the errors (errors.c). */
double mp_r_fp1(mp_m_act act, double beta, double y)
{
    switch (act) {
    case MP_ACT_RELU: return y > 0 ? 1.0 : 0.0;
    case MP_ACT_SIGMOID:
    case MP_ACT_SOFTMAX: return y * (1.0 - y);
    case MP_ACT_TANH: return 1.0 - y * y;
    /* sigmoid(beta z) = 1 - exp(-beta softplus(z)) */
    case MP_ACT_SOFTPLUS: return -expm1(-beta * y);
    case MP_ACT_LINEAR: break;
    }
    return 1.0;
}

void mp_r_act_deriv(mp_m_act act, double beta, const double *y, double *fp,
                    uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        fp[i] = mp_r_fp1(act, beta, y[i]);
}

/* The reverse pass differentiates the function mp_r_act1 evaluates:
 * softplus is sigmoid(beta z), and exactly 1 above beta z = 20 where
 * mp_r_act1 is the identity (not mp_r_fp1's 1 - exp(-beta y)). */
double mp_r_act_dz1(mp_m_act act, double beta, double z, double y)
{
    switch (act) {
    case MP_ACT_RELU: return z > 0 ? 1.0 : 0.0;
    case MP_ACT_SOFTPLUS:
        return beta * z > 20.0 ? 1.0 : 1.0 / (1.0 + exp(-beta * z));
    case MP_ACT_SIGMOID: return y * (1.0 - y);
    case MP_ACT_TANH: return 1.0 - y * y;
    case MP_ACT_LINEAR:
    case MP_ACT_SOFTMAX: break;
    }
    return 1.0;
}

double mp_r_fp_dy1(mp_m_act act, double beta, double y)
{
    switch (act) {
    case MP_ACT_SOFTPLUS: return beta * exp(-beta * y);
    case MP_ACT_SIGMOID:
    case MP_ACT_SOFTMAX: return 1.0 - 2.0 * y;
    case MP_ACT_TANH: return -2.0 * y;
    case MP_ACT_RELU:
    case MP_ACT_LINEAR: break;
    }
    return 0.0;
}
