/* SPDX-License-Identifier: Apache-2.0 */
/* Key wrap from keyed transforms (kc_keywrap_from_tfm), the path that lets
 * a PKCS#11 key object wrap without its bytes: the RFC 3394 and RFC 5649
 * answers through every transform that may serve, equal to kc_keywrap_new's;
 * one fd per context, none left by success or refusal; transforms that
 * cannot serve, unkeyed or a fork parent's, refused with a message naming
 * the key wrap (an unkeyed one at the first request: the kernel accepts op
 * sockets before a key is set). */
#include "expect.h"
#include "kc/kc.h"
#include "kct_proc.h"
#include "kct_hex.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static kct_tally *t;

/* Like EXPECT_STATUS, and a refusal's message must name `name` (the key
 * wrap asked for, not only the kernel transform under it). */
#define EXPECT_NAMED(label, name, want, call)                                                \
    do {                                                                                     \
        kc_error e_ = { 0 };                                                                 \
        kc_error *err = &e_;                                                                 \
        kc_status got_ = (call);                                                             \
        if (got_ == (want) && (got_ == KC_OK || strstr(e_.msg, (name))))                     \
            kct_pass(t, (label));                                                            \
        else                                                                                 \
            kct_fail(t, (label), "%s: got %s (%s), want %s naming %s", #call,                \
                     kc_status_name(got_), e_.msg, kc_status_name(want), (name));            \
        (void)err;                                                                           \
    } while (0)

typedef struct {
    kc_alg_id alg;
    const char *where, *kek, *pt, *ct;
} kat;

static const kat kats[] = {
    { KC_AES_KW, "RFC 3394 4.1", "000102030405060708090a0b0c0d0e0f",
      "00112233445566778899aabbccddeeff", "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5" },
    { KC_AES_KW, "RFC 3394 4.2", "000102030405060708090a0b0c0d0e0f1011121314151617",
      "00112233445566778899aabbccddeeff", "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d" },
    { KC_AES_KW, "RFC 3394 4.3",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "00112233445566778899aabbccddeeff", "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7" },
    { KC_AES_KW, "RFC 3394 4.4", "000102030405060708090a0b0c0d0e0f1011121314151617",
      "00112233445566778899aabbccddeeff0001020304050607",
      "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2" },
    { KC_AES_KW, "RFC 3394 4.5",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "00112233445566778899aabbccddeeff0001020304050607",
      "a8f9bc1612c68b3ff6e6f4fbe30e71e4769c8b80a32cb8958cd5d17d6b254da1" },
    { KC_AES_KW, "RFC 3394 4.6",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f",
      "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21" },
    { KC_AES_KWP, "RFC 5649 6 (20 bytes)", "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
      "c37b7e6492584340bed12207808941155068f738",
      "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a" },
    { KC_AES_KWP, "RFC 5649 6 (7 bytes)", "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
      "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f" },
};

/* The ways to a context: bytes every time; the transform the wrap asks for
 * (kw(aes) for KW unwrap); one ecb(aes) transform for both directions, as a
 * PKCS#11 key object shares it with its AES-ECB ciphers. */
enum { BY_BYTES, BY_WRAP_TFM, BY_ECB_TFM, PATHS };
static const char *const path_name[PATHS] = { "kc_keywrap_new", "kc_keywrap_tfm_new",
                                              "shared AES-ECB kc_tfm" };

static kc_status open_ctx(int path, const kat *k, const kct_bytes *kek, int wrap,
                          kc_keywrap **w, kc_error *err)
{
    kc_key key = KC_KEY_RAW(kek->p, kek->n);
    kc_tfm *tfm = NULL;
    kc_status s;
    if (path == BY_BYTES)
        return kc_keywrap_new(w, k->alg, NULL, &key, wrap, err);
    if (path == BY_WRAP_TFM)
        s = kc_keywrap_tfm_new(&tfm, k->alg, NULL, &key, wrap, err);
    else if ((s = kc_tfm_open(&tfm, KC_AES_ECB, NULL, err)) == KC_OK)
        s = kc_tfm_setkey(tfm, &key, err);
    if (s == KC_OK)
        s = kc_keywrap_from_tfm(w, k->alg, tfm, wrap, err);
    kc_tfm_free(tfm);
    return s;
}

