/* SPDX-License-Identifier: Apache-2.0 */
/* What a failed EVP call means for the vector checks, read from the error
 * kcrypt raised. The reason strings are kcrypt's own (provider/err.c), as
 * ERR_print_errors and `openssl errstr` show them: the lookup is by text
 * because the numbers are internal to the provider. A reason missing from
 * the table below (or renamed) makes a refusal count as a failure, so the
 * table can only make the test stricter, never hide a wrong answer. */
#include "vec_evp.h"

#include <openssl/err.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *reason;
    kc_status st;
} refusals[] = {
    { "authentication failed", KC_ERR_AUTH },   /* AEAD tag, key-wrap integrity */
    { "bad decrypt", KC_ERR_AUTH },             /* CBC padding, final block */
    { "invalid argument", KC_ERR_INVALID_ARG }, /* a length the operation cannot take */
    { "invalid iv length", KC_ERR_INVALID_ARG },
    { "invalid tag", KC_ERR_INVALID_ARG },      /* a tag length */
    { "invalid key length", KC_ERR_KEY },
    { "kernel rejected the key", KC_ERR_KEY },
};

static kc_status refusal_of(const char *reason)
{
    /* software-fallback = no: what the kernel cannot take is refused as
     * unsupported, which for a vector that must fail is the right answer */
    if (vec_evp_kernel_only && reason && strcmp(reason, "unsupported by kcrypt") == 0)
        return KC_ERR_INVALID_ARG;
    for (size_t i = 0; reason && i < sizeof(refusals) / sizeof(refusals[0]); i++)
        if (strcmp(reason, refusals[i].reason) == 0)
            return refusals[i].st;
    return KC_ERR_KERNEL;
}

kc_status vec_evp_fail(kc_error *err, const char *call)
{
    char text[sizeof(err->msg)];
    size_t used = 0;
    const char *kcrypt_reason = NULL;
    const char *data = NULL;
    int flags = 0;
    unsigned long e;
    text[0] = '\0';
    /* the last error kcrypt raised decides; the others are context (the
     * default implementation's, when kcrypt ran its software fallback) */
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        const char *lib = ERR_lib_error_string(e), *reason = ERR_reason_error_string(e);
        int has_data = (flags & ERR_TXT_STRING) && data && *data;
        if (lib && strcmp(lib, "kcrypt") == 0)
            kcrypt_reason = reason;
        if (used < sizeof(text)) {
            int w = snprintf(text + used, sizeof(text) - used, "%s%s: %s%s%s%s", used ? "; " : "",
                             lib ? lib : "?", reason ? reason : "?", has_data ? " (" : "",
                             has_data ? data : "", has_data ? ")" : "");
            used += w > 0 ? (size_t)w : 0;
        }
    }
    if (!kcrypt_reason)
        return kc_fail(err, KC_ERR_KERNEL, 0, "%s failed with no kcrypt error: %s", call,
                       text[0] ? text : "empty error queue");
    return kc_fail(err, refusal_of(kcrypt_reason), 0, "%s: %s", call, text);
}
