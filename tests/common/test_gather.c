/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit test of common/'s gathering for hashes and MACs (kc/gather.h):
 * random messages in random updates against a recording sink. The sink's
 * bytes followed by what is still gathered are the message; a message that
 * fits the buffer never reaches the sink; every sink call is a full buffer
 * or an update of a buffer or more (so a message of n bytes costs at most
 * 2n/cap + 1 kernel sends); copies are independent; reset forgets. */
#include "kc/gather.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_check.h"

typedef struct {
    unsigned char got[1 << 16];
    size_t len;
    int calls, small_calls;
    size_t cap;
    int fail_next;
} recorder;

static kc_status record(void *ctx, const unsigned char *in, size_t len, kc_error *err)
{
    recorder *r = ctx;
    if (r->fail_next)
        return kc_fail(err, KC_ERR_KERNEL, 5, "sink refused");
    r->calls++;
    if (len < r->cap)
        r->small_calls++;
    memcpy(r->got + r->len, in, len);
    r->len += len;
    return KC_OK;
}

static void test_random(unsigned seed)
{
    srand(seed);
    static recorder r, r2;
    static unsigned char msg[1 << 15];
    for (int iter = 0; iter < 2000; iter++) {
        size_t cap = (size_t)(1 + rand() % 300), len = (size_t)(rand() % 2000);
        for (size_t i = 0; i < len; i++)
            msg[i] = (unsigned char)rand();
        kc_gather g, copy;
        kc_gather_init(&g, cap);
        memset(&r, 0, sizeof(r));
        r.cap = cap;
        size_t pos = 0, copied_at = (size_t)rand() % (len + 1);
        int have_copy = 0;
        while (pos < len) {
            size_t piece = (size_t)(rand() % 4 == 0 ? rand() % 700 : rand() % 40);
            if (piece > len - pos)
                piece = len - pos;
            CHECK(kc_gather_update(&g, msg + pos, piece, record, &r, NULL) == KC_OK, "update");
            pos += piece;
            if (!have_copy && pos >= copied_at) {
                CHECK(kc_gather_copy(&copy, &g, NULL) == KC_OK, "copy");
                r2 = r;
                have_copy = 1;
            }
        }
        CHECK(g.total == len, "total %llu of %zu", g.total, len);
        CHECK(r.small_calls == 0, "iter %d: a sink call below the buffer size", iter);
        CHECK((size_t)r.calls <= 2 * len / cap + 1, "iter %d: %d sink calls for %zu / %zu", iter,
              r.calls, len, cap);
        CHECK(g.spilled == (r.calls > 0) && (len <= cap ? r.calls == 0 : r.calls > 0),
              "iter %d: %zu bytes, buffer %zu, %d sink calls, spilled %d", iter, len, cap, r.calls,
              g.spilled);
        if (!g.spilled)
            CHECK(kc_gather_len(&g) == len && !memcmp(kc_gather_data(&g), msg, len),
                  "iter %d: a message that fits is all gathered", iter);
        CHECK(kc_gather_flush(&g, record, &r, NULL) == KC_OK, "flush");
        CHECK(r.len == len && !memcmp(r.got, msg, len), "iter %d: the sink got other bytes",
              iter);
        if (have_copy) {   /* the copy goes on with the same message on its own */
            size_t at = (size_t)copy.total;
            CHECK(kc_gather_update(&copy, msg + at, len - at, record, &r2, NULL) == KC_OK &&
                      kc_gather_flush(&copy, record, &r2, NULL) == KC_OK &&
                      r2.len == len && !memcmp(r2.got, msg, len),
                  "iter %d: copy at %zu diverged", iter, at);
            kc_gather_free(&copy);
        }
        kc_gather_reset(&g);
        CHECK(g.total == 0 && kc_gather_len(&g) == 0 && !g.spilled, "reset");
        kc_gather_free(&g);
    }
}

static void test_sink_error(void)
{
    static recorder r;
    unsigned char big[64] = { 1 };
    kc_gather g;
    kc_error e;
    kc_gather_init(&g, 16);
    memset(&r, 0, sizeof(r));
    r.cap = 16;
    r.fail_next = 1;
    CHECK(kc_gather_update(&g, big, 10, record, &r, &e) == KC_OK, "fits: no sink");
    CHECK(kc_gather_update(&g, big, 20, record, &r, &e) == KC_ERR_KERNEL && e.sys_errno == 5,
          "the sink's failure is returned");
    kc_gather_free(&g);
    CHECK(g.buf == NULL && g.len == 0, "freed");
}

int main(void)
{
    const char *s = getenv("KCRYPT_SEED");
    unsigned seed = s ? (unsigned)strtoul(s, NULL, 0) : 4242u;
    printf("seed %u (KCRYPT_SEED to replay)\n", seed);
    test_random(seed);
    test_sink_error();
    return kct_check_exit();
}
