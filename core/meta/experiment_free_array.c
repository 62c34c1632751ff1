/* Array entries of an experiment's "free" list (docs/meta.md "Free
 * parameters"): a rate projection's initial weights W_0, feedback weights
 * B, bias, feedback gain, or a rule parameter per synapse, set on the
 * evaluation's net through the seam (mp_seam_set_array) and optimized with
 * exact gradients (mp_seam_episode_grad_arrays). The start values are the
 * model's own initializers drawn once from the experiment seed, a number
 * (per-synapse parameters and the gain), or a .npy file of the array's
 * shape. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_int.h"
#include "model/load_int.h"
#include "net/seam.h"
#include "util/npy.h"

#define PARAMS_MID "].plasticity.params."

static const struct {
    const char *suffix;
    int what;
} forms[] = {{"].weights", MP_SEAM_W0},
             {"].feedback_weights", MP_SEAM_B},
             {"].bias", MP_SEAM_BIAS},
             {"].feedback.gain", MP_SEAM_GAIN}};

/* A net of the model for sizes and the model's draws: seed 0 while parsing
 * (sizes do not depend on it), mp_x_seed(seed, 6, 0, 0) for start values. */
static int probe(mp_m_ctx *c, const mp_experiment *x, uint64_t seed, mp_net **net)
{
    int rc = mp_net_new(x->model, seed, net, c->err);
    return rc == MP_OK ? mp_seam_reset(*net, seed, c->err) : rc;
}

/* "projections[SEL]" at the start of path: the projection (name or index). */
static int projection_of(mp_m_ctx *c, const mp_model *m, const char *path,
                         const char *close, size_t *pj)
{
    char sel[MP_M_PATH_MAX];
    snprintf(sel, sizeof sel, "%.*s", (int)(close - (path + 12)), path + 12);
    long j = mp_x_projection_select(m, sel);
    if (j < 0) {
        const char *cand[256];
        size_t nc = 0;
        for (size_t k = 0; k < m->n_projections && nc < 256; k++)
            cand[nc++] = m->projections[k].name;
        const char *s = mp_m_suggest(sel, cand, nc);
        return mp_m_fail_key(c, "path", MP_EINVAL, "unknown projection '%s' in path "
                             "'%s'%s%s%s", sel, path, s ? " (did you mean '" : "",
                             s ? s : "", s ? "'?)" : "");
    }
    *pj = (size_t)j;
    return MP_OK;
}

/* The entry's kind, projection and (per synapse) parameter from its path. */
static int kind_of(mp_m_ctx *c, mp_experiment *x, mp_x_free *f, const char *path,
                   int per)
{
    const mp_model *m = x->model;
    const char *close = strncmp(path, "projections[", 12) == 0 ? strchr(path, ']') : NULL;
    int what = -1;
    for (size_t i = 0; close && i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(close, forms[i].suffix) == 0)
            what = forms[i].what;
    if (per && close && strncmp(close, PARAMS_MID, strlen(PARAMS_MID)) == 0)
        what = MP_SEAM_PARAM;
    if (what < 0)
        return mp_m_fail_key(c, "path", MP_EINVAL, "'\"per\": \"synapse\"' needs a "
                             "rule parameter path projections[NAME].plasticity.params."
                             "PARAM, got '%s'", path);
    size_t j = 0;
    int rc = projection_of(c, m, path, close, &j);
    if (rc != MP_OK)
        return rc;
    const mp_m_projection *p = &m->projections[j];
    if (m->network != MP_NET_RATE)
        return mp_m_fail_key(c, "path", MP_EINVAL, "'%s': array meta-parameters are "
                             "offered on rate models only", path);
    f->proj[0] = j;
    f->n_proj = 1;
    f->array = 1 + what;
    if (what == MP_SEAM_PARAM) {
        const char *pname = close + strlen(PARAMS_MID);
        const mp_rule_desc *d = p->plasticity ? p->plasticity->plugin->desc : NULL;
        uint32_t k = 0;
        while (d && k < d->n_params && strcmp(d->params[k].name, pname) != 0)
            k++;
        if (!d || k == d->n_params)
            return mp_m_fail_key(c, "path", MP_EINVAL, "projection '%s' has no rule "
                                 "parameter '%s'", p->name, pname);
        if (!(d->params[k].flags & MP_PARAM_PER_SYNAPSE))
            return mp_m_fail_key(c, "per", MP_EINVAL, "parameter '%s' of rule '%s' is "
                                 "not flagged MP_PARAM_PER_SYNAPSE, so it has one value "
                                 "per projection: remove \"per\"", pname, d->name);
        f->param = k;
        f->lo = d->params[k].lo;
        f->hi = d->params[k].hi;
    } else {
        f->lo = -HUGE_VAL;
        f->hi = HUGE_VAL;
    }
    return MP_OK;
}

