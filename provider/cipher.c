/* SPDX-License-Identifier: Apache-2.0 */
/* AES-ECB, -CBC, -CTR, -XTS and -CBC-CTS through algif_skcipher, with
 * EVP's semantics: padding for ECB/CBC (the last block held back on
 * decrypt), CTR as a stream, XTS one data unit per update, CTS one message
 * per init in the cts_mode's order (kc/cts.h).
 *
 * Every update is one kernel request: a partial block left over from the
 * previous update is joined to the new data in the caller's output buffer
 * (EVP sizes it for inl + one block) instead of costing a request of its
 * own. common/ carries the chaining IV from request to request.
 *
 * The key bytes stay in the context (cleansed on free): dupctx and the
 * software path for messages below the size floor need a second transform
 * with the same key, and so does a context made before fork() when the
 * child first uses it: the op socket it has is the parent's, so the child
 * keys one of its own and continues the message from the chaining state
 * kept here (the parent goes on with the original). When no socket can be
 * had (out of fds), the message continues in OpenSSL's default
 * implementation from the same point (sockets.c). */
#include "cipher.h"

#include <openssl/crypto.h>
#include <limits.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

static int is_block_mode(const kcp_cipher *k)
{
    return k->block > 1;
}

static size_t iv_len_of(kc_alg_id alg)
{
    return kc_alg(alg)->iv_size;
}

/* The table's mode class: stream modes (CTR, OFB, CFB) chain a keystream
 * position ("num"); whole-message modes (XTS) take one data unit per call. */
static int is_stream(kc_alg_id alg)
{
    return kc_alg(alg)->mode == KC_MODE_STREAM;
}

static int is_unit(kc_alg_id alg)
{
    return kc_alg(alg)->mode == KC_MODE_WHOLE;
}

/* cts_mode names, OpenSSL's (compared without case, as it does) */
static const char *const cts_names[] = { [KC_CTS_CS1] = OSSL_CIPHER_CTS_MODE_CS1,
                                         [KC_CTS_CS2] = OSSL_CIPHER_CTS_MODE_CS2,
                                         [KC_CTS_CS3] = OSSL_CIPHER_CTS_MODE_CS3 };

/* CBC ciphertext stealing: one update per message, tail order by cts_mode */
static int is_cts(kc_alg_id alg)
{
    return kc_alg(alg)->evp_mode == KC_EVP_CBC_CTS;
}

static int keystream_in_iv(kc_alg_id alg)
{
    /* OFB and CFB keep the unused keystream in the IV; CTR's IV is the next counter */
    return kc_alg(alg)->chain != KC_CHAIN_COUNTER;
}

void *kcp_cipher_newctx(void *provctx, int slot)
{
    kcp_prov *p = provctx;
    const kcp_slot *s = kcp_slot_get(slot);
    kcp_cipher *k = OPENSSL_zalloc(sizeof(*k));
    if (!k) {
        KCP_ERR(p, KCP_R_NOMEM, "cipher: out of memory");
        return NULL;
    }
    k->p = p;
    k->alg = s->alg;
    k->block = kc_alg(s->alg)->block_size;
    k->ivlen = kc_alg(s->alg)->iv_size;
    if (k->block == 0 || k->block > KCP_BLOCK_MAX || k->ivlen > KCP_BLOCK_MAX) {
        KCP_ERR(p, KCP_R_UNSUPPORTED, "%s: table sizes block %zu / IV %zu are not usable",
                kc_alg(s->alg)->name, k->block, k->ivlen);
        OPENSSL_free(k);
        return NULL;
    }
    k->keylen = s->keylen;
    k->pad = 1;
    k->cts = KC_CTS_CS1;   /* OpenSSL's default */
    kcp_expand_name(k->name, sizeof(k->name), kcp_names_of(s->alg)->name, s->bits);
    return k;
}

static void drop_soft(kcp_cipher *k)
{
    EVP_CIPHER_CTX_free(k->soft);
    k->soft = NULL;
}

static void drop_engine(kcp_cipher *k)
{
    EVP_CIPHER_CTX_free(k->engine);
    k->engine = NULL;
}

static void cipher_free(void *vctx)
{
    kcp_cipher *k = vctx;
    if (!k)
        return;
    kc_cipher_free(k->c);
    drop_soft(k);
    drop_engine(k);
    OPENSSL_clear_free(k, sizeof(*k));
}

/* Where the open kernel message of src stands, for k to continue it on a
 * socket of its own (k a copy of src, or src itself in a fork child): its
 * next request starts from src's chaining IV. */
static int carry_position(const kcp_cipher *src, kcp_cipher *k)
{
    if (!src->started || !iv_len_of(src->alg) || is_unit(src->alg))
        return 1;
    kc_error e;
    kc_error_clear(&e);
    if (kc_cipher_get_iv(src->c, k->iv, k->ivlen, &e) != KC_OK) {
        KCP_ERR_KC(src->p, &e, src->name);
        return 0;
    }
    size_t partial = (size_t)(src->ctr_bytes % k->ivlen);
    if (is_stream(src->alg) && partial) {
        /* common/ advanced the counter past the partly used block:
         * step back and regenerate the part already consumed */
        for (int i = (int)k->ivlen - 1; !keystream_in_iv(src->alg) && i >= 0 && k->iv[i]-- == 0;
             i--)
            ;
        k->ctr_skip = partial;
    }
    return 1;
}

/* In a fork child the kernel socket is the parent's: close this process's
 * copy unused and carry the message over to a socket of our own, keyed
 * from the bytes kept here when it is next needed. */
