/* SPDX-License-Identifier: Apache-2.0 */
/* test_matrix MODULE_DIR [SEED]: every cipher and AEAD kcrypt offers, run
 * through the call shapes OpenSSL's evp_test uses, each compared with
 * OpenSSL's default provider: the same bytes out and the same success or
 * failure. Shapes: out of place and in place, aligned and misaligned
 * buffers, one update / 1, n-2, 1 / seeded random splits, AAD whole or in
 * pieces, encrypt and decrypt, the AEAD tag set before or after the data,
 * a wrong tag, EVP_Cipher after a fresh init, and a re-init with the same
 * key and a new IV after a finished message. The default provider is the
 * reference for what is legal: where it refuses a shape, kcrypt must too.
 * Ends with "N passed, N failed"; the seed is printed so a failure can be
 * replayed. KEY=VALUE arguments are kcrypt settings (min-size=1M,
 * software-fallback=no); with them, what the default provider lacks
 * (AES-192-XTS) is compared with kcrypt without them. Without settings it
 * also checks that every name the default provider has for an algorithm
 * kcrypt offers (aliases, OIDs) reaches it in kcrypt. */
#include <openssl/conf.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MAXLEN 160
#define SLACK 64
#define MAXNAMES 128
#define TAGLEN 16

enum { SPLIT_ONE, SPLIT_1N1, SPLIT_RANDOM, SPLIT_ONESHOT, SPLIT_COUNT };
static const char *split_name[] = { "one update", "1/n-2/1", "random", "EVP_Cipher" };

typedef struct {
    int enc, inplace, misalign, split, tag_after, reinit, bad_tag, no_iv, again;
    size_t cuts[8];     /* data pieces; AAD pieces use the same list */
    int ncuts;
} shape;

typedef struct {
    int ok;
    unsigned char out[MAXLEN + SLACK];
    size_t outlen;
    unsigned char tag[TAGLEN];
} result;

typedef struct {
    const char *name;
    EVP_CIPHER *kc, *ref;
    int aead, ccm, wrap, stream, cts;
    const char *cts_mode;   /* CBC-CTS: the cts_mode set at init, NULL for the default */
    size_t keylen, ivlen, block;
    unsigned long pass, fail;
} alg;

static OSSL_LIB_CTX *kc_lib, *ref_lib, *plain_lib;
static alg algs[MAXNAMES];
static int nalgs;
static unsigned long total_pass, total_fail, reported;

static int is_aead(const EVP_CIPHER *c)
{
    return (EVP_CIPHER_get_flags(c) & EVP_CIPH_FLAG_AEAD_CIPHER) != 0;
}

static void collect(EVP_CIPHER *c, void *arg)
{
    (void)arg;
    if (nalgs == MAXNAMES || EVP_CIPHER_get0_provider(c) == NULL)
        return;
    const char *name = EVP_CIPHER_get0_name(c);
    for (int i = 0; i < nalgs; i++)
        if (!strcmp(algs[i].name, name))
            return;
    alg *a = &algs[nalgs++];
    memset(a, 0, sizeof(*a));
    a->name = name;
    EVP_CIPHER_up_ref(c);
    a->kc = c;
}

/* Pieces of n bytes for a shape: whole, 1 / n-2 / 1, or random. */
static void make_cuts(shape *s, size_t n)
{
    s->ncuts = 0;
    if (s->split == SPLIT_1N1 && n >= 3) {
        s->cuts[0] = 1;
        s->cuts[1] = n - 2;
        s->cuts[2] = 1;
        s->ncuts = 3;
        return;
    }
    if (s->split == SPLIT_RANDOM && n >= 2) {
        size_t left = n;
        while (left && s->ncuts < 7) {
            size_t c = 1 + (size_t)rand() % left;
            s->cuts[s->ncuts++] = c;
            left -= c;
        }
        if (left)
            s->cuts[s->ncuts++] = left;
        return;
    }
    s->cuts[0] = n;
    s->ncuts = 1;
}

static int set_tag(EVP_CIPHER_CTX *x, const unsigned char *tag)
{
    return EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, TAGLEN, (void *)tag) > 0;
}

