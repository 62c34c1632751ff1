/* The model loader: the shipped Vogels model field by field, a model using
 * every feature, --set overrides, error records, and the position re-scan
 * and suggestion helpers on small strings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/load_int.h"
#include "model/model_int.h"

static char src_dir[1024];

static const char *src_path(const char *rel)
{
    static char buf[2048];
    snprintf(buf, sizeof buf, "%s/%s", src_dir, rel);
    return buf;
}

static int param_of(const mp_m_projection *p, const char *name, double *out)
{
    int i = mp_p_param_index(p->plasticity->plugin->desc, name);
    if (i < 0)
        return -1;
    *out = p->plasticity->params[i];
    return 0;
}

static void test_vogels(void)
{
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_model_load(src_path("models/vogels2011_single_neuron.json"), NULL, 0,
                           &m, &err));
    if (!m) {
        fprintf(stderr, "load failed: %s\n", err.text);
        return;
    }
    CHECK_STR(mp_model_name(m), "vogels2011_single_neuron");
    CHECK(strstr(mp_model_file(m), "vogels2011_single_neuron.json") != NULL);
    CHECK_EQ(mp_model_seed(m), 1);
    CHECK_NEAR(mp_model_dt(m), 0.1, 0, 0);
    CHECK_NEAR(mp_model_duration(m), 90000, 0, 0);
    CHECK_EQ(m->format_version, 1);
    CHECK_EQ(m->trace_decay, MP_TRACE_LAZY); /* the model file asks for it */
    CHECK(m->notes && strncmp(m->notes, "One conductance LIF", 19) == 0);
    CHECK(m->notes && strchr(m->notes, '\n') != NULL);

    CHECK_EQ(m->n_populations, 1);
    const mp_m_population *p = &m->populations[0];
    CHECK_STR(p->name, "post");
    CHECK_EQ(p->size, 1);
    CHECK_EQ(p->model, MP_NEURON_LIF_COND);
    CHECK_EQ(p->integrator, MP_INTEG_EXP_EULER);
    CHECK_NEAR(p->rtol, 1e-6, 0, 0);
    CHECK_NEAR(p->lif.C_m, 200, 0, 0);
    CHECK_NEAR(p->lif.g_L, 10, 0, 0);
    CHECK_NEAR(p->lif.E_L, -60, 0, 0);
    CHECK_NEAR(p->lif.V_th, -50, 0, 0);
    CHECK_NEAR(p->lif.t_ref, 5, 0, 0);
    CHECK_NEAR(p->lif.E_in, -80, 0, 0);
    CHECK_NEAR(p->lif.tau_syn_in, 10, 0, 0);
    CHECK_EQ(p->V_init.kind, MP_INIT_CONST);
    CHECK_NEAR(p->V_init.a, -60, 0, 0);
    CHECK_NEAR(p->g_ex_init.a, 0, 0, 0);

    CHECK_EQ(m->n_stimuli, 1);
    const mp_m_stimulus *s = &m->stimuli[0];
    CHECK_STR(s->name, "inputs");
    CHECK_EQ(s->kind, MP_STIM_VOGELS_GROUPS);
    CHECK_EQ(s->vogels.n_groups, 8);
    CHECK_EQ(s->vogels.exc_per_group, 100);
    CHECK_EQ(s->vogels.inh_per_group, 25);
    CHECK_NEAR(s->vogels.tau_signal, 50, 0, 0);
    CHECK_NEAR(s->vogels.peak_rate, 500, 0, 0);
    CHECK_NEAR(s->vogels.norm, 0.03, 0, 0);
    CHECK_NEAR(s->vogels.dead_time, 5, 0, 0);
    CHECK_EQ(s->vogels.sparsify, 0);
    CHECK_NEAR(s->vogels.sparsify_off_ms, 1.0, 0, 0);

    CHECK_EQ(m->n_sources, 3);
    CHECK_EQ(mp_m_source_find(m, "post"), 0);
    CHECK_EQ(mp_m_source_find(m, "inputs.exc"), 1);
    CHECK_EQ(mp_m_source_find(m, "inputs.inh"), 2);
    CHECK_EQ(mp_m_source_find(m, "inputs"), -1);
    CHECK_EQ(m->sources[1].kind, MP_SRC_STIMULUS);
    CHECK_EQ(m->sources[1].size, 800);
    CHECK_EQ(m->sources[1].n_groups, 8);
    CHECK_EQ(m->sources[1].per_group, 100);
    CHECK_EQ(m->sources[2].output, MP_OUT_INH);
    CHECK_EQ(m->sources[2].size, 200);

    CHECK_EQ(m->n_projections, 2);
    const mp_m_projection *e = &m->projections[0], *i = &m->projections[1];
    CHECK_STR(e->name, "exc");
    CHECK_EQ(e->source, 1);
    CHECK_EQ(e->target, 0);
    CHECK_EQ(e->receptor, MP_RECEPTOR_EX);
    CHECK_EQ(e->conn, MP_CONN_ALL_TO_ALL);
    CHECK_EQ(e->weight.kind, MP_INIT_GROUP_TUNED);
    CHECK_NEAR(e->weight.base, 0.3, 0, 0);
    CHECK_NEAR(e->weight.amplitude, 1.1, 0, 0);
    CHECK_NEAR(e->weight.preferred, 5, 0, 0);
    CHECK_NEAR(e->weight.width, 1, 0, 0);
    CHECK_NEAR(e->weight.power, 4, 0, 0);
    CHECK_NEAR(e->weight.jitter_hi, 0.1, 0, 0);
    CHECK_NEAR(e->g_scale, 0.14, 0, 0);
    CHECK_NEAR(e->delay, 0.1, 1e-15, 0);
    CHECK_NEAR(e->w_max, 1e6, 0, 0);
    CHECK(e->plasticity == NULL);
    CHECK_EQ(i->receptor, MP_RECEPTOR_IN);
    CHECK_EQ(i->weight.kind, MP_INIT_CONST);
    CHECK_NEAR(i->weight.a, 0.1, 0, 0);
    CHECK(i->plasticity != NULL);
    if (i->plasticity) {
        double v = 0;
        CHECK_STR(i->plasticity->plugin->desc->name, "istdp");
        CHECK_OK(param_of(i, "eta", &v));
        CHECK_NEAR(v, 0.001, 0, 0);
        CHECK_OK(param_of(i, "alpha", &v));
        CHECK_NEAR(v, -0.25, 0, 0);
        CHECK_OK(param_of(i, "tau_pre", &v));
        CHECK_NEAR(v, 20, 0, 0);
    }
    CHECK_EQ(m->n_plugins, 1);

    CHECK_EQ(m->n_recorders, 4);
    CHECK_EQ(m->recorders[0].kind, MP_REC_SPIKES);
    CHECK_STR(m->recorders[0].file, "post_spikes.csv");
    CHECK_EQ(m->recorders[1].kind, MP_REC_RATE);
    CHECK_NEAR(m->recorders[1].window, 1000, 0, 0);
    CHECK_EQ(m->recorders[2].kind, MP_REC_STATE);
    CHECK_EQ(m->recorders[2].n_neurons, 1);
    CHECK_EQ(m->recorders[2].vars, MP_VAR_V | MP_VAR_G_EX | MP_VAR_G_IN);
    CHECK_NEAR(m->recorders[2].interval, 1, 0, 0);
    CHECK_EQ(m->recorders[3].kind, MP_REC_WEIGHTS);
    CHECK_EQ(m->recorders[3].target, 1);
    mp_model_free(m);
}