/* Wrap pt, unwrap ct, and refuse ct with one bit flipped without writing. */
static void run_path(int path, const kat *k, const kct_bytes b[3], unsigned char *first_ct,
                     unsigned char *first_pt)
{
    const kct_bytes *kek = &b[0], *pt = &b[1], *ct = &b[2];
    const char *label = kc_alg(k->alg)->name;
    unsigned char out[64], bad[64];
    size_t n = 0;
    kc_error err = { 0 };
    kc_keywrap *w = NULL;
    if (open_ctx(path, k, kek, 1, &w, &err) != KC_OK ||
        kc_keywrap_wrap(w, pt->p, pt->n, out, &n, &err) != KC_OK)
        kct_fail(t, label, "%s, %s wrap: %s", k->where, path_name[path], err.msg);
    else if (!kct_bytes_eq(ct, out, n) || (path != BY_BYTES && memcmp(out, first_ct, n)))
        kct_fail(t, label, "%s, %s wrap: wrong answer", k->where, path_name[path]);
    else
        kct_pass(t, label);
    if (path == BY_BYTES && n == ct->n)
        memcpy(first_ct, out, n);
    kc_keywrap_free(w);

    w = NULL;
    n = 0;
    if (open_ctx(path, k, kek, 0, &w, &err) != KC_OK ||
        kc_keywrap_unwrap(w, ct->p, ct->n, out, &n, &err) != KC_OK)
        kct_fail(t, label, "%s, %s unwrap: %s", k->where, path_name[path], err.msg);
    else if (!kct_bytes_eq(pt, out, n) || (path != BY_BYTES && memcmp(out, first_pt, n)))
        kct_fail(t, label, "%s, %s unwrap: wrong answer", k->where, path_name[path]);
    else
        kct_pass(t, label);
    if (path == BY_BYTES && n == pt->n)
        memcpy(first_pt, out, n);
    memcpy(bad, ct->p, ct->n);
    bad[ct->n / 2] ^= 0x10;
    memset(out, 0xa5, sizeof(out));
    kc_status s = w ? kc_keywrap_unwrap(w, bad, ct->n, out, &n, &err) : KC_ERR_STATE;
    int untouched = 1;
    for (size_t i = 0; i < sizeof(out); i++)
        untouched &= out[i] == 0xa5;
    if (s == KC_ERR_AUTH && untouched && n == 0 && strstr(err.msg, label))
        kct_pass(t, label);
    else
        kct_fail(t, label, "%s, %s: corrupted input gave %s (%s)%s", k->where, path_name[path],
                 kc_status_name(s), err.msg, untouched ? "" : " and wrote out");
    kc_keywrap_free(w);
}

static void known_answers(void)
{
    for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
        const kat *k = &kats[i];
        kct_bytes b[3] = { { 0 } };
        unsigned char first_ct[64] = { 0 }, first_pt[64] = { 0 };
        if (kct_hex_decode(k->kek, &b[0]) || kct_hex_decode(k->pt, &b[1]) ||
            kct_hex_decode(k->ct, &b[2])) {
            kct_fail(t, kc_alg(k->alg)->name, "%s: bad vector hex", k->where);
        } else {
            for (int p = 0; p < PATHS; p++)
                run_path(p, k, b, first_ct, first_pt);
        }
        for (int j = 0; j < 3; j++)
            kct_bytes_free(&b[j]);
    }
}

/* One ecb(aes) transform serves an AES-ECB cipher and key wraps at once,
 * as on a PKCS#11 key object used for both. */
