/* The kernel: the state of a net and the pieces of its time step.
 * docs/kernel.md describes the semantics (units, step order, integrators,
 * traces, connectivity, randomness, recorders).
 */
#ifndef MP_KERNEL_INT_H
#define MP_KERNEL_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_rng.h>

#include "metaplast/net.h"
#include "model/model_int.h"
#include "plugin/rule_instance.h"
#include "stimuli/stimuli_int.h"
#include "util/util_int.h"

/* ---- traces (trace.c) ---------------------------------------------------- */

/* x_i of one source for one tau: +1 per spike, decays with exp(-t/tau).
 * Eager: x is current after every step. Lazy: x[i] is the value at the end
 * of step last[i] - 1; mp_k_trace_sync brings entries up to date. */
typedef struct mp_k_trace {
    double tau;
    double decay;   /* exp(-dt / tau) */
    int lazy;
    uint32_t n;
    double *x;
    int64_t *last;  /* lazy: steps done when x[i] was last brought up to date */
    double *pw;     /* lazy: decay^k for k < n_pw */
    uint32_t n_pw;
    int64_t synced; /* lazy: all entries are current at this step count (-1: no) */
} mp_k_trace;

int mp_k_trace_init(mp_k_trace *tr, uint32_t n, double tau, double dt, int lazy);
void mp_k_trace_free(mp_k_trace *tr);
/* One step (steps done after it = done): decay, then +1 for spk[0..ns). */
void mp_k_trace_step(mp_k_trace *tr, const uint32_t *spk, size_t ns, int64_t done);
/* Lazy: brings every entry up to date at `done` steps (no-op when eager). */
void mp_k_trace_sync(mp_k_trace *tr, int64_t done);
/* Value of entry i at `done` steps, without changing the state. */
double mp_k_trace_value(const mp_k_trace *tr, uint32_t i, int64_t done);

/* ---- sources: populations and stimulus outputs ---------------------------- */

typedef struct mp_k_source {
    const mp_m_source *m;
    uint32_t size;
    uint32_t *spk;        /* spikes of the current step */
    size_t nspk;
    long long count;      /* spikes since t = 0 */
    mp_k_trace *traces;   /* one per distinct tau asked for */
    size_t n_traces;
} mp_k_source;

/* ---- conductance LIF populations (lif_cond.c, lif_cond_gsl.c) ------------- */

/* The per-step constants of both integrators, computed once per population. */
typedef struct mp_k_lif_consts {
    double d_ex, d_in;   /* exp(-dt / tau_syn) */
    double gL, gLEL_Ie;  /* g_L, g_L E_L + I_e */
    double Eex, Ein, k;  /* k = -dt / C_m */
    double Vth, Vr;
    double nref;         /* round(t_ref / dt) */
} mp_k_lif_consts;

typedef struct mp_k_pop {
    const mp_m_population *m;
    uint32_t n;
    double *V, *g_ex, *g_in;
    /* The refractory count and the spike flags are doubles (exact small
     * integers) so that the exp_euler loop is all doubles: it vectorizes at
     * two neurons per SSE2 vector, which has no 64-bit integer compare. */
    double *ref;         /* refractory steps left */
    double *fired;       /* exp_euler scratch: 1 if neuron i spiked this step */
    mp_k_lif_consts lif; /* per-step constants (mp_k_lif_init_consts) */
    uint32_t D;          /* ring length: max delay steps + 1 */
    double *ring_ex, *ring_in; /* D * n arrivals (nS), slot (step % D) */
    uint32_t slot;       /* (steps done) % D: the slot of the current step */
    mp_k_source *src;    /* this population as a source (spike list) */
    /* rkf45 */
    gsl_odeiv2_system sys;
    gsl_odeiv2_step *ode_step;
    gsl_odeiv2_control *ode_ctl;
    gsl_odeiv2_evolve *ode_ev;
    double *h;           /* per-neuron step size carried over */
} mp_k_pop;

/* One step of a population: arrivals from slot, integrate, threshold;
 * appends spikes to pop->src->spk. Returns 0, or MP_EUNSTABLE when the ODE
 * solver failed (rkf45). */
void mp_k_lif_exp_euler(mp_k_pop *p, uint32_t slot);
/* Fills p->lif from the population's parameters and dt. */
void mp_k_lif_init_consts(mp_k_pop *p, double dt);
int mp_k_lif_rkf45_init(mp_k_pop *p, double dt);
void mp_k_lif_rkf45_free(mp_k_pop *p);
int mp_k_lif_rkf45(mp_k_pop *p, uint32_t slot, double dt);

/* ---- projections (connect.c) ------------------------------------------------ */

/* The most spike traces one rule may read (desc->n_traces; the loader
 * refuses more). */
#define MP_K_MAX_TRACES MP_RULE_MAX_TRACES

typedef struct mp_k_proj {
    const mp_m_projection *m;
    mp_synapses syn;                /* what rules see; arrays below */
    uint32_t *pre_ptr, *post_of, *post_ptr, *post_syn, *pre_of;
    double *w;
    mp_k_source *src;               /* presynaptic source */
    mp_k_pop *tgt;
    uint32_t delay;                 /* steps, >= 1 */
    double *ring;                   /* tgt ring of the receptor */
    /* plasticity (NULL desc: static) */
    const mp_rule_desc *desc;       /* rule->desc */
    mp_p_rule *rule;                /* the rule instance; its io is bound to
                                       syn and the traces below */
    mp_k_trace *traces[MP_K_MAX_TRACES]; /* desc->traces order */
    unsigned char trace_post[MP_K_MAX_TRACES]; /* 1: follows the target */
    uint32_t n_traces;
} mp_k_proj;

