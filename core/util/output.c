/* Output files: every file the library writes (recordings, summary.json,
 * log.jsonl, checkpoint.json, result.json) is opened here, so that none is
 * ever written through a symbolic link and every failure names the file and
 * the system's reason (docs/cli.md "OUTPUT FILES").
 *
 * The output directory itself is the caller's choice and is followed like
 * any path the user types; below it nothing is followed: a link planted in
 * it (at the file or at a directory on the way) could otherwise make a run
 * overwrite any file its user may write. Every step is relative to a
 * directory descriptor (openat), so a directory swapped for a link between
 * the check and the write is refused as well. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util_int.h"

static const char link_fix[] =
    "outputs are never written through links (remove the link, or choose "
    "another output directory)";

static int not_regular(const char *path, mp_error *err)
{
    return mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                    "is not a regular file: outputs are only written to regular files");
}

/* The error of a failed openat(dfd, comp): a link, and a FIFO or device
 * (a FIFO without a reader fails with ENXIO), get their own message. */
static int open_failed(int dfd, const char *comp, const char *path, int e,
                       mp_error *err)
{
    struct stat st;
    if (fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
            return mp_u_err(err, MP_EIO, path, 0, 0, NULL, "is a symbolic link: %s",
                            link_fix);
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
            return not_regular(path, err);
    }
    return mp_u_err(err, MP_EIO, path, 0, 0, NULL, "cannot open for writing: %s",
                    strerror(e));
}

/* Opens the directory that holds DIR/NAME and points *leaf at NAME's last
 * component. Directories inside DIR named by NAME are created when missing
 * and never followed when they are links. Returns the descriptor, or -1 with
 * err and *rc set. */
static int open_parent(const char *dir, const char *name, const char **leaf, int *rc,
                       mp_error *err)
{
    const char *d = dir && dir[0] ? dir : ".";
    if (name[0] == '/') { /* the model loader refuses these; callers too */
        *rc = mp_u_err(err, MP_EINVAL, name, 0, 0, NULL,
                       "an output name must be relative to the output directory");
        return -1;
    }
    int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        int e = errno;
        *rc = mp_u_err(err, MP_EIO, d, 0, 0, NULL,
                       "cannot open the output directory: %s", strerror(e));
        return -1;
    }
    const char *s = name;
    for (const char *slash; (slash = strchr(s, '/')) != NULL; s = slash + 1) {
        size_t n = (size_t)(slash - s);
        if (n == 0 || (n == 1 && s[0] == '.'))
            continue;
        char *comp = mp_u_malloc(n + 1);
        char *shown = mp_u_path_join(dir, name);
        if (!comp || !shown) {
            mp_u_free(comp);
            mp_u_free(shown);
            close(dfd);
            *rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            return -1;
        }
        memcpy(comp, s, n);
        comp[n] = '\0';
        shown[strlen(shown) - strlen(slash)] = '\0'; /* DIR/NAME up to comp */
        if (mkdirat(dfd, comp, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            *rc = mp_u_err(err, MP_EIO, shown, 0, 0, NULL, "cannot create directory: %s",
                           strerror(e));
            mp_u_free(comp);
            mp_u_free(shown);
            close(dfd);
            return -1;
        }
        int sub = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0)
            *rc = open_failed(dfd, comp, shown, errno, err);
        mp_u_free(comp);
        mp_u_free(shown);
        close(dfd);
        if (sub < 0)
            return -1;
        dfd = sub;
    }
    *leaf = s;
    return dfd;
}

/* Opens LEAF in dfd for writing with `flags` added, never through a link,
 * and only if it is a regular file (O_NONBLOCK: a FIFO planted there must
 * not hang the run; it is refused below). Returns the descriptor or -1. */
