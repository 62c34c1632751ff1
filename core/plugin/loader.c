/* Loading and validating rule plugins. The only file of metaplast that
 * calls dlopen/dlsym/dlclose. Finding them (the search path) is search.c.
 *
 * Entry-time messages: a plugin entry gets only the api table, so an entry
 * that refuses the host reports why through host->error(NULL, ...). That
 * message is kept in the thread-local buffer entry_msg below (one per thread,
 * reset before each entry call): the only static mutable data of the plugin
 * module, and safe because a load runs on one thread from start to end.
 */
#define _XOPEN_SOURCE 700
#include <dlfcn.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/host_ctx.h"
#include "plugin/plugin_int.h"
#include "util/util_int.h"


/* Size of a rule ABI 2.0 descriptor: frozen, whatever is appended later. */
#define MP_P_DESC_SIZE_2_0                                                     \
    (offsetof(mp_rule_desc, extension) + sizeof(((mp_rule_desc *)0)->extension))

static _Thread_local char entry_msg[MP_ERROR_TEXT_LEN];

void mp_p_entry_verror(const char *fmt, va_list ap)
{
    if (entry_msg[0])
        return;
    vsnprintf(entry_msg, sizeof entry_msg, fmt ? fmt : "(no message)", ap);
}

/* ---- loading and validation --------------------------------------------- */

/* mp_p_plugin plus the host's copy of the descriptor, padded with zeros up
 * to the host's sizeof(mp_rule_desc): fields a plugin built against an older
 * minor version did not compile read as 0/NULL. */
typedef struct plugin_box {
    mp_p_plugin pub; /* first: a mp_p_plugin * is a plugin_box * */
    mp_rule_desc desc;
} plugin_box;

/* The <name> of mp_rule_<name>_entry for a file: the basename without a
 * leading "lib" and then "mp_", cut at the first '.', every character other
 * than [A-Za-z0-9_] replaced by '_'. */
static void entry_stem(const char *path, char *out, size_t n)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    if (strncmp(b, "lib", 3) == 0)
        b += 3;
    if (strncmp(b, "mp_", 3) == 0)
        b += 3;
    size_t k = 0;
    for (; *b && *b != '.' && k + 1 < n; b++) {
        char c = *b;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '_';
        out[k++] = ok ? c : '_';
    }
    out[k] = '\0';
}

