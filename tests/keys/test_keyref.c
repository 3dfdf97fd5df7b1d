/* SPDX-License-Identifier: Apache-2.0 */
/* Host unit tests (no kernel) of the user-space halves of kernel RSA keys:
 * the key reference file format (round trip, every malformed form refused,
 * other PEM files left alone) and the paddings made around the kernel's raw
 * RSA operation, checked against OpenSSL's default provider: PSS encodings
 * raised to d (by the default provider's raw private operation) verify as
 * PSS signatures, and OAEP/PKCS#1 ciphertexts of the default provider,
 * opened raw, unpad to the plaintext; tampering and wrong parameters give
 * -1, never bytes. */
#include "keyref.h"
#include "rsa_key.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;
#define CHECK(what, cond)                                                                        \
    do {                                                                                         \
        if (cond) {                                                                              \
            passed++;                                                                            \
        } else {                                                                                 \
            failed++;                                                                            \
            printf("FAIL  %s (line %d)\n", what, __LINE__);                                      \
        }                                                                                        \
    } while (0)

static EVP_PKEY *key;

static size_t to_pem(const kcr_ref *ref, char *out, size_t n)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *d;
    size_t len = 0;
    if (b && kcr_write(b, ref)) {
        long l = BIO_get_mem_data(b, &d);
        if (l > 0 && (size_t)l < n) {
            memcpy(out, d, (size_t)l);
            len = (size_t)l;
        }
    }
    BIO_free(b);
    return len;
}

static void test_format(void)
{
    kcr_ref ref = { .serial = 123456789 }, got;
    const char *why;
    strcpy(ref.desc, "kcrypt:web");
    strcpy(ref.keyring, "user");
    ref.spki_len = i2d_PUBKEY(key, &ref.spki);
    char pem[4096];
    size_t n = to_pem(&ref, pem, sizeof(pem));
    CHECK("reference written", n > 0);
    CHECK("no private key in the reference", !strstr(pem, "PRIVATE"));
    CHECK("round trip", kcr_parse((unsigned char *)pem, n, &got, &why) == 1 &&
                            !strcmp(got.desc, "kcrypt:web") && !strcmp(got.keyring, "user") &&
                            got.serial == 123456789 && got.spki_len == ref.spki_len &&
                            !memcmp(got.spki, ref.spki, (size_t)ref.spki_len));
    kcr_free(&got);

    /* a certificate before the reference in the same file */
    char both[8192];
    const char *cert = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
    snprintf(both, sizeof(both), "%s%.*s", cert, (int)n, pem);
    CHECK("found after another PEM block",
          kcr_parse((unsigned char *)both, strlen(both), &got, &why) == 1 && got.serial == 123456789);
    kcr_free(&got);

    /* other files are not ours: 0, not an error */
    const char *other = "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n";
    CHECK("another PEM file is not a reference", kcr_parse((const unsigned char *)other,
                                                           strlen(other), &got, &why) == 0);
    CHECK("empty input is not a reference", kcr_parse((const unsigned char *)"", 0, &got, &why) == 0);
    unsigned char der[3] = { 0x30, 0x01, 0x00 };
    CHECK("DER that is not KcryptKeyRef: 0", kcr_parse_der(der, sizeof(der), &got, &why) == 0);

    /* malformed references: -1 with a reason */
    char bad[4096];
    memcpy(bad, pem, n);
    char *body = strstr(bad, "-----\n") + 6;
    body[10] = body[10] == 'A' ? 'B' : 'A';   /* corrupt the DER */
    int rc = kcr_parse((unsigned char *)bad, n, &got, &why);
    CHECK("corrupted body refused", rc == -1 && why[0]);
    if (rc == 1)
        kcr_free(&got);
    kcr_ref nl = ref;
    strcpy(nl.desc, "kcrypt:a\nb");
    CHECK("a description with a newline is not written", to_pem(&nl, bad, sizeof(bad)) == 0);
    kcr_ref empty = ref;
    empty.desc[0] = '\0';
    n = to_pem(&empty, bad, sizeof(bad));
    CHECK("an empty description is refused", n > 0 && kcr_parse((unsigned char *)bad, n, &got, &why) == -1);
    OPENSSL_free(ref.spki);
}

/* the default provider's raw RSA private operation: m^d mod n */
static int raw_private(const unsigned char *in, unsigned char *out, size_t k)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, key, "provider=default");
    size_t n = k;
    int ok = c && EVP_PKEY_decrypt_init(c) > 0 &&
             EVP_PKEY_CTX_set_rsa_padding(c, RSA_NO_PADDING) > 0 &&
             EVP_PKEY_decrypt(c, out, &n, in, k) > 0 && n == k;
    EVP_PKEY_CTX_free(c);
    return ok;
}

static int pss_verifies(const unsigned char *sig, size_t k, const unsigned char *h, size_t hl,
                        const EVP_MD *md, const EVP_MD *mgf1, int salt)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, key, "provider=default");
    int ok = c && EVP_PKEY_verify_init(c) > 0 &&
             EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_signature_md(c, md) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, mgf1) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(c, salt) > 0 &&
             EVP_PKEY_verify(c, sig, k, h, hl) == 1;
    EVP_PKEY_CTX_free(c);
    return ok;
}

