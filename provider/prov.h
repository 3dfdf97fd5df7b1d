/* SPDX-License-Identifier: Apache-2.0 */
/* State shared by the parts of one kcrypt provider instance. OpenSSL makes
 * one instance per library context that loads the module, so everything a
 * config section can change lives here, not in globals. */
#ifndef KCP_PROV_H
#define KCP_PROV_H

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stddef.h>

#include "kc/kc.h"
#include "names.h"

#define KCP_NAME "kcrypt"
#define KCP_PROPS "provider=kcrypt"

/* Algorithm groups as named by the config keys "algorithms" and "disable". */
enum {
    KCP_G_DIGESTS = 1 << 0,
    KCP_G_CIPHERS = 1 << 1,
    KCP_G_AEAD = 1 << 2,
    KCP_G_MAC = 1 << 3,
    KCP_G_WRAP = 1 << 4,
    KCP_G_RAND = 1 << 5,
    KCP_G_ALL = (1 << 6) - 1
};

typedef struct {
    unsigned char enabled[KC_ALG_COUNT];
    char *driver[KC_ALG_COUNT];  /* pinned kernel driver, NULL for the kernel's choice */
    size_t min_size;             /* requests smaller than this go to OpenSSL's default */
    int soft_ok;                 /* may kcrypt hand work to OpenSSL's default at all */
} kcp_conf;

/* Software twins of kernel algorithms, fetched from a private library
 * context that holds only OpenSSL's default provider. */
typedef struct {
    pthread_mutex_t lock;
    OSSL_LIB_CTX *libctx;
    OSSL_PROVIDER *prov;
    int failed;
    EVP_MD *md[KC_ALG_COUNT];
    EVP_CIPHER *cipher[KC_ALG_COUNT][3]; /* by key size index */
    EVP_MAC *hmac, *cmac;
} kcp_soft;

/* hashpool.c: idle kernel hash sockets, per algorithm */
#define KCP_POOL_DEPTH 4
typedef struct {
    kc_hash *h[KCP_POOL_DEPTH];
    unsigned gen[KCP_POOL_DEPTH];
    int n;
} kcp_pool_slot;
typedef struct {
    pthread_mutex_t lock;
    kcp_pool_slot slot[KC_ALG_COUNT];
} kcp_pool;

typedef struct kcp_prov {
    const OSSL_CORE_HANDLE *handle;
    OSSL_FUNC_core_new_error_fn *c_new_error;
    OSSL_FUNC_core_set_error_debug_fn *c_set_error_debug;
    OSSL_FUNC_core_vset_error_fn *c_vset_error;
    OSSL_FUNC_BIO_read_ex_fn *c_bio_read_ex;   /* the decoder reads the core's BIO */
    kcp_conf conf;
    char status[256];            /* why kcrypt offers less than it could, "" if not */
    OSSL_ALGORITHM *digests, *ciphers, *macs, *rands;
    const OSSL_ALGORITHM *keymgmt, *signature, *asym_cipher, *decoder; /* kernel RSA keys */
    kcp_soft soft;
    kcp_pool pool;
    int pool_ready;
} kcp_prov;

int kcp_pool_init(kcp_pool *pool);
void kcp_pool_free(kcp_pool *pool);
/* An idle socket of alg between messages, or NULL */
kc_hash *kcp_pool_take(kcp_prov *p, kc_alg_id alg);
/* h must be between messages; freed when the pool is full */
void kcp_pool_give(kcp_prov *p, kc_alg_id alg, kc_hash *h);

/* sockets.c: a socket the kernel refuses (out of fds or socket memory)
 * sends that operation to OpenSSL's default implementation, if allowed.
 * kcp_soft_instead says 1 (and counts a software op) when the caller
 * should do so, 0 when it must raise e as an error. */
int kcp_no_socket(const kc_error *e);
int kcp_soft_instead(const kcp_prov *p, const char *alg, const kc_error *e);

