/* metaplast — status codes and the error record.
 *
 * Every public function that can fail returns an int: MP_OK (0) or a negative
 * MP_E* code, and fills a caller-owned mp_error (NULL allowed). The first
 * error wins: a later failure never overwrites the message of the first.
 */
#ifndef METAPLAST_ERROR_H
#define METAPLAST_ERROR_H

#include "metaplast/export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mp_status {
    MP_OK = 0,
    MP_EINVAL = -1,   /* a value is out of range or of the wrong type */
    MP_ENOMEM = -2,   /* allocation failed */
    MP_EIO = -3,      /* a file could not be opened, read or written */
    MP_EPARSE = -4,   /* a file is not valid JSON / CSV */
    MP_EPLUGIN = -5,  /* a plugin could not be found, loaded or was refused */
    MP_EUNSTABLE = -6 /* the simulation blew up (NaN, Inf, runaway weights) */
};

#define MP_ERROR_FILE_LEN 256
#define MP_ERROR_PATH_LEN 256
#define MP_ERROR_TEXT_LEN 512

/* Fixed size, lives on the caller's stack (after Jansson's json_error_t).
 * line/column are 1-based, 0 when unknown. */
typedef struct mp_error {
    int code;
    int line, column;
    char file[MP_ERROR_FILE_LEN]; /* cut from the left when too long */
    char path[MP_ERROR_PATH_LEN]; /* JSON path of the field, "" if none */
    char text[MP_ERROR_TEXT_LEN];
} mp_error;

/* Empties an error record. */
MP_API void mp_error_clear(mp_error *err);

/* Renders "file:line:col: path: text" (parts that are unknown are left out)
 * into buf; returns buf. */
MP_API char *mp_error_format(const mp_error *err, char *buf, unsigned long size);

/* Short name ("MP_EINVAL") and description of a status code. */
MP_API const char *mp_errname(int code);
MP_API const char *mp_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
