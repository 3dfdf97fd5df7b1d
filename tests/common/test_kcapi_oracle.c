/* SPDX-License-Identifier: Apache-2.0 */
/* libkcapi as an independent oracle: it drives the same kernel through its
 * own AF_ALG code, so agreement checks kcrypt's request framing (op, IV,
 * AAD length, buffer layout) rather than the kernel's arithmetic. */
#include "kc/kc.h"
#include "kct_tally.h"
#include "rand_util.h"

#include <kcapi.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 40
#define MAXLEN 16384

static kct_tally *t;
static unsigned char in[MAXLEN + 64], a[MAXLEN + 64], b[MAXLEN + 64];

static void cbc_ctr(kc_alg_id alg)
{
    for (int r = 0; r < ROUNDS; r++) {
        unsigned char key[32], iv[16];
        size_t key_len = 16 + 8 * tr_below(3), len = tr_length(MAXLEN, alg == KC_AES_CBC ? 16 : 1);
        if (alg == KC_AES_CBC && !len)
            len = 16;
        if (!len)
            len = 1;
        tr_fill(key, key_len);
        tr_fill(iv, 16);
        tr_fill(in, len);
        kc_cipher *c = NULL;
        kc_key k = KC_KEY_RAW(key, key_len);
        kc_error e = { 0 };
        ssize_t n = alg == KC_AES_CBC
                        ? kcapi_cipher_enc_aes_cbc(key, (uint32_t)key_len, in, len, iv, b, len)
                        : kcapi_cipher_enc_aes_ctr(key, (uint32_t)key_len, in, len, iv, b, len);
        if (kc_cipher_new(&c, alg, NULL, &k, &e) != KC_OK ||
            kc_cipher_oneshot(c, 1, iv, 16, in, len, a, &e) != KC_OK)
            kct_fail(t, kc_alg(alg)->name, "kcrypt: %s", e.msg);
        else if (n != (ssize_t)len)
            kct_fail(t, kc_alg(alg)->name, "libkcapi failed: %zd", n);
        else if (memcmp(a, b, len))
            kct_fail(t, kc_alg(alg)->name, "%zu bytes differ from libkcapi", len);
        else
            kct_pass(t, kc_alg(alg)->name);
        kc_cipher_free(c);
    }
}

static void digests(void)
{
    for (int r = 0; r < ROUNDS; r++) {
        unsigned char key[100], md1[32], md2[32];
        size_t key_len = tr_below(100), len = tr_length(MAXLEN, 1);
        tr_fill(key, key_len);
        tr_fill(in, len);
        kc_hash *h = NULL, *m = NULL;
        kc_key k = KC_KEY_RAW(key, key_len);
        kc_error e = { 0 };
        int ok = kc_hash_new(&h, KC_SHA256, NULL, NULL, &e) == KC_OK &&
                 kc_hash_oneshot(h, in, len, md1, 32, &e) == KC_OK &&
                 kcapi_md_sha256(in, len, md2, 32) == 32;
        if (ok && !memcmp(md1, md2, 32))
            kct_pass(t, "SHA-256");
        else
            kct_fail(t, "SHA-256", "%zu bytes: %s", len, e.msg[0] ? e.msg : "differs");
        ok = kc_hash_new(&m, KC_HMAC_SHA256, NULL, &k, &e) == KC_OK &&
             kc_hash_oneshot(m, in, len, md1, 32, &e) == KC_OK &&
             kcapi_md_hmac_sha256(key, (uint32_t)key_len, in, len, md2, 32) == 32;
        if (ok && !memcmp(md1, md2, 32))
            kct_pass(t, "HMAC-SHA256");
        else
            kct_fail(t, "HMAC-SHA256", "%zu bytes: %s", len, e.msg[0] ? e.msg : "differs");
        kc_hash_free(h);
        kc_hash_free(m);
    }
}

static void gcm(void)
{
    for (int r = 0; r < ROUNDS; r++) {
        unsigned char key[32], iv[12], tag[16];
        size_t key_len = 16 + 8 * tr_below(3), len = tr_length(4096, 1), aad_len = tr_below(64);
        tr_fill(key, key_len);
        tr_fill(iv, 12);
        tr_fill(in, aad_len + len);
        struct kcapi_handle *hd = NULL;
        kc_aead *x = NULL;
        kc_key k = KC_KEY_RAW(key, key_len);
        kc_error e = { 0 };
        ssize_t n = -1;
        /* libkcapi's layout: in = AAD || plaintext, out = AAD || ciphertext || tag */
        if (kcapi_aead_init(&hd, "gcm(aes)", 0) == 0 &&
            kcapi_aead_setkey(hd, key, (uint32_t)key_len) == 0 &&
            kcapi_aead_settaglen(hd, 16) == 0) {
            kcapi_aead_setassoclen(hd, aad_len);
            n = kcapi_aead_encrypt(hd, in, aad_len + len, iv, b, aad_len + len + 16,
                                   KCAPI_ACCESS_SENDMSG);
        }
        kcapi_aead_destroy(hd);
        if (kc_aead_new(&x, KC_AES_GCM, NULL, &k, 16, &e) != KC_OK ||
            kc_aead_encrypt(x, iv, 12, in, aad_len, in + aad_len, len, a, tag, &e) != KC_OK)
            kct_fail(t, "AES-GCM", "kcrypt: %s", e.msg);
        else if (n != (ssize_t)(aad_len + len + 16))
            kct_fail(t, "AES-GCM", "libkcapi failed: %zd", n);
        else if (memcmp(a, b + aad_len, len) || memcmp(tag, b + aad_len + len, 16))
            kct_fail(t, "AES-GCM", "%zu+%zu bytes differ from libkcapi", aad_len, len);
        else
            kct_pass(t, "AES-GCM");
        kc_aead_free(x);
    }
}

int main(void)
{
    tr_seed_from_env();
    t = kct_tally_new();
    if (!kc_probe()->afalg)
        kct_fail(t, "AF_ALG", "no AF_ALG in this kernel: run through tools/kernel-run");
    else {
        cbc_ctr(KC_AES_CBC);
        cbc_ctr(KC_AES_CTR);
        digests();
        gcm();
    }
    kct_tally_print(t, stdout);
    int rc = kct_tally_exit_code(t);
    kct_tally_free(t);
    return rc;
}
