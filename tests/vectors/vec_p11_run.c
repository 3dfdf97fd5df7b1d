/* SPDX-License-Identifier: Apache-2.0 */
/* One token operation in its single-part and multi-part forms. PKCS#11
 * lets a token report a refusal at Update or at Final, so the two forms are
 * compared by the first code that was not CKR_OK, and by their output when
 * both succeed. */
#include "vec_p11.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    CK_RV rv;              /* CKR_OK, or the first code that was not */
    const char *call;      /* the call that gave rv */
    int at_init;
    size_t len;            /* output bytes when rv is CKR_OK */
    char broken[160];      /* a promise of the API not kept on the way, or "" */
} outcome;

static int failed(outcome *o, CK_RV rv, const char *call)
{
    o->rv = rv;
    o->call = call;
    return rv != CKR_OK;
}

static outcome single(vec_p11 *t, const vec_p11_calls *c, const void *ctx, CK_MECHANISM *m,
                      CK_OBJECT_HANDLE k, const unsigned char *in, size_t len,
                      unsigned char *out, size_t cap)
{
    outcome o = { 0 };
    CK_ULONG q = cap, n = cap;
    if (failed(&o, c->init(t, m, k), c->name[0])) {
        o.at_init = 1;
        return o;
    }
    /* the length query must neither end the operation nor promise too little */
    if (c->query && failed(&o, c->once(t, ctx, in, len, NULL, &q), c->name[1]))
        return o;
    if (failed(&o, c->once(t, ctx, in, len, out, &n), c->name[1]))
        return o;
    if (c->query && n > q)
        snprintf(o.broken, sizeof(o.broken), "%s wrote %lu bytes after a length query of %lu",
                 c->name[1], (unsigned long)n, (unsigned long)q);
    o.len = n;
    return o;
}

static outcome multi(vec_p11 *t, const vec_p11_calls *c, const void *ctx, CK_MECHANISM *m,
                     CK_OBJECT_HANDLE k, const unsigned char *in, size_t len,
                     unsigned char *out, size_t cap)
{
    outcome o = { 0 };
    size_t ends[VEC_P11_PIECES], pieces = vec_p11_split(t, len, ends), off = 0, done = 0;
    if (failed(&o, c->init(t, m, k), c->name[0]))
        return o;
    for (size_t i = 0; i < pieces; i++) {
        CK_ULONG n = cap - done;
        if (failed(&o, c->update(t, ctx, in + off, ends[i] - off, out + done, &n), c->name[2]))
            return o;
        done += n;
        off = ends[i];
    }
    CK_ULONG n = cap - done;
    if (failed(&o, c->final(t, ctx, out + done, &n), c->name[3]))
        return o;
    o.len = done + n;
    return o;
}

/* NULL if the two forms agree, else the difference, written to buf. */
static const char *compare(const outcome *a, const unsigned char *a_out, const outcome *b,
                           const unsigned char *b_out, char *buf, size_t n)
{
    size_t at = 0;
    if (b->broken[0]) {
        snprintf(buf, n, "multi-part: %s", b->broken);
    } else if (a->rv != b->rv) {
        snprintf(buf, n, "multi-part %s returned %s (0x%lx), single-part %s returned %s (0x%lx)",
                 b->call, vec_p11_rv_name(b->rv), (unsigned long)b->rv, a->call,
                 vec_p11_rv_name(a->rv), (unsigned long)a->rv);
    } else if (a->rv == CKR_OK && a->len != b->len) {
        snprintf(buf, n, "multi-part gave %zu bytes, single-part %zu", b->len, a->len);
    } else if (a->rv == CKR_OK && memcmp(a_out, b_out, a->len) != 0) {
        while (a_out[at] == b_out[at])
            at++;
        snprintf(buf, n, "multi-part output differs from single-part at byte %zu of %zu "
                 "(%02x, single-part %02x)", at, a->len, b_out[at], a_out[at]);
    } else {
        return NULL;
    }
    return buf;
}

kc_status vec_p11_run(vec_p11 *t, const vec_p11_calls *calls, const void *ctx, CK_MECHANISM *m,
                      CK_OBJECT_HANDLE k, const unsigned char *in, size_t len,
                      unsigned char *out, size_t cap, size_t *out_len,
                      const vec_p11_rights *rights, kc_error *err)
{
    const char *mech = vec_p11_mech_name(m->mechanism);
    outcome a = single(t, calls, ctx, m, k, in, len, out, cap);
    if (a.broken[0])
        return kc_fail(err, KC_ERR_KERNEL, 0, "%s: %s", mech, a.broken);
    /* a refused Init would only be refused again */
    if (!a.at_init && vec_p11_multipart(t)) {
        char diff[200];
        unsigned char *b_out = malloc(cap + 1);
        if (!b_out)
            return kc_fail(err, KC_ERR_NOMEM, 0, "out of memory");
        outcome b = multi(t, calls, ctx, m, k, in, len, b_out, cap);
        const char *problem = compare(&a, out, &b, b_out, diff, sizeof(diff));
        free(b_out);
        if (problem)
            return kc_fail(err, KC_ERR_KERNEL, 0, "%s: %s", mech, problem);
    }
    kc_status st = vec_p11_status(a.rv, a.call, m->mechanism, a.at_init ? rights->init : rights->op,
                                  a.at_init ? KC_ERR_INVALID_ARG : rights->op_st, err);
    if (st == KC_OK)
        *out_len = a.len;
    return st;
}
