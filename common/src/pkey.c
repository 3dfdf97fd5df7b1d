/* SPDX-License-Identifier: Apache-2.0 */
#include "kc/pkey.h"

#include <errno.h>
#include <keyutils.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static kc_pkey_support support;
static pthread_once_t support_once = PTHREAD_ONCE_INIT;

/* An empty payload is refused by the type's parser (EINVAL/EBADMSG), while
 * a missing type is refused before that with ENODEV: no key is made. */
static void probe_support(void)
{
    key_serial_t s = add_key("asymmetric", "kcrypt:probe", "", 0, KEY_SPEC_PROCESS_KEYRING);
    if (s >= 0) {
        keyctl_invalidate(s);
        support = KC_PKEY_YES;
        return;
    }
    support = errno == ENODEV ? KC_PKEY_NO_TYPE : errno == ENOSYS ? KC_PKEY_NO_KEYS : KC_PKEY_YES;
}

kc_pkey_support kc_pkey_supported(void)
{
    pthread_once(&support_once, probe_support);
    return support;
}

const char *kc_pkey_support_text(kc_pkey_support s)
{
    switch (s) {
    case KC_PKEY_YES: return "";
    case KC_PKEY_NO_TYPE:
        return "kernel has no \"asymmetric\" key type (needs Linux >= 6.2 with "
               "ASYMMETRIC_KEY_TYPE, PKCS8_PRIVATE_KEY_PARSER and RSA)";
    case KC_PKEY_NO_KEYS: return "kernel has no key management (CONFIG_KEYS)";
    }
    return "?";
}

static kc_status unsupported(kc_error *err)
{
    return kc_fail(err, KC_ERR_UNSUPPORTED_KERNEL, 0, "pkey: %s",
                   kc_pkey_support_text(kc_pkey_supported()));
}

int32_t kc_pkey_keyring(const char *name, kc_error *err)
{
    static const struct { const char *name; int32_t spec; } rings[] = {
        { "user", KEY_SPEC_USER_KEYRING },       { "session", KEY_SPEC_SESSION_KEYRING },
        { "process", KEY_SPEC_PROCESS_KEYRING }, { "user-session", KEY_SPEC_USER_SESSION_KEYRING },
    };
    for (size_t i = 0; i < sizeof(rings) / sizeof(rings[0]); i++)
        if (!strcmp(name, rings[i].name))
            return rings[i].spec;
    char *end;
    long v = strtol(name, &end, 10);
    if (*name && !*end && v > 0 && v <= INT32_MAX)
        return (int32_t)v;
    kc_fail(err, KC_ERR_INVALID_ARG, 0,
            "pkey: unknown keyring \"%s\" (user, session, process, user-session or a serial)", name);
    return 0;
}

kc_status kc_pkey_load(const char *desc, const void *der, size_t len, int32_t keyring,
                       int32_t *serial, kc_error *err)
{
    key_serial_t s = add_key("asymmetric", desc, der, len, keyring);
    if (s >= 0) {
        *serial = s;
        return KC_OK;
    }
    int e = errno;
    if (e == ENODEV || e == ENOSYS)
        return unsupported(err);
    if (e == EBADMSG)
        return kc_fail(err, KC_ERR_UNSUPPORTED_KERNEL, e,
                       "pkey: the kernel's asymmetric key parsers refused \"%s\" (an RSA key "
                       "needs PKCS8_PRIVATE_KEY_PARSER and RSA in the kernel)", desc);
    return kc_fail(err, e == EINVAL ? KC_ERR_INVALID_ARG : KC_ERR_KEY, e,
                   "pkey: add asymmetric key \"%s\"", desc);
}

/* "asymmetric;uid;gid;perm;description" */
static kc_status describe(int32_t serial, kc_pkey_info *info, kc_error *err)
{
    char *d = NULL;
    if (keyctl_describe_alloc(serial, &d) < 0) {
        int e = errno;
        return kc_fail(err, KC_ERR_KEY, e, "pkey: key %d", (int)serial);
    }
    char type[32] = "";
    int off = 0;
    if (sscanf(d, "%31[^;];%u;%u;%x;%n", type, &info->uid, &info->gid, &info->perm, &off) != 4 ||
        !off) {
        free(d);
        return kc_fail(err, KC_ERR_KEY, 0, "pkey: key %d: unreadable description", (int)serial);
    }
    snprintf(info->desc, sizeof(info->desc), "%s", d + off);
    free(d);
    if (strcmp(type, "asymmetric"))
        return kc_fail(err, KC_ERR_KEY, 0, "pkey: key %d is a \"%s\" key, not asymmetric",
                       (int)serial, type);
    return KC_OK;
}

/* EACCES from the keyring: the key exists but its owner and permission
 * mask (kcrypt key setperm) keep this uid out. Said so, not only errno. */
static kc_status wrong_permission(kc_error *err, int32_t serial, const char *what)
{
    return kc_fail(err, KC_ERR_KEY, EACCES,
                   "pkey: %s key %d: wrong permission: uid %u gid %u may not %s it (its owner "
                   "can grant it: kcrypt key setperm)", what, (int)serial, (unsigned)geteuid(),
                   (unsigned)getegid(), strcmp(what, "find") ? "use" : "view or search");
}

