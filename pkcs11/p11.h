/* SPDX-License-Identifier: Apache-2.0 */
/* Internal state of the kcrypt token. One global state guarded by one lock:
 * every entry point takes it (p11_enter) so sessions, objects and the login
 * state never race; the kernel work inside is short next to that. */
#ifndef KCRYPT_P11_H
#define KCRYPT_P11_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "p11_defs.h"
#include "mechmap.h"
#include "kc/kc.h"

#define P11_SLOT_ID 1
#define P11_PIN_MIN 4
#define P11_PIN_MAX 255
#define P11_EXPORT __attribute__((visibility("default")))

/* ---- objects ---- */
typedef struct {
    CK_ATTRIBUTE_TYPE type;
    CK_ULONG len;
    unsigned char *val;
} p11_attr;

typedef struct p11_object {
    CK_OBJECT_HANDLE h;
    CK_SESSION_HANDLE owner;     /* session of a session object; 0 for token objects */
    CK_OBJECT_CLASS cls;
    CK_KEY_TYPE kt;              /* secret keys and RSA keys */
    p11_attr *attrs;             /* everything but a secret key's CKA_VALUE */
    size_t nattrs;
    unsigned char *sealed;       /* secret key value sealed by the vault (vault.c) */
    size_t sealed_len;
    size_t value_len;
    kc_tfm *tfm[KC_ALG_COUNT];   /* keyed kernel transforms, made on first use */
    int32_t sserial;             /* secret key: > 0, its value is this kernel key (custody.c) */
    char *kblob;                 /* its kernel blob (encrypted under the master) */
    size_t kblob_len;
    char file[17];               /* token objects: name of the file in the store */
    ino_t ino;                   /* of that file when read or written: a rename changes it */
    int locked;                  /* public token key read before login: no value yet */
    int unverified;              /* public token object read before login: not authenticated */
    uint64_t gen;                /* store version its file was written at (0: not known) */
    int32_t kserial;             /* RSA private key: its kernel key (rsa_key.c), 0: none */
    pid_t kpid;                  /* the process that loaded it (a child must not remove it) */
    struct p11_object *next;
} p11_object;

/* ---- operations ---- */
typedef enum { OP_NONE = 0, OP_ENCRYPT, OP_DECRYPT } p11_dir;

typedef struct {
    int active;
    p11_dir dir;
    CK_MECHANISM_TYPE mech;
    kc_alg_id alg;
    CK_OBJECT_HANDLE key;
    kc_cipher *c;
    kc_aead *a;
    int pad;                     /* CBC_PAD */
    int whole;                   /* AEAD, CTS: the kernel needs the whole message */
    size_t block;                /* ECB/CBC padding unit: the table's block size */
    kc_blockpad bp;              /* ECB/CBC: partial block; CBC_PAD decrypt: the last one */
    unsigned char *buf;          /* whole-message buffer */
    size_t len, cap;
    unsigned char nonce[16];
    size_t nonce_len;
    unsigned char *aad;
    size_t aad_len;
    size_t tag_len;
    size_t ccm_len;              /* CCM: declared data length */
    int ctr_bounded;             /* CTR: the counter field is short enough to wrap */
    unsigned long long ctr_left; /* CTR: bytes before it wraps */
    int updated;                 /* an Update ran: the one-shot call is refused */
    int kw_done;                 /* KW/KWP: the exact output length is known */
    size_t kw_len;
    int last_done;               /* CBC_PAD decrypt: last block already decrypted */
    unsigned char last[16];
    size_t last_n;
} p11_crypt;

typedef struct {
    int active;
    CK_MECHANISM_TYPE mech;
    kc_hash *h;
    size_t out_len;              /* MAC length to produce / digest size */
    /* C_Digest*: data held here until final, up to P11_DIGEST_HOLD bytes,
     * so the operation state can be saved (opstate.c); spilled once some
     * went to the kernel, whose partial state cannot be read back. */
    kc_gather g;                 /* held data (g.spilled: some went to the kernel) */
    int saved;                   /* state handed out, nothing fed since */
    int updated;                 /* an Update ran: the one-shot call is refused */
} p11_hashop;
#define P11_DIGEST_HOLD 65536
/* The largest length a caller may pass: far beyond any real buffer, and
 * small enough that adding two of them, or one and a block, never wraps. */
