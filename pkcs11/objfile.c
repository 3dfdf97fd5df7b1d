/* SPDX-License-Identifier: Apache-2.0 */
/* One token object as it is kept at rest.
 *
 *   "KCP11OB1" | flags u32 | clear_len u32 | sealed_len u32 | clear | sealed
 *   clear, and the plaintext of sealed: attributes as type u64, length u32,
 *   bytes (little-endian)
 *   sealed: nonce (12) | AES-256-GCM ciphertext | tag (16) under the token key;
 *   its plaintext starts with the store version the file was written at
 *   (u64, checked against the store's index: objindex.c)
 *
 * A private object is sealed whole, so before a login not even its label
 * can be read. A public object's attributes are clear, as a token shows
 * them to anyone, except a secret key's value, which is always sealed. Every
 * object has a sealed part (a public data object's is empty: the tag alone
 * authenticates the clear part). The file name and everything in front of
 * the sealed part are the GCM's AAD: a sealed part copied into another
 * file, or under other clear attributes, fails to open, and a file with no
 * sealed part was not written by the token. Nonces are random: several
 * processes seal under one key. The token key is only in the kernel
 * (p11_g.tk_aead, set at C_Login), so an object can be written only by a
 * logged-in process; before a login a public object is read unverified
 * (o->unverified) and verified at the login (objstore.c: it is stale then). */
#include "p11.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "KCP11OB1"
#define HDR 20
#define NONCE 12
#define TAG 16
#define NAME_LEN 16
#define FLAG_PRIVATE 1u

typedef struct {
    unsigned char *p;
    size_t len, cap;
} buf;

static int put(buf *b, const void *v, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + n;
        unsigned char *np = malloc(cap);
        if (!np)
            return -1;
        if (b->p) {
            memcpy(np, b->p, b->len);
            kc_wipe(b->p, b->cap);   /* may hold a key's value */
            free(b->p);
        }
        b->p = np;
        b->cap = cap;
    }
    if (n && v)   /* v NULL: room the caller fills in place */
        memcpy(b->p + b->len, v, n);
    b->len += n;
    return 0;
}