static void shared_with_cipher(void)
{
    static const unsigned char kek[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    unsigned char blk[16] = { 0 }, want[16], got[16], wrapped[40], back[32], data[32];
    kc_key key = KC_KEY_RAW(kek, sizeof(kek));
    kc_tfm *tfm = NULL;
    kc_cipher *c = NULL, *ref = NULL;
    kc_keywrap *w = NULL, *u = NULL;
    size_t n = 0, m = 0;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(0xf0 - i);
    int ok = kc_keywrap_tfm_new(&tfm, KC_AES_KWP, NULL, &key, 1, NULL) == KC_OK &&
             kc_tfm_alg(tfm) == KC_AES_ECB &&
             kc_cipher_from_tfm(&c, tfm, NULL) == KC_OK &&
             kc_keywrap_from_tfm(&w, KC_AES_KWP, tfm, 1, NULL) == KC_OK &&
             kc_keywrap_from_tfm(&u, KC_AES_KWP, tfm, 0, NULL) == KC_OK &&
             kc_cipher_new(&ref, KC_AES_ECB, NULL, &key, NULL) == KC_OK &&
             kc_cipher_oneshot(ref, 1, NULL, 0, blk, 16, want, NULL) == KC_OK &&
             kc_keywrap_wrap(w, data, 27, wrapped, &n, NULL) == KC_OK &&
             kc_cipher_oneshot(c, 1, NULL, 0, blk, 16, got, NULL) == KC_OK &&
             kc_keywrap_unwrap(u, wrapped, n, back, &m, NULL) == KC_OK &&
             !memcmp(got, want, 16) && m == 27 && !memcmp(back, data, 27);
    if (ok)
        kct_pass(t, "shared tfm");
    else
        kct_fail(t, "shared tfm", "a cipher and key wraps on one ecb(aes) transform disagree");
    kc_cipher_free(c);
    kc_cipher_free(ref);
    kc_keywrap_free(w);
    kc_keywrap_free(u);
    kc_tfm_free(tfm);
}

static void expect_fds(const char *what, int before, int delta)
{
    int now = kct_open_fds();
    if (now == before + delta)
        kct_pass(t, "fds");
    else
        kct_fail(t, "fds", "%s: %d fds open, want %d", what, now, before + delta);
}

static unsigned char key[32], data[64];

static void fds(void)
{
    kc_key k16 = KC_KEY_RAW(key, 16), k5 = KC_KEY_RAW(key, 5);
    kc_tfm *ecb = NULL, *kw = NULL, *cbc = NULL, *bare = NULL;
    kc_keywrap *w[5] = { NULL }, *x = NULL;
    unsigned char wrapped[80], back[64];
    size_t n = 0, m = 0;
    int base = kct_open_fds();
    kc_keywrap_tfm_new(&ecb, KC_AES_KWP, NULL, &k16, 1, NULL);
    kc_keywrap_tfm_new(&kw, KC_AES_KW, NULL, &k16, 0, NULL);
    expect_fds("two keyed transforms", base, 2);
    kc_keywrap_from_tfm(&w[0], KC_AES_KW, ecb, 1, NULL);
    kc_keywrap_from_tfm(&w[1], KC_AES_KW, kw, 0, NULL);
    kc_keywrap_from_tfm(&w[2], KC_AES_KW, ecb, 0, NULL);
    kc_keywrap_from_tfm(&w[3], KC_AES_KWP, ecb, 1, NULL);
    kc_keywrap_from_tfm(&w[4], KC_AES_KWP, ecb, 0, NULL);
    expect_fds("plus five contexts", base, 7);
    kc_tfm_free(ecb);
    kc_tfm_free(kw);
    expect_fds("transforms freed, contexts kept", base, 5);
    /* the op sockets keep the key: every context still works */
    int worked = w[0] && w[1] && w[2] && w[3] && w[4] &&
                 kc_keywrap_wrap(w[0], data, 32, wrapped, &n, NULL) == KC_OK &&
                 kc_keywrap_unwrap(w[1], wrapped, n, back, &m, NULL) == KC_OK && m == 32 &&
                 !memcmp(back, data, 32) &&
                 kc_keywrap_unwrap(w[2], wrapped, n, back, &m, NULL) == KC_OK && m == 32 &&
                 !memcmp(back, data, 32) &&
                 kc_keywrap_wrap(w[3], data, 13, wrapped, &n, NULL) == KC_OK &&
                 kc_keywrap_unwrap(w[4], wrapped, n, back, &m, NULL) == KC_OK && m == 13 &&
                 !memcmp(back, data, 13);
    if (worked)
        kct_pass(t, "fds");
    else
        kct_fail(t, "fds", "a context failed after its transform was freed");
    expect_fds("after operations", base, 5);
    for (int i = 0; i < 5; i++)
        kc_keywrap_free(w[i]);
    expect_fds("all freed", base, 0);

    /* refusals, of the transform or of the context, leave nothing behind */
    kc_tfm_open(&cbc, KC_AES_CBC, NULL, NULL);
    kc_tfm_setkey(cbc, &k16, NULL);
    kc_tfm_open(&bare, KC_AES_ECB, NULL, NULL);
    kc_keywrap_tfm_new(&kw, KC_AES_KW, NULL, &k16, 0, NULL);
    int mid = kct_open_fds();
    for (int i = 0; i < 50; i++) {
        kc_keywrap_from_tfm(&x, KC_AES_KWP, cbc, 1, NULL);
        kc_keywrap_from_tfm(&x, KC_AES_KWP, bare, 1, NULL);
        if (x && kc_keywrap_wrap(x, data, 16, wrapped, &n, NULL) != KC_ERR_KEY)
            kct_fail(t, "fds", "a context of an unkeyed transform wrapped");
        kc_keywrap_free(x);
        kc_keywrap_from_tfm(&x, KC_AES_KW, kw, 1, NULL);
        kc_keywrap_tfm_new(&ecb, KC_AES_KW, NULL, &k5, 1, NULL);
        if (i < 3)   /* an unknown driver makes the kernel run modprobe */
            kc_keywrap_tfm_new(&ecb, KC_AES_KW, "no-such-driver", &k16, 1, NULL);
    }
    expect_fds("after 153 refusals and 50 unkeyed contexts", mid, 0);
    kc_tfm_free(cbc);
    kc_tfm_free(bare);
    kc_tfm_free(kw);
    /* kc_keywrap_new goes through a transform it frees at once */
    for (int i = 0; i < 20; i++) {
        kc_keywrap_new(&x, i % 2 ? KC_AES_KWP : KC_AES_KW, NULL, &k16, i % 4 < 2, NULL);
        kc_keywrap_free(x);
    }
    kc_keywrap_new(&x, KC_AES_KW, NULL, &k16, 0, NULL);
    expect_fds("one kc_keywrap_new context", base, 1);
    kc_keywrap_free(x);
    expect_fds("everything freed", base, 0);
}

static void errors(void)
{
    kc_key k16 = KC_KEY_RAW(key, 16), k5 = KC_KEY_RAW(key, 5);
    kc_tfm *ecb = NULL, *kw = NULL, *cbc = NULL, *bare = NULL, *got = NULL;
    kc_keywrap *w = NULL;
    unsigned char out[80];
    size_t n;
    if (kc_keywrap_tfm_alg(KC_AES_KW, 0) == KC_AES_KW &&
        kc_keywrap_tfm_alg(KC_AES_KW, 1) == KC_AES_ECB &&
        kc_keywrap_tfm_alg(KC_AES_KWP, 0) == KC_AES_ECB &&
        kc_keywrap_tfm_alg(KC_AES_KWP, 1) == KC_AES_ECB &&
        kc_keywrap_tfm_alg(KC_AES_GCM, 1) == KC_ALG_COUNT &&
        kc_keywrap_tfm_alg(KC_ALG_COUNT, 1) == KC_ALG_COUNT)
        kct_pass(t, "tfm alg");
    else
        kct_fail(t, "tfm alg", "kc_keywrap_tfm_alg gave the wrong transform");

    EXPECT_NAMED("errors", "AES-KWP", KC_ERR_INVALID_ARG,
                 kc_keywrap_tfm_new(&got, KC_AES_KWP, NULL, &k5, 1, err));
    EXPECT_NAMED("errors", "AES-KW", KC_ERR_INVALID_ARG,
                 kc_keywrap_tfm_new(&got, KC_AES_KW, NULL, NULL, 0, err));
    EXPECT_NAMED("errors", "AES-KW", KC_ERR_NO_ALG,
                 kc_keywrap_tfm_new(&got, KC_AES_KW, "kw-aes-no-such-driver", &k16, 0, err));
    EXPECT_NAMED("errors", "not a key wrap", KC_ERR_INVALID_ARG,
                 kc_keywrap_tfm_new(&got, KC_AES_GCM, NULL, &k16, 1, err));
    if (got)
        kct_fail(t, "errors", "a refused kc_keywrap_tfm_new left a transform");

    if (kc_keywrap_tfm_new(&ecb, KC_AES_KW, NULL, &k16, 1, NULL) != KC_OK ||
        kc_keywrap_tfm_new(&kw, KC_AES_KW, NULL, &k16, 0, NULL) != KC_OK ||
        kc_tfm_open(&cbc, KC_AES_CBC, NULL, NULL) != KC_OK ||
        kc_tfm_setkey(cbc, &k16, NULL) != KC_OK ||
        kc_tfm_open(&bare, KC_AES_ECB, NULL, NULL) != KC_OK) {
        kct_fail(t, "errors", "could not make the transforms to refuse");
        goto out;
    }
    EXPECT_NAMED("errors", "not a key wrap", KC_ERR_INVALID_ARG,
                 kc_keywrap_from_tfm(&w, KC_AES_CBC, cbc, 1, err));
    EXPECT_NAMED("errors", "AES-KW", KC_ERR_INVALID_ARG,
                 kc_keywrap_from_tfm(&w, KC_AES_KW, NULL, 1, err));
    /* kw(aes) cannot give a wrap's integrity block, nor unwrap KWP */
    EXPECT_NAMED("errors", "AES-KW: wrap runs on ecb(aes)", KC_ERR_INVALID_ARG,
                 kc_keywrap_from_tfm(&w, KC_AES_KW, kw, 1, err));
    EXPECT_NAMED("errors", "AES-KWP", KC_ERR_INVALID_ARG,
                 kc_keywrap_from_tfm(&w, KC_AES_KWP, kw, 0, err));
    EXPECT_NAMED("errors", "cbc(aes)", KC_ERR_INVALID_ARG,
                 kc_keywrap_from_tfm(&w, KC_AES_KWP, cbc, 1, err));
    if (w)
        kct_fail(t, "errors", "a refused kc_keywrap_from_tfm left a context");
    /* the kernel accepts op sockets from an unkeyed transform and refuses
     * their first request: ENOKEY, under the wrap's name */
    if (kc_keywrap_from_tfm(&w, KC_AES_KWP, bare, 1, NULL) == KC_OK) {
        EXPECT_NAMED("errors", "AES-KWP", KC_ERR_KEY, kc_keywrap_wrap(w, data, 16, out, &n, err));
        EXPECT_NAMED("errors", "errno 126", KC_ERR_KEY,
                     kc_keywrap_wrap(w, data, 16, out, &n, err));
        kc_keywrap_free(w);
    } else {
        kct_fail(t, "errors", "no context from an unkeyed ecb(aes) transform");
    }
    kc_tfm *bare_kw = NULL;
    if (kc_tfm_open(&bare_kw, KC_AES_KW, NULL, NULL) == KC_OK &&
        kc_keywrap_from_tfm(&w, KC_AES_KW, bare_kw, 0, NULL) == KC_OK) {
        EXPECT_NAMED("errors", "AES-KW", KC_ERR_KEY,
                     kc_keywrap_unwrap(w, data, 24, out, &n, err));
        kc_keywrap_free(w);
    } else {
        kct_fail(t, "errors", "no context from an unkeyed kw(aes) transform");
    }
    kc_tfm_free(bare_kw);
    w = NULL;

    /* contexts from transforms refuse bad input like kc_keywrap_new's */
    if (kc_keywrap_from_tfm(&w, KC_AES_KW, ecb, 1, NULL) == KC_OK) {
        EXPECT_NAMED("errors", "AES-KW", KC_ERR_INVALID_ARG,
                     kc_keywrap_wrap(w, data, 20, out, &n, err));
        EXPECT_NAMED("errors", "AES-KW", KC_ERR_INVALID_ARG,
                     kc_keywrap_wrap(w, data, 8, out, &n, err));
        EXPECT_NAMED("errors", "AES-KW", KC_ERR_STATE,
                     kc_keywrap_unwrap(w, data, 24, out, &n, err));
        EXPECT_NAMED("errors", "AES-KW", KC_OK, kc_keywrap_wrap(w, data, 16, out, &n, err));
        kc_keywrap_free(w);
    }
    if (kc_keywrap_from_tfm(&w, KC_AES_KW, ecb, 0, NULL) == KC_OK) {
        EXPECT_NAMED("errors", "AES-KW", KC_ERR_INVALID_ARG,
                     kc_keywrap_unwrap(w, data, 16, out, &n, err));
        EXPECT_NAMED("errors", "AES-KW", KC_ERR_INVALID_ARG,
                     kc_keywrap_unwrap(w, data, 30, out, &n, err));
        EXPECT_NAMED("errors", "AES-KW: integrity", KC_ERR_AUTH,
                     kc_keywrap_unwrap(w, data, 24, out, &n, err));
        kc_keywrap_free(w);
    }
    if (kc_keywrap_from_tfm(&w, KC_AES_KWP, ecb, 1, NULL) == KC_OK) {
        EXPECT_NAMED("errors", "AES-KWP", KC_ERR_INVALID_ARG,
                     kc_keywrap_wrap(w, data, 0, out, &n, err));
        EXPECT_NAMED("errors", "AES-KWP", KC_ERR_INVALID_ARG,
                     kc_keywrap_wrap(w, data, 64 * 1024 + 1, out, &n, err));
        kc_keywrap_free(w);
    }
    if (kc_keywrap_from_tfm(&w, KC_AES_KWP, ecb, 0, NULL) == KC_OK) {
        EXPECT_NAMED("errors", "AES-KWP", KC_ERR_INVALID_ARG,
                     kc_keywrap_unwrap(w, data, 12, out, &n, err));
        EXPECT_NAMED("errors", "AES-KWP: integrity", KC_ERR_AUTH,
                     kc_keywrap_unwrap(w, data, 16, out, &n, err));
        EXPECT_NAMED("errors", "AES-KWP: integrity", KC_ERR_AUTH,
                     kc_keywrap_unwrap(w, data, 32, out, &n, err));
        kc_keywrap_free(w);
    }
out:
    kc_tfm_free(ecb);
    kc_tfm_free(kw);
    kc_tfm_free(cbc);
    kc_tfm_free(bare);
}

/* A child must not accept from its parent's transform or use a parent's
 * context, but can key its own. */
static void fork_guard(void)
{
    kc_key k16 = KC_KEY_RAW(key, 16);
    kc_tfm *tfm = NULL;
    kc_keywrap *w = NULL;
    unsigned char out[40];
    size_t n;
    if (kc_keywrap_tfm_new(&tfm, KC_AES_KW, NULL, &k16, 1, NULL) != KC_OK ||
        kc_keywrap_from_tfm(&w, KC_AES_KW, tfm, 1, NULL) != KC_OK) {
        kct_fail(t, "fork", "context creation failed");
        kc_tfm_free(tfm);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        int bad = 0;
        kc_keywrap *x = NULL;
        kc_tfm *mine = NULL;
        kc_error e = { 0 };
        bad |= kc_keywrap_from_tfm(&x, KC_AES_KW, tfm, 1, &e) != KC_ERR_FORKED;
        bad |= !strstr(e.msg, "AES-KW");
        /* the exact status even without a kc_error to fill */
        bad |= kc_keywrap_from_tfm(&x, KC_AES_KW, tfm, 1, NULL) != KC_ERR_FORKED;
        bad |= x != NULL;
        bad |= kc_keywrap_wrap(w, data, 16, out, &n, NULL) != KC_ERR_FORKED;
        bad |= kc_keywrap_tfm_new(&mine, KC_AES_KW, NULL, &k16, 1, NULL) != KC_OK;
        bad |= kc_keywrap_from_tfm(&x, KC_AES_KW, mine, 1, NULL) != KC_OK;
        bad |= x && kc_keywrap_wrap(x, data, 16, out, &n, NULL) != KC_OK;
        kc_keywrap_free(x);
        kc_tfm_free(mine);
        kc_keywrap_free(w);
        kc_tfm_free(tfm);
        _exit(bad);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        kct_pass(t, "fork");
    else
        kct_fail(t, "fork", "the child used its parent's transform or context");
    if (kc_keywrap_wrap(w, data, 16, out, &n, NULL) == KC_OK)
        kct_pass(t, "fork");
    else
        kct_fail(t, "fork", "the parent's context stopped working after the fork");
    kc_keywrap_free(w);
    kc_tfm_free(tfm);
}

int main(void)
{
    t = kct_tally_new();
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (unsigned char)(i * 7 + 3);
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 31);
    if (!kc_probe()->afalg) {
        kct_fail(t, "AF_ALG", "no AF_ALG in this kernel: run through tools/kernel-run");
    } else {
        known_answers();
        shared_with_cipher();
        fds();
        errors();
        fork_guard();
    }
    kct_tally_print(t, stdout);
    int rc = kct_tally_exit_code(t);
    kct_tally_free(t);
    return rc;
}
