/* `metaplast run` and `metaplast check`: load a model, optionally simulate it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"

/* Any failure to load a model is the user's input (file, field, plugin,
 * data file), except running out of memory. */
static int load_model(const mp_cli_opts *o, const char *cmd, mp_model **m)
{
    mp_error err;
    mp_error_clear(&err);
    unsigned flags;
    if (mp_cli_load_flags(cmd, o->trusted_plugins, &flags) != MP_EXIT_OK)
        return MP_EXIT_BADINPUT;
    int rc = mp_model_load_flags(o->model, (const char *const *)o->sets, o->n_sets,
                                 flags, m, &err);
    if (rc != MP_OK) {
        mp_cli_print_error(&err);
        return rc == MP_ENOMEM ? MP_EXIT_FAILURE : MP_EXIT_BADINPUT;
    }
    return MP_EXIT_OK;
}

int mp_cmd_check(int argc, char **argv)
{
    mp_cli_opts o;
    mp_model *m = NULL;
    int rc = mp_cli_parse(argc, argv, 2, "check", &o);
    if (rc == MP_CLI_HELP) {
        mp_cli_opts_free(&o);
        return MP_EXIT_OK;
    }
    if (rc == MP_EXIT_OK)
        rc = load_model(&o, "check", &m);
    if (rc == MP_EXIT_OK)
        printf("ok: %s (%s)\n", mp_model_name(m), o.model);
    mp_model_free(m);
    mp_cli_opts_free(&o);
    return rc;
}

/* A one-line progress report, only when stderr is a terminal. */
typedef struct progress {
    double wall0;
    int rate; /* rate network: the callback counts samples, not ms */
} progress;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void show_progress(void *user, double t, double total)
{
    progress *p = user;
    double wall = now() - p->wall0;
    double frac = total > 0 ? t / total : 1.0;
    double eta = frac > 0 ? wall * (1.0 / frac - 1.0) : 0.0;
    if (p->rate)
        fprintf(stderr, "\r  %6.1f%%  %.0f / %.0f samples  wall %.1f s  eta %.1f s   ",
                100.0 * frac, t, total, wall, eta);
    else
        fprintf(stderr, "\r  %6.1f%%  t = %.1f / %.1f s  wall %.1f s  eta %.1f s   ",
                100.0 * frac, t / 1000.0, total / 1000.0, wall, eta);
    fflush(stderr);
}

static int simulate(mp_model *m, const mp_cli_opts *o, const char *outdir)
{
    mp_net *net = NULL;
    mp_error err;
    mp_error_clear(&err);
    double wall0 = now();
    int rc = mp_net_new(m, mp_model_seed(m), &net, &err);
    if (rc == MP_OK)
        rc = mp_net_open_recorders(net, outdir, &err);
    if (rc == MP_OK) {
        int tty = !o->quiet && isatty(STDERR_FILENO);
        progress p = {wall0, mp_net_samples(net) >= 0};
        rc = mp_net_run(net, mp_model_duration(m), tty ? show_progress : NULL, &p, &err);
        if (tty)
            fprintf(stderr, "\n");
    }
    /* Recordings and the summary are written even after a failure (a
     * blow-up, a recorder that could not be opened or written): they show
     * how far the run got, and summary.json says that and why it failed.
     * Errors in closing and in the summary are printed after the first. */
    mp_error later[2];
    int n_later = 0, summary_written = 0;
    if (net) {
        mp_error_clear(&later[0]);
        int rc2 = mp_net_close_recorders(net, &later[0]);
        if (rc == MP_OK && rc2 != MP_OK) {
            rc = rc2;
            err = later[0];
        } else if (rc2 != MP_OK)
            n_later++;
        mp_error_clear(&later[n_later]);
        double wall = now() - wall0;
        rc2 = rc == MP_OK ? mp_net_write_summary(net, outdir, wall, &later[n_later])
                          : mp_net_write_summary_failed(net, outdir, wall, &err,
                                                        &later[n_later]);
        summary_written = rc2 == MP_OK;
        if (rc == MP_OK && rc2 != MP_OK) {
            rc = rc2;
            err = later[n_later];
        } else if (rc2 != MP_OK)
            n_later++;
    }
    if (rc != MP_OK) {
        mp_cli_print_error(&err);
        for (int i = 0; i < n_later; i++)
            if (strcmp(later[i].file, err.file) != 0 || strcmp(later[i].text, err.text) != 0)
                mp_cli_print_error(&later[i]); /* a recorder's write error, once */
        if (summary_written)
            fprintf(stderr, "metaplast: the run stopped early; recordings up to that time "
                            "and summary.json (\"status\": \"failed\") are in %s\n",
                    outdir);
    } else if (!o->quiet && mp_net_samples(net) >= 0) {
        printf("%s: trained on %lld samples in %.3f s wall; output in %s\n",
               mp_model_name(m), mp_net_samples(net), now() - wall0, outdir);
    } else if (!o->quiet) {
        printf("%s: simulated %.3f s in %.3f s wall; output in %s\n", mp_model_name(m),
               mp_net_time(net) / 1000.0, now() - wall0, outdir);
    }
    mp_net_free(net);
    return mp_cli_exit_code(rc);
}

int mp_cmd_run(int argc, char **argv)
{
    mp_cli_opts o;
    mp_model *m = NULL;
    char *outdir = NULL;
    int rc = mp_cli_parse(argc, argv, 2, "run", &o);
    if (rc == MP_CLI_HELP) {
        mp_cli_opts_free(&o);
        return MP_EXIT_OK;
    }
    if (rc == MP_EXIT_OK)
        rc = load_model(&o, "run", &m);
    if (rc == MP_EXIT_OK) {
        if (o.out) {
            outdir = strdup(o.out);
        } else {
            /* Default: out/<model name> in the current directory. */
            const char *name = mp_model_name(m);
            outdir = malloc(strlen(name) + 5);
            if (outdir)
                sprintf(outdir, "out/%s", name);
        }
        rc = outdir ? simulate(m, &o, outdir) : MP_EXIT_FAILURE;
    }
    free(outdir);
    mp_model_free(m);
    mp_cli_opts_free(&o);
    return rc;
}
