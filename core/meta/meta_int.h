/* The meta-layer (docs/meta.md): experiment files, the evaluation of a
 * plasticity rule's coefficients on tasks, the optimizers (Adam with exact
 * or finite-difference gradients, CMA-ES) and the run loop with its log and
 * checkpoints. Everything here is internal; the CLI's `meta` command is the
 * user interface.
 *
 * Determinism: every random number of a run derives from (experiment seed,
 * iteration, task index) or (experiment seed, generation), never from the
 * order in which threads finish, so a run gives the same log for any number
 * of threads and when resumed from a checkpoint.
 */
#ifndef MP_META_INT_H
#define MP_META_INT_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "metaplast/meta.h"
#include "model/model_int.h"
#include "stimuli/dataset_int.h"

#define MP_X_FORMAT_VERSION 1

/* ---- the experiment (experiment.c) ----------------------------------------- */

typedef enum { MP_X_TASK_NWAY, MP_X_TASK_MODEL } mp_x_task_kind;
typedef enum {
    MP_X_LOSS_QUERY_CE,
    MP_X_LOSS_TARGET_RATE,
    MP_X_LOSS_PC_DISTANCE,
    MP_X_LOSS_MSE
} mp_x_loss_kind;
typedef enum { MP_X_PEN_NONE, MP_X_PEN_L1, MP_X_PEN_L2 } mp_x_pen_kind;
typedef enum { MP_X_OPT_ADAM, MP_X_OPT_CMAES } mp_x_opt_kind;
typedef enum { MP_X_GRAD_EXACT, MP_X_GRAD_FD } mp_x_grad_kind;

/* One free rule parameter: parameter `param` (index in the rule's
 * descriptor) of every projection in proj[] (one shared value). init, lo
 * and hi are in the parameter's units; lo/hi are the rule's declared bounds,
 * narrowed by the experiment's (-HUGE_VAL/HUGE_VAL where neither bounds).
 * With log_scale the optimizer works on theta = log(value)
 * (mp_x_free_value / mp_x_free_theta). coef: the parameter is flagged
 * MP_PARAM_COEF (only those have exact gradients today). */
typedef struct mp_x_free {
    char *name;
    char *param_name;
    size_t param;
    size_t *proj;
    size_t n_proj;
    double init, lo, hi;
    int bounded;
    int log_scale;
    int coef;
    /* its numbers in theta: theta[offset .. offset + size) (size 1 for a
     * scalar; bounds, log scale, learning rate and penalty apply to each) */
    size_t offset, size;
    /* an array meta-parameter of projection proj[0] set through the seam
     * (experiment_free_array.c): 1 + enum mp_seam_array, 0 for a rule
     * parameter written into the rule's parameters; for per-synapse rule
     * arrays param is the rule parameter */
    int array;
    double *init_v;  /* size start values (arrays), in the parameter's units */
    char *init_file; /* "init" as a .npy path (resolved), NULL: the model's */
    size_t rank, shape[2]; /* an array's shape (its .npy files) */
    /* a per-synapse rule parameter given per neuron: 0 (per synapse), 1 per
     * postsynaptic neuron (a row of n_post x n_pre), 2 per presynaptic one
     * (a column); expanded to the synapses, its gradient summed back */
    int per_neuron;
    size_t n_post, n_pre;
} mp_x_free;

/* The most free dimensions finite differences and CMA-ES accept
 * (docs/meta.md "Limits"): FD costs 2n evaluations per step, CMA-ES keeps
 * an n x n covariance and decomposes it (O(n^3)) and needs about n
 * generations per e-fold of progress; above these use exact gradients. */
#define MP_X_FD_MAX_DIM 64
#define MP_X_CMAES_MAX_DIM 100