/* tests/models/valid/all_features: the fields the Vogels model leaves out. */
static void test_all_features(void)
{
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_model_load(src_path("tests/models/valid/all_features/model.json"),
                           NULL, 0, &m, &err));
    if (!m) {
        fprintf(stderr, "load failed: %s\n", err.text);
        return;
    }
    CHECK_EQ(m->seed, 42);
    CHECK_EQ(m->trace_decay, MP_TRACE_LAZY);
    CHECK_EQ(m->populations[0].integrator, MP_INTEG_RKF45);
    CHECK_EQ(m->populations[0].V_init.kind, MP_INIT_UNIFORM);
    CHECK_EQ(m->populations[0].g_ex_init.kind, MP_INIT_NORMAL);
    CHECK_NEAR(m->populations[0].g_ex_init.b, 0.5, 0, 0);
    /* NEST iaf_cond_exp defaults for the second population. */
    CHECK_NEAR(m->populations[1].lif.C_m, 250, 0, 0);
    CHECK_NEAR(m->populations[1].lif.tau_syn_ex, 0.2, 0, 0);
    CHECK_NEAR(m->populations[1].V_init.a, -70, 0, 0);
    /* groups.inh has 0 trains per group: no source. */
    CHECK_EQ(m->n_sources, 5);
    CHECK_EQ(mp_m_source_find(m, "groups.inh"), -1);
    CHECK_EQ(m->stimuli[1].vogels.sparsify, 1);
    const mp_m_spike_file *sf = &m->stimuli[2].file;
    CHECK_EQ(sf->n_spikes, 3);
    if (sf->n_spikes == 3) {
        CHECK_NEAR(sf->t[0], 1.0, 0, 0);
        CHECK_EQ(sf->id[0], 2);
        CHECK_EQ(sf->id[1], 19);
        CHECK_NEAR(sf->t[2], 5.0, 0, 0);
    }
    CHECK_EQ(m->projections[0].conn, MP_CONN_ONE_TO_ONE);
    CHECK_EQ(m->projections[1].conn, MP_CONN_FIXED_PROBABILITY);
    CHECK_NEAR(m->projections[1].delay, 1.5, 1e-15, 0);
    CHECK_NEAR(m->projections[1].w_max, 10, 0, 0);
    CHECK_NEAR(m->projections[1].weight.width, 1, 0, 0);
    CHECK_EQ(m->projections[2].conn, MP_CONN_FIXED_INDEGREE);
    CHECK_EQ(m->projections[2].k, 19);
    CHECK_NEAR(m->projections[2].delay, 0.05, 0, 0); /* default: dt */
    CHECK_NEAR(m->projections[2].weight.a, 1, 0, 0);
    /* Two projections with istdp: one plugin. */
    CHECK_EQ(m->n_plugins, 1);
    CHECK(m->projections[3].plasticity->plugin == m->projections[4].plasticity->plugin);
    CHECK_STR(m->recorders[0].file, "spikes_exc.csv");
    CHECK_STR(m->recorders[1].file, "spikes_groups.exc.csv");
    CHECK_STR(m->recorders[2].file, "rate_inh.csv");
    CHECK_EQ(m->recorders[3].vars, MP_VAR_V | MP_VAR_G_IN);
    CHECK_STR(m->recorders[4].file, "weights_ie.csv");
    CHECK_NEAR(m->recorders[4].interval, 1000, 0, 0);
    mp_model_free(m);
}

