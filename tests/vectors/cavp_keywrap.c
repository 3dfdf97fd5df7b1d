/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

/* SP 800-38F KW/KWP: AE files are wrap tests, AD files unwrap tests whose
 * bare FAIL records must be refused. The *_inv files (the inverse-cipher
 * variant) and TKW (TDEA) are not what kcrypt implements and are not read.
 *
 * Each direction is run as its file intends: kcrypt wraps (and unwraps KWP)
 * with 6n AES requests for n semiblocks, so the 4096-bit sections cost
 * hundreds of round trips per record. */
static void kw_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                      const char *where)
{
    static const char *const names[] = { "K", "C", "P" };
    enum { K, C, P, N };
    const int *dirs = cf->arg;
    kct_bytes b[N];
    int fail = kct_rsp_get(f, i, "FAIL") != NULL;
    size_t n = fail ? P : N;
    if (cavp_fields(v, cf, f, i, where, names, b, n))
        return;
    vec_wrap_case c = { .alg = cf->alg, .where = where, .expect = fail ? VEC_INVALID : VEC_VALID,
                        .dirs = *dirs, .kek = b[K], .ct = b[C], .pt = fail ? NULL : &b[P] };
    vec_wrap_run(v, &c);
    cavp_free(b, n);
}

static const int wrap = VEC_WRAP, unwrap = VEC_UNWRAP;

/* 500 records per file in sections of 100 by plaintext length; KW unwrap
 * is one kernel request, so KW_AD affords more. */
#define KW(name, alg, cap, dirs) \
    { "keywrap/kwtestvectors/" name ".txt", alg, kw_record, cap, NULL, &dirs }

static const cavp_file files[] = {
    KW("KW_AE_128", KC_AES_KW, 3, wrap), KW("KW_AE_192", KC_AES_KW, 3, wrap),
    KW("KW_AE_256", KC_AES_KW, 3, wrap),
    KW("KW_AD_128", KC_AES_KW, 20, unwrap), KW("KW_AD_192", KC_AES_KW, 20, unwrap),
    KW("KW_AD_256", KC_AES_KW, 20, unwrap),
    KW("KWP_AE_128", KC_AES_KWP, 3, wrap), KW("KWP_AE_192", KC_AES_KWP, 3, wrap),
    KW("KWP_AE_256", KC_AES_KWP, 3, wrap),
    KW("KWP_AD_128", KC_AES_KWP, 3, unwrap), KW("KWP_AD_192", KC_AES_KWP, 3, unwrap),
    KW("KWP_AD_256", KC_AES_KWP, 3, unwrap),
};

void cavp_keywrap(vec_ctx *v)
{
    cavp_run_files(v, files, sizeof(files) / sizeof(files[0]));
}
