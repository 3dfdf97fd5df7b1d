/* SPDX-License-Identifier: Apache-2.0 */
/* C_Encrypt* and C_Decrypt*: the block and stream modes (AES-ECB/CBC/
 * CBC_PAD/CTR/OFB/CFB128, DES3) stream through a kc_cipher; AES-CTS and the AEADs (GCM, CCM, ChaCha20-Poly1305) need the
 * whole message in one kernel request, so their multi-part forms buffer
 * until Final, as SoftHSM does. */
#include "p11.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>


void p11_crypt_free(p11_crypt *op)
{
    if (op->c)
        kc_cipher_free(op->c);
    if (op->buf) {
        kc_wipe(op->buf, op->cap);
        free(op->buf);
    }
    if (op->aad)
        free(op->aad);
    kc_wipe(op, sizeof *op);
}

static int is_aead(const p11_crypt *op)
{
    return kc_alg(op->alg)->kind == KC_KIND_AEAD;
}

static int is_kw(const p11_crypt *op)
{
    return kc_alg(op->alg)->kind == KC_KIND_KEYWRAP;
}

/* CTR, OFB, CFB: every byte out at once, no padding */
static int is_stream(const p11_crypt *op)
{
    return kc_alg(op->alg)->mode == KC_MODE_STREAM;
}

/* XTS, CTS: one kernel request for the whole message */
static int is_whole(const p11_crypt *op)
{
    return kc_alg(op->alg)->mode == KC_MODE_WHOLE;
}

/* A cipher mode whose only parameter is its IV (the table's size) */
static int takes_iv_only(const kc_alg_info *a)
{
    return a->iv_size && a->chain != KC_CHAIN_COUNTER &&
           (a->mode == KC_MODE_BLOCK || a->mode == KC_MODE_STREAM || a->mode == KC_MODE_WHOLE);
}

static CK_RV len_err(const p11_crypt *op)
{
    return op->dir == OP_ENCRYPT ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
}

static p11_use use_of(const p11_crypt *op)
{
    return op->dir == OP_ENCRYPT ? P11_USE_ENCRYPT : P11_USE_DECRYPT;
}

