/* SPDX-License-Identifier: Apache-2.0 */
/* Attribute rules: which attributes an object class has, their defaults,
 * and what a template may set at creation, with C_SetAttributeValue and
 * with C_CopyObject (PKCS#11 3.0 sections 4.4-4.7, 4.9). */
#include "p11.h"
#include "audit.h"

#include <stdlib.h>
#include <string.h>

static const CK_ATTRIBUTE_TYPE bool_types[] = {
    CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE, CKA_SENSITIVE,
    CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE,
    CKA_EXTRACTABLE, CKA_LOCAL, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE,
    CKA_WRAP_WITH_TRUSTED, CKA_TRUSTED, CKA_ALWAYS_AUTHENTICATE, CKA_SIGN_RECOVER,
    CKA_VERIFY_RECOVER,
};
static const CK_ATTRIBUTE_TYPE ulong_types[] = {
    CKA_CLASS, CKA_KEY_TYPE, CKA_VALUE_LEN, CKA_KEY_GEN_MECHANISM, CKA_MODULUS_BITS,
};
/* Set by the token only. */
static const CK_ATTRIBUTE_TYPE token_set[] = {
    CKA_LOCAL, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_KEY_GEN_MECHANISM,
};
static const CK_ATTRIBUTE_TYPE secret_types[] = {
    CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE,
    CKA_LABEL, CKA_KEY_TYPE, CKA_ID, CKA_START_DATE, CKA_END_DATE, CKA_DERIVE, CKA_LOCAL,
    CKA_KEY_GEN_MECHANISM, CKA_SENSITIVE, CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY,
    CKA_WRAP, CKA_UNWRAP, CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE,
    CKA_CHECK_VALUE, CKA_WRAP_WITH_TRUSTED, CKA_TRUSTED, CKA_VALUE, CKA_VALUE_LEN,
};
static const CK_ATTRIBUTE_TYPE data_types[] = {
    CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE,
    CKA_LABEL, CKA_APPLICATION, CKA_OBJECT_ID, CKA_VALUE,
};

#define IN(t, arr) in_list(t, arr, sizeof arr / sizeof arr[0])
static int in_list(CK_ATTRIBUTE_TYPE t, const CK_ATTRIBUTE_TYPE *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] == t)
            return 1;
    return 0;
}

static int valid_for(CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE t)
{
    if (cls == CKO_PRIVATE_KEY || cls == CKO_PUBLIC_KEY)
        return p11_rsa_attr_valid(cls, t);   /* rsa_key.c */
    return cls == CKO_SECRET_KEY ? IN(t, secret_types) : IN(t, data_types);
}

p11_attr *p11_attr_get(const p11_object *o, CK_ATTRIBUTE_TYPE t)
{
    for (size_t i = 0; i < o->nattrs; i++)
        if (o->attrs[i].type == t)
            return &o->attrs[i];
    return NULL;
}

CK_RV p11_attr_set(p11_object *o, CK_ATTRIBUTE_TYPE t, const void *v, CK_ULONG len)
{
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        return CKR_HOST_MEMORY;
    if (len)
        memcpy(copy, v, len);
    p11_attr *a = p11_attr_get(o, t);
    if (!a) {
        p11_attr *na = realloc(o->attrs, (o->nattrs + 1) * sizeof *na);
        if (!na) {
            free(copy);
            return CKR_HOST_MEMORY;
        }
        o->attrs = na;
        a = &na[o->nattrs++];
        a->type = t;
    } else {
        kc_wipe(a->val, a->len);
        free(a->val);
    }
    a->val = copy;
    a->len = len;
    return CKR_OK;
}

int p11_attr_bool(const p11_object *o, CK_ATTRIBUTE_TYPE t)
{
    const p11_attr *a = p11_attr_get(o, t);
    return a && a->len == sizeof(CK_BBOOL) && *(CK_BBOOL *)a->val;
}

CK_RV p11_attr_set_bool(p11_object *o, CK_ATTRIBUTE_TYPE t, int v)
{
    CK_BBOOL b = v ? CK_TRUE : CK_FALSE;
    return p11_attr_set(o, t, &b, sizeof b);
}

CK_RV p11_attr_set_ulong(p11_object *o, CK_ATTRIBUTE_TYPE t, CK_ULONG v)
{
    return p11_attr_set(o, t, &v, sizeof v);
}

