/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

#include <string.h>

/* ChaCha20-Poly1305 from BoringSSL's and OpenSSL's test files: the same
 * record shape under different names. BoringSSL quotes ASCII inputs;
 * OpenSSL marks a record that must not authenticate with
 * "Result = CIPHERFINAL_ERROR". */
typedef struct {
    const char *names[6];   /* key, nonce, aad, ct, tag, plaintext */
} chacha_names;

static const chacha_names boringssl = { { "KEY", "NONCE", "AD", "CT", "TAG", "IN" } };
static const chacha_names openssl = { { "Key", "IV", "AAD", "Ciphertext", "Tag", "Plaintext" } };

static void chacha_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                          const char *where)
{
    const chacha_names *m = cf->arg;
    enum { KEY, NONCE, AAD, CT, TAG, PT, N };
    kct_bytes b[N];
    const char *result = kct_rsp_get(f, i, "Result");
    if (result && strcmp(result, "CIPHERFINAL_ERROR") != 0) {
        kct_fail(v->tally, vec_name(cf->alg), "%s: unknown Result = %s", where, result);
        return;
    }
    if (cavp_fields(v, cf, f, i, where, m->names, b, N))
        return;
    vec_aead_case c = { .alg = cf->alg, .where = where, .expect = result ? VEC_INVALID : VEC_VALID,
                        .key = b[KEY], .nonce = b[NONCE], .aad = b[AAD], .ct = b[CT],
                        .tag = b[TAG], .msg = &b[PT] };
    vec_aead_run(v, &c);
    cavp_free(b, N);
}

static const cavp_file files[] = {
    { "ciphers/ChaCha20Poly1305/boringssl.txt", KC_CHACHA20_POLY1305, chacha_record, 0, NULL,
      &boringssl },
    { "ciphers/ChaCha20Poly1305/openssl.txt", KC_CHACHA20_POLY1305, chacha_record, 0, NULL,
      &openssl },
};

void cavp_chacha(vec_ctx *v)
{
    cavp_run_files(v, files, sizeof(files) / sizeof(files[0]));
}
