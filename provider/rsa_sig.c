/* SPDX-License-Identifier: Apache-2.0 */
/* SIGNATURE for RSA keys held by the kernel.
 * PKCS#1 v1.5 with SHA-1/224/256/384/512: the kernel pads and signs
 * (keyctl_pkey_sign enc=pkcs1 hash=...). PSS, PKCS#1 v1.5 without a digest
 * and no padding: the encoding is made here, the kernel does the raw private
 * operation (keyctl_pkey_decrypt enc=raw); it refuses enc=pss signing.
 * Every signature is checked with the public key before it is returned, so
 * a wrong result is an error, never wrong bytes. Verification is the
 * default provider's, with the key's public half. */
#include "rsa_key.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>
#include <string.h>

typedef struct {
    kcp_prov *p;
    kcp_rsakey *key;
    int pad;
    int saltlen;
    EVP_MD *md, *mgf1;
    EVP_MD_CTX *mdctx;
} sigctx;

static void *sig_newctx(void *provctx, const char *propq)
{
    (void)propq;
    sigctx *c = OPENSSL_zalloc(sizeof(*c));
    if (!c)
        return NULL;
    c->p = provctx;
    c->pad = RSA_PKCS1_PADDING;
    c->saltlen = RSA_PSS_SALTLEN_AUTO;
    return c;
}

static void sig_freectx(void *vc)
{
    sigctx *c = vc;
    if (!c)
        return;
    EVP_MD_free(c->md), EVP_MD_free(c->mgf1);
    EVP_MD_CTX_free(c->mdctx);
    OPENSSL_free(c);
}

static void *sig_dupctx(void *vc)
{
    sigctx *c = vc, *d = OPENSSL_memdup(c, sizeof(*c));
    if (!d)
        return NULL;
    d->md = d->mgf1 = NULL;
    d->mdctx = NULL;
    if (c->md && !EVP_MD_up_ref(c->md))
        goto fail;
    d->md = c->md;
    if (c->mgf1 && !EVP_MD_up_ref(c->mgf1))
        goto fail;
    d->mgf1 = c->mgf1;
    if (c->mdctx && (!(d->mdctx = EVP_MD_CTX_new()) || !EVP_MD_CTX_copy_ex(d->mdctx, c->mdctx)))
        goto fail;
    return d;
fail:
    sig_freectx(d);
    return NULL;
}

static int set_md(sigctx *c, EVP_MD **slot, const char *name)
{
    OSSL_LIB_CTX *ctx = kcp_soft_libctx(c->p);
    EVP_MD *md = ctx ? EVP_MD_fetch(ctx, name, "provider=default") : NULL;
    if (!md) {
        KCP_ERR(c->p, KCP_R_UNSUPPORTED, "RSA kernel key: unknown digest %s", name);
        return 0;
    }
    EVP_MD_free(*slot);
    *slot = md;
    return 1;
}

static int pad_from_param(const OSSL_PARAM *q, int *pad)
{
    if (q->data_type == OSSL_PARAM_UTF8_STRING) {
        const char *s = q->data;
        if (!strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PKCSV15)) *pad = RSA_PKCS1_PADDING;
        else if (!strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PSS)) *pad = RSA_PKCS1_PSS_PADDING;
        else if (!strcmp(s, OSSL_PKEY_RSA_PAD_MODE_NONE)) *pad = RSA_NO_PADDING;
        else if (!strcmp(s, OSSL_PKEY_RSA_PAD_MODE_OAEP)) *pad = RSA_PKCS1_OAEP_PADDING;
        else return 0;
        return 1;
    }
    return OSSL_PARAM_get_int(q, pad);
}

static int saltlen_from_param(const OSSL_PARAM *q, int *saltlen)
{
    if (q->data_type == OSSL_PARAM_UTF8_STRING) {
        const char *s = q->data;
        if (!strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST)) *saltlen = RSA_PSS_SALTLEN_DIGEST;
        else if (!strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_MAX)) *saltlen = RSA_PSS_SALTLEN_MAX;
        else if (!strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_AUTO)) *saltlen = RSA_PSS_SALTLEN_AUTO;
        else {
            char *end;
            long v = strtol(s, &end, 10);
            if (!*s || *end || v < 0 || v > 4096)
                return 0;
            *saltlen = (int)v;
        }
        return 1;
    }
    return OSSL_PARAM_get_int(q, saltlen);
}

