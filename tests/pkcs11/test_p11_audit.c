/* SPDX-License-Identifier: Apache-2.0 */
/* The token's audit trail (issue 10 item 6). This program is its own
 * syslog daemon: it binds a datagram socket at $DEVLOG_SOCKET, and is run
 * by tests/support/private_devlog.sh with /dev/log a link to it. Each key
 * lifecycle event (create, generate, export of a value, wrap, unwrap and
 * its refusal, copy, destroy, token init) and each failed login (and the
 * lock) must give exactly one line at authpriv.notice (<85>) from
 * kcrypt-pkcs11[PID] with the label and id (hex); size queries, short
 * buffers and unknown handles give none; no line carries a key value, in
 * hex or raw.
 * Run inside a kernel with AF_ALG. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "p11t.h"

CK_FUNCTION_LIST *f;
kct_tally *T;

static int sock = -1;
static char lines[64][1024];
static size_t nlines;

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
static CK_KEY_TYPE aes = CKK_AES;

/* The lines that arrived since the last call (each op's lines are read
 * right after it, so the socket's queue of 10 datagrams never fills). */
static size_t drain(void)
{
    nlines = 0;
    struct pollfd p = { .fd = sock, .events = POLLIN };
    int wait_ms = 300;
    while (nlines < 64 && poll(&p, 1, wait_ms) == 1) {
        ssize_t n = recv(sock, lines[nlines], sizeof lines[0] - 1, 0);
        if (n < 0)
            break;
        lines[nlines][n] = '\0';
        nlines++;
        wait_ms = 50;
    }
    return nlines;
}

static size_t count(const char *needle)
{
    size_t c = 0;
    for (size_t i = 0; i < nlines; i++)
        c += strstr(lines[i], needle) != NULL;
    return c;
}

/* Every line of the run, for the search for key bytes. */
static char all[256][1024];
static size_t nall;
static void keep(void)
{
    for (size_t i = 0; i < nlines && nall < 256; i++)
        memcpy(all[nall++], lines[i], sizeof lines[i]);
}

/* Every line of one step: authpriv.notice from this process, and the
 * step's lines exactly `want` in number, each expected one once. */
static void expect(const char *area, size_t want, const char *const *needles, size_t nn)
{
    char ident[48];
    snprintf(ident, sizeof ident, " kcrypt-pkcs11[%ld]: ", (long)getpid());
    drain();
    keep();
    CHECK(area, nlines == want, "%zu lines, want %zu (first: %s)", nlines, want,
          nlines ? lines[0] : "none");
    for (size_t i = 0; i < nlines; i++) {
        CHECK(area, !strncmp(lines[i], "<85>", 4), "not authpriv.notice: %s", lines[i]);
        CHECK(area, strstr(lines[i], ident) != NULL, "ident/pid: %s", lines[i]);
        CHECK(area, !strchr(lines[i], '\n'), "a line break inside: %s", lines[i]);
    }
    for (size_t i = 0; i < nn; i++)
        CHECK(area, count(needles[i]) == 1, "\"%s\" %zu times in: %s", needles[i],
              count(needles[i]), nlines ? lines[0] : "no line");
}
#define EXPECT(area, want, ...)                                                   \
    do {                                                                        \
        const char *const n_[] = { __VA_ARGS__ };                               \
        expect(area, want, n_, sizeof n_ / sizeof n_[0]);                       \
    } while (0)

/* No line holds these bytes, raw or in hex (either case). */
/* 8 bytes of a value, raw or in hex (either case), in one line: leaked */
static int holds(const char *line, const unsigned char *v, size_t n)
{
    size_t w = n < 8 ? n : 8;
    for (size_t off = 0; off + w <= n; off++) {
        char lh[17], uh[17];
        for (size_t i = 0; i < w; i++) {
            snprintf(lh + 2 * i, 3, "%02x", v[off + i]);
            snprintf(uh + 2 * i, 3, "%02X", v[off + i]);
        }
        if (strstr(line, lh) || strstr(line, uh) || memmem(line, strlen(line), v + off, w))
            return 1;
    }
    return 0;
}

