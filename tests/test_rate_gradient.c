/* With symmetric feedback and the pseudo-gradient update F0 (fixture rule
 * dW = -eta e_post y_pre^T), one sample's update equals -eta times the exact
 * gradient of the loss w.r.t. every weight, checked against central finite
 * differences (five-point stencil) of the loss on a 7-5-4-3 network (softplus beta 10 hidden,
 * softmax output, cross-entropy): |dW + eta g| <= 1e-6 |eta g| + 1e-11. The
 * same for MSE with a sigmoid output. And e_0 = (W_1^T e_1) . (1 - exp(-beta x)). */
#include <math.h>

#include "check.h"
#include "test_rate_fixture.h"

static const char *model_fmt =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"grad\",\n"
    " \"network\": \"rate\", \"seed\": %d,\n"
    " \"training\": {\"samples\": 1, \"order\": \"sequential\", \"loss\": \"%s\"},\n"
    " \"data\": {\"source\": \"idx\", \"train_images\": \"tr-images.idx\",\n"
    "   \"train_labels\": \"tr-labels.idx\", \"test_images\": \"te-images.idx\",\n"
    "   \"test_labels\": \"te-labels.idx\", \"classes\": [0, 1, 2]},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 7},\n"
    "  {\"name\": \"h1\", \"model\": \"rate\", \"size\": 5, \"activation\": {\"type\": \"softplus\", \"beta\": 10}},\n"
    "  {\"name\": \"h2\", \"model\": \"rate\", \"size\": 4, \"activation\": {\"type\": \"softplus\", \"beta\": 10}},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 3, \"activation\": \"%s\"}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"weight\": {\"xavier_uniform\": {\"gain\": 2}}, \"plasticity\": {\"rule\": \"%s\", \"params\": {\"eta\": 0.5}}},\n"
    "  {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"h2\", \"weight\": {\"xavier_uniform\": {\"gain\": 2}}, \"plasticity\": {\"rule\": \"%s\", \"params\": {\"eta\": 0.5}}},\n"
    "  {\"name\": \"w3\", \"source\": \"h2\", \"target\": \"out\", \"weight\": {\"xavier_uniform\": {\"gain\": 2}}, \"plasticity\": {\"rule\": \"%s\", \"params\": {\"eta\": 0.5}}}]}\n";

static double loss_at(mp_r_net *r, const double *x, int32_t label)
{
    mp_r_forward(r, x);
    mp_r_target_label(r, label);
    return mp_r_loss(r);
}

static void check_gradient(const char *loss, const char *out_act, int seed)
{
    char fx[1024], text[16384];
    rt_fixture("rate_fixture_sgd", fx, sizeof fx);
    snprintf(text, sizeof text, model_fmt, seed, loss, out_act, fx, fx, fx);
    mp_model *m = rt_model("grad.json", text);
    CHECK(m != NULL);
    if (!m)
        return;
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, m->seed, &net, &err));
    mp_r_net *r = RNET(net);
    const mp_dataset *d = m->data.train;
    const double *x = d->x; /* sequential: sample 0 first */
    int32_t label = d->label[0];
    double *g[3], *w0[3];
    const double h = 1e-4, eta = 0.5;
    for (int j = 0; j < 3; j++) {
        mp_r_proj *p = &r->P[j];
        size_t n = (size_t)p->n_pre * p->n_post;
        g[j] = malloc(n * sizeof(double));
        w0[j] = malloc(n * sizeof(double));
        memcpy(w0[j], p->W, n * sizeof(double));
        for (size_t k = 0; k < n; k++) {
            /* five-point central stencil: truncation O(h^4), rounding
             * O(eps / h), both far below the tolerance at h = 1e-4 */
            double keep = p->W[k], l[4];
            const double off[4] = {2 * h, h, -h, -2 * h};
            for (int q = 0; q < 4; q++) {
                p->W[k] = keep + off[q];
                l[q] = loss_at(r, x, label);
            }
            p->W[k] = keep;
            g[j][k] = (-l[0] + 8 * l[1] - 8 * l[2] + l[3]) / (12 * h);
        }
    }
    CHECK_OK(mp_net_run(net, 0, NULL, NULL, &err));
    CHECK_EQ(mp_net_samples(net), 1);
    int bad = 0, nonzero = 0;
    for (int j = 0; j < 3; j++) {
        mp_r_proj *p = &r->P[j];
        size_t n = (size_t)p->n_pre * p->n_post;
        for (size_t k = 0; k < n; k++) {
            double dw = p->W[k] - w0[j][k], want = -eta * g[j][k];
            nonzero += fabs(want) > 1e-6;
            if (!(fabs(dw - want) <= 1e-6 * fabs(want) + 1e-11)) {
                if (bad++ < 5)
                    fprintf(stderr, "%s: w%d[%zu]: update %.12g, -eta*grad %.12g\n",
                            loss, j + 1, k, dw, want);
            }
        }
        free(g[j]);
        free(w0[j]);
    }
    CHECK_EQ(bad, 0);
    CHECK(nonzero > 20); /* the check is not vacuous */
    mp_net_free(net);
    mp_model_free(m);
}

/* e_0 = (W_1^T e_1) . (1 - exp(-beta y_0)) with the weights of the pass. */
static void check_e0(void)
{
    char fx[1024], text[16384];
    rt_fixture("rate_fixture_sgd", fx, sizeof fx);
    snprintf(text, sizeof text, model_fmt, 3, "cross_entropy", "softmax", fx, fx, fx);
    mp_model *m = rt_model("e0.json", text);
    CHECK(m != NULL);
    if (!m)
        return;
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_net_new(m, 3, &net, &err));
    mp_r_net *r = RNET(net);
    const mp_dataset *d = m->data.train;
    mp_r_forward(r, d->x + d->dim);
    mp_r_target_label(r, d->label[1]);
    mp_r_output_error(r);
    mp_r_backward(r);
    const mp_r_proj *p = &r->P[0];
    for (uint32_t k = 0; k < p->n_pre; k++) {
        double s = 0;
        for (uint32_t j = 0; j < p->n_post; j++)
            s += p->W[(size_t)j * p->n_pre + k] * r->L[1].e[j];
        double want = s * (1.0 - exp(-10.0 * d->x[d->dim + k]));
        CHECK_NEAR(r->L[0].e[k], want, 1e-12, 1e-15);
    }
    /* e_L = softmax - onehot */
    const mp_r_layer *o = &r->L[r->nL - 1];
    for (uint32_t i = 0; i < o->n; i++)
        CHECK_NEAR(o->e[i], o->y[i] - (i == (uint32_t)d->label[1]), 1e-15, 1e-15);
    mp_net_free(net);
    mp_model_free(m);
}

int main(void)
{
    rt_mkdir("grad");
    rt_write_idx("tr", 30, 7, 3, 1);
    rt_write_idx("te", 12, 7, 3, 2);
    check_gradient("cross_entropy", "softmax", 1);
    check_gradient("cross_entropy", "softmax", 7);
    check_gradient("mse", "sigmoid", 5);
    check_gradient("mse", "softmax", 9);
    check_e0();
    return CHECK_DONE();
}
