/* SPDX-License-Identifier: Apache-2.0 */
/* AES-KW (RFC 3394) and AES-KWP (RFC 5649). See keywrap.h for why only KW
 * unwrap runs in the kernel's kw(aes): the rest steps through ecb(aes), one
 * block per request, with the key held by the kernel throughout. Contexts
 * are made in keywrap_ctx.c. */
#include "keywrap_internal.h"
#include "afalg.h"
#include "tfm_internal.h"

#include <errno.h>
#include <linux/if_alg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEMI 8
/* 6n sequential round trips for n semiblocks: bound the work per call. */
#define WRAP_MAX (64u * 1024u)

static const unsigned char kw_iv[SEMI] = { 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6 };
static const unsigned char kwp_prefix[4] = { 0xa6, 0x59, 0x59, 0xa6 };

size_t kc_keywrap_max_out(kc_alg_id alg, int wrap, size_t in_len)
{
    if (!wrap)
        return in_len >= SEMI ? in_len - SEMI : 0;
    if (alg == KC_AES_KWP)
        in_len = (in_len + SEMI - 1) / SEMI * SEMI;
    return in_len + SEMI;
}

static kc_status block(kc_keywrap *w, int encrypt, unsigned char b[16], kc_error *err)
{
    struct iovec src = { b, 16 }, dst = { b, 16 };
    int r = kc_afalg_request(w->fd, encrypt ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT, NULL, 0, -1, &src,
                             1, &dst, 1);
    if (r < 0)
        return kc_fail_errno(err, -r, w->alg->name, "AES block");
    return KC_OK;
}

static void xor_t(unsigned char a[SEMI], uint64_t t)
{
    for (int i = SEMI - 1; i >= 0; i--, t >>= 8)
        a[i] ^= (unsigned char)t;
}

/* RFC 3394 section 2.2.1 with initial value a over n semiblocks r. */
static kc_status wrap_rounds(kc_keywrap *w, unsigned char a[SEMI], unsigned char *r, size_t n,
                             kc_error *err)
{
    unsigned char b[16];
    kc_status s = KC_OK;
    for (uint64_t j = 0; j < 6 && s == KC_OK; j++)
        for (size_t i = 0; i < n && s == KC_OK; i++) {
            memcpy(b, a, SEMI);
            memcpy(b + SEMI, r + i * SEMI, SEMI);
            if ((s = block(w, 1, b, err)) == KC_OK) {
                memcpy(a, b, SEMI);
                xor_t(a, n * j + i + 1);
                memcpy(r + i * SEMI, b + SEMI, SEMI);
            }
        }
    kc_wipe(b, sizeof(b));
    return s;
}

static kc_status unwrap_rounds(kc_keywrap *w, unsigned char a[SEMI], unsigned char *r, size_t n,
                               kc_error *err)
{
    unsigned char b[16];
    kc_status s = KC_OK;
    for (uint64_t j = 6; j-- > 0 && s == KC_OK;)
        for (size_t i = n; i-- > 0 && s == KC_OK;) {
            memcpy(b, a, SEMI);
            xor_t(b, n * j + i + 1);
            memcpy(b + SEMI, r + i * SEMI, SEMI);
            if ((s = block(w, 0, b, err)) == KC_OK) {
                memcpy(a, b, SEMI);
                memcpy(r + i * SEMI, b + SEMI, SEMI);
            }
        }
    kc_wipe(b, sizeof(b));
    return s;
}

static kc_status check_use(kc_keywrap *w, int wrap, size_t len, kc_error *err)
{
    if (kc_forked(w->gen))
        return kc_fail(err, KC_ERR_FORKED, 0, "%s: context was created before fork()",
                       w->alg->name);
    if (w->wrap != wrap)
        return kc_fail(err, KC_ERR_STATE, 0, "%s: context was opened to %s", w->alg->name,
                       w->wrap ? "wrap" : "unwrap");
    if (len > WRAP_MAX)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: %zu bytes exceed the %u-byte limit",
                       w->alg->name, len, WRAP_MAX);
    return KC_OK;
}

