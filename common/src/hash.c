/* SPDX-License-Identifier: Apache-2.0 */
/* Digest and MAC contexts. An update is one sendmsg with MSG_MORE (the
 * kernel hashes it at once, so no size limit); final is one read. */
#include "kc/hash.h"
#include "afalg.h"
#include "fork_guard.h"
#include "tfm_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DIGEST 64

struct kc_hash {
    int fd;
    unsigned epoch;    /* kc_fork_epoch() when fd became this process's own */
    const kc_alg_info *alg;
    int pending;   /* data sent with MSG_MORE and not yet finalized */
};

static int is_keyed(const kc_alg_info *a)
{
    return a->kind == KC_KIND_MAC;
}

static kc_status wrap_fd(kc_hash **out, int fd, const kc_alg_info *a, kc_error *err)
{
    kc_hash *h = calloc(1, sizeof(*h));
    if (!h) {
        close(fd);
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", a->name);
    }
    h->fd = fd;
    h->epoch = kc_fork_epoch();
    h->alg = a;
    *out = h;
    return KC_OK;
}

kc_status kc_hash_new(kc_hash **out, kc_alg_id alg, const char *driver, const kc_key *key,
                      kc_error *err)
{
    const kc_alg_info *a = kc_alg(alg);
    *out = NULL;
    if (!a || (a->kind != KC_KIND_HASH && a->kind != KC_KIND_MAC))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "algorithm %d is not a digest or MAC",
                       (int)alg);
    if (is_keyed(a) && !key)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s needs a key", a->name);
    if (!is_keyed(a) && key)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s takes no key", a->name);
    int fd = kc_open_op(alg, driver, key, 0, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    return wrap_fd(out, fd, a, err);
}

kc_status kc_hash_from_tfm(kc_hash **out, kc_tfm *tfm, kc_error *err)
{
    const kc_alg_info *a = kc_alg(kc_tfm_alg(tfm));
    *out = NULL;
    if (a->kind != KC_KIND_HASH && a->kind != KC_KIND_MAC)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s is not a digest or MAC", a->name);
    int fd = kc_tfm_accept(tfm, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    return wrap_fd(out, fd, a, err);
}

/* After a fork the op socket is shared with the other process, which may
 * clone it (accept copies the partial state) at any later time. So before
 * writing to it or finalizing, each side takes a clone of its own and lets
 * go of the shared one: the shared socket keeps the state of fork() time
 * for every process that still has to copy it. */
static kc_status check_fork(kc_hash *h, kc_error *err)
{
    unsigned now = kc_fork_epoch();
    if (h->epoch == now)
        return KC_OK;
    int fd = kc_afalg_accept(h->fd);
    if (fd < 0)
        return kc_fail(err, KC_ERR_FORKED, -fd,
                       "%s: context was created before fork() and its kernel state cannot be "
                       "copied (accept: %s)", h->alg->name, strerror(-fd));
    close(h->fd);
    h->fd = fd;
    h->epoch = now;
    return KC_OK;
}

static kc_status send_more(kc_hash *h, const void *data, size_t len, kc_error *err)
{
    struct iovec iov = { (void *)data, len };
    int r = kc_afalg_send(h->fd, KC_OP_NONE, NULL, 0, -1, &iov, 1, 1);
    if (r < 0) {
        h->pending = 0;
        return kc_fail_errno(err, -r, h->alg->name, "update");
    }
    h->pending = 1;
    return KC_OK;
}

kc_status kc_hash_update(kc_hash *h, const void *data, size_t len, kc_error *err)
{
    kc_status s = check_fork(h, err);
    if (s != KC_OK || !len)
        return s;
    return send_more(h, data, len, err);
}

/* With data: one request (the kernel finishes the hash inside the send,
 * there being no MSG_MORE). Without: the read alone finalizes. */
static kc_status read_digest(kc_hash *h, const void *data, size_t len, unsigned char *out,
                             size_t out_len, kc_error *err)
{
    unsigned char full[MAX_DIGEST];
    struct iovec in = { (void *)data, len }, iov = { full, h->alg->out_size };
    int r = len ? kc_afalg_request(h->fd, KC_OP_NONE, NULL, 0, -1, &in, 1, &iov, 1)
                : kc_afalg_read(h->fd, &iov, 1);
    h->pending = 0;
    if (r < 0)
        return kc_fail_errno(err, -r, h->alg->name, "final");
    if (out)
        memcpy(out, full, out_len < h->alg->out_size ? out_len : h->alg->out_size);
    kc_wipe(full, sizeof(full));
    return KC_OK;
}

kc_status kc_hash_final(kc_hash *h, unsigned char *out, size_t out_len, kc_error *err)
{
    kc_status s = check_fork(h, err);
    if (s != KC_OK)
        return s;
    return read_digest(h, NULL, 0, out, out_len, err);
}

kc_status kc_hash_oneshot(kc_hash *h, const void *data, size_t len, unsigned char *out,
                          size_t out_len, kc_error *err)
{
    kc_status s = check_fork(h, err);
    if (s != KC_OK)
        return s;
    if (h->pending)
        return kc_fail(err, KC_ERR_STATE, 0, "%s: one-shot on a context with a partial message",
                       h->alg->name);
    return read_digest(h, data, len, out, out_len, err);
}

kc_status kc_hash_reset(kc_hash *h, kc_error *err)
{
    kc_status s = check_fork(h, err);
    if (s != KC_OK || !h->pending)
        return s;
    return read_digest(h, NULL, 0, NULL, 0, err);
}

kc_status kc_hash_clone(kc_hash **out, kc_hash *h, kc_error *err)
{
    *out = NULL;
    /* accept() on an op socket exports its partial state into a new one;
     * it only reads the socket, so a shared one (after fork) serves too */
    int fd = kc_afalg_accept(h->fd);
    if (fd < 0)
        return kc_fail_errno(err, -fd, h->alg->name, "clone");
    kc_status s = wrap_fd(out, fd, h->alg, err);
    if (s == KC_OK)
        (*out)->pending = h->pending;
    return s;
}

size_t kc_hash_size(const kc_hash *h)
{
    return h->alg->out_size;
}

kc_alg_id kc_hash_alg(const kc_hash *h)
{
    return h->alg->id;
}

void kc_hash_free(kc_hash *h)
{
    if (!h)
        return;
    close(h->fd);
    free(h);
}
