/* mp_r_pc_distance (core/rate/episode_run.c), the PCA tasks' loss through
 * the meta-layer's seam, on the one-neuron Volterra model of
 * examples/confavreux-oja-cmaes (10-d rotated Gaussian data):
 *   - after 0 samples it is 1 - |cos| between the initial W (drawn as
 *     mp_r_net_new draws it from the same seed) and the first principal
 *     axis, computed here by hand;
 *   - with every coefficient 0 the rule does nothing: the same value after
 *     500 samples;
 *   - Oja's rule (a110 = 1, a021 = -1, eta = 0.01) finds the first
 *     principal component: below 0.01 after 2000 samples (from 0.86);
 *   - refusals: a projection that does not exist, a model without a
 *     rotated Gaussian data set, a spiking model.
 * (mp_r_episode_run: tests/test_meta_grad.c.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "metaplast/metaplast.h"
#include "model/model_int.h"
#include "rate/episode_int.h"
#include "rate/rate_int.h"

static mp_model *load(const char *rel, const char *const *set, size_t n)
{
    const char *src = getenv("MP_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", src ? src : "..", rel);
    mp_model *m = NULL;
    mp_error e;
    mp_error_clear(&e);
    if (mp_model_load(path, set, n, &m, &e) != MP_OK) {
        char buf[1024];
        mp_error_format(&e, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    return m;
}

static void distance(void)
{
    mp_model *m = load("examples/confavreux-oja-cmaes/model.json", NULL, 0);
    CHECK(m != NULL && m->data.rotation != NULL);
    if (!m || !m->data.rotation) {
        mp_model_free(m);
        return;
    }
    mp_error e;
    mp_error_clear(&e);
    const uint64_t seed = 17;
    double d0 = NAN, d1 = NAN;
    CHECK_OK(mp_r_pc_distance(m, seed, 0, 0, &d0, &e));
    mp_r_net *net = NULL;
    CHECK_OK(mp_r_net_new(m, seed, &net, &e));
    if (net) {
        const double *w = net->P[0].W, *R = m->data.rotation;
        const size_t dim = m->data.train->dim;
        double dot = 0, nw = 0;
        for (size_t i = 0; i < dim; i++) {
            dot += w[i] * R[i * dim]; /* column 0: the first axis */
            nw += w[i] * w[i];
        }
        CHECK_NEAR(d0, 1.0 - fabs(dot) / sqrt(nw), 1e-14, 0);
        mp_r_net_free(net);
    }
    CHECK(d0 > 0.05); /* a random start is not the first axis */
    CHECK_OK(mp_r_pc_distance(m, seed, 500, 0, &d1, &e));
    CHECK(d1 == d0); /* all coefficients 0: no plasticity */
    mp_error_clear(&e);
    CHECK_EQ(mp_r_pc_distance(m, seed, 0, 1, &d1, &e), MP_EINVAL);
    CHECK_STR(e.text, "pc_distance: the model has no rotated Gaussian data set "
                      "or no projection 1");
    mp_model_free(m);

    const char *oja[] = {"projections[w].plasticity.params.a110=1",
                         "projections[w].plasticity.params.a021=-1",
                         "projections[w].plasticity.params.eta=0.01"};
    m = load("examples/confavreux-oja-cmaes/model.json", oja, 3);
    CHECK(m != NULL);
    if (m) {
        double d = NAN;
        CHECK_OK(mp_r_pc_distance(m, seed, 2000, 0, &d, &e));
        printf("Oja: pc_distance %.3g after 2000 samples (start %.3g)\n", d, d0);
        CHECK(d < 0.01);
        mp_model_free(m);
    }
}

static void refusals(void)
{
    mp_error e;
    double d;
    mp_model *m = load("models/shervani_fig1_fashion_fa.json", NULL, 0);
    if (m) { /* a rate model without the rotated Gaussian data */
        mp_error_clear(&e);
        CHECK_EQ(mp_r_pc_distance(m, 1, 0, 0, &d, &e), MP_EINVAL);
        mp_model_free(m);
    }
    m = load("models/vogels2011_single_neuron.json", NULL, 0);
    CHECK(m != NULL);
    if (m) {
        mp_error_clear(&e);
        CHECK_EQ(mp_r_pc_distance(m, 1, 0, 0, &d, &e), MP_EINVAL);
        CHECK_STR(e.text, "pc_distance: the model is not a rate network with layers");
        mp_model_free(m);
    }
}

int main(void)
{
    distance();
    refusals();
    return CHECK_DONE();
}
