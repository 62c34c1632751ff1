/* The IDX reader: fixtures written here (plain and gzip) read back, each
 * malformed file gives its own message, and the installed Fashion-MNIST test
 * set (Debian dataset-fashion-mnist) loads with the known shape. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "check.h"
#include "stimuli/dataset_int.h"

#define FASHION "/usr/share/datasets/fashion-mnist/"

/* Writes bytes [0, len) of an IDX file with the given header as a plain or
 * gzip file; keep < total length truncates it. */
static void write_idx(const char *path, int gz, uint32_t magic,
                      const uint32_t *dims, unsigned nd,
                      const unsigned char *data, size_t len, size_t keep)
{
    size_t total = 4 + 4 * nd + len;
    unsigned char *buf = malloc(total);
    unsigned char *p = buf;
    uint32_t words[4];
    words[0] = magic;
    for (unsigned d = 0; d < nd; d++)
        words[d + 1] = dims[d];
    for (unsigned w = 0; w <= nd; w++) {
        *p++ = (unsigned char)(words[w] >> 24);
        *p++ = (unsigned char)(words[w] >> 16);
        *p++ = (unsigned char)(words[w] >> 8);
        *p++ = (unsigned char)words[w];
    }
    memcpy(p, data, len);
    if (keep > total)
        keep = total;
    if (gz) {
        gzFile f = gzopen(path, "wb");
        gzwrite(f, buf, (unsigned)keep);
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(buf, 1, keep, f);
        fclose(f);
    }
    free(buf);
}

/* 5 images of 2 x 3 pixels, labels 0 1 2 1 0. */
static unsigned char pix[5 * 6];
static const unsigned char lab_bytes[5] = {0, 1, 2, 1, 0};
static const uint32_t img_dims[3] = {5, 2, 3};
static const uint32_t lab_dims[1] = {5};

static void write_pair(const char *img, const char *lab, int gz)
{
    write_idx(img, gz, 0x803, img_dims, 3, pix, sizeof pix, SIZE_MAX);
    write_idx(lab, gz, 0x801, lab_dims, 1, lab_bytes, sizeof lab_bytes, SIZE_MAX);
}

static void check_fixture(int gz)
{
    const char *img = gz ? "dsidx_img.gz" : "dsidx_img";
    const char *lab = gz ? "dsidx_lab.gz" : "dsidx_lab";
    write_pair(img, lab, gz);
    mp_dataset *ds = NULL;
    mp_error err = {0};
    CHECK_OK(mp_ds_load_idx_n(img, lab, 3, &ds, &err));
    if (!ds)
        return;
    CHECK_EQ(ds->n, 5);
    CHECK_EQ(ds->dim, 6);
    CHECK_EQ(ds->n_classes, 3);
    int same = 1;
    for (size_t i = 0; i < sizeof pix; i++)
        same &= ds->x[i] == pix[i] / 255.0;
    CHECK(same);
    for (size_t i = 0; i < 5; i++)
        CHECK_EQ(ds->label[i], lab_bytes[i]);
    CHECK(strstr(ds->source, img) != NULL);
    mp_ds_free(ds);

    /* without labels */
    CHECK_OK(mp_ds_load_idx(img, NULL, &ds, &err));
    CHECK(ds && ds->label == NULL && ds->n_classes == 0 && ds->n == 5);
    mp_ds_free(ds);
}

/* Loads and expects failure with `code` and `want` in the text. */
static void expect_error(const char *img, const char *lab, size_t n_classes,
                         int code, const char *want, const char *file)
{
    mp_dataset *ds = (mp_dataset *)1;
    mp_error err = {0};
    int rc = mp_ds_load_idx_n(img, lab, n_classes, &ds, &err);
    CHECK_EQ(rc, code);
    CHECK_EQ(err.code, code);
    CHECK(ds == NULL);
    CHECK_(strstr(err.text, want) != NULL, "\"%s\" in \"%s\"", want, err.text);
    CHECK_(strstr(err.file, file) != NULL, "file \"%s\" in \"%s\"", file,
           err.file);
}

