/* --set path=value: edits of the JSON tree before validation.
 *
 * Paths use dots for keys and [3] or [name] for array elements, where [name]
 * selects the element whose "name" is name ("projections[inh].delay"). Every
 * step but the last must exist; the last may add a key to an existing object
 * (to set a value the file leaves at its default), and validation then
 * judges it like any other. The value is parsed as JSON and taken as a
 * string when it is not JSON ("--set name=run2"), unless it plainly means
 * JSON (meant_as_json). An integer beyond Jansson's int64_t is taken as the
 * number it is (a real), so that the field reports its range.
 *
 * The canonical path of each edit ([name] replaced by [index]) is kept, so
 * that a validation error in an overridden value names the --set argument
 * instead of a position in a text that no longer holds the value: the
 * message's file is then "--set 'PATH=VALUE'" (mp_m_set_label), as it is for
 * errors in the argument itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

typedef struct walk {
    mp_m_ctx *c;
    const char *arg;  /* the whole "path=value" */
    char canon[MP_M_PATH_MAX];
    size_t canon_len;
} walk;

void mp_m_set_label(const char *arg, char *buf, size_t n)
{
    /* A long value is cut on the right, so the path stays readable. */
    const size_t most = 100;
    if (strlen(arg) > most)
        snprintf(buf, n, "--set '%.*s...'", (int)most, arg);
    else
        snprintf(buf, n, "--set '%s'", arg);
}

