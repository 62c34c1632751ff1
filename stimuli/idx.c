/* IDX files (the MNIST format, LeCun et al.): a big-endian header — magic
 * 0x0000TTDD (TT the element type, 0x08 = unsigned byte; DD the number of
 * dimensions), then DD 32-bit sizes — and the elements in row-major order.
 * A file is read into memory and inflated there when it is gzip (zlib), so
 * one code path serves `train-images-idx3-ubyte`, `...-ubyte.gz` and memory.
 *
 * The data are read in growing chunks, never by trusting the header's sizes
 * for one big allocation: a corrupt header then ends as "truncated", not as
 * an attempt to allocate gigabytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "stimuli/dataset_int.h"
#include "util/util_int.h"

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
#define FASHION_DIR "/usr/share/datasets/fashion-mnist/"

/* An IDX file being read from memory: plain bytes, or a gzip stream
 * (possibly several members, as gzread reads them) inflated as it is read. */
typedef struct idx_file {
    const char *path;
    const unsigned char *data;
    size_t len, pos;
    int gz, zlive, ended;
    z_stream zs;
} idx_file;

static int open_error(const char *path, const char *why, mp_error *err)
{
    if (strncmp(path, FASHION_DIR, strlen(FASHION_DIR)) == 0)
        return mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                        "cannot open IDX file: %s; Fashion-MNIST is provided "
                        "by the Debian package dataset-fashion-mnist: install "
                        "it with: apt-get install dataset-fashion-mnist",
                        why);
    return mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                    "cannot open IDX file: %s; give the path of an IDX file, "
                    "plain or .gz (Fashion-MNIST: apt-get install "
                    "dataset-fashion-mnist, then "
                    FASHION_DIR "{train,t10k}-{images-idx3,labels-idx1}-"
                    "ubyte.gz)",
                    why);
}

static int is_gzip(const unsigned char *d, size_t n)
{
    return n >= 2 && d[0] == 0x1f && d[1] == 0x8b;
}

static int idx_open_mem(idx_file *f, const char *path, const void *data,
                        size_t len, mp_error *err)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->data = data;
    f->len = len;
    f->gz = is_gzip(f->data, len);
    if (f->gz) {
        if (inflateInit2(&f->zs, 15 + 16) != Z_OK)
            return mp_u_err(err, MP_ENOMEM, path, 0, 0, NULL, "out of memory");
        f->zlive = 1;
    }
    return MP_OK;
}

/* Reads the file at path into *text (free it) for idx_open_mem. */
static int idx_read_file(const char *path, char **text, size_t *len, mp_error *err)
{
    int e = 0, r;
    switch ((r = mp_u_read_file(path, text, len, &e))) {
    case MP_U_READ_OPEN:
    case MP_U_READ_NOTREG:
        return open_error(path, mp_u_read_reason(r, e), err);
    case MP_U_READ_IO:
        return mp_u_err(err, MP_EIO, path, 0, 0, NULL, "cannot read IDX file: %s",
                        mp_u_read_reason(r, e));
    case MP_U_READ_NOMEM:
        return mp_u_err(err, MP_ENOMEM, path, 0, 0, NULL, "out of memory");
    default:
        return MP_OK;
    }
}

static void idx_close(idx_file *f)
{
    if (f->zlive)
        inflateEnd(&f->zs);
    f->zlive = 0;
}

/* Reads up to len bytes; returns the count read (short at the end of the
 * file), or a negative MP_E* code after filling err on a decompression
 * error. A gzip stream cut short reads as a short count (a truncation, as
 * zlib's gzread reports it); bytes after the last gzip member that do not
 * start another one are ignored, as gzread does. */