static int leave_parents_socket(kcp_cipher *k)
{
    if (!k->c || !kc_cipher_inherited(k->c))
        return 1;
    int ok = carry_position(k, k);
    kc_cipher_free(k->c);
    k->c = NULL;
    k->started = 0;
    return ok;
}

static void *cipher_dup(void *vctx)
{
    kcp_cipher *src = vctx;
    kcp_cipher *k = OPENSSL_memdup(src, sizeof(*src));
    if (!k) {
        KCP_ERR(src->p, KCP_R_NOMEM, "%s: out of memory", src->name);
        return NULL;
    }
    k->c = NULL;
    k->soft = NULL;
    k->engine = NULL;
    k->started = 0;
    k->bp.name = k->name;   /* its own, not the original's */
    if ((src->soft && (!(k->soft = EVP_CIPHER_CTX_new()) ||
                       !EVP_CIPHER_CTX_copy(k->soft, src->soft))) ||
        (src->engine && (!(k->engine = EVP_CIPHER_CTX_new()) ||
                         !EVP_CIPHER_CTX_copy(k->engine, src->engine)))) {
        cipher_free(k);
        KCP_ERR(src->p, KCP_R_SOFTWARE_FAILED, "%s: cannot copy the software context", src->name);
        return NULL;
    }
    /* the copy continues where the original is, on a socket of its own */
    if (!carry_position(src, k)) {
        cipher_free(k);
        return NULL;
    }
    return k;
}

static int set_key(kcp_cipher *k, const unsigned char *key, size_t keylen)
{
    if (keylen != k->keylen) {
        KCP_ERR(k->p, KCP_R_INVALID_KEY_LENGTH, "%s: key must be %zu bytes, got %zu", k->name,
                k->keylen, keylen);
        return 0;
    }
    if (kc_alg(k->alg)->key_parts == 2 && k->enc &&
        CRYPTO_memcmp(key, key + keylen / 2, keylen / 2) == 0) {
        /* IEEE 1619 forbids equal halves; OpenSSL refuses them for encryption */
        KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: the two halves of the XTS key are equal",
                k->name);
        return 0;
    }
    memcpy(k->key, key, keylen);
    k->key_set = 1;
    kc_cipher_free(k->c);
    k->c = NULL;
    k->started = 0;
    drop_engine(k);
    return 1;
}

static int cipher_set_ctx_params(void *vctx, const OSSL_PARAM params[]);

static int cipher_init(kcp_cipher *k, const unsigned char *key, size_t keylen,
                       const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[], int enc)
{
    k->enc = enc;
    if (k->started) {
        kc_error e;
        kc_error_clear(&e);
        kc_cipher_finish(k->c, &e);
        k->started = 0;
    }
    if (key && !set_key(k, key, keylen))
        return 0;
    if (iv && iv_len_of(k->alg)) {
        if (ivlen != iv_len_of(k->alg)) {
            KCP_ERR(k->p, KCP_R_INVALID_IV_LENGTH, "%s: IV must be %zu bytes, got %zu", k->name,
                    iv_len_of(k->alg), ivlen);
            return 0;
        }
        memcpy(k->oiv, iv, ivlen);
        k->iv_set = 1;
    }
    /* a new message; with no new IV, OpenSSL restarts from the last one given */
    memcpy(k->iv, k->oiv, sizeof(k->iv));
    /* the block size was checked at newctx: this cannot fail */
    kc_blockpad_init(&k->bp, k->name, k->block, enc, k->pad, NULL);
    k->ctr_bytes = 0;
    k->ctr_skip = 0;
    k->cts_done = 0;
    drop_soft(k);
    drop_engine(k);
    return cipher_set_ctx_params(k, params);
}

static int cipher_einit(void *vctx, const unsigned char *key, size_t keylen,
                        const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[])
{
    return cipher_init(vctx, key, keylen, iv, ivlen, params, 1);
}

static int cipher_dinit(void *vctx, const unsigned char *key, size_t keylen,
                        const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[])
{
    return cipher_init(vctx, key, keylen, iv, ivlen, params, 0);
}

int kcp_cipher_kernel_start(kcp_cipher *k)
{
    kc_error e;
    kc_error_clear(&e);
    if (!leave_parents_socket(k))
        return 0;
    if (k->started)
        return 1;
    if (!k->key_set) {
        KCP_ERR(k->p, KCP_R_BAD_STATE, "%s: no key set", k->name);
        return 0;
    }
    if (!k->c) {
        kc_key key = KC_KEY_RAW(k->key, k->keylen);
        if (kc_cipher_new(&k->c, k->alg, kcp_driver(k->p, k->alg), &key, &e) != KC_OK) {
            if (kcp_soft_instead(k->p, k->name, &e))
                return -1;
            KCP_ERR_KC(k->p, &e, k->name);
            return 0;
        }
        kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    }
    if (kc_cipher_start(k->c, k->enc, iv_len_of(k->alg) ? k->iv : NULL, iv_len_of(k->alg), &e) !=
        KC_OK) {
        KCP_ERR_KC(k->p, &e, k->name);
        return 0;
    }
    k->started = 1;
    if (k->ctr_skip && keystream_in_iv(k->alg)) {
        if (kc_cipher_set_num(k->c, k->ctr_skip, &e) != KC_OK) {
            KCP_ERR_KC(k->p, &e, k->name);
            return 0;
        }
        k->ctr_skip = 0;
    }
    if (k->ctr_skip) {
        unsigned char zeros[KCP_BLOCK_MAX] = { 0 }, junk[KCP_BLOCK_MAX];
        size_t n;
        kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
        if (kc_cipher_update(k->c, zeros, k->ctr_skip, junk, &n, &e) != KC_OK) {
            KCP_ERR_KC(k->p, &e, k->name);
            return 0;
        }
        OPENSSL_cleanse(junk, sizeof(junk));
        k->ctr_skip = 0;
    }
    return 1;
}

