/* A batch of evaluations (core/meta/batch.c): every (point, task) of one
 * iteration on the thread pool into its own slot, reduced in a fixed order;
 * the JSON helpers of the log, result.json and --evaluate. Internal to
 * core/meta/ (run.c, batch.c). */
#ifndef MP_META_BATCH_INT_H
#define MP_META_BATCH_INT_H

#include <jansson.h>

#include "meta/meta_int.h"

typedef struct mp_x_batch {
    const mp_experiment *x;
    const double *points; /* n_points x n_free */
    size_t n_points, n_tasks;
    uint64_t iter;
    mp_x_result *res; /* n_points x n_tasks */
    double *grads;    /* n_points x n_tasks x n_free, or NULL */
    mp_x_slots *ws;   /* one reusable net per worker (mp_x_batch_run) */
} mp_x_batch;

/* Means over tasks of point p, in task order. */
typedef struct mp_x_point_stats {
    double loss, acc;
    size_t blown;
    const char *reason;
} mp_x_point_stats;

/* Evaluates every (point, task) of b into b->res (allocated here; the
 * caller frees it); exact gradients into b->grads when set, on a log scale
 * with respect to log(value). */
int mp_x_batch_run(mp_x_batch *b, int threads, mp_error *err);
/* Means over tasks of point p (and of its gradients into grad). */
mp_x_point_stats mp_x_batch_reduce(const mp_x_batch *b, size_t p, double *grad);
/* Analysis fields of point 0 into j: alignment_deg, rule_angle_deg. */
void mp_x_batch_analysis(const mp_x_batch *b, const double *theta, json_t *j);

/* A number, null when not finite. */
json_t *mp_x_json_num(double v);
/* {name: v[i]} in optimizer coordinates (gradients). */
json_t *mp_x_json_named(const mp_experiment *x, const double *v);
/* {name: value} of point theta in the parameters' own units. */
json_t *mp_x_json_values(const mp_experiment *x, const double *theta);
/* [v...], null for a non-finite entry. */
json_t *mp_x_json_array(const double *v, size_t n);
/* Frees a text from json_dumps with Jansson's free function. */
void mp_x_json_text_free(char *txt);

#endif