static void check_errors(void)
{
    write_pair("dsidx_ok_img", "dsidx_ok_lab", 0);

    expect_error("dsidx_none", NULL, 10, MP_EIO, "No such file", "dsidx_none");
    expect_error("dsidx_none", NULL, 10, MP_EIO, "plain or .gz", "dsidx_none");
    expect_error("dsidx_ok_img", "dsidx_none", 10, MP_EIO, "No such file",
                 "dsidx_none");
    expect_error(FASHION "no-such-file.gz", NULL, 10, MP_EIO,
                 "install it with: apt-get install dataset-fashion-mnist",
                 "no-such-file.gz");

    /* magic numbers */
    write_idx("dsidx_magic", 0, 0x12345678u, img_dims, 3, pix, sizeof pix,
              SIZE_MAX);
    expect_error("dsidx_magic", NULL, 10, MP_EPARSE,
                 "bad magic number 0x12345678 in IDX images file, expected "
                 "0x00000803",
                 "dsidx_magic");
    /* a labels file given as images: 1 dimension, not 3 */
    expect_error("dsidx_ok_lab", NULL, 10, MP_EPARSE,
                 "images must have 3 dimensions", "dsidx_ok_lab");
    expect_error("dsidx_ok_img", "dsidx_ok_img", 10, MP_EPARSE,
                 "bad magic number 0x00000803 in IDX labels file, expected "
                 "0x00000801",
                 "dsidx_ok_img");
    write_idx("dsidx_float", 0, 0x00000d03u, img_dims, 3, pix, sizeof pix,
              SIZE_MAX);
    expect_error("dsidx_float", NULL, 10, MP_EPARSE, "not unsigned bytes",
                 "dsidx_float");
    write_idx("dsidx_le", 0, 0x03080000u, img_dims, 3, pix, sizeof pix,
              SIZE_MAX);
    expect_error("dsidx_le", NULL, 10, MP_EPARSE, "little-endian", "dsidx_le");
    write_idx("dsidx_4d", 0, 0x00000804u, img_dims, 3, pix, sizeof pix,
              SIZE_MAX);
    expect_error("dsidx_4d", NULL, 10, MP_EPARSE,
                 "images must have 3 dimensions", "dsidx_4d");

    /* images of no pixels: 2^32 - 4 of them would need no data but 16 GB
     * of labels (found by fuzz_idx) */
    {
        static const uint32_t none[3] = {0xfffffffcu, 0, 3};
        write_idx("dsidx_nopix", 0, 0x803, none, 3, pix, 0, SIZE_MAX);
        expect_error("dsidx_nopix", "dsidx_ok_lab", 10, MP_EPARSE,
                     "images of 0 x 3 pixels: rows and columns must be >= 1",
                     "dsidx_nopix");
    }

    /* truncations, plain and gzip */
    write_idx("dsidx_trunc", 0, 0x803, img_dims, 3, pix, sizeof pix, 16 + 20);
    expect_error("dsidx_trunc", NULL, 10, MP_EPARSE,
                 "truncated IDX file: expected 30 bytes of images, got 20",
                 "dsidx_trunc");
    write_idx("dsidx_trunc.gz", 1, 0x803, img_dims, 3, pix, sizeof pix, 16 + 7);
    expect_error("dsidx_trunc.gz", NULL, 10, MP_EPARSE,
                 "expected 30 bytes of images, got 7", "dsidx_trunc.gz");
    write_idx("dsidx_hdr", 0, 0x803, img_dims, 3, pix, sizeof pix, 9);
    expect_error("dsidx_hdr", NULL, 10, MP_EPARSE,
                 "expected 12 bytes of dimension sizes, got 5", "dsidx_hdr");
    write_idx("dsidx_empty", 0, 0x803, img_dims, 3, pix, sizeof pix, 0);
    expect_error("dsidx_empty", NULL, 10, MP_EPARSE,
                 "expected a 4-byte magic number, got 0", "dsidx_empty");
    /* a gzip file cut inside the compressed stream */
    {
        write_idx("dsidx_cut.gz", 1, 0x803, img_dims, 3, pix, sizeof pix,
                  SIZE_MAX);
        FILE *f = fopen("dsidx_cut.gz", "rb");
        unsigned char b[4096];
        size_t len = fread(b, 1, sizeof b, f);
        fclose(f);
        f = fopen("dsidx_cut.gz", "wb");
        fwrite(b, 1, len - 12, f); /* drop the CRC/length trailer and more */
        fclose(f);
        mp_dataset *ds = NULL;
        mp_error err = {0};
        int rc = mp_ds_load_idx("dsidx_cut.gz", NULL, &ds, &err);
        CHECK_(rc == MP_EPARSE && ds == NULL, "cut gzip: rc %d, %s", rc,
               err.text);
        mp_ds_free(ds);
    }
    /* a header that declares more than there is never allocates it all */
    {
        const uint32_t huge[3] = {4000000000u, 28, 28};
        write_idx("dsidx_huge", 0, 0x803, huge, 3, pix, sizeof pix, SIZE_MAX);
        expect_error("dsidx_huge", NULL, 10, MP_EPARSE,
                     "expected 3136000000000 bytes of images, got 30",
                     "dsidx_huge");
    }
    /* more data than the header says */
    {
        const uint32_t fewer[3] = {4, 2, 3};
        write_idx("dsidx_long", 0, 0x803, fewer, 3, pix, sizeof pix, SIZE_MAX);
        expect_error("dsidx_long", NULL, 10, MP_EPARSE,
                     "longer than its header says", "dsidx_long");
    }

    /* counts differ */
    const uint32_t four[1] = {4};
    write_idx("dsidx_lab4", 0, 0x801, four, 1, lab_bytes, 4, SIZE_MAX);
    expect_error("dsidx_ok_img", "dsidx_lab4", 10, MP_EPARSE,
                 "image and label counts differ: 4 labels, but 5 images",
                 "dsidx_lab4");
    /* labels out of range */
    expect_error("dsidx_ok_img", "dsidx_ok_lab", 2, MP_EPARSE,
                 "label 2 of sample 2 is out of range: expected 0..1",
                 "dsidx_ok_lab");
    {
        unsigned char bad[5] = {0, 1, 10, 1, 0};
        write_idx("dsidx_lab10", 0, 0x801, lab_dims, 1, bad, 5, SIZE_MAX);
        expect_error("dsidx_ok_img", "dsidx_lab10", 10, MP_EPARSE,
                     "label 10 of sample 2 is out of range: expected 0..9",
                     "dsidx_lab10");
    }
    expect_error("dsidx_ok_img", NULL, 0, MP_EINVAL, "number of classes",
                 "dsidx_ok_img");
}

