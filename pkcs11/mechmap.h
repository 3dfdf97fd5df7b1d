/* SPDX-License-Identifier: Apache-2.0 */
/* The token's map of the one algorithm table (mechmap.c): which PKCS#11
 * mechanism and key type each row is. Pure data; the tests read it too. */
#ifndef KCRYPT_P11_MECHMAP_H
#define KCRYPT_P11_MECHMAP_H

#include <stddef.h>

#include "p11_defs.h"
#include "kc/alg.h"

typedef struct {
    int offered;                 /* 1 offered, -1 deliberately not; 0 is a missing row */
    CK_MECHANISM_TYPE mech;
    CK_MECHANISM_TYPE pad_mech;  /* the _PAD variant (PKCS#7) of a block mode, or 0 */
    CK_MECHANISM_TYPE general;   /* the _GENERAL (truncated) form of a MAC, or 0 */
    CK_KEY_TYPE key_type;
} p11_alg_map;

const p11_alg_map *p11_alg_map_of(kc_alg_id alg);  /* NULL where not offered */
/* Every row offered or deliberately not, consistent with the table; 0, or -1 with why. */
int p11_alg_map_check(char *why, size_t why_len);

#endif
