/* ABI fixture: nine spike traces, one more than MP_RULE_MAX_TRACES. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_TAU};
static const mp_trace_desc traces[] = {
    {MP_TRACE_PRE, "tau"},  {MP_TRACE_PRE, "tau"},  {MP_TRACE_PRE, "tau"},
    {MP_TRACE_PRE, "tau"},  {MP_TRACE_POST, "tau"}, {MP_TRACE_POST, "tau"},
    {MP_TRACE_POST, "tau"}, {MP_TRACE_POST, "tau"}, {MP_TRACE_POST, "tau"}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_many_traces", .version = "1.0", .summary = "nine traces",
    .kind = MP_RULE_SPIKING, .params = params, .n_params = 1,
    .traces = traces, .n_traces = 9, .on_pre = fx_hook,
};
MP_RULE_DEFINE(bad_many_traces, desc)
