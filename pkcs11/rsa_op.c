/* SPDX-License-Identifier: Apache-2.0 */
/* RSA mechanisms. The private operations are the kernel's, on the key's
 * serial: PKCS#1 v1.5 signatures over SHA-1/2 digests by the kernel's own
 * encoding (keyctl_pkey_sign enc=pkcs1 hash=...); PSS, CKM_RSA_PKCS and
 * CKM_RSA_X_509 signatures and every decryption through the raw private
 * operation (keyctl_pkey_decrypt enc=raw), with the encoding made or
 * checked here by common/'s kc_rsapad (OpenSSL's functions; OAEP and
 * PKCS#1 type 2 checks in constant time). Every signature is checked with
 * the public key before it is returned (a fault gives an error, never a
 * wrong signature). Verification and encryption need only the public key:
 * OpenSSL's default provider does them in user space. The hash-and-sign
 * mechanisms hash in the kernel (kc_hash), one- or multi-part. */
#include "rsa.h"

#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

#include "kc/pkey.h"
#include "kc/rsapad.h"
#include "kc/util.h"

typedef struct p11_rsaop {
    p11_rsa_kind kind;
    CK_MECHANISM_TYPE mech;
    CK_OBJECT_HANDLE key;
    EVP_PKEY *pub;
    size_t k;                    /* modulus bytes */
    int pad;                     /* RSA_*_PADDING */
    kc_alg_id halg;              /* hash-and-sign: the digest, made here */
    int hashed;
    kc_hash *h;                  /* its kernel hash (multi-part) */
    EVP_MD *md, *mgf1;           /* PSS, OAEP: for the encodings */
    int saltlen;
    unsigned char *label;        /* OAEP */
    size_t llen;
    int updated;
    int need_login, logged_in;   /* CKA_ALWAYS_AUTHENTICATE */
} p11_rsaop;

static const struct {
    CK_MECHANISM_TYPE mech;
    kc_alg_id halg;              /* KC_ALG_COUNT: none */
    int pss;
    CK_FLAGS flags;
} table[] = {
    { CKM_RSA_PKCS_KEY_PAIR_GEN, KC_ALG_COUNT, 0, CKF_GENERATE_KEY_PAIR },
    { CKM_RSA_PKCS, KC_ALG_COUNT, 0, CKF_ENCRYPT | CKF_DECRYPT | CKF_SIGN | CKF_VERIFY },
    { CKM_RSA_X_509, KC_ALG_COUNT, 0, CKF_ENCRYPT | CKF_DECRYPT | CKF_SIGN | CKF_VERIFY },
    { CKM_RSA_PKCS_OAEP, KC_ALG_COUNT, 0, CKF_ENCRYPT | CKF_DECRYPT },
    { CKM_RSA_PKCS_PSS, KC_ALG_COUNT, 1, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA1_RSA_PKCS, KC_SHA1, 0, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA224_RSA_PKCS, KC_SHA224, 0, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA256_RSA_PKCS, KC_SHA256, 0, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA384_RSA_PKCS, KC_SHA384, 0, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA512_RSA_PKCS, KC_SHA512, 0, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA1_RSA_PKCS_PSS, KC_SHA1, 1, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA224_RSA_PKCS_PSS, KC_SHA224, 1, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA256_RSA_PKCS_PSS, KC_SHA256, 1, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA384_RSA_PKCS_PSS, KC_SHA384, 1, CKF_SIGN | CKF_VERIFY },
    { CKM_SHA512_RSA_PKCS_PSS, KC_SHA512, 1, CKF_SIGN | CKF_VERIFY },
};
#define NTABLE (sizeof table / sizeof table[0])

int p11_rsa_mech(CK_MECHANISM_TYPE m)
{
    for (size_t i = 0; i < NTABLE; i++)
        if (table[i].mech == m)
            return 1;
    return 0;
}

/* Only where the kernel can hold the keys (probed once: Debian's 6.1 UML
 * has no asymmetric key type, so none of these is offered there). */