static int open_leaf(int dfd, const char *leaf, int flags, const char *path,
                     mp_error *err)
{
    int fd = openat(dfd, leaf, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | flags,
                    0666);
    if (fd < 0) {
        open_failed(dfd, leaf, path, errno, err);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        not_regular(path, err);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

int mp_u_open_output(const char *dir, const char *name, int mode, FILE **out,
                     mp_error *err)
{
    *out = NULL;
    char *path = mp_u_path_join(dir, name);
    if (!path)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    const char *leaf = NULL;
    int rc = MP_OK, fd = -1;
    int dfd = open_parent(dir, name, &leaf, &rc, err);
    if (dfd >= 0) {
        int how = mode == MP_U_OUT_APPEND ? O_CREAT | O_APPEND : O_CREAT | O_TRUNC;
        fd = open_leaf(dfd, leaf, how, path, err);
        rc = fd >= 0 ? MP_OK : MP_EIO;
        close(dfd);
    }
    if (fd >= 0 && !(*out = fdopen(fd, mode == MP_U_OUT_APPEND ? "ab" : "wb"))) {
        int e = errno;
        close(fd);
        rc = mp_u_err(err, MP_EIO, path, 0, 0, NULL, "cannot open for writing: %s",
                      strerror(e));
    }
    mp_u_free(path);
    return rc;
}

int mp_u_write_failed(const char *path, int e, mp_error *err)
{
    return mp_u_err(err, MP_EIO, path, 0, 0, NULL, "cannot write: %s",
                    e ? strerror(e) : "a write failed (the system gave no reason)");
}

int mp_u_close_output(FILE *f, const char *path, mp_error *err)
{
    if (!f)
        return MP_OK;
    /* A write that failed earlier leaves the error flag and maybe nothing
     * more to flush: errno of that moment is gone, so flush once more to
     * learn the reason (a full disk fails again). */
    int bad = ferror(f);
    errno = 0;
    int e = fflush(f) != 0 ? errno : 0;
    if (fclose(f) != 0 && !e)
        e = errno;
    if (e || bad)
        return mp_u_write_failed(path, e, err);
    return MP_OK;
}

int mp_u_write_output(const char *dir, const char *name, const char *text, size_t len,
                      mp_error *err)
{
    FILE *f;
    int rc = mp_u_open_output(dir, name, MP_U_OUT_TRUNCATE, &f, err);
    if (rc != MP_OK)
        return rc;
    char *path = mp_u_path_join(dir, name);
    errno = 0;
    int e = fwrite(text, 1, len, f) != len ? errno : 0;
    rc = e ? mp_u_write_failed(path, e, err) : MP_OK;
    int rc2 = mp_u_close_output(f, path, err);
    mp_u_free(path);
    return rc != MP_OK ? rc : rc2;
}

/* The temporary names of write_temp: LEAF.tmp.<pid>.<k>, both decimal. */
#define TEMP_FMT "%s.tmp.%ld.%u"

/* The pid of a temporary name of leaf (LEAF.tmp.<digits>.<digits>, exactly),
 * or -1 when name is not one. */
static long temp_pid(const char *name, const char *leaf)
{
    size_t n = strlen(leaf);
    if (strncmp(name, leaf, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0)
        return -1;
    const char *p = name + n + 5, *dot = strchr(p, '.');
    if (!dot || dot == p || strspn(p, "0123456789") != (size_t)(dot - p) || !dot[1] ||
        strspn(dot + 1, "0123456789") != strlen(dot + 1) || dot - p > 9)
        return -1;
    return strtol(p, NULL, 10);
}

int mp_u_remove_stale_temps(const char *dir, const char *const *leaves)
{
    int dfd = open(dir && dir[0] ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return 0;
    }
    int removed = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        long pid = -1;
        for (size_t i = 0; leaves[i] && pid < 0; i++)
            pid = temp_pid(e->d_name, leaves[i]);
        if (pid <= 0)
            continue;
        /* a live process (kill answers, or refuses: EPERM) may still rename
         * its file into place */
        int alive = kill((pid_t)pid, 0) == 0 || errno != ESRCH;
        struct stat st;
        if (!alive && fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode))
            removed += unlinkat(dfd, e->d_name, 0) == 0;
    }
    closedir(d);
    return removed;
}

/* Writes text to a new file beside LEAF, created exclusively (a file or a
 * link already at the temporary name is never opened: the next name is
 * tried), flushed to disk; returns its descriptor and its name in tmp. */
static int write_temp(int dfd, const char *leaf, const char *path, const char *text,
                      size_t len, char *tmp, size_t tmp_size, mp_error *err)
{
    int fd = -1;
    for (unsigned k = 0; fd < 0 && k < 100; k++) {
        snprintf(tmp, tmp_size, TEMP_FMT, leaf, (long)getpid(), k);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) {
            int e = errno;
            return mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                            "cannot create a temporary file beside it: %s", strerror(e));
        }
    }
    if (fd < 0)
        return mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                        "cannot create a temporary file beside it: 100 names taken");
    int e = 0;
    for (size_t done = 0; done < len && !e;) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno != EINTR)
            e = errno;
        done += w > 0 ? (size_t)w : 0;
    }
    if (!e && fsync(fd) != 0 && errno != EINVAL) /* EINVAL: cannot be synced */
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (e) {
        unlinkat(dfd, tmp, 0);
        return mp_u_write_failed(path, e, err);
    }
    return MP_OK;
}

int mp_u_replace_output(const char *dir, const char *name, const char *text, size_t len,
                        mp_error *err)
{
    char *path = mp_u_path_join(dir, name);
    if (!path)
        return mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    const char *leaf = NULL;
    int rc = MP_OK;
    int dfd = open_parent(dir, name, &leaf, &rc, err);
    if (dfd < 0) {
        mp_u_free(path);
        return rc;
    }
    /* rename() replaces a link without following it; refuse it all the
     * same, as every other output does. */
    struct stat st;
    if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        rc = mp_u_err(err, MP_EIO, path, 0, 0, NULL, "is a symbolic link: %s", link_fix);
    size_t tn = strlen(leaf) + 48;
    char *tmp = rc == MP_OK ? mp_u_malloc(tn) : NULL;
    if (rc == MP_OK && !tmp)
        rc = mp_u_err(err, MP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc == MP_OK)
        rc = write_temp(dfd, leaf, path, text, len, tmp, tn, err);
    if (rc == MP_OK && renameat(dfd, tmp, dfd, leaf) != 0) {
        int e = errno;
        unlinkat(dfd, tmp, 0);
        rc = mp_u_err(err, MP_EIO, path, 0, 0, NULL, "cannot replace: %s", strerror(e));
    }
    /* The rename is durable once the directory is on disk too. */
    if (rc == MP_OK && fsync(dfd) != 0 && errno != EINVAL) {
        int e = errno;
        rc = mp_u_err(err, MP_EIO, path, 0, 0, NULL,
                      "cannot flush its directory to disk: %s", strerror(e));
    }
    mp_u_free(tmp);
    close(dfd);
    mp_u_free(path);
    return rc;
}
