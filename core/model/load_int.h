/* Internals of the model loader (core/model/): the validation context with
 * its JSON-path stack, typed getters, the position re-scan, overrides and
 * spike files. Nothing here is seen outside core/model/. */
#ifndef MP_MODEL_LOAD_INT_H
#define MP_MODEL_LOAD_INT_H

#include <jansson.h>
#include <stddef.h>

#include "metaplast/error.h"
#include "model/model_int.h"
#include "util/util_int.h"

/* ---- jsonpos.c: JSON path -> line:column ------------------------------- */

/* Finds the value at `path` ("a.b[2].c"; "" = the document) in the JSON
 * text and stores its 1-based line and column (columns count characters,
 * not bytes). When the path goes deeper than the text (a missing key, a
 * value set by an override), the position of the deepest value that exists
 * is given. Returns the number of path segments matched, or -1 when the
 * text is not JSON enough to find even the root (line = col = 0 then). */
int mp_m_jsonpos(const char *text, size_t len, const char *path, int *line,
                 int *col);

/* ---- getters.c: the validation context --------------------------------- */

#define MP_M_PATH_MAX 512

typedef struct mp_m_ctx {
    const char *file; /* the model file as given, for messages */
    const char *text; /* its text, re-scanned for positions on errors */
    size_t text_len;
    mp_error *err;
    char path[MP_M_PATH_MAX]; /* JSON path of the value being read */
    size_t path_len;
    /* Paths (canonical, [index] form) set by --set, so that an error in
     * one says so instead of pointing at the text it replaced. */
    char **ov_paths;
    const char *const *ov_args;
    size_t n_ov;
    unsigned flags; /* MP_LOAD_* of mp_model_load_flags (model.h) */
} mp_m_ctx;

/* Push a key / an index onto the path; both return the previous length,
 * which mp_m_pop restores. */
size_t mp_m_push_key(mp_m_ctx *c, const char *key);
size_t mp_m_push_index(mp_m_ctx *c, size_t i);
void mp_m_pop(mp_m_ctx *c, size_t len);

/* Fails at the current path: fills the error with file, line:col and path
 * and returns code. */
int mp_m_fail(mp_m_ctx *c, int code, const char *fmt, ...) MP_PRINTF(3, 4);
/* Likewise at current path + "." + key (the key's value, or the enclosing
 * object when the key is missing). */
int mp_m_fail_key(mp_m_ctx *c, const char *key, int code, const char *fmt, ...)
    MP_PRINTF(4, 5);
/* Likewise for a check of key against another value, at the absolute path
 * other ("dt", "populations[0].params.V_th"): when that value came from
 * --set and key's did not, the message names the --set that caused it. */
int mp_m_fail_rel(mp_m_ctx *c, const char *key, const char *other, int code,
                  const char *fmt, ...) MP_PRINTF(5, 6);
/* Likewise at the absolute path `path` for a check made after the walk
 * (the sizes of the whole model, net_sizes.c), with the message text ready:
 * a --set that set path, a value inside it or one of the n causes (paths
 * of the values the check computed from) is named instead of the file. */
int mp_m_fail_at(mp_m_ctx *c, const char *path, const char *const *causes,
                 size_t n, int code, const char *text);
int mp_m_nomem(mp_m_ctx *c);
/* A JSON text Jansson could not parse: MP_EPARSE with Jansson's message and
 * position, or MP_ENOMEM when Jansson ran out of memory (it says so, or says
 * nothing: a failed allocation inside Jansson leaves the message empty). */
int mp_m_json_error(mp_error *err, const char *file, const json_error_t *je);
int mp_m_json_oom(const json_error_t *je);
/* 3 when text starts with a UTF-8 byte-order mark, else 0. The model and
 * experiment loaders parse the text after it (RFC 8259 lets a parser ignore
 * one; some editors write it), so positions count from the character after
 * it, as editors show them (docs/model-format.md). */
size_t mp_m_bom_len(const char *text, size_t len);

/* The closest of n candidates to word by edit distance, or NULL when none is
 * close enough to be a plausible typo. */
const char *mp_m_suggest(const char *word, const char *const *cand, size_t n);

