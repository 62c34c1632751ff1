/* Reading NumPy .npy files (numpy.lib.format):
 *
 *   "\x93NUMPY" major minor  header-length  header  data
 *
 * 1.0 has a 2-byte little-endian header length, 2.0 and 3.0 a 4-byte one
 * (3.0 allows UTF-8 in the header; only ASCII means anything here). The
 * header is a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and ended by '\n'; the data are the elements, in C or
 * Fortran order, nothing after them.
 *
 * The header is parsed strictly, as the dict np.save writes and nothing
 * else (no escapes, no Python 2 "3L"), but in any key order and with any
 * spaces: a file this reader accepts means one thing. Every element is
 * assembled from its bytes, so the host's byte order never matters. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/npy.h"
#include "util/util_int.h"

static const char magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* The dtypes understood: descr, bytes per element, integer, big-endian. */
typedef struct dtype {
    const char *descr;
    size_t size;
    int integer, big;
} dtype;

static const dtype dtypes[] = {
    {"<f8", 8, 0, 0}, {">f8", 8, 0, 1}, {"<f4", 4, 0, 0}, {">f4", 4, 0, 1},
    {"<i8", 8, 1, 0}, {">i8", 8, 1, 1}, {"<i4", 4, 1, 0}, {">i4", 4, 1, 1},
    {"|u1", 1, 1, 0}};

#define FLOATS_TEXT "float64 ('<f8', '>f8') and float32 ('<f4', '>f4')"
#define ALL_TEXT                                                               \
    "float64 ('<f8', '>f8'), float32 ('<f4', '>f4'), int64 ('<i8', '>i8'), "   \
    "int32 ('<i4', '>i4') and uint8 ('|u1')"
#define SUPPORTED(accept) ((accept) & MP_U_NPY_INT ? ALL_TEXT : FLOATS_TEXT)

/* The header being parsed: its bytes, the file offset of its first byte. */
typedef struct cursor {
    const char *s;
    size_t n, i, at;
    const char *name;
    mp_error *err;
} cursor;

/* A byte of the header in words, for "found ..." ('x', \xNN, the end). */
static const char *shown(const cursor *c, char buf[16])
{
    if (c->i >= c->n)
        return "the end of the header";
    unsigned char ch = (unsigned char)c->s[c->i];
    if (ch >= 0x20 && ch < 0x7f)
        snprintf(buf, 16, "'%c'", ch);
    else
        snprintf(buf, 16, "\\x%02x", ch);
    return buf;
}

static int malformed(cursor *c, const char *expected)
{
    char buf[16];
    return mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                    "malformed .npy header: expected %s at byte %zu, found %s", expected,
                    c->at + c->i, shown(c, buf));
}

static void skip_space(cursor *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
        c->i++;
}

static int eat(cursor *c, char ch, const char *expected)
{
    skip_space(c);
    if (c->i < c->n && c->s[c->i] == ch) {
        c->i++;
        return MP_OK;
    }
    return malformed(c, expected);
}

/* A quoted string without escapes into buf (cut to size-1, which makes it
 * unknown to every comparison after). */
