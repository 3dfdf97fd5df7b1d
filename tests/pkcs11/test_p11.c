/* SPDX-License-Identifier: Apache-2.0 */
/* The token over its function list: every entry point, the CKR_* code for
 * bad templates, handles and states, known answers per mechanism, fork and
 * threads. Run inside a kernel with AF_ALG; the store is a temp directory. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "p11t.h"

CK_FUNCTION_LIST *f;
kct_tally *T;

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret = CKO_SECRET_KEY, data_cls = CKO_DATA;
static CK_KEY_TYPE aes = CKK_AES, generic = CKK_GENERIC_SECRET;

#define H p11t_hex

static CK_OBJECT_HANDLE mk_key(CK_SESSION_HANDLE s, CK_KEY_TYPE kt, const char *hex, int extractable)
{
    kct_bytes k = H(hex);
    CK_ATTRIBUTE t[] = {
        { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &kt, sizeof kt },
        { CKA_VALUE, k.p, k.n }, { CKA_EXTRACTABLE, extractable ? &yes : &no, 1 },
        { CKA_SENSITIVE, extractable ? &no : &yes, 1 },
    };
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = f->C_CreateObject(s, t, 5, &h);
    kct_bytes_free(&k);
    if (rv != CKR_OK)
        printf("create key failed 0x%lx\n", rv);
    return h;
}

/* A key-encryption key: wraps and unwraps, neither encrypts nor decrypts
 * (the token refuses a key that does both, see pkcs11/README.md). */
