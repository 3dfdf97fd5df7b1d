/* SPDX-License-Identifier: Apache-2.0 */
/* The common/ table's EVP mode as OpenSSL numbers it. No default case:
 * a mode added to the table without a row here fails the -Wswitch build. */
#include "prov.h"

#include <openssl/evp.h>

unsigned kcp_evp_mode(kc_evp_mode m)
{
    switch (m) {
    case KC_EVP_ECB: return EVP_CIPH_ECB_MODE;
    case KC_EVP_CBC: return EVP_CIPH_CBC_MODE;
    case KC_EVP_CTR: return EVP_CIPH_CTR_MODE;
    case KC_EVP_OFB: return EVP_CIPH_OFB_MODE;
    case KC_EVP_CFB: return EVP_CIPH_CFB_MODE;
    case KC_EVP_XTS: return EVP_CIPH_XTS_MODE;
    case KC_EVP_CBC_CTS: return EVP_CIPH_CBC_MODE;   /* OpenSSL's CTS ciphers report CBC */
    case KC_EVP_GCM: return EVP_CIPH_GCM_MODE;
    case KC_EVP_CCM: return EVP_CIPH_CCM_MODE;
    case KC_EVP_STREAM: return EVP_CIPH_STREAM_CIPHER;
    case KC_EVP_WRAP: return EVP_CIPH_WRAP_MODE;
    case KC_EVP_NA: break;
    }
    return 0;
}
