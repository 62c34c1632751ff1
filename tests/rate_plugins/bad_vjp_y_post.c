/* Test fixture for `metaplast plugins --gradcheck`: a Hebbian rate rule,
 * dW = eta y_post y_pre^T, whose step_vjp is right for every argument but
 * y_post, where it is off by a factor of 2 (the kind of slip a hand-written
 * derivative makes). The gradcheck must fail and name y_post alone. */
#include <math.h>

#include "metaplast/rule.h"

static const mp_param_desc params[] = {
    {"eta", "1", "learning rate", 1e-3, -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF}};

static int step(const mp_rate_io *io)
{
    const double eta = io->c.p[0];
    for (uint32_t j = 0; j < io->c.n_post; j++)
        for (uint32_t k = 0; k < io->c.n_pre; k++)
            io->W[(size_t)j * io->c.n_pre + k] += eta * io->y_post[j] * io->y_pre[k];
    return MP_RULE_OK;
}

static int step_vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    const double *gW = adj->gW;
    double *gp = adj->gp, *gW_in = adj->gW_in;
    double *g_y_pre = adj->g_y_pre, *g_y_post = adj->g_y_post;
    double *g_e_pre = adj->g_e_pre, *g_e_post = adj->g_e_post;
    (void)g_e_pre;
    (void)g_e_post;
    const double eta = io->c.p[0];
    for (uint32_t j = 0; j < io->c.n_post; j++)
        for (uint32_t k = 0; k < io->c.n_pre; k++) {
            size_t s = (size_t)j * io->c.n_pre + k;
            gW_in[s] += gW[s];
            gp[0] += gW[s] * io->y_post[j] * io->y_pre[k];
            g_y_pre[k] += eta * gW[s] * io->y_post[j];
            g_y_post[j] += 2.0 * eta * gW[s] * io->y_pre[k]; /* the slip */
        }
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_vjp_y_post",
    .version = "1.0",
    .summary = "test fixture: Hebb with a wrong derivative for y_post",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = 1,
    .step = step,
    .step_vjp = step_vjp,
};

MP_RULE_DEFINE(bad_vjp_y_post, desc)
