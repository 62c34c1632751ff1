/* The "optimizer" section of an experiment file (docs/meta.md): Adam with
 * exact or finite-difference gradients, or CMA-ES; and what each accepts of
 * the free parameters (exact gradients: coefficients only; finite
 * differences and CMA-ES: at most MP_X_FD_MAX_DIM / MP_X_CMAES_MAX_DIM
 * dimensions). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "meta/meta_int.h"
#include "model/load_int.h"

/* Refuses what the chosen optimizer cannot do with the free parameters. */
static int fits(mp_m_ctx *c, const mp_experiment *x)
{
    size_t n = x->dim;
    if (x->opt == MP_X_OPT_ADAM && x->gradient == MP_X_GRAD_EXACT) {
        for (size_t i = 0; i < x->n_free; i++)
            if (!x->free[i].coef)
                return mp_m_fail_key(c, "gradient", MP_EINVAL, "free parameter '%s' "
                                     "is not a coefficient (MP_PARAM_COEF): the rules' "
                                     "derivative hooks give exact gradients of "
                                     "coefficients only (docs/meta.md \"Limits "
                                     "today\"); use \"finite_difference\" or CMA-ES "
                                     "for it",
                                     x->free[i].name);
    }
    for (size_t i = 0; i < x->n_free; i++)
        if (x->free[i].array && !(x->opt == MP_X_OPT_ADAM &&
                                  x->gradient == MP_X_GRAD_EXACT))
            return mp_m_fail_key(c, x->opt == MP_X_OPT_ADAM ? "gradient" : "kind",
                                 MP_EINVAL, "free entry '%s' is an array "
                                 "meta-parameter: arrays are optimized by Adam with "
                                 "exact gradients only (\"kind\": \"adam\", "
                                 "\"gradient\": \"exact\")", x->free[i].name);
    if (x->opt == MP_X_OPT_ADAM && x->gradient != MP_X_GRAD_EXACT &&
        n > MP_X_FD_MAX_DIM) {
        return mp_m_fail_key(c, "gradient", MP_EINVAL, "%zu free dimensions are more "
                             "than finite differences take (at most %d: each step "
                             "costs 2n evaluations, and their noise grows with n); use "
                             "\"gradient\": \"exact\" with Adam", n, MP_X_FD_MAX_DIM);
    } else if (x->opt == MP_X_OPT_CMAES && n > MP_X_CMAES_MAX_DIM) {
        return mp_m_fail_key(c, "kind", MP_EINVAL, "%zu free dimensions are more than "
                             "CMA-ES takes (at most %d: it keeps an n x n covariance, "
                             "decomposes it in O(n^3) and needs far more generations "
                             "as n grows); use Adam with \"gradient\": \"exact\"", n,
                             MP_X_CMAES_MAX_DIM);
    }
    return MP_OK;
}

