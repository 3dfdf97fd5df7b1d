/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit test of common/'s block holder (kc/blockpad.h) with a fake
 * chaining cipher: PKCS#7 known answers and refusals, and split invariance:
 * any split of a message into updates gives the same bytes as one update,
 * every update's output is what kc_blockpad_update_len promised, the cipher
 * is called at most once per update, and decryption gives the message back.
 * KCRYPT_SEED replays a run. */
#include "kc/blockpad.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_check.h"

/* A fake CBC: E(x) = rotl(x ^ k, 3) bytewise over x ^ chain; whole blocks
 * only, and the chain carries from call to call as a kernel context's IV. */
typedef struct {
    size_t block;
    int encrypt;
    unsigned char chain[KC_BLOCKPAD_MAX];
    int calls;
} fake;

static unsigned char rotl3(unsigned char v) { return (unsigned char)(v << 3 | v >> 5); }
static unsigned char rotr3(unsigned char v) { return (unsigned char)(v >> 3 | v << 5); }

static kc_status fake_blocks(void *ctx, const unsigned char *in, size_t len, unsigned char *out,
                             kc_error *err)
{
    fake *f = ctx;
    f->calls++;
    if (len % f->block)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "fake: %zu is not whole blocks", len);
    for (size_t i = 0; i < len; i += f->block)
        for (size_t j = 0; j < f->block; j++) {
            unsigned char x = in[i + j], k = (unsigned char)(0x5a + j);
            if (f->encrypt) {
                out[i + j] = rotl3((unsigned char)(x ^ f->chain[j]) ^ k);
                f->chain[j] = out[i + j];
            } else {
                out[i + j] = (unsigned char)(rotr3(x) ^ k) ^ f->chain[j];
                f->chain[j] = x;
            }
        }
    return KC_OK;
}

static void fake_init(fake *f, size_t block, int encrypt)
{
    memset(f, 0, sizeof(*f));
    f->block = block;
    f->encrypt = encrypt;
    for (size_t j = 0; j < block; j++)
        f->chain[j] = (unsigned char)(0xa0 + j);
}

/* Runs in through a holder in the given pieces (cuts[] ascending, ncuts),
 * out-of-place or in place. Returns the output length or -1 on error. */
static long run(size_t block, int encrypt, int pad, const unsigned char *in, size_t len,
                const size_t *cuts, int ncuts, int in_place, unsigned char *out,
                kc_status *final_status)
{
    kc_blockpad b;
    fake f;
    kc_error e;
    fake_init(&f, block, encrypt);
    if (kc_blockpad_init(&b, "fake", block, encrypt, pad, &e) != KC_OK)
        return -1;
    unsigned char *work = malloc(len + 2 * KC_BLOCKPAD_MAX);
    size_t done = 0, pos = 0;
    for (int i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len, piece = end - pos, n;
        size_t promised = kc_blockpad_update_len(&b, piece);
        int before = f.calls;
        const unsigned char *src = in + pos;
        if (in_place) {   /* the piece sits where its output goes */
            memcpy(work + done, in + pos, piece);
            src = work + done;
        }
        if (kc_blockpad_update(&b, src, piece, work + done, &n, fake_blocks, &f, &e) != KC_OK) {
            free(work);
            return -1;
        }
        CHECK(n == promised, "update of %zu gave %zu, promised %zu", piece, n, promised);
        CHECK(f.calls - before <= 1, "one update made %d cipher calls", f.calls - before);
        CHECK(n % block == 0, "update output %zu not whole blocks", n);
        done += n;
        pos = end;
    }
    size_t n;
    *final_status = kc_blockpad_final(&b, work + done, &n, fake_blocks, &f, &e);
    CHECK(kc_blockpad_held(&b) == 0, "holder not empty after final");
    if (*final_status == KC_OK)
        done += n;
    memcpy(out, work, done);
    free(work);
    return *final_status == KC_OK ? (long)done : -1;
}

