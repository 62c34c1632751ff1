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

/* Sets err (if non-NULL and still empty: the first error wins) and returns
 * code, so callers can write `return mp_u_err(err, MP_EINVAL, ...)`.
 * file/path may be NULL; line/col 0 when unknown. */
int mp_u_err(mp_error *err, int code, const char *file, int line, int col,
             const char *path, const char *fmt, ...) MP_PRINTF(7, 8);
int mp_u_verr(mp_error *err, int code, const char *file, int line, int col,
              const char *path, const char *fmt, va_list ap);

/* The library's allocator (alloc.c): malloc, calloc, realloc and free
 * through the functions of mp_set_alloc_funcs. Every allocation of core/ and
 * stimuli/ uses these, never the C library's directly, and a block is freed
 * with mp_u_free (memory from Jansson, realpath or GSL is freed by them). */
void *mp_u_malloc(size_t size);
void *mp_u_calloc(size_t count, size_t size);
void *mp_u_realloc(void *ptr, size_t size);
void mp_u_free(void *ptr);

/* strdup that returns NULL on NULL input. */
char *mp_u_strdup(const char *s);
/* strndup: at most n bytes of s, always terminated. */
char *mp_u_strndup(const char *s, size_t n);

/* The canonical absolute form of path, as a new string (free with mp_u_free);
 * NULL when it does not resolve. */
char *mp_u_realpath(const char *path);

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
/* Removes from DIR the temporary files that mp_u_replace_output leaves when
 * its process is killed between creating one and renaming it: names
 * LEAF.tmp.<pid>.<k> exactly, for each LEAF of the NULL-terminated list,
 * regular files only (links are never followed nor removed), and only when
 * no process <pid> is alive here (a live one may still rename its file).
 * Returns how many were removed; a directory that cannot be read is left. */
int mp_u_remove_stale_temps(const char *dir, const char *const *leaves);

/* Joins dir and name into a new string ("name" if it is absolute). */
char *mp_u_path_join(const char *dir, const char *name);

/* Reads a whole file into a new NUL-terminated buffer (*text, free it; *len
 * bytes without the NUL). Returns MP_U_READ_OK, or MP_U_READ_OPEN /
 * MP_U_READ_IO with the system's errno in *errnum, MP_U_READ_NOTREG when
 * path is not a regular file (a directory, FIFO, device: *errnum holds its
 * file type, st_mode & S_IFMT), or MP_U_READ_NOMEM; the caller words the
 * message (it knows what kind of file it asked for), with the reason of
 * mp_u_read_reason. The file is opened with O_NONBLOCK, so a FIFO is
 * refused, never waited on. */
enum { MP_U_READ_OK, MP_U_READ_OPEN, MP_U_READ_IO, MP_U_READ_NOMEM, MP_U_READ_NOTREG };
int mp_u_read_file(const char *path, char **text, size_t *len, int *errnum);
/* mp_u_read_file with its failures as errors: "cannot open WHAT file 'path':
 * reason" (MP_EIO), "cannot read ...", out of memory (MP_ENOMEM). */
int mp_u_read_input(const char *path, const char *what, char **text, size_t *len,
                    mp_error *err);
/* Opens path for reading as mp_u_read_file does (regular files only, never
 * blocking), with the same returns; on MP_U_READ_OK *fd is the descriptor
 * (close it), blocking again. */
int mp_u_open_input(const char *path, int *fd, int *errnum);
/* The reason of a failed mp_u_read_file / mp_u_open_input in words:
 * "is a directory", "is a FIFO, not a regular file", strerror(errnum), ... */
const char *mp_u_read_reason(int rc, int errnum);

/* Monotonic wall clock, seconds. */
double mp_u_wall_seconds(void);

/* Random streams and their seeds: util/rng.h. Initial values: util/init_draw.h. */

/* ---- sizes.c: limits, overflow-safe sizes, the memory an owner asks for -- */

/* The most steps a spiking net may simulate in all: the step counters are
 * int64_t, and a run adds its steps to those already done, so 2^62 keeps
 * every sum and the progress arithmetic far from overflow. A duration whose
 * step count reaches it is refused (mp_net_run; the model loader checks
 * `duration` against the same limit). */
#define MP_MAX_STEPS (INT64_C(1) << 62)
#define MP_MAX_STEPS_TEXT "2^62 (4.6e18)"

/* a * b and a + b, saturating at SIZE_MAX: a size that does not fit in
 * size_t becomes SIZE_MAX, which every limit below refuses. */
size_t mp_u_size_mul(size_t a, size_t b);
size_t mp_u_size_add(size_t a, size_t b);

/* A byte count in words: "512 bytes", "1.5 kB", "72 GB" (decimal units);
 * SIZE_MAX (a saturated size) reads "more than 18 EB". */
const char *mp_u_fmt_bytes(size_t bytes, char buf[32]);

/* The most memory one owner (a population, a projection, a rule's state)
 * may ask for: the machine's memory (RAM + swap), or the process's limit
 * (ulimit -v, -d) when lower. *what (optional) gets the limit in words for
 * messages ("the memory of this machine"). */
size_t mp_u_mem_limit(const char **what);
/* Tests: replaces the limit by `bytes` (0 restores the automatic one). */
void mp_u_set_mem_limit(size_t bytes);

/* Refuses, before anything is allocated, an owner that needs more than
 * mp_u_mem_limit(): MP_ENOMEM with "<owner> needs <bytes> for <what_for>,
 * more than <the limit in words> (<limit>)"; MP_OK otherwise. fmt, ...
 * format the owner ("population 'post' (10 neurons)"); file and path say
 * where the size comes from (NULL when nowhere). */
int mp_u_mem_check(mp_error *err, size_t bytes, const char *file,
                   const char *path, const char *what_for, const char *fmt, ...)
    MP_PRINTF(6, 7);
/* The allocation of `bytes` for an owner failed: MP_ENOMEM with "<owner>
 * needs <bytes> for <what_for>: out of memory". */
int mp_u_mem_fail(mp_error *err, size_t bytes, const char *file,
                  const char *path, const char *what_for, const char *fmt, ...)
    MP_PRINTF(6, 7);

#endif
