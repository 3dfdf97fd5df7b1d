/* SPDX-License-Identifier: Apache-2.0 */
/* What p11-kit's 2.40 <p11-kit/pkcs11.h> lacks from PKCS#11 3.0: the
 * interface types and function list, the 3.0 mechanism and key type
 * numbers kcrypt offers, and the CCM / ChaCha20-Poly1305 parameter blocks.
 * Every number is from the OASIS PKCS#11 3.0 specification; each is guarded
 * so a newer header wins. */
#ifndef KCRYPT_P11_DEFS_H
#define KCRYPT_P11_DEFS_H

#include <p11-kit/pkcs11.h>

#ifndef CKK_CHACHA20
#define CKK_CHACHA20 (0x33UL)
#endif
#ifndef CKK_SHA3_224_HMAC
#define CKK_SHA3_224_HMAC (0x36UL)
#define CKK_SHA3_256_HMAC (0x37UL)
#define CKK_SHA3_384_HMAC (0x38UL)
#define CKK_SHA3_512_HMAC (0x39UL)
#endif
#ifndef CKM_SHA3_256
#define CKM_SHA3_256              (0x2b0UL)
#define CKM_SHA3_256_HMAC         (0x2b1UL)
#define CKM_SHA3_256_HMAC_GENERAL (0x2b2UL)
#define CKM_SHA3_224              (0x2b5UL)
#define CKM_SHA3_224_HMAC         (0x2b6UL)
#define CKM_SHA3_224_HMAC_GENERAL (0x2b7UL)
#define CKM_SHA3_384              (0x2c0UL)
#define CKM_SHA3_384_HMAC         (0x2c1UL)
#define CKM_SHA3_384_HMAC_GENERAL (0x2c2UL)
#define CKM_SHA3_512              (0x2d0UL)
#define CKM_SHA3_512_HMAC         (0x2d1UL)
#define CKM_SHA3_512_HMAC_GENERAL (0x2d2UL)
#endif
#ifndef CKM_AES_CMAC_GENERAL
#define CKM_AES_CMAC_GENERAL (0x108bUL)
#endif
#ifndef CKM_AES_KEY_WRAP_KWP
#define CKM_AES_KEY_WRAP_KWP (0x210bUL)
#endif
#ifndef CKM_CHACHA20_KEY_GEN
#define CKM_CHACHA20_KEY_GEN (0x1225UL)
#endif
#ifndef CKM_CHACHA20_POLY1305
#define CKM_CHACHA20_POLY1305 (0x4021UL)
#endif
#ifndef CKM_AES_CCM
#define CKM_AES_CCM (0x1088UL)
#endif
#ifndef CKF_INTERFACE_FORK_SAFE
#define CKF_INTERFACE_FORK_SAFE (0x1UL)
#endif
#ifndef CKF_FIND_OBJECTS
#define CKF_FIND_OBJECTS (0x40UL)
#endif
#ifndef CKR_OPERATION_CANCEL_FAILED
#define CKR_OPERATION_CANCEL_FAILED (0x202UL)
#endif

#ifndef CK_CCM_PARAMS_DEFINED
#define CK_CCM_PARAMS_DEFINED
typedef struct {
    CK_ULONG ulDataLen;
    CK_BYTE_PTR pNonce;
    CK_ULONG ulNonceLen;
    CK_BYTE_PTR pAAD;
    CK_ULONG ulAADLen;
    CK_ULONG ulMACLen;
} KC_CK_CCM_PARAMS;

typedef struct {
    CK_BYTE_PTR pNonce;
    CK_ULONG ulNonceLen;
    CK_BYTE_PTR pAAD;
    CK_ULONG ulAADLen;
} KC_CK_CHACHA20_POLY1305_PARAMS;
#endif

typedef struct {
    CK_UTF8CHAR *pInterfaceName;
    void *pFunctionList;
    CK_FLAGS flags;
} KC_CK_INTERFACE;

