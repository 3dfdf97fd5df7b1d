/* SPDX-License-Identifier: Apache-2.0 */
/* A message buffer for what the kernel needs whole: an AEAD request takes
 * nonce, all AAD, all data (and the tag) at once, and CTS, XTS and key
 * wrap the whole message, so multi-part callers gather AAD and data here
 * and make one request at final. Grows by doubling; every byte it held is
 * wiped when it grows, resets or is freed (it holds plaintext). */
#ifndef KC_MSGBUF_H
#define KC_MSGBUF_H

#include "kc/error.h"

#include <stddef.h>

typedef struct {
    unsigned char *data;         /* NULL until the first byte */
    size_t len, cap;
} kc_msgbuf;

/* Append n bytes (n == 0 allowed, in may then be NULL); KC_ERR_INVALID_ARG
 * when the total would pass max, KC_ERR_NOMEM. On failure b is as before. */
kc_status kc_msgbuf_append(kc_msgbuf *b, const void *in, size_t n, size_t max, kc_error *err);
/* A pointer that is never NULL, for requests of an empty message. */
const unsigned char *kc_msgbuf_bytes(const kc_msgbuf *b);
void kc_msgbuf_reset(kc_msgbuf *b);
/* dst (uninitialized) gets a copy of src's bytes in a buffer of its own. */
kc_status kc_msgbuf_copy(kc_msgbuf *dst, const kc_msgbuf *src, kc_error *err);
void kc_msgbuf_free(kc_msgbuf *b);

#endif
