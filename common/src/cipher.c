/* SPDX-License-Identifier: Apache-2.0 */
/* Block cipher contexts. Each request is self-contained (op and IV in the
 * sendmsg), so the IV that continues a message is computed here, by the
 * table's chaining rule: CBC and CFB take the last ciphertext block, CTR
 * adds the blocks used to the counter, OFB takes the last keystream block.
 * Mid-block, a stream mode's IV is what OpenSSL's is (CTR: the next
 * counter; OFB: the keystream block; CFB: the ciphertext so far followed by
 * the unused keystream), so the pair (IV, bytes used) resumes anywhere. */
#include "kc/cipher.h"
#include "kc/blockpad.h"
#include "afalg.h"
#include "fork_guard.h"
#include "tfm_internal.h"

#include <errno.h>
#include <linux/if_alg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for the largest block/IV in the table; kc_cipher_new refuses an
 * entry that does not fit rather than truncating it. */
#define BLOCK_MAX 16

struct kc_cipher {
    int fd;
    unsigned gen;
    const kc_alg_info *alg;
    int started;
    int encrypt;
    int whole_done;                 /* XTS/CTS: the one update happened */
    size_t block;                   /* ECB/CBC: the table's block size (padding unit) */
    size_t ctr_block;               /* stream/whole modes: the underlying block, the IV size */
    unsigned char iv[BLOCK_MAX];
    kc_blockpad held;               /* ECB/CBC input short of a block (no padding here) */
    unsigned char keystream[BLOCK_MAX]; /* stream modes: keystream of the last block */
    size_t ks_used;                 /* ctr_block when none is left */
};

static int is_whole_message_mode(const kc_alg_info *a)
{
    return a->mode == KC_MODE_WHOLE;
}

static int is_stream_mode(const kc_alg_info *a)
{
    return a->mode == KC_MODE_STREAM;
}

/* The sizes come from the one table; an entry whose sizes this code cannot
 * hold or that contradict each other is an error, never a silent default. */
static kc_status check_sizes(const kc_alg_info *a, kc_error *err)
{
    int stream = is_stream_mode(a), whole = is_whole_message_mode(a);
    /* whole-message modes: block 1 (XTS) or the chaining block (CTS) */
    if (a->block_size == 0 || a->block_size > BLOCK_MAX || a->iv_size > BLOCK_MAX ||
        ((stream || whole) && a->iv_size == 0) || (stream && a->block_size != 1) ||
        (!stream && a->block_size != 1 && a->iv_size && a->iv_size != a->block_size))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "%s: table sizes block %zu / IV %zu are not usable", a->name,
                       a->block_size, a->iv_size);
    return KC_OK;
}

static kc_status wrap_fd(kc_cipher **out, int fd, const kc_alg_info *a, kc_error *err)
{
    kc_cipher *c = calloc(1, sizeof(*c));
    if (!c) {
        close(fd);
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", a->name);
    }
    c->fd = fd;
    c->alg = a;
    c->gen = kc_fork_generation();
    c->block = a->block_size;
    c->ctr_block = a->iv_size;
    c->ks_used = c->ctr_block;
    *out = c;
    return KC_OK;
}

kc_status kc_cipher_new(kc_cipher **out, kc_alg_id alg, const char *driver, const kc_key *key,
                        kc_error *err)
{
    const kc_alg_info *a = kc_alg(alg);
    *out = NULL;
    if (!a || a->kind != KC_KIND_SKCIPHER)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "algorithm %d is not a block cipher mode",
                       (int)alg);
    if (check_sizes(a, err) != KC_OK)
        return err ? err->status : KC_ERR_INVALID_ARG;
    int fd = kc_open_op(alg, driver, key, 0, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    return wrap_fd(out, fd, a, err);
}