static int sig_set_ctx_params(void *vc, const OSSL_PARAM params[])
{
    sigctx *c = vc;
    const OSSL_PARAM *q;
    if (!params)
        return 1;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PAD_MODE))) {
        int pad;
        if (!pad_from_param(q, &pad) || (pad != RSA_PKCS1_PADDING &&
                                         pad != RSA_PKCS1_PSS_PADDING && pad != RSA_NO_PADDING)) {
            KCP_ERR(c->p, KCP_R_UNSUPPORTED, "RSA kernel key: padding mode not for signatures");
            return 0;
        }
        c->pad = pad;
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_DIGEST))) {
        const char *name;
        if (!OSSL_PARAM_get_utf8_string_ptr(q, &name) || !set_md(c, &c->md, name))
            return 0;
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_MGF1_DIGEST))) {
        const char *name;
        if (!OSSL_PARAM_get_utf8_string_ptr(q, &name) || !set_md(c, &c->mgf1, name))
            return 0;
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN)) &&
        !saltlen_from_param(q, &c->saltlen)) {
        KCP_ERR(c->p, KCP_R_INVALID_ARGUMENT, "RSA kernel key: bad PSS salt length");
        return 0;
    }
    return 1;
}

static const OSSL_PARAM settable[] = {
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PROPERTIES, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_PROPERTIES, NULL, 0),
    OSSL_PARAM_END
};
static const OSSL_PARAM *sig_settable(void *vc, void *provctx)
{
    (void)vc, (void)provctx;
    return settable;
}

static const OSSL_PARAM gettable[] = {
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, NULL, 0),
    OSSL_PARAM_END
};
static const OSSL_PARAM *sig_gettable(void *vc, void *provctx)
{
    (void)vc, (void)provctx;
    return gettable;
}

/* The default provider's context over the public half, set up as this
 * context is (padding, digest, PSS salt length and MGF1): it verifies our
 * signatures and names them (the AlgorithmIdentifier). */
static EVP_PKEY_CTX *soft_ctx(sigctx *c)
{
    EVP_PKEY_CTX *v = EVP_PKEY_CTX_new_from_pkey(kcp_soft_libctx(c->p), c->key->pub,
                                                 "provider=default");
    int ok = v && EVP_PKEY_verify_init(v) > 0 && EVP_PKEY_CTX_set_rsa_padding(v, c->pad) > 0 &&
             (!c->md || EVP_PKEY_CTX_set_signature_md(v, c->md) > 0);
    if (ok && c->pad == RSA_PKCS1_PSS_PADDING) {
        int salt = c->saltlen == RSA_PSS_SALTLEN_MAX ? RSA_PSS_SALTLEN_AUTO : c->saltlen;
        ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(v, salt) > 0 &&
             (!c->mgf1 || EVP_PKEY_CTX_set_rsa_mgf1_md(v, c->mgf1) > 0);
    }
    if (!ok) {
        EVP_PKEY_CTX_free(v);
        return NULL;
    }
    return v;
}

/* verify with the public half, as the default provider does */
static int public_verify(sigctx *c, const unsigned char *sig, size_t siglen,
                         const unsigned char *tbs, size_t tbslen)
{
    EVP_PKEY_CTX *v = soft_ctx(c);
    int r = v ? EVP_PKEY_verify(v, sig, siglen, tbs, tbslen) : -1;
    EVP_PKEY_CTX_free(v);
    return r;
}

/* The signature's AlgorithmIdentifier, which X.509 and CMS signing ask for
 * (sha256WithRSAEncryption, or RSASSA-PSS with its hash, MGF1 and the salt
 * length sig_sign uses: "auto" and "max" are the maximum in both). Without
 * it OpenSSL 3.0's ASN1_item_sign_ctx decodes an untouched buffer and
 * frees the certificate's algorithm: a crash. */
static int algorithm_id(sigctx *c, OSSL_PARAM *q)
{
    unsigned char aid[256];
    OSSL_PARAM p[2] = {
        OSSL_PARAM_construct_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, aid, sizeof(aid)),
        OSSL_PARAM_construct_end()
    };
    EVP_PKEY_CTX *v = c->key && c->key->pub ? soft_ctx(c) : NULL;
    int ok = v && EVP_PKEY_CTX_get_params(v, p) > 0 && OSSL_PARAM_modified(&p[0]) &&
             p[0].return_size > 0 && p[0].return_size <= sizeof(aid) &&
             OSSL_PARAM_set_octet_string(q, aid, p[0].return_size);
    EVP_PKEY_CTX_free(v);
    if (!ok)
        KCP_ERR(c->p, KCP_R_UNSUPPORTED, "RSA kernel key: no AlgorithmIdentifier for padding %d "
                "with digest %s", c->pad, c->md ? EVP_MD_get0_name(c->md) : "none");
    return ok;
}

