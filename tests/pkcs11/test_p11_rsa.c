/* SPDX-License-Identifier: Apache-2.0 */
/* RSA keys held by the kernel, through the token (issue 10 item 2).
 * On a kernel with the asymmetric key type (>= 6.2; the project's 6.12):
 * private keys created from a template, unwrapped (AES-KWP of PKCS#8) and
 * generated; every signature mechanism signed by the token and verified by
 * OpenSSL's default provider and the other way round (PKCS#1 v1.5 bytes
 * equal to OpenSSL's, they are deterministic); multi-part equal to
 * one-shot; decryption of OpenSSL's PKCS#1 and OAEP ciphertexts, invalid
 * paddings refused; encryption decrypted by OpenSSL; size queries, short
 * buffers, wrong lengths and parameters; private attributes never shown;
 * CKA_ALWAYS_AUTHENTICATE; kernel keys gone at logout; token keys used by
 * a later process and not in the store in the clear. On 6.1 (no asymmetric
 * key type, decided from uname): no RSA mechanism is offered and a private
 * key is refused cleanly. */
#include "p11t.h"

#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

CK_FUNCTION_LIST *f;
kct_tally *T;
static char store[64];
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS cpriv = CKO_PRIVATE_KEY, cpub = CKO_PUBLIC_KEY;
static CK_KEY_TYPE krsa = CKK_RSA;

static int kernel_has_asymmetric(void)
{
    struct utsname u;
    int maj = 0, min = 0;
    uname(&u);
    sscanf(u.release, "%d.%d", &maj, &min);
    return maj > 6 || (maj == 6 && min >= 2);   /* the two kernels: 6.1 without, 6.12 with */
}

typedef struct {
    unsigned char *v;
    size_t n;
} bn;

static bn param(EVP_PKEY *k, const char *name)
{
    BIGNUM *b = NULL;
    bn r = { 0 };
    EVP_PKEY_get_bn_param(k, name, &b);
    r.n = (size_t)BN_num_bytes(b);
    r.v = malloc(r.n);
    BN_bn2bin(b, r.v);
    BN_free(b);
    return r;
}

/* Template of a private key with all its parts (extra: more attributes). */
static CK_RV create_priv(CK_SESSION_HANDLE s, EVP_PKEY *k, const CK_ATTRIBUTE *extra, int nextra,
                         int drop, CK_OBJECT_HANDLE *h)
{
    static const char *names[] = { OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E,
                                   OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
                                   OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
                                   OSSL_PKEY_PARAM_RSA_EXPONENT2,
                                   OSSL_PKEY_PARAM_RSA_COEFFICIENT1 };
    static const CK_ATTRIBUTE_TYPE types[] = { CKA_MODULUS, CKA_PUBLIC_EXPONENT,
                                               CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2,
                                               CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT };
    CK_ATTRIBUTE t[24];
    bn parts[8];
    int n = 0;
    t[n++] = (CK_ATTRIBUTE){ CKA_CLASS, &cpriv, sizeof cpriv };
    t[n++] = (CK_ATTRIBUTE){ CKA_KEY_TYPE, &krsa, sizeof krsa };
    for (int i = 0; i < 8; i++) {
        parts[i] = param(k, names[i]);
        if (i != drop)
            t[n++] = (CK_ATTRIBUTE){ types[i], parts[i].v, parts[i].n };
    }
    for (int i = 0; i < nextra; i++)
        t[n++] = extra[i];
    CK_RV rv = f->C_CreateObject(s, t, (CK_ULONG)n, h);
    for (int i = 0; i < 8; i++)
        free(parts[i].v);
    return rv;
}

static CK_RV create_pub(CK_SESSION_HANDLE s, EVP_PKEY *k, CK_OBJECT_HANDLE *h)
{
    bn m = param(k, OSSL_PKEY_PARAM_RSA_N), e = param(k, OSSL_PKEY_PARAM_RSA_E);
    CK_ATTRIBUTE t[] = { { CKA_CLASS, &cpub, sizeof cpub }, { CKA_KEY_TYPE, &krsa, sizeof krsa },
                         { CKA_MODULUS, m.v, m.n }, { CKA_PUBLIC_EXPONENT, e.v, e.n } };
    CK_RV rv = f->C_CreateObject(s, t, 4, h);
    free(m.v);
    free(e.v);
    return rv;
}

/* OpenSSL's view of the token's public key object. */
static EVP_PKEY *pub_of(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h)
{
    unsigned char m[600], e[16];
    CK_ATTRIBUTE a[] = { { CKA_MODULUS, m, sizeof m }, { CKA_PUBLIC_EXPONENT, e, sizeof e } };
    if (f->C_GetAttributeValue(s, h, a, 2) != CKR_OK)
        return NULL;
    BIGNUM *bn_ = BN_bin2bn(m, (int)a[0].ulValueLen, NULL), *be = BN_bin2bn(e, (int)a[1].ulValueLen, NULL);
    OSSL_PARAM p[] = { OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
                       OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0), OSSL_PARAM_END };
    unsigned char nb[600], eb[16];
    /* native-endian for OSSL_PARAM_BN */
    BN_bn2nativepad(bn_, nb, (int)a[0].ulValueLen);
    BN_bn2nativepad(be, eb, (int)a[1].ulValueLen);
    p[0].data = nb, p[0].data_size = a[0].ulValueLen;
    p[1].data = eb, p[1].data_size = a[1].ulValueLen;
    EVP_PKEY *k = NULL;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!c || EVP_PKEY_fromdata_init(c) <= 0 || EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, p) <= 0)
        k = NULL;
    EVP_PKEY_CTX_free(c);
    BN_free(bn_);
    BN_free(be);
    return k;
}

typedef struct {
    const char *name;
    CK_MECHANISM_TYPE mech;
    const char *md;      /* digest of the data (NULL: the data is signed as given) */
    int pad;
    int pss;             /* CKM_RSA_PKCS_PSS: data is a digest of md */
} sigcase;

