/* SPDX-License-Identifier: Apache-2.0 */
/* HMAC (any digest the kernel has an hmac() for, chosen with "digest") and
 * CMAC (AES, chosen with "cipher") through EVP_MAC, on algif_hash keyed
 * transforms.
 *
 * Updates are gathered as for digests (TLS MACs each record in two small
 * updates). Handled by OpenSSL's default implementation instead: a digest
 * or cipher the kernel lacks, a message below the size floor, and libssl's
 * tls-data-size MAC of CBC records, which must run in constant time over
 * the record's padding (RFC 5246 6.2.3.2, "Lucky 13"): a kernel hash of
 * the unpadded length would leak that length through its timing. Also
 * there: a context the kernel will not give a socket (out of fds, or an
 * HMAC key beyond the socket's option memory; sockets.c) while the message
 * is still in the buffer.
 *
 * After fork() the keyed kernel state carries over as kc_hash does it
 * (kc/fork.h): the child's first use clones the parent's socket. */
#include "prov.h"

#include <openssl/crypto.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BUF_MIN 16384

typedef struct {
    kcp_prov *p;
    int cmac;
    kc_alg_id alg;              /* kernel algorithm, KC_ALG_COUNT when none fits */
    char subalg[64];            /* digest or cipher name as given */
    size_t cmac_keylen;         /* CMAC: the key length the cipher name implies */
    unsigned char *key;
    size_t keylen;
    int key_set;
    kc_hash *h;
    int dirty;
    kc_gather g;                /* updates gathered: kc/gather.h */
    size_t tls_data_size;
    EVP_MAC_CTX *soft;          /* the software MAC, when this context runs there */
} kcp_mac;

static const char *mname(const kcp_mac *m)
{
    return m->cmac ? "CMAC" : "HMAC";
}

static int use_soft(const kcp_mac *m)
{
    return m->alg == KC_ALG_COUNT || m->tls_data_size > 0;
}

static void *mac_newctx(void *provctx, int cmac)
{
    kcp_prov *p = provctx;
    kcp_mac *m = OPENSSL_zalloc(sizeof(*m));
    if (!m) {
        KCP_ERR(p, KCP_R_NOMEM, "MAC: out of memory");
        return NULL;
    }
    m->p = p;
    m->cmac = cmac;
    m->alg = KC_ALG_COUNT;
    kc_gather_init(&m->g, p->conf.min_size > BUF_MIN ? p->conf.min_size : BUF_MIN);
    return m;
}

static void *hmac_newctx(void *provctx)
{
    return mac_newctx(provctx, 0);
}

static void *cmac_newctx(void *provctx)
{
    return mac_newctx(provctx, 1);
}

static void mac_free(void *vctx)
{
    kcp_mac *m = vctx;
    if (!m)
        return;
    kc_hash_free(m->h);
    EVP_MAC_CTX_free(m->soft);
    OPENSSL_clear_free(m->key, m->keylen);
    kc_gather_free(&m->g);
    OPENSSL_free(m);
}

static int name_matches(const kc_alg_info *d, const char *name)
{
    const kcp_alg_names *on = kcp_names_of(d->id);
    if (!strcasecmp(on->name, name) || !strcasecmp(d->name, name))
        return 1;
    if (!on->aliases)
        return 0;
    const char *s = on->aliases;
    size_t n = strlen(name);
    while (*s) {
        const char *e = strchr(s, ':');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (l == n && !strncasecmp(s, name, n))
            return 1;
        if (!e)
            break;
        s = e + 1;
    }
    return 0;
}

static int kernel_usable(const kcp_prov *p, kc_alg_id id)
{
    return p->conf.enabled[id] && (p->conf.driver[id] || kc_available(id));
}

