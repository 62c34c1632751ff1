/* The memory entries (mp_model_load_string, mp_x_load_string,
 * mp_x_checkpoint_load_string, mp_m_spike_file_parse, mp_ds_load_idx_mem)
 * give what the file entries give: the same model or the same first error,
 * word for word, over every invalid model and experiment case. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "check.h"
#include "meta/meta_int.h"
#include "model/load_int.h"
#include "model/model_int.h"
#include "stimuli/dataset_int.h"

static char src_dir[1024];

static char *slurp(const char *path, size_t *len)
{
    char *text = NULL;
    int e = 0;
    if (mp_u_read_file(path, &text, len, &e) != MP_U_READ_OK)
        fprintf(stderr, "cannot read %s\n", path);
    return text;
}

static void dir_of(const char *path, char *dir, size_t n)
{
    snprintf(dir, n, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
}

/* The first error in words ("" when none). */
static const char *said(int rc, const mp_error *e, char *buf, size_t n)
{
    return rc == MP_OK ? "" : mp_error_format(e, buf, n);
}

/* Loads the model at path both ways and compares. */
static void same_model(const char *path, const char *const *ov, size_t n_ov)
{
    char dir[2048], a[1600], b[1600];
    size_t len = 0;
    char *text = slurp(path, &len);
    mp_model *mf = NULL, *ms = NULL;
    mp_error ef, es;
    mp_error_clear(&ef);
    mp_error_clear(&es);
    dir_of(path, dir, sizeof dir);
    int rf = mp_model_load(path, ov, n_ov, &mf, &ef);
    int rs = text ? mp_model_load_string(text, len, path, dir, ov, n_ov, &ms, &es) : -1;
    CHECK_(rf == rs, "%s: file %d, memory %d", path, rf, rs);
    CHECK_STR(said(rf, &ef, a, sizeof a), said(rs, &es, b, sizeof b));
    if (mf && ms) {
        CHECK_STR(mp_model_name(mf), mp_model_name(ms));
        CHECK_STR(mp_model_file(mf), mp_model_file(ms));
        CHECK_EQ(mp_model_seed(mf), mp_model_seed(ms));
        CHECK(mp_model_dt(mf) == mp_model_dt(ms));
        CHECK(mp_model_duration(mf) == mp_model_duration(ms));
        CHECK_EQ(mf->n_populations, ms->n_populations);
        CHECK_EQ(mf->n_recorders, ms->n_recorders);
        CHECK_EQ(mf->n_projections, ms->n_projections);
        CHECK_EQ(mf->n_stimuli, ms->n_stimuli);
    }
    mp_model_free(mf);
    mp_model_free(ms);
    free(text);
}

static void same_experiment(const char *path)
{
    char dir[2048], a[1600], b[1600];
    size_t len = 0;
    char *text = slurp(path, &len);
    mp_experiment *xf = NULL, *xs = NULL;
    mp_error ef, es;
    mp_error_clear(&ef);
    mp_error_clear(&es);
    dir_of(path, dir, sizeof dir);
    int rf = mp_x_load(path, &xf, &ef);
    int rs = text ? mp_x_load_string(text, len, path, dir, &xs, &es) : -1;
    CHECK_(rf == rs, "%s: file %d, memory %d", path, rf, rs);
    CHECK_STR(said(rf, &ef, a, sizeof a), said(rs, &es, b, sizeof b));
    if (xf && xs) {
        CHECK_EQ(xf->hash, xs->hash);
        CHECK_EQ(xf->n_free, xs->n_free);
        CHECK_STR(xf->model_file, xs->model_file);
    }
    mp_x_free_experiment(xf);
    mp_x_free_experiment(xs);
    free(text);
}