/* err.c */
enum {
    KCP_R_KERNEL_FAILURE = 100,
    KCP_R_NO_AFALG,
    KCP_R_ALG_UNAVAILABLE,
    KCP_R_INVALID_ARGUMENT,
    KCP_R_AUTH_FAILED,
    KCP_R_BAD_CONFIG,
    KCP_R_KEY_REJECTED,
    KCP_R_FORKED,
    KCP_R_BAD_STATE,
    KCP_R_NOMEM,
    KCP_R_INVALID_KEY_LENGTH,
    KCP_R_INVALID_IV_LENGTH,
    KCP_R_INVALID_TAG,
    KCP_R_OUTPUT_TOO_SMALL,
    KCP_R_BAD_DECRYPT,
    KCP_R_UNSUPPORTED,
    KCP_R_SOFTWARE_FAILED,
    KCP_R_UNSUPPORTED_KERNEL
};
void kcp_raise(const kcp_prov *p, const char *file, int line, const char *func, int reason,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define KCP_ERR(p, reason, ...) kcp_raise((p), __FILE__, __LINE__, __func__, (reason), __VA_ARGS__)
/* A failure of common/: the reason follows the status, the text is common/'s
 * message (algorithm and errno), prefixed with what kcrypt was doing. */
void kcp_raise_kc(const kcp_prov *p, const char *file, int line, const char *func,
                  const kc_error *e, const char *what);
#define KCP_ERR_KC(p, e, what) kcp_raise_kc((p), __FILE__, __LINE__, __func__, (e), (what))
const OSSL_ITEM *kcp_reason_strings(void);
int kcp_debug_on(void);
void kcp_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* stats.c: process-wide counters, readable as provider parameters. */
typedef enum {
    KCP_ST_KERNEL_REQUESTS,
    KCP_ST_KERNEL_CONTEXTS,
    KCP_ST_DIGEST_OPS,
    KCP_ST_DIGEST_CLONES,
    KCP_ST_CIPHER_OPS,
    KCP_ST_CIPHER_TLS_RECORDS,
    KCP_ST_AEAD_RECORDS,
    KCP_ST_AEAD_TLS_RECORDS,
    KCP_ST_AEAD_REQUESTS,
    KCP_ST_AEAD_AUTH_FAILURES,
    KCP_ST_MAC_OPS,
    KCP_ST_WRAP_OPS,
    KCP_ST_RAND_BYTES,
    KCP_ST_SOFTWARE_OPS,
    KCP_ST_ERRORS,
    KCP_ST_COUNT
} kcp_stat;
void kcp_count(kcp_stat s, unsigned long long n);
unsigned long long kcp_stat_value(kcp_stat s);
const OSSL_PARAM *kcp_stats_gettable(void);
int kcp_stats_get(OSSL_PARAM params[]);

/* config.c */
int kcp_conf_load(kcp_prov *p, const OSSL_CORE_HANDLE *handle,
                  OSSL_FUNC_core_get_params_fn *get_params);
void kcp_conf_free(kcp_conf *c);
const char *kcp_driver(const kcp_prov *p, kc_alg_id alg);

/* algs.c: OSSL_ALGORITHM arrays from common/'s table and what the kernel has. */
int kcp_algs_build(kcp_prov *p);
void kcp_algs_free(kcp_prov *p);
/* Facts about one advertised (algorithm, key size) pair; the slot number is
 * what a slot's newctx and get_params trampolines hand to the kind's code. */
typedef struct {
    kc_alg_id alg;
    size_t keylen;          /* bytes; 0 for digests */
    unsigned bits;          /* the size OpenSSL's name carries */
    const char *names;      /* "AES-128-GCM:id-aes128-GCM" */
} kcp_slot;
const kcp_slot *kcp_slot_get(int slot);
/* The table's OpenSSL name with its "%u" replaced by bits. */
unsigned kcp_evp_mode(kc_evp_mode m);   /* EVP_CIPH_*_MODE for the table's mode */
int kcp_group_of(kc_alg_id alg);

/* soft.c: OpenSSL's default implementation, for what the kernel cannot take. */
const EVP_MD *kcp_soft_md(kcp_prov *p, kc_alg_id alg);
const EVP_CIPHER *kcp_soft_cipher(kcp_prov *p, kc_alg_id alg, size_t keylen);
EVP_MAC *kcp_soft_mac(kcp_prov *p, int cmac);
/* 1 if this use of the software path is allowed; raises an error naming
 * the algorithm and the reason otherwise. */
int kcp_soft_permitted(kcp_prov *p, const char *alg, const char *why);
void kcp_soft_free(kcp_soft *s);
/* The private default-provider context, for public-key work on kernel keys */
OSSL_LIB_CTX *kcp_soft_libctx(kcp_prov *p);

/* rsa_*.c: RSA private keys held by the kernel's asymmetric key type;
 * sets the four lists above when the kernel has the key type. */
void kcp_rsa_algs(kcp_prov *p);

/* Dispatch templates of each kind, completed per slot by algs.c. */
extern const OSSL_DISPATCH kcp_digest_functions[];
extern const OSSL_DISPATCH kcp_cipher_functions[];
extern const OSSL_DISPATCH kcp_cipher_cts_functions[];   /* CBC-CTS: lists with cts_mode */
extern const OSSL_DISPATCH kcp_aead_functions[];
extern const OSSL_DISPATCH kcp_wrap_functions[];
extern const OSSL_DISPATCH kcp_hmac_functions[];
extern const OSSL_DISPATCH kcp_cmac_functions[];
extern const OSSL_DISPATCH kcp_rand_functions[];
void *kcp_digest_newctx(void *provctx, int slot);
int kcp_digest_get_params(int slot, OSSL_PARAM params[]);
void *kcp_cipher_newctx(void *provctx, int slot);
int kcp_cipher_get_params(int slot, OSSL_PARAM params[]);
void *kcp_aead_newctx(void *provctx, int slot);
int kcp_aead_get_params(int slot, OSSL_PARAM params[]);
void *kcp_wrap_newctx(void *provctx, int slot);
int kcp_wrap_get_params(int slot, OSSL_PARAM params[]);

/* Shared by the cipher kinds: the generic cipher get_params answer. */
int kcp_cipher_generic_get_params(OSSL_PARAM params[], unsigned mode, size_t keylen,
                                  size_t blocksize, size_t ivlen, int aead, int custom_iv);
const OSSL_PARAM *kcp_cipher_gettable_params(void *provctx);

/* Fill buf from the kernel's getrandom(); never blocks once the pool is up. */
int kcp_getrandom(unsigned char *buf, size_t len);

#endif
