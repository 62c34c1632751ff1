/* ABI fixture: built for a newer minor version (2.99) than the host's. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA};
static const mp_rule_desc desc = {
    .abi_major = MP_RULE_ABI_MAJOR, .abi_minor = 99, .size = (uint32_t)sizeof(mp_rule_desc),
    .name = "bad_minor", .version = "1.0", .summary = "newer ABI minor",
    .kind = MP_RULE_SPIKING, .params = params, .n_params = 1, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_minor, desc)