size_t p11_rsa_mechs(p11_mech *out, size_t room)
{
    size_t n = 0;
    if (kc_pkey_supported() != KC_PKEY_YES)
        return 0;
    for (size_t i = 0; i < NTABLE && n < room; i++) {
        if (table[i].halg != KC_ALG_COUNT && !kc_available(table[i].halg))
            continue;
        out[n++] = (p11_mech){ table[i].mech, table[i].halg == KC_ALG_COUNT ? KC_SHA256
                                                                            : table[i].halg,
                               0, { P11_RSA_MIN_BITS, P11_RSA_MAX_BITS, table[i].flags } };
    }
    return n;
}

static const char *md_name(kc_alg_id a)
{
    switch (a) {
    case KC_SHA1: return "SHA1";
    case KC_SHA224: return "SHA2-224";
    case KC_SHA256: return "SHA2-256";
    case KC_SHA384: return "SHA2-384";
    case KC_SHA512: return "SHA2-512";
    default: return NULL;
    }
}

static const char *kernel_hash(kc_alg_id a)
{
    switch (a) {
    case KC_SHA1: return "sha1";
    case KC_SHA224: return "sha224";
    case KC_SHA256: return "sha256";
    case KC_SHA384: return "sha384";
    case KC_SHA512: return "sha512";
    default: return NULL;
    }
}

static kc_alg_id hash_of_mech(CK_MECHANISM_TYPE m)
{
    switch (m) {
    case CKM_SHA_1: return KC_SHA1;
    case CKM_SHA224: return KC_SHA224;
    case CKM_SHA256: return KC_SHA256;
    case CKM_SHA384: return KC_SHA384;
    case CKM_SHA512: return KC_SHA512;
    default: return KC_ALG_COUNT;
    }
}

static kc_alg_id hash_of_mgf(CK_RSA_PKCS_MGF_TYPE g)
{
    switch (g) {
    case CKG_MGF1_SHA1: return KC_SHA1;
    case CKG_MGF1_SHA224: return KC_SHA224;
    case CKG_MGF1_SHA256: return KC_SHA256;
    case CKG_MGF1_SHA384: return KC_SHA384;
    case CKG_MGF1_SHA512: return KC_SHA512;
    default: return KC_ALG_COUNT;
    }
}

static EVP_MD *fetch_md(kc_alg_id a)
{
    const char *name = md_name(a);
    OSSL_LIB_CTX *ctx = p11_rsa_libctx();
    return name && ctx ? EVP_MD_fetch(ctx, name, "provider=default") : NULL;
}

static void op_free(p11_rsaop *op)
{
    if (!op)
        return;
    EVP_PKEY_free(op->pub);
    EVP_MD_free(op->md);
    EVP_MD_free(op->mgf1);
    if (op->h)
        kc_hash_free(op->h);
    free(op->label);
    free(op);
}

void p11_rsa_ops_free(p11_session *s)
{
    for (int i = 0; i < 4; i++) {
        op_free(s->rsa[i]);
        s->rsa[i] = NULL;
    }
}

static CK_RV end(p11_session *s, p11_rsa_kind kind, CK_RV rv)
{
    op_free(s->rsa[kind]);
    s->rsa[kind] = NULL;
    return rv;
}

