/* The online loop: one sample per step (docs/rate-networks.md "Step order"):
 * pick the sample -> forward -> its target (label or regression target),
 * e_L, errors upstream (and e^BP when
 * training.bp_reference) -> every rule's step from these pre-update
 * quantities -> guard -> recorders. Samples beyond the training set cycle
 * through fresh permutations (shuffled) or the set order (sequential). */
#include <gsl/gsl_rng.h>

#include "rate/rate_int.h"
#include "stimuli/dataset_int.h"
#include "util/util_int.h"

static void next_pass(mp_r_net *net, size_t n)
{
    for (size_t i = 0; i < n; i++)
        net->perm[i] = i;
    if (net->m->training.order != MP_ORDER_SHUFFLED)
        return;
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)gsl_rng_uniform_int(net->order_rng, i);
        size_t t = net->perm[i - 1];
        net->perm[i - 1] = net->perm[j];
        net->perm[j] = t;
    }
}

int mp_r_train(mp_r_net *net, size_t n, mp_progress_fn progress, void *user,
               mp_error *err)
{
    const mp_dataset *d = net->train;
    const mp_m_training *tr = &net->m->training;
    const size_t end = net->seen + n, every = n / 100 ? n / 100 : 1;
    double t0 = mp_u_wall_seconds();
    int rc = MP_OK;
    for (size_t j = 0; j < net->nP; j++) /* a run reports its own messages */
        if (net->P[j].rule)
            mp_error_clear(&net->P[j].rule->err);
    while (net->seen < end && rc == MP_OK) {
        size_t pos = net->seen % d->n;
        if (pos == 0)
            next_pass(net, d->n);
        size_t idx = net->perm[pos];
        mp_r_forward(net, d->x + idx * d->dim);
        if (tr->loss != MP_LOSS_NONE) {
            mp_r_target_sample(net, d, idx, d->label ? d->label[idx] : -1);
            mp_r_output_error(net);
            mp_r_backward(net);
            if (tr->bp_reference)
                mp_r_backward_bp(net);
        }
        rc = mp_r_plasticity(net, err);
        if (rc != MP_OK)
            break;
        net->seen++;
        if (net->recs)
            rc = mp_r_record(net, err);
        if (progress && (net->seen % every == 0))
            progress(user, (double)net->seen, (double)end);
    }
    net->wall += mp_u_wall_seconds() - t0;
    return rc;
}
