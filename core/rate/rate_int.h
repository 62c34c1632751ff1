/* The rate-network kernel: state of a rate net and the pieces of one online
 * training sample (docs/rate-networks.md: semantics and step order).
 *
 * Layers are kept in chain order (L[0] = the rate_input population, L[nL-1]
 * the output); projection j of the model is P[j]. Every array is allocated
 * once by mp_r_net_new: a sample allocates nothing.
 */
#ifndef MP_RATE_INT_H
#define MP_RATE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metaplast/error.h"
#include "metaplast/net.h"
#include "model/model_int.h"
#include "plugin/rule_instance.h"

/* ---- activation.c -------------------------------------------------------- */

/* y = f(z) for the whole layer (softmax needs all of z). */
void mp_r_act(mp_m_act act, double beta, const double *z, double *y, uint32_t n);
/* One element (elementwise activations only; the lateral solve). */
double mp_r_act1(mp_m_act act, double beta, double z);
/* f'(z) expressed through y = f(z), as the Shervani-Tabar code does
 * (softplus: 1 - exp(-beta y); sigmoid: y (1 - y); tanh: 1 - y^2; relu:
 * y > 0; linear: 1; softmax: its diagonal y (1 - y)). */
void mp_r_act_deriv(mp_m_act act, double beta, const double *y, double *fp,
                    uint32_t n);
/* One element of mp_r_act_deriv: fp = f' through y. */
double mp_r_fp1(mp_m_act act, double beta, double y);
/* Elementwise activations only (softmax's Jacobian is not diagonal: the
 * callers treat it themselves), for the reverse pass:
 * df/dz of exactly what mp_r_act1 computes, at z with y = f(z) (relu: the
 * step, 0 at z = 0; linear: 1); */
double mp_r_act_dz1(mp_m_act act, double beta, double z, double y);
/* and d fp / dy of fp = mp_r_fp1(y) (softplus: beta exp(-beta y); sigmoid
 * and softmax's diagonal: 1 - 2y; tanh: -2y; relu, linear: 0). */
double mp_r_fp_dy1(mp_m_act act, double beta, double y);

/* ---- linalg.c: the hot loops ------------------------------------------- */

/* z = W x, W rows x cols row-major. Fixed summation order (8 partial sums
 * combined pairwise), so every ISA clone gives the same bits. */
void mp_r_gemv(const double *W, const double *x, double *z, uint32_t rows,
               uint32_t cols);
/* out = W^T e (out has cols entries), summed over rows in order. */
void mp_r_gemv_t(const double *W, const double *e, double *out, uint32_t rows,
                 uint32_t cols);
/* a . b with mp_r_gemv's summation order (the reverse-mode loops). */
double mp_r_dot(const double *a, const double *b, uint32_t n);
/* A += a x^T (A rows x cols row-major); rows with a_r == 0 are skipped. */
void mp_r_ger(double *A, const double *a, const double *x, uint32_t rows,
              uint32_t cols);
/* out_t = W^T e (as mp_r_gemv_t) and out_n = W g (as mp_r_gemv), one pass. */
void mp_r_gemv_tn(const double *W, const double *e, double *out_t,
                  const double *g, double *out_n, uint32_t rows, uint32_t cols);
/* Index of the first entry that is NaN or outside [lo, hi], or -1. */
long mp_r_scan(const double *w, size_t n, double lo, double hi);

/* ---- the net -------------------------------------------------------------- */

typedef struct mp_r_layer {
    const mp_m_population *m;
    uint32_t n;
    double *z;   /* total input (incl. lateral) */
    double *y;   /* activations; the sample itself for the input */
    double *e;   /* error dL/dz by the feedback modes (e_0 for the input) */
    double *ebp; /* backprop reference error through W (same f' factors) */
    double *fp;  /* f'(z) expressed through y; for the input, that of the
                    first hidden layer's activation at y_0 (synthetic e_0) */
    size_t ff;   /* projection into this layer (SIZE_MAX for the input) */
    size_t lat;  /* lateral projection or SIZE_MAX */
} mp_r_layer;

