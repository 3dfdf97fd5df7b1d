/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-1, SHA-2 and SHA-3 through algif_hash.
 *
 * Small updates are gathered here and reach the kernel as one sendmsg: TLS
 * feeds the transcript hash one handshake message at a time, and every
 * syscall costs more than hashing a few hundred bytes. A message that fits
 * the buffer costs one sendmsg and one read at final. The buffer also lets
 * a message below the configured size floor be finished by OpenSSL's
 * default implementation without the kernel having seen any of it.
 *
 * A context holds a kernel socket only while the kernel holds part of its
 * message (more than the buffer took); otherwise it takes one from the
 * per-process idle pool (hashpool.c) for the final request and gives it
 * straight back. So a server's live TLS connections hold no hash sockets
 * for their transcripts, and copies of a transcript (Finished, signatures)
 * cost no socket at all. dupctx of a message the kernel holds part of
 * clones the kernel's state with kc_hash_clone (accept on the op socket).
 * When no socket can be had (out of fds, sockets.c), a message still all
 * in the buffer continues in OpenSSL's default implementation.
 *
 * After fork() the kernel state carries over as kc_hash does it (kc/fork.h):
 * a child's first use clones the parent's socket, never writes to it. */
#include "prov.h"

#include <openssl/crypto.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN 16384

typedef struct {
    kcp_prov *p;
    int slot;
    kc_alg_id alg;
    size_t size;
    kc_hash *h;
    int dirty;                 /* the kernel holds part of this message */
    kc_gather g;               /* updates gathered: kc/gather.h */
    EVP_MD_CTX *soft;          /* no socket could be had: this message continues here */
} kcp_digest;

static const char *dname(const kcp_digest *d)
{
    return kcp_names_of(d->alg)->name;
}

void *kcp_digest_newctx(void *provctx, int slot)
{
    kcp_prov *p = provctx;
    const kcp_slot *s = kcp_slot_get(slot);
    kcp_digest *d = calloc(1, sizeof(*d));
    if (!d) {
        KCP_ERR(p, KCP_R_NOMEM, "digest: out of memory");
        return NULL;
    }
    d->p = p;
    d->slot = slot;
    d->alg = s->alg;
    d->size = kc_alg(s->alg)->out_size;
    kc_gather_init(&d->g, p->conf.min_size > BUF_MIN ? p->conf.min_size : BUF_MIN);
    return d;
}

static void digest_free(void *vctx)
{
    kcp_digest *d = vctx;
    if (!d)
        return;
    if (d->h && !d->dirty)
        kcp_pool_give(d->p, d->alg, d->h);
    else
        kc_hash_free(d->h);
    EVP_MD_CTX_free(d->soft);
    /* wiped: HMAC feeds key^ipad through here */
    kc_gather_free(&d->g);
    OPENSSL_cleanse(d, sizeof(*d));
    free(d);
}

/* 1: d->h ready; 0: error raised; -1: no socket, software may serve. */
static int ensure_kernel(kcp_digest *d)
{
    if (d->h || (d->h = kcp_pool_take(d->p, d->alg)))
        return 1;
    kc_error e;
    kc_error_clear(&e);
    if (kc_hash_new(&d->h, d->alg, kcp_driver(d->p, d->alg), NULL, &e) != KC_OK) {
        if (kcp_soft_instead(d->p, dname(d), &e))
            return -1;
        KCP_ERR_KC(d->p, &e, dname(d));
        return 0;
    }
    kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    return 1;
}

/* Between messages the socket goes back to the pool. */
static void release_kernel(kcp_digest *d)
{
    if (d->h && !d->dirty) {
        kcp_pool_give(d->p, d->alg, d->h);
        d->h = NULL;
    }
}

