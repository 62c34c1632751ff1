/* The plugin loader (core/plugin/search.c, loader.c, host_api.c) and the
 * shipped rules (plugins/istdp.c, plugins/stdp.c): search path, ABI checks
 * with the fixtures of tests/plugins/, hooks against hand-computed weights. */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "check.h"
#include "metaplast/plugin.h"
#include "plugin/host_ctx.h"
#include "plugin/plugin_int.h"


static char plugin_dir[1024];  /* <build>/plugins */
static char fixture_dir[1024]; /* <build>/tests/badplugins */

static const char *nonnull(const char *s) { return s ? s : "(null)"; }

static int contains(const char *s, const char *sub)
{
    return s && sub && strstr(s, sub) != NULL;
}

#define CHECK_HAS(s, sub)                                                      \
    CHECK_(contains((s), (sub)), "\"%s\" contains \"%s\"", nonnull(s), (sub))

/* Loads a plugin by rule name through mp_p_resolve. */
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

/* ---- search path ------------------------------------------------------- */

static void test_resolve(void)
{
    char path[4096], want[2048];
    mp_error err;

    mp_error_clear(&err);
    CHECK_OK(mp_p_resolve("istdp", NULL, path, sizeof path, &err));
    snprintf(want, sizeof want, "%s/istdp.so", plugin_dir);
    char *real = realpath(want, NULL);
    CHECK(real != NULL);
    if (real)
        CHECK_STR(path, real);
    free(real);

    /* unknown name: the message lists every directory it looked in */
    mp_error_clear(&err);
    CHECK_EQ(mp_p_resolve("no_such_rule", NULL, path, sizeof path, &err),
             MP_EPLUGIN);
    CHECK_EQ(err.code, MP_EPLUGIN);
    CHECK_HAS(err.text, "no_such_rule");
    CHECK_HAS(err.text, plugin_dir);
    char cwd[2048];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    char exe_plugins[2100];
    snprintf(exe_plugins, sizeof exe_plugins, "%s/plugins", cwd); /* test runs in its exe dir */
    CHECK_HAS(err.text, exe_plugins);
    char dirs[8192];
    size_t n = mp_p_search_path(dirs, sizeof dirs);
    CHECK(n >= 3);
    CHECK(strncmp(dirs, plugin_dir, strlen(plugin_dir)) == 0);

    /* explicit paths resolve from base_dir and are not searched for */
    mp_error_clear(&err);
    CHECK_OK(mp_p_resolve("../badplugins/good_fallback.so", fixture_dir,
                          path, sizeof path, &err));
    CHECK_HAS(path, "/badplugins/good_fallback.so");
    mp_error_clear(&err);
    CHECK_EQ(mp_p_resolve("./missing.so", fixture_dir, path, sizeof path, &err),
             MP_EPLUGIN);
    CHECK_HAS(err.text, "missing.so");
    CHECK_HAS(err.text, fixture_dir);
    mp_error_clear(&err);
    CHECK_EQ(mp_p_resolve("", NULL, path, sizeof path, &err), MP_EPLUGIN);
    /* a directory is not "not found": it says what is expected instead */
    mp_error_clear(&err);
    CHECK_EQ(mp_p_resolve("../badplugins/", fixture_dir, path, sizeof path, &err),
             MP_EPLUGIN);
    CHECK_HAS(err.text, "is a directory, not a plugin file");
    CHECK_HAS(err.text, "name the .so file in it");

    /* trusted plugins only: files directly in a search directory pass
     * (METAPLAST_PLUGIN_PATH is <build>/plugins here), others do not, and
     * ".." cannot lead out */
    snprintf(want, sizeof want, "%s/istdp.so", plugin_dir);
    mp_error_clear(&err);
    CHECK_OK(mp_p_check_trusted(want, &err));
    snprintf(want, sizeof want, "%s/good_fallback.so", fixture_dir);
    mp_error_clear(&err);
    CHECK_EQ(mp_p_check_trusted(want, &err), MP_EPLUGIN);
    CHECK_HAS(err.text, "good_fallback.so' is outside the plugin search path");
    CHECK_HAS(err.text, plugin_dir);
    snprintf(want, sizeof want, "%s/../tests/badplugins/good_fallback.so", plugin_dir);
    mp_error_clear(&err);
    CHECK_EQ(mp_p_check_trusted(want, &err), MP_EPLUGIN);
    mp_error_clear(&err);
    CHECK_EQ(mp_p_check_trusted("/no/such/file.so", &err), MP_EPLUGIN);
    CHECK(mp_p_is_path("./x") && mp_p_is_path("x.so") && !mp_p_is_path("istdp"));

    /* never the current directory, not even through empty path entries */
    char old_env[4096];
    snprintf(old_env, sizeof old_env, "%s", getenv("METAPLAST_PLUGIN_PATH"));
    char env[4200];
    snprintf(env, sizeof env, ":%s::", plugin_dir);
    setenv("METAPLAST_PLUGIN_PATH", env, 1);
    CHECK_OK(chdir(fixture_dir));
    mp_error_clear(&err);
    CHECK_EQ(mp_p_resolve("good_fallback", NULL, path, sizeof path, &err),
             MP_EPLUGIN);
    mp_error_clear(&err);
    CHECK_OK(mp_p_resolve("stdp", NULL, path, sizeof path, &err));
    CHECK_OK(chdir(cwd));

    /* METAPLAST_PLUGIN_PATH entries are searched in order */
    snprintf(env, sizeof env, "%s:%s", fixture_dir, plugin_dir);
    setenv("METAPLAST_PLUGIN_PATH", env, 1);
    mp_error_clear(&err);
    CHECK_OK(mp_p_resolve("good_fallback", NULL, path, sizeof path, &err));
    CHECK_HAS(path, "good_fallback.so");
    setenv("METAPLAST_PLUGIN_PATH", old_env, 1);

    /* a too small output buffer is an error, not a truncation */
    char tiny[8];
    mp_error_clear(&err);
    CHECK(mp_p_resolve("istdp", NULL, tiny, sizeof tiny, &err) != MP_OK);
}

