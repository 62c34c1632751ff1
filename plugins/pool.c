/* pool — the ten-term pool of Shervani-Tabar & Rosenbaum (2023), fused
 *
 * Description
 *   A plasticity rule for rate networks (MP_RULE_RATE) whose update is a
 *   linear combination of the ten candidate terms F^0..F^9 of Shervani-Tabar
 *   & Rosenbaum (2023, Methods 4.2), with one coefficient theta_r each:
 *
 *       dW = sum_{r=0..9} theta_r F^r,        W <- W + dW.
 *
 *   The theta_r are coefficients the meta-layer may optimize (the paper
 *   shares one theta vector across all layers; here each projection reads its
 *   own parameters). With the defaults (theta0 = 1e-3, the rest 0) it is the
 *   pseudo-gradient rule -1e-3 e_l y_{l-1}^T of feedback alignment; theta0,
 *   theta2, theta9 alone give the paper's F^bio.
 *
 * Equations (column vectors; W = W_{l-1,l} is n_post x n_pre; y_l = y_post,
 * y_{l-1} = y_pre, e_l = e_post, e_{l-1} = e_pre, 1 = ones(n_post); all
 * quantities are those before the update)
 *   F0 = -e_l y_{l-1}^T                       pseudo-gradient
 *   F1 = -y_l e_{l-1}^T
 *   F2 = -e_l e_{l-1}^T                       "eHebb"
 *   F3 = -W                                   weight decay
 *   F4 = -1 e_{l-1}^T
 *   F5 = -e_l 1^T y_l y_{l-1}^T               = -(sum_j y_lj) e_l y_{l-1}^T
 *   F6 = -y_l y_l^T W e_{l-1} e_{l-1}^T       = -s6 y_l e_{l-1}^T
 *   F7 = -e_l y_l^T W e_{l-1} y_{l-1}^T       = -s6 e_l y_{l-1}^T
 *   F8 = -y_l y_{l-1}^T W^T e_l e_{l-1}^T     = -s8 y_l e_{l-1}^T
 *   F9 = y_l y_{l-1}^T - (y_l y_l^T) W        = y_l (y_{l-1} - W^T y_l)^T
 *   with s6 = y_l^T W e_{l-1} and s8 = e_l^T W y_{l-1}. F9 (Oja's subspace
 *   rule) enters with +theta9, as in the paper (and its code since 9ae134f).
 *
 * Evaluation (fused: at most two passes over W, O(n_pre n_post))
 *   Pass 1, only when theta6, theta7, theta8 or theta9 is nonzero: one sweep
 *   over the rows of W accumulating u = W^T y_l (if theta6|7|9 != 0) and
 *   v = W^T e_l (if theta8 != 0) as column axpys (no reductions in the
 *   O(n^2) loop, so no reassociation is needed to vectorize and every
 *   instruction set gives the same bits). Then O(n_pre) scalar work:
 *   s6 = u . e_{l-1}, s8 = v . y_{l-1}, d = y_{l-1} - u.
 *   Pass 2: every term but F3 is an outer product, grouped by right vector:
 *       dW_jk = A_j x_k + B_j f_k + C_j d_k - theta3 W_jk
 *       x = y_{l-1}, f = e_{l-1}, d = y_{l-1} - W^T y_l,
 *       A_j = -(theta0 + theta5 sum(y_l) + theta7 s6) e_lj
 *       B_j = -((theta1 + theta6 s6 + theta8 s8) y_lj + theta2 e_lj + theta4)
 *       C_j = theta9 y_lj
 *   applied row by row, W_j <- (1 - theta3) W_j + A_j x + B_j f + C_j d,
 *   with the terms whose coefficients are all zero left out (theta0 alone:
 *   no pass 1 and one rank-one pass). The scratch vectors u, v live in the
 *   projection's scratch block (not carried across steps).
 *
 * Parameters
 *   name     unit  default  bounds        flags  meaning
 *   theta0   1     1e-3     (-inf, inf)   coef   F0 pseudo-gradient
 *   theta1   1     0        (-inf, inf)   coef   F1 -y_l e_{l-1}^T
 *   theta2   1     0        (-inf, inf)   coef   F2 -e_l e_{l-1}^T
 *   theta3   1     0        (-inf, inf)   coef   F3 -W (decay)
 *   theta4   1     0        (-inf, inf)   coef   F4 -1 e_{l-1}^T
 *   theta5   1     0        (-inf, inf)   coef   F5
 *   theta6   1     0        (-inf, inf)   coef   F6
 *   theta7   1     0        (-inf, inf)   coef   F7
 *   theta8   1     0        (-inf, inf)   coef   F8
 *   theta9   1     0        (-inf, inf)   coef   F9 Oja (subspace)
 *   Every theta is also MP_PARAM_PER_SYNAPSE: given as an array (n_post x
 *   n_pre), theta_r,jk takes the place of theta_r in W_jk's update, through
 *   the plain evaluation of pool_syn.h (the fused path keeps its bits).
 *
 * Errors. Terms that read an error vector need it: e_post for F0, F2, F5,
 * F7, F8; e_pre for F1, F2, F4, F6, F7, F8. In a network without a loss
 * (e_pre / e_post NULL) those coefficients must be 0, else step returns
 * MP_RULE_BUG with a message. F3 and F9 need no error. Returns
 * MP_RULE_BLOWUP when a weight becomes NaN or infinite.
 *
 * References
 *   Shervani-Tabar N, Rosenbaum R (2023). Meta-learning biologically
 *     plausible plasticity rules with random feedback pathways. Nat Commun
 *     14:1805. Methods 4.2, eqs. 14-23.
 *   Oja E (1989). Neural networks, principal components, and subspaces.
 *     Int J Neural Syst 1:61-68 (the subspace form of F9).
 */
