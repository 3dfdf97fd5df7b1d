/* SPDX-License-Identifier: Apache-2.0 */
/* kcrypt through EVP, cross-checked against OpenSSL's default provider.
 *
 * Loads the built kcrypt.so into a fresh library context, fetches every
 * algorithm it advertises with "provider=kcrypt" and compares each with the
 * default provider's on random keys, data of 0..64 KiB and random update
 * splits: digests (with dupctx), ciphers (padding on and off, dupctx),
 * AEADs (tag before and after the data, wrong tags, TLS 1.2 records both
 * ways), key wrap, HMAC and CMAC (with dupctx), the DRBG, and the
 * provider's counters and fd use.
 *
 * usage: test_evp MODULE_DIR [SEED] [ROUNDS] */
#include <inttypes.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "kct_proc.h"

static OSSL_LIB_CTX *lib;
static OSSL_PROVIDER *kprov;
static int passed, failed, rounds = 6;
static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void rnd_bytes(unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)rnd();
}

/* Lengths near the interesting edges as often as anywhere else. */
static size_t rnd_len(size_t max)
{
    switch (rnd() % 4) {
    case 0: return rnd() % (max < 64 ? max + 1 : 65);
    case 1: return rnd() % (max < 4096 ? max + 1 : 4097);
    case 2: return max - rnd() % (max < 32 ? max + 1 : 33);
    default: return rnd() % (max + 1);
    }
}

/* Next chunk of a random split of `left` bytes. */
static size_t chunk(size_t left)
{
    if (!left)
        return 0;
    switch (rnd() % 3) {
    case 0: return left;
    case 1: return 1 + rnd() % (left < 40 ? left : 40);
    default: return 1 + rnd() % left;
    }
}

static int verbose_pass;

static void result(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (ok) {
        passed++;
        if (verbose_pass) {
            printf("pass  ");
            vprintf(fmt, ap);
            printf("\n");
        }
    } else {
        failed++;
        printf("FAIL  ");
        vprintf(fmt, ap);
        printf("\n");
        ERR_print_errors_fp(stdout);
    }
    va_end(ap);
    ERR_clear_error();
}

static uint64_t counter(const char *name)
{
    uint64_t v = 0;
    OSSL_PARAM p[2] = { OSSL_PARAM_construct_uint64(name, &v), OSSL_PARAM_construct_end() };
    if (!OSSL_PROVIDER_get_params(kprov, p))
        return UINT64_MAX;
    return v;
}

/* ---------------------------------------------------------------- digests */

static int md_feed(EVP_MD_CTX *c, const unsigned char *p, size_t n)
{
    while (n) {
        size_t k = chunk(n);
        if (!EVP_DigestUpdate(c, p, k))
            return 0;
        p += k;
        n -= k;
    }
    return 1;
}

static void test_digest(const char *name)
{
    EVP_MD *k = EVP_MD_fetch(lib, name, "provider=kcrypt");
    EVP_MD *d = EVP_MD_fetch(lib, name, "provider=default");
    if (!k || !d) {
        result(0, "%s: fetch", name);
        goto out;
    }
    result(EVP_MD_get_size(k) == EVP_MD_get_size(d) &&
               EVP_MD_get_block_size(k) == EVP_MD_get_block_size(d),
           "%s: size %d/%d block %d/%d", name, EVP_MD_get_size(k), EVP_MD_get_size(d),
           EVP_MD_get_block_size(k), EVP_MD_get_block_size(d));
    for (int r = 0; r < rounds; r++) {
        size_t len = rnd_len(65536), cut = len ? rnd() % (len + 1) : 0, len2 = rnd_len(4096);
        unsigned char *data = malloc(len + 1), *other = malloc(len2 + 1);
        unsigned char ref[64], ref2[64], got[64], got2[64];
        unsigned int rl, rl2, gl = 0, gl2 = 0;
        rnd_bytes(data, len);
        rnd_bytes(other, len2);
        /* ref: data; ref2: data[0..cut) || other */
        EVP_MD_CTX *rc = EVP_MD_CTX_new();
        EVP_Digest(data, len, ref, &rl, d, NULL);
        EVP_DigestInit_ex2(rc, d, NULL);
        EVP_DigestUpdate(rc, data, cut);
        EVP_DigestUpdate(rc, other, len2);
        EVP_DigestFinal_ex(rc, ref2, &rl2);
        EVP_MD_CTX_free(rc);

        EVP_MD_CTX *c = EVP_MD_CTX_new(), *c2 = EVP_MD_CTX_new();
        int ok = EVP_DigestInit_ex2(c, k, NULL) && md_feed(c, data, cut) &&
                 EVP_MD_CTX_copy_ex(c2, c) && md_feed(c, data + cut, len - cut) &&
                 md_feed(c2, other, len2) && EVP_DigestFinal_ex(c, got, &gl) &&
                 EVP_DigestFinal_ex(c2, got2, &gl2);
        result(ok && gl == rl && !memcmp(got, ref, rl) && gl2 == rl2 && !memcmp(got2, ref2, rl2),
               "%s: %zu bytes, copy after %zu", name, len, cut);
        /* the same context again, for a second message */
        ok = EVP_DigestInit_ex2(c, NULL, NULL) && md_feed(c, other, len2) &&
             EVP_DigestFinal_ex(c, got, &gl);
        EVP_Digest(other, len2, ref, &rl, d, NULL);
        result(ok && gl == rl && !memcmp(got, ref, rl), "%s: reuse, %zu bytes", name, len2);
        EVP_MD_CTX_free(c);
        EVP_MD_CTX_free(c2);
        free(data);
        free(other);
    }
out:
    EVP_MD_free(k);
    EVP_MD_free(d);
}

