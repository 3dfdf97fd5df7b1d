/* SPDX-License-Identifier: Apache-2.0 */
/* Every bad input gets its own status and a message naming the algorithm:
 * wrong key, IV, nonce, tag and data lengths, absent algorithms and
 * drivers, keyring keys on a kernel without them, calls out of order. */
#include "expect.h"
#include "kc/kc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static kct_tally *t;
static unsigned char key[64], buf[256], out[256], tag[16];

static void cipher_errors(void)
{
    kc_cipher *c = NULL;
    kc_key k15 = KC_KEY_RAW(key, 15), k16 = KC_KEY_RAW(key, 16), k16x = KC_KEY_RAW(key, 40);
    EXPECT_STATUS(t, "AES-CBC", KC_ERR_INVALID_ARG, kc_cipher_new(&c, KC_AES_CBC, NULL, &k15, err));
    EXPECT_STATUS(t, "AES-XTS", KC_ERR_INVALID_ARG, kc_cipher_new(&c, KC_AES_XTS, NULL, &k16x, err));
    EXPECT_STATUS(t, "AES-CBC", KC_ERR_NO_ALG,
                  kc_cipher_new(&c, KC_AES_CBC, "cbc-aes-no-such-driver", &k16, err));
    EXPECT_STATUS(t, "AES-GCM", KC_ERR_INVALID_ARG, kc_cipher_new(&c, KC_AES_GCM, NULL, &k16, err));
    EXPECT_STATUS(t, "AES-CBC", KC_OK, kc_cipher_new(&c, KC_AES_CBC, NULL, &k16, err));
    if (!c)
        return;
    EXPECT_STATUS(t, "AES-CBC", KC_ERR_INVALID_ARG, kc_cipher_start(c, 1, buf, 12, err));
    EXPECT_STATUS(t, "AES-CBC", KC_ERR_INVALID_ARG, kc_cipher_start(c, 1, NULL, 16, err));
    size_t n;
    EXPECT_STATUS(t, "AES-CBC", KC_ERR_STATE, kc_cipher_update(c, buf, 16, out, &n, err));
    EXPECT_STATUS(t, "AES-CBC", KC_ERR_INVALID_ARG,
                  kc_cipher_oneshot(c, 1, buf, 16, buf, 17, out, err));
    EXPECT_STATUS(t, "AES-CBC", KC_OK, kc_cipher_start(c, 1, buf, 16, err));
    EXPECT_STATUS(t, "AES-CBC", KC_OK, kc_cipher_update(c, buf, 20, out, &n, err));
    if (n != 16)
        kct_fail(t, "AES-CBC", "update of 20 bytes gave %zu, want 16 (4 held back)", n);
    EXPECT_STATUS(t, "AES-CBC", KC_ERR_INVALID_ARG, kc_cipher_finish(c, err));
    /* the context still works after each refusal */
    EXPECT_STATUS(t, "AES-CBC", KC_OK, kc_cipher_oneshot(c, 1, buf, 16, buf, 32, out, err));
    kc_cipher_free(c);

    kc_key k32 = KC_KEY_RAW(key, 32);
    if (kc_cipher_new(&c, KC_AES_XTS, NULL, &k32, NULL) == KC_OK) {
        EXPECT_STATUS(t, "AES-XTS", KC_ERR_INVALID_ARG,
                      kc_cipher_oneshot(c, 1, buf, 16, buf, 15, out, err));
        EXPECT_STATUS(t, "AES-XTS", KC_OK, kc_cipher_start(c, 1, buf, 16, err));
        EXPECT_STATUS(t, "AES-XTS", KC_OK, kc_cipher_update(c, buf, 32, out, &n, err));
        EXPECT_STATUS(t, "AES-XTS", KC_ERR_STATE, kc_cipher_update(c, buf, 32, out, &n, err));
        kc_cipher_free(c);
    }
}

