/* Rule instances: one constructor for every network kind (rule_instance.h
 * says what an instance owns and who fills which part of its io). */
#include <string.h>

#include "model/model_int.h"
#include "plugin/rule_instance.h"
#include "util/util_int.h"

const mp_rule_grad *mp_p_rule_grad_ext(const mp_rule_desc *d)
{
    const mp_rule_grad *g =
        d->extension ? (const mp_rule_grad *)d->extension(MP_RULE_GRAD_V1) : NULL;
    if (!g || g->size < offsetof(mp_rule_grad, step_vjp) + sizeof g->step_vjp ||
        !g->step_vjp)
        return NULL;
    return g;
}

void mp_p_rule_sizes(const mp_rule_desc *d, const double *p, uint32_t n_pre,
                     uint32_t n_post, size_t *n_state, size_t *n_scratch)
{
    size_t ns = d->state_size ? d->state_size(p, n_pre, n_post) : 0;
    size_t nx = 0;
    const mp_rule_grad *g = mp_p_rule_grad_ext(d);
    if (g) {
        /* scratch_size is of ABI 1.1's mp_rule_grad: an older, shorter
         * struct lacks it, and then step_vjp gets state_size doubles */
        int has = g->size >= offsetof(mp_rule_grad, scratch_size) + sizeof g->scratch_size &&
                  g->scratch_size;
        nx = has ? g->scratch_size(p, n_pre, n_post) : ns;
        nx = nx > ns ? nx : ns;
    }
    *n_state = ns;
    *n_scratch = nx;
}

/* The state and scratch blocks for the current parameter values, replacing
 * the old ones (zeroed; at least one double each, so the pointers are never
 * NULL for a hook that ignores a size of 0). */
static int alloc_blocks(mp_p_rule *r, size_t ns, size_t nx, mp_error *err)
{
    const char *who = r->host.proj_name ? r->host.proj_name : "?";
    size_t bytes = mp_u_size_mul(mp_u_size_add(ns, nx), sizeof(double));
    int rc = mp_u_mem_check(err, bytes, r->file, NULL, "its state",
                            "rule '%s' of projection '%s'", r->desc->name, who);
    if (rc != MP_OK)
        return rc;
    double *s = mp_u_calloc(ns ? ns : 1, sizeof *s);
    double *x = r->grad ? mp_u_calloc(nx ? nx : 1, sizeof *x) : NULL;
    if (!s || (r->grad && !x)) {
        mp_u_free(s);
        mp_u_free(x);
        return mp_u_mem_fail(err, bytes, r->file, NULL, "its state",
                             "rule '%s' of projection '%s'", r->desc->name, who);
    }
    mp_u_free(r->state);
    mp_u_free(r->scratch);
    r->state = s;
    r->n_state = ns;
    r->scratch = x;
    r->n_scratch = r->grad ? nx : 0;
    r->io.state = s;
    return MP_OK;
}

int mp_p_rule_new(const struct mp_m_plasticity *pl, uint32_t n_pre, uint32_t n_post,
                  uint64_t seed, const char *file, const char *proj_name,
                  mp_p_rule **out, mp_error *err)
{
    *out = NULL;
    const mp_rule_desc *d = pl->plugin->desc;
    mp_p_rule *r = mp_u_calloc(1, sizeof *r);
    if (!r)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    r->plugin = pl->plugin;
    r->desc = d;
    r->grad = mp_p_rule_grad_ext(d);
    r->n_pre = n_pre;
    r->n_post = n_post;
    r->file = file;
    r->host = (mp_p_host_ctx){&r->err, proj_name, d->name, NULL};
    size_t ns, nx;
    mp_p_rule_sizes(d, pl->params, n_pre, n_post, &ns, &nx);
    int rc = alloc_blocks(r, ns, nx, err);
    r->params = mp_u_malloc((d->n_params ? d->n_params : 1) * sizeof *r->params);
    r->rng = mp_u_rng_new(MP_U_RNG_TAUS2, seed);
    if (rc == MP_OK && (!r->params || !r->rng))
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc != MP_OK) {
        mp_p_rule_free(r);
        return rc;
    }
    if (d->n_params)
        memcpy(r->params, pl->params, d->n_params * sizeof *r->params);
    r->host.rng = r->rng;
    r->io.size = (uint32_t)sizeof(mp_rule_io);
    r->io.p = r->params;
    r->io.state = r->state;
    r->io.t = 0.0;
    r->io.host = &r->host;
    r->io.api = mp_p_host_api();
    r->io.n_pre = n_pre;
    r->io.n_post = n_post;
    *out = r;
    return MP_OK;
}

int mp_p_rule_set_params(mp_p_rule *r, const double *p, mp_error *err)
{
    const mp_rule_desc *d = r->desc;
    for (uint32_t k = 0; k < d->n_params; k++) {
        const mp_param_desc *q = &d->params[k];
        if (!(p[k] >= q->lo && p[k] <= q->hi))
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "projection '%s' (rule %s): parameter '%s' = %g is "
                            "outside its bounds [%g, %g]",
                            r->host.proj_name ? r->host.proj_name : "?", d->name,
                            q->name, p[k], q->lo, q->hi);
    }
    size_t ns, nx;
    mp_p_rule_sizes(d, p, r->n_pre, r->n_post, &ns, &nx);
    if (ns != r->n_state || (r->grad && nx != r->n_scratch)) {
        int rc = alloc_blocks(r, ns, nx, err);
        if (rc != MP_OK)
            return rc;
    }
    if (d->n_params)
        memcpy(r->params, p, d->n_params * sizeof *r->params);
    return MP_OK;
}

int mp_p_rule_reset(mp_p_rule *r, uint64_t seed, mp_error *err)
{
    memset(r->state, 0, (r->n_state ? r->n_state : 1) * sizeof *r->state);
    mp_u_rng_seed(r->rng, seed);
    mp_error_clear(&r->err);
    r->io.t = 0.0;
    if (!r->desc->reset)
        return MP_OK;
    int h = r->desc->reset(&r->io);
    if (h == 0)
        return MP_OK;
    int code = h > 0 ? MP_EUNSTABLE : MP_EPLUGIN;
    if (r->err.text[0])
        return mp_u_err(err, code, NULL, 0, 0, NULL, "%s", r->err.text);
    return mp_u_err(err, code, NULL, 0, 0, NULL, "projection '%s' (rule %s): reset returned %d",
                    r->host.proj_name ? r->host.proj_name : "?", r->desc->name, h);
}

void mp_p_rule_free(mp_p_rule *r)
{
    if (!r)
        return;
    mp_u_free(r->params);
    mp_u_free(r->state);
    mp_u_free(r->scratch);
    mp_u_rng_free(r->rng);
    mp_u_free(r);
}
