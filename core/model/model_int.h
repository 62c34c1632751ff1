/* The plain, validated description of a model (no simulation state).
 *
 * Produced by the loader (core/model/load*.c) from a JSON model file and read
 * by the kernel (core/kernel/) when it instantiates a net. Everything here is
 * already validated: the kernel may trust ranges, indices and names.
 * All times in ms, potentials in mV, conductances in nS, capacitances in pF,
 * currents in pA, rates in Hz (NEST units). docs/model-format.md is the
 * user-facing reference of every field.
 */
#ifndef MP_MODEL_INT_H
#define MP_MODEL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/model.h"
#include "metaplast/rule.h"
#include "plugin/plugin_int.h"
#include "util/init_draw.h"

#define MP_MODEL_FORMAT_VERSION 1

/* ---- initial values (states, weights): mp_m_init, util/init_draw.h ---- */

/* ---- neuron populations ----------------------------------------------- */

typedef enum mp_m_neuron_kind {
    MP_NEURON_LIF_COND,
    MP_NEURON_RATE_INPUT, /* rate networks: the data vector of a sample */
    MP_NEURON_RATE        /* rate networks: y = f(W x [+ lateral]) */
} mp_m_neuron_kind;

/* Activation functions of rate populations (core/rate/activation.c). */
typedef enum mp_m_act {
    MP_ACT_LINEAR,
    MP_ACT_RELU,
    MP_ACT_SIGMOID,
    MP_ACT_TANH,
    MP_ACT_SOFTMAX,
    MP_ACT_SOFTPLUS /* (1/beta) log(1 + exp(beta z)), identity for beta z > 20 */
} mp_m_act;

typedef enum mp_m_integrator {
    MP_INTEG_EXP_EULER, /* exact conductance decay, V exact for g frozen over dt */
    MP_INTEG_RKF45      /* GSL odeiv2 rkf45, adaptive, reference accuracy */
} mp_m_integrator;

/* Conductance LIF (Confavreux et al. 2020 eq. 10-11, NEST iaf_cond_exp). */
typedef struct mp_m_lif_cond {
    double C_m;        /* pF */
    double g_L;        /* nS */
    double E_L;        /* mV */
    double V_th;       /* mV */
    double V_reset;    /* mV */
    double t_ref;      /* ms, V clamped to V_reset */
    double E_ex, E_in; /* mV */
    double tau_syn_ex, tau_syn_in; /* ms */
    double I_e;        /* pA */
} mp_m_lif_cond;

typedef struct mp_m_population {
    char *name;
    size_t size;
    mp_m_neuron_kind model;
    mp_m_integrator integrator;
    double rtol, atol; /* rkf45 tolerances (mV / nS) */
    mp_m_lif_cond lif;
    mp_m_init V_init, g_ex_init, g_in_init; /* mV, nS, nS */
    mp_m_act act;     /* rate */
    double beta;      /* rate, softplus */
} mp_m_population;

/* ---- stimuli ---------------------------------------------------------- */

typedef enum mp_m_stim_kind {
    MP_STIM_POISSON,       /* homogeneous Poisson trains */
    MP_STIM_VOGELS_GROUPS, /* filtered-noise input groups, Vogels 2011 */
    MP_STIM_SPIKE_FILE     /* spike times read from a CSV file */
} mp_m_stim_kind;

typedef struct mp_m_poisson {
    size_t size;
    double rate; /* Hz */
} mp_m_poisson;

/* Per group g a signal F (uniform noise U(-0.5,0.5) low-pass filtered with
 * tau_signal); each train of the group spikes in a step with probability
 * base_rate*dt + max(0, peak_rate*dt*F)/norm, then is silent for dead_time.
 * Outputs: "exc" with exc_per_group trains per group, "inh" likewise; both
 * group-major (train i belongs to group i / per_group). */
typedef struct mp_m_vogels {
    size_t n_groups, exc_per_group, inh_per_group;
    double tau_signal; /* ms */
    double base_rate;  /* Hz */
    double peak_rate;  /* Hz */
    double norm;       /* 0.03 in the original code */
    double dead_time;  /* ms, 0 = none */
    int sparsify;      /* Confavreux text: drop every second activity bump */
    double sparsify_off_ms, sparsify_on_ms; /* 1.0 and 0.5 in InputCurrents.m */
} mp_m_vogels;

/* Spikes read at load time from a CSV file "t_ms,neuron" (header optional),
 * sorted by time. */
typedef struct mp_m_spike_file {
    char *file; /* resolved path */
    size_t size;
    size_t n_spikes;
    double *t;   /* ms, ascending */
    uint32_t *id;
} mp_m_spike_file;

typedef struct mp_m_stimulus {
    char *name;
    mp_m_stim_kind kind;
    mp_m_poisson poisson;
    mp_m_vogels vogels;
    mp_m_spike_file file;
} mp_m_stimulus;

/* ---- spike sources: what a projection may start from ------------------- */

