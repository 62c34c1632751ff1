/* Same seed -> bit-identical spikes, states and weights; different seed ->
 * different. Uses the hand-built single-neuron model plus a small recurrent
 * population so every stream (stimulus, connectivity, weights, initial
 * states) is exercised. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test_kernel_fixture.h"

typedef struct run {
    long long spikes[8];
    size_t n_post;
    double post_t[4096];
    double V[200];
    double w[4096];
    size_t nw;
} run;

static mp_model *build(void)
{
    mp_model *m = fx_model(0.1, 1000.0);
    size_t post = fx_pop(m, "post", 1, fx_lif());
    size_t rec = fx_pop(m, "rec", 200, fx_lif());
    m->populations[rec].V_init.kind = MP_INIT_UNIFORM;
    m->populations[rec].V_init.a = -60.0;
    m->populations[rec].V_init.b = -50.0;
    fx_vogels(m, "inputs");
    fx_poisson(m, "noise", 500, 10.0);
    fx_sources(m);
    mp_m_projection *e = fx_proj(m, "exc", "inputs.exc", post, MP_RECEPTOR_EX, 0.0, 0.14);
    e->weight.kind = MP_INIT_GROUP_TUNED;
    e->weight.base = 0.3;
    e->weight.amplitude = 1.1;
    e->weight.preferred = 5;
    e->weight.width = 1.0;
    e->weight.power = 4;
    e->weight.jitter_hi = 0.1;
    fx_proj(m, "inh", "inputs.inh", post, MP_RECEPTOR_IN, 0.1, 0.35);
    mp_m_projection *n = fx_proj(m, "noise_rec", "noise", rec, MP_RECEPTOR_EX, 1.0, 1.0);
    n->conn = MP_CONN_FIXED_PROBABILITY;
    n->p = 0.1;
    n->weight.kind = MP_INIT_UNIFORM;
    n->weight.a = 0.5;
    n->weight.b = 1.5;
    mp_m_projection *r = fx_proj(m, "rec_rec", "rec", rec, MP_RECEPTOR_IN, 1.0, 2.0);
    r->conn = MP_CONN_FIXED_INDEGREE;
    r->k = 20;
    r->delay = 1.5;
    r->weight.kind = MP_INIT_NORMAL;
    r->weight.a = 1.0;
    r->weight.b = 0.2;
    return m;
}

static void simulate(const mp_model *m, uint64_t seed, run *out)
{
    memset(out, 0, sizeof *out);
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, seed, &net, &err));
    for (int k = 0; k < 10000; k++) {
        CHECK_OK(mp_net_run(net, 0.1, NULL, NULL, &err));
        if (KNET(net)->pops[0].src->nspk && out->n_post < 4096)
            out->post_t[out->n_post++] = mp_net_time(net);
    }
    for (size_t s = 0; s < KNET(net)->n_srcs && s < 8; s++)
        out->spikes[s] = KNET(net)->srcs[s].count;
    for (uint32_t i = 0; i < 200; i++)
        out->V[i] = KNET(net)->pops[1].V[i];
    const mp_k_proj *pj = &KNET(net)->projs[3];
    out->nw = pj->syn.nnz < 4096 ? pj->syn.nnz : 4096;
    memcpy(out->w, pj->w, out->nw * sizeof *out->w);
    mp_net_free(net);
}

int main(void)
{
    mp_model *m = build();
    static run a, b, c;
    simulate(m, 1, &a);
    simulate(m, 1, &b);
    simulate(m, 2, &c);
    printf("seed 1: post %lld, rec %lld, inputs.exc %lld, noise %lld spikes in 1 s\n",
           a.spikes[0], a.spikes[1], a.spikes[2], a.spikes[4]);
    CHECK(a.spikes[0] > 0 && a.spikes[1] > 0);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    CHECK(memcmp(a.spikes, c.spikes, sizeof a.spikes) != 0);
    CHECK(memcmp(a.post_t, c.post_t, sizeof a.post_t) != 0);
    CHECK(memcmp(a.V, c.V, sizeof a.V) != 0);
    CHECK(memcmp(a.w, c.w, sizeof a.w) != 0);
    fx_free(m);
    return CHECK_DONE();
}