/* The message part of an operation, after the key and IV are in place. */
static int message(EVP_CIPHER_CTX *x, const alg *a, const shape *s, const unsigned char *aad,
                   size_t aadlen, const unsigned char *in, unsigned char *out, size_t len,
                   const unsigned char *tag, result *r)
{
    int n = 0;
    size_t done = 0, off = 0;
    if (a->ccm && !EVP_CipherUpdate(x, NULL, &n, NULL, (int)len))
        return 0;
    if (a->aead && !s->enc && !s->tag_after && !a->ccm && !set_tag(x, tag))
        return 0;
    if (a->aead && aadlen) {
        shape as = *s;
        if (a->ccm)
            as.split = SPLIT_ONE;   /* OpenSSL's CCM takes its AAD in one call */
        make_cuts(&as, aadlen);
        size_t ao = 0;
        for (int i = 0; i < as.ncuts; i++) {
            if (!EVP_CipherUpdate(x, NULL, &n, aad + ao, (int)as.cuts[i]))
                return 0;
            ao += as.cuts[i];
        }
    }
    if (s->split == SPLIT_ONESHOT) {
        n = EVP_Cipher(x, out, in, (unsigned)len);
        if (n < 0)
            return 0;
        r->outlen = (size_t)n;
        return 1;
    }
    for (int i = 0; i < s->ncuts; i++) {
        if (!s->cuts[i] && len)
            continue;
        if (!EVP_CipherUpdate(x, out + done, &n, in + off, (int)s->cuts[i]))
            return 0;
        done += (size_t)n;
        off += s->cuts[i];
    }
    if (a->aead && !s->enc && s->tag_after && !a->ccm && !set_tag(x, tag))
        return 0;
    if (!EVP_CipherFinal_ex(x, out + done, &n))
        return 0;
    done += (size_t)n;
    r->outlen = done;
    if (a->aead && s->enc &&
        EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, TAGLEN, r->tag) <= 0)
        return 0;
    return 1;
}

static int init(EVP_CIPHER_CTX *x, const EVP_CIPHER *c, const alg *a, const shape *s,
                const unsigned char *key, const unsigned char *iv, const unsigned char *tag)
{
    if (!EVP_CipherInit_ex2(x, c, NULL, NULL, s->enc, NULL))
        return 0;
    if (a->wrap)
        EVP_CIPHER_CTX_set_flags(x, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (a->aead && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, (int)a->ivlen, NULL) <= 0)
        return 0;
    if (a->ccm && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, TAGLEN,
                                      s->enc ? NULL : (void *)tag) <= 0)
        return 0;
    OSSL_PARAM mode[2] = { OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE,
                                                            (char *)a->cts_mode, 0),
                           OSSL_PARAM_construct_end() };
    return EVP_CipherInit_ex2(x, NULL, key, iv, s->enc, a->cts_mode ? mode : NULL);
}

/* One operation in one library context; r->ok says whether it succeeded. */
static void run(const alg *a, int kcrypt, const shape *s, const unsigned char *key,
                const unsigned char *iv, const unsigned char *iv2, const unsigned char *aad,
                size_t aadlen, const unsigned char *in, size_t len, const unsigned char *tag,
                result *r)
{
    static unsigned char inbuf[MAXLEN + SLACK], outbuf[MAXLEN + SLACK];
    memset(r, 0, sizeof(*r));
    memset(outbuf, 0xa5, sizeof(outbuf));
    unsigned char *src = inbuf + s->misalign;
    unsigned char *dst = s->inplace ? src : outbuf + s->misalign;
    memcpy(src, in, len);
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    const EVP_CIPHER *c = kcrypt ? a->kc : a->ref;
    int ok = x && init(x, c, a, s, key, s->no_iv ? NULL : iv, tag);
    if (ok && s->reinit) {
        /* a whole message first, then the same key with a new IV */
        shape one = *s;
        one.split = SPLIT_ONE;
        make_cuts(&one, len);
        unsigned char junk[MAXLEN + SLACK];
        result jr;
        (void)message(x, a, &one, aad, aadlen, in, junk, len, tag, &jr);
        if (a->ccm && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, TAGLEN,
                                          s->enc ? NULL : (void *)tag) <= 0)
            ok = 0;
        ok = ok && EVP_CipherInit_ex2(x, NULL, NULL, iv2, s->enc, NULL);
        iv = iv2;
    }
    if (ok && s->again) {
        /* a finished message, then more data on the same context with no
         * init in between: OpenSSL keeps chaining (CBC) or the keystream
         * (CTR, partly used block included) */
        size_t first = len / 3 + 1;
        shape one = *s;
        one.split = SPLIT_ONE;
        make_cuts(&one, first);
        result r1;
        ok = message(x, a, &one, aad, aadlen, src, dst, first, tag, &r1);
        if (ok) {
            make_cuts(&one, len - first);
            ok = message(x, a, &one, aad, aadlen, src + first, dst + first, len - first, tag, r);
            if (ok && r1.outlen == first && r->outlen == len - first)
                r->outlen = len;
            else
                ok = ok && 0 == printf("note  %s: lengths differ after final\n", a->name);
        }
    } else {
        ok = ok && message(x, a, s, aad, aadlen, src, dst, len, tag, r);
    }
    r->ok = ok;
    if (ok)
        memcpy(r->out, dst, r->outlen);
    EVP_CIPHER_CTX_free(x);
    ERR_clear_error();
}