/* ---- descriptors --------------------------------------------------------- */

static void test_descriptors(void)
{
    mp_p_plugin *p = load_named("istdp");
    if (p) {
        const mp_rule_desc *d = p->desc;
        CHECK_STR(d->name, "istdp");
        CHECK_EQ(d->abi_major, MP_RULE_ABI_MAJOR);
        CHECK(d->kind & MP_RULE_SPIKING);
        CHECK(d->on_pre && d->on_post && d->reset);
        CHECK_EQ(d->n_params, 9);
        CHECK_EQ(d->n_traces, 2);
        CHECK(d->traces[0].side == MP_TRACE_PRE && d->traces[1].side == MP_TRACE_POST);
        CHECK_EQ(p->trace_param[0], mp_p_param_index(d, "tau_pre"));
        CHECK_EQ(p->trace_param[1], mp_p_param_index(d, "tau_post"));
        CHECK(p->trace_param[0] >= 0 && p->trace_param[1] >= 0);
        int i = mp_p_param_index(d, "alpha");
        CHECK(i >= 0);
        if (i >= 0) {
            CHECK_NEAR(d->params[i].def, -0.25, 0, 0);
            CHECK(d->params[i].flags & MP_PARAM_COEF);
        }
        i = mp_p_param_index(d, "eta");
        CHECK(i >= 0 && d->params[i].def == 1e-3);
        i = mp_p_param_index(d, "w_max");
        CHECK(i >= 0 && isinf(d->params[i].def));
        CHECK_EQ(mp_p_param_index(d, "nope"), -1);
        CHECK_EQ(mp_p_param_index(d, "tau"), -1);
        CHECK_HAS(p->path, "istdp.so");
        mp_p_plugin_free(p);
    }
    p = load_named("stdp");
    if (p) {
        const mp_rule_desc *d = p->desc;
        CHECK_STR(d->name, "stdp");
        CHECK_EQ(d->n_traces, 2);
        CHECK_EQ(p->trace_param[0], mp_p_param_index(d, "tau_plus"));
        CHECK_EQ(p->trace_param[1], mp_p_param_index(d, "tau_minus"));
        CHECK_NEAR(d->params[mp_p_param_index(d, "tau_plus")].def, 16.8, 0, 0);
        CHECK_NEAR(d->params[mp_p_param_index(d, "tau_minus")].def, 33.7, 0, 0);
        CHECK_NEAR(d->params[mp_p_param_index(d, "a_minus")].def, 0.0105, 0, 0);
        CHECK_NEAR(d->params[mp_p_param_index(d, "w_max")].def, 1.0, 0, 0);
        mp_p_plugin_free(p);
    }
    mp_p_plugin_free(NULL);
}

