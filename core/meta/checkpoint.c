/* Reading DIR/checkpoint.json back for `metaplast meta --resume DIR`.
 *
 * run.c writes the file after every iteration; a user may edit it and a
 * disk may damage it. Resuming from a state the run could never have
 * reached would be silently wrong (theta outside its bounds is evaluated,
 * a negative Adam v or t makes theta NaN), so every field is checked
 * against the experiment and against what the optimizer's state always
 * satisfies, with the model loader's getters (core/model/getters.c): each
 * message names the file, line:col and JSON path of the field, the reason,
 * and the fix (DAMAGED). docs/meta.md lists the checks. */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "meta/meta_int.h"
#include "model/load_int.h"

#define CHECKPOINT_FORMAT "metaplast-meta-checkpoint"
#define DAMAGED                                                                \
    "the checkpoint was edited or is damaged: restore it or start a new run "  \
    "with another --out"

/* "the string "x"", "7.5": a value in a message. */
static const char *shown(const json_t *v, char buf[96])
{
    char num[32];
    if (json_is_number(v))
        return strcpy(buf, mp_m_fmt_num(json_number_value(v), num));
    if (json_is_string(v)) {
        snprintf(buf, 96, "the string \"%.60s\"", json_string_value(v));
        return buf;
    }
    return mp_m_type_name(v);
}

/* obj[key] (required): an integer in [lo, hi]; what says what it counts.
 * Integers are read as doubles (JSON_DECODE_INT_AS_REAL), so that one too
 * big for Jansson is this error, at its field, not a parse error. */
static int count(mp_m_ctx *c, const json_t *obj, const char *key, long long lo,
                 long long hi, const char *what, long long *out)
{
    const json_t *v = json_object_get(obj, key);
    char buf[96];
    if (!v)
        return mp_m_fail_key(c, key, MP_EINVAL, "missing required key '%s' (%s)", key,
                             what);
    double d = json_number_value(v);
    size_t old = mp_m_push_key(c, key);
    int rc = MP_OK;
    if (!json_is_number(v) || d != floor(d))
        rc = mp_m_fail(c, MP_EINVAL, "expected an integer (%s), got %s", what,
                       shown(v, buf));
    else if (lo == hi && d != (double)lo)
        rc = mp_m_fail(c, MP_EINVAL, "must be %lld (%s), got %s", lo, what, shown(v, buf));
    else if (d < (double)lo)
        rc = mp_m_fail(c, MP_EINVAL, "must be >= %lld (%s), got %s", lo, what,
                       shown(v, buf));
    else if (d > (double)hi)
        rc = mp_m_fail(c, MP_EINVAL, "must be <= %lld (%s), got %s", hi, what,
                       shown(v, buf));
    else
        *out = (long long)d;
    mp_m_pop(c, old);
    return rc;
}

/* obj[key] (required): an array of exactly n numbers (what: of what). */
static int numbers(mp_m_ctx *c, const json_t *obj, const char *key, size_t n,
                   const char *what, double *out)
{
    const json_t *a = json_object_get(obj, key);
    char buf[96];
    if (!a)
        return mp_m_fail_key(c, key, MP_EINVAL, "missing required key '%s' (%s)", key,
                             what);
    size_t old = mp_m_push_key(c, key);
    int rc = MP_OK;
    if (!json_is_array(a))
        rc = mp_m_fail(c, MP_EINVAL, "expected an array of %zu numbers (%s), got %s", n,
                       what, shown(a, buf));
    else if (json_array_size(a) != n)
        rc = mp_m_fail(c, MP_EINVAL, "expected %zu numbers (%s), got %zu", n, what,
                       json_array_size(a));
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        const json_t *e = json_array_get(a, i);
        out[i] = json_number_value(e);
        if (!json_is_number(e) || !isfinite(out[i])) {
            size_t o2 = mp_m_push_index(c, i);
            rc = mp_m_fail(c, MP_EINVAL, "expected a finite number, got %s", shown(e, buf));
            mp_m_pop(c, o2);
        }
    }
    mp_m_pop(c, old);
    return rc;
}

