/* SPDX-License-Identifier: Apache-2.0 */
/* A keyed kernel transform (the bound AF_ALG socket). Operation contexts are
 * accepted from it; it may be freed right after, the op sockets keep the
 * transform and its key alive in the kernel. Hold one only where more op
 * contexts must follow without the key bytes (e.g. a PKCS#11 key object). */
#ifndef KC_TFM_H
#define KC_TFM_H

#include "kc/alg.h"
#include "kc/error.h"
#include "kc/key.h"

typedef struct kc_tfm kc_tfm;

/* driver: NULL for the kernel's choice, or a driver name to pin. */
kc_status kc_tfm_open(kc_tfm **out, kc_alg_id alg, const char *driver, kc_error *err);
/* Validates the length against the table for raw keys; raw bytes are not kept. */
kc_status kc_tfm_setkey(kc_tfm *t, const kc_key *key, kc_error *err);
/* AEAD only, before any op context is accepted. */
kc_status kc_tfm_set_tag_size(kc_tfm *t, size_t tag_len, kc_error *err);
kc_alg_id kc_tfm_alg(const kc_tfm *t);
void kc_tfm_free(kc_tfm *t);

#endif
