/* SPDX-License-Identifier: Apache-2.0 */
/* What this kernel offers: each algorithm is bound once, then /proc/crypto
 * names the driver the kernel picked (highest priority, not internal) and
 * crypto_user (netlink) says whether it is a hardware-only driver. */
#include "kc/probe.h"
#include "afalg.h"

#include <errno.h>
#include <linux/cryptouser.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef CRYPTO_ALG_KERN_DRIVER_ONLY
#define CRYPTO_ALG_KERN_DRIVER_ONLY 0x00001000
#endif

static kc_probe_result result;
static pthread_once_t probed = PTHREAD_ONCE_INIT;

typedef struct {
    char name[128], driver[64], module[64];
    int priority, async, internal, selftest_ok;
} proc_entry;

static void copy_field(char *dst, size_t cap, const char *v)
{
    snprintf(dst, cap, "%s", v);
    dst[strcspn(dst, "\n")] = '\0';
}

/* Apply the best /proc/crypto entry for one kernel name to st. */
static void consider(const proc_entry *e, const char *want, kc_alg_status *st)
{
    if (strcmp(e->name, want) || e->internal || !e->selftest_ok)
        return;
    if (st->driver[0] && e->priority <= st->priority)
        return;
    copy_field(st->driver, sizeof(st->driver), e->driver);
    copy_field(st->module, sizeof(st->module), e->module);
    st->priority = e->priority;
    st->async = e->async;
}

static void read_proc_crypto(kc_probe_result *r, const char *const names[KC_ALG_COUNT])
{
    FILE *f = fopen("/proc/crypto", "re");
    if (!f)
        return;
    char line[256];
    proc_entry e = { .selftest_ok = 1 };
    int have = 0;
    for (;;) {
        char *got = fgets(line, sizeof(line), f);
        if (!got || line[0] == '\n') {
            if (have)
                for (size_t i = 0; i < KC_ALG_COUNT; i++)
                    if (r->alg[i].available)
                        consider(&e, names[i], &r->alg[i]);
            memset(&e, 0, sizeof(e));
            e.selftest_ok = 1;
            have = 0;
            if (!got)
                break;
            continue;
        }
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        char *val = colon + 1;
        while (*val == ' ')
            val++;
        *colon = '\0';
        for (char *end = colon - 1; end >= line && *end == ' '; end--)
            *end = '\0';
        have = 1;
        if (!strcmp(line, "name"))
            copy_field(e.name, sizeof(e.name), val);
        else if (!strcmp(line, "driver"))
            copy_field(e.driver, sizeof(e.driver), val);
        else if (!strcmp(line, "module"))
            copy_field(e.module, sizeof(e.module), val);
        else if (!strcmp(line, "priority"))
            e.priority = atoi(val);
        else if (!strcmp(line, "async"))
            e.async = !strncmp(val, "yes", 3);
        else if (!strcmp(line, "internal"))
            e.internal = !strncmp(val, "yes", 3);
        else if (!strcmp(line, "selftest"))
            e.selftest_ok = !strncmp(val, "passed", 6);
    }
    fclose(f);
}

/* CRYPTO_MSG_GETALG for one driver; KC_OFFLOAD_UNKNOWN when crypto_user is
 * absent or refuses (it wants CAP_NET_ADMIN). */
