/* ABI fixture: a spiking rule that declares it needs rate-network errors. */
#include "fixture.h"
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_needs", .version = "1.0", .summary = "needs on a spiking rule",
    .kind = MP_RULE_SPIKING,
    .needs = MP_NEED_E_POST, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_needs, desc)
