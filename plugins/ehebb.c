/* ehebb — pseudo-gradient plus error-Hebbian term (F0 + F2)
 *
 * Description
 *   A plasticity rule for rate networks (MP_RULE_RATE): the pseudo-gradient
 *   term F^0 = -e_l y_{l-1}^T plus the "eHebb" term F^2 = -e_l e_{l-1}^T of
 *   Shervani-Tabar & Rosenbaum (2023), a Hebbian product of the errors the
 *   two layers receive. The paper's meta-learning kept F^2 (with F^0 and Oja's
 *   F^9) from its pool of ten; with fixed random feedback it improves the
 *   alignment of the errors with backpropagation. theta0 and theta2 have the
 *   meaning (and give the same bits) as in `pool`.
 *
 * Equations (column vectors; W is n_post x n_pre; e_pre = e_{l-1} is the
 * presynaptic error, the synthetic e_0 for the input layer; pre-update
 * quantities)
 *   dW = -theta0 e_post y_pre^T - theta2 e_post e_pre^T
 *   W_jk <- W_jk + (-(theta0 e_post_j)) y_pre_k + (-(theta2 e_post_j)) e_pre_k
 *
 * Parameters
 *   name    unit  default  bounds       flags             meaning
 *   theta0  1     1e-3     (-inf, inf)  coef, per_synapse F0 pseudo-gradient
 *   theta2  1     0        (-inf, inf)  coef, per_synapse F2 error Hebb
 * Either coefficient may be given per synapse (theta_jk in place of theta;
 * a separate loop, so the scalar path keeps its bits).
 *
 * Errors. Needs e_post (and e_pre when theta2 != 0; needs_of tells the host,
 * which refuses a model that cannot give them when it is loaded); step
 * returns MP_RULE_BUG with a message when it gets NULL errors it needs. Returns MP_RULE_BLOWUP when a weight
 * becomes NaN or infinite.
 *
 * References
 *   Shervani-Tabar N, Rosenbaum R (2023). Meta-learning biologically
 *     plausible plasticity rules with random feedback pathways. Nat Commun
 *     14:1805. Eqs. 7, 14, 16 (F^0, F^2).
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

enum { P_T0, P_T2, N_PARAMS };

static const mp_param_desc params[N_PARAMS] = {
    {"theta0", "1", "F0 = -e_post y_pre^T (pseudo-gradient)", 1e-3, -HUGE_VAL,
     HUGE_VAL, MP_PARAM_COEF | MP_PARAM_PER_SYNAPSE},
    {"theta2", "1", "F2 = -e_post e_pre^T (error Hebb)", 0.0, -HUGE_VAL,
     HUGE_VAL, MP_PARAM_COEF | MP_PARAM_PER_SYNAPSE},
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

static MP_CLONES int row_2(double *restrict w, uint32_t n, double a,
                           const double *restrict x, double b,
                           const double *restrict f)
{
    int bad = 0;
    for (uint32_t k = 0; k < n; k++) {
        double r = w[k] + a * x[k] + b * f[k];
        w[k] = r;
        bad |= NONFINITE(r);
    }
    return bad;
}

static uint32_t ehebb_needs(const double *p)
{
    return (p[P_T0] != 0.0 || p[P_T2] != 0.0 ? MP_NEED_E_POST : 0u) |
           (p[P_T2] != 0.0 ? MP_NEED_E_PRE : 0u);
}

static int missing(const mp_rate_io *io, int r, double th, const char *vec)
{
    if (io->c.api)
        io->c.api->error(io->c.host,
                       "theta%d = %g needs %s, but %s is NULL (a network "
                       "without a loss); set theta%d to 0",
                       r, th, vec, vec, r);
    return MP_RULE_BUG;
}

/* dW_jk = -theta0_jk e_j x_k - theta2_jk e_j f_k with one or both
 * coefficients per synapse (a coefficient given as an array counts as
 * nonzero: its term and the error it reads are used). */
static int ehebb_step_array(const mp_rate_io *io)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    const double *x = io->y_pre, *f = io->e_pre, *e = io->e_post;
    const int use2 = io->c.p_syn[P_T2] || io->c.p[P_T2] != 0.0;
    if (!e)
        return missing(io, io->c.p_syn[P_T0] ? 0 : 2, 0.0, "e_post");
    if (use2 && !f)
        return missing(io, 2, io->c.p[P_T2], "e_pre");
    int bad = 0;
    for (uint32_t j = 0; j < m; j++)
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            double r = io->W[s] - mp_rule_param_at(&io->c, P_T0, s) * e[j] * x[k];
            if (use2)
                r -= mp_rule_param_at(&io->c, P_T2, s) * e[j] * f[k];
            io->W[s] = r;
            bad |= NONFINITE(r);
        }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static int ehebb_step(const mp_rate_io *io)
{
    if ((io->c.p_syn[P_T0] || io->c.p_syn[P_T2]) && io->c.n_pre && io->c.n_post)
        return ehebb_step_array(io);
    const double t0 = io->c.p[P_T0], t2 = io->c.p[P_T2];
    const double *e = io->e_post;
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (n == 0 || m == 0 || (t0 == 0.0 && t2 == 0.0))
        return MP_RULE_OK; /* nothing to update; the vectors may be NULL */
    if (!e && t0 != 0.0)
        return missing(io, 0, t0, "e_post");
    if (!e && t2 != 0.0)
        return missing(io, 2, t2, "e_post");
    if (!io->e_pre && t2 != 0.0)
        return missing(io, 2, t2, "e_pre");
    int bad = 0;
    for (uint32_t j = 0; j < m; j++) {
        double *wj = io->W + (size_t)j * n;
        if (t0 != 0.0 && t2 != 0.0)
            bad |= row_2(wj, n, -(t0 * e[j]), io->y_pre, -(t2 * e[j]),
                         io->e_pre);
        else if (t0 != 0.0)
            bad |= row_1(wj, n, -(t0 * e[j]), io->y_pre);
        else
            bad |= row_1(wj, n, -(t2 * e[j]), io->e_pre);
    }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}