static int string(cursor *c, char *buf, size_t size, const char *expected)
{
    skip_space(c);
    char q = c->i < c->n ? c->s[c->i] : 0;
    if (q != '\'' && q != '"')
        return malformed(c, expected);
    size_t start = ++c->i;
    while (c->i < c->n && c->s[c->i] != q) {
        if (c->s[c->i] == '\\' || c->s[c->i] == '\n')
            return malformed(c, "a string without escapes or line breaks");
        c->i++;
    }
    if (c->i >= c->n)
        return malformed(c, "the closing quote of a string");
    size_t len = c->i - start;
    /* printable only: the string may reach a message */
    size_t k = 0;
    for (size_t j = 0; j < len && k + 1 < size; j++) {
        unsigned char ch = (unsigned char)c->s[start + j];
        buf[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    buf[k] = '\0';
    if (len >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
    c->i++;
    return MP_OK;
}

static int word(cursor *c, const char *w)
{
    size_t n = strlen(w);
    return c->n - c->i >= n && memcmp(c->s + c->i, w, n) == 0;
}

static int boolean(cursor *c, int *out)
{
    skip_space(c);
    if (word(c, "True") || word(c, "False")) {
        *out = c->s[c->i] == 'T';
        c->i += *out ? 4 : 5;
        return MP_OK;
    }
    return malformed(c, "True or False (the value of 'fortran_order')");
}

/* A non-negative decimal integer as Python writes it (no sign, no leading
 * zeros); one that does not fit in size_t is refused as too large. */
static int dimension(cursor *c, size_t *out)
{
    skip_space(c);
    size_t start = c->i, v = 0;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        unsigned d = (unsigned)(c->s[c->i] - '0');
        if (v > (SIZE_MAX - d) / 10)
            return mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                            "malformed .npy header: the dimension at byte %zu is larger "
                            "than %zu",
                            c->at + start, SIZE_MAX);
        v = v * 10 + d;
        c->i++;
    }
    if (c->i == start)
        return malformed(c, "a dimension (a non-negative integer)");
    if (c->i - start > 1 && c->s[start] == '0') {
        c->i = start;
        return malformed(c, "a dimension without leading zeros");
    }
    *out = v;
    return MP_OK;
}

/* The shape tuple: (), (n,), (n, m), (n, m,) ... */
static int shape(cursor *c, mp_u_npy *a)
{
    int rc = eat(c, '(', "'(' (the shape is a tuple)");
    a->rank = 0;
    skip_space(c);
    if (rc == MP_OK && c->i < c->n && c->s[c->i] == ')') {
        c->i++;
        return MP_OK;
    }
    while (rc == MP_OK) {
        size_t d = 0;
        if ((rc = dimension(c, &d)) != MP_OK)
            return rc;
        if (a->rank == MP_U_NPY_MAX_RANK)
            return mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                            "the array has more than %d dimensions (at most %d are "
                            "supported)",
                            MP_U_NPY_MAX_RANK, MP_U_NPY_MAX_RANK);
        a->shape[a->rank++] = d;
        skip_space(c);
        char ch = c->i < c->n ? c->s[c->i] : 0;
        if (ch == ')' && a->rank == 1)
            return malformed(c, "',' after the only dimension (a one-dimensional shape "
                                "is written (n,))");
        if (ch == ')') {
            c->i++;
            return MP_OK;
        }
        if (ch != ',')
            return malformed(c, "',' or ')' in the shape");
        c->i++;
        skip_space(c);
        if (c->i < c->n && c->s[c->i] == ')') {
            c->i++;
            return MP_OK;
        }
    }
    return rc;
}

static int descr(cursor *c, unsigned accept, const dtype **dt, mp_u_npy *a)
{
    skip_space(c);
    if (c->i < c->n && c->s[c->i] == '[')
        return mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                        "unsupported dtype: a structured dtype (a list of fields); "
                        "supported are %s",
                        SUPPORTED(accept));
    char name[24];
    int rc = string(c, name, sizeof name, "a dtype string (the value of 'descr')");
    if (rc != MP_OK)
        return rc;
    *dt = NULL;
    for (size_t k = 0; k < sizeof dtypes / sizeof *dtypes; k++)
        if (strcmp(name, dtypes[k].descr) == 0)
            *dt = &dtypes[k];
    if (*dt && (*dt)->integer && !(accept & MP_U_NPY_INT))
        return mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                        "dtype '%s' (integers) is not accepted here: supported are "
                        FLOATS_TEXT " (convert with a.astype(np.float64))",
                        name);
    if (!*dt)
        return mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                        "unsupported dtype '%s': supported are %s (convert with "
                        "a.astype(np.float64))",
                        name, SUPPORTED(accept));
    memcpy(a->descr, (*dt)->descr, 4);
    a->integer = (*dt)->integer;
    return MP_OK;
}

/* The header dict: exactly the keys descr, fortran_order and shape, each
 * once, then spaces and the final '\n'. */
