/* One evaluation of a coefficient vector through the seam (core/net/seam.h):
 * the meta-parameters (the model's rule parameters with theta written in)
 * set on a net the evaluation's worker keeps, the net reset with the
 * evaluation's seed, the inner loop, the loss (docs/meta.md "Evaluation
 * flow"). The net of a worker (an mp_x_slots entry) is built at its first
 * evaluation and reused: a reset gives the state of a fresh net of that
 * seed bit for bit (tests/test_net_rebuild.c), so results do not depend on
 * which worker ran an evaluation nor on how many there are. The shared
 * model is never written. This file knows no network's layout: it talks
 * to nets only through the seam and include/metaplast/net.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_int.h"
#include "metaplast/net.h"
#include "net/seam.h"
#include "rate/episode_int.h"
#include "util/util_int.h"

/* What one worker keeps between evaluations. */
typedef struct slot {
    mp_net *net;      /* built at the first evaluation that needs it */
    double **par;     /* per projection (NULL: static): the rule's parameters
                         with theta written in */
    mp_dataset *data; /* PCA tasks: this evaluation's data set, */
    double *rot;      /* and its rotation */
    double *arr;      /* an array entry's values (the largest entry's size) */
    const double *theta; /* the evaluation's point (borrowed during it) */
} slot;

struct mp_x_slots {
    const mp_experiment *x;
    size_t n;
    slot *s;
};

static void slot_release(slot *w, size_t n_proj)
{
    mp_net_free(w->net);
    if (w->par)
        for (size_t j = 0; j < n_proj; j++)
            mp_u_free(w->par[j]);
    mp_u_free(w->par);
    mp_ds_free(w->data);
    mp_u_free(w->rot);
    mp_u_free(w->arr);
}

void mp_x_slots_free(mp_x_slots *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n && s->s; i++)
        slot_release(&s->s[i], s->x->model->n_projections);
    mp_u_free(s->s);
    mp_u_free(s);
}

int mp_x_slots_new(const mp_experiment *x, size_t n, mp_x_slots **out, mp_error *err)
{
    const mp_model *m = x->model;
    size_t np = m->n_projections;
    *out = NULL;
    mp_x_slots *s = mp_u_calloc(1, sizeof *s);
    if (s) {
        s->x = x;
        s->n = n ? n : 1;
        s->s = mp_u_calloc(s->n, sizeof *s->s);
    }
    int ok = s && s->s;
    for (size_t i = 0; ok && i < s->n; i++) {
        slot *w = &s->s[i];
        size_t big = 1;
        for (size_t f = 0; f < x->n_free; f++)
            big = x->free[f].array && x->free[f].size > big ? x->free[f].size : big;
        for (size_t f = 0; f < x->n_free; f++) /* per neuron: expanded to synapses */
            if (x->free[f].per_neuron && x->free[f].n_post * x->free[f].n_pre > big)
                big = x->free[f].n_post * x->free[f].n_pre;
        ok = (w->par = mp_u_calloc(np ? np : 1, sizeof *w->par)) != NULL &&
             (w->arr = mp_u_malloc(big * sizeof *w->arr)) != NULL;
        for (size_t j = 0; ok && j < np; j++)
            if (m->projections[j].plasticity)
                ok = (w->par[j] = mp_u_malloc(
                          (m->projections[j].plasticity->plugin->desc->n_params + 1) *
                          sizeof(double))) != NULL;
    }
    if (!ok) {
        mp_x_slots_free(s);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory for the evaluation workers");
    }
    *out = s;
    return MP_OK;
}

/* The meta-parameters of this evaluation into w->par. */
static void write_params(const mp_experiment *x, slot *w, const double *theta)
{
    const mp_model *m = x->model;
    for (size_t j = 0; j < m->n_projections; j++) {
        const mp_m_plasticity *o = m->projections[j].plasticity;
        if (o)
            memcpy(w->par[j], o->params, o->plugin->desc->n_params * sizeof(double));
    }
    for (size_t f = 0; f < x->n_free; f++)
        for (size_t q = 0; !x->free[f].array && q < x->free[f].n_proj; q++)
            w->par[x->free[f].proj[q]][x->free[f].param] =
                mp_x_free_value(&x->free[f], theta[x->free[f].offset]);
}

