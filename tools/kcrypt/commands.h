#ifndef KCRYPT_COMMANDS_H
#define KCRYPT_COMMANDS_H

#include <stdio.h>

/* Each returns the process exit status. */
int cmd_info(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_key(int argc, char **argv);

/* The one line printed, with exit status 2, when the kernel has no AF_ALG. */
int report_no_afalg(FILE *f);

#endif
