/* SPDX-License-Identifier: Apache-2.0 */
#ifndef KC_URING_H
#define KC_URING_H

#include <sys/socket.h>
#include <sys/uio.h>

/* Linked sendmsg + readv on this thread's ring. -ENOSYS when io_uring is
 * off or unavailable here (the caller then goes the plain way); else 0 or
 * -errno of the first failing step. A short read is finished with readv. */
int kc_uring_request(int fd, struct msghdr *msg, struct iovec *out, int nout);

#endif
