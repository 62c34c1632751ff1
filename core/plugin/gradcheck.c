/* mp_plugin_gradcheck (include/metaplast/plugin.h): a rate rule's
 * step_vjp against finite differences of its own step.
 *
 * phi(W, y_pre, y_post, e_pre, e_post, p) = <R, W + dW>, R random, so that
 * d phi / d(argument) is exactly what step_vjp adds for gW = R. Every
 * coordinate of every argument is differentiated with the fourth-order
 * central formula (8 (f(h) - f(-h)) - (f(2h) - f(-2h))) / 12 h, h = 1e-3
 * (scaled by |x| above 1); a MP_PARAM_PER_SYNAPSE parameter is also
 * given as an array and its per-synapse gradient checked entry by entry
 * ("p.<name>[synapse]"). For the polynomial rules of the papers it is
 * exact up to rounding, for smooth ones its error is O(h^4). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metaplast/plugin.h"
#include "model/model_int.h"
#include "plugin/plugin_int.h"
#include "plugin/rule_instance.h"
#include "util/util_int.h"
#include "util/xoshiro.h"

enum { A_W, A_YPRE, A_YPOST, A_EPRE, A_EPOST, A_VECTORS };
static const char *const vec_name[A_VECTORS] = {"W", "y_pre", "y_post", "e_pre",
                                                "e_post"};

typedef struct gc {
    const mp_rule_desc *d;
    uint32_t n_pre, n_post;
    size_t len[A_VECTORS];
    double *in[A_VECTORS];  /* the point */
    double *out[A_VECTORS]; /* step_vjp's adjoints of each */
    double *p, *gp;         /* n_params; p: the rule instance's values */
    double *R, *Wc, *saved;
    size_t n_all;
    mp_p_rule *rule;        /* parameters, state, scratch, host, stream */
    uint64_t seed;
} gc;

/* The instance's io at W, with state and scratch zeroed and the stream
 * reseeded: every evaluation of the point sees the
 * same state and the same draws, as finite differences need. */
static mp_rate_io make_io(gc *c, double *W)
{
    mp_p_rule *r = c->rule;
    mp_rate_io io = r->rio;
    memset(r->state, 0, r->n_state * sizeof(double));
    memset(r->scratch, 0, r->n_scratch * sizeof(double));
    mp_u_rng_seed(r->rng, c->seed);
    io.t = 1.0;
    io.dt = 1.0;
    io.W = W;
    io.y_pre = c->in[A_YPRE];
    io.y_post = c->in[A_YPOST];
    io.e_pre = c->in[A_EPRE];
    io.e_post = c->in[A_EPOST];
    return io;
}

static int hook_failed(gc *c, const char *hook, int rc, mp_error *err)
{
    return mp_u_err(err, MP_EPLUGIN, c->d->name, 0, 0, NULL,
                    "gradcheck: the %s hook of rule '%s' returned %d%s%s", hook,
                    c->d->name, rc, c->rule->err.text[0] ? ": " : "",
                    c->rule->err.text);
}

/* <R, W + dW> at the current point. */
static int phi(gc *c, double *out, mp_error *err)
{
    memcpy(c->Wc, c->in[A_W], c->len[A_W] * sizeof(double));
    mp_rate_io io = make_io(c, c->Wc);
    int rc = c->d->step(&io);
    if (rc != MP_RULE_OK)
        return hook_failed(c, "step", rc, err);
    double s = 0.0;
    for (size_t i = 0; i < c->len[A_W]; i++)
        s += c->R[i] * c->Wc[i];
    *out = s;
    return MP_OK;
}

static int vjp(gc *c, mp_error *err)
{
    mp_rate_io io = make_io(c, c->in[A_W]);
    const mp_rate_adj adj = {(uint32_t)sizeof adj, c->R, c->gp,
                             (double *const *)c->rule->g_syn, c->out[A_W],
                             c->out[A_YPRE], c->out[A_YPOST], c->out[A_EPRE],
                             c->out[A_EPOST]};
    int rc = c->d->step_vjp(&io, &adj);
    return rc == MP_RULE_OK ? MP_OK : hook_failed(c, "step_vjp", rc, err);
}

/* d phi / d x at the point, x one coordinate of it. */
static int fd(gc *c, double *x, double *d, mp_error *err)
{
    const double x0 = *x, h = 1e-3 * (fabs(x0) > 1.0 ? fabs(x0) : 1.0);
    static const double step[4] = {1, -1, 2, -2};
    double f[4];
    int rc = MP_OK;
    for (int k = 0; k < 4 && rc == MP_OK; k++) {
        *x = x0 + step[k] * h;
        rc = phi(c, &f[k], err);
    }
    *x = x0;
    *d = (8.0 * (f[0] - f[1]) - (f[2] - f[3])) / (12.0 * h);
    return rc;
}

