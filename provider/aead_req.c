/* SPDX-License-Identifier: Apache-2.0 */
/* One whole AEAD operation: nonce, all AAD, all data and (to decrypt) the
 * tag in a single kernel request, which is the only shape the kernel's
 * AEAD interface has. The request goes to OpenSSL's default implementation
 * instead when the kernel transform cannot take it: a nonce or tag length
 * it lacks, more than one request can carry, or less than the configured
 * size floor. The kernel fixes the tag length per transform, so a change of
 * tag length re-creates it from the key bytes kept in the context. */
#include "aead.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

/* 1: a->k serves taglen; 0: error raised; -1: no socket to be had, the
 * software path may serve (sockets.c). In a fork child the transform it
 * had is the parent's: it is closed unused here and re-keyed. */
static int ensure_kernel(kcp_aead *a, size_t taglen)
{
    if (a->k && a->k_taglen == taglen && !kc_aead_inherited(a->k))
        return 1;
    kc_aead_free(a->k);
    a->k = NULL;
    kc_error e;
    kc_error_clear(&e);
    kc_key key = KC_KEY_RAW(a->key, a->keylen);
    if (kc_aead_new(&a->k, a->alg, kcp_driver(a->p, a->alg), &key, taglen, &e) != KC_OK) {
        if (kcp_soft_instead(a->p, a->name, &e))
            return -1;
        KCP_ERR_KC(a->p, &e, a->name);
        return 0;
    }
    a->k_taglen = taglen;
    kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    return 1;
}

void kcp_aead_drop_kernel(kcp_aead *a)
{
    kc_aead_free(a->k);
    a->k = NULL;
    kc_aead_keystream_free(a->ks);
    a->ks = NULL;
}

size_t kcp_aead_kernel_limit(kcp_aead *a)
{
    int r = ensure_kernel(a, a->k ? a->k_taglen : kc_alg(a->alg)->lengths_upfront ? a->taglen : KCP_TAG_MAX);
    if (r < 0)   /* each request will find its own way (kcp_aead_request) */
        return KCP_AEAD_REQUEST_LIMIT;
    if (r == 0)
        return 0;
    size_t tl = a->k_taglen;
    size_t max = kc_aead_max_message(a->k);
    return max > KCP_TAG_MAX ? max - (tl > KCP_TAG_MAX ? tl : KCP_TAG_MAX) : 0;
}

static int soft_request(kcp_aead *a, int enc, const unsigned char *nonce, size_t nlen,
                        const unsigned char *aad, size_t aadlen, const unsigned char *in,
                        size_t len, unsigned char *out, unsigned char *tag, size_t taglen,
                        const char *why)
{
    const EVP_CIPHER *c;
    if (!kcp_soft_permitted(a->p, a->name, why) ||
        !(c = kcp_soft_cipher(a->p, a->alg, a->keylen)))
        return 0;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int ccm = kc_alg(a->alg)->lengths_upfront, n = 0, ok;
    unsigned char dummy;
    if (len > INT_MAX || aadlen > INT_MAX) {
        KCP_ERR(a->p, KCP_R_INVALID_ARGUMENT, "%s: request too large", a->name);
        EVP_CIPHER_CTX_free(x);
        return 0;
    }
    ok = x && EVP_CipherInit_ex2(x, c, NULL, NULL, enc, NULL) &&
         EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, (int)nlen, NULL) > 0 &&
         (!(ccm || !enc) ||
          EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, (int)taglen, enc ? NULL : tag) > 0) &&
         EVP_CipherInit_ex2(x, NULL, a->key, nonce, enc, NULL) &&
         (!ccm || EVP_CipherUpdate(x, NULL, &n, NULL, (int)len)) &&
         (!aadlen || EVP_CipherUpdate(x, NULL, &n, aad, (int)aadlen));
    if (!ok) {
        KCP_ERR(a->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation refused the setup",
                a->name);
        EVP_CIPHER_CTX_free(x);
        return 0;
    }
    int m = 0;
    /* Decrypting, the plaintext is written before the tag is checked: in
     * place, a mismatch must not destroy the caller's ciphertext, so it
     * goes to a buffer of our own and reaches out only when the tag is good. */
    unsigned char *dest = out;
    if (!enc && out && in && len && out < in + len && in < out + len &&
        !(dest = OPENSSL_malloc(len))) {
        KCP_ERR(a->p, KCP_R_NOMEM, "%s: out of memory", a->name);
        EVP_CIPHER_CTX_free(x);
        return 0;
    }
    /* an empty CCM message still needs a data call; out may be NULL then */
    ok = EVP_CipherUpdate(x, dest ? dest : &dummy, &n, in ? in : &dummy, (int)len) &&
         EVP_CipherFinal_ex(x, (dest ? dest : &dummy) + n, &m);
    if (ok && enc && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, (int)taglen, tag) <= 0)
        ok = 0;
    EVP_CIPHER_CTX_free(x);
    kcp_count(KCP_ST_SOFTWARE_OPS, 1);
    if (dest != out) {
        if (ok)
            memcpy(out, dest, len);
        OPENSSL_clear_free(dest, len);
    } else if (!ok && !enc && out && len) {
        OPENSSL_cleanse(out, len);   /* not the input: no unverified plaintext left */
    }
    if (ok)
        return 1;
    if (!enc)
        return -1;
    KCP_ERR(a->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", a->name);
    return 0;
}

