/* SPDX-License-Identifier: Apache-2.0 */
/* The one slot and its token, and the mechanism queries. */
#include "p11.h"

#include <stdio.h>
#include <string.h>

CK_RV C_GetSlotList(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
    (void)token_present;
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    if (!count) {
        rv = CKR_ARGUMENTS_BAD;
    } else if (!list) {
        *count = 1;
    } else if (*count < 1) {
        *count = 1;
        rv = CKR_BUFFER_TOO_SMALL;
    } else {
        list[0] = P11_SLOT_ID;
        *count = 1;
    }
    p11_leave();
    return rv;
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    if (slot != P11_SLOT_ID) {
        rv = CKR_SLOT_ID_INVALID;
    } else if (!info) {
        rv = CKR_ARGUMENTS_BAD;
    } else {
        memset(info, 0, sizeof *info);
        char desc[96];
        snprintf(desc, sizeof desc, "kcrypt AF_ALG (Linux %s)", kc_probe()->kernel_release);
        p11_pad_copy(info->slotDescription, sizeof info->slotDescription, desc);
        p11_pad_copy(info->manufacturerID, sizeof info->manufacturerID, "kcrypt");
        info->flags = CKF_TOKEN_PRESENT;
        info->hardwareVersion.major = 0;
        info->firmwareVersion.major = 0;
        info->firmwareVersion.minor = 1;
    }
    p11_leave();
    return rv;
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    if (slot != P11_SLOT_ID) {
        rv = CKR_SLOT_ID_INVALID;
        goto out;
    }
    if (!info) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    /* Another process may have initialized the token or set a PIN. */
    p11_token t;
    if (p11_store_load(&t) == CKR_OK) {
        p11_g.tok = t;
        kc_wipe(&t, sizeof t);
    }
    memset(info, 0, sizeof *info);
    const p11_token *tk = &p11_g.tok;
    if (tk->initialized)
        memcpy(info->label, tk->label, sizeof info->label);
    else
        p11_pad_copy(info->label, sizeof info->label, "");
    p11_pad_copy(info->manufacturerID, sizeof info->manufacturerID, "kcrypt");
    /* which key custody is in force (README "Key custody") */
    p11_pad_copy(info->model, sizeof info->model,
                 p11_custody_kernel() ? "AF_ALG+keyring" : "AF_ALG token");
    memcpy(info->serialNumber, tk->serial, sizeof info->serialNumber);
    if (!tk->initialized)
        p11_pad_copy(info->serialNumber, sizeof info->serialNumber, "0000000000000000");
    info->flags = CKF_LOGIN_REQUIRED;
    if (kc_available(KC_DRBG))
        info->flags |= CKF_RNG;
    if (tk->initialized)
        info->flags |= CKF_TOKEN_INITIALIZED;
    if (tk->user_pin_set)
        info->flags |= CKF_USER_PIN_INITIALIZED;
    /* PKCS#11 3.0 table 24: COUNT_LOW after a wrong PIN since the last
     * right one, FINAL_TRY when one more locks, LOCKED when locked. */
    if (tk->initialized) {
        unsigned long tries = tk->pin_tries;
        if (tk->user_fail >= tries)
            info->flags |= CKF_USER_PIN_LOCKED;
        else if (tk->user_fail + 1 == tries)
            info->flags |= CKF_USER_PIN_FINAL_TRY;
        if (tk->user_fail && tk->user_fail < tries)
            info->flags |= CKF_USER_PIN_COUNT_LOW;
        if (tk->so_fail >= tries)
            info->flags |= CKF_SO_PIN_LOCKED;
        else if (tk->so_fail + 1 == tries)
            info->flags |= CKF_SO_PIN_FINAL_TRY;
        if (tk->so_fail && tk->so_fail < tries)
            info->flags |= CKF_SO_PIN_COUNT_LOW;
    }
    info->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulSessionCount = p11_g.nsessions;
    info->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulRwSessionCount = p11_g.nrw;
    info->ulMaxPinLen = P11_PIN_MAX;
    info->ulMinPinLen = P11_PIN_MIN;
    info->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->hardwareVersion.major = 0;
    info->firmwareVersion.minor = 1;
    memcpy(info->utcTime, "0000000000000000", 16);
out:
    p11_leave();
    return rv;
}

CK_RV C_GetMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    if (slot != P11_SLOT_ID) {
        rv = CKR_SLOT_ID_INVALID;
    } else if (!count) {
        rv = CKR_ARGUMENTS_BAD;
    } else {
        size_t n = p11_mech_list(NULL, 0);
        if (list && *count < n)
            rv = CKR_BUFFER_TOO_SMALL;
        else if (list)
            p11_mech_list(list, n);
        *count = n;
    }
    p11_leave();
    return rv;
}

CK_RV C_GetMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    const p11_mech *m;
    if (slot != P11_SLOT_ID)
        rv = CKR_SLOT_ID_INVALID;
    else if (!info)
        rv = CKR_ARGUMENTS_BAD;
    else if (!(m = p11_mech_lookup(type)))
        rv = CKR_MECHANISM_INVALID;
    else
        *info = m->info;
    p11_leave();
    return rv;
}
