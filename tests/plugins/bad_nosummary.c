/* ABI fixture: the descriptor has no summary. */
#include "fixture.h"
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_nosummary", .version = "1.0", .summary = NULL,
    .kind = MP_RULE_SPIKING, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_nosummary, desc)