typedef struct mp_experiment {
    char *file;       /* as given */
    char *file_abs;   /* absolute (realpath), recorded in checkpoints */
    char *model_file; /* resolved */
    uint64_t hash;    /* FNV-1a of the experiment text (resume check) */
    mp_model *model;  /* owned */
    mp_x_free *free;
    size_t n_free;
    size_t dim; /* length of theta: the free entries' sizes summed */
    /* tasks */
    mp_x_task_kind task;
    size_t ways, shots, queries, per_iteration;
    unsigned task_flags;
    mp_task_sampler *sampler; /* nway: over model->data.train */
    /* inner loop */
    size_t inner_samples;       /* rate */
    double duration, win0, win1; /* spiking, ms */
    /* win_len > 0: the score window is win_len ms drawn per evaluation,
     * uniformly within [win0, win1] (mp_x_score_window) */
    double win_len;
    /* loss */
    mp_x_loss_kind loss;
    size_t loss_pop;  /* target_rate: population index */
    size_t loss_proj; /* pc_distance: projection index */
    double target_rate, denom_offset;
    /* penalty */
    mp_x_pen_kind penalty;
    double lambda;
    /* optimizer */
    mp_x_opt_kind opt;
    double lr, beta1, beta2, eps;
    mp_x_grad_kind gradient;
    double fd_step;
    double clip;    /* 0: off */
    double *lr_per; /* x->dim learning rates (one per entry, repeated), NULL: lr for all */
    double sigma;
    size_t population; /* CMA-ES lambda */
    size_t iterations;
    uint64_t seed;
    double blowup_penalty;
    /* analysis: "target_rule" {name: value} over the free coefficients
     * (absent names 0); NULL when not given. The log's rule_angle_deg is the
     * angle between theta and this vector. */
    double *target;
} mp_experiment;

/* Loads and validates an experiment file (and its model). Errors name
 * file:line:col and the JSON path. errors: MP_EIO, MP_EPARSE, MP_EINVAL,
 * MP_EPLUGIN, MP_ENOMEM */
int mp_x_load(const char *path, mp_experiment **out, mp_error *err);
/* mp_x_load with the MP_LOAD_* flags of model.h for the experiment's model. */
int mp_x_load_flags(const char *path, unsigned flags, mp_experiment **out,
                    mp_error *err);
/* mp_x_load_flags with n_sets "PATH=VALUE" edits of the experiment's model
 * (as `metaplast run --set`); they enter x->hash, so a run started with
 * them cannot be resumed by a file hash alone. */
int mp_x_load_sets(const char *path, unsigned flags, const char *const *sets,
                   size_t n_sets, mp_experiment **out, mp_error *err);
/* The same from memory (mp_x_load reads the file and calls this): len bytes
 * of JSON; name stands for the file in messages (NULL: "<string>"); the
 * experiment's "model" path resolves from base_dir (NULL: the current
 * directory). The model itself is still read from its file. */
int mp_x_load_string(const char *text, size_t len, const char *name,
                     const char *base_dir, mp_experiment **out, mp_error *err);
/* mp_x_load_string with the MP_LOAD_* flags for the experiment's model. */
int mp_x_load_string_flags(const char *text, size_t len, const char *name,
                           const char *base_dir, unsigned flags, mp_experiment **out,
                           mp_error *err);
void mp_x_free_experiment(mp_experiment *x);

/* Parses entry i of an experiment's "free" array into x->free[i]
 * (experiment_free.c; the loader's context gives messages their place). */
struct mp_m_ctx;
struct json_t;
int mp_x_parse_free(struct mp_m_ctx *c, mp_experiment *x, size_t i,
                    const struct json_t *v, const char *base_dir);
/* An array entry (a "path" to weights, feedback_weights, bias,
 * feedback.gain, or "per": "synapse"): 1 and *rc set when v is one,
 * 0 otherwise (experiment_free_array.c). */
int mp_x_parse_free_array(struct mp_m_ctx *c, mp_experiment *x, mp_x_free *f,
                          const struct json_t *v, const char *base_dir, int *rc);
/* The start values of the array entries (x->seed parsed): the model's
 * initializers drawn once by a net of seed mp_x_seed(seed, 6, 0, 0), or
 * their .npy files. */
int mp_x_free_arrays_init(struct mp_m_ctx *c, mp_experiment *x);
/* Writes NAME.npy (theta) and NAME.best.npy (best) of every array entry
 * into dir (atomically) and puts "NAME.npy" / "NAME.best.npy" for them in
 * the result's theta objects. errors: MP_EIO, MP_ENOMEM */
