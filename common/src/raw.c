/* SPDX-License-Identifier: Apache-2.0 */
#include "kc/raw.h"
#include "afalg.h"
#include "tfm_internal.h"

#include <errno.h>
#include <linux/if_alg.h>
#include <liburing.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct kc_raw {
    int fd;
    size_t in_len, out_len;
    unsigned char *in, *out;
    struct io_uring ring;
    int uring;
    struct msghdr msg;
    struct iovec iov;
    union { char buf[CMSG_SPACE(4) * 2 + CMSG_SPACE(sizeof(struct af_alg_iv) + 16)];
            struct cmsghdr align; } ctrl;
};

static struct cmsghdr *put(struct kc_raw *r, size_t *used, int type, const void *data,
                           size_t len)
{
    struct cmsghdr *c = (struct cmsghdr *)(r->ctrl.buf + *used);
    c->cmsg_level = SOL_ALG;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    memcpy(CMSG_DATA(c), data, len);
    *used += CMSG_SPACE(len);
    return c;
}

kc_status kc_raw_new(kc_raw **out, kc_alg_id alg, const kc_key *key, size_t len,
                     size_t aad_len, kc_error *err)
{
    const kc_alg_info *a = kc_alg(alg);
    *out = NULL;
    if (!a || (a->kind != KC_KIND_SKCIPHER && a->kind != KC_KIND_AEAD &&
               a->kind != KC_KIND_HASH && a->kind != KC_KIND_MAC))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "raw loop: unsupported algorithm");
    int aead = a->kind == KC_KIND_AEAD, hash = a->kind == KC_KIND_HASH || a->kind == KC_KIND_MAC;
    int fd = kc_open_op(alg, NULL, a->kind == KC_KIND_HASH ? NULL : key, aead ? 16 : 0, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    kc_raw *r = calloc(1, sizeof(*r));
    if (!r) {
        close(fd);
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "raw loop: out of memory");
    }
    r->fd = fd;
    r->in_len = len + (aead ? aad_len : 0);
    r->out_len = hash ? a->out_size : len + (aead ? aad_len + 16 : 0);
    r->in = calloc(1, r->in_len + 1);
    r->out = calloc(1, r->out_len + 1);
    if (!r->in || !r->out) {
        kc_raw_free(r);
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "raw loop: out of memory");
    }
    size_t used = 0;
    if (!hash) {
        uint32_t op = ALG_OP_ENCRYPT;
        unsigned char ivbuf[sizeof(struct af_alg_iv) + 16] = { 0 };
        struct af_alg_iv head = { .ivlen = (uint32_t)a->iv_size };
        memcpy(ivbuf, &head, sizeof(head));
        put(r, &used, ALG_SET_OP, &op, sizeof(op));
        if (a->iv_size)
            put(r, &used, ALG_SET_IV, ivbuf, sizeof(head) + a->iv_size);
        if (aead) {
            uint32_t al = (uint32_t)aad_len;
            put(r, &used, ALG_SET_AEAD_ASSOCLEN, &al, sizeof(al));
        }
    }
    r->iov.iov_base = r->in;
    r->iov.iov_len = r->in_len;
    r->msg.msg_iov = &r->iov;
    r->msg.msg_iovlen = 1;
    r->msg.msg_control = used ? r->ctrl.buf : NULL;
    r->msg.msg_controllen = used;
    *out = r;
    return KC_OK;
}

kc_status kc_raw_use_uring(kc_raw *r, kc_error *err)
{
    int e = io_uring_queue_init(4, &r->ring, 0);
    if (e < 0)
        return kc_fail(err, e == -ENOSYS || e == -EPERM ? KC_ERR_UNSUPPORTED_KERNEL : KC_ERR_KERNEL,
                       -e, "raw loop: io_uring");
    r->uring = 1;
    return KC_OK;
}

static int uring_op(kc_raw *r)
{
    struct io_uring_sqe *send = io_uring_get_sqe(&r->ring), *recv;
    int n = 0;
    if (r->in_len) {
        io_uring_prep_sendmsg(send, r->fd, &r->msg, 0);
        io_uring_sqe_set_data64(send, 1);
        send->flags |= IOSQE_IO_LINK;
        recv = io_uring_get_sqe(&r->ring);
        n++;
    } else {
        recv = send;
    }
    io_uring_prep_read(recv, r->fd, r->out, (unsigned)r->out_len, 0);
    io_uring_sqe_set_data64(recv, 2);
    n++;
    int e = io_uring_submit_and_wait(&r->ring, (unsigned)n);
    if (e < 0)
        return e;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        struct io_uring_cqe *cqe;
        if ((e = io_uring_wait_cqe(&r->ring, &cqe)) < 0)
            return e;
        if (cqe->res < 0 && !rc)
            rc = cqe->res;
        else if (cqe->user_data == 2 && (size_t)cqe->res != r->out_len && !rc)
            rc = -EIO;
        io_uring_cqe_seen(&r->ring, cqe);
    }
    return rc;
}

int kc_raw_op(kc_raw *r)
{
    if (r->uring)
        return uring_op(r);
    if (r->in_len && sendmsg(r->fd, &r->msg, 0) < 0)
        return -errno;
    ssize_t n = read(r->fd, r->out, r->out_len);
    if (n < 0)
        return -errno;
    return (size_t)n == r->out_len ? 0 : -EIO;
}

int kc_raw_fd(const kc_raw *r)
{
    return r->fd;
}

void kc_raw_free(kc_raw *r)
{
    if (!r)
        return;
    if (r->uring)
        io_uring_queue_exit(&r->ring);
    close(r->fd);
    free(r->in);
    free(r->out);
    free(r);
}
