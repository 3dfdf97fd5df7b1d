/* SPDX-License-Identifier: Apache-2.0 */
/* The token says what went wrong (issue 12, item 4):
 * - with KCRYPT_DEBUG=<file>, a refused operation (a forged GCM tag, a
 *   tampered RFC 3394 blob) writes a line naming the algorithm and the
 *   kernel errno, and the key's bytes appear nowhere in the file;
 * - a failed allocation anywhere under C_EncryptInit/C_Encrypt/C_Decrypt,
 *   C_DigestInit/C_Digest and C_SignInit/C_Sign (CMAC) is CKR_HOST_MEMORY, never
 *   CKR_DEVICE_ERROR: malloc/calloc/realloc below are this program's, so
 *   the module's (and common/'s) allocations go through them, and the Nth
 *   one from arming fails. Not built with the sanitizers (they own malloc);
 *   the test runs in the kernel runner, never under ASan. */
#include "p11t.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CK_FUNCTION_LIST *f;
kct_tally *T;

static const char *KEY_HEX = "5a17c0de0badf00d5a17c0de0badf00d";

/* ---- the allocation hook: 0 = off, else the Nth allocation from now fails ---- */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
static long fail_in;
static long failed;

static int fail_now(void)
{
    if (fail_in > 0 && --fail_in == 0) {
        failed++;
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    return fail_now() ? NULL : __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __libc_realloc(p, n);
}

static CK_OBJECT_HANDLE mk_key(CK_SESSION_HANDLE s, CK_BBOOL wrap)
{
    static CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
    static CK_KEY_TYPE aes = CKK_AES;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    kct_bytes k = p11t_hex(KEY_HEX);
    CK_ATTRIBUTE t[] = {
        { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
        { CKA_VALUE, k.p, k.n }, { CKA_WRAP, wrap ? &yes : &no, 1 },
        { CKA_UNWRAP, wrap ? &yes : &no, 1 }, { CKA_ENCRYPT, wrap ? &no : &yes, 1 },
        { CKA_DECRYPT, wrap ? &no : &yes, 1 }, { CKA_SIGN, &yes, 1 },
    };
    CK_OBJECT_HANDLE h = 0;
    RV("setup", f->C_CreateObject(s, t, 8, &h), CKR_OK);
    kct_bytes_free(&k);
    return h;
}

static int file_has(const char *path, const char *a, const char *b, const char *c)
{
    FILE *fp = fopen(path, "r");
    char line[2048];
    int found = 0;
    while (fp && !found && fgets(line, sizeof line, fp))
        found = strstr(line, a) && strstr(line, b) && (!c || strstr(line, c));
    if (fp)
        fclose(fp);
    return found;
}

static int file_contains(const char *path, const char *s)
{
    return file_has(path, s, s, NULL);
}

static void debug_area(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, CK_OBJECT_HANDLE kek,
                       const char *log)
{
    const char *A = "debug";
    unsigned char iv[12] = { 1 }, msg[32] = { 2 }, ct[64], back[64];
    CK_GCM_PARAMS gp = { iv, 12, 96, NULL, 0, 128 };
    CK_MECHANISM gcm = { CKM_AES_GCM, &gp, sizeof gp };
    CK_ULONG n = sizeof ct, m = sizeof back;
    RV(A, f->C_EncryptInit(s, &gcm, k), CKR_OK);
    RV(A, f->C_Encrypt(s, msg, sizeof msg, ct, &n), CKR_OK);
    ct[n - 1] ^= 1;   /* forge the tag */
    RV(A, f->C_DecryptInit(s, &gcm, k), CKR_OK);
    RV(A, f->C_Decrypt(s, ct, n, back, &m), CKR_ENCRYPTED_DATA_INVALID);
    CHECK(A, file_has(log, "gcm(aes)", "EBADMSG", "errno 74") ||
                 file_has(log, "AES-GCM", "EBADMSG", "errno 74"),
          "no KCRYPT_DEBUG line naming AES-GCM and EBADMSG (errno 74) in %s", log);
    CHECK(A, file_contains(log, "CKR 0x40"), "the line does not give the CKR code (0x40)");

    /* RFC 3394 unwrap of a tampered blob: the integrity check's failure */
    CK_MECHANISM kw = { CKM_AES_KEY_WRAP, NULL, 0 };
    static CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
    static CK_KEY_TYPE aes = CKK_AES;
    CK_ATTRIBUTE t[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes } };
    unsigned char blob[24];
    memset(blob, 0xa5, sizeof blob);
    CK_OBJECT_HANDLE out = 0;
    RV(A, f->C_UnwrapKey(s, &kw, kek, blob, sizeof blob, t, 2, &out), CKR_WRAPPED_KEY_INVALID);
    CHECK(A, file_contains(log, "KW") || file_contains(log, "kw(aes)"),
          "no KCRYPT_DEBUG line naming the key wrap");

    /* never key material: neither the key in hex nor in raw bytes */
    CHECK(A, !file_contains(log, KEY_HEX), "the key's hex is in the debug file");
    kct_bytes kb = p11t_hex(KEY_HEX);
    char raw[17];
    memcpy(raw, kb.p, 16);
    raw[16] = 0;
    CHECK(A, !file_contains(log, raw), "the key's bytes are in the debug file");
    kct_bytes_free(&kb);
}

/* One full operation of each kind; every step's result not CKR_OK is kept. */
static CK_RV sweep_once(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
    unsigned char iv[16] = { 3 }, msg[48] = { 4 }, out[128], back[128];
    CK_GCM_PARAMS gp = { iv, 12, 96, NULL, 0, 128 };
    CK_MECHANISM mechs[] = {
        { CKM_AES_GCM, &gp, sizeof gp },
        { CKM_AES_CBC_PAD, iv, 16 },
        { CKM_AES_CTR, NULL, 0 },
    };
    CK_AES_CTR_PARAMS cp = { 128, { 0 } };
    mechs[2].pParameter = &cp;
    mechs[2].ulParameterLen = sizeof cp;
    CK_RV rv;
    for (size_t i = 0; i < sizeof mechs / sizeof mechs[0]; i++) {
        CK_ULONG n = sizeof out, m = sizeof back, part = sizeof out;
        if ((rv = f->C_EncryptInit(s, &mechs[i], k)) != CKR_OK ||
            (rv = f->C_Encrypt(s, msg, sizeof msg, out, &n)) != CKR_OK ||
            (rv = f->C_DecryptInit(s, &mechs[i], k)) != CKR_OK ||
            (rv = f->C_DecryptUpdate(s, out, n, back, &part)) != CKR_OK ||
            (m = sizeof back - part, rv = f->C_DecryptFinal(s, back + part, &m)) != CKR_OK)
            return rv;
    }
    CK_MECHANISM sha = { CKM_SHA256, NULL, 0 }, cmac = { CKM_AES_CMAC, NULL, 0 };
    CK_ULONG n = sizeof out;
    if ((rv = f->C_DigestInit(s, &sha)) != CKR_OK ||
        (rv = f->C_Digest(s, msg, sizeof msg, out, &n)) != CKR_OK)
        return rv;
    n = sizeof out;
    if ((rv = f->C_SignInit(s, &cmac, k)) != CKR_OK ||
        (rv = f->C_Sign(s, msg, sizeof msg, out, &n)) != CKR_OK)
        return rv;
    return CKR_OK;
}

static void memory_area(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
    const char *A = "host-memory";
    RV(A, sweep_once(s, k), CKR_OK);   /* warm up: probe and transforms made unarmed */
    int host_memory = 0, ok_at_end = 0;
    for (long nth = 1; nth <= 400 && !ok_at_end; nth++) {
        long before = failed;
        fail_in = nth;
        CK_RV rv = sweep_once(s, k);
        int hit = failed > before;
        fail_in = 0;
        if (!hit) {
            RV(A, rv, CKR_OK);
            ok_at_end = 1;
            continue;
        }
        if (rv == CKR_HOST_MEMORY)
            host_memory++;
        CHECK(A, rv == CKR_HOST_MEMORY || rv == CKR_OK,
              "allocation %ld failed: got 0x%lx, want CKR_HOST_MEMORY (0x2)", nth, rv);
        /* the session carries on: a failed call ended its operation */
        f->C_EncryptFinal(s, NULL, &(CK_ULONG){ 0 });
        f->C_DecryptFinal(s, NULL, &(CK_ULONG){ 0 });
    }
    CHECK(A, host_memory > 0, "no failed allocation gave CKR_HOST_MEMORY");
    CHECK(A, ok_at_end, "the sweep never got past the allocations");
    printf("host-memory: %d failed allocations answered CKR_HOST_MEMORY\n", host_memory);
    RV(A, sweep_once(s, k), CKR_OK);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s kcrypt-pkcs11.so\n", argv[0]);
        return 2;
    }
    char dir[64], log[128];
    void *lib;
    T = kct_tally_new();
    if (p11t_store(dir, sizeof dir))
        return 2;
    snprintf(log, sizeof log, "%s.debug", dir);
    setenv("KCRYPT_DEBUG", log, 1);   /* before the module reads it */
    if (!(lib = p11t_load(argv[1])))
        return 2;
    CK_SESSION_HANDLE s = p11t_init_token("setup", "debug");
    RV("setup", p11t_login_user(s), CKR_OK);
    CK_OBJECT_HANDLE k = mk_key(s, CK_FALSE), kek = mk_key(s, CK_TRUE);
    debug_area(s, k, kek, log);
    memory_area(s, k);
    RV("setup", f->C_Finalize(NULL), CKR_OK);
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", dir, log);
    if (system(cmd)) {
    }
    return rc;
}
