/* SPDX-License-Identifier: Apache-2.0 */
/* C_WrapKey / C_UnwrapKey with AES-KW (RFC 3394, CKM_AES_KEY_WRAP) and
 * AES-KWP (RFC 5649, CKM_AES_KEY_WRAP_KWP). CKM_AES_KEY_WRAP_PAD is not
 * offered: PKCS#11 defines it as KW over PKCS#7-padded data, not RFC 5649.
 * The wrapping key's context comes from the kernel transform cached on its
 * object (kc_keywrap_from_tfm), so its bytes are unsealed only the first
 * time that transform is keyed, as for ciphers: ecb(aes) for KW wrap and
 * KWP, shared with CKM_AES_ECB; kw(aes) for KW unwrap. */
#include "p11.h"
#include "audit.h"

#include <stdlib.h>
#include <string.h>

static CK_RV check_mech(CK_MECHANISM_PTR m, CK_FLAGS flag, const p11_mech **pm)
{
    if (!m)
        return CKR_ARGUMENTS_BAD;
    if (!(*pm = p11_mech_lookup(m->mechanism)) || !((*pm)->info.flags & flag))
        return CKR_MECHANISM_INVALID;
    /* Only the default ICVs of RFC 3394 and RFC 5649. */
    if (m->pParameter || m->ulParameterLen)
        return CKR_MECHANISM_PARAM_INVALID;
    return CKR_OK;
}

static CK_RV kek(p11_object *k, const p11_mech *pm, int wrap, kc_keywrap **w)
{
    kc_alg_id on = kc_keywrap_tfm_alg(pm->alg, wrap);
    if (on == KC_ALG_COUNT)   /* p11_key_tfm indexes the object's cache by it */
        return CKR_MECHANISM_INVALID;
    kc_tfm *t;
    CK_RV rv = p11_key_tfm(k, on, &t);
    if (rv == CKR_KEY_SIZE_RANGE)
        return wrap ? CKR_WRAPPING_KEY_SIZE_RANGE : CKR_UNWRAPPING_KEY_SIZE_RANGE;
    if (rv != CKR_OK)
        return rv;
    kc_error err;
    kc_status st = kc_keywrap_from_tfm(w, pm->alg, t, wrap, &err);
    return st == KC_OK ? CKR_OK : p11_rv(&err, P11_USE_INIT);
}

static CK_RV wrap_key(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hw,
                      CK_OBJECT_HANDLE hk, CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    p11_session *s;
    const p11_mech *pm;
    p11_object *w, *k;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    if (!outn)
        return CKR_ARGUMENTS_BAD;
    if ((rv = check_mech(m, CKF_WRAP, &pm)) != CKR_OK)
        return rv;
    rv = p11_key_for_use(hs, hw, CKA_WRAP, &w);
    if (rv == CKR_KEY_HANDLE_INVALID)
        return CKR_WRAPPING_KEY_HANDLE_INVALID;
    if (rv != CKR_OK)
        return rv;
    if (w->kt != CKK_AES)
        return CKR_WRAPPING_KEY_TYPE_INCONSISTENT;
    if (!kc_alg_key_size_ok(kc_alg(pm->alg), w->value_len))
        return CKR_WRAPPING_KEY_SIZE_RANGE;
    if ((rv = p11_key_for_use(hs, hk, 0, &k)) != CKR_OK)
        return rv;
    if (!p11_attr_bool(k, CKA_EXTRACTABLE))
        return CKR_KEY_UNEXTRACTABLE;
    if (p11_attr_bool(k, CKA_WRAP_WITH_TRUSTED) && !p11_attr_bool(w, CKA_TRUSTED))
        return CKR_KEY_NOT_WRAPPABLE;
    if (pm->alg == KC_AES_KW && (k->value_len % 8 || k->value_len < 16))
        return CKR_KEY_SIZE_RANGE;   /* RFC 3394 wraps whole 64-bit blocks, at least two */
    size_t need = kc_keywrap_max_out(pm->alg, 1, k->value_len);
    if ((rv = p11_out(out, outn, need)) != CKR_OK || !out)
        return rv;
    kc_keywrap *kw;
    if ((rv = kek(w, pm, 1, &kw)) != CKR_OK)
        return rv;
    unsigned char *v = malloc(k->value_len);
    rv = v ? p11_key_get_value(k, v, k->value_len) : CKR_HOST_MEMORY;
    if (rv == CKR_OK) {
        size_t n = need;
        kc_error err;
        if (kc_keywrap_wrap(kw, v, k->value_len, out, &n, &err) != KC_OK)
            rv = p11_rv(&err, P11_USE_WRAP);
        else
            *outn = n;
    }
    if (v)
        kc_wipe(v, k->value_len);
    free(v);
    kc_keywrap_free(kw);
    return rv;
}

