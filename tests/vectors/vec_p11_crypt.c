/* SPDX-License-Identifier: Apache-2.0 */
/* C_Encrypt* / C_Decrypt*: AES-ECB, CBC, CBC_PAD and CTR, and the AEADs
 * (GCM, CCM, ChaCha20-Poly1305), whose ciphertext is followed by the tag. */
#include "vec_p11.h"

#include <stdlib.h>
#include <string.h>

#define CONST_IN(p) ((CK_BYTE_PTR)(p))   /* the 2.40 prototypes take no const */

static CK_RV enc_init(vec_p11 *t, CK_MECHANISM *m, CK_OBJECT_HANDLE k)
{
    return t->f->C_EncryptInit(t->s, m, k);
}
static CK_RV enc_once(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                      unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_Encrypt(t->s, CONST_IN(in), len, out, n);
}
static CK_RV enc_update(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                        unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_EncryptUpdate(t->s, CONST_IN(in), len, out, n);
}
static CK_RV enc_final(vec_p11 *t, const void *ctx, unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_EncryptFinal(t->s, out, n);
}
static CK_RV dec_init(vec_p11 *t, CK_MECHANISM *m, CK_OBJECT_HANDLE k)
{
    return t->f->C_DecryptInit(t->s, m, k);
}
static CK_RV dec_once(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                      unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_Decrypt(t->s, CONST_IN(in), len, out, n);
}
static CK_RV dec_update(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                        unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_DecryptUpdate(t->s, CONST_IN(in), len, out, n);
}
static CK_RV dec_final(vec_p11 *t, const void *ctx, unsigned char *out, CK_ULONG *n)
{
    (void)ctx;
    return t->f->C_DecryptFinal(t->s, out, n);
}

static const vec_p11_calls encrypt_calls = {
    { "C_EncryptInit", "C_Encrypt", "C_EncryptUpdate", "C_EncryptFinal" }, 1,
    enc_init, enc_once, enc_update, enc_final,
};
static const vec_p11_calls decrypt_calls = {
    { "C_DecryptInit", "C_Decrypt", "C_DecryptUpdate", "C_DecryptFinal" }, 1,
    dec_init, dec_once, dec_update, dec_final,
};

/* What PKCS#11 says a block mode must refuse: a length of no whole blocks
 * (*_LEN_RANGE), and on CBC_PAD decryption, a bad padding. CTR takes any. */
static vec_p11_rights cipher_rights(const vec_cipher_case *c, int encrypt, size_t len)
{
    vec_p11_rights r = { 0, 0, KC_ERR_INVALID_ARG };
    CK_RV short_rv = encrypt ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
    if (c->alg == KC_AES_CTR || (c->pad && encrypt))
        return r;
    if (len % 16 || (c->pad && len == 0))
        r.op = short_rv;
    else if (c->pad)
        r = (vec_p11_rights){ 0, CKR_ENCRYPTED_DATA_INVALID, KC_ERR_AUTH };
    return r;
}

kc_status vec_p11_cipher(vec_ctx *v, const vec_cipher_case *c, int encrypt, unsigned char *out,
                         size_t *out_len, kc_error *err)
{
    const kct_bytes *in = encrypt ? &c->pt : &c->ct;
    vec_p11_key *k = vec_p11_key_get(v, &v->cipher, c->alg, 0, &c->key, err);
    if (!k)
        return err->status;
    CK_AES_CTR_PARAMS ctr = { 128, { 0 } };
    CK_MECHANISM m = { c->pad ? CKM_AES_CBC_PAD : p11_alg_map_of(c->alg)->mech, NULL, 0 };
    if (c->alg == KC_AES_CTR) {
        /* the whole 128-bit block counts, as in RFC 3686 */
        memcpy(ctr.cb, c->iv.p, c->iv.n < 16 ? c->iv.n : 16);
        m.pParameter = &ctr;
        m.ulParameterLen = sizeof(ctr);
    } else if (c->iv.n) {
        m.pParameter = c->iv.p;
        m.ulParameterLen = c->iv.n;
    }
    vec_p11_rights r = cipher_rights(c, encrypt, in->n);
    return vec_p11_run(vec_p11_of(v), encrypt ? &encrypt_calls : &decrypt_calls, NULL, &m, k->h,
                       in->p, in->n, out, in->n + 16, out_len, &r, err);
}

typedef union {
    CK_GCM_PARAMS gcm;
    KC_CK_CCM_PARAMS ccm;
    KC_CK_CHACHA20_POLY1305_PARAMS chacha;
} aead_params;

