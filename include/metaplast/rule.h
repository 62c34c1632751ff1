/* metaplast — the plasticity-rule plugin ABI, version 2.0 (MP_RULE_ABI_MAJOR
 * and MP_RULE_ABI_MINOR below; `metaplast version` prints it).
 *
 * This header is the whole contract between metaplast and a rule plugin. It
 * is self-contained (only <stddef.h> and <stdint.h>): a plugin is one C file
 * compiled to a shared object against this header alone, and never links
 * against libmetaplast. docs/rule-abi.md restates the contract in MUST/SHOULD
 * form; docs/writing-a-rule.md walks through a spiking and a rate example.
 *
 * Entry point. A plugin exports exactly one symbol,
 *
 *     const mp_rule_desc *mp_rule_<name>_entry(const mp_host_api *host);
 *
 * where <name> is the file's base name with a leading "lib" and then a
 * leading "mp_" removed, cut at the first '.', and every character other than
 * [A-Za-z0-9_] replaced by '_' ("libistdp.so" -> mp_rule_istdp_entry).
 * If that symbol is missing the host tries mp_rule_entry. The entry returns a
 * pointer to a static descriptor, or NULL to refuse the host (after saying why
 * through host->error). Use MP_RULE_DEFINE below.
 *
 * Versions. The host loads a plugin when desc->abi_major == MP_RULE_ABI_MAJOR
 * and desc->abi_minor <= the host's minor. A plugin of ABI 1.x is refused
 * with a message naming the file and both versions (there is no adapter:
 * docs/design-notes.md says why). Within 2.x fields are only ever appended;
 * the size members say how much of a struct the other side compiled.
 *
 * Memory. The descriptor, parameter and trace tables and strings are static
 * data of the plugin. Every pointer in an io or adjoint struct belongs to
 * the host and is valid only during the call. Per-projection memory is two
 * host-allocated, zeroed blocks of doubles: the STATE (state_size; what the
 * rule carries from one call to the next, the only part a checkpoint would
 * hold) and the SCRATCH (scratch_size; contents unspecified at every call,
 * for temporaries of step and step_vjp). Hooks keep no static mutable data,
 * since nets run in parallel threads, and never allocate.
 *
 * Return values of hooks: MP_RULE_OK (0); MP_RULE_BLOWUP (> 0) for a
 * numerical blow-up (the run ends with an "unstable rule" report); a negative
 * value for a plugin bug (the run aborts with the plugin's host->error text).
 */
#ifndef METAPLAST_RULE_H
#define METAPLAST_RULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MP_RULE_ABI_MAJOR 2 /* changed => every plugin must be rebuilt */
#define MP_RULE_ABI_MINOR 0 /* bumped when fields are appended */

#if defined(_WIN32)
#define MP_RULE_EXPORT __declspec(dllexport)
#else
#define MP_RULE_EXPORT __attribute__((visibility("default")))
#endif

enum mp_rule_status { MP_RULE_OK = 0, MP_RULE_BLOWUP = 1, MP_RULE_BUG = -1 };

/* What kind of network a rule works in (desc->kind, a bit set). */
enum mp_rule_kind {
    MP_RULE_SPIKING = 1u << 0, /* on_pre / on_post hooks */
    MP_RULE_RATE = 1u << 1     /* step hook */
};

/* Parameter flags and hints (LADSPA's port hints, LV2's port properties). */
enum mp_param_flag {
    /* A coefficient of the rule: the meta-layer may optimize it by name
     * (an experiment's "param") and with exact gradients (a rate rule's
     * step_vjp gives its derivative). Any numeric parameter, flagged or not,
     * may be freed by path for finite differences and CMA-ES (docs/meta.md). */
    MP_PARAM_COEF = 1u << 0,
    /* Only integral values (checked when a model is loaded). */
    MP_PARAM_INTEGER = 1u << 1,
    /* A switch: 0 or 1 only (checked when a model is loaded). */
    MP_PARAM_TOGGLE = 1u << 2,
    /* The natural scale is logarithmic (a time constant, a rate spanning
     * decades): the meta-layer's default scale for it is log. Needs lo > 0. */
    MP_PARAM_LOGARITHMIC = 1u << 3,
    /* May be given per synapse: an instance then holds one value per synapse
     * (io->p_syn[k]) instead of the scalar io->p[k]. Only for COEF
     * parameters of rules that read p_syn. */
    MP_PARAM_PER_SYNAPSE = 1u << 4
};
#define MP_PARAM_FLAGS_KNOWN                                                   \
    (MP_PARAM_COEF | MP_PARAM_INTEGER | MP_PARAM_TOGGLE |                      \
     MP_PARAM_LOGARITHMIC | MP_PARAM_PER_SYNAPSE)