#include <math.h>
#include <stddef.h>

#include "metaplast/rule.h"

/* Kernels are compiled for AVX-512, AVX2 and baseline x86-64 and picked at
 * load time. No FMA contraction (-ffp-contract=off, set for every target by
 * CMakeLists.txt) and no reductions in them: bit-identical on every path. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&        \
    defined(__linux__) && !defined(MP_NO_TARGET_CLONES)
#define MP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MP_CLONES
#endif

enum { P_T0, P_T1, P_T2, P_T3, P_T4, P_T5, P_T6, P_T7, P_T8, P_T9, N_PARAMS };

#define COEF(name, def, doc)                                                   \
    {name, "1", doc, def, -HUGE_VAL, HUGE_VAL, MP_PARAM_COEF | MP_PARAM_PER_SYNAPSE}
static const mp_param_desc params[N_PARAMS] = {
    COEF("theta0", 1e-3, "F0 = -e_post y_pre^T (pseudo-gradient)"),
    COEF("theta1", 0.0, "F1 = -y_post e_pre^T"),
    COEF("theta2", 0.0, "F2 = -e_post e_pre^T (eHebb)"),
    COEF("theta3", 0.0, "F3 = -W (weight decay)"),
    COEF("theta4", 0.0, "F4 = -1 e_pre^T"),
    COEF("theta5", 0.0, "F5 = -(sum y_post) e_post y_pre^T"),
    COEF("theta6", 0.0, "F6 = -(y_post^T W e_pre) y_post e_pre^T"),
    COEF("theta7", 0.0, "F7 = -(y_post^T W e_pre) e_post y_pre^T"),
    COEF("theta8", 0.0, "F8 = -(e_post^T W y_pre) y_post e_pre^T"),
    COEF("theta9", 0.0, "F9 = y_post (y_pre - W^T y_post)^T (Oja, subspace)"),
};

/* ---- kernels ------------------------------------------------------------ */

/* 1 when r is NaN or infinite (r - r is then NaN), else 0. */
#define NONFINITE(r) ((r) - (r) != 0.0)

#include "pool_syn.h" /* the per-synapse path */

/* Row updates w[k] <- EXPR for k < n; returns nonzero if a result is not
 * finite. a0..a2 multiply v0..v2; g scales the old weight. */