/* The message so far is all in the buffer: continue it in software. */
static int soft_continue(kcp_digest *d, const unsigned char *in, size_t len)
{
    const EVP_MD *md = kcp_soft_md(d->p, d->alg);
    if (!md || !(d->soft = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(d->soft, md, NULL) ||
        !EVP_DigestUpdate(d->soft, in, len)) {
        EVP_MD_CTX_free(d->soft);
        d->soft = NULL;
        KCP_ERR(d->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", dname(d));
        return 0;
    }
    return 1;
}

/* After a kernel error the socket's state is unknown: never reuse it. */
static void drop_kernel(kcp_digest *d)
{
    kc_hash_free(d->h);
    d->h = NULL;
    d->dirty = 0;
}

static int kernel_update(kcp_digest *d, const unsigned char *in, size_t len)
{
    kc_error e;
    kc_error_clear(&e);
    if (d->soft)
        return EVP_DigestUpdate(d->soft, in, len);
    int r = ensure_kernel(d);
    if (r < 0 && !d->dirty)
        return soft_continue(d, in, len);
    if (r <= 0)
        return 0;
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    if (kc_hash_update(d->h, in, len, &e) != KC_OK) {
        KCP_ERR_KC(d->p, &e, dname(d));
        drop_kernel(d);
        return 0;
    }
    d->dirty = 1;
    return 1;
}

/* The gatherer's sink: part of the message to the kernel (or software);
 * an error is raised already. */
static kc_status kernel_sink(void *ctx, const unsigned char *in, size_t len, kc_error *err)
{
    return kernel_update(ctx, in, len) ? KC_OK : kc_fail(err, KC_ERR_KERNEL, 0, "raised");
}

static int digest_init(void *vctx, const OSSL_PARAM params[])
{
    kcp_digest *d = vctx;
    (void)params;
    kc_gather_reset(&d->g);
    EVP_MD_CTX_free(d->soft);
    d->soft = NULL;
    if (d->dirty) {
        kc_error e;
        kc_error_clear(&e);
        if (kc_hash_reset(d->h, &e) != KC_OK) {
            /* a fresh socket is as good as a reset one */
            kc_hash_free(d->h);
            d->h = NULL;
        }
        d->dirty = 0;
    }
    release_kernel(d);
    return 1;
}

static int digest_update(void *vctx, const unsigned char *in, size_t inl)
{
    kcp_digest *d = vctx;
    kc_error e;
    kc_error_clear(&e);
    kc_status st = kc_gather_update(&d->g, in, inl, kernel_sink, d, &e);
    if (st == KC_ERR_NOMEM)
        KCP_ERR(d->p, KCP_R_NOMEM, "%s: out of memory", dname(d));
    return st == KC_OK;
}

static int soft_digest(kcp_digest *d, unsigned char *out)
{
    const EVP_MD *md = kcp_soft_md(d->p, d->alg);
    unsigned int n = 0;
    if (!md || !EVP_Digest(kc_gather_data(&d->g), kc_gather_len(&d->g), out, &n, md, NULL)) {
        KCP_ERR(d->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed", dname(d));
        return 0;
    }
    kcp_count(KCP_ST_SOFTWARE_OPS, 1);
    return 1;
}

static int digest_final(void *vctx, unsigned char *out, size_t *outl, size_t outsz)
{
    kcp_digest *d = vctx;
    kc_error e;
    kc_error_clear(&e);
    if (outsz < d->size) {
        KCP_ERR(d->p, KCP_R_OUTPUT_TOO_SMALL, "%s: digest needs %zu bytes, have %zu", dname(d),
                d->size, outsz);
        return 0;
    }
    int ok, r = 0;
    unsigned long long total = d->g.total;
    if (d->soft || d->dirty) {
        /* part of the message went on: the rest follows it */
        kc_error raised;
        ok = kc_gather_flush(&d->g, kernel_sink, d, &raised) == KC_OK;
        if (ok && d->soft) {
            unsigned int n = 0;
            if (!(ok = EVP_DigestFinal_ex(d->soft, out, &n)))
                KCP_ERR(d->p, KCP_R_SOFTWARE_FAILED, "%s: default implementation failed",
                        dname(d));
        } else if (ok) {
            kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
            ok = kc_hash_final(d->h, out, d->size, &e) == KC_OK;
        }
        EVP_MD_CTX_free(d->soft);
        d->soft = NULL;
    } else if (total < d->p->conf.min_size) {
        ok = soft_digest(d, out);
    } else if ((r = ensure_kernel(d)) < 0) {
        ok = soft_digest(d, out);
    } else {
        ok = r;
        if (ok) {
            kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
            ok = kc_hash_oneshot(d->h, kc_gather_data(&d->g), kc_gather_len(&d->g), out, d->size,
                                 &e) == KC_OK;
        }
    }
    if (!ok && e.status != KC_OK) {
        KCP_ERR_KC(d->p, &e, dname(d));
        drop_kernel(d);
    }
    if (ok && (d->dirty || total >= d->p->conf.min_size))
        kcp_count(KCP_ST_DIGEST_OPS, 1);
    /* final readies the kernel socket for a new message */
    d->dirty = 0;
    kc_gather_reset(&d->g);
    release_kernel(d);
    if (ok)
        *outl = d->size;
    return ok;
}

static void *digest_dup(void *vctx)
{
    kcp_digest *src = vctx;
    kcp_digest *d = malloc(sizeof(*d));
    if (!d) {
        KCP_ERR(src->p, KCP_R_NOMEM, "%s: out of memory", dname(src));
        return NULL;
    }
    *d = *src;
    d->h = NULL;
    d->soft = NULL;
    kc_error ce;
    if (kc_gather_copy(&d->g, &src->g, &ce) != KC_OK) {
        free(d);
        KCP_ERR(src->p, KCP_R_NOMEM, "%s: out of memory", dname(src));
        return NULL;
    }
    if (src->soft && (!(d->soft = EVP_MD_CTX_new()) || !EVP_MD_CTX_copy_ex(d->soft, src->soft))) {
        KCP_ERR(src->p, KCP_R_SOFTWARE_FAILED, "%s: cannot copy the software context",
                dname(src));
        digest_free(d);
        return NULL;
    }
    /* only the kernel's part of a message needs copying in the kernel: a
     * message still in the buffer is copied with it and costs no socket */
    if (src->dirty) {
        kc_error e;
        kc_error_clear(&e);
        if (kc_hash_clone(&d->h, src->h, &e) != KC_OK) {
            KCP_ERR_KC(src->p, &e, dname(src));
            digest_free(d);
            return NULL;
        }
        kcp_count(KCP_ST_DIGEST_CLONES, 1);
        kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    }
    return d;
}

static const OSSL_PARAM digest_params_list[] = {
    OSSL_PARAM_size_t(OSSL_DIGEST_PARAM_BLOCK_SIZE, NULL),
    OSSL_PARAM_size_t(OSSL_DIGEST_PARAM_SIZE, NULL),
    OSSL_PARAM_int(OSSL_DIGEST_PARAM_XOF, NULL),
    OSSL_PARAM_int(OSSL_DIGEST_PARAM_ALGID_ABSENT, NULL),
    OSSL_PARAM_END
};

int kcp_digest_get_params(int slot, OSSL_PARAM params[])
{
    const kc_alg_info *a = kc_alg(kcp_slot_get(slot)->alg);
    OSSL_PARAM *q;
    if ((q = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_BLOCK_SIZE)) &&
        !OSSL_PARAM_set_size_t(q, a->block_size))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_SIZE)) &&
        !OSSL_PARAM_set_size_t(q, a->out_size))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_XOF)) && !OSSL_PARAM_set_int(q, 0))
        return 0;
    /* like OpenSSL's own SHA digests: no NULL parameter in AlgorithmIdentifier */
    if ((q = OSSL_PARAM_locate(params, OSSL_DIGEST_PARAM_ALGID_ABSENT)) &&
        !OSSL_PARAM_set_int(q, 1))
        return 0;
    return 1;
}

static const OSSL_PARAM *digest_gettable_params(void *provctx)
{
    (void)provctx;
    return digest_params_list;
}

const OSSL_DISPATCH kcp_digest_functions[] = {
    { OSSL_FUNC_DIGEST_FREECTX, (void (*)(void))digest_free },
    { OSSL_FUNC_DIGEST_DUPCTX, (void (*)(void))digest_dup },
    { OSSL_FUNC_DIGEST_INIT, (void (*)(void))digest_init },
    { OSSL_FUNC_DIGEST_UPDATE, (void (*)(void))digest_update },
    { OSSL_FUNC_DIGEST_FINAL, (void (*)(void))digest_final },
    { OSSL_FUNC_DIGEST_GETTABLE_PARAMS, (void (*)(void))digest_gettable_params },
    { 0, NULL }
};
