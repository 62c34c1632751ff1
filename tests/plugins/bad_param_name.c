/* ABI fixture: a parameter name that is not [a-z][a-z0-9_]*. */
#include "fixture.h"
static const mp_param_desc params[] = {{"A_plus", "1", "amplitude", 0.01, 0.0, 1.0, MP_PARAM_COEF}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_param_name", .version = "1.0", .summary = "bad parameter name",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 1, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_param_name, desc)
