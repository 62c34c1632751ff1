/* The .npy reader and writer (core/util/npy.c, npy_write.c): the files
 * NumPy 1.24 wrote into tests/data/npy (make_fixtures.py: every dtype,
 * byte order, Fortran order, versions 2.0 and 3.0) read back with their
 * values; the writer's files read back bit for bit and equal np.save's
 * bytes; every malformed file, built here byte by byte, gives its own
 * message, checked whole. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util/npy.h"
#include "util/util_int.h"

static char fixture_dir[4096];

static const char *fixture(const char *name)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
    return path;
}

/* The formatted message of err ("file: text"). */
static const char *msg(const mp_error *err)
{
    static char buf[1024];
    return mp_error_format(err, buf, sizeof buf);
}

/* A .npy file in memory: preamble of `version`, the header dict text padded
 * with spaces and ended by '\n' (pad 0: no padding, no '\n', exactly `dict`),
 * then n data bytes. Returns the length. */
static size_t build(unsigned char *out, unsigned version, const char *dict, int pad,
                    const void *data, size_t n)
{
    size_t pre = version == 1 ? 10 : 12, len = strlen(dict), hlen = len;
    if (pad) {
        hlen = len + 1;
        hlen += (64 - (pre + hlen) % 64) % 64;
    }
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (unsigned char)version;
    out[7] = 0;
    out[8] = (unsigned char)(hlen & 0xff);
    out[9] = (unsigned char)(hlen >> 8);
    if (version > 1)
        out[10] = out[11] = 0;
    memcpy(out + pre, dict, len);
    if (pad) {
        memset(out + pre + len, ' ', hlen - len - 1);
        out[pre + hlen - 1] = '\n';
    }
    if (n)
        memcpy(out + pre + hlen, data, n);
    return pre + hlen + n;
}

static const char f8_dict[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }";

/* Parses `bytes` as "t.npy" with accept and checks the whole message. */
static void expect_error(const void *bytes, size_t len, unsigned accept, int code,
                         const char *want)
{
    mp_u_npy a;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_u_npy_parse("t.npy", bytes, len, accept, &a, &err);
    CHECK_EQ(rc, code);
    CHECK_STR(msg(&err), want);
    CHECK(a.data == NULL && a.rank == 0);
}

/* A header dict (padded) with no data, parsed, and its message. */
static void expect_header_error(const char *dict, unsigned accept, const char *want)
{
    unsigned char buf[512];
    size_t n = build(buf, 1, dict, 1, NULL, 0);
    expect_error(buf, n, accept, MP_EPARSE, want);
}

/* The 3 x 4 array of the fixtures: k/8 - 0.5, exact in float32 too. */
static double fixture_value(size_t k) { return (double)k / 8.0 - 0.5; }

static void check_3x4(const char *file, unsigned accept)
{
    mp_u_npy a;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_u_npy_read(fixture(file), accept, &a, &err));
    if (err.text[0])
        fprintf(stderr, "%s\n", msg(&err));
    CHECK_EQ(a.rank, 2);
    CHECK_EQ(a.shape[0], 3);
    CHECK_EQ(a.shape[1], 4);
    CHECK_EQ(a.count, 12);
    int same = a.data != NULL;
    for (size_t k = 0; same && k < 12; k++)
        same = a.data[k] == fixture_value(k);
    CHECK_(same, "%s: the values of the 3 x 4 fixture", file);
    size_t want[2] = {3, 4}, any[2] = {MP_U_NPY_ANY, 4};
    CHECK_OK(mp_u_npy_expect(&a, file, 2, want, NULL, &err));
    CHECK_OK(mp_u_npy_expect(&a, file, 2, any, NULL, &err));
    mp_u_npy_release(&a);
}