/* No socket for this message: its blocks continue in OpenSSL's default
 * implementation from the kernel's starting point (IV, CTR position). */
static int engine_start(kcp_cipher *k)
{
    const EVP_CIPHER *ciph = kcp_soft_cipher(k->p, k->alg, k->keylen);
    int n = 0;
    if (!ciph || !(k->engine = EVP_CIPHER_CTX_new()) ||
        !EVP_CipherInit_ex2(k->engine, ciph, k->key, iv_len_of(k->alg) ? k->iv : NULL, k->enc,
                            NULL) ||
        !EVP_CIPHER_CTX_set_padding(k->engine, 0)) {
        KCP_ERR(k->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation refused the setup",
                k->name);
        drop_engine(k);
        return 0;
    }
    if (k->ctr_skip && keystream_in_iv(k->alg)) {
        OSSL_PARAM num[2] = { OSSL_PARAM_construct_uint(OSSL_CIPHER_PARAM_NUM, &(unsigned){
                                  (unsigned)k->ctr_skip }),
                              OSSL_PARAM_construct_end() };
        if (!EVP_CIPHER_CTX_set_params(k->engine, num)) {
            KCP_ERR(k->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation refused num",
                    k->name);
            drop_engine(k);
            return 0;
        }
        k->ctr_skip = 0;
    }
    if (k->ctr_skip) {
        unsigned char zeros[KCP_BLOCK_MAX] = { 0 }, junk[KCP_BLOCK_MAX];
        int ok = EVP_CipherUpdate(k->engine, junk, &n, zeros, (int)k->ctr_skip);
        OPENSSL_cleanse(junk, sizeof(junk));
        if (!ok) {
            KCP_ERR(k->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", k->name);
            drop_engine(k);
            return 0;
        }
        k->ctr_skip = 0;
    }
    return 1;
}

static int engine_blocks(kcp_cipher *k, const unsigned char *in, size_t len, unsigned char *out)
{
    int n = 0;
    if (len > INT_MAX || !EVP_CipherUpdate(k->engine, out, &n, in, (int)len) ||
        (size_t)n != len) {
        KCP_ERR(k->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", k->name);
        return 0;
    }
    return 1;
}

int kcp_cipher_kernel_blocks(kcp_cipher *k, const unsigned char *in, size_t len,
                             unsigned char *out)
{
    kc_error e;
    kc_error_clear(&e);
    size_t n = 0;
    if (!len)
        return 1;
    if (k->engine)
        return engine_blocks(k, in, len, out);
    int r = kcp_cipher_kernel_start(k);
    if (r < 0)
        return engine_start(k) && engine_blocks(k, in, len, out);
    if (!r)
        return 0;
    kcp_count(KCP_ST_KERNEL_REQUESTS, (len + KCP_REQUEST_MAX - 1) / KCP_REQUEST_MAX);
    kcp_count(KCP_ST_CIPHER_OPS, 1);
    if (kc_cipher_update(k->c, in, len, out, &n, &e) != KC_OK) {
        KCP_ERR_KC(k->p, &e, k->name);
        return 0;
    }
    if (n != len) {
        KCP_ERR(k->p, KCP_R_KERNEL_FAILURE, "%s: kernel returned %zu of %zu bytes", k->name, n,
                len);
        return 0;
    }
    return 1;
}

/* A message below the floor, or an XTS unit beyond one kernel request, runs
 * in OpenSSL's default implementation from its start. */
static int soft_start(kcp_cipher *k, const char *why)
{
    const EVP_CIPHER *ciph;
    if (!kcp_soft_permitted(k->p, k->name, why) ||
        !(ciph = kcp_soft_cipher(k->p, k->alg, k->keylen)))
        return 0;
    if (!k->soft && !(k->soft = EVP_CIPHER_CTX_new()))
        return 0;
    if (!EVP_CipherInit_ex2(k->soft, ciph, k->key, iv_len_of(k->alg) ? k->iv : NULL, k->enc,
                            NULL) ||
        !EVP_CIPHER_CTX_set_padding(k->soft, k->pad)) {
        KCP_ERR(k->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation refused the setup",
                k->name);
        drop_soft(k);
        return 0;
    }
    kcp_count(KCP_ST_SOFTWARE_OPS, 1);
    return 1;
}

static int soft_update(kcp_cipher *k, unsigned char *out, size_t *outl, const unsigned char *in,
                       size_t inl)
{
    int n = 0;
    if (inl > INT_MAX || !EVP_CipherUpdate(k->soft, out, &n, in, (int)inl)) {
        KCP_ERR(k->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", k->name);
        return 0;
    }
    *outl = (size_t)n;
    if (is_stream(k->alg))
        k->ctr_bytes += inl;
    return 1;
}

/* The socket of a whole-message mode (XTS, CTS): 1 ready, 0 error raised,
 * -1 none to be had and software may serve. */
static int unit_socket(kcp_cipher *k)
{
    kc_error e;
    kc_error_clear(&e);
    if (!k->key_set) {
        KCP_ERR(k->p, KCP_R_BAD_STATE, "%s: no key set", k->name);
        return 0;
    }
    leave_parents_socket(k);
    if (!k->c) {
        kc_key key = KC_KEY_RAW(k->key, k->keylen);
        if (kc_cipher_new(&k->c, k->alg, kcp_driver(k->p, k->alg), &key, &e) != KC_OK) {
            if (kcp_soft_instead(k->p, k->name, &e))
                return -1;
            KCP_ERR_KC(k->p, &e, k->name);
            return 0;
        }
        kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    }
    return 1;
}

/* A CTS message in OpenSSL's default implementation, in the asked order;
 * cbc: EVP_Cipher's plain CBC. The chain continues from its IV. */
static int cts_soft(kcp_cipher *k, const char *why, unsigned char *out, const unsigned char *in,
                    size_t inl, int cbc)
{
    OSSL_PARAM mode[2] = { OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE,
                                                            (char *)cts_names[k->cts], 0),
                           OSSL_PARAM_construct_end() };
    int n = 0;
    int ok = soft_start(k, why);
    if (ok && (!EVP_CIPHER_CTX_set_params(k->soft, mode) || inl > INT_MAX ||
               (cbc ? EVP_Cipher(k->soft, out, in, (unsigned)inl) != (int)inl
                    : !EVP_CipherUpdate(k->soft, out, &n, in, (int)inl) || (size_t)n != inl))) {
        KCP_ERR(k->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", k->name);
        ok = 0;
    }
    if (ok)
        EVP_CIPHER_CTX_get_updated_iv(k->soft, k->iv, k->ivlen);
    drop_soft(k);
    return ok;
}

/* One CBC-CTS message: the kernel's cts() gives CS3; the tail is put in
 * the order asked for (kc/cts.h) after encrypting, and in CS3 order, in
 * the output buffer, before decrypting. The IV then is the last CBC block
 * Cn, as OpenSSL leaves it. cbc: EVP_Cipher's plain CBC (CS1 on whole blocks). */
static int cts_message(kcp_cipher *k, unsigned char *out, const unsigned char *in, size_t inl,
                       int cbc)
{
    kc_cts_order order = cbc ? KC_CTS_CS1 : k->cts;
    if (inl < k->block) {
        KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: a message needs at least %zu bytes, got %zu",
                k->name, k->block, inl);
        return 0;
    }
    int below = inl < k->p->conf.min_size;
    if (inl > KCP_REQUEST_MAX || below)
        return cts_soft(k, below ? "message below min-size"
                                 : "message larger than one kernel request", out, in, inl, cbc);
    int r = unit_socket(k);
    if (r < 0)
        return cts_soft(k, "no kernel socket", out, in, inl, cbc);
    if (!r)
        return 0;
    size_t cn = kc_cts_last_block_at(inl, k->block);
    unsigned char next_iv[KCP_BLOCK_MAX];
    const unsigned char *src = in;
    if (!k->enc) {
        memmove(out, in, inl);
        kc_cts_reorder(out, inl, k->block, order, 1);
        memcpy(next_iv, out + cn, k->block);
        src = out;
    }
    kc_error e;
    kc_error_clear(&e);
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    kcp_count(KCP_ST_CIPHER_OPS, 1);
    if (kc_cipher_oneshot(k->c, k->enc, k->iv, k->ivlen, src, inl, out, &e) != KC_OK) {
        KCP_ERR_KC(k->p, &e, k->name);
        return 0;
    }
    if (k->enc) {
        memcpy(next_iv, out + cn, k->block);
        kc_cts_reorder(out, inl, k->block, order, 0);
    }
    memcpy(k->iv, next_iv, k->block);
    return 1;
}

/* CTS's update: the whole message in one call, as OpenSSL takes it (a
 * second update before a new init is refused); a NULL output asks the size. */
static int cts_update(kcp_cipher *k, unsigned char *out, size_t *outl, size_t outsize,
                      const unsigned char *in, size_t inl)
{
    if (inl < k->block) {
        KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: a message needs at least %zu bytes, got %zu",
                k->name, k->block, inl);
        return 0;
    }
    if (outsize < inl) {
        KCP_ERR(k->p, KCP_R_OUTPUT_TOO_SMALL, "%s: output needs %zu bytes, have %zu", k->name,
                inl, outsize);
        return 0;
    }
    if (!out) {
        *outl = inl;
        return 1;
    }
    if (k->cts_done) {
        KCP_ERR(k->p, KCP_R_BAD_STATE, "%s takes the whole message in one update", k->name);
        return 0;
    }
    if (!cts_message(k, out, in, inl, 0))
        return 0;
    k->cts_done = 1;
    *outl = inl;
    return 1;
}

static int xts_unit(kcp_cipher *k, unsigned char *out, const unsigned char *in, size_t inl)
{
    if (!k->iv_set) {
        /* the tweak is the data unit's number: no default, as in OpenSSL */
        KCP_ERR(k->p, KCP_R_BAD_STATE, "%s: no IV (tweak) set", k->name);
        return 0;
    }
    if (inl < k->ivlen) {
        KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: a data unit needs at least %zu bytes, got %zu",
                k->name, k->ivlen, inl);
        return 0;
    }
    if (inl > ((size_t)1 << 24)) {
        KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: data unit of %zu bytes exceeds 2^20 blocks",
                k->name, inl);
        return 0;
    }
    /* OpenSSL has no AES-192-XTS: min-size cannot send it to software */
    int below = inl < k->p->conf.min_size && k->keylen != 48;
    if (inl > KCP_REQUEST_MAX || below) {
        size_t n;
        int ok = soft_start(k, below ? "message below min-size"
                                     : "data unit larger than one kernel request") &&
                 soft_update(k, out, &n, in, inl);
        drop_soft(k);
        return ok;
    }
    int r = unit_socket(k);
    if (r < 0) {
        size_t n;
        int ok = soft_start(k, "no kernel socket") && soft_update(k, out, &n, in, inl);
        drop_soft(k);
        return ok;
    }
    if (!r)
        return 0;
    kc_error e;
    kc_error_clear(&e);
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    kcp_count(KCP_ST_CIPHER_OPS, 1);
    if (kc_cipher_oneshot(k->c, k->enc, k->oiv, k->ivlen, in, inl, out, &e) != KC_OK) {
        KCP_ERR_KC(k->p, &e, k->name);
        return 0;
    }
    return 1;
}

