/* SPDX-License-Identifier: Apache-2.0 */
#include "keyref.h"

#include <openssl/asn1t.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ASN1_INTEGER *version;
    ASN1_UTF8STRING *desc;
    ASN1_UTF8STRING *keyring;
    ASN1_INTEGER *serial;
    ASN1_OCTET_STRING *spki;
} KCR_BODY;

ASN1_SEQUENCE(KCR_BODY) = {
    ASN1_SIMPLE(KCR_BODY, version, ASN1_INTEGER),
    ASN1_SIMPLE(KCR_BODY, desc, ASN1_UTF8STRING),
    ASN1_SIMPLE(KCR_BODY, keyring, ASN1_UTF8STRING),
    ASN1_SIMPLE(KCR_BODY, serial, ASN1_INTEGER),
    ASN1_SIMPLE(KCR_BODY, spki, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(KCR_BODY)

IMPLEMENT_STATIC_ASN1_ALLOC_FUNCTIONS(KCR_BODY)
IMPLEMENT_STATIC_ASN1_ENCODE_FUNCTIONS(KCR_BODY)

int kcr_write(BIO *out, const kcr_ref *ref)
{
    if (strchr(ref->desc, '\n') || strchr(ref->keyring, '\n'))
        return 0;
    KCR_BODY *b = KCR_BODY_new();
    unsigned char *der = NULL;
    int len = -1;
    if (b && ASN1_INTEGER_set(b->version, 1) &&
        ASN1_STRING_set(b->desc, ref->desc, (int)strlen(ref->desc)) &&
        ASN1_STRING_set(b->keyring, ref->keyring, (int)strlen(ref->keyring)) &&
        ASN1_INTEGER_set(b->serial, ref->serial) &&
        ASN1_OCTET_STRING_set(b->spki, ref->spki, (int)ref->spki_len))
        len = i2d_KCR_BODY(b, &der);
    KCR_BODY_free(b);
    int ok = len > 0 &&
             BIO_printf(out, "kcrypt key reference: asymmetric key \"%s\" in keyring %s "
                        "(serial %d); the private key is in the kernel, not here\n",
                        ref->desc, ref->keyring, (int)ref->serial) > 0 &&
             PEM_write_bio(out, KCR_PEM_NAME, "", der, len) > 0;
    OPENSSL_free(der);
    return ok;
}

static int copy_string(const ASN1_UTF8STRING *s, char *out, size_t n)
{
    int len = ASN1_STRING_length(s);
    const unsigned char *d = ASN1_STRING_get0_data(s);
    if (len <= 0 || (size_t)len >= n || memchr(d, '\0', (size_t)len) || memchr(d, '\n', (size_t)len))
        return 0;
    memcpy(out, d, (size_t)len);
    out[len] = '\0';
    return 1;
}

int kcr_parse_der(const unsigned char *der, size_t len, kcr_ref *ref, const char **why)
{
    memset(ref, 0, sizeof(*ref));
    *why = "";
    const unsigned char *p = der;
    KCR_BODY *b = len <= INT32_MAX ? d2i_KCR_BODY(NULL, &p, (long)len) : NULL;
    long version, serial;
    int rc = -1;
    if (!b || p != der + len) {
        *why = "not a KcryptKeyRef structure";
        rc = 0;
    } else if (!ASN1_INTEGER_get_int64(&version, b->version) || version != 1) {
        *why = "unknown version";
    } else if (!copy_string(b->desc, ref->desc, sizeof(ref->desc)) ||
               !copy_string(b->keyring, ref->keyring, sizeof(ref->keyring))) {
        *why = "bad description or keyring";
    } else if (!ASN1_INTEGER_get_int64(&serial, b->serial) || serial < 0 || serial > INT32_MAX) {
        *why = "bad serial";
    } else if (ASN1_STRING_length(b->spki) <= 0 ||
               !(ref->spki = OPENSSL_memdup(ASN1_STRING_get0_data(b->spki),
                                            (size_t)ASN1_STRING_length(b->spki)))) {
        *why = "no public key";
    } else {
        ref->serial = (int32_t)serial;
        ref->spki_len = ASN1_STRING_length(b->spki);
        rc = 1;
    }
    KCR_BODY_free(b);
    return rc;
}

int kcr_pem_body(const unsigned char *buf, size_t len, unsigned char **der, long *dlen)
{
    *der = NULL;
    /* cheap refusal of every other file before any PEM parsing */
    if (len < sizeof(KCR_PEM_NAME) || len > INT32_MAX ||
        !memmem(buf, len, "BEGIN " KCR_PEM_NAME, sizeof("BEGIN " KCR_PEM_NAME) - 1))
        return 0;
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    char *name = NULL, *hdr = NULL;
    unsigned char *data = NULL;
    if (!bio)
        return -1;
    /* other PEM blocks (a certificate in the same file) may come first */
    while (PEM_read_bio(bio, &name, &hdr, &data, dlen) > 0) {
        int ours = !strcmp(name, KCR_PEM_NAME);
        OPENSSL_free(name), OPENSSL_free(hdr);
        if (ours) {
            *der = data;
            break;
        }
        OPENSSL_free(data);
    }
    BIO_free(bio);
    return *der ? 1 : -1;
}

int kcr_parse(const unsigned char *buf, size_t len, kcr_ref *ref, const char **why)
{
    unsigned char *der;
    long dlen = 0;
    memset(ref, 0, sizeof(*ref));
    *why = "unreadable PEM";
    int rc = kcr_pem_body(buf, len, &der, &dlen);
    if (rc != 1)
        return rc;
    rc = kcr_parse_der(der, (size_t)dlen, ref, why);
    OPENSSL_free(der);
    return rc == 0 ? -1 : rc;
}

void kcr_free(kcr_ref *ref)
{
    OPENSSL_free(ref->spki);
    ref->spki = NULL;
}
