/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by rsa_key.c, rsa_op.c and rsa_gen.c (p11.h has the
 * hooks the other files call). */
#ifndef KCRYPT_P11_RSA_H
#define KCRYPT_P11_RSA_H

#include "p11.h"

#include <openssl/evp.h>

/* Modulus sizes the kernel's rsa takes (crypto/rsa.c, rsa_check_key_length:
 * 512..4096 in these steps); this token refuses 512. */
int p11_rsa_bits_ok(unsigned bits);
#define P11_RSA_MIN_BITS 1024
#define P11_RSA_MAX_BITS 4096

/* The token's own library context with OpenSSL's default provider, so an
 * application's OpenSSL configuration (kcrypt preferred, say) never
 * decides where the token's public-key and padding work goes. */
OSSL_LIB_CTX *p11_rsa_libctx(void);

/* The public half of an RSA key object (CKA_MODULUS, CKA_PUBLIC_EXPONENT). */
CK_RV p11_rsa_pub(const p11_object *o, EVP_PKEY **out);

/* A private key object (with its public twin when pub_t is not NULL) from
 * a whole key made or parsed here: PKCS#8 into the kernel, wiped. */
CK_RV p11_rsa_make(p11_session *s, p11_make how, EVP_PKEY *key, const CK_ATTRIBUTE *priv_t,
                   CK_ULONG priv_n, const CK_ATTRIBUTE *pub_t, CK_ULONG pub_n,
                   CK_OBJECT_HANDLE *priv_out, CK_OBJECT_HANDLE *pub_out);

#endif