/* The cipher function of common/'s block holder: whole blocks through the
 * kernel message (or the software engine); an error is raised already. */
static kc_status holder_blocks(void *ctx, const unsigned char *in, size_t len,
                               unsigned char *out, kc_error *err)
{
    if (kcp_cipher_kernel_blocks(ctx, in, len, out))
        return KC_OK;
    return kc_fail(err, KC_ERR_KERNEL, 0, "raised");
}

/* ECB/CBC: whole blocks to the kernel in one request, the rest held (and,
 * decrypting with padding, the last whole block until final): kc/blockpad.h */
static int block_update(kcp_cipher *k, unsigned char *out, size_t *outl, size_t outsize,
                        const unsigned char *in, size_t inl)
{
    size_t n = kc_blockpad_update_len(&k->bp, inl);
    kc_error e;
    kc_error_clear(&e);
    *outl = 0;
    if (outsize < n) {
        KCP_ERR(k->p, KCP_R_OUTPUT_TOO_SMALL, "%s: output needs %zu bytes, have %zu", k->name, n,
                outsize);
        return 0;
    }
    return kc_blockpad_update(&k->bp, in, inl, out, outl, holder_blocks, k, &e) == KC_OK;
}

static int cipher_update(void *vctx, unsigned char *out, size_t *outl, size_t outsize,
                         const unsigned char *in, size_t inl)
{
    kcp_cipher *k = vctx;
    *outl = 0;
    if (k->tlsversion)
        return kcp_cipher_tls_record(k, out, outl, outsize, in, inl);
    if (!inl && !is_unit(k->alg))   /* XTS: an empty unit is refused, as in OpenSSL */
        return 1;
    if (!k->key_set) {
        KCP_ERR(k->p, KCP_R_BAD_STATE, "%s: no key set", k->name);
        return 0;
    }
    if (is_cts(k->alg))
        return cts_update(k, out, outl, outsize, in, inl);
    if (is_unit(k->alg)) {
        if (outsize < inl) {
            KCP_ERR(k->p, KCP_R_OUTPUT_TOO_SMALL, "%s: output too small", k->name);
            return 0;
        }
        if (!xts_unit(k, out, in, inl))
            return 0;
        *outl = inl;
        return 1;
    }
    if (!k->started && !k->soft && kc_blockpad_held(&k->bp) == 0 && k->ctr_bytes == 0 &&
        inl < k->p->conf.min_size && !soft_start(k, "message below min-size"))
        return 0;
    if (k->soft)
        return soft_update(k, out, outl, in, inl);
    if (is_stream(k->alg)) {
        if (outsize < inl) {
            KCP_ERR(k->p, KCP_R_OUTPUT_TOO_SMALL, "%s: output too small", k->name);
            return 0;
        }
        if (!kcp_cipher_kernel_blocks(k, in, inl, out))
            return 0;
        k->ctr_bytes += inl;
        *outl = inl;
        return 1;
    }
    return block_update(k, out, outl, outsize, in, inl);
}

