/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-1/2/3 through EVP_Digest*, HMAC (digest parameter) and CMAC (cipher
 * parameter) through EVP_MAC. One context per algorithm and key, set up
 * once and re-initialised for each message. */
#include "vec_evp.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    EVP_MD *md;            /* digests */
    EVP_MD_CTX *md_ctx;
    EVP_MAC_CTX *mac_ctx;  /* HMAC, CMAC */
    size_t size;
} evp_hash;

static const unsigned char none[1];

static void drop(void *p)
{
    evp_hash *h = p;
    EVP_MD_CTX_free(h->md_ctx);
    EVP_MD_free(h->md);
    EVP_MAC_CTX_free(h->mac_ctx);
    free(h);
}

static int digest_new(vec_evp *e, evp_hash *h, kc_alg_id alg, kc_error *err)
{
    char name[64];
    if (vec_evp_name(alg, 0, name, sizeof(name), err) || !(h->md = vec_evp_md_fetch(e, name, err)))
        return -1;
    if (!(h->md_ctx = EVP_MD_CTX_new())) {
        kc_fail(err, KC_ERR_NOMEM, 0, "EVP_MD_CTX_new: out of memory");
        return -1;
    }
    h->size = (size_t)EVP_MD_get_size(h->md);
    return 0;
}

static int mac_new(vec_evp *e, evp_hash *h, kc_alg_id alg, const kct_bytes *key, kc_error *err)
{
    const kc_alg_info *a = kc_alg(alg);
    int hmac = a->digest != KC_ALG_COUNT;
    char sub[64];
    kc_error ignored = { 0 };
    /* A key size AES lacks has no CMAC cipher of its own: it is offered
     * with AES-128-CBC, and refusing it is then kcrypt's to do. */
    if (vec_evp_name(alg, key->n, sub, sizeof(sub), &ignored) &&
        vec_evp_name(alg, 16, sub, sizeof(sub), err))
        return -1;
    EVP_MAC *mac = vec_evp_mac_fetch(e, kcp_names_of(a->id)->name, err);
    if (!mac)
        return -1;
    h->mac_ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (!h->mac_ctx) {
        kc_fail(err, KC_ERR_NOMEM, 0, "EVP_MAC_CTX_new: out of memory");
        return -1;
    }
    OSSL_PARAM p[2] = { OSSL_PARAM_construct_utf8_string(hmac ? OSSL_MAC_PARAM_DIGEST
                                                              : OSSL_MAC_PARAM_CIPHER, sub, 0),
                        OSSL_PARAM_construct_end() };
    /* an empty HMAC key is still a key: NULL would mean "none given" */
    if (!EVP_MAC_init(h->mac_ctx, key->n ? key->p : none, key->n, p)) {
        vec_evp_fail(err, "EVP_MAC_init (key)");
        return -1;
    }
    h->size = EVP_MAC_CTX_get_mac_size(h->mac_ctx);
    return 0;
}

void *vec_evp_mac_open(vec_ctx *v, kc_alg_id alg, const kct_bytes *key, kc_error *err)
{
    evp_hash *h = vec_slot_find(&v->hash, alg, 0, key);
    if (h)
        return h;
    if (!(h = calloc(1, sizeof(*h)))) {
        kc_fail(err, KC_ERR_NOMEM, 0, "out of memory");
        return NULL;
    }
    vec_evp *e = vec_evp_of(v);
    int bad = -1;
    if (kc_alg(alg)->kind == KC_KIND_HASH)
        bad = digest_new(e, h, alg, err);
    else if (key)
        bad = mac_new(e, h, alg, key, err);
    else
        kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s with no key", vec_name(alg));
    if (bad) {
        drop(h);
        return NULL;
    }
    vec_slot_keep(&v->hash, alg, 0, key, h, drop);
    return h;
}

size_t vec_evp_mac_size(void *h)
{
    return ((evp_hash *)h)->size;
}

kc_status vec_evp_mac(vec_ctx *v, void *vh, const unsigned char *in, size_t len,
                      unsigned char *out, size_t n, kc_error *err)
{
    evp_hash *h = vh;
    unsigned char full[EVP_MAX_MD_SIZE];
    size_t got = 0;
    (void)v;
    if (h->size > sizeof(full) || n > h->size)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%zu bytes asked of a %zu-byte output", n,
                       h->size);
    if (!len)
        in = none;
    if (h->md_ctx) {
        unsigned int l = 0;
        if (!EVP_DigestInit_ex2(h->md_ctx, h->md, NULL) ||
            !EVP_DigestUpdate(h->md_ctx, in, len) || !EVP_DigestFinal_ex(h->md_ctx, full, &l))
            return vec_evp_fail(err, "EVP_Digest{Init_ex2,Update,Final_ex}");
        got = l;
    } else if (!EVP_MAC_init(h->mac_ctx, NULL, 0, NULL) || !EVP_MAC_update(h->mac_ctx, in, len) ||
               !EVP_MAC_final(h->mac_ctx, full, &got, sizeof(full))) {
        return vec_evp_fail(err, "EVP_MAC_{init,update,final}");
    }
    if (got != h->size)
        return kc_fail(err, KC_ERR_KERNEL, 0, "%zu bytes of output, the context said %zu", got,
                       h->size);
    /* a truncated tag is the output's prefix */
    memcpy(out, full, n);
    return KC_OK;
}
