/* The rate rules (plugins/pool.c, pseudo_gradient.c, ehebb.c, oja.c,
 * anti_hebb.c, volterra.c): every rule and every pool term against a naive
 * dense oracle written from the papers' formulas (explicit matrix products:
 * y y^T W, e 1^T y x^T, ...), on odd sizes; the fused pool with all ten terms;
 * degenerate sizes; bit-identity of the special cases; refusals; descriptors.
 *
 * Tolerance: |got - want| <= 1e-12 * (|W_jk| + sum_r |theta_r F^r_jk|), i.e.
 * relative to the magnitude of what was summed (the fused evaluation sums in
 * another order than the oracle). */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plugin/host_ctx.h"
#include "plugin/plugin_int.h"

#define RTOL 1e-12

static int contains(const char *s, const char *sub)
{
    return s && sub && strstr(s, sub) != NULL;
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

/* ---- random numbers (xorshift64*) --------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double urand(void) /* [-1, 1) */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t r = rng_state * 2685821657736338717ull;
    return (double)(r >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/* ---- dense matrices for the oracle -------------------------------------- */

typedef struct mat {
    int r, c;
    double *a; /* row-major */
} mat;

static mat mk(int r, int c)
{
    mat m = {r, c, calloc((size_t)r * (size_t)c + 1, sizeof(double))};
    return m;
}
static void mfree(mat *m) { free(m->a), m->a = NULL; }
#define AT(m, i, j) ((m).a[(size_t)(i) * (size_t)(m).c + (size_t)(j)])

static mat col(const double *v, int n) /* n x 1 */
{
    mat m = mk(n, 1);
    for (int i = 0; i < n; i++)
        AT(m, i, 0) = v[i];
    return m;
}
static mat rowv(const double *v, int n) /* 1 x n */
{
    mat m = mk(1, n);
    for (int i = 0; i < n; i++)
        AT(m, 0, i) = v[i];
    return m;
}
static mat ones_col(int n)
{
    mat m = mk(n, 1);
    for (int i = 0; i < n; i++)
        AT(m, i, 0) = 1.0;
    return m;
}
static mat mtr(mat A) /* consumes A */
{
    mat m = mk(A.c, A.r);
    for (int i = 0; i < A.r; i++)
        for (int j = 0; j < A.c; j++)
            AT(m, j, i) = AT(A, i, j);
    mfree(&A);
    return m;
}
/* A B, consuming both (so products chain without leaks) */
static mat mul(mat A, mat B)
{
    mat m = mk(A.r, B.c);
    if (A.c != B.r) {
        CHECK_(0, "oracle shape %dx%d * %dx%d", A.r, A.c, B.r, B.c);
    } else {
        for (int i = 0; i < A.r; i++)
            for (int j = 0; j < B.c; j++) {
                double s = 0;
                for (int k = 0; k < A.c; k++)
                    s += AT(A, i, k) * AT(B, k, j);
                AT(m, i, j) = s;
            }
    }
    mfree(&A), mfree(&B);
    return m;
}
static mat scal(double s, mat A) /* consumes A */
{
    for (int i = 0; i < A.r * A.c; i++)
        A.a[i] *= s;
    return A;
}
static mat madd(mat A, mat B) /* consumes both */
{
    for (int i = 0; i < A.r * A.c; i++)
        A.a[i] += B.a[i];
    mfree(&B);
    return A;
}
static mat mcopy(const double *v, int r, int c)
{
    mat m = mk(r, c);
    if (r > 0 && c > 0)
        memcpy(m.a, v, sizeof(double) * (size_t)r * (size_t)c);
    return m;
}

/* The pool's F^r from Shervani-Tabar & Rosenbaum 2023, Methods 4.2, built
 * literally (m = n_post, n = n_pre; y = y_l, x = y_{l-1}, e = e_l,
 * f = e_{l-1}). */
static mat oracle_F(int r, const double *Wv, const double *x, const double *y,
                    const double *f, const double *e, int m, int n)
{
    mat out;
    switch (r) {
    case 0: /* -e_l y_{l-1}^T */
        out = scal(-1, mul(col(e, m), rowv(x, n)));
        break;
    case 1: /* -y_l e_{l-1}^T */
        out = scal(-1, mul(col(y, m), rowv(f, n)));
        break;
    case 2: /* -e_l e_{l-1}^T */
        out = scal(-1, mul(col(e, m), rowv(f, n)));
        break;
    case 3: /* -W */
        out = scal(-1, mcopy(Wv, m, n));
        break;
    case 4: /* -1_l e_{l-1}^T */
        out = scal(-1, mul(ones_col(m), rowv(f, n)));
        break;
    case 5: /* -e_l 1_l^T y_l y_{l-1}^T */
        out = scal(-1, mul(mul(mul(col(e, m), mtr(ones_col(m))), col(y, m)),
                           rowv(x, n)));
        break;
    case 6: /* -y_l y_l^T W e_{l-1} e_{l-1}^T */
        out = scal(-1, mul(mul(mul(mul(col(y, m), rowv(y, m)),
                                   mcopy(Wv, m, n)),
                               col(f, n)),
                           rowv(f, n)));
        break;
    case 7: /* -e_l y_l^T W e_{l-1} y_{l-1}^T */
        out = scal(-1, mul(mul(mul(mul(col(e, m), rowv(y, m)),
                                   mcopy(Wv, m, n)),
                               col(f, n)),
                           rowv(x, n)));
        break;
    case 8: /* -y_l y_{l-1}^T W^T e_l e_{l-1}^T */
        out = scal(-1, mul(mul(mul(mul(col(y, m), rowv(x, n)), mtr(mcopy(Wv, m, n))),
                               col(e, m)),
                           rowv(f, n)));
        break;
    default: /* 9: y_l y_{l-1}^T - (y_l y_l^T) W */
        out = madd(mul(col(y, m), rowv(x, n)),
                   scal(-1, mul(mul(col(y, m), rowv(y, m)),
                                mcopy(Wv, m, n))));
        break;
    }
    return out;
}

/* ---- a test rig: one projection ------------------------------------------- */

typedef struct rig {
    int m, n; /* n_post, n_pre */
    double *W, *W0, *x, *y, *f, *e, *state, *scratch;
    double p[40];
    const double *p_syn[40]; /* all NULL: scalar parameters */
    mp_rate_io io;
    mp_p_host_ctx ctx;
    mp_error err;
    const mp_p_plugin *pl;
} rig;

static double *rvec(int n)
{
    if (n == 0)
        return NULL; /* a rule must not touch an empty vector */
    double *v = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++)
        v[i] = urand();
    return v;
}

static void rig_init(rig *g, const mp_p_plugin *pl, int m, int n)
{
    memset(g, 0, sizeof *g);
    g->pl = pl;
    g->m = m, g->n = n;
    g->W = rvec(m * n);
    g->W0 = rvec(m * n);
    if (m > 0 && n > 0)
        memcpy(g->W0, g->W, sizeof(double) * (size_t)(m * n));
    g->x = rvec(n);
    g->y = rvec(m);
    g->f = rvec(n);
    g->e = rvec(m);
    for (uint32_t i = 0; i < pl->desc->n_params && i < 40; i++)
        g->p[i] = pl->desc->params[i].def;
    g->ctx = (mp_p_host_ctx){&g->err, "proj", pl->desc->name, NULL};
    mp_error_clear(&g->err);
}

static void rig_free(rig *g)
{
    free(g->W), free(g->W0), free(g->x), free(g->y), free(g->f), free(g->e);
    free(g->state);
    free(g->scratch);
}

static void setp(rig *g, const char *name, double v)
{
    int i = mp_p_param_index(g->pl->desc, name);
    CHECK_(i >= 0, "%s has no parameter %s", g->pl->desc->name, name);
    if (i >= 0)
        g->p[i] = v;
}

/* Restores W, allocates the state as a host would, calls step. */
static int rig_step(rig *g)
{
    const mp_rule_desc *d = g->pl->desc;
    if (g->m > 0 && g->n > 0)
        memcpy(g->W, g->W0, sizeof(double) * (size_t)(g->m * g->n));
    free(g->state);
    free(g->scratch);
    g->state = g->scratch = NULL;
    size_t ns = d->state_size ? d->state_size(g->p, (uint32_t)g->n, (uint32_t)g->m) : 0;
    size_t nx = d->scratch_size ? d->scratch_size(g->p, (uint32_t)g->n, (uint32_t)g->m) : 0;
    if (ns)
        g->state = calloc(ns, sizeof(double));
    if (nx) {
        g->scratch = malloc(nx * sizeof(double));
        for (size_t i = 0; i < nx; i++)
            g->scratch[i] = NAN; /* scratch must be written before it is read */
    }
    g->io = (mp_rate_io){
        .c = {.size = (uint32_t)sizeof(mp_rate_io),
              .n_pre = (uint32_t)g->n,
              .n_post = (uint32_t)g->m,
              .p = g->p,
              .p_syn = g->p_syn,
              .state = g->state,
              .scratch = g->scratch,
              .host = &g->ctx,
              .api = mp_p_host_api()},
        .t = 1.0,
        .dt = 1.0,
        .W = g->W,
        .y_pre = g->x,
        .y_post = g->y,
        .e_pre = g->f,
        .e_post = g->e,
    };
    mp_error_clear(&g->err);
    if (d->reset) {
        int rc = d->reset(NULL, &g->io);
        if (rc)
            return rc;
    }
    return d->step(&g->io);
}

/* want = W0 + sum_r coef[r] F^r (coef NULL: none), plus an extra dense
 * update `extra` (may be NULL) with its own magnitude `extra_mag`. */
static int compare(rig *g, const char *what, const double *want,
                   const double *mag)
{
    int bad = 0;
    for (int i = 0; i < g->m * g->n; i++) {
        double tol = RTOL * (fabs(g->W0[i]) + mag[i]) + 1e-300;
        if (!(fabs(g->W[i] - want[i]) <= tol)) {
            if (!bad)
                CHECK_(0, "%s (%dx%d): W[%d] = %.17g, oracle %.17g", what,
                       g->m, g->n, i, g->W[i], want[i]);
            bad = 1;
        }
    }
    if (!bad)
        CHECK_(1, "%s", what);
    return bad;
}

/* Checks W against W0 + sum_r th[r] F^r. */
static void check_pool_oracle(rig *g, const char *what, const double th[10])
{
    const int m = g->m, n = g->n;
    double *want = calloc((size_t)(m * n) + 1, sizeof(double));
    double *mag = calloc((size_t)(m * n) + 1, sizeof(double));
    for (int i = 0; i < m * n; i++)
        want[i] = g->W0[i];
    for (int r = 0; r < 10; r++) {
        if (th[r] == 0.0)
            continue;
        mat F = oracle_F(r, g->W0, g->x, g->y, g->f, g->e, m, n);
        for (int i = 0; i < m * n; i++) {
            want[i] += th[r] * F.a[i];
            mag[i] += fabs(th[r] * F.a[i]);
        }
        mfree(&F);
    }
    compare(g, what, want, mag);
    free(want), free(mag);
}

static const int sizes[][2] = {{5, 7}, {7, 5}, {1, 1}, {1, 7}, {6, 6}};
#define N_SIZES (int)(sizeof sizes / sizeof *sizes)
static const int empty[][2] = {{0, 7}, {5, 0}, {0, 0}};

/* ---- descriptors ----------------------------------------------------------- */

static void check_desc(const char *name, int n_params, int n_coef,
                       int has_scratch)
{
    mp_p_plugin *pl = load_named(name);
    if (!pl)
        return;
    const mp_rule_desc *d = pl->desc;
    CHECK_STR(d->name, name);
    CHECK_EQ(d->kind, MP_RULE_RATE);
    CHECK(d->step != NULL);
    CHECK(d->on_pre == NULL && d->on_post == NULL);
    CHECK_EQ(d->abi_major, 2);
    CHECK_EQ(d->abi_minor, 0);
    CHECK_(d->n_traces == 0, "%s: a rate rule reads no traces", name);
    CHECK(d->summary && d->summary[0]);
    CHECK_EQ(d->n_params, (uint32_t)n_params);
    CHECK(d->state_size == NULL); /* none carries memory across samples */
    CHECK_EQ(!!d->scratch_size, has_scratch);
    int coefs = 0;
    for (uint32_t i = 0; i < d->n_params; i++) {
        const mp_param_desc *q = &d->params[i];
        coefs += !!(q->flags & MP_PARAM_COEF);
        CHECK_(q->lo <= q->def && q->def <= q->hi, "%s.%s default in bounds",
               name, q->name);
        CHECK(q->unit && q->doc && q->doc[0]);
    }
    CHECK_EQ(coefs, n_coef);
    mp_p_plugin_free(pl);
}

static void test_descriptors(void)
{
    check_desc("pool", 10, 10, 1);
    check_desc("pseudo_gradient", 1, 1, 0);
    check_desc("ehebb", 2, 2, 0);
    check_desc("oja", 2, 1, 1);
    check_desc("anti_hebb", 2, 1, 0);
    check_desc("volterra", 29, 27, 0);

    mp_p_plugin *pl = load_named("pool");
    if (pl) {
        char nm[16];
        for (int r = 0; r < 10; r++) {
            snprintf(nm, sizeof nm, "theta%d", r);
            int i = mp_p_param_index(pl->desc, nm);
            CHECK_EQ(i, r);
            if (i >= 0) {
                CHECK(pl->desc->params[i].def == (r == 0 ? 1e-3 : 0.0));
                CHECK(pl->desc->params[i].lo == -HUGE_VAL);
                CHECK(pl->desc->params[i].hi == HUGE_VAL);
            }
        }
        mp_p_plugin_free(pl);
    }
    pl = load_named("volterra");
    if (pl) {
        const mp_rule_desc *d = pl->desc;
        CHECK_STR(d->params[0].name, "eta");
        CHECK(d->params[0].def == 1.0 && !(d->params[0].flags & MP_PARAM_COEF));
        char nm[8];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 3; c++) {
                    snprintf(nm, sizeof nm, "a%d%d%d", a, b, c);
                    CHECK_EQ(mp_p_param_index(d, nm), 1 + 9 * a + 3 * b + c);
                }
        CHECK_EQ(mp_p_param_index(d, "lower_only"), 28);
        CHECK(d->params[28].def == 0.0);
        mp_p_plugin_free(pl);
    }
    pl = load_named("oja");
    if (pl) {
        int i = mp_p_param_index(pl->desc, "subspace");
        CHECK(i >= 0 && pl->desc->params[i].def == 1.0);
        mp_p_plugin_free(pl);
    }
    pl = load_named("anti_hebb");
    if (pl) {
        int i = mp_p_param_index(pl->desc, "lower_only");
        CHECK(i >= 0 && pl->desc->params[i].def == 1.0);
        mp_p_plugin_free(pl);
    }
}

