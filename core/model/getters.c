/* Typed getters with a JSON-path stack, and the error helpers they share.
 *
 * Every value of a model file is read through these, so every message has
 * the same shape: the path of the value, its position in the file, what was
 * expected and what was found. Objects are checked against the list of keys
 * the loader reads from them before anything is read, so a typo is reported
 * as itself ("unknown key 'wieght' (did you mean 'weight'?)") rather than as
 * the missing key it was meant to be.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

/* ---- the path stack ----------------------------------------------------- */

static size_t push_text(mp_m_ctx *c, const char *fmt, ...) MP_PRINTF(2, 3);
static size_t push_text(mp_m_ctx *c, const char *fmt, ...)
{
    size_t old = c->path_len;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(c->path + old, sizeof c->path - old, fmt, ap);
    va_end(ap);
    /* A path too long to hold is cut; messages stay readable. */
    if (k > 0)
        c->path_len = old + (size_t)k < sizeof c->path ? old + (size_t)k
                                                       : sizeof c->path - 1;
    return old;
}

size_t mp_m_push_key(mp_m_ctx *c, const char *key)
{
    return push_text(c, c->path_len ? ".%s" : "%s", key);
}

size_t mp_m_push_index(mp_m_ctx *c, size_t i)
{
    return push_text(c, "[%zu]", i);
}

void mp_m_pop(mp_m_ctx *c, size_t len)
{
    c->path_len = len;
    c->path[len] = '\0';
}

/* ---- errors ------------------------------------------------------------- */

/* The --set argument that set `path` or one of its parents, or NULL. */
static const char *override_of(const mp_m_ctx *c, const char *path)
{
    for (size_t i = c->n_ov; i-- > 0;) {
        size_t n = strlen(c->ov_paths[i]);
        if (strncmp(path, c->ov_paths[i], n) == 0 &&
            (path[n] == '\0' || path[n] == '.' || path[n] == '['))
            return c->ov_args[i];
    }
    return NULL;
}

/* The error at c->path: named by the --set ov when one caused it, else by
 * the file's line:col of the value. */
static int report(mp_m_ctx *c, const char *ov, int code, const char *text)
{
    int line = 0, col = 0;
    if (ov) {
        char where[MP_ERROR_FILE_LEN];
        mp_m_set_label(ov, where, sizeof where);
        return mp_u_err(c->err, code, where, 0, 0, c->path, "%s", text);
    }
    mp_m_jsonpos(c->text, c->text_len, c->path, &line, &col);
    return mp_u_err(c->err, code, c->file, line, col, c->path, "%s", text);
}

/* other: the path of a second value the failed check compares with, or
 * NULL. When only that one came from --set, the --set caused the failure
 * and is named, as for a value set by it. */
static int vfail(mp_m_ctx *c, const char *other, int code, const char *fmt,
                 va_list ap)
{
    char text[MP_ERROR_TEXT_LEN];
    vsnprintf(text, sizeof text, fmt, ap);
    const char *ov = override_of(c, c->path);
    if (!ov && other)
        ov = override_of(c, other);
    return report(c, ov, code, text);
}

int mp_m_fail(mp_m_ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, NULL, code, fmt, ap);
    va_end(ap);
    return code;
}

/* vfail at c->path + "." + key (other: see mp_m_fail_rel). */
static int vfail_key(mp_m_ctx *c, const char *key, const char *other, int code,
                     const char *fmt, va_list ap)
{
    size_t old = mp_m_push_key(c, key);
    vfail(c, other, code, fmt, ap);
    mp_m_pop(c, old);
    return code;
}

int mp_m_fail_key(mp_m_ctx *c, const char *key, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_key(c, key, NULL, code, fmt, ap);
    va_end(ap);
    return code;
}

int mp_m_fail_rel(mp_m_ctx *c, const char *key, const char *other, int code,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_key(c, key, other, code, fmt, ap);
    va_end(ap);
    return code;
}

/* The --set that set path, a parent of it or a value inside it, or NULL. */
static const char *override_near(const mp_m_ctx *c, const char *path)
{
    const char *ov = override_of(c, path);
    size_t n = strlen(path);
    for (size_t i = c->n_ov; !ov && i-- > 0;) {
        const char *o = c->ov_paths[i];
        if (strncmp(o, path, n) == 0 && (o[n] == '.' || o[n] == '['))
            ov = c->ov_args[i];
    }
    return ov;
}

