/* Rule instances: one constructor for every network kind (rule_instance.h
 * says what an instance owns and who fills which part of its io). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/model_int.h"
#include "plugin/rule_instance.h"
#include "util/util_int.h"

void mp_p_rule_sizes(const mp_rule_desc *d, const double *p, uint32_t n_pre,
                     uint32_t n_post, size_t *n_state, size_t *n_scratch)
{
    *n_state = d->state_size ? d->state_size(p, n_pre, n_post) : 0;
    *n_scratch = d->scratch_size ? d->scratch_size(p, n_pre, n_post) : 0;
}

/* The common part of the io structs, copied into both templates (a block
 * reallocated by set_params moves). */
static void sync_ctx(mp_p_rule *r)
{
    r->ctx.p = r->params;
    r->ctx.p_syn = (const double *const *)r->p_syn;
    r->ctx.state = r->state;
    r->ctx.scratch = r->scratch;
    r->ctx.size = (uint32_t)sizeof(mp_spike_io);
    r->sio.c = r->ctx;
    r->ctx.size = (uint32_t)sizeof(mp_rate_io);
    r->rio.c = r->ctx;
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
    double *x = mp_u_calloc(nx ? nx : 1, sizeof *x);
    if (!s || !x) {
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
    r->n_scratch = nx;
    sync_ctx(r);
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
    r->has_vjp = d->step_vjp != NULL;
    r->n_pre = n_pre;
    r->n_post = n_post;
    r->file = file;
    r->host = (mp_p_host_ctx){&r->err, proj_name, d->name, NULL};
    size_t ns, nx, np = d->n_params ? d->n_params : 1;
    mp_p_rule_sizes(d, pl->params, n_pre, n_post, &ns, &nx);
    int rc = alloc_blocks(r, ns, nx, err);
    r->params = mp_u_malloc(np * sizeof *r->params);
    r->p_syn = mp_u_calloc(np, sizeof *r->p_syn);
    r->g_syn = mp_u_calloc(np, sizeof *r->g_syn);
    r->x = mp_u_calloc(d->n_traces ? d->n_traces : 1, sizeof *r->x);
    r->rng = mp_u_rng_new(MP_U_RNG_TAUS2, seed);
    if (rc == MP_OK && (!r->params || !r->p_syn || !r->g_syn || !r->x || !r->rng))
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc != MP_OK) {
        mp_p_rule_free(r);
        return rc;
    }
    if (d->n_params)
        memcpy(r->params, pl->params, d->n_params * sizeof *r->params);
    r->host.rng = r->rng;
    r->ctx.n_pre = n_pre;
    r->ctx.n_post = n_post;
    r->ctx.host = &r->host;
    r->ctx.api = mp_p_host_api();
    sync_ctx(r);
    *out = r;
    return MP_OK;
}

void mp_p_rule_bind_spike(mp_p_rule *r, const mp_synapses *syn,
                          const double *const *x, double dt)
{
    for (uint32_t i = 0; i < r->desc->n_traces; i++)
        r->x[i] = x[i];
    r->sio.syn = syn;
    r->sio.x = r->x;
    r->sio.t = 0.0;
    r->sio.dt = dt;
    r->n_syn = syn->nnz;
    r->bound = MP_RULE_SPIKING;
}

void mp_p_rule_bind_rate(mp_p_rule *r, double *W, const double *y_pre,
                         const double *y_post, const double *e_pre,
                         const double *e_post)
{
    r->rio.W = W;
    r->rio.y_pre = y_pre;
    r->rio.y_post = y_post;
    r->rio.e_pre = e_pre;
    r->rio.e_post = e_post;
    r->rio.t = 0.0;
    r->rio.dt = 1.0;
    r->n_syn = (size_t)r->n_pre * r->n_post;
    r->bound = MP_RULE_RATE;
}

static const char *who(const mp_p_rule *r)
{
    return r->host.proj_name ? r->host.proj_name : "?";
}

static int out_of_bounds(const mp_p_rule *r, const mp_param_desc *q, double v,
                         const char *at, mp_error *err)
{
    return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                    "projection '%s' (rule %s): parameter '%s'%s = %g is outside its "
                    "bounds [%g, %g]", who(r), r->desc->name, q->name, at, v, q->lo,
                    q->hi);
}

int mp_p_rule_set_params(mp_p_rule *r, const double *p, mp_error *err)
{
    const mp_rule_desc *d = r->desc;
    for (uint32_t k = 0; k < d->n_params; k++) {
        const mp_param_desc *q = &d->params[k];
        if (!(p[k] >= q->lo && p[k] <= q->hi))
            return out_of_bounds(r, q, p[k], "", err);
        if (((q->flags & MP_PARAM_TOGGLE) && p[k] != 0 && p[k] != 1) ||
            ((q->flags & MP_PARAM_INTEGER) && p[k] != floor(p[k])))
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "projection '%s' (rule %s): parameter '%s' = %.17g is not "
                            "%s", who(r), d->name, q->name, p[k],
                            (q->flags & MP_PARAM_TOGGLE) ? "0 or 1 (a switch)"
                                                         : "a whole number");
    }
    size_t ns, nx;
    mp_p_rule_sizes(d, p, r->n_pre, r->n_post, &ns, &nx);
    if (ns != r->n_state || nx != r->n_scratch) {
        int rc = alloc_blocks(r, ns, nx, err);
        if (rc != MP_OK)
            return rc;
    }
    if (d->n_params)
        memcpy(r->params, p, d->n_params * sizeof *r->params);
    return MP_OK;
}