static int put_le(buf *b, uint64_t v, int bytes)
{
    unsigned char x[8];
    for (int i = 0; i < bytes; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    return put(b, x, (size_t)bytes);
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void buf_free(buf *b)
{
    if (b->p) {
        kc_wipe(b->p, b->cap);
        free(b->p);
    }
    memset(b, 0, sizeof *b);
}

static int put_attr(buf *b, CK_ATTRIBUTE_TYPE t, const void *v, size_t n)
{
    if (n > UINT32_MAX)
        return -1;
    return put_le(b, t, 8) || put_le(b, n, 4) || put(b, v, n);
}

static int private_obj(const p11_object *o)
{
    return p11_attr_bool(o, CKA_PRIVATE);
}

/* AAD: the object's name and the bytes in front of the sealed part. */
static CK_RV aad(const char *name, const unsigned char *front, size_t front_len, buf *out)
{
    if (strlen(name) != NAME_LEN || put(out, name, NAME_LEN) || put(out, front, front_len))
        return CKR_HOST_MEMORY;
    return CKR_OK;
}

static CK_RV seal(const char *name, buf *file, const buf *plain)
{
    kc_error err;
    buf a = { 0 };
    unsigned char nonce[NONCE];
    size_t at = file->len;
    CK_RV rv = p11_random(nonce, sizeof nonce);
    if (rv == CKR_OK)
        rv = aad(name, file->p, file->len, &a);
    if (rv == CKR_OK && (put(file, nonce, NONCE) || put(file, NULL, plain->len + TAG)))
        rv = CKR_HOST_MEMORY;
    if (rv == CKR_OK &&
        kc_aead_encrypt(p11_g.tk_aead, nonce, NONCE, a.p, a.len, plain->p, plain->len,
                        file->p + at + NONCE, file->p + at + NONCE + plain->len, &err) != KC_OK)
        rv = p11_rv(&err, P11_USE_TOKEN);
    buf_free(&a);
    return rv;
}

CK_RV p11_objfile_encode(const p11_object *o, uint64_t gen, unsigned char **out,
                         size_t *out_len)
{
    int priv = private_obj(o);
    int has_value = o->cls == CKO_SECRET_KEY || o->cls == CKO_PRIVATE_KEY;   /* RSA: PKCS#8 */
    if (!p11_g.tk_aead)   /* nothing is written that the token cannot authenticate */
        return CKR_USER_NOT_LOGGED_IN;
    if (o->locked || o->unverified)
        return CKR_USER_NOT_LOGGED_IN;
    buf clear = { 0 }, plain = { 0 }, file = { 0 };
    CK_RV rv = CKR_HOST_MEMORY;
    unsigned char *v = NULL;
    if (put_le(&plain, gen, 8))
        goto out;
    for (size_t i = 0; i < o->nattrs; i++)
        if (put_attr(priv ? &plain : &clear, o->attrs[i].type, o->attrs[i].val, o->attrs[i].len))
            goto out;
    if (has_value && o->kblob) {   /* the kernel's blob, never the bytes (custody.c) */
        if (put_attr(&plain, CKA_KCRYPT_KERNEL_BLOB, o->kblob, o->kblob_len))
            goto out;
    } else if (has_value) {
        if (!(v = malloc(o->value_len ? o->value_len : 1)))
            goto out;
        if ((rv = p11_key_get_value(o, v, o->value_len)) != CKR_OK)
            goto out;
        rv = CKR_HOST_MEMORY;
        if (put_attr(&plain, CKA_VALUE, v, o->value_len))
            goto out;
    }
    size_t sealed_len = NONCE + plain.len + TAG;
    if (HDR + clear.len + sealed_len > P11_MAX_FILE) {
        rv = CKR_DEVICE_MEMORY;   /* could not be read back */
        goto out;
    }
    if (put(&file, MAGIC, 8) || put_le(&file, priv ? FLAG_PRIVATE : 0, 4) ||
        put_le(&file, clear.len, 4) || put_le(&file, sealed_len, 4) ||
        put(&file, clear.p, clear.len))
        goto out;
    rv = seal(o->file, &file, &plain);
    if (rv == CKR_OK) {
        *out = file.p;
        *out_len = file.len;
        file.p = NULL;
    }
out:
    if (v) {
        kc_wipe(v, o->value_len);
        free(v);
    }
    buf_free(&clear);
    buf_free(&plain);
    buf_free(&file);
    return rv;
}

/* Attributes into o; a secret key's value goes to the vault, never into
 * o->attrs. */
static CK_RV load_attrs(p11_object *o, const unsigned char *p, size_t n, int from_sealed)
{
    while (n) {
        if (n < 12)
            return CKR_DEVICE_ERROR;
        CK_ATTRIBUTE_TYPE t = (CK_ATTRIBUTE_TYPE)get_le(p, 8);
        size_t len = (size_t)get_le(p + 8, 4);
        p += 12;
        n -= 12;
        if (len > n)
            return CKR_DEVICE_ERROR;
        CK_RV rv;
        int keyed = o->cls == CKO_SECRET_KEY || o->cls == CKO_PRIVATE_KEY;
        if (t == CKA_VALUE && keyed && !from_sealed)
            rv = CKR_DEVICE_ERROR;   /* a key value anyone could have written: planted */
        else if (t == CKA_VALUE && keyed)
            rv = p11_key_set_value(o, p, len);
        else if (t == CKA_KCRYPT_KERNEL_BLOB)
            rv = from_sealed && o->cls == CKO_SECRET_KEY ? p11_custody_load(o, p, len)
                                                         : CKR_DEVICE_ERROR;
        else
            rv = p11_attr_set(o, t, p, (CK_ULONG)len);
        if (rv != CKR_OK)
            return rv;
        p += len;
        n -= len;
    }
    return CKR_OK;
}

static CK_RV unseal(const char *name, const unsigned char *in, size_t front_len,
                    size_t sealed_len, buf *plain)
{
    if (sealed_len < NONCE + TAG)
        return CKR_DEVICE_ERROR;
    size_t n = sealed_len - NONCE - TAG;
    const unsigned char *s = in + front_len;
    buf a = { 0 };
    kc_error err;
    CK_RV rv = aad(name, in, front_len, &a);
    if (rv == CKR_OK && put(plain, NULL, n))
        rv = CKR_HOST_MEMORY;
    if (rv == CKR_OK && kc_aead_decrypt(p11_g.tk_aead, s, NONCE, a.p, a.len, s + NONCE, n,
                                        s + NONCE + n, plain->p, &err) != KC_OK)
        rv = p11_rv(&err, P11_USE_TOKEN);   /* altered, or sealed under another token key */
    buf_free(&a);
    return rv;
}

CK_RV p11_objfile_decode(const char *name, const unsigned char *in, size_t len,
                         p11_object **out)
{
    *out = NULL;
    if (len < HDR || memcmp(in, MAGIC, 8))
        return CKR_DEVICE_ERROR;
    uint32_t flags = (uint32_t)get_le(in + 8, 4);
    size_t clear_len = (size_t)get_le(in + 12, 4), sealed_len = (size_t)get_le(in + 16, 4);
    if (clear_len > len - HDR || sealed_len != len - HDR - clear_len)
        return CKR_DEVICE_ERROR;
    int priv = (flags & FLAG_PRIVATE) != 0;
    /* A private object stays out of sight until someone can open it. */
    if (priv && !p11_g.tk_aead)
        return CKR_USER_NOT_LOGGED_IN;
    if (!sealed_len) {
        p11_debug("object %s: not authenticated (planted, or written before kcrypt authenticated "
                  "public objects: re-initialize the token)", name);
        return CKR_DEVICE_ERROR;
    }
    p11_object *o = p11_object_new(0);
    if (!o)
        return CKR_HOST_MEMORY;
    snprintf(o->file, sizeof o->file, "%s", name);
    buf plain = { 0 };
    CK_RV rv = CKR_OK;
    if (p11_g.tk_aead && (rv = unseal(name, in, HDR + clear_len, sealed_len, &plain)) != CKR_OK)
        p11_debug("object %s: authentication failed (altered, or of another token)", name);
    if (p11_g.tk_aead && rv == CKR_OK && plain.len < 8)
        rv = CKR_DEVICE_ERROR;
    int opened = p11_g.tk_aead && rv == CKR_OK;
    const unsigned char *sp = opened ? plain.p + 8 : NULL;
    size_t sl = opened ? plain.len - 8 : 0;
    if (opened)
        o->gen = get_le(plain.p, 8);
    /* The class decides where the value goes: read it before the rest. */
    const unsigned char *attrs = priv ? sp : in + HDR;
    size_t attrs_len = priv ? sl : clear_len;
    for (size_t at = 0; rv == CKR_OK && at + 12 <= attrs_len;) {
        size_t l = (size_t)get_le(attrs + at + 8, 4);
        if (get_le(attrs + at, 8) == CKA_CLASS && l == sizeof(CK_OBJECT_CLASS) &&
            at + 12 + l <= attrs_len)
            memcpy(&o->cls, attrs + at + 12, l);
        at += 12 + l;
    }
    if (rv == CKR_OK)
        rv = load_attrs(o, attrs, attrs_len, priv);
    if (rv == CKR_OK && !priv) {
        if (p11_g.tk_aead)
            rv = load_attrs(o, sp, sl, 1);
        else   /* served as read until the login verifies it */
            o->unverified = 1;
        o->locked = o->unverified && (o->cls == CKO_SECRET_KEY || o->cls == CKO_PRIVATE_KEY);
    }
    if (rv == CKR_OK) {
        CK_ULONG kt = 0, vl = 0;
        const p11_attr *a = p11_attr_get(o, CKA_KEY_TYPE);
        if (a && a->len == sizeof kt)
            memcpy(&kt, a->val, sizeof kt);
        o->kt = kt;
        if (o->cls == CKO_SECRET_KEY && o->locked && (a = p11_attr_get(o, CKA_VALUE_LEN)) &&
            a->len == sizeof vl) {
            memcpy(&vl, a->val, sizeof vl);
            o->value_len = vl;
        }
        if (o->cls != CKO_SECRET_KEY && o->cls != CKO_DATA && o->cls != CKO_PRIVATE_KEY &&
            o->cls != CKO_PUBLIC_KEY)
            rv = CKR_DEVICE_ERROR;
        if ((o->cls == CKO_SECRET_KEY || o->cls == CKO_PRIVATE_KEY) && !o->locked && !o->sealed &&
            !o->sserial)
            rv = CKR_DEVICE_ERROR;
    }
    /* an RSA private key goes into the kernel as soon as it is opened
     * (C_Login; another process's new key at the next sync) */
    if (rv == CKR_OK && o->cls == CKO_PRIVATE_KEY && p11_rsa_kernel_load(o) != CKR_OK)
        p11_debug("object %s: RSA key not loaded into the kernel", name);
    buf_free(&plain);
    if (rv != CKR_OK) {
        p11_object_free(o);
        return rv;
    }
    *out = o;
    return CKR_OK;
}
