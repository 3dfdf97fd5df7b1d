/* SPDX-License-Identifier: Apache-2.0 */
/* The main of a program that runs the Wycheproof or the CAVP suite on one
 * backend other than common/ (the token, the provider):
 *   PROGRAM TARGET wycheproof|cavp [FILE | FAMILY...]
 * where TARGET is what the backend opens (a module path or directory). */
#ifndef VEC_PROG_H
#define VEC_PROG_H

#include "vec_main.h"

typedef struct {
    const char *target;              /* for the usage line: "MODULE", "MODULE_DIR" */
    const vec_backend *backend;
    int (*begin)(vec_run *r, const char *target);   /* 0, or -1 counted as a failure */
    void (*end)(vec_run *r);         /* NULL: nothing to do before the summary */
} vec_prog;

int vec_prog_main(const vec_prog *p, int argc, char **argv);

#endif
