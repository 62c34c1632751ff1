/* Initial values (init_draw.c): the initializers of a model (mp_m_init:
 * membrane states, conductances, spiking weights, rate W and B) and their
 * draws, shared by spiking and rate networks. The type lives here, not in
 * core/model/, so that util depends on nothing above it; model_int.h
 * includes this header. */
#ifndef MP_UTIL_INIT_DRAW_H
#define MP_UTIL_INIT_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "util/rng.h"

typedef enum mp_m_init_kind {
    MP_INIT_CONST,   /* a */
    MP_INIT_UNIFORM, /* U[a, b) */
    MP_INIT_NORMAL,  /* N(mean a, std b) */
    /* base + amplitude / (1 + ((G - preferred) / width)^power) + U[jlo, jhi)
     * where G is the 1-based input group of the presynaptic train (Vogels et
     * al. 2011 tuned excitation; needs a source with groups). */
    MP_INIT_GROUP_TUNED,
    /* rate projections: U(-g s, g s), s = sqrt(6 / (fan_in + fan_out)),
     * gain g = a (Glorot & Bengio 2010; PyTorch xavier_uniform_) */
    MP_INIT_XAVIER_UNIFORM
} mp_m_init_kind;

typedef struct mp_m_init {
    mp_m_init_kind kind;
    double a, b;
    double base, amplitude, preferred, width, power, jitter_lo, jitter_hi;
} mp_m_init;

/* One draw of `in` from r (G: the 1-based input group, for group_tuned;
 * const draws nothing). xavier_uniform needs the fans of a matrix: use
 * mp_u_init_fill (here it returns a). */
double mp_u_init_draw(const mp_m_init *in, gsl_rng *r, size_t G);

/* Fills the rows x cols matrix A (row-major, drawn in that order) from `in`
 * with a taus2 stream seeded from `seed`; xavier_uniform takes cols as its
 * fan-in and rows as its fan-out. errors: MP_ENOMEM (the stream) */
int mp_u_init_fill(double *A, uint32_t rows, uint32_t cols, const mp_m_init *in,
                   uint64_t seed);

#endif
