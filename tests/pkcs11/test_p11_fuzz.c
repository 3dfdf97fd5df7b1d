/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded, seeded PKCS#11 API fuzzer: several threads call random
 * functions with random session and object handles, templates, mechanisms
 * and parameters, output buffers as size queries, short or right, and
 * data lengths up to huge and wrapping ones (which the module must refuse
 * without reading). Every return code must be one PKCS#11 3.0 lists for
 * that function (the table below). Pointers always cover the lengths
 * given, except lengths of 2^60 and more, which no caller can own: so a
 * crash or a valgrind error is the module's.
 * Usage: test_p11_fuzz MODULE [--reference] [seed] [calls per thread] */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p11_ref.h"

CK_FUNCTION_LIST *f;
kct_tally *T;
static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- what PKCS#11 3.0 lets each function return ---- */
#define COMMON                                                                          \
    CKR_OK, CKR_CRYPTOKI_NOT_INITIALIZED, CKR_DEVICE_ERROR, CKR_DEVICE_MEMORY,          \
        CKR_DEVICE_REMOVED, CKR_FUNCTION_CANCELED, CKR_FUNCTION_FAILED, CKR_GENERAL_ERROR, \
        CKR_HOST_MEMORY, CKR_SESSION_CLOSED, CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD
#define INIT_KEY                                                                         \
    CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_KEY_HANDLE_INVALID, CKR_KEY_SIZE_RANGE,          \
        CKR_KEY_TYPE_INCONSISTENT, CKR_MECHANISM_INVALID, CKR_MECHANISM_PARAM_INVALID,   \
        CKR_OPERATION_ACTIVE, CKR_PIN_EXPIRED, CKR_USER_NOT_LOGGED_IN
#define TEMPLATE                                                                          \
    CKR_ATTRIBUTE_READ_ONLY, CKR_ATTRIBUTE_TYPE_INVALID, CKR_ATTRIBUTE_VALUE_INVALID,     \
        CKR_CURVE_NOT_SUPPORTED, CKR_DOMAIN_PARAMS_INVALID, CKR_PIN_EXPIRED,              \
        CKR_SESSION_READ_ONLY, CKR_TEMPLATE_INCOMPLETE, CKR_TEMPLATE_INCONSISTENT,        \
        CKR_TOKEN_WRITE_PROTECTED, CKR_USER_NOT_LOGGED_IN
/* C_Encrypt etc. after an Update: CKR_OPERATION_ACTIVE, kcrypt's documented
 * reading of the one-shot rule (pkcs11/README.md "Operation rules"). */
#define CRYPT_DATA                                                                        \
    CKR_BUFFER_TOO_SMALL, CKR_DATA_INVALID, CKR_DATA_LEN_RANGE,                           \
        CKR_OPERATION_NOT_INITIALIZED, CKR_USER_NOT_LOGGED_IN
#define DECRYPT_DATA                                                                      \
    CKR_BUFFER_TOO_SMALL, CKR_ENCRYPTED_DATA_INVALID, CKR_ENCRYPTED_DATA_LEN_RANGE,       \
        CKR_OPERATION_NOT_INITIALIZED, CKR_USER_NOT_LOGGED_IN, 0x35UL /* CKR_AEAD_DECRYPT_FAILED */

