/* SPDX-License-Identifier: Apache-2.0 */
/* Gathering for hashes and MACs: the kernel's hash interface costs a
 * sendmsg per update, more than hashing a few hundred bytes, and callers
 * (TLS transcripts, record MACs, strongSwan's hasher) feed many small
 * updates. So updates collect in a buffer of `cap` bytes; a message that
 * fits is sent once, at final, as one request (the caller's one-shot); a
 * longer one goes to the sink (the kernel, with MSG_MORE) in full buffers,
 * and an update of a buffer or more straight through. Pure logic: the sink
 * is the caller's; the buffer is wiped when reset or freed (an HMAC key
 * block can pass through it). */
#ifndef KC_GATHER_H
#define KC_GATHER_H

#include "kc/error.h"

#include <stddef.h>

/* Takes part of the message (not the end of it). */
typedef kc_status (*kc_gather_sink)(void *ctx, const unsigned char *in, size_t len,
                                    kc_error *err);

typedef struct {
    unsigned char *buf;          /* allocated on first use */
    size_t len, cap;
    int spilled;                 /* the sink has had part of this message */
    unsigned long long total;    /* bytes of this message so far */
} kc_gather;

void kc_gather_init(kc_gather *g, size_t cap);
/* KC_ERR_NOMEM, or the sink's status (the gathered bytes are then unknown
 * to have reached it: the message is lost, reset it). */
kc_status kc_gather_update(kc_gather *g, const unsigned char *in, size_t len,
                           kc_gather_sink sink, void *ctx, kc_error *err);
/* What is gathered and not yet sunk: the whole message when !spilled. */
const unsigned char *kc_gather_data(const kc_gather *g);
size_t kc_gather_len(const kc_gather *g);
/* Sink what is gathered (before the kernel's final). */
kc_status kc_gather_flush(kc_gather *g, kc_gather_sink sink, void *ctx, kc_error *err);
/* Start a new message: gathered bytes wiped. */
void kc_gather_reset(kc_gather *g);
/* dst (uninitialized) becomes a copy of src with a buffer of its own. */
kc_status kc_gather_copy(kc_gather *dst, const kc_gather *src, kc_error *err);
void kc_gather_free(kc_gather *g);

#endif
