/* Confavreux et al. (2020) §3.1-3.2 with the built-in rules: (a) a single
 * linear neuron with Oja's rule on rotated Gaussian data ends within 3 deg
 * of the first principal axis; (b) N = 10 inputs, M = 3 linear outputs with
 * Oja (per-neuron form) feedforward and anti-Hebbian hierarchical lateral
 * weights end with output j within 5 deg of principal axis j. Skipped, with
 * the reason printed, only when plugins/oja.so or anti_hebb.so is absent. */
#include <math.h>

#include "check.h"
#include "test_rate_fixture.h"

static const char *single =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"oja1\",\n"
    " \"network\": \"rate\", \"seed\": 4,\n"
    " \"training\": {\"samples\": 20000, \"loss\": \"none\"},\n"
    " \"data\": {\"source\": \"gaussian\", \"dim\": 10, \"samples\": 5000,\n"
    "   \"spectrum\": {\"kind\": \"exponential\", \"top\": 1, \"ratio\": 0.01}},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 10},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 1, \"activation\": \"linear\"}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"w\", \"source\": \"in\", \"target\": \"out\", \"weight\": {\"normal\": [0, 0.3]},\n"
    "   \"plasticity\": {\"rule\": \"oja\", \"params\": {\"eta\": 0.002, \"subspace\": 0}}}]}\n";

static const char *lateral =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"oja3\",\n"
    " \"network\": \"rate\", \"seed\": 5,\n"
    " \"training\": {\"samples\": 60000, \"loss\": \"none\"},\n"
    " \"data\": {\"source\": \"gaussian\", \"dim\": 10, \"samples\": 10000,\n"
    "   \"spectrum\": {\"kind\": \"exponential\", \"top\": 1, \"ratio\": 0.01}},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 10},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 3, \"activation\": \"linear\"}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"ff\", \"source\": \"in\", \"target\": \"out\", \"weight\": {\"normal\": [0, 0.3]},\n"
    "   \"plasticity\": {\"rule\": \"oja\", \"params\": {\"eta\": 0.002, \"subspace\": 0}}},\n"
    "  {\"name\": \"lat\", \"source\": \"out\", \"target\": \"out\", \"lateral\": \"hierarchical\",\n"
    "   \"plasticity\": {\"rule\": \"anti_hebb\", \"params\": {\"eta\": 0.01}}}]}\n";

/* Angle (deg) between row j of the first projection's W and PC j. */
static double pc_angle(const mp_model *m, const mp_r_net *r, uint32_t j)
{
    const mp_r_proj *p = &r->P[0];
    const double *R = m->data.rotation;
    double d = 0, n = 0;
    for (uint32_t i = 0; i < p->n_pre; i++) {
        double w = p->W[(size_t)j * p->n_pre + i];
        d += w * R[(size_t)i * p->n_pre + j];
        n += w * w;
    }
    double c = fabs(d) / sqrt(n);
    return acos(c > 1 ? 1 : c) * 180.0 / 3.14159265358979323846;
}

static void run(const char *name, const char *text, uint32_t M, double bound)
{
    mp_model *m = rt_model(name, text);
    CHECK(m != NULL);
    if (!m)
        return;
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, m->seed, &net, &err));
    if (net) {
        double before = pc_angle(m, RNET(net), 0);
        CHECK_OK(mp_net_run(net, 0, NULL, NULL, &err));
        for (uint32_t j = 0; j < M; j++) {
            double a = pc_angle(m, RNET(net), j);
            printf("%s: output %u: angle to PC%u %.3f deg (PC1 before: %.1f)\n",
                   name, j, j + 1, a, before);
            CHECK_(a < bound, "%s: output %u: %.3f deg >= %.1f", name, j, a, bound);
        }
    }
    mp_net_free(net);
    mp_model_free(m);
}

int main(void)
{
    rt_mkdir("pca");
    if (!rt_have_plugin("oja") || !rt_have_plugin("anti_hebb")) {
        printf("SKIP: plugins oja.so / anti_hebb.so not found in "
               "METAPLAST_PLUGIN_PATH\n");
        return CHECK_DONE();
    }
    run("single.json", single, 1, 3.0);
    run("lateral.json", lateral, 3, 5.0);
    return CHECK_DONE();
}
