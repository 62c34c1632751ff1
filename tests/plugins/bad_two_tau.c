/* ABI fixture: two presynaptic trace time constants. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_TAU,
    {"tau2", "ms", "second trace", 10.0, 1e-3, HUGE_VAL, MP_PARAM_TAU_PRE}};
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_two_tau", "1.0", "two TAU_PRE",
    MP_RULE_SPIKING, params, 2, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_two_tau, desc)
