/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit tests of the token's pure logic, linked from kcp11_core without
 * a kernel: the state file parser (store.c), the index parser (objindex.c),
 * object file decoding before a login (objfile.c), the attribute rules
 * (attr.c: defaults, sticky attributes, key separation) and the CKR mapping
 * (rv.c). Encoding needs the token key in the kernel: pkcs11_store covers
 * the round trip there. */
#include "unit.h"
#include "p11.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

kct_tally *T;

/* ---- token.state ---- */
static CK_RV parse_text(const char *text, p11_token *t)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    memset(t, 0, sizeof *t);
    CK_RV rv = f ? p11_store_parse(f, t) : CKR_HOST_MEMORY;
    if (f)
        fclose(f);
    return rv;
}

#define STATE_HEAD "kcrypt-p11-token 1\n"
#define LABEL "label 6b63727970742020202020202020202020202020202020202020202020202020\n"
#define SO "so_salt 000102030405060708090a0b0c0d0e0f\n" \
           "so_wrapped " "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677\n"

static void store_area(void)
{
    const char *A = "store-parse";
    p11_token t;
    CK_RV rv = parse_text(STATE_HEAD LABEL "serial 30313233343536373839616263646566\n"
                          "iterations 1000\nso_fail 2\n" SO, &t);
    CHECK(A, rv == CKR_OK && t.initialized && !memcmp(t.label, "kcrypt  ", 8) &&
                 !memcmp(t.serial, "0123456789abcdef", 16) && t.iterations == 1000 &&
                 t.so_fail == 2 && t.so_salt[15] == 0x0f && t.so_wrapped[39] == 0x77 &&
                 !t.user_pin_set && t.pin_tries == P11_PIN_TRIES_DEFAULT,
          "valid state: rv 0x%lx", rv);
    static const char *bad[] = {
        "kcrypt-p11-token 2\niterations 1000\n",                     /* another format */
        "",                                                          /* empty */
        STATE_HEAD "iterations 999\n",                               /* below the minimum */
        STATE_HEAD "iterations 10000001\n",                          /* a login would hang */
        STATE_HEAD "iterations 1000\nso_salt 0001\n",                /* short field */
        STATE_HEAD "iterations 1000\nso_salt 000102030405060708090a0b0c0d0e0f00\n", /* long */
        /* not hex: sscanf("%2x") took a sign or a space as part of a byte */
        STATE_HEAD "iterations 1000\nso_salt +f0102030405060708090a0b0c0d0e0f\n",
        STATE_HEAD "iterations 1000\nso_salt  f0102030405060708090a0b0c0d0e0f\n",
        STATE_HEAD "iterations 1000\nso_salt 0x0102030405060708090a0b0c0d0e0f\n",
        STATE_HEAD "iterations 1000\nuser_salt 000102030405060708090a0b0c0d0eXX\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rv = parse_text(bad[i], &t);
        CHECK(A, rv == CKR_DEVICE_ERROR, "bad state %zu accepted (0x%lx)", i, rv);
    }
    /* a line longer than the reader's buffer is not a field */
    char big[2048];
    snprintf(big, sizeof big, STATE_HEAD "iterations 1000\nlabel %01500d\n", 0);
    rv = parse_text(big, &t);
    CHECK(A, rv == CKR_OK || rv == CKR_DEVICE_ERROR, "long line: 0x%lx", rv);
}

