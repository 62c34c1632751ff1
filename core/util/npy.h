/* NumPy .npy arrays (core/util/npy.c reads them, npy_write.c writes them):
 * the format of numpy.lib.format, versions 1.0, 2.0 and 3.0, as np.save
 * writes it. An array is read whole into doubles (float32 and integers
 * widened, big-endian swapped, Fortran order transposed to C order), with
 * its shape; arrays are written as little-endian float64, version 1.0.
 * docs/datasets.md describes the format and the errors. */
#ifndef MP_NPY_H
#define MP_NPY_H

#include <stddef.h>

#include "metaplast/error.h"

/* The most dimensions an array may have (NumPy allows 64; nothing here
 * needs more than 2, and 8 keeps a shape on the stack). */
#define MP_U_NPY_MAX_RANK 8
/* In an expected shape: any size of that dimension. */
#define MP_U_NPY_ANY ((size_t)-1)

/* What a reader accepts (a mask). */
enum {
    MP_U_NPY_FLOAT = 1u << 0,  /* float64, float32 ('<f8' '>f8' '<f4' '>f4') */
    MP_U_NPY_INT = 1u << 1,    /* int64, int32 ('<i8' '>i8' '<i4' '>i4'), uint8 ('|u1') */
    MP_U_NPY_FINITE = 1u << 2  /* a nan or an infinity is an error naming its index */
};

typedef struct mp_u_npy {
    size_t rank;
    size_t shape[MP_U_NPY_MAX_RANK];
    size_t count; /* the product of the shape: 1 for rank 0, 0 for an empty array */
    double *data; /* count values in C (row-major) order; free with mp_u_npy_release */
    char descr[8]; /* the file's dtype, e.g. "<f4" */
    int integer;   /* the file held integers */
} mp_u_npy;

/* Parses len bytes of a .npy file; name stands for the file in messages
 * (the error's file). Errors, all naming what was found (MP_EPARSE unless
 * said): not a .npy file (magic), an unsupported format version, a
 * malformed header (the byte and what was expected there), a dtype not in
 * `accept` (named, with those that are), a rank above MP_U_NPY_MAX_RANK,
 * truncated data or bytes after it (both counts), a size that overflows
 * (MP_ENOMEM) or needs more than mp_u_mem_limit() (mp_u_mem_check), an
 * integer beyond 2^53 (not exact as a double), a non-finite value with
 * MP_U_NPY_FINITE (MP_EINVAL). out is zeroed on failure. */
int mp_u_npy_parse(const char *name, const void *bytes, size_t len, unsigned accept,
                   mp_u_npy *out, mp_error *err);
/* Reads the file at path (a regular file, mp_u_read_input) and parses it. */
int mp_u_npy_read(const char *path, unsigned accept, mp_u_npy *out, mp_error *err);
void mp_u_npy_release(mp_u_npy *a);

/* MP_EINVAL unless a has `rank` dimensions equal to shape (MP_U_NPY_ANY
 * matches any size): "NAME: shape (3, 5), expected (5, 3) (WHAT)"; what
 * (may be NULL) says what the array is and its dimensions. */
int mp_u_npy_expect(const mp_u_npy *a, const char *name, size_t rank,
                    const size_t *shape, const char *what, mp_error *err);

/* "(3, 5)", "(5,)", "()" (Python's way); MP_U_NPY_ANY reads "any". */
const char *mp_u_npy_shape_text(size_t rank, const size_t *shape, char *buf,
                                size_t size);
/* The index of the flat (C-order) element k of a: "[2, 3]". */
const char *mp_u_npy_index_text(const mp_u_npy *a, size_t k, char *buf, size_t size);

/* A .npy file of the array data (count = product of shape values, C order)
 * in a new buffer (*out, free with mp_u_free; *len bytes): version 1.0,
 * little-endian float64, the header padded to a multiple of 64 bytes as
 * np.save does. errors: MP_EINVAL (rank), MP_ENOMEM */
int mp_u_npy_encode(size_t rank, const size_t *shape, const double *data, char **out,
                    size_t *len, mp_error *err);
/* Writes it as DIR/NAME, replacing the file atomically (mp_u_replace_output:
 * never through a link, a reader sees the old file or the new one). */
int mp_u_npy_write(const char *dir, const char *name, size_t rank, const size_t *shape,
                   const double *data, mp_error *err);

#endif