#define ROW_KERNEL(NAME, EXPR)                                                 \
    static MP_CLONES int NAME(double *restrict w, uint32_t n, double g,        \
                              double a0, const double *restrict v0, double a1, \
                              const double *restrict v1, double a2,            \
                              const double *restrict v2)                       \
    {                                                                          \
        (void)g, (void)a0, (void)v0, (void)a1, (void)v1, (void)a2, (void)v2;   \
        int bad = 0;                                                           \
        for (uint32_t k = 0; k < n; k++) {                                     \
            double r = (EXPR);                                                 \
            w[k] = r;                                                          \
            bad |= NONFINITE(r);                                               \
        }                                                                      \
        return bad;                                                            \
    }
ROW_KERNEL(row_g0, g * w[k])
ROW_KERNEL(row_1, w[k] + a0 * v0[k])
ROW_KERNEL(row_g1, g * w[k] + a0 * v0[k])
ROW_KERNEL(row_2, w[k] + a0 * v0[k] + a1 * v1[k])
ROW_KERNEL(row_g2, g * w[k] + a0 * v0[k] + a1 * v1[k])
ROW_KERNEL(row_3, w[k] + a0 * v0[k] + a1 * v1[k] + a2 * v2[k])
ROW_KERNEL(row_g3, g * w[k] + a0 * v0[k] + a1 * v1[k] + a2 * v2[k])

typedef int (*row_fn)(double *restrict, uint32_t, double, double,
                      const double *restrict, double, const double *restrict,
                      double, const double *restrict);

/* u += a w (one row of W^T y). */
static MP_CLONES void axpy(double *restrict u, uint32_t n, double a,
                           const double *restrict w)
{
    for (uint32_t k = 0; k < n; k++)
        u[k] += a * w[k];
}

/* u += a w, v += b w (one row of W^T y and W^T e in the same sweep). */
static MP_CLONES void axpy2(double *restrict u, double *restrict v, uint32_t n,
                            double a, double b, const double *restrict w)
{
    for (uint32_t k = 0; k < n; k++) {
        u[k] += a * w[k];
        v[k] += b * w[k];
    }
}

/* ---- the rule ------------------------------------------------------------ */

/* The terms that read an error vector need it: e_post for F0, F2, F5, F7,
 * F8; e_pre for F1, F2, F4, F6, F7, F8. */
static const int needs_post[] = {P_T0, P_T2, P_T5, P_T7, P_T8};
static const int needs_pre[] = {P_T1, P_T2, P_T4, P_T6, P_T7, P_T8};

static uint32_t pool_needs(const double *th)
{
    uint32_t need = 0;
    for (size_t i = 0; i < sizeof needs_post / sizeof *needs_post; i++)
        if (th[needs_post[i]] != 0.0)
            need |= MP_NEED_E_POST;
    for (size_t i = 0; i < sizeof needs_pre / sizeof *needs_pre; i++)
        if (th[needs_pre[i]] != 0.0)
            need |= MP_NEED_E_PRE;
    return need;
}

static int refuse(const mp_rate_io *io, int r, double th, const char *vec)
{
    if (io->c.api)
        io->c.api->error(io->c.host,
                       "theta%d = %g needs %s, but %s is NULL (a network "
                       "without a loss); set theta%d to 0",
                       r, th, vec, vec, r);
    return MP_RULE_BUG;
}