static void fixtures(void)
{
    check_3x4("f8_3x4.npy", MP_U_NPY_FLOAT);
    check_3x4("f4_3x4.npy", MP_U_NPY_FLOAT);
    check_3x4("be_f8_3x4.npy", MP_U_NPY_FLOAT);
    check_3x4("be_f4_3x4.npy", MP_U_NPY_FLOAT | MP_U_NPY_FINITE);
    check_3x4("fortran_3x4.npy", MP_U_NPY_FLOAT);
    check_3x4("v2_3x4.npy", MP_U_NPY_FLOAT);
    check_3x4("v3_3x4.npy", MP_U_NPY_FLOAT);

    mp_u_npy a;
    mp_error err;
    mp_error_clear(&err);
    /* Fortran order in 3 dimensions: np.arange(24).reshape(2, 3, 4) */
    CHECK_OK(mp_u_npy_read(fixture("fortran_2x3x4.npy"), MP_U_NPY_FLOAT, &a, &err));
    CHECK_EQ(a.rank, 3);
    int same = a.count == 24;
    for (size_t k = 0; same && k < 24; k++)
        same = a.data[k] == (double)k;
    CHECK(same);
    mp_u_npy_release(&a);

    static const char *const labels[] = {"labels_i8.npy", "labels_i4.npy",
                                         "labels_u1.npy"};
    static const double want[5] = {0, 1, 2, 1, 0};
    for (size_t f = 0; f < 3; f++) {
        CHECK_OK(mp_u_npy_read(fixture(labels[f]), MP_U_NPY_FLOAT | MP_U_NPY_INT, &a,
                               &err));
        CHECK(a.rank == 1 && a.shape[0] == 5 && a.integer);
        CHECK(a.data && memcmp(a.data, want, sizeof want) == 0);
        mp_u_npy_release(&a);
    }
    CHECK_OK(mp_u_npy_read(fixture("scalar.npy"), MP_U_NPY_FLOAT, &a, &err));
    CHECK(a.rank == 0 && a.count == 1 && a.data[0] == 2.5);
    mp_u_npy_release(&a);
    CHECK_OK(mp_u_npy_read(fixture("empty_0x3.npy"), MP_U_NPY_FLOAT, &a, &err));
    CHECK(a.rank == 2 && a.shape[0] == 0 && a.shape[1] == 3 && a.count == 0);
    mp_u_npy_release(&a);

    /* an integer array where floats are asked for */
    mp_error_clear(&err);
    CHECK_EQ(mp_u_npy_read(fixture("labels_i8.npy"), MP_U_NPY_FLOAT, &a, &err),
             MP_EPARSE);
    char want_msg[5000];
    snprintf(want_msg, sizeof want_msg,
             "%s: dtype '<i8' (integers) is not accepted here: supported are float64 "
             "('<f8', '>f8') and float32 ('<f4', '>f4') (convert with "
             "a.astype(np.float64))",
             fixture("labels_i8.npy"));
    CHECK_STR(msg(&err), want_msg);
}

/* Doubles of every kind (signed zeros, subnormals, extremes, nan, inf)
 * written and read back bit for bit; the file is np.save's. */
