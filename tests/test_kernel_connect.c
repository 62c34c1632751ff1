/* Connectivity: CSR consistency for every rule, exact in-degree,
 * fixed_probability counts within bounds, no autapses unless allowed,
 * group-tuned weights. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test_kernel_fixture.h"

/* pre and post indices describe the same synapses; rows sorted by post. */
static void check_csr(const mp_synapses *s)
{
    int bad = 0;
    CHECK_EQ(s->pre_ptr[s->n_pre], s->nnz);
    CHECK_EQ(s->post_ptr[s->n_post], s->nnz);
    for (uint32_t i = 0; i < s->n_pre; i++)
        for (uint32_t k = s->pre_ptr[i]; k < s->pre_ptr[i + 1]; k++) {
            if (s->pre_of[k] != i)
                bad++;
            if (k > s->pre_ptr[i] && s->post_of[k] <= s->post_of[k - 1])
                bad++; /* sorted, no duplicates */
        }
    char *seen = calloc(s->nnz + 1, 1);
    for (uint32_t j = 0; j < s->n_post; j++)
        for (uint32_t q = s->post_ptr[j]; q < s->post_ptr[j + 1]; q++) {
            uint32_t k = s->post_syn[q];
            if (k >= s->nnz || s->post_of[k] != j || seen[k]++)
                bad++;
            if (q > s->post_ptr[j] && k <= s->post_syn[q - 1])
                bad++;
        }
    free(seen);
    CHECK_EQ(bad, 0);
}

static mp_net *make(mp_model *m)
{
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_net_new(m, 9, &net, &err);
    if (rc != MP_OK) {
        char buf[1024];
        fprintf(stderr, "%s\n", mp_error_format(&err, buf, sizeof buf));
    }
    CHECK_OK(rc);
    return net;
}

