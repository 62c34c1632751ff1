/* Exact meta-gradients (core/rate/episode.c, reverse.c) of an episode
 * trained and scored with training.loss "mse", against central finite
 * differences of the episode loss, as tests/test_meta_grad.c checks the
 * cross-entropy version. A 12-7-5-4 network (hidden softplus beta = 10
 * unless said), 30 online steps, 8 query samples, data sets written as
 * .npy files and loaded through the model (data source "npy"):
 *   - targets: mse against the one-hot labels (train_labels) and against
 *     real-valued regression targets (train_targets, 4 per sample);
 *   - every feedback mode (symmetric, fixed_random, direct) and every
 *     output activation the engine supports with mse (linear, sigmoid,
 *     tanh, softplus, and softmax through its full Jacobian), the pool
 *     rule with all ten coefficients nonzero on every projection;
 *   - pseudo_gradient, ehebb and a static projection with tanh / sigmoid
 *     hidden layers and synthetic_e0 off;
 *   - the loss with grad == NULL is bit-identical to the loss with grad,
 *     to the forward episode mp_r_episode_run and to the online kernel
 *     (mp_r_train on the model's data set, then mp_r_loss on the query);
 *     the accuracy is NaN for regression targets;
 *   - refusals: a relu output, training.loss none, a data set whose target
 *     dimension is not the output size, labelled data without labels;
 *   - the meta-layer: the experiment tests/experiments/valid/mse_exact (loss
 *     "mse", exact gradients, 3-way 5-shot tasks, three free coefficients)
 *     evaluated through mp_x_evaluate against FD of its loss.
 * Finite differences: 4-point central stencil, h = 1e-4 (|theta| + 1e-2);
 * a case passes when max_k |g_k - fd_k| <= 1e-6 max_k |fd_k|. */
#include "test_rate_fixture.h"

#include <math.h>

#include "check.h"
#include "meta/meta_int.h"
#include "rate/episode_int.h"
#include "test_grad_fd.h"
#include "util/npy.h"
#include "util/util_int.h"

#define TOL 1e-6

enum { NTR = 30, NQ = 8, NDATA = NTR + NQ, DIM = 12, NOUT = 4 };

static const char *model_fmt =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"g\",\n"
    " \"network\": \"rate\", \"seed\": 5,\n"
    " \"training\": {\"samples\": 30, \"order\": \"sequential\", \"loss\": \"%s\",\n"
    "   \"synthetic_e0\": %s},\n"
    " \"data\": {\"source\": \"npy\", \"train_inputs\": \"x.npy\", \"%s\": \"%s\"},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 12},\n"
    "  {\"name\": \"h1\", \"model\": \"rate\", \"size\": 7, \"activation\": %s},\n"
    "  {\"name\": \"h2\", \"model\": \"rate\", \"size\": 5, \"activation\": %s},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 4, \"activation\": %s}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"feedback\": \"%s\"%s},\n"
    "  {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"h2\", \"feedback\": \"%s\"%s},\n"
    "  {\"name\": \"w3\", \"source\": \"h2\", \"target\": \"out\", \"feedback\": \"%s\"%s}]}\n";

static const char *SOFTPLUS = "{\"type\": \"softplus\", \"beta\": 10}";
static const char *POOL = ", \"plasticity\": {\"rule\": \"pool\"}";
static const char *POOL_SET = ", \"plasticity\": {\"rule\": \"pool\", \"params\": "
                              "{\"theta0\": 0.1, \"theta2\": 0.02, \"theta9\": 0.02}}";

static const char *POOL_OJA = ", \"plasticity\": {\"rule\": \"pool\", \"params\": "
                              "{\"theta0\": 0, \"theta9\": 0.01}}";

typedef struct spec {
    int targets; /* 1: regression targets, 0: labels */
    const char *loss, *fb, *act1, *act2, *out, *synth;
} spec;

static mp_model *make(const spec *s, const char *r1, const char *r2, const char *r3)
{
    static char text[16384];
    snprintf(text, sizeof text, model_fmt, s->loss, s->synth,
             s->targets ? "train_targets" : "train_labels", s->targets ? "t.npy" : "l.npy",
             s->act1, s->act2, s->out, s->fb, r1, s->fb, r2, s->fb, r3);
    return rt_model("g.json", text);
}

