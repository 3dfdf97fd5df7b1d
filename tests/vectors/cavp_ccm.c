/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

#include <string.h>

/* CCMVS: Alen, Plen, Nlen and Tlen come from the file header or section;
 * Key (and for some files Nonce) from the lines before the records. CT is
 * the ciphertext followed by the tag. DVPT files are decryption tests with
 * "Result = Pass/Fail" and a Payload only for Pass; the others (VADT, VNT,
 * VPT, VTT) are encryption tests, all valid. */
static void ccm_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                       const char *where)
{
    const char *row = vec_name(cf->alg);
    unsigned long alen, plen, nlen, tlen;
    if (cavp_number(v, cf, f, i, where, "Alen", &alen) ||
        cavp_number(v, cf, f, i, where, "Plen", &plen) ||
        cavp_number(v, cf, f, i, where, "Nlen", &nlen) ||
        cavp_number(v, cf, f, i, where, "Tlen", &tlen))
        return;
    const char *result = kct_rsp_get(f, i, "Result");
    if (result && strcmp(result, "Pass") != 0 && strcmp(result, "Fail") != 0) {
        kct_fail(v->tally, row, "%s: unknown Result = %s", where, result);
        return;
    }
    int fail = result && strcmp(result, "Fail") == 0;
    static const char *const names[] = { "Key", "Nonce", "Adata", "CT", "Payload" };
    enum { KEY, NONCE, AAD, CT, MSG, N };
    const size_t lens[] = { CAVP_ANY, nlen, alen, plen + tlen, plen };
    kct_bytes b[N];
    size_t n = fail ? MSG : N;   /* a Fail record has no Payload */
    if (cavp_fields_len(v, cf, f, i, where, names, lens, b, n))
        return;
    vec_aead_case c = {
        .alg = cf->alg, .where = where, .expect = fail ? VEC_INVALID : VEC_VALID,
        .key = b[KEY], .nonce = b[NONCE], .aad = b[AAD],
        .ct = { b[CT].p, plen }, .tag = { b[CT].p + plen, tlen },
        .msg = fail ? NULL : &b[MSG],
    };
    vec_aead_run(v, &c);
    cavp_free(b, n);
}

#define CCM(name) { "ciphers/AES/CCM/" name ".rsp", KC_AES_CCM, ccm_record, 0, NULL, NULL }

/* 2880 records in all, mostly sharing a key per section: no cap needed. */
static const cavp_file files[] = {
    CCM("DVPT128"), CCM("DVPT192"), CCM("DVPT256"),
    CCM("VADT128"), CCM("VADT192"), CCM("VADT256"),
    CCM("VNT128"), CCM("VNT192"), CCM("VNT256"),
    CCM("VPT128"), CCM("VPT192"), CCM("VPT256"),
    CCM("VTT128"), CCM("VTT192"), CCM("VTT256"),
};

void cavp_ccm(vec_ctx *v)
{
    cavp_run_files(v, files, sizeof(files) / sizeof(files[0]));
}
