/* ABI fixture: a parameter with a flag bit this ABI does not define. */
#include "fixture.h"
static const mp_param_desc params[] = {{"eta", "1", "rate", 1e-3, 0.0, 1.0, MP_PARAM_COEF | (1u << 7)}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_flags", .version = "1.0", .summary = "unknown flag",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 1, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_flags, desc)