/* ---- objects/index plaintext ---- */
static void le(unsigned char *p, unsigned long long v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void index_area(void)
{
    const char *A = "index-parse";
    unsigned char p[12 + 2 * 24];
    le(p, 77, 8);
    le(p + 8, 2, 4);
    memcpy(p + 12, "0123456789abcdef", 16);
    le(p + 28, 5, 8);
    memcpy(p + 36, "fedcba9876543210", 16);
    le(p + 52, 76, 8);
    p11_index ix;
    CK_RV rv = p11_index_parse(&ix, p, sizeof p);
    CHECK(A, rv == CKR_OK && ix.version == 77 && ix.n == 2 &&
                 p11_index_gen(&ix, "0123456789abcdef") == 5 &&
                 p11_index_gen(&ix, "fedcba9876543210") == 76 &&
                 p11_index_gen(&ix, "0000000000000000") == 0,
          "valid index: rv 0x%lx", rv);
    if (rv == CKR_OK)
        p11_index_free(&ix);
    CHECK(A, p11_index_parse(&ix, p, 11) == CKR_DEVICE_ERROR, "11 bytes accepted");
    CHECK(A, p11_index_parse(&ix, p, sizeof p - 1) == CKR_DEVICE_ERROR, "cut entry accepted");
    le(p + 8, 3, 4);
    CHECK(A, p11_index_parse(&ix, p, sizeof p) == CKR_DEVICE_ERROR, "count 3 of 2 accepted");
    le(p + 8, 0xffffffffu, 4);
    CHECK(A, p11_index_parse(&ix, p, sizeof p) == CKR_DEVICE_ERROR, "count 2^32-1 accepted");
    le(p + 8, 0, 4);
    rv = p11_index_parse(&ix, p, 12);
    CHECK(A, rv == CKR_OK && ix.n == 0, "empty index: 0x%lx", rv);
    if (rv == CKR_OK)
        p11_index_free(&ix);
}

/* ---- object files, read before a login (no token key) ---- */
typedef struct {
    unsigned char b[4096];
    size_t n;
} fbuf;

static void fput(fbuf *f, const void *v, size_t n)
{
    memcpy(f->b + f->n, v, n);
    f->n += n;
}

static void fattr(fbuf *f, CK_ATTRIBUTE_TYPE t, const void *v, size_t n)
{
    unsigned char h[12];
    le(h, t, 8);
    le(h + 8, n, 4);
    fput(f, h, 12);
    fput(f, v, n);
}

/* "KCP11OB1" | flags | clear_len | sealed_len | clear | sealed (opaque here) */
static void file_of(fbuf *out, const fbuf *clear, uint32_t flags, size_t sealed)
{
    unsigned char h[12];
    out->n = 0;
    fput(out, "KCP11OB1", 8);
    le(h, flags, 4);
    le(h + 4, clear->n, 4);
    le(h + 8, sealed, 4);
    fput(out, h, 12);
    fput(out, clear->b, clear->n);
    memset(out->b + out->n, 0xa5, sealed);
    out->n += sealed;
}

static const char NAME[] = "0123456789abcdef";

static void objfile_area(void)
{
    const char *A = "objfile-decode";
    CK_OBJECT_CLASS data = CKO_DATA, sk = CKO_SECRET_KEY, cert = CKO_CERTIFICATE;
    CK_KEY_TYPE aes = CKK_AES;
    CK_ULONG vlen = 16;
    fbuf c = { .n = 0 }, f;
    fattr(&c, CKA_CLASS, &data, sizeof data);
    fattr(&c, CKA_LABEL, "hi", 2);
    fattr(&c, CKA_VALUE, "payload", 7);
    file_of(&f, &c, 0, 28);
    p11_object *o = NULL;
    CK_RV rv = p11_objfile_decode(NAME, f.b, f.n, &o);
    p11_attr *lab = o ? p11_attr_get(o, CKA_LABEL) : NULL;
    CHECK(A, rv == CKR_OK && o && o->cls == CKO_DATA && o->unverified && lab && lab->len == 2 &&
                 !memcmp(lab->val, "hi", 2) && !strcmp(o->file, NAME),
          "public data object: rv 0x%lx", rv);
    p11_object_free(o);

    /* each refusal */
    struct {
        const char *what;
        CK_RV want;
    } cases[] = {
        { "no sealed part", CKR_DEVICE_ERROR },      { "private", CKR_USER_NOT_LOGGED_IN },
        { "bad magic", CKR_DEVICE_ERROR },           { "sealed length wrong", CKR_DEVICE_ERROR },
        { "clear length past the end", CKR_DEVICE_ERROR }, { "attribute overruns", CKR_DEVICE_ERROR },
        { "key value in the clear", CKR_DEVICE_ERROR }, { "certificate class", CKR_DEVICE_ERROR },
        { "shorter than the header", CKR_DEVICE_ERROR },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fbuf cc = { .n = 0 };
        fattr(&cc, CKA_CLASS, i == 6 ? &sk : i == 7 ? &cert : &data, sizeof data);
        if (i == 6)
            fattr(&cc, CKA_VALUE, "0123456789abcdef", 16);
        file_of(&f, &cc, i == 1 ? 1 : 0, i == 0 ? 0 : 28);
        if (i == 2)
            f.b[7] = '2';
        if (i == 3)
            le(f.b + 16, 29, 4);
        if (i == 4)
            le(f.b + 12, 4000, 4);
        if (i == 5)
            le(f.b + 20 + 8, 5000, 4);
        if (i == 8)
            f.n = 19;
        o = NULL;
        rv = p11_objfile_decode(NAME, f.b, f.n, &o);
        CHECK(A, rv == cases[i].want && !o, "%s: got 0x%lx want 0x%lx", cases[i].what, rv,
              cases[i].want);
        p11_object_free(o);
    }

    /* a public secret key before a login: shown locked, its length known */
    fbuf k = { .n = 0 };
    fattr(&k, CKA_CLASS, &sk, sizeof sk);
    fattr(&k, CKA_KEY_TYPE, &aes, sizeof aes);
    fattr(&k, CKA_VALUE_LEN, &vlen, sizeof vlen);
    file_of(&f, &k, 0, 28 + 40);
    o = NULL;
    rv = p11_objfile_decode(NAME, f.b, f.n, &o);
    CHECK(A, rv == CKR_OK && o && o->locked && o->kt == CKK_AES && o->value_len == 16 &&
                 !o->sealed,
          "public key before login: rv 0x%lx", rv);
    p11_object_free(o);
}

/* ---- attribute rules ---- */
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

static CK_RV set1(p11_session *s, p11_object *o, CK_ATTRIBUTE_TYPE t, CK_BBOOL *v)
{
    CK_ATTRIBUTE a = { t, v, 1 };
    return p11_attr_apply(s, o, &a, 1, 0);
}

static void attr_area(void)
{
    const char *A = "attr-rules";
    p11_session s;
    memset(&s, 0, sizeof s);
    s.flags = CKF_SERIAL_SESSION | CKF_RW_SESSION;
    s.h = 1;
    p11_object *k = p11_object_new(CKO_SECRET_KEY);
    k->kt = CKK_AES;
    CHECK(A, p11_attr_defaults(k) == CKR_OK, "defaults");
    /* a careful token: private, sensitive, not extractable, no wrapping */
    static const struct {
        CK_ATTRIBUTE_TYPE t;
        int v;
    } def[] = {
        { CKA_PRIVATE, 1 }, { CKA_SENSITIVE, 1 }, { CKA_EXTRACTABLE, 0 }, { CKA_ENCRYPT, 1 },
        { CKA_DECRYPT, 1 }, { CKA_SIGN, 1 },      { CKA_VERIFY, 1 },      { CKA_WRAP, 0 },
        { CKA_UNWRAP, 0 },  { CKA_DERIVE, 0 },    { CKA_TRUSTED, 0 },     { CKA_LOCAL, 0 },
        { CKA_MODIFIABLE, 1 }, { CKA_TOKEN, 0 },  { CKA_NEVER_EXTRACTABLE, 0 },
    };
    for (size_t i = 0; i < sizeof def / sizeof def[0]; i++)
        CHECK(A, p11_attr_bool(k, def[i].t) == def[i].v, "key default of 0x%lx is not %d",
              def[i].t, def[i].v);
    CHECK(A, p11_key_separation(k) == CKR_OK, "defaults break key separation");

    /* sticky: SENSITIVE only on, EXTRACTABLE and the usages only off */
    CHECK(A, set1(&s, k, CKA_SENSITIVE, &no) == CKR_ATTRIBUTE_READ_ONLY, "SENSITIVE cleared");
    CHECK(A, set1(&s, k, CKA_EXTRACTABLE, &yes) == CKR_ATTRIBUTE_READ_ONLY, "EXTRACTABLE set");
    CHECK(A, set1(&s, k, CKA_WRAP, &yes) == CKR_ATTRIBUTE_READ_ONLY, "WRAP turned on");
    CHECK(A, set1(&s, k, CKA_UNWRAP, &yes) == CKR_ATTRIBUTE_READ_ONLY, "UNWRAP turned on");
    CHECK(A, set1(&s, k, CKA_DECRYPT, &no) == CKR_OK && !p11_attr_bool(k, CKA_DECRYPT),
          "DECRYPT could not be turned off");
    CHECK(A, set1(&s, k, CKA_DECRYPT, &yes) == CKR_ATTRIBUTE_READ_ONLY, "DECRYPT back on");
    CHECK(A, set1(&s, k, CKA_TRUSTED, &yes) == CKR_ATTRIBUTE_READ_ONLY, "TRUSTED set by a user");
    CHECK(A, set1(&s, k, CKA_TOKEN, &yes) == CKR_ATTRIBUTE_READ_ONLY, "TOKEN changed");
    CHECK(A, set1(&s, k, CKA_PRIVATE, &no) == CKR_ATTRIBUTE_READ_ONLY, "PRIVATE changed");
    CK_ULONG one = 1;
    static const CK_ATTRIBUTE_TYPE ro[] = { CKA_CLASS, CKA_KEY_TYPE, CKA_VALUE_LEN, CKA_LOCAL,
                                            CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE,
                                            CKA_KEY_GEN_MECHANISM, CKA_CHECK_VALUE, CKA_VALUE };
    for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++) {
        int is_bool = ro[i] == CKA_LOCAL || ro[i] == CKA_ALWAYS_SENSITIVE ||
                      ro[i] == CKA_NEVER_EXTRACTABLE;
        CK_ATTRIBUTE a = { ro[i], is_bool ? (void *)&yes : (void *)&one,
                           is_bool ? 1 : sizeof one };
        CHECK(A, p11_attr_apply(&s, k, &a, 1, 0) == CKR_ATTRIBUTE_READ_ONLY,
              "0x%lx changed on a key", ro[i]);
    }
    /* C_CopyObject may change TOKEN, but the usages stay sticky */
    CK_ATTRIBUTE cp[] = { { CKA_TOKEN, &no, 1 }, { CKA_DECRYPT, &yes, 1 } };
    CHECK(A, p11_attr_apply(&s, k, cp, 2, 1) == CKR_ATTRIBUTE_READ_ONLY,
          "a copy turned DECRYPT back on");
    /* a refused template changes nothing */
    CK_ATTRIBUTE mix[] = { { CKA_LABEL, "x", 1 }, { CKA_EXTRACTABLE, &yes, 1 } };
    CHECK(A, p11_attr_apply(&s, k, mix, 2, 0) == CKR_ATTRIBUTE_READ_ONLY &&
                 p11_attr_get(k, CKA_LABEL)->len == 0,
          "half a refused template applied");
    CHECK(A, set1(&s, k, CKA_MODIFIABLE, &no) == CKR_ATTRIBUTE_READ_ONLY, "MODIFIABLE cleared");

    /* key separation: WRAP with DECRYPT, UNWRAP with ENCRYPT */
    p11_object *w = p11_object_new(CKO_SECRET_KEY);
    w->kt = CKK_AES;
    p11_attr_defaults(w);
    p11_attr_set_bool(w, CKA_WRAP, 1);
    CHECK(A, p11_key_separation(w) == CKR_TEMPLATE_INCONSISTENT, "WRAP + DECRYPT allowed");
    p11_attr_set_bool(w, CKA_DECRYPT, 0);
    CHECK(A, p11_key_separation(w) == CKR_OK, "WRAP + ENCRYPT refused");
    p11_attr_set_bool(w, CKA_UNWRAP, 1);
    CHECK(A, p11_key_separation(w) == CKR_TEMPLATE_INCONSISTENT, "UNWRAP + ENCRYPT allowed");
    p11_attr_set_bool(w, CKA_ENCRYPT, 0);
    CHECK(A, p11_key_separation(w) == CKR_OK, "a pure KEK refused");
    p11_attr_set_bool(w, CKA_MODIFIABLE, 0);
    CHECK(A, set1(&s, w, CKA_SIGN, &no) == CKR_ACTION_PROHIBITED, "unmodifiable object changed");
    p11_object_free(w);
    p11_object_free(k);

    /* data objects: public by default; a private one needs a login */
    CK_OBJECT_CLASS dc = CKO_DATA;
    CK_ATTRIBUTE dt[] = { { CKA_CLASS, &dc, sizeof dc }, { CKA_VALUE, "v", 1 } };
    CK_OBJECT_HANDLE h = 0;
    p11_g.next_object = 1;
    CK_RV rv = p11_object_make(&s, dt, 2, P11_MAKE_CREATE, CKO_DATA, 0, NULL, 0, 0, &h);
    CHECK(A, rv == CKR_OK && h && p11_g.objects && !p11_attr_bool(p11_g.objects, CKA_PRIVATE),
          "data object: 0x%lx", rv);
    CK_ATTRIBUTE dp[] = { { CKA_CLASS, &dc, sizeof dc }, { CKA_PRIVATE, &yes, 1 } };
    CHECK(A, p11_object_make(&s, dp, 2, P11_MAKE_CREATE, CKO_DATA, 0, NULL, 0, 0, &h) ==
                 CKR_USER_NOT_LOGGED_IN,
          "private data object before a login");
    CK_ATTRIBUTE dl[] = { { CKA_CLASS, &dc, sizeof dc }, { CKA_LOCAL, &yes, 1 } };
    CHECK(A, p11_object_make(&s, dl, 2, P11_MAKE_CREATE, CKO_DATA, 0, NULL, 0, 0, &h) ==
                 CKR_ATTRIBUTE_TYPE_INVALID,
          "CKA_LOCAL on a data object");
    p11_objects_free_all();
}