/* Mechanism parameters: PSS and OAEP carry theirs; the others none. */
static CK_RV params(p11_rsaop *op, const CK_MECHANISM *m, int pss)
{
    if (pss) {
        if (!m->pParameter || m->ulParameterLen != sizeof(CK_RSA_PKCS_PSS_PARAMS))
            return CKR_MECHANISM_PARAM_INVALID;
        CK_RSA_PKCS_PSS_PARAMS pp;
        memcpy(&pp, m->pParameter, sizeof pp);
        kc_alg_id h = hash_of_mech(pp.hashAlg), g = hash_of_mgf(pp.mgf);
        if (h == KC_ALG_COUNT || g == KC_ALG_COUNT || (op->hashed && h != op->halg))
            return CKR_MECHANISM_PARAM_INVALID;
        op->halg = h;
        if (!(op->md = fetch_md(h)) || !(op->mgf1 = fetch_md(g)))
            return CKR_HOST_MEMORY;
        size_t hl = (size_t)EVP_MD_get_size(op->md);
        if (pp.sLen > op->k - hl - 2)   /* EMSA-PSS: emLen >= hLen + sLen + 2 */
            return CKR_MECHANISM_PARAM_INVALID;
        op->saltlen = (int)pp.sLen;
        op->pad = RSA_PKCS1_PSS_PADDING;
        return CKR_OK;
    }
    if (m->mechanism == CKM_RSA_PKCS_OAEP) {
        if (!m->pParameter || m->ulParameterLen != sizeof(CK_RSA_PKCS_OAEP_PARAMS))
            return CKR_MECHANISM_PARAM_INVALID;
        CK_RSA_PKCS_OAEP_PARAMS op_;
        memcpy(&op_, m->pParameter, sizeof op_);
        kc_alg_id h = hash_of_mech(op_.hashAlg), g = hash_of_mgf(op_.mgf);
        if (h == KC_ALG_COUNT || g == KC_ALG_COUNT ||
            (op_.source != CKZ_DATA_SPECIFIED && op_.source != 0) ||
            (op_.source == 0 && op_.ulSourceDataLen) ||
            (op_.ulSourceDataLen && !op_.pSourceData) || op_.ulSourceDataLen > 4096)
            return CKR_MECHANISM_PARAM_INVALID;
        if (!(op->md = fetch_md(h)) || !(op->mgf1 = fetch_md(g)))
            return CKR_HOST_MEMORY;
        if (op->k < 2 * (size_t)EVP_MD_get_size(op->md) + 2)
            return CKR_KEY_SIZE_RANGE;
        if (op_.ulSourceDataLen) {
            if (!(op->label = malloc(op_.ulSourceDataLen)))
                return CKR_HOST_MEMORY;
            memcpy(op->label, op_.pSourceData, op_.ulSourceDataLen);
            op->llen = op_.ulSourceDataLen;
        }
        op->pad = RSA_PKCS1_OAEP_PADDING;
        return CKR_OK;
    }
    if (m->pParameter || m->ulParameterLen)
        return CKR_MECHANISM_PARAM_INVALID;
    op->pad = m->mechanism == CKM_RSA_X_509 ? RSA_NO_PADDING : RSA_PKCS1_PADDING;
    return CKR_OK;
}

static int busy(const p11_session *s, p11_rsa_kind kind)
{
    switch (kind) {
    case P11_RSA_SIGN: return s->sign.active;
    case P11_RSA_VERIFY: return s->verify.active;
    case P11_RSA_ENCRYPT: return s->enc.active;
    case P11_RSA_DECRYPT: return s->dec.active;
    }
    return 0;
}

static const CK_FLAGS kind_flag[] = { CKF_SIGN, CKF_VERIFY, CKF_ENCRYPT, CKF_DECRYPT };
static const CK_ATTRIBUTE_TYPE kind_usage[] = { CKA_SIGN, CKA_VERIFY, CKA_ENCRYPT, CKA_DECRYPT };

