/* Input groups of Vogels et al. 2011 (ModelDB 143751, inhib_plasticity.m;
 * docs/kernel.md "Vogels groups").
 *
 * Per group and step: r ~ U(-0.5, 0.5), F <- r - (r - F) exp(-dt/tau_signal);
 * drive d = max(0, peak_rate dt F) / norm (rates per step), optionally zeroed
 * by the sparsify toggle; every train of the group that is not in its dead
 * time spikes with probability p = base_rate dt + d. E and I trains of a
 * group share F.
 *
 * The draw is per group, not per train, by accumulated hazard: a train
 * that may fire carries an Exp(1) threshold and fires in the first step in
 * which the hazard h = -ln(1 - p) it has accumulated since it became able to
 * fire reaches the threshold; then P(fire in a step | not before) =
 * 1 - e^-h = p exactly, a Bernoulli(p) per step as in the original code.
 * All trains of a group's pool accumulate the same h, so only the smallest
 * residual threshold R matters; by memorylessness it is Exp(m)-distributed
 * for a pool of m trains whatever happened before. A step is then
 * R -= h per group (no random number unless a train fires); when R <= h the
 * firing trains are drawn uniformly from the pool one by one, the next
 * residual being R + Exp(1)/(trains left). Fired trains wait in one queue
 * for all groups (ordered by release step, since they enter in time order)
 * and rejoin their pool dead_time later with fresh thresholds: R becomes
 * min(R, Exp(1)/j) for j trains rejoining.
 */
#include <math.h>
#include <stdlib.h>

#include "stimuli/stimuli_int.h"
#include "util/fastmath.h"
#include "util/log_table.h"
#include "util/util_int.h"
#include "util/xoshiro.h"
#include "util/ziggurat.h"

typedef struct group {
    uint32_t *pool;  /* local train ids: [0, ne) exc, [ne, ne+ni) inh */
    int sp_on;       /* sparsify toggle */
    double sp_since; /* ms since the toggle last switched */
} group;

struct mp_s_vogels {
    mp_xo rng;
    mp_zig zig;       /* Exp(1) tables */
    uint32_t n_groups, ne, ni, M;
    double eF;        /* exp(-dt / tau_signal) */
    double p_base;    /* base_rate dt */
    double peak_norm; /* peak_rate dt / norm */
    double h_base;    /* -ln(1 - p_base) */
    int64_t dead;     /* dead time, steps (0 = none) */
    int sparsify;
    double sp_off, sp_on, dt;
    group *g;
    /* per group, structure of arrays */
    double *F;        /* signal */
    uint64_t *xs[4];  /* per group xoshiro256++ state (structure of arrays:
                         the signal pass vectorizes across groups) */
    double *fires;    /* this step: 1 if some train of the group fires */
    double *h;        /* this step's hazard -ln(1 - p) */
    double *R;        /* smallest residual threshold in the pool (inf: empty) */
    uint32_t *m;      /* trains in the pool */
    double *inv_k;    /* 1 / k, k = 0..M (entry 0 unused) */
    /* trains in their dead time, all groups, in release order */
    uint32_t *q_group, *q_id;
    int64_t *q_t;
    size_t q_head, q_count, q_cap;
};

/* Exp(1) deviate (ziggurat: cheap and exact). */
static inline double exp1(const mp_s_vogels *s, mp_xo *rng) { return mp_zig_exp(&s->zig, rng); }

/* Uniform integer in [0, n), n >= 1, exactly (Lemire's multiply-shift with
 * rejection of the biased low range). */
