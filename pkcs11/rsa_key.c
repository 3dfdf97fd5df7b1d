/* SPDX-License-Identifier: Apache-2.0 */
/* RSA key objects. A private key's private half lives only in the kernel's
 * "asymmetric" key type (kc_pkey_load: PKCS#8 DER, parsed by the kernel),
 * in this process's keyring, so it goes with the process. The object keeps
 * the key's serial and its public half (CKA_MODULUS, CKA_PUBLIC_EXPONENT).
 * A token object also keeps its PKCS#8 sealed under the vault (vault.c),
 * as secret keys keep their values, so its file can be written again
 * (C_SetAttributeValue); a session object keeps nothing but the serial.
 * The clear PKCS#8 exists in this process only while a key is created,
 * generated or unwrapped, and while a token key's file is written or read
 * (then loaded into the kernel), each time in a buffer wiped right after. */
#include "audit.h"
#include "rsa.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kc/pkey.h"

#include <keyutils.h>

static OSSL_LIB_CTX *libctx;
static pthread_once_t libctx_once = PTHREAD_ONCE_INIT;

static void make_libctx(void)
{
    libctx = OSSL_LIB_CTX_new();
    if (libctx && !OSSL_PROVIDER_load(libctx, "default")) {
        OSSL_LIB_CTX_free(libctx);
        libctx = NULL;
    }
}

OSSL_LIB_CTX *p11_rsa_libctx(void)
{
    pthread_once(&libctx_once, make_libctx);
    return libctx;
}

int p11_rsa_bits_ok(unsigned bits)
{
    return bits == 1024 || bits == 1536 || bits == 2048 || bits == 3072 || bits == 4096;
}

/* ---- attributes ---- */

#define IN(t, arr) in_list(t, arr, sizeof arr / sizeof arr[0])
static int in_list(CK_ATTRIBUTE_TYPE t, const CK_ATTRIBUTE_TYPE *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] == t)
            return 1;
    return 0;
}

static const CK_ATTRIBUTE_TYPE key_common[] = {
    CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE,
    CKA_LABEL, CKA_KEY_TYPE, CKA_ID, CKA_START_DATE, CKA_END_DATE, CKA_DERIVE, CKA_LOCAL,
    CKA_KEY_GEN_MECHANISM, CKA_SUBJECT, CKA_MODULUS, CKA_PUBLIC_EXPONENT,
};
static const CK_ATTRIBUTE_TYPE priv_only[] = {
    CKA_SENSITIVE, CKA_DECRYPT, CKA_SIGN, CKA_SIGN_RECOVER, CKA_UNWRAP, CKA_EXTRACTABLE,
    CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_WRAP_WITH_TRUSTED, CKA_ALWAYS_AUTHENTICATE,
};
/* accepted in a C_CreateObject template, never kept or shown */
static const CK_ATTRIBUTE_TYPE priv_secret[] = {
    CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1, CKA_EXPONENT_2,
    CKA_COEFFICIENT,
};
static const CK_ATTRIBUTE_TYPE pub_only[] = {
    CKA_ENCRYPT, CKA_VERIFY, CKA_VERIFY_RECOVER, CKA_WRAP, CKA_TRUSTED, CKA_MODULUS_BITS,
};
static const CK_ATTRIBUTE_TYPE token_set[] = {
    CKA_LOCAL, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_KEY_GEN_MECHANISM,
};

int p11_rsa_attr_valid(CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE t)
{
    if (IN(t, key_common))
        return 1;
    if (cls == CKO_PRIVATE_KEY)
        return IN(t, priv_only) || IN(t, priv_secret);
    return cls == CKO_PUBLIC_KEY && IN(t, pub_only);
}

int p11_rsa_attr_secret(CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE t)
{
    return cls == CKO_PRIVATE_KEY && IN(t, priv_secret);
}