enum {
    F_ENC_INIT, F_ENC, F_ENC_UPD, F_ENC_FIN, F_DEC_INIT, F_DEC, F_DEC_UPD, F_DEC_FIN,
    F_DIG_INIT, F_DIG, F_DIG_UPD, F_DIG_FIN, F_SIGN_INIT, F_SIGN, F_SIGN_UPD, F_SIGN_FIN,
    F_VER_INIT, F_VER, F_VER_UPD, F_VER_FIN, F_CREATE, F_COPY, F_DESTROY, F_GETATTR,
    F_SETATTR, F_SIZE, F_FIND_INIT, F_FIND, F_FIND_FIN, F_GENKEY, F_WRAP, F_UNWRAP, F_RANDOM,
    F_SEED, F_SESSINFO, F_GETSTATE, F_SETSTATE, F_MECHINFO, F_STATUS, F_DIGKEY, F_CANCEL,
    F_WAIT, F_DIGENC, F_SIGNREC_INIT, F_COUNT
};
static const struct {
    const char *name;
    CK_RV ok[48];
} allowed[F_COUNT] = {
    [F_ENC_INIT] = { "C_EncryptInit", { COMMON, INIT_KEY } },
    [F_ENC] = { "C_Encrypt", { COMMON, CRYPT_DATA, CKR_OPERATION_ACTIVE } },
    [F_ENC_UPD] = { "C_EncryptUpdate", { COMMON, CRYPT_DATA } },
    [F_ENC_FIN] = { "C_EncryptFinal", { COMMON, CRYPT_DATA } },
    [F_DEC_INIT] = { "C_DecryptInit", { COMMON, INIT_KEY } },
    [F_DEC] = { "C_Decrypt", { COMMON, DECRYPT_DATA, CKR_OPERATION_ACTIVE } },
    [F_DEC_UPD] = { "C_DecryptUpdate", { COMMON, DECRYPT_DATA } },
    [F_DEC_FIN] = { "C_DecryptFinal", { COMMON, DECRYPT_DATA } },
    [F_DIG_INIT] = { "C_DigestInit",
                     { COMMON, CKR_MECHANISM_INVALID, CKR_MECHANISM_PARAM_INVALID,
                       CKR_OPERATION_ACTIVE, CKR_PIN_EXPIRED, CKR_USER_NOT_LOGGED_IN } },
    [F_DIG] = { "C_Digest",
                { COMMON, CKR_BUFFER_TOO_SMALL, CKR_OPERATION_NOT_INITIALIZED,
                  CKR_OPERATION_ACTIVE } },
    [F_DIG_UPD] = { "C_DigestUpdate", { COMMON, CKR_OPERATION_NOT_INITIALIZED } },
    [F_DIG_FIN] = { "C_DigestFinal",
                    { COMMON, CKR_BUFFER_TOO_SMALL, CKR_OPERATION_NOT_INITIALIZED } },
    [F_DIGKEY] = { "C_DigestKey",
                   { COMMON, CKR_KEY_HANDLE_INVALID, CKR_KEY_INDIGESTIBLE, CKR_KEY_SIZE_RANGE,
                     CKR_OPERATION_NOT_INITIALIZED } },
    [F_SIGN_INIT] = { "C_SignInit", { COMMON, INIT_KEY } },
    [F_SIGN] = { "C_Sign",
                 { COMMON, CKR_BUFFER_TOO_SMALL, CKR_DATA_INVALID, CKR_DATA_LEN_RANGE,
                   CKR_OPERATION_NOT_INITIALIZED, CKR_USER_NOT_LOGGED_IN,
                   CKR_FUNCTION_REJECTED, CKR_OPERATION_ACTIVE } },
    [F_SIGN_UPD] = { "C_SignUpdate",
                     { COMMON, CKR_DATA_LEN_RANGE, CKR_OPERATION_NOT_INITIALIZED,
                       CKR_USER_NOT_LOGGED_IN } },
    [F_SIGN_FIN] = { "C_SignFinal",
                     { COMMON, CKR_BUFFER_TOO_SMALL, CKR_DATA_LEN_RANGE,
                       CKR_OPERATION_NOT_INITIALIZED, CKR_USER_NOT_LOGGED_IN,
                       CKR_FUNCTION_REJECTED } },
    [F_VER_INIT] = { "C_VerifyInit", { COMMON, INIT_KEY } },
    [F_VER] = { "C_Verify",
                { COMMON, CKR_DATA_INVALID, CKR_DATA_LEN_RANGE, CKR_OPERATION_NOT_INITIALIZED,
                  CKR_SIGNATURE_INVALID, CKR_SIGNATURE_LEN_RANGE, CKR_OPERATION_ACTIVE } },
    [F_VER_UPD] = { "C_VerifyUpdate",
                    { COMMON, CKR_DATA_LEN_RANGE, CKR_OPERATION_NOT_INITIALIZED } },
    [F_VER_FIN] = { "C_VerifyFinal",
                    { COMMON, CKR_DATA_LEN_RANGE, CKR_OPERATION_NOT_INITIALIZED,
                      CKR_SIGNATURE_INVALID, CKR_SIGNATURE_LEN_RANGE } },
    [F_CREATE] = { "C_CreateObject", { COMMON, TEMPLATE } },
    [F_COPY] = { "C_CopyObject",
                 { COMMON, TEMPLATE, CKR_OBJECT_HANDLE_INVALID, CKR_ACTION_PROHIBITED } },
    [F_DESTROY] = { "C_DestroyObject",
                    { COMMON, CKR_ACTION_PROHIBITED, CKR_OBJECT_HANDLE_INVALID, CKR_PIN_EXPIRED,
                      CKR_SESSION_READ_ONLY, CKR_TOKEN_WRITE_PROTECTED } },
    [F_GETATTR] = { "C_GetAttributeValue",
                    { COMMON, CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID,
                      CKR_BUFFER_TOO_SMALL, CKR_OBJECT_HANDLE_INVALID } },
    [F_SETATTR] = { "C_SetAttributeValue",
                    { COMMON, CKR_ACTION_PROHIBITED, CKR_ATTRIBUTE_READ_ONLY,
                      CKR_ATTRIBUTE_TYPE_INVALID, CKR_ATTRIBUTE_VALUE_INVALID,
                      CKR_OBJECT_HANDLE_INVALID, CKR_SESSION_READ_ONLY,
                      CKR_TEMPLATE_INCONSISTENT, CKR_TOKEN_WRITE_PROTECTED,
                      CKR_USER_NOT_LOGGED_IN } },
    [F_SIZE] = { "C_GetObjectSize",
                 { COMMON, CKR_INFORMATION_SENSITIVE, CKR_OBJECT_HANDLE_INVALID } },
    [F_FIND_INIT] = { "C_FindObjectsInit",
                      { COMMON, CKR_ATTRIBUTE_TYPE_INVALID, CKR_ATTRIBUTE_VALUE_INVALID,
                        CKR_OPERATION_ACTIVE, CKR_PIN_EXPIRED } },
    [F_FIND] = { "C_FindObjects", { COMMON, CKR_OPERATION_NOT_INITIALIZED } },
    [F_FIND_FIN] = { "C_FindObjectsFinal", { COMMON, CKR_OPERATION_NOT_INITIALIZED } },
    [F_GENKEY] = { "C_GenerateKey",
                   { COMMON, TEMPLATE, CKR_MECHANISM_INVALID, CKR_MECHANISM_PARAM_INVALID,
                     CKR_OPERATION_ACTIVE } },
    [F_WRAP] = { "C_WrapKey",
                 { COMMON, CKR_BUFFER_TOO_SMALL, CKR_KEY_HANDLE_INVALID, CKR_KEY_NOT_WRAPPABLE,
                   CKR_KEY_SIZE_RANGE, CKR_KEY_UNEXTRACTABLE, CKR_MECHANISM_INVALID,
                   CKR_MECHANISM_PARAM_INVALID, CKR_OPERATION_ACTIVE, CKR_PIN_EXPIRED,
                   CKR_USER_NOT_LOGGED_IN, CKR_WRAPPING_KEY_HANDLE_INVALID,
                   CKR_WRAPPING_KEY_SIZE_RANGE, CKR_WRAPPING_KEY_TYPE_INCONSISTENT,
                   CKR_KEY_FUNCTION_NOT_PERMITTED } },
    [F_UNWRAP] = { "C_UnwrapKey",
                   { COMMON, TEMPLATE, CKR_BUFFER_TOO_SMALL, CKR_MECHANISM_INVALID,
                     CKR_MECHANISM_PARAM_INVALID, CKR_OPERATION_ACTIVE,
                     CKR_UNWRAPPING_KEY_HANDLE_INVALID, CKR_UNWRAPPING_KEY_SIZE_RANGE,
                     CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT, CKR_WRAPPED_KEY_INVALID,
                     CKR_WRAPPED_KEY_LEN_RANGE, CKR_KEY_FUNCTION_NOT_PERMITTED } },
    [F_RANDOM] = { "C_GenerateRandom",
                   { COMMON, CKR_OPERATION_ACTIVE, CKR_RANDOM_NO_RNG } },
    [F_SEED] = { "C_SeedRandom",
                 { COMMON, CKR_OPERATION_ACTIVE, CKR_RANDOM_NO_RNG,
                   CKR_RANDOM_SEED_NOT_SUPPORTED } },
    [F_SESSINFO] = { "C_GetSessionInfo", { COMMON } },
    [F_GETSTATE] = { "C_GetOperationState",
                     { COMMON, CKR_BUFFER_TOO_SMALL, CKR_OPERATION_NOT_INITIALIZED,
                       CKR_STATE_UNSAVEABLE, CKR_FUNCTION_NOT_SUPPORTED } },
    [F_SETSTATE] = { "C_SetOperationState",
                     { COMMON, CKR_KEY_CHANGED, CKR_KEY_NEEDED, CKR_KEY_NOT_NEEDED,
                       CKR_SAVED_STATE_INVALID, CKR_FUNCTION_NOT_SUPPORTED } },
    [F_MECHINFO] = { "C_GetMechanismInfo",
                     { COMMON, CKR_MECHANISM_INVALID, CKR_SLOT_ID_INVALID,
                       CKR_TOKEN_NOT_PRESENT, CKR_TOKEN_NOT_RECOGNIZED } },
    [F_STATUS] = { "C_GetFunctionStatus", { COMMON, CKR_FUNCTION_NOT_PARALLEL } },
    [F_CANCEL] = { "C_CancelFunction", { COMMON, CKR_FUNCTION_NOT_PARALLEL } },
    [F_WAIT] = { "C_WaitForSlotEvent", { COMMON, CKR_NO_EVENT, CKR_FUNCTION_NOT_SUPPORTED } },
    /* not offered by kcrypt: CKR_FUNCTION_NOT_SUPPORTED is every stub's answer */
    [F_DIGENC] = { "C_DigestEncryptUpdate",
                   { COMMON, CRYPT_DATA, CKR_FUNCTION_NOT_SUPPORTED } },
    [F_SIGNREC_INIT] = { "C_SignRecoverInit", { COMMON, INIT_KEY, CKR_FUNCTION_NOT_SUPPORTED } },
};

