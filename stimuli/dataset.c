/* The in-memory data set: allocation, class counts, the seeded generator
 * every data set routine draws from. */
#include <stdlib.h>
#include <string.h>

#include "stimuli/dataset_int.h"
#include "util/util_int.h"

int mp_ds_new(size_t n, size_t dim, int with_labels, const char *source,
              mp_dataset **out, mp_error *err)
{
    *out = NULL;
    if (dim != 0 && n > SIZE_MAX / sizeof(double) / dim)
        return mp_u_err(err, MP_EINVAL, source, 0, 0, NULL,
                        "data set of %zu x %zu values is too large", n, dim);
    mp_dataset *ds = mp_u_calloc(1, sizeof *ds);
    if (!ds)
        return mp_u_err(err, MP_ENOMEM, source, 0, 0, NULL, "out of memory");
    ds->n = n;
    ds->dim = dim;
    /* mp_u_calloc(0) may return NULL: allocate at least one element so that a
     * NULL x always means failure */
    ds->x = mp_u_calloc(n != 0 && dim != 0 ? n * dim : 1, sizeof *ds->x);
    if (with_labels)
        ds->label = mp_u_calloc(n ? n : 1, sizeof *ds->label);
    ds->source = mp_u_strdup(source ? source : "");
    if (!ds->x || (with_labels && !ds->label) || !ds->source) {
        mp_ds_free(ds);
        return mp_u_err(err, MP_ENOMEM, source, 0, 0, NULL,
                        "out of memory for %zu x %zu values", n, dim);
    }
    *out = ds;
    return MP_OK;
}

void mp_ds_free(mp_dataset *ds)
{
    if (!ds)
        return;
    mp_u_free(ds->x);
    mp_u_free(ds->label);
    mp_u_free(ds->target);
    mp_u_free(ds->source);
    mp_u_free(ds);
}

int mp_ds_add_targets(mp_dataset *ds, size_t k, mp_error *err)
{
    size_t count = mp_u_size_mul(ds->n ? ds->n : 1, k);
    double *t = count < SIZE_MAX / sizeof *t ? mp_u_calloc(count, sizeof *t) : NULL;
    if (!t)
        return mp_u_err(err, MP_ENOMEM, ds->source, 0, 0, NULL,
                        "out of memory for %zu x %zu targets", ds->n, k);
    mp_u_free(ds->target);
    ds->target = t;
    ds->target_dim = k;
    return MP_OK;
}

int mp_ds_class_counts(const mp_dataset *ds, size_t *counts, mp_error *err)
{
    if (!ds->label)
        return mp_u_err(err, MP_EINVAL, ds->source, 0, 0, NULL,
                        "data set has no labels");
    memset(counts, 0, ds->n_classes * sizeof *counts);
    for (size_t i = 0; i < ds->n; i++) {
        int32_t c = ds->label[i];
        if (c < 0 || (size_t)c >= ds->n_classes)
            return mp_u_err(err, MP_EINVAL, ds->source, 0, 0, NULL,
                            "sample %zu has label %d, outside [0, %zu)", i,
                            (int)c, ds->n_classes);
        counts[c]++;
    }
    return MP_OK;
}

