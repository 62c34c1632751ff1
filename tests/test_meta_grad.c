/* Exact meta-gradients (core/rate/episode.c) against central finite
 * differences of the meta-loss, on a 12-7-5-4 network (softplus beta = 10,
 * softmax output), 30 online steps, 8 query samples, a synthetic data set
 * made with mp_ds_new:
 *   - pool: every theta_r alone nonzero (gradient w.r.t. all ten) and all
 *     ten nonzero, for feedback symmetric, fixed_random and direct;
 *   - pseudo_gradient, ehebb, oja (both forms), a mix of rules with a static
 *     projection, sigmoid / tanh / linear hidden layers, synthetic_e0 off;
 *   - the loss with grad == NULL is bit-identical to the loss with grad, to
 *     an ordinary mp_net run of the same episode (same init_seed) and to
 *     the forward episode mp_r_episode_run (with its alignment angles);
 *   - MP_R_DETACH_SYMMETRIC changes symmetric gradients only;
 *   - refusals (relu, a rule without the extension, bad labels, checkpoints
 *     beyond the memory limit).
 * Finite differences: 4-point central stencil, h = 1e-4 (|theta| + 1e-2);
 * a case passes when max_k |g_k - fd_k| <= 1e-5 max_k |fd_k|.
 * With MP_GRAD_BENCH=1 in the environment it also times one 250-step
 * episode + gradient on the 784-170-130-100-70-10 network. */
#include "test_rate_fixture.h"

#include <math.h>
#include <sys/resource.h>
#include <time.h>

#include "check.h"
#include "rate/episode_int.h"
#include "test_grad_fd.h"
#include "util/util_int.h"

#define TOL 1e-5

static const char *model_fmt =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"g\",\n"
    " \"network\": \"rate\", \"seed\": 5,\n"
    " \"training\": {\"samples\": 30, \"order\": \"sequential\", \"synthetic_e0\": %s},\n"
    " \"data\": {\"source\": \"idx\", \"train_images\": \"tr-images.idx\",\n"
    "   \"train_labels\": \"tr-labels.idx\", \"test_images\": \"te-images.idx\",\n"
    "   \"test_labels\": \"te-labels.idx\", \"classes\": [0, 1, 2, 3]},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 12},\n"
    "  {\"name\": \"h1\", \"model\": \"rate\", \"size\": 7, \"activation\": %s},\n"
    "  {\"name\": \"h2\", \"model\": \"rate\", \"size\": 5, \"activation\": %s},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 4, \"activation\": \"softmax\"}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"feedback\": \"%s\"%s},\n"
    "  {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"h2\", \"feedback\": \"%s\"%s},\n"
    "  {\"name\": \"w3\", \"source\": \"h2\", \"target\": \"out\", \"feedback\": \"%s\"%s}]}\n";

static const char *SOFTPLUS = "{\"type\": \"softplus\", \"beta\": 10}";

static mp_model *make(const char *fb, const char *act1, const char *act2,
                      const char *synth, const char *r1, const char *r2,
                      const char *r3)
{
    static char text[16384];
    snprintf(text, sizeof text, model_fmt, synth, act1, act2, fb, r1, fb, r2, fb, r3);
    return rt_model("g.json", text);
}

/* ---- the episode ---------------------------------------------------------- */

enum { NTR = 30, NQ = 8, NDATA = NTR + NQ };
static mp_dataset *ds;
static size_t tr_idx[NTR], q_idx[NQ];
static int32_t tr_lab[NTR], q_lab[NQ];

