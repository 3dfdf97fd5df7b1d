/* SPDX-License-Identifier: Apache-2.0 */
/* See kc/gather.h. The buffer is topped up before it is sunk, so the
 * kernel gets full buffers (one sendmsg each), never a part and then the
 * rest in two sends. */
#include "kc/gather.h"
#include "kc/key.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void kc_gather_init(kc_gather *g, size_t cap)
{
    memset(g, 0, sizeof(*g));
    g->cap = cap ? cap : 1;
}

static kc_status have_buffer(kc_gather *g, kc_error *err)
{
    if (!g->buf && !(g->buf = malloc(g->cap)))
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "hash: out of memory for %zu bytes", g->cap);
    return KC_OK;
}

static kc_status sink_part(kc_gather *g, const unsigned char *in, size_t len,
                           kc_gather_sink sink, void *ctx, kc_error *err)
{
    g->spilled = 1;
    return sink(ctx, in, len, err);
}

kc_status kc_gather_update(kc_gather *g, const unsigned char *in, size_t len,
                           kc_gather_sink sink, void *ctx, kc_error *err)
{
    if (!len)
        return KC_OK;
    kc_status s = have_buffer(g, err);
    if (s != KC_OK)
        return s;
    g->total += len;
    if (len <= g->cap - g->len) {   /* no sum: len may be near SIZE_MAX */
        memcpy(g->buf + g->len, in, len);
        g->len += len;
        return KC_OK;
    }
    size_t room = g->cap - g->len;
    memcpy(g->buf + g->len, in, room);
    in += room;
    len -= room;
    g->len = 0;
    if ((s = sink_part(g, g->buf, g->cap, sink, ctx, err)) != KC_OK)
        return s;
    if (len >= g->cap)
        return sink_part(g, in, len, sink, ctx, err);
    memcpy(g->buf, in, len);
    g->len = len;
    return KC_OK;
}

const unsigned char *kc_gather_data(const kc_gather *g)
{
    static const unsigned char empty[1];
    return g->buf ? g->buf : empty;
}

size_t kc_gather_len(const kc_gather *g)
{
    return g->len;
}

kc_status kc_gather_flush(kc_gather *g, kc_gather_sink sink, void *ctx, kc_error *err)
{
    if (!g->len)
        return KC_OK;
    size_t n = g->len;
    g->len = 0;
    return sink_part(g, g->buf, n, sink, ctx, err);
}

void kc_gather_reset(kc_gather *g)
{
    if (g->buf)
        kc_wipe(g->buf, g->cap);
    g->len = 0;
    g->spilled = 0;
    g->total = 0;
}

kc_status kc_gather_copy(kc_gather *dst, const kc_gather *src, kc_error *err)
{
    *dst = *src;
    dst->buf = NULL;
    if (!src->buf)
        return KC_OK;
    kc_status s = have_buffer(dst, err);
    if (s == KC_OK)
        memcpy(dst->buf, src->buf, src->len);
    return s;
}

void kc_gather_free(kc_gather *g)
{
    if (g->buf) {
        kc_wipe(g->buf, g->cap);
        free(g->buf);
    }
    memset(g, 0, sizeof(*g));
}