/* Renders a double so that it reads back the same ("0.1", not
 * "0.10000000000000001"); buf of at least 32 chars. */
const char *mp_m_fmt_num(double x, char buf[32]);

/* JSON type in words ("a string", "an array", ...), for messages. */
const char *mp_m_type_name(const json_t *v);

/* Checks that v (at the current path) is an object whose keys are all in
 * the NULL-terminated list `keys`; an unknown key is an error with a "did
 * you mean" or the list of allowed keys. `what` names the object. */
int mp_m_object(mp_m_ctx *c, const json_t *v, const char *what,
                const char *const *keys);

/* Typed getters on obj[key]. def == NULL: the key is required. The value is
 * read and checked with the path pointing at it. */
typedef struct mp_m_range {
    char lo_op; /* 0: no bound, '>' or 'g' (>=) */
    double lo;
    char hi_op; /* 0: no bound, '<' or 'l' (<=) */
    double hi;
} mp_m_range;
#define MP_M_ANY ((mp_m_range){0, 0, 0, 0})
#define MP_M_GT(x) ((mp_m_range){'>', (x), 0, 0})
#define MP_M_GE(x) ((mp_m_range){'g', (x), 0, 0})
#define MP_M_IN(a, b) ((mp_m_range){'g', (a), 'l', (b)})

/* The smallest time step, ms (1 ns: a thousand times finer than NEST's
 * finest default resolution). Below it step counts of ordinary durations
 * and delays leave the counters' range and exp(-dt/tau) of every trace
 * rounds to 1, so the simulation would be silently wrong. */
#define MP_MIN_DT_MS 1e-6

/* The time ms (milliseconds) read from key of the current path must be a
 * number of dt steps, round(ms / dt), of at least 1 (a shorter time would
 * simulate nothing) that fits the step counters (below MP_MAX_STEPS);
 * fails at key, stating the limit in steps and in ms. */
int mp_m_check_steps(mp_m_ctx *c, const char *key, double ms, double dt);

/* Checks x against r at the current path ("must be > 0 (got -3)"). */
int mp_m_check_range(mp_m_ctx *c, double x, mp_m_range r, const char *unit);

int mp_m_num(mp_m_ctx *c, const json_t *obj, const char *key, const double *def,
             mp_m_range r, const char *unit, double *out);
/* An integer in [lo, hi] (JSON integer; 3.0 is refused). */
int mp_m_int(mp_m_ctx *c, const json_t *obj, const char *key,
             const long long *def, long long lo, long long hi, long long *out);
int mp_m_size(mp_m_ctx *c, const json_t *obj, const char *key,
              const size_t *def, size_t lo, size_t hi, size_t *out);
/* A string, borrowed from the JSON tree; def may be NULL-with-optional via
 * optional != 0 (then *out = def). */
int mp_m_str(mp_m_ctx *c, const json_t *obj, const char *key, int optional,
             const char *def, const char **out);
int mp_m_bool(mp_m_ctx *c, const json_t *obj, const char *key, int def,
              int *out);
/* One of the NULL-terminated names; *out = its index. def < 0: required. */
int mp_m_enum(mp_m_ctx *c, const json_t *obj, const char *key,
              const char *const *names, int def, int *out);
/* A name matching [A-Za-z0-9_-]+ (what can be selected by --set [name] and
 * used in file names). */
int mp_m_name(mp_m_ctx *c, const json_t *obj, const char *key,
              const char **out);
/* obj[key] as an array (required unless optional; absent -> *out = NULL). */
int mp_m_array(mp_m_ctx *c, const json_t *obj, const char *key, int optional,
               int nonempty, json_t **out);

/* An initializer (number | uniform | normal | group_tuned) at obj[key].
 * n_groups: groups of the presynaptic source when this is a weight
 * (group_tuned allowed), 0 when it has none, (size_t)-1 when this is a
 * state (group_tuned refused). nonneg: constants and bounds must be >= 0. */
int mp_m_init_get(mp_m_ctx *c, const json_t *obj, const char *key, double def,
                  size_t n_groups, int nonneg, mp_m_init *out);

