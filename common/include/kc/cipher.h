/* SPDX-License-Identifier: Apache-2.0 */
/* Block cipher modes (the table's block, stream and whole-message modes) on one op socket.
 * Every request carries its own op and IV, so a one-shot costs one sendmsg
 * and one read, and the kernel keeps no chaining state between calls:
 * common/ computes the next IV itself. */
#ifndef KC_CIPHER_H
#define KC_CIPHER_H

#include "kc/tfm.h"

typedef struct kc_cipher kc_cipher;

/* Open transform, set key, accept one op socket, close the transform: one fd. */
kc_status kc_cipher_new(kc_cipher **out, kc_alg_id alg, const char *driver,
                        const kc_key *key, kc_error *err);
kc_status kc_cipher_from_tfm(kc_cipher **out, kc_tfm *tfm, kc_error *err);

/* Begin a message. iv may be NULL for ECB. */
kc_status kc_cipher_start(kc_cipher *c, int encrypt, const unsigned char *iv, size_t iv_len,
                          kc_error *err);
/* Streaming: ECB/CBC hold back a partial block (out needs in_len + 15 bytes
 * of room), stream modes (CTR, OFB, CFB) return every byte. XTS and CTS take the whole message in
 * one update. *out_len gets the bytes written. */
kc_status kc_cipher_update(kc_cipher *c, const unsigned char *in, size_t in_len,
                           unsigned char *out, size_t *out_len, kc_error *err);
/* End the message; a held-back partial block is an error (padding is the caller's). */
kc_status kc_cipher_finish(kc_cipher *c, kc_error *err);
/* The IV that would continue the current message (chaining state); for a
 * stream mode mid-block, OpenSSL's IV for the same position. */
kc_status kc_cipher_get_iv(const kc_cipher *c, unsigned char *iv, size_t iv_len, kc_error *err);
/* Stream modes, right after start: continue from a position num bytes
 * into the block whose IV (as kc_cipher_get_iv gives it) was passed to start. */
kc_status kc_cipher_set_num(kc_cipher *c, size_t num, kc_error *err);

/* Whole message: start, update, finish. out has room for len bytes. */
kc_status kc_cipher_oneshot(kc_cipher *c, int encrypt, const unsigned char *iv, size_t iv_len,
                            const unsigned char *in, size_t len, unsigned char *out,
                            kc_error *err);
kc_alg_id kc_cipher_alg(const kc_cipher *c);
/* 1 in a fork child for a context made in the parent (see kc/fork.h):
 * unusable here; kc_cipher_get_iv still reads its chaining state. */
int kc_cipher_inherited(const kc_cipher *c);
void kc_cipher_free(kc_cipher *c);

#endif