CK_RV p11_rsa_init(CK_SESSION_HANDLE hs, p11_rsa_kind kind, CK_MECHANISM_PTR m,
                   CK_OBJECT_HANDLE hk)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    if (s->rsa[kind] || busy(s, kind))
        return CKR_OPERATION_ACTIVE;
    if (!m)
        return CKR_ARGUMENTS_BAD;
    const p11_mech *pm = p11_mech_lookup(m->mechanism);
    if (!pm || !(pm->info.flags & kind_flag[kind]))
        return CKR_MECHANISM_INVALID;
    int private_op = kind == P11_RSA_SIGN || kind == P11_RSA_DECRYPT;
    p11_object *o = p11_object_find(hk);
    if (!o || o->cls == CKO_DATA)
        return CKR_KEY_HANDLE_INVALID;
    /* a secret key, or the other half of an RSA pair */
    if (o->cls != (private_op ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY) || o->kt != CKK_RSA)
        return CKR_KEY_TYPE_INCONSISTENT;
    if (!p11_attr_bool(o, kind_usage[kind]))
        return CKR_KEY_FUNCTION_NOT_PERMITTED;
    if (private_op && !o->kserial)   /* locked before a login, or the kernel refused it */
        return o->locked ? CKR_USER_NOT_LOGGED_IN : CKR_DEVICE_ERROR;
    p11_rsaop *op = calloc(1, sizeof *op);
    if (!op)
        return CKR_HOST_MEMORY;
    op->kind = kind;
    op->mech = m->mechanism;
    op->key = hk;
    op->halg = KC_ALG_COUNT;
    int pss = 0;
    for (size_t i = 0; i < NTABLE; i++)
        if (table[i].mech == m->mechanism) {
            pss = table[i].pss;
            if (table[i].halg != KC_ALG_COUNT) {
                op->halg = table[i].halg;
                op->hashed = 1;
            }
        }
    if ((rv = p11_rsa_pub(o, &op->pub)) == CKR_OK) {
        op->k = (size_t)EVP_PKEY_get_size(op->pub);
        rv = params(op, m, pss);
    }
    if (rv == CKR_OK && op->hashed && !op->md && !(op->md = fetch_md(op->halg)))
        rv = CKR_HOST_MEMORY;
    kc_error err;
    if (rv == CKR_OK && op->hashed && kc_hash_new(&op->h, op->halg, NULL, NULL, &err) != KC_OK) {
        op->h = NULL;
        rv = p11_rv(&err, P11_USE_INIT);
    }
    if (rv != CKR_OK) {
        op_free(op);
        return rv;
    }
    op->need_login = private_op && p11_attr_bool(o, CKA_ALWAYS_AUTHENTICATE);
    s->rsa[kind] = op;
    return CKR_OK;
}

int p11_rsa_active(CK_SESSION_HANDLE hs, p11_rsa_kind kind)
{
    p11_session *s;
    return p11_session_get(hs, &s) == CKR_OK && s->rsa[kind];
}

int p11_rsa_wants_login(const p11_session *s)
{
    for (int i = 0; i < 4; i++)
        if (s->rsa[i] && s->rsa[i]->need_login)
            return 1;
    return 0;
}

void p11_rsa_logged_in(p11_session *s)
{
    for (int i = 0; i < 4; i++)
        if (s->rsa[i] && s->rsa[i]->need_login)
            s->rsa[i]->logged_in = 1;
}

/* The private key's serial now (destroyed or logged out since Init: gone). */
static int32_t serial_of(const p11_rsaop *op)
{
    p11_object *o = p11_object_find(op->key);
    return o && o->cls == CKO_PRIVATE_KEY ? o->kserial : 0;
}

static CK_RV pub_ctx(const p11_rsaop *op, int verify, EVP_PKEY_CTX **out)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(p11_rsa_libctx(), op->pub, "provider=default");
    int ok = c && (verify ? EVP_PKEY_verify_init(c) : EVP_PKEY_encrypt_init(c)) > 0 &&
             EVP_PKEY_CTX_set_rsa_padding(c, op->pad) > 0;
    if (ok && op->pad == RSA_PKCS1_PSS_PADDING)
        ok = EVP_PKEY_CTX_set_signature_md(c, op->md) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(c, op->mgf1) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(c, op->saltlen) > 0;
    else if (ok && op->hashed)
        ok = EVP_PKEY_CTX_set_signature_md(c, op->md) > 0;
    if (ok && op->pad == RSA_PKCS1_OAEP_PADDING) {
        unsigned char *l = op->llen ? OPENSSL_memdup(op->label, op->llen) : NULL;
        ok = EVP_PKEY_CTX_set_rsa_oaep_md(c, op->md) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(c, op->mgf1) > 0 && (!op->llen || l) &&
             (!l || EVP_PKEY_CTX_set0_rsa_oaep_label(c, l, (int)op->llen) > 0);
        if (!ok)
            OPENSSL_free(l);
    }
    if (!ok) {
        EVP_PKEY_CTX_free(c);
        return CKR_HOST_MEMORY;
    }
    *out = c;
    return CKR_OK;
}

