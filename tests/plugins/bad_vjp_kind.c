/* ABI fixture: a spiking rule with a step_vjp. */
#include "fixture.h"
static int vjp(const mp_rate_io *io, const mp_rate_adj *adj)
{
    (void)io, (void)adj;
    return MP_RULE_OK;
}
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_vjp_kind", .version = "1.0", .summary = "step_vjp without step",
    .kind = MP_RULE_SPIKING,
    .on_pre = fx_hook, .step_vjp = vjp,
};
MP_RULE_DEFINE(bad_vjp_kind, desc)