static int listed(int fn, CK_RV rv)
{
    for (size_t i = 0; i < sizeof allowed[fn].ok / sizeof(CK_RV); i++)
        if (allowed[fn].ok[i] == rv && (rv != CKR_OK || i == 0))
            return 1;
    return 0;
}

/* ---- random inputs ---- */
typedef struct {
    unsigned long long s;
    CK_SESSION_HANDLE own;
    CK_OBJECT_HANDLE objs[16];
    size_t nobjs;
    unsigned char buf[4096], out[8192];
    unsigned char pbuf[256];
    CK_ATTRIBUTE tmpl[8];
    CK_GCM_PARAMS gcm;
    CK_AES_CTR_PARAMS ctr;
    CK_ULONG ul;
    const int *follow;    /* the family of the last Init that succeeded */
} fz;

/* After a successful Init, calls tend to stay in its family, so running
 * operations meet odd lengths, size queries and orders, not only idle ones. */
static const int fam_enc[] = { F_ENC_UPD, F_ENC, F_ENC_FIN, F_GETSTATE, -1 };
static const int fam_dec[] = { F_DEC_UPD, F_DEC, F_DEC_FIN, F_GETSTATE, -1 };
static const int fam_dig[] = { F_DIG_UPD, F_DIG, F_DIG_FIN, F_DIGKEY, F_GETSTATE, F_DIG_INIT, -1 };
static const int fam_sign[] = { F_SIGN_UPD, F_SIGN, F_SIGN_FIN, -1 };
static const int fam_ver[] = { F_VER_UPD, F_VER, F_VER_FIN, -1 };

