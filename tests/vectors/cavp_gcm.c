/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

/* GCMVS: encrypt files hold valid records; decrypt files mark records that
 * must not authenticate with a bare FAIL line, and have no PT for them.
 * IVlen 8 and 1024 sections cannot run on gcm(aes) (vec_aead.c says so per
 * case); their FAIL records must still be refused. */
static void gcm_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                       const char *where)
{
    static const char *const names[] = { "Key", "IV", "AAD", "CT", "Tag", "PT" };
    enum { KEY, IV, AAD, CT, TAG, PT, N };
    kct_bytes b[N];
    int fail = kct_rsp_get(f, i, "FAIL") != NULL;
    size_t n = fail ? PT : N;
    if (cavp_fields(v, cf, f, i, where, names, b, n))
        return;
    vec_aead_case c = { .alg = cf->alg, .where = where, .expect = fail ? VEC_INVALID : VEC_VALID,
                        .key = b[KEY], .nonce = b[IV], .aad = b[AAD], .ct = b[CT], .tag = b[TAG],
                        .msg = fail ? NULL : &b[PT] };
    vec_aead_run(v, &c);
    cavp_free(b, n);
}

/* Each file has 525 sections (key, IV, PT, AAD and tag lengths) of 15
 * records: 3 of each keep every combination. */
#define GCM(name) { "ciphers/AES/GCM/" name ".rsp", KC_AES_GCM, gcm_record, 3, NULL, NULL }

static const cavp_file files[] = {
    GCM("gcmEncryptExtIV128"), GCM("gcmEncryptExtIV192"), GCM("gcmEncryptExtIV256"),
    GCM("gcmDecrypt128"), GCM("gcmDecrypt192"), GCM("gcmDecrypt256"),
};

void cavp_gcm(vec_ctx *v)
{
    cavp_run_files(v, files, sizeof(files) / sizeof(files[0]));
}
