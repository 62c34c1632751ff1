/* ABI fixture: a default outside its bounds. */
#include "fixture.h"
static const mp_param_desc params[] = {{"eta", "1", "learning rate", 2.0, 0.0, 1.0, MP_PARAM_COEF}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_default", .version = "1.0", .summary = "default out of bounds",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 1, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_default, desc)
