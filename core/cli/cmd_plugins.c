/* `metaplast plugins`: what rule plugins the search path offers (an
 * analyseplugin-style listing), and `metaplast plugins --gradcheck RULE...`:
 * a rate rule's derivative hooks against finite differences. Only the
 * public API (include/metaplast/plugin.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "metaplast/plugin.h"

typedef struct listing {
    FILE *out;
    int found, failed;
} listing;

static void fmt_num(char *buf, size_t n, double v)
{
    if (isinf(v))
        snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
    else
        snprintf(buf, n, "%g", v);
}

static void fmt_flags(char *buf, size_t n, uint32_t f)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{MP_PARAM_COEF, "coef"},       {MP_PARAM_INTEGER, "integer"},
                 {MP_PARAM_TOGGLE, "toggle"},   {MP_PARAM_LOGARITHMIC, "log"},
                 {MP_PARAM_PER_SYNAPSE, "per_synapse"}};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(f & names[i].bit))
            continue;
        int w = snprintf(buf + used, n - used, "%s%s", used ? "," : "", names[i].name);
        if (w < 0 || (size_t)w >= n - used)
            return;
        used += (size_t)w;
    }
    if (!used)
        snprintf(buf, n, "-");
}

static void list_one(void *user, const char *path, const mp_plugin *p,
                     const mp_error *err)
{
    listing *c = user;
    FILE *o = c->out;
    c->found++;
    fprintf(o, "\n%s\n", path);
    if (!p) {
        c->failed++;
        char msg[1024];
        fprintf(o, "  ERROR: %s\n", mp_error_format(err, msg, sizeof msg));
        return;
    }
    const mp_rule_desc *d = mp_plugin_desc(p);
    fprintf(o, "  name:    %s\n", d->name);
    fprintf(o, "  version: %s\n", d->version ? d->version : "-");
    fprintf(o, "  summary: %s\n", d->summary);
    const int spiking = (d->kind & MP_RULE_SPIKING) != 0, rate = (d->kind & MP_RULE_RATE) != 0;
    fprintf(o, "  kind:    %s   rule ABI %u.%u\n",
            spiking && rate ? "spiking, rate" : spiking ? "spiking" : rate ? "rate" : "?",
            (unsigned)d->abi_major, (unsigned)d->abi_minor);
    fprintf(o, "  hooks:  %s%s%s%s%s%s%s\n", d->reset ? " reset" : "",
            d->on_pre ? " on_pre" : "", d->on_post ? " on_post" : "",
            d->step ? " step" : "", d->step_vjp ? " step_vjp" : "",
            d->state_size ? " state_size" : "", d->scratch_size ? " scratch_size" : "");
    if (d->needs)
        fprintf(o, "  needs:  %s%s%s\n", d->needs & MP_NEED_E_POST ? " e_post" : "",
                d->needs & MP_NEED_E_PRE ? " e_pre" : "",
                d->needs_of ? " (as its parameters ask)" : "");
    for (uint32_t t = 0; t < d->n_traces; t++)
        fprintf(o, "  trace %u: %s, time constant %s\n", (unsigned)t,
                d->traces[t].side == MP_TRACE_POST ? "postsynaptic" : "presynaptic",
                d->traces[t].tau);
    if (d->n_params == 0) {
        fprintf(o, "  parameters: none\n");
        return;
    }
    fprintf(o, "  parameters:\n");
    fprintf(o, "    %-12s %-6s %12s %12s %12s  %-22s %s\n", "name", "unit", "default",
            "min", "max", "flags", "doc");
    for (uint32_t i = 0; i < d->n_params; i++) {
        const mp_param_desc *q = &d->params[i];
        char def[32], lo[32], hi[32], fl[64];
        fmt_num(def, sizeof def, q->def);
        fmt_num(lo, sizeof lo, q->lo);
        fmt_num(hi, sizeof hi, q->hi);
        fmt_flags(fl, sizeof fl, q->flags);
        fprintf(o, "    %-12s %-6s %12s %12s %12s  %-22s %s\n", q->name,
                q->unit ? q->unit : "-", def, lo, hi, fl, q->doc ? q->doc : "");
    }
}

/* The listing; returns the number of files that failed to load, -1 when
 * stdout could not be written. */
