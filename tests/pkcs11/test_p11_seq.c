/* SPDX-License-Identifier: Apache-2.0 */
/* PKCS#11 state machine: for each operation family (encrypt, decrypt per
 * mechanism; digest; sign; verify) every order of Init / Update / one-shot
 * / Final up to four calls, each output call with a size query (NULL
 * buffer), a buffer one byte short (CKR_BUFFER_TOO_SMALL, the operation
 * stays) and then the right one. Return codes are checked against a model
 * of the spec's rules (PKCS#11 3.0, 5.2 and the function texts), output
 * bytes against OpenSSL's default provider. Then the token fixes this
 * test guards (lengths, CTR counter, PIN retry counter, calls after
 * C_Finalize). Usage: test_p11_seq MODULE [--reference]; with
 * --reference (SoftHSMv2) spec deviations are printed as DIFF lines. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "p11_ref.h"

CK_FUNCTION_LIST *f;
kct_tally *T;

static CK_SESSION_HANDLE S;
static CK_SLOT_ID SLOT;
static unsigned char KEY[16], MACKEY[32], IV[16], AAD[8], M[64];

/* ---- the families ---- */
enum { ENC, DEC, DIG, SIGN, VERIFY };
typedef struct {
    const char *name;
    int kind;
    CK_MECHANISM mech;
    CK_OBJECT_HANDLE key;
    const char *evp;          /* cipher or digest name for the reference */
    int gcm, pad;
    unsigned char in[96];     /* the message the family consumes */
    size_t in_len;
    size_t half;              /* Update feeds this much, 0: all at once */
} fam;

static CK_GCM_PARAMS gcm_p;
static CK_AES_CTR_PARAMS ctr_p;

/* OpenSSL's answer for data through the family; -1 when the message is
 * not valid for it (the module must refuse). */
static int ref(const fam *x, const unsigned char *in, size_t n, unsigned char *out, size_t *outn)
{
    if (x->kind == DIG) {
        unsigned int l = 0;
        int ok = EVP_Digest(in, n, out, &l, EVP_get_digestbyname(x->evp), NULL);
        *outn = l;
        return ok ? 0 : -1;
    }
    if (x->kind == SIGN || x->kind == VERIFY) {
        return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, MACKEY, sizeof MACKEY, in, n, out,
                         64, outn)
                   ? 0
                   : -1;
    }
    int enc = x->kind == ENC, l = 0, l2 = 0, ok;
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, x->evp, NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    size_t body = n;
    if (x->gcm && !enc) {
        if (n < 16) {
            EVP_CIPHER_CTX_free(ctx);
            EVP_CIPHER_free(c);
            return -1;
        }
        body = n - 16;
    }
    int wrap = strstr(x->evp, "WRAP") != NULL;
    if (wrap && (n == 0 || (!strstr(x->evp, "PAD") && (n % 8 || n < 16)))) {
        EVP_CIPHER_CTX_free(ctx);
        EVP_CIPHER_free(c);
        return -1;   /* RFC 3394 wraps two semiblocks and more */
    }
    ok = EVP_CipherInit_ex2(ctx, c, KEY, wrap ? NULL : IV, enc, NULL) &&
         (wrap || EVP_CIPHER_CTX_set_padding(ctx, x->pad));
    if (ok && x->gcm) {
        ok = EVP_CipherUpdate(ctx, NULL, &l, AAD, sizeof AAD);
        if (!enc)
            ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(in + body));
    }
    ok = ok && EVP_CipherUpdate(ctx, out, &l, in, (int)body) &&
         EVP_CipherFinal_ex(ctx, out + l, &l2);
    *outn = (size_t)(l + l2);
    if (ok && x->gcm && enc) {
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, out + *outn);
        *outn += 16;
    }
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    return ok ? 0 : -1;
}

static CK_RV f_init(fam *x)
{
    switch (x->kind) {
    case ENC: return f->C_EncryptInit(S, &x->mech, x->key);
    case DEC: return f->C_DecryptInit(S, &x->mech, x->key);
    case DIG: return f->C_DigestInit(S, &x->mech);
    case SIGN: return f->C_SignInit(S, &x->mech, x->key);
    default: return f->C_VerifyInit(S, &x->mech, x->key);
    }
}
static CK_RV f_update(fam *x, unsigned char *in, CK_ULONG n, unsigned char *out, CK_ULONG *ol)
{
    switch (x->kind) {
    case ENC: return f->C_EncryptUpdate(S, in, n, out, ol);
    case DEC: return f->C_DecryptUpdate(S, in, n, out, ol);
    case DIG: *ol = 0; return f->C_DigestUpdate(S, in, n);
    case SIGN: *ol = 0; return f->C_SignUpdate(S, in, n);
    default: *ol = 0; return f->C_VerifyUpdate(S, in, n);
    }
}
/* out: the output buffer, or the signature to verify (ol its length) */
static CK_RV f_oneshot(fam *x, unsigned char *in, CK_ULONG n, unsigned char *out, CK_ULONG *ol)
{
    switch (x->kind) {
    case ENC: return f->C_Encrypt(S, in, n, out, ol);
    case DEC: return f->C_Decrypt(S, in, n, out, ol);
    case DIG: return f->C_Digest(S, in, n, out, ol);
    case SIGN: return f->C_Sign(S, in, n, out, ol);
    default: return f->C_Verify(S, in, n, out, *ol);
    }
}
static CK_RV f_final(fam *x, unsigned char *out, CK_ULONG *ol)
{
    switch (x->kind) {
    case ENC: return f->C_EncryptFinal(S, out, ol);
    case DEC: return f->C_DecryptFinal(S, out, ol);
    case DIG: return f->C_DigestFinal(S, out, ol);
    case SIGN: return f->C_SignFinal(S, out, ol);
    default: return f->C_VerifyFinal(S, out, *ol);
    }
}

/* An output call the spec's way: size query, one byte short, then right.
 * Returns the final rv; out/ol get the output. `want` is the expected
 * output (NULL when the call must fail with `fail`). */