static int header(cursor *c, unsigned accept, const dtype **dt, int *fortran,
                  mp_u_npy *a)
{
    static const char *const keys[] = {"descr", "fortran_order", "shape"};
    int seen[3] = {0, 0, 0};
    int rc = eat(c, '{', "'{' (the header is a Python dict)");
    skip_space(c);
    while (rc == MP_OK && !(c->i < c->n && c->s[c->i] == '}')) {
        char key[24];
        size_t key_at = c->at + c->i;
        if ((rc = string(c, key, sizeof key, "a quoted key or '}'")) != MP_OK)
            break;
        int k = 0;
        while (k < 3 && strcmp(key, keys[k]) != 0)
            k++;
        if (k == 3)
            return mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                            "malformed .npy header: unknown key '%s' at byte %zu (the "
                            "header has exactly 'descr', 'fortran_order' and 'shape')",
                            key, key_at);
        if (seen[k]++)
            return mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                            "malformed .npy header: the key '%s' is given twice (at "
                            "byte %zu)",
                            key, key_at);
        if ((rc = eat(c, ':', "':' after the key")) != MP_OK)
            break;
        rc = k == 0 ? descr(c, accept, dt, a) : k == 1 ? boolean(c, fortran) : shape(c, a);
        skip_space(c);
        if (rc == MP_OK && c->i < c->n && c->s[c->i] == ',') {
            c->i++;
            skip_space(c);
        } else if (rc == MP_OK && !(c->i < c->n && c->s[c->i] == '}')) {
            rc = malformed(c, "',' or '}' after a value");
        }
    }
    if (rc == MP_OK)
        c->i++; /* '}' */
    for (int k = 0; rc == MP_OK && k < 3; k++)
        if (!seen[k])
            rc = mp_u_err(c->err, MP_EPARSE, c->name, 0, 0, NULL,
                          "malformed .npy header: no '%s' key (the header has exactly "
                          "'descr', 'fortran_order' and 'shape')",
                          keys[k]);
    skip_space(c);
    if (rc != MP_OK)
        return rc;
    if (c->i >= c->n || c->s[c->i] != '\n')
        return malformed(c, "spaces and a final '\\n' after the dict");
    c->i++;
    return c->i == c->n ? MP_OK : malformed(c, "the end of the header after its '\\n'");
}

/* The preamble: magic, version, header length; *hdr, *hlen the header. */
static int preamble(const char *name, const unsigned char *b, size_t len, size_t *hdr,
                    size_t *hlen, mp_error *err)
{
    if (len < 6 || memcmp(b, magic, 6) != 0) {
        const char *hint = len >= 4 && memcmp(b, "PK\x03\x04", 4) == 0
                               ? " (a .npz archive? save each array with np.save)"
                               : "";
        return mp_u_err(err, MP_EPARSE, name, 0, 0, NULL,
                        "not a .npy file: it does not begin with \"\\x93NUMPY\"%s", hint);
    }
    if (len < 8)
        return mp_u_err(err, MP_EPARSE, name, 0, 0, NULL,
                        "truncated .npy file: %zu bytes, the version needs 8", len);
    unsigned major = b[6], minor = b[7];
    if ((major < 1 || major > 3) || minor != 0)
        return mp_u_err(err, MP_EPARSE, name, 0, 0, NULL,
                        "unsupported .npy format version %u.%u (supported: 1.0, 2.0, "
                        "3.0)",
                        major, minor);
    size_t pre = major == 1 ? 10 : 12;
    if (len < pre)
        return mp_u_err(err, MP_EPARSE, name, 0, 0, NULL,
                        "truncated .npy file: %zu bytes, the preamble of version %u.0 "
                        "needs %zu",
                        len, major, pre);
    size_t n = (size_t)b[8] | (size_t)b[9] << 8;
    if (major > 1)
        n |= (size_t)b[10] << 16 | (size_t)b[11] << 24;
    if (n > len - pre)
        return mp_u_err(err, MP_EPARSE, name, 0, 0, NULL,
                        "truncated .npy header: its length says %zu bytes, %zu follow",
                        n, len - pre);
    *hdr = pre;
    *hlen = n;
    return MP_OK;
}