/* ---- kc_status / errno to CKR ---- */
static char debug_path[64];

static int debug_has(const char *text)
{
    FILE *f = fopen(debug_path, "r");
    char line[512];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, text) != NULL;
    if (f)
        fclose(f);
    return found;
}

static void rv_area(void)
{
    const char *A = "ckr-map";
    static const struct {
        kc_status st;
        int e;
        p11_use use;
        CK_RV want;
    } m[] = {
        { KC_ERR_NOMEM, ENOMEM, P11_USE_INIT, CKR_HOST_MEMORY },
        { KC_ERR_NOMEM, ENOMEM, P11_USE_DECRYPT, CKR_HOST_MEMORY },
        { KC_ERR_NOMEM, ENOMEM, P11_USE_TOKEN, CKR_HOST_MEMORY },
        { KC_ERR_KERNEL, ENOMEM, P11_USE_ENCRYPT, CKR_HOST_MEMORY },
        { KC_ERR_KERNEL, EIO, P11_USE_ENCRYPT, CKR_DEVICE_ERROR },
        { KC_ERR_NO_ALG, ENOENT, P11_USE_INIT, CKR_MECHANISM_INVALID },
        { KC_ERR_NO_ALG, ENOENT, P11_USE_KEY, CKR_MECHANISM_INVALID },
        { KC_ERR_NO_ALG, ENOENT, P11_USE_TOKEN, CKR_DEVICE_ERROR },
        { KC_ERR_KEY, EKEYREJECTED, P11_USE_INIT, CKR_KEY_SIZE_RANGE },
        { KC_ERR_INVALID_ARG, EINVAL, P11_USE_KEY, CKR_KEY_SIZE_RANGE },
        { KC_ERR_INVALID_ARG, EINVAL, P11_USE_INIT, CKR_MECHANISM_PARAM_INVALID },
        { KC_ERR_INVALID_ARG, EINVAL, P11_USE_ENCRYPT, CKR_DATA_LEN_RANGE },
        { KC_ERR_INVALID_ARG, EINVAL, P11_USE_DECRYPT, CKR_ENCRYPTED_DATA_LEN_RANGE },
        { KC_ERR_AUTH, EBADMSG, P11_USE_DECRYPT, CKR_ENCRYPTED_DATA_INVALID },
        { KC_ERR_AUTH, EBADMSG, P11_USE_VERIFY, CKR_SIGNATURE_INVALID },
        { KC_ERR_AUTH, EBADMSG, P11_USE_UNWRAP, CKR_WRAPPED_KEY_INVALID },
        { KC_ERR_AUTH, EBADMSG, P11_USE_TOKEN, CKR_DEVICE_ERROR },
        { KC_ERR_FORKED, 0, P11_USE_ENCRYPT, CKR_CRYPTOKI_NOT_INITIALIZED },
        { KC_OK, 0, P11_USE_ENCRYPT, CKR_DEVICE_ERROR },   /* a short output */
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        kc_error e;
        kc_fail(&e, m[i].st, m[i].e, "AES-GCM: case %zu", i);
        CK_RV rv = p11_rv(&e, m[i].use);
        CHECK(A, rv == m[i].want, "%s errno %d use %d: got 0x%lx want 0x%lx",
              kc_status_name(m[i].st), m[i].e, (int)m[i].use, rv, m[i].want);
    }
    /* each mapped failure reached the KCRYPT_DEBUG file (set in main) with
     * common/'s text: algorithm, errno, status and the CKR code */
    CHECK(A, debug_has("AES-GCM: case 5: No such file or directory (ENOENT, errno 2) "
                       "[KC_ERR_NO_ALG] -> CKR 0x70"),
          "no debug line for a missing algorithm in %s", debug_path);
    CHECK(A, debug_has("AES-GCM: case 13: Bad message (EBADMSG, errno 74) [KC_ERR_AUTH] -> CKR 0x40"),
          "no debug line for a failed tag check in %s", debug_path);
    CHECK(A, p11_rv_errno(ENOMEM) == CKR_HOST_MEMORY && p11_rv_errno(ENOSPC) == CKR_DEVICE_MEMORY &&
                 p11_rv_errno(EIO) == CKR_DEVICE_ERROR,
          "errno of file calls");
}

int main(void)
{
    T = kct_tally_new();
    snprintf(debug_path, sizeof debug_path, "/tmp/kc-unit-p11-%ld.debug", (long)getpid());
    setenv("KCRYPT_DEBUG", debug_path, 1);   /* before the first message */
    store_area();
    index_area();
    objfile_area();
    attr_area();
    rv_area();
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    kct_tally_free(T);
    unlink(debug_path);
    return rc;
}
