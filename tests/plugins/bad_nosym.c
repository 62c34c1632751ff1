/* ABI fixture: exports an entry under the wrong name (neither
 * mp_rule_bad_nosym_entry nor mp_rule_entry). */
#include "fixture.h"
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_nosym", .version = "1.0", .summary = "no entry symbol",
    .kind = MP_RULE_SPIKING, .on_pre = fx_hook,
};
MP_RULE_DEFINE(something_else, desc)
