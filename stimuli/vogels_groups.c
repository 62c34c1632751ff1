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
 * for a pool of m trains, independent of everything that happened before.
 * A quiet step is R -= h (no random number); when R <= h the firing trains
 * are drawn uniformly from the pool one by one, the next residual being
 * R + Exp(1)/(trains left). Fired trains wait out their dead time and
 * rejoin the pool, in firing order; j trains rejoining a pool of m
 * make the smallest residual Exp(m + j): R * m / (m + j) is exactly that
 * (R is Exp(m) and independent of the past), so rejoining needs no random
 * number either. The walk keeps S = R m, which is Exp(1) and which
 * rejoining leaves as it is: a quiet step is S -= h m, the test is
 * S <= h m.
 *
 * Why blocks: the signal and the hazard do not depend on the spikes, so
 * they are computed for BLOCK steps of all groups at once (a loop whose
 * iterations overlap in the CPU instead of waiting for each other); then
 * each group walks through the block on its own, scanning quiet steps in a
 * tight loop, and writes its spikes into per-step lists. Each group draws
 * from its own stream, so the spikes do not depend on the block length.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stimuli/stimuli_int.h"
#include "util/fastmath.h"
#include "util/util_int.h"
#include "util/xoshiro.h"
#include "util/ziggurat.h"

enum { VOGELS_BLOCK = 64 }; /* steps generated at once */

/* The hazard of p >= 1: finite, so that h m stays a number when the pool
 * is empty (inf times m = 0 would be NaN); e^-1e300 is 0, so every train
 * fires. */
#define HAZARD_CERTAIN 1e300

/* The hazard -ln(1 - p) by mp_log, for any p (HAZARD_CERTAIN for p >= 1). */
static inline double hazard_any(double p)
{
    double h = -mp_log(1.0 - (p < 1.0 ? p : 1.0));
    return h < HAZARD_CERTAIN ? h : HAZARD_CERTAIN;
}

/* Marks a ring entry as an inhibitory train (outputs have < 2^31 trains). */
#define INH_BIT 0x80000000u

/* A group's trains sit in a ring of M entries, each as its index in its
 * output (inhibitory ones with INH_BIT set): from position d0 on, the
 * trains in their dead time, oldest first, then the pool of pm trains that
 * may fire. A train that fires is swapped to the pool's first position,
 * which then belongs to the dead trains as their newest; trains that rejoin
 * are the oldest dead ones, and d0 just moves past them. Nothing is copied
 * or queued. */
typedef struct group {
    mp_xo rng;        /* the group's firing stream */
    uint32_t *ring;   /* the M trains, as above */
    uint32_t d0;      /* ring position of the oldest train in its dead time;
                         the pool ends there */
    uint32_t pm;      /* trains in the pool as the ring has it */
    uint32_t m;       /* trains that may fire: the pool and those released
                         since the group last fired */
    double S;         /* smallest residual threshold times m: Exp(1) */
    uint32_t *rel;    /* ring of release counts by step (mask rmask) */
    int sp_on;        /* sparsify toggle */
    double sp_since;  /* ms since the toggle last switched */
} group;

struct mp_s_vogels {
    mp_zig zig;       /* Exp(1) tables */
    uint32_t n_groups, ne, ni, M;
    double eF;        /* exp(-dt / tau_signal) */
    double p_base;    /* base_rate dt */
    double peak_norm; /* peak_rate dt / norm */
    double h_base;    /* -ln(1 - p_base) */
    uint32_t back;    /* steps from a spike to the train's return to its pool */
    uint32_t rmask;   /* release rings: a power of two > back and >= blk, minus 1 */
    int sparsify;
    double sp_off, sp_on, dt;
    group *g;
    double *inv_k;    /* 1 / k, k = 0..M (entry 0 unused) */
    /* signal streams, structure of arrays: the signal pass vectorizes
     * across groups */
    uint64_t *xs[4];  /* per group xoshiro256++ state */
    double *F;        /* per group signal after the last generated step */
    /* the current block: steps [blk0, blk0 + blk) */
    uint32_t blk;     /* block length, a power of two */
    int64_t blk0;
    int64_t last;     /* the last step emitted (-1: none) */
    double *h;        /* [G][blk] hazard of each group and step */
    double *Fs;       /* [G][blk] signal of each group and step */
    uint32_t *exc, *inh;  /* [blk][cap + MP_S_PAD] spikes of each step */
    uint32_t *n_exc, *n_inh;
    size_t cap_e, cap_i;  /* trains per output */
};

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

/* Copies n ids; both sides have MP_S_PAD spare entries, so the usual short
 * list is one fixed-size move, without a branch on its length. */