/* ---- overrides.c ------------------------------------------------------ */

/* Applies n "path=value" strings to root and records the canonical paths
 * they set in c (freed by mp_m_ctx_release). */
int mp_m_apply_overrides(mp_m_ctx *c, json_t *root, const char *const *ov,
                         size_t n);
void mp_m_ctx_release(mp_m_ctx *c);
/* "--set 'ARG'" (ARG cut when long) into buf: the "file" of an error in a
 * value that came from --set ARG, which has no line in the model file. */
void mp_m_set_label(const char *arg, char *buf, size_t n);

/* ---- spike_file.c ----------------------------------------------------- */

/* Reads a "t_ms,neuron" CSV (header line optional) into sf->t / sf->id,
 * sorted by time then neuron. sf->file (resolved) and sf->size must be set;
 * c's path is the stimulus. A file that cannot be opened is reported at the
 * model's "file" key; errors in its content name the CSV's file:line:col. */
int mp_m_spike_file_read(mp_m_ctx *c, mp_m_spike_file *sf);
/* The same from memory (mp_m_spike_file_read reads the file and calls
 * this): len bytes of CSV; path is the JSON path for messages (may be NULL).
 * On failure sf->t / sf->id may be set (the model frees them). */
int mp_m_spike_file_parse(mp_m_spike_file *sf, const char *path, const char *text,
                          size_t len, mp_error *err);

/* ---- load_*.c --------------------------------------------------------- */

int mp_m_load_populations(mp_m_ctx *c, mp_model *m, const json_t *arr);
int mp_m_load_stimuli(mp_m_ctx *c, mp_model *m, const json_t *arr);
/* Fills m->sources from the populations and stimuli. */
int mp_m_build_sources(mp_m_ctx *c, mp_model *m);
/* Fails at obj.name when a population below n_pop or a stimulus below
 * n_stim already has `name` (they share one name space: sources). */
int mp_m_check_unique(mp_m_ctx *c, const mp_model *m, const char *name,
                      size_t n_pop, size_t n_stim);
int mp_m_load_projections(mp_m_ctx *c, mp_model *m, const json_t *arr);
int mp_m_load_recorders(mp_m_ctx *c, mp_model *m, const json_t *arr);

/* Shared by the spiking and the rate loaders (load_proj.c, load_rec.c). */
int mp_m_source_ref(mp_m_ctx *c, const mp_model *m, const json_t *obj,
                    const char *key, int pop_only, size_t *out);
int mp_m_projection_name(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v);
int mp_m_weight_guard(mp_m_ctx *c, const json_t *proj, mp_m_projection *p);
/* proj.plasticity (optional): loads the rule and checks that it has the
 * hooks of the model's network kind. */
int mp_m_load_plasticity(mp_m_ctx *c, mp_model *m, const json_t *proj,
                    mp_m_projection *p);
long mp_m_projection_find(const mp_model *m, const char *name);
/* recorders[i].file (default "<type>_<target>.csv"), checked. */
int mp_m_rec_file(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v,
                  const char *type, const char *target);

/* ---- rate networks (load_rate*.c) --------------------------------------- */

/* The rest of the top level of a rate model after format, version, name,
 * notes and seed: data, training, populations, projections, recorders. */
int mp_m_rate_top_level(mp_m_ctx *c, mp_model *m, const json_t *root);
int mp_m_rate_population(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v);
int mp_m_rate_projection(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v);
int mp_m_rate_recorder(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v);
/* root.data -> m->data (loads the files or draws the Gaussian set). */
int mp_m_rate_data(mp_m_ctx *c, mp_model *m, const json_t *root);
/* Works out m->chain from the projections and checks the topology. */
int mp_m_rate_chain(mp_m_ctx *c, mp_model *m);
/* Refuses, at projections[j].plasticity, a rate rule whose needs
 * (desc->needs, narrowed by needs_of for its parameters) the model cannot
 * meet: e_post without a loss, e_pre where no error reaches the source
 * (rule_needs.c). Call after mp_m_rate_chain. errors: MP_EINVAL */
int mp_m_rate_rule_needs(mp_m_ctx *c, const mp_model *m);

#endif
