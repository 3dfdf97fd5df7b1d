/* SPDX-License-Identifier: Apache-2.0 */
/* Key wrap contexts: from key bytes, or from a transform already keyed with
 * the KEK so that the bytes need not come back (see keywrap.h). Which
 * transform a direction needs follows from what the kernel's kw(aes) can do:
 * KW unwrap only; everything else steps through ecb(aes). */
#include "keywrap_internal.h"
#include "fork_guard.h"
#include "tfm_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const kc_alg_info *wrap_alg(kc_alg_id alg)
{
    const kc_alg_info *a = kc_alg(alg);
    return a && a->kind == KC_KIND_KEYWRAP ? a : NULL;
}

kc_alg_id kc_keywrap_tfm_alg(kc_alg_id alg, int wrap)
{
    if (!wrap_alg(alg))
        return KC_ALG_COUNT;
    return alg == KC_AES_KW && !wrap ? KC_AES_KW : KC_AES_ECB;
}

/* The transform's own message names the kernel algorithm (ecb(aes) for a
 * KWP context, say); put the key wrap the caller asked for in front. */
static kc_status for_wrap(kc_error *err, const kc_alg_info *a, kc_status s)
{
    if (!err)
        return s;
    char was[sizeof(err->msg)];
    memcpy(was, err->msg, sizeof(was));
    was[sizeof(was) - 1] = '\0';
    if (snprintf(err->msg, sizeof(err->msg), "%s: %s", a->name, was) < 0)
        err->msg[0] = '\0';
    return s;
}

kc_status kc_keywrap_tfm_new(kc_tfm **out, kc_alg_id alg, const char *driver, const kc_key *kek,
                             int wrap, kc_error *err)
{
    const kc_alg_info *a = wrap_alg(alg);
    *out = NULL;
    if (!a)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "algorithm %d is not a key wrap", (int)alg);
    if (!kek)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: no key", a->name);
    kc_tfm *t;
    kc_status s = kc_tfm_open(&t, kc_keywrap_tfm_alg(alg, wrap), driver, err);
    if (s != KC_OK)
        return for_wrap(err, a, s);
    if ((s = kc_tfm_setkey(t, kek, err)) != KC_OK) {
        kc_tfm_free(t);
        return for_wrap(err, a, s);
    }
    *out = t;
    return KC_OK;
}

kc_status kc_keywrap_from_tfm(kc_keywrap **out, kc_alg_id alg, kc_tfm *tfm, int wrap,
                              kc_error *err)
{
    const kc_alg_info *a = wrap_alg(alg);
    *out = NULL;
    if (!a)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "algorithm %d is not a key wrap", (int)alg);
    if (!tfm)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: no transform", a->name);
    kc_alg_id have = kc_tfm_alg(tfm), want = kc_keywrap_tfm_alg(alg, wrap);
    /* ecb(aes) runs the rounds of any direction; kw(aes) serves KW unwrap only */
    if (have != want && have != KC_AES_ECB)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "%s: %s runs on %s%s, not on %s", a->name,
                       wrap ? "wrap" : "unwrap", kc_alg(want)->kernel_name,
                       want == KC_AES_ECB ? "" : " or ecb(aes)", kc_tfm_label(tfm));
    kc_keywrap *w = calloc(1, sizeof(*w));
    if (!w)
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "%s: out of memory", a->name);
    /* the status is wanted even when the caller takes no message */
    kc_error mine;
    kc_error *e = err ? err : &mine;
    w->fd = kc_tfm_accept(tfm, e);
    if (w->fd < 0) {
        free(w);
        return for_wrap(err, a, e->status);
    }
    w->gen = kc_fork_generation();
    w->alg = a;
    w->wrap = wrap != 0;   /* check_use compares it with 1 or 0 */
    w->in_kernel_kw = have == KC_AES_KW;
    *out = w;
    return KC_OK;
}

kc_status kc_keywrap_new(kc_keywrap **out, kc_alg_id alg, const char *driver, const kc_key *kek,
                         int wrap, kc_error *err)
{
    kc_tfm *t;
    *out = NULL;
    kc_status s = kc_keywrap_tfm_new(&t, alg, driver, kek, wrap, err);
    if (s != KC_OK)
        return s;
    /* the op socket keeps the key; the transform's fd need not outlive it */
    s = kc_keywrap_from_tfm(out, alg, t, wrap, err);
    kc_tfm_free(t);
    return s;
}

int kc_keywrap_inherited(const kc_keywrap *w)
{
    return kc_forked(w->gen);
}

void kc_keywrap_free(kc_keywrap *w)
{
    if (!w)
        return;
    close(w->fd);
    free(w);
}
