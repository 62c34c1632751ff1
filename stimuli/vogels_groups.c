/* Input groups of Vogels et al. 2011 (ModelDB 143751, inhib_plasticity.m;
 * docs/kernel.md "Vogels groups").
 *
 * Per group and step: r ~ U(-0.5, 0.5), F <- r - (r - F) exp(-dt/tau_signal);
 * drive d = max(0, peak_rate dt F) / norm (rates per step), optionally zeroed
 * by the sparsify toggle; every train of the group that is not in its dead
 * time spikes with probability p = base_rate dt + d. E and I trains of a
 * group share F.
 *
 * The draw is per group, not per train: the trains that may fire (E and I
 * together) sit in a pool; the firing ones are found by geometric skipping
 * over the pool, whose first gap reuses the uniform that decided whether any
 * train fires at all (u < (1-p)^m: none, the common case, one uniform per
 * group per step). Fired trains wait in a FIFO and rejoin the pool dead_time
 * later (they may fire again dead_time after their spike).
 */
#include <math.h>
#include <stdlib.h>

#ifndef HAVE_INLINE
#define HAVE_INLINE /* gsl_rng_uniform inline: two draws per group per step */
#endif
#include <gsl/gsl_rng.h>

#include "stimuli/stimuli_int.h"
#include "util/fastmath.h"
#include "util/util_int.h"

typedef struct group {
    double F;
    uint32_t *pool;  /* local train ids: [0, ne) exc, [ne, ne+ni) inh */
    uint32_t m;      /* trains in the pool */
    uint32_t *fifo_id;
    int64_t *fifo_t; /* step at which the train rejoins the pool */
    uint32_t head, count;
    int sp_on;       /* sparsify toggle */
    double sp_since; /* ms since the toggle last switched */
} group;

struct mp_s_vogels {
    gsl_rng *rng;
    uint32_t n_groups, ne, ni, M;
    double eF;          /* exp(-dt / tau_signal) */
    double p_base;      /* base_rate dt */
    double peak_norm;   /* peak_rate dt / norm */
    double inv_q_base;  /* 1 / ln(1 - p_base) (0 if p_base <= 0) */
    double *p0_base;    /* (1 - p_base)^m, m = 0..M */
    int64_t dead;       /* dead time, steps (0 = none) */
    int sparsify;
    double sp_off, sp_on, dt;
    group *g;
    uint32_t *hits;     /* scratch: pool positions that fire, size M */
};