/* ------------------------------------------------------ block cipher modes */

/* Run a whole message through ctx in random splits; returns output length or -1. */
static long cipher_run(EVP_CIPHER_CTX *c, const unsigned char *in, size_t len, unsigned char *out,
                       int one_update)
{
    int n;
    long total = 0;
    size_t done = 0;
    while (done < len) {
        size_t k = one_update ? len - done : chunk(len - done);
        if (!EVP_CipherUpdate(c, out + total, &n, in + done, (int)k))
            return -1;
        total += n;
        done += k;
    }
    if (!EVP_CipherFinal_ex(c, out + total, &n))
        return -1;
    return total + n;
}

static void test_cipher(const char *name)
{
    EVP_CIPHER *k = EVP_CIPHER_fetch(lib, name, "provider=kcrypt");
    EVP_CIPHER *d = EVP_CIPHER_fetch(lib, name, "provider=default");
    if (!k) {
        result(0, "%s: fetch", name);
        goto out;
    }
    if (!d) {
        /* the kernel has it, OpenSSL does not (AES-192-XTS): round trip only */
        ERR_clear_error();
        unsigned char key[64], iv[16], pt[4096], ct[4096], back[4096];
        int n1 = 0, n2 = 0;
        rnd_bytes(key, sizeof(key)), rnd_bytes(iv, sizeof(iv)), rnd_bytes(pt, sizeof(pt));
        EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
        int ok = EVP_CipherInit_ex2(c, k, key, iv, 1, NULL) &&
                 EVP_CipherUpdate(c, ct, &n1, pt, sizeof(pt)) &&
                 EVP_CipherInit_ex2(c, NULL, key, iv, 0, NULL) &&
                 EVP_CipherUpdate(c, back, &n2, ct, sizeof(ct));
        result(ok && n1 == n2 && !memcmp(pt, back, sizeof(pt)) && memcmp(pt, ct, sizeof(pt)),
               "%s: round trip (no OpenSSL reference)", name);
        EVP_CIPHER_CTX_free(c);
        goto out;
    }
    int mode = EVP_CIPHER_get_mode(k);
    int keylen = EVP_CIPHER_get_key_length(k), ivlen = EVP_CIPHER_get_iv_length(k);
    result(mode == EVP_CIPHER_get_mode(d) && keylen == EVP_CIPHER_get_key_length(d) &&
               ivlen == EVP_CIPHER_get_iv_length(d) &&
               EVP_CIPHER_get_block_size(k) == EVP_CIPHER_get_block_size(d) &&
               EVP_CIPHER_get_flags(k) == EVP_CIPHER_get_flags(d),
           "%s: parameters (mode %d keylen %d ivlen %d flags %lx/%lx)", name, mode, keylen, ivlen,
           EVP_CIPHER_get_flags(k), EVP_CIPHER_get_flags(d));
    int wrap = mode == EVP_CIPH_WRAP_MODE, xts = mode == EVP_CIPH_XTS_MODE;
    /* CBC-CTS reports CBC: one update per message, a block at least, no padding */
    int cts = (EVP_CIPHER_get_flags(d) & EVP_CIPH_FLAG_CTS) != 0, whole = xts || cts;
    int block = (mode == EVP_CIPH_ECB_MODE || mode == EVP_CIPH_CBC_MODE) && !cts;
    int wrap_pad = wrap && ivlen == 4;
    for (int r = 0; r < rounds * 2; r++) {
        unsigned char key[64], iv[16];
        rnd_bytes(key, sizeof(key));
        rnd_bytes(iv, sizeof(iv));
        int pad = block ? (int)(rnd() % 2) : 0;
        size_t len = rnd_len(65536);
        if (block && !pad)
            len -= len % 16;
        if (whole && len < 16)
            len = 16;
        if (wrap) {
            len = rnd_len(4096);
            if (!wrap_pad)
                len = len < 16 ? 16 : len - len % 8;
            if (len == 0)
                len = 1;
        }
        unsigned char *pt = malloc(len + 1), *ref = malloc(len + 64), *ct = malloc(len + 64),
                      *back = malloc(len + 64);
        rnd_bytes(pt, len);
        EVP_CIPHER_CTX *rc = EVP_CIPHER_CTX_new(), *c = EVP_CIPHER_CTX_new();
        if (wrap) {
            EVP_CIPHER_CTX_set_flags(rc, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
            EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
        }
        const unsigned char *ivp = wrap ? NULL : iv;
        long rl = -1, cl = -1, bl = -1;
        if (EVP_CipherInit_ex2(rc, d, key, ivp, 1, NULL) && EVP_CIPHER_CTX_set_padding(rc, pad))
            rl = cipher_run(rc, pt, len, ref, 1);
        if (EVP_CipherInit_ex2(c, k, key, ivp, 1, NULL) && EVP_CIPHER_CTX_set_padding(c, pad))
            cl = cipher_run(c, pt, len, ct, wrap || whole);
        result(rl >= 0 && cl == rl && !memcmp(ct, ref, (size_t)rl),
               "%s: encrypt %zu bytes, padding %d (kcrypt %ld, default %ld)", name, len, pad, cl,
               rl);
        if (cl >= 0 && EVP_CipherInit_ex2(c, NULL, key, ivp, 0, NULL) &&
            EVP_CIPHER_CTX_set_padding(c, pad))
            bl = cipher_run(c, ct, (size_t)cl, back, wrap || whole);
        result(bl == (long)len && !memcmp(back, pt, len), "%s: decrypt %zu bytes, padding %d",
               name, len, pad);

        /* a copy taken mid-message continues exactly like the original */
        if (!wrap && !whole && len > 1) {
            size_t cut = rnd() % len;
            if (mode == EVP_CIPH_ECB_MODE || mode == EVP_CIPH_CBC_MODE)
                cut = rnd() % 2 ? cut : cut - cut % 16;
            EVP_CIPHER_CTX *c2 = EVP_CIPHER_CTX_new();
            int n1 = 0, n2 = 0, n3 = 0, n4 = 0;
            int ok = EVP_CipherInit_ex2(c, NULL, key, iv, 1, NULL) &&
                     EVP_CIPHER_CTX_set_padding(c, pad) &&
                     EVP_CipherUpdate(c, ct, &n1, pt, (int)cut) && EVP_CIPHER_CTX_copy(c2, c) &&
                     EVP_CipherUpdate(c2, ct + n1, &n2, pt + cut, (int)(len - cut)) &&
                     EVP_CipherFinal_ex(c2, ct + n1 + n2, &n3);
            result(ok && n1 + n2 + n3 == rl && !memcmp(ct, ref, (size_t)rl),
                   "%s: copy after %zu of %zu bytes", name, cut, len);
            ok = EVP_CipherUpdate(c, back, &n4, pt + cut, (int)(len - cut));
            result(ok && !memcmp(back, ref + n1, (size_t)n4), "%s: original after copy", name);
            EVP_CIPHER_CTX_free(c2);
        }
        EVP_CIPHER_CTX_free(rc);
        EVP_CIPHER_CTX_free(c);
        free(pt), free(ref), free(ct), free(back);
    }
out:
    EVP_CIPHER_free(k);
    EVP_CIPHER_free(d);
}

/* TLS 1.2 CBC records: kcrypt encrypts, default decrypts, and back. */
static void test_tls_cbc(const char *name)
{
    EVP_CIPHER *k = EVP_CIPHER_fetch(lib, name, "provider=kcrypt");
    EVP_CIPHER *d = EVP_CIPHER_fetch(lib, name, "provider=default");
    unsigned char key[32], iv[16];
    rnd_bytes(key, sizeof(key));
    rnd_bytes(iv, sizeof(iv));
    unsigned int ver = 0x0303;
    size_t macsize = 32;
    OSSL_PARAM prm[3] = { OSSL_PARAM_construct_uint(OSSL_CIPHER_PARAM_TLS_VERSION, &ver),
                          OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_TLS_MAC_SIZE, &macsize),
                          OSSL_PARAM_construct_end() };
    for (int dir = 0; dir < 2 && k && d; dir++) {
        EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new(), *x = EVP_CIPHER_CTX_new();
        int ok = EVP_CipherInit_ex2(e, dir ? d : k, key, iv, 1, prm) &&
                 EVP_CipherInit_ex2(x, dir ? k : d, key, iv, 0, prm);
        for (int r = 0; ok && r < rounds * 2; r++) {
            size_t plen = rnd_len(16384), total = 16 + plen + macsize;
            unsigned char *rec = malloc(total + 256), *orig = malloc(total);
            rnd_bytes(rec, total);
            memcpy(orig, rec, total);
            int n = 0, m = 0;
            unsigned char *mac = NULL;
            OSSL_PARAM gp[2] = { OSSL_PARAM_construct_octet_ptr(OSSL_CIPHER_PARAM_TLS_MAC,
                                                                (void **)&mac, macsize),
                                 OSSL_PARAM_construct_end() };
            int good = EVP_CipherUpdate(e, rec, &n, rec, (int)total) &&
                       EVP_CipherUpdate(x, rec, &m, rec, n) &&
                       EVP_CIPHER_CTX_get_params(x, gp);
            result(good && (size_t)m == plen && !memcmp(rec + 16, orig + 16, plen) && mac &&
                       !memcmp(mac, orig + 16 + plen, macsize),
                   "%s: TLS CBC record %zu bytes, %s encrypts", name, plen,
                   dir ? "default" : "kcrypt");
            free(rec), free(orig);
        }
        EVP_CIPHER_CTX_free(e);
        EVP_CIPHER_CTX_free(x);
    }
    EVP_CIPHER_free(k);
    EVP_CIPHER_free(d);
}

