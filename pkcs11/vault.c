/* SPDX-License-Identifier: Apache-2.0 */
/* Key custody on kernels without keyring keys by serial (< 6.2), and for
 * extractable keys on any kernel (kernel custody: custody.c, which also
 * keeps keys shorter than 20 bytes sealed here for the store).
 *
 * A secret key's value is never kept in the clear in this process. At
 * C_Initialize the module draws a random 256-bit vault key from the kernel
 * DRBG, hands it to an AES-GCM transform and wipes it: from then on only
 * the kernel holds it. Key values are kept sealed under it (12-byte nonce
 * from a counter, 16-byte tag). The clear bytes of a key exist in process
 * memory only:
 *   - while a key is created, generated or unwrapped (until it is sealed);
 *   - when a kernel transform for one algorithm is keyed from it for the
 *     first time (the transform is then cached on the object, so later
 *     operations with that algorithm need no bytes);
 *   - when the key itself is wrapped, or read by C_GetAttributeValue
 *     (only if extractable and not sensitive), or C_DigestKey'd;
 *   - while computing CKA_CHECK_VALUE;
 *   - while a token key is written to or read from the store (objfile.c),
 *     between the vault and the token key's transform.
 * Each time in a stack or heap buffer wiped with kc_wipe right after use.
 * A core dump or ptrace of the process outside those windows finds only
 * sealed blobs; the vault key lives in the kernel's socket. */
#include "p11.h"

#include <stdlib.h>
#include <string.h>

#define NONCE 12
#define TAG 16

CK_RV p11_vault_open(void)
{
    unsigned char key[32];
    CK_RV rv = p11_random(key, sizeof key);
    if (rv == CKR_OK)
        rv = p11_random(p11_g.vault_prefix, sizeof p11_g.vault_prefix);
    if (rv != CKR_OK) {
        kc_wipe(key, sizeof key);
        return rv;
    }
    kc_key k = KC_KEY_RAW(key, sizeof key);
    kc_error err;
    kc_status st = kc_aead_new(&p11_g.vault, KC_AES_GCM, NULL, &k, TAG, &err);
    kc_wipe(key, sizeof key);
    if (st != KC_OK) {
        p11_g.vault = NULL;
        return p11_rv(&err, P11_USE_TOKEN);
    }
    p11_g.vault_ctr = 0;
    return CKR_OK;
}

void p11_vault_close(void)
{
    if (p11_g.vault)
        kc_aead_free(p11_g.vault);
    p11_g.vault = NULL;
}

CK_RV p11_seal(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len)
{
    if (!p11_g.vault)
        return CKR_DEVICE_ERROR;
    unsigned char *b = malloc(NONCE + len + TAG);
    if (!b)
        return CKR_HOST_MEMORY;
    unsigned long long c = ++p11_g.vault_ctr;
    memcpy(b, p11_g.vault_prefix, 4);
    for (int i = 0; i < 8; i++)
        b[4 + i] = (unsigned char)(c >> (8 * i));
    kc_error err;
    if (kc_aead_encrypt(p11_g.vault, b, NONCE, NULL, 0, in, len, b + NONCE, b + NONCE + len,
                        &err) != KC_OK) {
        free(b);
        return p11_rv(&err, P11_USE_TOKEN);
    }
    *out = b;
    *out_len = NONCE + len + TAG;
    return CKR_OK;
}

CK_RV p11_unseal(const unsigned char *in, size_t len, unsigned char *out, size_t out_len)
{
    if (!p11_g.vault)
        return CKR_DEVICE_ERROR;
    if (len != NONCE + out_len + TAG)
        return CKR_GENERAL_ERROR;
    kc_error err;
    if (kc_aead_decrypt(p11_g.vault, in, NONCE, NULL, 0, in + NONCE, out_len,
                        in + NONCE + out_len, out, &err) != KC_OK)
        return CKR_GENERAL_ERROR;
    return CKR_OK;
}