static int pool_step(const mp_rate_io *io)
{
    if (pool_has_arrays(&io->c) && io->c.n_pre && io->c.n_post)
        return pool_step_syn(io);
    const double *th = io->c.p;
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    const double *x = io->y_pre, *y = io->y_post;
    const double *f = io->e_pre, *e = io->e_post;

    if (n == 0 || m == 0)
        return MP_RULE_OK; /* nothing to update; the vectors may be NULL */
    /* error vectors the nonzero terms read (the host checked pool_needs at
     * load; a meta-layer may have changed theta since) */
    if (!e)
        for (size_t i = 0; i < sizeof needs_post / sizeof *needs_post; i++)
            if (th[needs_post[i]] != 0.0)
                return refuse(io, needs_post[i], th[needs_post[i]], "e_post");
    if (!f)
        for (size_t i = 0; i < sizeof needs_pre / sizeof *needs_pre; i++)
            if (th[needs_pre[i]] != 0.0)
                return refuse(io, needs_pre[i], th[needs_pre[i]], "e_pre");

    double *W = io->W;
    const int need_u = th[P_T6] != 0.0 || th[P_T7] != 0.0 || th[P_T9] != 0.0;
    const int need_v = th[P_T8] != 0.0;
    double *u = NULL, *v = NULL;
    double s6 = 0.0, s8 = 0.0;
    if (need_u || need_v) {
        if (!io->c.scratch) {
            if (io->c.api)
                io->c.api->error(io->c.host, "no scratch block (2 n_pre doubles) "
                                         "was allocated");
            return MP_RULE_BUG;
        }
        u = io->c.scratch;
        v = io->c.scratch + n;
        /* pass 1: u = W^T y, v = W^T e */
        if (need_u)
            for (uint32_t k = 0; k < n; k++)
                u[k] = 0.0;
        if (need_v)
            for (uint32_t k = 0; k < n; k++)
                v[k] = 0.0;
        for (uint32_t j = 0; j < m; j++) {
            const double *wj = W + (size_t)j * n;
            if (need_u && need_v)
                axpy2(u, v, n, y[j], e[j], wj);
            else if (need_u)
                axpy(u, n, y[j], wj);
            else
                axpy(v, n, e[j], wj);
        }
        if (th[P_T6] != 0.0 || th[P_T7] != 0.0)
            for (uint32_t k = 0; k < n; k++)
                s6 += u[k] * f[k];
        if (need_v)
            for (uint32_t k = 0; k < n; k++)
                s8 += v[k] * x[k];
        if (th[P_T9] != 0.0)
            for (uint32_t k = 0; k < n; k++)
                u[k] = x[k] - u[k]; /* d = y_pre - W^T y_post */
    }

    double sum_y = 0.0;
    if (th[P_T5] != 0.0)
        for (uint32_t j = 0; j < m; j++)
            sum_y += y[j];
    /* the scalar factors of the three groups; a term whose theta is 0 is
     * left out, not multiplied by 0 (its vectors may be NULL) */
    const double t0 = th[P_T0], t1 = th[P_T1], t2 = th[P_T2], t4 = th[P_T4];
    const double t5 = th[P_T5], t6 = th[P_T6], t7 = th[P_T7], t8 = th[P_T8];
    const double t9 = th[P_T9];
    const int use_a = t0 != 0.0 || t5 != 0.0 || t7 != 0.0;
    const int use_b = t1 != 0.0 || t2 != 0.0 || t4 != 0.0 || t6 != 0.0 ||
                      t8 != 0.0;
    const int use_c = t9 != 0.0;
    const int use_by = t1 != 0.0 || t6 != 0.0 || t8 != 0.0;
    double alpha = t0, beta = t1;
    if (t5 != 0.0)
        alpha += t5 * sum_y;
    if (t7 != 0.0)
        alpha += t7 * s6;
    if (t6 != 0.0)
        beta += t6 * s6;
    if (t8 != 0.0)
        beta += t8 * s8;
    const int use_g = th[P_T3] != 0.0;
    const double g = 1.0 - th[P_T3];

    /* slots: the active right vectors in the order x, f, d */
    const double *vec[3] = {NULL, NULL, NULL};
    int kind[3] = {0, 0, 0};
    int nt = 0;
    if (use_a)
        vec[nt] = x, kind[nt++] = 0;
    if (use_b)
        vec[nt] = f, kind[nt++] = 1;
    if (use_c)
        vec[nt] = u, kind[nt++] = 2;
    static const row_fn table[2][4] = {{NULL, row_1, row_2, row_3},
                                       {row_g0, row_g1, row_g2, row_g3}};
    const row_fn fn = table[use_g][nt];
    if (!fn)
        return MP_RULE_OK; /* every coefficient is zero */

    /* pass 2 */
    int bad = 0;
    for (uint32_t j = 0; j < m; j++) {
        double c[3] = {0.0, 0.0, 0.0}, coef[3];
        if (use_a)
            c[0] = -(alpha * e[j]);
        if (use_b) {
            double b = use_by ? beta * y[j] : 0.0;
            if (t2 != 0.0)
                b += t2 * e[j];
            c[1] = -(b + t4);
        }
        if (use_c)
            c[2] = t9 * y[j];
        for (int t = 0; t < 3; t++)
            coef[t] = c[kind[t]];
        bad |= fn(W + (size_t)j * n, n, g, coef[0], vec[0], coef[1], vec[1],
                  coef[2], vec[2]);
    }
    return bad ? MP_RULE_BLOWUP : MP_RULE_OK;
}