static inline uint32_t below(mp_xo *rng, uint32_t n)
{
    uint64_t x = (mp_xo_next(rng) >> 32) * (uint64_t)n;
    if ((uint32_t)x < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while ((uint32_t)x < t)
            x = (mp_xo_next(rng) >> 32) * (uint64_t)n;
    }
    return (uint32_t)(x >> 32);
}

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
    s->eF = mp_exp(-dt / m->tau_signal);
    s->p_base = m->base_rate * dt * 1e-3;
    s->peak_norm = m->peak_rate * dt * 1e-3 / m->norm;
    s->dead = (int64_t)llround(m->dead_time / dt);
    s->sparsify = m->sparsify;
    s->sp_off = m->sparsify_off_ms;
    s->sp_on = m->sparsify_on_ms;
    mp_xo_seed(&s->rng, seed);
    mp_zig_init(&s->zig);
    s->h_base = s->p_base < 1.0 ? -mp_log(1.0 - s->p_base) : INFINITY;
    size_t G = s->n_groups ? s->n_groups : 1, M = s->M ? s->M : 1;
    s->q_cap = G * M;
    s->g = calloc(G, sizeof *s->g);
    s->F = calloc(G, sizeof *s->F);
    for (int k = 0; k < 4; k++)
        s->xs[k] = calloc(G, sizeof *s->xs[k]);
    s->fires = calloc(G, sizeof *s->fires);
    s->h = calloc(G, sizeof *s->h);
    s->R = calloc(G, sizeof *s->R);
    s->m = calloc(G, sizeof *s->m);
    s->inv_k = calloc(M + 1, sizeof *s->inv_k);
    s->q_group = malloc(s->q_cap * sizeof *s->q_group);
    s->q_id = malloc(s->q_cap * sizeof *s->q_id);
    s->q_t = malloc(s->q_cap * sizeof *s->q_t);
    if (!s->g || !s->F || !s->xs[0] || !s->xs[1] || !s->xs[2] || !s->xs[3] || !s->fires || !s->h || !s->R || !s->m ||
        !s->inv_k || !s->q_group || !s->q_id || !s->q_t)
        goto nomem;
    for (uint32_t k = 1; k <= s->M; k++)
        s->inv_k[k] = 1.0 / (double)k;
    for (uint32_t i = 0; i < s->n_groups; i++) {
        group *g = &s->g[i];
        if (!(g->pool = malloc(M * sizeof *g->pool)))
            goto nomem;
        for (uint32_t k = 0; k < s->M; k++)
            g->pool[k] = k;
        s->m[i] = s->M;
        s->R[i] = s->M ? exp1(s, &s->rng) * s->inv_k[s->M] : INFINITY;
        /* the group's own signal stream, derived from the stimulus seed */
        mp_xo gs;
        mp_xo_seed(&gs, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1)));
        for (int k = 0; k < 4; k++)
            s->xs[k][i] = gs.s[k];
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
        for (uint32_t i = 0; i < s->n_groups; i++)
            free(s->g[i].pool);
    free(s->g);
    free(s->F);
    for (int k = 0; k < 4; k++)
        free(s->xs[k]);
    free(s->fires);
    free(s->h);
    free(s->R);
    free(s->m);
    free(s->inv_k);
    free(s->q_group);
    free(s->q_id);
    free(s->q_t);
    free(s);
}

double mp_s_vogels_signal(const mp_s_vogels *s, size_t g) { return s->F[g]; }

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

/* One xoshiro256++ step of group g's stream (as mp_xo_next, on the arrays)
 * and a uniform in [0, 1) from its top 52 bits, built from the bits so that
 * no integer-to-double conversion stops vectorization. */
static inline double group_uniform(uint64_t *a, uint64_t *b, uint64_t *c, uint64_t *d,
                                   size_t g)
{
    uint64_t s0 = a[g], s1 = b[g], s2 = c[g], s3 = d[g];
    uint64_t x = mp_xo_rotl(s0 + s3, 23) + s0, t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = mp_xo_rotl(s3, 45);
    a[g] = s0;
    b[g] = s1;
    c[g] = s2;
    d[g] = s3;
    return mp_fm_double((x >> 12) | 0x3ff0000000000000ULL) - 1.0;
}

/* The hazard of drive d, its threshold test, and R's update: fire[g] = 1
 * when R <= h; a quiet group's threshold comes closer (R -= h). */
static inline void hazard_test(double p_base, double h_base, size_t g, double d,
                               double *R, double *h, double *fire)
{
    double p = p_base + d;
    double hv = -mp_log(1.0 - (p < 1.0 ? p : 1.0)); /* inf for p >= 1 */
    double hh = d == 0.0 ? h_base : hv;
    double r = R[g];
    double f = r <= hh ? 1.0 : 0.0;
    h[g] = hh;
    R[g] = f != 0.0 ? r : r - hh;
    fire[g] = f;
}

/* All groups, no branches: noise, signal F, hazard, threshold test.
 * Compiled for AVX-512, AVX2 and SSE2 (picked at load time); lane by lane
 * the same IEEE operations, so the same bits on every CPU. */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void group_pass_arrays(size_t G, uint64_t *restrict a, uint64_t *restrict b,
                              uint64_t *restrict c, uint64_t *restrict d,
                              double *restrict F, double *restrict R, double *restrict h,
                              double *restrict fire, double eF, double peak_norm,
                              double p_base, double h_base)
{
    for (size_t g = 0; g < G; g++) {
        double r = group_uniform(a, b, c, d, g) - 0.5;
        double f = r - (r - F[g]) * eF;
        F[g] = f;
        hazard_test(p_base, h_base, g, f > 0.0 ? peak_norm * f : 0.0, R, h, fire);
    }
}