static CK_RV params(p11_crypt *op, const CK_MECHANISM *m)
{
    const void *p = m->pParameter;
    CK_ULONG pl = m->ulParameterLen;
    if (takes_iv_only(kc_alg(op->alg))) {
        size_t ivlen = kc_alg(op->alg)->iv_size;
        if (!p || pl != ivlen || ivlen > sizeof op->nonce)
            return CKR_MECHANISM_PARAM_INVALID;
        memcpy(op->nonce, p, ivlen);
        op->nonce_len = ivlen;
        return CKR_OK;
    }
    switch (m->mechanism) {
    case CKM_AES_ECB:
    case CKM_DES3_ECB:
    case CKM_AES_KEY_WRAP:
    case CKM_AES_KEY_WRAP_KWP:   /* the RFC's default ICVs only, as C_WrapKey */
        return p || pl ? CKR_MECHANISM_PARAM_INVALID : CKR_OK;
    case CKM_AES_CTR: {
        const CK_AES_CTR_PARAMS *c = p;
        if (!p || pl != sizeof *c || c->ulCounterBits < 1 || c->ulCounterBits > 128)
            return CKR_MECHANISM_PARAM_INVALID;
        memcpy(op->nonce, c->cb, sizeof c->cb);
        op->nonce_len = sizeof c->cb;
        /* The kernel's ctr(aes) counts over all 128 bits; a shorter field
         * must not wrap inside this operation, or the kernel would carry
         * into the nonce. So, as SoftHSM does, data past the field's last
         * value is refused. Room is counted in blocks, saturating. */
        if (c->ulCounterBits < 128) {
            unsigned bits = (unsigned)c->ulCounterBits;
            unsigned long long low = 0, blocks;
            for (int i = 8; i < 16; i++)
                low = low << 8 | c->cb[i];
            if (bits < 64) {
                low &= (1ULL << bits) - 1;
                blocks = (1ULL << bits) - low;          /* >= 1 */
            } else {
                /* counter bits above the low 64: all ones means the low
                 * part is the last stretch, else 2^64 blocks and more */
                int top = 1;
                for (unsigned b = 64; b < bits; b++)
                    top &= c->cb[15 - b / 8] >> (b % 8) & 1;
                blocks = top ? ~low + 1 : 0;            /* 0: >= 2^64 */
            }
            op->ctr_bounded = blocks != 0;
            op->ctr_left = blocks > ULLONG_MAX / sizeof c->cb ? ULLONG_MAX : blocks * sizeof c->cb;
        }
        return CKR_OK;
    }
    case CKM_AES_GCM: {
        const CK_GCM_PARAMS *g = p;
        if (!p || pl != sizeof *g)
            return CKR_MECHANISM_PARAM_INVALID;
        /* The kernel's gcm(aes) takes 96-bit IVs only. */
        if (g->ulIvLen != 12 || !g->pIv || (g->ulIvBits && g->ulIvBits != 96))
            return CKR_MECHANISM_PARAM_INVALID;
        if (g->ulTagBits % 8 || !kc_aead_tag_len_ok(KC_AES_GCM, g->ulTagBits / 8))
            return CKR_MECHANISM_PARAM_INVALID;
        if (g->ulAADLen && !g->pAAD)
            return CKR_MECHANISM_PARAM_INVALID;
        memcpy(op->nonce, g->pIv, 12);
        op->nonce_len = 12;
        op->tag_len = g->ulTagBits / 8;
        op->aad_len = g->ulAADLen;
        op->aad = malloc(op->aad_len ? op->aad_len : 1);
        if (!op->aad)
            return CKR_HOST_MEMORY;
        if (op->aad_len)
            memcpy(op->aad, g->pAAD, op->aad_len);
        return CKR_OK;
    }
    case CKM_AES_CCM: {
        const KC_CK_CCM_PARAMS *c = p;
        if (!p || pl != sizeof *c || !c->pNonce || !kc_aead_nonce_len_ok(KC_AES_CCM, c->ulNonceLen) ||
            !kc_aead_tag_len_ok(KC_AES_CCM, c->ulMACLen) || (c->ulAADLen && !c->pAAD))
            return CKR_MECHANISM_PARAM_INVALID;
        memcpy(op->nonce, c->pNonce, c->ulNonceLen);
        op->nonce_len = c->ulNonceLen;
        op->tag_len = c->ulMACLen;
        op->ccm_len = c->ulDataLen;
        op->aad_len = c->ulAADLen;
        op->aad = malloc(op->aad_len ? op->aad_len : 1);
        if (!op->aad)
            return CKR_HOST_MEMORY;
        if (op->aad_len)
            memcpy(op->aad, c->pAAD, op->aad_len);
        return CKR_OK;
    }
    case CKM_CHACHA20_POLY1305: {
        const KC_CK_CHACHA20_POLY1305_PARAMS *c = p;
        /* rfc7539(chacha20,poly1305) takes the 96-bit nonce only. */
        if (!p || pl != sizeof *c || !c->pNonce || c->ulNonceLen != 12 ||
            (c->ulAADLen && !c->pAAD))
            return CKR_MECHANISM_PARAM_INVALID;
        memcpy(op->nonce, c->pNonce, 12);
        op->nonce_len = 12;
        op->tag_len = 16;
        op->aad_len = c->ulAADLen;
        op->aad = malloc(op->aad_len ? op->aad_len : 1);
        if (!op->aad)
            return CKR_HOST_MEMORY;
        if (op->aad_len)
            memcpy(op->aad, c->pAAD, op->aad_len);
        return CKR_OK;
    }
    default:
        return CKR_MECHANISM_INVALID;
    }
}

