/* SPDX-License-Identifier: Apache-2.0 */
/* The PKCS#11 token as a vector backend (vec_backend.h). The module is
 * dlopen'ed, a new token is initialised in a temporary store, and each
 * case's key is imported with C_CreateObject into the user's R/W session.
 *
 * A refusal counts as one (KC_ERR_AUTH, _INVALID_ARG, _KEY) only when its
 * CKR code is the one PKCS#11 3.0 names for that input: a bad tag on
 * C_Decrypt is CKR_ENCRYPTED_DATA_INVALID, a bad MAC on C_Verify
 * CKR_SIGNATURE_INVALID, a corrupted wrapped key on C_UnwrapKey
 * CKR_WRAPPED_KEY_INVALID, while a length the mechanism cannot take is the
 * matching *_LEN_RANGE. Any other code is a failure naming both codes.
 *
 * Some operations also run multi-part (Init, Update at random split points,
 * Final) after the single-part call, and must agree with it. */
#ifndef VEC_P11_H
#define VEC_P11_H

#include "../../pkcs11/p11_defs.h"
#include "../../pkcs11/mechmap.h"
#include "vec_backend.h"
#include "vec_internal.h"
#include "vec_main.h"

extern const vec_backend vec_p11_backend;

/* Opens the token in module for r, whose cases then run on it; every'th
 * operation also runs multi-part (0: none). Call after vec_main_begin with
 * &vec_p11_backend. 0, or -1 after counting why as a failure. */
int vec_p11_begin(vec_run *r, const char *module, unsigned long every);

/* ---- shared by the vec_p11_*.c files ---- */

typedef struct {
    CK_FUNCTION_LIST *f;
    CK_SLOT_ID slot;
    CK_SESSION_HANDLE s;
    char store[256];             /* the temporary token directory */
    CK_MECHANISM_TYPE *mechs;    /* what the token offers */
    CK_ULONG n_mechs;
    unsigned long ops, every;    /* multi-part for every every'th operation */
    unsigned long long rng;      /* split points, from a fixed seed */
} vec_p11;

/* A key object made from one case's key, cached in a vec_slot. */
typedef struct {
    vec_p11 *t;
    kc_alg_id alg;
    CK_OBJECT_HANDLE h;          /* 0 for a digest: no key */
} vec_p11_key;

static inline vec_p11 *vec_p11_of(vec_ctx *v)
{
    return v->be_state;
}

/* The slot's key object for alg/param/key, imported on first use with the
 * usages alg's mechanisms need. NULL with err: KC_ERR_KEY when
 * C_CreateObject refused a size the key type does not have with
 * CKR_ATTRIBUTE_VALUE_INVALID, a failure status for anything else. */
vec_p11_key *vec_p11_key_get(vec_ctx *v, vec_slot *s, kc_alg_id alg, size_t param,
                             const kct_bytes *key, kc_error *err);
/* An extractable CKK_GENERIC_SECRET holding value (the key C_WrapKey
 * wraps); 0 with err as for vec_p11_key_get. */
CK_OBJECT_HANDLE vec_p11_secret_new(vec_p11 *t, const kct_bytes *value, kc_error *err);
void vec_p11_destroy(vec_p11 *t, CK_OBJECT_HANDLE h);

/* rv from call (with mechanism m, 0 for none) as a status: CKR_OK is
 * KC_OK; right (if not 0) is the one refusal PKCS#11 names for this input,
 * reported as st; anything else is a failure (KC_ERR_KERNEL) with the codes
 * in err. */
kc_status vec_p11_status(CK_RV rv, const char *call, CK_MECHANISM_TYPE m, CK_RV right,
                         kc_status st, kc_error *err);

/* Whether this operation also runs multi-part. */
int vec_p11_multipart(vec_p11 *t);
/* Splits len bytes into pieces at random points, some of them empty:
 * fills ends[] with each piece's end offset, returns how many (2..4). */
enum { VEC_P11_PIECES = 4 };
size_t vec_p11_split(vec_p11 *t, size_t len, size_t ends[VEC_P11_PIECES]);

/* One function family (Encrypt, Decrypt, Digest, Sign, Verify) for
 * vec_p11_run; ctx is passed through (e.g. the tag C_Verify checks). */
typedef struct {
    const char *name[4];   /* of the Init, single-part, Update and Final calls */
    int query;             /* ask the single-part call for its length first */
    CK_RV (*init)(vec_p11 *t, CK_MECHANISM *m, CK_OBJECT_HANDLE k);
    CK_RV (*once)(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                  unsigned char *out, CK_ULONG *n);
    CK_RV (*update)(vec_p11 *t, const void *ctx, const unsigned char *in, size_t len,
                    unsigned char *out, CK_ULONG *n);
    CK_RV (*final)(vec_p11 *t, const void *ctx, unsigned char *out, CK_ULONG *n);
} vec_p11_calls;

/* The refusals PKCS#11 names for one input (0: none is right). */
typedef struct {
    CK_RV init;            /* at Init: reported as KC_ERR_INVALID_ARG */
    CK_RV op;              /* after it, reported as op_st */
    kc_status op_st;
} vec_p11_rights;

/* in through m with key k, single-part, into out (cap bytes), and for
 * vec_p11_multipart's picks multi-part too: the two must give the same code
 * and output. The single-part answer as a status (vec_p11_status). */
kc_status vec_p11_run(vec_p11 *t, const vec_p11_calls *calls, const void *ctx, CK_MECHANISM *m,
                      CK_OBJECT_HANDLE k, const unsigned char *in, size_t len,
                      unsigned char *out, size_t cap, size_t *out_len,
                      const vec_p11_rights *rights, kc_error *err);

/* The backend's operations (vec_backend.h), by file. */
kc_status vec_p11_cipher(vec_ctx *v, const vec_cipher_case *c, int encrypt, unsigned char *out,
                         size_t *out_len, kc_error *err);                      /* vec_p11_crypt.c */
void *vec_p11_aead_open(vec_ctx *v, const vec_aead_case *c, kc_error *err);
kc_status vec_p11_aead_encrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *ct,
                               unsigned char *tag, kc_error *err);
kc_status vec_p11_aead_decrypt(vec_ctx *v, void *a, const vec_aead_case *c, unsigned char *pt,
                               kc_error *err);
void *vec_p11_mac_open(vec_ctx *v, kc_alg_id alg, const kct_bytes *key,
                       kc_error *err);                                         /* vec_p11_mac.c */
size_t vec_p11_mac_size(void *h);
kc_status vec_p11_mac(vec_ctx *v, void *h, const unsigned char *in, size_t len,
                      unsigned char *out, size_t n, kc_error *err);
kc_status vec_p11_mac_verify(vec_ctx *v, void *h, const kct_bytes *msg, const kct_bytes *tag,
                             kc_error *err);
kc_status vec_p11_wrap(vec_ctx *v, const vec_wrap_case *c, int wrap, unsigned char *out,
                       size_t *out_len, kc_error *err);                        /* vec_p11_wrap.c */

/* Names for messages ("CKR_SIGNATURE_INVALID", "CKM_AES_GCM"), or "?":
 * messages print the number beside them. */
const char *vec_p11_rv_name(CK_RV rv);
const char *vec_p11_mech_name(CK_MECHANISM_TYPE m);

#endif