/* The mechanism for the case; data_len is CCM's declared message length. */
static CK_MECHANISM aead_mech(const vec_aead_case *c, size_t data_len, aead_params *p)
{
    CK_MECHANISM m = { p11_alg_map_of(c->alg)->mech, p, 0 };
    switch (c->alg) {
    case KC_AES_GCM:
        p->gcm = (CK_GCM_PARAMS){ c->nonce.p, c->nonce.n, c->nonce.n * 8, c->aad.p, c->aad.n,
                                  c->tag.n * 8 };
        m.ulParameterLen = sizeof(p->gcm);
        break;
    case KC_AES_CCM:
        p->ccm = (KC_CK_CCM_PARAMS){ data_len, c->nonce.p, c->nonce.n, c->aad.p, c->aad.n,
                                     c->tag.n };
        m.ulParameterLen = sizeof(p->ccm);
        break;
    default:
        p->chacha = (KC_CK_CHACHA20_POLY1305_PARAMS){ c->nonce.p, c->nonce.n, c->aad.p,
                                                      c->aad.n };
        m.ulParameterLen = sizeof(p->chacha);
        break;
    }
    return m;
}

/* ChaCha20-Poly1305's tag is 16 bytes whatever the vector holds. */
static size_t tag_len(const vec_aead_case *c)
{
    return c->alg == KC_CHACHA20_POLY1305 ? 16 : c->tag.n;
}

/* Init must refuse exactly the nonce and tag sizes the kernel cannot take. */
static CK_RV init_right(const vec_aead_case *c)
{
    char buf[96];
    return vec_aead_limit(c->alg, c->nonce.n, c->tag.n, buf, sizeof(buf))
               ? CKR_MECHANISM_PARAM_INVALID
               : 0;
}

void *vec_p11_aead_open(vec_ctx *v, const vec_aead_case *c, kc_error *err)
{
    return vec_p11_key_get(v, &v->aead, c->alg, 0, &c->key, err);
}

kc_status vec_p11_aead_encrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *ct,
                               unsigned char *tag, kc_error *err)
{
    vec_p11_key *k = a;
    const kct_bytes *msg = c->msg;
    size_t tl = tag_len(c), want = msg->n + tl, got = 0;
    aead_params p;
    CK_MECHANISM m = aead_mech(c, msg->n, &p);
    vec_p11_rights r = { init_right(c), 0, KC_ERR_INVALID_ARG };
    unsigned char *out = malloc(want + 1);
    if (!out)
        return kc_fail(err, KC_ERR_NOMEM, 0, "out of memory");
    kc_status st = vec_p11_run(vec_p11_of(v), &encrypt_calls, NULL, &m, k->h, msg->p, msg->n,
                               out, want, &got, &r, err);
    if (st == KC_OK && got != want) {
        st = kc_fail(err, KC_ERR_KERNEL, 0, "C_Encrypt (%s) gave %zu bytes, expected %zu",
                     vec_p11_mech_name(m.mechanism), got, want);
    } else if (st == KC_OK) {
        memcpy(ct, out, msg->n);
        memcpy(tag, out + msg->n, tl < c->tag.n ? tl : c->tag.n);
    }
    free(out);
    return st;
}

kc_status vec_p11_aead_decrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *pt,
                               kc_error *err)
{
    vec_p11_key *k = a;
    size_t len = c->ct.n + c->tag.n, got = 0;
    aead_params p;
    CK_MECHANISM m = aead_mech(c, c->ct.n, &p);
    /* an input shorter than the tag has no tag to check */
    vec_p11_rights r = { init_right(c), CKR_ENCRYPTED_DATA_INVALID, KC_ERR_AUTH };
    if (len < tag_len(c))
        r = (vec_p11_rights){ init_right(c), CKR_ENCRYPTED_DATA_LEN_RANGE, KC_ERR_INVALID_ARG };
    unsigned char *in = malloc(len + 1);
    if (!in)
        return kc_fail(err, KC_ERR_NOMEM, 0, "out of memory");
    memcpy(in, c->ct.p, c->ct.n);
    memcpy(in + c->ct.n, c->tag.p, c->tag.n);
    /* straight into the check's buffer, which sees what a refusal leaves */
    kc_status st = vec_p11_run(vec_p11_of(v), &decrypt_calls, NULL, &m, k->h, in, len, pt,
                               c->ct.n, &got, &r, err);
    if (st == KC_OK && got != c->ct.n)
        st = kc_fail(err, KC_ERR_KERNEL, 0, "C_Decrypt (%s) gave %zu bytes, expected %zu",
                     vec_p11_mech_name(m.mechanism), got, c->ct.n);
    free(in);
    return st;
}
