/* SPDX-License-Identifier: Apache-2.0 */
/* C_GenerateKey: secret keys drawn from the kernel DRBG inside the token. */
#include "p11.h"

CK_RV C_GenerateKey(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                    CK_OBJECT_HANDLE_PTR out)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    const p11_mech *pm;
    unsigned char v[512];
    CK_ULONG len = 0, cls, kt = 0;
    int have_len, have_cls, have_kt;
    if ((rv = p11_session_get(hs, &s)) != CKR_OK)
        goto out;
    if (!m || !out || (n && !t)) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    if (!(pm = p11_mech_lookup(m->mechanism)) || !(pm->info.flags & CKF_GENERATE)) {
        rv = CKR_MECHANISM_INVALID;
        goto out;
    }
    if (m->pParameter || m->ulParameterLen) {
        rv = CKR_MECHANISM_PARAM_INVALID;
        goto out;
    }
    if ((rv = p11_tmpl_check(t, n)) != CKR_OK ||
        (rv = p11_tmpl_ulong(t, n, CKA_CLASS, &cls, &have_cls)) != CKR_OK ||
        (rv = p11_tmpl_ulong(t, n, CKA_KEY_TYPE, &kt, &have_kt)) != CKR_OK ||
        (rv = p11_tmpl_ulong(t, n, CKA_VALUE_LEN, &len, &have_len)) != CKR_OK)
        goto out;
    if (have_cls && cls != CKO_SECRET_KEY) {
        rv = CKR_TEMPLATE_INCONSISTENT;
        goto out;
    }
    CK_KEY_TYPE want = m->mechanism == CKM_AES_KEY_GEN ? CKK_AES
                     : m->mechanism == CKM_DES3_KEY_GEN ? CKK_DES3
                     : m->mechanism == CKM_CHACHA20_KEY_GEN ? CKK_CHACHA20 : CKK_GENERIC_SECRET;
    if (!have_kt) {
        kt = want;
    } else if (kt != want && !(want == CKK_GENERIC_SECRET && kt != CKK_AES &&
                               kt != CKK_CHACHA20 &&
                               p11_secret_key_len_ok(kt, 32) == CKR_OK)) {
        /* GENERIC_SECRET_KEY_GEN also makes the HMAC key types. */
        rv = CKR_TEMPLATE_INCONSISTENT;
        goto out;
    }
    if (!have_len) {
        if (kt != CKK_CHACHA20 && kt != CKK_DES3) {
            rv = CKR_TEMPLATE_INCOMPLETE;
            goto out;
        }
        len = kt == CKK_DES3 ? 24 : 32;
    }
    if (len > sizeof v || p11_secret_key_len_ok(kt, len) != CKR_OK) {
        rv = CKR_KEY_SIZE_RANGE;
        goto out;
    }
    if (p11_custody_generates(t, n)) {   /* the kernel draws it (custody.c) */
        rv = p11_object_make(s, t, n, P11_MAKE_GENERATE, CKO_SECRET_KEY, kt, NULL, len,
                             m->mechanism, out);
        goto out;
    }
    if ((rv = p11_random(v, len)) != CKR_OK)
        goto out;
    if (kt == CKK_DES3)   /* DES keys carry odd parity in each byte's low bit */
        for (size_t i = 0; i < len; i++)
            v[i] = (unsigned char)((v[i] & 0xfe) | !(__builtin_popcount(v[i] & 0xfe) & 1));
    rv = p11_object_make(s, t, n, P11_MAKE_GENERATE, CKO_SECRET_KEY, kt, v, len, m->mechanism,
                         out);
out:
    kc_wipe(v, sizeof v);
    p11_leave();
    return rv;
}
