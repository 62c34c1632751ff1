/* Which experiment file `metaplast meta --resume DIR` continues with: the
 * one DIR/checkpoint.json records (absolute path and FNV-1a hash of its
 * text, written by run.c), checked before the experiment is loaded, so that
 * a moved, deleted or edited file is refused with the checkpoint, the file
 * and the fix named instead of resuming a different optimization. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meta/meta_int.h"
#include "util/util_int.h"

/* 0: the hash of `file` is `want` ("%016llx"); 1: it differs (hex in got). */
static int differs(const char *file, const char *want, char got[32], mp_error *err,
                   int *rc)
{
    uint64_t h = 0;
    *rc = mp_x_file_hash(file, &h, err);
    snprintf(got, 32, "%016llx", (unsigned long long)h);
    return *rc == MP_OK && strcmp(got, want) != 0;
}

/* 1 when `given` is the file the checkpoint records (rec, absolute). */
static int same_file(const char *given, const char *rec)
{
    char *abs = rec ? mp_u_realpath(given) : NULL;
    int same = abs && strcmp(abs, rec) == 0;
    mp_u_free(abs);
    return same;
}

int mp_x_resume_experiment(const char *dir, const char *given, char **path,
                           mp_error *err)
{
    char *cp = mp_u_path_join(dir, "checkpoint.json"), *text = NULL;
    size_t len = 0;
    int e = 0, rd = cp ? mp_u_read_file(cp, &text, &len, &e) : MP_U_READ_NOMEM;
    json_t *j = NULL;
    char got[32];
    int rc = MP_OK;
    *path = NULL;
    if (rd == MP_U_READ_NOMEM)
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    else if (rd == MP_U_READ_OPEN && e == ENOENT)
        rc = mp_u_err(err, MP_EIO, cp, 0, 0, NULL,
                      "cannot read the checkpoint to resume: %s (a run started with "
                      "--out %s writes it after its first iteration)", strerror(e), dir);
    else if (rd != MP_U_READ_OK)
        rc = mp_u_err(err, MP_EIO, cp, 0, 0, NULL, "cannot read the checkpoint to "
                      "resume: %s", mp_u_read_reason(rd, e));
    else
        rc = mp_x_checkpoint_parse(text, len, cp, &j, err);
    /* the header is checked: a string of 16 hex digits; a string or NULL */
    const char *want = json_string_value(json_object_get(j, "experiment_hash"));
    const char *rec = json_string_value(json_object_get(j, "experiment"));
    if (rc != MP_OK) {
        /* reported */
    } else if (given && !same_file(given, rec)) {
        if (differs(given, want, got, err, &rc))
            rc = mp_u_err(err, MP_EINVAL, cp, 0, 0, "experiment",
                          "'%s' is not the experiment file of this run (its hash %s, "
                          "the checkpoint's %s%s%s%s); resume with the file the run was "
                          "started with, or start a new run with another --out", given,
                          got, want, rec ? " for '" : "", rec ? rec : "", rec ? "'" : "");
    } else if (!given && !rec) {
        rc = mp_u_err(err, MP_EINVAL, cp, 0, 0, "experiment",
                      "this checkpoint does not record its experiment file (it was "
                      "written by an older metaplast); name the file: metaplast meta "
                      "EXPERIMENT.json --resume %s", dir);
    } else {
        const char *file = given ? given : rec;
        int fd;
        int r = mp_u_open_input(file, &fd, &e);
        if (r != MP_U_READ_OK)
            rc = mp_u_err(err, MP_EIO, cp, 0, 0, "experiment",
                          "the experiment file of this run, '%s', cannot be opened (%s); "
                          "restore it, or name it where it is now: metaplast meta "
                          "EXPERIMENT.json --resume %s", file, mp_u_read_reason(r, e), dir);
        else {
            close(fd);
            if (differs(file, want, got, err, &rc))
                rc = mp_u_err(err, MP_EINVAL, cp, 0, 0, "experiment",
                              "the experiment file '%s' changed since this run was "
                              "started (its hash %s differs from the checkpoint's %s); "
                              "restore it, or start a new run with another --out", file,
                              got, want);
        }
    }
    if (rc == MP_OK && !(*path = mp_u_strdup(given ? given : rec)))
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    json_decref(j);
    mp_u_free(text);
    mp_u_free(cp);
    return rc;
}
