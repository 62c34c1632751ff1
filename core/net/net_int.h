/* The common front of networks (docs/kernel.md "Networks: the front"):
 * the public mp_net is a kind-neutral handle over one backend network,
 * a spiking net (core/kernel/, mp_k_net) or a rate net (core/rate/,
 * mp_r_net), reached through the small table of operations below. The
 * front dispatches and checks arguments; it knows no backend's layout, and
 * the backends know nothing of each other (tests/include_rules.cmake).
 * A new backend (float32, GPU, remote) fills one mp_n_ops.
 */
#ifndef MP_NET_INT_H
#define MP_NET_INT_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "metaplast/net.h"
#include "model/model_int.h"

struct json_t;
struct mp_dataset;
struct mp_r_episode;
struct mp_seam_array_grads;

typedef struct mp_n_ops {
    const char *kind; /* "spiking", "rate": for messages */
    int (*create)(const mp_model *m, uint64_t seed, void **impl, mp_error *err);
    void (*destroy)(void *impl);
    int (*run)(void *impl, double duration_ms, mp_progress_fn progress, void *user,
               mp_error *err);
    double (*time)(const void *impl);             /* ms; 0 without time */
    long long (*samples)(const void *impl);       /* -1 without samples */
    long long (*spike_count)(const void *impl, const char *name);
    int (*open_recorders)(void *impl, const char *outdir, mp_error *err);
    int (*close_recorders)(void *impl, mp_error *err);
    /* the backend's fields of summary.json, added to root */
    void (*summary_fields)(void *impl, struct json_t *root, double wall_seconds);
    /* back to the initial state of create(m, seed) (mp_net_reset) */
    int (*reset)(void *impl, uint64_t seed, mp_error *err);
    /* projection j's rule parameters (desc order; NULL: static) and their
     * replacement (checked against the rule's bounds) */
    const double *(*rule_params)(const void *impl, size_t j);
    int (*set_rule_params)(void *impl, size_t j, const double *p, mp_error *err);
    /* the seam's inner loops (core/net/seam.h); NULL: not offered */
    int (*set_data)(void *impl, const struct mp_dataset *train, const double *rotation,
                    mp_error *err);
    int (*episode)(void *impl, const struct mp_r_episode *ep, double *loss,
                   double *accuracy, double *align, size_t max_align, size_t *n_align,
                   mp_error *err);
    int (*episode_grad)(void *impl, const double *const *params,
                        const struct mp_seam_array_grads *ag,
                        const struct mp_r_episode *ep, double *loss, double *accuracy,
                        double **grad, mp_error *err);
    int (*pc_distance)(void *impl, size_t n_samples, size_t proj, double *dist,
                       mp_error *err);
    /* array meta-parameters (mp_seam_set_array; what: enum mp_seam_array) */
    int (*set_array)(void *impl, int what, size_t j, uint32_t k, const double *v,
                     size_t n, mp_error *err);
    int (*get_array)(const void *impl, int what, size_t j, uint32_t k, double *v,
                     size_t cap, size_t *n, mp_error *err);
} mp_n_ops;

extern const mp_n_ops mp_k_ops; /* core/kernel/ops.c */
extern const mp_n_ops mp_r_ops; /* core/rate/ops.c */

struct mp_net {
    const mp_model *m;
    const mp_n_ops *ops;
    void *impl;
    int recording; /* recorders open (mp_net_open_recorders .. close) */
    int pending;   /* mp_net_set since the last reset: mp_net_run refuses */
};

/* The backend net of a front (tests and the backends' own callers). */
static inline void *mp_n_impl(const mp_net *net) { return net ? net->impl : NULL; }

#endif
