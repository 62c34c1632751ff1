/* The data-driven model cases of tests/models/ run through the library
 * itself (tests/model_cases.cmake runs the same folders through the CLI):
 *   invalid/<case>/model.json must fail, and every line of <case>/expected
 *       must occur in the formatted error "file:line:col: path: text";
 *   valid/<case>/model.json must load; "ok: NAME" lines of <case>/expected
 *       name the model.
 * <case>/args holds extra CLI arguments one per line; "--set" followed by a
 * line "path=value" becomes an override here. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void run_case(const char *dir, const char *name, int valid)
{
    char path[4096], want[MAX_LINES][LINE_LEN], args[MAX_LINES][LINE_LEN];
    const char *sets[MAX_LINES];
    size_t n_sets = 0;
    int n_args = read_lines(dir, "args", args);
    for (int i = 0; i + 1 < n_args; i++)
        if (strcmp(args[i], "--set") == 0)
            sets[n_sets++] = args[++i];
    snprintf(path, sizeof path, "%s/model.json", dir);

    mp_model *m = NULL;
    mp_error err;
    mp_error_clear(&err);
    int rc = mp_model_load(path, sets, n_sets, &m, &err);
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
        for (int i = 0; i < n_want; i++)
            CHECK_(strstr(msg, want[i]) != NULL,
                   "invalid/%s:\n  got:  %s\n  want: %s", name, msg, want[i]);
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
    if (!root)
        root = "..";
    int n_invalid = run_all(root, "invalid");
    int n_valid = run_all(root, "valid");
    printf("%d invalid and %d valid cases\n", n_invalid, n_valid);
    CHECK(n_invalid >= 25);
    CHECK(n_valid >= 1);
    return CHECK_DONE();
}
