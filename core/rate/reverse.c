/* The reverse pass of a rate network's online step and of its query loss
 * (docs/meta-gradients.md "The episode adjoint"), beside the forward pass
 * it differentiates (forward.c, errors.c, plasticity.c), with the same
 * activation derivatives (activation.c). The driver, with checkpoints and
 * recomputation, is episode.c.
 */
#include <math.h>
#include <string.h>

#include "rate/rate_int.h"
#include "rate/reverse_int.h"
#include "util/util_int.h"

mp_r_rev_rec mp_r_rec_at(const mp_r_rev_ctx *c, double *base, size_t i)
{
    double *p = base + i * c->rec_size;
    return (mp_r_rev_rec){p,
                          p + c->nW,
                          p + c->nW + c->nN,
                          p + c->nW + 2 * c->nN,
                          p + c->nW + 3 * c->nN,
                          p + c->nW + 4 * c->nN};
}

void mp_r_rec_save(const mp_r_rev_ctx *c, mp_r_rev_rec r)
{
    for (size_t k = 0; k < c->nL; k++) {
        const mp_r_layer *l = &c->net->L[k];
        size_t o = c->noff[k];
        memcpy(r.z + o, l->z, l->n * sizeof(double));
        memcpy(r.y + o, l->y, l->n * sizeof(double));
        memcpy(r.e + o, l->e, l->n * sizeof(double));
        memcpy(r.fp + o, l->fp, l->n * sizeof(double));
    }
    memcpy(r.target, c->net->target, c->net->L[c->nL - 1].n * sizeof(double));
}

/* gy_L += (d e_L / d y_L)^T ge_L, e_L as mp_r_output_error computes it
 * from y = y_L and the target t (d = y - t):
 *   cross_entropy  e = d                      -> gy += ge
 *   mse, softmax   e_i = y_i (d_i - s), s = y.d
 *                  -> gy_k += ge_k (d_k - s + y_k) - (ge.y) (d_k + y_k)
 *   mse, other     e = d . fp(y)              -> gy += ge . (fp + d fp'(y))
 * (fp as activation.c writes f' through y, fp' = mp_r_fp_dy1). */
