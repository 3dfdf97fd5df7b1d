#include "vec.h"
#include "vec_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vec_init(vec_ctx *v, kct_tally *t)
{
    memset(v, 0, sizeof(*v));
    v->tally = t;
}

static void slot_clear(vec_slot *s)
{
    if (s->ctx) {
        switch (kc_alg(s->alg)->kind) {
        case KC_KIND_SKCIPHER: kc_cipher_free(s->ctx); break;
        case KC_KIND_AEAD: kc_aead_free(s->ctx); break;
        case KC_KIND_HASH:
        case KC_KIND_MAC: kc_hash_free(s->ctx); break;
        case KC_KIND_KEYWRAP: kc_keywrap_free(s->ctx); break;
        case KC_KIND_RNG: break;
        }
    }
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
}

void *vec_slot_find(vec_slot *s, kc_alg_id alg, size_t param, const kct_bytes *key)
{
    if (s->ctx && s->alg == alg && s->param == param && s->has_key == (key != NULL) &&
        (!key || kct_bytes_eq(&s->key, key->p, key->n)))
        return s->ctx;
    slot_clear(s);
    return NULL;
}

void vec_slot_keep(vec_slot *s, kc_alg_id alg, size_t param, const kct_bytes *key, void *ctx)
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
    const kc_probe_result *p = kc_probe();
    if (!p->afalg) {
        kct_skip(v->tally, vec_name(alg), 1, "no AF_ALG in this kernel");
        return 0;
    }
    if (!kc_available(alg)) {
        kct_skip(v->tally, vec_name(alg), 1, "kernel lacks %s", kc_alg(alg)->kernel_name);
        return 0;
    }
    return 1;
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

const char *vec_key_not_offered(kc_alg_id alg, size_t key_len, char *buf, size_t n)
{
    if (kc_alg_key_size_ok(kc_alg(alg), key_len) || !standard_key_size(alg, key_len))
        return NULL;
    snprintf(buf, n, "kcrypt offers no %zu-byte %s key", key_len, vec_name(alg));
    return buf;
}
