/* ABI fixture: needs a symbol nobody defines, so dlopen(RTLD_NOW) fails. */
#include "fixture.h"
extern double mp_fixture_missing_function(double);
static int hook(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    (void)idx;
    io->syn->w[0] = mp_fixture_missing_function((double)n);
    return MP_RULE_OK;
}
static const mp_rule_desc desc = {
    MP_RULE_HEADER,
    .name = "bad_undef", .version = "1.0", .summary = "unresolved symbol",
    .kind = MP_RULE_SPIKING, .on_pre = hook,
};
MP_RULE_DEFINE(bad_undef, desc)