static mp_r_episode episode(void)
{
    return (mp_r_episode){ds, tr_idx, tr_lab, NTR, q_idx, q_lab, NQ, 77};
}

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static double u01(void)
{
    rs ^= rs >> 12, rs ^= rs << 25, rs ^= rs >> 27;
    return (double)((rs * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static void make_data(void)
{
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_ds_new(NDATA, 12, 1, "synthetic", &ds, &err));
    ds->n_classes = 4;
    for (size_t i = 0; i < NDATA; i++) {
        ds->label[i] = (int32_t)(u01() * 4) % 4;
        for (size_t k = 0; k < 12; k++) /* a class-dependent pattern + noise */
            ds->x[i * 12 + k] = 0.5 * u01() + ((k % 4) == (size_t)ds->label[i] ? 0.5 : 0.0);
    }
    for (size_t i = 0; i < NTR; i++)
        tr_idx[i] = (i * 7) % NTR; /* a fixed permutation */
    for (size_t i = 0; i < NTR; i++)
        tr_lab[i] = ds->label[tr_idx[i]];
    for (size_t i = 0; i < NQ; i++)
        q_idx[i] = NTR + i, q_lab[i] = ds->label[NTR + i];
}

/* ---- finite differences ---------------------------------------------------- */

static double loss_at(const mp_model *m, double **par, unsigned flags)
{
    mp_r_episode ep = episode();
    double l = NAN;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_r_episode_grad_ex(m, (const double *const *)par, &ep, &l, NULL,
                                  NULL, flags, NULL, &err);
    CHECK_(rc == MP_OK, "episode: %s", err.text);
    return l;
}

typedef struct fd_ctx {
    const mp_model *m;
    double **par;
    unsigned flags;
} fd_ctx;

static double fd_loss(void *ctx)
{
    const fd_ctx *c = ctx;
    return loss_at(c->m, c->par, c->flags);
}

static double worst_case;

/* par[j]: the parameters of projection j (NULL: static). Compares the
 * gradient w.r.t. every coefficient of every projection with FD. */
static double check_grad(const char *what, const mp_model *m, double **par,
                         unsigned flags)
{
    double *g[3] = {NULL, NULL, NULL};
    for (int j = 0; j < 3; j++)
        if (par[j])
            g[j] = calloc(16, sizeof(double));
    mp_r_episode ep = episode();
    double l = NAN, acc = NAN;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_r_episode_grad_ex(m, (const double *const *)par, &ep, &l, &acc, g,
                                  flags, NULL, &err);
    CHECK_(rc == MP_OK, "%s: %s", what, err.text);
    double l0 = loss_at(m, par, flags);
    CHECK_(l == l0, "%s: loss with grad %.17g != without %.17g", what, l, l0);
    double dmax = 0.0, fmx = 0.0;
    fd_ctx fc = {m, par, flags};
    if (rc == MP_OK)
        CHECK_EQ(fd_compare(m, par, g, 3, fd_loss, &fc, &dmax, &fmx), 0);
    double rel = fmx > 0 ? dmax / fmx : dmax;
    CHECK_(rel < TOL && fmx > 0, "%s: max rel err %.3g (max |fd| %.3g)", what, rel, fmx);
    printf("  %-44s loss %.6f acc %.3f  max|g| %.3e  rel err %.2e\n", what, l, acc,
           fmx, rel);
    worst_case = fmax(worst_case, rel);
    for (int j = 0; j < 3; j++)
        free(g[j]);
    return rel;
}

/* ---- the cases ----------------------------------------------------------------- */

static const char *POOL = ", \"plasticity\": {\"rule\": \"pool\"}";

static void pool_cases(const char *fb)
{
    mp_model *m = make(fb, SOFTPLUS, SOFTPLUS, "true", POOL, POOL, POOL);
    CHECK(m != NULL);
    if (!m)
        return;
    /* magnitudes that change the net noticeably in 30 steps but stay tame */
    static const double mag[10] = {0.05, 0.02, 0.02, 0.01, 0.01,
                                   0.02, 0.02, 0.02, 0.02, 0.02};
    double p[3][10], *par[3] = {p[0], p[1], p[2]};
    char what[96];
    for (int r = 0; r < 10; r++) {
        memset(p, 0, sizeof p);
        for (int j = 0; j < 3; j++)
            p[j][r] = mag[r] * (r % 2 ? -1.0 : 1.0);
        snprintf(what, sizeof what, "%s pool theta%d alone", fb, r);
        check_grad(what, m, par, 0);
    }
    /* all ten nonzero, different per projection (tame in every mode) */
    for (int j = 0; j < 3; j++)
        for (int r = 0; r < 10; r++)
            p[j][r] = 0.5 * mag[r] * (0.5 + 0.1 * j + 0.05 * r) * ((r + j) % 3 ? 1.0 : -1.0);
    for (int j = 0; j < 3; j++)
        p[j][0] = 0.05 + 0.02 * j;
    snprintf(what, sizeof what, "%s pool all ten", fb);
    check_grad(what, m, par, 0);
    if (strcmp(fb, "symmetric") == 0) {
        /* detached B = W: a different (the paper's BP-baseline) gradient */
        double *g1[3], *g2[3];
        for (int j = 0; j < 3; j++)
            g1[j] = calloc(10, sizeof(double)), g2[j] = calloc(10, sizeof(double));
        mp_r_episode ep = episode();
        mp_error err;
        mp_error_clear(&err);
        double l1, l2;
        CHECK_OK(mp_r_episode_grad_ex(m, (const double *const *)par, &ep, &l1, NULL,
                                      g1, 0, NULL, &err));
        CHECK_OK(mp_r_episode_grad_ex(m, (const double *const *)par, &ep, &l2, NULL,
                                      g2, MP_R_DETACH_SYMMETRIC, NULL, &err));
        CHECK(l1 == l2);
        double diff = 0.0;
        for (int j = 0; j < 3; j++)
            for (int r = 0; r < 10; r++)
                diff = fmax(diff, fabs(g1[j][r] - g2[j][r]));
        CHECK_(diff > 0.0, "detaching B = W changed nothing");
        printf("  symmetric: max |g_exact - g_detached| = %.3e\n", diff);
        for (int j = 0; j < 3; j++)
            free(g1[j]), free(g2[j]);
    } else {
        double *g1[3], *g2[3];
        for (int j = 0; j < 3; j++)
            g1[j] = calloc(10, sizeof(double)), g2[j] = calloc(10, sizeof(double));
        mp_r_episode ep = episode();
        mp_error err;
        mp_error_clear(&err);
        double l1, l2;
        CHECK_OK(mp_r_episode_grad_ex(m, (const double *const *)par, &ep, &l1, NULL,
                                      g1, 0, NULL, &err));
        CHECK_OK(mp_r_episode_grad_ex(m, (const double *const *)par, &ep, &l2, NULL,
                                      g2, MP_R_DETACH_SYMMETRIC, NULL, &err));
        for (int j = 0; j < 3; j++)
            CHECK(memcmp(g1[j], g2[j], 10 * sizeof(double)) == 0);
        for (int j = 0; j < 3; j++)
            free(g1[j]), free(g2[j]);
    }
    mp_model_free(m);
}

/* The loss of mp_r_episode_grad == an mp_net run of the same episode. */
static void kernel_consistency(const char *fb)
{
    char r[256];
    snprintf(r, sizeof r, ", \"plasticity\": {\"rule\": \"pool\", \"params\": "
                          "{\"theta0\": 0.05, \"theta2\": 0.01, \"theta9\": 0.01}}");
    mp_model *m = make(fb, SOFTPLUS, SOFTPLUS, "true", r, r, r);
    CHECK(m != NULL);
    if (!m)
        return;
    const mp_dataset *d = m->data.train;
    size_t n = d->n < 30 ? d->n : 30;
    size_t *ti = malloc(n * sizeof *ti), qi[NQ];
    int32_t *tl = malloc(n * sizeof *tl), ql[NQ];
    for (size_t i = 0; i < n; i++)
        ti[i] = i, tl[i] = d->label[i];
    for (size_t i = 0; i < NQ; i++)
        qi[i] = (i * 3) % d->n, ql[i] = d->label[qi[i]];
    mp_r_episode ep = {d, ti, tl, n, qi, ql, NQ, 1234};
    double l = NAN, acc = NAN;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_r_episode_grad(m, NULL, &ep, &l, &acc, NULL, &err));
    mp_net *net = NULL;
    CHECK_OK(mp_net_new(m, 1234, &net, &err));
    if (net) {
        mp_r_net *rn = RNET(net);
        CHECK_OK(mp_r_train(rn, n, NULL, NULL, &err));
        double sum = 0.0;
        size_t right = 0;
        const mp_r_layer *o = &rn->L[rn->nL - 1];
        for (size_t q = 0; q < NQ; q++) {
            mp_r_forward(rn, d->x + qi[q] * d->dim);
            mp_r_target_label(rn, ql[q]);
            sum += mp_r_loss(rn);
            uint32_t best = 0;
            for (uint32_t k = 1; k < o->n; k++)
                best = o->y[k] > o->y[best] ? k : best;
            right += (int32_t)best == ql[q];
        }
        double want = sum / NQ;
        CHECK_(l == want, "%s: episode loss %.17g, mp_net %.17g", fb, l, want);
        CHECK(acc == (double)right / NQ);
        printf("  %s: episode loss %.17g == mp_net loss %.17g\n", fb, l, want);
        mp_net_free(net);
    }
    /* the meta-layer's forward episode (mp_r_episode_run): the same loss and
     * accuracy; alignment per layer, 0 at the output (one shared e_L) and
     * everywhere for symmetric feedback (e == e^BP) */
    double lr = NAN, ar = NAN, al[8];
    size_t na = 99;
    CHECK_OK(mp_r_episode_run(m, &ep, &lr, &ar, al, 8, &na, &err));
    CHECK_(lr == l && ar == acc, "%s: mp_r_episode_run loss %.17g acc %g, "
           "mp_r_episode_grad %.17g %g", fb, lr, ar, l, acc);
    CHECK_EQ(na, 4);
    for (size_t k = 0; k < na && k < 8; k++) {
        CHECK(al[k] >= 0 && al[k] <= 180);
        if (!strcmp(fb, "symmetric"))
            CHECK_NEAR(al[k], 0.0, 0, 1e-5);
    }
    CHECK_NEAR(al[3], 0.0, 0, 1e-5); /* acos of 1 - rounding */
    if (strcmp(fb, "symmetric"))
        CHECK(al[1] > 1.0);
    CHECK_OK(mp_r_episode_run(m, &ep, &lr, &ar, al, 3, &na, &err));
    CHECK_EQ(na, 0); /* more layers than max_align: none */
    free(ti);
    free(tl);
    mp_model_free(m);
}

static void rule_cases(void)
{
    const char *fbs[3] = {"symmetric", "fixed_random", "direct"};
    char what[96];
    for (int f = 0; f < 3; f++) {
        mp_model *m = make(fbs[f], SOFTPLUS, SOFTPLUS, "true",
                           ", \"plasticity\": {\"rule\": \"pseudo_gradient\"}",
                           ", \"plasticity\": {\"rule\": \"pseudo_gradient\"}",
                           ", \"plasticity\": {\"rule\": \"pseudo_gradient\"}");
        CHECK(m != NULL);
        if (m) {
            double p[3][1] = {{0.08}, {0.06}, {0.05}}, *par[3] = {p[0], p[1], p[2]};
            snprintf(what, sizeof what, "%s pseudo_gradient", fbs[f]);
            check_grad(what, m, par, 0);
            mp_model_free(m);
        }
        m = make(fbs[f], SOFTPLUS, SOFTPLUS, "true",
                 ", \"plasticity\": {\"rule\": \"ehebb\"}",
                 ", \"plasticity\": {\"rule\": \"ehebb\"}",
                 ", \"plasticity\": {\"rule\": \"ehebb\"}");
        CHECK(m != NULL);
        if (m) {
            double p[3][2] = {{0.05, 0.02}, {0.05, -0.02}, {0.04, 0.03}};
            double *par[3] = {p[0], p[1], p[2]};
            snprintf(what, sizeof what, "%s ehebb", fbs[f]);
            check_grad(what, m, par, 0);
            mp_model_free(m);
        }
    }
    for (int sub = 0; sub < 2; sub++) {
        char oja[200];
        snprintf(oja, sizeof oja,
                 ", \"plasticity\": {\"rule\": \"oja\", \"params\": {\"subspace\": %d}}",
                 sub);
        mp_model *m = make("fixed_random", SOFTPLUS, SOFTPLUS, "true", oja, oja,
                           ", \"plasticity\": {\"rule\": \"pseudo_gradient\"}");
        CHECK(m != NULL);
        if (m) {
            double p[3][2] = {{0.03, sub}, {0.04, sub}, {0.06, 0}};
            double *par[3] = {p[0], p[1], p[2]};
            snprintf(what, sizeof what, "fixed_random oja(%s) + pg out",
                     sub ? "subspace" : "per-neuron");
            check_grad(what, m, par, 0);
            mp_model_free(m);
        }
    }
    /* a mix with a static projection, other activations, no synthetic e0 */
    mp_model *m = make("fixed_random", "\"tanh\"", "\"sigmoid\"", "false", "",
                       ", \"plasticity\": {\"rule\": \"ehebb\"}", POOL);
    CHECK(m != NULL);
    if (m) {
        double p1[2] = {0.1, 0.05}, p2[10] = {0.1, 0.01, 0.02, 0.01, 0.01,
                                              0.01, 0.02, 0.01, 0.02, 0.03};
        double *par[3] = {NULL, p1, p2};
        check_grad("fixed_random static+ehebb+pool tanh/sigmoid e0 off", m, par, 0);
        mp_model_free(m);
    }
    m = make("direct", "\"linear\"", SOFTPLUS, "true", POOL, POOL,
             ", \"plasticity\": {\"rule\": \"oja\", \"params\": {\"subspace\": 1}}");
    CHECK(m != NULL);
    if (m) {
        double p0[10] = {0.03, 0.01, 0.01, 0.005, 0.005, 0.01, 0.01, 0.01, 0.01, 0.01};
        double p1[10] = {0.04, -0.01, 0.01, 0.005, -0.005, 0.01, 0.01, -0.01, 0.01, 0.01};
        double p2[2] = {0.02, 1};
        double *par[3] = {p0, p1, p2}; /* distinct arrays: FD moves one */
        check_grad("direct pool+pool+oja linear/softplus", m, par, 0);
        mp_model_free(m);
    }
}

static void refusals(void)
{
    mp_error err;
    mp_error_clear(&err);
    mp_r_episode ep = episode();
    double l;
    mp_model *m = make("fixed_random", "\"relu\"", SOFTPLUS, "true", POOL, POOL, POOL);
    if (m) {
        CHECK_EQ(mp_r_episode_grad(m, NULL, &ep, &l, NULL, NULL, &err), MP_EINVAL);
        CHECK(strstr(err.text, "relu") != NULL);
        mp_model_free(m);
    }
    mp_error_clear(&err);
    m = make("fixed_random", SOFTPLUS, SOFTPLUS, "true", POOL,
             ", \"plasticity\": {\"rule\": \"volterra\"}", POOL);
    if (m) {
        double *g[3] = {NULL, NULL, NULL};
        CHECK_EQ(mp_r_episode_grad(m, NULL, &ep, &l, NULL, g, &err), MP_EPLUGIN);
        CHECK(strstr(err.text, "volterra") != NULL);
        mp_model_free(m);
    }
    mp_error_clear(&err);
    m = make("fixed_random", SOFTPLUS, SOFTPLUS, "true", POOL, POOL, POOL);
    if (m) {
        int32_t bad = tr_lab[3];
        tr_lab[3] = 9;
        CHECK_EQ(mp_r_episode_grad(m, NULL, &ep, &l, NULL, NULL, &err), MP_EINVAL);
        CHECK_STR(err.text, "meta-gradients: train sample 3: index 21 or label 9 "
                            "out of range");
        double acc;
        mp_error_clear(&err);
        CHECK_EQ(mp_r_episode_run(m, &ep, &l, &acc, NULL, 0, NULL, &err), MP_EINVAL);
        CHECK_STR(err.text, "episode: train sample 3: index 21 or label 9 out of range");
        tr_lab[3] = bad;
        ep.n_query = 0;
        mp_error_clear(&err);
        CHECK_EQ(mp_r_episode_run(m, &ep, &l, &acc, NULL, 0, NULL, &err), MP_EINVAL);
        CHECK_STR(err.text, "episode: the episode has no query samples");
        ep.n_query = NQ;
        /* a blow-up is MP_EUNSTABLE */
        double p[10] = {50, 0, 0, 0, 0, 0, 0, 0, 0, 0}, *par[3] = {p, p, p};
        double g0[10], g1[10], g2[10], *g[3] = {g0, g1, g2};
        mp_error_clear(&err);
        int rc = mp_r_episode_grad(m, (const double *const *)par, &ep, &l, NULL, g, &err);
        CHECK_(rc == MP_EUNSTABLE || rc == MP_OK, "blow-up rc %d", rc);
        /* checkpoints beyond the memory limit: refused before the episode
         * runs, naming the episode and the bytes (the net itself fits) */
        double q[10] = {1e-3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, *qar[3] = {q, q, q};
        mp_u_set_mem_limit(8000);
        mp_error_clear(&err);
        CHECK_OK(mp_r_episode_grad(m, (const double *const *)qar, &ep, &l, NULL, NULL, &err));
        CHECK_EQ(mp_r_episode_grad(m, (const double *const *)qar, &ep, &l, NULL, g, &err),
                 MP_ENOMEM);
        printf("checkpoints refused: %s\n", err.text);
        CHECK(strstr(err.text, "meta-gradients of an episode of 30 samples (5 checkpoints "
                               "of 139 weights) needs") != NULL);
        mp_u_set_mem_limit(0);
        mp_model_free(m);
    }
}

/* ---- timing on the paper's network --------------------------------------------- */

static void bench(void)
{
    static const char *fmt =
        "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"big\",\n"
        " \"network\": \"rate\", \"seed\": 5,\n"
        " \"training\": {\"samples\": 250},\n"
        " \"data\": {\"source\": \"idx\", \"train_images\": \"bg-images.idx\",\n"
        "   \"train_labels\": \"bg-labels.idx\", \"test_images\": \"bg-images.idx\",\n"
        "   \"test_labels\": \"bg-labels.idx\", \"classes\": [0,1,2,3,4,5,6,7,8,9]},\n"
        " \"populations\": [\n"
        "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 784},\n"
        "  {\"name\": \"h1\", \"model\": \"rate\", \"size\": 170, \"activation\": %s},\n"
        "  {\"name\": \"h2\", \"model\": \"rate\", \"size\": 130, \"activation\": %s},\n"
        "  {\"name\": \"h3\", \"model\": \"rate\", \"size\": 100, \"activation\": %s},\n"
        "  {\"name\": \"h4\", \"model\": \"rate\", \"size\": 70, \"activation\": %s},\n"
        "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 10, \"activation\": \"softmax\"}],\n"
        " \"projections\": [\n"
        "  {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"feedback\": \"fixed_random\"%s},\n"
        "  {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"h2\", \"feedback\": \"fixed_random\"%s},\n"
        "  {\"name\": \"w3\", \"source\": \"h2\", \"target\": \"h3\", \"feedback\": \"fixed_random\"%s},\n"
        "  {\"name\": \"w4\", \"source\": \"h3\", \"target\": \"h4\", \"feedback\": \"fixed_random\"%s},\n"
        "  {\"name\": \"w5\", \"source\": \"h4\", \"target\": \"out\", \"feedback\": \"fixed_random\"%s}]}\n";
    rt_write_idx("bg", 300, 784, 10, 9);
    static char text[16384];
    snprintf(text, sizeof text, fmt, SOFTPLUS, SOFTPLUS, SOFTPLUS, SOFTPLUS, POOL, POOL,
             POOL, POOL, POOL);
    mp_model *m = rt_model("big.json", text);
    CHECK(m != NULL);
    if (!m)
        return;
    const mp_dataset *d = m->data.train;
    enum { T = 250, Q = 50 };
    size_t ti[T], qi[Q];
    int32_t tl[T], ql[Q];
    for (size_t i = 0; i < T; i++)
        ti[i] = i, tl[i] = d->label[i];
    for (size_t i = 0; i < Q; i++)
        qi[i] = T + i, ql[i] = d->label[T + i];
    mp_r_episode ep = {d, ti, tl, T, qi, ql, Q, 3};
    double p[10] = {1e-3, 1e-4, 1e-4, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-4};
    double *par[5] = {p, p, p, p, p}, g[5][10], *gg[5] = {g[0], g[1], g[2], g[3], g[4]};
    mp_error err;
    mp_error_clear(&err);
    double l, acc;
    struct timespec a, b, c2;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_OK(mp_r_episode_grad(m, (const double *const *)par, &ep, &l, &acc, NULL, &err));
    clock_gettime(CLOCK_MONOTONIC, &b);
    mp_r_grad_stats st;
    CHECK_OK(mp_r_episode_grad_ex(m, (const double *const *)par, &ep, &l, &acc, gg, 0,
                                  &st, &err));
    clock_gettime(CLOCK_MONOTONIC, &c2);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double tf = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
    double tg = (double)(c2.tv_sec - b.tv_sec) + 1e-9 * (double)(c2.tv_nsec - b.tv_nsec);
    printf("bench 784-170-130-100-70-10, pool (all ten terms), T=250, 50 query:\n"
           "  loss only %.3f s; loss + gradient %.3f s (%.1fx)\n"
           "  K=%zu, %zu checkpoints, %zu weight doubles (%.2f MB per copy)\n"
           "  engine peak allocation %.1f MB (storing every step would need %.1f MB "
           "for W alone); process max RSS %.1f MB\n"
           "  dL/dtheta0 of w1..w5: %.4g %.4g %.4g %.4g %.4g\n",
           tf, tg, tg / tf, st.checkpoint_every, st.n_checkpoints, st.weight_doubles,
           (double)st.weight_doubles * 8 / 1e6, (double)st.engine_bytes / 1e6,
           (double)st.weight_doubles * 8 * T / 1e6, (double)ru.ru_maxrss / 1e3, g[0][0],
           g[1][0], g[2][0], g[3][0], g[4][0]);
    mp_model_free(m);
}

int main(void)
{
    rt_mkdir("grad");
    rt_write_idx("tr", 40, 12, 4, 1);
    rt_write_idx("te", 12, 12, 4, 2);
    make_data();
    if (!rt_have_plugin("pool")) {
        fprintf(stderr, "the pool plugin is not in METAPLAST_PLUGIN_PATH\n");
        return 1;
    }
    kernel_consistency("symmetric");
    kernel_consistency("fixed_random");
    kernel_consistency("direct");
    pool_cases("symmetric");
    pool_cases("fixed_random");
    pool_cases("direct");
    rule_cases();
    refusals();
    printf("worst relative error over all cases: %.2e\n", worst_case);
    const char *b = getenv("MP_GRAD_BENCH");
    if (b && *b == '1')
        bench();
    mp_ds_free(ds);
    return CHECK_DONE();
}
