/* SPDX-License-Identifier: Apache-2.0 */
/* AES-GCM, AES-CCM and ChaCha20-Poly1305 in EVP's order: nonce length (and
 * CCM's tag length M) as parameters, the nonce at a second init, CCM's
 * total length, AAD as an update without output, the data, Final, and the
 * tag as a parameter. One context per key; the tag length is per message.
 *
 * Decrypting GCM or ChaCha20-Poly1305, the tag is set before the data (the
 * order of libssl's TLS 1.3, in which kcrypt verifies in the data's one
 * kernel request) or after it (kcrypt then decrypts at update and verifies
 * at Final), every other message each way, so both paths meet every kind
 * of vector. CCM takes its tag before the data, as EVP requires. */
#include "vec_evp.h"

#include <limits.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

/* EVP wants a pointer even for no bytes (CCM's empty message) */
static const unsigned char none[1];

static const unsigned char *bytes(const kct_bytes *b)
{
    return b->n ? b->p : none;
}

/* kcrypt serves a GCM nonce the kernel cannot take (not 96 bits) with
 * OpenSSL's implementation inside the provider, up to OpenSSL's 128 bytes:
 * those cases run here, through kcrypt, where the kernel backends skip. */
int vec_evp_kernel_only;

const char *vec_evp_aead_limit(kc_alg_id alg, size_t nonce, size_t tag, char *buf, size_t n)
{
    /* software-fallback = no: only what the kernel transform takes */
    if (vec_evp_kernel_only)
        return vec_aead_limit(alg, nonce, tag, buf, n);
    if (alg == KC_AES_GCM && nonce >= 1 && nonce <= 128)
        return vec_aead_limit(alg, 12, tag, buf, n);
    if (alg == KC_AES_GCM) {
        snprintf(buf, n, "GCM nonces of 1..128 bytes only (as OpenSSL's own GCM)");
        return buf;
    }
    return vec_aead_limit(alg, nonce, tag, buf, n);
}

void *vec_evp_aead_open(vec_ctx *v, const vec_aead_case *c, kc_error *err)
{
    EVP_CIPHER_CTX *x = vec_slot_find(&v->aead, c->alg, 0, &c->key);
    if (!x && (x = vec_evp_cipher_new(vec_evp_of(v), c->alg, &c->key, 1, err)))
        vec_slot_keep(&v->aead, c->alg, 0, &c->key, x, vec_evp_cipher_drop);
    return x;
}

/* Everything before the data; len is the data's length (for CCM). */
static kc_status start(EVP_CIPHER_CTX *x, const vec_aead_case *c, int enc, size_t len,
                       kc_error *err)
{
    int ccm = c->alg == KC_AES_CCM, n = 0;
    size_t ivlen = c->nonce.n;
    OSSL_PARAM p[3], *q = p;
    if (len > INT_MAX || c->aad.n > INT_MAX)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "more than EVP takes");
    *q++ = OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivlen);
    /* CCM's M: with no data to encrypt, the tag itself to decrypt */
    if (ccm)
        *q++ = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                 enc ? NULL : c->tag.p, c->tag.n);
    *q = OSSL_PARAM_construct_end();
    if (!EVP_CipherInit_ex2(x, NULL, NULL, NULL, enc, p))
        return vec_evp_fail(err, ccm ? "EVP_CipherInit_ex2 (nonce and tag lengths)"
                                     : "EVP_CipherInit_ex2 (nonce length)");
    /* the nonce after its length: EVP reads as many bytes as the length set */
    if (!EVP_CipherInit_ex2(x, NULL, NULL, bytes(&c->nonce), enc, NULL))
        return vec_evp_fail(err, "EVP_CipherInit_ex2 (nonce)");
    if (ccm && !EVP_CipherUpdate(x, NULL, &n, NULL, (int)len))
        return vec_evp_fail(err, "EVP_CipherUpdate (CCM message length)");
    /* no call for no AAD: to CCM an update with neither input nor output
     * is the message length again */
    if (c->aad.n && !EVP_CipherUpdate(x, NULL, &n, c->aad.p, (int)c->aad.n))
        return vec_evp_fail(err, "EVP_CipherUpdate (AAD)");
    return KC_OK;
}

kc_status vec_evp_aead_encrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *ct,
                               unsigned char *tag, kc_error *err)
{
    EVP_CIPHER_CTX *x = a;
    const kct_bytes *m = c->msg;
    int n = 0, fin = 0;
    (void)v;
    kc_status st = start(x, c, 1, m->n, err);
    if (st != KC_OK)
        return st;
    if (!EVP_CipherUpdate(x, ct, &n, bytes(m), (int)m->n))
        return vec_evp_fail(err, "EVP_CipherUpdate");
    if (!EVP_CipherFinal_ex(x, ct + n, &fin))
        return vec_evp_fail(err, "EVP_CipherFinal_ex");
    if ((size_t)n + (size_t)fin != m->n)
        return kc_fail(err, KC_ERR_KERNEL, 0, "%d + %d bytes of ciphertext for %zu", n, fin, m->n);
    OSSL_PARAM p[2] = { OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag,
                                                          c->tag.n),
                        OSSL_PARAM_construct_end() };
    if (!EVP_CIPHER_CTX_get_params(x, p))
        return vec_evp_fail(err, "EVP_CIPHER_CTX_get_params (tag)");
    return KC_OK;
}

static kc_status set_tag(EVP_CIPHER_CTX *x, const vec_aead_case *c, kc_error *err)
{
    OSSL_PARAM p[2] = { OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                          (void *)bytes(&c->tag), c->tag.n),
                        OSSL_PARAM_construct_end() };
    return EVP_CIPHER_CTX_set_params(x, p) ? KC_OK
                                           : vec_evp_fail(err, "EVP_CIPHER_CTX_set_params (tag)");
}

kc_status vec_evp_aead_decrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *pt,
                               kc_error *err)
{
    EVP_CIPHER_CTX *x = a;
    int ccm = c->alg == KC_AES_CCM, n = 0, fin = 0;
    int tag_first = !ccm && (vec_evp_of(v)->aead_ops++ & 1);
    kc_status st = start(x, c, 0, c->ct.n, err);
    if (st == KC_OK && tag_first)
        st = set_tag(x, c, err);
    if (st == KC_OK && !EVP_CipherUpdate(x, pt, &n, bytes(&c->ct), (int)c->ct.n))
        st = vec_evp_fail(err, "EVP_CipherUpdate");
    if (st == KC_OK && !ccm && !tag_first)
        st = set_tag(x, c, err);
    if (st == KC_OK && !EVP_CipherFinal_ex(x, pt + n, &fin))
        st = vec_evp_fail(err, "EVP_CipherFinal_ex");
    if (st == KC_OK && (size_t)n + (size_t)fin != c->ct.n)
        st = kc_fail(err, KC_ERR_KERNEL, 0, "%d + %d bytes of plaintext for %zu", n, fin, c->ct.n);
    /* EVP hands GCM and ChaCha20 plaintext out at update, before Final
     * judges the tag: an application throws it away when Final fails, and
     * so does this. CCM's verdict comes with its output in one update, so
     * what kcrypt left there is judged as it is. */
    if (st != KC_OK && !ccm)
        OPENSSL_cleanse(pt, c->ct.n);
    return st;
}