/* ---- pool ---------------------------------------------------------------------- */

static void test_pool(void)
{
    mp_p_plugin *pl = load_named("pool");
    if (!pl)
        return;
    rig g;
    char what[96];
    for (int s = 0; s < N_SIZES; s++) {
        for (int r = 0; r < 10; r++) {
            rig_init(&g, pl, sizes[s][0], sizes[s][1]);
            double th[10] = {0};
            th[r] = 0.37;
            for (int i = 0; i < 10; i++) {
                char nm[16];
                snprintf(nm, sizeof nm, "theta%d", i);
                setp(&g, nm, th[i]);
            }
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            snprintf(what, sizeof what, "pool F%d alone", r);
            check_pool_oracle(&g, what, th);
            /* negative coefficient too */
            th[r] = -1.93;
            g.p[r] = th[r];
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            snprintf(what, sizeof what, "pool F%d alone (theta -1.93)", r);
            check_pool_oracle(&g, what, th);
            rig_free(&g);
        }
        /* all ten together */
        static const double all[10] = {0.37, -0.21, 0.13, 0.071, -0.29,
                                       0.043, 0.17, -0.11, 0.23, 0.31};
        rig_init(&g, pl, sizes[s][0], sizes[s][1]);
        memcpy(g.p, all, sizeof all);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        check_pool_oracle(&g, "pool, all ten terms", all);
        /* the defaults: theta0 = 1e-3 */
        double def[10] = {1e-3};
        for (int i = 0; i < 10; i++)
            g.p[i] = pl->desc->params[i].def;
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        check_pool_oracle(&g, "pool defaults", def);
        /* some pairs that share a group: F6+F7 (s6), F1+F6+F8, F0+F5+F7+F9 */
        static const int pairs[][4] = {{6, 7, -1, -1}, {1, 6, 8, -1},
                                       {0, 5, 7, 9}, {3, 9, -1, -1},
                                       {2, 4, -1, -1}, {8, 9, -1, -1}};
        for (size_t q = 0; q < sizeof pairs / sizeof *pairs; q++) {
            double th[10] = {0};
            for (int t = 0; t < 4; t++)
                if (pairs[q][t] >= 0)
                    th[pairs[q][t]] = 0.3 + 0.1 * t;
            memcpy(g.p, th, sizeof th);
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            snprintf(what, sizeof what, "pool group %zu", q);
            check_pool_oracle(&g, what, th);
        }
        rig_free(&g);
    }
    /* degenerate sizes: nothing to do, nothing touched */
    for (size_t s = 0; s < sizeof empty / sizeof *empty; s++) {
        rig_init(&g, pl, empty[s][0], empty[s][1]);
        for (int i = 0; i < 10; i++)
            g.p[i] = 0.37;
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        rig_free(&g);
    }
    /* blow-up: an infinite activation */
    rig_init(&g, pl, 5, 7);
    g.x[3] = INFINITY;
    CHECK_EQ(rig_step(&g), MP_RULE_BLOWUP);
    g.x[3] = 0.5;
    g.p[9] = 1e300;
    g.p[0] = 0.0;
    g.y[2] = 1e300;
    CHECK_EQ(rig_step(&g), MP_RULE_BLOWUP);
    rig_free(&g);
    mp_p_plugin_free(pl);
}

