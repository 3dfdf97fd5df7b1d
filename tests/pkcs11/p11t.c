/* SPDX-License-Identifier: Apache-2.0 */
#include "p11t.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

CK_SESSION_HANDLE p11t_open_rw(void)
{
    CK_SESSION_HANDLE s = 0;
    if (f->C_OpenSession(1, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s) != CKR_OK)
        printf("C_OpenSession failed\n");
    return s;
}

CK_RV p11t_login_user(CK_SESSION_HANDLE s)
{
    return f->C_Login(s, CKU_USER, (CK_UTF8CHAR *)P11T_USER_PIN, strlen(P11T_USER_PIN));
}

CK_SESSION_HANDLE p11t_init_token(const char *area, const char *label)
{
    CK_UTF8CHAR l[32];
    memset(l, ' ', sizeof l);
    memcpy(l, label, strlen(label) < sizeof l ? strlen(label) : sizeof l);
    RV(area, f->C_Initialize(NULL), CKR_OK);
    RV(area, f->C_InitToken(1, (CK_UTF8CHAR *)P11T_SO_PIN, strlen(P11T_SO_PIN), l), CKR_OK);
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(area, f->C_Login(s, CKU_SO, (CK_UTF8CHAR *)P11T_SO_PIN, strlen(P11T_SO_PIN)), CKR_OK);
    RV(area, f->C_InitPIN(s, (CK_UTF8CHAR *)P11T_USER_PIN, strlen(P11T_USER_PIN)), CKR_OK);
    RV(area, f->C_Logout(s), CKR_OK);
    return s;
}