static inline void copy_ids(uint32_t *restrict dst, const uint32_t *restrict src, size_t n)
{
    memcpy(dst, src, MP_S_PAD * sizeof *dst);
    if (n > MP_S_PAD)
        memcpy(dst + MP_S_PAD, src + MP_S_PAD, (n - MP_S_PAD) * sizeof *dst);
}

static int alloc_arrays(mp_s_vogels *s)
{
    const size_t G = s->n_groups ? s->n_groups : 1, M = s->M ? s->M : 1, B = s->blk;
    s->g = mp_u_calloc(G, sizeof *s->g);
    s->inv_k = mp_u_calloc(M + 1, sizeof *s->inv_k);
    for (int k = 0; k < 4; k++)
        s->xs[k] = mp_u_calloc(G, sizeof *s->xs[k]);
    s->F = mp_u_calloc(G, sizeof *s->F);
    s->h = mp_u_calloc(B * G, sizeof *s->h);
    s->Fs = mp_u_calloc(B * G, sizeof *s->Fs);
    s->exc = mp_u_calloc(B * (s->cap_e + MP_S_PAD), sizeof *s->exc);
    s->inh = mp_u_calloc(B * (s->cap_i + MP_S_PAD), sizeof *s->inh);
    s->n_exc = mp_u_calloc(B, sizeof *s->n_exc);
    s->n_inh = mp_u_calloc(B, sizeof *s->n_inh);
    if (!s->g || !s->inv_k || !s->xs[0] || !s->xs[1] || !s->xs[2] || !s->xs[3] || !s->F ||
        !s->h || !s->Fs || !s->exc || !s->inh || !s->n_exc || !s->n_inh)
        return MP_ENOMEM;
    for (uint32_t i = 0; i < s->n_groups; i++) {
        group *g = &s->g[i];
        g->ring = mp_u_calloc(M, sizeof *g->ring);
        g->rel = mp_u_calloc((size_t)s->rmask + 1, sizeof *g->rel);
        if (!g->ring || !g->rel)
            return MP_ENOMEM;
    }
    return MP_OK;
}

int mp_s_vogels_new_blocked(const mp_m_vogels *m, double dt, uint64_t seed, uint32_t block,
                            mp_s_vogels **out, mp_error *err)
{
    mp_s_vogels *s = mp_u_calloc(1, sizeof *s);
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
    s->sparsify = m->sparsify;
    s->sp_off = m->sparsify_off_ms;
    s->sp_on = m->sparsify_on_ms;
    s->h_base = hazard_any(s->p_base);
    /* the block: a power of two; the release rings: a power of two above
     * the dead time, and a multiple of the block */
    s->blk = 1;
    while (s->blk < block && s->blk < (1u << 16))
        s->blk <<= 1;
    double dead = m->dead_time / dt;
    if (!(dead < (double)(1u << 30))) {
        mp_s_vogels_free(s);
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "vogels_groups: dead_time %g ms is more than 2^30 steps", m->dead_time);
    }
    int64_t dsteps = (int64_t)llround(dead);
    s->back = dsteps > 0 ? (uint32_t)dsteps : 1; /* no dead time: may fire every step */
    uint32_t ring = s->blk;
    while (ring <= s->back)
        ring <<= 1;
    s->rmask = ring - 1;
    s->blk0 = -(int64_t)s->blk; /* no block yet: step 0 starts one */
    s->last = -1;
    s->cap_e = (size_t)s->n_groups * s->ne;
    s->cap_i = (size_t)s->n_groups * s->ni;
    if (s->cap_e >= INH_BIT || s->cap_i >= INH_BIT) {
        mp_s_vogels_free(s);
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "vogels_groups: more than 2^31 - 1 trains in one output");
    }
    mp_zig_init(&s->zig);
    if (alloc_arrays(s) != MP_OK)
        goto nomem;
    for (uint32_t k = 1; k <= s->M; k++)
        s->inv_k[k] = 1.0 / (double)k;
    for (uint32_t i = 0; i < s->n_groups; i++) {
        group *g = &s->g[i];
        for (uint32_t k = 0; k < s->ne; k++)
            g->ring[k] = i * s->ne + k;
        for (uint32_t k = 0; k < s->ni; k++)
            g->ring[s->ne + k] = INH_BIT | (i * s->ni + k);
        g->d0 = 0;
        g->m = g->pm = s->M;
        /* the group's signal and firing streams, derived from the stimulus
         * seed */
        mp_xo gs;
        mp_xo_seed(&gs, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1)));
        for (int k = 0; k < 4; k++)
            s->xs[k][i] = gs.s[k];
        mp_xo_seed(&g->rng, seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(i + 1)));
        g->S = mp_zig_exp(&s->zig, &g->rng);
    }
    *out = s;
    return MP_OK;
