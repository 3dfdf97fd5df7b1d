/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL names from common/'s one algorithm table (kc/alg.h), and fetches
 * that must be served by the kcrypt instance this backend loaded. */
#include "vec_evp.h"

#include <stdio.h>
#include <string.h>

#define KCRYPT_ONLY "provider=kcrypt"

/* The table's "%u" is the key size in bits. Only that one conversion is
 * replaced: the table's text is never used as a printf format. */
static void expand(char *buf, size_t n, const char *pattern, unsigned bits)
{
    const char *at = strstr(pattern, "%u");
    if (at)
        snprintf(buf, n, "%.*s%u%s", (int)(at - pattern), pattern, bits, at + 2);
    else
        snprintf(buf, n, "%s", pattern);
}

int vec_evp_name(kc_alg_id alg, size_t key_len, char *buf, size_t n, kc_error *err)
{
    const kc_alg_info *a = kc_alg(alg);
    if (a->kind == KC_KIND_HASH) {
        expand(buf, n, kcp_names_of(alg)->name, 0);
        return 0;
    }
    /* HMAC takes any key; its parameter is the digest */
    if (a->kind == KC_KIND_MAC && a->digest != KC_ALG_COUNT) {
        expand(buf, n, kcp_names_of(a->digest)->name, 0);
        return 0;
    }
    if (!kc_alg_key_size_ok(a, key_len)) {
        kc_fail(err, KC_ERR_KEY, 0, "OpenSSL has no %s name for a %zu-byte key", a->name,
                key_len);
        return -1;
    }
    /* CMAC's parameter is the CBC cipher of its key size */
    const char *pattern = kcp_names_of(a->kind == KC_KIND_MAC ? KC_AES_CBC : alg)->name;
    /* an XTS key is two AES keys; OpenSSL names the size of one */
    unsigned bits = kc_alg_key_bits(a, key_len);
    expand(buf, n, pattern, bits);
    return 0;
}

static int kcrypt_served(vec_evp *e, const OSSL_PROVIDER *p, const char *name, kc_error *err)
{
    if (p && p == e->prov)
        return 1;
    kc_fail(err, KC_ERR_KERNEL, 0, "%s was served by %s, not the kcrypt loaded here", name,
            p ? OSSL_PROVIDER_get0_name(p) : "no provider");
    return 0;
}

/* A fetch that fails is not a refusal of the case's input. */
static void fetch_failed(kc_error *err, const char *what, const char *name)
{
    char call[96];
    snprintf(call, sizeof(call), "%s(\"%s\", \"" KCRYPT_ONLY "\")", what, name);
    vec_evp_fail(err, call);
    err->status = KC_ERR_NO_ALG;
}

EVP_CIPHER *vec_evp_cipher_fetch(vec_evp *e, const char *name, kc_error *err)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(e->libctx, name, KCRYPT_ONLY);
    if (!c)
        fetch_failed(err, "EVP_CIPHER_fetch", name);
    else if (!kcrypt_served(e, EVP_CIPHER_get0_provider(c), name, err)) {
        EVP_CIPHER_free(c);
        c = NULL;
    }
    return c;
}

EVP_MD *vec_evp_md_fetch(vec_evp *e, const char *name, kc_error *err)
{
    EVP_MD *md = EVP_MD_fetch(e->libctx, name, KCRYPT_ONLY);
    if (!md)
        fetch_failed(err, "EVP_MD_fetch", name);
    else if (!kcrypt_served(e, EVP_MD_get0_provider(md), name, err)) {
        EVP_MD_free(md);
        md = NULL;
    }
    return md;
}

EVP_MAC *vec_evp_mac_fetch(vec_evp *e, const char *name, kc_error *err)
{
    EVP_MAC *m = EVP_MAC_fetch(e->libctx, name, KCRYPT_ONLY);
    if (!m)
        fetch_failed(err, "EVP_MAC_fetch", name);
    else if (!kcrypt_served(e, EVP_MAC_get0_provider(m), name, err)) {
        EVP_MAC_free(m);
        m = NULL;
    }
    return m;
}

EVP_CIPHER_CTX *vec_evp_cipher_new(vec_evp *e, kc_alg_id alg, const kct_bytes *key,
                                   int encrypt, kc_error *err)
{
    char name[64];
    if (vec_evp_name(alg, key->n, name, sizeof(name), err))
        return NULL;
    EVP_CIPHER *c = vec_evp_cipher_fetch(e, name, err);
    if (!c)
        return NULL;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    if (!x) {
        kc_fail(err, KC_ERR_NOMEM, 0, "EVP_CIPHER_CTX_new: out of memory");
    } else {
        /* legacy wrap ciphers need this; provider ones ignore it */
        EVP_CIPHER_CTX_set_flags(x, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
        /* EVP reads the cipher's key length from key: vec_evp_name matched it */
        if (!EVP_CipherInit_ex2(x, c, key->p, NULL, encrypt, NULL)) {
            vec_evp_fail(err, "EVP_CipherInit_ex2 (key)");
            EVP_CIPHER_CTX_free(x);
            x = NULL;
        }
    }
    EVP_CIPHER_free(c);
    return x;
}

void vec_evp_cipher_drop(void *ctx)
{
    EVP_CIPHER_CTX_free(ctx);
}
