/* Free rule parameters named by path (docs/meta.md "Free parameters") and
 * the random score window:
 *   - a time constant freed by path reaches the traces: changing tau_pre
 *     changes the evaluation, and equals, bit for bit, the model with that
 *     tau_pre set by --set (mp_x_load_sets) and only alpha free;
 *   - log scale: theta = log(value), bounds and init in value units, the
 *     evaluation sees exp(theta); with exact gradients (Fashion-MNIST, when
 *     present) dL/dlog(eta) = eta dL/deta (the chain rule in run.c);
 *   - the random score window lies on the dt grid inside "within", is the
 *     same for the same (iteration, task) and varies with them, and an
 *     evaluation with it equals one with the fixed window it drew. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "meta/meta_int.h"
#include "util/util_int.h"

#define P "projections[inh].plasticity.params."

static const char *src_dir(void)
{
    const char *s = getenv("MP_SOURCE_DIR");
    return s ? s : "..";
}

/* The experiment text written to path and loaded with the --set edits;
 * NULL (the message printed when loud) when it does not load. */
static mp_experiment *load(const char *path, const char *text, const char *const *sets,
                           size_t n_sets, int loud)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    mp_experiment *x = NULL;
    mp_error e;
    mp_error_clear(&e);
    if (mp_x_load_sets(path, 0, sets, n_sets, &x, &e) != MP_OK) {
        char buf[1024];
        mp_error_format(&e, buf, sizeof buf);
        if (loud)
            fprintf(stderr, "%s\n", buf);
        return NULL;
    }
    return x;
}

/* An experiment on the Vogels single neuron: free[] and inner given as
 * JSON text; sets: --set edits of the model. */
static mp_experiment *vogels(const char *name, const char *free, const char *inner,
                             const char *const *sets, size_t n_sets)
{
    char path[256], text[4096];
    snprintf(path, sizeof path, "free_%s.json", name);
    snprintf(text, sizeof text,
             "{\"format\": \"metaplast-experiment\", \"version\": 1,"
             " \"model\": \"%s/models/vogels2011_single_neuron.json\","
             " \"free\": %s,"
             " \"tasks\": {\"kind\": \"model\", \"per_iteration\": 2},"
             " \"inner\": %s,"
             " \"loss\": {\"kind\": \"target_rate\", \"population\": \"post\", \"rate\": 5},"
             " \"optimizer\": {\"kind\": \"cmaes\", \"sigma\": 0.1},"
             " \"iterations\": 1, \"seed\": 7}",
             src_dir(), free, inner);
    return load(path, text, sets, n_sets, 1);
}

static mp_x_result eval(const mp_experiment *x, const double *theta, uint64_t iter,
                        uint64_t task)
{
    mp_x_result r;
    mp_error e;
    mp_error_clear(&e);
    memset(&r, 0, sizeof r);
    CHECK_OK(mp_x_evaluate(x, theta, iter, task, &r, &e));
    CHECK(!r.blown);
    return r;
}

static const char inner_fixed[] = "{\"duration\": 4000, \"score_window\": [2000, 4000]}";

static void time_constant(void)
{
    mp_experiment *a = vogels("tau", "[{\"path\": \"" P "tau_pre\", \"bounds\": [5, 100]}]",
                              inner_fixed, NULL, 0);
    static const char *const set35[] = {P "tau_pre=35"};
    mp_experiment *b = vogels("alpha", "[{\"path\": \"" P "alpha\"}]", inner_fixed, set35, 1);
    CHECK(a && b);
    if (!a || !b)
        goto out;
    CHECK(a->free[0].init == 20.0 && a->free[0].lo == 5.0 && a->free[0].hi == 100.0);
    CHECK(!a->free[0].coef && b->free[0].coef);
    double t20 = 20.0, t35 = 35.0, alpha = -0.25;
    mp_x_result r20 = eval(a, &t20, 0, 1), r35 = eval(a, &t35, 0, 1);
    mp_x_result rs = eval(b, &alpha, 0, 1);
    CHECK(r20.loss != r35.loss);         /* the trace's tau is the copy's */
    CHECK(r35.loss == rs.loss);          /* == the model with --set tau_pre=35 */
    CHECK(r35.accuracy == rs.accuracy);  /* (the rate) */
    /* the --set edits enter the hash (resume refuses a run started with them) */
    mp_experiment *c = vogels("alpha2", "[{\"path\": \"" P "alpha\"}]", inner_fixed, NULL, 0);
    CHECK(c && c->hash != b->hash);
    mp_x_free_experiment(c);
out:
    mp_x_free_experiment(a);
    mp_x_free_experiment(b);
}

