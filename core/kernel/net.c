/* Instantiating a model: populations, stimuli, sources, connectivity,
 * weights, traces and rule states, all drawn from streams of the seed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "kernel/kernel_int.h"
#include "util/fastmath.h"
#include "util/init_draw.h"
#include "util/util_int.h"

static int nomem(mp_error *err)
{
    return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

static mp_k_trace *get_trace(mp_k_source *s, double tau, double dt, int lazy,
                             size_t cap, int *rc)
{
    for (size_t i = 0; i < s->n_traces; i++)
        if (s->traces[i].tau == tau)
            return &s->traces[i];
    if (!s->traces) {
        s->traces = mp_u_calloc(cap, sizeof *s->traces);
        if (!s->traces) {
            *rc = MP_ENOMEM;
            return NULL;
        }
    }
    mp_k_trace *tr = &s->traces[s->n_traces++];
    *rc = mp_k_trace_init(tr, s->size, tau, dt, lazy);
    return *rc == MP_OK ? tr : NULL;
}

/* The most traces one source can hold: every trace of every rule. */
static size_t trace_capacity(const mp_model *m)
{
    size_t n = 1;
    for (size_t j = 0; j < m->n_projections; j++)
        if (m->projections[j].plasticity)
            n += m->projections[j].plasticity->plugin->desc->n_traces;
    return n;
}

/* mp_m_check_sizes let these sizes through, but malloc still failed. */
static int pop_nomem(const mp_model *m, size_t pi, size_t bytes, mp_error *err)
{
    char path[48];
    snprintf(path, sizeof path, "populations[%zu].size", pi);
    return mp_u_mem_fail(err, bytes, m->file, path, "its state and arrival rings",
                         "population '%s' (%zu neurons)", m->populations[pi].name,
                         m->populations[pi].size);
}

static int init_pop(mp_k_net *net, size_t pi, mp_error *err)
{
    const mp_model *m = net->m;
    const mp_m_population *mp = &m->populations[pi];
    mp_k_pop *p = &net->pops[pi];
    p->m = mp;
    p->n = (uint32_t)mp->size;
    size_t n = p->n ? p->n : 1;
    uint32_t maxd = 1;
    for (size_t j = 0; j < m->n_projections; j++)
        if (m->projections[j].target == pi) {
            long long d = llround(m->projections[j].delay / net->dt);
            if (d > (long long)maxd)
                maxd = (uint32_t)d;
        }
    p->D = maxd + 1;
    p->V = mp_u_malloc(n * sizeof *p->V);
    p->g_ex = mp_u_malloc(n * sizeof *p->g_ex);
    p->g_in = mp_u_malloc(n * sizeof *p->g_in);
    p->ref = mp_u_calloc(n, sizeof *p->ref);
    p->fired = mp_u_calloc(n, sizeof *p->fired);
    p->ring_ex = mp_u_calloc(n * p->D, sizeof *p->ring_ex);
    p->ring_in = mp_u_calloc(n * p->D, sizeof *p->ring_in);
    if (!p->V || !p->g_ex || !p->g_in || !p->ref || !p->fired || !p->ring_ex || !p->ring_in)
        return pop_nomem(m, pi, n * (5 + 2 * (size_t)p->D) * sizeof(double), err);
    mp_k_lif_init_consts(p, net->dt);
    if (mp->integrator == MP_INTEG_RKF45 && mp_k_lif_rkf45_init(p, net->dt) != MP_OK)
        return nomem(err);
    return mp_k_pop_draw(net, pi, err);
}

int mp_k_pop_draw(mp_k_net *net, size_t pi, mp_error *err)
{
    const mp_m_population *mp = &net->m->populations[pi];
    mp_k_pop *p = &net->pops[pi];
    size_t n = p->n ? p->n : 1;
    gsl_rng *r = mp_u_rng_new(MP_U_RNG_TAUS2,
                             mp_u_stream_seed(net->seed, MP_STREAM_POPULATION_INIT, pi));
    if (!r)
        return nomem(err);
    for (uint32_t i = 0; i < p->n; i++) {
        p->V[i] = mp_u_init_draw(&mp->V_init, r, 1);
        p->g_ex[i] = mp_u_init_draw(&mp->g_ex_init, r, 1);
        p->g_in[i] = mp_u_init_draw(&mp->g_in_init, r, 1);
    }
    mp_u_rng_free(r);
    memset(p->ref, 0, n * sizeof *p->ref);
    memset(p->fired, 0, n * sizeof *p->fired);
    memset(p->ring_ex, 0, n * p->D * sizeof *p->ring_ex);
    memset(p->ring_in, 0, n * p->D * sizeof *p->ring_in);
    p->slot = 0;
    if (p->h) { /* rkf45: the step sizes and the stepper as new */
        for (uint32_t i = 0; i < p->n; i++)
            p->h[i] = net->dt;
        gsl_odeiv2_step_reset(p->ode_step);
        gsl_odeiv2_evolve_reset(p->ode_ev);
    }
    return MP_OK;
}