static CK_RV init(CK_SESSION_HANDLE hs, p11_dir dir, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hk)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    p11_crypt *op = dir == OP_ENCRYPT ? &s->enc : &s->dec;
    if (op->active || s->rsa[dir == OP_ENCRYPT ? P11_RSA_ENCRYPT : P11_RSA_DECRYPT])
        return CKR_OPERATION_ACTIVE;
    if (!m)
        return CKR_ARGUMENTS_BAD;
    const p11_mech *pm = p11_mech_lookup(m->mechanism);
    if (!pm || !(pm->info.flags & (dir == OP_ENCRYPT ? CKF_ENCRYPT : CKF_DECRYPT)))
        return CKR_MECHANISM_INVALID;
    p11_object *k;
    rv = p11_key_for_use(hs, hk, dir == OP_ENCRYPT ? CKA_ENCRYPT : CKA_DECRYPT, &k);
    if (rv != CKR_OK)
        return rv;
    const p11_alg_map *map = p11_alg_map_of(pm->alg);
    if (!map || k->kt != map->key_type)
        return CKR_KEY_TYPE_INCONSISTENT;
    if (!kc_alg_key_size_ok(kc_alg(pm->alg), k->value_len))
        return CKR_KEY_SIZE_RANGE;
    /* KW/KWP decryption of what C_WrapKey made under the same key would
     * give out the wrapped key's value: a wrapping key does not encrypt
     * or decrypt with these mechanisms. */
    if (kc_alg(pm->alg)->kind == KC_KIND_KEYWRAP &&
        (p11_attr_bool(k, CKA_WRAP) || p11_attr_bool(k, CKA_UNWRAP)))
        return CKR_KEY_FUNCTION_NOT_PERMITTED;
    memset(op, 0, sizeof *op);
    op->dir = dir;
    op->mech = m->mechanism;
    op->alg = pm->alg;
    op->key = hk;
    op->pad = map->pad_mech && m->mechanism == map->pad_mech;
    op->whole = is_aead(op) || is_kw(op) || is_whole(op);
    /* from the one table; a size the buffers cannot hold is refused, not cut */
    op->block = kc_alg(op->alg)->block_size;
    if (op->block > sizeof op->last ||
        kc_blockpad_init(&op->bp, kc_alg(op->alg)->name, op->block, dir == OP_ENCRYPT, op->pad,
                         NULL) != KC_OK) {
        rv = CKR_MECHANISM_INVALID;
        goto fail;
    }
    if ((rv = params(op, m)) != CKR_OK)
        goto fail;
    kc_tfm *t;
    if (!is_kw(op) && (rv = p11_key_tfm(k, op->alg, &t)) != CKR_OK)
        goto fail;
    if (is_kw(op)) {
        kc_error err;
        kc_keywrap *w;   /* made at Final; keyed once here so a bad key fails at Init */
        kc_alg_id on = kc_keywrap_tfm_alg(op->alg, dir == OP_ENCRYPT);
        if (on == KC_ALG_COUNT) {
            rv = CKR_MECHANISM_INVALID;
            goto fail;
        }
        if ((rv = p11_key_tfm(k, on, &t)) != CKR_OK)
            goto fail;
        if (kc_keywrap_from_tfm(&w, op->alg, t, dir == OP_ENCRYPT, &err) != KC_OK) {
            rv = p11_rv(&err, P11_USE_INIT);
            goto fail;
        }
        kc_keywrap_free(w);
    } else if (!is_aead(op)) {
        kc_error err;
        if (kc_cipher_from_tfm(&op->c, t, &err) != KC_OK) {
            rv = p11_rv(&err, P11_USE_INIT);
            goto fail;
        }
        if (!is_whole(op) &&
            kc_cipher_start(op->c, dir == OP_ENCRYPT, op->nonce_len ? op->nonce : NULL,
                            op->nonce_len, &err) != KC_OK) {
            rv = p11_rv(&err, P11_USE_INIT);
            goto fail;
        }
    }
    op->active = 1;
    return CKR_OK;
fail:
    p11_crypt_free(op);
    return rv;
}

/* Output of an update of n more bytes. */
static size_t update_size(const p11_crypt *op, size_t n)
{
    if (op->whole)
        return 0;
    if (is_stream(op))
        return n;
    return kc_blockpad_update_len(&op->bp, n);   /* CBC_PAD decrypt keeps the last block */
}