/* Element k of the data as a double (the dtype's byte order). */
static double element(const unsigned char *p, const dtype *dt)
{
    uint64_t u = 0;
    for (size_t j = 0; j < dt->size; j++)
        u |= (uint64_t)p[dt->big ? dt->size - 1 - j : j] << (8 * j);
    if (dt->size == 1)
        return (double)u;
    if (dt->size == 4 && dt->integer)
        return (double)(int32_t)(uint32_t)u;
    if (dt->size == 4) {
        uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, sizeof f);
        return (double)f;
    }
    if (dt->integer)
        return (double)(int64_t)u;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* An int64 beyond 2^53 is not one double exactly. */
static int inexact(const unsigned char *p, const dtype *dt)
{
    if (!dt->integer || dt->size != 8)
        return 0;
    uint64_t u = 0;
    for (size_t j = 0; j < 8; j++)
        u |= (uint64_t)p[dt->big ? 7 - j : j] << (8 * j);
    int64_t v = (int64_t)u;
    return v > (INT64_C(1) << 53) || v < -(INT64_C(1) << 53);
}

/* The elements into a->data in C order (Fortran order: element (i0..ik)
 * lies at sum i_d * prod_{e<d} shape[e]). */
static int convert(const char *name, const unsigned char *src, const dtype *dt,
                   int fortran, unsigned accept, mp_u_npy *a, mp_error *err)
{
    size_t idx[MP_U_NPY_MAX_RANK] = {0}, stride[MP_U_NPY_MAX_RANK], f = 0;
    for (size_t d = 0; d < a->rank; d++)
        stride[d] = d == 0 ? 1 : stride[d - 1] * a->shape[d - 1];
    char at[256];
    for (size_t k = 0; k < a->count; k++) {
        const unsigned char *p = src + (fortran ? f : k) * dt->size;
        if (inexact(p, dt))
            return mp_u_err(err, MP_EINVAL, name, 0, 0, NULL,
                            "value %s is an integer beyond 2^53, which a double does "
                            "not hold exactly",
                            mp_u_npy_index_text(a, k, at, sizeof at));
        double v = element(p, dt);
        if ((accept & MP_U_NPY_FINITE) && !isfinite(v))
            return mp_u_err(err, MP_EINVAL, name, 0, 0, NULL,
                            "value %s is %s: the values must be finite",
                            mp_u_npy_index_text(a, k, at, sizeof at),
                            isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        a->data[k] = v;
        for (size_t d = a->rank; fortran && d-- > 0;) {
            f += stride[d];
            if (++idx[d] < a->shape[d])
                break;
            f -= stride[d] * a->shape[d];
            idx[d] = 0;
        }
    }
    return MP_OK;
}

static int body(const char *name, const unsigned char *data, size_t have,
                const dtype *dt, int fortran, unsigned accept, mp_u_npy *a,
                mp_error *err)
{
    char sh[256], need[32];
    a->count = 1;
    for (size_t d = 0; d < a->rank; d++)
        a->count = mp_u_size_mul(a->count, a->shape[d]);
    size_t bytes = mp_u_size_mul(a->count, dt->size);
    mp_u_npy_shape_text(a->rank, a->shape, sh, sizeof sh);
    if (bytes == SIZE_MAX)
        return mp_u_err(err, MP_ENOMEM, name, 0, 0, NULL,
                        "shape %s of '%s' needs %s: the size overflows", sh, dt->descr,
                        mp_u_fmt_bytes(SIZE_MAX, need));
    if (have < bytes)
        return mp_u_err(err, MP_EPARSE, name, 0, 0, NULL,
                        "truncated .npy data: shape %s of '%s' needs %zu bytes after "
                        "the header, the file has %zu",
                        sh, dt->descr, bytes, have);
    if (have > bytes)
        return mp_u_err(err, MP_EPARSE, name, 0, 0, NULL,
                        "%zu bytes after the .npy data: shape %s of '%s' is %zu bytes, "
                        "the file has %zu after the header",
                        have - bytes, sh, dt->descr, bytes, have);
    size_t out = mp_u_size_mul(a->count ? a->count : 1, sizeof(double));
    int rc = mp_u_mem_check(err, out, name, NULL, "its values as doubles",
                            "the array %s of '%s'", sh, dt->descr);
    if (rc != MP_OK)
        return rc;
    if (!(a->data = mp_u_malloc(out)))
        return mp_u_mem_fail(err, out, name, NULL, "its values as doubles",
                             "the array %s of '%s'", sh, dt->descr);
    return convert(name, data, dt, fortran, accept, a, err);
}

int mp_u_npy_parse(const char *name, const void *bytes, size_t len, unsigned accept,
                   mp_u_npy *out, mp_error *err)
{
    memset(out, 0, sizeof *out);
    const unsigned char *b = bytes;
    size_t hdr = 0, hlen = 0;
    int rc = preamble(name, b, len, &hdr, &hlen, err);
    const dtype *dt = NULL;
    int fortran = 0;
    if (rc == MP_OK) {
        cursor c = {(const char *)b + hdr, hlen, 0, hdr, name, err};
        rc = header(&c, accept, &dt, &fortran, out);
    }
    if (rc == MP_OK)
        rc = body(name, b + hdr + hlen, len - hdr - hlen, dt, fortran, accept, out, err);
    if (rc != MP_OK)
        mp_u_npy_release(out);
    return rc;
}

int mp_u_npy_read(const char *path, unsigned accept, mp_u_npy *out, mp_error *err)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t len = 0;
    int rc = mp_u_read_input(path, ".npy", &text, &len, err);
    if (rc == MP_OK)
        rc = mp_u_npy_parse(path, text, len, accept, out, err);
    mp_u_free(text);
    return rc;
}

