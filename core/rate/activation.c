/* Activation functions of rate layers and their derivatives written through
 * the activation y, as the Shervani-Tabar & Rosenbaum code computes them
 * (paper-code-facts §1.3): the backward pass then needs only y. */
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

void mp_r_act_deriv(mp_m_act act, double beta, const double *y, double *fp,
                    uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        double v = y[i];
        switch (act) {
        case MP_ACT_RELU: fp[i] = v > 0 ? 1.0 : 0.0; break;
        case MP_ACT_SIGMOID:
        case MP_ACT_SOFTMAX: fp[i] = v * (1.0 - v); break;
        case MP_ACT_TANH: fp[i] = 1.0 - v * v; break;
        /* sigmoid(beta z) = 1 - exp(-beta softplus(z)) */
        case MP_ACT_SOFTPLUS: fp[i] = -expm1(-beta * v); break;
        case MP_ACT_LINEAR: fp[i] = 1.0; break;
        }
    }
}
