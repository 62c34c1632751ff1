/* Rate models: the top level after the common header (data, training,
 * populations and their activations, projections, chain, recorders) and the
 * checks that tie them together (input size = data dim, output size =
 * classes or regression targets). docs/model-format.md "Rate networks" is
 * the reference. */
#include <math.h>
#include <string.h>

#include "model/load_int.h"
#include "stimuli/dataset_int.h"

static int training(mp_m_ctx *c, mp_model *m, const json_t *root)
{
    static const char *const keys[] = {"samples", "order", "loss", "synthetic_e0",
                                       "bp_reference", NULL};
    static const char *const orders[] = {"shuffled", "sequential", NULL};
    static const char *const losses[] = {"cross_entropy", "mse", "none", NULL};
    mp_m_training *t = &m->training;
    json_t *v = json_object_get(root, "training");
    int ord = 0, loss = 0;
    if (!v)
        return mp_m_fail_key(c, "training", MP_EINVAL,
                             "missing required key 'training' (a rate network "
                             "needs at least {\"samples\": N})");
    size_t old = mp_m_push_key(c, "training");
    int rc = mp_m_object(c, v, "training", keys);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "samples", NULL, 0, SIZE_MAX / 2, &t->samples);
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "order", orders, 0, &ord);
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "loss", losses, 0, &loss);
    if (rc == MP_OK)
        rc = mp_m_bool(c, v, "synthetic_e0", 1, &t->synthetic_e0);
    if (rc == MP_OK)
        rc = mp_m_bool(c, v, "bp_reference", 0, &t->bp_reference);
    t->order = (mp_m_order)ord;
    t->loss = (mp_m_loss)loss;
    mp_m_pop(c, old);
    return rc;
}

/* "activation": a name, or {"type": "softplus", "beta": b}. */
static int activation(mp_m_ctx *c, const json_t *pop, mp_m_population *p)
{
    static const char *const names[] = {"linear", "relu",    "sigmoid", "tanh",
                                        "softmax", "softplus", NULL};
    static const char *const keys[] = {"type", "beta", NULL};
    static const double one = 1.0;
    json_t *v = json_object_get(pop, "activation");
    int k = 0, rc = MP_OK;
    p->beta = 1.0;
    if (!v || json_is_string(v)) {
        rc = mp_m_enum(c, pop, "activation", names, 0, &k);
        p->act = (mp_m_act)k;
        return rc;
    }
    size_t old = mp_m_push_key(c, "activation");
    rc = json_is_object(v) ? mp_m_object(c, v, "activation", keys)
                           : mp_m_fail(c, MP_EINVAL,
                                       "expected a name (\"relu\") or "
                                       "{\"type\": \"softplus\", \"beta\": 10}, "
                                       "got %s", mp_m_type_name(v));
    if (rc == MP_OK)
        rc = mp_m_enum(c, v, "type", names, -1, &k);
    p->act = (mp_m_act)k;
    if (rc == MP_OK && k == MP_ACT_SOFTPLUS)
        rc = mp_m_num(c, v, "beta", &one, MP_M_GT(0), NULL, &p->beta);
    else if (rc == MP_OK && json_object_get(v, "beta"))
        rc = mp_m_fail_key(c, "beta", MP_EINVAL,
                           "only a softplus activation has a beta");
    mp_m_pop(c, old);
    return rc;
}

int mp_m_rate_population(mp_m_ctx *c, mp_model *m, size_t i, const json_t *v)
{
    static const char *const keys_in[] = {"name", "size", "model", NULL};
    static const char *const keys[] = {"name", "size", "model", "activation", NULL};
    mp_m_population *p = &m->populations[i];
    const char *name;
    int kind = 0;
    static const char *const models[] = {"lif_cond", "rate_input", "rate", NULL};
    int rc = mp_m_enum(c, v, "model", models, -1, &kind);
    p->model = (mp_m_neuron_kind)kind;
    if (rc == MP_OK)
        rc = mp_m_object(c, v, kind == MP_NEURON_RATE_INPUT ? "rate_input population"
                                                           : "rate population",
                         kind == MP_NEURON_RATE_INPUT ? keys_in : keys);
    if (rc == MP_OK)
        rc = mp_m_name(c, v, "name", &name);
    if (rc == MP_OK)
        rc = mp_m_check_unique(c, m, name, i, 0);
    if (rc == MP_OK && !(p->name = mp_u_strdup(name)))
        rc = mp_m_nomem(c);
    if (rc == MP_OK)
        rc = mp_m_size(c, v, "size", NULL, 1, UINT32_MAX, &p->size);
    if (rc == MP_OK && kind == MP_NEURON_RATE)
        rc = activation(c, v, p);
    if (rc == MP_OK && kind == MP_NEURON_RATE_INPUT) {
        const mp_dataset *d = m->data.train;
        if (d && p->size != d->dim)
            rc = mp_m_fail_key(c, "size", MP_EINVAL,
                               "a rate_input population must have the data "
                               "dimension %zu (%s), got %zu", d->dim, d->source,
                               p->size);
    }
    return rc;
}

