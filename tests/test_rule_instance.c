/* Rule instances (core/plugin/rule_instance.c): the parameter copy and its
 * bounds, state and scratch sizes, reset (state zeroed, stream reseeded,
 * the reset hook called), and that spiking and rate nets call the reset
 * hook exactly once, after their weights are drawn and before the first
 * step (tests/plugins/counting.c counts in its state). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test_rate_fixture.h"
#include "util/rng.h"

enum { S_RESETS, S_HOOKS, S_RESETS_AT_FIRST, S_DRAW };

static char counting_so[1024]; /* <build>/tests/badplugins/counting.so */

static mp_p_plugin *load(const char *path)
{
    mp_p_plugin *p = NULL;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_p_plugin_load(path, &p, &err);
    if (rc != MP_OK)
        fprintf(stderr, "load %s: %s\n", path, err.text);
    CHECK_OK(rc);
    return p;
}

/* The first draw of a fresh taus2 stream of seed: what host->uniform of an
 * instance seeded so must return first. */
static double first_draw(uint64_t seed)
{
    gsl_rng *r = mp_u_rng_new(MP_U_RNG_TAUS2, seed);
    double u = gsl_rng_uniform(r);
    mp_u_rng_free(r);
    return u;
}

static void parameters_and_reset(void)
{
    mp_p_plugin *pl = load(counting_so);
    if (!pl)
        return;
    double model_par[3] = {0.5, 2.0, 0.0};
    mp_m_plasticity mp = {pl, model_par};
    mp_p_rule *r = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_p_rule_new(&mp, 3, 2, 42, "model.json", "proj", &r, &err));
    if (!r) {
        mp_p_plugin_free(pl);
        return;
    }
    /* its own copy of the values, bound into its io */
    model_par[0] = 9.0;
    CHECK(r->params[0] == 0.5 && r->params[1] == 2.0);
    CHECK(r->io.p == r->params && r->io.state == r->state);
    CHECK(r->io.host == &r->host && r->io.api != NULL);
    CHECK_EQ(r->io.n_pre, 3);
    CHECK_EQ(r->io.n_post, 2);
    CHECK_EQ(r->n_state, 4);
    CHECK_EQ(r->n_scratch, 0); /* no MP_RULE_GRAD_V1 */
    CHECK(r->scratch == NULL && r->grad == NULL);
    CHECK_EQ(r->io.size, sizeof(mp_rule_io));

    /* set-parameters: checked against the bounds as a whole, before any
     * value changes; the message names the parameter */
    double bad_eta[3] = {-1.0, 2.0, 0.0};
    CHECK_EQ(mp_p_rule_set_params(r, bad_eta, &err), MP_EINVAL);
    CHECK_STR(err.text, "projection 'proj' (rule counting): parameter 'eta' = -1 is "
                        "outside its bounds [0, inf]");
    mp_error_clear(&err);
    double bad_cap[3] = {0.25, 11.0, 0.0}; /* eta fine, cap not: nothing applied */
    CHECK_EQ(mp_p_rule_set_params(r, bad_cap, &err), MP_EINVAL);
    CHECK_STR(err.text, "projection 'proj' (rule counting): parameter 'cap' = 11 is "
                        "outside its bounds [0, 10]");
    CHECK(r->params[0] == 0.5 && r->params[1] == 2.0);
    mp_error_clear(&err);
    double nan_cap[3] = {0.25, NAN, 0.0};
    CHECK_EQ(mp_p_rule_set_params(r, nan_cap, &err), MP_EINVAL);
    CHECK(strstr(err.text, "parameter 'cap' = nan is outside") != NULL);
    mp_error_clear(&err);
    double good[3] = {0.25, 10.0, 0.0};
    CHECK_OK(mp_p_rule_set_params(r, good, &err));
    CHECK(r->params[0] == 0.25 && r->params[1] == 10.0 && r->io.p == r->params);

    /* reset: state zeroed, the reset hook once, stream reseeded */
    for (size_t i = 0; i < r->n_state; i++)
        r->state[i] = 7.0;
    CHECK_OK(mp_p_rule_reset(r, 42, &err));
    CHECK(r->state[S_RESETS] == 1.0 && r->state[S_HOOKS] == 0.0 &&
          r->state[S_RESETS_AT_FIRST] == 0.0);
    CHECK(r->state[S_DRAW] == first_draw(42));
    double d1[3], d2[3];
    for (int i = 0; i < 3; i++)
        d1[i] = r->io.api->uniform(r->io.host);
    CHECK_OK(mp_p_rule_reset(r, 42, &err));
    CHECK(r->state[S_RESETS] == 1.0);
    CHECK(r->state[S_DRAW] == first_draw(42));
    for (int i = 0; i < 3; i++)
        d2[i] = r->io.api->uniform(r->io.host);
    CHECK(d1[0] == d2[0] && d1[1] == d2[1] && d1[2] == d2[2]);
    CHECK(d1[0] != d1[1]);
    CHECK_OK(mp_p_rule_reset(r, 43, &err));
    CHECK(r->state[S_DRAW] == first_draw(43) && r->state[S_DRAW] != first_draw(42));

    /* a reset hook that refuses: its message, through the instance's sink */
    double fail[3] = {0.25, 1.0, 1.0};
    CHECK_OK(mp_p_rule_set_params(r, fail, &err));
    CHECK_EQ(mp_p_rule_reset(r, 42, &err), MP_EPLUGIN);
    CHECK_STR(err.text, "projection 'proj' (rule counting): asked to fail (fail = 1)");
    mp_p_rule_free(r);
    mp_p_plugin_free(pl);
}

