/* anti_hebb — anti-Hebbian rule for lateral connections (rate)
 *
 * Description
 *   A plasticity rule for rate networks (MP_RULE_RATE): the weight of a
 *   connection decreases in proportion to the product of pre- and
 *   postsynaptic activity, dW = -eta y_post y_pre^T. On lateral connections
 *   within an output layer trained by Oja's rule it decorrelates the outputs,
 *   so that successive neurons extract successive principal components
 *   (Rubner & Tavan 1989; Confavreux et al. 2020, Section 3.2, where it is the
 *   Volterra rule B_110 = -1 of eq. 8).
 *
 *   Hierarchical lateral connectivity: in Confavreux et al.'s network neuron
 *   j receives lateral input only from neurons k < j, i.e. the lateral matrix
 *   is strictly lower triangular and only existing connections change. With
 *   lower_only = 1 (default) and a square matrix (n_pre == n_post) the rule
 *   updates only the entries k < j and leaves the diagonal and the upper
 *   triangle exactly as they are (it does not rely on the host masking them).
 *   With lower_only = 0, or when n_pre != n_post, every entry is updated.
 *
 * Equations (column vectors; W is n_post x n_pre; for lateral connections
 * y_pre and y_post are the same layer; pre-update quantities)
 *   W_jk <- W_jk + (-(eta y_post_j)) y_pre_k   for k < j   (lower_only = 1,
 *                                                            square W)
 *                                              for all k   (otherwise)
 *
 * Parameters
 *   name        unit  default  bounds       flags  meaning
 *   eta         1     1e-3     (-inf, inf)  coef   learning rate (> 0:
 *                                                  anti-Hebbian)
 *   lower_only  1     1        [0, 1]              1: update only k < j of a
 *                                                  square W
 *
 * reset returns MP_RULE_BUG (with a message) unless lower_only is 0 or 1;
 * step returns MP_RULE_BLOWUP when a weight becomes NaN or infinite. Needs
 * no errors.
 *
 * References
 *   Confavreux B, Zenke F, Agnes EJ, Lillicrap T, Vogels TP (2020). A
 *     meta-learning approach to (re)discover plasticity rules that carve a
 *     desired function into a neural network. NeurIPS 33. Eqs. 6-8.
 *   Rubner J, Tavan P (1989). A self-organizing network for principal-
 *     component analysis. Europhys Lett 10:693-698.
 *   Foldiak P (1989). Adaptive network for optimal linear feature
 *     extraction. IJCNN 1:401-405.
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

enum { P_ETA, P_LOWER_ONLY, N_PARAMS };

static const mp_param_desc params[N_PARAMS] = {
    {"eta", "1", "learning rate: dW = -eta y_post y_pre^T", 1e-3, -HUGE_VAL,
     HUGE_VAL, MP_PARAM_COEF},
    {"lower_only", "1",
     "1: with n_pre == n_post update only k < j (hierarchical lateral)", 1.0,
     0.0, 1.0, MP_PARAM_TOGGLE},
};

#define NONFINITE(r) ((r) - (r) != 0.0)

static MP_CLONES int row_1(double *restrict w, uint32_t n, double a,
                           const double *restrict x)
{
    int bad = 0;
    for (uint32_t k = 0; k < n; k++) {
        double r = w[k] + a * x[k];
        w[k] = r;
        bad |= NONFINITE(r);
    }
    return bad;
}

static int ah_reset(const mp_spike_io *spike, const mp_rate_io *io)
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

static int ah_step(const mp_rate_io *io)
{
    const double eta = io->c.p[P_ETA];
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (eta == 0.0 || n == 0)
        return MP_RULE_OK;
    const int lower = io->c.p[P_LOWER_ONLY] != 0.0 && n == m;
    int bad = 0;
    for (uint32_t j = 0; j < m; j++) {
        uint32_t len = lower ? j : n; /* k < j */
        bad |= row_1(io->W + (size_t)j * n, len, -(eta * io->y_post[j]),
                     io->y_pre);
    }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "anti_hebb",
    .version = "1.0",
    .summary = "anti-Hebbian dW = -eta y_post y_pre^T for (hierarchical) "
               "lateral connections (rate)",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = N_PARAMS,
    .reset = ah_reset,
    .step = ah_step,
};

MP_RULE_DEFINE(anti_hebb, desc)