static CK_RV unwrap_key(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hu,
                        CK_BYTE_PTR in, CK_ULONG n, CK_ATTRIBUTE_PTR t, CK_ULONG tn,
                        CK_OBJECT_HANDLE_PTR out)
{
    p11_session *s;
    const p11_mech *pm;
    p11_object *u;
    CK_ULONG cls, kt;
    int have_cls, have_kt;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    if (!in || !out || (tn && !t))
        return CKR_ARGUMENTS_BAD;
    if ((rv = check_mech(m, CKF_UNWRAP, &pm)) != CKR_OK)
        return rv;
    rv = p11_key_for_use(hs, hu, CKA_UNWRAP, &u);
    if (rv == CKR_KEY_HANDLE_INVALID)
        return CKR_UNWRAPPING_KEY_HANDLE_INVALID;
    if (rv != CKR_OK)
        return rv;
    if (u->kt != CKK_AES)
        return CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
    if (!kc_alg_key_size_ok(kc_alg(pm->alg), u->value_len))
        return CKR_UNWRAPPING_KEY_SIZE_RANGE;
    if ((rv = p11_tmpl_check(t, tn)) != CKR_OK ||
        (rv = p11_tmpl_ulong(t, tn, CKA_CLASS, &cls, &have_cls)) != CKR_OK ||
        (rv = p11_tmpl_ulong(t, tn, CKA_KEY_TYPE, &kt, &have_kt)) != CKR_OK)
        return rv;
    if (!have_cls || !have_kt)
        return CKR_TEMPLATE_INCOMPLETE;
    int rsa = cls == CKO_PRIVATE_KEY && kt == CKK_RSA;   /* PKCS#8 (rsa_key.c) */
    if (!rsa && (cls != CKO_SECRET_KEY ||
                 p11_secret_key_len_ok(kt, kt == CKK_AES ? 16 : kt == CKK_DES3 ? 24 : 32) != CKR_OK))
        return CKR_TEMPLATE_INCONSISTENT;
    size_t cap = rsa ? 4096 : 520;   /* a 4096-bit key's PKCS#8 is about 2.4 KB */
    if (n % 8 || n < (pm->alg == KC_AES_KW ? 24u : 16u) || n > cap + 8)
        return CKR_WRAPPED_KEY_LEN_RANGE;
    kc_keywrap *kw;
    if ((rv = kek(u, pm, 0, &kw)) != CKR_OK)
        return rv;
    unsigned char *v = malloc(cap + 8);
    size_t vn = cap + 8;
    kc_error err;
    kc_status st = v ? kc_keywrap_unwrap(kw, in, n, v, &vn, &err) : KC_ERR_NOMEM;
    kc_keywrap_free(kw);
    if (!v)
        rv = CKR_HOST_MEMORY;
    else if (st != KC_OK)
        rv = p11_rv(&err, P11_USE_UNWRAP);
    else if (rsa)
        rv = p11_rsa_unwrapped(s, t, tn, v, vn, out);
    else
        rv = p11_object_make(s, t, tn, P11_MAKE_UNWRAP, CKO_SECRET_KEY, kt, v, vn, 0, out);
    if (v) {
        kc_wipe(v, cap + 8);
        free(v);
    }
    return rv;
}

CK_RV C_WrapKey(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hw,
                CK_OBJECT_HANDLE hk, CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    rv = wrap_key(hs, m, hw, hk, out, outn);
    p11_audit_wrap(hw, hk, out, rv);
    p11_leave();
    return rv;
}

CK_RV C_UnwrapKey(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hu,
                  CK_BYTE_PTR in, CK_ULONG n, CK_ATTRIBUTE_PTR t, CK_ULONG tn,
                  CK_OBJECT_HANDLE_PTR out)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    rv = unwrap_key(hs, m, hu, in, n, t, tn, out);
    p11_audit_unwrap(hu, out, rv);
    p11_leave();
    return rv;
}
