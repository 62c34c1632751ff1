/* ABI fixture: a trace time constant whose lower bound allows 0. */
#include "fixture.h"
static const mp_param_desc params[] = {{"tau_post", "ms", "trace", 20.0, 0.0, HUGE_VAL, 0}};
static const mp_trace_desc traces[] = {{MP_TRACE_POST, "tau_post"}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_tau_lo", .version = "1.0", .summary = "tau lower bound 0",
    .kind = MP_RULE_SPIKING,
    .params = params, .n_params = 1, .traces = traces, .n_traces = 1,
    .on_post = fx_hook,
};
MP_RULE_DEFINE(bad_tau_lo, desc)
