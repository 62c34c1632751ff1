/* Experiment files (docs/meta.md "Experiment file"): read with the model
 * loader's validation context (core/model/getters.c), so messages have the
 * same "file:line:col: path: text" shape and unknown keys are errors. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meta/meta_int.h"
#include "model/load_int.h"

/* FNV-1a of the file's bytes: what a checkpoint records to tell a resumed
 * run that its experiment file is the one it was started with. */
static uint64_t text_hash(const char *text, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
    return h;
}

int mp_x_file_hash(const char *path, uint64_t *hash, mp_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mp_u_read_input(path, "experiment", &text, &len, err);
    if (rc == MP_OK)
        *hash = text_hash(text, len);
    mp_u_free(text);
    return rc;
}

/* ---- sections ------------------------------------------------------------ */

static int tasks(mp_m_ctx *c, mp_experiment *x, const json_t *root)
{
    static const char *const kinds[] = {"nway_kshot", "model", NULL};
    static const char *const nkeys[] = {"kind", "ways", "shots", "queries",
                                        "per_iteration", "classes_with_replacement",
                                        "fixed_per_class", "remap_labels", NULL};
    static const char *const mkeys[] = {"kind", "per_iteration", NULL};
    static const size_t one = 1;
    json_t *t = json_object_get(root, "tasks");
    if (!t)
        return mp_m_fail_key(c, "tasks", MP_EINVAL, "missing key 'tasks'");
    size_t old = mp_m_push_key(c, "tasks");
    int kind = 0, rc = json_is_object(t) ? mp_m_enum(c, t, "kind", kinds, -1, &kind)
                                         : mp_m_fail(c, MP_EINVAL, "expected an object");
    x->task = (mp_x_task_kind)kind;
    if (rc == MP_OK)
        rc = mp_m_object(c, t, kind == 0 ? "nway_kshot tasks" : "model tasks",
                         kind == 0 ? nkeys : mkeys);
    if (rc == MP_OK)
        rc = mp_m_size(c, t, "per_iteration", &one, 1, 1000000, &x->per_iteration);
    if (rc == MP_OK && kind == MP_X_TASK_NWAY) {
        int wr = 0, fx = 0, rl = 0;
        const mp_model *m = x->model;
        if (m->network != MP_NET_RATE || !m->data.train || !m->data.train->label) {
            rc = mp_m_fail_key(c, "kind", MP_EINVAL, "nway_kshot tasks need a rate "
                               "model with labelled data");
            goto out;
        }
        rc = mp_m_size(c, t, "ways", NULL, 1, 100000, &x->ways);
        if (rc == MP_OK)
            rc = mp_m_size(c, t, "shots", NULL, 1, 1000000, &x->shots);
        if (rc == MP_OK)
            rc = mp_m_size(c, t, "queries", NULL, 1, 1000000, &x->queries);
        if (rc == MP_OK)
            rc = mp_m_bool(c, t, "classes_with_replacement", 0, &wr);
        if (rc == MP_OK)
            rc = mp_m_bool(c, t, "fixed_per_class", 0, &fx);
        if (rc == MP_OK)
            rc = mp_m_bool(c, t, "remap_labels", 0, &rl);
        x->task_flags = (wr ? MP_TASK_CLASSES_WITH_REPLACEMENT : 0) |
                        (fx ? MP_TASK_FIXED_PER_CLASS : 0) |
                        (rl ? MP_TASK_REMAP_LABELS : 0);
        if (rc == MP_OK && !wr && x->ways > m->data.train->n_classes)
            rc = mp_m_fail_key(c, "ways", MP_EINVAL, "%zu ways but the data set has "
                               "only %zu classes (set classes_with_replacement)",
                               x->ways, m->data.train->n_classes);
        if (rc == MP_OK) {
            mp_error e2;
            mp_error_clear(&e2);
            int rs = mp_task_sampler_new(m->data.train, x->ways, x->shots, x->queries,
                                         x->task_flags, &x->sampler, &e2);
            if (rs != MP_OK)
                rc = mp_m_fail(c, rs, "%s", e2.text);
        }
    } else if (rc == MP_OK && x->model->network == MP_NET_RATE &&
               x->model->training.loss != MP_LOSS_NONE && !x->model->data.train) {
        rc = mp_m_fail(c, MP_EINVAL, "the model has no data");
    }
out:
    mp_m_pop(c, old);
    return rc;
}