static void draw_point(gc *c, mp_xo *r)
{
    static const double lo[A_VECTORS] = {-0.5, 0.05, 0.05, -1, -1},
                        hi[A_VECTORS] = {0.5, 1, 1, 1, 1};
    for (int a = 0; a < A_VECTORS; a++)
        for (size_t i = 0; i < c->len[a]; i++)
            c->in[a][i] = lo[a] + (hi[a] - lo[a]) * mp_xo_uniform(r);
    for (size_t i = 0; i < c->len[A_W]; i++)
        c->R[i] = 2.0 * mp_xo_uniform(r) - 1.0;
    for (uint32_t k = 0; k < c->d->n_params; k++) {
        const mp_param_desc *q = &c->d->params[k];
        if (!(q->flags & MP_PARAM_COEF)) {
            c->p[k] = q->def;
            continue;
        }
        double a = q->lo > -1.0 ? q->lo : -1.0, b = q->hi < 1.0 ? q->hi : 1.0;
        c->p[k] = a < b ? a + (b - a) * mp_xo_uniform(r) : q->def;
    }
}

/* The largest |v - f| and the largest |f| or |v| over n entries. */
static void compare(const double *v, const double *f, size_t n, double *diff,
                    double *scale)
{
    double dm = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(v[i] - f[i]);
        dm = e > dm ? e : dm;
        s = fabs(f[i]) > s ? fabs(f[i]) : s;
        s = fabs(v[i]) > s ? fabs(v[i]) : s;
    }
    *diff = dm;
    *scale = s;
}

/* One trial: the point, the hook's VJP and the FD gradient of every
 * argument; args[] gets the worst relative errors. */
static int trial(gc *c, mp_gradcheck *g, double *fdbuf, mp_error *err)
{
    memset(c->out[0], 0, c->n_all * sizeof(double));
    memset(c->gp, 0, c->d->n_params * sizeof(double));
    int rc = vjp(c, err);
    size_t na = 0;
    double diff[MP_GRADCHECK_MAX_ARGS], scale[MP_GRADCHECK_MAX_ARGS], top = 0.0;
    for (int a = 0; a < A_VECTORS && rc == MP_OK; a++, na++) {
        for (size_t i = 0; i < c->len[a] && rc == MP_OK; i++)
            rc = fd(c, &c->in[a][i], &fdbuf[i], err);
        compare(c->out[a], fdbuf, c->len[a], &diff[na], &scale[na]);
    }
    for (uint32_t k = 0; k < c->d->n_params && rc == MP_OK; k++) {
        if (!(c->d->params[k].flags & MP_PARAM_COEF) || na >= MP_GRADCHECK_MAX_ARGS)
            continue;
        rc = fd(c, &c->p[k], &fdbuf[0], err);
        compare(&c->gp[k], fdbuf, 1, &diff[na], &scale[na]);
        na++;
    }
    if (rc != MP_OK)
        return rc;
    for (size_t a = 0; a < na; a++)
        top = scale[a] > top ? scale[a] : top;
    for (size_t a = 0; a < na; a++) {
        /* an argument whose derivative is rounding noise next to the others
         * is judged against 1e-9 of the largest, not against itself */
        double den = scale[a] > 1e-9 * top ? scale[a] : 1e-9 * top;
        double rel = den > 0.0 ? diff[a] / den : 0.0;
        if (!(rel <= g->arg[a].rel_err)) /* NaN sticks */
            g->arg[a].rel_err = rel;
        if (scale[a] > g->arg[a].scale)
            g->arg[a].scale = scale[a];
    }
    return MP_OK;
}

/* Keeps the worse of arg's relative error and diff / den. */
static void note(mp_gradcheck_arg *arg, double diff, double scale, double den)
{
    double rel = den > 0.0 ? diff / den : 0.0;
    if (!(rel <= arg->rel_err)) /* NaN sticks */
        arg->rel_err = rel;
    if (scale > arg->scale)
        arg->scale = scale;
}

/* Arg a: the per-synapse gradient of MP_PARAM_PER_SYNAPSE parameter k.
 * The instance is given an array of random values in its bounds (clipped
 * to [-1, 1]); step_vjp's gp_syn[k] and its adjoints of W and the vectors
 * (the rule's per-synapse path) are compared with finite differences of
 * every entry; the array is dropped again. */