void mp_u_npy_release(mp_u_npy *a)
{
    if (!a)
        return;
    mp_u_free(a->data);
    memset(a, 0, sizeof *a);
}

const char *mp_u_npy_shape_text(size_t rank, const size_t *shape, char *buf,
                                size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
#define PUT(...)                                                               \
    do {                                                                       \
        int k_ = snprintf(buf + used, size - used, __VA_ARGS__);               \
        if (k_ > 0)                                                            \
            used += (size_t)k_ < size - used ? (size_t)k_ : size - used - 1;   \
    } while (0)
    PUT("(");
    for (size_t d = 0; d < rank; d++) {
        if (shape[d] == MP_U_NPY_ANY)
            PUT("%sany", d ? ", " : "");
        else
            PUT("%s%zu", d ? ", " : "", shape[d]);
    }
    PUT(rank == 1 ? ",)" : ")");
#undef PUT
    return buf;
}

const char *mp_u_npy_index_text(const mp_u_npy *a, size_t k, char *buf, size_t size)
{
    size_t idx[MP_U_NPY_MAX_RANK];
    for (size_t d = a->rank; d-- > 0;) {
        idx[d] = a->shape[d] ? k % a->shape[d] : 0;
        k = a->shape[d] ? k / a->shape[d] : 0;
    }
    mp_u_npy_shape_text(a->rank, idx, buf, size);
    buf[0] = '[';
    char *end = strrchr(buf, ')');
    if (end) {
        if (a->rank == 1) /* "[3]", not "[3,]" */
            *end-- = '\0';
        *end = ']';
    }
    return buf;
}

int mp_u_npy_expect(const mp_u_npy *a, const char *name, size_t rank,
                    const size_t *shape, const char *what, mp_error *err)
{
    int same = a->rank == rank;
    for (size_t d = 0; same && d < rank; d++)
        same = shape[d] == MP_U_NPY_ANY || shape[d] == a->shape[d];
    if (same)
        return MP_OK;
    char got[256], want[256];
    return mp_u_err(err, MP_EINVAL, name, 0, 0, NULL, "shape %s, expected %s%s%s%s",
                    mp_u_npy_shape_text(a->rank, a->shape, got, sizeof got),
                    mp_u_npy_shape_text(rank, shape, want, sizeof want),
                    what ? " (" : "", what ? what : "", what ? ")" : "");
}
