/* mp_meta_evaluate and mp_meta_eval_json (include/metaplast/meta.h): one
 * point theta on the tasks of one iteration, with the gradient by the
 * experiment's method: what `metaplast meta --evaluate [--theta FILE]`
 * prints, and the ask/tell step of an outside optimizer. One batch of the
 * run loop's own machinery (batch.c), so a point evaluated here gives the
 * loss the run would log for it at that iteration. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "meta/batch_int.h"
#include "metaplast/meta.h"
#include "util/util_int.h"

static int check_bounds(const mp_experiment *x, const double *theta, mp_error *err)
{
    for (size_t i = 0; i < x->dim; i++) {
        const mp_x_free *f = mp_x_free_at(x, i);
        double v = mp_x_free_value(f, theta[i]);
        if (!isfinite(theta[i]) || !(v >= f->lo && v <= f->hi))
            return mp_u_err(err, MP_EINVAL, x->file, 0, 0, NULL,
                            "free parameter '%s' = %g is outside its bounds [%g, %g]",
                            f->name, v, f->lo, f->hi);
    }
    return MP_OK;
}

void mp_meta_eval_release(mp_meta_eval *e)
{
    if (!e)
        return;
    mp_u_free(e->task_losses);
    mp_u_free(e->task_scores);
    mp_u_free(e->task_blown);
    mp_u_free(e->grad);
    memset(e, 0, sizeof *e);
}

/* The per-task results and means of point 0 of b into e. */
static void fill(const mp_x_batch *b, mp_meta_eval *e)
{
    mp_x_point_stats c = mp_x_batch_reduce(b, 0, NULL);
    e->task_loss = c.loss;
    e->score = c.acc;
    e->blowups = c.blown;
    if (c.reason)
        snprintf(e->reason, sizeof e->reason, "%s", c.reason);
    size_t cnt = 0;
    for (size_t t = 0; t < b->n_tasks; t++) {
        const mp_x_result *r = &b->res[t];
        if (r->n_align && r->n_align <= sizeof e->alignment_deg / sizeof(double)) {
            e->n_alignment = r->n_align;
            cnt++;
            for (size_t k = 0; k < r->n_align; k++)
                e->alignment_deg[k] += r->align[k];
        }
    }
    for (size_t k = 0; cnt && k < e->n_alignment; k++)
        e->alignment_deg[k] /= (double)cnt;
    for (size_t t = 0; t < b->n_tasks; t++) {
        e->task_losses[t] = b->res[t].loss;
        e->task_scores[t] = b->res[t].accuracy;
        e->task_blown[t] = b->res[t].blown;
    }
}

int mp_meta_evaluate(const mp_experiment *x, const double *theta, uint64_t iteration,
                     int threads, unsigned flags, mp_meta_eval *out, mp_error *err)
{
    if (!x || !theta || !out)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_meta_evaluate: no experiment, point or result record");
    memset(out, 0, sizeof *out);
    out->score = NAN;
    int rc = check_bounds(x, theta, err);
    if (rc != MP_OK)
        return rc;
    const size_t n = x->dim, T = x->per_iteration;
    const char *method = (flags & MP_META_GRADIENT) ? mp_experiment_gradient_method(x) : NULL;
    const int exact = method && method[0] == 'e', fd = method && !exact;
    const size_t np = fd ? 1 + 2 * n : 1;
    double *pts = mp_u_malloc((np * n + 1) * sizeof(double));
    mp_x_batch b = {x, pts, np, T, iteration, NULL, NULL, NULL};
    out->n_tasks = T;
    out->task_losses = mp_u_calloc(T, sizeof(double));
    out->task_scores = mp_u_calloc(T, sizeof(double));
    out->task_blown = mp_u_calloc(T, sizeof(int));
    if (method)
        out->grad = mp_u_calloc(n ? n : 1, sizeof(double));
    if (exact)
        b.grads = mp_u_calloc(T * n + 1, sizeof(double));
    if (!pts || !out->task_losses || !out->task_scores || !out->task_blown ||
        (method && !out->grad) || (exact && !b.grads)) {
        mp_u_free(pts);
        mp_u_free(b.grads);
        mp_meta_eval_release(out);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory for an evaluation of %zu tasks", T);
    }
    for (size_t p = 0; p < np; p++)
        memcpy(pts + p * n, theta, n * sizeof(double));
    for (size_t i = 0; fd && i < n; i++) {
        pts[(1 + 2 * i) * n + i] += x->fd_step;
        pts[(2 + 2 * i) * n + i] -= x->fd_step;
    }
    rc = mp_x_batch_run(&b, threads > 0 ? threads : 1, err);
    if (rc == MP_OK) {
        fill(&b, out);
        if (exact)
            mp_x_batch_reduce(&b, 0, out->grad);
        for (size_t i = 0; fd && i < n; i++)
            out->grad[i] = (mp_x_batch_reduce(&b, 1 + 2 * i, NULL).loss -
                            mp_x_batch_reduce(&b, 2 + 2 * i, NULL).loss) /
                           (2.0 * x->fd_step);
        out->penalty = mp_x_penalty(x, theta, out->grad);
        out->loss = out->task_loss + out->penalty;
        out->grad_method = method;
    }
    mp_u_free(b.res);
    mp_u_free(b.grads);
    mp_u_free(pts);
    if (rc != MP_OK)
        mp_meta_eval_release(out);
    return rc;
}

