/* SPDX-License-Identifier: Apache-2.0 */
/* Per-algorithm results of a vector run: passed, failed, and not run with
 * the reason, so a skipped case is never mistaken for a passed one. */
#ifndef KCT_TALLY_H
#define KCT_TALLY_H

#include <stddef.h>
#include <stdio.h>

typedef struct kct_tally kct_tally;

/* Count cond in area of the tally T (a global each test program defines). */
#define CHECK(area, cond, ...)                      \
    do {                                            \
        if (cond)                                   \
            kct_pass(T, area);                      \
        else                                        \
            kct_fail(T, area, __VA_ARGS__);         \
    } while (0)

kct_tally *kct_tally_new(void);
void kct_tally_free(kct_tally *t);

void kct_pass(kct_tally *t, const char *alg);
/* Counts a failure and prints "FAIL alg: message" on stdout; after the
 * first few of one algorithm only the count goes on. */
void kct_fail(kct_tally *t, const char *alg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* n cases not run, for the reason given; equal reasons are counted together. */
void kct_skip(kct_tally *t, const char *alg, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

size_t kct_passed(const kct_tally *t);
size_t kct_failed(const kct_tally *t);
size_t kct_skipped(const kct_tally *t);

/* One row per algorithm, then "N passed, N failed, N skipped" as the last
 * line (CI reads it). */
void kct_tally_print(const kct_tally *t, FILE *out);
/* 0 only if nothing failed and something passed: a run that tested
 * nothing must not look green. */
int kct_tally_exit_code(const kct_tally *t);

#endif