static const sigcase sigs[] = {
    { "SHA1-RSA-PKCS", CKM_SHA1_RSA_PKCS, "SHA1", RSA_PKCS1_PADDING, 0 },
    { "SHA224-RSA-PKCS", CKM_SHA224_RSA_PKCS, "SHA224", RSA_PKCS1_PADDING, 0 },
    { "SHA256-RSA-PKCS", CKM_SHA256_RSA_PKCS, "SHA256", RSA_PKCS1_PADDING, 0 },
    { "SHA384-RSA-PKCS", CKM_SHA384_RSA_PKCS, "SHA384", RSA_PKCS1_PADDING, 0 },
    { "SHA512-RSA-PKCS", CKM_SHA512_RSA_PKCS, "SHA512", RSA_PKCS1_PADDING, 0 },
    { "SHA1-RSA-PKCS-PSS", CKM_SHA1_RSA_PKCS_PSS, "SHA1", RSA_PKCS1_PSS_PADDING, 0 },
    { "SHA224-RSA-PKCS-PSS", CKM_SHA224_RSA_PKCS_PSS, "SHA224", RSA_PKCS1_PSS_PADDING, 0 },
    { "SHA256-RSA-PKCS-PSS", CKM_SHA256_RSA_PKCS_PSS, "SHA256", RSA_PKCS1_PSS_PADDING, 0 },
    { "SHA384-RSA-PKCS-PSS", CKM_SHA384_RSA_PKCS_PSS, "SHA384", RSA_PKCS1_PSS_PADDING, 0 },
    { "SHA512-RSA-PKCS-PSS", CKM_SHA512_RSA_PKCS_PSS, "SHA512", RSA_PKCS1_PSS_PADDING, 0 },
    { "RSA-PKCS-PSS(SHA256)", CKM_RSA_PKCS_PSS, "SHA256", RSA_PKCS1_PSS_PADDING, 1 },
    { "RSA-PKCS-PSS(SHA384)", CKM_RSA_PKCS_PSS, "SHA384", RSA_PKCS1_PSS_PADDING, 1 },
    { "RSA-PKCS(raw)", CKM_RSA_PKCS, NULL, RSA_PKCS1_PADDING, 0 },
    { "RSA-X-509", CKM_RSA_X_509, NULL, RSA_NO_PADDING, 0 },
};

static CK_MECHANISM_TYPE pk_hash(const char *md)
{
    return !strcmp(md, "SHA1") ? CKM_SHA_1 : !strcmp(md, "SHA224") ? CKM_SHA224
           : !strcmp(md, "SHA256") ? CKM_SHA256 : !strcmp(md, "SHA384") ? CKM_SHA384 : CKM_SHA512;
}
static CK_RSA_PKCS_MGF_TYPE pk_mgf(const char *md)
{
    return !strcmp(md, "SHA1") ? CKG_MGF1_SHA1 : !strcmp(md, "SHA224") ? CKG_MGF1_SHA224
           : !strcmp(md, "SHA256") ? CKG_MGF1_SHA256 : !strcmp(md, "SHA384") ? CKG_MGF1_SHA384
                                                                             : CKG_MGF1_SHA512;
}

/* OpenSSL: verify (sig given) or sign (sig NULL: into out) tbs as the case says. */
static int ossl(EVP_PKEY *k, const sigcase *c, const unsigned char *tbs, size_t tl,
                unsigned char *sig, size_t *sl, int verify)
{
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new(k, NULL);
    int ok = x && (verify ? EVP_PKEY_verify_init(x) : EVP_PKEY_sign_init(x)) > 0 &&
             EVP_PKEY_CTX_set_rsa_padding(x, c->pad) > 0 &&
             (!c->md || EVP_PKEY_CTX_set_signature_md(x, EVP_get_digestbyname(c->md)) > 0);
    if (ok && c->pad == RSA_PKCS1_PSS_PADDING)
        ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(x, RSA_PSS_SALTLEN_DIGEST) > 0;
    if (ok)
        ok = verify ? EVP_PKEY_verify(x, sig, *sl, tbs, tl) == 1
                    : EVP_PKEY_sign(x, sig, sl, tbs, tl) > 0;
    EVP_PKEY_CTX_free(x);
    return ok;
}

