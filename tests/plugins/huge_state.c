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
static const mp_rule_desc desc = {MP_RULE_HEADER, "huge_state", "0.1", "asks for 2^60 doubles",
    MP_RULE_SPIKING, params, 1, huge, NULL, fx_hook, NULL};
MP_RULE_DEFINE(huge_state, desc)
