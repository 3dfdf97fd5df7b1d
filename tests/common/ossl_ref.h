/* SPDX-License-Identifier: Apache-2.0 */
/* Reference answers from OpenSSL's default provider, the independent
 * implementation every kcrypt result is checked against. */
#ifndef KCT_OSSL_REF_H
#define KCT_OSSL_REF_H

#include <stddef.h>

int ref_cipher(const char *name, int enc, const unsigned char *key, size_t key_len,
               const unsigned char *iv, const unsigned char *in, size_t len, unsigned char *out,
               size_t *out_len);
int ref_aead_encrypt(const char *name, const unsigned char *key, size_t key_len,
                     const unsigned char *nonce, size_t nonce_len, const unsigned char *aad,
                     size_t aad_len, const unsigned char *in, size_t len, unsigned char *out,
                     unsigned char *tag, size_t tag_len);
int ref_digest(const char *name, const unsigned char *in, size_t len, unsigned char *out,
               size_t *out_len);
/* mac: "HMAC" with a digest name, or "CMAC" with a cipher name. */
int ref_mac(const char *mac, const char *sub, const unsigned char *key, size_t key_len,
            const unsigned char *in, size_t len, unsigned char *out, size_t *out_len);

#endif
