/* mp_model_load: read the file, parse it, apply --set overrides, validate
 * the top level and hand each section to its loader (populations and
 * stimuli here, projections in load_proj.c, recorders in load_rec.c).
 *
 * The model is allocated zeroed up front and each array is allocated at its
 * full length before its elements are filled, so mp_model_free can release
 * a model left half-built by an error at any point.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

/* ---- helpers -------------------------------------------------------------- */

static int read_text(const char *path, char **text, size_t *len, mp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                        "cannot open model file '%s': %s", path, strerror(e));
    }
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    int rc = buf ? MP_OK : MP_ENOMEM;
    while (rc == MP_OK) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (ferror(f)) {
            rc = mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                          "cannot read model file '%s'", path);
        } else if (feof(f)) {
            break;
        } else if (n == cap - 1) {
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                rc = MP_ENOMEM;
            else {
                buf = nb;
                cap *= 2;
            }
        }
    }
    fclose(f);
    if (rc != MP_OK) {
        free(buf);
        return rc == MP_ENOMEM ? mp_u_err(err, rc, path, 0, 0, NULL, "out of memory")
                               : rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return MP_OK;
}

/* The directory of path: "models/x.json" -> "models", "x.json" -> ".". */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return mp_u_strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* Populations and stimuli share one name space (they are all sources).
 * Fails at obj.name when `name` is taken by an earlier one. */
static int check_unique(mp_m_ctx *c, const mp_model *m, const char *name,
                        size_t n_pop, size_t n_stim)
{
    for (size_t i = 0; i < n_pop; i++)
        if (strcmp(m->populations[i].name, name) == 0)
            return mp_m_fail_key(c, "name", MP_EINVAL,
                                 "name '%s' is already used by populations[%zu]",
                                 name, i);
    for (size_t i = 0; i < n_stim; i++)
        if (strcmp(m->stimuli[i].name, name) == 0)
            return mp_m_fail_key(c, "name", MP_EINVAL,
                                 "name '%s' is already used by stimuli[%zu]",
                                 name, i);
    return MP_OK;
}

static int get_notes(mp_m_ctx *c, mp_model *m, const json_t *root)
{
    json_t *v = json_object_get(root, "notes");
    if (!v)
        return MP_OK;
    size_t old = mp_m_push_key(c, "notes");
    size_t n = json_is_array(v) ? json_array_size(v) : 1, total = 1;
    int rc = MP_OK;
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        json_t *s = json_is_array(v) ? json_array_get(v, i) : v;
        if (!json_is_string(s))
            rc = mp_m_fail(c, MP_EINVAL,
                           "expected a string or an array of strings, got %s%s",
                           json_is_array(v) ? "an array holding " : "",
                           mp_m_type_name(s));
        else
            total += json_string_length(s) + 1;
    }
    if (rc == MP_OK && !(m->notes = malloc(total)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK) {
        /* One text, lines joined by newlines. */
        char *p = m->notes;
        for (size_t i = 0; i < n; i++) {
            json_t *s = json_is_array(v) ? json_array_get(v, i) : v;
            size_t k = json_string_length(s);
            memcpy(p, json_string_value(s), k);
            p += k;
            *p++ = '\n';
        }
        if (p > m->notes)
            p--;
        *p = '\0';
    }
    mp_m_pop(c, old);
    return rc;
}

/* ---- populations ---------------------------------------------------------- */