static void output_error_vjp(const mp_r_rev_ctx *c, const mp_m_population *o,
                             const double *y, const double *t, const double *ge,
                             double *gy, uint32_t n)
{
    if (c->m->training.loss == MP_LOSS_CROSS_ENTROPY) {
        for (uint32_t i = 0; i < n; i++)
            gy[i] += ge[i];
        return;
    }
    if (o->act == MP_ACT_SOFTMAX) {
        double s = 0.0, gey = 0.0;
        for (uint32_t i = 0; i < n; i++) {
            s += y[i] * (y[i] - t[i]);
            gey += ge[i] * y[i];
        }
        for (uint32_t k = 0; k < n; k++) {
            const double d = y[k] - t[k];
            gy[k] += ge[k] * (d - s + y[k]) - gey * (d + y[k]);
        }
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        gy[i] += ge[i] * (mp_r_fp1(o->act, o->beta, y[i]) +
                          (y[i] - t[i]) * mp_r_fp_dy1(o->act, o->beta, y[i]));
}

/* gz = (dy/dz)^T gy for layer l's activation at z, y (softmax: its full
 * Jacobian, y . (gy - y.gy); elementwise: mp_r_act_dz1). */
static void act_vjp(const mp_m_population *a, const double *z, const double *y,
                    const double *gy, double *gz, uint32_t n)
{
    if (a->act == MP_ACT_SOFTMAX) {
        double s = 0.0;
        for (uint32_t i = 0; i < n; i++)
            s += y[i] * gy[i];
        for (uint32_t i = 0; i < n; i++)
            gz[i] = y[i] * (gy[i] - s);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        gz[i] = gy[i] * mp_r_act_dz1(a->act, a->beta, z[i], y[i]);
}

/* d loss / d b_j += gz (z = W y + b): b is constant through the episode. */
static void add_bias_grad(const mp_r_rev_ctx *c, size_t j, const double *gz, uint32_t n)
{
    if (!c->arr || !c->arr->g_bias || !c->arr->g_bias[j])
        return;
    double *gb = c->arr->g_bias[j];
    for (uint32_t i = 0; i < n; i++)
        gb[i] += gz[i];
}

int mp_r_rev_step(mp_r_rev_ctx *c, mp_r_rev_rec r, const double *gW,
                  double *gWin, double *gy, double *ge, double *gtmp,
                  double *tmp, double **gp, mp_error *err)
{
    mp_r_net *net = c->net;
    const size_t L = c->nL - 1;
    double *tmp2 = tmp + c->most;
    memset(gWin, 0, c->nW * sizeof(double));
    memset(gy, 0, c->nN * sizeof(double));
    memset(ge, 0, c->nN * sizeof(double));
    /* 1. the updates W_{t+1} = W_t + dW_t */
    for (size_t j = 0; j < c->nP; j++) {
        const mp_r_proj *p = &net->P[j];
        const size_t o = c->woff[j], n = c->woff[j + 1] - o;
        if (!c->ext[j]) {
            for (size_t i = 0; i < n; i++)
                gWin[o + i] += gW[o + i];
            continue;
        }
        mp_p_rule *rule = p->rule; /* its parameters, scratch and error sink */
        mp_rate_io io = rule->rio;
        io.W = r.W + o;
        io.y_pre = r.y + c->noff[p->pre];
        io.y_post = r.y + c->noff[p->post];
        io.e_pre = r.e + c->noff[p->pre];
        io.e_post = r.e + c->noff[p->post];
        /* per-synapse gradients go to the instance's g_syn buffers (NULL
         * where the parameter is a scalar) */
        const mp_rate_adj adj = {(uint32_t)sizeof adj, gW + o, gp[j],
                                 (double *const *)rule->g_syn, gWin + o,
                                 gy + c->noff[p->pre], gy + c->noff[p->post],
                                 ge + c->noff[p->pre], ge + c->noff[p->post]};
        mp_error_clear(&rule->err);
        int rc = p->desc->step_vjp(&io, &adj);
        if (rc != 0)
            return mp_u_err(err, rc > 0 ? MP_EUNSTABLE : MP_EPLUGIN, NULL, 0, 0,
                            NULL, "projection '%s' (rule %s): step_vjp returned "
                            "%d%s%s", p->m->name, p->desc->name, rc,
                            rule->err.text[0] ? ": " : "", rule->err.text);
    }
    /* 2. the errors, in the reverse of mp_r_backward's order */
    for (size_t k = 1; k <= L; k++) {
        const mp_r_proj *p = &net->P[net->L[k].ff];
        const size_t pre = k - 1, op = c->noff[pre], n = p->n_pre;
        if (k == 1 && !c->m->training.synthetic_e0)
            continue;
        const mp_m_feedback fb = p->m->feedback;
        if (fb == MP_FB_NONE)
            continue;
        const double *M = fb == MP_FB_SYMMETRIC ? r.W + c->woff[net->L[k].ff] : p->B;
        const uint32_t rows = fb == MP_FB_DIRECT ? p->b_rows : p->n_post;
        const size_t src = fb == MP_FB_DIRECT ? L : k;
        const double *ek = r.e + c->noff[src];
        double *gek = ge + c->noff[src];
        const mp_m_population *a = pre == 0 ? net->L[1].m : net->L[pre].m;
        /* e_pre = (gain M^T e) . fp (errors.c) */
        const size_t jff = net->L[k].ff;
        const double gain = p->gain;
        double *g_gain = c->arr && c->arr->g_gain ? &c->arr->g_gain[jff] : NULL;
        for (size_t i = 0; i < n; i++)
            gtmp[i] = (ge[op + i] * r.fp[op + i]) * gain;
        /* tmp2 = M g_t; tmp = M^T e (what the forward pass multiplied by
         * fp; not needed for e_0, whose y_0 is the input, unless the gain's
         * gradient is wanted) */
        if (pre >= 1 || g_gain) {
            mp_r_gemv_tn(M, ek, tmp, gtmp, tmp2, rows, (uint32_t)n);
            for (size_t i = 0; pre >= 1 && i < n; i++)
                gy[op + i] += ge[op + i] * (gain * tmp[i]) *
                              mp_r_fp_dy1(a->act, a->beta, r.y[op + i]);
            for (size_t i = 0; g_gain && i < n; i++)
                *g_gain += ge[op + i] * tmp[i] * r.fp[op + i];
        } else {
            mp_r_gemv(M, gtmp, tmp2, rows, (uint32_t)n);
        }
        for (uint32_t q = 0; q < rows; q++)
            gek[q] += tmp2[q];
        if (fb == MP_FB_SYMMETRIC && !c->detach_sym)
            mp_r_ger(gWin + c->woff[net->L[k].ff], ek, gtmp, rows, (uint32_t)n);
        /* e_pre = (B^T e) . fp: d/dB += e g_t^T, accumulated over the steps
         * (B is constant through the episode) */
        if (fb != MP_FB_SYMMETRIC && c->arr && c->arr->gB && c->arr->gB[net->L[k].ff])
            mp_r_ger(c->arr->gB[net->L[k].ff], ek, gtmp, rows, (uint32_t)n);
    }
    output_error_vjp(c, net->L[L].m, r.y + c->noff[L], r.target, ge + c->noff[L],
                     gy + c->noff[L], net->L[L].n);
    /* 3. the forward pass z_k = W_k y_{k-1}, y_k = f(z_k) */
    for (size_t k = L; k >= 1; k--) {
        const mp_r_layer *l = &net->L[k];
        const size_t ff = l->ff, ok = c->noff[k], op = c->noff[k - 1];
        const uint32_t m = l->n, n = net->P[ff].n_pre;
        double *gz = tmp;
        act_vjp(l->m, r.z + ok, r.y + ok, gy + ok, gz, m);
        add_bias_grad(c, ff, gz, m);
        const double *W = r.W + c->woff[ff];
        double *gw = gWin + c->woff[ff];
        const double *x = r.y + op;
        mp_r_ger(gw, gz, x, m, n);
        if (k >= 2) {
            mp_r_gemv_t(W, gz, gtmp, m, n);
            for (uint32_t i = 0; i < n; i++)
                gy[op + i] += gtmp[i];
        }
    }
    return MP_OK;
}

double mp_r_rev_query(mp_r_rev_ctx *c, double *acc, double *gW, double *gy,
                      double *gz)
{
    mp_r_net *net = c->net;
    const mp_r_episode *ep = c->ep;
    const mp_dataset *ds = ep->data;
    const size_t L = c->nL - 1;
    const mp_r_layer *o = &net->L[L];
    const int ce = c->m->training.loss == MP_LOSS_CROSS_ENTROPY;
    double sum = 0.0;
    size_t right = 0;
    const double inv = 1.0 / (double)ep->n_query;
    for (size_t q = 0; q < ep->n_query; q++) {
        sum += mp_r_score(net, ds, ep->query[q], mp_r_ep_label(ep, ep->query_label, q),
                          &right);
        if (!gW)
            continue;
        /* dL/dz_L: softmax + cross-entropy y - t; mse (y - t) through the
         * output activation */
        for (uint32_t i = 0; i < o->n; i++)
            (ce ? gz : gy)[i] = (o->y[i] - net->target[i]) * inv;
        if (!ce)
            act_vjp(o->m, o->z, o->y, gy, gz, o->n);
        for (size_t k = L; k >= 1; k--) {
            const mp_r_layer *l = &net->L[k];
            const mp_r_proj *p = &net->P[l->ff];
            double *gw = gW + c->woff[l->ff];
            const double *x = net->L[k - 1].y;
            mp_r_ger(gw, gz, x, l->n, p->n_pre);
            add_bias_grad(c, l->ff, gz, l->n);
            if (k == 1)
                break;
            const mp_r_layer *pl = &net->L[k - 1];
            mp_r_gemv_t(p->W, gz, gy, l->n, p->n_pre);
            act_vjp(pl->m, pl->z, pl->y, gy, gz, pl->n);
        }
    }
    if (acc)
        *acc = ds->target ? NAN : (double)right * inv;
    return sum * inv;
}
