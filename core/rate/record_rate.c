/* Recorders of rate networks, written at samples_seen = 0 and every
 * `every` samples (docs/rate-networks.md "Recorders"):
 *   accuracy        samples_seen,accuracy,loss on test_samples held-out samples
 *                   (accuracy nan for regression targets)
 *   alignment       samples_seen,alpha_0..alpha_L: angle (deg) between the
 *                   batch means of e_l and e_l^BP (mean first, then the angle;
 *                   a zero vector gives 0, as the authors' NaN -> 0)
 *   orthonormality  samples_seen,E_1..E_L: sum over the batch of
 *                   ||W y_{l-1} - W W^T y_l||^2 (Shervani-Tabar eq. 10/11)
 *   weights         samples_seen,post,pre,w
 *   pc_angle        samples_seen,angle_0..: angle (deg) between row j of W and
 *                   the j-th principal axis, sign ignored
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rate/rate_int.h"
#include "stimuli/dataset_int.h"
#include "util/util_int.h"


void mp_r_evaluate(mp_r_net *net, size_t n, double *acc, double *loss)
{
    const mp_dataset *t = net->m->data.test;
    size_t right = 0;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += mp_r_score(net, t, i, t->label ? t->label[i] : -1, &right);
    /* regression targets: no classes to be right about */
    *acc = t->target ? NAN : n ? (double)right / (double)n : 0.0;
    *loss = n ? sum / (double)n : 0.0;
}

static void alignment(mp_r_net *net, mp_r_rec *r)
{
    const mp_dataset *t = net->m->data.test;
    size_t tot = 0;
    for (size_t k = 0; k < net->nL; k++)
        tot += net->L[k].n;
    double *se = r->acc, *sb = r->acc + tot;
    memset(r->acc, 0, 2 * tot * sizeof(double));
    for (size_t i = 0; i < r->m->test_samples; i++) {
        mp_r_forward(net, t->x + i * t->dim);
        mp_r_target_sample(net, t, i, t->label ? t->label[i] : -1);
        mp_r_output_error(net);
        mp_r_backward(net);
        mp_r_backward_bp(net);
        mp_r_align_add(net, se, sb);
    }
    size_t off = 0;
    for (size_t k = 0; k < net->nL; k++) {
        double d = 0, na = 0, nb = 0;
        for (uint32_t q = 0; q < net->L[k].n; q++) {
            double a = se[off + q], b = sb[off + q];
            d += a * b;
            na += a * a;
            nb += b * b;
        }
        off += net->L[k].n;
        fprintf(r->f, ",%.9g", mp_r_angle_deg(d, na, nb));
    }
}

static void orthonormality(mp_r_net *net, mp_r_rec *r)
{
    const mp_dataset *t = net->m->data.test;
    double *E = r->acc, *u = r->acc + net->nL, *v = u + r->n_cols;
    memset(E, 0, net->nL * sizeof(double));
    for (size_t i = 0; i < r->m->test_samples; i++) {
        mp_r_forward(net, t->x + i * t->dim);
        for (size_t k = 1; k < net->nL; k++) {
            const mp_r_proj *p = &net->P[net->L[k].ff];
            mp_r_gemv_t(p->W, net->L[k].y, u, p->n_post, p->n_pre); /* W^T y_l */
            mp_r_gemv(p->W, u, v, p->n_post, p->n_pre);             /* W W^T y_l */
            mp_r_gemv(p->W, net->L[k - 1].y, u, p->n_post, p->n_pre);
            for (uint32_t q = 0; q < p->n_post; q++)
                E[k] += (u[q] - v[q]) * (u[q] - v[q]);
        }
    }
    for (size_t k = 1; k < net->nL; k++)
        fprintf(r->f, ",%.9g", E[k]);
}

static void pc_angle(mp_r_net *net, mp_r_rec *r)
{
    const mp_r_proj *p = &net->P[r->m->target];
    const double *R = net->m->data.rotation;
    for (uint32_t j = 0; j < p->n_post; j++) {
        const double *w = p->W + (size_t)j * p->n_pre;
        double d = 0, nw = 0;
        for (uint32_t i = 0; i < p->n_pre; i++) {
            d += w[i] * R[(size_t)i * p->n_pre + j];
            nw += w[i] * w[i];
        }
        fprintf(r->f, ",%.9g", mp_r_angle_deg(fabs(d), nw, 1.0));
    }
}

