/* metaplast — the library's allocator (after Jansson's json_set_alloc_funcs).
 *
 * Every block the library allocates (models, nets, recorders, experiments,
 * data sets, plugin state) comes from these three functions; by default they
 * are the C library's malloc, realloc and free. An application replaces them
 * to count, limit or pool memory, or to test its own handling of MP_ENOMEM by
 * failing an allocation on purpose (tests/test_alloc_failure.c does this for
 * every allocation in turn).
 *
 * Not covered: Jansson's allocations (parsed JSON, summaries, logs), which
 * follow Jansson's own process-wide json_set_alloc_funcs, left to the
 * application because it may use Jansson itself (to route them here too, call
 * json_set_alloc_funcs(malloc_fn, free_fn) as well); GSL's (random number
 * generators, the rkf45 integrator, small matrices) and zlib's (reading
 * .gz files), which always use malloc; and the C library's own (stdio
 * buffers, dlopen). Plugins allocate nothing (rule.h): the host allocates
 * their state, through these functions. */
#ifndef METAPLAST_ALLOC_H
#define METAPLAST_ALLOC_H

#include <stddef.h>

#include "metaplast/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *(*mp_malloc_fn)(size_t size);
typedef void *(*mp_realloc_fn)(void *ptr, size_t size);
typedef void (*mp_free_fn)(void *ptr);

/* Replaces the library's allocator. realloc_fn must behave as C's realloc
 * (a NULL ptr allocates); a failed allocation returns NULL, and the library
 * then fails with MP_ENOMEM and a message saying what it was allocating.
 * Passing NULL for any of the three restores the C library's functions.
 *
 * Thread safety: the functions are process-wide, read without locking. Set
 * them before any other call of the library, and never while a model, net or
 * experiment made under the previous ones is alive (its blocks would be freed
 * by a free_fn that did not allocate them). The functions themselves are
 * called from every thread that runs a net or an evaluation, so they must be
 * thread-safe if the application runs the library in several threads. */
MP_API void mp_set_alloc_funcs(mp_malloc_fn malloc_fn, mp_realloc_fn realloc_fn,
                               mp_free_fn free_fn);

/* Frees a block the library handed to the caller (a string such as
 * mp_meta_eval_json's text or mp_meta_resume_experiment's path) with the
 * library's free function. NULL: nothing. */
MP_API void mp_free(void *ptr);

/* The functions in use (any pointer may be NULL to skip it). */
MP_API void mp_get_alloc_funcs(mp_malloc_fn *malloc_fn, mp_realloc_fn *realloc_fn,
                               mp_free_fn *free_fn);

#ifdef __cplusplus
}
#endif
#endif
