/* Small internal utilities shared by the whole library. */
#ifndef MP_UTIL_INT_H
#define MP_UTIL_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"

#if defined(__GNUC__)
#define MP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MP_PRINTF(a, b)
#endif

/* Sets err (if non-NULL and still empty: the first error wins) and returns
 * code, so callers can write `return mp_u_err(err, MP_EINVAL, ...)`.
 * file/path may be NULL; line/col 0 when unknown. */
int mp_u_err(mp_error *err, int code, const char *file, int line, int col,
             const char *path, const char *fmt, ...) MP_PRINTF(7, 8);
int mp_u_verr(mp_error *err, int code, const char *file, int line, int col,
              const char *path, const char *fmt, va_list ap);

/* strdup that returns NULL on NULL input. */
char *mp_u_strdup(const char *s);

/* Creates a directory and its parents (mkdir -p). errors: MP_EIO */
int mp_u_mkdir_p(const char *dir, mp_error *err);

/* Joins dir and name into a new string ("name" if it is absolute). */
char *mp_u_path_join(const char *dir, const char *name);

/* Reads a whole file into a new NUL-terminated buffer (*text, free it; *len
 * bytes without the NUL). Returns MP_U_READ_OK, or MP_U_READ_OPEN /
 * MP_U_READ_IO with the system's errno in *errnum, or MP_U_READ_NOMEM; the
 * caller words the message (it knows what kind of file it asked for). */
enum { MP_U_READ_OK, MP_U_READ_OPEN, MP_U_READ_IO, MP_U_READ_NOMEM };
int mp_u_read_file(const char *path, char **text, size_t *len, int *errnum);

/* Monotonic wall clock, seconds. */
double mp_u_wall_seconds(void);

/* Seeds of independent random streams. A stream is identified by the run's
 * master seed, a kind (MP_STREAM_*) and an index (population, stimulus,
 * projection number); the result depends on nothing else, so results depend
 * on the seed alone. */
enum {
    MP_STREAM_POPULATION_INIT = 1,
    MP_STREAM_STIMULUS = 2,
    MP_STREAM_CONNECT = 3,
    MP_STREAM_WEIGHTS = 4,
    MP_STREAM_RULE = 5,
    MP_STREAM_FEEDBACK = 6, /* rate networks: B of projection j */
    MP_STREAM_DATA = 7      /* rate networks: data order, splits, Gaussian sets */
};
uint64_t mp_u_stream_seed(uint64_t master, uint32_t kind, uint64_t index);

#endif