static void describe(const alg *a, const shape *s, size_t len, size_t aadlen, const char *what)
{
    total_fail++;
    if (reported++ >= (getenv("MATRIX_ALL") ? 100000u : 40u))
        return;
    printf("FAIL  %s%s%s %s len=%zu aad=%zu %s %s%s%s%s%s%s: %s\n", a->name,
           a->cts_mode ? " " : "", a->cts_mode ? a->cts_mode : "", s->enc ? "enc" : "dec",
           len, aadlen, split_name[s->split], s->inplace ? "in-place" : "out-of-place",
           s->misalign ? " misaligned" : "", s->tag_after ? " tag-after" : "",
           s->reinit ? " re-init" : "", s->bad_tag ? " wrong-tag" : "",
           s->no_iv ? " no-IV" : s->again ? " more-after-final" : "", what);
}

static void compare(alg *a, const shape *s, size_t len, size_t aadlen, const result *k,
                    const result *d)
{
    const char *bad = NULL;
    char why[96];
    if (k->ok != d->ok) {
        snprintf(why, sizeof(why), "kcrypt %s, default %s", k->ok ? "succeeded" : "failed",
                 d->ok ? "succeeded" : "failed");
        bad = why;
    } else if (k->ok && (k->outlen != d->outlen || memcmp(k->out, d->out, k->outlen))) {
        size_t i = 0;
        while (i < k->outlen && i < d->outlen && k->out[i] == d->out[i])
            i++;
        snprintf(why, sizeof(why), "wrong output (length %zu vs %zu, first difference at %zu)",
                 k->outlen, d->outlen, i);
        bad = why;
    } else if (k->ok && a->aead && s->enc && memcmp(k->tag, d->tag, TAGLEN)) {
        bad = "wrong tag";
    }
    if (bad) {
        a->fail++;
        describe(a, s, len, aadlen, bad);
    } else {
        a->pass++;
        total_pass++;
    }
}

static void fill(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)rand();
}

static const size_t sizes[] = { 0, 1, 16, 31, 77 };
static const size_t aad_sizes[] = { 0, 13, 20 };
/* CBC-CTS: below a block (refused), one block, and each tail shape:
 * partial and whole last blocks, two and more blocks */
static const size_t cts_sizes[] = { 0, 1, 15, 16, 17, 31, 32, 33, 48, 100 };

/* Stream modes (CTR, OFB, CFB): a context copied part way into a block
 * (EVP_CIPHER_CTX_copy) continues on its own, as does the original; both
 * must give the default provider's bytes. kcrypt carries the position
 * (IV and bytes used) over to the copy's own kernel socket. */
static void dup_midblock(alg *a, unsigned long mode)
{
    static const size_t cuts[] = { 1, 5, 15, 16, 17, 31, 40 };
    unsigned char key[64], iv[16], pt[64], want[64], got1[64], got2[64];
    if (mode != EVP_CIPH_CTR_MODE && mode != EVP_CIPH_OFB_MODE && mode != EVP_CIPH_CFB_MODE)
        return;
    fill(key, sizeof(key));
    fill(iv, sizeof(iv));
    fill(pt, sizeof(pt));
    for (int enc = 0; enc < 2; enc++) {
        EVP_CIPHER_CTX *r = EVP_CIPHER_CTX_new();
        int n = 0;
        int ok = r && EVP_CipherInit_ex2(r, a->ref, key, iv, enc, NULL) &&
                 EVP_CipherUpdate(r, want, &n, pt, sizeof(pt)) && n == (int)sizeof(pt);
        EVP_CIPHER_CTX_free(r);
        for (size_t i = 0; ok && i < sizeof(cuts) / sizeof(cuts[0]); i++) {
            size_t c = cuts[i];
            int n1 = 0, n2 = 0, n3 = 0;
            EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new(), *y = NULL;
            int good = x && EVP_CipherInit_ex2(x, a->kc, key, iv, enc, NULL) &&
                       EVP_CipherUpdate(x, got1, &n1, pt, (int)c) && (size_t)n1 == c &&
                       (y = EVP_CIPHER_CTX_new()) != NULL && EVP_CIPHER_CTX_copy(y, x) &&
                       EVP_CipherUpdate(y, got2 + c, &n3, pt + c, (int)(sizeof(pt) - c)) &&
                       EVP_CipherUpdate(x, got1 + c, &n2, pt + c, (int)(sizeof(pt) - c)) &&
                       (size_t)(n2) == sizeof(pt) - c && (size_t)n3 == sizeof(pt) - c;
            memcpy(got2, got1, c);
            if (good && !memcmp(got1, want, sizeof(pt)) && !memcmp(got2, want, sizeof(pt))) {
                a->pass++, total_pass++;
            } else {
                a->fail++, total_fail++;
                printf("FAIL  %s: %s, copied after %zu bytes: %s\n", a->name,
                       enc ? "encrypt" : "decrypt", c,
                       !good ? "refused" : memcmp(got1, want, sizeof(pt)) ? "original wrong"
                                                                      : "copy wrong");
                ERR_print_errors_fp(stdout);
            }
            EVP_CIPHER_CTX_free(x);
            EVP_CIPHER_CTX_free(y);
        }
    }
}

