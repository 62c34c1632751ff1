/* Recorders: CSV files with a header line, large stdio buffers, "%.9g".
 *   spikes  t_ms,neuron                 (t = end of the step of the spike)
 *   state   t_ms,neuron[,V][,g_ex][,g_in]  every interval, from t = now
 *   weights t_ms,synapse,pre,post,w     every interval, from t = now
 *   rate    t_start_ms,t_end_ms,rate_hz population mean rate per window */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel_int.h"
#include "util/util_int.h"

#define REC_BUF (1u << 20)

static void write_state(mp_k_net *net, mp_k_rec *r)
{
    const mp_m_recorder *m = r->m;
    const mp_k_pop *p = &net->pops[m->target];
    double t = mp_k_net_time(net);
    size_t n = m->n_neurons ? m->n_neurons : p->n;
    for (size_t q = 0; q < n; q++) {
        size_t i = m->n_neurons ? m->neurons[q] : q;
        if (i >= p->n)
            continue;
        fprintf(r->f, "%.9g,%zu", t, i);
        if (m->vars & MP_VAR_V)
            fprintf(r->f, ",%.9g", p->V[i]);
        if (m->vars & MP_VAR_G_EX)
            fprintf(r->f, ",%.9g", p->g_ex[i]);
        if (m->vars & MP_VAR_G_IN)
            fprintf(r->f, ",%.9g", p->g_in[i]);
        fputc('\n', r->f);
    }
}

static void write_weights(mp_k_net *net, mp_k_rec *r)
{
    const mp_k_proj *pj = &net->projs[r->m->target];
    double t = mp_k_net_time(net);
    for (size_t k = 0; k < pj->syn.nnz; k++)
        fprintf(r->f, "%.9g,%zu,%u,%u,%.9g\n", t, k, pj->pre_of[k], pj->post_of[k],
                pj->w[k]);
}

int mp_k_net_open_recorders(mp_k_net *net, const char *outdir, mp_error *err)
{
    const mp_model *m = net->m;
    int rc = mp_u_mkdir_p(outdir, err);
    if (rc != MP_OK)
        return rc;
    mp_k_net_close_recorders(net, NULL);
    if (m->n_recorders == 0)
        return MP_OK;
    net->recs = mp_u_calloc(m->n_recorders, sizeof *net->recs);
    if (!net->recs)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    net->n_recs = m->n_recorders;
    for (size_t i = 0; i < m->n_recorders; i++) {
        const mp_m_recorder *mr = &m->recorders[i];
        mp_k_rec *r = &net->recs[i];
        r->m = mr;
        r->path = mp_u_path_join(outdir, mr->file);
        rc = r->path ? mp_u_open_output(outdir, mr->file, MP_U_OUT_TRUNCATE, &r->f, err)
                     : mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        if (rc != MP_OK) {
            mp_k_net_close_recorders(net, NULL);
            return rc;
        }
        r->buf = mp_u_malloc(REC_BUF);
        if (r->buf)
            setvbuf(r->f, r->buf, _IOFBF, REC_BUF);
        double iv = mr->kind == MP_REC_RATE ? mr->window : mr->interval;
        r->every = mp_k_steps_of(iv, net->dt);
        r->start = net->steps;
        switch (mr->kind) {
        case MP_REC_SPIKES: fputs("t_ms,neuron\n", r->f); break;
        case MP_REC_RATE: fputs("t_start_ms,t_end_ms,rate_hz\n", r->f); break;
        case MP_REC_STATE:
            fputs("t_ms,neuron", r->f);
            if (mr->vars & MP_VAR_V)
                fputs(",V", r->f);
            if (mr->vars & MP_VAR_G_EX)
                fputs(",g_ex", r->f);
            if (mr->vars & MP_VAR_G_IN)
                fputs(",g_in", r->f);
            fputc('\n', r->f);
            write_state(net, r);
            break;
        case MP_REC_WEIGHTS:
            fputs("t_ms,synapse,pre,post,w\n", r->f);
            write_weights(net, r);
            break;
        default: break; /* rate recorders: core/rate/record_rate.c */
        }
    }
    return MP_OK;
}

/* A write to r failed (disk full, file size limit): the run stops there,
 * with the reason, rather than simulating on without its recordings.
 * Checked only after steps that wrote, while errno still tells why; the
 * flag is then cleared, so that closing does not report it twice. */
static int check_written(const mp_k_rec *r, mp_error *err)
{
    if (!ferror(r->f))
        return MP_OK;
    int e = errno;
    clearerr(r->f);
    return mp_u_write_failed(r->path, e, err);
}

int mp_k_rec_step(mp_k_net *net, mp_error *err)
{
    const int64_t steps = net->steps;
    for (size_t i = 0; i < net->n_recs; i++) {
        mp_k_rec *r = &net->recs[i];
        int wrote = 1;
        switch (r->m->kind) {
        case MP_REC_SPIKES: {
            const mp_k_source *s = &net->srcs[r->m->target];
            wrote = s->nspk > 0;
            if (s->nspk) {
                double t = mp_k_net_time(net);
                for (size_t k = 0; k < s->nspk; k++)
                    fprintf(r->f, "%.9g,%u\n", t, s->spk[k]);
            }
            break;
        }
        case MP_REC_RATE: {
            const mp_k_source *s = &net->srcs[r->m->target];
            r->count += (long long)s->nspk;
            if (steps - r->start >= r->every) {
                double t0 = (double)r->start * net->dt, t1 = mp_k_net_time(net);
                double rate = s->size ? (double)r->count / ((double)s->size * (t1 - t0) * 1e-3)
                                      : 0.0;
                fprintf(r->f, "%.9g,%.9g,%.9g\n", t0, t1, rate);
                r->count = 0;
                r->start = steps;
            } else
                wrote = 0;
            break;
        }
        case MP_REC_STATE:
            if ((wrote = steps % r->every == 0))
                write_state(net, r);
            break;
        case MP_REC_WEIGHTS:
            if ((wrote = steps % r->every == 0))
                write_weights(net, r);
            break;
        default: wrote = 0; break; /* rate recorders: core/rate/record_rate.c */
        }
        if (wrote && check_written(r, err) != MP_OK)
            return MP_EIO;
    }
    return MP_OK;
}

int mp_k_net_close_recorders(mp_k_net *net, mp_error *err)
{
    int rc = MP_OK;
    if (!net || !net->recs)
        return MP_OK;
    for (size_t i = 0; i < net->n_recs; i++) {
        mp_k_rec *r = &net->recs[i];
        if (mp_u_close_output(r->f, r->path, err) != MP_OK)
            rc = MP_EIO;
        mp_u_free(r->path);
        mp_u_free(r->buf);
    }
    mp_u_free(net->recs);
    net->recs = NULL;
    net->n_recs = 0;
    return rc;
}
