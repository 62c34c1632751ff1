/* Allocation-failure sweep (after SQLite's fault injection and Jansson's
 * test_memory_funcs): a counting allocator fails the k-th allocation, for
 * every k from 1 until a scenario completes without reaching k. Every k must
 * end cleanly: MP_ENOMEM with a message (or success, where a failure has a
 * fallback), no crash, and no block left allocated (the allocator counts
 * live blocks; ASan's leak check sees the rest in the sanitizer build).
 *
 * Counted: the library's allocator (mp_set_alloc_funcs), Jansson's (set here
 * with json_set_alloc_funcs, as an application would: the library leaves it
 * alone, include/metaplast/alloc.h) and GSL's allocating functions, wrapped
 * at link time (tests/alloc_cases.cmake: -Wl,--wrap), so a GSL allocation
 * that fails is one more k and its object one more live block.
 *
 * Scenarios (tests/data/alloc): a spiking model with every stimulus, both
 * integrators, a plastic projection and every recorder, loaded with a --set
 * override, run for a few steps with recorders and a summary; a rate model on
 * the rotated Gaussians, one on a tiny IDX set and one on .npy arrays (then
 * an array written as .npy and read back), trained a few samples; and
 * three experiments, loaded and evaluated at their initial coefficients
 * (finite differences on spiking runs, exact gradient on N-way tasks, CMA-ES
 * on the Gaussians, the last also run for one iteration).
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "meta/meta_int.h"
#include "metaplast/metaplast.h"
#include "util/npy.h"
#include "util/util_int.h"

/* ---- the counting allocator ------------------------------------------------ */

/* A header before each block marks it as ours, so that a block freed here
 * that another allocator made (or the reverse) is caught, not just a leak. */
#define MAGIC 0x6d70616c6c6f6321ULL
typedef union header {
    uint64_t magic;
    max_align_t align_;
} header;

/* Two counters, so that each sweep fails one kind of allocation: the
 * library's (its allocator and GSL's) or Jansson's. */
enum { LIB, JSON };
static long long g_count[2];   /* allocations attempted in this run */
static long long g_fail_at[2]; /* the one that fails; 0: none */
static long long g_live;       /* blocks allocated and not freed */
static long long g_foreign;    /* frees of blocks that are not ours */

/* Counts one allocation of kind; returns 0 if it must fail. */
static int may_allocate(int kind)
{
    long long k = __atomic_add_fetch(&g_count[kind], 1, __ATOMIC_RELAXED);
    return k != g_fail_at[kind];
}

static void *counted_malloc(int kind, size_t n)
{
    if (!may_allocate(kind) || n > SIZE_MAX - sizeof(header))
        return NULL;
    header *h = malloc(sizeof(header) + n);
    if (!h)
        return NULL;
    h->magic = MAGIC;
    __atomic_add_fetch(&g_live, 1, __ATOMIC_RELAXED);
    return h + 1;
}

static void *count_malloc(size_t n) { return counted_malloc(LIB, n); }
static void *count_json_malloc(size_t n) { return counted_malloc(JSON, n); }

