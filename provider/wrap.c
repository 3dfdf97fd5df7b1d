/* SPDX-License-Identifier: Apache-2.0 */
/* AES key wrap: AES-{128,192,256}-WRAP (RFC 3394) and -WRAP-PAD (RFC
 * 5649) through kc_keywrap. As in OpenSSL each update wraps or unwraps one
 * whole key; final produces nothing. Only the RFCs' default initial values
 * are supported: common/ has no way to pass another one. */
#include "prov.h"

#include <openssl/crypto.h>
#include <openssl/params.h>
#include <string.h>

typedef struct {
    kcp_prov *p;
    kc_alg_id alg;
    size_t keylen;
    char name[40];
    unsigned char key[32];
    int key_set, enc;
    kc_keywrap *w;
    int w_enc;
} kcp_wrap;

static const unsigned char kw_iv[8] = { 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6 };
static const unsigned char kwp_iv[4] = { 0xA6, 0x59, 0x59, 0xA6 };

static size_t wrap_ivlen(kc_alg_id alg)
{
    return alg == KC_AES_KW ? 8 : 4;
}

void *kcp_wrap_newctx(void *provctx, int slot)
{
    kcp_prov *p = provctx;
    const kcp_slot *s = kcp_slot_get(slot);
    kcp_wrap *w = OPENSSL_zalloc(sizeof(*w));
    if (!w) {
        KCP_ERR(p, KCP_R_NOMEM, "key wrap: out of memory");
        return NULL;
    }
    w->p = p;
    w->alg = s->alg;
    w->keylen = s->keylen;
    kcp_expand_name(w->name, sizeof(w->name), kcp_names_of(s->alg)->name, s->bits);
    return w;
}

static void wrap_free(void *vctx)
{
    kcp_wrap *w = vctx;
    if (!w)
        return;
    kc_keywrap_free(w->w);
    OPENSSL_clear_free(w, sizeof(*w));
}

static void *wrap_dup(void *vctx)
{
    kcp_wrap *src = vctx;
    kcp_wrap *w = OPENSSL_memdup(src, sizeof(*src));
    if (!w) {
        KCP_ERR(src->p, KCP_R_NOMEM, "%s: out of memory", src->name);
        return NULL;
    }
    w->w = NULL;
    return w;
}

static int wrap_set_ctx_params(void *vctx, const OSSL_PARAM params[]);

static int wrap_init(kcp_wrap *w, const unsigned char *key, size_t keylen,
                     const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[], int enc)
{
    w->enc = enc;
    if (iv) {
        const unsigned char *def = w->alg == KC_AES_KW ? kw_iv : kwp_iv;
        if (ivlen != wrap_ivlen(w->alg) || memcmp(iv, def, ivlen) != 0) {
            KCP_ERR(w->p, KCP_R_UNSUPPORTED,
                    "%s: only the RFC's default initial value is supported", w->name);
            return 0;
        }
    }
    if (key) {
        if (keylen != w->keylen) {
            KCP_ERR(w->p, KCP_R_INVALID_KEY_LENGTH, "%s: key must be %zu bytes, got %zu", w->name,
                    w->keylen, keylen);
            return 0;
        }
        memcpy(w->key, key, keylen);
        w->key_set = 1;
        kc_keywrap_free(w->w);
        w->w = NULL;
    }
    return wrap_set_ctx_params(w, params);
}

static int wrap_einit(void *vctx, const unsigned char *key, size_t keylen,
                      const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[])
{
    return wrap_init(vctx, key, keylen, iv, ivlen, params, 1);
}

static int wrap_dinit(void *vctx, const unsigned char *key, size_t keylen,
                      const unsigned char *iv, size_t ivlen, const OSSL_PARAM params[])
{
    return wrap_init(vctx, key, keylen, iv, ivlen, params, 0);
}

