/* SPDX-License-Identifier: Apache-2.0 */
/* Object files encoded and decoded (pkcs11/objfile.c) with a token key in
 * the kernel: linked from kcp11_core, run in the kernel runner. A public
 * data object, a private one and a secret key come back attribute for
 * attribute (and the key's value byte for byte) at the store version they
 * were written at; a private attribute or a key value never appears in
 * the file; a flip of any byte, or another file name (the AAD), is refused. */
#include "unit.h"
#include "p11.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kct_tally *T;

static const char NAME[] = "00112233aabbccdd";
static const unsigned char KEY[16] = "kcrypt-key-value";

static p11_object *make(CK_OBJECT_CLASS cls, int priv)
{
    p11_object *o = p11_object_new(cls);
    if (!o)
        return NULL;
    o->kt = cls == CKO_SECRET_KEY ? CKK_AES : 0;
    snprintf(o->file, sizeof o->file, "%s", NAME);
    int bad = p11_attr_defaults(o) != CKR_OK;
    bad |= p11_attr_set_bool(o, CKA_PRIVATE, priv) != CKR_OK;
    bad |= p11_attr_set_bool(o, CKA_TOKEN, 1) != CKR_OK;
    bad |= p11_attr_set(o, CKA_LABEL, "secret-label", 12) != CKR_OK;
    if (cls == CKO_DATA)
        bad |= p11_attr_set(o, CKA_VALUE, "data-value", 10) != CKR_OK;
    else
        bad |= p11_key_set_value(o, KEY, sizeof KEY) != CKR_OK ||
               p11_attr_set_ulong(o, CKA_VALUE_LEN, sizeof KEY) != CKR_OK;
    if (bad) {
        p11_object_free(o);
        return NULL;
    }
    return o;
}

static int same_attrs(const p11_object *a, const p11_object *b)
{
    if (a->nattrs != b->nattrs)
        return 0;
    for (size_t i = 0; i < a->nattrs; i++) {
        const p11_attr *x = &a->attrs[i], *y = p11_attr_get(b, x->type);
        if (!y || y->len != x->len || (x->len && memcmp(x->val, y->val, x->len)))
            return 0;
    }
    return 1;
}

static void round_trip(const char *A, CK_OBJECT_CLASS cls, int priv)
{
    p11_object *o = make(cls, priv), *back = NULL;
    unsigned char *file = NULL;
    size_t len = 0;
    CK_RV rv = o ? p11_objfile_encode(o, 41, &file, &len) : CKR_HOST_MEMORY;
    CHECK(A, rv == CKR_OK, "encode: 0x%lx", rv);
    if (rv != CKR_OK) {
        p11_object_free(o);
        return;
    }
    rv = p11_objfile_decode(NAME, file, len, &back);
    CHECK(A, rv == CKR_OK && back && back->cls == cls && back->gen == 41 && !back->unverified &&
                 !back->locked && same_attrs(o, back),
          "decode: 0x%lx", rv);
    if (back && cls == CKO_SECRET_KEY) {
        unsigned char v[sizeof KEY];
        CHECK(A, back->value_len == sizeof KEY && p11_key_get_value(back, v, sizeof v) == CKR_OK &&
                     !memcmp(v, KEY, sizeof KEY),
              "the key's value did not come back");
    }
    p11_object_free(back);
    CHECK(A, !memmem(file, len, KEY, sizeof KEY), "the key's value is in the file");
    CHECK(A, !priv || !memmem(file, len, "secret-label", 12),
          "a private object's label is in the file");
    /* any flipped byte is refused, never read as something else */
    size_t accepted = 0;
    for (size_t i = 0; i < len; i++) {
        file[i] ^= 0x01;
        back = NULL;
        if (p11_objfile_decode(NAME, file, len, &back) == CKR_OK)
            accepted++;
        p11_object_free(back);
        file[i] ^= 0x01;
    }
    CHECK(A, accepted == 0, "%zu of %zu flipped bytes accepted", accepted, len);
    back = NULL;
    rv = p11_objfile_decode("ffffffffffffffff", file, len, &back);
    CHECK(A, rv != CKR_OK && !back, "the file opened under another name");
    p11_object_free(back);
    free(file);
    p11_object_free(o);
}

int main(void)
{
    T = kct_tally_new();
    kc_error err;
    unsigned char tk[32];
    memset(tk, 0x42, sizeof tk);
    kc_key k = KC_KEY_RAW(tk, sizeof tk);
    if (p11_vault_open() != CKR_OK ||
        kc_aead_new(&p11_g.tk_aead, KC_AES_GCM, NULL, &k, 16, &err) != KC_OK) {
        printf("FAIL setup: no vault or token key in the kernel: %s\n", err.msg);
        return 1;
    }
    round_trip("public-data", CKO_DATA, 0);
    round_trip("private-data", CKO_DATA, 1);
    round_trip("secret-key", CKO_SECRET_KEY, 1);
    round_trip("public-key", CKO_SECRET_KEY, 0);
    kc_aead_free(p11_g.tk_aead);
    p11_g.tk_aead = NULL;
    p11_vault_close();
    p11_rng_close();
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    return rc;
}