static void aead_errors(void)
{
    kc_aead *a = NULL;
    kc_key k16 = KC_KEY_RAW(key, 16), k32 = KC_KEY_RAW(key, 32);
    EXPECT_STATUS(t, "AES-GCM", KC_ERR_INVALID_ARG, kc_aead_new(&a, KC_AES_GCM, NULL, &k16, 10, err));
    EXPECT_STATUS(t, "AES-CCM", KC_ERR_INVALID_ARG, kc_aead_new(&a, KC_AES_CCM, NULL, &k16, 5, err));
    EXPECT_STATUS(t, "ChaCha20-Poly1305", KC_ERR_INVALID_ARG,
                  kc_aead_new(&a, KC_CHACHA20_POLY1305, NULL, &k32, 12, err));
    EXPECT_STATUS(t, "ChaCha20-Poly1305", KC_ERR_INVALID_ARG,
                  kc_aead_new(&a, KC_CHACHA20_POLY1305, NULL, &k16, 16, err));
    EXPECT_STATUS(t, "AES-GCM", KC_OK, kc_aead_new(&a, KC_AES_GCM, NULL, &k16, 16, err));
    if (a) {
        EXPECT_STATUS(t, "AES-GCM", KC_ERR_INVALID_ARG,
                      kc_aead_encrypt(a, buf, 16, NULL, 0, buf, 16, out, tag, err));
        EXPECT_STATUS(t, "AES-GCM", KC_ERR_INVALID_ARG,
                      kc_aead_encrypt(a, buf, 0, NULL, 0, buf, 16, out, tag, err));
        EXPECT_STATUS(t, "AES-GCM", KC_OK,
                      kc_aead_encrypt(a, buf, 12, buf, 3, buf, 16, out, tag, err));
        tag[3] ^= 4;
        EXPECT_STATUS(t, "AES-GCM", KC_ERR_AUTH,
                      kc_aead_decrypt(a, buf, 12, buf, 3, out, 16, tag, out, err));
        /* empty message: the tag must still be checked */
        EXPECT_STATUS(t, "AES-GCM", KC_OK, kc_aead_encrypt(a, buf, 12, NULL, 0, NULL, 0, NULL, tag, err));
        EXPECT_STATUS(t, "AES-GCM", KC_OK, kc_aead_decrypt(a, buf, 12, NULL, 0, NULL, 0, tag, NULL, err));
        tag[0] ^= 1;
        EXPECT_STATUS(t, "AES-GCM", KC_ERR_AUTH,
                      kc_aead_decrypt(a, buf, 12, NULL, 0, NULL, 0, tag, NULL, err));
        kc_aead_free(a);
    }
    if (kc_aead_new(&a, KC_AES_CCM, NULL, &k16, 8, NULL) == KC_OK) {
        EXPECT_STATUS(t, "AES-CCM", KC_ERR_INVALID_ARG,
                      kc_aead_encrypt(a, buf, 6, NULL, 0, buf, 16, out, tag, err));
        EXPECT_STATUS(t, "AES-CCM", KC_ERR_INVALID_ARG,
                      kc_aead_encrypt(a, buf, 14, NULL, 0, buf, 16, out, tag, err));
        kc_aead_free(a);
    }
}

static void hash_errors(void)
{
    kc_hash *h = NULL;
    kc_key k = KC_KEY_RAW(key, 16), k15 = KC_KEY_RAW(key, 15);
    EXPECT_STATUS(t, "HMAC-SHA256", KC_ERR_INVALID_ARG, kc_hash_new(&h, KC_HMAC_SHA256, NULL, NULL, err));
    EXPECT_STATUS(t, "SHA-256", KC_ERR_INVALID_ARG, kc_hash_new(&h, KC_SHA256, NULL, &k, err));
    EXPECT_STATUS(t, "CMAC-AES", KC_ERR_INVALID_ARG, kc_hash_new(&h, KC_CMAC_AES, NULL, &k15, err));
    EXPECT_STATUS(t, "SHA-256", KC_ERR_NO_ALG, kc_hash_new(&h, KC_SHA256, "sha256-nonexistent", NULL, err));
    EXPECT_STATUS(t, "SHA-256", KC_OK, kc_hash_new(&h, KC_SHA256, NULL, NULL, err));
    if (h) {
        EXPECT_STATUS(t, "SHA-256", KC_OK, kc_hash_update(h, buf, 10, err));
        EXPECT_STATUS(t, "SHA-256", KC_ERR_STATE, kc_hash_oneshot(h, buf, 10, out, 32, err));
        EXPECT_STATUS(t, "SHA-256", KC_OK, kc_hash_reset(h, err));
        EXPECT_STATUS(t, "SHA-256", KC_OK, kc_hash_oneshot(h, "", 0, out, 32, err));
        static const unsigned char empty[4] = { 0xe3, 0xb0, 0xc4, 0x42 };
        if (memcmp(out, empty, 4))
            kct_fail(t, "SHA-256", "reset did not drop the partial message");
        kc_hash_free(h);
    }
}

