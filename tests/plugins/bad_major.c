/* ABI fixture: built for a future major version (2.0). */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA};
static const mp_rule_desc desc = {2, 0, (uint32_t)sizeof(mp_rule_desc), "bad_major", "1.0",
    "wrong ABI major", MP_RULE_SPIKING, params, 1, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_major, desc)
