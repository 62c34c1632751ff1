/* A spiking and a rate net built twice from the same model and seed are
 * identical, bit for bit: initial states, connectivity, weights (W and the
 * feedback B), rule parameters, states and streams; and they stay so over
 * a run. Another seed gives other weights (so the comparison can fail).
 * The reuse of a network (reset to a fresh initial state instead of
 * rebuilt) is held to this same comparison. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test_rate_fixture.h"

static int same(const void *a, const void *b, size_t bytes)
{
    return (a == NULL && b == NULL) || (a && b && memcmp(a, b, bytes) == 0);
}

#define SAME(a, b, n) CHECK_(same((a), (b), (n) * sizeof *(a)), "%s differs", #a)

/* Both instances' streams give the same next draw (and move on alike). */
static void same_rule(const mp_p_rule *a, const mp_p_rule *b)
{
    CHECK((a == NULL) == (b == NULL));
    if (!a || !b)
        return;
    CHECK_EQ(a->n_state, b->n_state);
    CHECK_EQ(a->n_scratch, b->n_scratch);
    SAME(a->state, b->state, a->n_state);
    SAME(a->params, b->params, a->desc->n_params);
    CHECK(gsl_rng_uniform(a->rng) == gsl_rng_uniform(b->rng));
}

static void same_spiking(const mp_net *a, const mp_net *b)
{
    CHECK_EQ(a->n_pops, b->n_pops);
    CHECK_EQ(a->steps, b->steps);
    for (size_t i = 0; i < a->n_pops; i++) {
        const mp_k_pop *p = &a->pops[i], *q = &b->pops[i];
        SAME(p->V, q->V, p->n);
        SAME(p->g_ex, q->g_ex, p->n);
        SAME(p->g_in, q->g_in, p->n);
        SAME(p->ref, q->ref, p->n);
        SAME(p->ring_ex, q->ring_ex, (size_t)p->n * p->D);
        SAME(p->ring_in, q->ring_in, (size_t)p->n * p->D);
    }
    for (size_t s = 0; s < a->n_srcs; s++) {
        const mp_k_source *p = &a->srcs[s], *q = &b->srcs[s];
        CHECK_EQ(p->count, q->count);
        CHECK_EQ(p->n_traces, q->n_traces);
        for (size_t t = 0; t < p->n_traces && t < q->n_traces; t++)
            SAME(p->traces[t].x, q->traces[t].x, p->size);
    }
    for (size_t j = 0; j < a->n_projs; j++) {
        const mp_k_proj *p = &a->projs[j], *q = &b->projs[j];
        CHECK_EQ(p->syn.nnz, q->syn.nnz);
        size_t nnz = p->syn.nnz;
        SAME(p->pre_ptr, q->pre_ptr, (size_t)p->syn.n_pre + 1);
        SAME(p->post_of, q->post_of, nnz);
        SAME(p->post_ptr, q->post_ptr, (size_t)p->syn.n_post + 1);
        SAME(p->post_syn, q->post_syn, nnz);
        SAME(p->pre_of, q->pre_of, nnz);
        SAME(p->w, q->w, nnz);
        same_rule(p->rule, q->rule);
    }
}

static void spiking(void)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/tests/models/valid/all_features/model.json",
             getenv("MP_SOURCE_DIR"));
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    /* its groups have no inhibitory trains, which the loader accepts and
     * mp_net_new refuses ("output 1 has no source entry"): given some */
    const char *set[] = {"stimuli[groups].inh_per_group=2"};
    CHECK_OK(mp_model_load(path, set, 1, &m, &err));
    if (!m) {
        fprintf(stderr, "%s\n", err.text);
        return;
    }
    mp_net *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(mp_net_new(m, 42, &a, &err));
    if (!a)
        fprintf(stderr, "%s\n", err.text);
    CHECK_OK(mp_net_new(m, 42, &b, &err));
    CHECK_OK(mp_net_new(m, 43, &c, &err));
    if (a && b && c) {
        size_t plastic = 0;
        for (size_t j = 0; j < a->n_projs; j++)
            plastic += a->projs[j].rule != NULL;
        CHECK(plastic >= 2);
        same_spiking(a, b);
        /* another seed: other random weights (projection ei: uniform) */
        const mp_k_proj *pa = &a->projs[3], *pc = &c->projs[3];
        CHECK_STR(pa->m->name, "ei");
        CHECK(pa->syn.nnz == pc->syn.nnz && !same(pa->w, pc->w, pa->syn.nnz * sizeof *pa->w));
        CHECK_OK(mp_net_run(a, 60.0, NULL, NULL, &err));
        CHECK_OK(mp_net_run(b, 60.0, NULL, NULL, &err));
        long long spikes = 0;
        for (size_t s = 0; s < a->n_srcs; s++)
            spikes += a->srcs[s].count;
        printf("spiking: two builds of seed 42 equal before and after 60 ms (%lld spikes)\n",
               spikes);
        CHECK(spikes > 0);
        same_spiking(a, b);
    }
    mp_net_free(a);
    mp_net_free(b);
    mp_net_free(c);
    mp_model_free(m);
}

