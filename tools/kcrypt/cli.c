/* SPDX-License-Identifier: Apache-2.0 */
/* What every kcrypt command says about options it cannot take. */
#include "commands.h"

#include <getopt.h>

int cli_bad_option(const char *cmd, char **argv, void (*usage)(FILE *))
{
    /* getopt has stepped past the option it refused */
    fprintf(stderr, "kcrypt%s%s: unknown or incomplete option %s\n", *cmd ? " " : "", cmd,
            argv[optind - 1]);
    usage(stderr);
    return 2;
}

int cli_leftover(const char *cmd, int argc, char **argv, void (*usage)(FILE *))
{
    if (optind >= argc)
        return 0;
    fprintf(stderr, "kcrypt %s: unexpected argument %s\n", cmd, argv[optind]);
    usage(stderr);
    return 2;
}