/* The output layer of a supervised network spans the classes, or the
 * regression targets (which only mse reads). */
static int check_output(mp_m_ctx *c, const mp_model *m)
{
    const mp_dataset *d = m->data.train;
    size_t out = m->chain.order[m->chain.n_order - 1];
    const mp_m_population *p = &m->populations[out];
    if (m->training.loss == MP_LOSS_NONE)
        return MP_OK;
    if (d->target && m->training.loss != MP_LOSS_MSE) {
        size_t t = mp_m_push_key(c, "training");
        int rc = mp_m_fail_key(c, "loss", MP_EINVAL,
                               "cross_entropy needs class labels; %s has regression "
                               "targets (train_targets): set \"loss\": \"mse\"",
                               d->source);
        mp_m_pop(c, t);
        return rc;
    }
    size_t old = mp_m_push_key(c, "populations"), o = mp_m_push_index(c, out);
    int rc = MP_OK;
    if (d->target && p->size != d->target_dim)
        rc = mp_m_fail_key(c, "size", MP_EINVAL,
                           "the output layer '%s' must have one neuron per regression "
                           "target: %s has %zu target%s per sample (train_targets), "
                           "got %zu", p->name, d->source, d->target_dim,
                           d->target_dim == 1 ? "" : "s", p->size);
    else if (d->target)
        rc = MP_OK;
    else if (!d->label)
        rc = mp_m_fail_key(c, "size", MP_EINVAL,
                           "training.loss needs labelled data; %s has no labels "
                           "(set \"loss\": \"none\")", d->source);
    else if (m->training.loss == MP_LOSS_CROSS_ENTROPY && p->act != MP_ACT_SOFTMAX)
        rc = mp_m_fail_key(c, "activation", MP_EINVAL,
                           "training.loss cross_entropy needs a softmax output "
                           "layer ('%s' is not)", p->name);
    else if (p->size != d->n_classes)
        rc = mp_m_fail_key(c, "size", MP_EINVAL,
                           "the output layer '%s' must have one neuron per class "
                           "(%zu), got %zu", p->name, d->n_classes, p->size);
    mp_m_pop(c, o);
    mp_m_pop(c, old);
    return rc;
}

int mp_m_rate_top_level(mp_m_ctx *c, mp_model *m, const json_t *root)
{
    json_t *arr;
    m->dt = 1.0; /* unused; one "step" is one sample */
    int rc = training(c, m, root);
    if (rc == MP_OK)
        rc = mp_m_rate_data(c, m, root);
    if (rc == MP_OK)
        rc = mp_m_array(c, root, "populations", 0, 1, &arr);
    if (rc == MP_OK)
        rc = mp_m_load_populations(c, m, arr);
    if (rc == MP_OK)
        rc = mp_m_build_sources(c, m);
    if (rc == MP_OK)
        rc = mp_m_array(c, root, "projections", 0, 1, &arr);
    if (rc == MP_OK)
        rc = mp_m_load_projections(c, m, arr);
    if (rc == MP_OK)
        rc = mp_m_rate_chain(c, m);
    if (rc == MP_OK)
        rc = mp_m_rate_rule_needs(c, m);
    if (rc == MP_OK)
        rc = check_output(c, m);
    if (rc == MP_OK)
        rc = mp_m_array(c, root, "recorders", 1, 0, &arr);
    if (rc == MP_OK && arr)
        rc = mp_m_load_recorders(c, m, arr);
    return rc;
}
