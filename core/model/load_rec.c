/* Recorders: what to write, of which source, population or projection, and
 * to which file of the output directory. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

/* The longest file name the system creates (a longer one fails with
 * ENAMETOOLONG only when the run opens it); the whole path, with the
 * output directory, is known only then and is checked by the open. */
#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* Index of the projection called name, or -1. */
long mp_m_projection_find(const mp_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_projections; i++)
        if (m->projections[i].name && strcmp(m->projections[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* obj[key] names an element of `what` (sources, populations or
 * projections): its index in the model's array of those. */
static int target_ref(mp_m_ctx *c, const mp_model *m, const json_t *obj,
                      const char *key, int kind, size_t *out)
{
    const char *name, *cand[64];
    size_t n = 0;
    int rc = mp_m_str(c, obj, key, 0, NULL, &name);
    if (rc != MP_OK)
        return rc;
    long i = -1;
    if (kind == MP_REC_WEIGHTS) {
        i = mp_m_projection_find(m, name);
        for (size_t j = 0; j < m->n_projections && n < 64; j++)
            cand[n++] = m->projections[j].name;
    } else {
        i = mp_m_source_find(m, name);
        if (kind == MP_REC_STATE && i >= 0 &&
            m->sources[i].kind != MP_SRC_POPULATION)
            return mp_m_fail_key(c, key, MP_EINVAL,
                                 "'%s' is a stimulus; state is recorded from "
                                 "populations only", name);
        for (size_t j = 0; j < m->n_sources && n < 64; j++)
            if (kind != MP_REC_STATE || m->sources[j].kind == MP_SRC_POPULATION)
                cand[n++] = m->sources[j].name;
    }
    if (i < 0) {
        const char *s = mp_m_suggest(name, cand, n);
        return mp_m_fail_key(c, key, MP_EINVAL, "unknown %s '%s'%s%s%s", key, name,
                             s ? " (did you mean '" : "", s ? s : "",
                             s ? "'?)" : "");
    }
    *out = kind == MP_REC_STATE ? m->sources[i].index : (size_t)i;
    return MP_OK;
}

/* Files the runs themselves write into the output directory: summary.json
 * (core/kernel/summary.c, core/rate/summary_rate.c), log.jsonl,
 * checkpoint.json and result.json (core/meta/run.c). A recorder may not take
 * one of these names, nor a name that starts with one and a '.' (their
 * temporary files: checkpoint.json.tmp). */
static const char *const run_outputs[] = {"summary.json", "log.jsonl",
                                          "checkpoint.json", "result.json", NULL};

/* Recorder files are plain file names in the output directory: no '/' (so
 * no subdirectory to create and no path that leaves the directory, and two
 * spellings of one file, "./x.csv" and "x.csv", cannot both pass), no
 * leading '.' ("." and ".." are not files; hidden names are left to
 * temporary files), none of the run's own outputs, each used once. */
int mp_m_rec_file(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v,
                  const char *type, const char *target)
{
    mp_m_recorder *r = &m->recorders[i];
    const char *f;
    int rc = mp_m_str(c, v, "file", 1, NULL, &f);
    if (rc != MP_OK)
        return rc;
    if (f) {
        r->file = mp_u_strdup(f);
    } else {
        size_t n = strlen(type) + strlen(target) + 6;
        if ((r->file = mp_u_malloc(n)))
            snprintf(r->file, n, "%s_%s.csv", type, target);
    }
    if (!r->file)
        return mp_m_nomem(c);
    const char *s = r->file, *slash = strrchr(s, '/');
    if (s[0] == '\0')
        return mp_m_fail_key(c, "file", MP_EINVAL, "must not be empty");
    if (strlen(s) > NAME_MAX)
        return mp_m_fail_key(c, "file", MP_EINVAL,
                             "'%.32s...' is %zu characters long, more than the %d "
                             "of a file name%s", s, strlen(s), NAME_MAX,
                             f ? "" : " (this is the default name: set \"file\" "
                                      "to a shorter one)");
    if (slash) {
        /* The last part is the likely intended name, when it is one. */
        const char *base = slash[1] && slash[1] != '.' ? slash + 1 : NULL;
        return mp_m_fail_key(c, "file", MP_EINVAL,
                             "'%s' must be a plain file name in the output "
                             "directory, without '/' (no subdirectories)%s%s%s",
                             s, base ? ": use '" : "", base ? base : "",
                             base ? "'" : "");
    }
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return mp_m_fail_key(c, "file", MP_EINVAL,
                             "'%s' is a directory, not a file name", s);
    if (s[0] == '.')
        return mp_m_fail_key(c, "file", MP_EINVAL,
                             "'%s' must not start with '.' (names starting with "
                             "'.' are left to temporary files)", s);
    for (size_t k = 0; run_outputs[k]; k++) {
        size_t n = strlen(run_outputs[k]);
        if (strncmp(s, run_outputs[k], n) == 0 && (s[n] == '\0' || s[n] == '.'))
            return mp_m_fail_key(c, "file", MP_EINVAL,
                                 "'%s' collides with the run's own output "
                                 "%s: choose another name", s,
                                 run_outputs[k]);
    }
    for (size_t j = 0; j < i; j++)
        if (strcmp(m->recorders[j].file, s) == 0) {
            char other[40];
            snprintf(other, sizeof other, "recorders[%zu].file", j);
            return mp_m_fail_rel(c, "file", other, MP_EINVAL,
                                 "'%s' is already written by recorders[%zu]%s", s, j,
                                 f ? "" : " (this is the default name: set "
                                          "\"file\" to another)");
        }
    return MP_OK;
}

/* "neurons": indices below the population size (absent = all). */
static int neurons(mp_m_ctx *c, const json_t *v, size_t size, mp_m_recorder *r)
{
    json_t *arr;
    int rc = mp_m_array(c, v, "neurons", 1, 1, &arr);
    if (rc != MP_OK || !arr)
        return rc;
    size_t n = json_array_size(arr);
    if (!(r->neurons = mp_u_malloc(n * sizeof *r->neurons)))
        return mp_m_nomem(c);
    r->n_neurons = n;
    size_t old = mp_m_push_key(c, "neurons");
    for (size_t j = 0; j < n && rc == MP_OK; j++) {
        json_t *e = json_array_get(arr, j);
        size_t o = mp_m_push_index(c, j);
        if (!json_is_integer(e))
            rc = mp_m_fail(c, MP_EINVAL, "expected a neuron index (an integer), got %s",
                           mp_m_type_name(e));
        else if (json_integer_value(e) < 0 || (size_t)json_integer_value(e) >= size)
            rc = mp_m_fail(c, MP_EINVAL,
                           "neuron index must be in [0, %zu] (got %lld): the "
                           "population has %zu neurons", size - 1,
                           (long long)json_integer_value(e), size);
        else
            r->neurons[j] = (size_t)json_integer_value(e);
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}

static int variables(mp_m_ctx *c, const json_t *v, mp_m_recorder *r)
{
    static const char *const names[] = {"V", "g_ex", "g_in", NULL};
    json_t *arr;
    r->vars = MP_VAR_V | MP_VAR_G_EX | MP_VAR_G_IN;
    int rc = mp_m_array(c, v, "variables", 1, 1, &arr);
    if (rc != MP_OK || !arr)
        return rc;
    r->vars = 0;
    size_t old = mp_m_push_key(c, "variables");
    for (size_t j = 0; j < json_array_size(arr) && rc == MP_OK; j++) {
        const char *s = json_string_value(json_array_get(arr, j));
        size_t o = mp_m_push_index(c, j);
        int k = 0;
        while (s && names[k] && strcmp(names[k], s) != 0)
            k++;
        if (!s)
            rc = mp_m_fail(c, MP_EINVAL, "expected a variable name (V, g_ex, g_in)");
        else if (!names[k]) {
            const char *sug = mp_m_suggest(s, names, 3);
            rc = mp_m_fail(c, MP_EINVAL, "unknown variable '%s'%s%s%s; expected "
                           "V, g_ex or g_in", s, sug ? " (did you mean '" : "",
                           sug ? sug : "", sug ? "'?)" : "");
        } else if (r->vars & (1u << k))
            rc = mp_m_fail(c, MP_EINVAL, "'%s' is listed twice", s);
        else
            r->vars |= 1u << k;
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}

static int recorder(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    /* Index = mp_m_rec_kind. */
    static const char *const types[] = {"spikes", "state", "weights", "rate", NULL};
    static const char *const keys[][7] = {
        {"type", "source", "file", NULL},
        {"type", "population", "neurons", "variables", "interval", "file", NULL},
        {"type", "projection", "interval", "file", NULL},
        {"type", "source", "window", "file", NULL}};
    static const char *const target_key[] = {"source", "population", "projection",
                                             "source"};
    static const char *const what[] = {"spikes recorder", "state recorder",
                                       "weights recorder", "rate recorder"};
    static const double one = 1.0, thousand = 1000.0;
    mp_m_recorder *r = &m->recorders[i];
    int type = 0;
    if (m->network == MP_NET_RATE)
        return mp_m_rate_recorder(c, m, i, v);
    int rc = json_is_object(v) ? MP_OK
                               : mp_m_fail(c, MP_EINVAL, "expected a recorder "
                                           "object, got %s", mp_m_type_name(v));
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "type", types, -1, &type);
    if (rc == MP_OK)
        rc = mp_m_object(c, v, what[type], keys[type]);
    r->kind = (mp_m_rec_kind)type;
    if (rc == MP_OK)
        rc = target_ref(c, m, v, target_key[type], type, &r->target);
    if (rc != MP_OK)
        return rc;
    const char *target = type == MP_REC_WEIGHTS ? m->projections[r->target].name
                         : type == MP_REC_STATE ? m->populations[r->target].name
                                                : m->sources[r->target].name;
    if (type == MP_REC_STATE) {
        rc = neurons(c, v, m->populations[r->target].size, r);
        if (rc == MP_OK)
            rc = variables(c, v, r);
    }
    if (rc == MP_OK && (type == MP_REC_STATE || type == MP_REC_WEIGHTS))
        rc = mp_m_num(c, v, "interval", type == MP_REC_STATE ? &one : &thousand,
                      MP_M_GE(m->dt), "ms", &r->interval);
    if (rc == MP_OK && type == MP_REC_RATE)
        rc = mp_m_num(c, v, "window", &thousand, MP_M_GT(0), "ms", &r->window);
    if (rc == MP_OK)
        rc = mp_m_rec_file(c, m, i, v, types[type], target);
    return rc;
}

int mp_m_load_recorders(mp_m_ctx *c, mp_model *m, const json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n == 0)
        return MP_OK;
    m->recorders = mp_u_calloc(n, sizeof *m->recorders);
    if (!m->recorders)
        return mp_m_nomem(c);
    m->n_recorders = n;
    size_t old = mp_m_push_key(c, "recorders");
    int rc = MP_OK;
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        size_t o = mp_m_push_index(c, i);
        rc = recorder(c, m, i, json_array_get(arr, i));
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}
