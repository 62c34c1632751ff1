/* ABI fixture: the descriptor has no name. */
#include "fixture.h"
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = NULL, .version = "1.0", .summary = "no name",
    .kind = MP_RULE_SPIKING, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_noname, desc)
