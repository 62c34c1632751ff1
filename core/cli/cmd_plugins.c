/* `metaplast plugins`: what rule plugins the search path offers. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "plugin/report_int.h"

int mp_cmd_plugins(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (mp_cli_is_help(argv[i])) {
            mp_cli_usage(stdout, "plugins");
            return MP_EXIT_OK;
        }
        fprintf(stderr, "metaplast plugins: unexpected argument '%s' (see 'metaplast "
                "plugins --help')\n", argv[i]);
        return MP_EXIT_BADINPUT;
    }
    return mp_p_report(stdout) == 0 ? MP_EXIT_OK : MP_EXIT_FAILURE;
}
