/* The sizes of the net a model asks for, checked before anything is
 * allocated: of a spiking net every population's state and delay ring,
 * every projection's synapse count and arrays, every rule's state; of a
 * rate net every layer, weight matrix and rule state (with the step_vjp
 * scratch of a rule instance, plugin/rule_instance.h). A model that asks for
 * more than the machine has (or more synapses or delay steps than the
 * kernel can index) is refused with the model file, the JSON path of the
 * size, the owner and the bytes, instead of a bare "out of memory" after
 * minutes of drawing synapses. The arithmetic needs the model alone, so the
 * loader runs it (`check` refuses what `run` would) and mp_net_new again.
 *
 * The byte counts are those of net.c and connect.c: per neuron V, g_ex,
 * g_in, ref, fired (+ the rkf45 step size h), the spike list, the two
 * arrival rings (excitatory, inhibitory) of at least 2 slots and a trace
 * per distinct time constant the rules ask for; the rings of D slots of a
 * longer delay; per synapse post_of, pre_of, post_syn, w and, while they
 * are drawn, the (pre, post) pair; a stimulus's generator (stimuli/,
 * mp_s_bytes) and spike lists. Recorders are small beside these. */
#include <math.h>

#include "model/model_int.h"
#include "plugin/rule_instance.h"
#include "stimuli/stimuli_int.h" /* mp_s_bytes: what a generator allocates */
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
        const mp_rule_desc *d = pl->desc;
        for (uint32_t k = 0; k < d->n_traces; k++) {
            int post = d->traces[k].side == MP_TRACE_POST;
            if (post ? tgt != &m->sources[s] : pj->source != s)
                continue;
            double tau = pj->plasticity->params[pl->trace_param[k]];
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

/* Adds array[i]key (or key alone when array is NULL) to the causes. */
static void add_cause(mp_m_size_causes *why, const char *array, size_t i, const char *key)
{
    if (!why || why->n >= MP_M_SIZE_CAUSES)
        return;
    if (array)
        snprintf(why->path[why->n++], sizeof *why->path, "%s[%zu]%s", array, i, key);
    else
        snprintf(why->path[why->n++], sizeof *why->path, "%s", key);
}

/* The value that sets the size of source s: a population's size, or the
 * stimulus (its size, or groups x trains per group). */
static void add_source_cause(const mp_model *m, size_t s, mp_m_size_causes *why)
{
    const mp_m_source *src = &m->sources[s];
    if (src->kind == MP_SRC_POPULATION)
        add_cause(why, "populations", src->index, ".size");
    else
        add_cause(why, "stimuli", src->index, "");
}

/* ---- the index limits: the same on every machine, checked first -------- */

static int check_delay(const mp_model *m, size_t j, mp_m_size_causes *why, mp_error *err)
{
    const mp_m_projection *pj = &m->projections[j];
    double d = round(pj->delay / m->dt);
    if (d <= (double)MP_MAX_DELAY_STEPS)
        return MP_OK;
    char path[PATH_LEN];
    snprintf(path, sizeof path, "projections[%zu].delay", j);
    add_cause(why, NULL, 0, "dt");
    return mp_u_err(err, MP_EINVAL, m->file, 0, 0, path,
                    "projection '%s': a delay of %g ms is %.0f steps of dt = %g "
                    "ms, more than the limit of %u steps (the arrival ring of "
                    "population '%s' has a slot per step of delay)",
                    pj->name, pj->delay, d, m->dt, MP_MAX_DELAY_STEPS,
                    m->populations[pj->target].name);
}

/* Synapses of projection j: exact for every rule but fixed_probability,
 * whose binomial count is bounded by mean + 6 sd (*est gets the mean). */
static double synapse_bound(const mp_model *m, size_t j, double *est)
{
    const mp_m_projection *pj = &m->projections[j];
    const mp_m_source *src = &m->sources[pj->source];
    int no_auto = src->kind == MP_SRC_POPULATION && src->index == pj->target &&
                  !pj->allow_autapses;
    double n_pre = (double)src->size, n_post = (double)m->populations[pj->target].size;
    double pairs = n_pre * n_post - (no_auto ? n_pre : 0.0), n = 0.0;
    switch (pj->conn) {
    case MP_CONN_ALL_TO_ALL: n = pairs; break;
    case MP_CONN_ONE_TO_ONE: n = no_auto ? 0.0 : fmin(n_pre, n_post); break;
    case MP_CONN_FIXED_INDEGREE: n = (double)pj->k * n_post; break;
    case MP_CONN_FIXED_PROBABILITY: {
        double p = pj->p > 1.0 ? 1.0 : pj->p > 0.0 ? pj->p : 0.0;
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

/* What projection j's count depends on: its source's and target's sizes. */
static void add_projection_causes(const mp_model *m, size_t j, mp_m_size_causes *why)
{
    add_source_cause(m, m->projections[j].source, why);
    add_cause(why, "populations", m->projections[j].target, ".size");
}

static int check_synapse_limit(const mp_model *m, size_t j, mp_m_size_causes *why,
                               mp_error *err)
{
    const mp_m_projection *pj = &m->projections[j];
    const mp_m_source *src = &m->sources[pj->source];
    const mp_m_population *tgt = &m->populations[pj->target];
    double est = 0.0, bound = synapse_bound(m, j, &est);
    /* fixed_probability: refused here only when the count is surely above
     * the limit; a count near it is caught while the pairs are drawn */
    int fp = pj->conn == MP_CONN_FIXED_PROBABILITY;
    if (!((fp ? 2.0 * est - bound : bound) > (double)MP_MAX_SYNAPSES))
        return MP_OK;
    char path[PATH_LEN], count[48];
    snprintf(path, sizeof path, "projections[%zu].connectivity", j);
    snprintf(count, sizeof count, fp ? "about %.3g" : "%.0f", fp ? est : bound);
    add_projection_causes(m, j, why);
    return mp_u_err(err, MP_EINVAL, m->file, 0, 0, path,
                    "projection '%s' would have %s synapses (%s from '%s', "
                    "%zu neurons, to '%s', %zu neurons), more than the limit of "
                    "%u per projection; split it into several projections or "
                    "connect fewer pairs",
                    pj->name, count, conn_name(pj->conn), src->name, src->size,
                    tgt->name, tgt->size, MP_MAX_SYNAPSES);
}

/* ---- memory: what this machine (or its limits) allows ------------------- */

static int check_population(const mp_model *m, size_t pi, mp_m_size_causes *why,
                            mp_error *err)
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
    /* the arrival rings: one slot per step of the longest delay into it
     * (check_delay has bounded every delay) */
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
    size_t slots = (size_t)maxd + 1;
    add_cause(why, "populations", pi, ".size");
    add_cause(why, NULL, 0, "dt");
    return mp_u_mem_check(err,
                          mp_u_size_mul(mp_u_size_mul(mp->size, slots), 2 * sizeof(double)),
                          m->file, path, "its arrival rings",
                          "population '%s' (%zu neurons, %zu steps of delay from "
                          "projection '%s', %g ms)",
                          mp->name, mp->size, slots - 1, pj->name, pj->delay);
}

static int check_stimulus(const mp_model *m, size_t i, mp_m_size_causes *why,
                          mp_error *err)
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
    add_cause(why, "stimuli", i, "");
    add_cause(why, NULL, 0, "dt");
    return mp_u_mem_check(err, bytes, m->file, path, "its state",
                          "stimulus '%s' (%zu trains)", ms->name, trains);
}

static int check_projection(const mp_model *m, size_t j, mp_m_size_causes *why,
                            mp_error *err)
{
    const mp_m_projection *pj = &m->projections[j];
    const mp_m_source *src = &m->sources[pj->source];
    const mp_m_population *tgt = &m->populations[pj->target];
    double est = 0.0;
    size_t nnz = (size_t)fmin(synapse_bound(m, j, &est), (double)MP_MAX_SYNAPSES);
    size_t per = 2 * sizeof(uint32_t) + 3 * sizeof(uint32_t) + sizeof(double);
    size_t bytes = mp_u_size_add(mp_u_size_mul(nnz, per),
                                 mp_u_size_mul(src->size + tgt->size + 2,
                                               2 * sizeof(uint32_t)));
    char path[PATH_LEN];
    snprintf(path, sizeof path, "projections[%zu].connectivity", j);
    add_projection_causes(m, j, why);
    int rc = mp_u_mem_check(err, bytes, m->file, path, "its synapses",
                            "projection '%s' (%s%zu synapses, %s from '%s' to '%s')",
                            pj->name,
                            pj->conn == MP_CONN_FIXED_PROBABILITY ? "up to " : "", nnz,
                            conn_name(pj->conn), src->name, tgt->name);
    if (rc != MP_OK || !pj->plasticity)
        return rc;
    size_t ns;
    add_cause(why, "projections", j, ".plasticity");
    return mp_m_check_rule_state(m, j, (uint32_t)src->size, (uint32_t)tgt->size, &ns,
                                 err);
}

int mp_m_check_rule_state(const mp_model *m, size_t j, uint32_t n_pre,
                          uint32_t n_post, size_t *n, mp_error *err)
{
    const mp_m_projection *pj = &m->projections[j];
    const mp_p_plugin *pl = pj->plasticity->plugin;
    const mp_rule_desc *d = pl->desc;
    size_t nx; /* the step_vjp scratch an instance keeps beside the state */
    mp_p_rule_sizes(d, pj->plasticity->params, n_pre, n_post, n, &nx);
    char path[PATH_LEN], scr[48] = "";
    snprintf(path, sizeof path, "projections[%zu].plasticity.rule", j);
    if (nx)
        snprintf(scr, sizeof scr, ", scratch: %zu", nx);
    return mp_u_mem_check(err, mp_u_size_mul(mp_u_size_add(*n, nx), sizeof(double)),
                          m->file, path, "its state", "rule '%s' of projection '%s' "
                          "(state_size: %zu doubles%s)", d->name, pj->name, *n, scr);
}

/* ---- rate networks ------------------------------------------------------ */

static int check_rate_population(const mp_model *m, size_t i, mp_error *err)
{
    const mp_m_population *p = &m->populations[i];
    char path[PATH_LEN];
    snprintf(path, sizeof path, "populations[%zu].size", i);
    return mp_u_mem_check(err, mp_u_size_mul(p->size, 5 * sizeof(double)), m->file,
                          path, "its activations and errors",
                          "population '%s' (%zu neurons)", p->name, p->size);
}

/* W of projection j, and B of fixed_random or direct feedback. */
static int check_rate_projection(const mp_model *m, size_t j, mp_m_size_causes *why,
                                 mp_error *err)
{
    const mp_m_projection *mj = &m->projections[j];
    size_t ipre = m->sources[mj->source].index;
    size_t iout = m->chain.order[m->chain.n_order - 1];
    const mp_m_population *pre = &m->populations[ipre];
    const mp_m_population *post = &m->populations[mj->target];
    size_t nw = mp_u_size_mul(pre->size, post->size);
    size_t rows = mj->feedback == MP_FB_DIRECT        ? m->populations[iout].size
                  : mj->feedback == MP_FB_FIXED_RANDOM ? post->size
                                                       : 0;
    size_t nb = mp_u_size_mul(rows, pre->size);
    char path[PATH_LEN];
    snprintf(path, sizeof path, "projections[%zu]", j);
    add_cause(why, "populations", ipre, ".size");
    add_cause(why, "populations", mj->target, ".size");
    if (mj->feedback == MP_FB_DIRECT)
        add_cause(why, "populations", iout, ".size");
    int rc = mp_u_mem_check(err, mp_u_size_mul(mp_u_size_add(nw, nb), sizeof(double)),
                            m->file, path,
                            nb ? "its weights W and feedback weights B" : "its weights",
                            "projection '%s' (%zu x %zu weights, from '%s' to '%s')",
                            mj->name, post->size, pre->size, pre->name, post->name);
    size_t ns;
    if (rc == MP_OK && mj->plasticity) {
        add_cause(why, "projections", j, ".plasticity");
        rc = mp_m_check_rule_state(m, j, (uint32_t)pre->size, (uint32_t)post->size, &ns,
                                   err);
    }
    return rc;
}

/* ---- all of them -------------------------------------------------------- */

int mp_m_check_sizes(const mp_model *m, mp_m_size_causes *causes, mp_error *err)
{
    mp_m_size_causes none;
    mp_m_size_causes *why = causes ? causes : &none;
    int rc = MP_OK;
    /* each check names its causes only when it fails: cleared before each */
#define CHECK_EACH(count, call)                                                \
    for (size_t i = 0; i < (count) && rc == MP_OK; i++) {                      \
        why->n = 0;                                                            \
        rc = (call);                                                           \
    }
    if (m->network == MP_NET_RATE) {
        CHECK_EACH(m->n_populations, check_rate_population(m, i, err))
        CHECK_EACH(m->n_projections, check_rate_projection(m, i, why, err))
    } else {
        CHECK_EACH(m->n_projections, check_delay(m, i, why, err))
        CHECK_EACH(m->n_projections, check_synapse_limit(m, i, why, err))
        CHECK_EACH(m->n_populations, check_population(m, i, why, err))
        CHECK_EACH(m->n_stimuli, check_stimulus(m, i, why, err))
        CHECK_EACH(m->n_projections, check_projection(m, i, why, err))
    }
#undef CHECK_EACH
    if (rc == MP_OK)
        why->n = 0;
    return rc;
}
