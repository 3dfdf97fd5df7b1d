/* SPDX-License-Identifier: Apache-2.0 */
/* Audit lines for the key lifecycle, to syslog's authpriv facility.
 * The line is written to /dev/log directly, in syslog(3)'s own format
 * ("<85>Mmm dd hh:mm:ss IDENT[PID]: TEXT"), instead of through openlog()/
 * syslog(): a library must not change its application's ident, facility
 * or log mask, and an audit line must not be dropped by that mask.
 * Callers pass labels and ids, never key values. */
#ifndef KC_AUDIT_H
#define KC_AUDIT_H

#include <stddef.h>

/* authpriv.notice; nothing happens when no syslog daemon listens. errno is kept. */
void kc_audit(const char *ident, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A label as printable text for a line: at most 64 bytes of it, and '"',
 * '\\', control and non-ASCII bytes as \xNN, so a label cannot forge a
 * field or a second line. out needs 4 * 64 + 4 bytes; "..." marks a cut. */
#define KC_AUDIT_TEXT_MAX (4 * 64 + 4)
void kc_audit_text(char out[KC_AUDIT_TEXT_MAX], const void *in, size_t len);

/* An id (e.g. CKA_ID) as hex: at most 32 bytes of it ("-" when empty). */
#define KC_AUDIT_HEX_MAX (2 * 32 + 4)
void kc_audit_hex(char out[KC_AUDIT_HEX_MAX], const void *in, size_t len);

#endif
