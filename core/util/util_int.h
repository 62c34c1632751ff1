/* Small internal utilities shared by the whole library. */
#ifndef MP_UTIL_INT_H
#define MP_UTIL_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metaplast/error.h"

#if defined(__GNUC__)
#define MP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MP_PRINTF(a, b)
#endif

/* The most steps one run may take. Step counters are int64_t; a count of at
 * most 2^62 leaves room to add two of them (steps done + steps to run)
 * without overflow, and converts to and from double exactly. The model
 * loader refuses durations beyond it (duration / dt), the kernel's loop
 * guards its own arithmetic with it. */
#define MP_MAX_STEPS ((int64_t)1 << 62)

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

/* Output files (core/util/output.c). DIR is followed as the user gave it;
 * NAME (relative, may contain directories, which are created) is never
 * followed through a symbolic link, and only a regular file is written.
 * Errors name DIR/NAME and give the system's reason: MP_EIO, MP_ENOMEM. */
enum { MP_U_OUT_TRUNCATE = 0, MP_U_OUT_APPEND = 1 };
/* Opens DIR/NAME for writing (created; emptied or appended to) into *out. */
int mp_u_open_output(const char *dir, const char *name, int mode, FILE **out,
                     mp_error *err);
/* Flushes and closes an output stream; an error now or earlier (ferror) is
 * reported for path. f NULL: MP_OK. */
int mp_u_close_output(FILE *f, const char *path, mp_error *err);
/* The error of a failed write to path, with strerror(e) (e 0: unknown). */
int mp_u_write_failed(const char *path, int e, mp_error *err);
/* Writes text as the whole of DIR/NAME. */
int mp_u_write_output(const char *dir, const char *name, const char *text, size_t len,
                      mp_error *err);
/* Replaces DIR/NAME by text atomically: an exclusively created temporary
 * file beside it (NAME.tmp.PID.K) is written, fsync'ed, renamed over NAME,
 * and the directory fsync'ed; a reader sees the old file or the new one. */
int mp_u_replace_output(const char *dir, const char *name, const char *text, size_t len,
                        mp_error *err);

/* Joins dir and name into a new string ("name" if it is absolute). */
char *mp_u_path_join(const char *dir, const char *name);

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
