/* SPDX-License-Identifier: Apache-2.0 */
/* kcrypt: what kernel crypto this machine offers, and whether it works. */
#include "commands.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: kcrypt [--help] COMMAND [--help] ...\n"
               "       kcrypt info [--all]   algorithms this kernel offers, with driver,\n"
               "                             priority and hardware offload\n"
               "       kcrypt key import|generate|list|export|delete ...\n"
               "                             RSA private keys held by the kernel (kcrypt key --help)\n"
               "       kcrypt selftest       a known-answer test of each algorithm\n"
               "       kcrypt bench [--json] [--runs N] [--time S] [--sizes 64,16384] [--no-count]\n"
               "                    [--provider-dir DIR] [--calibrate]\n"
               "                             kcrypt's provider vs the afalg engine, a raw AF_ALG\n"
               "                             loop and the default provider, side by side\n");
}

int main(int argc, char **argv)
{
    /* options before the command: "+" stops at the command, whose own
     * options each command parses */
    static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        return cli_bad_option("", argv, usage);
    }
    argc -= optind - 1;
    argv += optind - 1;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "info"))
        return cmd_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "bench"))
        return cmd_bench(argc - 1, argv + 1);
    if (!strcmp(argv[1], "key"))
        return cmd_key(argc - 1, argv + 1);
    if (!strcmp(argv[1], "selftest"))
        return cmd_selftest(argc - 1, argv + 1);
    if (!strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "kcrypt: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return 2;
}
