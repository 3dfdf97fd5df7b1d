/* SPDX-License-Identifier: Apache-2.0 */
/* The provider's life in a vector program: kcrypt.so alone in a library
 * context of its own, which algorithms it serves there, and its counters
 * at the end. */
#include "vec_evp.h"

#include <inttypes.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void close_provider(vec_ctx *v)
{
    vec_evp *e = v->be_state;
    if (!e)
        return;
    if (e->prov)
        OSSL_PROVIDER_unload(e->prov);
    OSSL_LIB_CTX_free(e->libctx);
    free(e);
    v->be_state = NULL;
}

/* KCRYPT_TEST_SETTINGS="key=value ...": kcrypt's config keys (min-size,
 * software-fallback), through a config file made for this run that
 * activates kcrypt in the library context. */
static int load_settings(vec_evp *e, const char *module_dir, const char *settings)
{
    char path[] = "/tmp/kcrypt-vec-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f)
        return 0;
    char *abs = realpath(module_dir, NULL);   /* a relative module is looked up elsewhere */
    fprintf(f, "openssl_conf = init\n[init]\nproviders = provs\n[provs]\nkcrypt = kc\n"
               "[kc]\nmodule = %s/kcrypt.so\nactivate = 1\n", abs ? abs : module_dir);
    free(abs);
    for (const char *s = settings; *s;) {
        size_t n = strcspn(s, " ");
        const char *eq = memchr(s, '=', n);
        if (eq)
            fprintf(f, "%.*s = %.*s\n", (int)(eq - s), s, (int)(n - (size_t)(eq - s) - 1), eq + 1);
        s += n;
        s += strspn(s, " ");
    }
    fclose(f);
    /* the "providers" config module must be known to this process */
    OPENSSL_load_builtin_modules();
    int ok = OSSL_LIB_CTX_load_config(e->libctx, path) &&
             OSSL_PROVIDER_available(e->libctx, "kcrypt");
    unlink(path);
    return ok;
}

static int failed(vec_run *r, const char *what)
{
    kc_error err = { 0 };
    vec_evp_fail(&err, what);
    kct_fail(r->tally, "provider", "%s", err.msg);
    return -1;
}

/* The algorithms the vector files have a row for (they have no CTS). */
static int has_vectors(kc_alg_id alg)
{
    return kc_alg(alg)->kind != KC_KIND_RNG && alg != KC_AES_CTS;
}

/* Whether kcrypt serves alg here, asked with its first key size; why not
 * in e->why. */
static void probe(vec_evp *e, kc_alg_id alg)
{
    const kc_alg_info *a = kc_alg(alg);
    kc_error err = { 0 };
    char name[64];
    size_t key = 0;
    int ok = 0;
    while (a->key_sizes && key <= 64 && !kc_alg_key_size_ok(a, key))
        key += 8;
    if (a->kind == KC_KIND_MAC) {
        EVP_MAC *m = vec_evp_mac_fetch(e, kcp_names_of(a->id)->name, &err);
        ok = m != NULL;
        EVP_MAC_free(m);
    } else if (vec_evp_name(alg, key, name, sizeof(name), &err) == 0 &&
               a->kind == KC_KIND_HASH) {
        EVP_MD *md = vec_evp_md_fetch(e, name, &err);
        ok = md != NULL;
        EVP_MD_free(md);
    } else if (err.status == KC_OK) {
        EVP_CIPHER *c = vec_evp_cipher_fetch(e, name, &err);
        ok = c != NULL;
        EVP_CIPHER_free(c);
    }
    e->served[alg] = ok ? 1 : -1;
    /* the fetch's error text is long and the same for every case: the
     * tally gets the name, a wrong provider gets its message */
    if (!ok && err.status == KC_ERR_NO_ALG)
        snprintf(e->why[alg], sizeof(e->why[alg]), "kcrypt serves no %s here",
                 a->kind == KC_KIND_MAC ? kcp_names_of(a->id)->name : name);
    else if (!ok)
        snprintf(e->why[alg], sizeof(e->why[alg]), "%.90s", err.msg);
}

static const char *missing(vec_ctx *v, kc_alg_id alg, char *buf, size_t n)
{
    vec_evp *e = vec_evp_of(v);
    if (!e || !e->prov) {
        snprintf(buf, n, "kcrypt is not loaded");
        return buf;
    }
    if (!e->served[alg])
        probe(e, alg);
    if (e->served[alg] > 0)
        return NULL;
    snprintf(buf, n, "%s", e->why[alg]);
    return buf;
}

/* kcrypt's "kcrypt-status" (why it offers less than it could), and what it
 * serves: an algorithm the kernel has must be offered (provider/README.md),
 * so one missing is a failure, not only its cases not run. */
