/* The N-way K-shot task sampler on a synthetic data set (6 classes of 10..15
 * samples, labels interleaved): per-class counts, train/query disjoint,
 * query class-major, training order shuffled, determinism per task seed,
 * the flags (classes with replacement, fixed first K / next Q, remapped
 * labels), and the errors. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "stimuli/dataset_int.h"

#define C 6

static mp_dataset *make_set(void)
{
    size_t n = 0;
    for (int c = 0; c < C; c++)
        n += 10 + (size_t)c;
    mp_dataset *ds = NULL;
    mp_error err = {0};
    if (mp_ds_new(n, 1, 1, "synthetic", &ds, &err) != MP_OK)
        return NULL;
    ds->n_classes = C;
    /* labels interleaved: deal the classes round-robin while they last */
    size_t left[C], i = 0;
    for (int c = 0; c < C; c++)
        left[c] = 10 + (size_t)c;
    while (i < n)
        for (int c = 0; c < C && i < n; c++)
            if (left[c]) {
                left[c]--;
                ds->label[i] = c;
                ds->x[i] = (double)i;
                i++;
            }
    return ds;
}

/* Positions (in ds order) of the samples of class c: the j-th is
 * member(ds, c, j). */
static size_t member(const mp_dataset *ds, int c, size_t j)
{
    for (size_t i = 0; i < ds->n; i++)
        if (ds->label[i] == c && j-- == 0)
            return i;
    return SIZE_MAX;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Structural checks of one task drawn with global labels. */
static void check_task(const mp_dataset *ds, const mp_task *t, int distinct)
{
    size_t M = t->M, K = t->K, Q = t->Q;
    int ok_cls = 1, ok_lab = 1, ok_query = 1, ok_count = 1, ok_disjoint = 1;
    for (size_t i = 0; i < M; i++) {
        ok_cls &= t->classes[i] < C;
        for (size_t j = 0; distinct && j < i; j++)
            ok_cls &= t->classes[i] != t->classes[j];
    }
    for (size_t j = 0; j < M * K; j++)
        ok_lab &= t->train_label[j] == ds->label[t->train[j]];
    for (size_t i = 0; i < M; i++)
        for (size_t q = 0; q < Q; q++) {
            size_t idx = t->query[i * Q + q];
            ok_query &= ds->label[idx] == (int32_t)t->classes[i];
            ok_lab &= t->query_label[i * Q + q] == ds->label[idx];
        }
    /* K training samples per slot: count per class = K * occurrences */
    for (int c = 0; c < C; c++) {
        size_t occ = 0, got = 0;
        for (size_t i = 0; i < M; i++)
            occ += t->classes[i] == (size_t)c;
        for (size_t j = 0; j < M * K; j++)
            got += t->train_label[j] == c;
        ok_count &= got == occ * K;
    }
    /* with distinct classes, no sample twice anywhere */
    if (distinct) {
        size_t *all = malloc((M * (K + Q)) * sizeof *all);
        memcpy(all, t->train, M * K * sizeof *all);
        memcpy(all + M * K, t->query, M * Q * sizeof *all);
        qsort(all, M * (K + Q), sizeof *all, cmp_size);
        for (size_t j = 1; j < M * (K + Q); j++)
            ok_disjoint &= all[j] != all[j - 1];
        free(all);
    }
    CHECK(ok_cls);
    CHECK(ok_lab);
    CHECK(ok_query);
    CHECK(ok_count);
    CHECK(ok_disjoint);
}

static int same_task(const mp_task *a, const mp_task *b)
{
    size_t M = a->M, K = a->K, Q = a->Q;
    return memcmp(a->classes, b->classes, M * sizeof(size_t)) == 0 &&
           memcmp(a->train, b->train, M * K * sizeof(size_t)) == 0 &&
           memcmp(a->query, b->query, M * Q * sizeof(size_t)) == 0 &&
           memcmp(a->train_label, b->train_label, M * K * 4) == 0 &&
           memcmp(a->query_label, b->query_label, M * Q * 4) == 0;
}

static void check_default(const mp_dataset *ds)
{
    mp_task_sampler *s = NULL, *s2 = NULL;
    mp_task t, u;
    mp_error err = {0};
    CHECK_OK(mp_task_sampler_new(ds, 4, 3, 2, 0, &s, &err));
    CHECK_OK(mp_task_sampler_new(ds, 4, 3, 2, 0, &s2, &err));
    CHECK_OK(mp_task_init(&t, s, &err));
    CHECK_OK(mp_task_init(&u, s2, &err));
    size_t class_seen[C] = {0}, sample_seen[100] = {0};
    int first_not_slot0 = 0, train_unsorted = 0;
    const int tasks = 3000;
    for (int k = 0; k < tasks; k++) {
        CHECK_OK(mp_task_sample(s, (uint64_t)k * 0x9e3779b97f4a7c15ull, &t,
                                &err));
        check_task(ds, &t, 1);
        for (size_t i = 0; i < 4; i++)
            class_seen[t.classes[i]]++;
        for (size_t j = 0; j < 12; j++)
            sample_seen[t.train[j]]++;
        first_not_slot0 += t.train_label[0] != (int32_t)t.classes[0];
        for (size_t j = 1; j < 12; j++)
            train_unsorted |= t.train_label[j] != t.train_label[j - 1] &&
                              t.train_label[j] == t.train_label[0];
    }
    /* each class in 4/6 of the tasks: 2000 of 3000, sd ~ 26 */
    for (int c = 0; c < C; c++)
        CHECK_NEAR((double)class_seen[c], tasks * 4.0 / 6.0, 0.08, 0.0);
    /* random draws reach every sample of every class */
    int all_seen = 1;
    for (size_t i = 0; i < ds->n; i++)
        all_seen &= sample_seen[i] > 0;
    CHECK(all_seen);
    /* the online order mixes the classes (class-major would always start
     * with slot 0 and keep each class contiguous) */
    CHECK(first_not_slot0 > tasks / 2);
    CHECK(train_unsorted);

    /* determinism: the task depends on the seed alone, not on the sampler
     * object or on what was drawn before */
    CHECK_OK(mp_task_sample(s, 12345, &t, &err));
    CHECK_OK(mp_task_sample(s2, 999, &u, &err));
    CHECK_OK(mp_task_sample(s2, 12345, &u, &err));
    CHECK(same_task(&t, &u));
    CHECK_OK(mp_task_sample(s2, 12346, &u, &err));
    CHECK(!same_task(&t, &u));
    mp_task_release(&t);
    mp_task_release(&u);
    mp_task_sampler_free(s);
    mp_task_sampler_free(s2);
}

static void check_fixed(const mp_dataset *ds)
{
    mp_task_sampler *s = NULL;
    mp_task t;
    mp_error err = {0};
    CHECK_OK(mp_task_sampler_new(ds, 3, 4, 3, MP_TASK_FIXED_PER_CLASS, &s,
                                 &err));
    CHECK_OK(mp_task_init(&t, s, &err));
    int ok_train = 1, ok_query = 1;
    for (uint64_t k = 0; k < 200; k++) {
        CHECK_OK(mp_task_sample(s, k, &t, &err));
        check_task(ds, &t, 1);
        for (size_t i = 0; i < 3; i++) {
            int c = (int)t.classes[i];
            /* the query: the 5th..7th samples of the class, in ds order */
            for (size_t q = 0; q < 3; q++)
                ok_query &= t.query[i * 3 + q] == member(ds, c, 4 + q);
            /* training: exactly the first four of the class */
            size_t mine[4], m = 0;
            for (size_t j = 0; j < 12; j++)
                if (t.train_label[j] == c && m < 4)
                    mine[m++] = t.train[j];
            qsort(mine, m, sizeof *mine, cmp_size);
            ok_train &= m == 4;
            for (size_t j = 0; j < m; j++)
                ok_train &= mine[j] == member(ds, c, j);
        }
    }
    CHECK(ok_train);
    CHECK(ok_query);
    mp_task_release(&t);
    mp_task_sampler_free(s);
}

static void check_replacement_and_remap(const mp_dataset *ds)
{
    mp_task_sampler *s = NULL;
    mp_task t;
    mp_error err = {0};
    /* the authors' setting: with replacement, fixed samples, M > C allowed */
    unsigned flags = MP_TASK_CLASSES_WITH_REPLACEMENT |
                     MP_TASK_FIXED_PER_CLASS | MP_TASK_REMAP_LABELS;
    CHECK_OK(mp_task_sampler_new(ds, 8, 2, 1, flags, &s, &err));
    CHECK_OK(mp_task_init(&t, s, &err));
    int dup = 0, ok_remap = 1, ok_dup_same = 1;
    for (uint64_t k = 0; k < 100; k++) {
        CHECK_OK(mp_task_sample(s, k, &t, &err));
        /* labels numbered by first occurrence */
        int32_t next = 0, map[C];
        for (int c = 0; c < C; c++)
            map[c] = -1;
        for (size_t i = 0; i < 8; i++)
            if (map[t.classes[i]] < 0)
                map[t.classes[i]] = next++;
        for (size_t i = 0; i < 8; i++)
            for (size_t j = 0; j < i; j++)
                if (t.classes[i] == t.classes[j]) {
                    dup = 1;
                    /* a repeated class gives the same samples again */
                    ok_dup_same &= t.query[i] == t.query[j];
                }
        for (size_t j = 0; j < 16; j++)
            ok_remap &= t.train_label[j] == map[ds->label[t.train[j]]];
        for (size_t j = 0; j < 8; j++)
            ok_remap &= t.query_label[j] == map[t.classes[j]] &&
                        t.query_label[j] < next;
    }
    CHECK(dup); /* 8 draws of 6 classes always repeat one */
    CHECK(ok_dup_same);
    CHECK(ok_remap);
    mp_task_release(&t);
    mp_task_sampler_free(s);

    /* remap without replacement: labels 0..M-1 in draw order */
    CHECK_OK(mp_task_sampler_new(ds, 5, 2, 2, MP_TASK_REMAP_LABELS, &s, &err));
    CHECK_OK(mp_task_init(&t, s, &err));
    CHECK_OK(mp_task_sample(s, 77, &t, &err));
    int ok = 1;
    for (size_t i = 0; i < 5; i++)
        for (size_t q = 0; q < 2; q++)
            ok &= t.query_label[i * 2 + q] == (int32_t)i;
    CHECK(ok);
    mp_task_release(&t);
    mp_task_sampler_free(s);

    /* with replacement and random samples: some task repeats a class
     * (probability 1 - 6*5*4*3/6^4 = 0.72 per 4-way task) */
    CHECK_OK(mp_task_sampler_new(ds, 4, 2, 2, MP_TASK_CLASSES_WITH_REPLACEMENT,
                                 &s, &err));
    CHECK_OK(mp_task_init(&t, s, &err));
    int repeats = 0;
    for (uint64_t k = 0; k < 50; k++) {
        CHECK_OK(mp_task_sample(s, k, &t, &err));
        check_task(ds, &t, 0);
        for (size_t i = 0; i < 4; i++)
            for (size_t j = 0; j < i; j++)
                repeats += t.classes[i] == t.classes[j];
    }
    CHECK(repeats > 0);
    mp_task_release(&t);
    mp_task_sampler_free(s);
}

static void expect_new_error(const mp_dataset *ds, size_t M, size_t K,
                             size_t Q, unsigned flags, const char *want)
{
    mp_task_sampler *s = (mp_task_sampler *)1;
    mp_error err = {0};
    CHECK_EQ(mp_task_sampler_new(ds, M, K, Q, flags, &s, &err), MP_EINVAL);
    CHECK(s == NULL);
    CHECK_(strstr(err.text, want) != NULL, "\"%s\" in \"%s\"", want, err.text);
}

static void check_errors(const mp_dataset *ds)
{
    expect_new_error(ds, 7, 1, 1, 0, "7-way tasks need 7 distinct classes, "
                                     "the data set has 6");
    expect_new_error(ds, 2, 8, 3, 0,
                     "class 0 has 10 samples, fewer than K + Q = 8 + 3");
    expect_new_error(ds, 0, 1, 1, 0, "need M >= 1");
    expect_new_error(ds, 2, 0, 0, 0, "K + Q >= 1");
    expect_new_error(ds, 2, 1, 1, 1u << 7, "unknown flags");
    mp_dataset *unl = NULL;
    mp_error err = {0};
    CHECK_OK(mp_ds_new(4, 2, 0, "unlabelled", &unl, &err));
    expect_new_error(unl, 2, 1, 1, 0, "no labels");
    mp_ds_free(unl);

    /* a task set up for another sampler's shape is refused */
    mp_task_sampler *a = NULL, *b = NULL;
    mp_task t;
    CHECK_OK(mp_task_sampler_new(ds, 2, 1, 1, 0, &a, &err));
    CHECK_OK(mp_task_sampler_new(ds, 3, 1, 1, 0, &b, &err));
    CHECK_OK(mp_task_init(&t, a, &err));
    mp_error e2 = {0};
    CHECK_EQ(mp_task_sample(b, 1, &t, &e2), MP_EINVAL);
    CHECK(strstr(e2.text, "mp_task_init") != NULL);
    mp_task_release(&t);
    mp_task_sampler_free(a);
    mp_task_sampler_free(b);

    /* K = 0 or Q = 0 are fine (query-only / train-only tasks) */
    CHECK_OK(mp_task_sampler_new(ds, 6, 0, 10, 0, &a, &err));
    CHECK_OK(mp_task_init(&t, a, &err));
    CHECK_OK(mp_task_sample(a, 5, &t, &err));
    check_task(ds, &t, 1);
    mp_task_release(&t);
    mp_task_sampler_free(a);
}

int main(void)
{
    mp_dataset *ds = make_set();
    CHECK(ds != NULL);
    if (!ds)
        return CHECK_DONE();
    check_default(ds);
    check_fixed(ds);
    check_replacement_and_remap(ds);
    check_errors(ds);
    mp_ds_free(ds);
    return CHECK_DONE();
}
