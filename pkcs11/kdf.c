/* SPDX-License-Identifier: Apache-2.0 */
/* PBKDF2-HMAC-SHA256 (RFC 8018) on the kernel's hmac(sha256): the kernel
 * has no PBKDF2, and common/ is the only crypto code the token uses. The
 * PIN keys one HMAC transform once; each iteration is then one sendmsg and
 * one read. */
#include "p11.h"

#include <string.h>

CK_RV p11_pbkdf2(const unsigned char *pin, size_t pin_len, const unsigned char *salt,
                 size_t salt_len, unsigned long iterations, unsigned char *out, size_t out_len)
{
    kc_hash *h = NULL;
    kc_error err;
    kc_key k = KC_KEY_RAW(pin, pin_len);
    if (iterations < 1 || salt_len > 64)
        return CKR_ARGUMENTS_BAD;
    if (kc_hash_new(&h, KC_HMAC_SHA256, NULL, &k, &err) != KC_OK)
        return p11_rv(&err, P11_USE_TOKEN);
    CK_RV rv = CKR_OK;
    unsigned char u[32], t[32], msg[68];
    for (unsigned long blk = 1; out_len > 0 && rv == CKR_OK; blk++) {
        memcpy(msg, salt, salt_len);
        msg[salt_len] = (unsigned char)(blk >> 24);
        msg[salt_len + 1] = (unsigned char)(blk >> 16);
        msg[salt_len + 2] = (unsigned char)(blk >> 8);
        msg[salt_len + 3] = (unsigned char)blk;
        if (kc_hash_oneshot(h, msg, salt_len + 4, u, sizeof u, &err) != KC_OK) {
            rv = p11_rv(&err, P11_USE_TOKEN);
            break;
        }
        memcpy(t, u, sizeof t);
        for (unsigned long i = 1; i < iterations; i++) {
            if (kc_hash_oneshot(h, u, sizeof u, u, sizeof u, &err) != KC_OK) {
                rv = p11_rv(&err, P11_USE_TOKEN);
                break;
            }
            for (size_t j = 0; j < sizeof t; j++)
                t[j] ^= u[j];
        }
        size_t n = out_len < sizeof t ? out_len : sizeof t;
        memcpy(out, t, n);
        out += n;
        out_len -= n;
    }
    kc_wipe(u, sizeof u);
    kc_wipe(t, sizeof t);
    kc_hash_free(h);
    return rv;
}