static void round_trip(void)
{
    double v[12] = {0.0, -0.0, 1e-310, -4.9e-324, 1.7976931348623157e308, -1.0 / 3,
                    3.141592653589793, 1e-300, 0.1, -2.5, 1.0 / 0.0, 0.0 / 0.0};
    size_t shape[2] = {3, 4};
    mp_error err;
    mp_error_clear(&err);
    mkdir("npy_out", 0777);
    CHECK_OK(mp_u_npy_write("npy_out", "sub/v.npy", 2, shape, v, &err));
    mp_u_npy a;
    CHECK_OK(mp_u_npy_read("npy_out/sub/v.npy", MP_U_NPY_FLOAT, &a, &err));
    CHECK(a.rank == 2 && a.shape[0] == 3 && a.shape[1] == 4);
    CHECK(a.data && memcmp(a.data, v, sizeof v) == 0);
    mp_u_npy_release(&a);
    /* the finite check names the index of the first non-finite value */
    mp_error_clear(&err);
    CHECK_EQ(mp_u_npy_read("npy_out/sub/v.npy", MP_U_NPY_FLOAT | MP_U_NPY_FINITE, &a,
                           &err),
             MP_EINVAL);
    CHECK_STR(msg(&err), "npy_out/sub/v.npy: value [2, 2] is inf: the values must be "
                         "finite");

    /* the bytes of np.save for the 3 x 4 fixture */
    double f[12];
    for (size_t k = 0; k < 12; k++)
        f[k] = fixture_value(k);
    char *buf = NULL, *ref = NULL;
    size_t len = 0, ref_len = 0;
    CHECK_OK(mp_u_npy_encode(2, shape, f, &buf, &len, &err));
    CHECK_OK(mp_u_read_input(fixture("f8_3x4.npy"), ".npy", &ref, &ref_len, &err));
    CHECK(buf && ref && len == ref_len && memcmp(buf, ref, len) == 0);
    mp_u_free(buf);
    mp_u_free(ref);

    /* ranks 0, 1 and 8, and an empty array */
    size_t s8[8] = {1, 2, 1, 2, 1, 2, 1, 2}, s0[2] = {0, 5};
    double big[16];
    for (size_t k = 0; k < 16; k++)
        big[k] = (double)k * 0.25;
    struct { size_t rank; const size_t *shape; size_t count; } cases[] = {
        {0, shape, 1}, {1, shape, 3}, {8, s8, 16}, {2, s0, 0}};
    for (size_t c = 0; c < 4; c++) {
        CHECK_OK(mp_u_npy_write("npy_out", "r.npy", cases[c].rank, cases[c].shape, big,
                                &err));
        CHECK_OK(mp_u_npy_read("npy_out/r.npy", MP_U_NPY_FLOAT, &a, &err));
        CHECK_EQ(a.rank, cases[c].rank);
        CHECK_EQ(a.count, cases[c].count);
        CHECK(a.data && (a.count == 0 ||
                         memcmp(a.data, big, a.count * sizeof(double)) == 0));
        mp_u_npy_release(&a);
    }
    mp_error_clear(&err);
    size_t s9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    CHECK_EQ(mp_u_npy_write("npy_out", "r9.npy", 9, s9, big, &err), MP_EINVAL);
    CHECK_STR(msg(&err), "an array of 9 dimensions (at most 8 are supported)");

    /* outputs are never written through a link */
    unlink("npy_out/link.npy");
    CHECK(symlink("target.npy", "npy_out/link.npy") == 0);
    mp_error_clear(&err);
    CHECK_EQ(mp_u_npy_write("npy_out", "link.npy", 2, shape, f, &err), MP_EIO);
    CHECK(strstr(msg(&err), "npy_out/link.npy: is a symbolic link") == msg(&err));
    struct stat st;
    CHECK(lstat("npy_out/target.npy", &st) != 0);
}

