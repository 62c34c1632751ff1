/* The public meta API (include/metaplast/meta.h) over the meta-layer's
 * internals: loading, what an experiment is, points and their files, runs
 * and their results. Evaluating a point is in evaluate_point.c. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "meta/batch_int.h"
#include "metaplast/meta.h"
#include "util/util_int.h"

/* ---- loading -------------------------------------------------------------------- */

int mp_experiment_load(const char *path, const char *const *model_sets, size_t n_sets,
                       unsigned flags, mp_experiment **out, mp_error *err)
{
    if (!out)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_experiment_load: no output pointer");
    *out = NULL;
    if (!path)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_experiment_load: no experiment file");
    return mp_x_load_sets(path, flags, model_sets, n_sets, out, err);
}

int mp_experiment_load_string(const char *text, size_t len, const char *name,
                              const char *base_dir, unsigned flags, mp_experiment **out,
                              mp_error *err)
{
    if (!out)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_experiment_load_string: no output pointer");
    *out = NULL;
    if (!text)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_experiment_load_string: no text");
    return mp_x_load_string_flags(text, len, name, base_dir, flags, out, err);
}

void mp_experiment_free(mp_experiment *x) { mp_x_free_experiment(x); }

/* ---- what it is ------------------------------------------------------------------ */

const char *mp_experiment_file(const mp_experiment *x) { return x ? x->file : NULL; }

const mp_model *mp_experiment_model(const mp_experiment *x) { return x ? x->model : NULL; }

/* theta is the free quantities' numbers one after another (docs/meta.md
 * "Free parameters"): quantity i is theta[offset .. offset + size). */
size_t mp_experiment_dim(const mp_experiment *x) { return x ? x->dim : 0; }

size_t mp_experiment_n_free(const mp_experiment *x) { return x ? x->n_free : 0; }

size_t mp_experiment_iterations(const mp_experiment *x) { return x ? x->iterations : 0; }

size_t mp_experiment_tasks(const mp_experiment *x) { return x ? x->per_iteration : 0; }

int mp_experiment_free_info(const mp_experiment *x, size_t i, mp_free_info *info,
                            mp_error *err)
{
    if (!x || !info || i >= x->n_free)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_experiment_free_info: no free quantity %zu (the "
                        "experiment has %zu)", i, x ? x->n_free : 0);
    const mp_x_free *f = &x->free[i];
    *info = (mp_free_info){f->name, f->offset, f->size, f->log_scale, f->lo, f->hi,
                           f->init};
    return MP_OK;
}

const char *mp_experiment_score_name(const mp_experiment *x)
{
    return !x                                ? NULL
           : x->loss == MP_X_LOSS_TARGET_RATE ? "rate"
           : x->task == MP_X_TASK_NWAY        ? "accuracy"
                                              : NULL;
}

const char *mp_experiment_gradient_method(const mp_experiment *x)
{
    return !x || x->opt != MP_X_OPT_ADAM        ? NULL
           : x->gradient == MP_X_GRAD_EXACT ? "exact"
                                            : "finite_difference";
}

/* ---- points -------------------------------------------------------------------- */

void mp_experiment_initial_theta(const mp_experiment *x, double *theta)
{
    for (size_t i = 0; x && theta && i < x->n_free; i++)
        for (size_t j = 0; j < x->free[i].size; j++)
            theta[x->free[i].offset + j] =
                mp_x_free_theta(&x->free[i], mp_x_free_init(&x->free[i], j));
}

double mp_experiment_value(const mp_experiment *x, const double *theta, size_t k)
{
    return x && theta && k < x->dim ? mp_x_free_value(mp_x_free_at(x, k), theta[k]) : NAN;
}

/* Reads the JSON object of a file (what --theta and result.json hold). */
static int read_json(const char *path, const char *what, json_t **root, mp_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mp_u_read_input(path, what, &text, &len, err);
    if (rc != MP_OK)
        return rc;
    json_error_t je;
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    mp_u_free(text);
    if (!*root)
        return mp_u_err(err, MP_EPARSE, path, je.line, je.column, NULL,
                        "%s is not valid JSON: %s", what, je.text);
    if (!json_is_object(*root)) {
        json_decref(*root);
        *root = NULL;
        return mp_u_err(err, MP_EINVAL, path, 0, 0, NULL,
                        "%s must be a JSON object", what);
    }
    return MP_OK;
}

/* obj {NAME: value} -> theta, every free name present and no other, values
 * in bounds; at names the JSON path for messages ("theta", "best.theta"). */