static void log_scale(void)
{
    mp_experiment *a = vogels("log", "[{\"path\": [\"" P "tau_post\"], \"init\": 30,"
                              " \"bounds\": [5, 100], \"scale\": \"log\"}]",
                              inner_fixed, NULL, 0);
    mp_experiment *b = vogels("lin", "[{\"path\": \"" P "tau_post\"}]", inner_fixed,
                              NULL, 0);
    CHECK(a && b);
    if (!a || !b)
        goto out;
    const mp_x_free *f = &a->free[0];
    CHECK(f->log_scale && f->init == 30.0 && f->lo == 5.0 && f->hi == 100.0);
    CHECK_STR(f->name, "tau_post");
    CHECK_NEAR(mp_x_free_theta(f, 30.0), log(30.0), 1e-15, 0);
    CHECK_NEAR(mp_x_free_value(f, log(30.0)), 30.0, 1e-15, 0);
    /* the evaluation sees exp(theta) */
    double th = log(64.0), v = exp(th);
    mp_x_result ra = eval(a, &th, 1, 0), rb = eval(b, &v, 1, 0);
    CHECK(ra.loss == rb.loss);
    /* --evaluate reports the point in value units */
    char *json = NULL;
    mp_error e;
    mp_error_clear(&e);
    CHECK_OK(mp_x_evaluate_initial(a, 1, &json, &e));
    json_error_t je;
    json_t *j = json ? json_loads(json, 0, &je) : NULL;
    CHECK(j != NULL);
    CHECK_NEAR(json_real_value(json_object_get(json_object_get(j, "theta"), "tau_post")),
               30.0, 1e-14, 0);
    json_decref(j);
    mp_u_free(json);
out:
    mp_x_free_experiment(a);
    mp_x_free_experiment(b);
}

static void score_window(void)
{
    const char *inner = "{\"duration\": 4000, \"score_window\": {\"length\": 1000,"
                        " \"within\": [1500, 4000]}}";
    mp_experiment *a = vogels("win", "[{\"path\": \"" P "alpha\"}]", inner, NULL, 0);
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK(a->win_len == 1000.0 && a->win0 == 1500.0 && a->win1 == 4000.0);
    double lo = HUGE_VAL, hi = -HUGE_VAL, a0 = 0, b0 = 0, a1, b1;
    size_t varied = 0;
    mp_x_score_window(a, 0, 0, &a0, &b0);
    for (uint64_t it = 0; it < 200; it++)
        for (uint64_t t = 0; t < 3; t++) {
            double w0, w1, v0, v1;
            mp_x_score_window(a, it, t, &w0, &w1);
            mp_x_score_window(a, it, t, &v0, &v1);
            CHECK(w0 == v0 && w1 == v1);             /* deterministic */
            CHECK_NEAR(w1 - w0, 1000.0, 1e-12, 0);
            CHECK(w0 >= 1500.0 && w1 <= 4000.0);
            double k = w0 / 0.1;
            CHECK(fabs(k - nearbyint(k)) < 1e-6); /* on the dt grid */
            lo = w0 < lo ? w0 : lo;
            hi = w0 > hi ? w0 : hi;
            varied += w0 != a0;
        }
    CHECK(varied > 500 && lo < 1600.0 && hi > 2900.0); /* spread over [1500, 3000] */
    /* an evaluation with the drawn window == one with that fixed window */
    mp_x_score_window(a, 3, 1, &a1, &b1);
    char fixed[256];
    snprintf(fixed, sizeof fixed, "{\"duration\": 4000, \"score_window\": [%.17g, %.17g]}",
             a1, b1);
    mp_experiment *b = vogels("win_fixed", "[{\"path\": \"" P "alpha\"}]", fixed, NULL, 0);
    CHECK(b != NULL);
    if (b) {
        double alpha = -0.25;
        mp_x_result ra = eval(a, &alpha, 3, 1), rb = eval(b, &alpha, 3, 1);
        CHECK(ra.loss == rb.loss && ra.accuracy == rb.accuracy);
    }
    mp_x_free_experiment(b);
    mp_x_free_experiment(a);
}

/* dL/dlog(eta) = eta dL/deta with exact gradients (Fashion-MNIST models). */
static double exact_grad(const char *name, const char *free)
{
    char path[256], text[2048];
    snprintf(path, sizeof path, "free_%s.json", name);
    snprintf(text, sizeof text,
             "{\"format\": \"metaplast-experiment\", \"version\": 1,"
             " \"model\": \"%s/models/shervani_fig1_fashion_fa.json\","
             " \"free\": %s,"
             " \"tasks\": {\"kind\": \"nway_kshot\", \"ways\": 5, \"shots\": 5,"
             " \"queries\": 2, \"per_iteration\": 1},"
             " \"inner\": {\"samples\": 25},"
             " \"loss\": {\"kind\": \"query_cross_entropy\"},"
             " \"optimizer\": {\"kind\": \"adam\", \"lr\": 0.001, \"gradient\": \"exact\"},"
             " \"iterations\": 1, \"seed\": 5}",
             src_dir(), free);
    mp_experiment *x = load(path, text, NULL, 0, 0);
    mp_error e;
    mp_error_clear(&e);
    if (!x)
        return NAN;
    char *json = NULL;
    double g = NAN;
    if (mp_x_evaluate_initial(x, 1, &json, &e) == MP_OK) {
        json_error_t je;
        json_t *j = json_loads(json, 0, &je);
        g = json_real_value(json_object_get(json_object_get(j, "gradient"), "eta"));
        json_decref(j);
    }
    mp_u_free(json);
    mp_x_free_experiment(x);
    return g;
}

static void log_chain_rule(void)
{
    double lin = exact_grad("eta_lin", "[{\"param\": \"eta\", \"init\": 0.004}]");
    double lg = exact_grad("eta_log", "[{\"param\": \"eta\", \"init\": 0.004,"
                                      " \"bounds\": [1e-4, 1], \"scale\": \"log\"}]");
    if (isnan(lin)) {
        printf("skip: the Fashion-MNIST model does not load (data missing?)\n");
        return;
    }
    CHECK(lin != 0.0);
    CHECK_NEAR(lg, 0.004 * lin, 1e-12, 0);
}

int main(void)
{
    time_constant();
    log_scale();
    score_window();
    log_chain_rule();
    return CHECK_DONE();
}