/* The kernel algorithm for a digest (HMAC) or cipher (CMAC) name. */
static kc_alg_id pick_alg(kcp_mac *m, const char *name)
{
    m->cmac_keylen = 0;
    if (m->cmac) {
        static const unsigned bits[] = { 128, 192, 256 };
        for (int i = 0; i < 3; i++) {
            char cbc[32];
            kcp_expand_name(cbc, sizeof(cbc), kcp_names_of(KC_AES_CBC)->name, bits[i]);
            if (!strcasecmp(cbc, name)) {
                m->cmac_keylen = bits[i] / 8;
                return kernel_usable(m->p, KC_CMAC_AES) ? KC_CMAC_AES : KC_ALG_COUNT;
            }
        }
        return KC_ALG_COUNT;
    }
    for (int id = 0; id < KC_ALG_COUNT; id++) {
        const kc_alg_info *a = kc_alg((kc_alg_id)id);
        if (a->kind == KC_KIND_MAC && a->digest != KC_ALG_COUNT &&
            name_matches(kc_alg(a->digest), name))
            return kernel_usable(m->p, (kc_alg_id)id) ? (kc_alg_id)id : KC_ALG_COUNT;
    }
    return KC_ALG_COUNT;
}

static void drop_kernel(kcp_mac *m)
{
    kc_hash_free(m->h);
    m->h = NULL;
    m->dirty = 0;
}

/* 1: m->h ready; 0: error raised; -1: no socket, software may serve. */
static int ensure_kernel(kcp_mac *m)
{
    if (m->h)
        return 1;
    kc_error e;
    kc_error_clear(&e);
    kc_key key = KC_KEY_RAW(m->key, m->keylen);
    if (kc_hash_new(&m->h, m->alg, kcp_driver(m->p, m->alg), &key, &e) != KC_OK) {
        if (kcp_soft_instead(m->p, kc_alg(m->alg)->name, &e))
            return -1;
        KCP_ERR_KC(m->p, &e, kc_alg(m->alg)->name);
        return 0;
    }
    kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    return 1;
}

/* A software MAC context keyed like this one, ready for data. */
static EVP_MAC_CTX *soft_new(kcp_mac *m, int with_tls)
{
    EVP_MAC *mac = kcp_soft_mac(m->p, m->cmac);
    EVP_MAC_CTX *x = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[4], *q = params;
    *q++ = OSSL_PARAM_construct_utf8_string(m->cmac ? OSSL_MAC_PARAM_CIPHER : OSSL_MAC_PARAM_DIGEST,
                                            m->subalg, 0);
    *q++ = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_PROPERTIES, "provider=default", 0);
    if (with_tls && m->tls_data_size)
        *q++ = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_TLS_DATA_SIZE, &m->tls_data_size);
    *q = OSSL_PARAM_construct_end();
    if (!x || !EVP_MAC_init(x, m->key ? m->key : (const unsigned char *)"", m->keylen, params)) {
        EVP_MAC_CTX_free(x);
        KCP_ERR(m->p, KCP_R_SOFTWARE_FAILED, "%s-%s: default implementation refused the setup",
                mname(m), m->subalg);
        return NULL;
    }
    kcp_count(KCP_ST_SOFTWARE_OPS, 1);
    return x;
}

static int mac_set_ctx_params(void *vctx, const OSSL_PARAM params[]);

static int set_key(kcp_mac *m, const unsigned char *key, size_t keylen)
{
    unsigned char *k = OPENSSL_malloc(keylen ? keylen : 1);
    if (!k) {
        KCP_ERR(m->p, KCP_R_NOMEM, "%s: out of memory", mname(m));
        return 0;
    }
    memcpy(k, key, keylen);
    OPENSSL_clear_free(m->key, m->keylen);
    m->key = k;
    m->keylen = keylen;
    m->key_set = 1;
    drop_kernel(m);
    EVP_MAC_CTX_free(m->soft);
    m->soft = NULL;
    return 1;
}

static int mac_init(void *vctx, const unsigned char *key, size_t keylen,
                    const OSSL_PARAM params[])
{
    kcp_mac *m = vctx;
    if (!mac_set_ctx_params(m, params))
        return 0;
    if (key && !set_key(m, key, keylen))
        return 0;
    if (!m->subalg[0] || !m->key_set) {
        KCP_ERR(m->p, KCP_R_BAD_STATE, "%s: %s not set", mname(m),
                !m->subalg[0] ? (m->cmac ? "cipher" : "digest") : "key");
        return 0;
    }
    if (m->cmac && m->cmac_keylen && m->keylen != m->cmac_keylen) {
        KCP_ERR(m->p, KCP_R_INVALID_KEY_LENGTH, "CMAC-%s: key must be %zu bytes, got %zu",
                m->subalg, m->cmac_keylen, m->keylen);
        return 0;
    }
    kc_gather_reset(&m->g);
    if (m->dirty) {
        kc_error e;
        kc_error_clear(&e);
        if (kc_hash_reset(m->h, &e) != KC_OK)
            drop_kernel(m);
        m->dirty = 0;
    }
    EVP_MAC_CTX_free(m->soft);
    m->soft = NULL;
    if (use_soft(m)) {
        const char *why = m->tls_data_size ? "constant-time TLS CBC record MAC"
                                           : "no kernel transform for this digest or cipher";
        if (!kcp_soft_permitted(m->p, m->subalg, why) || !(m->soft = soft_new(m, 1)))
            return 0;
    }
    return 1;
}