#define P11_LEN_MAX ((CK_ULONG)1 << 60)

typedef struct p11_session {
    CK_SESSION_HANDLE h;
    CK_FLAGS flags;
    p11_crypt enc, dec;
    p11_hashop dig, sign, verify;
    struct p11_rsaop *rsa[4];    /* RSA operations (rsa_op.c), by p11_rsa_kind */
    int finding;
    CK_OBJECT_HANDLE *found;
    size_t nfound, pos;
    struct p11_session *next;
} p11_session;

/* ---- token state (store.c) ---- */
typedef struct {
    int initialized;
    char label[32];
    char serial[16];
    unsigned long iterations;
    unsigned char so_salt[16], user_salt[16];
    unsigned char so_wrapped[40], user_wrapped[40];   /* KWP(token key) */
    int user_pin_set;
    unsigned long so_fail, user_fail;   /* wrong PINs since the last right one */
    unsigned long pin_tries;            /* failures that lock a role (login.c) */
} p11_token;
#define P11_PIN_TRIES_DEFAULT 10UL
#define P11_ITERATIONS_MIN 1000UL
#define P11_ITERATIONS_MAX 10000000UL   /* a login must not hang on the state file */

typedef struct {
    int initialized;
    pid_t pid;
    void *mutex;                 /* app mutex, or NULL with the OS mutex */
    CK_CREATEMUTEX create_mutex;
    CK_DESTROYMUTEX destroy_mutex;
    CK_LOCKMUTEX lock_mutex;
    CK_UNLOCKMUTEX unlock_mutex;
    p11_session *sessions;
    CK_ULONG nsessions, nrw;
    CK_SESSION_HANDLE next_session;
    p11_object *objects;
    CK_OBJECT_HANDLE next_object;
    int logged_in;
    CK_USER_TYPE user;
    char store_dir[4096];
    p11_token tok;
    unsigned char *tk_sealed;    /* token key after a login, sealed (login.c) */
    size_t tk_sealed_len;
    kc_aead *tk_aead;            /* the token key in the kernel: objects at rest (objfile.c) */
    kc_rng *rng;
    kc_aead *vault;
    unsigned long long vault_ctr;
    unsigned char vault_prefix[4];
} p11_global;

extern p11_global p11_g;

/* lock.c */
CK_RV p11_lock_init(CK_C_INITIALIZE_ARGS *args);
void p11_lock_fini(void);
CK_RV p11_enter(void);           /* CKR_CRYPTOKI_NOT_INITIALIZED, also in a forked child */
void p11_leave(void);
int p11_forked(void);
/* The body of an entry point that is one internal call under the lock. */
#define P11_LOCKED(call)                \
    do {                                \
        CK_RV rv_ = p11_enter();        \
        if (rv_ != CKR_OK)              \
            return rv_;                 \
        rv_ = (call);                   \
        p11_leave();                    \
        return rv_;                     \
    } while (0)

/* session.c */
CK_RV p11_session_get(CK_SESSION_HANDLE h, p11_session **out);
void p11_session_free_ops(p11_session *s);
void p11_sessions_close_all(void);
CK_STATE p11_session_state(const p11_session *s);

/* object.c */
p11_object *p11_object_new(CK_OBJECT_CLASS cls);
void p11_object_free(p11_object *o);
void p11_object_link(p11_object *o);
void p11_object_unlink_free(p11_object *o);
void p11_objects_free_all(void);
void p11_objects_free_session(CK_SESSION_HANDLE h);
void p11_objects_lock_token_keys(void);   /* at C_Logout */
p11_object *p11_object_find(CK_OBJECT_HANDLE h);    /* NULL when absent or not visible */
int p11_object_visible(const p11_object *o);
CK_RV p11_key_for_use(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE hk, CK_ATTRIBUTE_TYPE usage,
                      p11_object **out);