/* Draws the connectivity of projection m (stream: conn_rng) into the CSR
 * arrays of pj, then the weights (w_rng). file and path (the projection's
 * connectivity in the model) go into messages. errors: MP_ENOMEM, MP_EINVAL */
int mp_k_connect(mp_k_proj *pj, const mp_m_projection *m, const mp_m_source *src,
                 uint32_t n_pre, uint32_t n_post, int same_pop, gsl_rng *conn_rng,
                 gsl_rng *w_rng, const char *file, const char *path, mp_error *err);
void mp_k_proj_free_arrays(mp_k_proj *pj);

/* ---- recorders (record.c) ------------------------------------------------- */

typedef struct mp_k_rec {
    const mp_m_recorder *m;
    FILE *f;
    char *path;       /* outdir/file, for messages */
    char *buf;
    int64_t every;    /* state, weights: interval in steps; rate: window */
    long long count;  /* rate: spikes in the current window */
    int64_t start;    /* rate: first step of the current window */
} mp_k_rec;

/* ---- the net ------------------------------------------------------------- */

/* A spiking network; the public mp_net (core/net/) wraps one. */
typedef struct mp_k_net mp_k_net;

struct mp_k_net {
    const mp_model *m;
    uint64_t seed;
    double dt;
    int64_t steps;          /* steps done */
    mp_k_pop *pops;
    size_t n_pops;
    mp_s_stim **stims;
    size_t n_stims;
    size_t *stim_src;       /* n_stims * 2: source of output o (SIZE_MAX: none,
                               an empty output) */
    uint32_t spare_spk[MP_S_PAD]; /* where an empty output "writes" (a
                                     generator copies MP_S_PAD ids at once) */
    mp_k_source *srcs;
    size_t n_srcs;
    mp_k_proj *projs;
    size_t n_projs;
    mp_k_rec *recs;
    size_t n_recs;
    int lazy;
    int64_t check_every;    /* full state/weight scan period, steps (100 ms) */
    int64_t check_countdown; /* steps until the next full scan */
    double wall;            /* seconds spent in mp_k_net_run */
};

/* What core/net/ dispatches to (include/metaplast/net.h says what each
 * does): net.c, loop.c, record.c, summary.c. */
int mp_k_net_new(const mp_model *m, uint64_t seed, mp_k_net **out, mp_error *err);
void mp_k_net_free(mp_k_net *net);
int mp_k_net_run(mp_k_net *net, double duration_ms, mp_progress_fn progress,
                 void *user, mp_error *err);
double mp_k_net_time(const mp_k_net *net);
long long mp_k_net_spike_count(const mp_k_net *net, const char *name);
int mp_k_net_open_recorders(mp_k_net *net, const char *outdir, mp_error *err);
int mp_k_net_close_recorders(mp_k_net *net, mp_error *err);
/* Back to the initial state of mp_k_net_new(m, seed) (reset.c): refused
 * with MP_EINVAL while recorders are open. */
int mp_k_net_reset(mp_k_net *net, uint64_t seed, mp_error *err);
/* Projection j's rule parameters (desc order): read, and replaced by p
 * (mp_p_rule_set_params; a trace time constant takes effect at the next
 * reset). MP_EINVAL for a static projection. */
const double *mp_k_net_rule_params(const mp_k_net *net, size_t j);
int mp_k_net_set_rule_params(mp_k_net *net, size_t j, const double *p, mp_error *err);
/* The pieces mp_k_net_new and mp_k_net_reset share (net.c): population j's
 * initial state from its stream (V, g drawn; refractory counts, rings,
 * slot, rkf45 steps as new); projection j's connectivity and weights
 * (drawn anew, arrays reallocated); its traces and rule io bound; the
 * rules reset and the weights checked once everything is drawn. */
int mp_k_pop_draw(mp_k_net *net, size_t pi, mp_error *err);
int mp_k_proj_draw(mp_k_net *net, size_t j, mp_error *err);
int mp_k_proj_bind(mp_k_net *net, size_t j, mp_error *err);
int mp_k_net_start(mp_k_net *net, mp_error *err);
/* The spiking fields of summary.json, added to root (core/net/summary.c
 * writes the file). */
struct json_t;
void mp_k_summary_fields(const mp_k_net *net, struct json_t *root,
                         double wall_seconds);

/* record.c */
int mp_k_rec_step(mp_k_net *net, mp_error *err);
int mp_k_rec_write_initial(mp_k_net *net, mp_error *err);

/* checker.c: scans states and weights; MP_EUNSTABLE with a message. */
int mp_k_check_states(mp_k_net *net, mp_error *err);
int mp_k_check_weights(mp_k_net *net, mp_k_proj *pj, const uint32_t *idx, size_t n,
                       int by_post, mp_error *err);

/* Whole steps of dt in ms, at least 1, saturated at MP_MAX_STEPS: the
 * period of something done every ms (a check, a recorder interval), for
 * which a period beyond any run means "never again". llround would be
 * undefined beyond int64_t. */
static inline int64_t mp_k_steps_of(double ms, double dt)
{
    double k = round(ms / dt);
    return !(k >= 1.0) ? 1 : k < (double)MP_MAX_STEPS ? (int64_t)k : MP_MAX_STEPS;
}

/* Time (ms) of the end of step n (= the time stamp of its spikes). */
static inline double mp_k_time(const mp_k_net *net, int64_t n)
{
    return (double)(n + 1) * net->dt;
}

#endif