kc_status kc_pkey_find(int32_t serial, const char *desc, int32_t keyring, int32_t *found,
                       kc_error *err)
{
    if (serial > 0) {
        kc_pkey_info info;
        kc_error de;
        kc_status st = describe(serial, &info, &de);
        if (st == KC_OK && (!desc || !strcmp(desc, info.desc))) {
            *found = serial;
            return KC_OK;
        }
        if (st != KC_OK && de.sys_errno == EACCES)
            return wrong_permission(err, serial, "find");
    }
    if (!desc)
        return kc_fail(err, KC_ERR_KEY, ENOKEY, "pkey: no asymmetric key %d", (int)serial);
    long s = keyctl_search(keyring, "asymmetric", desc, 0);
    if (s < 0) {
        int e = errno;
        if (kc_pkey_supported() != KC_PKEY_YES)
            return unsupported(err);
        return kc_fail(err, KC_ERR_KEY, e, "pkey: asymmetric key \"%s\"", desc);
    }
    *found = (int32_t)s;
    return KC_OK;
}

kc_status kc_pkey_query(int32_t serial, kc_pkey_info *info, kc_error *err)
{
    memset(info, 0, sizeof(*info));
    kc_status st = describe(serial, info, err);
    if (st != KC_OK)
        return st;
    struct keyctl_pkey_query q;
    memset(&q, 0, sizeof(q));
    if (keyctl_pkey_query(serial, "enc=raw", &q) < 0) {
        int e = errno;
        return kc_fail(err, KC_ERR_KEY, e, "pkey: query key %d \"%s\"", (int)serial, info->desc);
    }
    info->bits = q.key_size;
    info->max_sig = q.max_sig_size;
    info->max_dec = q.max_dec_size;
    info->can_sign = !!(q.supported_ops & KEYCTL_SUPPORTS_SIGN);
    info->can_decrypt = !!(q.supported_ops & KEYCTL_SUPPORTS_DECRYPT);
    return KC_OK;
}

static int hash_ok(const char *h)
{
    static const char *const ok[] = { "sha1", "sha224", "sha256", "sha384", "sha512" };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!strcmp(h, ok[i]))
            return 1;
    return 0;
}

kc_status kc_pkey_sign_pkcs1(int32_t serial, const char *hash, const unsigned char *digest,
                             size_t dlen, unsigned char *sig, size_t siglen, kc_error *err)
{
    if (!hash_ok(hash))
        return kc_fail(err, KC_ERR_INVALID_ARG, 0, "pkey: PKCS#1 v1.5 signing with %s", hash);
    char info[48];
    snprintf(info, sizeof(info), "enc=pkcs1 hash=%s", hash);
    /* valgrind does not model what keyctl(PKEY_*) writes: define it first */
    memset(sig, 0, siglen);
    long n = keyctl_pkey_sign(serial, info, digest, dlen, sig, siglen);
    if (n < 0) {
        int e = errno;
        if (e == EACCES)
            return wrong_permission(err, serial, "sign with");
        return kc_fail(err, e == EINVAL || e == EMSGSIZE ? KC_ERR_INVALID_ARG : KC_ERR_KEY, e,
                       "pkey: sign with key %d (enc=pkcs1 hash=%s)", (int)serial, hash);
    }
    if ((size_t)n != siglen)
        return kc_fail(err, KC_ERR_KERNEL, 0, "pkey: key %d gave a %ld-byte signature, not %zu",
                       (int)serial, n, siglen);
    return KC_OK;
}

kc_status kc_pkey_private_raw(int32_t serial, const unsigned char *in, size_t len,
                              unsigned char *out, kc_error *err)
{
    if (out != in)
        memset(out, 0, len);   /* see kc_pkey_sign_pkcs1 */
    long n = keyctl_pkey_decrypt(serial, "enc=raw", in, len, out, len);
    if (n < 0) {
        int e = errno;
        if (e == EACCES)
            return wrong_permission(err, serial, "the private operation of");
        return kc_fail(err, e == EINVAL || e == EMSGSIZE ? KC_ERR_INVALID_ARG : KC_ERR_KEY, e,
                       "pkey: raw RSA private operation with key %d", (int)serial);
    }
    if ((size_t)n == len)
        return KC_OK;
    /* the kernel drops leading zero bytes of the result */
    if ((size_t)n > len)
        return kc_fail(err, KC_ERR_KERNEL, 0, "pkey: key %d: raw result too long", (int)serial);
    memmove(out + (len - (size_t)n), out, (size_t)n);
    memset(out, 0, len - (size_t)n);
    return KC_OK;
}

kc_status kc_pkey_delete(int32_t serial, kc_error *err)
{
    if (keyctl_invalidate(serial) < 0) {
        int e = errno;
        return kc_fail(err, KC_ERR_KEY, e, "pkey: delete key %d", (int)serial);
    }
    return KC_OK;
}

kc_status kc_pkey_setperm(int32_t serial, long perm, long uid, long gid, kc_error *err)
{
    /* the mask first: once the key belongs to another uid, only
     * CAP_SYS_ADMIN could still change it */
    if (perm >= 0 && keyctl_setperm(serial, (key_perm_t)perm) < 0) {
        int e = errno;
        if (e == EACCES)
            return wrong_permission(err, serial, "set the permissions of");
        return kc_fail(err, KC_ERR_KEY, e, "pkey: setperm key %d to 0x%08lx", (int)serial, perm);
    }
    if ((uid >= 0 || gid >= 0) && keyctl_chown(serial, (uid_t)uid, (gid_t)gid) < 0) {
        int e = errno;
        if (e == EACCES)
            return wrong_permission(err, serial, "chown");
        return kc_fail(err, KC_ERR_KEY, e, "pkey: chown key %d to %ld:%ld%s", (int)serial, uid,
                       gid, e == EDQUOT ? " (the new owner's key quota is full)" : "");
    }
    return KC_OK;
}