static CK_OBJECT_HANDLE mk_kek(CK_SESSION_HANDLE s, const char *hex)
{
    kct_bytes k = H(hex);
    CK_ATTRIBUTE t[] = {
        { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
        { CKA_VALUE, k.p, k.n }, { CKA_WRAP, &yes, 1 }, { CKA_UNWRAP, &yes, 1 },
        { CKA_ENCRYPT, &no, 1 }, { CKA_DECRYPT, &no, 1 },
    };
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = f->C_CreateObject(s, t, 7, &h);
    kct_bytes_free(&k);
    if (rv != CKR_OK)
        printf("create KEK failed 0x%lx\n", rv);
    return h;
}

/* ---- areas ---- */

static CK_RV app_create(void **m) { *m = malloc(1); return CKR_OK; }
static CK_RV app_destroy(void *m) { free(m); return CKR_OK; }
static int app_locks;
static CK_RV app_lock(void *m) { (void)m; app_locks++; return CKR_OK; }
static CK_RV app_unlock(void *m) { (void)m; return CKR_OK; }

static void module_area(void *lib)
{
    const char *A = "module";
    CK_INFO info;
    RV(A, f->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
    RV(A, f->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
    kc_fn_get_interface_list gil = (kc_fn_get_interface_list)dlsym(lib, "C_GetInterfaceList");
    kc_fn_get_interface gi = (kc_fn_get_interface)dlsym(lib, "C_GetInterface");
    CHECK(A, gil && gi, "3.0 entry points missing");
    if (gil && gi) {
        CK_ULONG n = 0;
        RV(A, gil(NULL, &n), CKR_OK);
        CHECK(A, n == 2, "interfaces %lu", n);
        KC_CK_INTERFACE *ifc = NULL;
        CK_VERSION v30 = { 3, 0 };
        RV(A, gi((CK_UTF8CHAR *)"PKCS 11", &v30, &ifc, 0), CKR_OK);
        CHECK(A, ifc && ((KC_CK_FUNCTION_LIST_3_0 *)ifc->pFunctionList)->version.major == 3,
              "3.0 list");
        CK_VERSION v9 = { 9, 9 };
        RV(A, gi(NULL, &v9, &ifc, 0), CKR_FUNCTION_FAILED);
    }
    /* Application mutexes without CKF_OS_LOCKING_OK are used. */
    CK_C_INITIALIZE_ARGS a = { app_create, app_destroy, app_lock, app_unlock, 0, NULL };
    RV(A, f->C_Initialize(&a), CKR_OK);
    RV(A, f->C_Initialize(&a), CKR_CRYPTOKI_ALREADY_INITIALIZED);
    RV(A, f->C_GetInfo(&info), CKR_OK);
    CHECK(A, app_locks > 0, "application LockMutex never called");
    CHECK(A, info.cryptokiVersion.major == 3, "version");
    RV(A, f->C_Finalize(&a), CKR_ARGUMENTS_BAD);
    RV(A, f->C_Finalize(NULL), CKR_OK);
    CK_C_INITIALIZE_ARGS half = { app_create, NULL, NULL, NULL, 0, NULL };
    RV(A, f->C_Initialize(&half), CKR_ARGUMENTS_BAD);
    CK_C_INITIALIZE_ARGS os = { NULL, NULL, NULL, NULL, CKF_OS_LOCKING_OK, NULL };
    RV(A, f->C_Initialize(&os), CKR_OK);
}

static void slot_area(void)
{
    const char *A = "slot";
    CK_ULONG n = 0;
    CK_SLOT_ID slot;
    RV(A, f->C_GetSlotList(CK_TRUE, NULL, &n), CKR_OK);
    CHECK(A, n == 1, "slots %lu", n);
    n = 0;
    RV(A, f->C_GetSlotList(CK_TRUE, &slot, &n), CKR_BUFFER_TOO_SMALL);
    n = 1;
    RV(A, f->C_GetSlotList(CK_TRUE, &slot, &n), CKR_OK);
    CK_SLOT_INFO si;
    RV(A, f->C_GetSlotInfo(slot, &si), CKR_OK);
    RV(A, f->C_GetSlotInfo(99, &si), CKR_SLOT_ID_INVALID);
    CK_TOKEN_INFO ti;
    RV(A, f->C_GetTokenInfo(slot, &ti), CKR_OK);
    CHECK(A, (ti.flags & CKF_RNG) && (ti.flags & CKF_LOGIN_REQUIRED) &&
          !(ti.flags & CKF_TOKEN_INITIALIZED), "flags 0x%lx", ti.flags);
    RV(A, f->C_GetMechanismList(slot, NULL, &n), CKR_OK);
    CHECK(A, n > 30, "mechanisms %lu", n);
    CK_MECHANISM_INFO mi;
    RV(A, f->C_GetMechanismInfo(slot, CKM_AES_GCM, &mi), CKR_OK);
    CHECK(A, mi.ulMinKeySize == 16 && mi.ulMaxKeySize == 32 && (mi.flags & CKF_ENCRYPT),
          "GCM info");
    RV(A, f->C_GetMechanismInfo(slot, CKM_AES_KEY_WRAP_KWP, &mi), CKR_OK);
    CHECK(A, mi.flags & CKF_WRAP, "KWP flags");
    RV(A, f->C_GetMechanismInfo(slot, CKM_AES_KEY_WRAP_PAD, &mi), CKR_MECHANISM_INVALID);
    /* never offered (RSA is, where the kernel holds RSA keys: pkcs11_rsa) */
    RV(A, f->C_GetMechanismInfo(slot, CKM_ECDSA, &mi), CKR_MECHANISM_INVALID);
    RV(A, f->C_WaitForSlotEvent(0, &slot, NULL), CKR_FUNCTION_NOT_SUPPORTED);
}

static void login_area(CK_SESSION_HANDLE *rw, CK_SESSION_HANDLE *ro)
{
    const char *A = "login";
    CK_UTF8CHAR label[32];
    memset(label, ' ', 32);
    memcpy(label, "kctest", 6);
    CK_SESSION_HANDLE s;
    RV(A, f->C_OpenSession(1, 0, NULL, NULL, &s), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    RV(A, f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_OK);
    RV(A, f->C_InitToken(1, (CK_UTF8CHAR *)"87654321", 8, label), CKR_SESSION_EXISTS);
    RV(A, f->C_Login(s, CKU_USER, (CK_UTF8CHAR *)"1234", 4), CKR_USER_PIN_NOT_INITIALIZED);
    RV(A, f->C_CloseSession(s), CKR_OK);
    RV(A, f->C_CloseSession(s), CKR_SESSION_HANDLE_INVALID);
    RV(A, f->C_InitToken(1, (CK_UTF8CHAR *)"123", 3, label), CKR_PIN_LEN_RANGE);
    RV(A, f->C_InitToken(1, (CK_UTF8CHAR *)"87654321", 8, label), CKR_OK);
    RV(A, f->C_InitToken(1, (CK_UTF8CHAR *)"00000000", 8, label), CKR_PIN_INCORRECT);
    CK_TOKEN_INFO ti;
    RV(A, f->C_GetTokenInfo(1, &ti), CKR_OK);
    CHECK(A, (ti.flags & CKF_TOKEN_INITIALIZED) && !(ti.flags & CKF_USER_PIN_INITIALIZED),
          "flags after init 0x%lx", ti.flags);
    CHECK(A, !memcmp(ti.label, label, 32), "label");
    RV(A, f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, ro), CKR_OK);
    RV(A, f->C_OpenSession(1, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, rw), CKR_OK);
    RV(A, f->C_Login(*rw, CKU_SO, (CK_UTF8CHAR *)"87654321", 8), CKR_SESSION_READ_ONLY_EXISTS);
    RV(A, f->C_CloseSession(*ro), CKR_OK);
    RV(A, f->C_InitPIN(*rw, (CK_UTF8CHAR *)"1234", 4), CKR_USER_NOT_LOGGED_IN);
    RV(A, f->C_Login(*rw, 7, (CK_UTF8CHAR *)"87654321", 8), CKR_USER_TYPE_INVALID);
    RV(A, f->C_Login(*rw, CKU_SO, (CK_UTF8CHAR *)"88888888", 8), CKR_PIN_INCORRECT);
    RV(A, f->C_Login(*rw, CKU_SO, (CK_UTF8CHAR *)"87654321", 8), CKR_OK);
    RV(A, f->C_Login(*rw, CKU_SO, (CK_UTF8CHAR *)"87654321", 8), CKR_USER_ALREADY_LOGGED_IN);
    RV(A, f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, ro), CKR_SESSION_READ_WRITE_SO_EXISTS);
    CK_SESSION_INFO si;
    RV(A, f->C_GetSessionInfo(*rw, &si), CKR_OK);
    CHECK(A, si.state == CKS_RW_SO_FUNCTIONS, "SO state %lu", si.state);
    RV(A, f->C_InitPIN(*rw, (CK_UTF8CHAR *)"12", 2), CKR_PIN_LEN_RANGE);
    RV(A, f->C_InitPIN(*rw, (CK_UTF8CHAR *)"1234", 4), CKR_OK);
    RV(A, f->C_Login(*rw, CKU_USER, (CK_UTF8CHAR *)"1234", 4), CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
    RV(A, f->C_Logout(*rw), CKR_OK);
    RV(A, f->C_Logout(*rw), CKR_USER_NOT_LOGGED_IN);
    RV(A, f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, ro), CKR_OK);
    RV(A, f->C_SetPIN(*ro, (CK_UTF8CHAR *)"1234", 4, (CK_UTF8CHAR *)"5678", 4), CKR_SESSION_READ_ONLY);
    RV(A, f->C_SetPIN(*rw, (CK_UTF8CHAR *)"0000", 4, (CK_UTF8CHAR *)"5678", 4), CKR_PIN_INCORRECT);
    RV(A, f->C_SetPIN(*rw, (CK_UTF8CHAR *)"1234", 4, (CK_UTF8CHAR *)"5678", 4), CKR_OK);
    RV(A, f->C_Login(*rw, CKU_USER, (CK_UTF8CHAR *)"1234", 4), CKR_PIN_INCORRECT);
    RV(A, f->C_Login(*rw, CKU_USER, (CK_UTF8CHAR *)"5678", 4), CKR_OK);
    RV(A, f->C_GetSessionInfo(*ro, &si), CKR_OK);
    CHECK(A, si.state == CKS_RO_USER_FUNCTIONS, "user RO state %lu", si.state);
    RV(A, f->C_GetTokenInfo(1, &ti), CKR_OK);
    CHECK(A, ti.flags & CKF_USER_PIN_INITIALIZED, "user pin flag");
}

static void object_area(CK_SESSION_HANDLE rw, CK_SESSION_HANDLE ro)
{
    const char *A = "object";
    CK_OBJECT_HANDLE h, c;
    unsigned char k16[16] = { 0 };
    CK_ULONG len16 = 16;
    CK_ATTRIBUTE no_class[] = { { CKA_KEY_TYPE, &aes, sizeof aes }, { CKA_VALUE, k16, 16 } };
    RV(A, f->C_CreateObject(rw, no_class, 2, &h), CKR_TEMPLATE_INCOMPLETE);
    CK_ATTRIBUTE no_type[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_VALUE, k16, 16 } };
    RV(A, f->C_CreateObject(rw, no_type, 2, &h), CKR_TEMPLATE_INCOMPLETE);
    CK_ATTRIBUTE bad_len[] = { { CKA_CLASS, &secret, sizeof secret },
                               { CKA_KEY_TYPE, &aes, sizeof aes }, { CKA_VALUE, k16, 15 } };
    RV(A, f->C_CreateObject(rw, bad_len, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
    CK_ATTRIBUTE ro_attr[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                               { CKA_VALUE, k16, 16 }, { CKA_LOCAL, &yes, 1 } };
    RV(A, f->C_CreateObject(rw, ro_attr, 4, &h), CKR_ATTRIBUTE_READ_ONLY);
    CK_ATTRIBUTE vlen[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                            { CKA_VALUE, k16, 16 }, { CKA_VALUE_LEN, &len16, sizeof len16 } };
    RV(A, f->C_CreateObject(rw, vlen, 4, &h), CKR_TEMPLATE_INCONSISTENT);
    CK_ATTRIBUTE dup[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                           { CKA_VALUE, k16, 16 }, { CKA_KEY_TYPE, &aes, sizeof aes } };
    RV(A, f->C_CreateObject(rw, dup, 4, &h), CKR_TEMPLATE_INCONSISTENT);
    CK_ATTRIBUTE badbool[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                               { CKA_VALUE, k16, 16 }, { CKA_SENSITIVE, &len16, sizeof len16 } };
    RV(A, f->C_CreateObject(rw, badbool, 4, &h), CKR_ATTRIBUTE_VALUE_INVALID);
    CK_ATTRIBUTE unknown[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                               { CKA_VALUE, k16, 16 }, { CKA_MODULUS, k16, 16 } };
    RV(A, f->C_CreateObject(rw, unknown, 4, &h), CKR_ATTRIBUTE_TYPE_INVALID);
    CK_ATTRIBUTE tok[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                           { CKA_VALUE, k16, 16 }, { CKA_TOKEN, &yes, 1 } };
    RV(A, f->C_CreateObject(ro, tok, 4, &h), CKR_SESSION_READ_ONLY);
    RV(A, f->C_CreateObject(99, tok, 4, &h), CKR_SESSION_HANDLE_INVALID);

    /* FIPS-197 key: CKA_CHECK_VALUE is AES-ECB of a zero block. */
    h = mk_key(rw, aes, "000102030405060708090a0b0c0d0e0f", 0);
    CHECK(A, h != 0, "create");
    unsigned char buf[64];
    CK_ATTRIBUTE get[] = { { CKA_VALUE, buf, sizeof buf }, { CKA_CHECK_VALUE, buf + 32, 3 } };
    RV(A, f->C_GetAttributeValue(rw, h, get, 2), CKR_ATTRIBUTE_SENSITIVE);
    CHECK(A, get[0].ulValueLen == CK_UNAVAILABLE_INFORMATION && get[1].ulValueLen == 3,
          "sensitive lengths");
    kct_bytes cv = H("c6a13b"); /* AES-128(000102..0f, 0^128) = c6a13b37... */
    CHECK(A, !memcmp(buf + 32, cv.p, 3), "check value");
    kct_bytes_free(&cv);
    CK_BBOOL b;
    CK_ATTRIBUTE flags[] = { { CKA_ALWAYS_SENSITIVE, &b, 1 } };
    RV(A, f->C_GetAttributeValue(rw, h, flags, 1), CKR_OK);
    CHECK(A, b == CK_FALSE, "imported key is not ALWAYS_SENSITIVE");
    CK_ATTRIBUTE unsens[] = { { CKA_SENSITIVE, &no, 1 } };
    RV(A, f->C_SetAttributeValue(rw, h, unsens, 1), CKR_ATTRIBUTE_READ_ONLY);
    CK_ATTRIBUTE mkext[] = { { CKA_EXTRACTABLE, &yes, 1 } };
    RV(A, f->C_SetAttributeValue(rw, h, mkext, 1), CKR_ATTRIBUTE_READ_ONLY);
    CK_ATTRIBUTE lbl[] = { { CKA_LABEL, "hello", 5 } };
    RV(A, f->C_SetAttributeValue(rw, h, lbl, 1), CKR_OK);
    CK_ATTRIBUTE small[] = { { CKA_LABEL, buf, 2 } };
    RV(A, f->C_GetAttributeValue(rw, h, small, 1), CKR_BUFFER_TOO_SMALL);
    CHECK(A, small[0].ulValueLen == CK_UNAVAILABLE_INFORMATION, "too small len");
    CK_ATTRIBUTE q[] = { { CKA_LABEL, NULL, 0 }, { CKA_MODULUS, NULL, 0 } };
    RV(A, f->C_GetAttributeValue(rw, h, q, 2), CKR_ATTRIBUTE_TYPE_INVALID);
    CHECK(A, q[0].ulValueLen == 5, "label size query");

    /* Extractable, non-sensitive key: value readable; generated keys. */
    CK_OBJECT_HANDLE e = mk_key(rw, generic, "0102030405", 1);
    CK_ATTRIBUTE s2[] = { { CKA_SENSITIVE, &no, 1 } };
    RV(A, f->C_SetAttributeValue(rw, e, s2, 1), CKR_OK);
    CK_ATTRIBUTE gv[] = { { CKA_VALUE, buf, sizeof buf } };
    RV(A, f->C_GetAttributeValue(rw, e, gv, 1), CKR_OK);
    CHECK(A, gv[0].ulValueLen == 5 && buf[4] == 5, "extractable value");

    /* Copy, modifiable, destroyable. */
    CK_ATTRIBUTE cp[] = { { CKA_LABEL, "copy", 4 }, { CKA_MODIFIABLE, &no, 1 } };
    RV(A, f->C_CopyObject(rw, h, cp, 2, &c), CKR_OK);
    RV(A, f->C_SetAttributeValue(rw, c, lbl, 1), CKR_ACTION_PROHIBITED);
    CK_ATTRIBUTE cpbad[] = { { CKA_CLASS, &data_cls, sizeof data_cls } };
    CK_OBJECT_HANDLE c2;
    RV(A, f->C_CopyObject(rw, h, cpbad, 1, &c2), CKR_ATTRIBUTE_READ_ONLY);
    CK_ATTRIBUTE nd[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                          { CKA_VALUE, k16, 16 }, { CKA_DESTROYABLE, &no, 1 }, { CKA_COPYABLE, &no, 1 } };
    CK_OBJECT_HANDLE nd_h;
    RV(A, f->C_CreateObject(rw, nd, 5, &nd_h), CKR_OK);
    RV(A, f->C_DestroyObject(rw, nd_h), CKR_ACTION_PROHIBITED);
    RV(A, f->C_CopyObject(rw, nd_h, NULL, 0, &c2), CKR_ACTION_PROHIBITED);
    CK_ULONG size;
    RV(A, f->C_GetObjectSize(rw, h, &size), CKR_OK);
    RV(A, f->C_DestroyObject(rw, c), CKR_OK);
    RV(A, f->C_DestroyObject(rw, c), CKR_OBJECT_HANDLE_INVALID);
    RV(A, f->C_GetAttributeValue(rw, 0, gv, 1), CKR_OBJECT_HANDLE_INVALID);

    /* Data objects, public. */
    CK_ATTRIBUTE d[] = { { CKA_CLASS, &data_cls, sizeof data_cls }, { CKA_VALUE, "abc", 3 },
                         { CKA_APPLICATION, "app", 3 }, { CKA_TOKEN, &yes, 1 } };
    CK_OBJECT_HANDLE dh;
    RV(A, f->C_CreateObject(rw, d, 4, &dh), CKR_OK);
    CK_ATTRIBUTE dv[] = { { CKA_VALUE, buf, sizeof buf } };
    RV(A, f->C_GetAttributeValue(ro, dh, dv, 1), CKR_OK);
    CHECK(A, dv[0].ulValueLen == 3 && !memcmp(buf, "abc", 3), "data value");
    RV(A, f->C_DestroyObject(ro, dh), CKR_SESSION_READ_ONLY);

    /* Find, private objects invisible after logout. */
    CK_OBJECT_HANDLE found[8];
    CK_ULONG nf;
    CK_ATTRIBUTE fk[] = { { CKA_CLASS, &secret, sizeof secret } };
    RV(A, f->C_FindObjects(rw, found, 8, &nf), CKR_OPERATION_NOT_INITIALIZED);
    RV(A, f->C_FindObjectsInit(rw, fk, 1), CKR_OK);
    RV(A, f->C_FindObjectsInit(rw, fk, 1), CKR_OPERATION_ACTIVE);
    RV(A, f->C_FindObjects(rw, found, 8, &nf), CKR_OK);
    CHECK(A, nf == 3, "found %lu secret keys", nf);
    RV(A, f->C_FindObjectsFinal(rw), CKR_OK);
    RV(A, f->C_Logout(rw), CKR_OK);
    RV(A, f->C_FindObjectsInit(rw, fk, 1), CKR_OK);
    RV(A, f->C_FindObjects(rw, found, 8, &nf), CKR_OK);
    CHECK(A, nf == 0, "private keys visible after logout: %lu", nf);
    RV(A, f->C_FindObjectsFinal(rw), CKR_OK);
    RV(A, f->C_GetAttributeValue(rw, h, get, 1), CKR_OBJECT_HANDLE_INVALID);
    CK_ATTRIBUTE priv[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                            { CKA_VALUE, k16, 16 } };
    RV(A, f->C_CreateObject(rw, priv, 3, &c), CKR_USER_NOT_LOGGED_IN);
    RV(A, f->C_Login(rw, CKU_USER, (CK_UTF8CHAR *)"5678", 4), CKR_OK);
    RV(A, f->C_DestroyObject(rw, e), CKR_OK);
}

/* One encryption + decryption with single-part calls against a vector. */
static void kat_crypt(CK_SESSION_HANDLE s, const char *A, CK_MECHANISM *m, CK_OBJECT_HANDLE k,
                      const char *pt_hex, const char *ct_hex)
{
    kct_bytes pt = H(pt_hex), ct = H(ct_hex);
    unsigned char out[256];
    CK_ULONG n = 0;
    RV(A, f->C_EncryptInit(s, m, k), CKR_OK);
    RV(A, f->C_Encrypt(s, pt.p, pt.n, NULL, &n), CKR_OK);
    CHECK(A, n >= ct.n, "size query %lu < %zu", n, ct.n);
    n = ct.n ? ct.n - 1 : 0;
    if (ct.n)
        RV(A, f->C_Encrypt(s, pt.p, pt.n, out, &n), CKR_BUFFER_TOO_SMALL);
    n = sizeof out;
    RV(A, f->C_Encrypt(s, pt.p, pt.n, out, &n), CKR_OK);
    CHECK(A, n == ct.n && !memcmp(out, ct.p, n), "encrypt mismatch");
    RV(A, f->C_Encrypt(s, pt.p, pt.n, out, &n), CKR_OPERATION_NOT_INITIALIZED);
    RV(A, f->C_DecryptInit(s, m, k), CKR_OK);
    n = sizeof out;
    RV(A, f->C_Decrypt(s, ct.p, ct.n, out, &n), CKR_OK);
    CHECK(A, n == pt.n && !memcmp(out, pt.p, n), "decrypt mismatch");
    kct_bytes_free(&pt);
    kct_bytes_free(&ct);
}

static void crypt_area(CK_SESSION_HANDLE s)
{
    CK_OBJECT_HANDLE k = mk_key(s, aes, "000102030405060708090a0b0c0d0e0f", 0);
    CK_MECHANISM ecb = { CKM_AES_ECB, NULL, 0 };
    kat_crypt(s, "AES-ECB", &ecb, k, "00112233445566778899aabbccddeeff",
              "69c4e0d86a7b0430d8cdb78070b4c55a");
    CK_OBJECT_HANDLE k2 = mk_key(s, aes, "2b7e151628aed2a6abf7158809cf4f3c", 0);
    kct_bytes iv = H("000102030405060708090a0b0c0d0e0f");
    CK_MECHANISM cbc = { CKM_AES_CBC, iv.p, 16 };
    kat_crypt(s, "AES-CBC", &cbc, k2, "6bc1bee22e409f96e93d7e117393172a",
              "7649abac8119b246cee98e9b12e9197d");
    kct_bytes ctr0 = H("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    CK_AES_CTR_PARAMS cp;
    cp.ulCounterBits = 128;
    memcpy(cp.cb, ctr0.p, 16);
    CK_MECHANISM ctr = { CKM_AES_CTR, &cp, sizeof cp };
    kat_crypt(s, "AES-CTR", &ctr, k2, "6bc1bee22e409f96e93d7e117393172aae2d8a",
              "874d6191b620e3261bef6864990db6ce9806f6");
    /* CBC_PAD: 16 bytes in gives a full padding block. */
    CK_MECHANISM pad = { CKM_AES_CBC_PAD, iv.p, 16 };
    kat_crypt(s, "AES-CBC-PAD", &pad, k2, "6bc1bee22e409f96e93d7e117393172a",
              "7649abac8119b246cee98e9b12e9197d8964e0b149c10b7b682e6e39aaeb731c");
    /* GCM, McGrew-Viega test case 2. */
    CK_OBJECT_HANDLE kz = mk_key(s, aes, "00000000000000000000000000000000", 0);
    unsigned char iv12[12] = { 0 };
    CK_GCM_PARAMS gp = { iv12, 12, 96, NULL, 0, 128 };
    CK_MECHANISM gcm = { CKM_AES_GCM, &gp, sizeof gp };
    kat_crypt(s, "AES-GCM", &gcm, kz, "00000000000000000000000000000000",
              "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
    CK_GCM_PARAMS gbad = { iv12, 8, 64, NULL, 0, 128 };
    CK_MECHANISM gcmbad = { CKM_AES_GCM, &gbad, sizeof gbad };
    RV("AES-GCM", f->C_EncryptInit(s, &gcmbad, kz), CKR_MECHANISM_PARAM_INVALID);
    /* CCM, SP 800-38C example 1. */
    CK_OBJECT_HANDLE kc = mk_key(s, aes, "404142434445464748494a4b4c4d4e4f", 0);
    kct_bytes nonce = H("10111213141516"), aad = H("0001020304050607");
    KC_CK_CCM_PARAMS ccp = { 4, nonce.p, 7, aad.p, 8, 4 };
    CK_MECHANISM ccm = { CKM_AES_CCM, &ccp, sizeof ccp };
    kat_crypt(s, "AES-CCM", &ccm, kc, "20212223", "7162015b4dac255d");
    /* ChaCha20-Poly1305, RFC 8439 2.8.2 (first 16 bytes of plaintext). */
    CK_KEY_TYPE cc = CKK_CHACHA20;
    CK_OBJECT_HANDLE kch = mk_key(s, cc, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", 0);
    kct_bytes n2 = H("070000004041424344454647"), a2 = H("50515253c0c1c2c3c4c5c6c7");
    KC_CK_CHACHA20_POLY1305_PARAMS chp = { n2.p, 12, a2.p, 12 };
    CK_MECHANISM chm = { CKM_CHACHA20_POLY1305, &chp, sizeof chp };
    /* Round trip plus tamper: the tag covers the AAD. */
    unsigned char msg[40], out[80], back[80];
    memset(msg, 'x', sizeof msg);
    CK_ULONG n = sizeof out, m = sizeof back;
    RV("ChaCha20-Poly1305", f->C_EncryptInit(s, &chm, kch), CKR_OK);
    RV("ChaCha20-Poly1305", f->C_Encrypt(s, msg, 40, out, &n), CKR_OK);
    CHECK("ChaCha20-Poly1305", n == 56, "len %lu", n);
    RV("ChaCha20-Poly1305", f->C_DecryptInit(s, &chm, kch), CKR_OK);
    RV("ChaCha20-Poly1305", f->C_Decrypt(s, out, n, back, &m), CKR_OK);
    CHECK("ChaCha20-Poly1305", m == 40 && !memcmp(back, msg, 40), "round trip");
    out[3] ^= 1;
    RV("ChaCha20-Poly1305", f->C_DecryptInit(s, &chm, kch), CKR_OK);
    m = sizeof back;
    RV("ChaCha20-Poly1305", f->C_Decrypt(s, out, n, back, &m), CKR_ENCRYPTED_DATA_INVALID);
    RV("ChaCha20-Poly1305", f->C_EncryptInit(s, &chm, k), CKR_KEY_TYPE_INCONSISTENT);

    /* Multi-part: uneven pieces through CBC_PAD and GCM equal single-part. */
    const char *A = "multipart";
    unsigned char big[100], one[160], parts[160], back2[200];
    for (int i = 0; i < 100; i++)
        big[i] = (unsigned char)i;
    CK_MECHANISM *mechs[] = { &pad, &gcm, &ctr };
    for (int mi = 0; mi < 3; mi++) {
        CK_OBJECT_HANDLE key = mi == 1 ? kz : k2;
        CK_ULONG n1 = sizeof one, tot = 0, w;
        RV(A, f->C_EncryptInit(s, mechs[mi], key), CKR_OK);
        RV(A, f->C_Encrypt(s, big, 100, one, &n1), CKR_OK);
        RV(A, f->C_EncryptInit(s, mechs[mi], key), CKR_OK);
        static const int cuts[] = { 1, 15, 17, 30, 37 };
        size_t off = 0;
        for (int c = 0; c < 5; c++) {
            w = 0;
            RV(A, f->C_EncryptUpdate(s, big + off, cuts[c], NULL, &w), CKR_OK);
            RV(A, f->C_EncryptUpdate(s, big + off, cuts[c], parts + tot, &w), CKR_OK);
            off += cuts[c];
            tot += w;
        }
        w = 0;
        RV(A, f->C_EncryptFinal(s, NULL, &w), CKR_OK);
        RV(A, f->C_EncryptFinal(s, parts + tot, &w), CKR_OK);
        tot += w;
        CHECK(A, tot == n1 && !memcmp(one, parts, n1), "mech 0x%lx multi != single",
              mechs[mi]->mechanism);
        /* decrypt in two parts */
        CK_ULONG d = 0, w2 = sizeof back2;
        RV(A, f->C_DecryptInit(s, mechs[mi], key), CKR_OK);
        RV(A, f->C_DecryptUpdate(s, one, 50, back2, &w2), CKR_OK);
        d = w2;
        w2 = sizeof back2 - d;
        RV(A, f->C_DecryptUpdate(s, one + 50, n1 - 50, back2 + d, &w2), CKR_OK);
        d += w2;
        w2 = sizeof back2 - d;
        RV(A, f->C_DecryptFinal(s, back2 + d, &w2), CKR_OK);
        d += w2;
        CHECK(A, d == 100 && !memcmp(back2, big, 100), "mech 0x%lx decrypt parts",
              mechs[mi]->mechanism);
    }
    RV(A, f->C_EncryptInit(s, &ecb, k), CKR_OK);
    RV(A, f->C_EncryptInit(s, &ecb, k), CKR_OPERATION_ACTIVE);
    n = sizeof out;
    RV(A, f->C_Encrypt(s, big, 15, out, &n), CKR_DATA_LEN_RANGE);
    RV(A, f->C_EncryptInit(s, &ecb, 12345), CKR_KEY_HANDLE_INVALID);
    CK_MECHANISM ecdsa = { CKM_ECDSA, NULL, 0 };   /* never offered */
    RV(A, f->C_EncryptInit(s, &ecdsa, k), CKR_MECHANISM_INVALID);
    kct_bytes_free(&iv);
    kct_bytes_free(&ctr0);
    kct_bytes_free(&nonce);
    kct_bytes_free(&aad);
    kct_bytes_free(&n2);
    kct_bytes_free(&a2);
}

static void digest_kat(CK_SESSION_HANDLE s, const char *A, CK_MECHANISM_TYPE mt, const char *hex)
{
    CK_MECHANISM m = { mt, NULL, 0 };
    kct_bytes want = H(hex);
    unsigned char out[64];
    CK_ULONG n = 0;
    RV(A, f->C_DigestInit(s, &m), CKR_OK);
    RV(A, f->C_Digest(s, (CK_BYTE *)"abc", 3, NULL, &n), CKR_OK);
    CHECK(A, n == want.n, "size %lu", n);
    n = 1;
    RV(A, f->C_Digest(s, (CK_BYTE *)"abc", 3, out, &n), CKR_BUFFER_TOO_SMALL);
    n = sizeof out;
    RV(A, f->C_Digest(s, (CK_BYTE *)"abc", 3, out, &n), CKR_OK);
    CHECK(A, n == want.n && !memcmp(out, want.p, n), "digest mismatch");
    RV(A, f->C_DigestInit(s, &m), CKR_OK);
    RV(A, f->C_DigestUpdate(s, (CK_BYTE *)"a", 1), CKR_OK);
    RV(A, f->C_DigestUpdate(s, (CK_BYTE *)"bc", 2), CKR_OK);
    n = sizeof out;
    RV(A, f->C_DigestFinal(s, out, &n), CKR_OK);
    CHECK(A, n == want.n && !memcmp(out, want.p, n), "multi-part digest mismatch");
    kct_bytes_free(&want);
}

static void mac_kat(CK_SESSION_HANDLE s, const char *A, CK_MECHANISM *m, CK_OBJECT_HANDLE k,
                    const char *msg_hex, const char *mac_hex)
{
    kct_bytes msg = H(msg_hex), want = H(mac_hex);
    unsigned char out[64];
    CK_ULONG n = sizeof out;
    RV(A, f->C_SignInit(s, m, k), CKR_OK);
    RV(A, f->C_Sign(s, msg.p, msg.n, out, &n), CKR_OK);
    CHECK(A, n == want.n && !memcmp(out, want.p, n), "mac mismatch");
    RV(A, f->C_VerifyInit(s, m, k), CKR_OK);
    RV(A, f->C_VerifyUpdate(s, msg.p, msg.n / 2), CKR_OK);
    RV(A, f->C_VerifyUpdate(s, msg.p + msg.n / 2, msg.n - msg.n / 2), CKR_OK);
    RV(A, f->C_VerifyFinal(s, want.p, want.n), CKR_OK);
    want.p[0] ^= 1;
    RV(A, f->C_VerifyInit(s, m, k), CKR_OK);
    RV(A, f->C_Verify(s, msg.p, msg.n, want.p, want.n), CKR_SIGNATURE_INVALID);
    RV(A, f->C_VerifyInit(s, m, k), CKR_OK);
    RV(A, f->C_Verify(s, msg.p, msg.n, want.p, want.n - 1), CKR_SIGNATURE_LEN_RANGE);
    kct_bytes_free(&msg);
    kct_bytes_free(&want);
}

static void hash_area(CK_SESSION_HANDLE s)
{
    digest_kat(s, "SHA-1", CKM_SHA_1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    digest_kat(s, "SHA-256", CKM_SHA256,
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest_kat(s, "SHA-512", CKM_SHA512,
               "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
               "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    digest_kat(s, "SHA3-256", CKM_SHA3_256,
               "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    CK_MECHANISM bad = { CKM_SHA256, "x", 1 };
    RV("SHA-256", f->C_DigestInit(s, &bad), CKR_MECHANISM_PARAM_INVALID);
    RV("SHA-256", f->C_DigestFinal(s, NULL, NULL), CKR_OPERATION_NOT_INITIALIZED);

    /* RFC 4231 test case 2. */
    CK_OBJECT_HANDLE hk = mk_key(s, generic, "4a656665", 0);
    CK_MECHANISM hm = { CKM_SHA256_HMAC, NULL, 0 };
    mac_kat(s, "HMAC-SHA256", &hm, hk, "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CK_ULONG l = 16;
    CK_MECHANISM hg = { CKM_SHA256_HMAC_GENERAL, &l, sizeof l };
    mac_kat(s, "HMAC-SHA256-GENERAL", &hg, hk,
            "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c7");
    /* RFC 4493 example 2. */
    CK_OBJECT_HANDLE ck = mk_key(s, aes, "2b7e151628aed2a6abf7158809cf4f3c", 0);
    CK_MECHANISM cm = { CKM_AES_CMAC, NULL, 0 };
    mac_kat(s, "AES-CMAC", &cm, ck, "6bc1bee22e409f96e93d7e117393172a",
            "070a16b46b4d4144f79bdd9dd04a287c");
    RV("AES-CMAC", f->C_SignInit(s, &hm, ck), CKR_KEY_TYPE_INCONSISTENT);
}

/* C_GetOperationState/C_SetOperationState: a digest's state moves to
 * another session (strongSwan's hasher needs this), and the refusals. */
static void opstate_area(CK_SESSION_HANDLE s)
{
    const char *A = "operation state";
    CK_MECHANISM sha = { CKM_SHA256, NULL, 0 };
    kct_bytes abc = H("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unsigned char st[256], md[32];
    CK_ULONG n = 0, mdn = 32;
    CK_SESSION_HANDLE s2;
    RV(A, f->C_GetOperationState(s, NULL, &n), CKR_OPERATION_NOT_INITIALIZED);
    RV(A, f->C_DigestInit(s, &sha), CKR_OK);
    RV(A, f->C_DigestUpdate(s, (CK_BYTE *)"a", 1), CKR_OK);
    RV(A, f->C_GetOperationState(s, NULL, &n), CKR_OK);
    CHECK(A, n > 0 && n <= sizeof st, "state size %lu", n);
    CK_ULONG small = 1;
    RV(A, f->C_GetOperationState(s, st, &small), CKR_BUFFER_TOO_SMALL);
    RV(A, f->C_GetOperationState(s, st, &n), CKR_OK);
    RV(A, f->C_DigestUpdate(s, (CK_BYTE *)"bc", 2), CKR_OK);
    RV(A, f->C_DigestFinal(s, md, &mdn), CKR_OK);
    CHECK(A, mdn == 32 && !memcmp(md, abc.p, 32), "the saving session goes on");
    /* once saved, a new C_DigestInit may replace the digest; after more
     * data it may not */
    RV(A, f->C_DigestInit(s, &sha), CKR_OK);
    RV(A, f->C_DigestUpdate(s, (CK_BYTE *)"x", 1), CKR_OK);
    CK_ULONG tmp = sizeof st;
    unsigned char st2[256];
    RV(A, f->C_GetOperationState(s, st2, &tmp), CKR_OK);
    RV(A, f->C_DigestInit(s, &sha), CKR_OK);
    RV(A, f->C_DigestUpdate(s, (CK_BYTE *)"x", 1), CKR_OK);
    RV(A, f->C_DigestInit(s, &sha), CKR_OPERATION_ACTIVE);
    mdn = 32;
    RV(A, f->C_DigestFinal(s, md, &mdn), CKR_OK);
    RV(A, f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &s2), CKR_OK);
    RV(A, f->C_SetOperationState(s2, st, n, 5, 0), CKR_KEY_NOT_NEEDED);
    st[0] ^= 1;
    RV(A, f->C_SetOperationState(s2, st, n, 0, 0), CKR_SAVED_STATE_INVALID);
    st[0] ^= 1;
    RV(A, f->C_SetOperationState(s2, st, n - 1, 0, 0), CKR_SAVED_STATE_INVALID);
    RV(A, f->C_SetOperationState(s2, st, n, 0, 0), CKR_OK);
    RV(A, f->C_DigestUpdate(s2, (CK_BYTE *)"bc", 2), CKR_OK);
    mdn = 32;
    RV(A, f->C_DigestFinal(s2, md, &mdn), CKR_OK);
    CHECK(A, !memcmp(md, abc.p, 32), "restored in another session: SHA-256(\"abc\")");
    /* past what the module holds, the state is in the kernel: unsaveable,
     * yet the digest is still right */
    static unsigned char big[70000];
    unsigned char ref[32];
    CK_ULONG rn = 32;
    memset(big, 0x61, sizeof big);
    RV(A, f->C_DigestInit(s2, &sha), CKR_OK);
    RV(A, f->C_Digest(s2, big, sizeof big, ref, &rn), CKR_OK);
    RV(A, f->C_DigestInit(s, &sha), CKR_OK);
    RV(A, f->C_DigestUpdate(s, big, 30000), CKR_OK);
    RV(A, f->C_DigestUpdate(s, big + 30000, 40000), CKR_OK);
    n = sizeof st;
    RV(A, f->C_GetOperationState(s, st, &n), CKR_STATE_UNSAVEABLE);
    mdn = 32;
    RV(A, f->C_DigestFinal(s, md, &mdn), CKR_OK);
    CHECK(A, !memcmp(md, ref, 32), "a digest past the held size is still right");
    CK_OBJECT_HANDLE k = mk_key(s, aes, "000102030405060708090a0b0c0d0e0f", 0);
    CK_MECHANISM ecb = { CKM_AES_ECB, NULL, 0 };
    RV(A, f->C_EncryptInit(s2, &ecb, k), CKR_OK);
    RV(A, f->C_GetOperationState(s2, st, &n), CKR_STATE_UNSAVEABLE);
    RV(A, f->C_CloseSession(s2), CKR_OK);
    kct_bytes_free(&abc);
}

static void wrap_area(CK_SESSION_HANDLE s)
{
    const char *A = "wrap";
    /* RFC 3394 4.1 */
    CK_OBJECT_HANDLE kek = mk_kek(s, "000102030405060708090a0b0c0d0e0f");
    CK_OBJECT_HANDLE key = mk_key(s, aes, "00112233445566778899aabbccddeeff", 1);
    CK_MECHANISM kw = { CKM_AES_KEY_WRAP, NULL, 0 };
    unsigned char out[64];
    CK_ULONG n = 0;
    RV(A, f->C_WrapKey(s, &kw, kek, key, NULL, &n), CKR_OK);
    CHECK(A, n == 24, "KW size %lu", n);
    n = sizeof out;
    RV(A, f->C_WrapKey(s, &kw, kek, key, out, &n), CKR_OK);
    kct_bytes want = H("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
    CHECK(A, n == 24 && !memcmp(out, want.p, 24), "RFC 3394 4.1");
    CK_ATTRIBUTE ut[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                          { CKA_EXTRACTABLE, &yes, 1 }, { CKA_SENSITIVE, &no, 1 } };
    CK_OBJECT_HANDLE u;
    RV(A, f->C_UnwrapKey(s, &kw, kek, want.p, 24, ut, 4, &u), CKR_OK);
    unsigned char v[32];
    CK_ATTRIBUTE gv[] = { { CKA_VALUE, v, sizeof v } };
    RV(A, f->C_GetAttributeValue(s, u, gv, 1), CKR_OK);
    kct_bytes kv = H("00112233445566778899aabbccddeeff");
    CHECK(A, gv[0].ulValueLen == 16 && !memcmp(v, kv.p, 16), "unwrapped value");
    want.p[5] ^= 1;
    RV(A, f->C_UnwrapKey(s, &kw, kek, want.p, 24, ut, 4, &u), CKR_WRAPPED_KEY_INVALID);
    RV(A, f->C_UnwrapKey(s, &kw, kek, want.p, 20, ut, 4, &u), CKR_WRAPPED_KEY_LEN_RANGE);
    RV(A, f->C_UnwrapKey(s, &kw, kek, want.p, 24, ut, 1, &u), CKR_TEMPLATE_INCOMPLETE);
    /* A non-extractable key does not leave. */
    RV(A, f->C_WrapKey(s, &kw, kek, kek, out, &n), CKR_KEY_UNEXTRACTABLE);
    RV(A, f->C_WrapKey(s, &kw, 4242, key, out, &n), CKR_WRAPPING_KEY_HANDLE_INVALID);
    /* RFC 5649 section 6, 7-byte key. */
    CK_OBJECT_HANDLE kek2 = mk_kek(s, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
    CK_OBJECT_HANDLE k7 = mk_key(s, generic, "466f7250617369", 1);
    CK_MECHANISM kwp = { CKM_AES_KEY_WRAP_KWP, NULL, 0 };
    n = sizeof out;
    RV(A, f->C_WrapKey(s, &kwp, kek2, k7, out, &n), CKR_OK);
    kct_bytes w2 = H("afbeb0f07dfbf5419200f2ccb50bb24f");
    CHECK(A, n == 16 && !memcmp(out, w2.p, 16), "RFC 5649 7-byte");
    CK_ATTRIBUTE ug[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &generic, sizeof generic } };
    RV(A, f->C_UnwrapKey(s, &kwp, kek2, w2.p, 16, ug, 2, &u), CKR_OK);
    CK_BBOOL b = CK_TRUE;
    CK_ATTRIBUTE nev[] = { { CKA_NEVER_EXTRACTABLE, &b, 1 } };
    RV(A, f->C_GetAttributeValue(s, u, nev, 1), CKR_OK);
    CHECK(A, b == CK_FALSE, "unwrapped key NEVER_EXTRACTABLE must be false");
    kct_bytes_free(&want);
    kct_bytes_free(&kv);
    kct_bytes_free(&w2);
}

static void keygen_area(CK_SESSION_HANDLE s)
{
    const char *A = "keygen";
    CK_MECHANISM g = { CKM_AES_KEY_GEN, NULL, 0 };
    CK_ULONG l = 32, bad = 20;
    CK_ATTRIBUTE t[] = { { CKA_VALUE_LEN, &l, sizeof l } };
    CK_ATTRIBUTE tb[] = { { CKA_VALUE_LEN, &bad, sizeof bad } };
    CK_OBJECT_HANDLE h;
    RV(A, f->C_GenerateKey(s, &g, NULL, 0, &h), CKR_TEMPLATE_INCOMPLETE);
    RV(A, f->C_GenerateKey(s, &g, tb, 1, &h), CKR_KEY_SIZE_RANGE);
    CK_ATTRIBUTE tv[] = { { CKA_VALUE_LEN, &l, sizeof l }, { CKA_VALUE, &l, sizeof l } };
    RV(A, f->C_GenerateKey(s, &g, tv, 2, &h), CKR_TEMPLATE_INCONSISTENT);
    RV(A, f->C_GenerateKey(s, &g, t, 1, &h), CKR_OK);
    CK_BBOOL as = 0, ne = 0, loc = 0;
    CK_MECHANISM_TYPE gm = 0;
    CK_ATTRIBUTE q[] = { { CKA_ALWAYS_SENSITIVE, &as, 1 }, { CKA_NEVER_EXTRACTABLE, &ne, 1 },
                         { CKA_LOCAL, &loc, 1 }, { CKA_KEY_GEN_MECHANISM, &gm, sizeof gm } };
    RV(A, f->C_GetAttributeValue(s, h, q, 4), CKR_OK);
    CHECK(A, as && ne && loc && gm == CKM_AES_KEY_GEN, "generated key flags");
    unsigned char r1[32], r2[32];
    RV(A, f->C_GenerateRandom(s, r1, 32), CKR_OK);
    RV(A, f->C_GenerateRandom(s, r2, 32), CKR_OK);
    CHECK(A, memcmp(r1, r2, 32), "random repeats");
    RV(A, f->C_SeedRandom(s, r1, 32), CKR_OK);
    RV(A, f->C_GenerateRandom(s, r2, 32), CKR_OK);
}

/* Legacy 3DES: CAVP TDES known answers (TECBMMT3 #2, TCBCMMT3 #1), CBC_PAD
 * with an 8-byte block (expected output from OpenSSL's default provider),
 * multi-part in odd pieces, key gen, and the refusals. */
static void des3_crypt_parts(CK_SESSION_HANDLE s, const char *A, CK_MECHANISM *m,
                             CK_OBJECT_HANDLE k, const char *pt_hex, const char *ct_hex)
{
    kct_bytes pt = H(pt_hex), ct = H(ct_hex);
    unsigned char out[256];
    CK_ULONG done = 0, n;
    RV(A, f->C_EncryptInit(s, m, k), CKR_OK);
    for (size_t at = 0, step = 1; at < pt.n; at += step, step += 2) {
        size_t take = step > pt.n - at ? pt.n - at : step;
        n = sizeof out - done;
        RV(A, f->C_EncryptUpdate(s, pt.p + at, take, out + done, &n), CKR_OK);
        done += n;
    }
    n = sizeof out - done;
    RV(A, f->C_EncryptFinal(s, out + done, &n), CKR_OK);
    done += n;
    CHECK(A, done == ct.n && !memcmp(out, ct.p, ct.n), "multi-part encrypt mismatch");
    done = 0;
    RV(A, f->C_DecryptInit(s, m, k), CKR_OK);
    for (size_t at = 0, step = 3; at < ct.n; at += step, step += 2) {
        size_t take = step > ct.n - at ? ct.n - at : step;
        n = sizeof out - done;
        RV(A, f->C_DecryptUpdate(s, ct.p + at, take, out + done, &n), CKR_OK);
        done += n;
    }
    n = sizeof out - done;
    RV(A, f->C_DecryptFinal(s, out + done, &n), CKR_OK);
    done += n;
    CHECK(A, done == pt.n && !memcmp(out, pt.p, pt.n), "multi-part decrypt mismatch");
    kct_bytes_free(&pt);
    kct_bytes_free(&ct);
}

static int kernel_before(int major, int minor)
{
    struct utsname u;
    int ma = 0, mi = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
        return 0;
    return ma < major || (ma == major && mi < minor);
}

/* CKM_AES_OFB and CKM_AES_CFB128, offered where the kernel has ofb(aes) /
 * cfb(aes) (before 6.7): NIST SP 800-38A F.4.1 / F.3.13 single-part, a
 * partial last block, multi-part in odd pieces, a wrong IV refused; from
 * 6.7 on, not in the mechanism list and refused. */
static void stream_area(CK_SESSION_HANDLE s)
{
    static const struct {
        const char *A;
        CK_MECHANISM_TYPE mt;
        const char *ct;
    } v[] = {
        { "AES-OFB", CKM_AES_OFB,
          "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825"
          "9740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e" },
        { "AES-CFB128", CKM_AES_CFB128,
          "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"
          "26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6" },
    };
    const char *pt = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                     "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
    CK_OBJECT_HANDLE k = mk_key(s, aes, "2b7e151628aed2a6abf7158809cf4f3c", 0);
    kct_bytes iv = H("000102030405060708090a0b0c0d0e0f");
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        const char *A = v[i].A;
        CK_MECHANISM m = { v[i].mt, iv.p, 16 }, shortiv = { v[i].mt, iv.p, 8 };
        CK_MECHANISM_INFO mi;
        if (!kernel_before(6, 7)) {
            RV(A, f->C_GetMechanismInfo(1, v[i].mt, &mi), CKR_MECHANISM_INVALID);
            RV(A, f->C_EncryptInit(s, &m, k), CKR_MECHANISM_INVALID);
            continue;
        }
        RV(A, f->C_GetMechanismInfo(1, v[i].mt, &mi), CKR_OK);
        CHECK(A, (mi.flags & (CKF_ENCRYPT | CKF_DECRYPT)) == (CKF_ENCRYPT | CKF_DECRYPT) &&
                     mi.ulMinKeySize == 16 && mi.ulMaxKeySize == 32, "mechanism info");
        kat_crypt(s, A, &m, k, pt, v[i].ct);
        char ptp[64], ctp[64];   /* 19 bytes: a partial last block */
        snprintf(ptp, sizeof ptp, "%.38s", pt);
        snprintf(ctp, sizeof ctp, "%.38s", v[i].ct);
        kat_crypt(s, A, &m, k, ptp, ctp);
        des3_crypt_parts(s, A, &m, k, pt, v[i].ct);
        RV(A, f->C_EncryptInit(s, &shortiv, k), CKR_MECHANISM_PARAM_INVALID);
    }
    kct_bytes_free(&iv);
}

static void des3_area(CK_SESSION_HANDLE s)
{
    const char *A = "DES3";
    CK_KEY_TYPE d3 = CKK_DES3;
    CK_OBJECT_HANDLE ke = mk_key(s, d3, "c16189f43451196bfb4c438580c20408571f0d5e4a586491", 0);
    CK_MECHANISM ecb = { CKM_DES3_ECB, NULL, 0 };
    const char *ecb_pt = "dd9a97741093334bd0c9761105cfb79cc3bac34a7c85bd8a",
               *ecb_ct = "d2f3f1d32a9ea09b5acb589c41a07320fb8d33a2fc2b0ed2";
    kat_crypt(s, "DES3-ECB", &ecb, ke, ecb_pt, ecb_ct);
    des3_crypt_parts(s, "DES3-ECB parts", &ecb, ke, ecb_pt, ecb_ct);
    CK_OBJECT_HANDLE kc = mk_key(s, d3, "a49d7564199e97cb529d2c9d97bf2f98d35edf57ba1f7358", 0);
    kct_bytes iv = H("c2e999cb6249023c");
    CK_MECHANISM cbc = { CKM_DES3_CBC, iv.p, 8 };
    kat_crypt(s, "DES3-CBC", &cbc, kc, "c689aee38a301bb316da75db36f110b5",
              "e9afaba5ec75ea1bbe65506655bb4ecb");
    des3_crypt_parts(s, "DES3-CBC parts", &cbc, kc, "c689aee38a301bb316da75db36f110b5",
                     "e9afaba5ec75ea1bbe65506655bb4ecb");
    CK_MECHANISM pad = { CKM_DES3_CBC_PAD, iv.p, 8 };
    kat_crypt(s, "DES3-CBC-PAD 16", &pad, kc, "c689aee38a301bb316da75db36f110b5",
              "e9afaba5ec75ea1bbe65506655bb4ecb312777df3628f6e0");
    kat_crypt(s, "DES3-CBC-PAD 13", &pad, kc, "c689aee38a301bb316da75db36",
              "e9afaba5ec75ea1b6f39ee90dcbf3deb");
    des3_crypt_parts(s, "DES3-CBC-PAD parts", &pad, kc, "c689aee38a301bb316da75db36",
                     "e9afaba5ec75ea1b6f39ee90dcbf3deb");
    /* refusals: AES's 16-byte IV, a partial block without padding, an AES key */
    CK_MECHANISM cbc16 = { CKM_DES3_CBC, iv.p, 16 };
    RV(A, f->C_EncryptInit(s, &cbc16, kc), CKR_MECHANISM_PARAM_INVALID);
    unsigned char buf[32] = { 0 };
    CK_ULONG n = sizeof buf;
    RV(A, f->C_EncryptInit(s, &cbc, kc), CKR_OK);
    RV(A, f->C_Encrypt(s, buf, 12, buf, &n), CKR_DATA_LEN_RANGE);
    n = sizeof buf;
    RV(A, f->C_DecryptInit(s, &pad, kc), CKR_OK);
    RV(A, f->C_Decrypt(s, buf, 12, buf, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
    CK_OBJECT_HANDLE ka = mk_key(s, aes, "000102030405060708090a0b0c0d0e0f", 0);
    RV(A, f->C_EncryptInit(s, &ecb, ka), CKR_KEY_TYPE_INCONSISTENT);
    /* a 16-byte (two-key) DES3 value is not a CKK_DES3 key here */
    kct_bytes k16 = H("000102030405060708090a0b0c0d0e0f");
    CK_ATTRIBUTE t16[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &d3, sizeof d3 },
                           { CKA_VALUE, k16.p, k16.n } };
    CK_OBJECT_HANDLE h;
    CHECK(A, f->C_CreateObject(s, t16, 3, &h) != CKR_OK, "16-byte DES3 key accepted");
    kct_bytes_free(&k16);
    /* K1 == K2 == K3 (CAVP TECBvarkey #0): the kernel takes it outside FIPS
     * mode (AF_ALG does not ask for weak-key checks); a refusal must be a
     * clean error at creation, never wrong bytes. */
    kct_bytes kd = H("800101010101010180010101010101018001010101010101");
    CK_ATTRIBUTE td[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &d3, sizeof d3 },
                          { CKA_VALUE, kd.p, kd.n }, { CKA_ENCRYPT, &yes, 1 },
                          { CKA_DECRYPT, &yes, 1 } };
    CK_RV rv = f->C_CreateObject(s, td, 5, &h);
    if (rv == CKR_OK)
        kat_crypt(s, "DES3-ECB K1=K2=K3", &ecb, h, "0000000000000000", "95a8d72813daa94d");
    else
        CHECK(A, rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_DEVICE_ERROR,
              "degenerate key refused with 0x%lx", rv);
    kct_bytes_free(&kd);
    /* key gen: 24 bytes without a length, odd parity, usable */
    CK_MECHANISM g = { CKM_DES3_KEY_GEN, NULL, 0 };
    CK_ATTRIBUTE tg[] = { { CKA_EXTRACTABLE, &yes, 1 }, { CKA_SENSITIVE, &no, 1 } };
    RV(A, f->C_GenerateKey(s, &g, tg, 2, &h), CKR_OK);
    unsigned char v[32];
    CK_KEY_TYPE kt = 0;
    CK_ATTRIBUTE q[] = { { CKA_VALUE, v, sizeof v }, { CKA_KEY_TYPE, &kt, sizeof kt } };
    RV(A, f->C_GetAttributeValue(s, h, q, 2), CKR_OK);
    CHECK(A, q[0].ulValueLen == 24 && kt == CKK_DES3, "generated %lu bytes, type 0x%lx",
          q[0].ulValueLen, kt);
    int odd = 1;
    for (size_t i = 0; i < 24; i++)
        odd &= __builtin_popcount(v[i]) & 1;
    CHECK(A, odd, "generated key lacks odd parity");
    unsigned char ct[16], back[16];
    CK_ULONG cn = sizeof ct, bn = sizeof back;
    RV(A, f->C_EncryptInit(s, &pad, h), CKR_OK);
    RV(A, f->C_Encrypt(s, (unsigned char *)"legacy!", 7, ct, &cn), CKR_OK);
    RV(A, f->C_DecryptInit(s, &pad, h), CKR_OK);
    RV(A, f->C_Decrypt(s, ct, cn, back, &bn), CKR_OK);
    CHECK(A, cn == 8 && bn == 7 && !memcmp(back, "legacy!", 7), "generated key round trip");
    CK_ULONG l32 = 32;
    CK_ATTRIBUTE tl[] = { { CKA_VALUE_LEN, &l32, sizeof l32 } };
    RV(A, f->C_GenerateKey(s, &g, tl, 1, &h), CKR_KEY_SIZE_RANGE);
    kct_bytes_free(&iv);
}

static void *thread_main(void *arg)
{
    CK_SESSION_HANDLE s;
    int *bad = arg;
    if (f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK) {
        (*bad)++;
        return NULL;
    }
    for (int i = 0; i < 20; i++) {
        CK_MECHANISM m = { CKM_SHA256, NULL, 0 };
        unsigned char out[32];
        CK_ULONG n = 32;
        if (f->C_DigestInit(s, &m) != CKR_OK || f->C_Digest(s, (CK_BYTE *)"abc", 3, out, &n) != CKR_OK ||
            out[0] != 0xba)
            (*bad)++;
    }
    f->C_CloseSession(s);
    return NULL;
}

static void threads_fork_area(void)
{
    const char *A = "threads-fork";
    pthread_t th[4];
    int bad[4] = { 0 };
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, thread_main, &bad[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK(A, !bad[0] && !bad[1] && !bad[2] && !bad[3], "thread digests failed");
    /* a digest in progress in the parent when it forks */
    CK_SESSION_HANDLE ps = 0;
    CK_MECHANISM sha = { CKM_SHA256, NULL, 0 };
    RV(A, f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &ps), CKR_OK);
    RV(A, f->C_DigestInit(ps, &sha), CKR_OK);
    RV(A, f->C_DigestUpdate(ps, (CK_BYTE *)"a", 1), CKR_OK);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        CK_INFO info;
        CK_SESSION_HANDLE s;
        CK_SLOT_ID slots[4];
        CK_ULONG ns = 4, n1 = 32;
        CK_BYTE buf[64];
        int rc = 0;
        if (f->C_GetInfo(&info) != CKR_CRYPTOKI_NOT_INITIALIZED)
            rc |= 1;
        /* every call, the parent's session and the stubs included, until
         * C_Initialize: PKCS#11's rule for a forked child */
        CK_RV got[] = {
            f->C_GetSlotList(CK_FALSE, slots, &ns),
            f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &s),
            f->C_DigestUpdate(ps, (CK_BYTE *)"b", 1),
            f->C_DigestFinal(ps, buf, &n1),
            f->C_DigestInit(ps, &sha),
            f->C_CloseSession(ps),
            f->C_SignRecoverInit(ps, &sha, 1),
            f->C_VerifyRecoverInit(ps, &sha, 1),
            f->C_DigestEncryptUpdate(ps, buf, 1, buf, &n1),
            f->C_GenerateKeyPair(ps, &sha, NULL, 0, NULL, 0, &s, &s),
            f->C_DeriveKey(ps, &sha, 1, NULL, 0, &s),
            f->C_GetFunctionStatus(ps),
            f->C_CancelFunction(ps),
            f->C_WaitForSlotEvent(0, slots, NULL),
            f->C_Finalize(NULL),
        };
        for (size_t i = 0; i < sizeof(got) / sizeof(got[0]); i++)
            if (got[i] != CKR_CRYPTOKI_NOT_INITIALIZED) {
                printf("FAIL  threads-fork: child call %zu returned 0x%lx\n", i,
                       (unsigned long)got[i]);
                rc |= 16;
            }
        if (f->C_Initialize(NULL) != CKR_OK)
            rc |= 2;
        if (f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK)
            rc |= 4;
        CK_MECHANISM m = { CKM_SHA256, NULL, 0 };
        unsigned char out[32];
        CK_ULONG n = 32;
        if (f->C_DigestInit(s, &m) != CKR_OK || f->C_Digest(s, (CK_BYTE *)"abc", 3, out, &n) != CKR_OK ||
            out[0] != 0xba)
            rc |= 8;
        f->C_Finalize(NULL);
        _exit(rc);
    }
    int st = 0;
    waitpid(p, &st, 0);
    CHECK(A, WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", WEXITSTATUS(st));
    CK_INFO info;
    RV(A, f->C_GetInfo(&info), CKR_OK);   /* the parent is unaffected */
    /* and its digest goes on: SHA-256("ab") */
    static const CK_BYTE ab[4] = { 0xfb, 0x8e, 0x20, 0xfc };
    CK_BYTE md[32];
    CK_ULONG mdl = sizeof md;
    RV(A, f->C_DigestUpdate(ps, (CK_BYTE *)"b", 1), CKR_OK);
    RV(A, f->C_DigestFinal(ps, md, &mdl), CKR_OK);
    CHECK(A, mdl == 32 && !memcmp(md, ab, 4), "the parent's digest changed across the fork");
    f->C_CloseSession(ps);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s kcrypt-pkcs11.so\n", argv[0]);
        return 2;
    }
    char dir[64];
    void *lib;
    T = kct_tally_new();
    if (p11t_store(dir, sizeof dir) || !(lib = p11t_load(argv[1])))
        return 2;
    module_area(lib);
    slot_area();
    CK_SESSION_HANDLE rw = 0, ro = 0;
    login_area(&rw, &ro);
    object_area(rw, ro);
    crypt_area(rw);
    hash_area(rw);
    opstate_area(rw);
    wrap_area(rw);
    keygen_area(rw);
    des3_area(rw);
    stream_area(rw);
    threads_fork_area();
    RV("module", f->C_CloseAllSessions(1), CKR_OK);
    RV("module", f->C_Finalize(NULL), CKR_OK);
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
    return rc;
}
