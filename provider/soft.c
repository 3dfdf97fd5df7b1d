/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL's default implementations, for the few requests the kernel cannot
 * take: below the configured size floor, beyond one kernel request, a
 * parameter the kernel transform lacks (e.g. a GCM nonce that is not 96
 * bits) or a constant-time TLS MAC. A provider cannot hand an operation
 * back to libcrypto mid-way, so it runs the twin itself. The twin comes
 * from a private library context holding only the built-in default
 * provider: the application's context may prefer kcrypt (and loop back
 * here) or may not have the default provider loaded at all. */
#include "prov.h"

#include <openssl/provider.h>
#include <stdio.h>
#include <string.h>

static OSSL_LIB_CTX *soft_libctx_locked(kcp_prov *p)
{
    kcp_soft *s = &p->soft;
    if (s->libctx || s->failed)
        return s->libctx;
    OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
    if (!ctx || !(s->prov = OSSL_PROVIDER_load(ctx, "default"))) {
        OSSL_LIB_CTX_free(ctx);
        s->failed = 1;
        return NULL;
    }
    s->libctx = ctx;
    return ctx;
}

int kcp_soft_permitted(kcp_prov *p, const char *alg, const char *why)
{
    if (p->conf.soft_ok)
        return 1;
    KCP_ERR(p, KCP_R_UNSUPPORTED, "%s: %s, and software-fallback = no", alg, why);
    return 0;
}

static void soft_failed(kcp_prov *p, const char *what)
{
    KCP_ERR(p, KCP_R_SOFTWARE_FAILED,
            "%s: OpenSSL's default implementation could not be fetched", what);
}

OSSL_LIB_CTX *kcp_soft_libctx(kcp_prov *p)
{
    pthread_mutex_lock(&p->soft.lock);
    OSSL_LIB_CTX *ctx = soft_libctx_locked(p);
    pthread_mutex_unlock(&p->soft.lock);
    if (!ctx)
        soft_failed(p, "public-key operations");
    return ctx;
}

const EVP_MD *kcp_soft_md(kcp_prov *p, kc_alg_id alg)
{
    kcp_soft *s = &p->soft;
    pthread_mutex_lock(&s->lock);
    OSSL_LIB_CTX *ctx = soft_libctx_locked(p);
    if (ctx && !s->md[alg])
        s->md[alg] = EVP_MD_fetch(ctx, kcp_names_of(alg)->name, "provider=default");
    EVP_MD *md = s->md[alg];
    pthread_mutex_unlock(&s->lock);
    if (!md)
        soft_failed(p, kcp_names_of(alg)->name);
    return md;
}

const EVP_CIPHER *kcp_soft_cipher(kcp_prov *p, kc_alg_id alg, size_t keylen)
{
    kcp_soft *s = &p->soft;
    const kc_alg_info *info = kc_alg(alg);
    char name[64];
    /* names count the bits of one key part (XTS: one of its two AES keys) */
    unsigned bits = kc_alg_key_bits(info, keylen);
    /* one cache slot per key size: 16/24/32, XTS 32/48/64 (OpenSSL has no
     * AES-192-XTS, so a 48-byte XTS key finds none and is refused) */
    size_t unit = keylen / info->key_parts;
    int idx = unit == 16 ? 0 : unit == 24 ? 1 : 2;
    kcp_expand_name(name, sizeof(name), kcp_names_of(alg)->name, bits);
    pthread_mutex_lock(&s->lock);
    OSSL_LIB_CTX *ctx = soft_libctx_locked(p);
    if (ctx && !s->cipher[alg][idx])
        s->cipher[alg][idx] = EVP_CIPHER_fetch(ctx, name, "provider=default");
    EVP_CIPHER *c = s->cipher[alg][idx];
    pthread_mutex_unlock(&s->lock);
    if (!c)
        soft_failed(p, name);
    return c;
}

EVP_MAC *kcp_soft_mac(kcp_prov *p, int cmac)
{
    kcp_soft *s = &p->soft;
    pthread_mutex_lock(&s->lock);
    OSSL_LIB_CTX *ctx = soft_libctx_locked(p);
    EVP_MAC **slot = cmac ? &s->cmac : &s->hmac;
    if (ctx && !*slot)
        *slot = EVP_MAC_fetch(ctx, cmac ? "CMAC" : "HMAC", "provider=default");
    EVP_MAC *m = *slot;
    pthread_mutex_unlock(&s->lock);
    if (!m)
        soft_failed(p, cmac ? "CMAC" : "HMAC");
    return m;
}

void kcp_soft_free(kcp_soft *s)
{
    for (int a = 0; a < KC_ALG_COUNT; a++) {
        EVP_MD_free(s->md[a]);
        for (int k = 0; k < 3; k++)
            EVP_CIPHER_free(s->cipher[a][k]);
    }
    EVP_MAC_free(s->hmac);
    EVP_MAC_free(s->cmac);
    if (s->prov)
        OSSL_PROVIDER_unload(s->prov);
    s->prov = NULL;
    OSSL_LIB_CTX_free(s->libctx);
    memset(s->md, 0, sizeof(s->md));
    memset(s->cipher, 0, sizeof(s->cipher));
    s->hmac = s->cmac = NULL;
    s->libctx = NULL;
}
