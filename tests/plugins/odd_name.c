/* Good fixture, built as "libmp_odd-name.v2.so": the loader derives the entry
 * name by dropping "lib" and "mp_", cutting at the first '.' and mapping '-'
 * to '_', so it looks for mp_rule_odd_name_entry. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA, FX_PARAM_TAU};
static const mp_trace_desc traces[] = {{MP_TRACE_PRE, "tau"}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "odd_name", .version = "1.0", .summary = "derived entry name",
    .kind = MP_RULE_SPIKING, .params = params, .n_params = 2,
    .traces = traces, .n_traces = 1, .on_pre = fx_hook,
};
MP_RULE_DEFINE(odd_name, desc)
