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

/* alg: KC_AES_KW or KC_AES_KWP. wrap: 1 to wrap, 0 to unwrap. */
kc_status kc_keywrap_new(kc_keywrap **out, kc_alg_id alg, const char *driver,
                         const kc_key *kek, int wrap, kc_error *err);
/* out needs kc_keywrap_max_out(alg, wrap, len) bytes. */
kc_status kc_keywrap_wrap(kc_keywrap *w, const unsigned char *in, size_t len,
                          unsigned char *out, size_t *out_len, kc_error *err);
/* KC_ERR_AUTH when the integrity check fails; nothing is written then. */
kc_status kc_keywrap_unwrap(kc_keywrap *w, const unsigned char *in, size_t len,
                            unsigned char *out, size_t *out_len, kc_error *err);
size_t kc_keywrap_max_out(kc_alg_id alg, int wrap, size_t in_len);
void kc_keywrap_free(kc_keywrap *w);

#endif
