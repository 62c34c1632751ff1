/* Whole-file reads for the loaders whose parsers work on memory (models,
 * experiments, checkpoints, spike and IDX files): the file entries read the
 * file here and hand the text to the same code as the memory entries.
 *
 * Every input is opened without blocking and refused unless it is a regular
 * file: a FIFO planted where a file is expected (log.jsonl in an output
 * directory, a model path) would otherwise hang the command in open(2) or
 * read(2) forever, and a directory would fail with no reason given. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util_int.h"

int mp_u_open_input(const char *path, int *fd, int *errnum)
{
    *fd = -1;
    *errnum = 0;
    int d = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (d < 0) {
        *errnum = errno;
        return MP_U_READ_OPEN;
    }
    struct stat st;
    if (fstat(d, &st) != 0) {
        *errnum = errno;
        close(d);
        return MP_U_READ_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        *errnum = (int)(st.st_mode & S_IFMT);
        close(d);
        return MP_U_READ_NOTREG;
    }
    /* a regular file never blocks, but the descriptor may be handed on */
    int fl = fcntl(d, F_GETFL);
    if (fl != -1)
        fcntl(d, F_SETFL, fl & ~O_NONBLOCK);
    *fd = d;
    return MP_U_READ_OK;
}

const char *mp_u_read_reason(int rc, int errnum)
{
    switch (rc) {
    case MP_U_READ_NOTREG:
        if (S_ISDIR((mode_t)errnum))
            return "is a directory";
        if (S_ISFIFO((mode_t)errnum))
            return "is a FIFO, not a regular file";
        if (S_ISCHR((mode_t)errnum) || S_ISBLK((mode_t)errnum))
            return "is a device, not a regular file";
        if (S_ISSOCK((mode_t)errnum))
            return "is a socket, not a regular file";
        return "is not a regular file";
    case MP_U_READ_NOMEM: return "out of memory";
    case MP_U_READ_OK: return "no error";
    default: return errnum ? strerror(errnum) : "read error";
    }
}

int mp_u_read_file(const char *path, char **text, size_t *len, int *errnum)
{
    *text = NULL;
    *len = 0;
    int fd, rc = mp_u_open_input(path, &fd, errnum);
    if (rc != MP_U_READ_OK)
        return rc;
    size_t cap = 1 << 14, n = 0;
    char *buf = mp_u_malloc(cap);
    rc = buf ? MP_U_READ_OK : MP_U_READ_NOMEM;
    while (rc == MP_U_READ_OK) {
        ssize_t k = read(fd, buf + n, cap - n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            *errnum = errno;
            rc = MP_U_READ_IO;
        } else if (k == 0) {
            break;
        } else if ((n += (size_t)k) == cap - 1) {
            char *nb = cap <= SIZE_MAX / 2 ? mp_u_realloc(buf, cap * 2) : NULL;
            if (!nb)
                rc = MP_U_READ_NOMEM;
            else {
                buf = nb;
                cap *= 2;
            }
        }
    }
    close(fd);
    if (rc != MP_U_READ_OK) {
        mp_u_free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return MP_U_READ_OK;
}

int mp_u_read_input(const char *path, const char *what, char **text, size_t *len,
                    mp_error *err)
{
    int e = 0, r = mp_u_read_file(path, text, len, &e);
    switch (r) {
    case MP_U_READ_OPEN:
    case MP_U_READ_NOTREG:
        return mp_u_err(err, MP_EIO, path, 0, 0, NULL, "cannot open %s file '%s': %s",
                        what, path, mp_u_read_reason(r, e));
    case MP_U_READ_IO:
        return mp_u_err(err, MP_EIO, path, 0, 0, NULL, "cannot read %s file '%s': %s",
                        what, path, mp_u_read_reason(r, e));
    case MP_U_READ_NOMEM:
        return mp_u_err(err, MP_ENOMEM, path, 0, 0, NULL, "out of memory");
    default:
        return MP_OK;
    }
}
