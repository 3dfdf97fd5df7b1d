/* SPDX-License-Identifier: Apache-2.0 */
/* C_Digest* for SHA-1/2/3, C_Sign* and C_Verify* for HMAC and AES-CMAC.
 * A truncated tag is asked of the _GENERAL mechanism with its length, so
 * C_Verify judges the vector's own tag. */
#include "vec_p11.h"

#include <string.h>

#define CONST_IN(p) ((CK_BYTE_PTR)(p))   /* the 2.40 prototypes take no const */

static CK_RV digest_init(vec_p11 *t, CK_MECHANISM *m, CK_OBJECT_HANDLE k)
{
    (void)k;
    return t->f->C_DigestInit(t->s, m);
}
static CK_RV digest_once(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                         unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_Digest(t->s, CONST_IN(in), len, out, n);
}
static CK_RV digest_update(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                           unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    (void)out;
    *n = 0;
    return t->f->C_DigestUpdate(t->s, CONST_IN(in), len);
}
static CK_RV digest_final(vec_p11 *t, const void *ctx, unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_DigestFinal(t->s, out, n);
}
static CK_RV sign_init(vec_p11 *t, CK_MECHANISM *m, CK_OBJECT_HANDLE k)
{
    return t->f->C_SignInit(t->s, m, k);
}
static CK_RV sign_once(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                       unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_Sign(t->s, CONST_IN(in), len, out, n);
}
static CK_RV sign_update(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                         unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    (void)out;
    *n = 0;
    return t->f->C_SignUpdate(t->s, CONST_IN(in), len);
}
static CK_RV sign_final(vec_p11 *t, const void *ctx, unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_SignFinal(t->s, out, n);
}
/* C_Verify has no output: ctx is the tag it checks */
static CK_RV verify_init(vec_p11 *t, CK_MECHANISM *m, CK_OBJECT_HANDLE k)
{
    return t->f->C_VerifyInit(t->s, m, k);
}
static CK_RV verify_once(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                         unsigned char *out, CK_ULONG *n)
{
    const kct_bytes *tag = ctx;
    (void)out;
    *n = 0;
    return t->f->C_Verify(t->s, CONST_IN(in), len, tag->p, tag->n);
}
static CK_RV verify_update(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                           unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    (void)out;
    *n = 0;
    return t->f->C_VerifyUpdate(t->s, CONST_IN(in), len);
}
static CK_RV verify_final(vec_p11 *t, const void *ctx, unsigned char *out, CK_ULONG *n)
{
    const kct_bytes *tag = ctx;
    (void)out;
    *n = 0;
    return t->f->C_VerifyFinal(t->s, tag->p, tag->n);
}

static const vec_p11_calls digest_calls = {
    { "C_DigestInit", "C_Digest", "C_DigestUpdate", "C_DigestFinal" }, 1,
    digest_init, digest_once, digest_update, digest_final,
};
static const vec_p11_calls sign_calls = {
    { "C_SignInit", "C_Sign", "C_SignUpdate", "C_SignFinal" }, 1,
    sign_init, sign_once, sign_update, sign_final,
};
static const vec_p11_calls verify_calls = {
    { "C_VerifyInit", "C_Verify", "C_VerifyUpdate", "C_VerifyFinal" }, 0,
    verify_init, verify_once, verify_update, verify_final,
};

void *vec_p11_mac_open(vec_ctx *v, kc_alg_id alg, const kct_bytes *key, kc_error *err)
{
    return vec_p11_key_get(v, &v->hash, alg, 0, key, err);
}

size_t vec_p11_mac_size(void *h)
{
    return kc_alg(((vec_p11_key *)h)->alg)->out_size;
}

/* The mechanism giving an n-byte MAC: the plain one for the full size,
 * _GENERAL (with *len) for a truncated one. */
static CK_MECHANISM mac_mech(const vec_p11_key *k, size_t n, CK_ULONG *len)
{
    const kc_alg_info *a = kc_alg(k->alg);
    *len = n;
    const p11_alg_map *pm = p11_alg_map_of(k->alg);
    if (a->kind == KC_KIND_MAC && n != a->out_size && pm && pm->general)
        return (CK_MECHANISM){ pm->general, len, sizeof(*len) };
    return (CK_MECHANISM){ pm ? pm->mech : 0, NULL, 0 };
}

kc_status vec_p11_mac(vec_ctx *v, void *h, const unsigned char *in, size_t len,
                      unsigned char *out, size_t n, kc_error *err)
{
    vec_p11_key *k = h;
    size_t size = vec_p11_mac_size(k), got = 0;
    int digest = kc_alg(k->alg)->kind == KC_KIND_HASH;
    /* a digest is always whole; the checks compare a prefix if they ask less */
    size_t want = digest ? size : n;
    unsigned char full[64];
    CK_ULONG mac_len;
    CK_MECHANISM m = mac_mech(k, want, &mac_len);
    vec_p11_rights r = { 0, 0, KC_ERR_INVALID_ARG };
    if (want > sizeof(full) || n > want)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%zu-byte output asked of %zu", n, want);
    kc_status st = vec_p11_run(vec_p11_of(v), digest ? &digest_calls : &sign_calls, NULL, &m,
                               k->h, in, len, full, sizeof(full), &got, &r, err);
    if (st == KC_OK && got != want)
        return kc_fail(err, KC_ERR_KERNEL, 0, "%s (%s) gave %zu bytes, expected %zu",
                       digest ? "C_Digest" : "C_Sign", vec_p11_mech_name(m.mechanism), got, want);
    if (st == KC_OK)
        memcpy(out, full, n);
    return st;
}

kc_status vec_p11_mac_verify(vec_ctx *v, void *h, const kct_bytes *msg, const kct_bytes *tag,
                             kc_error *err)
{
    vec_p11_key *k = h;
    size_t size = vec_p11_mac_size(k), got = 0;
    /* a tag longer than the MAC, or empty, has no mechanism: the plain one
     * must then refuse its length */
    size_t n = tag->n >= 1 && tag->n <= size ? tag->n : size;
    CK_ULONG mac_len;
    CK_MECHANISM m = mac_mech(k, n, &mac_len);
    vec_p11_rights r = { 0, CKR_SIGNATURE_INVALID, KC_ERR_AUTH };
    if (n != tag->n)
        r = (vec_p11_rights){ 0, CKR_SIGNATURE_LEN_RANGE, KC_ERR_INVALID_ARG };
    unsigned char none[1];
    return vec_p11_run(vec_p11_of(v), &verify_calls, tag, &m, k->h, msg->p, msg->n, none, 0,
                       &got, &r, err);
}
