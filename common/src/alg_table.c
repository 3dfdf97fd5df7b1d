/* SPDX-License-Identifier: Apache-2.0 */
/* The single algorithm table: what the kernel calls each algorithm, its
 * sizes and its behaviour. No face's names or numbers live here. */
#include "kc/alg.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define AES KC_KEYS_AES
#define NONE KC_ALG_COUNT

/* Behaviour columns, one macro per mode class; the fields are in
 * kc_alg_info's order: mode, chain, evp_mode, iv_required, pad_default,
 * key_parts, nonce_lens, nonce_any_len, lengths_upfront, tag_lens, tls_nonce,
 * tls_explicit_nonce. */
#define BLOCK(evp, chain)  KC_MODE_BLOCK, chain, evp, 0, 1, 1, 0, 0, 0, 0, KC_TLS_NONCE_NA, 0
#define STREAM(evp, chain) KC_MODE_STREAM, chain, evp, 0, 0, 1, 0, 0, 0, 0, KC_TLS_NONCE_NA, 0
#define WHOLE(evp, iv_required, parts) \
    KC_MODE_WHOLE, KC_CHAIN_NONE, evp, iv_required, 0, parts, 0, 0, 0, 0, KC_TLS_NONCE_NA, 0
#define AEAD(evp, nonces, any_nonce, upfront, tags, tls, explicit_nonce) \
    KC_MODE_AEAD, KC_CHAIN_NONE, evp, 0, 0, 1, nonces, any_nonce, upfront, tags, tls, explicit_nonce
#define DIGEST    KC_MODE_HASH, KC_CHAIN_NA, KC_EVP_NA, 0, 0, 1, 0, 0, 0, 0, KC_TLS_NONCE_NA, 0
#define KEYED     KC_MODE_MAC, KC_CHAIN_NA, KC_EVP_NA, 0, 0, 1, 0, 0, 0, 0, KC_TLS_NONCE_NA, 0
#define WRAP      KC_MODE_WRAP, KC_CHAIN_NONE, KC_EVP_WRAP, 0, 0, 1, 0, 0, 0, 0, KC_TLS_NONCE_NA, 0
#define RANDOM    KC_MODE_RNG, KC_CHAIN_NA, KC_EVP_NA, 0, 0, 1, 0, 0, 0, 0, KC_TLS_NONCE_NA, 0

/* AEAD nonce and tag rules (the kernel's gcm(aes) takes 96-bit nonces only) */
#define GCM_TAGS (KC_LEN(4) | KC_LEN(8) | KC_LENS(12, 16))
#define CCM_TAGS (KC_LEN(4) | KC_LEN(6) | KC_LEN(8) | KC_LEN(10) | KC_LEN(12) | KC_LEN(14) | \
                  KC_LEN(16))