/* "score_window": [start, end] (ms), or {"length": L, "within": [a, b]}: a
 * window of L ms drawn per evaluation within [a, b] (Confavreux et al.
 * 2020: 10 s within the last 30 s). */
static int score_window(mp_m_ctx *c, mp_experiment *x, const json_t *w)
{
    static const char *const keys[] = {"length", "within", NULL};
    size_t o2 = mp_m_push_key(c, "score_window");
    int rc = MP_OK;
    const json_t *ab = w;
    if (json_is_object(w)) {
        rc = mp_m_object(c, w, "random score window", keys);
        if (rc == MP_OK)
            rc = mp_m_num(c, w, "length", NULL, MP_M_GT(0), "ms", &x->win_len);
        if (rc == MP_OK)
            rc = mp_m_check_steps(c, "length", x->win_len, x->model->dt);
        ab = json_object_get(w, "within");
        if (rc == MP_OK && !ab)
            rc = mp_m_fail_key(c, "within", MP_EINVAL, "missing key 'within' "
                               "([start_ms, end_ms] the window is drawn in)");
        if (rc == MP_OK)
            mp_m_push_key(c, "within");
    }
    if (rc == MP_OK) {
        if (!json_is_array(ab) || json_array_size(ab) != 2 ||
            !json_is_number(json_array_get(ab, 0)) ||
            !json_is_number(json_array_get(ab, 1)))
            rc = mp_m_fail(c, MP_EINVAL, json_is_object(w) ? "expected [start_ms, end_ms]"
                           : "expected [start_ms, end_ms] or {\"length\": ms, "
                             "\"within\": [start_ms, end_ms]}");
        else {
            x->win0 = json_number_value(json_array_get(ab, 0));
            x->win1 = json_number_value(json_array_get(ab, 1));
            if (!(x->win0 >= 0 && x->win0 < x->win1 && x->win1 <= x->duration))
                rc = mp_m_fail(c, MP_EINVAL, "need 0 <= start < end <= duration "
                               "(%g ms)", x->duration);
            else if (x->win_len > x->win1 - x->win0)
                rc = mp_m_fail(c, MP_EINVAL, "a window of %g ms does not fit in "
                               "[%g, %g] ms", x->win_len, x->win0, x->win1);
        }
    }
    mp_m_pop(c, o2);
    return rc;
}

static int inner(mp_m_ctx *c, mp_experiment *x, const json_t *root)
{
    static const char *const rkeys[] = {"samples", NULL};
    static const char *const skeys[] = {"duration", "score_window", NULL};
    const mp_model *m = x->model;
    json_t *v = json_object_get(root, "inner");
    if (!v)
        return mp_m_fail_key(c, "inner", MP_EINVAL, "missing key 'inner'");
    size_t old = mp_m_push_key(c, "inner");
    int rc;
    if (m->network == MP_NET_RATE) {
        size_t def = x->task == MP_X_TASK_NWAY ? x->ways * x->shots : m->training.samples;
        rc = mp_m_object(c, v, "inner loop of a rate model", rkeys);
        if (rc == MP_OK)
            rc = mp_m_size(c, v, "samples", &def, 1, SIZE_MAX / 2, &x->inner_samples);
        if (rc == MP_OK && x->task == MP_X_TASK_NWAY && x->inner_samples != x->ways * x->shots)
            rc = mp_m_fail_key(c, "samples", MP_EINVAL, "an nway_kshot inner loop "
                               "trains on the ways*shots = %zu task samples once",
                               x->ways * x->shots);
    } else {
        rc = mp_m_object(c, v, "inner loop of a spiking model", skeys);
        if (rc == MP_OK)
            rc = mp_m_num(c, v, "duration", &m->duration, MP_M_GT(0), "ms", &x->duration);
        if (rc == MP_OK)
            rc = mp_m_check_steps(c, "duration", x->duration, m->dt);
        json_t *w = json_object_get(v, "score_window");
        x->win0 = 0.0;
        x->win1 = x->duration;
        if (rc == MP_OK && w)
            rc = score_window(c, x, w);
    }
    mp_m_pop(c, old);
    return rc;
}