/* 1: sig verifies over tbs (a digest for the hashed and PSS mechanisms). */
static int verify_sig(const p11_rsaop *op, const unsigned char *sig, size_t sl,
                      const unsigned char *tbs, size_t tl)
{
    EVP_PKEY_CTX *c;
    if (pub_ctx(op, 1, &c) != CKR_OK)
        return -1;
    int r;
    if (op->pad == RSA_NO_PADDING) {
        /* X.509 (raw): s^e mod n equals the data, zeros in front */
        unsigned char *m = malloc(op->k);
        size_t ml = op->k;
        r = m && EVP_PKEY_verify_recover_init(c) > 0 &&
            EVP_PKEY_CTX_set_rsa_padding(c, RSA_NO_PADDING) > 0 &&
            EVP_PKEY_verify_recover(c, m, &ml, sig, sl) > 0 && ml == op->k && tl <= op->k;
        if (r) {
            size_t z = op->k - tl;
            for (size_t i = 0; i < z; i++)
                r &= m[i] == 0;
            r &= kc_memeq_ct(m + z, tbs, tl);
        }
        free(m);
    } else {
        r = EVP_PKEY_verify(c, sig, sl, tbs, tl) == 1;
    }
    EVP_PKEY_CTX_free(c);
    return r;
}

/* The signature of tbs (the digest, for hashed mechanisms) into sig (k bytes). */
static CK_RV private_sign(const p11_rsaop *op, const unsigned char *tbs, size_t tl,
                          unsigned char *sig)
{
    int32_t serial = serial_of(op);
    if (!serial)
        return CKR_FUNCTION_FAILED;   /* the key went mid-operation */
    kc_error err;
    kc_status st;
    CK_RV rv = CKR_OK;
    size_t k = op->k;
    if (op->pad == RSA_PKCS1_PADDING && op->hashed) {
        st = kc_pkey_sign_pkcs1(serial, kernel_hash(op->halg), tbs, tl, sig, k, &err);
    } else {
        unsigned char *em = calloc(1, k);
        if (!em)
            return CKR_HOST_MEMORY;
        if (op->pad == RSA_PKCS1_PSS_PADDING) {
            if (!kc_rsapad_pss_encode(em, k, op->pub, tbs, op->md, op->mgf1, op->saltlen))
                rv = CKR_FUNCTION_FAILED;
        } else if (op->pad == RSA_PKCS1_PADDING) {   /* EMSA-PKCS1-v1_5 around the data */
            em[1] = 1;
            memset(em + 2, 0xff, k - tl - 3);
            memcpy(em + k - tl, tbs, tl);
        } else {
            memcpy(em + k - tl, tbs, tl);
        }
        st = rv == CKR_OK ? kc_pkey_private_raw(serial, em, k, sig, &err) : KC_OK;
        free(em);
        if (rv != CKR_OK)
            return rv;
    }
    if (st != KC_OK) {
        p11_debug("RSA sign: %s", err.msg);
        /* raw: data not below the modulus */
        return op->pad == RSA_NO_PADDING && st == KC_ERR_INVALID_ARG
                   ? CKR_DATA_INVALID : p11_rv(&err, P11_USE_DIGEST);
    }
    if (verify_sig(op, sig, k, tbs, tl) != 1) {
        kc_wipe(sig, k);
        p11_debug("RSA sign: the kernel's signature does not verify");
        return CKR_FUNCTION_FAILED;
    }
    return CKR_OK;
}

/* Data length rules of the single-part mechanisms (the hashed ones take any). */
static CK_RV data_len_ok(const p11_rsaop *op, size_t n)
{
    if (op->hashed)
        return CKR_OK;
    if (op->pad == RSA_PKCS1_PSS_PADDING)
        return n == (size_t)EVP_MD_get_size(op->md) ? CKR_OK : CKR_DATA_LEN_RANGE;
    if (op->pad == RSA_NO_PADDING)
        return n <= op->k ? CKR_OK : CKR_DATA_LEN_RANGE;
    if (op->pad == RSA_PKCS1_OAEP_PADDING)
        return n + 2 * (size_t)EVP_MD_get_size(op->md) + 2 <= op->k ? CKR_OK
                                                                    : CKR_DATA_LEN_RANGE;
    return n + 11 <= op->k ? CKR_OK : CKR_DATA_LEN_RANGE;
}

