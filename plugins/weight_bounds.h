/* Hard weight bounds shared by the spiking rules (istdp.c, stdp.c): a
 * header inside plugins/, so each plugin still builds against rule.h alone.
 */
#ifndef MP_PLUGIN_WEIGHT_BOUNDS_H
#define MP_PLUGIN_WEIGHT_BOUNDS_H

#include <math.h>

#include "metaplast/rule.h"

/* reset: refuses w_min > w_max with a message naming both. */
static inline int wb_check(const mp_rule_ctx *c, double w_min, double w_max)
{
    if (w_min > w_max) {
        if (c->api)
            c->api->error(c->host, "w_min (%g) is above w_max (%g)", w_min, w_max);
        return MP_RULE_BUG;
    }
    return MP_RULE_OK;
}

/* Adds dw to w, clips; 0, or MP_RULE_BLOWUP when the sum is not finite. */
static inline int wb_bump(double *w, double dw, double lo, double hi)
{
    double v = *w + dw;
    if (!isfinite(v))
        return MP_RULE_BLOWUP;
    *w = v < lo ? lo : v > hi ? hi : v;
    return MP_RULE_OK;
}

#endif
