/* ABI fixture: a trace time constant whose lower bound allows 0. */
#include "fixture.h"
static const mp_param_desc params[] = {{"tau_post", "ms", "trace", 20.0, 0.0, HUGE_VAL, MP_PARAM_TAU_POST}};
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_tau_lo", "1.0", "tau lower bound 0",
    MP_RULE_SPIKING, params, 1, NULL, NULL, NULL, fx_hook, NULL};
MP_RULE_DEFINE(bad_tau_lo, desc)
