/* oja — Oja's Hebbian rule with multiplicative normalization (rate)
 *
 * Description
 *   A plasticity rule for rate networks (MP_RULE_RATE): Hebbian growth
 *   y_post y_pre^T held in check by a decay proportional to the squared
 *   postsynaptic activity, so that the weight vector of a linear neuron
 *   converges to the unit-norm first principal component of its zero-mean
 *   input (Oja 1982). Two forms:
 *     subspace = 1 (default): the layer form of Oja (1989),
 *         dW = eta (y_post y_pre^T - y_post y_post^T W)
 *            = eta y_post (y_pre - W^T y_post)^T,
 *       whose rows converge to an orthonormal basis of the principal
 *       subspace; it is the term F^9 of Shervani-Tabar & Rosenbaum (2023)
 *       and gives the same bits as `pool` with theta9 = eta alone.
 *     subspace = 0: Oja (1982) applied to each output neuron j on its own,
 *         dW_j = eta y_j (y_pre - y_j W_j)     (W_j: row j of W),
 *       the rule of Confavreux et al. (2020) eq. 2 (their Volterra
 *       coefficients A_110 = 1, A_021 = -1; see `volterra`) and the form
 *       Lindsey & Litwin-Kumar (2020) use. Every neuron finds the same PC1
 *       unless something else (lateral anti-Hebbian connections,
 *       `anti_hebb`) decorrelates them.
 *   The two forms agree for a single output neuron.
 *
 * Equations (column vectors; W is n_post x n_pre; x = y_pre, y = y_post;
 * pre-update quantities)
 *   subspace = 1:  W_jk <- W_jk + (eta y_j) (x_k - u_k),  u = W^T y
 *                  (one pass over W for u, one for the update)
 *   subspace = 0:  W_jk <- (1 - eta y_j^2) W_jk + (eta y_j) x_k
 *                  (one pass)
 *
 * Parameters
 *   name      unit  default  bounds       flags             meaning
 *   eta       1     1e-3     (-inf, inf)  coef, per_synapse learning rate
 *   subspace  1     1        [0, 1]       toggle            1: layer (subspace)
 *                                                           form, 0: per neuron
 * With eta given per synapse, eta_jk takes the place of eta in W_jk's update
 * (Lindsey & Litwin-Kumar 2020 meta-learn such a coefficient per synapse);
 * a separate loop, so the scalar path keeps its bits.
 *
 * reset returns MP_RULE_BUG (with a message) unless subspace is 0 or 1 (the
 * loader refuses other values already); step returns MP_RULE_BLOWUP when a
 * weight becomes NaN or infinite. The subspace form keeps u in the scratch
 * block (scratch_size: 2 n_pre doubles, for step_vjp too). No state, and
 * needs no errors.
 *
 * References
 *   Oja E (1982). Simplified neuron model as a principal component analyzer.
 *     J Math Biol 15:267-273.
 *   Oja E (1989). Neural networks, principal components, and subspaces.
 *     Int J Neural Syst 1:61-68.
 *   Shervani-Tabar N, Rosenbaum R (2023). Nat Commun 14:1805. Eq. 23 (F^9).
 *   Confavreux B et al. (2020). NeurIPS 33. Eqs. 2-4.
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

enum { P_ETA, P_SUBSPACE, N_PARAMS };

static const mp_param_desc params[N_PARAMS] = {
    {"eta", "1", "learning rate (may be given per synapse)", 1e-3, -HUGE_VAL,
     HUGE_VAL, MP_PARAM_COEF | MP_PARAM_PER_SYNAPSE},
    {"subspace", "1",
     "1: layer form eta y_post (y_pre - W^T y_post)^T; 0: per neuron", 1.0,
     0.0, 1.0, MP_PARAM_TOGGLE},
};

#define NONFINITE(r) ((r) - (r) != 0.0)

/* w[k] <- g w[k] + a x[k]; nonzero if a result is not finite. */
static MP_CLONES int row_g1(double *restrict w, uint32_t n, double g, double a,
                            const double *restrict x)
{
    int bad = 0;
    for (uint32_t k = 0; k < n; k++) {
        double r = g * w[k] + a * x[k];
        w[k] = r;
        bad |= NONFINITE(r);
    }
    return bad;
}

/* w[k] <- w[k] + a d[k] */
static MP_CLONES int row_1(double *restrict w, uint32_t n, double a,
                           const double *restrict d)
{
    int bad = 0;
    for (uint32_t k = 0; k < n; k++) {
        double r = w[k] + a * d[k];
        w[k] = r;
        bad |= NONFINITE(r);
    }
    return bad;
}

/* u += a w */
static MP_CLONES void axpy(double *restrict u, uint32_t n, double a,
                           const double *restrict w)
{
    for (uint32_t k = 0; k < n; k++)
        u[k] += a * w[k];
}

