/* Nets that ask for too much (issue 8, defects 4 and 5): each is refused
 * before anything is allocated, with the model file, the JSON path of the
 * size, the owner and the bytes: by mp_model_load (so by `check`), at the
 * position of the value, and again by mp_net_new; a run whose step count
 * does not fit is refused with the limit. Sizes are chosen so that nothing large is ever
 * allocated (the checks come before malloc, so ASan sees the same). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernel/kernel_int.h"
#include "metaplast/metaplast.h"
#include "util/util_int.h"

#define CHECK_HAS(s, sub) CHECK_(strstr((s), (sub)) != NULL, "'%s' lacks '%s'", (s), (sub))

static char fixture_dir[1024]; /* <build>/tests/badplugins */

/* Writes text to file (in the test's working directory) and loads it:
 * the load's return code, *m the model when it loaded, msg its error. */
static int load_as(const char *file, const char *text, mp_model **m, char *msg, size_t n)
{
    FILE *f = fopen(file, "w");
    CHECK(f != NULL);
    if (!f)
        return MP_EIO;
    fputs(text, f);
    fclose(f);
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_model_load(file, NULL, 0, m, &err);
    mp_error_format(&err, msg, n);
    return rc;
}

static mp_model *load(const char *file, const char *text)
{
    mp_model *m = NULL;
    char msg[1024];
    int rc = load_as(file, text, &m, msg, sizeof msg);
    CHECK_(rc == MP_OK, "%s: %s", file, msg);
    return m;
}

/* mp_net_new on m must fail with code and a message holding `want`. */
static void expect_net_refusal(mp_model *m, int code, const char *want)
{
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_net_new(m, 1, &net, &err);
    char msg[1024];
    mp_error_format(&err, msg, sizeof msg);
    CHECK_(rc == code, "%s: mp_net_new returned %d, expected %d (%s)", m->file, rc, code,
           msg);
    CHECK(net == NULL);
    CHECK_HAS(msg, want);
    mp_net_free(net);
}

/* The model in `text` must be refused by mp_model_load (so by `check`)
 * with code and "FILE:POS: WANT" (the position of the value the path
 * names); mp_net_new refuses it too, with "FILE: WANT", when the model
 * loads under a larger memory limit and the net is built under the test's
 * (memory refusals; the index limits are the same everywhere, see
 * test_net_second_line). */
static void expect_refusal(const char *file, const char *text, int code, const char *pos,
                           const char *want)
{
    mp_model *m = NULL;
    char msg[1024], at_load[1024], at_net[1024];
    snprintf(at_load, sizeof at_load, "%s:%s: %s", file, pos, want);
    snprintf(at_net, sizeof at_net, "%s: %s", file, want);
    int rc = load_as(file, text, &m, msg, sizeof msg);
    CHECK_(rc == code, "%s: mp_model_load returned %d, expected %d (%s)", file, rc, code,
           msg);
    CHECK(m == NULL);
    CHECK_HAS(msg, at_load);
    mp_model_free(m);
    if (code != MP_ENOMEM)
        return;
    size_t limit = mp_u_mem_limit(NULL);
    mp_u_set_mem_limit(SIZE_MAX);
    m = load(file, text);
    mp_u_set_mem_limit(limit);
    if (m)
        expect_net_refusal(m, code, at_net);
    mp_model_free(m);
}

#define HEAD "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"big\", \"duration\": 10,\n"
#define POST(n) "\"populations\": [{\"name\": \"post\", \"size\": " #n ", \"model\": \"lif_cond\"}]"
#define NOISE(n) "\"stimuli\": [{\"name\": \"noise\", \"type\": \"poisson\", \"size\": " #n ", \"rate\": 5}]"
#define PROJ(conn, extra)                                                      \
    "\"projections\": [{\"name\": \"exc\", \"source\": \"noise\", \"target\": \"post\",\n"  \
    "  \"receptor\": \"excitatory\", \"connectivity\": " conn ", \"weight\": 0.5" extra "}]"