static void run_alg(alg *a)
{
    unsigned char key[64], iv[16], iv2[16], aad[32], pt[MAXLEN], ct[MAXLEN + SLACK];
    unsigned char tag[TAGLEN];
    fill(key, sizeof(key));
    fill(iv, sizeof(iv));
    fill(iv2, sizeof(iv2));
    const size_t *lens = a->cts ? cts_sizes : sizes;
    size_t nlens = a->cts ? sizeof(cts_sizes) / sizeof(cts_sizes[0])
                          : sizeof(sizes) / sizeof(sizes[0]);
    for (size_t si = 0; si < nlens; si++) {
        size_t len = lens[si], aadlen = a->aead ? aad_sizes[si % 3] : 0;
        if (a->wrap)
            len = 16 + 8 * si;   /* what key wrap takes */
        fill(pt, len);
        fill(aad, aadlen);
        /* the reference ciphertext and tag, to decrypt */
        shape e = { .enc = 1, .split = SPLIT_ONE };
        make_cuts(&e, len);
        result rr;
        run(a, 0, &e, key, a->wrap ? NULL : iv, iv2, aad, aadlen, pt, len, NULL, &rr);
        size_t ctlen = rr.ok ? rr.outlen : len;
        memcpy(ct, rr.ok ? rr.out : pt, ctlen);
        memcpy(tag, rr.tag, TAGLEN);
        for (int enc = 1; enc >= 0; enc--)
            for (int buf = 0; buf < 4; buf++)
                for (int split = 0; split < SPLIT_COUNT; split++)
                    for (int variant = 0; variant < 4; variant++) {
                        if (a->aead && enc && variant > 1)
                            continue;
                        if (!a->aead && variant == 2 && (!a->ivlen || split != SPLIT_ONE))
                            continue;   /* no IV: once per buffer shape */
                        if (!a->aead && variant == 3 &&
                            ((a->block > 1 && !a->cts) || split != SPLIT_ONE))
                            continue;   /* after final: stream modes and CTS (refused) */
                        if (split == SPLIT_ONESHOT && (a->aead || variant))
                            continue;
                        if (a->wrap && (split != SPLIT_ONE || variant))
                            continue;   /* key wrap: one update, the RFC's IV */
                        /* EVP_Cipher does no padding: whole blocks only */
                        if (split == SPLIT_ONESHOT && (enc ? len : ctlen) % a->block)
                            continue;
                        shape s = { .enc = enc, .inplace = buf & 1, .misalign = buf >> 1,
                                    .split = split, .reinit = variant == 1,
                                    .tag_after = a->aead && variant == 2,
                                    .bad_tag = a->aead && variant == 3,
                                    .no_iv = !a->aead && variant == 2,
                                    .again = !a->aead && variant == 3 };
                        const unsigned char *in = enc ? pt : ct;
                        size_t inl = enc ? len : ctlen;
                        make_cuts(&s, inl);
                        unsigned char t[TAGLEN];
                        memcpy(t, tag, TAGLEN);
                        if (s.bad_tag)
                            t[0] ^= 1;
                        result k, d;
                        /* kcrypt's key wrap takes only the RFC's default IV */
                        const unsigned char *v = a->wrap ? NULL : iv;
                        run(a, 1, &s, key, v, iv2, aad, aadlen, in, inl, t, &k);
                        run(a, 0, &s, key, v, iv2, aad, aadlen, in, inl, t, &d);
                        compare(a, &s, inl, aadlen, &k, &d);
                    }
    }
}

/* CCM's AAD in two calls: OpenSSL's CCM formats each call as if it were
 * the whole AAD and returns a tag that matches no CCM implementation (the
 * default provider succeeds with it); kcrypt must refuse the second call in
 * both directions rather than return such bytes. */
static void ccm_aad_once(alg *a)
{
    unsigned char key[64], iv[16], aad[20], tag[TAGLEN] = { 0 };
    fill(key, sizeof(key));
    fill(iv, sizeof(iv));
    fill(aad, sizeof(aad));
    for (int enc = 1; enc >= 0; enc--) {
        shape s = { .enc = enc };
        EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
        int n, ok = x && init(x, a->kc, a, &s, key, iv, tag) &&
                    EVP_CipherUpdate(x, NULL, &n, NULL, 16) &&
                    EVP_CipherUpdate(x, NULL, &n, aad, 13);
        int second = ok && EVP_CipherUpdate(x, NULL, &n, aad + 13, 7);
        ERR_clear_error();
        EVP_CIPHER_CTX_free(x);
        if (ok && !second) {
            a->pass++;
            total_pass++;
        } else {
            a->fail++;
            total_fail++;
            printf("FAIL %s %s: AAD in two calls %s\n", a->name, enc ? "encrypt" : "decrypt",
                   ok ? "accepted" : "(the first call failed)");
        }
    }
}

