/* SPDX-License-Identifier: Apache-2.0 */
/* Wycheproof JSON files: each file's tests become vec cases (vec.h). */
#ifndef WP_H
#define WP_H

#include "kct_json.h"
#include "vec.h"

typedef struct wp_file wp_file;

/* One test object of a group; where names it ("aes_gcm_test.json tcId 7"). */
typedef void (*wp_test_fn)(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
                           const char *where, vec_expect expect);

struct wp_file {
    const char *name;        /* file in the Wycheproof directory */
    const char *algorithm;   /* its "algorithm" field, checked so a wrong file is caught */
    kc_alg_id alg;
    wp_test_fn run;
};

/* Decode the n named hex fields of test into out[]; on a missing or bad
 * one, count a failure for alg and return -1 with nothing left allocated. */
int wp_fields(vec_ctx *v, kc_alg_id alg, const char *where, json_object *test,
              const char *const names[], kct_bytes out[], size_t n);
void wp_fields_free(kct_bytes out[], size_t n);

void wp_aead(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
             const char *where, vec_expect expect);
void wp_cbc_pkcs5(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
                  const char *where, vec_expect expect);
void wp_xts(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
            const char *where, vec_expect expect);
void wp_keywrap(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
                const char *where, vec_expect expect);
void wp_mac(vec_ctx *v, const wp_file *f, json_object *group, json_object *test,
            const char *where, vec_expect expect);

/* The FILE arguments (args[0..n)): 0 if each names a known file or "all";
 * else prints usage, 2. */
int wp_args_check(const char *usage, int n, char **args);
/* Runs the files args name, or every file if n is 0. */
void wp_run(vec_ctx *v, int n, char **args);

#endif
