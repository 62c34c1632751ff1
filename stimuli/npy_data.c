/* Data sets from NumPy arrays: inputs (samples x features) and either class
 * labels or regression targets, each a .npy file as np.save writes it
 * (core/util/npy.c reads them). The arrays are checked against each other
 * here: one label or target row per sample, labels that are class indices,
 * finite values; the input layer's size is checked by the model loader
 * against dim, as for every other data set. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "stimuli/dataset_int.h"
#include "util/npy.h"
#include "util/util_int.h"

/* Class indices from a (n,) array: integer-valued, >= 0, below n_classes
 * (0: the largest + 1, at most MP_DS_NPY_MAX_CLASSES). */
static int labels(const char *name, const mp_u_npy *y, size_t *n_classes,
                  int32_t *out, mp_error *err)
{
    size_t limit = *n_classes ? *n_classes : MP_DS_NPY_MAX_CLASSES, top = 0;
    for (size_t i = 0; i < y->count; i++) {
        double v = y->data[i];
        if (!(v >= 0) || floor(v) != v)
            return mp_u_err(err, MP_EINVAL, name, 0, 0, NULL,
                            "sample %zu has label %.17g: a label is a class index, an "
                            "integer 0, 1, 2, ...",
                            i, v);
        if (v >= (double)limit)
            return *n_classes
                       ? mp_u_err(err, MP_EINVAL, name, 0, 0, NULL,
                                  "sample %zu has label %.17g, outside 0..%zu (%zu "
                                  "classes)",
                                  i, v, *n_classes - 1, *n_classes)
                       : mp_u_err(err, MP_EINVAL, name, 0, 0, NULL,
                                  "sample %zu has label %.17g: at most %zu classes are "
                                  "supported",
                                  i, v, MP_DS_NPY_MAX_CLASSES);
        out[i] = (int32_t)v;
        if ((size_t)v >= top)
            top = (size_t)v + 1;
    }
    if (!*n_classes)
        *n_classes = top ? top : 1;
    return MP_OK;
}

int mp_ds_from_npy(const char *x_name, const mp_u_npy *x, const char *y_name,
                   const mp_u_npy *y, enum mp_ds_npy_kind kind, size_t n_classes,
                   mp_dataset **out, mp_error *err)
{
    *out = NULL;
    const size_t any2[2] = {MP_U_NPY_ANY, MP_U_NPY_ANY};
    int rc = mp_u_npy_expect(x, x_name, 2, any2, "inputs: samples x features", err);
    if (rc != MP_OK)
        return rc;
    size_t n = x->shape[0], dim = x->shape[1];
    if (n == 0 || dim == 0)
        return mp_u_err(err, MP_EINVAL, x_name, 0, 0, NULL,
                        "shape (%zu, %zu): the inputs need at least one sample of at "
                        "least one feature",
                        n, dim);
    for (size_t k = 0; k < x->count; k++)
        if (!isfinite(x->data[k])) {
            char at[256];
            return mp_u_err(err, MP_EINVAL, x_name, 0, 0, NULL,
                            "value %s is not finite (%g): the inputs must be finite",
                            mp_u_npy_index_text(x, k, at, sizeof at), x->data[k]);
        }
    char what[300];
    const size_t one[1] = {n}, rows[2] = {n, MP_U_NPY_ANY};
    size_t k = 0;
    if (kind == MP_DS_NPY_LABELS) {
        snprintf(what, sizeof what, "labels: one per sample of %s", x_name);
        rc = mp_u_npy_expect(y, y_name, 1, one, what, err);
    } else if (kind == MP_DS_NPY_TARGETS) {
        snprintf(what, sizeof what, "targets: samples x outputs, one row per sample of %s",
                 x_name);
        rc = y->rank == 1 ? mp_u_npy_expect(y, y_name, 1, one, what, err)
                          : mp_u_npy_expect(y, y_name, 2, rows, what, err);
        k = y->rank == 1 ? 1 : y->shape[1];
        if (rc == MP_OK && k == 0)
            rc = mp_u_err(err, MP_EINVAL, y_name, 0, 0, NULL,
                          "shape (%zu, 0): a target row needs at least one value", n);
        for (size_t j = 0; rc == MP_OK && j < y->count; j++)
            if (!isfinite(y->data[j])) {
                char at[256];
                rc = mp_u_err(err, MP_EINVAL, y_name, 0, 0, NULL,
                              "value %s is not finite (%g): the targets must be finite",
                              mp_u_npy_index_text(y, j, at, sizeof at), y->data[j]);
            }
    }
    mp_dataset *ds = NULL;
    if (rc == MP_OK)
        rc = mp_ds_new(n, dim, kind == MP_DS_NPY_LABELS, x_name, &ds, err);
    if (rc == MP_OK) {
        memcpy(ds->x, x->data, n * dim * sizeof *ds->x);
        if (kind == MP_DS_NPY_LABELS)
            rc = labels(y_name, y, &n_classes, ds->label, err);
        if (rc == MP_OK && kind == MP_DS_NPY_LABELS)
            ds->n_classes = n_classes;
        if (rc == MP_OK && kind == MP_DS_NPY_TARGETS &&
            (rc = mp_ds_add_targets(ds, k, err)) == MP_OK)
            memcpy(ds->target, y->data, n * k * sizeof *ds->target);
    }
    if (rc != MP_OK) {
        mp_ds_free(ds);
        return rc;
    }
    *out = ds;
    return MP_OK;
}

int mp_ds_load_npy(const char *x_path, const char *y_path, enum mp_ds_npy_kind kind,
                   size_t n_classes, mp_dataset **out, mp_error *err)
{
    mp_u_npy x, y;
    memset(&y, 0, sizeof y);
    *out = NULL;
    int rc = mp_u_npy_read(x_path, MP_U_NPY_FLOAT, &x, err);
    if (rc == MP_OK && kind != MP_DS_NPY_NONE)
        rc = mp_u_npy_read(y_path, kind == MP_DS_NPY_LABELS
                                       ? MP_U_NPY_FLOAT | MP_U_NPY_INT
                                       : MP_U_NPY_FLOAT,
                           &y, err);
    if (rc == MP_OK)
        rc = mp_ds_from_npy(x_path, &x, y_path, kind != MP_DS_NPY_NONE ? &y : NULL, kind,
                            n_classes, out, err);
    mp_u_npy_release(&x);
    mp_u_npy_release(&y);
    return rc;
}
