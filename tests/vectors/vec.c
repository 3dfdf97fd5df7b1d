/* SPDX-License-Identifier: Apache-2.0 */
#include "vec.h"
#include "vec_backend.h"
#include "vec_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vec_init(vec_ctx *v, kct_tally *t, const vec_backend *be, void *be_state)
{
    memset(v, 0, sizeof(*v));
    v->tally = t;
    v->be = be;
    v->be_state = be_state;
}

static void slot_clear(vec_slot *s)
{
    if (s->ctx && s->drop)
        s->drop(s->ctx);
    kct_bytes_free(&s->key);
    memset(s, 0, sizeof(*s));
}

void vec_release(vec_ctx *v)
{
    slot_clear(&v->cipher);
    slot_clear(&v->aead);
    slot_clear(&v->hash);
    slot_clear(&v->wrap);
    slot_clear(&v->unwrap);
    /* the backend's contexts may need it open to be freed (token objects) */
    if (v->be && v->be->close)
        v->be->close(v);
    v->be = NULL;
}

void *vec_slot_find(vec_slot *s, kc_alg_id alg, size_t param, const kct_bytes *key)
{
    if (s->ctx && s->alg == alg && s->param == param && s->has_key == (key != NULL) &&
        (!key || kct_bytes_eq(&s->key, key->p, key->n)))
        return s->ctx;
    slot_clear(s);
    return NULL;
}

void vec_slot_keep(vec_slot *s, kc_alg_id alg, size_t param, const kct_bytes *key, void *ctx,
                   void (*drop)(void *ctx))
{
    /* the key is compared by the next vec_slot_find */
    if (key && kct_bytes_copy(key->p, key->n, &s->key)) {
        fputs("vectors: out of memory\n", stderr);
        abort();
    }
    s->alg = alg;
    s->param = param;
    s->has_key = key != NULL;
    s->ctx = ctx;
    s->drop = drop;
}

int vec_accepted(const vec_outcome *o)
{
    return o->st == KC_OK && o->match;
}

const char *vec_name(kc_alg_id alg)
{
    return kc_alg(alg)->name;
}

int vec_ready(vec_ctx *v, kc_alg_id alg)
{
    char buf[160];
    const char *why = v->be->missing(v, alg, buf, sizeof(buf));
    if (why)
        kct_skip(v->tally, vec_name(alg), 1, "%s", why);
    return why == NULL;
}

int vec_rejected(kc_status s)
{
    return s == KC_ERR_AUTH || s == KC_ERR_INVALID_ARG || s == KC_ERR_KEY;
}

int vec_leaked(const unsigned char *out, size_t n, unsigned char fill)
{
    int untouched = 1, zero = 1;
    for (size_t i = 0; i < n; i++) {
        untouched &= out[i] == fill;
        zero &= out[i] == 0;
    }
    return !(untouched || zero) || out[n] != fill;
}

/* Key sizes the standards define, to tell "kcrypt chose not to offer this
 * size" (not run) from "kcrypt refused a size it claims" (failure). */
static int standard_key_size(kc_alg_id alg, size_t n)
{
    if (alg == KC_AES_XTS)
        return n == 32 || n == 48 || n == 64;   /* two AES-128/192/256 keys */
    if (alg == KC_CHACHA20_POLY1305)
        return n == 32;
    return n == 16 || n == 24 || n == 32;       /* every other fixed-size key is AES */
}

const char *vec_key_not_offered(vec_ctx *v, kc_alg_id alg, size_t key_len, char *buf, size_t n)
{
    const char *limit = v->be->key_limit ? v->be->key_limit(alg, key_len, buf, n) : NULL;
    if (limit)
        return limit;
    if (kc_alg_key_size_ok(kc_alg(alg), key_len) || !standard_key_size(alg, key_len))
        return NULL;
    snprintf(buf, n, "kcrypt offers no %zu-byte %s key", key_len, vec_name(alg));
    return buf;
}
