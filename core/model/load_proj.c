/* Projections: source, target, connectivity, weights, delay and the
 * plasticity rule, whose plugin is resolved and loaded here (each distinct
 * file once) so that its parameters can be checked against its descriptor.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

/* ---- names ---------------------------------------------------------------- */

/* "unknown source 'x' (did you mean 'y'?); sources: a, b". Populations only
 * when pop_only. */
static int unknown_source(mp_m_ctx *c, const mp_model *m, const char *key,
                          const char *name, int pop_only)
{
    const char *cand[64];
    char list[300] = "";
    size_t n = 0, used = 0;
    for (size_t i = 0; i < m->n_sources && n < 64; i++) {
        if (pop_only && m->sources[i].kind != MP_SRC_POPULATION)
            continue;
        cand[n++] = m->sources[i].name;
        int k = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                         m->sources[i].name);
        if (k > 0 && used + (size_t)k < sizeof list)
            used += (size_t)k;
    }
    const char *what = pop_only ? "population" : "source";
    const char *s = mp_m_suggest(name, cand, n);
    if (s)
        return mp_m_fail_key(c, key, MP_EINVAL,
                             "unknown %s '%s' (did you mean '%s'?)", what, name, s);
    return mp_m_fail_key(c, key, MP_EINVAL, "unknown %s '%s'; %ss: %s", what, name,
                         what, list);
}

/* obj[key] names a source (or a population when pop_only): its index. */
int mp_m_source_ref(mp_m_ctx *c, const mp_model *m, const json_t *obj,
                      const char *key, int pop_only, size_t *out)
{
    const char *name;
    int rc = mp_m_str(c, obj, key, 0, NULL, &name);
    if (rc != MP_OK)
        return rc;
    long i = mp_m_source_find(m, name);
    if (i < 0)
        return unknown_source(c, m, key, name, pop_only);
    if (pop_only && m->sources[i].kind != MP_SRC_POPULATION)
        return mp_m_fail_key(c, key, MP_EINVAL,
                             "'%s' is a stimulus; this must be a population "
                             "(stimuli only send spikes)", name);
    *out = pop_only ? m->sources[i].index : (size_t)i;
    return MP_OK;
}

/* ---- connectivity --------------------------------------------------------- */

static int connectivity(mp_m_ctx *c, const mp_model *m, const json_t *proj,
                        mp_m_projection *p)
{
    static const char *const rules[] = {"all_to_all", "one_to_one",
                                        "fixed_probability", "fixed_indegree",
                                        NULL};
    static const char *const keys[][4] = {
        {"rule", "allow_autapses", NULL},
        {"rule", "allow_autapses", NULL},
        {"rule", "p", "allow_autapses", NULL},
        {"rule", "k", "allow_autapses", NULL}};
    const mp_m_source *src = &m->sources[p->source];
    size_t n_tgt = m->populations[p->target].size;
    int self = src->kind == MP_SRC_POPULATION && src->index == p->target;
    json_t *v = json_object_get(proj, "connectivity");
    int rule = 0, rc;
    if (!v)
        return mp_m_fail_key(c, "connectivity", MP_EINVAL,
                             "missing required key 'connectivity'");
    size_t old = mp_m_push_key(c, "connectivity");
    rc = json_is_object(v) ? MP_OK
                           : mp_m_fail(c, MP_EINVAL, "expected an object, got %s",
                                       mp_m_type_name(v));
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "rule", rules, -1, &rule);
    if (rc == MP_OK)
        rc = mp_m_object(c, v, "connectivity", keys[rule]);
    p->conn = (mp_m_conn_kind)rule;
    if (rc == MP_OK)
        rc = mp_m_bool(c, v, "allow_autapses", 0, &p->allow_autapses);
    if (rc == MP_OK && rule == MP_CONN_ONE_TO_ONE && src->size != n_tgt)
        rc = mp_m_fail_key(c, "rule", MP_EINVAL,
                           "one_to_one needs equal sizes (source '%s' has %zu "
                           "neurons, target '%s' has %zu)", src->name, src->size,
                           m->populations[p->target].name, n_tgt);
    if (rc == MP_OK && rule == MP_CONN_FIXED_PROBABILITY)
        rc = mp_m_num(c, v, "p", NULL, MP_M_IN(0, 1), NULL, &p->p);
    if (rc == MP_OK && rule == MP_CONN_FIXED_INDEGREE) {
        /* Without autapses a neuron of a recurrent projection has one
         * candidate source fewer. */
        size_t most = src->size - (self && !p->allow_autapses ? 1 : 0);
        rc = mp_m_size(c, v, "k", NULL, 0, SIZE_MAX, &p->k);
        if (rc == MP_OK && p->k > most)
            rc = mp_m_fail_key(c, "k", MP_EINVAL,
                               "must be <= %zu, the number of candidate sources "
                               "in '%s'%s (got %zu)", most, src->name,
                               most < src->size ? " without autapses" : "", p->k);
    }
    mp_m_pop(c, old);
    return rc;
}

