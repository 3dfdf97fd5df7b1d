/* SPDX-License-Identifier: Apache-2.0 */
#include "wp.h"

#include <string.h>

/* Both files have these fields, in this order. */
static const char *const names[] = { "key", "iv", "msg", "ct" };
enum { KEY, IV, MSG, CT, N };

/* A valid case is a known answer on the message with PKCS#7 padding in
 * both directions; an invalid one (bad or missing padding) must be refused
 * on decryption. The file has no "acceptable" cases; one would be held to
 * the valid rule, the strict choice. */
void wp_cbc_pkcs5(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
                  const char *where, vec_expect expect)
{
    kct_bytes b[N];
    (void)group;
    if (wp_fields(v, f->alg, where, test, names, b, N))
        return;
    vec_cipher_case c = { .alg = f->alg, .where = where,
                          .expect = expect == VEC_INVALID ? VEC_INVALID : VEC_VALID, .pad = 1,
                          .key = b[KEY], .iv = b[IV], .pt = b[MSG], .ct = b[CT] };
    vec_cipher_run(v, &c);
    wp_fields_free(b, N);
}

/* Wycheproof's XTS "iv" is the tweak's leading bytes (1..16): the rest of
 * the kernel's 16-byte IV is zero, as for a little-endian sector number. */
void wp_xts(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
            const char *where, vec_expect expect)
{
    kct_bytes b[N], tweak;
    (void)group;
    if (wp_fields(v, f->alg, where, test, names, b, N))
        return;
    if (expect != VEC_VALID || b[IV].n > 16) {
        /* the file has only valid cases: a new kind needs a rule here first */
        kct_fail(v->tally, vec_name(f->alg), "%s: no rule for this case (%s, %zu-byte iv)", where,
                 expect == VEC_VALID ? "valid" : "not valid", b[IV].n);
    } else if (kct_bytes_alloc(16, &tweak) == 0) {
        memcpy(tweak.p, b[IV].p, b[IV].n);
        vec_cipher_case c = { .alg = f->alg, .where = where, .key = b[KEY], .iv = tweak,
                              .pt = b[MSG], .ct = b[CT] };
        vec_cipher_run(v, &c);
        kct_bytes_free(&tweak);
    } else {
        kct_fail(v->tally, vec_name(f->alg), "%s: out of memory", where);
    }
    wp_fields_free(b, N);
}
