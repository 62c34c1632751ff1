/* The seam between the meta-layer (core/meta/) and rate networks: the
 * only rate header core/meta/ includes. What the meta-layer can ask of a
 * rate model, without seeing a net:
 *   - an episode's inner loop and query loss, accuracy and alignment
 *     (mp_r_episode_run, episode_run.c);
 *   - the same loss with its exact gradient with respect to the rules'
 *     coefficients through the whole unrolled online inner loop
 *     (Shervani-Tabar & Rosenbaum 2023, Algorithm 1; mp_r_episode_grad,
 *     episode.c and reverse.c, docs/meta-gradients.md);
 *   - the PC distance after unsupervised training (mp_r_pc_distance).
 * Each call here builds its own net from the model and frees it; the
 * meta-layer goes through core/net/seam.h instead, which runs episodes,
 * their exact gradients and the PC distance on a reused, reset net
 * (mp_r_episode_run_net, mp_r_episode_grad_net).
 */
#ifndef MP_RATE_EPISODE_INT_H
#define MP_RATE_EPISODE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "model/model_int.h"
#include "stimuli/dataset_int.h"

/* One episode: a fresh network (W, B drawn from init_seed exactly as
 * mp_net_new(model, init_seed) draws them), trained online on the train
 * samples in the given order, then scored on the query samples. The target
 * of a sample is its row of data->target when the data set has regression
 * targets (sample index -> row; the label arrays are then not read and may
 * be NULL), else the one-hot vector of its label here (which may differ
 * from data->label: remapped task labels). */
typedef struct mp_r_episode {
    const mp_dataset *data;
    const size_t *train;        /* n_train sample indices, online order */
    const int32_t *train_label; /* their labels (output units) */
    size_t n_train;
    const size_t *query;
    const int32_t *query_label;
    size_t n_query;
    uint64_t init_seed;
} mp_r_episode;

/* Label i of an episode's label array, -1 when there is none (targets). */
static inline int32_t mp_r_ep_label(const mp_r_episode *ep, const int32_t *labels,
                                    size_t i)
{
    return ep->data->target || !labels ? -1 : labels[i];
}

/* ---- without gradients (episode_run.c) ---------------------------------- */

/* The episode on a fresh net of m (its rules read m's parameters): online
 * training on the train samples (rule steps from mp_r_backward's errors;
 * training.bp_reference also computes e^BP, as mp_r_train does), then the
 * query set: *loss = mean mp_r_loss (the model's training.loss), *accuracy
 * = fraction whose argmax (first maximum) is the label (NaN for regression
 * targets). With align != NULL and a net of at most max_align layers,
 * align[l] (l < *n_align = the number of layers, else *n_align = 0) =
 * degrees between the query means of e_l (the feedback modes) and e_l^BP
 * (through W), as the alignment recorder computes them. A blow-up (rule,
 * weight guard) returns MP_EUNSTABLE; a non-finite loss is returned as it
 * is. Thread-safe.
 * errors: MP_EUNSTABLE, MP_EPLUGIN, MP_EINVAL, MP_ENOMEM */
int mp_r_episode_run(const mp_model *m, const mp_r_episode *ep, double *loss,
                     double *accuracy, double *align, size_t max_align,
                     size_t *n_align, mp_error *err);

/* pc_distance (Confavreux et al. 2020): a fresh net of m (seed) trained on
 * n_samples of m's data set (mp_r_train: its order, unsupervised or not),
 * then the mean over the rows k < min(n_post, dim) of projection proj's W
 * of 1 - |cos(W_k, u_k)|, u_k the k-th principal axis (column k of
 * m->data.rotation, dim x dim). Thread-safe.
 * errors: MP_EUNSTABLE, MP_EPLUGIN, MP_EINVAL (no rotation, proj out of
 * range), MP_ENOMEM */
int mp_r_pc_distance(const mp_model *m, uint64_t seed, size_t n_samples,
                     size_t proj, double *dist, mp_error *err);

/* ---- exact gradients (episode.c, reverse.c) ------------------------------ */

/* params[j]: the parameter vector (descriptor order) used for projection j's
 * rule instead of the model's (NULL: the model's values; ignored for static
 * projections). Computes the mean query loss after the inner loop (loss:
 * the model's training.loss, cross_entropy or mse, against labels or
 * regression targets, as mp_r_episode_run), the query accuracy (accuracy,
 * may be NULL; NaN for targets) and, when grad != NULL, grad[j][k] =
 * d loss / d params[j][k] for every MP_PARAM_COEF parameter k of
 * projection j's rule (0 for the others; grad[j] may be NULL for
 * projections without a rule). Requires every
 * plastic projection's rule to have a step_vjp; otherwise MP_EPLUGIN
 * naming the rule. A blow-up (NaN/Inf/weight guard) returns MP_EUNSTABLE.
 * Thread-safe for different calls (no shared mutable state).
 * errors: MP_EUNSTABLE, MP_EPLUGIN, MP_EINVAL, MP_ENOMEM */