static int wrap_update(void *vctx, unsigned char *out, size_t *outl, size_t outsize,
                       const unsigned char *in, size_t inl)
{
    kcp_wrap *w = vctx;
    int pad = w->alg == KC_AES_KWP;
    *outl = 0;
    if (!inl)
        return 1;
    if ((!w->enc && (inl < 16 || inl % 8)) || (!pad && inl % 8)) {
        KCP_ERR(w->p, KCP_R_INVALID_ARGUMENT, "%s: invalid input length %zu", w->name, inl);
        return 0;
    }
    if (!out) {
        /* a length query, as OpenSSL answers it */
        *outl = w->enc ? (pad ? (inl + 7) / 8 * 8 : inl) + 8 : inl - 8;
        return 1;
    }
    if (outsize < inl) {
        KCP_ERR(w->p, KCP_R_OUTPUT_TOO_SMALL, "%s: output too small", w->name);
        return 0;
    }
    if (!w->key_set) {
        KCP_ERR(w->p, KCP_R_BAD_STATE, "%s: no key set", w->name);
        return 0;
    }
    kc_error e;
    kc_error_clear(&e);
    /* after fork() the child keys a socket of its own (the one it has is
     * the parent's: closed here unused); the parent keeps the original */
    if (w->w && (w->w_enc != w->enc || kc_keywrap_inherited(w->w))) {
        kc_keywrap_free(w->w);
        w->w = NULL;
    }
    if (!w->w) {
        kc_key key = KC_KEY_RAW(w->key, w->keylen);
        if (kc_keywrap_new(&w->w, w->alg, kcp_driver(w->p, w->alg), &key, w->enc, &e) != KC_OK) {
            KCP_ERR_KC(w->p, &e, w->name);
            return 0;
        }
        w->w_enc = w->enc;
        kcp_count(KCP_ST_KERNEL_CONTEXTS, 1);
    }
    kc_status s = w->enc ? kc_keywrap_wrap(w->w, in, inl, out, outl, &e)
                         : kc_keywrap_unwrap(w->w, in, inl, out, outl, &e);
    kcp_count(KCP_ST_KERNEL_REQUESTS, 1);
    if (s != KC_OK) {
        KCP_ERR_KC(w->p, &e, w->name);
        return 0;
    }
    kcp_count(KCP_ST_WRAP_OPS, 1);
    return 1;
}

static int wrap_final(void *vctx, unsigned char *out, size_t *outl, size_t outsize)
{
    (void)vctx, (void)out, (void)outsize;
    *outl = 0;
    return 1;
}

static const OSSL_PARAM wrap_gettable_ctx_list[] = {
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_IVLEN, NULL),
    OSSL_PARAM_END
};

static const OSSL_PARAM wrap_settable_ctx_list[] = {
    OSSL_PARAM_size_t(OSSL_CIPHER_PARAM_KEYLEN, NULL),
    OSSL_PARAM_END
};

static const OSSL_PARAM *wrap_gettable_ctx(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return wrap_gettable_ctx_list;
}

static const OSSL_PARAM *wrap_settable_ctx(void *cctx, void *provctx)
{
    (void)cctx, (void)provctx;
    return wrap_settable_ctx_list;
}

static int wrap_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
    kcp_wrap *w = vctx;
    OSSL_PARAM *q;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_KEYLEN)) &&
        !OSSL_PARAM_set_size_t(q, w->keylen))
        return 0;
    if ((q = OSSL_PARAM_locate(params, OSSL_CIPHER_PARAM_IVLEN)) &&
        !OSSL_PARAM_set_size_t(q, wrap_ivlen(w->alg)))
        return 0;
    return 1;
}

static int wrap_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    kcp_wrap *w = vctx;
    const OSSL_PARAM *q;
    size_t sz;
    if (params && (q = OSSL_PARAM_locate_const(params, OSSL_CIPHER_PARAM_KEYLEN)) &&
        (!OSSL_PARAM_get_size_t(q, &sz) || sz != w->keylen)) {
        KCP_ERR(w->p, KCP_R_INVALID_KEY_LENGTH, "%s: key length is fixed at %zu", w->name,
                w->keylen);
        return 0;
    }
    return 1;
}

int kcp_wrap_get_params(int slot, OSSL_PARAM params[])
{
    const kcp_slot *s = kcp_slot_get(slot);
    return kcp_cipher_generic_get_params(params, EVP_CIPH_WRAP_MODE, s->keylen, 8,
                                         wrap_ivlen(s->alg), 0, 1);
}

const OSSL_DISPATCH kcp_wrap_functions[] = {
    { OSSL_FUNC_CIPHER_FREECTX, (void (*)(void))wrap_free },
    { OSSL_FUNC_CIPHER_DUPCTX, (void (*)(void))wrap_dup },
    { OSSL_FUNC_CIPHER_ENCRYPT_INIT, (void (*)(void))wrap_einit },
    { OSSL_FUNC_CIPHER_DECRYPT_INIT, (void (*)(void))wrap_dinit },
    { OSSL_FUNC_CIPHER_UPDATE, (void (*)(void))wrap_update },
    { OSSL_FUNC_CIPHER_FINAL, (void (*)(void))wrap_final },
    { OSSL_FUNC_CIPHER_GETTABLE_PARAMS, (void (*)(void))kcp_cipher_gettable_params },
    { OSSL_FUNC_CIPHER_GET_CTX_PARAMS, (void (*)(void))wrap_get_ctx_params },
    { OSSL_FUNC_CIPHER_SET_CTX_PARAMS, (void (*)(void))wrap_set_ctx_params },
    { OSSL_FUNC_CIPHER_GETTABLE_CTX_PARAMS, (void (*)(void))wrap_gettable_ctx },
    { OSSL_FUNC_CIPHER_SETTABLE_CTX_PARAMS, (void (*)(void))wrap_settable_ctx },
    { 0, NULL }
};
