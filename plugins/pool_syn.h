/* pool with coefficients per synapse (included by pool.c only): a plain
 * entry-by-entry evaluation of dW_jk = sum_r theta_r,jk F^r_jk and of its
 * reverse mode, used when the instance holds an array for some theta_r
 * (MP_PARAM_PER_SYNAPSE). The fused scalar path of pool.c is untouched, so
 * results with scalar coefficients keep their bits.
 *
 * Entries of the terms (x = y_pre, y = y_post, f = e_pre, e = e_post; the
 * scalars s6 = y^T W f, s8 = e^T W x, S = sum_j y_j and u = W^T y are those
 * before the update):
 *   F0 -e_j x_k   F1 -y_j f_k   F2 -e_j f_k   F3 -W_jk   F4 -f_k
 *   F5 -S e_j x_k   F6 -s6 y_j f_k   F7 -s6 e_j x_k   F8 -s8 y_j f_k
 *   F9 y_j (x_k - u_k)
 * Reverse mode, with G = dL/dW' and H_r = G theta_r (entrywise): g_theta_r
 * is G F^r (per synapse, or summed when theta_r is a scalar); gW_in gets G,
 * -H3, the s6 and s8 paths (g_s6 y_j f_k, g_s8 e_j x_k) and the u path of
 * F9 (g_u_k y_j with g_u_k = -sum_j H9_jk y_j); the vectors get the
 * products with the other factor of each term. Scratch: u, g_u, v = W^T e
 * (3 n_pre doubles). Both errors must be present. */
#ifndef MP_PLUGIN_POOL_SYN_H
#define MP_PLUGIN_POOL_SYN_H

#include "metaplast/rule.h"

/* theta_r at synapse s */
static double pool_th(const mp_rule_ctx *c, int r, size_t s)
{
    return mp_rule_param_at(c, (uint32_t)r, s);
}

/* 1 when some theta is given per synapse */
static int pool_has_arrays(const mp_rule_ctx *c)
{
    for (int r = 0; r < 10; r++)
        if (c->p_syn[r])
            return 1;
    return 0;
}

/* u = W^T y, v = W^T e, s6, s8, S before the update */
static void pool_syn_scalars(const mp_rate_io *io, double *u, double *v, double *s6,
                             double *s8, double *sum_y)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    *s6 = *s8 = *sum_y = 0.0;
    for (uint32_t k = 0; k < n; k++)
        u[k] = v[k] = 0.0;
    for (uint32_t j = 0; j < m; j++) {
        const double *wj = io->W + (size_t)j * n;
        for (uint32_t k = 0; k < n; k++) {
            u[k] += io->y_post[j] * wj[k];
            v[k] += io->e_post[j] * wj[k];
        }
        *sum_y += io->y_post[j];
    }
    for (uint32_t k = 0; k < n; k++) {
        *s6 += u[k] * io->e_pre[k];
        *s8 += v[k] * io->y_pre[k];
    }
}

/* F^r_jk for r = 0..9 into F */
static void pool_syn_terms(const mp_rate_io *io, uint32_t j, uint32_t k, const double *u,
                           double s6, double s8, double S, double F[10])
{
    const double x = io->y_pre[k], y = io->y_post[j], f = io->e_pre[k], e = io->e_post[j];
    F[0] = -e * x;
    F[1] = -y * f;
    F[2] = -e * f;
    F[3] = -io->W[(size_t)j * io->c.n_pre + k];
    F[4] = -f;
    F[5] = -S * e * x;
    F[6] = -s6 * y * f;
    F[7] = -s6 * e * x;
    F[8] = -s8 * y * f;
    F[9] = y * (x - u[k]);
}

static int pool_syn_missing(const mp_rate_io *io)
{
    if (io->c.api)
        io->c.api->error(io->c.host, "per-synapse coefficients need e_pre and e_post "
                                     "(a network with a loss)");
    return MP_RULE_BUG;
}

