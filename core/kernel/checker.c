/* The guard: NaN/Inf states, weights that became NaN/Inf or left the
 * projection's [w_min, w_max]. Weights touched by a hook are checked after
 * the hook (only the rows / columns it was told about); every 100 ms of
 * simulated time everything is scanned. */
#include <math.h>

#include "kernel/kernel_int.h"
#include "util/util_int.h"

static int bad_weight(mp_k_net *net, mp_k_proj *pj, uint32_t k, mp_error *err)
{
    double w = pj->w[k];
    double t = (double)net->steps * net->dt;
    if (net->steps > 0)
        t = mp_k_time(net, net->steps - 1);
    const char *rule = pj->desc ? pj->desc->name : "none";
    if (isnan(w) || isinf(w))
        return mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                        "projection '%s' (rule %s): weight %u became %s at t = %.10g ms",
                        pj->m->name, rule, k, isnan(w) ? "NaN" : "Inf", t);
    return mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                    "projection '%s' (rule %s): weight %u = %.9g left the guard "
                    "[%g, %g] at t = %.10g ms",
                    pj->m->name, rule, k, w, pj->m->w_min, pj->m->w_max, t);
}

static inline int ok(double w, double lo, double hi)
{
    return w >= lo && w <= hi && fabs(w) <= 1.79e308;
}

int mp_k_check_weights(mp_k_net *net, mp_k_proj *pj, const uint32_t *idx, size_t n,
                       int by_post, mp_error *err)
{
    const double lo = pj->m->w_min, hi = pj->m->w_max;
    const double *w = pj->w;
    if (!idx) {
        for (size_t k = 0; k < pj->syn.nnz; k++)
            if (!ok(w[k], lo, hi))
                return bad_weight(net, pj, (uint32_t)k, err);
        return MP_OK;
    }
    for (size_t s = 0; s < n; s++) {
        uint32_t i = idx[s];
        if (!by_post) {
            for (uint32_t k = pj->pre_ptr[i]; k < pj->pre_ptr[i + 1]; k++)
                if (!ok(w[k], lo, hi))
                    return bad_weight(net, pj, k, err);
        } else {
            for (uint32_t q = pj->post_ptr[i]; q < pj->post_ptr[i + 1]; q++) {
                uint32_t k = pj->post_syn[q];
                if (!ok(w[k], lo, hi))
                    return bad_weight(net, pj, k, err);
            }
        }
    }
    return MP_OK;
}

int mp_k_check_states(mp_k_net *net, mp_error *err)
{
    for (size_t i = 0; i < net->n_pops; i++) {
        const mp_k_pop *p = &net->pops[i];
        for (uint32_t k = 0; k < p->n; k++) {
            double s = p->V[k] + p->g_ex[k] + p->g_in[k];
            if (isnan(s) || isinf(s))
                return mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                                "population '%s': neuron %u has V = %g, g_ex = %g, "
                                "g_in = %g at t = %.10g ms",
                                p->m->name, k, p->V[k], p->g_ex[k], p->g_in[k],
                                mp_k_net_time(net));
        }
    }
    for (size_t j = 0; j < net->n_projs; j++) {
        mp_k_proj *pj = &net->projs[j];
        if (!pj->desc)
            continue;
        int rc = mp_k_check_weights(net, pj, NULL, 0, 0, err);
        if (rc != MP_OK)
            return rc;
    }
    return MP_OK;
}
