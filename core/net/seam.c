/* The seam's functions (core/net/seam.h): argument checks, dispatch. */
#include "net/net_int.h"
#include "net/seam.h"
#include "util/util_int.h"

static int lacks(const mp_net *net, const char *what, mp_error *err)
{
    return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                    "%s: not offered by a %s network", what, net->ops->kind);
}

int mp_seam_set_rule_params(mp_net *net, size_t j, const double *p, mp_error *err)
{
    int rc = net->ops->set_rule_params(net->impl, j, p, err);
    if (rc == MP_OK)
        net->pending = 1;
    return rc;
}

int mp_seam_set_array(mp_net *net, enum mp_seam_array what, size_t j, uint32_t k,
                      const double *v, size_t n, mp_error *err)
{
    if (!net->ops->set_array)
        return lacks(net, "array meta-parameters", err);
    int rc = net->ops->set_array(net->impl, (int)what, j, k, v, n, err);
    if (rc == MP_OK)
        net->pending = 1;
    return rc;
}

int mp_seam_get_array(const mp_net *net, enum mp_seam_array what, size_t j, uint32_t k,
                      double *v, size_t cap, size_t *n, mp_error *err)
{
    if (!net->ops->get_array)
        return lacks(net, "array meta-parameters", err);
    return net->ops->get_array(net->impl, (int)what, j, k, v, cap, n, err);
}

int mp_seam_episode_grad_arrays(mp_net *net, const double *const *params,
                                const mp_seam_array_grads *ag,
                                const struct mp_r_episode *ep, double *loss,
                                double *accuracy, double **grad, mp_error *err)
{
    if (!net->ops->episode_grad)
        return lacks(net, "an exact gradient", err);
    return net->ops->episode_grad(net->impl, params, ag, ep, loss, accuracy, grad, err);
}

int mp_seam_set_data(mp_net *net, const struct mp_dataset *train,
                     const double *rotation, mp_error *err)
{
    if (!net->ops->set_data)
        return lacks(net, "a data set", err);
    return net->ops->set_data(net->impl, train, rotation, err);
}

int mp_seam_reset(mp_net *net, uint64_t seed, mp_error *err)
{
    return mp_net_reset(net, seed, err);
}

static int ready(const mp_net *net, const char *what, mp_error *err)
{
    if (net->pending)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "%s: the net was changed or its reset failed: reset it first",
                        what);
    return MP_OK;
}

int mp_seam_episode(mp_net *net, const struct mp_r_episode *ep, double *loss,
                    double *accuracy, double *align, size_t max_align,
                    size_t *n_align, mp_error *err)
{
    if (!net->ops->episode)
        return lacks(net, "an episode", err);
    int rc = ready(net, "episode", err);
    return rc != MP_OK ? rc
                       : net->ops->episode(net->impl, ep, loss, accuracy, align,
                                           max_align, n_align, err);
}

int mp_seam_episode_grad(mp_net *net, const double *const *params,
                         const struct mp_r_episode *ep, double *loss,
                         double *accuracy, double **grad, mp_error *err)
{
    if (!net->ops->episode_grad)
        return lacks(net, "an exact gradient", err);
    return net->ops->episode_grad(net->impl, params, NULL, ep, loss, accuracy, grad, err);
}

int mp_seam_pc_distance(mp_net *net, size_t n_samples, size_t proj, double *dist,
                        mp_error *err)
{
    if (!net->ops->pc_distance)
        return lacks(net, "pc_distance", err);
    int rc = ready(net, "pc_distance", err);
    return rc != MP_OK ? rc : net->ops->pc_distance(net->impl, n_samples, proj, dist, err);
}
