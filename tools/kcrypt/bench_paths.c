/* SPDX-License-Identifier: Apache-2.0 */
/* The paths bench compares. The three EVP paths run the same EVP calls and
 * differ only in where the algorithm comes from: the kcrypt provider, the
 * default provider, or OpenSSL's afalg engine. Per operation: a CBC update
 * continuing the chain (as `openssl speed` does), a whole AEAD record with
 * 13 bytes of AAD (as TLS 1.2 does), a whole digest or MAC. */
#define OPENSSL_SUPPRESS_DEPRECATED /* the afalg engine is only reachable through ENGINE */
#include "bench.h"
#include "kc/kc.h"

#include <openssl/core_names.h>
#include <openssl/engine.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AAD_LEN 13

struct bench_ctx {
    bench_path path;
    bench_alg alg;
    size_t size;
    EVP_CIPHER_CTX *cctx;
    EVP_MD_CTX *mctx;
    EVP_MAC_CTX *macctx;
    EVP_MD *md;
    kc_raw *raw;
    unsigned char key[32], iv[12], aad[AAD_LEN], tag[16];
    unsigned char *in, *out;
};

static const char *alg_names[BA_COUNT] = { "AES-128-CBC", "AES-128-GCM", "AES-256-GCM",
                                           "ChaCha20-Poly1305", "SHA256", "HMAC-SHA256" };
static const char *path_names[BP_COUNT] = { "kcrypt", "kcrypt-uring", "afalg-engine",
                                            "raw-afalg", "raw-uring", "default" };

const char *bench_alg_name(bench_alg a) { return alg_names[a]; }
const char *bench_path_name(bench_path p) { return path_names[p]; }

static char provider_dir[512];
static OSSL_LIB_CTX *kcrypt_libctx;
static ENGINE *afalg;

void bench_set_provider_dir(const char *dir)
{
    snprintf(provider_dir, sizeof(provider_dir), "%s", dir ? dir : "");
}

static OSSL_LIB_CTX *libctx_of(bench_path p, char *why, size_t why_len)
{
    if (p != BP_KCRYPT && p != BP_KCRYPT_URING)
        return NULL;
    if (!kcrypt_libctx) {
        kcrypt_libctx = OSSL_LIB_CTX_new();
        if (provider_dir[0])
            OSSL_PROVIDER_set_default_search_path(kcrypt_libctx, provider_dir);
        if (!OSSL_PROVIDER_load(kcrypt_libctx, "kcrypt") ||
            !OSSL_PROVIDER_load(kcrypt_libctx, "default")) {
            snprintf(why, why_len, "kcrypt provider not loadable from %s",
                     provider_dir[0] ? provider_dir : "OpenSSL's modules directory");
            OSSL_LIB_CTX_free(kcrypt_libctx);
            kcrypt_libctx = NULL;
        }
    }
    return kcrypt_libctx;
}

static ENGINE *engine(char *why, size_t why_len)
{
    if (!afalg) {
        ENGINE *e = ENGINE_by_id("afalg");
        if (!e || !ENGINE_init(e)) {
            snprintf(why, why_len, "OpenSSL's afalg engine did not load");
            ENGINE_free(e);
            return NULL;
        }
        afalg = e;
    }
    return afalg;
}

static const char *props(bench_path p)
{
    return p == BP_KCRYPT || p == BP_KCRYPT_URING ? "provider=kcrypt" : "provider=default";
}

static int is_cipher(bench_alg a) { return a <= BA_CHACHA20_POLY1305; }

static int open_evp(bench_ctx *c, char *why, size_t why_len)
{
    OSSL_LIB_CTX *lc = libctx_of(c->path, why, why_len);
    if ((c->path == BP_KCRYPT || c->path == BP_KCRYPT_URING) && !lc)
        return 0;
    if (c->path == BP_ENGINE && c->alg != BA_AES128_CBC) {
        snprintf(why, why_len, "the afalg engine does AES-CBC only");
        return 0;
    }
    if (is_cipher(c->alg)) {
        ENGINE *e = c->path == BP_ENGINE ? engine(why, why_len) : NULL;
        if (c->path == BP_ENGINE && !e)
            return 0;
        EVP_CIPHER *fetched = c->path == BP_ENGINE ? NULL
                              : EVP_CIPHER_fetch(lc, alg_names[c->alg], props(c->path));
        const EVP_CIPHER *ciph = c->path == BP_ENGINE ? EVP_aes_128_cbc() : fetched;
        c->cctx = EVP_CIPHER_CTX_new();
        int ok = ciph && c->cctx && EVP_EncryptInit_ex(c->cctx, ciph, e, c->key, c->iv);
        EVP_CIPHER_free(fetched);
        if (ok && c->alg == BA_AES128_CBC)
            EVP_CIPHER_CTX_set_padding(c->cctx, 0);
        if (!ok)
            snprintf(why, why_len, "%s not fetchable from %s", alg_names[c->alg],
                     path_names[c->path]);
        return ok;
    }
    if (c->alg == BA_SHA256) {
        c->md = EVP_MD_fetch(lc, "SHA256", props(c->path));
        c->mctx = EVP_MD_CTX_new();
        if (!c->md || !c->mctx) {
            snprintf(why, why_len, "SHA256 not fetchable from %s", path_names[c->path]);
            return 0;
        }
        return 1;
    }
    EVP_MAC *mac = EVP_MAC_fetch(lc, "HMAC", props(c->path));
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                             (char *)"SHA256", 0),
                            OSSL_PARAM_construct_end() };
    c->macctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac);
    if (!c->macctx || !EVP_MAC_init(c->macctx, c->key, 32, params)) {
        snprintf(why, why_len, "HMAC-SHA256 not usable from %s", path_names[c->path]);
        return 0;
    }
    return 1;
}

