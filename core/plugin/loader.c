/* Finding, loading and validating rule plugins. The only file of metaplast
 * that calls dlopen/dlsym/dlclose.
 *
 * Search order for a bare rule name (mp_p_resolve):
 *   1. each directory of METAPLAST_PLUGIN_PATH (':'-separated; empty entries
 *      are skipped, so the current directory is never searched implicitly);
 *   2. next to the running executable (readlink /proc/self/exe):
 *      <exe_dir>/plugins (build tree), then <exe_dir>/../lib/metaplast/plugins
 *      (an install; MP_PLUGIN_REL_DIR overrides the part after <exe_dir>/..);
 *   3. the compiled-in MP_PLUGIN_INSTALL_DIR.
 * A reference containing '/' or ending in ".so" is a path instead, relative
 * to the model file's directory.
 *
 * Entry-time messages: a plugin entry gets only the api table, so an entry
 * that refuses the host reports why through host->error(NULL, ...). That
 * message is kept in the thread-local buffer entry_msg below (one per thread,
 * reset before each entry call): the only static mutable data of the plugin
 * module, and safe because a load runs on one thread from start to end.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/host_ctx.h"
#include "plugin/plugin_int.h"
#include "plugin/report_int.h"
#include "util/util_int.h"

#ifndef MP_PLUGIN_REL_DIR
#define MP_PLUGIN_REL_DIR "lib/metaplast/plugins" /* relative to <exe_dir>/.. */
#endif

/* Size of a rule ABI 1.0 descriptor: frozen, whatever is appended later. */
#define MP_P_DESC_SIZE_1_0                                                     \
    (offsetof(mp_rule_desc, extension) + sizeof(((mp_rule_desc *)0)->extension))

static _Thread_local char entry_msg[MP_ERROR_TEXT_LEN];

void mp_p_entry_verror(const char *fmt, va_list ap)
{
    if (entry_msg[0])
        return;
    vsnprintf(entry_msg, sizeof entry_msg, fmt ? fmt : "(no message)", ap);
}

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

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Copies the canonical form of path (or path itself) into out. */
static int put_path(const char *path, char *out, size_t n, mp_error *err)
{
    /* a buffer, not realpath(path, NULL): that block would come from the C
     * library's malloc, not the library's allocator (util_int.h) */
    char real[PATH_MAX];
    const char *p = realpath(path, real) ? real : path;
    int rc = MP_OK;
    if (strlen(p) >= n)
        rc = mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                      "plugin path '%s' is too long (%zu bytes at most)", p,
                      n - 1);
    else
        memcpy(out, p, strlen(p) + 1);
    return rc;
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

    if (strchr(name, '/') || ends_with(name, ".so")) {
        char *path = (name[0] == '/' || !base_dir || !base_dir[0])
                         ? mp_u_strdup(name)
                         : mp_u_path_join(base_dir, name);
        if (!path)
            return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        int rc;
        if (!is_file(path))
            rc = mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL,
                          "plugin file '%s' not found (the rule \"%s\" is a "
                          "path, resolved from %s)",
                          path, name,
                          name[0] == '/' ? "the root"
                          : base_dir && base_dir[0]
                              ? "the model file's directory"
                              : "the current directory");
        else
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

/* ---- loading and validation --------------------------------------------- */

/* mp_p_plugin plus the host's copy of the descriptor, padded with zeros up
 * to the host's sizeof(mp_rule_desc): fields a plugin built against an older
 * minor version did not compile read as 0/NULL. */
typedef struct plugin_box {
    mp_p_plugin pub; /* first: a mp_p_plugin * is a plugin_box * */
    mp_rule_desc desc;
} plugin_box;

/* The <name> of mp_rule_<name>_entry for a file: the basename without a
 * leading "lib" and then "mp_", cut at the first '.', every character other
 * than [A-Za-z0-9_] replaced by '_'. */
static void entry_stem(const char *path, char *out, size_t n)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    if (strncmp(b, "lib", 3) == 0)
        b += 3;
    if (strncmp(b, "mp_", 3) == 0)
        b += 3;
    size_t k = 0;
    for (; *b && *b != '.' && k + 1 < n; b++) {
        char c = *b;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '_';
        out[k++] = ok ? c : '_';
    }
    out[k] = '\0';
}

