/* Fuzz target: --set values. The input is one "path=value" a line, applied
 * to a fixed valid model: the spiking tests/models/valid/all_features, or
 * the rate models/confavreux_oja_single.json when the first line is
 * "#rate". The overrides are applied once to a copy of the tree first, so
 * that the guard of fuzz_common.h sees the values they set. */
#include "fuzz_common.h"

#include "metaplast/model.h"
#include "model/load_int.h"

#define MAX_SETS 32

static char *base[2];
static size_t base_len[2];

static char *slurp(const char *path, size_t *len)
{
    char *text = NULL;
    int e = 0;
    if (mp_u_read_file(path, &text, len, &e) != MP_U_READ_OK) {
        fprintf(stderr, "fuzz_set: cannot read %s\n", path);
        abort();
    }
    return text;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup();
    base[0] = slurp(MP_SOURCE_DIR "/tests/models/valid/all_features/model.json",
                    &base_len[0]);
    base[1] = slurp(MP_SOURCE_DIR "/models/confavreux_oja_single.json", &base_len[1]);
    return 0;
}

/* 1 when the model after the overrides names a path (fuzz_common.h). */
static int sets_unsafe(int which, const char *const *ov, size_t n)
{
    json_error_t je;
    mp_error e;
    mp_error_clear(&e);
    json_t *root = json_loadb(base[which], base_len[which], 0, &je);
    mp_m_ctx c = {.file = "fuzz.json", .text = base[which],
                  .text_len = base_len[which], .err = &e};
    int bad = !root || (mp_m_apply_overrides(&c, root, ov, n) == MP_OK &&
                        fuzz_unsafe(root));
    mp_m_ctx_release(&c);
    json_decref(root);
    return bad;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    const char *ov[MAX_SETS];
    size_t n = 0;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    int which = strncmp(text, "#rate\n", 6) == 0;
    for (char *s = text + (which ? 6 : 0); *s && n < MAX_SETS;) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        ov[n++] = s;
        if (!nl)
            break;
        s = nl + 1;
    }
    if (sets_unsafe(which, ov, n)) {
        free(text);
        return -1;
    }
    mp_model *m = NULL;
    mp_error e;
    char buf[2048];
    mp_error_clear(&e);
    if (mp_model_load_string(base[which], base_len[which], "fuzz.json", MP_FUZZ_FILES,
                             ov, n, &m, &e) != MP_OK)
        mp_error_format(&e, buf, sizeof buf);
    mp_model_free(m);
    free(text);
    return 0;
}
