/* SPDX-License-Identifier: Apache-2.0 */
/* C_WrapKey / C_UnwrapKey with CKM_AES_KEY_WRAP (RFC 3394) and
 * CKM_AES_KEY_WRAP_KWP (RFC 5649). The key that is wrapped is an
 * extractable CKK_GENERIC_SECRET holding the vector's plaintext; an
 * unwrapped one is made readable so its value can be compared. */
#include "vec_p11.h"

#include <string.h>

/* What C_WrapKey must refuse as CKR_KEY_SIZE_RANGE: RFC 3394 wraps two or
 * more whole 64-bit blocks. */
static int wrappable(kc_alg_id alg, size_t n)
{
    return alg != KC_AES_KW || (n >= 16 && n % 8 == 0);
}

/* What C_UnwrapKey must refuse as CKR_WRAPPED_KEY_LEN_RANGE: no whole
 * blocks, less than a wrapped key can be (KW: 2 blocks of key, KWP: 1 byte
 * padded to a block, each with the 8-byte integrity block), or more than
 * the token's largest key (512 bytes) wrapped. */
static int unwrappable_len(kc_alg_id alg, size_t n)
{
    return n % 8 == 0 && n >= (alg == KC_AES_KW ? 24u : 16u) && n <= 520;
}

static kc_status wrap_key(vec_p11 *t, const vec_wrap_case *c, CK_OBJECT_HANDLE kek,
                          CK_MECHANISM *m, unsigned char *out, size_t *out_len, kc_error *err)
{
    CK_OBJECT_HANDLE key = vec_p11_secret_new(t, c->pt, err);
    if (!key)
        return err->status;
    CK_RV right = wrappable(c->alg, c->pt->n) ? 0 : CKR_KEY_SIZE_RANGE;
    CK_ULONG q = 0, n = kc_keywrap_max_out(c->alg, 1, c->pt->n);
    /* the length query first, as an application sizing its buffer does */
    kc_status st = vec_p11_status(t->f->C_WrapKey(t->s, m, kek, key, NULL, &q),
                                  "C_WrapKey (length query)", m->mechanism, right,
                                  KC_ERR_INVALID_ARG, err);
    if (st == KC_OK)
        st = vec_p11_status(t->f->C_WrapKey(t->s, m, kek, key, out, &n), "C_WrapKey",
                            m->mechanism, right, KC_ERR_INVALID_ARG, err);
    if (st == KC_OK && n > q)
        st = kc_fail(err, KC_ERR_KERNEL, 0, "C_WrapKey (%s) wrote %lu bytes after a query of %lu",
                     vec_p11_mech_name(m->mechanism), (unsigned long)n, (unsigned long)q);
    if (st == KC_OK)
        *out_len = n;
    vec_p11_destroy(t, key);
    return st;
}

static kc_status unwrap_key(vec_p11 *t, const vec_wrap_case *c, CK_OBJECT_HANDLE kek,
                            CK_MECHANISM *m, unsigned char *out, size_t *out_len, kc_error *err)
{
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE tmpl[] = {
        { CKA_CLASS, &cls, sizeof(cls) }, { CKA_KEY_TYPE, &kt, sizeof(kt) },
        { CKA_TOKEN, &no, 1 }, { CKA_EXTRACTABLE, &yes, 1 }, { CKA_SENSITIVE, &no, 1 },
    };
    CK_OBJECT_HANDLE key = 0;
    int len_ok = unwrappable_len(c->alg, c->ct.n);
    CK_RV rv = t->f->C_UnwrapKey(t->s, m, kek, c->ct.p, c->ct.n, tmpl, 5, &key);
    kc_status st = vec_p11_status(rv, "C_UnwrapKey", m->mechanism,
                                  len_ok ? CKR_WRAPPED_KEY_INVALID : CKR_WRAPPED_KEY_LEN_RANGE,
                                  len_ok ? KC_ERR_AUTH : KC_ERR_INVALID_ARG, err);
    if (st != KC_OK)
        return st;
    CK_ATTRIBUTE value = { CKA_VALUE, out, kc_keywrap_max_out(c->alg, 0, c->ct.n) };
    st = vec_p11_status(t->f->C_GetAttributeValue(t->s, key, &value, 1),
                        "C_GetAttributeValue (CKA_VALUE of the unwrapped key)", 0, 0, KC_OK, err);
    if (st == KC_OK)
        *out_len = value.ulValueLen;
    vec_p11_destroy(t, key);
    return st;
}

kc_status vec_p11_wrap(vec_ctx *v, const vec_wrap_case *c, int wrap, unsigned char *out,
                       size_t *out_len, kc_error *err)
{
    vec_slot *s = wrap ? &v->wrap : &v->unwrap;
    vec_p11_key *kek = vec_p11_key_get(v, s, c->alg, (size_t)wrap, &c->kek, err);
    if (!kek)
        return err->status;
    CK_MECHANISM m = { p11_alg_map_of(c->alg)->mech, NULL, 0 };
    if (wrap)
        return wrap_key(vec_p11_of(v), c, kek->h, &m, out, out_len, err);
    return unwrap_key(vec_p11_of(v), c, kek->h, &m, out, out_len, err);
}
