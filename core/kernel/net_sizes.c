/* The sizes of a spiking net, checked before anything is allocated: every
 * population's state and delay ring, every projection's synapse count and
 * arrays, every rule's state. A model that asks for more than the machine
 * has (or more synapses than a projection can index) is refused with the
 * model file, the JSON path of the size, the owner and the bytes, instead
 * of a bare "out of memory" after minutes of drawing synapses.
 *
 * The byte counts are those of net.c and connect.c: per neuron V, g_ex,
 * g_in, ref, fired (+ the rkf45 step size h), the spike list, the two
 * arrival rings (excitatory, inhibitory) of at least 2 slots and a trace
 * per distinct time constant the rules ask for; the rings of D slots of a
 * longer delay; per synapse post_of, pre_of, post_syn, w and, while they
 * are drawn, the (pre, post) pair; a stimulus's generator (stimuli/,
 * mp_s_bytes) and spike lists. Recorders are small beside these. */
#include <math.h>

#include "kernel/kernel_int.h"
#include "util/util_int.h"

#define PATH_LEN 96

/* Bytes per neuron of the traces of source s: one per distinct tau of the
 * rules that read it (as get_trace in net.c shares them); lazy traces keep
 * the step of each entry too. */
static size_t trace_bytes(const mp_model *m, size_t s)
{
    double taus[64];
    size_t n = 0, total = 0;
    for (size_t j = 0; j < m->n_projections; j++) {
        const mp_m_projection *pj = &m->projections[j];
        if (!pj->plasticity)
            continue;
        const mp_p_plugin *pl = pj->plasticity->plugin;
        const mp_m_source *tgt = NULL;
        for (size_t t = 0; t < m->n_sources && !tgt; t++)
            if (m->sources[t].kind == MP_SRC_POPULATION && m->sources[t].index == pj->target)
                tgt = &m->sources[t];
        int idx[2] = {pj->source == s ? pl->trace_pre : -1,
                      tgt == &m->sources[s] ? pl->trace_post : -1};
        for (int k = 0; k < 2; k++) {
            if (idx[k] < 0)
                continue;
            double tau = pj->plasticity->params[idx[k]];
            size_t q = 0;
            while (q < n && taus[q] != tau)
                q++;
            if (q == n) {
                if (n < sizeof taus / sizeof *taus)
                    taus[n++] = tau;
                total++;
            }
        }
    }
    return total * (m->trace_decay == MP_TRACE_LAZY ? 2 : 1) * sizeof(double);
}

static int check_population(const mp_model *m, size_t pi, mp_error *err)
{
    const mp_m_population *mp = &m->populations[pi];
    char path[PATH_LEN];
    size_t per = 5 * sizeof(double) + sizeof(uint32_t) + 2 * 2 * sizeof(double) +
                 (mp->integrator == MP_INTEG_RKF45 ? sizeof(double) : 0);
    for (size_t s = 0; s < m->n_sources; s++)
        if (m->sources[s].kind == MP_SRC_POPULATION && m->sources[s].index == pi)
            per += trace_bytes(m, s);
    snprintf(path, sizeof path, "populations[%zu].size", pi);
    int rc = mp_u_mem_check(err, mp_u_size_mul(mp->size, per), m->file, path,
                            "its state", "population '%s' (%zu neurons)", mp->name,
                            mp->size);
    if (rc != MP_OK)
        return rc;
    /* the arrival rings: one slot per step of the longest delay into it */
    double maxd = 1.0;
    size_t jd = SIZE_MAX;
    for (size_t j = 0; j < m->n_projections; j++) {
        double d = round(m->projections[j].delay / m->dt);
        if (m->projections[j].target == pi && d > maxd) {
            maxd = d;
            jd = j;
        }
    }
    if (jd == SIZE_MAX)
        return MP_OK;
    const mp_m_projection *pj = &m->projections[jd];
    snprintf(path, sizeof path, "projections[%zu].delay", jd);
    if (!(maxd <= (double)MP_MAX_DELAY_STEPS))
        return mp_u_err(err, MP_EINVAL, m->file, 0, 0, path,
                        "projection '%s': a delay of %g ms is %.0f steps of dt = %g "
                        "ms, more than the limit of %u steps (the arrival ring of "
                        "population '%s' has a slot per step of delay)",
                        pj->name, pj->delay, maxd, m->dt, MP_MAX_DELAY_STEPS, mp->name);
    size_t slots = (size_t)maxd + 1;
    return mp_u_mem_check(err,
                          mp_u_size_mul(mp_u_size_mul(mp->size, slots), 2 * sizeof(double)),
                          m->file, path, "its arrival rings",
                          "population '%s' (%zu neurons, %zu steps of delay from "
                          "projection '%s', %g ms)",
                          mp->name, mp->size, slots - 1, pj->name, pj->delay);
}

static int check_stimulus(const mp_model *m, size_t i, mp_error *err)
{
    const mp_m_stimulus *ms = &m->stimuli[i];
    size_t bytes = mp_s_bytes(ms, m->dt), trains = 0;
    for (size_t s = 0; s < m->n_sources; s++) {
        const mp_m_source *src = &m->sources[s];
        if (src->kind != MP_SRC_STIMULUS || src->index != i)
            continue;
        trains = mp_u_size_add(trains, src->size);
        bytes = mp_u_size_add(bytes, mp_u_size_mul(src->size + MP_S_PAD, sizeof(uint32_t)));
        bytes = mp_u_size_add(bytes, mp_u_size_mul(src->size, trace_bytes(m, s)));
    }
    char path[PATH_LEN];
    snprintf(path, sizeof path, ms->kind == MP_STIM_VOGELS_GROUPS ? "stimuli[%zu]"
                                                                  : "stimuli[%zu].size", i);
    return mp_u_mem_check(err, bytes, m->file, path, "its state",
                          "stimulus '%s' (%zu trains)", ms->name, trains);
}

