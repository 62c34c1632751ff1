/* Shared helpers of the rate-network tests: a scratch directory, tiny IDX
 * data sets written on the fly, models loaded from JSON text. */
#ifndef MP_TEST_RATE_FIXTURE_H
#define MP_TEST_RATE_FIXTURE_H

#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/kernel_int.h"
#include "net/net_int.h"
#include "metaplast/metaplast.h"
#include "model/model_int.h"
#include "rate/rate_int.h"
#include "stimuli/dataset_int.h"

/* The backend net behind a front (core/net/net_int.h). */
#ifndef KNET
#define KNET(n) ((mp_k_net *)mp_n_impl(n))
#define RNET(n) ((mp_r_net *)mp_n_impl(n))
#endif

static char rt_dir[256];

static inline void rt_mkdir(const char *tag)
{
    snprintf(rt_dir, sizeof rt_dir, "/tmp/mp_rate_%s_%ld", tag, (long)getpid());
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", rt_dir);
    if (system(cmd) != 0)
        perror("mkdir");
}

static inline void rt_put_be32(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    fwrite(b, 1, 4, f);
}

/* n images of 1 x dim pixels (pseudo-random bytes) and labels i % classes. */
static inline void rt_write_idx(const char *stem, size_t n, size_t dim, size_t classes,
                         unsigned seed)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s-images.idx", rt_dir, stem);
    FILE *f = fopen(p, "wb");
    rt_put_be32(f, 0x803);
    rt_put_be32(f, (uint32_t)n);
    rt_put_be32(f, 1);
    rt_put_be32(f, (uint32_t)dim);
    uint32_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n * dim; i++) {
        s = s * 1664525u + 1013904223u;
        fputc((int)(s >> 24), f);
    }
    fclose(f);
    snprintf(p, sizeof p, "%s/%s-labels.idx", rt_dir, stem);
    f = fopen(p, "wb");
    rt_put_be32(f, 0x801);
    rt_put_be32(f, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        fputc((int)(i % classes), f);
    fclose(f);
}

/* Writes text to <rt_dir>/name and loads it as a model (NULL on failure,
 * with the error printed). */
static inline mp_model *rt_model(const char *name, const char *text)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", rt_dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    if (mp_model_load(p, NULL, 0, &m, &err) != MP_OK) {
        char buf[2048];
        fprintf(stderr, "load %s: %s\n", p, mp_error_format(&err, buf, sizeof buf));
        return NULL;
    }
    return m;
}

/* "<MP_RATE_FIXTURES>/<name>.so" into buf. */
static inline const char *rt_fixture(const char *name, char *buf, size_t n)
{
    const char *d = getenv("MP_RATE_FIXTURES");
    snprintf(buf, n, "%s/%s.so", d ? d : "rateplugins", name);
    return buf;
}

/* 1 when plugin <name>.so is in METAPLAST_PLUGIN_PATH's first directory. */
static inline int rt_have_plugin(const char *name)
{
    const char *d = getenv("METAPLAST_PLUGIN_PATH");
    char p[4096];
    snprintf(p, sizeof p, "%s/%s.so", d ? d : "plugins", name);
    return access(p, R_OK) == 0;
}

#endif
