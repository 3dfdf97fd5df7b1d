/* SPDX-License-Identifier: Apache-2.0 */
/* The token against a hostile neighbour (issue 13), one area per run:
 *   keysep  wrap+decrypt and unwrap+encrypt refused, usages only turned
 *           off after creation, CKA_TRUSTED set by the SO only,
 *           CKA_WRAP_WITH_TRUSTED keys wrapped only by trusted keys;
 *   store   a planted key file, a symlink at the old predictable temporary,
 *           a FIFO, a foreign-owned file, a group-writable directory, a
 *           swapped private file, an object too big to read back;
 *   race    C_SetAttributeValue against another process's C_DestroyObject
 *           and C_SetAttributeValue.
 * Runs as root inside a kernel with AF_ALG (the foreign owner is a chown). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "p11t.h"

CK_FUNCTION_LIST *f;
kct_tally *T;

static char store[64];
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret = CKO_SECRET_KEY, data_cls = CKO_DATA;
static CK_KEY_TYPE aes = CKK_AES;


static void init_token(void)
{
    RV("setup", f->C_CloseSession(p11t_init_token("setup", "")), CKR_OK);
}

static CK_OBJECT_HANDLE find_label(CK_SESSION_HANDLE s, const char *label, CK_ULONG *count)
{
    CK_ATTRIBUTE t = { CKA_LABEL, (void *)label, strlen(label) };
    CK_OBJECT_HANDLE h[4] = { 0 };
    CK_ULONG n = 0;
    if (f->C_FindObjectsInit(s, &t, 1) == CKR_OK) {
        f->C_FindObjects(s, h, 4, &n);
        f->C_FindObjectsFinal(s);
    }
    if (count)
        *count = n;
    return n == 1 ? h[0] : 0;
}

static CK_OBJECT_HANDLE aes_key(CK_SESSION_HANDLE s, CK_ATTRIBUTE *extra, CK_ULONG nextra,
                                CK_RV *rv)
{
    static unsigned char v[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    CK_ATTRIBUTE t[12] = {
        { CKA_CLASS, &secret, sizeof secret }, { CKA_KEY_TYPE, &aes, sizeof aes },
        { CKA_VALUE, v, sizeof v },
    };
    for (CK_ULONG i = 0; i < nextra; i++)
        t[3 + i] = extra[i];
    CK_OBJECT_HANDLE h = 0;
    *rv = f->C_CreateObject(s, t, 3 + nextra, &h);
    return h;
}

/* ---- keysep ---- */