static int lif_params(mp_m_ctx *c, const json_t *pop, mp_m_lif_cond *p)
{
    static const char *const keys[] = {"C_m",   "g_L",  "E_L",  "V_th",
                                       "V_reset", "t_ref", "E_ex", "E_in",
                                       "tau_syn_ex", "tau_syn_in", "I_e", NULL};
    /* NEST iaf_cond_exp defaults. */
    static const mp_m_lif_cond d = {250.0, 16.6667, -70.0, -55.0, -60.0, 2.0,
                                    0.0,   -85.0,   0.2,   2.0,   0.0};
    json_t *v = json_object_get(pop, "params");
    json_t *empty = NULL;
    int rc = MP_OK;
    if (!v)
        v = empty = json_object();
    if (!v)
        return mp_m_nomem(c);
    size_t old = mp_m_push_key(c, "params");
    rc = mp_m_object(c, v, "lif_cond params", keys);
#define NUM(field, range, unit)                                                \
    if (rc == MP_OK)                                                           \
        rc = mp_m_num(c, v, #field, &d.field, range, unit, &p->field);
    NUM(C_m, MP_M_GT(0), "pF")
    NUM(g_L, MP_M_GT(0), "nS")
    NUM(E_L, MP_M_ANY, "mV")
    NUM(V_th, MP_M_ANY, "mV")
    NUM(V_reset, MP_M_ANY, "mV")
    NUM(t_ref, MP_M_GE(0), "ms")
    NUM(E_ex, MP_M_ANY, "mV")
    NUM(E_in, MP_M_ANY, "mV")
    NUM(tau_syn_ex, MP_M_GT(0), "ms")
    NUM(tau_syn_in, MP_M_GT(0), "ms")
    NUM(I_e, MP_M_ANY, "pA")
#undef NUM
    if (rc == MP_OK && !(p->V_reset < p->V_th)) {
        char a[32], b[32];
        rc = mp_m_fail_key(c, "V_reset", MP_EINVAL,
                           "V_reset must be below V_th (got V_reset = %s mV, "
                           "V_th = %s mV)",
                           mp_m_fmt_num(p->V_reset, a), mp_m_fmt_num(p->V_th, b));
    }
    mp_m_pop(c, old);
    json_decref(empty);
    return rc;
}

static int initial_state(mp_m_ctx *c, const json_t *pop, mp_m_population *p)
{
    static const char *const keys[] = {"V", "g_ex", "g_in", NULL};
    json_t *v = json_object_get(pop, "initial");
    p->V_init = (mp_m_init){.kind = MP_INIT_CONST, .a = p->lif.E_L};
    p->g_ex_init = p->g_in_init = (mp_m_init){.kind = MP_INIT_CONST, .a = 0};
    if (!v)
        return MP_OK;
    size_t old = mp_m_push_key(c, "initial");
    int rc = mp_m_object(c, v, "initial", keys);
    if (rc == MP_OK)
        rc = mp_m_init_get(c, v, "V", p->lif.E_L, (size_t)-1, 0, &p->V_init);
    if (rc == MP_OK)
        rc = mp_m_init_get(c, v, "g_ex", 0, (size_t)-1, 1, &p->g_ex_init);
    if (rc == MP_OK)
        rc = mp_m_init_get(c, v, "g_in", 0, (size_t)-1, 1, &p->g_in_init);
    mp_m_pop(c, old);
    return rc;
}

static int population(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    static const char *const keys[] = {"name", "size",   "model",   "integrator",
                                       "rtol", "atol",   "params",  "initial",
                                       NULL};
    static const char *const models[] = {"lif_cond", NULL};
    static const char *const integ[] = {"exp_euler", "rkf45", NULL};
    static const double tol = 1e-6;
    mp_m_population *p = &m->populations[i];
    const char *name;
    int kind = 0, in = 0;
    int rc = mp_m_object(c, v, "population", keys);
    if (rc == MP_OK)
        rc = mp_m_name(c, v, "name", &name);
    if (rc == MP_OK)
        rc = check_unique(c, m, name, i, 0);
    if (rc == MP_OK && !(p->name = mp_u_strdup(name)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "size", NULL, 1, UINT32_MAX, &p->size);
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "model", models, -1, &kind);
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "integrator", integ, 0, &in);
    p->model = (mp_m_neuron_kind)kind;
    p->integrator = (mp_m_integrator)in;
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "rtol", &tol, MP_M_GT(0), NULL, &p->rtol);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "atol", &tol, MP_M_GT(0), NULL, &p->atol);
    if (rc == MP_OK)
        rc = lif_params(c, v, &p->lif);
    if (rc == MP_OK)
        rc = initial_state(c, v, p);
    return rc;
}

int mp_m_load_populations(mp_m_ctx *c, mp_model *m, const json_t *arr)
{
    size_t n = json_array_size(arr);
    m->populations = calloc(n, sizeof *m->populations);
    if (!m->populations)
        return mp_m_nomem(c);
    m->n_populations = n;
    size_t old = mp_m_push_key(c, "populations");
    int rc = MP_OK;
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        size_t o = mp_m_push_index(c, i);
        rc = population(c, m, i, json_array_get(arr, i));
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}

