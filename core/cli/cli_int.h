/* The metaplast command-line interface: the only code that prints to
 * stdout/stderr or decides the process exit status. */
#ifndef MP_CLI_INT_H
#define MP_CLI_INT_H

#include <stddef.h>
#include <stdio.h>

#include "metaplast/metaplast.h"

/* Exit statuses (docs/cli.md). */
enum {
    MP_EXIT_OK = 0,
    MP_EXIT_FAILURE = 1,  /* run-time failure: I/O, plugin bug, out of memory */
    MP_EXIT_BADINPUT = 2, /* bad command line, model file or data file */
    MP_EXIT_UNSTABLE = 3, /* the simulation blew up (NaN, runaway weights) */
    MP_EXIT_INTERRUPTED = 130, /* meta stopped by SIGINT (128 + 2), checkpoint written */
    MP_EXIT_TERMINATED = 143   /* meta stopped by SIGTERM (128 + 15), checkpoint written */
};

/* mp_cli_parse's answer to --help: the usage is printed, exit MP_EXIT_OK. */
#define MP_CLI_HELP (-1)

/* Options shared by the commands that read a model. */
typedef struct mp_cli_opts {
    const char *model;     /* MODEL.json */
    const char *out;       /* --out DIR, NULL = default */
    const char **sets;     /* --set path=value (also --seed, --duration) */
    size_t n_sets;
    int quiet;             /* --quiet: no progress, no summary on stdout */
    int trusted_plugins;   /* --trusted-plugins-only */
    char scratch[2][64];   /* storage for --seed / --duration overrides */
} mp_cli_opts;

/* Parses argv[first..argc) into opts; prints a message and returns
 * MP_EXIT_BADINPUT on a bad option, MP_EXIT_OK otherwise; on --help prints
 * the command's usage to stdout and returns MP_CLI_HELP. The sets array
 * is allocated: free with mp_cli_opts_free. */
int mp_cli_parse(int argc, char **argv, int first, const char *cmd,
                 mp_cli_opts *opts);
void mp_cli_opts_free(mp_cli_opts *opts);

/* Prints the usage of command cmd (usage.c), or with cmd NULL the list of
 * commands; returns -1 for an unknown command. */
int mp_cli_usage(FILE *f, const char *cmd);
/* 1 when arg asks for the usage: "--help" or "-h". */
int mp_cli_is_help(const char *arg);
/* The MP_LOAD_* flags of model loading: MP_LOAD_TRUSTED_PLUGINS_ONLY when
 * `trusted_option` (--trusted-plugins-only) is set or the environment has
 * METAPLAST_TRUSTED_PLUGINS_ONLY=1. Prints a message and returns
 * MP_EXIT_BADINPUT when that variable has another value than "", 0 or 1. */
int mp_cli_load_flags(const char *cmd, int trusted_option, unsigned *flags);

/* Prints an error record as "metaplast: file:line:col: path: text". */
void mp_cli_print_error(const mp_error *err);

/* Maps a library status to an exit status. */
int mp_cli_exit_code(int status);

int mp_cmd_run(int argc, char **argv);
int mp_cmd_check(int argc, char **argv);
int mp_cmd_plugins(int argc, char **argv);
int mp_cmd_meta(int argc, char **argv); /* cmd_meta.c */

#endif