static int loss(mp_m_ctx *c, mp_experiment *x, const json_t *root)
{
    static const char *const kinds[] = {"query_cross_entropy", "target_rate",
                                        "pc_distance", "mse", NULL};
    static const char *const k0[] = {"kind", NULL};
    static const char *const k1[] = {"kind", "population", "rate",
                                     "denominator_offset", NULL};
    static const char *const k2[] = {"kind", "projection", NULL};
    static const double off = 0.1;
    const mp_model *m = x->model;
    json_t *v = json_object_get(root, "loss");
    if (!v)
        return mp_m_fail_key(c, "loss", MP_EINVAL, "missing key 'loss'");
    size_t old = mp_m_push_key(c, "loss");
    int kind = 0, rc = json_is_object(v) ? mp_m_enum(c, v, "kind", kinds, -1, &kind)
                                         : mp_m_fail(c, MP_EINVAL, "expected an object");
    x->loss = (mp_x_loss_kind)kind;
    const char *s;
    if (rc != MP_OK)
        goto out;
    switch (x->loss) {
    case MP_X_LOSS_QUERY_CE:
    case MP_X_LOSS_MSE:
        rc = mp_m_object(c, v, "loss", k0);
        if (rc == MP_OK && x->task != MP_X_TASK_NWAY)
            rc = mp_m_fail_key(c, "kind", MP_EINVAL, "'%s' scores the query set of "
                               "nway_kshot tasks", kinds[kind]);
        else if (rc == MP_OK && m->training.loss !=
                 (x->loss == MP_X_LOSS_MSE ? MP_LOSS_MSE : MP_LOSS_CROSS_ENTROPY))
            rc = mp_m_fail_key(c, "kind", MP_EINVAL, "the model's training.loss must "
                               "be \"%s\" for this loss",
                               x->loss == MP_X_LOSS_MSE ? "mse" : "cross_entropy");
        break;
    case MP_X_LOSS_TARGET_RATE:
        rc = mp_m_object(c, v, "target_rate loss", k1);
        if (rc == MP_OK && m->network != MP_NET_SPIKING)
            rc = mp_m_fail_key(c, "kind", MP_EINVAL, "target_rate needs a spiking model");
        if (rc == MP_OK)
            rc = mp_m_str(c, v, "population", 0, NULL, &s);
        if (rc == MP_OK) {
            size_t i = 0;
            while (i < m->n_populations && strcmp(m->populations[i].name, s) != 0)
                i++;
            if (i == m->n_populations)
                rc = mp_m_fail_key(c, "population", MP_EINVAL,
                                   "unknown population '%s'", s);
            x->loss_pop = i;
        }
        if (rc == MP_OK)
            rc = mp_m_num(c, v, "rate", NULL, MP_M_GE(0), "Hz", &x->target_rate);
        if (rc == MP_OK)
            rc = mp_m_num(c, v, "denominator_offset", &off, MP_M_GT(0), "Hz",
                          &x->denom_offset);
        break;
    case MP_X_LOSS_PC_DISTANCE:
        rc = mp_m_object(c, v, "pc_distance loss", k2);
        if (rc == MP_OK && (m->network != MP_NET_RATE || !m->data.rotation))
            rc = mp_m_fail_key(c, "kind", MP_EINVAL, "pc_distance needs a rate model "
                               "on Gaussian data (data.source \"gaussian\")");
        if (rc == MP_OK)
            rc = mp_m_str(c, v, "projection", 0, NULL, &s);
        if (rc == MP_OK) {
            long j = mp_m_projection_find(m, s);
            if (j < 0)
                rc = mp_m_fail_key(c, "projection", MP_EINVAL,
                                   "unknown projection '%s'", s);
            else if (m->sources[m->projections[j].source].index != m->chain.order[0])
                rc = mp_m_fail_key(c, "projection", MP_EINVAL, "projection '%s' does "
                                   "not start at the input population", s);
            x->loss_proj = (size_t)(j < 0 ? 0 : j);
        }
        break;
    }
out:
    mp_m_pop(c, old);
    return rc;
}