/* ------------------------------------------------------------------- AEAD */

typedef struct {
    int mode;                 /* EVP_CIPH_GCM_MODE, _CCM_MODE, 0 for ChaCha20-Poly1305 */
    unsigned char key[32], nonce[16], tag[16], aad[128];
    size_t keylen, nlen, taglen, aadlen, len;
    unsigned char *pt;
} aead_case;

/* One AEAD operation; tag_first: set the tag before the data (TLS 1.3). */
static long aead_run(EVP_CIPHER *ciph, const aead_case *t, int enc, const unsigned char *in,
                     unsigned char *out, unsigned char *tag, int tag_first, int split)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int ccm = t->mode == EVP_CIPH_CCM_MODE, n = 0;
    long total = -1, got = 0;
    if (!EVP_CipherInit_ex2(c, ciph, NULL, NULL, enc, NULL) ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, (int)t->nlen, NULL) <= 0)
        goto done;
    if ((ccm || (!enc && tag_first)) &&
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)t->taglen, enc ? NULL : tag) <= 0)
        goto done;
    if (!EVP_CipherInit_ex2(c, NULL, t->key, t->nonce, enc, NULL))
        goto done;
    if (ccm && !EVP_CipherUpdate(c, NULL, &n, NULL, (int)t->len))
        goto done;
    for (size_t a = 0; a < t->aadlen;) {
        size_t k = split && !ccm ? chunk(t->aadlen - a) : t->aadlen - a;
        if (!EVP_CipherUpdate(c, NULL, &n, t->aad + a, (int)k))
            goto done;
        a += k;
    }
    size_t done_len = 0;
    do {
        size_t k = split && !ccm ? chunk(t->len - done_len) : t->len - done_len;
        if (!EVP_CipherUpdate(c, out + got, &n, in + done_len, (int)k))
            goto done;
        got += n;
        done_len += k;
    } while (done_len < t->len);
    if (!enc && !tag_first &&
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)t->taglen, tag) <= 0)
        goto done;
    if (!EVP_CipherFinal_ex(c, out + got, &n))
        goto done;
    got += n;
    if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, (int)t->taglen, tag) <= 0)
        goto done;
    total = got;