int mp_m_fail_at(mp_m_ctx *c, const char *path, const char *const *causes,
                 size_t n, int code, const char *text)
{
    char saved[MP_M_PATH_MAX];
    size_t old = c->path_len;
    memcpy(saved, c->path, old + 1);
    mp_m_pop(c, 0);
    mp_m_push_key(c, path);
    const char *ov = override_near(c, c->path);
    for (size_t i = 0; i < n && !ov; i++)
        ov = override_near(c, causes[i]);
    report(c, ov, code, text);
    memcpy(c->path, saved, old + 1);
    c->path_len = old;
    return code;
}

int mp_m_nomem(mp_m_ctx *c)
{
    return mp_u_err(c->err, MP_ENOMEM, c->file, 0, 0, c->path, "out of memory");
}

int mp_m_json_oom(const json_error_t *je)
{
    return json_error_code(je) == json_error_out_of_memory || !je->text[0];
}

int mp_m_json_error(mp_error *err, const char *file, const json_error_t *je)
{
    if (mp_m_json_oom(je))
        return mp_u_err(err, MP_ENOMEM, file, 0, 0, NULL,
                        "out of memory while parsing the JSON text");
    return mp_u_err(err, MP_EPARSE, file, je->line > 0 ? je->line : 0,
                    je->column > 0 ? je->column : 0, NULL, "invalid JSON: %s", je->text);
}

size_t mp_m_bom_len(const char *text, size_t len)
{
    return len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* ---- words for messages ------------------------------------------------- */

/* Edit distance (Levenshtein), case-insensitive; words longer than 63
 * characters are never typos of our short names. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), row[64];
    if (na > 63 || nb > 63)
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) ==
                       tolower((unsigned char)b[j - 1]);
            size_t best = diag + (same ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

const char *mp_m_suggest(const char *word, const char *const *cand, size_t n)
{
    size_t len = strlen(word);
    size_t limit = len <= 3 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, cand[i]);
        if (d < best_d) {
            best_d = d;
            best = cand[i];
        }
    }
    return best;
}

const char *mp_m_fmt_num(double x, char buf[32])
{
    snprintf(buf, 32, "%.15g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, 32, "%.17g", x);
    return buf;
}

const char *mp_m_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* "the string "abc"", "-3", "an object": what was found, briefly. */
static const char *describe(const json_t *v, char *buf, size_t n)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_STRING:
        snprintf(buf, n, "the string \"%.60s\"", json_string_value(v));
        return buf;
    case JSON_INTEGER:
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    case JSON_REAL:
        snprintf(buf, n, "%s", mp_m_fmt_num(json_real_value(v), num));
        return buf;
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    default: return mp_m_type_name(v);
    }
}

static int wrong_type(mp_m_ctx *c, const char *expected, const json_t *v)
{
    char buf[96];
    return mp_m_fail(c, MP_EINVAL, "expected %s, got %s", expected,
                     describe(v, buf, sizeof buf));
}

/* Appends "a, b, c" of a NULL-terminated list to buf. */
static void list_names(char *buf, size_t n, const char *const *names)
{
    size_t used = strlen(buf);
    for (size_t i = 0; names[i] && used < n; i++) {
        int k = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", names[i]);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static size_t count(const char *const *names)
{
    size_t n = 0;
    while (names[n])
        n++;
    return n;
}

/* ---- objects ------------------------------------------------------------ */

int mp_m_object(mp_m_ctx *c, const json_t *v, const char *what,
                const char *const *keys)
{
    const char *key;
    const json_t *val;
    if (!json_is_object(v)) {
        char buf[80];
        snprintf(buf, sizeof buf, "%s object", what);
        return wrong_type(c, buf, v);
    }
    json_object_foreach((json_t *)v, key, val) {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], key) != 0)
            i++;
        if (keys[i])
            continue;
        const char *s = mp_m_suggest(key, keys, count(keys));
        if (s)
            return mp_m_fail_key(c, key, MP_EINVAL,
                                 "unknown key '%s' (did you mean '%s'?)", key, s);
        char list[300] = "";
        list_names(list, sizeof list, keys);
        return mp_m_fail_key(c, key, MP_EINVAL,
                             "unknown key '%s' in %s; known keys: %s", key,
                             what, list);
    }
    return MP_OK;
}