typedef struct mp_r_proj {
    const mp_m_projection *m;
    size_t pre, post;        /* positions in the chain */
    uint32_t n_pre, n_post;
    double *W;               /* n_post x n_pre */
    double *B;               /* fixed_random: n_post x n_pre; direct: n_L x
                                n_pre; NULL otherwise */
    double *W0_set, *B_set;  /* the seam's initial W and B (copies; NULL: drawn),
                                used by every reset (mp_r_net_set_array) */
    double *b;               /* bias, n_post: z = W y + b; NULL: none */
    double *b_set;           /* the seam's bias (copy; NULL: the model's) */
    uint32_t b_rows;
    double gain;             /* feedback gain (the model's feedback.gain, or the
                                seam's: mp_r_net_set_array MP_R_ARR_GAIN) */
    const mp_rule_desc *desc; /* rule->desc; NULL: static */
    mp_p_rule *rule;          /* the rule instance; its io is bound to W and
                                 the layers' y and e */
} mp_r_proj;

typedef struct mp_r_rec {
    const mp_m_recorder *m;
    FILE *f;
    char *path; /* outdir/file, for messages */
    size_t n_cols;
    double *acc; /* alignment: sums of e and e^BP per layer */
} mp_r_rec;

typedef struct mp_r_net {
    const mp_model *m;
    uint64_t seed;
    mp_r_layer *L;
    size_t nL;
    mp_r_proj *P;
    size_t nP;
    double *target;  /* target of the current sample (n_L), mp_r_target_* */
    int32_t label;   /* its label; -1 for a regression target */
    double *tmp;     /* scratch, max layer size */
    size_t seen;     /* samples trained on */
    size_t *perm;    /* training order of the current pass */
    gsl_rng *order_rng; /* the permutations */
    mp_r_rec *recs;
    size_t n_recs;
    const struct mp_dataset *train; /* training data: the model's, or the
                                       seam's (mp_seam_set_data) */
    const double *rotation;         /* its principal axes (PCA) or NULL */
    double last_acc, last_loss; /* of the latest accuracy evaluation */
    int has_eval;
    double wall;
} mp_r_net;

/* rate_net.c */
int mp_r_net_new(const mp_model *m, uint64_t seed, mp_r_net **out, mp_error *err);
void mp_r_net_free(mp_r_net *net);
/* Back to the initial state of mp_r_net_new(m, seed), reusing every array:
 * W, B drawn anew, layer vectors zeroed, rules reset, order stream
 * reseeded, no samples seen. Refused (MP_EINVAL) while recorders are open. */
int mp_r_net_reset(mp_r_net *net, uint64_t seed, mp_error *err);
/* Projection j's rule parameters: read, and replaced (mp_p_rule_set_params;
 * in force at once; a reset should follow). MP_EINVAL for a static one. */
const double *mp_r_net_rule_params(const mp_r_net *net, size_t j);
int mp_r_net_set_rule_params(mp_r_net *net, size_t j, const double *p, mp_error *err);
/* Array meta-parameters of projection j (core/net/seam.h,
 * mp_seam_set_array): what = MP_R_ARR_W0 (n_post x n_pre initial weights),
 * MP_R_ARR_B (its feedback weights, b_rows x n_pre) or MP_R_ARR_PARAM
 * (parameter k of its rule per synapse, n_post x n_pre:
 * mp_p_rule_set_param_array) or MP_R_ARR_GAIN (its feedback gain, n = 1,
 * in force at once and kept by resets) or MP_R_ARR_BIAS (its bias, n_post;
 * a projection without one gets one). Copied; v NULL: back to the draw (the
 * scalar). W0 and B are in force from the next reset, which copies them
 * instead of drawing. errors: MP_EINVAL (j, k, n or the projection's
 * feedback mode naming what was expected), MP_ENOMEM */
enum { MP_R_ARR_W0, MP_R_ARR_B, MP_R_ARR_PARAM, MP_R_ARR_GAIN, MP_R_ARR_BIAS };
int mp_r_net_set_array(mp_r_net *net, int what, size_t j, uint32_t k, const double *v,
                       size_t n, mp_error *err);

/* The array `what` of projection j in force now (after mp_r_net_new or a
 * reset: the initial weights W, B, the bias (zeros where none), the gain,
 * or rule parameter k's scalar on every synapse): *n values, copied into v
 * (cap values) unless v is NULL (the size alone). errors: MP_EINVAL (j, k,
 * no feedback weights, cap) */
