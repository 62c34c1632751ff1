/* Stimuli (poisson, vogels_groups, spike_file) and the table of sources:
 * every population, then every stimulus output, each under its own name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

/* ---- stimuli -------------------------------------------------------------- */

static int poisson(mp_m_ctx *c, const json_t *v, mp_m_poisson *p)
{
    int rc = mp_m_size(c, v, "size", NULL, 1, UINT32_MAX, &p->size);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "rate", NULL, MP_M_GE(0), "Hz", &p->rate);
    return rc;
}

static int vogels(mp_m_ctx *c, const json_t *v, mp_m_vogels *g)
{
    static const double tau = 50, base = 5, peak = 500, norm = 0.03, dead = 5,
                        off = 1.0, on = 0.5;
    int rc = mp_m_size(c, v, "groups", NULL, 1, UINT32_MAX, &g->n_groups);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "exc_per_group", NULL, 0, UINT32_MAX, &g->exc_per_group);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "inh_per_group", NULL, 0, UINT32_MAX, &g->inh_per_group);
    if (rc == MP_OK && g->exc_per_group == 0 && g->inh_per_group == 0)
        rc = mp_m_fail_key(c, "exc_per_group", MP_EINVAL,
                           "exc_per_group and inh_per_group are both 0: the "
                           "stimulus would have no trains");
    size_t most = g->exc_per_group > g->inh_per_group ? g->exc_per_group
                                                      : g->inh_per_group;
    if (rc == MP_OK && most > UINT32_MAX / g->n_groups)
        rc = mp_m_fail_key(c, "groups", MP_EINVAL,
                           "groups x per_group is above %lu trains",
                           (unsigned long)UINT32_MAX);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "tau_signal", &tau, MP_M_GT(0), "ms", &g->tau_signal);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "base_rate", &base, MP_M_GE(0), "Hz", &g->base_rate);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "peak_rate", &peak, MP_M_GE(0), "Hz", &g->peak_rate);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "norm", &norm, MP_M_GT(0), NULL, &g->norm);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "dead_time", &dead, MP_M_GE(0), "ms", &g->dead_time);
    if (rc == MP_OK)
        rc = mp_m_bool(c, v, "sparsify", 0, &g->sparsify);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "sparsify_off_ms", &off, MP_M_GT(0), "ms",
                      &g->sparsify_off_ms);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "sparsify_on_ms", &on, MP_M_GT(0), "ms",
                      &g->sparsify_on_ms);
    return rc;
}

static int spike_file(mp_m_ctx *c, const mp_model *m, const json_t *v,
                      mp_m_spike_file *f)
{
    const char *file;
    int rc = mp_m_str(c, v, "file", 0, NULL, &file);
    if (rc == MP_OK && file[0] == '\0')
        rc = mp_m_fail_key(c, "file", MP_EINVAL, "must not be empty");
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "size", NULL, 1, UINT32_MAX, &f->size);
    if (rc == MP_OK && !(f->file = mp_u_path_join(m->dir, file)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK)
        rc = mp_m_spike_file_read(c, f);
    return rc;
}

static int stimulus(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    static const char *const types[] = {"poisson", "vogels_groups", "spike_file",
                                        NULL};
    static const char *const keys[][14] = {
        {"name", "type", "size", "rate", NULL},
        {"name", "type", "groups", "exc_per_group", "inh_per_group", "tau_signal",
         "base_rate", "peak_rate", "norm", "dead_time", "sparsify",
         "sparsify_off_ms", "sparsify_on_ms", NULL},
        {"name", "type", "file", "size", NULL}};
    static const char *const what[] = {"poisson stimulus", "vogels_groups stimulus",
                                       "spike_file stimulus"};
    mp_m_stimulus *s = &m->stimuli[i];
    const char *name;
    int type = 0;
    int rc = json_is_object(v) ? MP_OK
                               : mp_m_fail(c, MP_EINVAL, "expected a stimulus "
                                           "object, got %s", mp_m_type_name(v));
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "type", types, -1, &type);
    if (rc == MP_OK)
        rc = mp_m_object(c, v, what[type], keys[type]);
    if (rc == MP_OK)
        rc = mp_m_name(c, v, "name", &name);
    if (rc == MP_OK)
        rc = mp_m_check_unique(c, m, name, m->n_populations, i);
    if (rc == MP_OK && !(s->name = mp_u_strdup(name)))
        rc = mp_m_nomem(c);
    s->kind = (mp_m_stim_kind)type;
    if (rc == MP_OK && type == MP_STIM_POISSON)
        rc = poisson(c, v, &s->poisson);
    else if (rc == MP_OK && type == MP_STIM_VOGELS_GROUPS)
        rc = vogels(c, v, &s->vogels);
    else if (rc == MP_OK)
        rc = spike_file(c, m, v, &s->file);
    return rc;
}

