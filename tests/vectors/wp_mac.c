/* SPDX-License-Identifier: Apache-2.0 */
#include "wp.h"

/* HMAC and AES-CMAC. Groups with tagSize below the full output hold
 * truncated tags, compared as a prefix of the full MAC. */
void wp_mac(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
            const char *where, vec_expect expect)
{
    static const char *const names[] = { "key", "msg", "tag" };
    enum { KEY, MSG, TAG, N };
    kct_bytes b[N];
    (void)group;
    if (wp_fields(v, f->alg, where, test, names, b, N))
        return;
    /* CMAC-AES cases with 0, 1, 8, 20 or 40-byte keys must be refused
     * outright, not just produce a tag that does not match */
    size_t k = b[KEY].n;
    vec_mac_case c = { .alg = f->alg, .where = where, .expect = expect, .key = &b[KEY],
                       .key_must_fail = f->alg == KC_CMAC_AES && k != 16 && k != 24 && k != 32,
                       .msg = b[MSG], .tag = b[TAG] };
    vec_mac_run(v, &c);
    wp_fields_free(b, N);
}
