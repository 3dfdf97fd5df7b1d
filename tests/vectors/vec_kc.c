/* SPDX-License-Identifier: Apache-2.0 */
/* The backend the vector programs test first: kcrypt's common/ itself,
 * one cached context per key (vec_internal.h). */
#include "vec.h"
#include "vec_backend.h"
#include "vec_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void drop_cipher(void *c) { kc_cipher_free(c); }
static void drop_aead(void *a) { kc_aead_free(a); }
static void drop_hash(void *h) { kc_hash_free(h); }
static void drop_wrap(void *w) { kc_keywrap_free(w); }

static const char *missing(vec_ctx *v, kc_alg_id alg, char *buf, size_t n)
{
    (void)v;
    if (!kc_probe()->afalg)
        snprintf(buf, n, "no AF_ALG in this kernel");
    else if (!kc_available(alg))
        snprintf(buf, n, "kernel lacks %s", kc_alg(alg)->kernel_name);
    else
        return NULL;
    return buf;
}

/* kc_cipher is raw CBC: PKCS#7 padding is added and checked here, as an
 * application on top of kcrypt would. */
static int padding_ok(const unsigned char *p, size_t n)
{
    if (n == 0 || n % 16)
        return 0;
    unsigned pad = p[n - 1];
    if (pad == 0 || pad > 16)
        return 0;
    for (size_t i = n - pad; i < n; i++)
        if (p[i] != pad)
            return 0;
    return 1;
}

static kc_status cipher(vec_ctx *v, const vec_cipher_case *c, int encrypt, unsigned char *out,
                        size_t *out_len, kc_error *err)
{
    const kct_bytes *in = encrypt ? &c->pt : &c->ct;
    kc_cipher *k = vec_slot_find(&v->cipher, c->alg, 0, &c->key);
    if (!k) {
        kc_key key = KC_KEY_RAW(c->key.p, c->key.n);
        kc_status st = kc_cipher_new(&k, c->alg, NULL, &key, err);
        if (st != KC_OK)
            return st;
        vec_slot_keep(&v->cipher, c->alg, 0, &c->key, k, drop_cipher);
    }
    /* ECB vectors have no IV: the API takes NULL then */
    const unsigned char *iv = c->iv.n ? c->iv.p : NULL;
    const unsigned char *src = in->p;
    size_t len = in->n;
    if (c->pad && encrypt) {
        size_t pad = 16 - in->n % 16;
        memcpy(out, in->p, in->n);
        memset(out + in->n, (int)pad, pad);
        src = out;
        len = in->n + pad;
    }
    kc_status st = kc_cipher_oneshot(k, encrypt, iv, c->iv.n, src, len, out, err);
    *out_len = len;
    if (st == KC_OK && c->pad && !encrypt) {
        if (!padding_ok(out, len))
            return kc_fail(err, KC_ERR_AUTH, 0, "%s: bad PKCS#7 padding", vec_name(c->alg));
        *out_len = len - out[len - 1];
    }
    return st;
}

static void *aead_open(vec_ctx *v, const vec_aead_case *c, kc_error *err)
{
    kc_aead *a = vec_slot_find(&v->aead, c->alg, c->tag.n, &c->key);
    if (!a) {
        kc_key k = KC_KEY_RAW(c->key.p, c->key.n);
        if (kc_aead_new(&a, c->alg, NULL, &k, c->tag.n, err) != KC_OK)
            return NULL;
        vec_slot_keep(&v->aead, c->alg, c->tag.n, &c->key, a, drop_aead);
    }
    return a;
}

static kc_status aead_encrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *ct,
                              unsigned char *tag, kc_error *err)
{
    (void)v;
    return kc_aead_encrypt(a, c->nonce.p, c->nonce.n, c->aad.p, c->aad.n, c->msg->p, c->msg->n,
                           ct, tag, err);
}

static kc_status aead_decrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *pt,
                              kc_error *err)
{
    (void)v;
    return kc_aead_decrypt(a, c->nonce.p, c->nonce.n, c->aad.p, c->aad.n, c->ct.p, c->ct.n,
                           c->tag.p, pt, err);
}

static void *mac_open(vec_ctx *v, kc_alg_id alg, const kct_bytes *key, kc_error *err)
{
    kc_hash *h = vec_slot_find(&v->hash, alg, 0, key);
    if (!h) {
        kc_key k = KC_KEY_RAW(key ? key->p : NULL, key ? key->n : 0);
        if (kc_hash_new(&h, alg, NULL, key ? &k : NULL, err) != KC_OK)
            return NULL;
        vec_slot_keep(&v->hash, alg, 0, key, h, drop_hash);
    }
    return h;
}

static size_t mac_size(void *h)
{
    return kc_hash_size(h);
}

static kc_status mac(vec_ctx *v, void *h, const unsigned char *in, size_t len, unsigned char *out,
                     size_t n, kc_error *err)
{
    unsigned char full[64];
    size_t size = kc_hash_size(h);
    (void)v;
    if (size > sizeof(full) || n > size)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%zu-byte output asked of a %zu-byte hash",
                       n, size);
    /* a truncated MAC is the full output's prefix */
    kc_status st = kc_hash_oneshot(h, in, len, full, size, err);
    if (st == KC_OK)
        memcpy(out, full, n);
    return st;
}

static kc_status wrap(vec_ctx *v, const vec_wrap_case *c, int wrap, unsigned char *out,
                      size_t *out_len, kc_error *err)
{
    vec_slot *s = wrap ? &v->wrap : &v->unwrap;
    kc_keywrap *w = vec_slot_find(s, c->alg, (size_t)wrap, &c->kek);
    if (!w) {
        kc_key k = KC_KEY_RAW(c->kek.p, c->kek.n);
        if (kc_keywrap_new(&w, c->alg, NULL, &k, wrap, err) != KC_OK)
            return err->status;
        vec_slot_keep(s, c->alg, (size_t)wrap, &c->kek, w, drop_wrap);
    }
    if (wrap)
        return kc_keywrap_wrap(w, c->pt->p, c->pt->n, out, out_len, err);
    return kc_keywrap_unwrap(w, c->ct.p, c->ct.n, out, out_len, err);
}

const vec_backend vec_kc_backend = {
    .missing = missing,
    .cipher = cipher,
    .aead_open = aead_open,
    .aead_encrypt = aead_encrypt,
    .aead_decrypt = aead_decrypt,
    .mac_open = mac_open,
    .mac_size = mac_size,
    .mac = mac,
    .wrap = wrap,
};
