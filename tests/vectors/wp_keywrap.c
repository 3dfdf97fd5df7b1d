/* SPDX-License-Identifier: Apache-2.0 */
#include "wp.h"

/* KW and KWP: valid cases wrap and unwrap to the vector; invalid ones must
 * not unwrap (and keys SP 800-38F cannot wrap must not wrap). The three
 * "acceptable" KW cases wrap an 8-byte key, which RFC 3394 allows and SP
 * 800-38F does not: refusing both ways or matching both ways passes, a
 * one-sided answer (wraps what it will not unwrap) fails. */
void wp_keywrap(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
                const char *where, vec_expect expect)
{
    static const char *const names[] = { "key", "msg", "ct" };
    enum { KEY, MSG, CT, N };
    kct_bytes b[N];
    (void)group;
    if (wp_fields(v, f->alg, where, test, names, b, N))
        return;
    vec_wrap_case c = { .alg = f->alg, .where = where, .expect = expect,
                        .dirs = VEC_WRAP | VEC_UNWRAP, .kek = b[KEY], .ct = b[CT], .pt = &b[MSG] };
    vec_wrap_run(v, &c);
    wp_fields_free(b, N);
}