static void wrap_errors(void)
{
    kc_keywrap *w = NULL;
    kc_key k = KC_KEY_RAW(key, 16);
    size_t n;
    EXPECT_STATUS(t, "AES-KW", KC_OK, kc_keywrap_new(&w, KC_AES_KW, NULL, &k, 1, err));
    if (w) {
        EXPECT_STATUS(t, "AES-KW", KC_ERR_INVALID_ARG, kc_keywrap_wrap(w, buf, 8, out, &n, err));
        EXPECT_STATUS(t, "AES-KW", KC_ERR_INVALID_ARG, kc_keywrap_wrap(w, buf, 20, out, &n, err));
        EXPECT_STATUS(t, "AES-KW", KC_ERR_STATE, kc_keywrap_unwrap(w, buf, 24, out, &n, err));
        kc_keywrap_free(w);
    }
    EXPECT_STATUS(t, "AES-KW", KC_OK, kc_keywrap_new(&w, KC_AES_KW, NULL, &k, 0, err));
    if (w) {
        EXPECT_STATUS(t, "AES-KW", KC_ERR_INVALID_ARG, kc_keywrap_unwrap(w, buf, 16, out, &n, err));
        EXPECT_STATUS(t, "AES-KW", KC_ERR_AUTH, kc_keywrap_unwrap(w, buf, 24, out, &n, err));
        kc_keywrap_free(w);
    }
    EXPECT_STATUS(t, "AES-KWP", KC_OK, kc_keywrap_new(&w, KC_AES_KWP, NULL, &k, 0, err));
    if (w) {
        EXPECT_STATUS(t, "AES-KWP", KC_ERR_INVALID_ARG, kc_keywrap_unwrap(w, buf, 12, out, &n, err));
        EXPECT_STATUS(t, "AES-KWP", KC_ERR_AUTH, kc_keywrap_unwrap(w, buf, 16, out, &n, err));
        EXPECT_STATUS(t, "AES-KWP", KC_ERR_AUTH, kc_keywrap_unwrap(w, buf, 32, out, &n, err));
        kc_keywrap_free(w);
    }
}

/* Whether the running kernel is at least major.minor, from uname, so that
 * what the test expects does not come from the probe it checks. */
static int kernel_at_least(int major, int minor)
{
    int ma = 0, mi = 0;
    if (sscanf(kc_probe()->kernel_release, "%d.%d", &ma, &mi) != 2)
        return 0;
    return ma > major || (ma == major && mi >= minor);
}

/* Keyring keys by serial: on a kernel before 6.2 the distinct
 * "unsupported by this kernel" status; from 6.2 on, the key must work. */
static void keyring_keys(void)
{
    int32_t serial;
    kc_error e = { 0 };
    if (kc_keyring_add_logon("kcrypt:test-errors", key, 16, &serial, &e) != KC_OK) {
        kct_fail(t, "keyring", "adding a logon key: %s", e.msg);
        return;
    }
    kc_cipher *c = NULL;
    kc_key by_serial = KC_KEY_SERIAL(serial);
    int expected = kernel_at_least(6, 2);
    if (kc_probe()->keyring_keys != expected)
        kct_fail(t, "keyring", "kernel %s: the probe says keys by serial are %s",
                 kc_probe()->kernel_release, expected ? "missing" : "there");
    if (!expected) {
        /* before 6.2: the distinct status, asserted, not skipped */
        EXPECT_STATUS(t, "keyring (< 6.2 refuses keys by serial)", KC_ERR_UNSUPPORTED_KERNEL,
                      kc_cipher_new(&c, KC_AES_CBC, NULL, &by_serial, err));
    } else {
        kc_cipher *raw = NULL;
        kc_key k = KC_KEY_RAW(key, 16);
        unsigned char a[32], b[32];
        EXPECT_STATUS(t, "keyring", KC_OK, kc_cipher_new(&c, KC_AES_CBC, NULL, &by_serial, err));
        EXPECT_STATUS(t, "keyring", KC_OK, kc_cipher_new(&raw, KC_AES_CBC, NULL, &k, err));
        if (c && raw && kc_cipher_oneshot(c, 1, buf, 16, buf, 32, a, NULL) == KC_OK &&
            kc_cipher_oneshot(raw, 1, buf, 16, buf, 32, b, NULL) == KC_OK && !memcmp(a, b, 32))
            kct_pass(t, "keyring");
        else
            kct_fail(t, "keyring", "a keyring key did not encrypt like its bytes");
        kc_cipher_free(raw);
        kc_cipher_free(c);
        c = NULL;
        EXPECT_STATUS(t, "keyring", KC_ERR_KEY,
                      kc_cipher_new(&c, KC_AES_CBC, NULL, &KC_KEY_SERIAL(0x7ffffff0), err));
    }
    kc_cipher_free(c);
    kc_keyring_unlink(serial, NULL);
}

int main(void)
{
    t = kct_tally_new();
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (unsigned char)(i * 7 + 1);
    if (!kc_probe()->afalg) {
        kct_fail(t, "AF_ALG", "no AF_ALG in this kernel: run through tools/kernel-run");
    } else {
        cipher_errors();
        aead_errors();
        hash_errors();
        wrap_errors();
        keyring_keys();
    }
    kct_tally_print(t, stdout);
    int rc = kct_tally_exit_code(t);
    kct_tally_free(t);
    return rc;
}
