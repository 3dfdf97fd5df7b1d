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

#endif
