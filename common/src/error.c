/* SPDX-License-Identifier: Apache-2.0 */
#include "kc/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *kc_status_name(kc_status s)
{
    switch (s) {
    case KC_OK: return "KC_OK";
    case KC_ERR_NO_AFALG: return "KC_ERR_NO_AFALG";
    case KC_ERR_NO_ALG: return "KC_ERR_NO_ALG";
    case KC_ERR_INVALID_ARG: return "KC_ERR_INVALID_ARG";
    case KC_ERR_AUTH: return "KC_ERR_AUTH";
    case KC_ERR_UNSUPPORTED_KERNEL: return "KC_ERR_UNSUPPORTED_KERNEL";
    case KC_ERR_KEY: return "KC_ERR_KEY";
    case KC_ERR_FORKED: return "KC_ERR_FORKED";
    case KC_ERR_STATE: return "KC_ERR_STATE";
    case KC_ERR_NOMEM: return "KC_ERR_NOMEM";
    case KC_ERR_KERNEL: return "KC_ERR_KERNEL";
    }
    return "KC_ERR_?";
}

kc_status kc_fail(kc_error *err, kc_status status, int sys_errno, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    err->sys_errno = sys_errno;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    if (sys_errno && n >= 0 && (size_t)n < sizeof(err->msg)) {
        /* strerrordesc_np/strerrorname_np are thread-safe, unlike strerror */
        const char *name = strerrorname_np(sys_errno);
        const char *desc = strerrordesc_np(sys_errno);
        snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s (%s, errno %d)",
                 desc ? desc : "unknown error", name ? name : "?", sys_errno);
    }
    return status;
}

static kc_status status_of_errno(int e)
{
    switch (e) {
    case EBADMSG: return KC_ERR_AUTH;
    case ENOENT: return KC_ERR_NO_ALG;
    case EAFNOSUPPORT: return KC_ERR_NO_AFALG;
    case ENOPROTOOPT: return KC_ERR_UNSUPPORTED_KERNEL;
    case ENOKEY: case EKEYREJECTED: case EKEYREVOKED: case EKEYEXPIRED: case EACCES:
        return KC_ERR_KEY;
    case EINVAL: case EMSGSIZE: case EOVERFLOW: return KC_ERR_INVALID_ARG;
    case ENOMEM: case ENOBUFS: return KC_ERR_NOMEM;
    default: return KC_ERR_KERNEL;
    }
}

kc_status kc_fail_errno(kc_error *err, int sys_errno, const char *alg, const char *what)
{
    return kc_fail(err, status_of_errno(sys_errno), sys_errno, "%s: %s", alg, what);
}
