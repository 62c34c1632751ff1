/* metaplast — meta-optimization: experiment files, evaluating a point,
 * running an optimizer, reading its results (docs/meta.md).
 *
 * An experiment names a model, the quantities of it that are free (rule
 * parameters today; docs/meta.md "Free parameters"), the tasks an
 * evaluation runs, the loss, and an optimizer. The free quantities together
 * form one vector theta of mp_experiment_dim() numbers in the optimizer's
 * coordinates: a quantity on a log scale enters as log(value). Everything
 * an evaluation draws derives from (experiment seed, iteration, task), so
 * a result depends on theta and the iteration alone, never on the number of
 * threads.
 *
 * This is what the CLI's `meta` command uses and all it uses; an outside
 * optimizer drives evaluations through mp_meta_evaluate (an ask/tell step).
 */
#ifndef METAPLAST_META_H
#define METAPLAST_META_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "metaplast/model.h"

#include "metaplast/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mp_experiment mp_experiment;

/* ---- loading ----------------------------------------------------------------- */

/* Loads and validates an experiment file and its model. model_sets are n
 * "PATH=VALUE" edits of the experiment's model, as `metaplast run --set`
 * (NULL when n is 0); flags are the MP_LOAD_* flags of model.h. Errors name
 * file:line:col and the JSON path.
 * alloc: yes | errors: MP_EIO, MP_EPARSE, MP_EINVAL, MP_EPLUGIN, MP_ENOMEM */
MP_API int mp_experiment_load(const char *path, const char *const *model_sets,
                              size_t n_sets, unsigned flags, mp_experiment **out,
                              mp_error *err);

/* The same from memory: len bytes of JSON; name stands for the file in
 * messages (NULL: "<string>"); the experiment's "model" path resolves from
 * base_dir (NULL: the current directory). The model is read from its file.
 * alloc: yes | errors: those of mp_experiment_load */
MP_API int mp_experiment_load_string(const char *text, size_t len, const char *name,
                                     const char *base_dir, unsigned flags,
                                     mp_experiment **out, mp_error *err);

MP_API void mp_experiment_free(mp_experiment *x);

/* ---- what it is ---------------------------------------------------------------- */

/* The experiment file as given, and its model: borrowed, valid until
 * mp_experiment_free. */
MP_API const char *mp_experiment_file(const mp_experiment *x);
MP_API const mp_model *mp_experiment_model(const mp_experiment *x);

/* Length of theta: every free quantity's numbers together. */
MP_API size_t mp_experiment_dim(const mp_experiment *x);
/* Number of free quantities (entries of the experiment's "free"). */
MP_API size_t mp_experiment_n_free(const mp_experiment *x);
/* Iterations the optimizer plans, and tasks (evaluations) per iteration. */
MP_API size_t mp_experiment_iterations(const mp_experiment *x);
MP_API size_t mp_experiment_tasks(const mp_experiment *x);

typedef struct mp_free_info {
    const char *name;  /* the name in logs, results and --theta files */
    size_t offset;     /* its numbers are theta[offset .. offset + size) */
    size_t size;
    int log_scale;     /* theta holds log(value) */
    double lo, hi;     /* bounds of the value (-inf / inf: none) */
    double init;       /* the start value */
} mp_free_info;

/* Describes free quantity i (< mp_experiment_n_free). Strings are
 * borrowed. errors: MP_EINVAL (i out of range) */
MP_API int mp_experiment_free_info(const mp_experiment *x, size_t i,
                                   mp_free_info *info, mp_error *err);

/* What an evaluation reports beside the loss: "accuracy" (query accuracy
 * of rate tasks), "rate" (Hz, target_rate losses) or NULL (none). */
MP_API const char *mp_experiment_score_name(const mp_experiment *x);

/* How mp_meta_evaluate computes a gradient for this experiment's optimizer:
 * "exact", "finite_difference", or NULL (CMA-ES: none). */
MP_API const char *mp_experiment_gradient_method(const mp_experiment *x);

/* ---- points -------------------------------------------------------------------- */

/* theta (mp_experiment_dim numbers) at the experiment's start values. */
MP_API void mp_experiment_initial_theta(const mp_experiment *x, double *theta);

/* The value of theta[k] in its quantity's own units (exp on a log scale). */
MP_API double mp_experiment_value(const mp_experiment *x, const double *theta, size_t k);

/* Reads a point from a JSON file: an object {"theta": {NAME: VALUE, ...}}
 * (or a result.json of `metaplast meta`, whose "theta" it takes), VALUE in
 * the quantity's own units (as logs and results show them); for an array
 * the path of a .npy file of its shape, relative to the JSON file. Every free
 * name must be there and no other; each value must lie in its bounds.
 * Messages name the file, line:col, the name and the fix.
 * errors: MP_EIO, MP_EPARSE, MP_EINVAL, MP_ENOMEM */
MP_API int mp_experiment_read_theta(const mp_experiment *x, const char *path,
                                    double *theta, mp_error *err);

/* ---- evaluating a point ---------------------------------------------------------- */

typedef struct mp_meta_eval {
    double loss;       /* task_loss + penalty: what the optimizer minimizes */
    double task_loss;  /* mean over the tasks */
    double penalty;
    double score;      /* mean score (mp_experiment_score_name), NaN if none */
    size_t n_tasks;
    double *task_losses; /* n_tasks, each task's loss (blow-up: the penalty) */
    double *task_scores; /* n_tasks */
    int *task_blown;     /* n_tasks: 1 where the task blew up */
    size_t blowups;
    char reason[256];    /* the first blow-up's message, "" if none */
    /* query_cross_entropy on a rate model: per layer, the angle (degrees)
     * between the query-set means of the model's errors e_l and the
     * backprop errors after the inner loop, mean over the tasks */
    size_t n_alignment;
    double alignment_deg[16];
    /* d loss / d theta (mp_experiment_dim), in the optimizer's coordinates,
     * penalty included; NULL when no gradient was asked for or there is
     * none (CMA-ES experiments) */
    double *grad;
    const char *grad_method; /* "exact", "finite_difference" or NULL */
} mp_meta_eval;

