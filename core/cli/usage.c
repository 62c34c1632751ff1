/* The usage texts: one table of commands, from which both `metaplast help`
 * (every command's synopsis and summary) and `metaplast COMMAND --help` (its
 * synopsis, summary and options) are printed, so the two cannot disagree.
 * docs/cli.md is the long form. */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"

typedef struct command_usage {
    const char *name;
    const char *synopsis; /* after "metaplast NAME "; lines after the first are indented */
    const char *summary;
    const char *options;  /* "  --opt ARG   text\n" lines, or NULL */
} command_usage;

#define SET_OPTIONS                                                                    \
    "  --set PATH=VALUE    override a field of the model before validation\n"          \
    "                      (repeatable): dots for keys, [i] or [name] for array\n"     \
    "                      elements, e.g. --set seed=7,\n"                             \
    "                      --set 'projections[inh].plasticity.params.eta=0.002'\n"

#define HELP_OPTION "  --help, -h          print this text and exit\n"

#define TRUSTED_OPTION                                                                 \
    "  --trusted-plugins-only\n"                                                       \
    "                      load plugin files named by path only from the search\n"    \
    "                      path (also METAPLAST_TRUSTED_PLUGINS_ONLY=1): loading a\n" \
    "                      model runs the code of its plugins (docs/plugins.md)\n"

static const command_usage commands[] = {
    {"run", "MODEL.json [--out DIR] [--set PATH=VALUE]... [--seed N] [--duration MS] [--quiet]\n"
     "MODEL.json ... [--trusted-plugins-only]",
     "simulate a model; recordings and summary.json go to DIR (default out/<name>)",
     "  --out DIR           output directory (default out/<model name>, created)\n"
     SET_OPTIONS
     "  --seed N            the same as --set seed=N\n"
     "  --duration MS       the same as --set duration=MS\n"
     "  --quiet, -q         no progress line, no summary line\n"
     TRUSTED_OPTION
     HELP_OPTION},
    {"check", "MODEL.json [--set PATH=VALUE]... [--seed N] [--duration MS]\n"
     "MODEL.json ... [--trusted-plugins-only]",
     "validate a model (and load its plugins) without running it",
     SET_OPTIONS
     "  --seed N            the same as --set seed=N\n"
     "  --duration MS       the same as --set duration=MS\n"
     TRUSTED_OPTION
     HELP_OPTION},
    {"meta",
     "EXPERIMENT.json --out DIR [--threads N] [--max-iterations N] [--quiet]\n"
     "[EXPERIMENT.json] --resume DIR [--threads N] [--max-iterations N] [--quiet]\n"
     "EXPERIMENT.json --evaluate [--theta FILE.json] [--out DIR] [--threads N]\n"
     "EXPERIMENT.json ... [--set PATH=VALUE]... [--trusted-plugins-only]",
     "meta-optimize a rule's parameters (docs/meta.md); log.jsonl,\n"
     "checkpoint.json and result.json go to DIR",
     "  --out DIR           output directory (created)\n"
     "  --resume DIR        continue the run in DIR from its checkpoint.json, with\n"
     "                      the experiment file it records (or the one given,\n"
     "                      which must be the same file: its hash is checked)\n"
     "  --threads N         evaluations in parallel, 1..1024 (results do not depend on N)\n"
     "  --evaluate          print the meta-loss, the per-task losses and the\n"
     "                      gradient (the experiment's method) at one point as\n"
     "                      JSON, on iteration 0's tasks; with --out DIR also into\n"
     "                      DIR/evaluation.json\n"
     "  --theta FILE.json   with --evaluate: the point, {\"theta\": {NAME: VALUE}}\n"
     "                      or a run's result.json (default: the start values)\n"
     "  --max-iterations N  stop after N iterations in total (checkpointed; resumable)\n"
     "  --quiet             no progress lines\n"
     "  --set PATH=VALUE    edit the experiment's model as 'metaplast run --set'\n"
     "                      does (repeatable; not with --resume: a run started\n"
     "                      with --set cannot be resumed)\n"
     TRUSTED_OPTION
     HELP_OPTION},
    {"plugins", "\n--gradcheck RULE...",
     "list the rule plugins on the search path with their parameters, or check\n"
     "rate rules' derivative hooks (step_vjp) against finite differences",
     "  --gradcheck RULE... check each RULE (a name on the search path or a path to\n"
     "                      a .so): the worst relative error per argument; exit 1\n"
     "                      when one exceeds the tolerance (docs/rule-abi.md)\n"
     HELP_OPTION},
    {"version", "", "print the version and the rule ABI version", HELP_OPTION},
    {"help", "[COMMAND]", "print this text, or a command's usage", HELP_OPTION},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command_usage *find(const char *name)
{
    for (size_t i = 0; name && i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Prints every line of text after lead and, when given, name and a space. */
static void lines(FILE *f, const char *lead, const char *name, const char *text)
{
    const char *s = text;
    do {
        size_t n = strcspn(s, "\n");
        fprintf(f, "%s%s%s%.*s\n", lead, name ? name : "", name && n ? " " : "", (int)n, s);
        s += n + (s[n] == '\n');
    } while (*s);
}

int mp_cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int mp_cli_usage(FILE *f, const char *cmd)
{
    const command_usage *c = find(cmd);
    if (cmd && !c)
        return -1;
    if (c) {
        size_t n = strcspn(c->synopsis, "\n");
        fprintf(f, "usage: metaplast %s%s%.*s\n", c->name, n ? " " : "", (int)n, c->synopsis);
        if (c->synopsis[n])
            lines(f, "   or: metaplast ", c->name, c->synopsis + n + 1);
        fputc('\n', f);
        lines(f, "", NULL, c->summary);
        if (c->options)
            fprintf(f, "\noptions:\n%s", c->options);
    } else {
        fputs("usage: metaplast COMMAND [ARGS]  (metaplast COMMAND --help: its options)\n"
              "\ncommands:\n", f);
        for (size_t i = 0; i < N_COMMANDS; i++) {
            lines(f, "  ", commands[i].name, commands[i].synopsis);
            lines(f, "        ", NULL, commands[i].summary);
        }
        fputs("\nplugins are searched in: explicit paths in the model, $METAPLAST_PLUGIN_PATH,\n"
              "  then the installation's plugin directory\n", f);
    }
    fputs("exit status: 0 ok, 1 run-time failure, 2 bad input, 3 unstable simulation"
          " (docs/cli.md)\n", f);
    return 0;
}
