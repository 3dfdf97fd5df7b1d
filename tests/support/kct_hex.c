/* SPDX-License-Identifier: Apache-2.0 */
#include "kct_hex.h"
#include "kc/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kct_bytes_alloc(size_t n, kct_bytes *out)
{
    out->n = 0;
    out->p = calloc(n ? n : 1, 1);
    if (!out->p)
        return -1;
    out->n = n;
    return 0;
}

int kct_hex_decode_n(const char *hex, size_t len, kct_bytes *out)
{
    out->p = NULL;
    out->n = 0;
    if (len % 2 || kct_bytes_alloc(len / 2, out))
        return -1;
    if (kc_hex_decode(hex, len, out->p, out->n) < 0) {
        kct_bytes_free(out);
        return -1;
    }
    return 0;
}

int kct_hex_decode(const char *hex, kct_bytes *out)
{
    return kct_hex_decode_n(hex, strlen(hex), out);
}

int kct_bytes_copy(const void *src, size_t n, kct_bytes *out)
{
    if (kct_bytes_alloc(n, out))
        return -1;
    if (n)
        memcpy(out->p, src, n);
    return 0;
}

void kct_bytes_free(kct_bytes *b)
{
    free(b->p);
    b->p = NULL;
    b->n = 0;
}

int kct_bytes_eq(const kct_bytes *a, const unsigned char *p, size_t n)
{
    return a->n == n && (n == 0 || memcmp(a->p, p, n) == 0);
}

const char *kct_hex_str(const unsigned char *p, size_t n, char buf[KCT_HEX_STR_MAX])
{
    /* enough to see where two values part, short enough to read */
    const size_t shown = n > 48 ? 48 : n;
    size_t at = 2 * shown;
    kc_hex_encode(p, shown, buf);
    if (shown < n)
        snprintf(buf + at, KCT_HEX_STR_MAX - at, "... (%zu bytes)", n);
    else if (n == 0)
        snprintf(buf, KCT_HEX_STR_MAX, "(empty)");
    return buf;
}
