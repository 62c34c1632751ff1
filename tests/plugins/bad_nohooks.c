/* ABI fixture: a spiking rule with neither on_pre nor on_post. */
#include "fixture.h"
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_nohooks", "1.0", "no hooks",
    MP_RULE_SPIKING, NULL, 0, NULL, NULL, NULL, NULL, NULL};
MP_RULE_DEFINE(bad_nohooks, desc)
