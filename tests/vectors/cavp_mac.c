/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

/* SP 800-38B's CMAC-AES examples and the RFC 2202/4231 HMAC cases, which
 * name their fields differently. */
typedef struct {
    const char *key, *msg, *tag;
} mac_names;

static const mac_names cmac = { "KEY", "MESSAGE", "OUTPUT" };
static const mac_names hmac = { "Key", "Msg", "MD" };

static void mac_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                       const char *where)
{
    const mac_names *m = cf->arg;
    const char *const names[] = { m->key, m->msg, m->tag };
    enum { KEY, MSG, TAG, N };
    kct_bytes b[N];
    if (cavp_fields(v, cf, f, i, where, names, b, N))
        return;
    vec_mac_case c = { .alg = cf->alg, .where = where, .expect = VEC_VALID, .key = &b[KEY],
                       .msg = b[MSG], .tag = b[TAG] };
    vec_mac_run(v, &c);
    cavp_free(b, N);
}

#define MAC(path, alg, names) { path, alg, mac_record, 0, NULL, &names }

static const cavp_file files[] = {
    MAC("CMAC/nist-800-38b-aes128.txt", KC_CMAC_AES, cmac),
    MAC("CMAC/nist-800-38b-aes192.txt", KC_CMAC_AES, cmac),
    MAC("CMAC/nist-800-38b-aes256.txt", KC_CMAC_AES, cmac),
    MAC("HMAC/rfc-2202-sha1.txt", KC_HMAC_SHA1, hmac),
    MAC("HMAC/rfc-4231-sha224.txt", KC_HMAC_SHA224, hmac),
    MAC("HMAC/rfc-4231-sha256.txt", KC_HMAC_SHA256, hmac),
    MAC("HMAC/rfc-4231-sha384.txt", KC_HMAC_SHA384, hmac),
    MAC("HMAC/rfc-4231-sha512.txt", KC_HMAC_SHA512, hmac),
};

void cavp_mac(vec_ctx *v)
{
    cavp_run_files(v, files, sizeof(files) / sizeof(files[0]));
}