/* No errors (e_pre / e_post NULL): the terms that read one are refused. */
static void test_pool_no_errors(void)
{
    mp_p_plugin *pl = load_named("pool");
    if (!pl)
        return;
    /* which vectors each term reads: 1 e_post, 2 e_pre */
    static const int reads[10] = {1, 2, 3, 0, 2, 1, 2, 3, 3, 0};
    rig g;
    rig_init(&g, pl, 5, 7);
    double *e = g.e, *f = g.f;
    for (int r = 0; r < 10; r++) {
        for (int miss = 1; miss <= 2; miss++) {
            memset(g.p, 0, sizeof g.p);
            g.p[r] = 0.37;
            g.e = miss == 1 ? NULL : e;
            g.f = miss == 2 ? NULL : f;
            int rc = rig_step(&g);
            if (reads[r] & miss) {
                CHECK_EQ(rc, MP_RULE_BUG);
                char want[64];
                snprintf(want, sizeof want, "theta%d = 0.37 needs %s", r,
                         miss == 1 ? "e_post" : "e_pre");
                CHECK_(contains(g.err.text, want), "\"%s\" has \"%s\"",
                       g.err.text, want);
                CHECK(contains(g.err.text, "projection 'proj' (rule pool)"));
                CHECK(memcmp(g.W, g.W0, sizeof(double) * 35) == 0);
            } else {
                CHECK_EQ(rc, MP_RULE_OK);
                CHECK_EQ(g.err.code, MP_OK);
            }
        }
    }
    /* an unsupervised network: F3 + F9 with neither error vector */
    memset(g.p, 0, sizeof g.p);
    g.p[3] = 0.37, g.p[9] = 0.41;
    g.e = NULL, g.f = NULL;
    CHECK_EQ(rig_step(&g), MP_RULE_OK);
    {
        double th[10] = {0};
        th[3] = 0.37, th[9] = 0.41;
        check_pool_oracle(&g, "pool F3 + F9 without errors", th);
    }
    g.e = e, g.f = f;
    rig_free(&g);
    mp_p_plugin_free(pl);
}

