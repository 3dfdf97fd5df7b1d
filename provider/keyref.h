/* SPDX-License-Identifier: Apache-2.0 */
/* The kcrypt key reference file: one line for people, then a PEM block
 * "KCRYPT KEY REFERENCE" holding the DER of
 *   KcryptKeyRef ::= SEQUENCE { version INTEGER (1), description UTF8String,
 *                               keyring UTF8String, serial INTEGER,
 *                               publicKey OCTET STRING -- SubjectPublicKeyInfo DER }
 * so the public half never needs the kernel. No PEM headers: OpenSSL's own
 * PEM decoder reads any header as encryption parameters and fails on ours.
 * Shared by the provider's decoder and the kcrypt CLI that writes the file.
 * It holds nothing secret. */
#ifndef KCP_KEYREF_H
#define KCP_KEYREF_H

#include <openssl/bio.h>
#include <stddef.h>
#include <stdint.h>

#define KCR_PEM_NAME "KCRYPT KEY REFERENCE"

typedef struct {
    char desc[128];
    char keyring[32];
    int32_t serial;
    unsigned char *spki;   /* OPENSSL_malloc'ed DER */
    long spki_len;
} kcr_ref;

/* 1: written */
int kcr_write(BIO *out, const kcr_ref *ref);
/* 1: parsed; 0: not a reference (another PEM or no PEM); -1: a reference
 * that is malformed (*why says how). */
int kcr_parse(const unsigned char *buf, size_t len, kcr_ref *ref, const char **why);
/* the same for the DER body alone; 0 when it is not a KcryptKeyRef */
int kcr_parse_der(const unsigned char *der, size_t len, kcr_ref *ref, const char **why);
/* 1 and the body (OPENSSL_free it) of the file's KCRYPT KEY REFERENCE block;
 * 0 when there is none; -1 when it is unreadable */
int kcr_pem_body(const unsigned char *buf, size_t len, unsigned char **der, long *dlen);
void kcr_free(kcr_ref *ref);

#endif
