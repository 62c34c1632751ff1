/* ABI fixture: built for a future major version (3.0). */
#include "fixture.h"
static const mp_rule_desc desc = {
    .abi_major = 3, .abi_minor = 0, .size = (uint32_t)sizeof(mp_rule_desc),
    .name = "bad_future", .version = "1.0", .summary = "future ABI major",
    .kind = MP_RULE_SPIKING, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_future, desc)
