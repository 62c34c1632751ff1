/* Fuzz target: experiment files (mp_x_load_string), as `metaplast meta`
 * reads them. The experiment's "model" is a file of MP_FUZZ_FILES, where the
 * build puts the models the shipped experiments use (tests/fuzz/seed.cmake). */
#include "fuzz_common.h"

#include "meta/meta_int.h"

FUZZ_PLAIN_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_text_unsafe(data, size))
        return -1;
    mp_experiment *x = NULL;
    mp_error e;
    char buf[2048];
    mp_error_clear(&e);
    if (mp_x_load_string((const char *)data, size, "fuzz.json", MP_FUZZ_FILES, &x,
                         &e) != MP_OK)
        mp_error_format(&e, buf, sizeof buf);
    mp_x_free_experiment(x);
    return 0;
}
