/* SPDX-License-Identifier: Apache-2.0 */
/* KCRYPT-DRBG: the kernel's DRBG ("stdrng", algif_rng) as an EVP_RAND, so
 * a config's [random] section can make it OpenSSL's random source:
 *
 *   [random]
 *   random = KCRYPT-DRBG
 *   properties = provider=kcrypt
 *
 * The kernel DRBG seeds and reseeds itself from the kernel's entropy pool,
 * so a parent DRBG handed in by OpenSSL is not used. Prediction resistance
 * and additional input reseed it first. After fork() the child gets a
 * DRBG of its own rather than the parent's socket. */
#include "prov.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define MAX_REQUEST 65536
#define STRENGTH 256

int kcp_getrandom(unsigned char *buf, size_t len)
{
    while (len) {
        ssize_t n = getrandom(buf, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 1;
}

typedef struct {
    kcp_prov *p;
    kc_rng *r;
    pid_t pid;
    int state;
    pthread_mutex_t *lock;
} kcp_rand;

static void *rand_newctx(void *provctx, void *parent, const OSSL_DISPATCH *parent_calls)
{
    kcp_prov *p = provctx;
    (void)parent, (void)parent_calls;
    kcp_rand *r = OPENSSL_zalloc(sizeof(*r));
    if (!r) {
        KCP_ERR(p, KCP_R_NOMEM, "KCRYPT-DRBG: out of memory");
        return NULL;
    }
    r->p = p;
    r->state = EVP_RAND_STATE_UNINITIALISED;
    return r;
}

static void rand_free(void *vctx)
{
    kcp_rand *r = vctx;
    if (!r)
        return;
    kc_rng_free(r->r);
    if (r->lock) {
        pthread_mutex_destroy(r->lock);
        OPENSSL_free(r->lock);
    }
    OPENSSL_free(r);
}

static int open_rng(kcp_rand *r, const unsigned char *pers, size_t perslen)
{
    kc_error e;
    kc_error_clear(&e);
    kc_rng_free(r->r);
    r->r = NULL;
    if (kc_rng_new(&r->r, kcp_driver(r->p, KC_DRBG), pers, perslen, &e) != KC_OK) {
        KCP_ERR_KC(r->p, &e, "KCRYPT-DRBG");
        r->state = EVP_RAND_STATE_ERROR;
        return 0;
    }
    kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    r->pid = getpid();
    r->state = EVP_RAND_STATE_READY;
    return 1;
}

static int rand_instantiate(void *vctx, unsigned int strength, int prediction_resistance,
                            const unsigned char *pstr, size_t pstr_len, const OSSL_PARAM params[])
{
    kcp_rand *r = vctx;
    (void)prediction_resistance, (void)params;
    if (strength > STRENGTH) {
        KCP_ERR(r->p, KCP_R_INVALID_ARGUMENT, "KCRYPT-DRBG: strength %u above %d", strength,
                STRENGTH);
        return 0;
    }
    return open_rng(r, pstr, pstr_len);
}

static int rand_uninstantiate(void *vctx)
{
    kcp_rand *r = vctx;
    kc_rng_free(r->r);
    r->r = NULL;
    r->state = EVP_RAND_STATE_UNINITIALISED;
    return 1;
}

static int rand_reseed(void *vctx, int prediction_resistance, const unsigned char *ent,
                       size_t ent_len, const unsigned char *adin, size_t adin_len)
{
    kcp_rand *r = vctx;
    (void)prediction_resistance;
    if (r->state != EVP_RAND_STATE_READY) {
        KCP_ERR(r->p, KCP_R_BAD_STATE, "KCRYPT-DRBG: not instantiated");
        return 0;
    }
    /* entropy and additional input both go in as the kernel's seed input */
    size_t n = ent_len + adin_len;
    unsigned char *seed = n ? OPENSSL_malloc(n) : NULL;
    if (n && !seed) {
        KCP_ERR(r->p, KCP_R_NOMEM, "KCRYPT-DRBG: out of memory");
        return 0;
    }
    if (ent_len)
        memcpy(seed, ent, ent_len);
    if (adin_len)
        memcpy(seed + ent_len, adin, adin_len);
    kc_error e;
    kc_error_clear(&e);
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    int ok = kc_rng_reseed(r->r, seed, n, &e) == KC_OK;
    OPENSSL_clear_free(seed, n);
    if (!ok)
        KCP_ERR_KC(r->p, &e, "KCRYPT-DRBG reseed");
    return ok;
}

static int rand_generate(void *vctx, unsigned char *out, size_t outlen, unsigned int strength,
                         int prediction_resistance, const unsigned char *adin, size_t adin_len)
{
    kcp_rand *r = vctx;
    if (strength > STRENGTH) {
        KCP_ERR(r->p, KCP_R_INVALID_ARGUMENT, "KCRYPT-DRBG: strength %u above %d", strength,
                STRENGTH);
        return 0;
    }
    if (r->state == EVP_RAND_STATE_READY && r->pid != getpid() && !open_rng(r, NULL, 0))
        return 0;
    if (r->state != EVP_RAND_STATE_READY) {
        KCP_ERR(r->p, KCP_R_BAD_STATE, "KCRYPT-DRBG: not instantiated");
        return 0;
    }
    if ((prediction_resistance || adin_len) &&
        !rand_reseed(r, prediction_resistance, NULL, 0, adin, adin_len))
        return 0;
    kc_error e;
    kc_error_clear(&e);
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    if (kc_rng_generate(r->r, out, outlen, &e) != KC_OK) {
        KCP_ERR_KC(r->p, &e, "KCRYPT-DRBG");
        return 0;
    }
    kcp_count(KCP_ST_RAND_BYTES, outlen);
    return 1;
}

static int rand_enable_locking(void *vctx)
{
    kcp_rand *r = vctx;
    if (r->lock)
        return 1;
    r->lock = OPENSSL_malloc(sizeof(*r->lock));
    if (!r->lock || pthread_mutex_init(r->lock, NULL) != 0) {
        OPENSSL_free(r->lock);
        r->lock = NULL;
        KCP_ERR(r->p, KCP_R_NOMEM, "KCRYPT-DRBG: cannot create a lock");
        return 0;
    }
    return 1;
}

static int rand_lock(void *vctx)
{
    kcp_rand *r = vctx;
    return !r->lock || pthread_mutex_lock(r->lock) == 0;
}

static void rand_unlock(void *vctx)
{
    kcp_rand *r = vctx;
    if (r->lock)
        pthread_mutex_unlock(r->lock);
}

/* Seed for a child DRBG that names this one as its parent. */
static size_t rand_get_seed(void *vctx, unsigned char **pout, int entropy, size_t min_len,
                            size_t max_len, int prediction_resistance, const unsigned char *adin,
                            size_t adin_len)
{
    kcp_rand *r = vctx;
    size_t n = (size_t)(entropy + 7) / 8;
    if (n < min_len)
        n = min_len;
    if (n > max_len)
        n = max_len;
    unsigned char *buf = OPENSSL_secure_malloc(n ? n : 1);
    if (!buf || !rand_generate(r, buf, n, 0, prediction_resistance, adin, adin_len)) {
        OPENSSL_secure_clear_free(buf, n);
        return 0;
    }
    *pout = buf;
    return n;
}

static void rand_clear_seed(void *vctx, unsigned char *out, size_t outlen)
{
    (void)vctx;
    OPENSSL_secure_clear_free(out, outlen);
}

static const OSSL_PARAM rand_gettable_list[] = {
    OSSL_PARAM_int(OSSL_RAND_PARAM_STATE, NULL),
    OSSL_PARAM_uint(OSSL_RAND_PARAM_STRENGTH, NULL),
    OSSL_PARAM_size_t(OSSL_RAND_PARAM_MAX_REQUEST, NULL),
    OSSL_PARAM_END
};

static const OSSL_PARAM *rand_gettable(void *vctx, void *provctx)
{
    (void)vctx, (void)provctx;
    return rand_gettable_list;
}

static int rand_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
    kcp_rand *r = vctx;
    OSSL_PARAM *q;
    if ((q = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STATE)) && !OSSL_PARAM_set_int(q, r->state))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STRENGTH)) &&
        !OSSL_PARAM_set_uint(q, STRENGTH))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_MAX_REQUEST)) &&
        !OSSL_PARAM_set_size_t(q, MAX_REQUEST))
        return 0;
    return 1;
}

