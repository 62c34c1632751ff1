/* Spike files: replays the spikes read by the loader (m->t ascending, m->id)
 * in the steps that contain their times. A train spikes at most once per
 * step; a second spike of the same train in the same step is dropped. */
#include <math.h>
#include <stdlib.h>

#include "stimuli/stimuli_int.h"
#include "util/util_int.h"

struct mp_s_replay {
    const mp_m_spike_file *m;
    double dt;
    size_t pos;       /* next spike to replay */
    int64_t *stamp;   /* per train: last step it spiked + 1 (0 = never) */
};

int64_t mp_s_step_of_time(double t, double dt)
{
    /* steps cover (n dt, (n+1) dt]; tolerate rounding of t/dt */
    double x = ceil(t / dt - 1e-6) - 1.0;
    return x < 0.0 ? 0 : (int64_t)x;
}

int mp_s_replay_new(const mp_m_spike_file *m, double dt, mp_s_replay **out,
                    mp_error *err)
{
    mp_s_replay *s = mp_u_calloc(1, sizeof *s);
    if (s)
        s->stamp = mp_u_calloc(m->size ? m->size : 1, sizeof *s->stamp);
    if (!s || !s->stamp) {
        mp_s_replay_free(s);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    s->m = m;
    s->dt = dt;
    *out = s;
    return MP_OK;
}

void mp_s_replay_free(mp_s_replay *s)
{
    if (!s)
        return;
    mp_u_free(s->stamp);
    mp_u_free(s);
}

size_t mp_s_replay_step(mp_s_replay *s, int64_t n, uint32_t *out)
{
    const mp_m_spike_file *m = s->m;
    size_t k = 0;
    while (s->pos < m->n_spikes && mp_s_step_of_time(m->t[s->pos], s->dt) <= n) {
        uint32_t id = m->id[s->pos++];
        if (id >= m->size || s->stamp[id] == n + 1)
            continue;
        s->stamp[id] = n + 1;
        out[k++] = id;
    }
    return k;
}
