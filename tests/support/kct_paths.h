/* SPDX-License-Identifier: Apache-2.0 */
/* Where the vector files are. A missing directory or file is reported and
 * must be counted as a failure by the caller: never a silent pass. */
#ifndef KCT_PATHS_H
#define KCT_PATHS_H

typedef enum {
    KCT_WYCHEPROOF,  /* $KCRYPT_WYCHEPROOF_DIR, else the build's default (../shared/...) */
    KCT_CAVP         /* $KCRYPT_CAVP_DIR, else Debian's python3-cryptography-vectors */
} kct_vector_set;

const char *kct_vector_dir(kct_vector_set s);
/* 0 if the set's directory exists; else prints why and how to fix it, -1. */
int kct_vector_dir_check(kct_vector_set s);
/* malloc'd "<dir>/<rel>" when that file is readable; else prints why, NULL. */
char *kct_vector_file(kct_vector_set s, const char *rel);

#endif
