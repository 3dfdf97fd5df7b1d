/* SPDX-License-Identifier: Apache-2.0 */
#include "wp.h"

/* AES-GCM, AES-CCM and ChaCha20-Poly1305 share the AEAD schema. */
void wp_aead(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
             const char *where, vec_expect expect)
{
    static const char *const names[] = { "key", "iv", "aad", "msg", "ct", "tag" };
    enum { KEY, IV, AAD, MSG, CT, TAG, N };
    kct_bytes b[N];
    (void)group;
    if (wp_fields(v, f->alg, where, test, names, b, N))
        return;
    /* the tag's own length is the tag size asked of the kernel: invalid
     * cases with tag sizes CCM does not have must be refused at kc_aead_new */
    vec_aead_case c = {
        .alg = f->alg, .where = where, .expect = expect,
        .key = b[KEY], .nonce = b[IV], .aad = b[AAD], .ct = b[CT], .tag = b[TAG], .msg = &b[MSG],
    };
    vec_aead_run(v, &c);
    wp_fields_free(b, N);
}
