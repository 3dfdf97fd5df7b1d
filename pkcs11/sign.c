/* SPDX-License-Identifier: Apache-2.0 */
/* C_Sign* / C_Verify*: HMAC (SHA-1/2/3) and AES-CMAC, full and _GENERAL
 * lengths, keyed from the key object's cached kernel transform; RSA
 * mechanisms go to rsa_op.c. */
#include "p11.h"

#include <string.h>

static CK_RV init(CK_SESSION_HANDLE hs, int sign, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hk)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    p11_hashop *op = sign ? &s->sign : &s->verify;
    if (op->active || s->rsa[sign ? P11_RSA_SIGN : P11_RSA_VERIFY])
        return CKR_OPERATION_ACTIVE;
    if (!m)
        return CKR_ARGUMENTS_BAD;
    const p11_mech *pm = p11_mech_lookup(m->mechanism);
    if (!pm || !(pm->info.flags & (sign ? CKF_SIGN : CKF_VERIFY)))
        return CKR_MECHANISM_INVALID;
    const kc_alg_info *a = kc_alg(pm->alg);
    size_t out_len = a->out_size;
    if (pm->general) {
        if (!m->pParameter || m->ulParameterLen != sizeof(CK_ULONG))
            return CKR_MECHANISM_PARAM_INVALID;
        CK_ULONG l = *(CK_ULONG *)m->pParameter;
        if (l < 1 || l > a->out_size)
            return CKR_MECHANISM_PARAM_INVALID;
        out_len = l;
    } else if (m->pParameter || m->ulParameterLen) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    p11_object *k;
    if ((rv = p11_key_for_use(hs, hk, sign ? CKA_SIGN : CKA_VERIFY, &k)) != CKR_OK)
        return rv;
    if (pm->alg == KC_CMAC_AES) {
        if (k->kt != CKK_AES)
            return CKR_KEY_TYPE_INCONSISTENT;
    } else if (k->kt != CKK_GENERIC_SECRET && k->kt != p11_hmac_key_type(pm->alg)) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    kc_tfm *t;
    if ((rv = p11_key_tfm(k, pm->alg, &t)) != CKR_OK)
        return rv;
    kc_error err;
    if (kc_hash_from_tfm(&op->h, t, &err) != KC_OK) {
        op->h = NULL;
        return p11_rv(&err, P11_USE_INIT);
    }
    op->mech = m->mechanism;
    op->out_len = out_len;
    kc_gather_init(&op->g, P11_DIGEST_HOLD);
    op->active = 1;
    return CKR_OK;
}

static CK_RV get(CK_SESSION_HANDLE hs, int sign, p11_hashop **op)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    *op = sign ? &s->sign : &s->verify;
    return (*op)->active ? CKR_OK : CKR_OPERATION_NOT_INITIALIZED;
}

static CK_RV mac(p11_hashop *op, const void *data, size_t n, int oneshot, unsigned char *out)
{
    unsigned char full[64];
    kc_error err;
    kc_status st = oneshot ? kc_hash_oneshot(op->h, data, n, full, sizeof full, &err)
                           : p11_hash_end(op, full, sizeof full, &err);
    if (st == KC_OK)
        memcpy(out, full, op->out_len);
    kc_wipe(full, sizeof full);
    return st == KC_OK ? CKR_OK : p11_rv(&err, P11_USE_DIGEST);
}

static CK_RV sign_done(p11_hashop *op, const void *data, size_t n, int oneshot, CK_BYTE_PTR sig,
                       CK_ULONG_PTR sig_len)
{
    if (!sig_len) {
        p11_hashop_free(op);
        return CKR_ARGUMENTS_BAD;
    }
    CK_RV rv = p11_out(sig, sig_len, op->out_len);
    if (rv != CKR_OK || !sig)
        return rv;
    rv = mac(op, data, n, oneshot, sig);
    p11_hashop_free(op);
    return rv;
}

static CK_RV verify_done(p11_hashop *op, const void *data, size_t n, int oneshot,
                         CK_BYTE_PTR sig, CK_ULONG sig_len)
{
    unsigned char m[64];
    CK_RV rv;
    if (!sig)
        rv = CKR_ARGUMENTS_BAD;
    else if (sig_len != op->out_len)
        rv = CKR_SIGNATURE_LEN_RANGE;
    else if ((rv = mac(op, data, n, oneshot, m)) == CKR_OK && !kc_memeq_ct(m, sig, sig_len))
        rv = CKR_SIGNATURE_INVALID;
    p11_hashop_free(op);
    return rv;
}

