/* SPDX-License-Identifier: Apache-2.0 */
/* Roles and PINs. Each PIN wraps (AES-KWP, RFC 5649) the token's random
 * 256-bit key under PBKDF2-HMAC-SHA256(PIN, salt): a PIN is right exactly
 * when that unwrap passes its integrity check, so no PIN hash is stored.
 * The token key seals token objects at rest (objfile.c): after a login it
 * is in an AES-GCM kernel transform for that, and sealed under the vault
 * for C_InitPIN, which must wrap it under a new PIN. */
#include "p11.h"
#include "audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ITERATIONS 200000UL
#define TK_LEN 32

/* A count from the environment, within [lo, hi]; 0 if set and not that,
 * so a typo is an error at C_InitToken rather than a silent default. */
static unsigned long env_count(const char *name, unsigned long dflt, unsigned long lo,
                               unsigned long hi)
{
    const char *e = getenv(name);
    if (!e || !*e)
        return dflt;
    char *end;
    errno = 0;
    unsigned long n = strtoul(e, &end, 10);
    return errno || *end || *e == '-' || n < lo || n > hi ? 0 : n;
}

/* Tests in an emulated kernel (about 60 us per HMAC) lower the iteration
 * count; both are recorded in the state at C_InitToken, so later logins
 * use the same whatever their environment says. */
static unsigned long iterations(void)
{
    return env_count("KCRYPT_P11_PBKDF2_ITERATIONS", DEFAULT_ITERATIONS, P11_ITERATIONS_MIN,
                     P11_ITERATIONS_MAX);
}

static unsigned long pin_tries(void)
{
    return env_count("KCRYPT_P11_PIN_TRIES", P11_PIN_TRIES_DEFAULT, 1, 1000);
}

static CK_RV kek(const CK_UTF8CHAR *pin, CK_ULONG len, const unsigned char *salt,
                 unsigned long iter, unsigned char out[32])
{
    return p11_pbkdf2(pin, len, salt, 16, iter, out, 32);
}

static CK_RV wrap_tk(const CK_UTF8CHAR *pin, CK_ULONG len, unsigned char *salt,
                     unsigned long iter, const unsigned char *tk, unsigned char out[40])
{
    unsigned char k[32];
    CK_RV rv = p11_random(salt, 16);
    if (rv == CKR_OK)
        rv = kek(pin, len, salt, iter, k);
    if (rv != CKR_OK)
        return rv;
    kc_keywrap *w;
    kc_error err;
    kc_key key = KC_KEY_RAW(k, sizeof k);
    kc_status st = kc_keywrap_new(&w, KC_AES_KWP, NULL, &key, 1, &err);
    kc_wipe(k, sizeof k);
    if (st != KC_OK)
        return p11_rv(&err, P11_USE_TOKEN);
    size_t n = 40;
    st = kc_keywrap_wrap(w, tk, TK_LEN, out, &n, &err);
    kc_keywrap_free(w);
    return st != KC_OK ? p11_rv(&err, P11_USE_TOKEN) : n == 40 ? CKR_OK : CKR_DEVICE_ERROR;
}

static CK_RV unwrap_tk(const CK_UTF8CHAR *pin, CK_ULONG len, const unsigned char *salt,
                       unsigned long iter, const unsigned char *wrapped, unsigned char *tk)
{
    unsigned char k[32];
    CK_RV rv = kek(pin, len, salt, iter, k);
    if (rv != CKR_OK)
        return rv;
    kc_keywrap *w;
    kc_error err;
    kc_key key = KC_KEY_RAW(k, sizeof k);
    kc_status st = kc_keywrap_new(&w, KC_AES_KWP, NULL, &key, 0, &err);
    kc_wipe(k, sizeof k);
    if (st != KC_OK)
        return p11_rv(&err, P11_USE_TOKEN);
    size_t n = TK_LEN + 8;
    unsigned char buf[TK_LEN + 8];
    st = kc_keywrap_unwrap(w, wrapped, 40, buf, &n, &err);
    kc_keywrap_free(w);
    if (st == KC_OK && n == TK_LEN)
        memcpy(tk, buf, TK_LEN);
    kc_wipe(buf, sizeof buf);
    if (st == KC_ERR_AUTH || (st == KC_OK && n != TK_LEN))
        return CKR_PIN_INCORRECT;
    return st == KC_OK ? CKR_OK : p11_rv(&err, P11_USE_TOKEN);
}

