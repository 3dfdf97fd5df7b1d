/* SPDX-License-Identifier: Apache-2.0 */
#include "vec.h"
#include "vec_backend.h"
#include "vec_internal.h"

#include <stdlib.h>
#include <string.h>

/* One direction; 0 when it produced want, else the failure is counted. */
static int direction(vec_ctx *v, const vec_cipher_case *c, int encrypt, unsigned char *out)
{
    const kct_bytes *want = encrypt ? &c->ct : &c->pt;
    const char *what = encrypt ? "encrypt" : "decrypt";
    char why[96], got_hex[KCT_HEX_STR_MAX], want_hex[KCT_HEX_STR_MAX];
    kc_error err = { 0 };
    size_t got = 0;
    kc_status st = v->be->cipher(v, c, encrypt, out, &got, &err);
    if (st != KC_OK && vec_rejected(st) &&
        vec_key_not_offered(v, c->alg, c->key.n, why, sizeof(why))) {
        kct_skip(v->tally, vec_name(c->alg), 1, "%s", why);
        return -1;
    }
    if (st != KC_OK) {
        kct_fail(v->tally, vec_name(c->alg), "%s: %s: %s: %s", c->where, what,
                 kc_status_name(st), err.msg);
        return -1;
    }
    if (got != want->n || !kct_bytes_eq(want, out, got)) {
        kct_fail(v->tally, vec_name(c->alg), "%s: %s gave %s, expected %s", c->where, what,
                 kct_hex_str(out, got, got_hex), kct_hex_str(want->p, want->n, want_hex));
        return -1;
    }
    return 0;
}

/* An invalid case (bad padding, a ciphertext of no whole blocks): the
 * decryption must be refused, not just give something else. */
static void refusal(vec_ctx *v, const vec_cipher_case *c, unsigned char *out)
{
    const char *row = vec_name(c->alg);
    kc_error err = { 0 };
    size_t got = 0;
    kc_status st = v->be->cipher(v, c, 0, out, &got, &err);
    if (st == KC_OK)
        kct_fail(v->tally, row, "%s: bad padding was accepted", c->where);
    else if (!vec_rejected(st))
        kct_fail(v->tally, row, "%s: decrypt: %s: %s", c->where, kc_status_name(st), err.msg);
    else
        kct_pass(v->tally, row);
}

void vec_cipher_run(vec_ctx *v, const vec_cipher_case *c)
{
    if (!vec_ready(v, c->alg))
        return;
    if (c->expect == VEC_VALID && !c->pad && c->pt.n != c->ct.n) {
        kct_fail(v->tally, vec_name(c->alg),
                 "%s: malformed vector: %zu-byte plaintext, %zu-byte ciphertext", c->where,
                 c->pt.n, c->ct.n);
        return;
    }
    /* room for either input plus a padding block */
    unsigned char *out = malloc((c->pt.n > c->ct.n ? c->pt.n : c->ct.n) + 16);
    if (!out) {
        kct_fail(v->tally, vec_name(c->alg), "%s: out of memory", c->where);
        return;
    }
    if (c->expect == VEC_INVALID)
        refusal(v, c, out);
    else if (direction(v, c, 1, out) == 0 && direction(v, c, 0, out) == 0)
        kct_pass(v->tally, vec_name(c->alg));
    free(out);
}