/* The special-case rules give the pool's bits. */
static void run_pair(const char *name, const char *const *pn, const double *pv,
                     int np, const double th[10], int m, int n)
{
    mp_p_plugin *pool = load_named("pool"), *pl = load_named(name);
    if (!pool || !pl) {
        if (pool)
            mp_p_plugin_free(pool);
        if (pl)
            mp_p_plugin_free(pl);
        return;
    }
    rig a, b;
    rig_init(&a, pool, m, n);
    rng_state ^= 0x1234; /* b gets the same inputs: copy them */
    rig_init(&b, pl, m, n);
    if (m > 0 && n > 0) {
        memcpy(b.W0, a.W0, sizeof(double) * (size_t)(m * n));
    }
    memcpy(b.x, a.x, sizeof(double) * (size_t)n);
    memcpy(b.f, a.f, sizeof(double) * (size_t)n);
    memcpy(b.y, a.y, sizeof(double) * (size_t)m);
    memcpy(b.e, a.e, sizeof(double) * (size_t)m);
    memcpy(a.p, th, 10 * sizeof(double));
    for (int i = 0; i < np; i++)
        setp(&b, pn[i], pv[i]);
    CHECK_EQ(rig_step(&a), MP_RULE_OK);
    CHECK_EQ(rig_step(&b), MP_RULE_OK);
    CHECK_(memcmp(a.W, b.W, sizeof(double) * (size_t)(m * n)) == 0,
           "%s gives the bits of pool", name);
    check_pool_oracle(&b, name, th);
    rig_free(&a), rig_free(&b);
    mp_p_plugin_free(pool), mp_p_plugin_free(pl);
}

