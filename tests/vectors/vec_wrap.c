/* SPDX-License-Identifier: Apache-2.0 */
#include "vec.h"
#include "vec_backend.h"
#include "vec_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inputs SP 800-38F can wrap at all: KW needs two or more whole 64-bit
 * semiblocks, KWP at least one byte. */
static int wrappable(kc_alg_id alg, size_t n)
{
    return alg == KC_AES_KW ? n >= 16 && n % 8 == 0 : n >= 1;
}

static void direction(vec_ctx *v, const vec_wrap_case *c, int wrap, vec_outcome *o)
{
    const kct_bytes *in = wrap ? c->pt : &c->ct, *want = wrap ? &c->ct : c->pt;
    const char *what = wrap ? "wrap" : "unwrap";
    size_t cap = kc_keywrap_max_out(c->alg, wrap, in->n), got_len = 0;
    unsigned char *out = malloc(cap + 1);
    char got[KCT_HEX_STR_MAX], want_hex[KCT_HEX_STR_MAX];
    kc_error err = { 0 };
    o->tried = 1;
    if (!out) {
        o->st = KC_ERR_NOMEM;
        snprintf(o->detail, sizeof(o->detail), "%s: out of memory", what);
        return;
    }
    /* a failed integrity check must not hand out what it unwrapped */
    memset(out, 0xa5, cap + 1);
    o->st = v->be->wrap(v, c, wrap, out, &got_len, &err);
    if (o->st == KC_ERR_AUTH)
        o->leaked = vec_leaked(out, cap, 0xa5);
    if (o->leaked) {
        snprintf(o->detail, sizeof(o->detail), "%s refused it but left %s in out", what,
                 kct_hex_str(out, cap, got));
    } else if (o->st != KC_OK) {
        snprintf(o->detail, sizeof(o->detail), "%s: %s: %s", what, kc_status_name(o->st),
                 err.msg);
    } else if (!want || got_len > cap || !kct_bytes_eq(want, out, got_len)) {
        snprintf(o->detail, sizeof(o->detail), "%s gave %s, expected %s", what,
                 kct_hex_str(out, got_len > cap ? cap : got_len, got),
                 want ? kct_hex_str(want->p, want->n, want_hex) : "a refusal");
    } else {
        o->match = 1;
    }
    free(out);
}

static const char *judge(const vec_wrap_case *c, const vec_outcome *wr, const vec_outcome *un)
{
    switch (c->expect) {
    case VEC_VALID:
        if (wr->tried && !vec_accepted(wr))
            return wr->detail;
        return !un->tried || vec_accepted(un) ? NULL : un->detail;
    case VEC_INVALID:
        if (un->tried && un->st == KC_OK)
            return "unwrap accepted it";
        if (un->tried && (!vec_rejected(un->st) || un->leaked))
            return un->detail;
        if (!wr->tried)
            return NULL;
        /* a wrappable key may wrap, but not to this ciphertext */
        if (wrappable(c->alg, c->pt->n) && vec_accepted(wr))
            return "wrap reproduced the invalid ciphertext";
        if (!wrappable(c->alg, c->pt->n) && wr->st == KC_OK)
            return "wrap accepted a key size SP 800-38F cannot wrap";
        if (wr->st != KC_OK && !vec_rejected(wr->st))
            return wr->detail;
        return NULL;
    case VEC_ACCEPTABLE:
        /* refused both ways, or the vector's answer both ways */
        if ((!wr->tried || vec_rejected(wr->st)) && (!un->tried || vec_rejected(un->st)) &&
            !un->leaked)
            return NULL;
        if (wr->tried && !vec_accepted(wr))
            return wr->detail;
        return !un->tried || vec_accepted(un) ? NULL : un->detail;
    }
    return "bad expectation";
}

void vec_wrap_run(vec_ctx *v, const vec_wrap_case *c)
{
    if (!vec_ready(v, c->alg))
        return;
    vec_outcome wr = { 0 }, un = { 0 };
    if ((c->dirs & VEC_WRAP) && c->pt)
        direction(v, c, 1, &wr);
    if (c->dirs & VEC_UNWRAP)
        direction(v, c, 0, &un);
    char why[96];
    const vec_outcome *refused = wr.tried ? &wr : &un;
    const char *problem = judge(c, &wr, &un);
    /* a KEK size kcrypt does not offer makes every direction refuse */
    if (problem && c->expect == VEC_VALID && vec_rejected(refused->st) &&
        vec_key_not_offered(v, c->alg, c->kek.n, why, sizeof(why)))
        kct_skip(v->tally, vec_name(c->alg), 1, "%s", why);
    else if (problem)
        kct_fail(v->tally, vec_name(c->alg), "%s: %s", c->where, problem);
    else
        kct_pass(v->tally, vec_name(c->alg));
}
