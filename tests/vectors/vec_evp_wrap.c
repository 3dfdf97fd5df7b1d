/* SPDX-License-Identifier: Apache-2.0 */
/* AES-n-WRAP (RFC 3394) and AES-n-WRAP-PAD (RFC 5649) as EVP ciphers: one
 * update wraps or unwraps one whole key, after a length query (out NULL)
 * as an application sizing its buffer makes. A failed unwrap is refused
 * at that update; whatever kcrypt left in out is judged as it is. */
#include "vec_evp.h"

#include <limits.h>

kc_status vec_evp_wrap(vec_ctx *v, const vec_wrap_case *c, int wrap, unsigned char *out,
                       size_t *out_len, kc_error *err)
{
    const kct_bytes *in = wrap ? c->pt : &c->ct;
    const char *what = wrap ? "wrap" : "unwrap";
    vec_slot *s = wrap ? &v->wrap : &v->unwrap;
    /* EVP_CipherUpdate of no bytes is no operation, in the default
     * provider as in kcrypt: an empty input cannot even be asked */
    if (in->n == 0)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "EVP cannot %s an empty input", what);
    if (in->n > INT_MAX)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%zu bytes is more than EVP takes", in->n);
    EVP_CIPHER_CTX *x = vec_slot_find(s, c->alg, (size_t)wrap, &c->kek);
    if (!x) {
        if (!(x = vec_evp_cipher_new(vec_evp_of(v), c->alg, &c->kek, wrap, err)))
            return err->status;
        vec_slot_keep(s, c->alg, (size_t)wrap, &c->kek, x, vec_evp_cipher_drop);
    } else if (!EVP_CipherInit_ex2(x, NULL, NULL, NULL, wrap, NULL)) {
        return vec_evp_fail(err, "EVP_CipherInit_ex2");
    }
    int q = 0, n = 0, fin = 0;
    if (!EVP_CipherUpdate(x, NULL, &q, in->p, (int)in->n))
        return vec_evp_fail(err, "EVP_CipherUpdate (length query)");
    if (!EVP_CipherUpdate(x, out, &n, in->p, (int)in->n))
        return vec_evp_fail(err, "EVP_CipherUpdate");
    if (n > q)
        return kc_fail(err, KC_ERR_KERNEL, 0, "%s wrote %d bytes after a length query of %d", what,
                       n, q);
    if (!EVP_CipherFinal_ex(x, out + n, &fin))
        return vec_evp_fail(err, "EVP_CipherFinal_ex");
    *out_len = (size_t)n + (size_t)fin;
    return KC_OK;
}
