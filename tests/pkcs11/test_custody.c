/* SPDX-License-Identifier: Apache-2.0 */
/* Where the token's secret keys live (issue 10, items 1, 5b, 5c), proven
 * from outside the process that uses them.
 *
 * kcrypt info and C_GetTokenInfo (model) name the custody the kernel
 * version predicts (keys by serial from Linux 6.2).
 *
 * custody: process A generates token keys (AES-256, AES-128, HMAC secret)
 * and records what they compute; process I imports AES-128 and AES-256 keys
 * of random bytes it drew itself and computes their answers with OpenSSL;
 * process U (forked before I drew the bytes, so it never had them) logs
 * in, uses every key (answers must match A's and OpenSSL's), checks the
 * kernel keys it holds (/proc/keys: types; logon keys unreadable, encrypted
 * keys give only the kernel's blob), then stops. The main process, U's
 * parent, reads U's whole memory (/proc/U/mem, every readable mapping) and
 * counts the imported keys' bytes, and every 32-byte (16-byte) window that
 * is an AES-256 (AES-128) key mapping the zero block to a generated key's
 * answer: generated keys' bytes are known to nobody, so every window is
 * tried as a key. Controls: U holds on purpose the values of extractable
 * keys; each must be found, or the search proves nothing. With kernel
 * custody the counts for the real keys must be 0.
 *
 * operations: wrap with a kernel-held KEK, unwrap into the kernel, copies
 * between session and token, refusals, a forked child, DES3, session close,
 * C_Logout and a new login, C_Finalize: kernel keys come and go with them.
 *
 * killed: a process generating, using, relabelling and destroying token
 * keys is killed with SIGKILL at random moments; then a new process logs
 * in and every object file opens, every key works, the known key gives its
 * known answer, and (kernel custody) each key is one kernel key. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "p11t.h"

CK_FUNCTION_LIST *f;
kct_tally *T;

static char store[64];
static int kernel_mode;   /* expected from the kernel version */
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
static CK_KEY_TYPE aes = CKK_AES;
static const unsigned char zero[32];
static const char msg[] = "kcrypt custody";

#define KEYCTL_READ_ 11

/* Linux >= 6.2 has ALG_SET_KEY_BY_KEY_SERIAL: the token must use it. */
static int kernel_has_serial_keys(void)
{
    struct utsname u;
    int maj = 0, min = 0;
    if (uname(&u) || sscanf(u.release, "%d.%d", &maj, &min) != 2)
        return 0;
    return maj > 6 || (maj == 6 && min >= 2);
}

static CK_OBJECT_HANDLE find_label(CK_SESSION_HANDLE s, const char *label)
{
    CK_ATTRIBUTE t = { CKA_LABEL, (void *)label, strlen(label) };
    CK_OBJECT_HANDLE h[4];
    CK_ULONG n = 0;
    if (f->C_FindObjectsInit(s, &t, 1) != CKR_OK)
        return 0;
    if (f->C_FindObjects(s, h, 4, &n) != CKR_OK)
        n = 0;
    f->C_FindObjectsFinal(s);
    return n == 1 ? h[0] : 0;
}

static int ecb_zero(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, unsigned char out[16])
{
    CK_MECHANISM m = { CKM_AES_ECB, NULL, 0 };
    CK_ULONG n = 16;
    return f->C_EncryptInit(s, &m, k) == CKR_OK &&
           f->C_Encrypt(s, (CK_BYTE_PTR)zero, 16, out, &n) == CKR_OK && n == 16;
}

static int hmac_msg(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, unsigned char out[32])
{
    CK_MECHANISM m = { CKM_SHA256_HMAC, NULL, 0 };
    CK_ULONG n = 32;
    return f->C_SignInit(s, &m, k) == CKR_OK &&
           f->C_Sign(s, (CK_BYTE_PTR)msg, sizeof msg - 1, out, &n) == CKR_OK && n == 32;
}

static CK_OBJECT_HANDLE generate(CK_SESSION_HANDLE s, CK_MECHANISM_TYPE mech, CK_ULONG len,
                                 CK_BBOOL token, CK_BBOOL ext, const char *label)
{
    CK_MECHANISM m = { mech, NULL, 0 };
    CK_ATTRIBUTE t[] = { { CKA_VALUE_LEN, &len, sizeof len }, { CKA_TOKEN, &token, 1 },
                         { CKA_EXTRACTABLE, &ext, 1 }, { CKA_SENSITIVE, ext ? &no : &yes, 1 },
                         { CKA_LABEL, (void *)label, strlen(label) } };
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = f->C_GenerateKey(s, &m, t, 5, &h);
    if (rv != CKR_OK)
        printf("C_GenerateKey(%s): 0x%lx\n", label, rv);
    return h;
}

static int model_is(const char *want)
{
    CK_TOKEN_INFO ti;
    if (f->C_GetTokenInfo(1, &ti) != CKR_OK)
        return 0;
    char m[17];
    memcpy(m, ti.model, 16);
    m[16] = 0;
    for (int i = 15; i >= 0 && m[i] == ' '; i--)
        m[i] = 0;
    printf("C_GetTokenInfo model: \"%s\"\n", m);
    return !strcmp(m, want);
}

/* The token's kernel keys this process can see, each read with keyctl
 * read: a logon key must refuse, an encrypted key must give only the
 * kernel's blob ("default user:<master> <len> <hex>"). A user master is
 * readable by its possessor (keyctl_read_key lets a possessor read what it
 * may search, and the encrypted key type needs search); README "Key
 * custody" says so; counted, not asserted. Counts by type. */
