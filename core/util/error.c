/* The mp_error record: first error wins, file names cut from the left. */
#include <stdio.h>
#include <string.h>

#include "util/util_int.h"

void mp_error_clear(mp_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

/* Copies src into dst (size n); a too long src keeps its tail after "...". */
static void copy_tail(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len < n) {
        memcpy(dst, src, len + 1);
        return;
    }
    memcpy(dst, "...", 3);
    memcpy(dst + 3, src + len - (n - 4), n - 4);
    dst[n - 1] = '\0';
}

int mp_u_verr(mp_error *err, int code, const char *file, int line, int col,
              const char *path, const char *fmt, va_list ap)
{
    if (!err || err->code != 0 || err->text[0] != '\0')
        return code;
    err->code = code;
    err->line = line;
    err->column = col;
    copy_tail(err->file, sizeof err->file, file ? file : "");
    copy_tail(err->path, sizeof err->path, path ? path : "");
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    return code;
}

int mp_u_err(mp_error *err, int code, const char *file, int line, int col,
             const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_u_verr(err, code, file, line, col, path, fmt, ap);
    va_end(ap);
    return code;
}

char *mp_error_format(const mp_error *err, char *buf, unsigned long size)
{
    size_t used = 0;
    if (!buf || size == 0)
        return buf;
    buf[0] = '\0';
    if (!err)
        return buf;
#define APPEND(...)                                                            \
    do {                                                                       \
        int k = snprintf(buf + used, size - used, __VA_ARGS__);                \
        if (k > 0)                                                             \
            used += (size_t)k < size - used ? (size_t)k : size - used - 1;     \
    } while (0)
    if (err->file[0]) {
        APPEND("%s", err->file);
        if (err->line > 0)
            APPEND(":%d:%d", err->line, err->column);
        APPEND(": ");
    }
    if (err->path[0])
        APPEND("%s: ", err->path);
    APPEND("%s", err->text[0] ? err->text : mp_strerror(err->code));
#undef APPEND
    return buf;
}

const char *mp_errname(int code)
{
    switch (code) {
    case MP_OK: return "MP_OK";
    case MP_EINVAL: return "MP_EINVAL";
    case MP_ENOMEM: return "MP_ENOMEM";
    case MP_EIO: return "MP_EIO";
    case MP_EPARSE: return "MP_EPARSE";
    case MP_EPLUGIN: return "MP_EPLUGIN";
    case MP_EUNSTABLE: return "MP_EUNSTABLE";
    default: return "MP_E?";
    }
}

const char *mp_strerror(int code)
{
    switch (code) {
    case MP_OK: return "success";
    case MP_EINVAL: return "invalid value";
    case MP_ENOMEM: return "out of memory";
    case MP_EIO: return "input/output error";
    case MP_EPARSE: return "parse error";
    case MP_EPLUGIN: return "plugin error";
    case MP_EUNSTABLE: return "unstable simulation";
    default: return "unknown error";
    }
}
