/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel-held secret keys as "encrypted" keyring keys (see kc/keyring.h). */
#include "kc/keyring.h"
#include "kc/key.h"
#include "kc/probe.h"
#include "kc/tfm.h"

#include <errno.h>
#include <keyutils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define LOCKED_PERM (KEY_POS_VIEW | KEY_POS_SEARCH)

kc_status kc_keyring_lock(int32_t serial, kc_error *err)
{
    if (keyctl_setperm(serial, LOCKED_PERM) < 0)
        return kc_fail(err, KC_ERR_KEY, errno, "keyring: lock key %d", (int)serial);
    return KC_OK;
}

void kc_keyring_destroy(int32_t serial)
{
    if (serial <= 0)
        return;
    /* invalidate needs search permission, which a locked key keeps */
    keyctl_invalidate(serial);
    keyctl_unlink(serial, KEY_SPEC_PROCESS_KEYRING);
}

kc_status kc_keyring_add_master(const char *desc, const void *key, size_t len, int32_t *serial,
                                kc_error *err)
{
    key_serial_t s = add_key("user", desc, key, len, KEY_SPEC_PROCESS_KEYRING);
    if (s < 0)
        return kc_fail(err, KC_ERR_KEY, errno, "keyring: add user master key \"%s\"", desc);
    if (kc_keyring_lock(s, err) != KC_OK) {
        kc_keyring_destroy(s);
        return KC_ERR_KEY;
    }
    *serial = s;
    return KC_OK;
}

static kc_status add_encrypted(const char *desc, char *payload, size_t plen, int32_t *serial,
                               kc_error *err, const char *what)
{
    key_serial_t s = add_key("encrypted", desc, payload, plen, KEY_SPEC_PROCESS_KEYRING);
    int e = errno;
    kc_wipe(payload, plen);
    if (s < 0)
        return kc_fail(err, e == EINVAL ? KC_ERR_INVALID_ARG : KC_ERR_KEY, e,
                       "keyring: %s encrypted key \"%s\"", what, desc);
    *serial = s;
    return KC_OK;
}

kc_status kc_keyring_encrypted_new(const char *desc, const char *master, size_t len,
                                   const unsigned char *data, int32_t *serial, kc_error *err)
{
    size_t cap = strlen(master) + 64 + (data ? 2 * len : 0);
    char *p = malloc(cap);
    if (!p)
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "keyring: payload for \"%s\"", desc);
    int n = snprintf(p, cap, "new default user:%s %zu", master, len);
    if (n < 0 || (size_t)n >= cap) {
        free(p);
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "keyring: master \"%s\"", master);
    }
    size_t at = (size_t)n;
    if (data) {
        static const char hex[] = "0123456789abcdef";
        p[at++] = ' ';
        for (size_t i = 0; i < len; i++) {
            p[at++] = hex[data[i] >> 4];
            p[at++] = hex[data[i] & 15];
        }
    }
    kc_status st = add_encrypted(desc, p, at, serial, err, data ? "import into" : "generate");
    kc_wipe(p, cap);
    free(p);
    return st;
}

kc_status kc_keyring_encrypted_load(const char *desc, const char *blob, size_t blob_len,
                                    int32_t *serial, kc_error *err)
{
    char *p = malloc(blob_len + 6);
    if (!p)
        return kc_fail(err, KC_ERR_NOMEM, ENOMEM, "keyring: payload for \"%s\"", desc);
    memcpy(p, "load ", 5);
    memcpy(p + 5, blob, blob_len);
    kc_status st = add_encrypted(desc, p, blob_len + 5, serial, err, "load");
    free(p);
    return st;
}

kc_status kc_keyring_encrypted_blob(int32_t serial, char **blob, size_t *blob_len, kc_error *err)
{
    void *b = NULL;
    long n = keyctl_read_alloc(serial, &b);
    if (n < 0)
        return kc_fail(err, KC_ERR_KEY, errno, "keyring: read encrypted key %d", (int)serial);
    *blob = b;
    *blob_len = (size_t)n;
    return KC_OK;
}

kc_status kc_keyring_encrypted_remaster(int32_t serial, const char *master, kc_error *err)
{
    char p[300];
    int n = snprintf(p, sizeof p, "update user:%s", master);
    if (n < 0 || (size_t)n >= sizeof p)
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "keyring: master \"%s\"", master);
    if (keyctl_update(serial, p, (size_t)n) < 0)
        return kc_fail(err, KC_ERR_KEY, errno, "keyring: re-master encrypted key %d",
                       (int)serial);
    return KC_OK;
}

int kc_keyring_custody_ok(kc_error *err)
{
    if (!kc_probe()->keyring_keys) {
        kc_fail(err, KC_ERR_UNSUPPORTED_KERNEL, 0, "keyring: no keys by serial (Linux < 6.2)");
        return 0;
    }
    unsigned char m[32];
    static const unsigned char data[32];
    char md[64];
    snprintf(md, sizeof md, "kcrypt:probe-master-%ld", (long)getpid());
    int32_t master = 0, gen = 0, imp = 0;
    kc_tfm *t = NULL;
    int ok = getrandom(m, sizeof m, 0) == (ssize_t)sizeof m;
    if (!ok)
        kc_fail(err, KC_ERR_KERNEL, errno, "keyring: getrandom");
    ok = ok && kc_keyring_add_master(md, m, sizeof m, &master, err) == KC_OK;
    kc_wipe(m, sizeof m);
    ok = ok && kc_keyring_encrypted_new("kcrypt:probe-new", md, 32, NULL, &gen, err) == KC_OK;
    ok = ok && kc_keyring_encrypted_new("kcrypt:probe-import", md, 32, data, &imp, err) == KC_OK;
    ok = ok && kc_tfm_open(&t, KC_AES_ECB, NULL, err) == KC_OK;
    if (ok) {
        kc_key k = KC_KEY_SERIAL(imp);
        ok = kc_tfm_setkey(t, &k, err) == KC_OK;
    }
    if (t)
        kc_tfm_free(t);
    kc_keyring_destroy(gen);
    kc_keyring_destroy(imp);
    kc_keyring_destroy(master);
    return ok;
}
