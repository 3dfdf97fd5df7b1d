/* SPDX-License-Identifier: Apache-2.0 */
/* DECODERs for kcrypt key reference files, in the two steps OpenSSL's file
 * store expects (as tpm2-openssl does for its key files):
 *   PEM "KCRYPT KEY REFERENCE" -> DER (structure KcryptKeyRef), and
 *   DER KcryptKeyRef -> an RSA key object held by the kernel, handed to
 *   OpenSSL as a reference that kcrypt's key manager loads.
 * Any other input is left to the other decoders ("empty handed", not an
 * error), so an application's ordinary key files load as before. */
#include "keyref.h"
#include "rsa_key.h"

#include <openssl/core_object.h>
#include <openssl/x509.h>
#include <string.h>

#define REF_MAX 65536   /* a reference is a few hundred bytes; read no further */
#define REF_STRUCTURE "KcryptKeyRef"

static void *dec_newctx(void *provctx) { return provctx; }
static void dec_freectx(void *ctx) { (void)ctx; }

/* the input, or NULL (nothing readable: not ours) */
static unsigned char *read_all(kcp_prov *p, OSSL_CORE_BIO *cin, size_t *len)
{
    size_t n = 0, got = 0;
    unsigned char *buf = p->c_bio_read_ex ? OPENSSL_malloc(REF_MAX) : NULL;
    while (buf && n < REF_MAX && p->c_bio_read_ex(cin, buf + n, REF_MAX - n, &got) && got > 0)
        n += got;
    *len = n;
    return buf;
}

/* The kernel key the reference names, with the reference's public key. */
static kcp_rsakey *key_from_ref(kcp_prov *p, const kcr_ref *ref)
{
    kc_error err;
    kc_pkey_support s = kc_pkey_supported();
    if (s != KC_PKEY_YES) {
        KCP_ERR(p, KCP_R_UNSUPPORTED_KERNEL, "kcrypt key reference \"%s\": %s", ref->desc,
                kc_pkey_support_text(s));
        return NULL;
    }
    int32_t ring = kc_pkey_keyring(ref->keyring, &err), serial = 0;
    kc_pkey_info info;
    if (!ring || kc_pkey_find(ref->serial, ref->desc, ring, &serial, &err) != KC_OK ||
        kc_pkey_query(serial, &info, &err) != KC_OK) {
        KCP_ERR_KC(p, &err, "kcrypt key reference");
        return NULL;
    }
    OSSL_LIB_CTX *ctx = kcp_soft_libctx(p);
    const unsigned char *d = ref->spki;
    EVP_PKEY *pub = ctx ? d2i_PUBKEY_ex(NULL, &d, ref->spki_len, ctx, "provider=default") : NULL;
    if (!pub || !EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_get_bits(pub) != (int)info.bits) {
        KCP_ERR(p, KCP_R_KEY_REJECTED,
                "kcrypt key reference \"%s\": its public key is not the kernel key %d's "
                "(%u-bit RSA)", ref->desc, (int)serial, info.bits);
        EVP_PKEY_free(pub);
        return NULL;
    }
    kcp_rsakey *k = kcp_rsakey_new(p, 0);
    if (!k) {
        EVP_PKEY_free(pub);
        return NULL;
    }
    k->serial = serial;
    k->pub = pub;
    memcpy(k->desc, ref->desc, sizeof(k->desc));
    return k;
}

static int pem_decode(void *ctx, OSSL_CORE_BIO *cin, int selection, OSSL_CALLBACK *data_cb,
                      void *data_cbarg, OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
    (void)selection, (void)pw_cb, (void)pw_cbarg;
    kcp_prov *p = ctx;
    size_t len;
    unsigned char *buf = read_all(p, cin, &len), *der = NULL;
    long dlen = 0;
    int rc = buf ? kcr_pem_body(buf, len, &der, &dlen) : 0;
    OPENSSL_free(buf);
    if (rc == 0)
        return 1;
    if (rc < 0) {
        KCP_ERR(p, KCP_R_INVALID_ARGUMENT, "kcrypt key reference: unreadable PEM");
        return 0;
    }
    /* Find the kernel key now, once more than needed: OpenSSL's store drops
     * errors raised in the DER step, so a missing key, a refused permission
     * or a kernel without the key type must be reported from here. */
    kcr_ref ref;
    const char *why;
    kcp_rsakey *k = NULL;
    rc = kcr_parse_der(der, (size_t)dlen, &ref, &why);
    if (rc == 1) {
        k = key_from_ref(p, &ref);
        kcr_free(&ref);
    } else {
        KCP_ERR(p, KCP_R_INVALID_ARGUMENT, "kcrypt key reference: %s", why);
    }
    if (!k) {
        OPENSSL_free(der);
        return 0;
    }
    kcp_rsakey_free(k);
    int objtype = OSSL_OBJECT_PKEY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &objtype),
        OSSL_PARAM_construct_utf8_string(OSSL_OBJECT_PARAM_DATA_TYPE, (char *)"RSA", 0),
        OSSL_PARAM_construct_utf8_string(OSSL_OBJECT_PARAM_DATA_STRUCTURE,
                                         (char *)REF_STRUCTURE, 0),
        OSSL_PARAM_construct_octet_string(OSSL_OBJECT_PARAM_DATA, der, (size_t)dlen),
        OSSL_PARAM_END
    };
    rc = data_cb(params, data_cbarg);
    OPENSSL_free(der);
    return rc;
}

static int der_decode(void *ctx, OSSL_CORE_BIO *cin, int selection, OSSL_CALLBACK *data_cb,
                      void *data_cbarg, OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
    (void)selection, (void)pw_cb, (void)pw_cbarg;
    kcp_prov *p = ctx;
    size_t len;
    unsigned char *buf = read_all(p, cin, &len);
    kcr_ref ref;
    const char *why;
    int parsed = buf ? kcr_parse_der(buf, len, &ref, &why) : 0;
    OPENSSL_free(buf);
    if (parsed == 0)
        return 1;
    if (parsed < 0) {
        KCP_ERR(p, KCP_R_INVALID_ARGUMENT, "kcrypt key reference: %s", why);
        return 0;
    }
    kcp_rsakey *k = key_from_ref(p, &ref);
    kcr_free(&ref);
    if (!k)
        return 0;
    int objtype = OSSL_OBJECT_PKEY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &objtype),
        OSSL_PARAM_construct_utf8_string(OSSL_OBJECT_PARAM_DATA_TYPE, (char *)"RSA", 0),
        OSSL_PARAM_construct_octet_string(OSSL_OBJECT_PARAM_REFERENCE, &k, sizeof(k)),
        OSSL_PARAM_END
    };
    int rc = data_cb(params, data_cbarg);
    kcp_rsakey_free(k);   /* NULL when the key manager took it */
    return rc;
}

const OSSL_DISPATCH kcp_keyref_pem_decoder_functions[] = {
    { OSSL_FUNC_DECODER_NEWCTX, (void (*)(void))dec_newctx },
    { OSSL_FUNC_DECODER_FREECTX, (void (*)(void))dec_freectx },
    { OSSL_FUNC_DECODER_DECODE, (void (*)(void))pem_decode },
    { 0, NULL }
};

const OSSL_DISPATCH kcp_keyref_der_decoder_functions[] = {
    { OSSL_FUNC_DECODER_NEWCTX, (void (*)(void))dec_newctx },
    { OSSL_FUNC_DECODER_FREECTX, (void (*)(void))dec_freectx },
    { OSSL_FUNC_DECODER_DECODE, (void (*)(void))der_decode },
    { 0, NULL }
};
