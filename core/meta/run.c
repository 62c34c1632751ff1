/* The meta-optimization loop: per iteration, one batch of every evaluation
 * it needs (batch.c: tasks x points: theta, FD probes or CMA-ES
 * candidates), the optimizer steps, one JSON line goes to DIR/log.jsonl and the state to
 * DIR/checkpoint.json (written to a temporary file, flushed to disk, then
 * renamed; core/util/output.c).
 * docs/meta.md describes the files. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meta/batch_int.h"
#include "meta/meta_int.h"
#include "util/util_int.h"

#define JFLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/* checkpoint.json and result.json replace their previous version
 * atomically and durably (core/util/output.c). */
static int write_json_atomic(const char *dir, const char *name, json_t *j,
                             size_t flags, mp_error *err)
{
    char *txt = json_dumps(j, flags);
    int rc = txt ? mp_u_replace_output(dir, name, txt, strlen(txt), err)
                 : mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    mp_u_free(txt);
    return rc;
}

/* ---- the state of a run ---------------------------------------------------------- */

typedef mp_x_state state; /* meta_int.h */

static json_t *checkpoint_json(const state *s)
{
    char h[32];
    snprintf(h, sizeof h, "%016llx", (unsigned long long)s->x->hash);
    json_t *j = json_pack("{s:s,s:i,s:s,s:I,s:o,s:o,s:I,s:o}", "format",
                          "metaplast-meta-checkpoint", "version", MP_X_CHECKPOINT_VERSION,
                          "experiment_hash", h, "iter", (json_int_t)s->iter, "theta",
                          mp_x_json_array(s->theta, s->n), "best_theta", mp_x_json_array(s->best_theta, s->n),
                          "best_iter", (json_int_t)s->best_iter, "best_loss",
                          mp_x_json_num(s->best_loss));
    json_object_set_new(j, "last_loss", mp_x_json_num(s->last_loss));
    /* what `meta --resume DIR` alone loads (resume.c) */
    json_object_set_new(j, "experiment", json_string(s->x->file_abs));
    if (s->x->opt == MP_X_OPT_ADAM) {
        json_object_set_new(j, "adam",
                            json_pack("{s:I,s:o,s:o}", "t", (json_int_t)s->adam.t, "m",
                                      mp_x_json_array(s->adam.m, s->n), "v", mp_x_json_array(s->adam.v, s->n)));
    } else {
        const mp_cmaes *e = &s->es;
        json_object_set_new(
            j, "cmaes",
            json_pack("{s:o,s:f,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:I}", "mean",
                      mp_x_json_array(e->mean, s->n), "sigma", e->sigma, "C", mp_x_json_array(e->C, s->n * s->n),
                      "B", mp_x_json_array(e->B, s->n * s->n), "D", mp_x_json_array(e->D, s->n), "pc",
                      mp_x_json_array(e->pc, s->n), "ps", mp_x_json_array(e->ps, s->n), "counteval",
                      (json_int_t)e->counteval, "eigeneval", (json_int_t)e->eigeneval,
                      "gen", (json_int_t)e->gen));
    }
    return j;
}

static int load_checkpoint(state *s, const char *dir, mp_error *err)
{
    char *path = mp_u_path_join(dir, "checkpoint.json"), *text = NULL;
    size_t len = 0;
    int e = 0, rc = path ? mp_u_read_file(path, &text, &len, &e) : MP_U_READ_NOMEM;
    if (rc == MP_U_READ_OK)
        rc = mp_x_checkpoint_read(s, text, len, path, err);
    else
        rc = mp_u_err(err, rc == MP_U_READ_NOMEM ? MP_ENOMEM : MP_EIO, path, 0, 0,
                      NULL, "cannot read the checkpoint '%s' to resume: %s", path,
                      mp_u_read_reason(rc, e));
    mp_u_free(text);
    mp_u_free(path);
    return rc;
}

/* Keeps the first `lines` lines of DIR/log.jsonl (a run interrupted between
 * its log line and its checkpoint leaves one line too many). Opened as every
 * input is (mp_u_open_input): a FIFO there must not hang the run; with
 * lines 0 nothing is read and the write below judges what is there. */
