/* Fixture: a valid rule whose state_size asks for 2^60 doubles (2^63 bytes),
 * so a net using it must be refused naming the rule and the bytes
 * (tests/test_net_sizes.c) instead of failing with a bare "out of memory". */
#include "fixture.h"
static size_t huge(const double *p, uint32_t n_pre, uint32_t n_post)
{
    (void)p;
    (void)n_pre;
    (void)n_post;
    return (size_t)1 << 60;
}
static const mp_param_desc params[] = {FX_PARAM_ETA};
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "huge_state", .version = "0.1", .summary = "asks for 2^60 doubles",
    .kind = MP_RULE_SPIKING, .params = params, .n_params = 1,
    .state_size = huge, .on_pre = fx_hook,
};
MP_RULE_DEFINE(huge_state, desc)