nomem:
    mp_s_vogels_free(s);
    return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

int mp_s_vogels_new(const mp_m_vogels *m, double dt, uint64_t seed, mp_s_vogels **out,
                    mp_error *err)
{
    return mp_s_vogels_new_blocked(m, dt, seed, VOGELS_BLOCK, out, err);
}

void mp_s_vogels_free(mp_s_vogels *s)
{
    if (!s)
        return;
    if (s->g)
        for (uint32_t i = 0; i < s->n_groups; i++) {
            mp_u_free(s->g[i].ring);
            mp_u_free(s->g[i].rel);
        }
    mp_u_free(s->g);
    mp_u_free(s->inv_k);
    for (int k = 0; k < 4; k++)
        mp_u_free(s->xs[k]);
    mp_u_free(s->F);
    mp_u_free(s->h);
    mp_u_free(s->Fs);
    mp_u_free(s->exc);
    mp_u_free(s->inh);
    mp_u_free(s->n_exc);
    mp_u_free(s->n_inh);
    mp_u_free(s);
}

double mp_s_vogels_signal(const mp_s_vogels *s, size_t g)
{
    if (s->last < 0)
        return 0.0;
    return s->Fs[g * s->blk + (size_t)(s->last - s->blk0)];
}

/* Sparsify (InputCurrents.m): the toggle switches on at a zero sample after
 * being off for more than sp_off ms and off at a zero sample after being on
 * for more than sp_on ms; while on, the drive is zeroed. */
static double sparsify(const mp_s_vogels *s, group *g, double d)
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

/* One xoshiro256++ step of group g's signal stream (as mp_xo_next, on the
 * arrays) and a uniform in [0, 1) from its top 52 bits, built from the bits
 * so that no integer-to-double conversion stops vectorization. */
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


/* The signal of all groups for B steps (a chain through the steps,
 * vectorized across groups), then the hazard of each group and step (no
 * chain: one long vectorized loop) by mp_neg_log1m, which covers
 * p <= MP_NEG_LOG1M_MAX (a drive that high is rare); returns nonzero if
 * some p is above, for hazard_fixup. No branches. Compiled for AVX-512,
 * AVX2 and SSE2 (picked at load time); lane by lane the same IEEE
 * operations, so the same bits on every CPU. */
__attribute__((target_clones("avx512f", "avx2", "default")))
static uint64_t signal_block(size_t B, size_t G, uint64_t *restrict a, uint64_t *restrict b,
                             uint64_t *restrict c, uint64_t *restrict d, double *restrict F,
                             double *restrict Fs, double *restrict h, double eF,
                             double peak_norm, double p_base, double h_base)
{
    for (size_t k = 0; k < B; k++)
        for (size_t g = 0; g < G; g++) {
            double r = group_uniform(a, b, c, d, g) - 0.5;
            double f = r - (r - F[g]) * eF;
            F[g] = f;
            Fs[g * B + k] = f;
        }
    uint64_t big = 0;
    for (size_t i = 0; i < B * G; i++) {
        double f = Fs[i];
        double dr = f > 0.0 ? peak_norm * f : 0.0, p = p_base + dr;
        big |= (uint64_t)(p > MP_NEG_LOG1M_MAX);
        double hv = mp_neg_log1m(p < MP_NEG_LOG1M_MAX ? p : MP_NEG_LOG1M_MAX);
        h[i] = dr == 0.0 ? h_base : hv;
    }
    return big;
}

/* The hazards signal_block left out: p above MP_NEG_LOG1M_MAX, by mp_log. */
static void hazard_fixup(mp_s_vogels *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double f = s->Fs[i];
        double p = s->p_base + (f > 0.0 ? s->peak_norm * f : 0.0);
        if (p > MP_NEG_LOG1M_MAX)
            s->h[i] = hazard_any(p);
    }
}

/* The same with the sparsify toggle (scalar: the toggle is a state machine). */
static void signal_block_sparsify(mp_s_vogels *s, size_t B)
{
    const size_t G = s->n_groups;
    for (size_t k = 0; k < B; k++)
        for (size_t g = 0; g < G; g++) {
            double r = group_uniform(s->xs[0], s->xs[1], s->xs[2], s->xs[3], g) - 0.5;
            double f = r - (r - s->F[g]) * s->eF;
            s->F[g] = f;
            s->Fs[g * B + k] = f;
            double d = sparsify(s, &s->g[g], f > 0.0 ? s->peak_norm * f : 0.0);
            double p = s->p_base + d;
            s->h[g * B + k] = d == 0.0                 ? s->h_base
                              : p <= MP_NEG_LOG1M_MAX ? mp_neg_log1m(p)
                                                      : hazard_any(p);
        }
}

