/* The kcrypt key reference file: a PEM block "KCRYPT KEY REFERENCE" whose
 * RFC 1421-style headers name the kernel key (description, keyring, serial)
 * and whose body is the public key (SubjectPublicKeyInfo DER), so the public
 * half never needs the kernel. Shared by the provider's decoder and the
 * kcrypt CLI that writes the file. It holds nothing secret. */
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
void kcr_free(kcr_ref *ref);

#endif
