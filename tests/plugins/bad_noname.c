/* ABI fixture: the descriptor has no name. */
#include "fixture.h"
static const mp_rule_desc desc = {MP_RULE_HEADER, NULL, "1.0", "no name",
    MP_RULE_SPIKING, NULL, 0, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_noname, desc)