typedef enum mp_m_source_kind {
    MP_SRC_POPULATION, /* index = population index */
    MP_SRC_STIMULUS    /* index = stimulus index, output = which output */
} mp_m_source_kind;

enum { MP_OUT_MAIN = 0, MP_OUT_EXC = 0, MP_OUT_INH = 1 };

/* Every population and every stimulus output is a source with a name:
 * "post", "noise", "inputs.exc", "inputs.inh". */
typedef struct mp_m_source {
    char *name;
    mp_m_source_kind kind;
    size_t index;
    int output;
    size_t size;
    size_t n_groups;  /* 0 when the source has no groups */
    size_t per_group; /* trains per group when n_groups > 0 */
} mp_m_source;

/* ---- projections ------------------------------------------------------ */

typedef enum mp_m_conn_kind {
    MP_CONN_ALL_TO_ALL,
    MP_CONN_ONE_TO_ONE,
    MP_CONN_FIXED_PROBABILITY, /* each pair independently with p */
    MP_CONN_FIXED_INDEGREE     /* each target draws k distinct sources */
} mp_m_conn_kind;

typedef enum mp_m_receptor { MP_RECEPTOR_EX = 0, MP_RECEPTOR_IN = 1 } mp_m_receptor;

typedef struct mp_m_plasticity {
    mp_p_plugin *plugin; /* borrowed from mp_model.plugins */
    double *params;      /* desc->n_params resolved values, desc order */
} mp_m_plasticity;

/* How a rate projection carries the error of its target (or, for direct,
 * of the output layer) back to its source population. */
typedef enum mp_m_feedback {
    MP_FB_SYMMETRIC,    /* e_pre = (W^T e_post) . f'  (backprop) */
    MP_FB_FIXED_RANDOM, /* e_pre = (B^T e_post) . f', B drawn once (FA) */
    MP_FB_DIRECT,       /* e_pre = (B^T e_L) . f', B: n_L x n_pre (DFA) */
    MP_FB_NONE          /* e_pre = 0 */
} mp_m_feedback;

typedef struct mp_m_projection {
    char *name;
    size_t source; /* index into mp_model.sources */
    size_t target; /* index into mp_model.populations */
    mp_m_receptor receptor;
    mp_m_conn_kind conn;
    double p;            /* fixed_probability */
    size_t k;            /* fixed_indegree */
    int allow_autapses;  /* only matters when source == target population */
    mp_m_init weight;    /* dimensionless w */
    double g_scale;      /* nS of conductance jump per unit of w */
    double delay;        /* ms, >= dt */
    double w_min, w_max; /* the host's runaway guard: |w| beyond -> unstable */
    mp_m_plasticity *plasticity; /* NULL when static */
    /* rate networks */
    mp_m_feedback feedback;    /* how errors reach the source population */
    mp_m_init feedback_weight; /* B's initializer (fixed_random, direct) */
    double feedback_gain;      /* g: e_pre = g (M^T e) . f' (default 1) */
    int has_bias;              /* z = W y + b (default: no b) */
    mp_m_init bias;            /* b's initializer (n_post values) */
    int lateral;               /* hierarchical lateral (source == target) */
} mp_m_projection;

/* ---- recorders -------------------------------------------------------- */

typedef enum mp_m_rec_kind {
    MP_REC_SPIKES,  /* "t_ms,neuron" CSV of a source */
    MP_REC_STATE,   /* "t_ms,neuron,V,g_ex,g_in" (chosen vars) every interval */
    MP_REC_WEIGHTS, /* "t_ms,synapse,pre,post,w" every interval */
    MP_REC_RATE,    /* "t_ms,rate_hz" population rate per window */
    /* rate networks (core/rate/record_rate.c) */
    MP_REC_ACCURACY,       /* "samples_seen,accuracy,loss" on held-out data */
    MP_REC_ALIGNMENT,      /* "samples_seen,alpha_0..alpha_L" degrees */
    MP_REC_ORTHONORMALITY, /* "samples_seen,E_1..E_L" */
    MP_REC_RATE_WEIGHTS,   /* "samples_seen,post,pre,w" */
    MP_REC_PC_ANGLE        /* "samples_seen,angle_0..angle_{n-1}" degrees */
} mp_m_rec_kind;

enum { MP_VAR_V = 1u << 0, MP_VAR_G_EX = 1u << 1, MP_VAR_G_IN = 1u << 2 };

typedef struct mp_m_recorder {
    mp_m_rec_kind kind;
    char *file;      /* relative to the output directory */
    size_t target;   /* spikes, rate: source index; state: population
                        index; weights: projection index */
    size_t *neurons; /* state: which neurons (NULL + n 0 = all) */
    size_t n_neurons;
    unsigned vars;   /* state: MP_VAR_* bits */
    double interval; /* state, weights: sampling interval, ms */
    double window;   /* rate: window, ms */
    size_t every;        /* rate networks: period in samples */
    size_t test_samples; /* accuracy, alignment, orthonormality */
} mp_m_recorder;

