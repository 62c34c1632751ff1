/* Projections of rate models (dense W, initializers incl. Xavier-uniform,
 * feedback mode and B's initializer, hierarchical lateral matrices) and the
 * chain they must form: one rate_input population, then each population
 * fed by exactly one feedforward projection from the previous one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

/* An initializer at obj[key]: {"xavier_uniform": {"gain": g}} here, the
 * rest (number, uniform, normal) by mp_m_init_get. */
static int rate_init(mp_m_ctx *c, const json_t *obj, const char *key,
                     mp_m_init *out)
{
    static const char *const keys[] = {"gain", NULL};
    static const double one = 1.0;
    json_t *v = json_object_get(obj, key);
    json_t *x = json_is_object(v) ? json_object_get(v, "xavier_uniform") : NULL;
    memset(out, 0, sizeof *out);
    out->kind = MP_INIT_XAVIER_UNIFORM;
    out->a = 1.0;
    if (!v)
        return MP_OK;
    if (!x)
        return mp_m_init_get(c, obj, key, 0.0, 0, 0, out);
    size_t old = mp_m_push_key(c, key);
    int rc = json_object_size(v) == 1
                 ? MP_OK
                 : mp_m_fail(c, MP_EINVAL, "expected exactly one initializer key");
    if (rc == MP_OK) {
        size_t o = mp_m_push_key(c, "xavier_uniform");
        rc = json_is_object(x) ? mp_m_object(c, x, "xavier_uniform", keys)
                               : mp_m_fail(c, MP_EINVAL,
                                           "expected {\"gain\": g} ({} for gain 1)");
        if (rc == MP_OK)
            rc = mp_m_num(c, x, "gain", &one, MP_M_GT(0), NULL, &out->a);
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}

static int feedback(mp_m_ctx *c, const json_t *proj, mp_m_projection *p)
{
    static const char *const modes[] = {"symmetric", "fixed_random", "direct",
                                        "none", NULL};
    static const char *const keys[] = {"mode", "weight", "gain", NULL};
    static const double one = 1.0;
    json_t *v = json_object_get(proj, "feedback");
    int mode = MP_FB_SYMMETRIC, rc = MP_OK;
    p->feedback_weight = (mp_m_init){.kind = MP_INIT_XAVIER_UNIFORM, .a = 1.0};
    p->feedback_gain = 1.0;
    if (p->lateral) {
        p->feedback = MP_FB_NONE;
        return v ? mp_m_fail_key(c, "feedback", MP_EINVAL,
                                 "a lateral projection carries no errors; "
                                 "remove \"feedback\"")
                 : MP_OK;
    }
    if (!v || json_is_string(v)) {
        rc = mp_m_enum(c, proj, "feedback", modes, MP_FB_SYMMETRIC, &mode);
    } else {
        size_t old = mp_m_push_key(c, "feedback");
        rc = json_is_object(v) ? mp_m_object(c, v, "feedback", keys)
                               : mp_m_fail(c, MP_EINVAL,
                                           "expected a mode (\"fixed_random\") or "
                                           "{\"mode\": ..., \"weight\": ...}, got %s",
                                           mp_m_type_name(v));
        if (rc == MP_OK)
            rc = mp_m_enum(c, v, "mode", modes, -1, &mode);
        if (rc == MP_OK && json_object_get(v, "weight") &&
            mode != MP_FB_FIXED_RANDOM && mode != MP_FB_DIRECT)
            rc = mp_m_fail_key(c, "weight", MP_EINVAL,
                               "only fixed_random and direct feedback have their "
                               "own weights");
        if (rc == MP_OK)
            rc = rate_init(c, v, "weight", &p->feedback_weight);
        if (rc == MP_OK && json_object_get(v, "gain") && mode == MP_FB_NONE)
            rc = mp_m_fail_key(c, "gain", MP_EINVAL,
                               "feedback \"none\" carries no errors to scale");
        if (rc == MP_OK)
            rc = mp_m_num(c, v, "gain", &one, MP_M_ANY, NULL, &p->feedback_gain);
        mp_m_pop(c, old);
    }
    p->feedback = (mp_m_feedback)mode;
    return rc;
}

int mp_m_rate_projection(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    static const char *const keys[] = {"name",     "source", "target",
                                       "connectivity", "weight", "feedback",
                                       "lateral",  "weight_guard", "plasticity",
                                       "bias",     NULL};
    static const char *const conn_keys[] = {"rule", NULL};
    static const char *const conns[] = {"all_to_all", NULL};
    static const char *const laterals[] = {"hierarchical", NULL};
    mp_m_projection *p = &m->projections[i];
    int rule = 0, lat = 0;
    int rc = json_is_object(v) ? mp_m_object(c, v, "rate projection", keys)
                               : mp_m_fail(c, MP_EINVAL, "expected a projection "
                                           "object, got %s", mp_m_type_name(v));
    if (rc == MP_OK)
        rc = mp_m_projection_name(c, m, i, v);
    if (rc == MP_OK)
        rc = mp_m_source_ref(c, m, v, "source", 0, &p->source);
    if (rc == MP_OK)
        rc = mp_m_source_ref(c, m, v, "target", 1, &p->target);
    if (rc == MP_OK && m->populations[p->target].model == MP_NEURON_RATE_INPUT)
        rc = mp_m_fail_key(c, "target", MP_EINVAL,
                           "'%s' is a rate_input population: it takes the data, "
                           "not projections", m->populations[p->target].name);
    json_t *cv = json_object_get(v, "connectivity");
    if (rc == MP_OK && cv) {
        size_t old = mp_m_push_key(c, "connectivity");
        rc = json_is_object(cv) ? mp_m_object(c, cv, "connectivity", conn_keys)
                                : mp_m_fail(c, MP_EINVAL, "expected an object");
        if (rc == MP_OK)
            rc = mp_m_enum(c, cv, "rule", conns, 0, &rule);
        mp_m_pop(c, old);
    }
    p->conn = MP_CONN_ALL_TO_ALL;
    int self = m->sources[p->source].index == p->target;
    if (rc == MP_OK && json_object_get(v, "lateral")) {
        rc = mp_m_enum(c, v, "lateral", laterals, -1, &lat);
        if (rc == MP_OK && !self)
            rc = mp_m_fail_key(c, "lateral", MP_EINVAL,
                               "a lateral projection connects a population to "
                               "itself (source '%s' != target '%s')",
                               m->sources[p->source].name,
                               m->populations[p->target].name);
        p->lateral = 1;
    } else if (rc == MP_OK && self) {
        rc = mp_m_fail_key(c, "target", MP_EINVAL,
                           "a projection from '%s' to itself must be lateral "
                           "(\"lateral\": \"hierarchical\")",
                           m->populations[p->target].name);
    }
    if (rc == MP_OK && p->lateral &&
        m->populations[p->target].act == MP_ACT_SOFTMAX)
        rc = mp_m_fail_key(c, "lateral", MP_EINVAL,
                           "a hierarchical lateral matrix needs an elementwise "
                           "activation; '%s' is softmax",
                           m->populations[p->target].name);
    if (rc == MP_OK) {
        rc = rate_init(c, v, "weight", &p->weight);
        /* Lateral weights start at 0 unless given: the hierarchical
         * network of Confavreux et al. learns them from zero. */
        if (rc == MP_OK && p->lateral && !json_object_get(v, "weight"))
            p->weight = (mp_m_init){.kind = MP_INIT_CONST, .a = 0.0};
    }
    if (rc == MP_OK)
        rc = feedback(c, v, p);
    if (rc == MP_OK && json_object_get(v, "bias")) {
        rc = p->lateral ? mp_m_fail_key(c, "bias", MP_EINVAL,
                                        "a lateral projection has no bias; give it to "
                                        "the feedforward projection into '%s'",
                                        m->populations[p->target].name)
                        : mp_m_init_get(c, v, "bias", 0.0, (size_t)-1, 0, &p->bias);
        p->has_bias = 1;
    }
    if (rc == MP_OK)
        rc = mp_m_weight_guard(c, v, p);
    if (rc == MP_OK)
        rc = mp_m_load_plasticity(c, m, v, p);
    return rc;
}

int mp_m_rate_chain(mp_m_ctx *c, mp_model *m)
{
    size_t np = m->n_populations, input = SIZE_MAX;
    mp_m_chain *ch = &m->chain;
    ch->order = mp_u_malloc(np * sizeof(size_t));
    ch->ff_into = mp_u_malloc(np * sizeof(size_t));
    ch->lat_of = mp_u_malloc(np * sizeof(size_t));
    size_t *ff_from = mp_u_malloc(np * sizeof(size_t));
    int rc = ch->order && ch->ff_into && ch->lat_of && ff_from ? MP_OK
                                                               : mp_m_nomem(c);
    for (size_t i = 0; i < np && rc == MP_OK; i++) {
        ch->ff_into[i] = ch->lat_of[i] = ff_from[i] = SIZE_MAX;
        if (m->populations[i].model != MP_NEURON_RATE_INPUT)
            continue;
        if (input != SIZE_MAX) {
            size_t old = mp_m_push_key(c, "populations"), o = mp_m_push_index(c, i);
            rc = mp_m_fail_key(c, "model", MP_EINVAL,
                               "a rate network has one rate_input population "
                               "('%s' is one already)", m->populations[input].name);
            mp_m_pop(c, o);
            mp_m_pop(c, old);
        }
        input = i;
    }
    if (rc == MP_OK && input == SIZE_MAX)
        rc = mp_m_fail_key(c, "populations", MP_EINVAL,
                           "a rate network needs a population with \"model\": "
                           "\"rate_input\" (the data)");
    size_t old = mp_m_push_key(c, "projections");
    for (size_t j = 0; j < m->n_projections && rc == MP_OK; j++) {
        const mp_m_projection *p = &m->projections[j];
        size_t s = m->sources[p->source].index, t = p->target;
        size_t o = mp_m_push_index(c, j);
        size_t *slot = p->lateral ? &ch->lat_of[t] : &ch->ff_into[t];
        if (*slot != SIZE_MAX)
            rc = mp_m_fail_key(c, "target", MP_EINVAL,
                               "'%s' already receives a %s projection "
                               "(projections[%zu]); a rate network is a chain",
                               m->populations[t].name,
                               p->lateral ? "lateral" : "feedforward", *slot);
        else if (!p->lateral && ff_from[s] != SIZE_MAX)
            rc = mp_m_fail_key(c, "source", MP_EINVAL,
                               "'%s' already feeds projections[%zu]; a rate "
                               "network is a chain", m->populations[s].name,
                               ff_from[s]);
        *slot = j;
        if (!p->lateral)
            ff_from[s] = j;
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    /* Walk from the input; every population must be reached. */
    size_t n = 0, cur = input;
    while (rc == MP_OK && cur != SIZE_MAX && n < np) {
        ch->order[n++] = cur;
        size_t j = ff_from[cur];
        cur = j == SIZE_MAX ? SIZE_MAX : m->projections[j].target;
    }
    ch->n_order = n;
    if (rc == MP_OK && n < 2)
        rc = mp_m_fail_key(c, "projections", MP_EINVAL,
                           "nothing is fed from the rate_input population '%s'",
                           m->populations[input].name);
    for (size_t i = 0; i < np && rc == MP_OK && n != np; i++) {
        int seen = 0;
        for (size_t k = 0; k < n; k++)
            seen |= ch->order[k] == i;
        if (!seen)
            rc = mp_m_fail_key(c, "populations", MP_EINVAL,
                               "population '%s' is not on the chain from the "
                               "rate_input population (or the chain has a cycle)",
                               m->populations[i].name);
    }
    mp_u_free(ff_from);
    return rc;
}