/* The spiking cases: model file, its text, the code, the position of the
 * value and (a part of) the message mp_model_load and mp_net_new give. */
static const struct {
    const char *file, *text;
    int code;
    const char *pos, *want;
} spiking_cases[] = {
    {"sizes_pop.json", HEAD POST(1000000000) "}", MP_ENOMEM, "2:42",
     "populations[0].size: population 'post' (1000000000 neurons) needs "
     "76 GB for its state, more than the memory limit set by the test (1.0 GB)"},
    /* a delay beyond the ring's index: refused whatever the memory */
    {"sizes_delay.json",
     HEAD POST(10) ",\n" NOISE(10) ",\n" PROJ("{\"rule\": \"all_to_all\"}", ", \"delay\": 1e9") "}",
     MP_EINVAL, "5:93",
     "projections[0].delay: projection 'exc': a delay of 1e+09 ms is "
     "10000000000 steps of dt = 0.1 ms, more than the limit of 2147483647 steps"},
    /* within the index: 10^4 neurons x 10^6 slots x 2 rings of doubles */
    {"sizes_ring.json",
     HEAD POST(10000) ",\n" NOISE(10) ",\n"
     PROJ("{\"rule\": \"fixed_indegree\", \"k\": 1}", ", \"delay\": 1e5") "}",
     MP_ENOMEM, "5:105",
     "projections[0].delay: population 'post' (10000 neurons, 1000000 steps "
     "of delay from projection 'exc', 100000 ms) needs 160 GB for its arrival rings, more "
     "than"},
    /* all_to_all is exact: refused without drawing a pair */
    {"sizes_syn.json",
     HEAD POST(100000) ",\n" NOISE(100000) ",\n" PROJ("{\"rule\": \"all_to_all\"}", "") "}",
     MP_EINVAL, "5:45",
     "projections[0].connectivity: projection 'exc' would have 10000000000 "
     "synapses (all_to_all from 'noise', 100000 neurons, to 'post', 100000 neurons), more "
     "than the limit of 4294967294 per projection"},
    /* fixed_probability: the expected count is surely above the limit */
    {"sizes_synp.json",
     HEAD POST(100000) ",\n" NOISE(100000) ",\n"
     PROJ("{\"rule\": \"fixed_probability\", \"p\": 0.9}", "") "}",
     MP_EINVAL, "5:45",
     "projections[0].connectivity: projection 'exc' would have about 9e+09 synapses "
     "(fixed_probability"},
    /* within the index but not the memory: 10^8 synapses, before any is drawn */
    {"sizes_synm.json",
     HEAD POST(10000) ",\n" NOISE(10000) ",\n" PROJ("{\"rule\": \"all_to_all\"}", "") "}",
     MP_ENOMEM, "5:45",
     "projections[0].connectivity: projection 'exc' (100000000 synapses, "
     "all_to_all from 'noise' to 'post') needs 2.8 GB for its synapses, more than the memory "
     "limit set by the test (1.0 GB)"},
    /* 2^31 - 1 trains of input groups: 64 steps of spike lists each */
    {"sizes_stim.json",
     HEAD POST(1) ",\n\"stimuli\": [{\"name\": \"in\", \"type\": \"vogels_groups\", "
     "\"groups\": 1, \"exc_per_group\": 2147483647, \"inh_per_group\": 1}]}",
     MP_ENOMEM, "3:13",
     "stimuli[0]: stimulus 'in' (2147483648 trains) needs 584 GB for its "
     "state, more than the memory limit set by the test (1.0 GB)"},
};

static void test_spiking(void)
{
    for (size_t i = 0; i < sizeof spiking_cases / sizeof *spiking_cases; i++)
        expect_refusal(spiking_cases[i].file, spiking_cases[i].text, spiking_cases[i].code,
                       spiking_cases[i].pos, spiking_cases[i].want);
}

