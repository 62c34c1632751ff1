/* Fuzz target: IDX files, plain or gzip (mp_ds_load_idx_mem). The input is
 * the images file, then optionally the marker "@@LABELS@@" and the labels
 * file. */
#include "fuzz_common.h"

#include "stimuli/dataset_int.h"

#define MARK "@@LABELS@@"

FUZZ_PLAIN_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const size_t k = sizeof MARK - 1;
    size_t cut = size;
    for (size_t i = 0; i + k <= size; i++) {
        if (memcmp(data + i, MARK, k) == 0) {
            cut = i;
            break;
        }
    }
    int labelled = cut < size;
    mp_dataset *ds = NULL;
    mp_error e;
    char buf[2048];
    mp_error_clear(&e);
    if (mp_ds_load_idx_mem("images", data, cut, labelled ? "labels" : NULL,
                           labelled ? data + cut + k : NULL,
                           labelled ? size - cut - k : 0, 10, &ds, &e) != MP_OK)
        mp_error_format(&e, buf, sizeof buf);
    mp_ds_free(ds);
    return 0;
}