/* CTR: the counter after a partly used block has already moved past it;
 * step back so the next message regenerates that block and drops the part
 * used, as OpenSSL's "num" continues the keystream. */
static void ctr_resume_partial(kcp_cipher *k)
{
    if (!is_stream(k->alg))
        return;
    size_t partial = (size_t)(k->ctr_bytes % k->ivlen);
    if (!partial)
        return;
    for (int i = (int)k->ivlen - 1; !keystream_in_iv(k->alg) && i >= 0 && k->iv[i]-- == 0; i--)
        ;
    k->ctr_skip = partial;
}

/* Leave the kernel message and remember the IV that continues it, as
 * OpenSSL's own contexts keep chaining after final. */
static void kernel_finish(kcp_cipher *k)
{
    if (k->engine) {
        if (iv_len_of(k->alg))
            EVP_CIPHER_CTX_get_updated_iv(k->engine, k->iv, k->ivlen);
        drop_engine(k);
    }
    if (!k->started)
        return;
    kc_error e;
    kc_error_clear(&e);
    if (iv_len_of(k->alg))
        kc_cipher_get_iv(k->c, k->iv, k->ivlen, &e);
    kc_cipher_finish(k->c, &e);
    k->started = 0;
    ctr_resume_partial(k);
}

/* The same after a message in the software twin: the next update (on
 * either path) continues its chain and keystream instead of restarting. */
static void soft_finish(kcp_cipher *k)
{
    if (iv_len_of(k->alg) &&
        EVP_CIPHER_CTX_get_updated_iv(k->soft, k->iv, k->ivlen))
        ctr_resume_partial(k);
    drop_soft(k);
}

