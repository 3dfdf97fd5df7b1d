/* SPDX-License-Identifier: Apache-2.0 */
/* The OSSL_ALGORITHM arrays, built from common/'s algorithm table and what
 * kc_probe() found the running kernel can do.
 *
 * OpenSSL's newctx(provctx) and get_params(params) do not say which
 * algorithm they are for, so each advertised (algorithm, key size) pair
 * gets a slot: a pair of tiny trampolines that pass the slot number on.
 * The slots are filled from the table once per process; each provider
 * instance then lists the slots its config and the kernel allow. There is
 * room for every row at every key size it may have (KC_KEY_SIZES_MAX, which
 * the table check enforces), so a table that grows past the trampolines
 * fails to compile instead of losing algorithms. */
#include "prov.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSLOTS (KC_ALG_COUNT * KC_KEY_SIZES_MAX)
#define NTRAMPOLINES 128
_Static_assert(NSLOTS <= NTRAMPOLINES,
               "the algorithm table outgrew the trampolines: add T8/E8 lines below");
#define MAX_FUNCS 32

static kcp_slot slots[NTRAMPOLINES];
static int nslots;
static OSSL_DISPATCH slot_disp[NTRAMPOLINES][MAX_FUNCS];
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

const kcp_slot *kcp_slot_get(int slot)
{
    return slot >= 0 && slot < nslots ? &slots[slot] : NULL;
}

static void *slot_newctx(void *provctx, int n)
{
    switch (kc_alg(slots[n].alg)->kind) {
    case KC_KIND_HASH: return kcp_digest_newctx(provctx, n);
    case KC_KIND_SKCIPHER: return kcp_cipher_newctx(provctx, n);
    case KC_KIND_AEAD: return kcp_aead_newctx(provctx, n);
    case KC_KIND_KEYWRAP: return kcp_wrap_newctx(provctx, n);
    default: return NULL;
    }
}

static int slot_get_params(int n, OSSL_PARAM params[])
{
    switch (kc_alg(slots[n].alg)->kind) {
    case KC_KIND_HASH: return kcp_digest_get_params(n, params);
    case KC_KIND_SKCIPHER: return kcp_cipher_get_params(n, params);
    case KC_KIND_AEAD: return kcp_aead_get_params(n, params);
    case KC_KIND_KEYWRAP: return kcp_wrap_get_params(n, params);
    default: return 0;
    }
}

#define T(n)                                                                                     \
    static void *newctx_##n(void *provctx) { return slot_newctx(provctx, n); }                 \
    static int get_params_##n(OSSL_PARAM params[]) { return slot_get_params(n, params); }
#define T8(a, b, c, d, e, f, g, h) T(a) T(b) T(c) T(d) T(e) T(f) T(g) T(h)
T8(0, 1, 2, 3, 4, 5, 6, 7)
T8(8, 9, 10, 11, 12, 13, 14, 15)
T8(16, 17, 18, 19, 20, 21, 22, 23)
T8(24, 25, 26, 27, 28, 29, 30, 31)
T8(32, 33, 34, 35, 36, 37, 38, 39)
T8(40, 41, 42, 43, 44, 45, 46, 47)
T8(48, 49, 50, 51, 52, 53, 54, 55)
T8(56, 57, 58, 59, 60, 61, 62, 63)
T8(64, 65, 66, 67, 68, 69, 70, 71)
T8(72, 73, 74, 75, 76, 77, 78, 79)
T8(80, 81, 82, 83, 84, 85, 86, 87)
T8(88, 89, 90, 91, 92, 93, 94, 95)
T8(96, 97, 98, 99, 100, 101, 102, 103)
T8(104, 105, 106, 107, 108, 109, 110, 111)
T8(112, 113, 114, 115, 116, 117, 118, 119)
T8(120, 121, 122, 123, 124, 125, 126, 127)
#define E(n) { newctx_##n, get_params_##n }
#define E8(a, b, c, d, e, f, g, h) E(a), E(b), E(c), E(d), E(e), E(f), E(g), E(h)
static const struct {
    void *(*newctx)(void *);
    int (*get_params)(OSSL_PARAM[]);
} trampolines[NTRAMPOLINES] = {
    E8(0, 1, 2, 3, 4, 5, 6, 7),         E8(8, 9, 10, 11, 12, 13, 14, 15),
    E8(16, 17, 18, 19, 20, 21, 22, 23), E8(24, 25, 26, 27, 28, 29, 30, 31),
    E8(32, 33, 34, 35, 36, 37, 38, 39), E8(40, 41, 42, 43, 44, 45, 46, 47),
    E8(48, 49, 50, 51, 52, 53, 54, 55), E8(56, 57, 58, 59, 60, 61, 62, 63),
    E8(64, 65, 66, 67, 68, 69, 70, 71), E8(72, 73, 74, 75, 76, 77, 78, 79),
    E8(80, 81, 82, 83, 84, 85, 86, 87), E8(88, 89, 90, 91, 92, 93, 94, 95),
    E8(96, 97, 98, 99, 100, 101, 102, 103), E8(104, 105, 106, 107, 108, 109, 110, 111),
    E8(112, 113, 114, 115, 116, 117, 118, 119), E8(120, 121, 122, 123, 124, 125, 126, 127),
};