/* The bytes to sign or verify: the digest of all data (hashed), else the data. */
static CK_RV tbs_of(p11_rsaop *op, const unsigned char *in, size_t n, int oneshot,
                    unsigned char *d, size_t *dl, const unsigned char **tbs, size_t *tl)
{
    if (!op->hashed) {
        *tbs = in;
        *tl = n;
        return CKR_OK;
    }
    kc_error err;
    *dl = (size_t)EVP_MD_get_size(op->md);
    kc_status st = oneshot ? kc_hash_oneshot(op->h, in, n, d, *dl, &err)
                           : kc_hash_final(op->h, d, *dl, &err);
    if (st != KC_OK)
        return p11_rv(&err, P11_USE_DIGEST);
    *tbs = d;
    *tl = *dl;
    return CKR_OK;
}

static CK_RV sign_done(p11_session *s, p11_rsaop *op, const unsigned char *in, size_t n,
                       int oneshot, CK_BYTE_PTR sig, CK_ULONG_PTR sl)
{
    if (op->need_login && !op->logged_in)
        return CKR_USER_NOT_LOGGED_IN;   /* C_Login(CKU_CONTEXT_SPECIFIC) first */
    if (!sl)
        return end(s, P11_RSA_SIGN, CKR_ARGUMENTS_BAD);
    CK_RV rv = oneshot ? data_len_ok(op, n) : CKR_OK;
    if (rv != CKR_OK)
        return end(s, P11_RSA_SIGN, rv);
    if ((rv = p11_out(sig, sl, op->k)) != CKR_OK || !sig)
        return rv;
    unsigned char d[64];
    size_t dl = 0, tl;
    const unsigned char *tbs;
    rv = tbs_of(op, in, n, oneshot, d, &dl, &tbs, &tl);
    if (rv == CKR_OK)
        rv = private_sign(op, tbs, tl, sig);
    return end(s, P11_RSA_SIGN, rv);
}

static CK_RV get(CK_SESSION_HANDLE hs, p11_rsa_kind kind, p11_session **s, p11_rsaop **op)
{
    CK_RV rv = p11_session_get(hs, s);
    if (rv != CKR_OK)
        return rv;
    *op = (*s)->rsa[kind];
    return *op ? CKR_OK : CKR_OPERATION_NOT_INITIALIZED;
}

/* Shared checks of a one-shot call: arguments, and no Update before it. */
static CK_RV oneshot_ok(p11_session *s, p11_rsaop *op, const void *in, CK_ULONG n)
{
    if (!in && n)
        return end(s, op->kind, CKR_ARGUMENTS_BAD);
    if (op->updated)   /* one-shot after Update: as C_Encrypt (README "Operation rules") */
        return end(s, op->kind, CKR_OPERATION_ACTIVE);
    if (n > P11_LEN_MAX)
        return end(s, op->kind, CKR_DATA_LEN_RANGE);
    return CKR_OK;
}

CK_RV p11_rsa_sign(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR sig,
                   CK_ULONG_PTR sl)
{
    p11_session *s;
    p11_rsaop *op;
    CK_RV rv = get(hs, P11_RSA_SIGN, &s, &op);
    if (rv == CKR_OK && (!op->need_login || op->logged_in))
        rv = oneshot_ok(s, op, in, n);
    return rv != CKR_OK ? rv : sign_done(s, op, in, n, 1, sig, sl);
}

CK_RV p11_rsa_sign_final(CK_SESSION_HANDLE hs, CK_BYTE_PTR sig, CK_ULONG_PTR sl)
{
    p11_session *s;
    p11_rsaop *op;
    CK_RV rv = get(hs, P11_RSA_SIGN, &s, &op);
    if (rv == CKR_OK && !op->hashed)
        return end(s, P11_RSA_SIGN, CKR_FUNCTION_FAILED);   /* single-part mechanism */
    return rv != CKR_OK ? rv : sign_done(s, op, NULL, 0, 0, sig, sl);
}