static void test_special_cases(void)
{
    for (int s = 0; s < N_SIZES; s++) {
        int m = sizes[s][0], n = sizes[s][1];
        {
            const char *pn[] = {"eta"};
            const double pv[] = {0.37};
            const double th[10] = {0.37};
            run_pair("pseudo_gradient", pn, pv, 1, th, m, n);
        }
        {
            const char *pn[] = {"theta0", "theta2"};
            const double pv[] = {0.37, -0.53};
            const double th[10] = {0.37, 0, -0.53};
            run_pair("ehebb", pn, pv, 2, th, m, n);
            const double pv2[] = {0.0, 0.37};
            const double th2[10] = {0, 0, 0.37};
            run_pair("ehebb", pn, pv2, 2, th2, m, n);
            const double pv3[] = {0.37, 0.0};
            const double th3[10] = {0.37};
            run_pair("ehebb", pn, pv3, 2, th3, m, n);
        }
        {
            const char *pn[] = {"eta", "subspace"};
            const double pv[] = {0.37, 1.0};
            const double th[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0.37};
            run_pair("oja", pn, pv, 2, th, m, n);
        }
    }
}

/* ---- pseudo_gradient, ehebb: refusals, sizes --------------------------------- */

static void test_small_rules_errors(void)
{
    mp_p_plugin *pl = load_named("pseudo_gradient");
    rig g;
    if (pl) {
        rig_init(&g, pl, 5, 7);
        double *e = g.e;
        g.e = NULL;
        CHECK_EQ(rig_step(&g), MP_RULE_BUG);
        CHECK(contains(g.err.text, "needs e_post"));
        setp(&g, "eta", 0.0);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        g.e = e;
        rig_free(&g);
        for (size_t s = 0; s < sizeof empty / sizeof *empty; s++) {
            rig_init(&g, pl, empty[s][0], empty[s][1]);
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            rig_free(&g);
        }
        mp_p_plugin_free(pl);
    }
    pl = load_named("ehebb");
    if (pl) {
        rig_init(&g, pl, 5, 7);
        double *f = g.f;
        g.f = NULL; /* theta2 = 0 (default): e_pre not needed */
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        setp(&g, "theta2", 0.37);
        CHECK_EQ(rig_step(&g), MP_RULE_BUG);
        CHECK(contains(g.err.text, "theta2 = 0.37 needs e_pre"));
        g.f = f;
        rig_free(&g);
        for (size_t s = 0; s < sizeof empty / sizeof *empty; s++) {
            rig_init(&g, pl, empty[s][0], empty[s][1]);
            setp(&g, "theta2", 0.37);
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            rig_free(&g);
        }
        mp_p_plugin_free(pl);
    }
}

