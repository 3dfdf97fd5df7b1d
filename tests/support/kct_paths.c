/* SPDX-License-Identifier: Apache-2.0 */
#include "kct_paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(KCT_WYCHEPROOF_DEFAULT) || !defined(KCT_CAVP_DEFAULT)
#error "the build defines the default vector directories (tests/support/CMakeLists.txt)"
#endif

typedef struct {
    const char *env;
    const char *fallback;
    const char *hint;
} set_info;

static const set_info sets[] = {
    [KCT_WYCHEPROOF] = { "KCRYPT_WYCHEPROOF_DIR", KCT_WYCHEPROOF_DEFAULT,
                         "point KCRYPT_WYCHEPROOF_DIR at Wycheproof's testvectors directory" },
    [KCT_CAVP] = { "KCRYPT_CAVP_DIR", KCT_CAVP_DEFAULT,
                   "install python3-cryptography-vectors or set KCRYPT_CAVP_DIR" },
};

const char *kct_vector_dir(kct_vector_set s)
{
    const char *d = getenv(sets[s].env);
    return d && *d ? d : sets[s].fallback;
}

/* Say where the directory came from: a wrong variable and a wrong default
 * are fixed in different places. */
static const char *origin(kct_vector_set s)
{
    const char *d = getenv(sets[s].env);
    return d && *d ? sets[s].env : "the build's default";
}

int kct_vector_dir_check(kct_vector_set s)
{
    struct stat st;
    const char *dir = kct_vector_dir(s);
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    printf("missing vector directory %s (from %s): %s\n", dir, origin(s), sets[s].hint);
    fflush(stdout);
    return -1;
}

char *kct_vector_file(kct_vector_set s, const char *rel)
{
    const char *dir = kct_vector_dir(s);
    char *path;
    if (asprintf(&path, "%s/%s", dir, rel) < 0)
        return NULL;
    if (access(path, R_OK) == 0)
        return path;
    printf("missing vector file %s (directory from %s): %s\n", path, origin(s), sets[s].hint);
    fflush(stdout);
    free(path);
    return NULL;
}
