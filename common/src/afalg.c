/* SPDX-License-Identifier: Apache-2.0 */
#include "afalg.h"
#include "uring.h"

#include <errno.h>
#include <linux/if_alg.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int kc_afalg_bind(const char *type, const char *name)
{
    struct sockaddr_alg sa = { .salg_family = AF_ALG };
    if (strlen(type) >= sizeof(sa.salg_type) || strlen(name) >= sizeof(sa.salg_name))
        return -ENAMETOOLONG;
    memcpy(sa.salg_type, type, strlen(type));
    memcpy(sa.salg_name, name, strlen(name));
    int fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int kc_afalg_accept(int fd)
{
    int op = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    return op < 0 ? -errno : op;
}

size_t kc_iov_total(const struct iovec *iov, int iovcnt)
{
    size_t n = 0;
    for (int i = 0; i < iovcnt; i++)
        n += iov[i].iov_len;
    return n;
}

/* Room for op, a 32-byte IV and the AAD length. */
#define CTRL_SPACE (CMSG_SPACE(sizeof(uint32_t)) * 2 + CMSG_SPACE(sizeof(struct af_alg_iv) + 32))

typedef union {
    char buf[CTRL_SPACE];
    struct cmsghdr align;
} ctrl_buf;

/* The control messages: op, IV and AAD length, in one buffer. */
static int build_msg(struct msghdr *msg, ctrl_buf *ctrl, int op, const unsigned char *iv,
                     size_t iv_len, long assoclen, const struct iovec *iov, int iovcnt)
{
    size_t used = 0;
    if (iv_len > 32)
        return -EINVAL;
    memset(msg, 0, sizeof(*msg));
    memset(ctrl, 0, sizeof(*ctrl));
    msg->msg_iov = (struct iovec *)iov;
    msg->msg_iovlen = (size_t)iovcnt;
    struct cmsghdr *c = (struct cmsghdr *)ctrl->buf;
    if (op != KC_OP_NONE) {
        c->cmsg_level = SOL_ALG;
        c->cmsg_type = ALG_SET_OP;
        c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
        uint32_t v = (uint32_t)op;
        memcpy(CMSG_DATA(c), &v, sizeof(v));
        used += CMSG_SPACE(sizeof(uint32_t));
        c = (struct cmsghdr *)(ctrl->buf + used);
    }
    if (iv) {
        c->cmsg_level = SOL_ALG;
        c->cmsg_type = ALG_SET_IV;
        c->cmsg_len = CMSG_LEN(sizeof(struct af_alg_iv) + iv_len);
        struct af_alg_iv head = { .ivlen = (uint32_t)iv_len };
        memcpy(CMSG_DATA(c), &head, sizeof(head));
        memcpy(CMSG_DATA(c) + sizeof(head), iv, iv_len);
        used += CMSG_SPACE(sizeof(struct af_alg_iv) + iv_len);
        c = (struct cmsghdr *)(ctrl->buf + used);
    }
    if (assoclen >= 0) {
        c->cmsg_level = SOL_ALG;
        c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
        c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
        uint32_t v = (uint32_t)assoclen;
        memcpy(CMSG_DATA(c), &v, sizeof(v));
        used += CMSG_SPACE(sizeof(uint32_t));
    }
    msg->msg_control = used ? ctrl->buf : NULL;
    msg->msg_controllen = used;
    return 0;
}

static int send_built(int fd, struct msghdr *msg, int more)
{
    size_t want = kc_iov_total(msg->msg_iov, (int)msg->msg_iovlen);
    ssize_t n;
    do
        n = sendmsg(fd, msg, more ? MSG_MORE : 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    /* Requests are kept below the socket buffer, so the kernel takes all. */
    return (size_t)n == want ? 0 : -EIO;
}

int kc_afalg_send(int fd, int op, const unsigned char *iv, size_t iv_len, long assoclen,
                  const struct iovec *iov, int iovcnt, int more)
{
    struct msghdr msg;
    ctrl_buf ctrl;
    int r = build_msg(&msg, &ctrl, op, iv, iv_len, assoclen, iov, iovcnt);
    return r ? r : send_built(fd, &msg, more);
}

int kc_afalg_request(int fd, int op, const unsigned char *iv, size_t iv_len, long assoclen,
                     const struct iovec *in, int nin, struct iovec *out, int nout)
{
    struct msghdr msg;
    ctrl_buf ctrl;
    int r = build_msg(&msg, &ctrl, op, iv, iv_len, assoclen, in, nin);
    if (r)
        return r;
    r = kc_uring_request(fd, &msg, out, nout);
    if (r != -ENOSYS)
        return r;
    r = send_built(fd, &msg, 0);
    return r ? r : kc_afalg_read(fd, out, nout);
}

void kc_iov_advance(struct iovec **iov, int *iovcnt, size_t by)
{
    while (by > 0 && *iovcnt) {
        if (by >= (*iov)->iov_len) {
            by -= (*iov)->iov_len;
            (*iov)++;
            (*iovcnt)--;
        } else {
            (*iov)->iov_base = (char *)(*iov)->iov_base + by;
            (*iov)->iov_len -= by;
            by = 0;
        }
    }
}

int kc_afalg_read(int fd, struct iovec *iov, int iovcnt)
{
    size_t want = kc_iov_total(iov, iovcnt);
    while (want) {
        ssize_t n = readv(fd, iov, iovcnt);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        want -= (size_t)n;
        kc_iov_advance(&iov, &iovcnt, (size_t)n);
    }
    return 0;
}
