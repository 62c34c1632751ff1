/* The step_vjp hook of the rate rules (pool, pseudo_gradient,
 * ehebb, oja): step_vjp against central finite differences of
 * phi = <R, W'>, W' = step(W, y_pre, y_post, e_pre, e_post; p), R random,
 * for every input (p, W, y_pre, y_post, e_pre, e_post) on random small
 * inputs: every pool term alone (theta_r alone nonzero) and all ten
 * together, pseudo_gradient, ehebb (each term and both), oja (both forms).
 * phi is at most quadratic in any one coordinate, so central differences
 * are exact up to rounding: the test asks max|vjp - fd| <= 1e-7 max|fd| per
 * input. Also: the accumulate (+=) contract and that step_vjp leaves W and
 * its inputs alone. */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plugin/host_ctx.h"
#include "plugin/plugin_int.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static double urand(void) /* [-1, 1) */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t r = rng_state * 2685821657736338717ull;
    return (double)(r >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static mp_p_plugin *load_named(const char *name)
{
    char path[4096];
    mp_error err;
    mp_error_clear(&err);
    mp_p_plugin *p = NULL;
    if (mp_p_resolve(name, NULL, path, sizeof path, &err) != MP_OK ||
        mp_p_plugin_load(path, &p, &err) != MP_OK) {
        CHECK_(0, "loading %s: %s", name, err.text);
        return NULL;
    }
    return p;
}

enum { M = 5, N = 7, NW = M * N };

typedef struct rig {
    const mp_rule_desc *d;
    double p[16];
    const double *p_syn[16]; /* all NULL: scalar parameters */
    double W[NW], x[N], y[M], f[N], e[M], R[NW];
    double state[4 * N + 4 * M];
    mp_p_host_ctx ctx;
    mp_error err;
} rig;

/* these rules carry no state: the block is their scratch */
static mp_rate_io mkio(rig *r, double *W)
{
    return (mp_rate_io){
        .c = {.size = (uint32_t)sizeof(mp_rate_io),
              .n_pre = N,
              .n_post = M,
              .p = r->p,
              .p_syn = r->p_syn,
              .scratch = r->state,
              .host = &r->ctx,
              .api = mp_p_host_api()},
        .t = 1.0,
        .dt = 1.0,
        .W = W,
        .y_pre = r->x,
        .y_post = r->y,
        .e_pre = r->f,
        .e_post = r->e,
    };
}

/* phi = <R, step(W)> at the rig's current inputs. */
static double phi(rig *r)
{
    double W[NW];
    memcpy(W, r->W, sizeof W);
    mp_rate_io io = mkio(r, W);
    int rc = r->d->step(&io);
    CHECK_(rc == 0, "%s step returned %d: %s", r->d->name, rc, r->err.text);
    double s = 0.0;
    for (int k = 0; k < NW; k++)
        s += r->R[k] * W[k];
    return s;
}

static double fd(rig *r, double *v)
{
    const double h = 1e-5 * (fabs(*v) > 1.0 ? fabs(*v) : 1.0), v0 = *v;
    *v = v0 + h;
    double a = phi(r);
    *v = v0 - h;
    double b = phi(r);
    *v = v0;
    return (a - b) / (2.0 * h);
}

/* max|got - fd| / max|fd| over one input vector. */
static double cmp(rig *r, double *v, int n, const double *got)
{
    double dmax = 0.0, fm = 0.0;
    for (int i = 0; i < n; i++) {
        double w = fd(r, &v[i]);
        dmax = fmax(dmax, fabs(got[i] - w));
        fm = fmax(fm, fabs(w));
    }
    return fm > 0 ? dmax / fm : dmax;
}

static double worst_all;

static void check_rule(rig *r, const char *what)
{
    static const double base = 0.25; /* the accumulate contract: start at base */
    double gp[16], gW_in[NW], gx[N], gy[M], gf[N], ge[M];
    for (int i = 0; i < 16; i++)
        gp[i] = base;
    for (int i = 0; i < NW; i++)
        gW_in[i] = base;
    for (int i = 0; i < N; i++)
        gx[i] = gf[i] = base;
    for (int i = 0; i < M; i++)
        gy[i] = ge[i] = base;
    double Wc[NW];
    memcpy(Wc, r->W, sizeof Wc);
    mp_rate_io io = mkio(r, r->W);
    for (size_t i = 0; i < sizeof r->state / sizeof *r->state; i++)
        r->state[i] = NAN; /* scratch must be written before it is read */
    double *no_arrays[16] = {0};
    const mp_rate_adj adj = {(uint32_t)sizeof adj, r->R, gp, no_arrays, gW_in,
                             gx, gy, gf, ge};
    int rc = r->d->step_vjp(&io, &adj);
    CHECK_(rc == 0, "%s: step_vjp returned %d: %s", what, rc, r->err.text);
    CHECK_(memcmp(Wc, r->W, sizeof Wc) == 0, "%s: step_vjp changed W", what);
    for (int i = 0; i < 16; i++)
        gp[i] -= base;
    for (int i = 0; i < NW; i++)
        gW_in[i] -= base;
    for (int i = 0; i < N; i++)
        gx[i] -= base, gf[i] -= base;
    for (int i = 0; i < M; i++)
        gy[i] -= base, ge[i] -= base;
    double worst = 0.0;
    char buf[64];
    for (uint32_t k = 0; k < r->d->n_params; k++) {
        if (!(r->d->params[k].flags & MP_PARAM_COEF)) {
            CHECK_(gp[k] == 0.0, "%s: non-coefficient %s got a gradient", what,
                   r->d->params[k].name);
            continue;
        }
        double e1 = cmp(r, &r->p[k], 1, &gp[k]);
        snprintf(buf, sizeof buf, "d/d%s", r->d->params[k].name);
        CHECK_(e1 < 1e-7, "%s: %s rel err %.3g", what, buf, e1);
        worst = fmax(worst, e1);
    }
    struct {
        const char *n;
        double *v;
        int len;
        const double *g;
    } in[] = {{"W", r->W, NW, gW_in}, {"y_pre", r->x, N, gx}, {"y_post", r->y, M, gy},
              {"e_pre", r->f, N, gf},  {"e_post", r->e, M, ge}};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        double e1 = cmp(r, in[i].v, in[i].len, in[i].g);
        CHECK_(e1 < 1e-7, "%s: d/d%s rel err %.3g", what, in[i].n, e1);
        worst = fmax(worst, e1);
    }
    printf("  %-28s max rel err %.2e\n", what, worst);
    worst_all = fmax(worst_all, worst);
}