static int penalty(mp_m_ctx *c, mp_experiment *x, const json_t *root)
{
    static const char *const kinds[] = {"none", "l1", "l2", NULL};
    static const char *const keys[] = {"kind", "lambda", NULL};
    static const double zero = 0.0;
    json_t *v = json_object_get(root, "penalty");
    if (!v)
        return MP_OK;
    size_t old = mp_m_push_key(c, "penalty");
    int k = 0, rc = mp_m_object(c, v, "penalty", keys);
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "kind", kinds, -1, &k);
    x->penalty = (mp_x_pen_kind)k;
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "lambda", k ? NULL : &zero, MP_M_GE(0), NULL, &x->lambda);
    mp_m_pop(c, old);
    return rc;
}

int mp_x_parse_per_free(mp_m_ctx *c, const mp_experiment *x, const json_t *obj,
                        const double *def, const mp_m_range *range, double *out)
{
    int rc = MP_OK;
    /* one value per entry, for each of its numbers */
    for (size_t i = 0; i < x->n_free && rc == MP_OK; i++) {
        const mp_x_free *f = &x->free[i];
        double t = def ? *def : 0.0;
        rc = mp_m_num(c, obj, f->name, def, *range, NULL, &t);
        for (size_t j = 0; j < f->size; j++)
            out[f->offset + j] = t;
    }
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val) {
        size_t i = 0;
        (void)val;
        while (i < x->n_free && strcmp(x->free[i].name, key) != 0)
            i++;
        if (rc == MP_OK && i == x->n_free)
            rc = mp_m_fail_key(c, key, MP_EINVAL, "'%s' is not a free coefficient",
                               key);
    }
    return rc;
}

