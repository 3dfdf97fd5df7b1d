/* SPDX-License-Identifier: Apache-2.0 */
/* The KCRYPT_DEBUG channel, shared by the provider and the token: unset,
 * empty or "0" is off; "1" (any value not starting with '/') writes to
 * stderr; a path starting with '/' appends to that file (created 0600).
 * Only error text and names go here, never key material. */
#ifndef KC_DEBUG_H
#define KC_DEBUG_H

#include <stdarg.h>

/* Nonzero when KCRYPT_DEBUG asks for messages (read once per process). */
int kc_debug_on(void);

/* One line "<who>: <message>\n", written with one write() so lines of
 * threads and processes sharing the file do not interleave. */
void kc_debug(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kc_vdebug(const char *who, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