int mp_p_rule_set_param_array(mp_p_rule *r, uint32_t k, const double *values,
                              size_t n, mp_error *err)
{
    const mp_rule_desc *d = r->desc;
    if (k >= d->n_params)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s' (rule %s): no parameter %u", who(r), d->name, k);
    const mp_param_desc *q = &d->params[k];
    if (!values) {
        if (r->p_syn[k])
            r->n_arrays--;
        mp_u_free(r->p_syn[k]);
        mp_u_free(r->g_syn[k]);
        r->p_syn[k] = r->g_syn[k] = NULL;
        sync_ctx(r);
        return MP_OK;
    }
    if (!(q->flags & MP_PARAM_PER_SYNAPSE))
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s' (rule %s): parameter '%s' cannot be given per "
                        "synapse (the rule does not declare it MP_PARAM_PER_SYNAPSE)",
                        who(r), d->name, q->name);
    if (!r->bound || n != r->n_syn)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "projection '%s' (rule %s): parameter '%s' per synapse needs "
                        "%zu values (one per synapse), got %zu", who(r), d->name,
                        q->name, r->n_syn, n);
    for (size_t s = 0; s < n; s++)
        if (!(values[s] >= q->lo && values[s] <= q->hi)) {
            char at[40];
            snprintf(at, sizeof at, "[%zu]", s);
            return out_of_bounds(r, q, values[s], at, err);
        }
    if (!r->p_syn[k]) {
        double *a = mp_u_malloc((n ? n : 1) * sizeof *a);
        double *g = mp_u_calloc(n ? n : 1, sizeof *g);
        if (!a || !g) {
            mp_u_free(a);
            mp_u_free(g);
            return mp_u_mem_fail(err, 2 * n * sizeof(double), r->file, NULL,
                                 "a per-synapse array", "parameter '%s' of projection '%s'",
                                 q->name, who(r));
        }
        r->p_syn[k] = a;
        r->g_syn[k] = g;
        r->n_arrays++;
    }
    memcpy(r->p_syn[k], values, n * sizeof *values);
    sync_ctx(r);
    return MP_OK;
}

void mp_p_expand_per_neuron(const mp_p_rule *r, const double *v, int pre, double *out)
{
    if (r->bound == MP_RULE_SPIKING) {
        const mp_synapses *s = r->sio.syn;
        for (size_t k = 0; k < s->nnz; k++)
            out[k] = v[pre ? s->pre_of[k] : s->post_of[k]];
        return;
    }
    for (uint32_t j = 0; j < r->n_post; j++)
        for (uint32_t i = 0; i < r->n_pre; i++)
            out[(size_t)j * r->n_pre + i] = v[pre ? i : j];
}

void mp_p_rule_zero_grads(mp_p_rule *r)
{
    for (uint32_t k = 0; k < r->desc->n_params; k++)
        if (r->g_syn[k])
            memset(r->g_syn[k], 0, r->n_syn * sizeof(double));
}

int mp_p_rule_reset(mp_p_rule *r, uint64_t seed, mp_error *err)
{
    memset(r->state, 0, (r->n_state ? r->n_state : 1) * sizeof *r->state);
    mp_u_rng_seed(r->rng, seed);
    mp_error_clear(&r->err);
    r->sio.t = 0.0;
    r->rio.t = 0.0;
    if (!r->desc->reset)
        return MP_OK;
    int spiking = r->bound == MP_RULE_SPIKING;
    int h = r->desc->reset(spiking ? &r->sio : NULL, spiking ? NULL : &r->rio);
    if (h == 0)
        return MP_OK;
    int code = h > 0 ? MP_EUNSTABLE : MP_EPLUGIN;
    if (r->err.text[0])
        return mp_u_err(err, code, NULL, 0, 0, NULL, "%s", r->err.text);
    return mp_u_err(err, code, NULL, 0, 0, NULL, "projection '%s' (rule %s): reset returned %d",
                    who(r), r->desc->name, h);
}

void mp_p_rule_free(mp_p_rule *r)
{
    if (!r)
        return;
    for (uint32_t k = 0; r->p_syn && k < r->desc->n_params; k++)
        mp_u_free(r->p_syn[k]);
    for (uint32_t k = 0; r->g_syn && k < r->desc->n_params; k++)
        mp_u_free(r->g_syn[k]);
    mp_u_free(r->p_syn);
    mp_u_free(r->g_syn);
    mp_u_free(r->x);
    mp_u_free(r->params);
    mp_u_free(r->state);
    mp_u_free(r->scratch);
    mp_u_rng_free(r->rng);
    mp_u_free(r);
}
