/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit test of the one algorithm table and the token's map of it:
 * every row has every behaviour field (kc_alg_table_check), every row is
 * either offered by the token with a mechanism and key type or marked as
 * not offered (p11_alg_map_check), and spot checks that the behaviour the
 * faces read is the right one for well-known rows. No kernel needed. */
#include "kc/kc.h"
#include "mechmap.h"
#include "names.h"

#include <stdio.h>
#include <string.h>

#include "kct_check.h"

int main(void)
{
    char why[256] = "";
    CHECK(kc_alg_table_check(why, sizeof(why)) == 0, "table: %s", why);
    why[0] = '\0';
    CHECK(p11_alg_map_check(why, sizeof(why)) == 0, "token map: %s", why);
    why[0] = '\0';
    CHECK(kcp_names_check(why, sizeof(why)) == 0, "provider names: %s", why);
    CHECK(kcp_names_of(KC_AES_CTS)->offered == 1 && kc_alg(KC_AES_CTS)->block_size == 16,
          "AES-CBC-CTS offered, its block the CBC block (reordered from CS3 by kc/cts.h)");

    /* the rules the faces used to hard-code, now read from the table */
    CHECK(kc_alg(KC_AES_CTR)->mode == KC_MODE_STREAM && kc_alg(KC_AES_CTR)->chain == KC_CHAIN_COUNTER,
          "CTR is a counter stream");
    CHECK(kc_alg(KC_AES_OFB)->mode == KC_MODE_STREAM &&
              kc_alg(KC_AES_OFB)->chain == KC_CHAIN_KEYSTREAM && kc_alg(KC_AES_OFB)->evp_mode == KC_EVP_OFB,
          "OFB is a keystream-feedback stream");
    CHECK(kc_alg(KC_AES_CFB)->mode == KC_MODE_STREAM &&
              kc_alg(KC_AES_CFB)->chain == KC_CHAIN_CIPHERTEXT && kc_alg(KC_AES_CFB)->evp_mode == KC_EVP_CFB,
          "CFB is a ciphertext-feedback stream");
    CHECK(kc_alg(KC_AES_XTS)->mode == KC_MODE_WHOLE && kc_alg(KC_AES_XTS)->evp_mode == KC_EVP_XTS &&
              kc_alg(KC_AES_XTS)->iv_required && kc_alg_key_bits(kc_alg(KC_AES_XTS), 64) == 256,
          "XTS: whole data units, tweak required, names count one key");
    CHECK(kc_alg(KC_AES_CBC)->mode == KC_MODE_BLOCK && kc_alg(KC_AES_CBC)->pad_default,
          "CBC pads by default");
    CHECK(kc_alg(KC_CHACHA20_POLY1305)->evp_mode == KC_EVP_STREAM &&
              kc_alg(KC_CHACHA20_POLY1305)->tls_nonce == KC_TLS_NONCE_XOR_SEQ &&
              kc_alg(KC_AES_CCM)->tls_nonce == KC_TLS_NONCE_FIXED_SEQ &&
              kc_alg(KC_AES_GCM)->tls_nonce == KC_TLS_NONCE_FIXED_IVGEN,
          "TLS nonce rules: RFC 7905, 6655, 5288");
    CHECK(kc_aead_tag_len_ok(KC_AES_GCM, 12) && !kc_aead_tag_len_ok(KC_AES_GCM, 10) &&
              kc_aead_tag_len_ok(KC_AES_CCM, 10) && !kc_aead_tag_len_ok(KC_AES_CCM, 11) &&
              !kc_aead_tag_len_ok(KC_CHACHA20_POLY1305, 12),
          "AEAD tag rules");
    CHECK(kc_aead_nonce_len_ok(KC_AES_CCM, 7) && kc_aead_nonce_len_ok(KC_AES_CCM, 13) &&
              !kc_aead_nonce_len_ok(KC_AES_CCM, 14) && !kc_aead_nonce_len_ok(KC_AES_GCM, 16),
          "AEAD nonce rules");
    CHECK(kc_alg(KC_AES_CCM)->lengths_upfront && !kc_alg(KC_AES_GCM)->lengths_upfront &&
              kc_alg(KC_AES_GCM)->nonce_any_len,
          "CCM fixes lengths first; GCM takes any nonce length");
    /* the token's symbolic map */
    CHECK(p11_alg_map_of(KC_AES_OFB) && p11_alg_map_of(KC_AES_OFB)->mech == CKM_AES_OFB,
          "AES-OFB is CKM_AES_OFB");
    CHECK(p11_alg_map_of(KC_AES_CFB) && p11_alg_map_of(KC_AES_CFB)->mech == CKM_AES_CFB128,
          "AES-CFB is CKM_AES_CFB128");
    CHECK(!strcmp(kcp_names_of(KC_AES_OFB)->name, "AES-%u-OFB") &&
              !strcmp(kcp_names_of(KC_AES_CFB)->name, "AES-%u-CFB"),
          "the default provider's names");
    CHECK(p11_alg_map_of(KC_AES_CBC)->pad_mech == CKM_AES_CBC_PAD &&
              p11_alg_map_of(KC_DES3_CBC)->key_type == CKK_DES3 &&
              p11_alg_map_of(KC_CHACHA20_POLY1305)->key_type == CKK_CHACHA20,
          "pad variants and key types");
    CHECK(!p11_alg_map_of(KC_AES_XTS) && !p11_alg_map_of(KC_DRBG), "XTS and DRBG not offered");
    return kct_check_exit();
}
