/* Fuzz target: model files (mp_model_load_string), as `metaplast check`
 * reads them. Paths in the input resolve inside MP_FUZZ_FILES and plugin
 * paths are skipped (fuzz_common.h). */
#include "fuzz_common.h"

#include "metaplast/model.h"

FUZZ_PLAIN_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_text_unsafe(data, size))
        return -1;
    mp_model *m = NULL;
    mp_error e;
    char buf[2048];
    mp_error_clear(&e);
    int rc = mp_model_load_string((const char *)data, size, "fuzz.json", MP_FUZZ_FILES,
                                  NULL, 0, &m, &e);
    if (rc == MP_OK)
        (void)mp_model_name(m);
    else
        mp_error_format(&e, buf, sizeof buf);
    mp_model_free(m);
    return 0;
}