static void write_row(mp_r_net *net, mp_r_rec *r)
{
    const mp_m_recorder *m = r->m;
    if (m->kind == MP_REC_RATE_WEIGHTS) {
        const mp_r_proj *p = &net->P[m->target];
        for (uint32_t a = 0; a < p->n_post; a++)
            for (uint32_t b = 0; b < p->n_pre; b++)
                fprintf(r->f, "%zu,%u,%u,%.17g\n", net->seen, a, b,
                        p->W[(size_t)a * p->n_pre + b]);
        return;
    }
    fprintf(r->f, "%zu", net->seen);
    switch (m->kind) {
    case MP_REC_ACCURACY: {
        double acc, loss;
        mp_r_evaluate(net, m->test_samples, &acc, &loss);
        net->last_acc = acc;
        net->last_loss = loss;
        net->has_eval = 1;
        fprintf(r->f, ",%.9g,%.9g", acc, loss);
        break;
    }
    case MP_REC_ALIGNMENT: alignment(net, r); break;
    case MP_REC_ORTHONORMALITY: orthonormality(net, r); break;
    case MP_REC_PC_ANGLE: pc_angle(net, r); break;
    default: break;
    }
    fputc('\n', r->f);
}

static void header(mp_r_net *net, mp_r_rec *r)
{
    switch (r->m->kind) {
    case MP_REC_ACCURACY: fputs("samples_seen,accuracy,loss", r->f); break;
    case MP_REC_ALIGNMENT:
        fputs("samples_seen", r->f);
        for (size_t k = 0; k < net->nL; k++)
            fprintf(r->f, ",alpha_%zu", k);
        break;
    case MP_REC_ORTHONORMALITY:
        fputs("samples_seen", r->f);
        for (size_t k = 1; k < net->nL; k++)
            fprintf(r->f, ",E_%zu", k);
        break;
    case MP_REC_PC_ANGLE:
        fputs("samples_seen", r->f);
        for (uint32_t j = 0; j < net->P[r->m->target].n_post; j++)
            fprintf(r->f, ",angle_%u", j);
        break;
    default: fputs("samples_seen,post,pre,w", r->f); break;
    }
    fputc('\n', r->f);
}

int mp_r_open_recorders(mp_r_net *net, const char *outdir, mp_error *err)
{
    const mp_model *m = net->m;
    int rc = mp_u_mkdir_p(outdir, err);
    if (rc != MP_OK || m->n_recorders == 0)
        return rc;
    net->recs = mp_u_calloc(m->n_recorders, sizeof *net->recs);
    if (!net->recs)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    net->n_recs = m->n_recorders;
    size_t tot = 0, most = 0;
    for (size_t k = 0; k < net->nL; k++) {
        tot += net->L[k].n;
        most = net->L[k].n > most ? net->L[k].n : most;
    }
    for (size_t i = 0; i < net->n_recs; i++) {
        mp_r_rec *r = &net->recs[i];
        r->m = &m->recorders[i];
        r->n_cols = most;
        r->acc = mp_u_calloc(2 * tot + net->nL + 2 * most, sizeof(double));
        r->path = mp_u_path_join(outdir, r->m->file);
        rc = r->path && r->acc
                 ? mp_u_open_output(outdir, r->m->file, MP_U_OUT_TRUNCATE, &r->f, err)
                 : mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        if (rc != MP_OK)
            return rc;
        header(net, r);
        write_row(net, r);
    }
    return MP_OK;
}

/* A failed write (disk full, file size limit) stops the training there,
 * with the reason, while errno still tells it (the flag is cleared: closing
 * does not report it twice). */
int mp_r_record(mp_r_net *net, mp_error *err)
{
    for (size_t i = 0; i < net->n_recs; i++) {
        mp_r_rec *r = &net->recs[i];
        if (net->seen % r->m->every != 0)
            continue;
        write_row(net, r);
        if (ferror(r->f)) {
            int e = errno;
            clearerr(r->f);
            return mp_u_write_failed(r->path, e, err);
        }
    }
    return MP_OK;
}

int mp_r_close_recorders(mp_r_net *net, mp_error *err)
{
    int rc = MP_OK;
    for (size_t i = 0; i < net->n_recs; i++) {
        mp_r_rec *r = &net->recs[i];
        if (mp_u_close_output(r->f, r->path, err) != MP_OK)
            rc = MP_EIO;
        mp_u_free(r->path);
        mp_u_free(r->acc);
    }
    mp_u_free(net->recs);
    net->recs = NULL;
    net->n_recs = 0;
    return rc;
}