typedef CK_RV (*kc_fn_get_interface_list)(KC_CK_INTERFACE *, CK_ULONG *);
typedef CK_RV (*kc_fn_get_interface)(CK_UTF8CHAR *, CK_VERSION *, KC_CK_INTERFACE **, CK_FLAGS);
typedef CK_RV (*kc_fn_login_user)(CK_SESSION_HANDLE, CK_USER_TYPE, CK_UTF8CHAR *, CK_ULONG,
                                  CK_UTF8CHAR *, CK_ULONG);
typedef CK_RV (*kc_fn_session_cancel)(CK_SESSION_HANDLE, CK_FLAGS);
typedef CK_RV (*kc_fn_msg_init)(CK_SESSION_HANDLE, CK_MECHANISM *, CK_OBJECT_HANDLE);
typedef CK_RV (*kc_fn_msg_crypt)(CK_SESSION_HANDLE, void *, CK_ULONG, CK_BYTE *, CK_ULONG,
                                 CK_BYTE *, CK_ULONG, CK_BYTE *, CK_ULONG *);
typedef CK_RV (*kc_fn_msg_begin)(CK_SESSION_HANDLE, void *, CK_ULONG, CK_BYTE *, CK_ULONG);
typedef CK_RV (*kc_fn_msg_next)(CK_SESSION_HANDLE, void *, CK_ULONG, CK_BYTE *, CK_ULONG,
                                CK_BYTE *, CK_ULONG *, CK_FLAGS);
typedef CK_RV (*kc_fn_msg_final)(CK_SESSION_HANDLE);
typedef CK_RV (*kc_fn_sign_msg)(CK_SESSION_HANDLE, void *, CK_ULONG, CK_BYTE *, CK_ULONG,
                                CK_BYTE *, CK_ULONG *);
typedef CK_RV (*kc_fn_sign_begin)(CK_SESSION_HANDLE, void *, CK_ULONG);
typedef CK_RV (*kc_fn_verify_msg)(CK_SESSION_HANDLE, void *, CK_ULONG, CK_BYTE *, CK_ULONG,
                                  CK_BYTE *, CK_ULONG);

/* CK_FUNCTION_LIST_3_0: the 2.40 list followed by the 3.0 additions, in
 * the order of the 3.0 pkcs11f.h. */
