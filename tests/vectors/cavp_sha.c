/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

/* SHAVS/SHA3VS ShortMsg and LongMsg: Len is in bits, and Msg is "00" when
 * Len is 0. The files are byte-oriented; a bit length would not be. */
static void sha_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                       const char *where)
{
    static const char *const names[] = { "Msg", "MD" };
    enum { MSG, MD, N };
    unsigned long bits;
    kct_bytes b[N];
    if (cavp_number(v, cf, f, i, where, "Len", &bits))
        return;
    if (bits % 8) {
        kct_skip(v->tally, vec_name(cf->alg), 1, "message is not whole bytes");
        return;
    }
    if (cavp_fields_len(v, cf, f, i, where, names, (const size_t[]){ bits / 8, CAVP_ANY }, b, N))
        return;
    vec_mac_case c = { .alg = cf->alg, .where = where, .expect = VEC_VALID, .key = NULL,
                       .msg = b[MSG], .tag = b[MD] };
    vec_mac_run(v, &c);
    cavp_free(b, N);
}

#define SHA(dir, name, alg)                                                     \
    { "hashes/" dir "/" name "ShortMsg.rsp", alg, sha_record, 0, NULL, NULL }, \
    { "hashes/" dir "/" name "LongMsg.rsp", alg, sha_record, 0, NULL, NULL }

/* SHA-512/224 and SHA-512/256 are not kcrypt algorithms. */
static const cavp_file files[] = {
    SHA("SHA1", "SHA1", KC_SHA1),
    SHA("SHA2", "SHA224", KC_SHA224), SHA("SHA2", "SHA256", KC_SHA256),
    SHA("SHA2", "SHA384", KC_SHA384), SHA("SHA2", "SHA512", KC_SHA512),
    SHA("SHA3", "SHA3_224", KC_SHA3_224), SHA("SHA3", "SHA3_256", KC_SHA3_256),
    SHA("SHA3", "SHA3_384", KC_SHA3_384), SHA("SHA3", "SHA3_512", KC_SHA3_512),
};

void cavp_sha(vec_ctx *v)
{
    cavp_run_files(v, files, sizeof(files) / sizeof(files[0]));
}
