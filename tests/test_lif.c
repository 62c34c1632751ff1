/* Conductance LIF: analytic solution under constant conductance, exp-Euler
 * against rkf45 on Poisson drive, exact refractory clamp. */
#include <stdio.h>

#include "check.h"
#include "test_kernel_fixture.h"

/* V under frozen g: analytic exponential relaxation, both integrators. */
static void constant_conductance(mp_m_integrator integ, double tol)
{
    mp_m_lif_cond c = fx_lif();
    c.tau_syn_in = 1e15; /* g_in effectively constant */
    c.I_e = 30.0;
    mp_model *m = fx_model(0.1, 100.0);
    size_t p = fx_pop(m, "n", 1, c);
    m->populations[p].integrator = integ;
    m->populations[p].g_in_init.a = 5.0;
    m->populations[p].V_init.a = -70.0;
    fx_sources(m);
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, 1, &net, &err));
    double gt = c.g_L + 5.0;
    double vinf = (c.g_L * c.E_L + 5.0 * c.E_in + c.I_e) / gt;
    double maxerr = 0.0;
    for (int k = 1; k <= 1000; k++) {
        CHECK_OK(mp_net_run(net, 0.1, NULL, NULL, &err));
        double t = mp_net_time(net);
        double v = vinf + (-70.0 - vinf) * exp(-t * gt / c.C_m);
        double e = fabs(KNET(net)->pops[0].V[0] - v);
        maxerr = e > maxerr ? e : maxerr;
    }
    printf("constant conductance (%s): max |V - analytic| = %.3g mV\n",
           integ == MP_INTEG_RKF45 ? "rkf45" : "exp_euler", maxerr);
    CHECK(maxerr < tol);
    CHECK_EQ(mp_net_spike_count(net, "n"), 0);
    mp_net_free(net);
    fx_free(m);
}

/* A neuron driven by Poisson input (same seed, so the same input) with one
 * integrator: spike times into t (at most cap), V trace into v (20000 steps)
 * when non-NULL. `locked`: few strong inputs, each input spike makes the
 * neuron fire (spike times locked to the input); else 1000 weak inputs
 * (fluctuation-driven firing). vth: threshold (1e9: subthreshold). */
static size_t poisson_driven(mp_m_integrator integ, int locked, double vth, double *t,
                             size_t cap, double *v)
{
    mp_model *m = fx_model(0.1, 2000.0);
    mp_m_lif_cond c = fx_lif();
    c.V_th = vth;
    size_t p = fx_pop(m, "n", 1, c);
    m->populations[p].integrator = integ;
    if (locked) {
        fx_poisson(m, "exc", 5, 2.0);
        fx_poisson(m, "inh", 5, 2.0);
    } else {
        fx_poisson(m, "exc", 800, 5.0);
        fx_poisson(m, "inh", 200, 5.0);
    }
    fx_sources(m);
    fx_proj(m, "e", "exc", p, MP_RECEPTOR_EX, 1.0, locked ? 100.0 : 0.2);
    fx_proj(m, "i", "inh", p, MP_RECEPTOR_IN, 1.0, locked ? 2.0 : 0.35);
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, 42, &net, &err));
    size_t n = 0;
    for (int k = 0; k < 20000; k++) {
        CHECK_OK(mp_net_run(net, 0.1, NULL, NULL, &err));
        if (KNET(net)->pops[0].src->nspk && n < cap)
            t[n++] = mp_net_time(net);
        if (v)
            v[k] = KNET(net)->pops[0].V[0];
    }
    mp_net_free(net);
    fx_free(m);
    return n;
}

static void euler_vs_rkf45(void)
{
    static double a[10000], b[10000], va[20000], vb[20000];
    /* subthreshold membrane under fluctuating conductances */
    poisson_driven(MP_INTEG_EXP_EULER, 0, 1e9, a, 10000, va);
    poisson_driven(MP_INTEG_RKF45, 0, 1e9, b, 10000, vb);
    double maxv = 0.0, mean = 0.0;
    for (int k = 0; k < 20000; k++) {
        double d = fabs(va[k] - vb[k]);
        maxv = d > maxv ? d : maxv;
        mean += d / 20000.0;
    }
    printf("fluctuating input, no threshold, 2 s: max |V_euler - V_rkf45| = %.3g mV, "
           "mean %.3g mV\n", maxv, mean);
    CHECK(maxv < 0.5);
    /* spikes locked to strong inputs */
    size_t na = poisson_driven(MP_INTEG_EXP_EULER, 1, -50.0, a, 10000, NULL);
    size_t nb = poisson_driven(MP_INTEG_RKF45, 1, -50.0, b, 10000, NULL);
    printf("input-locked spikes, 2 s: %zu (exp_euler), %zu (rkf45)\n", na, nb);
    CHECK(na > 20);
    CHECK_EQ(na, nb);
    double maxd = 0.0;
    for (size_t i = 0; i < na && i < nb; i++)
        maxd = fabs(a[i] - b[i]) > maxd ? fabs(a[i] - b[i]) : maxd;
    printf("max spike-time difference %.3g ms (tolerance 0.5 ms)\n", maxd);
    CHECK(maxd <= 0.5);
    /* fluctuation-driven firing: spike times diverge (a 1-2 %% difference in
     * the conductance discretisation shifts threshold crossings), rates agree */
    na = poisson_driven(MP_INTEG_EXP_EULER, 0, -50.0, a, 10000, NULL);
    nb = poisson_driven(MP_INTEG_RKF45, 0, -50.0, b, 10000, NULL);
    printf("fluctuation-driven, 2 s: %zu spikes (exp_euler), %zu (rkf45)\n", na, nb);
    CHECK(na > 10);
    CHECK(fabs((double)na - (double)nb) <= 0.1 * (double)na);
}

/* After a spike V stays at V_reset for exactly round(t_ref/dt) steps. */
static void refractory(void)
{
    mp_m_lif_cond c = fx_lif();
    c.I_e = 500.0; /* V_inf = -10 mV: regular firing */
    c.t_ref = 2.0;
    mp_model *m = fx_model(0.1, 100.0);
    fx_pop(m, "n", 1, c);
    fx_sources(m);
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, 1, &net, &err));
    int64_t spike = -1;
    int checked = 0;
    for (int64_t k = 0; k < 1000; k++) {
        CHECK_OK(mp_net_run(net, 0.1, NULL, NULL, &err));
        double V = KNET(net)->pops[0].V[0];
        if (KNET(net)->pops[0].src->nspk) {
            if (spike >= 0 && !checked) {
                /* the first full cycle was checked step by step below */
            }
            spike = k;
            continue;
        }
        if (spike >= 0 && !checked) {
            int64_t since = k - spike;
            if (since <= 20)
                CHECK_(V == c.V_reset, "step %lld after the spike: V = %.17g", (long long)since, V);
            else {
                CHECK_(V > c.V_reset, "step 21 after the spike: V = %.17g", V);
                checked = 1;
            }
        }
    }
    CHECK(checked);
    CHECK(mp_net_spike_count(net, "n") > 5);
    mp_net_free(net);
    fx_free(m);
}

int main(void)
{
    constant_conductance(MP_INTEG_EXP_EULER, 1e-9);
    constant_conductance(MP_INTEG_RKF45, 1e-5);
    euler_vs_rkf45();
    refractory();
    return CHECK_DONE();
}