static CK_RV out_call(fam *x, int oneshot, unsigned char *in, CK_ULONG n, const unsigned char *want,
                      size_t want_n, CK_RV fail, const char *seq, unsigned char *got, size_t *gotn)
{
    char area[64];
    snprintf(area, sizeof area, "%s %s", x->name, oneshot ? "one-shot" : "final");
    unsigned char buf[256];
    CK_ULONG l;
    CK_RV rv;
    *gotn = 0;
    if (x->kind == VERIFY) {   /* want: the MAC of what was fed */
        unsigned char sig[32] = { 0 };
        if (want)
            memcpy(sig, want, sizeof sig);
        l = sizeof sig;
        rv = oneshot ? f_oneshot(x, in, n, sig, &l) : f_final(x, sig, &l);
        SPEC(area, rv, want ? CKR_OK : fail, "%s", seq);
        return rv;
    }
    if (!want) {
        l = sizeof buf;
        rv = oneshot ? f_oneshot(x, in, n, buf, &l) : f_final(x, buf, &l);
        SPEC(area, rv, fail, "%s", seq);
        return rv;
    }
    l = 0;
    rv = oneshot ? f_oneshot(x, in, n, NULL, &l) : f_final(x, NULL, &l);
    SPEC(area, rv, CKR_OK, "%s: size query", seq);
    CHECK(area, rv != CKR_OK || l >= want_n, "%s: size %lu < %zu", seq, l, want_n);
    if (want_n) {
        l = want_n - 1;
        rv = oneshot ? f_oneshot(x, in, n, buf, &l) : f_final(x, buf, &l);
        SPEC(area, rv, CKR_BUFFER_TOO_SMALL, "%s: short buffer", seq);
    }
    l = sizeof buf;
    rv = oneshot ? f_oneshot(x, in, n, buf, &l) : f_final(x, buf, &l);
    SPEC(area, rv, CKR_OK, "%s", seq);
    if (rv == CKR_OK) {
        memcpy(got, buf, l);
        *gotn = l;
    }
    return rv;
}

enum { NONE, FRESH, UPD };

/* Run one sequence ("IUOF"...) against the model. */
static void run_seq(fam *x, const char *seq)
{
    int st = NONE;
    size_t fed = 0, prod = 0;
    unsigned char out[512];
    char area[64];
    for (const char *p = seq; *p; p++) {
        CK_RV rv;
        CK_ULONG l;
        switch (*p) {
        case 'I':
            snprintf(area, sizeof area, "%s init", x->name);
            rv = f_init(x);
            SPEC(area, rv, st == NONE ? CKR_OK : CKR_OPERATION_ACTIVE, "%s", seq);
            if (st == NONE) {
                st = FRESH;
                fed = prod = 0;
            }
            break;
        case 'U': {
            snprintf(area, sizeof area, "%s update", x->name);
            size_t n = x->half ? (fed < x->in_len ? x->half : 0) : x->in_len - fed;
            if (fed + n > x->in_len)
                n = x->in_len - fed;
            if (st == NONE) {
                l = sizeof out;
                SPEC(area, f_update(x, x->in, n, out, &l), CKR_OPERATION_NOT_INITIALIZED, "%s",
                     seq);
                break;
            }
            if (x->kind == ENC || x->kind == DEC) {   /* size query first */
                l = 0;
                SPEC(area, f_update(x, x->in + fed, n, NULL, &l), CKR_OK, "%s: size", seq);
            }
            l = sizeof out - prod;
            rv = f_update(x, x->in + fed, n, out + prod, &l);
            SPEC(area, rv, CKR_OK, "%s", seq);
            if (rv == CKR_OK)
                prod += l;
            fed += n;
            st = UPD;
            break;
        }
        case 'O':
        case 'F': {
            int one = *p == 'O';
            snprintf(area, sizeof area, "%s %s", x->name, one ? "one-shot" : "final");
            if (st == NONE || (one && st == UPD)) {
                /* one-shot after Update: CKR_OPERATION_ACTIVE, and the
                 * operation ends ("always terminates ... unless") */
                out_call(x, one, x->in, x->in_len, NULL, 0,
                         st == NONE ? CKR_OPERATION_NOT_INITIALIZED : CKR_OPERATION_ACTIVE, seq,
                         out, &(size_t){ 0 });
                st = NONE;
                break;
            }
            unsigned char want[256];
            size_t wn = 0;
            const unsigned char *data = x->in;
            size_t dn = one ? x->in_len : fed;
            int bad = ref(x, data, dn, want, &wn);
            if (bad) {
                out_call(x, one, x->in, dn, NULL, 0,
                         x->kind == DEC ? CKR_ENCRYPTED_DATA_LEN_RANGE : CKR_DATA_LEN_RANGE, seq,
                         out, &(size_t){ 0 });
                st = NONE;
                break;
            }
            size_t got = 0;
            if (x->kind == VERIFY) {
                out_call(x, one, x->in, dn, want, wn, 0, seq, out, &got);
            } else {
                size_t skip = one ? 0 : prod;   /* Final: what Update already gave */
                CK_RV r = out_call(x, one, x->in, dn, want + skip, wn - skip, 0, seq,
                                   out + prod, &got);
                if (!one)
                    got += prod;
                if (r == CKR_OK)   /* a refusal was counted above */
                    CHECK(area, got == wn && !memcmp(one ? out + prod : out, want, wn),
                      "%s: bytes differ from OpenSSL (%zu/%zu)", seq, got, wn);
            }
            st = NONE;
            break;
        }
        }
    }
}

/* Each sequence in a session of its own (the keys belong to the main
 * one), so a module whose state differs from the model's cannot carry
 * an operation into the next sequence. */
static void run_fresh(fam *x, const char *seq)
{
    CK_SESSION_HANDLE main_s = S;
    CK_RV rv = f->C_OpenSession(SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &S);
    if (rv != CKR_OK) {
        kct_fail(T, x->name, "C_OpenSession 0x%lx", rv);
        S = main_s;
        return;
    }
    run_seq(x, seq);
    (void)f->C_CloseSession(S);
    S = main_s;
}

