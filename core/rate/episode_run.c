/* What the meta-layer asks of a rate model without gradients (the seam,
 * core/net/seam.h): an episode's inner loop and query scores, and the PC
 * distance after unsupervised training, on a net the caller reset
 * (mp_r_episode_run_net, mp_r_pc_distance_net: what the seam calls), or
 * on a net of their own (mp_r_episode_run, mp_r_pc_distance). */
#include <math.h>
#include <string.h>

#include "rate/episode_int.h"
#include "rate/rate_int.h"
#include "util/util_int.h"

int mp_r_episode_check_data(const mp_model *m, const mp_r_episode *ep,
                            const char *what, mp_error *err)
{
    const size_t nL = m->chain.n_order;
    const mp_dataset *ds = ep->data;
    const size_t nin = m->populations[m->chain.order[0]].size;
    const size_t nout = m->populations[m->chain.order[nL - 1]].size;
    if (!ds || ds->dim != nin)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "%s: the data set has dimension %zu, the "
                        "input layer %zu", what, ds ? ds->dim : 0, nin);
    if (ds->target && ds->target_dim != nout)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "%s: the data set %s has %zu regression targets per "
                        "sample, the output layer %zu neurons", what,
                        ds->source ? ds->source : "", ds->target_dim, nout);
    if (ep->n_query == 0)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "%s: the episode has no query samples", what);
    for (int s = 0; s < 2; s++) {
        const size_t *ix = s ? ep->query : ep->train;
        const int32_t *lb = s ? ep->query_label : ep->train_label;
        size_t n = s ? ep->n_query : ep->n_train;
        if (!ds->target && n && !lb)
            return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                            "%s: the %s samples have no labels and the data "
                            "set no regression targets", what, s ? "query" : "train");
        for (size_t i = 0; i < n; i++) {
            int32_t l = mp_r_ep_label(ep, lb, i);
            if (ds->target && ix[i] >= ds->n)
                return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                                "%s: %s sample %zu: index %zu out of range (the "
                                "data set has %zu samples)", what,
                                s ? "query" : "train", i, ix[i], ds->n);
            if (ix[i] >= ds->n || (!ds->target && (l < 0 || (size_t)l >= nout)))
                return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                                "%s: %s sample %zu: index %zu or "
                                "label %d out of range", what,
                                s ? "query" : "train", i, ix[i], (int)l);
        }
    }
    return MP_OK;
}

static int not_rate(const mp_model *m, const char *what, mp_error *err)
{
    if (m->network == MP_NET_RATE && m->chain.n_order >= 2)
        return MP_OK;
    return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                    "%s: the model is not a rate network with layers", what);
}

/* The query set: loss and accuracy; alignment sums into se, sb when se. */
static void query(mp_r_net *net, const mp_r_episode *ep, double *se, double *sb,
                  double *loss, double *accuracy)
{
    const mp_dataset *d = ep->data;
    size_t right = 0;
    double sum = 0.0;
    for (size_t i = 0; i < ep->n_query; i++) {
        sum += mp_r_score(net, d, ep->query[i], mp_r_ep_label(ep, ep->query_label, i),
                          &right);
        if (se) {
            mp_r_output_error(net);
            mp_r_backward(net);
            mp_r_backward_bp(net);
            mp_r_align_add(net, se, sb);
        }
    }
    *loss = sum / (double)ep->n_query;
    *accuracy = d->target ? NAN : (double)right / (double)ep->n_query;
}

int mp_r_episode_run(const mp_model *m, const mp_r_episode *ep, double *loss,
                     double *accuracy, double *align, size_t max_align,
                     size_t *n_align, mp_error *err)
{
    if (n_align)
        *n_align = 0;
    int rc = not_rate(m, "episode", err);
    mp_r_net *net = NULL;
    if (rc == MP_OK)
        rc = mp_r_episode_check_data(m, ep, "episode", err);
    if (rc == MP_OK)
        rc = mp_r_net_new(m, ep->init_seed, &net, err);
    if (rc == MP_OK)
        rc = mp_r_episode_run_net(net, ep, loss, accuracy, align, max_align, n_align,
                                  err);
    mp_r_net_free(net);
    return rc;
}

