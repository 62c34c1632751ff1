/* ABI fixture: the descriptor claims to be smaller than a v2.0 one. */
#include "fixture.h"
static const mp_rule_desc desc = {
    .abi_major = MP_RULE_ABI_MAJOR, .abi_minor = MP_RULE_ABI_MINOR, .size = 16,
    .name = "bad_size", .version = "1.0", .summary = "size too small",
    .kind = MP_RULE_SPIKING, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_size, desc)