static int trial_array(gc *c, mp_gradcheck *g, uint32_t k, size_t a, double *fdbuf,
                       double *fresh, mp_xo *rx, mp_error *err)
{
    mp_p_rule *r = c->rule;
    const mp_param_desc *q = &c->d->params[k];
    const size_t n = c->len[A_W];
    const double lo = q->lo > -1.0 ? q->lo : -1.0, hi = q->hi < 1.0 ? q->hi : 1.0;
    for (size_t i = 0; i < n; i++)
        fdbuf[i] = lo < hi ? lo + (hi - lo) * mp_xo_uniform(rx) : q->def;
    int rc = mp_p_rule_set_param_array(r, k, fdbuf, n, err);
    if (rc != MP_OK)
        return rc;
    memset(c->out[0], 0, c->n_all * sizeof(double));
    memset(c->gp, 0, c->d->n_params * sizeof(double));
    mp_p_rule_zero_grads(r);
    rc = vjp(c, err);
    if (rc == MP_OK) {
        memcpy(c->saved, r->g_syn[k], n * sizeof(double));
        memcpy(fresh, c->out[0], c->n_all * sizeof(double));
    }
    double diff[A_VECTORS + 1], scale[A_VECTORS + 1], top = 0.0;
    for (size_t i = 0; i < n && rc == MP_OK; i++)
        rc = fd(c, &r->p_syn[k][i], &fdbuf[i], err);
    if (rc == MP_OK)
        compare(c->saved, fdbuf, n, &diff[A_VECTORS], &scale[A_VECTORS]);
    for (int v = 0, off = 0; v < A_VECTORS && rc == MP_OK; off += (int)c->len[v], v++) {
        for (size_t i = 0; i < c->len[v] && rc == MP_OK; i++)
            rc = fd(c, &c->in[v][i], &fdbuf[i], err);
        compare(fresh + off, fdbuf, c->len[v], &diff[v], &scale[v]);
    }
    if (rc == MP_OK) {
        for (int v = 0; v <= A_VECTORS; v++)
            top = scale[v] > top ? scale[v] : top;
        for (int v = 0; v < A_VECTORS; v++)
            note(&g->arg[v], diff[v], scale[v], scale[v] > 1e-9 * top ? scale[v] : 1e-9 * top);
        note(&g->arg[a], diff[A_VECTORS], scale[A_VECTORS],
             scale[A_VECTORS] > 1e-9 * top ? scale[A_VECTORS] : 1e-9 * top);
    }
    int rc2 = mp_p_rule_set_param_array(r, k, NULL, 0, err);
    return rc != MP_OK ? rc : rc2;
}

/* step_vjp adds into its outputs and leaves W and its inputs alone. */
static int contract(gc *c, mp_gradcheck *g, double *fresh, mp_error *err)
{
    memset(c->out[0], 0, c->n_all * sizeof(double));
    memset(c->gp, 0, c->d->n_params * sizeof(double));
    int rc = vjp(c, err);
    if (rc != MP_OK)
        return rc;
    memcpy(fresh, c->out[0], c->n_all * sizeof(double));
    for (size_t i = 0; i < c->n_all; i++)
        c->out[0][i] = 0.25;
    size_t inputs = c->n_all; /* the vectors are contiguous, W first */
    memcpy(c->saved, c->in[0], inputs * sizeof(double));
    if ((rc = vjp(c, err)) != MP_OK)
        return rc;
    g->accumulates = 1;
    for (size_t i = 0; i < c->n_all; i++)
        if (!(fabs(c->out[0][i] - 0.25 - fresh[i]) <= 1e-12 * (1.0 + fabs(fresh[i]))))
            g->accumulates = 0;
    g->keeps_inputs = memcmp(c->saved, c->in[0], inputs * sizeof(double)) == 0;
    return MP_OK;
}

static int check_rule(const mp_plugin *p, mp_error *err)
{
    const mp_rule_desc *d = p->desc;
    if (!(d->kind & MP_RULE_RATE) || !d->step)
        return mp_u_err(err, MP_EINVAL, p->path, 0, 0, NULL,
                        "gradcheck: rule '%s' is not a rate rule (no step hook): "
                        "only the derivative hooks of rate rules can be checked",
                        d->name);
    if (!d->step_vjp)
        return mp_u_err(err, MP_EINVAL, p->path, 0, 0, NULL,
                        "gradcheck: rule '%s' offers no derivative hooks (its "
                        "descriptor's step_vjp is NULL, rule.h): nothing to check",
                        d->name);
    return MP_OK;
}