/* C_SetAttributeValue / C_CopyObject, beyond attr.c's rules for keys. */
CK_RV p11_rsa_attr_change(const p11_object *o, CK_ATTRIBUTE_TYPE t, int b, int cur)
{
    if (o->cls != CKO_PRIVATE_KEY && o->cls != CKO_PUBLIC_KEY)
        return CKR_OK;
    switch (t) {
    case CKA_MODULUS: case CKA_PUBLIC_EXPONENT: case CKA_MODULUS_BITS:
    case CKA_PRIVATE_EXPONENT: case CKA_PRIME_1: case CKA_PRIME_2: case CKA_EXPONENT_1:
    case CKA_EXPONENT_2: case CKA_COEFFICIENT:
        return CKR_ATTRIBUTE_READ_ONLY;
    case CKA_SIGN_RECOVER: case CKA_VERIFY_RECOVER:   /* no recover mechanisms here */
        return b ? CKR_ATTRIBUTE_READ_ONLY : CKR_OK;
    case CKA_ALWAYS_AUTHENTICATE:   /* may only become TRUE */
        return cur && !b ? CKR_ATTRIBUTE_READ_ONLY : CKR_OK;
    case CKA_SENSITIVE:             /* a private key is always sensitive */
        return o->cls == CKO_PRIVATE_KEY && !b ? CKR_ATTRIBUTE_READ_ONLY : CKR_OK;
    default:
        return CKR_OK;
    }
}

static int tmpl_true(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type)
{
    const CK_ATTRIBUTE *a = p11_tmpl_find(t, n, type);
    return a && *(const CK_BBOOL *)a->pValue != CK_FALSE;
}

static int tmpl_false(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type)
{
    const CK_ATTRIBUTE *a = p11_tmpl_find(t, n, type);
    return a && *(const CK_BBOOL *)a->pValue == CK_FALSE;
}

/* What a template for cls may say, made `how`. */
static CK_RV template_ok(CK_OBJECT_CLASS cls, p11_make how, const CK_ATTRIBUTE *t, CK_ULONG n)
{
    CK_RV rv = p11_tmpl_check(t, n);
    if (rv != CKR_OK)
        return rv;
    for (CK_ULONG i = 0; i < n; i++) {
        if (!p11_rsa_attr_valid(cls, t[i].type))
            return CKR_ATTRIBUTE_TYPE_INVALID;
        if (IN(t[i].type, token_set))
            return CKR_ATTRIBUTE_READ_ONLY;
        if (how != P11_MAKE_CREATE && IN(t[i].type, priv_secret))
            return CKR_TEMPLATE_INCONSISTENT;
        if (how == P11_MAKE_GENERATE && t[i].type == CKA_MODULUS)
            return CKR_TEMPLATE_INCONSISTENT;
        if (t[i].type == CKA_KEY_TYPE && *(const CK_ULONG *)t[i].pValue != CKK_RSA)
            return CKR_TEMPLATE_INCONSISTENT;
        if (t[i].type == CKA_CLASS && *(const CK_ULONG *)t[i].pValue != cls)
            return CKR_TEMPLATE_INCONSISTENT;
    }
    if (tmpl_true(t, n, CKA_TRUSTED) && !(p11_g.logged_in && p11_g.user == CKU_SO))
        return CKR_ATTRIBUTE_READ_ONLY;
    if (tmpl_true(t, n, CKA_SIGN_RECOVER) || tmpl_true(t, n, CKA_VERIFY_RECOVER))
        return CKR_ATTRIBUTE_VALUE_INVALID;   /* no recover mechanisms */
    /* The private half never leaves the kernel: it cannot be extractable,
     * non-sensitive or copied (a copy would need it back). */
    if (cls == CKO_PRIVATE_KEY && (tmpl_true(t, n, CKA_EXTRACTABLE) ||
                                   tmpl_false(t, n, CKA_SENSITIVE) ||
                                   tmpl_true(t, n, CKA_COPYABLE)))
        return CKR_ATTRIBUTE_VALUE_INVALID;
    return CKR_OK;
}

/* ---- OpenSSL keys ---- */

static CK_RV bn_bytes(const EVP_PKEY *key, const char *name, unsigned char **out, size_t *len)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(key, name, &bn))
        return CKR_FUNCTION_FAILED;
    *len = (size_t)BN_num_bytes(bn);
    *out = malloc(*len ? *len : 1);
    if (*out)
        BN_bn2bin(bn, *out);
    BN_free(bn);
    return *out ? CKR_OK : CKR_HOST_MEMORY;
}

