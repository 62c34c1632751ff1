/* Instantiating a rate model: layers in chain order, W of every projection
 * (stream MP_STREAM_WEIGHTS, j), B of fixed_random / direct feedback
 * (MP_STREAM_FEEDBACK, j), rule states (MP_STREAM_RULE, j), the data order
 * (MP_STREAM_DATA, 2). Draw order inside a matrix: row-major. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "rate/rate_int.h"
#include "stimuli/dataset_int.h"
#include "util/init_draw.h"
#include "util/util_int.h"

static int nomem(mp_error *err)
{
    return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

static int init_layers(mp_r_net *net)
{
    const mp_model *m = net->m;
    net->nL = m->chain.n_order;
    net->L = mp_u_calloc(net->nL, sizeof *net->L);
    if (!net->L)
        return MP_ENOMEM;
    uint32_t most = 1;
    for (size_t k = 0; k < net->nL; k++) {
        mp_r_layer *l = &net->L[k];
        size_t pi = m->chain.order[k];
        l->m = &m->populations[pi];
        l->n = (uint32_t)l->m->size;
        l->ff = m->chain.ff_into[pi];
        l->lat = m->chain.lat_of[pi];
        most = l->n > most ? l->n : most;
        l->z = mp_u_calloc(l->n, sizeof(double));
        l->y = mp_u_calloc(l->n, sizeof(double));
        l->e = mp_u_calloc(l->n, sizeof(double));
        l->ebp = mp_u_calloc(l->n, sizeof(double));
        l->fp = mp_u_calloc(l->n, sizeof(double));
        if (!l->z || !l->y || !l->e || !l->ebp || !l->fp)
            return MP_ENOMEM;
    }
    net->tmp = mp_u_calloc(most, sizeof(double));
    net->target = mp_u_calloc(net->L[net->nL - 1].n, sizeof(double));
    return net->tmp && net->target ? MP_OK : MP_ENOMEM;
}

/* Position of population pi in the chain. */
static size_t pos_of(const mp_model *m, size_t pi)
{
    for (size_t k = 0; k < m->chain.n_order; k++)
        if (m->chain.order[k] == pi)
            return k;
    return 0;
}

/* W (and B) of projection j from their streams, into the arrays it has;
 * the seam's W0 and B (mp_r_net_set_array) instead where given. */
static int draw_proj(mp_r_net *net, size_t j)
{
    const mp_m_projection *mj = &net->m->projections[j];
    mp_r_proj *p = &net->P[j];
    if (p->W0_set) {
        memcpy(p->W, p->W0_set, (size_t)p->n_post * p->n_pre * sizeof(double));
    } else {
        if (mp_u_init_fill(p->W, p->n_post, p->n_pre, &mj->weight,
                           mp_u_stream_seed(net->seed, MP_STREAM_WEIGHTS, j)) != MP_OK)
            return MP_ENOMEM;
        if (mj->lateral) /* strictly lower triangular */
            for (uint32_t a = 0; a < p->n_post; a++)
                for (uint32_t b = a; b < p->n_pre; b++)
                    p->W[(size_t)a * p->n_pre + b] = 0.0;
    }
    if (p->b && p->b_set)
        memcpy(p->b, p->b_set, p->n_post * sizeof(double));
    else if (p->b && mp_u_init_fill(p->b, 1, p->n_post, &mj->bias,
                                    mp_u_stream_seed(net->seed, MP_STREAM_BIAS, j)) != MP_OK)
        return MP_ENOMEM;
    if (p->B && p->B_set)
        memcpy(p->B, p->B_set, (size_t)p->b_rows * p->n_pre * sizeof(double));
    else if (p->B && mp_u_init_fill(p->B, p->b_rows, p->n_pre, &mj->feedback_weight,
                                    mp_u_stream_seed(net->seed, MP_STREAM_FEEDBACK, j)) !=
                         MP_OK)
        return MP_ENOMEM;
    return MP_OK;
}

static int init_proj(mp_r_net *net, size_t j, mp_error *err)
{
    const mp_model *m = net->m;
    const mp_m_projection *mj = &m->projections[j];
    mp_r_proj *p = &net->P[j];
    p->m = mj;
    p->pre = pos_of(m, m->sources[mj->source].index);
    p->post = pos_of(m, mj->target);
    p->n_pre = net->L[p->pre].n;
    p->n_post = net->L[p->post].n;
    p->gain = mj->feedback_gain;
    p->W = mp_u_malloc((size_t)p->n_pre * p->n_post * sizeof(double));
    if (!p->W)
        return mp_u_mem_fail(err, (size_t)p->n_pre * p->n_post * sizeof(double), m->file,
                             NULL, "its weights", "projection '%s' (%u x %u weights)",
                             mj->name, p->n_post, p->n_pre);
    if (mj->feedback == MP_FB_FIXED_RANDOM || mj->feedback == MP_FB_DIRECT) {
        p->b_rows = mj->feedback == MP_FB_DIRECT ? net->L[net->nL - 1].n : p->n_post;
        p->B = mp_u_malloc((size_t)p->b_rows * p->n_pre * sizeof(double));
        if (!p->B)
            return nomem(err);
    }
    if (mj->has_bias && !(p->b = mp_u_malloc(p->n_post * sizeof(double))))
        return nomem(err);
    if (draw_proj(net, j) != MP_OK)
        return nomem(err);
    if (!mj->plasticity)
        return MP_OK;
    size_t ns;
    int rc = mp_m_check_rule_state(m, j, p->n_pre, p->n_post, &ns, err);
    if (rc == MP_OK)
        rc = mp_p_rule_new(mj->plasticity, p->n_pre, p->n_post,
                           mp_u_stream_seed(net->seed, MP_STREAM_RULE, j), m->file,
                           mj->name, &p->rule, err);
    if (rc != MP_OK)
        return rc;
    p->desc = p->rule->desc;
    const int sup = m->training.loss != MP_LOSS_NONE;
    mp_p_rule_bind_rate(p->rule, p->W, net->L[p->pre].y, net->L[p->post].y,
                        sup ? net->L[p->pre].e : NULL, sup ? net->L[p->post].e : NULL);
    return MP_OK;
}