done:
    EVP_CIPHER_CTX_free(c);
    return total;
}

static void test_aead(const char *name)
{
    EVP_CIPHER *k = EVP_CIPHER_fetch(lib, name, "provider=kcrypt");
    EVP_CIPHER *d = EVP_CIPHER_fetch(lib, name, "provider=default");
    if (!k || !d) {
        result(0, "%s: fetch", name);
        goto out;
    }
    int mode = EVP_CIPHER_get_mode(k);
    result(mode == EVP_CIPHER_get_mode(d) &&
               EVP_CIPHER_get_flags(k) == EVP_CIPHER_get_flags(d) &&
               EVP_CIPHER_get_iv_length(k) == EVP_CIPHER_get_iv_length(d) &&
               EVP_CIPHER_get_block_size(k) == EVP_CIPHER_get_block_size(d),
           "%s: parameters (flags %lx/%lx)", name, EVP_CIPHER_get_flags(k),
           EVP_CIPHER_get_flags(d));
    for (int r = 0; r < rounds * 2; r++) {
        aead_case t = { .mode = mode, .keylen = (size_t)EVP_CIPHER_get_key_length(k) };
        rnd_bytes(t.key, sizeof(t.key));
        rnd_bytes(t.nonce, sizeof(t.nonce));
        rnd_bytes(t.aad, sizeof(t.aad));
        if (mode == EVP_CIPH_CCM_MODE) {
            t.nlen = 7 + rnd() % 7;
            t.taglen = 4 + 2 * (rnd() % 7);
        } else if (mode == EVP_CIPH_GCM_MODE) {
            /* now and then a nonce the kernel's gcm(aes) cannot take */
            t.nlen = r % 5 == 4 ? 16 : 12;
            t.taglen = r % 3 == 2 ? 4 + 4 * (rnd() % 3) : 16;
        } else {
            t.nlen = 12;
            t.taglen = 16;
        }
        t.aadlen = rnd() % sizeof(t.aad);
        t.len = rnd_len(65536);
        if (mode == EVP_CIPH_CCM_MODE && t.nlen == 7 + 6 && t.len > 65535)
            t.len = 65535;   /* L = 2 caps the message at 2^16 - 1 bytes */
        t.pt = malloc(t.len + 1);
        rnd_bytes(t.pt, t.len);
        unsigned char *ref = malloc(t.len + 16), *ct = malloc(t.len + 16), *back = malloc(t.len + 16);
        unsigned char rtag[16], ktag[16];
        long rl = aead_run(d, &t, 1, t.pt, ref, rtag, 0, 0);
        long kl = aead_run(k, &t, 1, t.pt, ct, ktag, 0, 1);
        result(rl == (long)t.len && kl == rl && !memcmp(ct, ref, t.len) &&
                   !memcmp(ktag, rtag, t.taglen),
               "%s: encrypt %zu bytes, aad %zu, nonce %zu, tag %zu", name, t.len, t.aadlen,
               t.nlen, t.taglen);
        for (int tag_first = 1; tag_first >= 0; tag_first--) {
            if (mode == EVP_CIPH_CCM_MODE && !tag_first)
                continue;   /* CCM needs the tag before the data */
            long bl = aead_run(k, &t, 0, ref, back, rtag, tag_first, 1);
            result(bl == (long)t.len && !memcmp(back, t.pt, t.len),
                   "%s: decrypt %zu bytes, tag %s", name, t.len, tag_first ? "first" : "last");
            unsigned char bad[16];
            memcpy(bad, rtag, 16);
            bad[rnd() % t.taglen] ^= (unsigned char)(1 + rnd() % 255);
            bl = aead_run(k, &t, 0, ref, back, bad, tag_first, 1);
            result(bl < 0, "%s: wrong tag rejected (%zu bytes, tag %s)", name, t.len,
                   tag_first ? "first" : "last");
            ERR_clear_error();
        }
        if (t.len) {
            ref[rnd() % t.len] ^= 1;
            long bl = aead_run(k, &t, 0, ref, back, rtag, 1, 0);
            result(bl < 0, "%s: altered ciphertext rejected", name);
        }
        free(t.pt), free(ref), free(ct), free(back);
    }
out:
    EVP_CIPHER_free(k);
    EVP_CIPHER_free(d);
}

