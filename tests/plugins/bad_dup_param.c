/* ABI fixture: two parameters called "eta". */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA, FX_PARAM_TAU, FX_PARAM_ETA};
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_dup_param", "1.0", "duplicate parameter",
    MP_RULE_SPIKING, params, 3, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_dup_param, desc)
