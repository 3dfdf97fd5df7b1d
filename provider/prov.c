/* SPDX-License-Identifier: Apache-2.0 */
/* Entry point of kcrypt.so: reads the config, probes the kernel once and
 * answers OpenSSL's questions about what this provider offers. With no
 * AF_ALG, or a kernel module blocked, it still loads and simply offers
 * less, so OpenSSL keeps working through its default provider. */
#include "prov.h"

#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KCRYPT_VERSION
#define KCRYPT_VERSION "0.0.0"
#endif

static atomic_int reported;

/* Say once per process why kcrypt offers less than it was asked to. */
static void report_shortfall(kcp_prov *p)
{
    const kc_probe_result *r = kc_probe();
    if (!r->afalg) {
        snprintf(p->status, sizeof(p->status),
                 "kernel %s has no AF_ALG (socket: %s); kcrypt offers nothing",
                 r->kernel_release, strerror(r->afalg_errno));
    } else {
        size_t n = 0;
        for (int id = 0; id < KC_ALG_COUNT && n < sizeof(p->status) - 1; id++) {
            if (!p->conf.enabled[id] || p->conf.driver[id] || kcp_names_of((kc_alg_id)id)->offered != 1 ||
                r->alg[id].available)
                continue;
            n += (size_t)snprintf(p->status + n, sizeof(p->status) - n, "%s%s (%s)",
                                  n ? ", " : "unavailable in kernel " , kc_alg((kc_alg_id)id)->name,
                                  strerror(r->alg[id].bind_errno));
        }
        if (n >= sizeof(p->status))
            strcpy(p->status + sizeof(p->status) - 4, "...");
    }
    if (!p->status[0])
        return;
    kcp_debug("%s", p->status);
    if (atomic_exchange(&reported, 1) == 0)
        KCP_ERR(p, r->afalg ? KCP_R_ALG_UNAVAILABLE : KCP_R_NO_AFALG, "kcrypt: %s", p->status);
}

static OSSL_PARAM gettable_list[6 + KCP_ST_COUNT + 1];
static pthread_once_t gettable_once = PTHREAD_ONCE_INIT;

static void build_gettable(void)
{
    OSSL_PARAM *q = gettable_list;
    *q++ = OSSL_PARAM_construct_utf8_ptr(OSSL_PROV_PARAM_NAME, NULL, 0);
    *q++ = OSSL_PARAM_construct_utf8_ptr(OSSL_PROV_PARAM_VERSION, NULL, 0);
    *q++ = OSSL_PARAM_construct_utf8_ptr(OSSL_PROV_PARAM_BUILDINFO, NULL, 0);
    *q++ = OSSL_PARAM_construct_int(OSSL_PROV_PARAM_STATUS, NULL);
    *q++ = OSSL_PARAM_construct_utf8_ptr("kcrypt-status", NULL, 0);
    *q++ = OSSL_PARAM_construct_utf8_ptr("kcrypt-kernel", NULL, 0);
    for (const OSSL_PARAM *s = kcp_stats_gettable(); s->key; s++)
        *q++ = *s;
    *q = OSSL_PARAM_construct_end();
}

static const OSSL_PARAM *prov_gettable_params(void *provctx)
{
    (void)provctx;
    pthread_once(&gettable_once, build_gettable);
    return gettable_list;
}

static int prov_get_params(void *provctx, OSSL_PARAM params[])
{
    kcp_prov *p = provctx;
    OSSL_PARAM *q;
    if ((q = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME)) &&
        !OSSL_PARAM_set_utf8_ptr(q, "kcrypt Linux kernel crypto (AF_ALG) provider"))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION)) &&
        !OSSL_PARAM_set_utf8_ptr(q, KCRYPT_VERSION))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO)) &&
        !OSSL_PARAM_set_utf8_ptr(q, "kcrypt " KCRYPT_VERSION " built against " OPENSSL_VERSION_TEXT))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS)) && !OSSL_PARAM_set_int(q, 1))
        return 0;
    if ((q = OSSL_PARAM_locate(params, "kcrypt-status")) &&
        !OSSL_PARAM_set_utf8_ptr(q, p->status[0] ? p->status : "ok"))
        return 0;
    if ((q = OSSL_PARAM_locate(params, "kcrypt-kernel")) &&
        !OSSL_PARAM_set_utf8_ptr(q, kc_probe()->kernel_release))
        return 0;
    return kcp_stats_get(params);
}

