/* Spike files: CSV "t_ms,neuron", one spike a line, read at load time.
 *
 * A first line that does not start with a number is a header and skipped;
 * blank lines and lines starting with '#' are skipped too. Times are ms
 * (>= 0, any order: they are sorted here), neurons 0-based ids below the
 * stimulus' size. Errors name the CSV's file:line:column.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

typedef struct spike {
    double t;
    uint32_t id;
} spike;

static int cmp_spike(const void *a, const void *b)
{
    const spike *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static const char *skip_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Parses one data line into sp; on failure fills err and returns it. */
static int parse_line(const mp_m_spike_file *sf, const char *path, char *line,
                      size_t lineno, spike *sp, mp_error *err)
{
    char *end;
    const char *s = skip_blank(line);
    errno = 0;
    double t = strtod(s, &end);
    int col = (int)(s - line) + 1;
    if (end == s || errno == ERANGE || !isfinite(t))
        return mp_u_err(err, MP_EPARSE, sf->file, (int)lineno, col, path,
                        "expected a spike time in ms, got '%.40s'", s);
    if (t < 0)
        return mp_u_err(err, MP_EINVAL, sf->file, (int)lineno, col, path,
                        "spike times must be >= 0 ms (got %g)", t);
    s = skip_blank(end);
    if (*s != ',')
        return mp_u_err(err, MP_EPARSE, sf->file, (int)lineno,
                        (int)(s - line) + 1, path,
                        "expected 't_ms,neuron': a ',' after the time");
    s = skip_blank(s + 1);
    col = (int)(s - line) + 1;
    errno = 0;
    unsigned long long id = strtoull(s, &end, 10);
    if (end == s || *s == '-' || errno == ERANGE || *skip_blank(end) != '\0')
        return mp_u_err(err, MP_EPARSE, sf->file, (int)lineno, col, path,
                        "expected a neuron id (an integer >= 0), got '%.40s'", s);
    if (id >= sf->size)
        return mp_u_err(err, MP_EINVAL, sf->file, (int)lineno, col, path,
                        "neuron id %llu is out of range: the stimulus has size "
                        "%zu (ids 0..%zu)", id, sf->size, sf->size - 1);
    sp->t = t;
    sp->id = (uint32_t)id;
    return MP_OK;
}

/* Reads every line of text into a growing array of spikes. Lines are
 * copied into a 4096-byte buffer, so a NUL inside one ends it, as in a C
 * string. */
static int read_all(mp_m_spike_file *sf, const char *path, const char *text,
                    size_t len, spike **out, size_t *n_out, mp_error *err)
{
    char buf[4096];
    spike *v = NULL;
    size_t n = 0, cap = 0, lineno = 0, pos = 0;
    int rc = MP_OK, seen_data = 0;
    while (rc == MP_OK && pos < len) {
        lineno++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (ll > sizeof buf - 2) {
            rc = mp_u_err(err, MP_EPARSE, sf->file, (int)lineno, 1, path,
                          "line longer than %zu characters", sizeof buf - 2);
            break;
        }
        memcpy(buf, text + pos, ll);
        buf[ll] = '\0';
        pos += ll + (nl != NULL);
        buf[strcspn(buf, "\r\n")] = '\0';
        const char *s = skip_blank(buf);
        if (*s == '\0' || *s == '#')
            continue;
        /* A header: the first line that is not blank or a comment, when
         * it does not start like a number. */
        if (!seen_data && !strchr("0123456789+-.", *s)) {
            seen_data = 1;
            continue;
        }
        seen_data = 1;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 256;
            spike *nv = mp_u_realloc(v, nc * sizeof *nv);
            if (!nv) {
                rc = mp_u_err(err, MP_ENOMEM, sf->file, 0, 0, path, "out of memory");
                break;
            }
            v = nv;
            cap = nc;
        }
        rc = parse_line(sf, path, buf, lineno, &v[n], err);
        if (rc == MP_OK)
            n++;
    }
    if (rc != MP_OK) {
        mp_u_free(v);
        return rc;
    }
    *out = v;
    *n_out = n;
    return MP_OK;
}

int mp_m_spike_file_parse(mp_m_spike_file *sf, const char *path, const char *text,
                          size_t len, mp_error *err)
{
    spike *v = NULL;
    size_t n = 0;
    int rc = read_all(sf, path, text, len, &v, &n, err);
    if (rc != MP_OK)
        return rc;
    if (n) /* qsort(NULL, 0, ...) is undefined: an empty file has no array */
        qsort(v, n, sizeof *v, cmp_spike);
    sf->t = mp_u_malloc((n ? n : 1) * sizeof *sf->t);
    sf->id = mp_u_malloc((n ? n : 1) * sizeof *sf->id);
    if (!sf->t || !sf->id) {
        mp_u_free(v);
        return mp_u_err(err, MP_ENOMEM, sf->file, 0, 0, path, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        sf->t[i] = v[i].t;
        sf->id[i] = v[i].id;
    }
    sf->n_spikes = n;
    mp_u_free(v);
    return MP_OK;
}

int mp_m_spike_file_read(mp_m_ctx *c, mp_m_spike_file *sf)
{
    char *text = NULL;
    size_t len = 0;
    int e = 0, r = mp_u_read_file(sf->file, &text, &len, &e);
    if (r == MP_U_READ_OPEN || r == MP_U_READ_NOTREG)
        /* Not the CSV's fault: point at the "file" key of the model. */
        return mp_m_fail_key(c, "file", MP_EIO, "cannot open spike file '%s': %s",
                             sf->file, mp_u_read_reason(r, e));
    if (r == MP_U_READ_NOMEM)
        return mp_m_nomem(c);
    size_t old = mp_m_push_key(c, "file");
    int rc = r == MP_U_READ_IO
                 ? mp_u_err(c->err, MP_EIO, sf->file, 0, 0, c->path,
                            "read error in spike file '%s'", sf->file)
                 : mp_m_spike_file_parse(sf, c->path, text, len, c->err);
    mp_u_free(text);
    mp_m_pop(c, old);
    return rc;
}
