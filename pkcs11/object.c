/* SPDX-License-Identifier: Apache-2.0 */
/* Object lifetime, handles, visibility and the object-management calls. */
#include "p11.h"
#include "audit.h"

#include <stdlib.h>
#include <string.h>

p11_object *p11_object_new(CK_OBJECT_CLASS cls)
{
    p11_object *o = calloc(1, sizeof *o);
    if (o)
        o->cls = cls;
    return o;
}

void p11_object_free(p11_object *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->nattrs; i++) {
        kc_wipe(o->attrs[i].val, o->attrs[i].len);
        free(o->attrs[i].val);
    }
    free(o->attrs);
    if (o->sealed) {
        kc_wipe(o->sealed, o->sealed_len);
        free(o->sealed);
    }
    p11_custody_drop(o);
    for (int i = 0; i < KC_ALG_COUNT; i++)
        if (o->tfm[i])
            kc_tfm_free(o->tfm[i]);
    p11_rsa_kernel_drop(o);
    free(o);
}

/* C_Logout: token keys' values are sealed at rest under the token key, so
 * before a login they cannot be used; after a logout they must not be
 * either. Their values and keyed transforms go; the next login reopens
 * them from the store (objstore.c: a locked object is stale then). */
void p11_objects_lock_token_keys(void)
{
    for (p11_object *o = p11_g.objects; o; o = o->next) {
        if (o->owner || (o->cls != CKO_SECRET_KEY && o->cls != CKO_PRIVATE_KEY) || o->locked)
            continue;
        p11_rsa_kernel_drop(o);   /* an RSA private key leaves the kernel too */
        if (o->sealed) {
            kc_wipe(o->sealed, o->sealed_len);
            free(o->sealed);
        }
        o->sealed = NULL;
        o->sealed_len = 0;
        p11_custody_drop(o);
        for (int i = 0; i < KC_ALG_COUNT; i++)
            if (o->tfm[i])
                kc_tfm_free(o->tfm[i]);
        memset(o->tfm, 0, sizeof o->tfm);
        o->locked = 1;
    }
}

void p11_object_link(p11_object *o)
{
    o->h = p11_g.next_object++;
    o->next = p11_g.objects;
    p11_g.objects = o;
}

void p11_object_unlink_free(p11_object *o)
{
    p11_object **pp = &p11_g.objects;
    while (*pp && *pp != o)
        pp = &(*pp)->next;
    if (*pp)
        *pp = o->next;
    p11_object_free(o);
}

void p11_objects_free_all(void)
{
    while (p11_g.objects)
        p11_object_unlink_free(p11_g.objects);
}

void p11_objects_free_session(CK_SESSION_HANDLE h)
{
    for (p11_object *o = p11_g.objects, *nx; o; o = nx) {
        nx = o->next;
        if (o->owner == h)
            p11_object_unlink_free(o);
    }
}

int p11_object_visible(const p11_object *o)
{
    return !p11_attr_bool(o, CKA_PRIVATE) || (p11_g.logged_in && p11_g.user == CKU_USER);
}

p11_object *p11_object_find(CK_OBJECT_HANDLE h)
{
    for (p11_object *o = p11_g.objects; o; o = o->next) {
        if (o->h != h)
            continue;
        if (!p11_objstore_current(o)) {
            p11_object_unlink_free(o);
            return NULL;
        }
        return p11_object_visible(o) ? o : NULL;
    }
    return NULL;
}

CK_RV p11_key_for_use(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE hk, CK_ATTRIBUTE_TYPE usage,
                      p11_object **out)
{
    (void)hs;
    p11_object *o = p11_object_find(hk);
    if (!o || o->cls != CKO_SECRET_KEY)
        return CKR_KEY_HANDLE_INVALID;
    if (usage && !p11_attr_bool(o, usage))
        return CKR_KEY_FUNCTION_NOT_PERMITTED;
    *out = o;
    return CKR_OK;
}

