#include "p11t.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

void *p11t_load(const char *path)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return NULL;
    }
    CK_C_GetFunctionList gfl = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    if (!gfl || gfl(&f) != CKR_OK) {
        fprintf(stderr, "%s: no usable C_GetFunctionList\n", path);
        dlclose(lib);
        return NULL;
    }
    return lib;
}

int p11t_store(char *dir, size_t n)
{
    if (snprintf(dir, n, "/tmp/kcp11-XXXXXX") >= (int)n || !mkdtemp(dir))
        return -1;
    /* each PBKDF2 iteration is a kernel round trip: keep tests quick */
    setenv("KCRYPT_P11_STORE", dir, 1);
    setenv("KCRYPT_P11_PBKDF2_ITERATIONS", "1000", 1);
    return 0;
}

kct_bytes p11t_hex(const char *hex)
{
    kct_bytes b;
    if (kct_hex_decode(hex, &b)) {
        fprintf(stderr, "bad hex in a test: %s\n", hex);
        exit(2);
    }
    return b;
}