CK_RV p11_key_tfm(p11_object *o, kc_alg_id alg, kc_tfm **out);
CK_RV p11_key_set_value(p11_object *o, const unsigned char *v, size_t len);
CK_RV p11_key_get_value(const p11_object *o, unsigned char *out, size_t len);

/* attr.c */
p11_attr *p11_attr_get(const p11_object *o, CK_ATTRIBUTE_TYPE t);
CK_RV p11_attr_set(p11_object *o, CK_ATTRIBUTE_TYPE t, const void *v, CK_ULONG len);
int p11_attr_bool(const p11_object *o, CK_ATTRIBUTE_TYPE t);
CK_RV p11_attr_set_bool(p11_object *o, CK_ATTRIBUTE_TYPE t, int v);
CK_RV p11_attr_set_ulong(p11_object *o, CK_ATTRIBUTE_TYPE t, CK_ULONG v);
const CK_ATTRIBUTE *p11_tmpl_find(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type);
CK_RV p11_tmpl_ulong(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type, CK_ULONG *v,
                     int *present);
CK_RV p11_tmpl_check(const CK_ATTRIBUTE *t, CK_ULONG n);
typedef enum { P11_MAKE_CREATE, P11_MAKE_GENERATE, P11_MAKE_UNWRAP } p11_make;
/* Build a secret key or data object from a template; value may be NULL for CREATE. */
CK_RV p11_object_make(p11_session *s, const CK_ATTRIBUTE *t, CK_ULONG n, p11_make how,
                      CK_OBJECT_CLASS cls, CK_KEY_TYPE kt, const unsigned char *value,
                      size_t value_len, CK_MECHANISM_TYPE genmech, CK_OBJECT_HANDLE *out);
CK_RV p11_attr_apply(p11_session *s, p11_object *o, const CK_ATTRIBUTE *t, CK_ULONG n,
                     int copying);
CK_RV p11_secret_key_len_ok(CK_KEY_TYPE kt, size_t len);
CK_RV p11_attr_defaults(p11_object *o);

/* mech.c */
typedef struct {
    CK_MECHANISM_TYPE mech;
    kc_alg_id alg;               /* the kernel algorithm serving it */
    int general;                 /* _GENERAL MAC form */
    CK_MECHANISM_INFO info;
} p11_mech;
const p11_mech *p11_mech_lookup(CK_MECHANISM_TYPE m);  /* NULL unless the kernel has it */
size_t p11_mech_list(CK_MECHANISM_TYPE *out, size_t max);

CK_KEY_TYPE p11_hmac_key_type(kc_alg_id alg);

/* vault.c */
CK_RV p11_vault_open(void);
void p11_vault_close(void);
CK_RV p11_seal(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len);
CK_RV p11_unseal(const unsigned char *in, size_t len, unsigned char *out, size_t out_len);

/* custody.c: non-extractable secret keys held by the kernel (Linux >= 6.2) */
#define CKA_KCRYPT_KERNEL_BLOB (CKA_VENDOR_DEFINED | 0x4b43u)  /* in the sealed part only */
int p11_custody_kernel(void);            /* kernel custody in force (decided once) */
const char *p11_custody_name(void);      /* for C_GetTokenInfo and tests */
int p11_custody_wants(const p11_object *o);
CK_RV p11_custody_generate(p11_object *o, size_t len);
CK_RV p11_custody_import(p11_object *o, const unsigned char *v, size_t len);
CK_RV p11_custody_load(p11_object *o, const unsigned char *blob, size_t len);
CK_RV p11_custody_copy(p11_object *dst, const p11_object *src);
void p11_custody_drop(p11_object *o);
int p11_custody_generates(const CK_ATTRIBUTE *t, CK_ULONG n);
CK_RV p11_custody_check_value(p11_object *o, unsigned char out[3], int *have);
void p11_custody_login(const unsigned char *tk, size_t len);
void p11_custody_logout(void);
void p11_custody_fini(void);