static void no_value(const char *area, const unsigned char *v, size_t n)
{
    for (size_t i = 0; i < nall; i++)
        CHECK(area, !holds(all[i], v, n), "key bytes in: %s", all[i]);
    /* the search itself finds a value planted in a line, in each form */
    char planted[160] = "<85>x kcrypt-pkcs11[1]: key y: label=\"";
    size_t at = strlen(planted);
    for (size_t i = 0; i < 8 && i < n; i++)
        snprintf(planted + at + 2 * i, 3, "%02X", v[i + (n > 9)]);
    CHECK(area, holds(planted, v, n), "a planted hex value not found: %s", planted);
    for (size_t off = 0; off + 8 <= n; off++)
        if (!memchr(v + off, 0, 8)) {   /* raw: 8 bytes a line can carry */
            memcpy(planted + at, v + off, 8), planted[at + 8] = '\0';
            CHECK(area, holds(planted, v, n), "a planted raw value not found");
            break;
        }
}

static CK_OBJECT_HANDLE gen_key(CK_SESSION_HANDLE s, const char *label, CK_BYTE id,
                                CK_ULONG len, int kek, int extractable)
{
    CK_BYTE idv[4] = { 0xc0, 0xff, 0xee, id };
    CK_ATTRIBUTE t[] = {
        { CKA_CLASS, &secret, sizeof secret },     { CKA_KEY_TYPE, &aes, sizeof aes },
        { CKA_VALUE_LEN, &len, sizeof len },       { CKA_LABEL, (void *)label, strlen(label) },
        { CKA_ID, idv, sizeof idv },               { CKA_TOKEN, &yes, sizeof yes },
        { CKA_SENSITIVE, extractable ? &no : &yes, 1 },
        { CKA_EXTRACTABLE, extractable ? &yes : &no, 1 },
        { CKA_WRAP, kek ? &yes : &no, 1 },         { CKA_UNWRAP, kek ? &yes : &no, 1 },
        { CKA_ENCRYPT, kek ? &no : &yes, 1 },      { CKA_DECRYPT, kek ? &no : &yes, 1 },
    };
    CK_MECHANISM m = { CKM_AES_KEY_GEN, NULL, 0 };
    CK_OBJECT_HANDLE h = 0;
    RV("generate", f->C_GenerateKey(s, &m, t, sizeof t / sizeof t[0], &h), CKR_OK);
    return h;
}