static int sig_get_ctx_params(void *vc, OSSL_PARAM params[])
{
    sigctx *c = vc;
    OSSL_PARAM *q;
    if ((q = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_ALGORITHM_ID)) && !algorithm_id(c, q))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_PAD_MODE))) {
        const char *s = c->pad == RSA_PKCS1_PSS_PADDING ? OSSL_PKEY_RSA_PAD_MODE_PSS
                        : c->pad == RSA_NO_PADDING      ? OSSL_PKEY_RSA_PAD_MODE_NONE
                                                        : OSSL_PKEY_RSA_PAD_MODE_PKCSV15;
        if (q->data_type == OSSL_PARAM_UTF8_STRING ? !OSSL_PARAM_set_utf8_string(q, s)
                                                   : !OSSL_PARAM_set_int(q, c->pad))
            return 0;
    }
    if ((q = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_DIGEST)) &&
        !OSSL_PARAM_set_utf8_string(q, c->md ? EVP_MD_get0_name(c->md) : ""))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN))) {
        if (q->data_type == OSSL_PARAM_UTF8_STRING) {
            char buf[16];
            snprintf(buf, sizeof(buf), "%d", c->saltlen);
            if (!OSSL_PARAM_set_utf8_string(q, c->saltlen == RSA_PSS_SALTLEN_DIGEST ? "digest"
                                               : c->saltlen == RSA_PSS_SALTLEN_MAX  ? "max"
                                               : c->saltlen == RSA_PSS_SALTLEN_AUTO ? "auto"
                                                                                    : buf))
                return 0;
        } else if (!OSSL_PARAM_set_int(q, c->saltlen)) {
            return 0;
        }
    }
    return 1;
}

static int sig_init(void *vc, void *keydata, const OSSL_PARAM params[])
{
    sigctx *c = vc;
    if (keydata)
        c->key = keydata;
    if (!c->key || !c->key->pub) {
        KCP_ERR(c->p, KCP_R_BAD_STATE, "RSA kernel key: no key");
        return 0;
    }
    return sig_set_ctx_params(c, params);
}