static const kc_alg_info table[KC_ALG_COUNT] = {
    { KC_AES_ECB, "AES-ECB", KC_KIND_SKCIPHER, "skcipher", "ecb(aes)", 16, 0, 0, AES, NONE,
      BLOCK(KC_EVP_ECB, KC_CHAIN_NONE) },
    { KC_AES_CBC, "AES-CBC", KC_KIND_SKCIPHER, "skcipher", "cbc(aes)", 16, 16, 0, AES, NONE,
      BLOCK(KC_EVP_CBC, KC_CHAIN_CIPHERTEXT) },
    { KC_AES_CTR, "AES-CTR", KC_KIND_SKCIPHER, "skcipher", "ctr(aes)", 1, 16, 0, AES, NONE,
      STREAM(KC_EVP_CTR, KC_CHAIN_COUNTER) },
    /* XTS keys are two AES keys (key_parts 2) */
    { KC_AES_XTS, "AES-XTS", KC_KIND_SKCIPHER, "skcipher", "xts(aes)", 1, 16, 0,
      KC_KEY_BIT(32) | KC_KEY_BIT(48) | KC_KEY_BIT(64), NONE,
      WHOLE(KC_EVP_XTS, 1, 2) },
    /* CTS: the CBC block, whose last two the stealing reorders (kc/cts.h) */
    { KC_AES_CTS, "AES-CTS", KC_KIND_SKCIPHER, "skcipher", "cts(cbc(aes))", 16, 16, 0, AES, NONE,
      WHOLE(KC_EVP_CBC_CTS, 0, 1) },
    { KC_AES_GCM, "AES-GCM", KC_KIND_AEAD, "aead", "gcm(aes)", 1, 12, 16, AES, NONE,
      AEAD(KC_EVP_GCM, KC_LEN(12), 1, 0, GCM_TAGS, KC_TLS_NONCE_FIXED_IVGEN, 8) },
    { KC_AES_CCM, "AES-CCM", KC_KIND_AEAD, "aead", "ccm(aes)", 1, 16, 16, AES, NONE,
      AEAD(KC_EVP_CCM, KC_LENS(7, 13), 0, 1, CCM_TAGS, KC_TLS_NONCE_FIXED_SEQ, 8) },
    { KC_CHACHA20_POLY1305, "ChaCha20-Poly1305", KC_KIND_AEAD, "aead",
      "rfc7539(chacha20,poly1305)", 1, 12, 16, KC_KEY_BIT(32), NONE,
      AEAD(KC_EVP_STREAM, KC_LEN(12), 0, 0, KC_LEN(16), KC_TLS_NONCE_XOR_SEQ, 0) },
    { KC_SHA1, "SHA-1", KC_KIND_HASH, "hash", "sha1", 64, 0, 20, 0, NONE,
      DIGEST },
    { KC_SHA224, "SHA-224", KC_KIND_HASH, "hash", "sha224", 64, 0, 28, 0, NONE,
      DIGEST },
    { KC_SHA256, "SHA-256", KC_KIND_HASH, "hash", "sha256", 64, 0, 32, 0, NONE,
      DIGEST },
    { KC_SHA384, "SHA-384", KC_KIND_HASH, "hash", "sha384", 128, 0, 48, 0, NONE,
      DIGEST },
    { KC_SHA512, "SHA-512", KC_KIND_HASH, "hash", "sha512", 128, 0, 64, 0, NONE,
      DIGEST },
    { KC_SHA3_224, "SHA3-224", KC_KIND_HASH, "hash", "sha3-224", 144, 0, 28, 0, NONE,
      DIGEST },
    { KC_SHA3_256, "SHA3-256", KC_KIND_HASH, "hash", "sha3-256", 136, 0, 32, 0, NONE,
      DIGEST },
    { KC_SHA3_384, "SHA3-384", KC_KIND_HASH, "hash", "sha3-384", 104, 0, 48, 0, NONE,
      DIGEST },
    { KC_SHA3_512, "SHA3-512", KC_KIND_HASH, "hash", "sha3-512", 72, 0, 64, 0, NONE,
      DIGEST },
    { KC_HMAC_SHA1, "HMAC-SHA1", KC_KIND_MAC, "hash", "hmac(sha1)", 64, 0, 20, 0, KC_SHA1,
      KEYED },
    { KC_HMAC_SHA224, "HMAC-SHA224", KC_KIND_MAC, "hash", "hmac(sha224)", 64, 0, 28, 0,
      KC_SHA224,
      KEYED },
    { KC_HMAC_SHA256, "HMAC-SHA256", KC_KIND_MAC, "hash", "hmac(sha256)", 64, 0, 32, 0,
      KC_SHA256,
      KEYED },
    { KC_HMAC_SHA384, "HMAC-SHA384", KC_KIND_MAC, "hash", "hmac(sha384)", 128, 0, 48, 0,
      KC_SHA384,
      KEYED },
    { KC_HMAC_SHA512, "HMAC-SHA512", KC_KIND_MAC, "hash", "hmac(sha512)", 128, 0, 64, 0,
      KC_SHA512,
      KEYED },
    { KC_HMAC_SHA3_224, "HMAC-SHA3-224", KC_KIND_MAC, "hash", "hmac(sha3-224)", 144, 0, 28, 0,
      KC_SHA3_224,
      KEYED },
    { KC_HMAC_SHA3_256, "HMAC-SHA3-256", KC_KIND_MAC, "hash", "hmac(sha3-256)", 136, 0, 32, 0,
      KC_SHA3_256,
      KEYED },
    { KC_HMAC_SHA3_384, "HMAC-SHA3-384", KC_KIND_MAC, "hash", "hmac(sha3-384)", 104, 0, 48, 0,
      KC_SHA3_384,
      KEYED },
    { KC_HMAC_SHA3_512, "HMAC-SHA3-512", KC_KIND_MAC, "hash", "hmac(sha3-512)", 72, 0, 64, 0,
      KC_SHA3_512,
      KEYED },
    { KC_CMAC_AES, "CMAC-AES", KC_KIND_MAC, "hash", "cmac(aes)", 16, 0, 16, AES, NONE,
      KEYED },
    /* KW unwraps in kw(aes); wraps run over ecb(aes) (see keywrap.h) */
    { KC_AES_KW, "AES-KW", KC_KIND_KEYWRAP, "skcipher", "kw(aes)", 8, 8, 0, AES, NONE,
      WRAP },
    { KC_AES_KWP, "AES-KWP", KC_KIND_KEYWRAP, "skcipher", "ecb(aes)", 8, 0, 0, AES, NONE,
      WRAP },
    { KC_DRBG, "DRBG", KC_KIND_RNG, "rng", "stdrng", 0, 0, 0, 0, NONE,
      RANDOM },
    /* Legacy triple DES (EDE, three 8-byte keys), for old IPsec/PKCS#11
     * peers; the names are the default provider's. */
    { KC_DES3_ECB, "DES3-ECB", KC_KIND_SKCIPHER, "skcipher", "ecb(des3_ede)", 8, 0, 0,
      KC_KEYS_DES3, NONE,
      BLOCK(KC_EVP_ECB, KC_CHAIN_NONE) },
    { KC_DES3_CBC, "DES3-CBC", KC_KIND_SKCIPHER, "skcipher", "cbc(des3_ede)", 8, 8, 0,
      KC_KEYS_DES3, NONE,
      BLOCK(KC_EVP_CBC, KC_CHAIN_CIPHERTEXT) },
    /* gone from the kernel in 6.7; CFB is CFB128 */
    { KC_AES_OFB, "AES-OFB", KC_KIND_SKCIPHER, "skcipher", "ofb(aes)", 1, 16, 0, AES, NONE,
      STREAM(KC_EVP_OFB, KC_CHAIN_KEYSTREAM) },
    { KC_AES_CFB, "AES-CFB", KC_KIND_SKCIPHER, "skcipher", "cfb(aes)", 1, 16, 0, AES, NONE,
      STREAM(KC_EVP_CFB, KC_CHAIN_CIPHERTEXT) },
};

