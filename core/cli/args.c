/* Option parsing shared by `run` and `check` (their usage: usage.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"

static int add_set(mp_cli_opts *o, const char *s)
{
    const char **n = realloc(o->sets, (o->n_sets + 1) * sizeof *n);
    if (!n) {
        fprintf(stderr, "metaplast: out of memory\n");
        return MP_EXIT_FAILURE;
    }
    o->sets = n;
    o->sets[o->n_sets++] = s;
    return MP_EXIT_OK;
}

/* "--opt value" or "--opt=value": returns the value or NULL. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t len = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, len) != 0)
        return NULL;
    if (a[len] == '=')
        return a + len + 1;
    if (a[len] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int mp_cli_parse(int argc, char **argv, int first, const char *cmd,
                 mp_cli_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *v;
        if (mp_cli_is_help(a)) {
            mp_cli_usage(stdout, cmd);
            return MP_CLI_HELP;
        }
        if ((v = opt_value(argc, argv, &i, "--set"))) {
            if (!strchr(v, '=')) {
                fprintf(stderr, "metaplast %s: --set expects path=value (got '%s')\n", cmd, v);
                return MP_EXIT_BADINPUT;
            }
            if (add_set(o, v))
                return MP_EXIT_FAILURE;
        } else if ((v = opt_value(argc, argv, &i, "--seed"))) {
            snprintf(o->scratch[0], sizeof o->scratch[0], "seed=%s", v);
            if (add_set(o, o->scratch[0]))
                return MP_EXIT_FAILURE;
        } else if ((v = opt_value(argc, argv, &i, "--duration"))) {
            snprintf(o->scratch[1], sizeof o->scratch[1], "duration=%s", v);
            if (add_set(o, o->scratch[1]))
                return MP_EXIT_FAILURE;
        } else if ((v = opt_value(argc, argv, &i, "--out"))) {
            if (!v[0]) {
                fprintf(stderr, "metaplast %s: --out needs a directory, got an empty "
                        "name (see 'metaplast %s --help')\n", cmd, cmd);
                return MP_EXIT_BADINPUT;
            }
            o->out = v;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--trusted-plugins-only") == 0) {
            o->trusted_plugins = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr,
                    "metaplast %s: unknown or incomplete option '%s' "
                    "(see 'metaplast %s --help')\n", cmd, a, cmd);
            return MP_EXIT_BADINPUT;
        } else if (!o->model) {
            o->model = a;
        } else {
            fprintf(stderr, "metaplast %s: unexpected argument '%s' (one model file only)\n",
                    cmd, a);
            return MP_EXIT_BADINPUT;
        }
    }
    if (!o->model) {
        fprintf(stderr, "metaplast %s: missing MODEL.json (usage: metaplast %s MODEL.json [options])\n",
                cmd, cmd);
        return MP_EXIT_BADINPUT;
    }
    return MP_EXIT_OK;
}

void mp_cli_opts_free(mp_cli_opts *o)
{
    free(o->sets);
    o->sets = NULL;
    o->n_sets = 0;
}

int mp_cli_load_flags(const char *cmd, int trusted_option, unsigned *flags)
{
    /* Read here, not in the library: the library takes the policy as a
     * load flag and never looks at the environment for it. */
    const char *env = getenv("METAPLAST_TRUSTED_PLUGINS_ONLY");
    int on = trusted_option;
    if (env && strcmp(env, "1") == 0)
        on = 1;
    else if (env && env[0] && strcmp(env, "0") != 0) {
        /* a policy meant as "on" must not pass silently as "off" */
        fprintf(stderr,
                "metaplast %s: METAPLAST_TRUSTED_PLUGINS_ONLY is '%s': set it to 1 "
                "(refuse plugin files outside the search path) or 0, or unset it\n",
                cmd, env);
        return MP_EXIT_BADINPUT;
    }
    *flags = on ? MP_LOAD_TRUSTED_PLUGINS_ONLY : 0;
    return MP_EXIT_OK;
}

void mp_cli_print_error(const mp_error *err)
{
    char buf[MP_ERROR_FILE_LEN + MP_ERROR_PATH_LEN + MP_ERROR_TEXT_LEN + 64];
    fprintf(stderr, "metaplast: %s\n", mp_error_format(err, buf, sizeof buf));
}

int mp_cli_exit_code(int status)
{
    switch (status) {
    case MP_OK: return MP_EXIT_OK;
    case MP_EINVAL:
    case MP_EPARSE: return MP_EXIT_BADINPUT;
    case MP_EUNSTABLE: return MP_EXIT_UNSTABLE;
    default: return MP_EXIT_FAILURE;
    }
}
