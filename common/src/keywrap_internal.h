/* SPDX-License-Identifier: Apache-2.0 */
/* The key wrap context, shared by its constructors (keywrap_ctx.c) and the
 * RFC 3394 / RFC 5649 operations (keywrap.c). */
#ifndef KC_KEYWRAP_INTERNAL_H
#define KC_KEYWRAP_INTERNAL_H

#include "kc/keywrap.h"

struct kc_keywrap {
    int fd;
    unsigned gen;
    const kc_alg_info *alg;
    int wrap;
    int in_kernel_kw;   /* fd is kw(aes), else ecb(aes) */
};

#endif
