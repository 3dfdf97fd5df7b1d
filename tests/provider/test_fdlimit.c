/* SPDX-License-Identifier: Apache-2.0 */
/* kcrypt when the kernel will not give it a socket (issue 13 item 9): at
 * RLIMIT_NOFILE 40, 100 live contexts of each kind, every one finished
 * and compared byte for byte with the default provider: what finds no
 * socket runs in OpenSSL's default implementation. Also an HMAC key beyond
 * what the kernel's socket option takes, and with software-fallback = no
 * the same shortage fails with an error naming the errno instead.
 *
 * usage: test_fdlimit MODULE_DIR */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define LIVE 100
#define LIMIT 40

static OSSL_LIB_CTX *lib;
static int passed, failed;
static unsigned char data[20000];
static unsigned char key[32] = { 7, 6, 5, 4, 3, 2, 1 };
static unsigned char iv[16] = { 1, 2, 3 };

static void result(int ok, const char *what)
{
    if (ok) {
        passed++;
        printf("pass  %s\n", what);
    } else {
        failed++;
        printf("FAIL  %s\n", what);
        ERR_print_errors_fp(stdout);
    }
    ERR_clear_error();
}

static uint64_t counter(OSSL_PROVIDER *p, const char *name)
{
    uint64_t v = 0;
    OSSL_PARAM q[2] = { OSSL_PARAM_construct_uint64(name, &v), OSSL_PARAM_construct_end() };
    return OSSL_PROVIDER_get_params(p, q) ? v : 0;
}

/* digest of len bytes: 100 live contexts, each copied, copy and original
 * finished; all against the default provider */
static int digests(OSSL_LIB_CTX *ctx, size_t len)
{
    EVP_MD *k = EVP_MD_fetch(ctx, "SHA2-256", "provider=kcrypt");
    EVP_MD *d = EVP_MD_fetch(lib, "SHA2-256", "provider=default");
    EVP_MD_CTX *c[LIVE] = { 0 }, *x = EVP_MD_CTX_new();
    unsigned char want[32], want2[32], got[32];
    unsigned int n;
    int good = 0;
    EVP_Digest(data, len, want, &n, d, NULL);
    EVP_DigestInit_ex2(x, d, NULL);
    EVP_DigestUpdate(x, data, len);
    EVP_DigestUpdate(x, "copy", 4);
    EVP_DigestFinal_ex(x, want2, &n);
    for (int i = 0; i < LIVE; i++) {
        c[i] = EVP_MD_CTX_new();
        if (!EVP_DigestInit_ex2(c[i], k, NULL) || !EVP_DigestUpdate(c[i], data, len))
            EVP_MD_CTX_free(c[i]), c[i] = NULL;
    }
    for (int i = 0; i < LIVE; i++) {
        EVP_MD_CTX *cp = EVP_MD_CTX_new();
        int ok = c[i] && EVP_MD_CTX_copy_ex(cp, c[i]) && EVP_DigestUpdate(cp, "copy", 4) &&
                 EVP_DigestFinal_ex(cp, got, &n) && !memcmp(got, want2, 32) &&
                 EVP_DigestFinal_ex(c[i], got, &n) && !memcmp(got, want, 32);
        good += ok;
        EVP_MD_CTX_free(cp);
        EVP_MD_CTX_free(c[i]);
    }
    EVP_MD_CTX_free(x);
    EVP_MD_free(k);
    EVP_MD_free(d);
    return good;
}