const kc_alg_info *kc_alg(kc_alg_id id)
{
    if ((unsigned)id >= KC_ALG_COUNT)
        return NULL;
    return &table[id];
}

const kc_alg_info *kc_alg_by_name(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < KC_ALG_COUNT; i++)
        if (!strcasecmp(table[i].name, name) || !strcmp(table[i].kernel_name, name))
            return &table[i];
    return NULL;
}

int kc_alg_key_size_ok(const kc_alg_info *a, size_t keylen)
{
    if (!a)
        return 0;
    if (a->key_sizes == 0)
        return 1;
    if (keylen % 8 || keylen / 8 >= 8 * sizeof(a->key_sizes))
        return 0;
    return (a->key_sizes >> (keylen / 8)) & 1u;
}

unsigned kc_alg_key_bits(const kc_alg_info *a, size_t keylen)
{
    return (unsigned)(keylen * 8 / a->key_parts);
}

int kc_alg_len_in(unsigned lens, size_t n)
{
    return n < 32 && ((lens >> n) & 1u);
}

static int fail(char *why, size_t why_len, const kc_alg_info *a, const char *what)
{
    snprintf(why, why_len, "row %d (%s): %s", (int)(a - table), a->name ? a->name : "?", what);
    return -1;
}

static int key_size_count(const kc_alg_info *a)
{
    int n = 0;
    for (size_t k = 8; k <= 8 * 8 * sizeof(a->key_sizes); k += 8)
        n += kc_alg_key_size_ok(a, k);
    return n;
}

