/* SPDX-License-Identifier: Apache-2.0 */
/* The plain check of the small host unit tests (no per-algorithm tally):
 * counts passes and failures, prints where each failure is. */
#ifndef KCT_CHECK_H
#define KCT_CHECK_H

#include <stdio.h>

static int kct_checks_passed, kct_checks_failed;

#define CHECK(cond, ...)                                    \
    do {                                                    \
        if (cond) {                                         \
            kct_checks_passed++;                            \
        } else {                                            \
            kct_checks_failed++;                            \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);     \
            printf(__VA_ARGS__);                            \
            printf("\n");                                   \
        }                                                   \
    } while (0)

/* "N passed, N failed" as the last line; 0 only if something passed and
 * nothing failed, so a test that checked nothing is not green. */
static inline int kct_check_exit(void)
{
    printf("%d passed, %d failed\n", kct_checks_passed, kct_checks_failed);
    return kct_checks_failed || !kct_checks_passed;
}

#endif