kc_status kc_cipher_from_tfm(kc_cipher **out, kc_tfm *tfm, kc_error *err)
{
    const kc_alg_info *a = kc_alg(kc_tfm_alg(tfm));
    *out = NULL;
    if (a->kind != KC_KIND_SKCIPHER)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s is not a block cipher mode", a->name);
    if (check_sizes(a, err) != KC_OK)
        return err ? err->status : KC_ERR_INVALID_ARG;
    int fd = kc_tfm_accept(tfm, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    return wrap_fd(out, fd, a, err);
}

kc_status kc_cipher_start(kc_cipher *c, int encrypt, const unsigned char *iv, size_t iv_len,
                          kc_error *err)
{
    if (kc_forked(c->gen))
        return kc_fail(err, KC_ERR_FORKED, 0, "%s: context was created before fork()",
                       c->alg->name);
    if (iv_len != c->alg->iv_size || (iv_len && !iv))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: IV must be %zu bytes, not %zu",
                       c->alg->name, c->alg->iv_size, iv_len);
    if (kc_blockpad_init(&c->held, c->alg->name, c->block, encrypt, 0, err) != KC_OK)
        return err ? err->status : KC_ERR_INVALID_ARG;
    c->started = 1;
    c->encrypt = encrypt;
    c->whole_done = 0;
    c->ks_used = c->ctr_block;
    memset(c->iv, 0, sizeof(c->iv));
    if (iv_len)
        memcpy(c->iv, iv, iv_len);
    return KC_OK;
}

static void counter_add(unsigned char *ctr, size_t len, size_t blocks)
{
    /* big-endian counter over the whole IV, as the kernel's ctr() and OpenSSL use */
    unsigned long long carry = blocks;
    for (int i = (int)len - 1; i >= 0 && carry; i--) {
        carry += ctr[i];
        ctr[i] = (unsigned char)carry;
        carry >>= 8;
    }
}

/* One kernel request: the iovecs in total `len` bytes, output likewise. */
static kc_status request(kc_cipher *c, const struct iovec *in, int nin, struct iovec *out,
                         int nout, kc_error *err)
{
    int op = c->encrypt ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
    int r = kc_afalg_request(c->fd, op, c->alg->iv_size ? c->iv : NULL, c->alg->iv_size, -1, in,
                             nin, out, nout);
    if (r < 0)
        return kc_fail_errno(err, -r, c->alg->name, c->encrypt ? "encrypt" : "decrypt");
    return KC_OK;
}

/* ECB/CBC: whole blocks, in requests of at most KC_REQUEST_MAX, each
 * chaining from the last (CBC). */
static kc_status whole_blocks(void *ctx, const unsigned char *in, size_t len,
                              unsigned char *out, kc_error *err)
{
    kc_cipher *c = ctx;
    const size_t block = c->block;
    int chains = c->alg->iv_size != 0; /* CBC; check_sizes made iv_size == block */
    while (len) {
        size_t chunk = len > KC_REQUEST_MAX ? KC_REQUEST_MAX : len;
        unsigned char next_iv[BLOCK_MAX];
        /* decrypt chains on the last input block: save it, out may alias in */
        if (!c->encrypt && chains)
            memcpy(next_iv, in + chunk - block, block);
        struct iovec src = { (void *)in, chunk }, dst = { out, chunk };
        kc_status s = request(c, &src, 1, &dst, 1, err);
        if (s != KC_OK)
            return s;
        if (chains)
            memcpy(c->iv, c->encrypt ? out + chunk - block : next_iv, block);
        in += chunk;
        out += chunk;
        len -= chunk;
    }
    return KC_OK;
}

/* ECB/CBC: whole blocks go to the kernel, a partial tail is held back. */
static kc_status update_blocks(kc_cipher *c, const unsigned char *in, size_t in_len,
                               unsigned char *out, size_t *out_len, kc_error *err)
{
    return kc_blockpad_update(&c->held, in, in_len, out, out_len, whole_blocks, c, err);
}

/* A stream mode's IV after the whole blocks last_in -> last_out. */
static void chain_blocks(kc_cipher *c, const unsigned char *last_in,
                         const unsigned char *last_out, size_t blocks)
{
    const size_t block = c->ctr_block;
    switch (c->alg->chain) {
    case KC_CHAIN_COUNTER:
        counter_add(c->iv, block, blocks);
        break;
    case KC_CHAIN_KEYSTREAM:
        for (size_t i = 0; i < block; i++)
            c->iv[i] = last_in[i] ^ last_out[i];
        break;
    case KC_CHAIN_CIPHERTEXT:
        memcpy(c->iv, c->encrypt ? last_out : last_in, block);
        break;
    default:
        break;
    }
}

