/* stdp — pair-based additive STDP with all-to-all traces and hard bounds
 *
 * Description
 *   The classic additive spike-timing-dependent plasticity rule: a
 *   presynaptic spike that follows postsynaptic spikes depresses the synapse,
 *   a postsynaptic spike that follows presynaptic spikes potentiates it. Every
 *   pair of spikes contributes (all-to-all interaction), through per-neuron
 *   exponential traces. Weights are clipped to [w_min, w_max] (hard bounds).
 *   The defaults are the fit of Bi & Poo's data by van Rossum et al. (2000)
 *   as used by Song, Miller & Abbott (2000): tau_plus = 16.8 ms,
 *   tau_minus = 33.7 ms, with A_minus slightly above A_plus so that
 *   uncorrelated firing depresses on average.
 *
 * Equations (traces x are per neuron, +1 per spike, decay with tau_plus /
 * tau_minus; the host keeps them and they already count this step's spikes)
 *   at a presynaptic spike of neuron i, for every synapse k of row i:
 *       w_k <- w_k - a_minus * x_post[post(k)]        (depression)
 *   at a postsynaptic spike of neuron j, for every synapse k onto j:
 *       w_k <- w_k + a_plus * x_pre[pre(k)]           (potentiation)
 *   after each update w_k is clipped to [w_min, w_max]. For one pair with
 *   dt = t_post - t_pre: dw = a_plus e^{-dt/tau_plus} (dt > 0),
 *   dw = -a_minus e^{dt/tau_minus} (dt < 0).
 *
 * Parameters
 *   name       unit  default  bounds        flags     meaning
 *   a_plus     1     0.01     (-inf, inf)   coef      potentiation amplitude
 *   a_minus    1     0.0105   (-inf, inf)   coef      depression amplitude
 *   tau_plus   ms    16.8     [1e-3, inf)   log       presynaptic trace
 *   tau_minus  ms    33.7     [1e-3, inf)   log       postsynaptic trace
 *   w_min      1     0        (-inf, inf)             lower weight bound
 *   w_max      1     1        (-inf, inf)             upper weight bound
 *
 * (ABI parameter names are lower case, so the A_+ / A_- of the literature are
 * a_plus / a_minus.) Returns MP_RULE_BLOWUP when a weight becomes NaN or
 * infinite, and MP_RULE_BUG (with a message) from reset when w_min > w_max.
 *
 * References
 *   Bi GQ, Poo MM (1998). Synaptic modifications in cultured hippocampal
 *     neurons. J Neurosci 18:10464-10472.
 *   Song S, Miller KD, Abbott LF (2000). Competitive Hebbian learning through
 *     spike-timing-dependent synaptic plasticity. Nat Neurosci 3:919-926.
 *   van Rossum MCW, Bi GQ, Turrigiano GG (2000). Stable Hebbian learning from
 *     spike timing-dependent plasticity. J Neurosci 20:8812-8821.
 *   Morrison A, Diesmann M, Gerstner W (2008). Phenomenological models of
 *     synaptic plasticity based on spike timing. Biol Cybern 98:459-478.
 */
#include <math.h>

#include "metaplast/rule.h"
#include "weight_bounds.h"

enum { P_A_PLUS, P_A_MINUS, P_TAU_PLUS, P_TAU_MINUS, P_W_MIN, P_W_MAX,
       N_PARAMS };
enum { T_PRE, T_POST, N_TRACES }; /* x_pre (tau_plus), x_post (tau_minus) */

static const mp_param_desc params[N_PARAMS] = {
    {"a_plus", "1", "potentiation per pre-before-post pair (x_pre = 1)", 0.01,
     -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF},
    {"a_minus", "1", "depression per post-before-pre pair (x_post = 1)",
     0.0105, -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF},
    {"tau_plus", "ms", "time constant of the presynaptic trace", 16.8, 1e-3,
     HUGE_VAL, MP_PARAM_LOGARITHMIC},
    {"tau_minus", "ms", "time constant of the postsynaptic trace", 33.7, 1e-3,
     HUGE_VAL, MP_PARAM_LOGARITHMIC},
    {"w_min", "1", "lower weight bound (hard)", 0.0, -HUGE_VAL, HUGE_VAL, 0},
    {"w_max", "1", "upper weight bound (hard)", 1.0, -HUGE_VAL, HUGE_VAL, 0},
};

static int stdp_reset(const mp_spike_io *sio, const mp_rate_io *rio)
{
    const mp_rule_ctx *c = mp_rule_reset_ctx(sio, rio);
    return wb_check(c, c->p[P_W_MIN], c->p[P_W_MAX]);
}

static int stdp_on_pre(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    const double am = io->c.p[P_A_MINUS], lo = io->c.p[P_W_MIN], hi = io->c.p[P_W_MAX];
    const double *xq = io->x[T_POST];
    int rc = MP_RULE_OK;
    for (size_t m = 0; m < n; m++) {
        uint32_t i = idx[m];
        for (uint32_t k = s->pre_ptr[i]; k < s->pre_ptr[i + 1]; k++)
            rc |= wb_bump(&s->w[k], -am * xq[s->post_of[k]], lo, hi);
    }
    return rc ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static int stdp_on_post(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    const double ap = io->c.p[P_A_PLUS], lo = io->c.p[P_W_MIN], hi = io->c.p[P_W_MAX];
    const double *xp = io->x[T_PRE];
    int rc = MP_RULE_OK;
    for (size_t m = 0; m < n; m++) {
        uint32_t j = idx[m];
        for (uint32_t q = s->post_ptr[j]; q < s->post_ptr[j + 1]; q++) {
            uint32_t k = s->post_syn[q];
            rc |= wb_bump(&s->w[k], ap * xp[s->pre_of[k]], lo, hi);
        }
    }
    return rc ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static const mp_trace_desc traces[N_TRACES] = {
    {MP_TRACE_PRE, "tau_plus"},
    {MP_TRACE_POST, "tau_minus"},
};

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "stdp",
    .version = "1.0",
    .summary = "pair-based additive STDP, all-to-all traces, hard bounds",
    .kind = MP_RULE_SPIKING,
    .params = params,
    .n_params = N_PARAMS,
    .traces = traces,
    .n_traces = N_TRACES,
    .reset = stdp_reset,
    .on_pre = stdp_on_pre,
    .on_post = stdp_on_post,
};

MP_RULE_DEFINE(stdp, desc)
