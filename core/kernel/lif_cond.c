/* Conductance LIF (Confavreux et al. eq. 10-11; NEST iaf_cond_exp), exponential
 * Euler as in the original Vogels 2011 code:
 *   g_ex <- g_ex exp(-dt/tau_ex) + arrivals; g_in likewise;
 *   refractory: V = V_reset, count down; else
 *   g_tot = g_L + g_ex + g_in,
 *   V_inf = (g_L E_L + g_ex E_ex + g_in E_in + I_e) / g_tot,
 *   V <- V_inf + (V - V_inf) exp(-dt g_tot / C_m);
 *   V >= V_th: spike, V = V_reset, refractory for round(t_ref/dt) steps.
 *
 * Performance: the step is two passes. The first runs over all neurons
 * without branches (refractory neurons are integrated too and the result
 * thrown away by a select), with the inline mp_exp, so GCC vectorizes it; it
 * leaves a 0/1 spike flag per neuron. The second collects the flagged
 * indices. The refractory count and the flags are doubles so that the
 * loop has one element width. mp_exp instead of libm's exp also makes V
 * independent of the CPU (glibc picks an FMA or non-FMA exp at load time). */
#include "kernel/kernel_int.h"
#include "util/fastmath.h"

typedef mp_k_lif_consts lif_consts;

void mp_k_lif_init_consts(mp_k_pop *p, double dt)
{
    const mp_m_lif_cond *m = &p->m->lif;
    p->lif = (lif_consts){
        /* mp_exp: the same bits on every CPU */
        .d_ex = mp_exp(-dt / m->tau_syn_ex), .d_in = mp_exp(-dt / m->tau_syn_in),
        .gL = m->g_L, .gLEL_Ie = m->g_L * m->E_L + m->I_e, .Eex = m->E_ex, .Ein = m->E_in,
        .k = -dt / m->C_m, .Vth = m->V_th, .Vr = m->V_reset,
        .nref = round(m->t_ref / dt)}; /* llround: undefined beyond int64_t */
}

/* Pass 1: arrivals, decay, integration, threshold; flag[i] = 1 if neuron i
 * spikes. Same arithmetic as the scalar recipe above, operation for
 * operation, so the results do not depend on the vector width. The arrays
 * are restrict parameters (GCC ignores restrict on locals loaded from a
 * struct and would give up on the alias checks).
 * Compiled three times, picked at load time by the CPU (ifunc): AVX-512 and
 * AVX2 give 8 and 4 neurons per vector instead of 2. The clones do the same
 * IEEE operations lane by lane (no FMA: -ffp-contract=off), so every clone
 * gives the same bits (tests/test_fastmath.c compares with scalar code). */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void integrate(uint32_t n, const lif_consts *cs, double *restrict V,
                      double *restrict ge, double *restrict gi, double *restrict re,
                      double *restrict ri, double *restrict ref,
                      double *restrict flag)
{
    const lif_consts c = *cs;
    for (uint32_t i = 0; i < n; i++) {
        double gex = ge[i] * c.d_ex + re[i];
        double gin = gi[i] * c.d_in + ri[i];
        re[i] = 0.0;
        ri[i] = 0.0;
        ge[i] = gex;
        gi[i] = gin;
        double gt = c.gL + gex + gin;
        double vinf = (c.gLEL_Ie + gex * c.Eex + gin * c.Ein) / gt;
        double v = vinf + (V[i] - vinf) * mp_exp(c.k * gt);
        double r = ref[i];
        int fire = (r <= 0.0) & (v >= c.Vth);
        V[i] = (r > 0.0) | fire ? c.Vr : v;
        ref[i] = fire ? c.nref : (r > 0.0 ? r - 1.0 : r);
        flag[i] = fire ? 1.0 : 0.0;
    }
}

/* integrate() for very small populations, scalar and in one pass: the
 * same IEEE operations in the same order, so the same results. */
static size_t integrate_few(uint32_t n, const lif_consts *c, double *V, double *ge,
                            double *gi, double *re, double *ri, double *ref,
                            uint32_t *spk)
{
    size_t ns = 0;
    for (uint32_t i = 0; i < n; i++) {
        double gex = ge[i] * c->d_ex + re[i];
        double gin = gi[i] * c->d_in + ri[i];
        re[i] = 0.0;
        ri[i] = 0.0;
        ge[i] = gex;
        gi[i] = gin;
        if (ref[i] > 0.0) {
            V[i] = c->Vr;
            ref[i] -= 1.0;
            continue;
        }
        double gt = c->gL + gex + gin;
        double vinf = (c->gLEL_Ie + gex * c->Eex + gin * c->Ein) / gt;
        double v = vinf + (V[i] - vinf) * mp_exp(c->k * gt);
        if (v >= c->Vth) {
            V[i] = c->Vr;
            ref[i] = c->nref;
            spk[ns++] = i;
        } else {
            V[i] = v;
        }
    }
    return ns;
}

/* Pass 2: the indices of the flagged neurons, in ascending order. Spikes
 * are rare, so four flags are tested at once. */
static size_t collect(const double *restrict flag, uint32_t n, uint32_t *restrict spk)
{
    size_t ns = 0;
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        if (flag[i] + flag[i + 1] + flag[i + 2] + flag[i + 3] == 0.0)
            continue;
        for (uint32_t j = i; j < i + 4; j++)
            if (flag[j])
                spk[ns++] = j;
    }
    for (; i < n; i++)
        if (flag[i])
            spk[ns++] = i;
    return ns;
}

void mp_k_lif_exp_euler(mp_k_pop *p, uint32_t slot)
{
    const size_t off = (size_t)slot * p->n;
    if (p->n < 4) {
        /* a few neurons (e.g. the single-neuron models): the vector clone's
         * setup costs more than the work; same operations, same bits */
        p->src->nspk = integrate_few(p->n, &p->lif, p->V, p->g_ex, p->g_in,
                                     p->ring_ex + off, p->ring_in + off, p->ref, p->src->spk);
        return;
    }
    integrate(p->n, &p->lif, p->V, p->g_ex, p->g_in, p->ring_ex + off, p->ring_in + off,
              p->ref, p->fired);
    p->src->nspk = collect(p->fired, p->n, p->src->spk);
}