/* Synapses of projection m: exact for every rule but fixed_probability,
 * whose binomial count is bounded by mean + 6 sd (*est gets the mean). */
static double synapse_bound(const mp_m_projection *m, double n_pre, double n_post,
                            int no_auto, double *est)
{
    double pairs = n_pre * n_post - (no_auto ? n_pre : 0.0), n = 0.0;
    switch (m->conn) {
    case MP_CONN_ALL_TO_ALL: n = pairs; break;
    case MP_CONN_ONE_TO_ONE: n = no_auto ? 0.0 : fmin(n_pre, n_post); break;
    case MP_CONN_FIXED_INDEGREE: n = (double)m->k * n_post; break;
    case MP_CONN_FIXED_PROBABILITY: {
        double p = m->p > 1.0 ? 1.0 : m->p > 0.0 ? m->p : 0.0;
        *est = p * pairs;
        return fmin(pairs, *est + 6.0 * sqrt(pairs * p * (1.0 - p)) + 1.0);
    }
    }
    *est = n;
    return n;
}

static const char *conn_name(mp_m_conn_kind k)
{
    switch (k) {
    case MP_CONN_ALL_TO_ALL: return "all_to_all";
    case MP_CONN_ONE_TO_ONE: return "one_to_one";
    case MP_CONN_FIXED_PROBABILITY: return "fixed_probability";
    case MP_CONN_FIXED_INDEGREE: return "fixed_indegree";
    }
    return "?";
}

static int check_projection(const mp_model *m, size_t j, mp_error *err)
{
    const mp_m_projection *pj = &m->projections[j];
    const mp_m_source *src = &m->sources[pj->source];
    const mp_m_population *tgt = &m->populations[pj->target];
    int same = src->kind == MP_SRC_POPULATION && src->index == pj->target;
    double est = 0.0;
    double bound = synapse_bound(pj, (double)src->size, (double)tgt->size,
                                 same && !pj->allow_autapses, &est);
    char path[PATH_LEN];
    snprintf(path, sizeof path, "projections[%zu].connectivity", j);
    /* fixed_probability: refused here only when the count is surely above
     * the limit; a count near it is caught while the pairs are drawn */
    double sure = pj->conn == MP_CONN_FIXED_PROBABILITY ? 2.0 * est - bound : bound;
    char count[48];
    snprintf(count, sizeof count, pj->conn == MP_CONN_FIXED_PROBABILITY ? "about %.3g" : "%.0f",
             pj->conn == MP_CONN_FIXED_PROBABILITY ? est : bound);
    if (sure > (double)MP_MAX_SYNAPSES)
        return mp_u_err(err, MP_EINVAL, m->file, 0, 0, path,
                        "projection '%s' would have %s synapses (%s from '%s', "
                        "%zu neurons, to '%s', %zu neurons), more than the limit of "
                        "%u per projection; split it into several projections or "
                        "connect fewer pairs",
                        pj->name, count,
                        conn_name(pj->conn), src->name, src->size, tgt->name, tgt->size,
                        MP_MAX_SYNAPSES);
    size_t nnz = (size_t)fmin(bound, (double)MP_MAX_SYNAPSES);
    size_t per = 2 * sizeof(uint32_t) + 3 * sizeof(uint32_t) + sizeof(double);
    size_t bytes = mp_u_size_add(mp_u_size_mul(nnz, per),
                                 mp_u_size_mul(src->size + tgt->size + 2,
                                               2 * sizeof(uint32_t)));
    int rc = mp_u_mem_check(err, bytes, m->file, path, "its synapses",
                            "projection '%s' (%s%zu synapses, %s from '%s' to '%s')",
                            pj->name,
                            pj->conn == MP_CONN_FIXED_PROBABILITY ? "up to " : "", nnz,
                            conn_name(pj->conn), src->name, tgt->name);
    if (rc != MP_OK || !pj->plasticity)
        return rc;
    size_t ns;
    return mp_k_check_rule_state(m, j, (uint32_t)src->size, (uint32_t)tgt->size, &ns,
                                 err);
}

int mp_k_check_rule_state(const mp_model *m, size_t j, uint32_t n_pre,
                          uint32_t n_post, size_t *n, mp_error *err)
{
    const mp_m_projection *pj = &m->projections[j];
    const mp_p_plugin *pl = pj->plasticity->plugin;
    const mp_rule_desc *d = pl->desc;
    *n = d->state_size ? d->state_size(pj->plasticity->params, n_pre, n_post) : 0;
    char path[PATH_LEN];
    snprintf(path, sizeof path, "projections[%zu].plasticity.rule", j);
    return mp_u_mem_check(err, mp_u_size_mul(*n, sizeof(double)), m->file, path,
                          "its state", "rule '%s' of projection '%s' (state_size: %zu "
                          "doubles)", d->name, pj->name, *n);
}

int mp_k_check_sizes(const mp_model *m, mp_error *err)
{
    for (size_t i = 0; i < m->n_populations; i++) {
        int rc = check_population(m, i, err);
        if (rc != MP_OK)
            return rc;
    }
    for (size_t i = 0; i < m->n_stimuli; i++) {
        int rc = check_stimulus(m, i, err);
        if (rc != MP_OK)
            return rc;
    }
    for (size_t j = 0; j < m->n_projections; j++) {
        int rc = check_projection(m, j, err);
        if (rc != MP_OK)
            return rc;
    }
    return MP_OK;
}
