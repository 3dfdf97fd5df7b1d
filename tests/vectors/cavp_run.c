/* SPDX-License-Identifier: Apache-2.0 */
/* The CAVP families the vector programs know (cavp_*.c), and which of them
 * a command line asks for. */
#include <stdio.h>
#include <string.h>

#include "cavp.h"

static const struct {
    const char *name;
    void (*run)(vec_ctx *v);
} families[] = {
    { "block", cavp_block },   { "gcm", cavp_gcm }, { "ccm", cavp_ccm },
    { "keywrap", cavp_keywrap }, { "mac", cavp_mac }, { "sha", cavp_sha },
    { "monte", cavp_monte },   { "chacha", cavp_chacha },
};
enum { N_FAMILIES = sizeof(families) / sizeof(families[0]) };

static int selected(size_t k, int n, char **args)
{
    for (int i = 0; i < n; i++)
        if (strcmp(args[i], "all") == 0 || strcmp(args[i], families[k].name) == 0)
            return 1;
    return n == 0;
}

int cavp_args_check(const char *usage, int n, char **args)
{
    for (int i = 0; i < n; i++) {
        int known = strcmp(args[i], "all") == 0;
        for (size_t k = 0; k < N_FAMILIES; k++)
            known |= strcmp(args[i], families[k].name) == 0;
        if (!known) {
            fprintf(stderr, "usage: %s; families:", usage);
            for (size_t k = 0; k < N_FAMILIES; k++)
                fprintf(stderr, " %s", families[k].name);
            fputc('\n', stderr);
            return 2;
        }
    }
    return 0;
}

void cavp_run(vec_ctx *v, int n, char **args)
{
    for (size_t k = 0; k < N_FAMILIES; k++)
        if (selected(k, n, args))
            families[k].run(v);
}