static int truncate_log(const char *dir, long long lines, mp_error *err)
{
    char *path = mp_u_path_join(dir, "log.jsonl");
    int fd = -1, e = 0, r = path && lines > 0 ? mp_u_open_input(path, &fd, &e)
                                              : MP_U_READ_NOMEM;
    FILE *f = r == MP_U_READ_OK ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        mp_u_free(path);
        return lines == 0 ? mp_u_write_output(dir, "log.jsonl", "", 0, err)
                          : mp_u_err(err, MP_EIO, dir, 0, 0, NULL,
                                     "cannot read log.jsonl in '%s' to resume: %s", dir,
                                     mp_u_read_reason(r, e));
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = mp_u_malloc(cap);
    long long seen = 0;
    int c;
    while (buf && seen < lines && (c = fgetc(f)) != EOF) {
        if (n + 1 >= cap) {
            char *nb = mp_u_realloc(buf, cap *= 2);
            if (!nb) {
                mp_u_free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        buf[n++] = (char)c;
        seen += c == '\n';
    }
    fclose(f);
    int rc = MP_OK;
    if (!buf)
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    else if (seen < lines)
        rc = mp_u_err(err, MP_EPARSE, path, 0, 0, NULL,
                      "log.jsonl has %lld lines, the checkpoint says %lld", seen, lines);
    else
        rc = mp_u_write_output(dir, "log.jsonl", buf, n, err);
    mp_u_free(buf);
    mp_u_free(path);
    return rc;
}

/* What the caller's progress callback gets after an iteration. */
static void progress(const state *s, const mp_meta_run_opts *o, const double *th,
                     double loss, double acc, double secs, size_t blown)
{
    if (!o->progress)
        return;
    const mp_experiment *x = s->x;
    mp_meta_progress p = {s->iter + 1,
                          x->iterations,
                          loss,
                          acc,
                          x->loss == MP_X_LOSS_TARGET_RATE ? "rate"
                          : x->task == MP_X_TASK_NWAY      ? "acc"
                                                           : NULL,
                          th,
                          x->opt == MP_X_OPT_CMAES ? s->es.sigma : NAN,
                          blown,
                          secs};
    o->progress(o->user, &p);
}

/* A one-line notice to the caller's callback (printf-style). */
static void notice(const mp_meta_run_opts *o, const char *fmt, ...) MP_PRINTF(2, 3);
static void notice(const mp_meta_run_opts *o, const char *fmt, ...)
{
    if (!o->notice)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    o->notice(o->user, line);
}

static void clamp(const state *s, double *t)
{
    for (size_t i = 0; i < s->n; i++)
        t[i] = t[i] < s->lo[i] ? s->lo[i] : t[i] > s->hi[i] ? s->hi[i] : t[i];
}

/* One iteration; fills the log line. */
static int iterate(state *s, int threads, json_t *line, double *out_loss,
                   double *out_acc, size_t *out_blown, mp_error *err)
{
    const mp_experiment *x = s->x;
    size_t n = s->n, T = x->per_iteration;
    uint64_t it = (uint64_t)s->iter;
    int exact = x->opt == MP_X_OPT_ADAM && x->gradient == MP_X_GRAD_EXACT;
    size_t np = x->opt == MP_X_OPT_CMAES ? 1 + s->es.lambda
                : exact                  ? 1
                                         : 1 + 2 * n;
    double *pts = mp_u_malloc(np * n * sizeof(double));
    double *grad = mp_u_calloc(n, sizeof(double));
    double *fvals = mp_u_calloc(np, sizeof(double));
    mp_x_batch b = {x, pts, np, T, it, NULL, NULL, NULL};
    int rc = pts && grad && fvals ? MP_OK : MP_ENOMEM;
    if (rc == MP_OK && exact && !(b.grads = mp_u_calloc(np * T * n, sizeof(double))))
        rc = MP_ENOMEM;
    if (rc != MP_OK) {
        mp_u_free(pts);
        mp_u_free(grad);
        mp_u_free(fvals);
        mp_u_free(b.grads);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    const double *theta_used = s->theta;
    if (x->opt == MP_X_OPT_CMAES) {
        memcpy(pts, s->es.mean, n * sizeof(double));
        if (mp_cmaes_ask(&s->es, mp_x_seed(x->seed, 4, it, 0), pts + n) != MP_OK) {
            rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                          "out of memory for CMA-ES's random number generator");
            goto out;
        }
        theta_used = s->es.mean;
    } else {
        memcpy(pts, s->theta, n * sizeof(double));
        if (!exact)
            for (size_t i = 0; i < n; i++) {
                memcpy(pts + (1 + 2 * i) * n, s->theta, n * sizeof(double));
                memcpy(pts + (2 + 2 * i) * n, s->theta, n * sizeof(double));
                pts[(1 + 2 * i) * n + i] += x->fd_step;
                pts[(2 + 2 * i) * n + i] -= x->fd_step;
            }
    }
    rc = mp_x_batch_run(&b, threads, err);
    if (rc != MP_OK)
        goto out;
    mp_x_point_stats c = mp_x_batch_reduce(&b, 0, exact ? grad : NULL);
    size_t blown = 0;
    const char *reason = NULL;
    for (size_t p = 0; p < np; p++) {
        mp_x_point_stats q = mp_x_batch_reduce(&b, p, NULL);
        fvals[p] = q.loss + mp_x_penalty(x, pts + p * n, NULL);
        blown += q.blown;
        if (!reason)
            reason = q.reason;
    }
    double loss = fvals[0];
    json_object_set_new(line, "iter", json_integer((json_int_t)s->iter));
    json_object_set_new(line, "theta", mp_x_json_values(x, theta_used));
    json_object_set_new(line, "loss", mp_x_json_num(loss));
    if (x->task == MP_X_TASK_NWAY)
        json_object_set_new(line, "accuracy", mp_x_json_num(c.acc));
    else if (x->loss == MP_X_LOSS_TARGET_RATE)
        json_object_set_new(line, "rate", mp_x_json_num(c.acc));
    *out_acc = c.acc;
    mp_x_batch_analysis(&b, theta_used, line);
    if (x->opt == MP_X_OPT_ADAM) {
        if (!exact)
            for (size_t i = 0; i < n; i++)
                grad[i] = (fvals[1 + 2 * i] - mp_x_penalty(x, pts + (1 + 2 * i) * n, NULL) -
                           (fvals[2 + 2 * i] - mp_x_penalty(x, pts + (2 + 2 * i) * n, NULL))) /
                          (2.0 * x->fd_step);
        mp_x_penalty(x, s->theta, grad);
        json_object_set_new(line, "gradient", mp_x_json_named(x, grad));
        double gn = mp_x_clip(grad, n, x->clip);
        json_object_set_new(line, "grad_norm", mp_x_json_num(gn));
        mp_adam_step(&s->adam, s->theta, grad);
        clamp(s, s->theta);
    } else {
        double best = fvals[1];
        size_t bi = 1;
        for (size_t p = 2; p < np; p++)
            if (fvals[p] < best) {
                best = fvals[p];
                bi = p;
            }
        json_object_set_new(line, "sigma", mp_x_json_num(s->es.sigma));
        json_object_set_new(line, "best_candidate_loss", mp_x_json_num(best));
        json_object_set_new(line, "best_candidate", mp_x_json_values(x, pts + bi * n));
        json_object_set_new(line, "candidate_losses", mp_x_json_array(fvals + 1, np - 1));
        rc = mp_cmaes_tell(&s->es, pts + n, fvals + 1);
        if (rc != MP_OK) {
            rc = mp_u_err(err, rc, NULL, 0, 0, NULL, "out of memory");
            goto out;
        }
        memcpy(s->theta, s->es.mean, n * sizeof(double));
    }
    json_object_set_new(line, "evaluations", json_integer((json_int_t)(np * T)));
    json_object_set_new(line, "blowups", json_integer((json_int_t)blown));
    if (reason)
        json_object_set_new(line, "reason", json_string(reason));
    *out_loss = loss;
    *out_blown = blown;
    if (loss < s->best_loss) {
        s->best_loss = loss;
        s->best_iter = s->iter;
        memcpy(s->best_theta, pts, n * sizeof(double)); /* point 0: theta used */
    }
    s->last_loss = loss;
out:
    mp_u_free(b.res);
    mp_u_free(b.grads);
    mp_u_free(pts);
    mp_u_free(grad);
    mp_u_free(fvals);
    return rc;
}

static int state_init(state *s, const mp_experiment *x, mp_error *err)
{
    size_t n = x->dim;
    memset(s, 0, sizeof *s);
    s->x = x;
    s->n = n;
    s->theta = mp_u_malloc(n * sizeof(double));
    s->best_theta = mp_u_malloc(n * sizeof(double));
    s->lo = mp_u_malloc(n * sizeof(double));
    s->hi = mp_u_malloc(n * sizeof(double));
    if (!s->theta || !s->best_theta || !s->lo || !s->hi)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int bounded = 0;
    for (size_t i = 0; i < n; i++) {
        const mp_x_free *f = mp_x_free_at(x, i);
        s->theta[i] = s->best_theta[i] =
            mp_x_free_theta(f, mp_x_free_init(f, i - f->offset));
        s->lo[i] = mp_x_free_theta(f, f->lo);
        s->hi[i] = mp_x_free_theta(f, f->hi);
        bounded |= f->bounded;
    }
    s->best_loss = HUGE_VAL;
    s->best_iter = -1;
    s->last_loss = NAN;
    if (x->opt == MP_X_OPT_ADAM)
        return mp_adam_init(&s->adam, n, x->lr, x->beta1, x->beta2, x->eps, x->lr_per) ==
                       MP_OK
                   ? MP_OK
                   : mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int rc = mp_cmaes_init(&s->es, n, s->theta, x->sigma, x->population, err);
    if (rc == MP_OK && bounded) {
        s->es.lo = s->lo;
        s->es.hi = s->hi;
    }
    return rc;
}

static void state_release(state *s)
{
    mp_u_free(s->theta);
    mp_u_free(s->best_theta);
    mp_u_free(s->lo);
    mp_u_free(s->hi);
    if (s->x && s->x->opt == MP_X_OPT_ADAM)
        mp_adam_release(&s->adam);
    else
        mp_cmaes_release(&s->es);
}

int mp_x_checkpoint_load_string(const mp_experiment *x, const char *text,
                                size_t len, const char *name, mp_error *err)
{
    state s;
    int rc = state_init(&s, x, err);
    if (rc == MP_OK)
        rc = mp_x_checkpoint_read(&s, text, len, name ? name : "<string>", err);
    state_release(&s);
    return rc;
}

static int write_result(const state *s, const mp_meta_run_opts *o, int finished,
                        mp_error *err)
{
    const mp_experiment *x = s->x;
    json_t *j = json_pack("{s:s,s:i,s:s,s:s,s:I,s:I,s:b,s:o,s:o}", "format",
                          "metaplast-meta-result", "version", 1, "experiment", x->file,
                          "model", x->model_file, "iterations", (json_int_t)s->iter,
                          "planned_iterations", (json_int_t)x->iterations, "finished",
                          finished, "theta", mp_x_json_values(x, s->theta), "last_loss",
                          mp_x_json_num(s->last_loss));
    json_object_set_new(j, "best", json_pack("{s:I,s:o,s:o}", "iter",
                                             (json_int_t)s->best_iter, "loss",
                                             mp_x_json_num(s->best_loss), "theta",
                                             mp_x_json_values(x, s->best_theta)));
    if (x->opt == MP_X_OPT_CMAES)
        json_object_set_new(j, "sigma", mp_x_json_num(s->es.sigma));
    json_object_set_new(j, "command", json_string(o->command ? o->command : ""));
    int rc = mp_x_write_array_files(x, s->theta, s->best_theta, o->out,
                                    json_object_get(j, "theta"),
                                    json_object_get(json_object_get(j, "best"), "theta"),
                                    err);
    if (rc == MP_OK)
        rc = write_json_atomic(o->out, "result.json", j,
                               JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17),
                               err);
    json_decref(j);
    return rc;
}

int mp_x_run(const mp_experiment *x, const mp_meta_run_opts *o, mp_error *err)
{
    state s;
    int rc = state_init(&s, x, err);
    if (rc == MP_OK)
        rc = mp_u_mkdir_p(o->out, err);
    /* what a killed run left (SIGKILL, a crash, a power cut); SIGINT and
     * SIGTERM let the iteration finish and leave none */
    static const char *const temps[] = {"checkpoint.json", "result.json", NULL};
    int stale = rc == MP_OK ? mp_u_remove_stale_temps(o->out, temps) : 0;
    if (stale)
        notice(o, "removed %d temporary file%s that a killed run left in %s", stale,
               stale == 1 ? "" : "s", o->out);
    if (rc == MP_OK && o->resume)
        rc = load_checkpoint(&s, o->out, err);
    if (rc == MP_OK)
        rc = truncate_log(o->out, o->resume ? s.iter : 0, err);
    char *logp = rc == MP_OK ? mp_u_path_join(o->out, "log.jsonl") : NULL;
    FILE *log = NULL;
    if (rc == MP_OK)
        rc = logp ? mp_u_open_output(o->out, "log.jsonl",
                                     o->resume ? MP_U_OUT_APPEND : MP_U_OUT_TRUNCATE, &log,
                                     err)
                  : mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    double *th_used = mp_u_malloc((s.n ? s.n : 1) * sizeof(double));
    if (rc == MP_OK && !th_used)
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc == MP_OK)
        notice(o, "%s, %zu free parameter%s, %s%s, %zu iterations, %d "
                "thread%s%s", x->file, x->n_free, x->n_free == 1 ? "" : "s",
                x->opt == MP_X_OPT_ADAM ? "adam" : "cmaes",
                x->opt == MP_X_OPT_CMAES ? ""
                : x->gradient == MP_X_GRAD_EXACT ? " (exact gradients)"
                                                 : " (finite differences)",
                x->iterations, o->threads, o->threads == 1 ? "" : "s",
                o->resume ? ", resumed" : "");
    while (rc == MP_OK && s.iter < (long long)x->iterations &&
           (o->max_iterations < 0 || s.iter < o->max_iterations) && !(o->stop && *o->stop)) {
        double t0 = mp_u_wall_seconds(), loss = NAN, acc = NAN;
        size_t blown = 0;
        json_t *line = json_object();
        memcpy(th_used, x->opt == MP_X_OPT_CMAES ? s.es.mean : s.theta,
               s.n * sizeof(double));
        rc = iterate(&s, o->threads, line, &loss, &acc, &blown, err);
        double secs = mp_u_wall_seconds() - t0;
        if (rc == MP_OK) {
            json_object_set_new(line, "seconds", json_real(secs));
            char *txt = json_dumps(line, JFLAGS);
            errno = 0;
            if (!txt)
                rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            else if (fprintf(log, "%s\n", txt) < 0 || fflush(log) != 0)
                rc = mp_u_write_failed(logp, errno, err);
            mp_x_json_text_free(txt);
        }
        if (rc == MP_OK)
            progress(&s, o, th_used, loss, acc, secs, blown);
        json_decref(line);
        s.iter++;
        if (rc == MP_OK) {
            json_t *cp = checkpoint_json(&s);
            rc = write_json_atomic(o->out, "checkpoint.json", cp, JFLAGS, err);
            json_decref(cp);
        }
    }
    int rc_log = mp_u_close_output(log, logp, err);
    if (rc == MP_OK)
        rc = rc_log;
    mp_u_free(logp);
    mp_u_free(th_used);
    int finished = s.iter >= (long long)x->iterations;
    if (rc == MP_OK)
        rc = write_result(&s, o, finished, err);
    const char *how = finished                ? "done"
                      : o->stop && *o->stop ? "interrupted"
                                            : "stopped (--max-iterations)";
    if (rc == MP_OK)
        notice(o, "%s after %lld iteration%s; result in %s/result.json", how, s.iter,
               s.iter == 1 ? "" : "s", o->out);
    state_release(&s);
    return rc;
}
