/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL's names for the rows of common/'s algorithm table, as the
 * default provider lists them. A row added to the table without a line
 * here fails kcp_names_check (the alg_table host test). */
#include "names.h"

#include <stdio.h>
#include <string.h>

#define OFFER(name, aliases) { 1, name, aliases }
/* named (the software twin and the tests use it) but not advertised */
#define NAME_ONLY(name)      { -1, name, NULL }

static const kcp_alg_names names[KC_ALG_COUNT] = {
    [KC_AES_ECB] = OFFER("AES-%u-ECB", NULL),
    [KC_AES_CBC] = OFFER("AES-%u-CBC", "AES%u"),
    [KC_AES_CTR] = OFFER("AES-%u-CTR", NULL),
    /* XTS keys are two AES keys; OpenSSL names the size of one of them
     * (and has no AES-192-XTS, which the kernel offers) */
    [KC_AES_XTS] = OFFER("AES-%u-XTS", NULL),
    /* the kernel's cts(cbc(aes)) is CS3; cipher.c reorders to the
     * cts_mode asked for (CS1 by default, as OpenSSL) through kc/cts.h */
    [KC_AES_CTS] = OFFER("AES-%u-CBC-CTS", NULL),
    [KC_AES_GCM] = OFFER("AES-%u-GCM", "id-aes%u-GCM"),
    [KC_AES_CCM] = OFFER("AES-%u-CCM", "id-aes%u-CCM"),
    [KC_CHACHA20_POLY1305] = OFFER("ChaCha20-Poly1305", NULL),
    [KC_SHA1] = OFFER("SHA1", "SHA-1:SSL3-SHA1"),
    [KC_SHA224] = OFFER("SHA2-224", "SHA-224:SHA224"),
    [KC_SHA256] = OFFER("SHA2-256", "SHA-256:SHA256"),
    [KC_SHA384] = OFFER("SHA2-384", "SHA-384:SHA384"),
    [KC_SHA512] = OFFER("SHA2-512", "SHA-512:SHA512"),
    [KC_SHA3_224] = OFFER("SHA3-224", NULL),
    [KC_SHA3_256] = OFFER("SHA3-256", NULL),
    [KC_SHA3_384] = OFFER("SHA3-384", NULL),
    [KC_SHA3_512] = OFFER("SHA3-512", NULL),
    [KC_HMAC_SHA1] = OFFER("HMAC", NULL),
    [KC_HMAC_SHA224] = OFFER("HMAC", NULL),
    [KC_HMAC_SHA256] = OFFER("HMAC", NULL),
    [KC_HMAC_SHA384] = OFFER("HMAC", NULL),
    [KC_HMAC_SHA512] = OFFER("HMAC", NULL),
    [KC_HMAC_SHA3_224] = OFFER("HMAC", NULL),
    [KC_HMAC_SHA3_256] = OFFER("HMAC", NULL),
    [KC_HMAC_SHA3_384] = OFFER("HMAC", NULL),
    [KC_HMAC_SHA3_512] = OFFER("HMAC", NULL),
    [KC_CMAC_AES] = OFFER("CMAC", NULL),
    [KC_AES_KW] = OFFER("AES-%u-WRAP", "id-aes%u-wrap:AES%u-WRAP"),
    [KC_AES_KWP] = OFFER("AES-%u-WRAP-PAD", "id-aes%u-wrap-pad:AES%u-WRAP-PAD"),
    [KC_DRBG] = OFFER("KCRYPT-DRBG", NULL),
    /* legacy triple DES, the default provider's names */
    [KC_DES3_ECB] = OFFER("DES-EDE3", "DES-EDE3-ECB"),
    [KC_DES3_CBC] = OFFER("DES-EDE3-CBC", "DES3"),
    [KC_AES_OFB] = OFFER("AES-%u-OFB", NULL),
    [KC_AES_CFB] = OFFER("AES-%u-CFB", NULL),
};

const kcp_alg_names *kcp_names_of(kc_alg_id alg)
{
    return (unsigned)alg < KC_ALG_COUNT && names[alg].name ? &names[alg] : NULL;
}

void kcp_expand_name(char *out, size_t n, const char *pattern, unsigned bits)
{
    const char *pct = strstr(pattern, "%u");
    if (!pct) {
        snprintf(out, n, "%s", pattern);
        return;
    }
    snprintf(out, n, "%.*s%u%s", (int)(pct - pattern), pattern, bits, pct + 2);
}

int kcp_names_check(char *why, size_t why_len)
{
    for (int i = 0; i < KC_ALG_COUNT; i++) {
        const kcp_alg_names *n = &names[i];
        if (!n->name || (n->offered != 1 && n->offered != -1)) {
            snprintf(why, why_len, "%s: the provider's name map has no row",
                     kc_alg((kc_alg_id)i)->name);
            return -1;
        }
    }
    return 0;
}
