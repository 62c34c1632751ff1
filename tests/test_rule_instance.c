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
    CHECK(r->sio.c.p == r->params && r->sio.c.state == r->state);
    CHECK(r->rio.c.p == r->params && r->rio.c.state == r->state);
    CHECK(r->sio.c.host == &r->host && r->sio.c.api != NULL);
    CHECK_EQ(r->rio.c.n_pre, 3);
    CHECK_EQ(r->rio.c.n_post, 2);
    CHECK_EQ(r->n_state, 4);
    CHECK_EQ(r->n_scratch, 0); /* no scratch_size */
    CHECK(r->scratch != NULL && r->scratch != r->state && !r->has_vjp);
    CHECK_EQ(r->sio.c.size, sizeof(mp_spike_io));
    CHECK_EQ(r->rio.c.size, sizeof(mp_rate_io));
    CHECK(r->sio.c.p_syn != NULL && r->sio.c.p_syn[0] == NULL);

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
    CHECK(r->params[0] == 0.25 && r->params[1] == 10.0 && r->rio.c.p == r->params);

    /* reset: state zeroed, the reset hook once, stream reseeded */
    for (size_t i = 0; i < r->n_state; i++)
        r->state[i] = 7.0;
    CHECK_OK(mp_p_rule_reset(r, 42, &err));
    CHECK(r->state[S_RESETS] == 1.0 && r->state[S_HOOKS] == 0.0 &&
          r->state[S_RESETS_AT_FIRST] == 0.0);
    CHECK(r->state[S_DRAW] == first_draw(42));
    double d1[3], d2[3];
    for (int i = 0; i < 3; i++)
        d1[i] = r->rio.c.api->uniform(r->rio.c.host);
    CHECK_OK(mp_p_rule_reset(r, 42, &err));
    CHECK(r->state[S_RESETS] == 1.0);
    CHECK(r->state[S_DRAW] == first_draw(42));
    for (int i = 0; i < 3; i++)
        d2[i] = r->rio.c.api->uniform(r->rio.c.host);
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

/* A rate rule with step_vjp (oja): scratch apart from the state, sized by
 * scratch_size; a per-synapse learning rate, given, checked and dropped;
 * a per-neuron array expanded into a per-synapse one. */
static void scratch_and_arrays_of_a_gradient_rule(void)
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
    if (!r) {
        mp_p_plugin_free(pl);
        return;
    }
    CHECK(r->has_vjp && r->scratch != NULL && r->scratch != r->state);
    CHECK_EQ(r->n_state, 0);    /* oja carries nothing between samples */
    CHECK_EQ(r->n_scratch, 10); /* scratch_size: 2 n_pre */
    size_t ns, nx;
    mp_p_rule_sizes(pl->desc, par, 5, 3, &ns, &nx);
    CHECK(ns == 0 && nx == 10);
    double half[2] = {0.01, 0.5}; /* subspace is MP_PARAM_TOGGLE */
    CHECK_EQ(mp_p_rule_set_params(r, half, &err), MP_EINVAL);
    CHECK_STR(err.text, "projection 'w' (rule oja): parameter 'subspace' = 0.5 is not 0 or "
                        "1 (a switch)");
    mp_error_clear(&err);
    double per_neuron[2] = {0.01, 0.0};
    CHECK_OK(mp_p_rule_set_params(r, per_neuron, &err));
    CHECK_EQ(r->n_scratch, 10);
    CHECK(r->rio.c.state == r->state && r->rio.c.scratch == r->scratch);

    double eta[15], W[15] = {0};
    for (int i = 0; i < 15; i++)
        eta[i] = 0.001 * i;
    /* not bound yet: the instance does not know its synapses */
    CHECK_EQ(mp_p_rule_set_param_array(r, 0, eta, 15, &err), MP_EINVAL);
    mp_error_clear(&err);
    mp_p_rule_bind_rate(r, W, NULL, NULL, NULL, NULL);
    CHECK_EQ(r->n_syn, 15);
    CHECK_EQ(mp_p_rule_set_param_array(r, 0, eta, 14, &err), MP_EINVAL);
    CHECK_STR(err.text, "projection 'w' (rule oja): parameter 'eta' per synapse needs "
                        "15 values (one per synapse), got 14");
    mp_error_clear(&err);
    CHECK_EQ(mp_p_rule_set_param_array(r, 1, eta, 15, &err), MP_EINVAL);
    CHECK(strstr(err.text, "parameter 'subspace' cannot be given per synapse") != NULL);
    mp_error_clear(&err);
    CHECK_OK(mp_p_rule_set_param_array(r, 0, eta, 15, &err));
    CHECK(r->p_syn[0] != NULL && r->p_syn[0] != eta && r->g_syn[0] != NULL);
    CHECK(r->rio.c.p_syn[0] == r->p_syn[0] && r->rio.c.p_syn[1] == NULL);
    CHECK(r->p_syn[0][14] == eta[14] && r->n_arrays == 1);
    r->g_syn[0][3] = 1.0;
    mp_p_rule_zero_grads(r);
    CHECK(r->g_syn[0][3] == 0.0);
    /* per neuron: post neuron j's value on row j */
    double post[3] = {1.0, 2.0, 3.0}, pre[5] = {4, 5, 6, 7, 8}, out[15];
    mp_p_expand_per_neuron(r, post, 0, out);
    CHECK(out[0] == 1.0 && out[4] == 1.0 && out[5] == 2.0 && out[14] == 3.0);
    mp_p_expand_per_neuron(r, pre, 1, out);
    CHECK(out[0] == 4.0 && out[4] == 8.0 && out[5] == 4.0 && out[14] == 8.0);
    CHECK_OK(mp_p_rule_set_param_array(r, 0, NULL, 0, &err));
    CHECK(r->p_syn[0] == NULL && r->rio.c.p_syn[0] == NULL && r->n_arrays == 0);
    CHECK_OK(mp_p_rule_reset(r, 1, &err));
    mp_p_rule_free(r);
    mp_p_plugin_free(pl);
}