static int kernel_update(kcp_mac *m, const unsigned char *in, size_t len)
{
    kc_error e;
    kc_error_clear(&e);
    if (m->soft)
        return EVP_MAC_update(m->soft, in, len);
    int r = ensure_kernel(m);
    if (r < 0 && !m->dirty) {
        /* all of the message so far is in len: continue it in software */
        return (m->soft = soft_new(m, 0)) && EVP_MAC_update(m->soft, in, len);
    }
    if (r <= 0)
        return 0;
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    if (kc_hash_update(m->h, in, len, &e) != KC_OK) {
        KCP_ERR_KC(m->p, &e, kc_alg(m->alg)->name);
        return 0;
    }
    m->dirty = 1;
    return 1;
}

/* The gatherer's sink: part of the message to the kernel (or software);
 * an error is raised already. */
static kc_status kernel_sink(void *ctx, const unsigned char *in, size_t len, kc_error *err)
{
    return kernel_update(ctx, in, len) ? KC_OK : kc_fail(err, KC_ERR_KERNEL, 0, "raised");
}

static int mac_update(void *vctx, const unsigned char *in, size_t inl)
{
    kcp_mac *m = vctx;
    /* software from the start (or with nothing held back): straight there */
    if (m->soft && !kc_gather_len(&m->g))
        return EVP_MAC_update(m->soft, in, inl);
    if (!inl)
        return 1;
    if (m->alg == KC_ALG_COUNT) {
        KCP_ERR(m->p, KCP_R_BAD_STATE, "%s: update before init", mname(m));
        return 0;
    }
    kc_error e;
    kc_error_clear(&e);
    kc_status st = kc_gather_update(&m->g, in, inl, kernel_sink, m, &e);
    if (st == KC_ERR_NOMEM)
        KCP_ERR(m->p, KCP_R_NOMEM, "%s: out of memory", mname(m));
    return st == KC_OK;
}

static size_t mac_size(const kcp_mac *m)
{
    if (m->soft)
        return EVP_MAC_CTX_get_mac_size(m->soft);
    return m->alg == KC_ALG_COUNT ? 0 : kc_alg(m->alg)->out_size;
}

static int mac_final(void *vctx, unsigned char *out, size_t *outl, size_t outsize)
{
    kcp_mac *m = vctx;
    size_t size = mac_size(m);
    kc_error raised;
    if (m->soft) {
        /* bytes gathered after the message moved to software follow it */
        int ok = kc_gather_flush(&m->g, kernel_sink, m, &raised) == KC_OK &&
                 EVP_MAC_final(m->soft, out, outl, outsize);
        kc_gather_reset(&m->g);
        return ok;
    }
    if (m->alg == KC_ALG_COUNT || outsize < size) {
        KCP_ERR(m->p, m->alg == KC_ALG_COUNT ? KCP_R_BAD_STATE : KCP_R_OUTPUT_TOO_SMALL,
                "%s: %s", mname(m), m->alg == KC_ALG_COUNT ? "final before init" : "output too small");
        return 0;
    }
    kc_error e;
    kc_error_clear(&e);
    int ok, r = 1;
    unsigned long long total = m->g.total;
    if (!m->dirty && (total < m->p->conf.min_size || (r = ensure_kernel(m)) < 0)) {
        EVP_MAC_CTX *x = soft_new(m, 0);
        ok = x && EVP_MAC_update(x, kc_gather_data(&m->g), kc_gather_len(&m->g)) &&
             EVP_MAC_final(x, out, outl, outsize);
        EVP_MAC_CTX_free(x);
    } else if (!m->dirty) {
        ok = r;
        if (ok) {
            kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
            ok = kc_hash_oneshot(m->h, kc_gather_data(&m->g), kc_gather_len(&m->g), out, size,
                                 &e) == KC_OK;
        }
    } else {
        ok = kc_gather_flush(&m->g, kernel_sink, m, &raised) == KC_OK;
        if (ok) {
            kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
            ok = kc_hash_final(m->h, out, size, &e) == KC_OK;
        }
    }
    if (!ok && e.status != KC_OK)
        KCP_ERR_KC(m->p, &e, kc_alg(m->alg)->name);
    if (ok && (m->dirty || total >= m->p->conf.min_size))
        kcp_count(KCP_ST_MAC_OPS, 1);
    m->dirty = 0;
    kc_gather_reset(&m->g);
    if (ok)
        *outl = size;
    return ok;
}