static const OSSL_ALGORITHM *prov_query(void *provctx, int operation_id, int *no_cache)
{
    kcp_prov *p = provctx;
    *no_cache = 0;
    switch (operation_id) {
    case OSSL_OP_DIGEST: return p->digests;
    case OSSL_OP_CIPHER: return p->ciphers;
    case OSSL_OP_MAC: return p->macs;
    case OSSL_OP_RAND: return p->rands;
    case OSSL_OP_KEYMGMT: return p->keymgmt;
    case OSSL_OP_SIGNATURE: return p->signature;
    case OSSL_OP_ASYM_CIPHER: return p->asym_cipher;
    case OSSL_OP_DECODER: return p->decoder;
    default: return NULL;
    }
}

static const OSSL_ITEM *prov_reason_strings(void *provctx)
{
    (void)provctx;
    return kcp_reason_strings();
}

static void prov_teardown(void *provctx)
{
    kcp_prov *p = provctx;
    if (!p)
        return;
    kcp_algs_free(p);
    kcp_soft_free(&p->soft);
    pthread_mutex_destroy(&p->soft.lock);
    if (p->pool_ready)
        kcp_pool_free(&p->pool);
    kcp_conf_free(&p->conf);
    free(p);
}

static const OSSL_DISPATCH prov_functions[] = {
    { OSSL_FUNC_PROVIDER_TEARDOWN, (void (*)(void))prov_teardown },
    { OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, (void (*)(void))prov_gettable_params },
    { OSSL_FUNC_PROVIDER_GET_PARAMS, (void (*)(void))prov_get_params },
    { OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))prov_query },
    { OSSL_FUNC_PROVIDER_GET_REASON_STRINGS, (void (*)(void))prov_reason_strings },
    { 0, NULL }
};

int OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                       const OSSL_DISPATCH **out, void **provctx)
{
    OSSL_FUNC_core_get_params_fn *get_params = NULL;
    kcp_prov *p = calloc(1, sizeof(*p));
    if (!p)
        return 0;
    p->handle = handle;
    for (; in->function_id; in++) {
        switch (in->function_id) {
        case OSSL_FUNC_CORE_GET_PARAMS:
            get_params = OSSL_FUNC_core_get_params(in);
            break;
        case OSSL_FUNC_CORE_NEW_ERROR:
            p->c_new_error = OSSL_FUNC_core_new_error(in);
            break;
        case OSSL_FUNC_CORE_SET_ERROR_DEBUG:
            p->c_set_error_debug = OSSL_FUNC_core_set_error_debug(in);
            break;
        case OSSL_FUNC_CORE_VSET_ERROR:
            p->c_vset_error = OSSL_FUNC_core_vset_error(in);
            break;
        case OSSL_FUNC_BIO_READ_EX:
            p->c_bio_read_ex = OSSL_FUNC_BIO_read_ex(in);
            break;
        default:
            break;
        }
    }
    if (pthread_mutex_init(&p->soft.lock, NULL) != 0) {
        free(p);
        return 0;
    }
    p->pool_ready = kcp_pool_init(&p->pool);
    if (!p->pool_ready) {
        prov_teardown(p);
        return 0;
    }
    if (!kcp_conf_load(p, handle, get_params) || !kcp_algs_build(p)) {
        prov_teardown(p);
        return 0;
    }
    kcp_rsa_algs(p);
    report_shortfall(p);
    *out = prov_functions;
    *provctx = p;
    return 1;
}
