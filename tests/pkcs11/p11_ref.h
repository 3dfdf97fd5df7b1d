/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the PKCS#11 state-machine test and the API fuzzer: a module
 * under test (kcrypt, or SoftHSMv2 as the reference), its token set up
 * in a private directory, and differences from the spec recorded. */
#ifndef P11_REF_H
#define P11_REF_H

#include "p11t.h"

extern int p11r_reference;   /* running a reference module: spec deviations are recorded */
extern size_t p11r_diffs;

/* Spec rule: a mismatch fails kcrypt, and is recorded ("DIFF") for the reference. */
#define SPEC(area, got, want, ...)                                   \
    do {                                                             \
        CK_RV g_ = (got), w_ = (want);                               \
        if (g_ == w_) {                                              \
            kct_pass(T, area);                                       \
        } else if (p11r_reference) {                                 \
            p11r_diffs++;                                            \
            printf("DIFF %s: got 0x%lx want 0x%lx: ", area, g_, w_); \
            printf(__VA_ARGS__);                                     \
            printf("\n");                                            \
        } else {                                                     \
            kct_fail(T, area, "got 0x%lx want 0x%lx", g_, w_);       \
            printf("  at: ");                                        \
            printf(__VA_ARGS__);                                     \
            printf("\n");                                            \
        }                                                            \
    } while (0)

/* Private token directories for both modules (KCRYPT_P11_STORE and a
 * SOFTHSM2_CONF of our own); dir receives the base directory. */
int p11r_env(char *dir, size_t n);
/* C_Initialize, init the token (SO PIN, user PIN), open a R/W session
 * logged in as the user; the slot and session are returned. */
int p11r_token(CK_SLOT_ID *slot, CK_SESSION_HANDLE *s);
CK_OBJECT_HANDLE p11r_key(CK_SESSION_HANDLE s, CK_KEY_TYPE kt, const unsigned char *v,
                          size_t n, CK_ATTRIBUTE_TYPE use1, CK_ATTRIBUTE_TYPE use2);

#define P11R_SO_PIN "12345678"
#define P11R_USER_PIN "87654321"

#endif