int mp_x_parse_free_array(mp_m_ctx *c, mp_experiment *x, mp_x_free *f, const json_t *v,
                          const char *base_dir, int *rc)
{
    const json_t *pv = json_object_get(v, "path");
    const json_t *per = json_object_get(v, "per");
    const char *path = json_is_string(pv) ? json_string_value(pv) : "";
    int array = per != NULL;
    for (size_t i = 0; !array && i < sizeof forms / sizeof forms[0]; i++) {
        size_t n = strlen(path), k = strlen(forms[i].suffix);
        array = n > k && strcmp(path + n - k, forms[i].suffix) == 0;
    }
    if (!array)
        return 0;
    *rc = MP_OK;
    if (!json_is_string(pv))
        *rc = mp_m_fail_key(c, "path", MP_EINVAL, "an array entry names one array by "
                            "\"path\" (a string)");
    else if (per) {
        static const char *const pers[] = {"synapse", "post", "pre", NULL};
        *rc = mp_m_enum(c, v, "per", pers, 0, &f->per_neuron);
    }
    if (*rc == MP_OK)
        *rc = kind_of(c, x, f, path, per != NULL);
    mp_net *net = NULL;
    const int what = f->array - 1;
    size_t nw = 0;
    if (*rc == MP_OK && (*rc = probe(c, x, 0, &net)) == MP_OK)
        *rc = mp_seam_get_array(net, (enum mp_seam_array)what, f->proj[0],
                                (uint32_t)f->param, NULL, 0, &f->size, c->err);
    const size_t syn_size = f->size;
    int seam_failed = *rc != MP_OK && net;
    if (*rc == MP_OK)
        *rc = mp_seam_get_array(net, MP_SEAM_W0, f->proj[0], 0, NULL, 0, &nw, c->err);
    mp_net_free(net);
    if (*rc == MP_OK) {
        /* rows x columns (n_pre: W_0's columns); a vector for a bias */
        const mp_m_projection *p = &x->model->projections[f->proj[0]];
        size_t post = x->model->populations[p->target].size;
        size_t cols = nw / (post ? post : 1);
        f->rank = what == MP_SEAM_GAIN ? 0 : what == MP_SEAM_BIAS ? 1 : 2;
        f->shape[0] = f->rank == 1 ? f->size : f->size / (cols ? cols : 1);
        f->shape[1] = cols;
        f->n_post = post;
        f->n_pre = cols;
        if (f->per_neuron) { /* one value per row (post) or column (pre) */
            f->rank = 1;
            f->size = f->shape[0] = f->per_neuron == 1 ? post : cols;
        }
        (void)syn_size;
    }
    if (seam_failed) {
        char text[MP_ERROR_TEXT_LEN]; /* the seam's words, placed at the path */
        snprintf(text, sizeof text, "%s", c->err->text);
        mp_error_clear(c->err);
        *rc = mp_m_fail_key(c, "path", MP_EINVAL, "%s", text);
    }
    /* the default name: PROJECTION_weights, _feedback_weights, _bias,
     * _feedback_gain or _PARAM (names are file names: no dots) */
    static const char *const words[] = {"weights", "feedback_weights", NULL,
                                        "feedback_gain", "bias"};
    char defname[MP_M_PATH_MAX];
    if (*rc == MP_OK) {
        const mp_m_projection *p = &x->model->projections[f->proj[0]];
        snprintf(defname, sizeof defname, "%s_%s", p->name,
                 what == MP_SEAM_PARAM ? p->plasticity->plugin->desc->params[f->param].name
                                       : words[what]);
    }
    const char *nm = defname;
    if (*rc == MP_OK && json_object_get(v, "name"))
        *rc = mp_m_name(c, v, "name", &nm);
    if (*rc == MP_OK && (!(f->name = mp_u_strdup(nm)) ||
                         !(f->param_name = mp_u_strdup(path))))
        *rc = mp_m_nomem(c);
    for (size_t g = 0; *rc == MP_OK && &x->free[g] != f; g++)
        if (strcmp(x->free[g].name, f->name) == 0)
            *rc = mp_m_fail(c, MP_EINVAL, "two free parameters are named '%s' (set "
                            "\"name\")", f->name);
    if (*rc == MP_OK && json_object_get(v, "scale"))
        *rc = mp_m_fail_key(c, "scale", MP_EINVAL, "an array entry is optimized on a "
                            "linear scale: remove \"scale\"");
    if (*rc == MP_OK && json_object_get(v, "bounds"))
        *rc = mp_m_fail_key(c, "bounds", MP_EINVAL, "an array entry takes the bounds "
                            "of what it frees (none for weights, bias and gain; the "
                            "rule's for a parameter): remove \"bounds\"");
    f->bounded = isfinite(f->lo) || isfinite(f->hi);
    f->coef = 1; /* exact gradients: mp_seam_episode_grad_arrays */
    const json_t *in = json_object_get(v, "init");
    if (*rc == MP_OK && in && json_is_number(in) &&
        (what == MP_SEAM_PARAM || what == MP_SEAM_GAIN))
        f->init = json_number_value(in);
    else if (*rc == MP_OK && in && json_is_string(in) &&
             strcmp(json_string_value(in), "model") != 0) {
        if (!(f->init_file = mp_u_path_join(base_dir, json_string_value(in))))
            *rc = mp_m_nomem(c);
    } else if (*rc == MP_OK && in && !json_is_string(in))
        *rc = mp_m_fail_key(c, "init", MP_EINVAL, "expected \"model\" (the model's own "
                            "initializer), a .npy file path%s, got %s",
                            what == MP_SEAM_PARAM || what == MP_SEAM_GAIN ? " or a number"
                                                                          : "",
                            mp_m_type_name(in));
    else
        f->init = NAN; /* the model's */
    return 1;
}

