/* triplet_stdp — minimal all-to-all triplet STDP (Pfister & Gerstner 2006)
 *
 * Description
 *   A plasticity rule for spiking projections in which potentiation depends
 *   on a pre-post pair and, through a slow postsynaptic trace, on the
 *   postsynaptic spikes before it (post-pre-post triplets), so that the
 *   weight change grows with the postsynaptic rate as in the BCM rule and
 *   reproduces the frequency dependence of pairing protocols in visual
 *   cortex. This is the minimal all-to-all model of Pfister & Gerstner
 *   (2006): the triplet depression term (A3-, the slow presynaptic trace
 *   r2) is left out, as their fit to visual cortex data sets A3- = 0.
 *
 *   It reads three traces, kept by the host (one per population and time
 *   constant, shared with every rule that asks for the same one):
 *       r1  presynaptic,  time constant tau_plus  (fast)
 *       o1  postsynaptic, time constant tau_minus (fast)
 *       o2  postsynaptic, time constant tau_y     (slow)
 *   Every trace jumps by 1 at each spike of its neuron (all-to-all
 *   interaction) and decays exponentially between spikes.
 *
 * Equations (at the step of the spike; the traces have counted this step's
 * spikes already, so o2 - 1 is o2 just before the postsynaptic spike)
 *   at a presynaptic spike of neuron i, for every synapse k of row i:
 *       w_k <- w_k - o1[post(k)] * a2_minus
 *   at a postsynaptic spike of neuron j, for every synapse k onto j:
 *       w_k <- w_k + r1[pre(k)] * (a2_plus + a3_plus * (o2[j] - 1))
 *   after each update w_k is clipped to [w_min, w_max]. For a pre spike at
 *   t_pre followed by a post spike at t_post = t_pre + d (no other spikes)
 *   the change is a2_plus exp(-d / tau_plus); for a post-pre-post triplet
 *   with intervals d1 (post to pre) and d2 (pre to post) it is
 *       -a2_minus exp(-d1/tau_minus)
 *       + exp(-d2/tau_plus) (a2_plus + a3_plus exp(-(d1 + d2)/tau_y)).
 *
 * Parameters (defaults: Pfister & Gerstner 2006, Table 4, visual cortex,
 * minimal all-to-all model)
 *   name       unit  default  bounds        flags  meaning
 *   a2_plus    1     5e-10    (-inf, inf)   coef   pair potentiation
 *   a3_plus    1     6.2e-3   (-inf, inf)   coef   triplet potentiation
 *   a2_minus   1     7e-3     (-inf, inf)   coef   pair depression
 *   tau_plus   ms    16.8     [1e-3, inf)   log    r1 (presynaptic)
 *   tau_minus  ms    33.7     [1e-3, inf)   log    o1 (postsynaptic)
 *   tau_y      ms    125      [1e-3, inf)   log    o2 (slow postsynaptic)
 *   w_min      1     0        (-inf, inf)          lower weight bound
 *   w_max      1     1        (-inf, inf)          upper weight bound
 *
 * Returns MP_RULE_BLOWUP when a weight becomes NaN or infinite, and
 * MP_RULE_BUG (with a message) from reset when w_min > w_max.
 *
 * References
 *   Pfister J-P, Gerstner W (2006). Triplets of spikes in a model of spike
 *     timing-dependent plasticity. J Neurosci 26:9673-9682. Eqs. 1-4,
 *     Table 4.
 */
#include <math.h>

#include "metaplast/rule.h"
#include "weight_bounds.h"

enum { P_A2_PLUS, P_A3_PLUS, P_A2_MINUS, P_TAU_PLUS, P_TAU_MINUS, P_TAU_Y,
       P_W_MIN, P_W_MAX, N_PARAMS };
enum { T_R1, T_O1, T_O2, N_TRACES };

static const mp_param_desc params[N_PARAMS] = {
    {"a2_plus", "1", "pair potentiation (r1 at a post spike)", 5e-10, -HUGE_VAL,
     HUGE_VAL, MP_PARAM_COEF},
    {"a3_plus", "1", "triplet potentiation (r1 o2 at a post spike)", 6.2e-3,
     -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF},
    {"a2_minus", "1", "pair depression (o1 at a pre spike)", 7e-3, -HUGE_VAL,
     HUGE_VAL, MP_PARAM_COEF},
    {"tau_plus", "ms", "time constant of r1 (presynaptic)", 16.8, 1e-3, HUGE_VAL,
     MP_PARAM_LOGARITHMIC},
    {"tau_minus", "ms", "time constant of o1 (postsynaptic)", 33.7, 1e-3,
     HUGE_VAL, MP_PARAM_LOGARITHMIC},
    {"tau_y", "ms", "time constant of o2 (slow postsynaptic)", 125.0, 1e-3,
     HUGE_VAL, MP_PARAM_LOGARITHMIC},
    {"w_min", "1", "lower weight bound (hard)", 0.0, -HUGE_VAL, HUGE_VAL, 0},
    {"w_max", "1", "upper weight bound (hard)", 1.0, -HUGE_VAL, HUGE_VAL, 0},
};

static const mp_trace_desc traces[N_TRACES] = {
    {MP_TRACE_PRE, "tau_plus"},
    {MP_TRACE_POST, "tau_minus"},
    {MP_TRACE_POST, "tau_y"},
};

static int triplet_reset(const mp_spike_io *sio, const mp_rate_io *rio)
{
    const mp_rule_ctx *c = mp_rule_reset_ctx(sio, rio);
    return wb_check(c, c->p[P_W_MIN], c->p[P_W_MAX]);
}

static int triplet_on_pre(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    const double *p = io->c.p, *o1 = io->x[T_O1];
    const double am = p[P_A2_MINUS], lo = p[P_W_MIN], hi = p[P_W_MAX];
    int rc = MP_RULE_OK;
    for (size_t m = 0; m < n; m++) {
        uint32_t i = idx[m];
        for (uint32_t k = s->pre_ptr[i]; k < s->pre_ptr[i + 1]; k++)
            rc |= wb_bump(&s->w[k], -(o1[s->post_of[k]] * am), lo, hi);
    }
    return rc ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static int triplet_on_post(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    const double *p = io->c.p, *r1 = io->x[T_R1], *o2 = io->x[T_O2];
    const double a2 = p[P_A2_PLUS], a3 = p[P_A3_PLUS];
    const double lo = p[P_W_MIN], hi = p[P_W_MAX];
    int rc = MP_RULE_OK;
    for (size_t m = 0; m < n; m++) {
        uint32_t j = idx[m];
        const double amp = a2 + a3 * (o2[j] - 1.0); /* o2 before this spike */
        for (uint32_t q = s->post_ptr[j]; q < s->post_ptr[j + 1]; q++) {
            uint32_t k = s->post_syn[q];
            rc |= wb_bump(&s->w[k], r1[s->pre_of[k]] * amp, lo, hi);
        }
    }
    return rc ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "triplet_stdp",
    .version = "1.0",
    .summary = "minimal all-to-all triplet STDP (Pfister & Gerstner 2006): "
               "traces r1, o1 and a slow o2",
    .kind = MP_RULE_SPIKING,
    .params = params,
    .n_params = N_PARAMS,
    .traces = traces,
    .n_traces = N_TRACES,
    .reset = triplet_reset,
    .on_pre = triplet_on_pre,
    .on_post = triplet_on_post,
};

MP_RULE_DEFINE(triplet_stdp, desc)
