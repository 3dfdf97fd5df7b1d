/* SPDX-License-Identifier: Apache-2.0 */
/* Random cross-checks of every common/ algorithm against OpenSSL's default
 * provider: random keys, lengths 0..64 KiB, updates split at random points,
 * hash states cloned mid-message, forged AEAD tags. */
#include "kc/kc.h"
#include "kct_tally.h"
#include "names.h"
#include "ossl_ref.h"
#include "rand_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLEN 65536
#define ROUNDS 24

static unsigned char *in, *out, *ref, *back;
static kct_tally *tally;

static const char *ossl_name(const kc_alg_info *a, size_t key_len, char buf[64])
{
    kcp_expand_name(buf, 64, kcp_names_of(a->id)->name, kc_alg_key_bits(a, key_len));
    return buf;
}

/* Feed kcrypt in random pieces; returns bytes produced. */
static int cipher_split(kc_cipher *c, int enc, const unsigned char *iv, size_t iv_len,
                        const unsigned char *src, size_t len, unsigned char *dst, int whole,
                        kc_error *e)
{
    if (kc_cipher_start(c, enc, iv, iv_len, e) != KC_OK)
        return 0;
    size_t done = 0, produced = 0;
    while (done < len) {
        size_t n = whole ? len : 1 + tr_below(len - done);
        size_t got;
        if (kc_cipher_update(c, src + done, n, dst + produced, &got, e) != KC_OK)
            return 0;
        done += n;
        produced += got;
    }
    return kc_cipher_finish(c, e) == KC_OK && produced == len;
}

static void check_cipher(const kc_alg_info *a)
{
    static const size_t keys_aes[] = { 16, 24, 32 }, keys_xts[] = { 32, 64 };
    int xts = a->id == KC_AES_XTS, whole = xts || a->id == KC_AES_CTS;
    int des3 = a->id == KC_DES3_ECB || a->id == KC_DES3_CBC;
    for (int r = 0; r < ROUNDS; r++) {
        char label[64], name[64];
        size_t key_len = des3 ? 24 : xts ? keys_xts[tr_below(2)] : keys_aes[tr_below(3)];
        unsigned char key[64], iv[16];
        tr_fill(key, key_len);
        tr_fill(iv, sizeof(iv));
        /* the table's block size: 16 for AES-ECB/CBC, 8 for 3DES, 1 for streams */
        size_t len = tr_length(MAXLEN, whole ? 1 : a->block_size);   /* CTS: any length */
        if (whole && len < 16)
            len = 16 + tr_below(40);
        tr_fill(in, len);
        ossl_name(a, key_len, name);
        snprintf(label, sizeof(label), "%s", name);
        size_t ref_len;
        if (!ref_cipher(name, 1, key, key_len, iv, in, len, ref, &ref_len) || ref_len != len) {
            kct_fail(tally, label, "OpenSSL reference failed for %zu bytes", len);
            continue;
        }
        kc_cipher *c;
        kc_error e = { 0 };
        kc_key k = KC_KEY_RAW(key, key_len);
        if (kc_cipher_new(&c, a->id, NULL, &k, &e) != KC_OK) {
            kct_fail(tally, label, "%s", e.msg);
            continue;
        }
        if (!cipher_split(c, 1, a->iv_size ? iv : NULL, a->iv_size, in, len, out, whole, &e))
            kct_fail(tally, label, "encrypt %zu bytes: %s", len, e.msg);
        else if (memcmp(out, ref, len))
            kct_fail(tally, label, "encrypt %zu bytes differs from OpenSSL", len);
        else if (!cipher_split(c, 0, a->iv_size ? iv : NULL, a->iv_size, out, len, back, whole,
                               &e))
            kct_fail(tally, label, "decrypt %zu bytes: %s", len, e.msg);
        else if (memcmp(back, in, len))
            kct_fail(tally, label, "decrypt %zu bytes did not round-trip", len);
        else
            kct_pass(tally, label);
        kc_cipher_free(c);
    }
}

