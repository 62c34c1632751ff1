/* mp_net_set: a numeric quantity of a built net by its --set path
 * (include/metaplast/net.h). Today: rule parameters,
 *   projections[NAME or INDEX].plasticity.params.PARAM  (n = 1).
 * Arrays (initial weights W0, feedback weights B, per-synapse parameter
 * arrays) will take n values in the order documented in net.h. */
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"
#include "util/util_int.h"

#define RULE_PARAMS ".plasticity.params."

static int not_settable(const char *path, const char *why, mp_error *err)
{
    return mp_u_err(err, MP_EINVAL, NULL, 0, 0, path,
                    "mp_net_set: '%s' %s; a built net can set "
                    "projections[NAME].plasticity.params.PARAM (one value)",
                    path, why);
}

/* Projection of selector sel[0..len): its name, else a decimal index. */
static size_t find_proj(const mp_model *m, const char *sel, size_t len)
{
    for (size_t j = 0; j < m->n_projections; j++) {
        const char *nm = m->projections[j].name;
        if (nm && strlen(nm) == len && strncmp(nm, sel, len) == 0)
            return j;
    }
    size_t j = 0;
    if (len == 0 || len > 9)
        return SIZE_MAX;
    for (size_t i = 0; i < len; i++) {
        if (sel[i] < '0' || sel[i] > '9')
            return SIZE_MAX;
        j = 10 * j + (size_t)(sel[i] - '0');
    }
    return j < m->n_projections ? j : SIZE_MAX;
}

int mp_net_set(mp_net *net, const char *path, const double *values, size_t n,
               mp_error *err)
{
    const mp_model *m = net->m;
    const char *pre = "projections[";
    if (!path || strncmp(path, pre, strlen(pre)) != 0)
        return not_settable(path ? path : "(null)", "is not settable", err);
    const char *sel = path + strlen(pre), *close = strchr(sel, ']');
    if (!close)
        return not_settable(path, "has no closing ']'", err);
    size_t j = find_proj(m, sel, (size_t)(close - sel));
    if (j == SIZE_MAX)
        return not_settable(path, "names no projection of the model", err);
    if (strncmp(close + 1, RULE_PARAMS, strlen(RULE_PARAMS)) != 0)
        return not_settable(path, "is not settable", err);
    const mp_m_projection *pj = &m->projections[j];
    if (!pj->plasticity)
        return not_settable(path, "is a projection without plasticity", err);
    const mp_rule_desc *d = pj->plasticity->plugin->desc;
    const char *name = close + 1 + strlen(RULE_PARAMS);
    uint32_t k = 0;
    while (k < d->n_params && strcmp(d->params[k].name, name) != 0)
        k++;
    if (k == d->n_params)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, path,
                        "mp_net_set: rule '%s' of projection '%s' has no parameter "
                        "'%s'", d->name, pj->name, name);
    if (n != 1 || !values)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, path,
                        "mp_net_set: '%s' is a scalar: give one value (got %zu)", path, n);
    const double *cur = net->ops->rule_params(net->impl, j);
    double *p = mp_u_malloc((d->n_params ? d->n_params : 1) * sizeof *p);
    if (!cur || !p) {
        mp_u_free(p);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    memcpy(p, cur, d->n_params * sizeof *p);
    p[k] = values[0];
    int rc = net->ops->set_rule_params(net->impl, j, p, err);
    mp_u_free(p);
    if (rc == MP_OK)
        net->pending = 1;
    return rc;
}