static char *names_for(const kc_alg_info *a, unsigned bits)
{
    char buf[256], one[64];
    const kcp_alg_names *on = kcp_names_of(a->id);
    kcp_expand_name(buf, sizeof(buf), on->name, bits);
    if (on->aliases) {
        char *copy = strdup(on->aliases), *save = NULL;
        if (!copy)
            return NULL;
        for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
            kcp_expand_name(one, sizeof(one), t, bits);
            strncat(buf, ":", sizeof(buf) - strlen(buf) - 1);
            strncat(buf, one, sizeof(buf) - strlen(buf) - 1);
        }
        free(copy);
    }
    return strdup(buf);
}

static const OSSL_DISPATCH *template_of(const kc_alg_info *a)
{
    switch (a->kind) {
    case KC_KIND_HASH: return kcp_digest_functions;
    case KC_KIND_SKCIPHER:
        return a->evp_mode == KC_EVP_CBC_CTS ? kcp_cipher_cts_functions : kcp_cipher_functions;
    case KC_KIND_AEAD: return kcp_aead_functions;
    case KC_KIND_KEYWRAP: return kcp_wrap_functions;
    default: return NULL;
    }
}

static void add_slot(kc_alg_id id, size_t keylen, unsigned bits)
{
    if (nslots == NSLOTS)
        return;   /* cannot happen: NSLOTS covers every row at KC_KEY_SIZES_MAX sizes */
    const kc_alg_info *a = kc_alg(id);
    kcp_slot *s = &slots[nslots];
    char *names = names_for(a, bits);
    if (!names)
        return;
    s->alg = id;
    s->keylen = keylen;
    s->bits = bits;
    s->names = names;
    OSSL_DISPATCH *d = slot_disp[nslots];
    const OSSL_DISPATCH *t = template_of(a);
    int i = 0;
    for (; t[i].function_id && i < MAX_FUNCS - 3; i++)
        d[i] = t[i];
    int newctx_id = a->kind == KC_KIND_HASH ? OSSL_FUNC_DIGEST_NEWCTX : OSSL_FUNC_CIPHER_NEWCTX;
    int params_id = a->kind == KC_KIND_HASH ? OSSL_FUNC_DIGEST_GET_PARAMS
                                             : OSSL_FUNC_CIPHER_GET_PARAMS;
    d[i++] = (OSSL_DISPATCH){ newctx_id, (void (*)(void))trampolines[nslots].newctx };
    d[i++] = (OSSL_DISPATCH){ params_id, (void (*)(void))trampolines[nslots].get_params };
    d[i] = (OSSL_DISPATCH){ 0, NULL };
    nslots++;
}

