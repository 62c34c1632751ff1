/* Stimulus dispatch: one mp_s_stim per model stimulus, whatever its kind. */
#include <stdlib.h>

#include "stimuli/stimuli_int.h"
#include "util/util_int.h"

struct mp_s_stim {
    mp_m_stim_kind kind;
    mp_s_poisson *poisson;
    mp_s_vogels *vogels;
    mp_s_replay *replay;
};

size_t mp_s_n_outputs(const mp_m_stimulus *m)
{
    return m->kind == MP_STIM_VOGELS_GROUPS ? 2 : 1;
}

size_t mp_s_output_size(const mp_m_stimulus *m, size_t o)
{
    switch (m->kind) {
    case MP_STIM_POISSON: return m->poisson.size;
    case MP_STIM_VOGELS_GROUPS:
        return m->vogels.n_groups *
               (o == MP_OUT_INH ? m->vogels.inh_per_group : m->vogels.exc_per_group);
    case MP_STIM_SPIKE_FILE: return m->file.size;
    }
    return 0;
}

size_t mp_s_bytes(const mp_m_stimulus *m, double dt)
{
    switch (m->kind) {
    case MP_STIM_POISSON: return sizeof(mp_s_poisson *); /* no per-train state */
    case MP_STIM_VOGELS_GROUPS: return mp_s_vogels_bytes(&m->vogels, dt);
    case MP_STIM_SPIKE_FILE: return mp_u_size_mul(m->file.size, sizeof(int64_t));
    }
    return 0;
}

int mp_s_new(const mp_m_stimulus *m, double dt, uint64_t seed, mp_s_stim **out,
             mp_error *err)
{
    *out = NULL;
    mp_s_stim *s = mp_u_calloc(1, sizeof *s);
    if (!s)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                        "stimulus '%s': out of memory", m->name);
    s->kind = m->kind;
    int rc = MP_EINVAL;
    mp_error e; /* the generators' errors, to be prefixed with the name */
    mp_error_clear(&e);
    switch (m->kind) {
    case MP_STIM_POISSON:
        rc = mp_s_poisson_new(&m->poisson, dt, seed, &s->poisson, &e);
        break;
    case MP_STIM_VOGELS_GROUPS:
        rc = mp_s_vogels_new(&m->vogels, dt, seed, &s->vogels, &e);
        break;
    case MP_STIM_SPIKE_FILE:
        rc = mp_s_replay_new(&m->file, dt, &s->replay, &e);
        break;
    }
    if (rc != MP_OK) {
        mp_s_free(s);
        return mp_u_err(err, rc, e.file[0] ? e.file : NULL, e.line, e.column,
                        e.path[0] ? e.path : NULL, "stimulus '%s': %s", m->name, e.text);
    }
    *out = s;
    return MP_OK;
}

void mp_s_free(mp_s_stim *s)
{
    if (!s)
        return;
    mp_s_poisson_free(s->poisson);
    mp_s_vogels_free(s->vogels);
    mp_s_replay_free(s->replay);
    mp_u_free(s);
}

void mp_s_step(mp_s_stim *s, int64_t n, uint32_t *const *out, size_t *n_out)
{
    switch (s->kind) {
    case MP_STIM_POISSON: n_out[0] = mp_s_poisson_step(s->poisson, out[0]); break;
    case MP_STIM_VOGELS_GROUPS:
        mp_s_vogels_step(s->vogels, n, out[0], &n_out[0], out[1], &n_out[1]);
        break;
    case MP_STIM_SPIKE_FILE: n_out[0] = mp_s_replay_step(s->replay, n, out[0]); break;
    }
}