/* v NULL: the kernel generates it (only when p11_custody_generates). */
CK_RV p11_key_set_value(p11_object *o, const unsigned char *v, size_t len)
{
    o->value_len = len;
    if (p11_custody_wants(o))
        return v ? p11_custody_import(o, v, len) : p11_custody_generate(o, len);
    return v ? p11_seal(v, len, &o->sealed, &o->sealed_len) : CKR_GENERAL_ERROR;
}

CK_RV p11_key_get_value(const p11_object *o, unsigned char *out, size_t len)
{
    if (o->locked)   /* sealed at rest under the token key: needs a login */
        return CKR_USER_NOT_LOGGED_IN;
    if (o->sserial && !o->sealed)   /* only the kernel has it (custody.c) */
        return CKR_KEY_UNEXTRACTABLE;
    if (len != o->value_len)
        return CKR_GENERAL_ERROR;
    return p11_unseal(o->sealed, o->sealed_len, out, len);
}

/* The key's transform for one kernel algorithm, keyed on first use and
 * kept, so the clear key exists only for that first setkey (vault.c). */
CK_RV p11_key_tfm(p11_object *o, kc_alg_id alg, kc_tfm **out)
{
    if (o->tfm[alg]) {
        *out = o->tfm[alg];
        return CKR_OK;
    }
    const kc_alg_info *a = kc_alg(alg);
    if (!kc_alg_key_size_ok(a, o->value_len))
        return CKR_KEY_SIZE_RANGE;
    unsigned char *v = malloc(o->value_len ? o->value_len : 1);
    if (!v)
        return CKR_HOST_MEMORY;
    CK_RV rv = o->sserial ? CKR_OK : p11_key_get_value(o, v, o->value_len);
    kc_tfm *t = NULL;
    kc_error err;
    if (rv == CKR_OK && kc_tfm_open(&t, alg, NULL, &err) != KC_OK)
        rv = p11_rv(&err, P11_USE_KEY);
    if (rv == CKR_OK) {
        kc_key k = o->sserial ? KC_KEY_SERIAL(o->sserial) : KC_KEY_RAW(v, o->value_len);
        kc_status st = kc_tfm_setkey(t, &k, &err);
        if (st != KC_OK) {
            kc_tfm_free(t);
            rv = p11_rv(&err, P11_USE_KEY);
        }
    }
    kc_wipe(v, o->value_len);
    free(v);
    if (rv == CKR_OK)
        *out = o->tfm[alg] = t;
    return rv;
}

static int key_type_known(CK_KEY_TYPE kt)
{
    return p11_secret_key_len_ok(kt, kt == CKK_AES ? 16 : kt == CKK_DES3 ? 24 : 32) == CKR_OK;
}

CK_RV C_CreateObject(CK_SESSION_HANDLE hs, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                     CK_OBJECT_HANDLE_PTR out)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    CK_ULONG cls = 0, kt = 0;
    int have_cls, have_kt;
    if ((rv = p11_session_get(hs, &s)) != CKR_OK)
        goto out;
    if (!out || (n && !t)) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    if ((rv = p11_tmpl_check(t, n)) != CKR_OK ||
        (rv = p11_tmpl_ulong(t, n, CKA_CLASS, &cls, &have_cls)) != CKR_OK ||
        (rv = p11_tmpl_ulong(t, n, CKA_KEY_TYPE, &kt, &have_kt)) != CKR_OK)
        goto out;
    if (!have_cls) {
        rv = CKR_TEMPLATE_INCOMPLETE;
    } else if (cls == CKO_DATA) {
        rv = have_kt ? CKR_ATTRIBUTE_TYPE_INVALID
                     : p11_object_make(s, t, n, P11_MAKE_CREATE, cls, 0, NULL, 0, 0, out);
    } else if (cls == CKO_PRIVATE_KEY || cls == CKO_PUBLIC_KEY) {
        rv = p11_rsa_create(s, t, n, cls, out);   /* rsa_key.c */
    } else if (cls == CKO_SECRET_KEY) {
        if (!have_kt)
            rv = CKR_TEMPLATE_INCOMPLETE;
        else if (!key_type_known(kt))
            rv = CKR_ATTRIBUTE_VALUE_INVALID;
        else
            rv = p11_object_make(s, t, n, P11_MAKE_CREATE, cls, kt, NULL, 0, 0, out);
    } else {
        rv = CKR_ATTRIBUTE_VALUE_INVALID;
    }