/* v (x->dim numbers, at path key) inside the free parameters' bounds:
 * the optimizers never leave them (Adam clamps, CMA-ES clamps its
 * candidates and its mean is their weighted mean, which rounding may put an
 * ulp or so outside: SLACK). */
#define SLACK(b) (1e-9 * (1.0 + fabs(b)))
static int in_bounds(mp_m_ctx *c, const char *key, const double *v,
                     const mp_experiment *x)
{
    char a[32], lo[32], hi[32];
    for (size_t i = 0; i < x->dim; i++) {
        const mp_x_free *f = mp_x_free_at(x, i);
        double val = mp_x_free_value(f, v[i]); /* checkpoints hold log(value) */
        if (val >= f->lo - SLACK(f->lo) && val <= f->hi + SLACK(f->hi))
            continue;
        size_t old = mp_m_push_key(c, key);
        mp_m_push_index(c, i);
        mp_m_fail(c, MP_EINVAL, "%s is outside the bounds [%s, %s] of free parameter '%s'",
                  mp_m_fmt_num(val, a), mp_m_fmt_num(f->lo, lo), mp_m_fmt_num(f->hi, hi),
                  f->name);
        mp_m_pop(c, old);
        return MP_EINVAL;
    }
    return MP_OK;
}

/* obj[key] (required): a number, or null for "none" (*out = none). */
static int number_or_null(mp_m_ctx *c, const json_t *obj, const char *key, double none,
                          double *out)
{
    const json_t *v = json_object_get(obj, key);
    char buf[96];
    if (!v)
        return mp_m_fail_key(c, key, MP_EINVAL, "missing required key '%s'", key);
    if (json_is_null(v)) {
        *out = none;
        return MP_OK;
    }
    *out = json_number_value(v);
    if (json_is_number(v) && isfinite(*out))
        return MP_OK;
    return mp_m_fail_key(c, key, MP_EINVAL, "expected a finite number or null, got %s",
                         shown(v, buf));
}

static int check_adam(mp_m_ctx *c, mp_x_state *s, const json_t *a)
{
    static const char *const keys[] = {"t", "m", "v", NULL};
    size_t n = s->n, old = mp_m_push_key(c, "adam");
    long long t = 0;
    int rc = mp_m_object(c, a, "an Adam state", keys);
    if (rc == MP_OK)
        rc = count(c, a, "t", 0, (long long)s->x->iterations, "Adam's step count", &t);
    if (rc == MP_OK && t != s->iter)
        rc = mp_m_fail_key(c, "t", MP_EINVAL, "%lld differs from iter %lld: Adam takes one "
                           "step per iteration", t, s->iter);
    if (rc == MP_OK)
        rc = numbers(c, a, "m", n, "Adam's first moments", s->adam.m);
    if (rc == MP_OK)
        rc = numbers(c, a, "v", n, "Adam's second moments", s->adam.v);
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        if (s->adam.v[i] < 0) {
            char b[32];
            size_t o2 = mp_m_push_key(c, "v");
            mp_m_push_index(c, i);
            rc = mp_m_fail(c, MP_EINVAL, "%s is negative: Adam's second moment is a mean "
                           "of squares", mp_m_fmt_num(s->adam.v[i], b));
            mp_m_pop(c, o2);
        }
    s->adam.t = t;
    mp_m_pop(c, old);
    return rc;
}

/* The covariance matrix C (n x n, row-major): symmetric, and positive
 * definite as every CMA-ES update keeps it, within rounding: a Cholesky
 * factorization whose pivots are not negative beyond 1e-9 of their diagonal
 * (a run that converged may leave C nearly singular; cmaes.c floors its
 * eigenvalues). The eigendecomposition that sampling uses (B, D) must be
 * orthonormal and positive. B D^2 B^T equals C only after a decomposition
 * (it is redone lazily), so the two are not compared. */
