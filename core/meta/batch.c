/* A batch of evaluations: every evaluation an iteration needs (tasks x
 * points: theta, FD probes or CMA-ES candidates) runs on the thread pool
 * into its own slot and the slots are reduced in a fixed order (so threads
 * cannot change a result); the JSON helpers the log and results share.
 * `meta --evaluate` is one batch too (evaluate_point.c). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/batch_int.h"
#include "util/util_int.h"

/* ---- a batch of evaluations --------------------------------------------------- */


static int batch_job(void *ctx, size_t i, size_t worker, mp_error *e)
{
    mp_x_batch *b = ctx;
    size_t p = i / b->n_tasks, t = i % b->n_tasks;
    mp_x_result *r = &b->res[i];
    r->grad = b->grads ? b->grads + i * b->x->dim : NULL;
    r->want_align = p == 0 && b->x->task == MP_X_TASK_NWAY &&
                    b->x->loss == MP_X_LOSS_QUERY_CE;
    const double *th = b->points + p * b->x->dim;
    int rc = mp_x_evaluate_on(b->x, b->ws, worker, th, b->iter, t, r, e);
    /* on a log scale theta = log(value): dL/dtheta = value dL/dvalue */
    for (size_t f = 0; rc == MP_OK && r->grad && f < b->x->n_free; f++) {
        const mp_x_free *q = &b->x->free[f];
        for (size_t k = q->offset; q->log_scale && k < q->offset + q->size; k++)
            r->grad[k] *= mp_x_free_value(q, th[k]);
    }
    return rc;
}

mp_x_point_stats mp_x_batch_reduce(const mp_x_batch *b, size_t p, double *grad)
{
    mp_x_point_stats s = {0.0, 0.0, 0, NULL};
    size_t n = b->n_tasks, nf = b->x->dim;
    if (grad)
        memset(grad, 0, nf * sizeof *grad);
    for (size_t t = 0; t < n; t++) {
        const mp_x_result *r = &b->res[p * n + t];
        s.loss += r->loss;
        s.acc += r->accuracy;
        if (r->blown) {
            s.blown++;
            if (!s.reason)
                s.reason = r->reason;
        }
        if (grad)
            for (size_t f = 0; f < nf; f++)
                grad[f] += b->grads[(p * n + t) * nf + f];
    }
    s.loss /= (double)n;
    s.acc /= (double)n;
    if (grad)
        for (size_t f = 0; f < nf; f++)
            grad[f] /= (double)n;
    return s;
}

int mp_x_batch_run(mp_x_batch *b, int threads, mp_error *err)
{
    size_t n = b->n_points * b->n_tasks;
    b->res = mp_u_calloc(n, sizeof *b->res);
    if (!b->res)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int rc = mp_x_slots_new(b->x, mp_x_workers(n, threads), &b->ws, err);
    if (rc == MP_OK)
        rc = mp_x_parallel_workers(n, threads, batch_job, b, err);
    mp_x_slots_free(b->ws);
    b->ws = NULL;
    return rc;
}

/* ---- JSON helpers ------------------------------------------------------------------ */

/* Frees a text from json_dumps with Jansson's free function: Jansson has
 * its own allocator (include/metaplast/alloc.h), perhaps the application's. */
void mp_x_json_text_free(char *txt)
{
    json_free_t jfree;
    json_get_alloc_funcs(NULL, &jfree);
    if (txt)
        jfree(txt);
}

json_t *mp_x_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* An array entry in a log line: {"norm": its Euclidean norm} (of the
 * values when values is set, else of v as it is), not its numbers. */
static json_t *norm_of(const mp_x_free *f, const double *v, int values)
{
    double s = 0.0;
    for (size_t k = f->offset; k < f->offset + f->size; k++) {
        double a = values ? mp_x_free_value(f, v[k]) : v[k];
        s += a * a;
    }
    return json_pack("{s:o}", "norm", mp_x_json_num(sqrt(s)));
}

/* {name: v[i]}: derivatives and other values in optimizer coordinates */
json_t *mp_x_json_named(const mp_experiment *x, const double *v)
{
    json_t *o = json_object();
    for (size_t i = 0; i < x->n_free; i++)
        json_object_set_new(o, x->free[i].name,
                            x->free[i].array ? norm_of(&x->free[i], v, 0)
                                             : mp_x_json_num(v[x->free[i].offset]));
    return o;
}

/* {name: value}: a point theta in the parameters' own units (a log-scale
 * entry as exp(theta)), as logs, results and messages show points */
json_t *mp_x_json_values(const mp_experiment *x, const double *theta)
{
    json_t *o = json_object();
    for (size_t i = 0; i < x->n_free; i++)
        json_object_set_new(o, x->free[i].name,
                            x->free[i].array
                                ? norm_of(&x->free[i], theta, 1)
                                : mp_x_json_num(mp_x_free_value(&x->free[i],
                                                                theta[x->free[i].offset])));
    return o;
}

/* A non-finite entry is written as null: json_real refuses it, and a
 * dropped element would shift every later index (a checkpoint read back
 * then names the null instead of miscounting). */
json_t *mp_x_json_array(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, mp_x_json_num(v[i]));
    return a;
}

/* Analysis fields of point 0: "alignment_deg" (per layer, mean over the
 * tasks that have one) and "rule_angle_deg" (with a target_rule). */
void mp_x_batch_analysis(const mp_x_batch *b, const double *theta, json_t *j)
{
    const mp_experiment *x = b->x;
    size_t na = 0, cnt = 0;
    double m[MP_X_MAX_ALIGN] = {0};
    for (size_t t = 0; t < b->n_tasks; t++) {
        const mp_x_result *r = &b->res[t];
        if (!r->n_align)
            continue;
        na = r->n_align;
        cnt++;
        for (size_t k = 0; k < na; k++)
            m[k] += r->align[k];
    }
    if (cnt) {
        for (size_t k = 0; k < na; k++)
            m[k] /= (double)cnt;
        json_object_set_new(j, "alignment_deg", mp_x_json_array(m, na));
    }
    if (x->target)
        json_object_set_new(j, "rule_angle_deg", mp_x_json_num(mp_x_rule_angle(x, theta)));
}
