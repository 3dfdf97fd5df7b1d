/* SPDX-License-Identifier: Apache-2.0 */
/* The token's audit trail (issue 10 item 6): one call per key lifecycle
 * event, each one syslog line (authpriv.notice, ident "kcrypt-pkcs11")
 * with the object's label, CKA_ID (hex), class, key type and handle,
 * never a value. Separate from KCRYPT_DEBUG's diagnostics: always on. */
#ifndef P11_AUDIT_H
#define P11_AUDIT_H

#include "p11.h"

/* create / generate (by how), at the end of p11_object_make (unwrap: below) */
void p11_audit_made(p11_make how, const p11_object *o);
/* copy, destroy, export-value: the event, the object, its outcome; returns rv */
CK_RV p11_audit_key(const char *event, const p11_object *o, CK_RV rv);
/* C_WrapKey's outcome for the key handle hk wrapped under hw (a size
 * query, a short buffer or a handle that is no visible key: no line) */
void p11_audit_wrap(CK_OBJECT_HANDLE hw, CK_OBJECT_HANDLE hk, const void *out, CK_RV rv);
/* C_UnwrapKey's outcome under the key hu: the new key (*out) or the
 * refusal (no line when hu is no visible key) */
void p11_audit_unwrap(CK_OBJECT_HANDLE hu, const CK_OBJECT_HANDLE *out, CK_RV rv);
/* a PIN that failed for a role (and the lock it caused); returns rv */
CK_RV p11_audit_pin(int so, CK_RV rv, const p11_token *t);
/* C_InitToken: a new token key, every token object gone */
void p11_audit_token_init(const p11_token *t);

#endif
