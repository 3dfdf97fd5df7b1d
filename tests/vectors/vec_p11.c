/* SPDX-License-Identifier: Apache-2.0 */
/* The token's life in a vector program: a fresh store, C_InitToken,
 * C_InitPIN, a user login in one R/W session, and everything removed at
 * the end; and which algorithms it can run. */
#include "vec_p11.h"

#include <dlfcn.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fixed seed makes a failing split reproducible; KCRYPT_VEC_SEED varies it. */
#define DEFAULT_SEED 0x6b63727970743131ULL

static CK_UTF8CHAR so_pin[] = "87654321", user_pin[] = "1234";

static int step(vec_run *r, CK_RV rv, const char *call)
{
    if (rv == CKR_OK)
        return 0;
    kct_fail(r->tally, "PKCS#11", "%s: %s (0x%lx)", call, vec_p11_rv_name(rv),
             (unsigned long)rv);
    return -1;
}

static int token_init(vec_run *r, vec_p11 *t)
{
    CK_FUNCTION_LIST *f = t->f;
    CK_UTF8CHAR label[32];
    CK_ULONG n = 1;
    memset(label, ' ', sizeof(label));
    memcpy(label, "kcrypt vectors", 14);
    if (step(r, f->C_GetSlotList(CK_TRUE, &t->slot, &n), "C_GetSlotList"))
        return -1;
    if (n != 1)
        return step(r, CKR_GENERAL_ERROR, "C_GetSlotList (not one slot)");
    if (step(r, f->C_InitToken(t->slot, so_pin, 8, label), "C_InitToken") ||
        step(r, f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &t->s),
             "C_OpenSession") ||
        step(r, f->C_Login(t->s, CKU_SO, so_pin, 8), "C_Login (SO)") ||
        step(r, f->C_InitPIN(t->s, user_pin, 4), "C_InitPIN") ||
        step(r, f->C_Logout(t->s), "C_Logout") ||
        step(r, f->C_Login(t->s, CKU_USER, user_pin, 4), "C_Login (user)") ||
        step(r, f->C_GetMechanismList(t->slot, NULL, &t->n_mechs), "C_GetMechanismList"))
        return -1;
    t->mechs = calloc(t->n_mechs + 1, sizeof(*t->mechs));
    if (!t->mechs)
        return step(r, CKR_HOST_MEMORY, "calloc");
    return step(r, f->C_GetMechanismList(t->slot, t->mechs, &t->n_mechs), "C_GetMechanismList");
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void close_token(vec_ctx *v)
{
    vec_p11 *t = v->be_state;
    if (!t)
        return;
    if (t->f) {
        t->f->C_CloseAllSessions(t->slot);
        t->f->C_Finalize(NULL);
    }
    /* no dlclose: the module's fork handlers (pthread_atfork) stay registered */
    if (t->store[0])
        nftw(t->store, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(t->mechs);
    free(t);
    v->be_state = NULL;
}

int vec_p11_begin(vec_run *r, const char *module, unsigned long every)
{
    vec_p11 *t = calloc(1, sizeof(*t));
    if (!t)
        return step(r, CKR_HOST_MEMORY, "calloc");
    const char *tmp = getenv("TMPDIR"), *seed = getenv("KCRYPT_VEC_SEED");
    t->every = every;
    t->rng = seed && *seed ? strtoull(seed, NULL, 0) : DEFAULT_SEED;
    if (!t->rng)
        t->rng = DEFAULT_SEED;   /* xorshift stays at 0 */
    unsigned long long seed_used = t->rng;
    r->v.be_state = t;   /* closed by vec_release, also after a failure here */
    snprintf(t->store, sizeof(t->store), "%s/kcvec-p11-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->store)) {
        t->store[0] = '\0';
        return step(r, CKR_GENERAL_ERROR, "mkdtemp for the token store");
    }
    setenv("KCRYPT_P11_STORE", t->store, 1);
    /* each PBKDF2 iteration is two syscalls, ~60 us in user-mode-linux */
    setenv("KCRYPT_P11_PBKDF2_ITERATIONS", "1000", 1);
    void *lib = dlopen(module, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        kct_fail(r->tally, "PKCS#11", "dlopen %s: %s", module, dlerror());
        return -1;
    }
    CK_C_GetFunctionList gfl = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    CK_FUNCTION_LIST *f = NULL;
    if (!gfl || gfl(&f) != CKR_OK || !f)
        return step(r, CKR_GENERAL_ERROR, "C_GetFunctionList");
    if (step(r, f->C_Initialize(NULL), "C_Initialize"))
        return -1;
    t->f = f;
    if (token_init(r, t))
        return -1;
    printf("token %s: %lu mechanisms; multi-part for 1 in %lu operations, split seed 0x%llx\n",
           module, (unsigned long)t->n_mechs, every, seed_used);
    fflush(stdout);
    return 0;
}

static const char *missing(vec_ctx *v, kc_alg_id alg, char *buf, size_t n)
{
    vec_p11 *t = vec_p11_of(v);
    const p11_alg_map *pm = p11_alg_map_of(alg);
    CK_MECHANISM_TYPE m = pm ? pm->mech : 0;
    if (!kc_probe()->afalg) {
        snprintf(buf, n, "no AF_ALG in this kernel");
        return buf;
    }
    for (CK_ULONG i = 0; m && i < t->n_mechs; i++)
        if (t->mechs[i] == m)
            return NULL;
    snprintf(buf, n, "token offers no %s (0x%lx)", vec_p11_mech_name(m), (unsigned long)m);
    return buf;
}

/* HMAC keys are CKK_GENERIC_SECRET, which the token takes at 1..512 bytes
 * (pkcs11/README.md, mech.c): RFC 2104 allows any length. */
static const char *key_limit(kc_alg_id alg, size_t key_len, char *buf, size_t n)
{
    const kc_alg_info *a = kc_alg(alg);
    if (a->kind != KC_KIND_MAC || a->key_sizes || (key_len >= 1 && key_len <= 512))
        return NULL;
    snprintf(buf, n, "token takes 1..512-byte CKK_GENERIC_SECRET keys, not %zu", key_len);
    return buf;
}

const vec_backend vec_p11_backend = {
    .missing = missing,
    .key_limit = key_limit,
    .cipher = vec_p11_cipher,
    .aead_open = vec_p11_aead_open,
    .aead_encrypt = vec_p11_aead_encrypt,
    .aead_decrypt = vec_p11_aead_decrypt,
    .mac_open = vec_p11_mac_open,
    .mac_size = vec_p11_mac_size,
    .mac = vec_p11_mac,
    .mac_verify = vec_p11_mac_verify,
    .wrap = vec_p11_wrap,
    .close = close_token,
};
