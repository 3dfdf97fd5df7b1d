/* test_cavp [FAMILY...]: NIST CAVP (and RFC/OpenSSL/BoringSSL) vectors
 * from python3-cryptography-vectors through kcrypt's common/. None or
 * "all" runs every family. */
#include <stdio.h>
#include <string.h>

#include "cavp.h"
#include "vec_main.h"

static const struct {
    const char *name;
    void (*run)(vec_ctx *v);
} families[] = {
    { "block", cavp_block },   { "gcm", cavp_gcm }, { "ccm", cavp_ccm },
    { "keywrap", cavp_keywrap }, { "mac", cavp_mac }, { "sha", cavp_sha },
    { "monte", cavp_monte },   { "chacha", cavp_chacha },
};
enum { N_FAMILIES = sizeof(families) / sizeof(families[0]) };

static int selected(size_t k, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "all") == 0 || strcmp(argv[i], families[k].name) == 0)
            return 1;
    return argc < 2;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int known = strcmp(argv[i], "all") == 0;
        for (size_t k = 0; k < N_FAMILIES; k++)
            known |= strcmp(argv[i], families[k].name) == 0;
        if (!known) {
            fprintf(stderr, "usage: %s [all | FAMILY...]; families:", argv[0]);
            for (size_t k = 0; k < N_FAMILIES; k++)
                fprintf(stderr, " %s", families[k].name);
            fputc('\n', stderr);
            return 2;
        }
    }
    vec_run run;
    if (vec_main_begin(&run, KCT_CAVP) == 0)
        for (size_t k = 0; k < N_FAMILIES; k++)
            if (selected(k, argc, argv))
                families[k].run(&run.v);
    return vec_main_end(&run);
}