kc_status kc_keywrap_wrap(kc_keywrap *w, const unsigned char *in, size_t len, unsigned char *out,
                          size_t *out_len, kc_error *err)
{
    *out_len = 0;
    kc_status s = check_use(w, 1, len, err);
    if (s != KC_OK)
        return s;
    unsigned char a[SEMI];
    size_t padded = len;
    if (w->alg->id == KC_AES_KW) {
        if (len < 16 || len % SEMI)
            return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                           "%s: input must be a multiple of 8 bytes, at least 16 (got %zu)",
                           w->alg->name, len);
        memcpy(a, kw_iv, SEMI);
    } else {
        if (len == 0)
            return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: nothing to wrap", w->alg->name);
        padded = (len + SEMI - 1) / SEMI * SEMI;
        memcpy(a, kwp_prefix, 4);
        for (int i = 0; i < 4; i++)
            a[4 + i] = (unsigned char)(len >> (24 - 8 * i));
    }
    /* out = A || R; work in place in the caller's buffer */
    unsigned char *r = out + SEMI;
    memmove(r, in, len);
    memset(r + len, 0, padded - len);
    if (padded == SEMI) {
        /* RFC 5649: a single semiblock is one AES encryption of AIV || P */
        unsigned char b[16];
        memcpy(b, a, SEMI);
        memcpy(b + SEMI, r, SEMI);
        s = block(w, 1, b, err);
        memcpy(out, b, 16);
        kc_wipe(b, sizeof(b));
    } else {
        s = wrap_rounds(w, a, r, padded / SEMI, err);
        memcpy(out, a, SEMI);
    }
    if (s != KC_OK) {
        kc_wipe(out, padded + SEMI);
        return s;
    }
    *out_len = padded + SEMI;
    return KC_OK;
}

/* The kernel writes the unverified plaintext before its integrity check
 * fails, so the result lands in scratch and reaches out only once verified. */
static kc_status unwrap_in_kernel(kc_keywrap *w, const unsigned char *in, size_t len,
                                  unsigned char *out, kc_error *err)
{
    size_t n = len - SEMI;
    unsigned char *scratch = malloc(n);
    if (!scratch)
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", w->alg->name);
    struct iovec src = { (void *)(in + SEMI), n }, dst = { scratch, n };
    int r = kc_afalg_request(w->fd, ALG_OP_DECRYPT, in, SEMI, -1, &src, 1, &dst, 1);
    kc_status s = KC_OK;
    if (r == -EBADMSG)
        s = kc_fail(err, KC_ERR_AUTH, EBADMSG, "%s: integrity check failed", w->alg->name);
    else if (r < 0)
        s = kc_fail_errno(err, -r, w->alg->name, "unwrap");
    else
        memcpy(out, scratch, n);
    kc_wipe(scratch, n);
    free(scratch);
    return s;
}

/* RFC 5649 section 3: AIV prefix, length within the last semiblock, zero pad. */
static int kwp_check(const unsigned char a[SEMI], const unsigned char *p, size_t padded,
                     size_t *mli_out)
{
    uint32_t mli = ((uint32_t)a[4] << 24) | ((uint32_t)a[5] << 16) | ((uint32_t)a[6] << 8) | a[7];
    unsigned bad = (unsigned)memcmp(a, kwp_prefix, 4) != 0;
    bad |= mli == 0 || mli > padded || mli <= padded - SEMI;
    if (!bad) {
        unsigned char z = 0;
        for (size_t i = mli; i < padded; i++)
            z |= p[i];
        bad |= z != 0;
    }
    *mli_out = mli;
    return !bad;
}

kc_status kc_keywrap_unwrap(kc_keywrap *w, const unsigned char *in, size_t len,
                            unsigned char *out, size_t *out_len, kc_error *err)
{
    *out_len = 0;
    kc_status s = check_use(w, 0, len, err);
    if (s != KC_OK)
        return s;
    size_t min = w->alg->id == KC_AES_KW ? 24 : 16;
    if (len < min || len % SEMI)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "%s: wrapped input must be a multiple of 8 bytes, at least %zu (got %zu)",
                       w->alg->name, min, len);
    if (w->in_kernel_kw) {
        if ((s = unwrap_in_kernel(w, in, len, out, err)) == KC_OK)
            *out_len = len - SEMI;
        return s;
    }
    size_t padded = len - SEMI;
    unsigned char *r = malloc(padded), a[SEMI];
    if (!r)
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", w->alg->name);
    if (padded == SEMI) {
        unsigned char b[16];
        memcpy(b, in, 16);
        s = block(w, 0, b, err);
        memcpy(a, b, SEMI);
        memcpy(r, b + SEMI, SEMI);
        kc_wipe(b, sizeof(b));
    } else {
        memcpy(a, in, SEMI);
        memcpy(r, in + SEMI, padded);
        s = unwrap_rounds(w, a, r, padded / SEMI, err);
    }
    size_t mli = padded;
    if (s == KC_OK) {
        int ok = w->alg->id == KC_AES_KW ? memcmp(a, kw_iv, SEMI) == 0
                                         : kwp_check(a, r, padded, &mli);
        if (ok) {
            memcpy(out, r, mli);
            *out_len = mli;
        } else {
            s = kc_fail(err, KC_ERR_AUTH, EBADMSG, "%s: integrity check failed", w->alg->name);
        }
    }
    kc_wipe(r, padded);
    kc_wipe(a, sizeof(a));
    free(r);
    return s;
}
