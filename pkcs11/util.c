/* Small shared helpers: kcrypt status to CKR, the output size convention. */
#include "p11.h"

#include <string.h>

CK_RV p11_rv_from_kc(kc_status s)
{
    switch (s) {
    case KC_OK: return CKR_OK;
    case KC_ERR_NOMEM: return CKR_HOST_MEMORY;
    case KC_ERR_NO_AFALG:
    case KC_ERR_NO_ALG:
    case KC_ERR_UNSUPPORTED_KERNEL: return CKR_DEVICE_ERROR;
    case KC_ERR_INVALID_ARG: return CKR_ARGUMENTS_BAD;
    case KC_ERR_AUTH: return CKR_ENCRYPTED_DATA_INVALID;
    case KC_ERR_KEY: return CKR_KEY_SIZE_RANGE;
    case KC_ERR_FORKED: return CKR_CRYPTOKI_NOT_INITIALIZED;
    case KC_ERR_STATE: return CKR_OPERATION_NOT_INITIALIZED;
    default: return CKR_DEVICE_ERROR;
    }
}

/* PKCS#11 5.2: NULL output asks for the size (CKR_OK); a short buffer gets
 * CKR_BUFFER_TOO_SMALL with the size needed, and the operation stays. */
CK_RV p11_out(CK_BYTE *out, CK_ULONG *out_len, size_t need)
{
    if (!out) {
        *out_len = need;
        return CKR_OK;
    }
    if (*out_len < need) {
        *out_len = need;
        return CKR_BUFFER_TOO_SMALL;
    }
    *out_len = need;
    return CKR_OK;
}

void p11_pad_copy(CK_UTF8CHAR *dst, size_t n, const char *src)
{
    size_t l = strlen(src);
    memset(dst, ' ', n);
    memcpy(dst, src, l < n ? l : n);
}

int p11_memeq_ct(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d == 0;
}
