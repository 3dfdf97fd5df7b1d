/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions: many at once, R/O or R/W, all of one application sharing the
 * login state as PKCS#11 requires. */
#include "p11.h"

#include <stdlib.h>
#include <string.h>

CK_RV p11_session_get(CK_SESSION_HANDLE h, p11_session **out)
{
    for (p11_session *s = p11_g.sessions; s; s = s->next)
        if (s->h == h) {
            *out = s;
            return CKR_OK;
        }
    return CKR_SESSION_HANDLE_INVALID;
}

CK_STATE p11_session_state(const p11_session *s)
{
    int rw = (s->flags & CKF_RW_SESSION) != 0;
    if (p11_g.logged_in && p11_g.user == CKU_SO)
        return CKS_RW_SO_FUNCTIONS;
    if (p11_g.logged_in)
        return rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
    return rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
}

void p11_session_free_ops(p11_session *s)
{
    p11_crypt_free(&s->enc);
    p11_crypt_free(&s->dec);
    p11_hashop_free(&s->dig);
    p11_hashop_free(&s->sign);
    p11_hashop_free(&s->verify);
    p11_rsa_ops_free(s);
    free(s->found);
    s->found = NULL;
    s->finding = 0;
}

static void close_one(p11_session *s)
{
    p11_session **pp = &p11_g.sessions;
    while (*pp && *pp != s)
        pp = &(*pp)->next;
    if (*pp)
        *pp = s->next;
    p11_objects_free_session(s->h);
    p11_session_free_ops(s);
    p11_g.nsessions--;
    if (s->flags & CKF_RW_SESSION)
        p11_g.nrw--;
    free(s);
    /* Closing the last session logs the application out (PKCS#11 5.6),
     * and token keys lock as at C_Logout. */
    if (!p11_g.nsessions) {
        p11_logout_state();
        p11_objects_lock_token_keys();
    }
}

void p11_sessions_close_all(void)
{
    while (p11_g.sessions)
        close_one(p11_g.sessions);
}

CK_RV C_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                    CK_SESSION_HANDLE_PTR out)
{
    (void)app;
    (void)notify;
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s = NULL;
    if (slot != P11_SLOT_ID)
        rv = CKR_SLOT_ID_INVALID;
    else if (!out)
        rv = CKR_ARGUMENTS_BAD;
    else if (!(flags & CKF_SERIAL_SESSION))
        rv = CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    else if (!(flags & CKF_RW_SESSION) && p11_g.logged_in && p11_g.user == CKU_SO)
        rv = CKR_SESSION_READ_WRITE_SO_EXISTS;
    else if (!(s = calloc(1, sizeof *s)))
        rv = CKR_HOST_MEMORY;
    if (rv == CKR_OK) {
        s->h = p11_g.next_session++;
        s->flags = flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION);
        s->next = p11_g.sessions;
        p11_g.sessions = s;
        p11_g.nsessions++;
        if (flags & CKF_RW_SESSION)
            p11_g.nrw++;
        *out = s->h;
    }
    p11_leave();
    return rv;
}

CK_RV C_CloseSession(CK_SESSION_HANDLE h)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    rv = p11_session_get(h, &s);
    if (rv == CKR_OK)
        close_one(s);
    p11_leave();
    return rv;
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slot)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    if (slot != P11_SLOT_ID)
        rv = CKR_SLOT_ID_INVALID;
    else
        p11_sessions_close_all();
    p11_leave();
    return rv;
}

CK_RV C_GetSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    rv = p11_session_get(h, &s);
    if (rv == CKR_OK && !info)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK) {
        memset(info, 0, sizeof *info);
        info->slotID = P11_SLOT_ID;
        info->state = p11_session_state(s);
        info->flags = s->flags;
        info->ulDeviceError = 0;
    }
    p11_leave();
    return rv;
}

CK_RV C_SessionCancel(CK_SESSION_HANDLE h, CK_FLAGS flags)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    rv = p11_session_get(h, &s);
    if (rv == CKR_OK) {
        if (flags & CKF_ENCRYPT)
            p11_crypt_free(&s->enc);
        if (flags & CKF_DECRYPT)
            p11_crypt_free(&s->dec);
        if (flags & CKF_DIGEST)
            p11_hashop_free(&s->dig);
        if (flags & CKF_SIGN)
            p11_hashop_free(&s->sign);
        if (flags & CKF_VERIFY)
            p11_hashop_free(&s->verify);
        if (flags & CKF_FIND_OBJECTS) {
            free(s->found);
            s->found = NULL;
            s->finding = 0;
        }
    }
    p11_leave();
    return rv;
}