typedef struct {
    CK_VERSION version;
    CK_C_Initialize C_Initialize;
    CK_C_Finalize C_Finalize;
    CK_C_GetInfo C_GetInfo;
    CK_C_GetFunctionList C_GetFunctionList;
    CK_C_GetSlotList C_GetSlotList;
    CK_C_GetSlotInfo C_GetSlotInfo;
    CK_C_GetTokenInfo C_GetTokenInfo;
    CK_C_GetMechanismList C_GetMechanismList;
    CK_C_GetMechanismInfo C_GetMechanismInfo;
    CK_C_InitToken C_InitToken;
    CK_C_InitPIN C_InitPIN;
    CK_C_SetPIN C_SetPIN;
    CK_C_OpenSession C_OpenSession;
    CK_C_CloseSession C_CloseSession;
    CK_C_CloseAllSessions C_CloseAllSessions;
    CK_C_GetSessionInfo C_GetSessionInfo;
    CK_C_GetOperationState C_GetOperationState;
    CK_C_SetOperationState C_SetOperationState;
    CK_C_Login C_Login;
    CK_C_Logout C_Logout;
    CK_C_CreateObject C_CreateObject;
    CK_C_CopyObject C_CopyObject;
    CK_C_DestroyObject C_DestroyObject;
    CK_C_GetObjectSize C_GetObjectSize;
    CK_C_GetAttributeValue C_GetAttributeValue;
    CK_C_SetAttributeValue C_SetAttributeValue;
    CK_C_FindObjectsInit C_FindObjectsInit;
    CK_C_FindObjects C_FindObjects;
    CK_C_FindObjectsFinal C_FindObjectsFinal;
    CK_C_EncryptInit C_EncryptInit;
    CK_C_Encrypt C_Encrypt;
    CK_C_EncryptUpdate C_EncryptUpdate;
    CK_C_EncryptFinal C_EncryptFinal;
    CK_C_DecryptInit C_DecryptInit;
    CK_C_Decrypt C_Decrypt;
    CK_C_DecryptUpdate C_DecryptUpdate;
    CK_C_DecryptFinal C_DecryptFinal;
    CK_C_DigestInit C_DigestInit;
    CK_C_Digest C_Digest;
    CK_C_DigestUpdate C_DigestUpdate;
    CK_C_DigestKey C_DigestKey;
    CK_C_DigestFinal C_DigestFinal;
    CK_C_SignInit C_SignInit;
    CK_C_Sign C_Sign;
    CK_C_SignUpdate C_SignUpdate;
    CK_C_SignFinal C_SignFinal;
    CK_C_SignRecoverInit C_SignRecoverInit;
    CK_C_SignRecover C_SignRecover;
    CK_C_VerifyInit C_VerifyInit;
    CK_C_Verify C_Verify;
    CK_C_VerifyUpdate C_VerifyUpdate;
    CK_C_VerifyFinal C_VerifyFinal;
    CK_C_VerifyRecoverInit C_VerifyRecoverInit;
    CK_C_VerifyRecover C_VerifyRecover;
    CK_C_DigestEncryptUpdate C_DigestEncryptUpdate;
    CK_C_DecryptDigestUpdate C_DecryptDigestUpdate;
    CK_C_SignEncryptUpdate C_SignEncryptUpdate;
    CK_C_DecryptVerifyUpdate C_DecryptVerifyUpdate;
    CK_C_GenerateKey C_GenerateKey;
    CK_C_GenerateKeyPair C_GenerateKeyPair;
    CK_C_WrapKey C_WrapKey;
    CK_C_UnwrapKey C_UnwrapKey;
    CK_C_DeriveKey C_DeriveKey;
    CK_C_SeedRandom C_SeedRandom;
    CK_C_GenerateRandom C_GenerateRandom;
    CK_C_GetFunctionStatus C_GetFunctionStatus;
    CK_C_CancelFunction C_CancelFunction;
    CK_C_WaitForSlotEvent C_WaitForSlotEvent;
    kc_fn_get_interface_list C_GetInterfaceList;
    kc_fn_get_interface C_GetInterface;
    kc_fn_login_user C_LoginUser;
    kc_fn_session_cancel C_SessionCancel;
    kc_fn_msg_init C_MessageEncryptInit;
    kc_fn_msg_crypt C_EncryptMessage;
    kc_fn_msg_begin C_EncryptMessageBegin;
    kc_fn_msg_next C_EncryptMessageNext;
    kc_fn_msg_final C_MessageEncryptFinal;
    kc_fn_msg_init C_MessageDecryptInit;
    kc_fn_msg_crypt C_DecryptMessage;
    kc_fn_msg_begin C_DecryptMessageBegin;
    kc_fn_msg_next C_DecryptMessageNext;
    kc_fn_msg_final C_MessageDecryptFinal;
    kc_fn_msg_init C_MessageSignInit;
    kc_fn_sign_msg C_SignMessage;
    kc_fn_sign_begin C_SignMessageBegin;
    kc_fn_sign_msg C_SignMessageNext;
    kc_fn_msg_final C_MessageSignFinal;
    kc_fn_msg_init C_MessageVerifyInit;
    kc_fn_verify_msg C_VerifyMessage;
    kc_fn_sign_begin C_VerifyMessageBegin;
    kc_fn_verify_msg C_VerifyMessageNext;
    kc_fn_msg_final C_MessageVerifyFinal;
} KC_CK_FUNCTION_LIST_3_0;

CK_RV C_GetInterfaceList(KC_CK_INTERFACE *list, CK_ULONG *count);
CK_RV C_GetInterface(CK_UTF8CHAR *name, CK_VERSION *version, KC_CK_INTERFACE **iface,
                     CK_FLAGS flags);
CK_RV C_LoginUser(CK_SESSION_HANDLE hs, CK_USER_TYPE user, CK_UTF8CHAR *pin, CK_ULONG pin_len,
                  CK_UTF8CHAR *name, CK_ULONG name_len);
CK_RV C_SessionCancel(CK_SESSION_HANDLE hs, CK_FLAGS flags);

#endif
