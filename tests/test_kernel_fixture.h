/* Hand-built models for the kernel tests (no JSON loader needed). */
#ifndef MP_TEST_KERNEL_FIXTURE_H
#define MP_TEST_KERNEL_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel_int.h"
#include "net/net_int.h"
#include "model/model_int.h"
#include "util/util_int.h"

/* The backend net behind a front (core/net/net_int.h). */
#ifndef KNET
#define KNET(n) ((mp_k_net *)mp_n_impl(n))
#define RNET(n) ((mp_r_net *)mp_n_impl(n))
#endif

static inline char *fx_strdup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    strcpy(d, s);
    return d;
}

static inline mp_model *fx_model(double dt, double duration)
{
    mp_model *m = calloc(1, sizeof *m);
    m->name = fx_strdup("fixture");
    m->file = fx_strdup("(built in C)");
    m->dt = dt;
    m->duration = duration;
    m->seed = 1;
    m->trace_decay = MP_TRACE_EAGER;
    return m;
}

/* The Vogels 2011 neuron. */
static inline mp_m_lif_cond fx_lif(void)
{
    mp_m_lif_cond c = {200.0, 10.0, -60.0, -50.0, -60.0, 5.0, 0.0, -80.0, 5.0, 10.0, 0.0};
    return c;
}

static inline size_t fx_pop(mp_model *m, const char *name, size_t n, mp_m_lif_cond lif)
{
    m->populations = realloc(m->populations, (m->n_populations + 1) * sizeof *m->populations);
    mp_m_population *p = &m->populations[m->n_populations];
    memset(p, 0, sizeof *p);
    p->name = fx_strdup(name);
    p->size = n;
    p->model = MP_NEURON_LIF_COND;
    p->integrator = MP_INTEG_EXP_EULER;
    p->rtol = 1e-8;
    p->atol = 1e-8;
    p->lif = lif;
    p->V_init.kind = MP_INIT_CONST;
    p->V_init.a = lif.E_L;
    p->g_ex_init.kind = MP_INIT_CONST;
    p->g_in_init.kind = MP_INIT_CONST;
    return m->n_populations++;
}

static inline mp_m_stimulus *fx_stim(mp_model *m, const char *name, mp_m_stim_kind kind)
{
    m->stimuli = realloc(m->stimuli, (m->n_stimuli + 1) * sizeof *m->stimuli);
    mp_m_stimulus *s = &m->stimuli[m->n_stimuli++];
    memset(s, 0, sizeof *s);
    s->name = fx_strdup(name);
    s->kind = kind;
    return s;
}

static inline mp_m_stimulus *fx_poisson(mp_model *m, const char *name, size_t n, double rate)
{
    mp_m_stimulus *s = fx_stim(m, name, MP_STIM_POISSON);
    s->poisson.size = n;
    s->poisson.rate = rate;
    return s;
}

/* The input groups of Vogels 2011 as in the shipped model. */
static inline mp_m_stimulus *fx_vogels(mp_model *m, const char *name)
{
    mp_m_stimulus *s = fx_stim(m, name, MP_STIM_VOGELS_GROUPS);
    mp_m_vogels v = {8, 100, 25, 50.0, 5.0, 500.0, 0.03, 5.0, 0, 1.0, 0.5};
    s->vogels = v;
    return s;
}

static inline void fx_add_source(mp_model *m, const char *name, mp_m_source_kind kind,
                          size_t index, int output, size_t size, size_t ng, size_t pg)
{
    m->sources = realloc(m->sources, (m->n_sources + 1) * sizeof *m->sources);
    mp_m_source *s = &m->sources[m->n_sources++];
    s->name = fx_strdup(name);
    s->kind = kind;
    s->index = index;
    s->output = output;
    s->size = size;
    s->n_groups = ng;
    s->per_group = pg;
}