/* "target_rule": {free name: value}; names not listed are 0. */
static int target_rule(mp_m_ctx *c, mp_experiment *x, const json_t *root)
{
    static const double zero = 0.0;
    json_t *v = json_object_get(root, "target_rule");
    if (!v)
        return MP_OK;
    size_t old = mp_m_push_key(c, "target_rule");
    int rc = MP_OK;
    if (!json_is_object(v))
        rc = mp_m_fail(c, MP_EINVAL, "expected an object {name: value}");
    else if (!(x->target = mp_u_calloc(x->dim ? x->dim : 1, sizeof *x->target)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK)
        rc = mp_x_parse_per_free(c, x, v, &zero, &MP_M_ANY, x->target);
    mp_m_pop(c, old);
    return rc;
}

/* A model file given to `metaplast meta`: its shape tells (every model has
 * populations, no experiment has), so the message names the commands that
 * read it instead of its first unknown key. */
static int model_given(mp_m_ctx *c, const json_t *root)
{
    if (!json_object_get(root, "populations") || json_object_get(root, "free"))
        return MP_OK;
    const char *what = "this is a metaplast model file, not an experiment: use "
                       "'metaplast run %s' or 'metaplast check %s', or name it in "
                       "an experiment's \"model\"";
    return json_object_get(root, "format")
               ? mp_m_fail_key(c, "format", MP_EINVAL, what, c->file, c->file)
               : mp_m_fail(c, MP_EINVAL, what, c->file, c->file);
}

/* --set edits of the experiment's model (`metaplast meta --set`). */
typedef struct model_sets {
    const char *const *v;
    size_t n;
} model_sets;

static int top(mp_m_ctx *c, mp_experiment *x, const char *base_dir,
               const model_sets *sets, const json_t *root)
{
    static const char *const keys[] = {"format", "version", "notes", "model", "free",
                                       "tasks", "inner", "loss", "penalty",
                                       "optimizer", "iterations", "seed",
                                       "blowup_penalty", "target_rule", NULL};
    static const long long seed1 = 1;
    static const double pen = 1e3;
    const char *s;
    long long v = 0;
    json_t *arr;
    int rc = model_given(c, root);
    if (rc == MP_OK)
        rc = mp_m_object(c, root, "experiment", keys);
    if (rc == MP_OK)
        rc = mp_m_str(c, root, "format", 0, NULL, &s);
    if (rc == MP_OK && strcmp(s, "metaplast-experiment") != 0)
        rc = mp_m_fail_key(c, "format", MP_EINVAL, "expected \"metaplast-experiment\", "
                           "got \"%.60s\"", s);
    if (rc == MP_OK)
        rc = mp_m_int(c, root, "version", NULL, 0, LLONG_MAX, &v);
    if (rc == MP_OK && v != MP_X_FORMAT_VERSION)
        rc = mp_m_fail_key(c, "version", MP_EINVAL, "unsupported experiment version "
                           "%lld: this metaplast reads version %d", v,
                           MP_X_FORMAT_VERSION);
    json_t *notes = json_object_get(root, "notes");
    if (rc == MP_OK && notes && !json_is_string(notes) && !json_is_array(notes))
        rc = mp_m_fail_key(c, "notes", MP_EINVAL, "expected a string or an array");
    if (rc == MP_OK)
        rc = mp_m_str(c, root, "model", 0, NULL, &s);
    if (rc != MP_OK)
        return rc;
    /* The model path resolves from base_dir (the experiment file's folder). */
    x->model_file = mp_u_path_join(base_dir, s);
    if (!x->model_file)
        return mp_m_nomem(c);
    int mfd, e, r = mp_u_open_input(x->model_file, &mfd, &e);
    if (r != MP_U_READ_OK)
        return mp_m_fail_key(c, "model", MP_EIO, "cannot open model file '%s': %s",
                             x->model_file, mp_u_read_reason(r, e));
    close(mfd);
    rc = mp_model_load_flags(x->model_file, sets->v, sets->n, c->flags, &x->model,
                             c->err);
    if (rc != MP_OK)
        return rc;
    rc = mp_m_array(c, root, "free", 0, 1, &arr);
    if (rc == MP_OK) {
        /* n_free only once free[] exists: mp_x_free_experiment walks it */
        if (!(x->free = mp_u_calloc(json_array_size(arr), sizeof *x->free)))
            return mp_m_nomem(c);
        x->n_free = json_array_size(arr);
        size_t old = mp_m_push_key(c, "free");
        for (size_t i = 0; i < x->n_free && rc == MP_OK; i++) {
            size_t o = mp_m_push_index(c, i);
            rc = mp_x_parse_free(c, x, i, json_array_get(arr, i), base_dir);
            if (rc == MP_OK) { /* theta: the entries' numbers one after another */
                x->free[i].offset = x->dim;
                x->dim += x->free[i].size;
            }
            mp_m_pop(c, o);
        }
        mp_m_pop(c, old);
    }
    if (rc == MP_OK)
        rc = tasks(c, x, root);
    if (rc == MP_OK)
        rc = inner(c, x, root);
    if (rc == MP_OK)
        rc = loss(c, x, root);
    if (rc == MP_OK)
        rc = penalty(c, x, root);
    if (rc == MP_OK)
        rc = mp_x_parse_optimizer(c, x, root);
    if (rc == MP_OK)
        rc = mp_m_size(c, root, "iterations", NULL, 1, (size_t)1 << 40, &x->iterations);
    if (rc == MP_OK)
        rc = mp_m_int(c, root, "seed", &seed1, 0, LLONG_MAX, &v);
    x->seed = (uint64_t)v;
    if (rc == MP_OK)
        rc = mp_x_free_arrays_init(c, x);
    if (rc == MP_OK)
        rc = mp_m_num(c, root, "blowup_penalty", &pen, MP_M_ANY, NULL,
                      &x->blowup_penalty);
    if (rc == MP_OK)
        rc = target_rule(c, x, root);
    return rc;
}

/* Loads an experiment from len bytes of JSON text; name stands for the file
 * in messages, base_dir is where its "model" path resolves from. */
static int load_text(const char *text, size_t len, const char *name,
                     const char *base_dir, unsigned flags, const model_sets *sets,
                     mp_experiment **out, mp_error *err)
{
    json_error_t je;
    int rc = MP_OK;
    *out = NULL;
    if (!name)
        name = "<string>";
    /* the hash (resume compares it with the file's) covers the whole text */
    size_t bom = mp_m_bom_len(text, len);
    json_t *root = json_loadb(text + bom, len - bom, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return mp_m_json_error(err, name, &je);
    mp_m_ctx c = {.file = name, .text = text + bom, .text_len = len - bom, .err = err,
                  .flags = flags};
    mp_experiment *x = mp_u_calloc(1, sizeof *x);
    if (!x || !(x->file = mp_u_strdup(name)))
        rc = mp_m_nomem(&c);
    if (rc == MP_OK) {
        x->hash = text_hash(text, len);
        /* --set edits change the run: a checkpoint's hash covers them, so
         * that --resume (which hashes the file alone) refuses such a run
         * instead of continuing it on the unedited model */
        for (size_t i = 0; i < sets->n; i++)
            x->hash = text_hash(sets->v[i], strlen(sets->v[i]) + 1) ^ (x->hash * 31u);
        /* the place a checkpoint records, valid from any directory */
        x->file_abs = mp_u_realpath(name);
        if (!x->file_abs && !(x->file_abs = mp_u_strdup(name)))
            rc = mp_m_nomem(&c);
    }
    if (rc == MP_OK && !json_is_object(root))
        rc = mp_m_fail(&c, MP_EINVAL, "expected the experiment object { ... }, got %s",
                       mp_m_type_name(root));
    if (rc == MP_OK)
        rc = top(&c, x, base_dir, sets, root);
    json_decref(root);
    mp_m_ctx_release(&c);
    if (rc != MP_OK) {
        mp_x_free_experiment(x);
        return rc;
    }
    *out = x;
    return MP_OK;
}

int mp_x_load_string(const char *text, size_t len, const char *name,
                     const char *base_dir, mp_experiment **out, mp_error *err)
{
    return mp_x_load_string_flags(text, len, name, base_dir, 0, out, err);
}

int mp_x_load_string_flags(const char *text, size_t len, const char *name,
                           const char *base_dir, unsigned flags, mp_experiment **out,
                           mp_error *err)
{
    static const model_sets none = {NULL, 0};
    return load_text(text, len, name, base_dir, flags, &none, out, err);
}

int mp_x_load(const char *path, mp_experiment **out, mp_error *err)
{
    return mp_x_load_flags(path, 0, out, err);
}

int mp_x_load_flags(const char *path, unsigned flags, mp_experiment **out,
                    mp_error *err)
{
    return mp_x_load_sets(path, flags, NULL, 0, out, err);
}

int mp_x_load_sets(const char *path, unsigned flags, const char *const *sets,
                   size_t n_sets, mp_experiment **out, mp_error *err)
{
    const model_sets ms = {sets, n_sets};
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = mp_u_read_input(path, "experiment", &text, &len, err);
    if (rc != MP_OK)
        return rc;
    /* The experiment file's folder: "a/b.json" -> "a", "/b.json" -> "/",
     * "b.json" -> ".". */
    const char *slash = strrchr(path, '/');
    char *dir = slash ? mp_u_strndup(path, (size_t)(slash - path) + (slash == path))
                      : mp_u_strdup(".");
    rc = dir ? load_text(text, len, path, dir, flags, &ms, out, err)
             : mp_u_err(err, MP_ENOMEM, path, 0, 0, NULL, "out of memory");
    mp_u_free(dir);
    mp_u_free(text);
    return rc;
}

void mp_x_free_experiment(mp_experiment *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n_free; i++) {
        mp_u_free(x->free[i].name);
        mp_u_free(x->free[i].param_name);
        mp_u_free(x->free[i].proj);
        mp_u_free(x->free[i].init_v);
        mp_u_free(x->free[i].init_file);
    }
    mp_u_free(x->free);
    mp_u_free(x->lr_per);
    mp_u_free(x->target);
    mp_task_sampler_free(x->sampler);
    mp_model_free(x->model);
    mp_u_free(x->model_file);
    mp_u_free(x->file_abs);
    mp_u_free(x->file);
    mp_u_free(x);
}
