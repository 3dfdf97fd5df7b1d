/* SPDX-License-Identifier: Apache-2.0 */
/* Errors go through the core's error functions, never libcrypto's ERR_*
 * directly: the core files them under this provider's own library number so
 * `openssl errstr` and ERR_print_errors name kcrypt and our reasons. */
#include "prov.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const OSSL_ITEM reasons[] = {
    { KCP_R_KERNEL_FAILURE, "kernel crypto operation failed" },
    { KCP_R_NO_AFALG, "kernel has no AF_ALG" },
    { KCP_R_ALG_UNAVAILABLE, "algorithm not offered by the kernel" },
    { KCP_R_INVALID_ARGUMENT, "invalid argument" },
    { KCP_R_AUTH_FAILED, "authentication failed" },
    { KCP_R_BAD_CONFIG, "bad kcrypt configuration" },
    { KCP_R_KEY_REJECTED, "kernel rejected the key" },
    { KCP_R_FORKED, "context used after fork" },
    { KCP_R_BAD_STATE, "call out of order" },
    { KCP_R_NOMEM, "out of memory" },
    { KCP_R_INVALID_KEY_LENGTH, "invalid key length" },
    { KCP_R_INVALID_IV_LENGTH, "invalid iv length" },
    { KCP_R_INVALID_TAG, "invalid tag" },
    { KCP_R_OUTPUT_TOO_SMALL, "output buffer too small" },
    { KCP_R_BAD_DECRYPT, "bad decrypt" },
    { KCP_R_UNSUPPORTED, "unsupported by kcrypt" },
    { KCP_R_SOFTWARE_FAILED, "software fallback failed" },
    { KCP_R_UNSUPPORTED_KERNEL, "needs a newer kernel" },
    { 0, NULL }
};

const OSSL_ITEM *kcp_reason_strings(void)
{
    return reasons;
}

static void vraise(const kcp_prov *p, const char *file, int line, const char *func, int reason,
                   const char *fmt, va_list ap)
{
    kcp_count(KCP_ST_ERRORS, 1);
    if (kcp_debug_on()) {
        va_list cp;
        va_copy(cp, ap);
        char msg[512];
        vsnprintf(msg, sizeof msg, fmt, cp);
        va_end(cp);
        kc_debug("kcrypt", "error: %s (%s)", msg, func);
    }
    if (!p || !p->c_new_error || !p->c_vset_error)
        return;
    p->c_new_error(p->handle);
    if (p->c_set_error_debug)
        p->c_set_error_debug(p->handle, file, line, func);
    p->c_vset_error(p->handle, (uint32_t)reason, fmt, ap);
}

void kcp_raise(const kcp_prov *p, const char *file, int line, const char *func, int reason,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vraise(p, file, line, func, reason, fmt, ap);
    va_end(ap);
}

static int reason_of(kc_status s)
{
    switch (s) {
    case KC_ERR_NO_AFALG: return KCP_R_NO_AFALG;
    case KC_ERR_NO_ALG: return KCP_R_ALG_UNAVAILABLE;
    case KC_ERR_INVALID_ARG: return KCP_R_INVALID_ARGUMENT;
    case KC_ERR_AUTH: return KCP_R_AUTH_FAILED;
    case KC_ERR_UNSUPPORTED_KERNEL: return KCP_R_UNSUPPORTED_KERNEL;
    case KC_ERR_KEY: return KCP_R_KEY_REJECTED;
    case KC_ERR_FORKED: return KCP_R_FORKED;
    case KC_ERR_STATE: return KCP_R_BAD_STATE;
    case KC_ERR_NOMEM: return KCP_R_NOMEM;
    default: return KCP_R_KERNEL_FAILURE;
    }
}

void kcp_raise_kc(const kcp_prov *p, const char *file, int line, const char *func,
                  const kc_error *e, const char *what)
{
    kcp_raise(p, file, line, func, reason_of(e->status), "%s: %s [%s]", what,
              e->msg[0] ? e->msg : "no detail", kc_status_name(e->status));
}

int kcp_debug_on(void)
{
    return kc_debug_on();
}

void kcp_debug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kc_vdebug("kcrypt", fmt, ap);
    va_end(ap);
}
