/* SPDX-License-Identifier: Apache-2.0 */
/* kcrypt selftest: every published answer in selftest_vectors.c through
 * common/, both directions, plus a forged-tag rejection for each AEAD and
 * key wrap. The DRBG has no fixed answer; it gets a health check. */
#include "commands.h"
#include "kc/util.h"
#include "kc/kc.h"
#include "selftest.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define MAXB 256

typedef struct {
    unsigned char key[MAXB], iv[MAXB], aad[MAXB], in[MAXB], out[MAXB], tag[MAXB];
    long key_len, iv_len, aad_len, in_len, out_len, tag_len;
} bytes;

static int decode(const kat *k, bytes *b)
{
    b->key_len = kc_hex_decode(k->key, strlen(k->key), b->key, MAXB);
    b->iv_len = kc_hex_decode(k->iv, strlen(k->iv), b->iv, MAXB);
    b->aad_len = kc_hex_decode(k->aad, strlen(k->aad), b->aad, MAXB);
    b->in_len = kc_hex_decode(k->in, strlen(k->in), b->in, MAXB);
    b->out_len = kc_hex_decode(k->out, strlen(k->out), b->out, MAXB);
    b->tag_len = kc_hex_decode(k->tag, strlen(k->tag), b->tag, MAXB);
    return b->key_len >= 0 && b->iv_len >= 0 && b->aad_len >= 0 && b->in_len >= 0 &&
           b->out_len >= 0 && b->tag_len >= 0;
}

static int fail(kc_error *e, const char *what)
{
    snprintf(e->msg, sizeof(e->msg), "%s", what);
    return 0;
}

static int run_cipher(const bytes *b, kc_alg_id alg, kc_error *e)
{
    kc_cipher *c;
    unsigned char got[MAXB];
    kc_key key = KC_KEY_RAW(b->key, (size_t)b->key_len);
    if (kc_cipher_new(&c, alg, NULL, &key, e) != KC_OK)
        return 0;
    int ok = kc_cipher_oneshot(c, 1, b->iv, (size_t)b->iv_len, b->in, (size_t)b->in_len, got,
                               e) == KC_OK;
    if (ok && memcmp(got, b->out, (size_t)b->out_len))
        ok = fail(e, "encryption gave a wrong answer");
    if (ok && kc_cipher_oneshot(c, 0, b->iv, (size_t)b->iv_len, b->out, (size_t)b->out_len, got,
                                e) != KC_OK)
        ok = 0;
    if (ok && memcmp(got, b->in, (size_t)b->in_len))
        ok = fail(e, "decryption gave a wrong answer");
    kc_cipher_free(c);
    return ok;
}

static int run_aead(const bytes *b, kc_alg_id alg, kc_error *e)
{
    kc_aead *a;
    unsigned char got[MAXB], tag[16];
    kc_key key = KC_KEY_RAW(b->key, (size_t)b->key_len);
    if (kc_aead_new(&a, alg, NULL, &key, (size_t)b->tag_len, e) != KC_OK)
        return 0;
    int ok = kc_aead_encrypt(a, b->iv, (size_t)b->iv_len, b->aad, (size_t)b->aad_len, b->in,
                             (size_t)b->in_len, got, tag, e) == KC_OK;
    if (ok && (memcmp(got, b->out, (size_t)b->out_len) || memcmp(tag, b->tag, (size_t)b->tag_len)))
        ok = fail(e, "encryption gave a wrong answer");
    if (ok && kc_aead_decrypt(a, b->iv, (size_t)b->iv_len, b->aad, (size_t)b->aad_len, b->out,
                              (size_t)b->out_len, b->tag, got, e) != KC_OK)
        ok = 0;
    if (ok && memcmp(got, b->in, (size_t)b->in_len))
        ok = fail(e, "decryption gave a wrong answer");
    if (ok) {
        memcpy(tag, b->tag, (size_t)b->tag_len);
        tag[0] ^= 1;
        kc_error forged;
        if (kc_aead_decrypt(a, b->iv, (size_t)b->iv_len, b->aad, (size_t)b->aad_len, b->out,
                            (size_t)b->out_len, tag, got, &forged) != KC_ERR_AUTH)
            ok = fail(e, "a forged tag was not rejected");
    }
    kc_aead_free(a);
    return ok;
}

static int run_hash(const bytes *b, kc_alg_id alg, int keyed, kc_error *e)
{
    kc_hash *h, *copy = NULL;
    unsigned char got[64];
    kc_key key = KC_KEY_RAW(b->key, (size_t)b->key_len);
    if (kc_hash_new(&h, alg, NULL, keyed ? &key : NULL, e) != KC_OK)
        return 0;
    int ok = kc_hash_oneshot(h, b->in, (size_t)b->in_len, got, sizeof(got), e) == KC_OK;
    if (ok && memcmp(got, b->out, (size_t)b->out_len))
        ok = fail(e, "one-shot gave a wrong answer");
    /* split update, and a clone taken mid-message must finish the same way */
    size_t half = (size_t)b->in_len / 2;
    if (ok)
        ok = kc_hash_update(h, b->in, half, e) == KC_OK && kc_hash_clone(&copy, h, e) == KC_OK &&
             kc_hash_update(copy, b->in + half, (size_t)b->in_len - half, e) == KC_OK &&
             kc_hash_final(copy, got, sizeof(got), e) == KC_OK;
    if (ok && memcmp(got, b->out, (size_t)b->out_len))
        ok = fail(e, "a cloned partial state gave a wrong answer");
    kc_hash_free(copy);
    kc_hash_free(h);
    return ok;
}

