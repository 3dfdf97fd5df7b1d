/* SPDX-License-Identifier: Apache-2.0 */
#include "cavp.h"

#include <string.h>

/* Monte Carlo checkpoints: 1000 chained digests each.
 *   SHAVS (SHA-1, SHA-2): MD[i] = H(MD[i-3] || MD[i-2] || MD[i-1]), all
 *     three starting as the seed;
 *   SHA3VS: MD[i] = H(MD[i-1]).
 * Checkpoint j continues from checkpoint j-1's MD, which the file gives,
 * so any checkpoint can be checked alone. */
typedef enum { SHAVS, SHA3VS } monte_kind;

/* 100 checkpoints of 1000 digests per file would be 100,000 kernel
 * requests; the first checkpoint of each file exercises the same chaining. */
enum { CHECKPOINTS = 1 };

static const monte_kind shavs = SHAVS, sha3vs = SHA3VS;

static kc_status chain(vec_ctx *v, void *h, monte_kind kind, const kct_bytes *seed,
                       unsigned char *md, kc_error *err)
{
    size_t d = seed->n;
    unsigned char m[3 * 64];
    for (int k = 0; k < 3; k++)
        memcpy(m + k * d, seed->p, d);
    for (int i = 0; i < 1000; i++) {
        const unsigned char *in = kind == SHAVS ? m : m + 2 * d;
        size_t len = kind == SHAVS ? 3 * d : d;
        kc_status st = vec_mac_compute(v, h, in, len, md, d, err);
        if (st != KC_OK)
            return st;
        memmove(m, m + d, 2 * d);
        memcpy(m + 2 * d, md, d);
    }
    return KC_OK;
}

static void monte_record(vec_ctx *v, const cavp_file *cf, const kct_rsp *f, size_t i,
                         const char *where)
{
    const char *row = vec_name(cf->alg);
    unsigned long count;
    kct_bytes seed = { 0 }, want = { 0 };
    unsigned char md[64];
    char got_hex[KCT_HEX_STR_MAX], want_hex[KCT_HEX_STR_MAX];
    kc_error err = { 0 };
    if (cavp_number(v, cf, f, i, where, "COUNT", &count))
        return;
    if (count >= CHECKPOINTS) {
        kct_skip(v->tally, row, 1, "Monte Carlo checkpoints after the first %d", CHECKPOINTS);
        return;
    }
    if (!vec_ready(v, cf->alg))
        return;
    /* checkpoint j starts from checkpoint j-1's MD, in the record before */
    int bad = count == 0 ? kct_rsp_bytes(f, i, "Seed", &seed)
                         : i == 0 || kct_rsp_bytes(f, i - 1, "MD", &seed);
    bad = bad || kct_rsp_bytes(f, i, "MD", &want) || seed.n != want.n || want.n > sizeof(md);
    void *h = bad ? NULL : vec_mac_get(v, cf->alg, NULL, &err);
    kc_status st = h ? chain(v, h, *(const monte_kind *)cf->arg, &seed, md, &err) : err.status;
    if (bad)
        kct_fail(v->tally, row, "%s: no usable seed and MD", where);
    else if (st != KC_OK)
        kct_fail(v->tally, row, "%s: %s: %s", where, kc_status_name(st), err.msg);
    else if (!kct_bytes_eq(&want, md, want.n))
        kct_fail(v->tally, row, "%s: checkpoint %lu gave %s, expected %s", where, count,
                 kct_hex_str(md, want.n, got_hex), kct_hex_str(want.p, want.n, want_hex));
    else
        kct_pass(v->tally, row);
    kct_bytes_free(&seed);
    kct_bytes_free(&want);
}

#define MONTE(path, alg, kind) { "hashes/" path "Monte.rsp", alg, monte_record, 0, NULL, &kind }

static const cavp_file files[] = {
    MONTE("SHA1/SHA1", KC_SHA1, shavs),
    MONTE("SHA2/SHA224", KC_SHA224, shavs), MONTE("SHA2/SHA256", KC_SHA256, shavs),
    MONTE("SHA2/SHA384", KC_SHA384, shavs), MONTE("SHA2/SHA512", KC_SHA512, shavs),
    MONTE("SHA3/SHA3_224", KC_SHA3_224, sha3vs), MONTE("SHA3/SHA3_256", KC_SHA3_256, sha3vs),
    MONTE("SHA3/SHA3_384", KC_SHA3_384, sha3vs), MONTE("SHA3/SHA3_512", KC_SHA3_512, sha3vs),
};

void cavp_monte(vec_ctx *v)
{
    cavp_run_files(v, files, sizeof(files) / sizeof(files[0]));
}