/* obj[key], or NULL after failing when it is required and missing. */
static json_t *get(mp_m_ctx *c, const json_t *obj, const char *key,
                   int required, int *rc)
{
    json_t *v = json_object_get(obj, key);
    *rc = MP_OK;
    if (!v && required)
        *rc = mp_m_fail_key(c, key, MP_EINVAL, "missing required key '%s'", key);
    return v;
}

/* ---- scalars ------------------------------------------------------------ */

int mp_m_check_range(mp_m_ctx *c, double x, mp_m_range r, const char *unit)
{
    char a[32], b[32], got[32];
    const char *u = unit && unit[0] ? " " : "", *un = unit ? unit : "";
    int lo_ok = r.lo_op == 0 || (r.lo_op == '>' ? x > r.lo : x >= r.lo);
    int hi_ok = r.hi_op == 0 || (r.hi_op == '<' ? x < r.hi : x <= r.hi);
    if (lo_ok && hi_ok)
        return MP_OK;
    mp_m_fmt_num(x, got);
    mp_m_fmt_num(r.lo, a);
    mp_m_fmt_num(r.hi, b);
    if (r.lo_op && r.hi_op)
        return mp_m_fail(c, MP_EINVAL, "must be in %c%s, %s%c%s%s (got %s)",
                         r.lo_op == '>' ? '(' : '[', a, b,
                         r.hi_op == '<' ? ')' : ']', u, un, got);
    if (!lo_ok)
        return mp_m_fail(c, MP_EINVAL, "must be %s %s%s%s (got %s)",
                         r.lo_op == '>' ? ">" : ">=", a, u, un, got);
    return mp_m_fail(c, MP_EINVAL, "must be %s %s%s%s (got %s)",
                     r.hi_op == '<' ? "<" : "<=", b, u, un, got);
}

int mp_m_check_steps(mp_m_ctx *c, const char *key, double ms, double dt)
{
    char a[32], b[32];
    double steps = ms / dt;
    /* A time under dt/2 rounds to no step at all: the run would simulate
     * nothing and report success (docs/kernel.md: N = round(T / dt)). */
    if (round(steps) < 1)
        return mp_m_fail_rel(c, key, "dt", MP_EINVAL,
                             "%s ms is 0 steps of dt = %s ms (steps = round(%s / dt)); "
                             "give at least dt/2 = %.6g ms",
                             mp_m_fmt_num(ms, a), mp_m_fmt_num(dt, b), key, dt / 2);
    /* the same test as mp_net_run's, on the rounded step count */
    if (round(steps) < (double)MP_MAX_STEPS)
        return MP_OK;
    return mp_m_fail_rel(c, key, "dt", MP_EINVAL,
                         "%s ms is %.3g steps of dt = %s ms; fewer than "
                         MP_MAX_STEPS_TEXT " steps fit (%s < %.6g ms)",
                         mp_m_fmt_num(ms, a), steps, mp_m_fmt_num(dt, b), key,
                         (double)MP_MAX_STEPS * dt);
}

int mp_m_num(mp_m_ctx *c, const json_t *obj, const char *key, const double *def,
             mp_m_range r, const char *unit, double *out)
{
    int rc;
    json_t *v = get(c, obj, key, def == NULL, &rc);
    if (!v) {
        if (def)
            *out = *def;
        return rc;
    }
    size_t old = mp_m_push_key(c, key);
    if (!json_is_number(v)) {
        rc = wrong_type(c, "a number", v);
    } else {
        *out = json_number_value(v);
        rc = mp_m_check_range(c, *out, r, unit);
    }
    mp_m_pop(c, old);
    return rc;
}

int mp_m_int(mp_m_ctx *c, const json_t *obj, const char *key,
             const long long *def, long long lo, long long hi, long long *out)
{
    int rc;
    json_t *v = get(c, obj, key, def == NULL, &rc);
    if (!v) {
        if (def)
            *out = *def;
        return rc;
    }
    size_t old = mp_m_push_key(c, key);
    double x = json_is_real(v) ? json_real_value(v) : 0;
    char num[32];
    /* 100.0 is accepted as 100: a harmless spelling. A whole number out of
     * range is reported as such, however large (1e16, 1e300). */
    if (json_is_integer(v))
        *out = (long long)json_integer_value(v);
    else if (json_is_real(v) && x == floor(x) && x < (double)lo)
        rc = mp_m_fail(c, MP_EINVAL, "must be >= %lld (got %s)", lo,
                       mp_m_fmt_num(x, num));
    else if (json_is_real(v) && x == floor(x) && x > (double)hi)
        rc = mp_m_fail(c, MP_EINVAL, "must be <= %lld (got %s)", hi,
                       mp_m_fmt_num(x, num));
    else if (json_is_real(v) && x == floor(x) && fabs(x) < 9e15)
        *out = (long long)x;
    else if (json_is_real(v) && x == floor(x)) /* in range: exact? */
        rc = mp_m_fail(c, MP_EINVAL, "expected an integer, got %s: from 9e15 on, "
                       "write it in digits (with a point or an exponent it may "
                       "have been rounded)", mp_m_fmt_num(x, num));
    else
        rc = wrong_type(c, "an integer", v);
    if (rc == MP_OK && *out < lo)
        rc = mp_m_fail(c, MP_EINVAL, "must be >= %lld (got %lld)", lo, *out);
    else if (rc == MP_OK && *out > hi)
        rc = mp_m_fail(c, MP_EINVAL, "must be <= %lld (got %lld)", hi, *out);
    mp_m_pop(c, old);
    return rc;
}