/* ---- ABI fixtures ----------------------------------------------------------- */

static void expect_refusal(const char *file, const char *msg1, const char *msg2)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", fixture_dir, file);
    mp_error err;
    mp_error_clear(&err);
    mp_p_plugin *p = (mp_p_plugin *)1;
    int rc = mp_p_plugin_load(path, &p, &err);
    CHECK_(rc == MP_EPLUGIN, "%s: load returned %d", file, rc);
    CHECK_(p == NULL, "%s: out not NULL on failure", file);
    CHECK_EQ(err.code, MP_EPLUGIN);
    CHECK_HAS(err.text, path); /* every refusal names the file */
    CHECK_HAS(err.text, msg1);
    if (msg2)
        CHECK_HAS(err.text, msg2);
    if (rc == MP_OK)
        mp_p_plugin_free(p);
}

static void test_fixtures(void)
{
    char provides[64];
    snprintf(provides, sizeof provides, "this metaplast provides %d.%d", MP_RULE_ABI_MAJOR,
             MP_RULE_ABI_MINOR);
    /* an ABI 1.x plugin: refused, naming the file and both versions */
    expect_refusal("bad_major.so", "built for rule ABI 1.1", provides);
    expect_refusal("bad_major.so", "rebuild it against this metaplast's rule.h",
                   "docs/rule-abi.md, \"Migrating from 1.x\"");
    expect_refusal("bad_future.so", "built for rule ABI 3.0", provides);
    expect_refusal("bad_minor.so", "built for rule ABI 2.99", provides);
    expect_refusal("bad_nosym.so", "mp_rule_bad_nosym_entry", "mp_rule_entry");
    expect_refusal("bad_null_entry.so", "returned NULL",
                   "needs host feature 42, which this metaplast lacks");
    expect_refusal("bad_noname.so", "has no name", NULL);
    expect_refusal("bad_nosummary.so", "no summary", NULL);
    expect_refusal("bad_kind.so", "MP_RULE_SPIKING", NULL);
    expect_refusal("bad_nohooks.so", "on_pre and on_post are both NULL", NULL);
    expect_refusal("bad_size.so", "descriptor is 16 bytes", "smaller");
    expect_refusal("bad_dup_param.so", "'eta' is declared twice", NULL);
    expect_refusal("bad_default.so", "'eta' has the default 2", "outside its bounds [0, 1]");
    expect_refusal("bad_param_name.so", "invalid name \"A_plus\"", "[a-z][a-z0-9_]*");
    expect_refusal("bad_flags.so", "unknown flag bits 0x80", NULL);
    expect_refusal("bad_tau_lo.so", "'tau_post' is the time constant of postsynaptic trace 0",
                   "lower bound must be > 0 (got 0)");
    expect_refusal("bad_trace_param.so", "trace 1 names the time constant 'tau_slow'",
                   "not one of its parameters");
    expect_refusal("bad_many_traces.so", "declares 9 spike traces",
                   "at most 8 (MP_RULE_MAX_TRACES)");
    expect_refusal("bad_trace_side.so", "trace 0 has the side 2", "MP_TRACE_PRE (0)");
    expect_refusal("bad_toggle.so", "'form' is MP_PARAM_TOGGLE",
                   "bounds must lie in [0, 1] and its default be 0 or 1 (got [0, 2], default 1)");
    expect_refusal("bad_integer.so", "'order' is MP_PARAM_INTEGER",
                   "default 2.5 is not an integer");
    expect_refusal("bad_per_synapse.so", "'w_max' is MP_PARAM_PER_SYNAPSE but not "
                   "MP_PARAM_COEF", "only coefficients may be given per synapse");
    expect_refusal("bad_needs.so", "needs names errors of a rate network",
                   "not MP_RULE_RATE");
    expect_refusal("bad_vjp_kind.so", "step_vjp is the reverse mode of a rate rule's step",
                   "not MP_RULE_RATE");
    expect_refusal("bad_undef.so", "cannot load plugin", "mp_fixture_missing_function");
    expect_refusal("does_not_exist.so", "cannot load plugin", NULL);

    /* the refusal message of one load does not leak into the next */
    char path[2048];
    mp_error err;
    mp_p_plugin *p = NULL;
    snprintf(path, sizeof path, "%s/good_fallback.so", fixture_dir);
    mp_error_clear(&err);
    CHECK_OK(mp_p_plugin_load(path, &p, &err));
    if (p) {
        CHECK_STR(p->desc->name, "fallback");
        CHECK_EQ(p->desc->n_traces, 1);
        CHECK_EQ(p->desc->traces[0].side, MP_TRACE_POST);
        CHECK_EQ(p->trace_param[0], 1);
        CHECK(p->desc->on_pre == NULL && p->desc->on_post != NULL);
        mp_p_plugin_free(p);
    }
    snprintf(path, sizeof path, "%s/libmp_odd-name.v2.so", fixture_dir);
    mp_error_clear(&err);
    p = NULL;
    CHECK_OK(mp_p_plugin_load(path, &p, &err));
    if (p) {
        CHECK_STR(p->desc->name, "odd_name");
        mp_p_plugin_free(p);
    } else {
        fprintf(stderr, "odd name: %s\n", err.text);
    }
}