const CK_ATTRIBUTE *p11_tmpl_find(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type)
{
    for (CK_ULONG i = 0; i < n; i++)
        if (t[i].type == type)
            return &t[i];
    return NULL;
}

CK_RV p11_tmpl_ulong(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type, CK_ULONG *v,
                     int *present)
{
    const CK_ATTRIBUTE *a = p11_tmpl_find(t, n, type);
    *present = a != NULL;
    if (!a)
        return CKR_OK;
    if (a->ulValueLen != sizeof(CK_ULONG) || !a->pValue)
        return CKR_ATTRIBUTE_VALUE_INVALID;
    memcpy(v, a->pValue, sizeof *v);
    return CKR_OK;
}

static int tmpl_bool(const CK_ATTRIBUTE *a)
{
    return *(const CK_BBOOL *)a->pValue != CK_FALSE;
}

/* Shape checks common to every template: sizes and duplicates. */
CK_RV p11_tmpl_check(const CK_ATTRIBUTE *t, CK_ULONG n)
{
    if (n && !t)
        return CKR_ARGUMENTS_BAD;
    for (CK_ULONG i = 0; i < n; i++) {
        if (!t[i].pValue && t[i].ulValueLen)
            return CKR_ATTRIBUTE_VALUE_INVALID;
        if (IN(t[i].type, bool_types) &&
            (t[i].ulValueLen != sizeof(CK_BBOOL) || !t[i].pValue))
            return CKR_ATTRIBUTE_VALUE_INVALID;
        if (IN(t[i].type, ulong_types) &&
            (t[i].ulValueLen != sizeof(CK_ULONG) || !t[i].pValue))
            return CKR_ATTRIBUTE_VALUE_INVALID;
        if ((t[i].type == CKA_START_DATE || t[i].type == CKA_END_DATE) &&
            t[i].ulValueLen != 0 && t[i].ulValueLen != sizeof(CK_DATE))
            return CKR_ATTRIBUTE_VALUE_INVALID;
        for (CK_ULONG j = 0; j < i; j++)
            if (t[j].type == t[i].type)
                return CKR_TEMPLATE_INCONSISTENT;
    }
    return CKR_OK;
}