static void sign_area(CK_SESSION_HANDLE s, EVP_PKEY *k, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub)
{
    unsigned char msg[1000], sig[512], sig2[512], d[64], tbs[512];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 7 + 3);
    size_t kb = (size_t)EVP_PKEY_get_size(k);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        const sigcase *c = &sigs[i];
        CK_RSA_PKCS_PSS_PARAMS pp = { 0 };
        CK_MECHANISM m = { c->mech, NULL, 0 };
        if (c->pad == RSA_PKCS1_PSS_PADDING) {
            unsigned hl = (unsigned)EVP_MD_get_size(EVP_get_digestbyname(c->md));
            pp = (CK_RSA_PKCS_PSS_PARAMS){ pk_hash(c->md), pk_mgf(c->md), hl };
            m.pParameter = &pp;
            m.ulParameterLen = sizeof pp;
        }
        /* the data the token gets, and the bytes OpenSSL signs */
        const unsigned char *data = msg;
        size_t dl = sizeof msg, tl;
        unsigned dlen = 0;
        if (c->md)
            EVP_Digest(msg, sizeof msg, d, &dlen, EVP_get_digestbyname(c->md), NULL);
        if (c->pss) {
            data = d;
            dl = dlen;
        } else if (!c->md) {
            dl = c->pad == RSA_NO_PADDING ? kb : 51;   /* a block below the modulus / k-11 */
            memcpy(tbs, msg, dl);
            tbs[0] = 0;
            data = tbs;
        }
        const unsigned char *otbs = c->md ? d : data;
        tl = c->md ? dlen : dl;
        CK_ULONG sl = 0;
        RV(c->name, f->C_SignInit(s, &m, priv), CKR_OK);
        RV(c->name, f->C_Sign(s, (CK_BYTE_PTR)data, dl, NULL, &sl), CKR_OK);
        CHECK(c->name, sl == kb, "size query %lu", sl);
        sl = 10;
        RV(c->name, f->C_Sign(s, (CK_BYTE_PTR)data, dl, sig, &sl), CKR_BUFFER_TOO_SMALL);
        sl = sizeof sig;
        RV(c->name, f->C_Sign(s, (CK_BYTE_PTR)data, dl, sig, &sl), CKR_OK);
        size_t osl = sl;
        CHECK(c->name, ossl(k, c, otbs, tl, sig, &osl, 1), "OpenSSL does not verify the token's signature");
        /* OpenSSL signs, the token verifies; deterministic paddings: same bytes */
        size_t ol = sizeof sig2;
        CHECK(c->name, ossl(k, c, otbs, tl, sig2, &ol, 0), "OpenSSL sign");
        if (c->pad != RSA_PKCS1_PSS_PADDING)
            CHECK(c->name, ol == sl && !memcmp(sig, sig2, sl), "bytes differ from OpenSSL's");
        RV(c->name, f->C_VerifyInit(s, &m, pub), CKR_OK);
        RV(c->name, f->C_Verify(s, (CK_BYTE_PTR)data, dl, sig2, ol), CKR_OK);
        sig2[ol / 2] ^= 1;
        RV(c->name, f->C_VerifyInit(s, &m, pub), CKR_OK);
        RV(c->name, f->C_Verify(s, (CK_BYTE_PTR)data, dl, sig2, ol), CKR_SIGNATURE_INVALID);
        RV(c->name, f->C_VerifyInit(s, &m, pub), CKR_OK);
        RV(c->name, f->C_Verify(s, (CK_BYTE_PTR)data, dl, sig, sl - 1), CKR_SIGNATURE_LEN_RANGE);
        if (c->md && !c->pss) {
            /* multi-part in odd pieces, both directions */
            RV(c->name, f->C_SignInit(s, &m, priv), CKR_OK);
            RV(c->name, f->C_SignUpdate(s, msg, 1), CKR_OK);
            RV(c->name, f->C_SignUpdate(s, msg + 1, 0), CKR_OK);
            RV(c->name, f->C_SignUpdate(s, msg + 1, 600), CKR_OK);
            RV(c->name, f->C_SignUpdate(s, msg + 601, sizeof msg - 601), CKR_OK);
            CK_ULONG ml = 0;
            RV(c->name, f->C_SignFinal(s, NULL, &ml), CKR_OK);
            CHECK(c->name, ml == kb, "final size query %lu", ml);
            RV(c->name, f->C_SignFinal(s, sig2, &ml), CKR_OK);
            osl = ml;
            CHECK(c->name, ossl(k, c, d, dlen, sig2, &osl, 1), "multi-part signature does not verify");
            if (c->pad == RSA_PKCS1_PADDING)
                CHECK(c->name, ml == sl && !memcmp(sig, sig2, sl), "multi-part != one-shot");
            RV(c->name, f->C_VerifyInit(s, &m, pub), CKR_OK);
            RV(c->name, f->C_VerifyUpdate(s, msg, 333), CKR_OK);
            RV(c->name, f->C_VerifyUpdate(s, msg + 333, sizeof msg - 333), CKR_OK);
            RV(c->name, f->C_VerifyFinal(s, sig2, ml), CKR_OK);
            /* one-shot after Update ends the operation */
            RV(c->name, f->C_SignInit(s, &m, priv), CKR_OK);
            RV(c->name, f->C_SignUpdate(s, msg, 10), CKR_OK);
            sl = sizeof sig;
            RV(c->name, f->C_Sign(s, msg, 10, sig, &sl), CKR_OPERATION_ACTIVE);
            RV(c->name, f->C_SignFinal(s, sig, &sl), CKR_OPERATION_NOT_INITIALIZED);
        }
    }
    /* wrong lengths and parameters */
    CK_MECHANISM m = { CKM_RSA_PKCS, NULL, 0 };
    CK_ULONG sl = sizeof sig;
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_OK);
    RV("sign refusals", f->C_Sign(s, msg, kb - 10, sig, &sl), CKR_DATA_LEN_RANGE);
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_OK);
    RV("sign refusals", f->C_SignUpdate(s, msg, 10), CKR_FUNCTION_FAILED);   /* single-part */
    m.mechanism = CKM_RSA_X_509;
    memset(tbs, 0xff, kb);   /* not below the modulus */
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_OK);
    RV("sign refusals", f->C_Sign(s, tbs, kb, sig, &sl), CKR_DATA_INVALID);
    m.mechanism = CKM_RSA_PKCS_PSS;
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_MECHANISM_PARAM_INVALID);
    CK_RSA_PKCS_PSS_PARAMS pp = { CKM_SHA256, CKG_MGF1_SHA256, 32 };
    m.pParameter = &pp;
    m.ulParameterLen = sizeof pp;
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_OK);
    RV("sign refusals", f->C_Sign(s, msg, 31, sig, &sl), CKR_DATA_LEN_RANGE);
    pp.sLen = kb;   /* no room for that salt */
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_MECHANISM_PARAM_INVALID);
    m.mechanism = CKM_SHA256_RSA_PKCS_PSS;
    pp = (CK_RSA_PKCS_PSS_PARAMS){ CKM_SHA_1, CKG_MGF1_SHA1, 20 };   /* hash != the mechanism's */
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_MECHANISM_PARAM_INVALID);
    m = (CK_MECHANISM){ CKM_SHA256_RSA_PKCS, NULL, 0 };
    RV("sign refusals", f->C_SignInit(s, &m, pub), CKR_KEY_TYPE_INCONSISTENT);
    RV("sign refusals", f->C_VerifyInit(s, &m, priv), CKR_KEY_TYPE_INCONSISTENT);
    RV("sign refusals", f->C_SignInit(s, &m, 99999), CKR_KEY_HANDLE_INVALID);
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_OK);
    RV("sign refusals", f->C_SignInit(s, &m, priv), CKR_OPERATION_ACTIVE);
    CK_MECHANISM hm = { CKM_SHA256_HMAC, NULL, 0 };
    RV("sign refusals", f->C_SignInit(s, &hm, priv), CKR_OPERATION_ACTIVE);
    sl = sizeof sig;
    RV("sign refusals", f->C_Sign(s, msg, 5, sig, &sl), CKR_OK);
}

