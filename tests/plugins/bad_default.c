/* ABI fixture: a default outside its bounds. */
#include "fixture.h"
static const mp_param_desc params[] = {{"eta", "1", "learning rate", 2.0, 0.0, 1.0, MP_PARAM_COEF}};
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_default", "1.0", "default out of bounds",
    MP_RULE_SPIKING, params, 1, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_default, desc)
