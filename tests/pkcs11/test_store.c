/* SPDX-License-Identifier: Apache-2.0 */
/* Token objects at rest: they outlive the process that made them, private
 * ones and key values are not readable in the store's files, other
 * processes see creations and destructions, a damaged file is left out
 * without harm, a writer killed mid-write leaves a store that opens, and
 * C_InitToken empties it. Children are forked and call C_Initialize, as a
 * second application would. Run inside a kernel with AF_ALG. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "p11t.h"

CK_FUNCTION_LIST *f;
kct_tally *T;

static char store[64];
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret = CKO_SECRET_KEY, data_cls = CKO_DATA;
static CK_KEY_TYPE aes = CKK_AES;

#define KEY_HEX "000102030405060708090a0b0c0d0e0f"
#define PT_HEX "00112233445566778899aabbccddeeff"
#define CT_HEX "69c4e0d86a7b0430d8cdb78070b4c55a"   /* FIPS-197 C.1 */
#define PUBLIC_VALUE "public-data-value"
#define PRIVATE_VALUE "private-data-value"
#define PRIVATE_LABEL "private-key-label"

/* Handles of the objects matching one attribute (or all, type 0). */
static CK_ULONG find(CK_SESSION_HANDLE s, CK_ATTRIBUTE_TYPE type, const void *v, CK_ULONG len,
                     CK_OBJECT_HANDLE *out, CK_ULONG max)
{
    CK_ATTRIBUTE t = { type, (void *)v, len };
    CK_ULONG n = 0;
    if (f->C_FindObjectsInit(s, &t, type ? 1 : 0) != CKR_OK)
        return (CK_ULONG)-1;
    if (f->C_FindObjects(s, out, max, &n) != CKR_OK)
        n = (CK_ULONG)-1;
    f->C_FindObjectsFinal(s);
    return n;
}

static CK_OBJECT_HANDLE find_label(CK_SESSION_HANDLE s, const char *label)
{
    CK_OBJECT_HANDLE h[4];
    return find(s, CKA_LABEL, label, strlen(label), h, 4) == 1 ? h[0] : 0;
}

static CK_OBJECT_HANDLE make(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n)
{
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = f->C_CreateObject(s, t, n, &h);
    if (rv != CKR_OK)
        printf("C_CreateObject: 0x%lx\n", rv);
    return h;
}

static int ecb_kat(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
    CK_MECHANISM m = { CKM_AES_ECB, NULL, 0 };
    kct_bytes pt = p11t_hex(PT_HEX), ct = p11t_hex(CT_HEX);
    unsigned char out[16];
    CK_ULONG n = sizeof out;
    int ok = f->C_EncryptInit(s, &m, k) == CKR_OK &&
             f->C_Encrypt(s, pt.p, pt.n, out, &n) == CKR_OK && n == 16 && !memcmp(out, ct.p, 16);
    kct_bytes_free(&pt);
    kct_bytes_free(&ct);
    return ok;
}

/* 1 if the bytes occur in any file under the store. */
static int in_store_files(const void *needle, size_t n)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/objects", store);
    DIR *d = opendir(dir);
    int found = 0;
    for (struct dirent *e; d && !found && (e = readdir(d));) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            continue;
        static unsigned char b[1 << 16];
        size_t len = fread(b, 1, sizeof b, fp);
        fclose(fp);
        for (size_t i = 0; i + n <= len && !found; i++)
            found = !memcmp(b + i, needle, n);
    }
    if (d)
        closedir(d);
    return found;
}

static int count_files(const char *suffix)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/objects", store);
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t l = strlen(e->d_name), sl = strlen(suffix);
        n += e->d_name[0] != '.' && l > sl && !strcmp(e->d_name + l - sl, suffix);
    }
    if (d)
        closedir(d);
    return n;
}

