/* SPDX-License-Identifier: Apache-2.0 */
/* Small shared helpers: the output size convention, padded strings. */
#include "p11.h"

#include <string.h>

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
