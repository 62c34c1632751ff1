/* Rule plugins: finding them (search.c) and loading them (loader.c, the
 * only user of dlopen/dlsym). */
#ifndef MP_PLUGIN_INT_H
#define MP_PLUGIN_INT_H

#include <stddef.h>

#include "metaplast/error.h"
#include "metaplast/rule.h"

/* A loaded plugin file. The module stays open until mp_p_plugin_free. */
typedef struct mp_plugin { /* public as the opaque mp_plugin (plugin.h) */
    char *path;               /* the file it was loaded from */
    void *handle;             /* dlopen handle */
    const mp_rule_desc *desc; /* validated host-owned copy of the descriptor,
                                 zero-padded to the host's size (fields an
                                 older plugin lacks read as NULL); its strings
                                 and param table are static in the plugin */
    int *trace_param;         /* desc->n_traces entries: the index in
                                 desc->params of each trace's tau (owned) */
} mp_p_plugin;

/* The host services table handed to every plugin entry point. */
const mp_host_api *mp_p_host_api(void);

/* Resolves a rule reference to a file path. `name` is either a path (it
 * contains a '/' or ends in ".so"; relative paths resolve from base_dir, the
 * model file's directory) or a bare rule name looked up as "<name>.so" in each
 * directory of METAPLAST_PLUGIN_PATH (':'-separated), then in the plugin
 * directory of the running installation (next to the executable:
 * <exe>/../lib/metaplast/plugins, or <exe>/plugins in the build tree), then
 * beside a shared libmetaplast that a program embeds
 * (<libdir>/metaplast/plugins), then in the compiled-in install directory.
 * Never the current directory.
 * Writes the path into out (size n). errors: MP_EPLUGIN (err lists where it
 * looked) */
int mp_p_resolve(const char *name, const char *base_dir, char *out, size_t n,
                 mp_error *err);

/* Whether a rule reference is a path (it contains a '/' or ends in ".so")
 * rather than a name looked up on the search path. */
int mp_p_is_path(const char *name);

/* The trusted-plugins-only policy (MP_LOAD_TRUSTED_PLUGINS_ONLY): MP_OK when
 * the file `path`, resolved with realpath (so neither ".." nor a symlink can
 * lead out), lies directly in a directory of the search path that
 * mp_p_resolve searches for bare names. errors: MP_EPLUGIN (err names the
 * resolved file and the search path) */
int mp_p_check_trusted(const char *path, mp_error *err);

/* dlopens `path`, finds the entry symbol, calls it and validates the
 * descriptor (ABI version, size, required fields, parameter table). Every
 * refusal names the file. errors: MP_EPLUGIN, MP_ENOMEM */
int mp_p_plugin_load(const char *path, mp_p_plugin **out, mp_error *err);

void mp_p_plugin_free(mp_p_plugin *p);

/* Index of parameter `name` in the descriptor, or -1. */
int mp_p_param_index(const mp_rule_desc *d, const char *name);

/* Calls fn for every plugin file found on the search path (for
 * `metaplast plugins`), in search order; a name found twice is reported once,
 * the first one wins. Plugins that fail to load are reported with their
 * error (p NULL). */
typedef void (*mp_p_visit_fn)(void *user, const char *path,
                              const mp_p_plugin *p, const mp_error *err);
void mp_p_visit_all(mp_p_visit_fn fn, void *user);

/* The plugin search directories in search order (METAPLAST_PLUGIN_PATH, then
 * next to the executable, then the compiled-in install directory), joined by
 * ':' into buf (size n, cut if too small). Returns the number of directories.
 * Implemented in search.c. */
size_t mp_p_search_path(char *buf, size_t n);

#endif
