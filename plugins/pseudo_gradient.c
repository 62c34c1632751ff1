/* pseudo_gradient — the pseudo-gradient rule F0 (feedback alignment / BP)
 *
 * Description
 *   A plasticity rule for rate networks (MP_RULE_RATE): the weight update of
 *   gradient descent on the loss, dW = -eta dL/dW = -eta e_l y_{l-1}^T, where
 *   e_l = dL/dz_l is the error the host propagates to the postsynaptic layer.
 *   With errors sent back through the transposed forward weights this is
 *   backpropagation; with fixed random feedback matrices it is feedback
 *   alignment (Lillicrap et al. 2016). It is the term F^0 of the pool of
 *   Shervani-Tabar & Rosenbaum (2023) and gives the same bits as `pool` with
 *   theta0 = eta and every other theta 0.
 *
 * Equations (column vectors; W is n_post x n_pre, pre-update quantities)
 *   dW = -eta e_post y_pre^T,   i.e.  W_jk <- W_jk + (-(eta e_post_j)) y_pre_k
 *
 * Parameters
 *   name  unit  default  bounds       flags             meaning
 *   eta   1     1e-3     (-inf, inf)  coef, per_synapse learning rate (theta0 of pool);
 *                                                     eta_jk when given per synapse
 *
 * Errors. Needs e_post: in a network without a loss (e_post NULL) step
 * returns MP_RULE_BUG with a message unless eta is 0. Returns
 * MP_RULE_BLOWUP when a weight becomes NaN or infinite.
 *
 * References
 *   Lillicrap TP, Cownden D, Tweed DB, Akerman CJ (2016). Random synaptic
 *     feedback weights support error backpropagation for deep learning.
 *     Nat Commun 7:13276.
 *   Shervani-Tabar N, Rosenbaum R (2023). Meta-learning biologically
 *     plausible plasticity rules with random feedback pathways. Nat Commun
 *     14:1805. Eq. 14 (F^0).
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
    {"eta", "1", "learning rate, scalar or per synapse: dW = -eta e_post y_pre^T",
     1e-3, -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF | MP_PARAM_PER_SYNAPSE},
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

static uint32_t pg_needs(const double *p)
{
    return p[P_ETA] != 0.0 ? MP_NEED_E_POST : 0u;
}

/* W_jk -= E_jk e_j x_k with a per-synapse learning rate E (n_post x n_pre) */
static int pg_step_array(const mp_rate_io *io, const double *E)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    const double *x = io->y_pre, *e = io->e_post;
    int bad = 0;
    for (uint32_t j = 0; j < m; j++)
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            double r = io->W[s] + -(E[s] * e[j]) * x[k];
            io->W[s] = r;
            bad |= NONFINITE(r);
        }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static int pg_step(const mp_rate_io *io)
{
    if (io->c.p_syn[P_ETA] && io->e_post)
        return pg_step_array(io, io->c.p_syn[P_ETA]);
    const double eta = io->c.p[P_ETA];
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (eta == 0.0 || n == 0 || m == 0)
        return MP_RULE_OK; /* nothing to update; the vectors may be NULL */
    if (!io->e_post) {
        if (io->c.api)
            io->c.api->error(io->c.host, "eta = %g needs e_post, but e_post is "
                                     "NULL (a network without a loss)", eta);
        return MP_RULE_BUG;
    }
    int bad = 0;
    for (uint32_t j = 0; j < m; j++)
        bad |= row_1(io->W + (size_t)j * n, n, -(eta * io->e_post[j]),
                     io->y_pre);
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}


/* ---- reverse mode (step_vjp) -------------------------------------
 * W' = W - eta e x^T (x = y_pre, e = e_post). With G = dL/dW' and a = G x:
 *   gW_in += G, g_eta += -a . e, g_e_post += -eta a, g_y_pre += -eta G^T e.
 * y_post and e_pre do not enter. */
static int pg_step_vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    const double *gW = adj->gW;
    double *gp = adj->gp, *gW_in = adj->gW_in;
    double *gx = adj->g_y_pre, *gy = adj->g_y_post;
    double *gf = adj->g_e_pre, *ge = adj->g_e_post;
    (void)gy, (void)gf;
    const double eta = io->c.p[P_ETA];
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (n == 0 || m == 0)
        return MP_RULE_OK;
    if (!io->e_post) {
        if (io->c.api)
            io->c.api->error(io->c.host, "step_vjp needs e_post (a network with "
                                     "a loss)");
        return MP_RULE_BUG;
    }
    const double *x = io->y_pre, *e = io->e_post;
    const double *E = io->c.p_syn[P_ETA];
    if (E) { /* per synapse: gE_jk += -G_jk e_j x_k */
        double *gE = adj->gp_syn[P_ETA];
        for (uint32_t j = 0; j < m; j++)
            for (uint32_t k = 0; k < n; k++) {
                size_t s = (size_t)j * n + k;
                if (gE)
                    gE[s] -= gW[s] * e[j] * x[k];
                gW_in[s] += gW[s];
                gx[k] -= E[s] * e[j] * gW[s];
                ge[j] -= E[s] * gW[s] * x[k];
            }
        return MP_RULE_OK;
    }
    double geta = 0.0;
    for (uint32_t j = 0; j < m; j++) {
        const double *gj = gW + (size_t)j * n;
        double *gin = gW_in + (size_t)j * n;
        const double c = -(eta * e[j]);
        double a = 0.0;
        for (uint32_t k = 0; k < n; k++) {
            a += gj[k] * x[k];
            gin[k] += gj[k];
            gx[k] += c * gj[k];
        }
        geta -= a * e[j];
        ge[j] -= eta * a;
    }
    gp[P_ETA] += geta;
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "pseudo_gradient",
    .version = "1.0",
    .summary = "pseudo-gradient dW = -eta e_post y_pre^T (F0; BP / feedback "
               "alignment; rate)",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = N_PARAMS,
    .needs = MP_NEED_E_POST,
    .needs_of = pg_needs,
    .step = pg_step,
    .step_vjp = pg_step_vjp,
};

MP_RULE_DEFINE(pseudo_gradient, desc)