static int check_matrices(mp_m_ctx *c, const mp_cmaes *e, size_t n)
{
    char a[32], b[32];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (e->C[i * n + j] != e->C[j * n + i]) {
                size_t old = mp_m_push_key(c, "C");
                mp_m_push_index(c, j * n + i);
                mp_m_fail(c, MP_EINVAL, "%s differs from C[%zu] = %s: the covariance "
                          "matrix (row-major %zu x %zu) must be symmetric",
                          mp_m_fmt_num(e->C[j * n + i], a), i * n + j,
                          mp_m_fmt_num(e->C[i * n + j], b), n, n);
                mp_m_pop(c, old);
                return MP_EINVAL;
            }
    /* Cholesky in place on a copy, by rows: L[i][j] below the diagonal */
    double *L = mp_u_malloc(n * n * sizeof *L);
    if (!L)
        return mp_m_nomem(c);
    memcpy(L, e->C, n * n * sizeof *L);
    int pd = 1;
    for (size_t j = 0; j < n && pd; j++) {
        double diag = L[j * n + j], d = diag;
        for (size_t k = 0; k < j; k++)
            d -= L[j * n + k] * L[j * n + k];
        pd = diag > 0 && isfinite(d) && d >= -1e-9 * diag;
        L[j * n + j] = d > 0 ? sqrt(d) : 0;
        for (size_t i = j + 1; i < n && pd; i++) {
            double v = L[i * n + j];
            for (size_t k = 0; k < j; k++)
                v -= L[i * n + k] * L[j * n + k];
            L[i * n + j] = L[j * n + j] > 0 ? v / L[j * n + j] : 0;
        }
    }
    mp_u_free(L);
    if (!pd)
        return mp_m_fail_key(c, "C", MP_EINVAL, "the covariance matrix is not positive "
                             "definite");
    for (size_t i = 0; i < n; i++)
        if (!(e->D[i] > 0)) {
            size_t old = mp_m_push_key(c, "D");
            mp_m_push_index(c, i);
            mp_m_fail(c, MP_EINVAL, "must be > 0 (the square root of an eigenvalue of C), "
                      "got %s", mp_m_fmt_num(e->D[i], a));
            mp_m_pop(c, old);
            return MP_EINVAL;
        }
    double worst = 0; /* max |B^T B - I| */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double dot = 0;
            for (size_t k = 0; k < n; k++)
                dot += e->B[k * n + i] * e->B[k * n + j];
            double dev = fabs(dot - (i == j));
            worst = dev > worst ? dev : worst;
        }
    if (worst > 1e-6)
        return mp_m_fail_key(c, "B", MP_EINVAL, "the eigenvectors of C (columns) are not "
                             "orthonormal: B^T B differs from the identity by %.3g", worst);
    return MP_OK;
}

