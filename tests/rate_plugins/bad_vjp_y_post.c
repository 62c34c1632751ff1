/* Test fixture for `metaplast plugins --gradcheck`: a Hebbian rate rule,
 * dW = eta y_post y_pre^T, whose step_vjp is right for every argument but
 * y_post, where it is off by a factor of 2 (the kind of slip a hand-written
 * derivative makes). The gradcheck must fail and name y_post alone. */
#include <math.h>

#include "metaplast/rule.h"

static const mp_param_desc params[] = {
    {"eta", "1", "learning rate", 1e-3, -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF}};

static int step(const mp_rule_io *io)
{
    const double eta = io->p[0];
    for (uint32_t j = 0; j < io->n_post; j++)
        for (uint32_t k = 0; k < io->n_pre; k++)
            io->W[(size_t)j * io->n_pre + k] += eta * io->y_post[j] * io->y_pre[k];
    return MP_RULE_OK;
}

static int step_vjp(const mp_rule_io *io, const double *gW, double *gp, double *gW_in,
                    double *g_y_pre, double *g_y_post, double *g_e_pre, double *g_e_post)
{
    (void)g_e_pre;
    (void)g_e_post;
    const double eta = io->p[0];
    for (uint32_t j = 0; j < io->n_post; j++)
        for (uint32_t k = 0; k < io->n_pre; k++) {
            size_t s = (size_t)j * io->n_pre + k;
            gW_in[s] += gW[s];
            gp[0] += gW[s] * io->y_post[j] * io->y_pre[k];
            g_y_pre[k] += eta * gW[s] * io->y_post[j];
            g_y_post[j] += 2.0 * eta * gW[s] * io->y_pre[k]; /* the slip */
        }
    return MP_RULE_OK;
}

static const mp_rule_grad grad = {(uint32_t)sizeof(mp_rule_grad), step_vjp, NULL};
MP_RULE_GRAD_EXTENSION(extension, grad)

static const mp_rule_desc desc = {
    MP_RULE_HEADER, "bad_vjp_y_post", "1.0",
    "test fixture: Hebb with a wrong derivative for y_post", MP_RULE_RATE, params, 1,
    NULL, NULL, NULL, NULL, extension, step};

MP_RULE_DEFINE(bad_vjp_y_post, desc)
