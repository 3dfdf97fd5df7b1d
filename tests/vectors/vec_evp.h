/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenSSL provider kcrypt.so as a vector backend (vec_backend.h),
 * through EVP as an application uses it. The module is loaded into a
 * library context of its own that holds no other provider, and every
 * algorithm is fetched with "provider=kcrypt": a fetch kcrypt does not
 * serve fails instead of reaching OpenSSL's default provider, and each one
 * is checked to come from the kcrypt instance loaded here. kcrypt's own
 * software fallback (a GCM nonce the kernel lacks, say) is kcrypt serving
 * the request and is allowed; its counters, printed at the end, show how
 * much went to the kernel.
 *
 * A refusal counts as one (KC_ERR_AUTH, _INVALID_ARG, _KEY) only when the
 * error kcrypt raised says so (vec_evp_fail): a tag, padding or unwrap
 * integrity failure is KC_ERR_AUTH, a length or parameter it does not take
 * KC_ERR_INVALID_ARG, a key size KC_ERR_KEY. A kernel failure, a call out
 * of order or no kcrypt error at all is a failure whatever the vector
 * expects. */
#ifndef VEC_EVP_H
#define VEC_EVP_H

#include "names.h"
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "vec_backend.h"
#include "vec_internal.h"
#include "vec_main.h"

extern const vec_backend vec_evp_backend;

/* Loads kcrypt from module_dir into a private library context for r, whose
 * cases then run on it. Call after vec_main_begin with &vec_evp_backend.
 * 0, or -1 after counting why as a failure. */
int vec_evp_begin(vec_run *r, const char *module_dir);
/* Prints kcrypt's counters; a run in which the kernel served no request is
 * a failure. Call before vec_main_end, which unloads the provider. */
void vec_evp_end(vec_run *r);

/* ---- shared by the vec_evp_*.c files ---- */

typedef struct {
    OSSL_LIB_CTX *libctx;
    OSSL_PROVIDER *prov;
    /* per algorithm: 0 not asked yet, 1 kcrypt serves it, -1 it does not
     * (why[] says why); vec_ready asks for every case */
    signed char served[KC_ALG_COUNT];
    char why[KC_ALG_COUNT][96];
    unsigned long aead_ops;   /* alternates where the tag is set to decrypt */
    int software_first;     /* min-size set: the kernel need not serve anything */
} vec_evp;

/* KCRYPT_TEST_SETTINGS has software-fallback=no: the kernel's limits apply */
extern int vec_evp_kernel_only;

static inline vec_evp *vec_evp_of(vec_ctx *v)
{
    return v->be_state;
}

/* OpenSSL's name of alg for a key of key_len bytes, from kc/alg.h's table
 * ("AES-128-GCM", "SHA2-256"; HMAC: its digest's name, CMAC: the
 * AES-n-CBC cipher). 0, or -1 (with err, KC_ERR_KEY) when alg has no such
 * key size. */
int vec_evp_name(kc_alg_id alg, size_t key_len, char *buf, size_t n, kc_error *err);

/* The fetch of name with "provider=kcrypt", checked to be kcrypt's; NULL
 * with err (a failure status) otherwise. Free with the matching _free. */
EVP_CIPHER *vec_evp_cipher_fetch(vec_evp *e, const char *name, kc_error *err);
EVP_MD *vec_evp_md_fetch(vec_evp *e, const char *name, kc_error *err);
EVP_MAC *vec_evp_mac_fetch(vec_evp *e, const char *name, kc_error *err);

/* An EVP_CIPHER_CTX with alg's cipher for key, keyed for encrypt (1) or
 * decrypt (0); NULL with err. */
EVP_CIPHER_CTX *vec_evp_cipher_new(vec_evp *e, kc_alg_id alg, const kct_bytes *key,
                                   int encrypt, kc_error *err);
void vec_evp_cipher_drop(void *ctx);

/* After an EVP call that returned failure: the status the error queue
 * gives (see the top), with call and the queue's text in err. Empties
 * the queue. */
kc_status vec_evp_fail(kc_error *err, const char *call);

/* The backend's operations (vec_backend.h), by file. */
kc_status vec_evp_cipher(vec_ctx *v, const vec_cipher_case *c, int encrypt, unsigned char *out,
                         size_t *out_len, kc_error *err);                    /* vec_evp_cipher.c */
const char *vec_evp_aead_limit(kc_alg_id alg, size_t nonce, size_t tag, char *buf, size_t n);
void *vec_evp_aead_open(vec_ctx *v, const vec_aead_case *c, kc_error *err);  /* vec_evp_aead.c */
kc_status vec_evp_aead_encrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *ct,
                               unsigned char *tag, kc_error *err);
kc_status vec_evp_aead_decrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *pt,
                               kc_error *err);
void *vec_evp_mac_open(vec_ctx *v, kc_alg_id alg, const kct_bytes *key,
                       kc_error *err);                                       /* vec_evp_mac.c */
size_t vec_evp_mac_size(void *h);
kc_status vec_evp_mac(vec_ctx *v, void *h, const unsigned char *in, size_t len,
                      unsigned char *out, size_t n, kc_error *err);
kc_status vec_evp_wrap(vec_ctx *v, const vec_wrap_case *c, int wrap, unsigned char *out,
                       size_t *out_len, kc_error *err);                      /* vec_evp_wrap.c */

#endif
