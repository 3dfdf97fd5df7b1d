/* SPDX-License-Identifier: Apache-2.0 */
#include "rand_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t state = 0x9e3779b97f4a7c15ull;

uint64_t tr_seed_from_env(void)
{
    const char *s = getenv("KCRYPT_SEED");
    uint64_t seed = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)clock();
    state = seed ? seed : 1;
    printf("random seed: KCRYPT_SEED=%llu\n", (unsigned long long)seed);
    return seed;
}

uint64_t tr_next(void)
{
    /* xorshift64*: plenty for test inputs, not for keys anyone keeps */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dull;
}

size_t tr_below(size_t n)
{
    return n ? (size_t)(tr_next() % n) : 0;
}

void tr_fill(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(tr_next() >> 56);
}

size_t tr_length(size_t max, size_t multiple)
{
    static const size_t edges[] = { 0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 4096,
                                    16384, 65535, 65536 };
    size_t n;
    switch (tr_below(3)) {
    case 0: n = edges[tr_below(sizeof(edges) / sizeof(edges[0]))]; break;
    case 1: n = tr_below(300); break;
    default: n = tr_below(max + 1); break;
    }
    if (n > max)
        n = max;
    return multiple > 1 ? n - n % multiple : n;
}