/* Calls fn on DIR/<case>/<file> for every case folder of DIR. */
static size_t each_case(const char *rel, const char *file, void (*fn)(const char *))
{
    char dir[1200], path[2600];
    snprintf(dir, sizeof dir, "%s/%s", src_dir, rel);
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s/%s", dir, de->d_name, file);
        /* not model_is_directory: the file entry's own case */
        if (de->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            fn(path);
            n++;
        }
    }
    if (d)
        closedir(d);
    return n;
}

static void same_model_plain(const char *path) { same_model(path, NULL, 0); }

static void test_models(void)
{
    char path[1200];
    static const char *const ov[] = {"duration=25", "populations[0].size=3"};
    static const char *const bad_ov[] = {"populations[0].size=-1"};
    snprintf(path, sizeof path, "%s/models/vogels2011_single_neuron.json", src_dir);
    same_model(path, NULL, 0);
    same_model(path, ov, 2);
    same_model(path, bad_ov, 1);
    snprintf(path, sizeof path, "%s/tests/models/valid/all_features/model.json", src_dir);
    same_model(path, NULL, 0);
    CHECK(each_case("tests/models/invalid", "model.json", same_model_plain) > 50);

    /* Without a name or a folder: "<string>" in messages. */
    mp_model *m = NULL;
    mp_error e;
    mp_error_clear(&e);
    CHECK_EQ(mp_model_load_string("{\"format\": 1}", 13, NULL, NULL, NULL, 0, &m, &e),
             MP_EINVAL);
    CHECK(m == NULL);
    CHECK_STR(e.file, "<string>");
    /* The text need not end in a NUL: only len bytes are read. */
    mp_error_clear(&e);
    CHECK_EQ(mp_model_load_string("[]xyz", 2, "t.json", NULL, NULL, 0, &m, &e),
             MP_EINVAL);
    CHECK(strstr(e.text, "expected the model object") != NULL);

    /* A UTF-8 byte-order mark is skipped, as by the file entry: positions
     * on the first line are those of the text after it. */
    static const char bom[] = "\xEF\xBB\xBF{\"format\": \"metaplast-model\", \"version\": 2}";
    mp_error_clear(&e);
    CHECK_EQ(mp_model_load_string(bom, sizeof bom - 1, "b.json", NULL, NULL, 0, &m, &e),
             MP_EINVAL);
    CHECK_EQ(e.line, 1);
    CHECK_EQ(e.column, 42);
    CHECK_STR(e.path, "version");
}

static void test_experiments(void)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/examples/confavreux-fig1-oja3/experiment.json",
             src_dir);
    same_experiment(path);
    CHECK(each_case("tests/experiments/invalid", "experiment.json", same_experiment) >
          10);

    /* A byte-order mark is skipped; the hash covers the whole text, as the
     * file's hash that --resume compares it with does. */
    static const char bom[] = "\xEF\xBB\xBF{\"format\": \"metaplast-experiment\", \"version\": 2}";
    mp_experiment *x = NULL;
    mp_error e;
    mp_error_clear(&e);
    CHECK_EQ(mp_x_load_string(bom, sizeof bom - 1, "b.json", NULL, &x, &e), MP_EINVAL);
    CHECK(x == NULL);
    CHECK_EQ(e.line, 1);
    CHECK_EQ(e.column, 47);
    CHECK_STR(e.path, "version");
}

/* A damaged checkpoint gives the same error through --resume (the file) as
 * through the memory entry; a good one is accepted. */
