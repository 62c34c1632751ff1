/* Array entries of an experiment's free list (core/meta/experiment_free_array.c,
 * eval.c): theta is the entries' numbers one after another (offsets and
 * sizes as mp_experiment_free_info reports them), and the exact gradient of
 * an evaluation with respect to W0, B and a per-synapse eta, as the
 * experiment layer assembles it from mp_seam_episode_grad_arrays, matches
 * central finite differences of the evaluation's loss element by element;
 * likewise a bias read from a .npy file, a feedback gain and per-neuron
 * ("per": "post" / "pre") rule parameters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "meta/meta_int.h"

static double loss_at(const mp_experiment *x, const double *theta)
{
    mp_x_result r;
    memset(&r, 0, sizeof r);
    mp_error e;
    mp_error_clear(&e);
    CHECK_OK(mp_x_evaluate(x, theta, 0, 0, &r, &e));
    CHECK(!r.blown);
    return r.loss;
}

/* bias_gain.json: a bias from a .npy file (6 values), a gain (1), eta per
 * post neuron (3) and theta0 per pre neuron (4); their gradients against
 * central differences too. */
static void check_bias_gain(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/experiments/valid/free_arrays/bias_gain.json",
             getenv("MP_SOURCE_DIR"));
    mp_experiment *x = NULL;
    mp_error e;
    mp_error_clear(&e);
    CHECK_OK(mp_x_load(path, &x, &e));
    if (!x)
        return;
    CHECK_EQ(mp_experiment_dim(x), 14);
    double theta[14], g[14];
    mp_experiment_initial_theta(x, theta);
    CHECK_NEAR(theta[0], -0.1, 0, 1e-15); /* the file's values */
    CHECK_NEAR(theta[5], 0.15, 0, 1e-15);
    CHECK_NEAR(theta[6], 1.5, 0, 0);
    CHECK_NEAR(theta[9], 0.1, 0, 0);    /* eta per post neuron */
    CHECK_NEAR(theta[13], 0.05, 0, 0);  /* theta0 per pre neuron: the model's */
    mp_x_result r;
    memset(&r, 0, sizeof r);
    r.grad = g;
    CHECK_OK(mp_x_evaluate(x, theta, 0, 0, &r, &e));
    for (size_t k = 0; k < 14; k++) {
        const double h = 1e-6, t = theta[k];
        theta[k] = t + h;
        double lp = loss_at(x, theta);
        theta[k] = t - h;
        double lm = loss_at(x, theta);
        theta[k] = t;
        CHECK_NEAR(g[k], (lp - lm) / (2 * h), 1e-4, 1e-8);
    }
    CHECK(fabs(g[6]) > 1e-8 && fabs(g[8]) > 1e-8 && fabs(g[12]) > 1e-8);
    mp_x_free_experiment(x);
}

int main(void)
{
    if (!getenv("MP_SOURCE_DIR") || !getenv("METAPLAST_PLUGIN_PATH")) {
        fprintf(stderr, "run through ctest (MP_SOURCE_DIR, METAPLAST_PLUGIN_PATH unset)\n");
        return 1;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/experiments/valid/free_arrays/experiment.json",
             getenv("MP_SOURCE_DIR"));
    mp_experiment *x = NULL;
    mp_error e;
    mp_error_clear(&e);
    CHECK_OK(mp_x_load(path, &x, &e));
    if (!x)
        return CHECK_DONE();
    /* theta0 (1), w1 W0 (6 x 4), w2 B (3 x 6), w2 eta per synapse (3 x 6) */
    static const size_t sizes[4] = {1, 24, 18, 18};
    CHECK_EQ(mp_experiment_n_free(x), 4);
    CHECK_EQ(mp_experiment_dim(x), 61);
    size_t off = 0;
    for (size_t i = 0; i < 4; i++) {
        mp_free_info f;
        CHECK_OK(mp_experiment_free_info(x, i, &f, &e));
        CHECK_EQ(f.offset, off);
        CHECK_EQ(f.size, sizes[i]);
        off += sizes[i];
    }
    const size_t n = mp_experiment_dim(x);
    double *theta = calloc(n, sizeof *theta), *g = calloc(n, sizeof *g);
    mp_experiment_initial_theta(x, theta);
    CHECK(theta[25] != theta[26]); /* W0 drawn by the model's initializer */
    CHECK_NEAR(theta[60], 0.1, 0, 0);  /* eta's start on every synapse */
    mp_x_result r;
    memset(&r, 0, sizeof r);
    r.grad = g;
    CHECK_OK(mp_x_evaluate(x, theta, 0, 0, &r, &e));
    CHECK(!r.blown);
    /* the first, a middle and the last element of every entry */
    const double h = 1e-6;
    size_t checked = 0, nonzero = 0;
    off = 0;
    for (size_t i = 0; i < 4; i++) {
        const size_t ks[3] = {off, off + sizes[i] / 2, off + sizes[i] - 1};
        for (size_t q = 0; q < 3; q++) {
            size_t k = ks[q];
            double t = theta[k];
            theta[k] = t + h;
            double lp = loss_at(x, theta);
            theta[k] = t - h;
            double lm = loss_at(x, theta);
            theta[k] = t;
            double fd = (lp - lm) / (2 * h);
            CHECK_NEAR(g[k], fd, 1e-4, 1e-8);
            checked++;
            nonzero += fabs(g[k]) > 1e-8;
        }
        off += sizes[i];
    }
    CHECK_EQ(checked, 12);
    CHECK(nonzero >= 8); /* the check compares something */
    free(theta);
    free(g);
    mp_x_free_experiment(x);
    check_bias_gain();
    return CHECK_DONE();
}