/* A message far beyond one kernel request, in many updates (openssl speed
 * does this): kcrypt must stay correct when it hands over to software. */
static void test_aead_stream(const char *name)
{
    EVP_CIPHER *k = EVP_CIPHER_fetch(lib, name, "provider=kcrypt");
    EVP_CIPHER *d = EVP_CIPHER_fetch(lib, name, "provider=default");
    for (int enc = 1; enc >= 0 && k && d; enc--) {
        aead_case t = { .mode = EVP_CIPHER_get_mode(k), .nlen = 12, .taglen = 16,
                        .keylen = (size_t)EVP_CIPHER_get_key_length(k), .aadlen = 13 };
        rnd_bytes(t.key, sizeof(t.key));
        rnd_bytes(t.nonce, sizeof(t.nonce));
        rnd_bytes(t.aad, sizeof(t.aad));
        t.len = 40 * 16384 + 5;
        t.pt = malloc(t.len);
        rnd_bytes(t.pt, t.len);
        unsigned char *ref = malloc(t.len + 16), *out = malloc(t.len + 16), rtag[16], ktag[16];
        long rl = aead_run(d, &t, 1, t.pt, ref, rtag, 0, 0);
        EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
        int n, ok = rl == (long)t.len && EVP_CipherInit_ex2(c, k, t.key, t.nonce, enc, NULL) &&
                    EVP_CipherUpdate(c, NULL, &n, t.aad, (int)t.aadlen);
        const unsigned char *in = enc ? t.pt : ref;
        for (size_t off = 0; ok && off < t.len; off += 16384) {
            size_t len = t.len - off < 16384 ? t.len - off : 16384;
            ok = EVP_CipherUpdate(c, out + off, &n, in + off, (int)len) && (size_t)n == len;
        }
        if (ok && !enc)
            ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, rtag) > 0;
        ok = ok && EVP_CipherFinal_ex(c, out, &n);
        if (ok && enc)
            ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, ktag) > 0 &&
                 !memcmp(ktag, rtag, 16);
        result(ok && !memcmp(out, enc ? ref : t.pt, t.len),
               "%s: %s %zu bytes in 16 KiB updates", name, enc ? "encrypt" : "decrypt", t.len);
        EVP_CIPHER_CTX_free(c);
        free(t.pt), free(ref), free(out);
    }
    EVP_CIPHER_free(k);
    EVP_CIPHER_free(d);
}

/* TLS 1.2 AEAD records the way libssl sends them: tls-aad, fixed IV, whole
 * record in place through EVP_CipherUpdate. */
