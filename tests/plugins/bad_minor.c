/* ABI fixture: built for a newer minor version (1.99) than the host's. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA};
static const mp_rule_desc desc = {MP_RULE_ABI_MAJOR, 99, (uint32_t)sizeof(mp_rule_desc), "bad_minor",
    "1.0", "newer ABI minor", MP_RULE_SPIKING, params, 1, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_minor, desc)