static int check_cmaes(mp_m_ctx *c, mp_x_state *s, const json_t *o)
{
    static const char *const keys[] = {"mean", "sigma", "C", "B", "D", "pc",
                                       "ps", "counteval", "eigeneval", "gen", NULL};
    mp_cmaes *e = &s->es;
    size_t n = s->n, old = mp_m_push_key(c, "cmaes");
    long long lam = (long long)e->lambda;
    int rc = mp_m_object(c, o, "a CMA-ES state", keys);
    if (rc == MP_OK)
        rc = numbers(c, o, "mean", n, "the distribution's mean", e->mean);
    if (rc == MP_OK)
        rc = in_bounds(c, "mean", e->mean, s->x);
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        if (s->theta[i] != e->mean[i]) {
            char a[32], b[32];
            size_t o2 = mp_m_push_key(c, "mean");
            mp_m_push_index(c, i);
            rc = mp_m_fail(c, MP_EINVAL, "%s differs from theta[%zu] = %s: a CMA-ES run's "
                           "theta is its mean", mp_m_fmt_num(e->mean[i], a), i,
                           mp_m_fmt_num(s->theta[i], b));
            mp_m_pop(c, o2);
        }
    if (rc == MP_OK)
        rc = mp_m_num(c, o, "sigma", NULL, MP_M_GT(0), NULL, &e->sigma);
    if (rc == MP_OK)
        rc = numbers(c, o, "C", n * n, "the covariance matrix, row-major", e->C);
    if (rc == MP_OK)
        rc = numbers(c, o, "B", n * n, "C's eigenvectors, row-major", e->B);
    if (rc == MP_OK)
        rc = numbers(c, o, "D", n, "square roots of C's eigenvalues", e->D);
    if (rc == MP_OK)
        rc = check_matrices(c, e, n);
    if (rc == MP_OK)
        rc = numbers(c, o, "pc", n, "the evolution path of C", e->pc);
    if (rc == MP_OK)
        rc = numbers(c, o, "ps", n, "the evolution path of sigma", e->ps);
    if (rc == MP_OK)
        rc = count(c, o, "gen", s->iter, s->iter, "generations: one per iteration", &e->gen);
    if (rc == MP_OK)
        rc = count(c, o, "counteval", e->gen * lam, e->gen * lam,
                   "evaluations: gen x the population", &e->counteval);
    if (rc == MP_OK)
        rc = count(c, o, "eigeneval", 0, e->counteval > 0 ? e->counteval : 0,
                   "counteval at the last decomposition of C", &e->eigeneval);
    mp_m_pop(c, old);
    return rc;
}

/* Appends the fix to a message about the checkpoint's content, when err
 * holds that message (it was empty before: the first error wins). */
static int damaged(mp_error *err, int fresh, int rc)
{
    if (rc != MP_OK && rc != MP_ENOMEM && fresh && err && err->code == rc) {
        size_t k = strlen(err->text);
        snprintf(err->text + k, sizeof err->text - k, "; " DAMAGED);
    }
    return rc;
}

static int is_fresh(const mp_error *err)
{
    return !err || (err->code == 0 && !err->text[0]);
}

/* The header: an object, its format and version, the experiment's hash
 * (16 hex digits) and file (absent in older checkpoints, else a string). */
static int check_header(mp_m_ctx *c, const json_t *j)
{
    char buf[96];
    const json_t *f = json_object_get(j, "format"), *v = json_object_get(j, "version");
    const char *h = NULL, *file = NULL;
    long long version = 0;
    if (!json_is_object(j))
        return mp_m_fail(c, MP_EINVAL, "expected a checkpoint (a JSON object), got %s",
                         shown(j, buf));
    if (!f)
        return mp_m_fail_key(c, "format", MP_EINVAL, "missing required key 'format'");
    if (!json_is_string(f) || strcmp(json_string_value(f), CHECKPOINT_FORMAT) != 0)
        return mp_m_fail_key(c, "format", MP_EINVAL, "expected \"" CHECKPOINT_FORMAT
                             "\", got %s: this is not a checkpoint of metaplast meta",
                             shown(f, buf));
    int rc = count(c, j, "version", LLONG_MIN / 2, LLONG_MAX / 2, "the checkpoint format's "
                   "version", &version);
    if (rc == MP_OK && version != MP_X_CHECKPOINT_VERSION)
        rc = mp_m_fail_key(c, "version", MP_EINVAL, "%s is not a version of the checkpoint "
                           "format that this metaplast reads (it reads version %d)",
                           shown(v, buf), MP_X_CHECKPOINT_VERSION);
    if (rc == MP_OK)
        rc = mp_m_str(c, j, "experiment_hash", 0, NULL, &h);
    if (rc == MP_OK && (strlen(h) != 16 || strspn(h, "0123456789abcdef") != 16))
        rc = mp_m_fail_key(c, "experiment_hash", MP_EINVAL, "expected the experiment "
                           "file's hash (16 hexadecimal digits), got %s",
                           shown(json_object_get(j, "experiment_hash"), buf));
    if (rc == MP_OK)
        rc = mp_m_str(c, j, "experiment", 1, NULL, &file);
    return rc;
}