static void describe(vec_run *r, vec_evp *e, const char *module_dir)
{
    const char *status = NULL, *kernel = NULL;
    OSSL_PARAM p[3] = { OSSL_PARAM_construct_utf8_ptr("kcrypt-status", (char **)&status, 0),
                        OSSL_PARAM_construct_utf8_ptr("kcrypt-kernel", (char **)&kernel, 0),
                        OSSL_PARAM_construct_end() };
    if (!OSSL_PROVIDER_get_params(e->prov, p))
        ERR_clear_error();
    printf("provider kcrypt from %s, alone in its library context; kernel %s; status: %s\n",
           module_dir, kernel ? kernel : "?", status && *status ? status : "-");
    char soft[512] = "";
    for (int id = 0; id < KC_ALG_COUNT; id++) {
        kc_alg_id alg = (kc_alg_id)id;
        if (!has_vectors(alg))
            continue;
        probe(e, alg);
        if (e->served[alg] < 0 && kc_available(alg))
            kct_fail(r->tally, vec_name(alg), "the kernel has %s, but %s",
                     kc_alg(alg)->kernel_name, e->why[alg]);
        if (e->served[alg] > 0 && !kc_available(alg) && strlen(soft) + 40 < sizeof(soft))
            snprintf(soft + strlen(soft), sizeof(soft) - strlen(soft), " %s", vec_name(alg));
    }
    if (soft[0])
        printf("served by kcrypt's software fallback (the kernel lacks them):%s\n", soft);
    fflush(stdout);
}

int vec_evp_begin(vec_run *r, const char *module_dir)
{
    vec_evp *e = calloc(1, sizeof(*e));
    if (!e) {
        kct_fail(r->tally, "provider", "out of memory");
        return -1;
    }
    r->v.be_state = e;   /* closed by vec_release, also after a failure here */
    /* no "default" here: a fetch kcrypt does not serve must fail */
    if (!(e->libctx = OSSL_LIB_CTX_new()))
        return failed(r, "OSSL_LIB_CTX_new");
    const char *settings = getenv("KCRYPT_TEST_SETTINGS");
    if (settings && *settings) {
        if (!load_settings(e, module_dir, settings))
            return failed(r, "loading the provider with KCRYPT_TEST_SETTINGS");
        printf("kcrypt settings: %s\n", settings);
        e->software_first = strstr(settings, "min-size") != NULL;
        vec_evp_kernel_only = strstr(settings, "software-fallback=no") != NULL;
    }
    if (!OSSL_PROVIDER_set_default_search_path(e->libctx, module_dir))
        return failed(r, "OSSL_PROVIDER_set_default_search_path");
    if (!(e->prov = OSSL_PROVIDER_load(e->libctx, "kcrypt")))
        return failed(r, "OSSL_PROVIDER_load(\"kcrypt\")");
    describe(r, e, module_dir);
    return 0;
}

void vec_evp_end(vec_run *r)
{
    vec_evp *e = r->v.be_state;
    static const char *const names[] = {
        "kcrypt-kernel-requests", "kcrypt-kernel-contexts", "kcrypt-digest-ops",
        "kcrypt-cipher-ops",      "kcrypt-aead-records",    "kcrypt-aead-requests",
        "kcrypt-aead-auth-failures", "kcrypt-mac-ops",      "kcrypt-wrap-ops",
        "kcrypt-software-ops",    "kcrypt-errors",
    };
    enum { N = sizeof(names) / sizeof(names[0]) };
    uint64_t val[N] = { 0 };
    OSSL_PARAM p[N + 1];
    if (!e || !e->prov)
        return;
    for (size_t i = 0; i < N; i++)
        p[i] = OSSL_PARAM_construct_uint64(names[i], &val[i]);
    p[N] = OSSL_PARAM_construct_end();
    if (!OSSL_PROVIDER_get_params(e->prov, p)) {
        failed(r, "OSSL_PROVIDER_get_params (counters)");
        return;
    }
    printf("kcrypt counters:");
    for (size_t i = 0; i < N; i++)
        printf(" %s=%" PRIu64, names[i] + strlen("kcrypt-"), OSSL_PARAM_modified(&p[i]) ? val[i] : 0);
    printf("\n");
    /* the point of the run: the kernel did the work, not only the fallback */
    if (!e->software_first && (!OSSL_PARAM_modified(&p[0]) || val[0] == 0))
        kct_fail(r->tally, "provider", "kcrypt-kernel-requests is 0: the kernel served nothing");
}

const vec_backend vec_evp_backend = {
    .missing = missing,
    .cipher = vec_evp_cipher,
    .aead_limit = vec_evp_aead_limit,
    .aead_open = vec_evp_aead_open,
    .aead_encrypt = vec_evp_aead_encrypt,
    .aead_decrypt = vec_evp_aead_decrypt,
    .mac_open = vec_evp_mac_open,
    .mac_size = vec_evp_mac_size,
    .mac = vec_evp_mac,
    .wrap = vec_evp_wrap,
    .close = close_provider,
};