/* What a rate rule reads that not every network provides (desc->needs and
 * desc->needs_of): checked when a model is loaded, so a model that cannot
 * give them is refused there, naming the projection, not at the first step. */
enum mp_rule_need {
    /* the postsynaptic / presynaptic error: an error reaches the target /
     * source layer (a loss, feedback carrying it back to the layer, and
     * synthetic_e0 for the input layer; docs/rule-abi.md section 3) */
    MP_NEED_E_POST = 1u << 0,
    MP_NEED_E_PRE = 1u << 1
};
#define MP_NEED_KNOWN (MP_NEED_E_POST | MP_NEED_E_PRE)

/* One declared parameter. Names are [a-z][a-z0-9_]*, unique in the rule;
 * they are the keys of "plasticity.params" in model files. */
typedef struct mp_param_desc {
    const char *name;
    const char *unit; /* "ms", "1", ... */
    const char *doc;  /* one line */
    double def;       /* default */
    double lo, hi;    /* inclusive bounds; -HUGE_VAL / HUGE_VAL for none */
    uint32_t flags;   /* mp_param_flag bits */
} mp_param_desc;

/* Which neurons a spike trace follows. */
enum mp_trace_side { MP_TRACE_PRE = 0, MP_TRACE_POST = 1 };

/* One spike trace a spiking rule reads: x += 1 at each spike of a neuron
 * of `side`, decaying with the time constant (ms) given by the parameter
 * named `tau` (its lower bound must be > 0). The host keeps one trace per
 * (population, tau) shared by every rule that asks for it. */
/* The most traces one rule may declare (desc->n_traces). */
#define MP_RULE_MAX_TRACES 8

typedef struct mp_trace_desc {
    uint32_t side;   /* mp_trace_side */
    const char *tau; /* a parameter's name */
} mp_trace_desc;

/* The synapses of one projection, as the host stores them. Synapses are
 * numbered 0..nnz-1 grouped by presynaptic neuron; every index array is
 * present for every connectivity (all-to-all included), so a rule has one
 * code path. */
typedef struct mp_synapses {
    uint32_t n_pre, n_post;
    size_t nnz;
    double *w;                /* nnz weights (dimensionless), updated in place */
    const uint32_t *pre_ptr;  /* n_pre+1: synapses of pre i: [pre_ptr[i], pre_ptr[i+1]) */
    const uint32_t *post_of;  /* nnz: postsynaptic neuron of synapse k */
    const uint32_t *post_ptr; /* n_post+1: incoming synapses of post j are */
    const uint32_t *post_syn; /*   post_syn[post_ptr[j] .. post_ptr[j+1]-1] */
    const uint32_t *pre_of;   /* nnz: presynaptic neuron of synapse k */
} mp_synapses;

/* Services the host hands to the entry point (SQLite's api-table pattern). */
typedef struct mp_host_api {
    uint32_t abi_major, abi_minor;
    uint32_t size; /* sizeof(mp_host_api) as compiled into the host */
    /* Records a message in the run's error (printf-style). */
    void (*error)(void *host, const char *fmt, ...);
    /* A uniform deviate in [0, 1) from this projection's RNG stream. */
    double (*uniform)(void *host);
} mp_host_api;

/* What every hook sees, first member of each io struct below. */
typedef struct mp_rule_ctx {
    uint32_t size;           /* sizeof of the io struct the host compiled */
    uint32_t n_pre, n_post;  /* presynaptic, postsynaptic neurons */
    const double *p;         /* resolved parameters, in desc->params order */
    /* n_params entries: p_syn[k] is the per-synapse array of a
     * MP_PARAM_PER_SYNAPSE parameter k the instance was given (spiking: nnz
     * values in the host's synapse order; rate: n_post x n_pre row-major,
     * like W), else NULL: then p[k] holds for every synapse. p_syn itself
     * is never NULL. */
    const double *const *p_syn;
    double *state;           /* state_size doubles, zeroed at reset */
    double *scratch;         /* scratch_size doubles, contents unspecified */
    void *host;              /* opaque; pass to the functions of api */
    const mp_host_api *api;  /* the host's services (same table as the entry
                                point got), so hooks need no static copy */
} mp_rule_ctx;

