/* Exp(1) deviates by the ziggurat method (Marsaglia & Tsang 2000, J. Stat.
 * Softw. 5(8)), for the stimulus generators' per-spike draws.
 *
 * Why: an Exp(1) deviate by inversion, -ln(u), costs a uniform and a log
 * (about 45 instructions); the ziggurat needs one 64-bit draw, a table load,
 * a compare and a multiply in about 98.9% of the draws and is exact (it
 * samples the density e^-x exactly, falling back to rejection in the ragged
 * edges and to inversion in the tail).
 *
 * Layout: 256 layers of equal area v under e^-x; x[255] = r is the start of
 * the tail. A draw uses the low 8 bits of one 64-bit number for the layer
 * and its top 53 bits for the position, so the two are independent.
 * The tables are built once per generator with mp_exp / mp_log_table, so a
 * run gives the same deviates on every machine.
 */
#ifndef MP_ZIGGURAT_H
#define MP_ZIGGURAT_H

#include <stdint.h>

#include "util/fastmath.h"
#include "util/log_table.h"
#include "util/xoshiro.h"

#define MP_ZIG_R 7.69711747013104972 /* start of the tail for 256 layers */
#define MP_ZIG_V 3.949659822581572e-3 /* area of each layer: e^-r (r + 1) */

typedef struct mp_zig {
    uint64_t k[256]; /* accept u < k[i] (53-bit integer) without more work */
    double w[256];   /* x = u * w[i] */
    double f[256];   /* e^-x at the layer boundaries */
} mp_zig;

/* Builds the tables. */
static inline void mp_zig_init(mp_zig *z)
{
    const double m = 9007199254740992.0; /* 2^53 */
    double de = MP_ZIG_R, tde = de;
    double q = MP_ZIG_V / mp_exp(-de);
    z->k[0] = (uint64_t)((de / q) * m);
    z->k[1] = 0;
    z->w[0] = q / m;
    z->w[255] = de / m;
    z->f[0] = 1.0;
    z->f[255] = mp_exp(-de);
    for (int i = 254; i >= 1; i--) {
        de = -mp_log(MP_ZIG_V / de + mp_exp(-de));
        z->k[i + 1] = (uint64_t)((de / tde) * m);
        tde = de;
        z->f[i] = mp_exp(-de);
        z->w[i] = de / m;
    }
}

/* The slow path: edges (rejection) and the tail (inversion). */
static inline double mp_zig_slow(const mp_zig *z, mp_xo *g, uint64_t j)
{
    for (;;) {
        uint32_t i = (uint32_t)(j & 255u);
        uint64_t u = j >> 11;
        if (i == 0) /* the tail beyond r: r + Exp(1), memoryless */
            return MP_ZIG_R - mp_log_table(mp_xo_uniform_pos(g));
        double x = (double)u * z->w[i];
        if (z->f[i] + mp_xo_uniform(g) * (z->f[i - 1] - z->f[i]) < mp_exp(-x))
            return x;
        j = mp_xo_next(g);
        if ((j >> 11) < z->k[j & 255u])
            return (double)(j >> 11) * z->w[j & 255u];
    }
}

/* One Exp(1) deviate. */
static inline double mp_zig_exp(const mp_zig *z, mp_xo *g)
{
    uint64_t j = mp_xo_next(g);
    uint32_t i = (uint32_t)(j & 255u);
    uint64_t u = j >> 11;
    if (u < z->k[i])
        return (double)u * z->w[i];
    return mp_zig_slow(z, g, j);
}

#endif