int mp_x_write_array_files(const mp_experiment *x, const double *theta,
                           const double *best, const char *dir, struct json_t *th,
                           struct json_t *best_th, mp_error *err);
/* DIR/NAME{suffix}.npy of array entry f: its numbers of t (values: in the
 * parameter's units, else as they are, e.g. a gradient), in its shape,
 * written atomically. errors: MP_EIO, MP_ENOMEM */
int mp_x_write_array_npy(const mp_x_free *f, const double *t, int values,
                         const char *dir, const char *suffix, mp_error *err);
/* Array entry f of a --theta or result file (at `file`, `at` its JSON
 * path): e names a .npy file (relative to file's folder) of f's shape,
 * values within f's bounds; into theta. errors: MP_EIO, MP_EPARSE, MP_EINVAL */
int mp_x_read_array_value(const mp_experiment *x, const mp_x_free *f, const char *file,
                          const char *at, const struct json_t *e, double *theta,
                          mp_error *err);
/* The projection a path's selector names: its name or its index; -1: none
 * (experiment_free.c). */
long mp_x_projection_select(const mp_model *m, const char *sel);
/* Bounds and scale of a rule-parameter entry (experiment_free.c). */
int mp_x_parse_free_bounds(struct mp_m_ctx *c, mp_experiment *x, mp_x_free *f,
                           const struct json_t *v);
/* An object {free name: number} (per_coefficient_lr, target_rule) into
 * out (x->dim): every number of entry i gets obj[name], or *def when the
 * name is absent (def NULL: required), checked against *range; a key that
 * names no free entry is refused at that key (experiment.c). */
struct mp_m_range;
int mp_x_parse_per_free(struct mp_m_ctx *c, const mp_experiment *x,
                        const struct json_t *obj, const double *def,
                        const struct mp_m_range *range, double *out);

/* Parses the experiment's "optimizer" (experiment_opt.c) after "free". */
int mp_x_parse_optimizer(struct mp_m_ctx *c, mp_experiment *x,
                         const struct json_t *root);

/* The value in the parameter's units of optimizer coordinate theta of f,
 * and back (the identity, or exp/log on a log scale). */
double mp_x_free_value(const mp_x_free *f, double theta);
double mp_x_free_theta(const mp_x_free *f, double value);

/* Start value of number j of f (< f->size) in the parameter's units. */
double mp_x_free_init(const mp_x_free *f, size_t j);
/* The free entry that theta[k] belongs to (k < x->dim). */
const mp_x_free *mp_x_free_at(const mp_experiment *x, size_t k);

/* The hash mp_x_load stores in x->hash, of the file at path without
 * loading it. errors: MP_EIO, MP_ENOMEM */
int mp_x_file_hash(const char *path, uint64_t *hash, mp_error *err);

/* Penalty of theta (x->dim numbers) and (grad != NULL) its gradient added to grad. */
double mp_x_penalty(const mp_experiment *x, const double *theta, double *grad);

/* Degrees between theta and x->target (0 when either is zero; NaN when
 * there is no target). */
double mp_x_rule_angle(const mp_experiment *x, const double *theta);

/* Seeds: the (iteration, task) of an evaluation; kind 1 = task sampling,
 * 2 = network, 3 = data set, 4 = CMA-ES generation, 5 = score window. */
uint64_t mp_x_seed(uint64_t seed, uint32_t kind, uint64_t iter, uint64_t task);

/* The score window [*a, *b] (ms) of evaluation (iter, task): the fixed one,
 * or one of win_len ms drawn within [win0, win1] from the experiment seed
 * (the same for every point of that evaluation: common random numbers);
 * on the simulation's dt grid. */
void mp_x_score_window(const mp_experiment *x, uint64_t iter, uint64_t task,
                       double *a, double *b);

/* ---- one evaluation (eval.c) ------------------------------------------------ */

#define MP_X_REASON_LEN 256
#define MP_X_MAX_ALIGN 16

