/* my_rate_rule — a rate rule with its reverse mode, built out of tree.
 *
 * Description
 *   Hebbian growth held in check by weight decay, the worked rate example
 *   of docs/writing-a-rule.md:
 *       dW_jk = eta_jk (y_post_j y_pre_k - lambda W_jk),   W <- W + dW,
 *   with a learning rate that is one number or, when the model gives it
 *   so, one per synapse (MP_PARAM_PER_SYNAPSE). step_vjp is its
 *   vector-Jacobian product, so the meta-layer can differentiate through
 *   it and `metaplast plugins --gradcheck ./my_rate_rule.so` can check it.
 *
 * Parameters
 *   name    unit  default  bounds       flags             meaning
 *   eta     1     1e-3     (-inf, inf)  coef, per_synapse learning rate
 *   lambda  1     0.1      [0, inf)     coef              weight decay
 */
#include <math.h>

#include <metaplast/rule.h>

enum { P_ETA, P_LAMBDA, N_PARAMS };

static const mp_param_desc params[N_PARAMS] = {
    {"eta", "1", "learning rate, scalar or per synapse", 1e-3, -HUGE_VAL, HUGE_VAL,
     MP_PARAM_COEF | MP_PARAM_PER_SYNAPSE},
    {"lambda", "1", "weight decay", 0.1, 0.0, HUGE_VAL, MP_PARAM_COEF},
};

static int step(const mp_rate_io *io)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    const double lambda = io->c.p[P_LAMBDA];
    for (uint32_t j = 0; j < m; j++)
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k; /* W is n_post x n_pre, row-major */
            double eta = mp_rule_param_at(&io->c, P_ETA, s);
            double w = io->W[s] + eta * (io->y_post[j] * io->y_pre[k] - lambda * io->W[s]);
            if (!isfinite(w))
                return MP_RULE_BLOWUP;
            io->W[s] = w;
        }
    return MP_RULE_OK;
}

/* G = dL/dW' (adj->gW). For W'_jk = W_jk + eta_jk (y_j x_k - lambda W_jk):
 *   dL/dW_jk     += G_jk (1 - eta_jk lambda)
 *   dL/deta_jk    = G_jk (y_j x_k - lambda W_jk)     (summed when eta is one number)
 *   dL/dlambda   += -sum_jk G_jk eta_jk W_jk
 *   dL/dy_post_j += sum_k G_jk eta_jk x_k
 *   dL/dy_pre_k  += sum_j G_jk eta_jk y_j
 * Every output is added to (+=), never overwritten. */
static int step_vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    const double lambda = io->c.p[P_LAMBDA];
    const double *x = io->y_pre, *y = io->y_post, *W = io->W, *G = adj->gW;
    double *g_eta_syn = io->c.p_syn[P_ETA] ? adj->gp_syn[P_ETA] : NULL;
    for (uint32_t j = 0; j < m; j++)
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            double eta = mp_rule_param_at(&io->c, P_ETA, s);
            double hebb = y[j] * x[k] - lambda * W[s];
            adj->gW_in[s] += G[s] * (1.0 - eta * lambda);
            if (g_eta_syn)
                g_eta_syn[s] += G[s] * hebb;
            else if (!io->c.p_syn[P_ETA])
                adj->gp[P_ETA] += G[s] * hebb;
            adj->gp[P_LAMBDA] -= G[s] * eta * W[s];
            adj->g_y_post[j] += G[s] * eta * x[k];
            adj->g_y_pre[k] += G[s] * eta * y[j];
        }
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "my_rate_rule",
    .version = "1.0",
    .summary = "Hebb with weight decay, dW = eta (y_post y_pre^T - lambda W) (rate)",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = N_PARAMS,
    .step = step,
    .step_vjp = step_vjp,
};

MP_RULE_DEFINE(my_rate_rule, desc)