static void test_tls_aead(const char *name)
{
    EVP_CIPHER *k = EVP_CIPHER_fetch(lib, name, "provider=kcrypt");
    EVP_CIPHER *d = EVP_CIPHER_fetch(lib, name, "provider=default");
    if (!k || !d) {
        result(0, "%s: fetch", name);
        goto out;
    }
    int chacha = EVP_CIPHER_get_mode(k) == 0, ccm = EVP_CIPHER_get_mode(k) == EVP_CIPH_CCM_MODE;
    size_t head = chacha ? 0 : 8, tag = 16;
    uint64_t before = counter("kcrypt-aead-tls-records");
    int records = 0;
    for (int dir = 0; dir < 2; dir++) {
        unsigned char key[32], fixed[12];
        rnd_bytes(key, sizeof(key));
        rnd_bytes(fixed, sizeof(fixed));
        EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new(), *x = EVP_CIPHER_CTX_new();
        EVP_CIPHER *ec = dir ? d : k, *xc = dir ? k : d;
        int ok;
        if (chacha) {
            ok = EVP_CipherInit_ex2(e, ec, key, fixed, 1, NULL) &&
                 EVP_CipherInit_ex2(x, xc, key, fixed, 0, NULL);
        } else {
            ok = EVP_CipherInit_ex2(e, ec, NULL, NULL, 1, NULL) &&
                 EVP_CipherInit_ex2(x, xc, NULL, NULL, 0, NULL);
            if (ccm)
                ok = ok && EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) > 0 &&
                     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) > 0 &&
                     EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_AEAD_SET_TAG, 16, NULL) > 0 &&
                     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16, NULL) > 0;
            ok = ok && EVP_CipherInit_ex2(e, NULL, key, NULL, 1, NULL) &&
                 EVP_CipherInit_ex2(x, NULL, key, NULL, 0, NULL) &&
                 EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_AEAD_SET_IV_FIXED, 4, fixed) > 0 &&
                 EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IV_FIXED, 4, fixed) > 0;
        }
        result(ok, "%s: TLS setup, %s encrypts", name, dir ? "default" : "kcrypt");
        for (uint64_t seq = 0; ok && seq < (uint64_t)rounds * 2; seq++) {
            size_t plen = rnd_len(16384), total = head + plen + tag;
            unsigned char *rec = malloc(total), *orig = malloc(plen + 1), aad[13];
            rnd_bytes(rec, total);
            memcpy(orig, rec + head, plen);
            for (int i = 0; i < 8; i++)
                aad[i] = (unsigned char)(seq >> (56 - 8 * i));
            aad[8] = 23, aad[9] = 3, aad[10] = 3;
            aad[11] = (unsigned char)((head + plen) >> 8), aad[12] = (unsigned char)(head + plen);
            if (chacha)
                aad[11] = (unsigned char)(plen >> 8), aad[12] = (unsigned char)plen;
            int n = 0, m = 0;
            int pad = EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_AEAD_TLS1_AAD, 13, aad);
            int good = pad == 16 && EVP_CipherUpdate(e, rec, &n, rec, (int)total) &&
                       (size_t)n == total;
            aad[11] = (unsigned char)(total >> 8), aad[12] = (unsigned char)total;
            int tamper = seq % 4 == 3;
            if (tamper)
                rec[rnd() % total] ^= 0x40;
            int dpad = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_TLS1_AAD, 13, aad);
            int dec = good && dpad == 16 && EVP_CipherUpdate(x, rec, &m, rec, (int)total);
            if (tamper)
                result(good && !dec, "%s: altered TLS record rejected", name);
            else
                result(dec && (size_t)m == plen && !memcmp(rec + head, orig, plen),
                       "%s: TLS record %" PRIu64 ", %zu bytes, %s encrypts", name, seq, plen,
                       dir ? "default" : "kcrypt");
            ERR_clear_error();
            records++;
            free(rec), free(orig);
        }
        EVP_CIPHER_CTX_free(e);
        EVP_CIPHER_CTX_free(x);
    }
    uint64_t after = counter("kcrypt-aead-tls-records");
    /* one record in each direction per round: all of kcrypt's went to the kernel */
    result(after - before == (uint64_t)records, "%s: %" PRIu64 " TLS records counted, %d run",
           name, after - before, records);
out:
    EVP_CIPHER_free(k);
    EVP_CIPHER_free(d);
}

/* ------------------------------------------------------------------- MACs */

static int mac_feed(EVP_MAC_CTX *c, const unsigned char *p, size_t n)
{
    while (n) {
        size_t k = chunk(n);
        if (!EVP_MAC_update(c, p, k))
            return 0;
        p += k;
        n -= k;
    }
    return 1;
}

static void test_mac(const char *mac, const char *param, const char *sub, size_t keylen)
{
    EVP_MAC *k = EVP_MAC_fetch(lib, mac, "provider=kcrypt");
    EVP_MAC *d = EVP_MAC_fetch(lib, mac, "provider=default");
    if (!k || !d) {
        result(0, "%s: fetch", mac);
        goto out;
    }
    for (int r = 0; r < rounds; r++) {
        size_t kl = keylen ? keylen : rnd() % 200, len = rnd_len(65536), cut;
        unsigned char key[256], *data = malloc(len + 1), ref[64], got[64], got2[64];
        size_t rl = 0, gl = 0, gl2 = 0;
        rnd_bytes(key, kl);
        rnd_bytes(data, len);
        cut = len ? rnd() % (len + 1) : 0;
        OSSL_PARAM p[2] = { OSSL_PARAM_construct_utf8_string(param, (char *)sub, 0),
                            OSSL_PARAM_construct_end() };
        EVP_MAC_CTX *rc = EVP_MAC_CTX_new(d), *c = EVP_MAC_CTX_new(k), *c2 = NULL;
        int ok = EVP_MAC_init(rc, key, kl, p) && EVP_MAC_update(rc, data, len) &&
                 EVP_MAC_final(rc, ref, &rl, sizeof(ref));
        int kok = ok && EVP_MAC_init(c, key, kl, p) && mac_feed(c, data, cut) &&
                  (c2 = EVP_MAC_CTX_dup(c)) && mac_feed(c, data + cut, len - cut) &&
                  mac_feed(c2, data + cut, len - cut) && EVP_MAC_final(c, got, &gl, sizeof(got)) &&
                  EVP_MAC_final(c2, got2, &gl2, sizeof(got2));
        result(kok && gl == rl && gl2 == rl && !memcmp(got, ref, rl) && !memcmp(got2, ref, rl) &&
                   EVP_MAC_CTX_get_mac_size(c) == rl,
               "%s-%s: key %zu, %zu bytes, copy after %zu", mac, sub, kl, len, cut);
        /* reuse with the same key */
        kok = EVP_MAC_init(c, NULL, 0, NULL) && mac_feed(c, data, cut) &&
              EVP_MAC_final(c, got, &gl, sizeof(got));
        EVP_MAC_init(rc, NULL, 0, NULL);
        EVP_MAC_update(rc, data, cut);
        EVP_MAC_final(rc, ref, &rl, sizeof(ref));
        result(kok && gl == rl && !memcmp(got, ref, rl), "%s-%s: reuse", mac, sub);
        EVP_MAC_CTX_free(rc), EVP_MAC_CTX_free(c), EVP_MAC_CTX_free(c2);
        free(data);
    }
out:
    EVP_MAC_free(k);
    EVP_MAC_free(d);
}