static header *ours(void *p)
{
    header *h = (header *)p - 1;
    if (h->magic != MAGIC) {
        __atomic_add_fetch(&g_foreign, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    return h;
}

static void count_free(void *p)
{
    if (!p)
        return;
    header *h = ours(p);
    if (!h)
        return; /* leak it rather than crash: g_foreign fails the test */
    h->magic = 0;
    __atomic_sub_fetch(&g_live, 1, __ATOMIC_RELAXED);
    free(h);
}

static void *count_realloc(void *p, size_t n)
{
    if (!p)
        return count_malloc(n);
    header *h = ours(p);
    if (!h || !may_allocate(LIB) || n > SIZE_MAX - sizeof(header))
        return NULL;
    header *q = realloc(h, sizeof(header) + n);
    return q ? q + 1 : NULL;
}

/* ---- GSL's allocations, wrapped at link time ----------------------------- */

/* Each pair: the allocating function counted (and failed at k) like a malloc,
 * its free counted like a free. */
#define WRAP_GSL(type, alloc, args, call, freefn)                              \
    type *__real_##alloc args;                                                 \
    void __real_##freefn(type *p);                                             \
    type *__wrap_##alloc args;                                                 \
    void __wrap_##freefn(type *p);                                             \
    type *__wrap_##alloc args                                                  \
    {                                                                          \
        if (!may_allocate(LIB))                                                \
            return NULL;                                                       \
        type *p = __real_##alloc call;                                         \
        if (p)                                                                 \
            __atomic_add_fetch(&g_live, 1, __ATOMIC_RELAXED);                  \
        return p;                                                              \
    }                                                                          \
    void __wrap_##freefn(type *p)                                              \
    {                                                                          \
        if (p)                                                                 \
            __atomic_sub_fetch(&g_live, 1, __ATOMIC_RELAXED);                  \
        __real_##freefn(p);                                                    \
    }

WRAP_GSL(gsl_rng, gsl_rng_alloc, (const gsl_rng_type *t), (t), gsl_rng_free)
WRAP_GSL(gsl_matrix, gsl_matrix_alloc, (size_t a, size_t b), (a, b), gsl_matrix_free)
WRAP_GSL(gsl_vector, gsl_vector_alloc, (size_t a), (a), gsl_vector_free)
WRAP_GSL(gsl_eigen_symmv_workspace, gsl_eigen_symmv_alloc, (size_t a), (a),
         gsl_eigen_symmv_free)
WRAP_GSL(gsl_odeiv2_step, gsl_odeiv2_step_alloc, (const gsl_odeiv2_step_type *t, size_t d),
         (t, d), gsl_odeiv2_step_free)
WRAP_GSL(gsl_odeiv2_evolve, gsl_odeiv2_evolve_alloc, (size_t d), (d), gsl_odeiv2_evolve_free)
WRAP_GSL(gsl_odeiv2_control, gsl_odeiv2_control_y_new, (double a, double r), (a, r),
         gsl_odeiv2_control_free)

/* ---- scenarios ----------------------------------------------------------- */

static char g_data[1024]; /* tests/data/alloc */
static char g_tmp[256];   /* this test's temporary directory */

static void path_of(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", g_data, name);
}

/* Load (with an override), create, record, run, summarize, close, free. */
static int run_model(const char *name, double ms, mp_error *e)
{
    char path[1200];
    path_of(path, sizeof path, name);
    const char *sets[] = {"seed=11"};
    mp_model *m = NULL;
    mp_net *net = NULL;
    int rc = mp_model_load(path, sets, 1, &m, e);
    if (rc == MP_OK)
        rc = mp_net_new(m, mp_model_seed(m), &net, e);
    if (rc == MP_OK)
        rc = mp_net_open_recorders(net, g_tmp, e);
    if (rc == MP_OK)
        rc = mp_net_run(net, ms, NULL, NULL, e);
    if (rc == MP_OK)
        rc = mp_net_write_summary(net, g_tmp, 0.0, e);
    if (net) {
        int rc2 = mp_net_close_recorders(net, e);
        rc = rc == MP_OK ? rc2 : rc;
    }
    mp_net_free(net);
    mp_model_free(m);
    return rc;
}

static int spiking(mp_error *e) { return run_model("spiking.json", 3.0, e); }
static int rate_gaussian(mp_error *e) { return run_model("rate.json", 0.0, e); }
static int rate_idx(mp_error *e) { return run_model("nway.json", 0.0, e); }

/* The .npy example's data (float32 inputs, int64 labels), trained on; then
 * its inputs written as .npy and read back. */
static int rate_npy(mp_error *e)
{
    char path[1200];
    path_of(path, sizeof path, "../../models/valid/rate_npy/train_x.npy");
    mp_u_npy a, b;
    memset(&b, 0, sizeof b);
    int rc = run_model("npy.json", 0.0, e);
    if (rc == MP_OK)
        rc = mp_u_npy_read(path, MP_U_NPY_FLOAT, &a, e);
    if (rc == MP_OK) {
        rc = mp_u_npy_write(g_tmp, "x.npy", a.rank, a.shape, a.data, e);
        mp_u_npy_release(&a);
    }
    if (rc == MP_OK) {
        snprintf(path, sizeof path, "%s/x.npy", g_tmp);
        rc = mp_u_npy_read(path, MP_U_NPY_FLOAT, &b, e);
        mp_u_npy_release(&b);
    }
    return rc;
}

/* Load an experiment and evaluate it at its initial coefficients; with
 * `iterate`, also run one iteration into the temporary directory. */
static int experiment(const char *name, int iterate, mp_error *e)
{
    char path[1200];
    path_of(path, sizeof path, name);
    mp_experiment *x = NULL;
    char *json = NULL;
    int rc = mp_x_load(path, &x, e);
    if (rc == MP_OK)
        rc = mp_x_evaluate_initial(x, 1, &json, e);
    mp_u_free(json);
    if (rc == MP_OK && iterate) {
        mp_meta_run_opts o = {.out = g_tmp, .threads = 1, .max_iterations = 1, .command = "test"};
        rc = mp_x_run(x, &o, e);
    }
    mp_x_free_experiment(x);
    return rc;
}

static int exp_spiking(mp_error *e) { return experiment("exp_spiking.json", 0, e); }
static int exp_nway(mp_error *e) { return experiment("exp_nway.json", 0, e); }
static int exp_rate(mp_error *e) { return experiment("exp_rate.json", 1, e); }

/* ---- the sweep ----------------------------------------------------------- */

/* Runs scenario once per k, failing the k-th allocation of kind, until it
 * completes without reaching k; returns the number of allocations of that
 * kind in the complete run.
 *
 * The library's allocations must end in MP_ENOMEM and "out of memory".
 * Jansson's cannot always: Jansson reports some of its failures as syntax
 * errors ("invalid token") and ignores others (a failed append of a
 * character to a token drops it: "metaplast-mode"), so for them any clean
 * error (a code and a message) or success passes; no leak, no crash in
 * either. */
static long long sweep(const char *what, int kind, int (*scenario)(mp_error *))
{
    const char *kname = kind == LIB ? "allocation" : "Jansson allocation";
    for (long long k = 1;; k++) {
        g_count[LIB] = g_count[JSON] = 0;
        g_fail_at[LIB] = g_fail_at[JSON] = 0;
        g_fail_at[kind] = k;
        g_live = 0;
        g_foreign = 0;
        mp_error e;
        mp_error_clear(&e);
        int rc = scenario(&e);
        int reached = g_count[kind] >= k;
        char buf[1400];
        mp_error_format(&e, buf, sizeof buf);
        if (getenv("MP_ALLOC_TRACE")) /* every outcome, to review the messages */
            printf("%s: %s %lld: %s: %s\n", what, kname, k, mp_errname(rc), buf);
        if (!reached)
            CHECK_(rc == MP_OK, "%s: %s (no failure): %s", what, mp_errname(rc), buf);
        else if (kind == LIB)
            CHECK_(rc == MP_OK || (rc == MP_ENOMEM && e.code == MP_ENOMEM &&
                                   strstr(e.text, "out of memory")),
                   "%s: %s %lld failed: got %s (error record: %s): %s", what, kname, k,
                   mp_errname(rc), mp_errname(e.code), buf);
        else
            CHECK_(rc == MP_OK || (rc < 0 && e.code == rc && e.text[0]),
                   "%s: %s %lld failed: got %s: %s", what, kname, k, mp_errname(rc), buf);
        CHECK_(g_live == 0, "%s: %s %lld failed: %lld blocks leaked", what, kname, k,
               g_live);
        CHECK_(g_foreign == 0, "%s: %s %lld failed: %lld blocks freed that the "
               "allocator did not make", what, kname, k, g_foreign);
        if (!reached) {
            printf("%s: %lld %ss, each failed once\n", what, g_count[kind], kname);
            return g_count[kind];
        }
    }
}

static const struct {
    const char *what;
    int (*scenario)(mp_error *);
} scenarios[] = {
    {"spiking model", spiking},
    {"rate model (Gaussians)", rate_gaussian},
    {"rate model (IDX)", rate_idx},
    {"rate model (.npy), .npy written and read", rate_npy},
    {"spiking experiment", exp_spiking},
    {"N-way experiment", exp_nway},
    {"Gaussian experiment, one CMA-ES iteration", exp_rate},
};

/* A GSL error handler that must never be called: the library turns GSL's
 * handler off before its first GSL allocation (loading a data set), so that
 * a failed allocation returns NULL instead of calling the handler, which by
 * default aborts. */
static void gsl_handler_kept(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason, (void)file, (void)line, (void)gsl_errno;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int main(void)
{
    const char *src = getenv("MP_SOURCE_DIR");
    snprintf(g_data, sizeof g_data, "%s/tests/data/alloc", src ? src : "..");
    snprintf(g_tmp, sizeof g_tmp, "/tmp/mp_alloc_XXXXXX");
    if (!mkdtemp(g_tmp)) {
        perror("mkdtemp");
        return 1;
    }
    gsl_set_error_handler(gsl_handler_kept);
    char path[1200];
    path_of(path, sizeof path, "rate.json");
    mp_model *model0 = NULL;
    CHECK_OK(mp_model_load(path, NULL, 0, &model0, NULL)); /* draws a data set with GSL */
    mp_model_free(model0);
    CHECK(gsl_set_error_handler(NULL) != gsl_handler_kept);

    mp_set_alloc_funcs(count_malloc, count_realloc, count_free);
    json_set_alloc_funcs(count_json_malloc, count_free);

    /* the functions are in use; each scenario with each allocation of each
     * kind failed in turn */
    mp_malloc_fn fm;
    mp_free_fn ff;
    mp_get_alloc_funcs(&fm, NULL, &ff);
    CHECK(fm == count_malloc && ff == count_free);
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        for (int kind = LIB; kind <= JSON; kind++)
            CHECK(sweep(scenarios[i].what, kind, scenarios[i].scenario) > 0);

    mp_set_alloc_funcs(NULL, NULL, NULL);
    mp_malloc_fn m0;
    mp_get_alloc_funcs(&m0, NULL, NULL);
    CHECK(m0 == malloc);
    nftw(g_tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return CHECK_DONE();
}
