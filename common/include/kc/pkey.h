/* SPDX-License-Identifier: Apache-2.0 */
/* RSA private keys held by the kernel's "asymmetric" key type (Linux >= 6.2
 * with ASYMMETRIC_KEY_TYPE, PKCS8_PRIVATE_KEY_PARSER and RSA). The private
 * half enters the kernel once, as unencrypted PKCS#8 DER, and every private
 * operation afterwards is a keyctl on the key's serial. */
#ifndef KC_PKEY_H
#define KC_PKEY_H

#include "kc/error.h"
#include <stddef.h>
#include <stdint.h>

/* What this kernel can hold, found once per process. */
typedef enum {
    KC_PKEY_YES = 0,      /* the asymmetric key type is there */
    KC_PKEY_NO_TYPE,      /* no "asymmetric" key type (ENODEV): e.g. Debian's UML 6.1 */
    KC_PKEY_NO_KEYS       /* no key management syscalls at all (ENOSYS) */
} kc_pkey_support;
kc_pkey_support kc_pkey_supported(void);
/* One line naming what the kernel lacks, "" when it has it. */
const char *kc_pkey_support_text(kc_pkey_support s);

/* Keyring by name: "user" (@u, default), "session" (@s), "process" (@p),
 * "user-session" (@us), or a decimal serial. 0 and an error if unknown. */
int32_t kc_pkey_keyring(const char *name, kc_error *err);

/* Load unencrypted PKCS#8 DER into keyring as an asymmetric key. The
 * kernel parses it; a kernel without the PKCS#8 parser answers EBADMSG,
 * which the error names. The caller wipes der. */
kc_status kc_pkey_load(const char *desc, const void *der, size_t len, int32_t keyring,
                       int32_t *serial, kc_error *err);

/* Find an asymmetric key by serial (checked to be asymmetric and to carry
 * desc when desc is not NULL), else by description in keyring. */
kc_status kc_pkey_find(int32_t serial, const char *desc, int32_t keyring, int32_t *found,
                       kc_error *err);

typedef struct {
    unsigned bits;
    unsigned max_sig, max_dec;   /* bytes */
    int can_sign, can_decrypt;
    char desc[128];              /* the key's description */
    unsigned perm;               /* the key's permission mask */
    unsigned uid, gid;
} kc_pkey_info;
kc_status kc_pkey_query(int32_t serial, kc_pkey_info *info, kc_error *err);

/* RSASSA-PKCS1-v1_5 over a digest of hash ("sha1", "sha224", "sha256",
 * "sha384", "sha512"), done by the kernel (enc=pkcs1 hash=...). */
kc_status kc_pkey_sign_pkcs1(int32_t serial, const char *hash, const unsigned char *digest,
                             size_t dlen, unsigned char *sig, size_t siglen, kc_error *err);

/* The raw RSA private operation m^d mod n (keyctl_pkey_decrypt enc=raw):
 * in and out are both exactly the modulus size. */
kc_status kc_pkey_private_raw(int32_t serial, const unsigned char *in, size_t len,
                              unsigned char *out, kc_error *err);

/* Who may use the key: perm (keyctl_setperm's mask: possessor, user,
 * group, other bytes of view/read/write/search/link/setattr bits; -1
 * keeps it), then owner uid and gid (-1 keeps each; changing the uid needs
 * CAP_SYS_ADMIN). A refusal by the kernel says "wrong permission". */
kc_status kc_pkey_setperm(int32_t serial, long perm, long uid, long gid, kc_error *err);

/* Remove the key from the kernel at once (keyctl_invalidate). */
kc_status kc_pkey_delete(int32_t serial, kc_error *err);

#endif