/* ---- reverse mode (step_vjp) -------------------------------------
 * W' = (1 - t3) W + A x^T + B f^T + C d^T with, as in the forward pass,
 *   A = -alpha e, alpha = t0 + t5 sum(y) + t7 s6
 *   B = -(beta y + t2 e + t4 1), beta = t1 + t6 s6 + t8 s8
 *   C = t9 y, d = x - u, u = W^T y, s6 = u . f, s8 = e^T W x.
 * With G = dL/dW' and the row sums gA = G x, gB = G f, gC = G d:
 *   gW_in += (1 - t3) G + y gu^T + gs8 e x^T,
 *     gu = -G^T C + gs6 f (u's adjoint), gs6 = t7 galpha + t6 gbeta,
 *     gs8 = t8 gbeta, galpha = -gA . e, gbeta = -gB . y
 *   g_x += G^T A + G^T C + gs8 W^T e        (d = x - u; s8 = e^T W x)
 *   g_f += G^T B + gs6 u
 *   g_y += -beta gB + t9 gC + t5 galpha 1 + W gu
 *   g_e += -alpha gA - t2 gB + gs8 W x
 *   gt0 = galpha, gt5 = galpha sum(y), gt7 = galpha s6, gt1 = gbeta,
 *   gt6 = gbeta s6, gt8 = gbeta s8, gt2 = -gB . e, gt4 = -sum(gB),
 *   gt3 = -G : W, gt9 = gC . y.
 * Three passes over W and G (u and W x; the G rows; gu), O(n_pre n_post);
 * scratch: u, gu, d (3 n_pre) and W x (n_post).
 * The row kernels are vectorized like the forward ones; their dot products
 * keep 8 partial sums combined pairwise (then the tail in order), a fixed
 * order whatever the vector width, so every clone gives the same bits. */

/* 8 doubles, elementwise IEEE operations on every ISA (AVX-512: one
 * register, AVX2: two, SSE2: four); loads and stores need only 8-byte
 * alignment. */
typedef double v8d __attribute__((vector_size(64), aligned(8)));

#define SUM8(a) ((((a)[0] + (a)[1]) + ((a)[2] + (a)[3])) + (((a)[4] + (a)[5]) + ((a)[6] + (a)[7])))
#define V8(p) (*(const v8d *)(const void *)(p))
#define V8W(p) (*(v8d *)(void *)(p))

/* pass 0, one row: u += a w; returns w . x */
static MP_CLONES double vjp_row0(double *restrict u, const double *restrict w,
                                 const double *restrict x, double a, uint32_t n)
{
    v8d r8 = {0, 0, 0, 0, 0, 0, 0, 0};
    uint32_t k = 0;
    for (; k + 8 <= n; k += 8) {
        const v8d wk = V8(w + k);
        V8W(u + k) = V8(u + k) + a * wk;
        r8 += wk * V8(x + k);
    }
    double r = SUM8(r8);
    for (; k < n; k++) {
        u[k] += a * w[k];
        r += w[k] * x[k];
    }
    return r;
}

/* pass 1, one row g of G (w of W): out = {g.x, g.f, g.d, g.w};
 * gx += A g, gf += B g, gu += C g, gin += c3 g */