/* CBC-CTS shapes outside the matrix, one script on both providers, every
 * result recorded: a size query (NULL output), a refused short update and
 * the message after it, the IV after the message (OpenSSL: the last CBC
 * block), a second update (refused: one update per message), final,
 * EVP_Cipher twice after it (plain CBC, chained), cts_mode read back, and
 * a re-init with no key or IV (the mode stays, the IV restarts). */
static size_t cts_script(const EVP_CIPHER *c, const alg *a, int enc, const unsigned char *key,
                         const unsigned char *iv, const unsigned char *in, unsigned char *rec)
{
    unsigned char out[MAXLEN + SLACK], uiv[16] = { 0 };
    char mode[8] = "";
    size_t r = 0;
    int n = 0;
    shape s = { .enc = enc };
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
#define REC(v) (rec[r++] = (unsigned char)(v))
#define RECBUF(p, len) (memcpy(rec + r, p, len), r += (len))
    REC(x && init(x, c, a, &s, key, iv, NULL));
    REC(EVP_CipherUpdate(x, NULL, &n, in, 33)), REC(n);
    n = 0;
    REC(EVP_CipherUpdate(x, out, &n, in, 10));
    n = 0;
    REC(EVP_CipherUpdate(x, out, &n, in, 33)), REC(n), RECBUF(out, 33);
    OSSL_PARAM q[3] = { OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_UPDATED_IV, uiv, 16),
                        OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE, mode,
                                                         sizeof(mode)),
                        OSSL_PARAM_construct_end() };
    REC(EVP_CIPHER_CTX_get_params(x, q)), RECBUF(uiv, 16), RECBUF(mode, sizeof(mode));
    n = 0;
    REC(EVP_CipherUpdate(x, out, &n, in + 33, 20));
    REC(EVP_CipherFinal_ex(x, out, &n)), REC(n);
    REC(EVP_Cipher(x, out, in, 32)), RECBUF(out, 32);
    REC(EVP_Cipher(x, out, in + 32, 48)), RECBUF(out, 48);
    REC(EVP_CipherInit_ex2(x, NULL, NULL, NULL, enc, NULL));
    n = 0;
    REC(EVP_CipherUpdate(x, out, &n, in, 100)), REC(n), RECBUF(out, 100);
    memset(mode, 0, sizeof(mode));
    REC(EVP_CIPHER_CTX_get_params(x, q)), RECBUF(uiv, 16), RECBUF(mode, sizeof(mode));
#undef REC
#undef RECBUF
    EVP_CIPHER_CTX_free(x);
    ERR_clear_error();
    return r;
}

/* cts_mode set and read back (OpenSSL takes the names without case and
 * refuses others and non-strings), the CTS flag, cts_mode in the lists. */
static int cts_params_agree(const alg *a)
{
    static const char *const set[] = { NULL, "CS1", "CS2", "CS3", "cs2", "CS4", "" };
    unsigned char key[32] = { 0 }, iv[16] = { 0 };
    int agree = 1;
    for (size_t i = 0; i <= sizeof(set) / sizeof(set[0]); i++) {
        char got[2][8] = { "", "" };
        int ok[2];
        for (int p = 0; p < 2; p++) {
            EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
            int three = 3;
            OSSL_PARAM sp[2] = { i < sizeof(set) / sizeof(set[0])
                                     ? OSSL_PARAM_construct_utf8_string(
                                           OSSL_CIPHER_PARAM_CTS_MODE, (char *)set[i], 0)
                                     : OSSL_PARAM_construct_int(OSSL_CIPHER_PARAM_CTS_MODE, &three),
                                 OSSL_PARAM_construct_end() };
            OSSL_PARAM gp[2] = { OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE,
                                                                  got[p], sizeof(got[p])),
                                 OSSL_PARAM_construct_end() };
            ok[p] = x && EVP_CipherInit_ex2(x, p ? a->ref : a->kc, key, iv, 1, NULL) &&
                    (!set[i] || EVP_CIPHER_CTX_set_params(x, sp)) &&
                    EVP_CIPHER_CTX_get_params(x, gp);
            EVP_CIPHER_CTX_free(x);
            ERR_clear_error();
        }
        if (ok[0] != ok[1] || strcmp(got[0], got[1])) {
            printf("FAIL  %s cts_mode %s: kcrypt %s \"%s\", default %s \"%s\"\n", a->name,
                   i < sizeof(set) / sizeof(set[0]) ? (set[i] ? set[i] : "(unset)") : "(int)",
                   ok[0] ? "ok" : "refused", got[0], ok[1] ? "ok" : "refused", got[1]);
            agree = 0;
        }
    }
    const OSSL_PARAM *lists[] = { EVP_CIPHER_gettable_ctx_params(a->kc),
                                  EVP_CIPHER_settable_ctx_params(a->kc) };
    for (int l = 0; l < 2; l++)
        if (!OSSL_PARAM_locate_const(lists[l], OSSL_CIPHER_PARAM_CTS_MODE)) {
            printf("FAIL  %s: cts_mode not in the %s list\n", a->name, l ? "settable" : "gettable");
            agree = 0;
        }
    if ((EVP_CIPHER_get_flags(a->kc) & EVP_CIPH_FLAG_CTS) !=
        (EVP_CIPHER_get_flags(a->ref) & EVP_CIPH_FLAG_CTS)) {
        printf("FAIL  %s: the CTS flag differs from the default provider's\n", a->name);
        agree = 0;
    }
    return agree;
}

