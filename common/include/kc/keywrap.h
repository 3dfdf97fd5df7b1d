/* SPDX-License-Identifier: Apache-2.0 */
/* AES key wrap: KW (RFC 3394) and KWP (RFC 5649).
 * KW unwrap runs in the kernel's kw(aes) in one request. The kernel's kw(aes)
 * does not return the integrity block A of a wrap, and checks only the KW
 * constant on unwrap, so KW wrap and both KWP directions run the RFC 3394
 * rounds here over an ecb(aes) op socket: the key stays in the kernel, at
 * the cost of 6n round trips for n 64-bit blocks. */
#ifndef KC_KEYWRAP_H
#define KC_KEYWRAP_H

#include "kc/tfm.h"

typedef struct kc_keywrap kc_keywrap;

/* alg: KC_AES_KW or KC_AES_KWP. wrap: 1 to wrap, 0 to unwrap.
 * Keys a transform, accepts one op socket and closes the transform: one fd,
 * but the KEK's bytes must be in memory for every context made this way. */
kc_status kc_keywrap_new(kc_keywrap **out, kc_alg_id alg, const char *driver,
                         const kc_key *kek, int wrap, kc_error *err);

/* Contexts from an already keyed transform, so a caller that keeps the KEK
 * only in the kernel (a PKCS#11 key object caching its kc_tfm per
 * algorithm) never brings its bytes back for a wrap or unwrap.
 *
 * The transform to key for (alg, wrap): KC_AES_KW (kw(aes)) for KW unwrap,
 * KC_AES_ECB (ecb(aes)) for KW wrap and both KWP directions. Any keyed
 * kc_tfm of that algorithm will do, e.g. one opened with kc_tfm_open and
 * kc_tfm_setkey and also used for AES-ECB ciphers. KC_ALG_COUNT if alg is
 * not a key wrap. */
kc_alg_id kc_keywrap_tfm_alg(kc_alg_id alg, int wrap);
/* Opens and keys that transform; the caller frees it with kc_tfm_free. */
kc_status kc_keywrap_tfm_new(kc_tfm **out, kc_alg_id alg, const char *driver,
                             const kc_key *kek, int wrap, kc_error *err);
/* One op socket accepted from tfm (one fd, no key bytes). tfm must be keyed
 * and of kc_keywrap_tfm_alg(alg, wrap), or of KC_AES_ECB for KW unwrap too,
 * which then takes the 6n rounds instead of one kw(aes) request (one cached
 * transform per KEK instead of two). tfm stays the caller's and may be freed
 * while the context lives: the op socket keeps the key in the kernel.
 * KC_ERR_INVALID_ARG for a transform that cannot serve (alg, wrap),
 * KC_ERR_FORKED for a parent's. An unkeyed one still gives a context, since
 * the kernel accepts op sockets before a key is set; its first wrap or
 * unwrap fails with KC_ERR_KEY (ENOKEY). */
kc_status kc_keywrap_from_tfm(kc_keywrap **out, kc_alg_id alg, kc_tfm *tfm, int wrap,
                              kc_error *err);

/* out needs kc_keywrap_max_out(alg, wrap, len) bytes. */
kc_status kc_keywrap_wrap(kc_keywrap *w, const unsigned char *in, size_t len,
                          unsigned char *out, size_t *out_len, kc_error *err);
/* KC_ERR_AUTH when the integrity check fails; nothing is written then. */
kc_status kc_keywrap_unwrap(kc_keywrap *w, const unsigned char *in, size_t len,
                            unsigned char *out, size_t *out_len, kc_error *err);
size_t kc_keywrap_max_out(kc_alg_id alg, int wrap, size_t in_len);
/* 1 in a fork child for a context made in the parent (see kc/fork.h). */
int kc_keywrap_inherited(const kc_keywrap *w);
void kc_keywrap_free(kc_keywrap *w);

#endif
