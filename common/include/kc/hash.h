/* SPDX-License-Identifier: Apache-2.0 */
/* Digests and MACs (SHA-1/2/3, HMAC, CMAC-AES) on one op socket.
 * Updates are sendmsg with MSG_MORE; final is one read. A partial state is
 * cloned by accept() on the op socket, which TLS transcript hashing needs. */
#ifndef KC_HASH_H
#define KC_HASH_H

#include "kc/tfm.h"

typedef struct kc_hash kc_hash;

/* key: NULL for plain digests; required for HMAC and CMAC (may be empty for HMAC). */
kc_status kc_hash_new(kc_hash **out, kc_alg_id alg, const char *driver, const kc_key *key,
                      kc_error *err);
kc_status kc_hash_from_tfm(kc_hash **out, kc_tfm *tfm, kc_error *err);

kc_status kc_hash_update(kc_hash *h, const void *data, size_t len, kc_error *err);
/* Writes min(out_len, digest size) bytes and readies the context for a new message. */
kc_status kc_hash_final(kc_hash *h, unsigned char *out, size_t out_len, kc_error *err);
/* One sendmsg and one read. */
kc_status kc_hash_oneshot(kc_hash *h, const void *data, size_t len, unsigned char *out,
                          size_t out_len, kc_error *err);
/* Drop any partial message. */
kc_status kc_hash_reset(kc_hash *h, kc_error *err);
/* A second context holding a copy of the partial state (and key). */
kc_status kc_hash_clone(kc_hash **out, kc_hash *h, kc_error *err);
size_t kc_hash_size(const kc_hash *h);
kc_alg_id kc_hash_alg(const kc_hash *h);
void kc_hash_free(kc_hash *h);

#endif