static MP_CLONES void vjp_row1(const double *restrict g, const double *restrict w,
                               const double *restrict x, const double *restrict f,
                               const double *restrict d, double *restrict gx,
                               double *restrict gf, double *restrict gu,
                               double *restrict gin, uint32_t n, double A, double B,
                               double C, double c3, double *restrict out)
{
    v8d a8 = {0, 0, 0, 0, 0, 0, 0, 0}, b8 = a8, c8 = a8, w8 = a8;
    uint32_t k = 0;
    for (; k + 8 <= n; k += 8) {
        const v8d gk = V8(g + k);
        a8 += gk * V8(x + k);
        b8 += gk * V8(f + k);
        c8 += gk * V8(d + k);
        w8 += gk * V8(w + k);
        V8W(gx + k) = V8(gx + k) + A * gk;
        V8W(gf + k) = V8(gf + k) + B * gk;
        V8W(gu + k) = V8(gu + k) + C * gk;
        V8W(gin + k) = V8(gin + k) + c3 * gk;
    }
    double sa = SUM8(a8), sb = SUM8(b8), sc = SUM8(c8), sw = SUM8(w8);
    for (; k < n; k++) {
        const double gk = g[k];
        sa += gk * x[k];
        sb += gk * f[k];
        sc += gk * d[k];
        sw += gk * w[k];
        gx[k] += A * gk;
        gf[k] += B * gk;
        gu[k] += C * gk;
        gin[k] += c3 * gk;
    }
    out[0] = sa, out[1] = sb, out[2] = sc, out[3] = sw;
}

/* pass 2, one row: gin += b gu + a x, gx += a w; returns w . gu */
static MP_CLONES double vjp_row2(double *restrict gin, double *restrict gx,
                                 const double *restrict w, const double *restrict gu,
                                 const double *restrict x, double b, double a,
                                 uint32_t n)
{
    v8d q8 = {0, 0, 0, 0, 0, 0, 0, 0};
    uint32_t k = 0;
    for (; k + 8 <= n; k += 8) {
        const v8d wk = V8(w + k), guk = V8(gu + k);
        V8W(gin + k) = V8(gin + k) + (b * guk + a * V8(x + k));
        q8 += wk * guk;
        V8W(gx + k) = V8(gx + k) + a * wk;
    }
    double q = SUM8(q8);
    for (; k < n; k++) {
        gin[k] += b * gu[k] + a * x[k];
        q += w[k] * gu[k];
        gx[k] += a * w[k];
    }
    return q;
}

static size_t pool_scratch_size(const double *p, uint32_t n_pre, uint32_t n_post)
{
    (void)p;
    return 3 * (size_t)n_pre + n_post; /* u, gu, d, W x */
}

