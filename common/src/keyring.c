/* SPDX-License-Identifier: Apache-2.0 */
#include "kc/keyring.h"

#include <errno.h>
#include <keyutils.h>
#include <string.h>

static kc_status add(const char *type, const char *desc, const void *key, size_t len,
                     int32_t *serial, kc_error *err)
{
    key_serial_t s = add_key(type, desc, key, len, KEY_SPEC_PROCESS_KEYRING);
    if (s < 0)
        return kc_fail(err, errno == EINVAL ? KC_ERR_INVALID_ARG : KC_ERR_KEY, errno,
                       "keyring: add %s key \"%s\"", type, desc);
    *serial = s;
    return KC_OK;
}

kc_status kc_keyring_add_logon(const char *desc, const void *key, size_t len, int32_t *serial,
                               kc_error *err)
{
    if (!strchr(desc, ':'))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0,
                       "keyring: a logon key's description needs a \"prefix:\" (got \"%s\")",
                       desc);
    return add("logon", desc, key, len, serial, err);
}

kc_status kc_keyring_add_user(const char *desc, const void *key, size_t len, int32_t *serial,
                              kc_error *err)
{
    return add("user", desc, key, len, serial, err);
}

kc_status kc_keyring_unlink(int32_t serial, kc_error *err)
{
    if (keyctl_unlink(serial, KEY_SPEC_PROCESS_KEYRING) < 0)
        return kc_fail(err, KC_ERR_KEY, errno, "keyring: unlink key %d", (int)serial);
    return KC_OK;
}