CK_RV p11_rsa_pub(const p11_object *o, EVP_PKEY **out)
{
    const p11_attr *n = p11_attr_get(o, CKA_MODULUS), *e = p11_attr_get(o, CKA_PUBLIC_EXPONENT);
    OSSL_LIB_CTX *ctx = p11_rsa_libctx();
    *out = NULL;
    if (!n || !e || !n->len || !e->len)
        return CKR_KEY_TYPE_INCONSISTENT;
    if (!ctx)
        return CKR_HOST_MEMORY;
    BIGNUM *bn = BN_bin2bn(n->val, (int)n->len, NULL), *be = BN_bin2bn(e->val, (int)e->len, NULL);
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM *p = NULL;
    EVP_PKEY_CTX *c = NULL;
    CK_RV rv = CKR_HOST_MEMORY;
    if (bn && be && b && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn) &&
        OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be) && (p = OSSL_PARAM_BLD_to_param(b)) &&
        (c = EVP_PKEY_CTX_new_from_name(ctx, "RSA", "provider=default")) &&
        EVP_PKEY_fromdata_init(c) > 0 && EVP_PKEY_fromdata(c, out, EVP_PKEY_PUBLIC_KEY, p) > 0)
        rv = CKR_OK;
    EVP_PKEY_CTX_free(c);
    OSSL_PARAM_free(p);
    OSSL_PARAM_BLD_free(b);
    BN_free(bn);
    BN_free(be);
    return rv;
}

/* A whole private key from a C_CreateObject template (CRT form: the
 * kernel's RSA uses the primes). */
static CK_RV key_from_template(const CK_ATTRIBUTE *t, CK_ULONG n, EVP_PKEY **out)
{
    static const struct { CK_ATTRIBUTE_TYPE a; const char *p; } parts[] = {
        { CKA_MODULUS, OSSL_PKEY_PARAM_RSA_N },
        { CKA_PUBLIC_EXPONENT, OSSL_PKEY_PARAM_RSA_E },
        { CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D },
        { CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1 },
        { CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2 },
        { CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1 },
        { CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2 },
        { CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
    };
    enum { NPARTS = sizeof parts / sizeof parts[0] };
    BIGNUM *bn[NPARTS] = { 0 };
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM *p = NULL;
    EVP_PKEY_CTX *c = NULL;
    OSSL_LIB_CTX *ctx = p11_rsa_libctx();
    CK_RV rv = b && ctx ? CKR_OK : CKR_HOST_MEMORY;
    *out = NULL;
    for (size_t i = 0; rv == CKR_OK && i < NPARTS; i++) {
        const CK_ATTRIBUTE *a = p11_tmpl_find(t, n, parts[i].a);
        if (!a || !a->ulValueLen)
            rv = CKR_TEMPLATE_INCOMPLETE;
        else if (a->ulValueLen > P11_RSA_MAX_BITS / 8 + 1)
            rv = CKR_ATTRIBUTE_VALUE_INVALID;
        else if (!(bn[i] = BN_secure_new()) ||
                 !BN_bin2bn(a->pValue, (int)a->ulValueLen, bn[i]) ||
                 !OSSL_PARAM_BLD_push_BN(b, parts[i].p, bn[i]))
            rv = CKR_HOST_MEMORY;
    }
    if (rv == CKR_OK && (!(p = OSSL_PARAM_BLD_to_param(b)) ||
                         !(c = EVP_PKEY_CTX_new_from_name(ctx, "RSA", "provider=default"))))
        rv = CKR_HOST_MEMORY;
    if (rv == CKR_OK && (EVP_PKEY_fromdata_init(c) <= 0 ||
                         EVP_PKEY_fromdata(c, out, EVP_PKEY_KEYPAIR, p) <= 0))
        rv = CKR_ATTRIBUTE_VALUE_INVALID;
    if (rv == CKR_OK) {
        /* n = pq, ed = 1, the CRT values: a key that does not hold
         * together is refused here rather than signing wrongly later */
        EVP_PKEY_CTX *k = EVP_PKEY_CTX_new_from_pkey(ctx, *out, "provider=default");
        if (!k || EVP_PKEY_pairwise_check(k) <= 0)
            rv = CKR_ATTRIBUTE_VALUE_INVALID;
        EVP_PKEY_CTX_free(k);
    }
    if (rv != CKR_OK) {
        EVP_PKEY_free(*out);
        *out = NULL;
    }
    EVP_PKEY_CTX_free(c);
    OSSL_PARAM_free(p);   /* the secure BIGNUMs went to its secure block, cleared on free */
    OSSL_PARAM_BLD_free(b);
    for (size_t i = 0; i < NPARTS; i++)
        BN_clear_free(bn[i]);
    return rv;
}

/* Unencrypted PKCS#8 DER of key, in OpenSSL's memory: the caller frees it
 * with OPENSSL_clear_free. */
static CK_RV pkcs8_der(EVP_PKEY *key, unsigned char **der, size_t *len)
{
    OSSL_ENCODER_CTX *e = OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_KEYPAIR, "DER",
                                                        "PrivateKeyInfo", "provider=default");
    *der = NULL;
    int ok = e && OSSL_ENCODER_to_data(e, der, len);
    OSSL_ENCODER_CTX_free(e);
    return ok ? CKR_OK : CKR_FUNCTION_FAILED;
}

