/* `metaplast meta EXPERIMENT.json --out DIR [--threads N] [--evaluate]
 * [--max-iterations N] [--quiet]` and `metaplast meta [EXPERIMENT.json]
 * --resume DIR ...`: the meta-optimization of a rule's coefficients
 * (core/meta/, docs/meta.md; the usage text is in usage.c). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "metaplast/meta.h"

static volatile int g_stop; /* the signal that stopped the run, or 0 */

/* The first Ctrl-C (SIGINT) or SIGTERM lets the current iteration finish
 * and its checkpoint be written (so that no temporary file is left behind);
 * a second one kills at once (the previous checkpoint stays whole: it is
 * replaced atomically). */
static void on_stop_signal(int sig)
{
    g_stop = sig;
    signal(sig, SIG_DFL);
}

/* s quoted for a POSIX shell when it needs it: as is when every character
 * is safe, else in single quotes with each ' written '\''. malloc'ed. */
static char *shell_quote(const char *s)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789_@%+=:,./-";
    size_t n = strlen(s), quotes = 0;
    for (const char *p = s; *p; p++)
        quotes += *p == '\'';
    char *q = malloc(n + 3 * quotes + 3);
    if (!q || (n && strspn(s, safe) == n))
        return q ? strcpy(q, s) : NULL;
    char *w = q;
    *w++ = '\'';
    for (const char *p = s; *p; p++)
        if (*p == '\'') {
            memcpy(w, "'\\''", 4);
            w += 4;
        } else
            *w++ = *p;
    *w++ = '\'';
    *w = '\0';
    return q;
}

/* The command that reruns this experiment, for result.json. */
static char *rerun_command(const char *exp, const char *out, long long threads,
                           const char *const *sets, size_t n_sets)
{
    char *qe = shell_quote(exp), *qo = shell_quote(out), *cmd = NULL;
    size_t len = qe && qo ? strlen(qe) + strlen(qo) + 64 : 0;
    char **qs = calloc(n_sets ? n_sets : 1, sizeof *qs);
    for (size_t i = 0; len && qs && i < n_sets; i++)
        len = (qs[i] = shell_quote(sets[i])) ? len + strlen(qs[i]) + 7 : 0;
    if (len && qs && (cmd = malloc(len))) {
        int k = snprintf(cmd, len, "metaplast meta %s --out %s --threads %lld", qe, qo,
                         threads);
        for (size_t i = 0; i < n_sets; i++)
            k += snprintf(cmd + k, len - (size_t)k, " --set %s", qs[i]);
    }
    for (size_t i = 0; qs && i < n_sets; i++)
        free(qs[i]);
    free(qs);
    free(qe);
    free(qo);
    return cmd;
}

#define SEE_HELP "(see 'metaplast meta --help')\n"

static int parse_count(const char *s, long long lo, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < lo)
        return -1;
    *out = v;
    return 0;
}

/* The progress line after every iteration (stderr). */
static void print_progress(void *user, const mp_meta_progress *p)
{
    const mp_experiment *x = user;
    fprintf(stderr, "iter %lld/%zu  loss %.6g", p->iteration, p->iterations, p->loss);
    if (p->score_name && isfinite(p->score))
        fprintf(stderr, "  %s %.4g", p->score_name, p->score);
    for (size_t i = 0; i < mp_experiment_n_free(x); i++) {
        mp_free_info f;
        if (mp_experiment_free_info(x, i, &f, NULL) == MP_OK && f.size == 1)
            fprintf(stderr, "%s%s=%.6g", i ? " " : "  | ", f.name,
                    mp_experiment_value(x, p->theta, f.offset));
    }
    if (isfinite(p->sigma))
        fprintf(stderr, "  sigma %.3g", p->sigma);
    if (p->blowups)
        fprintf(stderr, "  [%zu blow-ups]", p->blowups);
    fprintf(stderr, "  | %.2f s/it\n", p->seconds);
}

static void print_notice(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "meta: %s\n", line);
}