/* Spiking hooks (on_pre, on_post) and reset in a spiking net. */
typedef struct mp_spike_io {
    mp_rule_ctx c;
    const mp_synapses *syn;  /* the projection's synapses */
    /* desc->n_traces trace vectors, in desc->traces order: n_pre entries
     * for a MP_TRACE_PRE trace, n_post for MP_TRACE_POST. Valid entries: in
     * on_pre, all of the post traces and the pre traces of the spiking
     * neurons; in on_post, all of the pre traces and the post traces of the
     * spiking neurons. A trace has counted this step's spikes already (for
     * its value just before a spike, subtract 1). */
    const double *const *x;
    double t;                /* time of the current step's end, ms */
    double dt;               /* time step, ms */
} mp_spike_io;

/* The step hook (and step_vjp) of a rate rule, and reset in a rate net.
 * One step is one training sample: t is the number of samples trained
 * before this one plus 1 (1 at the first sample; 0 in reset) and dt = 1
 * (one sample). For a lateral projection (source == target) y_pre ==
 * y_post and e_pre == e_post: the vectors may alias each other, never W.
 * Vectors of an empty layer may be NULL. */
typedef struct mp_rate_io {
    mp_rule_ctx c;
    double *W;               /* n_post x n_pre, row-major (W[j*n_pre + k] is the
                                weight from pre k to post j): the projection's
                                weights before this sample's update; step adds
                                its update in place */
    const double *y_pre;     /* n_pre presynaptic activations y_{l-1} */
    const double *y_post;    /* n_post postsynaptic activations y_l */
    const double *e_pre;     /* n_pre presynaptic errors e_{l-1} = dL/dz_{l-1}
                                (the synthetic e_0 for an input layer); NULL
                                when the network has no loss */
    const double *e_post;    /* n_post postsynaptic errors e_l = dL/dz_l, or NULL */
    double t;                /* samples trained before this one, plus 1 */
    double dt;               /* 1 (one sample) */
} mp_rate_io;

/* The adjoint of one rate step W' = W + dW(W, y_pre, y_post, e_pre, e_post;
 * p) for step_vjp. gW = dL/dW' is given; the hook ADDS (+=, never
 * overwrites) into
 *   gp[k]      dL/dp_k for every MP_PARAM_COEF parameter k (desc order; the
 *              others are left alone) that has no array in gp_syn;
 *   gp_syn[k]  (when not NULL) dL/dp_k per synapse (n_post x n_pre) for a
 *              MP_PARAM_PER_SYNAPSE parameter k: the host asks for it when
 *              the instance holds an array for k (then gp[k] is not
 *              written); gp_syn itself is never NULL;
 *   gW_in      dL/dW through this step: gW itself (the identity part of
 *              W' = W + dW) plus gW : d(dW)/dW (decay, F6-F9, Oja, ...);
 *   g_y_pre, g_y_post, g_e_pre, g_e_post   dL/d(each input vector).
 * The arrays never alias gW or W; g_y_pre may alias g_y_post (and g_e_pre
 * g_e_post) only for lateral projections. A coefficient that is 0 still
 * gets its derivative (the term's value). */
typedef struct mp_rate_adj {
    uint32_t size;           /* sizeof(mp_rate_adj) as compiled into the host */
    const double *gW;
    double *gp;
    double *const *gp_syn;
    double *gW_in;
    double *g_y_pre, *g_y_post, *g_e_pre, *g_e_post;
} mp_rate_adj;