static void crypt_area(CK_SESSION_HANDLE s, EVP_PKEY *k, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub)
{
    unsigned char pt[100], ct[512], out[512];
    size_t kb = (size_t)EVP_PKEY_get_size(k);
    for (size_t i = 0; i < sizeof pt; i++)
        pt[i] = (unsigned char)(0xa0 ^ i);
    static const struct {
        const char *name;
        int pad;
        const char *md;
        const char *label;
    } cs[] = {
        { "decrypt PKCS#1 v1.5", RSA_PKCS1_PADDING, NULL, NULL },
        { "decrypt OAEP SHA-1", RSA_PKCS1_OAEP_PADDING, "SHA1", NULL },
        { "decrypt OAEP SHA-256 label", RSA_PKCS1_OAEP_PADDING, "SHA256", "the label" },
        { "decrypt OAEP SHA-512", RSA_PKCS1_OAEP_PADDING, "SHA512", NULL },
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        const char *a = cs[i].name;
        EVP_PKEY_CTX *x = EVP_PKEY_CTX_new(k, NULL);
        size_t cl = sizeof ct;
        int ok = x && EVP_PKEY_encrypt_init(x) > 0 && EVP_PKEY_CTX_set_rsa_padding(x, cs[i].pad) > 0;
        if (ok && cs[i].md)
            ok = EVP_PKEY_CTX_set_rsa_oaep_md(x, EVP_get_digestbyname(cs[i].md)) > 0 &&
                 EVP_PKEY_CTX_set_rsa_mgf1_md(x, EVP_get_digestbyname(cs[i].md)) > 0;
        if (ok && cs[i].label)
            ok = EVP_PKEY_CTX_set0_rsa_oaep_label(x, OPENSSL_strdup(cs[i].label),
                                                  (int)strlen(cs[i].label)) > 0;
        ok = ok && EVP_PKEY_encrypt(x, ct, &cl, pt, sizeof pt) > 0;
        EVP_PKEY_CTX_free(x);
        CHECK(a, ok, "OpenSSL encrypt");
        CK_RSA_PKCS_OAEP_PARAMS op = { 0 };
        CK_MECHANISM m = { cs[i].pad == RSA_PKCS1_PADDING ? CKM_RSA_PKCS : CKM_RSA_PKCS_OAEP, NULL, 0 };
        if (cs[i].md) {
            op = (CK_RSA_PKCS_OAEP_PARAMS){ pk_hash(cs[i].md), pk_mgf(cs[i].md),
                                            cs[i].label ? CKZ_DATA_SPECIFIED : 0,
                                            (void *)cs[i].label,
                                            cs[i].label ? strlen(cs[i].label) : 0 };
            m.pParameter = &op;
            m.ulParameterLen = sizeof op;
        }
        CK_ULONG ol = 0;
        RV(a, f->C_DecryptInit(s, &m, priv), CKR_OK);
        RV(a, f->C_Decrypt(s, ct, cl, NULL, &ol), CKR_OK);
        CHECK(a, ol == kb, "size query %lu", ol);
        ol = sizeof pt - 1;
        RV(a, f->C_Decrypt(s, ct, cl, out, &ol), CKR_BUFFER_TOO_SMALL);
        CHECK(a, ol == sizeof pt, "exact length after a short buffer: %lu", ol);
        ol = sizeof out;
        RV(a, f->C_Decrypt(s, ct, cl, out, &ol), CKR_OK);
        CHECK(a, ol == sizeof pt && !memcmp(out, pt, sizeof pt), "plaintext differs");
        /* a flipped bit, a wrong length */
        ct[cl - 5] ^= 0x10;
        ol = sizeof out;
        RV(a, f->C_DecryptInit(s, &m, priv), CKR_OK);
        RV(a, f->C_Decrypt(s, ct, cl, out, &ol), CKR_ENCRYPTED_DATA_INVALID);
        RV(a, f->C_DecryptInit(s, &m, priv), CKR_OK);
        RV(a, f->C_Decrypt(s, ct, cl - 1, out, &ol), CKR_ENCRYPTED_DATA_LEN_RANGE);
        /* the token encrypts, OpenSSL decrypts */
        CK_ULONG el = 0;
        RV(a, f->C_EncryptInit(s, &m, pub), CKR_OK);
        RV(a, f->C_Encrypt(s, pt, sizeof pt, NULL, &el), CKR_OK);
        CHECK(a, el == kb, "encrypt size query %lu", el);
        el = sizeof ct;
        RV(a, f->C_Encrypt(s, pt, sizeof pt, ct, &el), CKR_OK);
        x = EVP_PKEY_CTX_new(k, NULL);
        size_t dl = sizeof out;
        ok = x && EVP_PKEY_decrypt_init(x) > 0 && EVP_PKEY_CTX_set_rsa_padding(x, cs[i].pad) > 0;
        if (ok && cs[i].md)
            ok = EVP_PKEY_CTX_set_rsa_oaep_md(x, EVP_get_digestbyname(cs[i].md)) > 0 &&
                 EVP_PKEY_CTX_set_rsa_mgf1_md(x, EVP_get_digestbyname(cs[i].md)) > 0;
        if (ok && cs[i].label)
            ok = EVP_PKEY_CTX_set0_rsa_oaep_label(x, OPENSSL_strdup(cs[i].label),
                                                  (int)strlen(cs[i].label)) > 0;
        ok = ok && EVP_PKEY_decrypt(x, out, &dl, ct, el) > 0;
        EVP_PKEY_CTX_free(x);
        CHECK(a, ok && dl == sizeof pt && !memcmp(out, pt, dl), "OpenSSL cannot decrypt the token's ciphertext");
        RV(a, f->C_EncryptInit(s, &m, pub), CKR_OK);
        el = sizeof ct;
        RV(a, f->C_Encrypt(s, pt, kb, ct, &el), CKR_DATA_LEN_RANGE);
    }
    /* a block below n whose padding is wrong: raw-encrypt junk and decrypt as PKCS#1 and OAEP */
    unsigned char junk[512];
    memset(junk, 0x5a, kb);
    junk[0] = 0;
    EVP_PKEY_CTX *x = EVP_PKEY_CTX_new(k, NULL);
    size_t cl = sizeof ct;
    int ok = x && EVP_PKEY_encrypt_init(x) > 0 && EVP_PKEY_CTX_set_rsa_padding(x, RSA_NO_PADDING) > 0 &&
             EVP_PKEY_encrypt(x, ct, &cl, junk, kb) > 0;
    EVP_PKEY_CTX_free(x);
    CHECK("invalid paddings", ok, "OpenSSL raw encrypt");
    CK_MECHANISM m = { CKM_RSA_PKCS, NULL, 0 };
    CK_ULONG ol = sizeof out;
    RV("invalid paddings", f->C_DecryptInit(s, &m, priv), CKR_OK);
    RV("invalid paddings", f->C_Decrypt(s, ct, cl, out, &ol), CKR_ENCRYPTED_DATA_INVALID);
    CK_RSA_PKCS_OAEP_PARAMS op = { CKM_SHA_1, CKG_MGF1_SHA1, 0, NULL, 0 };
    CK_MECHANISM mo = { CKM_RSA_PKCS_OAEP, &op, sizeof op };
    RV("invalid paddings", f->C_DecryptInit(s, &mo, priv), CKR_OK);
    RV("invalid paddings", f->C_Decrypt(s, ct, cl, out, &ol), CKR_ENCRYPTED_DATA_INVALID);
    /* X.509 (raw): the block itself, both ways */
    m.mechanism = CKM_RSA_X_509;
    ol = sizeof out;
    RV("RSA-X-509 decrypt", f->C_DecryptInit(s, &m, priv), CKR_OK);
    RV("RSA-X-509 decrypt", f->C_Decrypt(s, ct, cl, out, &ol), CKR_OK);
    CHECK("RSA-X-509 decrypt", ol == kb && !memcmp(out, junk, kb), "raw block differs");
    CK_ULONG el = sizeof out;
    RV("RSA-X-509 encrypt", f->C_EncryptInit(s, &m, pub), CKR_OK);
    RV("RSA-X-509 encrypt", f->C_Encrypt(s, junk, kb, out, &el), CKR_OK);
    CHECK("RSA-X-509 encrypt", el == cl && !memcmp(out, ct, cl), "differs from OpenSSL's");
    /* wrong label, bad parameters, multi-part */
    op = (CK_RSA_PKCS_OAEP_PARAMS){ CKM_SHA256, CKG_MGF1_SHA256, 7, NULL, 0 };
    RV("OAEP params", f->C_DecryptInit(s, &mo, priv), CKR_MECHANISM_PARAM_INVALID);
    mo.ulParameterLen = 3;
    RV("OAEP params", f->C_DecryptInit(s, &mo, priv), CKR_MECHANISM_PARAM_INVALID);
    m.mechanism = CKM_RSA_PKCS;
    RV("single-part", f->C_DecryptInit(s, &m, priv), CKR_OK);
    ol = sizeof out;
    RV("single-part", f->C_DecryptUpdate(s, ct, cl, out, &ol), CKR_FUNCTION_FAILED);
    RV("single-part", f->C_Decrypt(s, ct, cl, out, &ol), CKR_OPERATION_NOT_INITIALIZED);
    m.mechanism = CKM_SHA256_RSA_PKCS;
    RV("single-part", f->C_EncryptInit(s, &m, pub), CKR_MECHANISM_INVALID);
}

