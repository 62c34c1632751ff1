/* Portable, inlinable exp/log/log1p for the kernel's hot loops.
 *
 * Why not libm: glibc picks an FMA or a non-FMA variant of exp/log at load
 * time (ifunc), and the two may differ in the last bit, so a run's spikes
 * could depend on the CPU. These functions use only +, -, *, / and integer
 * bit operations, each correctly rounded by IEEE 754, so they give the same
 * bits on every x86-64 (and any IEEE machine) as long as the compiler does
 * not contract a*b+c into an FMA: the library is built with
 * -ffp-contract=off (CMakeLists.txt). They are also branch-free (selects
 * only), so GCC can inline and vectorize the loops that call them. GCC
 * if-converts the selects only with -fno-trapping-math (which changes no
 * result: it only lets GCC ignore FP exception flags, which we never read);
 * CMakeLists.txt sets it for the files with such loops.
 *
 * Algorithms: fdlibm's e_exp.c and e_log.c (Sun Microsystems, 1993: "Permission
 * to use, copy, modify, and distribute this software is freely granted,
 * provided that this notice is preserved."), with the branches replaced by
 * selects. Both are within 1 ulp of the exact result (tests/test_fastmath.c
 * checks the relative error against libm over random arguments).
 *
 * Domain: every double. exp: NaN -> NaN, +inf -> +inf, -inf -> 0, overflow
 * -> +inf, results in the subnormal range are rounded twice (error up to
 * 1 ulp of the subnormal). log: x < 0 or NaN -> NaN, 0 -> -inf, +inf ->
 * +inf, subnormals are exact-scaled first.
 */
#ifndef MP_FASTMATH_H
#define MP_FASTMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t mp_fm_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double mp_fm_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* 0x1.8p52: adding it rounds a double of magnitude < 2^51 to an integer
 * (current rounding mode: nearest), whose value is then in the low bits.
 * This converts between double and int64 without cvttpd2qq, which SSE2
 * lacks, so loops stay vectorizable. */
#define MP_FM_SHIFTER 6755399441055744.0

/* 2^k for an integer k in [-1022, 1023], built from the exponent bits. */
static inline double mp_fm_pow2i(int64_t k)
{
    return mp_fm_double((uint64_t)(k + 1023) << 52);
}

/* e^x. */
static inline double mp_exp(double x)
{
    const double invln2 = 1.44269504088896338700e+00;
    const double ln2hi = 6.93147180369123816490e-01;
    const double ln2lo = 1.90821492927058770002e-10;
    const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                 P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                 P5 = 4.13813679705723846039e-08;
    /* Clamp so that k stays in [-1077, 1025]; the clamped ends still give
     * 0 and +inf after scaling. NaN fails both tests and passes through. */
    double xc = x < -746.0 ? -746.0 : x;
    xc = xc > 710.0 ? 710.0 : xc;
    /* x = k ln2 + r, |r| <= ln2/2; r = hi - lo in extra precision */
    double t = xc * invln2 + MP_FM_SHIFTER;
    int64_t k = (int64_t)(mp_fm_bits(t) - mp_fm_bits(MP_FM_SHIFTER));
    double kd = t - MP_FM_SHIFTER;
    double hi = xc - kd * ln2hi, lo = kd * ln2lo;
    double r = hi - lo;
    /* e^r = 1 + 2r / (R(r) - r), fdlibm's Remez fit for R */
    double z = r * r;
    double c = r - z * (P1 + z * (P2 + z * (P3 + z * (P4 + z * P5))));
    double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    /* y 2^k as (y 2^k1) 2^k2 with both factors normal: exact except for the
     * last multiplication, which also handles overflow and subnormals */
    /* k1 = floor(k / 2) by a logical shift of k + 2048 > 0 (SSE2 has no
     * 64-bit arithmetic shift) */
    int64_t k1 = (int64_t)((uint64_t)(k + 2048) >> 1) - 1024;
    /* NaN needs no select: it propagates through xc, r and y */
    return y * mp_fm_pow2i(k1) * mp_fm_pow2i(k - k1);
}

/* ln x. */
/* fdlibm's log kernel: R(s) for ln(1+f) = 2s + s R(s^2), s = f / (2 + f),
 * f in [sqrt(2)/2 - 1, sqrt(2) - 1]; shared by mp_log and mp_neg_log1m. */
static inline double mp_fm_log_R(double s)
{
    const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                 Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                 Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01;
    double z = s * s, w = z * z;
    double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    return t2 + t1;
}

static inline double mp_log(double x)
{
    const double ln2hi = 6.93147180369123816490e-01;
    const double ln2lo = 1.90821492927058770002e-10;
    /* subnormals: scale into the normal range first (exact) */
    int sub = x < 2.2250738585072014e-308;
    double xscaled = x * 18014398509481984.0; /* 2^54 */
    double xs = sub ? xscaled : x;
    uint64_t ix = mp_fm_bits(xs);
    /* x = 2^k (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)) */
    uint64_t hm = (ix >> 32) & 0x000fffff;
    uint64_t i = (hm + 0x95f64) & 0x100000; /* mantissa >= sqrt(2): use 2^(k+1) */
    int64_t k = (int64_t)(ix >> 52) - 1023 + (int64_t)(i >> 20) - 54 * (int64_t)sub;
    double m = mp_fm_double((ix & 0x000fffffffffffffull) | ((i ^ 0x3ff00000) << 32));
    double f = m - 1.0;
    double dk = mp_fm_double(mp_fm_bits(MP_FM_SHIFTER) + (uint64_t)k) - MP_FM_SHIFTER;
    double s = f / (2.0 + f), R = mp_fm_log_R(s), hfsq = 0.5 * f * f;
    double res = dk * ln2hi - ((hfsq - (s * (hfsq + R) + dk * ln2lo)) - f);
    /* special values */
    res = x == 0.0 ? -INFINITY : res;
    res = x < 0.0 ? NAN : res;
    res = x == INFINITY ? x : res;
    double quiet = x + x;
    return x != x ? quiet : res;
}

/* -ln(1 - p) for p in [0, MP_NEG_LOG1M_MAX]: fdlibm's log kernel with
 * f = -p taken exactly (no 1 - p rounding, no range reduction: 1 - p lies
 * in [sqrt(2)/2, 1], where the reduction is the identity), so about half
 * the work of mp_log. Within 1 ulp (tests/test_fastmath.c). The hazard of a
 * per-step firing probability p (stimuli/vogels_groups.c). */
#define MP_NEG_LOG1M_MAX 0.29
static inline double mp_neg_log1m(double p)
{
    double f = -p;
    double s = f / (2.0 + f), R = mp_fm_log_R(s), hfsq = 0.5 * f * f;
    return (hfsq - s * (hfsq + R)) - f;
}

/* ln(1 + x), accurate also for tiny x: with u = 1 + x rounded,
 * ln(1+x) = ln u + (x - (u - 1)) / u to first order in the rounding error
 * (the classic correction, Goldberg 1991, Theorem 4). */
static inline double mp_log1p(double x)
{
    double u = 1.0 + x;
    double corr = (x - (u - 1.0)) / u;
    double res = mp_log(u) + corr;
    /* u == 1: x is below half an ulp of 1, and ln(1+x) = x to within an ulp */
    res = u == 1.0 ? x : res;
    /* u = inf for huge x, 0 for x = -1, NaN/negative below: mp_log decides */
    return u == INFINITY || u <= 0.0 || x != x ? mp_log(u) : res;
}

#endif
