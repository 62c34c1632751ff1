/* Good fixture: exports only the fallback entry name mp_rule_entry. It also
 * declares only on_post and a TAU_POST parameter. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA,
    {"tau_post", "ms", "trace", 15.0, 1e-3, HUGE_VAL, MP_PARAM_TAU_POST}};
static const mp_rule_desc desc = {MP_RULE_HEADER, "fallback", "0.1", "uses mp_rule_entry",
    MP_RULE_SPIKING, params, 2, NULL, NULL, NULL, fx_hook, NULL};
MP_RULE_EXPORT const mp_rule_desc *mp_rule_entry(const mp_host_api *host);
MP_RULE_EXPORT const mp_rule_desc *mp_rule_entry(const mp_host_api *host)
{
    (void)host;
    return &desc;
}
