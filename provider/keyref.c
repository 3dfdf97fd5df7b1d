#include "keyref.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kcr_write(BIO *out, const kcr_ref *ref)
{
    char hdr[320];
    int n = snprintf(hdr, sizeof(hdr), "Key-Type: asymmetric\nDescription: %s\nKeyring: %s\n"
                     "Serial: %d\n", ref->desc, ref->keyring, (int)ref->serial);
    if (n < 0 || (size_t)n >= sizeof(hdr) || strchr(ref->desc, '\n'))
        return 0;
    return PEM_write_bio(out, KCR_PEM_NAME, hdr, ref->spki, ref->spki_len) > 0;
}

static int header(const char *hdr, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key);
    for (const char *l = hdr; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, kl) || l[kl] != ':')
            continue;
        const char *v = l + kl + 1;
        while (*v == ' ')
            v++;
        size_t vl = strcspn(v, "\r\n");
        if (vl == 0 || vl >= n)
            return 0;
        memcpy(out, v, vl);
        out[vl] = '\0';
        return 1;
    }
    return 0;
}

int kcr_parse(const unsigned char *buf, size_t len, kcr_ref *ref, const char **why)
{
    memset(ref, 0, sizeof(*ref));
    *why = "";
    /* cheap refusal of every other file before any PEM parsing */
    if (len < sizeof(KCR_PEM_NAME) ||
        !memmem(buf, len, "BEGIN " KCR_PEM_NAME, sizeof("BEGIN " KCR_PEM_NAME) - 1))
        return 0;
    BIO *b = BIO_new_mem_buf(buf, (int)len);
    char *name = NULL, *hdr = NULL;
    unsigned char *data = NULL;
    long dlen = 0;
    int rc = -1;
    char serial[16], type[32];
    if (!b)
        return -1;
    /* other PEM blocks (a certificate in the same file) come first at times */
    while (PEM_read_bio(b, &name, &hdr, &data, &dlen) > 0) {
        if (!strcmp(name, KCR_PEM_NAME))
            break;
        OPENSSL_free(name), OPENSSL_free(hdr), OPENSSL_free(data);
        name = hdr = NULL, data = NULL;
    }
    if (!name) {
        *why = "unreadable PEM";
        goto out;
    }
    if (!header(hdr, "Key-Type", type, sizeof(type)) || strcmp(type, "asymmetric")) {
        *why = "Key-Type is not asymmetric";
        goto out;
    }
    if (!header(hdr, "Description", ref->desc, sizeof(ref->desc))) {
        *why = "no Description";
        goto out;
    }
    if (!header(hdr, "Keyring", ref->keyring, sizeof(ref->keyring)))
        strcpy(ref->keyring, "user");
    if (header(hdr, "Serial", serial, sizeof(serial)))
        ref->serial = (int32_t)strtol(serial, NULL, 10);
    if (dlen <= 0) {
        *why = "no public key";
        goto out;
    }
    ref->spki = data, ref->spki_len = dlen;
    data = NULL;
    rc = 1;
out:
    OPENSSL_free(name), OPENSSL_free(hdr), OPENSSL_free(data);
    BIO_free(b);
    return rc;
}

void kcr_free(kcr_ref *ref)
{
    OPENSSL_free(ref->spki);
    ref->spki = NULL;
}
