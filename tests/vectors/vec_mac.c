/* SPDX-License-Identifier: Apache-2.0 */
#include "vec.h"
#include "vec_backend.h"
#include "vec_internal.h"

#include <stdio.h>
#include <string.h>

void *vec_mac_get(vec_ctx *v, kc_alg_id alg, const kct_bytes *key, kc_error *err)
{
    return v->be->mac_open(v, alg, key, err);
}

kc_status vec_mac_compute(vec_ctx *v, void *h, const unsigned char *in, size_t len,
                          unsigned char *out, size_t n, kc_error *err)
{
    return v->be->mac(v, h, in, len, out, n, err);
}

/* A refused context is a pass where the vector wants a refusal. */
static void refused_context(vec_ctx *v, const vec_mac_case *c, const kc_error *err)
{
    const char *row = vec_name(c->alg);
    char why[96];
    if (vec_rejected(err->status) && (c->key_must_fail || c->expect != VEC_VALID))
        kct_pass(v->tally, row);
    else if (vec_rejected(err->status) && c->key &&
             vec_key_not_offered(v, c->alg, c->key->n, why, sizeof(why)))
        kct_skip(v->tally, row, 1, "%s", why);
    else
        kct_fail(v->tally, row, "%s: context: %s: %s", c->where, kc_status_name(err->status),
                 err->msg);
}

/* Where the backend verifies tags itself (a token's C_Verify), it must
 * agree with the vector: accept a valid tag, and refuse an invalid one as
 * not authentic (KC_ERR_AUTH), not for some other reason. NULL if it does. */
static const char *verify_problem(vec_ctx *v, void *h, const vec_mac_case *c, char *buf,
                                  size_t n)
{
    kc_error err = { 0 };
    if (!v->be->mac_verify || !c->key)
        return NULL;
    kc_status st = v->be->mac_verify(v, h, &c->msg, &c->tag, &err);
    if (c->expect == VEC_VALID && st == KC_OK)
        return NULL;
    if (c->expect != VEC_VALID && st == KC_ERR_AUTH)
        return NULL;
    if (c->expect == VEC_ACCEPTABLE && st == KC_OK)
        return NULL;
    if (st == KC_OK)
        snprintf(buf, n, "verify accepted the invalid tag");
    else
        snprintf(buf, n, "verify: %s: %s", kc_status_name(st), err.msg);
    return buf;
}

void vec_mac_run(vec_ctx *v, const vec_mac_case *c)
{
    const char *row = vec_name(c->alg);
    unsigned char out[64];
    char got[KCT_HEX_STR_MAX], want[KCT_HEX_STR_MAX], verify_buf[300];
    kc_error err = { 0 };
    if (!vec_ready(v, c->alg))
        return;
    void *h = v->be->mac_open(v, c->alg, c->key, &err);
    if (!h) {
        refused_context(v, c, &err);
        return;
    }
    if (c->key_must_fail) {
        kct_fail(v->tally, row, "%s: accepted a %zu-byte key", c->where, c->key->n);
        return;
    }
    size_t size = v->be->mac_size(h);
    if (size > sizeof(out) || c->tag.n == 0 || c->tag.n > size) {
        kct_fail(v->tally, row, "%s: malformed vector or size: %zu-byte tag, %zu-byte output",
                 c->where, c->tag.n, size);
        return;
    }
    /* truncated MACs (HMAC tagSize < digest size) are the output's prefix */
    kc_status st = v->be->mac(v, h, c->msg.p, c->msg.n, out, c->tag.n, &err);
    if (st != KC_OK) {
        kct_fail(v->tally, row, "%s: %s: %s", c->where, kc_status_name(st), err.msg);
        return;
    }
    int match = memcmp(out, c->tag.p, c->tag.n) == 0;
    const char *verify = verify_problem(v, h, c, verify_buf, sizeof(verify_buf));
    if (c->expect == VEC_VALID && !match)
        kct_fail(v->tally, row, "%s: gave %s, expected %s", c->where,
                 kct_hex_str(out, c->tag.n, got), kct_hex_str(c->tag.p, c->tag.n, want));
    else if (c->expect == VEC_INVALID && match)
        kct_fail(v->tally, row, "%s: computed the invalid tag %s", c->where,
                 kct_hex_str(c->tag.p, c->tag.n, want));
    else if (verify)
        kct_fail(v->tally, row, "%s: %s", c->where, verify);
    else
        kct_pass(v->tally, row);
}
