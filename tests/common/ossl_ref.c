/* SPDX-License-Identifier: Apache-2.0 */
#include "ossl_ref.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

int ref_cipher(const char *name, int enc, const unsigned char *key, size_t key_len,
               const unsigned char *iv, const unsigned char *in, size_t len, unsigned char *out,
               size_t *out_len)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, "provider=default");
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = 0, l1 = 0, l2 = 0;
    if (!c || !ctx || (size_t)EVP_CIPHER_get_key_length(c) != key_len)
        goto done;
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    OSSL_PARAM cs3[] = { OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE,
                                                          (char *)"CS3", 0),
                         OSSL_PARAM_construct_end() };
    if (!EVP_CipherInit_ex2(ctx, c, key, iv, enc, strstr(name, "CTS") ? cs3 : NULL))
        goto done;
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    if (!EVP_CipherUpdate(ctx, out, &l1, in, (int)len) ||
        !EVP_CipherFinal_ex(ctx, out + l1, &l2))
        goto done;
    *out_len = (size_t)(l1 + l2);
    ok = 1;
done:
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    return ok;
}

int ref_aead_encrypt(const char *name, const unsigned char *key, size_t key_len,
                     const unsigned char *nonce, size_t nonce_len, const unsigned char *aad,
                     size_t aad_len, const unsigned char *in, size_t len, unsigned char *out,
                     unsigned char *tag, size_t tag_len)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, "provider=default");
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = 0, l = 0, ccm = strstr(name, "CCM") != NULL;
    if (!c || !ctx || (size_t)EVP_CIPHER_get_key_length(c) != key_len)
        goto done;
    if (!EVP_EncryptInit_ex(ctx, c, NULL, NULL, NULL) ||
        !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)nonce_len, NULL) ||
        (ccm && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, NULL)) ||
        !EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce))
        goto done;
    /* CCM needs the total length first */
    if (ccm && !EVP_EncryptUpdate(ctx, NULL, &l, NULL, (int)len))
        goto done;
    if (aad_len && !EVP_EncryptUpdate(ctx, NULL, &l, aad, (int)aad_len))
        goto done;
    if ((len || ccm) && !EVP_EncryptUpdate(ctx, out, &l, in, (int)len))
        goto done;
    if (!EVP_EncryptFinal_ex(ctx, out + l, &l) ||
        !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)tag_len, tag))
        goto done;
    ok = 1;
done:
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    return ok;
}

int ref_digest(const char *name, const unsigned char *in, size_t len, unsigned char *out,
               size_t *out_len)
{
    EVP_MD *md = EVP_MD_fetch(NULL, name, "provider=default");
    unsigned int n = 0;
    int ok = md && EVP_Digest(in, len, out, &n, md, NULL);
    EVP_MD_free(md);
    *out_len = n;
    return ok;
}

int ref_mac(const char *mac, const char *sub, const unsigned char *key, size_t key_len,
            const unsigned char *in, size_t len, unsigned char *out, size_t *out_len)
{
    EVP_MAC *m = EVP_MAC_fetch(NULL, mac, "provider=default");
    EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(strcmp(mac, "HMAC") ? OSSL_MAC_PARAM_CIPHER
                                                             : OSSL_MAC_PARAM_DIGEST,
                                         (char *)sub, 0),
        OSSL_PARAM_construct_end()
    };
    static const unsigned char none[1];
    int ok = ctx && EVP_MAC_init(ctx, key_len ? key : none, key_len, p) &&
             EVP_MAC_update(ctx, in, len) && EVP_MAC_final(ctx, out, out_len, 64);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(m);
    return ok;
}