/* random.c */
CK_RV p11_random(unsigned char *out, size_t len);
void p11_rng_close(void);

/* kdf.c */
CK_RV p11_pbkdf2(const unsigned char *pin, size_t pin_len, const unsigned char *salt,
                 size_t salt_len, unsigned long iterations, unsigned char *out, size_t out_len);

/* login.c */
void p11_logout_state(void);     /* forget the login and the token key */

/* objfile.c: one token object as bytes at rest */
CK_RV p11_objfile_encode(const p11_object *o, uint64_t gen, unsigned char **out,
                         size_t *out_len);
CK_RV p11_objfile_decode(const char *name, const unsigned char *in, size_t len,
                         p11_object **out);

/* objindex.c: which object files the token wrote, at which store version */
#define P11_NAME_LEN 16
typedef struct {
    struct {
        char name[P11_NAME_LEN + 1];
        uint64_t gen;
    } *e;
    size_t n, cap;
    uint64_t version;
} p11_index;
CK_RV p11_index_load(p11_index *ix);   /* needs the token key; missing = empty */
CK_RV p11_index_save(const p11_index *ix);   /* under the store's exclusive lock */
uint64_t p11_index_gen(const p11_index *ix, const char *name);   /* 0: not listed */
CK_RV p11_index_set(p11_index *ix, const char *name, uint64_t gen);
void p11_index_drop(p11_index *ix, const char *name);
void p11_index_free(p11_index *ix);
CK_RV p11_index_parse(p11_index *ix, const unsigned char *p, size_t n);   /* the plaintext */

/* objstore.c: token objects in the store directory, shared by processes */
CK_RV p11_objstore_write(p11_object *o);
CK_RV p11_objstore_remove(p11_object *o);
CK_RV p11_objstore_reload(p11_object *o);    /* undo changes not written */
void p11_objstore_sync(void);
int p11_objstore_current(p11_object *o);   /* 0: another process destroyed it */
void p11_objstore_clear(void);

CK_RV p11_key_separation(const p11_object *o);   /* attr.c */

/* safefile.c: the store's files, safe against others who can write there.
 * P11_MAX_FILE: the largest file the token writes and reads back. */
#define P11_MAX_FILE (1u << 20)
struct stat;
void p11_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int p11_file_open_dir(const char *dir);   /* -1: missing, or not ours / writable by others */
int p11_file_open_read(int dfd, const char *name, struct stat *st);
int p11_file_read_all(int fd, unsigned char *buf, size_t len);   /* 0, or -1: short or error */
CK_RV p11_file_replace(const char *dir, const char *name, const unsigned char *data,
                       size_t len, ino_t *ino);

/* store.c */
int p11_store_mkdirs(const char *path);
int p11_store_fsync_dir(const char *path);
void p11_store_choose(const char *reserved);
CK_RV p11_store_load(p11_token *t);
CK_RV p11_store_save(const p11_token *t);
CK_RV p11_store_lock(int exclusive, int *fd);
void p11_store_unlock(int fd);
CK_RV p11_store_parse(FILE *f, p11_token *t);   /* token.state's text */

/* digest.c */
CK_RV p11_digest_start(p11_hashop *op, CK_MECHANISM_TYPE mech);
CK_RV p11_digest_feed(p11_hashop *op, const unsigned char *in, size_t n);
/* digest.c, for digests and MACs: updates gathered (kc/gather.h), the end
 * one request when all of it is held here */
CK_RV p11_hash_feed(p11_hashop *op, const unsigned char *in, size_t n);
kc_status p11_hash_end(p11_hashop *op, unsigned char *out, size_t out_len, kc_error *err);

/* encrypt.c / digest.c / sign.c */
void p11_crypt_free(p11_crypt *op);
void p11_hashop_free(p11_hashop *op);

/* rsa_key.c, rsa_op.c, rsa_gen.c: RSA keys whose private half is held by
 * the kernel's asymmetric key type (hooks for the shared files; rsa.h has
 * the rest) */
