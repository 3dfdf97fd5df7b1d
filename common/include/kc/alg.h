/* SPDX-License-Identifier: Apache-2.0 */
/* The one algorithm table of kcrypt. provider/ and pkcs11/ both read it:
 * kernel name, kind, sizes and behaviour (mode class, chaining, IV, nonce
 * and tag rules, TLS nonce construction). The names and numbers of each
 * face are the face's own maps: provider/names.c (OpenSSL names, also the
 * software fallback's) and pkcs11/mechmap.c (CKM_*, CKK_*). Every behaviour enum starts at 1
 * so a row that forgets a field is caught by kc_alg_table_check(), never
 * read as a default. */
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

/* How a mode consumes a message. */
typedef enum {
    KC_MODE_BLOCK = 1, /* whole blocks, partial tail held, PKCS#7 padding by default (ECB, CBC) */
    KC_MODE_STREAM,    /* any length, keystream chained across updates (CTR, OFB, CFB) */
    KC_MODE_WHOLE,     /* one message per request, no chaining across updates (XTS, CTS) */
    KC_MODE_AEAD,
    KC_MODE_HASH,
    KC_MODE_MAC,
    KC_MODE_WRAP,
    KC_MODE_RNG
} kc_mode_class;

/* What the IV that continues a message is, after a block. */
typedef enum {
    KC_CHAIN_NONE = 1,     /* no IV (ECB) or one per message (XTS, CTS, AEAD) */
    KC_CHAIN_CIPHERTEXT,   /* the last ciphertext block (CBC, CFB) */
    KC_CHAIN_COUNTER,      /* the big-endian counter plus the blocks used (CTR) */
    KC_CHAIN_KEYSTREAM,    /* the last keystream block (OFB) */
    KC_CHAIN_NA            /* not a cipher */
} kc_chain;

/* The cipher mode as EVP names it; the provider maps it to EVP_CIPH_*. */
typedef enum {
    KC_EVP_ECB = 1, KC_EVP_CBC, KC_EVP_CTR, KC_EVP_OFB, KC_EVP_CFB, KC_EVP_XTS, KC_EVP_CBC_CTS,
    KC_EVP_GCM, KC_EVP_CCM, KC_EVP_STREAM, KC_EVP_WRAP, KC_EVP_NA
} kc_evp_mode;

/* How a TLS 1.2 record's nonce is built from the fixed IV. */
typedef enum {
    KC_TLS_NONCE_FIXED_IVGEN = 1, /* fixed (4) || explicit (8) from the IV generator (GCM, RFC 5288) */
    KC_TLS_NONCE_FIXED_SEQ,       /* fixed (4) || explicit (8) = sequence number (CCM, RFC 6655) */
    KC_TLS_NONCE_XOR_SEQ,         /* fixed (12) XOR (0^32 || sequence number) (RFC 7905) */
    KC_TLS_NONCE_NA
} kc_tls_nonce;

/* Set of lengths 0..31 bytes: bit n for n bytes (nonce and tag rules). */
#define KC_LEN(n)          (1u << (n))
#define KC_LENS(lo, hi)    ((((hi) >= 31 ? 0u : (1u << ((hi) + 1))) - 1u) & ~((1u << (lo)) - 1u))

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
    KC_AES_OFB, KC_AES_CFB,     /* kernels before 6.7 only */
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
    /* behaviour */
    kc_mode_class mode;
    kc_chain chain;
    kc_evp_mode evp_mode;
    int iv_required;           /* no default IV: XTS's tweak is the data unit's number */
    int pad_default;           /* PKCS#7 padding on unless the caller turns it off */
    unsigned key_parts;        /* keys in one key (XTS: 2); names count the bits of one */
    unsigned nonce_lens;       /* AEAD: KC_LEN set the kernel takes; else 0 */
    int nonce_any_len;         /* AEAD: other lengths >= 1 are legal too (GCM hashes them) */
    int lengths_upfront;       /* AEAD: nonce, tag and message lengths fixed before the data (CCM) */
    unsigned tag_lens;         /* AEAD: KC_LEN set of tag lengths; else 0 */
    kc_tls_nonce tls_nonce;      /* also: FIXED_IVGEN = the mode has an IV generator */
    size_t tls_explicit_nonce; /* bytes of nonce carried in each TLS record */
} kc_alg_info;

/* The most key sizes one row may accept (the provider has a slot for each). */
#define KC_KEY_SIZES_MAX 3

const kc_alg_info *kc_alg(kc_alg_id id);
const kc_alg_info *kc_alg_by_name(const char *name); /* kcrypt name or kernel name */
int kc_alg_key_size_ok(const kc_alg_info *a, size_t keylen);
unsigned kc_alg_key_bits(const kc_alg_info *a, size_t keylen); /* of one key part */
int kc_alg_len_in(unsigned lens, size_t n);  /* n in a KC_LEN set */

/* Check every row for missing or contradictory fields; 0 when sound, else
 * -1 with a description in why. Run by a host unit test. */
int kc_alg_table_check(char *why, size_t why_len);

#endif
