/* SPDX-License-Identifier: Apache-2.0 */
/* Byte strings for test vectors: the files hold hex text, the API takes bytes. */
#ifndef KCT_HEX_H
#define KCT_HEX_H

#include <stddef.h>

/* p is never NULL after a successful decode, even for n == 0, so an empty
 * vector field reaches the API as a real (empty) buffer. */
typedef struct {
    unsigned char *p;
    size_t n;
} kct_bytes;

/* Decode len characters of hex (either case). -1 on an odd length, a
 * non-hex character or no memory; *out is then left empty. */
int kct_hex_decode_n(const char *hex, size_t len, kct_bytes *out);
int kct_hex_decode(const char *hex, kct_bytes *out);
/* Copy n raw bytes (e.g. a quoted ASCII vector field) into *out. */
int kct_bytes_copy(const void *src, size_t n, kct_bytes *out);
/* A zeroed buffer of n bytes (at least one allocated). */
int kct_bytes_alloc(size_t n, kct_bytes *out);
void kct_bytes_free(kct_bytes *b);
int kct_bytes_eq(const kct_bytes *a, const unsigned char *p, size_t n);

/* Hex of p into buf for failure messages; long values are cut and end with
 * the byte count. Returns buf. */
#define KCT_HEX_STR_MAX 128
const char *kct_hex_str(const unsigned char *p, size_t n, char buf[KCT_HEX_STR_MAX]);

#endif
