/* SPDX-License-Identifier: Apache-2.0 */
#include "tfm_internal.h"
#include "afalg.h"
#include "fork_guard.h"

#include <errno.h>
#include <linux/if_alg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

struct kc_tfm {
    int fd;
    unsigned gen;
    const kc_alg_info *alg;
    char label[128];
};

int kc_forked(unsigned gen)
{
    return gen != kc_fork_generation();
}

/* A new transform (and the op socket that follows it) must leave the
 * process a few fds of its RLIMIT_NOFILE: the application's own files and
 * connections come first, and a context that already holds kernel state
 * needs one to copy it (kc_hash_clone). fds are handed out lowest first,
 * so a transform numbered this high means the table is nearly full. */
static int leaves_no_headroom(int fd)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
        return 0;
    rlim_t reserve = r.rlim_cur / 16;
    reserve = reserve < 2 ? 2 : reserve > 64 ? 64 : reserve;
    return (rlim_t)fd + reserve >= r.rlim_cur;
}

/* After a refusal for lack of fds the next attempts would most likely be
 * refused too, each costing a socket, bind, getrlimit and close (a server
 * short of fds asks for thousands a second): refuse a growing number of
 * them (1, 2, 4 ... 1024) without trying, until one succeeds again. */
static atomic_uint skip_left;
static atomic_uint skip_next = 1;

static int skipping(void)
{
    unsigned n = atomic_load_explicit(&skip_left, memory_order_relaxed);
    while (n)
        if (atomic_compare_exchange_weak_explicit(&skip_left, &n, n - 1, memory_order_relaxed,
                                                  memory_order_relaxed))
            return 1;
    return 0;
}

static void fds_refused(void)
{
    unsigned next = atomic_load_explicit(&skip_next, memory_order_relaxed);
    atomic_store_explicit(&skip_left, next, memory_order_relaxed);
    atomic_store_explicit(&skip_next, next < 1024 ? next * 2 : 1024, memory_order_relaxed);
}

static void fds_available(void)
{
    if (atomic_load_explicit(&skip_next, memory_order_relaxed) != 1)
        atomic_store_explicit(&skip_next, 1, memory_order_relaxed);
}

static int is_fd_shortage(int neg_errno)
{
    return neg_errno == -EMFILE || neg_errno == -ENFILE;
}

kc_status kc_tfm_open(kc_tfm **out, kc_alg_id id, const char *driver, kc_error *err)
{
    const kc_alg_info *a = kc_alg(id);
    *out = NULL;
    if (!a)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "unknown algorithm id %d", (int)id);
    return kc_tfm_open_as(out, id, a->kernel_type, driver && *driver ? driver : NULL, err);
}

kc_status kc_tfm_open_as(kc_tfm **out, kc_alg_id id, const char *type, const char *driver,
                         kc_error *err)
{
    const kc_alg_info *a = kc_alg(id);
    *out = NULL;
    if (!a)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "unknown algorithm id %d", (int)id);
    const char *name = driver ? driver : a->kernel_name;
    if (skipping())
        return kc_fail(err, KC_ERR_KERNEL, EMFILE,
                       "%s: short of fds, not tried after recent refusals (EMFILE, errno %d)",
                       a->name, EMFILE);
    int fd = kc_afalg_bind(type, name);
    if (is_fd_shortage(fd))
        fds_refused();
    if (fd >= 0 && leaves_no_headroom(fd)) {
        fds_refused();
        close(fd);
        return kc_fail(err, KC_ERR_KERNEL, EMFILE,
                       "%s: fd table nearly full (fd %d): left to the application "
                       "(EMFILE, errno %d)", a->name, fd, EMFILE);
    }
    if (fd < 0) {
        if (fd == -EAFNOSUPPORT)
            return kc_fail(err, KC_ERR_NO_AFALG, -fd,
                           "%s: AF_ALG not available in this kernel", a->name);
        if (fd == -ENOENT)
            return kc_fail(err, KC_ERR_NO_ALG, -fd, "%s: the kernel has no %s \"%s\"",
                           a->name, driver ? "driver" : "algorithm", name);
        return kc_fail_errno(err, -fd, a->name, "bind");
    }
    kc_tfm *t = calloc(1, sizeof(*t));
    if (!t) {
        close(fd);
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", a->name);
    }
    t->fd = fd;
    t->alg = a;
    t->gen = kc_fork_generation();
    snprintf(t->label, sizeof(t->label), "%s (%s)", a->name, name);
    *out = t;
    return KC_OK;
}

