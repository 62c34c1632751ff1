/* Random streams: stream seeds and the GSL generators made from them
 * (rng.h says which generator serves what). */
#include "util/rng.h"

/* splitmix64 finalizer: a bijective mix, so distinct inputs give distinct,
 * well-spread seeds. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t mp_u_stream_seed(uint64_t master, uint32_t kind, uint64_t index)
{
    return mix64(mix64(mix64(master) ^ (uint64_t)kind) ^ index);
}

void mp_u_rng_seed(gsl_rng *r, uint64_t seed)
{
    gsl_rng_set(r, (unsigned long)((seed >> 32) ^ (seed & 0xffffffffu)));
}

gsl_rng *mp_u_rng_new(mp_u_rng_kind kind, uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(kind == MP_U_RNG_MT19937 ? gsl_rng_mt19937 : gsl_rng_taus2);
    if (r)
        mp_u_rng_seed(r, seed);
    return r;
}

void mp_u_rng_free(gsl_rng *r)
{
    if (r)
        gsl_rng_free(r);
}
