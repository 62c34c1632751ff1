/* One evaluation of a coefficient vector: a per-evaluation shallow copy of
 * the loaded model whose plastic projections point at their own parameter
 * arrays (theta written in), a fresh net from it, the inner loop, the loss.
 *
 * Why a copy: both kernels (core/kernel/net.c, core/rate/rate_net.c) build
 * each rule instance (core/plugin/rule_instance.h) from
 * model->projections[j].plasticity->params, and a net keeps its model
 * pointer for its whole life. (A net reused across evaluations would set
 * the values with mp_p_rule_set_params instead.) Copying the mp_model struct by value with a
 * fresh projections array and fresh mp_m_plasticity/params for the plastic
 * projections gives every evaluation its own parameters while populations,
 * stimuli, plugins and data stay shared and read-only; no kernel edit is
 * needed and the shared model is never written (so threads are safe).
 *
 * Rate models are evaluated through rate/episode_int.h alone (the seam:
 * run an episode, its exact gradient, the PC distance); this file never
 * builds or reads a rate net. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_int.h"
#include "metaplast/net.h"
#include "rate/episode_int.h"
#include "util/util_int.h"

typedef struct mcopy {
    mp_model m;
    mp_m_projection *proj;
    mp_m_plasticity *pl;
    double **par; /* per projection, NULL when static */
    mp_dataset *data;
    double *rot;
} mcopy;

static void mcopy_release(mcopy *c)
{
    if (c->par)
        for (size_t j = 0; j < c->m.n_projections; j++)
            mp_u_free(c->par[j]);
    mp_u_free(c->par);
    mp_u_free(c->pl);
    mp_u_free(c->proj);
    mp_ds_free(c->data);
    mp_u_free(c->rot);
}

static int mcopy_init(mcopy *c, const mp_experiment *x, const double *theta,
                      uint64_t data_seed, mp_error *err)
{
    const mp_model *m = x->model;
    size_t n = m->n_projections;
    memset(c, 0, sizeof *c);
    c->m = *m;
    c->proj = mp_u_malloc((n ? n : 1) * sizeof *c->proj);
    c->pl = mp_u_calloc(n ? n : 1, sizeof *c->pl);
    c->par = mp_u_calloc(n ? n : 1, sizeof *c->par);
    if (!c->proj || !c->pl || !c->par)
        goto nomem;
    if (n)
        memcpy(c->proj, m->projections, n * sizeof *c->proj);
    for (size_t j = 0; j < n; j++) {
        const mp_m_plasticity *o = m->projections[j].plasticity;
        if (!o)
            continue;
        uint32_t np = o->plugin->desc->n_params;
        c->pl[j] = *o;
        if (!(c->par[j] = mp_u_malloc((np ? np : 1) * sizeof(double))))
            goto nomem;
        memcpy(c->par[j], o->params, np * sizeof(double));
        c->pl[j].params = c->par[j];
        c->proj[j].plasticity = &c->pl[j];
    }
    for (size_t f = 0; f < x->n_free; f++)
        for (size_t q = 0; q < x->free[f].n_proj; q++)
            c->par[x->free[f].proj[q]][x->free[f].param] =
                mp_x_free_value(&x->free[f], theta[f]);
    c->m.projections = c->proj;
    /* Gaussian data (PCA tasks): a fresh, freshly rotated data set per
     * evaluation with the model's spectrum (Confavreux et al. 2020). */
    if (x->task == MP_X_TASK_MODEL && m->network == MP_NET_RATE && m->data.rotation) {
        size_t dim = m->data.train->dim;
        if (!(c->rot = mp_u_malloc(dim * dim * sizeof(double))))
            goto nomem;
        int rc = mp_ds_gaussian_rotated(dim, m->data.train->n, m->data.variances,
                                        data_seed, &c->data, c->rot, err);
        if (rc != MP_OK) {
            mcopy_release(c);
            return rc;
        }
        c->m.data.train = c->data;
        c->m.data.rotation = c->rot;
    }
    return MP_OK;
nomem:
    mcopy_release(c);
    return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                    "out of memory copying the model for an evaluation");
}