typedef struct mp_x_result {
    double loss;     /* without the penalty; blowup_penalty when blown */
    double accuracy; /* NaN when the loss has none */
    int blown;
    char reason[MP_X_REASON_LEN];
    double *grad;    /* x->dim, caller's array; exact gradients only */
    /* query_cross_entropy on a rate model, when want_align is set by the
     * caller: degrees between the query-batch means of e_l (the model's
     * feedback) and e_l^BP (through W) per layer l = 0..n_align-1, after
     * the inner loop (as the alignment recorder / the authors' meta_stats) */
    int want_align;
    size_t n_align;
    double align[MP_X_MAX_ALIGN];
} mp_x_result;

/* Evaluates coefficients theta (x->dim) on task `task` of iteration `iter`
 * through the seam (core/net/seam.h): the model's rule parameters with
 * theta written in set on worker `worker`'s net (built at its first
 * evaluation, then reused), the net reset with the evaluation's seed, the
 * inner loop, the loss (the shared model is never written). With r->grad
 * != NULL the exact gradient. A blow-up is not an error: r->blown,
 * r->reason, r->loss = penalty. Results do not depend on the worker.
 * Thread-safe for different workers. errors: MP_EPLUGIN, MP_EINVAL, MP_ENOMEM */
typedef struct mp_x_slots mp_x_slots; /* one reusable net (and scratch) per worker */
int mp_x_slots_new(const mp_experiment *x, size_t n_workers, mp_x_slots **out,
                   mp_error *err);
void mp_x_slots_free(mp_x_slots *s);
int mp_x_evaluate_on(const mp_experiment *x, mp_x_slots *ws, size_t worker,
                     const double *theta, uint64_t iter, uint64_t task, mp_x_result *r,
                     mp_error *err);
/* The same on a net of its own (built and freed: tests, single calls). */
int mp_x_evaluate(const mp_experiment *x, const double *theta, uint64_t iter,
                  uint64_t task, mp_x_result *r, mp_error *err);

/* ---- parallel jobs (pool.c) -------------------------------------------------- */

/* Runs fn(ctx, i, err_i) for i in [0, n) on `threads` threads; returns the
 * error of the lowest failing i (copied into err), MP_OK otherwise. */
int mp_x_parallel(size_t n, int threads, int (*fn)(void *ctx, size_t i, mp_error *e),
                  void *ctx, mp_error *err);
/* The same, fn also getting the index of the worker running job i, in
 * [0, mp_x_workers(n, threads)): no two jobs run at once on one worker. */
int mp_x_parallel_workers(size_t n, int threads,
                          int (*fn)(void *ctx, size_t i, size_t worker, mp_error *e),
                          void *ctx, mp_error *err);
size_t mp_x_workers(size_t n, int threads);

/* ---- Adam (adam.c) ----------------------------------------------------------- */

typedef struct mp_adam {
    size_t n;
    double lr, beta1, beta2, eps;
    const double *lr_per; /* NULL: lr */
    double *m, *v;
    long long t;
} mp_adam;

int mp_adam_init(mp_adam *a, size_t n, double lr, double beta1, double beta2,
                 double eps, const double *lr_per);
void mp_adam_release(mp_adam *a);
/* One step of torch.optim.Adam (defaults: no weight decay, no amsgrad). */
void mp_adam_step(mp_adam *a, double *theta, const double *grad);
/* Scales g so that its Euclidean norm is at most max_norm (0: no-op), as
 * torch.nn.utils.clip_grad_norm_. Returns the norm before clipping. */
double mp_x_clip(double *g, size_t n, double max_norm);

/* ---- central finite differences (fd_grad.c) ----------------------------------- */

/* grad[i] = (f(x + h e_i) - f(x - h e_i)) / 2h, f called 2n times; x is
 * restored. */
typedef double (*mp_x_fn)(void *ctx, const double *x);
void mp_x_fd_grad(mp_x_fn f, void *ctx, double *x, size_t n, double h,
                  double *grad);

/* ---- CMA-ES (cmaes.c) ------------------------------------------------------------ */

typedef struct mp_cmaes {
    size_t n, lambda, mu;
    double *w; /* mu recombination weights, sum 1 */
    double mueff, cc, cs, c1, cmu, damps, chiN;
    double *mean, sigma;
    double *C, *B, *D; /* n x n, n x n (columns: eigenvectors), n (sqrt eig) */
    double *pc, *ps;
    long long counteval, eigeneval, gen;
    double *tmp, *tmp2;
    size_t *idx;
    /* bounds (NULL: none) */
    const double *lo, *hi;
} mp_cmaes;