static int run_wrap(const bytes *b, kc_alg_id alg, kc_error *e)
{
    kc_keywrap *w = NULL, *u = NULL;
    unsigned char got[MAXB];
    size_t n;
    kc_key key = KC_KEY_RAW(b->key, (size_t)b->key_len);
    int ok = kc_keywrap_new(&w, alg, NULL, &key, 1, e) == KC_OK &&
             kc_keywrap_new(&u, alg, NULL, &key, 0, e) == KC_OK &&
             kc_keywrap_wrap(w, b->in, (size_t)b->in_len, got, &n, e) == KC_OK;
    if (ok && (n != (size_t)b->out_len || memcmp(got, b->out, n)))
        ok = fail(e, "wrap gave a wrong answer");
    if (ok && kc_keywrap_unwrap(u, b->out, (size_t)b->out_len, got, &n, e) != KC_OK)
        ok = 0;
    if (ok && (n != (size_t)b->in_len || memcmp(got, b->in, n)))
        ok = fail(e, "unwrap gave a wrong answer");
    if (ok) {
        unsigned char forged[MAXB];
        kc_error ignored;
        memcpy(forged, b->out, (size_t)b->out_len);
        forged[b->out_len - 1] ^= 1;
        if (kc_keywrap_unwrap(u, forged, (size_t)b->out_len, got, &n, &ignored) != KC_ERR_AUTH)
            ok = fail(e, "a corrupted wrapped key was not rejected");
    }
    kc_keywrap_free(w);
    kc_keywrap_free(u);
    return ok;
}

static int run_kat(const kat *k, kc_error *e)
{
    bytes b;
    if (!decode(k, &b))
        return fail(e, "bad hex in the built-in vector");
    switch (kc_alg(k->alg)->kind) {
    case KC_KIND_SKCIPHER: return run_cipher(&b, k->alg, e);
    case KC_KIND_AEAD: return run_aead(&b, k->alg, e);
    case KC_KIND_HASH: return run_hash(&b, k->alg, 0, e);
    case KC_KIND_MAC: return run_hash(&b, k->alg, 1, e);
    case KC_KIND_KEYWRAP: return run_wrap(&b, k->alg, e);
    case KC_KIND_RNG: break;
    }
    return fail(e, "no known-answer runner");
}

static int drbg_health(kc_error *e)
{
    kc_rng *r;
    unsigned char a[300], b[300], zero[300] = { 0 };
    if (kc_rng_new(&r, NULL, NULL, 0, e) != KC_OK)
        return 0;
    int ok = kc_rng_generate(r, a, sizeof(a), e) == KC_OK &&
             kc_rng_reseed(r, (const unsigned char *)"kcrypt", 6, e) == KC_OK &&
             kc_rng_generate(r, b, sizeof(b), e) == KC_OK;
    if (ok && (!memcmp(a, b, sizeof(a)) || !memcmp(a, zero, sizeof(a))))
        ok = fail(e, "repeated or all-zero output");
    kc_rng_free(r);
    return ok;
}

static void selftest_usage(FILE *f)
{
    fprintf(f, "usage: kcrypt selftest   a published known answer per algorithm through common/, "
               "both directions, forged tags refused, DRBG health check\n");
}

int cmd_selftest(int argc, char **argv)
{
    static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            selftest_usage(stdout);
            return 0;
        }
        return cli_bad_option("selftest", argv, selftest_usage);
    }
    if (cli_leftover("selftest", argc, argv, selftest_usage))
        return 2;
    if (!kc_probe()->afalg)
        return report_no_afalg(stderr);
    int passed = 0, failed = 0, not_run = 0;
    for (unsigned i = 0; i < selftest_kat_count; i++) {
        const kat *k = &selftest_kats[i];
        const kc_alg_info *a = kc_alg(k->alg);
        kc_error e = { 0 };
        if (!kc_available(k->alg)) {
            printf("%-18s not run  %s: kernel lacks %s\n", a->name, k->source, a->kernel_name);
            not_run++;
        } else if (run_kat(k, &e)) {
            printf("%-18s pass     %s\n", a->name, k->source);
            passed++;
        } else {
            printf("%-18s FAIL     %s: %s\n", a->name, k->source, e.msg);
            failed++;
        }
    }
    kc_error e = { 0 };
    if (!kc_available(KC_DRBG)) {
        printf("%-18s not run  health check: kernel lacks stdrng\n", "DRBG");
        not_run++;
    } else if (drbg_health(&e)) {
        printf("%-18s pass     health check (generate, reseed, generate)\n", "DRBG");
        passed++;
    } else {
        printf("%-18s FAIL     health check: %s\n", "DRBG", e.msg);
        failed++;
    }
    printf("selftest: %d passed, %d failed, %d not run\n", passed, failed, not_run);
    return failed || !passed ? 1 : 0;
}
