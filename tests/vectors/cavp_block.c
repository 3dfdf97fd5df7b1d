/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

#include <string.h>

/* ECB, CBC and CTR records: a known answer in both directions, whichever
 * of [ENCRYPT] or [DECRYPT] the record sits in. */
static void block_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                         const char *where)
{
    static const char *const names[] = { "KEY", "PLAINTEXT", "CIPHERTEXT", "IV" };
    enum { KEY, PT, CT, IV, N };
    kct_bytes b[N] = { { 0 } };
    /* ECB has no IV */
    size_t n = cf->alg == KC_AES_ECB ? IV : N;
    if (cavp_fields(v, cf, f, i, where, names, b, n))
        return;
    vec_cipher_case c = { .alg = cf->alg, .where = where, .key = b[KEY], .iv = b[IV],
                          .pt = b[PT], .ct = b[CT] };
    vec_cipher_run(v, &c);
    cavp_free(b, n);
}

/* XTSGen: the tweak is either the 128-bit "i" or a data unit sequence
 * number, which is the tweak as a little-endian integer. */
static void xts_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                       const char *where)
{
    static const char *const names[] = { "Key", "PT", "CT" };
    enum { KEY, PT, CT, N };
    kct_bytes b[N], tweak = { 0 };
    unsigned long bits, seq;
    if (cavp_number(v, cf, f, i, where, "DataUnitLen", &bits))
        return;
    if (bits % 8) {
        kct_skip(v->tally, vec_name(cf->alg), 1,
                 "data unit is not whole bytes (AF_ALG takes bytes)");
        return;
    }
    if (cavp_fields(v, cf, f, i, where, names, b, N))
        return;
    if (kct_rsp_get(f, i, "i")) {
        static const char *const tweak_name[] = { "i" };
        static const size_t tweak_len[] = { 16 };
        if (cavp_fields_len(v, cf, f, i, where, tweak_name, tweak_len, &tweak, 1)) {
            cavp_free(b, N);
            return;
        }
    } else if (cavp_number(v, cf, f, i, where, "DataUnitSeqNumber", &seq) == 0 &&
               kct_bytes_alloc(16, &tweak) == 0) {
        for (size_t k = 0; k < sizeof(seq); k++)
            tweak.p[k] = (unsigned char)(seq >> (8 * k));
    } else {
        cavp_free(b, N);
        return;
    }
    vec_cipher_case c = { .alg = cf->alg, .where = where, .key = b[KEY], .iv = tweak,
                          .pt = b[PT], .ct = b[CT] };
    if (b[PT].n != bits / 8)
        kct_fail(v->tally, vec_name(cf->alg), "%s: PT has %zu bytes, DataUnitLen says %lu bits",
                 where, b[PT].n, bits);
    else
        vec_cipher_run(v, &c);
    kct_bytes_free(&tweak);
    cavp_free(b, N);
}

#define XTS(tweak, bits)                                                                 \
    { "ciphers/AES/XTS/" tweak "/XTSGenAES" bits ".rsp", KC_AES_XTS, xts_record, 20,     \
      "DataUnitLen", NULL }

#define SIZES(dir, kind, alg)                                                          \
    { "ciphers/AES/" dir "/" kind "128.rsp", alg, block_record, 0, NULL, NULL },       \
    { "ciphers/AES/" dir "/" kind "192.rsp", alg, block_record, 0, NULL, NULL },       \
    { "ciphers/AES/" dir "/" kind "256.rsp", alg, block_record, 0, NULL, NULL }

/* Every AESVS file of the two modes (GFSbox, KeySbox, MMT, VarKey, VarTxt),
 * RFC 3686's CTR vectors, and XTSGen, whose files hold runs of 100 records
 * per data unit length: 20 of each run. */
static const cavp_file files[] = {
    SIZES("ECB", "ECBGFSbox", KC_AES_ECB), SIZES("ECB", "ECBKeySbox", KC_AES_ECB),
    SIZES("ECB", "ECBMMT", KC_AES_ECB), SIZES("ECB", "ECBVarKey", KC_AES_ECB),
    SIZES("ECB", "ECBVarTxt", KC_AES_ECB),
    SIZES("CBC", "CBCGFSbox", KC_AES_CBC), SIZES("CBC", "CBCKeySbox", KC_AES_CBC),
    SIZES("CBC", "CBCMMT", KC_AES_CBC), SIZES("CBC", "CBCVarKey", KC_AES_CBC),
    SIZES("CBC", "CBCVarTxt", KC_AES_CBC),
    { "ciphers/AES/CTR/aes-128-ctr.txt", KC_AES_CTR, block_record, 0, NULL, NULL },
    { "ciphers/AES/CTR/aes-192-ctr.txt", KC_AES_CTR, block_record, 0, NULL, NULL },
    { "ciphers/AES/CTR/aes-256-ctr.txt", KC_AES_CTR, block_record, 0, NULL, NULL },
    XTS("tweak-128hexstr", "128"), XTS("tweak-128hexstr", "256"),
    XTS("tweak-dataunitseqno", "128"), XTS("tweak-dataunitseqno", "256"),
};

void cavp_block(vec_ctx *v)
{
    cavp_run_files(v, files, sizeof(files) / sizeof(files[0]));
}
