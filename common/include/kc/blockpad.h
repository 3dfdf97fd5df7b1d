/* SPDX-License-Identifier: Apache-2.0 */
/* The partial-block holder of every multi-part block-mode operation
 * (ECB, CBC, with or without PKCS#7 padding): bytes short of a block wait
 * for the next update; whole blocks go to a cipher function, all of an
 * update's in one call (one kernel request), the held bytes joined in
 * front in the caller's output buffer. Decrypting with padding, the last
 * whole block is held back until final, which decrypts and unpads it.
 * Pure logic: no kernel, no allocation; the holder is wiped on reset. */
#ifndef KC_BLOCKPAD_H
#define KC_BLOCKPAD_H

#include "kc/error.h"

#include <stddef.h>

#define KC_BLOCKPAD_MAX 16

/* Whole blocks in place (in == out), len a multiple of the block; the
 * chaining state is the function's. */
typedef kc_status (*kc_blocks_fn)(void *ctx, const unsigned char *in, size_t len,
                                  unsigned char *out, kc_error *err);

typedef struct {
    const char *name;                   /* for messages */
    size_t block;
    int encrypt;
    int pad;                            /* PKCS#7 */
    unsigned char held[KC_BLOCKPAD_MAX];
    size_t held_len;
} kc_blockpad;

/* KC_ERR_INVALID_ARG for a block size of 0 or above KC_BLOCKPAD_MAX. */
kc_status kc_blockpad_init(kc_blockpad *b, const char *name, size_t block, int encrypt,
                           int pad, kc_error *err);
/* Padding may change between init and the first update (EVP allows it). */
void kc_blockpad_set_padding(kc_blockpad *b, int pad);
/* Bytes an update of in_len more produces (what out must hold). */
size_t kc_blockpad_update_len(const kc_blockpad *b, size_t in_len);
/* Bytes final produces: encrypt with padding one block, no padding 0;
 * decrypt with padding at most block - 1 (known after final). */
size_t kc_blockpad_final_max(const kc_blockpad *b);
size_t kc_blockpad_held(const kc_blockpad *b);
/* out: kc_blockpad_update_len(b, in_len) bytes of room; out may equal in.
 * fn is called at most once. On failure the holder is as before. */
kc_status kc_blockpad_update(kc_blockpad *b, const unsigned char *in, size_t in_len,
                             unsigned char *out, size_t *out_len, kc_blocks_fn fn, void *ctx,
                             kc_error *err);
/* End the message. out: room for one block. Encrypt with padding: the
 * padded last block. Decrypt with padding: the held block decrypted, its
 * padding checked (KC_ERR_AUTH "bad padding") and removed. A length that
 * is not whole blocks (or, decrypting with padding, no block held) is
 * KC_ERR_INVALID_ARG. The holder is wiped and empty afterwards, whatever
 * the outcome. */
kc_status kc_blockpad_final(kc_blockpad *b, unsigned char *out, size_t *out_len,
                            kc_blocks_fn fn, void *ctx, kc_error *err);
void kc_blockpad_reset(kc_blockpad *b);

/* PKCS#7 on one block: fill blk[used..block) with the pad byte. */
void kc_pkcs7_pad(unsigned char *blk, size_t used, size_t block);
/* The data length of a padded block, or -1 when its padding is not valid.
 * Every byte of the block is looked at whatever the pad value. */
long kc_pkcs7_unpad_len(const unsigned char *blk, size_t block);

#endif
