/* SPDX-License-Identifier: Apache-2.0 */
/* The Wycheproof files the vector programs know, and how each is read:
 * every test of every group becomes a case for its driver (wp_*.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_paths.h"
#include "wp.h"

static const wp_file files[] = {
    { "aes_gcm_test.json", "AES-GCM", KC_AES_GCM, wp_aead },
    { "aes_ccm_test.json", "AES-CCM", KC_AES_CCM, wp_aead },
    { "chacha20_poly1305_test.json", "CHACHA20-POLY1305", KC_CHACHA20_POLY1305, wp_aead },
    { "aes_cbc_pkcs5_test.json", "AES-CBC-PKCS5", KC_AES_CBC, wp_cbc_pkcs5 },
    { "aes_xts_test.json", "AES-XTS", KC_AES_XTS, wp_xts },
    { "aes_wrap_test.json", "AES-WRAP", KC_AES_KW, wp_keywrap },
    { "aes_kwp_test.json", "AES-KWP", KC_AES_KWP, wp_keywrap },
    { "aes_cmac_test.json", "AES-CMAC", KC_CMAC_AES, wp_mac },
    { "hmac_sha1_test.json", "HMACSHA1", KC_HMAC_SHA1, wp_mac },
    { "hmac_sha224_test.json", "HMACSHA224", KC_HMAC_SHA224, wp_mac },
    { "hmac_sha256_test.json", "HMACSHA256", KC_HMAC_SHA256, wp_mac },
    { "hmac_sha384_test.json", "HMACSHA384", KC_HMAC_SHA384, wp_mac },
    { "hmac_sha512_test.json", "HMACSHA512", KC_HMAC_SHA512, wp_mac },
    { "hmac_sha3_224_test.json", "HMACSHA3-224", KC_HMAC_SHA3_224, wp_mac },
    { "hmac_sha3_256_test.json", "HMACSHA3-256", KC_HMAC_SHA3_256, wp_mac },
    { "hmac_sha3_384_test.json", "HMACSHA3-384", KC_HMAC_SHA3_384, wp_mac },
    { "hmac_sha3_512_test.json", "HMACSHA3-512", KC_HMAC_SHA3_512, wp_mac },
};
enum { N_FILES = sizeof(files) / sizeof(files[0]) };

static int expectation(const char *result, vec_expect *out)
{
    if (!result)
        return -1;
    if (strcmp(result, "valid") == 0)
        *out = VEC_VALID;
    else if (strcmp(result, "invalid") == 0)
        *out = VEC_INVALID;
    else if (strcmp(result, "acceptable") == 0)
        *out = VEC_ACCEPTABLE;
    else
        return -1;
    return 0;
}

/* Runs every test of every group; returns how many there were. */
static size_t run_groups(vec_ctx *v, const wp_file *f, json_object *groups)
{
    size_t count = 0;
    for (size_t g = 0; g < json_object_array_length(groups); g++) {
        json_object *group = json_object_array_get_idx(groups, g);
        json_object *tests = kct_json_array(group, "tests");
        for (size_t t = 0; tests && t < json_object_array_length(tests); t++) {
            json_object *test = json_object_array_get_idx(tests, t);
            long id = -1;
            vec_expect expect;
            char where[96];
            kct_json_int(test, "tcId", &id);
            snprintf(where, sizeof(where), "%s tcId %ld", f->name, id);
            count++;
            if (expectation(kct_json_str(test, "result"), &expect))
                kct_fail(v->tally, vec_name(f->alg), "%s: no valid/invalid/acceptable result",
                         where);
            else
                f->run(v, f, group, test, where, expect);
        }
    }
    return count;
}

static void run_file(vec_ctx *v, const wp_file *f)
{
    const char *row = vec_name(f->alg);
    char *path = kct_vector_file(KCT_WYCHEPROOF, f->name);
    json_object *root = path ? kct_json_load(path) : NULL;
    if (!root) {
        kct_fail(v->tally, row, "%s: %s", f->name, path ? "unreadable" : "missing");
        free(path);
        return;
    }
    const char *alg = kct_json_str(root, "algorithm");
    json_object *groups = kct_json_array(root, "testGroups");
    long declared = -1;
    kct_json_int(root, "numberOfTests", &declared);
    if (!alg || strcmp(alg, f->algorithm) != 0 || !groups) {
        kct_fail(v->tally, row, "%s: not a Wycheproof %s file", path, f->algorithm);
    } else {
        size_t ran = run_groups(v, f, groups);
        /* a truncated or reshaped file must not pass on what is left of it */
        if (ran == 0 || (declared >= 0 && (size_t)declared != ran))
            kct_fail(v->tally, row, "%s: %zu tests found, numberOfTests says %ld", path, ran,
                     declared);
    }
    json_object_put(root);
    free(path);
}

static int matches(const wp_file *f, const char *arg)
{
    size_t n = strlen(arg);
    return strcmp(arg, "all") == 0 || strcmp(arg, f->name) == 0 ||
           (strncmp(arg, f->name, n) == 0 && strcmp(f->name + n, "_test.json") == 0);
}

static int selected(const wp_file *f, int n, char **args)
{
    for (int i = 0; i < n; i++)
        if (matches(f, args[i]))
            return 1;
    return n == 0;
}

int wp_args_check(const char *usage, int n, char **args)
{
    for (int i = 0; i < n; i++) {
        int known = 0;
        for (size_t f = 0; f < N_FILES; f++)
            known |= matches(&files[f], args[i]);
        if (!known) {
            fprintf(stderr, "usage: %s; no vector file %s\n", usage, args[i]);
            return 2;
        }
    }
    return 0;
}

void wp_run(vec_ctx *v, int n, char **args)
{
    for (size_t f = 0; f < N_FILES; f++)
        if (selected(&files[f], n, args))
            run_file(v, &files[f]);
}

