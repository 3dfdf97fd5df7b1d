/* SPDX-License-Identifier: Apache-2.0 */
/* C_GenerateKeyPair (CKM_RSA_PKCS_KEY_PAIR_GEN). The kernel cannot make an
 * RSA key, so OpenSSL's libcrypto generates it here, in user space (its
 * bytes in OpenSSL's memory, freed with the key, which clears them); the
 * private half then goes into the kernel as PKCS#8 (rsa_key.c) and the
 * buffers are wiped. From then on it is like an imported key, except that
 * CKA_LOCAL, CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE are TRUE. */
#include "rsa.h"

#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <string.h>

static CK_RV generate(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pt,
                      CK_ULONG pn, CK_ATTRIBUTE_PTR vt, CK_ULONG vn, CK_OBJECT_HANDLE_PTR pub,
                      CK_OBJECT_HANDLE_PTR priv)
{
    p11_session *s;
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    if (!m || !pub || !priv || (pn && !pt) || (vn && !vt))
        return CKR_ARGUMENTS_BAD;
    const p11_mech *pm = p11_mech_lookup(m->mechanism);
    if (!pm || !(pm->info.flags & CKF_GENERATE_KEY_PAIR))
        return CKR_MECHANISM_INVALID;
    if (m->pParameter || m->ulParameterLen)
        return CKR_MECHANISM_PARAM_INVALID;
    CK_ULONG bits = 0, cls, kt;
    int have_bits, have;
    if ((rv = p11_tmpl_check(pt, pn)) != CKR_OK || (rv = p11_tmpl_check(vt, vn)) != CKR_OK ||
        (rv = p11_tmpl_ulong(pt, pn, CKA_MODULUS_BITS, &bits, &have_bits)) != CKR_OK)
        return rv;
    if ((rv = p11_tmpl_ulong(pt, pn, CKA_CLASS, &cls, &have)) != CKR_OK ||
        (have && cls != CKO_PUBLIC_KEY))
        return rv != CKR_OK ? rv : CKR_TEMPLATE_INCONSISTENT;
    if ((rv = p11_tmpl_ulong(vt, vn, CKA_CLASS, &cls, &have)) != CKR_OK ||
        (have && cls != CKO_PRIVATE_KEY))
        return rv != CKR_OK ? rv : CKR_TEMPLATE_INCONSISTENT;
    if ((rv = p11_tmpl_ulong(pt, pn, CKA_KEY_TYPE, &kt, &have)) != CKR_OK ||
        (have && kt != CKK_RSA))
        return rv != CKR_OK ? rv : CKR_TEMPLATE_INCONSISTENT;
    if ((rv = p11_tmpl_ulong(vt, vn, CKA_KEY_TYPE, &kt, &have)) != CKR_OK ||
        (have && kt != CKK_RSA))
        return rv != CKR_OK ? rv : CKR_TEMPLATE_INCONSISTENT;
    if (!have_bits)
        return CKR_TEMPLATE_INCOMPLETE;
    if (!p11_rsa_bits_ok((unsigned)bits))
        return CKR_KEY_SIZE_RANGE;
    const CK_ATTRIBUTE *e = p11_tmpl_find(pt, pn, CKA_PUBLIC_EXPONENT);
    BIGNUM *be = e && e->ulValueLen ? BN_bin2bn(e->pValue, (int)(e->ulValueLen > 8 ? 9 : e->ulValueLen), NULL)
                                    : NULL;
    if (e && (!be || !BN_is_odd(be) || BN_num_bits(be) < 2 || BN_num_bits(be) > 64)) {
        BN_free(be);   /* an even, tiny or huge exponent */
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    OSSL_LIB_CTX *ctx = p11_rsa_libctx();
    EVP_PKEY_CTX *c = ctx ? EVP_PKEY_CTX_new_from_name(ctx, "RSA", "provider=default") : NULL;
    EVP_PKEY *key = NULL;
    if (!c || EVP_PKEY_keygen_init(c) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits(c, (int)bits) <= 0 ||
        (be && EVP_PKEY_CTX_set1_rsa_keygen_pubexp(c, be) <= 0) || EVP_PKEY_generate(c, &key) <= 0)
        rv = CKR_FUNCTION_FAILED;
    EVP_PKEY_CTX_free(c);
    BN_free(be);
    if (rv == CKR_OK)
        rv = p11_rsa_make(s, P11_MAKE_GENERATE, key, vt, vn, pt, pn, priv, pub);
    EVP_PKEY_free(key);
    return rv;
}

CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE hs, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pt,
                        CK_ULONG pn, CK_ATTRIBUTE_PTR vt, CK_ULONG vn,
                        CK_OBJECT_HANDLE_PTR pub, CK_OBJECT_HANDLE_PTR priv)
{
    P11_LOCKED(generate(hs, m, pt, pn, vt, vn, pub, priv));
}
