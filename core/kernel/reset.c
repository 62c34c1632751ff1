/* A built spiking net back to the initial state of mp_k_net_new(m, seed),
 * bit for bit (tests/test_net_rebuild.c): states drawn anew, connectivity
 * and weights drawn anew, traces zeroed (rebuilt when a rule's trace time
 * constant changed), stimuli built anew, rules reset, time and checks back
 * to step 0. Population state and ring arrays are reused; connectivity
 * and stimuli are reallocated (their sizes may change with the seed:
 * fixed_probability). */
#include <string.h>

#include "kernel/kernel_int.h"
#include "util/util_int.h"

/* Whether every plastic projection's traces have its rule's current tau. */
static int traces_current(const mp_k_net *net)
{
    for (size_t j = 0; j < net->n_projs; j++) {
        const mp_k_proj *pj = &net->projs[j];
        if (!pj->rule)
            continue;
        const mp_p_plugin *pl = pj->rule->plugin;
        for (uint32_t t = 0; t < pj->n_traces; t++)
            if (pj->traces[t]->tau != pj->rule->params[pl->trace_param[t]])
                return 0;
    }
    return 1;
}

static void trace_zero(mp_k_trace *tr)
{
    size_t n = tr->n ? tr->n : 1;
    memset(tr->x, 0, n * sizeof *tr->x);
    if (tr->last)
        memset(tr->last, 0, n * sizeof *tr->last);
    tr->synced = -1;
}

int mp_k_net_reset(mp_k_net *net, uint64_t seed, mp_error *err)
{
    if (net->recs)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "a net cannot be reset while its recorders are open: "
                        "close them first (mp_net_close_recorders)");
    const mp_model *m = net->m;
    net->seed = seed;
    net->steps = 0;
    net->check_countdown = net->check_every;
    net->wall = 0.0;
    int rebind = !traces_current(net);
    for (size_t s = 0; s < net->n_srcs; s++) {
        mp_k_source *src = &net->srcs[s];
        src->nspk = 0;
        src->count = 0;
        for (size_t t = 0; t < src->n_traces; t++) {
            if (rebind)
                mp_k_trace_free(&src->traces[t]);
            else
                trace_zero(&src->traces[t]);
        }
        if (rebind)
            src->n_traces = 0; /* the array stays; mp_k_proj_bind refills it */
    }
    int rc = MP_OK;
    for (size_t i = 0; i < net->n_pops && rc == MP_OK; i++)
        rc = mp_k_pop_draw(net, i, err);
    for (size_t i = 0; i < net->n_stims && rc == MP_OK; i++) {
        mp_s_free(net->stims[i]);
        net->stims[i] = NULL;
        rc = mp_s_new(&m->stimuli[i], m->dt, mp_u_stream_seed(seed, MP_STREAM_STIMULUS, i),
                      &net->stims[i], err);
    }
    for (size_t j = 0; j < net->n_projs && rc == MP_OK; j++) {
        rc = mp_k_proj_draw(net, j, err);
        if (rc == MP_OK && net->projs[j].rule && rebind)
            rc = mp_k_proj_bind(net, j, err);
    }
    if (rc == MP_OK)
        rc = mp_k_net_start(net, err);
    return rc;
}

const double *mp_k_net_rule_params(const mp_k_net *net, size_t j)
{
    return j < net->n_projs && net->projs[j].rule ? net->projs[j].rule->params : NULL;
}

int mp_k_net_set_rule_params(mp_k_net *net, size_t j, const double *p, mp_error *err)
{
    if (j >= net->n_projs || !net->projs[j].rule)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection %zu has no plasticity rule", j);
    return mp_p_rule_set_params(net->projs[j].rule, p, err);
}
