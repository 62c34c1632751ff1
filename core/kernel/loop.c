/* The time step (docs/kernel.md "Step order"):
 *   (1) stimuli emit their spikes of step n;
 *   (2) each population: conductances decay and take the arrivals due in
 *       step n, V is integrated (or clamped), threshold -> spikes of step n;
 *   (3) traces decay, then +1 per spike of step n;
 *   (4) projections: spikes of step n are written into the targets' ring
 *       buffers at step n + delay (old weights), then on_pre, then on_post;
 *   (5) periodic checks, recorders.
 */
#include <math.h>
#include <stdio.h>

#include "kernel/kernel_int.h"
#include "util/util_int.h"

static int hook_failed(const mp_k_proj *pj, const char *hook, int r, double t,
                       mp_error *err)
{
    const mp_error *said = &pj->rule->err; /* what the hook told host->error */
    if (r > 0)
        return mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                        "projection '%s' (rule %s): %s reported a blow-up (code %d) "
                        "at t = %.10g ms%s%s",
                        pj->m->name, pj->desc->name, hook, r, t,
                        said->text[0] ? ": " : "", said->text);
    if (said->text[0])
        return mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL, "%s (in %s at t = %.10g ms)",
                        said->text, hook, t);
    return mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                    "projection '%s' (rule %s): %s returned %d at t = %.10g ms",
                    pj->m->name, pj->desc->name, hook, r, t);
}

static int project(mp_k_net *net, mp_k_proj *pj, int64_t n, mp_error *err)
{
    const mp_k_source *src = pj->src;
    const size_t ns = src->nspk;
    if (ns > 0) {
        const uint32_t D = pj->tgt->D, np = pj->tgt->n;
        uint32_t slot = pj->tgt->slot + pj->delay;
        slot = slot >= D ? slot - D : slot;
        double *restrict ring = pj->ring + (size_t)slot * np;
        const double g = pj->m->g_scale;
        const uint32_t *restrict ptr = pj->pre_ptr, *restrict post = pj->post_of;
        const double *restrict w = pj->w;
        for (size_t s = 0; s < ns; s++) {
            uint32_t i = src->spk[s];
            for (uint32_t k = ptr[i]; k < ptr[i + 1]; k++)
                ring[post[k]] += g * w[k];
        }
    }
    if (!pj->desc)
        return MP_OK;
    const int64_t done = n + 1;
    mp_spike_io *io = &pj->rule->sio;
    io->t = mp_k_time(net, n);
    if (ns > 0 && pj->desc->on_pre) {
        for (uint32_t t = 0; t < pj->n_traces; t++)
            if (pj->trace_post[t])
                mp_k_trace_sync(pj->traces[t], done);
        int r = pj->desc->on_pre(io, src->spk, ns);
        if (r != 0)
            return hook_failed(pj, "on_pre", r, io->t, err);
        int rc = mp_k_check_weights(net, pj, src->spk, ns, 0, err);
        if (rc != MP_OK)
            return rc;
    }
    const mp_k_source *post = pj->tgt->src;
    if (post->nspk > 0 && pj->desc->on_post) {
        for (uint32_t t = 0; t < pj->n_traces; t++)
            if (!pj->trace_post[t])
                mp_k_trace_sync(pj->traces[t], done);
        int r = pj->desc->on_post(io, post->spk, post->nspk);
        if (r != 0)
            return hook_failed(pj, "on_post", r, io->t, err);
        int rc = mp_k_check_weights(net, pj, post->spk, post->nspk, 1, err);
        if (rc != MP_OK)
            return rc;
    }
    return MP_OK;
}