static int valid_param_name(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (const char *c = s + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return 0;
    return 1;
}

#define REFUSE(...) mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL, __VA_ARGS__)

/* The traces table: every tau names a parameter whose lower bound is > 0;
 * idx gets their indices. */
static int check_traces(const char *path, const mp_rule_desc *d, int *idx,
                        mp_error *err)
{
    if (d->n_traces > 0 && !d->traces)
        return REFUSE("plugin '%s' (rule %s): n_traces is %u but traces is NULL",
                      path, d->name, d->n_traces);
    if (d->n_traces > MP_RULE_MAX_TRACES)
        return REFUSE("plugin '%s' (rule %s): declares %u spike traces; a rule may "
                      "read at most %d (MP_RULE_MAX_TRACES)", path, d->name,
                      d->n_traces, MP_RULE_MAX_TRACES);
    if (d->n_traces > 0 && !(d->kind & MP_RULE_SPIKING))
        return REFUSE("plugin '%s' (rule %s): declares %u spike traces but is "
                      "not a spiking rule", path, d->name, d->n_traces);
    for (uint32_t t = 0; t < d->n_traces; t++) {
        const mp_trace_desc *tr = &d->traces[t];
        if (tr->side != MP_TRACE_PRE && tr->side != MP_TRACE_POST)
            return REFUSE("plugin '%s' (rule %s): trace %u has the side %u; it "
                          "must be MP_TRACE_PRE (0) or MP_TRACE_POST (1)",
                          path, d->name, t, (unsigned)tr->side);
        int i = tr->tau ? mp_p_param_index(d, tr->tau) : -1;
        if (i < 0)
            return REFUSE("plugin '%s' (rule %s): trace %u names the time "
                          "constant '%s', which is not one of its parameters",
                          path, d->name, t, tr->tau ? tr->tau : "(null)");
        const mp_param_desc *q = &d->params[i];
        if (!(q->lo > 0))
            return REFUSE("plugin '%s': parameter '%s' is the time constant of "
                          "%s trace %u, so its lower bound must be > 0 (got %g)",
                          path, q->name,
                          tr->side == MP_TRACE_PRE ? "presynaptic" : "postsynaptic",
                          t, q->lo);
        idx[t] = i;
    }
    return MP_OK;
}

/* The hints of parameter q: known bits, and bounds and default that fit them. */
static int check_hints(const char *path, const mp_rule_desc *d,
                       const mp_param_desc *q, mp_error *err)
{
    if (q->flags & ~(uint32_t)MP_PARAM_FLAGS_KNOWN)
        return REFUSE("plugin '%s': parameter '%s' has unknown flag bits "
                      "0x%x (rule ABI %d.%d knows 0x%x)",
                      path, q->name,
                      (unsigned)(q->flags & ~(uint32_t)MP_PARAM_FLAGS_KNOWN),
                      MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR,
                      (unsigned)MP_PARAM_FLAGS_KNOWN);
    if ((q->flags & MP_PARAM_TOGGLE) && !(q->lo >= 0 && q->hi <= 1 &&
                                          (q->def == 0 || q->def == 1)))
        return REFUSE("plugin '%s': parameter '%s' is MP_PARAM_TOGGLE, so its "
                      "bounds must lie in [0, 1] and its default be 0 or 1 (got "
                      "[%g, %g], default %g)", path, q->name, q->lo, q->hi, q->def);
    if ((q->flags & MP_PARAM_INTEGER) && q->def != floor(q->def))
        return REFUSE("plugin '%s': parameter '%s' is MP_PARAM_INTEGER but its "
                      "default %g is not an integer", path, q->name, q->def);
    if ((q->flags & MP_PARAM_LOGARITHMIC) && !(q->lo > 0))
        return REFUSE("plugin '%s': parameter '%s' is MP_PARAM_LOGARITHMIC, so "
                      "its lower bound must be > 0 (got %g)", path, q->name, q->lo);
    if ((q->flags & MP_PARAM_PER_SYNAPSE) && !(q->flags & MP_PARAM_COEF))
        return REFUSE("plugin '%s' (rule %s): parameter '%s' is "
                      "MP_PARAM_PER_SYNAPSE but not MP_PARAM_COEF; only "
                      "coefficients may be given per synapse",
                      path, d->name, q->name);
    return MP_OK;
}

static int check_params(const char *path, const mp_rule_desc *d, mp_error *err)
{
    if (d->n_params > 0 && !d->params)
        return REFUSE("plugin '%s': n_params is %u but params is NULL", path,
                      d->n_params);
    for (uint32_t i = 0; i < d->n_params; i++) {
        const mp_param_desc *q = &d->params[i];
        if (!q->name)
            return REFUSE("plugin '%s': parameter %u has no name", path, i);
        if (!valid_param_name(q->name))
            return REFUSE("plugin '%s': parameter %u has the invalid name "
                          "\"%s\": names are [a-z][a-z0-9_]* (a lower-case "
                          "letter, then lower-case letters, digits or '_')",
                          path, i, q->name);
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(d->params[j].name, q->name) == 0)
                return REFUSE("plugin '%s': parameter '%s' is declared twice "
                              "(parameters %u and %u)",
                              path, q->name, j, i);
        if (!(q->lo <= q->hi))
            return REFUSE("plugin '%s': parameter '%s' has empty bounds "
                          "[%g, %g]",
                          path, q->name, q->lo, q->hi);
        if (!(q->lo <= q->def && q->def <= q->hi))
            return REFUSE("plugin '%s': parameter '%s' has the default %g, "
                          "outside its bounds [%g, %g]",
                          path, q->name, q->def, q->lo, q->hi);
        int rc = check_hints(path, d, q, err);
        if (rc != MP_OK)
            return rc;
    }
    return MP_OK;
}

static int check_desc(const char *path, const mp_rule_desc *d, mp_error *err)
{
    if (!d->name || !d->name[0])
        return REFUSE("plugin '%s': the descriptor has no name", path);
    if (!d->summary || !d->summary[0])
        return REFUSE("plugin '%s' (rule %s): the descriptor has no summary",
                      path, d->name);
    const uint32_t known = MP_RULE_SPIKING | MP_RULE_RATE;
    if (d->kind & ~known)
        return REFUSE("plugin '%s' (rule %s): unknown kind bits 0x%x (rule ABI "
                      "%d.%d knows MP_RULE_SPIKING and MP_RULE_RATE)",
                      path, d->name, (unsigned)(d->kind & ~known),
                      MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR);
    if (!(d->kind & known))
        return REFUSE("plugin '%s' (rule %s): kind is 0; it must include "
                      "MP_RULE_SPIKING or MP_RULE_RATE",
                      path, d->name);
    if ((d->kind & MP_RULE_SPIKING) && !d->on_pre && !d->on_post)
        return REFUSE("plugin '%s' (rule %s): a spiking rule needs a hook: "
                      "on_pre and on_post are both NULL",
                      path, d->name);
    if ((d->kind & MP_RULE_RATE) && !d->step)
        return REFUSE("plugin '%s' (rule %s): a rate rule needs the step hook, "
                      "but step is NULL",
                      path, d->name);
    if (d->step_vjp && !(d->kind & MP_RULE_RATE))
        return REFUSE("plugin '%s' (rule %s): step_vjp is the reverse mode of a "
                      "rate rule's step, but the rule is not MP_RULE_RATE",
                      path, d->name);
    if (d->needs & ~(uint32_t)MP_NEED_KNOWN)
        return REFUSE("plugin '%s' (rule %s): unknown needs bits 0x%x (rule ABI "
                      "%d.%d knows MP_NEED_E_POST and MP_NEED_E_PRE)",
                      path, d->name, (unsigned)(d->needs & ~(uint32_t)MP_NEED_KNOWN),
                      MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR);
    if (d->needs && !(d->kind & MP_RULE_RATE))
        return REFUSE("plugin '%s' (rule %s): needs names errors of a rate "
                      "network, but the rule is not MP_RULE_RATE",
                      path, d->name);
    return MP_OK;
}

