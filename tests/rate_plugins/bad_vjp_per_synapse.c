/* Test fixture for `metaplast plugins --gradcheck`: Hebb with a learning
 * rate that may be given per synapse, dW_jk = eta_jk y_post_j y_pre_k,
 * whose step_vjp is right for every argument but the per-synapse gradient
 * of eta, which it halves. The gradcheck must fail and name
 * "p.eta[synapse]" alone. */
#include <math.h>

#include "metaplast/rule.h"

static const mp_param_desc params[] = {{"eta", "1", "learning rate", 1e-3, -HUGE_VAL,
                                        HUGE_VAL, MP_PARAM_COEF | MP_PARAM_PER_SYNAPSE}};

static int step(const mp_rate_io *io)
{
    const uint32_t n = io->c.n_pre;
    for (uint32_t j = 0; j < io->c.n_post; j++)
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            io->W[s] += mp_rule_param_at(&io->c, 0, s) * io->y_post[j] * io->y_pre[k];
        }
    return MP_RULE_OK;
}

static int step_vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    const uint32_t n = io->c.n_pre;
    const double *gW = adj->gW;
    for (uint32_t j = 0; j < io->c.n_post; j++)
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            const double eta = mp_rule_param_at(&io->c, 0, s);
            const double term = gW[s] * io->y_post[j] * io->y_pre[k];
            adj->gW_in[s] += gW[s];
            if (io->c.p_syn[0]) {
                if (adj->gp_syn[0])
                    adj->gp_syn[0][s] += 0.5 * term; /* the slip */
            } else {
                adj->gp[0] += term;
            }
            adj->g_y_pre[k] += eta * gW[s] * io->y_post[j];
            adj->g_y_post[j] += eta * gW[s] * io->y_pre[k];
        }
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_vjp_per_synapse",
    .version = "1.0",
    .summary = "test fixture: Hebb with a wrong per-synapse derivative of eta",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = 1,
    .step = step,
    .step_vjp = step_vjp,
};

MP_RULE_DEFINE(bad_vjp_per_synapse, desc)