int mp_m_size(mp_m_ctx *c, const json_t *obj, const char *key,
              const size_t *def, size_t lo, size_t hi, size_t *out)
{
    long long d = def ? (long long)*def : 0, v = 0;
    long long h = hi > (size_t)LLONG_MAX ? LLONG_MAX : (long long)hi;
    int rc = mp_m_int(c, obj, key, def ? &d : NULL, (long long)lo, h, &v);
    if (rc == MP_OK)
        *out = (size_t)v;
    return rc;
}

int mp_m_str(mp_m_ctx *c, const json_t *obj, const char *key, int optional,
             const char *def, const char **out)
{
    int rc;
    json_t *v = get(c, obj, key, !optional, &rc);
    if (!v) {
        *out = def;
        return rc;
    }
    if (!json_is_string(v)) {
        size_t old = mp_m_push_key(c, key);
        rc = wrong_type(c, "a string", v);
        mp_m_pop(c, old);
        return rc;
    }
    *out = json_string_value(v);
    return MP_OK;
}

int mp_m_bool(mp_m_ctx *c, const json_t *obj, const char *key, int def,
              int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        *out = def;
        return MP_OK;
    }
    if (!json_is_boolean(v)) {
        size_t old = mp_m_push_key(c, key);
        int rc = wrong_type(c, "true or false", v);
        mp_m_pop(c, old);
        return rc;
    }
    *out = json_is_true(v);
    return MP_OK;
}

int mp_m_enum(mp_m_ctx *c, const json_t *obj, const char *key,
              const char *const *names, int def, int *out)
{
    const char *s;
    int rc = mp_m_str(c, obj, key, def >= 0, NULL, &s);
    if (rc != MP_OK)
        return rc;
    if (!s) {
        *out = def;
        return MP_OK;
    }
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], s) == 0) {
            *out = i;
            return MP_OK;
        }
    }
    char list[300] = "";
    list_names(list, sizeof list, names);
    const char *sug = mp_m_suggest(s, names, count(names));
    if (sug)
        return mp_m_fail_key(c, key, MP_EINVAL,
                             "unknown %s '%s' (did you mean '%s'?); expected one of: %s",
                             key, s, sug, list);
    return mp_m_fail_key(c, key, MP_EINVAL,
                         "unknown %s '%s'; expected one of: %s", key, s, list);
}

int mp_m_name(mp_m_ctx *c, const json_t *obj, const char *key,
              const char **out)
{
    int rc = mp_m_str(c, obj, key, 0, NULL, out);
    if (rc != MP_OK)
        return rc;
    const char *s = *out;
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789_-");
    if (s[0] == '\0' || s[n] != '\0')
        return mp_m_fail_key(c, key, MP_EINVAL,
                             "'%s' is not a valid name: use one or more letters, "
                             "digits, '_' or '-'", s);
    return MP_OK;
}

int mp_m_array(mp_m_ctx *c, const json_t *obj, const char *key, int optional,
               int nonempty, json_t **out)
{
    int rc;
    json_t *v = get(c, obj, key, !optional, &rc);
    *out = NULL;
    if (!v)
        return rc;
    size_t old = mp_m_push_key(c, key);
    if (!json_is_array(v))
        rc = wrong_type(c, "an array", v);
    else if (nonempty && json_array_size(v) == 0)
        rc = mp_m_fail(c, MP_EINVAL, "must not be empty");
    else
        *out = v;
    mp_m_pop(c, old);
    return rc;
}