static void preamble_errors(void)
{
    unsigned char buf[512];
    expect_error("hello world", 11, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: not a .npy file: it does not begin with \"\\x93NUMPY\"");
    expect_error("PK\x03\x04rest", 8, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: not a .npy file: it does not begin with \"\\x93NUMPY\" (a .npz "
                 "archive? save each array with np.save)");
    expect_error("", 0, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: not a .npy file: it does not begin with \"\\x93NUMPY\"");
    expect_error("\x93NUMPY\x01", 7, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: truncated .npy file: 7 bytes, the version needs 8");
    size_t n = build(buf, 1, f8_dict, 1, NULL, 0);
    buf[6] = 4;
    expect_error(buf, n, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)");
    buf[6] = 1;
    buf[7] = 1;
    expect_error(buf, n, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: unsupported .npy format version 1.1 (supported: 1.0, 2.0, 3.0)");
    buf[7] = 0;
    expect_error(buf, 9, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: truncated .npy file: 9 bytes, the preamble of version 1.0 "
                 "needs 10");
    n = build(buf, 2, f8_dict, 1, NULL, 0);
    expect_error(buf, 11, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: truncated .npy file: 11 bytes, the preamble of version 2.0 "
                 "needs 12");
    expect_error(buf, 40, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: truncated .npy header: its length says 116 bytes, 28 follow");
    buf[11] = 0x80; /* a 2 GB header */
    expect_error(buf, n, MP_U_NPY_FLOAT, MP_EPARSE,
                 "t.npy: truncated .npy header: its length says 2147483764 bytes, 116 "
                 "follow");
}

static void header_errors(void)
{
    const unsigned F = MP_U_NPY_FLOAT;
    expect_header_error("['descr']", F,
                        "t.npy: malformed .npy header: expected '{' (the header is a "
                        "Python dict) at byte 10, found '['");
    expect_header_error("{descr: '<f8'}", F,
                        "t.npy: malformed .npy header: expected a quoted key or '}' at "
                        "byte 11, found 'd'");
    expect_header_error("{'descr' '<f8'}", F,
                        "t.npy: malformed .npy header: expected ':' after the key at "
                        "byte 19, found '''");
    expect_header_error("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), "
                        "'extra': 1}",
                        F,
                        "t.npy: malformed .npy header: unknown key 'extra' at byte 68 "
                        "(the header has exactly 'descr', 'fortran_order' and 'shape')");
    expect_header_error("{'descr': '<f8', 'descr': '<f8'}", F,
                        "t.npy: malformed .npy header: the key 'descr' is given twice "
                        "(at byte 27)");
    expect_header_error("{'descr': '<f8', 'fortran_order': False}", F,
                        "t.npy: malformed .npy header: no 'shape' key (the header has "
                        "exactly 'descr', 'fortran_order' and 'shape')");
    expect_header_error("{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}", F,
                        "t.npy: malformed .npy header: expected True or False (the value "
                        "of 'fortran_order') at byte 44, found '0'");
    expect_header_error("{'descr': '<f8', 'fortran_order': False, 'shape': (3)}", F,
                        "t.npy: malformed .npy header: expected ',' after the only "
                        "dimension (a one-dimensional shape is written (n,)) at byte 62, "
                        "found ')'");
    expect_header_error("{'descr': '<f8', 'fortran_order': False, 'shape': [3, 4]}", F,
                        "t.npy: malformed .npy header: expected '(' (the shape is a "
                        "tuple) at byte 60, found '['");
    expect_header_error("{'descr': '<f8', 'fortran_order': False, 'shape': (3, -4)}", F,
                        "t.npy: malformed .npy header: expected a dimension (a "
                        "non-negative integer) at byte 64, found '-'");
    expect_header_error("{'descr': '<f8', 'fortran_order': False, 'shape': (03, 4)}", F,
                        "t.npy: malformed .npy header: expected a dimension without "
                        "leading zeros at byte 61, found '0'");
    expect_header_error("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L)}", F,
                        "t.npy: malformed .npy header: expected ',' or ')' in the shape "
                        "at byte 62, found 'L'");
    expect_header_error("{'descr': '<f8', 'fortran_order': False, 'shape': "
                        "(99999999999999999999,)}",
                        F,
                        "t.npy: malformed .npy header: the dimension at byte 61 is larger "
                        "than 18446744073709551615");
    expect_header_error("{'descr': '<f8', 'fortran_order': False, 'shape': "
                        "(1, 1, 1, 1, 1, 1, 1, 1, 1)}",
                        F,
                        "t.npy: the array has more than 8 dimensions (at most 8 are "
                        "supported)");
    expect_header_error("{'descr': '<f8' 'fortran_order': False}", F,
                        "t.npy: malformed .npy header: expected ',' or '}' after a value "
                        "at byte 26, found '''");
    expect_header_error("{'descr': '<\\x66\\x38', 'fortran_order': False, 'shape': ()}", F,
                        "t.npy: malformed .npy header: expected a string without escapes "
                        "or line breaks at byte 22, found '\\'");
    expect_header_error("{'descr': '<f8, 'fortran_order': False, 'shape': ()}", F,
                        "t.npy: unsupported dtype '<f8, ': supported are float64 ('<f8', "
                        "'>f8') and float32 ('<f4', '>f4') (convert with "
                        "a.astype(np.float64))");
    expect_header_error("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': ()}",
                        F,
                        "t.npy: unsupported dtype: a structured dtype (a list of "
                        "fields); supported are float64 ('<f8', '>f8') and float32 "
                        "('<f4', '>f4')");
    expect_header_error("{'descr': '<c16', 'fortran_order': False, 'shape': ()}", F,
                        "t.npy: unsupported dtype '<c16': supported are float64 ('<f8', "
                        "'>f8') and float32 ('<f4', '>f4') (convert with "
                        "a.astype(np.float64))");
    expect_header_error("{'descr': '<f2', 'fortran_order': False, 'shape': ()}",
                        F | MP_U_NPY_INT,
                        "t.npy: unsupported dtype '<f2': supported are float64 ('<f8', "
                        "'>f8'), float32 ('<f4', '>f4'), int64 ('<i8', '>i8'), int32 "
                        "('<i4', '>i4') and uint8 ('|u1') (convert with "
                        "a.astype(np.float64))");

    /* the end of the header: spaces and one '\n', nothing after it */
    unsigned char buf[512];
    size_t n = build(buf, 1, f8_dict, 0, NULL, 0);
    expect_error(buf, n, F, MP_EPARSE,
                 "t.npy: malformed .npy header: expected spaces and a final '\\n' after "
                 "the dict at byte 69, found the end of the header");
    char dict[128];
    snprintf(dict, sizeof dict, "%s x\n", f8_dict);
    n = build(buf, 1, dict, 0, NULL, 0);
    expect_error(buf, n, F, MP_EPARSE,
                 "t.npy: malformed .npy header: expected spaces and a final '\\n' after "
                 "the dict at byte 70, found 'x'");
    snprintf(dict, sizeof dict, "%s\n\n", f8_dict);
    n = build(buf, 1, dict, 0, NULL, 0);
    expect_error(buf, n, F, MP_EPARSE,
                 "t.npy: malformed .npy header: expected the end of the header after its "
                 "'\\n' at byte 70, found \\x0a");
    /* any key order, double quotes, tabs: accepted */
    double v = 1.5;
    n = build(buf, 1, "{\"shape\":\t(1, ),'fortran_order':True,'descr':'<f8'}", 1, &v,
              8);
    mp_u_npy a;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_u_npy_parse("t.npy", buf, n, F, &a, &err));
    CHECK(a.rank == 1 && a.count == 1 && a.data && a.data[0] == 1.5);
    mp_u_npy_release(&a);
}

static void data_errors(void)
{
    const unsigned F = MP_U_NPY_FLOAT;
    unsigned char buf[512], data[120] = {0};
    size_t n = build(buf, 1, f8_dict, 1, data, 40);
    expect_error(buf, n, F, MP_EPARSE,
                 "t.npy: truncated .npy data: shape (3, 4) of '<f8' needs 96 bytes after "
                 "the header, the file has 40");
    n = build(buf, 1, f8_dict, 1, data, 100);
    expect_error(buf, n, F, MP_EPARSE,
                 "t.npy: 4 bytes after the .npy data: shape (3, 4) of '<f8' is 96 bytes, "
                 "the file has 100 after the header");
    n = build(buf, 1,
              "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, "
              "4294967296)}",
              1, NULL, 0);
    expect_error(buf, n, F, MP_ENOMEM,
                 "t.npy: shape (4294967296, 4294967296) of '<f8' needs more than 18 EB: "
                 "the size overflows");
    /* the doubles of a float32 array beyond the memory limit */
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (30,)}", 1,
              data, 120);
    mp_u_set_mem_limit(200);
    expect_error(buf, n, F, MP_ENOMEM,
                 "t.npy: the array (30,) of '<f4' needs 240 bytes for its values as "
                 "doubles, more than the memory limit set by the test (200 bytes)");
    mp_u_set_mem_limit(0);
    /* an int64 that is not exactly a double */
    int64_t big[2] = {3, (INT64_C(1) << 53) + 1};
    unsigned char le[16];
    for (size_t i = 0; i < 16; i++)
        le[i] = (unsigned char)((uint64_t)big[i / 8] >> (8 * (i % 8)));
    n = build(buf, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,)}", 1, le,
              16);
    expect_error(buf, n, F | MP_U_NPY_INT, MP_EINVAL,
                 "t.npy: value [1] is an integer beyond 2^53, which a double does not "
                 "hold exactly");
    /* nan with the index of a Fortran-ordered array, as C-order indices */
    double f[6] = {0, 1, 2, 3, 0.0 / 0.0, 5}; /* column-major: [0, 2] is element 4 */
    n = build(buf, 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3)}", 1, f,
              sizeof f);
    expect_error(buf, n, F | MP_U_NPY_FINITE, MP_EINVAL,
                 "t.npy: value [0, 2] is nan: the values must be finite");
    /* negative int32 */
    unsigned char i4[4] = {0xfe, 0xff, 0xff, 0xff};
    n = build(buf, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,)}", 1, i4,
              4);
    mp_u_npy a;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_u_npy_parse("t.npy", buf, n, F | MP_U_NPY_INT, &a, &err));
    CHECK(a.data && a.data[0] == -2.0);
    mp_u_npy_release(&a);
}

