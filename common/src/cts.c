/* SPDX-License-Identifier: Apache-2.0 */
/* The order of the last two ciphertext blocks of CBC-CTS (kc/cts.h). */
#include "kc/cts.h"

#include <string.h>

/* Bytes of the last, possibly partial, block: 1..block. */
static size_t tail_bytes(size_t len, size_t block)
{
    return len % block ? len % block : block;
}

/* Does `order` swap the last two blocks for this length, as CS3 does? */
static int swapped(size_t len, size_t block, kc_cts_order order)
{
    return order == KC_CTS_CS3 || (order == KC_CTS_CS2 && len % block);
}

void kc_cts_reorder(unsigned char *buf, size_t len, size_t block, kc_cts_order order,
                    int to_cs3)
{
    if (block == 0 || block > KC_CTS_BLOCK_MAX || len <= block || swapped(len, block, order))
        return;
    /* CS3: Cn (block) || C(n-1)* (d); CS1: C(n-1)* (d) || Cn (block) */
    size_t d = tail_bytes(len, block);
    unsigned char *tail = buf + len - block - d, tmp[2 * KC_CTS_BLOCK_MAX];
    size_t first = to_cs3 ? d : block;   /* what moves from the front to the back */
    memcpy(tmp, tail, block + d);
    memcpy(tail, tmp + first, block + d - first);
    memcpy(tail + block + d - first, tmp, first);
}

size_t kc_cts_last_block_at(size_t len, size_t block)
{
    return len > block ? len - block - tail_bytes(len, block) : 0;
}
