/* Fuzz target: NumPy .npy files (mp_u_npy_parse, core/util/npy.c) and the
 * data set made of two of them (mp_ds_from_npy, stimuli/npy_data.c). The
 * input is the inputs file, then optionally the marker "@@LABELS@@" and a
 * labels (or, when the marker is "@@TARGETS@@", targets) file.
 *
 * Besides crashes it checks one property: an array the reader accepts,
 * written again by mp_u_npy_encode and read back, has the same shape and
 * the same values bit for bit (abort() otherwise). */
#include "fuzz_common.h"

#include "stimuli/dataset_int.h"
#include "util/npy.h"
#include "util/util_int.h"

FUZZ_PLAIN_INITIALIZE

/* Parses data; on success re-encodes and checks the round trip. */
static int parse(const uint8_t *data, size_t size, unsigned accept, mp_u_npy *a)
{
    mp_error e;
    char buf[2048];
    mp_error_clear(&e);
    if (mp_u_npy_parse("t.npy", data, size, accept, a, &e) != MP_OK) {
        mp_error_format(&e, buf, sizeof buf);
        return 0;
    }
    char *enc = NULL, idx[256];
    size_t len = 0;
    mp_u_npy b;
    if (a->count)
        mp_u_npy_index_text(a, a->count - 1, idx, sizeof idx);
    if (mp_u_npy_encode(a->rank, a->shape, a->data, &enc, &len, &e) == MP_OK) {
        if (mp_u_npy_parse("r.npy", enc, len, MP_U_NPY_FLOAT, &b, &e) != MP_OK ||
            b.rank != a->rank || b.count != a->count ||
            memcmp(b.shape, a->shape, sizeof a->shape) != 0 ||
            (a->count && memcmp(b.data, a->data, a->count * sizeof(double)) != 0))
            abort();
        mp_u_npy_release(&b);
    }
    mp_u_free(enc);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const marks[] = {"@@LABELS@@", "@@TARGETS@@"};
    size_t cut = size, mark_len = 0;
    int kind = MP_DS_NPY_NONE;
    for (size_t i = 0; i < size && !mark_len; i++)
        for (int m = 0; m < 2; m++) {
            size_t k = strlen(marks[m]);
            if (i + k <= size && memcmp(data + i, marks[m], k) == 0) {
                cut = i;
                mark_len = k;
                kind = m == 0 ? MP_DS_NPY_LABELS : MP_DS_NPY_TARGETS;
                break;
            }
        }
    mp_u_npy x, y;
    memset(&y, 0, sizeof y);
    int ok = parse(data, cut, MP_U_NPY_FLOAT | (size & 1 ? MP_U_NPY_FINITE : 0), &x);
    if (ok && kind != MP_DS_NPY_NONE)
        ok = parse(data + cut + mark_len, size - cut - mark_len,
                   MP_U_NPY_FLOAT | (kind == MP_DS_NPY_LABELS ? MP_U_NPY_INT : 0), &y);
    if (ok) {
        mp_dataset *ds = NULL;
        mp_error e;
        char buf[2048];
        mp_error_clear(&e);
        if (mp_ds_from_npy("x.npy", &x, "y.npy", kind ? &y : NULL, kind, 0, &ds, &e) !=
            MP_OK)
            mp_error_format(&e, buf, sizeof buf);
        mp_ds_free(ds);
    }
    mp_u_npy_release(&x);
    mp_u_npy_release(&y);
    return 0;
}