typedef struct {
    int encrypted, logon, user, other, readable, masters_readable;
} keyring_view;

static keyring_view view_keys(void)
{
    keyring_view v = { 0, 0, 0, 0, 0, 0 };
    FILE *fp = fopen("/proc/keys", "r");
    char line[512];
    while (fp && fgets(line, sizeof line, fp)) {
        if (!strstr(line, "kcrypt:p11-"))
            continue;
        unsigned long serial;
        char type[32];
        if (sscanf(line, "%lx %*s %*s %*s %*s %*s %*s %31s", &serial, type) != 2)
            continue;
        if (!strcmp(type, "encrypted"))
            v.encrypted++;
        else if (!strcmp(type, "logon"))
            v.logon++;
        else if (!strcmp(type, "user"))
            v.user++;
        else
            v.other++;
        char buf[4096];
        errno = 0;
        long n = syscall(SYS_keyctl, KEYCTL_READ_, (long)serial, buf, sizeof buf - 1);
        int bad = !strcmp(type, "logon") ? n >= 0
                : !strcmp(type, "encrypted") ? n < 0 || strncmp(buf, "default user:kcrypt:p11-", 24)
                : 0;
        if (!strcmp(type, "user") && n >= 0)
            v.masters_readable++;
        if (bad) {
            printf("key %lx (%s) gave %ld bytes that are not a blob (errno %d)\n", serial, type,
                   n, errno);
            v.readable++;
        }
    }
    if (fp)
        fclose(fp);
    printf("token kernel keys: %d encrypted, %d logon, %d user (masters, %d readable by this "
           "process), %d other, %d readable as clear keys\n",
           v.encrypted, v.logon, v.user, v.masters_readable, v.other, v.readable);
    return v;
}

/* What A records about the keys it generated (not secret). */
typedef struct {
    unsigned char ct256[16], mac[32], ct128[16];
} gen_answers;

static int child_generate(int out)
{
    gen_answers g;
    if (f->C_Initialize(NULL) != CKR_OK)
        return 1;
    CK_SESSION_HANDLE s = p11t_open_rw();
    if (p11t_login_user(s) != CKR_OK)
        return 2;
    CK_OBJECT_HANDLE a = generate(s, CKM_AES_KEY_GEN, 32, CK_TRUE, CK_FALSE, "gen-aes256");
    CK_OBJECT_HANDLE h = generate(s, CKM_GENERIC_SECRET_KEY_GEN, 32, CK_TRUE, CK_FALSE,
                                  "gen-hmac");
    /* 16 bytes: below the kernel's 20-byte minimum for encrypted keys, so a
     * logon key whose bytes the DRBG drew in the process */
    CK_OBJECT_HANDLE a1 = generate(s, CKM_AES_KEY_GEN, 16, CK_TRUE, CK_FALSE, "gen-aes128");
    if (!a || !h || !a1 || !ecb_zero(s, a, g.ct256) || !hmac_msg(s, h, g.mac) ||
        !ecb_zero(s, a1, g.ct128))
        return 3;
    unsigned char cv[3];
    CK_ATTRIBUTE c = { CKA_CHECK_VALUE, cv, 3 };
    if (f->C_GetAttributeValue(s, a, &c, 1) != CKR_OK || c.ulValueLen != 3 ||
        memcmp(cv, g.ct256, 3))
        return 4;   /* the check value is the zero block's encryption */
    CK_ATTRIBUTE v = { CKA_VALUE, NULL, 0 };
    if (f->C_GetAttributeValue(s, a, &v, 1) != CKR_ATTRIBUTE_SENSITIVE)
        return 5;
    f->C_Finalize(NULL);
    return write(out, &g, sizeof g) == sizeof g ? 0 : 6;
}

/* What I tells the main process: the bytes it drew and their answer. */
typedef struct {
    unsigned char key[16], ct[16];        /* AES-128: a logon key */
    unsigned char key256[32], ct256[16];  /* AES-256: an encrypted key from these bytes */
} imp_answers;

