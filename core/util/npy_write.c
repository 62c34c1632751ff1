/* Writing NumPy .npy files: little-endian float64 in C order, the header
 * np.save writes ({'descr': '<f8', 'fortran_order': False, 'shape': (..), })
 * padded with spaces to a multiple of 64 bytes with the preamble, so that
 * np.load reads the file and the reader of npy.c reads it back bit for bit.
 *
 * Version 1.0 always suffices: its header holds 65535 bytes, and the
 * longest header of MP_U_NPY_MAX_RANK dimensions of 20 digits is under 300
 * (version 2.0 exists for shapes of thousands of dimensions or structured
 * dtypes with many fields, neither of which is written here). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/npy.h"
#include "util/util_int.h"

int mp_u_npy_encode(size_t rank, const size_t *shape, const double *data, char **out,
                    size_t *len, mp_error *err)
{
    *out = NULL;
    *len = 0;
    if (rank > MP_U_NPY_MAX_RANK)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "an array of %zu dimensions (at most %d are supported)", rank,
                        MP_U_NPY_MAX_RANK);
    size_t count = 1;
    for (size_t d = 0; d < rank; d++)
        count = mp_u_size_mul(count, shape[d]);
    char sh[256], dict[384];
    mp_u_npy_shape_text(rank, shape, sh, sizeof sh);
    int k = snprintf(dict, sizeof dict,
                     "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", sh);
    size_t pre = 10, hlen = (size_t)k + 1; /* the '\n' */
    hlen += (64 - (pre + hlen) % 64) % 64;
    size_t bytes = mp_u_size_add(pre + hlen, mp_u_size_mul(count, sizeof(double)));
    int rc = mp_u_mem_check(err, bytes, NULL, NULL, "its .npy file", "the array %s",
                            sh);
    char *buf = rc == MP_OK ? mp_u_malloc(bytes) : NULL;
    if (rc == MP_OK && !buf)
        rc = mp_u_mem_fail(err, bytes, NULL, NULL, "its .npy file", "the array %s", sh);
    if (rc != MP_OK)
        return rc;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)(hlen & 0xff);
    buf[9] = (char)(hlen >> 8);
    memcpy(buf + pre, dict, (size_t)k);
    memset(buf + pre + k, ' ', hlen - (size_t)k - 1);
    buf[pre + hlen - 1] = '\n';
    unsigned char *p = (unsigned char *)buf + pre + hlen;
    for (size_t i = 0; i < count; i++) {
        uint64_t u;
        memcpy(&u, &data[i], sizeof u);
        for (size_t j = 0; j < 8; j++)
            *p++ = (unsigned char)(u >> (8 * j));
    }
    *out = buf;
    *len = bytes;
    return MP_OK;
}

int mp_u_npy_write(const char *dir, const char *name, size_t rank, const size_t *shape,
                   const double *data, mp_error *err)
{
    char *buf;
    size_t len;
    int rc = mp_u_npy_encode(rank, shape, data, &buf, &len, err);
    if (rc == MP_OK)
        rc = mp_u_replace_output(dir, name, buf, len, err);
    mp_u_free(buf);
    return rc;
}
