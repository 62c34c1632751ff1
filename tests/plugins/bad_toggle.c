/* ABI fixture: a MP_PARAM_TOGGLE parameter whose bounds exceed [0, 1]. */
#include "fixture.h"
static const mp_param_desc params[] = {{"form", "1", "a switch", 1.0, 0.0, 2.0, MP_PARAM_TOGGLE}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_toggle", .version = "1.0", .summary = "toggle up to 2",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 1, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_toggle, desc)
