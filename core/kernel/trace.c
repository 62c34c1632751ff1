/* Spike traces (Confavreux et al. eq. 12): dx/dt = -x/tau + sum delta(t-t_k),
 * one per neuron of a source and per distinct tau, shared by every rule that
 * asks for that tau (Auryn). Eager: one vector scale per step. Lazy: value and
 * last-update step per neuron, decayed on access with a table of decay^k. */
#include <math.h>
#include <stdlib.h>

#include "kernel/kernel_int.h"
#include "util/fastmath.h"
#include "util/util_int.h"

int mp_k_trace_init(mp_k_trace *tr, uint32_t n, double tau, double dt, int lazy)
{
    tr->last = NULL;
    tr->pw = NULL;
    tr->n_pw = 0;
    tr->tau = tau;
    tr->decay = mp_exp(-dt / tau); /* same bits on every CPU */
    tr->lazy = lazy;
    tr->n = n;
    tr->synced = -1;
    tr->x = mp_u_calloc(n ? n : 1, sizeof *tr->x);
    if (!tr->x)
        return MP_ENOMEM;
    if (lazy) {
        double k = ceil(50.0 * tau / dt) + 1.0;
        tr->n_pw = k < (double)(1u << 20) ? (uint32_t)k : (1u << 20);
        if (tr->n_pw < 2)
            tr->n_pw = 2;
        tr->last = mp_u_calloc(n ? n : 1, sizeof *tr->last);
        tr->pw = mp_u_malloc(tr->n_pw * sizeof *tr->pw);
        if (!tr->last || !tr->pw)
            return MP_ENOMEM;
        tr->pw[0] = 1.0;
        for (uint32_t i = 1; i < tr->n_pw; i++)
            tr->pw[i] = tr->pw[i - 1] * tr->decay;
    }
    return MP_OK;
}

void mp_k_trace_free(mp_k_trace *tr)
{
    mp_u_free(tr->x);
    mp_u_free(tr->last);
    mp_u_free(tr->pw);
    tr->x = tr->pw = NULL;
    tr->last = NULL;
}

static inline double decay_k(const mp_k_trace *tr, int64_t k)
{
    if (k < (int64_t)tr->n_pw)
        return tr->pw[k];
    return mp_exp((double)k * mp_log(tr->decay));
}

/* x *= d over the whole vector: compiled for AVX-512, AVX2 and SSE2, the
 * CPU's version picked at load time (same bits: one multiply each). */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void scale(double *restrict x, uint32_t n, double d)
{
    for (uint32_t i = 0; i < n; i++)
        x[i] *= d;
}

void mp_k_trace_step(mp_k_trace *tr, const uint32_t *spk, size_t ns, int64_t done)
{
    double *restrict x = tr->x;
    if (!tr->lazy) {
        scale(x, tr->n, tr->decay);
        for (size_t k = 0; k < ns; k++)
            x[spk[k]] += 1.0;
        return;
    }
    int64_t *last = tr->last;
    for (size_t k = 0; k < ns; k++) {
        uint32_t i = spk[k];
        x[i] = x[i] * decay_k(tr, done - last[i]) + 1.0;
        last[i] = done;
    }
}

void mp_k_trace_sync(mp_k_trace *tr, int64_t done)
{
    if (!tr->lazy || tr->synced == done)
        return;
    double *restrict x = tr->x;
    int64_t *last = tr->last;
    for (uint32_t i = 0; i < tr->n; i++) {
        if (last[i] != done) {
            x[i] *= decay_k(tr, done - last[i]);
            last[i] = done;
        }
    }
    tr->synced = done;
}

double mp_k_trace_value(const mp_k_trace *tr, uint32_t i, int64_t done)
{
    if (!tr->lazy)
        return tr->x[i];
    return tr->x[i] * decay_k(tr, done - tr->last[i]);
}