/* ----------------------------------------------------------------- others */

static void test_rand(void)
{
    EVP_RAND *r = EVP_RAND_fetch(lib, "KCRYPT-DRBG", "provider=kcrypt");
    EVP_RAND_CTX *c = r ? EVP_RAND_CTX_new(r, NULL) : NULL;
    unsigned char a[1000], b[1000], zero[1000] = { 0 };
    int ok = c && EVP_RAND_instantiate(c, 256, 0, (const unsigned char *)"kcrypt", 6, NULL) &&
             EVP_RAND_generate(c, a, sizeof(a), 256, 0, NULL, 0) &&
             EVP_RAND_generate(c, b, sizeof(b), 128, 1, (const unsigned char *)"x", 1) &&
             EVP_RAND_get_state(c) == EVP_RAND_STATE_READY && EVP_RAND_get_strength(c) >= 256;
    result(ok && memcmp(a, b, sizeof(a)) && memcmp(a, zero, sizeof(a)),
           "KCRYPT-DRBG: instantiate, generate, prediction resistance");
    EVP_RAND_CTX_free(c);
    EVP_RAND_free(r);
}

/* An idle context holds at most one fd (its op socket). */
static void test_fds(void)
{
    enum { N = 16 };
    EVP_MD *md = EVP_MD_fetch(lib, "SHA2-256", "provider=kcrypt");
    EVP_CIPHER *gcm = EVP_CIPHER_fetch(lib, "AES-128-GCM", "provider=kcrypt");
    EVP_CIPHER *cbc = EVP_CIPHER_fetch(lib, "AES-128-CBC", "provider=kcrypt");
    EVP_MD_CTX *m[N];
    EVP_CIPHER_CTX *g[N], *b[N];
    unsigned char key[16] = { 1 }, iv[16] = { 2 }, buf[64] = { 3 }, out[64 + 16], dg[32];
    int n;
    unsigned int dl;
    int base = kct_open_fds();
    for (int i = 0; i < N; i++) {
        m[i] = EVP_MD_CTX_new();
        EVP_DigestInit_ex2(m[i], md, NULL);
        EVP_DigestUpdate(m[i], buf, sizeof(buf));
        EVP_DigestFinal_ex(m[i], dg, &dl);
        g[i] = EVP_CIPHER_CTX_new();
        EVP_EncryptInit_ex2(g[i], gcm, key, iv, NULL);
        EVP_EncryptUpdate(g[i], out, &n, buf, sizeof(buf));
        EVP_EncryptFinal_ex(g[i], out, &n);
        b[i] = EVP_CIPHER_CTX_new();
        EVP_EncryptInit_ex2(b[i], cbc, key, iv, NULL);
        EVP_EncryptUpdate(b[i], out, &n, buf, sizeof(buf));
        EVP_EncryptFinal_ex(b[i], out, &n);
    }
    int used = kct_open_fds() - base;
    result(used <= 3 * N, "fds: %d for %d idle digest/GCM/CBC contexts (at most one each)", used,
           3 * N);
    for (int i = 0; i < N; i++) {
        EVP_MD_CTX_free(m[i]);
        EVP_CIPHER_CTX_free(g[i]);
        EVP_CIPHER_CTX_free(b[i]);
    }
    /* the provider keeps up to 4 idle SHA-256 sockets for the next context */
    result(kct_open_fds() - base <= 4, "fds: %d left after free (at most 4 idle digest sockets)",
           kct_open_fds() - base);
    EVP_MD_free(md);
    EVP_CIPHER_free(gcm);
    EVP_CIPHER_free(cbc);
}

typedef struct {
    char names[64][64];
    int n;
} name_list;

static void collect(const char *name, void *arg)
{
    name_list *l = arg;
    if (l->n < 64)
        snprintf(l->names[l->n++], 64, "%s", name);
}

static void cipher_cb(EVP_CIPHER *c, void *arg)
{
    if (!strcmp(OSSL_PROVIDER_get0_name(EVP_CIPHER_get0_provider(c)), "kcrypt"))
        collect(EVP_CIPHER_get0_name(c), arg);
}