int mp_x_parse_optimizer(mp_m_ctx *c, mp_experiment *x, const json_t *root)
{
    static const char *const kinds[] = {"adam", "cmaes", NULL};
    static const char *const grads[] = {"exact", "finite_difference", NULL};
    static const char *const akeys[] = {"kind", "lr", "betas", "eps", "gradient",
                                        "fd_step", "clip", "per_coefficient_lr", NULL};
    static const char *const ckeys[] = {"kind", "sigma", "population", NULL};
    static const double lr = 1e-3, eps = 1e-8, h = 1e-4, sig = 1e-3;
    json_t *v = json_object_get(root, "optimizer");
    if (!v)
        return mp_m_fail_key(c, "optimizer", MP_EINVAL, "missing key 'optimizer'");
    size_t old = mp_m_push_key(c, "optimizer");
    int k = 0, rc = json_is_object(v) ? mp_m_enum(c, v, "kind", kinds, -1, &k)
                                      : mp_m_fail(c, MP_EINVAL, "expected an object");
    x->opt = (mp_x_opt_kind)k;
    if (rc == MP_OK)
        rc = mp_m_object(c, v, k == 0 ? "adam optimizer" : "cmaes optimizer",
                         k == 0 ? akeys : ckeys);
    if (rc != MP_OK)
        goto out;
    if (x->opt == MP_X_OPT_ADAM) {
        int g = 1;
        rc = mp_m_num(c, v, "lr", &lr, MP_M_GT(0), NULL, &x->lr);
        x->beta1 = 0.9;
        x->beta2 = 0.999;
        json_t *b = json_object_get(v, "betas");
        if (rc == MP_OK && b) {
            size_t ob = mp_m_push_key(c, "betas");
            if (!json_is_array(b) || json_array_size(b) != 2 ||
                !json_is_number(json_array_get(b, 0)) ||
                !json_is_number(json_array_get(b, 1)))
                rc = mp_m_fail(c, MP_EINVAL, "expected [beta1, beta2]");
            else {
                x->beta1 = json_number_value(json_array_get(b, 0));
                x->beta2 = json_number_value(json_array_get(b, 1));
                if (!(x->beta1 >= 0 && x->beta1 < 1 && x->beta2 >= 0 && x->beta2 < 1))
                    rc = mp_m_fail(c, MP_EINVAL, "betas must lie in [0, 1)");
            }
            mp_m_pop(c, ob);
        }
        if (rc == MP_OK)
            rc = mp_m_num(c, v, "eps", &eps, MP_M_GE(0), NULL, &x->eps);
        if (rc == MP_OK)
            rc = mp_m_enum(c, v, "gradient", grads, 1, &g);
        x->gradient = (mp_x_grad_kind)g;
        if (rc == MP_OK)
            rc = mp_m_num(c, v, "fd_step", &h, MP_M_GT(0), NULL, &x->fd_step);
        json_t *cl = json_object_get(v, "clip");
        if (rc == MP_OK && cl && !json_is_null(cl))
            rc = mp_m_num(c, v, "clip", NULL, MP_M_GT(0), NULL, &x->clip);
        json_t *pl = json_object_get(v, "per_coefficient_lr");
        if (rc == MP_OK && pl) {
            size_t op = mp_m_push_key(c, "per_coefficient_lr");
            if (!json_is_object(pl))
                rc = mp_m_fail(c, MP_EINVAL, "expected an object {name: lr}");
            else if (!(x->lr_per = mp_u_malloc((x->dim ? x->dim : 1) * sizeof *x->lr_per)))
                rc = mp_m_nomem(c);
            /* one rate per entry, for each of its numbers (Adam's index) */
            if (rc == MP_OK)
                rc = mp_x_parse_per_free(c, x, pl, &x->lr, &MP_M_GT(0), x->lr_per);
            mp_m_pop(c, op);
        }
        if (rc == MP_OK && x->gradient == MP_X_GRAD_EXACT &&
            (x->task != MP_X_TASK_NWAY ||
             (x->loss != MP_X_LOSS_QUERY_CE && x->loss != MP_X_LOSS_MSE)))
            rc = mp_m_fail_key(c, "gradient", MP_EINVAL, "exact gradients need "
                               "nway_kshot tasks and the query_cross_entropy or mse "
                               "loss; "
                               "use \"finite_difference\"");
    } else {
        rc = mp_m_num(c, v, "sigma", &sig, MP_M_GT(0), NULL, &x->sigma);
        json_t *p = json_object_get(v, "population");
        x->population = 0;
        if (rc == MP_OK && p && !json_is_null(p))
            rc = mp_m_size(c, v, "population", NULL, 2, 100000, &x->population);
        if (rc == MP_OK && x->population == 0)
            x->population = 4 + (size_t)floor(3.0 * log((double)x->dim));
    }
    if (rc == MP_OK)
        rc = fits(c, x);
out:
    mp_m_pop(c, old);
    return rc;
}

