/* SPDX-License-Identifier: Apache-2.0 */
/* AES-ECB, -CBC, -CTR and -XTS through EVP_CipherInit_ex2, Update and
 * Final, with EVP's own PKCS#7 padding for the padded CBC vectors: a bad
 * padding is refused at Final. One context per key, re-initialised for each
 * message, as an application that keeps its context does. */
#include "vec_evp.h"

#include <limits.h>

kc_status vec_evp_cipher(vec_ctx *v, const vec_cipher_case *c, int encrypt, unsigned char *out,
                         size_t *out_len, kc_error *err)
{
    const kct_bytes *in = encrypt ? &c->pt : &c->ct;
    static const unsigned char none[1];
    EVP_CIPHER_CTX *x = vec_slot_find(&v->cipher, c->alg, 0, &c->key);
    if (!x) {
        if (!(x = vec_evp_cipher_new(vec_evp_of(v), c->alg, &c->key, encrypt, err)))
            return err->status;
        vec_slot_keep(&v->cipher, c->alg, 0, &c->key, x, vec_evp_cipher_drop);
    }
    /* EVP reads as many IV bytes as the cipher has, whatever the caller
     * holds: another length cannot be asked of the provider at all */
    int ivlen = EVP_CIPHER_CTX_get_iv_length(x);
    if (ivlen < 0 || c->iv.n != (size_t)ivlen)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%zu-byte IV for a cipher with %d", c->iv.n,
                       ivlen);
    if (in->n > INT_MAX)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%zu bytes is more than EVP takes", in->n);
    if (!EVP_CipherInit_ex2(x, NULL, NULL, ivlen ? c->iv.p : NULL, encrypt, NULL))
        return vec_evp_fail(err, "EVP_CipherInit_ex2 (IV)");
    /* padding is an ECB/CBC setting; CBC vectors say whether they have it */
    if ((c->alg == KC_AES_ECB || c->alg == KC_AES_CBC) &&
        !EVP_CIPHER_CTX_set_padding(x, c->pad))
        return vec_evp_fail(err, "EVP_CIPHER_CTX_set_padding");
    int n = 0, fin = 0;
    if (!EVP_CipherUpdate(x, out, &n, in->n ? in->p : none, (int)in->n))
        return vec_evp_fail(err, "EVP_CipherUpdate");
    if (!EVP_CipherFinal_ex(x, out + n, &fin))
        return vec_evp_fail(err, "EVP_CipherFinal_ex");
    *out_len = (size_t)n + (size_t)fin;
    return KC_OK;
}