int mp_r_net_new(const mp_model *m, uint64_t seed, mp_r_net **out, mp_error *err)
{
    *out = NULL;
    gsl_set_error_handler_off();
    /* the loader has checked them too; a caller may have changed the model */
    int rc0 = mp_m_check_sizes(m, NULL, err);
    if (rc0 != MP_OK)
        return rc0;
    mp_r_net *net = mp_u_calloc(1, sizeof *net);
    if (!net)
        return nomem(err);
    net->m = m;
    net->seed = seed;
    net->train = m->data.train;
    net->rotation = m->data.rotation;
    int rc = init_layers(net) == MP_OK ? MP_OK : nomem(err);
    net->nP = m->n_projections;
    if (rc == MP_OK && !(net->P = mp_u_calloc(net->nP, sizeof *net->P)))
        rc = nomem(err);
    for (size_t j = 0; j < net->nP && rc == MP_OK; j++)
        rc = init_proj(net, j, err);
    size_t n = m->data.train->n;
    if (rc == MP_OK) {
        net->perm = mp_u_malloc((n ? n : 1) * sizeof *net->perm);
        net->order_rng =
            mp_u_rng_new(MP_U_RNG_TAUS2, mp_u_stream_seed(seed, MP_STREAM_DATA, 2));
        if (!net->perm || !net->order_rng)
            rc = nomem(err);
    }
    /* rules: reset once the weights are drawn, before the first sample */
    for (size_t j = 0; j < net->nP && rc == MP_OK; j++)
        if (net->P[j].rule)
            rc = mp_p_rule_reset(net->P[j].rule, mp_u_stream_seed(seed, MP_STREAM_RULE, j),
                                 err);
    if (rc != MP_OK) {
        mp_r_net_free(net);
        return rc;
    }
    *out = net;
    return MP_OK;
}

int mp_r_net_reset(mp_r_net *net, uint64_t seed, mp_error *err)
{
    if (net->recs)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "a net cannot be reset while its recorders are open: "
                        "close them first (mp_net_close_recorders)");
    net->seed = seed;
    for (size_t k = 0; k < net->nL; k++) {
        mp_r_layer *l = &net->L[k];
        memset(l->z, 0, l->n * sizeof(double));
        memset(l->y, 0, l->n * sizeof(double));
        memset(l->e, 0, l->n * sizeof(double));
        memset(l->ebp, 0, l->n * sizeof(double));
        memset(l->fp, 0, l->n * sizeof(double));
    }
    memset(net->target, 0, net->L[net->nL - 1].n * sizeof(double));
    net->label = 0; /* as calloc left it */
    net->seen = 0;
    net->last_acc = net->last_loss = 0.0;
    net->has_eval = 0;
    net->wall = 0.0;
    mp_u_rng_seed(net->order_rng, mp_u_stream_seed(seed, MP_STREAM_DATA, 2));
    int rc = MP_OK;
    for (size_t j = 0; j < net->nP && rc == MP_OK; j++)
        if (draw_proj(net, j) != MP_OK)
            rc = nomem(err);
    for (size_t j = 0; j < net->nP && rc == MP_OK; j++)
        if (net->P[j].rule)
            rc = mp_p_rule_reset(net->P[j].rule, mp_u_stream_seed(seed, MP_STREAM_RULE, j),
                                 err);
    return rc;
}

const double *mp_r_net_rule_params(const mp_r_net *net, size_t j)
{
    return j < net->nP && net->P[j].rule ? net->P[j].rule->params : NULL;
}

int mp_r_net_set_rule_params(mp_r_net *net, size_t j, const double *p, mp_error *err)
{
    if (j >= net->nP || !net->P[j].rule)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection %zu has no plasticity rule", j);
    return mp_p_rule_set_params(net->P[j].rule, p, err);
}

