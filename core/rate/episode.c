/* Exact meta-gradients through the unrolled online inner loop
 * (docs/meta-gradients.md). The forward pass is the rate kernel itself
 * (mp_r_net_new, mp_r_forward, mp_r_output_error, mp_r_backward,
 * mp_r_plasticity), so the loss is bit-identical to an mp_net run of the
 * same episode. The reverse pass differentiates exactly what those
 * functions compute:
 *   step t:  z_l = W_l y_{l-1}, y_l = f(z_l)
 *            e_L = y_L - t                   cross_entropy (softmax output)
 *            e_L = (y_L - t) . fp(y_L)       mse, elementwise output
 *            e_L = y_L . ((y_L - t) - y_L.(y_L - t))   mse, softmax output
 *            (t: one-hot label or regression target of the sample)
 *            e_{l-1} = (M_l^T e_l) . fp_{l-1}(y_{l-1})
 *            (M_l = W_l symmetric, B_l fixed_random; direct: B_l^T e_L;
 *            e_0 with y_0 = x when synthetic_e0)
 *            W_{t+1} = W_t + dW(W_t, y, e; theta)      (rule step_vjp)
 *   query:   L = mean_q -log softmax(z_L)[label_q]    cross_entropy
 *            L = mean_q 0.5 |y_L - t_q|^2             mse
 * The reverse of one step and of the query loss is reverse.c.
 * Memory: W of every projection is checkpointed every K = ceil(sqrt(T))
 * steps; a segment of K steps is recomputed from its checkpoint, keeping
 * W_t, z, y, e, fp and the target of each of its steps, and then
 * reversed. Peak: about (ceil(T/K) + K + 4) copies of the weights (+ the
 * net's own B).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/plugin_int.h"
#include "rate/rate_int.h"
#include "rate/reverse_int.h"
#include "util/rng.h"
#include "util/util_int.h"


static void *e_alloc(mp_r_rev_ctx *c, size_t n)
{
    void *p = mp_u_calloc(n ? n : 1, sizeof(double));
    if (p)
        c->bytes += (n ? n : 1) * sizeof(double);
    return p;
}

static int nomem(mp_error *err)
{
    return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                    "out of memory for the exact-gradient episode");
}

static const char *act_name(mp_m_act a)
{
    switch (a) {
    case MP_ACT_LINEAR: return "linear";
    case MP_ACT_RELU: return "relu";
    case MP_ACT_SIGMOID: return "sigmoid";
    case MP_ACT_TANH: return "tanh";
    case MP_ACT_SOFTMAX: return "softmax";
    case MP_ACT_SOFTPLUS: return "softplus";
    }
    return "?";
}

/* ---- checks ---------------------------------------------------------------- */

static int check_model(mp_r_rev_ctx *c, const double *const *params, mp_error *err)
{
    const mp_model *m = c->m;
    const mp_r_episode *ep = c->ep;
    if (m->network != MP_NET_RATE)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "meta-gradients: the model is not a rate network");
    if (m->training.loss == MP_LOSS_NONE)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "meta-gradients: training.loss is \"none\"; the "
                        "episode needs a loss (cross_entropy or mse)");
    size_t nL = m->chain.n_order;
    if (nL < 2)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "meta-gradients: the network has no layers");
    for (size_t k = 1; k < nL; k++) {
        const mp_m_population *p = &m->populations[m->chain.order[k]];
        size_t pi = m->chain.order[k];
        if (m->chain.lat_of[pi] != SIZE_MAX)
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "meta-gradients: population '%s' has a lateral "
                            "projection (not supported)", p->name);
        /* elementwise activations with the derivatives of activation.c
         * (relu: not differentiable at 0, not yet supported) */
        int smooth = p->act == MP_ACT_SOFTPLUS || p->act == MP_ACT_LINEAR ||
                     p->act == MP_ACT_SIGMOID || p->act == MP_ACT_TANH;
        if (k + 1 < nL && !smooth)
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "meta-gradients: population '%s' has activation %s; "
                            "supported: softplus, linear, sigmoid, tanh (hidden), "
                            "softmax (output)", p->name, act_name(p->act));
        /* cross_entropy: softmax (the loader insists); mse: softmax through
         * its full Jacobian, or an elementwise activation */
        if (k + 1 == nL && !(p->act == MP_ACT_SOFTMAX ||
                             (m->training.loss == MP_LOSS_MSE && smooth)))
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "meta-gradients: the output population '%s' has "
                            "activation %s; supported: softmax, and with "
                            "training.loss mse also softplus, linear, sigmoid, "
                            "tanh", p->name, act_name(p->act));
    }
    for (size_t j = 0; j < m->n_projections; j++) {
        const mp_m_projection *pj = &m->projections[j];
        if (pj->lateral || m->chain.ff_into[pj->target] != j)
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "meta-gradients: projection '%s' is not the "
                            "feedforward projection of its target", pj->name);
        if (!pj->plasticity)
            continue;
        const mp_rule_desc *d = pj->plasticity->plugin->desc;
        if (!d->step_vjp)
            return mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                            "meta-gradients: rule '%s' (projection '%s') has no "
                            "step_vjp (the reverse mode of its step)", d->name,
                            pj->name);
        c->ext[j] = d;
        c->par[j] = params && params[j] ? params[j] : pj->plasticity->params;
        for (uint32_t k = 0; k < d->n_params; k++)
            if (!(d->params[k].flags & MP_PARAM_COEF) &&
                c->par[j][k] != pj->plasticity->params[k])
                return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                                "meta-gradients: projection '%s': parameter '%s' "
                                "is not a coefficient; it must keep the model's "
                                "value %g", pj->name, d->params[k].name,
                                pj->plasticity->params[k]);
    }
    return mp_r_episode_check_data(m, ep, "meta-gradients", err);
}