int mp_x_checkpoint_parse(const char *text, size_t len, const char *path,
                          json_t **root, mp_error *err)
{
    json_error_t je;
    int fresh = is_fresh(err);
    mp_m_ctx c = {.file = path, .text = text, .text_len = len, .err = err};
    *root = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &je);
    int rc = *root ? check_header(&c, *root) : mp_m_json_error(err, path, &je);
    if (rc != MP_OK) {
        json_decref(*root);
        *root = NULL;
    }
    return damaged(err, fresh, rc);
}

/* Every field but the header, into s. */
static int check_fields(mp_m_ctx *c, mp_x_state *s, const json_t *j)
{
    static const char *const adam_keys[] = {
        "format", "version", "experiment_hash", "iter", "theta", "best_theta", "best_iter",
        "best_loss", "last_loss", "experiment", "adam", NULL};
    static const char *const cmaes_keys[] = {
        "format", "version", "experiment_hash", "iter", "theta", "best_theta", "best_iter",
        "best_loss", "last_loss", "experiment", "cmaes", NULL};
    const mp_experiment *x = s->x;
    int adam = x->opt == MP_X_OPT_ADAM;
    const char *opt = adam ? "adam" : "cmaes";
    int rc = mp_m_object(c, j, "a checkpoint", adam ? adam_keys : cmaes_keys);
    if (rc == MP_OK)
        rc = count(c, j, "iter", 0, (long long)x->iterations,
                   "iterations done, at most the experiment's iterations", &s->iter);
    if (rc == MP_OK)
        rc = numbers(c, j, "theta", s->n, "one per free coefficient", s->theta);
    if (rc == MP_OK)
        rc = in_bounds(c, "theta", s->theta, x);
    if (rc == MP_OK)
        rc = numbers(c, j, "best_theta", s->n, "one per free coefficient", s->best_theta);
    if (rc == MP_OK)
        rc = in_bounds(c, "best_theta", s->best_theta, x);
    if (rc == MP_OK)
        rc = count(c, j, "best_iter", -1, s->iter - 1,
                   "the best iteration done so far, -1 for none", &s->best_iter);
    if (rc == MP_OK)
        rc = number_or_null(c, j, "best_loss", HUGE_VAL, &s->best_loss);
    if (rc == MP_OK && s->best_iter < 0 && s->best_loss != HUGE_VAL)
        rc = mp_m_fail_key(c, "best_loss", MP_EINVAL, "expected null: best_iter is -1 "
                           "(no best iteration yet)");
    if (rc == MP_OK)
        rc = number_or_null(c, j, "last_loss", NAN, &s->last_loss);
    if (rc == MP_OK && !json_object_get(j, opt))
        rc = mp_m_fail_key(c, opt, MP_EINVAL, "missing required key '%s' (the state of "
                           "the optimizer)", opt);
    if (rc == MP_OK)
        rc = adam ? check_adam(c, s, json_object_get(j, opt))
                  : check_cmaes(c, s, json_object_get(j, opt));
    return rc;
}

int mp_x_checkpoint_read(mp_x_state *s, const char *text, size_t len,
                         const char *path, mp_error *err)
{
    json_t *j = NULL;
    int fresh = is_fresh(err);
    int rc = mp_x_checkpoint_parse(text, len, path, &j, err);
    if (rc != MP_OK)
        return rc;
    mp_m_ctx c = {.file = path, .text = text, .text_len = len, .err = err};
    char h[32];
    snprintf(h, sizeof h, "%016llx", (unsigned long long)s->x->hash);
    const char *hh = json_string_value(json_object_get(j, "experiment_hash"));
    if (strcmp(hh, h) != 0)
        rc = mp_m_fail_key(&c, "experiment_hash", MP_EINVAL,
                           "the experiment file '%s' changed since this run was started "
                           "(its hash %s differs from the checkpoint's %s); resume with "
                           "the same file or start a new run", s->x->file, h, hh);
    else
        rc = damaged(err, fresh, check_fields(&c, s, j));
    json_decref(j);
    return rc;
}
