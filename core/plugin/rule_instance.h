/* Rule instances (rule_instance.c): everything one plastic projection needs
 * of its rule, built in one place for spiking nets (core/kernel/net.c),
 * rate nets (core/rate/rate_net.c) and the exact-gradient engine alike.
 *
 * Modelled on GSL odeiv2: the descriptor (mp_rule_desc, validated by the
 * loader, constant while the plugin is loaded) is the *type*; an mp_p_rule
 * is an *instance* allocated from it, with its own
 *   - parameter values (a copy: set them without touching the model),
 *   - state block (state_size doubles; what a checkpoint would copy),
 *   - scratch block, separate from the state, for MP_RULE_GRAD_V1's
 *     step_vjp (max(state_size, scratch_size) doubles; none without it),
 *   - random stream (taus2, the stream seed of MP_STREAM_RULE),
 *   - host context and error sink (what host->error writes),
 *   - mp_rule_io template: size, p, state, t, host, api, n_pre, n_post are
 *     filled here; the network binds the rest (syn, traces, dt, W, vectors)
 *     after mp_p_rule_new and before mp_p_rule_reset.
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
    const mp_p_plugin *plugin; /* borrowed; trace_pre / trace_post */
    const mp_rule_desc *desc;  /* plugin->desc */
    const mp_rule_grad *grad;  /* its MP_RULE_GRAD_V1 with step_vjp, or NULL */
    uint32_t n_pre, n_post;
    double *params;            /* desc->n_params values, desc order; io.p */
    double *state;             /* n_state doubles, zeroed by every reset */
    size_t n_state;
    double *scratch;           /* n_scratch doubles for step_vjp (NULL: none) */
    size_t n_scratch;
    gsl_rng *rng;              /* what host->uniform draws from */
    mp_error err;              /* what host->error writes (first one wins) */
    const char *file;          /* the model file, for messages; borrowed */
    mp_p_host_ctx host;        /* io.host */
    mp_rule_io io;             /* the template every hook is called with */
} mp_p_rule;

/* The rule's MP_RULE_GRAD_V1 extension when it offers one with a step_vjp,
 * else NULL. */
const mp_rule_grad *mp_p_rule_grad_ext(const mp_rule_desc *d);

/* Doubles of state (state_size) and of step_vjp scratch (0 without the
 * extension, else max(state_size, scratch_size)) of an instance of d with
 * parameters p for n_pre x n_post neurons. Model-only arithmetic: the
 * memory checks (mp_m_check_rule_state) use it too. */
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

/* Replaces the parameter values by p (desc->n_params, desc order), after
 * checking every one against the descriptor's bounds: nothing changes when
 * one is outside them (MP_EINVAL: "projection 'P' (rule R): parameter
 * 'eta' = -1 is outside its bounds [0, inf]"). When the new values change
 * the state or scratch size, the blocks are reallocated (zeroed; the memory
 * limit applies) and a reset must follow before the next hook. Traces are
 * the network's: a spiking net built with one tau_pre keeps its traces.
 * errors: MP_EINVAL, MP_ENOMEM */
int mp_p_rule_set_params(mp_p_rule *r, const double *p, mp_error *err);

/* Puts the instance in its initial condition: state zeroed, stream
 * reseeded from `seed` (the draws that follow equal those of a new
 * instance), error sink cleared, io.t = 0, then the descriptor's reset hook
 * if it has one. The network must have bound io (weights drawn) first.
 * errors: the hook's failure, MP_EUNSTABLE (> 0) or MP_EPLUGIN (< 0), with
 * its host->error message or "projection 'P' (rule R): reset returned N" */
int mp_p_rule_reset(mp_p_rule *r, uint64_t seed, mp_error *err);

/* Frees r and what it owns (NULL: nothing). */
void mp_p_rule_free(mp_p_rule *r);

#endif