static int ossl_ecb_zero(const unsigned char *key, size_t len, unsigned char ct[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0;
    int ok = c && EVP_EncryptInit_ex(c, len == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb(), NULL,
                                     key, NULL) &&
             EVP_CIPHER_CTX_set_padding(c, 0) && EVP_EncryptUpdate(c, ct, &n, zero, 16) &&
             n == 16;
    EVP_CIPHER_CTX_free(c);
    return ok;
}

static int import(CK_SESSION_HANDLE s, const char *label, const unsigned char *key, size_t len)
{
    CK_ATTRIBUTE t[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                         { CKA_TOKEN, &yes, 1 }, { CKA_LABEL, (void *)label, strlen(label) },
                         { CKA_VALUE, (void *)key, len } };
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = f->C_CreateObject(s, t, 5, &h);
    if (rv != CKR_OK)
        printf("import %s: 0x%lx\n", label, rv);
    return rv == CKR_OK;
}

static int child_import(int out)
{
    imp_answers r;
    if (RAND_bytes(r.key, sizeof r.key) != 1 || RAND_bytes(r.key256, sizeof r.key256) != 1)
        return 1;
    if (!ossl_ecb_zero(r.key, 16, r.ct) || !ossl_ecb_zero(r.key256, 32, r.ct256))
        return 2;
    if (f->C_Initialize(NULL) != CKR_OK)
        return 3;
    CK_SESSION_HANDLE s = p11t_open_rw();
    if (p11t_login_user(s) != CKR_OK)
        return 4;
    if (!import(s, "imported", r.key, 16) || !import(s, "imported256", r.key256, 32))
        return 5;
    f->C_Finalize(NULL);
    return write(out, &r, sizeof r) == sizeof r ? 0 : 6;
}

static int run_child(int (*fn)(int), void *res, size_t len)
{
    int p[2];
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        _exit(fn(p[1]));
    }
    close(p[1]);
    ssize_t got = read(p[0], res, len);
    close(p[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 100;
    return rc ? rc : got == (ssize_t)len ? 0 : 99;
}

/* U's report and the controls it holds. */
typedef struct {
    int failures;
    unsigned char ctl_ct256[16];   /* zero block under the control AES-256 key */
    unsigned char ctl128[16];      /* the control AES-128 key's value (extractable) */
    unsigned char ctl_ct128[16];   /* and its zero block */
} user_report;

static unsigned char held_ctl128[16], held_ctl256[32];   /* the controls U keeps */
static unsigned char gen_ct256[16];   /* gen-aes256's zero block (process A's answer) */

static void user_checks(const gen_answers *g, const imp_answers *im_public, user_report *r)
{
    const char *A = "user process";
    RV(A, f->C_Initialize(NULL), CKR_OK);
    CHECK(A, model_is(kernel_mode ? "AF_ALG+keyring" : "AF_ALG token"),
          "the custody mode in C_GetTokenInfo");
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    unsigned char out[32];
    CK_OBJECT_HANDLE a = find_label(s, "gen-aes256"), h = find_label(s, "gen-hmac"),
                     im = find_label(s, "imported");
    CHECK(A, a && ecb_zero(s, a, out) && !memcmp(out, g->ct256, 16),
          "the generated AES-256 key gives A's answer in another process");
    CHECK(A, h && hmac_msg(s, h, out) && !memcmp(out, g->mac, 32),
          "the generated HMAC key gives A's MAC in another process");
    CK_OBJECT_HANDLE a1 = find_label(s, "gen-aes128");
    CHECK(A, a1 && ecb_zero(s, a1, out) && !memcmp(out, g->ct128, 16),
          "the generated AES-128 key gives A's answer in another process");
    CHECK(A, im && ecb_zero(s, im, out) && !memcmp(out, im_public->ct, 16),
          "the imported AES-128 key matches OpenSSL with the importer's bytes");
    CK_OBJECT_HANDLE im2 = find_label(s, "imported256");
    CHECK(A, im2 && ecb_zero(s, im2, out) && !memcmp(out, im_public->ct256, 16),
          "the imported AES-256 key matches OpenSSL with the importer's bytes");
    /* a session key held by the kernel: round trip */
    CK_OBJECT_HANDLE sk = generate(s, CKM_AES_KEY_GEN, 16, CK_FALSE, CK_FALSE, "session");
    CK_MECHANISM cbc = { CKM_AES_CBC_PAD, (void *)zero, 16 };
    unsigned char ct[64], pt[64];
    CK_ULONG cn = sizeof ct, pn = sizeof pt;
    CHECK(A, sk && f->C_EncryptInit(s, &cbc, sk) == CKR_OK &&
             f->C_Encrypt(s, (CK_BYTE_PTR)msg, sizeof msg - 1, ct, &cn) == CKR_OK &&
             f->C_DecryptInit(s, &cbc, sk) == CKR_OK &&
             f->C_Decrypt(s, ct, cn, pt, &pn) == CKR_OK && pn == sizeof msg - 1 &&
             !memcmp(pt, msg, pn),
          "a generated session key encrypts and decrypts");
    /* refusals that tell the key is not extractable */
    CK_ATTRIBUTE v = { CKA_VALUE, NULL, 0 };
    RV(A, f->C_GetAttributeValue(s, im, &v, 1), CKR_ATTRIBUTE_SENSITIVE);
    keyring_view kv = view_keys();
    if (kernel_mode) {
        /* AES-256 (generated, imported) and the HMAC secret as encrypted
         * keys; the 16-byte keys (generated, imported, session) as logon
         * keys; the token and session masters */
        CHECK(A, kv.encrypted == 3, "3 encrypted kernel keys (got %d)", kv.encrypted);
        CHECK(A, kv.logon == 3, "3 logon kernel keys (got %d)", kv.logon);
        CHECK(A, kv.user == 2, "2 locked user masters (got %d)", kv.user);
        CHECK(A, kv.other == 0 && kv.readable == 0, "no key's payload readable");
        RV(A, f->C_DestroyObject(s, sk), CKR_OK);
        kv = view_keys();
        CHECK(A, kv.logon == 2, "a destroyed key leaves the kernel (got %d)", kv.logon);
    } else {
        CHECK(A, kv.encrypted + kv.logon + kv.user + kv.other == 0,
              "6.1: no kernel keys, vault custody");
    }
    /* the controls: extractable keys whose values this process holds */
    CK_OBJECT_HANDLE c1 = generate(s, CKM_AES_KEY_GEN, 16, CK_FALSE, CK_TRUE, "ctl128");
    CK_OBJECT_HANDLE c2 = generate(s, CKM_AES_KEY_GEN, 32, CK_FALSE, CK_TRUE, "ctl256");
    CK_ATTRIBUTE v1 = { CKA_VALUE, held_ctl128, 16 }, v2 = { CKA_VALUE, held_ctl256, 32 };
    RV(A, f->C_GetAttributeValue(s, c1, &v1, 1), CKR_OK);
    RV(A, f->C_GetAttributeValue(s, c2, &v2, 1), CKR_OK);
    CHECK(A, ecb_zero(s, c2, r->ctl_ct256), "control key answers");
    memcpy(r->ctl128, held_ctl128, 16);
    CHECK(A, ecb_zero(s, c1, r->ctl_ct128), "control key answers");
}

/* Every readable mapping of pid: hits of the needles, 32-byte windows that
 * are AES-256 keys mapping the zero block to cta or ctb, and 16-byte
 * windows that are AES-128 keys mapping it to ct128. */
#define NEEDLES 3
typedef struct {
    size_t bytes, needle[NEEDLES], oracle_a, oracle_b, oracle_128, oracle_128_ctl;
} search_result;

/* needles: the first 16 bytes of each key searched for (a hit of those is
 * counted; the whole key is more) */
static search_result search(pid_t pid, const unsigned char *const needles[NEEDLES],
                            const unsigned char *cta, const unsigned char *ctb,
                            const unsigned char *ct128, const unsigned char *ct128_ctl)
{
    const size_t nlen = 16;
    search_result r;
    memset(&r, 0, sizeof r);
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
    FILE *maps = fopen(path, "r");
    snprintf(path, sizeof path, "/proc/%ld/mem", (long)pid);
    int mem = open(path, O_RDONLY);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(c, EVP_aes_256_ecb(), NULL, NULL, NULL);
    EVP_CIPHER_CTX_set_padding(c, 0);
    EVP_CIPHER_CTX *c1 = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(c1, EVP_aes_128_ecb(), NULL, NULL, NULL);
    EVP_CIPHER_CTX_set_padding(c1, 0);
    size_t cap = 1 << 20;
    unsigned char *b = malloc(cap);
    char line[512];
    while (maps && mem >= 0 && b && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
            strstr(line, "[vvar") || strstr(line, "[vsyscall]"))
            continue;
        for (unsigned long at = lo; at < hi;) {
            size_t want = hi - at < cap ? hi - at : cap;
            ssize_t got = pread(mem, b, want, (off_t)at);
            if (got <= 0)
                break;
            r.bytes += (size_t)got;
            for (size_t i = 0; i + nlen <= (size_t)got; i++)
                for (int k = 0; k < NEEDLES; k++)
                    r.needle[k] += !memcmp(b + i, needles[k], nlen);
            for (size_t i = 0; i + 32 <= (size_t)got; i++) {
                unsigned char o[16];
                int n = 0;
                if (!EVP_EncryptInit_ex(c, NULL, NULL, b + i, NULL) ||
                    !EVP_EncryptUpdate(c, o, &n, zero, 16))
                    continue;
                r.oracle_a += !memcmp(o, cta, 16);
                r.oracle_b += !memcmp(o, ctb, 16);
            }
            for (size_t i = 0; i + 16 <= (size_t)got; i++) {
                unsigned char o[16];
                int n = 0;
                if (!EVP_EncryptInit_ex(c1, NULL, NULL, b + i, NULL) ||
                    !EVP_EncryptUpdate(c1, o, &n, zero, 16))
                    continue;
                r.oracle_128 += !memcmp(o, ct128, 16);
                r.oracle_128_ctl += !memcmp(o, ct128_ctl, 16);
            }
            /* overlap so a key across a chunk edge is seen */
            at += (size_t)got > 32 && (size_t)got == want && at + want < hi ? (size_t)got - 31
                                                                              : (size_t)got;
        }
    }
    if (maps)
        fclose(maps);
    if (mem >= 0)
        close(mem);
    EVP_CIPHER_CTX_free(c);
    EVP_CIPHER_CTX_free(c1);
    free(b);
    return r;
}

static void custody_area(void)
{
    const char *A = "custody";
    CK_SESSION_HANDLE s0 = p11t_init_token(A, "custody");
    (void)s0;
    CHECK(A, model_is(kernel_mode ? "AF_ALG+keyring" : "AF_ALG token"),
          "C_GetTokenInfo names the custody mode for this kernel");
    RV(A, f->C_Finalize(NULL), CKR_OK);

    gen_answers g;
    int rc = run_child(child_generate, &g, sizeof g);
    CHECK(A, rc == 0, "process A generates token keys (%d)", rc);

    /* U, forked before anyone drew the imported key's bytes */
    int go[2], back[2];
    if (pipe(go) || pipe(back))
        return;
    pid_t u = fork();
    if (u == 0) {
        close(go[1]);
        close(back[0]);
        imp_answers pub;
        user_report r = { 0, { 0 }, { 0 }, { 0 } };
        if (read(go[0], &pub, sizeof pub) != sizeof pub)
            _exit(90);
        size_t before = kct_failed(T), passed = kct_passed(T);
        user_checks(&g, &pub, &r);
        r.failures = (int)(kct_failed(T) - before);
        printf("user process (child): %zu passed, %d failed\n", kct_passed(T) - passed,
               r.failures);
        if (write(back[1], &r, sizeof r) != sizeof r)
            _exit(91);
        char done;
        if (read(go[0], &done, 1) != 1)
            _exit(92);
        f->C_Finalize(NULL);
        _exit(0);
    }
    close(go[0]);
    close(back[1]);
    imp_answers im;
    rc = run_child(child_import, &im, sizeof im);
    CHECK(A, rc == 0, "process I imports a key (%d)", rc);
    imp_answers pub = im;
    memset(pub.key, 0, sizeof pub.key);   /* U gets the answers, never the bytes */
    memset(pub.key256, 0, sizeof pub.key256);
    CHECK(A, write(go[1], &pub, sizeof pub) == sizeof pub, "U starts");
    user_report r;
    CHECK(A, read(back[0], &r, sizeof r) == sizeof r && r.failures == 0,
          "U's checks pass (%d failures, shown above)", r.failures);

    /* U is idle now, with every key used; read all of its memory */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const unsigned char *needles[NEEDLES] = { im.key, im.key256, r.ctl128 };
    search_result sr = search(u, needles, g.ct256, r.ctl_ct256, g.ct128, r.ctl_ct128);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("memory search of the token user (pid %ld, %zu bytes, %.1f s):\n"
           "  imported AES-128 key bytes: %zu hits; imported AES-256 key bytes: %zu hits;"
           " control (extractable, held): %zu hits\n"
           "  AES-256 keys giving the generated key's answer: %zu hits; control: %zu hits\n"
           "  AES-128 keys giving the generated AES-128 key's answer: %zu hits; control: %zu hits\n",
           (long)u, sr.bytes, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
           sr.needle[0], sr.needle[1], sr.needle[2], sr.oracle_a, sr.oracle_b, sr.oracle_128,
           sr.oracle_128_ctl);
    CHECK(A, sr.bytes > 1000000, "the search read the process (%zu bytes)", sr.bytes);
    CHECK(A, sr.needle[2] >= 1 && sr.oracle_b >= 1 && sr.oracle_128_ctl >= 1,
          "the search finds keys that are there (controls: %zu, %zu, %zu)", sr.needle[2],
          sr.oracle_b, sr.oracle_128_ctl);
    if (kernel_mode)
        CHECK(A, sr.needle[0] == 0 && sr.needle[1] == 0 && sr.oracle_a == 0 &&
                     sr.oracle_128 == 0,
              "kernel custody: no key bytes in the user's memory (%zu, %zu, %zu, %zu)",
              sr.needle[0], sr.needle[1], sr.oracle_a, sr.oracle_128);
    CHECK(A, write(go[1], "", 1) == 1, "U ends");
    close(go[1]);
    close(back[0]);
    int st = 0;
    waitpid(u, &st, 0);
    CHECK(A, WIFEXITED(st) && WEXITSTATUS(st) == 0, "U exits cleanly (%d)", st);
    memcpy(gen_ct256, g.ct256, 16);   /* the known answer for the killed area */
}

/* ---- wrap, unwrap, copy, digest, derive, logout with kernel-held keys ---- */

static int child_operations(int out)
{
    const char *A = "operations";
    size_t before = kct_failed(T), passed = kct_passed(T);
    RV(A, f->C_Initialize(NULL), CKR_OK);
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    keyring_view k0 = view_keys();
    /* a non-extractable KEK (kernel-held on 6.12) wraps an extractable key */
    CK_ULONG len = 32;
    CK_MECHANISM gen = { CKM_AES_KEY_GEN, NULL, 0 };
    CK_ATTRIBUTE kt[] = { { CKA_VALUE_LEN, &len, sizeof len }, { CKA_WRAP, &yes, 1 },
                          { CKA_UNWRAP, &yes, 1 }, { CKA_ENCRYPT, &no, 1 },
                          { CKA_DECRYPT, &no, 1 } };
    CK_OBJECT_HANDLE kek = 0;
    RV(A, f->C_GenerateKey(s, &gen, kt, 5, &kek), CKR_OK);
    CK_OBJECT_HANDLE x = generate(s, CKM_AES_KEY_GEN, 32, CK_FALSE, CK_TRUE, "to-wrap");
    unsigned char xv[32], want[16], got[16];
    CK_ATTRIBUTE xa = { CKA_VALUE, xv, 32 };
    RV(A, f->C_GetAttributeValue(s, x, &xa, 1), CKR_OK);
    CHECK(A, ossl_ecb_zero(xv, 32, want), "OpenSSL answer of the wrapped key");
    CK_MECHANISM kw = { CKM_AES_KEY_WRAP_KWP, NULL, 0 };
    unsigned char wrapped[64];
    CK_ULONG wn = sizeof wrapped;
    RV(A, f->C_WrapKey(s, &kw, kek, x, wrapped, &wn), CKR_OK);
    /* unwrapped into a non-extractable token key: into the kernel on 6.12 */
    CK_ATTRIBUTE ut[] = { { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
                          { CKA_TOKEN, &yes, 1 }, { CKA_LABEL, "unwrapped", 9 } };
    CK_OBJECT_HANDLE y = 0;
    RV(A, f->C_UnwrapKey(s, &kw, kek, wrapped, wn, ut, 4, &y), CKR_OK);
    CHECK(A, y && ecb_zero(s, y, got) && !memcmp(got, want, 16),
          "wrapped by a kernel-held KEK, unwrapped into a kernel key: OpenSSL's answer");
    RV(A, f->C_WrapKey(s, &kw, kek, y, wrapped, &wn), CKR_KEY_UNEXTRACTABLE);
    CK_MECHANISM sha = { CKM_SHA256, NULL, 0 };
    RV(A, f->C_DigestInit(s, &sha), CKR_OK);
    RV(A, f->C_DigestKey(s, y), CKR_KEY_INDIGESTIBLE);
    CK_OBJECT_HANDLE d = 0;
    RV(A, f->C_DeriveKey(s, &gen, y, NULL, 0, &d), CKR_FUNCTION_NOT_SUPPORTED);
    /* copies: token to session and back (re-mastered in the kernel) */
    CK_ATTRIBUTE to_session = { CKA_TOKEN, &no, 1 }, to_token = { CKA_TOKEN, &yes, 1 };
    CK_OBJECT_HANDLE yc = 0, ycc = 0;
    RV(A, f->C_CopyObject(s, y, &to_session, 1, &yc), CKR_OK);
    RV(A, f->C_CopyObject(s, yc, &to_token, 1, &ycc), CKR_OK);
    CHECK(A, yc && ecb_zero(s, yc, got) && !memcmp(got, want, 16), "session copy works");
    CHECK(A, ycc && ecb_zero(s, ycc, got) && !memcmp(got, want, 16), "token copy works");
    keyring_view k1 = view_keys();
    if (kernel_mode)
        CHECK(A, k1.encrypted == k0.encrypted + 4 && k1.readable == 0,
              "KEK, unwrapped key and two copies are kernel keys (%d -> %d)", k0.encrypted,
              k1.encrypted);
    /* a forked child that starts the token anew tears down only its copy:
     * it does not possess the parent's kernel keys, so it cannot drop them */
    pid_t c = fork();
    if (c == 0)
        _exit(f->C_Initialize(NULL) == CKR_OK && f->C_Finalize(NULL) == CKR_OK ? 0 : 1);
    int st = 0;
    waitpid(c, &st, 0);
    CHECK(A, WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child re-initializes");
    CHECK(A, ecb_zero(s, y, got) && !memcmp(got, want, 16) && ecb_zero(s, yc, got),
          "the parent's kernel keys survive the child");
    /* DES3 (24 bytes: an encrypted key on 6.12): check value and round trip */
    CK_MECHANISM dgen = { CKM_DES3_KEY_GEN, NULL, 0 }, decb = { CKM_DES3_ECB, NULL, 0 };
    CK_ATTRIBUTE dt[] = { { CKA_TOKEN, &no, 1 } };
    CK_OBJECT_HANDLE des = 0;
    RV(A, f->C_GenerateKey(s, &dgen, dt, 1, &des), CKR_OK);
    unsigned char dcv[3], dct[8], dpt[8];
    CK_ULONG dn = 8, dpn = 8;
    CK_ATTRIBUTE dca = { CKA_CHECK_VALUE, dcv, 3 };
    CHECK(A, f->C_GetAttributeValue(s, des, &dca, 1) == CKR_OK &&
             f->C_EncryptInit(s, &decb, des) == CKR_OK &&
             f->C_Encrypt(s, (CK_BYTE_PTR)zero, 8, dct, &dn) == CKR_OK && dn == 8 &&
             !memcmp(dct, dcv, 3) && f->C_DecryptInit(s, &decb, des) == CKR_OK &&
             f->C_Decrypt(s, dct, 8, dpt, &dpn) == CKR_OK && !memcmp(dpt, zero, 8),
          "a generated DES3 key: check value is its zero block, and it decrypts");
    RV(A, f->C_DestroyObject(s, des), CKR_OK);
    /* a session's keys leave the kernel when the session closes */
    keyring_view k4 = view_keys();
    CK_SESSION_HANDLE s2 = p11t_open_rw();
    CK_OBJECT_HANDLE sk2 = generate(s2, CKM_AES_KEY_GEN, 32, CK_FALSE, CK_FALSE, "s2");
    CHECK(A, sk2 && ecb_zero(s2, sk2, got), "a key of a second session works");
    keyring_view k5 = view_keys();
    RV(A, f->C_CloseSession(s2), CKR_OK);
    keyring_view k6 = view_keys();
    if (kernel_mode)
        CHECK(A, k5.encrypted == k4.encrypted + 1 && k6.encrypted == k4.encrypted,
              "C_CloseSession drops its keys from the kernel (%d, %d, %d)", k4.encrypted,
              k5.encrypted, k6.encrypted);
    /* turned non-extractable later: stays in the vault; its copy goes in */
    keyring_view k7 = view_keys();
    CK_ATTRIBUTE noext = { CKA_EXTRACTABLE, &no, 1 };
    RV(A, f->C_SetAttributeValue(s, x, &noext, 1), CKR_OK);
    keyring_view k8 = view_keys();
    CK_OBJECT_HANDLE xc = 0;
    RV(A, f->C_CopyObject(s, x, NULL, 0, &xc), CKR_OK);
    keyring_view k9 = view_keys();
    CHECK(A, xc && ecb_zero(s, xc, got) && !memcmp(got, want, 16), "its copy works");
    if (kernel_mode)
        CHECK(A, k8.encrypted == k7.encrypted && k9.encrypted == k7.encrypted + 1,
              "a key turned non-extractable stays in the vault, its copy goes into the kernel "
              "(%d, %d, %d)", k7.encrypted, k8.encrypted, k9.encrypted);
    RV(A, f->C_DestroyObject(s, xc), CKR_OK);
    RV(A, f->C_DestroyObject(s, ycc), CKR_OK);
    RV(A, f->C_DestroyObject(s, yc), CKR_OK);   /* the label names y alone again */
    /* C_Logout drops the token keys from the kernel; a login loads them */
    RV(A, f->C_Logout(s), CKR_OK);
    keyring_view k2 = view_keys();
    if (kernel_mode)
        CHECK(A, k2.logon == 0 && k2.encrypted == 1 && k2.user == 1,
              "after C_Logout only the KEK (a session key) and the session master remain");
    CHECK(A, !ecb_zero(s, y, got), "a token key cannot be used logged out");
    RV(A, p11t_login_user(s), CKR_OK);
    y = find_label(s, "unwrapped");
    CHECK(A, y && ecb_zero(s, y, got) && !memcmp(got, want, 16), "loaded again at login");
    RV(A, f->C_DestroyObject(s, y), CKR_OK);
    /* closing the last session logs out (PKCS#11 5.6): a public token key
     * must then be as unusable as after C_Logout */
    CK_ATTRIBUTE pt[] = { { CKA_VALUE_LEN, &len, sizeof len }, { CKA_TOKEN, &yes, 1 },
                          { CKA_PRIVATE, &no, 1 }, { CKA_LABEL, "public-key", 10 } };
    CK_OBJECT_HANDLE pk = 0;
    RV(A, f->C_GenerateKey(s, &gen, pt, 4, &pk), CKR_OK);
    CHECK(A, ecb_zero(s, pk, got), "a public token key works logged in");
    RV(A, f->C_CloseAllSessions(1), CKR_OK);
    s = p11t_open_rw();
    pk = find_label(s, "public-key");
    CK_MECHANISM ecb = { CKM_AES_ECB, NULL, 0 };
    CHECK(A, pk != 0, "the public key is listed before a login");
    RV(A, f->C_EncryptInit(s, &ecb, pk), CKR_USER_NOT_LOGGED_IN);
    RV(A, p11t_login_user(s), CKR_OK);
    pk = find_label(s, "public-key");
    CHECK(A, pk && ecb_zero(s, pk, got), "and works after a new login");
    RV(A, f->C_DestroyObject(s, pk), CKR_OK);
    f->C_Finalize(NULL);
    keyring_view k3 = view_keys();
    if (kernel_mode)
        CHECK(A, k3.encrypted + k3.logon + k3.user == 0, "C_Finalize leaves no kernel key");
    int fails = (int)(kct_failed(T) - before);
    printf("%s (child process): %zu passed, %d failed\n", A, kct_passed(T) - passed, fails);
    return write(out, &fails, sizeof fails) == sizeof fails ? fails : 50;
}

static void operations_area(void)
{
    int fails = -1;
    int rc = run_child(child_operations, &fails, sizeof fails);
    CHECK("operations", rc == 0 && fails == 0, "wrap/unwrap/copy/logout (%d)", rc);
}

/* ---- the uid's keyring quota exhausted ---- */

/* Only in a private kernel (user-mode Linux): the quota is the machine's. */
static int in_uml(void)
{
    FILE *fp = fopen("/proc/cpuinfo", "r");
    char line[256];
    int uml = 0;
    while (fp && !uml && fgets(line, sizeof line, fp))
        uml = strstr(line, "User Mode Linux") != NULL;
    if (fp)
        fclose(fp);
    return uml;
}

static long root_key_bytes(void)
{
    FILE *fp = fopen("/proc/key-users", "r");
    char line[256];
    long used = -1;
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, " 0: %*d %*d/%*d %*d/%*d %ld/%*d", &used) == 1)
            break;
    if (fp)
        fclose(fp);
    return used;
}

static long root_maxbytes(void)
{
    FILE *fp = fopen("/proc/sys/kernel/keys/root_maxbytes", "r");
    long v = -1;
    if (fp && fscanf(fp, "%ld", &v) != 1)
        v = -1;
    if (fp)
        fclose(fp);
    return v;
}

static int set_root_maxbytes(long v)
{
    FILE *fp = fopen("/proc/sys/kernel/keys/root_maxbytes", "w");
    int ok = fp && fprintf(fp, "%ld\n", v) > 0;
    return fp && !fclose(fp) && ok;
}

static int child_quota(int out)
{
    const char *A = "quota";
    size_t before = kct_failed(T);
    RV(A, f->C_Initialize(NULL), CKR_OK);
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    long used = root_key_bytes(), max = root_maxbytes();
    CHECK(A, used > 0 && max > used && set_root_maxbytes(used + 600),
          "quota set to %ld + 600 bytes", used);
    CK_ULONG len = 32;
    CK_MECHANISM m = { CKM_AES_KEY_GEN, NULL, 0 };
    CK_ATTRIBUTE t[] = { { CKA_VALUE_LEN, &len, sizeof len } };
    CK_RV rv = CKR_OK;
    int made = 0;
    for (int i = 0; i < 50 && rv == CKR_OK; i++) {
        CK_OBJECT_HANDLE h = 0;
        rv = f->C_GenerateKey(s, &m, t, 1, &h);
        made += rv == CKR_OK;
    }
    CHECK(A, set_root_maxbytes(max), "quota restored");
    printf("quota: %d kernel-held keys made, then 0x%lx\n", made, rv);
    CHECK(A, made >= 1 && rv == CKR_DEVICE_MEMORY,
          "an exhausted keyring quota is CKR_DEVICE_MEMORY (%d made, 0x%lx)", made, rv);
    f->C_Finalize(NULL);
    int fails = (int)(kct_failed(T) - before);
    return write(out, &fails, sizeof fails) == sizeof fails ? fails : 50;
}

static void quota_area(void)
{
    if (!kernel_mode) {
        kct_pass(T, "quota");   /* the vault takes no kernel keys: nothing to exhaust */
        return;
    }
    if (!in_uml()) {
        kct_skip(T, "quota", 1, "not in user-mode Linux: the keyring quota is the machine's");
        return;
    }
    int fails = -1;
    int rc = run_child(child_quota, &fails, sizeof fails);
    CHECK("quota", rc == 0 && fails == 0, "quota (%d)", rc);
}

/* ---- killed mid-operation ---- */

static int count_object_files(void)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/objects", store);
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        n += e->d_name[0] != '.' && l > 4 && !strcmp(e->d_name + l - 4, ".obj");
    }
    if (d)
        closedir(d);
    return n;
}