static unsigned long long rnd(fz *z)
{
    z->s ^= z->s << 13;
    z->s ^= z->s >> 7;
    z->s ^= z->s << 17;
    return z->s;
}
static unsigned rn(fz *z, unsigned n) { return (unsigned)(rnd(z) % n); }

static CK_SESSION_HANDLE sess(fz *z)
{
    static const CK_SESSION_HANDLE odd[] = { 0, 1, 2, 3, 1000, (CK_SESSION_HANDLE)-1 };
    return rn(z, 10) ? z->own : odd[rn(z, 6)];
}
static CK_OBJECT_HANDLE obj(fz *z)
{
    static const CK_OBJECT_HANDLE odd[] = { 0, 1, 7, 999, (CK_OBJECT_HANDLE)-1 };
    return z->nobjs && rn(z, 6) ? z->objs[rn(z, (unsigned)z->nobjs)] : odd[rn(z, 5)];
}
/* A data length: mostly within buf, sometimes huge or wrapping. */
static CK_ULONG dlen(fz *z)
{
    static const CK_ULONG huge[] = { (CK_ULONG)1 << 63 | 1, (CK_ULONG)-1, (CK_ULONG)-16,
                                     (CK_ULONG)-5, (CK_ULONG)1 << 60, ((CK_ULONG)1 << 62) + 3 };
    unsigned r = rn(z, 20);
    /* SoftHSM ends the process on these (pkcs11_seq_softhsm records it) */
    if (r < 3 && !p11r_reference)
        return huge[rn(z, 6)];
    if (r < 8)
        return rn(z, 4) * 16;
    return rn(z, (unsigned)sizeof z->buf / 4);
}
/* An output length: size query (returned with a NULL buffer), short, right. */
static CK_BYTE *outp(fz *z, CK_ULONG *l)
{
    switch (rn(z, 4)) {
    case 0:
        *l = 0;
        return NULL;
    case 1:
        *l = rn(z, 20);
        return z->out;
    default:
        *l = sizeof z->out;
        return z->out;
    }
}
static CK_MECHANISM mech(fz *z)
{
    static const CK_MECHANISM_TYPE ms[] = {
        CKM_AES_ECB, CKM_AES_CBC, CKM_AES_CBC_PAD, CKM_AES_CTR, CKM_AES_GCM, CKM_AES_CCM,
        CKM_AES_CTS, CKM_CHACHA20_POLY1305, CKM_SHA_1, CKM_SHA256, CKM_SHA512, CKM_SHA3_256,
        CKM_SHA256_HMAC, CKM_SHA256_HMAC_GENERAL, CKM_AES_CMAC, CKM_AES_KEY_WRAP,
        CKM_AES_KEY_WRAP_PAD, CKM_AES_KEY_GEN, CKM_GENERIC_SECRET_KEY_GEN, 0x80001234,
    };
    CK_MECHANISM m = { ms[rn(z, sizeof ms / sizeof ms[0])], NULL, 0 };
    for (size_t i = 0; i < sizeof z->pbuf; i++)
        z->pbuf[i] = (unsigned char)rnd(z);
    if (rn(z, 2)) {   /* half the time a mechanism with right parameters: operations start */
        static const CK_MECHANISM_TYPE good[] = { CKM_AES_ECB, CKM_AES_CBC, CKM_AES_CBC_PAD,
                                                  CKM_AES_CTR, CKM_AES_GCM, CKM_SHA256,
                                                  CKM_SHA256_HMAC, CKM_AES_KEY_WRAP_PAD };
        m.mechanism = good[rn(z, 8)];
        switch (m.mechanism) {
        case CKM_AES_CBC:
        case CKM_AES_CBC_PAD:
            m.pParameter = z->pbuf;
            m.ulParameterLen = 16;
            break;
        case CKM_AES_CTR:
            memcpy(z->ctr.cb, z->pbuf, 16);
            if (rn(z, 2))   /* near the end of a short counter */
                memset(z->ctr.cb + 8, 0xff, 8);
            z->ctr.ulCounterBits = rn(z, 2) ? 128 : 8 * (1 + rn(z, 15));
            m.pParameter = &z->ctr;
            m.ulParameterLen = sizeof z->ctr;
            break;
        case CKM_AES_GCM:
            z->gcm = (CK_GCM_PARAMS){ z->pbuf, 12, 96, z->pbuf + 64, rn(z, 64), 128 };
            m.pParameter = &z->gcm;
            m.ulParameterLen = sizeof z->gcm;
            break;
        default:
            break;
        }
        return m;
    }
    switch (rn(z, 5)) {
    case 0:
        break;
    case 1:   /* random bytes, shorter than any parameter struct holding pointers */
        m.pParameter = z->pbuf;
        m.ulParameterLen = rn(z, 32);
        break;
    case 2:
        m.pParameter = z->pbuf;
        m.ulParameterLen = 16;
        break;
    case 3:   /* GCM params, pointers covering their lengths or huge ones */
        m.mechanism = CKM_AES_GCM;
        z->gcm = (CK_GCM_PARAMS){ z->pbuf, rn(z, 3) ? 12 : rn(z, 64), rn(z, 2) ? 96 : rn(z, 512),
                                  z->pbuf + 64, rn(z, 10) ? rn(z, 64) : dlen(z),
                                  rn(z, 3) ? 128 : rn(z, 200) };
        if (z->gcm.ulAADLen > 192 && z->gcm.ulAADLen < ((CK_ULONG)1 << 60))
            z->gcm.ulAADLen = 0;
        m.pParameter = &z->gcm;
        m.ulParameterLen = rn(z, 8) ? sizeof z->gcm : rn(z, 32);
        break;
    default:   /* CTR-shaped, or a CK_ULONG (MAC length) */
        if (rn(z, 2)) {
            memcpy(z->ctr.cb, z->pbuf, 16);
            z->ctr.ulCounterBits = rn(z, 3) ? rn(z, 140) : 128;
            m.pParameter = &z->ctr;
            m.ulParameterLen = sizeof z->ctr;
        } else {
            z->ul = rn(z, 80);
            m.pParameter = &z->ul;
            m.ulParameterLen = sizeof z->ul;
        }
    }
    return m;
}
static CK_ULONG tmpl(fz *z)
{
    static CK_OBJECT_CLASS cls[] = { CKO_SECRET_KEY, CKO_DATA, CKO_CERTIFICATE, 0x1234 };
    static CK_KEY_TYPE kts[] = { CKK_AES, CKK_GENERIC_SECRET, CKK_SHA256_HMAC, CKK_RSA };
    static CK_BBOOL tf[] = { CK_TRUE, CK_FALSE };
    static const CK_ATTRIBUTE_TYPE bools[] = { CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE,
                                               CKA_EXTRACTABLE, CKA_ENCRYPT, CKA_DECRYPT,
                                               CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP,
                                               CKA_MODIFIABLE, CKA_COPYABLE };
    CK_ULONG n = rn(z, 8);
    for (CK_ULONG i = 0; i < n; i++) {
        CK_ATTRIBUTE *a = &z->tmpl[i];
        switch (rn(z, 6)) {
        case 0: *a = (CK_ATTRIBUTE){ CKA_CLASS, &cls[rn(z, 4)], sizeof(CK_ULONG) }; break;
        case 1: *a = (CK_ATTRIBUTE){ CKA_KEY_TYPE, &kts[rn(z, 4)], sizeof(CK_ULONG) }; break;
        case 2: *a = (CK_ATTRIBUTE){ CKA_VALUE, z->buf, rn(z, 70) }; break;
        case 3: *a = (CK_ATTRIBUTE){ CKA_VALUE_LEN, &z->ul, sizeof z->ul };
            z->ul = rn(z, 4) ? 16 * (1 + rn(z, 2)) : rn(z, 100); break;
        case 4: *a = (CK_ATTRIBUTE){ CKA_LABEL, z->buf, rn(z, 40) }; break;
        default:
            *a = (CK_ATTRIBUTE){ bools[rn(z, 12)], &tf[rn(z, 2)], rn(z, 10) ? 1 : rn(z, 9) };
            if (a->ulValueLen > 1)
                a->pValue = z->buf;
        }
        if (!rn(z, 30))   /* a length no caller can own, with a NULL or small buffer */
            a->ulValueLen = dlen(z) | (CK_ULONG)1 << 61;
    }
    /* tokens stay in memory: a token object would outlive the run */
    if (n < 8)
        z->tmpl[n++] = (CK_ATTRIBUTE){ CKA_TOKEN, &tf[1], 1 };
    return n;
}