/* --evaluate [--theta FILE] [--out DIR]: the point (the start values, or
 * the file's), its evaluation on iteration 0's tasks as JSON on stdout, and
 * into DIR when given. */
static int evaluate_point(const mp_experiment *x, const char *theta_file,
                          const char *out, int threads, mp_error *err)
{
    size_t dim = mp_experiment_dim(x);
    double *theta = malloc((dim ? dim : 1) * sizeof *theta);
    if (!theta) {
        fprintf(stderr, "metaplast meta: out of memory\n");
        return MP_ENOMEM;
    }
    mp_experiment_initial_theta(x, theta);
    int rc = theta_file ? mp_experiment_read_theta(x, theta_file, theta, err) : MP_OK;
    mp_meta_eval e;
    memset(&e, 0, sizeof e);
    if (rc == MP_OK)
        rc = mp_meta_evaluate(x, theta, 0, threads, MP_META_GRADIENT, &e, err);
    char *json = NULL;
    if (rc == MP_OK)
        rc = mp_meta_eval_json(x, theta, &e, &json, err);
    if (rc == MP_OK && out)
        rc = mp_meta_eval_write(x, theta, &e, out, err);
    if (rc == MP_OK)
        printf("%s\n", json);
    mp_free(json);
    mp_meta_eval_release(&e);
    free(theta);
    return rc;
}

