/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers every part of kcrypt (common/, provider/, pkcs11/, tools/,
 * tests/) links from here, so each exists once. */
#ifndef KC_UTIL_H
#define KC_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Decode exactly len hex digits (either case; nothing else: no spaces,
 * signs or "0x") into out (capacity cap). Returns the byte count, or -1 for
 * an odd length, a non-hex character or too little room. */
long kc_hex_decode(const char *hex, size_t len, unsigned char *out, size_t cap);

/* Lower-case hex of n bytes into out, which holds 2n + 1 chars (NUL-terminated). */
void kc_hex_encode(const unsigned char *p, size_t n, char *out);

/* 1 if the n bytes are equal, in time that depends on n only. */
int kc_memeq_ct(const void *a, const void *b, size_t n);

/* Replace the file name (in the directory open as dfd) with len bytes of
 * data, whole or not at all: a temporary with a random name created
 * O_EXCL|O_NOFOLLOW beside it with mode, written, fsynced, renamed over
 * name (which replaces a symlink, never follows one), then dfd fsynced.
 * A reader sees the old file or the new one, never part of one, even if
 * the writer is killed. Returns 0 (and *ino, if not NULL, the new file's
 * inode) or -errno; no temporary is left behind. */
int kc_file_replace_at(int dfd, const char *name, const void *data, size_t len, mode_t mode,
                       ino_t *ino);
/* The same for a path: its directory is opened for the replacement. */
int kc_file_replace(const char *path, const void *data, size_t len, mode_t mode);

#endif