static int finalized;   /* after C_Finalize only CKR_CRYPTOKI_NOT_INITIALIZED is right */

static void note(fz *z, int fn, CK_RV rv)
{
    pthread_mutex_lock(&tally_lock);
    if (finalized && rv != CKR_CRYPTOKI_NOT_INITIALIZED) {
        if (p11r_reference) {
            p11r_diffs++;
            printf("DIFF %s after C_Finalize: 0x%lx\n", allowed[fn].name, rv);
        } else {
            kct_fail(T, allowed[fn].name, "after C_Finalize: 0x%lx", rv);
        }
    } else if (listed(fn, rv))
        kct_pass(T, allowed[fn].name);
    else if (p11r_reference) {
        p11r_diffs++;
        printf("DIFF %s: 0x%lx not listed\n", allowed[fn].name, rv);
    } else
        kct_fail(T, allowed[fn].name, "returned 0x%lx, not listed (seed state %llx)", rv, z->s);
    pthread_mutex_unlock(&tally_lock);
}

static void one_call(fz *z)
{
    static const int inits[] = { F_ENC_INIT, F_DEC_INIT, F_DIG_INIT, F_SIGN_INIT, F_VER_INIT };
    int fn = rn(z, 4) ? (int)rn(z, F_COUNT) : inits[rn(z, 5)];
    if (z->follow && rn(z, 4)) {
        int k = 0;
        while (z->follow[k] >= 0)
            k++;
        fn = z->follow[rn(z, (unsigned)k)];
    }
    CK_ULONG l, n = dlen(z);
    CK_MECHANISM m = mech(z);
    CK_BYTE *o;
    CK_RV rv;
    /* a huge length must come with a buffer it cannot be checked against */
    CK_BYTE *in = z->buf;
    if (n > sizeof z->buf && n <= ((CK_ULONG)1 << 60))   /* P11_LEN_MAX is accepted */
        n = sizeof z->buf;
    switch (fn) {
    case F_ENC_INIT: rv = f->C_EncryptInit(sess(z), &m, obj(z)); break;
    case F_DEC_INIT: rv = f->C_DecryptInit(sess(z), &m, obj(z)); break;
    case F_SIGN_INIT: rv = f->C_SignInit(sess(z), &m, obj(z)); break;
    case F_VER_INIT: rv = f->C_VerifyInit(sess(z), &m, obj(z)); break;
    case F_DIG_INIT: rv = f->C_DigestInit(sess(z), &m); break;
    case F_ENC: o = outp(z, &l); rv = f->C_Encrypt(sess(z), in, n, o, &l); break;
    case F_DEC: o = outp(z, &l); rv = f->C_Decrypt(sess(z), in, n, o, &l); break;
    case F_ENC_UPD: o = outp(z, &l); rv = f->C_EncryptUpdate(sess(z), in, n, o, &l); break;
    case F_DEC_UPD: o = outp(z, &l); rv = f->C_DecryptUpdate(sess(z), in, n, o, &l); break;
    case F_ENC_FIN: o = outp(z, &l); rv = f->C_EncryptFinal(sess(z), o, &l); break;
    case F_DEC_FIN: o = outp(z, &l); rv = f->C_DecryptFinal(sess(z), o, &l); break;
    case F_DIG: o = outp(z, &l); rv = f->C_Digest(sess(z), in, n, o, &l); break;
    case F_DIG_UPD: rv = f->C_DigestUpdate(sess(z), in, n); break;
    case F_DIG_FIN: o = outp(z, &l); rv = f->C_DigestFinal(sess(z), o, &l); break;
    case F_DIGKEY: rv = f->C_DigestKey(sess(z), obj(z)); break;
    case F_SIGN: o = outp(z, &l); rv = f->C_Sign(sess(z), in, n, o, &l); break;
    case F_SIGN_UPD: rv = f->C_SignUpdate(sess(z), in, n); break;
    case F_SIGN_FIN: o = outp(z, &l); rv = f->C_SignFinal(sess(z), o, &l); break;
    case F_VER: rv = f->C_Verify(sess(z), in, n, z->pbuf, rn(z, 70)); break;
    case F_VER_UPD: rv = f->C_VerifyUpdate(sess(z), in, n); break;
    case F_VER_FIN: rv = f->C_VerifyFinal(sess(z), z->pbuf, rn(z, 70)); break;
    case F_CREATE: {
        CK_OBJECT_HANDLE h = 0;
        rv = f->C_CreateObject(sess(z), z->tmpl, tmpl(z), &h);
        if (rv == CKR_OK && z->nobjs < 16)
            z->objs[z->nobjs++] = h;
        break;
    }
    case F_COPY: {
        CK_OBJECT_HANDLE h = 0;
        CK_ULONG tn = tmpl(z);
        rv = f->C_CopyObject(sess(z), obj(z), z->tmpl, tn, &h);
        break;
    }
    case F_DESTROY: rv = f->C_DestroyObject(sess(z), obj(z)); break;
    case F_GETATTR: {
        CK_ULONG tn = tmpl(z);
        for (CK_ULONG i = 0; i < tn; i++) {   /* the module writes into these */
            z->tmpl[i].pValue = rn(z, 3) ? z->out + 64 * i : NULL;
            if (z->tmpl[i].ulValueLen > 64 || rn(z, 3) == 0)
                z->tmpl[i].ulValueLen = rn(z, 65);
        }
        rv = f->C_GetAttributeValue(sess(z), obj(z), z->tmpl, tn);
        break;
    }
    case F_SETATTR: {
        CK_ULONG tn = tmpl(z);
        rv = f->C_SetAttributeValue(sess(z), obj(z), z->tmpl, tn);
        break;
    }
    case F_SIZE: rv = f->C_GetObjectSize(sess(z), obj(z), &l); break;
    case F_FIND_INIT: {
        CK_ULONG tn = rn(z, 2) ? tmpl(z) : 0;
        rv = f->C_FindObjectsInit(sess(z), tn ? z->tmpl : NULL, tn);
        break;
    }
    case F_FIND: {
        CK_OBJECT_HANDLE hs[8];
        rv = f->C_FindObjects(sess(z), hs, rn(z, 9), &l);
        break;
    }
    case F_FIND_FIN: rv = f->C_FindObjectsFinal(sess(z)); break;
    case F_GENKEY: {
        CK_OBJECT_HANDLE h = 0;
        CK_ULONG tn = tmpl(z);
        rv = f->C_GenerateKey(sess(z), &m, z->tmpl, tn, &h);
        if (rv == CKR_OK && z->nobjs < 16)
            z->objs[z->nobjs++] = h;
        break;
    }
    case F_WRAP: o = outp(z, &l); rv = f->C_WrapKey(sess(z), &m, obj(z), obj(z), o, &l); break;
    case F_UNWRAP: {
        CK_OBJECT_HANDLE h = 0;
        CK_ULONG tn = tmpl(z);
        rv = f->C_UnwrapKey(sess(z), &m, obj(z), in, n > 512 ? rn(z, 64) : n, z->tmpl, tn, &h);
        break;
    }
    case F_RANDOM:
        rv = f->C_GenerateRandom(sess(z), z->out, rn(z, (unsigned)sizeof z->out));
        break;
    case F_SEED: rv = f->C_SeedRandom(sess(z), in, n > 512 ? rn(z, 64) : n); break;
    case F_SESSINFO: {
        CK_SESSION_INFO si;
        rv = f->C_GetSessionInfo(sess(z), &si);
        break;
    }
    case F_GETSTATE: o = outp(z, &l); rv = f->C_GetOperationState(sess(z), o, &l); break;
    case F_SETSTATE:
        rv = f->C_SetOperationState(sess(z), in, n > 512 ? rn(z, 100) : n, 0, 0);
        break;
    case F_MECHINFO: {
        CK_MECHANISM_INFO mi;
        rv = f->C_GetMechanismInfo(rn(z, 8) ? 1 : rn(z, 4), m.mechanism, &mi);
        break;
    }
    case F_CANCEL: rv = f->C_CancelFunction(sess(z)); break;
    case F_WAIT: {
        CK_SLOT_ID sl;
        rv = f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &sl, NULL);
        break;
    }
    case F_DIGENC: o = outp(z, &l); rv = f->C_DigestEncryptUpdate(sess(z), in, n, o, &l); break;
    case F_SIGNREC_INIT: rv = f->C_SignRecoverInit(sess(z), &m, obj(z)); break;
    default: rv = f->C_GetFunctionStatus(sess(z)); break;
    }
    note(z, fn, rv);
    if (rv == CKR_OK)
        switch (fn) {
        case F_ENC_INIT: z->follow = fam_enc; break;
        case F_DEC_INIT: z->follow = fam_dec; break;
        case F_DIG_INIT: z->follow = fam_dig; break;
        case F_SIGN_INIT: z->follow = fam_sign; break;
        case F_VER_INIT: z->follow = fam_ver; break;
        case F_ENC: case F_ENC_FIN: case F_DEC: case F_DEC_FIN: case F_DIG: case F_DIG_FIN:
        case F_SIGN: case F_SIGN_FIN: case F_VER: case F_VER_FIN:
            z->follow = NULL;   /* ended, or a size answer: start something new */
            break;
        default: break;
        }
    else if (rv != CKR_BUFFER_TOO_SMALL && z->follow && !rn(z, 3))
        z->follow = NULL;
}

