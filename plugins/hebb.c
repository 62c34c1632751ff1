/* hebb — the plain Hebbian rule (rate)
 *
 * Description
 *   A plasticity rule for rate networks (MP_RULE_RATE): the weights grow
 *   with the product of post- and presynaptic activity, dW = eta y_post
 *   y_pre^T, with no normalization. It is the `--hebb` variant of the
 *   feedback-and-local-plasticity learner of Lindsey & Litwin-Kumar (2020),
 *   whose plasticity coefficient is meta-learned per synapse (then eta_jk
 *   takes the place of eta), and, with eta < 0 and every entry updated,
 *   `anti_hebb` with lower_only = 0. Unlike `oja` nothing keeps the weights
 *   bounded: a positive eta on a layer that excites its own inputs runs away
 *   (the host's weight guard reports it).
 *
 * Equations (column vectors; W is n_post x n_pre, pre-update quantities)
 *   dW = eta y_post y_pre^T,   i.e.  W_jk <- W_jk + (eta y_post_j) y_pre_k
 *
 * Parameters
 *   name  unit  default  bounds       flags             meaning
 *   eta   1     1e-3     (-inf, inf)  coef, per_synapse learning rate;
 *                                                     eta_jk when given per synapse
 *
 * Needs no errors and no state. Returns MP_RULE_BLOWUP when a weight
 * becomes NaN or infinite.
 *
 * References
 *   Hebb DO (1949). The Organization of Behavior. Wiley.
 *   Lindsey J, Litwin-Kumar A (2020). Learning to learn with feedback and
 *     local plasticity. NeurIPS 33. Section 4 (the Hebbian variant).
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

enum { P_ETA, N_PARAMS };

static const mp_param_desc params[N_PARAMS] = {
    {"eta", "1", "learning rate, scalar or per synapse: dW = eta y_post y_pre^T", 1e-3,
     -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF | MP_PARAM_PER_SYNAPSE},
};

#define NONFINITE(r) ((r) - (r) != 0.0)

/* w[k] += a x[k]; nonzero if a result is not finite. */
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

static int hebb_step(const mp_rate_io *io)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    const double *x = io->y_pre, *y = io->y_post, *E = io->c.p_syn[P_ETA];
    const double eta = io->c.p[P_ETA];
    if (n == 0 || m == 0 || (!E && eta == 0.0))
        return MP_RULE_OK;
    int bad = 0;
    for (uint32_t j = 0; j < m; j++) {
        double *w = io->W + (size_t)j * n;
        if (!E) {
            bad |= row_1(w, n, eta * y[j], x);
            continue;
        }
        const double *e = E + (size_t)j * n; /* eta_jk y_j x_k, entry by entry */
        for (uint32_t k = 0; k < n; k++) {
            double r = w[k] + (e[k] * y[j]) * x[k];
            w[k] = r;
            bad |= NONFINITE(r);
        }
    }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}

/* ---- reverse mode (step_vjp) -------------------------------------
 * W' = W + eta y x^T (x = y_pre, y = y_post). With G = dL/dW' and a = G x:
 *   gW_in += G, g_eta += a . y, g_y_post += eta a, g_y_pre += eta G^T y.
 * Per synapse (eta_jk): g_eta_jk += G_jk y_j x_k, g_y_post_j += sum_k
 * eta_jk G_jk x_k, g_y_pre_k += sum_j eta_jk G_jk y_j. The errors do not
 * enter. */
static int hebb_step_vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (n == 0 || m == 0)
        return MP_RULE_OK;
    const double *x = io->y_pre, *y = io->y_post, *gW = adj->gW;
    const double *E = io->c.p_syn[P_ETA];
    double *gin = adj->gW_in, *gx = adj->g_y_pre, *gy = adj->g_y_post;
    const double eta = io->c.p[P_ETA];
    for (uint32_t j = 0; j < m; j++) {
        const double *gj = gW + (size_t)j * n;
        double *gi = gin + (size_t)j * n;
        double a = 0.0;
        for (uint32_t k = 0; k < n; k++) {
            const size_t s = (size_t)j * n + k;
            const double e = E ? E[s] : eta;
            if (E && adj->gp_syn[P_ETA])
                adj->gp_syn[P_ETA][s] += gj[k] * y[j] * x[k];
            gi[k] += gj[k];
            gx[k] += e * y[j] * gj[k];
            a += e * gj[k] * x[k];
        }
        gy[j] += a;
    }
    if (!E) { /* g_eta = sum_j y_j (G x)_j (apart: a above carries eta) */
        double geta = 0.0;
        for (uint32_t j = 0; j < m; j++) {
            const double *gj = gW + (size_t)j * n;
            double a = 0.0;
            for (uint32_t k = 0; k < n; k++)
                a += gj[k] * x[k];
            geta += y[j] * a;
        }
        adj->gp[P_ETA] += geta;
    }
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "hebb",
    .version = "1.0",
    .summary = "plain Hebbian dW = eta y_post y_pre^T (rate)",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = N_PARAMS,
    .step = hebb_step,
    .step_vjp = hebb_step_vjp,
};

MP_RULE_DEFINE(hebb, desc)
