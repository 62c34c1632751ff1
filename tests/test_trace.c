/* Traces: decay against exp(-t/tau), unit increments, eager == lazy (unit
 * level and a whole plastic run of the shipped single-neuron model). */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "metaplast/metaplast.h"
#include "test_kernel_fixture.h"

static void decay_and_increment(int lazy)
{
    mp_k_trace tr;
    const double dt = 0.1, tau = 20.0;
    CHECK_OK(mp_k_trace_init(&tr, 3, tau, dt, lazy));
    uint32_t one = 1;
    mp_k_trace_step(&tr, &one, 1, 1); /* spike of neuron 1 in step 0 */
    CHECK_NEAR(mp_k_trace_value(&tr, 1, 1), 1.0, 0, 1e-15);
    CHECK_NEAR(mp_k_trace_value(&tr, 0, 1), 0.0, 0, 0);
    double maxerr = 0.0;
    for (int64_t done = 2; done <= 20000; done++) {
        mp_k_trace_step(&tr, NULL, 0, done);
        if (done % 97 == 0)
            mp_k_trace_sync(&tr, done);
        double want = exp(-(double)(done - 1) * dt / tau);
        double e = fabs(mp_k_trace_value(&tr, 1, done) - want);
        maxerr = e > maxerr ? e : maxerr;
    }
    printf("%s trace: max |x - exp(-t/tau)| over 2 s = %.3g\n", lazy ? "lazy" : "eager",
           maxerr);
    CHECK(maxerr < 1e-12);
    /* two spikes in one step of two neurons, then one more */
    uint32_t two[2] = {0, 2};
    mp_k_trace_step(&tr, two, 2, 20001);
    mp_k_trace_step(&tr, two, 1, 20002);
    mp_k_trace_sync(&tr, 20002);
    CHECK_NEAR(tr.x[0], 1.0 + exp(-dt / tau), 1e-14, 0);
    CHECK_NEAR(tr.x[2], exp(-dt / tau), 1e-14, 0);
    mp_k_trace_free(&tr);
}

/* Random spikes: eager and lazy agree at every synced step. */
static void eager_equals_lazy(void)
{
    mp_k_trace a, b;
    const uint32_t n = 50;
    CHECK_OK(mp_k_trace_init(&a, n, 17.0, 0.1, 0));
    CHECK_OK(mp_k_trace_init(&b, n, 17.0, 0.1, 1));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    uint32_t spk[50];
    double maxd = 0.0;
    for (int64_t done = 1; done <= 200000; done++) {
        size_t ns = 0;
        for (uint32_t i = 0; i < n; i++)
            if (gsl_rng_uniform(r) < 0.002 * (1 + i % 5))
                spk[ns++] = i;
        mp_k_trace_step(&a, spk, ns, done);
        mp_k_trace_step(&b, spk, ns, done);
        if (gsl_rng_uniform(r) < 0.01) {
            mp_k_trace_sync(&b, done);
            for (uint32_t i = 0; i < n; i++) {
                double d = fabs(a.x[i] - b.x[i]);
                maxd = d > maxd ? d : maxd;
            }
        }
    }
    printf("eager vs lazy, 50 neurons, 20 s: max difference %.3g\n", maxd);
    CHECK(maxd < 1e-12);
    gsl_rng_free(r);
    mp_k_trace_free(&a);
    mp_k_trace_free(&b);
}

/* The shipped plastic model: eager and lazy give the same spikes and
 * weights to 1e-12 over 20 s. */
static void model_eager_equals_lazy(void)
{
    char path[4096];
    const char *src = getenv("MP_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/models/vogels2011_single_neuron.json", src ? src : "..");
    const char *mode[2] = {"trace_decay=\"eager\"", "trace_decay=\"lazy\""};
    mp_model *m[2] = {NULL, NULL};
    mp_net *net[2] = {NULL, NULL};
    mp_error err;
    for (int k = 0; k < 2; k++) {
        mp_error_clear(&err);
        int rc = mp_model_load(path, &mode[k], 1, &m[k], &err);
        if (rc != MP_OK) {
            char buf[1024];
            fprintf(stderr, "%s\n", mp_error_format(&err, buf, sizeof buf));
        }
        CHECK_OK(rc);
        if (rc != MP_OK)
            return;
        CHECK_OK(mp_net_new(m[k], 3, &net[k], &err));
        CHECK_OK(mp_net_run(net[k], 20000.0, NULL, NULL, &err));
    }
    CHECK(KNET(net[1])->lazy && !KNET(net[0])->lazy);
    CHECK_EQ(mp_net_spike_count(net[0], "post"), mp_net_spike_count(net[1], "post"));
    const mp_k_proj *a = &KNET(net[0])->projs[1], *b = &KNET(net[1])->projs[1];
    CHECK(a->desc != NULL);
    double maxd = 0.0;
    for (size_t k = 0; k < a->syn.nnz; k++) {
        double d = fabs(a->w[k] - b->w[k]);
        maxd = d > maxd ? d : maxd;
    }
    printf("model eager vs lazy, 20 s: %lld post spikes, max weight difference %.3g\n",
           mp_net_spike_count(net[0], "post"), maxd);
    CHECK(maxd < 1e-12);
    for (int k = 0; k < 2; k++) {
        mp_net_free(net[k]);
        mp_model_free(m[k]);
    }
}

int main(void)
{
    decay_and_increment(0);
    decay_and_increment(1);
    eager_equals_lazy();
    model_eager_equals_lazy();
    return CHECK_DONE();
}
