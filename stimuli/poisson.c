/* Homogeneous Poisson trains: each train spikes in a step with probability
 * p = rate dt (a Bernoulli process, at most one spike per train per step).
 *
 * All trains and steps form one long Bernoulli sequence (step-major), walked
 * by geometric skipping: the gap to the next success is floor(ln u / ln(1-p)).
 * The cost is one uniform and one log per spike, nothing per train per step.
 */
#include <math.h>
#include <stdlib.h>

#include "stimuli/stimuli_int.h"
#include "util/fastmath.h"
#include "util/log_table.h"
#include "util/xoshiro.h"
#include "util/util_int.h"

struct mp_s_poisson {
    mp_xo rng;
    int64_t size;
    double inv_q;  /* 1 / ln(1 - p); 0 when p >= 1 */
    int never;     /* p <= 0 */
    int64_t next;  /* index of the next success, relative to this step's start */
};

/* Failures before the next success, for 1/ln(1-p) = inv_q (< 0). */
static int64_t gap(mp_xo *r, double inv_q)
{
    if (inv_q == 0.0)
        return 0;
    double g = floor(mp_log_table(mp_xo_uniform_pos(r)) * inv_q); /* same bits on every CPU */
    return g < 4e18 ? (int64_t)g : (int64_t)4e18;
}

int mp_s_poisson_new(const mp_m_poisson *m, double dt, uint64_t seed,
                     mp_s_poisson **out, mp_error *err)
{
    mp_s_poisson *s = mp_u_calloc(1, sizeof *s);
    if (!s)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    mp_xo_seed(&s->rng, seed);
    double p = m->rate * dt * 1e-3;
    s->size = (int64_t)m->size;
    s->never = !(p > 0.0);
    s->inv_q = p >= 1.0 ? 0.0 : 1.0 / mp_log1p(-p);
    s->next = s->never ? INT64_MAX : gap(&s->rng, s->inv_q);
    *out = s;
    return MP_OK;
}

void mp_s_poisson_free(mp_s_poisson *s)
{
    if (!s)
        return;
    mp_u_free(s);
}

size_t mp_s_poisson_step(mp_s_poisson *s, uint32_t *out)
{
    if (s->never || s->size == 0)
        return 0;
    size_t k = 0;
    int64_t next = s->next;
    while (next < s->size) {
        out[k++] = (uint32_t)next;
        next += 1 + gap(&s->rng, s->inv_q);
    }
    s->next = next - s->size;
    return k;
}
