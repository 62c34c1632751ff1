/* The N-way K-shot online tasks of Shervani-Tabar & Rosenbaum (2023): M
 * classes, K training samples per class presented one at a time in a random
 * order (the inner loop), Q query samples per class (the meta-loss).
 *
 * The sampler keeps, per class, the indices of its samples in data set order
 * (counting sort), so a task costs O(M (K+Q)) plus O(classes) and no
 * allocation; everything a draw writes lives in the caller's mp_task, which
 * lets threads share one sampler.
 */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "stimuli/dataset_int.h"
#include "util/rng.h"
#include "util/util_int.h"

struct mp_task_sampler {
    const mp_dataset *ds;
    size_t M, K, Q, n_classes;
    unsigned flags;
    size_t *offset;  /* n_classes + 1: class c owns members[offset[c] ..] */
    size_t *members; /* ds->n sample indices, class by class, in ds order */
};

int mp_task_sampler_new(const mp_dataset *ds, size_t M, size_t K, size_t Q,
                        unsigned flags, mp_task_sampler **out, mp_error *err)
{
    *out = NULL;
    const char *src = ds->source;
    if (!ds->label || ds->n_classes == 0)
        return mp_u_err(err, MP_EINVAL, src, 0, 0, NULL,
                        "task sampler: the data set has no labels");
    if (M == 0 || K + Q == 0)
        return mp_u_err(err, MP_EINVAL, src, 0, 0, NULL,
                        "task sampler: %zu-way tasks with K = %zu, Q = %zu: "
                        "need M >= 1 and K + Q >= 1",
                        M, K, Q);
    if (!(flags & MP_TASK_CLASSES_WITH_REPLACEMENT) && M > ds->n_classes)
        return mp_u_err(err, MP_EINVAL, src, 0, 0, NULL,
                        "task sampler: %zu-way tasks need %zu distinct "
                        "classes, the data set has %zu (draw classes with "
                        "replacement, or lower M)",
                        M, M, ds->n_classes);
    if (flags & ~(unsigned)(MP_TASK_CLASSES_WITH_REPLACEMENT |
                            MP_TASK_FIXED_PER_CLASS | MP_TASK_REMAP_LABELS))
        return mp_u_err(err, MP_EINVAL, src, 0, 0, NULL,
                        "task sampler: unknown flags 0x%x", flags);
    mp_task_sampler *s = mp_u_calloc(1, sizeof *s);
    size_t C = ds->n_classes;
    if (s) {
        s->offset = mp_u_calloc(C + 1, sizeof *s->offset);
        s->members = mp_u_malloc((ds->n ? ds->n : 1) * sizeof *s->members);
    }
    if (!s || !s->offset || !s->members) {
        mp_task_sampler_free(s);
        return mp_u_err(err, MP_ENOMEM, src, 0, 0, NULL, "out of memory");
    }
    s->ds = ds;
    s->M = M;
    s->K = K;
    s->Q = Q;
    s->n_classes = C;
    s->flags = flags;
    int rc = mp_ds_class_counts(ds, s->offset + 1, err);
    for (size_t c = 0; rc == MP_OK && c < C; c++)
        if (s->offset[c + 1] < K + Q)
            rc = mp_u_err(err, MP_EINVAL, src, 0, 0, NULL,
                          "task sampler: class %zu has %zu samples, fewer "
                          "than K + Q = %zu + %zu",
                          c, s->offset[c + 1], K, Q);
    if (rc != MP_OK) {
        mp_task_sampler_free(s);
        return rc;
    }
    /* counting sort: offsets are prefix sums; members keep ds order */
    for (size_t c = 0; c < C; c++)
        s->offset[c + 1] += s->offset[c];
    size_t *fill = s->offset; /* reused as write cursors, then shifted back */
    for (size_t i = 0; i < ds->n; i++)
        s->members[fill[ds->label[i]]++] = i;
    for (size_t c = C; c > 0; c--)
        s->offset[c] = s->offset[c - 1];
    s->offset[0] = 0;
    *out = s;
    return MP_OK;
}

void mp_task_sampler_free(mp_task_sampler *s)
{
    if (!s)
        return;
    mp_u_free(s->offset);
    mp_u_free(s->members);
    mp_u_free(s);
}

/* scratch: a permutation of the classes (C), one slot's draw (K+Q), the
 * label map (C) */
static size_t scratch_len(const mp_task_sampler *s)
{
    return 2 * s->n_classes + s->K + s->Q;
}

