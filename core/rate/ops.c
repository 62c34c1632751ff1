/* The rate backend of the network front (core/net/net_int.h). */
#include "net/net_int.h"
#include "net/seam.h"
#include "rate/episode_int.h"
#include "rate/rate_int.h"
#include "stimuli/dataset_int.h"
#include "util/util_int.h"

static int r_create(const mp_model *m, uint64_t seed, void **impl, mp_error *err)
{
    mp_r_net *net = NULL;
    int rc = mp_r_net_new(m, seed, &net, err);
    *impl = net;
    return rc;
}

static void r_destroy(void *impl) { mp_r_net_free(impl); }

/* A rate net trains the rest of training.samples; duration_ms is ignored. */
static int r_run(void *impl, double ms, mp_progress_fn progress, void *user,
                 mp_error *err)
{
    (void)ms;
    mp_r_net *net = impl;
    size_t total = net->m->training.samples, seen = net->seen;
    return mp_r_train(net, total > seen ? total - seen : 0, progress, user, err);
}

static double r_time(const void *impl)
{
    (void)impl;
    return 0.0;
}

static long long r_samples(const void *impl)
{
    return (long long)((const mp_r_net *)impl)->seen;
}

/* A rate net has no spikes: no name is found. */
static long long r_spike_count(const void *impl, const char *name)
{
    (void)impl;
    (void)name;
    return -1;
}

static int r_open(void *impl, const char *outdir, mp_error *err)
{
    return mp_r_open_recorders(impl, outdir, err);
}

static int r_close(void *impl, mp_error *err) { return mp_r_close_recorders(impl, err); }

static void r_summary(void *impl, struct json_t *root, double wall)
{
    mp_r_summary_fields(impl, root, wall);
}

static int r_reset(void *impl, uint64_t seed, mp_error *err)
{
    return mp_r_net_reset(impl, seed, err);
}

static const double *r_rule_params(const void *impl, size_t j)
{
    return mp_r_net_rule_params(impl, j);
}

static int r_set_rule_params(void *impl, size_t j, const double *p, mp_error *err)
{
    return mp_r_net_set_rule_params(impl, j, p, err);
}

static int r_set_data(void *impl, const mp_dataset *train, const double *rotation,
                      mp_error *err)
{
    mp_r_net *net = impl;
    const mp_dataset *own = net->m->data.train;
    if (!train) {
        net->train = own;
        net->rotation = net->m->data.rotation;
        return MP_OK;
    }
    if (train->dim != own->dim || train->n != own->n)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "the evaluation's data set has %zu samples of dimension %zu; "
                        "the model's has %zu of dimension %zu",
                        train->n, train->dim, own->n, own->dim);
    net->train = train;
    net->rotation = rotation;
    return MP_OK;
}

static int r_episode(void *impl, const mp_r_episode *ep, double *loss, double *accuracy,
                     double *align, size_t max_align, size_t *n_align, mp_error *err)
{
    return mp_r_episode_run_net(impl, ep, loss, accuracy, align, max_align, n_align, err);
}

/* The gradient engine runs on this (reset) net itself: its arrays (W0, B,
 * bias, gain, per-synapse rule arrays) are in force from the reset, so only
 * the gradient outputs go with the call. */
static int r_episode_grad(void *impl, const double *const *params,
                          const mp_seam_array_grads *ag, const mp_r_episode *ep,
                          double *loss, double *accuracy, double **grad, mp_error *err)
{
    const mp_r_grad_arrays arr = {NULL, NULL, NULL, ag ? ag->gW0 : NULL,
                                  ag ? ag->gB : NULL, ag ? ag->g_syn : NULL,
                                  NULL, ag ? ag->g_gain : NULL,
                                  NULL, ag ? ag->g_bias : NULL};
    return mp_r_episode_grad_net(impl, params, ag ? &arr : NULL, ep, loss, accuracy, grad,
                                 err);
}

static int r_set_array(void *impl, int what, size_t j, uint32_t k, const double *v,
                       size_t n, mp_error *err)
{
    static const int map[5] = {MP_R_ARR_W0, MP_R_ARR_B, MP_R_ARR_PARAM, MP_R_ARR_GAIN,
                               MP_R_ARR_BIAS};
    return mp_r_net_set_array(impl, map[what], j, k, v, n, err);
}

static int r_get_array(const void *impl, int what, size_t j, uint32_t k, double *v,
                       size_t cap, size_t *n, mp_error *err)
{
    static const int map[5] = {MP_R_ARR_W0, MP_R_ARR_B, MP_R_ARR_PARAM, MP_R_ARR_GAIN,
                               MP_R_ARR_BIAS};
    return mp_r_net_get_array(impl, map[what], j, k, v, cap, n, err);
}

static int r_pc_distance(void *impl, size_t n_samples, size_t proj, double *dist,
                         mp_error *err)
{
    return mp_r_pc_distance_net(impl, n_samples, proj, dist, err);
}

const mp_n_ops mp_r_ops = {"rate",        r_create,        r_destroy,    r_run,
                           r_time,        r_samples,       r_spike_count, r_open,
                           r_close,       r_summary,       r_reset,      r_rule_params,
                           r_set_rule_params, r_set_data, r_episode, r_episode_grad,
                           r_pc_distance, r_set_array, r_get_array};