kc_status kc_tfm_setkey(kc_tfm *t, const kc_key *key, kc_error *err)
{
    if (kc_forked(t->gen))
        return kc_fail(err, KC_ERR_FORKED, 0, "%s: transform belongs to the parent process",
                       t->label);
    if (key->serial > 0) {
        int32_t serial = key->serial;
        if (setsockopt(t->fd, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &serial, sizeof(serial)) < 0) {
            int e = errno;
            if (e == ENOPROTOOPT)
                return kc_fail(err, KC_ERR_UNSUPPORTED_KERNEL, e,
                               "%s: keyring keys by serial need Linux >= 6.2 "
                               "(ALG_SET_KEY_BY_KEY_SERIAL)", t->label);
            return kc_fail(err, KC_ERR_KEY, e,
                           "%s: kernel refused keyring key %d", t->label, (int)serial);
        }
        return KC_OK;
    }
    if (!kc_alg_key_size_ok(t->alg, key->len))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: invalid key length %zu bytes", t->label,
                       key->len);
    if (setsockopt(t->fd, SOL_ALG, ALG_SET_KEY, key->len ? key->bytes : NULL,
                   (socklen_t)key->len) < 0) {
        int e = errno;
        return kc_fail(err, e == EINVAL ? KC_ERR_INVALID_ARG : KC_ERR_KEY, e,
                       "%s: kernel refused the %zu-byte key", t->label, key->len);
    }
    return KC_OK;
}

kc_status kc_tfm_set_tag_size(kc_tfm *t, size_t tag_len, kc_error *err)
{
    if (t->alg->kind != KC_KIND_AEAD)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: not an AEAD", t->label);
    if (setsockopt(t->fd, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, (socklen_t)tag_len) < 0)
        return kc_fail(err, KC_ERR_INVALID_ARG, errno, "%s: tag length %zu refused", t->label,
                       tag_len);
    return KC_OK;
}

int kc_tfm_accept(kc_tfm *t, kc_error *err)
{
    if (kc_forked(t->gen)) {
        kc_fail(err, KC_ERR_FORKED, 0, "%s: transform belongs to the parent process", t->label);
        return -1;
    }
    int fd = kc_afalg_accept(t->fd);
    if (is_fd_shortage(fd))
        fds_refused();
    if (fd >= 0 && leaves_no_headroom(fd)) {
        fds_refused();
        close(fd);
        kc_fail(err, KC_ERR_KERNEL, EMFILE,
                "%s: fd table nearly full (fd %d): left to the application (EMFILE, errno %d)",
                t->label, fd, EMFILE);
        return -1;
    }
    if (fd >= 0)
        fds_available();
    if (fd < 0) {
        if (fd == -ENOKEY)
            kc_fail(err, KC_ERR_KEY, -fd, "%s: no key set", t->label);
        else
            kc_fail_errno(err, -fd, t->label, "accept");
        return -1;
    }
    return fd;
}

const char *kc_tfm_label(const kc_tfm *t)
{
    return t->label;
}

kc_alg_id kc_tfm_alg(const kc_tfm *t)
{
    return t->alg->id;
}

void kc_tfm_free(kc_tfm *t)
{
    if (!t)
        return;
    close(t->fd);
    free(t);
}

int kc_open_op(kc_alg_id alg, const char *driver, const kc_key *key, size_t tag_len,
               kc_error *err)
{
    kc_tfm *t;
    if (kc_tfm_open(&t, alg, driver, err) != KC_OK)
        return -1;
    int fd = -1;
    if ((!key || kc_tfm_setkey(t, key, err) == KC_OK) &&
        (!tag_len || kc_tfm_set_tag_size(t, tag_len, err) == KC_OK))
        fd = kc_tfm_accept(t, err);
    kc_tfm_free(t);
    return fd;
}