typedef struct mp_rule_desc {
    uint32_t abi_major, abi_minor; /* MP_RULE_ABI_* seen at plugin build */
    uint32_t size;                 /* sizeof(mp_rule_desc) at plugin build */
    const char *name;              /* "istdp": the name used in model files */
    const char *version;           /* the rule's own version, "1.0" */
    const char *summary;           /* one line: what the rule does */
    uint32_t kind;                 /* mp_rule_kind bits */
    const mp_param_desc *params;
    uint32_t n_params;
    /* Spike traces a spiking rule reads (io->x), any number per side. */
    const mp_trace_desc *traces;
    uint32_t n_traces;
    /* mp_rule_need bits the rule may read (shown by `metaplast plugins`). */
    uint32_t needs;
    /* The needs for parameter values p, a subset of `needs` (a pool rule
     * whose error terms are all 0 needs no error); NULL => `needs`. */
    uint32_t (*needs_of)(const double *p);
    /* Doubles of state (carried between calls) and of scratch; NULL => 0. */
    size_t (*state_size)(const double *p, uint32_t n_pre, uint32_t n_post);
    size_t (*scratch_size)(const double *p, uint32_t n_pre, uint32_t n_post);
    /* Called once per instantiation and on every reset of the network,
     * after the weights are drawn and before the first step, with the io of
     * the network's kind (spiking: a mp_spike_io, rate: a mp_rate_io; the
     * other NULL). NULL => nothing to do. */
    int (*reset)(const mp_spike_io *spike, const mp_rate_io *rate);
    /* Spiking: presynaptic neurons idx[0..n) spiked this step. Called after
     * their spikes were transmitted with the old weights and after the pre
     * traces counted them. Updates the rows of those neurons. */
    int (*on_pre)(const mp_spike_io *io, const uint32_t *idx, size_t n);
    /* Spiking: postsynaptic neurons idx[0..n) spiked this step. Called after
     * the post traces counted them. Updates the columns of those neurons. */
    int (*on_post)(const mp_spike_io *io, const uint32_t *idx, size_t n);
    /* Rate: one sample. Called after the forward pass and the errors of the
     * whole network, for every projection, all from the same pre-update
     * quantities; adds the update to io->W in place (W <- W + dW). Reads
     * only this projection's W and vectors, so the order of projections
     * does not matter. */
    int (*step)(const mp_rate_io *io);
    /* Rate, optional: the reverse mode of step (the vector-Jacobian product
     * of one step, mp_rate_adj). io is filled exactly as for step, with
     * io->W holding W BEFORE the update (never written). Only for rules
     * whose step is a function of (W, y_pre, y_post, e_pre, e_post, p)
     * alone: no state carried across steps. The meta-layer's exact
     * gradients (docs/meta-gradients.md) and `metaplast plugins
     * --gradcheck` use it. Returns like step. */
    int (*step_vjp)(const mp_rate_io *io, const mp_rate_adj *adj);
    /* Optional interfaces by name (LV2 extension_data); NULL => none. */
    const void *(*extension)(const char *iface);
} mp_rule_desc;

/* 1 when the interface name iface equals want (without <string.h>). */
static inline int mp_rule_iface_is(const char *iface, const char *want)
{
    if (!iface)
        return 0;
    while (*iface && *iface == *want) {
        iface++;
        want++;
    }
    return *iface == *want;
}

/* The value of parameter k at synapse s: the per-synapse array when the
 * instance holds one, else the scalar. */
static inline double mp_rule_param_at(const mp_rule_ctx *c, uint32_t k, size_t s)
{
    return c->p_syn[k] ? c->p_syn[k][s] : c->p[k];
}

/* The common part of reset's io, whichever network called it. */
static inline const mp_rule_ctx *mp_rule_reset_ctx(const mp_spike_io *spike,
                                                   const mp_rate_io *rate)
{
    return spike ? &spike->c : &rate->c;
}

typedef const mp_rule_desc *(*mp_rule_entry_fn)(const mp_host_api *host);

/* Defines the entry point of plugin file <name>.so returning `desc`. */
#define MP_RULE_DEFINE(name, desc)                                             \
    MP_RULE_EXPORT const mp_rule_desc *mp_rule_##name##_entry(                 \
        const mp_host_api *host);                                              \
    MP_RULE_EXPORT const mp_rule_desc *mp_rule_##name##_entry(                 \
        const mp_host_api *host)                                               \
    {                                                                          \
        (void)host;                                                            \
        return &(desc);                                                        \
    }

/* Fills the version header of a descriptor (designated: `MP_RULE_HEADER,
 * .name = ...`). */
#define MP_RULE_HEADER                                                         \
    .abi_major = MP_RULE_ABI_MAJOR, .abi_minor = MP_RULE_ABI_MINOR,            \
    .size = (uint32_t)sizeof(mp_rule_desc)

#ifdef __cplusplus
}
#endif
#endif
