/* What a rate rule reads that not every network provides (mp_rule_need,
 * rule.h), checked once the chain is known, so that a model which cannot
 * give a rule its errors is refused at load time, at the projection's
 * plasticity, instead of failing (or reading zeros) at the first step.
 *
 * e_post and e_pre, the errors of a projection's target and source
 * layers, exist when the model has a loss and are nonzero only where an
 * error reaches the layer: s is the output layer, or the feedforward projection out of
 * s carries errors back (feedback not "none") from a layer they reach
 * (direct feedback takes them from the output), and, for the input layer,
 * training.synthetic_e0 asks for e_0 at all (core/rate/backward.c). */
#include "model/load_int.h"

/* Position of population p in the chain, or SIZE_MAX. */
static size_t chain_pos(const mp_model *m, size_t p)
{
    for (size_t k = 0; k < m->chain.n_order; k++)
        if (m->chain.order[k] == p)
            return k;
    return SIZE_MAX;
}

/* Whether an error reaches chain position k; why gets the reason if not. */
static int error_reaches(const mp_model *m, size_t k, const char **why)
{
    const size_t last = m->chain.n_order - 1;
    if (m->training.loss == MP_LOSS_NONE) {
        *why = "the model has no loss (training.loss is \"none\")";
        return 0;
    }
    if (k == last)
        return 1;
    if (k == 0 && !m->training.synthetic_e0) {
        *why = "it is the input layer and training.synthetic_e0 is false";
        return 0;
    }
    const mp_m_projection *out = &m->projections[m->chain.ff_into[m->chain.order[k + 1]]];
    if (out->feedback == MP_FB_NONE) {
        *why = "the projection out of it has \"feedback\": \"none\"";
        return 0;
    }
    return out->feedback == MP_FB_DIRECT || error_reaches(m, k + 1, why);
}

int mp_m_rate_rule_needs(mp_m_ctx *c, const mp_model *m)
{
    int rc = MP_OK;
    size_t old = mp_m_push_key(c, "projections");
    for (size_t j = 0; j < m->n_projections && rc == MP_OK; j++) {
        const mp_m_projection *p = &m->projections[j];
        if (!p->plasticity)
            continue;
        const mp_rule_desc *d = p->plasticity->plugin->desc;
        uint32_t need = d->needs_of ? d->needs_of(p->plasticity->params) & d->needs
                                    : d->needs;
        size_t o = mp_m_push_index(c, j);
        const size_t pre = m->sources[p->source].index;
        const char *why = NULL;
        if ((need & MP_NEED_E_POST) && !error_reaches(m, chain_pos(m, p->target), &why))
            rc = mp_m_fail_key(c, "plasticity", MP_EINVAL,
                               "rule '%s' with these parameters reads the "
                               "postsynaptic error e_post, but no error reaches "
                               "population '%s': %s; change that, or use "
                               "parameters or a rule that need no error",
                               d->name, m->populations[p->target].name, why);
        else if ((need & MP_NEED_E_PRE) && !error_reaches(m, chain_pos(m, pre), &why))
            rc = mp_m_fail_key(c, "plasticity", MP_EINVAL,
                               "rule '%s' with these parameters reads the "
                               "presynaptic error e_pre, but no error reaches "
                               "population '%s': %s; change that, or use "
                               "parameters or a rule that need no e_pre",
                               d->name, m->populations[pre].name, why);
        mp_m_pop(c, o);
    }
    mp_m_pop(c, old);
    return rc;
}
