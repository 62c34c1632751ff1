/* The data-driven model cases of tests/models/ run through the library
 * itself (tests/model_cases.cmake runs the same folders through the CLI):
 *   invalid/<case>/model.json must fail; the formatted error
 *       "file:line:col: path: text" must equal the first line of
 *       <case>/expected (`<...>` in it matches any text: machine-dependent
 *       paths), and each further line must occur in it. The case loads
 *       "model.json" from its own folder, so file names read as in the CLI
 *       runner (tests/expect_message.cmake);
 *   valid/<case>/model.json must load; "ok: NAME" lines of <case>/expected
 *       name the model.
 * <case>/args holds extra CLI arguments one per line; "--set" followed by a
 * line "path=value" becomes an override here. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "metaplast/model.h"

#define MAX_LINES 16
#define LINE_LEN 512

/* Reads up to MAX_LINES non-empty lines of dir/name; returns their count. */
static int read_lines(const char *dir, const char *name, char lines[][LINE_LEN])
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    int n = 0;
    if (!f)
        return 0;
    while (n < MAX_LINES && fgets(lines[n], LINE_LEN, f)) {
        lines[n][strcspn(lines[n], "\r\n")] = '\0';
        if (lines[n][0])
            n++;
    }
    fclose(f);
    return n;
}

/* Whether got equals want, "<...>" in want matching any text. */
static int match_line(const char *got, const char *want)
{
    const char *hole = strstr(want, "<...>");
    size_t n = hole ? (size_t)(hole - want) : strlen(want);
    if (strncmp(got, want, n) != 0)
        return 0;
    if (!hole)
        return got[n] == '\0';
    got += n;
    want = hole + 5;
    /* The rest after the hole: try every place for it (lines are short). */
    for (;; got++) {
        if (match_line(got, want))
            return 1;
        if (!*got)
            return 0;
    }
}

static void run_case(const char *dir, const char *name, int valid)
{
    char path[4096], want[MAX_LINES][LINE_LEN], args[MAX_LINES][LINE_LEN];
    const char *sets[MAX_LINES];
    size_t n_sets = 0;
    int n_args = read_lines(dir, "args", args);
    for (int i = 0; i + 1 < n_args; i++)
        if (strcmp(args[i], "--set") == 0)
            sets[n_sets++] = args[++i];
    char here[PATH_MAX];
    CHECK(getcwd(here, sizeof here) != NULL);
    CHECK(chdir(dir) == 0);
    snprintf(path, sizeof path, "model.json");

    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_model_load(path, sets, n_sets, &m, &err);
    CHECK(chdir(here) == 0);
    char msg[2048];
    mp_error_format(&err, msg, sizeof msg);
    int n_want = read_lines(dir, "expected", want);
    if (valid) {
        CHECK_(rc == MP_OK, "valid/%s: %s", name, msg);
        for (int i = 0; i < n_want && m; i++)
            if (strncmp(want[i], "ok: ", 4) == 0)
                CHECK_(strcmp(mp_model_name(m), want[i] + 4) == 0,
                       "valid/%s: name '%s', expected '%s'", name,
                       mp_model_name(m), want[i] + 4);
    } else {
        CHECK_(rc < 0 && m == NULL, "invalid/%s: loaded", name);
        CHECK_(n_want > 0, "invalid/%s: no expected file", name);
        CHECK_(err.code == rc, "invalid/%s: err.code %d, returned %d", name,
               err.code, rc);
        if (n_want > 0)
            CHECK_(match_line(msg, want[0]), "invalid/%s:\n  got:  %s\n  want: %s",
                   name, msg, want[0]);
        for (int i = 1; i < n_want; i++)
            CHECK_(strstr(msg, want[i]) != NULL,
                   "invalid/%s:\n  got:  %s\n  lacks: %s", name, msg, want[i]);
    }
    mp_model_free(m);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every case folder of root/kind in name order; returns their count. */
static int run_all(const char *root, const char *kind)
{
    char dir[1024], sub[2048];
    char *names[512];
    int n = 0;
    snprintf(dir, sizeof dir, "%s/tests/models/%s", root, kind);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, names[i]);
        run_case(sub, names[i], strcmp(kind, "valid") == 0);
        free(names[i]);
    }
    return n;
}

int main(void)
{
    const char *root = getenv("MP_SOURCE_DIR");
    char abs_root[2 * PATH_MAX + 2];
    if (!root)
        root = "..";
    /* Cases run from their own folders: the root must not be relative. */
    char cwd[PATH_MAX];
    if (root[0] != '/' && getcwd(cwd, sizeof cwd)) {
        snprintf(abs_root, sizeof abs_root, "%s/%s", cwd, root);
        root = abs_root;
    }
    int n_invalid = run_all(root, "invalid");
    int n_valid = run_all(root, "valid");
    printf("%d invalid and %d valid cases\n", n_invalid, n_valid);
    CHECK(n_invalid >= 25);
    CHECK(n_valid >= 1);
    return CHECK_DONE();
}
