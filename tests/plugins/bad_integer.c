/* ABI fixture: a MP_PARAM_INTEGER parameter with the default 2.5. */
#include "fixture.h"
static const mp_param_desc params[] = {{"order", "1", "an integer", 2.5, 0.0, 9.0, MP_PARAM_INTEGER}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_integer", .version = "1.0", .summary = "non-integral default",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 1, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_integer, desc)
