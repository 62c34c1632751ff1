/* Random streams (rng.c): every GSL generator of the library is made and
 * reseeded here, from a 64-bit stream seed.
 *
 * A stream is identified by the run's master seed, a kind (MP_STREAM_*)
 * and an index (population, stimulus, projection number):
 * mp_u_stream_seed(master, kind, index) mixes them into the stream seed,
 * which depends on nothing else, so results depend on the seed alone. The
 * generator of a stream is a GSL taus2 (networks: initial states,
 * connectivity, weights, rule streams, data order) or mt19937 (data sets,
 * task sampling, CMA-ES), chosen by its user once and never changed:
 * recorded results depend on the exact streams. The 64 bits of a stream
 * seed are folded into the unsigned long GSL takes as
 * (seed >> 32) ^ (seed & 0xffffffff); GSL maps the folded seed 0 to the
 * generator's default seed (4357 for mt19937). The splitmix/xoshiro
 * generators of the stimuli (xoshiro.h) take the stream seed directly. */
#ifndef MP_UTIL_RNG_H
#define MP_UTIL_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

enum {
    MP_STREAM_POPULATION_INIT = 1,
    MP_STREAM_STIMULUS = 2,
    MP_STREAM_CONNECT = 3,
    MP_STREAM_WEIGHTS = 4,
    MP_STREAM_RULE = 5,
    MP_STREAM_FEEDBACK = 6, /* rate networks: B of projection j */
    MP_STREAM_DATA = 7,     /* rate networks: data order, splits, Gaussian sets */
    MP_STREAM_BIAS = 8      /* rate networks: the bias b of projection j */
};

/* The seed of stream (kind, index) of a run with seed `master`. */
uint64_t mp_u_stream_seed(uint64_t master, uint32_t kind, uint64_t index);

/* The generators a stream can use. */
typedef enum mp_u_rng_kind {
    MP_U_RNG_TAUS2,  /* networks */
    MP_U_RNG_MT19937 /* data sets, task sampling, CMA-ES */
} mp_u_rng_kind;

/* A generator of `kind` seeded from `seed`; NULL when out of memory. Free
 * with mp_u_rng_free. */
gsl_rng *mp_u_rng_new(mp_u_rng_kind kind, uint64_t seed);
/* Reseeds r (any kind) from seed, exactly as mp_u_rng_new seeds it: the
 * draws that follow equal those of a new generator. */
void mp_u_rng_seed(gsl_rng *r, uint64_t seed);
/* Frees r (NULL: nothing). */
void mp_u_rng_free(gsl_rng *r);

#endif
