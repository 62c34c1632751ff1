/* Initializers of states and weights:
 *   number                       a constant
 *   {"uniform": [lo, hi]}        U[lo, hi)
 *   {"normal": [mean, std]}      N(mean, std)
 *   {"group_tuned": {...}}       Vogels et al. 2011 tuned weights (weights
 *                                from a source with input groups only)
 */
#include <string.h>

#include "model/load_int.h"

/* A [a, b] pair of numbers at obj[key]; the path points at the key. */
static int pair(mp_m_ctx *c, const json_t *obj, const char *key,
                const char *what, double *a, double *b)
{
    json_t *v = json_object_get(obj, key);
    size_t old = mp_m_push_key(c, key);
    int rc = MP_OK;
    if (!json_is_array(v) || json_array_size(v) != 2 ||
        !json_is_number(json_array_get(v, 0)) ||
        !json_is_number(json_array_get(v, 1)))
        rc = mp_m_fail(c, MP_EINVAL, "expected [%s], two numbers, got %s%s",
                       what, json_is_array(v) ? "an array of " : "",
                       json_is_array(v) ? "other length or types"
                                        : mp_m_type_name(v));
    if (rc == MP_OK) {
        *a = json_number_value(json_array_get(v, 0));
        *b = json_number_value(json_array_get(v, 1));
    }
    mp_m_pop(c, old);
    return rc;
}

static int uniform(mp_m_ctx *c, const json_t *o, int nonneg, mp_m_init *out)
{
    char a[32], b[32];
    int rc = pair(c, o, "uniform", "lo, hi", &out->a, &out->b);
    if (rc != MP_OK)
        return rc;
    out->kind = MP_INIT_UNIFORM;
    if (out->a > out->b)
        return mp_m_fail_key(c, "uniform", MP_EINVAL,
                             "needs lo <= hi (got [%s, %s])",
                             mp_m_fmt_num(out->a, a), mp_m_fmt_num(out->b, b));
    if (nonneg && out->a < 0)
        return mp_m_fail_key(c, "uniform", MP_EINVAL,
                             "a conductance must be >= 0: lo must be >= 0 (got %s)",
                             mp_m_fmt_num(out->a, a));
    return MP_OK;
}

static int normal(mp_m_ctx *c, const json_t *o, mp_m_init *out)
{
    char a[32];
    int rc = pair(c, o, "normal", "mean, std", &out->a, &out->b);
    if (rc != MP_OK)
        return rc;
    out->kind = MP_INIT_NORMAL;
    if (out->b < 0)
        return mp_m_fail_key(c, "normal", MP_EINVAL,
                             "std must be >= 0 (got %s)", mp_m_fmt_num(out->b, a));
    return MP_OK;
}

static int group_tuned(mp_m_ctx *c, const json_t *o, size_t n_groups,
                       mp_m_init *out)
{
    static const char *const keys[] = {"base",  "amplitude", "preferred", "width",
                                       "power", "jitter",    NULL};
    static const double one = 1.0, four = 4.0;
    json_t *g = json_object_get(o, "group_tuned");
    if (n_groups == (size_t)-1)
        return mp_m_fail_key(c, "group_tuned", MP_EINVAL,
                             "group_tuned initializes projection weights only; "
                             "use a number, uniform or normal here");
    if (n_groups == 0)
        return mp_m_fail_key(c, "group_tuned", MP_EINVAL,
                             "group_tuned needs a source with input groups (an "
                             "output of a vogels_groups stimulus); this "
                             "projection's source has none");
    size_t old = mp_m_push_key(c, "group_tuned");
    int rc = mp_m_object(c, g, "group_tuned", keys);
    out->kind = MP_INIT_GROUP_TUNED;
    if (rc == MP_OK)
        rc = mp_m_num(c, g, "base", NULL, MP_M_ANY, NULL, &out->base);
    if (rc == MP_OK)
        rc = mp_m_num(c, g, "amplitude", NULL, MP_M_ANY, NULL, &out->amplitude);
    if (rc == MP_OK)
        rc = mp_m_num(c, g, "preferred", NULL, MP_M_IN(1, (double)n_groups),
                      NULL, &out->preferred);
    if (rc == MP_OK)
        rc = mp_m_num(c, g, "width", &one, MP_M_GT(0), NULL, &out->width);
    if (rc == MP_OK)
        rc = mp_m_num(c, g, "power", &four, MP_M_GT(0), NULL, &out->power);
    out->jitter_lo = out->jitter_hi = 0;
    if (rc == MP_OK && json_object_get(g, "jitter")) {
        rc = pair(c, g, "jitter", "lo, hi", &out->jitter_lo, &out->jitter_hi);
        if (rc == MP_OK && out->jitter_lo > out->jitter_hi)
            rc = mp_m_fail_key(c, "jitter", MP_EINVAL, "needs lo <= hi");
    }
    mp_m_pop(c, old);
    return rc;
}

int mp_m_init_get(mp_m_ctx *c, const json_t *obj, const char *key, double def,
                  size_t n_groups, int nonneg, mp_m_init *out)
{
    static const char *const kinds[] = {"uniform", "normal", "group_tuned", NULL};
    json_t *v = json_object_get(obj, key);
    char buf[32];
    memset(out, 0, sizeof *out);
    out->kind = MP_INIT_CONST;
    out->a = def;
    if (!v)
        return MP_OK;
    size_t old = mp_m_push_key(c, key);
    int rc = MP_OK;
    if (json_is_number(v)) {
        out->a = json_number_value(v);
        if (nonneg && out->a < 0)
            rc = mp_m_fail(c, MP_EINVAL, "a conductance must be >= 0 (got %s)",
                           mp_m_fmt_num(out->a, buf));
    } else if (json_is_object(v)) {
        rc = mp_m_object(c, v, "initializer", kinds);
        if (rc == MP_OK && json_object_size(v) != 1)
            rc = mp_m_fail(c, MP_EINVAL,
                           "expected exactly one of 'uniform', 'normal', "
                           "'group_tuned' (got %zu keys)", json_object_size(v));
        if (rc == MP_OK && json_object_get(v, "uniform"))
            rc = uniform(c, v, nonneg, out);
        else if (rc == MP_OK && json_object_get(v, "normal"))
            rc = normal(c, v, out);
        else if (rc == MP_OK)
            rc = group_tuned(c, v, n_groups, out);
    } else {
        rc = mp_m_fail(c, MP_EINVAL,
                       "expected a number or an initializer object "
                       "({\"uniform\": [lo, hi]}, {\"normal\": [mean, std]}, "
                       "{\"group_tuned\": {...}}), got %s", mp_m_type_name(v));
    }
    mp_m_pop(c, old);
    return rc;
}