/* A rule with MP_RULE_GRAD_V1 (oja): scratch max(state_size, scratch_size)
 * apart from the state; set-parameters resizes both when the state size
 * depends on a value (subspace). */
static void scratch_of_a_gradient_rule(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/oja.so", getenv("METAPLAST_PLUGIN_PATH"));
    mp_p_plugin *pl = load(path);
    if (!pl)
        return;
    CHECK_EQ(pl->desc->n_params, 2); /* eta, subspace */
    double par[2] = {0.01, 1.0};
    mp_m_plasticity mp = {pl, par};
    mp_p_rule *r = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_p_rule_new(&mp, 5, 3, 1, "model.json", "w", &r, &err));
    if (r) {
        CHECK(r->grad != NULL && r->scratch != NULL && r->scratch != r->state);
        CHECK_EQ(r->n_state, 5);    /* subspace form: n_pre */
        CHECK_EQ(r->n_scratch, 10); /* scratch_size: 2 n_pre */
        size_t ns, nx;
        mp_p_rule_sizes(pl->desc, par, 5, 3, &ns, &nx);
        CHECK(ns == 5 && nx == 10);
        double per_neuron[2] = {0.01, 0.0};
        CHECK_OK(mp_p_rule_set_params(r, per_neuron, &err));
        CHECK_EQ(r->n_state, 0);
        CHECK_EQ(r->n_scratch, 10);
        CHECK(r->io.state == r->state && r->state != NULL);
        CHECK_OK(mp_p_rule_reset(r, 1, &err));
        mp_p_rule_free(r);
    }
    mp_p_plugin_free(pl);
}

/* The rule instance of projection j of a spiking or rate net. */
static const mp_p_rule *rule_of(const mp_net *net, size_t j)
{
    return net->rate ? net->rate->P[j].rule : net->projs[j].rule;
}

/* After the build: reset ran once (after the weights, with the stream of
 * (seed, MP_STREAM_RULE, j)) and no hook yet; after a run: hooks ran, the
 * first of them after exactly one reset, and no further reset. */
static void check_counts(mp_model *m, uint64_t seed, size_t j, double duration)
{
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, seed, &net, &err));
    if (!net)
        return;
    const mp_p_rule *r = rule_of(net, j);
    CHECK(r->state[S_RESETS] == 1.0 && r->state[S_HOOKS] == 0.0);
    CHECK(r->state[S_DRAW] == first_draw(mp_u_stream_seed(seed, MP_STREAM_RULE, j)));
    CHECK_OK(mp_net_run(net, duration, NULL, NULL, &err));
    printf("%s net: %g hook calls after %g reset(s); the first found %g\n",
           net->rate ? "rate" : "spiking", r->state[S_HOOKS], r->state[S_RESETS],
           r->state[S_RESETS_AT_FIRST]);
    CHECK(r->state[S_HOOKS] > 0.0);
    CHECK(r->state[S_RESETS_AT_FIRST] == 1.0);
    CHECK(r->state[S_RESETS] == 1.0);
    mp_net_free(net);
}

static void nets_reset_once(void)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"count\",\n"
             " \"seed\": 3, \"dt\": 0.1, \"duration\": 100,\n"
             " \"populations\": [{\"name\": \"post\", \"size\": 2, \"model\": \"lif_cond\"}],\n"
             " \"stimuli\": [{\"name\": \"in\", \"type\": \"poisson\", \"size\": 20, "
             "\"rate\": 50}],\n"
             " \"projections\": [{\"name\": \"drive\", \"source\": \"in\", \"target\": "
             "\"post\",\n   \"receptor\": \"excitatory\", \"connectivity\": {\"rule\": "
             "\"all_to_all\"}, \"weight\": 3.0,\n"
             "   \"plasticity\": {\"rule\": \"%s\"}}]}\n",
             counting_so);
    mp_model *m = rt_model("spiking.json", text);
    CHECK(m != NULL);
    if (m) {
        check_counts(m, 3, 0, 100.0);
        mp_model_free(m);
    }
    snprintf(text, sizeof text,
             "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"count_rate\",\n"
             " \"network\": \"rate\", \"seed\": 5,\n"
             " \"training\": {\"samples\": 7, \"loss\": \"none\"},\n"
             " \"data\": {\"source\": \"gaussian\", \"dim\": 4, \"samples\": 10,\n"
             "   \"spectrum\": {\"kind\": \"exponential\", \"top\": 1, \"ratio\": 0.1}},\n"
             " \"populations\": [{\"name\": \"in\", \"model\": \"rate_input\", \"size\": 4},\n"
             "   {\"name\": \"out\", \"model\": \"rate\", \"size\": 2, \"activation\": "
             "\"linear\"}],\n"
             " \"projections\": [{\"name\": \"w\", \"source\": \"in\", \"target\": \"out\",\n"
             "   \"feedback\": \"none\", \"plasticity\": {\"rule\": \"%s\"}}]}\n",
             counting_so);
    m = rt_model("rate.json", text);
    CHECK(m != NULL);
    if (m) {
        check_counts(m, 5, 0, 0.0);
        mp_model_free(m);
    }
}

int main(void)
{
    const char *bin = getenv("MP_BINARY_DIR");
    if (!bin || !getenv("METAPLAST_PLUGIN_PATH")) {
        fprintf(stderr, "run through ctest (MP_BINARY_DIR, METAPLAST_PLUGIN_PATH unset)\n");
        return 1;
    }
    snprintf(counting_so, sizeof counting_so, "%s/tests/badplugins/counting.so", bin);
    rt_mkdir("rule_instance");
    parameters_and_reset();
    scratch_of_a_gradient_rule();
    nets_reset_once();
    return CHECK_DONE();
}