/* One byte from the held keystream; CFB feeds its ciphertext back. */
static unsigned char stream_byte(kc_cipher *c, unsigned char in)
{
    unsigned char out = in ^ c->keystream[c->ks_used];
    if (c->alg->chain == KC_CHAIN_CIPHERTEXT)
        c->iv[c->ks_used] = c->encrypt ? out : in;
    c->ks_used++;
    return out;
}

/* Stream modes (CTR, OFB, CFB): whole blocks go to the kernel; a trailing
 * partial block is run as a whole block padded with zeros, so its keystream
 * serves the next update and the chaining IV stays exact. */
static kc_status update_stream(kc_cipher *c, const unsigned char *in, size_t in_len,
                               unsigned char *out, size_t *out_len, kc_error *err)
{
    const size_t block = c->ctr_block;
    *out_len = in_len;
    while (in_len && c->ks_used < block) {
        *out++ = stream_byte(c, *in++);
        in_len--;
    }
    while (in_len) {
        size_t chunk = in_len > KC_REQUEST_MAX ? KC_REQUEST_MAX : in_len;
        size_t full = chunk - chunk % block, tail = chunk % block;
        unsigned char last[BLOCK_MAX] = { 0 }, pad_in[BLOCK_MAX] = { 0 }, last_in[BLOCK_MAX];
        memcpy(last, in + full, tail);
        memcpy(pad_in, last, tail);
        if (full)   /* out may alias in: keep the last whole input block */
            memcpy(last_in, in + full - block, block);
        struct iovec src[2] = { { (void *)in, full }, { last, block } };
        struct iovec dst[2] = { { out, full }, { last, block } };
        int n = tail ? 2 : 1;
        kc_status s = full ? request(c, src, n, dst, n, err)
                           : request(c, src + 1, 1, dst + 1, 1, err);
        if (s != KC_OK)
            return s;
        if (full)
            chain_blocks(c, last_in, out + full - block, full / block);
        if (tail) {
            for (size_t i = 0; i < block; i++)
                c->keystream[i] = last[i] ^ pad_in[i];
            memcpy(out + full, last, tail);
            if (c->alg->chain == KC_CHAIN_COUNTER)
                counter_add(c->iv, block, 1);
            else
                memcpy(c->iv, c->keystream, block);
            /* consume the tail again from the keystream: CFB's IV collects it */
            c->ks_used = 0;
            for (size_t i = 0; i < tail; i++)
                stream_byte(c, pad_in[i]);
        }
        kc_wipe(last, sizeof(last));
        kc_wipe(pad_in, sizeof(pad_in));
        in += chunk;
        out += chunk;
        in_len -= chunk;
    }
    return KC_OK;
}

kc_status kc_cipher_set_num(kc_cipher *c, size_t num, kc_error *err)
{
    if (!c->started || !is_stream_mode(c->alg) || num >= c->ctr_block || c->ks_used != c->ctr_block)
        return kc_fail(err, KC_ERR_STATE, 0, "%s: stream position %zu cannot be set here",
                       c->alg->name, num);
    if (!num)
        return KC_OK;
    if (c->alg->chain == KC_CHAIN_COUNTER) {
        /* the IV is the next counter: regenerate the current block's keystream */
        unsigned char zeros[BLOCK_MAX] = { 0 }, junk[BLOCK_MAX];
        size_t n;
        for (int i = (int)c->ctr_block - 1; i >= 0 && c->iv[i]-- == 0; i--)
            ;
        kc_status s = update_stream(c, zeros, num, junk, &n, err);
        kc_wipe(junk, sizeof(junk));
        return s;
    }
    /* OFB and CFB keep the unused keystream in the IV itself */
    memcpy(c->keystream, c->iv, c->ctr_block);
    c->ks_used = num;
    return KC_OK;
}

