/* C_Digest*: SHA-1, SHA-2 and SHA-3 on the kernel's hash transforms. */
#include "p11.h"

#include <stdlib.h>

void p11_hashop_free(p11_hashop *op)
{
    if (op->h)
        kc_hash_free(op->h);
    op->h = NULL;
    op->active = 0;
}

static CK_RV dig_op(CK_SESSION_HANDLE hs, p11_hashop **op)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    *op = &s->dig;
    return s->dig.active ? CKR_OK : CKR_OPERATION_NOT_INITIALIZED;
}

CK_RV C_DigestInit(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    const p11_mech *pm = NULL;
    if ((rv = p11_session_get(hs, &s)) != CKR_OK)
        goto out;
    if (s->dig.active) {
        rv = CKR_OPERATION_ACTIVE;
        goto out;
    }
    if (!m) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    if (!(pm = p11_mech_lookup(m->mechanism)) || !(pm->info.flags & CKF_DIGEST)) {
        rv = CKR_MECHANISM_INVALID;
        goto out;
    }
    if (m->pParameter || m->ulParameterLen) {
        rv = CKR_MECHANISM_PARAM_INVALID;
        goto out;
    }
    kc_error err;
    if (kc_hash_new(&s->dig.h, pm->alg, NULL, NULL, &err) != KC_OK) {
        s->dig.h = NULL;
        rv = CKR_DEVICE_ERROR;
        goto out;
    }
    s->dig.mech = m->mechanism;
    s->dig.out_len = kc_alg(pm->alg)->out_size;
    s->dig.active = 1;
out:
    p11_leave();
    return rv;
}

static CK_RV finish(p11_hashop *op, CK_BYTE_PTR out, CK_ULONG_PTR outn, const void *data,
                    size_t n, int oneshot)
{
    CK_RV rv = p11_out(out, outn, op->out_len);
    if (rv != CKR_OK || !out)
        return rv;   /* size answers keep the operation */
    kc_error err;
    kc_status st = oneshot ? kc_hash_oneshot(op->h, data, n, out, op->out_len, &err)
                           : kc_hash_final(op->h, out, op->out_len, &err);
    p11_hashop_free(op);
    return st == KC_OK ? CKR_OK : CKR_DEVICE_ERROR;
}

CK_RV C_Digest(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR out,
               CK_ULONG_PTR outn)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_hashop *op;
    if ((rv = dig_op(hs, &op)) == CKR_OK) {
        if ((!in && n) || !outn) {
            p11_hashop_free(op);
            rv = CKR_ARGUMENTS_BAD;
        } else {
            rv = finish(op, out, outn, in, n, 1);
        }
    }
    p11_leave();
    return rv;
}

CK_RV C_DigestUpdate(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_hashop *op;
    if ((rv = dig_op(hs, &op)) == CKR_OK) {
        kc_error err;
        if (!in && n)
            rv = CKR_ARGUMENTS_BAD;
        else if (n && kc_hash_update(op->h, in, n, &err) != KC_OK)
            rv = CKR_DEVICE_ERROR;
        if (rv != CKR_OK)
            p11_hashop_free(op);
    }
    p11_leave();
    return rv;
}

/* Feeding a key's value into a digest would let it out one hash at a
 * time; only keys that may be read anyway are digestible. */
CK_RV C_DigestKey(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE hk)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_hashop *op;
    p11_object *k;
    if ((rv = dig_op(hs, &op)) != CKR_OK)
        goto out;
    if ((rv = p11_key_for_use(hs, hk, 0, &k)) != CKR_OK)
        goto fail;
    if (p11_attr_bool(k, CKA_SENSITIVE) || !p11_attr_bool(k, CKA_EXTRACTABLE)) {
        rv = CKR_KEY_INDIGESTIBLE;
        goto fail;
    }
    unsigned char *v = malloc(k->value_len);
    if (!v) {
        rv = CKR_HOST_MEMORY;
        goto fail;
    }
    kc_error err;
    rv = p11_key_get_value(k, v, k->value_len);
    if (rv == CKR_OK && kc_hash_update(op->h, v, k->value_len, &err) != KC_OK)
        rv = CKR_DEVICE_ERROR;
    kc_wipe(v, k->value_len);
    free(v);
    if (rv == CKR_OK)
        goto out;
fail:
    p11_hashop_free(op);
out:
    p11_leave();
    return rv;
}

CK_RV C_DigestFinal(CK_SESSION_HANDLE hs, CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_hashop *op;
    if ((rv = dig_op(hs, &op)) == CKR_OK) {
        if (!outn) {
            p11_hashop_free(op);
            rv = CKR_ARGUMENTS_BAD;
        } else {
            rv = finish(op, out, outn, NULL, 0, 0);
        }
    }
    p11_leave();
    return rv;
}