/* The array entries of theta on the worker's net (mp_seam_set_array; W_0
 * and B in force from the next reset or exact-gradient episode). */
static int set_arrays(const mp_experiment *x, slot *w, mp_error *err)
{
    const double *theta = w->theta;
    int rc = MP_OK;
    for (size_t f = 0; f < x->n_free && rc == MP_OK; f++) {
        const mp_x_free *q = &x->free[f];
        if (!q->array)
            continue;
        size_t n = q->per_neuron ? q->n_post * q->n_pre : q->size;
        for (size_t i = 0; i < n; i++) /* synapse i = (row i / n_pre, column i % n_pre) */
            w->arr[i] = mp_x_free_value(q, theta[q->offset + (q->per_neuron == 1 ? i / q->n_pre
                                                              : q->per_neuron == 2 ? i % q->n_pre
                                                                                   : i)]);
        rc = mp_seam_set_array(w->net, (enum mp_seam_array)(q->array - 1), q->proj[0],
                               (uint32_t)q->param, w->arr, n, err);
    }
    return rc;
}

/* Gaussian data (PCA tasks): a fresh, freshly rotated data set per
 * evaluation with the model's spectrum (Confavreux et al. 2020). */
static int draw_data(const mp_experiment *x, slot *w, uint64_t data_seed, mp_error *err)
{
    const mp_model *m = x->model;
    size_t dim = m->data.train->dim;
    mp_ds_free(w->data);
    w->data = NULL;
    if (!w->rot && !(w->rot = mp_u_malloc(dim * dim * sizeof(double))))
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory for an evaluation's data set");
    return mp_ds_gaussian_rotated(dim, m->data.train->n, m->data.variances, data_seed,
                                  &w->data, w->rot, err);
}

/* The worker's net with this evaluation's meta-parameters, reset to
 * net_seed (a blow-up of a rule's reset hook or of the initial weights is
 * returned as MP_EUNSTABLE, as a fresh net would). */
static int prepare(const mp_experiment *x, slot *w, uint64_t net_seed, mp_error *err)
{
    const mp_model *m = x->model;
    int rc = MP_OK;
    if (!w->net && (rc = mp_net_new(m, net_seed, &w->net, err)) != MP_OK)
        return rc;
    for (size_t j = 0; j < m->n_projections && rc == MP_OK; j++)
        if (w->par[j])
            rc = mp_seam_set_rule_params(w->net, j, w->par[j], err);
    if (rc == MP_OK && w->data)
        rc = mp_seam_set_data(w->net, w->data, w->rot, err);
    if (rc == MP_OK)
        rc = set_arrays(x, w, err);
    return rc == MP_OK ? mp_seam_reset(w->net, net_seed, err) : rc;
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
        memset(r->grad, 0, x->dim * sizeof *r->grad);
}

/* ---- rate, nway_kshot tasks, without gradients --------------------------- */

static mp_r_episode episode(const mp_experiment *x, const mp_task *t, uint64_t net_seed)
{
    return (mp_r_episode){x->model->data.train, t->train, t->train_label,
                          x->ways * x->shots, t->query, t->query_label,
                          x->ways * x->queries, net_seed};
}

