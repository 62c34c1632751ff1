/* Finding rule plugins: the search path, resolving a rule reference to a
 * file, the trusted-plugins-only policy and the enumeration behind
 * `metaplast plugins`. Loading and validating a file is loader.c.
 *
 * Search order for a bare rule name (mp_p_resolve):
 *   1. each directory of METAPLAST_PLUGIN_PATH (':'-separated; empty entries
 *      are skipped, so the current directory is never searched implicitly);
 *   2. next to the running executable (readlink /proc/self/exe):
 *      <exe_dir>/plugins (build tree), then <exe_dir>/../lib/metaplast/plugins
 *      (an install; MP_PLUGIN_REL_DIR overrides the part after <exe_dir>/..);
 *   3. next to the shared library libmetaplast, when a program embeds it:
 *      <lib_dir>/metaplast/plugins (dladdr), so a moved install still finds
 *      its rules;
 *   4. the compiled-in MP_PLUGIN_INSTALL_DIR.
 * A reference containing '/' or ending in ".so" is a path instead, relative
 * to the model file's directory.
 */
#define _GNU_SOURCE /* dladdr */
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/plugin_int.h"

#include "util/util_int.h"

#ifndef MP_PLUGIN_REL_DIR
#define MP_PLUGIN_REL_DIR "lib/metaplast/plugins" /* relative to <exe_dir>/.. */
#endif

/* ---- search directories ------------------------------------------------ */

#define MP_P_MAX_DIRS 64

typedef struct dirlist {
    char *d[MP_P_MAX_DIRS];
    size_t n;
    int nomem; /* a directory was left out for want of memory */
} dirlist;

static void dirs_add(dirlist *l, const char *dir, size_t len)
{
    if (len == 0 || l->n == MP_P_MAX_DIRS)
        return;
    while (len > 1 && dir[len - 1] == '/') /* "a/b/" and "a/b" are one dir */
        len--;
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->d[i]) == len && memcmp(l->d[i], dir, len) == 0)
            return;
    char *s = mp_u_malloc(len + 1);
    if (!s) {
        l->nomem = 1;
        return;
    }
    memcpy(s, dir, len);
    s[len] = '\0';
    l->d[l->n++] = s;
}

static void dirs_free(dirlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        mp_u_free(l->d[i]);
    l->n = 0;
}

/* Adds <lib_dir>/metaplast/plugins when this code runs from a shared
 * libmetaplast (a program embedding it): the rules installed beside the
 * library, wherever the install was moved. Where the code is linked into
 * the executable (the CLI, the tests), dladdr names the executable, whose
 * directories search_dirs adds already. */
static void lib_plugin_dir(dirlist *l)
{
    static const char anchor = 0; /* any object of this module */
    Dl_info info;
    if (!dladdr(&anchor, &info) || !info.dli_fname || !info.dli_fname[0])
        return;
    char *lib = mp_u_realpath(info.dli_fname);
    char *self = mp_u_realpath("/proc/self/exe");
    char *slash = lib ? strrchr(lib, '/') : NULL;
    if (slash && (!self || strcmp(lib, self) != 0)) {
        char buf[4200];
        *slash = '\0';
        snprintf(buf, sizeof buf, "%s/metaplast/plugins", lib);
        dirs_add(l, buf, strlen(buf));
    }
    mp_u_free(lib);
    mp_u_free(self);
}

static void search_dirs(dirlist *l)
{
    l->n = 0;
    l->nomem = 0;
    const char *env = getenv("METAPLAST_PLUGIN_PATH");
    if (env) {
        const char *s = env;
        for (;;) {
            const char *e = strchr(s, ':');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            dirs_add(l, s, len); /* empty entries are skipped */
            if (!e)
                break;
            s = e + 1;
        }
    }

    char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            char buf[4200];
            *slash = '\0'; /* exe = <exe_dir> */
            snprintf(buf, sizeof buf, "%s/plugins", exe[0] ? exe : "/");
            dirs_add(l, buf, strlen(buf));
            slash = strrchr(exe, '/'); /* <exe_dir>/.. */
            if (slash) {
                *slash = '\0';
                snprintf(buf, sizeof buf, "%s/%s", exe, MP_PLUGIN_REL_DIR);
                dirs_add(l, buf, strlen(buf));
            }
        }
    }
    lib_plugin_dir(l);