static void churn(int ready)
{
    if (f->C_Initialize(NULL) != CKR_OK)
        _exit(1);
    CK_SESSION_HANDLE s = p11t_open_rw();
    if (p11t_login_user(s) != CKR_OK)
        _exit(2);
    for (unsigned i = 0;; i++) {
        CK_OBJECT_HANDLE h = generate(s, CKM_AES_KEY_GEN, 32, CK_TRUE, CK_FALSE, "churn");
        unsigned char out[16];
        if (!h || !ecb_zero(s, h, out))
            _exit(3);
        CK_ATTRIBUTE l = { CKA_LABEL, &i, sizeof i };
        f->C_SetAttributeValue(s, h, &l, 1);
        if (i % 2)
            f->C_DestroyObject(s, h);
        if (i == 1 && write(ready, "", 1) != 1)
            _exit(4);
    }
}

static int child_verify(int out)
{
    const char *A = "after the kills";
    size_t before = kct_failed(T), passed = kct_passed(T);
    RV(A, f->C_Initialize(NULL), CKR_OK);
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    CK_OBJECT_HANDLE h[2048];
    CK_ULONG n = 0;
    CK_RV rv = f->C_FindObjectsInit(s, NULL, 0);
    if (rv == CKR_OK)
        rv = f->C_FindObjects(s, h, 2048, &n);
    f->C_FindObjectsFinal(s);
    int files = count_object_files();
    CHECK(A, rv == CKR_OK && n == (CK_ULONG)files, "%lu objects open of %d files", n, files);
    int keys = 0, work = 0;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_OBJECT_CLASS c = 0;
        CK_KEY_TYPE kt = 0;
        CK_ATTRIBUTE a[] = { { CKA_CLASS, &c, sizeof c }, { CKA_KEY_TYPE, &kt, sizeof kt } };
        if (f->C_GetAttributeValue(s, h[i], a, 2) != CKR_OK || c != CKO_SECRET_KEY)
            continue;
        keys++;
        unsigned char o[32];
        work += kt == CKK_AES ? ecb_zero(s, h[i], o) : hmac_msg(s, h[i], o);
    }
    CHECK(A, keys > 3 && work == keys, "%d of %d keys work", work, keys);
    unsigned char o[16];
    CK_OBJECT_HANDLE a = find_label(s, "gen-aes256");
    CHECK(A, a && ecb_zero(s, a, o) && !memcmp(o, gen_ct256, 16),
          "the first generated key still gives its answer");
    keyring_view kv = view_keys();
    if (kernel_mode)
        CHECK(A, kv.encrypted + kv.logon == keys && kv.readable == 0,
              "each key is one unreadable kernel key (%d + %d of %d)", kv.encrypted, kv.logon,
              keys);
    else
        CHECK(A, kv.encrypted + kv.logon == 0, "6.1: no kernel keys");
    f->C_Finalize(NULL);
    int fails = (int)(kct_failed(T) - before);
    printf("%s (child process): %zu passed, %d failed\n", A, kct_passed(T) - passed, fails);
    return write(out, &fails, sizeof fails) == sizeof fails ? fails : 50;
}

