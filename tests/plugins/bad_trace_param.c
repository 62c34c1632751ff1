/* ABI fixture: a trace whose time constant is not a parameter of the rule. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA, FX_PARAM_TAU};
static const mp_trace_desc traces[] = {{MP_TRACE_PRE, "tau"}, {MP_TRACE_POST, "tau_slow"}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_trace_param", .version = "1.0", .summary = "trace of an unknown tau",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 2, .traces = traces, .n_traces = 2,
    .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_trace_param, desc)