int mp_task_init(mp_task *t, const mp_task_sampler *s, mp_error *err)
{
    memset(t, 0, sizeof *t);
    t->M = s->M;
    t->K = s->K;
    t->Q = s->Q;
    size_t nt = s->M * s->K, nq = s->M * s->Q;
    t->classes = mp_u_malloc(s->M * sizeof *t->classes);
    t->train = mp_u_malloc((nt ? nt : 1) * sizeof *t->train);
    t->train_label = mp_u_malloc((nt ? nt : 1) * sizeof *t->train_label);
    t->query = mp_u_malloc((nq ? nq : 1) * sizeof *t->query);
    t->query_label = mp_u_malloc((nq ? nq : 1) * sizeof *t->query_label);
    t->scratch_len_ = scratch_len(s);
    t->scratch_ = mp_u_malloc(t->scratch_len_ * sizeof *t->scratch_);
    t->rng_ = mp_u_rng_new(MP_U_RNG_MT19937, 0);
    if (!t->classes || !t->train || !t->train_label || !t->query ||
        !t->query_label || !t->scratch_ || !t->rng_) {
        mp_task_release(t);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    return MP_OK;
}

void mp_task_release(mp_task *t)
{
    mp_u_free(t->classes);
    mp_u_free(t->train);
    mp_u_free(t->train_label);
    mp_u_free(t->query);
    mp_u_free(t->query_label);
    mp_u_free(t->scratch_);
    mp_u_rng_free(t->rng_);
    memset(t, 0, sizeof *t);
}

int mp_task_sample(const mp_task_sampler *s, uint64_t task_seed, mp_task *t,
                   mp_error *err)
{
    if (!t->rng_ || t->M != s->M || t->K != s->K || t->Q != s->Q ||
        t->scratch_len_ < scratch_len(s))
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "task was not set up for this sampler (mp_task_init)");
    gsl_rng *r = t->rng_;
    mp_u_rng_seed(r, task_seed);
    size_t M = s->M, K = s->K, Q = s->Q, C = s->n_classes;
    size_t *perm = t->scratch_, *pick = perm + C, *map = pick + K + Q;

    /* 1. the classes */
    if (s->flags & MP_TASK_CLASSES_WITH_REPLACEMENT) {
        for (size_t i = 0; i < M; i++)
            t->classes[i] = gsl_rng_uniform_int(r, C);
    } else {
        /* partial Fisher-Yates: an ordered draw without replacement; the
         * order matters for MP_TASK_REMAP_LABELS */
        for (size_t c = 0; c < C; c++)
            perm[c] = c;
        for (size_t i = 0; i < M; i++) {
            size_t j = i + gsl_rng_uniform_int(r, C - i);
            size_t tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
            t->classes[i] = perm[i];
        }
    }

    /* 2. each slot's samples: K for training, then Q for the query */
    for (size_t i = 0; i < M; i++) {
        size_t c = t->classes[i];
        const size_t *mem = s->members + s->offset[c];
        size_t nc = s->offset[c + 1] - s->offset[c];
        if (s->flags & MP_TASK_FIXED_PER_CLASS) {
            memcpy(pick, mem, (K + Q) * sizeof *pick);
        } else {
            /* choose keeps ds order; the shuffle decides which of the
             * chosen train and which query */
            gsl_ran_choose(r, pick, K + Q, (void *)mem, nc, sizeof *pick);
            gsl_ran_shuffle(r, pick, K + Q, sizeof *pick);
        }
        memcpy(t->train + i * K, pick, K * sizeof *pick);
        memcpy(t->query + i * Q, pick + K, Q * sizeof *pick);
    }

    /* 3. the online order of the training samples */
    if (M * K > 1)
        gsl_ran_shuffle(r, t->train, M * K, sizeof *t->train);

    /* labels: global, or numbered by first draw (a class drawn twice keeps
     * the number of its first draw, so one class never has two labels) */
    if (s->flags & MP_TASK_REMAP_LABELS) {
        for (size_t c = 0; c < C; c++)
            map[c] = SIZE_MAX;
        size_t next = 0;
        for (size_t i = 0; i < M; i++)
            if (map[t->classes[i]] == SIZE_MAX)
                map[t->classes[i]] = next++;
    } else {
        for (size_t c = 0; c < C; c++)
            map[c] = c;
    }
    const int32_t *lab = s->ds->label;
    for (size_t j = 0; j < M * K; j++)
        t->train_label[j] = (int32_t)map[lab[t->train[j]]];
    for (size_t j = 0; j < M * Q; j++)
        t->query_label[j] = (int32_t)map[lab[t->query[j]]];
    return MP_OK;
}