static void killed_area(void)
{
    const char *A = "killed";
    for (int round = 0; round < 3; round++) {
        int ready[2];
        if (pipe(ready))
            return;
        int before = count_object_files();
        pid_t p = fork();
        if (p == 0) {
            close(ready[0]);
            churn(ready[1]);
        }
        close(ready[1]);
        char byte;
        CHECK(A, read(ready[0], &byte, 1) == 1, "the churning process runs");
        close(ready[0]);
        struct timespec ts = { 0, (long)(40 + (rand() % 300)) * 1000 * 1000 };
        nanosleep(&ts, NULL);
        kill(p, SIGKILL);
        int st;
        waitpid(p, &st, 0);
        CHECK(A, WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed mid-operation (round %d)",
              round);
        printf("round %d: killed after writing %d object files\n", round,
               count_object_files() - before);
    }
    int fails = -1;
    int rc = run_child(child_verify, &fails, sizeof fails);
    CHECK(A, rc == 0 && fails == 0, "a new process finds the store and keys intact (%d)", rc);
}

/* `kcrypt info` names the same custody as the token. */
static void info_area(const char *kcrypt)
{
    const char *A = "kcrypt info";
    char cmd[4200], line[512];
    snprintf(cmd, sizeof cmd, "%s info", kcrypt);
    FILE *p = popen(cmd, "r");
    int seen = 0;
    const char *want = kernel_mode ? "PKCS#11 token key custody: kernel keyring"
                                   : "PKCS#11 token key custody: sealed vault";
    while (p && fgets(line, sizeof line, p))
        if (!strncmp(line, "PKCS#11 token key custody:", 26)) {
            printf("%s", line);
            seen = !strncmp(line, want, strlen(want));
        }
    CHECK(A, p && pclose(p) == 0 && seen, "kcrypt info says \"%s\"", want);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s kcrypt-pkcs11.so kcrypt\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    T = kct_tally_new();
    srand((unsigned)time(NULL));
    kernel_mode = kernel_has_serial_keys();
    printf("kernel %s keys by serial: expecting %s custody\n", kernel_mode ? "has" : "lacks",
           kernel_mode ? "kernel keyring" : "sealed vault");
    if (p11t_store(store, sizeof store) || !p11t_load(argv[1]))
        return 2;
    info_area(argv[2]);
    custody_area();
    operations_area();
    quota_area();
    killed_area();
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", store);
    if (system(cmd)) {
    }
    return rc;
}
