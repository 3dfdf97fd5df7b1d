/* The one algorithm table of kcrypt. provider/ and pkcs11/ both read it:
 * kernel name, kind, sizes, OpenSSL names and PKCS#11 mechanism. */
#ifndef KC_ALG_H
#define KC_ALG_H

#include <stddef.h>

typedef enum {
    KC_KIND_SKCIPHER,
    KC_KIND_AEAD,
    KC_KIND_HASH,
    KC_KIND_MAC,       /* keyed hash: HMAC, CMAC */
    KC_KIND_KEYWRAP,
    KC_KIND_RNG
} kc_kind;

typedef enum {
    KC_AES_ECB, KC_AES_CBC, KC_AES_CTR, KC_AES_XTS, KC_AES_CTS,
    KC_AES_GCM, KC_AES_CCM, KC_CHACHA20_POLY1305,
    KC_SHA1, KC_SHA224, KC_SHA256, KC_SHA384, KC_SHA512,
    KC_SHA3_224, KC_SHA3_256, KC_SHA3_384, KC_SHA3_512,
    KC_HMAC_SHA1, KC_HMAC_SHA224, KC_HMAC_SHA256, KC_HMAC_SHA384, KC_HMAC_SHA512,
    KC_HMAC_SHA3_224, KC_HMAC_SHA3_256, KC_HMAC_SHA3_384, KC_HMAC_SHA3_512,
    KC_CMAC_AES,
    KC_AES_KW, KC_AES_KWP,
    KC_DRBG,
    KC_DES3_ECB, KC_DES3_CBC,   /* legacy: triple DES, 8-byte block */
    KC_ALG_COUNT
} kc_alg_id;

/* Set of accepted key sizes: bit n/8 for a size of n bytes (all fixed sizes
 * here are multiples of 8). */
#define KC_KEY_BIT(n)    (1u << ((n) / 8))
#define KC_KEYS_AES      (KC_KEY_BIT(16) | KC_KEY_BIT(24) | KC_KEY_BIT(32))
#define KC_KEYS_DES3     KC_KEY_BIT(24)   /* three-key 3DES only */

typedef struct {
    kc_alg_id id;
    const char *name;          /* kcrypt's name, e.g. "AES-GCM" */
    kc_kind kind;
    const char *kernel_type;   /* AF_ALG salg_type: "skcipher", "aead", "hash", "rng" */
    const char *kernel_name;   /* AF_ALG salg_name, e.g. "gcm(aes)" */
    size_t block_size;         /* cipher block / hash block size; 1 for stream modes */
    size_t iv_size;            /* kernel IV size (CCM: 16, the formatted counter block) */
    size_t out_size;           /* digest/MAC size, AEAD max tag size */
    unsigned key_sizes;        /* KC_KEY_BIT set of fixed sizes; 0 = any length (HMAC) */
    kc_alg_id digest;          /* for HMAC: the underlying digest; else KC_ALG_COUNT */
    const char *ossl_name;     /* OpenSSL name; "%u" is the key size in bits where present */
    const char *ossl_aliases;  /* extra OpenSSL names joined by ':' or NULL */
    unsigned long p11_mech;    /* PKCS#11 mechanism, 0 if none */
    unsigned long p11_mech_general; /* PKCS#11 _GENERAL MAC mechanism, 0 if none */
} kc_alg_info;

const kc_alg_info *kc_alg(kc_alg_id id);
const kc_alg_info *kc_alg_by_name(const char *name); /* kcrypt name or kernel name */
int kc_alg_key_size_ok(const kc_alg_info *a, size_t keylen);

#endif
