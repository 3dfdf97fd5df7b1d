/* SPDX-License-Identifier: Apache-2.0 */
/* Key custody on kernels with keys by serial (Linux >= 6.2, and
 * CONFIG_ENCRYPTED_KEYS): a non-extractable secret key lives as a kernel
 * "encrypted" key in the process keyring and every transform is keyed by its
 * serial, so its bytes are never in this process's memory after it was
 * made. Generated keys are drawn by the kernel ("new"); imported and
 * unwrapped ones pass through the process once, as the hex payload of "new
 * ... <data>" (CONFIG_USER_DECRYPTED_DATA), wiped right after. The kernel
 * shows only its blob (the value encrypted under a master key): that is what
 * a token object's file keeps (sealed part, CKA_KCRYPT_KERNEL_BLOB), and
 * login loads it back ("load"), so no key bytes enter the process there.
 *
 * Keys shorter than an encrypted key may be (20 bytes: AES-128, short HMAC
 * secrets) are "logon" keys instead, with the value also sealed in the
 * vault for the store and copies (make_logon).
 *
 * Masters are "user" keys (6.12 takes only user: and trusted: masters):
 * the token master, HMAC-SHA256 of the token key (computed in the kernel at
 * login while the token key is in the process anyway, then wiped), for
 * token objects; a random per-process master for session objects. Every
 * key is locked once made (kc_keyring_lock: possessor may view and search,
 * for good), so nothing can update, re-master or re-permit it. A key dies
 * with its object (invalidated: C_DestroyObject, session close, C_Logout
 * for token keys, C_Finalize) or with the process (process keyring).
 *
 * Limits (README "Key custody"): the kernel lets a possessor read a key it
 * may search (keyctl_read_key), and the encrypted key type needs search on
 * its master, so code running inside the logged-in process can read a
 * master and open the blobs; it could also load a blob into a key of its
 * own and re-master it. This custody keeps key bytes out of the process's
 * memory (core dumps, memory disclosure bugs, reads of /proc/PID/mem), it
 * does not make a compromised token user harmless. On kernels without keys
 * by serial the vault (vault.c) serves every key, as before. */
#include "p11.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kc/keyring.h"

static struct {
    int decided, kernel;
    int32_t session_master, token_master;
    char session_desc[64], token_desc[64];
    unsigned long seq;
} cu;

static void destroy(int32_t *serial)
{
    kc_keyring_destroy(*serial);
    *serial = 0;
}

static int add_master(const unsigned char *v, size_t len, const char *desc, int32_t *serial)
{
    kc_error err;
    destroy(serial);
    if (kc_keyring_add_master(desc, v, len, serial, &err) == KC_OK)
        return 1;
    p11_debug("key custody: %s", err.msg);
    return 0;
}

/* The kernel must take all we ask of it (kc_keyring_custody_ok), then the
 * session master. */
static int kernel_works(void)
{
    kc_error err = { 0 };
    if (!kc_keyring_custody_ok(&err)) {
        p11_debug("key custody: the kernel refused keyring keys (%s), using the vault", err.msg);
        return 0;
    }
    unsigned char r[32], tag[4];   /* the name is not drawn from the master's bytes */
    if (p11_random(tag, sizeof tag) != CKR_OK || p11_random(r, sizeof r) != CKR_OK)
        return 0;
    snprintf(cu.session_desc, sizeof cu.session_desc, "kcrypt:p11-session-%ld-%02x%02x%02x%02x",
             (long)getpid(), tag[0], tag[1], tag[2], tag[3]);
    int ok = add_master(r, sizeof r, cu.session_desc, &cu.session_master);
    kc_wipe(r, sizeof r);
    return ok;
}

int p11_custody_kernel(void)
{
    if (!cu.decided) {
        cu.decided = 1;
        cu.kernel = kernel_works();
    }
    return cu.kernel;
}

const char *p11_custody_name(void)
{
    return p11_custody_kernel() ? "kernel keyring" : "sealed vault";
}

static const char *master_for(const p11_object *o)
{
    if (p11_attr_bool(o, CKA_TOKEN))
        return cu.token_master > 0 ? cu.token_desc : NULL;
    return cu.session_master > 0 ? cu.session_desc : NULL;
}

int p11_custody_wants(const p11_object *o)
{
    return o->cls == CKO_SECRET_KEY && !p11_attr_bool(o, CKA_EXTRACTABLE) &&
           p11_custody_kernel() && master_for(o);
}

static void next_desc(char *d, size_t n)
{
    snprintf(d, n, "kcrypt:p11-key-%ld-%lu", (long)getpid(), ++cu.seq);
}