/* ---- forward --------------------------------------------------------------- */

static int fwd_step(mp_r_rev_ctx *c, size_t t, mp_error *err)
{
    mp_r_net *net = c->net;
    const mp_dataset *ds = c->ep->data;
    const size_t idx = c->ep->train[t];
    mp_r_forward(net, ds->x + idx * ds->dim);
    mp_r_target_sample(net, ds, idx, mp_r_ep_label(c->ep, c->ep->train_label, t));
    mp_r_output_error(net);
    mp_r_backward(net);
    net->seen = t;
    return mp_r_plasticity(net, err);
}

static void save_w(const mp_r_rev_ctx *c, double *dst)
{
    for (size_t j = 0; j < c->nP; j++)
        memcpy(dst + c->woff[j], c->net->P[j].W,
               (c->woff[j + 1] - c->woff[j]) * sizeof(double));
}

static void load_w(mp_r_rev_ctx *c, const double *src)
{
    for (size_t j = 0; j < c->nP; j++)
        memcpy(c->net->P[j].W, src + c->woff[j],
               (c->woff[j + 1] - c->woff[j]) * sizeof(double));
}

/* ---- array meta-parameters (mp_r_grad_arrays) ------------------------------- */

/* W_0 and B from the caller instead of the draws; gB zeroed (it is
 * accumulated by the reverse steps). */
static int set_arrays(mp_r_rev_ctx *c, mp_error *err)
{
    const mp_r_grad_arrays *a = c->arr;
    for (size_t j = 0; a && j < c->nP; j++) {
        mp_r_proj *p = &c->net->P[j];
        const size_t nw = (size_t)p->n_post * p->n_pre, nb = (size_t)p->b_rows * p->n_pre;
        if (a->W0 && a->W0[j])
            memcpy(p->W, a->W0[j], nw * sizeof(double));
        if (p->B && a->B && a->B[j])
            memcpy(p->B, a->B[j], nb * sizeof(double));
        if (a->gB && a->gB[j])
            memset(a->gB[j], 0, (p->B ? nb : 0) * sizeof(double));
        if (a->gain)
            p->gain = a->gain[j];
        if (a->bias && a->bias[j]) {
            int rc = mp_r_net_set_array(c->net, MP_R_ARR_BIAS, j, 0, a->bias[j], p->n_post,
                                        err);
            if (rc != MP_OK)
                return rc;
            memcpy(p->b, a->bias[j], p->n_post * sizeof(double));
        }
        if (a->g_bias && a->g_bias[j])
            memset(a->g_bias[j], 0, p->n_post * sizeof(double));
        if (a->g_gain)
            a->g_gain[j] = 0.0;
    }
    return MP_OK;
}

/* Projection j's per-synapse parameter arrays into its rule instance (after
 * its scalars, before its reset). */
static int set_rule_arrays(mp_r_rev_ctx *c, size_t j, mp_error *err)
{
    const mp_r_grad_arrays *a = c->arr;
    if (!a || !a->p_syn || !a->p_syn[j])
        return MP_OK;
    mp_r_proj *p = &c->net->P[j];
    for (uint32_t k = 0; k < p->desc->n_params; k++) {
        if (!a->p_syn[j][k])
            continue;
        const size_t n = (size_t)p->n_post * p->n_pre;
        int rc = mp_p_rule_set_param_array(p->rule, k, a->p_syn[j][k], n, err);
        if (rc != MP_OK)
            return rc;
        c->bytes += 2 * n * sizeof(double); /* the array and its gradient */
    }
    return MP_OK;
}

