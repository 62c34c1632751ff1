/* mp_model_load: read the file, parse it, apply --set overrides, validate
 * the top level and hand each section to its loader (populations here,
 * stimuli and sources in load_stim.c, projections in load_proj.c, recorders
 * in load_rec.c).
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

#include <gsl/gsl_errno.h>

#include "model/load_int.h"

/* ---- helpers -------------------------------------------------------------- */

/* The directory of path: "models/x.json" -> "models", "x.json" -> ".". */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return mp_u_strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = mp_u_malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* Populations and stimuli share one name space (they are all sources).
 * Fails at obj.name when `name` is taken by an earlier one. */
int mp_m_check_unique(mp_m_ctx *c, const mp_model *m, const char *name,
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
    if (rc == MP_OK && !(m->notes = mp_u_malloc(total)))
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
        char a[32], b[32], th[MP_M_PATH_MAX + 8];
        snprintf(th, sizeof th, "%s.V_th", c->path);
        rc = mp_m_fail_rel(c, "V_reset", th, MP_EINVAL,
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
    static const char *const models[] = {"lif_cond", "rate_input", "rate", NULL};
    static const char *const integ[] = {"exp_euler", "rkf45", NULL};
    static const double tol = 1e-6;
    mp_m_population *p = &m->populations[i];
    const char *name;
    int kind = 0, in = 0;
    /* The model decides which keys exist, so it is read first. */
    int rc = json_is_object(v) ? mp_m_enum(c, v, "model", models, -1, &kind)
                               : mp_m_fail(c, MP_EINVAL, "expected a population "
                                           "object, got %s", mp_m_type_name(v));
    if (rc != MP_OK)
        return rc;
    if ((kind != MP_NEURON_LIF_COND) != (m->network == MP_NET_RATE))
        return mp_m_fail_key(c, "model", MP_EINVAL,
                             "'%s' is a %s model; this is a %s network (set the "
                             "top-level \"network\")", models[kind],
                             kind == MP_NEURON_LIF_COND ? "spiking" : "rate",
                             m->network == MP_NET_RATE ? "rate" : "spiking");
    if (m->network == MP_NET_RATE)
        return mp_m_rate_population(c, m, i, v);
    rc = mp_m_object(c, v, "population", keys);
    if (rc == MP_OK)
        rc = mp_m_name(c, v, "name", &name);
    if (rc == MP_OK)
        rc = mp_m_check_unique(c, m, name, i, 0);
    if (rc == MP_OK && !(p->name = mp_u_strdup(name)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "size", NULL, 1, UINT32_MAX, &p->size);
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
    m->populations = mp_u_calloc(n, sizeof *m->populations);
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

/* ---- the top level -------------------------------------------------------- */

/* An experiment file (docs/meta.md) given where a model is expected: its
 * shape tells, whatever its "format" says, and the message names the
 * command that reads it instead of its first unknown key. */
static int experiment_given(mp_m_ctx *c, const json_t *root)
{
    if (!json_object_get(root, "free") || !json_object_get(root, "model") ||
        json_object_get(root, "populations"))
        return MP_OK;
    const char *what = "this is a metaplast experiment file, not a model: run "
                       "it with 'metaplast meta %s'";
    return json_object_get(root, "format")
               ? mp_m_fail_key(c, "format", MP_EINVAL, what, c->file)
               : mp_m_fail(c, MP_EINVAL, what, c->file);
}

static int top_level(mp_m_ctx *c, mp_model *m, const json_t *root)
{
    static const char *const keys[] = {
        "format", "version", "name", "notes", "seed", "network", "dt", "duration",
        "trace_decay", "populations", "stimuli", "projections", "recorders", NULL};
    static const char *const rate_keys[] = {
        "format", "version", "name", "notes", "seed", "network", "training",
        "data", "populations", "projections", "recorders", NULL};
    static const char *const networks[] = {"spiking", "rate", NULL};
    static const char *const decay[] = {"eager", "lazy", NULL};
    static const long long seed1 = 1;
    static const double dt = 0.1;
    const char *s;
    long long v = 0;
    int td = 0, net = 0;
    json_t *arr;
    int rc = experiment_given(c, root);
    if (rc == MP_OK)
        rc = mp_m_enum(c, root, "network", networks, 0, &net);
    m->network = (mp_m_network)net;
    if (rc == MP_OK && net == MP_NET_RATE && json_object_get(root, "duration"))
        rc = mp_m_fail_key(c, "duration", MP_EINVAL,
                           "a rate network has no duration: it runs "
                           "training.samples samples");
    if (rc == MP_OK)
        rc = mp_m_object(c, root, "model", net == MP_NET_RATE ? rate_keys : keys);
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
    if (rc == MP_OK && net == MP_NET_RATE)
        return mp_m_rate_top_level(c, m, root);
    if (rc == MP_OK)
        rc = mp_m_num(c, root, "dt", &dt, MP_M_GT(0), "ms", &m->dt);
    if (rc == MP_OK && m->dt < MP_MIN_DT_MS) {
        char a[32];
        rc = mp_m_fail_key(c, "dt", MP_EINVAL,
                           "must be >= %g ms (got %s): finer steps make step "
                           "counts overflow and trace decay factors round to 1",
                           MP_MIN_DT_MS, mp_m_fmt_num(m->dt, a));
    }
    if (rc == MP_OK)
        rc = mp_m_num(c, root, "duration", NULL, MP_M_GT(0), "ms", &m->duration);
    if (rc == MP_OK)
        rc = mp_m_check_steps(c, "duration", m->duration, m->dt);
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
        rc = mp_m_build_sources(c, m);
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

/* The sizes of the net the model asks for (net_sizes.c), checked once it is
 * valid, so that `check` refuses what mp_net_new would, at the position of
 * the value the message names, or naming the --set that caused it. */
static int net_sizes(mp_m_ctx *c, const mp_model *m)
{
    mp_error e;
    mp_m_size_causes why;
    mp_error_clear(&e);
    int rc = mp_m_check_sizes(m, &why, &e);
    if (rc == MP_OK)
        return MP_OK;
    const char *causes[MP_M_SIZE_CAUSES];
    for (size_t i = 0; i < why.n; i++)
        causes[i] = why.path[i];
    return mp_m_fail_at(c, e.path, causes, why.n, rc, e.text);
}

/* Loads a model from len bytes of JSON text; name stands for the file in
 * messages, base_dir is where its relative paths resolve from. */
static int load_text(const char *text, size_t len, const char *name,
                     const char *base_dir, const char *const *overrides, size_t n,
                     unsigned flags, mp_model **out, mp_error *err)
{
    json_error_t je;
    int rc = MP_OK;
    if (!out)
        return mp_u_err(err, MP_EINVAL, name, 0, 0, NULL, "no place for the model");
    *out = NULL;
    if (!text)
        return mp_u_err(err, MP_EINVAL, name, 0, 0, NULL, "no model text given");
    if (!name)
        name = "<string>";
    if (flags & ~(unsigned)MP_LOAD_TRUSTED_PLUGINS_ONLY)
        return mp_u_err(err, MP_EINVAL, name, 0, 0, NULL,
                        "unknown load flags 0x%x", flags);
    /* data sets are drawn here with GSL (rotations, generators): a failed GSL
     * allocation must return NULL, not abort (docs/design-notes.md, 7) */
    gsl_set_error_handler_off();
    size_t bom = mp_m_bom_len(text, len);
    text += bom;
    len -= bom;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return mp_m_json_error(err, name, &je);
    mp_m_ctx c = {.file = name, .text = text, .text_len = len, .err = err,
                  .flags = flags};
    mp_model *m = mp_u_calloc(1, sizeof *m);
    if (!m || !(m->file = mp_u_strdup(name)) ||
        (base_dir && !(m->dir = mp_u_strdup(base_dir))))
        rc = mp_m_nomem(&c);
    if (rc == MP_OK && !json_is_object(root))
        rc = mp_m_fail(&c, MP_EINVAL, "expected the model object { ... }, got %s",
                       mp_m_type_name(root));
    if (rc == MP_OK)
        rc = mp_m_apply_overrides(&c, root, overrides, n);
    if (rc == MP_OK)
        rc = top_level(&c, m, root);
    if (rc == MP_OK)
        rc = net_sizes(&c, m);
    json_decref(root);
    mp_m_ctx_release(&c);
    if (rc != MP_OK) {
        mp_model_free(m);
        return rc;
    }
    *out = m;
    return MP_OK;
}

int mp_model_load_string(const char *text, size_t len, const char *name,
                         const char *base_dir, const char *const *overrides,
                         size_t n, mp_model **out, mp_error *err)
{
    return load_text(text, len, name, base_dir, overrides, n, 0, out, err);
}

int mp_model_load(const char *path, const char *const *overrides, size_t n,
                  mp_model **out, mp_error *err)
{
    return mp_model_load_flags(path, overrides, n, 0, out, err);
}

int mp_model_load_flags(const char *path, const char *const *overrides,
                        size_t n, unsigned flags, mp_model **out, mp_error *err)
{
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    if (!out)
        return mp_u_err(err, MP_EINVAL, path, 0, 0, NULL, "no place for the model");
    *out = NULL;
    if (!path)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL, "no model file given");
    int rc = mp_u_read_input(path, "model", &text, &len, err);
    if (rc != MP_OK)
        return rc;
    rc = (dir = dir_of(path)) ? load_text(text, len, path, dir, overrides, n, flags,
                                          out, err)
                              : mp_u_err(err, MP_ENOMEM, path, 0, 0, NULL, "out of memory");
    mp_u_free(dir);
    mp_u_free(text);
    return rc;
}
