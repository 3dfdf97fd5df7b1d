/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the store index's plaintext (objindex.c). */
#include "fuzz.h"
#include "p11.h"

#include <string.h>

void fuzz_seeds(fuzz_add_fn add)
{
    unsigned char p[12 + 3 * 24];
    memset(p, 0, sizeof p);
    p[0] = 9;        /* version 9 */
    add(p, 12);      /* empty */
    p[8] = 3;        /* three entries */
    for (int i = 0; i < 3; i++) {
        memcpy(p + 12 + i * 24, "0123456789abcdef", 16);
        p[12 + i * 24 + 15] = (unsigned char)('0' + i);
        p[12 + i * 24 + 16] = (unsigned char)(i + 1);
    }
    add(p, sizeof p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    p11_index ix;
    if (p11_index_parse(&ix, data, size) == CKR_OK) {
        (void)p11_index_gen(&ix, "0123456789abcdef");
        if (ix.n)
            p11_index_drop(&ix, ix.e[0].name);
        p11_index_free(&ix);
    }
    return 0;
}
