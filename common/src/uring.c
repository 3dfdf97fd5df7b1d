/* SPDX-License-Identifier: Apache-2.0 */
#include "uring.h"
#include "afalg.h"
#include "fork_guard.h"
#include "kc/io.h"

#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { RING_UNTRIED, RING_READY, RING_UNAVAILABLE };

static atomic_int enabled = -1; /* -1: not yet read from the environment */

typedef struct {
    struct io_uring ring;
    int state;
    unsigned gen;
} thread_ring;

static pthread_key_t ring_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void drop_ring(void *p)
{
    thread_ring *t = p;
    if (t->state == RING_READY && t->gen == kc_fork_generation())
        io_uring_queue_exit(&t->ring);
    free(t);
}

static void make_key(void)
{
    pthread_key_create(&ring_key, drop_ring);
}

void kc_io_uring_enable(int on)
{
    atomic_store(&enabled, on ? 1 : 0);
}

int kc_io_uring_enabled(void)
{
    int e = atomic_load(&enabled);
    if (e < 0) {
        const char *v = getenv("KCRYPT_IO_URING");
        e = v && !strcmp(v, "1");
        atomic_store(&enabled, e);
    }
    return e;
}

static thread_ring *this_thread_ring(void)
{
    pthread_once(&key_once, make_key);
    thread_ring *t = pthread_getspecific(ring_key);
    if (t && t->gen != kc_fork_generation()) {
        /* inherited across fork: the ring is the parent's, leave it be */
        t->state = RING_UNTRIED;
    }
    if (!t) {
        t = calloc(1, sizeof(*t));
        if (!t || pthread_setspecific(ring_key, t)) {
            free(t);
            return NULL;
        }
    }
    if (t->state == RING_UNTRIED) {
        t->gen = kc_fork_generation();
        t->state = io_uring_queue_init(4, &t->ring, 0) == 0 ? RING_READY : RING_UNAVAILABLE;
    }
    return t->state == RING_READY ? t : NULL;
}

int kc_uring_request(int fd, struct msghdr *msg, struct iovec *out, int nout)
{
    if (!kc_io_uring_enabled())
        return -ENOSYS;
    thread_ring *t = this_thread_ring();
    if (!t)
        return -ENOSYS;
    size_t want = kc_iov_total(out, nout);
    struct io_uring_sqe *send = io_uring_get_sqe(&t->ring);
    struct io_uring_sqe *recv = io_uring_get_sqe(&t->ring);
    if (!send || !recv)
        return -EBUSY;
    io_uring_prep_sendmsg(send, fd, msg, 0);
    io_uring_sqe_set_data64(send, 1);
    send->flags |= IOSQE_IO_LINK;
    io_uring_prep_readv(recv, fd, out, (unsigned)nout, 0);
    io_uring_sqe_set_data64(recv, 2);
    int e = io_uring_submit_and_wait(&t->ring, 2);
    if (e < 0)
        return e;
    int send_res = 0, read_res = 0;
    for (int i = 0; i < 2; i++) {
        struct io_uring_cqe *cqe;
        if ((e = io_uring_wait_cqe(&t->ring, &cqe)) < 0)
            return e;
        if (cqe->user_data == 1)
            send_res = cqe->res;
        else
            read_res = cqe->res;
        io_uring_cqe_seen(&t->ring, cqe);
    }
    if (send_res < 0)
        return send_res;
    if (read_res < 0)
        return read_res;
    if ((size_t)read_res == want)
        return 0;
    /* finish a short read the plain way */
    kc_iov_advance(&out, &nout, (size_t)read_res);
    return kc_afalg_read(fd, out, nout);
}
