/* ABI fixture: a trace of neither side. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_TAU};
static const mp_trace_desc traces[] = {{2, "tau"}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_trace_side", .version = "1.0", .summary = "trace side 2",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 1, .traces = traces, .n_traces = 1,
    .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_trace_side, desc)
