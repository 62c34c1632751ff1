/* Rule instances (rule_instance.c): everything one plastic projection needs
 * of its rule, built in one place for spiking nets (core/kernel/net.c),
 * rate nets (core/rate/rate_net.c) and the exact-gradient engine alike.
 *
 * Modelled on GSL odeiv2: the descriptor (mp_rule_desc, validated by the
 * loader, constant while the plugin is loaded) is the *type*; an mp_p_rule
 * is an *instance* allocated from it, with its own
 *   - parameter values (a copy: set them without touching the model),
 *   - per-synapse arrays of MP_PARAM_PER_SYNAPSE parameters (none until
 *     mp_p_rule_set_param_array gives one; io's p_syn),
 *   - state block (state_size doubles; what a checkpoint would copy),
 *   - scratch block, separate from the state (scratch_size doubles), for
 *     temporaries of step and step_vjp,
 *   - random stream (taus2, the stream seed of MP_STREAM_RULE),
 *   - host context and error sink (what host->error writes),
 *   - the io templates every hook is called with: the common part (ctx) is
 *     filled here, the network binds the rest with mp_p_rule_bind_spike or
 *     mp_p_rule_bind_rate after mp_p_rule_new and before mp_p_rule_reset.
 * Allocation (mp_p_rule_new) and reset (mp_p_rule_reset) are separate:
 * a network calls reset once after its weights are drawn and before its
 * first step, and again whenever it is reused for a fresh evaluation.
 */
#ifndef MP_PLUGIN_RULE_INSTANCE_H
#define MP_PLUGIN_RULE_INSTANCE_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "metaplast/rule.h"
#include "plugin/host_ctx.h"
#include "plugin/plugin_int.h"
#include "util/rng.h"

struct mp_m_plasticity; /* model/model_int.h: plugin + resolved params */

typedef struct mp_p_rule {
    const mp_p_plugin *plugin; /* borrowed; its trace_param */
    const mp_rule_desc *desc;  /* plugin->desc */
    int has_vjp;               /* desc->step_vjp != NULL */
    uint32_t n_pre, n_post;
    size_t n_syn;              /* synapses (spiking: nnz, rate: n_pre n_post;
                                  0 until bound) */
    double *params;            /* desc->n_params values, desc order; io p */
    double **p_syn;            /* desc->n_params entries, each NULL or n_syn
                                  values (owned); io p_syn */
    double **g_syn;            /* likewise, step_vjp's per-synapse gradient
                                  buffers of the arrays (owned; the reverse
                                  pass adds into them, mp_p_rule_zero_grads
                                  clears them) */
    size_t n_arrays;           /* non-NULL entries of p_syn */
    double *state;             /* n_state doubles, zeroed by every reset */
    size_t n_state;
    double *scratch;           /* n_scratch doubles */
    size_t n_scratch;
    const double **x;          /* desc->n_traces trace vectors (spiking) */
    gsl_rng *rng;              /* what host->uniform draws from */
    mp_error err;              /* what host->error writes (first one wins) */
    const char *file;          /* the model file, for messages; borrowed */
    mp_p_host_ctx host;        /* ctx.host */
    mp_rule_ctx ctx;           /* the common part of both io structs */
    mp_spike_io sio;           /* bound by mp_p_rule_bind_spike */
    mp_rate_io rio;            /* bound by mp_p_rule_bind_rate */
    int bound;                 /* 0, MP_RULE_SPIKING or MP_RULE_RATE */
} mp_p_rule;

/* Doubles of state (state_size) and of scratch (scratch_size) of an
 * instance of d with parameters p for n_pre x n_post neurons. Model-only
 * arithmetic: the memory checks (mp_m_check_rule_state) use it too. */
void mp_p_rule_sizes(const mp_rule_desc *d, const double *p, uint32_t n_pre,
                     uint32_t n_post, size_t *n_state, size_t *n_scratch);

/* A new instance of pl's rule (its parameter values copied) for n_pre x
 * n_post neurons, its stream seeded from `seed`; state and scratch zeroed.
 * No hook is called. file (the model file) and proj_name (the projection)
 * go into messages and must outlive the instance. errors: MP_ENOMEM (naming
 * rule, projection and bytes) */
int mp_p_rule_new(const struct mp_m_plasticity *pl, uint32_t n_pre, uint32_t n_post,
                  uint64_t seed, const char *file, const char *proj_name,
                  mp_p_rule **out, mp_error *err);

/* Binds the spiking io: the synapses (borrowed), the trace vectors x
 * (desc->n_traces, copied) and the time step. */
void mp_p_rule_bind_spike(mp_p_rule *r, const mp_synapses *syn,
                          const double *const *x, double dt);

/* Binds the rate io: W (n_post x n_pre) and the vectors (borrowed; the
 * errors NULL in a network without a loss). t counts samples, dt = 1. */
void mp_p_rule_bind_rate(mp_p_rule *r, double *W, const double *y_pre,
                         const double *y_post, const double *e_pre,
                         const double *e_post);

/* Replaces the parameter values by p (desc->n_params, desc order), after
 * checking every one against the descriptor's bounds: nothing changes when
 * one is outside them (MP_EINVAL: "projection 'P' (rule R): parameter
 * 'eta' = -1 is outside its bounds [0, inf]"). When the new values change
 * the state or scratch size, the blocks are reallocated (zeroed; the memory
 * limit applies) and a reset must follow before the next hook. Traces are
 * the network's: a spiking net built with one tau_pre keeps its traces.
 * errors: MP_EINVAL, MP_ENOMEM */
int mp_p_rule_set_params(mp_p_rule *r, const double *p, mp_error *err);

/* Gives parameter k (MP_PARAM_PER_SYNAPSE) one value per synapse: values
 * (n of them, n == r->n_syn: spiking nnz in the host's synapse order, rate
 * n_post x n_pre row-major) are copied after checking each against the
 * bounds; values NULL drops the array (the scalar holds again). A
 * per-neuron array is expanded by the caller (mp_p_expand_per_neuron).
 * errors: MP_EINVAL (not PER_SYNAPSE, wrong n, a value out of bounds,
 * network not bound), MP_ENOMEM */
int mp_p_rule_set_param_array(mp_p_rule *r, uint32_t k, const double *values,
                              size_t n, mp_error *err);

/* Expands a per-neuron array v (n_post values, one per postsynaptic neuron,
 * or n_pre with `pre` set) into out (one per synapse, the instance's
 * synapse order): synapse s gets the value of its post (pre) neuron. */
void mp_p_expand_per_neuron(const mp_p_rule *r, const double *v, int pre,
                            double *out);

/* Zeroes the per-synapse gradient buffers g_syn. */
void mp_p_rule_zero_grads(mp_p_rule *r);

/* Puts the instance in its initial condition: state zeroed, stream
 * reseeded from `seed` (the draws that follow equal those of a new
 * instance), error sink cleared, t = 0, then the descriptor's reset hook
 * if it has one. The network must have bound io (weights drawn) first.
 * errors: the hook's failure, MP_EUNSTABLE (> 0) or MP_EPLUGIN (< 0), with
 * its host->error message or "projection 'P' (rule R): reset returned N" */
int mp_p_rule_reset(mp_p_rule *r, uint64_t seed, mp_error *err);

/* Frees r and what it owns (NULL: nothing). */
void mp_p_rule_free(mp_p_rule *r);

#endif