/* The cipher function of the block holder: whole blocks through op->c. */
static kc_status cipher_blocks(void *ctx, const unsigned char *in, size_t len,
                               unsigned char *out, kc_error *err)
{
    size_t w = 0;
    kc_status s = kc_cipher_update(ctx, in, len, out, &w, err);
    if (s == KC_OK && w != len)
        return kc_fail(err, KC_ERR_KERNEL, 0, "%s: %zu of %zu bytes", kc_alg(kc_cipher_alg(ctx))->name, w,
                       len);
    return s;
}

static CK_RV buffer(p11_crypt *op, const unsigned char *in, size_t n)
{
    /* common/'s message buffer (growth, wiping) over the op's fields;
     * n <= P11_LEN_MAX (checked at the entry points): no sum here wraps */
    kc_msgbuf b = { op->buf, op->len, op->cap };
    kc_status st = kc_msgbuf_append(&b, in, n, P11_LEN_MAX, NULL);
    op->buf = b.data;
    op->len = b.len;
    op->cap = b.cap;
    return st == KC_OK ? CKR_OK : st == KC_ERR_NOMEM ? CKR_HOST_MEMORY : len_err(op);
}

static CK_RV do_update(p11_crypt *op, const unsigned char *in, size_t n, unsigned char *out,
                       size_t *outn)
{
    kc_error err = { .status = KC_OK };   /* KC_OK left: a short output */
    size_t w = 0;
    *outn = 0;
    if (op->whole)
        return buffer(op, in, n);
    if (is_stream(op)) {
        if (op->ctr_bounded) {
            if (n > op->ctr_left)
                return len_err(op);   /* ENCRYPTED_ for C_Decrypt* */
            op->ctr_left -= n;
        }
        if (n && kc_cipher_update(op->c, in, n, out, &w, &err) != KC_OK)
            return p11_rv(&err, use_of(op));
        *outn = w;
        return CKR_OK;
    }
    /* ECB/CBC: whole blocks in one request, the rest held */
    if (kc_blockpad_update(&op->bp, in, n, out, outn, cipher_blocks, op->c, &err) != KC_OK)
        return p11_rv(&err, use_of(op));
    return CKR_OK;
}

/* Size Final will write, or an error for a message of the wrong length. */
static CK_RV final_size(p11_crypt *op, size_t *need)
{
    kc_error err = { .status = KC_OK };
    *need = 0;
    if (is_stream(op))
        return CKR_OK;
    if (is_whole(op)) {
        *need = op->len;
        return op->len < op->nonce_len ? len_err(op) : CKR_OK;
    }
    if (is_kw(op)) {   /* RFC 3394: n >= 2 semiblocks; RFC 5649: 1 byte and more */
        size_t min = op->alg == KC_AES_KW ? 16 : 1;
        if (op->dir == OP_DECRYPT)
            min = op->alg == KC_AES_KW ? 24 : 16;
        if (op->len < min || (op->len % 8 && (op->alg == KC_AES_KW || op->dir == OP_DECRYPT)))
            return len_err(op);
        *need = op->kw_done ? op->kw_len : kc_keywrap_max_out(op->alg, op->dir == OP_ENCRYPT,
                                                              op->len);
        return CKR_OK;
    }
    if (is_aead(op)) {
        if (op->dir == OP_DECRYPT && op->len < op->tag_len)
            return CKR_ENCRYPTED_DATA_LEN_RANGE;
        size_t plain = op->dir == OP_ENCRYPT ? op->len : op->len - op->tag_len;
        if (op->alg == KC_AES_CCM && plain != op->ccm_len)
            return len_err(op);
        *need = op->dir == OP_ENCRYPT ? op->len + op->tag_len : plain;
        return CKR_OK;
    }
    if (!op->pad)
        return kc_blockpad_held(&op->bp) ? len_err(op) : CKR_OK;
    if (op->dir == OP_ENCRYPT) {
        *need = op->block;
        return CKR_OK;
    }
    if (!op->last_done) {
        /* decrypted and unpadded now, so a size query knows the length */
        if (kc_blockpad_held(&op->bp) != op->block)
            return CKR_ENCRYPTED_DATA_LEN_RANGE;
        kc_status st = kc_blockpad_final(&op->bp, op->last, &op->last_n, cipher_blocks, op->c,
                                         &err);
        if (st == KC_ERR_AUTH)   /* bad padding */
            return CKR_ENCRYPTED_DATA_INVALID;
        if (st != KC_OK)
            return p11_rv(&err, use_of(op));
        op->last_done = 1;
    }
    *need = op->last_n;
    return CKR_OK;
}

