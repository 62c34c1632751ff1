/* Exact meta-gradients with respect to array meta-parameters
 * (mp_r_episode_grad_arr, core/rate/episode.c and reverse.c): the initial
 * forward weights W_0 of every projection, the feedback weights B
 * (fixed_random, direct) and a per-synapse learning rate eta of the
 * pseudo_gradient rule on every projection, against central finite
 * differences (tests/test_grad_fd.h) of the episode loss, entry by entry.
 * A 6-5-4-3 network (hidden softplus beta = 10 and tanh), 30 online steps,
 * 8 query samples, for every feedback mode (symmetric, fixed_random,
 * direct) and both losses (cross_entropy with a softmax output, mse with a
 * sigmoid output against one-hot labels). A case passes when, for each
 * kind of array, max |g - fd| <= 1e-6 max |fd| (and max |fd| > 0).
 * Also: passing the drawn W_0 and B and a per-synapse eta equal to the
 * scalar gives the loss of the model itself, bit for bit; the sum of the
 * per-synapse gradients equals the scalar eta's gradient; the engine's
 * peak bytes grow by 2 doubles per synapse of the array. */
#include "test_rate_fixture.h"

#include <math.h>
#include <sys/resource.h>

#include "check.h"
#include "metaplast/net.h"
#include "net/seam.h"
#include "rate/episode_int.h"
#include "rate/rate_int.h"
#include "test_grad_fd.h"
#include "util/npy.h"
#include "util/util_int.h"

#define TOL 1e-6

enum { NTR = 30, NQ = 8, NDATA = NTR + NQ, DIM = 6, NOUT = 3, NP = 3 };

static const char *model_fmt =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"g\",\n"
    " \"network\": \"rate\", \"seed\": 5,\n"
    " \"training\": {\"samples\": 30, \"order\": \"sequential\", \"loss\": \"%s\",\n"
    "   \"synthetic_e0\": true},\n"
    " \"data\": {\"source\": \"npy\", \"train_inputs\": \"x.npy\", \"train_labels\": \"l.npy\"},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 6},\n"
    "  {\"name\": \"h1\", \"model\": \"rate\", \"size\": 5,\n"
    "   \"activation\": {\"type\": \"softplus\", \"beta\": 10}},\n"
    "  {\"name\": \"h2\", \"model\": \"rate\", \"size\": 4, \"activation\": \"tanh\"},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 3, \"activation\": \"%s\"}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"feedback\": %s, %s},\n"
    "  {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"h2\", \"feedback\": %s, %s},\n"
    "  {\"name\": \"w3\", \"source\": \"h2\", \"target\": \"out\", \"feedback\": %s, %s}]}\n";