static void check_fashion(void)
{
    const char *img = FASHION "t10k-images-idx3-ubyte.gz";
    const char *lab = FASHION "t10k-labels-idx1-ubyte.gz";
    if (access(img, R_OK) != 0 || access(lab, R_OK) != 0) {
        printf("skipped: Fashion-MNIST not installed (apt-get install "
               "dataset-fashion-mnist)\n");
        return;
    }
    mp_dataset *ds = NULL;
    mp_error err = {0};
    CHECK_OK(mp_ds_load_idx(img, lab, &ds, &err));
    if (!ds) {
        fprintf(stderr, "%s: %s\n", err.file, err.text);
        return;
    }
    CHECK_EQ(ds->n, 10000);
    CHECK_EQ(ds->dim, 784);
    CHECK_EQ(ds->n_classes, 10);
    size_t counts[10];
    CHECK_OK(mp_ds_class_counts(ds, counts, &err));
    for (int c = 0; c < 10; c++)
        CHECK_EQ(counts[c], 1000);
    double lo = 1.0, hi = 0.0, sum = 0.0;
    for (size_t i = 0; i < ds->n * ds->dim; i++) {
        lo = ds->x[i] < lo ? ds->x[i] : lo;
        hi = ds->x[i] > hi ? ds->x[i] : hi;
        sum += ds->x[i];
    }
    CHECK_EQ(lo, 0.0);
    CHECK_EQ(hi, 1.0);
    /* Fashion-MNIST's mean pixel is about 0.286 */
    CHECK_NEAR(sum / (double)(ds->n * ds->dim), 0.286, 0.02, 0.0);
    /* the first test image is an ankle boot (class 9) */
    CHECK_EQ(ds->label[0], 9);
    mp_ds_free(ds);
}

int main(void)
{
    for (size_t i = 0; i < sizeof pix; i++)
        pix[i] = (unsigned char)(i * 37 % 256);
    pix[0] = 0;
    pix[1] = 255;
    check_fixture(0);
    check_fixture(1);
    check_errors();
    check_fashion();
    return CHECK_DONE();
}
