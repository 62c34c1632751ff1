/* The host side of mp_host_api: the context a hook's io->host points to.
 *
 * The kernel owns one mp_p_host_ctx per plastic projection of a net and puts
 * its address in the io's c.host (mp_rule_ctx) before calling a hook.
 * Plugins see it only as `void *` and pass it back to the mp_host_api functions (host_api.c):
 *   error(host, fmt, ...)  records "projection 'P' (rule R): <message>" in
 *                          *err with code MP_EPLUGIN (first error wins);
 *   uniform(host)          returns gsl_rng_uniform(rng), in [0, 1).
 *
 * During a plugin's entry call no projection exists yet (the entry only gets
 * the api table), so a plugin that refuses the host calls error(NULL, ...):
 * that message is kept in a thread-local buffer of loader.c
 * (mp_p_entry_verror) and shows up in the loader's "entry returned NULL"
 * error. uniform(NULL) returns 0.
 */
#ifndef MP_PLUGIN_HOST_CTX_H
#define MP_PLUGIN_HOST_CTX_H

#include <stdarg.h>

#include "metaplast/error.h"

typedef struct mp_p_host_ctx {
    mp_error *err;         /* where error() writes; borrowed, may be NULL */
    const char *proj_name; /* projection name, for messages; borrowed */
    const char *rule_name; /* desc->name, for messages; borrowed */
    void *rng;             /* gsl_rng *: this projection's stream; borrowed */
} mp_p_host_ctx;

/* Keeps an entry-time message (host == NULL) in loader.c's thread-local
 * buffer; the first message of a load wins. */
void mp_p_entry_verror(const char *fmt, va_list ap);

#endif
