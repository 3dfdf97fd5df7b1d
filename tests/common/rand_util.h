/* SPDX-License-Identifier: Apache-2.0 */
/* A seeded generator for test inputs, so a failing run can be replayed
 * with KCRYPT_SEED=<printed seed>. */
#ifndef KCT_RAND_UTIL_H
#define KCT_RAND_UTIL_H

#include <stddef.h>
#include <stdint.h>

uint64_t tr_seed_from_env(void);
uint64_t tr_next(void);
size_t tr_below(size_t n);          /* uniform in [0, n) */
void tr_fill(unsigned char *p, size_t n);
/* A message length in [0, max], biased to block edges and small sizes. */
size_t tr_length(size_t max, size_t multiple);

#endif