static int rig_init(rig *r, const mp_p_plugin *pl)
{
    memset(r, 0, sizeof *r);
    if (!pl)
        return 0;
    r->d = pl->desc;
    CHECK_(r->d->step_vjp != NULL, "%s has no step_vjp", r->d->name);
    if (!r->d->step_vjp)
        return 0;
    CHECK(r->d->extension == NULL); /* no shipped rule offers an extension */
    for (int k = 0; k < NW; k++)
        r->W[k] = 0.5 * urand(), r->R[k] = urand();
    for (int k = 0; k < N; k++)
        r->x[k] = urand(), r->f[k] = urand();
    for (int k = 0; k < M; k++)
        r->y[k] = urand(), r->e[k] = urand();
    r->ctx = (mp_p_host_ctx){&r->err, "proj", r->d->name, NULL};
    mp_error_clear(&r->err);
    return 1;
}

int main(void)
{
    rig r;
    char what[64];
    mp_p_plugin *pool = load_named("pool");
    if (rig_init(&r, pool)) {
        for (int t = 0; t < 10; t++) {
            memset(r.p, 0, sizeof r.p);
            r.p[t] = 0.3 * (t % 2 ? -1 : 1) + 0.05 * t;
            snprintf(what, sizeof what, "pool theta%d alone", t);
            check_rule(&r, what);
        }
        for (int t = 0; t < 10; t++)
            r.p[t] = 0.2 * urand();
        check_rule(&r, "pool all ten");
        memset(r.p, 0, sizeof r.p);
        check_rule(&r, "pool all zero");
        /* the scratch: u, gu, d and W x (scratch_size: 3 n_pre + n_post) */
        CHECK(r.d->scratch_size != NULL && r.d->state_size == NULL);
        if (r.d->scratch_size)
            CHECK(r.d->scratch_size(r.p, N, M) == 3 * N + M);
    }
    mp_p_plugin *pg = load_named("pseudo_gradient");
    if (rig_init(&r, pg)) {
        r.p[0] = 0.7;
        check_rule(&r, "pseudo_gradient");
    }
    mp_p_plugin *eh = load_named("ehebb");
    if (rig_init(&r, eh)) {
        r.p[0] = 0.6, r.p[1] = 0.0;
        check_rule(&r, "ehebb theta0 alone");
        r.p[0] = 0.0, r.p[1] = -0.4;
        check_rule(&r, "ehebb theta2 alone");
        r.p[0] = 0.3, r.p[1] = 0.5;
        check_rule(&r, "ehebb both");
    }
    mp_p_plugin *oja = load_named("oja");
    if (rig_init(&r, oja)) {
        CHECK(r.d->scratch_size != NULL && r.d->state_size == NULL);
        if (r.d->scratch_size)
            CHECK(r.d->scratch_size(r.p, N, M) == 2 * N);
        r.p[0] = 0.4, r.p[1] = 1.0;
        check_rule(&r, "oja subspace");
        r.p[0] = -0.3, r.p[1] = 0.0;
        check_rule(&r, "oja per-neuron");
    }
    printf("worst relative error over all rules: %.2e\n", worst_all);
    mp_p_plugin_free(pool);
    mp_p_plugin_free(pg);
    mp_p_plugin_free(eh);
    mp_p_plugin_free(oja);
    return CHECK_DONE();
}
