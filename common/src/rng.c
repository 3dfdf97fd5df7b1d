/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel DRBG. A DRBG transform must be seeded before it generates
 * (setkey instantiates it from kernel entropy plus our personalization),
 * and a transform with an op socket takes no more keys, so a reseed makes
 * a new transform and op socket. */
#include "kc/rng.h"
#include "afalg.h"
#include "fork_guard.h"
#include "tfm_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* algif_rng returns at most 128 bytes per read */
#define RNG_READ_MAX 128

struct kc_rng {
    int fd;
    unsigned gen;
    char driver[64];
};

static int open_seeded(const char *driver, const unsigned char *seed, size_t seed_len,
                       kc_error *err)
{
    static const unsigned char none[1];
    kc_key key = KC_KEY_RAW(seed ? seed : none, seed ? seed_len : 0);
    return kc_open_op(KC_DRBG, driver, &key, 0, err);
}

kc_status kc_rng_new(kc_rng **out, const char *driver, const unsigned char *seed,
                     size_t seed_len, kc_error *err)
{
    *out = NULL;
    if (driver && strlen(driver) >= sizeof(((kc_rng *)0)->driver))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "DRBG: driver name too long");
    int fd = open_seeded(driver, seed, seed_len, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    kc_rng *r = calloc(1, sizeof(*r));
    if (!r) {
        close(fd);
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "DRBG: out of memory");
    }
    r->fd = fd;
    r->gen = kc_fork_generation();
    if (driver)
        strcpy(r->driver, driver);
    *out = r;
    return KC_OK;
}

kc_status kc_rng_generate(kc_rng *r, unsigned char *out, size_t len, kc_error *err)
{
    if (kc_forked(r->gen))
        return kc_fail(err, KC_ERR_FORKED, 0,
                       "DRBG: context was created before fork() (a child must not "
                       "share the parent's DRBG state)");
    while (len) {
        size_t n = len > RNG_READ_MAX ? RNG_READ_MAX : len;
        struct iovec iov = { out, n };
        int e = kc_afalg_read(r->fd, &iov, 1);
        if (e < 0)
            return kc_fail_errno(err, -e, "DRBG", "generate");
        out += n;
        len -= n;
    }
    return KC_OK;
}

kc_status kc_rng_reseed(kc_rng *r, const unsigned char *seed, size_t seed_len, kc_error *err)
{
    int fd = open_seeded(r->driver[0] ? r->driver : NULL, seed, seed_len, err);
    if (fd < 0)
        return err ? err->status : KC_ERR_KERNEL;
    close(r->fd);
    r->fd = fd;
    r->gen = kc_fork_generation();
    return KC_OK;
}

void kc_rng_free(kc_rng *r)
{
    if (!r)
        return;
    close(r->fd);
    free(r);
}