#ifdef MP_PLUGIN_INSTALL_DIR
    dirs_add(l, MP_PLUGIN_INSTALL_DIR, strlen(MP_PLUGIN_INSTALL_DIR));
#endif
}

size_t mp_p_search_path(char *buf, size_t n)
{
    dirlist l;
    size_t used = 0;
    search_dirs(&l);
    if (buf && n)
        buf[0] = '\0';
    for (size_t i = 0; i < l.n && buf && n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i ? ":" : "", l.d[i]);
        if (w < 0 || (size_t)w >= n - used) {
            used = n - 1;
            break;
        }
        used += (size_t)w;
    }
    size_t count = l.n;
    dirs_free(&l);
    return count;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Says in out what is wrong with `path`, not a regular file, as a plugin. */
static void not_a_plugin_file(const char *path, char *out, size_t n)
{
    struct stat st;
    if (stat(path, &st) != 0)
        snprintf(out, n, "plugin file '%s' not found", path);
    else if (S_ISDIR(st.st_mode))
        snprintf(out, n,
                 "plugin path '%s' is a directory, not a plugin file: name "
                 "the .so file in it, or put the directory on "
                 "METAPLAST_PLUGIN_PATH and name the rule by its name",
                 path);
    else
        snprintf(out, n,
                 "plugin path '%s' is not a regular file (a plugin is a .so "
                 "file)",
                 path);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Copies the canonical form of path (or path itself) into out. */
static int put_path(const char *path, char *out, size_t n, mp_error *err)
{
    char *real = mp_u_realpath(path);
    const char *p = real ? real : path;
    int rc = MP_OK;
    if (strlen(p) >= n)
        rc = mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                      "plugin path '%s' is too long (%zu bytes at most)", p,
                      n - 1);
    else
        memcpy(out, p, strlen(p) + 1);
    mp_u_free(real);
    return rc;
}

int mp_p_is_path(const char *name)
{
    return name && (strchr(name, '/') || ends_with(name, ".so"));
}

int mp_p_resolve(const char *name, const char *base_dir, char *out, size_t n,
                 mp_error *err)
{
    if (out && n)
        out[0] = '\0';
    if (!name || !name[0])
        return mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                        "empty plugin name: give a rule name (\"istdp\") or a "
                        "path to a .so file");
    if (!out || n == 0)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_p_resolve: no output buffer");

    if (mp_p_is_path(name)) {
        char *path = (name[0] == '/' || !base_dir || !base_dir[0])
                         ? mp_u_strdup(name)
                         : mp_u_path_join(base_dir, name);
        if (!path)
            return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        int rc;
        char what[MP_ERROR_TEXT_LEN];
        if (!is_file(path)) {
            not_a_plugin_file(path, what, sizeof what);
            rc = mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                          "%s (the rule \"%s\" is a path, resolved from %s)",
                          what, name,
                          name[0] == '/' ? "the root"
                          : base_dir && base_dir[0]
                              ? "the model file's directory"
                              : "the current directory");
        } else
            rc = put_path(path, out, n, err);
        mp_u_free(path);
        return rc;
    }

    dirlist l;
    search_dirs(&l);
    if (l.nomem) { /* a search in fewer directories could find another file */
        dirs_free(&l);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory while listing the plugin directories");
    }
    char looked[MP_ERROR_TEXT_LEN] = "";
    size_t used = 0;
    for (size_t i = 0; i < l.n; i++) {
        char *path = mp_u_malloc(strlen(l.d[i]) + strlen(name) + 5);
        if (!path) {
            dirs_free(&l);
            return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
        sprintf(path, "%s/%s.so", l.d[i], name);
        if (is_file(path)) {
            int rc = put_path(path, out, n, err);
            mp_u_free(path);
            dirs_free(&l);
            return rc;
        }
        mp_u_free(path);
        int w = snprintf(looked + used, sizeof looked - used, "%s%s",
                         i ? ", " : "", l.d[i]);
        if (w > 0)
            used += (size_t)w < sizeof looked - used ? (size_t)w
                                                     : sizeof looked - used - 1;
    }
    dirs_free(&l);
    return mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                    "no plugin '%s': %s.so is not in %s (searched "
                    "METAPLAST_PLUGIN_PATH, next to the executable, the install "
                    "directory; give a path to load a file elsewhere)",
                    name, name, used ? looked : "any directory (none to search)");
}

