/* volterra — second-order polynomial (truncated Volterra) rule of
 * Confavreux et al. (2020), eqs. 3 and 7 (rate)
 *
 * Description
 *   A plasticity rule for rate networks (MP_RULE_RATE) whose update of each
 *   weight is a polynomial of degree <= 2 in each of the presynaptic activity
 *   x = y_pre[k], the postsynaptic activity y = y_post[j] and the weight
 *   w = W[j][k] itself: 27 coefficients, the search space in which
 *   Confavreux et al. (2020) rediscovered Oja's rule (feedforward) and an
 *   anti-Hebbian rule (lateral) with CMA-ES. The coefficients are meta-layer
 *   coefficients; eta is a fixed prefactor (their eta = 1/20 feedforward,
 *   eta_l = 1/10 lateral), not a coefficient, because eta and the a_abc
 *   enter only as products and optimizing both would be degenerate.
 *
 * Equations (W is n_post x n_pre; x_k = y_pre[k], y_j = y_post[j],
 * w_jk = W[j][k]; pre-update quantities)
 *   dw_jk = eta sum_{a,b,c in {0,1,2}} a_abc x_k^a y_j^b w_jk^c
 *   evaluated per row j from B_ac = eta sum_b a_abc y_j^b (9 numbers) and per
 *   element with Horner in x and then in w:
 *       c_c = B_0c + x_k (B_1c + x_k B_2c),  dw = c_0 + w (c_1 + w c_2).
 *
 * Index mapping (a = power of the PRESYNAPTIC activity, b = power of the
 * POSTSYNAPTIC activity, c = power of the weight)
 *   Feedforward, eq. 3: the paper's A_{alpha beta delta} multiplies
 *   x^alpha y^beta w^delta with x presynaptic (eq. 1: y_i = sum_j x_j w_ij;
 *   eq. 3 prints x_i^alpha, read x_j), so a_abc = A_abc with no change.
 *   Oja (eq. 4) is a110 = +1, a021 = -1: dw = eta (x y - y^2 w).
 *   Lateral, eq. 7: dw_ij = eta_l sum B_{alpha beta delta} y_i^alpha y_j^beta
 *   w_ij^delta, where i is the POSTsynaptic and j the PREsynaptic neuron, so
 *   there alpha is the post power: set a_{beta alpha delta} = B_{alpha beta
 *   delta} (swap the first two indices). The anti-Hebbian rule (eq. 8,
 *   B_110 = -1) is a110 = -1 either way.
 *
 *   Hierarchical lateral connectivity: terms without a factor w (e.g. a000,
 *   a110) change absent connections too. With lower_only = 1 and a square W
 *   (n_pre == n_post) only the entries k < j are updated (strictly lower
 *   triangular lateral matrix, as in Confavreux et al. Fig. 2A); default 0
 *   (every entry, the feedforward case).
 *
 * Parameters
 *   name        unit  default  bounds       flags  meaning
 *   eta         1     1        (-inf, inf)         prefactor of the sum
 *   a000..a222  1     0        (-inf, inf)  coef   a_abc of x^a y^b w^c
 *                                                  (27, index order a, b, c)
 *   lower_only  1     0        [0, 1]              1: update only k < j of a
 *                                                  square W
 *
 * reset returns MP_RULE_BUG (with a message) unless lower_only is 0 or 1;
 * step returns MP_RULE_BLOWUP when a weight becomes NaN or infinite. Needs
 * no errors and no state.
 *
 * References
 *   Confavreux B, Zenke F, Agnes EJ, Lillicrap T, Vogels TP (2020). A
 *     meta-learning approach to (re)discover plasticity rules that carve a
 *     desired function into a neural network. NeurIPS 33. Eqs. 1-8.
 *   Oja E (1982). Simplified neuron model as a principal component analyzer.
 *     J Math Biol 15:267-273.
 */
#include <math.h>
#include <stddef.h>

#include "metaplast/rule.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&        \
    defined(__linux__) && !defined(MP_NO_TARGET_CLONES)
#define MP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MP_CLONES
#endif

/* parameter i = 1 + 9a + 3b + c is a_abc */
enum { P_ETA = 0, P_A000 = 1, P_LOWER_ONLY = 28, N_PARAMS };

#define COEF(name, doc)                                                        \
    {name, "1", doc, 0.0, -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF}