int mp_plugin_gradcheck(const mp_plugin *p, mp_gradcheck *g, mp_error *err)
{
    if (!p || !g)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_plugin_gradcheck: no plugin or no result record");
    gc c;
    memset(&c, 0, sizeof c);
    c.d = p->desc;
    int rc = check_rule(p, err);
    if (rc != MP_OK)
        return rc;
    double tol = g->tol > 0 ? g->tol : 1e-6;
    unsigned trials = g->trials ? g->trials : 3;
    c.n_pre = g->n_pre ? g->n_pre : 5;
    c.n_post = g->n_post ? g->n_post : 4;
    if (c.n_pre > 64 || c.n_post > 64)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_plugin_gradcheck: n_pre and n_post must be at most 64");
    uint64_t seed = g->seed ? g->seed : 1;
    memset(g->arg, 0, sizeof g->arg);
    c.len[A_W] = (size_t)c.n_pre * c.n_post;
    c.len[A_YPRE] = c.len[A_EPRE] = c.n_pre;
    c.len[A_YPOST] = c.len[A_EPOST] = c.n_post;
    for (int a = 0; a < A_VECTORS; a++)
        c.n_all += c.len[a];
    const uint32_t np = c.d->n_params;
    /* one block: inputs, outputs, the default parameters, gp, R, Wc, saved
     * inputs, fd buffer, fresh outputs */
    double *blk = mp_u_calloc(4 * c.n_all + 2 * np + 3 * c.len[A_W] + 2, sizeof(double));
    if (!blk)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory for gradcheck");
    double *defaults = blk + 2 * c.n_all;
    for (uint32_t k = 0; k < np; k++)
        defaults[k] = c.d->params[k].def;
    /* the rule instance every network uses, made from the defaults: its
     * state and step_vjp scratch are sized for them */
    mp_m_plasticity pl = {(mp_p_plugin *)p, defaults};
    c.seed = seed;
    if ((rc = mp_p_rule_new(&pl, c.n_pre, c.n_post, seed, p->path, "gradcheck", &c.rule,
                            err)) != MP_OK) {
        mp_u_free(blk);
        return rc;
    }
    mp_p_rule_bind_rate(c.rule, NULL, NULL, NULL, NULL, NULL); /* make_io fills it */
    c.p = c.rule->params; /* what draw_point and fd write */
    /* the inputs and the outputs each contiguous (W first), as contract()
     * needs */
    double *w = blk;
    for (int a = 0; a < A_VECTORS; a++) {
        c.in[a] = w;
        c.out[a] = w + c.n_all;
        w += c.len[a];
    }
    w = blk + 2 * c.n_all + np; /* after the defaults */
    c.gp = w;
    c.R = c.gp + np;
    c.Wc = c.R + c.len[A_W];
    c.saved = c.Wc + c.len[A_W];
    double *fdbuf = c.saved + c.n_all; /* len[A_W] >= every other length */
    double *fresh = fdbuf + c.len[A_W];
    /* names: the vectors, then "p.<coef>" */
    size_t na = 0;
    for (int a = 0; a < A_VECTORS; a++, na++)
        snprintf(g->arg[na].name, sizeof g->arg[na].name, "%s", vec_name[a]);
    for (uint32_t k = 0; k < np && na < MP_GRADCHECK_MAX_ARGS; k++)
        if (c.d->params[k].flags & MP_PARAM_COEF) {
            snprintf(g->arg[na].name, sizeof g->arg[na].name, "p.%s",
                     c.d->params[k].name);
            na++;
        }
    const size_t n_scalar = na;
    for (uint32_t k = 0; k < np && na < MP_GRADCHECK_MAX_ARGS; k++)
        if (c.d->params[k].flags & MP_PARAM_PER_SYNAPSE) {
            snprintf(g->arg[na].name, sizeof g->arg[na].name, "p.%s[synapse]",
                     c.d->params[k].name);
            na++;
        }
    g->n_args = na;
    mp_xo r;
    mp_xo_seed(&r, seed);
    for (unsigned t = 0; t < trials && rc == MP_OK; t++) {
        draw_point(&c, &r);
        rc = trial(&c, g, fdbuf, err);
        size_t a = n_scalar;
        for (uint32_t k = 0; k < np && a < na && rc == MP_OK; k++)
            if (c.d->params[k].flags & MP_PARAM_PER_SYNAPSE)
                rc = trial_array(&c, g, k, a++, fdbuf, fresh, &r, err);
    }
    if (rc == MP_OK)
        rc = contract(&c, g, fresh, err);
    g->passed = rc == MP_OK && g->accumulates && g->keeps_inputs;
    for (size_t a = 0; a < na; a++) {
        g->arg[a].ok = g->arg[a].rel_err <= tol;
        g->passed = g->passed && g->arg[a].ok;
    }
    g->tol = tol;
    g->trials = trials;
    g->n_pre = c.n_pre;
    g->n_post = c.n_post;
    g->seed = seed;
    mp_p_rule_free(c.rule);
    mp_u_free(blk);
    return rc;
}
