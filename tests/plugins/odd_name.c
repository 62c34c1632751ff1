/* Good fixture, built as "libmp_odd-name.v2.so": the loader derives the entry
 * name by dropping "lib" and "mp_", cutting at the first '.' and mapping '-'
 * to '_', so it looks for mp_rule_odd_name_entry. */
#include "fixture.h"
static const mp_param_desc params[] = {FX_PARAM_ETA, FX_PARAM_TAU};
static const mp_rule_desc desc = {MP_RULE_HEADER, "odd_name", "1.0", "derived entry name",
    MP_RULE_SPIKING, params, 2, NULL, NULL, fx_hook, NULL, NULL};
MP_RULE_DEFINE(odd_name, desc)