static void *mac_dup(void *vctx)
{
    kcp_mac *src = vctx;
    kcp_mac *m = OPENSSL_memdup(src, sizeof(*src));
    if (!m) {
        KCP_ERR(src->p, KCP_R_NOMEM, "%s: out of memory", mname(src));
        return NULL;
    }
    m->h = NULL;
    m->soft = NULL;
    m->key = NULL;
    m->g.buf = NULL;
    if ((src->key && !(m->key = OPENSSL_memdup(src->key, src->keylen ? src->keylen : 1))) ||
        kc_gather_copy(&m->g, &src->g, NULL) != KC_OK ||
        (src->soft && !(m->soft = EVP_MAC_CTX_dup(src->soft)))) {
        KCP_ERR(src->p, KCP_R_NOMEM, "%s: out of memory", mname(src));
        mac_free(m);
        return NULL;
    }
    /* libssl copies its keyed MAC context for every record: keep a socket
     * on the original so each copy costs one accept */
    if (!src->soft && src->alg != KC_ALG_COUNT && src->key_set &&
        (src->dirty || src->p->conf.min_size == 0)) {
        kc_error e;
        kc_error_clear(&e);
        int r = src->dirty ? 1 : ensure_kernel(src);
        if (r > 0 && kc_hash_clone(&m->h, src->h, &e) != KC_OK && src->dirty) {
            KCP_ERR_KC(src->p, &e, kc_alg(src->alg)->name);
            r = 0;
        }
        /* a message still in the buffer needs no copy in the kernel: the
         * copy keys its own socket (or goes to software) when it must */
        if (r == 0) {
            mac_free(m);
            return NULL;
        }
        if (m->h)
            kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    }
    return m;
}

static int mac_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    kcp_mac *m = vctx;
    const OSSL_PARAM *q;
    if (!params)
        return 1;
    const char *which = m->cmac ? OSSL_MAC_PARAM_CIPHER : OSSL_MAC_PARAM_DIGEST;
    if ((q = OSSL_PARAM_locate_const(params, which))) {
        const char *name = NULL;
        if (!OSSL_PARAM_get_utf8_string_ptr(q, &name) || strlen(name) >= sizeof(m->subalg)) {
            KCP_ERR(m->p, KCP_R_INVALID_ARGUMENT, "%s: bad %s parameter", mname(m), which);
            return 0;
        }
        strcpy(m->subalg, name);
        m->alg = pick_alg(m, name);
        drop_kernel(m);
        EVP_MAC_CTX_free(m->soft);
        m->soft = NULL;
    }
    if ((q = OSSL_PARAM_locate_const(params, OSSL_MAC_PARAM_KEY))) {
        if (q->data_type != OSSL_PARAM_OCTET_STRING || !set_key(m, q->data, q->data_size)) {
            KCP_ERR(m->p, KCP_R_INVALID_ARGUMENT, "%s: bad key parameter", mname(m));
            return 0;
        }
    }
    if (!m->cmac && (q = OSSL_PARAM_locate_const(params, OSSL_MAC_PARAM_TLS_DATA_SIZE))) {
        if (!OSSL_PARAM_get_size_t(q, &m->tls_data_size))
            return 0;
        /* the software twin takes over for this record, see the top */
        if (m->tls_data_size && m->key_set && m->subalg[0]) {
            EVP_MAC_CTX_free(m->soft);
            if (!kcp_soft_permitted(m->p, m->subalg, "constant-time TLS CBC record MAC") ||
                !(m->soft = soft_new(m, 1)))
                return 0;
            /* bytes gathered so far belong to this record */
            kc_error raised;
            if (kc_gather_flush(&m->g, kernel_sink, m, &raised) != KC_OK)
                return 0;
        }
    }
    return 1;
}