int mp_meta_eval_json(const mp_experiment *x, const double *theta,
                      const mp_meta_eval *e, char **json, mp_error *err)
{
    *json = NULL;
    json_t *j = json_object(), *tl = json_array();
    json_object_set_new(j, "theta", mp_x_json_values(x, theta));
    json_object_set_new(j, "loss", mp_x_json_num(e->loss));
    json_object_set_new(j, "task_loss", mp_x_json_num(e->task_loss));
    json_object_set_new(j, "penalty", mp_x_json_num(e->penalty));
    const char *score = mp_experiment_score_name(x);
    if (score)
        json_object_set_new(j, score, mp_x_json_num(e->score));
    if (e->n_alignment)
        json_object_set_new(j, "alignment_deg",
                            mp_x_json_array(e->alignment_deg, e->n_alignment));
    if (x->target)
        json_object_set_new(j, "rule_angle_deg", mp_x_json_num(mp_x_rule_angle(x, theta)));
    json_object_set_new(j, "tasks", json_integer((json_int_t)e->n_tasks));
    for (size_t t = 0; t < e->n_tasks; t++)
        json_array_append_new(tl, mp_x_json_num(e->task_losses[t]));
    json_object_set_new(j, "task_losses", tl);
    json_object_set_new(j, "blowups", json_integer((json_int_t)e->blowups));
    if (e->reason[0])
        json_object_set_new(j, "reason", json_string(e->reason));
    if (e->grad) {
        json_object_set_new(j, "gradient", mp_x_json_named(x, e->grad));
        json_object_set_new(j, "gradient_method", json_string(e->grad_method));
    }
    char *txt = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(j);
    *json = txt ? mp_u_strdup(txt) : NULL;
    mp_x_json_text_free(txt);
    return *json ? MP_OK
                 : mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                            "out of memory writing the evaluation as JSON");
}

int mp_meta_eval_write(const mp_experiment *x, const double *theta,
                       const mp_meta_eval *e, const char *dir, mp_error *err)
{
    char *json = NULL;
    int rc = mp_u_mkdir_p(dir, err);
    if (rc == MP_OK)
        rc = mp_meta_eval_json(x, theta, e, &json, err);
    if (rc == MP_OK) {
        size_t n = strlen(json);
        json[n] = '\n'; /* the text ends in a newline; its NUL is not written */
        rc = mp_u_write_output(dir, "evaluation.json", json, n + 1, err);
    }
    /* arrays: their values and gradients beside evaluation.json */
    for (size_t i = 0; rc == MP_OK && i < x->n_free; i++)
        if (x->free[i].array) {
            rc = mp_x_write_array_npy(&x->free[i], theta, 1, dir, "", err);
            if (rc == MP_OK && e->grad)
                rc = mp_x_write_array_npy(&x->free[i], e->grad, 0, dir, ".grad", err);
        }
    mp_u_free(json);
    return rc;
}

int mp_x_evaluate_initial(const mp_experiment *x, int threads, char **json,
                          mp_error *err)
{
    *json = NULL;
    double *theta = mp_u_malloc((x->dim ? x->dim : 1) * sizeof(double));
    if (!theta)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    mp_experiment_initial_theta(x, theta);
    mp_meta_eval e;
    int rc = mp_meta_evaluate(x, theta, 0, threads, MP_META_GRADIENT, &e, err);
    if (rc == MP_OK)
        rc = mp_meta_eval_json(x, theta, &e, json, err);
    mp_meta_eval_release(&e);
    mp_u_free(theta);
    return rc;
}
