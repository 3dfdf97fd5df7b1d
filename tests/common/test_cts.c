/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit test of common/'s CBC-CTS tail order (kc/cts.h): for every
 * length and order, the position of each block after the reorder as the
 * SP 800-38A addendum and RFC 3962 define it, the round trip back to the
 * kernel's CS3 order, and where the chaining block Cn lies. */
#include "kc/cts.h"

#include "kct_check.h"

#include <string.h>

enum { B = 16, MAX = 6 * B };

/* A CS3 message built from labels: CBC blocks 1..n-2 as is, then the full
 * Cn (label 'N') and the d-byte C(n-1)* (label 'P'). */
static size_t cs3(unsigned char *m, size_t len)
{
    size_t d = len % B ? len % B : B;
    memset(m, 'C', len);
    if (len > B) {
        memset(m + len - B - d, 'N', B);
        memset(m + len - d, 'P', d);
    }
    return d;
}

int main(void)
{
    static const char *const names[] = { "", "CS1", "CS2", "CS3" };
    for (size_t len = B; len <= MAX; len++)
        for (int o = KC_CTS_CS1; o <= KC_CTS_CS3; o++) {
            unsigned char m[MAX], want[MAX];
            size_t d = cs3(m, len);
            cs3(want, len);
            /* CS1 never swaps; CS2 only with a partial last block; CS3 always */
            int swap = o == KC_CTS_CS3 || (o == KC_CTS_CS2 && len % B);
            if (len > B && !swap) {
                memset(want + len - B - d, 'P', d);
                memset(want + len - B, 'N', B);
            }
            kc_cts_reorder(m, len, B, (kc_cts_order)o, 0);
            CHECK(!memcmp(m, want, len), "%s, %zu bytes: wrong order from CS3", names[o], len);
            kc_cts_reorder(m, len, B, (kc_cts_order)o, 1);
            cs3(want, len);
            CHECK(!memcmp(m, want, len), "%s, %zu bytes: not CS3 again", names[o], len);
            size_t at = kc_cts_last_block_at(len, B);
            CHECK(len == B ? at == 0 : at == len - B - d && m[at] == 'N' && m[at + B - 1] == 'N',
                  "%zu bytes: Cn at %zu", len, at);
        }
    /* the real bytes: RFC 3962's 17-byte CS3 ciphertext is OpenSSL's CS1 one
     * with the last two blocks swapped (evpciph_aes_cts.txt) */
    unsigned char c[17] = { 0xc6, 0x35, 0x35, 0x68, 0xf2, 0xbf, 0x8c, 0xb4, 0xd8,
                            0xa5, 0x80, 0x36, 0x2d, 0xa7, 0xff, 0x7f, 0x97 };
    static const unsigned char cs1[17] = { 0x97, 0xc6, 0x35, 0x35, 0x68, 0xf2, 0xbf, 0x8c, 0xb4,
                                           0xd8, 0xa5, 0x80, 0x36, 0x2d, 0xa7, 0xff, 0x7f };
    kc_cts_reorder(c, sizeof(c), B, KC_CTS_CS1, 0);
    CHECK(!memcmp(c, cs1, sizeof(c)), "RFC 3962 17 bytes: not the CS1 order");
    /* shorter than a block, or a block too large: left alone */
    unsigned char s[8] = "abcdefg";
    kc_cts_reorder(s, 7, B, KC_CTS_CS1, 0);
    kc_cts_reorder(s, 8, 4 * KC_CTS_BLOCK_MAX, KC_CTS_CS1, 0);
    CHECK(!memcmp(s, "abcdefg", 8), "short message or large block changed");
    return kct_check_exit();
}