static int cipher_final(void *vctx, unsigned char *out, size_t *outl, size_t outsize)
{
    kcp_cipher *k = vctx;
    *outl = 0;
    if (k->tlsversion || is_unit(k->alg))
        return 1;
    if (k->soft) {
        int n = 0;
        int ok = EVP_CipherFinal_ex(k->soft, out, &n);
        soft_finish(k);
        if (!ok) {
            KCP_ERR(k->p, k->enc ? KCP_R_SOFTWARE_FAILED : KCP_R_BAD_DECRYPT,
                    "%s: final failed (bad padding or length)", k->name);
            return 0;
        }
        *outl = (size_t)n;
        return 1;
    }
    if (is_stream(k->alg)) {
        kernel_finish(k);
        return 1;
    }
    if (k->enc && k->pad && outsize < k->block) {
        KCP_ERR(k->p, KCP_R_OUTPUT_TOO_SMALL, "%s: final needs %zu bytes", k->name, k->block);
        return 0;
    }
    unsigned char blk[KCP_BLOCK_MAX];
    size_t n = 0;
    kc_error e;
    kc_error_clear(&e);
    kc_status st = kc_blockpad_final(&k->bp, blk, &n, holder_blocks, k, &e);
    int ok = st == KC_OK;
    if (st == KC_ERR_AUTH) {
        KCP_ERR(k->p, KCP_R_BAD_DECRYPT, "%s: bad decrypt (padding)", k->name);
    } else if (st == KC_ERR_INVALID_ARG) {
        KCP_ERR(k->p, k->pad ? KCP_R_BAD_DECRYPT : KCP_R_INVALID_ARGUMENT, "%s", e.msg);
    } else if (ok && outsize < n) {
        KCP_ERR(k->p, KCP_R_OUTPUT_TOO_SMALL, "%s: output too small", k->name);
        ok = 0;
    }
    if (ok) {
        memcpy(out, blk, n);
        *outl = n;
    }
    OPENSSL_cleanse(blk, sizeof(blk));
    kernel_finish(k);
    return ok;
}

/* EVP_Cipher: whole blocks, no padding, no buffering. */
static int cipher_cipher(void *vctx, unsigned char *out, size_t *outl, size_t outsize,
                         const unsigned char *in, size_t inl)
{
    kcp_cipher *k = vctx;
    *outl = 0;
    if (k->tlsversion)
        return kcp_cipher_tls_record(k, out, outl, outsize, in, inl);
    if (outsize < inl) {
        KCP_ERR(k->p, KCP_R_OUTPUT_TOO_SMALL, "%s: output too small", k->name);
        return 0;
    }
    if (!inl && !is_unit(k->alg))
        return 1;
    if (is_cts(k->alg)) {
        /* OpenSSL's EVP_Cipher on a CTS context is plain CBC, chained,
         * whole blocks (it writes past a partial one: refused here); CBC
         * is CS1's order on whole blocks */
        if (!inl)
            return 1;
        if (inl % k->block) {
            KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: %zu bytes is not a whole number of blocks",
                    k->name, inl);
            return 0;
        }
        if (!cts_message(k, out, in, inl, 1))
            return 0;
    } else if (is_unit(k->alg)) {
        if (!xts_unit(k, out, in, inl))
            return 0;
    } else {
        if (is_block_mode(k) && inl % k->block) {
            KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: %zu bytes is not a whole number of blocks",
                    k->name, inl);
            return 0;
        }
        if (!kcp_cipher_kernel_blocks(k, in, inl, out))
            return 0;
        k->ctr_bytes += inl;
    }
    *outl = inl;
    return 1;
}

static const OSSL_PARAM cipher_gettable_ctx_list[] = {
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_PADDING, NULL),
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_NUM, NULL),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_IV, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_UPDATED_IV, NULL, 0),
    OSSL_PARAM_octet_ptr(OSSL_CIPHER_PARAM_TLS_MAC, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_RANDOM_KEY, NULL, 0),
    OSSL_PARAM_END
};

static const OSSL_PARAM cipher_settable_ctx_list[] = {
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_PADDING, NULL),
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_NUM, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_TLS_VERSION, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_TLS_MAC_SIZE, NULL),
    OSSL_PARAM_END
};

/* CBC-CTS: the default provider's lists, with cts_mode */
static const OSSL_PARAM cts_gettable_ctx_list[] = {
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_PADDING, NULL),
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_NUM, NULL),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_IV, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_UPDATED_IV, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE, NULL, 0),
    OSSL_PARAM_END
};

static const OSSL_PARAM cts_settable_ctx_list[] = {
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_PADDING, NULL),
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_NUM, NULL),
    OSSL_PARAM_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE, NULL, 0),
    OSSL_PARAM_END
};

static const OSSL_PARAM *cipher_gettable_ctx(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return cipher_gettable_ctx_list;
}

static const OSSL_PARAM *cipher_settable_ctx(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return cipher_settable_ctx_list;
}

static const OSSL_PARAM *cts_gettable_ctx(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return cts_gettable_ctx_list;
}

static const OSSL_PARAM *cts_settable_ctx(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return cts_settable_ctx_list;
}

static int set_cts_mode(kcp_cipher *k, const OSSL_PARAM *q)
{
    for (int o = KC_CTS_CS1; o <= KC_CTS_CS3; o++)
        if (q->data_type == OSSL_PARAM_UTF8_STRING && q->data &&
            OPENSSL_strcasecmp(q->data, cts_names[o]) == 0) {
            k->cts = (kc_cts_order)o;
            return 1;
        }
    KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: cts_mode must be CS1, CS2 or CS3", k->name);
    return 0;
}

static int set_iv_param(OSSL_PARAM *q, const unsigned char *iv, size_t len)
{
    return OSSL_PARAM_set_octet_string(q, iv, len) || OSSL_PARAM_set_octet_ptr(q, iv, len);
}