static void check_aead(const kc_alg_info *a)
{
    for (int r = 0; r < ROUNDS; r++) {
        char label[64], name[64];
        size_t key_len = a->id == KC_CHACHA20_POLY1305 ? 32 : 16 + 8 * tr_below(3);
        size_t nonce_len = a->id == KC_AES_CCM ? 7 + tr_below(7) : 12;
        size_t tag_len = a->id == KC_AES_CCM ? 4 + 2 * tr_below(7) : 16;
        size_t max = a->id == KC_AES_CCM && nonce_len == 13 ? 65535 : MAXLEN;
        unsigned char key[32], nonce[16], tag[16], ref_tag[16], aad[1024];
        size_t len = tr_length(max, 1), aad_len = tr_below(4) ? tr_below(64) : tr_below(1024);
        tr_fill(key, key_len);
        tr_fill(nonce, nonce_len);
        tr_fill(aad, aad_len);
        tr_fill(in, len);
        ossl_name(a, key_len, name);
        snprintf(label, sizeof(label), "%s", name);
        if (!ref_aead_encrypt(name, key, key_len, nonce, nonce_len, aad, aad_len, in, len, ref,
                              ref_tag, tag_len)) {
            kct_fail(tally, label, "OpenSSL reference failed");
            continue;
        }
        kc_aead *x;
        kc_error e = { 0 };
        kc_key k = KC_KEY_RAW(key, key_len);
        if (kc_aead_new(&x, a->id, NULL, &k, tag_len, &e) != KC_OK) {
            kct_fail(tally, label, "%s", e.msg);
            continue;
        }
        if (kc_aead_encrypt(x, nonce, nonce_len, aad, aad_len, in, len, out, tag, &e) != KC_OK)
            kct_fail(tally, label, "encrypt %zu+%zu bytes: %s", aad_len, len, e.msg);
        else if (memcmp(out, ref, len) || memcmp(tag, ref_tag, tag_len))
            kct_fail(tally, label, "encrypt %zu+%zu bytes differs from OpenSSL", aad_len, len);
        else if (kc_aead_decrypt(x, nonce, nonce_len, aad, aad_len, out, len, tag, back, &e) !=
                 KC_OK)
            kct_fail(tally, label, "decrypt %zu+%zu bytes: %s", aad_len, len, e.msg);
        else if (memcmp(back, in, len))
            kct_fail(tally, label, "decrypt did not round-trip");
        else {
            /* one flipped bit anywhere must fail authentication */
            size_t where = tr_below(aad_len + len + tag_len);
            unsigned char *victim = where < aad_len ? aad + where
                                  : where < aad_len + len ? out + where - aad_len
                                                          : tag + where - aad_len - len;
            *victim ^= (unsigned char)(1u << tr_below(8));
            kc_status s = kc_aead_decrypt(x, nonce, nonce_len, aad, aad_len, out, len, tag,
                                          back, &e);
            if (s != KC_ERR_AUTH)
                kct_fail(tally, label, "a flipped bit gave %s, not KC_ERR_AUTH",
                         kc_status_name(s));
            else
                kct_pass(tally, label);
        }
        kc_aead_free(x);
    }
}

static const char *ref_digest_name(const kc_alg_info *a)
{
    return kcp_names_of(a->digest)->name;
}

static int hash_split(kc_hash *h, const unsigned char *src, size_t len, unsigned char *dst,
                      kc_error *e)
{
    size_t done = 0;
    while (done < len) {
        size_t n = 1 + tr_below(len - done);
        if (kc_hash_update(h, src + done, n, e) != KC_OK)
            return 0;
        done += n;
    }
    return kc_hash_final(h, dst, 64, e) == KC_OK;
}

static void check_hash(const kc_alg_info *a)
{
    int keyed = a->kind == KC_KIND_MAC;
    for (int r = 0; r < ROUNDS; r++) {
        unsigned char key[200], md[64], md2[64], want[64], want2[64];
        size_t key_len = a->id == KC_CMAC_AES ? 16 + 8 * tr_below(3) : tr_below(200);
        size_t len = tr_length(MAXLEN, 1), cut = tr_below(len + 1), n;
        tr_fill(key, key_len);
        tr_fill(in, len);
        char sub[64];
        int ok = !keyed ? ref_digest(kcp_names_of(a->id)->name, in, len, want, &n)
               : a->id == KC_CMAC_AES
                   ? ref_mac("CMAC", (snprintf(sub, sizeof(sub), "AES-%zu-CBC", key_len * 8), sub),
                             key, key_len, in, len, want, &n)
                   : ref_mac("HMAC", ref_digest_name(a), key, key_len, in, len, want, &n);
        /* the clone's branch: the first `cut` bytes, then the bytes reversed */
        memcpy(back, in, cut);
        for (size_t i = cut; i < len; i++)
            back[i] = in[len - 1 - (i - cut)];
        size_t n2;
        ok = ok && (!keyed ? ref_digest(kcp_names_of(a->id)->name, back, len, want2, &n2)
                    : a->id == KC_CMAC_AES ? ref_mac("CMAC", sub, key, key_len, back, len, want2, &n2)
                    : ref_mac("HMAC", ref_digest_name(a), key, key_len, back, len, want2, &n2));
        if (!ok || n != a->out_size) {
            kct_fail(tally, a->name, "OpenSSL reference failed");
            continue;
        }
        kc_hash *h, *clone = NULL;
        kc_error e = { 0 };
        kc_key k = KC_KEY_RAW(key, key_len);
        if (kc_hash_new(&h, a->id, NULL, keyed ? &k : NULL, &e) != KC_OK) {
            kct_fail(tally, a->name, "%s", e.msg);
            continue;
        }
        if (kc_hash_oneshot(h, in, len, md, sizeof(md), &e) != KC_OK || memcmp(md, want, n))
            kct_fail(tally, a->name, "one-shot of %zu bytes: %s", len, e.msg[0] ? e.msg : "differs");
        else if ((cut && kc_hash_update(h, in, cut, &e) != KC_OK) ||
                 kc_hash_clone(&clone, h, &e) != KC_OK ||
                 !hash_split(h, in + cut, len - cut, md, &e) ||
                 !hash_split(clone, back + cut, len - cut, md2, &e))
            kct_fail(tally, a->name, "split/clone of %zu at %zu: %s", len, cut, e.msg);
        else if (memcmp(md, want, n) || memcmp(md2, want2, n))
            kct_fail(tally, a->name, "split/clone of %zu bytes at %zu differs from OpenSSL", len,
                     cut);
        else
            kct_pass(tally, a->name);
        kc_hash_free(clone);
        kc_hash_free(h);
    }
}