/* ---- delay and guard ------------------------------------------------------ */

static int delay(mp_m_ctx *c, const mp_model *m, const json_t *proj,
                 mp_m_projection *p)
{
    char a[32], b[32], lo[32], hi[32];
    int rc = mp_m_num(c, proj, "delay", &m->dt, MP_M_ANY, "ms", &p->delay);
    if (rc != MP_OK)
        return rc;
    double steps = p->delay / m->dt, whole = round(steps);
    if (steps < 1 - 1e-9)
        return mp_m_fail_rel(c, "delay", "dt", MP_EINVAL,
                             "must be >= dt = %s ms (got %s)",
                             mp_m_fmt_num(m->dt, a), mp_m_fmt_num(p->delay, b));
    if (fabs(steps - whole) > 1e-9 * steps) {
        double down = floor(steps) * m->dt, up = ceil(steps) * m->dt;
        return mp_m_fail_rel(c, "delay", "dt", MP_EINVAL,
                             "must be a multiple of dt = %s ms (got %s); use %s "
                             "or %s", mp_m_fmt_num(m->dt, a),
                             mp_m_fmt_num(p->delay, b),
                             mp_m_fmt_num(down < m->dt ? m->dt : down, lo),
                             mp_m_fmt_num(up, hi));
    }
    /* Stored as an exact number of steps, so the kernel may round freely. */
    p->delay = whole * m->dt;
    return MP_OK;
}

int mp_m_weight_guard(mp_m_ctx *c, const json_t *proj, mp_m_projection *p)
{
    json_t *v = json_object_get(proj, "weight_guard");
    p->w_min = -1e6;
    p->w_max = 1e6;
    if (!v)
        return MP_OK;
    size_t old = mp_m_push_key(c, "weight_guard");
    int rc = MP_OK;
    if (!json_is_array(v) || json_array_size(v) != 2 ||
        !json_is_number(json_array_get(v, 0)) || !json_is_number(json_array_get(v, 1)))
        rc = mp_m_fail(c, MP_EINVAL, "expected [lo, hi], two numbers");
    if (rc == MP_OK) {
        p->w_min = json_number_value(json_array_get(v, 0));
        p->w_max = json_number_value(json_array_get(v, 1));
        if (!(p->w_min < p->w_max))
            rc = mp_m_fail(c, MP_EINVAL, "needs lo < hi");
    }
    mp_m_pop(c, old);
    return rc;
}

/* ---- plasticity ----------------------------------------------------------- */

/* Resolves and loads the plugin `rule` (once per file); the path of c is at
 * the plasticity object. */