static int is_des3(kc_alg_id alg)
{
    return alg == KC_DES3_ECB || alg == KC_DES3_CBC;
}

/* EVP_CIPHER_CTX_rand_key: as the default provider's DES ciphers, a random
 * key with each byte's low bit set for odd parity. Only DES has one. */
static int des3_random_key(kcp_cipher *k, OSSL_PARAM *q)
{
    unsigned char *key = q->data;
    if (!is_des3(k->alg) || q->data_type != OSSL_PARAM_OCTET_STRING || !key ||
        q->data_size < k->keylen) {
        KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: no random key of %zu bytes here", k->name,
                k->keylen);
        return 0;
    }
    if (!kcp_getrandom(key, k->keylen)) {
        KCP_ERR(k->p, KCP_R_KERNEL_FAILURE, "%s: getrandom failed", k->name);
        return 0;
    }
    for (size_t i = 0; i < k->keylen; i++)
        key[i] = (unsigned char)((key[i] & 0xfe) | !(__builtin_popcount(key[i] & 0xfe) & 1));
    q->return_size = k->keylen;
    return 1;
}

static int cipher_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
    kcp_cipher *k = vctx;
    OSSL_PARAM *q;
    size_t ivlen = iv_len_of(k->alg);
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN)) &&
        !OSSL_PARAM_set_size_t(q, k->keylen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN)) && !OSSL_PARAM_set_size_t(q, ivlen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_PADDING)) &&
        !OSSL_PARAM_set_uint(q, (unsigned)k->pad))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_NUM)) &&
        !OSSL_PARAM_set_uint(q, (unsigned)(is_stream(k->alg) ? k->ctr_bytes % k->ivlen : 0)))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IV)) && ivlen &&
        !set_iv_param(q, k->oiv, ivlen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_UPDATED_IV)) && ivlen) {
        unsigned char cur[KCP_BLOCK_MAX];
        memcpy(cur, k->iv, sizeof(cur));
        if (k->engine) {
            EVP_CIPHER_CTX_get_updated_iv(k->engine, cur, ivlen);
        } else if (k->started && !is_unit(k->alg)) {
            kc_error e;
            kc_error_clear(&e);
            kc_cipher_get_iv(k->c, cur, ivlen, &e);
        } else if (k->soft) {
            EVP_CIPHER_CTX_get_updated_iv(k->soft, cur, ivlen);
        }
        if (!set_iv_param(q, cur, ivlen))
            return 0;
    }
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_CTS_MODE)) && is_cts(k->alg) &&
        !OSSL_PARAM_set_utf8_string(q, cts_names[k->cts]))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_TLS_MAC)) &&
        !OSSL_PARAM_set_octet_ptr(q, k->have_tlsmac ? k->tlsmac : NULL, k->tlsmacsize))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_RANDOM_KEY)) &&
        !des3_random_key(k, q))
        return 0;
    return 1;
}

static int cipher_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    kcp_cipher *k = vctx;
    const OSSL_PARAM *q;
    unsigned u;
    size_t sz;
    if (!params)
        return 1;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_PADDING))) {
        if (!OSSL_PARAM_get_uint(q, &u))
            return 0;
        k->pad = u != 0;
        kc_blockpad_set_padding(&k->bp, k->pad);
        if (k->soft)
            EVP_CIPHER_CTX_set_padding(k->soft, k->pad);
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_NUM))) {
        if (!OSSL_PARAM_get_uint(q, &u))
            return 0;
        if (u != (is_stream(k->alg) ? k->ctr_bytes % k->ivlen : 0)) {
            KCP_ERR(k->p, KCP_R_UNSUPPORTED, "%s: moving the stream position (num) is not supported",
                    k->name);
            return 0;
        }
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_CTS_MODE)) && is_cts(k->alg) &&
        !set_cts_mode(k, q))
        return 0;
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_KEYLEN))) {
        if (!OSSL_PARAM_get_size_t(q, &sz))
            return 0;
        if (sz != k->keylen) {
            KCP_ERR(k->p, KCP_R_INVALID_KEY_LENGTH, "%s: key length is fixed at %zu", k->name,
                    k->keylen);
            return 0;
        }
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_TLS_VERSION))) {
        if (!OSSL_PARAM_get_uint(q, &u))
            return 0;
        if (k->alg != KC_AES_CBC) {
            KCP_ERR(k->p, KCP_R_UNSUPPORTED, "%s: TLS records need CBC", k->name);
            return 0;
        }
        k->tlsversion = u;
        /* the stand-in MAC for records with bad padding; one getrandom per
         * connection rather than per record */
        if (!kcp_getrandom(k->randmac, sizeof(k->randmac))) {
            KCP_ERR(k->p, KCP_R_KERNEL_FAILURE, "%s: getrandom failed", k->name);
            return 0;
        }
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_TLS_MAC_SIZE))) {
        if (!OSSL_PARAM_get_size_t(q, &sz))
            return 0;
        if (sz > KCP_MAX_MAC) {
            KCP_ERR(k->p, KCP_R_INVALID_ARGUMENT, "%s: TLS MAC of %zu bytes", k->name, sz);
            return 0;
        }
        k->tlsmacsize = sz;
    }
    return 1;
}