static void blown(mp_x_result *r, const mp_experiment *x, const mp_error *e,
                  const char *why)
{
    r->blown = 1;
    r->loss = x->blowup_penalty;
    if (e) {
        char buf[MP_ERROR_TEXT_LEN + 300];
        mp_error_format(e, buf, sizeof buf);
        size_t k = strlen(buf);
        k = k < sizeof r->reason ? k : sizeof r->reason - 1;
        memcpy(r->reason, buf, k);
        r->reason[k] = '\0';
    } else
        snprintf(r->reason, sizeof r->reason, "%s", why);
    if (r->grad)
        memset(r->grad, 0, x->n_free * sizeof *r->grad);
}

/* ---- rate, nway_kshot tasks, without gradients --------------------------- */

static mp_r_episode episode(const mp_experiment *x, const mp_task *t, uint64_t net_seed)
{
    return (mp_r_episode){x->model->data.train, t->train, t->train_label,
                          x->ways * x->shots, t->query, t->query_label,
                          x->ways * x->queries, net_seed};
}

static int rate_task(const mp_experiment *x, const mcopy *mc, const mp_task *t,
                     uint64_t net_seed, mp_x_result *r, mp_error *err)
{
    mp_r_episode ep = episode(x, t, net_seed);
    mp_error e;
    mp_error_clear(&e);
    double loss = NAN, acc = NAN;
    size_t n_align = 0;
    int rc = mp_r_episode_run(&mc->m, &ep, &loss, &acc,
                              r->want_align ? r->align : NULL, MP_X_MAX_ALIGN,
                              &n_align, &e);
    if (rc == MP_EUNSTABLE) {
        blown(r, x, &e, NULL);
        return MP_OK;
    }
    if (rc != MP_OK) {
        *err = e;
        return rc;
    }
    r->n_align = n_align;
    r->loss = loss;
    r->accuracy = acc;
    if (!isfinite(r->loss))
        blown(r, x, NULL, "the query loss is not finite");
    return MP_OK;
}

/* ---- rate, exact gradients ------------------------------------------------- */

static int rate_grad(const mp_experiment *x, const mcopy *mc, const mp_task *t,
                     uint64_t net_seed, mp_x_result *r, mp_error *err)
{
    const mp_model *m = x->model;
    size_t n = m->n_projections;
    double **g = mp_u_calloc(n ? n : 1, sizeof *g);
    int rc = g ? MP_OK : MP_ENOMEM;
    for (size_t j = 0; j < n && rc == MP_OK; j++)
        if (m->projections[j].plasticity &&
            !(g[j] = mp_u_calloc(m->projections[j].plasticity->plugin->desc->n_params + 1,
                            sizeof(double))))
            rc = MP_ENOMEM;
    if (rc != MP_OK) {
        if (g)
            for (size_t j = 0; j < n; j++)
                mp_u_free(g[j]);
        mp_u_free(g);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory for the rules' parameter gradients");
    }
    mp_r_episode ep = episode(x, t, net_seed);
    mp_error e;
    mp_error_clear(&e);
    double acc = NAN;
    rc = mp_r_episode_grad(m, (const double *const *)mc->par, &ep, &r->loss, &acc,
                           g, &e);
    if (rc == MP_OK && r->want_align) {
        /* the alignment needs the adapted net: replay the episode forward
         * (the same net and loss as the gradient engine's, docs/meta.md) */
        mp_x_result a;
        memset(&a, 0, sizeof a);
        a.want_align = 1;
        rc = rate_task(x, mc, t, net_seed, &a, &e);
        r->n_align = a.blown ? 0 : a.n_align;
        memcpy(r->align, a.align, sizeof a.align);
    }
    if (rc == MP_OK) {
        r->accuracy = acc;
        for (size_t f = 0; f < x->n_free; f++) {
            double s = 0.0;
            for (size_t q = 0; q < x->free[f].n_proj; q++)
                s += g[x->free[f].proj[q]][x->free[f].param];
            r->grad[f] = s;
        }
        if (!isfinite(r->loss))
            blown(r, x, NULL, "the query loss is not finite");
    } else if (rc == MP_EUNSTABLE) {
        blown(r, x, &e, NULL);
        rc = MP_OK;
    } else
        *err = e;
    for (size_t j = 0; j < n; j++)
        mp_u_free(g[j]);
    mp_u_free(g);
    return rc;
}

