/* SPDX-License-Identifier: Apache-2.0 */
/* A pre-forking server's view of kcrypt: contexts of every algorithm family
 * are made and taken part way through a message in the parent, then 8
 * children and the parent each finish them (with data of their own) and
 * compare the bytes with the same contexts of OpenSSL's default provider,
 * which carry over a fork in memory. Random bytes must differ between the
 * parent and every child (OpenSSL's fork rule), through the kernel DRBG
 * and through OpenSSL's own DRBG running on kcrypt's AES (the nginx case
 * of issue 14). Afterwards the parent's contexts still work.
 *
 * usage: test_prefork MODULE_DIR */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 8
#define OUT_MAX 40960

static OSSL_LIB_CTX *lib;
static unsigned char msg[40000];
static const unsigned char key64[64] = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
    23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
    43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 65 };
static const unsigned char iv16[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };

/* What each process adds after the fork: different per process, so a
 * context that kept using its parent's kernel state shows. */
static void tail_of(int who, unsigned char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t[i] = (unsigned char)(who * 37 + i * 11 + 1);
}

/* One context, part way through a message. out holds what it produced so
 * far; finish appends the rest. */
typedef struct {
    EVP_MD_CTX *md;
    EVP_MAC_CTX *mac;
    EVP_CIPHER_CTX *c;
    unsigned char out[OUT_MAX];
    size_t outlen;
} state;

typedef struct {
    const char *name;
    int (*start)(state *s, const char *prop, const void *arg);
    int (*finish)(state *s, int who, const void *arg);
    const void *arg;
} family;

/* ---- digests: a message still in kcrypt's buffer, and one the kernel holds part of */

typedef struct {
    const char *md;
    size_t before;
} digest_arg;

static int digest_start(state *s, const char *prop, const void *arg)
{
    const digest_arg *a = arg;
    EVP_MD *md = EVP_MD_fetch(lib, a->md, prop);
    int ok = md && (s->md = EVP_MD_CTX_new()) && EVP_DigestInit_ex2(s->md, md, NULL) &&
             EVP_DigestUpdate(s->md, msg, a->before);
    EVP_MD_free(md);
    return ok;
}

static int digest_finish(state *s, int who, const void *arg)
{
    (void)arg;
    unsigned char t[100];
    unsigned int n = 0;
    tail_of(who, t, sizeof(t));
    /* a copy first (TLS copies its transcript), then the original */
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    int ok = copy && EVP_MD_CTX_copy_ex(copy, s->md) && EVP_DigestUpdate(copy, t, 10) &&
             EVP_DigestFinal_ex(copy, s->out, &n);
    s->outlen = n;
    ok = ok && EVP_DigestUpdate(s->md, t, sizeof(t)) &&
         EVP_DigestFinal_ex(s->md, s->out + s->outlen, &n);
    s->outlen += n;
    EVP_MD_CTX_free(copy);
    return ok;
}

/* ---- MACs */

typedef struct {
    const char *mac, *param, *sub;
    size_t keylen, before;
} mac_arg;

static int mac_start(state *s, const char *prop, const void *arg)
{
    const mac_arg *a = arg;
    EVP_MAC *mac = EVP_MAC_fetch(lib, a->mac, prop);
    OSSL_PARAM p[3] = { OSSL_PARAM_construct_utf8_string(a->param, (char *)a->sub, 0),
                        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_PROPERTIES,
                                                         (char *)prop, 0),
                        OSSL_PARAM_construct_end() };
    int ok = mac && (s->mac = EVP_MAC_CTX_new(mac)) && EVP_MAC_init(s->mac, key64, a->keylen, p) &&
             EVP_MAC_update(s->mac, msg, a->before);
    EVP_MAC_free(mac);
    return ok;
}

static int mac_finish(state *s, int who, const void *arg)
{
    (void)arg;
    unsigned char t[100];
    size_t n = 0;
    tail_of(who, t, sizeof(t));
    EVP_MAC_CTX *copy = EVP_MAC_CTX_dup(s->mac);
    int ok = copy && EVP_MAC_update(copy, t, 10) && EVP_MAC_final(copy, s->out, &n, 64);
    s->outlen = n;
    ok = ok && EVP_MAC_update(s->mac, t, sizeof(t)) &&
         EVP_MAC_final(s->mac, s->out + s->outlen, &n, 64);
    s->outlen += n;
    EVP_MAC_CTX_free(copy);
    return ok;
}

/* ---- block cipher modes: part of a message before the fork */

