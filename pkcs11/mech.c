/* SPDX-License-Identifier: Apache-2.0 */
/* The token's mechanisms, derived from common/'s one algorithm table
 * (mechmap.c) and offered only where
 * kc_available() says the running kernel binds the algorithm. The few
 * entries that are not an algorithm of their own (CBC_PAD is CBC plus
 * padding done here, the key generators are the DRBG) are derived from
 * their table entry. */
#include "p11.h"

#include <string.h>
#include <unistd.h>

/* each table row gives at most two (plain and _PAD or _GENERAL), plus the
 * key generators, plus room for the RSA mechanisms (rsa_op.c) */
#define MAX_MECHS (2 * KC_ALG_COUNT + 4 + 32)
static p11_mech mechs[MAX_MECHS];
static size_t nmechs;
static pid_t built_for;

static void add(CK_MECHANISM_TYPE m, kc_alg_id alg, int general, CK_ULONG min, CK_ULONG max,
                CK_FLAGS flags)
{
    if (nmechs == MAX_MECHS)
        return;
    mechs[nmechs++] = (p11_mech){ m, alg, general, { min, max, flags } };
}

static void key_range(const kc_alg_info *a, CK_ULONG *min, CK_ULONG *max)
{
    *min = 0;
    *max = 0;
    for (unsigned n = 8; n < 8 * 32; n += 8) {
        if (a->key_sizes & KC_KEY_BIT(n)) {
            if (!*min)
                *min = n;
            *max = n;
        }
    }
}

static void build(void)
{
    nmechs = 0;
    for (int i = 0; i < KC_ALG_COUNT; i++) {
        const kc_alg_info *a = kc_alg((kc_alg_id)i);
        const p11_alg_map *pm = p11_alg_map_of(a->id);
        if (!pm || !kc_available(a->id))
            continue;
        CK_ULONG min, max;
        key_range(a, &min, &max);
        switch (a->kind) {
        case KC_KIND_SKCIPHER:
        case KC_KIND_AEAD:
            add(pm->mech, a->id, 0, min, max, CKF_ENCRYPT | CKF_DECRYPT);
            if (pm->pad_mech)
                add(pm->pad_mech, a->id, 0, min, max, CKF_ENCRYPT | CKF_DECRYPT);
            break;
        case KC_KIND_HASH:
            add(pm->mech, a->id, 0, 0, 0, CKF_DIGEST);
            break;
        case KC_KIND_MAC:
            if (!a->key_sizes) {   /* HMAC: any key length; sizes in bytes */
                min = 1;
                max = 512;
            }
            add(pm->mech, a->id, 0, min, max, CKF_SIGN | CKF_VERIFY);
            if (pm->general)
                add(pm->general, a->id, 1, min, max, CKF_SIGN | CKF_VERIFY);
            break;
        case KC_KIND_KEYWRAP:
            /* PKCS#11 3.0's mechanism table: KW and KWP also encrypt and
             * decrypt (encrypt.c keeps that apart from wrapping keys) */
            add(pm->mech, a->id, 0, min, max,
                CKF_WRAP | CKF_UNWRAP | CKF_ENCRYPT | CKF_DECRYPT);
            break;
        case KC_KIND_RNG:
            break;
        }
    }
    if (kc_available(KC_DRBG)) {
        if (kc_available(KC_AES_ECB))
            add(CKM_AES_KEY_GEN, KC_DRBG, 0, 16, 32, CKF_GENERATE);
        if (kc_available(KC_DES3_ECB))   /* legacy */
            add(CKM_DES3_KEY_GEN, KC_DRBG, 0, 24, 24, CKF_GENERATE);
        if (kc_available(KC_CHACHA20_POLY1305))
            add(CKM_CHACHA20_KEY_GEN, KC_DRBG, 0, 32, 32, CKF_GENERATE);
        /* PKCS#11 gives generic secret key sizes in bits. */
        add(CKM_GENERIC_SECRET_KEY_GEN, KC_DRBG, 0, 8, 4096, CKF_GENERATE);
    }
    nmechs += p11_rsa_mechs(mechs + nmechs, MAX_MECHS - nmechs);   /* rsa_op.c */
    built_for = getpid();
}

static void ensure(void)
{
    if (!nmechs || built_for != getpid())
        build();
}

const p11_mech *p11_mech_lookup(CK_MECHANISM_TYPE m)
{
    ensure();
    for (size_t i = 0; i < nmechs; i++)
        if (mechs[i].mech == m)
            return &mechs[i];
    return NULL;
}

size_t p11_mech_list(CK_MECHANISM_TYPE *out, size_t max)
{
    ensure();
    for (size_t i = 0; out && i < nmechs && i < max; i++)
        out[i] = mechs[i].mech;
    return nmechs;
}

CK_KEY_TYPE p11_hmac_key_type(kc_alg_id alg)
{
    const p11_alg_map *m = p11_alg_map_of(alg);
    return m && kc_alg(alg)->kind == KC_KIND_MAC && kc_alg(alg)->digest != KC_ALG_COUNT
               ? m->key_type : CKK_GENERIC_SECRET;
}