static const char *RULE = "\"plasticity\": {\"rule\": \"pseudo_gradient\", "
                          "\"params\": {\"eta\": 0.05}}";

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static double u01(void)
{
    rs ^= rs >> 12, rs ^= rs << 25, rs ^= rs >> 27;
    return (double)((rs * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static void write_data(void)
{
    static double x[NDATA * DIM], lab[NDATA];
    for (size_t i = 0; i < NDATA; i++) {
        int c = (int)(u01() * NOUT) % NOUT;
        lab[i] = c;
        for (size_t k = 0; k < DIM; k++)
            x[i * DIM + k] = 0.5 * u01() + ((int)(k % NOUT) == c ? 0.5 : 0.0);
    }
    mp_error err;
    mp_error_clear(&err);
    size_t sx[2] = {NDATA, DIM}, sl[1] = {NDATA};
    CHECK_OK(mp_u_npy_write(rt_dir, "x.npy", 2, sx, x, &err));
    CHECK_OK(mp_u_npy_write(rt_dir, "l.npy", 1, sl, lab, &err));
}

static size_t tr_idx[NTR], q_idx[NQ];
static int32_t tr_lab[NTR], q_lab[NQ];

static mp_r_episode episode(const mp_model *m)
{
    const mp_dataset *d = m->data.train;
    for (size_t i = 0; i < NTR; i++)
        tr_idx[i] = (i * 7) % NTR, tr_lab[i] = d->label[tr_idx[i]];
    for (size_t i = 0; i < NQ; i++)
        q_idx[i] = NTR + i, q_lab[i] = d->label[NTR + i];
    return (mp_r_episode){d, tr_idx, tr_lab, NTR, q_idx, q_lab, NQ, 77};
}

/* The arrays of one case: values (W0, B, eta per synapse) and gradients. */
typedef struct arrays {
    const mp_model *m;
    size_t nw[NP], nb[NP];
    double *W0[NP], *B[NP], *eta[NP];
    double *gW0[NP], *gB[NP], *geta[NP];
    double gain[NP], g_gain[NP];
    double *bias[NP], *g_bias[NP];
    const double *const *p_syn[NP];
    double *const *g_syn[NP];
    mp_r_grad_arrays arr;
} arrays;

static double eval(const arrays *a, double *const *g, mp_r_grad_stats *st, int with_grads)
{
    mp_r_episode ep = episode(a->m);
    mp_r_grad_arrays arr = a->arr;
    if (!with_grads)
        arr.gW0 = arr.gB = arr.g_bias = NULL, arr.g_syn = NULL, arr.g_gain = NULL;
    double l = NAN;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_r_episode_grad_arr(a->m, NULL, &arr, &ep, &l, NULL, (double **)g, 0, st,
                                   &err);
    CHECK_(rc == MP_OK, "episode: %s", err.text);
    return l;
}

static double loss_fn(void *ctx)
{
    return eval(ctx, NULL, NULL, 0);
}

/* max |g - fd| / max |fd| over the n entries of x (fd4 along each). */
static double compare(arrays *a, double *x, const double *g, size_t n, double *fmx)
{
    double dmax = 0.0;
    *fmx = 0.0;
    for (size_t i = 0; i < n; i++) {
        double fd = fd4(loss_fn, a, &x[i]);
        dmax = fmax(dmax, fabs(g[i] - fd));
        *fmx = fmax(*fmx, fabs(fd));
    }
    return *fmx > 0 ? dmax / *fmx : dmax;
}

static double worst;
static int n_cases;

/* Through the seam (core/net/seam.h) on a reused net: the arrays set with
 * mp_seam_set_array and a reset give the engine's loss (mp_seam_episode,
 * the forward kernel on the reset net) and its gradients
 * (mp_seam_episode_grad_arrays), bit for bit; set back to NULL, the
 * model's own loss; the refusals name what was expected. */
static void seam_case(arrays *a, const char *fb, double l_engine, double l_model)
{
    mp_error err;
    mp_error_clear(&err);
    mp_net *net = NULL;
    CHECK_OK(mp_net_new(a->m, 3, &net, &err));
    if (!net)
        return;
    for (size_t j = 0; j < NP; j++) {
        CHECK_OK(mp_seam_set_array(net, MP_SEAM_W0, j, 0, a->W0[j], a->nw[j], &err));
        if (a->nb[j])
            CHECK_OK(mp_seam_set_array(net, MP_SEAM_B, j, 0, a->B[j], a->nb[j], &err));
        CHECK_OK(mp_seam_set_array(net, MP_SEAM_PARAM, j, 0, a->eta[j], a->nw[j], &err));
        CHECK_OK(mp_seam_set_array(net, MP_SEAM_GAIN, j, 0, &a->gain[j], 1, &err));
        CHECK_OK(mp_seam_set_array(net, MP_SEAM_BIAS, j, 0, a->bias[j], 5 - j, &err));
    }
    mp_r_episode ep = episode(a->m);
    double l = NAN, acc = NAN;
    CHECK_(mp_seam_episode(net, &ep, &l, &acc, NULL, 0, NULL, &err) == MP_EINVAL,
           "%s: an episode before the reset", fb);
    mp_error_clear(&err);
    CHECK_OK(mp_seam_reset(net, 77, &err));
    CHECK_OK(mp_seam_episode(net, &ep, &l, &acc, NULL, 0, NULL, &err));
    CHECK_(l == l_engine, "%s: seam episode %.17g != engine %.17g", fb, l, l_engine);
    double *g[3][3];
    for (size_t j = 0; j < NP; j++) {
        g[0][j] = calloc(a->nw[j], sizeof(double));
        g[1][j] = a->nb[j] ? calloc(a->nb[j], sizeof(double)) : NULL;
        g[2][j] = calloc(a->nw[j], sizeof(double));
    }
    double *const gs[3][1] = {{g[2][0]}, {g[2][1]}, {g[2][2]}};
    double *const *gsyn[3] = {gs[0], gs[1], gs[2]};
    double gg[NP], gb[NP][5], *gbp[NP] = {gb[0], gb[1], gb[2]};
    const mp_seam_array_grads ag = {g[0], g[1], gsyn, gg, gbp};
    CHECK_OK(mp_seam_reset(net, 77, &err));
    CHECK_OK(mp_seam_episode_grad_arrays(net, NULL, &ag, &ep, &l, NULL, NULL, &err));
    CHECK_(l == l_engine, "%s: seam gradient episode %.17g != engine %.17g", fb, l,
           l_engine);
    for (size_t j = 0; j < NP; j++) {
        CHECK(memcmp(g[0][j], a->gW0[j], a->nw[j] * sizeof(double)) == 0);
        CHECK(!a->nb[j] || memcmp(g[1][j], a->gB[j], a->nb[j] * sizeof(double)) == 0);
        CHECK(memcmp(g[2][j], a->geta[j], a->nw[j] * sizeof(double)) == 0);
        CHECK(gg[j] == a->g_gain[j]);
        CHECK(memcmp(gb[j], a->g_bias[j], (5 - j) * sizeof(double)) == 0);
    }
    for (size_t j = 0; j < NP; j++) {
        CHECK_OK(mp_seam_set_array(net, MP_SEAM_W0, j, 0, NULL, 0, &err));
        if (a->nb[j])
            CHECK_OK(mp_seam_set_array(net, MP_SEAM_B, j, 0, NULL, 0, &err));
        CHECK_OK(mp_seam_set_array(net, MP_SEAM_PARAM, j, 0, NULL, 0, &err));
        CHECK_OK(mp_seam_set_array(net, MP_SEAM_GAIN, j, 0, NULL, 1, &err));
        CHECK_OK(mp_seam_set_array(net, MP_SEAM_BIAS, j, 0, NULL, 0, &err));
    }
    CHECK_OK(mp_seam_reset(net, 77, &err));
    CHECK_OK(mp_seam_episode(net, &ep, &l, &acc, NULL, 0, NULL, &err));
    CHECK_(l == l_model, "%s: arrays dropped: %.17g != model's %.17g", fb, l, l_model);
    /* refusals */
    mp_error_clear(&err);
    CHECK_EQ(mp_seam_set_array(net, MP_SEAM_W0, 0, 0, a->W0[0], a->nw[0] - 1, &err),
             MP_EINVAL);
    CHECK_STR(err.text, "projection 'w1': weights needs 5 x 6 = 30 values, got 29");
    if (!a->nb[0]) {
        mp_error_clear(&err);
        CHECK_EQ(mp_seam_set_array(net, MP_SEAM_B, 0, 0, a->W0[0], a->nw[0], &err),
                 MP_EINVAL);
        CHECK_STR(err.text, "projection 'w1' has no feedback weights (feedback is not "
                            "fixed_random or direct)");
    }
    for (size_t j = 0; j < NP; j++)
        free(g[0][j]), free(g[1][j]), free(g[2][j]);
    mp_net_free(net);
}

static mp_model *make(const char *loss, const char *out, const char *fb, double gain)
{
    static char text[8192], f[128], rule[256];
    if (gain == 1.0)
        snprintf(f, sizeof f, "\"%s\"", fb);
    else
        snprintf(f, sizeof f, "{\"mode\": \"%s\", \"gain\": %.17g}", fb, gain);
    /* gain != 1: every projection also has the bias 0.1 */
    snprintf(rule, sizeof rule, "%s%s", gain == 1.0 ? "" : "\"bias\": 0.1, ", RULE);
    snprintf(text, sizeof text, model_fmt, loss, out, f, rule, f, rule, f, rule);
    return rt_model("g.json", text);
}

static void check_case(const char *loss, const char *out, const char *fb)
{
    mp_model *m = make(loss, out, fb, 1.0);
    CHECK(m != NULL);
    if (!m)
        return;
    mp_error err;
    mp_error_clear(&err);
    mp_r_net *net = NULL;
    CHECK_OK(mp_r_net_new(m, 77, &net, &err));
    if (!net)
        return;
    arrays a;
    memset(&a, 0, sizeof a);
    a.m = m;
    for (size_t j = 0; j < NP; j++) {
        const mp_r_proj *p = &net->P[j];
        a.nw[j] = (size_t)p->n_post * p->n_pre;
        a.nb[j] = p->B ? (size_t)p->b_rows * p->n_pre : 0;
        a.W0[j] = malloc(a.nw[j] * sizeof(double));
        a.gW0[j] = calloc(a.nw[j], sizeof(double));
        a.eta[j] = malloc(a.nw[j] * sizeof(double));
        a.geta[j] = calloc(a.nw[j], sizeof(double));
        memcpy(a.W0[j], p->W, a.nw[j] * sizeof(double));
        for (size_t i = 0; i < a.nw[j]; i++)
            a.eta[j][i] = 0.05;
        if (a.nb[j]) {
            a.B[j] = malloc(a.nb[j] * sizeof(double));
            a.gB[j] = calloc(a.nb[j], sizeof(double));
            memcpy(a.B[j], p->B, a.nb[j] * sizeof(double));
        }
        a.bias[j] = calloc(p->n_post, sizeof(double));
        a.g_bias[j] = calloc(p->n_post, sizeof(double));
        a.p_syn[j] = (const double *const *)&a.eta[j];
        a.g_syn[j] = &a.geta[j];
    }
    mp_r_net_free(net);
    for (size_t j = 0; j < NP; j++)
        a.gain[j] = 1.0;
    a.arr = (mp_r_grad_arrays){(const double *const *)a.W0, (const double *const *)a.B,
                               a.p_syn, a.gW0, a.gB, a.g_syn, a.gain, a.g_gain,
                               (const double *const *)a.bias, a.g_bias};
    char what[128];
    snprintf(what, sizeof what, "%s / %s / %s", loss, out, fb);

    /* the drawn values and eta = the scalar: the model's own loss, bit for
     * bit; the per-synapse gradients sum to the scalar's */
    mp_r_episode ep = episode(m);
    double l_model = NAN, gs[NP][1], *gsp[NP] = {gs[0], gs[1], gs[2]};
    mp_r_grad_stats st0, st1;
    CHECK_OK(mp_r_episode_grad_ex(m, NULL, &ep, &l_model, NULL, gsp, 0, &st0, &err));
    double l_arr = eval(&a, NULL, &st1, 1);
    CHECK_(l_arr == l_model, "%s: loss with the drawn arrays %.17g != model's %.17g",
           what, l_arr, l_model);
    for (size_t j = 0; j < NP; j++) {
        double sum = 0.0;
        for (size_t i = 0; i < a.nw[j]; i++)
            sum += a.geta[j][i];
        CHECK_(fabs(sum - gs[j][0]) <= 1e-12 * fabs(gs[j][0]) + 1e-15,
               "%s: sum of d/d eta[j][s] %.17g != d/d eta %.17g", what, sum, gs[j][0]);
    }
    size_t extra = 0;
    for (size_t j = 0; j < NP; j++)
        extra += 2 * a.nw[j] * sizeof(double);
    CHECK_(st1.engine_bytes == st0.engine_bytes + extra, "%s: engine bytes %zu, %zu + %zu",
           what, st1.engine_bytes, st0.engine_bytes, extra);

    /* a point away from the draws: eta varies per synapse, the feedback
     * gains are not 1; the model with those gains (feedback.gain) gives the
     * same loss, bit for bit */
    for (size_t j = 0; j < NP; j++)
        for (size_t i = 0; i < a.nw[j]; i++)
            a.eta[j][i] = 0.03 + 0.04 * u01();
    for (size_t j = 0; j < NP; j++) {
        a.gain[j] = 0.8;
        for (size_t i = 0; i < a.nw[j] / (j == 0 ? 6 : j == 1 ? 5 : 4); i++)
            a.bias[j][i] = 0.2 * u01() - 0.1;
    }
    {
        mp_model *mg = make(loss, out, fb, 0.8);
        double *eta0[NP] = {NULL, NULL, NULL};
        const double *const *ps0[NP] = {(const double *const *)&eta0[0],
                                        (const double *const *)&eta0[1],
                                        (const double *const *)&eta0[2]};
        mp_r_grad_arrays ag = {(const double *const *)a.W0, (const double *const *)a.B,
                               ps0, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
        mp_r_grad_arrays aa = ag;
        aa.gain = a.gain;
        double b01[NP][5];
        const double *bp[NP] = {b01[0], b01[1], b01[2]};
        for (size_t j = 0; j < NP; j++)
            for (size_t i = 0; i < 5; i++)
                b01[j][i] = 0.1;
        aa.bias = bp;
        double lm = NAN, la = NAN;
        mp_r_episode epg = episode(mg);
        CHECK_OK(mp_r_episode_grad_arr(mg, NULL, &ag, &epg, &lm, NULL, NULL, 0, NULL, &err));
        CHECK_OK(mp_r_episode_grad_arr(m, NULL, &aa, &ep, &la, NULL, NULL, 0, NULL, &err));
        CHECK_(lm == la && lm != l_model, "%s: feedback.gain 0.8 and bias 0.1 %.17g, "
               "arrays %.17g",
               what, lm, la);
        mp_model_free(mg);
    }
    double l = eval(&a, NULL, NULL, 1);
    double rw = 0, rb = 0, re = 0, fw = 0, fb_ = 0, fe = 0, f;
    double rg = compare(&a, a.gain, a.g_gain, NP, &f), fg = f, rbi = 0, fbi = 0;
    for (size_t j = 0; j < NP; j++) {
        double r = compare(&a, a.bias[j], a.g_bias[j], j == 0 ? 5 : j == 1 ? 4 : 3, &f);
        rbi = fmax(rbi, r), fbi = fmax(fbi, f);
    }
    CHECK_(rbi < TOL && fbi > 0, "%s: bias rel err %.3g (max |fd| %.3g)", what, rbi, fbi);
    for (size_t j = 0; j < NP; j++) {
        double r = compare(&a, a.W0[j], a.gW0[j], a.nw[j], &f);
        rw = fmax(rw, r), fw = fmax(fw, f);
        r = compare(&a, a.eta[j], a.geta[j], a.nw[j], &f);
        re = fmax(re, r), fe = fmax(fe, f);
        if (a.nb[j]) {
            r = compare(&a, a.B[j], a.gB[j], a.nb[j], &f);
            rb = fmax(rb, r), fb_ = fmax(fb_, f);
        }
    }
    CHECK_(rw < TOL && fw > 0, "%s: W0 rel err %.3g (max |fd| %.3g)", what, rw, fw);
    CHECK_(re < TOL && fe > 0, "%s: eta rel err %.3g (max |fd| %.3g)", what, re, fe);
    CHECK_(rg < TOL && fg > 0, "%s: gain rel err %.3g (max |fd| %.3g)", what, rg, fg);
    if (strcmp(fb, "symmetric") != 0)
        CHECK_(rb < TOL && fb_ > 0, "%s: B rel err %.3g (max |fd| %.3g)", what, rb, fb_);
    /* the engine's loss at this point (l is it) through the seam */
    seam_case(&a, fb, l, l_model);
    printf("  %-37s loss %.6f  rel err W0 %.0e B %.0e eta %.0e gain %.0e bias %.0e\n",
           what, l, rw, rb, re, rg, rbi);
    worst = fmax(fmax(worst, fmax(rg, rbi)), fmax(rw, fmax(rb, re)));
    n_cases++;
    for (size_t j = 0; j < NP; j++) {
        free(a.W0[j]), free(a.gW0[j]), free(a.eta[j]), free(a.geta[j]);
        free(a.B[j]), free(a.gB[j]), free(a.bias[j]), free(a.g_bias[j]);
    }
    mp_model_free(m);
}

/* ---- bounded memory with a 10^5-entry per-synapse array ------------------- */

enum { BIG_IN = 400, BIG_H = 256, BIG_OUT = 10, BIG_T = 64, BIG_Q = 16 };

static const char *big_fmt =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"big\",\n"
    " \"network\": \"rate\", \"seed\": 5,\n"
    " \"training\": {\"samples\": 64, \"order\": \"sequential\", \"loss\": \"cross_entropy\"},\n"
    " \"data\": {\"source\": \"npy\", \"train_inputs\": \"xb.npy\", \"train_labels\": \"lb.npy\"},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 400},\n"
    "  {\"name\": \"h1\", \"model\": \"rate\", \"size\": 256,\n"
    "   \"activation\": {\"type\": \"softplus\", \"beta\": 10}},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 10, \"activation\": \"softmax\"}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"feedback\": \"fixed_random\",\n"
    "   %s},\n"
    "  {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"out\", \"feedback\": \"fixed_random\"}]}\n";

static long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void memory_case(void)
{
    enum { N = BIG_T + BIG_Q };
    static double x[N * BIG_IN], lab[N];
    for (size_t i = 0; i < N; i++) {
        lab[i] = (double)(i % BIG_OUT);
        for (size_t k = 0; k < BIG_IN; k++)
            x[i * BIG_IN + k] = 0.3 * u01() + (k % BIG_OUT == i % BIG_OUT ? 0.2 : 0.0);
    }
    mp_error err;
    mp_error_clear(&err);
    size_t sx[2] = {N, BIG_IN}, sl[1] = {N};
    CHECK_OK(mp_u_npy_write(rt_dir, "xb.npy", 2, sx, x, &err));
    CHECK_OK(mp_u_npy_write(rt_dir, "lb.npy", 1, sl, lab, &err));
    static char text[4096];
    snprintf(text, sizeof text, big_fmt, RULE);
    mp_model *m = rt_model("big.json", text);
    CHECK(m != NULL);
    if (!m)
        return;
    const mp_dataset *d = m->data.train;
    static size_t ti[BIG_T], qi[BIG_Q];
    static int32_t tl[BIG_T], ql[BIG_Q];
    for (size_t i = 0; i < BIG_T; i++)
        ti[i] = i, tl[i] = d->label[i];
    for (size_t i = 0; i < BIG_Q; i++)
        qi[i] = BIG_T + i, ql[i] = d->label[BIG_T + i];
    mp_r_episode ep = {d, ti, tl, BIG_T, qi, ql, BIG_Q, 9};
    const size_t ns = (size_t)BIG_H * BIG_IN;
    double *eta = malloc(ns * sizeof(double)), *geta = calloc(ns, sizeof(double));
    for (size_t i = 0; i < ns; i++)
        eta[i] = 0.05;
    const double *const ps0[1] = {eta};
    double *const gs0[1] = {geta};
    const double *const *p_syn[2] = {ps0, NULL};
    double *const *g_syn[2] = {gs0, NULL};
    mp_r_grad_arrays arr = {NULL, NULL, p_syn, NULL, NULL, g_syn, NULL, NULL, NULL, NULL};
    long rss1 = 0;
    double l0 = NAN, l = NAN;
    mp_r_grad_stats st;
    memset(&st, 0, sizeof st);
    for (int it = 0; it < 5; it++) {
        CHECK_OK(mp_r_episode_grad_arr(m, NULL, &arr, &ep, &l, NULL, NULL, 0, &st, &err));
        double gn = 0.0;
        for (size_t i = 0; i < ns; i++)
            gn += geta[i] * geta[i];
        gn = sqrt(gn);
        for (size_t i = 0; i < ns && gn > 0; i++)
            eta[i] -= 0.01 * geta[i] / gn; /* a normalized gradient step */
        if (it == 0)
            l0 = l, rss1 = max_rss_kb();
    }
    const size_t nW = ns + (size_t)BIG_OUT * BIG_H, nB = nW;
    const size_t K = 8, nck = 8, nN = BIG_IN + BIG_H + BIG_OUT;
    const size_t lead = 8 * (nW * (nck + K + 3) + nB + 2 * ns + (4 * K + 6) * nN);
    long rss5 = max_rss_kb();
    printf("  memory: %zu synapses with a per-synapse eta (%zu weights), T=%d, K=%zu:\n"
           "    engine peak %.2f MB (formula's leading terms %.2f MB); process max RSS\n"
           "    %.1f MB after 1 iteration, %.1f MB after 5; loss %.6f -> %.6f\n",
           ns, nW, BIG_T, st.checkpoint_every, (double)st.engine_bytes / 1e6,
           (double)lead / 1e6, (double)rss1 / 1e3, (double)rss5 / 1e3, l0, l);
    CHECK_EQ(st.checkpoint_every, K);
    CHECK_(st.engine_bytes >= lead && st.engine_bytes <= lead + 8 * (K * BIG_OUT + 3 * BIG_IN + 4 * BIG_H + 64),
           "engine bytes %zu, formula %zu", st.engine_bytes, lead);
#ifndef __SANITIZE_ADDRESS__ /* ASan's quarantine keeps freed blocks resident */
    CHECK_(rss5 - rss1 < 1024, "max RSS grew from %ld to %ld kB", rss1, rss5);
#endif
    free(eta);
    free(geta);
    mp_model_free(m);
}

int main(void)
{
    rt_mkdir("gradarr");
    write_data();
    if (!rt_have_plugin("pseudo_gradient")) {
        fprintf(stderr, "the pseudo_gradient plugin is not in METAPLAST_PLUGIN_PATH\n");
        return 1;
    }
    static const char *const FBS[3] = {"symmetric", "fixed_random", "direct"};
    for (int f = 0; f < 3; f++) {
        check_case("cross_entropy", "softmax", FBS[f]);
        check_case("mse", "sigmoid", FBS[f]);
    }
    printf("%d cases, worst relative error %.2e\n", n_cases, worst);
    memory_case();
    return CHECK_DONE();
}
