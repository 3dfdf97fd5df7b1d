/* SPDX-License-Identifier: Apache-2.0 */
/* ASYM_CIPHER for RSA keys held by the kernel. Decryption: the kernel's
 * raw private operation (keyctl_pkey_decrypt enc=raw), then PKCS#1 v1.5 or
 * OAEP unpadding here with OpenSSL's constant-time checks; a bad padding is
 * one error whatever went wrong. Encryption is the default provider's,
 * with the public half. */
#include "rsa_key.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>
#include <string.h>

typedef struct {
    kcp_prov *p;
    kcp_rsakey *key;
    int pad;
    EVP_MD *md, *mgf1;
    unsigned char *label;
    size_t llen;
} cctx;

static void *c_newctx(void *provctx)
{
    cctx *c = OPENSSL_zalloc(sizeof(*c));
    if (c) {
        c->p = provctx;
        c->pad = RSA_PKCS1_PADDING;
    }
    return c;
}

static void c_freectx(void *vc)
{
    cctx *c = vc;
    if (!c)
        return;
    EVP_MD_free(c->md), EVP_MD_free(c->mgf1);
    OPENSSL_free(c->label);
    OPENSSL_free(c);
}

static void *c_dupctx(void *vc)
{
    cctx *c = vc, *d = OPENSSL_memdup(c, sizeof(*c));
    if (!d)
        return NULL;
    d->label = c->label ? OPENSSL_memdup(c->label, c->llen) : NULL;
    if ((c->label && !d->label) || (c->md && !EVP_MD_up_ref(c->md)) ||
        (c->mgf1 && !EVP_MD_up_ref(c->mgf1))) {
        OPENSSL_free(d->label);
        OPENSSL_free(d);
        return NULL;
    }
    return d;
}

static int fetch_md(cctx *c, EVP_MD **slot, const OSSL_PARAM *q)
{
    const char *name;
    OSSL_LIB_CTX *ctx = kcp_soft_libctx(c->p);
    EVP_MD *md = NULL;
    if (!OSSL_PARAM_get_utf8_string_ptr(q, &name) || !ctx ||
        !(md = EVP_MD_fetch(ctx, name, "provider=default"))) {
        KCP_ERR(c->p, KCP_R_UNSUPPORTED, "RSA OAEP: unknown digest");
        return 0;
    }
    EVP_MD_free(*slot);
    *slot = md;
    return 1;
}

static int c_set_params(void *vc, const OSSL_PARAM params[])
{
    cctx *c = vc;
    const OSSL_PARAM *q;
    if (!params)
        return 1;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_ASYM_CIPHER_PARAM_PAD_MODE))) {
        int pad = 0;
        if (q->data_type == OSSL_PARAM_UTF8_STRING) {
            const char *s = q->data;
            pad = !strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PKCSV15) ? RSA_PKCS1_PADDING
                  : !strcmp(s, OSSL_PKEY_RSA_PAD_MODE_OAEP)  ? RSA_PKCS1_OAEP_PADDING
                  : !strcmp(s, OSSL_PKEY_RSA_PAD_MODE_NONE)  ? RSA_NO_PADDING
                                                             : 0;
        } else if (!OSSL_PARAM_get_int(q, &pad)) {
            pad = 0;
        }
        if (pad != RSA_PKCS1_PADDING && pad != RSA_PKCS1_OAEP_PADDING && pad != RSA_NO_PADDING) {
            KCP_ERR(c->p, KCP_R_UNSUPPORTED, "RSA decryption: padding mode not supported");
            return 0;
        }
        c->pad = pad;
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST)) &&
        !fetch_md(c, &c->md, q))
        return 0;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST)) &&
        !fetch_md(c, &c->mgf1, q))
        return 0;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_ASYM_CIPHER_PARAM_OAEP_LABEL))) {
        void *l = NULL;
        size_t n = 0;
        if (!OSSL_PARAM_get_octet_string(q, &l, 0, &n))
            return 0;
        OPENSSL_free(c->label);
        c->label = l, c->llen = n;
    }
    return 1;
}

static const OSSL_PARAM settable[] = {
    OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST_PROPS, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST_PROPS, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_ASYM_CIPHER_PARAM_OAEP_LABEL, NULL, 0),
    OSSL_PARAM_END
};
static const OSSL_PARAM *c_settable(void *vc, void *provctx)
{
    (void)vc, (void)provctx;
    return settable;
}

static const OSSL_PARAM gettable[] = {
    OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, NULL, 0),
    OSSL_PARAM_END
};
static const OSSL_PARAM *c_gettable(void *vc, void *provctx)
{
    (void)vc, (void)provctx;
    return gettable;
}

static int c_get_params(void *vc, OSSL_PARAM params[])
{
    cctx *c = vc;
    OSSL_PARAM *q = OSSL_PARAM_locate(params, OSSL_ASYM_CIPHER_PARAM_PAD_MODE);
    if (!q)
        return 1;
    if (q->data_type != OSSL_PARAM_UTF8_STRING)
        return OSSL_PARAM_set_int(q, c->pad);
    return OSSL_PARAM_set_utf8_string(q, c->pad == RSA_PKCS1_OAEP_PADDING ? "oaep"
                                         : c->pad == RSA_NO_PADDING       ? "none"
                                                                          : "pkcs1");
}