static void all_sequences(fam *x)
{
    static const char alpha[] = "IUOF";
    char seq[8];
    for (int len = 1; len <= 4; len++) {
        int total = 1;
        for (int i = 0; i < len; i++)
            total *= 4;
        for (int c = 0; c < total; c++) {
            int v = c;
            for (int i = 0; i < len; i++, v /= 4)
                seq[i] = alpha[v % 4];
            seq[len] = '\0';
            run_fresh(x, seq);
        }
    }
}

/* A cipher fed 1 / n-2 / 1 and in random pieces, with a size query and a
 * short buffer before each update (the operation must survive both). */
static void splits(fam *x)
{
    unsigned char want[256], out[256];
    size_t wn;
    if (ref(x, x->in, x->in_len, want, &wn))
        return;
    for (int round = 0; round < 6; round++) {
        char area[64];
        snprintf(area, sizeof area, "%s splits", x->name);
        SPEC(area, f_init(x), CKR_OK, "init round %d", round);
        size_t pos = 0, prod = 0;
        while (pos < x->in_len) {
            size_t n;
            if (round == 0)
                n = pos == 0 ? 1 : pos == 1 ? x->in_len - 2 : 1;
            else
                n = 1 + (size_t)rand() % 23;
            if (n > x->in_len - pos)
                n = x->in_len - pos;
            CK_ULONG l = 0;
            CK_RV rv = f_update(x, x->in + pos, n, NULL, &l);
            SPEC(area, rv, CKR_OK, "size query");
            if (rv == CKR_OK && l > 0) {
                CK_ULONG s = l - 1;
                SPEC(area, f_update(x, x->in + pos, n, out + prod, &s), CKR_BUFFER_TOO_SMALL,
                     "short update buffer");
            }
            l = sizeof out - prod;
            rv = f_update(x, x->in + pos, n, out + prod, &l);
            SPEC(area, rv, CKR_OK, "update %zu at %zu", n, pos);
            if (rv != CKR_OK)
                break;
            prod += l;
            pos += n;
        }
        CK_ULONG l = sizeof out - prod;
        SPEC(area, f_final(x, out + prod, &l), CKR_OK, "final");
        prod += l;
        CHECK(area, prod == wn && !memcmp(out, want, wn), "round %d: bytes differ", round);
    }
}

static void families(void)
{
    static fam fs[20];
    size_t nf = 0;
    CK_OBJECT_HANDLE k = p11r_key(S, CKK_AES, KEY, sizeof KEY, CKA_ENCRYPT, CKA_DECRYPT);
    CK_OBJECT_HANDLE mk = p11r_key(S, CKK_GENERIC_SECRET, MACKEY, sizeof MACKEY, CKA_SIGN,
                                   CKA_VERIFY);
    static const struct {
        const char *n;
        CK_MECHANISM m;
        const char *evp;
        int gcm, pad;
    } cs[] = {
        { "AES-ECB", { CKM_AES_ECB, NULL, 0 }, "AES-128-ECB", 0, 0 },
        { "AES-CBC", { CKM_AES_CBC, IV, 16 }, "AES-128-CBC", 0, 0 },
        { "AES-CBC-PAD", { CKM_AES_CBC_PAD, IV, 16 }, "AES-128-CBC", 0, 1 },
        { "AES-CTR", { CKM_AES_CTR, &ctr_p, sizeof ctr_p }, "AES-128-CTR", 0, 0 },
        { "AES-GCM", { CKM_AES_GCM, &gcm_p, sizeof gcm_p }, "AES-128-GCM", 1, 0 },
        { "AES-KW", { CKM_AES_KEY_WRAP, NULL, 0 }, "AES-128-WRAP", 0, 0 },
        { "AES-KWP", { CKM_AES_KEY_WRAP_KWP, NULL, 0 }, "AES-128-WRAP-PAD", 0, 0 },
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        for (int d = 0; d < 2; d++) {
            fam *x = &fs[nf++];
            char *name = malloc(48);
            snprintf(name, 48, "%s %s", cs[i].n, d ? "decrypt" : "encrypt");
            *x = (fam){ .name = name, .kind = d ? DEC : ENC, .mech = cs[i].m, .key = k,
                        .evp = cs[i].evp, .gcm = cs[i].gcm, .pad = cs[i].pad };
            if (!d) {
                memcpy(x->in, M, sizeof M);
                x->in_len = sizeof M;
                x->half = 32;
            } else {
                fam e = *x;
                e.kind = ENC;
                ref(&e, M, sizeof M, x->in, &x->in_len);
                /* a prefix of the ciphertext is a valid message only
                 * for the unpadded, unauthenticated modes */
                x->half = cs[i].gcm || cs[i].pad || strstr(cs[i].evp, "WRAP") ? 0 : 32;
            }
        }
    }
    fs[nf++] = (fam){ .name = "SHA256 digest", .kind = DIG, .mech = { CKM_SHA256, NULL, 0 },
                      .evp = "SHA256", .half = 32 };
    fs[nf++] = (fam){ .name = "HMAC-SHA256 sign", .kind = SIGN,
                      .mech = { CKM_SHA256_HMAC, NULL, 0 }, .key = mk, .half = 32 };
    fs[nf++] = (fam){ .name = "HMAC-SHA256 verify", .kind = VERIFY,
                      .mech = { CKM_SHA256_HMAC, NULL, 0 }, .key = mk, .half = 32 };
    for (size_t i = nf - 3; i < nf; i++) {
        memcpy(fs[i].in, M, sizeof M);
        fs[i].in_len = sizeof M;
    }
    for (size_t i = 0; i < nf; i++) {
        CK_MECHANISM_INFO mi;
        CK_FLAGS need = fs[i].kind == ENC    ? CKF_ENCRYPT
                        : fs[i].kind == DEC  ? CKF_DECRYPT
                        : fs[i].kind == DIG  ? CKF_DIGEST
                        : fs[i].kind == SIGN ? CKF_SIGN
                                             : CKF_VERIFY;
        CK_RV rv = f->C_GetMechanismInfo(SLOT, fs[i].mech.mechanism, &mi);
        if (rv != CKR_OK || !(mi.flags & need)) {
            SPEC(fs[i].name, rv == CKR_OK ? mi.flags & need : rv, need,
                 "mechanism not offered for this (PKCS#11 3.0 lists it)");
            continue;
        }
        all_sequences(&fs[i]);
        if ((fs[i].kind == ENC || fs[i].kind == DEC) && !strstr(fs[i].evp, "WRAP"))
            splits(&fs[i]);
    }
    /* a wrong MAC: CKR_SIGNATURE_INVALID, and the operation is over */
    unsigned char bad[32] = { 0 };
    SPEC("verify", f->C_VerifyInit(S, &fs[nf - 1].mech, mk), CKR_OK, "init");
    SPEC("verify", f->C_Verify(S, M, sizeof M, bad, 32), CKR_SIGNATURE_INVALID, "wrong MAC");
    SPEC("verify", f->C_VerifyUpdate(S, M, 1), CKR_OPERATION_NOT_INITIALIZED, "after wrong MAC");
}

