/* ABI fixture: the descriptor has no summary. */
#include "fixture.h"
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_nosummary", "1.0", NULL,
    MP_RULE_SPIKING, NULL, 0, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_nosummary, desc)