/* ---- the kernel key ---- */

static CK_RV kernel_load(p11_object *o, const unsigned char *der, size_t len)
{
    static atomic_uint counter;
    char desc[64];
    kc_error err;
    int32_t serial;
    /* unique: add_key with a description already in the keyring would
     * replace that key, under another object's feet */
    snprintf(desc, sizeof desc, "kcrypt-p11:%ld:%u", (long)getpid(),
             atomic_fetch_add(&counter, 1));
    kc_status st = kc_pkey_load(desc, der, len, KEY_SPEC_PROCESS_KEYRING, &serial, &err);
    if (st != KC_OK) {
        p11_debug("RSA key: %s", err.msg);
        return st == KC_ERR_UNSUPPORTED_KERNEL || st == KC_ERR_INVALID_ARG
                   ? CKR_ATTRIBUTE_VALUE_INVALID : p11_rv(&err, P11_USE_KEY);
    }
    o->kserial = serial;
    o->kpid = getpid();
    return CKR_OK;
}

void p11_rsa_kernel_drop(p11_object *o)
{
    if (o->kserial && o->kpid == getpid())
        (void)kc_pkey_delete(o->kserial, NULL);
    o->kserial = 0;
}

CK_RV p11_rsa_kernel_load(p11_object *o)
{
    if (o->cls != CKO_PRIVATE_KEY || o->kserial || o->locked || !o->sealed)
        return CKR_OK;
    unsigned char *der = malloc(o->value_len ? o->value_len : 1);
    CK_RV rv = der ? p11_key_get_value(o, der, o->value_len) : CKR_HOST_MEMORY;
    if (rv == CKR_OK)
        rv = kernel_load(o, der, o->value_len);
    if (der) {
        kc_wipe(der, o->value_len);
        free(der);
    }
    return rv;
}

/* ---- objects ---- */

static int is_user(void)
{
    return p11_g.logged_in && p11_g.user == CKU_USER;
}

