/* ABI fixture: the descriptor claims to be smaller than a v1.0 one. */
#include "fixture.h"
static const mp_rule_desc desc = {MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR, 16, "bad_size", "1.0",
    "size too small", MP_RULE_SPIKING, NULL, 0, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_size, desc)
