/* The "free" entries of an experiment file (docs/meta.md "Free
 * coefficients"): which rule coefficients the meta-layer optimizes, on which
 * projections, with which bounds and initial values; validated with the
 * model loader's context, so messages name file:line:col and the path. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_int.h"
#include "model/load_int.h"

/* ---- free coefficients -------------------------------------------------- */

static long coef_index(const mp_m_projection *p, const char *name)
{
    if (!p->plasticity)
        return -1;
    const mp_rule_desc *d = p->plasticity->plugin->desc;
    for (uint32_t k = 0; k < d->n_params; k++)
        if (strcmp(d->params[k].name, name) == 0)
            return (long)k;
    return -1;
}

/* Fails at free[i].param while the path is inside free[i].projections: a
 * parameter the rule lacks is the parameter's fault, and the message points
 * at its name. */
static int fail_param(mp_m_ctx *c, const char *fmt, ...) MP_PRINTF(2, 3);
static int fail_param(mp_m_ctx *c, const char *fmt, ...)
{
    char text[MP_ERROR_TEXT_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t len = c->path_len;
    char *at = strstr(c->path, ".projections");
    char saved = at ? *at : '\0';
    if (at) {
        *at = '\0';
        c->path_len = (size_t)(at - c->path);
    }
    int rc = mp_m_fail_key(c, "param", MP_EINVAL, "%s", text);
    if (at)
        *at = saved;
    c->path_len = len;
    return rc;
}

static int add_proj(mp_m_ctx *c, mp_experiment *x, mp_x_free *f, size_t j,
                    const char *pname)
{
    const mp_model *m = x->model;
    const mp_m_projection *p = &m->projections[j];
    if (!p->plasticity)
        return mp_m_fail(c, MP_EINVAL, "projection '%s' is static (no plasticity)",
                         p->name);
    long k = coef_index(p, pname);
    const mp_rule_desc *d = p->plasticity->plugin->desc;
    if (k < 0) {
        const char *cand[64];
        size_t nc = 0;
        for (uint32_t q = 0; q < d->n_params && nc < 64; q++)
            if (d->params[q].flags & MP_PARAM_COEF)
                cand[nc++] = d->params[q].name;
        const char *s = mp_m_suggest(pname, cand, nc);
        return fail_param(c,
                         "rule '%s' of projection '%s' has no parameter '%s'%s%s%s",
                         d->name, p->name, pname, s ? " (did you mean '" : "",
                         s ? s : "", s ? "'?)" : "");
    }
    if (!(d->params[k].flags & MP_PARAM_COEF))
        return fail_param(c,
                         "parameter '%s' of rule '%s' is not a coefficient (not "
                         "flagged MP_PARAM_COEF), so it cannot be optimized",
                         pname, d->name);
    if (f->n_proj && (size_t)k != f->param)
        return mp_m_fail(c, MP_EINVAL, "parameter '%s' sits at different places in "
                         "the rules of the listed projections", pname);
    /* No (projection, parameter) may be free twice. */
    for (size_t g = 0; g <= (size_t)(f - x->free); g++) {
        const mp_x_free *o = &x->free[g];
        size_t n = o == f ? f->n_proj : o->n_proj;
        for (size_t q = 0; q < n; q++)
            if (o->proj[q] == j && o->param == (size_t)k)
                return mp_m_fail(c, MP_EINVAL, "parameter '%s' of projection '%s' "
                                 "is already free%s%s", pname, p->name,
                                 o == f ? "" : " as ", o == f ? "" : o->name);
    }
    f->param = (size_t)k;
    f->proj[f->n_proj++] = j;
    return MP_OK;
}

int mp_x_parse_free(mp_m_ctx *c, mp_experiment *x, size_t i, const json_t *v)
{
    static const char *const keys[] = {"param", "projections", "init", "bounds",
                                       "name", NULL};
    mp_x_free *f = &x->free[i];
    const mp_model *m = x->model;
    const char *s;
    int rc = mp_m_object(c, v, "free coefficient", keys);
    if (rc == MP_OK)
        rc = mp_m_str(c, v, "param", 0, NULL, &s);
    if (rc != MP_OK)
        return rc;
    if (!(f->param_name = mp_u_strdup(s)) ||
        !(f->proj = mp_u_calloc(m->n_projections ? m->n_projections : 1, sizeof *f->proj)))
        return mp_m_nomem(c);
    json_t *pr = json_object_get(v, "projections");
    size_t old = mp_m_push_key(c, "projections");
    if (!pr || (json_is_string(pr) && strcmp(json_string_value(pr), "all") == 0)) {
        for (size_t j = 0; j < m->n_projections; j++)
            if (coef_index(&m->projections[j], f->param_name) >= 0 && rc == MP_OK)
                rc = add_proj(c, x, f, j, f->param_name);
        if (rc == MP_OK && f->n_proj == 0)
            rc = mp_m_fail(c, MP_EINVAL, "no plastic projection of the model has a "
                           "rule parameter '%s'", f->param_name);
    } else if (!json_is_array(pr) || json_array_size(pr) == 0) {
        rc = mp_m_fail(c, MP_EINVAL, "expected \"all\" or a non-empty array of "
                       "projection names, got %s", mp_m_type_name(pr));
    } else {
        for (size_t q = 0; q < json_array_size(pr) && rc == MP_OK; q++) {
            json_t *e = json_array_get(pr, q);
            size_t o2 = mp_m_push_index(c, q);
            long j = json_is_string(e) ? mp_m_projection_find(m, json_string_value(e))
                                       : -2;
            if (j == -2)
                rc = mp_m_fail(c, MP_EINVAL, "expected a projection name, got %s",
                               mp_m_type_name(e));
            else if (j < 0) {
                const char *cand[256];
                size_t nc = 0;
                for (size_t k = 0; k < m->n_projections && nc < 256; k++)
                    cand[nc++] = m->projections[k].name;
                const char *sg = mp_m_suggest(json_string_value(e), cand, nc);
                rc = mp_m_fail(c, MP_EINVAL, "unknown projection '%s'%s%s%s",
                               json_string_value(e), sg ? " (did you mean '" : "",
                               sg ? sg : "", sg ? "'?)" : "");
            } else
                rc = add_proj(c, x, f, (size_t)j, f->param_name);
            mp_m_pop(c, o2);
        }
    }
    mp_m_pop(c, old);
    if (rc != MP_OK)
        return rc;
    const double def_init =
        m->projections[f->proj[0]].plasticity->params[f->param];
    rc = mp_m_num(c, v, "init", &def_init, MP_M_ANY, NULL, &f->init);
    const char *nm = f->param_name;
    if (rc == MP_OK && json_object_get(v, "name"))
        rc = mp_m_name(c, v, "name", &nm);
    if (rc == MP_OK && !(f->name = mp_u_strdup(nm)))
        rc = mp_m_nomem(c);
    for (size_t g = 0; g < i && rc == MP_OK; g++)
        if (strcmp(x->free[g].name, f->name) == 0)
            rc = mp_m_fail(c, MP_EINVAL, "two free coefficients are named '%s' (set "
                           "\"name\")", f->name);
    f->lo = -HUGE_VAL;
    f->hi = HUGE_VAL;
    json_t *b = json_object_get(v, "bounds");
    if (rc == MP_OK && b) {
        size_t ob = mp_m_push_key(c, "bounds");
        if (!json_is_array(b) || json_array_size(b) != 2 ||
            !json_is_number(json_array_get(b, 0)) || !json_is_number(json_array_get(b, 1)))
            rc = mp_m_fail(c, MP_EINVAL, "expected [lo, hi] (two numbers)");
        else {
            f->lo = json_number_value(json_array_get(b, 0));
            f->hi = json_number_value(json_array_get(b, 1));
            f->bounded = 1;
            char a1[32], a2[32];
            if (!(f->lo <= f->hi))
                rc = mp_m_fail(c, MP_EINVAL, "lower bound %s is above upper bound %s",
                               mp_m_fmt_num(f->lo, a1), mp_m_fmt_num(f->hi, a2));
            else if (!(f->init >= f->lo && f->init <= f->hi))
                rc = mp_m_fail(c, MP_EINVAL, "init %s lies outside the bounds",
                               mp_m_fmt_num(f->init, a1));
        }
        mp_m_pop(c, ob);
    }
    return rc;
}
