/* core/util/fastmath.h: mp_exp, mp_log, mp_log1p against libm.
 * Random arguments over the whole range and over the ranges the kernel uses;
 * the bound is the relative error (libm is itself within 1 ulp, so 2 ulp of
 * distance between the two covers a 1-ulp error of ours). Special values. */
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "kernel/kernel_int.h"
#include "util/fastmath.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_u64(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double uniform(double a, double b)
{
    return a + (b - a) * ((double)(next_u64() >> 11) * 0x1p-53);
}

/* Distance in ulps of a from the reference b (both finite, same sign). */
static double ulps(double a, double b)
{
    if (a == b)
        return 0.0;
    double u = b != 0.0 ? nextafter(fabs(b), INFINITY) - fabs(b) : DBL_TRUE_MIN;
    return fabs(a - b) / u;
}

typedef double (*fn)(double);

/* Largest ulp distance of f from ref over n arguments drawn by draw(). */
static double max_ulps(fn f, fn ref, double lo, double hi, int log_scale, int n)
{
    double worst = 0.0;
    for (int i = 0; i < n; i++) {
        double x = log_scale ? exp(uniform(log(lo), log(hi))) : uniform(lo, hi);
        double e = ulps(f(x), ref(x));
        if (e > worst)
            worst = e;
    }
    return worst;
}

static double f_exp(double x) { return mp_exp(x); }
static double f_log(double x) { return mp_log(x); }
static double f_log1p(double x) { return mp_log1p(x); }
static double neg_log1p(double x) { return mp_log1p(-x); }
static double ref_neg_log1p(double x) { return log1p(-x); }
static double f_neg_log1m(double x) { return mp_neg_log1m(x); }
static double ref_neg_log1m(double x) { return -log1p(-x); }

static void test_exp(void)
{
    const int N = 2000000;
    CHECK(max_ulps(f_exp, exp, -708.0, 709.0, 0, N) <= 2.0);
    CHECK(max_ulps(f_exp, exp, -1.0, 1.0, 0, N) <= 2.0);
    CHECK(max_ulps(f_exp, exp, -0.5, 0.0, 0, N) <= 2.0); /* the LIF's -dt g/C */
    CHECK(max_ulps(f_exp, exp, 1e-300, 1e-3, 1, N) <= 2.0);
    /* subnormal results: up to one ulp of the subnormal more */
    CHECK(max_ulps(f_exp, exp, -745.0, -708.5, 0, 100000) <= 3.0);
    CHECK(mp_exp(0.0) == 1.0);
    CHECK(mp_exp(-0.0) == 1.0);
    CHECK(ulps(mp_exp(1.0), exp(1.0)) <= 1.0);
    CHECK(mp_exp(INFINITY) == INFINITY);
    CHECK(mp_exp(-INFINITY) == 0.0);
    CHECK(mp_exp(710.0) == INFINITY);
    CHECK(mp_exp(1e300) == INFINITY);
    CHECK(mp_exp(-746.0) == 0.0);
    CHECK(mp_exp(-1e300) == 0.0);
    CHECK(mp_exp(709.78) == exp(709.78) || ulps(mp_exp(709.78), exp(709.78)) <= 2.0);
    CHECK(isnan(mp_exp(NAN)));
    CHECK(mp_exp(-745.1) > 0.0); /* exp(-745.1) rounds to the smallest subnormal */
}

/* -ln(1 - p) on its domain [0, MP_NEG_LOG1M_MAX]: the hazards of the
 * Vogels input groups (p = base + drive per step, mostly 1e-4 .. 0.1). */
static void test_neg_log1m(void)
{
    const int N = 2000000;
    CHECK(max_ulps(f_neg_log1m, ref_neg_log1m, 0.0, MP_NEG_LOG1M_MAX, 0, N) <= 2.0);
    CHECK(max_ulps(f_neg_log1m, ref_neg_log1m, 1e-300, 1e-2, 1, N) <= 2.0);
    CHECK(mp_neg_log1m(0.0) == 0.0);
    CHECK(mp_neg_log1m(5e-4) == -log1p(-5e-4) || ulps(mp_neg_log1m(5e-4), -log1p(-5e-4)) <= 1.0);
}

static void test_log(void)
{
    const int N = 2000000;
    CHECK(max_ulps(f_log, log, DBL_MIN, DBL_MAX, 1, N) <= 2.0);
    CHECK(max_ulps(f_log, log, 0.5, 2.0, 0, N) <= 2.0);
    CHECK(max_ulps(f_log, log, 1e-12, 1.0, 0, N) <= 2.0); /* ln u, u ~ U(0,1] */
    CHECK(max_ulps(f_log, log, DBL_TRUE_MIN, DBL_MIN, 1, N / 10) <= 2.0);
    CHECK(mp_log(1.0) == 0.0);
    CHECK(mp_log(2.0) == log(2.0));
    CHECK(mp_log(0.0) == -INFINITY);
    CHECK(mp_log(-0.0) == -INFINITY);
    CHECK(mp_log(INFINITY) == INFINITY);
    CHECK(isnan(mp_log(-1.0)));
    CHECK(isnan(mp_log(-INFINITY)));
    CHECK(isnan(mp_log(NAN)));
    CHECK(mp_log(DBL_TRUE_MIN) == log(DBL_TRUE_MIN));
}

