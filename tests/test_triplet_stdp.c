/* triplet_stdp in the kernel against the closed form of Pfister & Gerstner
 * (2006): one presynaptic train (a spike file) onto one LIF neuron driven
 * to fire by a second spike file through a strong synapse. After a
 * pre-post pair and a post-pre-post triplet (and with all-to-all traces,
 * every earlier spike) the weight must be
 *   w0 + sum over post spikes t of
 *          sum_{pre t' < t} e^{-(t-t')/tau_plus}
 *            (a2_plus + a3_plus sum_{post t'' < t} e^{-(t-t'')/tau_y})
 *      - sum over pre spikes t of a2_minus sum_{post t' < t} e^{-(t-t')/tau_minus},
 * computed here from the spike times the recorders wrote. Checked for eager
 * and lazy trace decay; the three traces (one presynaptic, two postsynaptic
 * with different time constants) are the host's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernel/kernel_int.h"
#include "net/net_int.h" /* mp_n_impl: the spiking net behind the front */
#include "metaplast/metaplast.h"

static const double A2P = 0.004, A3P = 0.02, A2M = 0.003;
static const double TP = 16.8, TM = 33.7, TY = 125.0, W0 = 0.5;

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Spike times of neuron 0 in a recorder CSV (t_ms,neuron, with a header). */
static size_t read_times(const char *path, double *t, size_t cap)
{
    FILE *f = fopen(path, "r");
    CHECK_(f != NULL, "cannot open %s", path);
    if (!f)
        return 0;
    char line[256];
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < cap) {
        double tm;
        int id;
        if (sscanf(line, "%lf,%d", &tm, &id) == 2 && id == 0)
            t[n++] = tm;
    }
    fclose(f);
    return n;
}

static double expected(const double *pre, size_t np, const double *post, size_t nq)
{
    double w = W0;
    for (size_t a = 0; a < nq; a++) {
        double r1 = 0.0, o2 = 0.0;
        for (size_t b = 0; b < np; b++)
            if (pre[b] < post[a])
                r1 += exp(-(post[a] - pre[b]) / TP);
        for (size_t b = 0; b < a; b++)
            o2 += exp(-(post[a] - post[b]) / TY);
        w += r1 * (A2P + A3P * o2);
    }
    for (size_t b = 0; b < np; b++) {
        double o1 = 0.0;
        for (size_t a = 0; a < nq; a++)
            if (post[a] < pre[b])
                o1 += exp(-(pre[b] - post[a]) / TM);
        w -= A2M * o1;
    }
    return w;
}

static void run_case(const char *decay)
{
    char model[4096];
    snprintf(model, sizeof model,
             "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"triplet\","
             " \"seed\": 1, \"dt\": 0.1, \"duration\": 200, \"trace_decay\": \"%s\","
             " \"populations\": [{\"name\": \"post\", \"size\": 1, \"model\": \"lif_cond\"}],"
             " \"stimuli\": ["
             "  {\"name\": \"pre\", \"type\": \"spike_file\", \"file\": \"triplet_pre.csv\", \"size\": 1},"
             "  {\"name\": \"drive\", \"type\": \"spike_file\", \"file\": \"triplet_drive.csv\", \"size\": 1}],"
             " \"projections\": ["
             "  {\"name\": \"kick\", \"source\": \"drive\", \"target\": \"post\","
             "   \"receptor\": \"excitatory\", \"connectivity\": {\"rule\": \"all_to_all\"},"
             "   \"weight\": 1, \"g_scale\": 1000, \"delay\": 0.1},"
             "  {\"name\": \"syn\", \"source\": \"pre\", \"target\": \"post\","
             "   \"receptor\": \"excitatory\", \"connectivity\": {\"rule\": \"all_to_all\"},"
             "   \"weight\": %g, \"g_scale\": 1e-9, \"delay\": 0.1,"
             "   \"plasticity\": {\"rule\": \"triplet_stdp\", \"params\": {\"a2_plus\": %g,"
             "    \"a3_plus\": %g, \"a2_minus\": %g, \"tau_plus\": %g, \"tau_minus\": %g,"
             "    \"tau_y\": %g, \"w_min\": -10, \"w_max\": 10}}}],"
             " \"recorders\": ["
             "  {\"type\": \"spikes\", \"source\": \"pre\", \"file\": \"pre.csv\"},"
             "  {\"type\": \"spikes\", \"source\": \"post\", \"file\": \"post.csv\"}]}",
             decay, W0, A2P, A3P, A2M, TP, TM, TY);
    /* a pre-post pair (pre 20, post ~30), then post-pre-post (post ~100,
     * pre 110, post ~120) */
    write_file("triplet_pre.csv", "t_ms,neuron\n20,0\n110,0\n");
    write_file("triplet_drive.csv", "t_ms,neuron\n30,0\n100,0\n120,0\n");
    write_file("triplet_model.json", model);
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_model_load("triplet_model.json", NULL, 0, &m, &err));
    if (!m) {
        fprintf(stderr, "%s\n", err.text);
        return;
    }
    mp_net *net = NULL;
    CHECK_OK(mp_net_new(m, 1, &net, &err));
    if (!net) {
        fprintf(stderr, "%s\n", err.text);
        mp_model_free(m);
        return;
    }
    CHECK_OK(mp_net_open_recorders(net, "triplet_out", &err));
    CHECK_OK(mp_net_run(net, 200.0, NULL, NULL, &err));
    CHECK_OK(mp_net_close_recorders(net, &err));
    double pre[8], post[8];
    size_t np = read_times("triplet_out/pre.csv", pre, 8);
    size_t nq = read_times("triplet_out/post.csv", post, 8);
    CHECK_EQ(np, 2);
    CHECK_EQ(nq, 3); /* one spike per kick, none else */
    const mp_k_net *k = (const mp_k_net *)mp_n_impl(net);
    CHECK_EQ(k->projs[1].n_traces, 3);
    /* o1 and o2 follow the same population with different taus: two traces */
    CHECK(k->projs[1].traces[1] != k->projs[1].traces[2]);
    double w = k->projs[1].w[0], want = expected(pre, np, post, nq);
    printf("%s: pre %g %g, post %g %g %g: w = %.17g, closed form %.17g\n", decay,
           pre[0], pre[1], post[0], post[1], post[2], w, want);
    CHECK_NEAR(w, want, 1e-12, 1e-15);
    /* the triplet term matters: without the slow trace the change differs */
    CHECK(fabs(want - (W0 + A2P * exp(-(post[0] - pre[0]) / TP))) > 1e-4);
    mp_net_free(net);
    mp_model_free(m);
}

int main(void)
{
    if (!getenv("METAPLAST_PLUGIN_PATH")) {
        fprintf(stderr, "run through ctest (METAPLAST_PLUGIN_PATH unset)\n");
        return 1;
    }
    run_case("eager");
    run_case("lazy");
    return CHECK_DONE();
}