static void setup_area(void)
{
    const char *A = "create";
    CK_SESSION_HANDLE s = p11t_init_token(A, "store");

    /* Before a login no token object can be stored: every object file is
     * authenticated under the token key (a key's value is also sealed). */
    CK_ATTRIBUTE pub[] = { { CKA_CLASS, &data_cls, sizeof data_cls }, { CKA_TOKEN, &yes, 1 },
                           { CKA_LABEL, "public-data", 11 },
                           { CKA_VALUE, PUBLIC_VALUE, strlen(PUBLIC_VALUE) } };
    CK_OBJECT_HANDLE h;
    RV(A, f->C_CreateObject(s, pub, 4, &h), CKR_USER_NOT_LOGGED_IN);
    kct_bytes k = p11t_hex(KEY_HEX);
    CK_ATTRIBUTE pubkey[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                              { CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &no, 1 },
                              { CKA_LABEL, "public-key", 10 }, { CKA_VALUE, k.p, k.n } };
    RV(A, f->C_CreateObject(s, pubkey, 6, &h), CKR_USER_NOT_LOGGED_IN);

    RV(A, p11t_login_user(s), CKR_OK);
    CHECK(A, make(s, pub, 4) != 0, "public token data object");
    CHECK(A, make(s, pubkey, 6) != 0, "public token key");
    CK_ATTRIBUTE key[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                           { CKA_TOKEN, &yes, 1 }, { CKA_LABEL, PRIVATE_LABEL, strlen(PRIVATE_LABEL) },
                           { CKA_VALUE, k.p, k.n } };
    CK_OBJECT_HANDLE pk = make(s, key, 5);
    CHECK(A, pk && ecb_kat(s, pk), "private token key works in its process");
    CK_ATTRIBUTE priv[] = { { CKA_CLASS, &data_cls, sizeof data_cls }, { CKA_TOKEN, &yes, 1 },
                            { CKA_PRIVATE, &yes, 1 }, { CKA_LABEL, "private-data", 12 },
                            { CKA_VALUE, PRIVATE_VALUE, strlen(PRIVATE_VALUE) } };
    CHECK(A, make(s, priv, 5) != 0, "private token data object");
    CK_ATTRIBUTE sess[] = { { CKA_CLASS, &data_cls, sizeof data_cls }, { CKA_LABEL, "session", 7 } };
    CHECK(A, make(s, sess, 2) != 0, "session object");
    CK_OBJECT_HANDLE gone = make(s, priv, 5);
    RV(A, f->C_DestroyObject(s, gone), CKR_OK);
    CHECK(A, count_files(".obj") == 4, "4 object files, %d", count_files(".obj"));

    A = "at rest";
    CHECK(A, in_store_files(PUBLIC_VALUE, strlen(PUBLIC_VALUE)), "public value is readable");
    CHECK(A, !in_store_files(PRIVATE_VALUE, strlen(PRIVATE_VALUE)), "private value in the clear");
    CHECK(A, !in_store_files(PRIVATE_LABEL, strlen(PRIVATE_LABEL)), "private label in the clear");
    CHECK(A, !in_store_files(k.p, k.n), "key value in the clear");
    kct_bytes_free(&k);
    RV(A, f->C_Finalize(NULL), CKR_OK);
}

static void reopen_area(void)
{
    const char *A = "reopen";
    CK_OBJECT_HANDLE h[8];
    RV(A, f->C_Initialize(NULL), CKR_OK);
    CK_SESSION_HANDLE s = p11t_open_rw();
    CHECK(A, find(s, 0, NULL, 0, h, 8) == 2, "public objects before login: %lu",
          find(s, 0, NULL, 0, h, 8));
    CK_OBJECT_HANDLE pubkey = find_label(s, "public-key");
    CHECK(A, pubkey != 0, "public key found before login");
    CK_MECHANISM m = { CKM_AES_ECB, NULL, 0 };
    RV(A, f->C_EncryptInit(s, &m, pubkey), CKR_USER_NOT_LOGGED_IN);
    unsigned char v[64];
    CK_ATTRIBUTE get = { CKA_VALUE, v, sizeof v };
    h[0] = find_label(s, "public-data");
    RV(A, f->C_GetAttributeValue(s, h[0], &get, 1), CKR_OK);
    CHECK(A, get.ulValueLen == strlen(PUBLIC_VALUE) && !memcmp(v, PUBLIC_VALUE, get.ulValueLen),
          "public data value");
    RV(A, f->C_Login(s, CKU_USER, (CK_UTF8CHAR *)"9999", 4), CKR_PIN_INCORRECT);
    RV(A, p11t_login_user(s), CKR_OK);
    CHECK(A, find(s, 0, NULL, 0, h, 8) == 4, "all token objects after login");
    CK_OBJECT_HANDLE pk = find_label(s, PRIVATE_LABEL);
    CHECK(A, pk && ecb_kat(s, pk), "private key gives the FIPS-197 answer");
    CHECK(A, ecb_kat(s, pubkey), "public key opens after login");
    CK_BBOOL sens = CK_FALSE;
    CK_ATTRIBUTE sa = { CKA_SENSITIVE, &sens, 1 };
    RV(A, f->C_GetAttributeValue(s, pk, &sa, 1), CKR_OK);
    CHECK(A, sens == CK_TRUE, "attributes kept");
    get.ulValueLen = sizeof v;
    RV(A, f->C_GetAttributeValue(s, pk, &get, 1), CKR_ATTRIBUTE_SENSITIVE);
    h[0] = find_label(s, "private-data");
    get.ulValueLen = sizeof v;
    RV(A, f->C_GetAttributeValue(s, h[0], &get, 1), CKR_OK);
    CHECK(A, get.ulValueLen == strlen(PRIVATE_VALUE) && !memcmp(v, PRIVATE_VALUE, get.ulValueLen),
          "private data value");
    CK_ATTRIBUTE relabel = { CKA_LABEL, "renamed", 7 };
    RV(A, f->C_SetAttributeValue(s, h[0], &relabel, 1), CKR_OK);
    RV(A, f->C_Finalize(NULL), CKR_OK);
    RV(A, f->C_Initialize(NULL), CKR_OK);
    s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    CHECK(A, find_label(s, "renamed") && !find_label(s, "private-data"), "a change persists");
    RV(A, f->C_Finalize(NULL), CKR_OK);
}