/* ---- stimuli -------------------------------------------------------------- */

static int poisson(mp_m_ctx *c, const json_t *v, mp_m_poisson *p)
{
    int rc = mp_m_size(c, v, "size", NULL, 1, UINT32_MAX, &p->size);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "rate", NULL, MP_M_GE(0), "Hz", &p->rate);
    return rc;
}

static int vogels(mp_m_ctx *c, const json_t *v, mp_m_vogels *g)
{
    static const double tau = 50, base = 5, peak = 500, norm = 0.03, dead = 5,
                        off = 1.0, on = 0.5;
    int rc = mp_m_size(c, v, "groups", NULL, 1, UINT32_MAX, &g->n_groups);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "exc_per_group", NULL, 0, UINT32_MAX, &g->exc_per_group);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "inh_per_group", NULL, 0, UINT32_MAX, &g->inh_per_group);
    if (rc == MP_OK && g->exc_per_group == 0 && g->inh_per_group == 0)
        rc = mp_m_fail_key(c, "exc_per_group", MP_EINVAL,
                           "exc_per_group and inh_per_group are both 0: the "
                           "stimulus would have no trains");
    size_t most = g->exc_per_group > g->inh_per_group ? g->exc_per_group
                                                      : g->inh_per_group;
    if (rc == MP_OK && most > UINT32_MAX / g->n_groups)
        rc = mp_m_fail_key(c, "groups", MP_EINVAL,
                           "groups x per_group is above %lu trains",
                           (unsigned long)UINT32_MAX);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "tau_signal", &tau, MP_M_GT(0), "ms", &g->tau_signal);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "base_rate", &base, MP_M_GE(0), "Hz", &g->base_rate);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "peak_rate", &peak, MP_M_GE(0), "Hz", &g->peak_rate);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "norm", &norm, MP_M_GT(0), NULL, &g->norm);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "dead_time", &dead, MP_M_GE(0), "ms", &g->dead_time);
    if (rc == MP_OK)
        rc = mp_m_bool(c, v, "sparsify", 0, &g->sparsify);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "sparsify_off_ms", &off, MP_M_GT(0), "ms",
                      &g->sparsify_off_ms);
    if (rc == MP_OK)
        rc = mp_m_num(c, v, "sparsify_on_ms", &on, MP_M_GT(0), "ms",
                      &g->sparsify_on_ms);
    return rc;
}

static int spike_file(mp_m_ctx *c, const mp_model *m, const json_t *v,
                      mp_m_spike_file *f)
{
    const char *file;
    int rc = mp_m_str(c, v, "file", 0, NULL, &file);
    if (rc == MP_OK && file[0] == '\0')
        rc = mp_m_fail_key(c, "file", MP_EINVAL, "must not be empty");
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "size", NULL, 1, UINT32_MAX, &f->size);
    if (rc == MP_OK && !(f->file = mp_u_path_join(m->dir, file)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK)
        rc = mp_m_spike_file_read(c, f);
    return rc;
}

static int stimulus(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    static const char *const types[] = {"poisson", "vogels_groups", "spike_file",
                                        NULL};
    static const char *const keys[][14] = {
        {"name", "type", "size", "rate", NULL},
        {"name", "type", "groups", "exc_per_group", "inh_per_group", "tau_signal",
         "base_rate", "peak_rate", "norm", "dead_time", "sparsify",
         "sparsify_off_ms", "sparsify_on_ms", NULL},
        {"name", "type", "file", "size", NULL}};
    static const char *const what[] = {"poisson stimulus", "vogels_groups stimulus",
                                       "spike_file stimulus"};
    mp_m_stimulus *s = &m->stimuli[i];
    const char *name;
    int type = 0;
    int rc = json_is_object(v) ? MP_OK
                               : mp_m_fail(c, MP_EINVAL, "expected a stimulus "
                                           "object, got %s", mp_m_type_name(v));
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "type", types, -1, &type);
    if (rc == MP_OK)
        rc = mp_m_object(c, v, what[type], keys[type]);
    if (rc == MP_OK)
        rc = mp_m_name(c, v, "name", &name);
    if (rc == MP_OK)
        rc = check_unique(c, m, name, m->n_populations, i);
    if (rc == MP_OK && !(s->name = mp_u_strdup(name)))
        rc = mp_m_nomem(c);
    s->kind = (mp_m_stim_kind)type;
    if (rc == MP_OK && type == MP_STIM_POISSON)
        rc = poisson(c, v, &s->poisson);
    else if (rc == MP_OK && type == MP_STIM_VOGELS_GROUPS)
        rc = vogels(c, v, &s->vogels);
    else if (rc == MP_OK)
        rc = spike_file(c, m, v, &s->file);
    return rc;
}

