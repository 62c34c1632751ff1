/* ABI fixture: kind 0 (no network kind). */
#include "fixture.h"
static const mp_rule_desc desc = {MP_RULE_HEADER, "bad_kind", "1.0", "no kind",
    0, NULL, 0, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(bad_kind, desc)
