/* my_rule — a minimal rule plugin, built out of tree (see Makefile).
 *
 * Description
 *   Inhibitory STDP of Vogels et al. (2011) in its simplest form, written as
 *   the example of docs/writing-a-rule.md: a presynaptic spike changes w by
 *   eta (x_post - alpha) with alpha = 2 rho0 tau, a postsynaptic spike by
 *   eta x_pre; weights stay >= 0. One time constant `tau` serves both
 *   traces (the parameter carries both MP_PARAM_TAU_PRE and _POST).
 *
 * Parameters
 *   name  unit  default  bounds        flags              meaning
 *   eta   1     1e-3     [0, inf)      coef               learning rate
 *   rho0  Hz    6.25     [0, inf)      coef               target rate
 *   tau   ms    20       [1e-3, inf)   tau_pre, tau_post  trace time constant
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
     MP_PARAM_TAU_PRE | MP_PARAM_TAU_POST},
};

/* at a presynaptic spike of each neuron i in idx: its row of synapses */
static int on_pre(const mp_rule_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    double eta = io->p[0], alpha = 2.0 * io->p[1] * io->p[2] * 1e-3; /* Hz*ms */
    for (size_t m = 0; m < n; m++)
        for (uint32_t k = s->pre_ptr[idx[m]]; k < s->pre_ptr[idx[m] + 1]; k++) {
            double w = s->w[k] + eta * (io->x_post[s->post_of[k]] - alpha);
            if (!isfinite(w))
                return MP_RULE_BLOWUP;
            s->w[k] = w > 0.0 ? w : 0.0;
        }
    return MP_RULE_OK;
}

/* at a postsynaptic spike of each neuron j in idx: its incoming synapses */
static int on_post(const mp_rule_io *io, const uint32_t *idx, size_t n)
{
    const mp_synapses *s = io->syn;
    double eta = io->p[0];
    for (size_t m = 0; m < n; m++)
        for (uint32_t q = s->post_ptr[idx[m]]; q < s->post_ptr[idx[m] + 1]; q++) {
            uint32_t k = s->post_syn[q];
            double w = s->w[k] + eta * io->x_pre[s->pre_of[k]];
            if (!isfinite(w))
                return MP_RULE_BLOWUP;
            s->w[k] = w > 0.0 ? w : 0.0;
        }
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    "my_rule",                                  /* name */
    "1.0",                                      /* version */
    "Vogels 2011 iSTDP, minimal example",       /* summary */
    MP_RULE_SPIKING,                            /* kind */
    params, sizeof params / sizeof params[0],   /* parameters */
    NULL,                                       /* state_size: no state */
    NULL,                                       /* reset: nothing to do */
    on_pre,
    on_post,
    NULL,                                       /* extension */
    NULL,                                       /* step: not a rate rule */
};

MP_RULE_DEFINE(my_rule, desc) /* exports mp_rule_my_rule_entry */