static void rules(void)
{
    mp_model *m = fx_model(0.1, 10.0);
    size_t a = fx_pop(m, "a", 300, fx_lif());
    size_t b = fx_pop(m, "b", 200, fx_lif());
    fx_poisson(m, "in", 400, 1.0);
    fx_sources(m);
    mp_m_projection *p;
    p = fx_proj(m, "all", "a", b, MP_RECEPTOR_EX, 1, 1);                  /* 0 */
    p = fx_proj(m, "all_self", "a", a, MP_RECEPTOR_EX, 1, 1);             /* 1 */
    p = fx_proj(m, "all_self_auto", "a", a, MP_RECEPTOR_EX, 1, 1);        /* 2 */
    p->allow_autapses = 1;
    p = fx_proj(m, "one", "a", a, MP_RECEPTOR_EX, 1, 1);                  /* 3 */
    p->conn = MP_CONN_ONE_TO_ONE;
    p->allow_autapses = 1;
    p = fx_proj(m, "prob", "in", b, MP_RECEPTOR_EX, 1, 1);                /* 4 */
    p->conn = MP_CONN_FIXED_PROBABILITY;
    p->p = 0.05;
    p = fx_proj(m, "prob_self", "a", a, MP_RECEPTOR_IN, 1, 1);            /* 5 */
    p->conn = MP_CONN_FIXED_PROBABILITY;
    p->p = 0.3;
    p = fx_proj(m, "indeg", "in", b, MP_RECEPTOR_EX, 1, 1);               /* 6 */
    p->conn = MP_CONN_FIXED_INDEGREE;
    p->k = 37;
    p = fx_proj(m, "indeg_self", "a", a, MP_RECEPTOR_IN, 1, 1);           /* 7 */
    p->conn = MP_CONN_FIXED_INDEGREE;
    p->k = 299;
    p = fx_proj(m, "prob_full", "in", a, MP_RECEPTOR_IN, 1, 1);           /* 8 */
    p->conn = MP_CONN_FIXED_PROBABILITY;
    p->p = 1.0;
    mp_net *net = make(m);
    if (!net)
        return;
    for (size_t j = 0; j < KNET(net)->n_projs; j++)
        check_csr(&KNET(net)->projs[j].syn);
    CHECK_EQ(KNET(net)->projs[0].syn.nnz, 300 * 200);
    CHECK_EQ(KNET(net)->projs[1].syn.nnz, 300 * 299);
    CHECK_EQ(KNET(net)->projs[2].syn.nnz, 300 * 300);
    CHECK_EQ(KNET(net)->projs[3].syn.nnz, 300);
    CHECK_EQ(KNET(net)->projs[8].syn.nnz, 400 * 300);
    /* fixed probability: binomial count */
    double n4 = 400.0 * 200.0, mu = n4 * 0.05, sd = sqrt(n4 * 0.05 * 0.95);
    printf("fixed_probability 0.05: %zu synapses, expected %.0f +- %.0f\n",
           KNET(net)->projs[4].syn.nnz, mu, sd);
    CHECK(fabs((double)KNET(net)->projs[4].syn.nnz - mu) < 5 * sd);
    double n5 = 300.0 * 299.0;
    CHECK(fabs((double)KNET(net)->projs[5].syn.nnz - 0.3 * n5) < 5 * sqrt(n5 * 0.21));
    /* fixed in-degree: exact */
    int bad = 0;
    for (uint32_t j = 0; j < 200; j++)
        bad += KNET(net)->projs[6].post_ptr[j + 1] - KNET(net)->projs[6].post_ptr[j] != 37;
    for (uint32_t j = 0; j < 300; j++)
        bad += KNET(net)->projs[7].post_ptr[j + 1] - KNET(net)->projs[7].post_ptr[j] != 299;
    CHECK_EQ(bad, 0);
    /* out-degree of fixed in-degree is roughly uniform: each source chosen
     * with probability k / n_pre per target */
    double mean_out = 200.0 * 37.0 / 400.0;
    int far = 0;
    for (uint32_t i = 0; i < 400; i++) {
        double d = KNET(net)->projs[6].pre_ptr[i + 1] - KNET(net)->projs[6].pre_ptr[i];
        far += fabs(d - mean_out) > 6 * sqrt(mean_out);
    }
    CHECK_EQ(far, 0);
    /* autapses */
    int autapses = 0;
    size_t self[] = {1, 5, 7};
    for (size_t q = 0; q < 3; q++) {
        const mp_synapses *s = &KNET(net)->projs[self[q]].syn;
        for (size_t k = 0; k < s->nnz; k++)
            autapses += s->pre_of[k] == s->post_of[k];
    }
    CHECK_EQ(autapses, 0);
    mp_net_free(net);
    fx_free(m);
}

static void group_tuned(void)
{
    mp_model *m = fx_vogels_single(10.0);
    mp_net *net = make(m);
    if (!net)
        return;
    const mp_k_proj *e = &KNET(net)->projs[0];
    CHECK_EQ(e->syn.nnz, 800);
    int bad = 0;
    for (size_t k = 0; k < 800; k++) {
        double G = (double)(e->pre_of[k] / 100 + 1);
        double base = 0.3 + 1.1 / (1.0 + pow(G - 5.0, 4));
        bad += !(e->w[k] >= base && e->w[k] < base + 0.1);
    }
    CHECK_EQ(bad, 0);
    CHECK(e->w[450] > 1.3); /* group 5 is the preferred one */
    const mp_k_proj *i = &KNET(net)->projs[1];
    CHECK_EQ(i->syn.nnz, 200);
    CHECK(i->w[17] == 0.1);
    mp_net_free(net);
    fx_free(m);
}

static void too_many_indegree(void)
{
    mp_model *m = fx_model(0.1, 10.0);
    size_t a = fx_pop(m, "a", 10, fx_lif());
    fx_sources(m);
    mp_m_projection *p = fx_proj(m, "x", "a", a, MP_RECEPTOR_EX, 1, 1);
    p->conn = MP_CONN_FIXED_INDEGREE;
    p->k = 10; /* only 9 sources without autapses */
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_EQ(mp_net_new(m, 1, &net, &err), MP_EINVAL);
    CHECK(strstr(err.text, "'x'") != NULL);
    fx_free(m);
}

int main(void)
{
    rules();
    group_tuned();
    too_many_indegree();
    return CHECK_DONE();
}