int mp_k_proj_draw(mp_k_net *net, size_t j, mp_error *err)
{
    const mp_model *m = net->m;
    const mp_m_projection *mj = &m->projections[j];
    mp_k_proj *pj = &net->projs[j];
    const mp_m_source *ms = &m->sources[mj->source];
    mp_k_proj_free_arrays(pj);
    int same = ms->kind == MP_SRC_POPULATION && ms->index == mj->target;
    gsl_rng *rc_ = mp_u_rng_new(MP_U_RNG_TAUS2, mp_u_stream_seed(net->seed, MP_STREAM_CONNECT, j));
    gsl_rng *rw = mp_u_rng_new(MP_U_RNG_TAUS2, mp_u_stream_seed(net->seed, MP_STREAM_WEIGHTS, j));
    char path[48];
    snprintf(path, sizeof path, "projections[%zu].connectivity", j);
    int rc = (rc_ && rw) ? mp_k_connect(pj, mj, ms, pj->src->size, pj->tgt->n, same,
                                       rc_, rw, m->file, path, err)
                         : nomem(err);
    mp_u_rng_free(rc_);
    mp_u_rng_free(rw);
    return rc;
}

static int init_proj(mp_k_net *net, size_t j, mp_error *err)
{
    const mp_model *m = net->m;
    const mp_m_projection *mj = &m->projections[j];
    mp_k_proj *pj = &net->projs[j];
    pj->m = mj;
    pj->src = &net->srcs[mj->source];
    pj->tgt = &net->pops[mj->target];
    long long d = llround(mj->delay / net->dt);
    pj->delay = d < 1 ? 1 : (uint32_t)d;
    pj->ring = mj->receptor == MP_RECEPTOR_IN ? pj->tgt->ring_in : pj->tgt->ring_ex;
    int rc = mp_k_proj_draw(net, j, err);
    if (rc != MP_OK || !mj->plasticity)
        return rc;

    size_t ns;
    if ((rc = mp_m_check_rule_state(m, j, pj->syn.n_pre, pj->syn.n_post, &ns, err)) != MP_OK)
        return rc;
    rc = mp_p_rule_new(mj->plasticity, pj->syn.n_pre, pj->syn.n_post,
                       mp_u_stream_seed(net->seed, MP_STREAM_RULE, j), m->file, mj->name,
                       &pj->rule, err);
    if (rc != MP_OK)
        return rc;
    pj->desc = pj->rule->desc;
    return mp_k_proj_bind(net, j, err);
}

int mp_k_proj_bind(mp_k_net *net, size_t j, mp_error *err)
{
    mp_k_proj *pj = &net->projs[j];
    const mp_p_plugin *pl = pj->rule->plugin;
    const double *par = pj->rule->params;
    int rc = MP_OK;
    /* one trace per (population, tau), shared by every rule that asks */
    size_t cap = trace_capacity(net->m);
    const uint32_t nt = pj->desc->n_traces;
    const double *x[MP_K_MAX_TRACES];
    if (nt > MP_K_MAX_TRACES) /* the loader refuses these */
        return mp_u_err(err, MP_EINVAL, net->m->file, 0, 0, NULL,
                        "projection '%s' (rule %s): %u traces, more than the %d "
                        "one rule may read", pj->m->name, pj->desc->name, nt,
                        MP_K_MAX_TRACES);
    for (uint32_t t = 0; t < nt; t++) {
        int post = pj->desc->traces[t].side == MP_TRACE_POST;
        pj->traces[t] = get_trace(post ? pj->tgt->src : pj->src,
                                  par[pl->trace_param[t]], net->dt, net->lazy, cap, &rc);
        if (!pj->traces[t])
            return nomem(err);
        pj->trace_post[t] = (unsigned char)post;
        x[t] = pj->traces[t]->x;
    }
    pj->n_traces = nt;
    mp_p_rule_bind_spike(pj->rule, &pj->syn, x, net->dt);
    return MP_OK;
}