static void attr_area(CK_SESSION_HANDLE s, EVP_PKEY *k, CK_OBJECT_HANDLE priv)
{
    const char *a = "attributes";
    unsigned char buf[600];
    bn n = param(k, OSSL_PKEY_PARAM_RSA_N);
    CK_ATTRIBUTE t[] = { { CKA_MODULUS, buf, sizeof buf } };
    RV(a, f->C_GetAttributeValue(s, priv, t, 1), CKR_OK);
    CHECK(a, t[0].ulValueLen == n.n && !memcmp(buf, n.v, n.n), "modulus");
    static const CK_ATTRIBUTE_TYPE secret[] = { CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2,
                                                CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT };
    for (size_t i = 0; i < 6; i++) {
        CK_ATTRIBUTE q = { secret[i], buf, sizeof buf };
        RV(a, f->C_GetAttributeValue(s, priv, &q, 1), CKR_ATTRIBUTE_SENSITIVE);
        CHECK(a, q.ulValueLen == CK_UNAVAILABLE_INFORMATION, "length of a sensitive attribute");
    }
    CK_BBOOL b;
    CK_ATTRIBUTE q[] = { { CKA_SENSITIVE, &b, 1 } };
    RV(a, f->C_GetAttributeValue(s, priv, q, 1), CKR_OK);
    CHECK(a, b == CK_TRUE, "sensitive");
    CK_ATTRIBUTE set[] = { { CKA_MODULUS, n.v, n.n } };
    RV(a, f->C_SetAttributeValue(s, priv, set, 1), CKR_ATTRIBUTE_READ_ONLY);
    CK_ATTRIBUTE ext[] = { { CKA_EXTRACTABLE, &yes, 1 } };
    RV(a, f->C_SetAttributeValue(s, priv, ext, 1), CKR_ATTRIBUTE_READ_ONLY);
    CK_ATTRIBUTE lab[] = { { CKA_LABEL, "renamed", 7 } };
    RV(a, f->C_SetAttributeValue(s, priv, lab, 1), CKR_OK);
    CK_OBJECT_HANDLE c;
    RV(a, f->C_CopyObject(s, priv, NULL, 0, &c), CKR_ACTION_PROHIBITED);
    free(n.v);
    /* refusals at creation */
    CK_OBJECT_HANDLE h;
    RV("create refusals", create_priv(s, k, NULL, 0, 3, &h), CKR_TEMPLATE_INCOMPLETE);
    RV("create refusals", create_priv(s, k, ext, 1, -1, &h), CKR_ATTRIBUTE_VALUE_INVALID);
    CK_ATTRIBUTE ns[] = { { CKA_SENSITIVE, &no, 1 } };
    RV("create refusals", create_priv(s, k, ns, 1, -1, &h), CKR_ATTRIBUTE_VALUE_INVALID);
    CK_ATTRIBUTE bad[] = { { CKA_VALUE, "x", 1 } };
    RV("create refusals", create_priv(s, k, bad, 1, -1, &h), CKR_ATTRIBUTE_TYPE_INVALID);
    EVP_PKEY *other = EVP_RSA_gen(2048), *small = EVP_RSA_gen(512);
    /* d of another key: the parts do not hold together */
    bn d2 = param(other, OSSL_PKEY_PARAM_RSA_D);
    CK_ATTRIBUTE dd[] = { { CKA_PRIVATE_EXPONENT, d2.v, d2.n } };
    RV("create refusals", create_priv(s, k, dd, 1, 2, &h), CKR_ATTRIBUTE_VALUE_INVALID);
    free(d2.v);
    RV("create refusals", create_priv(s, small, NULL, 0, -1, &h), CKR_ATTRIBUTE_VALUE_INVALID);
    EVP_PKEY_free(other);
    EVP_PKEY_free(small);
}