/* Flags of mp_meta_evaluate. */
enum { MP_META_GRADIENT = 1 << 0 };

/* Evaluates theta on the tasks of iteration `iteration` (the tasks the
 * optimizer would draw at that iteration), on `threads` threads (>= 1; the
 * result does not depend on it). With MP_META_GRADIENT the gradient too, by
 * the experiment's method (exact, or central differences with its
 * fd_step: 2 dim more evaluations). A blow-up is not an error (task_blown,
 * reason). The arrays are the library's: mp_meta_eval_release.
 * errors: MP_EINVAL (theta outside the bounds, names the quantity),
 * MP_EPLUGIN, MP_ENOMEM */
MP_API int mp_meta_evaluate(const mp_experiment *x, const double *theta,
                            uint64_t iteration, int threads, unsigned flags,
                            mp_meta_eval *out, mp_error *err);

MP_API void mp_meta_eval_release(mp_meta_eval *e);

/* The evaluation as the JSON text `metaplast meta --evaluate` prints
 * ({"theta", "loss", "task_loss", "penalty", score, "task_losses",
 * "gradient", ...}: docs/meta.md). *json is the library's (mp_free).
 * errors: MP_ENOMEM */
MP_API int mp_meta_eval_json(const mp_experiment *x, const double *theta,
                             const mp_meta_eval *e, char **json, mp_error *err);

/* Writes the evaluation into directory dir (created): evaluation.json (the
 * text of mp_meta_eval_json) and, for every free quantity of more than one
 * number, NAME.npy (its values) and NAME.grad.npy (its gradient), float64
 * in the quantity's shape. Never through a symbolic link (docs/cli.md
 * "OUTPUT FILES"). errors: MP_EIO, MP_ENOMEM */
MP_API int mp_meta_eval_write(const mp_experiment *x, const double *theta,
                              const mp_meta_eval *e, const char *dir, mp_error *err);

/* ---- running the optimizer -------------------------------------------------------- */

/* After every iteration (what log.jsonl records, and a little more). */
typedef struct mp_meta_progress {
    long long iteration;   /* iterations done, this one included */
    size_t iterations;     /* planned */
    double loss;           /* at the point the optimizer stood on */
    double score;          /* NaN when none */
    const char *score_name; /* "acc", "rate" or NULL */
    const double *theta;   /* that point (mp_experiment_dim) */
    double sigma;          /* CMA-ES step size, NaN for Adam */
    size_t blowups;        /* evaluations of this iteration that blew up */
    double seconds;        /* wall time of the iteration */
} mp_meta_progress;

typedef void (*mp_meta_progress_fn)(void *user, const mp_meta_progress *p);
/* One-line notices: what the run is about to do, temporary files a killed
 * run left and that were removed, how it ended. No newline at the end. */
typedef void (*mp_meta_notice_fn)(void *user, const char *line);

typedef struct mp_meta_run_opts {
    const char *out;          /* output directory (created) */
    int threads;              /* >= 1 */
    int resume;               /* continue from out/checkpoint.json */
    long long max_iterations; /* stop after this many in total; < 0: none */
    const char *command;      /* the command that reruns it, for result.json */
    volatile int *stop;       /* set asynchronously (a signal): checkpoint, stop */
    mp_meta_progress_fn progress; /* NULL: none */
    mp_meta_notice_fn notice;     /* NULL: none */
    void *user;
} mp_meta_run_opts;

/* Runs (or with o->resume continues) the optimization: log.jsonl,
 * checkpoint.json after every iteration, result.json at the end, in
 * o->out (docs/meta.md "Output files"). Never prints.
 * errors: MP_EIO, MP_EINVAL, MP_EPARSE (a damaged checkpoint), MP_EPLUGIN,
 * MP_ENOMEM */
MP_API int mp_meta_run(const mp_experiment *x, const mp_meta_run_opts *o, mp_error *err);

/* The experiment file to resume the run in directory dir with, checked
 * against dir/checkpoint.json before anything is loaded: `given` (or NULL)
 * must have the checkpoint's hash; without it the file the checkpoint
 * records. *path is the library's (mp_free).
 * errors: MP_EIO, MP_EINVAL, MP_EPARSE, MP_ENOMEM */
MP_API int mp_meta_resume_experiment(const char *dir, const char *given, char **path,
                                     mp_error *err);

/* ---- reading results ----------------------------------------------------------------- */

typedef struct mp_meta_result {
    long long iterations;      /* done */
    int finished;              /* all planned iterations done */
    double last_loss;
    long long best_iter;       /* -1 when none */
    double best_loss;
    double *theta;             /* where the optimizer stands (dim) */
    double *best_theta;        /* dim */
} mp_meta_result;

/* Reads dir/result.json of a run of x (its points checked against x's free
 * quantities as mp_experiment_read_theta does). Release with
 * mp_meta_result_release. errors: MP_EIO, MP_EPARSE, MP_EINVAL, MP_ENOMEM */
MP_API int mp_meta_read_result(const mp_experiment *x, const char *dir,
                               mp_meta_result *r, mp_error *err);

MP_API void mp_meta_result_release(mp_meta_result *r);

#ifdef __cplusplus
}
#endif
#endif
