/* SPDX-License-Identifier: Apache-2.0 */
/* Error reporting for common/: a status code plus a message that names the
 * algorithm and the kernel errno, so every layer above can pass it on. */
#ifndef KC_ERROR_H
#define KC_ERROR_H

#include <stddef.h>

typedef enum {
    KC_OK = 0,
    KC_ERR_NO_AFALG,      /* the kernel has no AF_ALG socket family */
    KC_ERR_NO_ALG,        /* the kernel does not offer this algorithm or driver */
    KC_ERR_INVALID_ARG,   /* bad key, IV, nonce, tag or data length, or bad parameter */
    KC_ERR_AUTH,          /* AEAD tag or key-wrap integrity check failed */
    KC_ERR_UNSUPPORTED_KERNEL, /* feature needs a newer kernel (e.g. keyring keys, >= 6.2) */
    KC_ERR_KEY,           /* the kernel refused the key or the keyring key */
    KC_ERR_FORKED,        /* context was created before fork(); its socket is the parent's */
    KC_ERR_STATE,         /* call out of order (e.g. update after final) */
    KC_ERR_NOMEM,
    KC_ERR_KERNEL         /* any other failure of a kernel call */
} kc_status;

typedef struct {
    kc_status status;
    int sys_errno;        /* errno of the failing call, 0 if none */
    char msg[224];
} kc_error;

/* Short constant name of a status, e.g. "KC_ERR_AUTH". */
const char *kc_status_name(kc_status s);

/* Fill *err (if non-NULL) and return status. fmt names what failed. */
kc_status kc_fail(kc_error *err, kc_status status, int sys_errno, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fill *err from a failed kernel call's errno, mapping it to a status:
 * EBADMSG -> KC_ERR_AUTH, ENOENT -> KC_ERR_NO_ALG, EAFNOSUPPORT -> KC_ERR_NO_AFALG, ... */
kc_status kc_fail_errno(kc_error *err, int sys_errno, const char *alg, const char *what);

static inline void kc_error_clear(kc_error *err)
{
    if (err) {
        err->status = KC_OK;
        err->sys_errno = 0;
        err->msg[0] = '\0';
    }
}

#endif
