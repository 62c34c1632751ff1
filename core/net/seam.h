/* The seam: the one interface between the meta-layer (core/meta/) and any
 * network (docs/meta.md "Evaluation flow"). An evaluation is
 *     set meta-parameters -> reset(seed) -> run the inner loop -> read the
 *     loss (and, where exact, its gradient)
 * on a net the meta-layer keeps (one per worker thread) and reuses; it
 * never sees a backend's layout and never rebuilds the net. A backend
 * (the spiking kernel, the rate kernel, a future float32, GPU or remote
 * one) implements exactly the operations of mp_n_ops (core/net/net_int.h)
 * that these functions dispatch to; an operation a backend lacks answers
 * MP_EINVAL naming the network kind.
 *
 * An episode (rate/episode_int.h, mp_r_episode) describes data only: the
 * data set, the train and query samples and their labels, a seed.
 */
#ifndef MP_NET_SEAM_H
#define MP_NET_SEAM_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "metaplast/net.h"

struct mp_dataset;
struct mp_r_episode;

/* Meta-parameters: projection j's rule parameters (all of them, in the
 * descriptor's order), checked against the rule's bounds. In force from the
 * next mp_seam_reset, which must come before the inner loop.
 * errors: MP_EINVAL (static projection, a value outside the bounds), MP_ENOMEM */
int mp_seam_set_rule_params(mp_net *net, size_t j, const double *p, mp_error *err);

/* Array meta-parameters of projection j (rate nets), in force from the next
 * mp_seam_reset, which then uses them instead of drawing:
 *   MP_SEAM_W0     its initial weights W_0, n_post x n_pre row-major;
 *   MP_SEAM_B      its feedback weights B (fixed_random: n_post x n_pre;
 *                  direct: n_L x n_pre);
 *   MP_SEAM_PARAM  parameter k of its rule (MP_PARAM_PER_SYNAPSE), one
 *                  value per synapse, n_post x n_pre (a per-neuron array is
 *                  expanded by the caller), checked against the bounds;
 *   MP_SEAM_GAIN   its feedback gain (n = 1; e_pre = gain (M^T e) . f'),
 *                  in force at once and kept by resets;
 *   MP_SEAM_BIAS   its bias b (n_post; z = W y + b), also on a projection
 *                  whose model has none.
 * v is copied; v NULL goes back to the draw (the scalar).
 * errors: MP_EINVAL (a spiking net, j, k, n, no feedback weights), MP_ENOMEM */
enum mp_seam_array { MP_SEAM_W0, MP_SEAM_B, MP_SEAM_PARAM, MP_SEAM_GAIN, MP_SEAM_BIAS };
int mp_seam_set_array(mp_net *net, enum mp_seam_array what, size_t j, uint32_t k,
                      const double *v, size_t n, mp_error *err);

/* The array `what` of projection j in force now (after mp_net_new or a
 * reset: the initial weights W_0 and B as drawn or set, the bias (zeros
 * where none), the gain, or rule parameter k's scalar on every synapse):
 * *n values into v (room for cap) unless v is NULL (the size alone).
 * errors: MP_EINVAL (a spiking net, j, k, no feedback weights, cap) */
int mp_seam_get_array(const mp_net *net, enum mp_seam_array what, size_t j, uint32_t k,
                      double *v, size_t cap, size_t *n, mp_error *err);
/* Where mp_seam_episode_grad_arrays writes the gradients with respect to
 * the arrays set (entries NULL: not wanted): gW0[j] (n_post x n_pre), gB[j]
 * (B's shape), g_syn[j][k] (per-synapse parameter k; only where one is
 * set). */
typedef struct mp_seam_array_grads {
    double *const *gW0;
    double *const *gB;
    double *const *const *g_syn;
    double *g_gain; /* n_projections: d loss / d feedback gain */
    double *const *g_bias; /* g_bias[j]: d loss / d b_j (n_post) */
} mp_seam_array_grads;

/* The training data set of the evaluations that follow (rate nets; PCA
 * tasks draw one per evaluation): train (same dimension and size as the
 * model's) and its rotation (dim x dim, may be NULL), borrowed until the
 * next call; NULL, NULL: the model's own. errors: MP_EINVAL */
int mp_seam_set_data(mp_net *net, const struct mp_dataset *train,
                     const double *rotation, mp_error *err);

/* Back to the initial state of mp_net_new(model, seed) with the
 * meta-parameters set since (= mp_net_reset). */
int mp_seam_reset(mp_net *net, uint64_t seed, mp_error *err);

/* Inner loops and their losses. The net must have been reset (for an
 * episode: with ep->init_seed). A blow-up returns MP_EUNSTABLE.
 *   spiking: mp_net_run and mp_net_spike_count (include/metaplast/net.h);
 *   episode: online training on ep's train samples, then the query set:
 *     *loss, *accuracy and the alignment angles (rate/episode_int.h,
 *     mp_r_episode_run);
 *   episode_grad: the same loss with its exact gradient with respect to
 *     the rules' coefficients params[j] (mp_r_episode_grad; params[j]
 *     replace the net's values for this call);
 *   pc_distance: n_samples of training (mp_net_run's order) on the data
 *     set, then the PC distance of projection proj (mp_r_pc_distance). */
int mp_seam_episode(mp_net *net, const struct mp_r_episode *ep, double *loss,
                    double *accuracy, double *align, size_t max_align,
                    size_t *n_align, mp_error *err);
int mp_seam_episode_grad(mp_net *net, const double *const *params,
                         const struct mp_r_episode *ep, double *loss,
                         double *accuracy, double **grad, mp_error *err);
/* mp_seam_episode_grad that also uses the net's arrays (mp_seam_set_array)
 * and writes their gradients into ag (may be NULL). */
int mp_seam_episode_grad_arrays(mp_net *net, const double *const *params,
                                const mp_seam_array_grads *ag,
                                const struct mp_r_episode *ep, double *loss,
                                double *accuracy, double **grad, mp_error *err);
int mp_seam_pc_distance(mp_net *net, size_t n_samples, size_t proj, double *dist,
                        mp_error *err);

#endif