/* sets: room for argc edits (the caller's) */
static int meta_main(int argc, char **argv, const char **sets)
{
    const char *exp = NULL, *out = NULL, *resume = NULL, *theta_file = NULL;
    long long threads = 1, maxit = -1;
    size_t n_sets = 0; /* --set PATH=VALUE, pointers into argv */
    int evaluate = 0, quiet = 0, trusted_plugins = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (mp_cli_is_help(a)) {
            mp_cli_usage(stdout, "meta");
            return MP_EXIT_OK;
        } else if (strcmp(a, "--out") == 0 && has)
            out = argv[++i];
        else if (strcmp(a, "--resume") == 0 && has)
            resume = argv[++i];
        else if (strcmp(a, "--theta") == 0 && has)
            theta_file = argv[++i];
        else if (strcmp(a, "--threads") == 0 && has) {
            if (parse_count(argv[++i], 1, &threads) != 0 || threads > 1024) {
                fprintf(stderr, "metaplast meta: --threads needs an integer in [1, 1024], "
                        "got '%s'\n", argv[i]);
                return MP_EXIT_BADINPUT;
            }
        } else if (strcmp(a, "--max-iterations") == 0 && has) {
            if (parse_count(argv[++i], 0, &maxit) != 0) {
                fprintf(stderr, "metaplast meta: --max-iterations needs an integer >= 0, "
                        "got '%s'\n", argv[i]);
                return MP_EXIT_BADINPUT;
            }
        } else if ((strcmp(a, "--set") == 0 && has) || strncmp(a, "--set=", 6) == 0) {
            const char *v = a[5] == '=' ? a + 6 : argv[++i];
            if (!strchr(v, '=')) {
                fprintf(stderr, "metaplast meta: --set expects path=value (got '%s')\n", v);
                return MP_EXIT_BADINPUT;
            }
            sets[n_sets++] = v;
        } else if (strcmp(a, "--evaluate") == 0)
            evaluate = 1;
        else if (strcmp(a, "--quiet") == 0)
            quiet = 1;
        else if (strcmp(a, "--trusted-plugins-only") == 0)
            trusted_plugins = 1;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "metaplast meta: unknown or incomplete option '%s' " SEE_HELP, a);
            return MP_EXIT_BADINPUT;
        } else if (!exp)
            exp = a;
        else {
            fprintf(stderr, "metaplast meta: one experiment file only ('%s') " SEE_HELP, a);
            return MP_EXIT_BADINPUT;
        }
    }
    if (n_sets && resume) {
        fprintf(stderr, "metaplast meta: --set edits a new run's model; a resumed run "
                "continues with the model it started with, and a run started with "
                "--set cannot be resumed (write the values into a model file instead)\n");
        return MP_EXIT_BADINPUT;
    }
    if (!exp && !resume) {
        fprintf(stderr, "metaplast meta: no experiment file and no --resume DIR " SEE_HELP);
        return MP_EXIT_BADINPUT;
    }
    if ((out && !out[0]) || (resume && !resume[0])) {
        fprintf(stderr, "metaplast meta: --%s needs a directory, got an empty name "
                SEE_HELP, out && !out[0] ? "out" : "resume");
        return MP_EXIT_BADINPUT;
    }
    if (theta_file && !evaluate) {
        fprintf(stderr, "metaplast meta: --theta FILE gives the point --evaluate "
                "evaluates; add --evaluate " SEE_HELP);
        return MP_EXIT_BADINPUT;
    }
    if (evaluate && resume) {
        fprintf(stderr, "metaplast meta: --evaluate evaluates one point; it does not "
                "resume a run (give --theta DIR/result.json to evaluate its point) "
                SEE_HELP);
        return MP_EXIT_BADINPUT;
    }
    if (resume && out && strcmp(resume, out) != 0) {
        fprintf(stderr, "metaplast meta: --resume continues in its own directory; "
                "--out must be the same or left out\n");
        return MP_EXIT_BADINPUT;
    }
    if (resume)
        out = resume;
    if (!out && !evaluate) {
        fprintf(stderr, "metaplast meta: --out DIR is required " SEE_HELP);
        return MP_EXIT_BADINPUT;
    }
    unsigned flags;
    if (mp_cli_load_flags("meta", trusted_plugins, &flags) != MP_EXIT_OK)
        return MP_EXIT_BADINPUT;
    mp_error err;
    mp_error_clear(&err);
    mp_experiment *x = NULL;
    char *recorded = NULL; /* --resume: the experiment file the checkpoint names */
    int rc = resume ? mp_meta_resume_experiment(resume, exp, &recorded, &err) : MP_OK;
    if (rc == MP_OK)
        rc = mp_experiment_load(resume ? recorded : exp, sets, n_sets, flags, &x, &err);
    if (rc != MP_OK) {
        mp_cli_print_error(&err);
        mp_free(recorded);
        return rc == MP_ENOMEM ? MP_EXIT_FAILURE : MP_EXIT_BADINPUT;
    }
    exp = mp_experiment_file(x);
    if (evaluate) {
        rc = evaluate_point(x, theta_file, out, (int)threads, &err);
    } else {
        char *cmd = rerun_command(exp, out, threads, sets, n_sets);
        signal(SIGINT, on_stop_signal);
        signal(SIGTERM, on_stop_signal);
        mp_meta_run_opts o = {out,  (int)threads, resume != NULL, maxit, cmd, &g_stop,
                              quiet ? NULL : print_progress, quiet ? NULL : print_notice,
                              x};
        rc = mp_meta_run(x, &o, &err);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        if (g_stop && rc == MP_OK && !quiet) {
            char *qo = shell_quote(out);
            fprintf(stderr, "meta: continue with: metaplast meta --resume %s\n",
                    qo ? qo : out);
            free(qo);
        }
        free(cmd);
    }
    if (rc != MP_OK)
        mp_cli_print_error(&err);
    mp_experiment_free(x);
    mp_free(recorded);
    /* Interrupted: the checkpoint and result.json are written, and the exit
     * status says the run did not finish, as a shell reports a process that
     * the signal killed: 130 for SIGINT, 143 for SIGTERM (docs/cli.md). */
    if (g_stop && rc == MP_OK)
        return g_stop == SIGTERM ? MP_EXIT_TERMINATED : MP_EXIT_INTERRUPTED;
    return mp_cli_exit_code(rc);
}

int mp_cmd_meta(int argc, char **argv)
{
    const char **sets = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *sets);
    if (!sets) {
        fprintf(stderr, "metaplast meta: out of memory\n");
        return MP_EXIT_FAILURE;
    }
    int rc = meta_main(argc, argv, sets);
    free(sets);
    return rc;
}