/* Loads the Vogels model with overrides; returns the status, err filled. */
static int load_with(const char *const *ov, size_t n, mp_model **m, mp_error *err)
{
    mp_error_clear(err);
    return mp_model_load(src_path("models/vogels2011_single_neuron.json"), ov, n, m,
                         err);
}

static void test_overrides(void)
{
    mp_model *m = NULL;
    mp_error err;
    const char *ok[] = {"seed=7", "duration=1000",
                        "projections[inh].plasticity.params.eta=0.002",
                        "projections[0].g_scale=0.2", "name=\"renamed\""};
    CHECK_OK(load_with(ok, 5, &m, &err));
    if (m) {
        double eta = 0;
        CHECK_EQ(mp_model_seed(m), 7);
        CHECK_NEAR(mp_model_duration(m), 1000, 0, 0);
        CHECK_OK(param_of(&m->projections[1], "eta", &eta));
        CHECK_NEAR(eta, 0.002, 0, 0);
        CHECK_NEAR(m->projections[0].g_scale, 0.2, 0, 0);
        CHECK_STR(mp_model_name(m), "renamed");
    }
    mp_model_free(m);

    /* A value that is not JSON is a string. */
    const char *str[] = {"name=plain_text"};
    CHECK_OK(load_with(str, 1, &m, &err));
    if (m)
        CHECK_STR(mp_model_name(m), "plain_text");
    mp_model_free(m);

    struct {
        const char *set, *want;
    } bad[] = {
        {"projections[nope].delay=1", "projections has no element [nope]"},
        {"projections[7].delay=1", "projections has no element [7]"},
        {"nothing_here", "expected path=value"},
        {"=5", "expected path=value"},
        {"populations[0].nope.x=1", "there is no 'populations[0].nope'"},
        {"seed.x=1", "'seed' is not an object"},
        {"projections[0].wieght=1", "unknown key 'wieght' (did you mean 'weight'?)"},
        {"duration=-5", "must be > 0 ms (got -5)"},
        {"populations[0]={\"name\": \"a\", \"name\": \"b\"}",
         "invalid JSON in the value: duplicate object key near '\"name\"'"},
        {"populations[0].params={\"C_m\": 1", "invalid JSON in the value"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        m = NULL;
        int rc = load_with(&bad[k].set, 1, &m, &err);
        CHECK_EQ(rc, MP_EINVAL);
        CHECK(m == NULL);
        CHECK_(strstr(err.text, bad[k].want) != NULL, "--set %s: '%s' lacks '%s'",
               bad[k].set, err.text, bad[k].want);
    }
    /* An error in an overridden value names the --set, not the file. */
    const char *dur = "duration=-5";
    load_with(&dur, 1, &m, &err);
    CHECK_EQ(err.line, 0);
    CHECK_STR(err.file, "--set 'duration=-5'");
    CHECK_STR(err.path, "duration");
}

static void test_errors(void)
{
    mp_model *m = (mp_model *)&m; /* must be reset to NULL on failure */
    mp_error err;
    mp_error_clear(&err);
    CHECK_EQ(mp_model_load("/nonexistent/dir/model.json", NULL, 0, &m, &err), MP_EIO);
    CHECK(m == NULL);
    CHECK_EQ(err.code, MP_EIO);
    CHECK(strstr(err.text, "/nonexistent/dir/model.json") != NULL);
    CHECK(strstr(err.file, "model.json") != NULL);

    /* The first error wins: a second load does not overwrite it. */
    CHECK_EQ(mp_model_load("/nonexistent/other.json", NULL, 0, &m, &err), MP_EIO);
    CHECK(strstr(err.text, "dir/model.json") != NULL);

    /* Load flags: unknown bits are refused; trusted plugins only loads a
     * model whose rules are named by name. */
    mp_error_clear(&err);
    CHECK_EQ(mp_model_load_flags(src_path("models/vogels2011_single_neuron.json"),
                                 NULL, 0, 1u << 7, &m, &err), MP_EINVAL);
    CHECK(m == NULL);
    mp_error_clear(&err);
    CHECK_OK(mp_model_load_flags(src_path("models/vogels2011_single_neuron.json"),
                                 NULL, 0, MP_LOAD_TRUSTED_PLUGINS_ONLY, &m, &err));
    mp_model_free(m);
    m = (mp_model *)&m;

    /* A NULL error record is allowed. */
    CHECK_EQ(mp_model_load("/nonexistent/x.json", NULL, 0, &m, NULL), MP_EIO);
    mp_model_free(NULL);
    CHECK(mp_model_name(NULL) == NULL);

    /* Positions: a missing key points at its enclosing object. */
    mp_error_clear(&err);
    CHECK_EQ(mp_model_load(src_path("tests/models/invalid/missing_duration/model.json"),
                           NULL, 0, &m, &err), MP_EINVAL);
    CHECK_EQ(err.line, 1);
    CHECK_EQ(err.column, 1);
    CHECK_STR(err.path, "duration");

    /* Plugin failures carry the model position and the loader's text. */
    mp_error_clear(&err);
    CHECK_EQ(mp_model_load(src_path("tests/models/invalid/unknown_plugin_rule/model.json"),
                           NULL, 0, &m, &err), MP_EPLUGIN);
    CHECK_STR(err.path, "projections[1].plasticity.rule");
    CHECK(err.line > 0 && err.column > 0);
    CHECK(strstr(err.text, "nosuchrule") != NULL);

    mp_error_clear(&err);
    CHECK_EQ(mp_model_load(src_path("tests/models/invalid/bad_json_syntax/model.json"),
                           NULL, 0, &m, &err), MP_EPARSE);
    CHECK_EQ(err.line, 6);
}

static void test_jsonpos(void)
{
    int line, col;
    const char *t = "{\"a\": 1, \"b\": [10, {\"c\": \"x\"}],\n"
                    "  \"s\": \"]}\\\"[,\", \"t\": {\"u\": [[1, 2], [3]]},\n"
                    "  \"\xc3\xa9\": 0, \"v\": true}";
    size_t n = strlen(t);
    CHECK_EQ(mp_m_jsonpos(t, n, "", &line, &col), 0);
    CHECK_EQ(line, 1);
    CHECK_EQ(col, 1);
    CHECK_EQ(mp_m_jsonpos(t, n, "a", &line, &col), 1);
    CHECK_EQ(col, 7);
    CHECK_EQ(mp_m_jsonpos(t, n, "b[1].c", &line, &col), 3);
    CHECK_EQ(line, 1);
    CHECK_EQ(col, 26);
    /* Deeper than the text: the deepest value found. */
    CHECK_EQ(mp_m_jsonpos(t, n, "b[5]", &line, &col), 1);
    CHECK_EQ(col, 15);
    CHECK_EQ(mp_m_jsonpos(t, n, "zz.y", &line, &col), 0);
    CHECK_EQ(col, 1);
    /* Brackets and quotes inside strings do not confuse the scan. */
    CHECK_EQ(mp_m_jsonpos(t, n, "t.u[1][0]", &line, &col), 4);
    CHECK_EQ(line, 2);
    CHECK_EQ(col, 39);
    /* Columns count characters: "é" is two bytes, one column. */
    CHECK_EQ(mp_m_jsonpos(t, n, "v", &line, &col), 1);
    CHECK_EQ(line, 3);
    CHECK_EQ(col, 16);
    /* Truncated or empty text never crashes. */
    CHECK_EQ(mp_m_jsonpos(t, 20, "b[1].c", &line, &col), 2);
    CHECK_EQ(mp_m_jsonpos("", 0, "a", &line, &col), -1);
    CHECK_EQ(line, 0);
    CHECK_EQ(mp_m_jsonpos(NULL, 0, "a", &line, &col), -1);
}

static void test_suggest(void)
{
    const char *keys[] = {"weight", "delay", "g_scale", "source", "target"};
    CHECK_STR(mp_m_suggest("wieght", keys, 5), "weight");
    CHECK_STR(mp_m_suggest("Delay", keys, 5), "delay");
    CHECK_STR(mp_m_suggest("sorce", keys, 5), "source");
    CHECK(mp_m_suggest("colour", keys, 5) == NULL);
    CHECK(mp_m_suggest("x", keys, 5) == NULL);
    char buf[32];
    CHECK_STR(mp_m_fmt_num(0.1, buf), "0.1");
    CHECK_STR(mp_m_fmt_num(-3, buf), "-3");
    CHECK_STR(mp_m_fmt_num(1e-9, buf), "1e-09");
}

int main(void)
{
    const char *d = getenv("MP_SOURCE_DIR");
    snprintf(src_dir, sizeof src_dir, "%s", d ? d : "..");
    test_vogels();
    test_all_features();
    test_overrides();
    test_errors();
    test_jsonpos();
    test_suggest();
    return CHECK_DONE();
}
