/* The meta-layer's analysis outputs (docs/meta.md, "Files in DIR"):
 * "alignment_deg" (per layer, e^FA vs e^BP on the query set after the inner
 * loop) for query_cross_entropy tasks, and "rule_angle_deg" (the angle
 * between theta and the experiment's "target_rule").
 *
 * Checks: FA gives finite angles in [0, 180] for the hidden layers and 0 at
 * the output; BP (symmetric feedback) gives 0 everywhere; the exact-gradient
 * path reports the same angles as the plain evaluation; the rule angle on
 * hand-computed vectors; an unknown target_rule name is refused; a 1-iteration
 * run writes both fields to log.jsonl. Needs Fashion-MNIST (docs/datasets.md);
 * without it the alignment part is skipped. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "meta/meta_int.h"

static const char *src_dir(void)
{
    const char *s = getenv("MP_SOURCE_DIR");
    return s ? s : "..";
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* An experiment on the shipped Fashion-MNIST model `model` (file name in
 * models/), 5-way 5-shot 2 queries, with the given gradient kind. */
static mp_experiment *fashion(const char *name, const char *model, const char *grad)
{
    char path[512], text[2048];
    snprintf(path, sizeof path, "analysis_%s.json", name);
    snprintf(text, sizeof text,
             "{\"format\": \"metaplast-experiment\", \"version\": 1,"
             " \"model\": \"%s/models/%s\","
             " \"free\": [{\"param\": \"eta\", \"init\": 0.003, \"name\": \"theta0\"}],"
             " \"tasks\": {\"kind\": \"nway_kshot\", \"ways\": 5, \"shots\": 5,"
             " \"queries\": 2, \"per_iteration\": 2},"
             " \"inner\": {\"samples\": 25},"
             " \"loss\": {\"kind\": \"query_cross_entropy\"},"
             " \"optimizer\": {\"kind\": \"adam\", \"lr\": 0.001, \"gradient\": \"%s\"},"
             " \"iterations\": 1, \"seed\": 5}",
             src_dir(), model, grad);
    write_file(path, text);
    mp_experiment *x = NULL;
    mp_error e;
    mp_error_clear(&e);
    if (mp_x_load(path, &x, &e) != MP_OK) {
        char buf[1024];
        mp_error_format(&e, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
        return NULL;
    }
    return x;
}

static int eval_align(const mp_experiment *x, int with_grad, mp_x_result *r)
{
    double theta = 0.003, g = 0.0;
    mp_error e;
    mp_error_clear(&e);
    memset(r, 0, sizeof *r);
    r->want_align = 1;
    r->grad = with_grad ? &g : NULL;
    return mp_x_evaluate(x, &theta, 0, 1, r, &e);
}

static void alignment(void)
{
    mp_experiment *fa = fashion("fa", "shervani_fig1_fashion_fa.json", "finite_difference");
    mp_experiment *fx = fashion("fa_exact", "shervani_fig1_fashion_fa.json", "exact");
    mp_experiment *bp = fashion("bp", "shervani_fig1_fashion_bp.json", "finite_difference");
    if (!fa || !fx || !bp) {
        printf("skip: Fashion-MNIST models do not load (data missing?)\n");
        mp_x_free_experiment(fa);
        mp_x_free_experiment(fx);
        mp_x_free_experiment(bp);
        return;
    }
    mp_x_result a, b, c;
    CHECK_OK(eval_align(fa, 0, &a));
    CHECK_OK(eval_align(fx, 1, &b));
    CHECK_OK(eval_align(bp, 0, &c));
    CHECK(!a.blown && !b.blown && !c.blown);
    CHECK_EQ(a.n_align, 6); /* input + 4 hidden + output */
    CHECK_EQ(b.n_align, 6);
    CHECK_EQ(c.n_align, 6);
    for (size_t k = 0; k < a.n_align; k++) {
        CHECK(isfinite(a.align[k]) && a.align[k] >= 0 && a.align[k] <= 180);
        CHECK(a.align[k] == b.align[k]); /* the replay is the same episode */
        CHECK_NEAR(c.align[k], 0.0, 0, 1e-5); /* BP: e == e^BP */
    }
    CHECK(a.align[5] == 0.0); /* the output error is shared */
    CHECK(a.align[1] > 1.0);  /* random feedback is not aligned exactly */
    CHECK_NEAR(a.loss, b.loss, 1e-12, 0); /* same episode, same loss */
    /* without want_align nothing is computed */
    mp_x_result d;
    double theta = 0.003;
    mp_error e;
    memset(&d, 0, sizeof d);
    CHECK_OK(mp_x_evaluate(fa, &theta, 0, 1, &d, &e));
    CHECK_EQ(d.n_align, 0);
    CHECK(d.loss == a.loss);
    /* the run's log carries alignment_deg */
    mp_meta_run_opts o = {.out = "analysis_run", .threads = 1, .max_iterations = -1, .command = "test"};
    CHECK_OK(mp_x_run(fa, &o, &e));
    json_error_t je;
    FILE *f = fopen("analysis_run/log.jsonl", "rb");
    json_t *line = f ? json_loadf(f, JSON_DISABLE_EOF_CHECK, &je) : NULL;
    if (f)
        fclose(f);
    json_t *al = json_object_get(line, "alignment_deg");
    CHECK(json_is_array(al) && json_array_size(al) == 6);
    CHECK(json_object_get(line, "rule_angle_deg") == NULL);
    json_decref(line);
    mp_x_free_experiment(fa);
    mp_x_free_experiment(fx);
    mp_x_free_experiment(bp);
}

static const char *oja_exp(const char *target)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "{\"format\": \"metaplast-experiment\", \"version\": 1,"
             " \"model\": \"%s/examples/confavreux-oja-cmaes/model.json\","
             " \"free\": [{\"param\": \"a110\", \"init\": 0.5},"
             " {\"param\": \"a021\", \"init\": 0.5},"
             " {\"param\": \"a001\", \"init\": 0}],"
             " \"tasks\": {\"kind\": \"model\", \"per_iteration\": 1},"
             " \"inner\": {\"samples\": 200},"
             " \"loss\": {\"kind\": \"pc_distance\", \"projection\": \"w\"},"
             " \"optimizer\": {\"kind\": \"cmaes\", \"sigma\": 0.1},"
             " \"iterations\": 1, \"seed\": 2, \"target_rule\": %s}",
             src_dir(), target);
    return text;
}