/* ---- oja ---------------------------------------------------------------------- */

/* eta (y x^T - diag(y .* y) W): Oja 1982 per output neuron */
static void check_oja_neuron(rig *g, const char *what, double eta)
{
    const int m = g->m, n = g->n;
    mat D = mk(m, m);
    for (int j = 0; j < m; j++)
        AT(D, j, j) = g->y[j] * g->y[j];
    mat hebb = mul(col(g->y, m), rowv(g->x, n));
    mat dec = mul(D, mcopy(g->W0, m, n));
    double *want = calloc((size_t)(m * n) + 1, sizeof(double));
    double *mag = calloc((size_t)(m * n) + 1, sizeof(double));
    for (int i = 0; i < m * n; i++) {
        want[i] = g->W0[i] + eta * (hebb.a[i] - dec.a[i]);
        mag[i] = fabs(eta * hebb.a[i]) + fabs(eta * dec.a[i]);
    }
    compare(g, what, want, mag);
    mfree(&hebb), mfree(&dec);
    free(want), free(mag);
}

static void test_oja(void)
{
    mp_p_plugin *pl = load_named("oja");
    if (!pl)
        return;
    rig g;
    for (int s = 0; s < N_SIZES; s++) {
        rig_init(&g, pl, sizes[s][0], sizes[s][1]);
        setp(&g, "eta", 0.37);
        setp(&g, "subspace", 1);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        const double th[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0.37};
        check_pool_oracle(&g, "oja subspace = F9", th);
        setp(&g, "subspace", 0);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        check_oja_neuron(&g, "oja per neuron", 0.37);
        double *e = g.e, *f = g.f;
        g.e = g.f = NULL; /* needs no errors */
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        setp(&g, "subspace", 1);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        g.e = e, g.f = f;
        rig_free(&g);
    }
    /* one output neuron: both forms are Oja 1982 */
    rig_init(&g, pl, 1, 7);
    setp(&g, "eta", 0.37);
    CHECK_EQ(rig_step(&g), MP_RULE_OK);
    check_oja_neuron(&g, "oja subspace, one neuron", 0.37);
    rig_free(&g);
    for (size_t s = 0; s < sizeof empty / sizeof *empty; s++)
        for (int sub = 0; sub <= 1; sub++) {
            rig_init(&g, pl, empty[s][0], empty[s][1]);
            setp(&g, "subspace", sub);
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            rig_free(&g);
        }
    /* reset refuses a subspace that is neither 0 nor 1 */
    rig_init(&g, pl, 5, 7);
    setp(&g, "subspace", 0.5);
    CHECK_EQ(rig_step(&g), MP_RULE_BUG);
    CHECK(contains(g.err.text, "subspace is 0.5"));
    rig_free(&g);
    mp_p_plugin_free(pl);
}

/* ---- anti_hebb ----------------------------------------------------------------- */

static void check_masked(rig *g, const char *what, const double *dWv,
                         int lower)
{
    const int m = g->m, n = g->n;
    double *want = calloc((size_t)(m * n) + 1, sizeof(double));
    double *mag = calloc((size_t)(m * n) + 1, sizeof(double));
    int exact_ok = 1;
    for (int j = 0; j < m; j++)
        for (int k = 0; k < n; k++) {
            int i = j * n + k, upd = !lower || k < j;
            want[i] = g->W0[i] + (upd ? dWv[i] : 0.0);
            mag[i] = upd ? fabs(dWv[i]) : 0.0;
            if (!upd && g->W[i] != g->W0[i])
                exact_ok = 0;
        }
    compare(g, what, want, mag);
    CHECK_(exact_ok, "%s: the diagonal and upper triangle are untouched", what);
    free(want), free(mag);
}

/* A per-synapse learning rate whose entries all equal the scalar gives
 * the scalar's bits (oja both forms, pseudo_gradient); a varying one gives
 * W0 + eta_jk times the scalar rule's update at eta = 1 (the update is
 * linear in eta). */