static int rate_task(const mp_experiment *x, slot *w, const mp_task *t,
                     uint64_t net_seed, mp_x_result *r, mp_error *err)
{
    mp_r_episode ep = episode(x, t, net_seed);
    mp_error e;
    mp_error_clear(&e);
    double loss = NAN, acc = NAN;
    size_t n_align = 0;
    int rc = prepare(x, w, net_seed, &e);
    if (rc == MP_OK)
        rc = mp_seam_episode(w->net, &ep, &loss, &acc, r->want_align ? r->align : NULL,
                             MP_X_MAX_ALIGN, &n_align, &e);
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

/* The exact-gradient episode; the array entries' gradients go straight
 * into r->grad (the gain's through a per-projection vector). */
static int grad_episode(const mp_experiment *x, slot *w, const mp_r_episode *ep,
                        mp_x_result *r, double *acc, double **g, mp_error *e)
{
    const size_t n = x->model->n_projections ? x->model->n_projections : 1;
    int any = 0;
    for (size_t f = 0; f < x->n_free; f++)
        any |= x->free[f].array != 0;
    if (!any)
        return mp_seam_episode_grad(w->net, (const double *const *)w->par, ep, &r->loss,
                                    acc, g, e);
    double **gW0 = mp_u_calloc(n, sizeof *gW0), **gB = mp_u_calloc(n, sizeof *gB);
    double **gb = mp_u_calloc(n, sizeof *gb), *gg = mp_u_calloc(n, sizeof *gg);
    double ***gs = mp_u_calloc(n, sizeof *gs);
    int rc = gW0 && gB && gb && gg && gs ? MP_OK : MP_ENOMEM;
    for (size_t f = 0; f < x->n_free && rc == MP_OK; f++) {
        const mp_x_free *q = &x->free[f];
        size_t j = q->proj[0];
        double *at = r->grad + q->offset;
        if (q->array - 1 == MP_SEAM_W0)
            gW0[j] = at;
        else if (q->array - 1 == MP_SEAM_B)
            gB[j] = at;
        else if (q->array - 1 == MP_SEAM_BIAS)
            gb[j] = at;
        else if (q->array - 1 == MP_SEAM_PARAM) {
            const mp_m_plasticity *pl = x->model->projections[j].plasticity;
            if (!gs[j] && !(gs[j] = mp_u_calloc(pl->plugin->desc->n_params + 1, sizeof **gs)))
                rc = MP_ENOMEM;
            else if (q->per_neuron && !(gs[j][q->param] = mp_u_calloc(
                                            q->n_post * q->n_pre, sizeof(double))))
                rc = MP_ENOMEM; /* the synapses' gradient, summed below */
            else if (!q->per_neuron)
                gs[j][q->param] = at;
        }
    }
    if (rc == MP_OK) {
        const mp_seam_array_grads ag = {gW0, gB, (double *const *const *)gs, gg, gb};
        rc = mp_seam_episode_grad_arrays(w->net, (const double *const *)w->par, &ag, ep,
                                         &r->loss, acc, g, e);
    } else
        rc = mp_u_err(e, MP_ENOMEM, NULL, 0, 0, NULL,
                      "out of memory for the array gradients");
    for (size_t f = 0; f < x->n_free; f++) {
        const mp_x_free *q = &x->free[f];
        if (rc == MP_OK && q->array - 1 == MP_SEAM_GAIN)
            r->grad[q->offset] = gg[q->proj[0]];
        if (!q->per_neuron || !gs || !gs[q->proj[0]])
            continue;
        double *gsyn = gs[q->proj[0]][q->param];
        for (size_t k = 0; rc == MP_OK && gsyn && k < q->size; k++)
            r->grad[q->offset + k] = 0.0;
        for (size_t i = 0; rc == MP_OK && gsyn && i < q->n_post * q->n_pre; i++)
            r->grad[q->offset + (q->per_neuron == 1 ? i / q->n_pre : i % q->n_pre)] += gsyn[i];
        mp_u_free(gsyn);
        gs[q->proj[0]][q->param] = NULL;
    }
    for (size_t j = 0; gs && j < n; j++)
        mp_u_free(gs[j]);
    mp_u_free(gW0), mp_u_free(gB), mp_u_free(gb), mp_u_free(gg), mp_u_free(gs);
    return rc;
}

static int rate_grad(const mp_experiment *x, slot *w, const mp_task *t,
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
    /* the engine runs on the worker's net, reset to the episode's seed */
    rc = prepare(x, w, net_seed, &e);
    if (rc == MP_OK)
        rc = set_arrays(x, w, &e);
    if (rc == MP_OK)
        rc = grad_episode(x, w, &ep, r, &acc, g, &e);
    if (rc == MP_OK && r->want_align) {
        /* the alignment needs the adapted net: replay the episode forward
         * (the same net and loss as the gradient engine's, docs/meta.md) */
        mp_x_result a;
        memset(&a, 0, sizeof a);
        a.want_align = 1;
        rc = rate_task(x, w, t, net_seed, &a, &e);
        r->n_align = a.blown ? 0 : a.n_align;
        memcpy(r->align, a.align, sizeof a.align);
    }
    if (rc == MP_OK) {
        r->accuracy = acc;
        for (size_t f = 0; f < x->n_free; f++) {
            if (x->free[f].array)
                continue; /* written by grad_episode */
            double s = 0.0;
            for (size_t q = 0; q < x->free[f].n_proj; q++)
                s += g[x->free[f].proj[q]][x->free[f].param];
            r->grad[x->free[f].offset] = s;
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

static int rate_model(const mp_experiment *x, slot *w, uint64_t net_seed,
                      mp_x_result *r, mp_error *err)
{
    mp_error e;
    mp_error_clear(&e);
    int rc = prepare(x, w, net_seed, &e);
    if (rc == MP_OK)
        rc = mp_seam_pc_distance(w->net, x->inner_samples, x->loss_proj, &r->loss, &e);
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

static int spiking(const mp_experiment *x, slot *w, uint64_t net_seed, double win0,
                   double win1, mp_x_result *r, mp_error *err)
{
    mp_error e;
    mp_error_clear(&e);
    const mp_m_population *pop = &x->model->populations[x->loss_pop];
    int rc = prepare(x, w, net_seed, &e);
    mp_net *net = w->net;
    long long c0 = 0, c1 = 0;
    if (rc == MP_OK && win0 > 0)
        rc = mp_net_run(net, win0, NULL, NULL, &e);
    if (rc == MP_OK) {
        c0 = mp_net_spike_count(net, pop->name);
        rc = mp_net_run(net, win1 - win0, NULL, NULL, &e);
        c1 = mp_net_spike_count(net, pop->name);
    }
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

int mp_x_evaluate_on(const mp_experiment *x, mp_x_slots *ws, size_t worker,
                     const double *theta, uint64_t iter, uint64_t task, mp_x_result *r,
                     mp_error *err)
{
    r->loss = NAN;
    r->accuracy = NAN;
    r->blown = 0;
    r->reason[0] = '\0';
    r->n_align = 0;
    slot *w = &ws->s[worker];
    w->theta = theta;
    write_params(x, w, theta);
    int rc = MP_OK;
    if (x->task == MP_X_TASK_MODEL && x->model->network == MP_NET_RATE &&
        x->model->data.rotation &&
        (rc = draw_data(x, w, mp_x_seed(x->seed, 3, iter, task), err)) != MP_OK)
        return rc;
    uint64_t net_seed = mp_x_seed(x->seed, 2, iter, task);
    if (x->task == MP_X_TASK_NWAY) {
        mp_task t;
        rc = mp_task_init(&t, x->sampler, err);
        if (rc == MP_OK) {
            rc = mp_task_sample(x->sampler, mp_x_seed(x->seed, 1, iter, task), &t, err);
            if (rc == MP_OK)
                rc = r->grad ? rate_grad(x, w, &t, net_seed, r, err)
                             : rate_task(x, w, &t, net_seed, r, err);
            mp_task_release(&t);
        }
    } else if (x->model->network == MP_NET_RATE) {
        rc = rate_model(x, w, net_seed, r, err);
    } else {
        double w0, w1;
        mp_x_score_window(x, iter, task, &w0, &w1);
        rc = spiking(x, w, net_seed, w0, w1, r, err);
    }
    return rc;
}

int mp_x_evaluate(const mp_experiment *x, const double *theta, uint64_t iter,
                  uint64_t task, mp_x_result *r, mp_error *err)
{
    mp_x_slots *ws = NULL;
    int rc = mp_x_slots_new(x, 1, &ws, err);
    if (rc == MP_OK)
        rc = mp_x_evaluate_on(x, ws, 0, theta, iter, task, r, err);
    mp_x_slots_free(ws);
    return rc;
}