static CK_RV defaults(p11_object *o, p11_make how)
{
    int priv = o->cls == CKO_PRIVATE_KEY, gen = how == P11_MAKE_GENERATE;
    CK_RV rv = p11_attr_set_ulong(o, CKA_CLASS, o->cls);
    rv |= p11_attr_set_ulong(o, CKA_KEY_TYPE, CKK_RSA);
    rv |= p11_attr_set_bool(o, CKA_TOKEN, 0);
    rv |= p11_attr_set_bool(o, CKA_PRIVATE, priv);
    rv |= p11_attr_set_bool(o, CKA_MODIFIABLE, 1);
    rv |= p11_attr_set_bool(o, CKA_COPYABLE, !priv);
    rv |= p11_attr_set_bool(o, CKA_DESTROYABLE, 1);
    rv |= p11_attr_set(o, CKA_LABEL, "", 0);
    rv |= p11_attr_set(o, CKA_ID, "", 0);
    rv |= p11_attr_set(o, CKA_SUBJECT, "", 0);
    rv |= p11_attr_set(o, CKA_START_DATE, "", 0);
    rv |= p11_attr_set(o, CKA_END_DATE, "", 0);
    rv |= p11_attr_set_bool(o, CKA_DERIVE, 0);
    rv |= p11_attr_set_bool(o, CKA_LOCAL, gen);
    rv |= p11_attr_set_ulong(o, CKA_KEY_GEN_MECHANISM,
                             gen ? CKM_RSA_PKCS_KEY_PAIR_GEN : CK_UNAVAILABLE_INFORMATION);
    if (priv) {
        rv |= p11_attr_set_bool(o, CKA_SENSITIVE, 1);
        rv |= p11_attr_set_bool(o, CKA_DECRYPT, 1);
        rv |= p11_attr_set_bool(o, CKA_SIGN, 1);
        rv |= p11_attr_set_bool(o, CKA_SIGN_RECOVER, 0);
        rv |= p11_attr_set_bool(o, CKA_UNWRAP, 0);
        rv |= p11_attr_set_bool(o, CKA_EXTRACTABLE, 0);
        rv |= p11_attr_set_bool(o, CKA_WRAP_WITH_TRUSTED, 0);
        rv |= p11_attr_set_bool(o, CKA_ALWAYS_AUTHENTICATE, 0);
    } else {
        rv |= p11_attr_set_bool(o, CKA_ENCRYPT, 1);
        rv |= p11_attr_set_bool(o, CKA_VERIFY, 1);
        rv |= p11_attr_set_bool(o, CKA_VERIFY_RECOVER, 0);
        rv |= p11_attr_set_bool(o, CKA_WRAP, 0);
        rv |= p11_attr_set_bool(o, CKA_TRUSTED, 0);
    }
    return rv ? CKR_HOST_MEMORY : CKR_OK;
}

/* An RSA object of cls with modulus/exponent from key and the template's
 * other attributes; not linked, not written. */
static CK_RV build(p11_session *s, CK_OBJECT_CLASS cls, p11_make how, EVP_PKEY *key,
                   const CK_ATTRIBUTE *t, CK_ULONG n, p11_object **out)
{
    unsigned char *nb = NULL, *eb = NULL;
    size_t nl = 0, el = 0;
    unsigned bits = (unsigned)EVP_PKEY_get_bits(key);
    p11_object *o = p11_object_new(cls);
    CK_RV rv = o ? CKR_OK : CKR_HOST_MEMORY;
    *out = NULL;
    if (rv == CKR_OK) {
        o->kt = CKK_RSA;
        rv = defaults(o, how);
    }
    if (rv == CKR_OK && (rv = bn_bytes(key, OSSL_PKEY_PARAM_RSA_N, &nb, &nl)) == CKR_OK)
        rv = bn_bytes(key, OSSL_PKEY_PARAM_RSA_E, &eb, &el);
    for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++) {
        const CK_ATTRIBUTE *a = &t[i];
        /* the key's own values decide; a template that says otherwise is wrong */
        if (a->type == CKA_MODULUS || a->type == CKA_PUBLIC_EXPONENT) {
            const unsigned char *v = a->type == CKA_MODULUS ? nb : eb;
            size_t vl = a->type == CKA_MODULUS ? nl : el, skip = 0;
            const unsigned char *g = a->pValue;
            while (skip < a->ulValueLen && !g[skip])
                skip++;
            if (a->ulValueLen - skip != vl || memcmp(g + skip, v, vl))
                rv = CKR_TEMPLATE_INCONSISTENT;
            continue;
        }
        if (a->type == CKA_MODULUS_BITS) {
            if (*(const CK_ULONG *)a->pValue != bits)
                rv = CKR_TEMPLATE_INCONSISTENT;
            continue;
        }
        if (IN(a->type, priv_secret))
            continue;
        rv = p11_attr_set(o, a->type, a->pValue, a->ulValueLen);
    }
    if (rv == CKR_OK) {
        rv = p11_attr_set(o, CKA_MODULUS, nb, nl) | p11_attr_set(o, CKA_PUBLIC_EXPONENT, eb, el);
        if (cls == CKO_PUBLIC_KEY)
            rv |= p11_attr_set_ulong(o, CKA_MODULUS_BITS, bits);
        else
            rv |= p11_attr_set_bool(o, CKA_ALWAYS_SENSITIVE, how == P11_MAKE_GENERATE) |
                  p11_attr_set_bool(o, CKA_NEVER_EXTRACTABLE, how == P11_MAKE_GENERATE);
        if (rv != CKR_OK)
            rv = CKR_HOST_MEMORY;
    }
    int token = o && p11_attr_bool(o, CKA_TOKEN);
    if (rv == CKR_OK && token && !(s->flags & CKF_RW_SESSION))
        rv = CKR_SESSION_READ_ONLY;
    if (rv == CKR_OK && p11_attr_bool(o, CKA_PRIVATE) && !is_user())
        rv = CKR_USER_NOT_LOGGED_IN;
    free(nb);
    free(eb);
    if (rv != CKR_OK) {
        p11_object_free(o);
        return rv;
    }
    o->owner = token ? 0 : s->h;
    *out = o;
    return CKR_OK;
}