static const mp_param_desc params[N_PARAMS] = {
    {"eta", "1", "prefactor of the polynomial (not a coefficient)", 1.0,
     -HUGE_VAL, HUGE_VAL, 0},
    COEF("a000", "coefficient of 1"),
    COEF("a001", "coefficient of w"),
    COEF("a002", "coefficient of w^2"),
    COEF("a010", "coefficient of y_post"),
    COEF("a011", "coefficient of y_post w"),
    COEF("a012", "coefficient of y_post w^2"),
    COEF("a020", "coefficient of y_post^2"),
    COEF("a021", "coefficient of y_post^2 w"),
    COEF("a022", "coefficient of y_post^2 w^2"),
    COEF("a100", "coefficient of y_pre"),
    COEF("a101", "coefficient of y_pre w"),
    COEF("a102", "coefficient of y_pre w^2"),
    COEF("a110", "coefficient of y_pre y_post"),
    COEF("a111", "coefficient of y_pre y_post w"),
    COEF("a112", "coefficient of y_pre y_post w^2"),
    COEF("a120", "coefficient of y_pre y_post^2"),
    COEF("a121", "coefficient of y_pre y_post^2 w"),
    COEF("a122", "coefficient of y_pre y_post^2 w^2"),
    COEF("a200", "coefficient of y_pre^2"),
    COEF("a201", "coefficient of y_pre^2 w"),
    COEF("a202", "coefficient of y_pre^2 w^2"),
    COEF("a210", "coefficient of y_pre^2 y_post"),
    COEF("a211", "coefficient of y_pre^2 y_post w"),
    COEF("a212", "coefficient of y_pre^2 y_post w^2"),
    COEF("a220", "coefficient of y_pre^2 y_post^2"),
    COEF("a221", "coefficient of y_pre^2 y_post^2 w"),
    COEF("a222", "coefficient of y_pre^2 y_post^2 w^2"),
    {"lower_only", "1",
     "1: with n_pre == n_post update only k < j (hierarchical lateral)", 0.0,
     0.0, 1.0, 0},
};

#define NONFINITE(r) ((r) - (r) != 0.0)

/* One row: B[3 * a + c] = eta sum_b a_abc y^b. */
static MP_CLONES int row_poly(double *restrict w, uint32_t n,
                              const double *restrict x, const double *B)
{
    const double b00 = B[0], b01 = B[1], b02 = B[2];
    const double b10 = B[3], b11 = B[4], b12 = B[5];
    const double b20 = B[6], b21 = B[7], b22 = B[8];
    int bad = 0;
    for (uint32_t k = 0; k < n; k++) {
        const double xk = x[k], wk = w[k];
        const double c0 = b00 + xk * (b10 + xk * b20);
        const double c1 = b01 + xk * (b11 + xk * b21);
        const double c2 = b02 + xk * (b12 + xk * b22);
        const double r = wk + (c0 + wk * (c1 + wk * c2));
        w[k] = r;
        bad |= NONFINITE(r);
    }
    return bad;
}

static int volterra_reset(const mp_spike_io *spike, const mp_rate_io *io)
{
    (void)spike; /* a rate rule: reset gets the rate io */
    double s = io->c.p[P_LOWER_ONLY];
    if (s != 0.0 && s != 1.0) {
        if (io->c.api)
            io->c.api->error(io->c.host, "lower_only is %g; it must be 0 or 1", s);
        return MP_RULE_BUG;
    }
    return MP_RULE_OK;
}

static int volterra_step(const mp_rate_io *io)
{
    const double eta = io->c.p[P_ETA];
    const double *A = io->c.p + P_A000; /* A[9a + 3b + c] */
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (eta == 0.0 || n == 0)
        return MP_RULE_OK;
    int any = 0;
    for (int i = 0; i < 27; i++)
        any |= A[i] != 0.0;
    if (!any)
        return MP_RULE_OK;
    const int lower = io->c.p[P_LOWER_ONLY] != 0.0 && n == m;
    int bad = 0;
    for (uint32_t j = 0; j < m; j++) {
        const double y = io->y_post[j];
        double B[9];
        for (int a = 0; a < 3; a++)
            for (int c = 0; c < 3; c++) {
                const double *q = A + 9 * a + c; /* q[3 b] = a_abc */
                B[3 * a + c] = eta * (q[0] + y * (q[3] + y * q[6]));
            }
        uint32_t len = lower ? j : n; /* k < j */
        bad |= row_poly(io->W + (size_t)j * n, len, io->y_pre, B);
    }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "volterra",
    .version = "1.0",
    .summary = "polynomial rule eta sum a_abc y_pre^a y_post^b w^c, a,b,c <= 2 "
               "(Confavreux et al. 2020 eq. 3/7; rate)",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = N_PARAMS,
    .reset = volterra_reset,
    .step = volterra_step,
};

MP_RULE_DEFINE(volterra, desc)