/* The uid's keyring quota (kernel.keys.maxkeys/maxbytes; 200 keys and
 * 20000 bytes for a non-root uid by default) is the token's memory here. */
static CK_RV map(kc_status st, const kc_error *err)
{
    if (err->sys_errno == EDQUOT) {
        p11_debug("key custody: keyring quota of this uid exhausted (%s)", err->msg);
        return CKR_DEVICE_MEMORY;
    }
    if (st != KC_OK)
        p11_debug("key custody: %s", err->msg);
    return st == KC_ERR_NOMEM ? CKR_HOST_MEMORY : CKR_DEVICE_ERROR;
}

/* A new kernel key for o: keep its blob, then lock it for good. */
static CK_RV adopt(p11_object *o, int32_t serial)
{
    kc_error err;
    char *blob;
    size_t n;
    kc_status st = kc_keyring_encrypted_blob(serial, &blob, &n, &err);
    if (st == KC_OK && (st = kc_keyring_lock(serial, &err)) != KC_OK)
        free(blob);
    if (st != KC_OK) {
        kc_keyring_destroy(serial);
        return map(st, &err);
    }
    p11_custody_drop(o);
    o->sserial = serial;
    o->kblob = blob;
    o->kblob_len = n;
    return CKR_OK;
}

/* Shorter than an encrypted key can be (the kernel's MIN_DATA_SIZE, 20
 * bytes: AES-128 keys, short HMAC secrets): a locked "logon" key, and the
 * value sealed in the vault as before, for the store and for copies. */
#define ENCRYPTED_MIN 20

static CK_RV make_logon(p11_object *o, size_t len, const unsigned char *v)
{
    unsigned char r[ENCRYPTED_MIN];
    CK_RV rv = CKR_OK;
    if (!v && (rv = p11_random(r, len)) == CKR_OK)
        v = r;
    char d[64];
    next_desc(d, sizeof d);
    int32_t s = 0;
    kc_error err;
    kc_status st;
    if (rv == CKR_OK && (st = kc_keyring_add_logon(d, v, len, &s, &err)) != KC_OK)
        rv = map(st, &err);
    if (rv == CKR_OK && (st = kc_keyring_lock(s, &err)) != KC_OK)
        rv = map(st, &err);
    unsigned char *sealed = NULL;
    size_t sealed_len = 0;
    if (rv == CKR_OK)
        rv = p11_seal(v, len, &sealed, &sealed_len);
    kc_wipe(r, sizeof r);
    if (rv != CKR_OK) {
        kc_keyring_destroy(s);
        return rv;
    }
    p11_custody_drop(o);
    o->sserial = s;
    o->sealed = sealed;
    o->sealed_len = sealed_len;
    o->value_len = len;
    return CKR_OK;
}

static CK_RV make(p11_object *o, size_t len, const unsigned char *v)
{
    if (len < ENCRYPTED_MIN)
        return make_logon(o, len, v);
    const char *m = master_for(o);
    if (!m)
        return CKR_USER_NOT_LOGGED_IN;
    char d[64];
    next_desc(d, sizeof d);
    int32_t s;
    kc_error err;
    kc_status st = kc_keyring_encrypted_new(d, m, len, v, &s, &err);
    if (st != KC_OK)
        return st == KC_ERR_INVALID_ARG ? CKR_KEY_SIZE_RANGE : map(st, &err);
    o->value_len = len;
    return adopt(o, s);
}

CK_RV p11_custody_generate(p11_object *o, size_t len)
{
    return make(o, len, NULL);
}

CK_RV p11_custody_import(p11_object *o, const unsigned char *v, size_t len)
{
    return make(o, len, v);
}

CK_RV p11_custody_load(p11_object *o, const unsigned char *blob, size_t len)
{
    const p11_attr *a = p11_attr_get(o, CKA_VALUE_LEN);
    CK_ULONG vl;
    if (!p11_custody_kernel() || !cu.token_master || !a || a->len != sizeof vl)
        return CKR_DEVICE_ERROR;   /* e.g. a store from a 6.12 machine read on 6.1 */
    memcpy(&vl, a->val, sizeof vl);
    char d[64];
    next_desc(d, sizeof d);
    int32_t s;
    kc_error err;
    kc_status st = kc_keyring_encrypted_load(d, (const char *)blob, len, &s, &err);
    if (st != KC_OK)
        return map(st, &err);   /* the object is left out (README "Key custody") */
    o->value_len = vl;
    return adopt(o, s);
}

/* C_CopyObject: the same bytes in a new kernel key, under the master of
 * the copy (a session copy of a token key, or the other way round). */