typedef struct {
    const char *cipher;
    size_t before;     /* bytes given before the fork */
    int pad;
} cipher_arg;

static int cipher_start(state *s, const char *prop, const void *arg)
{
    const cipher_arg *a = arg;
    EVP_CIPHER *c = EVP_CIPHER_fetch(lib, a->cipher, prop);
    int n = 0;
    int ok = c && (s->c = EVP_CIPHER_CTX_new()) &&
             EVP_EncryptInit_ex2(s->c, c, key64, iv16, NULL) &&
             EVP_CIPHER_CTX_set_padding(s->c, a->pad) &&
             EVP_EncryptUpdate(s->c, s->out, &n, msg, (int)a->before);
    s->outlen = (size_t)n;
    EVP_CIPHER_free(c);
    return ok;
}

static int cipher_finish(state *s, int who, const void *arg)
{
    const cipher_arg *a = arg;
    unsigned char t[96];
    int n = 0;
    tail_of(who, t, sizeof(t));
    size_t len = a->pad ? 77 : sizeof(t);
    int ok = EVP_EncryptUpdate(s->c, s->out + s->outlen, &n, t, (int)len);
    s->outlen += (size_t)n;
    ok = ok && EVP_EncryptFinal_ex(s->c, s->out + s->outlen, &n);
    s->outlen += (size_t)n;
    /* and a whole new message on the same context, keyed before the fork */
    ok = ok && EVP_EncryptInit_ex2(s->c, NULL, NULL, iv16, NULL) &&
         EVP_EncryptUpdate(s->c, s->out + s->outlen, &n, t, 64);
    s->outlen += (size_t)n;
    ok = ok && EVP_EncryptFinal_ex(s->c, s->out + s->outlen, &n);
    s->outlen += (size_t)n;
    return ok;
}

/* XTS: keyed before the fork, one data unit per update */
static int xts_finish(state *s, int who, const void *arg)
{
    (void)arg;
    unsigned char t[48];
    int n = 0;
    tail_of(who, t, sizeof(t));
    int ok = EVP_EncryptUpdate(s->c, s->out + s->outlen, &n, t, sizeof(t));
    s->outlen += (size_t)n;
    return ok;
}

/* ---- AEADs: keyed, nonce and AAD (and maybe some data) given before the fork */

typedef struct {
    const char *cipher;
    size_t data_before;
} aead_arg;

static int aead_start(state *s, const char *prop, const void *arg)
{
    const aead_arg *a = arg;
    EVP_CIPHER *c = EVP_CIPHER_fetch(lib, a->cipher, prop);
    int n = 0;
    int ok = c && (s->c = EVP_CIPHER_CTX_new()) &&
             EVP_EncryptInit_ex2(s->c, c, key64, iv16, NULL) &&
             EVP_EncryptUpdate(s->c, NULL, &n, msg, 13) &&
             (!a->data_before || EVP_EncryptUpdate(s->c, s->out, &n, msg + 13,
                                                   (int)a->data_before));
    s->outlen = a->data_before ? (size_t)n : 0;
    EVP_CIPHER_free(c);
    return ok;
}

static int aead_finish(state *s, int who, const void *arg)
{
    (void)arg;
    unsigned char t[90];
    int n = 0;
    tail_of(who, t, sizeof(t));
    int ok = EVP_EncryptUpdate(s->c, s->out + s->outlen, &n, t, sizeof(t));
    s->outlen += (size_t)n;
    ok = ok && EVP_EncryptFinal_ex(s->c, s->out + s->outlen, &n);
    s->outlen += (size_t)n;
    ok = ok && EVP_CIPHER_CTX_ctrl(s->c, EVP_CTRL_AEAD_GET_TAG, 16, s->out + s->outlen) > 0;
    s->outlen += 16;
    return ok;
}

/* CCM: keyed before the fork; the whole message after it */
static int ccm_start(state *s, const char *prop, const void *arg)
{
    (void)arg;
    EVP_CIPHER *c = EVP_CIPHER_fetch(lib, "AES-128-CCM", prop);
    int ok = c && (s->c = EVP_CIPHER_CTX_new()) &&
             EVP_EncryptInit_ex2(s->c, c, NULL, NULL, NULL) &&
             EVP_CIPHER_CTX_ctrl(s->c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) > 0 &&
             EVP_CIPHER_CTX_ctrl(s->c, EVP_CTRL_AEAD_SET_TAG, 16, NULL) > 0 &&
             EVP_EncryptInit_ex2(s->c, NULL, key64, iv16, NULL);
    EVP_CIPHER_free(c);
    return ok;
}

