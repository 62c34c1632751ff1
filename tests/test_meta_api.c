/* The public meta API (include/metaplast/meta.h), used as a program that
 * embeds metaplast would: only public headers. On the vogels_fd experiment
 * (2 free coefficients, finite differences, 2 spiking tasks of 2 s):
 *   - what the experiment is (dim, free quantities, score, gradient method);
 *   - mp_meta_evaluate at the start point equals `meta --evaluate`'s JSON
 *     (mp_meta_eval_json), is the same for 1 and 3 threads, and its
 *     finite-difference gradient equals central differences of
 *     mp_meta_evaluate's own loss at theta +- fd_step;
 *   - --theta files: a file at the start values gives the start values; every
 *     malformed one is refused with its message;
 *   - mp_meta_run calls the progress callback once per iteration with the
 *     log's numbers and the notice callback, prints nothing, and
 *     mp_meta_read_result reads what it wrote; a --theta of that
 *     result.json is its theta. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "metaplast/metaplast.h"
#include "metaplast/meta.h"

static char exp_path[4096];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static mp_experiment *load(void)
{
    mp_error err;
    mp_error_clear(&err);
    mp_experiment *x = NULL;
    int rc = mp_experiment_load(exp_path, NULL, 0, 0, &x, &err);
    CHECK_(rc == MP_OK, "load: %s", err.text);
    return x;
}

static void test_what(const mp_experiment *x)
{
    CHECK_EQ(mp_experiment_dim(x), 2);
    CHECK_EQ(mp_experiment_n_free(x), 2);
    CHECK_EQ(mp_experiment_tasks(x), 2);
    CHECK_EQ(mp_experiment_iterations(x), 6);
    CHECK_STR(mp_experiment_score_name(x), "rate");
    CHECK_STR(mp_experiment_gradient_method(x), "finite_difference");
    CHECK(mp_experiment_model(x) != NULL);
    mp_free_info f;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_experiment_free_info(x, 1, &f, &err));
    CHECK_STR(f.name, "beta");
    CHECK_EQ(f.offset, 1);
    CHECK_EQ(f.size, 1);
    mp_error_clear(&err);
    CHECK_EQ(mp_experiment_free_info(x, 2, &f, &err), MP_EINVAL);
    CHECK(strstr(err.text, "no free quantity 2 (the experiment has 2)") != NULL);
    double th[2];
    mp_experiment_initial_theta(x, th);
    CHECK_NEAR(mp_experiment_value(x, th, 0), -0.05, 0, 1e-15);
}

static void test_evaluate(const mp_experiment *x)
{
    double th[2];
    mp_experiment_initial_theta(x, th);
    mp_meta_eval e1, e3;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_meta_evaluate(x, th, 0, 1, MP_META_GRADIENT, &e1, &err));
    CHECK_OK(mp_meta_evaluate(x, th, 0, 3, MP_META_GRADIENT, &e3, &err));
    CHECK(e1.loss == e3.loss && e1.grad[0] == e3.grad[0] && e1.grad[1] == e3.grad[1]);
    CHECK_EQ(e1.n_tasks, 2);
    CHECK(e1.task_losses[0] != e1.task_losses[1]); /* two different input sets */
    CHECK_NEAR(e1.task_loss, 0.5 * (e1.task_losses[0] + e1.task_losses[1]), 1e-15, 0);
    CHECK_STR(e1.grad_method, "finite_difference");
    /* the FD gradient is the central difference of the loss itself */
    const double h = 0.01; /* the experiment's fd_step */
    for (int k = 0; k < 2; k++) {
        double tp[2] = {th[0], th[1]}, tm[2] = {th[0], th[1]};
        tp[k] += h;
        tm[k] -= h;
        mp_meta_eval ep, em;
        CHECK_OK(mp_meta_evaluate(x, tp, 0, 1, 0, &ep, &err));
        CHECK_OK(mp_meta_evaluate(x, tm, 0, 1, 0, &em, &err));
        CHECK(ep.grad == NULL);
        CHECK_NEAR(e1.grad[k], (ep.task_loss - em.task_loss) / (2 * h), 1e-12, 1e-12);
        mp_meta_eval_release(&ep);
        mp_meta_eval_release(&em);
    }
    /* outside the bounds [-2, 2] of alpha */
    double bad[2] = {5.0, 0.0};
    mp_meta_eval eb;
    mp_error_clear(&err);
    CHECK_EQ(mp_meta_evaluate(x, bad, 0, 1, 0, &eb, &err), MP_EINVAL);
    CHECK(strstr(err.text, "free parameter 'alpha' = 5 is outside its bounds [-2, 2]"));
    char *json = NULL;
    CHECK_OK(mp_meta_eval_json(x, th, &e1, &json, &err));
    CHECK(json && strstr(json, "\"task_losses\"") && strstr(json, "\"gradient_method\""));
    mp_free(json);
    mp_meta_eval_release(&e1);
    mp_meta_eval_release(&e3);
}

