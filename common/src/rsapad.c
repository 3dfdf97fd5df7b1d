/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL's padding functions are deprecated as public API in OpenSSL 3
 * but remain the audited implementations; no key material reaches them. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "kc/rsapad.h"

#include <limits.h>
#include <openssl/rsa.h>

int kc_rsapad_pss_encode(unsigned char *em, size_t k, const EVP_PKEY *pub,
                         const unsigned char *mhash, const EVP_MD *md, const EVP_MD *mgf1,
                         int saltlen)
{
    RSA *rsa = EVP_PKEY_get1_RSA((EVP_PKEY *)pub);   /* public half: for its size only */
    int ok = rsa && (size_t)RSA_size(rsa) == k &&
             RSA_padding_add_PKCS1_PSS_mgf1(rsa, em, mhash, md, mgf1, saltlen) == 1;
    RSA_free(rsa);
    return ok;
}

int kc_rsapad_unpad_pkcs1(unsigned char *to, size_t tlen, const unsigned char *em, size_t k)
{
    if (tlen > INT_MAX || k > INT_MAX)
        return -1;
    return RSA_padding_check_PKCS1_type_2(to, (int)tlen, em, (int)k, (int)k);
}

int kc_rsapad_unpad_oaep(unsigned char *to, size_t tlen, const unsigned char *em, size_t k,
                         const unsigned char *label, size_t llen, const EVP_MD *md,
                         const EVP_MD *mgf1)
{
    if (tlen > INT_MAX || k > INT_MAX || llen > INT_MAX)
        return -1;
    return RSA_padding_check_PKCS1_OAEP_mgf1(to, (int)tlen, em, (int)k, (int)k, label,
                                             (int)llen, md, mgf1);
}