/* lambda 0: 4 + floor(3 ln n). errors: MP_EINVAL, MP_ENOMEM */
int mp_cmaes_init(mp_cmaes *es, size_t n, const double *mean, double sigma,
                  size_t lambda, mp_error *err);
void mp_cmaes_release(mp_cmaes *es);
/* lambda candidates into X (lambda x n) from a generator seeded with seed;
 * with bounds, a candidate outside is resampled up to 100 times, then
 * clamped. errors: MP_ENOMEM (the generator) */
int mp_cmaes_ask(mp_cmaes *es, uint64_t seed, double *X);
/* Updates the distribution from X and its losses f (lambda). */
int mp_cmaes_tell(mp_cmaes *es, const double *X, const double *f);

/* ---- the run (run.c) --------------------------------------------------------------- */

/* What a run carries from one iteration to the next: what checkpoint.json
 * holds. */
typedef struct mp_x_state {
    const mp_experiment *x;
    size_t n;
    double *theta;
    mp_adam adam;
    mp_cmaes es;
    double *lo, *hi;
    long long iter; /* iterations done */
    double best_loss;
    double *best_theta;
    long long best_iter;
    double last_loss;
} mp_x_state;

/* The run options are the public mp_meta_run_opts (metaplast/meta.h). */

int mp_x_run(const mp_experiment *x, const mp_meta_run_opts *o, mp_error *err);

/* ---- resuming (resume.c) ------------------------------------------------------------ */

/* The experiment file to resume the run in dir with, checked against
 * dir/checkpoint.json before anything is loaded: `given` (the file named on
 * the command line, or NULL) must have the checkpoint's hash; without it the
 * file the checkpoint records is used, and must exist and have that hash.
 * *path is malloc'ed. Messages name the checkpoint, the file and the fix.
 * errors: MP_EIO (no checkpoint, recorded file missing), MP_EINVAL (hash
 * differs, a checkpoint that records no file and none given), MP_EPARSE,
 * MP_ENOMEM */
int mp_x_resume_experiment(const char *dir, const char *given, char **path,
                           mp_error *err);
/* ---- checkpoints (checkpoint.c) ------------------------------------------------------ */

#define MP_X_CHECKPOINT_VERSION 1

struct json_t;
/* Parses a checkpoint's text (path names it in messages) and checks its
 * header: an object of format "metaplast-meta-checkpoint", version
 * MP_X_CHECKPOINT_VERSION, an experiment_hash of 16 hex digits, an
 * "experiment" that is absent or a string. *root is the caller's
 * (json_decref). Messages name path:line:col, the field, the reason and the
 * fix. errors: MP_EPARSE (not JSON), MP_EINVAL, MP_ENOMEM */
int mp_x_checkpoint_parse(const char *text, size_t len, const char *path,
                          struct json_t **root, mp_error *err);
/* Fills s (initialized for its experiment) from a checkpoint's text after
 * checking every field against the experiment and against what its
 * optimizer's state always satisfies (docs/meta.md "checkpoint.json").
 * errors: MP_EPARSE, MP_EINVAL (also: the experiment's hash differs),
 * MP_ENOMEM */
int mp_x_checkpoint_read(mp_x_state *s, const char *text, size_t len,
                         const char *path, mp_error *err);
/* Reads a checkpoint of experiment x from memory, as --resume does with
 * DIR/checkpoint.json before iterating, and drops it: MP_OK when a resume
 * from it would start, else the error (name stands for the file). For the
 * fuzz target and tests; mp_x_run reads the file through the same code.
 * errors: MP_EPARSE, MP_EINVAL, MP_ENOMEM */
int mp_x_checkpoint_load_string(const mp_experiment *x, const char *text,
                                size_t len, const char *name, mp_error *err);

/* The meta-loss (and gradient, by the experiment's method) at the initial
 * point on iteration 0's tasks, as mp_meta_eval_json's text (free with
 * mp_u_free): mp_meta_evaluate at mp_experiment_initial_theta. */
int mp_x_evaluate_initial(const mp_experiment *x, int threads, char **json,
                          mp_error *err);

#endif
