#include "wp.h"

#include <stdlib.h>
#include <string.h>

/* kc_cipher is raw CBC: PKCS#5 padding is added and checked here, as an
 * application on top of kcrypt would. */
static int padding_ok(const unsigned char *p, size_t n)
{
    if (n == 0 || n % 16)
        return 0;
    unsigned pad = p[n - 1];
    if (pad == 0 || pad > 16)
        return 0;
    for (size_t i = n - pad; i < n; i++)
        if (p[i] != pad)
            return 0;
    return 1;
}

/* Both files have these fields, in this order. */
static const char *const names[] = { "key", "iv", "msg", "ct" };
enum { KEY, IV, MSG, CT, N };

static void padded_known_answer(vec_ctx *v, const wp_file *f, const kct_bytes b[],
                                const char *where)
{
    size_t pad = 16 - b[MSG].n % 16;
    kct_bytes padded;
    if (kct_bytes_alloc(b[MSG].n + pad, &padded)) {
        kct_fail(v->tally, vec_name(f->alg), "%s: out of memory", where);
        return;
    }
    memcpy(padded.p, b[MSG].p, b[MSG].n);
    memset(padded.p + b[MSG].n, (int)pad, pad);
    vec_cipher_case c = { .alg = f->alg, .where = where, .key = b[KEY], .iv = b[IV],
                          .pt = padded, .ct = b[CT] };
    vec_cipher_run(v, &c);
    kct_bytes_free(&padded);
}

static void bad_padding(vec_ctx *v, const wp_file *f, const kct_bytes b[], const char *where)
{
    const char *row = vec_name(f->alg);
    unsigned char *out = malloc(b[CT].n + 1);
    kc_error err = { 0 };
    if (!out) {
        kct_fail(v->tally, row, "%s: out of memory", where);
        return;
    }
    kc_status st = vec_cipher_once(v, f->alg, &b[KEY], 0, &b[IV], b[CT].p, b[CT].n, out, &err);
    if (st == KC_OK && padding_ok(out, b[CT].n))
        kct_fail(v->tally, row, "%s: bad padding was accepted", where);
    else if (st != KC_OK && !vec_rejected(st))
        kct_fail(v->tally, row, "%s: decrypt: %s: %s", where, kc_status_name(st), err.msg);
    else
        kct_pass(v->tally, row);
    free(out);
}

/* A valid case is a known answer on the padded message in both directions;
 * an invalid one (bad or missing padding) must decrypt to something the
 * padding check refuses, or be refused by kcrypt itself. The file has no
 * "acceptable" cases; one would be held to the valid rule, the strict choice. */
void wp_cbc_pkcs5(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
                  const char *where, vec_expect expect)
{
    kct_bytes b[N];
    (void)group;
    if (wp_fields(v, f->alg, where, test, names, b, N))
        return;
    if (expect != VEC_INVALID)
        padded_known_answer(v, f, b, where);
    else if (vec_ready(v, f->alg))
        bad_padding(v, f, b, where);
    wp_fields_free(b, N);
}

/* Wycheproof's XTS "iv" is the tweak's leading bytes (1..16): the rest of
 * the kernel's 16-byte IV is zero, as for a little-endian sector number. */
void wp_xts(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
            const char *where, vec_expect expect)
{
    kct_bytes b[N], tweak;
    (void)group;
    if (wp_fields(v, f->alg, where, test, names, b, N))
        return;
    if (expect != VEC_VALID || b[IV].n > 16) {
        /* the file has only valid cases: a new kind needs a rule here first */
        kct_fail(v->tally, vec_name(f->alg), "%s: no rule for this case (%s, %zu-byte iv)", where,
                 expect == VEC_VALID ? "valid" : "not valid", b[IV].n);
    } else if (kct_bytes_alloc(16, &tweak) == 0) {
        memcpy(tweak.p, b[IV].p, b[IV].n);
        vec_cipher_case c = { .alg = f->alg, .where = where, .key = b[KEY], .iv = tweak,
                              .pt = b[MSG], .ct = b[CT] };
        vec_cipher_run(v, &c);
        kct_bytes_free(&tweak);
    } else {
        kct_fail(v->tally, vec_name(f->alg), "%s: out of memory", where);
    }
    wp_fields_free(b, N);
}
