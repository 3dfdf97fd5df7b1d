/* Small helpers every part of kcrypt (common/, provider/, pkcs11/, tools/,
 * tests/) links from here, so each exists once. */
#ifndef KC_UTIL_H
#define KC_UTIL_H

#include <stddef.h>

/* Decode exactly len hex digits (either case; nothing else: no spaces,
 * signs or "0x") into out (capacity cap). Returns the byte count, or -1 for
 * an odd length, a non-hex character or too little room. */
long kc_hex_decode(const char *hex, size_t len, unsigned char *out, size_t cap);

/* Lower-case hex of n bytes into out, which holds 2n + 1 chars (NUL-terminated). */
void kc_hex_encode(const unsigned char *p, size_t n, char *out);

/* 1 if the n bytes are equal, in time that depends on n only. */
int kc_memeq_ct(const void *a, const void *b, size_t n);

#endif
