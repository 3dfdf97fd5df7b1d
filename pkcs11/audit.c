/* SPDX-License-Identifier: Apache-2.0 */
/* The token's audit lines (audit.h); written by kc_audit, which leaves the
 * application's own openlog() settings alone. */
#include "audit.h"

#include <stdio.h>

#define IDENT "kcrypt-pkcs11"

static const char *class_name(CK_OBJECT_CLASS c)
{
    switch (c) {
    case CKO_DATA: return "data";
    case CKO_CERTIFICATE: return "certificate";
    case CKO_PUBLIC_KEY: return "public-key";
    case CKO_PRIVATE_KEY: return "private-key";
    case CKO_SECRET_KEY: return "secret-key";
    default: return "other";
    }
}

/* the token label: 32 bytes padded with spaces */
static void token_label(char out[KC_AUDIT_TEXT_MAX], const p11_token *t)
{
    size_t n = sizeof t->label;
    while (n && t->label[n - 1] == ' ')
        n--;
    kc_audit_text(out, t->label, n);
}

static const char *type_name(const p11_object *o, char buf[24])
{
    if (o->cls != CKO_SECRET_KEY && o->cls != CKO_PRIVATE_KEY && o->cls != CKO_PUBLIC_KEY)
        return "-";
    switch (o->kt) {
    case CKK_AES: return "aes";
    case CKK_DES3: return "des3";
    case CKK_CHACHA20: return "chacha20";
    case CKK_GENERIC_SECRET: return "generic-secret";
    case CKK_SHA_1_HMAC: return "sha1-hmac";
    case CKK_SHA224_HMAC: return "sha224-hmac";
    case CKK_SHA256_HMAC: return "sha256-hmac";
    case CKK_SHA384_HMAC: return "sha384-hmac";
    case CKK_SHA512_HMAC: return "sha512-hmac";
    case CKK_RSA: return "rsa";
    default:
        snprintf(buf, 24, "0x%lx", (unsigned long)o->kt);
        return buf;
    }
}

static const char *rv_name(CK_RV rv, char buf[24])
{
    switch (rv) {
    case CKR_OK: return "ok";
    case CKR_PIN_INCORRECT: return "CKR_PIN_INCORRECT";
    case CKR_PIN_LOCKED: return "CKR_PIN_LOCKED";
    case CKR_ACTION_PROHIBITED: return "CKR_ACTION_PROHIBITED";
    case CKR_SESSION_READ_ONLY: return "CKR_SESSION_READ_ONLY";
    case CKR_KEY_UNEXTRACTABLE: return "CKR_KEY_UNEXTRACTABLE";
    case CKR_KEY_NOT_WRAPPABLE: return "CKR_KEY_NOT_WRAPPABLE";
    case CKR_KEY_FUNCTION_NOT_PERMITTED: return "CKR_KEY_FUNCTION_NOT_PERMITTED";
    case CKR_USER_NOT_LOGGED_IN: return "CKR_USER_NOT_LOGGED_IN";
    case CKR_WRAPPED_KEY_INVALID: return "CKR_WRAPPED_KEY_INVALID";
    case CKR_WRAPPED_KEY_LEN_RANGE: return "CKR_WRAPPED_KEY_LEN_RANGE";
    case CKR_TEMPLATE_INCONSISTENT: return "CKR_TEMPLATE_INCONSISTENT";
    default:
        snprintf(buf, 24, "CKR_0x%lx", (unsigned long)rv);
        return buf;
    }
}

/* label="..." id=HEX class=C type=T handle=H, of one object */
static void describe(const p11_object *o, char *out, size_t n)
{
    char label[KC_AUDIT_TEXT_MAX], id[KC_AUDIT_HEX_MAX], tb[24];
    const p11_attr *l = p11_attr_get(o, CKA_LABEL), *i = p11_attr_get(o, CKA_ID);
    kc_audit_text(label, l ? l->val : NULL, l ? l->len : 0);
    kc_audit_hex(id, i ? i->val : NULL, i ? i->len : 0);
    snprintf(out, n, "label=\"%s\" id=%s class=%s type=%s handle=%lu %s", label, id,
             class_name(o->cls), type_name(o, tb), (unsigned long)o->h,
             o->owner ? "session-object" : "token-object");
}