/* RFC 3962 Appendix B: AES-128 CTS in the Kerberos order (cts_mode CS3),
 * IV zero, each length with the IV that continues the chain. */
static int cts_rfc3962(const alg *a)
{
    static const unsigned char key[16] = "chicken teriyaki", iv[16] = { 0 };
    static const char pt[] = "I would like the General Gau's Chicken, please, and wonton soup.";
    static const struct {
        size_t len;
        const char *ct, *next_iv;
    } v[] = {
        { 17, "c6353568f2bf8cb4d8a580362da7ff7f97", "c6353568f2bf8cb4d8a580362da7ff7f" },
        { 31, "fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5",
          "fc00783e0efdb2c1d445d4c8eff7ed22" },
        { 32, "39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584",
          "39312523a78662d5be7fcbcc98ebf5a8" },
        { 47, "97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e"
              "39312523a78662d5be7fcbcc98ebf5",
          "b3fffd940c16a18c1b5549d2f838029e" },
        { 48, "97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd8"
              "39312523a78662d5be7fcbcc98ebf5a8",
          "9dad8bbb96c4cdc03bc103e1a194bbd8" },
        { 64, "97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a8"
              "4807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8",
          "4807efe836ee89a526730dbc2f7bc840" },
    };
    alg cs3 = *a;
    cs3.cts_mode = "CS3";
    int good = 1;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        unsigned char ct[64], next[16], buf[64], uiv[16];
        long len = 0;
        unsigned char *c = OPENSSL_hexstr2buf(v[i].ct, &len), *nx = OPENSSL_hexstr2buf(v[i].next_iv, NULL);
        if (!c || !nx || (size_t)len != v[i].len) {
            OPENSSL_free(c), OPENSSL_free(nx);
            printf("FAIL  %s: RFC 3962 vector %zu unreadable\n", a->name, v[i].len);
            good = 0;
            continue;
        }
        memcpy(ct, c, v[i].len), memcpy(next, nx, 16);
        OPENSSL_free(c), OPENSSL_free(nx);
        for (int enc = 1; enc >= 0; enc--)
            for (int inplace = 0; inplace < 2; inplace++) {
                shape s = { .enc = enc };
                EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
                unsigned char src[64];
                memcpy(src, enc ? (const unsigned char *)pt : ct, v[i].len);
                unsigned char *dst = inplace ? src : buf;
                int n = 0, f = 0;
                OSSL_PARAM q[2] = { OSSL_PARAM_construct_octet_string(
                                        OSSL_CIPHER_PARAM_UPDATED_IV, uiv, 16),
                                    OSSL_PARAM_construct_end() };
                int ok = x && init(x, a->kc, &cs3, &s, key, iv, NULL) &&
                         EVP_CipherUpdate(x, dst, &n, src, (int)v[i].len) &&
                         EVP_CipherFinal_ex(x, dst + n, &f) && (size_t)(n + f) == v[i].len &&
                         EVP_CIPHER_CTX_get_params(x, q);
                EVP_CIPHER_CTX_free(x);
                ERR_clear_error();
                if (!ok || memcmp(dst, enc ? ct : (const unsigned char *)pt, v[i].len) ||
                    memcmp(uiv, next, 16)) {
                    printf("FAIL  %s RFC 3962 %zu bytes %s%s: %s\n", a->name, v[i].len,
                           enc ? "encrypt" : "decrypt", inplace ? " in place" : "",
                           !ok ? "refused" : memcmp(uiv, next, 16) && !memcmp(dst, enc ? ct
                                   : (const unsigned char *)pt, v[i].len) ? "wrong next IV"
                                                                          : "wrong output");
                    good = 0;
                }
            }
    }
    return good;
}

