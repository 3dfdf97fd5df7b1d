/* SPDX-License-Identifier: Apache-2.0 */
#include "vec.h"
#include "vec_backend.h"
#include "vec_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the kernel's AEAD templates cannot take whatever kcrypt does, from
 * the kernel's code and tried on 6.1: gcm(aes) takes 12-byte IVs and tags of
 * 4, 8, 12..16 bytes; ccm(aes) nonces of 7..13 and even tags of 4..16 (the
 * CCM standard's own limits); rfc7539 12-byte nonces and 16-byte tags.
 *
 * This list is the test's, not kcrypt's, so it cannot hide a kcrypt bug: a
 * valid case inside these limits that a backend refuses is a failure, and
 * only a valid case outside them is "not run". An invalid case is run
 * whatever the limits: the backend must refuse it, when its context is made
 * (kcrypt's tag size) or at the request. Counting a valid case the kernel
 * cannot run as passed would claim a test that never happened; counting it
 * as failed would report a kernel design limit as a kcrypt bug. */
const char *vec_aead_limit(kc_alg_id alg, size_t nonce, size_t tag, char *buf, size_t n)
{
    const char *kname = kc_alg(alg)->kernel_name;
    int nonce_ok = 0, tag_ok = 0;
    switch (alg) {
    case KC_AES_GCM:
        nonce_ok = nonce == 12;
        tag_ok = tag == 4 || tag == 8 || (tag >= 12 && tag <= 16);
        break;
    case KC_AES_CCM:
        nonce_ok = nonce >= 7 && nonce <= 13;
        tag_ok = tag >= 4 && tag <= 16 && tag % 2 == 0;
        break;
    default:
        nonce_ok = nonce == 12;
        tag_ok = tag == 16;
        break;
    }
    if (!nonce_ok && alg == KC_AES_CCM)
        snprintf(buf, n, "kernel %s takes 7..13-byte nonces only", kname);
    else if (!nonce_ok)
        snprintf(buf, n, "kernel %s takes 96-bit nonces only", kname);
    else if (!tag_ok)
        snprintf(buf, n, "kernel rejects tag size %zu", tag);
    return nonce_ok && tag_ok ? NULL : buf;
}

static void encrypt_dir(vec_ctx *v, void *a, const vec_aead_case *c, vec_outcome *o)
{
    const kct_bytes *m = c->msg;
    unsigned char *ct = malloc(m->n + 1), *tag = malloc(c->tag.n + 1);
    char got[KCT_HEX_STR_MAX], want[KCT_HEX_STR_MAX];
    kc_error err = { 0 };
    o->tried = 1;
    if (!ct || !tag) {
        o->st = KC_ERR_NOMEM;
        snprintf(o->detail, sizeof(o->detail), "encrypt: out of memory");
    } else if ((o->st = v->be->aead_encrypt(v, a, c, ct, tag, &err)) != KC_OK) {
        snprintf(o->detail, sizeof(o->detail), "encrypt: %s: %s", kc_status_name(o->st), err.msg);
    } else if (!kct_bytes_eq(&c->ct, ct, m->n)) {
        snprintf(o->detail, sizeof(o->detail), "encrypt gave ciphertext %s, expected %s",
                 kct_hex_str(ct, m->n, got), kct_hex_str(c->ct.p, c->ct.n, want));
    } else if (!kct_bytes_eq(&c->tag, tag, c->tag.n)) {
        snprintf(o->detail, sizeof(o->detail), "encrypt gave tag %s, expected %s",
                 kct_hex_str(tag, c->tag.n, got), kct_hex_str(c->tag.p, c->tag.n, want));
    } else {
        o->match = 1;
    }
    free(ct);
    free(tag);
}

static void decrypt_dir(vec_ctx *v, void *a, const vec_aead_case *c, vec_outcome *o)
{
    unsigned char *pt = malloc(c->ct.n + 1);
    char got[KCT_HEX_STR_MAX], want[KCT_HEX_STR_MAX];
    kc_error err = { 0 };
    o->tried = 1;
    if (!pt) {
        o->st = KC_ERR_NOMEM;
        snprintf(o->detail, sizeof(o->detail), "decrypt: out of memory");
        return;
    }
    /* a refused message must not leave unauthenticated plaintext behind */
    memset(pt, 0xa5, c->ct.n + 1);
    o->st = v->be->aead_decrypt(v, a, c, pt, &err);
    if (o->st == KC_ERR_AUTH && vec_leaked(pt, c->ct.n, 0xa5)) {
        o->leaked = 1;
        snprintf(o->detail, sizeof(o->detail), "decrypt refused the tag but left %s in out",
                 kct_hex_str(pt, c->ct.n, got));
    } else if (o->st != KC_OK) {
        snprintf(o->detail, sizeof(o->detail), "decrypt: %s: %s", kc_status_name(o->st), err.msg);
    } else if (c->msg && !kct_bytes_eq(c->msg, pt, c->ct.n)) {
        snprintf(o->detail, sizeof(o->detail), "decrypt gave %s, expected %s",
                 kct_hex_str(pt, c->ct.n, got), kct_hex_str(c->msg->p, c->msg->n, want));
    } else {
        o->match = 1;
    }
    free(pt);
}

/* Verdict on the outcomes; NULL for a pass, else the first problem. */
static const char *judge(const vec_aead_case *c, const vec_outcome *enc, const vec_outcome *dec)
{
    switch (c->expect) {
    case VEC_VALID:
        if (enc->tried && !vec_accepted(enc))
            return enc->detail;
        return vec_accepted(dec) ? NULL : dec->detail;
    case VEC_INVALID:
        if (dec->st == KC_OK)
            return "decrypt accepted it";
        if (!vec_rejected(dec->st) || dec->leaked)
            return dec->detail;
        /* encrypting the message may work, but must not yield this ct/tag */
        if (enc->tried && vec_accepted(enc))
            return "encrypt reproduced the invalid ciphertext and tag";
        if (enc->tried && enc->st != KC_OK && !vec_rejected(enc->st))
            return enc->detail;
        return NULL;
    case VEC_ACCEPTABLE:
        /* either way, as long as both directions agree */
        if (dec->leaked)
            return dec->detail;
        if (vec_rejected(dec->st) && (!enc->tried || vec_rejected(enc->st)))
            return NULL;
        if (enc->tried && !vec_accepted(enc))
            return enc->detail;
        return vec_accepted(dec) ? NULL : dec->detail;
    }
    return "bad expectation";
}

void vec_aead_run(vec_ctx *v, const vec_aead_case *c)
{
    const char *row = vec_name(c->alg);
    char limit_buf[96], why[96];
    if (!vec_ready(v, c->alg))
        return;
    const char *limit = (v->be->aead_limit ? v->be->aead_limit : vec_aead_limit)(
        c->alg, c->nonce.n, c->tag.n, limit_buf, sizeof(limit_buf));
    if (limit && c->expect != VEC_INVALID) {
        kct_skip(v->tally, row, 1, "%s", limit);
        return;
    }
    if (c->msg && c->msg->n != c->ct.n) {
        kct_fail(v->tally, row, "%s: malformed vector: %zu-byte message, %zu-byte ciphertext",
                 c->where, c->msg->n, c->ct.n);
        return;
    }
    kc_error err = { 0 };
    void *a = v->be->aead_open(v, c, &err);
    if (!a) {
        if (vec_rejected(err.status) && c->expect != VEC_VALID)
            kct_pass(v->tally, row);
        else if (vec_rejected(err.status) &&
                 vec_key_not_offered(v, c->alg, c->key.n, why, sizeof(why)))
            kct_skip(v->tally, row, 1, "%s", why);
        else
            kct_fail(v->tally, row, "%s: context for a %zu-byte tag: %s: %s", c->where,
                     c->tag.n, kc_status_name(err.status), err.msg);
        return;
    }
    vec_outcome enc = { 0 }, dec = { 0 };
    if (c->msg)
        encrypt_dir(v, a, c, &enc);
    decrypt_dir(v, a, c, &dec);
    const char *problem = judge(c, &enc, &dec);
    if (problem)
        kct_fail(v->tally, row, "%s: %s", c->where, problem);
    else
        kct_pass(v->tally, row);
}