static void test_pss(void)
{
    const char *mds[] = { "SHA1", "SHA256", "SHA384", "SHA512" };
    size_t k = (size_t)EVP_PKEY_get_size(key);
    unsigned char em[512], sig[512], h[64];
    for (size_t i = 0; i < 4; i++) {
        EVP_MD *md = EVP_MD_fetch(NULL, mds[i], NULL);
        EVP_MD *sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
        size_t hl = (size_t)EVP_MD_get_size(md);
        RAND_bytes(h, (int)hl);
        int salts[] = { RSA_PSS_SALTLEN_DIGEST, RSA_PSS_SALTLEN_MAX, 0, 20 };
        for (size_t s = 0; s < 4; s++) {
            char what[96];
            snprintf(what, sizeof(what), "PSS %s salt %d verifies", mds[i], salts[s]);
            int ok = kc_rsapad_pss_encode(em, k, key, h, md, md, salts[s]) && raw_private(em, sig, k);
            int vsalt = salts[s] == RSA_PSS_SALTLEN_MAX ? RSA_PSS_SALTLEN_AUTO : salts[s];
            CHECK(what, ok && pss_verifies(sig, k, h, hl, md, md, vsalt));
        }
        CHECK("PSS with MGF1-SHA256", kc_rsapad_pss_encode(em, k, key, h, md, sha256, -1) &&
                                          raw_private(em, sig, k) &&
                                          pss_verifies(sig, k, h, hl, md, sha256, -1));
        CHECK("PSS with another MGF1 digest does not verify",
              !pss_verifies(sig, k, h, hl, md, md, -1) || EVP_MD_is_a(md, "SHA256"));
        h[0] ^= 1;
        CHECK("PSS over another digest does not verify", !pss_verifies(sig, k, h, hl, md, sha256, -1));
        EVP_MD_free(md), EVP_MD_free(sha256);
    }
}

static size_t encrypt(int pad, const EVP_MD *md, const char *label, const unsigned char *pt,
                      size_t len, unsigned char *ct)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, key, "provider=default");
    size_t n = 512;
    int ok = c && EVP_PKEY_encrypt_init(c) > 0 && EVP_PKEY_CTX_set_rsa_padding(c, pad) > 0;
    if (ok && md)
        ok = EVP_PKEY_CTX_set_rsa_oaep_md(c, md) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, md) > 0;
    if (ok && label) {
        unsigned char *l = OPENSSL_memdup(label, strlen(label));
        ok = EVP_PKEY_CTX_set0_rsa_oaep_label(c, l, (int)strlen(label)) > 0;
    }
    ok = ok && EVP_PKEY_encrypt(c, ct, &n, pt, len) > 0;
    EVP_PKEY_CTX_free(c);
    return ok ? n : 0;
}

static void test_decrypt_padding(void)
{
    size_t k = (size_t)EVP_PKEY_get_size(key);
    unsigned char pt[100], ct[512], em[512], out[512];
    RAND_bytes(pt, sizeof(pt));
    EVP_MD *sha1 = EVP_MD_fetch(NULL, "SHA1", NULL), *sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);

    CHECK("PKCS#1 v1.5 ciphertext", encrypt(RSA_PKCS1_PADDING, NULL, NULL, pt, sizeof(pt), ct) == k &&
                                        raw_private(ct, em, k));
    CHECK("PKCS#1 v1.5 unpads", kc_rsapad_unpad_pkcs1(out, sizeof(out), em, k) == (int)sizeof(pt) &&
                                    !memcmp(out, pt, sizeof(pt)));
    CHECK("PKCS#1 v1.5: too small an output: -1", kc_rsapad_unpad_pkcs1(out, 50, em, k) == -1);
    CHECK("PKCS#1 v1.5 block as OAEP: -1", kc_rsapad_unpad_oaep(out, sizeof(out), em, k, NULL, 0, sha1, sha1) == -1);
    em[1] ^= 1;
    CHECK("PKCS#1 v1.5 with a broken block type: -1", kc_rsapad_unpad_pkcs1(out, sizeof(out), em, k) == -1);

    CHECK("OAEP SHA-256 with label", encrypt(RSA_PKCS1_OAEP_PADDING, sha256, "lbl", pt, sizeof(pt), ct) == k &&
                                         raw_private(ct, em, k));
    CHECK("OAEP unpads", kc_rsapad_unpad_oaep(out, sizeof(out), em, k, (const unsigned char *)"lbl", 3,
                                        sha256, sha256) == (int)sizeof(pt) &&
                             !memcmp(out, pt, sizeof(pt)));
    CHECK("OAEP with the wrong label: -1",
          kc_rsapad_unpad_oaep(out, sizeof(out), em, k, (const unsigned char *)"lbX", 3, sha256, sha256) == -1);
    CHECK("OAEP with the wrong digest: -1",
          kc_rsapad_unpad_oaep(out, sizeof(out), em, k, (const unsigned char *)"lbl", 3, sha1, sha1) == -1);
    CHECK("OAEP block as PKCS#1 v1.5: -1", kc_rsapad_unpad_pkcs1(out, sizeof(out), em, k) == -1);
    ct[k / 2] ^= 0x40;
    CHECK("tampered OAEP ciphertext: -1", raw_private(ct, em, k) &&
                                              kc_rsapad_unpad_oaep(out, sizeof(out), em, k,
                                                             (const unsigned char *)"lbl", 3,
                                                             sha256, sha256) == -1);
    EVP_MD_free(sha1), EVP_MD_free(sha256);
}

int main(void)
{
    key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    if (!key) {
        printf("FAIL  RSA key generation\n");
        return 1;
    }
    test_format();
    test_pss();
    test_decrypt_padding();
    EVP_PKEY_free(key);
    printf("%d passed, %d failed\n", passed, failed);
    return failed || !passed;
}