static void test_rule_state(void)
{
    char text[2048];
    snprintf(text, sizeof text,
             HEAD POST(10) ",\n" NOISE(10) ",\n"
             PROJ("{\"rule\": \"all_to_all\"}",
                  ", \"plasticity\": {\"rule\": \"%s/huge_state.so\"}") "}",
             fixture_dir);
    /* the machine's own limit: no machine has 9.2 EB */
    mp_u_set_mem_limit(0);
    expect_refusal("sizes_rule.json", text, MP_ENOMEM, "5:107",
                   "projections[0].plasticity.rule: rule 'huge_state' of "
                   "projection 'exc' (state_size: 1152921504606846976 doubles) needs 9.2 EB "
                   "for its state, more than ");
    mp_u_set_mem_limit((size_t)1000000000);
}

static void test_rate_layer(void)
{
    expect_refusal(
        "sizes_rate.json",
        "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"big\",\n"
        " \"network\": \"rate\", \"training\": {\"samples\": 10, \"loss\": \"none\"},\n"
        " \"data\": {\"source\": \"gaussian\", \"dim\": 4, \"samples\": 10},\n"
        " \"populations\": [{\"name\": \"in\", \"model\": \"rate_input\", \"size\": 4},\n"
        "   {\"name\": \"h1\", \"model\": \"rate\", \"size\": 100000, \"activation\": \"linear\"},\n"
        "   {\"name\": \"h2\", \"model\": \"rate\", \"size\": 100000, \"activation\": \"linear\"}],\n"
        " \"projections\": [\n"
        "   {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"feedback\": \"none\",\n"
        "    \"connectivity\": {\"rule\": \"all_to_all\"}, \"weight\": 0.1},\n"
        "   {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"h2\", \"feedback\": \"none\",\n"
        "    \"connectivity\": {\"rule\": \"all_to_all\"}, \"weight\": 0.1}]}\n",
        MP_ENOMEM, "10:4",
        "projections[1]: projection 'w2' (100000 x 100000 weights, from "
        "'h1' to 'h2') needs 80 GB for its weights, more than the memory limit set by the "
        "test (1.0 GB)");
}

/* A model changed after it was loaded (by meta-parameters, by an embedder)
 * is checked again by mp_net_new: the index limits the loader refuses are
 * refused there too, without a position (the value is in no file). */
static void test_net_second_line(void)
{
    mp_model *m = load("sizes_second.json", HEAD POST(10) ",\n" NOISE(10) ",\n"
                       PROJ("{\"rule\": \"all_to_all\"}", "") "}");
    if (!m)
        return;
    m->projections[0].delay = 1e9;
    expect_net_refusal(m, MP_EINVAL, "sizes_second.json: projections[0].delay: projection "
                                     "'exc': a delay of 1e+09 ms is 10000000000 steps");
    m->projections[0].delay = 0.1;
    m->sources[m->projections[0].source].size = 1000000000;
    expect_net_refusal(m, MP_EINVAL, "sizes_second.json: projections[0].connectivity: "
                                     "projection 'exc' would have 10000000000 synapses");
    mp_model_free(m);
}

/* A data set is loaded with the model: refused by mp_model_load, at the
 * position of its `dim`. */
static void test_gaussian_data(void)
{
    const char *file = "sizes_data.json";
    FILE *f = fopen(file, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"big\",\n"
          " \"network\": \"rate\", \"training\": {\"samples\": 10, \"loss\": \"none\"},\n"
          " \"data\": {\"source\": \"gaussian\", \"dim\": 100000, \"samples\": 10},\n"
          " \"populations\": [{\"name\": \"in\", \"model\": \"rate_input\", \"size\": 100000},\n"
          "   {\"name\": \"out\", \"model\": \"rate\", \"size\": 1, \"activation\": \"linear\"}],\n"
          " \"projections\": [{\"name\": \"w\", \"source\": \"in\", \"target\": \"out\",\n"
          "   \"feedback\": \"none\", \"connectivity\": {\"rule\": \"all_to_all\"}}]}\n",
          f);
    fclose(f);
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_EQ(mp_model_load(file, NULL, 0, &m, &err), MP_ENOMEM);
    char msg[1024];
    mp_error_format(&err, msg, sizeof msg);
    CHECK_HAS(msg, "sizes_data.json:3:40: data.dim: a gaussian data set of 10 samples x "
                   "100000 dimensions needs 400 GB (its samples and its random rotation), "
                   "more than the memory limit set by the test (1.0 GB)");
    mp_model_free(m);
}