static int valid_param_name(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (const char *c = s + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return 0;
    return 1;
}

#define REFUSE(...) mp_u_err(err, MP_EPLUGIN, NULL, 0, 0, NULL, __VA_ARGS__)

static int check_trace(const char *path, const mp_rule_desc *d, uint32_t i,
                       int *slot, const char *flag, const char *side,
                       mp_error *err)
{
    const mp_param_desc *q = &d->params[i];
    if (*slot >= 0)
        return REFUSE("plugin '%s': parameters '%s' and '%s' are both %s "
                      "time constants; at most one parameter may carry %s",
                      path, d->params[*slot].name, q->name, side, flag);
    if (!(q->lo > 0))
        return REFUSE("plugin '%s': parameter '%s' is the %s trace time "
                      "constant (%s), so its lower bound must be > 0 (got %g)",
                      path, q->name, side, flag, q->lo);
    *slot = (int)i;
    return MP_OK;
}

static int check_params(const char *path, const mp_rule_desc *d, int *tp,
                        int *tq, mp_error *err)
{
    *tp = *tq = -1;
    if (d->n_params > 0 && !d->params)
        return REFUSE("plugin '%s': n_params is %u but params is NULL", path,
                      d->n_params);
    for (uint32_t i = 0; i < d->n_params; i++) {
        const mp_param_desc *q = &d->params[i];
        if (!q->name)
            return REFUSE("plugin '%s': parameter %u has no name", path, i);
        if (!valid_param_name(q->name))
            return REFUSE("plugin '%s': parameter %u has the invalid name "
                          "\"%s\": names are [a-z][a-z0-9_]* (a lower-case "
                          "letter, then lower-case letters, digits or '_')",
                          path, i, q->name);
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(d->params[j].name, q->name) == 0)
                return REFUSE("plugin '%s': parameter '%s' is declared twice "
                              "(parameters %u and %u)",
                              path, q->name, j, i);
        if (!(q->lo <= q->hi))
            return REFUSE("plugin '%s': parameter '%s' has empty bounds "
                          "[%g, %g]",
                          path, q->name, q->lo, q->hi);
        if (!(q->lo <= q->def && q->def <= q->hi))
            return REFUSE("plugin '%s': parameter '%s' has the default %g, "
                          "outside its bounds [%g, %g]",
                          path, q->name, q->def, q->lo, q->hi);
        if (q->flags & ~(uint32_t)MP_PARAM_FLAGS_KNOWN)
            return REFUSE("plugin '%s': parameter '%s' has unknown flag bits "
                          "0x%x (rule ABI %d.%d knows 0x%x)",
                          path, q->name,
                          (unsigned)(q->flags & ~(uint32_t)MP_PARAM_FLAGS_KNOWN),
                          MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR,
                          (unsigned)MP_PARAM_FLAGS_KNOWN);
        int rc;
        if ((q->flags & MP_PARAM_TAU_PRE) &&
            (rc = check_trace(path, d, i, tp, "MP_PARAM_TAU_PRE",
                              "presynaptic", err)))
            return rc;
        if ((q->flags & MP_PARAM_TAU_POST) &&
            (rc = check_trace(path, d, i, tq, "MP_PARAM_TAU_POST",
                              "postsynaptic", err)))
            return rc;
    }
    return MP_OK;
}

static int check_desc(const char *path, const mp_rule_desc *d, mp_error *err)
{
    if (!d->name || !d->name[0])
        return REFUSE("plugin '%s': the descriptor has no name", path);
    if (!d->summary || !d->summary[0])
        return REFUSE("plugin '%s' (rule %s): the descriptor has no summary",
                      path, d->name);
    const uint32_t known = MP_RULE_SPIKING | MP_RULE_RATE;
    if (d->kind & ~known)
        return REFUSE("plugin '%s' (rule %s): unknown kind bits 0x%x (rule ABI "
                      "%d.%d knows MP_RULE_SPIKING and MP_RULE_RATE)",
                      path, d->name, (unsigned)(d->kind & ~known),
                      MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR);
    if (!(d->kind & known))
        return REFUSE("plugin '%s' (rule %s): kind is 0; it must include "
                      "MP_RULE_SPIKING or MP_RULE_RATE",
                      path, d->name);
    if ((d->kind & MP_RULE_SPIKING) && !d->on_pre && !d->on_post)
        return REFUSE("plugin '%s' (rule %s): a spiking rule needs a hook: "
                      "on_pre and on_post are both NULL",
                      path, d->name);
    /* d is the host's zero-padded copy: a 1.0 descriptor reads step = NULL */
    if ((d->kind & MP_RULE_RATE) && !d->step)
        return REFUSE("plugin '%s' (rule %s): a rate rule needs the step hook "
                      "(rule ABI >= 1.1), but step is NULL",
                      path, d->name);
    return MP_OK;
}

