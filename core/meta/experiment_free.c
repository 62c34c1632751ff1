/* The "free" entries of an experiment file (docs/meta.md "Free
 * parameters"): which rule parameters the meta-layer optimizes, on which
 * projections, with which bounds, scale and initial values; validated with
 * the model loader's context, so messages name file:line:col and the path.
 * Two forms: {"param", "projections"} (coefficients only, the original
 * form) and {"path"} with the --set path syntax (any numeric parameter). */
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

/* Adds parameter k of projection j to f: the same parameter for every
 * target of one entry, and no (projection, parameter) free twice. */
static int add_target(mp_m_ctx *c, mp_experiment *x, mp_x_free *f, size_t j,
                      size_t k)
{
    const mp_m_projection *p = &x->model->projections[j];
    const char *pname = p->plasticity->plugin->desc->params[k].name;
    if (f->n_proj && strcmp(pname, f->param_name) != 0)
        return mp_m_fail(c, MP_EINVAL, "'%s' is not '%s': the paths of one free "
                         "entry share one value and must name the same rule "
                         "parameter (declare a separate entry)", pname, f->param_name);
    if (f->n_proj && k != f->param)
        return mp_m_fail(c, MP_EINVAL, "parameter '%s' sits at different places in "
                         "the rules of the listed projections", pname);
    for (size_t g = 0; g <= (size_t)(f - x->free); g++) {
        const mp_x_free *o = &x->free[g];
        size_t n = o == f ? f->n_proj : o->n_proj;
        for (size_t q = 0; q < n; q++)
            if (o->proj[q] == j && o->param == k)
                return mp_m_fail(c, MP_EINVAL, "parameter '%s' of projection '%s' "
                                 "is already free%s%s%s", pname, p->name,
                                 o == f ? "" : " as '", o == f ? "" : o->name,
                                 o == f ? "" : "'");
    }
    f->param = k;
    f->proj[f->n_proj++] = j;
    return MP_OK;
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
                         "flagged MP_PARAM_COEF), so it cannot be optimized in this "
                         "form; free it by \"path\": \"projections[%s].plasticity."
                         "params.%s\"", pname, d->name, p->name, pname);
    return add_target(c, x, f, j, (size_t)k);
}

/* ---- the "path" form ------------------------------------------------------ */

#define PATH_MID "].plasticity.params."

/* "did you mean": the closest rule-parameter path of the model to `path`
 * (into buf), or NULL. */
static const char *suggest_path(const mp_model *m, const char *path, char *buf,
                                size_t len)
{
    enum { MAXC = 512 };
    char *store = mp_u_malloc(MAXC * MP_M_PATH_MAX);
    const char *cand[MAXC];
    size_t nc = 0;
    if (!store)
        return NULL;
    /* the array paths of a rate model (experiment_free_array.c) */
    static const char *const arrays[] = {"weights", "feedback_weights", "bias",
                                         "feedback.gain"};
    for (size_t j = 0; m->network == MP_NET_RATE && j < m->n_projections; j++)
        for (size_t a = 0; a < 4 && nc < MAXC; a++) {
            char *w = store + nc * MP_M_PATH_MAX;
            snprintf(w, MP_M_PATH_MAX, "projections[%s].%s", m->projections[j].name,
                     arrays[a]);
            cand[nc++] = w;
        }
    for (size_t j = 0; j < m->n_projections; j++) {
        const mp_m_plasticity *pl = m->projections[j].plasticity;
        for (uint32_t k = 0; pl && k < pl->plugin->desc->n_params && nc < MAXC; k++) {
            char *w = store + nc * MP_M_PATH_MAX;
            snprintf(w, MP_M_PATH_MAX, "projections[%s" PATH_MID "%s",
                     m->projections[j].name, pl->plugin->desc->params[k].name);
            cand[nc++] = w;
        }
    }
    const char *s = mp_m_suggest(path, cand, nc);
    if (s)
        snprintf(buf, len, "%s", s);
    mp_u_free(store);
    return s ? buf : NULL;
}

/* The top-level keys of a model: a path starting with one names a model
 * value that exists but is no rule parameter. */
static int model_key(const char *path)
{
    static const char *const keys[] = {"populations", "stimuli", "projections",
                                       "recorders", "dt", "duration", "seed",
                                       "trace_decay", "network", "training", "data",
                                       "name", NULL};
    size_t n = strcspn(path, ".[");
    for (size_t i = 0; keys[i]; i++)
        if (strlen(keys[i]) == n && strncmp(keys[i], path, n) == 0)
            return 1;
    return 0;
}

long mp_x_projection_select(const mp_model *m, const char *sel)
{
    if (sel[0] && strspn(sel, "0123456789") == strlen(sel)) {
        unsigned long v = strtoul(sel, NULL, 10);
        return v < m->n_projections ? (long)v : -1;
    }
    return mp_m_projection_find(m, sel);
}

/* Resolves "projections[SEL].plasticity.params.NAME" (SEL a name or an
 * index, as --set reads it) into (projection, parameter). */