static void keysep_area(void)
{
    const char *A = "keysep";
    init_token();
    CK_RV rv;
    CK_SESSION_HANDLE s = p11t_open_rw();
    /* The SO makes a trusted wrapping key (public, so it outlives the SO's login). */
    RV(A, f->C_Login(s, CKU_SO, (CK_UTF8CHAR *)P11T_SO_PIN, 8), CKR_OK);
    CK_ATTRIBUTE tk[] = { { CKA_PRIVATE, &no, 1 }, { CKA_TRUSTED, &yes, 1 },
                          { CKA_WRAP, &yes, 1 }, { CKA_DECRYPT, &no, 1 },
                          { CKA_ENCRYPT, &no, 1 } };
    CK_OBJECT_HANDLE trusted = aes_key(s, tk, 5, &rv);
    CHECK(A, rv == CKR_OK, "SO creates a trusted wrapping key: 0x%lx", rv);
    RV(A, f->C_Logout(s), CKR_OK);
    RV(A, p11t_login_user(s), CKR_OK);

    /* The user cannot make a key trusted. */
    CK_ATTRIBUTE ut[] = { { CKA_TRUSTED, &yes, 1 } };
    aes_key(s, ut, 1, &rv);
    CHECK(A, rv == CKR_ATTRIBUTE_READ_ONLY, "user sets CKA_TRUSTED: 0x%lx", rv);

    /* Defaults: a key decrypts, so it does not wrap. */
    CK_ATTRIBUTE sens[] = { { CKA_SENSITIVE, &yes, 1 }, { CKA_EXTRACTABLE, &yes, 1 } };
    CK_OBJECT_HANDLE victim = aes_key(s, sens, 2, &rv);
    CK_OBJECT_HANDLE dflt = aes_key(s, NULL, 0, &rv);
    CK_BBOOL w = 1, u = 1;
    CK_ATTRIBUTE q[] = { { CKA_WRAP, &w, 1 }, { CKA_UNWRAP, &u, 1 } };
    RV(A, f->C_GetAttributeValue(s, dflt, q, 2), CKR_OK);
    CHECK(A, !w && !u, "default key: CKA_WRAP %d CKA_UNWRAP %d, want 0 0", w, u);
    CK_MECHANISM kw = { CKM_AES_KEY_WRAP, NULL, 0 };
    unsigned char out[64];
    CK_ULONG n = sizeof out;
    RV(A, f->C_WrapKey(s, &kw, dflt, victim, out, &n), CKR_KEY_FUNCTION_NOT_PERMITTED);

    /* Templates asking for both roles. */
    CK_ATTRIBUTE wd[] = { { CKA_WRAP, &yes, 1 }, { CKA_DECRYPT, &yes, 1 } };
    aes_key(s, wd, 2, &rv);
    CHECK(A, rv == CKR_TEMPLATE_INCONSISTENT, "wrap+decrypt template: 0x%lx", rv);
    CK_ATTRIBUTE ue[] = { { CKA_UNWRAP, &yes, 1 }, { CKA_ENCRYPT, &yes, 1 } };
    aes_key(s, ue, 2, &rv);
    CHECK(A, rv == CKR_TEMPLATE_INCONSISTENT, "unwrap+encrypt template: 0x%lx", rv);
    CK_ATTRIBUTE wu[] = { { CKA_WRAP, &yes, 1 }, { CKA_UNWRAP, &yes, 1 },
                          { CKA_ENCRYPT, &no, 1 }, { CKA_DECRYPT, &no, 1 } };
    CK_OBJECT_HANDLE kek = aes_key(s, wu, 4, &rv);
    CHECK(A, rv == CKR_OK, "a pure key-encryption key: 0x%lx", rv);

    /* No role added later (the attack in steps, Bortolozzo et al. 2010). */
    CK_ATTRIBUTE on_wrap[] = { { CKA_WRAP, &yes, 1 } };
    CK_ATTRIBUTE on_dec[] = { { CKA_DECRYPT, &yes, 1 } };
    CK_ATTRIBUTE on_enc[] = { { CKA_ENCRYPT, &yes, 1 } };
    CK_ATTRIBUTE off_wrap[] = { { CKA_WRAP, &no, 1 } };
    RV(A, f->C_SetAttributeValue(s, dflt, on_wrap, 1), CKR_ATTRIBUTE_READ_ONLY);
    RV(A, f->C_SetAttributeValue(s, kek, on_dec, 1), CKR_ATTRIBUTE_READ_ONLY);
    RV(A, f->C_SetAttributeValue(s, kek, on_enc, 1), CKR_ATTRIBUTE_READ_ONLY);
    CK_OBJECT_HANDLE copy = 0;
    RV(A, f->C_CopyObject(s, kek, on_dec, 1, &copy), CKR_ATTRIBUTE_READ_ONLY);
    RV(A, f->C_SetAttributeValue(s, kek, off_wrap, 1), CKR_OK);
    RV(A, f->C_SetAttributeValue(s, kek, on_dec, 1), CKR_ATTRIBUTE_READ_ONLY);

    /* The whole attack: wrap a sensitive key, decrypt the blob. */
    CK_ATTRIBUTE w_only[] = { { CKA_WRAP, &yes, 1 }, { CKA_DECRYPT, &no, 1 },
                              { CKA_ENCRYPT, &no, 1 } };
    CK_OBJECT_HANDLE wk = aes_key(s, w_only, 3, &rv);
    n = sizeof out;
    RV(A, f->C_WrapKey(s, &kw, wk, victim, out, &n), CKR_OK);
    CK_MECHANISM ecb = { CKM_AES_ECB, NULL, 0 };
    RV(A, f->C_DecryptInit(s, &ecb, wk), CKR_KEY_FUNCTION_NOT_PERMITTED);

    /* CKA_WRAP_WITH_TRUSTED: only a trusted key wraps it. */
    CK_ATTRIBUTE wwt[] = { { CKA_WRAP_WITH_TRUSTED, &yes, 1 }, { CKA_EXTRACTABLE, &yes, 1 } };
    CK_OBJECT_HANDLE guarded = aes_key(s, wwt, 2, &rv);
    n = sizeof out;
    RV(A, f->C_WrapKey(s, &kw, wk, guarded, out, &n), CKR_KEY_NOT_WRAPPABLE);
    n = sizeof out;
    RV(A, f->C_WrapKey(s, &kw, trusted, guarded, out, &n), CKR_OK);
    CK_ATTRIBUTE off_wwt[] = { { CKA_WRAP_WITH_TRUSTED, &no, 1 } };
    RV(A, f->C_SetAttributeValue(s, guarded, off_wwt, 1), CKR_ATTRIBUTE_READ_ONLY);
    CK_ATTRIBUTE off_tr[] = { { CKA_TRUSTED, &no, 1 } };
    RV(A, f->C_SetAttributeValue(s, trusted, off_tr, 1), CKR_ATTRIBUTE_READ_ONLY);
    RV(A, f->C_Finalize(NULL), CKR_OK);
}

