/* SPDX-License-Identifier: Apache-2.0 */
/* RSA paddings done in user space around the kernel's raw private
 * operation (kc_pkey_private_raw), shared by the provider and the token.
 * They are OpenSSL's own padding functions: the kernel signs only PKCS#1
 * v1.5 and has no OAEP. Only the public half (for its size) reaches them;
 * the OAEP and PKCS#1 type 2 checks run in constant time. Static library
 * kc_rsapad, apart from kc so that kc needs no libcrypto. */
#ifndef KC_RSAPAD_H
#define KC_RSAPAD_H

#include <openssl/evp.h>
#include <stddef.h>

/* EMSA-PSS encoding of mhash into em (k bytes, the modulus size of pub);
 * saltlen as OpenSSL's (>= 0, or RSA_PSS_SALTLEN_*). 1 on success. */
int kc_rsapad_pss_encode(unsigned char *em, size_t k, const EVP_PKEY *pub,
                         const unsigned char *mhash, const EVP_MD *md, const EVP_MD *mgf1,
                         int saltlen);
/* Constant-time checks of a decrypted block em (k bytes): the plaintext
 * length written to to (at most tlen), or -1 for any bad padding. */
int kc_rsapad_unpad_pkcs1(unsigned char *to, size_t tlen, const unsigned char *em, size_t k);
int kc_rsapad_unpad_oaep(unsigned char *to, size_t tlen, const unsigned char *em, size_t k,
                         const unsigned char *label, size_t llen, const EVP_MD *md,
                         const EVP_MD *mgf1);

#endif