CK_RV p11_secret_key_len_ok(CK_KEY_TYPE kt, size_t len)
{
    switch (kt) {
    case CKK_AES:
        return len == 16 || len == 24 || len == 32 ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
    case CKK_CHACHA20:
        return len == 32 ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
    case CKK_DES3:
        return kc_alg_key_size_ok(kc_alg(KC_DES3_ECB), len) ? CKR_OK
                                                           : CKR_ATTRIBUTE_VALUE_INVALID;
    case CKK_GENERIC_SECRET:
    case CKK_SHA_1_HMAC: case CKK_SHA224_HMAC: case CKK_SHA256_HMAC:
    case CKK_SHA384_HMAC: case CKK_SHA512_HMAC:
    case CKK_SHA3_224_HMAC: case CKK_SHA3_256_HMAC: case CKK_SHA3_384_HMAC:
    case CKK_SHA3_512_HMAC:
        return len >= 1 && len <= 512 ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
    default:
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
}

static int is_user(void)
{
    return p11_g.logged_in && p11_g.user == CKU_USER;
}

/* CKA_CHECK_VALUE: AES and DES3 encrypt a zero block (first 3 bytes); other secret
 * keys take the first 3 bytes of SHA-1 of the value (PKCS#11 3.0 4.9.2).
 * ChaCha20 defines none: the attribute is left empty. */
static CK_RV check_value(CK_KEY_TYPE kt, const unsigned char *v, size_t len,
                         unsigned char out[3], int *have)
{
    unsigned char block[64] = { 0 };
    kc_error err;
    kc_key k = KC_KEY_RAW(v, len);
    *have = 0;
    if (kt == CKK_AES || kt == CKK_DES3) {
        /* both: the first bytes of a zero block encrypted in ECB */
        kc_alg_id ecb = kt == CKK_AES ? KC_AES_ECB : KC_DES3_ECB;
        kc_cipher *c;
        if (kc_cipher_new(&c, ecb, NULL, &k, &err) != KC_OK)
            return p11_rv(&err, P11_USE_TOKEN);
        kc_status st = kc_cipher_oneshot(c, 1, NULL, 0, block, kc_alg(ecb)->block_size, block,
                                         &err);
        kc_cipher_free(c);
        if (st != KC_OK)
            return p11_rv(&err, P11_USE_TOKEN);
    } else if (kt != CKK_CHACHA20 && kc_available(KC_SHA1)) {
        kc_hash *h;
        if (kc_hash_new(&h, KC_SHA1, NULL, NULL, &err) != KC_OK)
            return p11_rv(&err, P11_USE_TOKEN);
        kc_status st = kc_hash_oneshot(h, v, len, block, 20, &err);
        kc_hash_free(h);
        if (st != KC_OK)
            return p11_rv(&err, P11_USE_TOKEN);
    } else {
        return CKR_OK;
    }
    memcpy(out, block, 3);
    *have = 1;
    return CKR_OK;
}

/* Key separation, after Clulow (CHES 2003) and Bortolozzo, Centenaro,
 * Focardi, Steel (CCS 2010): a key that wraps must not decrypt (else wrap a
 * sensitive key, then decrypt the blob: its value in clear), and a key that
 * unwraps must not encrypt (else encrypt a chosen value and unwrap it: a
 * key whose value the attacker knows). Such a key is refused at creation,
 * and after creation these four usages may only be turned off, so no
 * sequence of C_SetAttributeValue or C_CopyObject calls gives one key both
 * roles at different times. */
CK_RV p11_key_separation(const p11_object *o)
{
    if (o->cls != CKO_SECRET_KEY)
        return CKR_OK;
    if ((p11_attr_bool(o, CKA_WRAP) && p11_attr_bool(o, CKA_DECRYPT)) ||
        (p11_attr_bool(o, CKA_UNWRAP) && p11_attr_bool(o, CKA_ENCRYPT)))
        return CKR_TEMPLATE_INCONSISTENT;
    return CKR_OK;
}

static CK_RV defaults(p11_object *o)
{
    static const CK_ATTRIBUTE_TYPE on[] = {
        CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE,
    };
    static const CK_ATTRIBUTE_TYPE key_on[] = {
        CKA_PRIVATE, CKA_SENSITIVE, CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY,
    };
    /* wrapping only when asked for: see p11_key_separation */
    static const CK_ATTRIBUTE_TYPE key_off[] = {
        CKA_WRAP, CKA_UNWRAP, CKA_DERIVE, CKA_EXTRACTABLE, CKA_WRAP_WITH_TRUSTED, CKA_TRUSTED, CKA_LOCAL,
        CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE,
    };
    CK_RV rv = p11_attr_set_ulong(o, CKA_CLASS, o->cls);
    rv |= p11_attr_set_bool(o, CKA_TOKEN, 0);
    rv |= p11_attr_set(o, CKA_LABEL, "", 0);
    for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
        rv |= p11_attr_set_bool(o, on[i], 1);
    if (o->cls == CKO_DATA) {
        rv |= p11_attr_set_bool(o, CKA_PRIVATE, 0);
        rv |= p11_attr_set(o, CKA_APPLICATION, "", 0);
        rv |= p11_attr_set(o, CKA_OBJECT_ID, "", 0);
        rv |= p11_attr_set(o, CKA_VALUE, "", 0);
        return rv ? CKR_HOST_MEMORY : CKR_OK;
    }
    /* A careful token: keys are private and sensitive, and leave only if
     * the creator asks for CKA_EXTRACTABLE. */
    for (size_t i = 0; i < sizeof key_on / sizeof key_on[0]; i++)
        rv |= p11_attr_set_bool(o, key_on[i], 1);
    for (size_t i = 0; i < sizeof key_off / sizeof key_off[0]; i++)
        rv |= p11_attr_set_bool(o, key_off[i], 0);
    rv |= p11_attr_set_ulong(o, CKA_KEY_TYPE, o->kt);
    rv |= p11_attr_set(o, CKA_ID, "", 0);
    rv |= p11_attr_set(o, CKA_START_DATE, "", 0);
    rv |= p11_attr_set(o, CKA_END_DATE, "", 0);
    rv |= p11_attr_set_ulong(o, CKA_KEY_GEN_MECHANISM, CK_UNAVAILABLE_INFORMATION);
    rv |= p11_attr_set(o, CKA_CHECK_VALUE, "", 0);
    return rv ? CKR_HOST_MEMORY : CKR_OK;
}

CK_RV p11_object_make(p11_session *s, const CK_ATTRIBUTE *t, CK_ULONG n, p11_make how,
                      CK_OBJECT_CLASS cls, CK_KEY_TYPE kt, const unsigned char *value,
                      size_t value_len, CK_MECHANISM_TYPE genmech, CK_OBJECT_HANDLE *out)
{
    CK_RV rv = p11_tmpl_check(t, n);
    if (rv != CKR_OK)
        return rv;
    for (CK_ULONG i = 0; i < n; i++) {
        if (!valid_for(cls, t[i].type))
            return CKR_ATTRIBUTE_TYPE_INVALID;
        if (IN(t[i].type, token_set))
            return CKR_ATTRIBUTE_READ_ONLY;
        if (t[i].type == CKA_TRUSTED && tmpl_bool(&t[i]) &&
            !(p11_g.logged_in && p11_g.user == CKU_SO))
            return CKR_ATTRIBUTE_READ_ONLY;
        if (cls == CKO_SECRET_KEY && t[i].type == CKA_VALUE && how != P11_MAKE_CREATE)
            return CKR_TEMPLATE_INCONSISTENT;
        if (cls == CKO_SECRET_KEY && t[i].type == CKA_VALUE_LEN && how == P11_MAKE_CREATE)
            return CKR_TEMPLATE_INCONSISTENT;
    }
    if (cls == CKO_SECRET_KEY && how == P11_MAKE_CREATE) {
        const CK_ATTRIBUTE *v = p11_tmpl_find(t, n, CKA_VALUE);
        if (!v)
            return CKR_TEMPLATE_INCOMPLETE;
        value = v->pValue;
        value_len = v->ulValueLen;
    }
    if (cls == CKO_SECRET_KEY) {
        CK_ULONG vl;
        int have;
        if ((rv = p11_tmpl_ulong(t, n, CKA_VALUE_LEN, &vl, &have)) != CKR_OK)
            return rv;
        if (have && vl != value_len)
            return CKR_TEMPLATE_INCONSISTENT;
        if ((rv = p11_secret_key_len_ok(kt, value_len)) != CKR_OK)
            return how == P11_MAKE_UNWRAP ? CKR_TEMPLATE_INCONSISTENT : rv;
    }
    p11_object *o = p11_object_new(cls);
    if (!o)
        return CKR_HOST_MEMORY;
    o->kt = kt;
    if ((rv = defaults(o)) != CKR_OK)
        goto fail;
    for (CK_ULONG i = 0; i < n; i++) {
        if (cls == CKO_SECRET_KEY && (t[i].type == CKA_VALUE || t[i].type == CKA_CHECK_VALUE))
            continue;
        if ((rv = p11_attr_set(o, t[i].type, t[i].pValue, t[i].ulValueLen)) != CKR_OK)
            goto fail;
    }
    if ((rv = p11_key_separation(o)) != CKR_OK)
        goto fail;
    int token = p11_attr_bool(o, CKA_TOKEN);
    if (token && !(s->flags & CKF_RW_SESSION)) {
        rv = CKR_SESSION_READ_ONLY;
        goto fail;
    }
    if (p11_attr_bool(o, CKA_PRIVATE) && !is_user()) {
        rv = CKR_USER_NOT_LOGGED_IN;
        goto fail;
    }
    if (cls == CKO_SECRET_KEY) {
        int gen = how == P11_MAKE_GENERATE;
        int sens = p11_attr_bool(o, CKA_SENSITIVE), ext = p11_attr_bool(o, CKA_EXTRACTABLE);
        rv = p11_attr_set_ulong(o, CKA_VALUE_LEN, value_len);
        rv |= p11_attr_set_bool(o, CKA_LOCAL, gen);
        rv |= p11_attr_set_bool(o, CKA_ALWAYS_SENSITIVE, gen && sens);
        rv |= p11_attr_set_bool(o, CKA_NEVER_EXTRACTABLE, gen && !ext);
        if (gen)
            rv |= p11_attr_set_ulong(o, CKA_KEY_GEN_MECHANISM, genmech);
        if (rv != CKR_OK) {
            rv = CKR_HOST_MEMORY;
            goto fail;
        }
        unsigned char cv[3];
        int have;
        if ((rv = p11_key_set_value(o, value, value_len)) != CKR_OK)
            goto fail;
        rv = value ? check_value(kt, value, value_len, cv, &have)
                   : p11_custody_check_value(o, cv, &have);
        if (rv != CKR_OK)
            goto fail;
        const CK_ATTRIBUTE *given = p11_tmpl_find(t, n, CKA_CHECK_VALUE);
        if (given && given->ulValueLen &&
            (!have || given->ulValueLen != 3 || memcmp(given->pValue, cv, 3))) {
            rv = CKR_ATTRIBUTE_VALUE_INVALID;
            goto fail;
        }
        if (have && (rv = p11_attr_set(o, CKA_CHECK_VALUE, cv, 3)) != CKR_OK)
            goto fail;
    }
    o->owner = token ? 0 : s->h;
    if (token && (rv = p11_objstore_write(o)) != CKR_OK)
        goto fail;
    p11_object_link(o);
    *out = o->h;
    p11_audit_made(how, o);
    return CKR_OK;
fail:
    p11_object_free(o);
    return rv;
}

/* C_SetAttributeValue (copying == 0) and the template of C_CopyObject. */
CK_RV p11_attr_apply(p11_session *s, p11_object *o, const CK_ATTRIBUTE *t, CK_ULONG n,
                     int copying)
{
    CK_RV rv = p11_tmpl_check(t, n);
    if (rv != CKR_OK)
        return rv;
    if (!copying && !p11_attr_bool(o, CKA_MODIFIABLE))
        return CKR_ACTION_PROHIBITED;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_ATTRIBUTE_TYPE ty = t[i].type;
        if (!valid_for(o->cls, ty))
            return CKR_ATTRIBUTE_TYPE_INVALID;
        int b = IN(ty, bool_types) ? tmpl_bool(&t[i]) : 0;
        int cur = IN(ty, bool_types) ? p11_attr_bool(o, ty) : 0;
        if ((rv = p11_rsa_attr_change(o, ty, b, cur)) != CKR_OK)
            return rv;
        switch (ty) {
        case CKA_CLASS: case CKA_KEY_TYPE: case CKA_VALUE_LEN: case CKA_LOCAL:
        case CKA_ALWAYS_SENSITIVE: case CKA_NEVER_EXTRACTABLE: case CKA_KEY_GEN_MECHANISM:
        case CKA_CHECK_VALUE:
            return CKR_ATTRIBUTE_READ_ONLY;
        case CKA_VALUE:
            if (o->cls == CKO_SECRET_KEY)
                return CKR_ATTRIBUTE_READ_ONLY;
            break;
        case CKA_TOKEN:
            if (!copying)
                return CKR_ATTRIBUTE_READ_ONLY;
            if (b && !(s->flags & CKF_RW_SESSION))
                return CKR_SESSION_READ_ONLY;
            break;
        case CKA_PRIVATE:
            if (!copying)
                return CKR_ATTRIBUTE_READ_ONLY;
            if (b && !is_user())
                return CKR_USER_NOT_LOGGED_IN;
            break;
        case CKA_MODIFIABLE:
            if (!copying || (b && !cur))
                return CKR_ATTRIBUTE_READ_ONLY;
            break;
        case CKA_SENSITIVE:          /* may only become TRUE */
        case CKA_WRAP_WITH_TRUSTED:
            if (cur && !b)
                return CKR_ATTRIBUTE_READ_ONLY;
            break;
        case CKA_EXTRACTABLE:        /* may only become FALSE */
        case CKA_COPYABLE:
        case CKA_ENCRYPT: case CKA_DECRYPT: case CKA_WRAP: case CKA_UNWRAP:
            if (!cur && b)
                return CKR_ATTRIBUTE_READ_ONLY;
            break;
        case CKA_TRUSTED:
            if (b != cur && !(p11_g.logged_in && p11_g.user == CKU_SO))
                return CKR_ATTRIBUTE_READ_ONLY;
            break;
        default:
            break;
        }
    }
    for (CK_ULONG i = 0; i < n; i++)
        if ((rv = p11_attr_set(o, t[i].type, t[i].pValue, t[i].ulValueLen)) != CKR_OK)
            return rv;
    return CKR_OK;
}

/* The defaults alone (a new object's attributes before its template), for
 * the host unit tests. */
CK_RV p11_attr_defaults(p11_object *o)
{
    return defaults(o);
}
