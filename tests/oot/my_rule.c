/* my_rule — a minimal rule plugin, built out of tree (see Makefile).
 *
 * Description
 *   Inhibitory STDP of Vogels et al. (2011) in its simplest form, written as
 *   the example of docs/writing-a-rule.md: a presynaptic spike changes w by
 *   eta (x_post - alpha) with alpha = 2 rho0 tau, a postsynaptic spike by
 *   eta x_pre; weights stay >= 0. One time constant `tau` serves both
 *   traces (the traces table names it for the pre and the post trace).
 *
 * Parameters
 *   name  unit  default  bounds        flags  meaning
 *   eta   1     1e-3     [0, inf)      coef   learning rate
 *   rho0  Hz    6.25     [0, inf)      coef   target rate
 *   tau   ms    20       [1e-3, inf)   log    time constant of both traces
 *
 * Reference
 *   Vogels TP et al. (2011). Science 334:1569-1573.
 */
#include <math.h>

#include <metaplast/rule.h>

static const mp_param_desc params[] = {
    {"eta", "1", "learning rate", 1e-3, 0.0, HUGE_VAL, MP_PARAM_COEF},
    {"rho0", "Hz", "target postsynaptic rate", 6.25, 0.0, HUGE_VAL, MP_PARAM_COEF},
    {"tau", "ms", "time constant of both traces", 20.0, 1e-3, HUGE_VAL,
     MP_PARAM_LOGARITHMIC},
};

/* one presynaptic and one postsynaptic trace, both with the time constant
 * "tau": io->x[0] (n_pre entries) and io->x[1] (n_post) */
static const mp_trace_desc traces[] = {{MP_TRACE_PRE, "tau"}, {MP_TRACE_POST, "tau"}};

/* at a presynaptic spike of each neuron i in idx: its row of synapses */
static int on_pre(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    double eta = io->c.p[0], alpha = 2.0 * io->c.p[1] * io->c.p[2] * 1e-3; /* Hz*ms */
    for (size_t m = 0; m < n; m++)
        for (uint32_t k = s->pre_ptr[idx[m]]; k < s->pre_ptr[idx[m] + 1]; k++) {
            double w = s->w[k] + eta * (io->x[1][s->post_of[k]] - alpha);
            if (!isfinite(w))
                return MP_RULE_BLOWUP;
            s->w[k] = w > 0.0 ? w : 0.0;
        }
    return MP_RULE_OK;
}

/* at a postsynaptic spike of each neuron j in idx: its incoming synapses */
static int on_post(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    double eta = io->c.p[0];
    for (size_t m = 0; m < n; m++)
        for (uint32_t q = s->post_ptr[idx[m]]; q < s->post_ptr[idx[m] + 1]; q++) {
            uint32_t k = s->post_syn[q];
            double w = s->w[k] + eta * io->x[0][s->pre_of[k]];
            if (!isfinite(w))
                return MP_RULE_BLOWUP;
            s->w[k] = w > 0.0 ? w : 0.0;
        }
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "my_rule",
    .version = "1.0",
    .summary = "Vogels 2011 iSTDP, minimal example",
    .kind = MP_RULE_SPIKING,
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .traces = traces,
    .n_traces = sizeof traces / sizeof traces[0],
    .on_pre = on_pre,   /* no state, no reset: those fields stay NULL */
    .on_post = on_post,
};

MP_RULE_DEFINE(my_rule, desc) /* exports mp_rule_my_rule_entry */