static void test_checkpoint(void)
{
    char path[1200], a[1600], b[1600];
    snprintf(path, sizeof path, "%s/tests/experiments/valid/vogels_fd/experiment.json",
             src_dir);
    mp_experiment *x = NULL;
    mp_error e;
    mp_error_clear(&e);
    CHECK_OK(mp_x_load(path, &x, &e));
    if (!x)
        return;
    char good[4096], h[32];
    snprintf(h, sizeof h, "%016llx", (unsigned long long)x->hash);
    int k = snprintf(good, sizeof good,
                     "{\"format\":\"metaplast-meta-checkpoint\",\"version\":1,"
                     "\"experiment_hash\":\"%s\",\"iter\":1,\"theta\":[", h);
    for (size_t i = 0; i < x->n_free; i++)
        k += snprintf(good + k, sizeof good - (size_t)k, "%s0.5", i ? "," : "");
    k += snprintf(good + k, sizeof good - (size_t)k, "],\"best_theta\":[");
    for (size_t i = 0; i < x->n_free; i++)
        k += snprintf(good + k, sizeof good - (size_t)k, "%s0.5", i ? "," : "");
    k += snprintf(good + k, sizeof good - (size_t)k, "],\"best_iter\":0,"
                  "\"best_loss\":1,\"last_loss\":1,\"adam\":{\"t\":1,\"m\":[");
    for (size_t i = 0; i < x->n_free; i++)
        k += snprintf(good + k, sizeof good - (size_t)k, "%s0", i ? "," : "");
    k += snprintf(good + k, sizeof good - (size_t)k, "],\"v\":[");
    for (size_t i = 0; i < x->n_free; i++)
        k += snprintf(good + k, sizeof good - (size_t)k, "%s0", i ? "," : "");
    snprintf(good + k, sizeof good - (size_t)k, "]}}");
    CHECK_EQ(x->opt, MP_X_OPT_ADAM);
    CHECK_OK(mp_x_checkpoint_load_string(x, good, strlen(good), "cp.json", &e));

    static const char *const bad[] = {"{\"experiment_hash\": 3}", "[1, 2", ""};
    mp_u_mkdir_p("memory_cp", &e);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        FILE *f = fopen("memory_cp/checkpoint.json", "wb");
        fputs(bad[i], f);
        fclose(f);
        mp_error ef, es;
        mp_error_clear(&ef);
        mp_error_clear(&es);
        mp_meta_run_opts o = {.out = "memory_cp", .threads = 1, .resume = 1,
                              .max_iterations = -1};
        int rf = mp_x_run(x, &o, &ef);
        int rs = mp_x_checkpoint_load_string(x, bad[i], strlen(bad[i]),
                                             "memory_cp/checkpoint.json", &es);
        CHECK(rf != MP_OK);
        CHECK_EQ(rf, rs);
        CHECK_STR(said(rf, &ef, a, sizeof a), said(rs, &es, b, sizeof b));
    }
    mp_x_free_experiment(x);
}

static void same_spikes(const char *path)
{
    char a[1600], b[1600];
    size_t len = 0;
    char *text = slurp(path, &len);
    mp_m_ctx c = {.file = "m.json", .text = "{}", .text_len = 2};
    mp_error ef, es;
    mp_error_clear(&ef);
    mp_error_clear(&es);
    c.err = &ef;
    size_t old = mp_m_push_key(&c, "stimuli");
    mp_m_push_index(&c, 0);
    mp_m_spike_file sf = {.file = (char *)path, .size = 4}, ss = sf;
    int rf = mp_m_spike_file_read(&c, &sf);
    mp_m_push_key(&c, "file");
    int rs = mp_m_spike_file_parse(&ss, c.path, text, len, &es);
    mp_m_pop(&c, old);
    CHECK_(rf == rs, "%s: file %d, memory %d", path, rf, rs);
    CHECK_STR(said(rf, &ef, a, sizeof a), said(rs, &es, b, sizeof b));
    CHECK_EQ(sf.n_spikes, ss.n_spikes);
    for (size_t i = 0; rf == MP_OK && i < sf.n_spikes && i < ss.n_spikes; i++)
        CHECK(sf.t[i] == ss.t[i] && sf.id[i] == ss.id[i]);
    free(sf.t);
    free(sf.id);
    free(ss.t);
    free(ss.id);
    free(text);
}

