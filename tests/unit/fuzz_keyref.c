/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the key reference file (provider/keyref.c): the PEM file
 * and the DER body alone. */
#include "fuzz.h"
#include "keyref.h"

#include <openssl/crypto.h>
#include <string.h>

void fuzz_seeds(fuzz_add_fn add)
{
    unsigned char spki[64];
    for (size_t i = 0; i < sizeof spki; i++)
        spki[i] = (unsigned char)(i * 13);
    kcr_ref ref = { .serial = 604712193, .spki = spki, .spki_len = sizeof spki };
    strcpy(ref.desc, "kcrypt:web");
    strcpy(ref.keyring, "user");
    BIO *b = BIO_new(BIO_s_mem());
    if (!b || kcr_write(b, &ref) != 1) {
        BIO_free(b);
        return;
    }
    char *pem;
    long n = BIO_get_mem_data(b, &pem);
    add(pem, (size_t)n);
    unsigned char *der;
    long dlen;
    if (kcr_pem_body((unsigned char *)pem, (size_t)n, &der, &dlen) == 1) {
        add(der, (size_t)dlen);
        OPENSSL_free(der);
    }
    BIO_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kcr_ref ref;
    const char *why;
    if (kcr_parse(data, size, &ref, &why) == 1)
        kcr_free(&ref);
    if (kcr_parse_der(data, size, &ref, &why) == 1)
        kcr_free(&ref);
    return 0;
}