/* d = x - W^T y (the subspace form's right vector), in scratch */
static void oja_d(double *d, const double *W, const double *x, const double *y,
                  uint32_t n, uint32_t m)
{
    for (uint32_t k = 0; k < n; k++)
        d[k] = 0.0;
    for (uint32_t j = 0; j < m; j++)
        axpy(d, n, y[j], W + (size_t)j * n); /* u = W^T y */
    for (uint32_t k = 0; k < n; k++)
        d[k] = x[k] - d[k];
}

static int oja_reset(const mp_spike_io *spike, const mp_rate_io *io)
{
    (void)spike; /* a rate rule: reset gets the rate io */
    double s = io->c.p[P_SUBSPACE];
    if (s != 0.0 && s != 1.0) {
        if (io->c.api)
            io->c.api->error(io->c.host, "subspace is %g; it must be 0 (per-neuron "
                                     "form) or 1 (subspace form)", s);
        return MP_RULE_BUG;
    }
    return MP_RULE_OK;
}

/* step with a per-synapse learning rate E (n_post x n_pre): the same
 * arithmetic per entry as the scalar path, with eta -> E_jk. */
static int oja_step_array(const mp_rate_io *io, const double *E)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    const double *x = io->y_pre, *y = io->y_post;
    double *W = io->W;
    int bad = 0;
    if (io->c.p[P_SUBSPACE] != 0.0) {
        double *d = io->c.scratch;
        oja_d(d, W, x, y, n, m);
        for (uint32_t j = 0; j < m; j++)
            for (uint32_t k = 0; k < n; k++) {
                size_t s = (size_t)j * n + k;
                double r = W[s] + (E[s] * y[j]) * d[k];
                W[s] = r;
                bad |= NONFINITE(r);
            }
    } else {
        for (uint32_t j = 0; j < m; j++)
            for (uint32_t k = 0; k < n; k++) {
                size_t s = (size_t)j * n + k;
                const double a = E[s] * y[j];
                double r = (1.0 - a * y[j]) * W[s] + a * x[k];
                W[s] = r;
                bad |= NONFINITE(r);
            }
    }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static int oja_step(const mp_rate_io *io)
{
    if (io->c.p_syn[P_ETA] && io->c.n_pre > 0 && io->c.n_post > 0)
        return oja_step_array(io, io->c.p_syn[P_ETA]);
    const double eta = io->c.p[P_ETA];
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (eta == 0.0 || n == 0 || m == 0)
        return MP_RULE_OK;
    const double *x = io->y_pre, *y = io->y_post;
    double *W = io->W;
    int bad = 0;
    if (io->c.p[P_SUBSPACE] != 0.0) {
        double *d = io->c.scratch;
        if (!d) {
            if (io->c.api)
                io->c.api->error(io->c.host, "no scratch block (n_pre doubles) "
                                         "was allocated");
            return MP_RULE_BUG;
        }
        oja_d(d, W, x, y, n, m);
        for (uint32_t j = 0; j < m; j++)
            bad |= row_1(W + (size_t)j * n, n, eta * y[j], d);
    } else {
        for (uint32_t j = 0; j < m; j++) {
            const double a = eta * y[j];
            bad |= row_g1(W + (size_t)j * n, n, 1.0 - a * y[j], a, x);
        }
    }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}


/* ---- reverse mode (step_vjp) -------------------------------------
 * G = dL/dW'.
 * subspace = 1: W' = W + eta y d^T, d = x - u, u = W^T y. With c = G d and
 *   g_d = eta G^T y: g_eta += c . y, g_y_post += eta c + W g_u,
 *   g_y_pre += g_d, g_u = -g_d, gW_in += G + y g_u^T.
 *   Scratch: u and g_d (2 n_pre doubles).
 * subspace = 0: W'_jk = (1 - eta y_j^2) W_jk + eta y_j x_k. With
 *   a_j = G_j . x, w_j = G_j . W_j: gW_in += (1 - eta y_j^2) G_j,
 *   g_eta += sum_j (y_j a_j - y_j^2 w_j), g_y_post_j += eta a_j
 *   - 2 eta y_j w_j, g_y_pre += eta sum_j y_j G_j.
 * Needs no errors. */
static size_t oja_scratch_size(const double *p, uint32_t n_pre,
                               uint32_t n_post)
{
    (void)p, (void)n_post;
    return 2 * (size_t)n_pre;
}

/* step_vjp with a per-synapse learning rate E: as below with eta -> E_jk;
 * gE (may be NULL: not wanted) gets G_jk times the update's factor. */