int mp_r_episode_grad(const mp_model *m, const double *const *params,
                      const mp_r_episode *ep, double *loss, double *accuracy,
                      double **grad, mp_error *err);

/* Variants (flags of mp_r_episode_grad_ex). */
enum mp_r_grad_flag {
    /* symmetric feedback: treat the feedback copy B = W_t as a constant, as
     * the paper's BP baseline does (its code copies W into B with .data).
     * Default (0): B = W_t is differentiated like every other use of W_t,
     * the exact derivative of what the kernel computes. */
    MP_R_DETACH_SYMMETRIC = 1u << 0
};

/* What an episode cost (filled even on error, as far as known). */
typedef struct mp_r_grad_stats {
    size_t checkpoint_every; /* K = ceil(sqrt(n_train)) */
    size_t n_checkpoints;    /* ceil(n_train / K) */
    size_t weight_doubles;   /* doubles of all W together */
    size_t engine_bytes;     /* peak bytes the engine and its net allocate
                                (checkpoints, segment, adjoints, W, B) */
} mp_r_grad_stats;

/* Array meta-parameters of an episode and their exact gradients
 * (mp_r_episode_grad_arr). Every pointer may be NULL, and so may every
 * entry: NULL values are the model's own (drawn from the episode's
 * init_seed), a NULL gradient is not wanted.
 *   W0[j]     projection j's initial weights W_0 (n_post x n_pre,
 *             row-major), instead of the drawn ones;
 *   B[j]      its feedback weights (fixed_random: n_post x n_pre; direct:
 *             n_L x n_pre), instead of the drawn ones;
 *   p_syn[j]  NULL or p_syn[j][k]: one value per synapse (n_post x n_pre)
 *             of parameter k (MP_PARAM_PER_SYNAPSE) of projection j's rule,
 *             instead of its scalar (mp_p_rule_set_param_array; bounds
 *             checked);
 *   gW0[j]    d loss / d W_0 of projection j (the adjoint of W at step 0);
 *   gB[j]     d loss / d B of projection j (zero where the feedback mode
 *             does not read B);
 *   g_syn[j][k]  d loss / d p_syn[j][k] (only where p_syn[j][k] is given;
 *             the scalar's grad[j][k] is then 0);
 *   gain      n_projections feedback gains (e_pre = gain (M^T e) . f'),
 *             instead of the model's feedback.gain;
 *   g_gain    n_projections: d loss / d gain of each projection;
 *   bias[j]   its bias b (n_post; z = W y + b), instead of the model's
 *             (a projection without one gets one);
 *   g_bias[j] d loss / d b (n_post; 0 where b is neither given nor in the model).
 * The caller sizes every array; the engine does not check lengths. */
typedef struct mp_r_grad_arrays {
    const double *const *W0;
    const double *const *B;
    const double *const *const *p_syn;
    double *const *gW0;
    double *const *gB;
    double *const *const *g_syn;
    const double *gain;
    double *g_gain;
    const double *const *bias;
    double *const *g_bias;
} mp_r_grad_arrays;

/* mp_r_episode_grad_ex with arrays (may be NULL: mp_r_episode_grad_ex). */
int mp_r_episode_grad_arr(const mp_model *m, const double *const *params,
                          const mp_r_grad_arrays *arr, const mp_r_episode *ep,
                          double *loss, double *accuracy, double **grad,
                          unsigned flags, mp_r_grad_stats *stats, mp_error *err);

/* mp_r_episode_grad_arr on the caller's net instead of a fresh one (the
 * meta-layer's worker net: no net is built per evaluation). net must be in
 * the initial state of ep->init_seed (mp_r_net_reset) with the arrays it
 * was given (mp_r_net_set_array) in force; arr then carries only gradient
 * outputs (its W0, B, p_syn, gain and bias must be NULL: the net's own are
 * used). The net's weights are trained and replayed: reset it before its
 * next use. */
struct mp_r_net;
int mp_r_episode_grad_net(struct mp_r_net *net, const double *const *params,
                          const mp_r_grad_arrays *arr, const mp_r_episode *ep,
                          double *loss, double *accuracy, double **grad, mp_error *err);

/* mp_r_episode_grad with flags (mp_r_grad_flag bits) and stats (may be NULL). */
int mp_r_episode_grad_ex(const mp_model *m, const double *const *params,
                         const mp_r_episode *ep, double *loss, double *accuracy,
                         double **grad, unsigned flags, mp_r_grad_stats *stats,
                         mp_error *err);

#endif
