/* Test fixture: the pseudo-gradient rule F0, dW = -eta e_post y_pre^T, for
 * the rate-kernel tests (tests/test_rate_*.c) independent of plugins/. */
#include <math.h>

#include "metaplast/rule.h"

static const mp_param_desc params[] = {
    {"eta", "1", "learning rate", 1e-3, 0.0, HUGE_VAL, MP_PARAM_COEF}};

static int step(const mp_rate_io *io)
{
    if (!io->e_post)
        return MP_RULE_OK;
    const double eta = io->c.p[0];
    for (uint32_t j = 0; j < io->c.n_post; j++) {
        double a = -eta * io->e_post[j];
        double *w = io->W + (size_t)j * io->c.n_pre;
        for (uint32_t k = 0; k < io->c.n_pre; k++)
            w[k] += a * io->y_pre[k];
    }
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "rate_fixture_sgd",
    .version = "1.0",
    .summary = "test fixture: -eta e_post y_pre^T",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = 1,
    .step = step,
};

MP_RULE_DEFINE(rate_fixture_sgd, desc)