int mp_s_vogels_new(const mp_m_vogels *m, double dt, uint64_t seed,
                    mp_s_vogels **out, mp_error *err)
{
    mp_s_vogels *s = calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    s->n_groups = (uint32_t)m->n_groups;
    s->ne = (uint32_t)m->exc_per_group;
    s->ni = (uint32_t)m->inh_per_group;
    s->M = s->ne + s->ni;
    s->dt = dt;
    /* fastmath, not libm, here and below: the same bits on every CPU */
    s->eF = mp_exp(-dt / m->tau_signal);
    s->p_base = m->base_rate * dt * 1e-3;
    s->peak_norm = m->peak_rate * dt * 1e-3 / m->norm;
    s->inv_q_base = (s->p_base > 0.0 && s->p_base < 1.0) ? 1.0 / mp_log1p(-s->p_base) : 0.0;
    s->dead = (int64_t)llround(m->dead_time / dt);
    s->sparsify = m->sparsify;
    s->sp_off = m->sparsify_off_ms;
    s->sp_on = m->sparsify_on_ms;
    s->rng = mp_s_rng_new(seed);
    s->p0_base = malloc((s->M + 1) * sizeof *s->p0_base);
    s->hits = malloc((s->M ? s->M : 1) * sizeof *s->hits);
    s->g = calloc(s->n_groups ? s->n_groups : 1, sizeof *s->g);
    if (!s->rng || !s->p0_base || !s->hits || !s->g)
        goto nomem;
    for (uint32_t k = 0; k <= s->M; k++)
        s->p0_base[k] = s->p_base >= 1.0 ? (k == 0) : mp_exp((double)k * mp_log1p(-s->p_base));
    for (uint32_t i = 0; i < s->n_groups; i++) {
        group *g = &s->g[i];
        g->pool = malloc((s->M ? s->M : 1) * sizeof *g->pool);
        g->fifo_id = malloc((s->M ? s->M : 1) * sizeof *g->fifo_id);
        g->fifo_t = malloc((s->M ? s->M : 1) * sizeof *g->fifo_t);
        if (!g->pool || !g->fifo_id || !g->fifo_t)
            goto nomem;
        for (uint32_t k = 0; k < s->M; k++)
            g->pool[k] = k;
        g->m = s->M;
    }
    *out = s;
    return MP_OK;
nomem:
    mp_s_vogels_free(s);
    return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

void mp_s_vogels_free(mp_s_vogels *s)
{
    if (!s)
        return;
    if (s->g)
        for (uint32_t i = 0; i < s->n_groups; i++) {
            free(s->g[i].pool);
            free(s->g[i].fifo_id);
            free(s->g[i].fifo_t);
        }
    free(s->g);
    free(s->hits);
    free(s->p0_base);
    if (s->rng)
        gsl_rng_free(s->rng);
    free(s);
}

double mp_s_vogels_signal(const mp_s_vogels *s, size_t g) { return s->g[g].F; }

/* Sparsify (InputCurrents.m): the toggle switches on at a zero sample after
 * being off for more than sp_off ms and off at a zero sample after being on
 * for more than sp_on ms; while on, the drive is zeroed. */
static double sparsify(mp_s_vogels *s, group *g, double d)
{
    if (d == 0.0) {
        if (!g->sp_on && g->sp_since > s->sp_off) {
            g->sp_on = 1;
            g->sp_since = 0.0;
        } else if (g->sp_on && g->sp_since > s->sp_on) {
            g->sp_on = 0;
            g->sp_since = 0.0;
        }
    }
    g->sp_since += s->dt;
    return g->sp_on ? 0.0 : d;
}

void mp_s_vogels_step(mp_s_vogels *s, int64_t n, uint32_t *exc, size_t *n_exc,
                      uint32_t *inh, size_t *n_inh)
{
    size_t ke = 0, ki = 0;
    gsl_rng *rng = s->rng;
    const uint32_t ne = s->ne, ni = s->ni, M = s->M;
    for (uint32_t gi = 0; gi < s->n_groups; gi++) {
        group *g = &s->g[gi];
        /* trains whose dead time is over rejoin the pool */
        while (g->count && g->fifo_t[g->head] <= n) {
            g->pool[g->m++] = g->fifo_id[g->head];
            g->head = g->head + 1 == M ? 0 : g->head + 1;
            g->count--;
        }
        double r = gsl_rng_uniform(rng) - 0.5;
        g->F = r - (r - g->F) * s->eF;
        double d = g->F > 0.0 ? s->peak_norm * g->F : 0.0;
        if (s->sparsify)
            d = sparsify(s, g, d);
        uint32_t m = g->m;
        if (m == 0)
            continue;
        double p = s->p_base + d, inv_q;
        uint32_t nh = 0;
        if (p >= 1.0) {
            for (uint32_t k = 0; k < m; k++)
                s->hits[nh++] = k;
        } else {
            double u = gsl_rng_uniform_pos(rng), x;
            if (d == 0.0) {
                /* the base rate: (1 - p)^m from a table, no log unless a
                 * train fires */
                if (u < s->p0_base[m] || s->inv_q_base == 0.0)
                    continue; /* nobody fires (the common case) */
                inv_q = s->inv_q_base;
                x = floor(mp_log(u) * inv_q);
            } else {
                /* None fire iff u < (1-p)^m. Bernoulli's inequality,
                 * (1-p)^m >= 1 - m p, settles it without logs when u is
                 * below 1 - m p (the margin covers the roundings of both
                 * tests, so the outcome is the one of the log test) */
                if (u < (1.0 - (double)m * p) * (1.0 - 1e-12))
                    continue;
                /* else: none iff ln u < m ln(1-p); the first gap is
                 * floor(ln u / ln(1-p)) < m */
                double q = mp_log1p(-p), lu = mp_log(u);
                if (lu < (double)m * q)
                    continue;
                inv_q = 1.0 / q;
                x = floor(lu * inv_q);
            }
            uint32_t k = x < (double)m ? (uint32_t)x : m - 1;
            for (;;) {
                s->hits[nh++] = k;
                double gp = floor(mp_log(gsl_rng_uniform_pos(rng)) * inv_q);
                if (gp >= (double)(m - k - 1))
                    break;
                k += 1 + (uint32_t)gp;
            }
        }
        /* emit and retire, highest pool position first (swap-remove keeps
         * the lower positions valid) */
        for (uint32_t h = nh; h-- > 0;) {
            uint32_t pos = s->hits[h], id = g->pool[pos];
            if (id < ne)
                exc[ke++] = gi * ne + id;
            else
                inh[ki++] = gi * ni + (id - ne);
            if (s->dead > 0) {
                g->pool[pos] = g->pool[--g->m];
                uint32_t tail = g->head + g->count;
                if (tail >= M)
                    tail -= M;
                g->fifo_id[tail] = id;
                g->fifo_t[tail] = n + s->dead;
                g->count++;
            }
        }
    }
    *n_exc = ke;
    *n_inh = ki;
}
