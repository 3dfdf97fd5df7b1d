/* SPDX-License-Identifier: Apache-2.0 */
/* The provider's face of the one algorithm table: the OpenSSL names of each
 * row. common/ holds no OpenSSL names. Pure data, no OpenSSL calls, so the
 * tests compile it too (the names their references fetch). */
#ifndef KCP_NAMES_H
#define KCP_NAMES_H

#include "kc/alg.h"

typedef struct {
    int offered;          /* 1 advertised where the kernel has it; -1 deliberately not; 0 missing */
    const char *name;     /* OpenSSL's name, also the software fallback's; "%u" = key bits */
    const char *aliases;  /* more of OpenSSL's names joined by ':', or NULL */
} kcp_alg_names;

/* The row's names (offered or not: the name also fetches software twins);
 * NULL for an id outside the table. */
const kcp_alg_names *kcp_names_of(kc_alg_id alg);
/* The name for a key of keylen bytes ("%u" expanded, without treating the
 * table's text as a printf format). */
void kcp_expand_name(char *out, size_t n, const char *pattern, unsigned bits);
/* Every row has a name and says whether it is offered; 0, or -1 with why. */
int kcp_names_check(char *why, size_t why_len);

#endif