typedef enum { P11_RSA_SIGN, P11_RSA_VERIFY, P11_RSA_ENCRYPT, P11_RSA_DECRYPT } p11_rsa_kind;
int p11_rsa_mech(CK_MECHANISM_TYPE m);   /* one of the RSA mechanisms, offered or not */
size_t p11_rsa_mechs(p11_mech *out, size_t room);   /* those this kernel can serve */
int p11_rsa_attr_valid(CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE t);
int p11_rsa_attr_secret(CK_OBJECT_CLASS cls, CK_ATTRIBUTE_TYPE t);   /* never shown */
CK_RV p11_rsa_attr_change(const p11_object *o, CK_ATTRIBUTE_TYPE t, int b, int cur);
CK_RV p11_rsa_create(p11_session *s, const CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_CLASS cls,
                     CK_OBJECT_HANDLE *out);
CK_RV p11_rsa_unwrapped(p11_session *s, const CK_ATTRIBUTE *t, CK_ULONG n,
                        const unsigned char *pkcs8, size_t len, CK_OBJECT_HANDLE *out);
CK_RV p11_rsa_kernel_load(p11_object *o);   /* a token key's sealed PKCS#8 into the kernel */
void p11_rsa_kernel_drop(p11_object *o);
CK_RV p11_rsa_init(CK_SESSION_HANDLE hs, p11_rsa_kind kind, CK_MECHANISM_PTR m,
                   CK_OBJECT_HANDLE hk);
int p11_rsa_active(CK_SESSION_HANDLE hs, p11_rsa_kind kind);
CK_RV p11_rsa_sign(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR sig,
                   CK_ULONG_PTR sl);
CK_RV p11_rsa_verify(CK_SESSION_HANDLE hs, CK_BYTE_PTR in, CK_ULONG n, CK_BYTE_PTR sig,
                     CK_ULONG sl);
CK_RV p11_rsa_update(CK_SESSION_HANDLE hs, p11_rsa_kind kind, CK_BYTE_PTR in, CK_ULONG n);
CK_RV p11_rsa_sign_final(CK_SESSION_HANDLE hs, CK_BYTE_PTR sig, CK_ULONG_PTR sl);
CK_RV p11_rsa_verify_final(CK_SESSION_HANDLE hs, CK_BYTE_PTR sig, CK_ULONG sl);
CK_RV p11_rsa_crypt(CK_SESSION_HANDLE hs, p11_rsa_kind kind, CK_BYTE_PTR in, CK_ULONG n,
                    CK_BYTE_PTR out, CK_ULONG_PTR outn);
CK_RV p11_rsa_no_multipart(CK_SESSION_HANDLE hs, p11_rsa_kind kind);
void p11_rsa_ops_free(p11_session *s);
int p11_rsa_wants_login(const p11_session *s);   /* CKA_ALWAYS_AUTHENTICATE */
void p11_rsa_logged_in(p11_session *s);
/* rv.c: kc_status/errno to CK_RV, in one place; e's text goes to KCRYPT_DEBUG.
 * use: what the caller was doing, which decides e.g. CKR_DATA_LEN_RANGE
 * against CKR_ENCRYPTED_DATA_LEN_RANGE. e->status KC_OK: a short output. */
typedef enum {
    P11_USE_INIT,      /* starting an operation */
    P11_USE_KEY,       /* keying a transform with a key object's value */
    P11_USE_ENCRYPT,
    P11_USE_DECRYPT,
    P11_USE_DIGEST,    /* digest, sign */
    P11_USE_VERIFY,
    P11_USE_WRAP,
    P11_USE_UNWRAP,
    P11_USE_TOKEN      /* the token's own work: store, PINs, vault, random */
} p11_use;
CK_RV p11_rv(const kc_error *e, p11_use use);
CK_RV p11_rv_errno(int e);   /* a failed file or memory call: ENOMEM, ENOSPC, ... */

/* helpers */
CK_RV p11_out(CK_BYTE *out, CK_ULONG *out_len, size_t need);   /* size-query convention */
void p11_pad_copy(CK_UTF8CHAR *dst, size_t n, const char *src);

#endif