static void gen_area(CK_SESSION_HANDLE s)
{
    const char *a = "C_GenerateKeyPair";
    CK_ULONG bits = 2048;
    CK_BYTE e3[] = { 3 };
    CK_ATTRIBUTE pt[] = { { CKA_MODULUS_BITS, &bits, sizeof bits }, { CKA_PUBLIC_EXPONENT, e3, 1 } };
    CK_ATTRIBUTE vt[] = { { CKA_LABEL, "gen", 3 } };
    CK_MECHANISM m = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
    CK_OBJECT_HANDLE pub = 0, priv = 0;
    RV(a, f->C_GenerateKeyPair(s, &m, pt, 2, vt, 1, &pub, &priv), CKR_OK);
    EVP_PKEY *k = pub_of(s, pub);
    CHECK(a, k && EVP_PKEY_get_bits(k) == 2048, "2048-bit public key");
    CK_BYTE e[8];
    CK_BBOOL local = 0, ns = 0;
    CK_ATTRIBUTE q[] = { { CKA_PUBLIC_EXPONENT, e, sizeof e }, { CKA_LOCAL, &local, 1 },
                         { CKA_NEVER_EXTRACTABLE, &ns, 1 } };
    RV(a, f->C_GetAttributeValue(s, priv, q, 3), CKR_OK);
    CHECK(a, q[0].ulValueLen == 1 && e[0] == 3 && local && ns, "e=3, local, never extractable");
    unsigned char msg[] = "generated", sig[512];
    CK_MECHANISM sm = { CKM_SHA256_RSA_PKCS, NULL, 0 };
    CK_ULONG sl = sizeof sig;
    RV(a, f->C_SignInit(s, &sm, priv), CKR_OK);
    RV(a, f->C_Sign(s, msg, sizeof msg, sig, &sl), CKR_OK);
    if (k) {
        EVP_MD_CTX *mc = EVP_MD_CTX_new();
        CHECK(a, EVP_DigestVerifyInit(mc, NULL, EVP_sha256(), NULL, k) > 0 &&
                     EVP_DigestVerify(mc, sig, sl, msg, sizeof msg) == 1,
              "OpenSSL does not verify a generated key's signature");
        EVP_MD_CTX_free(mc);
    }
    EVP_PKEY_free(k);
    bits = 2000;
    RV(a, f->C_GenerateKeyPair(s, &m, pt, 2, vt, 1, &pub, &priv), CKR_KEY_SIZE_RANGE);
    bits = 2048;
    CK_BYTE e4[] = { 4 };
    CK_ATTRIBUTE pt2[] = { { CKA_MODULUS_BITS, &bits, sizeof bits }, { CKA_PUBLIC_EXPONENT, e4, 1 } };
    RV(a, f->C_GenerateKeyPair(s, &m, pt2, 2, vt, 1, &pub, &priv), CKR_ATTRIBUTE_VALUE_INVALID);
    RV(a, f->C_GenerateKeyPair(s, &m, pt2, 0, vt, 1, &pub, &priv), CKR_TEMPLATE_INCOMPLETE);
}

static void unwrap_area(CK_SESSION_HANDLE s, EVP_PKEY *k)
{
    const char *a = "C_UnwrapKey PKCS#8";
    unsigned char kek[32], *der = NULL, wrapped[4096];
    size_t dl = 0;
    for (int i = 0; i < 32; i++)
        kek[i] = (unsigned char)(i * 9);
    CK_OBJECT_CLASS sk = CKO_SECRET_KEY;
    CK_KEY_TYPE aes = CKK_AES;
    CK_ATTRIBUTE kt[] = { { CKA_CLASS, &sk, sizeof sk }, { CKA_KEY_TYPE, &aes, sizeof aes },
                          { CKA_VALUE, kek, 32 }, { CKA_UNWRAP, &yes, 1 }, { CKA_ENCRYPT, &no, 1 } };
    CK_OBJECT_HANDLE hk, h = 0;
    RV(a, f->C_CreateObject(s, kt, 5, &hk), CKR_OK);
    OSSL_ENCODER_CTX *e = OSSL_ENCODER_CTX_new_for_pkey(k, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo", NULL);
    CHECK(a, e && OSSL_ENCODER_to_data(e, &der, &dl), "PKCS#8");
    OSSL_ENCODER_CTX_free(e);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int wl = 0, wl2 = 0;
    EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    CHECK(a, EVP_EncryptInit_ex(c, EVP_aes_256_wrap_pad(), NULL, kek, NULL) &&
                 EVP_EncryptUpdate(c, wrapped, &wl, der, (int)dl) &&
                 EVP_EncryptFinal_ex(c, wrapped + wl, &wl2), "OpenSSL KWP");
    EVP_CIPHER_CTX_free(c);
    wl += wl2;
    CK_MECHANISM m = { CKM_AES_KEY_WRAP_KWP, NULL, 0 };
    CK_ATTRIBUTE t[] = { { CKA_CLASS, &cpriv, sizeof cpriv }, { CKA_KEY_TYPE, &krsa, sizeof krsa } };
    RV(a, f->C_UnwrapKey(s, &m, hk, wrapped, (CK_ULONG)wl, t, 2, &h), CKR_OK);
    unsigned char msg[] = "unwrapped", sig[512];
    CK_MECHANISM sm = { CKM_SHA384_RSA_PKCS, NULL, 0 };
    CK_ULONG sl = sizeof sig;
    RV(a, f->C_SignInit(s, &sm, h), CKR_OK);
    RV(a, f->C_Sign(s, msg, sizeof msg, sig, &sl), CKR_OK);
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    CHECK(a, EVP_DigestVerifyInit(mc, NULL, EVP_sha384(), NULL, k) > 0 &&
                 EVP_DigestVerify(mc, sig, sl, msg, sizeof msg) == 1, "signature of the unwrapped key");
    EVP_MD_CTX_free(mc);
    wrapped[20] ^= 1;
    RV(a, f->C_UnwrapKey(s, &m, hk, wrapped, (CK_ULONG)wl, t, 2, &h), CKR_WRAPPED_KEY_INVALID);
    OPENSSL_clear_free(der, dl);
}

/* CKA_ALWAYS_AUTHENTICATE: the PIN again before each signature. */
static void auth_area(CK_SESSION_HANDLE s, EVP_PKEY *k)
{
    const char *a = "CKA_ALWAYS_AUTHENTICATE";
    CK_ATTRIBUTE x[] = { { CKA_ALWAYS_AUTHENTICATE, &yes, 1 } };
    CK_OBJECT_HANDLE h;
    RV(a, create_priv(s, k, x, 1, -1, &h), CKR_OK);
    CK_MECHANISM m = { CKM_SHA256_RSA_PKCS, NULL, 0 };
    unsigned char sig[512];
    CK_ULONG sl = sizeof sig;
    RV(a, f->C_Login(s, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR *)P11T_USER_PIN, 4), CKR_OPERATION_NOT_INITIALIZED);
    RV(a, f->C_SignInit(s, &m, h), CKR_OK);
    RV(a, f->C_Sign(s, (CK_BYTE *)"x", 1, sig, &sl), CKR_USER_NOT_LOGGED_IN);
    RV(a, f->C_SignUpdate(s, (CK_BYTE *)"x", 1), CKR_USER_NOT_LOGGED_IN);
    RV(a, f->C_Login(s, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR *)"9999", 4), CKR_PIN_INCORRECT);
    RV(a, f->C_Sign(s, (CK_BYTE *)"x", 1, sig, &sl), CKR_USER_NOT_LOGGED_IN);
    RV(a, f->C_Login(s, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR *)P11T_USER_PIN, 4), CKR_OK);
    RV(a, f->C_Sign(s, (CK_BYTE *)"x", 1, sig, &sl), CKR_OK);
    RV(a, f->C_SignInit(s, &m, h), CKR_OK);
    RV(a, f->C_Sign(s, (CK_BYTE *)"x", 1, sig, &sl), CKR_USER_NOT_LOGGED_IN);
    CK_ATTRIBUTE off[] = { { CKA_ALWAYS_AUTHENTICATE, &no, 1 } };
    RV(a, f->C_SetAttributeValue(s, h, off, 1), CKR_ATTRIBUTE_READ_ONLY);
    RV(a, f->C_Login(s, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR *)P11T_USER_PIN, 4), CKR_OK);
    RV(a, f->C_Sign(s, (CK_BYTE *)"x", 1, sig, &sl), CKR_OK);
    RV(a, f->C_DestroyObject(s, h), CKR_OK);
}

