/* Spike counts and the spiking fields of summary.json. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "metaplast/metaplast.h"
#include "kernel/kernel_int.h"
#include "util/util_int.h"

long long mp_k_net_spike_count(const mp_k_net *net, const char *name)
{
    if (!net || !name)
        return -1;
    for (size_t s = 0; s < net->n_srcs; s++)
        if (net->srcs[s].m->name && strcmp(net->srcs[s].m->name, name) == 0)
            return net->srcs[s].count;
    return -1;
}

void mp_k_summary_fields(const mp_k_net *net, json_t *root, double wall_seconds)
{
    const mp_model *m = net->m;
    double T = mp_k_net_time(net) * 1e-3;
    json_object_set_new(root, "model", json_string(m->name ? m->name : ""));
    json_object_set_new(root, "model_file", json_string(m->file ? m->file : ""));
    json_object_set_new(root, "seed", json_integer((json_int_t)net->seed));
    json_object_set_new(root, "metaplast_version", json_string(mp_version()));
    json_object_set_new(root, "dt_ms", json_real(net->dt));
    json_object_set_new(root, "steps", json_integer((json_int_t)net->steps));
    json_object_set_new(root, "simulated_seconds", json_real(T));
    json_object_set_new(root, "wall_seconds", json_real(wall_seconds));
    json_object_set_new(root, "kernel_seconds", json_real(net->wall));
    json_t *srcs = json_array();
    for (size_t s = 0; s < net->n_srcs; s++) {
        const mp_k_source *src = &net->srcs[s];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(src->m->name ? src->m->name : ""));
        json_object_set_new(o, "size", json_integer((json_int_t)src->size));
        json_object_set_new(o, "spikes", json_integer((json_int_t)src->count));
        double rate = (T > 0 && src->size) ? (double)src->count / ((double)src->size * T) : 0.0;
        json_object_set_new(o, "rate_hz", json_real(rate));
        json_array_append_new(srcs, o);
    }
    json_object_set_new(root, "sources", srcs);
    json_t *projs = json_array();
    for (size_t j = 0; j < net->n_projs; j++) {
        const mp_k_proj *pj = &net->projs[j];
        if (!pj->desc)
            continue;
        double lo = DBL_MAX, hi = -DBL_MAX, sum = 0.0;
        for (size_t k = 0; k < pj->syn.nnz; k++) {
            double w = pj->w[k];
            sum += w;
            lo = w < lo ? w : lo;
            hi = w > hi ? w : hi;
        }
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(pj->m->name));
        json_object_set_new(o, "rule", json_string(pj->desc->name));
        json_object_set_new(o, "synapses", json_integer((json_int_t)pj->syn.nnz));
        if (pj->syn.nnz) {
            json_object_set_new(o, "w_mean", json_real(sum / (double)pj->syn.nnz));
            json_object_set_new(o, "w_min", json_real(lo));
            json_object_set_new(o, "w_max", json_real(hi));
        }
        json_array_append_new(projs, o);
    }
    json_object_set_new(root, "plastic_projections", projs);
}