static int ccm_finish(state *s, int who, const void *arg)
{
    (void)arg;
    unsigned char t[70];
    int n = 0;
    tail_of(who, t, sizeof(t));
    int ok = EVP_EncryptUpdate(s->c, NULL, &n, NULL, sizeof(t)) &&
             EVP_EncryptUpdate(s->c, NULL, &n, msg, 20) &&
             EVP_EncryptUpdate(s->c, s->out, &n, t, sizeof(t));
    s->outlen = (size_t)n;
    ok = ok && EVP_EncryptFinal_ex(s->c, s->out + s->outlen, &n) &&
         EVP_CIPHER_CTX_ctrl(s->c, EVP_CTRL_AEAD_GET_TAG, 16, s->out + s->outlen) > 0;
    s->outlen += 16;
    return ok;
}

/* ---- key wrap: one key wrapped before the fork, another after */

static int wrap_start(state *s, const char *prop, const void *arg)
{
    (void)arg;
    EVP_CIPHER *c = EVP_CIPHER_fetch(lib, "AES-256-WRAP", prop);
    int n = 0;
    int ok = c && (s->c = EVP_CIPHER_CTX_new());
    if (ok)
        EVP_CIPHER_CTX_set_flags(s->c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    ok = ok && EVP_EncryptInit_ex2(s->c, c, key64, NULL, NULL) &&
         EVP_EncryptUpdate(s->c, s->out, &n, msg, 32);
    s->outlen = (size_t)n;
    EVP_CIPHER_free(c);
    return ok;
}

static int wrap_finish(state *s, int who, const void *arg)
{
    (void)arg;
    unsigned char t[24];
    int n = 0;
    tail_of(who, t, sizeof(t));
    int ok = EVP_EncryptInit_ex2(s->c, NULL, NULL, NULL, NULL) &&
             EVP_EncryptUpdate(s->c, s->out + s->outlen, &n, t, sizeof(t));
    s->outlen += (size_t)n;
    return ok;
}

static const digest_arg sha256_small = { "SHA2-256", 100 };
static const digest_arg sha256_kernel = { "SHA2-256", 20000 };   /* beyond the 16 KiB buffer */
static const digest_arg sha384_kernel = { "SHA2-384", 33000 };
static const digest_arg sha3_small = { "SHA3-256", 300 };
static const mac_arg hmac_small = { "HMAC", OSSL_MAC_PARAM_DIGEST, "SHA2-256", 32, 100 };
static const mac_arg hmac_kernel = { "HMAC", OSSL_MAC_PARAM_DIGEST, "SHA2-256", 32, 20000 };
static const mac_arg cmac = { "CMAC", OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 16, 40 };
static const cipher_arg cbc = { "AES-256-CBC", 40, 1 };
static const cipher_arg ctr = { "AES-128-CTR", 21, 0 };
static const cipher_arg ecb = { "AES-256-ECB", 32, 0 };
static const cipher_arg xts = { "AES-128-XTS", 64, 0 };
static const aead_arg gcm = { "AES-256-GCM", 0 };
static const aead_arg gcm_data = { "AES-128-GCM", 20 };
static const aead_arg chacha = { "ChaCha20-Poly1305", 0 };

static const family families[] = {
    { "SHA2-256 (in the buffer)", digest_start, digest_finish, &sha256_small },
    { "SHA2-256 (kernel state)", digest_start, digest_finish, &sha256_kernel },
    { "SHA2-384 (kernel state)", digest_start, digest_finish, &sha384_kernel },
    { "SHA3-256", digest_start, digest_finish, &sha3_small },
    { "HMAC-SHA2-256", mac_start, mac_finish, &hmac_small },
    { "HMAC-SHA2-256 (kernel state)", mac_start, mac_finish, &hmac_kernel },
    { "CMAC-AES-128", mac_start, mac_finish, &cmac },
    { "AES-256-CBC (mid-message)", cipher_start, cipher_finish, &cbc },
    { "AES-128-CTR (mid-block)", cipher_start, cipher_finish, &ctr },
    { "AES-256-ECB", cipher_start, cipher_finish, &ecb },
    { "AES-128-XTS", cipher_start, xts_finish, &xts },
    { "AES-256-GCM (AAD given)", aead_start, aead_finish, &gcm },
    { "AES-128-GCM (data begun)", aead_start, aead_finish, &gcm_data },
    { "ChaCha20-Poly1305", aead_start, aead_finish, &chacha },
    { "AES-128-CCM (keyed)", ccm_start, ccm_finish, NULL },
    { "AES-256-WRAP", wrap_start, wrap_finish, NULL },
};
#define NFAM (sizeof(families) / sizeof(families[0]))

static state kc_state[NFAM], ref_state[NFAM];

static void free_state(state *s)
{
    EVP_MD_CTX_free(s->md);
    EVP_MAC_CTX_free(s->mac);
    EVP_CIPHER_CTX_free(s->c);
    memset(s, 0, sizeof(*s));
}

/* Finish every family as process `who`; returns failures, prints each. */
static int finish_all(int who, const char *as)
{
    int bad = 0;
    for (size_t i = 0; i < NFAM; i++) {
        const family *f = &families[i];
        int kok = f->finish(&kc_state[i], who, f->arg);
        int rok = f->finish(&ref_state[i], who, f->arg);
        int same = kok && rok && kc_state[i].outlen == ref_state[i].outlen &&
                   kc_state[i].outlen > 0 &&
                   !memcmp(kc_state[i].out, ref_state[i].out, kc_state[i].outlen);
        if (!same) {
            bad++;
            printf("FAIL  %s: %s (kcrypt %s, %zu bytes; default %s, %zu bytes)\n", as, f->name,
                   kok ? "ok" : "failed", kc_state[i].outlen, rok ? "ok" : "failed",
                   ref_state[i].outlen);
            ERR_print_errors_fp(stdout);
        }
        ERR_clear_error();
    }
    return bad;
}

static int start_all(void)
{
    int bad = 0;
    for (size_t i = 0; i < NFAM; i++) {
        const family *f = &families[i];
        free_state(&kc_state[i]);
        free_state(&ref_state[i]);
        if (!f->start(&kc_state[i], "provider=kcrypt", f->arg) ||
            !f->start(&ref_state[i], "provider=default", f->arg)) {
            printf("FAIL  parent: %s: setup\n", f->name);
            ERR_print_errors_fp(stdout);
            bad++;
        }
    }
    return bad;
}

/* The random bytes of one process: the kernel DRBG and OpenSSL's own. */
typedef struct {
    unsigned char kdrbg[32], ossl[32];
    int ok;
} draw;

static EVP_RAND_CTX *kdrbg;

static void draw_now(draw *d)
{
    d->ok = EVP_RAND_generate(kdrbg, d->kdrbg, sizeof(d->kdrbg), 0, 0, NULL, 0) &&
            RAND_bytes_ex(lib, d->ossl, sizeof(d->ossl), 0) == 1;
}

static uint64_t counter(OSSL_PROVIDER *p, const char *name)
{
    uint64_t v = 0;
    OSSL_PARAM q[2] = { OSSL_PARAM_construct_uint64(name, &v), OSSL_PARAM_construct_end() };
    return OSSL_PROVIDER_get_params(p, q) ? v : 0;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    OSSL_PROVIDER *kprov, *dprov;
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODULE_DIR\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (unsigned char)(i * 7 + (i >> 8));
    lib = OSSL_LIB_CTX_new();
    if (!lib || !OSSL_PROVIDER_set_default_search_path(lib, argv[1]) ||
        !(kprov = OSSL_PROVIDER_load(lib, "kcrypt")) ||
        !(dprov = OSSL_PROVIDER_load(lib, "default"))) {
        ERR_print_errors_fp(stdout);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    /* as nginx with conf/nginx-kcrypt.conf: OpenSSL's own DRBG runs on
     * kcrypt's AES */
    EVP_set_default_properties(lib, "?provider=kcrypt");
    EVP_RAND *rand = EVP_RAND_fetch(lib, "KCRYPT-DRBG", "provider=kcrypt");
    kdrbg = rand ? EVP_RAND_CTX_new(rand, NULL) : NULL;
    EVP_RAND_free(rand);
    draw before;
    uint64_t ciph_before = counter(kprov, "kcrypt-cipher-ops");
    if (!kdrbg || !EVP_RAND_instantiate(kdrbg, 256, 0, NULL, 0, NULL))
        before.ok = 0;
    else
        draw_now(&before);
    uint64_t ciph_after = counter(kprov, "kcrypt-cipher-ops");
    if (!before.ok) {
        printf("FAIL  parent: random bytes before the fork\n");
        ERR_print_errors_fp(stdout);
        failed++;
    }
    failed += start_all();

    pid_t pid[CHILDREN];
    int pipes[CHILDREN][2];
    fflush(stdout);
    for (int c = 0; c < CHILDREN; c++) {
        if (pipe(pipes[c]) != 0)
            return 1;
        pid[c] = fork();
        if (pid[c] == 0) {
            char as[32];
            draw d;
            close(pipes[c][0]);
            snprintf(as, sizeof(as), "child %d", c);
            int bad = finish_all(c, as);
            draw_now(&d);
            if (!d.ok) {
                printf("FAIL  %s: random bytes\n", as);
                ERR_print_errors_fp(stdout);
            }
            /* and everything a second time, on fresh messages */
            bad += start_all();
            bad += finish_all(c + 100, as);
            if (write(pipes[c][1], &d, sizeof(d)) != (ssize_t)sizeof(d))
                bad++;
            fflush(stdout);
            _exit(bad > 250 ? 250 : bad);
        }
        close(pipes[c][1]);
    }
    /* the parent goes on at the same time */
    int pbad = finish_all(CHILDREN, "parent");
    draw mine, theirs[CHILDREN];
    draw_now(&mine);
    for (int c = 0; c < CHILDREN; c++) {
        int st = -1;
        ssize_t got = read(pipes[c][0], &theirs[c], sizeof(theirs[c]));
        close(pipes[c][0]);
        waitpid(pid[c], &st, 0);
        int bad = WIFEXITED(st) ? WEXITSTATUS(st) : (int)(2 * NFAM);
        if (got != (ssize_t)sizeof(theirs[c]))
            theirs[c].ok = 0, bad++;
        failed += bad;
        passed += (int)(2 * NFAM) - (bad < (int)(2 * NFAM) ? bad : (int)(2 * NFAM));
        printf("%s  child %d: %d of %zu contexts matched the default provider\n",
               bad ? "FAIL" : "pass", c, (int)(2 * NFAM) - bad, 2 * NFAM);
    }
    failed += pbad;
    passed += (int)NFAM - pbad;
    printf("%s  parent: %d of %zu contexts matched the default provider alongside its children\n",
           pbad ? "FAIL" : "pass", (int)NFAM - pbad, NFAM);

    /* no process shares random output with another, or with before the fork */
    int distinct = mine.ok, all_ok = mine.ok;
    for (int c = 0; c < CHILDREN; c++) {
        all_ok &= theirs[c].ok;
        const draw *x = &theirs[c];
        distinct &= memcmp(x->kdrbg, mine.kdrbg, 32) && memcmp(x->ossl, mine.ossl, 32) &&
                    memcmp(x->kdrbg, before.kdrbg, 32) && memcmp(x->ossl, before.ossl, 32);
        for (int o = 0; o < c; o++)
            distinct &= memcmp(x->kdrbg, theirs[o].kdrbg, 32) && memcmp(x->ossl, theirs[o].ossl, 32);
    }
    distinct &= memcmp(mine.kdrbg, before.kdrbg, 32) && memcmp(mine.ossl, before.ossl, 32);
    if (all_ok && distinct)
        passed++, printf("pass  random bytes: parent and %d children all drew different bytes "
                         "(KCRYPT-DRBG and OpenSSL's DRBG on kcrypt AES)\n", CHILDREN);
    else
        failed++, printf("FAIL  random bytes: %s\n",
                         all_ok ? "two processes drew the same bytes" : "a process could not draw");
    /* OpenSSL's DRBG really ran on kcrypt (its AES through the kernel) */
    if (ciph_after > ciph_before)
        passed++, printf("pass  OpenSSL's DRBG ran on kcrypt's AES (%llu cipher ops)\n",
                         (unsigned long long)(ciph_after - ciph_before));
    else
        failed++, printf("FAIL  OpenSSL's DRBG did not use kcrypt's AES\n");

    /* the parent still works: fresh messages on the same contexts' kinds */
    int again = start_all();
    again += finish_all(CHILDREN + 1, "parent after its children");
    failed += again;
    passed += (int)NFAM - (again < (int)NFAM ? again : (int)NFAM);
    for (size_t i = 0; i < NFAM; i++) {
        free_state(&kc_state[i]);
        free_state(&ref_state[i]);
    }
    EVP_RAND_CTX_free(kdrbg);
    OSSL_PROVIDER_unload(kprov);
    OSSL_PROVIDER_unload(dprov);
    OSSL_LIB_CTX_free(lib);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