/* In a forked child, as another application: 0 when all went as planned. */
static int child_create(const char *label)
{
    if (f->C_Initialize(NULL) != CKR_OK)
        return 1;
    CK_SESSION_HANDLE s = p11t_open_rw();
    CK_ATTRIBUTE t[] = { { CKA_CLASS, &data_cls, sizeof data_cls }, { CKA_TOKEN, &yes, 1 },
                         { CKA_PRIVATE, &yes, 1 }, { CKA_LABEL, (void *)label, strlen(label) } };
    int rc = p11t_login_user(s) != CKR_OK ? 2 : !make(s, t, 4) ? 3 : 0;
    f->C_Finalize(NULL);
    return rc;
}

static int child_destroy(const char *label)
{
    if (f->C_Initialize(NULL) != CKR_OK)
        return 1;
    CK_SESSION_HANDLE s = p11t_open_rw();
    CK_OBJECT_HANDLE h = p11t_login_user(s) == CKR_OK ? find_label(s, label) : 0;
    int rc = !h ? 2 : f->C_DestroyObject(s, h) != CKR_OK ? 3 : 0;
    f->C_Finalize(NULL);
    return rc;
}

static int run_child(int (*fn)(const char *), const char *arg)
{
    pid_t p = fork();
    if (p == 0)
        _exit(fn(arg));
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static void processes_area(void)
{
    const char *A = "two processes";
    RV(A, f->C_Initialize(NULL), CKR_OK);
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    CHECK(A, !find_label(s, "from-child"), "not there yet");
    CHECK(A, run_child(child_create, "from-child") == 0, "child creates");
    CK_OBJECT_HANDLE h = find_label(s, "from-child");
    CHECK(A, h != 0, "the parent sees the child's object");
    CHECK(A, run_child(child_destroy, "from-child") == 0, "another child destroys it");
    CK_ATTRIBUTE lbl = { CKA_LABEL, NULL, 0 };
    RV(A, f->C_GetAttributeValue(s, h, &lbl, 1), CKR_OBJECT_HANDLE_INVALID);
    CHECK(A, !find_label(s, "from-child"), "gone for the parent too");
    RV(A, f->C_Finalize(NULL), CKR_OK);
}

/* A writer killed at a random moment: every object file left must open. */
static void killed_area(void)
{
    const char *A = "killed writer";
    int before = count_files(".obj");
    int ready[2];
    if (pipe(ready))
        return;
    pid_t p = fork();
    if (p == 0) {
        close(ready[0]);
        if (f->C_Initialize(NULL) != CKR_OK)
            _exit(1);
        CK_SESSION_HANDLE s = p11t_open_rw();
        if (p11t_login_user(s) != CKR_OK)
            _exit(2);
        CK_ATTRIBUTE t[] = { { CKA_CLASS, &data_cls, sizeof data_cls }, { CKA_TOKEN, &yes, 1 },
                             { CKA_PRIVATE, &yes, 1 }, { CKA_LABEL, "churn", 5 },
                             { CKA_VALUE, PRIVATE_VALUE, strlen(PRIVATE_VALUE) } };
        for (unsigned i = 0;; i++) {
            CK_OBJECT_HANDLE h = 0;
            f->C_CreateObject(s, t, 5, &h);
            CK_ATTRIBUTE l = { CKA_LABEL, &i, sizeof i };
            f->C_SetAttributeValue(s, h, &l, 1);
            if (i % 2)
                f->C_DestroyObject(s, h);
            if (i == 1 && write(ready[1], "", 1) != 1)
                _exit(3);
        }
    }
    /* from the writer's second object on, kill it at some moment */
    close(ready[1]);
    char byte;
    CHECK(A, read(ready[0], &byte, 1) == 1, "the writer is writing");
    close(ready[0]);
    struct timespec ts = { 0, (long)(50 + getpid() % 200) * 1000 * 1000 };
    nanosleep(&ts, NULL);
    kill(p, SIGKILL);
    int st;
    waitpid(p, &st, 0);
    CHECK(A, WIFSIGNALED(st), "the writer was killed while writing");
    int after = count_files(".obj");
    CHECK(A, after > before, "it wrote %d objects", after - before);

    RV(A, f->C_Initialize(NULL), CKR_OK);
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    CK_OBJECT_HANDLE h[4096];
    CK_ULONG n = find(s, 0, NULL, 0, h, 4096);
    CHECK(A, n == (CK_ULONG)after, "%lu objects open of %d files", n, after);
    int readable = 0;
    for (CK_ULONG i = 0; i < n && n != (CK_ULONG)-1; i++) {
        CK_ATTRIBUTE c = { CKA_CLASS, NULL, 0 };
        readable += f->C_GetAttributeValue(s, h[i], &c, 1) == CKR_OK;
    }
    CHECK(A, readable == (int)n, "%d of %lu readable", readable, n);
    CHECK(A, find_label(s, PRIVATE_LABEL) != 0, "older objects intact");
    RV(A, f->C_Finalize(NULL), CKR_OK);
}

static void damaged_area(void)
{
    const char *A = "damaged file";
    char dir[128], path[512] = "";
    snprintf(dir, sizeof dir, "%s/objects", store);
    DIR *d = opendir(dir);
    /* a private object's file: all of it after the header is sealed */
    for (struct dirent *e; d && !path[0] && (e = readdir(d));) {
        char p[512];
        unsigned char hdr[12];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        FILE *fp = strstr(e->d_name, ".tmp") ? NULL : fopen(p, "rb");
        if (fp && fread(hdr, 1, sizeof hdr, fp) == sizeof hdr && (hdr[8] & 1))
            snprintf(path, sizeof path, "%s", p);
        if (fp)
            fclose(fp);
    }
    if (d)
        closedir(d);
    RV(A, f->C_Initialize(NULL), CKR_OK);
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    CK_OBJECT_HANDLE h[4096];
    CK_ULONG n = find(s, 0, NULL, 0, h, 4096);
    FILE *fp = fopen(path, "r+b");
    CHECK(A, fp != NULL, "an object file to damage");
    if (fp) {
        fseek(fp, -1, SEEK_END);   /* the last byte is in the GCM tag, or the value */
        int c = fgetc(fp);
        fseek(fp, -1, SEEK_END);
        fputc(c ^ 1, fp);
        fclose(fp);
    }
    RV(A, f->C_Finalize(NULL), CKR_OK);
    RV(A, f->C_Initialize(NULL), CKR_OK);
    s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    CK_ULONG m = find(s, 0, NULL, 0, h, 4096);
    CHECK(A, m == n - 1, "the damaged object is left out: %lu of %lu", m, n);
    RV(A, f->C_Finalize(NULL), CKR_OK);
}

static void init_token_area(void)
{
    const char *A = "re-initialize";
    CK_UTF8CHAR label[32];
    memset(label, ' ', sizeof label);
    RV(A, f->C_Initialize(NULL), CKR_OK);
    RV(A, f->C_InitToken(1, (CK_UTF8CHAR *)P11T_SO_PIN, 8, label), CKR_OK);
    CHECK(A, count_files("") == 0, "%d files left", count_files(""));
    CK_SESSION_HANDLE s = p11t_open_rw();
    CK_OBJECT_HANDLE h[4];
    CHECK(A, find(s, 0, NULL, 0, h, 4) == 0, "no objects");
    RV(A, f->C_Finalize(NULL), CKR_OK);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s kcrypt-pkcs11.so\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    T = kct_tally_new();
    if (p11t_store(store, sizeof store) || !p11t_load(argv[1]))
        return 2;
    setup_area();
    reopen_area();
    processes_area();
    killed_area();
    damaged_area();
    init_token_area();
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", store);
    if (system(cmd)) {
    }
    return rc;
}
