#include "vec.h"
#include "vec_internal.h"

#include <stdlib.h>
#include <string.h>

kc_status vec_cipher_once(vec_ctx *v, kc_alg_id alg, const kct_bytes *key, int encrypt,
                          const kct_bytes *iv, const unsigned char *in, size_t len,
                          unsigned char *out, kc_error *err)
{
    kc_cipher *c = vec_slot_find(&v->cipher, alg, 0, key);
    if (!c) {
        kc_key k = KC_KEY_RAW(key->p, key->n);
        kc_status st = kc_cipher_new(&c, alg, NULL, &k, err);
        if (st != KC_OK)
            return st;
        vec_slot_keep(&v->cipher, alg, 0, key, c);
    }
    /* ECB vectors have no IV: the API takes NULL then */
    return kc_cipher_oneshot(c, encrypt, iv && iv->n ? iv->p : NULL, iv ? iv->n : 0, in, len,
                             out, err);
}

/* One direction; 0 when it produced want, else the failure is counted. */
static int direction(vec_ctx *v, const vec_cipher_case *c, int encrypt, unsigned char *out)
{
    const kct_bytes *in = encrypt ? &c->pt : &c->ct, *want = encrypt ? &c->ct : &c->pt;
    const char *what = encrypt ? "encrypt" : "decrypt";
    char why[96], got_hex[KCT_HEX_STR_MAX], want_hex[KCT_HEX_STR_MAX];
    kc_error err = { 0 };
    kc_status st = vec_cipher_once(v, c->alg, &c->key, encrypt, &c->iv, in->p, in->n, out, &err);
    if (st != KC_OK && vec_rejected(st) &&
        vec_key_not_offered(c->alg, c->key.n, why, sizeof(why))) {
        kct_skip(v->tally, vec_name(c->alg), 1, "%s", why);
        return -1;
    }
    if (st != KC_OK) {
        kct_fail(v->tally, vec_name(c->alg), "%s: %s: %s: %s", c->where, what,
                 kc_status_name(st), err.msg);
        return -1;
    }
    if (!kct_bytes_eq(want, out, in->n)) {
        kct_fail(v->tally, vec_name(c->alg), "%s: %s gave %s, expected %s", c->where, what,
                 kct_hex_str(out, in->n, got_hex), kct_hex_str(want->p, want->n, want_hex));
        return -1;
    }
    return 0;
}

void vec_cipher_run(vec_ctx *v, const vec_cipher_case *c)
{
    if (!vec_ready(v, c->alg))
        return;
    if (c->pt.n != c->ct.n) {
        kct_fail(v->tally, vec_name(c->alg),
                 "%s: malformed vector: %zu-byte plaintext, %zu-byte ciphertext", c->where,
                 c->pt.n, c->ct.n);
        return;
    }
    unsigned char *out = malloc(c->pt.n ? c->pt.n : 1);
    if (!out) {
        kct_fail(v->tally, vec_name(c->alg), "%s: out of memory", c->where);
        return;
    }
    if (direction(v, c, 1, out) == 0 && direction(v, c, 0, out) == 0)
        kct_pass(v->tally, vec_name(c->alg));
    free(out);
}
