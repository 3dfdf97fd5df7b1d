/* SPDX-License-Identifier: Apache-2.0 */
#ifndef KCRYPT_SELFTEST_H
#define KCRYPT_SELFTEST_H

#include "kc/alg.h"

/* One published known answer (hex). For AEADs `out` is the ciphertext and
 * `tag` the tag; for MACs and digests `out` is the MAC/digest of `in`. */
typedef struct {
    kc_alg_id alg;
    const char *source;
    const char *key, *iv, *aad, *in, *out, *tag;
} kat;

extern const kat selftest_kats[];
extern const unsigned selftest_kat_count;

#endif
