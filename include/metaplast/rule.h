/* metaplast — the plasticity-rule plugin ABI (its version: MP_RULE_ABI_MAJOR
 * and MP_RULE_ABI_MINOR below; `metaplast version` prints it).
 *
 * This header is the whole contract between metaplast and a rule plugin. It
 * is self-contained (only <stddef.h> and <stdint.h>): a plugin is one C file
 * compiled to a shared object against this header alone, and never links
 * against libmetaplast. docs/rule-abi.md restates the contract in MUST/SHOULD
 * form; docs/writing-a-rule.md walks through an example.
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
 * and desc->abi_minor <= the host's minor. Fields are only ever appended; the
 * size members say how much of a struct the other side compiled.
 *
 * Memory. The descriptor, parameter table and strings are static data of the
 * plugin. Every pointer in mp_rule_io belongs to the host and is valid only
 * during the call. Per-projection state is a block of doubles the host
 * allocates (state_size) and zeroes; hooks keep no static mutable data, since
 * nets run in parallel threads, and never allocate.
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

#define MP_RULE_ABI_MAJOR 1 /* changed => every plugin must be rebuilt */
#define MP_RULE_ABI_MINOR 1 /* bumped when fields are appended */

#if defined(_WIN32)
#define MP_RULE_EXPORT __declspec(dllexport)
#else
#define MP_RULE_EXPORT __attribute__((visibility("default")))
#endif

enum mp_rule_status { MP_RULE_OK = 0, MP_RULE_BLOWUP = 1, MP_RULE_BUG = -1 };

/* What kind of network a rule works in (desc->kind, a bit set). */
enum mp_rule_kind {
    MP_RULE_SPIKING = 1u << 0, /* on_pre / on_post hooks */
    MP_RULE_RATE = 1u << 1     /* step hook (ABI >= 1.1) */
};

/* Parameter flags. */
enum mp_param_flag {
    /* A coefficient of the rule: the meta-layer may optimize it by name
     * (an experiment's "param") and with exact gradients (the derivative
     * hooks report it). Any numeric parameter, flagged or not, may be freed
     * by path for finite differences and CMA-ES (docs/meta.md). */
    MP_PARAM_COEF = 1u << 0,
    /* The time constant (ms) of the presynaptic trace the rule reads: the
     * host keeps x_pre with this tau on the source population, shared with
     * every other rule that asks for the same tau. At most one per rule. */
    MP_PARAM_TAU_PRE = 1u << 1,
    /* Likewise for the postsynaptic trace x_post. */
    MP_PARAM_TAU_POST = 1u << 2
    /* One parameter may carry both TAU_PRE and TAU_POST. */
};
#define MP_PARAM_FLAGS_KNOWN                                                   \
    (MP_PARAM_COEF | MP_PARAM_TAU_PRE | MP_PARAM_TAU_POST)

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

/* What a hook sees. Filled by the host, valid only during the call. */
typedef struct mp_rule_io {
    uint32_t size;           /* sizeof(mp_rule_io) as compiled into the host */
    const mp_synapses *syn;  /* the projection's synapses */
    /* Traces (unit increments, decay with the TAU_PRE / TAU_POST parameter),
     * NULL if the rule declares no such parameter. Valid entries: in on_pre,
     * all of x_post and x_pre[idx[..]] of the spiking neurons; in on_post,
     * all of x_pre and x_post[idx[..]]. (With lazily decayed traces the host
     * brings only those entries up to date.) */
    const double *x_pre;     /* n_pre presynaptic traces */
    const double *x_post;    /* n_post postsynaptic traces */
    const double *p;         /* resolved parameters, in desc->params order */
    double *state;           /* state_size() doubles, host-owned, zeroed at
                                instantiation; a rule may also use it as
                                scratch space (hooks must not allocate) */
    double t;                /* time of the current step's end, ms */
    double dt;               /* time step, ms */
    void *host;              /* opaque; pass to the functions of api */
    const mp_host_api *api;  /* the host's services (same table as the entry
                                point got), so hooks need no static copy */

    /* ---- ABI 1.1: rate networks (the step hook). Present when
     * io->size >= offsetof(mp_rule_io, e_post) + sizeof(io->e_post).
     * In rate networks syn, x_pre and x_post are NULL. For a lateral
     * projection (source == target) y_pre == y_post and e_pre == e_post:
     * the vectors may alias each other, never W. Vectors of an empty layer
     * may be NULL. ---- */
    uint32_t n_pre, n_post;  /* layer sizes */
    double *W;               /* n_post x n_pre, row-major (W[j*n_pre + k] is the
                                weight from pre k to post j): the projection's
                                weights before this sample's update; the step
                                hook adds its update in place */
    const double *y_pre;     /* n_pre presynaptic activations y_{l-1} */
    const double *y_post;    /* n_post postsynaptic activations y_l */
    const double *e_pre;     /* n_pre presynaptic errors e_{l-1} = dL/dz_{l-1}
                                (the synthetic e_0 for an input layer); NULL
                                when the network has no loss */
    const double *e_post;    /* n_post postsynaptic errors e_l = dL/dz_l, or NULL */
} mp_rule_io;