static CK_RV pin_len_ok(const CK_UTF8CHAR *pin, CK_ULONG len)
{
    if (!pin)
        return CKR_ARGUMENTS_BAD;
    return len < P11_PIN_MIN || len > P11_PIN_MAX ? CKR_PIN_LEN_RANGE : CKR_OK;
}

static void forget_tk(void)
{
    if (p11_g.tk_sealed) {
        kc_wipe(p11_g.tk_sealed, p11_g.tk_sealed_len);
        free(p11_g.tk_sealed);
    }
    p11_g.tk_sealed = NULL;
    p11_g.tk_sealed_len = 0;
    if (p11_g.tk_aead)
        kc_aead_free(p11_g.tk_aead);
    p11_g.tk_aead = NULL;
    p11_custody_logout();
}

void p11_logout_state(void)
{
    p11_g.logged_in = 0;
    forget_tk();
}

/* The token key into the kernel, where token objects are sealed and opened. */
static CK_RV remember_tk(const unsigned char *tk)
{
    kc_key k = KC_KEY_RAW(tk, TK_LEN);
    kc_error err;
    forget_tk();
    CK_RV rv = p11_seal(tk, TK_LEN, &p11_g.tk_sealed, &p11_g.tk_sealed_len);
    if (rv == CKR_OK && kc_aead_new(&p11_g.tk_aead, KC_AES_GCM, NULL, &k, 16, &err) != KC_OK) {
        p11_g.tk_aead = NULL;
        rv = p11_rv(&err, P11_USE_TOKEN);
    }
    if (rv == CKR_OK)
        p11_custody_login(tk, TK_LEN);
    if (rv != CKR_OK)
        forget_tk();
    return rv;
}

static void reload(void)
{
    p11_token t;
    if (p11_store_load(&t) == CKR_OK)
        p11_g.tok = t;
    kc_wipe(&t, sizeof t);
}

/* One PIN attempt for a role, counted in the token state BEFORE the PIN
 * is tried, so killing the process once it knows the answer still counts
 * the attempt; a right PIN clears the count. Caller holds the exclusive
 * store lock and passes the state it just reloaded. */
static CK_RV check_pin(p11_token *t, int so, const CK_UTF8CHAR *pin, CK_ULONG len,
                       unsigned char *tk)
{
    unsigned long *fail = so ? &t->so_fail : &t->user_fail;
    if (*fail >= t->pin_tries)
        return p11_audit_pin(so, CKR_PIN_LOCKED, t);
    ++*fail;
    CK_RV rv = p11_store_save(t);
    if (rv != CKR_OK)
        return rv;
    p11_g.tok = *t;
    if (len < P11_PIN_MIN || len > P11_PIN_MAX)
        return p11_audit_pin(so, CKR_PIN_INCORRECT, t);
    rv = so ? unwrap_tk(pin, len, t->so_salt, t->iterations, t->so_wrapped, tk)
            : unwrap_tk(pin, len, t->user_salt, t->iterations, t->user_wrapped, tk);
    if (rv != CKR_OK)
        return p11_audit_pin(so, rv, t);
    *fail = 0;
    if ((rv = p11_store_save(t)) != CKR_OK) {
        kc_wipe(tk, TK_LEN);
        return rv;
    }
    p11_g.tok = *t;
    return CKR_OK;
}

