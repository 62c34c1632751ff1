/* The services table handed to every plugin entry point (mp_host_api). */
#include <stdarg.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "plugin/host_ctx.h"
#include "plugin/plugin_int.h"
#include "util/util_int.h"

static void host_error(void *host, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!host) {
        mp_p_entry_verror(fmt, ap);
    } else {
        const mp_p_host_ctx *c = host;
        char msg[MP_ERROR_TEXT_LEN];
        vsnprintf(msg, sizeof msg, fmt ? fmt : "(no message)", ap);
        mp_u_err(c->err, MP_EPLUGIN, NULL, 0, 0, NULL,
                 "projection '%s' (rule %s): %s",
                 c->proj_name ? c->proj_name : "?",
                 c->rule_name ? c->rule_name : "?", msg);
    }
    va_end(ap);
}

static double host_uniform(void *host)
{
    const mp_p_host_ctx *c = host;
    if (!c || !c->rng)
        return 0.0;
    return gsl_rng_uniform((gsl_rng *)c->rng);
}

static const mp_host_api host_api = {
    MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR, (uint32_t)sizeof(mp_host_api),
    host_error, host_uniform};

const mp_host_api *mp_p_host_api(void) { return &host_api; }
