/* SPDX-License-Identifier: Apache-2.0 */
/* The raw AF_ALG calls every context uses: bind, accept, one sendmsg that
 * carries op, IV and AAD length with the data, and exact-length reads
 * (on 6.1 a read asking for more than a request produces waits for more). */
#ifndef KC_AFALG_H
#define KC_AFALG_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif
#ifndef ALG_SET_KEY_BY_KEY_SERIAL
#define ALG_SET_KEY_BY_KEY_SERIAL 7
#endif

/* One request may carry at most this much data: well under the default
 * socket buffer (212992 bytes), which bounds what one sendmsg can queue. */
#define KC_REQUEST_MAX (128u * 1024u)

#define KC_OP_NONE (-1)

/* Returns an fd or -errno. */
int kc_afalg_bind(const char *type, const char *name);
int kc_afalg_accept(int fd);
/* op: ALG_OP_ENCRYPT/ALG_OP_DECRYPT or KC_OP_NONE; iv may be NULL;
 * assoclen < 0 for none. Sends everything or returns -errno. */
int kc_afalg_send(int fd, int op, const unsigned char *iv, size_t iv_len, long assoclen,
                  const struct iovec *iov, int iovcnt, int more);
/* One whole request: the send above, then the read below. On the io_uring
 * path (kc/io.h) both go in one io_uring_enter. out may be modified. */
int kc_afalg_request(int fd, int op, const unsigned char *iv, size_t iv_len, long assoclen,
                     const struct iovec *in, int nin, struct iovec *out, int nout);
/* Skip `by` bytes of an iovec array in place. */
void kc_iov_advance(struct iovec **iov, int *iovcnt, size_t by);
/* Reads exactly the iovec's total; returns 0 or -errno (-EIO on a short read). */
int kc_afalg_read(int fd, struct iovec *iov, int iovcnt);
size_t kc_iov_total(const struct iovec *iov, int iovcnt);

#endif