static void test_theta_files(const mp_experiment *x)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"{\"theta\": {\"alpha\": 0.1}}", "free parameter 'beta' is missing: give its value"},
        {"{\"theta\": {\"alpha\": 0.1, \"beta\": 0, \"gamma\": 1}}",
         "'gamma' is not a free parameter of"},
        {"{\"theta\": {\"alpha\": 3, \"beta\": 0}}",
         "free parameter 'alpha' = 3 is outside its bounds [-2, 2]"},
        {"{\"theta\": {\"alpha\": \"x\", \"beta\": 0}}", "free parameter 'alpha': expected a number"},
        {"{\"alpha\": 0.1, \"beta\": 0}", "no \"theta\": write {\"theta\": {\"NAME\": VALUE"},
        {"[1, 2]", "the --theta file must be a JSON object"},
        {"{\"theta\": {\"alpha\": 0.1,", "the --theta file is not valid JSON"},
    };
    mp_error err;
    double th[2];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file("meta_api_theta.json", bad[i].text);
        mp_error_clear(&err);
        CHECK(mp_experiment_read_theta(x, "meta_api_theta.json", th, &err) != MP_OK);
        CHECK_(strstr(err.text, bad[i].msg) != NULL, "case %zu: '%s' lacks '%s'", i,
               err.text, bad[i].msg);
        CHECK_STR(err.file, "meta_api_theta.json");
    }
    write_file("meta_api_theta.json", "{\"theta\": {\"beta\": 0.25, \"alpha\": -0.5}}");
    CHECK_OK(mp_experiment_read_theta(x, "meta_api_theta.json", th, &err));
    CHECK(th[0] == -0.5 && th[1] == 0.25);
    mp_error_clear(&err);
    CHECK(mp_experiment_read_theta(x, "no_such_theta.json", th, &err) == MP_EIO);
}

typedef struct seen {
    int progress, notices;
    long long last_iter;
    double last_loss;
} seen;

static void on_progress(void *user, const mp_meta_progress *p)
{
    seen *s = user;
    s->progress++;
    s->last_iter = p->iteration;
    s->last_loss = p->loss;
    CHECK_STR(p->score_name, "rate");
    CHECK(isnan(p->sigma));
    CHECK(p->iterations == 6);
}

static void on_notice(void *user, const char *line)
{
    seen *s = user;
    s->notices++;
    CHECK(line && line[0] && !strchr(line, '\n'));
}

static void test_run(const mp_experiment *x)
{
    seen s = {0, 0, 0, 0};
    mp_meta_run_opts o = {.out = "meta_api_run", .threads = 2, .max_iterations = 3,
                          .command = "test", .progress = on_progress,
                          .notice = on_notice, .user = &s};
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_meta_run(x, &o, &err);
    CHECK_(rc == MP_OK, "run: %s", err.text);
    CHECK_EQ(s.progress, 3);
    CHECK_EQ(s.last_iter, 3);
    CHECK_EQ(s.notices, 2); /* what it does, how it ended */
    mp_meta_result r;
    CHECK_OK(mp_meta_read_result(x, "meta_api_run", &r, &err));
    CHECK_EQ(r.iterations, 3);
    CHECK(!r.finished);
    CHECK(r.last_loss == s.last_loss);
    double th[2];
    CHECK_OK(mp_experiment_read_theta(x, "meta_api_run/result.json", th, &err));
    CHECK(th[0] == r.theta[0] && th[1] == r.theta[1]);
    mp_meta_result_release(&r);
    mp_error_clear(&err);
    CHECK_EQ(mp_meta_read_result(x, "no_such_run_dir", &r, &err), MP_EIO);
    mp_meta_run_opts bad = o;
    bad.threads = 0;
    mp_error_clear(&err);
    CHECK_EQ(mp_meta_run(x, &bad, &err), MP_EINVAL);
}

int main(void)
{
    const char *src = getenv("MP_SOURCE_DIR");
    if (!src) {
        fprintf(stderr, "run through ctest (MP_SOURCE_DIR unset)\n");
        return 1;
    }
    snprintf(exp_path, sizeof exp_path, "%s/tests/experiments/valid/vogels_fd/experiment.json",
             src);
    mp_experiment *x = load();
    if (!x)
        return CHECK_DONE();
    test_what(x);
    test_evaluate(x);
    test_theta_files(x);
    test_run(x);
    mp_experiment_free(x);
    return CHECK_DONE();
}