static int resolve_path(mp_m_ctx *c, const mp_model *m, const char *path,
                        size_t *pj, size_t *pk)
{
    static const char form[] = "free paths name a rule parameter as "
                               "projections[NAME].plasticity.params.PARAM";
    char sg[MP_M_PATH_MAX];
    const char *open = strncmp(path, "projections[", 12) == 0 ? path + 12 : NULL;
    const char *close = open ? strchr(open, ']') : NULL;
    if (!close) {
        if (model_key(path))
            return mp_m_fail(c, MP_EINVAL, "'%s' is not a numeric rule parameter (%s)",
                             path, form);
        const char *s = suggest_path(m, path, sg, sizeof sg);
        return mp_m_fail(c, MP_EINVAL, "unknown path '%s'%s%s%s", path,
                         s ? " (did you mean '" : " (", s ? s : form, s ? "'?)" : ")");
    }
    char sel[MP_M_PATH_MAX];
    snprintf(sel, sizeof sel, "%.*s", (int)(close - open), open);
    long j = mp_x_projection_select(m, sel);
    if (j < 0) {
        const char *s = suggest_path(m, path, sg, sizeof sg);
        return mp_m_fail(c, MP_EINVAL, "unknown projection '%s' in path '%s'%s%s%s",
                         sel, path, s ? " (did you mean '" : "", s ? s : "",
                         s ? "'?)" : "");
    }
    const mp_m_projection *p = &m->projections[j];
    size_t mid = strlen(PATH_MID) - 1; /* without the ']' */
    const char *pname = close + 1 + mid;
    if (strncmp(close, PATH_MID, mid + 1) != 0 || !*pname || strpbrk(pname, ".[]")) {
        const char *s = suggest_path(m, path, sg, sizeof sg);
        return mp_m_fail(c, MP_EINVAL, "'%s' is not a numeric rule parameter (%s)%s%s%s",
                         path, form, s ? "; did you mean '" : "", s ? s : "",
                         s ? "'?" : "");
    }
    if (!p->plasticity)
        return mp_m_fail(c, MP_EINVAL, "projection '%s' is static (no plasticity), so "
                         "'%s' is no rule parameter", p->name, path);
    const mp_rule_desc *d = p->plasticity->plugin->desc;
    for (uint32_t k = 0; k < d->n_params; k++)
        if (strcmp(d->params[k].name, pname) == 0) {
            *pj = (size_t)j;
            *pk = k;
            return MP_OK;
        }
    const char *cand[256];
    size_t nc = 0;
    for (uint32_t k = 0; k < d->n_params && nc < 256; k++)
        cand[nc++] = d->params[k].name;
    const char *s = mp_m_suggest(pname, cand, nc);
    return mp_m_fail(c, MP_EINVAL, "rule '%s' of projection '%s' has no parameter "
                     "'%s'%s%s%s", d->name, p->name, pname, s ? " (did you mean '" : "",
                     s ? s : "", s ? "'?)" : "");
}

static int parse_paths(mp_m_ctx *c, mp_experiment *x, mp_x_free *f, const json_t *pv)
{
    size_t old = mp_m_push_key(c, "path");
    int rc = MP_OK, list = json_is_array(pv);
    size_t n = list ? json_array_size(pv) : 1;
    if (!json_is_string(pv) && !(list && n > 0))
        rc = mp_m_fail(c, MP_EINVAL, "expected a parameter path (\"projections[NAME]."
                       "plasticity.params.PARAM\") or a non-empty array of them, got %s",
                       mp_m_type_name(pv));
    for (size_t q = 0; q < n && rc == MP_OK; q++) {
        const json_t *e = list ? json_array_get(pv, q) : pv;
        size_t o2 = list ? mp_m_push_index(c, q) : 0;
        size_t j = 0, k = 0;
        if (!json_is_string(e))
            rc = mp_m_fail(c, MP_EINVAL, "expected a parameter path, got %s",
                           mp_m_type_name(e));
        else
            rc = resolve_path(c, x->model, json_string_value(e), &j, &k);
        if (rc == MP_OK && !f->param_name &&
            !(f->param_name =
                  mp_u_strdup(x->model->projections[j].plasticity->plugin->desc->params[k].name)))
            rc = mp_m_nomem(c);
        if (rc == MP_OK)
            rc = add_target(c, x, f, j, k);
        if (list)
            mp_m_pop(c, o2);
    }
    mp_m_pop(c, old);
    return rc;
}

/* ---- the "param" form ------------------------------------------------------ */

static int parse_param(mp_m_ctx *c, mp_experiment *x, mp_x_free *f, const json_t *v)
{
    const mp_model *m = x->model;
    const char *s;
    int rc = mp_m_str(c, v, "param", 0, NULL, &s);
    if (rc != MP_OK)
        return rc;
    if (!(f->param_name = mp_u_strdup(s)))
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
    return rc;
}

/* ---- bounds and scale --------------------------------------------------- */