static int c_init(void *vc, void *keydata, const OSSL_PARAM params[])
{
    cctx *c = vc;
    c->key = keydata;
    if (!c->key || !c->key->pub) {
        KCP_ERR(c->p, KCP_R_BAD_STATE, "RSA kernel key: no key");
        return 0;
    }
    return c_set_params(c, params);
}

static int c_encrypt(void *vc, unsigned char *out, size_t *outlen, size_t outsize,
                     const unsigned char *in, size_t inlen)
{
    cctx *c = vc;
    EVP_PKEY_CTX *e = EVP_PKEY_CTX_new_from_pkey(kcp_soft_libctx(c->p), c->key->pub,
                                                 "provider=default");
    unsigned char *l = c->label ? OPENSSL_memdup(c->label, c->llen) : NULL;
    int ok = e && EVP_PKEY_encrypt_init(e) > 0 && EVP_PKEY_CTX_set_rsa_padding(e, c->pad) > 0;
    if (ok && c->pad == RSA_PKCS1_OAEP_PADDING) {
        ok = (!c->md || EVP_PKEY_CTX_set_rsa_oaep_md(e, c->md) > 0) &&
             (!c->mgf1 || EVP_PKEY_CTX_set_rsa_mgf1_md(e, c->mgf1) > 0) &&
             (!l || EVP_PKEY_CTX_set0_rsa_oaep_label(e, l, (int)c->llen) > 0);
        if (ok)
            l = NULL;
    }
    OPENSSL_free(l);
    size_t n = outsize;
    ok = ok && EVP_PKEY_encrypt(e, out, out ? &n : outlen, in, inlen) > 0;
    if (ok && out)
        *outlen = n;
    EVP_PKEY_CTX_free(e);
    return ok;
}

static int c_decrypt(void *vc, unsigned char *out, size_t *outlen, size_t outsize,
                     const unsigned char *in, size_t inlen)
{
    cctx *c = vc;
    size_t k = kcp_rsakey_size(c->key);
    if (!out) {
        *outlen = k;
        return 1;
    }
    if (!c->key->serial) {
        KCP_ERR(c->p, KCP_R_KEY_REJECTED, "RSA: this key has no private half in the kernel");
        return 0;
    }
    if (inlen != k) {
        KCP_ERR(c->p, KCP_R_INVALID_ARGUMENT, "RSA decrypt: %zu-byte ciphertext for a %zu-byte "
                "key", inlen, k);
        return 0;
    }
    unsigned char *em = OPENSSL_secure_zalloc(k);
    kc_error err;
    int n = -1;
    if (!em)
        return 0;
    if (kc_pkey_private_raw(c->key->serial, in, k, em, &err) != KC_OK) {
        KCP_ERR_KC(c->p, &err, "RSA decrypt with the kernel key");
        goto out;
    }
    if (c->pad == RSA_NO_PADDING) {
        if (outsize >= k) {
            memcpy(out, em, k);
            n = (int)k;
        }
    } else if (c->pad == RSA_PKCS1_OAEP_PADDING) {
        const EVP_MD *md = c->md;
        EVP_MD *sha1 = NULL;
        if (!md)
            md = sha1 = EVP_MD_fetch(kcp_soft_libctx(c->p), "SHA1", "provider=default");
        n = md ? kc_rsapad_unpad_oaep(out, outsize, em, k, c->label, c->llen, md, c->mgf1 ? c->mgf1 : md)
               : -1;
        EVP_MD_free(sha1);
    } else {
        n = kc_rsapad_unpad_pkcs1(out, outsize, em, k);
    }
    if (n < 0)
        KCP_ERR(c->p, KCP_R_BAD_DECRYPT, "RSA decrypt: bad padding or output too small");
    else
        *outlen = (size_t)n;
out:
    OPENSSL_secure_clear_free(em, k);
    return n >= 0;
}

const OSSL_DISPATCH kcp_rsa_asym_cipher_functions[] = {
    { OSSL_FUNC_ASYM_CIPHER_NEWCTX, (void (*)(void))c_newctx },
    { OSSL_FUNC_ASYM_CIPHER_FREECTX, (void (*)(void))c_freectx },
    { OSSL_FUNC_ASYM_CIPHER_DUPCTX, (void (*)(void))c_dupctx },
    { OSSL_FUNC_ASYM_CIPHER_ENCRYPT_INIT, (void (*)(void))c_init },
    { OSSL_FUNC_ASYM_CIPHER_ENCRYPT, (void (*)(void))c_encrypt },
    { OSSL_FUNC_ASYM_CIPHER_DECRYPT_INIT, (void (*)(void))c_init },
    { OSSL_FUNC_ASYM_CIPHER_DECRYPT, (void (*)(void))c_decrypt },
    { OSSL_FUNC_ASYM_CIPHER_GET_CTX_PARAMS, (void (*)(void))c_get_params },
    { OSSL_FUNC_ASYM_CIPHER_GETTABLE_CTX_PARAMS, (void (*)(void))c_gettable },
    { OSSL_FUNC_ASYM_CIPHER_SET_CTX_PARAMS, (void (*)(void))c_set_params },
    { OSSL_FUNC_ASYM_CIPHER_SETTABLE_CTX_PARAMS, (void (*)(void))c_settable },
    { 0, NULL }
};