static int pool_step_vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    if (pool_has_arrays(&io->c) && io->c.scratch && io->c.n_pre && io->c.n_post)
        return pool_vjp_syn(io, adj);
    const double *gW = adj->gW;
    double *gp = adj->gp, *gW_in = adj->gW_in;
    double *gx = adj->g_y_pre, *gy = adj->g_y_post;
    double *gf = adj->g_e_pre, *ge = adj->g_e_post;
    if (!io->c.scratch) {
        if (io->c.api)
            io->c.api->error(io->c.host, "step_vjp needs the rate-network fields "
                                     "and a scratch block of 3 n_pre + n_post "
                                     "doubles");
        return MP_RULE_BUG;
    }
    const double *th = io->c.p;
    const uint32_t n = io->c.n_pre, m = io->c.n_post;
    if (n == 0 || m == 0)
        return MP_RULE_OK;
    if (!io->e_pre || !io->e_post) {
        if (io->c.api)
            io->c.api->error(io->c.host, "step_vjp needs e_pre and e_post (a "
                                     "network with a loss)");
        return MP_RULE_BUG;
    }
    const double *x = io->y_pre, *y = io->y_post;
    const double *f = io->e_pre, *e = io->e_post;
    const double *W = io->W;
    double *u = io->c.scratch, *gu = io->c.scratch + n, *d = io->c.scratch + 2 * (size_t)n;
    double *wx = io->c.scratch + 3 * (size_t)n;
    const double t0 = th[P_T0], t1 = th[P_T1], t2 = th[P_T2], t3 = th[P_T3];
    const double t4 = th[P_T4], t5 = th[P_T5], t6 = th[P_T6], t7 = th[P_T7];
    const double t8 = th[P_T8], t9 = th[P_T9];

    /* pass 0: u = W^T y, W x (rows), s8 = e^T W x */
    for (uint32_t k = 0; k < n; k++)
        u[k] = 0.0, gu[k] = 0.0;
    double s6 = 0.0, s8 = 0.0, sum_y = 0.0;
    for (uint32_t j = 0; j < m; j++) {
        wx[j] = vjp_row0(u, W + (size_t)j * n, x, y[j], n);
        s8 += e[j] * wx[j];
        sum_y += y[j];
    }
    for (uint32_t k = 0; k < n; k++) {
        s6 += u[k] * f[k];
        d[k] = x[k] - u[k];
    }
    const double alpha = t0 + t5 * sum_y + t7 * s6;
    const double beta = t1 + t6 * s6 + t8 * s8;

    /* pass 1: the rows of G */
    double galpha = 0.0, gbeta = 0.0, gt2 = 0.0, gt3 = 0.0, gt4 = 0.0,
           gt9 = 0.0;
    const double c3 = 1.0 - t3;
    for (uint32_t j = 0; j < m; j++) {
        const double A = -(alpha * e[j]);
        const double B = -(beta * y[j] + t2 * e[j] + t4);
        const double C = t9 * y[j];
        double s[4];
        vjp_row1(gW + (size_t)j * n, W + (size_t)j * n, x, f, d, gx, gf, gu,
                 gW_in + (size_t)j * n, n, A, B, C, c3, s);
        const double gA = s[0], gB = s[1], gC = s[2];
        gt3 -= s[3];
        galpha -= gA * e[j];
        ge[j] += -alpha * gA - t2 * gB;
        gbeta -= gB * y[j];
        gy[j] += -beta * gB + t9 * gC;
        gt2 -= gB * e[j];
        gt4 -= gB;
        gt9 += gC * y[j];
    }
    gp[P_T0] += galpha;
    gp[P_T1] += gbeta;
    gp[P_T2] += gt2;
    gp[P_T3] += gt3;
    gp[P_T4] += gt4;
    gp[P_T5] += galpha * sum_y;
    gp[P_T6] += gbeta * s6;
    gp[P_T7] += galpha * s6;
    gp[P_T8] += gbeta * s8;
    gp[P_T9] += gt9;
    const double gs6 = t7 * galpha + t6 * gbeta, gs8 = t8 * gbeta;
    for (uint32_t k = 0; k < n; k++) {
        gx[k] += gu[k];                  /* d = x - u */
        gu[k] = -gu[k] + gs6 * f[k];     /* u's adjoint */
        gf[k] += gs6 * u[k];             /* s6 = u . f */
    }

    /* pass 2: u = W^T y and s8 = e^T W x back to W, y, e, x */
    for (uint32_t j = 0; j < m; j++) {
        const double a = gs8 * e[j];
        const double q = vjp_row2(gW_in + (size_t)j * n, gx, W + (size_t)j * n,
                                  gu, x, y[j], a, n);
        gy[j] += q + t5 * galpha;
        ge[j] += gs8 * wx[j];
    }
    return MP_RULE_OK;
}

static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "pool",
    .version = "1.0",
    .summary = "ten-term pool sum_r theta_r F^r of Shervani-Tabar & Rosenbaum "
               "2023 (rate; fused rank-one evaluation)",
    .kind = MP_RULE_RATE,
    .params = params,
    .n_params = N_PARAMS,
    .needs = MP_NEED_E_POST | MP_NEED_E_PRE,
    .needs_of = pool_needs,
    .scratch_size = pool_scratch_size,
    .step = pool_step,
    .step_vjp = pool_step_vjp,
};

MP_RULE_DEFINE(pool, desc)