int mp_r_net_get_array(const mp_r_net *net, int what, size_t j, uint32_t k, double *v,
                       size_t cap, size_t *n, mp_error *err);

/* forward.c: y of every layer for input x (dim values). */
void mp_r_forward(mp_r_net *net, const double *x);

/* errors.c */
/* The target of the current sample, net->target (n_L values): the one-hot
 * vector of label (net->label = label; a label outside the layer gives
 * zeros), or, when d has regression targets, row idx of d->target
 * (net->label = -1; target_dim = n_L, checked at load and per episode). */
void mp_r_target_label(mp_r_net *net, int32_t label);
void mp_r_target_sample(mp_r_net *net, const struct mp_dataset *d, size_t idx,
                        int32_t label);
/* Loss of the current forward pass against net->target (cross_entropy:
 * -log y_L[net->label]; mse: 0.5 sum (y_L - target)^2), and e_L = dL/dz_L
 * (mse: (y_L - target) . f'(z_L), softmax through its full Jacobian). */
double mp_r_loss(const mp_r_net *net);
void mp_r_output_error(mp_r_net *net);
/* e of every layer below the output by the projections' feedback modes
 * (and e_0 when synthetic_e0). */
void mp_r_backward(mp_r_net *net);
/* ebp of every layer: e_L propagated through W with the same f'. */
void mp_r_backward_bp(mp_r_net *net);
/* Forward pass of sample idx of d, its target (mp_r_target_sample), then,
 * for a labelled sample, *right += whether the argmax of y_L (first
 * maximum) is the label (label must be a valid unit); returns mp_r_loss. */
double mp_r_score(mp_r_net *net, const struct mp_dataset *d, size_t idx,
                  int32_t label, size_t *right);
/* Alignment sums: after mp_r_backward and mp_r_backward_bp of a sample,
 * se += e and sb += e^BP of every layer (chain order, layer after layer). */
void mp_r_align_add(const mp_r_net *net, double *se, double *sb);
/* Degrees between two vectors from their dot product and squared norms;
 * 0 when either norm is not positive (zero or NaN). */
double mp_r_angle_deg(double dot, double na, double nb);

/* mp_r_episode_run and mp_r_pc_distance on a net already reset (to
 * ep->init_seed, or to the seed of the PC distance): what the seam's
 * episode and pc_distance do (episode_run.c). */
struct mp_r_episode;
int mp_r_episode_run_net(mp_r_net *net, const struct mp_r_episode *ep, double *loss,
                         double *accuracy, double *align, size_t max_align,
                         size_t *n_align, mp_error *err);
int mp_r_pc_distance_net(mp_r_net *net, size_t n_samples, size_t proj, double *dist,
                         mp_error *err);

/* plasticity.c: every rule's step from the same pre-update quantities, then
 * the guard checks. MP_EUNSTABLE / MP_EPLUGIN with a message. */
int mp_r_plasticity(mp_r_net *net, mp_error *err);

/* episode_run.c: checks of an episode's data set and samples against m
 * (what: the message's prefix). errors: MP_EINVAL */
struct mp_r_episode;
int mp_r_episode_check_data(const mp_model *m, const struct mp_r_episode *ep,
                            const char *what, mp_error *err);

/* train.c */
int mp_r_train(mp_r_net *net, size_t n, mp_progress_fn progress, void *user,
               mp_error *err);

/* record_rate.c */
int mp_r_open_recorders(mp_r_net *net, const char *outdir, mp_error *err);
int mp_r_record(mp_r_net *net, mp_error *err); /* after each sample */
int mp_r_close_recorders(mp_r_net *net, mp_error *err);
/* Accuracy and mean loss on the first n test samples (accuracy NaN when
 * the test set has regression targets instead of labels). */
void mp_r_evaluate(mp_r_net *net, size_t n, double *acc, double *loss);

/* summary_rate.c: the fields of a rate run's summary.json, added to root
 * (core/kernel/summary.c writes the file). */
struct json_t;
void mp_r_summary_fields(mp_r_net *net, struct json_t *root, double wall_seconds);

#endif
