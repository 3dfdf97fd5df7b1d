/* SPDX-License-Identifier: Apache-2.0 */
/* The reference the benchmarks measure against: the least a synchronous
 * AF_ALG user can do per operation. One pre-accepted op socket, a control
 * message built once, then exactly one sendmsg and one read per operation,
 * with no checks. Not for production use: contexts in cipher.h etc. are. */
#ifndef KC_RAW_H
#define KC_RAW_H

#include "kc/alg.h"
#include "kc/error.h"
#include "kc/key.h"

typedef struct kc_raw kc_raw;

/* len: the fixed message size; aad_len: AEAD only (tag 16 bytes). */
kc_status kc_raw_new(kc_raw **out, kc_alg_id alg, const kc_key *key, size_t len,
                     size_t aad_len, kc_error *err);
/* Submit each operation's sendmsg and read together through an io_uring
 * (linked, one io_uring_enter per operation). KC_ERR_UNSUPPORTED_KERNEL
 * when io_uring is absent or not allowed; the plain path then stays. */
kc_status kc_raw_use_uring(kc_raw *r, kc_error *err);
/* One encryption (or digest) of the fixed-size message; 0 or -errno. */
int kc_raw_op(kc_raw *r);
int kc_raw_fd(const kc_raw *r);
void kc_raw_free(kc_raw *r);

#endif