static void test_spike_files(void)
{
    CHECK(each_case("tests/models/invalid", "spikes.csv", same_spikes) >= 3);
    char path[1200];
    snprintf(path, sizeof path, "%s/tests/models/valid/all_features/replay.csv",
             src_dir);
    same_spikes(path);
    /* The line-length limit at its edge: 4094 characters pass, 4095 do not. */
    static char line[4100];
    memset(line, ' ', sizeof line);
    for (size_t n = 4094; n <= 4095; n++) {
        memcpy(line + n - 3, "0,1", 3);
        FILE *f = fopen("memory_long.csv", "wb");
        fwrite(line, 1, n, f);
        fputc('\n', f);
        fclose(f);
        same_spikes("memory_long.csv");
        memset(line, ' ', sizeof line);
    }
}

static void write_bytes(const char *path, const unsigned char *d, size_t n, int gz)
{
    if (gz) {
        gzFile g = gzopen(path, "wb");
        gzwrite(g, d, (unsigned)n);
        gzclose(g);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(d, 1, n, f);
        fclose(f);
    }
}

/* images/labels as files (plain or gzip), loaded both ways. */
static void same_idx(const unsigned char *img, size_t ni, const unsigned char *lab,
                     size_t nl, int gz, size_t keep)
{
    char a[1600], b[1600];
    write_bytes("memory_img", img, ni, gz);
    write_bytes("memory_lab", lab, nl, gz);
    size_t li = 0, ll = 0;
    char *ti = slurp("memory_img", &li), *tl = slurp("memory_lab", &ll);
    if (keep < li)
        write_bytes("memory_img", (unsigned char *)ti, li = keep, 0);
    mp_dataset *df = NULL, *ds = NULL;
    mp_error ef, es;
    mp_error_clear(&ef);
    mp_error_clear(&es);
    int rf = mp_ds_load_idx_n("memory_img", "memory_lab", 3, &df, &ef);
    int rs = mp_ds_load_idx_mem("memory_img", ti, li, "memory_lab", tl, ll, 3, &ds, &es);
    CHECK_(rf == rs, "idx (gz %d, keep %zu): file %d, memory %d", gz, keep, rf, rs);
    CHECK_STR(said(rf, &ef, a, sizeof a), said(rs, &es, b, sizeof b));
    if (df && ds) {
        CHECK_EQ(df->n, ds->n);
        CHECK_EQ(df->dim, ds->dim);
        CHECK(memcmp(df->x, ds->x, df->n * df->dim * sizeof(double)) == 0);
        CHECK(memcmp(df->label, ds->label, df->n * sizeof *df->label) == 0);
    }
    mp_ds_free(df);
    mp_ds_free(ds);
    free(ti);
    free(tl);
}

static void test_idx(void)
{
    /* 2 images of 1 x 2 pixels, labels 0 2. */
    static const unsigned char img[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1,
                                        0, 0, 0, 2, 0, 64, 128, 255};
    static const unsigned char lab[] = {0, 0, 8, 1, 0, 0, 0, 2, 0, 2};
    static const unsigned char lab_bad[] = {0, 0, 8, 1, 0, 0, 0, 2, 0, 3};
    for (int gz = 0; gz <= 1; gz++) {
        same_idx(img, sizeof img, lab, sizeof lab, gz, SIZE_MAX);
        same_idx(img, sizeof img, lab_bad, sizeof lab_bad, gz, SIZE_MAX);
        same_idx(img, sizeof img - 1, lab, sizeof lab, gz, SIZE_MAX);
        same_idx(img, 6, lab, sizeof lab, gz, SIZE_MAX);
        for (size_t keep = 0; keep < 40; keep += 7) /* truncated files */
            same_idx(img, sizeof img, lab, sizeof lab, gz, keep);
    }
}

int main(void)
{
    const char *s = getenv("MP_SOURCE_DIR");
    snprintf(src_dir, sizeof src_dir, "%s", s ? s : "..");
    test_models();
    test_experiments();
    test_checkpoint();
    test_spike_files();
    test_idx();
    return CHECK_DONE();
}
