/* Feedback modes: fixed_random B is drawn once, differs from W and stays
 * fixed while W learns; direct (DFA) B has shape n_L x n_pre and gives
 * e_l = (B^T e_L) . f'; the alignment recorder reads 0 degrees in every
 * layer under symmetric feedback and more than 0 under fixed_random. */
#include <math.h>

#include "check.h"
#include "test_rate_fixture.h"

static const char *model_fmt =
    "{\"format\": \"metaplast-model\", \"version\": 1, \"name\": \"fb\",\n"
    " \"network\": \"rate\", \"seed\": 11,\n"
    " \"training\": {\"samples\": 20},\n"
    " \"data\": {\"source\": \"idx\", \"train_images\": \"tr-images.idx\",\n"
    "   \"train_labels\": \"tr-labels.idx\", \"test_images\": \"te-images.idx\",\n"
    "   \"test_labels\": \"te-labels.idx\", \"classes\": [0, 1, 2]},\n"
    " \"populations\": [\n"
    "  {\"name\": \"in\", \"model\": \"rate_input\", \"size\": 7},\n"
    "  {\"name\": \"h1\", \"model\": \"rate\", \"size\": 5, \"activation\": {\"type\": \"softplus\", \"beta\": 10}},\n"
    "  {\"name\": \"h2\", \"model\": \"rate\", \"size\": 4, \"activation\": {\"type\": \"softplus\", \"beta\": 10}},\n"
    "  {\"name\": \"out\", \"model\": \"rate\", \"size\": 3, \"activation\": \"softmax\"}],\n"
    " \"projections\": [\n"
    "  {\"name\": \"w1\", \"source\": \"in\", \"target\": \"h1\", \"feedback\": \"%s\", \"plasticity\": {\"rule\": \"%s\", \"params\": {\"eta\": 0.1}}},\n"
    "  {\"name\": \"w2\", \"source\": \"h1\", \"target\": \"h2\", \"feedback\": \"%s\", \"plasticity\": {\"rule\": \"%s\", \"params\": {\"eta\": 0.1}}},\n"
    "  {\"name\": \"w3\", \"source\": \"h2\", \"target\": \"out\", \"feedback\": \"%s\", \"plasticity\": {\"rule\": \"%s\", \"params\": {\"eta\": 0.1}}}],\n"
    " \"recorders\": [{\"type\": \"alignment\", \"every\": 10, \"test_samples\": 12, \"file\": \"align.csv\"}]}\n";

static mp_net *make(const char *mode, mp_model **m)
{
    char fx[1024], text[16384];
    rt_fixture("rate_fixture_sgd", fx, sizeof fx);
    snprintf(text, sizeof text, model_fmt, mode, fx, mode, fx, mode, fx);
    *m = rt_model("fb.json", text);
    if (!*m)
        return NULL;
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    if (mp_net_new(*m, 11, &net, &err) != MP_OK)
        return NULL;
    return net;
}

/* Max alignment angle over the rows of <rt_dir>/out/align.csv. */
static double max_angle(int *rows)
{
    char p[400], line[1024];
    snprintf(p, sizeof p, "%s/out/align.csv", rt_dir);
    FILE *f = fopen(p, "r");
    double mx = 0;
    *rows = 0;
    if (!f)
        return -1;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *s = strchr(line, ',');
        (*rows)++;
        while (s) {
            double a = strtod(s + 1, NULL);
            mx = a > mx ? a : mx;
            s = strchr(s + 1, ',');
        }
    }
    fclose(f);
    return mx;
}

static double run_alignment(const char *mode, int *rows)
{
    mp_model *m = NULL;
    mp_net *net = make(mode, &m);
    mp_error err;
    mp_error_clear(&err);
    char out[400];
    snprintf(out, sizeof out, "%s/out", rt_dir);
    CHECK(net != NULL);
    if (!net)
        return -1;
    CHECK_OK(mp_net_open_recorders(net, out, &err));
    CHECK_OK(mp_net_run(net, 0, NULL, NULL, &err));
    CHECK_OK(mp_net_close_recorders(net, &err));
    mp_net_free(net);
    mp_model_free(m);
    return max_angle(rows);
}

int main(void)
{
    rt_mkdir("fb");
    rt_write_idx("tr", 30, 7, 3, 1);
    rt_write_idx("te", 12, 7, 3, 2);
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);

    /* fixed_random: B fixed, B != W */
    mp_net *net = make("fixed_random", &m);
    CHECK(net != NULL);
    if (net) {
        mp_r_net *r = RNET(net);
        double *b0[3];
        for (int j = 0; j < 3; j++) {
            mp_r_proj *p = &r->P[j];
            size_t n = (size_t)p->n_pre * p->n_post;
            CHECK(p->B != NULL);
            CHECK_EQ(p->b_rows, p->n_post);
            b0[j] = malloc(n * sizeof(double));
            memcpy(b0[j], p->B, n * sizeof(double));
            size_t same = 0;
            for (size_t k = 0; k < n; k++)
                same += p->B[k] == p->W[k];
            CHECK_EQ(same, 0);
        }
        CHECK_OK(mp_net_run(net, 0, NULL, NULL, &err));
        for (int j = 0; j < 3; j++) {
            mp_r_proj *p = &r->P[j];
            size_t n = (size_t)p->n_pre * p->n_post;
            CHECK(memcmp(b0[j], p->B, n * sizeof(double)) == 0);
            free(b0[j]);
        }
        mp_net_free(net);
    }
    mp_model_free(m);

    /* direct: B_l is n_L x n_pre and e_l = (B_l^T e_L) . f' */
    net = make("direct", &m);
    CHECK(net != NULL);
    if (net) {
        mp_r_net *r = RNET(net);
        const mp_dataset *d = m->data.train;
        mp_r_forward(r, d->x);
        mp_r_target_label(r, d->label[0]);
        mp_r_output_error(r);
        mp_r_backward(r);
        const mp_r_layer *o = &r->L[3];
        for (int j = 0; j < 3; j++) {
            const mp_r_proj *p = &r->P[j];
            CHECK_EQ(p->b_rows, 3);
            const mp_r_layer *pre = &r->L[j];
            for (uint32_t k = 0; k < p->n_pre; k++) {
                double s = 0;
                for (uint32_t q = 0; q < 3; q++)
                    s += p->B[(size_t)q * p->n_pre + k] * o->e[q];
                double fp = 1.0 - exp(-10.0 * pre->y[k]);
                CHECK_NEAR(pre->e[k], s * fp, 1e-12, 1e-15);
            }
        }
        mp_net_free(net);
    }
    mp_model_free(m);

    int rows = 0;
    double a = run_alignment("symmetric", &rows);
    CHECK_EQ(rows, 3); /* samples_seen 0, 10, 20 */
    CHECK(a >= 0 && a < 1e-5);
    a = run_alignment("fixed_random", &rows);
    CHECK(a > 1.0);
    return CHECK_DONE();
}