/* The private half into the kernel; a token key's PKCS#8 also sealed under
 * the vault for its file. */
static CK_RV load_private(p11_object *o, EVP_PKEY *key)
{
    unsigned char *der = NULL;
    size_t len = 0;
    CK_RV rv = pkcs8_der(key, &der, &len);
    if (rv == CKR_OK)
        rv = kernel_load(o, der, len);
    if (rv == CKR_OK && !o->owner)
        rv = p11_key_set_value(o, der, len);
    if (der)
        OPENSSL_clear_free(der, len);
    return rv;
}

static CK_RV store(p11_object *o)
{
    return o->owner ? CKR_OK : p11_objstore_write(o);
}

CK_RV p11_rsa_make(p11_session *s, p11_make how, EVP_PKEY *key, const CK_ATTRIBUTE *priv_t,
                   CK_ULONG priv_n, const CK_ATTRIBUTE *pub_t, CK_ULONG pub_n,
                   CK_OBJECT_HANDLE *priv_out, CK_OBJECT_HANDLE *pub_out)
{
    p11_object *priv = NULL, *pub = NULL;
    if (!p11_rsa_bits_ok((unsigned)EVP_PKEY_get_bits(key)))
        return how == P11_MAKE_GENERATE ? CKR_KEY_SIZE_RANGE
               : how == P11_MAKE_UNWRAP ? CKR_TEMPLATE_INCONSISTENT : CKR_ATTRIBUTE_VALUE_INVALID;
    CK_RV rv = build(s, CKO_PRIVATE_KEY, how, key, priv_t, priv_n, &priv);
    if (rv == CKR_OK && pub_out)
        rv = build(s, CKO_PUBLIC_KEY, how, key, pub_t, pub_n, &pub);
    if (rv == CKR_OK)
        rv = load_private(priv, key);
    if (rv == CKR_OK && pub && (rv = store(pub)) == CKR_OK && (rv = store(priv)) != CKR_OK &&
        !pub->owner)
        (void)p11_objstore_remove(pub);   /* both or neither */
    if (rv == CKR_OK && !pub)
        rv = store(priv);
    if (rv != CKR_OK) {
        p11_object_free(priv);
        p11_object_free(pub);
        return rv;
    }
    p11_object_link(priv);
    *priv_out = priv->h;
    p11_audit_made(how, priv);
    if (pub) {
        p11_object_link(pub);
        *pub_out = pub->h;
        p11_audit_made(how, pub);
    }
    return CKR_OK;
}

static CK_RV kernel_can(void)
{
    kc_pkey_support sup = kc_pkey_supported();
    if (sup == KC_PKEY_YES)
        return CKR_OK;
    p11_debug("RSA private key refused: %s", kc_pkey_support_text(sup));
    return CKR_ATTRIBUTE_VALUE_INVALID;
}

