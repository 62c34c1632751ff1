/* Sizes that cannot overflow, byte counts in words, and the memory limit
 * against which a net's owners (populations, projections, rule states) are
 * checked before anything is allocated, so that a model asking for too much
 * is refused with the owner and the bytes instead of a bare "out of memory"
 * (or a machine brought to its knees by overcommitted pages). */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/sysinfo.h>
#endif

#include "util/util_int.h"

size_t mp_u_size_mul(size_t a, size_t b)
{
    return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

size_t mp_u_size_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

const char *mp_u_fmt_bytes(size_t bytes, char buf[32])
{
    static const char *const unit[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
    if (bytes == SIZE_MAX) {
        snprintf(buf, 32, "more than %.0f EB", (double)SIZE_MAX / 1e18);
        return buf;
    }
    if (bytes < 1000) {
        snprintf(buf, 32, "%zu bytes", bytes);
        return buf;
    }
    double x = (double)bytes / 1000.0;
    size_t u = 0;
    while (x >= 999.5 && u + 1 < sizeof unit / sizeof *unit) {
        x /= 1000.0;
        u++;
    }
    snprintf(buf, 32, x < 9.95 ? "%.1f %s" : "%.0f %s", x, unit[u]);
    return buf;
}

/* Set by tests only, before any net exists. */
static size_t test_limit;

void mp_u_set_mem_limit(size_t bytes) { test_limit = bytes; }

static size_t rlimit_bytes(int resource)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
        (unsigned long long)rl.rlim_cur >= SIZE_MAX)
        return SIZE_MAX;
    return (size_t)rl.rlim_cur;
}

/* RAM + swap: what the kernel will let the process commit without
 * overcommitting (heuristic overcommit refuses single allocations above
 * it). */
static size_t machine_bytes(void)
{
#if defined(__linux__)
    struct sysinfo si;
    if (sysinfo(&si) == 0 && si.totalram > 0)
        return mp_u_size_mul(mp_u_size_add(si.totalram, si.totalswap),
                             si.mem_unit ? si.mem_unit : 1);
#endif
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        return mp_u_size_mul((size_t)pages, (size_t)page);
#endif
    return SIZE_MAX;
}

size_t mp_u_mem_limit(const char **what)
{
    const char *w = "the memory of this machine";
    size_t lim = machine_bytes();
    size_t as = rlimit_bytes(RLIMIT_AS), data = rlimit_bytes(RLIMIT_DATA);
    if (as < lim) {
        lim = as;
        w = "the process's address-space limit (ulimit -v)";
    }
    if (data < lim) {
        lim = data;
        w = "the process's data limit (ulimit -d)";
    }
    if (test_limit) {
        lim = test_limit;
        w = "the memory limit set by the test";
    }
    if (what)
        *what = w;
    return lim;
}

static int mem_err(mp_error *err, const char *tail, size_t bytes, const char *file,
                   const char *path, const char *what_for, const char *fmt,
                   va_list ap)
{
    char owner[320], need[32];
    vsnprintf(owner, sizeof owner, fmt, ap);
    return mp_u_err(err, MP_ENOMEM, file, 0, 0, path, "%s needs %s for %s%s", owner,
                    mp_u_fmt_bytes(bytes, need), what_for, tail);
}

int mp_u_mem_check(mp_error *err, size_t bytes, const char *file,
                   const char *path, const char *what_for, const char *fmt, ...)
{
    const char *what;
    size_t lim = mp_u_mem_limit(&what);
    if (bytes <= lim)
        return MP_OK;
    char tail[160], have[32];
    snprintf(tail, sizeof tail, ", more than %s (%s)", what, mp_u_fmt_bytes(lim, have));
    va_list ap;
    va_start(ap, fmt);
    int rc = mem_err(err, tail, bytes, file, path, what_for, fmt, ap);
    va_end(ap);
    return rc;
}

int mp_u_mem_fail(mp_error *err, size_t bytes, const char *file,
                  const char *path, const char *what_for, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = mem_err(err, ": out of memory", bytes, file, path, what_for, fmt, ap);
    va_end(ap);
    return rc;
}
