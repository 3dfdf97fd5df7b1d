/* SPDX-License-Identifier: Apache-2.0 */
/* An RSA key whose private half is held by the kernel's asymmetric key
 * type. The process has the key's serial and its public half (as an
 * EVP_PKEY of the private default-provider context, for verify, encrypt
 * and comparisons); never d, p or q. */
#ifndef KCP_RSA_KEY_H
#define KCP_RSA_KEY_H

#include "prov.h"

#include <openssl/evp.h>

typedef struct {
    kcp_prov *p;
    int32_t serial;        /* 0: public half only (imported from another provider) */
    char desc[128];
    EVP_PKEY *pub;         /* in kcp_soft_libctx(p) */
    int pss;               /* the RSA-PSS key type */
} kcp_rsakey;

kcp_rsakey *kcp_rsakey_new(kcp_prov *p, int pss);
void kcp_rsakey_free(kcp_rsakey *k);
size_t kcp_rsakey_size(const kcp_rsakey *k);   /* modulus bytes */

/* property string of the kernel-key algorithms: not "provider=kcrypt", so a
 * config that prefers kcrypt (?provider=kcrypt) does not send every RSA key
 * of the application to a key manager that holds only kernel keys */
#define KCP_KEY_PROPS "provider=kcrypt.keys"

extern const OSSL_DISPATCH kcp_rsa_keymgmt_functions[];
extern const OSSL_DISPATCH kcp_rsapss_keymgmt_functions[];
extern const OSSL_DISPATCH kcp_rsa_signature_functions[];
extern const OSSL_DISPATCH kcp_rsa_asym_cipher_functions[];
extern const OSSL_DISPATCH kcp_keyref_pem_decoder_functions[];
extern const OSSL_DISPATCH kcp_keyref_der_decoder_functions[];

#include "kc/rsapad.h"   /* paddings done in user space around the kernel's raw RSA */

#endif