/* The start values of array entry f into f->init_v; its bounds checked. */
static int start_values(mp_m_ctx *c, mp_experiment *x, mp_x_free *f, mp_net *net)
{
    char a[32], b[32], lo[32], hi[32];
    if (!(f->init_v = mp_u_malloc((f->size ? f->size : 1) * sizeof(double))))
        return mp_m_nomem(c);
    int rc = MP_OK;
    if (f->init_file) {
        mp_u_npy arr;
        rc = mp_u_npy_read(f->init_file, MP_U_NPY_FLOAT | MP_U_NPY_FINITE, &arr, c->err);
        if (rc == MP_OK) {
            rc = mp_u_npy_expect(&arr, f->init_file, f->rank, f->shape, f->name, c->err);
            if (rc == MP_OK)
                memcpy(f->init_v, arr.data, f->size * sizeof(double));
        }
        mp_u_npy_release(&arr);
        if (rc != MP_OK)
            return rc;
    } else if (isnan(f->init) && f->per_neuron) { /* the model's scalar */
        f->init = x->model->projections[f->proj[0]].plasticity->params[f->param];
        for (size_t i = 0; i < f->size; i++)
            f->init_v[i] = f->init;
    } else if (isnan(f->init)) {
        rc = mp_seam_get_array(net, (enum mp_seam_array)(f->array - 1), f->proj[0],
                               (uint32_t)f->param, f->init_v, f->size, &f->size, c->err);
        if (rc != MP_OK)
            return rc;
    } else
        for (size_t i = 0; i < f->size; i++)
            f->init_v[i] = f->init;
    f->init = f->init_v[0];
    for (size_t i = 0; i < f->size; i++)
        if (!(f->init_v[i] >= f->lo && f->init_v[i] <= f->hi)) {
            snprintf(b, sizeof b, "%zu", i);
            return mp_m_fail_key(c, "init", MP_EINVAL, "start value %s at [%s] of '%s' "
                                 "lies outside the bounds [%s, %s]",
                                 mp_m_fmt_num(f->init_v[i], a), b, f->name,
                                 mp_m_fmt_num(f->lo, lo), mp_m_fmt_num(f->hi, hi));
        }
    return MP_OK;
}

