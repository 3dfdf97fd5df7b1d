/* SPDX-License-Identifier: Apache-2.0 */
/* C_GetOperationState/C_SetOperationState for digests. The kernel cannot
 * hand out a hash's partial state, so a state exists only while the data
 * is still held in the module (digest.c): the state is the mechanism and
 * those bytes. Any other active operation, or a digest whose data already
 * went to the kernel, gives CKR_STATE_UNSAVEABLE, as PKCS#11 allows.
 *   "KCP11ST1" | mechanism u64 | length u32 | data   (little-endian) */
#include "p11.h"

#include <stdint.h>
#include <string.h>

#define MAGIC "KCP11ST1"
#define HDR 20

static int other_ops(const p11_session *s)
{
    return s->enc.active || s->dec.active || s->sign.active || s->verify.active;
}

static CK_RV get_state(CK_SESSION_HANDLE hs, CK_BYTE_PTR out, CK_ULONG_PTR len)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    if (!len)
        return CKR_ARGUMENTS_BAD;
    if (!s->dig.active && !other_ops(s))
        return CKR_OPERATION_NOT_INITIALIZED;
    if (other_ops(s) || s->dig.g.spilled)
        return CKR_STATE_UNSAVEABLE;
    p11_hashop *op = &s->dig;
    if ((rv = p11_out(out, len, HDR + kc_gather_len(&op->g))) != CKR_OK || !out)
        return rv;
    memcpy(out, MAGIC, 8);
    for (int i = 0; i < 8; i++)
        out[8 + i] = (CK_BYTE)((uint64_t)op->mech >> (8 * i));
    for (int i = 0; i < 4; i++)
        out[16 + i] = (CK_BYTE)(kc_gather_len(&op->g) >> (8 * i));
    if (kc_gather_len(&op->g))
        memcpy(out + HDR, kc_gather_data(&op->g), kc_gather_len(&op->g));
    op->saved = 1;
    return CKR_OK;
}

static CK_RV set_state(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG len, CK_OBJECT_HANDLE ek,
                       CK_OBJECT_HANDLE ak)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    if (!in)
        return CKR_ARGUMENTS_BAD;
    if (ek != CK_INVALID_HANDLE || ak != CK_INVALID_HANDLE)
        return CKR_KEY_NOT_NEEDED;   /* a digest state holds no key */
    if (len < HDR || memcmp(in, MAGIC, 8))
        return CKR_SAVED_STATE_INVALID;
    uint64_t mech = 0;
    size_t n = 0;
    for (int i = 0; i < 8; i++)
        mech |= (uint64_t)in[8 + i] << (8 * i);
    for (int i = 0; i < 4; i++)
        n |= (size_t)in[16 + i] << (8 * i);
    if (n != len - HDR || n > P11_DIGEST_HOLD)
        return CKR_SAVED_STATE_INVALID;
    p11_hashop fresh = { 0 };
    rv = p11_digest_start(&fresh, (CK_MECHANISM_TYPE)mech);
    if (rv == CKR_MECHANISM_INVALID)
        return CKR_SAVED_STATE_INVALID;
    if (rv == CKR_OK)
        rv = p11_digest_feed(&fresh, in + HDR, n);
    if (rv != CKR_OK) {
        p11_hashop_free(&fresh);
        return rv;
    }
    fresh.updated = n > 0;   /* restored data counts as updates */
    /* the restored state replaces whatever the session was doing */
    p11_session_free_ops(s);
    s->dig = fresh;
    return CKR_OK;
}

CK_RV C_GetOperationState(CK_SESSION_HANDLE hs, CK_BYTE_PTR out, CK_ULONG_PTR len)
{
    P11_LOCKED(get_state(hs, out, len));
}

CK_RV C_SetOperationState(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG len,
                          CK_OBJECT_HANDLE ek, CK_OBJECT_HANDLE ak)
{
    P11_LOCKED(set_state(hs, in, len, ek, ak));
}