static void per_synapse_rule(const char *name, const char *form, double form_v)
{
    mp_p_plugin *pl = load_named(name);
    if (!pl)
        return;
    for (int s = 0; s < N_SIZES; s++) {
        const int m = sizes[s][0], n = sizes[s][1], nw = m * n;
        if (nw == 0)
            continue;
        rig g;
        rig_init(&g, pl, m, n);
        if (form)
            setp(&g, form, form_v);
        setp(&g, "eta", 0.37);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        double *scalar = malloc(sizeof(double) * (size_t)nw);
        double *unit = malloc(sizeof(double) * (size_t)nw);
        double *eta = malloc(sizeof(double) * (size_t)nw);
        memcpy(scalar, g.W, sizeof(double) * (size_t)nw);
        for (int i = 0; i < nw; i++)
            eta[i] = 0.37;
        g.p_syn[0] = eta;
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        CHECK_(memcmp(scalar, g.W, sizeof(double) * (size_t)nw) == 0,
               "%s %s=%g (%dx%d): a constant per-synapse eta changed the bits", name,
               form ? form : "", form_v, m, n);
        g.p_syn[0] = NULL;
        setp(&g, "eta", 1.0);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        memcpy(unit, g.W, sizeof(double) * (size_t)nw);
        for (int i = 0; i < nw; i++)
            eta[i] = 0.1 + 0.05 * (i % 7);
        g.p_syn[0] = eta;
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        for (int i = 0; i < nw; i++)
            CHECK_NEAR(g.W[i], g.W0[i] + eta[i] * (unit[i] - g.W0[i]), 1e-13, 1e-15);
        g.p_syn[0] = NULL;
        free(scalar), free(unit), free(eta);
        rig_free(&g);
    }
    mp_p_plugin_free(pl);
}

static void test_per_synapse(void)
{
    per_synapse_rule("oja", "subspace", 1);
    per_synapse_rule("oja", "subspace", 0);
    per_synapse_rule("pseudo_gradient", NULL, 0);
}

static void test_anti_hebb(void)
{
    mp_p_plugin *pl = load_named("anti_hebb");
    if (!pl)
        return;
    rig g;
    for (int s = 0; s < N_SIZES; s++) {
        const int m = sizes[s][0], n = sizes[s][1];
        rig_init(&g, pl, m, n);
        setp(&g, "eta", 0.37);
        mat dW = scal(-0.37, mul(col(g.y, m), rowv(g.x, n)));
        for (int lower = 0; lower <= 1; lower++) {
            setp(&g, "lower_only", lower);
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            check_masked(&g, lower ? "anti_hebb lower_only" : "anti_hebb all",
                         dW.a, lower && m == n);
        }
        mfree(&dW);
        rig_free(&g);
    }
    /* lateral: y_pre is y_post */
    rig_init(&g, pl, 6, 6);
    memcpy(g.x, g.y, 6 * sizeof(double));
    CHECK_EQ(rig_step(&g), MP_RULE_OK);
    mat dW = scal(-1e-3, mul(col(g.y, 6), rowv(g.y, 6)));
    check_masked(&g, "anti_hebb lateral defaults", dW.a, 1);
    mfree(&dW);
    setp(&g, "lower_only", 2);
    CHECK_EQ(rig_step(&g), MP_RULE_BUG);
    rig_free(&g);
    for (size_t s = 0; s < sizeof empty / sizeof *empty; s++) {
        rig_init(&g, pl, empty[s][0], empty[s][1]);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        rig_free(&g);
    }
    mp_p_plugin_free(pl);
}

/* ---- volterra ------------------------------------------------------------------ */

/* eta sum A_abc x_k^a y_j^b w_jk^c, naively with pow() */
static void check_volterra(rig *g, const char *what, double eta,
                           const double A[27], int lower)
{
    const int m = g->m, n = g->n;
    double *want = calloc((size_t)(m * n) + 1, sizeof(double));
    double *mag = calloc((size_t)(m * n) + 1, sizeof(double));
    for (int j = 0; j < m; j++)
        for (int k = 0; k < n; k++) {
            const int i = j * n + k;
            const double w = g->W0[i];
            double s = 0, sm = 0;
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    for (int c = 0; c < 3; c++) {
                        double t = eta * A[9 * a + 3 * b + c] *
                                   pow(g->x[k], a) * pow(g->y[j], b) *
                                   pow(w, c);
                        s += t;
                        sm += fabs(t);
                    }
            const int upd = !lower || k < j;
            want[i] = w + (upd ? s : 0.0);
            mag[i] = upd ? sm : 0.0;
        }
    compare(g, what, want, mag);
    free(want), free(mag);
}

static void set_volterra(rig *g, double eta, const double A[27])
{
    g->p[0] = eta;
    memcpy(g->p + 1, A, 27 * sizeof(double));
}