int mp_x_free_arrays_init(mp_m_ctx *c, mp_experiment *x)
{
    int any = 0, rc = MP_OK;
    for (size_t i = 0; i < x->n_free; i++)
        any |= x->free[i].array != 0;
    if (!any)
        return MP_OK;
    mp_net *net = NULL;
    rc = probe(c, x, mp_x_seed(x->seed, 6, 0, 0), &net);
    size_t old = mp_m_push_key(c, "free");
    for (size_t i = 0; i < x->n_free && rc == MP_OK; i++)
        if (x->free[i].array) {
            size_t o = mp_m_push_index(c, i);
            rc = start_values(c, x, &x->free[i], net);
            mp_m_pop(c, o);
        }
    mp_m_pop(c, old);
    mp_net_free(net);
    return rc;
}

int mp_x_write_array_npy(const mp_x_free *f, const double *t, int values,
                         const char *dir, const char *suffix, mp_error *err)
{
    double *v = mp_u_malloc((f->size ? f->size : 1) * sizeof *v);
    if (!v)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    char name[MP_M_PATH_MAX + 16];
    snprintf(name, sizeof name, "%s%s.npy", f->name, suffix);
    for (size_t k = 0; k < f->size; k++)
        v[k] = values ? mp_x_free_value(f, t[f->offset + k]) : t[f->offset + k];
    int rc = mp_u_npy_write(dir, name, f->rank, f->shape, v, err);
    mp_u_free(v);
    return rc;
}

int mp_x_write_array_files(const mp_experiment *x, const double *theta,
                           const double *best, const char *dir, json_t *th,
                           json_t *best_th, mp_error *err)
{
    int rc = MP_OK;
    for (size_t i = 0; i < x->n_free && rc == MP_OK; i++) {
        const mp_x_free *f = &x->free[i];
        for (int b = 0; f->array && b < 2 && rc == MP_OK; b++) {
            char name[MP_M_PATH_MAX + 16];
            snprintf(name, sizeof name, "%s%s.npy", f->name, b ? ".best" : "");
            rc = mp_x_write_array_npy(f, b ? best : theta, 1, dir, b ? ".best" : "", err);
            if (rc == MP_OK)
                json_object_set_new(b ? best_th : th, f->name, json_string(name));
        }
    }
    return rc;
}

int mp_x_read_array_value(const mp_experiment *x, const mp_x_free *f, const char *file,
                          const char *at, const json_t *e, double *theta, mp_error *err)
{
    (void)x;
    if (!json_is_string(e))
        return mp_u_err(err, MP_EINVAL, file, 0, 0, at, "free array '%s': expected "
                        "the path of a .npy file of shape %s", f->name,
                        mp_u_npy_shape_text(f->rank, f->shape, (char[64]){0}, 64));
    const char *slash = strrchr(file, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - file) : 1,
             slash ? file : ".");
    char *path = json_string_value(e)[0] == '/' ? mp_u_strdup(json_string_value(e))
                                                : mp_u_path_join(dir, json_string_value(e));
    if (!path)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    mp_u_npy arr;
    int rc = mp_u_npy_read(path, MP_U_NPY_FLOAT | MP_U_NPY_FINITE, &arr, err);
    if (rc == MP_OK)
        rc = mp_u_npy_expect(&arr, path, f->rank, f->shape, f->name, err);
    for (size_t k = 0; rc == MP_OK && k < f->size; k++) {
        double val = arr.data[k];
        if (!(val >= f->lo && val <= f->hi))
            rc = mp_u_err(err, MP_EINVAL, path, 0, 0, NULL, "free array '%s': value %g "
                          "at [%zu] is outside its bounds [%g, %g]", f->name, val, k,
                          f->lo, f->hi);
        else
            theta[f->offset + k] = mp_x_free_theta(f, val);
    }
    if (rc == MP_OK || arr.data)
        mp_u_npy_release(&arr);
    mp_u_free(path);
    return rc;
}