int mp_r_episode_run_net(mp_r_net *net, const mp_r_episode *ep, double *loss,
                         double *accuracy, double *align, size_t max_align,
                         size_t *n_align, mp_error *err)
{
    const mp_model *m = net->m;
    if (n_align)
        *n_align = 0;
    int rc = not_rate(m, "episode", err);
    if (rc == MP_OK)
        rc = mp_r_episode_check_data(m, ep, "episode", err);
    if (rc != MP_OK)
        return rc;
    const mp_dataset *d = ep->data;
    const int bp = m->training.bp_reference;
    for (size_t i = 0; i < ep->n_train && rc == MP_OK; i++) {
        mp_r_forward(net, d->x + ep->train[i] * d->dim);
        mp_r_target_sample(net, d, ep->train[i], mp_r_ep_label(ep, ep->train_label, i));
        mp_r_output_error(net);
        mp_r_backward(net);
        if (bp)
            mp_r_backward_bp(net);
        net->seen = i; /* the rules' t and the messages' sample, as in
                          mp_r_train and the gradient engine */
        rc = mp_r_plasticity(net, err);
    }
    /* alignment: sums over the query set of e_l and e_l^BP per layer */
    size_t tot = 0;
    double *se = NULL;
    if (rc == MP_OK && align && n_align && net->nL <= max_align) {
        for (size_t k = 0; k < net->nL; k++)
            tot += net->L[k].n;
        if (!(se = mp_u_calloc(2 * tot, sizeof *se)))
            rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                          "out of memory for the alignment sums");
    }
    if (rc == MP_OK) {
        query(net, ep, se, se ? se + tot : NULL, loss, accuracy);
        /* mean over the batch first, then the angle (the mean's 1/nq
         * cancels); a zero vector gives 0, as the authors' NaN -> 0 */
        for (size_t k = 0, off = 0; se && k < net->nL; off += net->L[k++].n) {
            double dd = 0, na = 0, nb = 0;
            for (uint32_t q = 0; q < net->L[k].n; q++) {
                double a = se[off + q], b = se[tot + off + q];
                dd += a * b;
                na += a * a;
                nb += b * b;
            }
            align[k] = mp_r_angle_deg(dd, na, nb);
        }
        if (se)
            *n_align = net->nL;
    }
    mp_u_free(se);
    return rc;
}

int mp_r_pc_distance(const mp_model *m, uint64_t seed, size_t n_samples,
                     size_t proj, double *dist, mp_error *err)
{
    int rc = not_rate(m, "pc_distance", err);
    if (rc != MP_OK)
        return rc;
    if (!m->data.rotation || !m->data.train || proj >= m->n_projections)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "pc_distance: the model has no rotated Gaussian data set "
                        "or no projection %zu", proj);
    mp_r_net *net = NULL;
    rc = mp_r_net_new(m, seed, &net, err);
    if (rc == MP_OK)
        rc = mp_r_pc_distance_net(net, n_samples, proj, dist, err);
    mp_r_net_free(net);
    return rc;
}

int mp_r_pc_distance_net(mp_r_net *net, size_t n_samples, size_t proj, double *dist,
                         mp_error *err)
{
    const mp_model *m = net->m;
    int rc = not_rate(m, "pc_distance", err);
    if (rc != MP_OK)
        return rc;
    if (!net->rotation || !net->train || proj >= m->n_projections)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "pc_distance: the model has no rotated Gaussian data set "
                        "or no projection %zu", proj);
    if ((rc = mp_r_train(net, n_samples, NULL, NULL, err)) != MP_OK)
        return rc;
    /* mean over output rows k of 1 - |cos(W_k, u_k)|, u_k the k-th
     * principal axis (column k of the rotation) */
    const mp_r_proj *p = &net->P[proj];
    const double *R = net->rotation;
    size_t dim = net->train->dim, rows = p->n_post < dim ? p->n_post : dim;
    double s = 0.0;
    for (size_t k = 0; k < rows; k++) {
        double dot = 0.0, nw = 0.0;
        for (size_t i = 0; i < p->n_pre; i++) {
            double w = p->W[k * p->n_pre + i];
            dot += w * R[i * dim + k];
            nw += w * w;
        }
        s += nw > 0 ? 1.0 - fabs(dot) / sqrt(nw) : 1.0;
    }
    *dist = rows ? s / (double)rows : 0.0;
    return MP_OK;
}