static void test_log1p(void)
{
    const int N = 2000000;
    /* ln(1 - p) for probabilities p: the Vogels and Poisson stimuli */
    CHECK(max_ulps(neg_log1p, ref_neg_log1p, 1e-300, 0.999999, 1, N) <= 2.0);
    CHECK(max_ulps(neg_log1p, ref_neg_log1p, 0.0, 1.0, 0, N) <= 2.0);
    CHECK(max_ulps(f_log1p, log1p, 1e-300, 1e300, 1, N) <= 2.0);
    CHECK(mp_log1p(0.0) == 0.0);
    CHECK(mp_log1p(1e-300) == 1e-300);
    CHECK(mp_log1p(-1.0) == -INFINITY);
    CHECK(isnan(mp_log1p(-2.0)));
    CHECK(mp_log1p(INFINITY) == INFINITY);
    CHECK(isnan(mp_log1p(NAN)));
}

/* The vectorized exp_euler step (whichever clone this CPU runs: AVX-512,
 * AVX2 or SSE2) against the scalar recipe of docs/kernel.md with mp_exp,
 * bit for bit, over random states, arrivals and refractory counts. */
static void test_lif_vector_equals_scalar(void)
{
    enum { N = 1003, STEPS = 200 }; /* N: not a multiple of any vector width */
    mp_m_population mp = {0};
    mp.lif = (mp_m_lif_cond){.C_m = 200.0, .g_L = 10.0, .E_L = -60.0, .V_th = -50.0,
                             .V_reset = -60.0, .t_ref = 5.0, .E_ex = 0.0,
                             .E_in = -80.0, .tau_syn_ex = 5.0, .tau_syn_in = 10.0,
                             .I_e = 0.0};
    static double V[N], ge[N], gi[N], ref[N], fired[N], rex[N], rin[N];
    static double V2[N], ge2[N], gi2[N];
    static int ref2[N];
    static uint32_t spk[N];
    mp_k_source src = {0};
    src.spk = spk;
    mp_k_pop p = {0};
    p.m = &mp;
    p.n = N;
    p.V = V, p.g_ex = ge, p.g_in = gi, p.ref = ref, p.fired = fired;
    p.ring_ex = rex, p.ring_in = rin, p.D = 1, p.src = &src;
    mp_k_lif_init_consts(&p, 0.1); /* t_ref 5 ms: 50 steps */
    for (int i = 0; i < N; i++) {
        V[i] = V2[i] = uniform(-70.0, -49.0);
        ge[i] = ge2[i] = uniform(0.0, 60.0);
        gi[i] = gi2[i] = uniform(0.0, 300.0);
    }
    const mp_m_lif_cond *c = &mp.lif;
    const double k = -0.1 / c->C_m, gLEL = c->g_L * c->E_L + c->I_e;
    int same = 1, spikes = 0;
    for (int t = 0; t < STEPS && same; t++) {
        double ax[N], ai[N];
        for (int i = 0; i < N; i++) {
            rex[i] = ax[i] = next_u64() % 4 == 0 ? uniform(0.0, 30.0) : 0.0;
            rin[i] = ai[i] = next_u64() % 8 == 0 ? uniform(0.0, 60.0) : 0.0;
        }
        mp_k_lif_exp_euler(&p, 0);
        size_t ns = 0;
        for (int i = 0; i < N; i++) {
            ge2[i] = ge2[i] * p.lif.d_ex + ax[i];
            gi2[i] = gi2[i] * p.lif.d_in + ai[i];
            if (ref2[i] > 0) {
                V2[i] = c->V_reset;
                ref2[i]--;
            } else {
                double gt = c->g_L + ge2[i] + gi2[i];
                double vinf = (gLEL + ge2[i] * c->E_ex + gi2[i] * c->E_in) / gt;
                double v = vinf + (V2[i] - vinf) * mp_exp(k * gt);
                if (v >= c->V_th) {
                    v = c->V_reset;
                    ref2[i] = 50;
                    same &= ns < src.nspk && spk[ns] == (uint32_t)i;
                    ns++;
                }
                V2[i] = v;
            }
            same &= V[i] == V2[i] && ge[i] == ge2[i] && gi[i] == gi2[i] &&
                    ref[i] == (double)ref2[i] && rex[i] == 0.0 && rin[i] == 0.0;
        }
        same &= ns == src.nspk;
        spikes += (int)ns;
    }
    CHECK(same);
    CHECK(spikes > 100); /* the comparison covered spikes and refractory steps */
}

int main(void)
{
    test_lif_vector_equals_scalar();
    test_exp();
    test_log();
    test_neg_log1m();
    test_log1p();
    return CHECK_DONE();
}