CK_RV p11_custody_copy(p11_object *dst, const p11_object *src)
{
    const char *m = master_for(dst);
    if (!m || !src->kblob)
        return CKR_USER_NOT_LOGGED_IN;
    char d[64];
    next_desc(d, sizeof d);
    int32_t s;
    kc_error err;
    kc_status st = kc_keyring_encrypted_load(d, src->kblob, src->kblob_len, &s, &err);
    if (st == KC_OK && p11_attr_bool(dst, CKA_TOKEN) != p11_attr_bool(src, CKA_TOKEN) &&
        (st = kc_keyring_encrypted_remaster(s, m, &err)) != KC_OK)
        kc_keyring_destroy(s);
    if (st != KC_OK)
        return map(st, &err);
    dst->value_len = src->value_len;
    return adopt(dst, s);
}

void p11_custody_drop(p11_object *o)
{
    destroy(&o->sserial);
    free(o->kblob);   /* the kernel's blob: no clear bytes */
    o->kblob = NULL;
    o->kblob_len = 0;
}

void p11_custody_login(const unsigned char *tk, size_t len)
{
    if (!p11_custody_kernel())
        return;
    static const char label[] = "kcrypt-p11 encrypted-key master v1";
    unsigned char m[32];
    kc_key k = KC_KEY_RAW(tk, len);
    kc_hash *h = NULL;
    kc_error err;
    int ok = kc_hash_new(&h, KC_HMAC_SHA256, NULL, &k, &err) == KC_OK &&
             kc_hash_oneshot(h, label, sizeof label - 1, m, sizeof m, &err) == KC_OK;
    if (h)
        kc_hash_free(h);
    /* named after the token: a blob names its master, so all processes of
     * this token must use one name */
    char serial[sizeof p11_g.tok.serial + 1];
    size_t i = 0;
    for (; i < sizeof p11_g.tok.serial && p11_g.tok.serial[i] > ' ' && p11_g.tok.serial[i] < 127;
         i++)
        serial[i] = p11_g.tok.serial[i];
    serial[i] = 0;
    snprintf(cu.token_desc, sizeof cu.token_desc, "kcrypt:p11-token-%s", serial);
    if (!ok || !add_master(m, sizeof m, cu.token_desc, &cu.token_master))
        destroy(&cu.token_master);   /* token keys fall back to the vault */
    kc_wipe(m, sizeof m);
}

void p11_custody_logout(void)
{
    destroy(&cu.token_master);
}

void p11_custody_fini(void)
{
    destroy(&cu.token_master);
    destroy(&cu.session_master);
    cu.decided = 0;
    cu.kernel = 0;
}

static int tmpl_true(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type)
{
    const CK_ATTRIBUTE *a = p11_tmpl_find(t, n, type);
    return a && a->pValue && a->ulValueLen == sizeof(CK_BBOOL) && *(CK_BBOOL *)a->pValue;
}

/* C_GenerateKey: leave the drawing to the kernel when the key will be
 * held there (p11_custody_wants of the object the template makes). */
int p11_custody_generates(const CK_ATTRIBUTE *t, CK_ULONG n)
{
    if (tmpl_true(t, n, CKA_EXTRACTABLE) || !p11_custody_kernel())
        return 0;
    return tmpl_true(t, n, CKA_TOKEN) ? cu.token_master > 0 : cu.session_master > 0;
}

/* CKA_CHECK_VALUE of a key whose bytes only the kernel has: a zero block
 * through its ECB transform (AES, DES3); none for other types. */
CK_RV p11_custody_check_value(p11_object *o, unsigned char out[3], int *have)
{
    *have = 0;
    if (o->kt != CKK_AES && o->kt != CKK_DES3)
        return CKR_OK;
    kc_alg_id ecb = o->kt == CKK_AES ? KC_AES_ECB : KC_DES3_ECB;
    kc_tfm *t;
    CK_RV rv = p11_key_tfm(o, ecb, &t);
    if (rv != CKR_OK)
        return rv;
    unsigned char block[16] = { 0 };
    kc_cipher *c;
    kc_error err;
    if (kc_cipher_from_tfm(&c, t, &err) != KC_OK)
        return CKR_DEVICE_ERROR;
    kc_status st = kc_cipher_oneshot(c, 1, NULL, 0, block, kc_alg(ecb)->block_size, block, &err);
    kc_cipher_free(c);
    if (st != KC_OK)
        return CKR_DEVICE_ERROR;
    memcpy(out, block, 3);
    *have = 1;
    return CKR_OK;
}