CK_RV C_InitToken(CK_SLOT_ID slot, CK_UTF8CHAR_PTR pin, CK_ULONG len, CK_UTF8CHAR_PTR label)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    int lk = -1;
    unsigned char tk[TK_LEN];
    if (slot != P11_SLOT_ID) {
        rv = CKR_SLOT_ID_INVALID;
        goto out;
    }
    if (!label) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    if ((rv = pin_len_ok(pin, len)) != CKR_OK)
        goto out;
    if (p11_g.nsessions) {
        rv = CKR_SESSION_EXISTS;
        goto out;
    }
    if ((rv = p11_store_lock(1, &lk)) != CKR_OK)
        goto out;
    reload();
    p11_token t = p11_g.tok;
    if (t.initialized) {
        if ((rv = check_pin(&t, 1, pin, len, tk)) != CKR_OK)
            goto out;
    } else {
        unsigned char sn[8];
        if ((rv = p11_random(sn, sizeof sn)) != CKR_OK)
            goto out;
        char hex[2 * sizeof sn + 1];
        kc_hex_encode(sn, sizeof sn, hex);
        memcpy(t.serial, hex, sizeof t.serial);
    }
    /* Re-initializing starts a new token: new key, no user PIN, no objects. */
    t.iterations = iterations();
    t.pin_tries = pin_tries();
    if (!t.iterations || !t.pin_tries) {
        rv = CKR_FUNCTION_FAILED;   /* KCRYPT_P11_PBKDF2_ITERATIONS / _PIN_TRIES out of range */
        goto out;
    }
    t.so_fail = t.user_fail = 0;
    memcpy(t.label, label, sizeof t.label);
    if ((rv = p11_random(tk, sizeof tk)) != CKR_OK ||
        (rv = wrap_tk(pin, len, t.so_salt, t.iterations, tk, t.so_wrapped)) != CKR_OK)
        goto out;
    t.user_pin_set = 0;
    memset(t.user_wrapped, 0, sizeof t.user_wrapped);
    t.initialized = 1;
    if ((rv = p11_store_save(&t)) != CKR_OK)
        goto out;
    p11_g.tok = t;
    p11_logout_state();
    /* A new token key: the old objects could not be opened, so they go. */
    p11_objstore_clear();
    p11_audit_token_init(&t);
    for (p11_object *o = p11_g.objects, *nx; o; o = nx) {
        nx = o->next;
        if (!o->owner)
            p11_object_unlink_free(o);
    }
out:
    kc_wipe(tk, sizeof tk);
    p11_store_unlock(lk);
    p11_leave();
    return rv;
}

/* C_Login(CKU_CONTEXT_SPECIFIC): the user's PIN again (counted like any
 * attempt) for an operation on a CKA_ALWAYS_AUTHENTICATE key (rsa_op.c). */
static CK_RV context_login(p11_session *s, const CK_UTF8CHAR *pin, CK_ULONG len)
{
    if (!p11_g.logged_in || p11_g.user != CKU_USER)
        return CKR_USER_NOT_LOGGED_IN;
    if (!p11_rsa_wants_login(s))
        return CKR_OPERATION_NOT_INITIALIZED;
    if (!pin)
        return CKR_ARGUMENTS_BAD;
    unsigned char tk[TK_LEN];
    int lk = -1;
    CK_RV rv = p11_store_lock(1, &lk);
    if (rv != CKR_OK)
        return rv;
    reload();
    p11_token t = p11_g.tok;
    rv = check_pin(&t, 0, pin, len, tk);
    p11_store_unlock(lk);
    kc_wipe(&t, sizeof t);
    kc_wipe(tk, sizeof tk);
    if (rv == CKR_OK)
        p11_rsa_logged_in(s);
    return rv;
}

static CK_RV do_login(CK_SESSION_HANDLE hs, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
                      CK_ULONG len)
{
    p11_session *s;
    unsigned char tk[TK_LEN];
    CK_RV rv = p11_session_get(hs, &s);
    if (rv != CKR_OK)
        return rv;
    if (user != CKU_SO && user != CKU_USER && user != CKU_CONTEXT_SPECIFIC)
        return CKR_USER_TYPE_INVALID;
    if (user == CKU_CONTEXT_SPECIFIC)
        return context_login(s, pin, len);
    if (!pin)
        return CKR_ARGUMENTS_BAD;
    if (p11_g.logged_in)
        return p11_g.user == user ? CKR_USER_ALREADY_LOGGED_IN
                                  : CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
    if (user == CKU_SO && p11_g.nrw != p11_g.nsessions)
        return CKR_SESSION_READ_ONLY_EXISTS;
    int lk = -1;
    if ((rv = p11_store_lock(1, &lk)) != CKR_OK)
        return rv;
    reload();
    p11_token t = p11_g.tok;
    if (!t.initialized)
        rv = user == CKU_SO ? CKR_PIN_INCORRECT : CKR_USER_PIN_NOT_INITIALIZED;
    else if (user == CKU_USER && !t.user_pin_set)
        rv = CKR_USER_PIN_NOT_INITIALIZED;
    else
        rv = check_pin(&t, user == CKU_SO, pin, len, tk);
    p11_store_unlock(lk);
    kc_wipe(&t, sizeof t);
    if (rv == CKR_OK)
        rv = remember_tk(tk);
    kc_wipe(tk, sizeof tk);
    if (rv == CKR_OK) {
        p11_g.logged_in = 1;
        p11_g.user = user;
        p11_objstore_sync();   /* private objects, and public keys' values, open now */
    }
    return rv;
}

