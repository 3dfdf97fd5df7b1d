/* SPDX-License-Identifier: Apache-2.0 */
/* KEYMGMT for RSA and RSA-PSS keys held by the kernel. Keys come from the
 * key reference decoder (load); import takes only a public key (n, e), so
 * OpenSSL can compare a certificate's key with ours; export gives only the
 * public key. Nothing here ever sees a private exponent. */
#include "rsa_key.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <string.h>

kcp_rsakey *kcp_rsakey_new(kcp_prov *p, int pss)
{
    kcp_rsakey *k = OPENSSL_zalloc(sizeof(*k));
    if (!k) {
        KCP_ERR(p, KCP_R_NOMEM, "RSA kernel key: out of memory");
        return NULL;
    }
    k->p = p;
    k->pss = pss;
    return k;
}

void kcp_rsakey_free(kcp_rsakey *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pub);
    OPENSSL_free(k);
}

size_t kcp_rsakey_size(const kcp_rsakey *k)
{
    return k->pub ? (size_t)EVP_PKEY_get_size(k->pub) : 0;
}

static void *rsa_new(void *provctx) { return kcp_rsakey_new(provctx, 0); }
static void *rsapss_new(void *provctx) { return kcp_rsakey_new(provctx, 1); }
static void rsa_free(void *kd) { kcp_rsakey_free(kd); }

static void *rsa_load(const void *reference, size_t size)
{
    if (size != sizeof(kcp_rsakey *))
        return NULL;
    kcp_rsakey **ref = (kcp_rsakey **)reference;
    kcp_rsakey *k = *ref;
    *ref = NULL;   /* ours now; the decoder frees what nobody took */
    return k;
}

static int rsa_has(const void *kd, int selection)
{
    const kcp_rsakey *k = kd;
    if (!k)
        return 0;
    if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) && !k->serial)
        return 0;
    if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) && !k->pub)
        return 0;
    return 1;
}

static int rsa_match(const void *a, const void *b, int selection)
{
    const kcp_rsakey *x = a, *y = b;
    if (!x->pub || !y->pub)
        return 0;
    if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) && x->serial && y->serial &&
        x->serial != y->serial)
        return 0;
    /* the same modulus and exponent is the same key pair */
    return EVP_PKEY_eq(x->pub, y->pub) == 1;
}

static const OSSL_PARAM public_types[] = {
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
    OSSL_PARAM_END
};

static const OSSL_PARAM *rsa_io_types(int selection)
{
    return selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY ? public_types : NULL;
}

static int rsa_import(void *kd, int selection, const OSSL_PARAM params[])
{
    kcp_rsakey *k = kd;
    if (OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_D)) {
        KCP_ERR(k->p, KCP_R_UNSUPPORTED,
                "RSA: kcrypt holds private keys only in the kernel; load them with "
                "`kcrypt key import` and use the key reference file");
        return 0;
    }
    if (!(selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY))
        return 0;
    const OSSL_PARAM *n = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_N);
    const OSSL_PARAM *e = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_E);
    if (!n || !e)
        return 0;
    OSSL_LIB_CTX *ctx = kcp_soft_libctx(k->p);
    OSSL_PARAM pub[] = { *n, *e, OSSL_PARAM_END };
    EVP_PKEY_CTX *pc = ctx ? EVP_PKEY_CTX_new_from_name(ctx, "RSA", "provider=default") : NULL;
    EVP_PKEY *pk = NULL;
    int ok = pc && EVP_PKEY_fromdata_init(pc) > 0 &&
             EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_PUBLIC_KEY, pub) > 0;
    EVP_PKEY_CTX_free(pc);
    if (!ok)
        return 0;
    EVP_PKEY_free(k->pub);
    k->pub = pk;
    return 1;
}