static int kernel_keys_now(void)
{
    FILE *p = fopen("/proc/keys", "r");
    char line[512];
    int n = 0;
    while (p && fgets(line, sizeof line, p))
        n += strstr(line, "kcrypt-p11:") != NULL;
    if (p)
        fclose(p);
    return n;
}

static int file_has(const char *dir, const unsigned char *needle, size_t n)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cat %s/objects/* 2>/dev/null", dir);
    FILE *p = popen(cmd, "r");
    static unsigned char all[1 << 20];
    size_t len = p ? fread(all, 1, sizeof all, p) : 0;
    if (p)
        pclose(p);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(all + i, needle, n))
            return 1;
    return 0;
}

/* A token key made by one process, used by another; at rest only sealed. */
static void token_area(EVP_PKEY *k)
{
    const char *a = "token key across processes";
    pid_t pid = fork();
    if (pid == 0) {
        CK_SESSION_HANDLE s;
        f->C_Initialize(NULL);
        s = p11t_open_rw();
        CK_ATTRIBUTE x[] = { { CKA_TOKEN, &yes, 1 }, { CKA_LABEL, "tok", 3 } };
        CK_OBJECT_HANDLE h;
        int ok = p11t_login_user(s) == CKR_OK && create_priv(s, k, x, 2, -1, &h) == CKR_OK;
        f->C_Finalize(NULL);
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(a, WIFEXITED(st) && WEXITSTATUS(st) == 0, "child import");
    bn d = param(k, OSSL_PKEY_PARAM_RSA_D), p = param(k, OSSL_PKEY_PARAM_RSA_FACTOR1);
    CHECK(a, !file_has(store, d.v + 8, 32) && !file_has(store, p.v + 8, 32), "d or p in the store");
    free(d.v);
    free(p.v);
    CK_SESSION_HANDLE s = p11t_open_rw();
    CK_ATTRIBUTE ft[] = { { CKA_LABEL, "tok", 3 } };
    CK_OBJECT_HANDLE h = 0;
    CK_ULONG nf = 0;
    int before = kernel_keys_now();
    RV(a, p11t_login_user(s), CKR_OK);
    CHECK(a, kernel_keys_now() > before, "login loads the token key into the kernel (%d -> %d)",
          before, kernel_keys_now());
    RV(a, f->C_FindObjectsInit(s, ft, 1), CKR_OK);
    RV(a, f->C_FindObjects(s, &h, 1, &nf), CKR_OK);
    RV(a, f->C_FindObjectsFinal(s), CKR_OK);
    CHECK(a, nf == 1, "found %lu", nf);
    unsigned char msg[] = "token", sig[512];
    CK_MECHANISM m = { CKM_SHA256_RSA_PKCS, NULL, 0 };
    CK_ULONG sl = sizeof sig;
    RV(a, f->C_SignInit(s, &m, h), CKR_OK);
    RV(a, f->C_Sign(s, msg, sizeof msg, sig, &sl), CKR_OK);
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    CHECK(a, EVP_DigestVerifyInit(mc, NULL, EVP_sha256(), NULL, k) > 0 &&
                 EVP_DigestVerify(mc, sig, sl, msg, sizeof msg) == 1, "signature");
    EVP_MD_CTX_free(mc);
    CK_ATTRIBUTE lab[] = { { CKA_LABEL, "tok", 3 } };   /* rewrites the file from the vault copy */
    RV(a, f->C_SetAttributeValue(s, h, lab, 1), CKR_OK);
    RV(a, f->C_Logout(s), CKR_OK);
    CHECK(a, kernel_keys_now() == 0, "logout removes the kernel keys (%d left)", kernel_keys_now());
    RV(a, f->C_SignInit(s, &m, h), CKR_KEY_HANDLE_INVALID);
    RV(a, p11t_login_user(s), CKR_OK);
    sl = sizeof sig;
    RV(a, f->C_SignInit(s, &m, h), CKR_OK);
    RV(a, f->C_Sign(s, msg, sizeof msg, sig, &sl), CKR_OK);
    RV(a, f->C_DestroyObject(s, h), CKR_OK);
    RV(a, f->C_CloseSession(s), CKR_OK);
}

static void mech_area(int have)
{
    const char *a = have ? "mechanisms (asymmetric key type)" : "mechanisms (no asymmetric key type)";
    static const CK_MECHANISM_TYPE ms[] = {
        CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_RSA_PKCS, CKM_RSA_X_509, CKM_RSA_PKCS_OAEP, CKM_RSA_PKCS_PSS,
        CKM_SHA1_RSA_PKCS, CKM_SHA224_RSA_PKCS, CKM_SHA256_RSA_PKCS, CKM_SHA384_RSA_PKCS,
        CKM_SHA512_RSA_PKCS, CKM_SHA1_RSA_PKCS_PSS, CKM_SHA224_RSA_PKCS_PSS,
        CKM_SHA256_RSA_PKCS_PSS, CKM_SHA384_RSA_PKCS_PSS, CKM_SHA512_RSA_PKCS_PSS,
    };
    CK_MECHANISM_TYPE list[128];
    CK_ULONG n = 128;
    RV(a, f->C_GetMechanismList(1, list, &n), CKR_OK);
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        int listed = 0;
        for (CK_ULONG j = 0; j < n; j++)
            listed |= list[j] == ms[i];
        CHECK(a, listed == have, "mechanism 0x%lx listed=%d", ms[i], listed);
        CK_MECHANISM_INFO info;
        CK_RV rv = f->C_GetMechanismInfo(1, ms[i], &info);
        if (!have) {
            CHECK(a, rv == CKR_MECHANISM_INVALID, "0x%lx: 0x%lx", ms[i], rv);
            continue;
        }
        CK_FLAGS want = ms[i] == CKM_RSA_PKCS_KEY_PAIR_GEN ? CKF_GENERATE_KEY_PAIR
                        : ms[i] == CKM_RSA_PKCS || ms[i] == CKM_RSA_X_509
                            ? CKF_SIGN | CKF_VERIFY | CKF_ENCRYPT | CKF_DECRYPT
                        : ms[i] == CKM_RSA_PKCS_OAEP ? CKF_ENCRYPT | CKF_DECRYPT
                                                     : CKF_SIGN | CKF_VERIFY;
        CHECK(a, rv == CKR_OK && info.ulMinKeySize == 1024 && info.ulMaxKeySize == 4096 &&
                     info.flags == want, "0x%lx: rv 0x%lx min %lu max %lu flags 0x%lx", ms[i], rv,
              info.ulMinKeySize, info.ulMaxKeySize, info.flags);
    }
}