static void shape_and_file_errors(void)
{
    mp_u_npy a;
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_u_npy_read(fixture("f8_3x4.npy"), MP_U_NPY_FLOAT, &a, &err));
    size_t want[2] = {4, 3};
    CHECK_EQ(mp_u_npy_expect(&a, "w0.npy", 2, want, "projection 'h1' weights: n_post x "
                                                    "n_pre",
                             &err),
             MP_EINVAL);
    CHECK_STR(msg(&err), "w0.npy: shape (3, 4), expected (4, 3) (projection 'h1' "
                         "weights: n_post x n_pre)");
    mp_error_clear(&err);
    size_t any[1] = {MP_U_NPY_ANY};
    CHECK_EQ(mp_u_npy_expect(&a, "y.npy", 1, any, NULL, &err), MP_EINVAL);
    CHECK_STR(msg(&err), "y.npy: shape (3, 4), expected (any,)");
    char idx[64];
    CHECK_STR(mp_u_npy_index_text(&a, 7, idx, sizeof idx), "[1, 3]");
    mp_u_npy_release(&a);

    mp_error_clear(&err);
    CHECK_EQ(mp_u_npy_read("npy_missing.npy", MP_U_NPY_FLOAT, &a, &err), MP_EIO);
    CHECK_STR(msg(&err), "npy_missing.npy: cannot open .npy file 'npy_missing.npy': No "
                         "such file or directory");
    mp_error_clear(&err);
    mkdir("npy_dir.npy", 0777);
    CHECK_EQ(mp_u_npy_read("npy_dir.npy", MP_U_NPY_FLOAT, &a, &err), MP_EIO);
    CHECK_STR(msg(&err), "npy_dir.npy: cannot open .npy file 'npy_dir.npy': is a "
                         "directory");
}

int main(void)
{
    const char *src = getenv("MP_SOURCE_DIR");
    snprintf(fixture_dir, sizeof fixture_dir, "%s/tests/data/npy", src ? src : "..");
    fixtures();
    round_trip();
    preamble_errors();
    header_errors();
    data_errors();
    shape_and_file_errors();
    return CHECK_DONE();
}