static void md_cb(EVP_MD *m, void *arg)
{
    if (!strcmp(OSSL_PROVIDER_get0_name(EVP_MD_get0_provider(m)), "kcrypt"))
        collect(EVP_MD_get0_name(m), arg);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODULE_DIR [SEED] [ROUNDS]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* SEED 0 or none: a new seed each run, printed so a failure can be replayed */
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
    if (argc > 3)
        rounds = atoi(argv[3]);
    if (!rng)
        rng = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
    printf("seed %" PRIu64 ", %d rounds\n", rng, rounds);

    lib = OSSL_LIB_CTX_new();
    OSSL_PROVIDER *dprov = NULL;
    if (!lib || !OSSL_PROVIDER_set_default_search_path(lib, argv[1]) ||
        !(kprov = OSSL_PROVIDER_load(lib, "kcrypt")) ||
        !(dprov = OSSL_PROVIDER_load(lib, "default"))) {
        printf("FAIL  cannot load kcrypt from %s\n", argv[1]);
        ERR_print_errors_fp(stdout);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    ERR_clear_error();

    name_list ciphers = { .n = 0 }, digests = { .n = 0 };
    EVP_CIPHER_do_all_provided(lib, cipher_cb, &ciphers);
    EVP_MD_do_all_provided(lib, md_cb, &digests);
    /* a kernel with AF_ALG has all of these; an empty list is a failure */
    verbose_pass = 1;
    result(ciphers.n >= 24 && digests.n == 9,
           "kcrypt offers %d ciphers (at least 24) and %d digests (9)", ciphers.n, digests.n);
    verbose_pass = 0;

    for (int i = 0; i < digests.n; i++)
        test_digest(digests.names[i]);
    for (int i = 0; i < ciphers.n; i++) {
        EVP_CIPHER *c = EVP_CIPHER_fetch(lib, ciphers.names[i], "provider=kcrypt");
        int aead = c && (EVP_CIPHER_get_flags(c) & EVP_CIPH_FLAG_AEAD_CIPHER);
        EVP_CIPHER_free(c);
        if (aead)
            test_aead(ciphers.names[i]);
        else
            test_cipher(ciphers.names[i]);
    }
    test_aead_stream("AES-128-GCM");
    test_aead_stream("ChaCha20-Poly1305");
    test_tls_cbc("AES-128-CBC");
    test_tls_cbc("AES-256-CBC");
    test_tls_aead("AES-128-GCM");
    test_tls_aead("AES-256-GCM");
    test_tls_aead("ChaCha20-Poly1305");
    test_tls_aead("AES-128-CCM");
    static const char *hmac_digests[] = { "SHA1", "SHA2-224", "SHA2-256", "SHA2-384", "SHA2-512",
                                          "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512",
                                          "SHA512-256" /* not in the kernel: software */ };
    for (size_t i = 0; i < sizeof(hmac_digests) / sizeof(hmac_digests[0]); i++)
        test_mac("HMAC", OSSL_MAC_PARAM_DIGEST, hmac_digests[i], 0);
    test_mac("CMAC", OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 16);
    test_mac("CMAC", OSSL_MAC_PARAM_CIPHER, "AES-192-CBC", 24);
    test_mac("CMAC", OSSL_MAC_PARAM_CIPHER, "AES-256-CBC", 32);
    verbose_pass = 1;     /* the summary checks say what they found */
    test_rand();
    test_fds();

    static const char *must_move[] = { "kcrypt-kernel-requests", "kcrypt-digest-ops",
                                       "kcrypt-cipher-ops", "kcrypt-aead-records",
                                       "kcrypt-mac-ops", "kcrypt-wrap-ops", "kcrypt-rand-bytes" };
    for (size_t i = 0; i < sizeof(must_move) / sizeof(must_move[0]); i++) {
        uint64_t v = counter(must_move[i]);
        result(v > 0 && v != UINT64_MAX, "counter %s = %" PRIu64, must_move[i], v);
    }
    char *status = NULL, *kernel = NULL;
    OSSL_PARAM sp[3] = { OSSL_PARAM_construct_utf8_ptr("kcrypt-status", &status, 0),
                         OSSL_PARAM_construct_utf8_ptr("kcrypt-kernel", &kernel, 0),
                         OSSL_PARAM_construct_end() };
    int got = OSSL_PROVIDER_get_params(kprov, sp);
    const OSSL_PARAM *gp = OSSL_PROVIDER_gettable_params(kprov);
    result(got && status && kernel && OSSL_PARAM_locate_const(gp, "kcrypt-aead-records") &&
               OSSL_PARAM_locate_const(gp, "kcrypt-software-ops"),
           "provider parameters: status \"%s\", kernel %s", status ? status : "?",
           kernel ? kernel : "?");
    printf("counters: requests=%" PRIu64 " contexts=%" PRIu64 " software=%" PRIu64
           " errors=%" PRIu64 "\n",
           counter("kcrypt-kernel-requests"), counter("kcrypt-kernel-contexts"),
           counter("kcrypt-software-ops"), counter("kcrypt-errors"));

    OSSL_PROVIDER_unload(kprov);
    OSSL_PROVIDER_unload(dprov);
    OSSL_LIB_CTX_free(lib);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