/* ---- rate networks: training and data ----------------------------------- */

typedef enum mp_m_network { MP_NET_SPIKING, MP_NET_RATE } mp_m_network;
typedef enum mp_m_order { MP_ORDER_SHUFFLED, MP_ORDER_SEQUENTIAL } mp_m_order;
typedef enum mp_m_loss { MP_LOSS_CROSS_ENTROPY, MP_LOSS_MSE, MP_LOSS_NONE } mp_m_loss;

typedef struct mp_m_training {
    size_t samples; /* online steps; cycles through fresh permutations */
    mp_m_order order;
    mp_m_loss loss;
    int synthetic_e0; /* compute e_0 for the input layer */
    int bp_reference; /* also propagate e^BP through W every sample */
} mp_m_training;

/* The data of a rate model, loaded by the model loader (so a missing file
 * is a model error) and only read afterwards. */
typedef struct mp_m_data {
    struct mp_dataset *train; /* owned */
    struct mp_dataset *test;  /* owned; NULL when the source has none */
    double *rotation;         /* gaussian: dim x dim, column k = k-th PC */
    double *variances;        /* gaussian: dim, descending */
} mp_m_data;

/* The chain of a rate network, worked out by the loader: order[0] is the
 * rate_input population, order[n_order-1] the output layer; ff_into[p] is
 * the feedforward projection into population p, lat_of[p] its lateral
 * projection (SIZE_MAX: none). */
typedef struct mp_m_chain {
    size_t *order;
    size_t n_order;
    size_t *ff_into;
    size_t *lat_of;
} mp_m_chain;

/* ---- the model -------------------------------------------------------- */

typedef enum mp_m_trace_decay { MP_TRACE_EAGER, MP_TRACE_LAZY } mp_m_trace_decay;

struct mp_model {
    char *file; /* the model file as given */
    char *dir;  /* its directory: relative paths inside resolve from here */
    char *name;
    char *notes;
    int format_version;
    uint64_t seed;
    double dt;       /* ms */
    double duration; /* ms */
    mp_m_trace_decay trace_decay;

    mp_m_population *populations;
    size_t n_populations;
    mp_m_stimulus *stimuli;
    size_t n_stimuli;
    mp_m_source *sources; /* populations first, then stimulus outputs */
    size_t n_sources;
    mp_m_projection *projections;
    size_t n_projections;
    mp_m_recorder *recorders;
    size_t n_recorders;

    mp_m_network network;
    mp_m_training training; /* rate */
    mp_m_data data;         /* rate */
    mp_m_chain chain;       /* rate */

    mp_p_plugin **plugins; /* owned; one per distinct plugin file */
    size_t n_plugins;
};

/* Index of the source called `name`, or -1. */
long mp_m_source_find(const mp_model *m, const char *name);

/* ---- sizes (net_sizes.c): what the net of a model will need ------------- */

/* The most synapses of one projection: their indices are uint32_t, and
 * pre_ptr holds counts up to nnz. */
#define MP_MAX_SYNAPSES (UINT32_MAX - 1u)
/* The longest delay in steps: a population's arrival ring has one slot per
 * step of its longest delay (+1), and slot + delay must fit in uint32_t. */
#define MP_MAX_DELAY_STEPS ((uint32_t)INT32_MAX)

/* The other values a refused size was computed from, besides the one at
 * the error's path: absolute JSON paths ([index] form; an object stands
 * for every value inside it), so that the loader can name the --set that
 * caused the refusal. */
#define MP_M_SIZE_CAUSES 3
typedef struct mp_m_size_causes {
    size_t n;
    char path[MP_M_SIZE_CAUSES][64];
} mp_m_size_causes;

/* Refuses a model whose net would exceed the index limits above
 * (MP_EINVAL; checked first, they hold on every machine) or need more
 * memory than mp_u_mem_limit() allows (MP_ENOMEM): spiking populations,
 * delay rings, stimuli, synapses and rule states; rate layers, weights and
 * rule states. Each message names the model file, the JSON path the size
 * comes from (no line:col: the loader adds it), the owner and the bytes.
 * Model-only arithmetic, allocates nothing: the loader runs it at the end
 * of a successful validation (so `check` refuses what `run` would) and
 * mp_net_new again before building. causes may be NULL.
 * errors: MP_EINVAL, MP_ENOMEM */
int mp_m_check_sizes(const mp_model *m, mp_m_size_causes *causes, mp_error *err);
/* The state block of projection j's rule (state_size doubles for a
 * n_pre x n_post projection) and its step_vjp scratch (mp_p_rule_sizes),
 * checked against the memory limit; *n gets the state count. Spiking and
 * rate nets. errors: MP_ENOMEM */
int mp_m_check_rule_state(const mp_model *m, size_t j, uint32_t n_pre,
                          uint32_t n_post, size_t *n, mp_error *err);

#endif