/* The key was destroyed (by another session or thread) between Init and
 * the call that needs it. PKCS#11 lists no key-handle code for C_Encrypt,
 * C_Decrypt and their Final calls, so this is CKR_FUNCTION_FAILED, and the
 * operation ends as any failed call ends it. */
static CK_RV key_gone(const p11_crypt *op)
{
    p11_debug("%s: the key (handle %lu) was destroyed during the operation",
              kc_alg(op->alg)->name, (unsigned long)op->key);
    return CKR_FUNCTION_FAILED;
}

/* KW/KWP over the whole message; the exact length lands in op->kw_len
 * (a KWP unwrap is shorter than final_size's bound). */
static CK_RV kw_final(p11_crypt *op, unsigned char *out)
{
    p11_object *k = p11_object_find(op->key);
    if (!k)
        return key_gone(op);
    int enc = op->dir == OP_ENCRYPT;
    kc_tfm *t;
    CK_RV rv = p11_key_tfm(k, kc_keywrap_tfm_alg(op->alg, enc), &t);
    if (rv != CKR_OK)
        return rv;
    kc_error err;
    kc_keywrap *w;
    if (kc_keywrap_from_tfm(&w, op->alg, t, enc, &err) != KC_OK)
        return p11_rv(&err, use_of(op));
    size_t n = kc_keywrap_max_out(op->alg, enc, op->len);
    kc_status st = enc ? kc_keywrap_wrap(w, op->buf, op->len, out, &n, &err)
                       : kc_keywrap_unwrap(w, op->buf, op->len, out, &n, &err);
    kc_keywrap_free(w);
    if (st != KC_OK)
        return p11_rv(&err, use_of(op));
    op->kw_len = n;
    op->kw_done = 1;
    return CKR_OK;
}

static CK_RV do_final(p11_crypt *op, unsigned char *out)
{
    kc_error err;
    kc_status st = KC_OK;
    if (is_stream(op) || (!op->pad && !op->whole))
        return CKR_OK;
    if (op->pad && op->dir == OP_DECRYPT) {
        memcpy(out, op->last, op->last_n);
        return CKR_OK;
    }
    if (op->pad) {
        size_t w;
        st = kc_blockpad_final(&op->bp, out, &w, cipher_blocks, op->c, &err);
        return st != KC_OK ? p11_rv(&err, use_of(op)) : w == op->block ? CKR_OK : CKR_DEVICE_ERROR;
    }
    if (is_kw(op))
        return kw_final(op, out);
    if (is_whole(op)) {
        st = kc_cipher_oneshot(op->c, op->dir == OP_ENCRYPT, op->nonce, op->nonce_len, op->buf, op->len,
                               out, &err);
        return st == KC_OK ? CKR_OK : p11_rv(&err, use_of(op));
    }
    /* AEAD: a context for this one request, so the transform's tag size
     * (shared by all its op sockets) is set just for it. */
    p11_object *k = p11_object_find(op->key);
    if (!k)
        return key_gone(op);
    kc_tfm *t;
    CK_RV rv = p11_key_tfm(k, op->alg, &t);
    if (rv != CKR_OK)
        return rv;
    kc_aead *a;
    if (kc_aead_from_tfm(&a, t, op->tag_len, &err) != KC_OK)
        return p11_rv(&err, use_of(op));
    if (op->aad_len + op->len + (op->dir == OP_ENCRYPT ? op->tag_len : 0) >
        kc_aead_max_message(a)) {
        kc_aead_free(a);
        return len_err(op);
    }
    static const unsigned char empty[1];
    const unsigned char *in = op->buf ? op->buf : empty;
    if (op->dir == OP_ENCRYPT)
        st = kc_aead_encrypt(a, op->nonce, op->nonce_len, op->aad, op->aad_len, in, op->len, out,
                             out + op->len, &err);
    else
        st = kc_aead_decrypt(a, op->nonce, op->nonce_len, op->aad, op->aad_len, in,
                             op->len - op->tag_len, in + op->len - op->tag_len, out, &err);
    kc_aead_free(a);
    return st == KC_OK ? CKR_OK : p11_rv(&err, use_of(op));
}