/* ---- store ---- */

static void objects_dir(char *out, size_t n)
{
    snprintf(out, n, "%s/objects", store);
}

/* The one object file in the store whose bytes contain needle. */
/* The first line of a shell command's output, without its newline. */
static int first_line_of(const char *cmd, char *out, size_t n)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int ok = fgets(out, (int)n, p) != NULL;
    pclose(p);
    if (!ok)
        return -1;
    out[strcspn(out, "\n")] = '\0';
    return 0;
}

static int file_with(const char *needle, char *out, size_t n)
{
    char dir[128], cmd[512];
    objects_dir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "grep -l -a -- '%s' %s/*.obj 2>/dev/null", needle, dir);
    return first_line_of(cmd, out, n);
}

static void put_le(unsigned char **p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        *(*p)++ = (unsigned char)(v >> (8 * i));
}

static void put_attr(unsigned char **p, uint64_t t, const void *v, uint32_t n)
{
    put_le(p, t, 8);
    put_le(p, n, 4);
    memcpy(*p, v, n);
    *p += n;
}

/* An object file written by hand: the format's header and a clear part
 * only (no sealed part, no authentication), as an attacker could plant it. */
static int write_clear_object(const char *name, const unsigned char *clear, size_t n)
{
    unsigned char file[600], *p = file;
    if (n > sizeof file - 20)
        return -1;
    memcpy(p, "KCP11OB1", 8);
    p += 8;
    put_le(&p, 0, 4);
    put_le(&p, n, 4);
    put_le(&p, 0, 4);
    memcpy(p, clear, n);
    p += n;
    char path[256];
    snprintf(path, sizeof path, "%s/objects/%s", store, name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    fwrite(file, 1, (size_t)(p - file), fp);
    return fclose(fp);
}

/* A public AES key file in the object format, its value in the clear part. */
static int plant_key(const char *label)
{
    unsigned char clear[512], *c = clear;
    CK_ULONG cls = CKO_SECRET_KEY, kt = CKK_AES;
    unsigned char v[16] = { 0 };
    put_attr(&c, CKA_CLASS, &cls, sizeof cls);
    put_attr(&c, CKA_KEY_TYPE, &kt, sizeof kt);
    put_attr(&c, CKA_TOKEN, &yes, 1);
    put_attr(&c, CKA_PRIVATE, &no, 1);
    put_attr(&c, CKA_ENCRYPT, &yes, 1);
    put_attr(&c, CKA_LABEL, label, (uint32_t)strlen(label));
    put_attr(&c, CKA_VALUE, v, sizeof v);
    return write_clear_object("00000000000000aa.obj", clear, (size_t)(c - clear));
}

static CK_OBJECT_HANDLE data_obj(CK_SESSION_HANDLE s, const char *label, const void *v,
                                 CK_ULONG n, CK_BBOOL priv, CK_RV *rv)
{
    CK_ATTRIBUTE t[] = { { CKA_CLASS, &data_cls, sizeof data_cls }, { CKA_TOKEN, &yes, 1 },
                         { CKA_PRIVATE, &priv, 1 }, { CKA_LABEL, (void *)label, strlen(label) },
                         { CKA_VALUE, (void *)v, n } };
    CK_OBJECT_HANDLE h = 0;
    *rv = f->C_CreateObject(s, t, 5, &h);
    return h;
}

static void restart(CK_SESSION_HANDLE *s)
{
    f->C_Finalize(NULL);
    f->C_Initialize(NULL);
    *s = p11t_open_rw();
    p11t_login_user(*s);
}

static int read_victim(const char *path, char *buf, size_t n)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    size_t got = fread(buf, 1, n - 1, fp);
    buf[got] = '\0';
    fclose(fp);
    return 0;
}

