/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel-key algorithms, offered only where the kernel has the
 * asymmetric key type (probed once per process, without making a key). */
#include "rsa_key.h"

static const OSSL_ALGORITHM keymgmt[] = {
    { "RSA:rsaEncryption:1.2.840.113549.1.1.1", KCP_KEY_PROPS, kcp_rsa_keymgmt_functions,
      "kcrypt RSA key held by the kernel" },
    { "RSA-PSS:RSASSA-PSS:1.2.840.113549.1.1.10", KCP_KEY_PROPS, kcp_rsapss_keymgmt_functions,
      "kcrypt RSA-PSS key held by the kernel" },
    { NULL, NULL, NULL, NULL }
};
static const OSSL_ALGORITHM signature[] = {
    { "RSA:rsaEncryption:1.2.840.113549.1.1.1", KCP_KEY_PROPS, kcp_rsa_signature_functions,
      "kcrypt RSA signatures by the kernel" },
    { NULL, NULL, NULL, NULL }
};
static const OSSL_ALGORITHM asym_cipher[] = {
    { "RSA:rsaEncryption:1.2.840.113549.1.1.1", KCP_KEY_PROPS, kcp_rsa_asym_cipher_functions,
      "kcrypt RSA decryption by the kernel" },
    { NULL, NULL, NULL, NULL }
};
static const OSSL_ALGORITHM decoder[] = {
    { "DER", KCP_KEY_PROPS ",input=pem", kcp_keyref_pem_decoder_functions,
      "kcrypt key reference: PEM KCRYPT KEY REFERENCE to DER" },
    { "RSA:rsaEncryption", KCP_KEY_PROPS ",input=der,structure=KcryptKeyRef",
      kcp_keyref_der_decoder_functions, "kcrypt key reference: DER to a kernel RSA key" },
    { NULL, NULL, NULL, NULL }
};

void kcp_rsa_algs(kcp_prov *p)
{
    /* the decoder always: a reference file on a kernel without the key
     * type then fails with an error that says so, not "no key found" */
    p->decoder = decoder;
    kc_pkey_support s = kc_pkey_supported();
    if (s != KC_PKEY_YES) {
        kcp_debug("no kernel RSA keys: %s", kc_pkey_support_text(s));
        return;
    }
    p->keymgmt = keymgmt;
    p->signature = signature;
    p->asym_cipher = asym_cipher;
}