int mp_p_plugin_load(const char *path, mp_p_plugin **out, mp_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return mp_u_err(err, MP_EINVAL, NULL, 0, 0, NULL,
                        "mp_p_plugin_load: no path or no output");

    /* 1. dlopen */
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        return REFUSE("cannot load plugin '%s': %s", path, e ? e : "dlopen failed");
    }

    /* 2. the entry symbol */
    char stem[200], sym[240];
    entry_stem(path, stem, sizeof stem);
    snprintf(sym, sizeof sym, "mp_rule_%s_entry", stem);
    const char *used = sym;
    void *s = dlsym(h, sym);
    if (!s) {
        used = "mp_rule_entry";
        s = dlsym(h, used);
    }
    if (!s) {
        dlclose(h);
        return REFUSE("plugin '%s' has no entry point: it exports neither %s "
                      "nor mp_rule_entry (define it with MP_RULE_DEFINE(%s, "
                      "desc) from metaplast/rule.h)",
                      path, sym, stem[0] ? stem : "name");
    }
    mp_rule_entry_fn fn;
    memcpy(&fn, &s, sizeof fn);

    /* 3. the entry call */
    entry_msg[0] = '\0';
    const mp_rule_desc *d = fn(mp_p_host_api());
    if (!d) {
        int rc = REFUSE("plugin '%s' refused to load (%s returned NULL): %s",
                        path, used,
                        entry_msg[0] ? entry_msg : "it gave no reason");
        entry_msg[0] = '\0';
        dlclose(h);
        return rc;
    }
    entry_msg[0] = '\0';

    /* 4. versions */
    int rc = MP_OK;
    if (d->abi_major != MP_RULE_ABI_MAJOR || d->abi_minor > MP_RULE_ABI_MINOR)
        rc = REFUSE("plugin '%s' was built for rule ABI %u.%u, this metaplast "
                    "provides %d.%d: rebuild it against this metaplast's rule.h",
                    path, (unsigned)d->abi_major, (unsigned)d->abi_minor,
                    MP_RULE_ABI_MAJOR, MP_RULE_ABI_MINOR);
    else if (d->size < MP_P_DESC_SIZE_1_0)
        rc = REFUSE("plugin '%s': its descriptor is %u bytes, smaller than a "
                    "rule ABI 1.0 descriptor (%zu bytes): fill its header with "
                    "MP_RULE_HEADER and rebuild it against this metaplast's "
                    "rule.h",
                    path, (unsigned)d->size, (size_t)MP_P_DESC_SIZE_1_0);
    if (rc) {
        dlclose(h);
        return rc;
    }

    plugin_box *b = mp_u_calloc(1, sizeof *b);
    char *pathdup = mp_u_strdup(path);
    if (!b || !pathdup) {
        mp_u_free(b);
        mp_u_free(pathdup);
        dlclose(h);
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    memcpy(&b->desc, d, d->size < sizeof b->desc ? d->size : sizeof b->desc);

    /* 5., 6. required fields, parameters */
    int tp = -1, tq = -1;
    if ((rc = check_desc(path, &b->desc, err)) ||
        (rc = check_params(path, &b->desc, &tp, &tq, err))) {
        mp_u_free(b);
        mp_u_free(pathdup);
        dlclose(h);
        return rc;
    }

    b->pub.path = pathdup;
    b->pub.handle = h;
    b->pub.desc = &b->desc;
    b->pub.trace_pre = tp;
    b->pub.trace_post = tq;
    *out = &b->pub;
    return MP_OK;
}

#undef REFUSE

void mp_p_plugin_free(mp_p_plugin *p)
{
    if (!p)
        return;
    if (p->handle)
        dlclose(p->handle);
    mp_u_free(p->path);
    mp_u_free((plugin_box *)p);
}

int mp_p_param_index(const mp_rule_desc *d, const char *name)
{
    if (!d || !name || !d->params)
        return -1;
    for (uint32_t i = 0; i < d->n_params; i++)
        if (d->params[i].name && strcmp(d->params[i].name, name) == 0)
            return (int)i;
    return -1;
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