static int plugin_for(mp_m_ctx *c, mp_model *m, const char *rule,
                      mp_p_plugin **out)
{
    char found[4096], real[PATH_MAX], why[MP_ERROR_TEXT_LEN + 600];
    mp_error perr;
    mp_error_clear(&perr);
    int rc = mp_p_resolve(rule, m->dir, found, sizeof found, &perr);
    if (rc != MP_OK)
        return mp_m_fail_key(c, "rule", rc, "cannot find plasticity rule '%s': %s",
                             rule, mp_error_format(&perr, why, sizeof why));
    if ((c->flags & MP_LOAD_TRUSTED_PLUGINS_ONLY) && mp_p_is_path(rule) &&
        (rc = mp_p_check_trusted(found, &perr)) != MP_OK)
        return mp_m_fail_key(c, "rule", rc, "refused plasticity rule '%s': %s",
                             rule, mp_error_format(&perr, why, sizeof why));
    /* One file, one load, however it was named. */
    const char *path = realpath(found, real) ? real : found;
    for (size_t i = 0; i < m->n_plugins; i++) {
        if (strcmp(m->plugins[i]->path, path) == 0) {
            *out = m->plugins[i];
            return MP_OK;
        }
    }
    mp_p_plugin **grown = mp_u_realloc(m->plugins, (m->n_plugins + 1) * sizeof *grown);
    if (!grown)
        return mp_m_nomem(c);
    m->plugins = grown;
    rc = mp_p_plugin_load(path, out, &perr);
    if (rc != MP_OK)
        return mp_m_fail_key(c, "rule", rc, "cannot load plasticity rule '%s': %s",
                             rule, mp_error_format(&perr, why, sizeof why));
    m->plugins[m->n_plugins++] = *out;
    return MP_OK;
}

static int unknown_param(mp_m_ctx *c, const mp_rule_desc *d, const char *key)
{
    const char *cand[64] = {0};
    char list[300] = "";
    size_t used = 0, n = 0;
    for (uint32_t i = 0; i < d->n_params && n < 64; i++) {
        cand[n++] = d->params[i].name;
        int k = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                         d->params[i].name);
        if (k > 0 && used + (size_t)k < sizeof list)
            used += (size_t)k;
    }
    const char *s = mp_m_suggest(key, cand, n);
    return mp_m_fail_key(c, key, MP_EINVAL,
                         "unknown parameter '%s' of rule '%s'%s%s%s; its "
                         "parameters: %s", key, d->name, s ? " (did you mean '" : "",
                         s ? s : "", s ? "'?)" : "", n ? list : "(none)");
}

static int rule_params(mp_m_ctx *c, const json_t *pl, const mp_rule_desc *d,
                       double *out)
{
    json_t *v = json_object_get(pl, "params");
    const char *key;
    json_t *val;
    for (uint32_t i = 0; i < d->n_params; i++)
        out[i] = d->params[i].def;
    if (!v)
        return MP_OK;
    size_t old = mp_m_push_key(c, "params");
    int rc = json_is_object(v) ? MP_OK
                               : mp_m_fail(c, MP_EINVAL, "expected an object, got %s",
                                           mp_m_type_name(v));
    json_object_foreach(v, key, val) {
        if (rc != MP_OK)
            break;
        int i = mp_p_param_index(d, key);
        if (i < 0) {
            rc = unknown_param(c, d, key);
            break;
        }
        const mp_param_desc *pd = &d->params[i];
        mp_m_range r = {isinf(pd->lo) ? 0 : 'g', pd->lo, isinf(pd->hi) ? 0 : 'l',
                        pd->hi};
        int unitless = !pd->unit || strcmp(pd->unit, "1") == 0;
        rc = mp_m_num(c, v, key, NULL, r, unitless ? NULL : pd->unit, &out[i]);
        if (rc == MP_OK && (pd->flags & MP_PARAM_TOGGLE) && out[i] != 0 && out[i] != 1)
            rc = mp_m_fail_key(c, key, MP_EINVAL,
                               "parameter '%s' of rule '%s' is a switch: 0 or 1 "
                               "(got %g)", key, d->name, out[i]);
        else if (rc == MP_OK && (pd->flags & MP_PARAM_INTEGER) &&
                 out[i] != floor(out[i]))
            rc = mp_m_fail_key(c, key, MP_EINVAL,
                               "parameter '%s' of rule '%s' takes whole numbers "
                               "only (got %.17g)", key, d->name, out[i]);
    }
    mp_m_pop(c, old);
    return rc;
}