/* ---- AES-KW / KWP through C_Encrypt / C_Decrypt (PKCS#11 3.0 lists
 * both for encryption): RFC 3394 4.1 and RFC 5649 section 6 ---- */
static void kw_kat(CK_MECHANISM_TYPE mt, const char *kek, const char *plain, const char *wrapped)
{
    const char *A = mt == CKM_AES_KEY_WRAP ? "AES-KW C_Encrypt KAT" : "AES-KWP C_Encrypt KAT";
    CK_MECHANISM_INFO mi;
    if (f->C_GetMechanismInfo(SLOT, mt, &mi) != CKR_OK || !(mi.flags & CKF_ENCRYPT)) {
        SPEC(A, CKR_MECHANISM_INVALID, CKR_OK, "not offered for C_Encrypt");
        return;
    }
    kct_bytes k = p11t_hex(kek), p = p11t_hex(plain), w = p11t_hex(wrapped);
    CK_OBJECT_HANDLE h = p11r_key(S, CKK_AES, k.p, k.n, CKA_ENCRYPT, CKA_DECRYPT);
    CK_MECHANISM m = { mt, NULL, 0 };
    unsigned char out[64];
    CK_ULONG l = sizeof out;
    CK_RV rv;
    SPEC(A, f->C_EncryptInit(S, &m, h), CKR_OK, "init");
    rv = f->C_Encrypt(S, p.p, p.n, out, &l);
    SPEC(A, rv, CKR_OK, "encrypt");
    CHECK(A, rv != CKR_OK || (l == w.n && !memcmp(out, w.p, l)), "wrong ciphertext");
    l = sizeof out;
    SPEC(A, f->C_DecryptInit(S, &m, h), CKR_OK, "init");
    rv = f->C_Decrypt(S, w.p, w.n, out, &l);
    SPEC(A, rv, CKR_OK, "decrypt");
    CHECK(A, rv != CKR_OK || (l == p.n && !memcmp(out, p.p, l)), "wrong plaintext");
    w.p[3] ^= 1;   /* the integrity check must fail */
    l = sizeof out;
    SPEC(A, f->C_DecryptInit(S, &m, h), CKR_OK, "init");
    SPEC(A, f->C_Decrypt(S, w.p, w.n, out, &l), CKR_ENCRYPTED_DATA_INVALID, "tampered");
    kct_bytes_free(&k);
    kct_bytes_free(&p);
    kct_bytes_free(&w);
}

/* A key that may wrap does not also KW-decrypt: that would undo C_WrapKey. */
static void kw_separation(void)
{
    const char *A = "AES-KW key separation";
    CK_OBJECT_HANDLE h = p11r_key(S, CKK_AES, KEY, sizeof KEY, CKA_WRAP, CKA_DECRYPT);
    if (h == CK_INVALID_HANDLE) {
        /* kcrypt refuses such a key outright (pkcs11/README.md, Key separation) */
        CHECK(A, 1, "wrap+decrypt key refused at creation");
        return;
    }
    CK_MECHANISM m = { CKM_AES_KEY_WRAP, NULL, 0 };
    SPEC(A, f->C_DecryptInit(S, &m, h), CKR_KEY_FUNCTION_NOT_PERMITTED, "wrap+decrypt key");
}

