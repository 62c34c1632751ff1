/* metaplast — model files.
 *
 * A model is the plain, validated description of a network read from a JSON
 * model file (docs/model-format.md). It holds no simulation state: load it
 * once and instantiate it as many nets as needed (net.h).
 */
#ifndef METAPLAST_MODEL_H
#define METAPLAST_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "metaplast/error.h"

#include "metaplast/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mp_model mp_model;

/* Loads and validates a model file. `overrides` are n strings of the form
 * "json.path=value" (the CLI's --set) applied to the JSON before validation;
 * value is parsed as JSON, and taken as a string if it is not valid JSON.
 * Paths use dots and [index] or [name] for array elements, e.g.
 * "projections[inh].plasticity.params.eta=0.002".
 * Plugins named in the model are loaded and checked here.
 * Returns MP_OK and a new model (free with mp_model_free), or an error code
 * with err naming file, line:column and the field's JSON path.
 * alloc: yes | errors: MP_EIO, MP_EPARSE, MP_EINVAL, MP_EPLUGIN, MP_ENOMEM */
MP_API int mp_model_load(const char *path, const char *const *overrides, size_t n,
                  mp_model **out, mp_error *err);

/* Loads and validates a model from memory (as Jansson's json_loadb): the
 * same code as mp_model_load, which reads the file and calls this. text is
 * len bytes of JSON (no NUL needed; it is read, not kept). name stands for
 * the file in messages and in mp_model_file (NULL: "<string>"). base_dir is
 * the folder that relative paths in the model (spike files, data sets,
 * plugins named by path) resolve from, as the model file's folder does for
 * mp_model_load; NULL: the current directory. Plugins are loaded as by
 * mp_model_load: a model from an untrusted source can name any shared
 * object by path, and loading it runs that object's code.
 * alloc: yes | errors: MP_EIO, MP_EPARSE, MP_EINVAL, MP_EPLUGIN, MP_ENOMEM */
MP_API int mp_model_load_string(const char *text, size_t len, const char *name,
                                const char *base_dir,
                                const char *const *overrides, size_t n,
                                mp_model **out, mp_error *err);

MP_API void mp_model_free(mp_model *m);

/* Read-only accessors. Strings are borrowed: valid until mp_model_free. */
MP_API const char *mp_model_name(const mp_model *m);
MP_API const char *mp_model_file(const mp_model *m);
MP_API uint64_t mp_model_seed(const mp_model *m);
MP_API double mp_model_dt(const mp_model *m);       /* ms */
MP_API double mp_model_duration(const mp_model *m); /* ms */

/* ---- loading with options ------------------------------------------------ */

/* Flags of mp_model_load_flags. */
enum {
    /* Loading a model runs the code of the plugins it names (their entry
     * points), and a rule may be given as a path to any .so file. With this
     * flag a rule given as a path is refused unless the file, with every
     * symlink and ".." resolved, lies directly in a directory of the plugin
     * search path (METAPLAST_PLUGIN_PATH, then the installation's plugin
     * directories: docs/rule-abi.md §7); rules named by bare name are looked
     * up there anyway. For model files from untrusted sources. */
    MP_LOAD_TRUSTED_PLUGINS_ONLY = 1 << 0
};

/* mp_model_load with flags: an OR of MP_LOAD_* values, 0 for the behaviour
 * of mp_model_load. A plugin refused by MP_LOAD_TRUSTED_PLUGINS_ONLY is
 * MP_EPLUGIN with err naming file, line:column, JSON path and the plugin.
 * alloc: yes | errors: those of mp_model_load; MP_EINVAL for unknown flags */
MP_API int mp_model_load_flags(const char *path, const char *const *overrides,
                               size_t n, unsigned flags, mp_model **out,
                               mp_error *err);

#ifdef __cplusplus
}
#endif
#endif