static int not_finite(const char *what, const mp_m_projection *pj, size_t i, double g,
                      mp_error *err)
{
    return mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                    "meta-gradients: d loss / d %s[%zu] of projection '%s' is %g",
                    what, i, pj->name, g);
}

/* gW0 = the adjoint of W at step 0 (gW after the last reverse step); the
 * per-synapse gradients from the rule instances; every one checked finite. */
static int get_array_grads(mp_r_rev_ctx *c, const double *gW, mp_error *err)
{
    const mp_r_grad_arrays *a = c->arr;
    for (size_t j = 0; a && j < c->nP; j++) {
        const mp_r_proj *p = &c->net->P[j];
        const size_t o = c->woff[j], n = c->woff[j + 1] - o;
        if (a->gW0 && a->gW0[j])
            for (size_t i = 0; i < n; i++) {
                if (!isfinite(gW[o + i]))
                    return not_finite("W0", p->m, i, gW[o + i], err);
                a->gW0[j][i] = gW[o + i];
            }
        for (size_t i = 0; a->g_bias && a->g_bias[j] && i < p->n_post; i++)
            if (!isfinite(a->g_bias[j][i]))
                return not_finite("bias", p->m, i, a->g_bias[j][i], err);
        if (a->g_gain && !isfinite(a->g_gain[j]))
            return not_finite("gain", p->m, 0, a->g_gain[j], err);
        if (a->gB && a->gB[j] && p->B)
            for (size_t i = 0; i < (size_t)p->b_rows * p->n_pre; i++)
                if (!isfinite(a->gB[j][i]))
                    return not_finite("B", p->m, i, a->gB[j][i], err);
        if (!a->g_syn || !a->g_syn[j] || !p->rule)
            continue;
        for (uint32_t k = 0; k < p->desc->n_params; k++) {
            if (!a->g_syn[j][k] || !p->rule->g_syn[k])
                continue;
            for (size_t i = 0; i < n; i++) {
                const double g = p->rule->g_syn[k][i];
                if (!isfinite(g))
                    return not_finite(p->desc->params[k].name, p->m, i, g, err);
                a->g_syn[j][k][i] = g;
            }
        }
    }
    return MP_OK;
}

/* ---- the episode ------------------------------------------------------------ */

static size_t isqrt_up(size_t t)
{
    size_t k = (size_t)ceil(sqrt((double)t));
    while (k * k < t)
        k++;
    while (k > 1 && (k - 1) * (k - 1) >= t)
        k--;
    return k ? k : 1;
}