int kcp_aead_request(kcp_aead *a, int enc, const unsigned char *nonce, size_t nlen,
                     const unsigned char *aad, size_t aadlen, const unsigned char *in,
                     size_t len, unsigned char *out, unsigned char *tag, size_t taglen)
{
    const char *why = NULL;
    if (!kc_aead_nonce_len_ok(a->alg, nlen))
        why = "nonce length the kernel transform does not take";
    else if (!kc_aead_tag_len_ok(a->alg, taglen))
        why = "tag length the kernel transform does not take";
    else if (aadlen + len < a->p->conf.min_size)
        why = "request below min-size";
    if (!why) {
        int r = ensure_kernel(a, taglen);
        if (r == 0)
            return 0;
        if (r < 0)
            why = "no kernel socket";
        else if (aadlen + len + taglen > kc_aead_max_message(a->k))
            why = "larger than one kernel request";
    }
    if (why)
        return soft_request(a, enc, nonce, nlen, aad, aadlen, in, len, out, tag, taglen, why);

    kc_error e;
    kc_error_clear(&e);
    kc_status s;
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    kcp_count(KCP_ST_AEAD_REQUESTS, 1);
    if (enc)
        s = kc_aead_encrypt(a->k, nonce, nlen, aad, aadlen, in, len, out, tag, &e);
    else
        s = kc_aead_decrypt(a->k, nonce, nlen, aad, aadlen, in, len, tag, out, &e);
    if (s == KC_ERR_AUTH && !enc)
        return -1;
    if (s != KC_OK) {
        KCP_ERR_KC(a->p, &e, a->name);
        return 0;
    }
    return 1;
}

/* The same GCM keystream from OpenSSL's AES-CTR, when no socket can be had. */
static int soft_keystream(kcp_aead *a, size_t off, const unsigned char *in, size_t len,
                          unsigned char *out)
{
    const EVP_CIPHER *c = kcp_soft_cipher(a->p, KC_AES_CTR, a->keylen);
    EVP_CIPHER_CTX *x = c ? EVP_CIPHER_CTX_new() : NULL;
    unsigned char ctr[16], junk[16];
    int n = 0, ok;
    size_t skip = kc_aead_keystream_counter(a->alg, a->iv, off, ctr);
    ok = x && len <= INT_MAX && EVP_EncryptInit_ex2(x, c, a->key, ctr, NULL) &&
         (skip == 0 || EVP_EncryptUpdate(x, junk, &n, junk, (int)skip)) &&
         EVP_EncryptUpdate(x, out, &n, in, (int)len);
    EVP_CIPHER_CTX_free(x);
    OPENSSL_cleanse(junk, sizeof(junk));
    if (!ok)
        KCP_ERR(a->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", a->name);
    return ok;
}

int kcp_aead_keystream(kcp_aead *a, size_t off, const unsigned char *in, size_t len,
                       unsigned char *out)
{
    kc_error e;
    kc_error_clear(&e);
    if (a->ks && kc_aead_keystream_inherited(a->ks)) {
        /* the parent's socket (fork): closed unused, re-keyed below */
        kc_aead_keystream_free(a->ks);
        a->ks = NULL;
    }
    if (!a->ks) {
        kc_key key = KC_KEY_RAW(a->key, a->keylen);
        if (kc_aead_keystream_new(&a->ks, a->alg, &key, &e) != KC_OK) {
            if (kcp_soft_instead(a->p, a->name, &e))
                return a->alg == KC_AES_GCM ? soft_keystream(a, off, in, len, out) : -1;
            KCP_ERR_KC(a->p, &e, a->name);
            return 0;
        }
        kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    }
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    if (kc_aead_keystream_xor(a->ks, a->iv, a->ivlen, off, in, len, out, &e) != KC_OK) {
        KCP_ERR_KC(a->p, &e, a->name);
        return 0;
    }
    return 1;
}