/* cipher: 100 live contexts, each given its first part, then all finished */
static int ciphers(OSSL_LIB_CTX *ctx, const char *name, int aead)
{
    EVP_CIPHER *k = EVP_CIPHER_fetch(ctx, name, "provider=kcrypt");
    EVP_CIPHER *d = EVP_CIPHER_fetch(lib, name, "provider=default");
    EVP_CIPHER_CTX *c[LIVE] = { 0 }, *x = EVP_CIPHER_CTX_new();
    static unsigned char want[300], got[LIVE][300];
    int wl = 0, n, gl[LIVE] = { 0 }, good = 0;
    /* 37 bytes, then 77: a partial block held across the gap */
    EVP_EncryptInit_ex2(x, d, key, iv, NULL);
    EVP_EncryptUpdate(x, want, &n, data, 37);
    wl = n;
    EVP_EncryptUpdate(x, want + wl, &n, data + 37, 77);
    wl += n;
    EVP_EncryptFinal_ex(x, want + wl, &n);
    wl += n;
    if (aead)
        EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, want + wl), wl += 16;
    for (int i = 0; i < LIVE; i++) {
        c[i] = EVP_CIPHER_CTX_new();
        if (!EVP_EncryptInit_ex2(c[i], k, key, iv, NULL) ||
            !EVP_EncryptUpdate(c[i], got[i], &n, data, 37))
            EVP_CIPHER_CTX_free(c[i]), c[i] = NULL;
        else
            gl[i] = n;
    }
    for (int i = 0; i < LIVE; i++) {
        int ok = c[i] && EVP_EncryptUpdate(c[i], got[i] + gl[i], &n, data + 37, 77);
        gl[i] += ok ? n : 0;
        ok = ok && EVP_EncryptFinal_ex(c[i], got[i] + gl[i], &n);
        gl[i] += ok ? n : 0;
        if (ok && aead)
            ok = EVP_CIPHER_CTX_ctrl(c[i], EVP_CTRL_AEAD_GET_TAG, 16, got[i] + gl[i]) > 0,
            gl[i] += 16;
        good += ok && gl[i] == wl && !memcmp(got[i], want, (size_t)wl);
        EVP_CIPHER_CTX_free(c[i]);
    }
    EVP_CIPHER_CTX_free(x);
    EVP_CIPHER_free(k);
    EVP_CIPHER_free(d);
    return good;
}

/* HMAC-SHA256 over len bytes with a key of keylen: 100 live contexts */
static int hmacs(OSSL_LIB_CTX *ctx, const unsigned char *mkey, size_t keylen, size_t len, int live)
{
    EVP_MAC *k = EVP_MAC_fetch(ctx, "HMAC", "provider=kcrypt");
    EVP_MAC *d = EVP_MAC_fetch(lib, "HMAC", "provider=default");
    OSSL_PARAM p[2] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA2-256", 0),
                        OSSL_PARAM_construct_end() };
    EVP_MAC_CTX *c[LIVE] = { 0 }, *x = EVP_MAC_CTX_new(d);
    unsigned char want[32], got[32];
    size_t n;
    int good = 0;
    EVP_MAC_init(x, mkey, keylen, p);
    EVP_MAC_update(x, data, len);
    EVP_MAC_final(x, want, &n, sizeof(want));
    for (int i = 0; i < live; i++) {
        c[i] = EVP_MAC_CTX_new(k);
        if (!EVP_MAC_init(c[i], mkey, keylen, p) || !EVP_MAC_update(c[i], data, len))
            EVP_MAC_CTX_free(c[i]), c[i] = NULL;
    }
    for (int i = 0; i < live; i++) {
        good += c[i] && EVP_MAC_final(c[i], got, &n, sizeof(got)) && n == 32 &&
                !memcmp(got, want, 32);
        EVP_MAC_CTX_free(c[i]);
    }
    EVP_MAC_CTX_free(x);
    EVP_MAC_free(k);
    EVP_MAC_free(d);
    return good;
}

static int set_limit(rlim_t n)
{
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = n;
    return setrlimit(RLIMIT_NOFILE, &r) == 0;
}

/* A library context whose kcrypt section says software-fallback = no. */
static OSSL_LIB_CTX *strict_ctx(const char *moddir)
{
    char path[] = "/tmp/kcrypt-fdlimit-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return NULL;
    fprintf(f, "openssl_conf = init\n[init]\nproviders = provs\n[provs]\nkcrypt = kc\n"
               "default = df\n[kc]\nmodule = %s/kcrypt.so\nactivate = 1\n"
               "software-fallback = no\n[df]\nactivate = 1\n", moddir);
    fclose(f);
    OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
    if (ctx && !OSSL_LIB_CTX_load_config(ctx, path)) {
        OSSL_LIB_CTX_free(ctx);
        ctx = NULL;
    }
    unlink(path);
    return ctx;
}