static int run(mp_r_rev_ctx *c, const double *const *params, double *loss,
               double *accuracy, double **grad, mp_error *err)
{
    const mp_model *m = c->m;
    const mp_r_episode *ep = c->ep;
    c->nP = m->n_projections;
    c->nL = m->chain.n_order;
    c->ext = mp_u_calloc(c->nP ? c->nP : 1, sizeof *c->ext);
    c->par = mp_u_calloc(c->nP ? c->nP : 1, sizeof *c->par);
    c->woff = mp_u_calloc(c->nP + 1, sizeof *c->woff);
    c->noff = mp_u_calloc(c->nL + 1, sizeof *c->noff);
    if (!c->ext || !c->par || !c->woff || !c->noff)
        return nomem(err);
    int rc = check_model(c, params, err);
    if (rc != MP_OK)
        return rc;
    /* a caller's net (mp_r_episode_grad_net) comes reset to init_seed */
    if (!c->net && (rc = mp_r_net_new(m, ep->init_seed, &c->net, err)) != MP_OK)
        return rc;
    mp_r_net *net = c->net;
    const mp_r_grad_arrays *arr = c->arr;
    const int want =
        grad || (arr && (arr->gW0 || arr->gB || arr->g_syn || arr->g_gain || arr->g_bias));
    if ((rc = set_arrays(c, err)) != MP_OK)
        return rc;
    size_t most = 1;
    for (size_t k = 0; k < c->nL; k++) {
        c->noff[k + 1] = c->noff[k] + net->L[k].n;
        most = net->L[k].n > most ? net->L[k].n : most;
    }
    c->nN = c->noff[c->nL];
    for (size_t j = 0; j < c->nP; j++) {
        mp_r_proj *p = &net->P[j];
        c->woff[j + 1] = c->woff[j] + (size_t)p->n_pre * p->n_post;
        if (!c->ext[j])
            continue;
        /* the episode's parameters into the rule instance, which then
         * starts afresh with them, as a net built with them would */
        if ((rc = mp_p_rule_set_params(p->rule, c->par[j], err)) != MP_OK ||
            (rc = set_rule_arrays(c, j, err)) != MP_OK ||
            (rc = mp_p_rule_reset(p->rule, mp_u_stream_seed(net->seed, MP_STREAM_RULE, j),
                                  err)) != MP_OK)
            return rc;
        mp_p_rule_zero_grads(p->rule); /* per-synapse gradients of the episode */
    }
    c->nW = c->woff[c->nP];
    c->rec_size = c->nW + 4 * c->nN + net->L[c->nL - 1].n;
    c->bytes += (c->nW + 4 * c->nN) * sizeof(double); /* the net's own arrays */
    for (size_t j = 0; j < c->nP; j++) {
        if (net->P[j].B)
            c->bytes += (size_t)net->P[j].b_rows * net->P[j].n_pre * sizeof(double);
        if (net->P[j].rule) /* its step_vjp scratch */
            c->bytes += net->P[j].rule->n_scratch * sizeof(double);
    }

    const size_t T = ep->n_train;
    const size_t K = isqrt_up(T ? T : 1), nck = T ? (T + K - 1) / K : 0;
    /* everything the reverse pass allocates below, checked before the first
     * (saturating: nck * nW overflowed size_t for a large enough episode) */
    size_t need = mp_u_size_add(
        mp_u_size_add(mp_u_size_mul(nck, c->nW),
                      2 * c->nW + 2 * c->nN + 3 * most),
        mp_u_size_mul(K, c->rec_size));
    if (want && (rc = mp_u_mem_check(err, mp_u_size_mul(need, sizeof(double)), m->file, NULL,
                                     "its checkpoints and reverse pass",
                                     "meta-gradients of an episode of %zu samples "
                                     "(%zu checkpoints of %zu weights)",
                                     T, nck, c->nW)) != MP_OK)
        return rc;
    double *ck = NULL;
    if (want) {
        ck = e_alloc(c, nck * c->nW);
        if (!ck)
            return nomem(err);
    }
    for (size_t t = 0; t < T; t++) {
        if (want && t % K == 0)
            save_w(c, ck + (t / K) * c->nW);
        rc = fwd_step(c, t, err);
        if (rc != MP_OK)
            return rc;
    }
    double *gW = NULL, *gWin = NULL, *gy = NULL, *ge = NULL, *gtmp = NULL,
           *tmp = NULL, *seg = NULL, **gp = NULL;
    if (want) {
        gW = e_alloc(c, c->nW);
        gWin = e_alloc(c, c->nW);
        gy = e_alloc(c, c->nN);
        ge = e_alloc(c, c->nN);
        gtmp = e_alloc(c, most);
        tmp = e_alloc(c, 2 * most); /* tmp, tmp2 */
        c->most = most;
        seg = e_alloc(c, K * c->rec_size);
        gp = mp_u_calloc(c->nP ? c->nP : 1, sizeof *gp);
        if (!gW || !gWin || !gy || !ge || !gtmp || !tmp || !seg || !gp)
            rc = nomem(err);
        for (size_t j = 0; j < c->nP && rc == MP_OK; j++)
            if (c->ext[j] && !(gp[j] = e_alloc(c, net->P[j].desc->n_params)))
                rc = nomem(err);
    }
    double acc = 0.0;
    double l = rc == MP_OK ? mp_r_rev_query(c, &acc, gW, gy, gtmp) : 0.0;
    if (rc == MP_OK && !isfinite(l))
        rc = mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                      "meta-gradients: the query loss is %g", l);
    for (size_t s = nck; want && rc == MP_OK && s-- > 0;) {
        const size_t t0 = s * K, t1 = t0 + K < T ? t0 + K : T;
        load_w(c, ck + s * c->nW);
        for (size_t t = t0; t < t1 && rc == MP_OK; t++) {
            mp_r_rev_rec r = mp_r_rec_at(c, seg, t - t0);
            save_w(c, r.W);
            rc = fwd_step(c, t, err);
            mp_r_rec_save(c, r);
        }
        for (size_t t = t1; t-- > t0 && rc == MP_OK;) {
            rc = mp_r_rev_step(c, mp_r_rec_at(c, seg, t - t0), gW, gWin, gy, ge,
                               gtmp, tmp, gp, err);
            double *sw = gW;
            gW = gWin;
            gWin = sw;
        }
    }
    if (grad && rc == MP_OK) {
        for (size_t j = 0; j < c->nP; j++) {
            if (!grad[j])
                continue;
            const mp_m_projection *pj = &m->projections[j];
            if (!pj->plasticity)
                continue;
            const mp_rule_desc *d = pj->plasticity->plugin->desc;
            for (uint32_t k = 0; k < d->n_params; k++) {
                double g = (d->params[k].flags & MP_PARAM_COEF) ? gp[j][k] : 0.0;
                if (!isfinite(g))
                    rc = mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                                  "meta-gradients: d loss / d %s of projection "
                                  "'%s' is %g", d->params[k].name, pj->name, g);
                grad[j][k] = g;
            }
        }
    }
    if (want && rc == MP_OK)
        rc = get_array_grads(c, gW, err);
    if (rc == MP_OK) {
        if (loss)
            *loss = l;
        if (accuracy)
            *accuracy = acc;
    }
    mp_u_free(ck);
    mp_u_free(gW);
    mp_u_free(gWin);
    mp_u_free(gy);
    mp_u_free(ge);
    mp_u_free(gtmp);
    mp_u_free(tmp);
    mp_u_free(seg);
    for (size_t j = 0; gp && j < c->nP; j++)
        mp_u_free(gp[j]);
    mp_u_free(gp);
    return rc;
}

