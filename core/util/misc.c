/* Strings, paths, directories and clocks. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "metaplast/metaplast.h"
#include "util/util_int.h"

const char *mp_version(void) { return MP_VERSION_STRING; }

char *mp_u_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = mp_u_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *mp_u_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = mp_u_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

/* realpath(path, NULL) returns a block of the C library's malloc, which
 * mp_u_free must not be given: resolve into a buffer and copy. */
char *mp_u_realpath(const char *path)
{
    char buf[PATH_MAX];
    return path && realpath(path, buf) ? mp_u_strdup(buf) : NULL;
}

char *mp_u_path_join(const char *dir, const char *name)
{
    if (!name)
        return NULL;
    /* "." adds nothing but noise to messages ("././x.so") */
    if (name[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
        return mp_u_strdup(name);
    size_t a = strlen(dir), b = strlen(name);
    char *s = mp_u_malloc(a + b + 2);
    if (!s)
        return NULL;
    memcpy(s, dir, a);
    s[a] = '/';
    memcpy(s + a + 1, name, b + 1);
    return s;
}

int mp_u_mkdir_p(const char *dir, mp_error *err)
{
    char *p = mp_u_strdup(dir);
    if (!p)
        return mp_u_err(err, MP_ENOMEM, dir, 0, 0, NULL,
                        "out of memory creating directory '%s'", dir);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                mp_u_err(err, MP_EIO, dir, 0, 0, NULL,
                         "cannot create directory '%s': %s", p, strerror(e));
                mp_u_free(p);
                return MP_EIO;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    mp_u_free(p);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return mp_u_err(err, MP_EIO, dir, 0, 0, NULL,
                        "output directory '%s' exists and is not a directory", dir);
    return MP_OK;
}

double mp_u_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