CK_RV C_Login(CK_SESSION_HANDLE hs, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    rv = do_login(hs, user, pin, len);
    p11_leave();
    return rv;
}

CK_RV C_LoginUser(CK_SESSION_HANDLE hs, CK_USER_TYPE user, CK_UTF8CHAR *pin, CK_ULONG len,
                  CK_UTF8CHAR *name, CK_ULONG name_len)
{
    (void)name;
    (void)name_len;   /* one user per role: the name carries no meaning here */
    return C_Login(hs, user, pin, len);
}

CK_RV C_Logout(CK_SESSION_HANDLE hs)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    rv = p11_session_get(hs, &s);
    if (rv == CKR_OK && !p11_g.logged_in)
        rv = CKR_USER_NOT_LOGGED_IN;
    if (rv == CKR_OK) {
        /* Operations may hold private keys' transforms: end them all. */
        for (p11_session *x = p11_g.sessions; x; x = x->next)
            p11_session_free_ops(x);
        p11_logout_state();
        p11_objects_lock_token_keys();
    }
    p11_leave();
    return rv;
}

CK_RV C_InitPIN(CK_SESSION_HANDLE hs, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    int lk = -1;
    unsigned char tk[TK_LEN];
    if ((rv = p11_session_get(hs, &s)) != CKR_OK)
        goto out;
    if (!(s->flags & CKF_RW_SESSION)) {
        rv = CKR_SESSION_READ_ONLY;
        goto out;
    }
    if (!p11_g.logged_in || p11_g.user != CKU_SO) {
        rv = CKR_USER_NOT_LOGGED_IN;
        goto out;
    }
    if ((rv = pin_len_ok(pin, len)) != CKR_OK)
        goto out;
    if ((rv = p11_unseal(p11_g.tk_sealed, p11_g.tk_sealed_len, tk, sizeof tk)) != CKR_OK)
        goto out;
    if ((rv = p11_store_lock(1, &lk)) != CKR_OK)
        goto out;
    reload();
    p11_token t = p11_g.tok;
    rv = wrap_tk(pin, len, t.user_salt, t.iterations, tk, t.user_wrapped);
    if (rv == CKR_OK) {
        t.user_pin_set = 1;
        t.user_fail = 0;   /* the SO's reset unlocks the user */
        rv = p11_store_save(&t);
    }
    if (rv == CKR_OK)
        p11_g.tok = t;
out:
    kc_wipe(tk, sizeof tk);
    p11_store_unlock(lk);
    p11_leave();
    return rv;
}

CK_RV C_SetPIN(CK_SESSION_HANDLE hs, CK_UTF8CHAR_PTR old, CK_ULONG old_len, CK_UTF8CHAR_PTR pin,
               CK_ULONG len)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    int lk = -1;
    unsigned char tk[TK_LEN];
    if ((rv = p11_session_get(hs, &s)) != CKR_OK)
        goto out;
    if (!(s->flags & CKF_RW_SESSION)) {
        rv = CKR_SESSION_READ_ONLY;
        goto out;
    }
    if (!old) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    if ((rv = pin_len_ok(pin, len)) != CKR_OK)
        goto out;
    if ((rv = p11_store_lock(1, &lk)) != CKR_OK)
        goto out;
    reload();
    p11_token t = p11_g.tok;
    int so = p11_g.logged_in && p11_g.user == CKU_SO;
    if (!t.initialized || (!so && !t.user_pin_set)) {
        rv = CKR_USER_PIN_NOT_INITIALIZED;
        goto out;
    }
    rv = check_pin(&t, so, old, old_len, tk);
    if (rv == CKR_OK)
        rv = so ? wrap_tk(pin, len, t.so_salt, t.iterations, tk, t.so_wrapped)
                : wrap_tk(pin, len, t.user_salt, t.iterations, tk, t.user_wrapped);
    if (rv == CKR_OK)
        rv = p11_store_save(&t);
    if (rv == CKR_OK)
        p11_g.tok = t;
out:
    kc_wipe(tk, sizeof tk);
    p11_store_unlock(lk);
    p11_leave();
    return rv;
}
