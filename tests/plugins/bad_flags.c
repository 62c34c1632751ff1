/* ABI fixture: a parameter with a flag bit this ABI does not define. */
#include "fixture.h"
static const mp_param_desc params[] = {{"eta", "1", "rate", 1e-3, 0.0, 1.0, MP_PARAM_COEF | (1u << 7)}};
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_flags", "1.0", "unknown flag",
    MP_RULE_SPIKING, params, 1, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_flags, desc)