static const OSSL_PARAM cipher_gettable_list[] = {
    OSSL_PARAM_uint(OSSL_CIPHER_PARAM_MODE, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_BLOCK_SIZE, NULL),
    OSSL_PARAM_int(OSSL_CIPHER_PARAM_AEAD, NULL),
    OSSL_PARAM_int(OSSL_CIPHER_PARAM_CUSTOM_IV, NULL),
    OSSL_PARAM_int(OSSL_CIPHER_PARAM_CTS, NULL),
    OSSL_PARAM_int(OSSL_CIPHER_PARAM_TLS1_MULTIBLOCK, NULL),
    OSSL_PARAM_int(OSSL_CIPHER_PARAM_HAS_RAND_KEY, NULL),
    OSSL_PARAM_END
};

const OSSL_PARAM *kcp_cipher_gettable_params(void *provctx)
{
    (void)provctx;
    return cipher_gettable_list;
}

int kcp_cipher_generic_get_params(OSSL_PARAM params[], unsigned mode, size_t keylen,
                                  size_t blocksize, size_t ivlen, int aead, int custom_iv)
{
    OSSL_PARAM *q;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_MODE)) && !OSSL_PARAM_set_uint(q, mode))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN)) &&
        !OSSL_PARAM_set_size_t(q, keylen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN)) && !OSSL_PARAM_set_size_t(q, ivlen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_BLOCK_SIZE)) &&
        !OSSL_PARAM_set_size_t(q, blocksize))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_AEAD)) && !OSSL_PARAM_set_int(q, aead))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_CUSTOM_IV)) &&
        !OSSL_PARAM_set_int(q, custom_iv))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_CTS)) && !OSSL_PARAM_set_int(q, 0))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_TLS1_MULTIBLOCK)) &&
        !OSSL_PARAM_set_int(q, 0))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_HAS_RAND_KEY)) &&
        !OSSL_PARAM_set_int(q, 0))
        return 0;
    return 1;
}

int kcp_cipher_get_params(int slot, OSSL_PARAM params[])
{
    const kcp_slot *s = kcp_slot_get(slot);
    size_t bs = kc_alg(s->alg)->block_size;
    OSSL_PARAM *q;
    if (!kcp_cipher_generic_get_params(params, kcp_evp_mode(kc_alg(s->alg)->evp_mode), s->keylen,
                                       bs, iv_len_of(s->alg), 0, kc_alg(s->alg)->iv_required))
        return 0;
    /* the default provider's DES ciphers make random keys (des3_random_key) */
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_HAS_RAND_KEY)) &&
        !OSSL_PARAM_set_int(q, is_des3(s->alg)))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_CTS)) &&
        !OSSL_PARAM_set_int(q, is_cts(s->alg)))
        return 0;
    return 1;
}

const OSSL_DISPATCH kcp_cipher_functions[] = {
    { OSSL_FUNC_CIPHER_FREECTX, (void (*)(void))cipher_free },
    { OSSL_FUNC_CIPHER_DUPCTX, (void (*)(void))cipher_dup },
    { OSSL_FUNC_CIPHER_ENCRYPT_INIT, (void (*)(void))cipher_einit },
    { OSSL_FUNC_CIPHER_DECRYPT_INIT, (void (*)(void))cipher_dinit },
    { OSSL_FUNC_CIPHER_UPDATE, (void (*)(void))cipher_update },
    { OSSL_FUNC_CIPHER_FINAL, (void (*)(void))cipher_final },
    { OSSL_FUNC_CIPHER_CIPHER, (void (*)(void))cipher_cipher },
    { OSSL_FUNC_CIPHER_GETTABLE_PARAMS, (void (*)(void))kcp_cipher_gettable_params },
    { OSSL_FUNC_CIPHER_GET_CTX_PARAMS, (void (*)(void))cipher_get_ctx_params },
    { OSSL_FUNC_CIPHER_SET_CTX_PARAMS, (void (*)(void))cipher_set_ctx_params },
    { OSSL_FUNC_CIPHER_GETTABLE_CTX_PARAMS, (void (*)(void))cipher_gettable_ctx },
    { OSSL_FUNC_CIPHER_SETTABLE_CTX_PARAMS, (void (*)(void))cipher_settable_ctx },
    { 0, NULL }
};

/* CBC-CTS: the same functions, the lists with cts_mode */
const OSSL_DISPATCH kcp_cipher_cts_functions[] = {
    { OSSL_FUNC_CIPHER_FREECTX, (void (*)(void))cipher_free },
    { OSSL_FUNC_CIPHER_DUPCTX, (void (*)(void))cipher_dup },
    { OSSL_FUNC_CIPHER_ENCRYPT_INIT, (void (*)(void))cipher_einit },
    { OSSL_FUNC_CIPHER_DECRYPT_INIT, (void (*)(void))cipher_dinit },
    { OSSL_FUNC_CIPHER_UPDATE, (void (*)(void))cipher_update },
    { OSSL_FUNC_CIPHER_FINAL, (void (*)(void))cipher_final },
    { OSSL_FUNC_CIPHER_CIPHER, (void (*)(void))cipher_cipher },
    { OSSL_FUNC_CIPHER_GETTABLE_PARAMS, (void (*)(void))kcp_cipher_gettable_params },
    { OSSL_FUNC_CIPHER_GET_CTX_PARAMS, (void (*)(void))cipher_get_ctx_params },
    { OSSL_FUNC_CIPHER_SET_CTX_PARAMS, (void (*)(void))cipher_set_ctx_params },
    { OSSL_FUNC_CIPHER_GETTABLE_CTX_PARAMS, (void (*)(void))cts_gettable_ctx },
    { OSSL_FUNC_CIPHER_SETTABLE_CTX_PARAMS, (void (*)(void))cts_settable_ctx },
    { 0, NULL }
};
