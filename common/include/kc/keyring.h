/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel keyring keys for use by serial with kc_tfm_setkey (KC_KEY_SERIAL). */
#ifndef KC_KEYRING_H
#define KC_KEYRING_H

#include "kc/error.h"
#include <stddef.h>
#include <stdint.h>

/* Add a "logon" key (unreadable from user space) to the process keyring.
 * desc must look like "kcrypt:<name>". */
kc_status kc_keyring_add_logon(const char *desc, const void *key, size_t len,
                               int32_t *serial, kc_error *err);
/* Add a "user" key (readable by its possessor) to the process keyring. */
kc_status kc_keyring_add_user(const char *desc, const void *key, size_t len,
                              int32_t *serial, kc_error *err);
kc_status kc_keyring_unlink(int32_t serial, kc_error *err);

/* Kernel-held secret keys: "encrypted" keys (CONFIG_ENCRYPTED_KEYS) whose
 * bytes the kernel makes or takes once, under a "user" master key that the
 * caller has locked (kc_keyring_lock: possessor may view and search only,
 * so nothing can read, update or unlock it again). Linux 6.12 names only
 * "user:" and "trusted:" masters, not "logon:". All keys go to the process
 * keyring: they die with the process. */
/* A user key that only the kernel can use: add, then lock. */
kc_status kc_keyring_add_master(const char *desc, const void *key, size_t len,
                                int32_t *serial, kc_error *err);
/* "new default user:<master> <len> [hex data]": data NULL lets the kernel
 * draw the bytes; with data (CONFIG_USER_DECRYPTED_DATA) the hex copy made
 * for the kernel is wiped. */
kc_status kc_keyring_encrypted_new(const char *desc, const char *master, size_t len,
                                   const unsigned char *data, int32_t *serial, kc_error *err);
/* "load <blob>": the blob as kc_keyring_encrypted_blob returned it. */
kc_status kc_keyring_encrypted_load(const char *desc, const char *blob, size_t blob_len,
                                    int32_t *serial, kc_error *err);
/* The kernel's blob (hex text, the value encrypted under the master). */
kc_status kc_keyring_encrypted_blob(int32_t serial, char **blob, size_t *blob_len,
                                    kc_error *err);
/* "update user:<master>": the same bytes, sealed under another master. */
kc_status kc_keyring_encrypted_remaster(int32_t serial, const char *master, kc_error *err);
/* Possessor may view and search (use by serial) only: no read, write, link
 * or setattr, so the lock cannot be undone. */
kc_status kc_keyring_lock(int32_t serial, kc_error *err);
/* Gone at once for everyone (keyctl invalidate), then unlinked. */
void kc_keyring_destroy(int32_t serial);
/* Whether this kernel takes all the above: a master, a kernel-drawn and an
 * imported encrypted key, and a transform keyed by serial from one (the
 * PKCS#11 token's kernel custody; `kcrypt info` reports it). Tried with
 * throw-away keys, each time it is called; err says what was refused. */
int kc_keyring_custody_ok(kc_error *err);

#endif
