/* Whole-file reads for the loaders whose parsers work on memory (models,
 * experiments, checkpoints, spike and IDX files): the file entries read the
 * file here and hand the text to the same code as the memory entries. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/util_int.h"

int mp_u_read_file(const char *path, char **text, size_t *len, int *errnum)
{
    *text = NULL;
    *len = 0;
    *errnum = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *errnum = errno;
        return MP_U_READ_OPEN;
    }
    size_t cap = 1 << 14, n = 0;
    char *buf = mp_u_malloc(cap);
    int rc = buf ? MP_U_READ_OK : MP_U_READ_NOMEM;
    while (rc == MP_U_READ_OK) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (ferror(f)) {
            *errnum = errno;
            rc = MP_U_READ_IO;
        } else if (feof(f)) {
            break;
        } else if (n == cap - 1) {
            char *nb = cap <= SIZE_MAX / 2 ? mp_u_realloc(buf, cap * 2) : NULL;
            if (!nb)
                rc = MP_U_READ_NOMEM;
            else {
                buf = nb;
                cap *= 2;
            }
        }
    }
    fclose(f);
    if (rc != MP_U_READ_OK) {
        mp_u_free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return MP_U_READ_OK;
}
