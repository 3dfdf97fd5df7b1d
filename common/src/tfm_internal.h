/* SPDX-License-Identifier: Apache-2.0 */
/* What contexts need from a transform beyond the public tfm.h. */
#ifndef KC_TFM_INTERNAL_H
#define KC_TFM_INTERNAL_H

#include "kc/tfm.h"

/* kc_tfm_open with the AF_ALG type and name given (driver NULL: the
 * table's kernel name), for a kernel algorithm that serves part of a
 * table entry (e.g. the chacha20 keystream of ChaCha20-Poly1305); key
 * sizes and messages are the entry's. */
kc_status kc_tfm_open_as(kc_tfm **out, kc_alg_id id, const char *type, const char *driver,
                         kc_error *err);
/* Accept one op socket from t; returns the fd or fails with err filled. */
int kc_tfm_accept(kc_tfm *t, kc_error *err);
/* "AES-GCM (gcm(aes))" style label for messages. */
const char *kc_tfm_label(const kc_tfm *t);
/* Open, key (key may be NULL for unkeyed), optionally set tag size, accept,
 * close the transform: the one-fd path for contexts. Returns fd or -1. */
int kc_open_op(kc_alg_id alg, const char *driver, const kc_key *key, size_t tag_len,
               kc_error *err);
/* Check that a context made in this process (not a fork parent) is used. */
int kc_forked(unsigned gen);

#endif
