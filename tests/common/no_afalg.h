/* SPDX-License-Identifier: Apache-2.0 */
/* Make socket(AF_ALG, ...) fail with EAFNOSUPPORT for this process and its
 * children (seccomp), so "no AF_ALG" can be shown on any kernel. */
#ifndef KCT_NO_AFALG_H
#define KCT_NO_AFALG_H

int deny_afalg(void);

#endif