/* ---- hooks ----------------------------------------------------------------- */

/* 3 presynaptic x 2 postsynaptic, all to all; synapse k = 2 i + j. */
static const uint32_t pre_ptr[] = {0, 2, 4, 6};
static const uint32_t post_of[] = {0, 1, 0, 1, 0, 1};
static const uint32_t post_ptr[] = {0, 3, 6};
static const uint32_t post_syn[] = {0, 2, 4, 1, 3, 5};
static const uint32_t pre_of[] = {0, 0, 1, 1, 2, 2};

typedef struct bench {
    double w[6];
    double x_pre[3], x_post[2];
    const double *x[2];      /* the traces: x_pre, x_post (istdp, stdp order) */
    double p[16];
    const double *p_syn[16]; /* all NULL: scalar parameters */
    mp_synapses syn;
    mp_spike_io io;
    mp_p_host_ctx ctx;
    mp_error err;
} bench;

static void bench_init(bench *b, const mp_p_plugin *pl)
{
    static const double w0[6] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    memset(b, 0, sizeof *b);
    memcpy(b->w, w0, sizeof w0);
    b->x_pre[0] = 0.2;
    b->x_pre[1] = 1.1;
    b->x_pre[2] = 0.0;
    b->x_post[0] = 0.5;
    b->x_post[1] = 2.0;
    for (uint32_t i = 0; i < pl->desc->n_params && i < 16; i++)
        b->p[i] = pl->desc->params[i].def;
    b->syn = (mp_synapses){3, 2, 6, b->w, pre_ptr, post_of, post_ptr, post_syn, pre_of};
    b->ctx = (mp_p_host_ctx){&b->err, "inh", pl->desc->name, NULL};
    mp_error_clear(&b->err);
    b->x[0] = b->x_pre;
    b->x[1] = b->x_post;
    b->io = (mp_spike_io){.c = {.size = (uint32_t)sizeof(mp_spike_io),
                                .n_pre = 3,
                                .n_post = 2,
                                .p = b->p,
                                .p_syn = b->p_syn,
                                .host = &b->ctx,
                                .api = mp_p_host_api()},
                          .syn = &b->syn,
                          .x = b->x,
                          .t = 1.0,
                          .dt = 0.1};
}