CK_RV p11_rsa_create(p11_session *s, const CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_CLASS cls,
                     CK_OBJECT_HANDLE *out)
{
    CK_ULONG kt;
    int have_kt;
    CK_RV rv = p11_tmpl_ulong(t, n, CKA_KEY_TYPE, &kt, &have_kt);
    if (rv != CKR_OK)
        return rv;
    if (!have_kt)
        return CKR_TEMPLATE_INCOMPLETE;
    if (kt != CKK_RSA)
        return CKR_ATTRIBUTE_VALUE_INVALID;
    if ((rv = template_ok(cls, P11_MAKE_CREATE, t, n)) != CKR_OK)
        return rv;
    if (cls == CKO_PRIVATE_KEY) {
        EVP_PKEY *key;
        if ((rv = kernel_can()) != CKR_OK || (rv = key_from_template(t, n, &key)) != CKR_OK)
            return rv;
        rv = p11_rsa_make(s, P11_MAKE_CREATE, key, t, n, NULL, 0, out, NULL);
        EVP_PKEY_free(key);
        return rv;
    }
    /* a public key: only the modulus and exponent */
    const CK_ATTRIBUTE *m = p11_tmpl_find(t, n, CKA_MODULUS),
                       *e = p11_tmpl_find(t, n, CKA_PUBLIC_EXPONENT);
    if (!m || !e || !m->ulValueLen || !e->ulValueLen)
        return CKR_TEMPLATE_INCOMPLETE;
    if (m->ulValueLen > P11_RSA_MAX_BITS / 8 + 1 || e->ulValueLen > 8)
        return CKR_ATTRIBUTE_VALUE_INVALID;
    p11_object tmp = { .cls = CKO_PUBLIC_KEY };
    p11_attr at[2] = { { CKA_MODULUS, m->ulValueLen, m->pValue },
                       { CKA_PUBLIC_EXPONENT, e->ulValueLen, e->pValue } };
    tmp.attrs = at;
    tmp.nattrs = 2;
    EVP_PKEY *key;
    if ((rv = p11_rsa_pub(&tmp, &key)) != CKR_OK)
        return rv == CKR_HOST_MEMORY ? rv : CKR_ATTRIBUTE_VALUE_INVALID;
    unsigned bits = (unsigned)EVP_PKEY_get_bits(key);
    p11_object *o = NULL;
    if (bits < P11_RSA_MIN_BITS || bits > P11_RSA_MAX_BITS)
        rv = CKR_ATTRIBUTE_VALUE_INVALID;
    if (rv == CKR_OK)
        rv = build(s, CKO_PUBLIC_KEY, P11_MAKE_CREATE, key, t, n, &o);
    EVP_PKEY_free(key);
    if (rv == CKR_OK && (rv = store(o)) != CKR_OK) {
        p11_object_free(o);
        return rv;
    }
    if (rv == CKR_OK) {
        p11_object_link(o);
        *out = o->h;
    }
    return rv;
}

/* C_UnwrapKey of an RSA private key: the unwrapped bytes are PKCS#8. */
CK_RV p11_rsa_unwrapped(p11_session *s, const CK_ATTRIBUTE *t, CK_ULONG n,
                        const unsigned char *pkcs8, size_t len, CK_OBJECT_HANDLE *out)
{
    CK_RV rv = template_ok(CKO_PRIVATE_KEY, P11_MAKE_UNWRAP, t, n);
    if (rv != CKR_OK)
        return rv;
    if ((rv = kernel_can()) != CKR_OK)
        return CKR_TEMPLATE_INCONSISTENT;
    EVP_PKEY *key = NULL;
    OSSL_LIB_CTX *ctx = p11_rsa_libctx();
    OSSL_DECODER_CTX *d = ctx ? OSSL_DECODER_CTX_new_for_pkey(&key, "DER", "PrivateKeyInfo",
                                                              "RSA", EVP_PKEY_KEYPAIR, ctx,
                                                              "provider=default")
                              : NULL;
    const unsigned char *p = pkcs8;
    size_t left = len;
    if (!d)
        return CKR_HOST_MEMORY;
    int ok = OSSL_DECODER_from_data(d, &p, &left) && !left && key && EVP_PKEY_is_a(key, "RSA");
    OSSL_DECODER_CTX_free(d);
    if (ok) {
        EVP_PKEY_CTX *k = EVP_PKEY_CTX_new_from_pkey(ctx, key, "provider=default");
        ok = k && EVP_PKEY_pairwise_check(k) > 0;
        EVP_PKEY_CTX_free(k);
    }
    rv = ok ? p11_rsa_make(s, P11_MAKE_UNWRAP, key, t, n, NULL, 0, out, NULL)
            : CKR_WRAPPED_KEY_INVALID;
    EVP_PKEY_free(key);
    return rv;
}
