/* SPDX-License-Identifier: Apache-2.0 */
/* Library entry: C_Initialize/C_Finalize, C_GetInfo and the function lists
 * (2.40 C_GetFunctionList, 3.0 C_GetInterfaceList/C_GetInterface). */
#include "p11.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define P11_MANUFACTURER "kcrypt"
#define P11_DESCRIPTION "kcrypt kernel crypto token"

/* Drop everything; in a forked child this closes only the child's copies
 * of the parent's sockets, the parent's stay open. */
static void teardown(void)
{
    p11_sessions_close_all();
    p11_objects_free_all();
    p11_vault_close();
    p11_custody_fini();
    p11_rng_close();
    p11_logout_state();
    kc_wipe(&p11_g.tok, sizeof p11_g.tok);
    p11_lock_fini();
    p11_g.initialized = 0;
}

CK_RV C_Initialize(CK_VOID_PTR init_args)
{
    CK_C_INITIALIZE_ARGS *args = init_args;
    if (p11_g.initialized && !p11_forked())
        return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    if (p11_forked())
        teardown();
    memset(&p11_g, 0, sizeof p11_g);
    /* PKCS#11: pReserved must be NULL. The module cannot tell a string
     * from any other pointer, so it never reads one (README "Store"). */
    if (args && args->pReserved)
        return CKR_ARGUMENTS_BAD;
    CK_RV rv = p11_lock_init(args);
    if (rv != CKR_OK)
        return rv;
    p11_store_choose(NULL);
    rv = p11_store_load(&p11_g.tok);
    if (rv != CKR_OK) {
        p11_lock_fini();
        return rv;
    }
    p11_g.pid = getpid();
    p11_g.next_session = 1;
    p11_g.next_object = 1;
    /* Without AF_ALG the token still shows, with no mechanisms. */
    (void)p11_vault_open();
    p11_g.initialized = 1;
    return CKR_OK;
}

CK_RV C_Finalize(CK_VOID_PTR reserved)
{
    if (reserved)
        return CKR_ARGUMENTS_BAD;
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_leave();
    teardown();
    return CKR_OK;
}

CK_RV C_GetInfo(CK_INFO_PTR info)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_leave();
    if (!info)
        return CKR_ARGUMENTS_BAD;
    memset(info, 0, sizeof *info);
    info->cryptokiVersion.major = 3;
    info->cryptokiVersion.minor = 0;
    p11_pad_copy(info->manufacturerID, sizeof info->manufacturerID, P11_MANUFACTURER);
    p11_pad_copy(info->libraryDescription, sizeof info->libraryDescription, P11_DESCRIPTION);
    info->libraryVersion.major = 0;
    info->libraryVersion.minor = 1;
    return CKR_OK;
}

/* ---- what the token does not do ----
 * Each still answers CKR_CRYPTOKI_NOT_INITIALIZED before C_Initialize and
 * after C_Finalize: PKCS#11 lists that code for every function, and an
 * application probing the library in that state must see it. */

static CK_RV not_supported(void)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_leave();
    return CKR_FUNCTION_NOT_SUPPORTED;
}

/* A session-scoped call on a valid handle, answered with `answer`. */
static CK_RV session_answer(CK_SESSION_HANDLE hs, CK_RV answer)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    rv = p11_session_get(hs, &s);
    p11_leave();
    return rv != CKR_OK ? rv : answer;
}

CK_RV C_SignRecoverInit(CK_SESSION_HANDLE a, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c)
{
    (void)a; (void)b; (void)c;
    return not_supported();
}
CK_RV C_SignRecover(CK_SESSION_HANDLE a, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d,
                    CK_ULONG_PTR e)
{
    (void)a; (void)b; (void)c; (void)d; (void)e;
    return not_supported();
}
CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE a, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c)
{
    (void)a; (void)b; (void)c;
    return not_supported();
}
CK_RV C_VerifyRecover(CK_SESSION_HANDLE a, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d,
                      CK_ULONG_PTR e)
{
    (void)a; (void)b; (void)c; (void)d; (void)e;
    return not_supported();
}
#define DUAL(name) \
    CK_RV name(CK_SESSION_HANDLE a, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, CK_ULONG_PTR e) \
    { (void)a; (void)b; (void)c; (void)d; (void)e; return not_supported(); }
DUAL(C_DigestEncryptUpdate)
DUAL(C_DecryptDigestUpdate)
DUAL(C_SignEncryptUpdate)
DUAL(C_DecryptVerifyUpdate)
CK_RV C_DeriveKey(CK_SESSION_HANDLE a, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c, CK_ATTRIBUTE_PTR d,
                  CK_ULONG e, CK_OBJECT_HANDLE_PTR f)
{
    (void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
    return not_supported();
}
/* Legacy parallel-function calls: PKCS#11 has them answer
 * CKR_FUNCTION_NOT_PARALLEL on a valid session. */
CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE hs)
{
    return session_answer(hs, CKR_FUNCTION_NOT_PARALLEL);
}
CK_RV C_CancelFunction(CK_SESSION_HANDLE hs)
{
    return session_answer(hs, CKR_FUNCTION_NOT_PARALLEL);
}
/* One fixed slot: there is never an event. Blocking for one that cannot
 * come would hang the caller, so only the non-blocking form is offered. */
CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot, CK_VOID_PTR reserved)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_leave();
    if (!slot || reserved)
        return CKR_ARGUMENTS_BAD;
    return flags & CKF_DONT_BLOCK ? CKR_NO_EVENT : CKR_FUNCTION_NOT_SUPPORTED;
}

/* 3.0 message-based functions: not offered (static, only reachable
 * through the 3.0 function list). */