static CK_RV upd(CK_SESSION_HANDLE hs, int sign, CK_BYTE_PTR in, CK_ULONG n)
{
    p11_hashop *op;
    CK_RV rv = get(hs, sign, &op);
    if (rv != CKR_OK)
        return rv;
    op->updated = 1;
    if (!in && n)
        rv = CKR_ARGUMENTS_BAD;
    else if (n > P11_LEN_MAX)
        rv = CKR_DATA_LEN_RANGE;
    else
        rv = p11_hash_feed(op, in, n);
    if (rv != CKR_OK)
        p11_hashop_free(op);
    return rv;
}

static CK_RV sign_one(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR sig,
                      CK_ULONG_PTR sl)
{
    p11_hashop *op;
    CK_RV rv = get(hs, 1, &op);
    if (rv != CKR_OK)
        return rv;
    if (!in && n) {
        p11_hashop_free(op);
        return CKR_ARGUMENTS_BAD;
    }
    if (op->updated || n > P11_LEN_MAX) {   /* one-shot after Update: as C_Encrypt */
        CK_RV r = op->updated ? CKR_OPERATION_ACTIVE : CKR_DATA_LEN_RANGE;
        p11_hashop_free(op);
        return r;
    }
    return sign_done(op, in, n, 1, sig, sl);
}

static CK_RV sign_final(CK_SESSION_HANDLE hs, CK_BYTE_PTR sig, CK_ULONG_PTR sl)
{
    p11_hashop *op;
    CK_RV rv = get(hs, 1, &op);
    return rv != CKR_OK ? rv : sign_done(op, NULL, 0, 0, sig, sl);
}

static CK_RV verify_one(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR sig,
                        CK_ULONG sl)
{
    p11_hashop *op;
    CK_RV rv = get(hs, 0, &op);
    if (rv != CKR_OK)
        return rv;
    if (!in && n) {
        p11_hashop_free(op);
        return CKR_ARGUMENTS_BAD;
    }
    if (op->updated || n > P11_LEN_MAX) {
        CK_RV r = op->updated ? CKR_OPERATION_ACTIVE : CKR_DATA_LEN_RANGE;
        p11_hashop_free(op);
        return r;
    }
    return verify_done(op, in, n, 1, sig, sl);
}

static CK_RV verify_final(CK_SESSION_HANDLE hs, CK_BYTE_PTR sig, CK_ULONG sl)
{
    p11_hashop *op;
    CK_RV rv = get(hs, 0, &op);
    return rv != CKR_OK ? rv : verify_done(op, NULL, 0, 0, sig, sl);
}

CK_RV C_SignInit(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hk)
{
    P11_LOCKED(m && p11_rsa_mech(m->mechanism) ? p11_rsa_init(hs, P11_RSA_SIGN, m, hk)
                                               : init(hs, 1, m, hk));
}
CK_RV C_Sign(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR sig, CK_ULONG_PTR sl)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_SIGN) ? p11_rsa_sign(hs, in, n, sig, sl)
                                                : sign_one(hs, in, n, sig, sl));
}
CK_RV C_SignUpdate(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_SIGN) ? p11_rsa_update(hs, P11_RSA_SIGN, in, n)
                                                : upd(hs, 1, in, n));
}
CK_RV C_SignFinal(CK_SESSION_HANDLE hs, CK_BYTE_PTR sig, CK_ULONG_PTR sl)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_SIGN) ? p11_rsa_sign_final(hs, sig, sl)
                                                : sign_final(hs, sig, sl));
}
CK_RV C_VerifyInit(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hk)
{
    P11_LOCKED(m && p11_rsa_mech(m->mechanism) ? p11_rsa_init(hs, P11_RSA_VERIFY, m, hk)
                                               : init(hs, 0, m, hk));
}
CK_RV C_Verify(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR sig, CK_ULONG sl)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_VERIFY) ? p11_rsa_verify(hs, in, n, sig, sl)
                                                  : verify_one(hs, in, n, sig, sl));
}
CK_RV C_VerifyUpdate(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_VERIFY) ? p11_rsa_update(hs, P11_RSA_VERIFY, in, n)
                                                  : upd(hs, 0, in, n));
}
CK_RV C_VerifyFinal(CK_SESSION_HANDLE hs, CK_BYTE_PTR sig, CK_ULONG sl)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_VERIFY) ? p11_rsa_verify_final(hs, sig, sl)
                                                  : verify_final(hs, sig, sl));
}
