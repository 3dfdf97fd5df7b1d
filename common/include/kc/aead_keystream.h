/* SPDX-License-Identifier: Apache-2.0 */
/* The data keystream of a counter-mode AEAD (AES-GCM with a 96-bit nonce,
 * ChaCha20-Poly1305) at any offset of a message, from the kernel's plain
 * stream cipher under the same key. A multi-part AEAD message whose data
 * comes in several updates gets each update's output from here, one
 * request of that update's size, and its tag from one AEAD request at the
 * end: n updates cost O(message), not O(n * message). */
#ifndef KC_AEAD_KEYSTREAM_H
#define KC_AEAD_KEYSTREAM_H

#include "kc/tfm.h"

typedef struct kc_aead_keystream kc_aead_keystream;

/* aead: KC_AES_GCM (kernel ctr(aes)) or KC_CHACHA20_POLY1305 (kernel
 * chacha20); key as for that AEAD. One fd. */
kc_status kc_aead_keystream_new(kc_aead_keystream **out, kc_alg_id aead, const kc_key *key,
                                kc_error *err);
/* out = in XOR keystream bytes [off, off + len) of the message under the
 * 12-byte nonce; that is the AEAD's ciphertext (or plaintext) of those
 * data bytes. out may equal in. */
kc_status kc_aead_keystream_xor(kc_aead_keystream *ks, const unsigned char *nonce,
                                size_t nonce_len, size_t off, const unsigned char *in,
                                size_t len, unsigned char *out, kc_error *err);
/* The counter block the kernel cipher starts from for data offset off
 * (16 bytes), and how many keystream bytes of that block precede off. */
size_t kc_aead_keystream_counter(kc_alg_id aead, const unsigned char nonce[12], size_t off,
                                 unsigned char ctr[16]);
/* 1 in a fork child for a context made in the parent (see kc/fork.h). */
int kc_aead_keystream_inherited(const kc_aead_keystream *ks);
void kc_aead_keystream_free(kc_aead_keystream *ks);

#endif
