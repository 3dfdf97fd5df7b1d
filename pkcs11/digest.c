/* SPDX-License-Identifier: Apache-2.0 */
/* C_Digest*: SHA-1, SHA-2 and SHA-3 on the kernel's hash transforms.
 * Updates are held in the module up to P11_DIGEST_HOLD bytes and reach the
 * kernel with the final: one sendmsg and one read for a typical message,
 * and a state C_GetOperationState can save (strongSwan's hasher saves it
 * after every append). Beyond that it goes to the kernel in held-size
 * pieces (common/'s kc_gather) and the
 * state becomes unsaveable. */
#include "p11.h"

#include <stdlib.h>
#include <string.h>

void p11_hashop_free(p11_hashop *op)
{
    if (op->h)
        kc_hash_free(op->h);
    op->h = NULL;
    kc_gather_free(&op->g);   /* wiped: C_DigestKey may have put a key here */
    op->saved = 0;
    op->updated = 0;
    op->active = 0;
}

CK_RV p11_digest_start(p11_hashop *op, CK_MECHANISM_TYPE mech)
{
    const p11_mech *pm = p11_mech_lookup(mech);
    if (!pm || !(pm->info.flags & CKF_DIGEST))
        return CKR_MECHANISM_INVALID;
    kc_error err;
    if (kc_hash_new(&op->h, pm->alg, NULL, NULL, &err) != KC_OK) {
        op->h = NULL;
        return p11_rv(&err, P11_USE_INIT);
    }
    op->mech = mech;
    op->out_len = kc_alg(pm->alg)->out_size;
    kc_gather_init(&op->g, P11_DIGEST_HOLD);
    op->updated = 0;
    op->active = 1;
    return CKR_OK;
}

/* The gatherer's sink: part of the message to the kernel hash. */
static kc_status hash_sink(void *ctx, const unsigned char *in, size_t len, kc_error *err)
{
    return kc_hash_update(ctx, in, len, err);
}

CK_RV p11_hash_feed(p11_hashop *op, const unsigned char *in, size_t n)
{
    kc_error err;
    if (kc_gather_update(&op->g, in, n, hash_sink, op->h, &err) != KC_OK)
        return p11_rv(&err, P11_USE_DIGEST);   /* CKR_HOST_MEMORY for allocation */
    return CKR_OK;
}

kc_status p11_hash_end(p11_hashop *op, unsigned char *out, size_t out_len, kc_error *err)
{
    if (!op->g.spilled)   /* all of it held here: one request */
        return kc_hash_oneshot(op->h, kc_gather_data(&op->g), kc_gather_len(&op->g), out,
                               out_len, err);
    kc_status st = kc_gather_flush(&op->g, hash_sink, op->h, err);
    return st == KC_OK ? kc_hash_final(op->h, out, out_len, err) : st;
}

CK_RV p11_digest_feed(p11_hashop *op, const unsigned char *in, size_t n)
{
    op->saved = 0;
    op->updated = 1;
    return p11_hash_feed(op, in, n);
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
    if ((rv = p11_session_get(hs, &s)) != CKR_OK)
        goto out;
    /* A digest whose state was just saved may be replaced: the caller
     * holds everything it needs to go on, and strongSwan's pkcs11 hasher
     * starts anew this way after saving. Otherwise one at a time. Only a
     * start that succeeds replaces it: a bad mechanism keeps the digest. */
    if (s->dig.active && !s->dig.saved) {
        rv = CKR_OPERATION_ACTIVE;
        goto out;
    }
    if (!m) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    const p11_mech *pm = p11_mech_lookup(m->mechanism);
    if (!pm || !(pm->info.flags & CKF_DIGEST)) {
        rv = CKR_MECHANISM_INVALID;
        goto out;
    }
    if (m->pParameter || m->ulParameterLen) {
        rv = CKR_MECHANISM_PARAM_INVALID;
        goto out;
    }
    p11_hashop fresh = { 0 };
    if ((rv = p11_digest_start(&fresh, m->mechanism)) != CKR_OK)
        goto out;
    p11_hashop_free(&s->dig);
    s->dig = fresh;
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
    kc_status st;
    if (oneshot)
        st = kc_hash_oneshot(op->h, data, n, out, op->out_len, &err);
    else
        st = p11_hash_end(op, out, op->out_len, &err);
    p11_hashop_free(op);
    return st == KC_OK ? CKR_OK : p11_rv(&err, P11_USE_DIGEST);
}

CK_RV C_Digest(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR out,
               CK_ULONG_PTR outn)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_hashop *op;
    if ((rv = dig_op(hs, &op)) == CKR_OK) {
        if ((!in && n) || !outn || n > P11_LEN_MAX) {
            p11_hashop_free(op);
            rv = CKR_ARGUMENTS_BAD;
        } else if (op->updated) {
            /* "cannot be used to terminate a multi-part operation"; like
             * C_Encrypt, a refused C_Digest ends the operation (5.10) */
            p11_hashop_free(op);
            rv = CKR_OPERATION_ACTIVE;
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
        rv = !in && n ? CKR_ARGUMENTS_BAD
             : n > P11_LEN_MAX ? CKR_ARGUMENTS_BAD   /* the only code listed that fits */
             : p11_digest_feed(op, in, n);
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
    rv = p11_key_get_value(k, v, k->value_len);
    if (rv == CKR_OK)
        rv = p11_digest_feed(op, v, k->value_len);
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
