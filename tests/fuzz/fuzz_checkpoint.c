/* Fuzz target: meta-run checkpoints (checkpoint.json, as `metaplast meta
 * --resume` reads it), against two fixed experiments, one for each
 * optimizer: tests/experiments/valid/vogels_fd (Adam) and vogels_cmaes. */
#include "fuzz_common.h"

#include "meta/meta_int.h"

static mp_experiment *xs[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const files[2] = {
        MP_SOURCE_DIR "/tests/experiments/valid/vogels_fd/experiment.json",
        MP_SOURCE_DIR "/tests/experiments/valid/vogels_cmaes/experiment.json"};
    (void)argc;
    (void)argv;
    fuzz_setup();
    for (int i = 0; i < 2; i++) {
        mp_error e;
        mp_error_clear(&e);
        if (mp_x_load(files[i], &xs[i], &e) != MP_OK) {
            fprintf(stderr, "fuzz_checkpoint: %s: %s\n", files[i], e.text);
            abort();
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[2048];
    for (int i = 0; i < 2; i++) {
        mp_error e;
        mp_error_clear(&e);
        if (mp_x_checkpoint_load_string(xs[i], (const char *)data, size,
                                        "checkpoint.json", &e) != MP_OK)
            mp_error_format(&e, buf, sizeof buf);
    }
    return 0;
}
