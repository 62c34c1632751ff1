/* metaplast — networks: the state of one simulation of a model.
 *
 * One net per thread; nets share nothing mutable, so several may run in
 * parallel threads from the same model.
 */
#ifndef METAPLAST_NET_H
#define METAPLAST_NET_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "metaplast/model.h"

#include "metaplast/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mp_net mp_net;

/* Instantiates a model: draws connectivity, initial weights and states from
 * streams derived from `seed` alone. The model must outlive the net.
 * Sizes are checked before anything is allocated (docs/kernel.md, "Sizes
 * and limits"): MP_ENOMEM names the population, projection, stimulus or
 * rule that needs more than the memory limit, MP_EINVAL a projection or
 * delay beyond the index limits.
 * alloc: yes | errors: MP_ENOMEM, MP_EINVAL, MP_EPLUGIN */
MP_API int mp_net_new(const mp_model *m, uint64_t seed, mp_net **out, mp_error *err);

MP_API void mp_net_free(mp_net *net);

/* Puts a built net back into the initial state of mp_net_new(m, seed),
 * bit for bit: states, connectivity, weights (rate: W and the feedback B),
 * traces, stimuli, rule states and streams, time (rate: samples seen and
 * the data order) drawn anew from `seed`, with the values given by
 * mp_net_set since. A reset reuses the net's arrays where their sizes do
 * not change (docs/kernel.md "Reset"). Refused with MP_EINVAL while
 * recorders are open (close them first: a reset run would write into the
 * same files); after a failed reset the net must be reset again (or
 * freed) before mp_net_run.
 * errors: MP_EINVAL, MP_ENOMEM, MP_EPLUGIN (a rule's reset hook) */
MP_API int mp_net_reset(mp_net *net, uint64_t seed, mp_error *err);

/* Sets a numeric quantity of a built net, named by the path syntax of
 * --set (docs/cli.md): today a rule parameter,
 *   "projections[NAME].plasticity.params.PARAM" (or projections[INDEX]),
 * one value (n = 1), checked against the rule's bounds (nothing changes
 * when it is outside them). The value takes effect at the next
 * mp_net_reset, which must come before the next mp_net_run (MP_EINVAL
 * otherwise): a new trace time constant rebinds the traces there.
 * Arrays will take n values in this order: a projection's initial weights
 * and feedback weights row-major, rows = postsynaptic neurons (rate: W0 is
 * n_post x n_pre, B as the feedback mode's matrix); per-synapse parameter
 * arrays in synapse order (the weights recorder's "synapse" index).
 * errors: MP_EINVAL (path, count, bounds), MP_ENOMEM */
MP_API int mp_net_set(mp_net *net, const char *path, const double *values, size_t n,
                      mp_error *err);

/* Opens the model's recorders with their files inside directory `outdir`
 * (created if missing). Without this call a net records nothing. A file
 * that is a symbolic link, or lies under one inside outdir, is refused
 * (docs/cli.md "OUTPUT FILES"); a failed write ends mp_net_run with MP_EIO.
 * errors: MP_EIO */
MP_API int mp_net_open_recorders(mp_net *net, const char *outdir, mp_error *err);

/* Progress callback: called about every `every_ms` of simulated time. */
typedef void (*mp_progress_fn)(void *user, double t_ms, double total_ms);

/* Advances the net by duration_ms, rounded to whole steps (round(T / dt):
 * a duration under dt/2, 0 included, does no step and returns MP_OK; the
 * model loader refuses such a model duration, docs/kernel.md).
 * Returns MP_OK, or MP_EUNSTABLE when a rule blew up (NaN/Inf/runaway
 * weights; err says where and when), or another error code. A duration
 * that is negative, not finite, or would bring the net to 2^62 steps or
 * more is refused with MP_EINVAL, nothing simulated.
 * errors: MP_EUNSTABLE, MP_EINVAL, MP_EIO, MP_EPLUGIN */
MP_API int mp_net_run(mp_net *net, double duration_ms, mp_progress_fn progress,
               void *user, mp_error *err);

/* Simulated time so far, ms (0 for a rate network). */
MP_API double mp_net_time(const mp_net *net);

/* Rate networks: samples trained on so far; -1 for a spiking network.
 * (mp_net_run on a rate network trains the rest of training.samples and
 * ignores duration_ms; its progress callback gets samples, not ms.) */
MP_API long long mp_net_samples(const mp_net *net);

/* Spike count of a population or stimulus output by name since t = 0;
 * returns -1 when no such name exists. */
MP_API long long mp_net_spike_count(const mp_net *net, const char *name);

/* Writes summary.json into outdir: "status": "ok", per-population rates
 * and spike counts, the seed, the metaplast version, simulated and wall
 * seconds. Never through a symbolic link (docs/cli.md "OUTPUT FILES").
 * errors: MP_EIO */
MP_API int mp_net_write_summary(const mp_net *net, const char *outdir,
                         double wall_seconds, mp_error *err);

/* The same after a run that failed (mp_net_run, recorders that could not be
 * opened or written): "status": "failed", "error_code" (mp_errname) and
 * "error" (mp_error_format of `failure`), then the fields above with the
 * time (rate networks: samples) reached. failure NULL: reason unknown.
 * errors: MP_EIO */
MP_API int mp_net_write_summary_failed(const mp_net *net, const char *outdir,
                                double wall_seconds, const mp_error *failure,
                                mp_error *err);

/* Closes recorders, flushing their files. */
MP_API int mp_net_close_recorders(mp_net *net, mp_error *err);

#ifdef __cplusplus
}
#endif
#endif