static void kw_encrypt(void)
{
    kw_kat(CKM_AES_KEY_WRAP, "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
           "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
    kw_kat(CKM_AES_KEY_WRAP_KWP, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
           "c37b7e6492584340bed12207808941155068f738",
           "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
    kw_kat(CKM_AES_KEY_WRAP_KWP, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
           "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f");
    kw_separation();
}

/* ---- C_WrapKey / C_UnwrapKey: size query, short buffer, right buffer,
 * bytes against OpenSSL's AES-WRAP(-PAD), and the unwrapped key works ---- */
static void wrap_states(void)
{
    static const struct {
        CK_MECHANISM_TYPE m;
        const char *evp;
    } ws[] = { { CKM_AES_KEY_WRAP, "AES-128-WRAP" }, { CKM_AES_KEY_WRAP_KWP, "AES-128-WRAP-PAD" } };
    static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    static CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    static CK_KEY_TYPE kt = CKK_AES;
    unsigned char target[24];
    for (size_t i = 0; i < sizeof target; i++)
        target[i] = (unsigned char)(0x33 * i + 5);
    CK_OBJECT_HANDLE kek = p11r_key(S, CKK_AES, KEY, sizeof KEY, CKA_WRAP, CKA_UNWRAP);
    CK_OBJECT_HANDLE k = p11r_key(S, CKK_AES, target, sizeof target, CKA_ENCRYPT, 0);
    for (size_t w = 0; w < 2; w++) {
        const char *A = w ? "wrap KWP" : "wrap KW";
        CK_MECHANISM m = { ws[w].m, NULL, 0 };
        unsigned char want[64], out[64];
        size_t wn = 0;
        fam x = { .kind = ENC, .evp = ws[w].evp };
        if (ref(&x, target, sizeof target, want, &wn)) {
            kct_fail(T, A, "OpenSSL reference failed");
            continue;
        }
        CK_ULONG l = 0;
        CK_RV rv = f->C_WrapKey(S, &m, kek, k, NULL, &l);
        SPEC(A, rv, CKR_OK, "size query");
        if (rv != CKR_OK)
            continue;   /* not offered (a DIFF for the reference) */
        CHECK(A, l >= wn, "size %lu < %zu", l, wn);
        l = wn - 1;
        SPEC(A, f->C_WrapKey(S, &m, kek, k, out, &l), CKR_BUFFER_TOO_SMALL, "short buffer");
        l = sizeof out;
        rv = f->C_WrapKey(S, &m, kek, k, out, &l);
        SPEC(A, rv, CKR_OK, "wrap");
        CHECK(A, rv != CKR_OK || (l == wn && !memcmp(out, want, wn)), "bytes differ from OpenSSL");
        CK_ATTRIBUTE t[] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_KEY_TYPE, &kt, sizeof kt },
                             { CKA_TOKEN, &no, 1 },           { CKA_EXTRACTABLE, &yes, 1 },
                             { CKA_SENSITIVE, &no, 1 },       { CKA_ENCRYPT, &yes, 1 } };
        CK_OBJECT_HANDLE u = 0;
        SPEC(A, f->C_UnwrapKey(S, &m, kek, want, wn, t, 6, &u), CKR_OK, "unwrap");
        unsigned char v[32];
        CK_ATTRIBUTE g = { CKA_VALUE, v, sizeof v };
        rv = f->C_GetAttributeValue(S, u, &g, 1);
        SPEC(A, rv, CKR_OK, "value of the unwrapped key");
        CHECK(A, rv != CKR_OK || (g.ulValueLen == sizeof target && !memcmp(v, target, sizeof target)),
              "unwrapped value differs");
        want[5] ^= 1;
        SPEC(A, f->C_UnwrapKey(S, &m, kek, want, wn, t, 6, &u), CKR_WRAPPED_KEY_INVALID,
             "tampered");
        SPEC(A, f->C_UnwrapKey(S, &m, kek, want, 7, t, 6, &u), CKR_WRAPPED_KEY_LEN_RANGE,
             "7 bytes");
    }
}

/* ---- find: Init / Find / Final in every order ---- */
static void find_states(void)
{
    CK_OBJECT_HANDLE h[4];
    CK_ULONG n;
    SPEC("find", f->C_FindObjects(S, h, 4, &n), CKR_OPERATION_NOT_INITIALIZED, "no init");
    SPEC("find", f->C_FindObjectsFinal(S), CKR_OPERATION_NOT_INITIALIZED, "final, no init");
    SPEC("find", f->C_FindObjectsInit(S, NULL, 0), CKR_OK, "init");
    SPEC("find", f->C_FindObjectsInit(S, NULL, 0), CKR_OPERATION_ACTIVE, "init twice");
    SPEC("find", f->C_FindObjects(S, h, 4, &n), CKR_OK, "find");
    SPEC("find", f->C_FindObjects(S, h, 4, &n), CKR_OK, "find again");
    SPEC("find", f->C_FindObjectsFinal(S), CKR_OK, "final");
    SPEC("find", f->C_FindObjectsFinal(S), CKR_OPERATION_NOT_INITIALIZED, "final twice");
}

/* ---- the fixes this test guards ---- */

/* Caller lengths that would wrap a sum or never end a loop. */
static void huge_lengths(void)
{
    const char *A = "huge lengths";
    CK_MECHANISM sha = { CKM_SHA256, NULL, 0 };
    CK_ULONG huge = (CK_ULONG)1 << 63 | 1, l = 16;
    unsigned char buf[64];
    SPEC(A, f->C_DigestInit(S, &sha), CKR_OK, "init");
    SPEC(A, f->C_DigestUpdate(S, M, 10), CKR_OK, "held bytes");
    SPEC(A, f->C_DigestUpdate(S, M, (CK_ULONG)-5), CKR_ARGUMENTS_BAD, "2^64-5 after 10 held");
    CK_OBJECT_HANDLE k = p11r_key(S, CKK_AES, KEY, sizeof KEY, CKA_ENCRYPT, CKA_DECRYPT);
    CK_MECHANISM gcm = { CKM_AES_GCM, &gcm_p, sizeof gcm_p };
    SPEC(A, f->C_EncryptInit(S, &gcm, k), CKR_OK, "gcm init");
    SPEC(A, f->C_EncryptUpdate(S, M, 16, buf, &l), CKR_OK, "gcm update");
    l = sizeof buf;
    SPEC(A, f->C_EncryptUpdate(S, M, huge, buf, &l), CKR_DATA_LEN_RANGE, "gcm 2^63+1");
    CK_MECHANISM ecb = { CKM_AES_ECB, NULL, 0 };
    SPEC(A, f->C_EncryptInit(S, &ecb, k), CKR_OK, "ecb init");
    l = sizeof buf;
    SPEC(A, f->C_Encrypt(S, M, (CK_ULONG)-16, buf, &l), CKR_DATA_LEN_RANGE, "ecb 2^64-16");
}

/* CTR with a short counter field at its last value: the next block must
 * not carry into the nonce; the token refuses it (SoftHSM does too). */