CK_RV p11_rsa_update(CK_SESSION_HANDLE hs, p11_rsa_kind kind, CK_BYTE_PTR in, CK_ULONG n)
{
    p11_session *s;
    p11_rsaop *op;
    CK_RV rv = get(hs, kind, &s, &op);
    if (rv != CKR_OK)
        return rv;
    if (op->need_login && !op->logged_in)
        return CKR_USER_NOT_LOGGED_IN;
    op->updated = 1;
    kc_error err;
    if (!op->hashed)   /* CKM_RSA_PKCS, _X_509, _PSS: single-part only (PKCS#11 3.0 table) */
        return end(s, kind, CKR_FUNCTION_FAILED);
    if (!in && n)
        return end(s, kind, CKR_ARGUMENTS_BAD);
    if (n > P11_LEN_MAX)
        return end(s, kind, CKR_DATA_LEN_RANGE);
    if (n && kc_hash_update(op->h, in, n, &err) != KC_OK)
        return end(s, kind, CKR_DEVICE_ERROR);
    return CKR_OK;
}

static CK_RV verify_done(p11_session *s, p11_rsaop *op, const unsigned char *in, size_t n,
                         int oneshot, CK_BYTE_PTR sig, CK_ULONG sl)
{
    if (!sig)
        return end(s, P11_RSA_VERIFY, CKR_ARGUMENTS_BAD);
    CK_RV rv = oneshot ? data_len_ok(op, n) : CKR_OK;
    if (rv == CKR_OK && sl != op->k)
        rv = CKR_SIGNATURE_LEN_RANGE;
    unsigned char d[64];
    size_t dl = 0, tl;
    const unsigned char *tbs;
    if (rv == CKR_OK)
        rv = tbs_of(op, in, n, oneshot, d, &dl, &tbs, &tl);
    if (rv == CKR_OK) {
        int r = verify_sig(op, sig, sl, tbs, tl);
        rv = r == 1 ? CKR_OK : r == 0 ? CKR_SIGNATURE_INVALID : CKR_HOST_MEMORY;
    }
    return end(s, P11_RSA_VERIFY, rv);
}

CK_RV p11_rsa_verify(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR sig,
                     CK_ULONG sl)
{
    p11_session *s;
    p11_rsaop *op;
    CK_RV rv = get(hs, P11_RSA_VERIFY, &s, &op);
    if (rv == CKR_OK)
        rv = oneshot_ok(s, op, in, n);
    return rv != CKR_OK ? rv : verify_done(s, op, in, n, 1, sig, sl);
}

CK_RV p11_rsa_verify_final(CK_SESSION_HANDLE hs, CK_BYTE_PTR sig, CK_ULONG sl)
{
    p11_session *s;
    p11_rsaop *op;
    CK_RV rv = get(hs, P11_RSA_VERIFY, &s, &op);
    if (rv == CKR_OK && !op->hashed)
        return end(s, P11_RSA_VERIFY, CKR_FUNCTION_FAILED);
    return rv != CKR_OK ? rv : verify_done(s, op, NULL, 0, 0, sig, sl);
}

static CK_RV encrypt(p11_session *s, p11_rsaop *op, const unsigned char *in, size_t n,
                     CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    CK_RV rv = data_len_ok(op, n);
    if (rv != CKR_OK)
        return end(s, P11_RSA_ENCRYPT, rv);
    if ((rv = p11_out(out, outn, op->k)) != CKR_OK || !out)
        return rv;
    EVP_PKEY_CTX *c;
    if ((rv = pub_ctx(op, 0, &c)) != CKR_OK)
        return end(s, P11_RSA_ENCRYPT, rv);
    unsigned char *m = NULL;
    if (op->pad == RSA_NO_PADDING) {   /* X.509: the data as a k-byte number */
        if (!(m = calloc(1, op->k)))
            rv = CKR_HOST_MEMORY;
        else
            memcpy(m + op->k - n, in, n);
    }
    size_t ol = op->k;
    if (rv == CKR_OK && EVP_PKEY_encrypt(c, out, &ol, m ? m : in, m ? op->k : n) <= 0)
        rv = op->pad == RSA_NO_PADDING ? CKR_DATA_INVALID : CKR_FUNCTION_FAILED;
    if (rv == CKR_OK)
        *outn = ol;
    if (m) {
        kc_wipe(m, op->k);
        free(m);
    }
    EVP_PKEY_CTX_free(c);
    return end(s, P11_RSA_ENCRYPT, rv);
}