int main(int argc, char **argv)
{
    OSSL_PROVIDER *kprov, *dprov;
    char what[160];
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODULE_DIR\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 13 + 5);
    lib = OSSL_LIB_CTX_new();
    OSSL_LIB_CTX *strict = strict_ctx(argv[1]);
    if (!lib || !strict || !OSSL_PROVIDER_set_default_search_path(lib, argv[1]) ||
        !(kprov = OSSL_PROVIDER_load(lib, "kcrypt")) ||
        !(dprov = OSSL_PROVIDER_load(lib, "default"))) {
        ERR_print_errors_fp(stdout);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    /* the HMAC key beyond the socket option memory (net.core.optmem_max),
     * with every fd available */
    static unsigned char bigkey[256 * 1024];
    for (size_t i = 0; i < sizeof(bigkey); i++)
        bigkey[i] = (unsigned char)(i * 3);
    result(hmacs(lib, bigkey, sizeof(bigkey), 1000, 1) == 1,
           "HMAC-SHA256 with a 256 KiB key (beyond the kernel's socket option memory)");
    /* warm up: fetches, the probe and the default provider's tables */
    digests(lib, 100);
    ciphers(lib, "AES-256-CBC", 0);
    ciphers(strict, "AES-256-CBC", 0);
    uint64_t soft_before = counter(kprov, "kcrypt-software-ops");

    if (!set_limit(LIMIT)) {
        result(0, "setrlimit");
        printf("%d passed, %d failed\n", passed, failed);
        return 1;
    }
    snprintf(what, sizeof(what), "SHA-256 copy+final, %d live contexts, 100 bytes (buffered)", LIVE);
    result(digests(lib, 100) == LIVE, what);
    snprintf(what, sizeof(what), "SHA-256 copy+final, %d live contexts, 20000 bytes (kernel state)", LIVE);
    result(digests(lib, sizeof(data)) == LIVE, what);
    static const char *names[] = { "AES-256-CBC", "AES-128-CTR", "AES-256-GCM",
                                   "ChaCha20-Poly1305" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int aead = strstr(names[i], "GCM") || strstr(names[i], "Poly");
        snprintf(what, sizeof(what), "%s, %d live contexts at RLIMIT_NOFILE %d", names[i], LIVE,
                 LIMIT);
        result(ciphers(lib, names[i], aead) == LIVE, what);
    }
    snprintf(what, sizeof(what), "HMAC-SHA256, %d live contexts, 20000 bytes", LIVE);
    result(hmacs(lib, key, 32, sizeof(data), LIVE) == LIVE, what);
    uint64_t soft = counter(kprov, "kcrypt-software-ops") - soft_before;
    snprintf(what, sizeof(what), "the software path served what found no socket (%llu ops)",
             (unsigned long long)soft);
    result(soft > 0, what);

    /* software-fallback = no: the shortage is an error naming the errno */
    int strict_good = ciphers(strict, "AES-256-CBC", 0);
    unsigned long e = ERR_peek_last_error();
    char buf[256] = "";
    ERR_error_string_n(e, buf, sizeof(buf));
    const char *data_str = NULL;
    ERR_peek_last_error_data(&data_str, NULL);
    snprintf(what, sizeof(what),
             "software-fallback = no: %d of %d succeed, the rest fail naming EMFILE", strict_good,
             LIVE);
    result(strict_good > 0 && strict_good < LIVE && data_str && strstr(data_str, "EMFILE"), what);
    ERR_clear_error();

    set_limit(1024);
    OSSL_LIB_CTX_free(strict);
    OSSL_PROVIDER_unload(kprov);
    OSSL_PROVIDER_unload(dprov);
    OSSL_LIB_CTX_free(lib);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
