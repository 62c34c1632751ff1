/* istdp — the four-term spike-timing rule of Confavreux et al. (2020), eq. 14
 *
 * Description
 *   A plasticity rule for spiking projections (written for inhibitory
 *   synapses onto excitatory cells) built from four terms: one per
 *   presynaptic spike (alpha), one per postsynaptic spike (beta), and two
 *   Hebbian pair terms read from exponential traces (gamma: pre-before-post,
 *   kappa: post-before-pre). It is the search space of Confavreux et al.'s
 *   meta-learned inhibitory rules; alpha, beta, gamma, kappa (and eta) are
 *   coefficients the meta-layer may optimize.
 *
 *   The Vogels et al. (2011) inhibitory STDP rule,
 *       pre spike:  dw = eta (x_post - alpha_V),   post spike: dw = eta x_pre,
 *       alpha_V = 2 rho0 tau_STDP,
 *   is the special case alpha = -alpha_V, beta = 0, gamma = kappa = 1 with
 *   tau_pre = tau_post = tau_STDP. The defaults are Vogels' setting with
 *   alpha_V = 0.25 (rho0 = 6.25 Hz at tau = 20 ms), as in the original
 *   single-neuron code (ModelDB 143751).
 *
 * Equations (traces x are per neuron, +1 per spike, decay with tau_pre /
 * tau_post; the host keeps them and they already count this step's spikes)
 *   at a presynaptic spike of neuron i, for every synapse k of row i:
 *       w_k <- w_k + eta * (alpha + kappa * x_post[post(k)])
 *   at a postsynaptic spike of neuron j, for every synapse k onto j:
 *       w_k <- w_k + eta * (beta + gamma * x_pre[pre(k)])
 *   after each update w_k is clipped to [w_min, w_max]. The continuous form
 *   is eq. 14 of Confavreux et al.:
 *       dw_k/dt = alpha S_k + beta S_post + gamma x_k S_post + kappa x_post S_k
 *
 * Parameters
 *   name      unit  default   bounds            flags     meaning
 *   eta       1     1e-3      [0, inf)          coef      learning rate
 *   alpha     1     -0.25     (-inf, inf)       coef      per presynaptic spike
 *   beta      1     0         (-inf, inf)       coef      per postsynaptic spike
 *   gamma     1     1         (-inf, inf)       coef      x_pre at a post spike
 *   kappa     1     1         (-inf, inf)       coef      x_post at a pre spike
 *   tau_pre   ms    20        [1e-3, inf)       log       presynaptic trace
 *   tau_post  ms    20        [1e-3, inf)       log       postsynaptic trace
 *   w_min     1     0         (-inf, inf)                 lower weight bound
 *   w_max     1     inf       (-inf, inf]                 upper weight bound
 *
 * Returns MP_RULE_BLOWUP when a weight becomes NaN or infinite, and
 * MP_RULE_BUG (with a message) from reset when w_min > w_max.
 *
 * References
 *   Confavreux B, Zenke F, Agnes EJ, Lillicrap T, Vogels TP (2020). A
 *     meta-learning approach to (re)discover plasticity rules that carve a
 *     desired function into a neural network. NeurIPS 33. Eq. 14.
 *   Vogels TP, Sprekeler H, Zenke F, Clopath C, Gerstner W (2011). Inhibitory
 *     plasticity balances excitation and inhibition in sensory pathways and
 *     memory networks. Science 334:1569-1573.
 */
#include <math.h>

#include "metaplast/rule.h"
#include "weight_bounds.h"

enum { P_ETA, P_ALPHA, P_BETA, P_GAMMA, P_KAPPA, P_TAU_PRE, P_TAU_POST,
       P_W_MIN, P_W_MAX, N_PARAMS };
enum { T_PRE, T_POST, N_TRACES }; /* x_pre (tau_pre), x_post (tau_post) */

static const mp_param_desc params[N_PARAMS] = {
    {"eta", "1", "learning rate", 1e-3, 0.0, HUGE_VAL, MP_PARAM_COEF},
    {"alpha", "1", "change per presynaptic spike (Vogels: -2 rho0 tau)", -0.25,
     -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF},
    {"beta", "1", "change per postsynaptic spike", 0.0, -HUGE_VAL, HUGE_VAL,
     MP_PARAM_COEF},
    {"gamma", "1", "weight of x_pre at a postsynaptic spike (pre before post)",
     1.0, -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF},
    {"kappa", "1", "weight of x_post at a presynaptic spike (post before pre)",
     1.0, -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF},
    {"tau_pre", "ms", "time constant of the presynaptic trace", 20.0, 1e-3,
     HUGE_VAL, MP_PARAM_LOGARITHMIC},
    {"tau_post", "ms", "time constant of the postsynaptic trace", 20.0, 1e-3,
     HUGE_VAL, MP_PARAM_LOGARITHMIC},
    {"w_min", "1", "lower weight bound (hard)", 0.0, -HUGE_VAL, HUGE_VAL, 0},
    {"w_max", "1", "upper weight bound (hard)", HUGE_VAL, -HUGE_VAL, HUGE_VAL,
     0},
};

static int istdp_reset(const mp_spike_io *sio, const mp_rate_io *rio)
{
    const mp_rule_ctx *c = mp_rule_reset_ctx(sio, rio);
    return wb_check(c, c->p[P_W_MIN], c->p[P_W_MAX]);
}

static int istdp_on_pre(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    const double *p = io->c.p, *xq = io->x[T_POST];
    const double eta = p[P_ETA], a = p[P_ALPHA], kap = p[P_KAPPA];
    const double lo = p[P_W_MIN], hi = p[P_W_MAX];
    int rc = MP_RULE_OK;
    for (size_t m = 0; m < n; m++) {
        uint32_t i = idx[m];
        for (uint32_t k = s->pre_ptr[i]; k < s->pre_ptr[i + 1]; k++)
            rc |= wb_bump(&s->w[k], eta * (a + kap * xq[s->post_of[k]]), lo, hi);
    }
    return rc ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static int istdp_on_post(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    const double *p = io->c.p, *xp = io->x[T_PRE];
    const double eta = p[P_ETA], b = p[P_BETA], g = p[P_GAMMA];
    const double lo = p[P_W_MIN], hi = p[P_W_MAX];
    int rc = MP_RULE_OK;
    for (size_t m = 0; m < n; m++) {
        uint32_t j = idx[m];
        for (uint32_t q = s->post_ptr[j]; q < s->post_ptr[j + 1]; q++) {
            uint32_t k = s->post_syn[q];
            rc |= wb_bump(&s->w[k], eta * (b + g * xp[s->pre_of[k]]), lo, hi);
        }
    }
    return rc ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static const mp_trace_desc traces[N_TRACES] = {
    {MP_TRACE_PRE, "tau_pre"},
    {MP_TRACE_POST, "tau_post"},
};

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "istdp",
    .version = "1.0",
    .summary = "four-term spike-timing rule (Confavreux et al. 2020 eq. 14; "
               "Vogels 2011 iSTDP by default)",
    .kind = MP_RULE_SPIKING,
    .params = params,
    .n_params = N_PARAMS,
    .traces = traces,
    .n_traces = N_TRACES,
    .reset = istdp_reset,
    .on_pre = istdp_on_pre,
    .on_post = istdp_on_post,
};

MP_RULE_DEFINE(istdp, desc)