static void build_slots(void)
{
    for (int id = 0; id < KC_ALG_COUNT; id++) {
        const kc_alg_info *a = kc_alg((kc_alg_id)id);
        /* a row the provider names but does not offer (names.c says why) */
        if (!template_of(a) || kcp_names_of(a->id)->offered != 1)
            continue;
        if (a->kind == KC_KIND_HASH) {
            add_slot((kc_alg_id)id, 0, 0);
            continue;
        }
        /* ask the table rather than decode its bit set */
        for (size_t n = 8; n <= 64; n += 8)
            if (kc_alg_key_size_ok(a, n))
                add_slot((kc_alg_id)id, n, kc_alg_key_bits(a, n));
    }
}

static int usable(const kcp_prov *p, kc_alg_id id)
{
    if (!p->conf.enabled[id])
        return 0;
    /* a pinned driver was bound at config time; kc_available() probed the default */
    return p->conf.driver[id] ? 1 : kc_available(id);
}

static OSSL_ALGORITHM entry(const char *names, const OSSL_DISPATCH *d, const char *desc)
{
    return (OSSL_ALGORITHM){ names, KCP_PROPS, d, desc };
}

int kcp_algs_build(kcp_prov *p)
{
    pthread_once(&slots_once, build_slots);
    OSSL_ALGORITHM *dg = calloc(NSLOTS + 1, sizeof(*dg));
    OSSL_ALGORITHM *ci = calloc(NSLOTS + 1, sizeof(*ci));
    OSSL_ALGORITHM *ma = calloc(3, sizeof(*ma));
    OSSL_ALGORITHM *ra = calloc(2, sizeof(*ra));
    if (!dg || !ci || !ma || !ra) {
        free(dg), free(ci), free(ma), free(ra);
        KCP_ERR(p, KCP_R_NOMEM, "kcrypt: out of memory building the algorithm list");
        return 0;
    }
    int nd = 0, nc = 0, nm = 0, nr = 0;
    if (kc_probe()->afalg) {
        for (int i = 0; i < nslots; i++) {
            if (!usable(p, slots[i].alg))
                continue;
            const kc_alg_info *a = kc_alg(slots[i].alg);
            if (a->kind == KC_KIND_HASH)
                dg[nd++] = entry(slots[i].names, slot_disp[i], "kcrypt kernel digest");
            else
                ci[nc++] = entry(slots[i].names, slot_disp[i], "kcrypt kernel cipher");
        }
        int hmac = 0;
        for (int id = 0; id < KC_ALG_COUNT; id++)
            if (kc_alg((kc_alg_id)id)->kind == KC_KIND_MAC &&
                kc_alg((kc_alg_id)id)->digest != KC_ALG_COUNT && usable(p, (kc_alg_id)id))
                hmac = 1;
        if (hmac)
            ma[nm++] = entry(kcp_names_of(KC_HMAC_SHA256)->name, kcp_hmac_functions,
                             "kcrypt kernel HMAC");
        if (usable(p, KC_CMAC_AES))
            ma[nm++] = entry(kcp_names_of(KC_CMAC_AES)->name, kcp_cmac_functions,
                             "kcrypt kernel CMAC");
        if (usable(p, KC_DRBG))
            ra[nr++] = entry(kcp_names_of(KC_DRBG)->name, kcp_rand_functions,
                             "kcrypt kernel DRBG (stdrng)");
    }
    p->digests = dg, p->ciphers = ci, p->macs = ma, p->rands = ra;
    kcp_debug("offering %d digests, %d ciphers, %d MACs, %d RANDs", nd, nc, nm, nr);
    return 1;
}

/* The slot names live as long as the module; free them when it is unloaded
 * so leak checkers see a clean exit. */
__attribute__((destructor)) static void free_slots(void)
{
    for (int i = 0; i < nslots; i++)
        free((char *)slots[i].names);
    nslots = 0;
}

void kcp_algs_free(kcp_prov *p)
{
    free(p->digests), free(p->ciphers), free(p->macs), free(p->rands);
    p->digests = p->ciphers = p->macs = p->rands = NULL;
}
