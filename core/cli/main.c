/* metaplast: the command-line entry point; dispatches to the commands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "metaplast/rule.h"

static const char usage[] =
    "usage: metaplast COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  run MODEL.json [--out DIR] [--set PATH=VALUE]... [--seed N] [--duration MS] [--quiet]\n"
    "        simulate a model; recordings and summary.json go to DIR (default out/<name>)\n"
    "  check MODEL.json [--set PATH=VALUE]...\n"
    "        validate a model (and load its plugins) without running it\n"
    "  meta EXPERIMENT.json --out DIR [--threads N] [--resume DIR] [--evaluate]\n"
    "       [--max-iterations N] [--quiet]\n"
    "        meta-optimize a rule's coefficients (docs/meta.md); log.jsonl,\n"
    "        checkpoint.json and result.json go to DIR; --resume DIR continues there;\n"
    "        --evaluate prints the meta-loss (and gradient) at the initial coefficients\n"
    "  plugins\n"
    "        list the rule plugins on the search path with their parameters\n"
    "  version, help\n"
    "\n"
    "--set overrides a field before validation, e.g. --set seed=7,\n"
    "  --set 'projections[inh].plasticity.params.eta=0.002'\n"
    "plugins are searched in: explicit paths in the model, $METAPLAST_PLUGIN_PATH,\n"
    "  then the installation's plugin directory\n"
    "exit status: 0 ok, 1 run-time failure, 2 bad input, 3 unstable simulation\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return MP_EXIT_BADINPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return mp_cmd_run(argc, argv);
    if (strcmp(cmd, "check") == 0)
        return mp_cmd_check(argc, argv);
    if (strcmp(cmd, "meta") == 0)
        return mp_cmd_meta(argc, argv);
    if (strcmp(cmd, "plugins") == 0)
        return mp_cmd_plugins(argc, argv);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("metaplast %s (rule ABI %d.%d)\n", mp_version(), MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR);
        return MP_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage, stdout);
        return MP_EXIT_OK;
    }
    fprintf(stderr, "metaplast: unknown command '%s'\n\n%s", cmd, usage);
    return MP_EXIT_BADINPUT;
}
