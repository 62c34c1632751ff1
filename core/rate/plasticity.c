/* The plasticity step of one sample: every plastic projection's step hook,
 * all reading the same pre-update activations and errors (a hook writes
 * only its own W), then the guard: NaN, Inf or |w| outside weight_guard
 * ends the run with MP_EUNSTABLE naming projection, rule and sample. */
#include "rate/rate_int.h"
#include "util/util_int.h"

static int failed(mp_r_net *net, const mp_r_proj *p, int r, mp_error *err)
{
    const mp_error *said = &p->rule->err; /* what the hook told host->error */
    if (r > 0)
        return mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                        "projection '%s' (rule %s): step reported a blow-up "
                        "(code %d) at sample %zu%s%s", p->m->name, p->desc->name, r,
                        net->seen + 1, said->text[0] ? ": " : "", said->text);
    if (said->text[0])
        return mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL, "%s (in step at sample %zu)",
                        said->text, net->seen + 1);
    return mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                    "projection '%s' (rule %s): step returned %d at sample %zu",
                    p->m->name, p->desc->name, r, net->seen + 1);
}

int mp_r_plasticity(mp_r_net *net, mp_error *err)
{
    for (size_t j = 0; j < net->nP; j++) {
        mp_r_proj *p = &net->P[j];
        if (!p->desc)
            continue;
        p->rule->rio.t = (double)(net->seen + 1);
        int r = p->desc->step(&p->rule->rio);
        if (r != 0)
            return failed(net, p, r, err);
    }
    for (size_t j = 0; j < net->nP; j++) {
        mp_r_proj *p = &net->P[j];
        if (!p->desc)
            continue;
        if (p->m->lateral) /* keep it strictly lower triangular */
            for (uint32_t a = 0; a < p->n_post; a++)
                for (uint32_t b = a; b < p->n_pre; b++)
                    p->W[(size_t)a * p->n_pre + b] = 0.0;
        size_t n = (size_t)p->n_pre * p->n_post;
        long k = mp_r_scan(p->W, n, p->m->w_min, p->m->w_max);
        if (k >= 0)
            return mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                            "projection '%s' (rule %s): weight [%lu][%lu] = %g is "
                            "%s after sample %zu (weight_guard [%g, %g])",
                            p->m->name, p->desc->name,
                            (unsigned long)((size_t)k / p->n_pre),
                            (unsigned long)((size_t)k % p->n_pre), p->W[k],
                            p->W[k] != p->W[k] ? "NaN" : "outside the guard",
                            net->seen + 1, p->m->w_min, p->m->w_max);
    }
    return MP_OK;
}