int mp_m_load_stimuli(mp_m_ctx *c, mp_model *m, const json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n == 0)
        return MP_OK;
    m->stimuli = calloc(n, sizeof *m->stimuli);
    if (!m->stimuli)
        return mp_m_nomem(c);
    m->n_stimuli = n;
    size_t old = mp_m_push_key(c, "stimuli");
    int rc = MP_OK;
    for (size_t i = 0; i < n && rc == MP_OK; i++) {
        size_t o = mp_m_push_index(c, i);
        rc = stimulus(c, m, i, json_array_get(arr, i));
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}

/* ---- sources: populations, then every stimulus output --------------------- */

static int add_source(mp_model *m, const char *name, const char *suffix,
                      mp_m_source_kind kind, size_t index, int output,
                      size_t size, size_t n_groups, size_t per_group)
{
    mp_m_source *s = &m->sources[m->n_sources];
    size_t a = strlen(name), b = suffix ? strlen(suffix) : 0;
    if (!(s->name = malloc(a + b + 1)))
        return MP_ENOMEM;
    memcpy(s->name, name, a);
    memcpy(s->name + a, suffix ? suffix : "", b + 1);
    s->kind = kind;
    s->index = index;
    s->output = output;
    s->size = size;
    s->n_groups = n_groups;
    s->per_group = per_group;
    m->n_sources++;
    return MP_OK;
}

static int build_sources(mp_m_ctx *c, mp_model *m)
{
    m->sources = calloc(m->n_populations + 2 * m->n_stimuli, sizeof *m->sources);
    if (!m->sources)
        return mp_m_nomem(c);
    int rc = MP_OK;
    for (size_t i = 0; i < m->n_populations && rc == MP_OK; i++)
        rc = add_source(m, m->populations[i].name, NULL, MP_SRC_POPULATION, i,
                        MP_OUT_MAIN, m->populations[i].size, 0, 0);
    for (size_t i = 0; i < m->n_stimuli && rc == MP_OK; i++) {
        const mp_m_stimulus *s = &m->stimuli[i];
        const mp_m_vogels *g = &s->vogels;
        if (s->kind == MP_STIM_POISSON)
            rc = add_source(m, s->name, NULL, MP_SRC_STIMULUS, i, MP_OUT_MAIN,
                            s->poisson.size, 0, 0);
        else if (s->kind == MP_STIM_SPIKE_FILE)
            rc = add_source(m, s->name, NULL, MP_SRC_STIMULUS, i, MP_OUT_MAIN,
                            s->file.size, 0, 0);
        else {
            if (g->exc_per_group > 0)
                rc = add_source(m, s->name, ".exc", MP_SRC_STIMULUS, i, MP_OUT_EXC,
                                g->n_groups * g->exc_per_group, g->n_groups,
                                g->exc_per_group);
            if (rc == MP_OK && g->inh_per_group > 0)
                rc = add_source(m, s->name, ".inh", MP_SRC_STIMULUS, i, MP_OUT_INH,
                                g->n_groups * g->inh_per_group, g->n_groups,
                                g->inh_per_group);
        }
    }
    return rc == MP_OK ? MP_OK : mp_m_nomem(c);
}

/* ---- the top level -------------------------------------------------------- */

