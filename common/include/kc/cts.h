/* SPDX-License-Identifier: Apache-2.0 */
/* CBC ciphertext stealing: the kernel's cts(cbc(...)) gives the Kerberos
 * order (CS3, RFC 3962: the last two blocks always swapped); NIST's CS1
 * (never swapped: the partial C(n-1)* before the full Cn) and CS2 (swapped
 * only when the last block is partial) differ from it only in the order of
 * those two blocks. One rotation of the message's tail converts between
 * them, in place. Pure logic: no kernel, no allocation. */
#ifndef KC_CTS_H
#define KC_CTS_H

#include <stddef.h>

typedef enum { KC_CTS_CS1 = 1, KC_CTS_CS2, KC_CTS_CS3 } kc_cts_order;

/* The largest block the reorder takes. */
#define KC_CTS_BLOCK_MAX 16

/* Reorder the ciphertext buf of a len-byte message (block `block`) from
 * the kernel's CS3 order to `order` (to_cs3 = 0, after encrypting) or from
 * `order` to CS3 (to_cs3 = 1, before decrypting). A message of one block
 * or less, or a block the helper cannot hold, is left as it is. */
void kc_cts_reorder(unsigned char *buf, size_t len, size_t block, kc_cts_order order,
                    int to_cs3);

/* Where the last full CBC ciphertext block Cn (the IV that continues the
 * chain) starts in a len-byte message in CS3 order; len >= block. */
size_t kc_cts_last_block_at(size_t len, size_t block);

#endif
