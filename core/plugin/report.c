/* `metaplast plugins`: an analyseplugin-style listing of the search path. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plugin/plugin_int.h"
#include "plugin/report_int.h"

typedef struct report_ctx {
    FILE *out;
    int found, failed;
} report_ctx;

static void fmt_num(char *buf, size_t n, double v)
{
    if (isinf(v))
        snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
    else
        snprintf(buf, n, "%g", v);
}

static void fmt_flags(char *buf, size_t n, uint32_t f)
{
    buf[0] = '\0';
    size_t used = 0;
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{MP_PARAM_COEF, "coef"},
                 {MP_PARAM_TAU_PRE, "tau_pre"},
                 {MP_PARAM_TAU_POST, "tau_post"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(f & names[i].bit))
            continue;
        int w = snprintf(buf + used, n - used, "%s%s", used ? "," : "",
                         names[i].name);
        if (w < 0 || (size_t)w >= n - used)
            return;
        used += (size_t)w;
    }
    if (!used)
        snprintf(buf, n, "-");
}

static void visit(void *user, const char *path, const mp_p_plugin *p,
                  const mp_error *err)
{
    report_ctx *c = user;
    FILE *o = c->out;
    c->found++;
    fprintf(o, "\n%s\n", path);
    if (!p) {
        c->failed++;
        char msg[1024];
        fprintf(o, "  ERROR: %s\n", mp_error_format(err, msg, sizeof msg));
        return;
    }
    const mp_rule_desc *d = p->desc;
    fprintf(o, "  name:    %s\n", d->name);
    fprintf(o, "  version: %s\n", d->version ? d->version : "-");
    fprintf(o, "  summary: %s\n", d->summary);
    const int spiking = (d->kind & MP_RULE_SPIKING) != 0, rate = (d->kind & MP_RULE_RATE) != 0;
    fprintf(o, "  kind:    %s   rule ABI %u.%u\n",
            spiking && rate ? "spiking, rate" : spiking ? "spiking" : rate ? "rate" : "?",
            (unsigned)d->abi_major, (unsigned)d->abi_minor);
    fprintf(o, "  hooks:  %s%s%s%s%s\n", d->reset ? " reset" : "",
            d->on_pre ? " on_pre" : "", d->on_post ? " on_post" : "",
            d->step ? " step" : "", d->state_size ? " state_size" : "");
    if (d->n_params == 0) {
        fprintf(o, "  parameters: none\n");
        return;
    }
    fprintf(o, "  parameters:\n");
    fprintf(o, "    %-12s %-6s %12s %12s %12s  %-16s %s\n", "name", "unit",
            "default", "min", "max", "flags", "doc");
    for (uint32_t i = 0; i < d->n_params; i++) {
        const mp_param_desc *q = &d->params[i];
        char def[32], lo[32], hi[32], fl[48];
        fmt_num(def, sizeof def, q->def);
        fmt_num(lo, sizeof lo, q->lo);
        fmt_num(hi, sizeof hi, q->hi);
        fmt_flags(fl, sizeof fl, q->flags);
        fprintf(o, "    %-12s %-6s %12s %12s %12s  %-16s %s\n", q->name,
                q->unit ? q->unit : "-", def, lo, hi, fl, q->doc ? q->doc : "");
    }
}

int mp_p_report(FILE *out)
{
    if (!out)
        return -1;
    char dirs[4096];
    size_t n = mp_p_search_path(dirs, sizeof dirs);
    fprintf(out, "plugin search path (in order):\n");
    if (n == 0) {
        fprintf(out, "  (none)\n");
    } else {
        const char *s = dirs;
        for (;;) {
            const char *e = strchr(s, ':');
            int len = e ? (int)(e - s) : (int)strlen(s);
            fprintf(out, "  %.*s\n", len, s);
            if (!e)
                break;
            s = e + 1;
        }
    }
    report_ctx c = {out, 0, 0};
    mp_p_visit_all(visit, &c);
    if (c.found == 0)
        fprintf(out, "\nno plugins found\n");
    else
        fprintf(out, "\n%d plugin file%s, %d failed to load\n", c.found,
                c.found == 1 ? "" : "s", c.failed);
    if (ferror(out))
        return -1;
    return c.failed;
}
