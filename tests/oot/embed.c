/* embed — the smallest program that embeds metaplast (README, "Install"):
 * loads a model file through the installed libmetaplast and prints the
 * library's version and the model's name. Built by plugin_out_of_tree with
 * the README's command, against metaplast-embed.pc. */
#include <stdio.h>

#include <metaplast/metaplast.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed MODEL.json\n");
        return 2;
    }
    mp_error err;
    mp_error_clear(&err);
    mp_model *m = NULL;
    if (mp_model_load(argv[1], NULL, 0, &m, &err) != MP_OK) {
        char buf[MP_ERROR_FILE_LEN + MP_ERROR_PATH_LEN + MP_ERROR_TEXT_LEN + 64];
        fprintf(stderr, "embed: %s\n", mp_error_format(&err, buf, sizeof buf));
        return 1;
    }
    printf("metaplast %s: %s\n", mp_version(), mp_model_name(m));
    mp_model_free(m);
    return 0;
}