/* Call once after all populations and stimuli: fills m->sources. */
static inline void fx_sources(mp_model *m)
{
    char buf[256];
    for (size_t i = 0; i < m->n_populations; i++)
        fx_add_source(m, m->populations[i].name, MP_SRC_POPULATION, i, 0,
                      m->populations[i].size, 0, 0);
    for (size_t i = 0; i < m->n_stimuli; i++) {
        mp_m_stimulus *s = &m->stimuli[i];
        if (s->kind == MP_STIM_VOGELS_GROUPS) {
            snprintf(buf, sizeof buf, "%s.exc", s->name);
            fx_add_source(m, buf, MP_SRC_STIMULUS, i, MP_OUT_EXC,
                          s->vogels.n_groups * s->vogels.exc_per_group, s->vogels.n_groups,
                          s->vogels.exc_per_group);
            snprintf(buf, sizeof buf, "%s.inh", s->name);
            fx_add_source(m, buf, MP_SRC_STIMULUS, i, MP_OUT_INH,
                          s->vogels.n_groups * s->vogels.inh_per_group, s->vogels.n_groups,
                          s->vogels.inh_per_group);
        } else {
            size_t n = s->kind == MP_STIM_POISSON ? s->poisson.size : s->file.size;
            fx_add_source(m, s->name, MP_SRC_STIMULUS, i, 0, n, 0, 0);
        }
    }
}

static inline size_t fx_src(const mp_model *m, const char *name)
{
    for (size_t s = 0; s < m->n_sources; s++)
        if (strcmp(m->sources[s].name, name) == 0)
            return s;
    fprintf(stderr, "fixture: no source %s\n", name);
    abort();
}

static inline mp_m_projection *fx_proj(mp_model *m, const char *name, const char *src,
                                size_t target, mp_m_receptor rec, double w,
                                double g_scale)
{
    m->projections = realloc(m->projections, (m->n_projections + 1) * sizeof *m->projections);
    mp_m_projection *p = &m->projections[m->n_projections++];
    memset(p, 0, sizeof *p);
    p->name = fx_strdup(name);
    p->source = fx_src(m, src);
    p->target = target;
    p->receptor = rec;
    p->conn = MP_CONN_ALL_TO_ALL;
    p->weight.kind = MP_INIT_CONST;
    p->weight.a = w;
    p->g_scale = g_scale;
    p->delay = m->dt;
    p->w_min = -1e6;
    p->w_max = 1e6;
    return p;
}

static inline mp_m_recorder *fx_rec(mp_model *m, mp_m_rec_kind kind, const char *file,
                             size_t target)
{
    m->recorders = realloc(m->recorders, (m->n_recorders + 1) * sizeof *m->recorders);
    mp_m_recorder *r = &m->recorders[m->n_recorders++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->file = fx_strdup(file);
    r->target = target;
    r->interval = 1.0;
    r->window = 1000.0;
    r->vars = MP_VAR_V | MP_VAR_G_EX | MP_VAR_G_IN;
    return r;
}

static inline void fx_free(mp_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_populations; i++)
        free(m->populations[i].name);
    for (size_t i = 0; i < m->n_stimuli; i++)
        free(m->stimuli[i].name);
    for (size_t i = 0; i < m->n_sources; i++)
        free(m->sources[i].name);
    for (size_t i = 0; i < m->n_projections; i++) {
        free(m->projections[i].name);
        if (m->projections[i].plasticity) {
            free(m->projections[i].plasticity->params);
            free(m->projections[i].plasticity);
        }
    }
    for (size_t i = 0; i < m->n_recorders; i++) {
        free(m->recorders[i].file);
        free(m->recorders[i].neurons);
    }
    for (size_t i = 0; i < m->n_plugins; i++)
        mp_p_plugin_free(m->plugins[i]);
    free(m->plugins);
    free(m->populations);
    free(m->stimuli);
    free(m->sources);
    free(m->projections);
    free(m->recorders);
    free(m->name);
    free(m->file);
    free(m);
}

/* The single-neuron model of models/vogels2011_single_neuron.json, built by
 * hand (static inhibition unless a plugin is attached by the caller). */
static inline mp_model *fx_vogels_single(double duration)
{
    mp_model *m = fx_model(0.1, duration);
    size_t post = fx_pop(m, "post", 1, fx_lif());
    fx_vogels(m, "inputs");
    fx_sources(m);
    mp_m_projection *e = fx_proj(m, "exc", "inputs.exc", post, MP_RECEPTOR_EX, 0.0, 0.14);
    e->weight.kind = MP_INIT_GROUP_TUNED;
    e->weight.base = 0.3;
    e->weight.amplitude = 1.1;
    e->weight.preferred = 5;
    e->weight.width = 1.0;
    e->weight.power = 4;
    e->weight.jitter_lo = 0.0;
    e->weight.jitter_hi = 0.1;
    fx_proj(m, "inh", "inputs.inh", post, MP_RECEPTOR_IN, 0.1, 0.35);
    return m;
}

#endif