/* ---- the shared bodies of the Encrypt and Decrypt calls ---- */

static CK_RV get_op(CK_SESSION_HANDLE hs, p11_dir dir, p11_crypt **op)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    *op = dir == OP_ENCRYPT ? &s->enc : &s->dec;
    return (*op)->active ? CKR_OK : CKR_OPERATION_NOT_INITIALIZED;
}

/* An error other than a size answer ends the operation (PKCS#11 5.2). */
static CK_RV end(p11_crypt *op, CK_RV rv, int done)
{
    if (done || (rv != CKR_OK && rv != CKR_BUFFER_TOO_SMALL))
        p11_crypt_free(op);
    return rv;
}

static CK_RV one_shot(CK_SESSION_HANDLE hs, p11_dir dir, CK_BYTE_PTR in, CK_ULONG n,
                      CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    p11_crypt *op;
    CK_RV rv = get_op(hs, dir, &op);
    if (rv != CKR_OK)
        return rv;
    if ((!in && n) || !outn)
        return end(op, CKR_ARGUMENTS_BAD, 1);
    /* C_Encrypt "must be called after C_EncryptInit without intervening
     * C_EncryptUpdate calls", and "always terminates the active operation
     * unless it returns CKR_BUFFER_TOO_SMALL or is a successful size
     * query" (PKCS#11 3.0, 5.8): refused, and the operation ends. */
    if (op->updated)
        return end(op, CKR_OPERATION_ACTIVE, 1);
    if (n > P11_LEN_MAX)
        return end(op, len_err(op), 1);
    size_t need;
    if (!op->whole && !op->pad && !is_stream(op) && n % op->block)
        return end(op, len_err(op), 1);
    if (op->pad && dir == OP_DECRYPT && (n % op->block || !n))
        return end(op, CKR_ENCRYPTED_DATA_LEN_RANGE, 1);
    if (is_kw(op)) {
        if ((rv = buffer(op, in, n)) != CKR_OK || (rv = final_size(op, &need)) != CKR_OK)
            return end(op, rv, 1);
        op->len = 0;   /* taken again below, after the size answer */
    } else if (op->whole) {
        size_t tl = is_aead(op) ? op->tag_len : 0;
        if (dir == OP_DECRYPT && n < tl)
            return end(op, CKR_ENCRYPTED_DATA_LEN_RANGE, 1);
        need = dir == OP_ENCRYPT ? n + tl : n - tl;
        if (is_whole(op) && n < op->nonce_len)
            return end(op, len_err(op), 1);
    } else if (op->pad) {
        need = dir == OP_ENCRYPT ? n / op->block * op->block + op->block : n;
    } else {
        need = n;
    }
    if (op->ctr_bounded && n > op->ctr_left)
        return end(op, len_err(op), 1);
    rv = p11_out(out, outn, need);
    if (rv != CKR_OK || !out)
        return end(op, rv, 0);
    size_t w = 0, f = 0;
    rv = do_update(op, in, n, out, &w);
    if (rv == CKR_OK)
        rv = final_size(op, &f);
    if (rv == CKR_OK)
        rv = do_final(op, out + w);
    if (rv == CKR_OK)
        *outn = w + (is_kw(op) ? op->kw_len : f);
    return end(op, rv, 1);
}