int mp_m_load_stimuli(mp_m_ctx *c, mp_model *m, const json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n == 0)
        return MP_OK;
    m->stimuli = mp_u_calloc(n, sizeof *m->stimuli);
    if (!m->stimuli)
        return mp_m_nomem(c);
    m->n_stimuli = n;
    size_t old = mp_m_push_key(c, "stimuli");
    int rc = MP_OK;
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        size_t o = mp_m_push_index(c, i);
        rc = stimulus(c, m, i, json_array_get(arr, i));
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}

/* ---- sources: populations, then every stimulus output --------------------- */

static int add_source(mp_model *m, const char *name, const char *suffix,
                      mp_m_source_kind kind, size_t index, int output,
                      size_t size, size_t n_groups, size_t per_group)
{
    mp_m_source *s = &m->sources[m->n_sources];
    size_t a = strlen(name), b = suffix ? strlen(suffix) : 0;
    if (!(s->name = mp_u_malloc(a + b + 1)))
        return MP_ENOMEM;
    memcpy(s->name, name, a);
    memcpy(s->name + a, suffix ? suffix : "", b + 1);
    s->kind = kind;
    s->index = index;
    s->output = output;
    s->size = size;
    s->n_groups = n_groups;
    s->per_group = per_group;
    m->n_sources++;
    return MP_OK;
}

int mp_m_build_sources(mp_m_ctx *c, mp_model *m)
{
    m->sources = mp_u_calloc(m->n_populations + 2 * m->n_stimuli, sizeof *m->sources);
    if (!m->sources)
        return mp_m_nomem(c);
    int rc = MP_OK;
    for (size_t i = 0; i < m->n_populations && rc == MP_OK; i++)
        rc = add_source(m, m->populations[i].name, NULL, MP_SRC_POPULATION, i,
                        MP_OUT_MAIN, m->populations[i].size, 0, 0);
    for (size_t i = 0; i < m->n_stimuli && rc == MP_OK; i++) {
        const mp_m_stimulus *s = &m->stimuli[i];
        const mp_m_vogels *g = &s->vogels;
        if (s->kind == MP_STIM_POISSON)
            rc = add_source(m, s->name, NULL, MP_SRC_STIMULUS, i, MP_OUT_MAIN,
                            s->poisson.size, 0, 0);
        else if (s->kind == MP_STIM_SPIKE_FILE)
            rc = add_source(m, s->name, NULL, MP_SRC_STIMULUS, i, MP_OUT_MAIN,
                            s->file.size, 0, 0);
        else {
            if (g->exc_per_group > 0)
                rc = add_source(m, s->name, ".exc", MP_SRC_STIMULUS, i, MP_OUT_EXC,
                                g->n_groups * g->exc_per_group, g->n_groups,
                                g->exc_per_group);
            if (rc == MP_OK && g->inh_per_group > 0)
                rc = add_source(m, s->name, ".inh", MP_SRC_STIMULUS, i, MP_OUT_INH,
                                g->n_groups * g->inh_per_group, g->n_groups,
                                g->inh_per_group);
        }
    }
    return rc == MP_OK ? MP_OK : mp_m_nomem(c);
}