static void test_volterra(void)
{
    mp_p_plugin *pl = load_named("volterra");
    mp_p_plugin *oja = load_named("oja");
    mp_p_plugin *ah = load_named("anti_hebb");
    if (!pl || !oja || !ah)
        goto out;
    rig g;
    char what[64];
    for (int s = 0; s < N_SIZES; s++) {
        const int m = sizes[s][0], n = sizes[s][1];
        rig_init(&g, pl, m, n);
        /* every coefficient on its own */
        for (int i = 0; i < 27; i++) {
            double A[27] = {0};
            A[i] = 0.37;
            set_volterra(&g, 0.7, A);
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            snprintf(what, sizeof what, "volterra a%d%d%d alone", i / 9,
                     (i / 3) % 3, i % 3);
            check_volterra(&g, what, 0.7, A, 0);
        }
        /* all 27 at once, both masks */
        double A[27];
        for (int i = 0; i < 27; i++)
            A[i] = urand();
        set_volterra(&g, 0.37, A);
        for (int lower = 0; lower <= 1; lower++) {
            setp(&g, "lower_only", lower);
            CHECK_EQ(rig_step(&g), MP_RULE_OK);
            check_volterra(&g, "volterra all 27", 0.37, A, lower && m == n);
        }
        setp(&g, "lower_only", 0);

        /* Oja (eq. 4: A110 = 1, A021 = -1) is the oja rule, per neuron */
        double Aoja[27] = {0};
        Aoja[9 * 1 + 3 * 1 + 0] = 1.0;
        Aoja[9 * 0 + 3 * 2 + 1] = -1.0;
        set_volterra(&g, 0.37, Aoja);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        check_oja_neuron(&g, "volterra Oja coefficients", 0.37);
        rig o;
        rig_init(&o, oja, m, n);
        memcpy(o.W0, g.W0, sizeof(double) * (size_t)(m * n));
        memcpy(o.x, g.x, sizeof(double) * (size_t)n);
        memcpy(o.y, g.y, sizeof(double) * (size_t)m);
        setp(&o, "eta", 0.37);
        setp(&o, "subspace", 0);
        CHECK_EQ(rig_step(&o), MP_RULE_OK);
        int same = 1;
        for (int i = 0; i < m * n; i++)
            same &= fabs(o.W[i] - g.W[i]) <=
                    RTOL * (fabs(g.W0[i]) + fabs(o.W[i] - g.W0[i]) * 2);
        CHECK_(same, "volterra(Oja) == oja per neuron (%dx%d)", m, n);
        rig_free(&o);

        /* anti-Hebbian (eq. 8: B110 = -1), hierarchical */
        double Aah[27] = {0};
        Aah[9 * 1 + 3 * 1 + 0] = -1.0;
        set_volterra(&g, 0.37, Aah);
        setp(&g, "lower_only", 1);
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        rig h;
        rig_init(&h, ah, m, n);
        memcpy(h.W0, g.W0, sizeof(double) * (size_t)(m * n));
        memcpy(h.x, g.x, sizeof(double) * (size_t)n);
        memcpy(h.y, g.y, sizeof(double) * (size_t)m);
        setp(&h, "eta", 0.37);
        CHECK_EQ(rig_step(&h), MP_RULE_OK);
        CHECK_(memcmp(h.W, g.W, sizeof(double) * (size_t)(m * n)) == 0,
               "volterra(a110 = -1, lower_only) == anti_hebb (%dx%d)", m, n);
        rig_free(&h);
        rig_free(&g);
    }
    for (size_t s = 0; s < sizeof empty / sizeof *empty; s++) {
        rig_init(&g, pl, empty[s][0], empty[s][1]);
        for (int i = 1; i < 28; i++)
            g.p[i] = 0.37;
        CHECK_EQ(rig_step(&g), MP_RULE_OK);
        rig_free(&g);
    }
    rig_init(&g, pl, 5, 7);
    setp(&g, "lower_only", 0.5);
    CHECK_EQ(rig_step(&g), MP_RULE_BUG);
    CHECK(contains(g.err.text, "lower_only is 0.5"));
    setp(&g, "lower_only", 0);
    setp(&g, "a000", 1.0);
    g.W0[4] = NAN;
    CHECK_EQ(rig_step(&g), MP_RULE_BLOWUP);
    rig_free(&g);
out:
    if (pl)
        mp_p_plugin_free(pl);
    if (oja)
        mp_p_plugin_free(oja);
    if (ah)
        mp_p_plugin_free(ah);
}

int main(void)
{
    if (!getenv("METAPLAST_PLUGIN_PATH")) {
        fprintf(stderr, "run through ctest (METAPLAST_PLUGIN_PATH unset)\n");
        return 1;
    }
    test_descriptors();
    test_pool();
    test_pool_no_errors();
    test_special_cases();
    test_small_rules_errors();
    test_oja();
    test_per_synapse();
    test_anti_hebb();
    test_volterra();
    return CHECK_DONE();
}
