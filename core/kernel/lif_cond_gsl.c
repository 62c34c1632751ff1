/* Conductance LIF integrated by GSL odeiv2 rkf45 (the accuracy reference).
 * y = (V, g_ex, g_in); dV/dt = (-g_L(V-E_L) - g_ex(V-E_ex) - g_in(V-E_in)
 * + I_e)/C_m, dg/dt = -g/tau. Arrivals are added as jumps at the start of
 * the step; each neuron is integrated over [0, dt] with adaptive steps (the
 * last step size carried over), the population's rtol/atol. Threshold,
 * reset and refractory clamp as in the exponential Euler (the conductances
 * keep decaying exactly during the clamp). */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "kernel/kernel_int.h"
#include "util/util_int.h"

static int rhs(double t, const double y[], double f[], void *params)
{
    (void)t;
    const mp_m_lif_cond *c = params;
    f[0] = (-c->g_L * (y[0] - c->E_L) - y[1] * (y[0] - c->E_ex) -
            y[2] * (y[0] - c->E_in) + c->I_e) / c->C_m;
    f[1] = -y[1] / c->tau_syn_ex;
    f[2] = -y[2] / c->tau_syn_in;
    return GSL_SUCCESS;
}

int mp_k_lif_rkf45_init(mp_k_pop *p, double dt)
{
    p->sys.function = rhs;
    p->sys.jacobian = NULL;
    p->sys.dimension = 3;
    p->sys.params = (void *)&p->m->lif;
    double rtol = p->m->rtol > 0 ? p->m->rtol : 1e-6;
    double atol = p->m->atol > 0 ? p->m->atol : 1e-6;
    p->ode_step = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rkf45, 3);
    p->ode_ctl = gsl_odeiv2_control_y_new(atol, rtol);
    p->ode_ev = gsl_odeiv2_evolve_alloc(3);
    p->h = mp_u_malloc((p->n ? p->n : 1) * sizeof *p->h);
    if (!p->ode_step || !p->ode_ctl || !p->ode_ev || !p->h)
        return MP_ENOMEM;
    for (uint32_t i = 0; i < p->n; i++)
        p->h[i] = dt;
    return MP_OK;
}

void mp_k_lif_rkf45_free(mp_k_pop *p)
{
    if (p->ode_step)
        gsl_odeiv2_step_free(p->ode_step);
    if (p->ode_ctl)
        gsl_odeiv2_control_free(p->ode_ctl);
    if (p->ode_ev)
        gsl_odeiv2_evolve_free(p->ode_ev);
    mp_u_free(p->h);
    p->ode_step = NULL;
    p->ode_ctl = NULL;
    p->ode_ev = NULL;
    p->h = NULL;
}

int mp_k_lif_rkf45(mp_k_pop *p, uint32_t slot, double dt)
{
    const mp_m_lif_cond *c = &p->m->lif;
    const uint32_t n = p->n;
    double *re = p->ring_ex + (size_t)slot * n;
    double *ri = p->ring_in + (size_t)slot * n;
    uint32_t *spk = p->src->spk;
    size_t ns = 0;
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        double y[3] = {p->V[i], p->g_ex[i] + re[i], p->g_in[i] + ri[i]};
        re[i] = 0.0;
        ri[i] = 0.0;
        if (p->ref[i] > 0) {
            p->V[i] = c->V_reset;
            p->g_ex[i] = y[1] * p->lif.d_ex;
            p->g_in[i] = y[2] * p->lif.d_in;
            p->ref[i]--;
            continue;
        }
        double t = 0.0, h = p->h[i];
        gsl_odeiv2_evolve_reset(p->ode_ev);
        gsl_odeiv2_step_reset(p->ode_step);
        while (t < dt) {
            int s = gsl_odeiv2_evolve_apply(p->ode_ev, p->ode_ctl, p->ode_step,
                                            &p->sys, &t, dt, &h, y);
            if (s != GSL_SUCCESS) {
                bad = 1;
                break;
            }
        }
        p->h[i] = h < dt ? h : dt;
        p->g_ex[i] = y[1];
        p->g_in[i] = y[2];
        if (y[0] >= c->V_th) {
            y[0] = c->V_reset;
            p->ref[i] = p->lif.nref;
            spk[ns++] = i;
        }
        p->V[i] = y[0];
    }
    p->src->nspk = ns;
    return bad ? MP_EUNSTABLE : MP_OK;
}