/* ---- reverse mode (step_vjp) -------------------------------------
 * W' = W - t0 e x^T - t2 e f^T (x = y_pre, f = e_pre, e = e_post). With
 * G = dL/dW', a = G x, b = G f:
 *   gW_in += G, g_t0 += -a . e, g_t2 += -b . e,
 *   g_e_post += -t0 a - t2 b, g_y_pre += -t0 G^T e, g_e_pre += -t2 G^T e. */
static int ehebb_step_vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    const double *gW = adj->gW;
    double *gp = adj->gp, *gW_in = adj->gW_in;
    double *gx = adj->g_y_pre, *gy = adj->g_y_post;
    double *gf = adj->g_e_pre, *ge = adj->g_e_post;
    (void)gy;
    const double t0 = io->c.p[P_T0], t2 = io->c.p[P_T2];
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (n == 0 || m == 0)
        return MP_RULE_OK;
    if (!io->e_post || !io->e_pre) {
        if (io->c.api)
            io->c.api->error(io->c.host, "step_vjp needs e_pre and e_post (a "
                                     "network with a loss)");
        return MP_RULE_BUG;
    }
    const double *x = io->y_pre, *f = io->e_pre, *e = io->e_post;
    if (io->c.p_syn[P_T0] || io->c.p_syn[P_T2]) {
        /* per synapse: g_theta_jk = -G_jk e_j (x_k or f_k), into gp_syn when
         * the instance holds an array, else summed into gp */
        const int use2 = io->c.p_syn[P_T2] || t2 != 0.0;
        double *gs0 = io->c.p_syn[P_T0] ? adj->gp_syn[P_T0] : NULL;
        double *gs2 = io->c.p_syn[P_T2] ? adj->gp_syn[P_T2] : NULL;
        for (uint32_t j = 0; j < m; j++)
            for (uint32_t k = 0; k < n; k++) {
                size_t s = (size_t)j * n + k;
                const double g = gW[s];
                const double a0 = mp_rule_param_at(&io->c, P_T0, s);
                const double a2 = use2 ? mp_rule_param_at(&io->c, P_T2, s) : 0.0;
                gW_in[s] += g;
                gx[k] -= a0 * e[j] * g;
                gf[k] -= a2 * e[j] * g;
                ge[j] -= g * (a0 * x[k] + a2 * f[k]);
                if (gs0)
                    gs0[s] -= g * e[j] * x[k];
                else if (!io->c.p_syn[P_T0])
                    gp[P_T0] -= g * e[j] * x[k];
                if (gs2)
                    gs2[s] -= g * e[j] * f[k];
                else if (!io->c.p_syn[P_T2])
                    gp[P_T2] -= g * e[j] * f[k];
            }
        return MP_RULE_OK;
    }
    double g0 = 0.0, g2 = 0.0;
    for (uint32_t j = 0; j < m; j++) {
        const double *gj = gW + (size_t)j * n;
        double *gin = gW_in + (size_t)j * n;
        const double c0 = -(t0 * e[j]), c2 = -(t2 * e[j]);
        double a = 0.0, b = 0.0;
        for (uint32_t k = 0; k < n; k++) {
            a += gj[k] * x[k];
            b += gj[k] * f[k];
            gin[k] += gj[k];
            gx[k] += c0 * gj[k];
            gf[k] += c2 * gj[k];
        }
        g0 -= a * e[j];
        g2 -= b * e[j];
        ge[j] -= t0 * a + t2 * b;
    }
    gp[P_T0] += g0;
    gp[P_T2] += g2;
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "ehebb",
    .version = "1.0",
    .summary = "pseudo-gradient + error Hebb: dW = -theta0 e_post y_pre^T - "
               "theta2 e_post e_pre^T (F0 + F2; rate)",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = N_PARAMS,
    .needs = MP_NEED_E_POST | MP_NEED_E_PRE,
    .needs_of = ehebb_needs,
    .step = ehebb_step,
    .step_vjp = ehebb_step_vjp,
};

MP_RULE_DEFINE(ehebb, desc)