static void same_rate(const mp_r_net *a, const mp_r_net *b)
{
    CHECK_EQ(a->nL, b->nL);
    CHECK_EQ(a->seen, b->seen);
    for (size_t k = 0; k < a->nL; k++) {
        const mp_r_layer *p = &a->L[k], *q = &b->L[k];
        SAME(p->z, q->z, p->n);
        SAME(p->y, q->y, p->n);
        SAME(p->e, q->e, p->n);
    }
    for (size_t j = 0; j < a->nP; j++) {
        const mp_r_proj *p = &a->P[j], *q = &b->P[j];
        SAME(p->W, q->W, (size_t)p->n_pre * p->n_post);
        CHECK_EQ(p->b_rows, q->b_rows);
        SAME(p->B, q->B, (size_t)p->b_rows * p->n_pre);
        same_rule(p->rule, q->rule);
    }
    if (a->seen) /* the order of a pass is drawn when the pass begins */
        SAME(a->perm, b->perm, a->m->data.train->n);
    CHECK(gsl_rng_uniform(a->order_rng) == gsl_rng_uniform(b->order_rng));
}

static const char *rate_model =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"rebuild\",\n"
    " \"network\": \"rate\", \"seed\": 9,\n"
    " \"training\": {\"samples\": 25},\n"
    " \"data\": {\"source\": \"idx\", \"train_images\": \"tr-images.idx\",\n"
    "   \"train_labels\": \"tr-labels.idx\", \"test_images\": \"te-images.idx\",\n"
    "   \"test_labels\": \"te-labels.idx\", \"classes\": [0, 1, 2]},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 6},\n"
    "  {\"name\": \"h1\", \"model\": \"rate\", \"size\": 5, \"activation\": \"softplus\"},\n"
    "  {\"name\": \"h2\", \"model\": \"rate\", \"size\": 4, \"activation\": \"tanh\"},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 3, \"activation\": \"softmax\"}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"feedback\": \"direct\",\n"
    "   \"plasticity\": {\"rule\": \"pool\", \"params\": {\"theta0\": 0.01, \"theta3\": 0.001}}},\n"
    "  {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"h2\", \"feedback\": \"fixed_random\",\n"
    "   \"weight\": {\"normal\": [0, 0.3]},\n"
    "   \"plasticity\": {\"rule\": \"pseudo_gradient\", \"params\": {\"eta\": 0.05}}},\n"
    "  {\"name\": \"w3\", \"source\": \"h2\", \"target\": \"out\", \"feedback\": \"symmetric\",\n"
    "   \"weight\": {\"xavier_uniform\": {\"gain\": 2}},\n"
    "   \"plasticity\": {\"rule\": \"pseudo_gradient\", \"params\": {\"eta\": 0.05}}}]}\n";

static void rate(void)
{
    rt_write_idx("tr", 12, 6, 3, 1);
    rt_write_idx("te", 6, 6, 3, 2);
    mp_model *m = rt_model("rebuild.json", rate_model);
    CHECK(m != NULL);
    if (!m)
        return;
    mp_net *a = NULL, *b = NULL, *c = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, 9, &a, &err));
    CHECK_OK(mp_net_new(m, 9, &b, &err));
    CHECK_OK(mp_net_new(m, 10, &c, &err));
    if (a && b && c) {
        const mp_r_net *ra = a->rate, *rb = b->rate, *rc = c->rate;
        CHECK(ra->P[0].B != NULL && ra->P[1].B != NULL && ra->P[0].rule->scratch != NULL);
        same_rate(ra, rb);
        CHECK(!same(ra->P[2].W, rc->P[2].W, 12 * sizeof(double)));
        CHECK(!same(ra->P[0].B, rc->P[0].B, 18 * sizeof(double)));
        CHECK_OK(mp_net_run(a, 0, NULL, NULL, &err));
        CHECK_OK(mp_net_run(b, 0, NULL, NULL, &err));
        CHECK_EQ(ra->seen, 25);
        printf("rate: two builds of seed 9 equal before and after %zu samples\n", ra->seen);
        same_rate(ra, rb);
    }
    mp_net_free(a);
    mp_net_free(b);
    mp_net_free(c);
    mp_model_free(m);
}

int main(void)
{
    if (!getenv("MP_SOURCE_DIR") || !getenv("METAPLAST_PLUGIN_PATH")) {
        fprintf(stderr, "run through ctest (MP_SOURCE_DIR, METAPLAST_PLUGIN_PATH unset)\n");
        return 1;
    }
    rt_mkdir("rebuild");
    spiking();
    rate();
    return CHECK_DONE();
}