static void test_pkcs7(void)
{
    unsigned char blk[16];
    memset(blk, 0xee, sizeof(blk));
    kc_pkcs7_pad(blk, 13, 16);
    CHECK(blk[12] == 0xee && blk[13] == 3 && blk[14] == 3 && blk[15] == 3, "pad 3");
    CHECK(kc_pkcs7_unpad_len(blk, 16) == 13, "unpad 13");
    kc_pkcs7_pad(blk, 0, 16);
    CHECK(blk[0] == 16 && kc_pkcs7_unpad_len(blk, 16) == 0, "a whole block of padding");
    kc_pkcs7_pad(blk, 15, 16);
    CHECK(kc_pkcs7_unpad_len(blk, 16) == 15, "pad 1");
    blk[15] = 0;
    CHECK(kc_pkcs7_unpad_len(blk, 16) == -1, "pad byte 0 refused");
    blk[15] = 17;
    CHECK(kc_pkcs7_unpad_len(blk, 16) == -1, "pad byte above the block refused");
    kc_pkcs7_pad(blk, 10, 16);
    blk[11] ^= 1;
    CHECK(kc_pkcs7_unpad_len(blk, 16) == -1, "a wrong byte inside the padding refused");
    kc_pkcs7_pad(blk, 10, 16);
    blk[10] ^= 1;
    CHECK(kc_pkcs7_unpad_len(blk, 16) == -1, "a wrong first padding byte refused");
    blk[10] ^= 1;
    blk[9] = 6;   /* the byte before the padding may be anything */
    CHECK(kc_pkcs7_unpad_len(blk, 16) == 10, "data byte equal to the pad value is data");
    unsigned char d[8] = { 1, 2, 3, 4, 5, 6, 7, 1 };
    CHECK(kc_pkcs7_unpad_len(d, 8) == 7, "8-byte block, pad 1");
    kc_blockpad b;
    CHECK(kc_blockpad_init(&b, "x", 0, 1, 1, NULL) == KC_ERR_INVALID_ARG, "block 0 refused");
    CHECK(kc_blockpad_init(&b, "x", 17, 1, 1, NULL) == KC_ERR_INVALID_ARG, "block 17 refused");
}

static void test_refusals(void)
{
    unsigned char in[64] = { 0 }, out[96];
    kc_status st;
    /* no padding: a partial block at final */
    CHECK(run(16, 1, 0, in, 17, NULL, 0, 0, out, &st) < 0 && st == KC_ERR_INVALID_ARG,
          "17 bytes unpadded refused at final");
    /* padded decrypt of no data and of a partial block */
    CHECK(run(16, 0, 1, in, 0, NULL, 0, 0, out, &st) < 0 && st == KC_ERR_INVALID_ARG,
          "empty padded ciphertext refused");
    CHECK(run(16, 0, 1, in, 20, NULL, 0, 0, out, &st) < 0 && st == KC_ERR_INVALID_ARG,
          "20-byte padded ciphertext refused");
    /* a valid ciphertext with its last block damaged: bad padding */
    unsigned char msg[32], ct[64], pt[64];
    for (int i = 0; i < 32; i++)
        msg[i] = (unsigned char)i;
    long n = run(16, 1, 1, msg, 32, NULL, 0, 0, ct, &st);
    CHECK(n == 48, "32 bytes pad to 48, got %ld", n);
    ct[47] ^= 0x40;
    CHECK(run(16, 0, 1, ct, 48, NULL, 0, 0, pt, &st) < 0 && st == KC_ERR_AUTH,
          "damaged padding refused with KC_ERR_AUTH (got %d)", (int)st);
}

static void test_splits(unsigned seed)
{
    srand(seed);
    static const size_t blocks[] = { 16, 8 };
    for (int iter = 0; iter < 3000; iter++) {
        size_t block = blocks[iter % 2];
        int pad = rand() % 2, in_place = rand() % 2;
        size_t len = (size_t)(rand() % 200);
        if (!pad)
            len -= len % block;
        unsigned char msg[256], one[300], split[300], back[300];
        for (size_t i = 0; i < len; i++)
            msg[i] = (unsigned char)rand();
        size_t cuts[12];
        int ncuts = len ? rand() % 12 : 0;
        for (int i = 0; i < ncuts; i++)
            cuts[i] = (size_t)rand() % (len + 1);
        for (int i = 1; i < ncuts; i++)   /* insertion sort: ascending cuts */
            for (int j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
                size_t t = cuts[j];
                cuts[j] = cuts[j - 1];
                cuts[j - 1] = t;
            }
        kc_status st;
        long a = run(block, 1, pad, msg, len, NULL, 0, 0, one, &st);
        long b = run(block, 1, pad, msg, len, cuts, ncuts, in_place, split, &st);
        size_t want = pad ? len / block * block + block : len;
        CHECK(a == (long)want && b == a && !memcmp(one, split, want),
              "seed %u iter %d: encrypt %zu bytes in %d pieces: %ld vs %ld", seed, iter, len,
              ncuts + 1, a, b);
        if (a < 0)
            continue;
        /* decrypt in other random pieces */
        for (int i = 0; i < ncuts; i++)
            cuts[i] = cuts[i] * (size_t)a / (len ? len : 1);
        long d = run(block, 0, pad, one, (size_t)a, cuts, ncuts, !in_place, back, &st);
        CHECK(d == (long)len && !memcmp(back, msg, len), "seed %u iter %d: decrypt gave %ld of %zu",
              seed, iter, d, len);
    }
}

int main(void)
{
    const char *s = getenv("KCRYPT_SEED");
    unsigned seed = s ? (unsigned)strtoul(s, NULL, 0) : 12345u;
    printf("seed %u (KCRYPT_SEED to replay)\n", seed);
    test_pkcs7();
    test_refusals();
    test_splits(seed);
    return kct_check_exit();
}