static int list_all(FILE *out)
{
    char dirs[4096];
    size_t n = mp_plugin_search_path(dirs, sizeof dirs);
    fprintf(out, "plugin search path (in order):\n");
    if (n == 0)
        fprintf(out, "  (none)\n");
    for (const char *s = dirs; n > 0;) {
        const char *e = strchr(s, ':');
        fprintf(out, "  %.*s\n", e ? (int)(e - s) : (int)strlen(s), s);
        if (!e)
            break;
        s = e + 1;
    }
    listing c = {out, 0, 0};
    mp_plugin_visit_all(list_one, &c);
    if (c.found == 0)
        fprintf(out, "\nno plugins found\n");
    else
        fprintf(out, "\n%d plugin file%s, %d failed to load\n", c.found,
                c.found == 1 ? "" : "s", c.failed);
    return fflush(out) != 0 || ferror(out) ? -1 : c.failed;
}

/* One --gradcheck: MP_EXIT_OK (passed), MP_EXIT_FAILURE (a check failed, or
 * a hook returned an error), MP_EXIT_BADINPUT (no such rule, not a rate
 * rule, no derivative hooks). */
static int gradcheck_one(const char *rule)
{
    mp_error err;
    mp_error_clear(&err);
    mp_plugin *p = NULL;
    mp_gradcheck g;
    memset(&g, 0, sizeof g);
    int rc = mp_plugin_open(rule, &p, &err);
    if (rc == MP_OK)
        rc = mp_plugin_gradcheck(p, &g, &err);
    if (rc != MP_OK) {
        mp_cli_print_error(&err);
        mp_plugin_close(p);
        return rc == MP_EINVAL || (rc == MP_EPLUGIN && !p) ? MP_EXIT_BADINPUT
                                                          : MP_EXIT_FAILURE;
    }
    const mp_rule_desc *d = mp_plugin_desc(p);
    printf("gradcheck %s (rule %s %s): step_vjp against 4th-order central differences,\n"
           "  %u random points, n_pre %u, n_post %u, seed %llu, tolerance %g\n",
           mp_plugin_path(p), d->name, d->version ? d->version : "-", g.trials,
           (unsigned)g.n_pre, (unsigned)g.n_post, (unsigned long long)g.seed, g.tol);
    printf("  %-18s %14s %12s\n", "argument", "worst rel.err", "max |d|");
    for (size_t a = 0; a < g.n_args; a++)
        printf("  %-18s %14.3g %12.3g  %s\n", g.arg[a].name, g.arg[a].rel_err,
               g.arg[a].scale, g.arg[a].ok ? "ok" : "FAILED");
    printf("  %-18s %s\n", "adds into outputs", g.accumulates ? "ok" : "FAILED (rule.h: "
           "step_vjp must add, +=, never overwrite)");
    printf("  %-18s %s\n", "leaves inputs", g.keeps_inputs ? "ok" : "FAILED (step_vjp "
           "wrote into W or an input vector)");
    if (g.passed)
        printf("passed: %s\n", d->name);
    else {
        printf("FAILED: %s:", d->name);
        for (size_t a = 0; a < g.n_args; a++)
            if (!g.arg[a].ok)
                printf(" %s (%.3g)", g.arg[a].name, g.arg[a].rel_err);
        printf("%s%s\n", g.accumulates ? "" : " adds-into-outputs",
               g.keeps_inputs ? "" : " leaves-inputs");
        fprintf(stderr, "metaplast plugins: gradcheck of rule '%s' failed: the "
                "derivative hooks disagree with finite differences of its step\n", d->name);
    }
    mp_plugin_close(p);
    return g.passed ? MP_EXIT_OK : MP_EXIT_FAILURE;
}

int mp_cmd_plugins(int argc, char **argv)
{
    int first = 0; /* argv index of the first rule after --gradcheck */
    for (int i = 2; i < argc; i++) {
        if (mp_cli_is_help(argv[i])) {
            mp_cli_usage(stdout, "plugins");
            return MP_EXIT_OK;
        }
        if (!first && strcmp(argv[i], "--gradcheck") == 0) {
            first = i + 1;
            continue;
        }
        if (!first || argv[i][0] == '-') {
            fprintf(stderr, "metaplast plugins: unexpected argument '%s' (see 'metaplast "
                    "plugins --help')\n", argv[i]);
            return MP_EXIT_BADINPUT;
        }
    }
    if (!first)
        return list_all(stdout) == 0 ? MP_EXIT_OK : MP_EXIT_FAILURE;
    if (first >= argc) {
        fprintf(stderr, "metaplast plugins: no rule after '--gradcheck' (see 'metaplast "
                "plugins --help')\n");
        return MP_EXIT_BADINPUT;
    }
    int worst = MP_EXIT_OK;
    for (int i = first; i < argc; i++) {
        int rc = gradcheck_one(argv[i]);
        worst = rc == MP_EXIT_BADINPUT || worst == MP_EXIT_BADINPUT ? MP_EXIT_BADINPUT
                : rc != MP_EXIT_OK                                 ? rc
                                                                   : worst;
        fflush(stdout);
    }
    return worst;
}