static CK_RV msg_init(CK_SESSION_HANDLE a, CK_MECHANISM *b, CK_OBJECT_HANDLE c)
{ (void)a; (void)b; (void)c; return not_supported(); }
static CK_RV msg_crypt(CK_SESSION_HANDLE a, void *b, CK_ULONG c, CK_BYTE *d, CK_ULONG e,
                       CK_BYTE *f, CK_ULONG g, CK_BYTE *h, CK_ULONG *i)
{ (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h; (void)i;
  return not_supported(); }
static CK_RV msg_begin(CK_SESSION_HANDLE a, void *b, CK_ULONG c, CK_BYTE *d, CK_ULONG e)
{ (void)a; (void)b; (void)c; (void)d; (void)e; return not_supported(); }
static CK_RV msg_next(CK_SESSION_HANDLE a, void *b, CK_ULONG c, CK_BYTE *d, CK_ULONG e,
                      CK_BYTE *f, CK_ULONG *g, CK_FLAGS h)
{ (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h;
  return not_supported(); }
static CK_RV msg_final(CK_SESSION_HANDLE a)
{ (void)a; return not_supported(); }
static CK_RV sign_msg(CK_SESSION_HANDLE a, void *b, CK_ULONG c, CK_BYTE *d, CK_ULONG e,
                      CK_BYTE *f, CK_ULONG *g)
{ (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g;
  return not_supported(); }
static CK_RV sign_begin(CK_SESSION_HANDLE a, void *b, CK_ULONG c)
{ (void)a; (void)b; (void)c; return not_supported(); }
static CK_RV verify_msg(CK_SESSION_HANDLE a, void *b, CK_ULONG c, CK_BYTE *d, CK_ULONG e,
                        CK_BYTE *f, CK_ULONG g)
{ (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g;
  return not_supported(); }

#define LIST_240 \
    C_Initialize, C_Finalize, C_GetInfo, C_GetFunctionList, C_GetSlotList, C_GetSlotInfo, \
    C_GetTokenInfo, C_GetMechanismList, C_GetMechanismInfo, C_InitToken, C_InitPIN, \
    C_SetPIN, C_OpenSession, C_CloseSession, C_CloseAllSessions, C_GetSessionInfo, \
    C_GetOperationState, C_SetOperationState, C_Login, C_Logout, C_CreateObject, \
    C_CopyObject, C_DestroyObject, C_GetObjectSize, C_GetAttributeValue, \
    C_SetAttributeValue, C_FindObjectsInit, C_FindObjects, C_FindObjectsFinal, \
    C_EncryptInit, C_Encrypt, C_EncryptUpdate, C_EncryptFinal, C_DecryptInit, C_Decrypt, \
    C_DecryptUpdate, C_DecryptFinal, C_DigestInit, C_Digest, C_DigestUpdate, C_DigestKey, \
    C_DigestFinal, C_SignInit, C_Sign, C_SignUpdate, C_SignFinal, C_SignRecoverInit, \
    C_SignRecover, C_VerifyInit, C_Verify, C_VerifyUpdate, C_VerifyFinal, \
    C_VerifyRecoverInit, C_VerifyRecover, C_DigestEncryptUpdate, C_DecryptDigestUpdate, \
    C_SignEncryptUpdate, C_DecryptVerifyUpdate, C_GenerateKey, C_GenerateKeyPair, \
    C_WrapKey, C_UnwrapKey, C_DeriveKey, C_SeedRandom, C_GenerateRandom, \
    C_GetFunctionStatus, C_CancelFunction, C_WaitForSlotEvent

static CK_FUNCTION_LIST list_240 = { { 2, 40 }, LIST_240 };

static KC_CK_FUNCTION_LIST_3_0 list_300 = {
    { 3, 0 }, LIST_240,
    C_GetInterfaceList, C_GetInterface, C_LoginUser, C_SessionCancel,
    msg_init, msg_crypt, msg_begin, msg_next, msg_final,
    msg_init, msg_crypt, msg_begin, msg_next, msg_final,
    msg_init, sign_msg, sign_begin, sign_msg, msg_final,
    msg_init, verify_msg, sign_begin, verify_msg, msg_final,
};

static CK_UTF8CHAR iface_name[] = "PKCS 11";
static KC_CK_INTERFACE ifaces[] = {
    { iface_name, &list_300, 0 },
    { iface_name, &list_240, 0 },
};
#define NIFACES (sizeof ifaces / sizeof ifaces[0])

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out)
{
    if (!out)
        return CKR_ARGUMENTS_BAD;
    *out = &list_240;
    return CKR_OK;
}

CK_RV C_GetInterfaceList(KC_CK_INTERFACE *list, CK_ULONG *count)
{
    if (!count)
        return CKR_ARGUMENTS_BAD;
    if (!list) {
        *count = NIFACES;
        return CKR_OK;
    }
    if (*count < NIFACES) {
        *count = NIFACES;
        return CKR_BUFFER_TOO_SMALL;
    }
    memcpy(list, ifaces, sizeof ifaces);
    *count = NIFACES;
    return CKR_OK;
}

CK_RV C_GetInterface(CK_UTF8CHAR *name, CK_VERSION *version, KC_CK_INTERFACE **iface,
                     CK_FLAGS flags)
{
    if (!iface)
        return CKR_ARGUMENTS_BAD;
    for (size_t i = 0; i < NIFACES; i++) {
        const CK_VERSION *v = ifaces[i].pFunctionList;
        if (name && strcmp((const char *)name, (const char *)ifaces[i].pInterfaceName))
            continue;
        if (version && (version->major != v->major || version->minor != v->minor))
            continue;
        if ((ifaces[i].flags & flags) != flags)
            continue;
        *iface = &ifaces[i];
        return CKR_OK;
    }
    return CKR_FUNCTION_FAILED;
}
