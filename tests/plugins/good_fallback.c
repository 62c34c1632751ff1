/* Good fixture: exports only the fallback entry name mp_rule_entry. It also
 * declares only on_post and one postsynaptic trace. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA,
    {"tau_post", "ms", "trace", 15.0, 1e-3, HUGE_VAL, 0}};
static const mp_trace_desc traces[] = {{MP_TRACE_POST, "tau_post"}};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "fallback", .version = "0.1", .summary = "uses mp_rule_entry",
    .kind = MP_RULE_SPIKING, .params = params, .n_params = 2,
    .traces = traces, .n_traces = 1, .on_post = fx_hook,
};
MP_RULE_EXPORT const mp_rule_desc *mp_rule_entry(const mp_host_api *host);
MP_RULE_EXPORT const mp_rule_desc *mp_rule_entry(const mp_host_api *host)
{
    (void)host;
    return &desc;
}
