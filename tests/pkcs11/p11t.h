/* SPDX-License-Identifier: Apache-2.0 */
/* What the token's C tests share: the tally macros and loading the module.
 * Each program defines `f` (the function list) and `T` (its tally). */
#ifndef P11T_H
#define P11T_H

#include "../../pkcs11/p11_defs.h"
#include "kct_hex.h"
#include "kct_tally.h"

extern CK_FUNCTION_LIST *f;
extern kct_tally *T;

#define RV(area, call, want)                                                   \
    do {                                                                       \
        CK_RV r_ = (call);                                                     \
        CHECK(area, r_ == (CK_RV)(want), "%s: got 0x%lx want 0x%lx (line %d)", \
              #call, r_, (CK_RV)(want), __LINE__);                             \
    } while (0)

/* dlopen the module, set f; NULL (and a message on stderr) on failure. */
void *p11t_load(const char *path);
/* A fresh store directory for KCRYPT_P11_STORE, with cheap PBKDF2. */
int p11t_store(char *dir, size_t n);
kct_bytes p11t_hex(const char *hex);

/* The PINs every store test initialises its token with. */
#define P11T_SO_PIN "87654321"
#define P11T_USER_PIN "1234"
/* A R/W session on slot 1 (0 and a message on failure). */
CK_SESSION_HANDLE p11t_open_rw(void);
CK_RV p11t_login_user(CK_SESSION_HANDLE s);
/* C_Initialize, C_InitToken with `label`, the user PIN set by the SO;
 * each step counted in `area`. Returns the (logged out) R/W session. */
CK_SESSION_HANDLE p11t_init_token(const char *area, const char *label);

#endif
