/* Conductance LIF (Confavreux et al. eq. 10-11; NEST iaf_cond_exp), exponential
 * Euler as in the original Vogels 2011 code:
 *   g_ex <- g_ex exp(-dt/tau_ex) + arrivals; g_in likewise;
 *   refractory: V = V_reset, count down; else
 *   g_tot = g_L + g_ex + g_in,
 *   V_inf = (g_L E_L + g_ex E_ex + g_in E_in + I_e) / g_tot,
 *   V <- V_inf + (V - V_inf) exp(-dt g_tot / C_m);
 *   V >= V_th: spike, V = V_reset, refractory for round(t_ref/dt) steps. */
#include <math.h>

#include "kernel/kernel_int.h"

void mp_k_lif_exp_euler(mp_k_pop *p, uint32_t slot, double dt)
{
    const mp_m_lif_cond *c = &p->m->lif;
    const uint32_t n = p->n;
    double *restrict V = p->V, *restrict ge = p->g_ex, *restrict gi = p->g_in;
    double *restrict re = p->ring_ex + (size_t)slot * n;
    double *restrict ri = p->ring_in + (size_t)slot * n;
    int32_t *restrict ref = p->ref;
    uint32_t *restrict spk = p->src->spk;
    size_t ns = 0;
    const double d_ex = p->d_ex, d_in = p->d_in;
    const double gL = c->g_L, gLEL_Ie = c->g_L * c->E_L + c->I_e;
    const double Eex = c->E_ex, Ein = c->E_in, k = -dt / c->C_m;
    const double Vth = c->V_th, Vr = c->V_reset;
    const int32_t nref = p->n_ref;
    for (uint32_t i = 0; i < n; i++) {
        double gex = ge[i] * d_ex + re[i];
        double gin = gi[i] * d_in + ri[i];
        re[i] = 0.0;
        ri[i] = 0.0;
        ge[i] = gex;
        gi[i] = gin;
        if (ref[i] > 0) {
            V[i] = Vr;
            ref[i]--;
            continue;
        }
        double gt = gL + gex + gin;
        double vinf = (gLEL_Ie + gex * Eex + gin * Ein) / gt;
        double v = vinf + (V[i] - vinf) * exp(k * gt);
        if (v >= Vth) {
            v = Vr;
            ref[i] = nref;
            spk[ns++] = i;
        }
        V[i] = v;
    }
    p->src->nspk = ns;
}
