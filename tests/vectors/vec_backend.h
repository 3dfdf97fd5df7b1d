/* SPDX-License-Identifier: Apache-2.0 */
/* What the vector checks (vec_*.c) run their cases on: kcrypt's common/
 * (vec_kc.c) or the PKCS#11 token (vec_p11*.c). The verdict stays in the
 * checks, so both are held to one rule; a backend only says what its
 * implementation did, as a kc_status:
 *   KC_OK               done, output written;
 *   KC_ERR_AUTH         refused as not authentic (tag, MAC, padding, ICV);
 *   KC_ERR_INVALID_ARG  refused the input's shape (a length, a nonce size);
 *   KC_ERR_KEY          refused the key;
 *   anything else       a failure, whatever the vector expects.
 * A backend that can tell a right refusal from a wrong one (PKCS#11 names
 * the reason in its CKR code) reports a wrong one as a failure status, with
 * both codes in err->msg. Contexts are cached in the vec_ctx slots
 * (vec_internal.h), each with the backend's own drop function. */
#ifndef VEC_BACKEND_H
#define VEC_BACKEND_H

#include "vec.h"

struct vec_backend {
    /* NULL when alg can run here; else why not, written to buf */
    const char *(*missing)(vec_ctx *v, kc_alg_id alg, char *buf, size_t n);
    /* Optional: a key size this backend refuses by design, beyond what
     * vec_key_not_offered already allows for; NULL member or result: none */
    const char *(*key_limit)(kc_alg_id alg, size_t key_len, char *buf, size_t n);

    /* The case's message in one direction: pt -> ct when encrypting (padded
     * if c->pad), ct -> pt otherwise. out has room for the input plus 16. */
    kc_status (*cipher)(vec_ctx *v, const vec_cipher_case *c, int encrypt, unsigned char *out,
                        size_t *out_len, kc_error *err);

    /* Optional: NULL if this nonce and tag size can run here, else why not
     * (written to buf); NULL member: vec_aead_limit, the kernel's limits */
    const char *(*aead_limit)(kc_alg_id alg, size_t nonce, size_t tag, char *buf, size_t n);
    /* A context for the case's key and tag size (cached), or NULL with err */
    void *(*aead_open)(vec_ctx *v, const vec_aead_case *c, kc_error *err);
    /* *c->msg to ct (msg->n bytes) and tag (c->tag.n bytes) */
    kc_status (*aead_encrypt)(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *ct,
                              unsigned char *tag, kc_error *err);
    /* c->ct with c->tag to pt (c->ct.n bytes) */
    kc_status (*aead_decrypt)(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *pt,
                              kc_error *err);

    /* Digests (key NULL) and MACs: a cached context, or NULL with err */
    void *(*mac_open)(vec_ctx *v, kc_alg_id alg, const kct_bytes *key, kc_error *err);
    size_t (*mac_size)(void *h);
    /* The first n bytes of the digest or MAC (n <= mac_size: a truncated tag) */
    kc_status (*mac)(vec_ctx *v, void *h, const unsigned char *in, size_t len, unsigned char *out,
                     size_t n, kc_error *err);
    /* Optional: whether the implementation itself accepts tag for msg
     * (KC_OK, or KC_ERR_AUTH for a wrong tag); NULL where it has no verify */
    kc_status (*mac_verify)(vec_ctx *v, void *h, const kct_bytes *msg, const kct_bytes *tag,
                            kc_error *err);

    /* Wrap *c->pt or unwrap c->ct into out (kc_keywrap_max_out bytes) */
    kc_status (*wrap)(vec_ctx *v, const vec_wrap_case *c, int wrap, unsigned char *out,
                      size_t *out_len, kc_error *err);

    /* Optional: called by vec_release after every slot is emptied */
    void (*close)(vec_ctx *v);
};

/* kcrypt's common/ itself (vec_kc.c). */
extern const vec_backend vec_kc_backend;

/* What the kernel's AEAD templates take (vec_aead.c): NULL if the nonce and
 * tag sizes can run, else why not, written to buf. */
const char *vec_aead_limit(kc_alg_id alg, size_t nonce, size_t tag, char *buf, size_t n);

#endif