static void cts_checks(alg *a)
{
    unsigned char key[32], iv[16], in[160], rk[1024], rd[1024];
    fill(key, sizeof(key));
    fill(iv, sizeof(iv));
    fill(in, sizeof(in));
    int good = cts_params_agree(a);
    for (int enc = 1; enc >= 0; enc--) {
        size_t nk = cts_script(a->kc, a, enc, key, iv, in, rk);
        size_t nd = cts_script(a->ref, a, enc, key, iv, in, rd);
        if (nk != nd || memcmp(rk, rd, nk)) {
            size_t i = 0;
            while (i < nk && rk[i] == rd[i])
                i++;
            printf("FAIL  %s %s %s: call script differs at record byte %zu\n", a->name,
                   a->cts_mode ? a->cts_mode : "(default)", enc ? "enc" : "dec", i);
            good = 0;
        }
    }
    if (a->keylen == 16 && !a->cts_mode)
        good = cts_rfc3962(a) && good;
    if (good)
        a->pass++, total_pass++;
    else
        a->fail++, total_fail++;
}

/* Names: every name the default provider answers for an algorithm kcrypt
 * offers (what `openssl list` shows: aliases and OIDs included) must reach
 * the same algorithm in kcrypt. */
typedef struct {
    const char *what;
    int cipher;
    unsigned long bad;
} names_check;

static void check_name(const char *name, void *arg)
{
    names_check *n = arg;
    int ok;
    if (n->cipher) {
        EVP_CIPHER *c = EVP_CIPHER_fetch(kc_lib, name, NULL);
        ok = c && EVP_CIPHER_is_a(c, n->what);
        EVP_CIPHER_free(c);
    } else {
        EVP_MD *m = EVP_MD_fetch(kc_lib, name, NULL);
        ok = m && EVP_MD_is_a(m, n->what);
        EVP_MD_free(m);
    }
    ERR_clear_error();
    if (ok) {
        total_pass++;
        return;
    }
    n->bad++;
    total_fail++;
    printf("FAIL  name %s: the default provider answers it for %s, kcrypt does not\n", name,
           n->what);
}

static void check_md_names(EVP_MD *md, void *arg)
{
    (void)arg;
    EVP_MD *ref = EVP_MD_fetch(ref_lib, EVP_MD_get0_name(md), NULL);
    names_check n = { EVP_MD_get0_name(md), 0, 0 };
    if (ref)
        EVP_MD_names_do_all(ref, check_name, &n);
    EVP_MD_free(ref);
    ERR_clear_error();
}

/* kcrypt with KEY=VALUE settings (min-size, software-fallback) through a
 * config file made for this run. */
static OSSL_PROVIDER *load_kcrypt(OSSL_LIB_CTX *lib, const char *dir, char **set, int nset)
{
    if (nset) {
        char path[] = "/tmp/kcrypt-matrix-XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
        if (!f)
            return NULL;
        char *abs = realpath(dir, NULL);   /* a relative module is looked up elsewhere */
        fprintf(f, "openssl_conf = init\n[init]\nproviders = provs\n[provs]\n"
                   "kcrypt = kc\n[kc]\nmodule = %s/kcrypt.so\nactivate = 1\n", abs ? abs : dir);
        free(abs);
        for (int i = 0; i < nset; i++) {
            char *eq = strchr(set[i], '=');
            if (eq)
                fprintf(f, "%.*s = %s\n", (int)(eq - set[i]), set[i], eq + 1);
        }
        fclose(f);
        /* the "providers" config module must be known to this process */
        OPENSSL_load_builtin_modules();
        int ok = OSSL_LIB_CTX_load_config(lib, path) && OSSL_PROVIDER_available(lib, "kcrypt");
        if (!getenv("MATRIX_KEEP_CONF"))
            unlink(path);
        if (!ok)
            return NULL;
    }
    if (!OSSL_PROVIDER_set_default_search_path(lib, dir))
        return NULL;
    return OSSL_PROVIDER_load(lib, "kcrypt");
}

/* ofb(aes) and cfb(aes) left the kernel in 6.7: kcrypt offers AES-OFB and
 * AES-CFB (CFB128) on earlier kernels (then run above like every cipher)
 * and must not advertise them on later ones. AES-CBC-CTS it offers on both. */