static int oja_step_vjp_array(const mp_rate_io *io, const mp_rate_adj *adj,
                              const double *E, double *gE)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    const double *x = io->y_pre, *y = io->y_post, *W = io->W, *gW = adj->gW;
    double *gin = adj->gW_in, *gx = adj->g_y_pre, *gy = adj->g_y_post;
    if (io->c.p[P_SUBSPACE] != 0.0) {
        double *u = io->c.scratch, *gd = io->c.scratch + n;
        for (uint32_t k = 0; k < n; k++)
            u[k] = 0.0, gd[k] = 0.0;
        for (uint32_t j = 0; j < m; j++)
            axpy(u, n, y[j], W + (size_t)j * n);
        for (uint32_t j = 0; j < m; j++)
            for (uint32_t k = 0; k < n; k++) {
                size_t s = (size_t)j * n + k;
                const double d = x[k] - u[k];
                if (gE)
                    gE[s] += gW[s] * y[j] * d;
                gy[j] += gW[s] * E[s] * d;
                gd[k] += gW[s] * E[s] * y[j];
                gin[s] += gW[s];
            }
        for (uint32_t k = 0; k < n; k++)
            gx[k] += gd[k]; /* and g_u = -g_d */
        for (uint32_t j = 0; j < m; j++)
            for (uint32_t k = 0; k < n; k++) {
                size_t s = (size_t)j * n + k;
                gin[s] -= y[j] * gd[k];
                gy[j] -= W[s] * gd[k];
            }
    } else {
        for (uint32_t j = 0; j < m; j++)
            for (uint32_t k = 0; k < n; k++) {
                size_t s = (size_t)j * n + k;
                const double g = gW[s];
                if (gE)
                    gE[s] += g * (y[j] * x[k] - y[j] * y[j] * W[s]);
                gin[s] += (1.0 - E[s] * y[j] * y[j]) * g;
                gx[k] += E[s] * y[j] * g;
                gy[j] += E[s] * g * (x[k] - 2.0 * y[j] * W[s]);
            }
    }
    return MP_RULE_OK;
}

static int oja_step_vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    const double *gW = adj->gW;
    double *gp = adj->gp, *gW_in = adj->gW_in;
    double *gx = adj->g_y_pre, *gy = adj->g_y_post;
    double *gf = adj->g_e_pre, *ge = adj->g_e_post;
    (void)gf, (void)ge;
    if (io->c.p_syn[P_ETA])
        return io->c.n_pre && io->c.n_post
                   ? oja_step_vjp_array(io, adj, io->c.p_syn[P_ETA], adj->gp_syn[P_ETA])
                   : MP_RULE_OK;
    const double eta = io->c.p[P_ETA];
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (n == 0 || m == 0)
        return MP_RULE_OK;
    const double *x = io->y_pre, *y = io->y_post, *W = io->W;
    double geta = 0.0;
    if (io->c.p[P_SUBSPACE] != 0.0) {
        if (!io->c.scratch) {
            if (io->c.api)
                io->c.api->error(io->c.host, "step_vjp needs 2 n_pre doubles of "
                                         "scratch");
            return MP_RULE_BUG;
        }
        double *u = io->c.scratch, *gd = io->c.scratch + n;
        for (uint32_t k = 0; k < n; k++)
            u[k] = 0.0, gd[k] = 0.0;
        for (uint32_t j = 0; j < m; j++)
            axpy(u, n, y[j], W + (size_t)j * n);
        for (uint32_t j = 0; j < m; j++) {
            const double *gj = gW + (size_t)j * n;
            double *gin = gW_in + (size_t)j * n;
            const double a = eta * y[j];
            double c = 0.0;
            for (uint32_t k = 0; k < n; k++) {
                c += gj[k] * (x[k] - u[k]);
                gd[k] += a * gj[k];
                gin[k] += gj[k];
            }
            geta += c * y[j];
            gy[j] += eta * c;
        }
        for (uint32_t k = 0; k < n; k++)
            gx[k] += gd[k]; /* and g_u = -g_d */
        for (uint32_t j = 0; j < m; j++) {
            const double *wj = W + (size_t)j * n;
            double *gin = gW_in + (size_t)j * n;
            double q = 0.0;
            for (uint32_t k = 0; k < n; k++) {
                gin[k] -= y[j] * gd[k];
                q += wj[k] * gd[k];
            }
            gy[j] -= q;
        }
    } else {
        for (uint32_t j = 0; j < m; j++) {
            const double *gj = gW + (size_t)j * n, *wj = W + (size_t)j * n;
            double *gin = gW_in + (size_t)j * n;
            const double g = 1.0 - eta * y[j] * y[j], b = eta * y[j];
            double a = 0.0, w = 0.0;
            for (uint32_t k = 0; k < n; k++) {
                a += gj[k] * x[k];
                w += gj[k] * wj[k];
                gin[k] += g * gj[k];
                gx[k] += b * gj[k];
            }
            geta += y[j] * a - y[j] * y[j] * w;
            gy[j] += eta * a - 2.0 * eta * y[j] * w;
        }
    }
    gp[P_ETA] += geta;
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "oja",
    .version = "1.1",
    .summary = "Oja's rule, layer (subspace) or per-neuron form: dW = eta y_post "
               "(y_pre - W^T y_post)^T (rate)",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = N_PARAMS,
    .scratch_size = oja_scratch_size,
    .reset = oja_reset,
    .step = oja_step,
    .step_vjp = oja_step_vjp,
};

MP_RULE_DEFINE(oja, desc)
