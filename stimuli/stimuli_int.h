/* Input sources of spiking nets: Poisson trains, Vogels et al. 2011 input
 * groups, spike files. A stimulus emits, for each time step n (covering
 * [n dt, (n+1) dt]), the indices of the trains of each of its outputs that
 * spike in that step. One random stream per stimulus; no allocation per step.
 */
#ifndef MP_STIMULI_INT_H
#define MP_STIMULI_INT_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"
#include "model/model_int.h"

typedef struct mp_s_stim mp_s_stim;

/* Spare entries at the end of every spike list a stimulus writes into:
 * short lists are copied MP_S_PAD at a time, without a branch on their
 * length. */
#define MP_S_PAD 8

/* Number of outputs of a stimulus: 2 for vogels_groups (exc, inh), else 1. */
size_t mp_s_n_outputs(const mp_m_stimulus *m);

/* Size (number of trains) of output o. */
size_t mp_s_output_size(const mp_m_stimulus *m, size_t o);

/* Creates the state of stimulus m for time step dt (ms), with its random
 * stream seeded from `seed` (a stream seed: mp_u_stream_seed(master,
 * MP_STREAM_STIMULUS, index)). errors: MP_ENOMEM, MP_EINVAL */
int mp_s_new(const mp_m_stimulus *m, double dt, uint64_t seed, mp_s_stim **out,
             mp_error *err);
void mp_s_free(mp_s_stim *s);

/* Emits the spikes of step n (steps must be consecutive, starting at 0):
 * out[o] receives the spiking train indices of output o (capacity: the
 * output's size; each train at most once per step), n_out[o] their count. */
void mp_s_step(mp_s_stim *s, int64_t n, uint32_t *const *out, size_t *n_out);

/* About the bytes mp_s_new allocates for m (saturating at SIZE_MAX), for
 * the size checks made before a net is built (core/kernel/net_sizes.c). */
size_t mp_s_bytes(const mp_m_stimulus *m, double dt);

/* ---- per kind (poisson.c, vogels_groups.c, spike_replay.c) ------------- */

typedef struct mp_s_poisson mp_s_poisson;
int mp_s_poisson_new(const mp_m_poisson *m, double dt, uint64_t seed,
                     mp_s_poisson **out, mp_error *err);
void mp_s_poisson_free(mp_s_poisson *s);
size_t mp_s_poisson_step(mp_s_poisson *s, uint32_t *out);

typedef struct mp_s_vogels mp_s_vogels;
int mp_s_vogels_new(const mp_m_vogels *m, double dt, uint64_t seed,
                    mp_s_vogels **out, mp_error *err);
/* The same, generating `block` steps at a time (mp_s_vogels_new: 64); the
 * spikes do not depend on it (tests/test_stimuli.c checks that). */
int mp_s_vogels_new_blocked(const mp_m_vogels *m, double dt, uint64_t seed, uint32_t block,
                            mp_s_vogels **out, mp_error *err);
void mp_s_vogels_free(mp_s_vogels *s);
size_t mp_s_vogels_bytes(const mp_m_vogels *m, double dt);
/* exc and inh need room for the output's size plus MP_S_PAD. */
void mp_s_vogels_step(mp_s_vogels *s, int64_t n, uint32_t *exc, size_t *n_exc,
                      uint32_t *inh, size_t *n_inh);
/* The group signal F of group g after the last step (for tests). */
double mp_s_vogels_signal(const mp_s_vogels *s, size_t g);

typedef struct mp_s_replay mp_s_replay;
int mp_s_replay_new(const mp_m_spike_file *m, double dt, mp_s_replay **out,
                    mp_error *err);
void mp_s_replay_free(mp_s_replay *s);
size_t mp_s_replay_step(mp_s_replay *s, int64_t n, uint32_t *out);

/* The step that contains time t (ms): steps cover (n dt, (n+1) dt], so a
 * spike recorded at the end of step n (t = (n+1) dt) replays in step n;
 * t <= dt gives step 0. */
int64_t mp_s_step_of_time(double t, double dt);

#endif
