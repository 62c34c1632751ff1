/* xoshiro256++ (Blackman & Vigna 2019, public-domain algorithm): an inline
 * random stream for the stimulus generators' per-step draws.
 *
 * Why not GSL here: every gsl_rng_uniform call goes through the generator's
 * function pointer, which costs more than generating the number; the input
 * groups draw several numbers per step for 900 000 steps. Everything else
 * (initial states, connectivity, weights, rules) keeps GSL streams.
 * Seeded through splitmix64 from the stream seed (mp_u_stream_seed), so a
 * stream depends on the run's seed alone.
 */
#ifndef MP_XOSHIRO_H
#define MP_XOSHIRO_H

#include <stdint.h>

typedef struct mp_xo {
    uint64_t s[4];
} mp_xo;

static inline uint64_t mp_xo_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline void mp_xo_seed(mp_xo *g, uint64_t seed)
{
    for (int i = 0; i < 4; i++) { /* splitmix64: never all-zero state */
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        g->s[i] = z ^ (z >> 31);
    }
}

static inline uint64_t mp_xo_next(mp_xo *g)
{
    uint64_t *s = g->s;
    uint64_t r = mp_xo_rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = mp_xo_rotl(s[3], 45);
    return r;
}

/* Uniform in [0, 1), 53 random bits. */
static inline double mp_xo_uniform(mp_xo *g)
{
    return (double)(mp_xo_next(g) >> 11) * 0x1.0p-53;
}

/* Uniform in (0, 1): never 0, so its log is finite. */
static inline double mp_xo_uniform_pos(mp_xo *g)
{
    return ((double)(mp_xo_next(g) >> 11) + 0.5) * 0x1.0p-53;
}

#endif
