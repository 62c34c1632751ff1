/* Fuzz target: spike files, the CSV "t_ms,neuron" of a spike_file stimulus
 * (mp_m_spike_file_parse), for a stimulus of 100 neurons. The .npy reader
 * does not exist yet; when it lands it gets a target of its own here. */
#include "fuzz_common.h"

#include "model/load_int.h"

FUZZ_PLAIN_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_m_spike_file sf = {.file = "spikes.csv", .size = 100};
    mp_error e;
    char buf[2048];
    mp_error_clear(&e);
    if (mp_m_spike_file_parse(&sf, "stimuli[0].file", (const char *)data, size, &e) !=
        MP_OK)
        mp_error_format(&e, buf, sizeof buf);
    free(sf.t);
    free(sf.id);
    return 0;
}
