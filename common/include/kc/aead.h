/* SPDX-License-Identifier: Apache-2.0 */
/* AEAD (AES-GCM, AES-CCM, ChaCha20-Poly1305): one sendmsg carrying op,
 * nonce, AAD length, AAD and data, then one read. The tag length is fixed
 * per context because the kernel fixes it per transform. */
#ifndef KC_AEAD_H
#define KC_AEAD_H

#include "kc/tfm.h"

typedef struct kc_aead kc_aead;

kc_status kc_aead_new(kc_aead **out, kc_alg_id alg, const char *driver, const kc_key *key,
                      size_t tag_len, kc_error *err);
/* Sets the tag length on the transform itself, which the kernel allows only
 * while no other op socket of it is alive: contexts from one transform
 * share one tag length. */
kc_status kc_aead_from_tfm(kc_aead **out, kc_tfm *tfm, size_t tag_len, kc_error *err);

/* Nonce lengths: GCM 12; CCM 7..13; ChaCha20-Poly1305 12.
 * encrypt writes len bytes to out and tag_len bytes to tag. */
kc_status kc_aead_encrypt(kc_aead *a, const unsigned char *nonce, size_t nonce_len,
                          const unsigned char *aad, size_t aad_len,
                          const unsigned char *in, size_t len,
                          unsigned char *out, unsigned char *tag, kc_error *err);
/* KC_ERR_AUTH when the tag does not verify. out may equal in; when it
 * overlaps in, a failure leaves it (the input) untouched, else zeroes it. */
kc_status kc_aead_decrypt(kc_aead *a, const unsigned char *nonce, size_t nonce_len,
                          const unsigned char *aad, size_t aad_len,
                          const unsigned char *in, size_t len,
                          const unsigned char *tag, unsigned char *out, kc_error *err);
size_t kc_aead_tag_len(const kc_aead *a);
/* Largest aad_len + len + tag_len one request can carry on this socket. */
size_t kc_aead_max_message(const kc_aead *a);
kc_alg_id kc_aead_alg(const kc_aead *a);
/* 1 in a fork child for a context made in the parent (see kc/fork.h). */
int kc_aead_inherited(const kc_aead *a);
int kc_aead_nonce_len_ok(kc_alg_id alg, size_t nonce_len);
int kc_aead_tag_len_ok(kc_alg_id alg, size_t tag_len);
void kc_aead_free(kc_aead *a);

#endif