static const OSSL_PARAM hmac_settable_list[] = {
    OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_PROPERTIES, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_MAC_PARAM_KEY, NULL, 0),
    OSSL_PARAM_size_t(OSSL_MAC_PARAM_TLS_DATA_SIZE, NULL),
    OSSL_PARAM_END
};

static const OSSL_PARAM cmac_settable_list[] = {
    OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_CIPHER, NULL, 0),
    OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_PROPERTIES, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_MAC_PARAM_KEY, NULL, 0),
    OSSL_PARAM_END
};

static const OSSL_PARAM mac_gettable_list[] = {
    OSSL_PARAM_size_t(OSSL_MAC_PARAM_SIZE, NULL),
    OSSL_PARAM_size_t(OSSL_MAC_PARAM_BLOCK_SIZE, NULL),
    OSSL_PARAM_END
};

static const OSSL_PARAM *hmac_settable(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return hmac_settable_list;
}

static const OSSL_PARAM *cmac_settable(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return cmac_settable_list;
}

static const OSSL_PARAM *mac_gettable(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return mac_gettable_list;
}

static int mac_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
    kcp_mac *m = vctx;
    OSSL_PARAM *q;
    if ((q = OSSL_PARAM_locate(params, OSSL_MAC_PARAM_SIZE)) &&
        !OSSL_PARAM_set_size_t(q, mac_size(m)))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_MAC_PARAM_BLOCK_SIZE))) {
        size_t b = m->soft ? EVP_MAC_CTX_get_block_size(m->soft)
                   : m->alg == KC_ALG_COUNT ? 0 : kc_alg(m->alg)->block_size;
        if (!OSSL_PARAM_set_size_t(q, b))
            return 0;
    }
    return 1;
}

const OSSL_DISPATCH kcp_hmac_functions[] = {
    { OSSL_FUNC_MAC_NEWCTX, (void (*)(void))hmac_newctx },
    { OSSL_FUNC_MAC_DUPCTX, (void (*)(void))mac_dup },
    { OSSL_FUNC_MAC_FREECTX, (void (*)(void))mac_free },
    { OSSL_FUNC_MAC_INIT, (void (*)(void))mac_init },
    { OSSL_FUNC_MAC_UPDATE, (void (*)(void))mac_update },
    { OSSL_FUNC_MAC_FINAL, (void (*)(void))mac_final },
    { OSSL_FUNC_MAC_GETTABLE_CTX_PARAMS, (void (*)(void))mac_gettable },
    { OSSL_FUNC_MAC_GET_CTX_PARAMS, (void (*)(void))mac_get_ctx_params },
    { OSSL_FUNC_MAC_SETTABLE_CTX_PARAMS, (void (*)(void))hmac_settable },
    { OSSL_FUNC_MAC_SET_CTX_PARAMS, (void (*)(void))mac_set_ctx_params },
    { 0, NULL }
};

const OSSL_DISPATCH kcp_cmac_functions[] = {
    { OSSL_FUNC_MAC_NEWCTX, (void (*)(void))cmac_newctx },
    { OSSL_FUNC_MAC_DUPCTX, (void (*)(void))mac_dup },
    { OSSL_FUNC_MAC_FREECTX, (void (*)(void))mac_free },
    { OSSL_FUNC_MAC_INIT, (void (*)(void))mac_init },
    { OSSL_FUNC_MAC_UPDATE, (void (*)(void))mac_update },
    { OSSL_FUNC_MAC_FINAL, (void (*)(void))mac_final },
    { OSSL_FUNC_MAC_GETTABLE_CTX_PARAMS, (void (*)(void))mac_gettable },
    { OSSL_FUNC_MAC_GET_CTX_PARAMS, (void (*)(void))mac_get_ctx_params },
    { OSSL_FUNC_MAC_SETTABLE_CTX_PARAMS, (void (*)(void))cmac_settable },
    { OSSL_FUNC_MAC_SET_CTX_PARAMS, (void (*)(void))mac_set_ctx_params },
    { 0, NULL }
};
