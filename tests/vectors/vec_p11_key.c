/* SPDX-License-Identifier: Apache-2.0 */
/* Key objects for the cases, the CKR verdict, and the multi-part splits. */
#include "vec_p11.h"

#include <stdio.h>
#include <stdlib.h>

static CK_KEY_TYPE key_type(kc_alg_id alg)
{
    const kc_alg_info *a = kc_alg(alg);
    if (alg == KC_CHACHA20_POLY1305)
        return CKK_CHACHA20;
    if (a->kind == KC_KIND_MAC && !a->key_sizes)
        return CKK_GENERIC_SECRET;   /* HMAC */
    return CKK_AES;
}

/* The CKA_VALUE sizes of each key type: PKCS#11 3.0's, and the token's
 * documented 1..512 bytes for generic secrets. Outside them the right
 * refusal of C_CreateObject is CKR_ATTRIBUTE_VALUE_INVALID. */
static int size_ok(CK_KEY_TYPE kt, size_t n)
{
    if (kt == CKK_AES)
        return n == 16 || n == 24 || n == 32;
    if (kt == CKK_CHACHA20)
        return n == 32;
    return n >= 1 && n <= 512;
}

/* use: the two usage attributes the key needs (CKA_ENCRYPT, CKA_DECRYPT...),
 * or NULL for none */
static CK_OBJECT_HANDLE create(vec_p11 *t, CK_KEY_TYPE kt, const kct_bytes *value,
                               const CK_ATTRIBUTE_TYPE *use, int extractable, kc_error *err)
{
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    /* the token keeps wrapping keys from en/decrypting (pkcs11/README.md) */
    int kek = use && use[0] == CKA_WRAP;
    CK_ATTRIBUTE tmpl[] = {
        { CKA_CLASS, &cls, sizeof(cls) }, { CKA_KEY_TYPE, &kt, sizeof(kt) },
        { CKA_VALUE, value->p, value->n }, { CKA_TOKEN, &no, 1 },
        { CKA_SENSITIVE, &yes, 1 }, { CKA_EXTRACTABLE, extractable ? &yes : &no, 1 },
        { use ? use[0] : 0, &yes, 1 }, { use ? use[1] : 0, &yes, 1 },
        { CKA_ENCRYPT, &no, 1 }, { CKA_DECRYPT, &no, 1 },
    };
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = t->f->C_CreateObject(t->s, tmpl, kek ? 10 : use ? 8 : 6, &h);
    kc_status st = vec_p11_status(rv, "C_CreateObject", 0,
                                  size_ok(kt, value->n) ? 0 : CKR_ATTRIBUTE_VALUE_INVALID,
                                  KC_ERR_KEY, err);
    return st == KC_OK ? h : 0;
}

static const CK_ATTRIBUTE_TYPE *usage(kc_alg_id alg)
{
    static const CK_ATTRIBUTE_TYPE crypt[] = { CKA_ENCRYPT, CKA_DECRYPT },
                                   mac[] = { CKA_SIGN, CKA_VERIFY },
                                   wrap[] = { CKA_WRAP, CKA_UNWRAP };
    switch (kc_alg(alg)->kind) {
    case KC_KIND_MAC: return mac;
    case KC_KIND_KEYWRAP: return wrap;
    default: return crypt;
    }
}

void vec_p11_destroy(vec_p11 *t, CK_OBJECT_HANDLE h)
{
    CK_RV rv = t->f->C_DestroyObject(t->s, h);
    if (rv != CKR_OK)
        printf("C_DestroyObject(%lu): %s (0x%lx)\n", (unsigned long)h, vec_p11_rv_name(rv),
               (unsigned long)rv);
}

static void drop_key(void *p)
{
    vec_p11_key *k = p;
    if (k->h)
        vec_p11_destroy(k->t, k->h);
    free(k);
}

vec_p11_key *vec_p11_key_get(vec_ctx *v, vec_slot *s, kc_alg_id alg, size_t param,
                             const kct_bytes *key, kc_error *err)
{
    vec_p11_key *k = vec_slot_find(s, alg, param, key);
    if (k)
        return k;
    k = calloc(1, sizeof(*k));
    if (!k) {
        kc_fail(err, KC_ERR_NOMEM, 0, "out of memory");
        return NULL;
    }
    k->t = vec_p11_of(v);
    k->alg = alg;
    if (key && !(k->h = create(k->t, key_type(alg), key, usage(alg), 0, err))) {
        free(k);
        return NULL;
    }
    vec_slot_keep(s, alg, param, key, k, drop_key);
    return k;
}

CK_OBJECT_HANDLE vec_p11_secret_new(vec_p11 *t, const kct_bytes *value, kc_error *err)
{
    return create(t, CKK_GENERIC_SECRET, value, NULL, 1, err);
}

kc_status vec_p11_status(CK_RV rv, const char *call, CK_MECHANISM_TYPE m, CK_RV right,
                         kc_status st, kc_error *err)
{
    char what[96];
    if (rv == CKR_OK)
        return KC_OK;
    if (m)
        snprintf(what, sizeof(what), "%s (%s)", call, vec_p11_mech_name(m));
    else
        snprintf(what, sizeof(what), "%s", call);
    if (right && rv == right)
        return kc_fail(err, st, 0, "%s: %s", what, vec_p11_rv_name(rv));
    return kc_fail(err, KC_ERR_KERNEL, 0, "%s returned %s (0x%lx), expected CKR_OK%s%s", what,
                   vec_p11_rv_name(rv), (unsigned long)rv, right ? " or " : "",
                   right ? vec_p11_rv_name(right) : "");
}

int vec_p11_multipart(vec_p11 *t)
{
    return t->every && t->ops++ % t->every == 0;
}

/* xorshift64*: reproducible from the seed, enough to scatter split points */
static unsigned long long next(vec_p11 *t)
{
    unsigned long long x = t->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t->rng = x;
    return x * 0x2545f4914f6cdd1dULL;
}

size_t vec_p11_split(vec_p11 *t, size_t len, size_t ends[VEC_P11_PIECES])
{
    size_t pieces = 2 + (size_t)(next(t) % (VEC_P11_PIECES - 1));
    for (size_t i = 0; i + 1 < pieces; i++) {
        size_t cut = (size_t)(next(t) % (len + 1));
        size_t j = i;
        /* insertion keeps the ends ascending */
        for (; j > 0 && ends[j - 1] > cut; j--)
            ends[j] = ends[j - 1];
        ends[j] = cut;
    }
    ends[pieces - 1] = len;
    return pieces;
}
