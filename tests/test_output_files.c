/* Output files (core/util/output.c): a symbolic link at an output's name or
 * at a directory on the way is refused, not followed, and what it points to
 * is unchanged; a FIFO is refused without hanging; the temporary file of an
 * atomic replacement is created exclusively, so a file or a link already at
 * its name is left alone; write errors give the file and the system's
 * reason (a FILE on /dev/full). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util/util_int.h"

#define DIR "output_files"
#define OUT DIR "/out"
#define OUTSIDE DIR "/outside.txt"

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The whole file as a string ("" when unreadable). */
static const char *slurp(const char *path)
{
    static char buf[4096];
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    return buf;
}

static int has(const mp_error *e, const char *what)
{
    char buf[1200];
    mp_error_format(e, buf, sizeof buf);
    int ok = strstr(buf, what) != NULL;
    if (!ok)
        fprintf(stderr, "  message: %s\n  lacks:   %s\n", buf, what);
    return ok;
}

static int is_link(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static void refuses_links(void)
{
    const char *target = OUTSIDE, *link = OUT "/x.csv", *out = OUT;
    put(target, "keep me\n");
    CHECK(symlink("../outside.txt", link) == 0);
    mp_error err;

    /* a link at the file: refused, its target unchanged */
    FILE *f = (FILE *)1;
    mp_error_clear(&err);
    CHECK_EQ(mp_u_open_output(out, "x.csv", MP_U_OUT_TRUNCATE, &f, &err), MP_EIO);
    CHECK(f == NULL);
    CHECK(has(&err, "output_files/out/x.csv: is a symbolic link"));
    CHECK_STR(slurp(target), "keep me\n");
    mp_error_clear(&err);
    CHECK_EQ(mp_u_open_output(out, "x.csv", MP_U_OUT_APPEND, &f, &err), MP_EIO);
    CHECK_STR(slurp(target), "keep me\n");
    mp_error_clear(&err);
    CHECK_EQ(mp_u_write_output(out, "x.csv", "new\n", 4, &err), MP_EIO);
    CHECK_STR(slurp(target), "keep me\n");
    mp_error_clear(&err);
    CHECK_EQ(mp_u_replace_output(out, "x.csv", "new\n", 4, &err), MP_EIO);
    CHECK(has(&err, "x.csv: is a symbolic link"));
    CHECK(is_link(link));
    CHECK_STR(slurp(target), "keep me\n");

    /* a link at a directory inside the output directory: refused */
    CHECK(symlink("..", OUT "/sub") == 0);
    mp_error_clear(&err);
    CHECK_EQ(mp_u_open_output(out, "sub/outside.txt", MP_U_OUT_TRUNCATE, &f, &err),
             MP_EIO);
    CHECK(has(&err, "output_files/out/sub: is a symbolic link"));
    CHECK_STR(slurp(target), "keep me\n");

    /* missing directories of the name are created */
    mp_error_clear(&err);
    CHECK_OK(mp_u_write_output(out, "new/deeper/y.csv", "y\n", 2, &err));
    CHECK_STR(slurp(OUT "/new/deeper/y.csv"), "y\n");
}

static void refuses_fifo(void)
{
    const char *out = OUT;
    CHECK(mkfifo(OUT "/pipe.csv", 0600) == 0);
    mp_error err;
    mp_error_clear(&err);
    FILE *f = NULL;
    CHECK_EQ(mp_u_open_output(out, "pipe.csv", MP_U_OUT_TRUNCATE, &f, &err), MP_EIO);
    CHECK(has(&err, "pipe.csv: is not a regular file")); /* not a hang */
}

static void appends(void)
{
    const char *out = OUT, *p = OUT "/log.jsonl";
    mp_error err;
    mp_error_clear(&err);
    FILE *f = NULL;
    CHECK_OK(mp_u_open_output(out, "log.jsonl", MP_U_OUT_TRUNCATE, &f, &err));
    fputs("1\n", f);
    CHECK_OK(mp_u_close_output(f, p, &err));
    CHECK_OK(mp_u_open_output(out, "log.jsonl", MP_U_OUT_APPEND, &f, &err));
    fputs("2\n", f);
    CHECK_OK(mp_u_close_output(f, p, &err));
    CHECK_STR(slurp(p), "1\n2\n");
}

/* The temporary name of the first try is NAME.tmp.PID.0: a link and a file
 * planted at the first two names are not opened, the third name is used. */
static void exclusive_temp(void)
{
    const char *out = OUT, *target = OUTSIDE, *cp = OUT "/checkpoint.json";
    char t0[300], t1[300], t2[300];
    snprintf(t0, sizeof t0, "%s.tmp.%ld.0", cp, (long)getpid());
    snprintf(t1, sizeof t1, "%s.tmp.%ld.1", cp, (long)getpid());
    snprintf(t2, sizeof t2, "%s.tmp.%ld.2", cp, (long)getpid());
    CHECK(symlink("../outside.txt", t0) == 0);
    put(t1, "someone else's\n");
    mp_error err;
    mp_error_clear(&err);
    CHECK_OK(mp_u_replace_output(out, "checkpoint.json", "{\"a\":1}", 7, &err));
    CHECK_STR(slurp(cp), "{\"a\":1}");
    CHECK_STR(slurp(target), "keep me\n");
    CHECK(is_link(t0));
    CHECK_STR(slurp(t1), "someone else's\n");
    CHECK_OK(mp_u_replace_output(out, "checkpoint.json", "{\"a\":2}", 7, &err));
    CHECK_STR(slurp(cp), "{\"a\":2}");
    CHECK(access(t2, F_OK) != 0); /* renamed away, nothing left behind */
}

/* /dev/full fails every write with ENOSPC: once when the buffer is flushed
 * at close, once during the writes (the error flag is set long before the
 * close, which must still give the reason). */
static void write_errors(void)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f) {
        fprintf(stderr, "no /dev/full: write-error checks skipped\n");
        return;
    }
    fputs("a line\n", f);
    mp_error err;
    mp_error_clear(&err);
    CHECK_EQ(mp_u_close_output(f, "out/full.csv", &err), MP_EIO);
    CHECK(has(&err, "out/full.csv: cannot write: "));
    CHECK(has(&err, strerror(ENOSPC)));

    f = fopen("/dev/full", "w");
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 100000; i++)
        fputs("0123456789\n", f);
    CHECK(ferror(f));
    mp_error_clear(&err);
    CHECK_EQ(mp_u_close_output(f, "out/full.csv", &err), MP_EIO);
    CHECK(has(&err, "out/full.csv: cannot write: "));
    CHECK(has(&err, strerror(ENOSPC)));
}

int main(void)
{
    if (system("rm -rf " DIR " && mkdir -p " OUT) != 0)
        return 1;
    refuses_links();
    refuses_fifo();
    appends();
    exclusive_temp();
    write_errors();
    return CHECK_DONE();
}