static void ctr_counter(void)
{
    CK_OBJECT_HANDLE k = p11r_key(S, CKK_AES, KEY, sizeof KEY, CKA_ENCRYPT, CKA_DECRYPT);
    static const CK_ULONG bits[] = { 32, 62, 64, 96, 127 };
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        char what[48];
        snprintf(what, sizeof what, "%lu counter bits", bits[i]);
        CK_AES_CTR_PARAMS p;
        memset(p.cb, 0xa5, 16);
        for (CK_ULONG b = 0; b < bits[i]; b++)
            p.cb[15 - b / 8] |= (CK_BYTE)(1u << (b % 8));   /* counter all ones */
        p.ulCounterBits = bits[i];
        CK_MECHANISM m = { CKM_AES_CTR, &p, sizeof p };
        unsigned char out[64];
        CK_ULONG l = sizeof out;
        SPEC("ctr counter", f->C_EncryptInit(S, &m, k), CKR_OK, "%s: init", what);
        SPEC("ctr counter", f->C_Encrypt(S, M, 16, out, &l), CKR_OK, "%s: last block", what);
        SPEC("ctr counter", f->C_EncryptInit(S, &m, k), CKR_OK, "%s: init", what);
        l = sizeof out;
        SPEC("ctr counter", f->C_Encrypt(S, M, 17, out, &l), CKR_DATA_LEN_RANGE,
             "%s: past the last block", what);
        /* one below the last value: two blocks fit, a third does not */
        p.cb[15] &= 0xfe;
        SPEC("ctr counter", f->C_EncryptInit(S, &m, k), CKR_OK, "%s: init", what);
        l = sizeof out;
        SPEC("ctr counter", f->C_EncryptUpdate(S, M, 32, out, &l), CKR_OK, "%s: 2 blocks", what);
        l = sizeof out;
        SPEC("ctr counter", f->C_EncryptUpdate(S, M, 1, out, &l), CKR_DATA_LEN_RANGE,
             "%s: third block", what);
    }
}

/* A bad mechanism must not end a digest whose state was saved. */
static void digest_after_state(void)
{
    const char *A = "digest after state";
    CK_MECHANISM sha = { CKM_SHA256, NULL, 0 }, bad = { 0x80001234UL, NULL, 0 };
    unsigned char st[256], out[32], want[32];
    CK_ULONG l = sizeof st;
    SPEC(A, f->C_DigestInit(S, &sha), CKR_OK, "init");
    SPEC(A, f->C_DigestUpdate(S, (CK_BYTE *)"abc", 3), CKR_OK, "update");
    CK_RV rv = f->C_GetOperationState(S, st, &l);
    if (rv != CKR_OK) {   /* a module may not save states */
        kct_skip(T, A, 1, "C_GetOperationState 0x%lx", rv);
        (void)f->C_DigestFinal(S, out, &l);
        return;
    }
    SPEC(A, f->C_DigestInit(S, &bad), CKR_MECHANISM_INVALID, "bad mechanism");
    l = sizeof out;
    SPEC(A, f->C_DigestFinal(S, out, &l), CKR_OK, "the digest goes on");
    unsigned int wl;
    EVP_Digest("abc", 3, want, &wl, EVP_sha256(), NULL);
    CHECK(A, l == 32 && !memcmp(out, want, 32), "digest of abc differs");
}

static CK_FLAGS token_flags(void)
{
    CK_TOKEN_INFO ti;
    return f->C_GetTokenInfo(SLOT, &ti) == CKR_OK ? ti.flags : 0;
}

/* The user PIN retry counter: COUNT_LOW / FINAL_TRY / LOCKED as the spec
 * defines them, CKR_PIN_LOCKED, the SO's C_InitPIN unlocks; the count is
 * in the token state, so another process sees it. */
static void pin_counter(void)
{
    const char *A = "pin counter";
    CK_UTF8CHAR *wrong = (CK_UTF8CHAR *)"00000000", *right = (CK_UTF8CHAR *)P11R_USER_PIN;
    const CK_ULONG tries = 10;
    SPEC(A, f->C_Logout(S), CKR_OK, "logout");
    SPEC(A, token_flags() & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED),
         0, "no failure yet");
    SPEC(A, f->C_Login(S, CKU_USER, wrong, 8), CKR_PIN_INCORRECT, "wrong PIN");
    SPEC(A, token_flags() & CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_COUNT_LOW, "count low");
    pid_t p = fork();
    if (p == 0) {   /* another process sees the count */
        CK_TOKEN_INFO ti;
        if (f->C_Initialize(NULL) != CKR_OK)
            _exit(3);
        CK_SLOT_ID sl[4];
        CK_ULONG n = 4;
        int ok = f->C_GetSlotList(CK_TRUE, sl, &n) == CKR_OK && n &&
                 f->C_GetTokenInfo(SLOT, &ti) == CKR_OK && (ti.flags & CKF_USER_PIN_COUNT_LOW);
        _exit(ok ? 0 : 1);
    }
    int ws = 0;
    waitpid(p, &ws, 0);
    SPEC(A, WIFEXITED(ws) ? (CK_RV)WEXITSTATUS(ws) : 99, 0, "child process sees COUNT_LOW");
    SPEC(A, f->C_Login(S, CKU_USER, right, 8), CKR_OK, "right PIN");
    SPEC(A, token_flags() & CKF_USER_PIN_COUNT_LOW, 0, "a right PIN clears the count");
    SPEC(A, f->C_Logout(S), CKR_OK, "logout");
    for (CK_ULONG i = 0; i < tries; i++) {
        if (i == tries - 1)
            SPEC(A, token_flags() & CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_FINAL_TRY, "final try");
        SPEC(A, f->C_Login(S, CKU_USER, wrong, 8), CKR_PIN_INCORRECT, "wrong PIN %lu", i + 1);
    }
    SPEC(A, token_flags() & CKF_USER_PIN_LOCKED, CKF_USER_PIN_LOCKED, "locked");
    CK_RV rv = f->C_Login(S, CKU_USER, right, 8);
    SPEC(A, rv, CKR_PIN_LOCKED, "right PIN once locked");
    if (rv == CKR_OK)
        (void)f->C_Logout(S);
    SPEC(A, f->C_Login(S, CKU_SO, (CK_UTF8CHAR *)P11R_SO_PIN, 8), CKR_OK, "SO login");
    SPEC(A, f->C_InitPIN(S, right, 8), CKR_OK, "SO resets the user PIN");
    SPEC(A, f->C_Logout(S), CKR_OK, "SO logout");
    SPEC(A, token_flags() & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_COUNT_LOW), 0, "unlocked");
    SPEC(A, f->C_Login(S, CKU_USER, right, 8), CKR_OK, "user again");
}