static int bad(walk *w, const char *path, const char *fmt, ...) MP_PRINTF(3, 4);
static int bad(walk *w, const char *path, const char *fmt, ...)
{
    char text[MP_ERROR_TEXT_LEN], where[MP_ERROR_FILE_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    mp_m_set_label(w->arg, where, sizeof where);
    return mp_u_err(w->c->err, MP_EINVAL, where, 0, 0, path, "%s", text);
}

/* A value that opens an object, an array or a JSON string is meant as
 * JSON: a mistake in it (a duplicate key, a missing comma, an unclosed
 * quote) is reported, not taken as text (an unclosed '"x.csv' would
 * otherwise name a file with the quote in it). */
static int meant_as_json(const char *v)
{
    v += strspn(v, " \t\r\n");
    return *v == '{' || *v == '[' || *v == '"';
}

/* An integer too big for Jansson (beyond int64_t: "too big integer"), as a
 * real with its value, or NULL when v is not such an integer. */
static json_t *big_integer(const char *v, const json_error_t *je)
{
    if (json_error_code(je) != json_error_numeric_overflow)
        return NULL;
    const char *d = v + strspn(v, " \t\r\n");
    d += *d == '-';
    size_t n = strspn(d, "0123456789");
    if (n == 0 || d[n + strspn(d + n, " \t\r\n")] != '\0')
        return NULL;
    return json_real(strtod(v, NULL));
}

static void canon_add(walk *w, const char *fmt, const char *s, size_t i)
{
    int k;
    if (s)
        k = snprintf(w->canon + w->canon_len, sizeof w->canon - w->canon_len,
                     fmt, s);
    else
        k = snprintf(w->canon + w->canon_len, sizeof w->canon - w->canon_len,
                     fmt, i);
    if (k > 0 && w->canon_len + (size_t)k < sizeof w->canon)
        w->canon_len += (size_t)k;
}

/* The element of array a selected by sel ("3" or a name); NULL when none. */
static json_t *select_elem(walk *w, json_t *a, const char *sel, size_t *idx)
{
    char *end;
    unsigned long i = strtoul(sel, &end, 10);
    if (end != sel && *end == '\0') {
        *idx = i;
        return json_array_get(a, i);
    }
    for (i = 0; i < json_array_size(a); i++) {
        const char *name = json_string_value(
            json_object_get(json_array_get(a, i), "name"));
        if (name && strcmp(name, sel) == 0) {
            *idx = i;
            return json_array_get(a, i);
        }
    }
    (void)w;
    return NULL;
}

/* Walks path (a modifiable copy) from root and stores val (stolen). */
static int set_path(walk *w, json_t *root, char *path, const char *shown,
                    json_t *val)
{
    json_t *cur = root;
    char *p = path;
    int rc = MP_OK;
    while (rc == MP_OK) {
        int is_index = *p == '[';
        char *seg = is_index ? p + 1 : p, *end;
        if (is_index) {
            end = strchr(seg, ']');
            if (!end || end == seg) {
                rc = bad(w, shown, "unclosed or empty [ ] in the path");
                break;
            }
            *end++ = '\0';
        } else {
            end = seg + strcspn(seg, ".[");
            if (end == seg) {
                rc = bad(w, shown, "empty key in the path");
                break;
            }
        }
        char next = *end;
        *end = '\0';
        int last = next == '\0';
        if (!last && next == '.' && end[1] == '\0') {
            rc = bad(w, shown, "the path ends with '.'");
            break;
        }
        if (is_index) {
            size_t idx = 0;
            if (!json_is_array(cur)) {
                rc = bad(w, shown, "'%s' is not an array",
                         w->canon_len ? w->canon : "(top level)");
                break;
            }
            json_t *e = select_elem(w, cur, seg, &idx);
            if (!e) {
                rc = bad(w, shown, "%s has no element [%s] (it has %zu)",
                         w->canon, seg, json_array_size(cur));
                break;
            }
            canon_add(w, "[%zu]", NULL, idx);
            if (last) {
                json_array_set_new(cur, idx, val);
                return MP_OK;
            }
            cur = e;
        } else {
            if (!json_is_object(cur)) {
                rc = bad(w, shown, "'%s' is not an object",
                         w->canon_len ? w->canon : "(top level)");
                break;
            }
            canon_add(w, w->canon_len ? ".%s" : "%s", seg, 0);
            if (last) {
                json_object_set_new(cur, seg, val);
                return MP_OK;
            }
            cur = json_object_get(cur, seg);
            if (!cur) {
                rc = bad(w, shown,
                         "there is no '%s' in the model (to add it, set it "
                         "whole: %s={...})", w->canon, w->canon);
                break;
            }
        }
        p = next == '.' ? end + 1 : end;
        if (next == '[')
            *end = '[';
    }
    json_decref(val);
    return rc;
}

static int apply_one(mp_m_ctx *c, json_t *root, const char *arg, char **canon)
{
    walk w = {c, arg, "", 0};
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return bad(&w, NULL, "expected path=value");
    size_t n = (size_t)(eq - arg);
    char *path = mp_u_malloc(2 * n + 2);
    if (!path)
        return mp_m_nomem(c);
    memcpy(path, arg, n);
    path[n] = '\0';
    char *shown = path + n + 1; /* the path as given, for messages */
    memcpy(shown, arg, n + 1);
    shown[n] = '\0';

    json_error_t jerr;
    json_t *val = json_loads(eq + 1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    int oom = !val && mp_m_json_oom(&jerr); /* not a reason to take it as text */
    int rc = MP_OK;
    if (oom)
        rc = mp_m_nomem(c);
    else if (!val && (val = big_integer(eq + 1, &jerr)) != NULL)
        rc = MP_OK;
    else if (!val && (meant_as_json(eq + 1) ||
                      json_error_code(&jerr) == json_error_duplicate_key))
        rc = bad(&w, shown, "invalid JSON in the value: %s (column %d of the value)",
                 jerr.text, jerr.column);
    else if (!val && !(val = json_string(eq + 1)))
        rc = bad(&w, shown, "the value is neither JSON nor UTF-8 text");
    if (rc == MP_OK)
        rc = set_path(&w, root, path, shown, val);
    if (rc == MP_OK) {
        *canon = mp_u_strdup(w.canon);
        if (!*canon)
            rc = mp_m_nomem(c);
    }
    mp_u_free(path);
    return rc;
}

int mp_m_apply_overrides(mp_m_ctx *c, json_t *root, const char *const *ov,
                         size_t n)
{
    if (n == 0)
        return MP_OK;
    c->ov_paths = mp_u_calloc(n, sizeof *c->ov_paths);
    if (!c->ov_paths)
        return mp_m_nomem(c);
    c->ov_args = ov;
    for (size_t i = 0; i < n; i++) {
        char *canon = NULL;
        int rc = apply_one(c, root, ov[i] ? ov[i] : "", &canon);
        if (rc != MP_OK)
            return rc;
        c->ov_paths[c->n_ov++] = canon;
    }
    return MP_OK;
}

void mp_m_ctx_release(mp_m_ctx *c)
{
    for (size_t i = 0; i < c->n_ov; i++)
        mp_u_free(c->ov_paths[i]);
    mp_u_free(c->ov_paths);
    c->ov_paths = NULL;
    c->n_ov = 0;
}
