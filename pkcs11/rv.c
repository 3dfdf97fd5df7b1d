/* SPDX-License-Identifier: Apache-2.0 */
/* The one place where common/'s kc_status (and its kernel errno) becomes a
 * CK_RV, and where common/'s error text (what failed, the algorithm, the
 * errno) reaches the KCRYPT_DEBUG channel. The same status means different
 * things to different callers (a bad length is CKR_DATA_LEN_RANGE for
 * C_Encrypt, CKR_ENCRYPTED_DATA_LEN_RANGE for C_Decrypt; a failed check is
 * CKR_SIGNATURE_INVALID for C_Verify), so the caller says what it was doing. */
#include "p11.h"

#include <errno.h>
#include <stdarg.h>

void p11_debug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kc_vdebug("kcrypt-pkcs11", fmt, ap);
    va_end(ap);
}

static CK_RV map(const kc_error *e, p11_use use)
{
    switch (e->status) {
    case KC_OK:   /* the call succeeded but gave the wrong amount of output */
        return CKR_DEVICE_ERROR;
    case KC_ERR_NOMEM:
        return CKR_HOST_MEMORY;
    case KC_ERR_NO_ALG:
        return use == P11_USE_INIT || use == P11_USE_KEY ? CKR_MECHANISM_INVALID : CKR_DEVICE_ERROR;
    case KC_ERR_INVALID_ARG:
        switch (use) {
        case P11_USE_INIT: return CKR_MECHANISM_PARAM_INVALID;
        case P11_USE_KEY: return CKR_KEY_SIZE_RANGE;
        case P11_USE_ENCRYPT: case P11_USE_DIGEST: return CKR_DATA_LEN_RANGE;
        case P11_USE_DECRYPT: return CKR_ENCRYPTED_DATA_LEN_RANGE;
        case P11_USE_VERIFY: return CKR_SIGNATURE_LEN_RANGE;
        case P11_USE_UNWRAP: return CKR_WRAPPED_KEY_INVALID;
        case P11_USE_WRAP: return CKR_KEY_SIZE_RANGE;
        case P11_USE_TOKEN: return CKR_DEVICE_ERROR;
        }
        return CKR_DEVICE_ERROR;
    case KC_ERR_AUTH:
        switch (use) {
        case P11_USE_DECRYPT: return CKR_ENCRYPTED_DATA_INVALID;
        case P11_USE_VERIFY: return CKR_SIGNATURE_INVALID;
        case P11_USE_UNWRAP: return CKR_WRAPPED_KEY_INVALID;
        default: return CKR_DEVICE_ERROR;   /* the token's own data: altered */
        }
    case KC_ERR_KEY:
        return use == P11_USE_INIT || use == P11_USE_KEY ? CKR_KEY_SIZE_RANGE : CKR_DEVICE_ERROR;
    case KC_ERR_FORKED:
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    case KC_ERR_STATE:
        return CKR_GENERAL_ERROR;   /* our own call order: a bug, not the device */
    case KC_ERR_NO_AFALG:
    case KC_ERR_UNSUPPORTED_KERNEL:
    case KC_ERR_KERNEL:
        break;
    }
    return e->sys_errno == ENOMEM || e->sys_errno == ENOBUFS ? CKR_HOST_MEMORY : CKR_DEVICE_ERROR;
}

CK_RV p11_rv(const kc_error *e, p11_use use)
{
    CK_RV rv = map(e, use);
    if (e->status == KC_OK)
        p11_debug("the kernel gave a short output -> CKR 0x%lx", (unsigned long)rv);
    else
        p11_debug("%s [%s] -> CKR 0x%lx", e->msg[0] ? e->msg : "no detail",
                  kc_status_name(e->status), (unsigned long)rv);
    return rv;
}

CK_RV p11_rv_errno(int e)
{
    switch (e) {
    case ENOMEM: return CKR_HOST_MEMORY;
    case ENOSPC: case EDQUOT: return CKR_DEVICE_MEMORY;
    default: return CKR_DEVICE_ERROR;
    }
}