/* ---- rate, the model as the task (PCA) ------------------------------------- */

static int rate_model(const mp_experiment *x, const mcopy *mc, uint64_t net_seed,
                      mp_x_result *r, mp_error *err)
{
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_r_pc_distance(&mc->m, net_seed, x->inner_samples, x->loss_proj,
                              &r->loss, &e);
    if (rc == MP_EUNSTABLE) {
        blown(r, x, &e, NULL);
        return MP_OK;
    }
    if (rc != MP_OK) {
        *err = e;
        return rc;
    }
    if (!isfinite(r->loss))
        blown(r, x, NULL, "the PC distance is not finite");
    return MP_OK;
}

/* ---- spiking: target rate --------------------------------------------------- */

static int spiking(const mp_experiment *x, const mcopy *mc, uint64_t net_seed,
                   double win0, double win1, mp_x_result *r, mp_error *err)
{
    mp_net *net = NULL;
    mp_error e;
    mp_error_clear(&e);
    const mp_m_population *pop = &x->model->populations[x->loss_pop];
    int rc = mp_net_new(&mc->m, net_seed, &net, &e);
    long long c0 = 0, c1 = 0;
    if (rc == MP_OK && win0 > 0)
        rc = mp_net_run(net, win0, NULL, NULL, &e);
    if (rc == MP_OK) {
        c0 = mp_net_spike_count(net, pop->name);
        rc = mp_net_run(net, win1 - win0, NULL, NULL, &e);
        c1 = mp_net_spike_count(net, pop->name);
    }
    mp_net_free(net);
    if (rc == MP_EUNSTABLE) {
        blown(r, x, &e, NULL);
        return MP_OK;
    }
    if (rc != MP_OK) {
        *err = e;
        return rc;
    }
    double rate = (double)(c1 - c0) / ((double)pop->size * (win1 - win0) * 1e-3);
    double d = rate - x->target_rate;
    r->loss = d * d / (rate + x->denom_offset);
    r->accuracy = rate; /* reported as "rate" by the run loop */
    return MP_OK;
}

int mp_x_evaluate(const mp_experiment *x, const double *theta, uint64_t iter,
                  uint64_t task, mp_x_result *r, mp_error *err)
{
    r->loss = NAN;
    r->accuracy = NAN;
    r->blown = 0;
    r->reason[0] = '\0';
    r->n_align = 0;
    mcopy mc;
    int rc = mcopy_init(&mc, x, theta, mp_x_seed(x->seed, 3, iter, task), err);
    if (rc != MP_OK)
        return rc;
    uint64_t net_seed = mp_x_seed(x->seed, 2, iter, task);
    if (x->task == MP_X_TASK_NWAY) {
        mp_task t;
        rc = mp_task_init(&t, x->sampler, err);
        if (rc == MP_OK) {
            rc = mp_task_sample(x->sampler, mp_x_seed(x->seed, 1, iter, task), &t, err);
            if (rc == MP_OK)
                rc = r->grad ? rate_grad(x, &mc, &t, net_seed, r, err)
                             : rate_task(x, &mc, &t, net_seed, r, err);
            mp_task_release(&t);
        }
    } else if (x->model->network == MP_NET_RATE) {
        rc = rate_model(x, &mc, net_seed, r, err);
    } else {
        double w0, w1;
        mp_x_score_window(x, iter, task, &w0, &w1);
        rc = spiking(x, &mc, net_seed, w0, w1, r, err);
    }
    mcopy_release(&mc);
    return rc;
}
