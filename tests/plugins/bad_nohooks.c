/* ABI fixture: a spiking rule with neither on_pre nor on_post. */
#include "fixture.h"
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_nohooks", .version = "1.0", .summary = "no hooks",
    .kind = MP_RULE_SPIKING,
};
MP_RULE_DEFINE(bad_nohooks, desc)