/* The engine on a fresh net of m, or (net != NULL) on the caller's. */
static int episode_grad(const mp_model *m, mp_r_net *net, const double *const *params,
                        const mp_r_grad_arrays *arr, const mp_r_episode *ep,
                        double *loss, double *accuracy, double **grad, unsigned flags,
                        mp_r_grad_stats *stats, mp_error *err)
{
    if (!m || !ep)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "meta-gradients: no model or episode");
    mp_r_rev_ctx c;
    memset(&c, 0, sizeof c);
    c.net = net;
    c.net_borrowed = net != NULL;
    c.m = m;
    c.ep = ep;
    c.detach_sym = (flags & MP_R_DETACH_SYMMETRIC) != 0;
    c.arr = arr;
    int rc = run(&c, params, loss, accuracy, grad, err);
    if (stats) {
        size_t T = ep->n_train ? ep->n_train : 1;
        stats->checkpoint_every = isqrt_up(T);
        stats->n_checkpoints = ep->n_train ? (ep->n_train + stats->checkpoint_every - 1) /
                                                 stats->checkpoint_every
                                           : 0;
        stats->weight_doubles = c.nW;
        stats->engine_bytes = c.bytes;
    }
    if (!c.net_borrowed)
        mp_r_net_free(c.net);
    mp_u_free(c.ext);
    mp_u_free(c.par);
    mp_u_free(c.woff);
    mp_u_free(c.noff);
    return rc;
}

int mp_r_episode_grad_arr(const mp_model *m, const double *const *params,
                          const mp_r_grad_arrays *arr, const mp_r_episode *ep,
                          double *loss, double *accuracy, double **grad,
                          unsigned flags, mp_r_grad_stats *stats, mp_error *err)
{
    return episode_grad(m, NULL, params, arr, ep, loss, accuracy, grad, flags, stats,
                        err);
}

int mp_r_episode_grad_net(mp_r_net *net, const double *const *params,
                          const mp_r_grad_arrays *arr, const mp_r_episode *ep,
                          double *loss, double *accuracy, double **grad, mp_error *err)
{
    if (!net)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL, "meta-gradients: no net");
    return episode_grad(net->m, net, params, arr, ep, loss, accuracy, grad, 0, NULL, err);
}

int mp_r_episode_grad_ex(const mp_model *m, const double *const *params,
                         const mp_r_episode *ep, double *loss, double *accuracy,
                         double **grad, unsigned flags, mp_r_grad_stats *stats,
                         mp_error *err)
{
    return mp_r_episode_grad_arr(m, params, NULL, ep, loss, accuracy, grad, flags,
                                 stats, err);
}

int mp_r_episode_grad(const mp_model *m, const double *const *params,
                      const mp_r_episode *ep, double *loss, double *accuracy,
                      double **grad, mp_error *err)
{
    return mp_r_episode_grad_ex(m, params, ep, loss, accuracy, grad, 0, NULL, err);
}