/* The rule instance of projection j of a spiking or rate net. */
static const mp_p_rule *rule_of(const mp_net *net, size_t j)
{
    return net->ops == &mp_r_ops ? RNET(net)->P[j].rule : KNET(net)->projs[j].rule;
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
           net->ops == &mp_r_ops ? "rate" : "spiking", r->state[S_HOOKS], r->state[S_RESETS],
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

/* A spiking instance: binding gives its io the synapses and traces, the
 * synapse count nnz, and per-neuron values expand in the host's synapse
 * order (by presynaptic neuron); counting's parameters are scalars only. */
static void spiking_binding(void)
{
    mp_p_plugin *pl = load(counting_so);
    if (!pl)
        return;
    double par[3] = {0.5, 2.0, 0.0};
    mp_m_plasticity mp = {pl, par};
    mp_p_rule *r = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_p_rule_new(&mp, 3, 2, 7, "model.json", "proj", &r, &err));
    if (!r) {
        mp_p_plugin_free(pl);
        return;
    }
    /* 3 x 2 with synapse 3 (pre 1 -> post 1) missing */
    static const uint32_t pre_ptr[] = {0, 2, 3, 5}, post_of[] = {0, 1, 0, 0, 1};
    static const uint32_t post_ptr[] = {0, 3, 5}, post_syn[] = {0, 2, 3, 1, 4};
    static const uint32_t pre_of[] = {0, 0, 1, 2, 2};
    double w[5] = {0};
    mp_synapses syn = {3, 2, 5, w, pre_ptr, post_of, post_ptr, post_syn, pre_of};
    mp_p_rule_bind_spike(r, &syn, NULL, 0.1);
    CHECK(r->bound == MP_RULE_SPIKING && r->n_syn == 5 && r->sio.syn == &syn);
    CHECK(r->sio.dt == 0.1 && r->sio.x == r->x && r->sio.c.p_syn[0] == NULL);
    double post[2] = {10, 20}, pre[3] = {1, 2, 3}, out[5];
    mp_p_expand_per_neuron(r, post, 0, out);
    CHECK(out[0] == 10 && out[1] == 20 && out[2] == 10 && out[3] == 10 && out[4] == 20);
    mp_p_expand_per_neuron(r, pre, 1, out);
    CHECK(out[0] == 1 && out[1] == 1 && out[2] == 2 && out[3] == 3 && out[4] == 3);
    CHECK_EQ(mp_p_rule_set_param_array(r, 0, out, 5, &err), MP_EINVAL);
    CHECK(strstr(err.text, "parameter 'eta' cannot be given per synapse") != NULL);
    CHECK_OK(mp_p_rule_reset(r, 7, &err)); /* reset gets the spiking io */
    CHECK(r->state[0] == 1.0);
    mp_p_rule_free(r);
    mp_p_plugin_free(pl);
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
    scratch_and_arrays_of_a_gradient_rule();
    spiking_binding();
    nets_reset_once();
    return CHECK_DONE();
}