int mp_x_parse_free_bounds(mp_m_ctx *c, mp_experiment *x, mp_x_free *f, const json_t *v)
{
    const mp_m_plasticity *pl = x->model->projections[f->proj[0]].plasticity;
    const mp_param_desc *pd = &pl->plugin->desc->params[f->param];
    static const char *const scales[] = {"linear", "log", NULL};
    char a1[32], a2[32], a3[32], a4[32];
    int rc = MP_OK, scale = 0;
    f->lo = pd->lo;
    f->hi = pd->hi;
    f->coef = (pd->flags & MP_PARAM_COEF) != 0;
    json_t *b = json_object_get(v, "bounds");
    if (b) {
        size_t ob = mp_m_push_key(c, "bounds");
        if (!json_is_array(b) || json_array_size(b) != 2 ||
            !json_is_number(json_array_get(b, 0)) || !json_is_number(json_array_get(b, 1)))
            rc = mp_m_fail(c, MP_EINVAL, "expected [lo, hi] (two numbers)");
        else {
            double lo = json_number_value(json_array_get(b, 0));
            double hi = json_number_value(json_array_get(b, 1));
            if (!(lo <= hi))
                rc = mp_m_fail(c, MP_EINVAL, "lower bound %s is above upper bound %s",
                               mp_m_fmt_num(lo, a1), mp_m_fmt_num(hi, a2));
            else if (lo < pd->lo || hi > pd->hi)
                rc = mp_m_fail(c, MP_EINVAL, "bounds [%s, %s] widen the bounds [%s, "
                               "%s] that rule '%s' declares for '%s'; an experiment may "
                               "only narrow them", mp_m_fmt_num(lo, a1),
                               mp_m_fmt_num(hi, a2), mp_m_fmt_num(pd->lo, a3),
                               mp_m_fmt_num(pd->hi, a4), pl->plugin->desc->name, pd->name);
            f->lo = lo;
            f->hi = hi;
        }
        mp_m_pop(c, ob);
    }
    f->bounded = isfinite(f->lo) || isfinite(f->hi);
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "scale", scales, 0, &scale);
    f->log_scale = scale == 1;
    if (rc == MP_OK && f->log_scale && !(f->lo > 0))
        rc = mp_m_fail_key(c, b ? "bounds" : "scale", MP_EINVAL, "a log scale needs "
                           "positive values, but the lower bound of '%s' is %s; give "
                           "\"bounds\": [lo, hi] with lo > 0", f->name,
                           mp_m_fmt_num(f->lo, a1));
    if (rc == MP_OK && !(f->init >= f->lo && f->init <= f->hi))
        rc = mp_m_fail_key(c, json_object_get(v, "init") ? "init" : "bounds", MP_EINVAL,
                           "init %s lies outside the bounds [%s, %s]",
                           mp_m_fmt_num(f->init, a1), mp_m_fmt_num(f->lo, a2),
                           mp_m_fmt_num(f->hi, a3));
    return rc;
}

double mp_x_free_value(const mp_x_free *f, double theta)
{
    return f->log_scale ? exp(theta) : theta;
}

double mp_x_free_theta(const mp_x_free *f, double value)
{
    return f->log_scale ? log(value) : value;
}

double mp_x_free_init(const mp_x_free *f, size_t j)
{
    return f->init_v ? f->init_v[j] : f->init;
}

const mp_x_free *mp_x_free_at(const mp_experiment *x, size_t k)
{
    size_t lo = 0, hi = x->n_free; /* entries are in offset order */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->free[mid].offset <= k)
            lo = mid;
        else
            hi = mid;
    }
    return &x->free[lo];
}

int mp_x_parse_free(mp_m_ctx *c, mp_experiment *x, size_t i, const json_t *v,
                    const char *base_dir)
{
    static const char *const keys[] = {"param", "projections", "path", "init",
                                       "bounds", "scale", "name", "per", NULL};
    mp_x_free *f = &x->free[i];
    const mp_model *m = x->model;
    f->size = 1; /* a rule parameter: one number shared by its projections */
    int rc = mp_m_object(c, v, "free parameter", keys);
    if (rc != MP_OK)
        return rc;
    if (!(f->proj = mp_u_calloc(m->n_projections ? m->n_projections : 1, sizeof *f->proj)))
        return mp_m_nomem(c);
    if (mp_x_parse_free_array(c, x, f, v, base_dir, &rc))
        return rc;
    const json_t *pv = json_object_get(v, "path");
    if (pv && (json_object_get(v, "param") || json_object_get(v, "projections")))
        return mp_m_fail_key(c, "path", MP_EINVAL, "a free entry names its parameter "
                             "either by \"path\" or by \"param\" (with "
                             "\"projections\"), not both");
    rc = pv ? parse_paths(c, x, f, pv) : parse_param(c, x, f, v);
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
            rc = mp_m_fail(c, MP_EINVAL, "two free parameters are named '%s' (set "
                           "\"name\")", f->name);
    if (rc == MP_OK)
        rc = mp_x_parse_free_bounds(c, x, f, v);
    return rc;
}