static kc_status update_whole(kc_cipher *c, const unsigned char *in, size_t in_len,
                              unsigned char *out, size_t *out_len, kc_error *err)
{
    *out_len = 0;
    if (!in_len)
        return KC_OK;
    if (c->whole_done)
        return kc_fail(err, KC_ERR_STATE, 0, "%s takes the whole message in one update",
                       c->alg->name);
    if (in_len < c->ctr_block)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s needs at least %zu bytes, got %zu",
                       c->alg->name, c->ctr_block, in_len);
    if (in_len > KC_REQUEST_MAX)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "%s: message of %zu bytes exceeds one kernel request (%u)",
                       c->alg->name, in_len, KC_REQUEST_MAX);
    struct iovec src = { (void *)in, in_len }, dst = { out, in_len };
    kc_status s = request(c, &src, 1, &dst, 1, err);
    if (s == KC_OK) {
        c->whole_done = 1;
        *out_len = in_len;
    }
    return s;
}

kc_status kc_cipher_update(kc_cipher *c, const unsigned char *in, size_t in_len,
                           unsigned char *out, size_t *out_len, kc_error *err)
{
    *out_len = 0;
    if (kc_forked(c->gen))
        return kc_fail(err, KC_ERR_FORKED, 0, "%s: context was created before fork()",
                       c->alg->name);
    if (!c->started)
        return kc_fail(err, KC_ERR_STATE, 0, "%s: update before start", c->alg->name);
    if (is_whole_message_mode(c->alg))
        return update_whole(c, in, in_len, out, out_len, err);
    if (is_stream_mode(c->alg))
        return update_stream(c, in, in_len, out, out_len, err);
    return update_blocks(c, in, in_len, out, out_len, err);
}

kc_status kc_cipher_finish(kc_cipher *c, kc_error *err)
{
    if (!c->started)
        return kc_fail(err, KC_ERR_STATE, 0, "%s: finish before start", c->alg->name);
    c->started = 0;
    size_t held = kc_blockpad_held(&c->held);
    kc_blockpad_reset(&c->held);
    kc_wipe(c->keystream, sizeof(c->keystream));
    if (held)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "%s: data length is not a multiple of the %zu-byte block (%zu left)",
                       c->alg->name, c->block, held);
    return KC_OK;
}

kc_status kc_cipher_get_iv(const kc_cipher *c, unsigned char *iv, size_t iv_len, kc_error *err)
{
    if (iv_len != c->alg->iv_size)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: IV is %zu bytes", c->alg->name,
                       c->alg->iv_size);
    memcpy(iv, c->iv, iv_len);
    return KC_OK;
}

kc_status kc_cipher_oneshot(kc_cipher *c, int encrypt, const unsigned char *iv, size_t iv_len,
                            const unsigned char *in, size_t len, unsigned char *out,
                            kc_error *err)
{
    size_t done;
    kc_status s = kc_cipher_start(c, encrypt, iv, iv_len, err);
    if (s == KC_OK && c->alg->mode == KC_MODE_BLOCK &&
        len % c->block) {
        c->started = 0;
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "%s: data length %zu is not a multiple of the %zu-byte block",
                       c->alg->name, len, c->block);
    }
    if (s == KC_OK && is_whole_message_mode(c->alg) && len == 0) {
        c->started = 0;
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s needs at least %zu bytes, got 0",
                       c->alg->name, c->ctr_block);
    }
    if (s == KC_OK)
        s = kc_cipher_update(c, in, len, out, &done, err);
    if (s == KC_OK)
        return kc_cipher_finish(c, err);
    c->started = 0;
    return s;
}

int kc_cipher_inherited(const kc_cipher *c)
{
    return kc_forked(c->gen);
}

kc_alg_id kc_cipher_alg(const kc_cipher *c)
{
    return c->alg->id;
}

void kc_cipher_free(kc_cipher *c)
{
    if (!c)
        return;
    close(c->fd);
    kc_wipe(c, sizeof(*c));
    free(c);
}
