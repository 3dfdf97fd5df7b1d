/* SPDX-License-Identifier: Apache-2.0 */
#ifndef KCRYPT_COMMANDS_H
#define KCRYPT_COMMANDS_H

#include <stdio.h>

/* Each returns the process exit status. */
int cmd_info(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_key(int argc, char **argv);

/* After getopt_long (opterr 0): an unknown or incomplete option, or an
 * argument left over, is told with the command's usage; returns 2 for
 * that, 0 when nothing is left over. */
int cli_bad_option(const char *cmd, char **argv, void (*usage)(FILE *));
int cli_leftover(const char *cmd, int argc, char **argv, void (*usage)(FILE *));

/* The one line printed, with exit status 2, when the kernel has no AF_ALG. */
int report_no_afalg(FILE *f);

#endif