/* A public token key: its value is sealed under the token key at rest
 * (pkcs11/README.md), so before a login it cannot be used or copied (a
 * copy would have no value), and after C_Logout it is as before a login. */
static void public_token_key(void)
{
    const char *A = "public token key";
    static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    static CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    static CK_KEY_TYPE kt = CKK_AES;
    static char label[] = "p11seq-public";
    CK_ATTRIBUTE t[] = {
        { CKA_CLASS, &cls, sizeof cls }, { CKA_KEY_TYPE, &kt, sizeof kt },
        { CKA_VALUE, KEY, sizeof KEY },  { CKA_TOKEN, &yes, 1 },
        { CKA_PRIVATE, &no, 1 },         { CKA_ENCRYPT, &yes, 1 },
        { CKA_LABEL, label, sizeof label - 1 },
    };
    CK_OBJECT_HANDLE h = 0, c = 0;
    CK_MECHANISM ecb = { CKM_AES_ECB, NULL, 0 };
    unsigned char out[16];
    CK_ULONG l = sizeof out;
    SPEC(A, f->C_CreateObject(S, t, 7, &h), CKR_OK, "create");
    SPEC(A, f->C_Logout(S), CKR_OK, "logout");
    SPEC(A, f->C_EncryptInit(S, &ecb, h), CKR_USER_NOT_LOGGED_IN, "use after C_Logout");
    CK_ATTRIBUTE session_obj[] = { { CKA_TOKEN, &no, 1 } };   /* no login needed for that */
    SPEC(A, f->C_CopyObject(S, h, session_obj, 1, &c), CKR_USER_NOT_LOGGED_IN,
         "copy after C_Logout");
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {   /* a process that never logged in */
        CK_SESSION_HANDLE s2 = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE k = 0, cp = 0;
        CK_ULONG n = 0;
        CK_ATTRIBUTE q[] = { { CKA_LABEL, label, sizeof label - 1 } };
        int bad = f->C_Initialize(NULL) != CKR_OK ||
                  f->C_OpenSession(SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s2) ||
                  f->C_FindObjectsInit(s2, q, 1) || f->C_FindObjects(s2, &k, 1, &n) || n != 1;
        (void)f->C_FindObjectsFinal(s2);
        CK_ATTRIBUTE so[] = { { CKA_TOKEN, &no, 1 } };
        CK_RV rv = bad ? 99 : f->C_CopyObject(s2, k, so, 1, &cp);
        _exit(rv == CKR_USER_NOT_LOGGED_IN ? 0 : rv == CKR_OK ? 1 : 2);
    }
    int ws = 0;
    waitpid(p, &ws, 0);
    SPEC(A, WIFEXITED(ws) ? (CK_RV)WEXITSTATUS(ws) : 99, 0,
         "copy before any login refused (exit 1: copied)");
    SPEC(A, f->C_Login(S, CKU_USER, (CK_UTF8CHAR *)P11R_USER_PIN, 8), CKR_OK, "login");
    SPEC(A, f->C_EncryptInit(S, &ecb, h), CKR_OK, "usable after login");
    CK_RV rv = f->C_Encrypt(S, M, 16, out, &l);
    SPEC(A, rv, CKR_OK, "encrypt");
    unsigned char want[16];
    int wl = 0;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex2(x, EVP_aes_128_ecb(), KEY, NULL, NULL);
    EVP_EncryptUpdate(x, want, &wl, M, 16);
    EVP_CIPHER_CTX_free(x);
    CHECK(A, rv != CKR_OK || !memcmp(out, want, 16), "wrong bytes after re-login");
    SPEC(A, f->C_DestroyObject(S, h), CKR_OK, "destroy");
}

/* After C_Finalize every function answers CKR_CRYPTOKI_NOT_INITIALIZED. */
static void after_finalize(void)
{
    const char *A = "not initialized";
    CK_RV want = CKR_CRYPTOKI_NOT_INITIALIZED;
    CK_SLOT_ID sl;
    CK_ULONG n = 0;
    CK_MECHANISM m = { CKM_AES_ECB, NULL, 0 };
    SPEC(A, f->C_GetFunctionStatus(S), want, "C_GetFunctionStatus");
    SPEC(A, f->C_CancelFunction(S), want, "C_CancelFunction");
    SPEC(A, f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &sl, NULL), want, "C_WaitForSlotEvent");
    SPEC(A, f->C_DigestEncryptUpdate(S, M, 16, M, &n), want, "C_DigestEncryptUpdate");
    SPEC(A, f->C_DecryptDigestUpdate(S, M, 16, M, &n), want, "C_DecryptDigestUpdate");
    SPEC(A, f->C_SignEncryptUpdate(S, M, 16, M, &n), want, "C_SignEncryptUpdate");
    SPEC(A, f->C_DecryptVerifyUpdate(S, M, 16, M, &n), want, "C_DecryptVerifyUpdate");
    SPEC(A, f->C_SignRecoverInit(S, &m, 1), want, "C_SignRecoverInit");
    SPEC(A, f->C_VerifyRecoverInit(S, &m, 1), want, "C_VerifyRecoverInit");
    SPEC(A, f->C_SignRecover(S, M, 16, M, &n), want, "C_SignRecover");
    SPEC(A, f->C_VerifyRecover(S, M, 16, M, &n), want, "C_VerifyRecover");
    SPEC(A, f->C_GenerateKeyPair(S, &m, NULL, 0, NULL, 0, NULL, NULL), want, "C_GenerateKeyPair");
    SPEC(A, f->C_DeriveKey(S, &m, 1, NULL, 0, NULL), want, "C_DeriveKey");
    SPEC(A, f->C_EncryptInit(S, &m, 1), want, "C_EncryptInit");
    SPEC(A, f->C_GetSlotList(CK_FALSE, NULL, &n), want, "C_GetSlotList");
    SPEC(A, f->C_Finalize(NULL), want, "C_Finalize");
}

