/* ABI fixture: exports an entry under the wrong name (neither
 * mp_rule_bad_nosym_entry nor mp_rule_entry). */
#include "fixture.h"
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_nosym", "1.0", "no entry symbol",
    MP_RULE_SPIKING, NULL, 0, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(something_else, desc)
