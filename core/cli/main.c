/* metaplast: the command-line entry point; dispatches to the commands. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "metaplast/rule.h"

int main(int argc, char **argv)
{
    /* A file size limit (ulimit -f) must fail the write with EFBIG, which
     * the library reports with the file and the reason (docs/cli.md), not
     * kill the process with SIGXFSZ before summary.json is written. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        mp_cli_usage(stderr, NULL);
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
        if (argc > 2 && mp_cli_is_help(argv[2])) {
            mp_cli_usage(stdout, "version");
            return MP_EXIT_OK;
        }
        if (argc > 2) {
            fprintf(stderr, "metaplast version: unexpected argument '%s' "
                            "(see 'metaplast version --help')\n", argv[2]);
            return MP_EXIT_BADINPUT;
        }
        printf("metaplast %s (rule ABI %d.%d)\n", mp_version(), MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR);
        return MP_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || mp_cli_is_help(cmd)) {
        /* `help COMMAND` is `COMMAND --help`; `help --help` is help's own
         * usage, as every command's --help is; `--help` alone is `help` */
        const char *of = argc <= 2 ? NULL : mp_cli_is_help(argv[2]) ? "help" : argv[2];
        if (mp_cli_usage(stdout, of) == 0)
            return MP_EXIT_OK;
        fprintf(stderr, "metaplast help: unknown command '%s'\n\n", argv[2]);
        mp_cli_usage(stderr, NULL);
        return MP_EXIT_BADINPUT;
    }
    fprintf(stderr, "metaplast: unknown command '%s'\n\n", cmd);
    mp_cli_usage(stderr, NULL);
    return MP_EXIT_BADINPUT;
}
