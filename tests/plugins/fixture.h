/* Shared bits of the ABI test fixtures (tests/plugins/NAME.c): each fixture is
 * one small plugin (rule ABI 2.0, designated initializers), built as a MODULE into <build>/tests/badplugins by
 * tests/plugin_cases.cmake, that breaks exactly one rule of the ABI. */
#ifndef MP_TEST_FIXTURE_H
#define MP_TEST_FIXTURE_H

#include <math.h>

#include "metaplast/rule.h"

static inline int fx_hook(const mp_spike_io *io, const uint32_t *idx, size_t n)
{
    (void)io;
    (void)idx;
    (void)n;
    return MP_RULE_OK;
}

#define FX_PARAM_ETA {"eta", "1", "learning rate", 1e-3, 0.0, HUGE_VAL, MP_PARAM_COEF}
#define FX_PARAM_TAU {"tau", "ms", "trace", 20.0, 1e-3, HUGE_VAL, 0}


#endif