static void setp(bench *b, const mp_p_plugin *pl, const char *name, double v)
{
    int i = mp_p_param_index(pl->desc, name);
    CHECK_(i >= 0, "no parameter %s", name);
    if (i >= 0)
        b->p[i] = v;
}

static double clip(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void test_istdp_hooks(void)
{
    mp_p_plugin *pl = load_named("istdp");
    if (!pl)
        return;
    const mp_rule_desc *d = pl->desc;
    bench b;
    const double eta = 0.01, alpha = -0.3, beta = 0.05, gamma = 1.5, kappa = 0.7;
    bench_init(&b, pl);
    setp(&b, pl, "eta", eta);
    setp(&b, pl, "alpha", alpha);
    setp(&b, pl, "beta", beta);
    setp(&b, pl, "gamma", gamma);
    setp(&b, pl, "kappa", kappa);
    CHECK_EQ(d->reset(&b.io, NULL), MP_RULE_OK);

    double want[6];
    memcpy(want, b.w, sizeof want);
    const uint32_t pres[] = {0, 2};
    CHECK_EQ(d->on_pre(&b.io, pres, 2), MP_RULE_OK);
    for (uint32_t k = 0; k < 6; k++)
        if (pre_of[k] == 0 || pre_of[k] == 2)
            want[k] = clip(want[k] + eta * (alpha + kappa * b.x_post[post_of[k]]), 0, HUGE_VAL);
    for (int k = 0; k < 6; k++)
        CHECK_NEAR(b.w[k], want[k], 1e-15, 1e-17);
    CHECK_NEAR(b.w[0], 0.1 + 0.01 * (-0.3 + 0.7 * 0.5), 1e-15, 0);
    CHECK_NEAR(b.w[3], 0.4, 0, 0); /* row 1 untouched */

    const uint32_t posts[] = {1};
    CHECK_EQ(d->on_post(&b.io, posts, 1), MP_RULE_OK);
    for (uint32_t k = 0; k < 6; k++)
        if (post_of[k] == 1)
            want[k] = clip(want[k] + eta * (beta + gamma * b.x_pre[pre_of[k]]), 0, HUGE_VAL);
    for (int k = 0; k < 6; k++)
        CHECK_NEAR(b.w[k], want[k], 1e-15, 1e-17);
    CHECK_NEAR(b.w[4], want[4], 0, 0); /* column 0 untouched by on_post */
    CHECK_EQ(d->on_post(&b.io, posts, 0), MP_RULE_OK); /* n = 0 is fine */

    /* clipping at both bounds */
    bench_init(&b, pl);
    setp(&b, pl, "eta", 1.0);
    setp(&b, pl, "alpha", -100.0);
    CHECK_EQ(d->on_pre(&b.io, pres, 2), MP_RULE_OK);
    CHECK_NEAR(b.w[0], 0.0, 0, 0);
    CHECK_NEAR(b.w[5], 0.0, 0, 0);
    CHECK_NEAR(b.w[2], 0.3, 0, 0);
    bench_init(&b, pl);
    setp(&b, pl, "w_min", 0.05);
    setp(&b, pl, "w_max", 0.45);
    setp(&b, pl, "eta", 1.0);
    setp(&b, pl, "beta", 10.0);
    CHECK_EQ(d->on_post(&b.io, posts, 1), MP_RULE_OK);
    CHECK_NEAR(b.w[1], 0.45, 0, 0);
    CHECK_NEAR(b.w[3], 0.45, 0, 0);
    CHECK_NEAR(b.w[0], 0.1, 0, 0);

    /* blow-ups: NaN trace, overflow to inf */
    bench_init(&b, pl);
    b.x_post[1] = NAN;
    CHECK_EQ(d->on_pre(&b.io, pres, 1), MP_RULE_BLOWUP);
    bench_init(&b, pl);
    setp(&b, pl, "eta", 1e300);
    setp(&b, pl, "gamma", 1e300);
    CHECK_EQ(d->on_post(&b.io, posts, 1), MP_RULE_BLOWUP);

    /* reset refuses w_min > w_max, through host->error */
    bench_init(&b, pl);
    setp(&b, pl, "w_min", 2.0);
    setp(&b, pl, "w_max", 1.0);
    CHECK_EQ(d->reset(&b.io, NULL), MP_RULE_BUG);
    CHECK_EQ(b.err.code, MP_EPLUGIN);
    CHECK_HAS(b.err.text, "projection 'inh' (rule istdp): w_min (2) is above w_max (1)");
    mp_p_plugin_free(pl);
}

static void test_stdp_hooks(void)
{
    mp_p_plugin *pl = load_named("stdp");
    if (!pl)
        return;
    const mp_rule_desc *d = pl->desc;
    bench b;
    bench_init(&b, pl);
    const double ap = 0.01, am = 0.0105;
    CHECK_EQ(d->reset(&b.io, NULL), MP_RULE_OK);
    double want[6];
    memcpy(want, b.w, sizeof want);
    const uint32_t pres[] = {1};
    CHECK_EQ(d->on_pre(&b.io, pres, 1), MP_RULE_OK);
    want[2] -= am * b.x_post[0];
    want[3] -= am * b.x_post[1];
    for (int k = 0; k < 6; k++)
        CHECK_NEAR(b.w[k], want[k], 1e-15, 1e-17);
    const uint32_t posts[] = {0, 1};
    CHECK_EQ(d->on_post(&b.io, posts, 2), MP_RULE_OK);
    for (int k = 0; k < 6; k++)
        want[k] = clip(want[k] + ap * b.x_pre[pre_of[k]], 0, 1);
    for (int k = 0; k < 6; k++)
        CHECK_NEAR(b.w[k], want[k], 1e-15, 1e-17);

    /* hard bounds [0, 1] */
    bench_init(&b, pl);
    setp(&b, pl, "a_plus", 1.0);
    setp(&b, pl, "a_minus", 1.0);
    CHECK_EQ(d->on_post(&b.io, posts, 2), MP_RULE_OK);
    CHECK_NEAR(b.w[2], 1.0, 0, 0); /* 0.3 + 1.1 -> 1 */
    CHECK_NEAR(b.w[4], 0.5, 0, 0); /* x_pre = 0 */
    CHECK_EQ(d->on_pre(&b.io, pres, 1), MP_RULE_OK);
    CHECK_NEAR(b.w[3], 0.0, 0, 0); /* 1 - 2 -> 0 */
    CHECK_NEAR(b.w[2], 0.5, 0, 0); /* 1 - 0.5 */

    bench_init(&b, pl);
    b.x_pre[2] = INFINITY;
    CHECK_EQ(d->on_post(&b.io, posts, 1), MP_RULE_BLOWUP);
    mp_p_plugin_free(pl);
}

/* ---- host services ------------------------------------------------------------ */

static void test_host_api(void)
{
    const mp_host_api *h = mp_p_host_api();
    CHECK_EQ(h->abi_major, MP_RULE_ABI_MAJOR);
    CHECK_EQ(h->abi_minor, MP_RULE_ABI_MINOR);
    CHECK_EQ(h->size, sizeof(mp_host_api));
    CHECK(h->uniform(NULL) == 0.0);

    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *r2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    gsl_rng_set(r2, 7);
    mp_error err;
    mp_error_clear(&err);
    mp_p_host_ctx ctx = {&err, "exc", "stdp", r};
    for (int i = 0; i < 100; i++) {
        double u = h->uniform(&ctx);
        CHECK_(u >= 0.0 && u < 1.0, "uniform %g in [0, 1)", u);
        CHECK(u == gsl_rng_uniform(r2));
    }
    h->error(&ctx, "bad value %d", 3);
    h->error(&ctx, "second message"); /* first error wins */
    CHECK_EQ(err.code, MP_EPLUGIN);
    CHECK_STR(err.text, "projection 'exc' (rule stdp): bad value 3");
    gsl_rng_free(r);
    gsl_rng_free(r2);
}

/* ---- `metaplast plugins` listing ------------------------------------------------- */

/* What `metaplast plugins` lists comes from mp_plugin_visit_all: every file
 * of the search path once, in search order, failures with their reason. */
typedef struct visit_log {
    int loaded, failed, istdp_at, bad_major_at, n;
    int abi1_refused;
} visit_log;

static void visit_one(void *user, const char *path, const mp_plugin *p,
                      const mp_error *err)
{
    visit_log *v = user;
    v->n++;
    if (p) {
        v->loaded++;
        CHECK(mp_plugin_desc(p) != NULL);
        CHECK_STR(mp_plugin_path(p), path);
        if (strcmp(mp_plugin_desc(p)->name, "istdp") == 0)
            v->istdp_at = v->n;
    } else {
        v->failed++;
        CHECK(err && err->text[0]);
        if (strstr(path, "bad_major.so")) {
            v->bad_major_at = v->n;
            v->abi1_refused = strstr(err->text, "built for rule ABI 1.1") != NULL;
        }
    }
}

static void test_report(void)
{
    char old_env[4096], env[4200];
    snprintf(old_env, sizeof old_env, "%s", getenv("METAPLAST_PLUGIN_PATH"));
    snprintf(env, sizeof env, "%s:%s", plugin_dir, fixture_dir);
    setenv("METAPLAST_PLUGIN_PATH", env, 1);
    char dirs[8192];
    CHECK(mp_plugin_search_path(dirs, sizeof dirs) >= 2);
    CHECK_HAS(dirs, fixture_dir);
    visit_log v = {0};
    mp_plugin_visit_all(visit_one, &v);
    CHECK(v.failed >= 16); /* the bad_*.so fixtures */
    CHECK(v.loaded >= 8);  /* plugins/ and the good fixtures */
    CHECK(v.abi1_refused);
    /* the istdp listing comes before the fixtures (search order) */
    CHECK(v.istdp_at > 0 && v.istdp_at < v.bad_major_at);
    mp_error err;
    mp_error_clear(&err);
    mp_plugin *p = NULL;
    CHECK_EQ(mp_plugin_open("istdp", &p, &err), MP_OK);
    CHECK(p && strcmp(mp_plugin_desc(p)->name, "istdp") == 0);
    mp_plugin_close(p);
    p = NULL;
    CHECK_EQ(mp_plugin_open("no_such_rule_xyz", &p, &err), MP_EPLUGIN);
    CHECK(p == NULL);
    CHECK_HAS(err.text, "no_such_rule_xyz");
    setenv("METAPLAST_PLUGIN_PATH", old_env, 1);
}

int main(void)
{
    const char *bin = getenv("MP_BINARY_DIR");
    const char *env = getenv("METAPLAST_PLUGIN_PATH");
    if (!bin || !env) {
        fprintf(stderr, "run through ctest (MP_BINARY_DIR, METAPLAST_PLUGIN_PATH unset)\n");
        return 1;
    }
    snprintf(plugin_dir, sizeof plugin_dir, "%s", env);
    snprintf(fixture_dir, sizeof fixture_dir, "%s/tests/badplugins", bin);

    test_resolve();
    test_descriptors();
    test_fixtures();
    test_istdp_hooks();
    test_stdp_hooks();
    test_host_api();
    test_report();
    return CHECK_DONE();
}
