/* SPDX-License-Identifier: Apache-2.0 */
/* Start and end of a vector program: the kernel and directory checks that
 * must fail loudly, and the summary CI reads. */
#ifndef VEC_MAIN_H
#define VEC_MAIN_H

#include "kct_paths.h"
#include "vec.h"

typedef struct {
    kct_tally *tally;
    vec_ctx v;
    /* also end with "N passed, M failed, K not run" (the token programs) */
    int not_run_line;
} vec_run;

/* Says which kernel and vectors are used, and makes the cases run on be
 * (with its state). A kernel without AF_ALG is a failure; so is a missing
 * vector directory, and then -1: nothing to run. */
int vec_main_begin(vec_run *r, kct_vector_set set, const vec_backend *be, void *be_state);
/* Prints the table and summary, frees everything; the exit status. */
int vec_main_end(vec_run *r);

#endif