int kc_alg_table_check(char *why, size_t why_len)
{
    for (size_t i = 0; i < KC_ALG_COUNT; i++) {
        const kc_alg_info *a = &table[i];
        int cipher = a->mode == KC_MODE_BLOCK || a->mode == KC_MODE_STREAM ||
                     a->mode == KC_MODE_WHOLE;
        if ((size_t)a->id != i || !a->name || !a->kernel_name || !a->kernel_type)
            return fail(why, why_len, a, "id, name or kernel name missing or out of order");
        if (a->mode < KC_MODE_BLOCK || a->mode > KC_MODE_RNG)
            return fail(why, why_len, a, "no mode class");
        if (a->chain < KC_CHAIN_NONE || a->chain > KC_CHAIN_NA)
            return fail(why, why_len, a, "no chaining rule");
        if (a->evp_mode < KC_EVP_ECB || a->evp_mode > KC_EVP_NA)
            return fail(why, why_len, a, "no EVP mode");
        if (a->tls_nonce < KC_TLS_NONCE_FIXED_IVGEN || a->tls_nonce > KC_TLS_NONCE_NA)
            return fail(why, why_len, a, "no TLS nonce rule");
        if (a->key_parts < 1 || (a->key_sizes && key_size_count(a) > KC_KEY_SIZES_MAX))
            return fail(why, why_len, a, "key parts missing or more key sizes than slots");
        if (cipher != (a->kind == KC_KIND_SKCIPHER) || (cipher && a->chain == KC_CHAIN_NA))
            return fail(why, why_len, a, "mode class contradicts the kind");
        if (a->mode == KC_MODE_STREAM && (a->block_size != 1 || a->iv_size == 0 ||
                                          a->chain == KC_CHAIN_NONE))
            return fail(why, why_len, a, "a stream mode needs block size 1, an IV, a chain");
        if (a->mode == KC_MODE_BLOCK && (a->block_size < 2 || !a->pad_default ||
                                         (a->chain == KC_CHAIN_NONE) != (a->iv_size == 0)))
            return fail(why, why_len, a, "a block mode needs a block, padding, IV iff chained");
        if ((a->mode == KC_MODE_AEAD) != (a->kind == KC_KIND_AEAD) ||
            (a->mode == KC_MODE_AEAD && (!a->nonce_lens || !a->tag_lens ||
                                         a->tls_nonce == KC_TLS_NONCE_NA ||
                                         !kc_alg_len_in(a->tag_lens, a->out_size))) ||
            (a->mode != KC_MODE_AEAD && (a->nonce_lens || a->tag_lens || a->nonce_any_len ||
                                         a->lengths_upfront ||
                                         a->tls_nonce != KC_TLS_NONCE_NA)))
            return fail(why, why_len, a, "AEAD nonce/tag/TLS rules missing or misplaced");
        if ((a->tls_nonce == KC_TLS_NONCE_FIXED_IVGEN || a->tls_nonce == KC_TLS_NONCE_FIXED_SEQ) !=
            (a->tls_explicit_nonce == 8))
            return fail(why, why_len, a, "explicit TLS nonce length");
        if ((a->mode == KC_MODE_HASH) != (a->kind == KC_KIND_HASH) ||
            (a->mode == KC_MODE_MAC) != (a->kind == KC_KIND_MAC) ||
            (a->mode == KC_MODE_WRAP) != (a->kind == KC_KIND_KEYWRAP) ||
            (a->mode == KC_MODE_RNG) != (a->kind == KC_KIND_RNG))
            return fail(why, why_len, a, "mode class contradicts the kind");
        if ((a->evp_mode == KC_EVP_NA) != (a->kind == KC_KIND_HASH || a->kind == KC_KIND_MAC ||
                                           a->kind == KC_KIND_RNG))
            return fail(why, why_len, a, "EVP mode missing for a cipher");
    }
    return 0;
}