/* In a child: does C_FindObjectsInit return within 10 s with a FIFO in the store? */
static int fifo_child(void)
{
    pid_t p = fork();
    if (p == 0) {
        alarm(10);
        if (f->C_Initialize(NULL) != CKR_OK)
            _exit(3);
        CK_SESSION_HANDLE s = p11t_open_rw();
        CK_ULONG n;
        find_label(s, "anything", &n);
        _exit(0);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Set the first byte of attribute t's value in the clear part of file path
 * (in place: same inode); -1 if the file has no such attribute. */
static int patch_clear_attr(const char *path, uint64_t t, unsigned char byte)
{
    unsigned char file[4096];
    FILE *fp = fopen(path, "r+b");
    if (!fp)
        return -1;
    size_t n = fread(file, 1, sizeof file, fp), clear_len = 0;
    int done = -1;
    for (int i = 0; n >= 20 && i < 4; i++)
        clear_len |= (size_t)file[12 + i] << (8 * i);
    for (size_t at = 20; done && at + 12 <= 20 + clear_len && at + 12 <= n;) {
        uint64_t type = 0;
        size_t len = 0;
        for (int i = 0; i < 8; i++)
            type |= (uint64_t)file[at + i] << (8 * i);
        for (int i = 0; i < 4; i++)
            len |= (size_t)file[at + 8 + i] << (8 * i);
        if (type == t && len && at + 12 < n) {
            file[at + 12] = byte;
            done = 0;
        }
        at += 12 + len;
    }
    if (!done && (fseek(fp, 0, SEEK_SET) || fwrite(file, 1, n, fp) != n))
        done = -1;
    return fclose(fp) || done ? -1 : 0;
}

/* A public data object file written by hand: clear part only. */
static int plant_data(const char *label)
{
    unsigned char clear[512], *c = clear;
    CK_ULONG cls = CKO_DATA;
    put_attr(&c, CKA_CLASS, &cls, sizeof cls);
    put_attr(&c, CKA_TOKEN, &yes, 1);
    put_attr(&c, CKA_PRIVATE, &no, 1);
    put_attr(&c, CKA_LABEL, label, (uint32_t)strlen(label));
    put_attr(&c, CKA_VALUE, "evil", 4);
    return write_clear_object("00000000000000bb.obj", clear, (size_t)(c - clear));
}

/* A fresh process state, not logged in. */
static void restart_public(CK_SESSION_HANDLE *s)
{
    f->C_Finalize(NULL);
    f->C_Initialize(NULL);
    *s = p11t_open_rw();
}

/* Public objects' clear attributes are authenticated under the token key:
 * before a login they are shown as read, at the login verified, and an
 * altered or planted one goes. */
static void integrity_checks(CK_SESSION_HANDLE *s)
{
    const char *A = "integrity";
    char path[512];
    CK_RV rv;
    CK_ULONG cnt;
    CK_ATTRIBUTE pub[] = { { CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &no, 1 },
                           { CKA_SENSITIVE, &yes, 1 }, { CKA_EXTRACTABLE, &no, 1 },
                           { CKA_LABEL, "pubkey", 6 } };
    aes_key(*s, pub, 5, &rv);
    CHECK(A, rv == CKR_OK, "public token key: 0x%lx", rv);
    data_obj(*s, "pubdata", "good", 4, CK_FALSE, &rv);
    CHECK(A, rv == CKR_OK, "public data object: 0x%lx", rv);
    CHECK(A, file_with("pubkey", path, sizeof path) == 0 &&
                 patch_clear_attr(path, CKA_SENSITIVE, 0) == 0 &&
                 patch_clear_attr(path, CKA_EXTRACTABLE, 1) == 0,
          "flip CKA_SENSITIVE/CKA_EXTRACTABLE in the public key's file");
    CHECK(A, file_with("pubdata", path, sizeof path) == 0 &&
                 patch_clear_attr(path, CKA_VALUE, 'b') == 0,
          "alter the public data object's value");
    CHECK(A, plant_data("planted-data") == 0, "plant a public data object");

    restart_public(s);
    find_label(*s, "pubkey", &cnt);
    CHECK(A, cnt == 1, "before login the public key is shown unverified: %lu", cnt);
    find_label(*s, "planted-data", &cnt);
    CHECK(A, cnt == 0, "a file with no authentication shown before login: %lu", cnt);
    RV(A, p11t_login_user(*s), CKR_OK);
    find_label(*s, "pubkey", &cnt);
    CHECK(A, cnt == 0, "altered public key kept after login: %lu", cnt);
    find_label(*s, "pubdata", &cnt);
    CHECK(A, cnt == 0, "altered public data object kept after login: %lu", cnt);
    find_label(*s, "planted-data", &cnt);
    CHECK(A, cnt == 0, "planted public data object found after login: %lu", cnt);
    CHECK(A, find_label(*s, "first", NULL) != 0, "an untouched public object stays");
    CK_OBJECT_HANDLE h;
    data_obj(*s, "later", "x", 1, CK_FALSE, &rv);
    CHECK(A, rv == CKR_OK, "public data object after login: 0x%lx", rv);
    restart_public(s);
    data_obj(*s, "early", "x", 1, CK_FALSE, &rv);
    CHECK(A, rv == CKR_USER_NOT_LOGGED_IN, "public token object before login: 0x%lx", rv);
    h = find_label(*s, "later", NULL);
    CK_ATTRIBUTE lbl = { CKA_LABEL, "renamed", 7 };
    RV(A, f->C_SetAttributeValue(*s, h, &lbl, 1), CKR_USER_NOT_LOGGED_IN);
    RV(A, p11t_login_user(*s), CKR_OK);
    CHECK(A, find_label(*s, "later", NULL) != 0, "public object written after login verifies");
}

/* Remember the object files there are now (before == 1), or name the one
 * that has appeared since (file times are too coarse on some kernels). */
static int new_file(int before, char *out, size_t n)
{
    char cmd[512];
    if (before) {
        snprintf(cmd, sizeof cmd, "ls %s/objects/*.obj > %s.list 2>/dev/null", store, store);
        return system(cmd) ? -1 : 0;
    }
    snprintf(cmd, sizeof cmd, "ls %s/objects/*.obj | grep -vxF -f %s.list; rm -f %s.list",
             store, store, store);
    return first_line_of(cmd, out, n);
}

static size_t slurp(const char *path, unsigned char *b, size_t n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t got = fread(b, 1, n, fp);
    fclose(fp);
    return got;
}

/* Put old bytes back at path (an old copy restored). */
static int put_back(const char *path, const unsigned char *b, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t put = fwrite(b, 1, n, fp);
    return fclose(fp) || put != n ? -1 : 0;
}

/* Each object file is bound to the store version it was written at, kept
 * in the token's authenticated index: an old copy put back is refused. */
static void rollback_checks(CK_SESSION_HANDLE *s)
{
    const char *A = "rollback";
    char path[512];
    static unsigned char old[4096];
    size_t n = 0;
    CK_RV rv;
    CK_ULONG cnt;
    CK_ATTRIBUTE k[] = { { CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &no, 1 },
                         { CKA_SENSITIVE, &no, 1 }, { CKA_EXTRACTABLE, &yes, 1 },
                         { CKA_LABEL, "rbkey", 5 } };
    CK_OBJECT_HANDLE h = aes_key(*s, k, 5, &rv);
    CHECK(A, rv == CKR_OK, "readable public key: 0x%lx", rv);
    CHECK(A, file_with("rbkey", path, sizeof path) == 0 &&
                 (n = slurp(path, old, sizeof old)) > 0, "copy of the key's file");
    CK_ATTRIBUTE sens = { CKA_SENSITIVE, &yes, 1 };
    RV(A, f->C_SetAttributeValue(*s, h, &sens, 1), CKR_OK);
    CHECK(A, put_back(path, old, n) == 0, "old copy of the key's file put back");

    CHECK(A, new_file(1, NULL, 0) == 0, "list the object files");
    CK_OBJECT_HANDLE d = data_obj(*s, "rbdata", "v1", 2, CK_TRUE, &rv);
    CHECK(A, rv == CKR_OK, "private data object: 0x%lx", rv);
    char dpath[512];
    static unsigned char dold[4096];
    size_t dn = 0;
    CHECK(A, new_file(0, dpath, sizeof dpath) == 0 && (dn = slurp(dpath, dold, sizeof dold)) > 0,
          "copy of the private file");
    CK_ATTRIBUTE v2 = { CKA_VALUE, "v2", 2 };
    RV(A, f->C_SetAttributeValue(*s, d, &v2, 1), CKR_OK);
    CHECK(A, put_back(dpath, dold, dn) == 0, "old copy of the private file put back");

    h = data_obj(*s, "rbgone", "x", 1, CK_FALSE, &rv);
    CHECK(A, rv == CKR_OK && file_with("rbgone", path, sizeof path) == 0 &&
                 (n = slurp(path, old, sizeof old)) > 0, "copy of a file to destroy");
    RV(A, f->C_DestroyObject(*s, h), CKR_OK);
    CHECK(A, put_back(path, old, n) == 0, "destroyed object's file put back");

    restart(s);
    find_label(*s, "rbkey", &cnt);
    CHECK(A, cnt == 0, "rolled-back key (CKA_SENSITIVE undone) found after login: %lu", cnt);
    find_label(*s, "rbdata", &cnt);
    CHECK(A, cnt == 0, "rolled-back private data object found: %lu", cnt);
    find_label(*s, "rbgone", &cnt);
    CHECK(A, cnt == 0, "destroyed object came back from an old copy: %lu", cnt);
    CHECK(A, find_label(*s, "first", NULL) != 0, "an untouched object stays");
    CHECK(A, find_label(*s, "later", NULL) != 0, "another untouched object stays");
}

static void store_area(void)
{
    const char *A = "store";
    char dir[128], path[700], target[512], victim[128], buf[64];
    CK_RV rv;
    CK_ULONG cnt;
    init_token();
    objects_dir(dir, sizeof dir);
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    data_obj(s, "first", "one", 3, CK_FALSE, &rv);
    RV(A, rv, CKR_OK);

    /* plant: a key whose value anyone could have written is not used */
    CHECK(A, plant_key("planted") == 0, "plant a file");
    restart(&s);
    find_label(s, "planted", &cnt);
    CHECK(A, cnt == 0, "planted clear-value key found %lu times", cnt);
    snprintf(path, sizeof path, "%s/00000000000000aa.obj", dir);
    unlink(path);

    /* symlink at the old predictable temporary: root's write must not follow it */
    snprintf(victim, sizeof victim, "%s-victim", store);
    FILE *fp = fopen(victim, "w");
    fputs("victim", fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/token.state.%ld.tmp", store, (long)getpid());
    CHECK(A, symlink(victim, path) == 0, "symlink at the temporary");
    RV(A, f->C_SetPIN(s, (CK_UTF8CHAR *)P11T_USER_PIN, 4, (CK_UTF8CHAR *)P11T_USER_PIN, 4), CKR_OK);
    read_victim(victim, buf, sizeof buf);
    CHECK(A, !strcmp(buf, "victim"), "C_SetPIN wrote through a symlink: '%.20s'", buf);
    unlink(path);
    CHECK(A, file_with("first", target, sizeof target) == 0, "file of 'first'");
    snprintf(path, sizeof path, "%s.%ld.tmp", target, (long)getpid());
    CHECK(A, symlink(victim, path) == 0, "symlink at the object temporary");
    CK_OBJECT_HANDLE h = find_label(s, "first", NULL);
    CK_ATTRIBUTE app[] = { { CKA_APPLICATION, "app", 3 } };
    RV(A, f->C_SetAttributeValue(s, h, app, 1), CKR_OK);
    read_victim(victim, buf, sizeof buf);
    CHECK(A, !strcmp(buf, "victim"), "object write through a symlink: '%.20s'", buf);
    unlink(path);

    /* a symlink in place of an object file is not read */
    CHECK(A, file_with("first", target, sizeof target) == 0, "file of 'first'");
    snprintf(path, sizeof path, "%s.moved", target);
    rename(target, path);
    CHECK(A, symlink(path, target) == 0, "symlink in place of the object");
    restart(&s);
    find_label(s, "first", &cnt);
    CHECK(A, cnt == 0, "object read through a symlink");
    unlink(target);
    rename(path, target);

    /* a FIFO does not hang the token */
    snprintf(path, sizeof path, "%s/00000000000000bb.obj", dir);
    CHECK(A, mkfifo(path, 0600) == 0, "mkfifo");
    CHECK(A, fifo_child() == 0, "C_FindObjectsInit hung on a FIFO in the store");
    unlink(path);

    /* a file another user owns is not believed */
    restart(&s);
    find_label(s, "first", &cnt);
    CHECK(A, cnt == 1, "own object found");
    CHECK(A, chown(target, 4242, 4242) == 0, "chown");
    restart(&s);
    find_label(s, "first", &cnt);
    CHECK(A, cnt == 0, "foreign-owned object file used");
    CHECK(A, chown(target, 0, 0) == 0 && chmod(target, 0620) == 0, "chmod g+w");
    restart(&s);
    find_label(s, "first", &cnt);
    CHECK(A, cnt == 0, "group-writable object file used");
    chmod(target, 0600);

    /* a group- or world-writable store directory is refused */
    chmod(dir, 0777);
    restart(&s);
    find_label(s, "first", &cnt);
    CHECK(A, cnt == 0, "object in a world-writable directory used");
    data_obj(s, "second", "two", 3, CK_FALSE, &rv);
    CHECK(A, rv == CKR_DEVICE_ERROR, "write into a world-writable directory: 0x%lx", rv);
    chmod(dir, 0700);
    restart(&s);
    find_label(s, "first", &cnt);
    CHECK(A, cnt == 1, "found again once the directory is ours alone");

    /* swapped private files: each is bound to its name */
    data_obj(s, "priv-a", "A", 1, CK_TRUE, &rv);
    data_obj(s, "priv-b", "B", 1, CK_TRUE, &rv);
    char fa[512], fb[512], tmp[600];
    CHECK(A, file_with("KCP11OB1\x01", fa, sizeof fa) == 0, "private file");
    int two = 0;
    {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "ls %s/*.obj", dir);
        FILE *p = popen(cmd, "r");
        char line[512];
        while (p && fgets(line, sizeof line, p)) {
            line[strcspn(line, "\n")] = '\0';
            if (strcmp(line, fa) && strcmp(line, target)) {
                snprintf(fb, sizeof fb, "%s", line);
                two = 1;
            }
        }
        if (p)
            pclose(p);
    }
    CHECK(A, two, "two private files");
    snprintf(tmp, sizeof tmp, "%s.x", fa);
    rename(fa, tmp);
    rename(fb, fa);
    rename(tmp, fb);
    restart(&s);
    find_label(s, "priv-a", &cnt);
    CHECK(A, cnt == 0, "swapped private file priv-a used");
    find_label(s, "priv-b", &cnt);
    CHECK(A, cnt == 0, "swapped private file priv-b used");

    /* what cannot be read back is not written */
    size_t big = 3u << 19;   /* 1.5 MiB */
    unsigned char *b = calloc(1, big);
    data_obj(s, "big", b, big, CK_FALSE, &rv);
    CHECK(A, rv == CKR_DEVICE_MEMORY, "1.5 MiB token object: 0x%lx", rv);
    h = find_label(s, "first", NULL);
    CK_ATTRIBUTE bv[] = { { CKA_VALUE, b, big } };
    RV(A, f->C_SetAttributeValue(s, h, bv, 1), CKR_DEVICE_MEMORY);
    free(b);
    restart(&s);
    find_label(s, "big", &cnt);
    CHECK(A, cnt == 0, "big object");
    h = find_label(s, "first", NULL);
    char val[8] = { 0 };
    CK_ATTRIBUTE gv[] = { { CKA_VALUE, val, sizeof val } };
    RV(A, f->C_GetAttributeValue(s, h, gv, 1), CKR_OK);
    CHECK(A, gv[0].ulValueLen == 3 && !memcmp(val, "one", 3), "value kept after a refused set");
    integrity_checks(&s);
    rollback_checks(&s);
    unlink(victim);
    f->C_Finalize(NULL);
}

/* ---- race ---- */

static int child_loop(const char *label, int destroy)
{
    if (f->C_Initialize(NULL) != CKR_OK)
        return 3;
    CK_SESSION_HANDLE s = p11t_open_rw();
    if (p11t_login_user(s) != CKR_OK)
        return 4;
    CK_OBJECT_HANDLE h = find_label(s, label, NULL);
    if (!h)
        return 5;
    if (destroy)
        return f->C_DestroyObject(s, h) == CKR_OK ? 0 : 6;
    char v[16];
    for (int i = 0; i < 100; i++) {
        snprintf(v, sizeof v, "c%03d", i);
        CK_ATTRIBUTE t[] = { { CKA_APPLICATION, v, 4 } };
        if (f->C_SetAttributeValue(s, h, t, 1) != CKR_OK)
            return 7;
    }
    return 0;
}

static void race_area(void)
{
    const char *A = "race";
    init_token();
    CK_SESSION_HANDLE s = p11t_open_rw();
    RV(A, p11t_login_user(s), CKR_OK);
    CK_RV rv;
    int resurrected = 0;
    for (int round = 0; round < 20; round++) {
        char label[32];
        snprintf(label, sizeof label, "victim-%d", round);
        CK_OBJECT_HANDLE h = data_obj(s, label, "v", 1, CK_FALSE, &rv);
        pid_t p = fork();
        if (p == 0)
            _exit(child_loop(label, 1));
        CK_RV last = CKR_OK;
        char v[16];
        for (int i = 0; i < 50 && last == CKR_OK; i++) {
            snprintf(v, sizeof v, "p%03d", i);
            CK_ATTRIBUTE t[] = { { CKA_LABEL, label, strlen(label) }, { CKA_ID, v, 4 } };
            last = f->C_SetAttributeValue(s, h, t, 2);
        }
        int st = 0;
        waitpid(p, &st, 0);
        CHECK(A, WIFEXITED(st) && WEXITSTATUS(st) == 0, "destroying child: %d", WEXITSTATUS(st));
        CK_ULONG cnt;
        find_label(s, label, &cnt);
        resurrected += cnt != 0;
    }
    CHECK(A, resurrected == 0, "destroyed object came back in %d of 20 rounds", resurrected);

    /* concurrent updates of different attributes: both last values stay */
    CK_OBJECT_HANDLE h = data_obj(s, "shared", "v", 1, CK_FALSE, &rv);
    pid_t p = fork();
    if (p == 0)
        _exit(child_loop("shared", 0));
    char v[16];
    for (int i = 0; i < 100; i++) {
        snprintf(v, sizeof v, "p%03d", i);
        CK_ATTRIBUTE t[] = { { CKA_OBJECT_ID, v, 4 } };
        RV(A, f->C_SetAttributeValue(s, h, t, 1), CKR_OK);
    }
    int st = 0;
    waitpid(p, &st, 0);
    CHECK(A, WIFEXITED(st) && WEXITSTATUS(st) == 0, "updating child: %d", WEXITSTATUS(st));
    restart(&s);
    h = find_label(s, "shared", NULL);
    char a[8] = { 0 }, o[8] = { 0 };
    CK_ATTRIBUTE g[] = { { CKA_APPLICATION, a, sizeof a }, { CKA_OBJECT_ID, o, sizeof o } };
    RV(A, f->C_GetAttributeValue(s, h, g, 2), CKR_OK);
    CHECK(A, !memcmp(a, "c099", 4) && !memcmp(o, "p099", 4),
          "lost update: application '%.4s' object id '%.4s'", a, o);
    f->C_Finalize(NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s kcrypt-pkcs11.so keysep|attack|race\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    T = kct_tally_new();
    if (p11t_store(store, sizeof store) || !p11t_load(argv[1]))
        return 2;
    if (!strcmp(argv[2], "keysep"))
        keysep_area();
    else if (!strcmp(argv[2], "attack"))
        store_area();
    else if (!strcmp(argv[2], "race"))
        race_area();
    else
        return 2;
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", store);
    if (system(cmd)) {
    }
    return rc;
}
