/* SPDX-License-Identifier: Apache-2.0 */
#include "p11_ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int p11r_reference;
size_t p11r_diffs;

int p11r_env(char *dir, size_t n)
{
    if (p11t_store(dir, n))
        return -1;
    char path[256], tokens[256];
    snprintf(tokens, sizeof tokens, "%s/softhsm-tokens", dir);
    snprintf(path, sizeof path, "%s/softhsm2.conf", dir);
    if (mkdir(tokens, 0700))
        return -1;
    FILE *c = fopen(path, "w");
    if (!c)
        return -1;
    fprintf(c, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens);
    fclose(c);
    setenv("SOFTHSM2_CONF", path, 1);
    return 0;
}

static CK_SLOT_ID find_slot(int initialized)
{
    CK_SLOT_ID slots[16];
    CK_ULONG n = 16;
    if (f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
        return (CK_SLOT_ID)-1;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO ti;
        if (f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
            continue;
        if (!!(ti.flags & CKF_TOKEN_INITIALIZED) == initialized)
            return slots[i];
    }
    return (CK_SLOT_ID)-1;
}

int p11r_token(CK_SLOT_ID *slot, CK_SESSION_HANDLE *s)
{
    CK_UTF8CHAR label[32];
    memset(label, ' ', sizeof label);
    memcpy(label, "p11seq", 6);
    /* the fuzzer calls from several threads: say so (NULL args would
     * promise one thread, and SoftHSM then takes no locks) */
    CK_C_INITIALIZE_ARGS args = { 0 };
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = f->C_Initialize(&args);
    if (rv != CKR_OK)
        return printf("C_Initialize 0x%lx\n", rv), -1;
    CK_SLOT_ID sl = find_slot(0);
    /* SoftHSM renumbers its slots once a token is initialized */
    if ((rv = f->C_InitToken(sl, (CK_UTF8CHAR *)P11R_SO_PIN, 8, label)) != CKR_OK ||
        (sl = find_slot(1)) == (CK_SLOT_ID)-1)
        return printf("C_InitToken 0x%lx\n", rv), -1;
    CK_SESSION_HANDLE h;
    if ((rv = f->C_OpenSession(sl, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &h)) ||
        (rv = f->C_Login(h, CKU_SO, (CK_UTF8CHAR *)P11R_SO_PIN, 8)) ||
        (rv = f->C_InitPIN(h, (CK_UTF8CHAR *)P11R_USER_PIN, 8)) || (rv = f->C_Logout(h)) ||
        (rv = f->C_Login(h, CKU_USER, (CK_UTF8CHAR *)P11R_USER_PIN, 8)))
        return printf("token setup 0x%lx\n", rv), -1;
    *slot = sl;
    *s = h;
    return 0;
}

CK_OBJECT_HANDLE p11r_key(CK_SESSION_HANDLE s, CK_KEY_TYPE kt, const unsigned char *v,
                          size_t n, CK_ATTRIBUTE_TYPE use1, CK_ATTRIBUTE_TYPE use2)
{
    static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    static CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    /* every usage said, so a module's defaults do not add any */
    static const CK_ATTRIBUTE_TYPE uses[] = { CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN,
                                              CKA_VERIFY, CKA_WRAP, CKA_UNWRAP };
    CK_ATTRIBUTE t[12] = {
        { CKA_CLASS, &cls, sizeof cls }, { CKA_KEY_TYPE, &kt, sizeof kt },
        { CKA_VALUE, (void *)v, n },     { CKA_TOKEN, &no, 1 },
        { CKA_SENSITIVE, &no, 1 },       { CKA_EXTRACTABLE, &yes, 1 },
    };
    for (int i = 0; i < 6; i++)
        t[6 + i] = (CK_ATTRIBUTE){ uses[i], uses[i] == use1 || uses[i] == use2 ? &yes : &no, 1 };
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    CK_RV rv = f->C_CreateObject(s, t, 12, &h);
    if (rv != CKR_OK)
        printf("C_CreateObject 0x%lx\n", rv);
    return h;
}