static void rule_angle(void)
{
    write_file("analysis_oja.json", oja_exp("{\"a110\": 1, \"a021\": -1}"));
    mp_experiment *x = NULL;
    mp_error e;
    mp_error_clear(&e);
    CHECK_OK(mp_x_load("analysis_oja.json", &x, &e));
    if (!x)
        return;
    CHECK(x->target && x->target[0] == 1 && x->target[1] == -1 && x->target[2] == 0);
    double t1[3] = {2, -2, 0}, t2[3] = {1, 1, 0}, t3[3] = {-1, 1, 0}, t4[3] = {0, 0, 0},
           t5[3] = {1, 0, 0};
    CHECK_NEAR(mp_x_rule_angle(x, t1), 0.0, 0, 1e-6);
    CHECK_NEAR(mp_x_rule_angle(x, t2), 90.0, 0, 1e-9);
    CHECK_NEAR(mp_x_rule_angle(x, t3), 180.0, 0, 1e-6);
    CHECK(mp_x_rule_angle(x, t4) == 0.0);
    CHECK_NEAR(mp_x_rule_angle(x, t5), 45.0, 0, 1e-9);
    /* the run logs it for the CMA-ES mean used: init (0.5, 0.5, 0) -> 90 */
    mp_meta_run_opts o = {.out = "analysis_oja_run", .threads = 1, .max_iterations = -1, .command = "test"};
    CHECK_OK(mp_x_run(x, &o, &e));
    json_error_t je;
    FILE *f = fopen("analysis_oja_run/log.jsonl", "rb");
    json_t *line = f ? json_loadf(f, JSON_DISABLE_EOF_CHECK, &je) : NULL;
    if (f)
        fclose(f);
    CHECK_NEAR(json_real_value(json_object_get(line, "rule_angle_deg")), 90.0, 0, 1e-9);
    CHECK(json_object_get(line, "alignment_deg") == NULL);
    json_decref(line);
    mp_x_free_experiment(x);
    /* an unknown name is refused with its path */
    write_file("analysis_oja_bad.json", oja_exp("{\"a110\": 1, \"a022\": -1}"));
    x = NULL;
    mp_error_clear(&e);
    CHECK_EQ(mp_x_load("analysis_oja_bad.json", &x, &e), MP_EINVAL);
    char buf[1024];
    mp_error_format(&e, buf, sizeof buf);
    CHECK(strstr(buf, "target_rule") && strstr(buf, "'a022' is not a free coefficient"));
    CHECK(x == NULL);
}

int main(void)
{
    rule_angle();
    alignment();
    return CHECK_DONE();
}