int mp_p_plugin_load(const char *path, mp_p_plugin **out, mp_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_p_plugin_load: no path or no output");

    /* 1. dlopen */
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        return REFUSE("cannot load plugin '%s': %s", path, e ? e : "dlopen failed");
    }

    /* 2. the entry symbol */
    char stem[200], sym[240];
    entry_stem(path, stem, sizeof stem);
    snprintf(sym, sizeof sym, "mp_rule_%s_entry", stem);
    const char *used = sym;
    void *s = dlsym(h, sym);
    if (!s) {
        used = "mp_rule_entry";
        s = dlsym(h, used);
    }
    if (!s) {
        dlclose(h);
        return REFUSE("plugin '%s' has no entry point: it exports neither %s "
                      "nor mp_rule_entry (define it with MP_RULE_DEFINE(%s, "
                      "desc) from metaplast/rule.h)",
                      path, sym, stem[0] ? stem : "name");
    }
    mp_rule_entry_fn fn;
    memcpy(&fn, &s, sizeof fn);

    /* 3. the entry call */
    entry_msg[0] = '\0';
    const mp_rule_desc *d = fn(mp_p_host_api());
    if (!d) {
        int rc = REFUSE("plugin '%s' refused to load (%s returned NULL): %s",
                        path, used,
                        entry_msg[0] ? entry_msg : "it gave no reason");
        entry_msg[0] = '\0';
        dlclose(h);
        return rc;
    }
    entry_msg[0] = '\0';

    /* 4. versions */
    int rc = MP_OK;
    /* abi_major, abi_minor and size lead the descriptor in every ABI, so
     * a 1.x descriptor is read this far and no further */
    if (d->abi_major != MP_RULE_ABI_MAJOR || d->abi_minor > MP_RULE_ABI_MINOR)
        rc = REFUSE("plugin '%s' was built for rule ABI %u.%u, this metaplast "
                    "provides %d.%d: rebuild it against this metaplast's rule.h%s",
                    path, (unsigned)d->abi_major, (unsigned)d->abi_minor,
                    MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR,
                    d->abi_major < MP_RULE_ABI_MAJOR
                        ? " (docs/rule-abi.md, \"Migrating from 1.x\", lists "
                          "what changed)"
                        : "");
    else if (d->size < MP_P_DESC_SIZE_2_0)
        rc = REFUSE("plugin '%s': its descriptor is %u bytes, smaller than a "
                    "rule ABI 2.0 descriptor (%zu bytes): fill its header with "
                    "MP_RULE_HEADER and rebuild it against this metaplast's "
                    "rule.h",
                    path, (unsigned)d->size, (size_t)MP_P_DESC_SIZE_2_0);
    if (rc) {
        dlclose(h);
        return rc;
    }

    plugin_box *b = mp_u_calloc(1, sizeof *b);
    char *pathdup = mp_u_strdup(path);
    if (!b || !pathdup) {
        mp_u_free(b);
        mp_u_free(pathdup);
        dlclose(h);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    memcpy(&b->desc, d, d->size < sizeof b->desc ? d->size : sizeof b->desc);

    /* 5., 6., 7. required fields, parameters, traces */
    uint32_t nt = b->desc.n_traces;
    int *tidx = mp_u_calloc(nt ? nt : 1, sizeof *tidx);
    if (!tidx)
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc || (rc = check_desc(path, &b->desc, err)) ||
        (rc = check_params(path, &b->desc, err)) ||
        (rc = check_traces(path, &b->desc, tidx, err))) {
        mp_u_free(tidx);
        mp_u_free(b);
        mp_u_free(pathdup);
        dlclose(h);
        return rc;
    }

    b->pub.path = pathdup;
    b->pub.handle = h;
    b->pub.desc = &b->desc;
    b->pub.trace_param = tidx;
    *out = &b->pub;
    return MP_OK;
}

#undef REFUSE

void mp_p_plugin_free(mp_p_plugin *p)
{
    if (!p)
        return;
    if (p->handle)
        dlclose(p->handle);
    mp_u_free(p->path);
    mp_u_free(p->trace_param);
    mp_u_free((plugin_box *)p);
}

int mp_p_param_index(const mp_rule_desc *d, const char *name)
{
    if (!d || !name || !d->params)
        return -1;
    for (uint32_t i = 0; i < d->n_params; i++)
        if (d->params[i].name && strcmp(d->params[i].name, name) == 0)
            return (int)i;
    return -1;
}
