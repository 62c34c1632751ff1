/* Rules in the kernel (needs the istdp plugin and the JSON loader): a
 * runaway rule stops the run with MP_EUNSTABLE and a message naming the
 * projection, the rule and the time; recorders and summary.json are
 * written; time and spike counts accumulate across runs. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "metaplast/metaplast.h"
#include "test_kernel_fixture.h"

static char path[4096];

static int load(const char *const *sets, size_t n, mp_model **m)
{
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_model_load(path, sets, n, m, &err);
    if (rc != MP_OK) {
        char buf[1024];
        fprintf(stderr, "%s\n", mp_error_format(&err, buf, sizeof buf));
    }
    return rc;
}

static void runaway(void)
{
    const char *sets[] = {"projections[inh].weight_guard=[0, 1.5]",
                          "projections[inh].plasticity.params.eta=0.05"};
    mp_model *m = NULL;
    CHECK_OK(load(sets, 2, &m));
    if (!m)
        return;
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, 1, &net, &err));
    int rc = mp_net_run(net, 20000.0, NULL, NULL, &err);
    printf("runaway: %s: %s\n", mp_errname(rc), err.text);
    CHECK_EQ(rc, MP_EUNSTABLE);
    CHECK(strstr(err.text, "projection 'inh' (rule istdp): weight") != NULL);
    CHECK(strstr(err.text, " at t = ") != NULL);
    CHECK(mp_net_time(net) < 20000.0);
    mp_net_free(net);
    mp_model_free(m);
}

static void outputs(void)
{
    mp_model *m = NULL;
    const char *sets[] = {"duration=2000"};
    CHECK_OK(load(sets, 1, &m));
    if (!m)
        return;
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, 1, &net, &err));
    const char *dir = "kernel_rules_out";
    CHECK_OK(mp_net_open_recorders(net, dir, &err));
    CHECK_OK(mp_net_run(net, 1000.0, NULL, NULL, &err));
    long long c1 = mp_net_spike_count(net, "post");
    CHECK_OK(mp_net_run(net, 1000.0, NULL, NULL, &err));
    CHECK_NEAR(mp_net_time(net), 2000.0, 0, 1e-9);
    CHECK(mp_net_spike_count(net, "post") >= c1);
    CHECK_EQ(mp_net_spike_count(net, "nope"), -1);
    CHECK(mp_net_spike_count(net, "inputs.exc") > 0);
    CHECK_OK(mp_net_close_recorders(net, &err));
    CHECK_OK(mp_net_write_summary(net, dir, 1.0, &err));
    char buf[256], file[512];
    snprintf(file, sizeof file, "%s/post_spikes.csv", dir);
    FILE *f = fopen(file, "r");
    CHECK(f != NULL);
    long lines = 0;
    if (f) {
        CHECK(fgets(buf, sizeof buf, f) && strcmp(buf, "t_ms,neuron\n") == 0);
        while (fgets(buf, sizeof buf, f))
            lines++;
        fclose(f);
    }
    CHECK_EQ(lines, mp_net_spike_count(net, "post"));
    snprintf(file, sizeof file, "%s/inh_weights.csv", dir);
    f = fopen(file, "r");
    lines = 0;
    if (f) {
        while (fgets(buf, sizeof buf, f))
            lines++;
        fclose(f);
    }
    CHECK_EQ(lines, 1 + 200 * 3); /* t = 0, 1000, 2000 */
    snprintf(file, sizeof file, "%s/post_rate.csv", dir);
    f = fopen(file, "r");
    lines = 0;
    if (f) {
        while (fgets(buf, sizeof buf, f))
            lines++;
        fclose(f);
    }
    CHECK_EQ(lines, 3);
    snprintf(file, sizeof file, "%s/summary.json", dir);
    f = fopen(file, "r");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    mp_net_free(net);
    mp_model_free(m);
}

int main(void)
{
    const char *src = getenv("MP_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/models/vogels2011_single_neuron.json", src ? src : "..");
    runaway();
    outputs();
    return CHECK_DONE();
}
