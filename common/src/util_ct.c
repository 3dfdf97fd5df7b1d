/* SPDX-License-Identifier: Apache-2.0 */
#include "kc/util.h"

int kc_memeq_ct(const void *a, const void *b, size_t n)
{
    const volatile unsigned char *x = a, *y = b;   /* volatile: no early exit */
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d == 0;
}
