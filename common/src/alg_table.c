/* The single algorithm table. OpenSSL names use "%u" for the key size in
 * bits; PKCS#11 numbers are from the PKCS#11 2.40/3.0 specifications. */
#include "kc/alg.h"

#include <string.h>
#include <strings.h>

#define AES KC_KEYS_AES
#define NONE KC_ALG_COUNT

static const kc_alg_info table[KC_ALG_COUNT] = {
    { KC_AES_ECB, "AES-ECB", KC_KIND_SKCIPHER, "skcipher", "ecb(aes)", 16, 0, 0, AES, NONE,
      "AES-%u-ECB", NULL, 0x1081, 0 },
    { KC_AES_CBC, "AES-CBC", KC_KIND_SKCIPHER, "skcipher", "cbc(aes)", 16, 16, 0, AES, NONE,
      "AES-%u-CBC", "AES%u", 0x1082, 0 },
    { KC_AES_CTR, "AES-CTR", KC_KIND_SKCIPHER, "skcipher", "ctr(aes)", 1, 16, 0, AES, NONE,
      "AES-%u-CTR", NULL, 0x1086, 0 },
    /* XTS keys are two AES keys; OpenSSL names the size of one of them
     * (and has no AES-192-XTS, which the kernel offers) */
    { KC_AES_XTS, "AES-XTS", KC_KIND_SKCIPHER, "skcipher", "xts(aes)", 1, 16, 0,
      KC_KEY_BIT(32) | KC_KEY_BIT(48) | KC_KEY_BIT(64), NONE, "AES-%u-XTS", NULL, 0x1071, 0 },
    { KC_AES_CTS, "AES-CTS", KC_KIND_SKCIPHER, "skcipher", "cts(cbc(aes))", 1, 16, 0, AES, NONE,
      "AES-%u-CBC-CTS", NULL, 0x1089, 0 },
    { KC_AES_GCM, "AES-GCM", KC_KIND_AEAD, "aead", "gcm(aes)", 1, 12, 16, AES, NONE,
      "AES-%u-GCM", "id-aes%u-GCM", 0x1087, 0 },
    { KC_AES_CCM, "AES-CCM", KC_KIND_AEAD, "aead", "ccm(aes)", 1, 16, 16, AES, NONE,
      "AES-%u-CCM", "id-aes%u-CCM", 0x1088, 0 },
    { KC_CHACHA20_POLY1305, "ChaCha20-Poly1305", KC_KIND_AEAD, "aead",
      "rfc7539(chacha20,poly1305)", 1, 12, 16, KC_KEY_BIT(32), NONE,
      "ChaCha20-Poly1305", NULL, 0x4021, 0 },
    { KC_SHA1, "SHA-1", KC_KIND_HASH, "hash", "sha1", 64, 0, 20, 0, NONE,
      "SHA1", "SHA-1:SSL3-SHA1", 0x220, 0 },
    { KC_SHA224, "SHA-224", KC_KIND_HASH, "hash", "sha224", 64, 0, 28, 0, NONE,
      "SHA2-224", "SHA-224:SHA224", 0x255, 0 },
    { KC_SHA256, "SHA-256", KC_KIND_HASH, "hash", "sha256", 64, 0, 32, 0, NONE,
      "SHA2-256", "SHA-256:SHA256", 0x250, 0 },
    { KC_SHA384, "SHA-384", KC_KIND_HASH, "hash", "sha384", 128, 0, 48, 0, NONE,
      "SHA2-384", "SHA-384:SHA384", 0x260, 0 },
    { KC_SHA512, "SHA-512", KC_KIND_HASH, "hash", "sha512", 128, 0, 64, 0, NONE,
      "SHA2-512", "SHA-512:SHA512", 0x270, 0 },
    { KC_SHA3_224, "SHA3-224", KC_KIND_HASH, "hash", "sha3-224", 144, 0, 28, 0, NONE,
      "SHA3-224", NULL, 0x2b5, 0 },
    { KC_SHA3_256, "SHA3-256", KC_KIND_HASH, "hash", "sha3-256", 136, 0, 32, 0, NONE,
      "SHA3-256", NULL, 0x2b0, 0 },
    { KC_SHA3_384, "SHA3-384", KC_KIND_HASH, "hash", "sha3-384", 104, 0, 48, 0, NONE,
      "SHA3-384", NULL, 0x2c0, 0 },
    { KC_SHA3_512, "SHA3-512", KC_KIND_HASH, "hash", "sha3-512", 72, 0, 64, 0, NONE,
      "SHA3-512", NULL, 0x2d0, 0 },
    { KC_HMAC_SHA1, "HMAC-SHA1", KC_KIND_MAC, "hash", "hmac(sha1)", 64, 0, 20, 0, KC_SHA1,
      "HMAC", NULL, 0x221, 0x222 },
    { KC_HMAC_SHA224, "HMAC-SHA224", KC_KIND_MAC, "hash", "hmac(sha224)", 64, 0, 28, 0,
      KC_SHA224, "HMAC", NULL, 0x256, 0x257 },
    { KC_HMAC_SHA256, "HMAC-SHA256", KC_KIND_MAC, "hash", "hmac(sha256)", 64, 0, 32, 0,
      KC_SHA256, "HMAC", NULL, 0x251, 0x252 },
    { KC_HMAC_SHA384, "HMAC-SHA384", KC_KIND_MAC, "hash", "hmac(sha384)", 128, 0, 48, 0,
      KC_SHA384, "HMAC", NULL, 0x261, 0x262 },
    { KC_HMAC_SHA512, "HMAC-SHA512", KC_KIND_MAC, "hash", "hmac(sha512)", 128, 0, 64, 0,
      KC_SHA512, "HMAC", NULL, 0x271, 0x272 },
    { KC_HMAC_SHA3_224, "HMAC-SHA3-224", KC_KIND_MAC, "hash", "hmac(sha3-224)", 144, 0, 28, 0,
      KC_SHA3_224, "HMAC", NULL, 0x2b6, 0x2b7 },
    { KC_HMAC_SHA3_256, "HMAC-SHA3-256", KC_KIND_MAC, "hash", "hmac(sha3-256)", 136, 0, 32, 0,
      KC_SHA3_256, "HMAC", NULL, 0x2b1, 0x2b2 },
    { KC_HMAC_SHA3_384, "HMAC-SHA3-384", KC_KIND_MAC, "hash", "hmac(sha3-384)", 104, 0, 48, 0,
      KC_SHA3_384, "HMAC", NULL, 0x2c1, 0x2c2 },
    { KC_HMAC_SHA3_512, "HMAC-SHA3-512", KC_KIND_MAC, "hash", "hmac(sha3-512)", 72, 0, 64, 0,
      KC_SHA3_512, "HMAC", NULL, 0x2d1, 0x2d2 },
    { KC_CMAC_AES, "CMAC-AES", KC_KIND_MAC, "hash", "cmac(aes)", 16, 0, 16, AES, NONE,
      "CMAC", NULL, 0x108a, 0x108b },
    /* KW unwraps in kw(aes); wraps run over ecb(aes) (see keywrap.h) */
    { KC_AES_KW, "AES-KW", KC_KIND_KEYWRAP, "skcipher", "kw(aes)", 8, 8, 0, AES, NONE,
      "AES-%u-WRAP", "id-aes%u-wrap:AES%u-WRAP", 0x2109, 0 },
    { KC_AES_KWP, "AES-KWP", KC_KIND_KEYWRAP, "skcipher", "ecb(aes)", 8, 0, 0, AES, NONE,
      "AES-%u-WRAP-PAD", "id-aes%u-wrap-pad:AES%u-WRAP-PAD", 0x210b, 0 },
    { KC_DRBG, "DRBG", KC_KIND_RNG, "rng", "stdrng", 0, 0, 0, 0, NONE,
      "KCRYPT-DRBG", NULL, 0, 0 },
    /* Legacy triple DES (EDE, three 8-byte keys), for old IPsec/PKCS#11
     * peers; the names are the default provider's. */
    { KC_DES3_ECB, "DES3-ECB", KC_KIND_SKCIPHER, "skcipher", "ecb(des3_ede)", 8, 0, 0,
      KC_KEYS_DES3, NONE, "DES-EDE3", "DES-EDE3-ECB", 0x132, 0 },
    { KC_DES3_CBC, "DES3-CBC", KC_KIND_SKCIPHER, "skcipher", "cbc(des3_ede)", 8, 8, 0,
      KC_KEYS_DES3, NONE, "DES-EDE3-CBC", "DES3", 0x133, 0 },
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