static const char *kernel_hash(const EVP_MD *md)
{
    static const struct { const char *ossl, *kernel; } map[] = {
        { "SHA1", "sha1" }, { "SHA2-224", "sha224" }, { "SHA2-256", "sha256" },
        { "SHA2-384", "sha384" }, { "SHA2-512", "sha512" },
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (EVP_MD_is_a(md, map[i].ossl))
            return map[i].kernel;
    return NULL;
}

static int sig_sign(void *vc, unsigned char *sig, size_t *siglen, size_t sigsize,
                    const unsigned char *tbs, size_t tbslen)
{
    sigctx *c = vc;
    size_t k = kcp_rsakey_size(c->key);
    if (!sig) {
        *siglen = k;
        return 1;
    }
    if (!c->key->serial) {
        KCP_ERR(c->p, KCP_R_KEY_REJECTED, "RSA: this key has no private half in the kernel");
        return 0;
    }
    if (sigsize < k) {
        KCP_ERR(c->p, KCP_R_OUTPUT_TOO_SMALL, "RSA sign: %zu-byte buffer for a %zu-byte signature",
                sigsize, k);
        return 0;
    }
    if (c->md && c->pad != RSA_NO_PADDING && tbslen != (size_t)EVP_MD_get_size(c->md)) {
        KCP_ERR(c->p, KCP_R_INVALID_ARGUMENT, "RSA sign: %zu bytes is not a %s digest", tbslen,
                EVP_MD_get0_name(c->md));
        return 0;
    }
    kc_error err;
    kc_status st = KC_OK;
    unsigned char *em = OPENSSL_zalloc(k);
    int ok = 0;
    if (!em)
        return 0;
    const char *kh = c->md ? kernel_hash(c->md) : NULL;
    if (c->pad == RSA_PKCS1_PADDING && kh) {
        st = kc_pkey_sign_pkcs1(c->key->serial, kh, tbs, tbslen, sig, k, &err);
    } else if (c->pad == RSA_PKCS1_PADDING && c->md) {
        KCP_ERR(c->p, KCP_R_UNSUPPORTED, "RSA PKCS#1 v1.5 with %s: the kernel signs SHA-1 and "
                "SHA-2 digests only", EVP_MD_get0_name(c->md));
        goto out;
    } else {
        if (c->pad == RSA_PKCS1_PSS_PADDING) {
            if (!c->md && !set_md(c, &c->md, "SHA1"))
                goto out;
            if (tbslen != (size_t)EVP_MD_get_size(c->md) ||
                !kc_rsapad_pss_encode(em, k, c->key->pub, tbs, c->md, c->mgf1 ? c->mgf1 : c->md,
                                c->saltlen)) {
                KCP_ERR(c->p, KCP_R_INVALID_ARGUMENT, "RSA-PSS encoding failed (digest %s, "
                        "salt length %d)", EVP_MD_get0_name(c->md), c->saltlen);
                goto out;
            }
        } else if (c->pad == RSA_PKCS1_PADDING) {
            /* no digest: type 1 padding around the caller's bytes */
            if (tbslen + 11 > k) {
                KCP_ERR(c->p, KCP_R_INVALID_ARGUMENT, "RSA sign: %zu bytes too long", tbslen);
                goto out;
            }
            em[1] = 1;
            memset(em + 2, 0xff, k - tbslen - 3);
            memcpy(em + k - tbslen, tbs, tbslen);
        } else if (tbslen == k) {
            memcpy(em, tbs, k);
        } else {
            KCP_ERR(c->p, KCP_R_INVALID_ARGUMENT, "RSA without padding: %zu bytes, not %zu",
                    tbslen, k);
            goto out;
        }
        st = kc_pkey_private_raw(c->key->serial, em, k, sig, &err);
    }
    if (st != KC_OK) {
        KCP_ERR_KC(c->p, &err, "RSA sign with the kernel key");
        goto out;
    }
    if (public_verify(c, sig, k, c->pad == RSA_NO_PADDING ? em : tbs,
                      c->pad == RSA_NO_PADDING ? k : tbslen) != 1) {
        OPENSSL_cleanse(sig, k);
        KCP_ERR(c->p, KCP_R_KERNEL_FAILURE,
                "RSA sign: the kernel key %d's signature does not verify", (int)c->key->serial);
        goto out;
    }
    *siglen = k;
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    ok = 1;
out:
    OPENSSL_free(em);
    return ok;
}

static int sig_verify(void *vc, const unsigned char *sig, size_t siglen,
                      const unsigned char *tbs, size_t tbslen)
{
    sigctx *c = vc;
    return public_verify(c, sig, siglen, tbs, tbslen) == 1;
}

static int sig_digest_init(void *vc, const char *mdname, void *keydata,
                           const OSSL_PARAM params[])
{
    sigctx *c = vc;
    if (!sig_init(c, keydata, params))
        return 0;
    if (mdname && *mdname && !set_md(c, &c->md, mdname))
        return 0;
    if (!c->md && !set_md(c, &c->md, "SHA256"))
        return 0;
    if (!c->mdctx && !(c->mdctx = EVP_MD_CTX_new()))
        return 0;
    return EVP_DigestInit_ex2(c->mdctx, c->md, NULL) > 0;
}

static int sig_digest_update(void *vc, const unsigned char *data, size_t len)
{
    sigctx *c = vc;
    return c->mdctx && EVP_DigestUpdate(c->mdctx, data, len) > 0;
}

static int sig_digest_sign_final(void *vc, unsigned char *sig, size_t *siglen, size_t sigsize)
{
    sigctx *c = vc;
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (!sig)
        return sig_sign(c, NULL, siglen, 0, NULL, 0);
    if (!c->mdctx || EVP_DigestFinal_ex(c->mdctx, d, &dl) <= 0)
        return 0;
    return sig_sign(c, sig, siglen, sigsize, d, dl);
}

static int sig_digest_verify_final(void *vc, const unsigned char *sig, size_t siglen)
{
    sigctx *c = vc;
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    if (!c->mdctx || EVP_DigestFinal_ex(c->mdctx, d, &dl) <= 0)
        return 0;
    return sig_verify(c, sig, siglen, d, dl);
}

const OSSL_DISPATCH kcp_rsa_signature_functions[] = {
    { OSSL_FUNC_SIGNATURE_NEWCTX, (void (*)(void))sig_newctx },
    { OSSL_FUNC_SIGNATURE_FREECTX, (void (*)(void))sig_freectx },
    { OSSL_FUNC_SIGNATURE_DUPCTX, (void (*)(void))sig_dupctx },
    { OSSL_FUNC_SIGNATURE_SIGN_INIT, (void (*)(void))sig_init },
    { OSSL_FUNC_SIGNATURE_SIGN, (void (*)(void))sig_sign },
    { OSSL_FUNC_SIGNATURE_VERIFY_INIT, (void (*)(void))sig_init },
    { OSSL_FUNC_SIGNATURE_VERIFY, (void (*)(void))sig_verify },
    { OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, (void (*)(void))sig_digest_init },
    { OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE, (void (*)(void))sig_digest_update },
    { OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL, (void (*)(void))sig_digest_sign_final },
    { OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT, (void (*)(void))sig_digest_init },
    { OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE, (void (*)(void))sig_digest_update },
    { OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL, (void (*)(void))sig_digest_verify_final },
    { OSSL_FUNC_SIGNATURE_GET_CTX_PARAMS, (void (*)(void))sig_get_ctx_params },
    { OSSL_FUNC_SIGNATURE_GETTABLE_CTX_PARAMS, (void (*)(void))sig_gettable },
    { OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, (void (*)(void))sig_set_ctx_params },
    { OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS, (void (*)(void))sig_settable },
    { 0, NULL }
};