typedef struct mp_rule_desc {
    uint32_t abi_major, abi_minor; /* MP_RULE_ABI_* seen at plugin build */
    uint32_t size;                 /* sizeof(mp_rule_desc) at plugin build */
    const char *name;              /* "istdp": the name used in model files */
    const char *version;           /* the rule's own version, "1.0" */
    const char *summary;           /* one line: what the rule does */
    uint32_t kind;                 /* mp_rule_kind bits */
    const mp_param_desc *params;
    uint32_t n_params;
    /* Doubles of per-projection state; NULL => none. */
    size_t (*state_size)(const double *p, uint32_t n_pre, uint32_t n_post);
    /* Called once per instantiation after the weights are drawn and before
     * the first step; NULL => nothing to do. */
    int (*reset)(const mp_rule_io *io);
    /* Spiking: presynaptic neurons idx[0..n) spiked this step. Called after
     * their spikes were transmitted with the old weights and after x_pre
     * counted them. Updates the rows of those neurons. */
    int (*on_pre)(const mp_rule_io *io, const uint32_t *idx, size_t n);
    /* Spiking: postsynaptic neurons idx[0..n) spiked this step. Called after
     * x_post counted them. Updates the columns of those neurons. */
    int (*on_post)(const mp_rule_io *io, const uint32_t *idx, size_t n);
    /* Optional interfaces by name (LV2 extension_data); NULL => none. */
    const void *(*extension)(const char *iface);

    /* ---- ABI 1.1 ---- */
    /* Rate networks: one sample. Called after the forward pass and the
     * errors of the whole network, for every projection, all from the same
     * pre-update quantities; adds the update to io->W in place
     * (W <- W + dW). Reads only this projection's W and vectors, so the
     * order of projections does not matter. */
    int (*step)(const mp_rule_io *io);
} mp_rule_desc;

/* ---- Extension MP_RULE_GRAD_V1: reverse mode of a rate rule's step ----
 * desc->extension(MP_RULE_GRAD_V1) returns a pointer to a static
 * mp_rule_grad (or NULL). It lets the meta-layer differentiate a loss
 * through the unrolled online loop (core/rate/reverse.c, docs/
 * meta-gradients.md). Only for rules whose step is a function of (W, y_pre,
 * y_post, e_pre, e_post, p) alone: the state block must be scratch, not
 * memory carried across steps.
 *
 * step_vjp: the vector-Jacobian product of one step W' = W + dW(W, y_pre,
 * y_post, e_pre, e_post; p). The host fills io exactly as for step, with
 * io->W holding W BEFORE the update (step_vjp never writes it) and io->state
 * pointing to at least max(state_size, scratch_size) doubles of scratch
 * (contents unspecified). gW = dL/dW' (n_post x n_pre, row-major). The hook
 * ADDS (+=, never overwrites) into
 *   gp[k]        dL/dp_k for every MP_PARAM_COEF parameter k (desc order;
 *                the others are left alone);
 *   gW_in        dL/dW through this step: gW itself (the identity part of
 *                W' = W + dW) plus gW : d(dW)/dW (decay, F6-F9, Oja, ...);
 *   g_y_pre, g_y_post, g_e_pre, g_e_post   dL/d(each input vector).
 * The adjoint arrays never alias gW or W; g_y_pre may alias g_y_post (and
 * g_e_pre g_e_post) only for lateral projections. A coefficient that is 0
 * still gets its derivative (the term's value). step_vjp may require e_pre
 * and e_post to be non-NULL (MP_RULE_BUG with a message otherwise). Returns
 * like step. */
#define MP_RULE_GRAD_V1 "metaplast.rule.grad/1"
typedef struct mp_rule_grad {
    uint32_t size; /* sizeof(mp_rule_grad) at plugin build */
    int (*step_vjp)(const mp_rule_io *io, const double *gW, double *gp,
                    double *gW_in, double *g_y_pre, double *g_y_post,
                    double *g_e_pre, double *g_e_post);
    /* Doubles of scratch step_vjp needs in io->state; NULL => state_size. */
    size_t (*scratch_size)(const double *p, uint32_t n_pre, uint32_t n_post);
} mp_rule_grad;

/* True when the host's mp_rule_io carries the rate fields (ABI >= 1.1):
 * a rate rule checks it before reading n_pre, W, y_pre ... */
#define MP_RULE_IO_HAS_RATE(io)                                                \
    ((io)->size >= offsetof(mp_rule_io, e_post) + sizeof((io)->e_post))

/* For a rate rule's step hook: MP_RULE_OK when io carries the rate fields
 * (ABI >= 1.1); otherwise says so through the host and returns MP_RULE_BUG. */
static inline int mp_rule_require_rate_io(const mp_rule_io *io)
{
    if (MP_RULE_IO_HAS_RATE(io))
        return MP_RULE_OK;
    if (io->api)
        io->api->error(io->host, "the host passed no rate-network fields "
                                 "(mp_rule_io of ABI < 1.1)");
    return MP_RULE_BUG;
}

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

/* Defines `static const void *fn(const char *iface)`, a desc->extension
 * that offers the mp_rule_grad `table` under MP_RULE_GRAD_V1 and nothing
 * else. */
#define MP_RULE_GRAD_EXTENSION(fn, table)                                      \
    static const void *fn(const char *iface)                                   \
    {                                                                          \
        return mp_rule_iface_is(iface, MP_RULE_GRAD_V1) ? (const void *)&(table) \
                                                        : (const void *)0;     \
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

/* Fills the version header of a descriptor. */
#define MP_RULE_HEADER                                                         \
    MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR, (uint32_t)sizeof(mp_rule_desc)

#ifdef __cplusplus
}
#endif
#endif