static int pool_step_syn(const mp_rate_io *io)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (!io->e_pre || !io->e_post)
        return pool_syn_missing(io);
    double *u = io->c.scratch, *v = io->c.scratch + n, s6, s8, S;
    pool_syn_scalars(io, u, v, &s6, &s8, &S);
    int bad = 0;
    /* all updates from pre-update quantities: F3 reads W_jk before its own
     * update, and u, s6, s8 were taken above */
    for (uint32_t j = 0; j < m; j++)
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            double F[10], dw = 0.0;
            pool_syn_terms(io, j, k, u, s6, s8, S, F);
            for (int r = 0; r < 10; r++)
                dw += pool_th(&io->c, r, s) * F[r];
            double w = io->W[s] + dw;
            io->W[s] = w;
            bad |= NONFINITE(w);
        }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}

static int pool_vjp_syn(const mp_rate_io *io, const mp_rate_adj *adj)
{
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (!io->e_pre || !io->e_post)
        return pool_syn_missing(io);
    const double *x = io->y_pre, *y = io->y_post, *f = io->e_pre, *e = io->e_post;
    const double *W = io->W, *G = adj->gW;
    double *u = io->c.scratch, *gu = io->c.scratch + n, *v = io->c.scratch + 2 * (size_t)n;
    double s6, s8, S;
    pool_syn_scalars(io, u, v, &s6, &s8, &S);
    /* pass 1: the parameter gradients and the adjoints of S, s6, s8, u */
    double c5 = 0.0, g6 = 0.0, g8 = 0.0;
    for (uint32_t k = 0; k < n; k++)
        gu[k] = 0.0;
    for (uint32_t j = 0; j < m; j++)
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            double F[10];
            pool_syn_terms(io, j, k, u, s6, s8, S, F);
            for (int r = 0; r < 10; r++) {
                if (io->c.p_syn[r]) {
                    if (adj->gp_syn[r])
                        adj->gp_syn[r][s] += G[s] * F[r];
                } else {
                    adj->gp[r] += G[s] * F[r];
                }
            }
            c5 -= G[s] * pool_th(&io->c, 5, s) * e[j] * x[k];
            g6 -= G[s] * (pool_th(&io->c, 6, s) * y[j] * f[k] +
                          pool_th(&io->c, 7, s) * e[j] * x[k]);
            g8 -= G[s] * pool_th(&io->c, 8, s) * y[j] * f[k];
            gu[k] -= G[s] * pool_th(&io->c, 9, s) * y[j];
        }
    /* pass 2: W and the vectors */
    for (uint32_t j = 0; j < m; j++) {
        double wf = 0.0, wx = 0.0, wgu = 0.0;
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            wf += W[s] * f[k];
            wx += W[s] * x[k];
            wgu += W[s] * gu[k];
        }
        adj->g_y_post[j] += c5 + g6 * wf + wgu; /* S, s6 and u paths */
        adj->g_e_post[j] += g8 * wx;            /* s8 path */
        for (uint32_t k = 0; k < n; k++) {
            size_t s = (size_t)j * n + k;
            const double g = G[s], h[10] = {
                g * pool_th(&io->c, 0, s), g * pool_th(&io->c, 1, s),
                g * pool_th(&io->c, 2, s), g * pool_th(&io->c, 3, s),
                g * pool_th(&io->c, 4, s), g * pool_th(&io->c, 5, s),
                g * pool_th(&io->c, 6, s), g * pool_th(&io->c, 7, s),
                g * pool_th(&io->c, 8, s), g * pool_th(&io->c, 9, s)};
            adj->gW_in[s] += g - h[3] + g6 * y[j] * f[k] + g8 * e[j] * x[k] + gu[k] * y[j];
            adj->g_e_post[j] -= (h[0] + S * h[5] + s6 * h[7]) * x[k] + h[2] * f[k];
            adj->g_y_post[j] += -(h[1] + s6 * h[6] + s8 * h[8]) * f[k] + h[9] * (x[k] - u[k]);
            adj->g_y_pre[k] += -(h[0] + S * h[5] + s6 * h[7]) * e[j] + h[9] * y[j];
            adj->g_e_pre[k] -= (h[1] + s6 * h[6] + s8 * h[8]) * y[j] + h[2] * e[j] + h[4];
        }
    }
    for (uint32_t k = 0; k < n; k++) {
        adj->g_e_pre[k] += g6 * u[k]; /* s6 = u . f */
        adj->g_y_pre[k] += g8 * v[k]; /* s8 = v . x */
    }
    return MP_RULE_OK;
}

#endif
