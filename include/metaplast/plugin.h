/* metaplast — rule plugins seen from a program: find them, open one, read
 * its descriptor, check its derivative hooks.
 *
 * Models open the plugins they name themselves (model.h); this header is for
 * tools that look at plugins on their own: `metaplast plugins` lists the
 * search path with mp_plugin_visit_all, `metaplast plugins --gradcheck`
 * calls mp_plugin_gradcheck. The descriptor types are those of rule.h.
 */
#ifndef METAPLAST_PLUGIN_H
#define METAPLAST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "metaplast/rule.h"

#include "metaplast/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded plugin file; its module stays loaded until mp_plugin_close. */
typedef struct mp_plugin mp_plugin;

/* Opens a rule as a model file names it (docs/rule-abi.md §7): a bare name
 * ("oja") is looked up on the plugin search path, a path (it contains '/'
 * or ends in ".so") is taken relative to the current directory. The
 * descriptor is validated exactly as when a model loads it.
 * alloc: yes | errors: MP_EPLUGIN (not found, refused: err names the file
 * and the reason), MP_ENOMEM */
MP_API int mp_plugin_open(const char *name_or_path, mp_plugin **out, mp_error *err);

MP_API void mp_plugin_close(mp_plugin *p);

/* The validated descriptor (rule.h): valid until mp_plugin_close. */
MP_API const mp_rule_desc *mp_plugin_desc(const mp_plugin *p);

/* The file the plugin was loaded from: valid until mp_plugin_close. */
MP_API const char *mp_plugin_path(const mp_plugin *p);

/* The plugin search directories in search order, joined by ':' into buf
 * (size n, cut if too small). Returns the number of directories. */
MP_API size_t mp_plugin_search_path(char *buf, size_t n);

/* Calls fn once for every *.so file in the search path's directories, in
 * search order (a file name found twice is visited once: the first wins),
 * with the opened plugin, or with p NULL and the reason it failed to load.
 * p and err are valid only during the call. */
typedef void (*mp_plugin_visit_fn)(void *user, const char *path,
                                   const mp_plugin *p, const mp_error *err);
MP_API void mp_plugin_visit_all(mp_plugin_visit_fn fn, void *user);

/* ---- checking derivative hooks against finite differences ---------------- */

#define MP_GRADCHECK_MAX_ARGS 40
#define MP_GRADCHECK_NAME_LEN 40

/* One argument of a derivative hook: the worst relative error of the hook's
 * vector-Jacobian product against finite differences over every trial,
 *   max_i |vjp_i - fd_i| / max(max_i |fd_i|, max_i |vjp_i|)
 * (0 when both are zero: an argument the rule does not read). */
typedef struct mp_gradcheck_arg {
    char name[MP_GRADCHECK_NAME_LEN]; /* "W", "y_pre", ..., or "p.<param>" */
    double rel_err;
    double scale;   /* max |fd| seen: 0 means the rule does not depend on it */
    int ok;         /* rel_err <= tol */
} mp_gradcheck_arg;

typedef struct mp_gradcheck {
    /* set by the caller before the call (0: the default in brackets) */
    double tol;       /* [1e-6] */
    unsigned trials;  /* random points [3] */
    uint32_t n_pre, n_post; /* sizes of the test projection [5, 4] */
    uint64_t seed;    /* of the random points [1] */
    /* results */
    size_t n_args;
    mp_gradcheck_arg arg[MP_GRADCHECK_MAX_ARGS];
    int accumulates;  /* the hook adds into its outputs (+=), as rule.h asks */
    int keeps_inputs; /* the hook leaves W and its inputs alone */
    int passed;       /* every arg ok, accumulates and keeps_inputs */
} mp_gradcheck;

/* Checks a rate rule's MP_RULE_GRAD_V1 step_vjp (rule.h) against central
 * finite differences (fourth order) of phi = <R, W'>, W' = W + dW from the
 * rule's own step hook, R random, on random points: W in [-0.5, 0.5],
 * activations in [0.05, 1], errors in [-1, 1], every coefficient
 * (MP_PARAM_COEF) uniform in [-1, 1] cut to its bounds, other parameters at
 * their defaults. A failed check is not an error: g->passed says it, and
 * the arguments that failed have ok == 0.
 * errors: MP_EINVAL (not a rate rule, no step hook, no MP_RULE_GRAD_V1
 * extension: err says what the rule lacks), MP_EPLUGIN (a hook returned an
 * error or a blow-up: err has the rule's message), MP_ENOMEM */
MP_API int mp_plugin_gradcheck(const mp_plugin *p, mp_gradcheck *g, mp_error *err);

#ifdef __cplusplus
}
#endif
#endif
