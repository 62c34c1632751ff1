/* The library's allocator: every allocation of core/ and stimuli/ goes
 * through these wrappers, so that an application can replace the functions
 * (include/metaplast/alloc.h) and a test can fail any allocation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metaplast/alloc.h"
#include "util/util_int.h"

/* Plain pointers, set before any other call (alloc.h): reading them needs no
 * lock, and the default costs one indirect call per allocation. */
static mp_malloc_fn g_malloc = malloc;
static mp_realloc_fn g_realloc = realloc;
static mp_free_fn g_free = free;

void mp_set_alloc_funcs(mp_malloc_fn malloc_fn, mp_realloc_fn realloc_fn,
                        mp_free_fn free_fn)
{
    if (!malloc_fn || !realloc_fn || !free_fn) {
        malloc_fn = malloc;
        realloc_fn = realloc;
        free_fn = free;
    }
    g_malloc = malloc_fn;
    g_realloc = realloc_fn;
    g_free = free_fn;
}

void mp_get_alloc_funcs(mp_malloc_fn *malloc_fn, mp_realloc_fn *realloc_fn,
                        mp_free_fn *free_fn)
{
    if (malloc_fn)
        *malloc_fn = g_malloc;
    if (realloc_fn)
        *realloc_fn = g_realloc;
    if (free_fn)
        *free_fn = g_free;
}

void *mp_u_malloc(size_t size) { return g_malloc(size); }

/* calloc from malloc_fn: the application replaces three functions, not four;
 * a count * size that overflows fails like an allocation. */
void *mp_u_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = g_malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *mp_u_realloc(void *ptr, size_t size) { return g_realloc(ptr, size); }

void mp_u_free(void *ptr)
{
    if (ptr)
        g_free(ptr);
}

void mp_free(void *ptr) { mp_u_free(ptr); }