/* ---- the data: a class-dependent pattern + noise; targets in (0.1, 0.9)
 * that depend smoothly on the input (every output activation reaches
 * them) ------------------------------------------------------------------------ */

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static double u01(void)
{
    rs ^= rs >> 12, rs ^= rs << 25, rs ^= rs >> 27;
    return (double)((rs * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static void write_data(void)
{
    static double x[NDATA * DIM], lab[NDATA], t[NDATA * NOUT];
    for (size_t i = 0; i < NDATA; i++) {
        int c = (int)(u01() * 4) % 4;
        lab[i] = c;
        for (size_t k = 0; k < DIM; k++)
            x[i * DIM + k] = 0.5 * u01() + ((int)(k % 4) == c ? 0.5 : 0.0);
        for (size_t j = 0; j < NOUT; j++)
            t[i * NOUT + j] = 0.5 + 0.4 * sin(1.3 * x[i * DIM + j] - 0.7 * x[i * DIM + j + 4] +
                                              (double)j);
    }
    mp_error err;
    mp_error_clear(&err);
    size_t sx[2] = {NDATA, DIM}, sl[1] = {NDATA}, st[2] = {NDATA, NOUT};
    CHECK_OK(mp_u_npy_write(rt_dir, "x.npy", 2, sx, x, &err));
    CHECK_OK(mp_u_npy_write(rt_dir, "l.npy", 1, sl, lab, &err));
    CHECK_OK(mp_u_npy_write(rt_dir, "t.npy", 2, st, t, &err));
}

/* ---- the episode on the model's own data set -------------------------------- */

static size_t tr_idx[NTR], q_idx[NQ];
static int32_t tr_lab[NTR], q_lab[NQ];

static mp_r_episode episode(const mp_model *m)
{
    const mp_dataset *d = m->data.train;
    for (size_t i = 0; i < NTR; i++) {
        tr_idx[i] = (i * 7) % NTR; /* a fixed permutation */
        tr_lab[i] = d->label ? d->label[tr_idx[i]] : -1;
    }
    for (size_t i = 0; i < NQ; i++)
        q_idx[i] = NTR + i, q_lab[i] = d->label ? d->label[NTR + i] : -1;
    /* with targets the label arrays are not read: pass none */
    return (mp_r_episode){d,      tr_idx, d->label ? tr_lab : NULL, NTR,
                          q_idx,  d->label ? q_lab : NULL, NQ, 77};
}

static double loss_at(const mp_model *m, double **par)
{
    mp_r_episode ep = episode(m);
    double l = NAN;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_r_episode_grad(m, (const double *const *)par, &ep, &l, NULL, NULL, &err);
    CHECK_(rc == MP_OK, "episode: %s", err.text);
    return l;
}

/* The loss of the gradient engine (the model's own rule parameters) ==
 * the forward episode mp_r_episode_run == the online kernel on the same
 * samples: mp_r_train visits the model's data set in order (training.order
 * sequential), so the episode of train samples 0..NTR-1 is the run of NTR
 * samples, then mp_r_score on the query samples. */
static void consistency(const char *what, const mp_model *m)
{
    const mp_dataset *d = m->data.train;
    size_t ti[NTR];
    mp_r_episode ep = episode(m);
    for (size_t i = 0; i < NTR; i++)
        ti[i] = i, tr_lab[i] = d->label ? d->label[i] : -1;
    ep.train = ti;
    double lg = NAN, ag = NAN, lr = NAN, ar = NAN;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_r_episode_grad(m, NULL, &ep, &lg, &ag, NULL, &err));
    CHECK_OK(mp_r_episode_run(m, &ep, &lr, &ar, NULL, 0, NULL, &err));
    CHECK_(lg == lr, "%s: mp_r_episode_grad loss %.17g, mp_r_episode_run %.17g", what, lg,
           lr);
    mp_r_net *net = NULL;
    CHECK_OK(mp_r_net_new(m, ep.init_seed, &net, &err));
    if (!net)
        return;
    CHECK_OK(mp_r_train(net, NTR, NULL, NULL, &err));
    double sum = 0.0;
    size_t right = 0;
    for (size_t q = 0; q < NQ; q++)
        sum += mp_r_score(net, d, q_idx[q], d->label ? q_lab[q] : -1, &right);
    double want = sum / NQ, l0 = NAN;
    CHECK_(lg == want, "%s: episode loss %.17g, online kernel %.17g", what, lg, want);
    mp_r_net_free(net);
    if (d->label)
        CHECK(ag == (double)right / NQ && ar == ag);
    else
        CHECK_(isnan(ag) && isnan(ar), "%s: accuracy %g, %g for regression targets", what,
               ag, ar);
    /* and training moved the net: the loss differs from the untrained one */
    ep.n_train = 0;
    CHECK_OK(mp_r_episode_run(m, &ep, &l0, &ar, NULL, 0, NULL, &err));
    CHECK_(fabs(l0 - lg) > 1e-6 * fabs(l0), "%s: loss %.17g before, %.17g after training",
           what, l0, lg);
    printf("  %-52s loss %.6f == kernel's (untrained %.6f)\n", what, lg, l0);
}

typedef struct episode_ctx {
    const mp_model *m;
    double **par;
} episode_ctx;

static double episode_loss(void *ctx)
{
    const episode_ctx *c = ctx;
    return loss_at(c->m, c->par);
}

static double worst_case;
static int n_cases;

/* par[j]: the parameters of projection j (NULL: static). Compares the
 * gradient w.r.t. every coefficient of every projection with FD. */
static void check_grad(const char *what, const mp_model *m, double **par)
{
    double *g[3] = {NULL, NULL, NULL};
    for (int j = 0; j < 3; j++)
        if (par[j])
            g[j] = calloc(16, sizeof(double));
    mp_r_episode ep = episode(m);
    double l = NAN, acc = NAN;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_r_episode_grad(m, (const double *const *)par, &ep, &l, &acc, g, &err);
    CHECK_(rc == MP_OK, "%s: %s", what, err.text);
    double l0 = loss_at(m, par);
    CHECK_(l == l0, "%s: loss with grad %.17g != without %.17g", what, l, l0);
    CHECK_(m->data.train->target ? isnan(acc) : acc >= 0 && acc <= 1, "%s: accuracy %g",
           what, acc);
    double dmax = 0.0, fmx = 0.0;
    episode_ctx fc = {m, par};
    if (rc == MP_OK)
        CHECK_EQ(fd_compare(m, par, g, 3, episode_loss, &fc, &dmax, &fmx), 0);
    double rel = fmx > 0 ? dmax / fmx : dmax;
    CHECK_(rel < TOL && fmx > 0, "%s: max rel err %.3g (max |fd| %.3g)", what, rel, fmx);
    printf("  %-52s loss %.6f  max|g| %.3e  rel err %.2e\n", what, l, fmx, rel);
    worst_case = fmax(worst_case, rel);
    n_cases++;
    for (int j = 0; j < 3; j++)
        free(g[j]);
}

/* ---- the cases ---------------------------------------------------------------- */

static const char *const FBS[3] = {"symmetric", "fixed_random", "direct"};
static const char *const OUTS[5] = {"\"linear\"", "\"sigmoid\"", "\"tanh\"",
                                    "{\"type\": \"softplus\", \"beta\": 2}", "\"softmax\""};
static const char *const OUT_NAMES[5] = {"linear", "sigmoid", "tanh", "softplus", "softmax"};

/* All ten pool coefficients nonzero, different per projection. */
static void pool_params(double p[3][10], double scale)
{
    static const double mag[10] = {0.05, 0.02, 0.02, 0.01, 0.01,
                                   0.02, 0.02, 0.02, 0.02, 0.02};
    for (int j = 0; j < 3; j++)
        for (int r = 0; r < 10; r++)
            p[j][r] = scale * mag[r] * (0.5 + 0.1 * j + 0.05 * r) * ((r + j) % 3 ? 1.0 : -1.0);
    for (int j = 0; j < 3; j++)
        p[j][0] = scale * (0.1 + 0.04 * j);
}

static void pool_cases(int targets)
{
    char what[128];
    for (int f = 0; f < 3; f++)
        for (int o = 0; o < 5; o++) {
            spec s = {targets, "mse", FBS[f], SOFTPLUS, SOFTPLUS, OUTS[o], "true"};
            mp_model *m = make(&s, POOL, POOL, POOL);
            CHECK(m != NULL);
            if (!m)
                continue;
            /* the mse output error is smaller than cross-entropy's (its f'
             * factor): larger coefficients move the net as much */
            double p[3][10], *par[3] = {p[0], p[1], p[2]};
            pool_params(p, 0.25);
            snprintf(what, sizeof what, "%s %s %s out, pool all ten",
                     targets ? "targets" : "labels", FBS[f], OUT_NAMES[o]);
            check_grad(what, m, par);
            mp_model_free(m);
            m = make(&s, POOL_SET, POOL_SET, POOL_SET);
            CHECK(m != NULL);
            if (m)
                consistency(what, m);
            mp_model_free(m);
        }
}

static void rule_cases(void)
{
    for (int targets = 0; targets < 2; targets++) {
        spec s = {targets, "mse", "fixed_random", "\"tanh\"", "\"sigmoid\"", "\"linear\"",
                  "false"};
        mp_model *m = make(&s, "", ", \"plasticity\": {\"rule\": \"ehebb\"}",
                           ", \"plasticity\": {\"rule\": \"pseudo_gradient\"}");
        CHECK(m != NULL);
        if (m) {
            double p1[2] = {0.1, 0.05}, p2[1] = {0.2}, *par[3] = {NULL, p1, p2};
            check_grad(targets ? "targets static+ehebb+pg tanh/sigmoid e0 off"
                               : "labels static+ehebb+pg tanh/sigmoid e0 off",
                       m, par);
            mp_model_free(m);
        }
        s = (spec){targets, "mse", "direct", "\"linear\"", SOFTPLUS, "\"tanh\"", "true"};
        m = make(&s, ", \"plasticity\": {\"rule\": \"pseudo_gradient\"}",
                 ", \"plasticity\": {\"rule\": \"pseudo_gradient\"}",
                 ", \"plasticity\": {\"rule\": \"pseudo_gradient\"}");
        CHECK(m != NULL);
        if (m) {
            double p0[1] = {0.15}, p1[1] = {0.1}, p2[1] = {0.2}, *par[3] = {p0, p1, p2};
            check_grad(targets ? "targets direct pseudo_gradient linear/softplus"
                               : "labels direct pseudo_gradient linear/softplus",
                       m, par);
            mp_model_free(m);
        }
    }
}

/* The episode of model s on the model's data set (or on data), without
 * train labels when no_labels, with query sample 2 at bad_query when not
 * 0, is refused by mp_r_episode_grad with "meta-gradients: " why and, when
 * run_too, by mp_r_episode_run with "episode: " why. */
static void refused(const spec *s, const mp_dataset *data, int no_labels,
                    size_t bad_query, int run_too, const char *why)
{
    /* without a loss, the model loader refuses a rule that reads errors
     * (pool's default theta0: rule ABI 2.0 needs): use Oja's term alone */
    const char *rule = strcmp(s->loss, "none") == 0 ? POOL_OJA : POOL;
    mp_model *m = make(s, rule, rule, rule);
    CHECK(m != NULL);
    if (!m)
        return;
    mp_r_episode ep = episode(m);
    if (data)
        ep.data = data;
    if (no_labels)
        ep.train_label = NULL;
    if (bad_query)
        q_idx[2] = bad_query;
    mp_error err;
    mp_error_clear(&err);
    double l, acc;
    char want[512];
    CHECK_EQ(mp_r_episode_grad(m, NULL, &ep, &l, NULL, NULL, &err), MP_EINVAL);
    snprintf(want, sizeof want, "meta-gradients: %s", why);
    CHECK_STR(err.text, want);
    mp_error_clear(&err);
    if (run_too) {
        CHECK_EQ(mp_r_episode_run(m, &ep, &l, &acc, NULL, 0, NULL, &err), MP_EINVAL);
        snprintf(want, sizeof want, "episode: %s", why);
        CHECK_STR(err.text, want);
    }
    mp_model_free(m);
}

static void refusals(void)
{
    spec relu = {1, "mse", "fixed_random", SOFTPLUS, SOFTPLUS, "\"relu\"", "true"};
    refused(&relu, NULL, 0, 0, 0,
            "the output population 'out' has activation relu; supported: softmax, "
            "and with training.loss mse also softplus, linear, sigmoid, tanh");
    spec none = {1, "none", "fixed_random", SOFTPLUS, SOFTPLUS, "\"linear\"", "true"};
    refused(&none, NULL, 0, 0, 0,
            "training.loss is \"none\"; the episode needs a loss (cross_entropy or mse)");
    spec reg = {1, "mse", "fixed_random", SOFTPLUS, SOFTPLUS, "\"linear\"", "true"};
    mp_dataset *d3 = NULL; /* targets that do not fit the output layer */
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_ds_new(NDATA, DIM, 0, "three.npy", &d3, &err));
    CHECK_OK(mp_ds_add_targets(d3, 3, &err));
    refused(&reg, d3, 0, 0, 1,
            "the data set three.npy has 3 regression targets per sample, the output "
            "layer 4 neurons");
    mp_ds_free(d3);
    refused(&reg, NULL, 0, NDATA, 1, "query sample 2: index 38 out of range (the data set has 38 "
            "samples)");
    spec lab = {0, "mse", "fixed_random", SOFTPLUS, SOFTPLUS, "\"linear\"", "true"};
    refused(&lab, NULL, 1, 0, 1,
            "the train samples have no labels and the data set no regression targets");
}

typedef struct meta_ctx {
    const mp_experiment *x;
    const double *theta;
    uint64_t task;
} meta_ctx;

static double meta_loss(void *ctx)
{
    const meta_ctx *c = ctx;
    mp_x_result q;
    memset(&q, 0, sizeof q);
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_x_evaluate(c->x, c->theta, 0, c->task, &q, &err));
    return q.loss;
}