static void group_pass(mp_s_vogels *s)
{
    group_pass_arrays(s->n_groups, s->xs[0], s->xs[1], s->xs[2], s->xs[3], s->F, s->R,
                      s->h, s->fires, s->eF, s->peak_norm, s->p_base, s->h_base);
}

/* The same with the sparsify toggle (scalar: the toggle is a state machine). */
static void group_pass_sparsify(mp_s_vogels *s)
{
    for (size_t g = 0; g < s->n_groups; g++) {
        double r = group_uniform(s->xs[0], s->xs[1], s->xs[2], s->xs[3], g) - 0.5;
        double f = r - (r - s->F[g]) * s->eF;
        s->F[g] = f;
        double d = sparsify(s, &s->g[g], f > 0.0 ? s->peak_norm * f : 0.0);
        hazard_test(s->p_base, s->h_base, g, d, s->R, s->h, s->fires);
    }
}

/* Trains whose dead time ends at step n rejoin their pools, each with a
 * fresh Exp(1) threshold: the pool's smallest threshold is the minimum. */
static void release(mp_s_vogels *s, int64_t n)
{
    while (s->q_count && s->q_t[s->q_head] <= n) {
        uint32_t gi = s->q_group[s->q_head];
        s->g[gi].pool[s->m[gi]++] = s->q_id[s->q_head];
        double r = exp1(s, &s->rng);
        s->R[gi] = r < s->R[gi] ? r : s->R[gi];
        s->q_head = s->q_head + 1 == s->q_cap ? 0 : s->q_head + 1;
        s->q_count--;
    }
}

/* The groups of mask (bit b = group base + b) fire: every train whose
 * threshold is within this step's hazard h fires; they are drawn uniformly
 * from the pool, the next threshold being Exp(1)/(trains left) above. */
static void fire_groups(mp_s_vogels *s, int64_t n, uint32_t base, uint64_t mask,
                        uint32_t *exc, size_t *ke, uint32_t *inh, size_t *ki)
{
    mp_xo *rng = &s->rng;
    const uint32_t ne = s->ne, ni = s->ni;
    const int64_t back = n + (s->dead > 0 ? s->dead : 1);
    while (mask) {
        uint32_t gi = base + (uint32_t)__builtin_ctzll(mask);
        mask &= mask - 1;
        group *g = &s->g[gi];
        const double h = s->h[gi];
        double r = s->R[gi];
        uint32_t left = s->m[gi];
        while (r <= h && left > 0) {
            uint32_t pos = below(rng, left), id = g->pool[pos];
            /* both outputs written, one kept: no branch on the train type */
            uint32_t is_exc = id < ne;
            exc[*ke] = gi * ne + id;
            inh[*ki] = gi * ni + (id - ne);
            *ke += is_exc;
            *ki += 1 - is_exc;
            /* out of the pool until its dead time is over; without dead
             * time it rejoins next step (it may fire in every step) */
            g->pool[pos] = g->pool[--left];
            size_t tail = s->q_head + s->q_count;
            if (tail >= s->q_cap)
                tail -= s->q_cap;
            s->q_group[tail] = gi;
            s->q_id[tail] = id;
            s->q_t[tail] = back;
            s->q_count++;
            r = left ? r + exp1(s, rng) * s->inv_k[left] : INFINITY;
        }
        s->m[gi] = left;
        s->R[gi] = r - h;
    }
}

void mp_s_vogels_step(mp_s_vogels *s, int64_t n, uint32_t *exc, size_t *n_exc,
                      uint32_t *inh, size_t *n_inh)
{
    size_t ke = 0, ki = 0;
    const uint32_t G = s->n_groups;
    release(s, n);
    if (s->sparsify)
        group_pass_sparsify(s);
    else
        group_pass(s);
    /* the firing groups, in order, as 64-bit masks */
    for (uint32_t base = 0; base < G; base += 64) {
        uint64_t fire = 0;
        uint32_t end = G - base < 64 ? G : base + 64;
        for (uint32_t gi = base; gi < end; gi++)
            fire |= (uint64_t)(s->fires[gi] != 0.0) << (gi - base);
        if (fire)
            fire_groups(s, n, base, fire, exc, &ke, inh, &ki);
    }
    *n_exc = ke;
    *n_inh = ki;
}
