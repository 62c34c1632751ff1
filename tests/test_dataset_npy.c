/* Data sets from .npy arrays (stimuli/npy_data.c): labels and targets
 * copied as given, the number of classes taken from the labels, each
 * mismatch and bad value refused with its exact message; and the model
 * tests/models/valid/rate_npy_targets, whose train_limit keeps the first
 * rows of inputs and targets together. (The messages as a model reports
 * them are the cases tests/models/invalid/rate_npy_*.) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "metaplast/model.h"
#include "model/model_int.h"
#include "stimuli/dataset_int.h"
#include "util/npy.h"

/* An array of the given shape over caller's values (not owned). */
static mp_u_npy array(double *v, size_t rank, size_t d0, size_t d1)
{
    mp_u_npy a;
    memset(&a, 0, sizeof a);
    a.rank = rank;
    a.shape[0] = d0;
    a.shape[1] = d1;
    a.count = rank == 1 ? d0 : d0 * d1;
    a.data = v;
    return a;
}

static const char *msg(const mp_error *err)
{
    static char buf[1024];
    return mp_error_format(err, buf, sizeof buf);
}

static void expect(const mp_u_npy *x, const mp_u_npy *y, enum mp_ds_npy_kind kind,
                   size_t n_classes, int code, const char *want)
{
    mp_dataset *ds = (mp_dataset *)1;
    mp_error err;
    mp_error_clear(&err);
    CHECK_EQ(mp_ds_from_npy("x.npy", x, "y.npy", y, kind, n_classes, &ds, &err), code);
    CHECK(ds == NULL);
    CHECK_STR(msg(&err), want);
}

static void from_arrays(void)
{
    double xv[8] = {1, 2, 3, 4, 5, 6, 7, 8}, lab[4] = {2, 0, 3, 0}, tv[8];
    for (size_t i = 0; i < 8; i++)
        tv[i] = -0.5 * (double)i;
    mp_u_npy x = array(xv, 2, 4, 2), y = array(lab, 1, 4, 0), t = array(tv, 2, 4, 2);
    mp_dataset *ds = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_ds_from_npy("x.npy", &x, "y.npy", &y, MP_DS_NPY_LABELS, 0, &ds, &err));
    CHECK(ds && ds->n == 4 && ds->dim == 2 && ds->n_classes == 4 && !ds->target);
    CHECK(ds && memcmp(ds->x, xv, sizeof xv) == 0);
    CHECK(ds && ds->label[0] == 2 && ds->label[2] == 3 && ds->label[3] == 0);
    CHECK_STR(ds ? ds->source : "", "x.npy");
    mp_ds_free(ds);
    CHECK_OK(mp_ds_from_npy("x.npy", &x, "y.npy", &y, MP_DS_NPY_LABELS, 10, &ds, &err));
    CHECK(ds && ds->n_classes == 10);
    mp_ds_free(ds);
    CHECK_OK(mp_ds_from_npy("x.npy", &x, "t.npy", &t, MP_DS_NPY_TARGETS, 0, &ds, &err));
    CHECK(ds && !ds->label && ds->n_classes == 0 && ds->target_dim == 2);
    CHECK(ds && memcmp(ds->target, tv, sizeof tv) == 0);
    mp_ds_free(ds);
    mp_u_npy t1 = array(tv, 1, 4, 0);
    CHECK_OK(mp_ds_from_npy("x.npy", &x, "t.npy", &t1, MP_DS_NPY_TARGETS, 0, &ds, &err));
    CHECK(ds && ds->target_dim == 1 && ds->target[3] == tv[3]);
    mp_ds_free(ds);
    CHECK_OK(mp_ds_from_npy("x.npy", &x, NULL, NULL, MP_DS_NPY_NONE, 0, &ds, &err));
    CHECK(ds && !ds->label && !ds->target);
    mp_ds_free(ds);

    expect(&y, NULL, MP_DS_NPY_NONE, 0, MP_EINVAL,
           "x.npy: shape (4,), expected (any, any) (inputs: samples x features)");
    mp_u_npy x0 = array(xv, 2, 4, 0), xe = array(xv, 2, 0, 2);
    expect(&x0, NULL, MP_DS_NPY_NONE, 0, MP_EINVAL,
           "x.npy: shape (4, 0): the inputs need at least one sample of at least one "
           "feature");
    expect(&xe, NULL, MP_DS_NPY_NONE, 0, MP_EINVAL,
           "x.npy: shape (0, 2): the inputs need at least one sample of at least one "
           "feature");
    xv[5] = -INFINITY;
    expect(&x, NULL, MP_DS_NPY_NONE, 0, MP_EINVAL,
           "x.npy: value [2, 1] is not finite (-inf): the inputs must be finite");
    xv[5] = 6;
    expect(&x, &t, MP_DS_NPY_LABELS, 0, MP_EINVAL,
           "y.npy: shape (4, 2), expected (4,) (labels: one per sample of x.npy)");
    lab[1] = -1;
    expect(&x, &y, MP_DS_NPY_LABELS, 0, MP_EINVAL,
           "y.npy: sample 1 has label -1: a label is a class index, an integer 0, 1, "
           "2, ...");
    lab[1] = NAN;
    expect(&x, &y, MP_DS_NPY_LABELS, 0, MP_EINVAL,
           "y.npy: sample 1 has label nan: a label is a class index, an integer 0, 1, "
           "2, ...");
    lab[1] = 1048576;
    expect(&x, &y, MP_DS_NPY_LABELS, 0, MP_EINVAL,
           "y.npy: sample 1 has label 1048576: at most 1048576 classes are supported");
    lab[1] = 0;
    expect(&x, &y, MP_DS_NPY_LABELS, 3, MP_EINVAL,
           "y.npy: sample 2 has label 3, outside 0..2 (3 classes)");
    mp_u_npy t3 = array(tv, 2, 3, 2), tz = array(tv, 2, 4, 0);
    expect(&x, &t3, MP_DS_NPY_TARGETS, 0, MP_EINVAL,
           "y.npy: shape (3, 2), expected (4, any) (targets: samples x outputs, one row "
           "per sample of x.npy)");
    expect(&x, &tz, MP_DS_NPY_TARGETS, 0, MP_EINVAL,
           "y.npy: shape (4, 0): a target row needs at least one value");
    tv[7] = NAN;
    expect(&x, &t, MP_DS_NPY_TARGETS, 0, MP_EINVAL,
           "y.npy: value [3, 1] is not finite (nan): the targets must be finite");
}

/* train_limit 3 keeps rows 0..2 of x.npy and t.npy (t = x reversed x 10). */
static void model_targets(void)
{
    const char *src = getenv("MP_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/models/valid/rate_npy_targets/model.json",
             src ? src : "..");
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_model_load(path, NULL, 0, &m, &err));
    if (!m) {
        fprintf(stderr, "%s\n", msg(&err));
        return;
    }
    const mp_dataset *tr = m->data.train, *te = m->data.test;
    CHECK(tr->n == 3 && tr->dim == 2 && tr->target_dim == 2 && !tr->label);
    int same = 1;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++)
            same &= tr->x[i * 2 + j] == (double)(i * 2 + j) &&
                    tr->target[i * 2 + j] == 10.0 * (double)(i * 2 + 1 - j);
    CHECK(same);
    CHECK(te && te->n == 2 && te->target_dim == 2 && te->target[1] == 0.0);
    mp_model_free(m);
}

int main(void)
{
    from_arrays();
    model_targets();
    return CHECK_DONE();
}
