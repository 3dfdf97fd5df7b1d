/* SPDX-License-Identifier: Apache-2.0 */
/* A key handed to the kernel: raw bytes, or a keyring key by serial so the
 * bytes never enter this process (ALG_SET_KEY_BY_KEY_SERIAL, Linux >= 6.2). */
#ifndef KC_KEY_H
#define KC_KEY_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const unsigned char *bytes;
    size_t len;
    int32_t serial;   /* > 0: use this keyring key instead of bytes */
} kc_key;

#define KC_KEY_RAW(p, n) ((kc_key){ .bytes = (const unsigned char *)(p), .len = (n), .serial = 0 })
#define KC_KEY_SERIAL(s) ((kc_key){ .bytes = NULL, .len = 0, .serial = (s) })

/* Overwrite memory in a way the compiler may not remove. */
void kc_wipe(void *p, size_t n);

#endif
