/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: an object file read before a login (objfile.c's clear part,
 * header and attribute lists; the sealed part needs the token key). */
#include "fuzz.h"
#include "p11.h"

#include <string.h>

static size_t le(unsigned char *p, unsigned long long v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return (size_t)n;
}

static size_t attr(unsigned char *p, CK_ATTRIBUTE_TYPE t, const void *v, size_t n)
{
    size_t at = le(p, t, 8);
    at += le(p + at, n, 4);
    memcpy(p + at, v, n);
    return at + n;
}

static size_t file(unsigned char *out, const unsigned char *clear, size_t cn, uint32_t flags,
                   size_t sealed)
{
    memcpy(out, "KCP11OB1", 8);
    size_t at = 8;
    at += le(out + at, flags, 4);
    at += le(out + at, cn, 4);
    at += le(out + at, sealed, 4);
    memcpy(out + at, clear, cn);
    at += cn;
    memset(out + at, 0x5c, sealed);
    return at + sealed;
}

void fuzz_seeds(fuzz_add_fn add)
{
    CK_OBJECT_CLASS data = CKO_DATA, sk = CKO_SECRET_KEY;
    CK_KEY_TYPE aes = CKK_AES;
    CK_ULONG vl = 32;
    CK_BBOOL t = CK_TRUE;
    unsigned char c[512], f[1024];
    size_t n = attr(c, CKA_CLASS, &data, sizeof data);
    n += attr(c + n, CKA_LABEL, "label", 5);
    n += attr(c + n, CKA_APPLICATION, "app", 3);
    n += attr(c + n, CKA_VALUE, "some data", 9);
    n += attr(c + n, CKA_MODIFIABLE, &t, 1);
    add(f, file(f, c, n, 0, 28));
    add(f, file(f, c, n, 1, 28));
    add(f, file(f, c, n, 0, 0));
    n = attr(c, CKA_CLASS, &sk, sizeof sk);
    n += attr(c + n, CKA_KEY_TYPE, &aes, sizeof aes);
    n += attr(c + n, CKA_VALUE_LEN, &vl, sizeof vl);
    n += attr(c + n, CKA_ENCRYPT, &t, 1);
    add(f, file(f, c, n, 0, 28 + 48));
    n += attr(c + n, CKA_VALUE, "0123456789abcdef0123456789abcdef", 32);
    add(f, file(f, c, n, 0, 28));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    p11_object *o = NULL;
    if (p11_objfile_decode("0123456789abcdef", data, size, &o) == CKR_OK) {
        /* what a reader then does with it */
        (void)p11_attr_bool(o, CKA_PRIVATE);
        (void)p11_attr_get(o, CKA_LABEL);
    }
    p11_object_free(o);
    return 0;
}