/* The trusted-plugins-only policy: a file is trusted when, with every
 * symlink and ".." resolved, it lies directly in a directory of the search
 * path (itself resolved): exactly the files a bare rule name could load, so
 * a model from an untrusted source can run no code the user did not
 * install or put on METAPLAST_PLUGIN_PATH. */
int mp_p_check_trusted(const char *path, mp_error *err)
{
    char *real = path ? mp_u_realpath(path) : NULL;
    if (!real)
        return mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                        "plugin file '%s' cannot be resolved", path ? path : "");
    char *slash = strrchr(real, '/');
    size_t dir_len = slash == real ? 1 : (size_t)(slash - real);
    dirlist l;
    search_dirs(&l);
    int trusted = 0;
    for (size_t i = 0; i < l.n && !trusted; i++) {
        char *dir = mp_u_realpath(l.d[i]);
        trusted = dir && strlen(dir) == dir_len && memcmp(dir, real, dir_len) == 0;
        mp_u_free(dir);
    }
    dirs_free(&l);
    int rc = MP_OK;
    if (!trusted) {
        char dirs[MP_ERROR_TEXT_LEN / 2];
        mp_p_search_path(dirs, sizeof dirs);
        rc = mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                      "plugin file '%s' is outside the plugin search path, "
                      "and trusted plugins only (--trusted-plugins-only or "
                      "METAPLAST_TRUSTED_PLUGINS_ONLY=1) loads plugin files "
                      "from its directories alone: if you trust this file, "
                      "add its directory to METAPLAST_PLUGIN_PATH; the search "
                      "path: %s",
                      real, dirs[0] ? dirs : "(none)");
    }
    mp_u_free(real);
    return rc;
}

/* ---- enumeration ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void mp_p_visit_all(mp_p_visit_fn fn, void *user)
{
    if (!fn)
        return;
    dirlist l;
    search_dirs(&l);
    char **seen = NULL;
    size_t n_seen = 0, cap_seen = 0;

    for (size_t i = 0; i < l.n; i++) {
        DIR *dir = opendir(l.d[i]);
        if (!dir)
            continue;
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.' || !ends_with(e->d_name, ".so"))
                continue;
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 16;
                char **t = mp_u_realloc(names, nc * sizeof *t);
                if (!t)
                    break;
                names = t;
                cap = nc;
            }
            if ((names[n] = mp_u_strdup(e->d_name)) != NULL)
                n++;
        }
        closedir(dir);
        if (n)
            qsort(names, n, sizeof *names, cmp_str);

        for (size_t k = 0; k < n; k++) {
            int dup = 0;
            for (size_t j = 0; j < n_seen && !dup; j++)
                dup = strcmp(seen[j], names[k]) == 0;
            char *path = mp_u_path_join(l.d[i], names[k]);
            if (dup || !path || !is_file(path)) {
                mp_u_free(path);
                mp_u_free(names[k]);
                continue;
            }
            if (n_seen == cap_seen) {
                size_t nc = cap_seen ? 2 * cap_seen : 16;
                char **t = mp_u_realloc(seen, nc * sizeof *t);
                if (t) {
                    seen = t;
                    cap_seen = nc;
                }
            }
            if (n_seen < cap_seen)
                seen[n_seen++] = names[k];
            else
                mp_u_free(names[k]);

            mp_error e2;
            mp_error_clear(&e2);
            mp_p_plugin *p = NULL;
            if (mp_p_plugin_load(path, &p, &e2) == MP_OK)
                fn(user, path, p, NULL);
            else
                fn(user, path, NULL, &e2);
            mp_p_plugin_free(p);
            mp_u_free(path);
        }
        mp_u_free(names);
    }
    for (size_t j = 0; j < n_seen; j++)
        mp_u_free(seen[j]);
    mp_u_free(seen);
    dirs_free(&l);
}
