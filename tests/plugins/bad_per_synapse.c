/* ABI fixture: a per-synapse parameter that is not a coefficient. */
#include "fixture.h"
static const mp_param_desc params[] = {{"w_max", "1", "bound", 1.0, 0.0, 9.0, MP_PARAM_PER_SYNAPSE}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_per_synapse", .version = "1.0", .summary = "per-synapse non-coefficient",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 1, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_per_synapse, desc)