static int open_raw(bench_ctx *c, char *why, size_t why_len)
{
    static const kc_alg_id ids[BA_COUNT] = { KC_AES_CBC, KC_AES_GCM, KC_AES_GCM,
                                             KC_CHACHA20_POLY1305, KC_SHA256, KC_HMAC_SHA256 };
    kc_key key = KC_KEY_RAW(c->key, c->alg == BA_AES128_CBC || c->alg == BA_AES128_GCM ? 16 : 32);
    kc_error e = { 0 };
    if (kc_raw_new(&c->raw, ids[c->alg], &key, c->size,
                   c->alg == BA_AES128_CBC || !is_cipher(c->alg) ? 0 : AAD_LEN, &e) != KC_OK) {
        snprintf(why, why_len, "%s", e.msg);
        return 0;
    }
    if (c->path == BP_RAW_URING && kc_raw_use_uring(c->raw, &e) != KC_OK) {
        snprintf(why, why_len, "%s", e.msg);
        return 0;
    }
    return 1;
}

bench_ctx *bench_open(bench_path p, bench_alg a, size_t size, char *why, size_t why_len)
{
    bench_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->path = p;
    c->alg = a;
    c->size = size;
    c->in = calloc(1, size + 64);
    c->out = calloc(1, size + 64);
    for (size_t i = 0; i < sizeof(c->key); i++)
        c->key[i] = (unsigned char)(i * 13 + 7);
    int ok = c->in && c->out && (p == BP_RAW || p == BP_RAW_URING ? open_raw(c, why, why_len)
                                             : open_evp(c, why, why_len));
    if (ok && a == BA_AES128_CBC && size % 16) {
        snprintf(why, why_len, "AES-CBC needs whole blocks");
        ok = 0;
    }
    if (!ok) {
        bench_close(c);
        return NULL;
    }
    return c;
}

static int aead_record(bench_ctx *c)
{
    int l, l2;
    return EVP_EncryptInit_ex(c->cctx, NULL, NULL, NULL, c->iv) &&
           EVP_EncryptUpdate(c->cctx, NULL, &l, c->aad, AAD_LEN) &&
           EVP_EncryptUpdate(c->cctx, c->out, &l, c->in, (int)c->size) &&
           EVP_EncryptFinal_ex(c->cctx, c->out + l, &l2) &&
           EVP_CIPHER_CTX_ctrl(c->cctx, EVP_CTRL_AEAD_GET_TAG, 16, c->tag);
}

int bench_op(bench_ctx *c)
{
    int l;
    size_t n;
    unsigned int mdlen;
    if (c->raw)
        return kc_raw_op(c->raw);
    switch (c->alg) {
    case BA_AES128_CBC:
        return EVP_EncryptUpdate(c->cctx, c->out, &l, c->in, (int)c->size) ? 0 : -1;
    case BA_AES128_GCM: case BA_AES256_GCM: case BA_CHACHA20_POLY1305:
        return aead_record(c) ? 0 : -1;
    case BA_SHA256:
        return EVP_DigestInit_ex(c->mctx, c->md, NULL) &&
               EVP_DigestUpdate(c->mctx, c->in, c->size) &&
               EVP_DigestFinal_ex(c->mctx, c->out, &mdlen) ? 0 : -1;
    case BA_HMAC_SHA256:
        return EVP_MAC_init(c->macctx, NULL, 0, NULL) &&
               EVP_MAC_update(c->macctx, c->in, c->size) &&
               EVP_MAC_final(c->macctx, c->out, &n, 64) ? 0 : -1;
    case BA_COUNT: break;
    }
    return -1;
}

void bench_close(bench_ctx *c)
{
    if (!c)
        return;
    EVP_CIPHER_CTX_free(c->cctx);
    EVP_MD_CTX_free(c->mctx);
    EVP_MD_free(c->md);
    EVP_MAC_CTX_free(c->macctx);
    kc_raw_free(c->raw);
    free(c->in);
    free(c->out);
    free(c);
}