static CK_SLOT_ID SLOT;
static unsigned long CALLS;

static void *thread_main(void *arg)
{
    fz *z = arg;
    if (f->C_OpenSession(SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &z->own) !=
        CKR_OK)
        return NULL;
    for (size_t i = 0; i < sizeof z->buf; i++)
        z->buf[i] = (unsigned char)rnd(z);
    for (unsigned long i = 0; i < CALLS; i++)
        one_call(z);
    (void)f->C_CloseSession(z->own);
    return NULL;
}

/* A call that never returns (a length loop holding the lock) is a failure
 * of its own, reported before the harness's timeout. */
static void hung(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL fuzz: no progress for 240 s (a call hangs)\n0 passed, 1 failed\n";
    if (write(1, msg, sizeof msg - 1)) {
    }
    _exit(1);
}

int main(int argc, char **argv)
{
    signal(SIGALRM, hung);
    alarm(240);
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODULE [--reference] [seed] [calls per thread]\n", argv[0]);
        return 2;
    }
    int a = 2;
    p11r_reference = argc > a && !strcmp(argv[a], "--reference");
    a += p11r_reference;
    unsigned long long seed = argc > a ? strtoull(argv[a], NULL, 0) : 1113;
    CALLS = argc > a + 1 ? strtoul(argv[a + 1], NULL, 0) : 1500;
    char dir[64];
    T = kct_tally_new();
    CK_SESSION_HANDLE s;
    if (p11r_env(dir, sizeof dir) || !p11t_load(argv[1]) || p11r_token(&SLOT, &s))
        return 2;
    printf("seed %llu, %lu calls in each of 4 threads\n", seed, CALLS);
    enum { NT = 4 };
    static fz zs[NT];
    pthread_t th[NT];
    for (int i = 0; i < NT; i++) {
        zs[i].s = seed * 0x9e3779b97f4a7c15ULL + (unsigned long long)i + 1;
        /* a few real keys to aim at */
        static const unsigned char k[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
        zs[i].objs[zs[i].nobjs++] = p11r_key(s, CKK_AES, k, 16, CKA_ENCRYPT, CKA_DECRYPT);
        zs[i].objs[zs[i].nobjs++] = p11r_key(s, CKK_AES, k, 32, CKA_WRAP, CKA_UNWRAP);
        zs[i].objs[zs[i].nobjs++] = p11r_key(s, CKK_GENERIC_SECRET, k, 32, CKA_SIGN, CKA_VERIFY);
        pthread_create(&th[i], NULL, thread_main, &zs[i]);
    }
    for (int i = 0; i < NT; i++)
        pthread_join(th[i], NULL);
    RV("finalize", f->C_Finalize(NULL), CKR_OK);
    finalized = 1;
    for (int i = 0; i < 300; i++)
        one_call(&zs[0]);
    if (p11r_reference)
        printf("%zu return codes not listed for their function (DIFF lines)\n", p11r_diffs);
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
    return rc;
}
