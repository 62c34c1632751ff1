/* The target of the current sample (one-hot of its label, or its row of
 * the data set's regression targets), the loss and output error against
 * it, and the errors carried upstream by each projection's feedback mode
 * (docs/rate-networks.md "Errors"):
 *   symmetric     e_{l-1} = (W_l^T e_l) . f'(z_{l-1})   exact backprop
 *   fixed_random  e_{l-1} = (B_l^T e_l) . f'(z_{l-1})   feedback alignment
 *   direct        e_{l-1} = (B_l^T e_L) . f'(z_{l-1})   DFA, B_l: n_L x n_{l-1}
 *   none          e_{l-1} = 0
 * down to the synthetic e_0 of the input (Shervani-Tabar et al. eq. 24),
 * whose f' is the first hidden layer's written through y_0. Lateral
 * matrices carry no error. Also what every scoring loop shares: the
 * score of one sample (mp_r_score) and the alignment between e and e^BP. */
#include <math.h>
#include <string.h>

#include "rate/rate_int.h"
#include "stimuli/dataset_int.h"

void mp_r_target_label(mp_r_net *net, int32_t label)
{
    const mp_r_layer *o = &net->L[net->nL - 1];
    memset(net->target, 0, o->n * sizeof(double));
    if (label >= 0 && (uint32_t)label < o->n)
        net->target[label] = 1.0;
    net->label = label;
}

void mp_r_target_sample(mp_r_net *net, const mp_dataset *d, size_t idx, int32_t label)
{
    if (!d->target) {
        mp_r_target_label(net, label);
        return;
    }
    /* the loader and the episode checks make target_dim = n_L */
    memcpy(net->target, d->target + idx * d->target_dim,
           net->L[net->nL - 1].n * sizeof(double));
    net->label = -1;
}

double mp_r_loss(const mp_r_net *net)
{
    const mp_r_layer *o = &net->L[net->nL - 1];
    if (net->m->training.loss == MP_LOSS_CROSS_ENTROPY) {
        double p = o->y[net->label];
        return -log(p > 1e-300 ? p : 1e-300);
    }
    double s = 0.0;
    for (uint32_t i = 0; i < o->n; i++) {
        double d = o->y[i] - net->target[i];
        s += d * d;
    }
    return 0.5 * s;
}

void mp_r_output_error(mp_r_net *net)
{
    mp_r_layer *o = &net->L[net->nL - 1];
    if (net->m->training.loss == MP_LOSS_CROSS_ENTROPY) {
        /* softmax + cross-entropy (the loader insists on softmax) */
        for (uint32_t i = 0; i < o->n; i++)
            o->e[i] = o->y[i] - net->target[i];
        return;
    }
    if (o->m->act == MP_ACT_SOFTMAX) { /* the full Jacobian: y . (d - y.d) */
        double yd = 0.0;
        for (uint32_t i = 0; i < o->n; i++)
            yd += o->y[i] * (o->y[i] - net->target[i]);
        for (uint32_t i = 0; i < o->n; i++)
            o->e[i] = o->y[i] * ((o->y[i] - net->target[i]) - yd);
        return;
    }
    mp_r_act_deriv(o->m->act, o->m->beta, o->y, o->fp, o->n);
    for (uint32_t i = 0; i < o->n; i++)
        o->e[i] = (o->y[i] - net->target[i]) * o->fp[i];
}

/* f' of every layer below the output. */
static void derivs(mp_r_net *net)
{
    for (size_t k = 0; k + 1 < net->nL; k++) {
        mp_r_layer *l = &net->L[k];
        const mp_m_population *a = k == 0 ? net->L[1].m : l->m;
        mp_r_act_deriv(a->act, a->beta, l->y, l->fp, l->n);
    }
}

static void times_fp(double *e, const double *g, const double *fp, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        e[i] = g[i] * fp[i];
}

/* e = (gain g) . fp; gain 1 is exactly times_fp */
static void gain_times_fp(double *e, double gain, const double *g, const double *fp,
                          uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        e[i] = (gain * g[i]) * fp[i];
}

void mp_r_backward(mp_r_net *net)
{
    derivs(net);
    const mp_r_layer *out = &net->L[net->nL - 1];
    for (size_t k = net->nL - 1; k >= 1; k--) {
        const mp_r_proj *p = &net->P[net->L[k].ff];
        mp_r_layer *pre = &net->L[k - 1];
        if (k == 1 && !net->m->training.synthetic_e0) {
            memset(pre->e, 0, pre->n * sizeof(double));
            break;
        }
        switch (p->m->feedback) {
        case MP_FB_SYMMETRIC:
            mp_r_gemv_t(p->W, net->L[k].e, net->tmp, p->n_post, p->n_pre);
            break;
        case MP_FB_FIXED_RANDOM:
            mp_r_gemv_t(p->B, net->L[k].e, net->tmp, p->n_post, p->n_pre);
            break;
        case MP_FB_DIRECT:
            mp_r_gemv_t(p->B, out->e, net->tmp, p->b_rows, p->n_pre);
            break;
        case MP_FB_NONE:
            memset(net->tmp, 0, p->n_pre * sizeof(double));
            break;
        }
        gain_times_fp(pre->e, p->gain, net->tmp, pre->fp, pre->n);
    }
}

void mp_r_backward_bp(mp_r_net *net)
{
    derivs(net);
    mp_r_layer *out = &net->L[net->nL - 1];
    memcpy(out->ebp, out->e, out->n * sizeof(double));
    for (size_t k = net->nL - 1; k >= 1; k--) {
        const mp_r_proj *p = &net->P[net->L[k].ff];
        mp_r_layer *pre = &net->L[k - 1];
        mp_r_gemv_t(p->W, net->L[k].ebp, net->tmp, p->n_post, p->n_pre);
        times_fp(pre->ebp, net->tmp, pre->fp, pre->n);
    }
}

double mp_r_score(mp_r_net *net, const mp_dataset *d, size_t idx, int32_t label,
                  size_t *right)
{
    const mp_r_layer *o = &net->L[net->nL - 1];
    mp_r_forward(net, d->x + idx * d->dim);
    mp_r_target_sample(net, d, idx, label);
    if (net->label >= 0) {
        uint32_t best = 0;
        for (uint32_t k = 1; k < o->n; k++)
            best = o->y[k] > o->y[best] ? k : best;
        *right += (int32_t)best == net->label;
    }
    return mp_r_loss(net);
}

void mp_r_align_add(const mp_r_net *net, double *se, double *sb)
{
    size_t off = 0;
    for (size_t k = 0; k < net->nL; k++) {
        const mp_r_layer *l = &net->L[k];
        for (uint32_t q = 0; q < l->n; q++) {
            se[off + q] += l->e[q];
            sb[off + q] += l->ebp[q];
        }
        off += l->n;
    }
}

double mp_r_angle_deg(double dot, double na, double nb)
{
    if (!(na > 0) || !(nb > 0))
        return 0.0;
    double c = dot / (sqrt(na) * sqrt(nb));
    c = c > 1 ? 1 : c < -1 ? -1 : c; /* rounding may step past +-1 */
    return acos(c) * (180.0 / 3.14159265358979323846);
}