/* OpenSSL passes its DRBG settings (reseed intervals, cipher, digest) to
 * whatever RAND the config names; the kernel DRBG has its own policy. */
static int rand_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    (void)vctx, (void)params;
    return 1;
}

static const OSSL_PARAM rand_settable_list[] = { OSSL_PARAM_END };

static const OSSL_PARAM *rand_settable(void *vctx, void *provctx)
{
    (void)vctx, (void)provctx;
    return rand_settable_list;
}

static int rand_verify_zeroization(void *vctx)
{
    (void)vctx;
    return 1;
}

const OSSL_DISPATCH kcp_rand_functions[] = {
    { OSSL_FUNC_RAND_NEWCTX, (void (*)(void))rand_newctx },
    { OSSL_FUNC_RAND_FREECTX, (void (*)(void))rand_free },
    { OSSL_FUNC_RAND_INSTANTIATE, (void (*)(void))rand_instantiate },
    { OSSL_FUNC_RAND_UNINSTANTIATE, (void (*)(void))rand_uninstantiate },
    { OSSL_FUNC_RAND_GENERATE, (void (*)(void))rand_generate },
    { OSSL_FUNC_RAND_RESEED, (void (*)(void))rand_reseed },
    { OSSL_FUNC_RAND_ENABLE_LOCKING, (void (*)(void))rand_enable_locking },
    { OSSL_FUNC_RAND_LOCK, (void (*)(void))rand_lock },
    { OSSL_FUNC_RAND_UNLOCK, (void (*)(void))rand_unlock },
    { OSSL_FUNC_RAND_GET_SEED, (void (*)(void))rand_get_seed },
    { OSSL_FUNC_RAND_CLEAR_SEED, (void (*)(void))rand_clear_seed },
    { OSSL_FUNC_RAND_GETTABLE_CTX_PARAMS, (void (*)(void))rand_gettable },
    { OSSL_FUNC_RAND_GET_CTX_PARAMS, (void (*)(void))rand_get_ctx_params },
    { OSSL_FUNC_RAND_SETTABLE_CTX_PARAMS, (void (*)(void))rand_settable },
    { OSSL_FUNC_RAND_SET_CTX_PARAMS, (void (*)(void))rand_set_ctx_params },
    { OSSL_FUNC_RAND_VERIFY_ZEROIZATION, (void (*)(void))rand_verify_zeroization },
    { 0, NULL }
};