/* --hold: a token user for the memory search (rsa_tools.sh): log in, sign
 * with the token key labelled LABEL (made by an earlier process), write the
 * signature to SIGFILE, say "signed", and stay until stdin closes. LABEL
 * pem:FILE is the search's control: the same with the key file loaded by
 * OpenSSL. */
static int hold(const char *label, const char *data, const char *sigfile)
{
    CK_SESSION_HANDLE s;
    CK_OBJECT_HANDLE h = 0;
    CK_ULONG nf = 0, sl;
    CK_ATTRIBUTE ft[] = { { CKA_LABEL, (void *)label, strlen(label) },
                          { CKA_CLASS, &cpriv, sizeof cpriv } };
    CK_RSA_PKCS_PSS_PARAMS pp = { CKM_SHA256, CKG_MGF1_SHA256, 32 };
    CK_MECHANISM pss = { CKM_SHA256_RSA_PKCS_PSS, &pp, sizeof pp };
    unsigned char sig[512];
    if (!strncmp(label, "pem:", 4)) {   /* the control: a process that has the key */
        FILE *kf = fopen(label + 4, "r");
        EVP_PKEY *k = kf ? PEM_read_PrivateKey(kf, NULL, NULL, NULL) : NULL;
        EVP_MD_CTX *mc = EVP_MD_CTX_new();
        size_t osl = sizeof sig;
        if (kf)
            fclose(kf);
        if (!k || EVP_DigestSignInit(mc, NULL, EVP_sha256(), NULL, k) <= 0 ||
            EVP_DigestSign(mc, sig, &osl, (const unsigned char *)data, strlen(data)) <= 0)
            return fprintf(stderr, "hold: no key in %s\n", label + 4), 1;
        printf("signed\n");
        fflush(stdout);
        while (getchar() != EOF) {
        }
        EVP_MD_CTX_free(mc);
        EVP_PKEY_free(k);
        return 0;
    }
    if (f->C_Initialize(NULL) != CKR_OK || !(s = p11t_open_rw()) || p11t_login_user(s) != CKR_OK ||
        f->C_FindObjectsInit(s, ft, 2) != CKR_OK || f->C_FindObjects(s, &h, 1, &nf) != CKR_OK ||
        f->C_FindObjectsFinal(s) != CKR_OK || nf != 1)
        return fprintf(stderr, "hold: no key %s\n", label), 1;
    for (int i = 0; i < 3; i++) {
        sl = sizeof sig;
        if (f->C_SignInit(s, &pss, h) != CKR_OK ||
            f->C_Sign(s, (CK_BYTE *)data, strlen(data), sig, &sl) != CKR_OK)
            return fprintf(stderr, "hold: sign failed\n"), 1;
    }
    FILE *o = fopen(sigfile, "wb");
    if (!o || fwrite(sig, 1, sl, o) != sl || fclose(o))
        return 1;
    printf("signed\n");
    fflush(stdout);
    while (getchar() != EOF) {
    }
    f->C_Finalize(NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[2], "--hold")) {
        setvbuf(stdout, NULL, _IOLBF, 0);
        return p11t_load(argv[1]) ? hold(argv[3], argv[4], argv[5]) : 2;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s kcrypt-pkcs11.so [--hold LABEL DATA SIGFILE]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    T = kct_tally_new();
    if (p11t_store(store, sizeof store) || !p11t_load(argv[1]))
        return 2;
    int have = kernel_has_asymmetric();
    printf("kernel: %s the asymmetric key type expected\n", have ? "with" : "without");
    CK_SESSION_HANDLE s = p11t_init_token("setup", "rsa");
    RV("setup", p11t_login_user(s), CKR_OK);
    mech_area(have);
    EVP_PKEY *k = EVP_RSA_gen(2048);
    CK_OBJECT_HANDLE priv = 0, pub = 0;
    if (!have) {
        const char *a = "refusal without the asymmetric key type";
        RV(a, create_priv(s, k, NULL, 0, -1, &priv), CKR_ATTRIBUTE_VALUE_INVALID);
        CK_ULONG bits = 2048;
        CK_ATTRIBUTE pt[] = { { CKA_MODULUS_BITS, &bits, sizeof bits } };
        CK_MECHANISM m = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
        RV(a, f->C_GenerateKeyPair(s, &m, pt, 1, NULL, 0, &pub, &priv), CKR_MECHANISM_INVALID);
        RV(a, create_pub(s, k, &pub), CKR_OK);
        m.mechanism = CKM_RSA_PKCS;
        RV(a, f->C_EncryptInit(s, &m, pub), CKR_MECHANISM_INVALID);
    } else {
        RV("create", create_priv(s, k, NULL, 0, -1, &priv), CKR_OK);
        RV("create", create_pub(s, k, &pub), CKR_OK);
        sign_area(s, k, priv, pub);
        crypt_area(s, k, priv, pub);
        attr_area(s, k, priv);
        gen_area(s);
        unwrap_area(s, k);
        auth_area(s, k);
        EVP_PKEY *k3 = EVP_RSA_gen(3072);
        CK_OBJECT_HANDLE p3, u3;
        RV("3072-bit", create_priv(s, k3, NULL, 0, -1, &p3), CKR_OK);
        RV("3072-bit", create_pub(s, k3, &u3), CKR_OK);
        sign_area(s, k3, p3, u3);
        EVP_PKEY_free(k3);
        RV("close", f->C_CloseSession(s), CKR_OK);
        CHECK("session keys", kernel_keys_now() == 0, "kernel keys left after the session closed: %d",
              kernel_keys_now());
        token_area(k);
    }
    RV("finalize", f->C_Finalize(NULL), CKR_OK);
    EVP_PKEY_free(k);
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", store);
    if (system(cmd)) {
    }
    return rc;
}
