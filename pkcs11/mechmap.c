/* SPDX-License-Identifier: Apache-2.0 */
/* The token's face of the one algorithm table: which PKCS#11 mechanism and
 * key type each row is. common/ holds no PKCS#11 numbers; every row says
 * here whether the token offers it, and p11_alg_map_check (a host unit
 * test) fails on a row that says nothing. */
#include "mechmap.h"

#include <stdio.h>

#define OFFER(m, kt)            { 1, m, 0, 0, kt }
#define OFFER_PAD(m, pad, kt)   { 1, m, pad, 0, kt }
#define OFFER_MAC(m, gen, kt)   { 1, m, 0, gen, kt }
#define NOT_OFFERED             { -1, 0, 0, 0, CKK_GENERIC_SECRET }

static const p11_alg_map map[KC_ALG_COUNT] = {
    [KC_AES_ECB] = OFFER(CKM_AES_ECB, CKK_AES),
    [KC_AES_CBC] = OFFER_PAD(CKM_AES_CBC, CKM_AES_CBC_PAD, CKK_AES),
    [KC_AES_CTR] = OFFER(CKM_AES_CTR, CKK_AES),
    /* XTS needs the two-key CKK_AES_XTS type, which this token does not model */
    [KC_AES_XTS] = NOT_OFFERED,
    [KC_AES_CTS] = OFFER(CKM_AES_CTS, CKK_AES),
    [KC_AES_GCM] = OFFER(CKM_AES_GCM, CKK_AES),
    [KC_AES_CCM] = OFFER(CKM_AES_CCM, CKK_AES),
    [KC_CHACHA20_POLY1305] = OFFER(CKM_CHACHA20_POLY1305, CKK_CHACHA20),
    [KC_SHA1] = OFFER(CKM_SHA_1, CKK_GENERIC_SECRET),
    [KC_SHA224] = OFFER(CKM_SHA224, CKK_GENERIC_SECRET),
    [KC_SHA256] = OFFER(CKM_SHA256, CKK_GENERIC_SECRET),
    [KC_SHA384] = OFFER(CKM_SHA384, CKK_GENERIC_SECRET),
    [KC_SHA512] = OFFER(CKM_SHA512, CKK_GENERIC_SECRET),
    [KC_SHA3_224] = OFFER(CKM_SHA3_224, CKK_GENERIC_SECRET),
    [KC_SHA3_256] = OFFER(CKM_SHA3_256, CKK_GENERIC_SECRET),
    [KC_SHA3_384] = OFFER(CKM_SHA3_384, CKK_GENERIC_SECRET),
    [KC_SHA3_512] = OFFER(CKM_SHA3_512, CKK_GENERIC_SECRET),
    [KC_HMAC_SHA1] = OFFER_MAC(CKM_SHA_1_HMAC, CKM_SHA_1_HMAC_GENERAL, CKK_SHA_1_HMAC),
    [KC_HMAC_SHA224] = OFFER_MAC(CKM_SHA224_HMAC, CKM_SHA224_HMAC_GENERAL, CKK_SHA224_HMAC),
    [KC_HMAC_SHA256] = OFFER_MAC(CKM_SHA256_HMAC, CKM_SHA256_HMAC_GENERAL, CKK_SHA256_HMAC),
    [KC_HMAC_SHA384] = OFFER_MAC(CKM_SHA384_HMAC, CKM_SHA384_HMAC_GENERAL, CKK_SHA384_HMAC),
    [KC_HMAC_SHA512] = OFFER_MAC(CKM_SHA512_HMAC, CKM_SHA512_HMAC_GENERAL, CKK_SHA512_HMAC),
    [KC_HMAC_SHA3_224] = OFFER_MAC(CKM_SHA3_224_HMAC, CKM_SHA3_224_HMAC_GENERAL,
                                   CKK_SHA3_224_HMAC),
    [KC_HMAC_SHA3_256] = OFFER_MAC(CKM_SHA3_256_HMAC, CKM_SHA3_256_HMAC_GENERAL,
                                   CKK_SHA3_256_HMAC),
    [KC_HMAC_SHA3_384] = OFFER_MAC(CKM_SHA3_384_HMAC, CKM_SHA3_384_HMAC_GENERAL,
                                   CKK_SHA3_384_HMAC),
    [KC_HMAC_SHA3_512] = OFFER_MAC(CKM_SHA3_512_HMAC, CKM_SHA3_512_HMAC_GENERAL,
                                   CKK_SHA3_512_HMAC),
    [KC_CMAC_AES] = OFFER_MAC(CKM_AES_CMAC, CKM_AES_CMAC_GENERAL, CKK_AES),
    [KC_AES_KW] = OFFER(CKM_AES_KEY_WRAP, CKK_AES),
    [KC_AES_KWP] = OFFER(CKM_AES_KEY_WRAP_KWP, CKK_AES),
    [KC_DRBG] = NOT_OFFERED,   /* C_GenerateRandom, not a mechanism */
    [KC_DES3_ECB] = OFFER(CKM_DES3_ECB, CKK_DES3),
    [KC_DES3_CBC] = OFFER_PAD(CKM_DES3_CBC, CKM_DES3_CBC_PAD, CKK_DES3),
    [KC_AES_OFB] = OFFER(CKM_AES_OFB, CKK_AES),
    [KC_AES_CFB] = OFFER(CKM_AES_CFB128, CKK_AES),
};

const p11_alg_map *p11_alg_map_of(kc_alg_id alg)
{
    return (unsigned)alg < KC_ALG_COUNT && map[alg].offered == 1 ? &map[alg] : NULL;
}

int p11_alg_map_check(char *why, size_t why_len)
{
    for (int i = 0; i < KC_ALG_COUNT; i++) {
        const kc_alg_info *a = kc_alg((kc_alg_id)i);
        const p11_alg_map *m = &map[i];
        if (m->offered == 0) {
            snprintf(why, why_len, "%s: the token's map has no row (offer it or say why not)",
                     a->name);
            return -1;
        }
        if (m->offered == 1 && a->kind != KC_KIND_HASH && a->kind != KC_KIND_MAC &&
            a->key_parts != 1) {
            snprintf(why, why_len, "%s: a multi-part key has no PKCS#11 key type here", a->name);
            return -1;
        }
        if (m->general && a->kind != KC_KIND_MAC) {
            snprintf(why, why_len, "%s: a _GENERAL mechanism for a non-MAC", a->name);
            return -1;
        }
        if (m->pad_mech && a->mode != KC_MODE_BLOCK) {
            snprintf(why, why_len, "%s: a padding mechanism for a mode without blocks", a->name);
            return -1;
        }
    }
    return 0;
}