static CK_RV decrypt(p11_session *s, p11_rsaop *op, const unsigned char *in, size_t n,
                     CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    if (op->need_login && !op->logged_in)
        return CKR_USER_NOT_LOGGED_IN;
    if (n != op->k)
        return end(s, P11_RSA_DECRYPT, CKR_ENCRYPTED_DATA_LEN_RANGE);
    if (!out) {   /* the plaintext length is known only after decrypting: at most k */
        *outn = op->k;
        return CKR_OK;
    }
    int32_t serial = serial_of(op);
    if (!serial)
        return end(s, P11_RSA_DECRYPT, CKR_FUNCTION_FAILED);
    unsigned char *em = malloc(op->k), *pt = malloc(op->k);
    kc_error err;
    CK_RV rv = CKR_OK;
    int len = -1;
    if (!em || !pt)
        rv = CKR_HOST_MEMORY;
    else if (kc_pkey_private_raw(serial, in, op->k, em, &err) != KC_OK)
        rv = CKR_ENCRYPTED_DATA_INVALID;   /* not below the modulus */
    else if (op->pad == RSA_NO_PADDING)
        memcpy(pt, em, (size_t)(len = (int)op->k));
    else if (op->pad == RSA_PKCS1_OAEP_PADDING)
        len = kc_rsapad_unpad_oaep(pt, op->k, em, op->k, op->label, op->llen, op->md, op->mgf1);
    else
        len = kc_rsapad_unpad_pkcs1(pt, op->k, em, op->k);
    if (rv == CKR_OK && len < 0)
        rv = CKR_ENCRYPTED_DATA_INVALID;   /* one answer for every bad padding */
    if (rv == CKR_OK && *outn < (CK_ULONG)len) {
        *outn = (CK_ULONG)len;
        rv = CKR_BUFFER_TOO_SMALL;   /* the operation stays */
    } else if (rv == CKR_OK) {
        memcpy(out, pt, (size_t)len);
        *outn = (CK_ULONG)len;
    }
    if (em) {
        kc_wipe(em, op->k);
        free(em);
    }
    if (pt) {
        kc_wipe(pt, op->k);
        free(pt);
    }
    return rv == CKR_BUFFER_TOO_SMALL ? rv : end(s, P11_RSA_DECRYPT, rv);
}

CK_RV p11_rsa_crypt(CK_SESSION_HANDLE hs, p11_rsa_kind kind, CK_BYTE_PTR in, CK_ULONG n,
                    CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    p11_session *s;
    p11_rsaop *op;
    CK_RV rv = get(hs, kind, &s, &op);
    if (rv != CKR_OK)
        return rv;
    if (kind == P11_RSA_DECRYPT && op->need_login && !op->logged_in)
        return CKR_USER_NOT_LOGGED_IN;
    if ((rv = oneshot_ok(s, op, in, n)) != CKR_OK)
        return rv;
    if (!outn)
        return end(s, kind, CKR_ARGUMENTS_BAD);
    return kind == P11_RSA_ENCRYPT ? encrypt(s, op, in, n, out, outn)
                                   : decrypt(s, op, in, n, out, outn);
}

/* C_EncryptUpdate/Final, C_DecryptUpdate/Final: RSA encryption is
 * single-part in PKCS#11; the operation ends. */
CK_RV p11_rsa_no_multipart(CK_SESSION_HANDLE hs, p11_rsa_kind kind)
{
    p11_session *s;
    p11_rsaop *op;
    CK_RV rv = get(hs, kind, &s, &op);
    return rv != CKR_OK ? rv : end(s, kind, CKR_FUNCTION_FAILED);
}
