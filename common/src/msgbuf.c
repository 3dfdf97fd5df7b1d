/* SPDX-License-Identifier: Apache-2.0 */
/* See kc/msgbuf.h. malloc + copy + wipe instead of realloc: realloc may
 * leave the old plaintext in freed memory. */
#include "kc/msgbuf.h"
#include "kc/key.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MSGBUF_FIRST 1024

static kc_status grow(kc_msgbuf *b, size_t need, kc_error *err)
{
    size_t cap = b->cap ? b->cap : MSGBUF_FIRST;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    unsigned char *p = malloc(cap);
    if (!p)
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "message buffer: out of memory for %zu bytes",
                       cap);
    if (b->len)
        memcpy(p, b->data, b->len);
    if (b->data) {
        kc_wipe(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return KC_OK;
}

kc_status kc_msgbuf_append(kc_msgbuf *b, const void *in, size_t n, size_t max, kc_error *err)
{
    if (b->len > max || n > max - b->len)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "message of more than %zu bytes (%zu held, %zu more)", max, b->len, n);
    if (!n)
        return KC_OK;
    if (b->len + n > b->cap) {
        kc_status s = grow(b, b->len + n, err);
        if (s != KC_OK)
            return s;
    }
    memcpy(b->data + b->len, in, n);
    b->len += n;
    return KC_OK;
}

const unsigned char *kc_msgbuf_bytes(const kc_msgbuf *b)
{
    static const unsigned char empty[1];
    return b->data ? b->data : empty;
}

void kc_msgbuf_reset(kc_msgbuf *b)
{
    if (b->data)
        kc_wipe(b->data, b->len);
    b->len = 0;
}

kc_status kc_msgbuf_copy(kc_msgbuf *dst, const kc_msgbuf *src, kc_error *err)
{
    dst->data = NULL;
    dst->len = dst->cap = 0;
    return kc_msgbuf_append(dst, src->data, src->len, SIZE_MAX, err);
}

void kc_msgbuf_free(kc_msgbuf *b)
{
    if (b->data) {
        kc_wipe(b->data, b->cap);
        free(b->data);
    }
    b->data = NULL;
    b->len = b->cap = 0;
}