static int step(mp_k_net *net, mp_error *err)
{
    const int64_t n = net->steps;
    const double dt = net->dt;
    /* (1) stimuli */
    for (size_t i = 0; i < net->n_stims; i++) {
        uint32_t *outs[2];
        size_t cnt[2] = {0, 0};
        /* an empty output has no source (NULL): it emits nothing, but its
         * generator still copies MP_S_PAD ids into a buffer */
        mp_k_source *s0 = net->stim_src[2 * i] != SIZE_MAX
                              ? &net->srcs[net->stim_src[2 * i]]
                              : NULL;
        mp_k_source *s1 = net->stim_src[2 * i + 1] != SIZE_MAX
                              ? &net->srcs[net->stim_src[2 * i + 1]]
                              : NULL;
        outs[0] = s0 ? s0->spk : net->spare_spk;
        outs[1] = s1 ? s1->spk : net->spare_spk;
        mp_s_step(net->stims[i], n, outs, cnt);
        if (s0) {
            s0->nspk = cnt[0];
            s0->count += (long long)cnt[0];
        }
        if (s1) {
            s1->nspk = cnt[1];
            s1->count += (long long)cnt[1];
        }
    }
    /* (2) populations */
    for (size_t i = 0; i < net->n_pops; i++) {
        mp_k_pop *p = &net->pops[i];
        uint32_t slot = p->slot;
        if (p->m->integrator == MP_INTEG_RKF45) {
            if (mp_k_lif_rkf45(p, slot, dt) != MP_OK)
                return mp_u_err(err, MP_EUNSTABLE, NULL, 0, 0, NULL,
                                "population '%s': the rkf45 integrator failed at t = %.10g ms",
                                p->m->name, mp_k_time(net, n));
        } else {
            mp_k_lif_exp_euler(p, slot);
        }
        p->src->count += (long long)p->src->nspk;
    }
    /* (3) traces */
    for (size_t s = 0; s < net->n_srcs; s++) {
        mp_k_source *src = &net->srcs[s];
        for (size_t t = 0; t < src->n_traces; t++)
            mp_k_trace_step(&src->traces[t], src->spk, src->nspk, n + 1);
    }
    /* (4) projections: transmission, then plasticity */
    for (size_t j = 0; j < net->n_projs; j++) {
        int rc = project(net, &net->projs[j], n, err);
        if (rc != MP_OK)
            return rc;
    }
    net->steps = n + 1;
    for (size_t i = 0; i < net->n_pops; i++) {
        mp_k_pop *p = &net->pops[i];
        p->slot = p->slot + 1 == p->D ? 0 : p->slot + 1;
    }
    /* (5) checks, recorders */
    if (--net->check_countdown == 0) { /* a countdown: no division per step */
        net->check_countdown = net->check_every;
        int rc = mp_k_check_states(net, err);
        if (rc != MP_OK)
            return rc;
    }
    if (net->recs)
        return mp_k_rec_step(net, err);
    return MP_OK;
}

int mp_k_net_run(mp_k_net *net, double duration_ms, mp_progress_fn progress,
               void *user, mp_error *err)
{
    if (!(duration_ms >= 0.0) || isinf(duration_ms))
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "duration must be a finite number >= 0 ms (got %g)", duration_ms);
    /* llround of a step count beyond int64_t is undefined (it gave 0 steps
     * for 1e18 ms): refuse what the step counter cannot hold */
    const double steps = round(duration_ms / net->dt);
    if (!(steps < (double)(MP_MAX_STEPS - net->steps))) {
        char done[48] = "";
        if (net->steps > 0)
            snprintf(done, sizeof done, " (%lld done already)", (long long)net->steps);
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "duration %g ms is %g steps of dt = %g ms; the limit is "
                        MP_MAX_STEPS_TEXT " steps in all%s: use a shorter duration "
                        "or a larger dt",
                        duration_ms, steps, net->dt, done);
    }
    const int64_t N = (int64_t)steps;
    const int64_t end = net->steps + N;
    const int64_t every = mp_k_steps_of(1000.0, net->dt);
    const double total = (double)end * net->dt;
    double t0 = mp_u_wall_seconds();
    for (size_t j = 0; j < net->n_projs; j++) /* a run reports its own messages */
        if (net->projs[j].rule)
            mp_error_clear(&net->projs[j].rule->err);
    int rc = MP_OK;
    while (net->steps < end) {
        if ((rc = step(net, err)) != MP_OK)
            break;
        if (progress && net->steps % every == 0)
            progress(user, (double)net->steps * net->dt, total);
    }
    if (rc == MP_OK)
        rc = mp_k_check_states(net, err);
    net->wall += mp_u_wall_seconds() - t0;
    return rc;
}

double mp_k_net_time(const mp_k_net *net) { return (double)net->steps * net->dt; }