static long long idx_read(idx_file *f, void *buf, size_t len, mp_error *err)
{
    if (!f->gz) {
        size_t k = f->len - f->pos < len ? f->len - f->pos : len;
        if (k)
            memcpy(buf, f->data + f->pos, k);
        f->pos += k;
        return (long long)k;
    }
    size_t got = 0;
    while (got < len && !f->ended) {
        size_t want = len - got, in = f->len - f->pos;
        f->zs.next_out = (unsigned char *)buf + got;
        f->zs.avail_out = (uInt)(want > (1u << 30) ? (1u << 30) : want);
        f->zs.next_in = (unsigned char *)(uintptr_t)(f->data + f->pos);
        f->zs.avail_in = (uInt)(in > (1u << 30) ? (1u << 30) : in);
        uInt out0 = f->zs.avail_out, in0 = f->zs.avail_in;
        int z = inflate(&f->zs, Z_NO_FLUSH);
        got += out0 - f->zs.avail_out;
        f->pos += in0 - f->zs.avail_in;
        if (z == Z_STREAM_END) {
            if (is_gzip(f->data + f->pos, f->len - f->pos))
                inflateReset(&f->zs);
            else
                f->ended = 1;
        } else if (z == Z_BUF_ERROR || (z == Z_OK && f->zs.avail_out != 0 &&
                                        (f->pos == f->len || in0 == f->zs.avail_in))) {
            f->ended = 1; /* the input ends inside the stream: truncated */
        } else if (z != Z_OK) {
            return mp_u_err(err, z == Z_MEM_ERROR ? MP_ENOMEM : MP_EPARSE, f->path,
                            0, 0, NULL, "cannot read IDX file: %s",
                            f->zs.msg ? f->zs.msg : "corrupt gzip data");
        }
    }
    return (long long)got;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

/* Reads the header of an IDX file of unsigned bytes with `ndims` dimensions
 * into dims[]. what: "images" or "labels", for messages. */
static int read_header(idx_file *f, uint32_t magic_want, unsigned ndims,
                       const char *what, uint32_t *dims, mp_error *err)
{
    unsigned char h[4 * 4];
    long long k = idx_read(f, h, 4, err);
    if (k < 0)
        return (int)k;
    if (k < 4)
        return mp_u_err(err, MP_EPARSE, f->path, 0, 0, NULL,
                        "truncated IDX %s file: expected a 4-byte magic "
                        "number, got %lld bytes",
                        what, k);
    uint32_t magic = be32(h);
    if (magic != magic_want) {
        const char *hint = "";
        if (magic >> 16 == 0 && (magic >> 8 & 0xff) == 0x08 &&
            (magic & 0xff) != ndims)
            hint = magic_want == IDX_IMAGES_MAGIC
                       ? " (unsigned bytes, but images must have 3 dimensions: "
                         "n x rows x cols)"
                       : " (unsigned bytes, but labels must have 1 dimension)";
        else if (magic >> 16 == 0 && (magic >> 8 & 0xff) != 0x08)
            hint = " (elements are not unsigned bytes)";
        else if (magic == 0x03080000u || magic == 0x01080000u)
            hint = " (the header is little-endian; IDX is big-endian)";
        else if ((magic >> 16) == 0x1f8bu)
            hint = " (a gzip stream inside the data?)";
        return mp_u_err(err, MP_EPARSE, f->path, 0, 0, NULL,
                        "bad magic number 0x%08x in IDX %s file, expected "
                        "0x%08x: unsigned bytes, %u dimension%s%s",
                        (unsigned)magic, what, (unsigned)magic_want, ndims,
                        ndims == 1 ? "" : "s", hint);
    }
    k = idx_read(f, h, 4 * ndims, err);
    if (k < 0)
        return (int)k;
    if ((size_t)k < 4 * ndims)
        return mp_u_err(err, MP_EPARSE, f->path, 0, 0, NULL,
                        "truncated IDX %s file: expected %u bytes of "
                        "dimension sizes, got %lld",
                        what, 4 * ndims, k);
    for (unsigned d = 0; d < ndims; d++)
        dims[d] = be32(h + 4 * d);
    return MP_OK;
}

/* Reads exactly `want` bytes of data into a new buffer (*out). */
static int read_body(idx_file *f, size_t want, const char *what,
                     unsigned char **out, mp_error *err)
{
    *out = NULL;
    size_t cap = want < (1u << 20) ? want : (1u << 20);
    unsigned char *buf = mp_u_malloc(cap ? cap : 1);
    size_t got = 0;
    if (!buf)
        return mp_u_err(err, MP_ENOMEM, f->path, 0, 0, NULL, "out of memory");
    while (got < want) {
        if (got == cap) {
            size_t ncap = cap > want / 2 ? want : 2 * cap;
            unsigned char *nb = mp_u_realloc(buf, ncap);
            if (!nb) {
                mp_u_free(buf);
                return mp_u_err(err, MP_ENOMEM, f->path, 0, 0, NULL,
                                "out of memory for %zu bytes of %s", want,
                                what);
            }
            buf = nb;
            cap = ncap;
        }
        long long k = idx_read(f, buf + got, cap - got, err);
        if (k < 0) {
            mp_u_free(buf);
            return (int)k;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    if (got < want) {
        mp_u_free(buf);
        return mp_u_err(err, MP_EPARSE, f->path, 0, 0, NULL,
                        "truncated IDX file: expected %zu bytes of %s, got %zu",
                        want, what, got);
    }
    /* Extra bytes mean the header's sizes do not describe the file. */
    unsigned char extra;
    long long k = idx_read(f, &extra, 1, err);
    if (k != 0) {
        mp_u_free(buf);
        return k < 0 ? (int)k
                     : mp_u_err(err, MP_EPARSE, f->path, 0, 0, NULL,
                                "IDX file longer than its header says: "
                                "expected %zu bytes of %s, found more",
                                want, what);
    }
    *out = buf;
    return MP_OK;
}

/* Reads the labels of f into ds->label, checking count and range. */
static int load_labels(idx_file *f, mp_dataset *ds, const char *images,
                       mp_error *err)
{
    const char *path = f->path;
    uint32_t n = 0;
    unsigned char *bytes = NULL;
    int rc = read_header(f, IDX_LABELS_MAGIC, 1, "labels", &n, err);
    if (rc == MP_OK && n != ds->n)
        rc = mp_u_err(err, MP_EPARSE, path, 0, 0, NULL,
                      "image and label counts differ: %u labels, but %zu "
                      "images in %s",
                      (unsigned)n, ds->n, images);
    if (rc == MP_OK)
        rc = read_body(f, n, "labels", &bytes, err);
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        if (bytes[i] >= ds->n_classes)
            rc = mp_u_err(err, MP_EPARSE, path, 0, 0, NULL,
                          "label %u of sample %zu is out of range: expected "
                          "0..%zu (%zu classes)",
                          (unsigned)bytes[i], i, ds->n_classes - 1,
                          ds->n_classes);
        else
            ds->label[i] = bytes[i];
    }
    mp_u_free(bytes);
    return rc;
}

/* Reads the images of f into a new data set (with room for labels when
 * labelled). */
static int load_images(idx_file *f, int labelled, size_t n_classes,
                       mp_dataset **out, mp_error *err)
{
    const char *images_path = f->path;
    uint32_t dims[3] = {0, 0, 0};
    unsigned char *bytes = NULL;
    mp_dataset *ds = NULL;
    int rc = read_header(f, IDX_IMAGES_MAGIC, 3, "images", dims, err);
    size_t n = dims[0], dim = (size_t)dims[1] * dims[2];
    /* No pixels would mean no data to read for any n, and n labels. */
    if (rc == MP_OK && dim == 0)
        rc = mp_u_err(err, MP_EPARSE, images_path, 0, 0, NULL,
                      "IDX header declares %zu images of %u x %u pixels: rows "
                      "and columns must be >= 1",
                      n, (unsigned)dims[1], (unsigned)dims[2]);
    if (rc == MP_OK && n > SIZE_MAX / sizeof(double) / dim)
        rc = mp_u_err(err, MP_EPARSE, images_path, 0, 0, NULL,
                      "IDX header declares %zu images of %u x %u: too large",
                      n, (unsigned)dims[1], (unsigned)dims[2]);
    if (rc == MP_OK)
        rc = read_body(f, n * dim, "images", &bytes, err);
    if (rc == MP_OK)
        rc = mp_ds_new(n, dim, labelled, images_path, &ds, err);
    if (rc == MP_OK) {
        for (size_t i = 0; i < n * dim; i++)
            ds->x[i] = bytes[i] / 255.0;
        ds->n_classes = labelled ? n_classes : 0;
    }
    mp_u_free(bytes);
    *out = ds;
    return rc;
}

static int check_classes(const char *images_path, size_t n_classes, mp_error *err)
{
    if (n_classes < 1 || n_classes > 256)
        return mp_u_err(err, MP_EINVAL, images_path, 0, 0, NULL,
                        "number of classes %zu outside 1..256 (labels are "
                        "unsigned bytes)",
                        n_classes);
    return MP_OK;
}

/* One step of a load: the images (ds == NULL) or the labels of *ds, from
 * memory; frees *ds on failure. */
static int load_part(const char *path, const void *data, size_t len, int labelled,
                     size_t n_classes, const char *images_path, mp_dataset **ds,
                     mp_error *err)
{
    idx_file f;
    int rc = idx_open_mem(&f, path, data, len, err);
    if (rc == MP_OK)
        rc = *ds ? load_labels(&f, *ds, images_path, err)
                 : load_images(&f, labelled, n_classes, ds, err);
    idx_close(&f);
    if (rc != MP_OK) {
        mp_ds_free(*ds);
        *ds = NULL;
    }
    return rc;
}

int mp_ds_load_idx_mem(const char *images_name, const void *images,
                       size_t images_len, const char *labels_name,
                       const void *labels, size_t labels_len, size_t n_classes,
                       mp_dataset **out, mp_error *err)
{
    mp_dataset *ds = NULL;
    *out = NULL;
    int rc = check_classes(images_name, n_classes, err);
    if (rc == MP_OK)
        rc = load_part(images_name, images, images_len, labels_name != NULL,
                       n_classes, images_name, &ds, err);
    if (rc == MP_OK && labels_name)
        rc = load_part(labels_name, labels, labels_len, 1, n_classes, images_name,
                       &ds, err);
    *out = ds;
    return rc;
}

int mp_ds_load_idx_n(const char *images_path, const char *labels_path,
                     size_t n_classes, mp_dataset **out, mp_error *err)
{
    mp_dataset *ds = NULL;
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = check_classes(images_path, n_classes, err);
    if (rc == MP_OK)
        rc = idx_read_file(images_path, &text, &len, err);
    if (rc == MP_OK)
        rc = load_part(images_path, text, len, labels_path != NULL, n_classes,
                       images_path, &ds, err);
    mp_u_free(text);
    text = NULL;
    if (rc == MP_OK && labels_path)
        rc = idx_read_file(labels_path, &text, &len, err);
    if (rc == MP_OK && labels_path)
        rc = load_part(labels_path, text, len, 1, n_classes, images_path, &ds, err);
    mp_u_free(text);
    if (rc != MP_OK) {
        mp_ds_free(ds);
        ds = NULL;
    }
    *out = ds;
    return rc;
}

int mp_ds_load_idx(const char *images_path, const char *labels_path,
                   mp_dataset **out, mp_error *err)
{
    return mp_ds_load_idx_n(images_path, labels_path, 10, out, err);
}