/* Group gi through steps [blk0, blk0 + B). A quiet step reads its release
 * count from the ring and needs no branch but the threshold test. When the
 * group fires, the trains released since it last fired join the pool (d0
 * moves past them), then the trains within the step's hazard fire, drawn
 * from the pool; the first one because S <= h m. */
static void walk_group(mp_s_vogels *s, uint32_t gi, uint32_t B)
{
    group *g = &s->g[gi];
    mp_xo rng = g->rng; /* local copies stay in registers */
    uint32_t *const ring = g->ring, *const rel = g->rel;
    const uint32_t M = s->M, rmask = s->rmask;
    const uint32_t r0 = (uint32_t)((uint64_t)s->blk0 & rmask); /* a multiple of B */
    const uint32_t r_back = r0 + s->back; /* + k: the ring slot of step k's releases */
    uint32_t *const relb = rel + r0;
    const double *const hb = s->h + (size_t)gi * B;
    const double *const inv_k = s->inv_k;
    const mp_zig *const zig = &s->zig;
    uint32_t *const exc0 = s->exc, *const inh0 = s->inh;
    uint32_t *const n_exc = s->n_exc, *const n_inh = s->n_inh;
    const size_t se = s->cap_e + MP_S_PAD, si = s->cap_i + MP_S_PAD;
    uint32_t m = g->m, pm = g->pm, d0 = g->d0;
    double S = g->S;
    for (uint32_t k = 0;; k++) {
        /* quiet steps: a tight loop */
        for (; k < B; k++) {
            m += relb[k];
            relb[k] = 0;
            const double hm = hb[k] * (double)m;
            if (S <= hm)
                break;
            S -= hm;
        }
        if (k >= B)
            break;
        if (m == 0) /* S = 0 exactly (probability 2^-53) and nobody to fire */
            continue;
        const double hk = hb[k];
        d0 += m - pm;
        d0 = d0 >= M ? d0 - M : d0;
        uint32_t first = d0 >= m ? d0 - m : d0 + M - m; /* the pool's first position */
        uint32_t *exc = exc0 + k * se, *inh = inh0 + k * si;
        uint32_t ke = n_exc[k], ki = n_inh[k];
        const uint32_t m_before = m;
        double r = S * inv_k[m];
        do {
            uint32_t pos = first + below(&rng, m);
            pos = pos >= M ? pos - M : pos;
            uint32_t id = ring[pos];
            ring[pos] = ring[first];
            ring[first] = id;
            first = first + 1 == M ? 0 : first + 1;
            m--;
            /* both lists written, one count advanced: no branch on the type */
            uint32_t is_inh = id >> 31;
            exc[ke] = id;
            inh[ki] = id & ~INH_BIT;
            ke += 1 - is_inh;
            ki += is_inh;
            r = m ? r + mp_zig_exp(zig, &rng) * inv_k[m] : INFINITY;
        } while (r <= hk);
        rel[(r_back + k) & rmask] += m_before - m;
        n_exc[k] = ke;
        n_inh[k] = ki;
        pm = m;
        /* the residual of the trains left; an empty pool gets the threshold
         * it will have when trains rejoin (independent of all else) */
        S = m ? (r - hk) * (double)m : mp_zig_exp(zig, &rng);
    }
    g->rng = rng;
    g->m = m;
    g->pm = pm;
    g->d0 = d0;
    g->S = S;
}

static void next_block(mp_s_vogels *s, int64_t n0)
{
    const uint32_t B = s->blk;
    s->blk0 = n0;
    if (s->sparsify)
        signal_block_sparsify(s, B);
    else if (signal_block(B, s->n_groups, s->xs[0], s->xs[1], s->xs[2], s->xs[3], s->F,
                          s->Fs, s->h, s->eF, s->peak_norm, s->p_base, s->h_base))
        hazard_fixup(s, (size_t)B * s->n_groups);
    memset(s->n_exc, 0, B * sizeof *s->n_exc);
    memset(s->n_inh, 0, B * sizeof *s->n_inh);
    for (uint32_t gi = 0; gi < s->n_groups; gi++)
        walk_group(s, gi, B);
}

void mp_s_vogels_step(mp_s_vogels *s, int64_t n, uint32_t *exc, size_t *n_exc,
                      uint32_t *inh, size_t *n_inh)
{
    if (n >= s->blk0 + (int64_t)s->blk)
        next_block(s, n);
    s->last = n;
    const size_t k = (size_t)(n - s->blk0);
    *n_exc = s->n_exc[k];
    *n_inh = s->n_inh[k];
    copy_ids(exc, s->exc + k * (s->cap_e + MP_S_PAD), *n_exc);
    copy_ids(inh, s->inh + k * (s->cap_i + MP_S_PAD), *n_inh);
}