static int theta_of(const mp_experiment *x, const json_t *obj, const char *path,
                    const char *at, double *theta, mp_error *err)
{
    if (!json_is_object(obj))
        return mp_u_err(err, MP_EINVAL, path, 0, 0, at,
                        "expected an object {name: value} of the free parameters");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t i = 0;
        while (i < x->n_free && strcmp(x->free[i].name, key) != 0)
            i++;
        if (i == x->n_free)
            return mp_u_err(err, MP_EINVAL, path, 0, 0, at,
                            "'%s' is not a free parameter of %s: remove it", key,
                            x->file);
    }
    for (size_t i = 0; i < x->n_free; i++) {
        const mp_x_free *f = &x->free[i];
        json_t *e = json_object_get(obj, f->name);
        if (!e)
            return mp_u_err(err, MP_EINVAL, path, 0, 0, at,
                            "free parameter '%s' is missing: give its value", f->name);
        if (f->array) { /* a .npy file beside the JSON one */
            int rc = mp_x_read_array_value(x, f, path, at, e, theta, err);
            if (rc != MP_OK)
                return rc;
            continue;
        }
        if (!json_is_number(e))
            return mp_u_err(err, MP_EINVAL, path, 0, 0, at,
                            "free parameter '%s': expected a number", f->name);
        double val = json_number_value(e);
        if (!(val >= f->lo && val <= f->hi))
            return mp_u_err(err, MP_EINVAL, path, 0, 0, at,
                            "free parameter '%s' = %g is outside its bounds [%g, %g]",
                            f->name, val, f->lo, f->hi);
        theta[f->offset] = mp_x_free_theta(f, val);
    }
    return MP_OK;
}

int mp_experiment_read_theta(const mp_experiment *x, const char *path, double *theta,
                             mp_error *err)
{
    if (!x || !path || !theta)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_experiment_read_theta: no experiment, file or theta");
    json_t *root = NULL;
    int rc = read_json(path, "the --theta file", &root, err);
    if (rc != MP_OK)
        return rc;
    json_t *t = json_object_get(root, "theta");
    rc = t ? theta_of(x, t, path, "theta", theta, err)
           : mp_u_err(err, MP_EINVAL, path, 0, 0, NULL,
                      "no \"theta\": write {\"theta\": {\"NAME\": VALUE, ...}} with "
                      "every free parameter of %s (a result.json of metaplast meta "
                      "works too)", x->file);
    json_decref(root);
    return rc;
}

/* ---- runs and results ---------------------------------------------------------------- */

int mp_meta_run(const mp_experiment *x, const mp_meta_run_opts *o, mp_error *err)
{
    if (!x || !o || !o->out || !o->out[0])
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_meta_run: no experiment, options or output directory");
    if (o->threads < 1)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_meta_run: threads must be at least 1, got %d", o->threads);
    return mp_x_run(x, o, err);
}

int mp_meta_resume_experiment(const char *dir, const char *given, char **path,
                              mp_error *err)
{
    if (!dir || !path)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_meta_resume_experiment: no directory or output pointer");
    return mp_x_resume_experiment(dir, given, path, err);
}

void mp_meta_result_release(mp_meta_result *r)
{
    if (!r)
        return;
    mp_u_free(r->theta);
    mp_u_free(r->best_theta);
    memset(r, 0, sizeof *r);
}

static double num_or_nan(const json_t *v) { return json_is_number(v) ? json_number_value(v) : NAN; }

int mp_meta_read_result(const mp_experiment *x, const char *dir, mp_meta_result *r,
                        mp_error *err)
{
    if (!x || !dir || !r)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_meta_read_result: no experiment, directory or result");
    memset(r, 0, sizeof *r);
    char *path = mp_u_path_join(dir, "result.json");
    size_t n = x->dim ? x->dim : 1;
    r->theta = mp_u_calloc(n, sizeof(double));
    r->best_theta = mp_u_calloc(n, sizeof(double));
    if (!path || !r->theta || !r->best_theta) {
        mp_u_free(path);
        mp_meta_result_release(r);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    json_t *root = NULL;
    int rc = read_json(path, "result.json", &root, err);
    const json_t *fmt = rc == MP_OK ? json_object_get(root, "format") : NULL;
    if (rc == MP_OK && !(json_is_string(fmt) &&
                         strcmp(json_string_value(fmt), "metaplast-meta-result") == 0))
        rc = mp_u_err(err, MP_EINVAL, path, 0, 0, "format",
                      "not a result of metaplast meta (format "
                      "\"metaplast-meta-result\")");
    const json_t *best = rc == MP_OK ? json_object_get(root, "best") : NULL;
    if (rc == MP_OK)
        rc = theta_of(x, json_object_get(root, "theta"), path, "theta", r->theta, err);
    if (rc == MP_OK)
        rc = theta_of(x, json_object_get(best, "theta"), path, "best.theta",
                      r->best_theta, err);
    if (rc == MP_OK) {
        const json_t *it = json_object_get(root, "iterations");
        r->iterations = json_is_integer(it) ? (long long)json_integer_value(it) : 0;
        r->finished = json_is_true(json_object_get(root, "finished"));
        r->last_loss = num_or_nan(json_object_get(root, "last_loss"));
        const json_t *bi = json_object_get(best, "iter");
        r->best_iter = json_is_integer(bi) ? (long long)json_integer_value(bi) : -1;
        r->best_loss = num_or_nan(json_object_get(best, "loss"));
    }
    json_decref(root);
    mp_u_free(path);
    if (rc != MP_OK)
        mp_meta_result_release(r);
    return rc;
}