int mp_k_net_new(const mp_model *m, uint64_t seed, mp_k_net **out, mp_error *err)
{
    *out = NULL;
    gsl_set_error_handler_off();
    mp_k_net *net = mp_u_calloc(1, sizeof *net);
    if (!net)
        return nomem(err);
    net->m = m;
    net->seed = seed;
    net->dt = m->dt;
    /* the loader has refused these already; checked again because the model
     * may have been changed since (meta-parameters, an embedder) */
    int rc = mp_m_check_sizes(m, NULL, err);
    if (rc != MP_OK) {
        mp_u_free(net);
        return rc;
    }
    net->lazy = m->trace_decay == MP_TRACE_LAZY;
    net->check_every = mp_k_steps_of(100.0, m->dt);
    net->check_countdown = net->check_every;

    net->n_srcs = m->n_sources;
    net->n_pops = m->n_populations;
    net->n_stims = m->n_stimuli;
    net->n_projs = m->n_projections;
    net->srcs = mp_u_calloc(m->n_sources + 1, sizeof *net->srcs);
    net->pops = mp_u_calloc(m->n_populations + 1, sizeof *net->pops);
    net->stims = mp_u_calloc(m->n_stimuli + 1, sizeof *net->stims);
    net->stim_src = mp_u_malloc((2 * m->n_stimuli + 1) * sizeof *net->stim_src);
    net->projs = mp_u_calloc(m->n_projections + 1, sizeof *net->projs);
    if (!net->srcs || !net->pops || !net->stims || !net->stim_src || !net->projs) {
        rc = nomem(err);
        goto fail;
    }
    for (size_t i = 0; i < 2 * m->n_stimuli; i++)
        net->stim_src[i] = SIZE_MAX;

    for (size_t s = 0; s < m->n_sources; s++) {
        const mp_m_source *ms = &m->sources[s];
        mp_k_source *src = &net->srcs[s];
        src->m = ms;
        src->size = (uint32_t)ms->size;
        size_t cap = ms->size;
        if (ms->kind == MP_SRC_STIMULUS) {
            size_t os = mp_s_output_size(&m->stimuli[ms->index], (size_t)ms->output);
            if (os > cap)
                cap = os;
            net->stim_src[2 * ms->index + (size_t)ms->output] = s;
        }
        /* spare entries: generators copy short lists MP_S_PAD at a time
         * (stimuli/stimuli_int.h) */
        src->spk = mp_u_malloc((cap + MP_S_PAD) * sizeof *src->spk);
        if (!src->spk) {
            rc = nomem(err);
            goto fail;
        }
    }
    for (size_t i = 0; i < m->n_populations; i++) {
        for (size_t s = 0; s < m->n_sources; s++)
            if (m->sources[s].kind == MP_SRC_POPULATION && m->sources[s].index == i)
                net->pops[i].src = &net->srcs[s];
        if (!net->pops[i].src) {
            rc = mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                          "population '%s' has no source entry", m->populations[i].name);
            goto fail;
        }
        if ((rc = init_pop(net, i, err)) != MP_OK)
            goto fail;
    }
    for (size_t i = 0; i < m->n_stimuli; i++) {
        rc = mp_s_new(&m->stimuli[i], m->dt, mp_u_stream_seed(seed, MP_STREAM_STIMULUS, i),
                      &net->stims[i], err);
        if (rc != MP_OK)
            goto fail;
        /* outputs nobody named still need a buffer to be written into; an
         * empty output (vogels_groups with exc_ or inh_per_group 0) emits
         * nothing and needs none (the loader gives it no source) */
        for (size_t o = 0; o < mp_s_n_outputs(&m->stimuli[i]); o++)
            if (net->stim_src[2 * i + o] == SIZE_MAX &&
                mp_s_output_size(&m->stimuli[i], o) > 0) {
                rc = mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                              "stimulus '%s': output %zu has no source entry",
                              m->stimuli[i].name, o);
                goto fail;
            }
    }
    for (size_t j = 0; j < m->n_projections; j++)
        if ((rc = init_proj(net, j, err)) != MP_OK)
            goto fail;
    if ((rc = mp_k_net_start(net, err)) != MP_OK)
        goto fail;
    *out = net;
    return MP_OK;
fail:
    mp_k_net_free(net);
    return rc;
}

int mp_k_net_start(mp_k_net *net, mp_error *err)
{
    /* rules: reset once the weights are drawn, then a first guard check */
    int rc = MP_OK;
    for (size_t j = 0; j < net->n_projs && rc == MP_OK; j++)
        if (net->projs[j].rule)
            rc = mp_p_rule_reset(net->projs[j].rule,
                                 mp_u_stream_seed(net->seed, MP_STREAM_RULE, j), err);
    for (size_t j = 0; j < net->n_projs && rc == MP_OK; j++)
        if (net->projs[j].desc)
            rc = mp_k_check_weights(net, &net->projs[j], NULL, 0, 0, err);
    return rc;
}

void mp_k_net_free(mp_k_net *net)
{
    if (!net)
        return;
    mp_k_net_close_recorders(net, NULL);
    for (size_t j = 0; j < net->n_projs && net->projs; j++) {
        mp_k_proj *pj = &net->projs[j];
        mp_k_proj_free_arrays(pj);
        mp_p_rule_free(pj->rule);
    }
    mp_u_free(net->projs);
    for (size_t i = 0; i < net->n_stims && net->stims; i++)
        mp_s_free(net->stims[i]);
    mp_u_free(net->stims);
    mp_u_free(net->stim_src);
    for (size_t i = 0; i < net->n_pops && net->pops; i++) {
        mp_k_pop *p = &net->pops[i];
        mp_u_free(p->V);
        mp_u_free(p->g_ex);
        mp_u_free(p->g_in);
        mp_u_free(p->ref);
        mp_u_free(p->fired);
        mp_u_free(p->ring_ex);
        mp_u_free(p->ring_in);
        mp_k_lif_rkf45_free(p);
    }
    mp_u_free(net->pops);
    for (size_t s = 0; s < net->n_srcs && net->srcs; s++) {
        mp_k_source *src = &net->srcs[s];
        mp_u_free(src->spk);
        for (size_t t = 0; t < src->n_traces; t++)
            mp_k_trace_free(&src->traces[t]);
        mp_u_free(src->traces);
    }
    mp_u_free(net->srcs);
    mp_u_free(net);
}