void p11_audit_made(p11_make how, const p11_object *o)
{
    if (how != P11_MAKE_UNWRAP)   /* C_UnwrapKey's line names the unwrapping key too */
        (void)p11_audit_key(how == P11_MAKE_GENERATE ? "generate" : "create", o, CKR_OK);
}

CK_RV p11_audit_key(const char *event, const p11_object *o, CK_RV rv)
{
    char what[512], rb[24];
    describe(o, what, sizeof what);
    kc_audit(IDENT, "key %s: %s result=%s", event, what, rv_name(rv, rb));
    return rv;
}

static const p11_object *visible(CK_OBJECT_HANDLE h)
{
    for (const p11_object *o = p11_g.objects; o; o = o->next)
        if (o->h == h)
            return p11_object_visible(o) ? o : NULL;
    return NULL;
}

/* ROLE-label="..." ROLE-id=HEX ROLE-handle=H of the (un)wrapping key */
static void describe_kek(const char *role, const p11_object *w, char *out, size_t n)
{
    if (!w) {
        snprintf(out, n, "%s=none", role);
        return;
    }
    const p11_attr *l = p11_attr_get(w, CKA_LABEL), *i = p11_attr_get(w, CKA_ID);
    char label[KC_AUDIT_TEXT_MAX], id[KC_AUDIT_HEX_MAX];
    kc_audit_text(label, l ? l->val : NULL, l ? l->len : 0);
    kc_audit_hex(id, i ? i->val : NULL, i ? i->len : 0);
    snprintf(out, n, "%s-label=\"%s\" %s-id=%s %s-handle=%lu", role, label, role, id, role,
             (unsigned long)w->h);
}

void p11_audit_wrap(CK_OBJECT_HANDLE hw, CK_OBJECT_HANDLE hk, const void *out, CK_RV rv)
{
    const p11_object *k = visible(hk);
    if (!out || rv == CKR_BUFFER_TOO_SMALL || !k || k->cls == CKO_DATA)
        return;
    char what[512], by[400], rb[24];
    describe(k, what, sizeof what);
    describe_kek("wrapping-key", visible(hw), by, sizeof by);
    kc_audit(IDENT, "key wrap-export: %s %s result=%s", what, by, rv_name(rv, rb));
}

void p11_audit_unwrap(CK_OBJECT_HANDLE hu, const CK_OBJECT_HANDLE *out, CK_RV rv)
{
    const p11_object *u = visible(hu), *k = rv == CKR_OK && out ? visible(*out) : NULL;
    if (!u || (rv == CKR_OK && !k))
        return;
    char what[512] = "new-key=none", by[400], rb[24];
    if (k)
        describe(k, what, sizeof what);
    describe_kek("unwrapping-key", u, by, sizeof by);
    kc_audit(IDENT, "key unwrap: %s %s result=%s", what, by, rv_name(rv, rb));
}

CK_RV p11_audit_pin(int so, CK_RV rv, const p11_token *t)
{
    char label[KC_AUDIT_TEXT_MAX], rb[24];
    const char *role = so ? "so" : "user";
    unsigned long fails = so ? t->so_fail : t->user_fail;
    token_label(label, t);
    if (rv == CKR_PIN_LOCKED) {
        kc_audit(IDENT, "login refused: role=%s token=\"%s\" serial=%.16s result=%s", role,
                 label, t->serial, rv_name(rv, rb));
        return rv;
    }
    kc_audit(IDENT, "login failed: role=%s token=\"%s\" serial=%.16s failures=%lu/%lu result=%s",
             role, label, t->serial, fails, t->pin_tries, rv_name(rv, rb));
    if (rv == CKR_PIN_INCORRECT && fails >= t->pin_tries)
        kc_audit(IDENT, "pin locked: role=%s token=\"%s\" serial=%.16s failures=%lu/%lu", role,
                 label, t->serial, fails, t->pin_tries);
    return rv;
}

void p11_audit_token_init(const p11_token *t)
{
    char label[KC_AUDIT_TEXT_MAX];
    token_label(label, t);
    kc_audit(IDENT, "token initialized: token=\"%s\" serial=%.16s: new token key, every token "
             "object destroyed", label, t->serial);
}