static int rsa_export(void *kd, int selection, OSSL_CALLBACK *cb, void *cbarg)
{
    kcp_rsakey *k = kd;
    /* Refusing an export that asks for the private half is what makes
     * OpenSSL run the operation here rather than on a public-only copy in
     * another provider (which would fail with "missing private key"). */
    if (!k->pub || !(selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) ||
        (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY))
        return 0;
    BIGNUM *n = NULL, *e = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    int ok = bld && EVP_PKEY_get_bn_param(k->pub, OSSL_PKEY_PARAM_RSA_N, &n) &&
             EVP_PKEY_get_bn_param(k->pub, OSSL_PKEY_PARAM_RSA_E, &e) &&
             OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
             OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
             (params = OSSL_PARAM_BLD_to_param(bld)) && cb(params, cbarg);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n), BN_free(e);
    return ok;
}

static const OSSL_PARAM gettable[] = {
    OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
    OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, NULL, 0),
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
    OSSL_PARAM_END
};

static const OSSL_PARAM *rsa_gettable(void *provctx)
{
    (void)provctx;
    return gettable;
}

static int rsa_get_params(void *kd, OSSL_PARAM params[])
{
    kcp_rsakey *k = kd;
    OSSL_PARAM *q;
    if (!k->pub)
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS)) &&
        !OSSL_PARAM_set_int(q, EVP_PKEY_get_bits(k->pub)))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS)) &&
        !OSSL_PARAM_set_int(q, EVP_PKEY_get_security_bits(k->pub)))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MAX_SIZE)) &&
        !OSSL_PARAM_set_int(q, EVP_PKEY_get_size(k->pub)))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_DEFAULT_DIGEST)) &&
        !OSSL_PARAM_set_utf8_string(q, "SHA256"))
        return 0;
    static const char *const numbers[] = { OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E };
    for (size_t i = 0; i < 2; i++) {
        if (!(q = OSSL_PARAM_locate(params, numbers[i])))
            continue;
        BIGNUM *bn = NULL;
        int ok = EVP_PKEY_get_bn_param(k->pub, numbers[i], &bn) && OSSL_PARAM_set_BN(q, bn);
        BN_free(bn);
        if (!ok)
            return 0;
    }
    return 1;
}

static void *rsa_dup(const void *kd, int selection)
{
    const kcp_rsakey *k = kd;
    kcp_rsakey *d = kcp_rsakey_new(k->p, k->pss);
    if (!d)
        return NULL;
    if (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) {
        d->serial = k->serial;
        memcpy(d->desc, k->desc, sizeof(d->desc));
    }
    if (k->pub && !EVP_PKEY_up_ref(k->pub)) {
        kcp_rsakey_free(d);
        return NULL;
    }
    d->pub = k->pub;
    return d;
}

static const char *rsa_query_name(int operation_id)
{
    (void)operation_id;
    return "RSA";
}

#define KEYMGMT_FUNCS(newfn)                                                                     \
    { OSSL_FUNC_KEYMGMT_NEW, (void (*)(void))newfn },                                         \
    { OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))rsa_free },                                     \
    { OSSL_FUNC_KEYMGMT_LOAD, (void (*)(void))rsa_load },                                     \
    { OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))rsa_has },                                       \
    { OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))rsa_match },                                   \
    { OSSL_FUNC_KEYMGMT_IMPORT, (void (*)(void))rsa_import },                                 \
    { OSSL_FUNC_KEYMGMT_IMPORT_TYPES, (void (*)(void))rsa_io_types },                         \
    { OSSL_FUNC_KEYMGMT_EXPORT, (void (*)(void))rsa_export },                                 \
    { OSSL_FUNC_KEYMGMT_EXPORT_TYPES, (void (*)(void))rsa_io_types },                         \
    { OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))rsa_get_params },                         \
    { OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))rsa_gettable },                      \
    { OSSL_FUNC_KEYMGMT_DUP, (void (*)(void))rsa_dup },                                       \
    { OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, (void (*)(void))rsa_query_name },               \
    { 0, NULL }

const OSSL_DISPATCH kcp_rsa_keymgmt_functions[] = { KEYMGMT_FUNCS(rsa_new) };
const OSSL_DISPATCH kcp_rsapss_keymgmt_functions[] = { KEYMGMT_FUNCS(rsapss_new) };
