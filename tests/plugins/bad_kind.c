/* ABI fixture: kind 0 (no network kind). */
#include "fixture.h"
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_kind", .version = "1.0", .summary = "no kind",
    .kind = 0,
    .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_kind, desc)
