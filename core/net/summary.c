/* summary.json of a run: "status" and the error, then the backend's
 * fields (mp_n_ops.summary_fields). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "metaplast/metaplast.h"
#include "net/net_int.h"
#include "util/util_int.h"

/* "status" first, so that a reader sees at once whether the run finished:
 * "ok", or "failed" with the error's code and message (the counts and times
 * below are then those reached). */
static json_t *summary_root(const mp_error *failure)
{
    json_t *root = json_object();
    json_object_set_new(root, "status", json_string(failure ? "failed" : "ok"));
    if (failure) {
        char buf[MP_ERROR_FILE_LEN + MP_ERROR_PATH_LEN + MP_ERROR_TEXT_LEN + 16];
        json_object_set_new(root, "error_code", json_string(mp_errname(failure->code)));
        json_object_set_new(root, "error", json_string(mp_error_format(failure, buf,
                                                                        sizeof buf)));
    }
    return root;
}

static int write_summary(const mp_net *net, const char *outdir, double wall_seconds,
                         const mp_error *failure, mp_error *err)
{
    int rc = mp_u_mkdir_p(outdir, err);
    if (rc != MP_OK)
        return rc;
    json_t *root = summary_root(failure);
    net->ops->summary_fields(net->impl, root, wall_seconds);
    char *txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                     JSON_REAL_PRECISION(10));
    json_decref(root);
    rc = txt ? mp_u_write_output(outdir, "summary.json", txt, strlen(txt), err)
             : mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    mp_u_free(txt);
    return rc;
}

int mp_net_write_summary(const mp_net *net, const char *outdir, double wall_seconds,
                         mp_error *err)
{
    return write_summary(net, outdir, wall_seconds, NULL, err);
}

int mp_net_write_summary_failed(const mp_net *net, const char *outdir,
                                double wall_seconds, const mp_error *failure,
                                mp_error *err)
{
    mp_error unknown;
    if (!failure) { /* failed, but the caller does not say why */
        mp_error_clear(&unknown);
        unknown.code = MP_EIO;
        failure = &unknown;
    }
    return write_summary(net, outdir, wall_seconds, failure, err);
}
