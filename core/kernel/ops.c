/* The spiking backend of the network front (core/net/net_int.h). */
#include "kernel/kernel_int.h"
#include "net/net_int.h"

static int k_create(const mp_model *m, uint64_t seed, void **impl, mp_error *err)
{
    mp_k_net *net = NULL;
    int rc = mp_k_net_new(m, seed, &net, err);
    *impl = net;
    return rc;
}

static void k_destroy(void *impl) { mp_k_net_free(impl); }

static int k_run(void *impl, double ms, mp_progress_fn progress, void *user,
                 mp_error *err)
{
    return mp_k_net_run(impl, ms, progress, user, err);
}

static double k_time(const void *impl) { return mp_k_net_time(impl); }

static long long k_samples(const void *impl)
{
    (void)impl;
    return -1;
}

static long long k_spike_count(const void *impl, const char *name)
{
    return mp_k_net_spike_count(impl, name);
}

static int k_open(void *impl, const char *outdir, mp_error *err)
{
    return mp_k_net_open_recorders(impl, outdir, err);
}

static int k_close(void *impl, mp_error *err)
{
    return mp_k_net_close_recorders(impl, err);
}

static void k_summary(void *impl, struct json_t *root, double wall)
{
    mp_k_summary_fields(impl, root, wall);
}

static int k_reset(void *impl, uint64_t seed, mp_error *err)
{
    return mp_k_net_reset(impl, seed, err);
}

static const double *k_rule_params(const void *impl, size_t j)
{
    return mp_k_net_rule_params(impl, j);
}

static int k_set_rule_params(void *impl, size_t j, const double *p, mp_error *err)
{
    return mp_k_net_set_rule_params(impl, j, p, err);
}

const mp_n_ops mp_k_ops = {"spiking",     k_create,        k_destroy,    k_run,
                           k_time,        k_samples,       k_spike_count, k_open,
                           k_close,       k_summary,       k_reset,      k_rule_params,
                           k_set_rule_params, NULL, NULL, NULL, NULL, NULL, NULL};