static void check_kernel_modes(void)
{
    static const char *const names[] = { "AES-128-OFB", "AES-192-OFB", "AES-256-OFB",
                                         "AES-128-CFB", "AES-192-CFB", "AES-256-CFB" };
    struct utsname u;
    int ma = 0, mi = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2) {
        printf("FAIL  cannot read the kernel version\n");
        total_fail++;
        return;
    }
    int want = ma < 6 || (ma == 6 && mi < 7);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) + 3; i++) {
        /* and, on every kernel, AES-CBC-CTS (cts(cbc(aes)), reordered to the cts_mode) */
        static const char *const cts[] = { "AES-128-CBC-CTS", "AES-192-CBC-CTS",
                                           "AES-256-CBC-CTS" };
        const char *name = i < sizeof(names) / sizeof(names[0])
                               ? names[i]
                               : cts[i - sizeof(names) / sizeof(names[0])];
        int expect = i < sizeof(names) / sizeof(names[0]) ? want : 1;
        EVP_CIPHER *c = EVP_CIPHER_fetch(kc_lib, name, NULL);
        int have = c && !strcmp(OSSL_PROVIDER_get0_name(EVP_CIPHER_get0_provider(c)), "kcrypt");
        EVP_CIPHER_free(c);
        ERR_clear_error();
        if (have == expect) {
            total_pass++;
        } else {
            total_fail++;
            printf("FAIL  %s: %s on kernel %s\n", name,
                   have ? "advertised" : "not offered", u.release);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODULE_DIR [SEED [KEY=VALUE...]]\n", argv[0]);
        return 2;
    }
    /* SEED 0 or none: a new seed each run, printed to replay a failure */
    unsigned seed = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 0;
    if (!seed)
        seed = (unsigned)time(NULL);
    printf("seed %u\n", seed);
    srand(seed);
    kc_lib = OSSL_LIB_CTX_new();
    ref_lib = OSSL_LIB_CTX_new();
    OSSL_PROVIDER *kp = NULL, *dp = NULL;
    int nset = argc > 3 ? argc - 3 : 0;
    for (int i = 0; i < nset; i++)
        printf("setting %s\n", argv[3 + i]);
    plain_lib = OSSL_LIB_CTX_new();
    OSSL_PROVIDER *pp = NULL;
    if (!kc_lib || !ref_lib || !plain_lib || !(kp = load_kcrypt(kc_lib, argv[1], argv + 3, nset)) ||
        !(pp = load_kcrypt(plain_lib, argv[1], NULL, 0)) ||
        !(dp = OSSL_PROVIDER_load(ref_lib, "default"))) {
        ERR_print_errors_fp(stdout);
        printf("FAIL  cannot load the providers\n0 passed, 1 failed\n");
        return 1;
    }
    EVP_CIPHER_do_all_provided(kc_lib, collect, NULL);
    int missing = 0;
    for (int i = 0; i < nalgs; i++) {
        alg *a = &algs[i];
        a->ref = EVP_CIPHER_fetch(ref_lib, a->name, NULL);
        if (!a->ref) {
            /* kcrypt offers what OpenSSL has not (AES-192-XTS): with
             * settings, compare with kcrypt without them; else skip */
            missing++;
            if (!nset || !(a->ref = EVP_CIPHER_fetch(plain_lib, a->name, NULL))) {
                printf("skip  %s: not in the default provider\n", a->name);
                continue;
            }
            printf("note  %s: not in the default provider; compared with kcrypt's defaults\n",
                   a->name);
        }
        unsigned long mode = EVP_CIPHER_get_mode(a->kc);
        a->aead = is_aead(a->kc);
        a->ccm = mode == EVP_CIPH_CCM_MODE;
        a->wrap = mode == EVP_CIPH_WRAP_MODE;
        a->keylen = (size_t)EVP_CIPHER_get_key_length(a->kc);
        a->block = (size_t)EVP_CIPHER_get_block_size(a->kc);
        a->ivlen = a->aead ? 12 : (size_t)EVP_CIPHER_get_iv_length(a->kc);
        names_check nc = { a->name, 1, 0 };
        if (!nset)
            EVP_CIPHER_names_do_all(a->ref, check_name, &nc);
        a->cts = (EVP_CIPHER_get_flags(a->ref) & EVP_CIPH_FLAG_CTS) != 0;
        /* CBC-CTS: the default order (CS1), then each cts_mode */
        static const char *const cts_modes[] = { NULL, "CS1", "CS2", "CS3" };
        for (int m = 0; m < (a->cts ? 4 : 1); m++) {
            a->cts_mode = cts_modes[m];
            run_alg(a);
            if (a->cts)
                cts_checks(a);
        }
        a->cts_mode = NULL;
        if (a->ccm)
            ccm_aad_once(a);
        dup_midblock(a, mode);
        if (mode == EVP_CIPH_GCM_MODE && !nset) {
            /* a nonce the kernel's gcm(aes) lacks: kcrypt's software path */
            a->ivlen = 16;
            run_alg(a);
        }
        printf("%-5s %-28s %lu passed, %lu failed\n", a->fail ? "FAIL" : "pass", a->name,
               a->pass, a->fail);
    }
    if (!nset)
        EVP_MD_do_all_provided(kc_lib, check_md_names, NULL);
    check_kernel_modes();
    for (int i = 0; i < nalgs; i++) {
        EVP_CIPHER_free(algs[i].kc);
        EVP_CIPHER_free(algs[i].ref);
    }
    OSSL_PROVIDER_unload(kp);
    OSSL_PROVIDER_unload(dp);
    OSSL_PROVIDER_unload(pp);
    OSSL_LIB_CTX_free(plain_lib);
    OSSL_LIB_CTX_free(kc_lib);
    OSSL_LIB_CTX_free(ref_lib);
    printf("seed %u: %d algorithms (%d without a default twin)\n", seed, nalgs, missing);
    printf("%lu passed, %lu failed\n", total_pass, total_fail);
    return total_fail || !total_pass ? 1 : 0;
}