static void test_duration(void)
{
    mp_model *m = load("sizes_dur.json", HEAD POST(1) "}");
    if (!m)
        return;
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, 1, &net, &err));
    if (!net) {
        mp_model_free(m);
        return;
    }
    /* llround(1e19) overflowed: 0 steps and success */
    CHECK_EQ(mp_net_run(net, 1e18, NULL, NULL, &err), MP_EINVAL);
    CHECK_HAS(err.text, "duration 1e+18 ms is 1e+19 steps of dt = 0.1 ms");
    CHECK_HAS(err.text, "the limit is 2^62 (4.6e18) steps");
    const double bad[] = {-1.0, NAN, INFINITY, 4.7e17};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mp_error_clear(&err);
        CHECK_EQ(mp_net_run(net, bad[i], NULL, NULL, &err), MP_EINVAL);
    }
    mp_error_clear(&err);
    CHECK_OK(mp_net_run(net, 1.0, NULL, NULL, &err));
    CHECK_NEAR(mp_net_time(net), 1.0, 1e-12, 0);
    /* the steps done count: 2^62 - 10 more would reach the limit */
    mp_error_clear(&err);
    CHECK_EQ(mp_net_run(net, 0.1 * 4611686018427387904.0, NULL, NULL, &err), MP_EINVAL);
    CHECK_HAS(err.text, "steps in all (10 done already)");
    mp_net_free(net);
    mp_model_free(m);
}

static void test_helpers(void)
{
    char b[32];
    CHECK_EQ(mp_u_size_mul(SIZE_MAX / 2, 3), SIZE_MAX);
    CHECK_EQ(mp_u_size_mul(0, SIZE_MAX), 0);
    CHECK_EQ(mp_u_size_mul(1000, 1000), 1000000);
    CHECK_EQ(mp_u_size_add(SIZE_MAX, 1), SIZE_MAX);
    CHECK_STR(mp_u_fmt_bytes(512, b), "512 bytes");
    CHECK_STR(mp_u_fmt_bytes(1500, b), "1.5 kB");
    CHECK_STR(mp_u_fmt_bytes(44000000000u, b), "44 GB");
    CHECK_STR(mp_u_fmt_bytes(SIZE_MAX, b), "more than 18 EB");
    /* periods beyond any run saturate instead of overflowing */
    CHECK_EQ(mp_k_steps_of(1e300, 0.1), MP_MAX_STEPS);
    CHECK_EQ(mp_k_steps_of(NAN, 0.1), 1);
    CHECK_EQ(mp_k_steps_of(100.0, 0.1), 1000);
    CHECK_EQ(mp_s_step_of_time(1e300, 0.1), INT64_MAX);
    CHECK_EQ(mp_s_step_of_time(0.25, 0.1), 2);
}

int main(void)
{
    const char *bin = getenv("MP_BINARY_DIR");
    if (!bin || !getenv("METAPLAST_PLUGIN_PATH")) {
        fprintf(stderr, "run through ctest (MP_BINARY_DIR, METAPLAST_PLUGIN_PATH unset)\n");
        return 1;
    }
    snprintf(fixture_dir, sizeof fixture_dir, "%s/tests/badplugins", bin);
    /* every case fails the same way on any machine */
    mp_u_set_mem_limit((size_t)1000000000);
    test_helpers();
    test_spiking();
    test_rule_state();
    test_rate_layer();
    test_net_second_line();
    test_gaussian_data();
    test_duration();
    return CHECK_DONE();
}