out:
    p11_leave();
    return rv;
}

static CK_RV writable(const p11_session *s, const p11_object *o)
{
    if (!o->owner && !(s->flags & CKF_RW_SESSION))
        return CKR_SESSION_READ_ONLY;
    return CKR_OK;
}

CK_RV C_CopyObject(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE ho, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                   CK_OBJECT_HANDLE_PTR out)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    p11_object *o, *c = NULL;
    if ((rv = p11_session_get(hs, &s)) != CKR_OK)
        goto out;
    if (!out || (n && !t)) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    if (!(o = p11_object_find(ho))) {
        rv = CKR_OBJECT_HANDLE_INVALID;
        goto out;
    }
    if (!p11_attr_bool(o, CKA_COPYABLE)) {
        rv = CKR_ACTION_PROHIBITED;
        goto out;
    }
    if (o->locked) {   /* a token key before login: its value cannot be read yet */
        rv = CKR_USER_NOT_LOGGED_IN;
        goto out;
    }
    if (!(c = p11_object_new(o->cls))) {
        rv = CKR_HOST_MEMORY;
        goto out;
    }
    c->kt = o->kt;
    for (size_t i = 0; i < o->nattrs && rv == CKR_OK; i++)
        rv = p11_attr_set(c, o->attrs[i].type, o->attrs[i].val, o->attrs[i].len);
    if (rv == CKR_OK && o->sealed) {
        /* Re-seal under a fresh nonce: two blobs never share one. */
        unsigned char *v = malloc(o->value_len);
        rv = v ? p11_key_get_value(o, v, o->value_len) : CKR_HOST_MEMORY;
        if (rv == CKR_OK)
            rv = p11_key_set_value(c, v, o->value_len);
        if (v)
            kc_wipe(v, o->value_len);
        free(v);
    }
    if (rv == CKR_OK)
        rv = p11_attr_apply(s, c, t, n, 1);
    if (rv == CKR_OK && o->kblob)   /* after the template: it may change CKA_TOKEN */
        rv = p11_custody_copy(c, o);
    if (rv != CKR_OK)
        goto out;
    int token = p11_attr_bool(c, CKA_TOKEN);
    if (token && !(s->flags & CKF_RW_SESSION)) {
        rv = CKR_SESSION_READ_ONLY;
        goto out;
    }
    c->owner = token ? 0 : s->h;
    if (token && (rv = p11_objstore_write(c)) != CKR_OK)
        goto out;
    p11_object_link(c);
    *out = c->h;
    p11_audit_key("copy", c, CKR_OK);
    c = NULL;
out:
    p11_object_free(c);
    p11_leave();
    return rv;
}

CK_RV C_DestroyObject(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE ho)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    p11_object *o = NULL;
    if ((rv = p11_session_get(hs, &s)) == CKR_OK && !(o = p11_object_find(ho)))
        rv = CKR_OBJECT_HANDLE_INVALID;
    if (rv == CKR_OK)
        rv = writable(s, o);
    if (rv == CKR_OK && !p11_attr_bool(o, CKA_DESTROYABLE))
        rv = CKR_ACTION_PROHIBITED;
    if (rv == CKR_OK && !o->owner)
        rv = p11_objstore_remove(o);
    if (o)
        p11_audit_key("destroy", o, rv);
    if (rv == CKR_OK)
        p11_object_unlink_free(o);
    p11_leave();
    return rv;
}

CK_RV C_GetObjectSize(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE ho, CK_ULONG_PTR size)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    p11_object *o = NULL;
    if ((rv = p11_session_get(hs, &s)) == CKR_OK && !(o = p11_object_find(ho)))
        rv = CKR_OBJECT_HANDLE_INVALID;
    if (rv == CKR_OK && !size)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK) {
        CK_ULONG n = o->sealed_len;
        for (size_t i = 0; i < o->nattrs; i++)
            n += sizeof(CK_ATTRIBUTE) + o->attrs[i].len;
        *size = n;
    }
    p11_leave();
    return rv;
}