static void check_wrap(const kc_alg_info *a)
{
    int kwp = a->id == KC_AES_KWP;
    for (int r = 0; r < ROUNDS; r++) {
        char name[64];
        size_t key_len = 16 + 8 * tr_below(3);
        size_t len = kwp ? 1 + tr_below(100) : 16 + 8 * tr_below(12), n, ref_len;
        unsigned char key[32];
        tr_fill(key, key_len);
        tr_fill(in, len);
        ossl_name(a, key_len, name);
        if (!ref_cipher(name, 1, key, key_len, NULL, in, len, ref, &ref_len)) {
            kct_fail(tally, name, "OpenSSL reference failed");
            continue;
        }
        kc_keywrap *w = NULL, *u = NULL;
        kc_error e = { 0 };
        kc_key k = KC_KEY_RAW(key, key_len);
        if (kc_keywrap_new(&w, a->id, NULL, &k, 1, &e) != KC_OK ||
            kc_keywrap_new(&u, a->id, NULL, &k, 0, &e) != KC_OK)
            kct_fail(tally, name, "%s", e.msg);
        else if (kc_keywrap_wrap(w, in, len, out, &n, &e) != KC_OK)
            kct_fail(tally, name, "wrap %zu bytes: %s", len, e.msg);
        else if (n != ref_len || memcmp(out, ref, n))
            kct_fail(tally, name, "wrap of %zu bytes differs from OpenSSL", len);
        else if (kc_keywrap_unwrap(u, out, n, back, &n, &e) != KC_OK || n != len ||
                 memcmp(back, in, len))
            kct_fail(tally, name, "unwrap of %zu bytes: %s", len, e.msg[0] ? e.msg : "differs");
        else {
            out[tr_below(ref_len)] ^= 0x10;
            kc_status s = kc_keywrap_unwrap(u, out, ref_len, back, &n, &e);
            if (s != KC_ERR_AUTH)
                kct_fail(tally, name, "corrupted input gave %s", kc_status_name(s));
            else
                kct_pass(tally, name);
        }
        kc_keywrap_free(w);
        kc_keywrap_free(u);
    }
}

int main(void)
{
    tr_seed_from_env();
    tally = kct_tally_new();
    in = malloc(MAXLEN + 64);
    out = malloc(MAXLEN + 64);
    ref = malloc(MAXLEN + 64);
    back = malloc(MAXLEN + 64);
    if (!tally || !in || !out || !ref || !back)
        return 2;
    for (size_t i = 0; i < KC_ALG_COUNT; i++) {
        const kc_alg_info *a = kc_alg((kc_alg_id)i);
        if (a->kind == KC_KIND_RNG)
            continue;
        if (!kc_available(a->id)) {
            kct_skip(tally, a->name, ROUNDS, "kernel lacks %s", a->kernel_name);
            continue;
        }
        switch (a->kind) {
        case KC_KIND_SKCIPHER: check_cipher(a); break;
        case KC_KIND_AEAD: check_aead(a); break;
        case KC_KIND_HASH: case KC_KIND_MAC: check_hash(a); break;
        case KC_KIND_KEYWRAP: check_wrap(a); break;
        case KC_KIND_RNG: break;
        }
    }
    kct_tally_print(tally, stdout);
    int rc = kct_tally_exit_code(tally);
    kct_tally_free(tally);
    free(in);
    free(out);
    free(ref);
    free(back);
    return rc;
}