static kc_offload offload_of(int nl, const char *driver)
{
    struct {
        struct nlmsghdr h;
        struct crypto_user_alg alg;
    } req;
    memset(&req, 0, sizeof(req));
    req.h.nlmsg_len = sizeof(req);
    req.h.nlmsg_type = CRYPTO_MSG_GETALG;
    req.h.nlmsg_flags = NLM_F_REQUEST;
    snprintf(req.alg.cru_driver_name, sizeof(req.alg.cru_driver_name), "%s", driver);
    if (send(nl, &req, sizeof(req), 0) < 0)
        return KC_OFFLOAD_UNKNOWN;
    union { char buf[8192]; struct nlmsghdr align; } reply;
    ssize_t n = recv(nl, reply.buf, sizeof(reply.buf), 0);
    if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct crypto_user_alg)))
        return KC_OFFLOAD_UNKNOWN;
    if (reply.align.nlmsg_type != CRYPTO_MSG_GETALG)
        return KC_OFFLOAD_UNKNOWN;
    const struct crypto_user_alg *alg = NLMSG_DATA(&reply.align);
    return (alg->cru_flags & CRYPTO_ALG_KERN_DRIVER_ONLY) ? KC_OFFLOAD_YES : KC_OFFLOAD_NO;
}

static void read_offload(kc_probe_result *r)
{
    int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_CRYPTO);
    if (nl < 0)
        return;
    struct timeval tv = { .tv_sec = 1 };
    setsockopt(nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    for (size_t i = 0; i < KC_ALG_COUNT; i++)
        if (r->alg[i].available && r->alg[i].driver[0])
            r->alg[i].offload = offload_of(nl, r->alg[i].driver);
    close(nl);
}

static void probe_bind(const kc_alg_info *a, const char *name, kc_alg_status *st)
{
    int fd = kc_afalg_bind(a->kernel_type, name);
    if (fd >= 0) {
        st->available = 1;
        close(fd);
    } else {
        st->bind_errno = -fd;
    }
}

static int keyring_keys_supported(void)
{
    int fd = kc_afalg_bind("hash", "sha256");
    if (fd < 0)
        fd = kc_afalg_bind("skcipher", "cbc(aes)");
    if (fd < 0)
        return 0;
    int32_t none = 0;
    int ok = setsockopt(fd, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &none, sizeof(none)) == 0 ||
             errno != ENOPROTOOPT;
    close(fd);
    return ok;
}

static void run_probe(void)
{
    kc_probe_result *r = &result;
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(r->kernel_release, sizeof(r->kernel_release), "%s", u.release);
    int fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        r->afalg_errno = errno;
        for (size_t i = 0; i < KC_ALG_COUNT; i++)
            r->alg[i].bind_errno = r->afalg_errno;
        return;
    }
    close(fd);
    r->afalg = 1;
    const char *names[KC_ALG_COUNT];
    for (size_t i = 0; i < KC_ALG_COUNT; i++) {
        const kc_alg_info *a = kc_alg((kc_alg_id)i);
        names[i] = a->kernel_name;
        probe_bind(a, a->kernel_name, &r->alg[i]);
    }
    /* KW wraps through ecb(aes) (see keywrap.h) */
    if (!r->alg[KC_AES_ECB].available && r->alg[KC_AES_KW].available) {
        r->alg[KC_AES_KW].available = 0;
        r->alg[KC_AES_KW].bind_errno = r->alg[KC_AES_ECB].bind_errno;
    }
    r->keyring_keys = keyring_keys_supported();
    read_proc_crypto(r, names);
    read_offload(r);
}

const kc_probe_result *kc_probe(void)
{
    pthread_once(&probed, run_probe);
    return &result;
}

int kc_available(kc_alg_id id)
{
    return (unsigned)id < KC_ALG_COUNT && kc_probe()->alg[id].available;
}

kc_status kc_probe_driver(kc_alg_id id, const char *driver, kc_alg_status *out, kc_error *err)
{
    const kc_alg_info *a = kc_alg(id);
    memset(out, 0, sizeof(*out));
    if (!a || !driver)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "probe: bad algorithm or driver");
    probe_bind(a, driver, out);
    if (!out->available)
        return kc_fail(err, out->bind_errno == EAFNOSUPPORT ? KC_ERR_NO_AFALG : KC_ERR_NO_ALG,
                       out->bind_errno, "%s: the kernel has no driver \"%s\"", a->name, driver);
    snprintf(out->driver, sizeof(out->driver), "%s", driver);
    return KC_OK;
}
