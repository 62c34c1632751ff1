/* ABI fixture: two parameters called "eta". */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA, FX_PARAM_TAU, FX_PARAM_ETA};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_dup_param", .version = "1.0", .summary = "duplicate parameter",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 3, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_dup_param, desc)