/* mp_x_evaluate of the mse_exact experiment: its exact gradient (the sum
 * over the projections sharing a free coefficient, task seeds, the copy of
 * the model carrying theta) against FD of the loss it reports. */
static void meta_layer(void)
{
    const char *src = getenv("MP_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/experiments/valid/mse_exact/experiment.json",
             src ? src : "..");
    mp_experiment *x = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_x_load(path, &x, &err));
    if (!x)
        return;
    CHECK_EQ(x->n_free, 3);
    double theta[3] = {0.05, 0.01, 0.1}, g[3] = {0, 0, 0};
    for (uint64_t task = 0; task < 2; task++) {
        mp_x_result r;
        memset(&r, 0, sizeof r);
        r.grad = g;
        CHECK_OK(mp_x_evaluate(x, theta, 0, task, &r, &err));
        CHECK(!r.blown && r.accuracy >= 0 && r.accuracy <= 1);
        double dmax = 0.0, fmx = 0.0;
        for (size_t k = 0; k < 3; k++) {
            meta_ctx fc = {x, theta, task};
            double fd = fd4(meta_loss, &fc, &theta[k]);
            dmax = fmax(dmax, fabs(g[k] - fd));
            fmx = fmax(fmx, fabs(fd));
        }
        double rel = fmx > 0 ? dmax / fmx : dmax;
        CHECK_(rel < TOL && fmx > 0, "mse_exact task %d: rel err %.3g (max |fd| %.3g)",
               (int)task, rel, fmx);
        printf("  experiment mse_exact, task %d: loss %.6f acc %.3f  rel err %.2e\n",
               (int)task, r.loss, r.accuracy, rel);
    }
    mp_x_free_experiment(x);
}

int main(void)
{
    rt_mkdir("gradmse");
    write_data();
    if (!rt_have_plugin("pool")) {
        fprintf(stderr, "the pool plugin is not in METAPLAST_PLUGIN_PATH\n");
        return 1;
    }
    pool_cases(0);
    pool_cases(1);
    rule_cases();
    refusals();
    meta_layer();
    printf("%d cases, worst relative error %.2e\n", n_cases, worst_case);
    return CHECK_DONE();
}