static int top_level(mp_m_ctx *c, mp_model *m, const json_t *root)
{
    static const char *const keys[] = {
        "format", "version", "name", "notes", "seed", "dt", "duration",
        "trace_decay", "populations", "stimuli", "projections", "recorders", NULL};
    static const char *const decay[] = {"eager", "lazy", NULL};
    static const long long seed1 = 1;
    static const double dt = 0.1;
    const char *s;
    long long v = 0;
    int td = 0;
    json_t *arr;
    int rc = mp_m_object(c, root, "model", keys);
    if (rc == MP_OK)
        rc = mp_m_str(c, root, "format", 0, NULL, &s);
    if (rc == MP_OK && strcmp(s, "metaplast-model") != 0)
        rc = mp_m_fail_key(c, "format", MP_EINVAL,
                           "expected \"metaplast-model\", got \"%.60s\": this is "
                           "not a metaplast model file", s);
    if (rc == MP_OK)
        rc = mp_m_int(c, root, "version", NULL, 0, LLONG_MAX, &v);
    if (rc == MP_OK && v != MP_MODEL_FORMAT_VERSION)
        rc = mp_m_fail_key(c, "version", MP_EINVAL,
                           "unsupported format version %lld: this metaplast "
                           "reads version %d", v, MP_MODEL_FORMAT_VERSION);
    m->format_version = (int)v;
    if (rc == MP_OK)
        rc = mp_m_name(c, root, "name", &s);
    if (rc == MP_OK && !(m->name = mp_u_strdup(s)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK)
        rc = get_notes(c, m, root);
    if (rc == MP_OK)
        rc = mp_m_int(c, root, "seed", &seed1, 0, LLONG_MAX, &v);
    m->seed = (uint64_t)v;
    if (rc == MP_OK)
        rc = mp_m_num(c, root, "dt", &dt, MP_M_GT(0), "ms", &m->dt);
    if (rc == MP_OK)
        rc = mp_m_num(c, root, "duration", NULL, MP_M_GT(0), "ms", &m->duration);
    if (rc == MP_OK)
        rc = mp_m_enum(c, root, "trace_decay", decay, 0, &td);
    m->trace_decay = (mp_m_trace_decay)td;
    if (rc == MP_OK)
        rc = mp_m_array(c, root, "populations", 0, 1, &arr);
    if (rc == MP_OK)
        rc = mp_m_load_populations(c, m, arr);
    if (rc == MP_OK)
        rc = mp_m_array(c, root, "stimuli", 1, 0, &arr);
    if (rc == MP_OK && arr)
        rc = mp_m_load_stimuli(c, m, arr);
    if (rc == MP_OK)
        rc = build_sources(c, m);
    if (rc == MP_OK)
        rc = mp_m_array(c, root, "projections", 1, 0, &arr);
    if (rc == MP_OK && arr)
        rc = mp_m_load_projections(c, m, arr);
    if (rc == MP_OK)
        rc = mp_m_array(c, root, "recorders", 1, 0, &arr);
    if (rc == MP_OK && arr)
        rc = mp_m_load_recorders(c, m, arr);
    return rc;
}

int mp_model_load(const char *path, const char *const *overrides, size_t n,
                  mp_model **out, mp_error *err)
{
    char *text = NULL;
    size_t len = 0;
    json_error_t je;
    if (!out)
        return mp_u_err(err, MP_EINVAL, path, 0, 0, NULL, "no place for the model");
    *out = NULL;
    if (!path)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL, "no model file given");
    int rc = read_text(path, &text, &len, err);
    if (rc != MP_OK)
        return rc;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        free(text);
        return mp_u_err(err, MP_EPARSE, path, je.line > 0 ? je.line : 0,
                        je.column > 0 ? je.column : 0, NULL, "invalid JSON: %s",
                        je.text);
    }
    mp_m_ctx c = {.file = path, .text = text, .text_len = len, .err = err};
    mp_model *m = calloc(1, sizeof *m);
    if (!m || !(m->file = mp_u_strdup(path)) || !(m->dir = dir_of(path)))
        rc = mp_m_nomem(&c);
    if (rc == MP_OK && !json_is_object(root))
        rc = mp_m_fail(&c, MP_EINVAL, "expected the model object { ... }, got %s",
                       mp_m_type_name(root));
    if (rc == MP_OK)
        rc = mp_m_apply_overrides(&c, root, overrides, n);
    if (rc == MP_OK)
        rc = top_level(&c, m, root);
    json_decref(root);
    free(text);
    mp_m_ctx_release(&c);
    if (rc != MP_OK) {
        mp_model_free(m);
        return rc;
    }
    *out = m;
    return MP_OK;
}
