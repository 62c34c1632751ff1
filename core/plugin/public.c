/* The public face of plugin loading (include/metaplast/plugin.h): thin
 * wrappers over the resolver, the loader and the search-path walk, so that
 * tools (the CLI's `plugins` command) need no internal header. */
#include "metaplast/plugin.h"
#include "plugin/plugin_int.h"
#include "util/util_int.h"

int mp_plugin_open(const char *name_or_path, mp_plugin **out, mp_error *err)
{
    if (!out)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_plugin_open: no output pointer");
    *out = NULL;
    char path[4096];
    int rc = mp_p_resolve(name_or_path, NULL, path, sizeof path, err);
    return rc == MP_OK ? mp_p_plugin_load(path, out, err) : rc;
}

void mp_plugin_close(mp_plugin *p) { mp_p_plugin_free(p); }

const mp_rule_desc *mp_plugin_desc(const mp_plugin *p) { return p ? p->desc : NULL; }

const char *mp_plugin_path(const mp_plugin *p) { return p ? p->path : NULL; }

size_t mp_plugin_search_path(char *buf, size_t n) { return mp_p_search_path(buf, n); }

void mp_plugin_visit_all(mp_plugin_visit_fn fn, void *user)
{
    /* mp_p_visit_fn has the same signature: mp_plugin is mp_p_plugin */
    mp_p_visit_all(fn, user);
}