/* pReserved must be NULL (CKR_ARGUMENTS_BAD), whatever it points to; the
 * module must not read it as a string. */
static void init_reserved(void)
{
    static char str[] = "/tmp";
    void *ptrs[] = { (void *)(uintptr_t)0x10 /* not a pointer anyone may read */, str };
    for (int i = 0; i < 2; i++) {
        CK_C_INITIALIZE_ARGS a = { 0 };
        a.flags = CKF_OS_LOCKING_OK;
        a.pReserved = ptrs[i];
        CK_RV rv = f->C_Initialize(&a);
        SPEC("pReserved", rv, CKR_ARGUMENTS_BAD, "pReserved %s", i ? "a string" : "0x10");
        if (rv == CKR_OK)
            (void)f->C_Finalize(NULL);
    }
}

/* kcrypt's PBKDF2 count: below 1000 refused at C_InitToken, and a huge
 * count in token.state must not hang a login. */
static void iterations(const char *dir)
{
    const char *A = "pbkdf2 iterations";
    CK_SLOT_ID sl = SLOT;
    CK_UTF8CHAR label[32];
    memset(label, ' ', sizeof label);
    char path[128], keep[140], cmd[600];
    snprintf(path, sizeof path, "%s/token.state", dir);
    snprintf(keep, sizeof keep, "%s.keep", path);
    snprintf(cmd, sizeof cmd,
             "cp %s %s && sed -i 's/^iterations .*/iterations 18446744073709551615/' %s", path,
             keep, path);
    if (system(cmd)) {
        kct_fail(T, A, "cannot edit %s", path);
        return;
    }
    alarm(60);   /* a hang is the failure; SIGALRM ends the run */
    CK_RV rv = f->C_Initialize(NULL);
    CK_SESSION_HANDLE h;
    if (rv == CKR_OK) {
        rv = f->C_OpenSession(sl, CKF_SERIAL_SESSION, NULL, NULL, &h);
        if (rv == CKR_OK)
            rv = f->C_Login(h, CKU_USER, (CK_UTF8CHAR *)P11R_USER_PIN, 8);
        (void)f->C_Finalize(NULL);
    }
    alarm(0);
    CHECK(A, rv != CKR_OK, "a state with 2^64-1 iterations was used (0x%lx)", rv);
    if (rename(keep, path))
        kct_fail(T, A, "cannot restore %s", path);
    SPEC(A, f->C_Initialize(NULL), CKR_OK, "initialize");
    /* the edited state is refused: the token is re-initialized next */
    setenv("KCRYPT_P11_PBKDF2_ITERATIONS", "200", 1);
    SPEC(A, f->C_InitToken(sl, (CK_UTF8CHAR *)P11R_SO_PIN, 8, label), CKR_FUNCTION_FAILED,
         "200 iterations");
    setenv("KCRYPT_P11_PBKDF2_ITERATIONS", "1000", 1);
    SPEC(A, f->C_Finalize(NULL), CKR_OK, "finalize");
}

/* P11SEQ_SKIP=name,...: leave parts out (to see the others fail on an old
 * module whose bug in one part crashes or hangs the run). */
static int run_part(const char *name)
{
    const char *s = getenv("P11SEQ_SKIP");
    return !s || !strstr(s, name);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODULE [--reference]\n", argv[0]);
        return 2;
    }
    p11r_reference = argc > 2 && !strcmp(argv[2], "--reference");
    char dir[64];
    T = kct_tally_new();
    srand(11);
    for (size_t i = 0; i < sizeof M; i++)
        M[i] = (unsigned char)(i * 7 + 1);
    for (size_t i = 0; i < 16; i++)
        KEY[i] = (unsigned char)(0x40 + i), IV[i] = (unsigned char)(0x90 + i);
    memset(MACKEY, 0x0b, sizeof MACKEY);
    memset(AAD, 0xaa, sizeof AAD);
    memcpy(ctr_p.cb, IV, 16);
    ctr_p.ulCounterBits = 128;
    gcm_p = (CK_GCM_PARAMS){ IV, 12, 96, AAD, sizeof AAD, 128 };
    if (p11r_env(dir, sizeof dir) || !p11t_load(argv[1]))
        return 2;
    if (run_part("reserved"))
        init_reserved();
    if (p11r_token(&SLOT, &S))
        return 2;
    if (run_part("families"))
        families();
    find_states();
    if (run_part("kw"))
        kw_encrypt();
    wrap_states();
    if (!run_part("huge")) {
    } else if (!p11r_reference) {
        huge_lengths();
    } else {   /* SoftHSM may end the process here: try it in a child */
        fflush(stdout);
        pid_t p = fork();
        if (p == 0) {
            huge_lengths();
            fflush(stdout);
            _exit(0);
        }
        int ws = 0;
        waitpid(p, &ws, 0);
        SPEC("huge lengths", WIFEXITED(ws) ? (CK_RV)WEXITSTATUS(ws) : 128 + (CK_RV)WTERMSIG(ws),
             0, "the process survives huge lengths (exit status, 128+signal)");
    }
    if (run_part("ctr"))
        ctr_counter();
    digest_after_state();
    if (run_part("pin"))
        pin_counter();
    if (run_part("public"))
        public_token_key();
    SPEC("finalize", f->C_Finalize(NULL), CKR_OK, "C_Finalize");
    after_finalize();
    if (!p11r_reference && run_part("iterations"))
        iterations(dir);
    if (p11r_reference)
        printf("%zu differences from the spec's rules recorded (DIFF lines)\n", p11r_diffs);
    kct_tally_print(T, stdout);
    int rc = kct_tally_exit_code(T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {
    }
    return rc;
}