/* PKCS#11 5.7: every attribute is processed; the call returns the last
 * problem found, with CK_UNAVAILABLE_INFORMATION in that entry's length. */
static CK_RV get_one(const p11_object *o, CK_ATTRIBUTE *a)
{
    if (o->cls == CKO_SECRET_KEY && a->type == CKA_VALUE) {
        if (p11_attr_bool(o, CKA_SENSITIVE) || !p11_attr_bool(o, CKA_EXTRACTABLE)) {
            a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
            return CKR_ATTRIBUTE_SENSITIVE;
        }
        if (!a->pValue) {
            a->ulValueLen = o->value_len;
            return CKR_OK;
        }
        if (a->ulValueLen < o->value_len) {
            a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
            return CKR_BUFFER_TOO_SMALL;
        }
        a->ulValueLen = o->value_len;
        return p11_audit_key("export-value", o, p11_key_get_value(o, a->pValue, o->value_len));
    }
    if (p11_rsa_attr_secret(o->cls, a->type)) {   /* held by the kernel, never shown */
        a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
        return CKR_ATTRIBUTE_SENSITIVE;
    }
    const p11_attr *v = p11_attr_get(o, a->type);
    if (!v) {
        a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
        return CKR_ATTRIBUTE_TYPE_INVALID;
    }
    if (!a->pValue) {
        a->ulValueLen = v->len;
        return CKR_OK;
    }
    if (a->ulValueLen < v->len) {
        a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
        return CKR_BUFFER_TOO_SMALL;
    }
    memcpy(a->pValue, v->val, v->len);
    a->ulValueLen = v->len;
    return CKR_OK;
}

/* The session, the object and the template of an attribute call. */
static CK_RV attribute_call(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE ho, CK_ATTRIBUTE_PTR t,
                            CK_ULONG n, p11_session **s, p11_object **o)
{
    CK_RV rv = p11_session_get(hs, s);
    if (rv == CKR_OK && !(*o = p11_object_find(ho)))
        rv = CKR_OBJECT_HANDLE_INVALID;
    if (rv == CKR_OK && n && !t)
        rv = CKR_ARGUMENTS_BAD;
    return rv;
}

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE ho, CK_ATTRIBUTE_PTR t,
                          CK_ULONG n)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    p11_object *o = NULL;
    rv = attribute_call(hs, ho, t, n, &s, &o);
    /* every attribute is answered even after one fails, as the spec asks */
    for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++) {
        CK_RV x = get_one(o, &t[i]);
        if (x != CKR_OK) {
            for (i++; i < n; i++)
                get_one(o, &t[i]);
            rv = x;
        }
    }
    p11_leave();
    return rv;
}

CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE ho, CK_ATTRIBUTE_PTR t,
                          CK_ULONG n)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    p11_object *o = NULL;
    int lk = -1;
    rv = attribute_call(hs, ho, t, n, &s, &o);
    if (rv == CKR_OK)
        rv = writable(s, o);
    /* Read-modify-write under the store's lock: the change goes onto what
     * is in the file now, so another process's update is not lost and an
     * object it destroyed is not written back. */
    if (rv == CKR_OK && !o->owner && o->file[0] && (rv = p11_store_lock(1, &lk)) == CKR_OK)
        rv = p11_objstore_reload(o);
    if (rv == CKR_OK && !o->owner && o->locked)
        rv = CKR_USER_NOT_LOGGED_IN;   /* its value could not be sealed again */
    if (rv == CKR_OK)
        rv = p11_attr_apply(s, o, t, n, 0);
    /* all or nothing: a change the store refused is undone in memory too */
    if (rv == CKR_OK && !o->owner && (rv = p11_objstore_write(o)) != CKR_OK)
        (void)p11_objstore_reload(o);
    p11_store_unlock(lk);
    p11_leave();
    return rv;
}
