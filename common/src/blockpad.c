/* SPDX-License-Identifier: Apache-2.0 */
/* See kc/blockpad.h. The join in the output buffer is what lets an update
 * cost one request: held bytes and the new whole blocks are contiguous
 * there, so the cipher sees one buffer, not a short block of its own. */
#include "kc/blockpad.h"
#include "kc/key.h"

#include <string.h>

kc_status kc_blockpad_init(kc_blockpad *b, const char *name, size_t block, int encrypt,
                           int pad, kc_error *err)
{
    memset(b, 0, sizeof(*b));
    b->name = name ? name : "block cipher";
    if (block == 0 || block > KC_BLOCKPAD_MAX)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: block size %zu cannot be held",
                       b->name, block);
    b->block = block;
    b->encrypt = encrypt;
    b->pad = pad != 0;
    return KC_OK;
}

void kc_blockpad_set_padding(kc_blockpad *b, int pad)
{
    b->pad = pad != 0;
}

/* Decrypting with padding, the last whole block is never given out early:
 * final must see it to unpad. */
static int holds_back_last(const kc_blockpad *b)
{
    return !b->encrypt && b->pad;
}

size_t kc_blockpad_update_len(const kc_blockpad *b, size_t in_len)
{
    size_t total = b->held_len + in_len;
    if (holds_back_last(b))
        return total ? (total - 1) / b->block * b->block : 0;
    return total - total % b->block;
}

size_t kc_blockpad_final_max(const kc_blockpad *b)
{
    if (!b->pad)
        return 0;
    return b->encrypt ? b->block : b->block - 1;
}

size_t kc_blockpad_held(const kc_blockpad *b)
{
    return b->held_len;
}

kc_status kc_blockpad_update(kc_blockpad *b, const unsigned char *in, size_t in_len,
                             unsigned char *out, size_t *out_len, kc_blocks_fn fn, void *ctx,
                             kc_error *err)
{
    size_t n = kc_blockpad_update_len(b, in_len);
    *out_len = 0;
    if (n == 0) {
        memcpy(b->held + b->held_len, in, in_len);
        b->held_len += in_len;
        return KC_OK;
    }
    /* n >= block > held_len unless a held-back block is full, and then
     * n >= block == held_len: rest = held_len + in_len - n <= in_len */
    size_t rest = b->held_len + in_len - n;
    unsigned char tail[KC_BLOCKPAD_MAX];
    /* the tail first: out may alias in and is about to be rewritten */
    memcpy(tail, in + in_len - rest, rest);
    memmove(out + b->held_len, in, n - b->held_len);
    memcpy(out, b->held, b->held_len);
    kc_status s = fn(ctx, out, n, out, err);
    if (s == KC_OK) {
        memcpy(b->held, tail, rest);
        b->held_len = rest;
        *out_len = n;
    }
    kc_wipe(tail, sizeof(tail));
    return s;
}

kc_status kc_blockpad_final(kc_blockpad *b, unsigned char *out, size_t *out_len,
                            kc_blocks_fn fn, void *ctx, kc_error *err)
{
    const size_t bs = b->block;
    kc_status s = KC_OK;
    *out_len = 0;
    if (b->encrypt && b->pad) {
        kc_pkcs7_pad(b->held, b->held_len, bs);
        memcpy(out, b->held, bs);
        s = fn(ctx, out, bs, out, err);
        if (s == KC_OK)
            *out_len = bs;
    } else if (!b->pad) {
        if (b->held_len)
            s = kc_fail(err, KC_ERR_INVALID_ARG, 0,
                        "%s: data is not a multiple of the %zu-byte block (%zu bytes left) "
                        "and padding is off", b->name, bs, b->held_len);
    } else if (b->held_len != bs) {
        s = kc_fail(err, KC_ERR_INVALID_ARG, 0,
                    "%s: padded ciphertext is not a non-empty multiple of the %zu-byte block",
                    b->name, bs);
    } else {
        unsigned char blk[KC_BLOCKPAD_MAX];
        memcpy(blk, b->held, bs);
        s = fn(ctx, blk, bs, blk, err);
        long plain = s == KC_OK ? kc_pkcs7_unpad_len(blk, bs) : -1;
        if (s == KC_OK && plain < 0) {
            s = kc_fail(err, KC_ERR_AUTH, 0, "%s: bad decrypt (padding)", b->name);
        } else if (s == KC_OK) {
            memcpy(out, blk, (size_t)plain);
            *out_len = (size_t)plain;
        }
        kc_wipe(blk, sizeof(blk));
    }
    kc_blockpad_reset(b);
    return s;
}

void kc_blockpad_reset(kc_blockpad *b)
{
    kc_wipe(b->held, sizeof(b->held));
    b->held_len = 0;
}

void kc_pkcs7_pad(unsigned char *blk, size_t used, size_t block)
{
    unsigned char v = (unsigned char)(block - used);
    memset(blk + used, v, block - used);
}

long kc_pkcs7_unpad_len(const unsigned char *blk, size_t block)
{
    unsigned v = blk[block - 1];
    unsigned bad = (v == 0) | (v > block);
    for (size_t i = 0; i < block; i++) {
        /* bytes at and after block - v must equal v */
        unsigned in_pad = i + v >= block;
        bad |= in_pad & (blk[i] != v);
    }
    return bad ? -1 : (long)(block - v);
}
