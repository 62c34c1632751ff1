/* The public mp_net functions (include/metaplast/net.h): dispatch to the
 * backend of the model's network kind through its mp_n_ops. */
#include <stdlib.h>

#include "net/net_int.h"
#include "util/util_int.h"

static const mp_n_ops *ops_of(const mp_model *m)
{
    return m->network == MP_NET_RATE ? &mp_r_ops : &mp_k_ops;
}

int mp_net_new(const mp_model *m, uint64_t seed, mp_net **out, mp_error *err)
{
    *out = NULL;
    mp_net *net = mp_u_calloc(1, sizeof *net);
    if (!net)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    net->m = m;
    net->ops = ops_of(m);
    int rc = net->ops->create(m, seed, &net->impl, err);
    if (rc != MP_OK) {
        mp_u_free(net);
        return rc;
    }
    *out = net;
    return MP_OK;
}

void mp_net_free(mp_net *net)
{
    if (!net)
        return;
    mp_net_close_recorders(net, NULL);
    net->ops->destroy(net->impl);
    mp_u_free(net);
}

int mp_net_run(mp_net *net, double duration_ms, mp_progress_fn progress, void *user,
               mp_error *err)
{
    if (net->pending)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_net_run: the net was changed (mp_net_set) or its last "
                        "reset failed: call mp_net_reset before running it");
    return net->ops->run(net->impl, duration_ms, progress, user, err);
}

double mp_net_time(const mp_net *net) { return net->ops->time(net->impl); }

long long mp_net_samples(const mp_net *net)
{
    return net ? net->ops->samples(net->impl) : -1;
}

long long mp_net_spike_count(const mp_net *net, const char *name)
{
    if (!net || !name)
        return -1;
    return net->ops->spike_count(net->impl, name);
}

int mp_net_reset(mp_net *net, uint64_t seed, mp_error *err)
{
    if (net->recording)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_net_reset: the net's recorders are open; close them first "
                        "(mp_net_close_recorders), a reset run would write into the "
                        "same files");
    int rc = net->ops->reset(net->impl, seed, err);
    net->pending = rc != MP_OK; /* a failed reset leaves no usable state */
    return rc;
}

int mp_net_open_recorders(mp_net *net, const char *outdir, mp_error *err)
{
    int rc = net->ops->open_recorders(net->impl, outdir, err);
    net->recording = rc == MP_OK;
    return rc;
}

int mp_net_close_recorders(mp_net *net, mp_error *err)
{
    if (!net)
        return MP_OK;
    net->recording = 0;
    return net->ops->close_recorders(net->impl, err);
}