int mp_m_load_plasticity(mp_m_ctx *c, mp_model *m, const json_t *proj,
                    mp_m_projection *p)
{
    const int rate = m->network == MP_NET_RATE;
    static const char *const keys[] = {"rule", "params", NULL};
    json_t *v = json_object_get(proj, "plasticity");
    const char *rule;
    mp_p_plugin *plug = NULL;
    if (!v)
        return MP_OK;
    size_t old = mp_m_push_key(c, "plasticity");
    int rc = mp_m_object(c, v, "plasticity", keys);
    if (rc == MP_OK)
        rc = mp_m_str(c, v, "rule", 0, NULL, &rule);
    if (rc == MP_OK && rule[0] == '\0')
        rc = mp_m_fail_key(c, "rule", MP_EINVAL,
                           "must name a rule (\"istdp\") or a plugin file");
    if (rc == MP_OK)
        rc = plugin_for(c, m, rule, &plug);
    if (rc == MP_OK && !rate && !(plug->desc->kind & MP_RULE_SPIKING))
        rc = mp_m_fail_key(c, "rule", MP_EINVAL,
                           "rule '%s' has no spiking hooks; it cannot run on a "
                           "spiking projection", plug->desc->name);
    if (rc == MP_OK && rate &&
        (!(plug->desc->kind & MP_RULE_RATE) || !plug->desc->step))
        rc = mp_m_fail_key(c, "rule", MP_EINVAL,
                           "rule '%s' has no rate step hook; it cannot run on a "
                           "rate projection", plug->desc->name);
    if (rc == MP_OK && !(p->plasticity = mp_u_calloc(1, sizeof *p->plasticity)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK) {
        p->plasticity->plugin = plug;
        uint32_t n = plug->desc->n_params;
        p->plasticity->params = mp_u_malloc((n ? n : 1) * sizeof(double));
        rc = p->plasticity->params ? rule_params(c, v, plug->desc,
                                                 p->plasticity->params)
                                   : mp_m_nomem(c);
    }
    mp_m_pop(c, old);
    return rc;
}

/* ---- projections ---------------------------------------------------------- */

int mp_m_projection_name(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    const char *name;
    int rc = mp_m_name(c, v, "name", &name);
    for (size_t j = 0; j < i && rc == MP_OK; j++)
        if (strcmp(m->projections[j].name, name) == 0)
            rc = mp_m_fail_key(c, "name", MP_EINVAL,
                               "name '%s' is already used by projections[%zu]",
                               name, j);
    if (rc == MP_OK && !(m->projections[i].name = mp_u_strdup(name)))
        rc = mp_m_nomem(c);
    return rc;
}

static int projection(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    static const char *const keys[] = {
        "name",   "source", "target",       "receptor",   "connectivity",
        "weight", "g_scale", "delay", "weight_guard", "plasticity", NULL};
    static const char *const receptors[] = {"excitatory", "inhibitory", NULL};
    static const double one = 1.0;
    mp_m_projection *p = &m->projections[i];
    int rec = 0;
    if (m->network == MP_NET_RATE)
        return mp_m_rate_projection(c, m, i, v);
    int rc = mp_m_object(c, v, "projection", keys);
    if (rc == MP_OK)
        rc = mp_m_projection_name(c, m, i, v);
    if (rc == MP_OK)
        rc = mp_m_source_ref(c, m, v, "source", 0, &p->source);
    if (rc == MP_OK)
        rc = mp_m_source_ref(c, m, v, "target", 1, &p->target);
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "receptor", receptors, -1, &rec);
    p->receptor = (mp_m_receptor)rec;
    if (rc == MP_OK)
        rc = connectivity(c, m, v, p);
    if (rc == MP_OK)
        rc = mp_m_init_get(c, v, "weight", 1.0, m->sources[p->source].n_groups, 0,
                           &p->weight);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "g_scale", &one, MP_M_GT(0), "nS", &p->g_scale);
    if (rc == MP_OK)
        rc = delay(c, m, v, p);
    if (rc == MP_OK)
        rc = mp_m_weight_guard(c, v, p);
    if (rc == MP_OK)
        rc = mp_m_load_plasticity(c, m, v, p);
    return rc;
}

int mp_m_load_projections(mp_m_ctx *c, mp_model *m, const json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n == 0)
        return MP_OK;
    m->projections = mp_u_calloc(n, sizeof *m->projections);
    if (!m->projections)
        return mp_m_nomem(c);
    m->n_projections = n;
    size_t old = mp_m_push_key(c, "projections");
    int rc = MP_OK;
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        size_t o = mp_m_push_index(c, i);
        rc = projection(c, m, i, json_array_get(arr, i));
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}
