/* summary.json of a rate run: samples (those reached, when it failed), the
 * final held-out accuracy (null for regression targets) and loss (the last
 * accuracy recorder's test_samples, else up to 1000 test samples), wall
 * seconds, and per plastic projection its rule and weight statistics. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <jansson.h>

#include "metaplast/metaplast.h"
#include "rate/rate_int.h"
#include "stimuli/dataset_int.h"
#include "util/util_int.h"

void mp_r_summary_fields(mp_r_net *net, json_t *root, double wall_seconds)
{
    const mp_model *m = net->m;
    json_object_set_new(root, "model", json_string(m->name ? m->name : ""));
    json_object_set_new(root, "model_file", json_string(m->file ? m->file : ""));
    json_object_set_new(root, "network", json_string("rate"));
    json_object_set_new(root, "seed", json_integer((json_int_t)net->seed));
    json_object_set_new(root, "metaplast_version", json_string(mp_version()));
    json_object_set_new(root, "samples", json_integer((json_int_t)net->seen));
    json_object_set_new(root, "data", json_string(m->data.train->source));
    json_object_set_new(root, "train_size", json_integer((json_int_t)m->data.train->n));
    if (m->data.test && m->training.loss != MP_LOSS_NONE) {
        size_t n = m->data.test->n < 1000 ? m->data.test->n : 1000;
        for (size_t i = 0; i < m->n_recorders; i++)
            if (m->recorders[i].kind == MP_REC_ACCURACY)
                n = m->recorders[i].test_samples;
        double acc, loss;
        mp_r_evaluate(net, n, &acc, &loss);
        json_object_set_new(root, "test_samples", json_integer((json_int_t)n));
        /* null for regression targets (no classes; JSON has no NaN) */
        json_object_set_new(root, "test_accuracy", isnan(acc) ? json_null() : json_real(acc));
        json_object_set_new(root, "test_loss", json_real(loss));
    }
    json_object_set_new(root, "wall_seconds", json_real(wall_seconds));
    json_object_set_new(root, "kernel_seconds", json_real(net->wall));
    json_t *projs = json_array();
    for (size_t j = 0; j < net->nP; j++) {
        const mp_r_proj *p = &net->P[j];
        size_t n = (size_t)p->n_pre * p->n_post;
        double lo = DBL_MAX, hi = -DBL_MAX, sum = 0.0;
        for (size_t k = 0; k < n; k++) {
            sum += p->W[k];
            lo = p->W[k] < lo ? p->W[k] : lo;
            hi = p->W[k] > hi ? p->W[k] : hi;
        }
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(p->m->name));
        json_object_set_new(o, "rule", p->desc ? json_string(p->desc->name) : json_null());
        json_object_set_new(o, "weights", json_integer((json_int_t)n));
        json_object_set_new(o, "w_mean", json_real(sum / (double)n));
        json_object_set_new(o, "w_min", json_real(lo));
        json_object_set_new(o, "w_max", json_real(hi));
        json_array_append_new(projs, o);
    }
    json_object_set_new(root, "projections", projs);
}