static void run(void)
{
    unsigned char k1[16], v2[32], wrapped[64], v4[32];
    for (size_t i = 0; i < sizeof k1; i++)
        k1[i] = (unsigned char)(0xa5 ^ (i * 29));
    setenv("KCRYPT_P11_PIN_TRIES", "2", 1);
    CK_SESSION_HANDLE s = p11t_init_token("init", "audit");
    /* InitToken; the SO's login and InitPIN are no key events */
    EXPECT("init", 1, "token initialized: token=\"audit\" serial=");
    RV("login", p11t_login_user(s), CKR_OK);
    EXPECT("login", 0);

    CK_BYTE id1[] = { 0xc0, 0xff, 0xee, 0x01 };
    CK_ATTRIBUTE ct[] = {
        { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
        { CKA_VALUE, k1, sizeof k1 },          { CKA_LABEL, "aud-create", 10 },
        { CKA_ID, id1, sizeof id1 },           { CKA_TOKEN, &yes, sizeof yes },
        { CKA_EXTRACTABLE, &yes, 1 },          { CKA_SENSITIVE, &no, 1 },
    };
    CK_OBJECT_HANDLE h1 = 0;
    RV("create", f->C_CreateObject(s, ct, sizeof ct / sizeof ct[0], &h1), CKR_OK);
    char want[256];
    snprintf(want, sizeof want, "key create: label=\"aud-create\" id=c0ffee01 class=secret-key "
             "type=aes handle=%lu token-object result=ok", h1);
    EXPECT("create", 1, want);

    CK_OBJECT_HANDLE h2 = gen_key(s, "aud-gen", 2, 32, 0, 1);
    EXPECT("generate", 1, "key generate: label=\"aud-gen\" id=c0ffee02 class=secret-key type=aes");
    CK_ATTRIBUTE va = { CKA_VALUE, NULL, 0 };
    RV("export-value", f->C_GetAttributeValue(s, h2, &va, 1), CKR_OK);
    EXPECT("export-value", 0);   /* a size query exports nothing */
    va.pValue = v2;
    va.ulValueLen = sizeof v2;
    RV("export-value", f->C_GetAttributeValue(s, h2, &va, 1), CKR_OK);
    EXPECT("export-value", 1, "key export-value: label=\"aud-gen\" id=c0ffee02 class=secret-key");

    CK_OBJECT_HANDLE hk = gen_key(s, "aud-kek", 3, 16, 1, 0);
    EXPECT("generate", 1, "key generate: label=\"aud-kek\" id=c0ffee03");
    CK_OBJECT_HANDLE hl = gen_key(s, "aud-locked", 5, 16, 0, 0);
    EXPECT("generate", 1, "key generate: label=\"aud-locked\" id=c0ffee05");
    CK_MECHANISM kw = { CKM_AES_KEY_WRAP, NULL, 0 };
    CK_ULONG wl = 0;
    RV("wrap", f->C_WrapKey(s, &kw, hk, h2, NULL, &wl), CKR_OK);
    EXPECT("wrap", 0);   /* size query */
    wl = 8;
    RV("wrap", f->C_WrapKey(s, &kw, hk, h2, wrapped, &wl), CKR_BUFFER_TOO_SMALL);
    EXPECT("wrap", 0);   /* short buffer */
    wl = sizeof wrapped;
    RV("wrap", f->C_WrapKey(s, &kw, hk, h2, wrapped, &wl), CKR_OK);
    EXPECT("wrap", 1, "key wrap-export: label=\"aud-gen\" id=c0ffee02 class=secret-key",
           "wrapping-key-label=\"aud-kek\" wrapping-key-id=c0ffee03", "result=ok");
    CK_ULONG wl2 = sizeof wrapped;
    unsigned char junk[64];
    RV("wrap", f->C_WrapKey(s, &kw, hk, hl, junk, &wl2), CKR_KEY_UNEXTRACTABLE);
    EXPECT("wrap", 1, "key wrap-export: label=\"aud-locked\" id=c0ffee05",
           "result=CKR_KEY_UNEXTRACTABLE");

    CK_BYTE id4[] = { 0xc0, 0xff, 0xee, 0x04 };
    CK_ATTRIBUTE ut[] = {
        { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
        { CKA_LABEL, "aud-unwrapped", 13 },    { CKA_ID, id4, sizeof id4 },
        { CKA_EXTRACTABLE, &yes, 1 },          { CKA_SENSITIVE, &no, 1 },
    };
    CK_OBJECT_HANDLE h4 = 0;
    RV("unwrap", f->C_UnwrapKey(s, &kw, hk, wrapped, wl, ut, sizeof ut / sizeof ut[0], &h4),
       CKR_OK);
    EXPECT("unwrap", 1, "key unwrap: label=\"aud-unwrapped\" id=c0ffee04 class=secret-key "
           "type=aes", "session-object unwrapping-key-label=\"aud-kek\" "
           "unwrapping-key-id=c0ffee03", "result=ok");
    unsigned char bad[64];
    memcpy(bad, wrapped, wl);
    bad[5] ^= 1;
    CK_OBJECT_HANDLE hbad = 0;
    RV("unwrap", f->C_UnwrapKey(s, &kw, hk, bad, wl, ut, sizeof ut / sizeof ut[0], &hbad),
       CKR_WRAPPED_KEY_INVALID);
    EXPECT("unwrap", 1, "key unwrap: new-key=none unwrapping-key-label=\"aud-kek\"",
           "result=CKR_WRAPPED_KEY_INVALID");
    CK_ATTRIBUTE v4a = { CKA_VALUE, v4, sizeof v4 };
    RV("unwrap", f->C_GetAttributeValue(s, h4, &v4a, 1), CKR_OK);
    CHECK("unwrap", v4a.ulValueLen == 32 && !memcmp(v4, v2, 32), "unwrapped value differs");
    EXPECT("export-value", 1, "key export-value: label=\"aud-unwrapped\" id=c0ffee04");

    CK_ATTRIBUTE cpt[] = { { CKA_LABEL, "aud-copy", 8 } };
    CK_OBJECT_HANDLE hc = 0;
    RV("copy", f->C_CopyObject(s, h1, cpt, 1, &hc), CKR_OK);
    EXPECT("copy", 1, "key copy: label=\"aud-copy\" id=c0ffee01 class=secret-key");
    RV("destroy", f->C_DestroyObject(s, h1), CKR_OK);
    snprintf(want, sizeof want, "key destroy: label=\"aud-create\" id=c0ffee01 class=secret-key "
             "type=aes handle=%lu token-object result=ok", h1);
    EXPECT("destroy", 1, want);
    RV("destroy", f->C_DestroyObject(s, h1), CKR_OBJECT_HANDLE_INVALID);
    EXPECT("destroy", 0);   /* no object, no line */

    /* a label cannot forge a field or a line */
    CK_ATTRIBUTE et[] = {
        { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
        { CKA_VALUE, k1, sizeof k1 },          { CKA_LABEL, "ev\"il\nkey", 9 },
    };
    CK_OBJECT_HANDLE he = 0;
    RV("label", f->C_CreateObject(s, et, sizeof et / sizeof et[0], &he), CKR_OK);
    EXPECT("label", 1, "key create: label=\"ev\\x22il\\x0akey\" id=- class=secret-key");

    /* wrong PINs: each counted, then the lock, then the refusal */
    RV("pin", f->C_Logout(s), CKR_OK);
    RV("pin", f->C_Login(s, CKU_USER, (CK_UTF8CHAR *)"9999", 4), CKR_PIN_INCORRECT);
    EXPECT("pin", 1, "login failed: role=user token=\"audit\"",
           "failures=1/2 result=CKR_PIN_INCORRECT");
    RV("pin", f->C_Login(s, CKU_USER, (CK_UTF8CHAR *)"9998", 4), CKR_PIN_INCORRECT);
    EXPECT("pin", 2, "login failed: role=user token=\"audit\"",
           "failures=2/2 result=CKR_PIN_INCORRECT", "pin locked: role=user token=\"audit\"");
    RV("pin", p11t_login_user(s), CKR_PIN_LOCKED);
    EXPECT("pin", 1, "login refused: role=user token=\"audit\"", "result=CKR_PIN_LOCKED");
    RV("pin", f->C_Login(s, CKU_SO, (CK_UTF8CHAR *)"00000000", 8), CKR_PIN_INCORRECT);
    EXPECT("pin", 1, "login failed: role=so token=\"audit\"", "failures=1/2");

    no_value("no-key-bytes", k1, sizeof k1);
    no_value("no-key-bytes", v2, sizeof v2);
    CHECK("no-key-bytes", nall == 19, "%zu lines in all, want 19", nall);
    f->C_CloseSession(s);
    f->C_Finalize(NULL);
}

int main(int argc, char **argv)
{
    const char *path = getenv("DEVLOG_SOCKET");
    if (argc != 2 || !path) {
        fprintf(stderr, "usage: private_devlog.sh auto %s kcrypt-pkcs11.so\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path)
        return 2;
    strcpy(sa.sun_path, path);
    unlink(path);
    sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0 || bind(sock, (struct sockaddr *)&sa, sizeof sa)) {
        perror(path);
        return 2;
    }
    char store[64];
    T = kct_tally_new();
    if (p11t_store(store, sizeof store) || !p11t_load(argv[1]))
        return 2;
    run();
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    unlink(path);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", store);
    if (system(cmd)) {
    }
    return rc;
}
