#include "vec.h"
#include "vec_internal.h"

#include <string.h>

kc_hash *vec_hash_get(vec_ctx *v, kc_alg_id alg, const kct_bytes *key, kc_error *err)
{
    kc_hash *h = vec_slot_find(&v->hash, alg, 0, key);
    if (!h) {
        kc_key k = KC_KEY_RAW(key ? key->p : NULL, key ? key->n : 0);
        if (kc_hash_new(&h, alg, NULL, key ? &k : NULL, err) != KC_OK)
            return NULL;
        vec_slot_keep(&v->hash, alg, 0, key, h);
    }
    return h;
}

/* A refused context is a pass where the vector wants a refusal. */
static void refused_context(vec_ctx *v, const vec_mac_case *c, const kc_error *err)
{
    const char *row = vec_name(c->alg);
    char why[96];
    if (vec_rejected(err->status) && (c->key_must_fail || c->expect != VEC_VALID))
        kct_pass(v->tally, row);
    else if (vec_rejected(err->status) && c->key &&
             vec_key_not_offered(c->alg, c->key->n, why, sizeof(why)))
        kct_skip(v->tally, row, 1, "%s", why);
    else
        kct_fail(v->tally, row, "%s: kc_hash_new: %s: %s", c->where, kc_status_name(err->status),
                 err->msg);
}

void vec_mac_run(vec_ctx *v, const vec_mac_case *c)
{
    const char *row = vec_name(c->alg);
    unsigned char out[64];
    char got[KCT_HEX_STR_MAX], want[KCT_HEX_STR_MAX];
    kc_error err = { 0 };
    if (!vec_ready(v, c->alg))
        return;
    kc_hash *h = vec_hash_get(v, c->alg, c->key, &err);
    if (!h) {
        refused_context(v, c, &err);
        return;
    }
    if (c->key_must_fail) {
        kct_fail(v->tally, row, "%s: accepted a %zu-byte key", c->where, c->key->n);
        return;
    }
    size_t size = kc_hash_size(h);
    if (size > sizeof(out) || c->tag.n == 0 || c->tag.n > size) {
        kct_fail(v->tally, row, "%s: malformed vector or size: %zu-byte tag, %zu-byte output",
                 c->where, c->tag.n, size);
        return;
    }
    kc_status st = kc_hash_oneshot(h, c->msg.p, c->msg.n, out, size, &err);
    if (st != KC_OK) {
        kct_fail(v->tally, row, "%s: %s: %s", c->where, kc_status_name(st), err.msg);
        return;
    }
    /* truncated MACs (HMAC tagSize < digest size) are the output's prefix */
    int match = memcmp(out, c->tag.p, c->tag.n) == 0;
    if (c->expect == VEC_VALID && !match)
        kct_fail(v->tally, row, "%s: gave %s, expected %s", c->where,
                 kct_hex_str(out, c->tag.n, got), kct_hex_str(c->tag.p, c->tag.n, want));
    else if (c->expect == VEC_INVALID && match)
        kct_fail(v->tally, row, "%s: computed the invalid tag %s", c->where,
                 kct_hex_str(c->tag.p, c->tag.n, want));
    else
        kct_pass(v->tally, row);
}
