/* End-to-end: the shipped single-neuron iSTDP model (Vogels et al. 2011 as
 * in the authors' code; Confavreux et al. 2020 sec. 3.3) brings the
 * postsynaptic rate from about 30 Hz down to 4-6 Hz over the last 30 s of a
 * 90 s run, for several seeds. Static inhibition (eta = 0) must not: that
 * shows the rule, not the input, sets the rate. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "metaplast/metaplast.h"

static char model_path[4096];

/* Rates (Hz) of "post" over [0,10) s and over the last 30 s of 90 s. */
static int rates(const char *seed_set, const char *eta_set, double *first10,
                 double *last30)
{
    const char *sets[2] = {seed_set, eta_set};
    mp_model *m = NULL;
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_model_load(model_path, sets, eta_set ? 2 : 1, &m, &err);
    if (rc == MP_OK)
        rc = mp_net_new(m, mp_model_seed(m), &net, &err);
    if (rc == MP_OK)
        rc = mp_net_run(net, 10000.0, NULL, NULL, &err);
    long long c10 = rc == MP_OK ? mp_net_spike_count(net, "post") : 0;
    if (rc == MP_OK)
        rc = mp_net_run(net, 50000.0, NULL, NULL, &err);
    long long c60 = rc == MP_OK ? mp_net_spike_count(net, "post") : 0;
    if (rc == MP_OK)
        rc = mp_net_run(net, 30000.0, NULL, NULL, &err);
    long long c90 = rc == MP_OK ? mp_net_spike_count(net, "post") : 0;
    if (rc != MP_OK) {
        char buf[1024];
        fprintf(stderr, "%s\n", mp_error_format(&err, buf, sizeof buf));
    }
    *first10 = (double)c10 / 10.0;
    *last30 = (double)(c90 - c60) / 30.0;
    mp_net_free(net);
    mp_model_free(m);
    return rc;
}

int main(void)
{
    const char *src = getenv("MP_SOURCE_DIR");
    snprintf(model_path, sizeof model_path, "%s/models/vogels2011_single_neuron.json",
             src ? src : "..");
    const char *seeds[] = {"seed=1", "seed=2", "seed=3", "seed=4", "seed=5"};
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        double r0, r1;
        CHECK_OK(rates(seeds[i], NULL, &r0, &r1));
        printf("%s: rate first 10 s %.2f Hz, last 30 s %.2f Hz\n", seeds[i], r0, r1);
        CHECK_(r0 > 15.0, "%s: initial rate %.2f Hz should be high (~30 Hz)", seeds[i], r0);
        CHECK_(r1 >= 4.0 && r1 <= 6.0, "%s: last-30-s rate %.2f Hz not in [4, 6]",
               seeds[i], r1);
    }
    double s0, s1;
    CHECK_OK(rates("seed=1", "projections[inh].plasticity.params.eta=0", &s0, &s1));
    printf("static inhibition: %.2f Hz, %.2f Hz\n", s0, s1);
    CHECK_(s1 > 15.0, "without plasticity the rate (%.2f Hz) must stay high", s1);
    return CHECK_DONE();
}