int mp_r_net_set_array(mp_r_net *net, int what, size_t j, uint32_t k, const double *v,
                       size_t n, mp_error *err)
{
    if (j >= net->nP)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL, "no projection %zu", j);
    mp_r_proj *p = &net->P[j];
    if (what == MP_R_ARR_PARAM) {
        if (!p->rule)
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "projection '%s' has no plasticity rule", p->m->name);
        return mp_p_rule_set_param_array(p->rule, k, v, n, err);
    }
    if (what == MP_R_ARR_GAIN) {
        if (n != 1)
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "projection '%s': the feedback gain is one number, got %zu",
                            p->m->name, n);
        p->gain = v ? v[0] : p->m->feedback_gain;
        return MP_OK;
    }
    if (what == MP_R_ARR_BIAS) {
        if (v && n != p->n_post)
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "projection '%s': bias needs %u values, got %zu", p->m->name,
                            p->n_post, n);
        if (!v) {
            mp_u_free(p->b_set);
            p->b_set = NULL;
            if (!p->m->has_bias) {
                mp_u_free(p->b);
                p->b = NULL;
            }
            return MP_OK;
        }
        if (!p->b && !(p->b = mp_u_malloc((p->n_post ? p->n_post : 1) * sizeof(double))))
            return nomem(err);
        if (!p->b_set &&
            !(p->b_set = mp_u_malloc((p->n_post ? p->n_post : 1) * sizeof(double))))
            return nomem(err);
        memcpy(p->b_set, v, n * sizeof(double));
        return MP_OK;
    }
    if (what == MP_R_ARR_B && !p->B)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s' has no feedback weights (feedback is not "
                        "fixed_random or direct)", p->m->name);
    double **slot = what == MP_R_ARR_W0 ? &p->W0_set : &p->B_set;
    const uint32_t rows = what == MP_R_ARR_W0 ? p->n_post : p->b_rows;
    const size_t want = (size_t)rows * p->n_pre;
    if (!v) {
        mp_u_free(*slot);
        *slot = NULL;
        return MP_OK;
    }
    if (n != want)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s': %s needs %u x %u = %zu values, got %zu",
                        p->m->name, what == MP_R_ARR_W0 ? "weights" : "feedback_weights",
                        rows, p->n_pre, want, n);
    if (!*slot && !(*slot = mp_u_malloc((want ? want : 1) * sizeof(double))))
        return mp_u_mem_fail(err, want * sizeof(double), net->m->file, NULL,
                             "an array meta-parameter", "projection '%s'", p->m->name);
    memcpy(*slot, v, want * sizeof(double));
    return MP_OK;
}

int mp_r_net_get_array(const mp_r_net *net, int what, size_t j, uint32_t k, double *v,
                       size_t cap, size_t *n, mp_error *err)
{
    if (j >= net->nP)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL, "no projection %zu", j);
    const mp_r_proj *p = &net->P[j];
    const size_t syn = (size_t)p->n_post * p->n_pre;
    if (what == MP_R_ARR_B && !p->B)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s' has no feedback weights (feedback is not "
                        "fixed_random or direct)", p->m->name);
    if (what == MP_R_ARR_PARAM && (!p->rule || k >= p->desc->n_params))
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s' has no rule parameter %u", p->m->name, k);
    *n = what == MP_R_ARR_W0     ? syn
         : what == MP_R_ARR_B    ? (size_t)p->b_rows * p->n_pre
         : what == MP_R_ARR_PARAM ? syn
         : what == MP_R_ARR_GAIN ? 1
                                 : p->n_post;
    if (!v)
        return MP_OK;
    if (cap < *n)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s': room for %zu values, %zu needed", p->m->name,
                        cap, *n);
    const double *src = what == MP_R_ARR_W0 ? p->W : what == MP_R_ARR_B ? p->B
                        : what == MP_R_ARR_BIAS ? p->b : NULL;
    if (src)
        memcpy(v, src, *n * sizeof(double));
    else if (what == MP_R_ARR_BIAS)
        memset(v, 0, *n * sizeof(double));
    else
        for (size_t i = 0; i < *n; i++)
            v[i] = what == MP_R_ARR_GAIN ? p->gain : mp_r_net_rule_params(net, j)[k];
    return MP_OK;
}

void mp_r_net_free(mp_r_net *net)
{
    if (!net)
        return;
    mp_r_close_recorders(net, NULL);
    for (size_t j = 0; j < net->nP && net->P; j++) {
        mp_u_free(net->P[j].W);
        mp_u_free(net->P[j].B);
        mp_u_free(net->P[j].W0_set);
        mp_u_free(net->P[j].B_set);
        mp_u_free(net->P[j].b);
        mp_u_free(net->P[j].b_set);
        mp_p_rule_free(net->P[j].rule);
    }
    mp_u_free(net->P);
    for (size_t k = 0; k < net->nL && net->L; k++) {
        mp_u_free(net->L[k].z);
        mp_u_free(net->L[k].y);
        mp_u_free(net->L[k].e);
        mp_u_free(net->L[k].ebp);
        mp_u_free(net->L[k].fp);
    }
    mp_u_free(net->L);
    mp_u_free(net->tmp);
    mp_u_free(net->target);
    mp_u_free(net->perm);
    mp_u_rng_free(net->order_rng);
    mp_u_free(net);
}