static CK_RV update(CK_SESSION_HANDLE hs, p11_dir dir, CK_BYTE_PTR in, CK_ULONG n,
                    CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    p11_crypt *op;
    CK_RV rv = get_op(hs, dir, &op);
    if (rv != CKR_OK)
        return rv;
    if ((!in && n) || !outn)
        return end(op, CKR_ARGUMENTS_BAD, 1);
    if (n > P11_LEN_MAX)
        return end(op, len_err(op), 1);
    rv = p11_out(out, outn, update_size(op, n));
    if (rv != CKR_OK || !out)
        return end(op, rv, 0);
    size_t w = 0;
    op->updated = 1;
    rv = do_update(op, in, n, out, &w);
    if (rv == CKR_OK)
        *outn = w;
    return end(op, rv, 0);
}

static CK_RV final(CK_SESSION_HANDLE hs, p11_dir dir, CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    p11_crypt *op;
    CK_RV rv = get_op(hs, dir, &op);
    if (rv != CKR_OK)
        return rv;
    if (!outn)
        return end(op, CKR_ARGUMENTS_BAD, 1);
    size_t need;
    if ((rv = final_size(op, &need)) != CKR_OK)
        return end(op, rv, 1);
    rv = p11_out(out, outn, need);
    if (rv != CKR_OK || !out)
        return end(op, rv, 0);
    rv = do_final(op, out);
    if (rv == CKR_OK && is_kw(op))
        *outn = op->kw_len;
    return end(op, rv, 1);
}

CK_RV C_EncryptInit(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hk)
{
    P11_LOCKED(m && p11_rsa_mech(m->mechanism) ? p11_rsa_init(hs, P11_RSA_ENCRYPT, m, hk)
                                               : init(hs, OP_ENCRYPT, m, hk));
}
CK_RV C_Encrypt(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR out,
                CK_ULONG_PTR outn)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_ENCRYPT) ? p11_rsa_crypt(hs, P11_RSA_ENCRYPT, in, n, out, outn)
                                                   : one_shot(hs, OP_ENCRYPT, in, n, out, outn));
}
CK_RV C_EncryptUpdate(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR out,
                      CK_ULONG_PTR outn)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_ENCRYPT) ? p11_rsa_no_multipart(hs, P11_RSA_ENCRYPT)
                                                   : update(hs, OP_ENCRYPT, in, n, out, outn));
}
CK_RV C_EncryptFinal(CK_SESSION_HANDLE hs, CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_ENCRYPT) ? p11_rsa_no_multipart(hs, P11_RSA_ENCRYPT)
                                                   : final(hs, OP_ENCRYPT, out, outn));
}
CK_RV C_DecryptInit(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hk)
{
    P11_LOCKED(m && p11_rsa_mech(m->mechanism) ? p11_rsa_init(hs, P11_RSA_DECRYPT, m, hk)
                                               : init(hs, OP_DECRYPT, m, hk));
}
CK_RV C_Decrypt(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR out,
                CK_ULONG_PTR outn)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_DECRYPT) ? p11_rsa_crypt(hs, P11_RSA_DECRYPT, in, n, out, outn)
                                                   : one_shot(hs, OP_DECRYPT, in, n, out, outn));
}
CK_RV C_DecryptUpdate(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR out,
                      CK_ULONG_PTR outn)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_DECRYPT) ? p11_rsa_no_multipart(hs, P11_RSA_DECRYPT)
                                                   : update(hs, OP_DECRYPT, in, n, out, outn));
}
CK_RV C_DecryptFinal(CK_SESSION_HANDLE hs, CK_BYTE_PTR out, CK_ULONG_PTR outn)
{
    P11_LOCKED(p11_rsa_active(hs, P11_RSA_DECRYPT) ? p11_rsa_no_multipart(hs, P11_RSA_DECRYPT)
                                                   : final(hs, OP_DECRYPT, out, outn));
}
